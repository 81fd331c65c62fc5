//! The administrator's forms and the server functions they post to.
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::i18n::Msg;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::{data, DRAFT, PAGE};

/// A refused admin form comes back with its choices and text kept.
#[cfg(feature = "ssr")]
async fn refused<T>(e: AppError, typed: &impl crate::forms::FormFields) -> Result<T, AppError> {
    match e {
        // Not an administrator: nothing to go back to.
        AppError::NotFound => Err(AppError::NotFound),
        e => crate::forms::fail_keeping(PAGE, e, DRAFT, typed).await,
    }
}

crate::form! {
    /// A new staff account.
    pub struct NewStaffForm {
        pub name: String,
        pub email: String,
        pub role: String,
        pub staff_region_id: String,
    }
}

crate::form! {
    /// A new activation code for a staff member.
    pub struct StaffCodeForm {
        pub code_staff_id: String,
    }
}

crate::form! {
    /// A staff member's new role.
    pub struct StaffRoleForm {
        pub role_staff_id: String,
        pub new_role: String,
    }
}

crate::form! {
    /// A citizen moved to another caseworker's caseload.
    pub struct MoveCitizenForm {
        pub citizen_id: String,
        pub caseworker_id: String,
    }
}

crate::form! {
    /// A region's health coordinator.
    pub struct RegionCoordinatorForm {
        pub region_id: String,
        pub coordinator_id: String,
    }
}

#[server(endpoint = "create-staff")]
pub async fn create_staff(form_key: String, #[server(flatten)] form: NewStaffForm) -> Result<(), AppError> {
    use crate::auth::{session, Flash};
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let done = async {
        let access = crate::auth::policy::admin(&user)?;
        let key = crate::forms::IdempotencyKey::parse(&form_key)?;
        let f = &form;
        let input = data::NewStaff::parse(&f.name, &f.email, &f.role, &f.staff_region_id)?;
        data::create_staff(&state.db, &access, &input, &key, state.config.activation_ms).await
    }
    .await;
    match done {
        Ok(created) => {
            if let Some((code, expires)) = created.code {
                let flash = Flash::ActivationCode {
                    citizen_id: created.id,
                    code,
                    expires: crate::time::format_ms(expires),
                };
                session::set_flash(&state.db, &user.session_key, &flash).await?;
            }
            crate::forms::succeed("/admin", Msg::AdminStaffCreated, Some("staff-heading"));
            Ok(())
        }
        Err(e) => refused(e, &form).await,
    }
}

#[server(endpoint = "staff-activation-code")]
pub async fn staff_activation_code(#[server(flatten)] form: StaffCodeForm) -> Result<(), AppError> {
    use crate::auth::{session, Flash};
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let done = async {
        let access = crate::auth::policy::admin(&user)?;
        data::new_staff_code(
            &state.db,
            &access,
            &form.code_staff_id,
            state.config.activation_ms,
        )
        .await
    }
    .await;
    match done {
        Ok((_, code, expires)) => {
            let flash = Flash::ActivationCode {
                citizen_id: form.code_staff_id,
                code,
                expires: crate::time::format_ms(expires),
            };
            session::set_flash(&state.db, &user.session_key, &flash).await?;
            crate::input::redirect("/admin#staff-heading");
            Ok(())
        }
        Err(AppError::Refused(m)) => refused(AppError::invalid("code_staff_id", m), &form).await,
        Err(e) => refused(e, &form).await,
    }
}

#[server(endpoint = "set-staff-role")]
pub async fn set_staff_role(#[server(flatten)] form: StaffRoleForm) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let done = async {
        let access = crate::auth::policy::admin(&user)?;
        if form.role_staff_id.is_empty() {
            return Err(AppError::invalid("role_staff_id", Msg::AdminChooseStaff));
        }
        data::set_role(&state.db, &access, &form.role_staff_id, &form.new_role).await
    }
    .await;
    match done {
        Ok(()) => {
            crate::forms::succeed("/admin", Msg::AdminRoleChanged, Some("staff-heading"));
            Ok(())
        }
        Err(e) => refused(e, &form).await,
    }
}

#[server(endpoint = "move-citizen")]
pub async fn move_citizen(#[server(flatten)] form: MoveCitizenForm) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let MoveCitizenForm {
        citizen_id,
        caseworker_id,
    } = &form;
    let done = async {
        let access = crate::auth::policy::admin(&user)?;
        if citizen_id.is_empty() {
            return Err(AppError::invalid("citizen_id", Msg::AdminChooseCitizen));
        }
        if caseworker_id.is_empty() {
            return Err(AppError::invalid("caseworker_id", Msg::AdminChooseCaseworker));
        }
        let account = crate::auth::policy::admin_citizen(&state.db, &access, citizen_id).await?;
        data::move_citizen(&state.db, &account, caseworker_id).await
    }
    .await;
    match done {
        Ok(()) => {
            crate::forms::succeed("/admin", Msg::AdminCitizenMoved, Some("caseloads-heading"));
            Ok(())
        }
        Err(e) => refused(e, &form).await,
    }
}

#[server(endpoint = "region-coordinator")]
pub async fn region_coordinator(#[server(flatten)] form: RegionCoordinatorForm) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let done = async {
        let access = crate::auth::policy::admin(&user)?;
        data::set_region_coordinator(&state.db, &access, &form.region_id, &form.coordinator_id).await
    }
    .await;
    match done {
        Ok(()) => {
            crate::forms::succeed("/admin", Msg::AdminRegionSet, Some("regions-heading"));
            Ok(())
        }
        Err(e) => refused(e, &form).await,
    }
}
