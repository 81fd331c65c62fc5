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
