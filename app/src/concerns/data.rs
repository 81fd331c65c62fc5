//! Health concerns in the database. Health data: the citizen sees their own,
//! the assigned coordinator and the citizen's caseworker see the request;
//! every staff read is audited; the administrator sees only that a request
//! waits for a coordinator, never its content.
use super::{
    ConcernEvent, ConcernNews, ConcernView, UnassignedRequest, DESCRIPTION_MAX, PLACE_MAX, REASONS_MAX,
};
use crate::auth::policy::{ensure_role, CitizenAccess, ConcernAccess};
use crate::db::{new_id, Db};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::model::{ConcernOutcome, ConcernState, CurrentUser, Role};
use crate::time::{copenhagen, format_day, format_ms, now_ms};

/// A concern as the citizen's form sends it, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct NewConcern {
    pub description: String,
    pub activity_id: Option<String>,
    pub attach_wellbeing: bool,
}

impl NewConcern {
    pub fn parse(description: &str, activity_id: &str, attach_wellbeing: bool) -> Result<Self, AppError> {
        let text = description.trim();
        if text.is_empty() {
            return Err(AppError::invalid("description", Msg::ConcernTextMissing));
        }
        if text.chars().count() > DESCRIPTION_MAX {
            return Err(AppError::invalid("description", Msg::ConcernTextTooLong));
        }
        let activity = activity_id.trim();
        Ok(NewConcern {
            description: text.to_string(),
            activity_id: (!activity.is_empty()).then(|| activity.to_string()),
            attach_wellbeing,
        })
    }
}

/// One step the coordinator or the citizen takes on a request.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// A step that carries nothing but the new state.
    To(ConcernState),
    Book {
        at: i64,
        place: String,
    },
    Answer {
        outcome: ConcernOutcome,
        reasons: String,
    },
}

impl Step {
    /// A plain step from what a form button sends.
    pub fn parse_plain(raw: &str) -> Result<Step, AppError> {
        match ConcernState::parse(raw.trim()) {
            Some(s @ (ConcernState::Received | ConcernState::BeingAssessed | ConcernState::Withdrawn)) => {
                Ok(Step::To(s))
            }
            _ => Err(AppError::invalid("state", Msg::ConcernStepNotPossible)),
        }
    }

    /// A conversation from the date and time fields (Copenhagen time), which
    /// must lie after `now`, within a year.
    pub fn parse_booking(date: &str, time: &str, place: &str, now: i64) -> Result<Step, AppError> {
        let at = crate::plan::rules::parse_local_time(&format!("{}T{}", date.trim(), time.trim()))
            .ok_or_else(|| AppError::invalid("date", Msg::RequestTimeMissing))?;
        if at <= now {
            return Err(AppError::invalid("date", Msg::RequestTimePast));
        }
        // A typed year 20260 is a mistake, not a booking.
        if at > now + 366 * 24 * 60 * 60 * 1000 {
            return Err(AppError::invalid("date", Msg::RequestTimeTooFar));
        }
        let place = place.trim();
        if place.is_empty() {
            return Err(AppError::invalid("place", Msg::RequestPlaceMissing));
        }
        if place.chars().count() > PLACE_MAX {
            return Err(AppError::invalid("place", Msg::RequestPlaceTooLong));
        }
        Ok(Step::Book {
            at,
            place: place.to_string(),
        })
    }

    /// A conversation on a Saturday or Sunday is asked about once: mostly
    /// it is a slip of the date picker, sometimes it is meant.
    pub fn check_weekend(date: &str, confirmed: bool) -> Result<(), AppError> {
        use jiff::civil::Weekday;
        let weekend = date
            .trim()
            .parse::<jiff::civil::Date>()
            .is_ok_and(|d| matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday));
        if weekend && !confirmed {
            return Err(AppError::invalid("date", Msg::RequestWeekendConfirm));
        }
        Ok(())
    }

    pub fn parse_answer(outcome: Option<&str>, reasons: &str) -> Result<Step, AppError> {
        let outcome = outcome
            .and_then(|o| o.trim().parse().ok())
            .and_then(ConcernOutcome::from_number)
            .ok_or_else(|| AppError::invalid("outcome", Msg::RequestOutcomeMissing))?;
        let reasons = reasons.trim();
        if reasons.is_empty() {
            return Err(AppError::invalid("reasons", Msg::RequestReasonsMissing));
        }
        if reasons.chars().count() > REASONS_MAX {
            return Err(AppError::invalid("reasons", Msg::RequestReasonsTooLong));
        }
        Ok(Step::Answer {
            outcome,
            reasons: reasons.to_string(),
        })
    }

    fn target(&self) -> ConcernState {
        match self {
            Step::To(s) => *s,
            Step::Book { .. } => ConcernState::ConversationBooked,
            Step::Answer { .. } => ConcernState::Answered,
        }
    }

    /// Whether the request already is what this step would make it: a
    /// repeated click or retried post, which must change nothing.
    fn already_done(&self, row: &ConcernRow) -> bool {
        let state = ConcernState::parse(&row.state);
        if state != Some(self.target()) {
            return false;
        }
        match self {
            Step::To(_) => true,
            Step::Book { at, place } => {
                row.conversation_at == Some(*at) && row.conversation_place.as_deref() == Some(place.as_str())
            }
            Step::Answer { outcome, reasons } => {
                row.outcome.as_deref() == Some(outcome.as_str())
                    && row.assessment.as_deref() == Some(reasons.as_str())
            }
        }
    }
}

#[derive(sqlx::FromRow)]
struct ConcernRow {
    id: String,
    citizen_id: String,
    citizen_name: String,
    course_id: String,
    activity_id: Option<String>,
    coordinator_name: Option<String>,
    description: String,
    attach_wellbeing: i64,
    state: String,
    conversation_at: Option<i64>,
    conversation_place: Option<String>,
    outcome: Option<String>,
    assessment: Option<String>,
    created_at: i64,
}

const CONCERN_SELECT: &str =
    "SELECT c.id, c.citizen_id, u.display_name AS citizen_name, c.course_id, c.activity_id, \
       co.display_name AS coordinator_name, c.description, c.attach_wellbeing, c.state, \
       c.conversation_at, c.conversation_place, c.outcome, c.assessment, c.created_at \
     FROM health_concerns c JOIN users u ON u.id = c.citizen_id \
     LEFT JOIN users co ON co.id = c.coordinator_id";

/// Sends a concern: one request, routed to the coordinator of the citizen's
/// region (none yet: the administrator sees it waiting). The key makes a
/// repeated send return the first request instead of making a second.
pub async fn raise(
    db: &Db,
    citizen: &CitizenAccess,
    input: &NewConcern,
    key: &str,
) -> Result<String, AppError> {
    let course = crate::plan::data::active_course(db, citizen)
        .await?
        .ok_or_else(|| AppError::invalid("description", Msg::ConcernNoCourse))?;
    if let Some(activity) = &input.activity_id {
        let own = sqlx::query("SELECT 1 FROM activities WHERE id = $1 AND course_id = $2")
            .bind(activity)
            .bind(&course.id)
            .fetch_optional(db.pool())
            .await?;
        if own.is_none() {
            return Err(AppError::invalid("activity_id", Msg::ConcernActivityUnknown));
        }
    }
    let region: Option<String> = sqlx::query_scalar("SELECT region_id FROM users WHERE id = $1")
        .bind(citizen.citizen_id())
        .fetch_one(db.pool())
        .await?;
    let coordinator: Option<String> = match &region {
        Some(region) => {
            sqlx::query_scalar(
                "SELECT MIN(cr.coordinator_id) FROM coordinator_regions cr \
             JOIN users u ON u.id = cr.coordinator_id \
             WHERE cr.region_id = $1 AND u.role = 'health_coordinator' AND u.disabled_at IS NULL",
            )
            .bind(region)
            .fetch_one(db.pool())
            .await?
        }
        None => None,
    };
    let (id, now) = (new_id(), now_ms());
    let mut tx = db.begin().await?;
    let inserted = sqlx::query(
        "INSERT INTO health_concerns (id, citizen_id, course_id, activity_id, region_id, coordinator_id, \
           description, attach_wellbeing, state, idempotency_key, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'sent', $9, $10, $10) \
         ON CONFLICT (idempotency_key) DO NOTHING",
    )
    .bind(&id)
    .bind(citizen.citizen_id())
    .bind(&course.id)
    .bind(input.activity_id.as_deref())
    .bind(region.as_deref())
    .bind(coordinator.as_deref())
    .bind(&input.description)
    .bind(i64::from(input.attach_wellbeing))
    .bind(key)
    .bind(now)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 1 {
        record_event(&mut tx, &id, ConcernState::Sent, citizen.citizen_id(), now).await?;
        use crate::notifications::{data as push, PushKind};
        if let Some(coordinator) = &coordinator {
            push::enqueue(&mut tx, coordinator, PushKind::NewConcern, &id, now).await?;
        }
        push::enqueue_for_caseworker(&mut tx, citizen, PushKind::NewConcern, &id).await?;
    }
    tx.commit().await?;
    let (first, description): (String, String) = sqlx::query_as(
        "SELECT id, description FROM health_concerns WHERE idempotency_key = $1 AND citizen_id = $2",
    )
    .bind(key)
    .bind(citizen.citizen_id())
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::Internal)?;
    // A used form key with another text: refused (and kept), not lost.
    if inserted == 0 && description != input.description {
        return Err(AppError::invalid("description", Msg::FormKeyReused));
    }
    Ok(first)
}

async fn record_event(
    tx: &mut crate::db::Tx,
    concern_id: &str,
    state: ConcernState,
    actor_id: &str,
    at: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO health_concern_events (id, concern_id, state, actor_id, at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(new_id())
    .bind(concern_id)
    .bind(state.as_str())
    .bind(actor_id)
    .bind(at)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn row(db: &Db, concern_id: &str) -> Result<ConcernRow, AppError> {
    sqlx::query_as::<_, ConcernRow>(&format!("{CONCERN_SELECT} WHERE c.id = $1"))
        .bind(concern_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(AppError::NotFound)
}

/// One request (the access comes from `policy::concern`, which audited a staff read).
pub async fn concern(db: &Db, access: &ConcernAccess) -> Result<ConcernView, AppError> {
    let row = row(db, access.concern_id()).await?;
    view(db, row).await
}

/// A citizen's requests, newest first: for the citizen, or for their
/// caseworker (on the citizen page, whose one audit row covers them).
pub async fn for_citizen(db: &Db, access: &CitizenAccess) -> Result<Vec<ConcernView>, AppError> {
    let rows = sqlx::query_as::<_, ConcernRow>(&format!(
        "{CONCERN_SELECT} WHERE c.citizen_id = $1 ORDER BY c.created_at DESC"
    ))
    .bind(access.citizen_id())
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        out.push(view(db, r).await?);
    }
    Ok(out)
}

/// How long an answer stays news on the overview.
pub const ANSWER_NEWS_MS: i64 = 30 * 24 * 60 * 60 * 1000;

const NEWS_SELECT: &str = "SELECT c.id, c.state, a.title, c.conversation_at FROM health_concerns c \
     LEFT JOIN activities a ON a.id = c.activity_id";

#[derive(sqlx::FromRow)]
struct NewsRow {
    id: String,
    state: String,
    title: Option<String>,
    conversation_at: Option<i64>,
}

fn news_row(r: NewsRow) -> Result<ConcernNews, AppError> {
    Ok(ConcernNews {
        id: r.id,
        state: ConcernState::parse(&r.state).ok_or(AppError::Internal)?,
        activity_title: r.title,
        conversation_at: r.conversation_at.map(format_ms),
    })
}

/// The citizen's requests that moved on: a conversation booked, or an
/// answer given since `answered_since`. Newest first, at most three.
pub async fn news(
    db: &Db,
    access: &CitizenAccess,
    answered_since: i64,
) -> Result<Vec<ConcernNews>, AppError> {
    let rows = sqlx::query_as::<_, NewsRow>(&format!(
        "{NEWS_SELECT} WHERE c.citizen_id = $1 AND (c.state = 'conversation_booked' \
         OR (c.state = 'answered' AND c.updated_at >= $2)) ORDER BY c.updated_at DESC LIMIT 3"
    ))
    .bind(access.citizen_id())
    .bind(answered_since)
    .fetch_all(db.pool())
    .await?;
    rows.into_iter().map(news_row).collect()
}

/// The newest request about an activity, unless it was withdrawn.
pub async fn latest_for_activity(
    db: &Db,
    access: &CitizenAccess,
    activity_id: &str,
) -> Result<Option<ConcernNews>, AppError> {
    let row = sqlx::query_as::<_, NewsRow>(&format!(
        "{NEWS_SELECT} WHERE c.citizen_id = $1 AND c.activity_id = $2 \
         ORDER BY c.created_at DESC LIMIT 1"
    ))
    .bind(access.citizen_id())
    .bind(activity_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row
        .map(news_row)
        .transpose()?
        .filter(|n| n.state != ConcernState::Withdrawn))
}

#[derive(sqlx::FromRow)]
struct EventRow {
    state: String,
    at: i64,
}

async fn view(db: &Db, row: ConcernRow) -> Result<ConcernView, AppError> {
    let state = ConcernState::parse(&row.state).ok_or(AppError::Internal)?;
    let rows = sqlx::query_as::<_, EventRow>(
        "SELECT state, at FROM health_concern_events WHERE concern_id = $1 ORDER BY at, id",
    )
    .bind(&row.id)
    .fetch_all(db.pool())
    .await?;
    let mut events = Vec::with_capacity(rows.len());
    // The next step is due a few working days after this state began (a
    // booked conversation: after the conversation).
    let mut since = None;
    for r in rows {
        events.push(ConcernEvent {
            state: ConcernState::parse(&r.state).ok_or(AppError::Internal)?,
            when: format_ms(r.at),
        });
        since = Some(r.at);
    }
    let from = match state {
        ConcernState::ConversationBooked => row.conversation_at,
        _ => since,
    };
    let expected_by = match (state.working_days_to_next_step(), from) {
        (Some(days), Some(from)) => add_working_days(from, days),
        _ => None,
    };
    let activity = match &row.activity_id {
        Some(id) => crate::plan::data::activity_by_id(db, id).await?,
        None => None,
    };
    Ok(ConcernView {
        id: row.id,
        course_id: row.course_id,
        citizen_id: row.citizen_id,
        citizen_name: row.citizen_name,
        state,
        sent: format_ms(row.created_at),
        description: row.description,
        activity,
        attach_wellbeing: row.attach_wellbeing != 0,
        coordinator_name: row.coordinator_name,
        conversation_at: row.conversation_at.map(format_ms),
        conversation_place: row.conversation_place,
        outcome: row.outcome.as_deref().and_then(ConcernOutcome::parse),
        assessment: row.assessment,
        events,
        expected_by,
    })
}

/// The Copenhagen date `days` working days (Monday to Friday) after `ms`.
/// Public holidays are not counted out: the date is a promise kept early.
pub fn add_working_days(ms: i64, days: i64) -> Option<String> {
    use jiff::civil::Weekday;
    let mut date = jiff::Timestamp::from_millisecond(ms)
        .ok()?
        .to_zoned(copenhagen())
        .date();
    let mut left = days;
    while left > 0 {
        date = date.tomorrow().ok()?;
        if !matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) {
            left -= 1;
        }
    }
    Some(format_day(&date.to_string()))
}

/// Moves a request one legal step. A repeat of the step just taken changes
/// nothing; a step that is not legal from the current state (or for this
/// person) is refused and changes nothing.
/// The access comes from `policy::act_on_concern`: only the citizen and the
/// assigned coordinator act on a request.
pub async fn take_step(db: &Db, access: &ConcernAccess, step: &Step) -> Result<(), AppError> {
    let (viewer, concern_id) = (access.viewer(), access.concern_id());
    let current = row(db, concern_id).await?;
    if step.already_done(&current) {
        return Ok(());
    }
    let from = ConcernState::parse(&current.state).ok_or(AppError::Internal)?;
    let to = step.target();
    if !from.can_move_to(to, viewer.role) {
        return Err(AppError::invalid("state", Msg::ConcernStepNotPossible));
    }
    let (at, place, outcome, reasons) = match step {
        Step::To(_) => (None, None, None, None),
        Step::Book { at, place } => (Some(*at), Some(place.as_str()), None, None),
        Step::Answer { outcome, reasons } => (None, None, Some(outcome.as_str()), Some(reasons.as_str())),
    };
    let now = now_ms();
    let mut tx = db.begin().await?;
    // Guarded by the state read above: of two people acting at once, one wins.
    let moved = sqlx::query(
        "UPDATE health_concerns SET state = $1, updated_at = $2, \
           conversation_at = COALESCE($3, conversation_at), conversation_place = COALESCE($4, conversation_place), \
           outcome = COALESCE($5, outcome), assessment = COALESCE($6, assessment) \
         WHERE id = $7 AND state = $8",
    )
    .bind(to.as_str())
    .bind(now)
    .bind(at)
    .bind(place)
    .bind(outcome)
    .bind(reasons)
    .bind(concern_id)
    .bind(from.as_str())
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved == 1 {
        record_event(&mut tx, concern_id, to, &viewer.id, now).await?;
        if to == ConcernState::Answered {
            use crate::notifications::{data as push, PushKind};
            push::enqueue(
                &mut tx,
                &current.citizen_id,
                PushKind::ConcernAnswered,
                concern_id,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        return Ok(());
    }
    tx.rollback().await?;
    // Someone moved it meanwhile: fine if it is now what this step wanted.
    if step.already_done(&row(db, concern_id).await?) {
        Ok(())
    } else {
        Err(AppError::invalid("state", Msg::ConcernStepNotPossible))
    }
}

#[derive(sqlx::FromRow)]
struct UnassignedRow {
    id: String,
    created_at: i64,
    name: Option<String>,
}

/// Open requests no coordinator covers: when and from where, nothing more.
pub async fn unassigned(db: &Db, viewer: &CurrentUser) -> Result<Vec<UnassignedRequest>, AppError> {
    ensure_role(viewer, Role::Administrator)?;
    let now = now_ms();
    Ok(sqlx::query_as::<_, UnassignedRow>(
        "SELECT c.id, c.created_at, r.name FROM health_concerns c LEFT JOIN regions r ON r.id = c.region_id \
         WHERE c.coordinator_id IS NULL AND c.state NOT IN ('answered', 'withdrawn') ORDER BY c.created_at",
    )
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| UnassignedRequest {
        id: r.id,
        sent: format_ms(r.created_at),
        days_waiting: (now - r.created_at) / 86_400_000,
        region: r.name,
    })
    .collect())
}

#[derive(sqlx::FromRow)]
struct CoordinatorRow {
    id: String,
    display_name: String,
}

/// Health coordinators who can take a request, by name.
pub async fn coordinators(db: &Db) -> Result<Vec<(String, String)>, AppError> {
    Ok(sqlx::query_as::<_, CoordinatorRow>(
        "SELECT id, display_name FROM users WHERE role = 'health_coordinator' AND disabled_at IS NULL \
         ORDER BY display_name",
    )
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| (r.id, r.display_name))
    .collect())
}

/// The administrator gives a waiting request to a coordinator.
pub async fn assign(
    db: &Db,
    viewer: &CurrentUser,
    concern_id: &str,
    coordinator_id: &str,
) -> Result<(), AppError> {
    ensure_role(viewer, Role::Administrator)?;
    let known = coordinators(db).await?.iter().any(|(id, _)| id == coordinator_id);
    if !known {
        return Err(AppError::invalid("coordinator", Msg::AdminCoordinatorUnknown));
    }
    let done = sqlx::query(
        "UPDATE health_concerns SET coordinator_id = $1, updated_at = $2 WHERE id = $3 AND coordinator_id IS NULL",
    )
    .bind(coordinator_id)
    .bind(now_ms())
    .bind(concern_id)
    .execute(db.pool())
    .await?;
    if done.rows_affected() == 0 {
        // Already assigned (a repeated click) or no such request.
        let assigned = sqlx::query("SELECT 1 FROM health_concerns WHERE id = $1 AND coordinator_id = $2")
            .bind(concern_id)
            .bind(coordinator_id)
            .fetch_optional(db.pool())
            .await?;
        return assigned.map(|_| ()).ok_or(AppError::NotFound);
    }
    let mut conn = db.pool().acquire().await?;
    use crate::notifications::{data as push, PushKind};
    push::enqueue(
        &mut conn,
        coordinator_id,
        PushKind::NewConcern,
        concern_id,
        now_ms(),
    )
    .await
}
