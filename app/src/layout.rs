//! The frame around every page: skip link, header, navigation, footer.
use crate::auth::LogoutForm;
use crate::i18n::{t, tn, use_lang, Lang, Msg, Plural};
use crate::model::{CurrentUser, Role};
use leptos::prelude::*;
use leptos_router::components::A;

/// The person on this page, provided by the shell (server side).
pub fn page_user() -> Option<CurrentUser> {
    use_context::<Option<CurrentUser>>().flatten()
}

#[component]
pub fn Header() -> impl IntoView {
    let user = page_user();
    let staff_links = user
        .as_ref()
        .filter(|u| u.role.is_staff())
        .map(|u| staff_nav(u.role));
    view! {
        <header class="site-header">
            <a class="brand" href="/">
                {t(Msg::AppName)}
            </a>
            {staff_links}
            {user
                .map(|u| {
                    view! {
                        <p class="muted">
                            <span class="visually-hidden">{t(Msg::LayoutLoggedInAs)} " "</span>
                            {u.name.clone()}
                            " · "
                            {t(u.role.label())}
                        </p>
                        <LogoutForm />
                    }
                })}
        </header>
    }
}

fn staff_nav(role: Role) -> impl IntoView {
    let links: Vec<(&'static str, Msg)> = match role {
        Role::Caseworker => vec![("/caseload", Msg::NavCaseload), ("/inbox", Msg::NavInbox)],
        Role::HealthCoordinator => vec![("/requests", Msg::NavRequests)],
        Role::Administrator => vec![("/admin", Msg::NavAdmin)],
        Role::Citizen => vec![],
    };
    view! {
        <nav class="staff-nav" aria-label=t(Msg::NavStaffLabel)>
            <ul>
                {links
                    .into_iter()
                    .map(|(href, label)| {
                        view! {
                            <li>
                                <A href=href>{t(label)}</A>
                            </li>
                        }
                    })
                    .collect_view()} <li>
                    <A href="/me">{t(Msg::NavMe)}</A>
                </li>
            </ul>
        </nav>
    }
}

/// The citizen's five main places, at the bottom of a phone screen. The
/// place the page belongs to is marked, on its sub-pages too (an activity
/// is in "Plan"), and "Beskeder" carries the number of unread messages.
#[component]
pub fn CitizenNav() -> impl IntoView {
    let path = leptos_router::hooks::use_location().pathname.get_untracked();
    let here = section_of(&path);
    let unread = page_user().map_or(0, |u| u.unread_messages);
    let items = [
        ("/", Msg::NavOverview, ICON_HOME),
        ("/plan", Msg::NavPlan, ICON_PLAN),
        ("/wellbeing", Msg::NavWellbeing, ICON_HEART),
        ("/messages", Msg::NavMessages, ICON_MESSAGE),
        ("/me", Msg::NavMe, ICON_PERSON),
    ];
    view! {
        <nav class="bottom-nav" aria-label=t(Msg::NavMainLabel)>
            <ul>
                {items
                    .into_iter()
                    .map(|(href, label, icon)| {
                        let current = (here == Some(href))
                            .then(|| if path == href { "page" } else { "true" });
                        let badge = (href == "/messages" && unread > 0 && here != Some(href))
                            .then(|| {
                                // The page itself is "page"; a page inside the section is "true".
                                // Not in the messages section itself: its list shows each unread thread.
                                view! {
                                    <span class="badge">
                                        <span aria-hidden="true">{unread}</span>
                                        <span class="visually-hidden">
                                            ", " {tn(Plural::NavUnread, unread)}
                                        </span>
                                    </span>
                                }
                            });
                        view! {
                            <li>
                                <a href=href aria-current=current>
                                    <span class="icon" aria-hidden="true">
                                        <svg viewBox="0 0 24 24" width="24" height="24" focusable="false">
                                            <path
                                                d=icon
                                                fill="none"
                                                stroke="currentColor"
                                                stroke-width="2"
                                                stroke-linecap="round"
                                                stroke-linejoin="round"
                                            />
                                        </svg>
                                    </span>
                                    <span class="label">{t(label)}</span>
                                    {badge}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}

/// Which of the citizen's five places a path belongs to.
pub fn section_of(path: &str) -> Option<&'static str> {
    let first = path.trim_start_matches('/').split('/').next().unwrap_or_default();
    match first {
        "" | "concerns" => Some("/"),
        "plan" | "activities" => Some("/plan"),
        "wellbeing" => Some("/wellbeing"),
        "messages" => Some("/messages"),
        "me" => Some("/me"),
        _ => None,
    }
}

const ICON_HOME: &str = "M3 11l9-8 9 8M5 10v10h5v-6h4v6h5V10";
const ICON_PLAN: &str = "M8 6h12M8 12h12M8 18h12M4 6h.01M4 12h.01M4 18h.01";
const ICON_HEART: &str = "M12 20s-7-4.5-9-9a5 5 0 0 1 9-3 5 5 0 0 1 9 3c-2 4.5-9 9-9 9z";
const ICON_MESSAGE: &str = "M4 5h16v11H8l-4 4z";
const ICON_PERSON: &str = "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zM4 21a8 8 0 0 1 16 0";

#[component]
pub fn Footer() -> impl IntoView {
    let lang = use_lang();
    view! {
        <footer class="site-footer">
            <ul>
                <li>
                    <a href="/accessibility">{t(Msg::FooterAccessibility)}</a>
                </li>
                <li>
                    <a href="/privacy">{t(Msg::FooterPrivacy)}</a>
                </li>
                <li>
                    <a href="/contact">{t(Msg::FooterContact)}</a>
                </li>
            </ul>
            <form method="post" action="/api/language" novalidate class="lang-form">
                <label for="lang-select">{t(Msg::FooterLanguage)}</label>
                <select id="lang-select" name="lang">
                    <option value="da" selected=lang == Lang::Da lang="da">
                        {t(Msg::FooterLanguageDa)}
                    </option>
                    <option value="en" selected=lang == Lang::En lang="en">
                        {t(Msg::FooterLanguageEn)}
                    </option>
                </select>
                <button type="submit" class="button secondary">
                    {t(Msg::FooterLanguageButton)}
                </button>
            </form>
        </footer>
    }
}

/// The idle-session warning for someone logged in: hidden, translated
/// markup with the idle time, which `public/app.js` shows (as a modal
/// dialog, so it is seen and takes focus) before the session ends, and
/// again when it has ended. What was typed is then kept in this browser
/// and put back after logging in (`#session-restored` says so).
/// Without JavaScript nothing shows; the session ends as before.
#[component]
pub fn SessionWarning() -> impl IntoView {
    page_user()?;
    #[allow(unused_mut)]
    let mut idle_ms = 30 * 60 * 1000;
    #[cfg(feature = "ssr")]
    if let Ok(state) = crate::state::app_state() {
        idle_ms = state.config.session_idle_ms;
    }
    Some(view! {
        <dialog
            class="session-dialog"
            id="session-warning"
            role="alertdialog"
            aria-labelledby="session-warning-title"
            aria-describedby="session-warning-text"
            data-idle-ms=idle_ms
            data-warn-ms=WARN_BEFORE_MS
        >
            <p class="dialog-title" id="session-warning-title">
                {t(Msg::SessionWarningTitle)}
            </p>
            <p id="session-warning-text">{t(Msg::SessionWarningText)}</p>
            <button type="button" class="button" data-session-stay>
                {t(Msg::SessionStay)}
            </button>
        </dialog>
        <dialog
            class="session-dialog"
            id="session-ended"
            role="alertdialog"
            aria-labelledby="session-ended-title"
            aria-describedby="session-ended-text"
        >
            <p class="dialog-title" id="session-ended-title">
                {t(Msg::SessionEndedTitle)}
            </p>
            <p id="session-ended-text">{t(Msg::SessionEndedText)}</p>
            <a class="button" href="/login">
                {t(Msg::SessionLogInAgain)}
            </a>
        </dialog>
        <p class="alert alert-info" id="session-restored" role="status" tabindex="-1" hidden>
            {t(Msg::SessionRestored)}
        </p>
        <p
            class="visually-hidden"
            id="session-status"
            aria-live="polite"
            data-extended=t(Msg::SessionExtended)
        ></p>
    })
}

/// How long before the session's end the warning shows: two minutes (the
/// words say so), plus the minute the server may have left unrecorded (it
/// notes activity at most once a minute), so the two minutes always hold.
pub const WARN_BEFORE_MS: i64 = 2 * 60 * 1000 + 60 * 1000;

#[cfg(all(test, feature = "ssr"))]
#[test]
fn the_warning_allows_for_the_minute_the_server_may_not_have_noted() {
    assert_eq!(
        WARN_BEFORE_MS,
        2 * 60 * 1000 + crate::auth::session::TOUCH_EVERY_MS
    );
}

/// A data table in a wrapper that scrolls by itself on narrow screens; the
/// wrapper is a named, focusable region so keyboard users can scroll it too.
#[component]
pub fn DataTable(
    caption: &'static str,
    id: &'static str,
    /// Rows are records: on a phone each row is shown as a card, and each
    /// `<td>` needs a `data-label` with its column's name.
    #[prop(optional)]
    cards: bool,
    children: Children,
) -> impl IntoView {
    let caption_id = format!("{id}-caption");
    let labelled_by = caption_id.clone();
    let class = if cards { "data-table cards" } else { "data-table" };
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-labelledby=labelled_by>
            <table class=class>
                <caption id=caption_id>{caption}</caption>
                {children()}
            </table>
        </div>
    }
}

/// The page's title: the one way a page sets it (a test refuses
/// `leptos_meta::Title` anywhere else). leptos_meta writes the title into
/// the HTML as it is, so a subject or name with `</title>` in it would
/// become markup; the text is escaped here.
#[component]
pub fn Title(#[prop(into)] text: String) -> impl IntoView {
    view! { <leptos_meta::Title text=crate::forms::raw_text(&text) /> }
}

/// Every title ends with the app's name.
#[component]
pub fn TitleSuffix() -> impl IntoView {
    let app_name = t(Msg::AppName);
    view! { <leptos_meta::Title formatter=move |title: String| format!("{title} · {app_name}") /> }
}

/// Shown where something does not exist or may not be seen.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(res) = use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text=t(Msg::ErrorNotFoundTitle) />
        <h1>{t(Msg::ErrorNotFoundTitle)}</h1>
        <p>{t(Msg::ErrorNotFound)}</p>
        <p>
            <a href="/">{t(Msg::ErrorBackHome)}</a>
        </p>
    }
}

/// Waits (on the server) for a server function's result, then shows it with
/// `children`, or shows the error in the one common way.
#[component]
pub fn Loaded<T, Fut, F, V>(future: Fut, children: F) -> impl IntoView
where
    T: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
    Fut: std::future::Future<Output = Result<T, crate::error::AppError>> + Send + 'static,
    F: FnOnce(T) -> V + Send + 'static,
    V: IntoView + 'static,
{
    view! {
        <Await future=future let:result>
            {match result.clone() {
                Ok(data) => children(data).into_any(),
                Err(error) => view! { <ErrorBox error=error /> }.into_any(),
            }}
        </Await>
    }
}

/// A server function's error, as a page section.
#[component]
pub fn ErrorBox(error: crate::error::AppError) -> impl IntoView {
    if error == crate::error::AppError::NotFound {
        return view! { <NotFound /> }.into_any();
    }
    view! {
        <div class="alert alert-error" role="alert">
            <p>
                <strong>{t(Msg::FormErrorLead)}</strong>
                " "
                {t(error.message())}
            </p>
        </div>
    }
    .into_any()
}
