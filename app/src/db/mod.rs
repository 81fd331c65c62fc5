//! One data layer over two databases: SQLite (embedded default) and PostgreSQL.
//!
//! Queries are written once in portable SQL with `$1`-style parameters and run
//! through sqlx's `Any` driver. Ids are random text, times are UTC epoch
//! milliseconds and calendar dates are `YYYY-MM-DD` text, so both databases
//! store and sort them the same way.
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor, Row};
use std::time::Duration;

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
}

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
            .acquire_timeout(Duration::from_secs(10))
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

    pub fn backend(&self) -> Backend {
        self.backend
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
                    let mut listener = sqlx::postgres::PgListener::connect(url).await?;
                    listener.listen(EVENT_CHANNEL).await?;
                    tokio::spawn(async move {
                        // `recv` reconnects by itself after a dropped connection.
                        loop {
                            match listener.recv().await {
                                Ok(n) => {
                                    let _ = local.send(n.payload().to_string());
                                }
                                Err(e) => {
                                    tracing::warn!(error = %e, "event listener failed; retrying");
                                    tokio::time::sleep(Duration::from_secs(1)).await;
                                }
                            }
                        }
                    });
                    Ok::<_, sqlx::Error>(())
                })
                .await?;
        }
        Ok(self.events.local.subscribe())
    }

    pub async fn close(&self) {
        self.pool.close().await;
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

/// Now, as UTC epoch milliseconds.
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// Today's date in Copenhagen as `YYYY-MM-DD`.
pub fn today() -> String {
    jiff::Timestamp::now().to_zoned(copenhagen()).date().to_string()
}

pub fn copenhagen() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Europe/Copenhagen").unwrap_or(jiff::tz::TimeZone::UTC)
}

/// A stored UTC instant shown in Copenhagen time, e.g. "23.11.2026 14:05".
pub fn format_ms(ms: i64) -> String {
    match jiff::Timestamp::from_millisecond(ms) {
        Ok(ts) => ts.to_zoned(copenhagen()).strftime("%d.%m.%Y %H:%M").to_string(),
        Err(_) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn sqlite_runs_with_durable_settings() {
        let t = crate::testing::TestDb::sqlite().await;
        use sqlx::Row;
        let row = sqlx::query("PRAGMA journal_mode")
            .fetch_one(t.db.pool())
            .await
            .unwrap();
        assert_eq!(row.try_get::<String, _>(0).unwrap().to_lowercase(), "wal");
        let row = sqlx::query("PRAGMA foreign_keys")
            .fetch_one(t.db.pool())
            .await
            .unwrap();
        assert_eq!(row.try_get::<i64, _>(0).unwrap(), 1);
        // Foreign keys are enforced.
        let orphan = sqlx::query("INSERT INTO sessions (key_hash, user_id, created_at, last_seen_at, expires_at) VALUES ('k', 'nobody', 0, 0, 0)")
            .execute(t.db.pool())
            .await;
        assert!(orphan.is_err());
        t.close().await;
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
