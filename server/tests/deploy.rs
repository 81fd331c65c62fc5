//! The reference deployment in `deploy/`, run on loopback: nginx (with the
//! very site file operators install, ports and certificate paths replaced)
//! terminating TLS in front of two server processes on one PostgreSQL
//! database, each started with `deploy/mitforlob.env`.
//!
//! Citizens read their overview and plan and send messages through the proxy
//! over HTTPS while each server process in turn gets SIGTERM and is started
//! again. Then it checks: no failed request, every acknowledged message stored
//! exactly once, an event stream through the proxy hears writes made on either
//! process, each push notification delivered once, `Secure` cookies and HSTS,
//! login throttling keyed by the real client's address (clients bind
//! 127.0.0.x source addresses; nginx forwards them), the backup job's dump.
//! The figures are printed and added to the fault report.
//!
//! The server processes are this test binary run again as `server_process`,
//! which serves through `server::serve::until_signal` exactly as `server
//! serve` does, but may send push notifications to the local test push
//! service (the product binary never can: push goes only to public hosts).
//!
//! `capacity` (ignored; `make bench`) measures one process's throughput and
//! CPU, and PostgreSQL's, for the README's capacity figures.
mod support;

use app::db::{new_id, Db};
use reqwest::header::{HeaderMap, LOCATION, SET_COOKIE};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::{client, form, free_port, repo, report, TestDb};

/// Set for the server processes this test starts.
const CHILD_ENV: &str = "MITFORLOB_DEPLOY_TEST_CHILD";
/// How long the citizens keep reading and writing.
const LOAD: Duration = Duration::from_secs(24);
/// Simulated citizens' browsers, each from its own address.
const CLIENTS: usize = 8;
/// How long `deploy/roll.sh` waits after a process is ready before stopping
/// the next: more than nginx's `fail_timeout` (2 s), so nginx has taken it back.
const ROLL_PAUSE: Duration = Duration::from_secs(3);

/// A server process of the deployment (see the module comment).
#[test]
#[ignore = "a server process that the deploy test starts itself"]
fn server_process() {
    if std::env::var_os(CHILD_ENV).is_none() {
        return;
    }
    server::init_logging();
    let mut settings = server::config::Settings::from_env().expect("settings");
    settings.allow_private_push_for_tests = true;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(server::serve::until_signal(settings))
        .expect("the server process ended with an error");
}

/// `deploy/mitforlob.env`, as systemd reads it: `NAME=value` lines.
fn env_file() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(repo().join("deploy/mitforlob.env")).unwrap();
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let (k, v) = l.split_once('=').expect("NAME=value");
            (k.trim().to_string(), v.trim().to_string())
        })
        .collect()
}

/// One server process, started and stopped as systemd would.
struct Process {
    port: u16,
    child: Option<Child>,
    log: PathBuf,
    command: fn() -> Command,
    url: String,
    site: PathBuf,
}

/// This test binary as a server process.
fn test_server() -> Command {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args(["server_process", "--exact", "--ignored", "--nocapture"])
        .env(CHILD_ENV, "1");
    cmd
}

/// The server binary, `MITFORLOB_BENCH_SERVER` (the release build) if set.
fn product_server() -> Command {
    let bin = std::env::var("MITFORLOB_BENCH_SERVER").unwrap_or_else(|_| env!("CARGO_BIN_EXE_server").into());
    let mut cmd = Command::new(bin);
    cmd.arg("serve");
    cmd
}

impl Process {
    fn spawn(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .unwrap();
        let mut cmd = (self.command)();
        cmd.envs(env_file())
            .env("DATABASE_URL", &self.url)
            .env("MITFORLOB_ADDR", format!("127.0.0.1:{}", self.port))
            .env("LEPTOS_SITE_ROOT", &self.site)
            // Queued notifications go out within a second, so the test need not wait.
            .env("MITFORLOB_PUSH_INTERVAL_SECONDS", "1")
            .env("MITFORLOB_LOG_FORMAT", "text")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(log);
        self.child = Some(cmd.spawn().expect("start a server process"));
    }

    /// Up and `/readyz` answers 200.
    async fn wait_ready(&mut self) {
        let http = client();
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Ok(r) = http
                .get(format!("http://127.0.0.1:{}/readyz", self.port))
                .send()
                .await
            {
                if r.status().is_success() {
                    return;
                }
            }
            let exited = self.child.as_mut().and_then(|c| c.try_wait().unwrap());
            if exited.is_some() || Instant::now() > deadline {
                panic!(
                    "server process on port {} did not become ready ({exited:?}):\n{}",
                    self.port,
                    tail(&self.log)
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// SIGTERM, then waits for the exit: its status and how long the drain took.
    async fn stop(&mut self) -> (Option<i32>, Duration) {
        let mut child = self.child.take().expect("running");
        let started = Instant::now();
        // SAFETY: kill only sends a signal to our own child.
        #[allow(unsafe_code)]
        unsafe {
            libc::kill(child.id() as i32, libc::SIGTERM)
        };
        loop {
            if let Some(status) = child.try_wait().unwrap() {
                return (status.code(), started.elapsed());
            }
            if started.elapsed() > Duration::from_secs(40) {
                let _ = child.kill();
                let _ = child.wait();
                return (None, started.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

/// nginx with `deploy/nginx/mitforlob.conf`, killed when dropped.
struct Nginx {
    child: Child,
    https_port: u16,
    http_port: u16,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // SIGTERM, so the master stops its workers too (SIGKILL would orphan them).
        // SAFETY: kill only sends a signal to our own child.
        #[allow(unsafe_code)]
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM)
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.child.try_wait().ok().flatten().is_none() && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A certificate for 127.0.0.1 made now, as an operator would make a test one.
fn make_certificate(dir: &Path) -> reqwest::Certificate {
    let status = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
        ])
        .args(["-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"])
        .args(["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
        .args(["-addext", "basicConstraints=critical,CA:FALSE"])
        .arg("-keyout")
        .arg(dir.join("privkey.pem"))
        .arg("-out")
        .arg(dir.join("fullchain.pem"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .expect("openssl makes the test certificate");
    assert!(status.success(), "openssl failed");
    reqwest::Certificate::from_pem(&std::fs::read(dir.join("fullchain.pem")).unwrap()).unwrap()
}

async fn start_nginx(dir: &Path, upstreams: [u16; 2]) -> Nginx {
    let nginx = ["/usr/sbin/nginx", "/usr/local/sbin/nginx"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("nginx is not installed: `make tools` installs Debian's nginx-light");
    let (https_port, http_port) = (free_port(), free_port());
    let mut site = std::fs::read_to_string(repo().join("deploy/nginx/mitforlob.conf")).unwrap();
    let dir_s = format!("{}/", dir.display());
    for (from, to) in [
        ("127.0.0.1:3001", format!("127.0.0.1:{}", upstreams[0])),
        ("127.0.0.1:3002", format!("127.0.0.1:{}", upstreams[1])),
        ("    listen [::]:80;\n", String::new()),
        ("    listen [::]:443 ssl http2;\n", String::new()),
        ("listen 80;", format!("listen 127.0.0.1:{http_port};")),
        (
            "listen 443 ssl http2;",
            format!("listen 127.0.0.1:{https_port} ssl http2;"),
        ),
        ("/etc/ssl/mitforlob/", dir_s.clone()),
    ] {
        assert!(
            site.contains(from),
            "deploy/nginx/mitforlob.conf no longer has {from:?}: change the test with it"
        );
        site = site.replace(from, &to);
    }
    std::fs::write(dir.join("mitforlob.conf"), site).unwrap();
    // What Debian's /etc/nginx/nginx.conf gives the site, with this test's own paths.
    let d = dir.display();
    let main = format!(
        "daemon off;\nworker_processes 2;\npid {d}/nginx.pid;\nerror_log {d}/nginx-error.log warn;\n\
         events {{ worker_connections 1024; }}\n\
         http {{\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n\
           sendfile on;\n  gzip on;\n  access_log {d}/nginx-access.log;\n\
           client_body_temp_path {d}/nginx-body;\n  proxy_temp_path {d}/nginx-proxy;\n\
           fastcgi_temp_path {d}/nginx-fastcgi;\n  uwsgi_temp_path {d}/nginx-uwsgi;\n  scgi_temp_path {d}/nginx-scgi;\n\
           include {d}/mitforlob.conf;\n}}\n"
    );
    std::fs::write(dir.join("nginx.conf"), main).unwrap();
    let child = Command::new(nginx)
        .arg("-p")
        .arg(dir)
        .arg("-e")
        .arg(dir.join("nginx-error.log"))
        .arg("-c")
        .arg(dir.join("nginx.conf"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start nginx");
    let mut nginx = Nginx {
        child,
        https_port,
        http_port,
    };
    let deadline = Instant::now() + Duration::from_secs(20);
    while tokio::net::TcpStream::connect(("127.0.0.1", https_port))
        .await
        .is_err()
    {
        if nginx.child.try_wait().unwrap().is_some() || Instant::now() > deadline {
            panic!("nginx did not start:\n{}", tail(&dir.join("nginx-error.log")));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    nginx
}

/// A browser at address `from` that trusts the test certificate.
fn browser(cert: &reqwest::Certificate, from: Ipv4Addr, timeout: Option<Duration>) -> reqwest::Client {
    let mut b = reqwest::Client::builder()
        .add_root_certificate(cert.clone())
        .local_address(IpAddr::V4(from))
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(Duration::from_secs(5));
    if let Some(t) = timeout {
        b = b.timeout(t);
    }
    b.build().unwrap()
}

/// What came back, in short.
struct Answer {
    status: u16,
    headers: HeaderMap,
}

impl Answer {
    fn location(&self) -> &str {
        self.headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

async fn post(
    http: &reqwest::Client,
    url: &str,
    body: String,
    cookie: Option<&str>,
    extra: &[(&str, &str)],
) -> Result<Answer, String> {
    let mut req = http
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html")
        .header("sec-fetch-site", "same-origin")
        .body(body);
    if let Some(c) = cookie {
        req = req.header("cookie", c);
    }
    for (k, v) in extra {
        req = req.header(*k, *v);
    }
    let res = req.send().await.map_err(|e| format!("POST {url}: {e}"))?;
    let answer = Answer {
        status: res.status().as_u16(),
        headers: res.headers().clone(),
    };
    res.bytes().await.map_err(|e| format!("POST {url} body: {e}"))?;
    Ok(answer)
}

/// A logged-in person: the session cookie, and the login's `Set-Cookie`.
struct Login {
    cookie: String,
    set_cookie: String,
    headers: HeaderMap,
}

async fn login(http: &reqwest::Client, base: &str, email: &str) -> Result<Login, String> {
    let body = form(&[("email", email), ("password", app::seed::DEMO_PASSWORD)]);
    let a = post(http, &format!("{base}/api/login"), body, None, &[]).await?;
    let set_cookie = a
        .headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.contains("session="))
        .ok_or_else(|| format!("login of {email}: {} to {}", a.status, a.location()))?
        .to_string();
    Ok(Login {
        cookie: set_cookie.split(';').next().unwrap().to_string(),
        set_cookie,
        headers: a.headers,
    })
}

/// What the load saw.
#[derive(Default)]
struct Tally {
    requests: AtomicU64,
    failures: Mutex<Vec<String>>,
    /// Message bodies answered "sent".
    acknowledged: Mutex<Vec<String>>,
    /// Sent again with the same form key after a failed answer.
    retried: AtomicU64,
    /// Never answered "sent", even after retries.
    unacknowledged: Mutex<Vec<String>>,
}

impl Tally {
    fn fail(&self, what: String) {
        self.failures.lock().unwrap().push(what);
    }
}

async fn get_page(http: &reqwest::Client, url: &str, cookie: &str, tally: &Tally) {
    tally.requests.fetch_add(1, Ordering::Relaxed);
    match http
        .get(url)
        .header("accept", "text/html")
        .header("cookie", cookie)
        .send()
        .await
    {
        Ok(r) if r.status() == 200 => {
            if let Err(e) = r.bytes().await {
                tally.fail(format!("GET {url} body: {e}"));
            }
        }
        Ok(r) => tally.fail(format!("GET {url}: {}", r.status())),
        Err(e) => tally.fail(format!("GET {url}: {e}")),
    }
}

/// A message as the browser sends it, again with the same form key after a
/// failed answer, as the offline queue does. True when answered "sent".
async fn send_message(
    http: &reqwest::Client,
    base: &str,
    cookie: &str,
    thread: &str,
    text: &str,
    tally: &Tally,
    extra: &[(&str, &str)],
) -> bool {
    let key = format!("deploy-{}", new_id());
    for attempt in 0..6 {
        if attempt > 0 {
            tally.retried.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        tally.requests.fetch_add(1, Ordering::Relaxed);
        let body = form(&[("thread_id", thread), ("body", text), ("form_key", &key)]);
        match post(
            http,
            &format!("{base}/api/send-message"),
            body,
            Some(cookie),
            extra,
        )
        .await
        {
            Ok(a) if a.location().contains("notice=messages.sent") => {
                tally.acknowledged.lock().unwrap().push(text.to_string());
                return true;
            }
            Ok(a) => tally.fail(format!("send-message: {} to {}", a.status, a.location())),
            Err(e) => tally.fail(e),
        }
    }
    tally.unacknowledged.lock().unwrap().push(text.to_string());
    false
}

/// A local push service: counts what it receives, by `Topic`.
async fn push_service() -> (u16, Arc<Mutex<HashMap<String, u64>>>) {
    use axum::extract::{Request, State};
    let received: Arc<Mutex<HashMap<String, u64>>> = Arc::default();
    let app = axum::Router::new()
        .fallback(
            |State(log): State<Arc<Mutex<HashMap<String, u64>>>>, req: Request| async move {
                let topic = req
                    .headers()
                    .get("topic")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("")
                    .to_string();
                let _ = axum::body::to_bytes(req.into_body(), 1 << 20).await;
                *log.lock().unwrap().entry(topic).or_default() += 1;
                axum::http::StatusCode::CREATED
            },
        )
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (port, received)
}

/// A browser's push subscription keys: a P-256 public key and an auth secret.
fn push_keys() -> (String, String) {
    use base64::Engine;
    use p256::elliptic_curve::sec1::ToEncodedPoint;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let secret = p256::SecretKey::random(&mut p256::elliptic_curve::rand_core::OsRng);
    let public = secret.public_key().to_encoded_point(false);
    let auth: [u8; 16] = rand::random();
    (b64.encode(public.as_bytes()), b64.encode(auth))
}

/// An event stream through the proxy, reopened whenever it ends (as
/// EventSource does), counting the events it hears.
struct Stream {
    events: Arc<AtomicU64>,
    opened: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    task: tokio::task::JoinHandle<()>,
}

fn follow(http: reqwest::Client, url: String, cookie: String, tally: Arc<Tally>) -> Stream {
    let events = Arc::new(AtomicU64::new(0));
    let opened = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let task = tokio::spawn({
        let (events, opened, stop) = (events.clone(), opened.clone(), stop.clone());
        async move {
            while !stop.load(Ordering::Relaxed) {
                tally.requests.fetch_add(1, Ordering::Relaxed);
                let res = http
                    .get(&url)
                    .header("accept", "text/event-stream")
                    .header("cookie", &cookie)
                    .send()
                    .await;
                let mut res = match res {
                    Ok(r) if r.status() == 200 => r,
                    Ok(r) => {
                        tally.fail(format!("event stream: {}", r.status()));
                        tokio::time::sleep(Duration::from_millis(500)).await;
                        continue;
                    }
                    Err(e) => {
                        tally.fail(format!("event stream: {e}"));
                        tokio::time::sleep(Duration::from_millis(500)).await;
                        continue;
                    }
                };
                opened.fetch_add(1, Ordering::Relaxed);
                let mut buf = String::new();
                while let Ok(Some(chunk)) = res.chunk().await {
                    buf.push_str(&String::from_utf8_lossy(&chunk));
                    while let Some(end) = buf.find("\n\n") {
                        if buf[..end].lines().any(|l| l == "event: message") {
                            events.fetch_add(1, Ordering::Relaxed);
                        }
                        buf.drain(..end + 2);
                    }
                }
            }
        }
    });
    Stream {
        events,
        opened,
        stop,
        task,
    }
}

async fn scalar(db: &Db, sql: &str, bind: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql)
        .bind(bind)
        .fetch_one(db.pool())
        .await
        .unwrap()
}

/// The demo citizens that have a message thread: (e-mail, thread id).
async fn citizens_with_threads(db: &Db) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT u.email, MIN(t.id) FROM users u JOIN message_threads t ON t.citizen_id = u.id \
         WHERE u.role = 'citizen' GROUP BY u.email ORDER BY u.email",
    )
    .fetch_all(db.pool())
    .await
    .unwrap()
}

/// The topology, up: a seeded database, two server processes, nginx.
struct Topology {
    dir: PathBuf,
    db: Db,
    processes: Vec<Process>,
    nginx: Option<Nginx>,
    cert: Option<reqwest::Certificate>,
    /// Last, so a failed test stops the processes before the database goes.
    database: TestDb,
}

impl Topology {
    async fn start(processes: usize, command: fn() -> Command, with_nginx: bool) -> Topology {
        Topology::start_on(true, processes, command, with_nginx).await
    }

    async fn start_on(
        postgres: bool,
        processes: usize,
        command: fn() -> Command,
        with_nginx: bool,
    ) -> Topology {
        let dir = std::env::temp_dir().join(format!("mitforlob-deploy-{}", new_id()));
        std::fs::create_dir_all(&dir).unwrap();
        let database = TestDb::create(postgres).await;
        // Migrated and seeded by the server's own commands.
        let seeded = Command::new(env!("CARGO_BIN_EXE_server"))
            .arg("seed-demo")
            .env("DATABASE_URL", &database.url)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .status()
            .unwrap();
        assert!(seeded.success(), "seed-demo");
        let db = Db::connect(&database.url).await.unwrap();
        let mut procs: Vec<Process> = (0..processes)
            .map(|i| Process {
                port: free_port(),
                child: None,
                log: dir.join(format!("server-{}.log", i + 1)),
                command,
                url: database.url.clone(),
                site: dir.clone(),
            })
            .collect();
        for p in &mut procs {
            p.spawn();
        }
        for p in &mut procs {
            p.wait_ready().await;
        }
        let (nginx, cert) = if with_nginx {
            let cert = make_certificate(&dir);
            let nginx = start_nginx(&dir, [procs[0].port, procs[1].port]).await;
            (Some(nginx), Some(cert))
        } else {
            (None, None)
        };
        Topology {
            dir,
            db,
            processes: procs,
            nginx,
            cert,
            database,
        }
    }

    fn base(&self) -> String {
        format!("https://127.0.0.1:{}", self.nginx.as_ref().unwrap().https_port)
    }

    async fn finish(mut self) {
        for p in &mut self.processes {
            if p.child.is_some() {
                p.stop().await;
            }
        }
        self.nginx = None;
        self.db.close().await;
        self.database.drop_it().await;
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rolling_restart_through_nginx_drops_and_duplicates_nothing() {
    let started = Instant::now();
    let mut t = Topology::start(2, test_server, true).await;
    let base = t.base();
    let cert = t.cert.clone().unwrap();
    let citizens = citizens_with_threads(&t.db).await;
    assert!(!citizens.is_empty(), "the demo has message threads");
    let tally = Arc::new(Tally::default());
    let mut checks: Vec<String> = Vec::new();

    // The caseworker turns notifications on, with no quiet hours, so every
    // citizen's message queues one push for her.
    let (push_port, pushes) = push_service().await;
    let mette_http = browser(&cert, Ipv4Addr::new(127, 0, 0, 5), None);
    let mette = login(&mette_http, &base, "mette@demo.mitforlob.dk")
        .await
        .expect("caseworker login");
    let (p256dh, auth) = push_keys();
    let endpoint = format!("http://127.0.0.1:{push_port}/push/mette");
    for (path, body) in [
        (
            "/api/push-subscribe",
            form(&[("endpoint", &endpoint), ("p256dh", &p256dh), ("auth", &auth)]),
        ),
        (
            "/api/quiet-hours",
            form(&[("quiet_from", "00:00"), ("quiet_to", "00:00")]),
        ),
    ] {
        post(
            &mette_http,
            &format!("{base}{path}"),
            body,
            Some(&mette.cookie),
            &[],
        )
        .await
        .unwrap();
    }
    let mette_id: String = sqlx::query_scalar("SELECT id FROM users WHERE email = 'mette@demo.mitforlob.dk'")
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    assert_eq!(
        scalar(
            &t.db,
            "SELECT COUNT(*) FROM push_subscriptions WHERE user_id = $1",
            &mette_id
        )
        .await,
        1,
        "the push subscription is stored"
    );

    // An open thread page on the caseworker's screen, through the proxy.
    let (stream_citizen, stream_thread) = citizens[0].clone();
    let stream = follow(
        browser(&cert, Ipv4Addr::new(127, 0, 0, 5), None),
        format!("{base}/events/threads/{stream_thread}"),
        mette.cookie.clone(),
        tally.clone(),
    );

    // Citizens, each browser from its own address.
    let mut logins = Vec::new();
    for i in 0..CLIENTS {
        let (email, thread) = citizens[i % citizens.len()].clone();
        let http = browser(
            &cert,
            Ipv4Addr::new(127, 0, 0, 10 + i as u8),
            Some(Duration::from_secs(30)),
        );
        let l = login(&http, &base, &email).await.expect("citizen login");
        logins.push((http, l, email, thread));
    }
    let first_login = logins[0].1.set_cookie.clone();
    let first_headers = logins[0].1.headers.clone();
    let stream_cookie = logins
        .iter()
        .find(|l| l.2 == stream_citizen)
        .map(|l| l.1.cookie.clone())
        .unwrap();

    let load_started = Instant::now();
    let deadline = load_started + LOAD;
    let mut tasks = Vec::new();
    for (i, (http, l, _, thread)) in logins.into_iter().enumerate() {
        let (tally, base) = (tally.clone(), base.clone());
        tasks.push(tokio::spawn(async move {
            let mut n = 0;
            while Instant::now() < deadline {
                get_page(&http, &format!("{base}/"), &l.cookie, &tally).await;
                get_page(&http, &format!("{base}/plan"), &l.cookie, &tally).await;
                let text = format!("deploy c{i} n{n} {}", new_id());
                send_message(&http, &base, &l.cookie, &thread, &text, &tally, &[]).await;
                n += 1;
            }
        }));
    }

    // The rolling restart: one process at a time, the next only once the
    // last is ready again and nginx has taken it back (deploy/roll.sh).
    tokio::time::sleep(Duration::from_secs(4)).await;
    let mut restarts = Vec::new();
    for p in t.processes.iter_mut() {
        let (code, drained) = p.stop().await;
        let stopped = Instant::now();
        p.spawn();
        p.wait_ready().await;
        restarts.push((p.port, code, drained, stopped.elapsed()));
        tokio::time::sleep(ROLL_PAUSE).await;
    }
    let restarts_done = load_started.elapsed();
    for task in tasks {
        task.await.unwrap();
    }
    let load_took = load_started.elapsed();
    for (port, code, drained, back) in &restarts {
        if *code != Some(0) {
            checks.push(format!("process on {port} exited {code:?} after SIGTERM"));
        }
        if *drained > Duration::from_secs(20) {
            checks.push(format!("process on {port} took {drained:?} to drain"));
        }
        if *back > Duration::from_secs(30) {
            checks.push(format!("process on {port} took {back:?} to be ready again"));
        }
    }
    if restarts_done > LOAD {
        checks.push(format!(
            "the restarts took {restarts_done:?}, longer than the load ({LOAD:?})"
        ));
    }

    // Live updates across processes: a message written directly on each
    // process reaches the stream, wherever the proxy put it.
    let streams_opened = stream.opened.load(Ordering::Relaxed);
    let mut live_seen = 0;
    let direct = client();
    for p in &t.processes {
        let before = stream.events.load(Ordering::Relaxed);
        let text = format!("deploy direct {} {}", p.port, new_id());
        let base_p = format!("http://127.0.0.1:{}", p.port);
        // Sent as nginx would pass it on to this process: the browser uses HTTPS.
        let forwarded = [("x-forwarded-proto", "https")];
        if !send_message(
            &direct,
            &base_p,
            &stream_cookie,
            &stream_thread,
            &text,
            &tally,
            &forwarded,
        )
        .await
        {
            continue;
        }
        let waited = Instant::now();
        while stream.events.load(Ordering::Relaxed) == before && waited.elapsed() < Duration::from_secs(10) {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        if stream.events.load(Ordering::Relaxed) > before {
            live_seen += 1;
        }
    }
    stream.stop.store(true, Ordering::Relaxed);
    stream.task.abort();
    if live_seen != 2 {
        checks.push(format!(
            "the event stream heard writes on {live_seen} of 2 processes"
        ));
    }
    if streams_opened < 2 {
        checks.push(format!(
            "the event stream was opened {streams_opened} times: a restart should end it and the browser reopen it"
        ));
    }

    // Every acknowledged message is stored exactly once.
    let acknowledged = tally.acknowledged.lock().unwrap().clone();
    let stored: HashMap<String, i64> = {
        sqlx::query_as::<_, (String, i64)>(
            "SELECT body, COUNT(*) FROM messages WHERE body LIKE 'deploy %' GROUP BY body",
        )
        .fetch_all(t.db.pool())
        .await
        .unwrap()
        .into_iter()
        .collect()
    };
    let lost = acknowledged.iter().filter(|b| !stored.contains_key(*b)).count();
    let duplicated = stored.values().filter(|n| **n > 1).count();
    let stored_total: i64 = stored.values().sum();

    // Each notification delivered once: one per citizen message.
    let waited = Instant::now();
    while scalar(
        &t.db,
        "SELECT COUNT(*) FROM push_outbox WHERE sent_at IS NULL AND user_id = $1",
        &mette_id,
    )
    .await
        > 0
        && waited.elapsed() < Duration::from_secs(20)
    {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let queued = scalar(
        &t.db,
        "SELECT COUNT(*) FROM push_outbox WHERE user_id = $1 AND kind = 'message'",
        &mette_id,
    )
    .await;
    let delivered = pushes.lock().unwrap().get("message").copied().unwrap_or(0) as i64;

    // HTTPS as a browser must see it.
    let secure_cookie =
        first_login.contains("__Host-") && first_login.to_ascii_lowercase().contains("; secure");
    let hsts = first_headers.contains_key("strict-transport-security");
    let redirect = client()
        .get(format!(
            "http://127.0.0.1:{}/plan",
            t.nginx.as_ref().unwrap().http_port
        ))
        .send()
        .await
        .map(|r| (r.status().as_u16(), r.headers().get(LOCATION).cloned()))
        .ok();
    if !redirect.as_ref().is_some_and(|(s, l)| {
        *s == 301
            && l.as_ref()
                .is_some_and(|l| l.to_str().unwrap_or("").starts_with("https://"))
    }) {
        checks.push(format!("plain http is not sent to https: {redirect:?}"));
    }

    // Throttling by the real client's address: 31 failed logins from
    // 127.0.0.2 (each also claiming another address in X-Forwarded-For,
    // which must not help) pause that address; 127.0.0.3 still logs in.
    let guesser = browser(&cert, Ipv4Addr::new(127, 0, 0, 2), Some(Duration::from_secs(30)));
    for i in 0..=app::auth::rate_limit::MAX_PER_IP {
        let body = form(&[
            ("email", &format!("nobody{i}@example.org")),
            ("password", "wrong-password-123"),
        ]);
        let forged = format!("10.66.0.{i}");
        let _ = post(
            &guesser,
            &format!("{base}/api/login"),
            body,
            None,
            &[("x-forwarded-for", &forged)],
        )
        .await;
    }
    let sofie = "sofie@demo.mitforlob.dk";
    let body = form(&[("email", sofie), ("password", app::seed::DEMO_PASSWORD)]);
    let from_guesser = post(&guesser, &format!("{base}/api/login"), body, None, &[])
        .await
        .map(|a| a.location().to_string())
        .unwrap_or_default();
    let guesser_paused = from_guesser.contains("auth.rate_limited");
    let other = browser(&cert, Ipv4Addr::new(127, 0, 0, 3), Some(Duration::from_secs(30)));
    let other_logs_in = login(&other, &base, sofie).await.is_ok();

    // The backup job.
    let backups = t.dir.join("backups");
    std::fs::create_dir_all(&backups).unwrap();
    let backup = Command::new(repo().join("deploy/backup.sh"))
        .env("BACKUP_DIR", &backups)
        .env("DATABASE_URL", &t.database.url)
        .output()
        .unwrap();
    let dump = String::from_utf8_lossy(&backup.stdout).trim().to_string();
    let listing = Command::new("pg_restore")
        .args(["--list", &dump])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let backup_ok = backup.status.success() && listing.contains("TABLE DATA public messages");

    // What nginx passed on to the other process: proof the restarts were met.
    let nginx_log = std::fs::read_to_string(t.dir.join("nginx-error.log")).unwrap_or_default();
    let passed_on = nginx_log
        .lines()
        .filter(|l| l.contains("upstream") && !l.contains("temporarily disabled"))
        .count();
    let requests = tally.requests.load(Ordering::Relaxed);
    let failures = tally.failures.lock().unwrap().clone();
    let unacknowledged = tally.unacknowledged.lock().unwrap().len();
    let figures = format!(
        "deploy (nginx + 2 processes + PostgreSQL, {CLIENTS} browsers, rolling restart): \
         {requests} requests in {:.1} s ({:.0}/s), failed {}, \
         writes acknowledged {} / stored {stored_total} / lost {lost} / duplicated {duplicated} / never acknowledged {unacknowledged} / resent {}, \
         restarts {} (exit {:?}, drained in {:?}, ready again in {:?}), nginx upstream errors passed on {passed_on}, \
         event stream opened {streams_opened}x, live updates from {live_seen}/2 processes, \
         push sent {delivered} / expected {queued}, \
         Secure cookie {secure_cookie}, HSTS {hsts}, \
         throttled address paused {guesser_paused}, other address logs in {other_logs_in}, \
         backup {}, whole run {:.0} s",
        load_took.as_secs_f64(),
        requests as f64 / load_took.as_secs_f64(),
        failures.len(),
        acknowledged.len(),
        tally.retried.load(Ordering::Relaxed),
        restarts.len(),
        restarts.iter().map(|r| r.1).collect::<Vec<_>>(),
        restarts.iter().map(|r| r.2).collect::<Vec<_>>(),
        restarts.iter().map(|r| r.3).collect::<Vec<_>>(),
        if backup_ok { "ok" } else { "FAILED" },
        started.elapsed().as_secs_f64(),
    );
    report(&figures);

    if !failures.is_empty() {
        let mut counted: HashMap<&str, usize> = HashMap::new();
        for f in &failures {
            *counted.entry(f.as_str()).or_default() += 1;
        }
        checks.push(format!("failed requests: {counted:?}"));
    }
    if acknowledged.len() < 20 {
        checks.push(format!("only {} writes got through", acknowledged.len()));
    }
    if lost + duplicated + unacknowledged > 0 {
        checks.push(format!(
            "writes lost {lost}, duplicated {duplicated}, never acknowledged {unacknowledged}"
        ));
    }
    if stored_total as usize != acknowledged.len() {
        checks.push(format!(
            "{stored_total} test messages stored for {} acknowledged",
            acknowledged.len()
        ));
    }
    if delivered != queued || queued != stored_total {
        checks.push(format!(
            "push: {delivered} delivered, {queued} queued, for {stored_total} messages"
        ));
    }
    if !secure_cookie || !hsts {
        checks.push(format!("HTTPS: session cookie {first_login:?}, HSTS {hsts}"));
    }
    if !guesser_paused || !other_logs_in {
        checks.push(format!(
            "throttling is not by the real client address: 127.0.0.2 paused {guesser_paused} ({from_guesser}), \
             127.0.0.3 logs in {other_logs_in}"
        ));
    }
    if !backup_ok {
        checks.push(format!(
            "backup job: {} {}",
            backup.status,
            String::from_utf8_lossy(&backup.stderr)
        ));
    }
    let mut logs: Vec<String> = t.processes.iter().map(|p| tail(&p.log)).collect();
    logs.push(tail(&t.dir.join("nginx-error.log")));
    t.finish().await;
    assert!(
        checks.is_empty(),
        "{}\n\nserver and nginx logs:\n{}",
        checks.join("\n"),
        logs.join("\n---\n")
    );
}

/// CPU time (user + system) a process has used so far.
fn cpu_time(pid: u32) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The command name may hold spaces: the fields start after its ')'.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map(|(_, rest)| rest.split_whitespace().collect())
        .unwrap_or_default();
    let ticks = |i: usize| fields.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    // SAFETY: sysconf only reads a configuration value.
    #[allow(unsafe_code)]
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    // utime and stime are fields 14 and 15 of stat, 12 and 13 after the name.
    Duration::from_millis((ticks(11) + ticks(12)) * 1000 / hz)
}

/// CPU time of the PostgreSQL backends serving this database.
async fn database_cpu(db: &Db, name: &str, seen: &mut HashMap<u32, Duration>) -> Duration {
    let pids: Vec<i32> = sqlx::query_scalar("SELECT pid FROM pg_stat_activity WHERE datname = $1")
        .bind(name)
        .fetch_all(db.pool())
        .await
        .unwrap();
    for pid in pids {
        seen.insert(pid as u32, cpu_time(pid as u32));
    }
    seen.values().sum()
}

/// What one measured phase does: a page read, a message, or a login.
#[derive(Clone, Copy, Debug)]
enum Work {
    Page(&'static str),
    Message,
    Login,
}

/// Throughput and CPU of one server process on PostgreSQL, for the README's
/// capacity figures: `make bench` (the release build; set
/// MITFORLOB_BENCH_SERVER to another binary). Each phase runs
/// MITFORLOB_BENCH_SECONDS (8) with MITFORLOB_BENCH_CLIENTS (8) clients
/// straight to the process (nginx's TLS is not counted).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, not a test: make bench"]
async fn capacity() {
    let seconds: u64 = std::env::var("MITFORLOB_BENCH_SECONDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let clients: usize = std::env::var("MITFORLOB_BENCH_CLIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let binary = std::env::var("MITFORLOB_BENCH_SERVER").unwrap_or_else(|_| {
        println!("MITFORLOB_BENCH_SERVER not set: measuring the unoptimised debug build");
        env!("CARGO_BIN_EXE_server").into()
    });
    let t = Topology::start(1, product_server, false).await;
    let pid = t.processes[0].child.as_ref().unwrap().id();
    let base = format!("http://127.0.0.1:{}", t.processes[0].port);
    let citizens = citizens_with_threads(&t.db).await;
    let mut sessions = Vec::new();
    for i in 0..clients {
        let (email, thread) = citizens[i % citizens.len()].clone();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap();
        let l = login(&http, &base, &email).await.expect("login");
        sessions.push((http, l.cookie, email, thread));
    }
    let mut lines = vec![format!(
        "capacity: one process ({binary}), PostgreSQL, {clients} clients, {seconds} s a phase, {} cores",
        std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
    )];
    lines.push(
        "work           requests/s   p50 ms   p95 ms   server CPU ms/req   database CPU ms/req   req per server core-second"
            .into(),
    );
    for work in [Work::Page("/"), Work::Page("/plan"), Work::Message, Work::Login] {
        let mut pg_seen = HashMap::new();
        let pg_before = database_cpu(&t.db, t.database.pg_name().unwrap(), &mut pg_seen).await;
        let server_before = cpu_time(pid);
        let started = Instant::now();
        let deadline = started + Duration::from_secs(seconds);
        let mut tasks = Vec::new();
        for (i, (http, cookie, email, thread)) in sessions.clone().into_iter().enumerate() {
            // More than five logins at once to one account pause it (each
            // counts as a failure until its password is checked): one a person.
            if matches!(work, Work::Login) && i >= citizens.len() {
                continue;
            }
            let base = base.clone();
            tasks.push(tokio::spawn(async move {
                let mut took = Vec::new();
                let mut failed = 0u64;
                while Instant::now() < deadline {
                    let at = Instant::now();
                    let ok = match work {
                        Work::Page(path) => http
                            .get(format!("{base}{path}"))
                            .header("accept", "text/html")
                            .header("cookie", &cookie)
                            .send()
                            .await
                            .ok()
                            .filter(|r| r.status() == 200)
                            .is_some(),
                        Work::Message => {
                            let body = form(&[
                                ("thread_id", &thread),
                                ("body", &format!("bench {}", new_id())),
                                ("form_key", &format!("bench-{}", new_id())),
                            ]);
                            post(
                                &http,
                                &format!("{base}/api/send-message"),
                                body,
                                Some(&cookie),
                                &[],
                            )
                            .await
                            .is_ok_and(|a| a.location().contains("notice=messages.sent"))
                        }
                        Work::Login => login(&http, &base, &email).await.is_ok(),
                    };
                    if ok {
                        took.push(at.elapsed());
                    } else {
                        failed += 1;
                    }
                }
                (took, failed)
            }));
        }
        let mut took = Vec::new();
        let mut failed = 0;
        for task in tasks {
            let (t, f) = task.await.unwrap();
            took.extend(t);
            failed += f;
        }
        let wall = started.elapsed().as_secs_f64();
        let server_cpu = (cpu_time(pid) - server_before).as_secs_f64();
        let pg_cpu = (database_cpu(&t.db, t.database.pg_name().unwrap(), &mut pg_seen).await - pg_before)
            .as_secs_f64();
        took.sort();
        let n = took.len().max(1);
        let pct = |p: f64| {
            took.get(((n as f64 * p) as usize).min(n - 1))
                .copied()
                .unwrap_or_default()
        };
        let what = match work {
            Work::Page(p) => format!("GET {p}"),
            Work::Message => "send message".into(),
            Work::Login => "login".into(),
        };
        lines.push(format!(
            "{what:<14} {:>10.0}   {:>6.1}   {:>6.1}   {:>17.2}   {:>19.2}   {:>26.0}{}",
            took.len() as f64 / wall,
            pct(0.5).as_secs_f64() * 1000.0,
            pct(0.95).as_secs_f64() * 1000.0,
            server_cpu * 1000.0 / n as f64,
            pg_cpu * 1000.0 / n as f64,
            n as f64 / server_cpu.max(0.001),
            if failed > 0 {
                format!("  ({failed} failed)")
            } else {
                String::new()
            }
        ));
    }
    // The most memory the process held (argon2 takes 19 MiB per login in progress).
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    if let Some(peak) = status.lines().find(|l| l.starts_with("VmHWM:")) {
        lines.push(format!(
            "server memory at most: {}",
            peak.trim_start_matches("VmHWM:").trim()
        ));
    }
    t.finish().await;
    println!("{}", lines.join("\n"));
}

/// Milliseconds at the 50th and 99th percentile.
fn p50_p99(took: &mut [Duration]) -> (f64, f64) {
    took.sort();
    let n = took.len().max(1);
    let at = |p: f64| {
        took.get(((n as f64 * p) as usize).min(n - 1))
            .copied()
            .unwrap_or_default()
            .as_secs_f64()
            * 1000.0
    };
    (at(0.5), at(0.99))
}

/// GETs `path` as `cookie` until `until`, one after another; the times taken.
async fn timed_gets(http: &reqwest::Client, url: &str, cookie: &str, until: Instant) -> Vec<Duration> {
    let mut took = Vec::new();
    while Instant::now() < until {
        let at = Instant::now();
        let ok = http
            .get(url)
            .header("accept", "text/html")
            .header("cookie", cookie)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success());
        assert!(ok, "GET {url} failed under load");
        took.push(at.elapsed());
    }
    took
}

/// A PostgreSQL statistic of the bench database, after the backends have
/// reported (PostgreSQL 15 flushes them within a second).
async fn pg_stat(db: &Db, sql: &str, name: &str) -> i64 {
    tokio::time::sleep(Duration::from_millis(1500)).await;
    sqlx::query_scalar::<_, i64>(sql)
        .bind(name)
        .fetch_one(db.pool())
        .await
        .unwrap_or(0)
}

/// `make bench`: the costs issue 17 measured, on one release process on
/// SQLite and then on PostgreSQL with `server seed-scale` data (1,000 citizens on one caseload,
/// 10,000 messages in one thread, three years of wellbeing, 100,000 audit
/// rows): each page's latency and what a view writes (rows in all, and audit
/// rows, per view), then the overview's latency with and without 20 logins a
/// second, and the server's memory before and after the logins.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a measurement, not a test: make bench"]
async fn scale_and_logins() {
    for postgres in [false, true] {
        scale_and_logins_on(postgres).await;
    }
}

/// `scale_and_logins` on one engine. Rows written are PostgreSQL's own
/// statistics; SQLite has none to ask, so its column says "–".
async fn scale_and_logins_on(postgres: bool) {
    let t = Topology::start_on(postgres, 1, product_server, false).await;
    let pid = t.processes[0].child.as_ref().unwrap().id();
    let base = format!("http://127.0.0.1:{}", t.processes[0].port);
    let bin = std::env::var("MITFORLOB_BENCH_SERVER").unwrap_or_else(|_| env!("CARGO_BIN_EXE_server").into());
    let started = Instant::now();
    let seeded = Command::new(&bin)
        .arg("seed-scale")
        .env("DATABASE_URL", &t.database.url)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        seeded.status.success(),
        "seed-scale: {}",
        String::from_utf8_lossy(&seeded.stderr)
    );
    let printed = String::from_utf8_lossy(&seeded.stdout).to_string();
    let thread = printed
        .split("/messages/")
        .nth(1)
        .and_then(|r| r.split(')').next())
        .expect("seed-scale prints the long thread")
        .to_string();
    let engine = if postgres { "PostgreSQL" } else { "SQLite" };
    let mut lines = vec![
        format!(
            "scale on {engine}: seed-scale took {:.1} s: {}",
            started.elapsed().as_secs_f64(),
            printed.trim()
        ),
        "page (as)                    p50 ms   p99 ms   rows written/view   audit rows/view (first view, then each)".into(),
    ];
    let http = client();
    let caseworker = login(&http, &base, "sagsbehandler-1@skala.mitforlob.dk")
        .await
        .unwrap()
        .cookie;
    let citizen = login(&http, &base, "borger-0-1@skala.mitforlob.dk")
        .await
        .unwrap()
        .cookie;
    let thread_path = format!("/messages/{thread}");
    let name = t.database.pg_name().unwrap_or_default().to_string();
    let writes = "SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0)::BIGINT FROM pg_stat_user_tables WHERE $1 <> ''";
    let audit_rows = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_events")
            .fetch_one(t.db.pool())
            .await
            .unwrap()
    };
    for (who, cookie, path) in [
        ("caseworker", &caseworker, "/caseload"),
        ("caseworker", &caseworker, "/inbox"),
        ("caseworker", &caseworker, thread_path.as_str()),
        ("citizen", &citizen, "/"),
        ("citizen", &citizen, "/plan"),
        ("citizen", &citizen, "/wellbeing"),
        ("citizen", &citizen, thread_path.as_str()),
    ] {
        let url = format!("{base}{path}");
        let audit_before = audit_rows().await;
        http.get(&url)
            .header("cookie", cookie.as_str())
            .send()
            .await
            .unwrap();
        let audit_first = audit_rows().await - audit_before;
        let writes_before = if postgres {
            pg_stat(&t.db, writes, &name).await
        } else {
            0
        };
        let audit_before = audit_rows().await;
        let mut took = timed_gets(&http, &url, cookie, Instant::now() + Duration::from_secs(4)).await;
        let views = took.len() as f64;
        // Every row any statement wrote (the session's sliding expiry included).
        let written = if postgres {
            format!(
                "{:.2}",
                (pg_stat(&t.db, writes, &name).await - writes_before) as f64 / views
            )
        } else {
            "–".into()
        };
        let audit = (audit_rows().await - audit_before) as f64 / views;
        let (p50, p99) = p50_p99(&mut took);
        lines.push(format!(
            "{:<28} {p50:>6.1}   {p99:>6.1}   {written:>17}   {audit_first} then {audit:.2}",
            format!("{path} ({who})").chars().take(28).collect::<String>(),
        ));
    }

    // The overview while logins run: 20 a second, each a different citizen
    // (one person's parallel logins would pause their account).
    let rss = || {
        std::fs::read_to_string(format!("/proc/{pid}/status"))
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:").map(|v| v.trim().to_string()))
            .unwrap_or_default()
    };
    let overview = format!("{base}/");
    let quiet = {
        let until = Instant::now() + Duration::from_secs(8);
        let (a, b) = tokio::join!(
            timed_gets(&http, &overview, &citizen, until),
            timed_gets(&http, &overview, &citizen, until)
        );
        let mut all = [a, b].concat();
        p50_p99(&mut all)
    };
    let rss_before = rss();
    let stop = Arc::new(AtomicBool::new(false));
    let logins = {
        let (stop, http, base) = (stop.clone(), http.clone(), base.clone());
        tokio::spawn(async move {
            let mut tasks = Vec::new();
            let mut n = 1;
            let mut tick = tokio::time::interval(Duration::from_millis(50));
            while !stop.load(Ordering::Relaxed) {
                tick.tick().await;
                let (http, base) = (http.clone(), base.clone());
                let email = format!("borger-{n}-1@skala.mitforlob.dk");
                n = n % 999 + 1;
                tasks.push(tokio::spawn(async move {
                    let at = Instant::now();
                    login(&http, &base, &email).await.map(|_| at.elapsed())
                }));
            }
            let mut took = Vec::new();
            let mut failed = 0;
            for task in tasks {
                match task.await.unwrap() {
                    Ok(d) => took.push(d),
                    Err(_) => failed += 1,
                }
            }
            (took, failed)
        })
    };
    let burst_started = Instant::now();
    let busy = {
        let until = Instant::now() + Duration::from_secs(10);
        let (a, b) = tokio::join!(
            timed_gets(&http, &overview, &citizen, until),
            timed_gets(&http, &overview, &citizen, until)
        );
        let mut all = [a, b].concat();
        p50_p99(&mut all)
    };
    stop.store(true, Ordering::Relaxed);
    let (mut login_took, failed) = logins.await.unwrap();
    let burst = burst_started.elapsed().as_secs_f64();
    let done = login_took.len();
    let (l50, l99) = p50_p99(&mut login_took);
    lines.push(format!(
        "overview p50/p99 ms: {:.1}/{:.1} quiet, {:.1}/{:.1} with logins ({:.1} logins/s done, {failed} failed, login p50/p99 {l50:.0}/{l99:.0} ms, {} hash(es) at a time)",
        quiet.0,
        quiet.1,
        busy.0,
        busy.1,
        done as f64 / burst,
        app::auth::password::concurrent_hashes(),
    ));
    lines.push(format!(
        "server RSS: {rss_before} before the logins, {} after",
        rss()
    ));
    t.finish().await;
    println!("{}", lines.join("\n"));
}
