//! What every request handler and server function can reach.
use crate::db::Db;
use crate::error::AppError;
use crate::model::CurrentUser;
use leptos::prelude::*;
use std::sync::Arc;

/// Settings the app needs at run time; the server parses them from its config.
#[derive(Clone, Debug)]
pub struct AppConfig {
    /// `Secure` cookies with the `__Host-` prefix; off only for plain-http localhost.
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

/// The logged-in person, as the session middleware found them.
pub fn current_user() -> Option<CurrentUser> {
    request_parts()?.extensions.get::<CurrentUser>().cloned()
}

pub fn require_user() -> Result<CurrentUser, AppError> {
    current_user().ok_or(AppError::NotLoggedIn)
}
