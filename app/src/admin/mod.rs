//! The administrator's page: staff, regions, caseloads. No health data.
//!
//! The view types are in `types.rs`, the forms and their server functions in
//! `api.rs`, the page in `pages.rs`. The server function without an explicit
//! endpoint stays here: its URL is derived from the module it is declared in.
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::model::Role;
use leptos::prelude::*;

mod api;
#[cfg(feature = "ssr")]
pub mod data;
mod pages;
#[cfg(all(test, feature = "ssr"))]
mod tests;
mod types;

pub use api::*;
pub use pages::*;
pub use types::*;

#[cfg(feature = "ssr")]
pub async fn overview(
    db: &crate::db::Db,
    viewer: &crate::model::CurrentUser,
) -> Result<AdminOverview, AppError> {
    #[derive(sqlx::FromRow)]
    struct StaffDbRow {
        display_name: String,
        email: String,
        role: String,
        region: Option<String>,
        caseload: i64,
        #[sqlx(try_from = "i64")]
        activated: crate::db::Flag,
    }
    #[derive(sqlx::FromRow)]
    struct SharedAddressRow {
        pending_email: String,
        display_name: String,
        caseworker: String,
        created_at: i64,
    }
    let access = crate::auth::policy::admin(viewer)?;
    let staff = sqlx::query_as::<_, StaffDbRow>(
        "SELECT u.display_name, COALESCE(u.email, '') AS email, u.role, r.name AS region, \
           (SELECT COUNT(*) FROM caseload_assignments a WHERE a.caseworker_id = u.id AND a.ended_at IS NULL) \
             AS caseload, \
           CASE WHEN u.password_hash IS NULL THEN 0 ELSE 1 END AS activated \
         FROM users u LEFT JOIN regions r ON r.id = u.region_id \
         WHERE u.role <> 'citizen' ORDER BY u.role, u.display_name",
    )
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| StaffRow {
        role: Role::parse(&r.role).unwrap_or(Role::Administrator),
        name: r.display_name,
        email: r.email,
        region: r.region,
        caseload: r.caseload,
        activated: r.activated.0,
    })
    .collect();
    let shared_addresses = sqlx::query_as::<_, SharedAddressRow>(
        "SELECT u.pending_email, u.display_name, COALESCE(cw.display_name, '') AS caseworker, u.created_at \
         FROM users u \
         LEFT JOIN caseload_assignments a ON a.citizen_id = u.id AND a.ended_at IS NULL \
         LEFT JOIN users cw ON cw.id = a.caseworker_id \
         WHERE u.pending_email IS NOT NULL ORDER BY u.created_at",
    )
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| SharedAddress {
        email: r.pending_email,
        citizen: r.display_name,
        caseworker: r.caseworker,
        invited: crate::time::format_ms(r.created_at),
    })
    .collect();
    Ok(AdminOverview {
        staff,
        regions: data::regions(db, &access).await?,
        unassigned: crate::concerns::data::unassigned(db, viewer).await?,
        coordinators: crate::concerns::data::coordinators(db).await?,
        shared_addresses,
        choices: data::staff_choices(db, &access).await?,
        citizens: data::citizen_choices(db, &access).await?,
        form_key: crate::db::new_id(),
        new_code: None,
        draft: None,
    })
}

/// Where each admin form goes back to, and the name its kept draft has.
#[cfg(feature = "ssr")]
pub(super) const PAGE: &str = "/admin";
#[cfg(feature = "ssr")]
pub(super) const DRAFT: &str = "admin";

#[server]
pub async fn get_admin_overview() -> Result<AdminOverview, AppError> {
    use crate::auth::{session, Flash};
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let mut view = overview(&state.db, &user).await?;
    // The reset section on the same page takes its own code.
    let mine = |f: &Flash| match f {
        Flash::ActivationCode { .. } => true,
        Flash::Draft { form, .. } => form == DRAFT,
        _ => false,
    };
    let flash = session::take_flash_if(&state.db, &user.session_key, mine).await?;
    view.draft = crate::forms::draft_for(&flash, DRAFT);
    if let Some(Flash::ActivationCode {
        citizen_id: staff_id,
        code,
        expires,
    }) = flash
    {
        view.new_code = view.choices.iter().find(|c| c.id == staff_id).map(|c| StaffCode {
            name: c.name.clone(),
            link: crate::auth::activation::link(
                crate::state::ClientInfo::current(&state.config).https,
                &code,
            ),
            code,
            expires,
        });
    }
    Ok(view)
}
