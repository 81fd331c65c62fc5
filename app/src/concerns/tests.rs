use crate::db::{new_id, now_ms};
use crate::db_test;
use crate::error::AppError;
use crate::model::Role;
use crate::testing::{audit_count, course, user};

db_test!(coordinators_see_only_requests_assigned_to_them, |db| {
    let lars = user(db, Role::HealthCoordinator, "Lars").await;
    let other = user(db, Role::HealthCoordinator, "Eva").await;
    let caseworker = user(db, Role::Caseworker, "Mette").await;
    let birgitte = user(db, Role::Citizen, "Birgitte").await;
    let course_id = course(db, &birgitte).await;
    sqlx::query(
        "INSERT INTO health_concerns (id, citizen_id, course_id, coordinator_id, description, state, idempotency_key, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'nakken', 'sent', $5, $6, $7)",
    )
    .bind(new_id())
    .bind(&birgitte.id)
    .bind(&course_id)
    .bind(&lars.id)
    .bind(new_id())
    .bind(now_ms())
    .bind(now_ms())
    .execute(db.pool())
    .await
    .unwrap();
    let rows = crate::concerns::queue(db, &lars).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].citizen_name, "Birgitte");
    assert_eq!(audit_count(db, &lars, &birgitte).await, 1);
    assert!(crate::concerns::queue(db, &other).await.unwrap().is_empty());
    assert_eq!(audit_count(db, &other, &birgitte).await, 0);
    assert_eq!(
        crate::concerns::queue(db, &caseworker).await,
        Err(AppError::NotFound)
    );
    // Through the request, the coordinator may see this citizen; the other may not.
    assert!(
        crate::auth::policy::ensure_can_see_citizen(db, &lars, &birgitte.id)
            .await
            .is_ok()
    );
    assert_eq!(
        crate::auth::policy::ensure_can_see_citizen(db, &other, &birgitte.id).await,
        Err(AppError::NotFound)
    );
});
