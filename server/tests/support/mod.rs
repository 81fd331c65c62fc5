//! What the server's tests share: a fresh, migrated and seeded database on
//! SQLite or PostgreSQL (app's `TestDb`), the server's real router over it,
//! and requests sent as a browser sends them; for the tests that start
//! processes, free ports, form bodies and the fault report. One place to change when `Settings`
//! grows a field or a login changes, instead of a copy in every test file.
//!
//! Each file under `server/tests` is its own crate and uses a part of this,
//! hence `dead_code` is allowed here.
#![allow(dead_code, unused_macros, unused_imports)]

use app::db::{new_id, Db};
use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::Router;
use http_body_util::BodyExt;
use secrecy::SecretString;
use server::config::{ServeSettings, Settings};
use tower::ServiceExt;

// The throwaway database, the PostgreSQL server and the fault report are
// app's (`app::testing`, feature `test-support`), shared with its own tests.
pub use app::testing::{fault_report as report, postgres_admin_url as admin_url, TestDb};

/// The repository's root (the workspace), for files outside `server/`.
pub fn repo() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// A free loopback port: binding port 0 makes the OS pick one nothing uses.
pub fn free_port() -> u16 {
    free_addr().port()
}

/// [`free_port`] as an address on 127.0.0.1.
pub fn free_addr() -> std::net::SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// An HTTP client for a server this test started: redirects are answers to
/// check, not to follow, and a request that hangs fails the test in 10 s.
pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(std::time::Duration::from_secs(10))
        .build()
        .unwrap()
}

/// A form body (`application/x-www-form-urlencoded`) as a browser sends it.
pub fn form(pairs: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// The settings every router test starts from: plain HTTP on loopback,
/// no push key, no push hosts.
pub fn settings(url: &str) -> Settings {
    Settings {
        addr: "127.0.0.1:3000".parse().unwrap(),
        database_url: SecretString::from(url.to_string()),
        site_root: std::env::temp_dir(),
        secure_cookies: false,
        session_idle_minutes: 30,
        session_absolute_hours: 12,
        activation_days: 14,
        vapid_private_key: None,
        vapid_subject: "mailto:drift@example.org".into(),
        push_interval_seconds: 30,
        push_hosts: None,
        retention: Default::default(),
        allow_private_push_for_tests: false,
        oidc: Default::default(),
    }
}

/// The server's router on a fresh, migrated and seeded database.
pub struct TestApp {
    pub router: Router,
    pub state: app::state::AppState,
    pub db: Db,
    pub postgres: bool,
    database: TestDb,
}

impl TestApp {
    pub async fn spawn(postgres: bool) -> TestApp {
        Self::spawn_with(postgres, |_| {}, &ServeSettings::default()).await
    }

    /// With changed settings and serving limits (trusted proxies, say).
    pub async fn spawn_with(
        postgres: bool,
        change: impl FnOnce(&mut Settings),
        limits: &ServeSettings,
    ) -> TestApp {
        let database = TestDb::create(postgres).await;
        let mut settings = settings(&database.url);
        change(&mut settings);
        let db = database.migrated().await;
        app::seed::seed_demo(&db).await.unwrap();
        let state = server::app_state(&settings, db.clone());
        TestApp {
            router: server::router::build_with(state.clone(), limits),
            state,
            db,
            postgres,
            database,
        }
    }

    pub async fn send(&self, req: Request<Body>) -> (StatusCode, HeaderMap, String) {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes();
        (status, headers, String::from_utf8_lossy(&body).into_owned())
    }

    /// Status and headers only, for responses that never end (event streams).
    pub async fn open(&self, path: &str, cookie: Option<&str>) -> (StatusCode, HeaderMap) {
        let res = self.stream(path, cookie).await;
        (res.status(), res.headers().clone())
    }

    /// An event stream as the browser's EventSource opens it; read its body
    /// frame by frame (it never ends by itself).
    pub async fn stream(&self, path: &str, cookie: Option<&str>) -> axum::response::Response {
        let mut req = Request::get(path).header(header::ACCEPT, "text/event-stream");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.router
            .clone()
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap()
    }

    pub async fn get(&self, path: &str, cookie: Option<&str>) -> (StatusCode, HeaderMap, String) {
        let mut req = Request::get(path).header(header::ACCEPT, "text/html");
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    /// A form post from one of our own pages.
    pub async fn post_form(
        &self,
        path: &str,
        body: &str,
        cookie: Option<&str>,
    ) -> (StatusCode, HeaderMap, String) {
        self.post_form_from(path, "/login", body, cookie).await
    }

    /// A form post from `page` of this site.
    pub async fn post_form_from(
        &self,
        path: &str,
        page: &str,
        body: &str,
        cookie: Option<&str>,
    ) -> (StatusCode, HeaderMap, String) {
        let mut req = Request::post(path)
            .header(header::ACCEPT, "text/html")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .header(header::REFERER, format!("http://127.0.0.1:3000{page}"))
            .header(header::CONTENT_LENGTH, body.len());
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        self.send(req.body(Body::from(body.to_string())).unwrap()).await
    }

    /// Logs a demo person in; the session cookie (`name=value`).
    pub async fn login(&self, email: &str) -> String {
        let body = format!(
            "email={}&password={}",
            email.replace('@', "%40"),
            app::seed::DEMO_PASSWORD
        );
        let (status, headers, _) = self.post_form("/api/login", &body, None).await;
        assert_eq!(status, StatusCode::FOUND);
        assert_eq!(headers[header::LOCATION], "/");
        let cookie = headers[header::SET_COOKIE].to_str().unwrap().to_string();
        cookie.split(';').next().unwrap().to_string()
    }

    /// A person's id by their login address.
    pub async fn user_id(&self, email: &str) -> String {
        sqlx::query_scalar::<_, String>("SELECT id FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(self.db.pool())
            .await
            .unwrap()
    }

    /// One number from the database, with one bound value.
    pub async fn count(&self, sql: &str, bind: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sql)
            .bind(bind)
            .fetch_one(self.db.pool())
            .await
            .unwrap()
    }

    /// The PostgreSQL database's name (`None` on SQLite), for tests that
    /// take it away.
    pub fn pg_name(&self) -> Option<&str> {
        self.database.pg_name()
    }

    pub async fn close(self) {
        self.db.close().await;
        self.database.drop_it().await;
    }
}

/// The own-data access of the demo citizen with this id (the data function
/// takes the access the citizen's own page would make).
pub fn own_by_id(id: &str) -> app::auth::policy::CitizenAccess {
    let citizen = app::model::CurrentUser {
        id: id.to_string(),
        role: app::model::Role::Citizen,
        name: String::new(),
        lang: app::i18n::Lang::Da,
        text_size: Default::default(),
        session_key: String::new(),
        unread_messages: 0,
    };
    app::auth::policy::own_data(&citizen).expect("a citizen")
}

/// A demo person's id by their login address.
pub async fn citizen_id(app: &TestApp, email: &str) -> String {
    app.user_id(email).await
}

/// The value a page's form field `name` was given (its form key, say).
pub fn form_value(page: &str, name: &str) -> String {
    let at = page
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no field {name}"));
    let rest = &page[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// The app with the shared settings; a file that needs others defines its
/// own `spawn_app` instead of importing this one.
pub async fn spawn_app(postgres: bool) -> TestApp {
    TestApp::spawn(postgres).await
}

/// One test body, run on SQLite and on PostgreSQL, each on a fresh app made
/// by the `spawn_app` in scope.
macro_rules! both {
    ($name:ident, |$app:ident| $body:block) => {
        mod $name {
            use super::*;
            async fn run($app: &TestApp) $body
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let app = spawn_app(false).await;
                run(&app).await;
                app.close().await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let app = spawn_app(true).await;
                run(&app).await;
                app.close().await;
            }
        }
    };
}
pub(crate) use both;
