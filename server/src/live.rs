//! `GET /events/threads/{id}`: server-sent events that tell an open thread
//! page a new message has arrived. They carry no content; the page then
//! fetches the messages itself, with the viewer's own rights.
//!
//! A stream lives only as long as its session: it re-checks the session on
//! each of its events, whenever sessions end anywhere (logout announces it),
//! and every `SESSION_CHECK` otherwise, and closes when the session is gone.
//! It also ends when the server stops, so the drain is not held up.
use crate::serve::Stopping;
use app::auth::{reset::SESSIONS_ENDED, session};
use app::model::CurrentUser;
use app::state::AppState;
use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::StreamExt;

/// How often an otherwise quiet stream re-checks its session.
pub const SESSION_CHECK: Duration = Duration::from_secs(20);

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
    let mut events = match state.db.subscribe().await {
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
    let (tx, rx) = tokio::sync::mpsc::channel::<Event>(8);
    tokio::spawn(async move {
        // Counted while the stream is open.
        let _open = app::metrics::EventStream::open();
        let mut timer = tokio::time::interval(SESSION_CHECK);
        timer.tick().await;
        loop {
            // What woke us: Some(send an event?) when the session must be re-checked.
            let woke = tokio::select! {
                _ = tx.closed() => break,
                _ = stopping.cancelled() => break,
                _ = timer.tick() => Some(false),
                got = events.recv() => match got {
                    // Our thread, or the listener was away and may have missed it.
                    Ok(t) if t == topic || t == app::db::RESYNC_TOPIC => Some(true),
                    Ok(t) if t == SESSIONS_ENDED => Some(false),
                    Ok(_) => None,
                    // Fell behind and may have missed one: refreshing is always safe.
                    Err(RecvError::Lagged(_)) => Some(true),
                    Err(RecvError::Closed) => break,
                },
            };
            let Some(send) = woke else { continue };
            match session::is_alive(&state.db, &state.config, &user.session_key).await {
                Ok(true) => {}
                // Ended, or the database cannot say: close; the browser reconnects if it may.
                _ => break,
            }
            if send
                && tx
                    .send(Event::default().event("message").data("new"))
                    .await
                    .is_err()
            {
                break;
            }
        }
    });
    let news = ReceiverStream::new(rx).map(Ok::<_, Infallible>);
    (
        // Personal: no cache, the browser's included, may keep it.
        [(header::CACHE_CONTROL, "private, no-store")],
        Sse::new(news).keep_alive(KeepAlive::default()),
    )
        .into_response()
}
