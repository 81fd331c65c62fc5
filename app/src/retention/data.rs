//! Finding and removing what is past its retention period (see the module
//! above). `now` is a parameter, so tests move the clock.
use super::{RetentionCounts, RetentionPolicy};
use crate::auth::policy::AdminAccess;
use crate::db::Db;
use crate::error::AppError;
use crate::time::copenhagen;

/// Citizens whose data is due: no active course, and their last course
/// ended before `$1`; with that end day.
const DUE: &str =
    "SELECT u.id, MAX(c.planned_end_date) AS ended FROM users u JOIN courses c ON c.citizen_id = u.id \
     WHERE u.role = 'citizen' AND u.anonymised_at IS NULL GROUP BY u.id \
     HAVING SUM(CASE WHEN c.status = 'active' THEN 1 ELSE 0 END) = 0 AND MAX(c.planned_end_date) < $1 \
     ORDER BY u.id";

/// A row of [`DUE`].
#[derive(sqlx::FromRow)]
struct DueRow {
    id: String,
    ended: String,
}

/// Stubs whose access log is due: the course ended before `$1`.
const STUBS_DUE: &str =
    "SELECT id FROM users WHERE anonymised_at IS NOT NULL AND course_ended_on < $1 ORDER BY id";

/// What removing one citizen's data deletes, in an order the foreign keys
/// allow; each statement takes the citizen's id as `$1`.
const REMOVE_DATA: [&str; 27] = [
    "DELETE FROM push_outbox WHERE user_id = $1",
    // Notifications to staff about the citizen's threads, messages and requests.
    "DELETE FROM push_outbox WHERE ref_id IN (SELECT id FROM message_threads WHERE citizen_id = $1) \
       OR ref_id IN (SELECT m.id FROM messages m JOIN message_threads t ON t.id = m.thread_id WHERE t.citizen_id = $1) \
       OR ref_id IN (SELECT id FROM health_concerns WHERE citizen_id = $1)",
    "DELETE FROM messages WHERE thread_id IN (SELECT id FROM message_threads WHERE citizen_id = $1)",
    "DELETE FROM message_threads WHERE citizen_id = $1",
    "DELETE FROM health_concern_events WHERE concern_id IN (SELECT id FROM health_concerns WHERE citizen_id = $1)",
    "DELETE FROM health_concerns WHERE citizen_id = $1",
    "DELETE FROM wellbeing_entry_versions WHERE citizen_id = $1",
    "DELETE FROM wellbeing_entries WHERE citizen_id = $1",
    "DELETE FROM who5_responses WHERE citizen_id = $1",
    "DELETE FROM wellbeing_share_periods WHERE citizen_id = $1",
    "DELETE FROM feedback WHERE course_id IN (SELECT id FROM courses WHERE citizen_id = $1)",
    "DELETE FROM activity_reflections WHERE activity_id IN \
       (SELECT a.id FROM activities a JOIN courses c ON c.id = a.course_id WHERE c.citizen_id = $1)",
    "DELETE FROM change_fields WHERE change_id IN \
       (SELECT h.id FROM change_history h JOIN courses c ON c.id = h.course_id WHERE c.citizen_id = $1)",
    "DELETE FROM change_history WHERE course_id IN (SELECT id FROM courses WHERE citizen_id = $1)",
    "DELETE FROM paid_hours WHERE course_id IN (SELECT id FROM courses WHERE citizen_id = $1)",
    "DELETE FROM goal_ratings WHERE goal_id IN \
       (SELECT g.id FROM goals g JOIN courses c ON c.id = g.course_id WHERE c.citizen_id = $1)",
    "DELETE FROM goals WHERE course_id IN (SELECT id FROM courses WHERE citizen_id = $1)",
    "DELETE FROM plan_visits WHERE user_id = $1 OR course_id IN (SELECT id FROM courses WHERE citizen_id = $1)",
    "DELETE FROM activities WHERE course_id IN (SELECT id FROM courses WHERE citizen_id = $1)",
    "DELETE FROM courses WHERE citizen_id = $1",
    "DELETE FROM calendar_feeds WHERE citizen_id = $1",
    "DELETE FROM push_subscriptions WHERE user_id = $1",
    "DELETE FROM sessions WHERE user_id = $1",
    "DELETE FROM activation_codes WHERE user_id = $1",
    "DELETE FROM password_resets WHERE user_id = $1",
    "DELETE FROM user_identities WHERE user_id = $1",
    "DELETE FROM caseload_assignments WHERE citizen_id = $1",
];

/// What removing a stub deletes (the access log about the citizen, then
/// the stub), each with the stub's id as `$1`.
const REMOVE_STUB: [&str; 2] = [
    "DELETE FROM audit_events WHERE citizen_id = $1 OR actor_id = $1",
    "DELETE FROM users WHERE id = $1",
];

/// The day `years` years before `now`'s Copenhagen day, as `YYYY-MM-DD`.
fn years_before(now: i64, years: i64) -> Result<String, AppError> {
    let today = jiff::Timestamp::from_millisecond(now)
        .map_err(|_| AppError::Internal)?
        .to_zoned(copenhagen())
        .date();
    today
        .checked_sub(jiff::Span::new().years(years))
        .map(|d| d.to_string())
        .map_err(|_| AppError::Internal)
}

async fn count(db: &Db, sql: &str, id: &str) -> Result<i64, AppError> {
    Ok(sqlx::query_scalar::<_, i64>(sql)
        .bind(id)
        .fetch_one(db.pool())
        .await?)
}

/// What the next run at `now` would remove, for the administrator: counts only.
pub async fn preview(
    db: &Db,
    _access: &AdminAccess,
    policy: RetentionPolicy,
    now: i64,
) -> Result<RetentionCounts, AppError> {
    let data_cutoff = years_before(now, policy.data_years)?;
    let log_cutoff = years_before(now, policy.access_log_years)?;
    let mut counts = RetentionCounts::default();
    let due = sqlx::query_as::<_, DueRow>(DUE)
        .bind(&data_cutoff)
        .fetch_all(db.pool())
        .await?;
    for DueRow { id, ended } in due {
        counts.citizens += 1;
        counts.courses += count(db, "SELECT COUNT(*) FROM courses WHERE citizen_id = $1", &id).await?;
        counts.activities += count(
            db,
            "SELECT COUNT(*) FROM activities a JOIN courses c ON c.id = a.course_id WHERE c.citizen_id = $1",
            &id,
        )
        .await?;
        counts.wellbeing_entries += count(
            db,
            "SELECT COUNT(*) FROM wellbeing_entries WHERE citizen_id = $1",
            &id,
        )
        .await?;
        counts.who5_responses += count(
            db,
            "SELECT COUNT(*) FROM who5_responses WHERE citizen_id = $1",
            &id,
        )
        .await?;
        counts.concerns += count(
            db,
            "SELECT COUNT(*) FROM health_concerns WHERE citizen_id = $1",
            &id,
        )
        .await?;
        counts.messages += count(
            db,
            "SELECT COUNT(*) FROM messages m JOIN message_threads t ON t.id = m.thread_id WHERE t.citizen_id = $1",
            &id,
        )
        .await?;
        // Its log may be due in the same run.
        if ended < log_cutoff {
            counts.stubs += 1;
            counts.access_log_rows +=
                count(db, "SELECT COUNT(*) FROM audit_events WHERE citizen_id = $1", &id).await?;
        }
    }
    for id in sqlx::query_scalar::<_, String>(STUBS_DUE)
        .bind(&log_cutoff)
        .fetch_all(db.pool())
        .await?
    {
        counts.stubs += 1;
        counts.access_log_rows +=
            count(db, "SELECT COUNT(*) FROM audit_events WHERE citizen_id = $1", &id).await?;
    }
    Ok(counts)
}

/// Removes what is past its period at `now`: each citizen in a transaction
/// of their own (a crash leaves every citizen either whole or removed).
/// Returns what was removed.
pub async fn run(db: &Db, policy: RetentionPolicy, now: i64) -> Result<RetentionCounts, AppError> {
    let data_cutoff = years_before(now, policy.data_years)?;
    let log_cutoff = years_before(now, policy.access_log_years)?;
    let mut removed = RetentionCounts::default();
    let due = sqlx::query_as::<_, DueRow>(DUE)
        .bind(&data_cutoff)
        .fetch_all(db.pool())
        .await?;
    for DueRow { id, ended } in due {
        let mut tx = db.begin().await?;
        sqlx::query("INSERT INTO retention_run (id) VALUES (1)")
            .execute(&mut *tx)
            .await?;
        for (n, sql) in REMOVE_DATA.iter().enumerate() {
            let done = sqlx::query(sql).bind(&id).execute(&mut *tx).await?;
            match n {
                2 => removed.messages += done.rows_affected() as i64,
                5 => removed.concerns += done.rows_affected() as i64,
                7 => removed.wellbeing_entries += done.rows_affected() as i64,
                8 => removed.who5_responses += done.rows_affected() as i64,
                18 => removed.activities += done.rows_affected() as i64,
                19 => removed.courses += done.rows_affected() as i64,
                _ => {}
            }
        }
        // The account stays, empty, holding the access log.
        sqlx::query(
            "UPDATE users SET display_name = '', email = NULL, pending_email = NULL, phone = NULL, \
               password_hash = NULL, region_id = NULL, creation_key = NULL, \
               quiet_hours_start = NULL, quiet_hours_end = NULL, disabled_at = $2, anonymised_at = $2, \
               course_ended_on = $3 WHERE id = $1",
        )
        .bind(&id)
        .bind(now)
        .bind(&ended)
        .execute(&mut *tx)
        .await?;
        sqlx::query("DELETE FROM retention_run").execute(&mut *tx).await?;
        tx.commit().await?;
        removed.citizens += 1;
    }
    for id in sqlx::query_scalar::<_, String>(STUBS_DUE)
        .bind(&log_cutoff)
        .fetch_all(db.pool())
        .await?
    {
        let mut tx = db.begin().await?;
        sqlx::query("INSERT INTO retention_run (id) VALUES (1)")
            .execute(&mut *tx)
            .await?;
        let log = sqlx::query(REMOVE_STUB[0]).bind(&id).execute(&mut *tx).await?;
        removed.access_log_rows += log.rows_affected() as i64;
        sqlx::query(REMOVE_STUB[1]).bind(&id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM retention_run").execute(&mut *tx).await?;
        tx.commit().await?;
        removed.stubs += 1;
    }
    Ok(removed)
}
