//! The caseworker's side: caseload, one citizen, invitations.
use super::{CaseloadFilter, CaseloadRow, CaseloadView, CitizenSummary};
use crate::audit::AuditAction;
use crate::auth::policy::{self, CaseworkerAccess, Use};
use crate::auth::{activation, Flash};
use crate::db::{new_id, Db, Flag};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::model::{CourseKind, CurrentUser, Role};
use crate::plan::data as plan_data;
use crate::time::{add_months, day_bounds, format_day, format_ms, now_ms, today};

pub const NAME_MAX: usize = 100;
pub const EMAIL_MAX: usize = 254;

/// A caseload line as read; the course columns are empty without an active course.
#[derive(sqlx::FromRow)]
struct CaseloadDbRow {
    id: String,
    display_name: String,
    kind: Option<String>,
    start_date: Option<String>,
    planned_end_date: Option<String>,
    next_title: Option<String>,
    next_at: Option<i64>,
    unread: i64,
    open_concerns: i64,
    started: i64,
    today_count: i64,
    #[sqlx(try_from = "i64")]
    mood_falling: Flag,
    who5_latest: Option<i64>,
    who5_latest_on: Option<String>,
    who5_previous: Option<i64>,
}

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
              AND a.status IN ('planned', 'ongoing') ORDER BY a.starts_at LIMIT 1) AS next_title, \
           (SELECT a.starts_at FROM activities a WHERE a.course_id = c.id AND a.starts_at >= $2 \
              AND a.status IN ('planned', 'ongoing') ORDER BY a.starts_at LIMIT 1) AS next_at, \
           (SELECT COUNT(*) FROM messages m JOIN message_threads t ON t.id = m.thread_id \
              WHERE t.citizen_id = u.id AND m.sender_id = u.id AND m.read_at IS NULL) AS unread, \
           (SELECT COUNT(*) FROM health_concerns h WHERE h.citizen_id = u.id \
              AND h.state NOT IN ('answered', 'withdrawn')) AS open_concerns, \
           (SELECT COUNT(*) FROM activities a WHERE a.course_id = c.id AND {started}) AS started, \
           (SELECT COUNT(*) FROM activities a WHERE a.course_id = c.id AND a.status <> 'cancelled' \
              AND a.starts_at >= $3 AND a.starts_at < $4) AS today_count, \
           {mood_falling} AS mood_falling, \
           (SELECT r.score FROM who5_responses r WHERE r.citizen_id = u.id AND {who5_shared} \
              ORDER BY r.answered_on DESC, r.created_at DESC LIMIT 1) AS who5_latest, \
           (SELECT r.answered_on FROM who5_responses r WHERE r.citizen_id = u.id AND {who5_shared} \
              ORDER BY r.answered_on DESC, r.created_at DESC LIMIT 1) AS who5_latest_on, \
           (SELECT r.score FROM who5_responses r WHERE r.citizen_id = u.id AND {who5_shared} \
              ORDER BY r.answered_on DESC, r.created_at DESC LIMIT 1 OFFSET 1) AS who5_previous \
         FROM caseload_assignments ca JOIN users u ON u.id = ca.citizen_id \
         LEFT JOIN courses c ON c.id = (SELECT id FROM courses WHERE citizen_id = u.id AND status = 'active' \
           ORDER BY start_date DESC LIMIT 1) \
         WHERE ca.caseworker_id = $1 AND ca.ended_at IS NULL ORDER BY u.display_name",
        started = crate::model::ActivityKind::started_activity_sql("a"),
        mood_falling = MOOD_FALLING_SQL
            .replace("{SHARED}", crate::wellbeing::data::SHARED)
            .replace("{MIN}", &MOOD_MIN_DAYS.to_string()),
        who5_shared = crate::wellbeing::who5::data::SHARED_WHO5,
    );
    let falling = FallingWindows::ending(&today).ok_or(AppError::Internal)?;
    let rows = sqlx::query_as::<_, CaseloadDbRow>(&sql)
        .bind(&viewer.id)
        .bind(now_ms())
        .bind(day_start)
        .bind(day_end)
        .bind(&falling.earlier_from)
        .bind(&falling.recent_from)
        .fetch_all(db.pool())
        .await?;
    let ending_by = add_months(&today, 3).ok_or(AppError::Internal)?;
    let mut all = Vec::with_capacity(rows.len());
    for r in rows {
        let start = r.start_date;
        let planned_end = r.planned_end_date;
        let who5_falling = match (r.who5_latest, r.who5_latest_on, r.who5_previous) {
            (Some(latest), Some(on), Some(previous)) => {
                on >= falling.earlier_from && previous - latest >= WHO5_FALL_POINTS
            }
            _ => false,
        };
        all.push(CaseloadRow {
            id: r.id,
            name: r.display_name,
            course_kind: r.kind.as_deref().and_then(CourseKind::parse),
            next_activity: r
                .next_title
                .zip(r.next_at)
                .map(|(t, at)| format!("{t} · {}", format_ms(at))),
            unread_from_citizen: r.unread,
            open_concerns: r.open_concerns,
            no_activity_started: start.is_some() && r.started == 0,
            six_month_deadline: start
                .as_deref()
                .and_then(|s| add_months(s, 6))
                .map(|d| format_day(&d)),
            ending_soon: planned_end
                .as_deref()
                .is_some_and(|e| e >= today.as_str() && e <= ending_by.as_str()),
            planned_end: planned_end.as_deref().map(format_day),
            activity_today: r.today_count > 0,
            wellbeing_falling: r.mood_falling.0 || who5_falling,
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

/// "Shared wellbeing falling", as the caseworker reads it next to the filter
/// (`caseload.falling_rule`): the mean of the mood the citizen *shared* in
/// the last 14 days (today included) is at least 1 point (of 1 to 5) below
/// the mean of the 14 days before, with at least [`MOOD_MIN_DAYS`] shared days
/// in each; or the newest shared WHO-5 of the last 28 days is at least
/// [`WHO5_FALL_POINTS`] below the shared one before it (10 points on the
/// 0–100 scale is the clinically meaningful change). Unshared entries never
/// count: both read only through the sharing rules the caseworker's own
/// wellbeing view uses.
pub const MOOD_MIN_DAYS: i64 = 3;
pub const WHO5_FALL_POINTS: i64 = 10;

/// One index range per citizen (`wellbeing_entries (citizen_id,
/// entry_date)`), 28 rows at most. Integer arithmetic (mean recent ≤ mean
/// earlier − 1 ⇔ sum_r·n_e ≤ (sum_e − n_e)·n_r), so both databases agree and
/// no fractional type crosses the driver. `$5`: the earlier fortnight's first
/// day, `$6`: the recent fortnight's.
const MOOD_FALLING_SQL: &str = "(SELECT CASE WHEN \
       COUNT(CASE WHEN e.entry_date >= $6 THEN 1 END) >= {MIN} \
       AND COUNT(CASE WHEN e.entry_date < $6 THEN 1 END) >= {MIN} \
       AND SUM(CASE WHEN e.entry_date >= $6 THEN e.mood ELSE 0 END) \
             * COUNT(CASE WHEN e.entry_date < $6 THEN 1 END) \
         <= (SUM(CASE WHEN e.entry_date < $6 THEN e.mood ELSE 0 END) \
             - COUNT(CASE WHEN e.entry_date < $6 THEN 1 END)) \
             * COUNT(CASE WHEN e.entry_date >= $6 THEN 1 END) \
     THEN 1 ELSE 0 END \
     FROM wellbeing_entries e WHERE e.citizen_id = u.id AND e.entry_date >= $5 AND {SHARED})";

/// The two fortnights the mood rule compares, ending today (Copenhagen).
struct FallingWindows {
    /// The first day of the 14 days before the recent ones (today − 27).
    earlier_from: String,
    /// The first day of the last 14 days (today − 13).
    recent_from: String,
}

impl FallingWindows {
    fn ending(today: &str) -> Option<FallingWindows> {
        let today: jiff::civil::Date = today.parse().ok()?;
        let back = |days: i64| {
            today
                .checked_sub(jiff::Span::new().days(days))
                .ok()
                .map(|d| d.to_string())
        };
        Some(FallingWindows {
            earlier_from: back(27)?,
            recent_from: back(13)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    display_name: String,
    email: Option<String>,
    #[sqlx(try_from = "i64")]
    activated: Flag,
    phone: Option<String>,
}

/// The citizen page: everything the caseworker sees of one citizen. The
/// access was made (and the one audit row written) by the caller.
pub async fn citizen_summary(db: &Db, access: &CaseworkerAccess) -> Result<CitizenSummary, AppError> {
    // A 0/1 integer rather than a boolean expression: PostgreSQL would
    // answer `IS NOT NULL` with a boolean, SQLite with an integer.
    let row = sqlx::query_as::<_, SummaryRow>(
        "SELECT display_name, COALESCE(email, pending_email) AS email, \
           CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END AS activated, phone FROM users WHERE id = $1",
    )
    .bind(access.citizen_id())
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    let plan = plan_data::plan(db, access, None).await?;
    Ok(CitizenSummary {
        id: access.citizen_id().to_string(),
        name: row.display_name,
        email: row.email,
        phone: row.phone,
        activated: row.activated.0,
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
