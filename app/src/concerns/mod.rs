//! Health concerns: the citizen's right to a second opinion from the health
//! coordinator of their region, one tap from the overview, the plan and each
//! activity. Health data: never in URLs (only random ids), logs or notices.
//!
//! The view types are in `types.rs`, the forms and their server functions in
//! `api.rs`, the citizen's pages in `pages.rs`, the coordinator's side in
//! `coordinator.rs`. The server functions without an explicit endpoint stay
//! here: their URL is derived from the module they are declared in.
use crate::error::AppError;
use leptos::prelude::*;

mod api;
mod coordinator;
#[cfg(feature = "ssr")]
pub mod data;
mod pages;
#[cfg(all(test, feature = "ssr"))]
mod tests;
mod types;

pub use api::*;
#[cfg(feature = "ssr")]
pub use coordinator::{queue, request};
pub use coordinator::{QueuePage, RequestPage, UnassignedRequests};
pub use pages::*;
pub use types::*;

#[server]
pub async fn my_concerns() -> Result<Vec<ConcernView>, AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let access = crate::auth::policy::own_data(&user)?;
    data::for_citizen(&state.db, &access).await
}

#[server]
pub async fn new_concern_form(activity: String) -> Result<ConcernFormData, AppError> {
    #[derive(sqlx::FromRow)]
    struct ActivityRow {
        id: String,
        title: String,
    }
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let access = crate::auth::policy::own_data(&user)?;
    let flash = crate::auth::session::take_flash(&state.db, &user.session_key).await?;
    let course = crate::plan::data::active_course(&state.db, &access).await?;
    let activities = match &course {
        Some(c) => sqlx::query_as::<_, ActivityRow>(
            "SELECT id, title FROM activities WHERE course_id = $1 AND status NOT IN ('completed', 'cancelled') \
             ORDER BY starts_at",
        )
        .bind(&c.id)
        .fetch_all(state.db.pool())
        .await?
        .into_iter()
        .map(|r| (r.id, r.title))
        .collect(),
        None => Vec::new(),
    };
    Ok(ConcernFormData {
        has_course: course.is_some(),
        activities,
        chosen: activity,
        form_key: crate::db::new_id(),
        draft: crate::forms::draft_for(&flash, "concern"),
    })
}

#[server]
pub async fn get_concern(concern_id: String) -> Result<ConcernView, AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    crate::auth::policy::ensure_role(&user, crate::model::Role::Citizen)?;
    let access = crate::auth::policy::concern(&state.db, &user, &concern_id).await?;
    data::concern(&state.db, &access).await
}
