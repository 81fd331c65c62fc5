//! The check-in form and the server functions that store an entry and
//! change what is shared.
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::i18n::Msg;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::data;

crate::form! {
    /// The daily check-in: four answers (1–5), a note, the activity it is
    /// about, and whether the caseworker may see it.
    pub struct CheckInForm {
        pub mood: Option<String>,
        pub energy: Option<String>,
        pub pain: Option<String>,
        pub sleep: Option<String>,
        pub note: String,
        /// Absent when there is no activity to choose.
        pub activity_id: Option<String>,
        pub share: Option<String>,
    }
}

#[server(endpoint = "log-wellbeing")]
pub async fn log_wellbeing(
    form_key: String,
    // Set by the offline queue: when the entry was written (epoch ms).
    written_at: Option<String>,
    #[server(flatten)] form: CheckInForm,
) -> Result<(), AppError> {
    crate::pwa::queue::check_sender()?;
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let saved = async {
        let f = &form;
        let input = data::parse_check_in(
            f.mood.as_deref(),
            f.energy.as_deref(),
            f.pain.as_deref(),
            f.sleep.as_deref(),
            &f.note,
            f.activity_id.as_deref().unwrap_or_default(),
            f.share.is_some(),
        )?;
        let key = crate::forms::IdempotencyKey::parse(&form_key)?;
        let access = crate::auth::policy::own_data(&user)?;
        data::log_on(
            &state.db,
            &access,
            &input,
            &key,
            &data::entry_day(written_at.as_deref()),
        )
        .await
    }
    .await;
    match saved {
        Ok(low) => {
            crate::pwa::queue::confirm(&form_key);
            // A low day opens where help is offered.
            let (notice, anchor) = if low {
                (Msg::WellbeingSavedLow, Some("help-heading"))
            } else {
                (Msg::WellbeingSaved, None)
            };
            crate::forms::succeed("/wellbeing", notice, anchor);
            Ok(())
        }
        Err(e) => {
            crate::pwa::queue::refused(&e);
            // A box left unticked comes back unticked, not as it was stored.
            crate::forms::fail_keeping("/wellbeing", e, "wellbeing", &form).await
        }
    }
}

#[server(endpoint = "share-wellbeing-day")]
pub async fn share_wellbeing_day(date: String, share: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let access = crate::auth::policy::own_data(&user)?;
    data::set_shared(&state.db, &access, &date, share == "yes").await?;
    crate::forms::succeed(
        "/wellbeing",
        Msg::WellbeingSharingChanged,
        Some("history-heading"),
    );
    Ok(())
}

#[server(endpoint = "share-wellbeing-period")]
pub async fn share_wellbeing_period(weeks: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let weeks = weeks.trim().parse::<i64>().unwrap_or(0);
    let shared = match crate::auth::policy::own_data(&user) {
        Ok(access) => data::share_period(&state.db, &access, weeks).await,
        Err(e) => Err(e),
    };
    match shared {
        Ok(()) => {
            crate::forms::succeed("/wellbeing", Msg::WellbeingPeriodShared, Some("sharing-heading"));
            Ok(())
        }
        Err(e) => crate::forms::fail("/wellbeing", e),
    }
}

#[server(endpoint = "withdraw-wellbeing-period")]
pub async fn withdraw_wellbeing_period(period_id: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let access = crate::auth::policy::own_data(&user)?;
    data::withdraw_period(&state.db, &access, &period_id).await?;
    crate::forms::succeed(
        "/wellbeing",
        Msg::WellbeingPeriodWithdrawn,
        Some("sharing-heading"),
    );
    Ok(())
}
