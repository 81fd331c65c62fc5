//! Pages everyone can read: accessibility statement, privacy, contact.
use crate::i18n::{t, Msg};
use crate::layout::Title;
use leptos::prelude::*;

#[component]
pub fn AccessibilityPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::AccessibilityTitle)/>
        <h1>{t(Msg::AccessibilityTitle)}</h1>
        <p>{t(Msg::AccessibilityIntro)}</p>
        <h2>{t(Msg::AccessibilityStatusHeading)}</h2>
        <p>{t(Msg::AccessibilityStatus)}</p>
        <h2>{t(Msg::AccessibilityFeedbackHeading)}</h2>
        <p>{t(Msg::AccessibilityFeedback)}</p>
        <p>{t(Msg::AccessibilityComplaint)}</p>
    }
}

#[component]
pub fn PrivacyPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::PrivacyTitle)/>
        <h1>{t(Msg::PrivacyTitle)}</h1>
        <p>{t(Msg::PrivacyIntro)}</p>
        <h2>{t(Msg::PrivacyWhoHeading)}</h2>
        <p>{t(Msg::PrivacyWho)}</p>
        <h2>{t(Msg::PrivacyHealthHeading)}</h2>
        <p>{t(Msg::PrivacyHealth)}</p>
        <h2>{t(Msg::PrivacyRightsHeading)}</h2>
        <p>{t(Msg::PrivacyRights)}</p>
    }
}

#[component]
pub fn ContactPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::ContactTitle)/>
        <h1>{t(Msg::ContactTitle)}</h1>
        <p>{t(Msg::ContactIntro)}</p>
        <dl class="facts">
            <dt>{t(Msg::ContactPhoneLabel)}</dt><dd>{t(Msg::ContactPhone)}</dd>
            <dt>{t(Msg::ContactHoursLabel)}</dt><dd>{t(Msg::ContactHours)}</dd>
            <dt>{t(Msg::ContactPostLabel)}</dt><dd>{t(Msg::ContactPost)}</dd>
        </dl>
        <p>{t(Msg::ContactNotOnlyChannel)}</p>
    }
}
