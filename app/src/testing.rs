//! Test helpers: a fresh, real database per test, on SQLite and PostgreSQL.
//! The server's tests use them too, through the `test-support` feature, so
//! there is one throwaway database to keep right.
use crate::db::{new_id, Db};
use crate::i18n::Lang;
use crate::model::{CurrentUser, Role};
use crate::time::now_ms;

/// The PostgreSQL server tests use. Tests fail (never skip) when it is unreachable.
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

/// A throwaway database: a new PostgreSQL database or a new SQLite file. Gone
/// again after [`TestDb::drop_it`], and also when a test panics before it
/// (see `Drop`), so failed runs do not pile up databases on the server.
pub struct TestDb {
    /// Where it is: for the test's own pools, or a server process it starts.
    pub url: String,
    /// The PostgreSQL database to drop afterwards.
    pg_name: Option<String>,
    /// The SQLite file to remove afterwards.
    sqlite_path: Option<std::path::PathBuf>,
}

impl TestDb {
    /// An empty database, not connected to: a test that starts a server
    /// process on it leaves the migrating to that process.
    pub async fn create(postgres: bool) -> TestDb {
        if postgres {
            use sqlx::Executor;
            let admin_url = postgres_admin_url();
            let name = format!("mitforlob_test_{}", new_id());
            let admin = Db::connect(&admin_url)
                .await
                .unwrap_or_else(|e| panic!("PostgreSQL must be reachable at {admin_url} for the tests: {e}"));
            admin
                .pool()
                .execute(format!("CREATE DATABASE {name}").as_str())
                .await
                .expect("create test database");
            admin.close().await;
            let (base, _) = admin_url.rsplit_once('/').expect("database URL with a path");
            TestDb {
                url: format!("{base}/{name}"),
                pg_name: Some(name),
                sqlite_path: None,
            }
        } else {
            let path = std::env::temp_dir().join(format!("mitforlob-test-{}.db", new_id()));
            TestDb {
                url: format!("sqlite://{}", path.display()),
                pg_name: None,
                sqlite_path: Some(path),
            }
        }
    }

    /// Connected and migrated, without demo data.
    pub async fn migrated(&self) -> Db {
        let db = self.second_process().await;
        db.migrate().await.expect("migrate the test database");
        db
    }

    /// Another connection pool on the same database, as a second server process has.
    pub async fn second_process(&self) -> Db {
        Db::connect(&self.url).await.expect("open the test database")
    }

    pub fn is_postgres(&self) -> bool {
        self.pg_name.is_some()
    }

    /// The PostgreSQL database's name (`None` on SQLite), for queries about
    /// it from outside (`pg_stat_activity`, say).
    pub fn pg_name(&self) -> Option<&str> {
        self.pg_name.as_deref()
    }

    /// Drops a PostgreSQL database (ending its connections) or removes a
    /// SQLite file with its journal. Close the pools on it first.
    pub async fn drop_it(mut self) {
        if let Some(name) = self.pg_name.take() {
            drop_pg_database(&name).await;
        }
        self.remove_sqlite_file();
    }

    fn remove_sqlite_file(&mut self) {
        if let Some(path) = self.sqlite_path.take() {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
            }
        }
    }
}

async fn drop_pg_database(name: &str) {
    use sqlx::Executor;
    if let Ok(admin) = Db::connect(&postgres_admin_url()).await {
        let _ = admin
            .pool()
            .execute(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)").as_str())
            .await;
        admin.close().await;
    }
}

/// A test that panicked never reached `drop_it`. The drop runs on a thread
/// and runtime of its own: this may run inside the test's runtime, where
/// blocking on it is not allowed.
impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = self.pg_name.take() {
            let _ = std::thread::spawn(move || {
                if let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    rt.block_on(drop_pg_database(&name));
                }
            })
            .join();
        }
        self.remove_sqlite_file();
    }
}

/// Runs the same test body against a fresh SQLite and a fresh PostgreSQL database.
#[macro_export]
macro_rules! db_test {
    ($name:ident, |$db:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($db: &$crate::db::Db) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let t = $crate::testing::TestDb::create(false).await;
                let db = t.migrated().await;
                run(&db).await;
                db.close().await;
                t.drop_it().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let t = $crate::testing::TestDb::create(true).await;
                let db = t.migrated().await;
                run(&db).await;
                db.close().await;
                t.drop_it().await;
            }
        }
    };
}

/// Creates a user (without password) and returns them as a logged-in person.
pub async fn user(db: &Db, role: Role, name: &str) -> CurrentUser {
    let id = new_id();
    sqlx::query("INSERT INTO users (id, role, display_name, email, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(&id)
        .bind(role.as_str())
        .bind(name)
        .bind(format!("{id}@test.invalid"))
        .bind(now_ms())
        .execute(db.pool())
        .await
        .expect("insert user");
    CurrentUser {
        id,
        role,
        name: name.into(),
        lang: Lang::Da,
        text_size: Default::default(),
        session_key: String::new(),
        unread_messages: 0,
    }
}

pub async fn assign(db: &Db, caseworker: &CurrentUser, citizen: &CurrentUser) {
    sqlx::query("INSERT INTO caseload_assignments (id, caseworker_id, citizen_id, assigned_at) VALUES ($1, $2, $3, $4)")
        .bind(new_id())
        .bind(&caseworker.id)
        .bind(&citizen.id)
        .bind(now_ms())
        .execute(db.pool())
        .await
        .expect("assign");
}

pub async fn course(db: &Db, citizen: &CurrentUser) -> String {
    let id = new_id();
    sqlx::query(
        "INSERT INTO courses (id, citizen_id, kind, status, start_date, planned_end_date, created_at, updated_at) \
         VALUES ($1, $2, 'ressourceforloeb', 'active', '2026-01-05', '2028-01-05', $3, $4)",
    )
    .bind(&id)
    .bind(&citizen.id)
    .bind(now_ms())
    .bind(now_ms())
    .execute(db.pool())
    .await
    .expect("insert course");
    id
}

pub async fn audit_count(db: &Db, actor: &CurrentUser, citizen: &CurrentUser) -> i64 {
    sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_events WHERE actor_id = $1 AND citizen_id = $2")
        .bind(&actor.id)
        .bind(&citizen.id)
        .fetch_one(db.pool())
        .await
        .expect("count audit")
}

/// A fault test's figures: printed, and kept in `target/fault-report.txt`,
/// which `make test` shows after the tests (cargo hides a passing test's output).
pub fn fault_report(line: &str) {
    use std::io::Write;
    eprintln!("{line}");
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/fault-report.txt");
    if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
        let _ = writeln!(f, "{line}");
    }
}

/// Test shorthand for what a server function does: make the access through
/// the policy module, then call the data function with it. The result is
/// the policy's refusal ("not found") or the data function's answer.
#[macro_export]
macro_rules! via {
    ($access:expr, |$a:ident| $call:expr) => {
        async {
            let $a = $access.await?;
            $call.await
        }
        .await
    };
}

/// The citizen's own data, as their own pages reach it.
pub async fn own(viewer: &CurrentUser) -> Result<crate::auth::policy::CitizenAccess, crate::error::AppError> {
    crate::auth::policy::own_data(viewer)
}

/// A caseworker's write to a citizen on their caseload.
pub async fn caseworker(
    db: &Db,
    viewer: &CurrentUser,
    citizen_id: &str,
) -> Result<crate::auth::policy::CaseworkerAccess, crate::error::AppError> {
    use crate::auth::policy::{caseworker_of, Use};
    caseworker_of(db, viewer, citizen_id, Use::Write).await
}

/// A caseworker's audited read of a citizen on their caseload.
pub async fn caseworker_read(
    db: &Db,
    viewer: &CurrentUser,
    citizen_id: &str,
    action: crate::audit::AuditAction,
) -> Result<crate::auth::policy::CaseworkerAccess, crate::error::AppError> {
    use crate::auth::policy::{caseworker_of, Use};
    caseworker_of(db, viewer, citizen_id, Use::Read(action)).await
}

/// The citizen themself or their caseworker, writing (a message, say).
pub async fn citizen_or_caseworker(
    db: &Db,
    viewer: &CurrentUser,
    citizen_id: &str,
) -> Result<crate::auth::policy::CitizenAccess, crate::error::AppError> {
    use crate::auth::policy::Use;
    crate::auth::policy::citizen_or_caseworker(db, viewer, citizen_id, Use::Write).await
}
