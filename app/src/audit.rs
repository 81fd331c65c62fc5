//! The audit log: one append-only row for every staff read of a citizen's data.
use crate::db::{new_id, Db};
use crate::error::AppError;
use crate::model::CurrentUser;
use crate::time::now_ms;
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
    /// The citizen fetched a copy of their own data ("Hent mine data").
    DataExport,
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
            AuditAction::DataExport => "data_export",
        }
    }
}

/// Staff reads are recorded once per person, citizen, kind of read and
/// quarter of an hour: the citizen learns who looked, at what and when, and a
/// caseworker reloading a list of 1,000 citizens does not write 1,000 rows a
/// time (each commit is an fsync). The window is stated under "Mig".
pub const READ_WINDOW_MS: i64 = 15 * 60 * 1000;

/// Rows per INSERT statement: well under SQLite's limit on bound values.
const ROWS_PER_INSERT: usize = 400;

/// The start of the read window `at` falls in.
pub fn read_window(at: i64) -> i64 {
    at - at.rem_euclid(READ_WINDOW_MS)
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
    record_reads(db, actor, &[citizen_id.to_string()], action, purpose).await
}

/// Records a staff read of each citizen in `citizen_ids` (a list page): one
/// query for what this window already holds, and for the rest one
/// transaction of multi-row inserts. A view that shows nothing new writes
/// nothing. Two views racing insert the same row once (the unique index).
pub async fn record_reads(
    db: &Db,
    actor: &CurrentUser,
    citizen_ids: &[String],
    action: AuditAction,
    purpose: &str,
) -> Result<(), AppError> {
    record_reads_at(db, actor, citizen_ids, action, purpose, now_ms()).await
}

async fn record_reads_at(
    db: &Db,
    actor: &CurrentUser,
    citizen_ids: &[String],
    action: AuditAction,
    purpose: &str,
    now: i64,
) -> Result<(), AppError> {
    if !actor.role.is_staff() || citizen_ids.is_empty() {
        return Ok(());
    }
    let window = read_window(now);
    let recorded: std::collections::HashSet<String> = sqlx::query_scalar(
        "SELECT citizen_id FROM audit_events \
         WHERE actor_id = $1 AND action = $2 AND purpose = $3 AND window_start = $4",
    )
    .bind(&actor.id)
    .bind(action.as_str())
    .bind(purpose)
    .bind(window)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .collect();
    let mut missing: Vec<&String> = citizen_ids.iter().filter(|id| !recorded.contains(*id)).collect();
    missing.sort();
    missing.dedup();
    if missing.is_empty() {
        return Ok(());
    }
    let mut tx = db.begin().await?;
    for chunk in missing.chunks(ROWS_PER_INSERT) {
        // $1..$6 are the same for every row; each row adds its id and citizen.
        let values: Vec<String> = (0..chunk.len())
            .map(|i| format!("(${}, $1, $2, ${}, $3, $4, $5, $6)", 7 + 2 * i, 8 + 2 * i))
            .collect();
        let sql = format!(
            "INSERT INTO audit_events (id, actor_id, actor_role, citizen_id, action, purpose, at, window_start) \
             VALUES {} ON CONFLICT DO NOTHING",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql)
            .bind(&actor.id)
            .bind(actor.role.as_str())
            .bind(action.as_str())
            .bind(purpose)
            .bind(now)
            .bind(window);
        for citizen_id in chunk {
            query = query.bind(new_id()).bind(citizen_id.as_str());
        }
        query.execute(&mut *tx).await?;
    }
    tx.commit().await?;
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

/// Records that a citizen fetched a copy of their own data (`purpose`:
/// `page` or `file`), in their own log. Once per quarter hour like a read:
/// opening the page again at once tells them nothing new, and a view that
/// shows nothing new writes nothing (checked first, so no insert is tried).
pub async fn record_export(
    db: &Db,
    access: &crate::auth::policy::CitizenAccess,
    purpose: &str,
) -> Result<(), AppError> {
    let viewer = access.viewer();
    let now = now_ms();
    let window = read_window(now);
    let action = AuditAction::DataExport.as_str();
    let recorded = sqlx::query(
        "SELECT 1 FROM audit_events \
         WHERE actor_id = $1 AND action = $2 AND purpose = $3 AND window_start = $4 AND citizen_id = $5",
    )
    .bind(&viewer.id)
    .bind(action)
    .bind(purpose)
    .bind(window)
    .bind(access.citizen_id())
    .fetch_optional(db.pool())
    .await?;
    if recorded.is_some() {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO audit_events (id, actor_id, actor_role, citizen_id, action, purpose, at, window_start) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING",
    )
    .bind(new_id())
    .bind(&viewer.id)
    .bind(viewer.role.as_str())
    .bind(access.citizen_id())
    .bind(action)
    .bind(purpose)
    .bind(now)
    .bind(window)
    .execute(db.pool())
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db_test;
    use crate::model::Role;
    use crate::testing::user;

    async fn rows(db: &Db, actor: &CurrentUser, action: AuditAction) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE actor_id = $1 AND action = $2")
            .bind(&actor.id)
            .bind(action.as_str())
            .fetch_one(db.pool())
            .await
            .unwrap()
    }

    db_test!(
        a_list_is_recorded_once_a_window_and_racing_views_write_it_once,
        |db| {
            let mette = user(db, Role::Caseworker, "Mette Jensen").await;
            // More citizens than one statement takes.
            let mut shown = Vec::new();
            for n in 0..(ROWS_PER_INSERT + 50) {
                shown.push(user(db, Role::Citizen, &format!("Borger {n}")).await.id);
            }
            let list = AuditAction::CaseloadList;
            // One instant for the whole test: a window must not end half-way.
            let now = now_ms();
            record_reads_at(db, &mette, &shown, list, "caseload", now)
                .await
                .unwrap();
            assert_eq!(rows(db, &mette, list).await, shown.len() as i64);
            // The same view again shows nothing new: nothing is written.
            record_reads_at(db, &mette, &shown, list, "caseload", now)
                .await
                .unwrap();
            assert_eq!(rows(db, &mette, list).await, shown.len() as i64);
            // A citizen new on the list is recorded, the rest are not again.
            let newcomer = user(db, Role::Citizen, "Ny Borger").await;
            shown.push(newcomer.id.clone());
            record_reads_at(db, &mette, &shown, list, "caseload", now)
                .await
                .unwrap();
            assert_eq!(rows(db, &mette, list).await, shown.len() as i64);
            // Another kind of read is its own row.
            let one = [newcomer.id.clone()];
            record_reads_at(db, &mette, &one, AuditAction::CitizenSummary, "case_work", now)
                .await
                .unwrap();
            assert_eq!(rows(db, &mette, AuditAction::CitizenSummary).await, 1);

            // Eight views at once: each citizen once, and every view succeeds.
            let views =
                (0..8).map(|_| record_reads_at(db, &mette, &shown, AuditAction::Inbox, "case_work", now));
            for result in futures_util::future::join_all(views).await {
                result.unwrap();
            }
            assert_eq!(rows(db, &mette, AuditAction::Inbox).await, shown.len() as i64);
            // The next window records the read again.
            let later = now + READ_WINDOW_MS;
            record_reads_at(db, &mette, &one, AuditAction::CitizenSummary, "case_work", later)
                .await
                .unwrap();
            assert_eq!(rows(db, &mette, AuditAction::CitizenSummary).await, 2);

            // A citizen's own reads are not staff reads.
            let sofie = user(db, Role::Citizen, "Sofie Larsen").await;
            record_reads_at(db, &sofie, std::slice::from_ref(&sofie.id), list, "caseload", now)
                .await
                .unwrap();
            assert_eq!(rows(db, &sofie, list).await, 0);
        }
    );

    db_test!(account_events_are_never_merged, |db| {
        let mette = user(db, Role::Caseworker, "Mette Jensen").await;
        let sofie = user(db, Role::Citizen, "Sofie Larsen").await;
        for _ in 0..2 {
            let mut tx = db.begin().await.unwrap();
            record_account_event(
                &mut tx,
                &mette.id,
                mette.role,
                &sofie.id,
                AuditAction::PasswordResetStarted,
            )
            .await
            .unwrap();
            tx.commit().await.unwrap();
        }
        assert_eq!(rows(db, &mette, AuditAction::PasswordResetStarted).await, 2);
    });

    #[test]
    fn windows_are_a_quarter_of_an_hour() {
        let at = 1_790_000_123_456;
        let w = read_window(at);
        assert!(w <= at && at - w < READ_WINDOW_MS);
        assert_eq!(w % READ_WINDOW_MS, 0);
        assert_eq!(read_window(w + READ_WINDOW_MS - 1), w);
        assert_eq!(read_window(w + READ_WINDOW_MS), w + READ_WINDOW_MS);
    }
}
