//! A used form key sent again: the same content is a repeat (stored once,
//! answered as done); different content is refused as a conflict tied to the
//! text field, never answered "sent" while stored nowhere.
use super::new_id;
use crate::concerns::data::NewConcern;
use crate::db_test;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::model::Role;
use crate::plan::rules::GoalInput;
use crate::testing::{assign, course, user};

fn conflict(field: &str) -> AppError {
    AppError::invalid(field, Msg::FormKeyReused)
}

async fn count(db: &super::Db, sql: &str, key: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(key)
        .fetch_one(db.pool())
        .await
        .expect("count")
}

db_test!(
    a_used_form_key_with_other_text_is_a_conflict_not_a_silent_loss,
    |db| {
        use crate::messages::data::{reply, start_thread};
        let citizen = user(db, Role::Citizen, "Sofie").await;
        let caseworker = user(db, Role::Caseworker, "Mette").await;
        assign(db, &caseworker, &citizen).await;
        course(db, &citizen).await;

        // A new thread.
        let key = new_id();
        let thread = crate::via!(
            crate::testing::citizen_or_caseworker(db, &citizen, &citizen.id),
            |a| start_thread(db, &a, "Møde", None, "Hej", &key)
        )
        .unwrap();
        assert_eq!(
            crate::via!(
                crate::testing::citizen_or_caseworker(db, &citizen, &citizen.id),
                |a| start_thread(db, &a, "Møde", None, "Hej", &key)
            )
            .unwrap(),
            thread
        );
        assert_eq!(
            crate::via!(
                crate::testing::citizen_or_caseworker(db, &citizen, &citizen.id),
                |a| start_thread(db, &a, "Møde", None, "Noget andet", &key)
            ),
            Err(conflict("body"))
        );

        // A reply.
        let key = new_id();
        crate::via!(
            crate::auth::policy::thread(db, &citizen, &thread, crate::auth::policy::Use::Write),
            |a| reply(db, &a, &thread, "Tak", &key, false)
        )
        .unwrap();
        crate::via!(
            crate::auth::policy::thread(db, &citizen, &thread, crate::auth::policy::Use::Write),
            |a| reply(db, &a, &thread, "Tak", &key, false)
        )
        .unwrap();
        assert_eq!(
            crate::via!(
                crate::auth::policy::thread(db, &citizen, &thread, crate::auth::policy::Use::Write),
                |a| reply(db, &a, &thread, "Tak for sidst", &key, false)
            ),
            Err(conflict("body"))
        );
        assert_eq!(
            count(
                db,
                "SELECT COUNT(*) FROM messages WHERE idempotency_key = $1",
                &key
            )
            .await,
            1
        );

        // A health concern.
        let key = new_id();
        let concern = |text: &str| NewConcern {
            description: text.into(),
            activity_id: None,
            attach_wellbeing: false,
        };
        let first = crate::via!(crate::testing::own(&citizen), |a| crate::concerns::data::raise(
            db,
            &a,
            &concern("Ondt i ryggen"),
            &key
        ))
        .unwrap();
        assert_eq!(
            crate::via!(crate::testing::own(&citizen), |a| crate::concerns::data::raise(
                db,
                &a,
                &concern("Ondt i ryggen"),
                &key
            ))
            .unwrap(),
            first
        );
        assert_eq!(
            crate::via!(crate::testing::own(&citizen), |a| crate::concerns::data::raise(
                db,
                &a,
                &concern("Ondt i knæet"),
                &key
            )),
            Err(conflict("description"))
        );

        // Feedback on the course.
        let key = new_id();
        use crate::plan::responses::data::give_course_feedback;
        crate::via!(crate::testing::own(&citizen), |a| give_course_feedback(
            db,
            &a,
            4,
            Some("Godt"),
            &key
        ))
        .unwrap();
        crate::via!(crate::testing::own(&citizen), |a| give_course_feedback(
            db,
            &a,
            4,
            Some("Godt"),
            &key
        ))
        .unwrap();
        assert_eq!(
            crate::via!(crate::testing::own(&citizen), |a| give_course_feedback(
                db,
                &a,
                4,
                Some("Rigtig godt"),
                &key
            )),
            Err(conflict("course_comment"))
        );
        assert_eq!(
            crate::via!(crate::testing::own(&citizen), |a| give_course_feedback(
                db,
                &a,
                2,
                Some("Godt"),
                &key
            )),
            Err(conflict("course_comment"))
        );

        // A new goal in the plan.
        let key = new_id();
        use crate::plan::edit::data::save_goal;
        let goal = |title: &str| GoalInput {
            title: title.into(),
            description: None,
        };
        let id = crate::via!(crate::testing::caseworker(db, &caseworker, &citizen.id), |a| {
            save_goal(db, &a, None, &key, &goal("Arbejde 10 timer"))
        })
        .unwrap();
        assert_eq!(
            crate::via!(crate::testing::caseworker(db, &caseworker, &citizen.id), |a| {
                save_goal(db, &a, None, &key, &goal("Arbejde 10 timer"))
            })
            .unwrap(),
            id
        );
        assert_eq!(
            crate::via!(crate::testing::caseworker(db, &caseworker, &citizen.id), |a| {
                save_goal(db, &a, None, &key, &goal("Arbejde 12 timer"))
            }),
            Err(conflict("title"))
        );
    }
);

db_test!(a_used_who5_key_with_other_answers_is_a_conflict, |db| {
    use crate::wellbeing::who5::data::answer;
    let citizen = user(db, Role::Citizen, "Sofie").await;
    let other = user(db, Role::Citizen, "Ali").await;
    let key = new_id();
    crate::via!(crate::testing::own(&citizen), |a| answer(
        db,
        &a,
        [3, 3, 3, 3, 3],
        false,
        &key
    ))
    .unwrap();
    // The same answers again: a repeat, stored once.
    crate::via!(crate::testing::own(&citizen), |a| answer(
        db,
        &a,
        [3, 3, 3, 3, 3],
        false,
        &key
    ))
    .unwrap();
    // Other answers with the used key: refused, never "saved" while stored nowhere.
    assert_eq!(
        crate::via!(crate::testing::own(&citizen), |a| answer(
            db,
            &a,
            [5, 5, 5, 5, 5],
            false,
            &key
        )),
        Err(conflict("item1"))
    );
    // Someone else's key is not taken as theirs.
    assert_eq!(
        crate::via!(crate::testing::own(&other), |a| answer(
            db,
            &a,
            [3, 3, 3, 3, 3],
            false,
            &key
        )),
        Err(conflict("item1"))
    );
    assert_eq!(
        count(
            db,
            "SELECT COUNT(*) FROM who5_responses WHERE idempotency_key = $1",
            &key
        )
        .await,
        1
    );
});
