//! The server as a browser meets it: real router, real database (SQLite and
//! PostgreSQL), requests sent through the whole middleware stack.
use app::db::{new_id, Db};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;

mod support;
use support::{both, own_by_id, TestApp};

/// The subscription test registers this push host; nothing is sent in these tests.
async fn spawn_app(postgres: bool) -> TestApp {
    let limits = server::config::ServeSettings::default();
    TestApp::spawn_with(
        postgres,
        |s| s.push_hosts = Some(vec!["push.example.net".into()]),
        &limits,
    )
    .await
}

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

both!(language_choice_is_remembered, |app| {
    let (status, h, _) = app.post_form("/api/language", "lang=en", None).await;
    assert_eq!(status, StatusCode::FOUND);
    let cookie = h[header::SET_COOKIE]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    assert_eq!(cookie, "lang=en");
    let (_, _, body) = app.get("/login", Some(&cookie)).await;
    assert!(body.contains("<html lang=\"en\"") && body.contains("Log in"));
    // An unknown language is refused and changes nothing.
    let (_, h, _) = app.post_form("/api/language", "lang=xx", None).await;
    assert!(h.get(header::SET_COOKIE).is_none());
});

both!(
    activities_download_as_calendar_files_for_their_citizen_only,
    |app| {
        let activity: String = sqlx::query_scalar::<_, String>(
        "SELECT a.id FROM activities a JOIN courses c ON c.id = a.course_id JOIN users u ON u.id = c.citizen_id \
         WHERE u.email = 'ali@demo.mitforlob.dk' AND a.title = 'Ny praktik: pakkeafdelingen'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
        let ali = app.login("ali@demo.mitforlob.dk").await;
        let (status, h, body) = app
            .get(&format!("/activities/{activity}/calendar.ics"), Some(&ali))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(h[header::CONTENT_TYPE], "text/calendar; charset=utf-8");
        assert!(body.starts_with("BEGIN:VCALENDAR\r\n"), "{body}");
        assert!(body.contains("SUMMARY:Ny praktik: pakkeafdelingen\r\n"));
        assert!(body.contains("LOCATION:Grønt Lager ApS\\, Køge\r\n"));
        let (status, _, page) = app.get(&format!("/activities/{activity}"), Some(&ali)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Prøve opgaver med mindre løft."));

        let sofie = app.login("sofie@demo.mitforlob.dk").await;
        let (status, _, body) = app
            .get(&format!("/activities/{activity}/calendar.ics"), Some(&sofie))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(!body.contains("pakkeafdelingen"));
        let (status, _, _) = app.get(&format!("/activities/{activity}"), Some(&sofie)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, h, _) = app
            .get(&format!("/activities/{activity}/calendar.ics"), None)
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(h[header::LOCATION], "/login");
    }
);

both!(
    the_app_installs_and_keeps_only_a_citizens_own_pages_offline,
    |app| {
        let (status, h, body) = app.get("/manifest.webmanifest", None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(h[header::CONTENT_TYPE], "application/manifest+json");
        let manifest: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(manifest["display"], "standalone");
        assert_eq!(manifest["start_url"], "/");
        let (status, h, body) = app.get("/sw.js", None).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(h[header::CACHE_CONTROL], "no-cache");
        assert!(
            body.starts_with("const BUILD = {") && body.contains("\"version\":"),
            "{}",
            &body[..body.len().min(80)]
        );

        let key_of =
            |h: &axum::http::HeaderMap| h.get("x-offline-key").map(|v| v.to_str().unwrap().to_string());
        let sofie = app.login("sofie@demo.mitforlob.dk").await;
        let (_, h, page) = app.get("/plan", Some(&sofie)).await;
        let sofie_key = key_of(&h).expect("a citizen's page may be kept offline");
        assert!(page.contains(&format!("<meta name=\"mitforlob-owner\" content=\"{sofie_key}\"")));
        // The exact marker the service worker fills in for a page served
        // offline, and the sentence app.js then writes with the page and time.
        assert!(page.contains("data-offline-banner hidden"));
        assert!(page.contains("<span data-offline-sentence>"));
        assert!(!sofie_key.contains(&citizen_id(app, "sofie@demo.mitforlob.dk").await));
        let ali = app.login("ali@demo.mitforlob.dk").await;
        let (_, h, _) = app.get("/plan", Some(&ali)).await;
        assert_ne!(
            key_of(&h).unwrap(),
            sofie_key,
            "one browser, two people: two keys"
        );
        let mette = app.login("mette@demo.mitforlob.dk").await;
        let (_, h, _) = app.get("/caseload", Some(&mette)).await;
        assert_eq!(key_of(&h), None, "staff pages are never kept");
        let (_, h, _) = app.get("/login", None).await;
        assert_eq!(key_of(&h), None);
    }
);

both!(
    an_entry_sent_later_from_the_queue_belongs_to_the_day_it_was_written,
    |app| {
        let sofie = app.login("sofie@demo.mitforlob.dk").await;
        let sofie_id = citizen_id(app, "sofie@demo.mitforlob.dk").await;
        let now = jiff::Timestamp::now();
        let day = |t: jiff::Timestamp| t.to_zoned(app::time::copenhagen()).date().to_string();
        let yesterday = now - jiff::SignedDuration::from_hours(24);
        let next_week = now + jiff::SignedDuration::from_hours(24 * 7);
        for (written, key) in [
            (yesterday, "k-yesterday-0000001"),
            (next_week, "k-next-week-0000001"),
        ] {
            let body = format!(
                "mood=3&energy=3&pain=2&sleep=4&note=&form_key={key}&written_at={}",
                written.as_millisecond()
            );
            let (status, _, _) = app.post_form("/api/log-wellbeing", &body, Some(&sofie)).await;
            assert_eq!(status, StatusCode::FOUND);
        }
        let days: Vec<String> = sqlx::query_scalar(
            "SELECT entry_date FROM wellbeing_entries WHERE citizen_id = $1 ORDER BY entry_date",
        )
        .bind(&sofie_id)
        .fetch_all(app.db.pool())
        .await
        .unwrap();
        // A time in the future is not believed: that is today's entry.
        assert_eq!(days, vec![day(yesterday), day(now)]);
    }
);

both!(quiet_hours_and_push_subscriptions_refuse_bad_input, |app| {
    let sofie = app.login("sofie@demo.mitforlob.dk").await;
    let sofie_id = citizen_id(app, "sofie@demo.mitforlob.dk").await;
    let stored = || async {
        sqlx::query_as::<_, (Option<i64>, Option<i64>)>(
            "SELECT quiet_hours_start, quiet_hours_end FROM users WHERE id = $1",
        )
        .bind(&sofie_id)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
    };
    let (status, h, _) = app
        .post_form(
            "/api/quiet-hours",
            "quiet_from=25%3A00&quiet_to=07%3A00",
            Some(&sofie),
        )
        .await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(
        h[header::LOCATION],
        "/me?error=push.quiet_invalid&field=quiet_from"
    );
    assert_eq!(stored().await, (None, None));
    let (_, h, _) = app
        .post_form(
            "/api/quiet-hours",
            "quiet_from=22%3A00&quiet_to=07%3A30",
            Some(&sofie),
        )
        .await;
    assert_eq!(
        h[header::LOCATION],
        "/me?notice=push.quiet_saved#notifications-heading"
    );
    assert_eq!(stored().await, (Some(22 * 60), Some(7 * 60 + 30)));
    let (_, _, page) = app.get("/me", Some(&sofie)).await;
    assert!(page.contains("value=\"22:00\"") && page.contains("value=\"07:30\""));

    let devices = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM push_subscriptions WHERE user_id = $1")
            .bind(&sofie_id)
            .fetch_one(app.db.pool())
            .await
            .unwrap()
    };
    let key = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM";
    let refused =
        format!("endpoint=http%3A%2F%2Fintranet.example%2Fx&p256dh={key}&auth=tBHItJI5svbpez7KI4CCXg");
    app.post_form("/api/push-subscribe", &refused, Some(&sofie)).await;
    assert_eq!(devices().await, 0, "only HTTPS push services");
    let good =
        format!("endpoint=https%3A%2F%2Fpush.example.net%2Fsofie&p256dh={key}&auth=tBHItJI5svbpez7KI4CCXg");
    app.post_form("/api/push-subscribe", &good, Some(&sofie)).await;
    assert_eq!(devices().await, 1);
    let (_, _, page) = app.get("/me", Some(&sofie)).await;
    assert!(
        page.contains("data-public-key=\"B"),
        "the VAPID key for the browser"
    );
    app.post_form(
        "/api/push-unsubscribe",
        "endpoint=https%3A%2F%2Fpush.example.net%2Fsofie",
        Some(&sofie),
    )
    .await;
    assert_eq!(devices().await, 0);
});

async fn citizen_id(app: &TestApp, email: &str) -> String {
    sqlx::query_scalar::<_, String>("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
}

fn form_value(page: &str, name: &str) -> String {
    let at = page
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no field {name}"));
    let rest = &page[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_string()
}

both!(a_caseworker_adds_an_activity_with_a_plain_form_post, |app| {
    let mette = app.login("mette@demo.mitforlob.dk").await;
    let sofie = citizen_id(app, "sofie@demo.mitforlob.dk").await;
    let (status, _, page) = app
        .get(
            &format!("/caseload/citizens/{sofie}/activities/new"),
            Some(&mette),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let key = form_value(&page, "item_key");
    let starts = app::plan::rules::local_time_value(app::time::now_ms() + 2 * 86_400_000);
    let body = |title: &str| {
        format!(
            "citizen_id={sofie}&activity_id=new&item_key={key}&title={title}&kind=mentor&status=planned\
             &starts_at={}&ends_at=&place=Jobcentret&contact_name=&contact_phone=&hours_per_week=\
             &purpose=&preparation=",
            starts.replace(':', "%3A")
        )
    };
    // Refused: the name is missing. What was typed comes back, and nothing is stored.
    let (status, h, _) = app.post_form("/api/save-activity", &body(""), Some(&mette)).await;
    assert_eq!(status, StatusCode::FOUND);
    let back = h[header::LOCATION].to_str().unwrap().to_string();
    assert_eq!(
        back,
        format!("/caseload/citizens/{sofie}/activities/new?error=rules.title_missing&field=title")
    );
    let (_, _, again) = app.get(&back, Some(&mette)).await;
    assert!(again.contains("Skriv et navn."));
    assert!(again.contains("value=\"Jobcentret\""), "the typed place is kept");
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM activities WHERE title = 'Mentorsamtale'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(before, 0);

    // Sent twice: stored once.
    for _ in 0..2 {
        let (status, h, _) = app
            .post_form("/api/save-activity", &body("Mentorsamtale"), Some(&mette))
            .await;
        assert_eq!(status, StatusCode::FOUND);
        assert_eq!(
            h[header::LOCATION],
            format!("/caseload/citizens/{sofie}?notice=edit.saved")
        );
    }
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM activities WHERE title = 'Mentorsamtale'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(stored, 1);
    let (_, _, citizen_page) = app
        .get(&format!("/caseload/citizens/{sofie}"), Some(&mette))
        .await;
    assert!(citizen_page.contains("Mentorsamtale"));

    // Sofie's plan is not another citizen's to change: "not found", nothing stored.
    let ali = app.login("ali@demo.mitforlob.dk").await;
    let (_, h, _) = app
        .post_form("/api/save-activity", &body("Andres ændring"), Some(&ali))
        .await;
    assert!(h[header::LOCATION]
        .to_str()
        .unwrap()
        .ends_with("?error=error.not_found"));
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM activities WHERE title = 'Andres ændring'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(stored, 0);
    let (status, _, _) = app
        .get(&format!("/caseload/citizens/{sofie}/activities/new"), Some(&ali))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
});

both!(a_calendar_feed_shows_only_what_the_citizen_chose, |app| {
    let ali = citizen_id(app, "ali@demo.mitforlob.dk").await;
    let hidden = app::plan::feed::data::start(&app.db, &own_by_id(&ali), false)
        .await
        .unwrap();
    let (status, h, body) = app.get(&format!("/calendar/{hidden}.ics"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "text/calendar; charset=utf-8");
    assert!(body.contains("SUMMARY:Aftale (Mit Forløb)\r\n"), "{body}");
    assert!(!body.contains("pakkeafdelingen"));
    assert!(!body.contains("LOCATION"));

    let shown = app::plan::feed::data::start(&app.db, &own_by_id(&ali), true)
        .await
        .unwrap();
    let (status, _, body) = app.get(&format!("/calendar/{shown}.ics"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("SUMMARY:Ny praktik: pakkeafdelingen\r\n"));
    let (status, _, _) = app.get(&format!("/calendar/{hidden}.ics"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the replaced link is dead");
    let (status, _, _) = app.get("/calendar/not-a-token.ics", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Starting a feed through the form shows its address once.
    let session = app.login("ali@demo.mitforlob.dk").await;
    let (status, h, _) = app
        .post_form("/api/calendar-feed", "show_titles=yes", Some(&session))
        .await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(h[header::LOCATION], "/plan?notice=feed.created#calendar-heading");
    let (_, _, page) = app.get("/plan?notice=feed.created", Some(&session)).await;
    assert!(page.contains("/calendar/"), "the new address is shown");
    let (status, _, page) = app.get("/plan", Some(&session)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(!page.contains("/calendar/"), "…only once");
    assert!(page.contains("Du har et kalenderlink"), "{page}");
});

both!(a_wellbeing_check_in_is_a_plain_form_stored_once, |app| {
    let sofie = app.login("sofie@demo.mitforlob.dk").await;
    let sofie_id = citizen_id(app, "sofie@demo.mitforlob.dk").await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM wellbeing_entries WHERE citizen_id = $1")
            .bind(&sofie_id)
            .fetch_one(app.db.pool())
            .await
            .unwrap()
    };
    let (_, _, page) = app.get("/wellbeing", Some(&sofie)).await;
    let key = form_value(&page, "form_key");
    // A scale left unanswered: refused, the note typed comes back, nothing stored.
    let (status, h, _) = app
        .post_form(
            "/api/log-wellbeing",
            &format!("energy=3&pain=2&sleep=4&note=Tr%C3%A6t&form_key={key}"),
            Some(&sofie),
        )
        .await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(
        h[header::LOCATION],
        "/wellbeing?error=wellbeing.answer_missing&field=mood"
    );
    let (_, _, again) = app
        .get(
            "/wellbeing?error=wellbeing.answer_missing&field=mood",
            Some(&sofie),
        )
        .await;
    assert!(again.contains(">Træt</textarea>"));
    assert_eq!(count().await, 0);
    // Sent twice: one entry.
    let body = format!("mood=3&energy=3&pain=2&sleep=4&note=&form_key={key}");
    for _ in 0..2 {
        let (status, h, _) = app.post_form("/api/log-wellbeing", &body, Some(&sofie)).await;
        assert_eq!(status, StatusCode::FOUND);
        assert_eq!(h[header::LOCATION], "/wellbeing?notice=wellbeing.saved");
    }
    assert_eq!(count().await, 1);
    // Health data stays out of the address bar.
    let (_, _, page) = app.get("/wellbeing?notice=wellbeing.saved", Some(&sofie)).await;
    assert!(page.contains("Din registrering er gemt."));
});

both!(
    a_health_concern_is_a_plain_form_sent_once_and_answered_step_by_step,
    |app| {
        let sofie = app.login("sofie@demo.mitforlob.dk").await;
        let sofie_id = citizen_id(app, "sofie@demo.mitforlob.dk").await;
        let count = || async {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM health_concerns WHERE citizen_id = $1")
                .bind(&sofie_id)
                .fetch_one(app.db.pool())
                .await
                .unwrap()
        };
        let (status, _, page) = app.get("/concerns/new", Some(&sofie)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Din ret til en ekstra vurdering"));
        let key = form_value(&page, "form_key");
        // Too long: refused, what was typed comes back (from the session, not the URL), nothing stored.
        let long = "ryg".repeat(700);
        let (status, h, _) = app
            .post_form(
                "/api/raise-concern",
                &format!("description={long}&form_key={key}"),
                Some(&sofie),
            )
            .await;
        assert_eq!(status, StatusCode::FOUND);
        assert_eq!(
            h[header::LOCATION],
            "/concerns/new?error=concern.text_too_long&field=description"
        );
        let (_, _, again) = app
            .get(
                "/concerns/new?error=concern.text_too_long&field=description",
                Some(&sofie),
            )
            .await;
        assert!(again.contains(&long));
        assert!(again.contains("Teksten er for lang."));
        assert_eq!(count().await, 0);
        // Sent twice (a double tap): one request, both answered with its page.
        let body = format!("description=Min%20ryg%20g%C3%B8r%20ondt&attach_wellbeing=yes&form_key={key}");
        let mut places = Vec::new();
        for _ in 0..2 {
            let (status, h, _) = app.post_form("/api/raise-concern", &body, Some(&sofie)).await;
            assert_eq!(status, StatusCode::FOUND);
            places.push(h[header::LOCATION].to_str().unwrap().to_string());
        }
        assert_eq!(places[0], places[1]);
        assert!(places[0].starts_with("/concerns/") && places[0].ends_with("?notice=concern.sent_notice"));
        assert!(!places[0].contains("ryg"), "no health data in the address");
        assert_eq!(count().await, 1);
        let path = places[0].split('?').next().unwrap().to_string();
        let id = path.trim_start_matches("/concerns/").to_string();

        // The coordinator confirms with a button; the caseworker can neither open nor move it.
        let lars = app.login("lars@demo.mitforlob.dk").await;
        let mette = app.login("mette@demo.mitforlob.dk").await;
        let (status, _, _) = app.get(&format!("/requests/{id}"), Some(&mette)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let step = format!("concern_id={id}&step=received");
        let (_, h, _) = app.post_form("/api/concern-step", &step, Some(&mette)).await;
        let back = h
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_string())
            .unwrap_or_default();
        assert!(
            !back.contains("notice="),
            "not a step the caseworker may take: {back}"
        );
        let state = || async {
            sqlx::query_scalar::<_, String>("SELECT state FROM health_concerns WHERE id = $1")
                .bind(&id)
                .fetch_one(app.db.pool())
                .await
                .unwrap()
        };
        assert_eq!(state().await, "sent");
        let (status, h, _) = app.post_form("/api/concern-step", &step, Some(&lars)).await;
        assert_eq!(status, StatusCode::FOUND);
        assert_eq!(
            h[header::LOCATION],
            format!("/requests/{id}?notice=request.acknowledged")
        );
        assert_eq!(state().await, "received");
        let (status, _, page) = app.get(&format!("/requests/{id}"), Some(&lars)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Min ryg gør ondt"));
        // A conversation in the past is refused and the fields come back.
        let (status, h, _) = app
            .post_form(
                "/api/book-conversation",
                &format!("concern_id={id}&date=2020-01-06&time=10:00&place=Telefon"),
                Some(&lars),
            )
            .await;
        assert_eq!(status, StatusCode::FOUND);
        assert_eq!(
            h[header::LOCATION],
            format!("/requests/{id}?error=request.time_past&field=date")
        );
        // Followed as a browser does: drafts come back only on a refusal's return.
        let back = h[header::LOCATION].to_str().unwrap();
        let (_, _, page) = app.get(back, Some(&lars)).await;
        assert!(page.contains(r#"value="2020-01-06""#));
        // The citizen's page shows where it stands.
        let (_, _, page) = app.get(&path, Some(&sofie)).await;
        assert!(page.contains("Modtaget"));
        assert!(page.contains("Forventet senest"));
    }
);

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
both!(the_caseworker_sees_that_a_shared_day_was_changed, |app| {
    let sofie = app.login("sofie@demo.mitforlob.dk").await;
    let sofie_id = citizen_id(app, "sofie@demo.mitforlob.dk").await;
    let now = jiff::Timestamp::now();
    let (shared_at, private_at) = (
        now - jiff::SignedDuration::from_hours(24 * 5),
        now - jiff::SignedDuration::from_hours(24 * 6),
    );
    for at in [shared_at, private_at] {
        // The demo's own entries for these days are not part of this.
        sqlx::query("DELETE FROM wellbeing_entries WHERE citizen_id = $1 AND entry_date = $2")
            .bind(&sofie_id)
            .bind(at.to_zoned(app::time::copenhagen()).date().to_string())
            .execute(app.db.pool())
            .await
            .unwrap();
    }
    let sofie = &sofie;
    let send = |at: jiff::Timestamp, mood: u8, share: bool, key: &'static str| {
        let body = format!(
            "mood={mood}&energy=3&pain=2&sleep=4&note={}&form_key={key}&written_at={}",
            if share { "&share=on" } else { "" },
            at.as_millisecond()
        );
        async move {
            let (status, _, _) = app
                .post_form("/api/log-wellbeing", &body, Some(sofie.as_str()))
                .await;
            assert_eq!(status, StatusCode::FOUND);
        }
    };
    send(shared_at, 4, true, "k-shared-first-0001").await;
    send(private_at, 4, false, "k-private-first-001").await;
    let mette = app.login("mette@demo.mitforlob.dk").await;
    let page = format!("/caseload/citizens/{sofie_id}");
    let (_, _, before) = app.get(&page, Some(&mette)).await;
    assert!(!before.contains("Ændret af borgeren"));
    // Both days written over; only the one Mette could see is marked.
    send(shared_at, 1, true, "k-shared-again-0001").await;
    send(private_at, 1, false, "k-private-again-001").await;
    let (_, _, after) = app.get(&page, Some(&mette)).await;
    assert_eq!(after.matches("Ændret af borgeren").count(), 1, "one changed day");
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM wellbeing_entry_versions WHERE citizen_id = $1")
        .bind(&sofie_id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(kept, 1);
});

// Only a page with an island loads the WebAssembly (`app::islands`): the
// overview and the plan have none; a thread's message field (an island inside
// the page's `<Await>`) and the new-password fields have one.
both!(only_pages_with_an_island_load_the_webassembly, |app| {
    let ali = app.login("ali@demo.mitforlob.dk").await;
    let loads_wasm = |page: &str| page.contains("rel=\"modulepreload\"") && page.contains(".wasm");
    for path in ["/", "/plan", "/wellbeing", "/me", "/messages"] {
        let (status, _, page) = app.get(path, Some(&ali)).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!page.contains("<leptos-island"), "{path} has no island");
        assert!(!loads_wasm(&page), "{path} loads no WebAssembly");
        // The idle warning is markup for app.js, not an island.
        assert!(page.contains("id=\"session-warning\""), "{path}");
    }
    let (_, _, page) = app.get("/login", None).await;
    assert!(!loads_wasm(&page), "the login page loads no WebAssembly");
    let (_, _, list) = app.get("/messages", Some(&ali)).await;
    let thread = list
        .match_indices("href=\"/messages/")
        .map(|(at, _)| list[at + 6..].split('"').next().unwrap())
        .find(|path| *path != "/messages/new")
        .expect("a thread")
        .to_string();
    let (_, _, page) = app.get(&thread, Some(&ali)).await;
    assert!(page.contains("<leptos-island"), "{thread} has its islands");
    assert!(loads_wasm(&page), "{thread} loads the WebAssembly");
    // After the page, so the islands are in the document when it runs.
    assert!(page.find("<leptos-island").unwrap() < page.find("rel=\"modulepreload\"").unwrap());
    let (_, _, page) = app.get("/activate", None).await;
    assert!(
        page.contains("<leptos-island") && loads_wasm(&page),
        "the new-password fields wake up"
    );
});

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
