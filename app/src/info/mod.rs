//! Pages everyone can read: accessibility statement, privacy, contact.
use crate::i18n::{t, texts, tf, use_lang, Msg};
use crate::layout::Title;
use crate::phone::{WithPhone, DIGITALISERINGSSTYRELSEN, JOBCENTRE};
use crate::time::format_date;
use leptos::prelude::*;

/// When the statement was made and last reviewed (the law asks for a review
/// at least once a year, and whenever the known issues change).
const STATEMENT_MADE: &str = "2026-11-27";
const STATEMENT_UPDATED: &str = "2026-11-27";

/// Digitaliseringsstyrelsen's page for people who meet inaccessible content
/// on a public website: where a complaint goes when the authority's own
/// answer is missing or not good enough.
const DIGST_COMPLAINT_URL: &str =
    "https://digst.dk/digital-inklusion/webtilgaengelighed/oplever-du-ikke-tilgaengeligt-indhold/";

/// The accessibility statement, in the parts Danish public bodies publish
/// (Digitaliseringsstyrelsen's WAS-Tool, after the EU model statement):
/// scope, compliance status, what is not accessible, how it was assessed and
/// when, feedback, and the complaint route.
#[component]
pub fn AccessibilityPage() -> impl IntoView {
    let dates = tf(texts::AccessibilityDates {
        made: &format_date(STATEMENT_MADE),
        updated: &format_date(STATEMENT_UPDATED),
    });
    view! {
        <Title text=t(Msg::AccessibilityTitle) />
        <h1>{t(Msg::AccessibilityTitle)}</h1>
        <p>{t(Msg::AccessibilityIntro)}</p>
        <h2>{t(Msg::AccessibilityStatusHeading)}</h2>
        <p>{t(Msg::AccessibilityStatus)}</p>
        <h2>{t(Msg::AccessibilityKnownHeading)}</h2>
        <ul>
            <li>{t(Msg::AccessibilityKnown1)}</li>
            <li>{t(Msg::AccessibilityKnown2)}</li>
            <li>{t(Msg::AccessibilityKnown3)}</li>
            <li>{t(Msg::AccessibilityKnown4)}</li>
        </ul>
        <h2>{t(Msg::AccessibilityMethodHeading)}</h2>
        <p>{t(Msg::AccessibilityMethod)}</p>
        <p>{dates}</p>
        <h2>{t(Msg::AccessibilityFeedbackHeading)}</h2>
        <p>
            <WithPhone text=texts::AccessibilityFeedback::raw(use_lang()) number=JOBCENTRE />
        </p>
        <h2>{t(Msg::AccessibilityComplaintHeading)}</h2>
        <p>
            <WithPhone text=texts::AccessibilityComplaint::raw(use_lang()) number=DIGITALISERINGSSTYRELSEN />
        </p>
        <p>
            <a href=DIGST_COMPLAINT_URL hreflang="da">
                {t(Msg::AccessibilityComplaintLink)}
            </a>
        </p>
    }
}

#[component]
pub fn PrivacyPage() -> impl IntoView {
    // The periods this server is configured with (README, "Configuration").
    #[allow(unused_mut)]
    let mut policy = crate::retention::RetentionPolicy::default();
    #[allow(unused_mut)]
    let mut mitid = false;
    #[cfg(feature = "ssr")]
    if let Ok(state) = crate::state::app_state() {
        policy = state.config.retention;
        mitid = state.config.oidc.citizen.is_some();
    }
    let retention = tf(texts::PrivacyRetention {
        data: &policy.data_years.to_string(),
        log: &policy.access_log_years.to_string(),
    });
    view! {
        <Title text=t(Msg::PrivacyTitle) />
        <h1>{t(Msg::PrivacyTitle)}</h1>
        <p>{t(Msg::PrivacyIntro)}</p>
        <h2>{t(Msg::PrivacyWhoHeading)}</h2>
        <p>{t(Msg::PrivacyWho)}</p>
        <h2>{t(Msg::PrivacyHealthHeading)}</h2>
        <p>{t(Msg::PrivacyHealth)}</p>
        <p>{t(Msg::PrivacyFalling)}</p>
        <h2>{t(Msg::PrivacyRightsHeading)}</h2>
        <p>{t(Msg::PrivacyRights)}</p>
        <p>{t(Msg::PrivacyDownload)}</p>
        {mitid
            .then(|| {
                view! {
                    <h2>{t(Msg::PrivacyLoginHeading)}</h2>
                    <p>{t(Msg::PrivacyLogin)}</p>
                }
            })}
        <h2>{t(Msg::PrivacyRetentionHeading)}</h2>
        <p>{retention}</p>
    }
}

#[component]
pub fn ContactPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::ContactTitle) />
        <h1>{t(Msg::ContactTitle)}</h1>
        <p>{t(Msg::ContactIntro)}</p>
        <dl class="facts">
            <dt>{t(Msg::ContactPhoneLabel)}</dt>
            <dd>
                <crate::phone::PhoneLink number=crate::phone::JOBCENTRE />
            </dd>
            <dt>{t(Msg::ContactHoursLabel)}</dt>
            <dd>{t(Msg::ContactHours)}</dd>
            <dt>{t(Msg::ContactPostLabel)}</dt>
            <dd>{t(Msg::ContactPost)}</dd>
        </dl>
        <p>{t(Msg::ContactNotOnlyChannel)}</p>
    }
}
