//! Login throttling, kept in the database so it holds across server processes.
use crate::db::{new_id, now_ms, Db};
use crate::error::AppError;
use sqlx::Row;

const WINDOW_MS: i64 = 15 * 60 * 1000;
/// Failed attempts on one account within the window before it is paused.
pub const MAX_PER_ACCOUNT: i64 = 5;
/// Failed attempts from one address within the window (many people may share one).
pub const MAX_PER_IP: i64 = 30;

async fn failures(db: &Db, column: &str, value: &str, since: i64) -> Result<i64, AppError> {
    let sql =
        format!("SELECT COUNT(*) FROM login_attempts WHERE {column} = $1 AND succeeded = 0 AND at > $2");
    let row = sqlx::query(&sql)
        .bind(value)
        .bind(since)
        .fetch_one(db.pool())
        .await?;
    Ok(row.try_get(0)?)
}

/// `RateLimited` when the account or the address has failed too often lately.
pub async fn check(db: &Db, account_key: &str, ip: &str) -> Result<(), AppError> {
    let since = now_ms() - WINDOW_MS;
    if failures(db, "account_key", account_key, since).await? >= MAX_PER_ACCOUNT
        || failures(db, "ip", ip, since).await? >= MAX_PER_IP
    {
        return Err(AppError::RateLimited);
    }
    Ok(())
}

pub async fn record(db: &Db, account_key: &str, ip: &str, succeeded: bool) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO login_attempts (id, account_key, ip, succeeded, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(new_id())
    .bind(account_key)
    .bind(ip)
    .bind(succeeded as i64)
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(())
}
