//! The installable, offline-capable app. The work happens in plain
//! JavaScript (`public/sw.js`, `public/outbox.js`, `public/app.js`), so the
//! WebAssembly stays small; this module renders what those scripts need:
//! the owner key, and hidden, translated parts they show when it is time.
use crate::i18n::{t, texts, use_lang, Msg, Plural, PluralText};
use crate::layout::page_user;
use crate::layout::Title;
#[cfg(feature = "ssr")]
use crate::model::Role;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
pub mod queue;
pub mod scripts;

/// Whose page this is (every role), for the service worker.
#[cfg(feature = "ssr")]
pub const OFFLINE_PERSON: http::HeaderName = http::HeaderName::from_static("x-offline-person");
/// A citizen's own page, which the service worker may keep under this key.
#[cfg(feature = "ssr")]
pub const OFFLINE_KEY: http::HeaderName = http::HeaderName::from_static("x-offline-key");

/// An opaque key for the person's offline data (cached pages, queued items):
/// the same person always gets the same key, and it says nothing about them.
#[cfg(feature = "ssr")]
pub fn offline_key(user_id: &str) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(&Sha256::digest(format!("mitforlob-offline:{user_id}"))[..16])
}

/// The `<head>` part: manifest, home-screen icons, the scripts, and whose
/// data this page is.
#[component]
pub fn PwaHead() -> impl IntoView {
    #[allow(unused_mut)]
    let mut owner: Option<String> = None;
    #[cfg(feature = "ssr")]
    if let Some(user) = page_user() {
        let key = offline_key(&user.id);
        if let (Some(res), Ok(value)) = (
            use_context::<leptos_axum::ResponseOptions>(),
            http::HeaderValue::from_str(&key),
        ) {
            // Whose page this is, for every role: the service worker forgets
            // the pages kept before when the person changes (or is nobody).
            res.insert_header(OFFLINE_PERSON, value.clone());
            // Only a citizen's own pages are kept for offline use; staff pages never.
            if user.role == Role::Citizen {
                res.insert_header(OFFLINE_KEY, value);
            }
        }
        owner = Some(key);
    }
    view! {
        <link rel="manifest" href=scripts::MANIFEST />
        <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png" />
        <meta name="mobile-web-app-capable" content="yes" />
        <meta name="apple-mobile-web-app-capable" content="yes" />
        <meta name="apple-mobile-web-app-title" content=t(Msg::AppName) />
        <meta name="apple-mobile-web-app-status-bar-style" content="default" />
        {owner.map(|key| view! { <meta name=scripts::OWNER_META content=key /> })}
        <script src=scripts::OUTBOX_SCRIPT defer></script>
        <script src=scripts::APP_SCRIPT defer></script>
    }
}

/// The notices the scripts show: offline, a new version, what waits to be sent.
#[component]
pub fn AppNotices() -> impl IntoView {
    let user = page_user();
    let lang = use_lang();
    view! {
        // Calm, not an error: whole sentences that name the page and the time
        // it was fetched (filled in by app.js, with the page's date words).
        <p
            class="alert alert-info offline-banner"
            role="status"
            data-offline-banner
            hidden
            data-text=texts::PwaOfflineBanner::raw(lang)
            data-date=texts::DateDate::raw(lang)
            data-date-time=texts::DateDateTime::raw(lang)
            data-time=texts::DateTime::raw(lang)
        >
            <span data-offline-sentence>{t(Msg::PwaOfflineBannerShort)}</span>
            " "
            {t(Msg::PwaOfflineQueue)}
        </p>
        <div class="alert alert-info update-banner" id="update-banner" role="status" hidden>
            <p>
                {t(Msg::PwaUpdateText)} " " <button type="button" class="button">
                    {t(Msg::PwaUpdateButton)}
                </button>
            </p>
        </div>
        {user
            .is_some()
            .then(|| {
                view! {
                    <section
                        class="card outbox"
                        id="outbox"
                        aria-labelledby="outbox-heading"
                        hidden
                        data-kind-wellbeing=t(Msg::PwaOutboxKindWellbeing)
                        data-kind-message=t(Msg::PwaOutboxKindMessage)
                        data-state-waiting=t(Msg::PwaOutboxStateWaiting)
                        data-state-login=t(Msg::PwaOutboxStateLogin)
                        data-state-error=t(Msg::PwaOutboxStateError)
                        data-state-refused=t(Msg::PwaOutboxStateRefused)
                    >
                        <h2 id="outbox-heading" tabindex="-1">
                            {t(Msg::PwaOutboxTitle)}
                        </h2>
                        <p>{t(Msg::PwaOutboxText)}</p>
                        <ul class="outbox-list"></ul>
                    </section>
                    // A status, not a second alert: the form's own error is the alert that takes focus.
                    <p class="alert alert-warning" id="outbox-restored" role="status" tabindex="-1" hidden>
                        {t(Msg::PwaOutboxRestored)}
                    </p>
                }
            })}
        // Nobody is logged in, yet this browser holds someone's unsent words:
        // say so, without showing them, and let them be deleted.
        {user
            .is_none()
            .then(|| {
                view! {
                    <section
                        class="alert alert-warning held"
                        id="held"
                        aria-labelledby="held-heading"
                        hidden
                        data-text-one=PluralText::new(Plural::PwaHeldText, use_lang()).one
                        data-text=PluralText::new(Plural::PwaHeldText, use_lang()).other
                        data-deleted=t(Msg::PwaHeldDeleted)
                    >
                        <h2 id="held-heading">{t(Msg::PwaHeldTitle)}</h2>
                        <p data-held-text></p>
                        <p>
                            <button type="button" class="button secondary" data-held-delete>
                                {t(Msg::PwaHeldDelete)}
                            </button>
                        </p>
                    </section>
                }
            })}
        // A live region, not role="status": empty until something is sent.
        <p
            id="outbox-status"
            class="visually-hidden"
            aria-live="polite"
            data-sent-one=PluralText::new(Plural::PwaOutboxSent, use_lang()).one
            data-sent=PluralText::new(Plural::PwaOutboxSent, use_lang()).other
        ></p>
    }
}

/// "Installer på hjemmeskærmen": shown by `app.js` where the browser can
/// install, or with the steps on an iPhone; once dismissed, never again.
#[component]
pub fn InstallHint() -> impl IntoView {
    view! {
        <section class="card install-hint" id="install-hint" aria-labelledby="install-heading" hidden>
            <h2 id="install-heading">{t(Msg::PwaInstallTitle)}</h2>
            <p>{t(Msg::PwaInstallText)}</p>
            <p data-ios-steps hidden>
                {t(Msg::PwaInstallIos)}
            </p>
            <p class="button-row">
                <button type="button" class="button" data-install hidden>
                    {t(Msg::PwaInstallButton)}
                </button>
                <button type="button" class="button secondary" data-dismiss>
                    {t(Msg::PwaInstallDismiss)}
                </button>
            </p>
        </section>
    }
}

/// `/offline`: what the service worker shows for a page it has not kept.
#[component]
pub fn OfflinePage() -> impl IntoView {
    view! {
        <Title text=t(Msg::PwaOfflinePageTitle) />
        <h1>{t(Msg::PwaOfflinePageTitle)}</h1>
        <p>{t(Msg::PwaOfflinePageText)}</p>
        <p>
            <a href="/">{t(Msg::ErrorBackHome)}</a>
        </p>
    }
}

/// The web app manifest, in the person's language.
#[cfg(feature = "ssr")]
pub fn manifest(lang: crate::i18n::Lang) -> serde_json::Value {
    let icon = |size: u32, purpose: &str| {
        serde_json::json!({
            "src": format!("/icons/icon-{}{size}.png", if purpose == "maskable" { "maskable-" } else { "" }),
            "sizes": format!("{size}x{size}"),
            "type": "image/png",
            "purpose": purpose,
        })
    };
    let screenshot = |name: &str, size: &str, form: &str, label: Msg| {
        serde_json::json!({
            "src": format!("/screenshots/{name}.png"),
            "sizes": size,
            "type": "image/png",
            "form_factor": form,
            "label": label.text(lang),
        })
    };
    serde_json::json!({
        "id": "/",
        "name": Msg::AppName.text(lang),
        "short_name": Msg::AppName.text(lang),
        "description": Msg::PwaManifestDescription.text(lang),
        "lang": lang.code(),
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "theme_color": THEME_COLOUR,
        "background_color": BACKGROUND_COLOUR,
        "categories": ["health", "productivity"],
        "icons": [icon(192, "any"), icon(512, "any"), icon(192, "maskable"), icon(512, "maskable")],
        "screenshots": [
            screenshot("overview-phone", "540x1200", "narrow", Msg::PwaScreenshotOverview),
            screenshot("plan-wide", "1280x800", "wide", Msg::PwaScreenshotPlan),
        ],
    })
}

pub const THEME_COLOUR: &str = "#0b5470";
pub const BACKGROUND_COLOUR: &str = "#ffffff";
