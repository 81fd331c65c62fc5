//! Who may see which citizen: the one authorisation rule set every server
//! function goes through. Access is by relationship; anything a person may
//! not see answers "not found", exactly like something that does not exist.
use crate::db::Db;
use crate::error::AppError;
use crate::model::{CurrentUser, Role};

/// Ok when `viewer` may see `citizen_id`'s course data, otherwise `NotFound`.
pub async fn ensure_can_see_citizen(db: &Db, viewer: &CurrentUser, citizen_id: &str) -> Result<(), AppError> {
    let allowed = match viewer.role {
        Role::Citizen => viewer.id == citizen_id,
        Role::Caseworker => is_on_caseload(db, &viewer.id, citizen_id).await?,
        // Only through a second-opinion request assigned to them.
        Role::HealthCoordinator => has_assigned_request(db, &viewer.id, citizen_id).await?,
        // Administrators manage accounts; they see no citizen data.
        Role::Administrator => false,
    };
    if allowed {
        Ok(())
    } else {
        refused(viewer, "citizen")
    }
}

/// "Not found", and a security event saying who was refused what kind of thing.
fn refused(viewer: &CurrentUser, object: &'static str) -> Result<(), AppError> {
    super::security_log::refused_access(viewer, object);
    Err(AppError::NotFound)
}

/// Ok when `viewer` is a caseworker with `citizen_id` on their caseload.
pub async fn ensure_caseworker_of(db: &Db, viewer: &CurrentUser, citizen_id: &str) -> Result<(), AppError> {
    if viewer.role == Role::Caseworker && is_on_caseload(db, &viewer.id, citizen_id).await? {
        Ok(())
    } else {
        refused(viewer, "citizen")
    }
}

/// Ok for the citizen themself and for their caseworker: who may see and change a plan.
pub async fn ensure_citizen_or_caseworker(
    db: &Db,
    viewer: &CurrentUser,
    citizen_id: &str,
) -> Result<(), AppError> {
    match viewer.role {
        Role::Citizen if viewer.id == citizen_id => Ok(()),
        Role::Caseworker => ensure_caseworker_of(db, viewer, citizen_id).await,
        _ => refused(viewer, "citizen"),
    }
}

pub fn ensure_role(viewer: &CurrentUser, role: Role) -> Result<(), AppError> {
    if viewer.role == role {
        Ok(())
    } else {
        refused(viewer, "role_page")
    }
}

pub async fn is_on_caseload(db: &Db, caseworker_id: &str, citizen_id: &str) -> Result<bool, AppError> {
    let found = sqlx::query(
        "SELECT 1 FROM caseload_assignments \
         WHERE caseworker_id = $1 AND citizen_id = $2 AND ended_at IS NULL",
    )
    .bind(caseworker_id)
    .bind(citizen_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(found.is_some())
}

async fn has_assigned_request(db: &Db, coordinator_id: &str, citizen_id: &str) -> Result<bool, AppError> {
    let found = sqlx::query("SELECT 1 FROM health_concerns WHERE coordinator_id = $1 AND citizen_id = $2")
        .bind(coordinator_id)
        .bind(citizen_id)
        .fetch_optional(db.pool())
        .await?;
    Ok(found.is_some())
}
