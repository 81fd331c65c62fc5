//! One-time activation codes with which an invited citizen sets a password.
//!
//! A code only ever sets the *first* password: once an account has one, no
//! code is issued for it, and a code still outstanding no longer works. (Else
//! whoever issues codes could take the account over.) A citizen who lost a
//! password goes through `reset`, which no single staff member can complete.
use super::{PASSWORD_MAX, PASSWORD_MIN};
use crate::db::{new_id, Db};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::time::now_ms;
use secrecy::SecretString;
use sha2::{Digest, Sha256};

/// The symbols a code is made of: no 0/O, 1/I/L (misread, misheard, and
/// [`normalise`] maps typed O, I, L to 0 and 1 for older codes, so none of
/// them may appear in a new one). 31 symbols.
const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
/// Symbols in a code, shown as three groups of four.
pub const CODE_LEN: usize = 12;
pub const GROUP: usize = 4;

/// A new code: 12 symbols of 31, so log2(31^12) = 59.4 bits; short enough to
/// read aloud or type on a phone. Guessing is online only (the code is kept
/// as a hash) and throttled (see [`redeem_throttled`]): 5 wrong tries per
/// address in 15 minutes is 6,720 tries an address in the 14 days a code
/// lives; against even 10,000 live codes that hits one with a chance of
/// 6,720 × 10,000 / 31^12 ≈ 1 in 12 billion.
pub fn new_code() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    let chars: Vec<char> = (0..CODE_LEN)
        .map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char)
        .collect();
    chars
        .chunks(GROUP)
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

pub(crate) fn code_hash(code: &str) -> String {
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
    // Activated: a password chosen, or MitID linked (`oidc`).
    let activated = sqlx::query(
        "SELECT 1 FROM users WHERE id = $1 AND (password_hash IS NOT NULL \
         OR EXISTS (SELECT 1 FROM user_identities i WHERE i.user_id = $1))",
    )
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

/// [`redeem`] for a person at `ip`, throttled like a login: each try with
/// a well-formed password is reserved first (`rate_limit::reserve`, keyed by
/// the address), so an address gets 5 wrong codes in 15 minutes (and counts
/// towards its 30 failed logins); a right one stops counting.
pub async fn redeem_throttled(
    db: &Db,
    code: &str,
    password: String,
    repeat: String,
    ip: &str,
) -> Result<String, AppError> {
    // A typing slip in the password is no guess at a code: said first, not counted.
    if normalise(code).is_empty() {
        return Err(AppError::invalid("code", Msg::AuthActivationCodeMissing));
    }
    check_new_password(&password, &repeat)?;
    let attempt = super::rate_limit::reserve(db, &format!("activation:{ip}"), ip).await?;
    let user_id = redeem(db, code, password, repeat).await?;
    super::rate_limit::succeeded(db, attempt).await?;
    Ok(user_id)
}

/// An activation code not yet used, and its owner.
#[derive(sqlx::FromRow)]
pub(super) struct CodeRow {
    pub id: String,
    pub user_id: String,
}

/// Sets the first password of the code's owner and uses the code up, once.
/// Returns the owner's id.
pub async fn redeem(db: &Db, code: &str, password: String, repeat: String) -> Result<String, AppError> {
    if normalise(code).is_empty() {
        return Err(AppError::invalid("code", Msg::AuthActivationCodeMissing));
    }
    check_new_password(&password, &repeat)?;
    let now = now_ms();
    let row = sqlx::query_as::<_, CodeRow>(
        "SELECT id, user_id FROM activation_codes WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(code_hash(code))
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        return Err(AppError::ActivationInvalid);
    };
    let CodeRow { id: code_id, user_id } = row;
    let hash = super::password::hash_password(SecretString::from(password))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "hashing a new password failed");
            AppError::Internal
        })?;
    let mut tx = db.begin().await?;
    use_code(&mut tx, &code_id, now).await?;
    // Only an account without a password: a code made before it was
    // activated (or racing the activation) cannot replace a password.
    let set = sqlx::query(
        "UPDATE users SET password_hash = $1 WHERE id = $2 AND password_hash IS NULL \
         AND NOT EXISTS (SELECT 1 FROM user_identities i WHERE i.user_id = $2)",
    )
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

/// Uses a code up inside the caller's transaction: only the first of two
/// simultaneous uses (a password, or linking MitID in `oidc`) wins.
pub(crate) async fn use_code(
    conn: &mut sqlx::AnyConnection,
    code_id: &str,
    now: i64,
) -> Result<(), AppError> {
    let used = sqlx::query("UPDATE activation_codes SET used_at = $1 WHERE id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(code_id)
        .execute(&mut *conn)
        .await?;
    if used.rows_affected() != 1 {
        return Err(AppError::ActivationInvalid);
    }
    Ok(())
}

/// The address a code's holder can open to activate: this site, as the
/// browser reached it, with the code filled in. It goes in a letter, so it
/// is whole; the code in it is as secret as the code itself (the server
/// never logs a query).
pub fn link(https: bool, code: &str) -> String {
    let host = crate::state::request_parts()
        .and_then(|p| {
            p.headers
                .get(http::header::HOST)?
                .to_str()
                .ok()
                .map(str::to_string)
        })
        .unwrap_or_else(|| "127.0.0.1:3000".into());
    let scheme = if https { "https" } else { "http" };
    format!("{scheme}://{host}/activate?code={code}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_is_three_groups_of_four_without_look_alikes() {
        let mut seen = std::collections::HashSet::new();
        for _ in 0..2000 {
            let code = new_code();
            let groups: Vec<&str> = code.split('-').collect();
            assert_eq!(groups.len(), 3, "{code}");
            assert!(groups.iter().all(|g| g.len() == GROUP), "{code}");
            assert!(
                code.chars().all(|c| c == '-' || ALPHABET.contains(&(c as u8))),
                "{code}"
            );
            assert!(!code.contains(['0', 'O', '1', 'I', 'L']), "{code}");
            // Typed as it is read (small letters, spaces), it is the same code.
            let typed = code.to_lowercase().replace('-', " ");
            assert_eq!(code_hash(&typed), code_hash(&code));
            seen.insert(code);
        }
        // 59 bits: two thousand draws never repeat.
        assert_eq!(seen.len(), 2000);
        // The entropy the module's comment states.
        let bits = CODE_LEN as f64 * (ALPHABET.len() as f64).log2();
        assert!(bits > 59.0 && bits < 60.0, "{bits}");
        let distinct: std::collections::HashSet<u8> = ALPHABET.iter().copied().collect();
        assert_eq!(distinct.len(), 31);
    }

    crate::db_test!(wrong_codes_are_throttled_per_address, |db| {
        let citizen = crate::testing::user(db, crate::model::Role::Citizen, "Sofie").await;
        let caseworker = crate::testing::user(db, crate::model::Role::Caseworker, "Mette").await;
        let (code, _) = issue(db, &citizen.id, &caseworker.id, 60_000).await.unwrap();
        let pw = || "en lang adgangssætning".to_string();
        // Password slips are told, and are no guesses.
        for _ in 0..8 {
            let r = redeem_throttled(db, &code, "kort".into(), "kort".into(), "10.0.0.1").await;
            assert_eq!(r, Err(AppError::invalid("password", Msg::AuthPasswordTooShort)));
        }
        // Five wrong codes from one address, then even the right one waits.
        for _ in 0..5 {
            let r = redeem_throttled(db, "ABCD-EFGH-JKMN", pw(), pw(), "10.0.0.1").await;
            assert_eq!(r, Err(AppError::ActivationInvalid));
        }
        let r = redeem_throttled(db, &code, pw(), pw(), "10.0.0.1").await;
        assert_eq!(r, Err(AppError::RateLimited));
        // Another address is not held up, and the code still works there.
        let r = redeem_throttled(db, &code, pw(), pw(), "10.0.0.2").await;
        assert_eq!(r, Ok(citizen.id.clone()));
    });
}
