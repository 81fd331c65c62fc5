//! Collects a citizen's own data for "Hent mine data" (see `export.rs` for
//! the schema). One query per kind of data, each on an index by the citizen
//! (or their course), so three years of data is a few dozen index reads,
//! not a query per item. Secrets are never selected.
use super::export::*;
use crate::auth::policy::{CitizenAccess, Relation};
use crate::db::Db;
use crate::error::AppError;
use crate::time::now_ms;
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::HashMap;

/// An instant (epoch ms) as RFC 3339 in UTC.
pub fn iso(ms: Option<i64>) -> Option<String> {
    ms.and_then(|ms| jiff::Timestamp::from_millisecond(ms).ok())
        .map(|ts| ts.to_string())
}

fn at(r: &AnyRow, i: usize) -> Result<Option<String>, sqlx::Error> {
    Ok(iso(r.try_get::<Option<i64>, _>(i)?))
}

/// A 0/1 column, or a boolean expression (a boolean on PostgreSQL, 0/1 on SQLite).
fn flag(r: &AnyRow, i: usize) -> Result<bool, sqlx::Error> {
    r.try_get::<bool, _>(i)
        .or_else(|_| r.try_get::<i64, _>(i).map(|v| v != 0))
        .or_else(|_| r.try_get::<i32, _>(i).map(|v| v != 0))
}

fn actor(r: &AnyRow, name: usize, role: usize) -> Result<Actor, sqlx::Error> {
    Ok(Actor {
        name: r.try_get(name)?,
        role: r.try_get(role)?,
    })
}

/// Only the host of a push endpoint: the rest of it is the key to send to
/// that browser.
fn push_host(endpoint: &str) -> String {
    url::Url::parse(endpoint)
        .ok()
        .and_then(|u| u.host_str().map(str::to_string))
        .unwrap_or_default()
}

/// SQL: the row `x` (with `citizen_id` and the date column `day`) lies in a
/// sharing period that is not withdrawn.
fn in_period(x: &str, day: &str) -> String {
    format!(
        "EXISTS (SELECT 1 FROM wellbeing_share_periods p WHERE p.citizen_id = {x}.citizen_id \
         AND p.withdrawn_at IS NULL AND {x}.{day} BETWEEN p.starts_on AND p.ends_on)"
    )
}

/// Everything the product holds about the citizen. Their own access only:
/// a caseworker's access is refused like anything not theirs.
pub async fn collect(db: &Db, access: &CitizenAccess) -> Result<Export, AppError> {
    if access.relation() != Relation::Own {
        return Err(AppError::NotFound);
    }
    let id = access.citizen_id();
    let pool = db.pool();

    let u = sqlx::query(
        "SELECT u.id, u.display_name, u.email, u.phone, u.language, u.text_size, u.created_at, \
           u.notifications_enabled, u.quiet_hours_start, u.quiet_hours_end, r.name \
         FROM users u LEFT JOIN regions r ON r.id = u.region_id WHERE u.id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)?;
    let linked_identities = sqlx::query(
        "SELECT provider, subject, created_at FROM user_identities WHERE user_id = $1 ORDER BY created_at",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(Identity {
            provider: r.try_get(0)?,
            subject: r.try_get(1)?,
            created_at: at(r, 2)?,
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;
    let person = Person {
        id: u.try_get(0)?,
        name: u.try_get(1)?,
        email: u.try_get(2)?,
        phone: u.try_get(3)?,
        language: u.try_get(4)?,
        text_size: u.try_get(5)?,
        created_at: at(&u, 6)?,
        notifications_enabled: flag(&u, 7)?,
        quiet_hours_start: u.try_get(8)?,
        quiet_hours_end: u.try_get(9)?,
        region: u.try_get(10)?,
        linked_identities,
    };

    let caseworkers = sqlx::query(
        "SELECT w.display_name, a.assigned_at, a.ended_at FROM caseload_assignments a \
         JOIN users w ON w.id = a.caseworker_id WHERE a.citizen_id = $1 ORDER BY a.assigned_at",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(Assignment {
            name: r.try_get(0)?,
            assigned_at: at(r, 1)?,
            ended_at: at(r, 2)?,
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;

    let course_rows = sqlx::query(
        "SELECT id, kind, status, start_date, planned_end_date, main_goal, created_at, updated_at \
         FROM courses WHERE citizen_id = $1 ORDER BY start_date, created_at",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    let mut courses = Vec::with_capacity(course_rows.len());
    for c in &course_rows {
        let course_id: String = c.try_get(0)?;
        courses.push(Course {
            kind: c.try_get(1)?,
            status: c.try_get(2)?,
            start_date: c.try_get(3)?,
            planned_end_date: c.try_get(4)?,
            main_goal: c.try_get(5)?,
            created_at: at(c, 6)?,
            updated_at: at(c, 7)?,
            goals: goals(db, &course_id).await?,
            activities: activities(db, &course_id, access).await?,
            paid_hours: sqlx::query(
                "SELECT week_start, hours, recorded_at FROM paid_hours WHERE course_id = $1 ORDER BY week_start",
            )
            .bind(&course_id)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| {
                Ok(PaidHours {
                    week_start: r.try_get(0)?,
                    hours: r.try_get(1)?,
                    recorded_at: at(r, 2)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?,
            feedback: sqlx::query(
                "SELECT activity_id, rating, comment, created_at FROM feedback \
                 WHERE course_id = $1 AND citizen_id = $2 ORDER BY created_at",
            )
            .bind(&course_id)
            .bind(id)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| {
                Ok(Feedback {
                    activity_id: r.try_get(0)?,
                    rating: r.try_get(1)?,
                    comment: r.try_get(2)?,
                    created_at: at(r, 3)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?,
            history: history(db, &course_id).await?,
            id: course_id,
        });
    }

    let wellbeing = wellbeing(db, access).await?;
    let concerns = concerns(db, access).await?;
    let message_threads = threads(db, access).await?;

    let access_log = sqlx::query(
        "SELECT at, actor_role, action, purpose FROM audit_events WHERE citizen_id = $1 ORDER BY at",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(Access {
            at: at(r, 0)?,
            role: r.try_get(1)?,
            action: r.try_get(2)?,
            purpose: r.try_get(3)?,
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;
    let sessions = sqlx::query(
        "SELECT created_at, last_seen_at, expires_at FROM sessions WHERE user_id = $1 ORDER BY created_at",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(Session {
            created_at: at(r, 0)?,
            last_seen_at: at(r, 1)?,
            expires_at: at(r, 2)?,
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;
    let devices = sqlx::query(
        "SELECT endpoint, created_at FROM push_subscriptions WHERE user_id = $1 ORDER BY created_at",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(Device {
            push_service: push_host(&r.try_get::<String, _>(0)?),
            created_at: at(r, 1)?,
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;
    let notifications =
        sqlx::query("SELECT kind, due_at, sent_at FROM push_outbox WHERE user_id = $1 ORDER BY due_at")
            .bind(id)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| {
                Ok(Notification {
                    kind: r.try_get(0)?,
                    due_at: at(r, 1)?,
                    sent_at: at(r, 2)?,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?;
    let calendar_feeds = sqlx::query(
        "SELECT created_at, revoked_at, show_titles FROM calendar_feeds WHERE citizen_id = $1 ORDER BY created_at",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(CalendarFeed {
            created_at: at(r, 0)?,
            revoked_at: at(r, 1)?,
            show_titles: flag(r, 2)?,
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;

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

async fn goals(db: &Db, course_id: &str) -> Result<Vec<Goal>, AppError> {
    let mut ratings: HashMap<String, Vec<Rating>> = HashMap::new();
    for r in sqlx::query(
        "SELECT r.goal_id, r.rating, r.note, r.rated_at FROM goal_ratings r \
         JOIN goals g ON g.id = r.goal_id WHERE g.course_id = $1 ORDER BY r.rated_at",
    )
    .bind(course_id)
    .fetch_all(db.pool())
    .await?
    {
        ratings.entry(r.try_get(0)?).or_default().push(Rating {
            rating: r.try_get(1)?,
            note: r.try_get(2)?,
            rated_at: at(&r, 3)?,
        });
    }
    let rows = sqlx::query(
        "SELECT id, title, description, created_at, updated_at FROM goals WHERE course_id = $1 \
         ORDER BY position, created_at",
    )
    .bind(course_id)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id: String = r.try_get(0)?;
        out.push(Goal {
            ratings: ratings.remove(&id).unwrap_or_default(),
            id,
            title: r.try_get(1)?,
            description: r.try_get(2)?,
            created_at: at(&r, 3)?,
            updated_at: at(&r, 4)?,
        });
    }
    Ok(out)
}

async fn activities(db: &Db, course_id: &str, access: &CitizenAccess) -> Result<Vec<Activity>, AppError> {
    let mut reflections: HashMap<String, Vec<Reflection>> = HashMap::new();
    for r in sqlx::query(
        "SELECT f.activity_id, f.body, f.created_at FROM activity_reflections f \
         JOIN activities a ON a.id = f.activity_id WHERE a.course_id = $1 AND f.citizen_id = $2 \
         ORDER BY f.created_at",
    )
    .bind(course_id)
    .bind(access.citizen_id())
    .fetch_all(db.pool())
    .await?
    {
        reflections.entry(r.try_get(0)?).or_default().push(Reflection {
            text: r.try_get(1)?,
            created_at: at(&r, 2)?,
        });
    }
    let rows = sqlx::query(
        "SELECT id, kind, status, title, purpose, place, contact_name, contact_phone, preparation, \
           starts_at, ends_at, hours_per_week FROM activities WHERE course_id = $1 ORDER BY starts_at",
    )
    .bind(course_id)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id: String = r.try_get(0)?;
        out.push(Activity {
            reflections: reflections.remove(&id).unwrap_or_default(),
            id,
            kind: r.try_get(1)?,
            status: r.try_get(2)?,
            title: r.try_get(3)?,
            purpose: r.try_get(4)?,
            place: r.try_get(5)?,
            contact_name: r.try_get(6)?,
            contact_phone: r.try_get(7)?,
            preparation: r.try_get(8)?,
            starts_at: at(&r, 9)?,
            ends_at: at(&r, 10)?,
            hours_per_week: r.try_get(11)?,
        });
    }
    Ok(out)
}

async fn history(db: &Db, course_id: &str) -> Result<Vec<Change>, AppError> {
    let mut fields: HashMap<String, Vec<ChangedField>> = HashMap::new();
    for r in sqlx::query(
        "SELECT f.change_id, f.field, f.old_value, f.new_value FROM change_fields f \
         JOIN change_history h ON h.id = f.change_id WHERE h.course_id = $1 ORDER BY f.change_id, f.field",
    )
    .bind(course_id)
    .fetch_all(db.pool())
    .await?
    {
        fields.entry(r.try_get(0)?).or_default().push(ChangedField {
            field: r.try_get(1)?,
            before: r.try_get(2)?,
            after: r.try_get(3)?,
        });
    }
    let rows = sqlx::query(
        "SELECT h.id, h.entity, h.entity_id, u.display_name, u.role, h.changed_at, h.summary \
         FROM change_history h JOIN users u ON u.id = h.changed_by WHERE h.course_id = $1 \
         ORDER BY h.changed_at, h.id",
    )
    .bind(course_id)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let change: String = r.try_get(0)?;
        out.push(Change {
            fields: fields.remove(&change).unwrap_or_default(),
            item: r.try_get(1)?,
            item_id: r.try_get(2)?,
            changed_by: actor(&r, 3, 4)?,
            changed_at: at(&r, 5)?,
            summary: r.try_get(6)?,
        });
    }
    Ok(out)
}

async fn wellbeing(db: &Db, access: &CitizenAccess) -> Result<Wellbeing, AppError> {
    let id = access.citizen_id();
    let pool = db.pool();
    let entries = sqlx::query(&format!(
        "SELECT e.entry_date, e.mood, e.energy, e.pain, e.sleep, e.note, e.activity_id, e.shared, \
           {}, e.created_at, e.updated_at FROM wellbeing_entries e WHERE e.citizen_id = $1 \
         ORDER BY e.entry_date",
        in_period("e", "entry_date")
    ))
    .bind(id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(Entry {
            date: r.try_get(0)?,
            mood: r.try_get(1)?,
            energy: r.try_get(2)?,
            pain: r.try_get(3)?,
            sleep: r.try_get(4)?,
            note: r.try_get(5)?,
            activity_id: r.try_get(6)?,
            shared: flag(r, 7)?,
            shared_by_period: flag(r, 8)?,
            created_at: at(r, 9)?,
            updated_at: at(r, 10)?,
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;
    let replaced_versions = sqlx::query(
        "SELECT entry_date, mood, energy, pain, sleep, note, written_at, replaced_at \
         FROM wellbeing_entry_versions WHERE citizen_id = $1 ORDER BY entry_date, replaced_at",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(ReplacedEntry {
            date: r.try_get(0)?,
            mood: r.try_get(1)?,
            energy: r.try_get(2)?,
            pain: r.try_get(3)?,
            sleep: r.try_get(4)?,
            note: r.try_get(5)?,
            written_at: at(r, 6)?,
            replaced_at: at(r, 7)?,
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;
    let who5 = sqlx::query(&format!(
        "SELECT r.answered_on, r.item1, r.item2, r.item3, r.item4, r.item5, r.score, r.shared, {}, \
           r.created_at FROM who5_responses r WHERE r.citizen_id = $1 ORDER BY r.answered_on, r.created_at",
        in_period("r", "answered_on")
    ))
    .bind(id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(Who5 {
            answered_on: r.try_get(0)?,
            items: [
                r.try_get(1)?,
                r.try_get(2)?,
                r.try_get(3)?,
                r.try_get(4)?,
                r.try_get(5)?,
            ],
            score: r.try_get(6)?,
            shared: flag(r, 7)?,
            shared_by_period: flag(r, 8)?,
            created_at: at(r, 9)?,
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;
    let share_periods = sqlx::query(
        "SELECT starts_on, ends_on, created_at, withdrawn_at FROM wellbeing_share_periods \
         WHERE citizen_id = $1 ORDER BY created_at",
    )
    .bind(id)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(SharePeriod {
            starts_on: r.try_get(0)?,
            ends_on: r.try_get(1)?,
            created_at: at(r, 2)?,
            withdrawn_at: at(r, 3)?,
        })
    })
    .collect::<Result<_, sqlx::Error>>()?;
    Ok(Wellbeing {
        entries,
        replaced_versions,
        who5,
        share_periods,
    })
}

async fn concerns(db: &Db, access: &CitizenAccess) -> Result<Vec<Concern>, AppError> {
    let id = access.citizen_id();
    let mut steps: HashMap<String, Vec<ConcernStep>> = HashMap::new();
    for r in sqlx::query(
        "SELECT ev.concern_id, ev.state, u.display_name, u.role, ev.at FROM health_concern_events ev \
         JOIN health_concerns c ON c.id = ev.concern_id JOIN users u ON u.id = ev.actor_id \
         WHERE c.citizen_id = $1 ORDER BY ev.at",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?
    {
        steps.entry(r.try_get(0)?).or_default().push(ConcernStep {
            state: r.try_get(1)?,
            by: actor(&r, 2, 3)?,
            at: at(&r, 4)?,
        });
    }
    let rows = sqlx::query(
        "SELECT id, activity_id, description, attach_wellbeing, state, conversation_at, conversation_place, \
           outcome, assessment, created_at, updated_at FROM health_concerns WHERE citizen_id = $1 \
         ORDER BY created_at",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let concern: String = r.try_get(0)?;
        out.push(Concern {
            steps: steps.remove(&concern).unwrap_or_default(),
            id: concern,
            activity_id: r.try_get(1)?,
            description: r.try_get(2)?,
            attach_wellbeing: flag(&r, 3)?,
            state: r.try_get(4)?,
            conversation_at: at(&r, 5)?,
            conversation_place: r.try_get(6)?,
            outcome: r.try_get(7)?,
            assessment: r.try_get(8)?,
            created_at: at(&r, 9)?,
            updated_at: at(&r, 10)?,
        });
    }
    Ok(out)
}

async fn threads(db: &Db, access: &CitizenAccess) -> Result<Vec<Thread>, AppError> {
    let id = access.citizen_id();
    let rows = sqlx::query(
        "SELECT id, subject, activity_id, waiting_for_citizen, created_at FROM message_threads \
         WHERE citizen_id = $1 ORDER BY created_at",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let thread: String = r.try_get(0)?;
        // A thread at a time, on its index: a citizen's one long thread can
        // be most of the table, and a join would read all of it.
        let messages = sqlx::query(
            "SELECT u.display_name, u.role, m.body, m.sent_at, m.read_at FROM messages m \
             JOIN users u ON u.id = m.sender_id WHERE m.thread_id = $1 ORDER BY m.sent_at",
        )
        .bind(&thread)
        .fetch_all(db.pool())
        .await?
        .iter()
        .map(|m| {
            Ok(Message {
                from: actor(m, 0, 1)?,
                text: m.try_get(2)?,
                sent_at: at(m, 3)?,
                read_at: at(m, 4)?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
        out.push(Thread {
            messages,
            id: thread,
            subject: r.try_get(1)?,
            activity_id: r.try_get(2)?,
            waiting_for_citizen: flag(&r, 3)?,
            created_at: at(&r, 4)?,
        });
    }
    Ok(out)
}
