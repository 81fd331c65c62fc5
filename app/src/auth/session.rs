//! Server-side sessions, stored in the database so several server processes
//! can share them. The cookie holds a random token; the table holds its hash.
use crate::db::{now_ms, Db};
use crate::error::AppError;
use crate::i18n::Lang;
use crate::model::{CurrentUser, Role};
use crate::state::AppConfig;
use sha2::{Digest, Sha256};
use sqlx::Row;

/// Cookie name on plain-http localhost during development.
pub const DEV_COOKIE: &str = "mitforlob_session";
/// `__Host-` makes the browser insist on Secure, Path=/ and no Domain.
pub const SECURE_COOKIE: &str = "__Host-mitforlob_session";
/// Only refresh `last_seen_at` this often, to spare the database a write per request.
const TOUCH_EVERY_MS: i64 = 60_000;

pub fn cookie_name(config: &AppConfig) -> &'static str {
    if config.secure_cookies {
        SECURE_COOKIE
    } else {
        DEV_COOKIE
    }
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Starts a new session (always a new id: no fixation) and returns the cookie token.
pub async fn create(db: &Db, config: &AppConfig, user_id: &str) -> Result<String, AppError> {
    let token = hex::encode(rand::random::<[u8; 32]>());
    let now = now_ms();
    sqlx::query(
        "INSERT INTO sessions (key_hash, user_id, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(now)
    .bind(now)
    .bind(now + config.session_absolute_ms)
    .execute(db.pool())
    .await?;
    Ok(token)
}

/// Finds the person behind a cookie token, if the session is still alive.
pub async fn resolve(db: &Db, config: &AppConfig, token: &str) -> Result<Option<CurrentUser>, AppError> {
    let key = token_hash(token);
    let now = now_ms();
    let row = sqlx::query(
        "SELECT s.last_seen_at, s.expires_at, u.id, u.role, u.display_name, u.language \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.key_hash = $1 AND u.disabled_at IS NULL",
    )
    .bind(&key)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let last_seen: i64 = row.try_get(0)?;
    let expires: i64 = row.try_get(1)?;
    if now >= expires || now - last_seen >= config.session_idle_ms {
        end(db, &key).await?;
        return Ok(None);
    }
    if now - last_seen >= TOUCH_EVERY_MS {
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE key_hash = $2")
            .bind(now)
            .bind(&key)
            .execute(db.pool())
            .await?;
    }
    let role: String = row.try_get(3)?;
    let Some(role) = Role::parse(&role) else {
        tracing::error!("user has an unknown role");
        return Ok(None);
    };
    let lang: String = row.try_get(5)?;
    Ok(Some(CurrentUser {
        id: row.try_get(2)?,
        role,
        name: row.try_get(4)?,
        lang: Lang::parse(&lang).unwrap_or_default(),
        session_key: key,
    }))
}

pub async fn end(db: &Db, key_hash: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE key_hash = $1")
        .bind(key_hash)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// "Log out of all devices".
pub async fn end_all(db: &Db, user_id: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Stores a one-time message for the next page this session shows.
pub async fn set_flash(db: &Db, key_hash: &str, flash: &Flash) -> Result<(), AppError> {
    let json = serde_json::to_string(flash).map_err(|_| AppError::Internal)?;
    sqlx::query("UPDATE sessions SET flash = $1 WHERE key_hash = $2")
        .bind(json)
        .bind(key_hash)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Takes (reads and clears) the one-time message, if any.
pub async fn take_flash(db: &Db, key_hash: &str) -> Result<Option<Flash>, AppError> {
    let row = sqlx::query("SELECT flash FROM sessions WHERE key_hash = $1 AND flash IS NOT NULL")
        .bind(key_hash)
        .fetch_optional(db.pool())
        .await?;
    let Some(row) = row else { return Ok(None) };
    let json: String = row.try_get(0)?;
    sqlx::query("UPDATE sessions SET flash = NULL WHERE key_hash = $1")
        .bind(key_hash)
        .execute(db.pool())
        .await?;
    Ok(serde_json::from_str(&json).ok())
}

pub use crate::auth::Flash;

pub fn set_cookie(config: &AppConfig, token: &str) -> String {
    let secure = if config.secure_cookies { "; Secure" } else { "" };
    let max_age = config.session_absolute_ms / 1000;
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}",
        cookie_name(config)
    )
}

pub fn clear_cookie(config: &AppConfig) -> String {
    let secure = if config.secure_cookies { "; Secure" } else { "" };
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}",
        cookie_name(config)
    )
}

/// Reads one cookie's value from a `Cookie` header.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name).then_some(v)
    })
}
