//! What a send from the outgoing queue (`public/outbox.js`) is answered.
//!
//! The queue marks its requests with `X-Outbox: 1` and names the item's owner
//! in `X-Offline-Key`. It takes an item as sent only when the answer carries
//! `X-Outbox-Confirmed` with the item's form key, which is set only after
//! the write returned Ok (a key already stored is confirmed again: it is
//! stored). Never from a bare 200 or a redirect it happened to follow.
//!
//! Other answers, by status, each with `X-Outbox` saying which:
//! - 401 `login`: no session; kept until the person logs in again.
//! - 409 `not-owner`: the session is someone else's; kept, nothing stored,
//!   not tried again with this session.
//! - 422 `refused`: a refusal tied to a field, which the person can act on;
//!   the page puts the text back in the form.
//!
//! Anything else (a server error, a timeout) keeps the item queued.
use super::scripts::{QUEUE_LOGIN, QUEUE_NOT_OWNER, QUEUE_REFUSED};
use crate::error::AppError;
use crate::state::{current_user, request_parts};
use http::{HeaderName, HeaderValue, StatusCode};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

pub const QUEUED: HeaderName = HeaderName::from_static("x-outbox");
/// The same name the pages carry a citizen's key in.
pub const OWNER: HeaderName = super::OFFLINE_KEY;
pub const CONFIRMED: HeaderName = HeaderName::from_static("x-outbox-confirmed");

/// Whether this request came from the outgoing queue.
fn queued() -> bool {
    request_parts().is_some_and(|p| p.headers.contains_key(QUEUED))
}

fn answer(status: StatusCode, what: &'static str) {
    if let Some(res) = use_context::<ResponseOptions>() {
        res.set_status(status);
        res.insert_header(QUEUED, HeaderValue::from_static(what));
    }
}

/// The first step of every server function the queue sends to: a queued item
/// is stored only for the person who wrote it. A plain form post passes.
pub fn check_sender() -> Result<(), AppError> {
    let Some(parts) = request_parts().filter(|p| p.headers.contains_key(QUEUED)) else {
        return Ok(());
    };
    let Some(user) = current_user() else {
        answer(StatusCode::UNAUTHORIZED, QUEUE_LOGIN);
        return Err(AppError::NotLoggedIn);
    };
    let owner = parts.headers.get(OWNER).and_then(|v| v.to_str().ok());
    if owner == Some(super::offline_key(&user.id).as_str()) {
        Ok(())
    } else {
        // A late send of the previous person's words with the next person's cookie.
        answer(StatusCode::CONFLICT, QUEUE_NOT_OWNER);
        Err(AppError::NotFound)
    }
}

/// Call only after the write returned Ok: tells the queue this item is stored.
pub fn confirm(form_key: &str) {
    if !queued() {
        return;
    }
    if let (Some(res), Ok(value)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(form_key)) {
        res.insert_header(CONFIRMED, value);
    }
}

/// A refusal the person can act on (tied to a field) ends a queued item: the
/// page shows why and puts the text back. Every other error keeps it queued.
pub fn refused(err: &AppError) {
    if queued() && err.field().is_some() {
        answer(StatusCode::UNPROCESSABLE_ENTITY, QUEUE_REFUSED);
    }
}
