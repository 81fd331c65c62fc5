//! The message forms and the server functions they post to.
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::i18n::Msg;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::data;

crate::form! {
    /// A new conversation: to whom (staff choose a citizen), its subject,
    /// the activity it is about, and the first message.
    pub struct FirstMessageForm {
        pub citizen_id: Option<String>,
        pub subject: String,
        pub activity_id: Option<String>,
        pub body: String,
    }
}

crate::form! {
    /// A reply; staff may ask the citizen to answer.
    pub struct ReplyForm {
        pub body: String,
        pub ask_for_reply: Option<String>,
    }
}

#[server(endpoint = "start-thread")]
pub async fn start_thread(
    form_key: String,
    #[server(flatten)] form: FirstMessageForm,
) -> Result<(), AppError> {
    crate::pwa::queue::check_sender()?;
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let citizen = if user.role.is_staff() {
        form.citizen_id.clone().unwrap_or_default()
    } else {
        user.id.clone()
    };
    let started = async {
        let subject = data::Subject::parse(&form.subject)?;
        let body = data::MessageBody::parse(&form.body)?;
        let key = crate::forms::IdempotencyKey::parse(&form_key)?;
        let activity = form
            .activity_id
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty());
        // The caseworker chooses whom to write to; nobody is picked for them.
        if citizen.is_empty() {
            return Err(AppError::invalid("citizen_id", Msg::MessagesChooseCitizen));
        }
        use crate::auth::policy::{citizen_or_caseworker, Use};
        let access = citizen_or_caseworker(&state.db, &user, &citizen, Use::Write).await?;
        data::start_thread(&state.db, &access, &subject, activity, &body, &key).await
    }
    .await;
    match started {
        Ok(id) => {
            crate::pwa::queue::confirm(&form_key);
            crate::forms::succeed(
                &format!("/messages/{id}"),
                Msg::MessagesSent,
                Some("message-list"),
            );
            Ok(())
        }
        Err(e) => {
            crate::pwa::queue::refused(&e);
            crate::forms::fail_keeping("/messages/new", e, "new-thread", &form).await
        }
    }
}

#[server(endpoint = "send-message")]
pub async fn send_message(
    thread_id: String,
    form_key: String,
    #[server(flatten)] form: ReplyForm,
) -> Result<(), AppError> {
    crate::pwa::queue::check_sender()?;
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let page = format!("/messages/{thread_id}");
    let sent = async {
        let body = data::MessageBody::parse(&form.body)?;
        let key = crate::forms::IdempotencyKey::parse(&form_key)?;
        use crate::auth::policy::{thread, Use};
        let access = thread(&state.db, &user, &thread_id, Use::Write).await?;
        data::reply(
            &state.db,
            &access,
            &thread_id,
            &body,
            &key,
            form.ask_for_reply.is_some(),
        )
        .await
    }
    .await;
    match sent {
        Ok(()) => {
            crate::pwa::queue::confirm(&form_key);
            crate::forms::succeed(&page, Msg::MessagesSent, Some("message-list"));
            Ok(())
        }
        Err(AppError::NotFound) => Err(AppError::NotFound),
        Err(e) => {
            crate::pwa::queue::refused(&e);
            crate::forms::fail_keeping(&page, e, &format!("thread:{thread_id}"), &form).await
        }
    }
}
