//! The concern forms and the server functions they post to: raising a
//! request, and the steps the citizen and the coordinator take on it.
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::i18n::Msg;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::data;

crate::form! {
    /// A health concern: what worries the citizen, the activity it is
    /// about, and whether their shared wellbeing goes with it.
    pub struct ConcernForm {
        pub description: String,
        /// Absent when there is no activity to choose.
        pub activity_id: Option<String>,
        pub attach_wellbeing: Option<String>,
    }
}

crate::form! {
    /// The coordinator books a conversation.
    pub struct BookingForm {
        pub date: String,
        pub time: String,
        pub place: String,
        pub weekend_ok: Option<String>,
    }
}

crate::form! {
    /// The coordinator's answer: the outcome and its reasons.
    pub struct AnswerForm {
        pub outcome: Option<String>,
        pub reasons: String,
    }
}

#[server(endpoint = "raise-concern")]
pub async fn raise_concern(form_key: String, #[server(flatten)] form: ConcernForm) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let sent = async {
        let activity = form.activity_id.as_deref().unwrap_or_default();
        let input = data::NewConcern::parse(&form.description, activity, form.attach_wellbeing.is_some())?;
        let key = crate::forms::IdempotencyKey::parse(&form_key)?;
        let access = crate::auth::policy::own_data(&user)?;
        data::raise(&state.db, &access, &input, &key).await
    }
    .await;
    match sent {
        Ok(id) => {
            crate::forms::succeed(&format!("/concerns/{id}"), Msg::ConcernSentNotice, None);
            Ok(())
        }
        Err(e) => crate::forms::fail_keeping("/concerns/new", e, "concern", &form).await,
    }
}

/// Where a step's page is, for the person taking it.
#[cfg(feature = "ssr")]
fn step_page(user: &crate::model::CurrentUser, concern_id: &str) -> String {
    match user.role {
        crate::model::Role::HealthCoordinator => format!("/requests/{concern_id}"),
        _ => format!("/concerns/{concern_id}"),
    }
}

/// A step with nothing but a button: confirm receipt, start the assessment, withdraw.
#[server(endpoint = "concern-step")]
pub async fn concern_step(concern_id: String, step: String) -> Result<(), AppError> {
    use crate::model::ConcernState as S;
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let page = step_page(&user, &concern_id);
    let taken = async {
        let step = data::Step::parse_plain(&step)?;
        data::take_step(
            &state.db,
            &crate::auth::policy::act_on_concern(&state.db, &user, &concern_id).await?,
            &step,
        )
        .await?;
        Ok(step)
    }
    .await;
    match taken {
        Ok(data::Step::To(S::Withdrawn)) => {
            crate::forms::succeed(&page, Msg::ConcernWithdrawnNotice, None);
            Ok(())
        }
        Ok(data::Step::To(S::Received)) => {
            crate::forms::succeed(&page, Msg::RequestAcknowledged, None);
            Ok(())
        }
        Ok(_) => {
            crate::forms::succeed(&page, Msg::RequestStarted, None);
            Ok(())
        }
        Err(AppError::NotFound) => Err(AppError::NotFound),
        Err(e) => crate::forms::fail(&page, e),
    }
}

#[server(endpoint = "book-conversation")]
pub async fn book_conversation(
    concern_id: String,
    #[server(flatten)] form: BookingForm,
) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let page = step_page(&user, &concern_id);
    let booked = async {
        let step = data::Step::parse_booking(&form.date, &form.time, &form.place, crate::time::now_ms())?;
        data::Step::check_weekend(&form.date, form.weekend_ok.is_some())?;
        data::take_step(
            &state.db,
            &crate::auth::policy::act_on_concern(&state.db, &user, &concern_id).await?,
            &step,
        )
        .await
    }
    .await;
    match booked {
        Ok(()) => {
            crate::forms::succeed(&page, Msg::RequestBooked, None);
            Ok(())
        }
        Err(AppError::NotFound) => Err(AppError::NotFound),
        Err(e) => crate::forms::fail_keeping(&page, e, &format!("request:{concern_id}"), &form).await,
    }
}

#[server(endpoint = "answer-concern")]
pub async fn answer_concern(concern_id: String, #[server(flatten)] form: AnswerForm) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let page = step_page(&user, &concern_id);
    let answered = async {
        let step = data::Step::parse_answer(form.outcome.as_deref(), &form.reasons)?;
        data::take_step(
            &state.db,
            &crate::auth::policy::act_on_concern(&state.db, &user, &concern_id).await?,
            &step,
        )
        .await
    }
    .await;
    match answered {
        Ok(()) => {
            crate::forms::succeed(&page, Msg::RequestAnswered, None);
            Ok(())
        }
        Err(AppError::NotFound) => Err(AppError::NotFound),
        Err(e) => crate::forms::fail_keeping(&page, e, &format!("request:{concern_id}"), &form).await,
    }
}
