//! Notifications by Web Push: a person turns them on per browser under "Mig"
//! and chooses quiet hours; events queue a notification (`push_outbox`) and
//! the server's delivery loop sends it, encrypted, saying only that there is
//! something new, never what.
use crate::error::AppError;
use crate::i18n::{t, tn, Msg, Plural};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod data;
#[cfg(feature = "ssr")]
pub mod deliver;
#[cfg(feature = "ssr")]
pub mod endpoint;
#[cfg(all(test, feature = "ssr"))]
mod tests;
#[cfg(feature = "ssr")]
pub mod webpush;

/// What a notification is about. Its text is fixed per kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PushKind {
    /// A new message for the citizen, or for the caseworker from a citizen.
    Message,
    ConcernAnswered,
    ActivityTomorrow,
    /// For the coordinator and the caseworker.
    NewConcern,
}

impl PushKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PushKind::Message => "message",
            PushKind::ConcernAnswered => "concern_answered",
            PushKind::ActivityTomorrow => "activity_tomorrow",
            PushKind::NewConcern => "new_concern",
        }
    }

    pub fn parse(s: &str) -> Option<PushKind> {
        [
            PushKind::Message,
            PushKind::ConcernAnswered,
            PushKind::ActivityTomorrow,
            PushKind::NewConcern,
        ]
        .into_iter()
        .find(|k| k.as_str() == s)
    }

    /// The notification's words: that something is new, never its content.
    pub fn text(self) -> Msg {
        match self {
            PushKind::Message => Msg::PushNewMessage,
            PushKind::ConcernAnswered => Msg::PushConcernAnswered,
            PushKind::ActivityTomorrow => Msg::PushActivityTomorrow,
            PushKind::NewConcern => Msg::PushNewConcern,
        }
    }

    /// Where a tap leads: a general page, so no id or topic travels.
    pub fn page(self, staff: bool) -> &'static str {
        match (self, staff) {
            (PushKind::Message, false) => "/messages",
            (PushKind::Message, true) => "/inbox",
            (PushKind::ConcernAnswered, _) => "/concerns",
            (PushKind::ActivityTomorrow, _) => "/plan",
            (PushKind::NewConcern, _) => "/",
        }
    }
}

/// When nothing is sent: minutes after midnight, Copenhagen time. `from`
/// after `to` spans midnight (21:00–08:00, the default).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuietHours {
    pub from: i64,
    pub to: i64,
}

impl Default for QuietHours {
    fn default() -> Self {
        QuietHours {
            from: 21 * 60,
            to: 8 * 60,
        }
    }
}

impl QuietHours {
    pub fn contains(self, minute: i64) -> bool {
        if self.from == self.to {
            false
        } else if self.from < self.to {
            (self.from..self.to).contains(&minute)
        } else {
            minute >= self.from || minute < self.to
        }
    }

    /// As kept in `users`: both set, or the default.
    pub fn from_columns(from: Option<i64>, to: Option<i64>) -> QuietHours {
        match (from, to) {
            (Some(from), Some(to)) => QuietHours { from, to },
            _ => QuietHours::default(),
        }
    }

    /// "HH:MM" to minutes after midnight.
    pub fn parse_time(raw: &str) -> Option<i64> {
        let (h, m) = raw.trim().split_once(':')?;
        let (h, m): (i64, i64) = (h.parse().ok()?, m.parse().ok()?);
        ((0..24).contains(&h) && (0..60).contains(&m) && raw.trim().len() == 5).then_some(h * 60 + m)
    }

    pub fn parse(from: &str, to: &str) -> Result<QuietHours, AppError> {
        match (QuietHours::parse_time(from), QuietHours::parse_time(to)) {
            (Some(from), Some(to)) => Ok(QuietHours { from, to }),
            (None, _) => Err(AppError::invalid("quiet_from", Msg::PushQuietInvalid)),
            (_, None) => Err(AppError::invalid("quiet_to", Msg::PushQuietInvalid)),
        }
    }

    pub fn format(minutes: i64) -> String {
        format!("{:02}:{:02}", minutes / 60, minutes % 60)
    }
}

/// What "Mig" shows about notifications.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PushSettings {
    pub devices: i64,
    pub quiet: QuietHours,
    /// For the browser's subscription (`applicationServerKey`).
    pub public_key: String,
    /// The quiet hours typed, if the server just refused them.
    pub draft: Option<crate::forms::Draft>,
}

#[server]
pub async fn notification_settings() -> Result<PushSettings, AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let configured = state.config.vapid_private_key.as_ref();
    let keys = data::vapid_keys(&state.db, configured.map(secrecy::ExposeSecret::expose_secret)).await?;
    Ok(PushSettings {
        devices: data::device_count(&state.db, &user.id).await?,
        quiet: data::quiet_hours(&state.db, &user.id).await?,
        public_key: keys.public_b64url(),
        // "Mig" also holds the phone form: take only this form's draft.
        draft: crate::forms::take_draft(&state.db, &user, "quiet-hours").await?,
    })
}

/// Called by `public/app.js` with the browser's subscription.
#[server(endpoint = "push-subscribe")]
pub async fn push_subscribe(endpoint: String, p256dh: String, auth: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let sub = data::Subscription::parse(&endpoint, &p256dh, &auth, &state.config.push)?;
    data::subscribe(&state.db, &user, &sub).await
}

#[server(endpoint = "push-unsubscribe")]
pub async fn push_unsubscribe(endpoint: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    data::unsubscribe(&state.db, &user, &endpoint).await
}

crate::form! {
    /// When notifications wait: from and to, as `HH:MM`.
    pub struct QuietHoursForm {
        pub quiet_from: String,
        pub quiet_to: String,
    }
}

#[server(endpoint = "quiet-hours")]
pub async fn save_quiet_hours(#[server(flatten)] form: QuietHoursForm) -> Result<(), AppError> {
    let page = "/me";
    let saved = async {
        let state = crate::state::app_state()?;
        let user = crate::state::require_user()?;
        let quiet = QuietHours::parse(&form.quiet_from, &form.quiet_to)?;
        data::set_quiet_hours(&state.db, &user, quiet).await
    }
    .await;
    match saved {
        Ok(()) => {
            crate::forms::succeed("/me", Msg::PushQuietSaved, Some("notifications-heading"));
            Ok(())
        }
        Err(err) => crate::forms::fail_keeping(page, err, "quiet-hours", &form).await,
    }
}

/// The "Notifikationer" section of "Mig". Turning on and off needs the
/// browser (`app.js` shows those buttons where push exists); quiet hours are
/// a plain form.
#[component]
pub fn NotificationsSection(settings: PushSettings) -> impl IntoView {
    let devices = tn(Plural::PushDevices, settings.devices);
    let draft = settings.draft.clone().unwrap_or_default();
    // The error, tied to the time it is about.
    let error = crate::forms::query_error()
        .and_then(|(m, f)| f.filter(|f| f == "quiet_from" || f == "quiet_to").map(|f| (m, f)));
    let field = move |name: &'static str, stored: i64| {
        let error = error.clone().filter(|(_, f)| f == name).map(|(m, _)| m);
        let error_id = format!("{name}-error");
        let described = match error {
            Some(_) => format!("quiet-hint {error_id}"),
            None => "quiet-hint".to_string(),
        };
        let value = draft.get(name).unwrap_or_else(|| QuietHours::format(stored));
        (
            error.map(|m| {
                view! {
                    <p class="field-error" id=error_id>
                        {t(m)}
                    </p>
                }
            }),
            described,
            error.is_some(),
            value,
        )
    };
    let (from_error, from_described, from_invalid, from_value) = field("quiet_from", settings.quiet.from);
    let (to_error, to_described, to_invalid, to_value) = field("quiet_to", settings.quiet.to);
    view! {
        <section
            class="card"
            aria-labelledby="notifications-heading"
            id="notifications"
            data-public-key=settings.public_key
            data-failed=t(Msg::PushFailed)
            data-unsupported=t(Msg::PushUnsupported)
            data-on=t(Msg::PushOnHere)
            data-off=t(Msg::PushOffHere)
            data-denied=t(Msg::PushDenied)
        >
            <h2 id="notifications-heading">{t(Msg::PushTitle)}</h2>
            <p>{t(Msg::PushIntro)}</p>
            <p>{devices}</p>
            <p class="button-row">
                <button type="button" class="button" data-push-on hidden>
                    {t(Msg::PushTurnOn)}
                </button>
                <button type="button" class="button secondary" data-push-off hidden>
                    {t(Msg::PushTurnOff)}
                </button>
            </p>
            <p aria-live="polite" data-push-status></p>
            <form method="post" action="/api/quiet-hours" novalidate class="stack">
                <fieldset>
                    <legend>{t(Msg::PushQuietHours)}</legend>
                    <p class="hint" id="quiet-hint">
                        {t(Msg::PushQuietHint)}
                    </p>
                    <div class="field">
                        <label for="quiet_from">{t(Msg::PushQuietFrom)}</label>
                        {from_error}
                        <input
                            type="time"
                            id="quiet_from"
                            name="quiet_from"
                            required
                            aria-describedby=from_described
                            aria-invalid=from_invalid.then_some("true")
                            value=from_value
                        />
                    </div>
                    <div class="field">
                        <label for="quiet_to">{t(Msg::PushQuietTo)}</label>
                        {to_error}
                        <input
                            type="time"
                            id="quiet_to"
                            name="quiet_to"
                            required
                            aria-describedby=to_described
                            aria-invalid=to_invalid.then_some("true")
                            value=to_value
                        />
                    </div>
                </fieldset>
                <button type="submit" class="button secondary">
                    {t(Msg::PushQuietSave)}
                </button>
            </form>
        </section>
    }
}
