//! The wellbeing log on both databases: one entry a day, repeats harmless,
//! the caseworker sees only what is shared.
use super::data;
use crate::db::{new_id, Db};
use crate::db_test;
use crate::error::AppError;
use crate::model::Role;
use crate::testing::{assign, audit_count, user};

async fn entries(db: &Db, citizen_id: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM wellbeing_entries WHERE citizen_id = $1")
        .bind(citizen_id)
        .fetch_one(db.pool())
        .await
        .unwrap()
}

fn check_in(mood: &str, share: bool) -> super::CheckIn {
    data::parse_check_in(Some(mood), Some("3"), Some("2"), Some("4"), "  ", "", share).unwrap()
}

#[test]
fn answers_are_checked_and_very_low_days_are_recognised() {
    let e = data::parse_check_in(Some("3"), Some("6"), Some("2"), Some("4"), "", "", false).unwrap_err();
    assert_eq!(e.field(), Some("energy"));
    let e = data::parse_check_in(Some("3"), Some("3"), None, Some("4"), "", "", false).unwrap_err();
    assert_eq!(e.field(), Some("pain"));
    let long = "x".repeat(data::NOTE_MAX + 1);
    let e = data::parse_check_in(Some("3"), Some("3"), Some("3"), Some("3"), &long, "", false).unwrap_err();
    assert_eq!(e.field(), Some("note"));
    assert!(check_in("1", false).is_very_low());
    assert!(!check_in("3", false).is_very_low());
    let bad_day = data::parse_check_in(Some("2"), Some("2"), Some("5"), Some("2"), "", "", false).unwrap();
    assert!(bad_day.is_very_low());
}

db_test!(one_entry_a_day_however_often_it_is_sent, |db| {
    let sofie = user(db, Role::Citizen, "Sofie").await;
    let key = new_id();
    // The same form sent ten times at once: one row.
    let sends = (0..10).map(|_| {
        let (db, sofie, key) = (db.clone(), sofie.clone(), key.clone());
        tokio::spawn(async move {
            crate::via!(crate::testing::own(&sofie), |a| data::log(
                &db,
                &a,
                &check_in("3", false),
                &key
            ))
        })
    });
    for s in sends {
        s.await.unwrap().unwrap();
    }
    assert_eq!(entries(db, &sofie.id).await, 1);
    // A new answer the same day replaces the day's entry.
    assert!(
        crate::via!(crate::testing::own(&sofie), |a| data::log(
            db,
            &a,
            &check_in("1", true),
            &new_id()
        ))
        .unwrap(),
        "very low"
    );
    assert_eq!(entries(db, &sofie.id).await, 1);
    let today = data::today_entry(db, &crate::testing::own(&sofie).await.unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!((today.mood, today.share, today.note), (1, true, None));

    // Someone else's activity cannot be named.
    let ali = user(db, Role::Citizen, "Ali").await;
    let course = crate::testing::course(db, &ali).await;
    let activity = new_id();
    sqlx::query(
        "INSERT INTO activities (id, course_id, kind, status, title, starts_at, created_at, updated_at) \
         VALUES ($1, $2, 'mentor', 'planned', 'Mentor', 0, 0, 0)",
    )
    .bind(&activity)
    .bind(&course)
    .execute(db.pool())
    .await
    .unwrap();
    let mut other = check_in("4", false);
    other.activity_id = Some(activity);
    let refused = crate::via!(crate::testing::own(&sofie), |a| data::log(
        db,
        &a,
        &other,
        &new_id()
    ))
    .unwrap_err();
    assert_eq!(refused.field(), Some("activity_id"));
    assert_eq!(
        data::today_entry(db, &crate::testing::own(&sofie).await.unwrap())
            .await
            .unwrap()
            .unwrap()
            .mood,
        1,
        "nothing changed"
    );
    let mette = user(db, Role::Caseworker, "Mette").await;
    assert_eq!(
        crate::via!(crate::testing::own(&mette), |a| data::log(
            db,
            &a,
            &check_in("3", false),
            &new_id()
        ))
        .err(),
        Some(AppError::NotFound)
    );
});

async fn entry_on(db: &Db, citizen_id: &str, days_ago: i64, shared: bool) {
    let date = crate::plan::rules::parse_date(&crate::time::today())
        .unwrap()
        .checked_sub(jiff::Span::new().days(days_ago))
        .unwrap();
    sqlx::query(
        "INSERT INTO wellbeing_entries (id, citizen_id, entry_date, mood, energy, pain, sleep, shared, idempotency_key, \
           created_at, updated_at) VALUES ($1, $2, $3, 3, 3, 3, 3, $4, $5, 0, 0)",
    )
    .bind(new_id())
    .bind(citizen_id)
    .bind(date.to_string())
    .bind(i64::from(shared))
    .bind(new_id())
    .execute(db.pool())
    .await
    .unwrap();
}

db_test!(the_caseworker_sees_only_what_is_shared, |db| {
    let mette = user(db, Role::Caseworker, "Mette").await;
    let peter = user(db, Role::Caseworker, "Peter").await;
    let lars = user(db, Role::HealthCoordinator, "Lars").await;
    let sofie = user(db, Role::Citizen, "Sofie").await;
    assign(db, &mette, &sofie).await;
    entry_on(db, &sofie.id, 5, true).await;
    entry_on(db, &sofie.id, 4, false).await;
    entry_on(db, &sofie.id, 200, true).await;

    let seen = crate::via!(
        crate::testing::caseworker_read(db, &mette, &sofie.id, crate::audit::AuditAction::SharedWellbeing),
        |a| data::shared_trend(db, &a)
    )
    .unwrap();
    assert_eq!(seen.days.len(), 1, "only the shared day of the last 90");
    assert_eq!(audit_count(db, &mette, &sofie).await, 1);

    // A period shares today's entry and those after it, until withdrawn.
    crate::via!(crate::testing::own(&sofie), |a| data::log(
        db,
        &a,
        &check_in("4", false),
        &new_id()
    ))
    .unwrap();
    crate::via!(crate::testing::own(&sofie), |a| data::share_period(db, &a, 4)).unwrap();
    assert_eq!(
        crate::via!(
            crate::testing::caseworker_read(
                db,
                &mette,
                &sofie.id,
                crate::audit::AuditAction::SharedWellbeing
            ),
            |a| data::shared_trend(db, &a)
        )
        .unwrap()
        .days
        .len(),
        2
    );
    let period = data::periods(db, &crate::testing::own(&sofie).await.unwrap())
        .await
        .unwrap()
        .pop()
        .unwrap();
    assert_eq!(
        crate::via!(crate::testing::own(&mette), |a| data::withdraw_period(
            db, &a, &period.id
        ))
        .err(),
        Some(AppError::NotFound)
    );
    crate::via!(crate::testing::own(&sofie), |a| data::withdraw_period(
        db, &a, &period.id
    ))
    .unwrap();
    assert_eq!(
        crate::via!(
            crate::testing::caseworker_read(
                db,
                &mette,
                &sofie.id,
                crate::audit::AuditAction::SharedWellbeing
            ),
            |a| data::shared_trend(db, &a)
        )
        .unwrap()
        .days
        .len(),
        1
    );
    assert!(data::periods(db, &crate::testing::own(&sofie).await.unwrap())
        .await
        .unwrap()
        .is_empty());
    assert!(matches!(
        crate::via!(crate::testing::own(&sofie), |a| data::share_period(db, &a, 0)),
        Err(AppError::Invalid { .. })
    ));

    // One day's sharing can be taken back.
    let day = data::history(db, &crate::testing::own(&sofie).await.unwrap(), 30)
        .await
        .unwrap();
    let shared_day = day.iter().find(|d| d.shared).unwrap().iso.clone();
    crate::via!(crate::testing::own(&sofie), |a| data::set_shared(
        db,
        &a,
        &shared_day,
        false
    ))
    .unwrap();
    assert!(crate::via!(
        crate::testing::caseworker_read(db, &mette, &sofie.id, crate::audit::AuditAction::SharedWellbeing),
        |a| data::shared_trend(db, &a)
    )
    .unwrap()
    .days
    .is_empty());

    for outsider in [&peter, &lars, &sofie] {
        assert_eq!(
            crate::via!(
                crate::testing::caseworker_read(
                    db,
                    outsider,
                    &sofie.id,
                    crate::audit::AuditAction::SharedWellbeing
                ),
                |a| data::shared_trend(db, &a)
            )
            .err(),
            Some(AppError::NotFound)
        );
    }
    assert_eq!(audit_count(db, &peter, &sofie).await, 0);
});

db_test!(who5_is_offered_every_two_weeks_and_stored_once, |db| {
    use crate::wellbeing::who5::data::{answer, status};
    let sofie = user(db, Role::Citizen, "Sofie").await;
    assert!(
        status(db, &crate::testing::own(&sofie).await.unwrap())
            .await
            .unwrap()
            .due
    );
    let key = new_id();
    crate::via!(crate::testing::own(&sofie), |a| answer(
        db,
        &a,
        [3, 2, 3, 2, 3],
        false,
        &key
    ))
    .unwrap();
    crate::via!(crate::testing::own(&sofie), |a| answer(
        db,
        &a,
        [3, 2, 3, 2, 3],
        false,
        &key
    ))
    .unwrap();
    let now = status(db, &crate::testing::own(&sofie).await.unwrap())
        .await
        .unwrap();
    assert!(!now.due);
    assert_eq!(now.latest.unwrap().score, 52);
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM who5_responses WHERE citizen_id = $1")
        .bind(&sofie.id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(count, 1);
    // Answered 15 days ago: due again.
    sqlx::query("UPDATE who5_responses SET answered_on = '2000-01-01' WHERE citizen_id = $1")
        .bind(&sofie.id)
        .execute(db.pool())
        .await
        .unwrap();
    assert!(
        status(db, &crate::testing::own(&sofie).await.unwrap())
            .await
            .unwrap()
            .due
    );
    let mette = user(db, Role::Caseworker, "Mette").await;
    assert_eq!(
        crate::via!(crate::testing::own(&mette), |a| answer(
            db,
            &a,
            [1; 5],
            false,
            &new_id()
        ))
        .err(),
        Some(AppError::NotFound)
    );
    // The caseworker sees only what was shared: on its own or by a period.
    assign(db, &mette, &sofie).await;
    let shared = |db: &Db| {
        let (db, mette, id) = (db.clone(), mette.clone(), sofie.id.clone());
        async move {
            crate::via!(
                crate::testing::caseworker_read(&db, &mette, &id, crate::audit::AuditAction::SharedWellbeing),
                |a| data::shared_trend(&db, &a)
            )
            .unwrap()
            .who5
        }
    };
    assert!(shared(db).await.is_empty());
    crate::via!(crate::testing::own(&sofie), |a| answer(
        db,
        &a,
        [1, 1, 1, 1, 1],
        true,
        &new_id()
    ))
    .unwrap();
    let seen = shared(db).await;
    assert_eq!(seen.iter().map(|r| r.score).collect::<Vec<_>>(), vec![20]);
    crate::via!(crate::testing::own(&sofie), |a| data::share_period(db, &a, 2)).unwrap();
    crate::via!(crate::testing::own(&sofie), |a| answer(
        db,
        &a,
        [4, 4, 4, 4, 4],
        false,
        &new_id()
    ))
    .unwrap();
    assert_eq!(shared(db).await.len(), 2);
    let period = data::periods(db, &crate::testing::own(&sofie).await.unwrap())
        .await
        .unwrap()
        .pop()
        .unwrap();
    crate::via!(crate::testing::own(&sofie), |a| data::withdraw_period(
        db, &a, &period.id
    ))
    .unwrap();
    assert_eq!(shared(db).await.len(), 1);
});

/// Versions kept of a day's entry.
async fn versions(db: &Db, citizen_id: &str, date: &str) -> Vec<i64> {
    sqlx::query_scalar(
        "SELECT mood FROM wellbeing_entry_versions WHERE citizen_id = $1 AND entry_date = $2 ORDER BY replaced_at",
    )
    .bind(citizen_id)
    .bind(date)
    .fetch_all(db.pool())
    .await
    .unwrap()
}

db_test!(a_shared_day_written_over_keeps_what_the_caseworker_saw, |db| {
    let mette = user(db, Role::Caseworker, "Mette").await;
    let sofie = user(db, Role::Citizen, "Sofie").await;
    assign(db, &mette, &sofie).await;
    let day = |ago: i64| {
        crate::plan::rules::parse_date(&crate::time::today())
            .unwrap()
            .checked_sub(jiff::Span::new().days(ago))
            .unwrap()
            .to_string()
    };
    let (shared_day, private_day) = (day(3), day(4));
    crate::via!(crate::testing::own(&sofie), |a| data::log_on(
        db,
        &a,
        &check_in("4", true),
        &new_id(),
        &shared_day
    ))
    .unwrap();
    crate::via!(crate::testing::own(&sofie), |a| data::log_on(
        db,
        &a,
        &check_in("4", false),
        &new_id(),
        &private_day
    ))
    .unwrap();
    let seen = crate::via!(
        crate::testing::caseworker_read(db, &mette, &sofie.id, crate::audit::AuditAction::SharedWellbeing),
        |a| data::shared_trend(db, &a)
    )
    .unwrap();
    assert_eq!(seen.days.len(), 1);
    assert_eq!(seen.days[0].changed_on, None, "not changed yet");

    // The same answers again (a repeated send): nothing is kept.
    crate::via!(crate::testing::own(&sofie), |a| data::log_on(
        db,
        &a,
        &check_in("4", true),
        &new_id(),
        &shared_day
    ))
    .unwrap();
    assert!(versions(db, &sofie.id, &shared_day).await.is_empty());
    // Days later the citizen writes over the shared day.
    crate::via!(crate::testing::own(&sofie), |a| data::log_on(
        db,
        &a,
        &check_in("2", true),
        &new_id(),
        &shared_day
    ))
    .unwrap();
    assert_eq!(
        versions(db, &sofie.id, &shared_day).await,
        [4],
        "the version the caseworker saw"
    );
    let seen = crate::via!(
        crate::testing::caseworker_read(db, &mette, &sofie.id, crate::audit::AuditAction::SharedWellbeing),
        |a| data::shared_trend(db, &a)
    )
    .unwrap();
    let changed = seen.days[0].changed_on.clone().expect("shown as changed");
    assert!(
        changed.contains(&crate::time::format_date(&crate::time::today())),
        "{changed}"
    );
    assert_eq!(seen.days[0].mood, 2, "the caseworker sees the new answers");
    let page = leptos::prelude::Owner::new().with(|| {
        use leptos::prelude::*;
        view! { <crate::wellbeing::WellbeingTable days=seen.days.clone() own=false/> }.to_html()
    });
    assert!(page.contains(&format!("Ændret af borgeren {changed}")), "{page}");
    // The citizen's own table does not carry the caseworker's note.
    let own = leptos::prelude::Owner::new().with(|| {
        use leptos::prelude::*;
        view! { <crate::wellbeing::WellbeingTable days=seen.days.clone() own=true/> }.to_html()
    });
    assert!(!own.contains("Ændret af borgeren"));

    // Written over while not shared: nothing kept, nothing shown once shared.
    crate::via!(crate::testing::own(&sofie), |a| data::log_on(
        db,
        &a,
        &check_in("1", false),
        &new_id(),
        &private_day
    ))
    .unwrap();
    assert!(versions(db, &sofie.id, &private_day).await.is_empty());
    crate::via!(crate::testing::own(&sofie), |a| data::set_shared(
        db,
        &a,
        &private_day,
        true
    ))
    .unwrap();
    let seen = crate::via!(
        crate::testing::caseworker_read(db, &mette, &sofie.id, crate::audit::AuditAction::SharedWellbeing),
        |a| data::shared_trend(db, &a)
    )
    .unwrap();
    let private = seen.days.iter().find(|d| d.iso == private_day).unwrap();
    assert_eq!(private.changed_on, None);
});
