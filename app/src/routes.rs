//! The HTML shell and the route table.
use crate::auth::{ActivatePage, LoginPage};
use crate::i18n::{t, Lang, Msg};
use crate::layout::{page_user, CitizenNav, Footer, Header, NotFound, SessionWarning, Title, TitleSuffix};
use crate::model::{CurrentUser, Role};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::{
    components::{Redirect, Route, Router, Routes},
    path, SsrMode,
};

/// The whole document. Runs on the server once per request.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[allow(unused_mut)]
    let mut lang = Lang::default();
    #[allow(unused_mut)]
    let mut user: Option<CurrentUser> = None;
    #[allow(unused_mut)]
    let mut text_size = crate::model::TextSize::default();
    #[allow(unused_mut)]
    let mut stylesheet = String::from("/pkg/mitforlob.css");
    #[cfg(feature = "ssr")]
    {
        if let Some(parts) = crate::state::request_parts() {
            lang = parts.extensions.get::<Lang>().copied().unwrap_or_default();
            user = parts.extensions.get::<CurrentUser>().cloned();
            text_size = parts
                .extensions
                .get::<crate::model::TextSize>()
                .copied()
                .unwrap_or_default();
        }
        if let Ok(state) = crate::state::app_state() {
            stylesheet = state.config.stylesheet.clone();
        }
        set_security_headers();
    }
    provide_context(lang);
    provide_context(user.clone());
    crate::islands::provide();
    let body_class = match &user {
        Some(u) if u.role == Role::Citizen => "role-citizen",
        Some(_) => "role-staff",
        None => "role-guest",
    };
    view! {
        <!DOCTYPE html>
        <html lang=lang.code() class=text_size.html_class()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="theme-color" content=crate::pwa::THEME_COLOUR />
                <link rel="stylesheet" href=stylesheet />
                <link rel="icon" href=crate::pwa::scripts::FAVICON type="image/svg+xml" />
                <crate::pwa::PwaHead />
                <MetaTags />
            </head>
            <body class=body_class>
                <App />
                // The WebAssembly, only where an island is (see `islands`).
                <crate::islands::IslandScripts options />
            </body>
        </html>
    }
}

/// The page's content security policy, with this response's script nonce.
#[cfg(feature = "ssr")]
fn set_security_headers() {
    use http::header::{HeaderValue, CONTENT_SECURITY_POLICY};
    let nonce = leptos::nonce::use_nonce()
        .map(|n| n.to_string())
        .unwrap_or_default();
    // A login or logout form is answered with a redirect to the identity
    // provider, which `form-action` must allow.
    let providers = crate::state::app_state()
        .map(|s| s.config.oidc.form_action_origins())
        .unwrap_or_default();
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         manifest-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'{providers}; frame-ancestors 'none'"
    );
    if let (Some(res), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        HeaderValue::from_str(&csp),
    ) {
        res.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}

/// Every route renders in order (`SsrMode::Async`): a page is sent whole,
/// and `islands::IslandScripts` at its end knows whether an island was on it.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let is_citizen = page_user().is_some_and(|u| u.role == Role::Citizen);
    view! {
        <TitleSuffix />
        <Router>
            <a class="skip-link" href="#main">
                {t(Msg::LayoutSkipLink)}
            </a>
            <Header />
            {is_citizen.then(|| view! { <CitizenNav /> })}
            <main id="main" class="page" tabindex="-1">
                <crate::pwa::AppNotices />
                <SessionWarning />
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route
                        path=path!("/login")
                        view=|| {
                            view! {
                                <Title text=t(Msg::AuthLoginTitle) />
                                <LoginPage />
                            }
                        }
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/activate")
                        view=|| {
                            view! {
                                <Title text=t(Msg::AuthActivateTitle) />
                                <ActivatePage />
                            }
                        }
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/reset")
                        view=|| {
                            view! {
                                <Title text=t(Msg::ResetTitle) />
                                <crate::auth::recovery::ResetPage />
                            }
                        }
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/plan")
                        view=|| guarded(&[Role::Citizen], crate::plan::PlanPage)
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/plan/print")
                        view=|| guarded(&[Role::Citizen], crate::plan::PrintPlanPage)
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/activities/:id")
                        view=|| guarded(&[Role::Citizen, Role::Caseworker], crate::plan::ActivityPage)
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/wellbeing/who5")
                        view=|| guarded(&[Role::Citizen], crate::wellbeing::who5::Who5QuestionnairePage)
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/wellbeing")
                        view=|| guarded(&[Role::Citizen], crate::wellbeing::WellbeingPage)
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/messages")
                        view=|| guarded(&[Role::Citizen], crate::messages::MessagesPage)
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/messages/new")
                        view=|| guarded(&[Role::Citizen, Role::Caseworker], crate::messages::NewThreadPage)
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/messages/:id")
                        view=|| guarded(&[Role::Citizen, Role::Caseworker], crate::messages::ThreadPage)
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/inbox")
                        view=|| guarded(&[Role::Caseworker], crate::messages::InboxPage)
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/me")
                        view=|| guarded(&Role::ALL, crate::me::MePage)
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/me/data")
                        view=|| guarded(&[Role::Citizen], crate::me::export::DataPage)
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/caseload")
                        view=|| guarded(&[Role::Caseworker], crate::caseload::CaseloadPage)
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/caseload/citizens/:id")
                        view=|| guarded(&[Role::Caseworker], crate::caseload::CitizenPage)
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/caseload/citizens/:id/course")
                        view=|| guarded(&[Role::Caseworker], crate::plan::edit::CourseEditPage)
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/caseload/citizens/:id/goals/:goal")
                        view=|| guarded(&[Role::Caseworker], crate::plan::edit::GoalEditPage)
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/caseload/citizens/:id/activities/:activity")
                        view=|| guarded(&[Role::Caseworker], crate::plan::edit::ActivityEditPage)
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/concerns")
                        view=|| guarded(&[Role::Citizen], crate::concerns::ConcernsPage)
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/concerns/new")
                        view=|| guarded(&[Role::Citizen], crate::concerns::NewConcernPage)
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/concerns/:id")
                        view=|| guarded(&[Role::Citizen], crate::concerns::ConcernPage)
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/requests/:id")
                        view=|| guarded(&[Role::HealthCoordinator], crate::concerns::RequestPage)
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/requests")
                        view=|| guarded(&[Role::HealthCoordinator], crate::concerns::QueuePage)
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/admin")
                        view=|| guarded(&[Role::Administrator], crate::admin::AdminPage)
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/accessibility")
                        view=crate::info::AccessibilityPage
                        ssr=SsrMode::Async
                    />
                    <Route path=path!("/privacy") view=crate::info::PrivacyPage ssr=SsrMode::Async />
                    <Route path=path!("/contact") view=crate::info::ContactPage ssr=SsrMode::Async />
                    <Route path=path!("/offline") view=crate::pwa::OfflinePage ssr=SsrMode::Async />
                </Routes>
            </main>
            <Footer />
        </Router>
    }
}

/// Shows `page` to the given roles; others see "not found", and someone not
/// logged in is sent to the login page.
fn guarded<V: IntoView + 'static>(roles: &'static [Role], page: fn() -> V) -> AnyView {
    match page_user() {
        None => view! { <Redirect path="/login" /> }.into_any(),
        Some(u) if roles.contains(&u.role) => page().into_any(),
        Some(_u) => {
            #[cfg(feature = "ssr")]
            crate::auth::security_log::refused_access(&_u, "page");
            view! { <NotFound /> }.into_any()
        }
    }
}

/// `/`: the citizen's overview; staff are sent on to their own start page.
#[component]
fn HomePage() -> impl IntoView {
    match page_user() {
        None => view! { <Redirect path="/login" /> }.into_any(),
        Some(u) if u.role == Role::Citizen => view! { <crate::plan::OverviewPage /> }.into_any(),
        Some(u) => view! { <Redirect path=u.role.home() /> }.into_any(),
    }
}
