//! `GET /metrics` for Prometheus, on its own listener (`MITFORLOB_METRICS_ADDR`)
//! so it is never reachable at the public address. See `app::metrics`.
use app::db::Db;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

/// The metrics listener's whole router: `/metrics` and nothing else.
pub fn router(db: Db) -> Router {
    Router::new().route("/metrics", get(metrics)).with_state(db)
}

async fn metrics(State(db): State<Db>) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, app::metrics::CONTENT_TYPE),
            (header::CACHE_CONTROL, "no-store"),
        ],
        app::metrics::render(&db).await,
    )
}
