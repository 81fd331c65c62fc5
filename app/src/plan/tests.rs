//! Who may see an activity, on both databases.
use crate::db::{new_id, Db};
use crate::db_test;
use crate::error::AppError;
use crate::model::Role;
use crate::testing::{assign, audit_count, course, user};
use crate::time::now_ms;

async fn activity(db: &Db, course_id: &str) -> String {
    let id = new_id();
    sqlx::query(
        "INSERT INTO activities (id, course_id, kind, status, title, place, preparation, starts_at, created_at, updated_at) \
         VALUES ($1, $2, 'work_placement', 'planned', 'Praktik i kantinen', 'Solgården', 'Skridsikre sko', $3, $4, $5)",
    )
    .bind(&id)
    .bind(course_id)
    .bind(now_ms() + 86_400_000)
    .bind(now_ms())
    .bind(now_ms())
    .execute(db.pool())
    .await
    .unwrap();
    id
}

db_test!(
    an_activity_is_seen_by_its_citizen_and_their_caseworker_only,
    |db| {
        let mette = user(db, Role::Caseworker, "Mette").await;
        let peter = user(db, Role::Caseworker, "Peter").await;
        let lars = user(db, Role::HealthCoordinator, "Lars").await;
        let admin = user(db, Role::Administrator, "Henrik").await;
        let sofie = user(db, Role::Citizen, "Sofie").await;
        let ali = user(db, Role::Citizen, "Ali").await;
        assign(db, &mette, &sofie).await;
        let id = activity(db, &course(db, &sofie).await).await;

        let (own, starts, _) = crate::via!(
            crate::auth::policy::activity(
                db,
                &sofie,
                &id,
                crate::auth::policy::Use::Read(crate::audit::AuditAction::Activity)
            ),
            |a| crate::plan::data::activity_detail(db, &a, &id)
        )
        .unwrap();
        assert_eq!(own.activity.title, "Praktik i kantinen");
        assert_eq!(own.preparation.as_deref(), Some("Skridsikre sko"));
        assert!(starts > now_ms());
        assert_eq!(
            audit_count(db, &sofie, &sofie).await,
            0,
            "a citizen's own reads are not staff reads"
        );

        crate::via!(
            crate::auth::policy::activity(
                db,
                &mette,
                &id,
                crate::auth::policy::Use::Read(crate::audit::AuditAction::Activity)
            ),
            |a| crate::plan::data::activity_detail(db, &a, &id)
        )
        .unwrap();
        assert_eq!(audit_count(db, &mette, &sofie).await, 1);

        for outsider in [&peter, &lars, &admin, &ali] {
            let r = crate::via!(
                crate::auth::policy::activity(
                    db,
                    outsider,
                    &id,
                    crate::auth::policy::Use::Read(crate::audit::AuditAction::Activity)
                ),
                |a| crate::plan::data::activity_detail(db, &a, &id)
            );
            assert_eq!(r.err(), Some(AppError::NotFound), "{:?}", outsider.role);
            assert_eq!(audit_count(db, outsider, &sofie).await, 0);
        }
        let missing = crate::via!(
            crate::auth::policy::activity(
                db,
                &sofie,
                "no-such-activity",
                crate::auth::policy::Use::Read(crate::audit::AuditAction::Activity)
            ),
            |a| crate::plan::data::activity_detail(db, &a, "no-such-activity")
        );
        assert_eq!(missing.err(), Some(AppError::NotFound));
    }
);

// The overview's one-row query (course, started, logged today, open
// requests) answers the same as the separate questions did, with and
// without a course, on both engines.
db_test!(the_overview_reads_its_facts_in_one_row, |db| {
    let sofie = user(db, Role::Citizen, "Sofie Larsen").await;
    let own = crate::auth::policy::own_data(&sofie).unwrap();
    let none = crate::plan::data::overview(db, &own).await.unwrap();
    assert!(none.course.is_none(), "no course yet");
    assert!(!none.logged_today);
    assert_eq!(none.open_concerns, 0);

    let course_id = course(db, &sofie).await;
    let id = activity(db, &course_id).await;
    let planned = crate::plan::data::overview(db, &own).await.unwrap();
    let course = planned.course.expect("the active course");
    assert!(!course.started_activity, "a planned activity has not started");
    assert_eq!(
        planned.next_activity.map(|a| a.title).as_deref(),
        Some("Praktik i kantinen")
    );

    sqlx::query("UPDATE activities SET status = 'ongoing' WHERE id = $1")
        .bind(&id)
        .execute(db.pool())
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO wellbeing_entries (id, citizen_id, entry_date, mood, energy, pain, sleep, \
         idempotency_key, created_at, updated_at) VALUES ($1, $2, $3, 3, 3, 3, 3, $4, $5, $5)",
    )
    .bind(new_id())
    .bind(&sofie.id)
    .bind(crate::time::today())
    .bind(new_id())
    .bind(now_ms())
    .execute(db.pool())
    .await
    .unwrap();
    for state in ["sent", "answered"] {
        sqlx::query(
            "INSERT INTO health_concerns (id, citizen_id, course_id, description, state, \
             idempotency_key, created_at, updated_at) VALUES ($1, $2, $3, 'Ryggen', $4, $5, $6, $6)",
        )
        .bind(new_id())
        .bind(&sofie.id)
        .bind(&course_id)
        .bind(state)
        .bind(new_id())
        .bind(now_ms())
        .execute(db.pool())
        .await
        .unwrap();
    }
    let later = crate::plan::data::overview(db, &own).await.unwrap();
    assert!(later.course.expect("the course").started_activity);
    assert!(later.logged_today);
    assert_eq!(later.open_concerns, 1, "an answered request is not open");
});
