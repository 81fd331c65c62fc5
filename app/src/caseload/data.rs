//! The caseworker's side: caseload, one citizen, invitations.
use super::{CaseloadRow, CitizenSummary};
use crate::audit::{record_read, AuditAction};
use crate::auth::policy::{ensure_caseworker_of, ensure_role};
use crate::auth::{activation, Flash};
use crate::db::{format_ms, new_id, now_ms, Db};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::model::{CourseKind, CurrentUser, Role};
use crate::plan::data as plan_data;
use sqlx::Row;

pub const NAME_MAX: usize = 100;
pub const EMAIL_MAX: usize = 254;

pub async fn caseload(db: &Db, viewer: &CurrentUser) -> Result<Vec<CaseloadRow>, AppError> {
    ensure_role(viewer, Role::Caseworker)?;
    let rows = sqlx::query(
        "SELECT u.id, u.display_name, \
           (SELECT kind FROM courses c WHERE c.citizen_id = u.id AND c.status = 'active' ORDER BY start_date DESC LIMIT 1) \
         FROM caseload_assignments a JOIN users u ON u.id = a.citizen_id \
         WHERE a.caseworker_id = $1 AND a.ended_at IS NULL ORDER BY u.display_name",
    )
    .bind(&viewer.id)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id: String = r.try_get(0)?;
        let kind: Option<String> = r.try_get(2)?;
        record_read(db, viewer, &id, AuditAction::CaseloadList, "caseload").await?;
        out.push(CaseloadRow {
            name: r.try_get(1)?,
            course_kind: kind.as_deref().and_then(CourseKind::parse),
            next_activity: plan_data::next_activity(db, &id)
                .await?
                .map(|a| format!("{} · {}", a.title, a.when)),
            unread_from_citizen: unread_from_citizen(db, &id).await?,
            open_concerns: plan_data::open_concerns(db, &id).await?,
            id,
        });
    }
    Ok(out)
}

async fn unread_from_citizen(db: &Db, citizen_id: &str) -> Result<i64, AppError> {
    let row = sqlx::query(
        "SELECT COUNT(*) FROM messages m JOIN message_threads t ON t.id = m.thread_id \
         WHERE t.citizen_id = $1 AND m.sender_id = $1 AND m.read_at IS NULL",
    )
    .bind(citizen_id)
    .fetch_one(db.pool())
    .await?;
    Ok(row.try_get(0)?)
}

pub async fn citizen_summary(
    db: &Db,
    viewer: &CurrentUser,
    citizen_id: &str,
) -> Result<CitizenSummary, AppError> {
    ensure_caseworker_of(db, viewer, citizen_id).await?;
    let row = sqlx::query("SELECT display_name, email, password_hash IS NOT NULL FROM users WHERE id = $1")
        .bind(citizen_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(AppError::NotFound)?;
    record_read(db, viewer, citizen_id, AuditAction::CitizenSummary, "case_work").await?;
    let plan = plan_data::plan(db, citizen_id).await?;
    let activated: bool = match row.try_get::<bool, _>(2) {
        Ok(b) => b,
        Err(_) => row.try_get::<i64, _>(2)? != 0,
    };
    Ok(CitizenSummary {
        id: citizen_id.to_string(),
        name: row.try_get(0)?,
        email: row.try_get(1)?,
        activated,
        course: plan.course,
        next_activity: plan_data::next_activity(db, citizen_id).await?,
        new_code: None,
    })
}

/// Checks an invitation's fields; errors name the field.
pub fn check_invite(name: &str, email: &str) -> Result<(String, String), AppError> {
    let name = name.trim();
    let email = email.trim().to_lowercase();
    if name.is_empty() {
        return Err(AppError::invalid("name", Msg::CaseloadNameMissing));
    }
    if name.chars().count() > NAME_MAX {
        return Err(AppError::invalid("name", Msg::CaseloadNameTooLong));
    }
    let valid_email = email.len() <= EMAIL_MAX
        && email.split_once('@').is_some_and(|(user, domain)| {
            !user.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
        })
        && !email.chars().any(char::is_whitespace);
    if !valid_email {
        return Err(AppError::invalid("email", Msg::CaseloadEmailInvalid));
    }
    Ok((name.to_string(), email))
}

/// Creates a citizen account on the caseworker's caseload, with an activation code.
pub async fn invite(
    db: &Db,
    viewer: &CurrentUser,
    valid_ms: i64,
    name: &str,
    email: &str,
) -> Result<(String, Flash), AppError> {
    ensure_role(viewer, Role::Caseworker)?;
    let (name, email) = check_invite(name, email)?;
    let taken = sqlx::query("SELECT 1 FROM users WHERE email = $1")
        .bind(&email)
        .fetch_optional(db.pool())
        .await?
        .is_some();
    if taken {
        return Err(AppError::invalid("email", Msg::CaseloadEmailTaken));
    }
    let citizen_id = new_id();
    let now = now_ms();
    let mut tx = db.pool().begin().await?;
    sqlx::query(
        "INSERT INTO users (id, role, display_name, email, language, region_id, created_at) \
         SELECT $1, 'citizen', $2, $3, 'da', region_id, $4 FROM users WHERE id = $5",
    )
    .bind(&citizen_id)
    .bind(&name)
    .bind(&email)
    .bind(now)
    .bind(&viewer.id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO caseload_assignments (id, caseworker_id, citizen_id, assigned_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(new_id())
    .bind(&viewer.id)
    .bind(&citizen_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    let flash = issue_code(db, viewer, &citizen_id, valid_ms).await?;
    Ok((citizen_id, flash))
}

/// A new activation code for a citizen on the caseworker's caseload.
pub async fn new_code(
    db: &Db,
    viewer: &CurrentUser,
    citizen_id: &str,
    valid_ms: i64,
) -> Result<Flash, AppError> {
    ensure_caseworker_of(db, viewer, citizen_id).await?;
    issue_code(db, viewer, citizen_id, valid_ms).await
}

async fn issue_code(
    db: &Db,
    viewer: &CurrentUser,
    citizen_id: &str,
    valid_ms: i64,
) -> Result<Flash, AppError> {
    let (code, expires) = activation::issue(db, citizen_id, &viewer.id, valid_ms).await?;
    Ok(Flash::ActivationCode {
        citizen_id: citizen_id.to_string(),
        code,
        expires: format_ms(expires),
    })
}
