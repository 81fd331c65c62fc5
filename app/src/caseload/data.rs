//! The caseworker's side: caseload, one citizen, invitations.
use super::{CaseloadFilter, CaseloadRow, CaseloadView, CitizenSummary};
use crate::audit::AuditAction;
use crate::auth::policy::{self, CaseworkerAccess, Use};
use crate::auth::{activation, Flash};
use crate::db::{copenhagen, format_ms, new_id, now_ms, today, Db};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::model::{format_day, CourseKind, CurrentUser, Role};
use crate::plan::data as plan_data;
use sqlx::Row;

pub const NAME_MAX: usize = 100;
pub const EMAIL_MAX: usize = 254;

/// The caseworker's citizens with what needs attention, one query for all;
/// only the rows the filter keeps are shown, and each shown row is audited.
pub async fn caseload(
    db: &Db,
    viewer: &CurrentUser,
    filter: CaseloadFilter,
) -> Result<CaseloadView, AppError> {
    let list = policy::list(viewer, Role::Caseworker)?;
    let today = today();
    let (day_start, day_end) = day_bounds(&today).ok_or(AppError::Internal)?;
    let sql = format!(
        "SELECT u.id, u.display_name, c.kind, c.start_date, c.planned_end_date, \
           (SELECT a.title FROM activities a WHERE a.course_id = c.id AND a.starts_at >= $2 \
              AND a.status IN ('planned', 'ongoing') ORDER BY a.starts_at LIMIT 1), \
           (SELECT a.starts_at FROM activities a WHERE a.course_id = c.id AND a.starts_at >= $2 \
              AND a.status IN ('planned', 'ongoing') ORDER BY a.starts_at LIMIT 1), \
           (SELECT COUNT(*) FROM messages m JOIN message_threads t ON t.id = m.thread_id \
              WHERE t.citizen_id = u.id AND m.sender_id = u.id AND m.read_at IS NULL), \
           (SELECT COUNT(*) FROM health_concerns h WHERE h.citizen_id = u.id \
              AND h.state NOT IN ('answered', 'withdrawn')), \
           (SELECT COUNT(*) FROM activities a WHERE a.course_id = c.id AND {started}), \
           (SELECT COUNT(*) FROM activities a WHERE a.course_id = c.id AND a.status <> 'cancelled' \
              AND a.starts_at >= $3 AND a.starts_at < $4) \
         FROM caseload_assignments ca JOIN users u ON u.id = ca.citizen_id \
         LEFT JOIN courses c ON c.id = (SELECT id FROM courses WHERE citizen_id = u.id AND status = 'active' \
           ORDER BY start_date DESC LIMIT 1) \
         WHERE ca.caseworker_id = $1 AND ca.ended_at IS NULL ORDER BY u.display_name",
        started = crate::model::ActivityKind::started_activity_sql("a")
    );
    let rows = sqlx::query(&sql)
        .bind(&viewer.id)
        .bind(now_ms())
        .bind(day_start)
        .bind(day_end)
        .fetch_all(db.pool())
        .await?;
    let ending_by = plan_data::add_months(&today, 3).ok_or(AppError::Internal)?;
    let mut all = Vec::with_capacity(rows.len());
    for r in rows {
        let start: Option<String> = r.try_get(3)?;
        let planned_end: Option<String> = r.try_get(4)?;
        let next_title: Option<String> = r.try_get(5)?;
        let next_at: Option<i64> = r.try_get(6)?;
        let started: i64 = r.try_get(9)?;
        let today_count: i64 = r.try_get(10)?;
        let kind: Option<String> = r.try_get(2)?;
        all.push(CaseloadRow {
            id: r.try_get(0)?,
            name: r.try_get(1)?,
            course_kind: kind.as_deref().and_then(CourseKind::parse),
            next_activity: next_title
                .zip(next_at)
                .map(|(t, at)| format!("{t} · {}", format_ms(at))),
            unread_from_citizen: r.try_get(7)?,
            open_concerns: r.try_get(8)?,
            no_activity_started: start.is_some() && started == 0,
            six_month_deadline: start
                .as_deref()
                .and_then(|s| plan_data::add_months(s, 6))
                .map(|d| format_day(&d)),
            ending_soon: planned_end
                .as_deref()
                .is_some_and(|e| e >= today.as_str() && e <= ending_by.as_str()),
            planned_end: planned_end.as_deref().map(format_day),
            activity_today: today_count > 0,
        });
    }
    let counts = CaseloadFilter::ALL
        .into_iter()
        .map(|f| (f, all.iter().filter(|r| f.keeps(r)).count() as i64))
        .collect();
    let rows: Vec<CaseloadRow> = all.into_iter().filter(|r| filter.keeps(r)).collect();
    let shown = rows.iter().map(|r| r.id.clone()).collect();
    list.shown(db, shown, AuditAction::CaseloadList, "caseload")
        .await?;
    Ok(CaseloadView { filter, rows, counts })
}

/// The first and last instant of a Copenhagen day, as epoch milliseconds.
fn day_bounds(day: &str) -> Option<(i64, i64)> {
    let d: jiff::civil::Date = day.parse().ok()?;
    let start = d.to_zoned(copenhagen()).ok()?;
    let end = d.tomorrow().ok()?.to_zoned(copenhagen()).ok()?;
    Some((
        start.timestamp().as_millisecond(),
        end.timestamp().as_millisecond(),
    ))
}

/// The citizen page: everything the caseworker sees of one citizen. The
/// access was made (and the one audit row written) by the caller.
pub async fn citizen_summary(db: &Db, access: &CaseworkerAccess) -> Result<CitizenSummary, AppError> {
    let row = sqlx::query(
        "SELECT display_name, COALESCE(email, pending_email), password_hash IS NOT NULL, phone FROM users WHERE id = $1",
    )
    .bind(access.citizen_id())
        .fetch_optional(db.pool())
        .await?
        .ok_or(AppError::NotFound)?;
    let plan = plan_data::plan(db, access, None).await?;
    let activated: bool = match row.try_get::<bool, _>(2) {
        Ok(b) => b,
        Err(_) => row.try_get::<i64, _>(2)? != 0,
    };
    Ok(CitizenSummary {
        id: access.citizen_id().to_string(),
        name: row.try_get(0)?,
        email: row.try_get(1)?,
        phone: row.try_get(3)?,
        activated,
        next_activity: plan_data::next_activity(db, access).await?.map(|(a, _)| a),
        responses: crate::plan::responses::data::for_citizen(db, access).await?,
        wellbeing: crate::wellbeing::data::shared_trend(db, access).await?,
        concerns: crate::concerns::data::for_citizen(db, access).await?,
        plan,
        draft: None,
        new_code: None,
        activation_link: None,
        reset_code: None,
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
///
/// The answer never tells whether another account already uses the address:
/// otherwise "invite citizen" would tell any caseworker who has an account.
/// Such an invitation is made all the same, but its address waits in
/// `pending_email` (outside the unique login column) and the administrator's
/// page lists it to sort out; logging in with it still works (see
/// `login_with_password`), so not even the code's holder can tell.
pub async fn invite(
    db: &Db,
    viewer: &CurrentUser,
    valid_ms: i64,
    name: &str,
    email: &str,
) -> Result<(String, Flash), AppError> {
    policy::ensure_role(viewer, Role::Caseworker)?;
    let (name, email) = check_invite(name, email)?;
    let citizen_id = new_id();
    // A twin invitation committed meanwhile (PostgreSQL's unique index
    // refuses ours) makes the second try see the address as taken.
    let taken = match create_invited(db, viewer, &citizen_id, &name, &email).await? {
        Some(taken) => taken,
        None => create_invited(db, viewer, &citizen_id, &name, &email)
            .await?
            .ok_or(AppError::Internal)?,
    };
    if taken {
        // Not the caseworker's to know; the operator's log and the
        // administrator's page show it, so repeated probing is seen.
        crate::auth::security_log::account_event(
            "invite_address_in_use",
            viewer.role.as_str(),
            &viewer.id,
            &citizen_id,
        );
    }
    let access = policy::caseworker_of(db, viewer, &citizen_id, Use::Write).await?;
    let flash = new_code(db, &access, valid_ms).await?;
    Ok((citizen_id, flash))
}

/// The account and its caseload row; whether the address was taken already,
/// or `None` when a twin with the same address won a race for it.
async fn create_invited(
    db: &Db,
    viewer: &CurrentUser,
    account_id: &str,
    name: &str,
    email: &str,
) -> Result<Option<bool>, AppError> {
    let now = now_ms();
    let mut tx = db.begin().await?;
    let taken = sqlx::query("SELECT 1 FROM users WHERE email = $1 OR pending_email = $1")
        .bind(email)
        .fetch_optional(&mut *tx)
        .await?
        .is_some();
    let (login_email, pending_email) = if taken {
        (None, Some(email))
    } else {
        (Some(email), None)
    };
    let inserted = sqlx::query(
        "INSERT INTO users (id, role, display_name, email, pending_email, language, region_id, created_at) \
         SELECT $1, 'citizen', $2, $3, $4, 'da', region_id, $5 FROM users WHERE id = $6",
    )
    .bind(account_id)
    .bind(name)
    .bind(login_email)
    .bind(pending_email)
    .bind(now)
    .bind(&viewer.id)
    .execute(&mut *tx)
    .await;
    if let Err(sqlx::Error::Database(e)) = &inserted {
        if e.kind() == sqlx::error::ErrorKind::UniqueViolation {
            return Ok(None);
        }
    }
    inserted?;
    sqlx::query(
        "INSERT INTO caseload_assignments (id, caseworker_id, citizen_id, assigned_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(new_id())
    .bind(&viewer.id)
    .bind(account_id)
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(taken))
}

/// A new activation code for a citizen on the caseworker's caseload.
pub async fn new_code(db: &Db, access: &CaseworkerAccess, valid_ms: i64) -> Result<Flash, AppError> {
    let (code, expires) = activation::issue(db, access.citizen_id(), &access.viewer().id, valid_ms).await?;
    Ok(Flash::ActivationCode {
        citizen_id: access.citizen_id().to_string(),
        code,
        expires: format_ms(expires),
    })
}
