//! Serving HTTP with limits a slow or hostile client cannot exhaust, and a
//! stop that lets requests in flight finish.
//!
//! `axum::serve` has neither a header-read timeout nor a connection cap, so
//! connections are accepted here and handed to hyper directly.
use crate::config::{ServeSettings, Settings};
use app::db::{Backend, Db};
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Told to every request (as an extension) so that long-lived responses,
/// the event streams, can end when the server stops.
#[derive(Clone, Debug)]
pub struct Stopping(pub CancellationToken);

/// File descriptors kept free for the database, files and the listener.
const FD_RESERVE: u64 = 64;

/// Raises this process's soft limit on open files to the hard limit, and
/// returns the soft limit now in force (None where it cannot be read).
#[allow(unsafe_code)]
pub fn raise_fd_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: getrlimit/setrlimit only read and write the struct we pass.
        unsafe {
            if libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim) != 0 {
                return None;
            }
            if lim.rlim_cur < lim.rlim_max {
                let raised = libc::rlimit {
                    rlim_cur: lim.rlim_max,
                    rlim_max: lim.rlim_max,
                };
                if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                    lim.rlim_cur = lim.rlim_max;
                }
            }
        }
        // `rlim_t` is not u64 on every platform.
        #[allow(clippy::unnecessary_cast)]
        Some(lim.rlim_cur as u64)
    }
    #[cfg(not(unix))]
    {
        None
    }
}

/// The connection cap that fits the open-file limit: a cap above it would
/// let connections take the descriptors the database needs.
pub fn fitted_max_connections(wanted: usize, fd_limit: Option<u64>) -> usize {
    match fd_limit {
        Some(limit) if (wanted as u64) + FD_RESERVE > limit => {
            let fitted = limit.saturating_sub(FD_RESERVE).max(1) as usize;
            tracing::warn!(
                wanted,
                fitted,
                "MITFORLOB_MAX_CONNECTIONS lowered to fit the open-file limit"
            );
            fitted
        }
        _ => wanted,
    }
}

/// Serves `app` on `listener` until `stop` is cancelled; then stops
/// accepting, lets each connection finish the request it is in (idle ones
/// close at once), and returns when all are done or `limits.shutdown_grace`
/// has passed.
pub async fn serve(listener: TcpListener, app: Router, limits: &ServeSettings, stop: CancellationToken) {
    let app = app.layer(axum::Extension(Stopping(stop.clone())));
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let mut http = http1::Builder::new();
    // The header timeout also runs while a kept-alive connection waits for
    // its next request, so it doubles as the idle limit.
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    let mut connections = JoinSet::new();
    loop {
        // At the cap, stop accepting: the kernel queues newcomers until a
        // connection closes, instead of this process running out of files.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot.expect("the semaphore is never closed"),
            _ = stop.cancelled() => break,
        };
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(c) => c,
                Err(e) => {
                    // E.g. out of file descriptors: wait a little, never spin or give up.
                    tracing::warn!(error = %e, "could not accept a connection");
                    tokio::select! {
                        _ = tokio::time::sleep(Duration::from_millis(50)) => continue,
                        _ = stop.cancelled() => break,
                    }
                }
            },
            _ = stop.cancelled() => break,
        };
        let _ = stream.set_nodelay(true);
        let service = app
            .clone()
            .map_request(move |mut req: axum::http::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(ConnectInfo::<SocketAddr>(remote));
                req.map(Body::new)
            });
        let conn = http.serve_connection(TokioIo::new(stream), TowerToHyperService::new(service));
        let stop = stop.clone();
        connections.spawn(async move {
            let _slot = slot;
            let mut conn = std::pin::pin!(conn);
            tokio::select! {
                _ = conn.as_mut() => {}
                _ = stop.cancelled() => {
                    // Finish the response in progress, then close.
                    conn.as_mut().graceful_shutdown();
                    let _ = conn.await;
                }
            }
        });
        // Forget connections that have ended.
        while connections.try_join_next().is_some() {}
    }
    // New connections are refused from here on.
    drop(listener);
    let open = connections.len();
    if open > 0 {
        tracing::info!(open, "stopping: letting requests in flight finish");
    }
    let drained = tokio::time::timeout(limits.shutdown_grace, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            open = connections.len(),
            "requests still running after the grace period were cut"
        );
        connections.shutdown().await;
    }
}

/// Waits for SIGTERM or SIGINT and cancels `stop`. A second signal ends the
/// process at once, for an operator who does not want to wait.
pub fn stop_on_signal(stop: CancellationToken) {
    tokio::spawn(async move {
        signal().await;
        tracing::info!("stop signal received: draining");
        stop.cancel();
        signal().await;
        tracing::warn!("second stop signal: exiting without draining");
        std::process::exit(1);
    });
}

async fn signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// The whole life of a serving process on an open, migrated database:
/// the push loop and the web server until `stop`, then a drain, a WAL
/// checkpoint on SQLite and the pool closed.
pub async fn run(
    settings: &Settings,
    limits: &ServeSettings,
    db: Db,
    listener: TcpListener,
    stop: CancellationToken,
) -> Result<(), BoxError> {
    // Bound first: a metrics address that cannot be had stops the start.
    let metrics_listener =
        match limits.metrics_addr {
            Some(addr) => Some(TcpListener::bind(addr).await.map_err(|e| {
                format!("could not listen for metrics on MITFORLOB_METRICS_ADDR={addr}: {e}")
            })?),
            None => None,
        };
    let push = crate::notifications::start(settings, db.clone(), stop.clone()).await?;
    let state = crate::app_state(settings, db.clone());
    crate::maintenance::start(state.db.clone(), state.config.clone());
    let app = crate::router::build_with(state, limits);
    let push_done = async {
        stop.cancelled().await;
        // The loop ends after the send it is in; past the grace period it is cut.
        if tokio::time::timeout(limits.shutdown_grace, push).await.is_err() {
            tracing::warn!("the push loop did not finish within the grace period");
        }
    };
    let metrics = async {
        if let Some(listener) = metrics_listener {
            if let Ok(addr) = listener.local_addr() {
                tracing::info!("metrics at http://{addr}/metrics");
            }
            // A scraper needs few connections; the rest of the limits as for the public side.
            let metrics_limits = ServeSettings {
                max_connections: 16,
                ..limits.clone()
            };
            serve(
                listener,
                crate::metrics::router(db.clone()),
                &metrics_limits,
                stop.clone(),
            )
            .await;
        }
    };
    tokio::join!(serve(listener, app, limits, stop.clone()), push_done, metrics);
    close_db(&db).await;
    tracing::info!("stopped");
    Ok(())
}

/// Moves SQLite's write-ahead log into the database file (so a copy of the
/// file alone is complete) and closes every pooled connection.
pub async fn close_db(db: &Db) {
    if db.backend() == Backend::Sqlite {
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(db.pool())
            .await
        {
            tracing::warn!(error = %e, "WAL checkpoint at stop failed");
        }
    }
    if tokio::time::timeout(Duration::from_secs(5), db.close())
        .await
        .is_err()
    {
        tracing::warn!("database connections still in use at stop");
    }
}

/// `server serve`: migrate, listen on `MITFORLOB_ADDR`, serve until SIGTERM
/// or SIGINT, then drain (see [`run`]). A public function so the deployment
/// test runs its server processes through exactly this path.
pub async fn until_signal(settings: Settings) -> Result<(), BoxError> {
    let limits = ServeSettings::from_env()?;
    let db = Db::connect(settings.database_url()).await?;
    db.migrate().await?;
    let limits = ServeSettings {
        max_connections: fitted_max_connections(limits.max_connections, raise_fd_limit()),
        ..limits
    };
    let listener = TcpListener::bind(settings.addr).await?;
    tracing::info!(
        database = settings.database_kind(),
        secure_cookies = settings.secure_cookies,
        max_connections = limits.max_connections,
        trusted_proxies = limits.trusted_proxies.0.len(),
        "Mit Forløb is listening on http://{}",
        settings.addr
    );
    let stop = CancellationToken::new();
    stop_on_signal(stop.clone());
    run(&settings, &limits, db, listener, stop).await
}
