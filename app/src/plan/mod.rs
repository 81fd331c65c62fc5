//! The course plan: overview (home) and the plan page.
//!
//! The view types are in `types.rs`, the overview in `overview.rs`, the plan
//! and its printed form in `pages.rs`. The server functions stay here: their
//! URL is derived from the module they are declared in.
use crate::error::AppError;
use leptos::prelude::*;

mod activity;
#[cfg(feature = "ssr")]
pub mod data;
pub mod edit;
pub mod feed;
pub mod history;
#[cfg(feature = "ssr")]
pub mod ics;
mod overview;
mod pages;
mod paid_hours;
pub mod responses;
pub mod rules;
#[cfg(all(test, feature = "ssr"))]
mod tests;
mod types;

pub use activity::ActivityPage;
pub use overview::*;
pub use pages::*;
pub use paid_hours::PaidHoursChart;
pub use types::*;

#[server]
pub async fn citizen_overview() -> Result<Overview, AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let access = crate::auth::policy::own_data(&user)?;
    data::overview(&state.db, &access).await
}

/// The citizen's plan. `print` shows it without counting as a visit, so
/// the "changed" markers stay until the plan itself has been seen.
#[server]
pub async fn my_plan(print: bool) -> Result<PlanView, AppError> {
    use crate::auth::{session, Flash};
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let access = crate::auth::policy::own_data(&user)?;
    let mut plan = data::citizen_plan(&state.db, &access, !print).await?;
    plan.feed = feed::data::status(&state.db, &access).await?;
    plan.form_key = crate::db::new_id();
    plan.today = crate::time::today();
    if !print {
        match session::take_flash(&state.db, &user.session_key).await? {
            Some(Flash::CalendarFeed { url }) => plan.new_feed_url = Some(url),
            // Either form of the page: the course's feedback or a goal's rating.
            flash => {
                plan.draft = crate::forms::draft_for(&flash, "course-feedback")
                    .or_else(|| crate::forms::draft_for(&flash, "rate-goal"))
            }
        }
    }
    Ok(plan)
}
