//! The one error type server functions return to the browser.
//!
//! Its variants are safe to show; causes (SQL, I/O) are logged on the server
//! where the error is made and never travel to the client.
use crate::i18n::Msg;
use serde::{Deserialize, Serialize};
use server_fn_error_impl::*;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Also what you get for things you may not see.
    #[error("not found")]
    NotFound,
    #[error("not logged in")]
    NotLoggedIn,
    #[error("login failed")]
    LoginFailed,
    #[error("too many attempts")]
    RateLimited,
    #[error("activation code invalid")]
    ActivationInvalid,
    /// Bad input: which field, and what to tell the person.
    #[error("invalid {field}")]
    Invalid { field: String, problem: Msg },
    /// A request refused for a reason the person is told, not tied to a field.
    #[error("refused")]
    Refused(Msg),
    #[error("internal error")]
    Internal,
    /// The database cannot be reached (down, full): nothing was saved, and
    /// the person is still logged in.
    #[error("service unavailable")]
    Unavailable,
    #[error("request failed: {0}")]
    Request(String),
}

impl AppError {
    pub fn invalid(field: &str, problem: Msg) -> Self {
        AppError::Invalid {
            field: field.to_string(),
            problem,
        }
    }

    /// What the person is told. The one place errors become words.
    pub fn message(&self) -> Msg {
        match self {
            AppError::NotFound => Msg::ErrorNotFound,
            AppError::NotLoggedIn => Msg::ErrorNotLoggedIn,
            AppError::LoginFailed => Msg::AuthLoginFailed,
            AppError::RateLimited => Msg::AuthRateLimited,
            AppError::ActivationInvalid => Msg::AuthActivationInvalid,
            AppError::Invalid { problem, .. } => *problem,
            AppError::Refused(reason) => *reason,
            AppError::Internal => Msg::ErrorInternal,
            AppError::Unavailable => Msg::ErrorUnavailable,
            AppError::Request(_) => Msg::ErrorNetwork,
        }
    }

    /// The form field the error belongs to, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }
}

mod server_fn_error_impl {
    pub use leptos::server_fn::codec::JsonEncoding;
    pub use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(e) | ServerFnErrorErr::Response(e) => AppError::Request(e),
            _ => AppError::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        // Log the cause; the browser learns only that something went wrong.
        tracing::error!(error = %e, "database error");
        if crate::db::is_unavailable(&e) {
            AppError::Unavailable
        } else {
            AppError::Internal
        }
    }
}
