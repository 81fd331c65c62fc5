//! The invitation form and the server functions that make a citizen's
//! account and activation code.
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::data;

crate::form! {
    /// A citizen invited to the caseload.
    pub struct InviteForm {
        pub name: String,
        pub email: String,
    }
}

#[server(endpoint = "invite-citizen")]
pub async fn invite_citizen(#[server(flatten)] form: InviteForm) -> Result<(), AppError> {
    use crate::auth::session;
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    match data::invite(
        &state.db,
        &user,
        state.config.activation_ms,
        &form.name,
        &form.email,
    )
    .await
    {
        Ok((citizen_id, flash)) => {
            session::set_flash(&state.db, &user.session_key, &flash).await?;
            crate::input::redirect(&format!("/caseload/citizens/{citizen_id}"));
            Ok(())
        }
        Err(e) => crate::forms::fail_keeping("/caseload", e, "invite", &form).await,
    }
}

#[server(endpoint = "new-activation-code")]
pub async fn new_activation_code(citizen_id: String) -> Result<(), AppError> {
    use crate::auth::session;
    use crate::forms::fail;
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    use crate::auth::policy::{caseworker_of, Use};
    let access = caseworker_of(&state.db, &user, &citizen_id, Use::Write).await?;
    match data::new_code(&state.db, &access, state.config.activation_ms).await {
        Ok(flash) => {
            session::set_flash(&state.db, &user.session_key, &flash).await?;
            crate::input::redirect(&format!("/caseload/citizens/{citizen_id}"));
            Ok(())
        }
        // Already activated: said on the citizen's page, nothing changed.
        Err(e @ AppError::Refused(_)) => fail(&format!("/caseload/citizens/{citizen_id}"), e),
        Err(e) => Err(e),
    }
}
