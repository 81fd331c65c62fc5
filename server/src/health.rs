//! `/healthz` and `/readyz` for load balancers and orchestrators: cheap, no
//! login, no personal data, and logged only at debug level.
use crate::serve::Stopping;
use app::db::Backend;
use app::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::Extension;
use std::time::Duration;

/// The process is alive and answering.
pub async fn healthz() -> impl IntoResponse {
    (StatusCode::OK, "ok")
}

/// Ready for traffic: the database answers, its migrations are current, and
/// (PostgreSQL) the event listener is up. Not ready while stopping, so a
/// proxy sends new requests to another process.
pub async fn readyz(
    State(state): State<AppState>,
    stopping: Option<Extension<Stopping>>,
) -> impl IntoResponse {
    if stopping.is_some_and(|Extension(s)| s.0.is_cancelled()) {
        return (StatusCode::SERVICE_UNAVAILABLE, "stopping");
    }
    match tokio::time::timeout(Duration::from_secs(2), check(&state)).await {
        Ok(Ok(())) => (StatusCode::OK, "ready"),
        Ok(Err(why)) => (StatusCode::SERVICE_UNAVAILABLE, why),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database too slow"),
    }
}

async fn check(state: &AppState) -> Result<(), &'static str> {
    let db = &state.db;
    if db.pool().is_closed() {
        return Err("database closed");
    }
    // The newest migration this build knows must be applied.
    let newest = match db.backend() {
        Backend::Sqlite => sqlx::migrate!("../app/migrations/sqlite"),
        Backend::Postgres => sqlx::migrate!("../app/migrations/postgres"),
    }
    .iter()
    .map(|m| m.version)
    .max()
    .unwrap_or(0);
    let applied: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success = TRUE")
            .fetch_one(db.pool())
            .await
            .map_err(|_| "database unreachable")?;
    if applied.unwrap_or(0) < newest {
        return Err("migrations pending");
    }
    // Starts the listener if no page has yet; fails while PostgreSQL is away.
    db.subscribe().await.map_err(|_| "event listener down")?;
    Ok(())
}
