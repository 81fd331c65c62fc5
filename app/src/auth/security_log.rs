//! The security event log: one structured line per event an operator must be
//! able to find later (refused access, cross-site refusals, throttled logins,
//! activations, password resets), all under the `security_event` target so a
//! log filter or collector can keep them apart from ordinary logs.
//!
//! What is logged: the kind of event, the role, the route and the kind of
//! object. Never content, names, e-mail addresses or health data; an account
//! is named by an opaque id or, before login, by a short hash of the login
//! name (enough to see many attempts on one account, not who it is).
use crate::model::CurrentUser;
use sha2::{Digest, Sha256};

/// The `tracing` target every security event is written under.
pub const TARGET: &str = "security_event";

/// The route of the request being served, as its template
/// (`/messages/{id}`): the kind of page is what an operator needs, and an id
/// would name a thread or a health concern in the log.
fn route() -> String {
    crate::state::request_parts()
        .and_then(|p| {
            p.extensions
                .get::<axum::extract::MatchedPath>()
                .map(|m| m.as_str().to_string())
        })
        .unwrap_or_default()
}

/// A short, stable stand-in for a login name.
pub fn account_ref(account_key: &str) -> String {
    hex::encode(&Sha256::digest(account_key.as_bytes())[..6])
}

/// Someone was refused something they asked for (answered "not found").
pub fn refused_access(viewer: &CurrentUser, object: &'static str) {
    tracing::warn!(
        target: TARGET,
        event = "access_refused",
        role = viewer.role.as_str(),
        user = %viewer.id,
        route = %route(),
        object,
    );
}

/// A state-changing request started by another site.
pub fn cross_site_refused(method: &str, route: &str) {
    tracing::warn!(target: TARGET, event = "csrf_refused", method, route);
}

pub fn login_failed(account_key: &str, ip: &str) {
    crate::metrics::login_failed();
    tracing::info!(target: TARGET, event = "login_failed", account = %account_ref(account_key), ip);
}

/// `scope` is "account" or "address": which limit was reached.
pub fn login_throttled(account_key: &str, ip: &str, scope: &'static str) {
    crate::metrics::login_throttled(scope);
    tracing::warn!(
        target: TARGET,
        event = "login_throttled",
        scope,
        account = %account_ref(account_key),
        ip,
    );
}

/// `event` names the account event (activation_code_issued, activated,
/// activation_refused, password_reset_started, …); `actor` is who did it.
pub fn account_event(event: &'static str, actor_role: &str, actor_id: &str, user_id: &str) {
    tracing::warn!(target: TARGET, event, actor_role, actor = %actor_id, user = %user_id);
}
