//! Operational metrics in the Prometheus (OpenMetrics) text format, served by
//! the server on its own listener (`MITFORLOB_METRICS_ADDR`), never on the
//! public address.
//!
//! Built on `prometheus-client`, the Prometheus project's own Rust client: it
//! encodes the format and nothing else (no HTTP server, no global recorder),
//! so the few places that count reach one process-wide set of metrics here.
//!
//! Labels are fixed words and route templates only: never a raw path, an id,
//! an address or anything a person typed.
use crate::db::Db;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::sync::atomic::AtomicU64;
use std::sync::LazyLock;
use std::time::Duration;

/// What a scraper is told the body is.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The matched route template (`/caseload/citizens/{id}`), or a fixed word.
    pub route: String,
    pub method: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RouteLabels {
    pub route: String,
    pub method: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ScopeLabels {
    scope: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct BuildLabels {
    version: &'static str,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

fn latency_histogram() -> Histogram {
    // 5 ms … about 20 s.
    Histogram::new([
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0,
    ])
}

pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: HistogramFamily<RouteLabels>,
    in_flight: Gauge,
    event_streams: Gauge,
    pool_size: Gauge,
    pool_idle: Gauge,
    pool_max: Gauge,
    acquire: Histogram,
    push_queue: Gauge,
    push_oldest: Gauge<f64, AtomicU64>,
    push_sends: Family<OutcomeLabels, Counter>,
    login_failures: Counter,
    login_throttled: Family<ScopeLabels, Counter>,
}

impl Metrics {
    fn new() -> Metrics {
        let mut r = Registry::with_prefix("mitforlob");
        let requests = Family::<RequestLabels, Counter>::default();
        r.register(
            "http_requests",
            "HTTP requests answered, by matched route, method and status",
            requests.clone(),
        );
        let latency: HistogramFamily<RouteLabels> = Family::new_with_constructor(latency_histogram);
        r.register(
            "http_request_duration_seconds",
            "Time to answer (to the response head; a stream's life is not counted)",
            latency.clone(),
        );
        let in_flight = Gauge::default();
        r.register(
            "http_requests_in_flight",
            "Requests being answered now",
            in_flight.clone(),
        );
        let event_streams = Gauge::default();
        r.register(
            "event_streams_open",
            "Open server-sent event streams (live thread pages)",
            event_streams.clone(),
        );
        let pool_size = Gauge::default();
        r.register(
            "db_pool_connections",
            "Database connections open in the pool",
            pool_size.clone(),
        );
        let pool_idle = Gauge::default();
        r.register(
            "db_pool_idle_connections",
            "Open database connections not in use",
            pool_idle.clone(),
        );
        let pool_max = Gauge::default();
        r.register(
            "db_pool_max_connections",
            "The most connections the pool opens",
            pool_max.clone(),
        );
        let acquire = Histogram::new([
            0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
        ]);
        r.register(
            "db_acquire_duration_seconds",
            "Wait for a pooled connection when a transaction starts",
            acquire.clone(),
        );
        let push_queue = Gauge::default();
        r.register(
            "push_queue_unsent",
            "Notifications in the push outbox not yet sent (due or waiting)",
            push_queue.clone(),
        );
        let push_oldest = Gauge::<f64, AtomicU64>::default();
        r.register(
            "push_oldest_unsent_age_seconds",
            "Age of the oldest notification that is due and not yet sent (0: none)",
            push_oldest.clone(),
        );
        let push_sends = Family::<OutcomeLabels, Counter>::default();
        r.register(
            "push_sends",
            "Push messages sent to a browser's push service, by outcome",
            push_sends.clone(),
        );
        let login_failures = Counter::default();
        r.register(
            "login_failures",
            "Logins refused for a wrong name or password",
            login_failures.clone(),
        );
        let login_throttled = Family::<ScopeLabels, Counter>::default();
        r.register(
            "login_throttled",
            "Logins refused because too many failed lately, by which limit (account or address)",
            login_throttled.clone(),
        );
        let build = Family::<BuildLabels, Gauge>::default();
        build
            .get_or_create(&BuildLabels {
                version: env!("CARGO_PKG_VERSION"),
            })
            .set(1);
        r.register("build_info", "The running build (always 1)", build);
        Metrics {
            registry: r,
            requests,
            latency,
            in_flight,
            event_streams,
            pool_size,
            pool_idle,
            pool_max,
            acquire,
            push_queue,
            push_oldest,
            push_sends,
            login_failures,
            login_throttled,
        }
    }
}

static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);

fn m() -> &'static Metrics {
    &METRICS
}

/// Counts a request as being answered until the guard is dropped (also
/// when the request is cut off part-way).
pub struct InFlight(());

impl InFlight {
    pub fn start() -> InFlight {
        m().in_flight.inc();
        InFlight(())
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        m().in_flight.dec();
    }
}

/// One request answered: `route` must be a route template or a fixed word.
pub fn request_answered(route: &str, method: &str, status: u16, took: Duration) {
    let metrics = m();
    metrics
        .requests
        .get_or_create(&RequestLabels {
            route: route.to_string(),
            method: method.to_string(),
            status,
        })
        .inc();
    metrics
        .latency
        .get_or_create(&RouteLabels {
            route: route.to_string(),
            method: method.to_string(),
        })
        .observe(took.as_secs_f64());
}

/// Counts an open event stream until dropped.
pub struct EventStream(());

impl EventStream {
    pub fn open() -> EventStream {
        m().event_streams.inc();
        EventStream(())
    }
}

impl Drop for EventStream {
    fn drop(&mut self) {
        m().event_streams.dec();
    }
}

pub fn db_acquired(waited: Duration) {
    m().acquire.observe(waited.as_secs_f64());
}

/// `outcome`: `delivered`, `gone` (subscription removed) or `failed`.
pub fn push_sent(outcome: &'static str) {
    m().push_sends.get_or_create(&OutcomeLabels { outcome }).inc();
}

pub fn login_failed() {
    m().login_failures.inc();
}

/// `scope`: `account` or `address`.
pub fn login_throttled(scope: &'static str) {
    m().login_throttled.get_or_create(&ScopeLabels { scope }).inc();
}

/// Everything, as the scraper receives it. Pool and push-queue figures are
/// read now: the pool's from memory, the queue's with one small query (if
/// the database does not answer, they keep their last values).
pub async fn render(db: &Db) -> String {
    #[derive(sqlx::FromRow)]
    struct QueueRow {
        unsent: i64,
        oldest: Option<i64>,
    }
    let metrics = m();
    let pool = db.pool();
    metrics.pool_size.set(i64::from(pool.size()));
    metrics.pool_idle.set(pool.num_idle() as i64);
    metrics
        .pool_max
        .set(i64::from(pool.options().get_max_connections()));
    let now = crate::time::now_ms();
    let queue = sqlx::query_as::<_, QueueRow>(
        "SELECT COUNT(*) AS unsent, \
           (SELECT MIN(created_at) FROM push_outbox WHERE sent_at IS NULL AND due_at <= $1) AS oldest \
         FROM push_outbox WHERE sent_at IS NULL",
    )
    .bind(now)
    .fetch_one(pool)
    .await;
    match queue {
        Ok(QueueRow { unsent, oldest }) => {
            metrics.push_queue.set(unsent);
            metrics
                .push_oldest
                .set(oldest.map_or(0.0, |at| (now - at).max(0) as f64 / 1000.0));
        }
        Err(e) => tracing::warn!(error = %e, "metrics: could not read the push queue"),
    }
    let mut out = String::new();
    if let Err(e) = prometheus_client::encoding::text::encode(&mut out, &metrics.registry) {
        tracing::error!(error = %e, "metrics: could not encode");
    }
    out
}
