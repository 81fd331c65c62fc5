//! Security headers, cross-site posts, oversized requests, and what a
//! person may not see.
use crate::spawn_app;
use crate::support::{both, TestApp};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

both!(pages_carry_security_headers, |app| {
    let (status, h, body) = app.get("/login", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<html lang=\"da\""));
    let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("script-src 'self' 'nonce-"), "{csp}");
    assert!(
        csp.contains("'wasm-unsafe-eval'") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    // The nonce in the header is the one on the page's inline script.
    let nonce = csp.split("'nonce-").nth(1).unwrap().split('\'').next().unwrap();
    assert!(body.contains(&format!("nonce=\"{nonce}\"")));
    assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(h[header::REFERRER_POLICY], "same-origin");
    assert_eq!(h[header::CACHE_CONTROL], "no-store");
});

both!(cross_site_posts_are_refused_and_change_nothing, |app| {
    let cookie = app.login("mette@demo.mitforlob.dk").await;
    let req = Request::post("/api/invite-citizen")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header("sec-fetch-site", "cross-site")
        .header(header::COOKIE, &cookie)
        .body(Body::from("name=Eve&email=eve%40example.dk"))
        .unwrap();
    let (status, _, _) = app.send(req).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let req = Request::post("/api/invite-citizen")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::HOST, "127.0.0.1:3000")
        .header(header::COOKIE, &cookie)
        .body(Body::from("name=Eve&email=eve%40example.dk"))
        .unwrap();
    let (status, _, _) = app.send(req).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let n: i64 = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users WHERE email = 'eve@example.dk'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(n, 0);
});

both!(what_you_may_not_see_is_not_found, |app| {
    let citizen = app.login("ali@demo.mitforlob.dk").await;
    let (status, _, body) = app.get("/caseload", Some(&citizen)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("Siden findes ikke"));
    let coordinator = app.login("lars@demo.mitforlob.dk").await;
    let sofie: String =
        sqlx::query_scalar::<_, String>("SELECT id FROM users WHERE email = 'sofie@demo.mitforlob.dk'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let (status, _, _) = app
        .get(&format!("/caseload/citizens/{sofie}"), Some(&coordinator))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let caseworker = app.login("mette@demo.mitforlob.dk").await;
    let (status, _, body) = app
        .get(&format!("/caseload/citizens/{sofie}"), Some(&caseworker))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Sofie Larsen"));
    let (status, _, _) = app
        .get("/caseload/citizens/no-such-citizen", Some(&caseworker))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
});

both!(oversized_requests_are_refused, |app| {
    let big = format!(
        "email=a%40b.dk&password={}",
        "x".repeat(server::router::BODY_LIMIT + 1)
    );
    let (status, _, _) = app.post_form("/api/login", &big, None).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
});
