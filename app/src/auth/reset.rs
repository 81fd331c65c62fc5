//! Password recovery for a citizen whose account is already activated.
//!
//! The problem: whoever can give a citizen a credential can log in as that
//! citizen. The app has no channel to the citizen that staff do not control
//! (no e-mail or SMS sending, MitID not yet connected), and a citizen who
//! lost their password has no secret left that we could check. Asking for
//! facts (e-mail, birth date, address) does not help: the caseworker knows
//! them all. So no single staff member may be able to complete a reset.
//!
//! The design is dual control, with split knowledge:
//! 1. The citizen's caseworker *starts* the reset (after meeting or calling
//!    the citizen) and sees code A once; they hand it to the citizen.
//! 2. An administrator, who has no access to citizen data and is not the
//!    caseworker, *confirms* it and sees code B once; it goes to the citizen
//!    by another route (Digital Post, or in person at the front desk).
//! 3. The citizen sets a new password at "/reset" with both codes. Only the
//!    two hashes are stored; either code alone does nothing.
//!
//! So a caseworker alone never holds a credential for the citizen, and nor
//! does an administrator; taking over an account needs two people acting
//! together. Starting a reset does not lock the citizen out (the old
//! password keeps working until a new one is set), so a reset cannot be used
//! to deny access either. Every step writes an audit row the citizen sees
//! under "Mig" and a security event, and the next login shows a notice that a
//! reset was started. When MitID login arrives, recovery should move to it
//! and this path can be removed.
use super::activation::{check_new_password, code_hash, new_code};
use super::security_log;
use crate::audit::{record_account_event, AuditAction};
use crate::auth::policy::{ensure_role, CaseworkerAccess};
use crate::db::{new_id, Db};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::model::{CurrentUser, Role};
use crate::time::now_ms;
use secrecy::SecretString;

/// Topic announced when sessions end, so open event streams re-check theirs.
pub const SESSIONS_ENDED: &str = "sessions-ended";

/// A reset waiting for an administrator.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct Pending {
    pub id: String,
    pub citizen_name: String,
    pub citizen_email: Option<String>,
    pub started_at: i64,
}

/// The caseworker starts a reset; returns code A and when it expires. An
/// earlier unfinished reset for the same citizen stops working.
pub async fn start(db: &Db, access: &CaseworkerAccess, valid_ms: i64) -> Result<(String, i64), AppError> {
    let (viewer, citizen_id) = (access.viewer(), access.citizen_id());
    let now = now_ms();
    let code = new_code();
    let mut tx = db.begin().await?;
    let activated = sqlx::query("SELECT 1 FROM users WHERE id = $1 AND password_hash IS NOT NULL")
        .bind(citizen_id)
        .fetch_optional(&mut *tx)
        .await?
        .is_some();
    if !activated {
        // Not activated yet: a new activation code is the way.
        return Err(AppError::Refused(Msg::ResetNotActivated));
    }
    sqlx::query("UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(now)
        .bind(citizen_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO password_resets (id, user_id, started_by, started_at, caseworker_code_hash, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id())
    .bind(citizen_id)
    .bind(&viewer.id)
    .bind(now)
    .bind(code_hash(&code))
    .bind(now + valid_ms)
    .execute(&mut *tx)
    .await?;
    record_account_event(
        &mut tx,
        &viewer.id,
        viewer.role,
        citizen_id,
        AuditAction::PasswordResetStarted,
    )
    .await?;
    tx.commit().await?;
    security_log::account_event(
        "password_reset_started",
        viewer.role.as_str(),
        &viewer.id,
        citizen_id,
    );
    Ok((code, now + valid_ms))
}

/// Resets waiting for an administrator's confirmation, oldest first.
pub async fn pending(db: &Db, viewer: &CurrentUser) -> Result<Vec<Pending>, AppError> {
    ensure_role(viewer, Role::Administrator)?;
    Ok(sqlx::query_as::<_, Pending>(
        "SELECT r.id, u.display_name AS citizen_name, COALESCE(u.email, u.pending_email) AS citizen_email, \
           r.started_at FROM password_resets r \
         JOIN users u ON u.id = r.user_id \
         WHERE r.confirmed_at IS NULL AND r.used_at IS NULL AND r.expires_at > $1 \
         ORDER BY r.started_at",
    )
    .bind(now_ms())
    .fetch_all(db.pool())
    .await?)
}

/// An administrator confirms a pending reset; returns code B and the
/// citizen's name (to address the letter), once.
pub async fn confirm(db: &Db, viewer: &CurrentUser, reset_id: &str) -> Result<(String, String), AppError> {
    ensure_role(viewer, Role::Administrator)?;
    let now = now_ms();
    let code = new_code();
    let mut tx = db.begin().await?;
    #[derive(sqlx::FromRow)]
    struct ResetOwnerRow {
        user_id: String,
        display_name: String,
    }
    let row = sqlx::query_as::<_, ResetOwnerRow>(
        "SELECT r.user_id, u.display_name FROM password_resets r JOIN users u ON u.id = r.user_id \
         WHERE r.id = $1 AND r.confirmed_at IS NULL AND r.used_at IS NULL AND r.expires_at > $2",
    )
    .bind(reset_id)
    .bind(now)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::NotFound)?;
    let (citizen_id, name) = (row.user_id, row.display_name);
    // Only the first of two simultaneous confirmations gets a code.
    let done = sqlx::query(
        "UPDATE password_resets SET confirmed_by = $1, confirmed_at = $2, admin_code_hash = $3 \
         WHERE id = $4 AND confirmed_at IS NULL AND used_at IS NULL",
    )
    .bind(&viewer.id)
    .bind(now)
    .bind(code_hash(&code))
    .bind(reset_id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Err(AppError::NotFound);
    }
    record_account_event(
        &mut tx,
        &viewer.id,
        viewer.role,
        &citizen_id,
        AuditAction::PasswordResetConfirmed,
    )
    .await?;
    tx.commit().await?;
    security_log::account_event(
        "password_reset_confirmed",
        viewer.role.as_str(),
        &viewer.id,
        &citizen_id,
    );
    Ok((code, name))
}

/// The citizen sets a new password with both codes. Ends every session of
/// the account; returns the citizen's id.
pub async fn complete(
    db: &Db,
    code_a: &str,
    code_b: &str,
    password: String,
    repeat: String,
) -> Result<String, AppError> {
    if super::activation::normalise(code_a).is_empty() {
        return Err(AppError::invalid("code", Msg::ResetCodeMissing));
    }
    if super::activation::normalise(code_b).is_empty() {
        return Err(AppError::invalid("second_code", Msg::ResetCodeMissing));
    }
    check_new_password(&password, &repeat)?;
    let now = now_ms();
    #[derive(sqlx::FromRow)]
    struct ResetRow {
        id: String,
        user_id: String,
    }
    let row = sqlx::query_as::<_, ResetRow>(
        "SELECT id, user_id FROM password_resets WHERE caseworker_code_hash = $1 AND admin_code_hash = $2 \
         AND confirmed_at IS NOT NULL AND used_at IS NULL AND expires_at > $3",
    )
    .bind(code_hash(code_a))
    .bind(code_hash(code_b))
    .bind(now)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        security_log::account_event("password_reset_refused", "guest", "", "");
        return Err(AppError::Refused(Msg::ResetInvalid));
    };
    let ResetRow {
        id: reset_id,
        user_id,
    } = row;
    let hash = super::password::hash_password(SecretString::from(password))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "hashing a new password failed");
            AppError::Internal
        })?;
    let mut tx = db.begin().await?;
    // The citizen did this themself: no notice about it at the next login.
    let used = sqlx::query(
        "UPDATE password_resets SET used_at = $1, citizen_told_at = COALESCE(citizen_told_at, $1) \
         WHERE id = $2 AND used_at IS NULL",
    )
    .bind(now)
    .bind(&reset_id)
    .execute(&mut *tx)
    .await?;
    if used.rows_affected() != 1 {
        return Err(AppError::Refused(Msg::ResetInvalid));
    }
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(&user_id)
        .execute(&mut *tx)
        .await?;
    // A new password ends every session that was open with the old one.
    sqlx::query("DELETE FROM sessions WHERE user_id = $1")
        .bind(&user_id)
        .execute(&mut *tx)
        .await?;
    record_account_event(
        &mut tx,
        &user_id,
        Role::Citizen,
        &user_id,
        AuditAction::PasswordResetCompleted,
    )
    .await?;
    tx.commit().await?;
    db.announce(SESSIONS_ENDED).await;
    security_log::account_event("password_reset_completed", "citizen", &user_id, &user_id);
    Ok(user_id)
}

/// True (once) when a reset was started for `user_id` since they were last
/// told: the login then shows them a notice.
pub async fn tell_citizen(db: &Db, user_id: &str) -> Result<bool, AppError> {
    let told = sqlx::query(
        "UPDATE password_resets SET citizen_told_at = $1 WHERE user_id = $2 AND citizen_told_at IS NULL",
    )
    .bind(now_ms())
    .bind(user_id)
    .execute(db.pool())
    .await?;
    Ok(told.rows_affected() > 0)
}
