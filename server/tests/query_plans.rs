//! The pages stay cheap as data grows: with a municipality's worth of data
//! (1,000 citizens on one caseload, 10,000 messages in one thread, three years
//! of daily wellbeing, a large audit log) every statement the pages run is
//! planned without a full scan of a large table, on both databases, before
//! and after the planner's statistics are refreshed; and a page seen again
//! with nothing new on it writes nothing.
//!
//! The statements are not listed by hand (a list would miss the next query):
//! sqlx reports each statement it runs as a `sqlx::query` tracing event, which
//! a layer here collects while the pages are fetched through the router.
//! SQLite's plans come from `EXPLAIN QUERY PLAN`; PostgreSQL's from `EXPLAIN`
//! of the statement prepared with a generic plan (what any value would get).
mod support;

use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;
use support::TestApp;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

/// Tables that grow with time and use, not with the people on one page.
const LARGE: [&str; 4] = ["messages", "audit_events", "wellbeing_entries", "activities"];

static SEEN: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

/// Collects the text of every statement sqlx runs.
struct Statements;

impl<S: tracing::Subscriber> Layer<S> for Statements {
    fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
        if event.metadata().target() != "sqlx::query" {
            return;
        }
        #[derive(Default)]
        struct Fields {
            summary: String,
            statement: String,
        }
        impl tracing::field::Visit for Fields {
            fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
                match field.name() {
                    "summary" => self.summary = value.to_string(),
                    "db.statement" => self.statement = value.to_string(),
                    _ => {}
                }
            }
            fn record_debug(&mut self, _: &tracing::field::Field, _: &dyn std::fmt::Debug) {}
        }
        let mut f = Fields::default();
        event.record(&mut f);
        // sqlx leaves `db.statement` empty when the summary is the whole text.
        let sql = if f.statement.trim().is_empty() {
            f.summary
        } else {
            f.statement
        };
        SEEN.lock().unwrap().insert(sql.trim().to_string());
    }
}

fn collect_statements() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let subscriber = tracing_subscriber::registry().with(Statements);
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber in this test binary");
    });
}

/// Statements that read: the ones a plan can get wrong. Transaction control,
/// pragmas and plain inserts have no plan worth checking.
fn planned(sql: &str) -> bool {
    let head = sql.split_whitespace().next().unwrap_or("").to_ascii_uppercase();
    matches!(head.as_str(), "SELECT" | "UPDATE" | "DELETE" | "WITH")
        || (head == "INSERT" && sql.to_ascii_uppercase().contains("SELECT"))
}

fn placeholders(sql: &str) -> usize {
    let b = sql.as_bytes();
    let mut max = 0;
    for (i, c) in b.iter().enumerate() {
        if *c == b'$' {
            let digits: String = sql[i + 1..].chars().take_while(|c| c.is_ascii_digit()).collect();
            if let Ok(n) = digits.parse::<usize>() {
                max = max.max(n);
            }
        }
    }
    max
}

/// Large tables by the names a statement gives them (table or alias).
fn large_names(sql: &str) -> BTreeSet<String> {
    const KEYWORDS: [&str; 14] = [
        "WHERE", "ON", "JOIN", "LEFT", "INNER", "ORDER", "GROUP", "LIMIT", "SET", "USING", "CROSS", "UNION",
        "AS", "VALUES",
    ];
    let words: Vec<&str> = sql
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let mut names = BTreeSet::new();
    for (i, w) in words.iter().enumerate() {
        if !matches!(
            w.to_ascii_uppercase().as_str(),
            "FROM" | "JOIN" | "UPDATE" | "INTO"
        ) {
            continue;
        }
        let Some(table) = words.get(i + 1).filter(|t| LARGE.contains(t)) else {
            continue;
        };
        names.insert(table.to_string());
        let mut next = i + 2;
        if words.get(next).is_some_and(|w| w.eq_ignore_ascii_case("AS")) {
            next += 1;
        }
        if let Some(alias) = words.get(next) {
            if !KEYWORDS.contains(&alias.to_ascii_uppercase().as_str()) {
                names.insert(alias.to_string());
            }
        }
    }
    names
}

/// The full scans of large tables in SQLite's plan of `sql`.
async fn sqlite_scans(db: &app::db::Db, sql: &str) -> (Vec<String>, String) {
    let text = format!("EXPLAIN QUERY PLAN {sql}");
    let mut q = sqlx::query_as::<_, (i64, i64, i64, String)>(&text);
    for _ in 0..placeholders(sql) {
        q = q.bind(None::<String>);
    }
    let rows = q
        .fetch_all(db.pool())
        .await
        .unwrap_or_else(|e| panic!("EXPLAIN QUERY PLAN failed: {e}\n{sql}"));
    let names = large_names(sql);
    let plan: Vec<String> = rows.into_iter().map(|r| r.3).collect();
    let scans = plan
        .iter()
        .filter(|d| {
            d.strip_prefix("SCAN ")
                .and_then(|rest| rest.split_whitespace().next())
                .is_some_and(|name| names.contains(name))
        })
        .cloned()
        .collect();
    (scans, plan.join("\n"))
}

/// The full scans of large tables in PostgreSQL's generic plan of `sql`.
async fn postgres_scans(db: &app::db::Db, sql: &str) -> (Vec<String>, String) {
    use sqlx::Executor;
    let mut conn = db.pool().acquire().await.unwrap();
    conn.execute("SET plan_cache_mode = force_generic_plan")
        .await
        .unwrap();
    let n = placeholders(sql);
    // Parameter types are inferred; the few PostgreSQL cannot infer
    // (`$3 IS NULL`) are declared text, as sqlx sends them.
    let mut types = vec!["unknown"; n];
    loop {
        // Only our own statement: sqlx keeps its prepared ones on this connection.
        let _ = conn.execute("DEALLOCATE q").await;
        let prepare = if n == 0 {
            format!("PREPARE q AS {sql}")
        } else {
            format!("PREPARE q ({}) AS {sql}", types.join(", "))
        };
        match conn.execute(prepare.as_str()).await {
            Ok(_) => break,
            Err(e) => {
                let text = e.to_string();
                let Some(k) = text
                    .split("parameter $")
                    .nth(1)
                    .and_then(|r| {
                        r.chars()
                            .take_while(char::is_ascii_digit)
                            .collect::<String>()
                            .parse::<usize>()
                            .ok()
                    })
                    .filter(|k| (1..=n).contains(k) && types[k - 1] == "unknown")
                else {
                    panic!("PREPARE failed: {text}\n{sql}");
                };
                types[k - 1] = "text";
            }
        }
    }
    let args = vec!["NULL"; n].join(", ");
    let explain = if n == 0 {
        "EXPLAIN EXECUTE q".to_string()
    } else {
        format!("EXPLAIN EXECUTE q({args})")
    };
    let plan: Vec<String> = sqlx::query_scalar::<_, String>(&explain)
        .fetch_all(&mut *conn)
        .await
        .unwrap_or_else(|e| panic!("EXPLAIN failed: {e}\n{sql}"));
    conn.execute("DEALLOCATE q").await.unwrap();
    conn.execute("RESET plan_cache_mode").await.unwrap();
    let scans = plan
        .iter()
        .filter(|line| {
            line.split("Seq Scan on ")
                .nth(1)
                .and_then(|rest| rest.split_whitespace().next())
                .is_some_and(|table| LARGE.contains(&table))
        })
        .map(|l| l.trim().to_string())
        .collect();
    (scans, plan.join("\n"))
}

/// Fetches every page the scaled data shows, as the people who see them.
async fn visit_pages(app: &TestApp, made: &app::scale::Made) {
    let caseworker = app.login(&made.caseworker_email).await;
    let citizen = app.login(&made.citizen_email).await;
    let activity: String = sqlx::query_scalar(
        "SELECT a.id FROM activities a JOIN courses c ON c.id = a.course_id WHERE c.citizen_id = $1 LIMIT 1",
    )
    .bind(&made.citizen_id)
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let thread = format!("/messages/{}", made.long_thread_id);
    let citizen_page = format!("/caseload/citizens/{}", made.citizen_id);
    let activity_page = format!("/activities/{activity}");
    let pages: Vec<(&str, &str)> = vec![
        (&caseworker, "/caseload"),
        (&caseworker, "/caseload?filter=unread"),
        (&caseworker, "/caseload?filter=wellbeing-falling"),
        (&caseworker, "/inbox"),
        (&caseworker, &thread),
        (&caseworker, &citizen_page),
        (&caseworker, &activity_page),
        (&caseworker, "/me"),
        (&citizen, "/"),
        (&citizen, "/plan"),
        (&citizen, "/wellbeing"),
        (&citizen, "/messages"),
        (&citizen, &thread),
        (&citizen, &activity_page),
        (&citizen, "/me"),
        (&citizen, "/me/data"),
        (&citizen, "/me/data.json"),
    ];
    for (cookie, path) in pages {
        let (status, _, body) = app.get(path, Some(cookie)).await;
        assert_eq!(status, 200, "{path}: {body}");
    }
    // The staff pages of the demo people look at the same tables.
    for (email, path) in [
        ("lars@demo.mitforlob.dk", "/requests"),
        ("henrik@demo.mitforlob.dk", "/admin"),
    ] {
        let cookie = app.login(email).await;
        let (status, _, body) = app.get(path, Some(&cookie)).await;
        assert_eq!(status, 200, "{path}: {body}");
    }
}

async fn scans(app: &TestApp, sql: &str) -> (Vec<String>, String) {
    if app.postgres {
        postgres_scans(&app.db, sql).await
    } else {
        sqlite_scans(&app.db, sql).await
    }
}

async fn check_plans(app: &TestApp, when: &str) -> usize {
    // The check itself sees a full scan when there is one.
    let canary = "SELECT COUNT(*) FROM messages m WHERE m.body = $1";
    let (found, plan) = scans(app, canary).await;
    assert!(
        !found.is_empty(),
        "no full scan seen in the plan of {canary}:\n{plan}"
    );
    let statements: Vec<String> = SEEN
        .lock()
        .unwrap()
        .iter()
        .filter(|s| planned(s))
        .cloned()
        .collect();
    assert!(
        statements.len() > 20,
        "the layer saw only {} statements: is sqlx still reporting them?",
        statements.len()
    );
    let mut failures = Vec::new();
    for sql in &statements {
        let (found, plan) = scans(app, sql).await;
        if !found.is_empty() {
            failures.push(format!("{sql}\n  full scan: {found:?}\n  plan:\n{plan}\n"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} statements scan a large table ({when}, {}):\n\n{}",
        failures.len(),
        statements.len(),
        if app.postgres { "PostgreSQL" } else { "SQLite" },
        failures.join("\n")
    );
    statements.len()
}

async fn plans_at_scale(postgres: bool) {
    collect_statements();
    let app = TestApp::spawn(postgres).await;
    let scale = app::scale::Scale {
        citizens: 1_000,
        messages: 10_000,
        wellbeing_days: 3 * 365,
        audit_rows: 20_000,
    };
    let started = std::time::Instant::now();
    let made = app::scale::seed_scale(&app.db, &scale, "plans").await.unwrap();
    let seeded = started.elapsed();
    // Every page twice: the second time shows nothing new and must write
    // none of the page-view rows the first time wrote.
    let window = app::audit::read_window(app::time::now_ms());
    SEEN.lock().unwrap().clear();
    visit_pages(&app, &made).await;
    let first = std::mem::take(&mut *SEEN.lock().unwrap());
    visit_pages(&app, &made).await;
    let same_window = app::audit::read_window(app::time::now_ms()) == window;
    let view_writes = |sql: &String| {
        sql.starts_with("UPDATE messages SET read_at")
            || sql.starts_with("INSERT INTO plan_visits")
            || (same_window && sql.starts_with("INSERT INTO audit_events"))
    };
    let again: Vec<String> = SEEN
        .lock()
        .unwrap()
        .iter()
        .filter(|s| view_writes(s))
        .cloned()
        .collect();
    assert!(
        again.is_empty(),
        "a view that shows nothing new wrote:\n{}",
        again.join("\n")
    );
    // ...which the first views did write: the reads, the visit, mark-read.
    for kind in [
        "INSERT INTO audit_events",
        "INSERT INTO plan_visits",
        "UPDATE messages SET read_at",
    ] {
        assert!(
            first.iter().any(|s| s.starts_with(kind)),
            "no {kind} in {first:#?}"
        );
    }
    SEEN.lock().unwrap().extend(first);
    let stale = check_plans(&app, "statistics as left by the bulk load").await;
    app::scale::analyze(&app.db).await.unwrap();
    let fresh = check_plans(&app, "after ANALYZE").await;
    println!(
        "query plans ({}): {stale} statements checked before ANALYZE and {fresh} after; seeding took {seeded:?}",
        if postgres { "postgres" } else { "sqlite" }
    );
    // "Hent mine data" for the citizen with three years of data: the file
    // and the page, timed through the router (debug build).
    let citizen = app.login(&made.citizen_email).await;
    for path in ["/me/data.json", "/me/data"] {
        let started = std::time::Instant::now();
        let (status, _, body) = app.get(path, Some(&citizen)).await;
        let took = started.elapsed();
        assert_eq!(status, 200, "{path}");
        println!(
            "export ({}): {path}, {} KB, in {took:?}",
            if postgres { "postgres" } else { "sqlite" },
            body.len() / 1024
        );
        // The whole long thread, to its last message.
        let last = format!("Besked nummer {} i en lang samtale.", scale.messages - 1);
        assert!(body.contains(&last), "{path} lacks the thread's last message");
        assert!(took < std::time::Duration::from_secs(30), "{path} took {took:?}");
    }
    let mut counts = HashMap::new();
    for table in LARGE {
        let text = format!("SELECT COUNT(*) FROM {table}");
        let n: i64 = sqlx::query_scalar(&text).fetch_one(app.db.pool()).await.unwrap();
        counts.insert(table, n);
    }
    assert!(
        counts["messages"] >= 10_000 && counts["activities"] >= 5_000,
        "{counts:?}"
    );
    app.close().await;
}

// One engine after the other: the statements collected are each run's own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_at_scale_never_scan_a_large_table() {
    plans_at_scale(false).await;
    plans_at_scale(true).await;
}
