//! Server-side sessions, stored in the database so several server processes
//! can share them. The cookie holds a random token; the table holds its hash.
use crate::db::Db;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::model::{CurrentUser, Role};
use crate::state::AppConfig;
use crate::time::now_ms;
use sha2::{Digest, Sha256};

/// Cookie name on plain-http localhost during development.
pub const DEV_COOKIE: &str = "mitforlob_session";
/// `__Host-` makes the browser insist on Secure, Path=/ and no Domain.
pub const SECURE_COOKIE: &str = "__Host-mitforlob_session";
/// Only refresh `last_seen_at` this often, to spare the database a write per request.
pub const TOUCH_EVERY_MS: i64 = 60_000;
/// A kept one-time message (a refused form's draft, a new code) is for the
/// very next page; after this long it is ignored and removed, so typed text
/// does not stay in the session row.
pub const FLASH_TTL_MS: i64 = 10 * 60 * 1000;
/// Login attempts are kept this long (far beyond the throttling window), for
/// whoever investigates an attack, then purged.
pub const ATTEMPTS_KEPT_MS: i64 = 24 * 60 * 60 * 1000;

/// `https`: see [`crate::state::ClientInfo::https`].
pub fn cookie_name(https: bool) -> &'static str {
    if https {
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

#[derive(sqlx::FromRow)]
struct SessionRow {
    last_seen_at: i64,
    expires_at: i64,
    id: String,
    role: String,
    display_name: String,
    language: String,
    text_size: String,
    unread_messages: i64,
}

/// Finds the person behind a cookie token, if the session is still alive.
pub async fn resolve(db: &Db, config: &AppConfig, token: &str) -> Result<Option<CurrentUser>, AppError> {
    let key = token_hash(token);
    let now = now_ms();
    let row = sqlx::query_as::<_, SessionRow>(
        "SELECT s.last_seen_at, s.expires_at, u.id, u.role, u.display_name, u.language, u.text_size, \
         CASE WHEN u.role = 'citizen' THEN (SELECT COUNT(*) FROM messages m \
           WHERE m.thread_id IN (SELECT t.id FROM message_threads t WHERE t.citizen_id = u.id) \
           AND m.sender_id <> u.id AND m.read_at IS NULL) ELSE 0 END AS unread_messages \
         FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.key_hash = $1 AND u.disabled_at IS NULL",
    )
    .bind(&key)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let (last_seen, expires) = (row.last_seen_at, row.expires_at);
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
    let Some(role) = Role::parse(&row.role) else {
        tracing::error!("user has an unknown role");
        return Ok(None);
    };
    Ok(Some(CurrentUser {
        id: row.id,
        role,
        name: row.display_name,
        lang: Lang::parse(&row.language).unwrap_or_default(),
        text_size: crate::model::TextSize::parse(&row.text_size).unwrap_or_default(),
        session_key: key,
        unread_messages: row.unread_messages,
    }))
}

pub async fn end(db: &Db, key_hash: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE key_hash = $1")
        .bind(key_hash)
        .execute(db.pool())
        .await?;
    // Open event streams re-check their session and close if it was theirs.
    db.announce(super::reset::SESSIONS_ENDED).await;
    Ok(())
}

/// "Log out of all devices".
pub async fn end_all(db: &Db, user_id: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(user_id)
        .execute(db.pool())
        .await?;
    db.announce(super::reset::SESSIONS_ENDED).await;
    Ok(())
}

/// True while the session `key_hash` is alive (not ended, idle or expired).
/// For long-lived responses (event streams) that must stop when it ends.
pub async fn is_alive(db: &Db, config: &AppConfig, key_hash: &str) -> Result<bool, AppError> {
    let now = now_ms();
    let found = sqlx::query(
        "SELECT 1 FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.key_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3 AND u.disabled_at IS NULL",
    )
    .bind(key_hash)
    .bind(now)
    .bind(now - config.session_idle_ms)
    .fetch_optional(db.pool())
    .await?;
    Ok(found.is_some())
}

/// What one purge removed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub sessions: u64,
    pub attempts: u64,
    pub drafts: u64,
}

/// Removes ended sessions (past their absolute or idle end), old login
/// attempts and stale one-time messages. Run on a schedule by the server.
pub async fn purge(db: &Db, config: &AppConfig, now: i64) -> Result<Purged, AppError> {
    let sessions = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
        .bind(now)
        .bind(now - config.session_idle_ms)
        .execute(db.pool())
        .await?
        .rows_affected();
    let attempts = sqlx::query("DELETE FROM login_attempts WHERE at <= $1")
        .bind(now - ATTEMPTS_KEPT_MS)
        .execute(db.pool())
        .await?
        .rows_affected();
    let drafts = sqlx::query(
        "UPDATE sessions SET flash = NULL, flash_at = NULL \
         WHERE flash IS NOT NULL AND (flash_at IS NULL OR flash_at <= $1)",
    )
    .bind(now - FLASH_TTL_MS)
    .execute(db.pool())
    .await?
    .rows_affected();
    Ok(Purged {
        sessions,
        attempts,
        drafts,
    })
}

/// Stores a one-time message for the next page this session shows.
pub async fn set_flash(db: &Db, key_hash: &str, flash: &Flash) -> Result<(), AppError> {
    let json = serde_json::to_string(flash).map_err(|_| AppError::Internal)?;
    sqlx::query("UPDATE sessions SET flash = $1, flash_at = $2 WHERE key_hash = $3")
        .bind(json)
        .bind(now_ms())
        .bind(key_hash)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// The one-time message as stored: JSON, and when it was kept.
#[derive(sqlx::FromRow)]
struct FlashRow {
    flash: String,
    flash_at: Option<i64>,
}

/// Takes (reads and clears) the one-time message, if any and not stale.
pub async fn take_flash(db: &Db, key_hash: &str) -> Result<Option<Flash>, AppError> {
    let row = sqlx::query_as::<_, FlashRow>(
        "SELECT flash, flash_at FROM sessions WHERE key_hash = $1 AND flash IS NOT NULL",
    )
    .bind(key_hash)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let (json, at) = (row.flash, row.flash_at);
    sqlx::query("UPDATE sessions SET flash = NULL, flash_at = NULL WHERE key_hash = $1")
        .bind(key_hash)
        .execute(db.pool())
        .await?;
    // A draft from a form left long ago is gone with it.
    if at.is_none_or(|at| now_ms() - at >= FLASH_TTL_MS) {
        return Ok(None);
    }
    Ok(serde_json::from_str(&json).ok())
}

/// Takes the one-time message only if `wanted` says it is this page's part's
/// (two parts of one page each take their own kind, whichever asks first).
/// Cleared only if it is still the message read, so nothing else is lost.
pub async fn take_flash_if(
    db: &Db,
    key_hash: &str,
    wanted: impl Fn(&Flash) -> bool,
) -> Result<Option<Flash>, AppError> {
    let row = sqlx::query_as::<_, FlashRow>(
        "SELECT flash, flash_at FROM sessions WHERE key_hash = $1 AND flash IS NOT NULL",
    )
    .bind(key_hash)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let (json, at) = (row.flash, row.flash_at);
    let fresh = at.is_some_and(|at| now_ms() - at < FLASH_TTL_MS);
    let flash = serde_json::from_str::<Flash>(&json).ok().filter(|_| fresh);
    let mine = flash.as_ref().is_some_and(&wanted);
    if mine || flash.is_none() {
        let cleared = sqlx::query(
            "UPDATE sessions SET flash = NULL, flash_at = NULL WHERE key_hash = $1 AND flash = $2",
        )
        .bind(key_hash)
        .bind(&json)
        .execute(db.pool())
        .await?
        .rows_affected();
        if mine && cleared == 1 {
            return Ok(flash);
        }
    }
    Ok(None)
}

pub use crate::auth::Flash;

pub fn set_cookie(config: &AppConfig, https: bool, token: &str) -> String {
    let secure = if https { "; Secure" } else { "" };
    let max_age = config.session_absolute_ms / 1000;
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}",
        cookie_name(https)
    )
}

pub fn clear_cookie(https: bool) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{secure}",
        cookie_name(https)
    )
}

/// Reads one cookie's value from a `Cookie` header.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name).then_some(v)
    })
}
