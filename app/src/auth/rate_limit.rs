//! Login throttling, kept in the database so it holds across server processes.
//!
//! An attempt is reserved *before* its password is checked: its row is
//! written first (as a failure), then the failures in the window are counted,
//! its own row included. Each reservation commits before it counts, so of any
//! number of simultaneous attempts the sixth to commit already sees six rows:
//! at most `MAX_PER_ACCOUNT` passwords are ever checked per window, however
//! many arrive at once, on SQLite and PostgreSQL alike. A refused attempt
//! stays recorded as a failure: a burst of guesses pauses the account even
//! when few of them were checked. An attempt that succeeds is marked so and
//! stops counting.
use super::security_log;
use crate::db::{new_id, Db};
use crate::error::AppError;
use crate::time::now_ms;

pub const WINDOW_MS: i64 = 15 * 60 * 1000;
/// Failed attempts on one account within the window before it is paused.
pub const MAX_PER_ACCOUNT: i64 = 5;
/// Failed attempts from one address within the window (many people may share one).
pub const MAX_PER_IP: i64 = 30;

/// A reserved attempt: the password may be checked once, then the outcome kept.
#[derive(Debug)]
pub struct Attempt {
    id: String,
}

#[derive(sqlx::FromRow)]
struct FailureCounts {
    per_account: i64,
    per_ip: i64,
}

/// Reserves one login attempt, or `RateLimited` when the account or the
/// address has failed too often lately.
pub async fn reserve(db: &Db, account_key: &str, ip: &str) -> Result<Attempt, AppError> {
    let id = new_id();
    let now = now_ms();
    sqlx::query("INSERT INTO login_attempts (id, account_key, ip, succeeded, at) VALUES ($1, $2, $3, 0, $4)")
        .bind(&id)
        .bind(account_key)
        .bind(ip)
        .bind(now)
        .execute(db.pool())
        .await?;
    let since = now - WINDOW_MS;
    // Both counts in one statement, after the reservation committed.
    let counts = sqlx::query_as::<_, FailureCounts>(
        "SELECT \
           (SELECT COUNT(*) FROM login_attempts WHERE account_key = $1 AND succeeded = 0 AND at > $3) \
             AS per_account, \
           (SELECT COUNT(*) FROM login_attempts WHERE ip = $2 AND succeeded = 0 AND at > $3) AS per_ip",
    )
    .bind(account_key)
    .bind(ip)
    .bind(since)
    .fetch_one(db.pool())
    .await?;
    let (per_account, per_ip) = (counts.per_account, counts.per_ip);
    let scope = if per_account > MAX_PER_ACCOUNT {
        Some("account")
    } else if per_ip > MAX_PER_IP {
        Some("address")
    } else {
        None
    };
    if let Some(scope) = scope {
        security_log::login_throttled(account_key, ip, scope);
        return Err(AppError::RateLimited);
    }
    Ok(Attempt { id })
}

/// Marks a reserved attempt as successful; a failed one stays as it is.
pub async fn succeeded(db: &Db, attempt: Attempt) -> Result<(), AppError> {
    sqlx::query("UPDATE login_attempts SET succeeded = 1 WHERE id = $1")
        .bind(&attempt.id)
        .execute(db.pool())
        .await?;
    Ok(())
}
