//! Collects a citizen's own data for "Hent mine data" (see `export.rs` for
//! the schema). One query per kind of data, each on an index by the citizen
//! (or their course), so three years of data is a few dozen index reads,
//! not a query per item. Secrets are never selected.
use super::export::*;
use crate::auth::policy::{CitizenAccess, Relation};
use crate::db::{Db, Flag};
use crate::error::AppError;
use crate::time::now_ms;
use std::collections::HashMap;

/// An instant (epoch ms) as RFC 3339 in UTC.
pub fn iso(ms: Option<i64>) -> Option<String> {
    ms.and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
        .map(|ts| ts.to_string())
}

/// Only the host of a push endpoint: the rest of it is the key to send to
/// that browser.
fn push_host(endpoint: &str) -> String {
    url::Url::parse(endpoint)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default()
}

/// SQL: 1 if the row `x` (with `citizen_id` and the date column `day`) lies
/// in a sharing period that is not withdrawn, else 0. A number rather than
/// the bare EXISTS, which PostgreSQL would return as a boolean and SQLite as
/// an integer.
fn in_period(x: &str, day: &str) -> String {
    format!(
        "CASE WHEN EXISTS (SELECT 1 FROM wellbeing_share_periods p WHERE p.citizen_id = {x}.citizen_id \
         AND p.withdrawn_at IS NULL AND {x}.{day} BETWEEN p.starts_on AND p.ends_on) THEN 1 ELSE 0 END"
    )
}

#[derive(sqlx::FromRow)]
struct PersonRow {
    id: String,
    display_name: String,
    email: Option<String>,
    phone: Option<String>,
    language: String,
    text_size: String,
    created_at: Option<i64>,
    #[sqlx(try_from = "i64")]
    notifications_enabled: Flag,
    quiet_hours_start: Option<i64>,
    quiet_hours_end: Option<i64>,
    region: Option<String>,
}

#[derive(sqlx::FromRow)]
struct IdentityRow {
    provider: String,
    subject: String,
    created_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct AssignmentRow {
    display_name: String,
    assigned_at: Option<i64>,
    ended_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct CourseRow {
    id: String,
    kind: String,
    status: String,
    start_date: String,
    planned_end_date: String,
    main_goal: Option<String>,
    created_at: Option<i64>,
    updated_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct PaidHoursRow {
    week_start: String,
    hours: i64,
    recorded_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct FeedbackRow {
    activity_id: Option<String>,
    rating: i64,
    comment: Option<String>,
    created_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct AccessLogRow {
    at: Option<i64>,
    actor_role: String,
    action: String,
    purpose: String,
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    created_at: Option<i64>,
    last_seen_at: Option<i64>,
    expires_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct DeviceRow {
    endpoint: String,
    created_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct NotificationRow {
    kind: String,
    due_at: Option<i64>,
    sent_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct CalendarFeedRow {
    created_at: Option<i64>,
    revoked_at: Option<i64>,
    #[sqlx(try_from = "i64")]
    show_titles: Flag,
}

/// Everything the product holds about the citizen. Their own access only:
/// a caseworker's access is refused like anything not theirs.
pub async fn collect(db: &Db, access: &CitizenAccess) -> Result<Export, AppError> {
    if access.relation() != Relation::Own {
        return Err(AppError::NotFound);
    }
    let id = access.citizen_id();
    let pool = db.pool();

    let u = sqlx::query_as::<_, PersonRow>(
        "SELECT u.id, u.display_name, u.email, u.phone, u.language, u.text_size, u.created_at, \
           CASE WHEN EXISTS (SELECT 1 FROM push_subscriptions p WHERE p.user_id = u.id) THEN 1 ELSE 0 END \
           AS notifications_enabled, u.quiet_hours_start, u.quiet_hours_end, r.name AS region \
         FROM users u LEFT JOIN regions r ON r.id = u.region_id WHERE u.id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let linked_identities = sqlx::query_as::<_, IdentityRow>(
        "SELECT provider, subject, created_at FROM user_identities WHERE user_id = $1 ORDER BY created_at",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| Identity {
        provider: r.provider,
        subject: r.subject,
        created_at: iso(r.created_at),
    })
    .collect();
    let person = Person {
        id: u.id,
        name: u.display_name,
        email: u.email,
        phone: u.phone,
        language: u.language,
        text_size: u.text_size,
        created_at: iso(u.created_at),
        notifications_enabled: u.notifications_enabled.0,
        quiet_hours_start: u.quiet_hours_start,
        quiet_hours_end: u.quiet_hours_end,
        region: u.region,
        linked_identities,
    };

    let caseworkers = sqlx::query_as::<_, AssignmentRow>(
        "SELECT w.display_name, a.assigned_at, a.ended_at FROM caseload_assignments a \
         JOIN users w ON w.id = a.caseworker_id WHERE a.citizen_id = $1 ORDER BY a.assigned_at",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| Assignment {
        name: r.display_name,
        assigned_at: iso(r.assigned_at),
        ended_at: iso(r.ended_at),
    })
    .collect();

    let course_rows = sqlx::query_as::<_, CourseRow>(
        "SELECT id, kind, status, start_date, planned_end_date, main_goal, created_at, updated_at \
         FROM courses WHERE citizen_id = $1 ORDER BY start_date, created_at",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    let mut courses = Vec::with_capacity(course_rows.len());
    for c in course_rows {
        let course_id = c.id;
        courses.push(Course {
            kind: c.kind,
            status: c.status,
            start_date: c.start_date,
            planned_end_date: c.planned_end_date,
            main_goal: c.main_goal,
            created_at: iso(c.created_at),
            updated_at: iso(c.updated_at),
            goals: goals(db, &course_id).await?,
            activities: activities(db, &course_id, access).await?,
            paid_hours: sqlx::query_as::<_, PaidHoursRow>(
                "SELECT week_start, hours, recorded_at FROM paid_hours WHERE course_id = $1 ORDER BY week_start",
            )
            .bind(&course_id)
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|r| PaidHours {
                week_start: r.week_start,
                hours: r.hours,
                recorded_at: iso(r.recorded_at),
            })
            .collect(),
            feedback: sqlx::query_as::<_, FeedbackRow>(
                "SELECT activity_id, rating, comment, created_at FROM feedback \
                 WHERE course_id = $1 AND citizen_id = $2 ORDER BY created_at",
            )
            .bind(&course_id)
            .bind(id)
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|r| Feedback {
                activity_id: r.activity_id,
                rating: r.rating,
                comment: r.comment,
                created_at: iso(r.created_at),
            })
            .collect(),
            history: history(db, &course_id).await?,
            id: course_id,
        });
    }

    let wellbeing = wellbeing(db, access).await?;
    let concerns = concerns(db, access).await?;
    let message_threads = threads(db, access).await?;

    let access_log = sqlx::query_as::<_, AccessLogRow>(
        "SELECT at, actor_role, action, purpose FROM audit_events WHERE citizen_id = $1 ORDER BY at",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| Access {
        at: iso(r.at),
        role: r.actor_role,
        action: r.action,
        purpose: r.purpose,
    })
    .collect();
    let sessions = sqlx::query_as::<_, SessionRow>(
        "SELECT created_at, last_seen_at, expires_at FROM sessions WHERE user_id = $1 ORDER BY created_at",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| Session {
        created_at: iso(r.created_at),
        last_seen_at: iso(r.last_seen_at),
        expires_at: iso(r.expires_at),
    })
    .collect();
    let devices = sqlx::query_as::<_, DeviceRow>(
        "SELECT endpoint, created_at FROM push_subscriptions WHERE user_id = $1 ORDER BY created_at",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| Device {
        push_service: push_host(&r.endpoint),
        created_at: iso(r.created_at),
    })
    .collect();
    let notifications = sqlx::query_as::<_, NotificationRow>(
        "SELECT kind, due_at, sent_at FROM push_outbox WHERE user_id = $1 ORDER BY due_at",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| Notification {
        kind: r.kind,
        due_at: iso(r.due_at),
        sent_at: iso(r.sent_at),
    })
    .collect();
    let calendar_feeds = sqlx::query_as::<_, CalendarFeedRow>(
        "SELECT created_at, revoked_at, show_titles FROM calendar_feeds WHERE citizen_id = $1 ORDER BY created_at",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| CalendarFeed {
        created_at: iso(r.created_at),
        revoked_at: iso(r.revoked_at),
        show_titles: r.show_titles.0,
    })
    .collect();

    Ok(Export {
        schema: SCHEMA.into(),
        schema_version: SCHEMA_VERSION,
        exported_at: iso(Some(now_ms())).unwrap_or_default(),
        person,
        caseworkers,
        courses,
        wellbeing,
        concerns,
        message_threads,
        access_log,
        sessions,
        devices,
        notifications,
        calendar_feeds,
    })
}

#[derive(sqlx::FromRow)]
struct RatingRow {
    goal_id: String,
    rating: i64,
    note: Option<String>,
    rated_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct GoalRow {
    id: String,
    title: String,
    description: Option<String>,
    created_at: Option<i64>,
    updated_at: Option<i64>,
}

async fn goals(db: &Db, course_id: &str) -> Result<Vec<Goal>, AppError> {
    let mut ratings: HashMap<String, Vec<Rating>> = HashMap::new();
    for r in sqlx::query_as::<_, RatingRow>(
        "SELECT r.goal_id, r.rating, r.note, r.rated_at FROM goal_ratings r \
         JOIN goals g ON g.id = r.goal_id WHERE g.course_id = $1 ORDER BY r.rated_at",
    )
    .bind(course_id)
    .fetch_all(db.pool())
    .await?
    {
        ratings.entry(r.goal_id).or_default().push(Rating {
            rating: r.rating,
            note: r.note,
            rated_at: iso(r.rated_at),
        });
    }
    let rows = sqlx::query_as::<_, GoalRow>(
        "SELECT id, title, description, created_at, updated_at FROM goals WHERE course_id = $1 \
         ORDER BY position, created_at",
    )
    .bind(course_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Goal {
            ratings: ratings.remove(&r.id).unwrap_or_default(),
            id: r.id,
            title: r.title,
            description: r.description,
            created_at: iso(r.created_at),
            updated_at: iso(r.updated_at),
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct ReflectionRow {
    activity_id: String,
    body: String,
    created_at: Option<i64>,
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
    contact_phone: Option<String>,
    preparation: Option<String>,
    starts_at: Option<i64>,
    ends_at: Option<i64>,
    hours_per_week: Option<i64>,
}

async fn activities(db: &Db, course_id: &str, access: &CitizenAccess) -> Result<Vec<Activity>, AppError> {
    let mut reflections: HashMap<String, Vec<Reflection>> = HashMap::new();
    for r in sqlx::query_as::<_, ReflectionRow>(
        "SELECT f.activity_id, f.body, f.created_at FROM activity_reflections f \
         JOIN activities a ON a.id = f.activity_id WHERE a.course_id = $1 AND f.citizen_id = $2 \
         ORDER BY f.created_at",
    )
    .bind(course_id)
    .bind(access.citizen_id())
    .fetch_all(db.pool())
    .await?
    {
        reflections.entry(r.activity_id).or_default().push(Reflection {
            text: r.body,
            created_at: iso(r.created_at),
        });
    }
    let rows = sqlx::query_as::<_, ActivityRow>(
        "SELECT id, kind, status, title, purpose, place, contact_name, contact_phone, preparation, \
           starts_at, ends_at, hours_per_week FROM activities WHERE course_id = $1 ORDER BY starts_at",
    )
    .bind(course_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Activity {
            reflections: reflections.remove(&r.id).unwrap_or_default(),
            id: r.id,
            kind: r.kind,
            status: r.status,
            title: r.title,
            purpose: r.purpose,
            place: r.place,
            contact_name: r.contact_name,
            contact_phone: r.contact_phone,
            preparation: r.preparation,
            starts_at: iso(r.starts_at),
            ends_at: iso(r.ends_at),
            hours_per_week: r.hours_per_week,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct ChangedFieldRow {
    change_id: String,
    field: String,
    old_value: Option<String>,
    new_value: Option<String>,
}

#[derive(sqlx::FromRow)]
struct ChangeRow {
    id: String,
    entity: String,
    entity_id: String,
    display_name: String,
    role: String,
    changed_at: Option<i64>,
    summary: String,
}

async fn history(db: &Db, course_id: &str) -> Result<Vec<Change>, AppError> {
    let mut fields: HashMap<String, Vec<ChangedField>> = HashMap::new();
    for r in sqlx::query_as::<_, ChangedFieldRow>(
        "SELECT f.change_id, f.field, f.old_value, f.new_value FROM change_fields f \
         JOIN change_history h ON h.id = f.change_id WHERE h.course_id = $1 ORDER BY f.change_id, f.field",
    )
    .bind(course_id)
    .fetch_all(db.pool())
    .await?
    {
        fields.entry(r.change_id).or_default().push(ChangedField {
            field: r.field,
            before: r.old_value,
            after: r.new_value,
        });
    }
    let rows = sqlx::query_as::<_, ChangeRow>(
        "SELECT h.id, h.entity, h.entity_id, u.display_name, u.role, h.changed_at, h.summary \
         FROM change_history h JOIN users u ON u.id = h.changed_by WHERE h.course_id = $1 \
         ORDER BY h.changed_at, h.id",
    )
    .bind(course_id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Change {
            fields: fields.remove(&r.id).unwrap_or_default(),
            item: r.entity,
            item_id: r.entity_id,
            changed_by: Actor {
                name: r.display_name,
                role: r.role,
            },
            changed_at: iso(r.changed_at),
            summary: r.summary,
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    entry_date: String,
    mood: i64,
    energy: i64,
    pain: i64,
    sleep: i64,
    note: Option<String>,
    activity_id: Option<String>,
    #[sqlx(try_from = "i64")]
    shared: Flag,
    #[sqlx(try_from = "i64")]
    shared_by_period: Flag,
    created_at: Option<i64>,
    updated_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct ReplacedEntryRow {
    entry_date: String,
    mood: i64,
    energy: i64,
    pain: i64,
    sleep: i64,
    note: Option<String>,
    written_at: Option<i64>,
    replaced_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct Who5Row {
    answered_on: String,
    item1: i64,
    item2: i64,
    item3: i64,
    item4: i64,
    item5: i64,
    score: i64,
    #[sqlx(try_from = "i64")]
    shared: Flag,
    #[sqlx(try_from = "i64")]
    shared_by_period: Flag,
    created_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct SharePeriodRow {
    starts_on: String,
    ends_on: String,
    created_at: Option<i64>,
    withdrawn_at: Option<i64>,
}

async fn wellbeing(db: &Db, access: &CitizenAccess) -> Result<Wellbeing, AppError> {
    let id = access.citizen_id();
    let pool = db.pool();
    let entries = sqlx::query_as::<_, EntryRow>(&format!(
        "SELECT e.entry_date, e.mood, e.energy, e.pain, e.sleep, e.note, e.activity_id, e.shared, \
           {} AS shared_by_period, e.created_at, e.updated_at FROM wellbeing_entries e WHERE e.citizen_id = $1 \
         ORDER BY e.entry_date",
        in_period("e", "entry_date")
    ))
    .bind(id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| Entry {
        date: r.entry_date,
        mood: r.mood,
        energy: r.energy,
        pain: r.pain,
        sleep: r.sleep,
        note: r.note,
        activity_id: r.activity_id,
        shared: r.shared.0,
        shared_by_period: r.shared_by_period.0,
        created_at: iso(r.created_at),
        updated_at: iso(r.updated_at),
    })
    .collect();
    let replaced_versions = sqlx::query_as::<_, ReplacedEntryRow>(
        "SELECT entry_date, mood, energy, pain, sleep, note, written_at, replaced_at \
         FROM wellbeing_entry_versions WHERE citizen_id = $1 ORDER BY entry_date, replaced_at",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| ReplacedEntry {
        date: r.entry_date,
        mood: r.mood,
        energy: r.energy,
        pain: r.pain,
        sleep: r.sleep,
        note: r.note,
        written_at: iso(r.written_at),
        replaced_at: iso(r.replaced_at),
    })
    .collect();
    let who5 = sqlx::query_as::<_, Who5Row>(&format!(
        "SELECT r.answered_on, r.item1, r.item2, r.item3, r.item4, r.item5, r.score, r.shared, \
           {} AS shared_by_period, r.created_at FROM who5_responses r WHERE r.citizen_id = $1 \
         ORDER BY r.answered_on, r.created_at",
        in_period("r", "answered_on")
    ))
    .bind(id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| Who5 {
        answered_on: r.answered_on,
        items: [r.item1, r.item2, r.item3, r.item4, r.item5],
        score: r.score,
        shared: r.shared.0,
        shared_by_period: r.shared_by_period.0,
        created_at: iso(r.created_at),
    })
    .collect();
    let share_periods = sqlx::query_as::<_, SharePeriodRow>(
        "SELECT starts_on, ends_on, created_at, withdrawn_at FROM wellbeing_share_periods \
         WHERE citizen_id = $1 ORDER BY created_at",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| SharePeriod {
        starts_on: r.starts_on,
        ends_on: r.ends_on,
        created_at: iso(r.created_at),
        withdrawn_at: iso(r.withdrawn_at),
    })
    .collect();
    Ok(Wellbeing {
        entries,
        replaced_versions,
        who5,
        share_periods,
    })
}

#[derive(sqlx::FromRow)]
struct ConcernStepRow {
    concern_id: String,
    state: String,
    display_name: String,
    role: String,
    at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct ConcernRow {
    id: String,
    activity_id: Option<String>,
    description: String,
    #[sqlx(try_from = "i64")]
    attach_wellbeing: Flag,
    state: String,
    conversation_at: Option<i64>,
    conversation_place: Option<String>,
    outcome: Option<String>,
    assessment: Option<String>,
    created_at: Option<i64>,
    updated_at: Option<i64>,
}

async fn concerns(db: &Db, access: &CitizenAccess) -> Result<Vec<Concern>, AppError> {
    let id = access.citizen_id();
    let mut steps: HashMap<String, Vec<ConcernStep>> = HashMap::new();
    for r in sqlx::query_as::<_, ConcernStepRow>(
        "SELECT ev.concern_id, ev.state, u.display_name, u.role, ev.at FROM health_concern_events ev \
         JOIN health_concerns c ON c.id = ev.concern_id JOIN users u ON u.id = ev.actor_id \
         WHERE c.citizen_id = $1 ORDER BY ev.at",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?
    {
        steps.entry(r.concern_id).or_default().push(ConcernStep {
            state: r.state,
            by: Actor {
                name: r.display_name,
                role: r.role,
            },
            at: iso(r.at),
        });
    }
    let rows = sqlx::query_as::<_, ConcernRow>(
        "SELECT id, activity_id, description, attach_wellbeing, state, conversation_at, conversation_place, \
           outcome, assessment, created_at, updated_at FROM health_concerns WHERE citizen_id = $1 \
         ORDER BY created_at",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Concern {
            steps: steps.remove(&r.id).unwrap_or_default(),
            id: r.id,
            activity_id: r.activity_id,
            description: r.description,
            attach_wellbeing: r.attach_wellbeing.0,
            state: r.state,
            conversation_at: iso(r.conversation_at),
            conversation_place: r.conversation_place,
            outcome: r.outcome,
            assessment: r.assessment,
            created_at: iso(r.created_at),
            updated_at: iso(r.updated_at),
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct ThreadRow {
    id: String,
    subject: String,
    activity_id: Option<String>,
    #[sqlx(try_from = "i64")]
    waiting_for_citizen: Flag,
    created_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
struct MessageRow {
    display_name: String,
    role: String,
    body: String,
    sent_at: Option<i64>,
    read_at: Option<i64>,
}

async fn threads(db: &Db, access: &CitizenAccess) -> Result<Vec<Thread>, AppError> {
    let id = access.citizen_id();
    let rows = sqlx::query_as::<_, ThreadRow>(
        "SELECT id, subject, activity_id, waiting_for_citizen, created_at FROM message_threads \
         WHERE citizen_id = $1 ORDER BY created_at",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        // A thread at a time, on its index: a citizen's one long thread can
        // be most of the table, and a join would read all of it.
        let messages = sqlx::query_as::<_, MessageRow>(
            "SELECT u.display_name, u.role, m.body, m.sent_at, m.read_at FROM messages m \
             JOIN users u ON u.id = m.sender_id WHERE m.thread_id = $1 ORDER BY m.sent_at",
        )
        .bind(&r.id)
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|m| Message {
            from: Actor {
                name: m.display_name,
                role: m.role,
            },
            text: m.body,
            sent_at: iso(m.sent_at),
            read_at: iso(m.read_at),
        })
        .collect();
        out.push(Thread {
            messages,
            id: r.id,
            subject: r.subject,
            activity_id: r.activity_id,
            waiting_for_citizen: r.waiting_for_citizen.0,
            created_at: iso(r.created_at),
        });
    }
    Ok(out)
}
