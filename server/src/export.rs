//! `GET /me/data.json`: the citizen's own data as a file (the schema is in
//! `app::me::export`). Only the citizen themself; anyone else gets "not found".
use app::error::AppError;
use app::i18n::{Lang, Msg};
use app::model::CurrentUser;
use app::state::AppState;
use axum::extract::{Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

pub async fn my_data_json(State(state): State<AppState>, req: Request) -> Response {
    let lang = req.extensions().get::<Lang>().copied().unwrap_or_default();
    let Some(user) = req.extensions().get::<CurrentUser>() else {
        return Redirect::to("/login").into_response();
    };
    let result = async {
        let access = app::auth::policy::own_data(user)?;
        let export = app::me::data::collect(&state.db, &access).await?;
        app::audit::record_export(&state.db, &access, "file").await?;
        serde_json::to_vec_pretty(&export).map_err(|_| AppError::Internal)
    }
    .await;
    match result {
        Ok(body) => (
            [
                (header::CONTENT_TYPE, "application/json; charset=utf-8"),
                // One person's whole record: never kept by any cache.
                (header::CACHE_CONTROL, "private, no-store"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"mit-forloeb-data.json\"",
                ),
            ],
            body,
        )
            .into_response(),
        Err(AppError::NotFound) => (StatusCode::NOT_FOUND, Msg::ErrorNotFound.text(lang)).into_response(),
        Err(_) => (StatusCode::INTERNAL_SERVER_ERROR, Msg::ErrorInternal.text(lang)).into_response(),
    }
}
