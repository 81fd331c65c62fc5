//! Reading courses, goals and activities.
use super::{
    ActivityDetail, ActivityView, CourseView, GoalView, Marker, Overview, PaidWeek, PlanView, RatingView,
    Timeline,
};
use crate::auth::policy::CitizenAccess;
use crate::db::{Db, Flag};
use crate::error::AppError;
use crate::model::{ActivityKind, ActivityStatus, CourseKind};
use crate::time::{add_months, format_date, format_day, format_ms, now_ms, today};

#[derive(sqlx::FromRow)]
pub(crate) struct CourseRow {
    pub id: String,
    pub kind: String,
    pub start_date: String,
    pub planned_end_date: String,
    pub main_goal: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ActivityRow {
    id: String,
    kind: String,
    status: String,
    title: String,
    purpose: Option<String>,
    place: Option<String>,
    contact_name: Option<String>,
    starts_at: i64,
    ends_at: Option<i64>,
    hours_per_week: Option<i64>,
    created_at: i64,
    updated_at: i64,
    updated_by: Option<String>,
    awaiting: i64,
}

/// When the viewer last saw the plan, and who they are: what "new" and
/// "changed" are measured against. Their own changes are not news to them.
#[derive(Clone, Copy)]
pub struct LastVisit<'a> {
    pub seen_at: i64,
    pub viewer_id: &'a str,
}

impl LastVisit<'_> {
    fn marker(&self, created_at: i64, updated_at: i64, updated_by: Option<&str>) -> Option<Marker> {
        if updated_by == Some(self.viewer_id) {
            None
        } else if created_at > self.seen_at {
            Some(Marker::New)
        } else if updated_at > self.seen_at {
            Some(Marker::Changed)
        } else {
            None
        }
    }
}

/// The citizen's (`$1`) active course, the newest if there were ever two:
/// one definition for `active_course` and the overview's one-row query.
const ACTIVE_COURSE_SQL: &str = "SELECT id, kind, start_date, planned_end_date, main_goal FROM courses \
     WHERE citizen_id = $1 AND status = 'active' ORDER BY start_date DESC LIMIT 1";

pub(crate) async fn active_course(db: &Db, access: &CitizenAccess) -> Result<Option<CourseRow>, AppError> {
    Ok(sqlx::query_as::<_, CourseRow>(ACTIVE_COURSE_SQL)
        .bind(access.citizen_id())
        .fetch_optional(db.pool())
        .await?)
}

fn course_view(c: &CourseRow, started_activity: bool) -> Option<CourseView> {
    let kind = CourseKind::parse(&c.kind)?;
    Some(CourseView {
        kind,
        start: format_day(&c.start_date),
        planned_end: format_day(&c.planned_end_date),
        six_month_right: add_months(&c.start_date, 6)
            .map(|d| format_day(&d))
            .unwrap_or_default(),
        limit: add_months(&c.start_date, kind.max_months())
            .map(|d| format_day(&d))
            .unwrap_or_default(),
        started_activity,
        main_goal: c.main_goal.clone(),
        timeline: timeline(&c.start_date, &c.planned_end_date, kind, &today()).unwrap_or_default(),
    })
}

/// Places the six-month right, the planned end and today on the span from
/// the start to the kind's limit (or the planned end, if that is later).
pub fn timeline(start: &str, planned_end: &str, kind: CourseKind, today: &str) -> Option<Timeline> {
    use jiff::civil::Date;
    let day = |s: &str| s.parse::<Date>().ok();
    let (start_d, end_d, today_d) = (day(start)?, day(planned_end)?, day(today)?);
    let six = day(&add_months(start, 6)?)?;
    let limit = day(&add_months(start, kind.max_months())?)?.max(end_d);
    let span = (limit - start_d).get_days().max(1) as f64;
    let at = |d: Date| ((d - start_d).get_days() as f64 / span * 100.0).clamp(0.0, 100.0);
    Some(Timeline {
        six_month_right: at(six),
        planned_end: at(end_d),
        today: at(today_d),
        today_label: format_date(today),
    })
}

fn activity_view(a: ActivityRow) -> Option<ActivityView> {
    Some(ActivityView {
        kind: ActivityKind::parse(&a.kind)?,
        status: ActivityStatus::parse(&a.status)?,
        when: format_ms(a.starts_at),
        until: a.ends_at.map(format_ms),
        id: a.id,
        title: a.title,
        purpose: a.purpose,
        place: a.place,
        contact: a.contact_name,
        hours_per_week: a.hours_per_week,
        marker: None,
        awaiting_assessment: a.awaiting > 0,
    })
}

const ACTIVITY_COLUMNS: &str =
    "a.id, a.kind, a.status, a.title, a.purpose, a.place, a.contact_name, a.starts_at, \
     a.ends_at, a.hours_per_week, a.created_at, a.updated_at, a.updated_by, \
     (SELECT COUNT(*) FROM health_concerns h WHERE h.activity_id = a.id \
       AND h.state NOT IN ('answered', 'withdrawn')) AS awaiting";

async fn activities(db: &Db, course_id: &str) -> Result<Vec<ActivityRow>, AppError> {
    Ok(sqlx::query_as::<_, ActivityRow>(&format!(
        "SELECT {ACTIVITY_COLUMNS} FROM activities a WHERE a.course_id = $1 ORDER BY a.starts_at"
    ))
    .bind(course_id)
    .fetch_all(db.pool())
    .await?)
}

/// One activity as the plan shows it; the caller has checked who may see it.
pub(crate) async fn activity_by_id(db: &Db, activity_id: &str) -> Result<Option<ActivityView>, AppError> {
    let row = sqlx::query_as::<_, ActivityRow>(&format!(
        "SELECT {ACTIVITY_COLUMNS} FROM activities a WHERE a.id = $1"
    ))
    .bind(activity_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.and_then(activity_view))
}

/// The course a request or page is about, in words; the caller has checked access.
pub(crate) async fn course_by_id(db: &Db, course_id: &str) -> Result<Option<CourseView>, AppError> {
    let course = sqlx::query_as::<_, CourseRow>(
        "SELECT id, kind, start_date, planned_end_date, main_goal FROM courses WHERE id = $1",
    )
    .bind(course_id)
    .fetch_optional(db.pool())
    .await?;
    match course {
        Some(c) => {
            let started = started_an_activity(db, &c.id).await?;
            Ok(course_view(&c, started))
        }
        None => Ok(None),
    }
}

/// Whether an activity has started in the course: what the 6-month right asks.
async fn started_an_activity(db: &Db, course_id: &str) -> Result<bool, AppError> {
    Ok(sqlx::query(&format!(
        "SELECT 1 FROM activities a WHERE a.course_id = $1 AND {} LIMIT 1",
        ActivityKind::started_activity_sql("a")
    ))
    .bind(course_id)
    .fetch_optional(db.pool())
    .await?
    .is_some())
}

/// The next activity that has not yet happened, and when it starts.
pub async fn next_activity(db: &Db, access: &CitizenAccess) -> Result<Option<(ActivityView, i64)>, AppError> {
    let row = sqlx::query_as::<_, ActivityRow>(&format!(
        "SELECT {ACTIVITY_COLUMNS} FROM activities a JOIN courses c ON c.id = a.course_id \
         WHERE c.citizen_id = $1 AND c.status = 'active' AND a.starts_at >= $2 \
         AND a.status IN ('planned', 'ongoing') ORDER BY a.starts_at LIMIT 1"
    ))
    .bind(access.citizen_id())
    .bind(now_ms())
    .fetch_optional(db.pool())
    .await?;
    Ok(row.and_then(|r| {
        let starts = r.starts_at;
        Some((activity_view(r)?, starts))
    }))
}

/// What the overview needs beside its lists, in one row (one query, not
/// five: the overview is the page asked for most). A citizen without an
/// active course still gets the row, with the course's columns empty.
#[derive(sqlx::FromRow)]
struct OverviewFacts {
    course_id: Option<String>,
    kind: Option<String>,
    start_date: Option<String>,
    planned_end_date: Option<String>,
    main_goal: Option<String>,
    #[sqlx(try_from = "i64")]
    started: Flag,
    #[sqlx(try_from = "i64")]
    logged_today: Flag,
    open_concerns: i64,
}

impl OverviewFacts {
    fn course(&self) -> Option<CourseRow> {
        Some(CourseRow {
            id: self.course_id.clone()?,
            kind: self.kind.clone()?,
            start_date: self.start_date.clone()?,
            planned_end_date: self.planned_end_date.clone()?,
            main_goal: self.main_goal.clone(),
        })
    }
}

/// The citizen's overview: the facts, the next activity and the news of a
/// request (three queries; the unread count came with the session).
pub async fn overview(db: &Db, access: &CitizenAccess) -> Result<Overview, AppError> {
    let facts = sqlx::query_as::<_, OverviewFacts>(&format!(
        "SELECT c.id AS course_id, c.kind, c.start_date, c.planned_end_date, c.main_goal, \
         CASE WHEN EXISTS (SELECT 1 FROM activities a WHERE a.course_id = c.id AND {started}) \
           THEN 1 ELSE 0 END AS started, \
         CASE WHEN EXISTS (SELECT 1 FROM wellbeing_entries w WHERE w.citizen_id = $1 AND w.entry_date = $2) \
           THEN 1 ELSE 0 END AS logged_today, \
         (SELECT COUNT(*) FROM health_concerns h WHERE h.citizen_id = $1 \
           AND h.state NOT IN ('answered', 'withdrawn')) AS open_concerns \
         FROM (SELECT 1 AS one) o LEFT JOIN ({ACTIVE_COURSE_SQL}) c ON 1 = 1",
        started = ActivityKind::started_activity_sql("a")
    ))
    .bind(access.citizen_id())
    .bind(today())
    .fetch_one(db.pool())
    .await?;
    let next = next_activity(db, access).await?;
    let answered_since = now_ms() - crate::concerns::data::ANSWER_NEWS_MS;
    Ok(Overview {
        name: access.viewer().name.clone(),
        course: facts.course().and_then(|c| course_view(&c, facts.started.0)),
        next_in_days: next
            .as_ref()
            .and_then(|(_, starts)| crate::time::days_from_today(*starts)),
        next_activity: next.map(|(a, _)| a),
        concern_news: crate::concerns::data::news(db, access, answered_since).await?,
        // Counted when the session was looked up, in this same request.
        unread_messages: access.viewer().unread_messages,
        open_concerns: facts.open_concerns,
        logged_today: facts.logged_today.0,
    })
}

/// The citizen's plan. With `visit`, items changed by others since then are marked.
pub async fn plan(
    db: &Db,
    access: &CitizenAccess,
    visit: Option<LastVisit<'_>>,
) -> Result<PlanView, AppError> {
    match active_course(db, access).await? {
        Some(course) => course_plan(db, &course, visit).await,
        None => Ok(PlanView::default()),
    }
}

#[derive(sqlx::FromRow)]
struct GoalRow {
    id: String,
    title: String,
    description: Option<String>,
    created_at: i64,
    updated_at: i64,
    updated_by: Option<String>,
}

async fn course_plan(
    db: &Db,
    course: &CourseRow,
    visit: Option<LastVisit<'_>>,
) -> Result<PlanView, AppError> {
    let goal_rows = sqlx::query_as::<_, GoalRow>(
        "SELECT id, title, description, created_at, updated_at, updated_by FROM goals \
         WHERE course_id = $1 ORDER BY position",
    )
    .bind(&course.id)
    .fetch_all(db.pool())
    .await?;
    let mut goals = Vec::with_capacity(goal_rows.len());
    for r in goal_rows {
        goals.push(GoalView {
            marker: visit.and_then(|v| v.marker(r.created_at, r.updated_at, r.updated_by.as_deref())),
            ratings: goal_ratings(db, &r.id).await?,
            title: r.title,
            description: r.description,
            id: r.id,
        });
    }
    let rows = activities(db, &course.id).await?;
    let started = started_an_activity(db, &course.id).await?;
    let (mut upcoming, mut ongoing, mut finished) = (vec![], vec![], vec![]);
    for row in rows {
        let marker = visit.and_then(|v| v.marker(row.created_at, row.updated_at, row.updated_by.as_deref()));
        let Some(mut a) = activity_view(row) else { continue };
        a.marker = marker;
        match a.status {
            ActivityStatus::Ongoing => ongoing.push(a),
            ActivityStatus::Completed | ActivityStatus::Cancelled => finished.push(a),
            ActivityStatus::Planned | ActivityStatus::OnHold => upcoming.push(a),
        }
    }
    finished.reverse();
    Ok(PlanView {
        course: course_view(course, started),
        goals,
        upcoming,
        ongoing,
        finished,
        paid_hours: paid_hours(db, &course.id).await?,
        recent_changes: super::history::store::for_course(db, &course.id, 10).await?,
        ..Default::default()
    })
}

/// The citizen's own view of their plan: marks what changed since their last
/// visit, then records this visit.
pub async fn citizen_plan(db: &Db, access: &CitizenAccess, record_visit: bool) -> Result<PlanView, AppError> {
    let citizen = access.viewer();
    let Some(course) = active_course(db, access).await? else {
        return Ok(PlanView::default());
    };
    let seen_at: Option<i64> =
        sqlx::query_scalar("SELECT seen_at FROM plan_visits WHERE user_id = $1 AND course_id = $2")
            .bind(&citizen.id)
            .bind(&course.id)
            .fetch_optional(db.pool())
            .await?;
    let visit = seen_at.map(|seen_at| LastVisit {
        seen_at,
        viewer_id: &citizen.id,
    });
    let plan = course_plan(db, &course, visit).await?;
    // Moving `seen_at` only matters when the page marked something: a visit
    // that found nothing new writes nothing (a write is a commit, an fsync).
    let marked = plan.goals.iter().any(|g| g.marker.is_some())
        || [&plan.upcoming, &plan.ongoing, &plan.finished]
            .into_iter()
            .flatten()
            .any(|a| a.marker.is_some());
    if record_visit && (seen_at.is_none() || marked) {
        sqlx::query(
            "INSERT INTO plan_visits (user_id, course_id, seen_at) VALUES ($1, $2, $3) \
             ON CONFLICT (user_id, course_id) DO UPDATE SET seen_at = excluded.seen_at",
        )
        .bind(&citizen.id)
        .bind(&course.id)
        .bind(now_ms())
        .execute(db.pool())
        .await?;
    }
    Ok(plan)
}

#[derive(sqlx::FromRow)]
struct RatingRow {
    rating: i64,
    note: Option<String>,
    rated_at: i64,
}

/// A goal's progress ratings, newest first.
pub async fn goal_ratings(db: &Db, goal_id: &str) -> Result<Vec<RatingView>, AppError> {
    let rows = sqlx::query_as::<_, RatingRow>(
        "SELECT rating, note, rated_at FROM goal_ratings WHERE goal_id = $1 ORDER BY rated_at DESC",
    )
    .bind(goal_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| RatingView {
            rating: r.rating,
            note: r.note,
            when: format_ms(r.rated_at),
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct PaidHoursRow {
    week_start: String,
    hours: i64,
}

/// Paid hours per week, the latest half year, oldest first.
async fn paid_hours(db: &Db, course_id: &str) -> Result<Vec<PaidWeek>, AppError> {
    let rows = sqlx::query_as::<_, PaidHoursRow>(
        "SELECT week_start, hours FROM paid_hours WHERE course_id = $1 ORDER BY week_start DESC LIMIT 26",
    )
    .bind(course_id)
    .fetch_all(db.pool())
    .await?;
    let mut weeks = rows
        .into_iter()
        .map(|r| {
            let number = r
                .week_start
                .parse::<jiff::civil::Date>()
                .map(|d| d.iso_week_date().week())
                .unwrap_or_default();
            PaidWeek {
                week: format_date(&r.week_start),
                number: number.into(),
                hours: r.hours,
            }
        })
        .collect::<Vec<_>>();
    weeks.reverse();
    Ok(weeks)
}

#[derive(sqlx::FromRow)]
struct ActivityDetailRow {
    citizen_id: String,
    preparation: Option<String>,
    contact_phone: Option<String>,
    #[sqlx(flatten)]
    activity: ActivityRow,
}

/// One activity of the citizen's course; the access comes from
/// `policy::activity`, which found the citizen and checked the viewer.
pub async fn activity_detail(
    db: &Db,
    access: &CitizenAccess,
    activity_id: &str,
) -> Result<(ActivityDetail, i64, Option<i64>), AppError> {
    let row = sqlx::query_as::<_, ActivityDetailRow>(&format!(
        "SELECT c.citizen_id, a.preparation, a.contact_phone, {ACTIVITY_COLUMNS} \
         FROM activities a JOIN courses c ON c.id = a.course_id WHERE a.id = $1 AND c.citizen_id = $2"
    ))
    .bind(activity_id)
    .bind(access.citizen_id())
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    let (starts, ends) = (row.activity.starts_at, row.activity.ends_at);
    let activity = activity_view(row.activity).ok_or(AppError::Internal)?;
    Ok((
        ActivityDetail {
            activity,
            citizen_id: row.citizen_id,
            preparation: row.preparation,
            contact_phone: row.contact_phone,
        },
        starts,
        ends,
    ))
}

#[cfg(test)]
mod tests {
    use super::timeline;
    use crate::model::CourseKind;

    #[test]
    fn the_timeline_places_dates_on_the_courses_span() {
        let t = timeline(
            "2026-01-01",
            "2028-01-01",
            CourseKind::Ressourceforloeb,
            "2026-07-01",
        )
        .unwrap();
        // 3 years = 1096 days (2028 is a leap year); six months = 181 days.
        assert!((t.six_month_right - 181.0 / 1096.0 * 100.0).abs() < 0.01, "{t:?}");
        assert!((t.planned_end - 730.0 / 1096.0 * 100.0).abs() < 0.01, "{t:?}");
        assert!(
            (t.today - t.six_month_right).abs() < 0.01,
            "today is the six-month day: {t:?}"
        );
        assert_eq!(t.today_label, "1. juli 2026");
        // Before the start and after the limit, today stays on the line.
        let early = timeline(
            "2026-01-01",
            "2028-01-01",
            CourseKind::Ressourceforloeb,
            "2025-01-01",
        )
        .unwrap();
        assert_eq!(early.today, 0.0);
        let late = timeline(
            "2026-01-01",
            "2027-01-01",
            CourseKind::Jobafklaringsforloeb,
            "2030-01-01",
        )
        .unwrap();
        assert_eq!(late.today, 100.0);
        assert!((late.planned_end - 50.0).abs() < 0.2, "{late:?}");
        assert!(timeline(
            "garbage",
            "2027-01-01",
            CourseKind::Ressourceforloeb,
            "2026-01-01"
        )
        .is_none());
    }
}
