//! A municipality's worth of data, for the benchmarks and the query-plan
//! test: one caseworker with many citizens, one very long thread, years of
//! daily wellbeing and a large audit log. Rows go in as multi-row inserts in
//! one transaction (a row a statement would take minutes on PostgreSQL), and
//! the statistics are refreshed after, as an operator would after a bulk load.
use crate::audit::{read_window, AuditAction};
use crate::auth::password::hash_password;
use crate::db::{new_id, Db, Tx};
use crate::time::{copenhagen, now_ms};
use jiff::ToSpan;
use secrecy::SecretString;

/// What to make. The defaults are the sizes the performance goals name.
#[derive(Clone, Debug)]
pub struct Scale {
    pub citizens: usize,
    /// Messages in the one long thread.
    pub messages: usize,
    /// Days of wellbeing entries for the citizen with the long thread (the
    /// others have a month each).
    pub wellbeing_days: usize,
    pub audit_rows: usize,
}

impl Default for Scale {
    fn default() -> Self {
        Scale {
            citizens: 1_000,
            messages: 10_000,
            wellbeing_days: 3 * 365,
            audit_rows: 100_000,
        }
    }
}

/// Who was made: the caseworker's login and the citizen with the long thread.
#[derive(Clone, Debug)]
pub struct Made {
    pub caseworker_id: String,
    pub caseworker_email: String,
    pub citizen_id: String,
    pub citizen_email: String,
    pub long_thread_id: String,
}

/// The password of every account made here (as the demo's).
pub const PASSWORD: &str = crate::seed::DEMO_PASSWORD;

#[derive(Clone)]
enum V {
    S(String),
    I(i64),
    Null,
}

/// Bound values per statement. SQLite finds a `$n` parameter by name, one
/// by one, so much longer statements get slower, not faster.
const VALUES_PER_STATEMENT: usize = 1_000;

async fn insert(tx: &mut Tx, table: &str, columns: &[&str], rows: Vec<Vec<V>>) -> Result<(), sqlx::Error> {
    let per_row = columns.len();
    for chunk in rows.chunks((VALUES_PER_STATEMENT / per_row).max(1)) {
        let mut n = 0;
        let values: Vec<String> = chunk
            .iter()
            .map(|_| {
                let slots: Vec<String> = (0..per_row)
                    .map(|_| {
                        n += 1;
                        format!("${n}")
                    })
                    .collect();
                format!("({})", slots.join(", "))
            })
            .collect();
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES {}",
            columns.join(", "),
            values.join(", ")
        );
        let mut q = sqlx::query(&sql);
        for v in chunk.iter().flatten() {
            q = match v {
                V::S(s) => q.bind(s.clone()),
                V::I(i) => q.bind(*i),
                // Every NULL made here is a number column (`read_at`).
                V::Null => q.bind(None::<i64>),
            };
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

fn s(v: impl Into<String>) -> V {
    V::S(v.into())
}

/// Adds the data to `db` (next to whatever is there) and returns who it made.
/// `tag` keeps e-mail addresses apart when a database gets more than one set.
pub async fn seed_scale(db: &Db, scale: &Scale, tag: &str) -> Result<Made, crate::seed::SeedError> {
    let hash = hash_password(SecretString::from(PASSWORD)).await?;
    let now = now_ms();
    let today = jiff::Timestamp::now().to_zoned(copenhagen()).date();
    let day_ms = 86_400_000;
    let mut tx = db.begin().await?;

    let caseworker_id = new_id();
    let caseworker_email = format!("sagsbehandler-{tag}@skala.mitforlob.dk");
    let user_cols = [
        "id",
        "role",
        "display_name",
        "email",
        "password_hash",
        "created_at",
    ];
    let mut users = vec![vec![
        s(&caseworker_id),
        s("caseworker"),
        s(format!("Sagsbehandler {tag}")),
        s(&caseworker_email),
        s(&hash),
        V::I(now),
    ]];
    let citizens: Vec<String> = (0..scale.citizens.max(1)).map(|_| new_id()).collect();
    for (n, id) in citizens.iter().enumerate() {
        users.push(vec![
            s(id),
            s("citizen"),
            s(format!("Borger {n:04} {tag}")),
            s(format!("borger-{n}-{tag}@skala.mitforlob.dk")),
            s(&hash),
            V::I(now),
        ]);
    }
    insert(&mut tx, "users", &user_cols, users).await?;
    insert(
        &mut tx,
        "caseload_assignments",
        &["id", "caseworker_id", "citizen_id", "assigned_at"],
        citizens
            .iter()
            .map(|c| vec![s(new_id()), s(&caseworker_id), s(c), V::I(now)])
            .collect(),
    )
    .await?;

    // A course each, begun up to two years ago, with activities around today.
    let mut courses = Vec::new();
    let mut activities = Vec::new();
    let mut threads = Vec::new();
    let mut messages = Vec::new();
    let mut thread_of = Vec::new();
    for (n, citizen) in citizens.iter().enumerate() {
        let course = new_id();
        let start = today
            .checked_sub(((n % 700) as i64).days())
            .map_err(|_| sqlx::Error::Protocol("date out of range".into()))?;
        let end = start
            .checked_add(3.years())
            .map_err(|_| sqlx::Error::Protocol("date out of range".into()))?;
        courses.push(vec![
            s(&course),
            s(citizen),
            s("ressourceforloeb"),
            s("active"),
            s(start.to_string()),
            s(end.to_string()),
            V::I(now),
            V::I(now),
        ]);
        for k in 0..5i64 {
            let status = if k < 2 { "completed" } else { "planned" };
            activities.push(vec![
                s(new_id()),
                s(&course),
                s("meeting"),
                s(status),
                s(format!("Samtale {k}")),
                V::I(now + (k - 2) * 7 * day_ms + (n as i64) * 60_000),
                V::I(now),
                V::I(now),
            ]);
        }
        let thread = new_id();
        threads.push(vec![
            s(&thread),
            s(citizen),
            s("Spørgsmål om planen"),
            s(citizen),
            V::I(now - day_ms),
            V::I(now - day_ms),
        ]);
        // A question from the citizen, every third one still unread.
        messages.push(vec![
            s(new_id()),
            s(&thread),
            s(citizen),
            s("Hvornår er næste samtale?"),
            s(new_id()),
            V::I(now - day_ms),
            if n % 3 == 0 { V::Null } else { V::I(now) },
        ]);
        thread_of.push(thread);
    }
    insert(
        &mut tx,
        "courses",
        &[
            "id",
            "citizen_id",
            "kind",
            "status",
            "start_date",
            "planned_end_date",
            "created_at",
            "updated_at",
        ],
        courses,
    )
    .await?;
    insert(
        &mut tx,
        "activities",
        &[
            "id",
            "course_id",
            "kind",
            "status",
            "title",
            "starts_at",
            "created_at",
            "updated_at",
        ],
        activities,
    )
    .await?;
    insert(
        &mut tx,
        "message_threads",
        &[
            "id",
            "citizen_id",
            "subject",
            "created_by",
            "created_at",
            "last_message_at",
        ],
        threads,
    )
    .await?;

    // The long thread: the first citizen and the caseworker taking turns,
    // all read but the last one.
    let citizen_id = citizens[0].clone();
    let long_thread_id = thread_of[0].clone();
    let first = now - (scale.messages as i64 + 1) * 60_000;
    for k in 0..scale.messages {
        let sender = if k % 2 == 0 { &citizen_id } else { &caseworker_id };
        let sent = first + (k as i64) * 60_000;
        messages.push(vec![
            s(new_id()),
            s(&long_thread_id),
            s(sender),
            s(format!("Besked nummer {k} i en lang samtale.")),
            s(new_id()),
            V::I(sent),
            if k + 1 == scale.messages {
                V::Null
            } else {
                V::I(sent + 1)
            },
        ]);
    }
    insert(
        &mut tx,
        "messages",
        &[
            "id",
            "thread_id",
            "sender_id",
            "body",
            "idempotency_key",
            "sent_at",
            "read_at",
        ],
        messages,
    )
    .await?;
    sqlx::query("UPDATE message_threads SET last_message_at = $1 WHERE id = $2")
        .bind(now)
        .bind(&long_thread_id)
        .execute(&mut *tx)
        .await?;

    // Years of daily wellbeing for the same citizen, shared; a month for
    // everyone else (as many log, so no one citizen is most of the table).
    let mut wellbeing = Vec::new();
    let days = citizens
        .iter()
        .enumerate()
        .flat_map(|(n, c)| (0..if n == 0 { scale.wellbeing_days } else { 30 }).map(move |d| (c, d)));
    for (citizen, d) in days {
        let day = today
            .checked_sub((d as i64).days())
            .map_err(|_| sqlx::Error::Protocol("date out of range".into()))?;
        let v = 1 + (d % 5) as i64;
        wellbeing.push(vec![
            s(new_id()),
            s(citizen),
            s(day.to_string()),
            V::I(v),
            V::I(6 - v),
            V::I(v),
            V::I(3),
            V::I(1),
            s(new_id()),
            V::I(now - (d as i64) * day_ms),
            V::I(now - (d as i64) * day_ms),
        ]);
    }
    insert(
        &mut tx,
        "wellbeing_entries",
        &[
            "id",
            "citizen_id",
            "entry_date",
            "mood",
            "energy",
            "pain",
            "sleep",
            "shared",
            "idempotency_key",
            "created_at",
            "updated_at",
        ],
        wellbeing,
    )
    .await?;

    // The caseworker's reads over the past year, spread over the caseload.
    let mut audit = Vec::new();
    for k in 0..scale.audit_rows {
        let at = now - (k as i64) * 5 * 60_000 - 1;
        audit.push(vec![
            s(new_id()),
            s(&caseworker_id),
            s("caseworker"),
            s(&citizens[k % citizens.len()]),
            s(AuditAction::CitizenSummary.as_str()),
            s("case_work"),
            V::I(at),
            V::I(read_window(at)),
        ]);
    }
    insert(
        &mut tx,
        "audit_events",
        &[
            "id",
            "actor_id",
            "actor_role",
            "citizen_id",
            "action",
            "purpose",
            "at",
            "window_start",
        ],
        audit,
    )
    .await?;
    tx.commit().await?;
    Ok(Made {
        caseworker_id,
        caseworker_email,
        citizen_id,
        citizen_email: format!("borger-0-{tag}@skala.mitforlob.dk"),
        long_thread_id,
    })
}

/// Fresh planner statistics, as an operator runs after a bulk load. The
/// queries must not need them to pick their indexes: the plan test looks at
/// the plans both before and after.
pub async fn analyze(db: &Db) -> Result<(), sqlx::Error> {
    sqlx::query("ANALYZE").execute(db.pool()).await?;
    Ok(())
}
