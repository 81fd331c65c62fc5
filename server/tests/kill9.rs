//! Kill -9 under write load: the real server binary, real databases.
//!
//! Each cycle starts the server, lets writers send replies (each with its own
//! form key) as fast as they can, kills the process with SIGKILL at a random
//! moment, starts it again and checks the database: every reply answered
//! "sent" is there exactly once. Replies whose answer was cut off are sent
//! again with the same key, as the offline queue would, and must then also be
//! there exactly once. Prints the figures: acknowledged, lost, duplicated.
mod support;

use app::db::{new_id, Db};
use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::{client, form, free_port, report, TestDb};

const WRITERS: usize = 4;

fn server(url: &str, port: u16, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_server"));
    cmd.args(args)
        .env("DATABASE_URL", url)
        .env("MITFORLOB_ADDR", format!("127.0.0.1:{port}"))
        .env("LEPTOS_SITE_ROOT", std::env::temp_dir())
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    cmd
}

// The child is handed to the caller, which kills and waits for it; the lint
// cannot see past the return.
#[allow(clippy::zombie_processes)]
async fn start(url: &str, port: u16) -> Child {
    let mut child = server(url, port, &["serve"]).spawn().expect("start the server");
    let http = client();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = http.get(format!("http://127.0.0.1:{port}/login")).send().await {
            if r.status().is_success() {
                return child;
            }
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("server did not start");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn post(http: &reqwest::Client, port: u16, path: &str, body: String, cookie: &str) -> Option<String> {
    let r = http
        .post(format!("http://127.0.0.1:{port}{path}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .header("cookie", cookie)
        .body(body)
        .send()
        .await
        .ok()?;
    r.headers()
        .get("location")
        .and_then(|l| l.to_str().ok())
        .map(str::to_string)
}

/// One reply: its text and its form key.
#[derive(Clone)]
struct Reply {
    body: String,
    key: String,
}

async fn send(http: &reqwest::Client, port: u16, thread: &str, cookie: &str, r: &Reply) -> bool {
    let body = form(&[("thread_id", thread), ("body", &r.body), ("form_key", &r.key)]);
    post(http, port, "/api/send-message", body, cookie)
        .await
        .is_some_and(|l| l.contains("notice=messages.sent"))
}

async fn counts(db: &Db, thread: &str) -> HashMap<String, i64> {
    use sqlx::Row;
    let rows = sqlx::query("SELECT body, COUNT(*) AS n FROM messages WHERE thread_id = $1 GROUP BY body")
        .bind(thread)
        .fetch_all(db.pool())
        .await
        .unwrap();
    rows.iter()
        .map(|r| (r.get::<String, _>("body"), r.get::<i64, _>("n")))
        .collect()
}

async fn kill_cycles(postgres: bool, cycles: usize) {
    let t = TestDb::create(postgres).await;
    let seeded = server(&t.url, 0, &["seed-demo"]).status().unwrap();
    assert!(seeded.success());
    let db = Db::connect(&t.url).await.unwrap();
    let thread: String = sqlx::query_scalar(
        "SELECT t.id FROM message_threads t JOIN users u ON u.id = t.citizen_id \
         WHERE u.email = 'ali@demo.mitforlob.dk' ORDER BY t.id LIMIT 1",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();

    let port = free_port();
    let mut child = start(&t.url, port).await;
    let http = client();
    // One login: the session lives in the database and outlives every kill.
    let login = form(&[
        ("email", "ali@demo.mitforlob.dk"),
        ("password", app::seed::DEMO_PASSWORD),
    ]);
    let r = http
        .post(format!("http://127.0.0.1:{port}/api/login"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "same-origin")
        .body(login)
        .send()
        .await
        .unwrap();
    let cookie = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();

    let mut acknowledged: Vec<Reply> = Vec::new();
    let mut unanswered: Vec<Reply> = Vec::new();
    for cycle in 0..cycles {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let mut tasks = Vec::new();
        for w in 0..WRITERS {
            let (http, cookie, thread, stop) = (http.clone(), cookie.clone(), thread.clone(), stop.clone());
            tasks.push(tokio::spawn(async move {
                let (mut acked, mut cut) = (Vec::new(), Vec::new());
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let r = Reply {
                        body: format!("kill9 c{cycle} w{w} n{n}"),
                        key: format!("kill9-{}", new_id()),
                    };
                    n += 1;
                    if send(&http, port, &thread, &cookie, &r).await {
                        acked.push(r);
                    } else {
                        cut.push(r);
                        // The server is gone: no point in hammering a closed port.
                        break;
                    }
                }
                (acked, cut)
            }));
        }
        // Kill at a different moment each cycle, while writes are in flight.
        let ms = 150 + (rand::random::<u64>() % 450);
        tokio::time::sleep(Duration::from_millis(ms)).await;
        child.kill().unwrap();
        child.wait().unwrap();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for task in tasks {
            let (acked, cut) = task.await.unwrap();
            acknowledged.extend(acked);
            unanswered.extend(cut);
        }
        child = start(&t.url, port).await;
    }

    // Everything acknowledged survived every kill, once.
    let found = counts(&db, &thread).await;
    let lost = acknowledged
        .iter()
        .filter(|r| !found.contains_key(&r.body))
        .count();
    let duplicated = found
        .iter()
        .filter(|(b, n)| b.starts_with("kill9") && **n > 1)
        .count();
    // Sent again with the same key, what was cut off is stored exactly once.
    for r in &unanswered {
        assert!(
            send(&http, port, &thread, &cookie, r).await,
            "a retry is answered"
        );
    }
    let after = counts(&db, &thread).await;
    let retried_wrong = unanswered
        .iter()
        .filter(|r| after.get(&r.body).copied() != Some(1))
        .count();
    child.kill().unwrap();
    child.wait().unwrap();
    db.close().await;
    report(&format!(
        "kill-9 {}: {cycles} cycles, {} acknowledged, {} cut off and retried, lost {lost}, duplicated {duplicated}, retries not stored once {retried_wrong}",
        if postgres { "postgres" } else { "sqlite" },
        acknowledged.len(),
        unanswered.len(),
    ));
    t.drop_it().await;
    assert!(acknowledged.len() > cycles, "the writers got writes through");
    assert_eq!((lost, duplicated, retried_wrong), (0, 0, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_loses_and_duplicates_nothing_under_kill_9() {
    kill_cycles(false, 8).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_loses_and_duplicates_nothing_under_kill_9() {
    kill_cycles(true, 5).await;
}
