//! Caseworker pages: the caseload and one citizen.
//!
//! The view types are in `types.rs`, the invitation and activation code in
//! `api.rs`, the caseload page in `pages.rs`, one citizen's page in
//! `citizen.rs`. The server functions without an
//! explicit endpoint stay here: their URL is derived from the module they are
//! declared in.
use crate::error::AppError;
use crate::forms::Draft;
use leptos::prelude::*;

mod api;
mod citizen;
#[cfg(feature = "ssr")]
pub mod data;
mod pages;
#[cfg(all(test, feature = "ssr"))]
mod tests;
mod types;

pub use api::*;
pub use citizen::*;
pub use pages::*;
pub use types::*;

#[server]
pub async fn my_caseload(filter: String) -> Result<CaseloadView, AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    data::caseload(&state.db, &user, CaseloadFilter::parse(&filter)).await
}

#[server]
pub async fn get_citizen_summary(citizen_id: String) -> Result<CitizenSummary, AppError> {
    use crate::auth::{session, Flash};
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    use crate::auth::policy::{caseworker_of, Use};
    // The page's one way into the policy module, and its one audit row.
    let read = Use::Read(crate::audit::AuditAction::CitizenSummary);
    let access = caseworker_of(&state.db, &user, &citizen_id, read).await?;
    let mut summary = data::citizen_summary(&state.db, &access).await?;
    let flash = session::take_flash(&state.db, &user.session_key).await?;
    summary.draft = crate::forms::draft_for(&flash, "paid_hours");
    match flash {
        Some(Flash::ActivationCode {
            citizen_id: id,
            code,
            expires,
        }) if id == citizen_id => {
            let https = crate::state::ClientInfo::current(&state.config).https;
            summary.activation_link = Some(crate::auth::activation::link(https, &code));
            summary.new_code = Some((code, expires));
        }
        Some(Flash::ResetCode {
            for_id,
            code,
            expires,
        }) if for_id == citizen_id => summary.reset_code = Some((code, expires)),
        _ => {}
    }
    Ok(summary)
}

/// What the caseworker typed into "invite citizen", if the server just refused it.
#[server]
pub async fn invite_draft() -> Result<Option<Draft>, AppError> {
    use crate::auth::session;
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let flash = session::take_flash(&state.db, &user.session_key).await?;
    Ok(crate::forms::draft_for(&flash, "invite"))
}
