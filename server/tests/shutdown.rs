//! A stop with requests in flight: the real server binary gets SIGTERM while
//! logins (argon2) run, a form is half sent and an event stream is open.
//! Everything already sent must be answered and stored, the stream must
//! end, and the process must exit 0 within the grace period.
mod support;

use app::db::{new_id, Db};
use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::{free_addr, TestDb};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const GRACE_SECONDS: u64 = 20;

/// Reads one whole answer of a `Connection: close` request.
async fn read_all(s: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    tokio::time::timeout(
        Duration::from_secs(GRACE_SECONDS + 10),
        s.read_to_end(&mut answer),
    )
    .await
    .expect("answered")
    .expect("read");
    String::from_utf8_lossy(&answer).into_owned()
}

fn form(path: &str, body: &str, cookie: Option<&str>) -> String {
    let cookie = cookie.map(|c| format!("Cookie: {c}\r\n")).unwrap_or_default();
    format!(
        "POST {path} HTTP/1.1\r\nHost: localhost\r\nAccept: text/html\r\nSec-Fetch-Site: same-origin\r\nConnection: close\r\n{cookie}\
         Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

fn login_form(email: &str) -> String {
    form(
        "/api/login",
        &format!(
            "email={}&password={}",
            email.replace('@', "%40"),
            app::seed::DEMO_PASSWORD
        ),
        None,
    )
}

async fn send(addr: SocketAddr, raw: &str) -> TcpStream {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(raw.as_bytes()).await.unwrap();
    s
}

async fn run(postgres: bool) {
    let database = TestDb::create(postgres).await;
    let url = database.url.clone();
    let (thread, users) = {
        let db = database.migrated().await;
        app::seed::seed_demo(&db).await.unwrap();
        let thread: String = sqlx::query_scalar(
            "SELECT t.id FROM message_threads t JOIN users u ON u.id = t.citizen_id \
             WHERE u.email = 'ali@demo.mitforlob.dk' LIMIT 1",
        )
        .fetch_one(db.pool())
        .await
        .unwrap();
        db.close().await;
        (thread, ["sofie", "birgitte", "mette"])
    };
    let addr = free_addr();
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("serve")
        .env("DATABASE_URL", &url)
        .env("MITFORLOB_ADDR", addr.to_string())
        .env("MITFORLOB_SECURE_COOKIES", "false")
        .env("MITFORLOB_SHUTDOWN_GRACE_SECONDS", GRACE_SECONDS.to_string())
        .env("LEPTOS_SITE_ROOT", std::env::temp_dir())
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    // Up when it answers.
    let started = Instant::now();
    while TcpStream::connect(addr).await.is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the server did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let mut s = send(addr, &login_form("ali@demo.mitforlob.dk")).await;
    let answer = read_all(&mut s).await;
    let cookie = answer
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .unwrap_or_else(|| panic!("logged in: {answer}"))
        .split(';')
        .next()
        .unwrap()
        .to_string();

    // An open event stream.
    let mut stream = send(
        addr,
        &format!(
            "GET /events/threads/{thread} HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\nCookie: {cookie}\r\n\r\n"
        ),
    )
    .await;
    let mut head = vec![0u8; 1024];
    let n = stream.read(&mut head).await.unwrap();
    assert!(String::from_utf8_lossy(&head[..n]).starts_with("HTTP/1.1 200"));

    // A reply whose body is only half sent when the stop comes.
    let text = format!("Sendt lige før genstart {}", new_id());
    let body = format!(
        "thread_id={thread}&body={}&form_key={}",
        text.replace(' ', "+").replace('ø', "%C3%B8"),
        new_id()
    );
    let raw = form("/api/send-message", &body, Some(&cookie));
    let (first, rest) = raw.split_at(raw.len() - body.len() / 2);
    let mut reply = send(addr, first).await;
    // Logins in progress: argon2 takes a while.
    let mut logins = Vec::new();
    for u in users {
        logins.push(send(addr, &login_form(&format!("{u}@demo.mitforlob.dk"))).await);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;

    let stopped_at = Instant::now();
    // SAFETY: kill only sends a signal to our own child.
    #[allow(unsafe_code)]
    let sent = unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    assert_eq!(sent, 0);

    // No new connections once the stop has begun…
    let mut refused = false;
    for _ in 0..40 {
        if TcpStream::connect(addr).await.is_err() {
            refused = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(refused, "still accepting connections after SIGTERM");
    // …but what was already sent is finished and answered as done.
    reply.write_all(rest.as_bytes()).await.unwrap();
    let answer = read_all(&mut reply).await;
    assert!(answer.starts_with("HTTP/1.1 302"), "{answer}");
    assert!(
        answer.contains("notice=messages.sent"),
        "the reply is answered as sent: {answer}"
    );
    for mut s in logins {
        let answer = read_all(&mut s).await;
        assert!(answer.starts_with("HTTP/1.1 302"), "{answer}");
        assert!(answer.contains("set-cookie: "), "{answer}");
    }
    // The event stream ends, so the browser reconnects elsewhere.
    let mut rest_of_stream = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), stream.read_to_end(&mut rest_of_stream))
        .await
        .expect("the event stream ended")
        .unwrap();

    // The process exits 0 within the grace period.
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if stopped_at.elapsed() > Duration::from_secs(GRACE_SECONDS) {
            let _ = child.kill();
            panic!("still running {GRACE_SECONDS} s after SIGTERM");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(status.code(), Some(0), "exit status");

    // Every answered write is in the database.
    if !postgres {
        let wal = format!("{}-wal", url.trim_start_matches("sqlite://"));
        let wal_len = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        assert_eq!(wal_len, 0, "the write-ahead log was checkpointed at stop");
    }
    let db = Db::connect(&url).await.unwrap();
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE body = $1")
        .bind(&text)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(stored, 1, "the reply answered as sent is stored once");
    for u in users {
        let sessions: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = $1",
        )
        .bind(format!("{u}@demo.mitforlob.dk"))
        .fetch_one(db.pool())
        .await
        .unwrap();
        assert_eq!(sessions, 1, "{u}'s login answered as done is stored");
    }
    db.close().await;
    database.drop_it().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_requests_in_flight_ends_streams_and_exits_0_sqlite() {
    run(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_requests_in_flight_ends_streams_and_exits_0_postgres() {
    run(true).await;
}
