//! Slow and idle clients cannot take the service down: the real server on a
//! loopback port, with many half-sent requests open at once. Connection
//! handling does not depend on the database, so these run on SQLite only.
mod support;

use app::db::Db;
use server::config::ServeSettings;
use std::net::SocketAddr;
use std::time::{Duration, Instant};
use support::TestDb;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_util::sync::CancellationToken;

struct Running {
    addr: SocketAddr,
    db: Db,
    state: app::state::AppState,
    stop: CancellationToken,
    server: tokio::task::JoinHandle<()>,
    database: TestDb,
}

async fn start(limits: ServeSettings) -> Running {
    // Both ends of every socket live in this process.
    server::serve::raise_fd_limit();
    let database = TestDb::create(false).await;
    let db = database.migrated().await;
    app::seed::seed_demo(&db).await.unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let mut settings = support::settings(&database.url);
    settings.addr = addr;
    let state = server::app_state(&settings, db.clone());
    let router = server::router::build_with(state.clone(), &limits);
    let stop = CancellationToken::new();
    let server = tokio::spawn({
        let stop = stop.clone();
        async move { server::serve::serve(listener, router, &limits, stop).await }
    });
    Running {
        addr,
        db,
        state,
        stop,
        server,
        database,
    }
}

impl Running {
    async fn finish(self) {
        self.stop.cancel();
        tokio::time::timeout(Duration::from_secs(10), self.server)
            .await
            .expect("the server stops")
            .unwrap();
        self.db.close().await;
        self.database.drop_it().await;
    }
}

/// Sends a whole request (`Connection: close`) and reads the whole answer.
async fn request(addr: SocketAddr, raw: &str) -> String {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(raw.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    s.read_to_end(&mut answer).await.unwrap();
    String::from_utf8_lossy(&answer).into_owned()
}

const HEALTH: &str = "GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";

/// Opens `n` connections that each send half a request and then nothing.
async fn idle_sockets(addr: SocketAddr, n: usize) -> Vec<TcpStream> {
    let mut sockets = Vec::with_capacity(n);
    for _ in 0..n {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET /login HTTP/1.1\r\nHost: localhost\r\nAccept: text/h")
            .await
            .unwrap();
        sockets.push(s);
    }
    sockets
}

/// True when the server closed the socket (end of file or reset) in time.
async fn closed_within(s: &mut TcpStream, limit: Duration) -> bool {
    let mut buf = [0u8; 256];
    let deadline = Instant::now() + limit;
    loop {
        match tokio::time::timeout_at(deadline.into(), s.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            // A 408 or similar before closing is fine.
            Ok(Ok(_)) => continue,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_idle_sockets_do_not_stop_a_normal_request() {
    let header_timeout = Duration::from_secs(3);
    let app = start(ServeSettings {
        header_timeout,
        ..ServeSettings::default()
    })
    .await;
    let opened = Instant::now();
    let mut idle = idle_sockets(app.addr, 500).await;
    let asked = Instant::now();
    let answer = request(app.addr, HEALTH).await;
    let took = asked.elapsed();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(took < Duration::from_secs(1), "answered after {took:?}");
    // …while the idle ones were still open (before their timeout).
    assert!(
        opened.elapsed() < header_timeout,
        "the test was too slow to show anything"
    );
    // Then the server closes every idle socket after the header timeout.
    let mut still_open = 0;
    for s in &mut idle {
        if !closed_within(s, header_timeout + Duration::from_secs(3)).await {
            still_open += 1;
        }
    }
    assert_eq!(still_open, 0, "idle sockets left open after the header timeout");
    assert!(opened.elapsed() >= header_timeout, "closed before the timeout");
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_above_the_cap_wait_and_are_then_served() {
    let app = start(ServeSettings {
        header_timeout: Duration::from_secs(1),
        max_connections: 20,
        ..ServeSettings::default()
    })
    .await;
    let _idle = idle_sockets(app.addr, 20).await;
    let asked = Instant::now();
    let answer = tokio::time::timeout(Duration::from_secs(10), request(app.addr, HEALTH))
        .await
        .expect("served once the idle ones timed out");
    let took = asked.elapsed();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // Not accepted while 20 connections were open: it waited for a slot.
    assert!(
        took >= Duration::from_millis(500),
        "served after {took:?}: no cap"
    );
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_too_slow_to_arrive_times_out_but_an_event_stream_stays() {
    let app = start(ServeSettings {
        request_timeout: Duration::from_secs(1),
        ..ServeSettings::default()
    })
    .await;
    // A body announced and never finished.
    let mut slow = TcpStream::connect(app.addr).await.unwrap();
    slow.write_all(
        b"POST /api/language HTTP/1.1\r\nHost: localhost\r\nSec-Fetch-Site: same-origin\r\n\
          Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nlang=",
    )
    .await
    .unwrap();
    let mut answer = vec![0u8; 1024];
    let n = tokio::time::timeout(Duration::from_secs(5), slow.read(&mut answer))
        .await
        .expect("answered within the request timeout")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer[..n]).into_owned();
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");

    // An event stream outlives the request timeout.
    let ali: String = sqlx::query_scalar("SELECT id FROM users WHERE email = 'ali@demo.mitforlob.dk'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let token = app::auth::session::create(&app.db, &app.state.config, &ali)
        .await
        .unwrap();
    let cookie = format!(
        "{}={token}",
        app::auth::session::cookie_name(app.state.config.secure_cookies)
    );
    let thread: String = sqlx::query_scalar(
        "SELECT t.id FROM message_threads t JOIN users u ON u.id = t.citizen_id \
         WHERE u.email = 'ali@demo.mitforlob.dk' LIMIT 1",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let mut stream = TcpStream::connect(app.addr).await.unwrap();
    stream
        .write_all(
            format!(
                "GET /events/threads/{thread} HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\nCookie: {cookie}\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let mut head = vec![0u8; 1024];
    let n = stream.read(&mut head).await.unwrap();
    assert!(String::from_utf8_lossy(&head[..n]).starts_with("HTTP/1.1 200"));
    assert!(
        !closed_within(&mut stream, Duration::from_millis(2500)).await,
        "the event stream was cut"
    );
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_kept_alive_connection_is_closed_after_the_header_timeout() {
    let app = start(ServeSettings {
        header_timeout: Duration::from_secs(1),
        ..ServeSettings::default()
    })
    .await;
    let mut s = TcpStream::connect(app.addr).await.unwrap();
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n")
        .await
        .unwrap();
    let mut answer = vec![0u8; 1024];
    let n = s.read(&mut answer).await.unwrap();
    assert!(String::from_utf8_lossy(&answer[..n]).starts_with("HTTP/1.1 200"));
    // Kept alive after the answer, but not for ever.
    let idle_from = Instant::now();
    assert!(closed_within(&mut s, Duration::from_secs(4)).await, "kept open");
    assert!(
        idle_from.elapsed() >= Duration::from_millis(900),
        "closed too early"
    );
    app.finish().await;
}
