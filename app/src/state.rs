//! What every request handler and server function can reach.
use crate::db::Db;
use crate::error::AppError;
use crate::model::CurrentUser;
use leptos::prelude::*;
use std::sync::Arc;

/// Settings the app needs at run time; the server parses them from its config.
#[derive(Clone, Debug)]
pub struct AppConfig {
    /// `Secure` cookies with the `__Host-` prefix and HSTS on every request;
    /// off only for plain-http localhost, where a trusted proxy's
    /// `X-Forwarded-Proto: https` still turns them on per request (see [`ClientInfo`]).
    pub secure_cookies: bool,
    /// Sessions end after this long without a request.
    pub session_idle_ms: i64,
    /// Sessions end this long after login, however active.
    pub session_absolute_ms: i64,
    /// How long a citizen's activation code is valid.
    pub activation_ms: i64,
    /// URL of the stylesheet, with its content hash.
    pub stylesheet: String,
    /// The Web Push (VAPID) key, when configured rather than kept in the database.
    pub vapid_private_key: Option<secrecy::SecretString>,
    /// Which push endpoints a browser may register.
    pub push: crate::notifications::endpoint::PushPolicy,
    /// How long a citizen's data and the access log are kept after the course.
    pub retention: crate::retention::RetentionPolicy,
    /// Login through OpenID Connect, and who may use a password.
    pub oidc: crate::auth::oidc::OidcConfig,
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            secure_cookies: true,
            session_idle_ms: 30 * 60 * 1000,
            session_absolute_ms: 12 * 60 * 60 * 1000,
            activation_ms: 14 * 24 * 60 * 60 * 1000,
            stylesheet: "/pkg/mitforlob.css".into(),
            vapid_private_key: None,
            push: Default::default(),
            retention: Default::default(),
            oidc: Default::default(),
        }
    }
}

#[derive(Clone, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub config: Arc<AppConfig>,
}

pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        AppError::Internal
    })
}

/// The request being served (present in SSR and in server functions).
pub fn request_parts() -> Option<http::request::Parts> {
    use_context::<http::request::Parts>()
}

/// Who sent the request being served, as the server's `client_info`
/// middleware worked it out (from the connection, or from a trusted
/// proxy's forwarding headers). One request extension, read by everything
/// that keys on the client's address or needs to know the scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClientInfo {
    /// None when not known (a request that did not come over a connection).
    pub ip: Option<std::net::IpAddr>,
    /// The browser speaks HTTPS to us (directly or through a trusted proxy),
    /// or `MITFORLOB_SECURE_COOKIES` says to treat every request so:
    /// cookies get `Secure` and the `__Host-` name, responses get HSTS.
    pub https: bool,
}

impl ClientInfo {
    /// The client of the request being served; without the middleware (unit
    /// tests), no address and the configured scheme.
    pub fn current(config: &AppConfig) -> ClientInfo {
        match request_parts() {
            Some(p) => ClientInfo::current_of(&p.extensions, config),
            None => ClientInfo::current_of(&http::Extensions::new(), config),
        }
    }

    /// The same, from a request's extensions (for middleware).
    pub fn current_of(extensions: &http::Extensions, config: &AppConfig) -> ClientInfo {
        extensions.get::<ClientInfo>().copied().unwrap_or(ClientInfo {
            ip: None,
            https: config.secure_cookies,
        })
    }
}

/// The logged-in person, as the session middleware found them.
pub fn current_user() -> Option<CurrentUser> {
    request_parts()?.extensions.get::<CurrentUser>().cloned()
}

pub fn require_user() -> Result<CurrentUser, AppError> {
    current_user().ok_or(AppError::NotLoggedIn)
}
