//! Message threads between a citizen and their caseworker. Messages are case
//! documents: never edited or deleted; a correction is a new message.
//!
//! The view types are in `types.rs`, the forms and their server functions in
//! `api.rs`, the citizen's pages and a thread in `pages.rs`, the inbox in
//! `inbox.rs`. The server functions without an
//! explicit endpoint stay here: their URL is derived from the module they are
//! declared in.
use crate::error::AppError;
use leptos::prelude::*;

mod api;
mod composer;
#[cfg(feature = "ssr")]
pub mod data;
mod inbox;
pub mod live;
mod pages;
#[cfg(all(test, feature = "ssr"))]
mod tests;
mod text;
mod types;

pub use api::*;
pub use composer::{Composer, ComposerTexts, DraftField, FieldTexts};
pub use inbox::*;
pub use pages::*;
pub use text::MessageText;
pub use types::*;

#[server]
pub async fn my_threads() -> Result<Vec<ThreadRow>, AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let access = crate::auth::policy::own_data(&user)?;
    data::citizen_threads(&state.db, &access).await
}

#[server]
pub async fn get_thread(thread_id: String, before: String) -> Result<ThreadView, AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    use crate::auth::policy::{self, Use};
    let read = Use::Read(crate::audit::AuditAction::MessageThread);
    let access = policy::thread(&state.db, &user, &thread_id, read).await?;
    let before = Some(before.as_str()).filter(|b| !b.is_empty());
    let mut view = data::thread_page(&state.db, &access, &thread_id, before).await?;
    let flash = crate::auth::session::take_flash(&state.db, &user.session_key).await?;
    view.draft = crate::forms::draft_for(&flash, &format!("thread:{thread_id}"));
    view.form_key = crate::db::new_id();
    Ok(view)
}

#[server]
pub async fn new_thread_form(activity: String, citizen: String) -> Result<ThreadFormData, AppError> {
    use crate::model::Role;
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let flash = crate::auth::session::take_flash(&state.db, &user.session_key).await?;
    let staff = user.role == Role::Caseworker;
    let (citizens, activities, caseworker) = if staff {
        (data::caseload_names(&state.db, &user).await?, Vec::new(), None)
    } else {
        let access = crate::auth::policy::own_data(&user)?;
        (
            Vec::new(),
            data::activities(&state.db, &access).await?,
            data::caseworker_of(&state.db, &access).await?,
        )
    };
    Ok(ThreadFormData {
        citizens,
        activities,
        chosen_activity: activity,
        chosen_citizen: citizen,
        caseworker,
        form_key: crate::db::new_id(),
        draft: crate::forms::draft_for(&flash, "new-thread"),
        staff,
    })
}

#[server]
pub async fn get_inbox(filter: String) -> Result<InboxView, AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let filter = InboxFilter::parse(&filter);
    Ok(InboxView {
        filter,
        rows: data::inbox(&state.db, &user, filter).await?,
        feedback: data::feedback(&state.db, &user).await?,
    })
}
