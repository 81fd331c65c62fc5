//! Logging in and out, the session cookie and keeping a session alive.
use crate::spawn_app;
use crate::support::{both, TestApp};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

both!(login_starts_a_session_and_logout_ends_it, |app| {
    let (status, h, _) = app.get("/", None).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(h[header::LOCATION], "/login");

    let cookie = app.login("ali@demo.mitforlob.dk").await;
    let (status, _, body) = app.get("/", Some(&cookie)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("Hej Ali<"), "{body}");

    let (status, h, _) = app.post_form("/api/logout", "", Some(&cookie)).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(h[header::LOCATION], "/login?notice=auth.logged_out");
    // The old cookie no longer opens anything: the session ended on the server.
    let (status, h, _) = app.get("/", Some(&cookie)).await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(h[header::LOCATION], "/login");
});

both!(session_cookie_is_http_only_and_strict, |app| {
    let body = format!(
        "email=mette%40demo.mitforlob.dk&password={}",
        app::seed::DEMO_PASSWORD
    );
    let (_, h, _) = app.post_form("/api/login", &body, None).await;
    let cookie = h[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/"),
        "{cookie}"
    );
});

both!(wrong_and_unknown_logins_get_the_same_answer, |app| {
    let (s1, h1, _) = app
        .post_form("/api/login", "email=ali%40demo.mitforlob.dk&password=wrong", None)
        .await;
    let (s2, h2, _) = app
        .post_form(
            "/api/login",
            "email=nobody%40demo.mitforlob.dk&password=wrong",
            None,
        )
        .await;
    assert_eq!((s1, s2), (StatusCode::FOUND, StatusCode::FOUND));
    assert_eq!(h1[header::LOCATION], "/login?error=auth.login_failed");
    assert_eq!(h2[header::LOCATION], h1[header::LOCATION]);
    // No session: the one cookie keeps the typed address for the form (see below).
    for h in [&h1, &h2] {
        let cookies: Vec<_> = h.get_all(header::SET_COOKIE).iter().collect();
        assert_eq!(cookies.len(), 1, "{cookies:?}");
        assert!(cookies[0].to_str().unwrap().starts_with("draft="), "{cookies:?}");
    }
    let (_, _, page) = app.get("/login?error=auth.login_failed", None).await;
    assert!(page.contains("E-mail eller adgangskode er forkert"));
});

both!(
    a_refused_login_comes_back_with_the_address_but_never_the_password,
    |app| {
        let (status, h, _) = app
            .post_form(
                "/api/login",
                "email=ali%40demo.mitforlob.dk&password=forkert-kode-2026",
                None,
            )
            .await;
        assert_eq!(status, StatusCode::FOUND);
        let draft = h[header::SET_COOKIE].to_str().unwrap();
        assert!(
            draft.starts_with("draft=")
                && draft.contains("HttpOnly")
                && draft.contains("SameSite=Strict")
                && draft.contains("Max-Age=120"),
            "{draft}"
        );
        assert!(
            !draft.contains("forkert"),
            "a password never leaves the server: {draft}"
        );
        let pair = draft.split(';').next().unwrap();
        // Another form's page leaves the address out, and clears it.
        let (_, h, page) = app.get("/activate", Some(pair)).await;
        assert!(!page.contains("ali@demo.mitforlob.dk"));
        assert!(h[header::SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
        // The login page fills it in, once, and clears it; the password field stays empty.
        let (_, h, page) = app.get("/login?error=auth.login_failed", Some(pair)).await;
        assert!(page.contains(r#"value="ali@demo.mitforlob.dk""#), "{page}");
        assert!(!page.contains("forkert-kode"));
        assert!(h[header::SET_COOKIE].to_str().unwrap().starts_with("draft=;"));
        // An empty field is named in the app's own words, before any password check.
        let (_, h, _) = app.post_form("/api/login", "email=&password=noget", None).await;
        assert_eq!(h[header::LOCATION], "/login?error=auth.email_missing&field=email");
    }
);

// "Bliv logget ind" in the idle warning (public/app.js): a live session
// answers 200; an ended one says so in a way the script recognises.
both!(keep_alive_answers_whether_the_session_lives, |app| {
    let ali = app.login("ali@demo.mitforlob.dk").await;
    let keep_alive = |cookie: Option<String>| {
        let mut req = Request::post("/api/keep-alive")
            .header(header::ACCEPT, "application/json")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .header(header::ORIGIN, "http://127.0.0.1:3000");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        req.body(Body::empty()).unwrap()
    };
    let (status, _, _) = app.send(keep_alive(Some(ali.clone()))).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _, body) = app.send(keep_alive(None)).await;
    assert!(!status.is_success());
    assert!(body.contains("NotLoggedIn"), "{status}: {body}");
});
