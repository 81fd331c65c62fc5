//! Prometheus metrics from the real server binary: served on their own
//! address only, routes labelled by template (never an id), counters that
//! move with what happened, and the build. And its JSON request log: each
//! server function by name and outcome, never an id or a query.
mod support;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::{free_addr, TestDb};

/// The server process, stopped when the test ends however it ends.
struct Server(std::process::Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// The value of the sample line that starts with `series` (name and labels).
fn value(scrape: &str, series: &str) -> Option<f64> {
    scrape
        .lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
}

async fn run(postgres: bool) {
    let database = TestDb::create(postgres).await;
    let url = database.url.clone();
    let citizen = {
        let db = database.migrated().await;
        app::seed::seed_demo(&db).await.unwrap();
        let id: String = sqlx::query_scalar("SELECT id FROM users WHERE email = 'ali@demo.mitforlob.dk'")
            .fetch_one(db.pool())
            .await
            .unwrap();
        db.close().await;
        id
    };
    let (addr, metrics_addr) = (free_addr(), free_addr());
    let mut child = Command::new(env!("CARGO_BIN_EXE_server"))
        .arg("serve")
        .env("DATABASE_URL", &url)
        .env("MITFORLOB_ADDR", addr.to_string())
        .env("MITFORLOB_METRICS_ADDR", metrics_addr.to_string())
        .env("MITFORLOB_SECURE_COOKIES", "false")
        .env("LEPTOS_SITE_ROOT", std::env::temp_dir())
        .env("RUST_LOG", "info")
        .env("MITFORLOB_LOG_FORMAT", "json")
        // The log goes to standard output.
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let log = {
        let mut stdout = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            let mut out = Vec::new();
            let _ = std::io::Read::read_to_end(&mut stdout, &mut out);
            String::from_utf8_lossy(&out).into_owned()
        })
    };
    let server = Server(child);
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let base = format!("http://{addr}");
    let scrape_url = format!("http://{metrics_addr}/metrics");
    let started = Instant::now();
    while client.get(&scrape_url).send().await.is_err()
        || client.get(format!("{base}/healthz")).send().await.is_err()
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the server did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    let login = |email: &str, password: &str| {
        client
            .post(format!("{base}/api/login"))
            .header("accept", "text/html")
            .header("sec-fetch-site", "same-origin")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("email={}&password={password}", email.replace('@', "%40")))
            .send()
    };
    let failed = login("mette@demo.mitforlob.dk", "not-her-password")
        .await
        .unwrap();
    assert_eq!(
        failed.headers()["location"].to_str().unwrap(),
        "/login?error=auth.login_failed"
    );
    let ok = login("mette@demo.mitforlob.dk", app::seed::DEMO_PASSWORD)
        .await
        .unwrap();
    let cookie = ok.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    for _ in 0..2 {
        let page = client
            .get(format!("{base}/caseload/citizens/{citizen}?tab=plan"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(page.status(), 200);
    }
    // Not on the public address.
    let public = client.get(format!("{base}/metrics")).send().await.unwrap();
    assert_eq!(public.status(), 404);
    assert!(!public.text().await.unwrap().contains("mitforlob_build_info"));

    let res = client.get(&scrape_url).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/openmetrics-text"));
    let scrape = res.text().await.unwrap();
    let page = r#"{route="/caseload/citizens/{id}",method="GET",status="200"}"#;
    assert_eq!(
        value(&scrape, &format!("mitforlob_http_requests_total{page}")),
        Some(2.0),
        "{scrape}"
    );
    assert_eq!(
        value(
            &scrape,
            r#"mitforlob_http_request_duration_seconds_count{route="/caseload/citizens/{id}",method="GET"}"#
        ),
        Some(2.0)
    );
    assert_eq!(
        value(
            &scrape,
            r#"mitforlob_http_requests_total{route="/api/login",method="POST",status="302"}"#
        ),
        Some(2.0),
        "{scrape}"
    );
    assert_eq!(
        value(
            &scrape,
            r#"mitforlob_http_requests_total{route="(file or not found)",method="GET",status="404"}"#
        ),
        Some(1.0)
    );
    assert!(!scrape.contains(&citizen), "no id in any label");
    assert!(!scrape.contains("tab=plan"), "no query");
    assert_eq!(value(&scrape, "mitforlob_login_failures_total"), Some(1.0));
    assert_eq!(
        value(
            &scrape,
            &format!(
                r#"mitforlob_build_info{{version="{}"}}"#,
                env!("CARGO_PKG_VERSION")
            )
        ),
        Some(1.0)
    );
    assert_eq!(value(&scrape, "mitforlob_http_requests_in_flight"), Some(0.0));
    assert!(value(&scrape, "mitforlob_db_pool_connections").is_some_and(|n| n >= 1.0));
    assert!(value(&scrape, "mitforlob_db_pool_max_connections").is_some_and(|n| n >= 1.0));
    assert_eq!(value(&scrape, "mitforlob_push_queue_unsent"), Some(0.0));
    assert_eq!(value(&scrape, "mitforlob_event_streams_open"), Some(0.0));
    assert!(scrape.contains("mitforlob_db_acquire_duration_seconds_count"));
    assert!(scrape.trim_end().ends_with("# EOF"));
    drop(server);
    let log = log.join().unwrap();
    let lines: Vec<serde_json::Value> = log.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let answered = |route: &str| {
        lines
            .iter()
            .filter(|l| l["fields"]["message"] == "answered" && l["span"]["route"] == route)
            .collect::<Vec<_>>()
    };
    let logins = answered("/api/login");
    assert_eq!(logins.len(), 2, "{log}");
    let outcomes: Vec<_> = logins.iter().map(|l| l["span"]["outcome"].as_str()).collect();
    assert_eq!(outcomes, [Some("refused"), Some("ok")]);
    assert!(logins.iter().all(|l| l["span"]["server_fn"] == "login"));
    assert!(logins.iter().all(|l| l["span"]["latency_ms"].is_u64()));
    assert_eq!(answered("/caseload/citizens/{id}").len(), 2, "{log}");
    assert!(!log.contains(&citizen) && !log.contains("tab=plan"), "{log}");
    database.drop_it().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_on_their_own_address_sqlite() {
    run(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_on_their_own_address_postgres() {
    run(true).await;
}
