//! Messages: plain forms, shown as text, followed live.
use crate::spawn_app;
use crate::support::{both, form_value, TestApp};
use axum::http::{header, StatusCode};

both!(a_message_is_a_plain_form_shown_as_text_and_followed_live, |app| {
    let ali = app.login("ali@demo.mitforlob.dk").await;
    let (_, _, page) = app.get("/messages/new", Some(&ali)).await;
    let key = form_value(&page, "form_key");
    let body = "subject=Hej&body=%3Cscript%3Ealert(1)%3C%2Fscript%3E%20javascript%3Aalert(2)&form_key=";
    let mut places = Vec::new();
    // Sent twice (a retry): one thread with one message.
    for _ in 0..2 {
        let (status, h, _) = app
            .post_form("/api/start-thread", &format!("{body}{key}"), Some(&ali))
            .await;
        assert_eq!(status, StatusCode::FOUND);
        places.push(h[header::LOCATION].to_str().unwrap().to_string());
    }
    assert_eq!(places[0], places[1]);
    let path = places[0].split('?').next().unwrap().to_string();
    let thread = path.trim_start_matches("/messages/").to_string();
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE thread_id = $1")
        .bind(&thread)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(count, 1);
    let (status, _, page) = app.get(&path, Some(&ali)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "shown as text"
    );
    assert!(!page.contains("<script>alert(1)"));
    assert!(!page.contains("href=\"javascript:"));
    // An empty reply is refused and stores nothing.
    let (status, h, _) = app
        .post_form(
            "/api/send-message",
            &format!("thread_id={thread}&body=%20%20&form_key={}", "k".repeat(20)),
            Some(&ali),
        )
        .await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(
        h[header::LOCATION],
        format!("{path}?error=messages.body_missing&field=body")
    );
    // Only those who may read the thread may follow it.
    let (status, h) = app.open(&format!("/events/threads/{thread}"), Some(&ali)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "text/event-stream");
    let sofie = app.login("sofie@demo.mitforlob.dk").await;
    let (status, _) = app.open(&format!("/events/threads/{thread}"), Some(&sofie)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _, _) = app.get(&path, Some(&sofie)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
});
