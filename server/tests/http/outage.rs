//! PostgreSQL goes away and comes back: answers while it is gone, and the
//! live listener reconnecting.
use crate::spawn_app;
use crate::support::{self, TestApp};
use app::db::{new_id, Db};
use axum::http::{header, StatusCode};
use http_body_util::BodyExt;

/// Takes the test database away (no new connections, every open one ended),
/// or gives it back.
async fn postgres_reachable(app: &TestApp, reachable: bool) {
    let name = app.pg_name().expect("a PostgreSQL test app");
    let admin = Db::connect(&support::admin_url()).await.unwrap();
    sqlx::query(&format!("ALTER DATABASE {name} ALLOW_CONNECTIONS {reachable}"))
        .execute(admin.pool())
        .await
        .unwrap();
    if !reachable {
        sqlx::query(&format!(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
        ))
        .execute(admin.pool())
        .await
        .unwrap();
    }
    admin.close().await;
}

/// PostgreSQL goes away: a request is answered within seconds with 503 and
/// plain words, the person is not logged out, a sent form comes back with
/// what was typed; once the database is back the same session works.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_outage_answers_try_again_and_never_logs_out() {
    use std::time::{Duration, Instant};
    let app = spawn_app(true).await;
    let ali = app.login("ali@demo.mitforlob.dk").await;
    postgres_reachable(&app, false).await;

    let started = Instant::now();
    let (status, h, body) = app.get("/", Some(&ali)).await;
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert!(body.contains("Du er stadig logget ind"), "{body}");
    assert!(
        !h.contains_key(header::SET_COOKIE),
        "the session cookie must be left alone"
    );
    assert!(!body.contains("NotLoggedIn"));
    // While it is down, the next request does not wait at all.
    let started = Instant::now();
    let (status, _, _) = app.get("/plan", Some(&ali)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "took {:?}",
        started.elapsed()
    );

    // A message sent now: nothing saved, and the text comes back to send again.
    let key = new_id();
    let form = format!("subject=Afbud&body=Jeg+kan+ikke+komme+i+morgen&form_key={key}");
    let (status, h, page) = app.post_form("/api/start-thread", &form, Some(&ali)).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        page.contains("Vi kan ikke gemme lige nu. Intet er gemt. Prøv igen om lidt."),
        "{page}"
    );
    assert!(page.contains("Jeg kan ikke komme i morgen"), "{page}");
    assert!(
        page.contains(&format!("value=\"{key}\"")),
        "the same form key, so a retry stores once"
    );
    assert!(page.contains("action=\"/api/start-thread\""));
    assert!(!h.contains_key(header::SET_COOKIE));

    // Back again: the same session works, by itself, within seconds.
    postgres_reachable(&app, true).await;
    let mut back = None;
    for _ in 0..40 {
        let (status, _, body) = app.get("/", Some(&ali)).await;
        if status == StatusCode::OK {
            back = Some(body);
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let body = back.expect("the service did not recover");
    assert!(body.contains("Hej Ali<"), "{body}");
    // The retry from the "try again" page stores the message once.
    let (status, _, _) = app.post_form("/api/start-thread", &form, Some(&ali)).await;
    assert_eq!(status, StatusCode::FOUND);
    let (status, _, _) = app.post_form("/api/start-thread", &form, Some(&ali)).await;
    assert_eq!(status, StatusCode::FOUND);
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE idempotency_key = $1")
        .bind(&key)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(n, 1);
    app.close().await;
}

/// The live listener loses its connection: once it listens again, every open
/// thread page is told to fetch, so a message sent meanwhile is not missed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_threads_refetch_after_the_event_listener_reconnects() {
    use std::time::Duration;
    let app = spawn_app(true).await;
    let ali = app.login("ali@demo.mitforlob.dk").await;
    let thread: String = sqlx::query_scalar(
        "SELECT t.id FROM message_threads t JOIN users u ON u.id = t.citizen_id WHERE u.email = $1 LIMIT 1",
    )
    .bind("ali@demo.mitforlob.dk")
    .fetch_one(app.db.pool())
    .await
    .unwrap();
    let res = app.stream(&format!("/events/threads/{thread}"), Some(&ali)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let mut events = res.into_body();
    // Every connection ends (the listener's too); new ones are allowed.
    let name = app.pg_name().unwrap();
    let admin = Db::connect(&support::admin_url()).await.unwrap();
    sqlx::query(&format!(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"
    ))
    .execute(admin.pool())
    .await
    .unwrap();
    admin.close().await;
    let frame = tokio::time::timeout(Duration::from_secs(8), async {
        loop {
            let frame = events.frame().await.expect("stream open").expect("frame");
            if let Some(data) = frame.data_ref() {
                let text = String::from_utf8_lossy(data).to_string();
                if text.contains("event: message") {
                    return text;
                }
            }
        }
    })
    .await
    .expect("no refetch event after the listener reconnected");
    assert!(frame.contains("data: new"));
    drop(events);
    app.close().await;
}
