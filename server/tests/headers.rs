//! Every route's `Cache-Control`, from one table: personal answers are never
//! kept by a shared cache, and a handler's own choice is never overridden.
//! The table must name every route the app has; a new route without a row
//! fails here. Also what the router answers before any handler: bodies over
//! the limit, health and readiness.
use app::db::new_id;
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use std::collections::BTreeSet;

/// A built site with one file of each kind the static service serves.
fn site_root() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mitforlob-site-{}", new_id()));
    std::fs::create_dir_all(dir.join("pkg")).unwrap();
    std::fs::write(dir.join("pkg/mitforlob.0123abcd.css"), "body{}").unwrap();
    std::fs::write(dir.join("favicon.svg"), "<svg/>").unwrap();
    std::fs::write(dir.join("app.js"), "1;").unwrap();
    std::fs::write(dir.join("outbox.js"), "2;").unwrap();
    std::fs::write(dir.join("sw.js"), "3;").unwrap();
    dir
}

mod support;
use support::{both, own_by_id, TestApp};

async fn spawn_app(postgres: bool) -> TestApp {
    let limits = server::config::ServeSettings::default();
    TestApp::spawn_with(postgres, |s| s.site_root = site_root(), &limits).await
}

async fn one(app: &TestApp, sql: &str) -> String {
    sqlx::query_scalar::<_, String>(sql)
        .fetch_one(app.db.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Who asks: nobody, or one of the demo logins.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Who {
    Nobody,
    Ali,
    Birgitte,
    Mette,
    Coordinator,
    Henrik,
}

/// One row: the route (as the router knows it), a concrete request, who
/// sends it, the status it must get, and the `Cache-Control` it must carry.
struct Row {
    route: &'static str,
    path: String,
    who: Who,
    status: StatusCode,
    cache: &'static str,
}

const PAGE: &str = "no-store";
const PERSONAL: &str = "private, no-store";
/// The route key for the static file service (it has no route of its own).
const FILES: &str = "(files)";

fn row(
    route: &'static str,
    path: impl Into<String>,
    who: Who,
    status: StatusCode,
    cache: &'static str,
) -> Row {
    Row {
        route,
        path: path.into(),
        who,
        status,
        cache,
    }
}

async fn table(app: &TestApp) -> Vec<Row> {
    use StatusCode as S;
    use Who::*;
    let ali = one(app, "SELECT id FROM users WHERE email = 'ali@demo.mitforlob.dk'").await;
    let course = one(app, &format!("SELECT id FROM courses WHERE citizen_id = '{ali}'")).await;
    let activity = one(
        app,
        &format!("SELECT id FROM activities WHERE course_id = '{course}' ORDER BY starts_at DESC LIMIT 1"),
    )
    .await;
    let goal = one(
        app,
        &format!("SELECT id FROM goals WHERE course_id = '{course}' LIMIT 1"),
    )
    .await;
    let thread = one(
        app,
        &format!("SELECT id FROM message_threads WHERE citizen_id = '{ali}' LIMIT 1"),
    )
    .await;
    let concern = one(
        app,
        "SELECT c.id FROM health_concerns c JOIN users u ON u.id = c.citizen_id \
         WHERE u.email = 'birgitte@demo.mitforlob.dk' LIMIT 1",
    )
    .await;
    let feed = app::plan::feed::data::start(&app.db, &own_by_id(&ali), false)
        .await
        .unwrap();
    vec![
        // Pages (the Leptos route list).
        row("/", "/", Ali, S::OK, PAGE),
        row("/login", "/login", Nobody, S::OK, PAGE),
        row("/activate", "/activate", Nobody, S::OK, PAGE),
        row("/reset", "/reset", Nobody, S::OK, PAGE),
        row("/plan", "/plan", Ali, S::OK, PAGE),
        row("/plan/print", "/plan/print", Ali, S::OK, PAGE),
        row(
            "/activities/{id}",
            format!("/activities/{activity}"),
            Ali,
            S::OK,
            PAGE,
        ),
        row("/wellbeing/who5", "/wellbeing/who5", Ali, S::OK, PAGE),
        row("/wellbeing", "/wellbeing", Ali, S::OK, PAGE),
        row("/messages", "/messages", Ali, S::OK, PAGE),
        row("/messages/new", "/messages/new", Ali, S::OK, PAGE),
        row("/messages/{id}", format!("/messages/{thread}"), Ali, S::OK, PAGE),
        row("/inbox", "/inbox", Mette, S::OK, PAGE),
        row("/me", "/me", Ali, S::OK, PAGE),
        row("/me/data", "/me/data", Ali, S::OK, PAGE),
        row("/me/data", "/me/data", Mette, S::NOT_FOUND, PAGE),
        row("/caseload", "/caseload", Mette, S::OK, PAGE),
        row(
            "/caseload/citizens/{id}",
            format!("/caseload/citizens/{ali}"),
            Mette,
            S::OK,
            PAGE,
        ),
        row(
            "/caseload/citizens/{id}/course",
            format!("/caseload/citizens/{ali}/course"),
            Mette,
            S::OK,
            PAGE,
        ),
        row(
            "/caseload/citizens/{id}/goals/{goal}",
            format!("/caseload/citizens/{ali}/goals/{goal}"),
            Mette,
            S::OK,
            PAGE,
        ),
        row(
            "/caseload/citizens/{id}/activities/{activity}",
            format!("/caseload/citizens/{ali}/activities/{activity}"),
            Mette,
            S::OK,
            PAGE,
        ),
        row("/concerns", "/concerns", Ali, S::OK, PAGE),
        row("/concerns/new", "/concerns/new", Ali, S::OK, PAGE),
        row(
            "/concerns/{id}",
            format!("/concerns/{concern}"),
            Birgitte,
            S::OK,
            PAGE,
        ),
        row(
            "/requests/{id}",
            format!("/requests/{concern}"),
            Coordinator,
            S::OK,
            PAGE,
        ),
        row("/requests", "/requests", Coordinator, S::OK, PAGE),
        row("/admin", "/admin", Henrik, S::OK, PAGE),
        row("/accessibility", "/accessibility", Nobody, S::OK, PAGE),
        row("/privacy", "/privacy", Nobody, S::OK, PAGE),
        row("/contact", "/contact", Nobody, S::OK, PAGE),
        row("/offline", "/offline", Nobody, S::OK, PAGE),
        // A page someone may not see, and one that does not exist.
        row(
            "/activities/{id}",
            format!("/activities/{activity}"),
            Birgitte,
            S::NOT_FOUND,
            PAGE,
        ),
        row(FILES, "/no/such/page", Nobody, S::NOT_FOUND, PAGE),
        // Downloads and streams: personal.
        row("/me/data.json", "/me/data.json", Ali, S::OK, PERSONAL),
        row("/me/data.json", "/me/data.json", Mette, S::NOT_FOUND, PAGE),
        row(
            "/activities/{id}/calendar.ics",
            format!("/activities/{activity}/calendar.ics"),
            Ali,
            S::OK,
            PERSONAL,
        ),
        row(
            "/activities/{id}/calendar.ics",
            format!("/activities/{activity}/calendar.ics"),
            Birgitte,
            S::NOT_FOUND,
            PAGE,
        ),
        row(
            "/calendar/{token}",
            format!("/calendar/{feed}.ics"),
            Nobody,
            S::OK,
            "private, max-age=300",
        ),
        row(
            "/calendar/{token}",
            format!("/calendar/{}.ics", "0".repeat(40)),
            Nobody,
            S::NOT_FOUND,
            PAGE,
        ),
        row(
            "/events/threads/{id}",
            format!("/events/threads/{thread}"),
            Ali,
            S::OK,
            PERSONAL,
        ),
        row(
            "/events/threads/{id}",
            format!("/events/threads/{thread}"),
            Birgitte,
            S::NOT_FOUND,
            PAGE,
        ),
        // The app's own files.
        row(
            "/manifest.webmanifest",
            "/manifest.webmanifest",
            Nobody,
            S::OK,
            "private, no-cache",
        ),
        row("/sw.js", "/sw.js", Nobody, S::OK, "no-cache"),
        row("/healthz", "/healthz", Nobody, S::OK, PAGE),
        row("/readyz", "/readyz", Nobody, S::OK, PAGE),
        // Logging in through a provider: its answer, and the form's address read by GET.
        row(
            "/auth/oidc/callback",
            "/auth/oidc/callback?error=access_denied&state=x",
            Nobody,
            S::SEE_OTHER,
            PAGE,
        ),
        row(
            "/auth/oidc/{provider}",
            "/auth/oidc/citizen",
            Nobody,
            S::METHOD_NOT_ALLOWED,
            PAGE,
        ),
        // Static files: only these may be kept by shared caches.
        row(
            FILES,
            "/pkg/mitforlob.0123abcd.css",
            Nobody,
            S::OK,
            "public, max-age=31536000, immutable",
        ),
        row(FILES, "/favicon.svg", Nobody, S::OK, "public, max-age=3600"),
        // Served with the contract's line before them (app/src/pwa/scripts.rs).
        row("/app.js", "/app.js", Nobody, S::OK, "no-cache"),
        row("/outbox.js", "/outbox.js", Nobody, S::OK, "no-cache"),
        row(FILES, "/pkg/mitforlob.missing.css", Nobody, S::NOT_FOUND, PAGE),
    ]
}

both!(every_route_has_the_cache_header_of_its_table_row, |app| {
    let rows = table(app).await;
    let in_table: BTreeSet<&str> = rows.iter().map(|r| r.route).collect();
    // Every route the router has must have a row.
    let mut routes: Vec<String> = leptos_axum::generate_route_list(app::App)
        .iter()
        .map(|r| r.path().to_string())
        .collect();
    routes.extend(
        server::router::plain_routes(&app.state)
            .into_iter()
            .map(|(p, _)| p.to_string()),
    );
    let missing: Vec<&String> = routes.iter().filter(|r| !in_table.contains(r.as_str())).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the cache table: {missing:?}"
    );

    let mut cookies = std::collections::BTreeMap::new();
    for (who, email) in [
        (Who::Ali, "ali@demo.mitforlob.dk"),
        (Who::Birgitte, "birgitte@demo.mitforlob.dk"),
        (Who::Mette, "mette@demo.mitforlob.dk"),
        (Who::Henrik, "henrik@demo.mitforlob.dk"),
    ] {
        cookies.insert(who, app.login(email).await);
    }
    let coordinator = one(
        app,
        "SELECT u.email FROM health_concerns c JOIN users u ON u.id = c.coordinator_id \
         JOIN users b ON b.id = c.citizen_id WHERE b.email = 'birgitte@demo.mitforlob.dk' LIMIT 1",
    )
    .await;
    cookies.insert(Who::Coordinator, app.login(&coordinator).await);

    let mut wrong = Vec::new();
    for r in &rows {
        let cookie = cookies.get(&r.who).map(String::as_str);
        // Streams never end: only the head is read.
        let (status, h) = if r.route.starts_with("/events/") {
            app.open(&r.path, cookie).await
        } else {
            let (s, h, _) = app.get(&r.path, cookie).await;
            (s, h)
        };
        let cache = h
            .get(header::CACHE_CONTROL)
            .map(|v| v.to_str().unwrap().to_string());
        if status != r.status || cache.as_deref() != Some(r.cache) {
            wrong.push(format!(
                "{} ({}): got {status} {cache:?}, expected {} {:?}",
                r.route, r.path, r.status, r.cache
            ));
        }
    }

    // Server functions: every one, as a form post without a session.
    let functions: Vec<(&str, _)> = leptos::server_fn::axum::server_fn_paths().collect();
    assert!(functions.len() > 10, "server functions are registered");
    for (path, method) in functions {
        let req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .header(header::CONTENT_LENGTH, 0)
            .body(Body::empty())
            .unwrap();
        let (status, h, _) = app.send(req).await;
        let cache = h
            .get(header::CACHE_CONTROL)
            .map(|v| v.to_str().unwrap().to_string());
        if cache.as_deref() != Some(PAGE) {
            wrong.push(format!("server function {path}: got {status} {cache:?}"));
        }
    }
    assert!(wrong.is_empty(), "wrong cache headers:\n{}", wrong.join("\n"));
});

both!(a_chunked_body_over_the_limit_is_refused_with_413, |app| {
    // No Content-Length: the size is known only while reading.
    let chunked = |chunks: Vec<String>| {
        let stream = futures::stream::iter(
            chunks
                .into_iter()
                .map(|c| Ok::<_, std::io::Error>(axum::body::Bytes::from(c))),
        );
        Body::from_stream(stream)
    };
    let post = |path: &str, body: Body| {
        Request::post(path)
            .header(header::ACCEPT, "text/html")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .header(header::REFERER, "http://127.0.0.1:3000/login")
            .body(body)
            .unwrap()
    };
    let half = "x".repeat(server::router::BODY_LIMIT / 2 + 1);
    let big = chunked(vec!["email=a%40b.dk&password=".into(), half.clone(), half]);
    let (status, h, _) = app.send(post("/api/login", big)).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(h[header::CACHE_CONTROL], "no-store");
    // A small chunked form is read as usual.
    let small = chunked(vec!["lang=".into(), "en".into()]);
    let (status, h, _) = app.send(post("/api/language", small)).await;
    assert_eq!(status, StatusCode::FOUND);
    assert!(h[header::SET_COOKIE].to_str().unwrap().starts_with("lang=en"));
});

both!(
    health_and_readiness_answer_without_login_and_readiness_follows_the_database,
    |app| {
        let (status, _, body) = app.get("/healthz", None).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
        let (status, _, body) = app.get("/readyz", None).await;
        assert_eq!((status, body.as_str()), (StatusCode::OK, "ready"));
        // The database goes away: not ready, but still alive.
        app.db.close().await;
        let (status, _, _) = app.get("/readyz", None).await;
        assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
        let (status, _, _) = app.get("/healthz", None).await;
        assert_eq!(status, StatusCode::OK);
    }
);
