//! Logging in and out, activation of citizen accounts, language choice.
//!
//! The seam for federated login (MitID through NemLog-in): any authenticator
//! ends by calling `start_session(user_id)`. Local passwords are one such
//! authenticator; an OpenID Connect callback that maps its subject through
//! `user_identities` would be another, and no feature needs to change.
use crate::error::AppError;
use crate::forms::{FormStatus, TextField};
use crate::i18n::{t, Msg};
use leptos::prelude::*;
use password_fields::{NewPasswordFields, PasswordTexts};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod activation;
#[cfg(feature = "ssr")]
pub mod oidc;
#[cfg(feature = "ssr")]
pub mod password;
pub mod password_fields;
#[cfg(feature = "ssr")]
pub mod policy;
#[cfg(feature = "ssr")]
pub mod rate_limit;
pub mod recovery;
#[cfg(feature = "ssr")]
pub mod reset;
#[cfg(feature = "ssr")]
pub mod security_log;
#[cfg(feature = "ssr")]
pub mod session;
#[cfg(all(test, feature = "ssr"))]
mod tests;

/// A one-time message carried to the next page in the session.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Flash {
    ActivationCode {
        citizen_id: String,
        code: String,
        expires: String,
    },
    /// A password reset code just made (for a citizen's id, or for the
    /// administrator: the citizen's name), shown once.
    ResetCode {
        for_id: String,
        code: String,
        expires: String,
    },
    /// A calendar feed address just made: shown once, never stored.
    CalendarFeed { url: String },
    /// What someone typed into a form the server refused, so it comes back filled in.
    Draft {
        form: String,
        values: Vec<(String, String)>,
    },
}

/// Longest accepted password; argon2 does not need more, and it bounds the work.
pub const PASSWORD_MAX: usize = 128;
pub const PASSWORD_MIN: usize = 10;

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::db::Db;
    use crate::forms::set_header;
    use crate::state::{app_state, AppConfig, ClientInfo};
    use http::header::SET_COOKIE;

    /// The client's address for login throttling: the connection's, or
    /// what a trusted proxy forwarded (see `ClientInfo`).
    pub fn client_ip(config: &AppConfig) -> String {
        ClientInfo::current(config)
            .ip
            .map_or_else(|| "unknown".into(), |ip| ip.to_string())
    }

    /// Verifies a local password. Unknown accounts are checked against a dummy
    /// hash and fail with the same message, so nothing tells them apart.
    pub async fn login_with_password(
        db: &Db,
        email: &str,
        password: String,
        ip: &str,
    ) -> Result<String, AppError> {
        use secrecy::SecretString;
        #[derive(sqlx::FromRow)]
        struct CandidateRow {
            id: String,
            password_hash: Option<String>,
        }
        let account = email.trim().to_lowercase();
        // Reserved before the password is looked at: see `rate_limit`.
        let attempt = rate_limit::reserve(db, &account, ip).await?;
        // No password is longer than we allow to set; don't spend argon2 on it.
        if password.chars().count() > PASSWORD_MAX {
            security_log::login_failed(&account, ip);
            return Err(AppError::LoginFailed);
        }
        // The address's own account, and any invited account whose address
        // was already in use (see `caseload::data::invite`): each is checked,
        // and never fewer than two checks, run side by side, so that the time
        // taken does not tell whether a second account shares the address.
        let candidates = sqlx::query_as::<_, CandidateRow>(
            "SELECT id, password_hash FROM users \
             WHERE (email = $1 OR pending_email = $1) AND disabled_at IS NULL \
             ORDER BY created_at LIMIT 8",
        )
        .bind(&account)
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|r| (Some(r.id), r.password_hash))
        .collect::<Vec<_>>();
        let padded = (candidates.len()..2).map(|_| (None, None));
        let checks = candidates.into_iter().chain(padded).map(|(id, stored)| {
            let check = password::verify_password(stored, SecretString::from(password.clone()));
            async move { check.await.map(|ok| if ok { id } else { None }) }
        });
        let mut user_id = None;
        for checked in futures_util::future::join_all(checks).await {
            let checked = checked.map_err(|e| {
                tracing::error!(error = %e, "password check failed");
                AppError::Internal
            })?;
            user_id = user_id.or(checked);
        }
        let ok = user_id.is_some();
        match (ok, user_id) {
            (true, Some(id)) => {
                rate_limit::succeeded(db, attempt).await?;
                Ok(id)
            }
            _ => {
                security_log::login_failed(&account, ip);
                Err(AppError::LoginFailed)
            }
        }
    }

    /// Starts a session for `user_id` and sets its cookie: the end of every login.
    pub async fn start_session(user_id: &str) -> Result<(), AppError> {
        let state = app_state()?;
        // A session that was open in this browser ends: a new login, a new id.
        if let Some(old) = crate::state::current_user() {
            session::end(&state.db, &old.session_key).await?;
        }
        let token = session::create(&state.db, &state.config, user_id).await?;
        let https = ClientInfo::current(&state.config).https;
        set_header(SET_COOKIE, &session::set_cookie(&state.config, https, &token));
        Ok(())
    }
}
#[cfg(feature = "ssr")]
use crate::forms::set_header;
#[cfg(feature = "ssr")]
pub use server::login_with_password;

crate::form! {
    /// The password login.
    pub struct LoginForm {
        pub email: String,
        pub password: crate::forms::Password,
    }
}

crate::form! {
    /// Activation with the code from the caseworker, choosing a password.
    pub struct ActivateForm {
        pub code: String,
        pub password: crate::forms::Password,
        pub password_repeat: crate::forms::Password,
    }
}

#[server(endpoint = "login")]
pub async fn login(#[server(flatten)] form: LoginForm) -> Result<(), AppError> {
    use crate::state::app_state;
    let state = app_state()?;
    let ip = server::client_ip(&state.config);
    let (email, password) = (form.email.clone(), form.password.clone());
    // An empty field is named, in the app's words, before any password check.
    let checked = if email.trim().is_empty() {
        Err(AppError::invalid("email", Msg::AuthEmailMissing))
    } else if password.is_empty() {
        Err(AppError::invalid("password", Msg::AuthPasswordMissing))
    } else {
        server::login_with_password(&state.db, &email, password.reveal(), &ip).await
    };
    // Where passwords are switched off for the account's role, a right
    // password still does not log in (`MITFORLOB_PASSWORD_LOGIN`).
    let checked = match checked {
        Ok(user_id) if !password_allowed(&state, &user_id).await? => {
            Err(AppError::Refused(Msg::AuthPasswordLoginOff))
        }
        other => other,
    };
    match checked {
        Ok(user_id) => {
            server::start_session(&user_id).await?;
            // A password reset started since the last login is told first.
            if reset::tell_citizen(&state.db, &user_id).await? {
                crate::forms::succeed("/me", Msg::AuthResetNotice, None);
            } else {
                // The home page sends each role on to its own start page.
                leptos_axum::redirect("/");
            }
            Ok(())
        }
        // The address comes back; the password field is left empty (by its type).
        Err(e) => crate::forms::fail_keeping_anonymous("/login", e, "login", &form).await,
    }
}

/// Whether the account may log in with a password (see `oidc::PasswordLogin`).
#[cfg(feature = "ssr")]
async fn password_allowed(state: &crate::state::AppState, user_id: &str) -> Result<bool, AppError> {
    let role: String = sqlx::query_scalar("SELECT role FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(state.db.pool())
        .await?;
    let role = crate::model::Role::parse(&role).ok_or(AppError::Internal)?;
    Ok(state.config.oidc.password_login.allows(role))
}

#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::state::{app_state, current_user};
    let state = app_state()?;
    let back_to = format!("/login?notice={}", Msg::AuthLoggedOut.key());
    let back = back_to.as_str();
    let mut provider_logout = None;
    if let Some(user) = current_user() {
        let login = oidc::session_login(&state.db, &user.session_key).await?;
        session::end(&state.db, &user.session_key).await?;
        // Logged in through a provider: its session ends too, where it offers that.
        if let Some((kind, id_token)) = login {
            provider_logout = oidc::logout_url(&state.config.oidc, kind, &id_token, back).await;
        }
    }
    let https = crate::state::ClientInfo::current(&state.config).https;
    set_header(http::header::SET_COOKIE, &session::clear_cookie(https));
    crate::input::redirect(provider_logout.as_deref().unwrap_or(back));
    Ok(())
}

/// Keeps the session alive ("Bliv logget ind" in the idle warning, sent by
/// `public/app.js`): any request with a live session refreshes it; without
/// one this answers "not logged in", and the page knows the session ended.
#[server(endpoint = "keep-alive")]
pub async fn keep_alive() -> Result<(), AppError> {
    crate::state::require_user().map(|_| ())
}

#[server(endpoint = "logout-everywhere")]
pub async fn logout_everywhere() -> Result<(), AppError> {
    use crate::state::{app_state, require_user};
    let state = app_state()?;
    let user = require_user()?;
    session::end_all(&state.db, &user.id).await?;
    let https = crate::state::ClientInfo::current(&state.config).https;
    set_header(http::header::SET_COOKIE, &session::clear_cookie(https));
    crate::forms::succeed("/login", Msg::AuthLoggedOutEverywhere, None);
    Ok(())
}

#[server(endpoint = "activate")]
pub async fn activate(#[server(flatten)] form: ActivateForm) -> Result<(), AppError> {
    use crate::state::app_state;
    let state = app_state()?;
    if !state.config.oidc.password_login.citizens {
        return crate::forms::fail_keeping_anonymous(
            "/activate",
            AppError::Refused(Msg::AuthPasswordLoginOff),
            "activate",
            &form,
        )
        .await;
    }
    let ip = server::client_ip(&state.config);
    let (password, repeat) = (
        form.password.clone().reveal(),
        form.password_repeat.clone().reveal(),
    );
    match activation::redeem_throttled(&state.db, &form.code, password, repeat, &ip).await {
        Ok(user_id) => {
            security_log::account_event("activated", "account", &user_id, &user_id);
            // Just chose the password: logged in, not asked to type it again.
            server::start_session(&user_id).await?;
            crate::forms::succeed("/", Msg::AuthActivatedIn, None);
            Ok(())
        }
        // The code comes back; the passwords are typed again.
        Err(e) => crate::forms::fail_keeping_anonymous("/activate", e, "activate", &form).await,
    }
}

#[server(endpoint = "language")]
pub async fn set_language(lang: String) -> Result<(), AppError> {
    use crate::i18n::Lang;
    use crate::state::{app_state, current_user};
    let Some(lang) = Lang::parse(&lang) else {
        return Err(AppError::invalid("lang", Msg::ErrorInvalidChoice));
    };
    let state = app_state()?;
    if let Some(user) = current_user() {
        sqlx::query("UPDATE users SET language = $1 WHERE id = $2")
            .bind(lang.code())
            .bind(&user.id)
            .execute(state.db.pool())
            .await?;
    }
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    set_header(
        http::header::SET_COOKIE,
        &format!(
            "lang={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
            lang.code()
        ),
    );
    // With no Location set, a form post goes back to the page it came from.
    Ok(())
}

/// The ways in this server offers (see `oidc::OidcConfig`).
#[derive(Clone, Copy, Debug)]
struct WaysIn {
    mitid: bool,
    staff_login: bool,
    citizen_password: bool,
    staff_password: bool,
}

fn ways_in() -> WaysIn {
    #[cfg(feature = "ssr")]
    if let Ok(state) = crate::state::app_state() {
        let oidc = &state.config.oidc;
        return WaysIn {
            mitid: oidc.citizen.is_some(),
            staff_login: oidc.staff.is_some(),
            citizen_password: oidc.password_login.citizens,
            staff_password: oidc.password_login.staff,
        };
    }
    WaysIn {
        mitid: false,
        staff_login: false,
        citizen_password: true,
        staff_password: true,
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    provide_context(crate::forms::anonymous_draft("login").unwrap_or_default());
    let ways = ways_in();
    let password = ways.citizen_password || ways.staff_password;
    view! {
        <div class="login-page stack">
            <h1>{t(Msg::AuthLoginTitle)}</h1>
            <p>{t(Msg::AuthLoginIntro)}</p>
            <FormStatus />
            {ways
                .mitid
                .then(|| {
                    view! {
                        <form method="post" action="/auth/oidc/citizen" novalidate>
                            <button type="submit" class="button">
                                {t(Msg::AuthMitidButton)}
                            </button>
                        </form>
                    }
                        .into_any()
                })}
            {password
                .then(|| {
                    view! {
                        {(ways.mitid || ways.staff_login).then(|| view! { <p>{t(Msg::AuthOrPassword)}</p> })}
                        {(ways.mitid && !ways.citizen_password)
                            .then(|| view! { <p class="muted">{t(Msg::AuthCitizensUseMitid)}</p> })}
                        <form method="post" action="/api/login" class="stack" novalidate>
                            <TextField
                                name="email"
                                label=Msg::AuthEmail
                                kind="email"
                                autocomplete="username"
                                required=true
                                maxlength=254
                            />
                            <TextField
                                name="password"
                                label=Msg::AuthPassword
                                kind="password"
                                autocomplete="current-password"
                                required=true
                            />
                            <button type="submit" class="button">
                                {t(Msg::AuthLoginButton)}
                            </button>
                        </form>
                    }
                        .into_any()
                })}
            {ways
                .staff_login
                .then(|| {
                    view! {
                        <form method="post" action="/auth/oidc/staff" novalidate>
                            <button type="submit" class="button secondary">
                                {t(Msg::AuthStaffSsoButton)}
                            </button>
                        </form>
                    }
                        .into_any()
                })}
            <p>
                <a href="/activate">{t(Msg::AuthActivateLink)}</a>
            </p>
            {password
                .then(|| {
                    view! {
                        <p>
                            <a href="/reset">{t(Msg::ResetLink)}</a>
                        </p>
                    }
                })}
            {(!ways.mitid).then(|| view! { <p class="muted">{t(Msg::AuthMitidLater)}</p> })}
        </div>
    }
}

fn password_texts() -> PasswordTexts {
    let error = crate::forms::query_error();
    PasswordTexts {
        password: t(Msg::AuthNewPassword).into(),
        repeat: t(Msg::AuthRepeatPassword).into(),
        rules: t(Msg::AuthPasswordRules).into(),
        count: crate::i18n::PluralText::new(crate::i18n::Plural::AuthLiveCount, crate::i18n::use_lang()),
        length_ok: t(Msg::AuthLiveLengthOk).into(),
        matching: t(Msg::AuthLiveMatch).into(),
        mismatch: t(Msg::AuthLiveMismatch).into(),
        error_field: error.as_ref().and_then(|(_, f)| f.clone()),
        error: error.map(|(m, _)| t(m).to_string()),
    }
}

#[component]
pub fn ActivatePage() -> impl IntoView {
    provide_context(crate::forms::anonymous_draft("activate").unwrap_or_default());
    // The link in the letter brings the code along.
    let code = leptos_router::hooks::use_query_map()
        .get_untracked()
        .get("code")
        .filter(|c| {
            !c.is_empty() && c.len() <= 64 && c.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    let ways = ways_in();
    let intro = if ways.mitid {
        Msg::AuthActivateMitidIntro
    } else {
        Msg::AuthActivateIntro
    };
    view! {
        <div class="login-page stack">
            <h1>{t(Msg::AuthActivateTitle)}</h1>
            <p>{t(intro)}</p>
            <FormStatus />
            // One code field for both ways; the first button (also Enter) is MitID where offered.
            <form method="post" action="/api/activate" class="stack" novalidate>
                <TextField
                    name="code"
                    label=Msg::AuthActivationCode
                    autocomplete="one-time-code"
                    required=true
                    hint=Msg::AuthActivationCodeHint
                    value=code.unwrap_or_default()
                />
                {ways
                    .mitid
                    .then(|| {
                        view! {
                            <button type="submit" class="button" formaction="/auth/oidc/citizen">
                                {t(Msg::AuthActivateMitidButton)}
                            </button>
                        }
                            .into_any()
                    })}
                {ways
                    .citizen_password
                    .then(|| {
                        view! {
                            {ways.mitid.then(|| view! { <p>{t(Msg::AuthActivatePasswordInstead)}</p> })}
                            <NewPasswordFields texts=password_texts() min=PASSWORD_MIN />
                            <button type="submit" class="button">
                                {t(Msg::AuthActivateButton)}
                            </button>
                        }
                            .into_any()
                    })}
            </form>
        </div>
    }
}

/// An activation code in its groups: a line breaks only between groups,
/// never inside one (see `.code-group`), so what is read is what is typed.
#[component]
pub fn CodeGroups(code: String) -> impl IntoView {
    let groups: Vec<String> = code.split('-').map(str::to_string).collect();
    let last = groups.len().saturating_sub(1);
    view! {
        <span class="code-groups">
            {groups
                .into_iter()
                .enumerate()
                .map(|(i, g)| {
                    view! {
                        <span class="code-group">{g}</span>
                        {(i < last)
                            .then(|| {
                                view! {
                                    "-"
                                    <wbr />
                                }
                            })}
                    }
                })
                .collect_view()}
        </span>
    }
}

/// The log-out button in the header (a POST form: no state change by GET).
#[component]
pub fn LogoutForm() -> impl IntoView {
    view! {
        // `data-logout`: app.js clears this person's offline data first.
        <form
            method="post"
            action="/api/logout"
            novalidate
            class="inline-form"
            data-logout
            data-warn-queue=t(Msg::PwaLogoutWarnQueue)
        >
            <button type="submit" class="link-button">
                {t(Msg::AuthLogout)}
            </button>
        </form>
    }
}
