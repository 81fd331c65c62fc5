//! Calendar files (iCalendar) for activities: plain downloads, not server functions.
use app::db::now_ms;
use app::error::AppError;
use app::i18n::{Lang, Msg};
use app::model::CurrentUser;
use app::plan::ics::{calendar, IcsEvent};
use app::state::AppState;
use axum::extract::{Path, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

/// `GET /activities/{id}/calendar.ics`: one activity, for its citizen or their caseworker.
pub async fn activity_ics(State(state): State<AppState>, Path(id): Path<String>, req: Request) -> Response {
    let lang = req.extensions().get::<Lang>().copied().unwrap_or_default();
    let Some(user) = req.extensions().get::<CurrentUser>() else {
        return Redirect::to("/login").into_response();
    };
    match app::plan::data::activity_detail(&state.db, user, &id).await {
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
