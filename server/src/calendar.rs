//! Calendar files (iCalendar) for activities: plain downloads, not server functions.
use app::error::AppError;
use app::i18n::{Lang, Msg};
use app::model::CurrentUser;
use app::plan::ics::{calendar, IcsEvent};
use app::state::AppState;
use app::time::now_ms;
use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

/// `GET /activities/{id}/calendar.ics`: one activity, for its citizen or their caseworker.
pub async fn activity_ics(State(state): State<AppState>, Path(id): Path<String>, req: Request) -> Response {
    let lang = req.extensions().get::<Lang>().copied().unwrap_or_default();
    let Some(user) = req.extensions().get::<CurrentUser>() else {
        return Redirect::to("/login").into_response();
    };
    use app::auth::policy::{self, Use};
    let read = Use::Read(app::audit::AuditAction::Activity);
    let detail = match policy::activity(&state.db, user, &id, read).await {
        Ok(access) => app::plan::data::activity_detail(&state.db, &access, &id).await,
        Err(e) => Err(e),
    };
    match detail {
        Ok((detail, starts_ms, ends_ms)) => {
            let a = &detail.activity;
            let event = IcsEvent {
                uid: &a.id,
                title: &a.title,
                place: a.place.as_deref(),
                starts_ms,
                ends_ms,
            };
            (
                [
                    (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                    // One person's activity: never kept by any cache.
                    (header::CACHE_CONTROL, "private, no-store"),
                    (
                        header::CONTENT_DISPOSITION,
                        "attachment; filename=\"aktivitet.ics\"",
                    ),
                ],
                calendar(&[event], now_ms()),
            )
                .into_response()
        }
        Err(AppError::NotFound) => (StatusCode::NOT_FOUND, Msg::ErrorNotFound.text(lang)).into_response(),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, Msg::ErrorInternal.text(lang)).into_response(),
    }
}

/// `GET /calendar/{token}.ics`: the citizen's subscribed calendar. The token
/// is the only key, so an unknown or stopped one is simply not found.
pub async fn feed_ics(State(state): State<AppState>, Path(file): Path<String>) -> Response {
    let token = file.strip_suffix(".ics").unwrap_or(&file);
    // Tokens are 40 hex digits; anything else is not worth a query.
    if token.len() != 40 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return StatusCode::NOT_FOUND.into_response();
    }
    match app::plan::feed::data::events(&state.db, token).await {
        Ok(Some((lang, show_titles, events))) => {
            // Without the citizen's say-so the feed says only "an appointment".
            let hidden = Msg::FeedHiddenTitle.text(lang);
            let list: Vec<IcsEvent> = events
                .iter()
                .map(|e| IcsEvent {
                    uid: &e.id,
                    title: if show_titles { &e.title } else { hidden },
                    place: if show_titles { e.place.as_deref() } else { None },
                    starts_ms: e.starts_at,
                    ends_ms: e.ends_at,
                })
                .collect();
            (
                [
                    (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
                    // Calendar apps poll the feed; a few minutes in the
                    // subscriber's own cache only.
                    (header::CACHE_CONTROL, "private, max-age=300"),
                ],
                calendar(&list, now_ms()),
            )
                .into_response()
        }
        Ok(None) => StatusCode::NOT_FOUND.into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}
