//! The citizen's own wellbeing log (trivsel). Health data: only the citizen
//! sees it here; a caseworker only what the citizen chose to share.
//!
//! The view types are in `types.rs`, the check-in and sharing forms with
//! their server functions in `api.rs`, the page in `pages.rs`. The server
//! function without an explicit endpoint stays here: its URL is derived from
//! the module it is declared in.
use crate::error::AppError;
use leptos::prelude::*;

mod api;
mod chart;
#[cfg(feature = "ssr")]
pub mod data;
mod pages;
#[cfg(all(test, feature = "ssr"))]
mod tests;
mod types;
pub mod who5;

pub use api::*;
pub use chart::WellbeingChart;
pub use pages::*;
pub use types::*;

/// 30 or 90 days of history.
#[cfg(feature = "ssr")]
fn span(days: &str) -> i64 {
    if days == "90" {
        90
    } else {
        30
    }
}

#[server]
pub async fn my_wellbeing(days: String) -> Result<WellbeingView, AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let access = crate::auth::policy::own_data(&user)?;
    let span = span(&days);
    let flash = crate::auth::session::take_flash(&state.db, &user.session_key).await?;
    Ok(WellbeingView {
        draft: crate::forms::draft_for(&flash, "wellbeing"),
        today: data::today_entry(&state.db, &access).await?,
        activities: data::recent_activities(&state.db, &access).await?,
        days: data::history(&state.db, &access, span).await?,
        span,
        periods: data::periods(&state.db, &access).await?,
        form_key: crate::db::new_id(),
        who5: who5::data::status(&state.db, &access).await?,
    })
}
