//! `GET /events/threads/{id}`: server-sent events that tell an open thread
//! page a new message has arrived. They carry no content; the page then
//! fetches the messages itself, with the viewer's own rights.
use crate::serve::Stopping;
use app::model::CurrentUser;
use app::state::AppState;
use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use tokio_stream::wrappers::BroadcastStream;
use tokio_stream::StreamExt;

pub async fn thread_events(State(state): State<AppState>, Path(id): Path<String>, req: Request) -> Response {
    let Some(user) = req.extensions().get::<CurrentUser>().cloned() else {
        return StatusCode::UNAUTHORIZED.into_response();
    };
    if app::messages::live::ensure_can_follow(&state.db, &user, &id)
        .await
        .is_err()
    {
        return StatusCode::NOT_FOUND.into_response();
    }
    let events = match state.db.subscribe().await {
        Ok(events) => events,
        Err(e) => {
            tracing::error!(error = %e, "could not listen for events");
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
    };
    // The stream ends when the server stops, so the drain is not held up and
    // the browser's EventSource reconnects (to another process, or to this
    // one once it is back).
    let stopping = req
        .extensions()
        .get::<Stopping>()
        .map(|s| s.0.clone())
        .unwrap_or_default();
    let topic = app::messages::live::topic(&id);
    let news = BroadcastStream::new(events).filter_map(move |event| match event {
        // Our thread, or the listener was away and may have missed it.
        Ok(t) if t == topic || t == app::db::RESYNC_TOPIC => {
            Some(Ok::<_, Infallible>(Event::default().event("message").data("new")))
        }
        Ok(_) => None,
        // Fell behind and may have missed one: refreshing is always safe.
        Err(_) => Some(Ok(Event::default().event("message").data("new"))),
    });
    let news = futures::StreamExt::take_until(news, stopping.cancelled_owned());
    (
        // Personal: no cache, the browser's included, may keep it.
        [(header::CACHE_CONTROL, "private, no-store")],
        Sse::new(news).keep_alive(KeepAlive::default()),
    )
        .into_response()
}
