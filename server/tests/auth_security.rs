//! Accounts and sessions as an attacker with a staff account meets them,
//! through the real router on SQLite and PostgreSQL: no account takeover by
//! activation code, password resets the citizen is told of, event streams
//! that end with their session, and security events in the log.
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use std::time::Duration;

mod support;
use support::{both, spawn_app, TestApp};

impl TestApp {
    /// Logs in; returns where the login sent the person, and the cookie.
    async fn login_to(&self, email: &str) -> (String, String) {
        let body = format!(
            "email={}&password={}",
            email.replace('@', "%40"),
            app::seed::DEMO_PASSWORD
        );
        let (status, headers, _) = self.post_form("/api/login", &body, None).await;
        assert_eq!(status, StatusCode::FOUND);
        let cookie = headers[header::SET_COOKIE].to_str().unwrap();
        (
            headers[header::LOCATION].to_str().unwrap().to_string(),
            cookie.split(';').next().unwrap().to_string(),
        )
    }
}

const CODES: &str = "SELECT COUNT(*) FROM activation_codes WHERE user_id = $1";

both!(no_new_activation_code_for_an_activated_citizen, |app| {
    let mette = app.login("mette@demo.mitforlob.dk").await;
    let sofie = app.user_id("sofie@demo.mitforlob.dk").await;
    let before = app.count(CODES, &sofie).await;
    let (status, h, _) = app
        .post_form(
            "/api/new-activation-code",
            &format!("citizen_id={sofie}"),
            Some(&mette),
        )
        .await;
    assert_eq!(status, StatusCode::FOUND);
    let back = h[header::LOCATION].to_str().unwrap().to_string();
    assert_eq!(
        back,
        format!("/caseload/citizens/{sofie}?error=caseload.already_activated")
    );
    assert_eq!(app.count(CODES, &sofie).await, before, "nothing stored");
    let (_, _, page) = app.get(&back, Some(&mette)).await;
    assert!(
        page.contains("Borgeren har allerede aktiveret sin konto"),
        "told why"
    );
    assert!(!page.contains("code-box"), "no code shown");
    // The citizen's own password still works.
    app.login("sofie@demo.mitforlob.dk").await;
    // A citizen who has not activated yet still gets a new code.
    let (status, h, _) = app
        .post_form(
            "/api/invite-citizen",
            "name=Jens&email=jens%40example.dk",
            Some(&mette),
        )
        .await;
    assert_eq!(status, StatusCode::FOUND);
    let page_path = h[header::LOCATION].to_str().unwrap().to_string();
    let jens = page_path.trim_start_matches("/caseload/citizens/").to_string();
    let (_, h, _) = app
        .post_form(
            "/api/new-activation-code",
            &format!("citizen_id={jens}"),
            Some(&mette),
        )
        .await;
    assert_eq!(h[header::LOCATION].to_str().unwrap(), page_path);
    let (_, _, page) = app.get(&page_path, Some(&mette)).await;
    assert!(page.contains("code-box"));
});

both!(a_reset_is_told_at_the_next_login_and_under_me, |app| {
    let mette = app.login("mette@demo.mitforlob.dk").await;
    let sofie = app.user_id("sofie@demo.mitforlob.dk").await;
    let (status, h, _) = app
        .post_form(
            "/api/start-password-reset",
            &format!("citizen_id={sofie}"),
            Some(&mette),
        )
        .await;
    assert_eq!(status, StatusCode::FOUND);
    let page_path = format!("/caseload/citizens/{sofie}");
    assert_eq!(h[header::LOCATION].to_str().unwrap(), page_path);
    let (_, _, page) = app.get(&page_path, Some(&mette)).await;
    assert!(page.contains("Nulstillingen er sat i gang"), "code A shown once");
    let (_, _, page) = app.get(&page_path, Some(&mette)).await;
    assert!(!page.contains("Nulstillingen er sat i gang"));
    // The administrator sees it waiting; the caseworker cannot confirm.
    let henrik = app.login("henrik@demo.mitforlob.dk").await;
    let (_, _, admin_page) = app.get("/admin", Some(&henrik)).await;
    assert!(admin_page.contains("Sofie Larsen") && admin_page.contains("confirm-password-reset"));
    let reset_id: String = sqlx::query_scalar("SELECT id FROM password_resets WHERE user_id = $1")
        .bind(&sofie)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let (_, h, _) = app
        .post_form(
            "/api/confirm-password-reset",
            &format!("reset_id={reset_id}"),
            Some(&mette),
        )
        .await;
    assert!(h[header::LOCATION]
        .to_str()
        .unwrap()
        .contains("error=error.not_found"));
    // The citizen still logs in with their password, and is told first.
    let (to, cookie) = app.login_to("sofie@demo.mitforlob.dk").await;
    assert_eq!(to, "/me?notice=auth.reset_notice");
    let (_, _, me) = app.get(&to, Some(&cookie)).await;
    assert!(
        me.contains("har sat en nulstilling af din adgangskode i gang"),
        "{me}"
    );
    assert!(me.contains("Din sagsbehandler satte en nulstilling af din adgangskode i gang"));
    // Told once.
    let (to, _) = app.login_to("sofie@demo.mitforlob.dk").await;
    assert_eq!(to, "/");
});

both!(an_event_stream_ends_when_its_session_logs_out, |app| {
    let ali = app.login("ali@demo.mitforlob.dk").await;
    let ali_id = app.user_id("ali@demo.mitforlob.dk").await;
    let thread: String = sqlx::query_scalar("SELECT id FROM message_threads WHERE citizen_id = $1 LIMIT 1")
        .bind(&ali_id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    let res = app.stream(&format!("/events/threads/{thread}"), Some(&ali)).await;
    assert_eq!(res.status(), StatusCode::OK);
    let mut body = res.into_body();
    // Still open while the session lives.
    assert!(
        tokio::time::timeout(Duration::from_millis(300), body.frame())
            .await
            .is_err(),
        "the stream stays open"
    );
    let (status, _, _) = app.post_form("/api/logout", "", Some(&ali)).await;
    assert_eq!(status, StatusCode::FOUND);
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        while let Some(frame) = body.frame().await {
            frame.expect("a frame");
        }
    })
    .await;
    assert!(ended.is_ok(), "the stream must end after logout");
});

mod security_events {
    use super::*;
    use std::sync::{Mutex, OnceLock};
    use tracing::field::{Field, Visit};
    use tracing_subscriber::layer::{Context, SubscriberExt};
    use tracing_subscriber::Layer;

    /// Every `security_event` line written in this test binary, as text.
    fn captured() -> &'static Mutex<Vec<String>> {
        static LINES: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
        LINES.get_or_init(|| {
            let subscriber = tracing_subscriber::registry().with(Capture);
            tracing::subscriber::set_global_default(subscriber).expect("one global subscriber");
            Mutex::new(Vec::new())
        })
    }

    struct Capture;
    struct Line(String);
    impl Visit for Line {
        fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
            self.0.push_str(&format!(" {}={:?}", field.name(), value));
        }
        fn record_str(&mut self, field: &Field, value: &str) {
            self.0.push_str(&format!(" {}={}", field.name(), value));
        }
    }
    impl<S: tracing::Subscriber> Layer<S> for Capture {
        fn on_event(&self, event: &tracing::Event<'_>, _: Context<'_, S>) {
            if event.metadata().target() == app::auth::security_log::TARGET {
                let mut line = Line(event.metadata().level().to_string());
                event.record(&mut line);
                captured().lock().unwrap().push(line.0);
            }
        }
    }

    fn logged(parts: &[&str]) -> bool {
        captured()
            .lock()
            .unwrap()
            .iter()
            .any(|l| parts.iter().all(|p| l.contains(p)))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn throttled_logins_and_cross_site_posts_are_logged() {
        captured();
        let app = spawn_app(false).await;
        let account = "birgitte@demo.mitforlob.dk";
        let body = format!("email={}&password=wrong-password", account.replace('@', "%40"));
        for _ in 0..=app::auth::rate_limit::MAX_PER_ACCOUNT {
            app.post_form("/api/login", &body, None).await;
        }
        let who = format!("account={}", app::auth::security_log::account_ref(account));
        assert!(logged(&["WARN", "event=login_throttled", "scope=account", &who]));
        assert!(logged(&["event=login_failed", &who]));
        // Never the login name itself.
        assert!(!captured().lock().unwrap().iter().any(|l| l.contains("birgitte")));
        let req = Request::post("/api/logout")
            .header("sec-fetch-site", "cross-site")
            .body(Body::empty())
            .unwrap();
        let (status, _, _) = app.send(req).await;
        assert_eq!(status, StatusCode::FORBIDDEN);
        assert!(logged(&["WARN", "event=csrf_refused", "route=/api/logout"]));
        // A caseworker asking for someone else's citizen: role, route (its
        // template, never the id asked for) and kind only.
        let mette = app.login("mette@demo.mitforlob.dk").await;
        let (status, _, _) = app.get("/caseload/citizens/not-hers", Some(&mette)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(logged(&[
            "event=access_refused",
            "role=caseworker",
            "route=/caseload/citizens/{id}",
            "object=citizen"
        ]));
        assert!(!captured().lock().unwrap().iter().any(|l| l.contains("not-hers")));
        app.close().await;
    }
}
