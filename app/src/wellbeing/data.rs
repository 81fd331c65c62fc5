//! The wellbeing log in the database. Health data: the citizen reads and
//! writes their own; a caseworker reads only what is shared, and every such
//! read is audited.
use super::{CheckIn, Day, SharePeriod, SharedTrend};
use crate::auth::policy::{Access, CaseworkerAccess, CitizenAccess, ConcernAccess};
use crate::db::{new_id, Db, Flag};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::time::{format_date, now_ms, today};

pub const NOTE_MAX: usize = 500;

/// A check-in as the form sends it: each scale must be answered, 1 to 5.
pub fn parse_check_in(
    mood: Option<&str>,
    energy: Option<&str>,
    pain: Option<&str>,
    sleep: Option<&str>,
    note: &str,
    activity_id: &str,
    share: bool,
) -> Result<CheckIn, AppError> {
    let scale = |field: &str, raw: Option<&str>| match raw.unwrap_or_default().trim().parse::<i64>() {
        Ok(v) if (1..=5).contains(&v) => Ok(v),
        _ => Err(AppError::invalid(field, Msg::WellbeingAnswerMissing)),
    };
    Ok(CheckIn {
        mood: scale("mood", mood)?,
        energy: scale("energy", energy)?,
        pain: scale("pain", pain)?,
        sleep: scale("sleep", sleep)?,
        note: crate::forms::optional_text("note", note, NOTE_MAX)?,
        activity_id: Some(activity_id.trim())
            .filter(|a| !a.is_empty())
            .map(str::to_string),
        share,
    })
}

/// Saves today's check-in; a second one the same day replaces the first. The
/// key makes a repeated send harmless. Returns whether the answers are very low.
pub async fn log(db: &Db, citizen: &CitizenAccess, input: &CheckIn, key: &str) -> Result<bool, AppError> {
    log_on(db, citizen, input, key, &today()).await
}

/// The day an entry belongs to, in Copenhagen: the day it was written (an
/// entry sent later from the offline queue carries that instant, in epoch
/// milliseconds), if that is within the past year and not in the future;
/// otherwise today.
pub fn entry_day(written_at: Option<&str>) -> String {
    let now = jiff::Timestamp::now();
    let year_ago = now.as_millisecond() - 366 * 24 * 60 * 60 * 1000;
    // A phone's clock a few minutes fast is still "now".
    let slack = 10 * 60 * 1000;
    written_at
        .and_then(|ms| ms.trim().parse::<i64>().ok())
        .filter(|ms| (year_ago..=now.as_millisecond() + slack).contains(ms))
        .and_then(|ms| jiff::Timestamp::from_millisecond(ms.min(now.as_millisecond())).ok())
        .unwrap_or(now)
        .to_zoned(crate::time::copenhagen())
        .date()
        .to_string()
}

/// Stores `input` as the entry of `date` (one a day: a second one replaces it).
pub async fn log_on(
    db: &Db,
    citizen: &CitizenAccess,
    input: &CheckIn,
    key: &str,
    date: &str,
) -> Result<bool, AppError> {
    if let Some(activity) = &input.activity_id {
        let own = sqlx::query(
            "SELECT 1 FROM activities a JOIN courses c ON c.id = a.course_id WHERE a.id = $1 AND c.citizen_id = $2",
        )
        .bind(activity)
        .bind(citizen.citizen_id())
        .fetch_optional(db.pool())
        .await?;
        if own.is_none() {
            return Err(AppError::invalid("activity_id", Msg::WellbeingActivityUnknown));
        }
    }
    let now = now_ms();
    let mut tx = db.begin().await?;
    keep_seen_version(&mut tx, citizen, date, input, now).await?;
    sqlx::query(
        "INSERT INTO wellbeing_entries (id, citizen_id, entry_date, mood, energy, pain, sleep, note, activity_id, \
           shared, idempotency_key, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) \
         ON CONFLICT (citizen_id, entry_date) DO UPDATE SET mood = excluded.mood, energy = excluded.energy, \
           pain = excluded.pain, sleep = excluded.sleep, note = excluded.note, activity_id = excluded.activity_id, \
           shared = excluded.shared, updated_at = excluded.updated_at",
    )
    .bind(new_id())
    .bind(citizen.citizen_id())
    .bind(date)
    .bind(input.mood)
    .bind(input.energy)
    .bind(input.pain)
    .bind(input.sleep)
    .bind(input.note.as_deref())
    .bind(input.activity_id.as_deref())
    .bind(i64::from(input.share))
    // One key a form a day: a form sent again after midnight is a new day's entry.
    .bind(format!("{key}-{date}"))
    .bind(now)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(input.is_very_low())
}

#[derive(sqlx::FromRow)]
struct SeenEntryRow {
    mood: i64,
    energy: i64,
    pain: i64,
    sleep: i64,
    note: Option<String>,
    activity_id: Option<String>,
    updated_at: i64,
    /// A boolean expression is a boolean on PostgreSQL and 0/1 on SQLite: the
    /// query turns it into 0/1 (CASE) so both read as a Flag.
    #[sqlx(try_from = "i64")]
    visible: Flag,
}

/// Before a day's entry is written over: if the caseworker could see it and
/// the answers change, the version they could see is kept (in the caller's
/// transaction), so they are shown that the citizen changed it. A repeated
/// send of the same answers changes nothing and keeps nothing.
async fn keep_seen_version(
    conn: &mut sqlx::AnyConnection,
    citizen: &CitizenAccess,
    date: &str,
    input: &CheckIn,
    now: i64,
) -> Result<(), AppError> {
    let row = sqlx::query_as::<_, SeenEntryRow>(&format!(
        "SELECT e.mood, e.energy, e.pain, e.sleep, e.note, e.activity_id, e.updated_at, \
           CASE WHEN {SHARED} THEN 1 ELSE 0 END AS visible \
         FROM wellbeing_entries e WHERE e.citizen_id = $1 AND e.entry_date = $2"
    ))
    .bind(citizen.citizen_id())
    .bind(date)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(());
    };
    let before = (
        row.mood,
        row.energy,
        row.pain,
        row.sleep,
        row.note,
        row.activity_id,
    );
    let after = (
        input.mood,
        input.energy,
        input.pain,
        input.sleep,
        input.note.clone(),
        input.activity_id.clone(),
    );
    if !row.visible.0 || before == after {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO wellbeing_entry_versions (id, citizen_id, entry_date, mood, energy, pain, sleep, note, \
           activity_id, written_at, replaced_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .bind(new_id())
    .bind(citizen.citizen_id())
    .bind(date)
    .bind(before.0)
    .bind(before.1)
    .bind(before.2)
    .bind(before.3)
    .bind(before.4)
    .bind(before.5)
    .bind(row.updated_at)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    mood: i64,
    energy: i64,
    pain: i64,
    sleep: i64,
    note: Option<String>,
    activity_id: Option<String>,
    #[sqlx(try_from = "i64")]
    shared: Flag,
}

/// Today's check-in, to fill the form with.
pub async fn today_entry(db: &Db, citizen: &CitizenAccess) -> Result<Option<CheckIn>, AppError> {
    let row = sqlx::query_as::<_, EntryRow>(
        "SELECT mood, energy, pain, sleep, note, activity_id, shared FROM wellbeing_entries \
         WHERE citizen_id = $1 AND entry_date = $2",
    )
    .bind(citizen.citizen_id())
    .bind(today())
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(|r| CheckIn {
        mood: r.mood,
        energy: r.energy,
        pain: r.pain,
        sleep: r.sleep,
        note: r.note,
        activity_id: r.activity_id,
        share: r.shared.0,
    }))
}

#[derive(sqlx::FromRow)]
struct ActivityChoiceRow {
    id: String,
    title: String,
}

/// Activities the citizen may tie today's check-in to: the last week's and today's.
pub async fn recent_activities(db: &Db, citizen: &CitizenAccess) -> Result<Vec<(String, String)>, AppError> {
    let day = 24 * 3_600_000;
    let rows = sqlx::query_as::<_, ActivityChoiceRow>(
        "SELECT a.id, a.title FROM activities a JOIN courses c ON c.id = a.course_id \
         WHERE c.citizen_id = $1 AND c.status = 'active' AND a.status <> 'cancelled' \
           AND a.starts_at BETWEEN $2 AND $3 ORDER BY a.starts_at DESC",
    )
    .bind(citizen.citizen_id())
    .bind(now_ms() - 7 * day)
    .bind(now_ms() + day)
    .fetch_all(db.pool())
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.title)).collect())
}

/// SQL: the entry `e` is shared, on its own or by a period not withdrawn.
pub(crate) const SHARED: &str = "(e.shared = 1 OR EXISTS (SELECT 1 FROM wellbeing_share_periods p \
     WHERE p.citizen_id = e.citizen_id AND p.withdrawn_at IS NULL \
     AND e.entry_date BETWEEN p.starts_on AND p.ends_on))";

#[derive(sqlx::FromRow)]
struct DayRow {
    entry_date: String,
    mood: i64,
    energy: i64,
    pain: i64,
    sleep: i64,
    #[sqlx(try_from = "i64")]
    shared: Flag,
    /// 0/1 through CASE, as in `SeenEntryRow`.
    #[sqlx(try_from = "i64")]
    visible: Flag,
    changed_at: Option<i64>,
}

async fn days(db: &Db, citizen: &impl Access, days: i64, only_shared: bool) -> Result<Vec<Day>, AppError> {
    let today = crate::plan::rules::parse_date(&today()).ok_or(AppError::Internal)?;
    let from = today
        .checked_sub(jiff::Span::new().days(days - 1))
        .map_err(|_| AppError::Internal)?
        .to_string();
    let filter = if only_shared {
        format!("AND {SHARED}")
    } else {
        String::new()
    };
    let rows = sqlx::query_as::<_, DayRow>(&format!(
        "SELECT e.entry_date, e.mood, e.energy, e.pain, e.sleep, e.shared, \
           CASE WHEN {SHARED} THEN 1 ELSE 0 END AS visible, \
           (SELECT MAX(v.replaced_at) FROM wellbeing_entry_versions v \
             WHERE v.citizen_id = e.citizen_id AND v.entry_date = e.entry_date) AS changed_at \
         FROM wellbeing_entries e WHERE e.citizen_id = $1 AND e.entry_date >= $2 {filter} \
         ORDER BY e.entry_date"
    ))
    .bind(citizen.citizen_id())
    .bind(&from)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let days_ago = crate::plan::rules::parse_date(&r.entry_date)
                .map(|d| i64::from((today - d).get_days()))
                .unwrap_or(i64::MAX);
            Day {
                date: format_date(&r.entry_date),
                days_ago,
                iso: r.entry_date,
                mood: r.mood,
                energy: r.energy,
                pain: r.pain,
                sleep: r.sleep,
                shared: r.shared.0,
                visible_to_caseworker: r.visible.0,
                changed_on: r.changed_at.map(crate::time::format_ms),
            }
        })
        .collect())
}

/// The citizen's own log for the last `n` days, oldest first.
pub async fn history(db: &Db, citizen: &CitizenAccess, n: i64) -> Result<Vec<Day>, AppError> {
    days(db, citizen, n, false).await
}

/// Shares or stops sharing one day's entry.
pub async fn set_shared(db: &Db, citizen: &CitizenAccess, date: &str, shared: bool) -> Result<(), AppError> {
    let done = sqlx::query(
        "UPDATE wellbeing_entries SET shared = $1, updated_at = $2 WHERE citizen_id = $3 AND entry_date = $4",
    )
    .bind(i64::from(shared))
    .bind(now_ms())
    .bind(citizen.citizen_id())
    .bind(date)
    .execute(db.pool())
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// Shares every entry from today for `weeks` weeks.
pub async fn share_period(db: &Db, citizen: &CitizenAccess, weeks: i64) -> Result<(), AppError> {
    if !(1..=12).contains(&weeks) {
        return Err(AppError::invalid("weeks", Msg::WellbeingWeeksInvalid));
    }
    let start = crate::plan::rules::parse_date(&today()).ok_or(AppError::Internal)?;
    let end = start
        .checked_add(jiff::Span::new().days(weeks * 7 - 1))
        .map_err(|_| AppError::Internal)?;
    sqlx::query(
        "INSERT INTO wellbeing_share_periods (id, citizen_id, starts_on, ends_on, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(new_id())
    .bind(citizen.citizen_id())
    .bind(start.to_string())
    .bind(end.to_string())
    .bind(now_ms())
    .execute(db.pool())
    .await?;
    Ok(())
}

/// Ends a sharing period; what it shared is no longer shown to the caseworker.
pub async fn withdraw_period(db: &Db, citizen: &CitizenAccess, period_id: &str) -> Result<(), AppError> {
    let done = sqlx::query(
        "UPDATE wellbeing_share_periods SET withdrawn_at = $1 WHERE id = $2 AND citizen_id = $3 AND withdrawn_at IS NULL",
    )
    .bind(now_ms())
    .bind(period_id)
    .bind(citizen.citizen_id())
    .execute(db.pool())
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct PeriodRow {
    id: String,
    starts_on: String,
    ends_on: String,
}

/// Sharing periods not withdrawn and not yet over.
pub async fn periods(db: &Db, citizen: &CitizenAccess) -> Result<Vec<SharePeriod>, AppError> {
    let rows = sqlx::query_as::<_, PeriodRow>(
        "SELECT id, starts_on, ends_on FROM wellbeing_share_periods \
         WHERE citizen_id = $1 AND withdrawn_at IS NULL AND ends_on >= $2 ORDER BY starts_on",
    )
    .bind(citizen.citizen_id())
    .bind(today())
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| SharePeriod {
            id: r.id,
            from: format_date(&r.starts_on),
            to: format_date(&r.ends_on),
        })
        .collect())
}

/// What the citizen attached to their request: the shared days of the last
/// 90, for the request's coordinator (the access audited the read).
pub(crate) async fn request_days(db: &Db, request: &ConcernAccess) -> Result<Vec<Day>, AppError> {
    days(db, request, 90, true).await
}

/// What the citizen shared of the last 90 days, for their caseworker (the
/// access audited the read).
pub async fn shared_trend(db: &Db, access: &CaseworkerAccess) -> Result<SharedTrend, AppError> {
    Ok(SharedTrend {
        days: days(db, access, 90, true).await?,
        who5: super::who5::data::shared(db, access).await?,
    })
}
