//! One data layer over two databases: SQLite (embedded default) and PostgreSQL.
//!
//! Queries are written once in portable SQL with `$1`-style parameters and run
//! through sqlx's `Any` driver. Ids are random text, times are UTC epoch
//! milliseconds and calendar dates are `YYYY-MM-DD` text, so both databases
//! store and sort them the same way.
use crate::time::now_ms;
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, AnyPool, Connection, Database, Executor, Row, TransactionManager};
use std::time::Duration;

#[cfg(test)]
mod backup_tests;
#[cfg(test)]
mod disk_full_tests;
#[cfg(test)]
mod form_key_tests;

/// A yes/no column. Both databases store flags as 0/1 integers (SQLite has no
/// boolean type), so a row struct reads one as
/// `#[sqlx(try_from = "i64")] field: Flag` and uses `field.0`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flag(pub bool);

impl From<i64> for Flag {
    fn from(value: i64) -> Flag {
        Flag(value != 0)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    events: Events,
    /// Epoch ms until which the database counts as down (0: up). See [`Db::may_try`].
    down_until: std::sync::Arc<std::sync::atomic::AtomicI64>,
}

/// How long requests are answered "unavailable" at once after the database
/// failed, before one request tries it again.
const CIRCUIT_OPEN_MS: i64 = 3_000;

/// Announced after the live listener lost its connection and got it back:
/// whatever was announced in between was missed, so every open page refetches.
pub const RESYNC_TOPIC: &str = "resync";

/// Tells open pages that something changed ("a new message in thread X"),
/// across every server process sharing the database: through PostgreSQL's
/// LISTEN/NOTIFY, or in-process for SQLite (one process owns the file).
/// Events carry ids only, never content.
#[derive(Clone, Debug)]
struct Events {
    local: tokio::sync::broadcast::Sender<String>,
    /// The PostgreSQL address, for the listening connection.
    url: Option<String>,
    listening: std::sync::Arc<tokio::sync::OnceCell<()>>,
}

const EVENT_CHANNEL: &str = "mitforlob_events";

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("DATABASE_URL must start with sqlite: or postgres:")]
    UnsupportedUrl,
    #[error("could not create the database folder {0}")]
    Folder(String, #[source] std::io::Error),
    #[error("could not connect to the database")]
    Connect(#[source] sqlx::Error),
    #[error("SQLite setting {name} is {found}, expected {expected}; refusing to start")]
    Pragma {
        name: &'static str,
        expected: String,
        found: String,
    },
    #[error("database migration failed")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    #[error("database query failed")]
    Query(#[from] sqlx::Error),
    #[error("{0} exists already; choose a new file for the backup")]
    BackupExists(String),
    #[error("could not write the backup {0}")]
    BackupFile(String, #[source] std::io::Error),
    #[error(
        "PostgreSQL is backed up with its own tools: pg_dump for a copy, or base backups with WAL \
         archiving for point-in-time recovery (see README, \"Operating it\")"
    )]
    BackupPostgres,
}

/// SQLite settings every connection must have: durability over speed, since
/// what a citizen sends must never be lost.
const SQLITE_PRAGMAS: [(&str, &str); 4] = [
    ("journal_mode", "wal"),
    ("synchronous", "2"),
    ("foreign_keys", "1"),
    ("busy_timeout", "5000"),
];

impl Db {
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(DbError::UnsupportedUrl);
        };
        let mut url = url.to_string();
        if backend == Backend::Sqlite {
            ensure_sqlite_folder(&url)?;
            if !url.contains("mode=") {
                url.push_str(if url.contains('?') {
                    "&mode=rwc"
                } else {
                    "?mode=rwc"
                });
            }
        }
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            // PostgreSQL down: fail within a couple of seconds, not queue for long.
            .acquire_timeout(Duration::from_secs(if backend == Backend::Sqlite {
                10
            } else {
                2
            }))
            // A connection left inside a transaction (a rollback that failed, a
            // transaction dropped mid-way) must never serve the next request:
            // on SQLite it would hold the write lock ("database is locked" for
            // everyone) and turn the next BEGIN into a savepoint whose "commit"
            // commits nothing. Such a connection is closed, not reused.
            .after_release(|conn, _| {
                Box::pin(async move {
                    if !conn.is_in_transaction() {
                        return Ok(true);
                    }
                    // A rollback may still be queued: let it run, then look again.
                    conn.ping().await?;
                    Ok(!conn.is_in_transaction())
                })
            })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .map_err(DbError::Connect)?;
        let events = Events {
            local: tokio::sync::broadcast::channel(256).0,
            url: (backend == Backend::Postgres).then(|| url.clone()),
            listening: Default::default(),
        };
        let db = Db {
            pool,
            backend,
            events,
            down_until: Default::default(),
        };
        db.check_settings().await?;
        Ok(db)
    }

    /// Refuses to go on when SQLite did not take the settings we rely on.
    async fn check_settings(&self) -> Result<(), DbError> {
        if self.backend != Backend::Sqlite {
            return Ok(());
        }
        let mut conn = self.pool.acquire().await.map_err(DbError::Connect)?;
        for (name, expected) in SQLITE_PRAGMAS {
            let row: AnyRow = sqlx::query(&format!("PRAGMA {name}"))
                .fetch_one(&mut *conn)
                .await?;
            let found = match row.try_get::<String, _>(0) {
                Ok(s) => s.to_lowercase(),
                Err(_) => row.try_get::<i64, _>(0)?.to_string(),
            };
            if found != expected {
                return Err(DbError::Pragma {
                    name,
                    expected: expected.to_string(),
                    found,
                });
            }
        }
        Ok(())
    }

    pub async fn migrate(&self) -> Result<(), DbError> {
        let migrator = match self.backend {
            Backend::Sqlite => sqlx::migrate!("./migrations/sqlite"),
            Backend::Postgres => sqlx::migrate!("./migrations/postgres"),
        };
        migrator.run(&self.pool).await.map_err(DbError::Migrate)
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a write transaction. Use this, not `pool().begin()`, for every
    /// write of more than one statement: see [`Tx`]. On SQLite it takes the
    /// write lock at once (`BEGIN IMMEDIATE`), so two writers wait for each
    /// other (busy timeout) instead of one failing half-way.
    pub async fn begin(&self) -> Result<Tx, sqlx::Error> {
        let asked = std::time::Instant::now();
        let mut conn = self.pool.acquire().await?;
        crate::metrics::db_acquired(asked.elapsed());
        let statement = match self.backend {
            Backend::Sqlite => Some("BEGIN IMMEDIATE".into()),
            Backend::Postgres => None,
        };
        match <Any as Database>::TransactionManager::begin(&mut conn, statement).await {
            Ok(()) => Ok(Tx { conn: Some(conn) }),
            Err(e) => {
                discard(conn).await;
                Err(e)
            }
        }
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Whether a request should try the database now. For a few seconds after
    /// it was found unavailable the answer is no, so requests are refused at
    /// once instead of each waiting for a connection; then one request (the
    /// first to ask) tries again while the others are still refused.
    pub fn may_try(&self) -> bool {
        use std::sync::atomic::Ordering;
        let until = self.down_until.load(Ordering::Acquire);
        if until == 0 {
            return true;
        }
        let now = now_ms();
        now >= until
            && self
                .down_until
                .compare_exchange(until, now + CIRCUIT_OPEN_MS, Ordering::AcqRel, Ordering::Acquire)
                .is_ok()
    }

    /// The database failed to answer (see [`is_unavailable`]).
    pub fn mark_down(&self) {
        self.down_until
            .store(now_ms() + CIRCUIT_OPEN_MS, std::sync::atomic::Ordering::Release);
    }

    /// The database answered.
    pub fn mark_up(&self) {
        self.down_until.store(0, std::sync::atomic::Ordering::Release);
    }

    /// Announces `topic` to every subscriber in every server process.
    /// Best effort: a page that misses it still shows the news on reload.
    pub async fn announce(&self, topic: &str) {
        let sent = match self.backend {
            Backend::Postgres => sqlx::query("SELECT pg_notify($1, $2)")
                .bind(EVENT_CHANNEL)
                .bind(topic)
                .execute(&self.pool)
                .await
                .map(|_| ()),
            Backend::Sqlite => {
                // No subscribers is fine.
                let _ = self.events.local.send(topic.to_string());
                Ok(())
            }
        };
        if let Err(e) = sent {
            tracing::warn!(error = %e, "could not announce an event");
        }
    }

    /// Every topic announced from now on.
    pub async fn subscribe(&self) -> Result<tokio::sync::broadcast::Receiver<String>, DbError> {
        if let Some(url) = &self.events.url {
            let local = self.events.local.clone();
            self.events
                .listening
                .get_or_try_init(|| async move {
                    let listener = listen(url).await?;
                    tokio::spawn(relay(listener, url.clone(), local));
                    Ok::<_, sqlx::Error>(())
                })
                .await?;
        }
        Ok(self.events.local.subscribe())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Writes a consistent copy of a SQLite database to `to` while the server
    /// keeps serving (`VACUUM INTO` reads one snapshot; writers are not
    /// blocked). The copy is written beside `to`, flushed to disk and then
    /// renamed, so a file named `to` is always a whole backup.
    pub async fn backup_to(&self, to: &std::path::Path) -> Result<(), DbError> {
        if self.backend != Backend::Sqlite {
            return Err(DbError::BackupPostgres);
        }
        let shown = to.display().to_string();
        if to.exists() {
            return Err(DbError::BackupExists(shown));
        }
        let partial = to.with_extension(format!("partial-{}", new_id()));
        let partial_name = partial.to_str().ok_or_else(|| {
            DbError::BackupFile(shown.clone(), std::io::Error::other("the path is not UTF-8"))
        })?;
        let made = sqlx::query("VACUUM INTO $1")
            .bind(partial_name)
            .execute(&self.pool)
            .await;
        if let Err(e) = made {
            let _ = std::fs::remove_file(&partial);
            return Err(e.into());
        }
        let settle = || -> std::io::Result<()> {
            std::fs::File::open(&partial)?.sync_all()?;
            std::fs::rename(&partial, to)?;
            if let Some(dir) = to.parent().filter(|d| !d.as_os_str().is_empty()) {
                std::fs::File::open(dir)?.sync_all()?;
            }
            Ok(())
        };
        settle().map_err(|e| {
            let _ = std::fs::remove_file(&partial);
            DbError::BackupFile(shown, e)
        })
    }
}

async fn listen(url: &str) -> Result<sqlx::postgres::PgListener, sqlx::Error> {
    let mut listener = sqlx::postgres::PgListener::connect(url).await?;
    listener.listen(EVENT_CHANNEL).await?;
    Ok(listener)
}

/// Passes PostgreSQL notifications on to this process's subscribers. A lost
/// connection loses the notifications sent meanwhile, so once listening
/// again it announces [`RESYNC_TOPIC`] and open pages fetch what they missed.
async fn relay(
    mut listener: sqlx::postgres::PgListener,
    url: String,
    local: tokio::sync::broadcast::Sender<String>,
) {
    loop {
        match listener.try_recv().await {
            Ok(Some(n)) => {
                let _ = local.send(n.payload().to_string());
            }
            // Lost, and (sqlx reconnects eagerly) listening again.
            Ok(None) => {
                tracing::warn!("event listener reconnected");
                let _ = local.send(RESYNC_TOPIC.to_string());
            }
            Err(e) => {
                tracing::warn!(error = %e, "event listener failed; reconnecting");
                // A fresh listener, whatever state the old one was left in.
                listener = loop {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    if let Ok(fresh) = listen(&url).await {
                        break fresh;
                    }
                };
                let _ = local.send(RESYNC_TOPIC.to_string());
            }
        }
    }
}

/// Whether an error means the database cannot be reached or cannot write
/// just now (down, restarting, disk full, locked), rather than a bad query:
/// the request is then answered "unavailable, try again", never "logged out".
pub fn is_unavailable(e: &sqlx::Error) -> bool {
    use sqlx::Error as E;
    match e {
        E::Io(_) | E::Tls(_) | E::PoolTimedOut | E::PoolClosed | E::WorkerCrashed => true,
        E::Database(d) => {
            let code = d.code().unwrap_or_default();
            if d.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // The primary result code: BUSY, LOCKED, IOERR, FULL, CANTOPEN.
                code.parse::<i32>()
                    .is_ok_and(|c| matches!(c & 0xff, 5 | 6 | 10 | 13 | 14))
            } else {
                // PostgreSQL: connection exception, shutting down or starting,
                // too many connections, the database gone.
                code.starts_with("08") || code.starts_with("57P") || code == "53300" || code == "3D000"
            }
        }
        _ => false,
    }
}

/// A write transaction on one pooled connection, used like sqlx's
/// `Transaction` (`&mut *tx` is the executor; `tx.commit().await?`).
///
/// The difference: after a COMMIT or ROLLBACK that failed (a full disk, a lost
/// server) the connection is closed instead of going back to the pool, since
/// its state is then unknown; and `commit` is Ok only when the database said
/// the COMMIT succeeded. Dropped without `commit` (an error, a cancelled
/// request), it rolls back; the pool's release check closes the connection
/// if that rollback did not succeed.
pub struct Tx {
    conn: Option<PoolConnection<Any>>,
}

impl Tx {
    pub async fn commit(mut self) -> Result<(), sqlx::Error> {
        let mut conn = self.conn.take().expect("a transaction is open until it ends");
        match <Any as Database>::TransactionManager::commit(&mut conn).await {
            Ok(()) => Ok(()),
            Err(e) => {
                discard(conn).await;
                Err(e)
            }
        }
    }

    pub async fn rollback(mut self) -> Result<(), sqlx::Error> {
        let mut conn = self.conn.take().expect("a transaction is open until it ends");
        match <Any as Database>::TransactionManager::rollback(&mut conn).await {
            Ok(()) => Ok(()),
            Err(e) => {
                discard(conn).await;
                Err(e)
            }
        }
    }
}

impl std::ops::Deref for Tx {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        self.conn.as_ref().expect("a transaction is open until it ends")
    }
}

impl std::ops::DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        self.conn.as_mut().expect("a transaction is open until it ends")
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.as_mut() {
            // Queued now, run before the connection is used again.
            <Any as Database>::TransactionManager::start_rollback(conn);
        }
    }
}

/// Closes a connection whose state is unknown, outside the pool (which opens
/// a fresh one). Closing rolls back whatever it still had open.
async fn discard(conn: PoolConnection<Any>) {
    let conn = conn.detach();
    match tokio::time::timeout(Duration::from_secs(2), conn.close()).await {
        Ok(Ok(())) => {}
        Ok(Err(e)) => tracing::warn!(error = %e, "closing a failed connection"),
        Err(_) => tracing::warn!("closing a failed connection timed out"),
    }
}

fn ensure_sqlite_folder(url: &str) -> Result<(), DbError> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or_default();
    if path.is_empty() || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = std::path::Path::new(path).parent() {
        if !parent.as_os_str().is_empty() {
            std::fs::create_dir_all(parent).map_err(|e| DbError::Folder(parent.display().to_string(), e))?;
        }
    }
    Ok(())
}

/// A new random id (128 bits, hex): unguessable, so ids in URLs reveal nothing.
pub fn new_id() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sqlite_runs_with_durable_settings() {
        let t = crate::testing::TestDb::create(false).await;
        let db = t.migrated().await;
        use sqlx::Row;
        let row = sqlx::query("PRAGMA journal_mode")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(row.try_get::<String, _>(0).unwrap().to_lowercase(), "wal");
        let row = sqlx::query("PRAGMA foreign_keys")
            .fetch_one(db.pool())
            .await
            .unwrap();
        assert_eq!(row.try_get::<i64, _>(0).unwrap(), 1);
        // Foreign keys are enforced.
        let orphan = sqlx::query("INSERT INTO sessions (key_hash, user_id, created_at, last_seen_at, expires_at) VALUES ('k', 'nobody', 0, 0, 0)")
            .execute(db.pool())
            .await;
        assert!(orphan.is_err());
        db.close().await;
        t.drop_it().await;
    }

    #[tokio::test]
    async fn sqlite_without_write_ahead_log_is_refused() {
        // An in-memory database cannot use WAL; the server must not run on it.
        let refused = Db::connect("sqlite::memory:").await;
        match refused {
            Err(DbError::Pragma { name, found, .. }) => {
                assert_eq!(name, "journal_mode");
                assert_eq!(found, "memory");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }
}
