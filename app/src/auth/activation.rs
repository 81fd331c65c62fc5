//! One-time activation codes with which an invited citizen sets a password.
//!
//! A code only ever sets the *first* password: once an account has one, no
//! code is issued for it, and a code still outstanding no longer works. (Else
//! whoever issues codes could take the account over.) A citizen who lost a
//! password goes through `reset`, which no single staff member can complete.
use super::{PASSWORD_MAX, PASSWORD_MIN};
use crate::db::{new_id, now_ms, Db};
use crate::error::AppError;
use crate::i18n::Msg;
use secrecy::SecretString;
use sha2::{Digest, Sha256};
use sqlx::Row;

/// Crockford's base32: no I, L, O or U, so a code read aloud is not misheard.
const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A new code of 160 random bits, shown in groups of four.
pub fn new_code() -> String {
    let bytes: [u8; 20] = rand::random();
    let mut bits: u64 = 0;
    let mut n = 0;
    let mut chars = Vec::with_capacity(32);
    for b in bytes {
        bits = (bits << 8) | b as u64;
        n += 8;
        while n >= 5 {
            n -= 5;
            chars.push(ALPHABET[((bits >> n) & 31) as usize] as char);
        }
    }
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// The form people type a code in does not matter: spaces, dashes, case.
pub fn normalise(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| match c.to_ascii_uppercase() {
            'O' => '0',
            'I' | 'L' => '1',
            other => other,
        })
        .collect()
}

pub(super) fn code_hash(code: &str) -> String {
    hex::encode(Sha256::digest(normalise(code).as_bytes()))
}

/// Issues a fresh code for `user_id`; earlier unused codes stop working.
/// Refused, with nothing changed, when the account is already activated.
pub async fn issue(
    db: &Db,
    user_id: &str,
    created_by: &str,
    valid_ms: i64,
) -> Result<(String, i64), AppError> {
    let mut tx = db.begin().await?;
    let issued = issue_in(&mut tx, user_id, created_by, valid_ms).await?;
    tx.commit().await?;
    super::security_log::account_event("activation_code_issued", "staff", created_by, user_id);
    Ok(issued)
}

/// [`issue`] inside the caller's transaction (an account made and its first
/// code are one write).
pub async fn issue_in(
    conn: &mut sqlx::AnyConnection,
    user_id: &str,
    created_by: &str,
    valid_ms: i64,
) -> Result<(String, i64), AppError> {
    let code = new_code();
    let now = now_ms();
    let expires = now + valid_ms;
    let activated = sqlx::query("SELECT 1 FROM users WHERE id = $1 AND password_hash IS NOT NULL")
        .bind(user_id)
        .fetch_optional(&mut *conn)
        .await?
        .is_some();
    if activated {
        super::security_log::account_event("activation_code_refused", "staff", created_by, user_id);
        return Err(AppError::Refused(Msg::CaseloadAlreadyActivated));
    }
    sqlx::query("UPDATE activation_codes SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO activation_codes (id, user_id, code_hash, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id())
    .bind(user_id)
    .bind(code_hash(&code))
    .bind(created_by)
    .bind(now)
    .bind(expires)
    .execute(&mut *conn)
    .await?;
    Ok((code, expires))
}

pub fn check_new_password(password: &str, repeat: &str) -> Result<(), AppError> {
    let len = password.chars().count();
    if len < PASSWORD_MIN {
        return Err(AppError::invalid("password", Msg::AuthPasswordTooShort));
    }
    if len > PASSWORD_MAX {
        return Err(AppError::invalid("password", Msg::AuthPasswordTooLong));
    }
    if password != repeat {
        return Err(AppError::invalid("password_repeat", Msg::AuthPasswordsDiffer));
    }
    Ok(())
}

/// Sets the first password of the code's owner and uses the code up, once.
/// Returns the owner's id.
pub async fn redeem(db: &Db, code: &str, password: String, repeat: String) -> Result<String, AppError> {
    if normalise(code).is_empty() {
        return Err(AppError::invalid("code", Msg::AuthActivationCodeMissing));
    }
    check_new_password(&password, &repeat)?;
    let now = now_ms();
    let row = sqlx::query(
        "SELECT id, user_id FROM activation_codes WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(code_hash(code))
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Err(AppError::ActivationInvalid);
    };
    let code_id: String = row.try_get(0)?;
    let user_id: String = row.try_get(1)?;
    let hash = super::password::hash_password(SecretString::from(password))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "hashing a new password failed");
            AppError::Internal
        })?;
    let mut tx = db.begin().await?;
    // Only the first of two simultaneous redemptions wins.
    let used = sqlx::query("UPDATE activation_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(&code_id)
        .execute(&mut *tx)
        .await?;
    if used.rows_affected() != 1 {
        return Err(AppError::ActivationInvalid);
    }
    // Only an account without a password: a code made before it was
    // activated (or racing the activation) cannot replace a password.
    let set = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash IS NULL")
        .bind(hash)
        .bind(&user_id)
        .execute(&mut *tx)
        .await?;
    if set.rows_affected() != 1 {
        // Dropping the transaction leaves the code unused and nothing changed.
        return Err(AppError::ActivationInvalid);
    }
    tx.commit().await?;
    Ok(user_id)
}
