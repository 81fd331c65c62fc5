//! The audit log: one append-only row for every staff read of a citizen's data.
use crate::db::{new_id, now_ms, Db};
use crate::error::AppError;
use crate::model::CurrentUser;
use serde::{Deserialize, Serialize};

/// What was looked at, in words the citizen can read later.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuditAction {
    CaseloadList,
    CitizenSummary,
    ConcernQueue,
    Activity,
    PlanEdit,
    SharedWellbeing,
    ConcernRequest,
    RequestWellbeing,
    MessageThread,
    Inbox,
    /// A caseworker started a password reset for the citizen.
    PasswordResetStarted,
    /// An administrator confirmed it (and handed out the second code).
    PasswordResetConfirmed,
    /// The citizen set a new password with both codes.
    PasswordResetCompleted,
    /// An administrator gave the citizen a caseworker (they had none).
    CaseworkerAssigned,
    /// An administrator moved the citizen to another caseworker.
    CaseworkerChanged,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::CaseloadList => "caseload_list",
            AuditAction::CitizenSummary => "citizen_summary",
            AuditAction::ConcernQueue => "concern_queue",
            AuditAction::Activity => "activity",
            AuditAction::PlanEdit => "plan_edit",
            AuditAction::SharedWellbeing => "shared_wellbeing",
            AuditAction::ConcernRequest => "concern_request",
            AuditAction::RequestWellbeing => "request_wellbeing",
            AuditAction::MessageThread => "message_thread",
            AuditAction::Inbox => "inbox",
            AuditAction::PasswordResetStarted => "password_reset_started",
            AuditAction::PasswordResetConfirmed => "password_reset_confirmed",
            AuditAction::PasswordResetCompleted => "password_reset_completed",
            AuditAction::CaseworkerAssigned => "caseworker_assigned",
            AuditAction::CaseworkerChanged => "caseworker_changed",
        }
    }
}

/// Records that `actor` read `citizen_id`'s data. Reads by the citizen
/// themself are not staff reads and are not recorded.
pub async fn record_read(
    db: &Db,
    actor: &CurrentUser,
    citizen_id: &str,
    action: AuditAction,
    purpose: &str,
) -> Result<(), AppError> {
    if !actor.role.is_staff() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO audit_events (id, actor_id, actor_role, citizen_id, action, purpose, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(&actor.id)
    .bind(actor.role.as_str())
    .bind(citizen_id)
    .bind(action.as_str())
    .bind(purpose)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Records something done to a citizen's account (not a read), in the
/// transaction that does it, whoever did it: the citizen sees it under "Mig".
pub async fn record_account_event(
    conn: &mut sqlx::AnyConnection,
    actor_id: &str,
    actor_role: crate::model::Role,
    citizen_id: &str,
    action: AuditAction,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO audit_events (id, actor_id, actor_role, citizen_id, action, purpose, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(new_id())
    .bind(actor_id)
    .bind(actor_role.as_str())
    .bind(citizen_id)
    .bind(action.as_str())
    .bind("account")
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}
