//! Reading and writing what the caseworker edits. Every write checks that
//! the citizen is on the caseworker's caseload and that the item belongs to
//! the citizen's course, and records its history in the same transaction.
use super::{ActivityEdit, Citizen, CourseEdit, GoalEdit};
use crate::auth::policy::CaseworkerAccess;
use crate::auth::{session, Flash};
use crate::db::{new_id, Db};
use crate::error::AppError;
use crate::model::{ActivityKind, ActivityStatus, CurrentUser};
use crate::plan::data::{active_course, goal_ratings, CourseRow};
use crate::plan::history::{differences, store, Entity, PlanField};
use crate::plan::rules::ActivityForm;
use crate::plan::rules::{
    local_time_value, parse_date, ActivityInput, CourseInput, GoalInput, PaidHoursInput,
};
use crate::state::AppState;
use crate::time::{format_date_numeric, now_ms};

/// What an edit page's server function needs: state, the caseworker, and
/// the session's one-time message (a draft of a refused form).
pub async fn context() -> Result<(AppState, CurrentUser, Option<Flash>), AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let flash = session::take_flash(&state.db, &user.session_key).await?;
    Ok((state, user, flash))
}

/// A new item's id comes with its form, made when the form was shown, so a
/// form sent twice (a double click, a retry on a bad connection) adds one item.
fn item_key(raw: &str) -> Result<String, AppError> {
    if raw.len() == 32 && raw.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(raw.to_ascii_lowercase())
    } else {
        Err(AppError::invalid("form", crate::i18n::Msg::RulesFormExpired))
    }
}

/// The citizen the edit page is about (the access audited the read).
async fn citizen(db: &Db, access: &CaseworkerAccess) -> Result<Citizen, AppError> {
    let name: String = sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1")
        .bind(access.citizen_id())
        .fetch_optional(db.pool())
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Citizen {
        id: access.citizen_id().to_string(),
        name,
    })
}

/// The citizen's active course; editing goals and activities needs one.
async fn course_of(db: &Db, access: &CaseworkerAccess) -> Result<CourseRow, AppError> {
    active_course(db, access).await?.ok_or(AppError::NotFound)
}

fn course_fields(c: &CourseRow) -> Vec<(PlanField, Option<String>)> {
    vec![
        (PlanField::CourseKind, Some(c.kind.clone())),
        (PlanField::Start, Some(format_date_numeric(&c.start_date))),
        (
            PlanField::PlannedEnd,
            Some(format_date_numeric(&c.planned_end_date)),
        ),
        (PlanField::MainGoal, c.main_goal.clone()),
    ]
}

pub async fn course_edit(db: &Db, access: &CaseworkerAccess) -> Result<CourseEdit, AppError> {
    let citizen = citizen(db, access).await?;
    let course = active_course(db, access).await?;
    let history = match &course {
        Some(c) => store::for_item(db, Entity::Course, &c.id).await?,
        None => vec![],
    };
    Ok(CourseEdit {
        citizen,
        exists: course.is_some(),
        kind: course.as_ref().map(|c| c.kind.clone()).unwrap_or_default(),
        start: course.as_ref().map(|c| c.start_date.clone()).unwrap_or_default(),
        planned_end: course
            .as_ref()
            .map(|c| c.planned_end_date.clone())
            .unwrap_or_default(),
        main_goal: course.and_then(|c| c.main_goal).unwrap_or_default(),
        history,
        draft: None,
    })
}

/// Creates the citizen's course, or changes the active one.
pub async fn save_course(db: &Db, access: &CaseworkerAccess, input: &CourseInput) -> Result<(), AppError> {
    let viewer = access.viewer();
    let now = now_ms();
    let existing = active_course(db, access).await?;
    let mut tx = db.begin().await?;
    match existing {
        None => {
            let id = new_id();
            sqlx::query(
                "INSERT INTO courses (id, citizen_id, kind, status, start_date, planned_end_date, main_goal, \
                   created_at, updated_at, updated_by) VALUES ($1, $2, $3, 'active', $4, $5, $6, $7, $7, $8)",
            )
            .bind(&id)
            .bind(access.citizen_id())
            .bind(input.kind.as_str())
            .bind(input.start.to_string())
            .bind(input.planned_end.to_string())
            .bind(input.main_goal.as_deref())
            .bind(now)
            .bind(&viewer.id)
            .execute(&mut *tx)
            .await?;
            let fields = differences(&[], &input.fields());
            store::record(&mut tx, &id, Entity::Course, &id, &viewer.id, true, &fields).await?;
        }
        Some(c) => {
            let fields = differences(&course_fields(&c), &input.fields());
            if !fields.is_empty() {
                sqlx::query(
                    "UPDATE courses SET kind = $1, start_date = $2, planned_end_date = $3, main_goal = $4, \
                       updated_at = $5, updated_by = $6 WHERE id = $7",
                )
                .bind(input.kind.as_str())
                .bind(input.start.to_string())
                .bind(input.planned_end.to_string())
                .bind(input.main_goal.as_deref())
                .bind(now)
                .bind(&viewer.id)
                .bind(&c.id)
                .execute(&mut *tx)
                .await?;
                store::record(&mut tx, &c.id, Entity::Course, &c.id, &viewer.id, false, &fields).await?;
            }
        }
    }
    tx.commit().await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct GoalRow {
    title: String,
    description: Option<String>,
}

async fn goal_row(db: &Db, course_id: &str, goal_id: &str) -> Result<GoalInput, AppError> {
    let row =
        sqlx::query_as::<_, GoalRow>("SELECT title, description FROM goals WHERE id = $1 AND course_id = $2")
            .bind(goal_id)
            .bind(course_id)
            .fetch_optional(db.pool())
            .await?
            .ok_or(AppError::NotFound)?;
    Ok(GoalInput {
        title: row.title,
        description: row.description,
    })
}

pub async fn goal_edit(
    db: &Db,
    access: &CaseworkerAccess,
    goal_id: Option<&str>,
) -> Result<GoalEdit, AppError> {
    let citizen = citizen(db, access).await?;
    let course = course_of(db, access).await?;
    let mut edit = GoalEdit {
        citizen,
        goal_id: None,
        title: String::new(),
        description: String::new(),
        history: vec![],
        ratings: vec![],
        new_key: new_id(),
        draft: None,
    };
    if let Some(id) = goal_id {
        let goal = goal_row(db, &course.id, id).await?;
        edit.goal_id = Some(id.to_string());
        edit.title = goal.title;
        edit.description = goal.description.unwrap_or_default();
        edit.history = store::for_item(db, Entity::Goal, id).await?;
        edit.ratings = goal_ratings(db, id).await?;
    }
    Ok(edit)
}

/// Adds a goal to the citizen's course, or changes one of its goals.
pub async fn save_goal(
    db: &Db,
    access: &CaseworkerAccess,
    goal_id: Option<&str>,
    new_key: &str,
    input: &GoalInput,
) -> Result<String, AppError> {
    let viewer = access.viewer();
    let course = course_of(db, access).await?;
    let now = now_ms();
    let before = match goal_id {
        Some(id) => Some(goal_row(db, &course.id, id).await?),
        None => None,
    };
    let mut tx = db.begin().await?;
    let id = match (goal_id, before) {
        (Some(id), Some(before)) => {
            let fields = differences(&before.fields(), &input.fields());
            if !fields.is_empty() {
                sqlx::query(
                    "UPDATE goals SET title = $1, description = $2, updated_at = $3, updated_by = $4 WHERE id = $5",
                )
                .bind(&input.title)
                .bind(input.description.as_deref())
                .bind(now)
                .bind(&viewer.id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                store::record(&mut tx, &course.id, Entity::Goal, id, &viewer.id, false, &fields).await?;
            }
            id.to_string()
        }
        _ => {
            let id = item_key(new_key)?;
            let inserted = sqlx::query(
                "INSERT INTO goals (id, course_id, title, description, position, created_at, updated_at, updated_by) \
                 SELECT $1, $2, $3, $4, COALESCE(MAX(position), 0) + 1, $5, $5, $6 FROM goals WHERE course_id = $2 \
                 ON CONFLICT (id) DO NOTHING",
            )
            .bind(&id)
            .bind(&course.id)
            .bind(&input.title)
            .bind(input.description.as_deref())
            .bind(now)
            .bind(&viewer.id)
            .execute(&mut *tx)
            .await?;
            // A repeated submit of the same form adds nothing.
            if inserted.rows_affected() > 0 {
                let fields = differences(&[], &input.fields());
                store::record(&mut tx, &course.id, Entity::Goal, &id, &viewer.id, true, &fields).await?;
            } else {
                let first = goal_row(db, &course.id, &id).await?;
                ensure_repeat(&first.fields(), &input.fields())?;
            }
            id
        }
    };
    tx.commit().await?;
    Ok(id)
}

#[derive(sqlx::FromRow)]
struct ActivityRow {
    kind: String,
    status: String,
    title: String,
    purpose: Option<String>,
    place: Option<String>,
    contact_name: Option<String>,
    contact_phone: Option<String>,
    preparation: Option<String>,
    starts_at: i64,
    ends_at: Option<i64>,
    hours_per_week: Option<i64>,
}

impl ActivityRow {
    fn input(self) -> Option<ActivityInput> {
        Some(ActivityInput {
            kind: ActivityKind::parse(&self.kind)?,
            status: ActivityStatus::parse(&self.status)?,
            title: self.title,
            purpose: self.purpose,
            place: self.place,
            contact_name: self.contact_name,
            contact_phone: self.contact_phone,
            preparation: self.preparation,
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            hours_per_week: self.hours_per_week,
        })
    }
}

async fn activity_row(db: &Db, course_id: &str, activity_id: &str) -> Result<ActivityInput, AppError> {
    sqlx::query_as::<_, ActivityRow>(
        "SELECT kind, status, title, purpose, place, contact_name, contact_phone, preparation, starts_at, ends_at, \
           hours_per_week FROM activities WHERE id = $1 AND course_id = $2",
    )
    .bind(activity_id)
    .bind(course_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?
    .input()
    .ok_or(AppError::Internal)
}

pub async fn activity_edit(
    db: &Db,
    access: &CaseworkerAccess,
    activity_id: Option<&str>,
) -> Result<ActivityEdit, AppError> {
    let citizen = citizen(db, access).await?;
    let course = course_of(db, access).await?;
    let mut edit = ActivityEdit {
        citizen,
        activity_id: None,
        form: ActivityForm {
            status: ActivityStatus::Planned.as_str().into(),
            ..Default::default()
        },
        history: vec![],
        new_key: new_id(),
        draft: None,
        awaiting_assessment: false,
    };
    if let Some(id) = activity_id {
        let a = activity_row(db, &course.id, id).await?;
        edit.activity_id = Some(id.to_string());
        edit.awaiting_assessment = sqlx::query(
            "SELECT 1 FROM health_concerns WHERE activity_id = $1 AND citizen_id = $2 \
             AND state NOT IN ('answered', 'withdrawn')",
        )
        .bind(id)
        .bind(access.citizen_id())
        .fetch_optional(db.pool())
        .await?
        .is_some();
        edit.history = store::for_item(db, Entity::Activity, id).await?;
        edit.form = ActivityForm {
            kind: a.kind.as_str().into(),
            status: a.status.as_str().into(),
            title: a.title,
            purpose: a.purpose.unwrap_or_default(),
            place: a.place.unwrap_or_default(),
            contact_name: a.contact_name.unwrap_or_default(),
            contact_phone: a.contact_phone.unwrap_or_default(),
            preparation: a.preparation.unwrap_or_default(),
            starts_at: local_time_value(a.starts_at),
            ends_at: a.ends_at.map(local_time_value).unwrap_or_default(),
            hours_per_week: a.hours_per_week.map(|h| h.to_string()).unwrap_or_default(),
        };
    }
    Ok(edit)
}

/// Adds an activity to the citizen's course, or changes one of its activities.
pub async fn save_activity(
    db: &Db,
    access: &CaseworkerAccess,
    activity_id: Option<&str>,
    new_key: &str,
    form: &ActivityForm,
) -> Result<String, AppError> {
    let viewer = access.viewer();
    let course = course_of(db, access).await?;
    let span = (
        parse_date(&course.start_date).ok_or(AppError::Internal)?,
        parse_date(&course.planned_end_date).ok_or(AppError::Internal)?,
    );
    let input = ActivityInput::parse(form, span)?;
    let before = match activity_id {
        Some(id) => Some(activity_row(db, &course.id, id).await?),
        None => None,
    };
    let now = now_ms();
    let mut tx = db.begin().await?;
    let id = match (activity_id, before) {
        (Some(id), Some(before)) => {
            let fields = differences(&before.fields(), &input.fields());
            if !fields.is_empty() {
                bind_activity(
                    sqlx::query(
                        "UPDATE activities SET kind = $1, status = $2, title = $3, purpose = $4, place = $5, \
                           contact_name = $6, contact_phone = $7, preparation = $8, starts_at = $9, ends_at = $10, \
                           hours_per_week = $11, updated_at = $12, updated_by = $13 WHERE id = $14",
                    ),
                    &input,
                )
                .bind(now)
                .bind(&viewer.id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                store::record(
                    &mut tx,
                    &course.id,
                    Entity::Activity,
                    id,
                    &viewer.id,
                    false,
                    &fields,
                )
                .await?;
            }
            id.to_string()
        }
        _ => {
            let id = item_key(new_key)?;
            // The activity's fields first, as in the update; then the rest.
            let inserted = bind_activity(
                sqlx::query(
                    "INSERT INTO activities (kind, status, title, purpose, place, contact_name, contact_phone, \
                       preparation, starts_at, ends_at, hours_per_week, created_at, updated_at, updated_by, id, course_id) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12, $13, $14, $15) \
                     ON CONFLICT (id) DO NOTHING",
                ),
                &input,
            )
            .bind(now)
            .bind(&viewer.id)
            .bind(&id)
            .bind(&course.id)
            .execute(&mut *tx)
            .await?;
            if inserted.rows_affected() > 0 {
                let fields = differences(&[], &input.fields());
                store::record(
                    &mut tx,
                    &course.id,
                    Entity::Activity,
                    &id,
                    &viewer.id,
                    true,
                    &fields,
                )
                .await?;
            } else {
                let first = activity_row(db, &course.id, &id).await?;
                ensure_repeat(&first.fields(), &input.fields())?;
            }
            id
        }
    };
    tx.commit().await?;
    Ok(id)
}

type AnyQuery<'q> = sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>;

/// Binds an activity's eleven fields as `$1`…`$11`, for both insert and update.
fn bind_activity<'q>(query: AnyQuery<'q>, a: &'q ActivityInput) -> AnyQuery<'q> {
    query
        .bind(a.kind.as_str())
        .bind(a.status.as_str())
        .bind(&a.title)
        .bind(a.purpose.as_deref())
        .bind(a.place.as_deref())
        .bind(a.contact_name.as_deref())
        .bind(a.contact_phone.as_deref())
        .bind(a.preparation.as_deref())
        .bind(a.starts_at)
        .bind(a.ends_at)
        .bind(a.hours_per_week)
}

#[derive(sqlx::FromRow)]
struct PaidHoursRow {
    id: String,
    hours: i64,
}

/// Records (or corrects) the paid hours of one week.
pub async fn record_paid_hours(
    db: &Db,
    access: &CaseworkerAccess,
    input: &PaidHoursInput,
) -> Result<(), AppError> {
    let viewer = access.viewer();
    let course = course_of(db, access).await?;
    input.check_within(
        parse_date(&course.start_date).ok_or(AppError::Internal)?,
        parse_date(&course.planned_end_date).ok_or(AppError::Internal)?,
    )?;
    let week = input.week_start.to_string();
    let before = sqlx::query_as::<_, PaidHoursRow>(
        "SELECT id, hours FROM paid_hours WHERE course_id = $1 AND week_start = $2",
    )
    .bind(&course.id)
    .bind(&week)
    .fetch_optional(db.pool())
    .await?;
    let now = now_ms();
    let week_field = (PlanField::Week, Some(format_date_numeric(&week)));
    let mut tx = db.begin().await?;
    match before {
        Some(row) => {
            let (id, old) = (row.id, row.hours);
            if old != input.hours {
                sqlx::query(
                    "UPDATE paid_hours SET hours = $1, recorded_by = $2, recorded_at = $3 WHERE id = $4",
                )
                .bind(input.hours)
                .bind(&viewer.id)
                .bind(now)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
                let fields = differences(
                    &[week_field.clone(), (PlanField::PaidHours, Some(old.to_string()))],
                    &[week_field, (PlanField::PaidHours, Some(input.hours.to_string()))],
                );
                store::record(
                    &mut tx,
                    &course.id,
                    Entity::PaidHours,
                    &id,
                    &viewer.id,
                    false,
                    &fields,
                )
                .await?;
            }
        }
        None => {
            let id = new_id();
            sqlx::query(
                "INSERT INTO paid_hours (id, course_id, week_start, hours, recorded_by, recorded_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&id)
            .bind(&course.id)
            .bind(&week)
            .bind(input.hours)
            .bind(&viewer.id)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let fields = differences(
                &[],
                &[week_field, (PlanField::PaidHours, Some(input.hours.to_string()))],
            );
            store::record(
                &mut tx,
                &course.id,
                Entity::PaidHours,
                &id,
                &viewer.id,
                true,
                &fields,
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// A new-item form sent again: the same values are a repeat and fine; other
/// values would be stored nowhere, so they are refused (and kept).
fn ensure_repeat(
    first: &[(PlanField, Option<String>)],
    again: &[(PlanField, Option<String>)],
) -> Result<(), AppError> {
    if differences(first, again).is_empty() {
        Ok(())
    } else {
        Err(AppError::invalid("title", crate::i18n::Msg::FormKeyReused))
    }
}
