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
        let thread = start_thread(db, &citizen, &citizen.id, "Møde", None, "Hej", &key)
            .await
            .unwrap();
        assert_eq!(
            start_thread(db, &citizen, &citizen.id, "Møde", None, "Hej", &key)
                .await
                .unwrap(),
            thread
        );
        assert_eq!(
            start_thread(db, &citizen, &citizen.id, "Møde", None, "Noget andet", &key).await,
            Err(conflict("body"))
        );

        // A reply.
        let key = new_id();
        reply(db, &citizen, &thread, "Tak", &key, false).await.unwrap();
        reply(db, &citizen, &thread, "Tak", &key, false).await.unwrap();
        assert_eq!(
            reply(db, &citizen, &thread, "Tak for sidst", &key, false).await,
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
        let first = crate::concerns::data::raise(db, &citizen, &concern("Ondt i ryggen"), &key)
            .await
            .unwrap();
        assert_eq!(
            crate::concerns::data::raise(db, &citizen, &concern("Ondt i ryggen"), &key)
                .await
                .unwrap(),
            first
        );
        assert_eq!(
            crate::concerns::data::raise(db, &citizen, &concern("Ondt i knæet"), &key).await,
            Err(conflict("description"))
        );

        // Feedback on the course.
        let key = new_id();
        use crate::plan::responses::data::give_course_feedback;
        give_course_feedback(db, &citizen, 4, Some("Godt"), &key)
            .await
            .unwrap();
        give_course_feedback(db, &citizen, 4, Some("Godt"), &key)
            .await
            .unwrap();
        assert_eq!(
            give_course_feedback(db, &citizen, 4, Some("Rigtig godt"), &key).await,
            Err(conflict("course_comment"))
        );
        assert_eq!(
            give_course_feedback(db, &citizen, 2, Some("Godt"), &key).await,
            Err(conflict("course_comment"))
        );

        // A new goal in the plan.
        let key = new_id();
        use crate::plan::edit::data::save_goal;
        let goal = |title: &str| GoalInput {
            title: title.into(),
            description: None,
        };
        let id = save_goal(
            db,
            &caseworker,
            &citizen.id,
            None,
            &key,
            &goal("Arbejde 10 timer"),
        )
        .await
        .unwrap();
        assert_eq!(
            save_goal(
                db,
                &caseworker,
                &citizen.id,
                None,
                &key,
                &goal("Arbejde 10 timer")
            )
            .await
            .unwrap(),
            id
        );
        assert_eq!(
            save_goal(
                db,
                &caseworker,
                &citizen.id,
                None,
                &key,
                &goal("Arbejde 12 timer")
            )
            .await,
            Err(conflict("title"))
        );
    }
);

db_test!(a_used_who5_key_with_other_answers_is_a_conflict, |db| {
    use crate::wellbeing::who5::data::answer;
    let citizen = user(db, Role::Citizen, "Sofie").await;
    let other = user(db, Role::Citizen, "Ali").await;
    let key = new_id();
    answer(db, &citizen, [3, 3, 3, 3, 3], false, &key).await.unwrap();
    // The same answers again: a repeat, stored once.
    answer(db, &citizen, [3, 3, 3, 3, 3], false, &key).await.unwrap();
    // Other answers with the used key: refused, never "saved" while stored nowhere.
    assert_eq!(
        answer(db, &citizen, [5, 5, 5, 5, 5], false, &key).await,
        Err(conflict("item1"))
    );
    // Someone else's key is not taken as theirs.
    assert_eq!(
        answer(db, &other, [3, 3, 3, 3, 3], false, &key).await,
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
