//! What a form post ends in: on to the next page with a notice, or back to
//! the form with the error tied to its field and what was typed filled in
//! again (kept in the session, or for a form sent without one in a
//! short-lived cookie; never in the address).
use super::{Draft, FormFields};
use crate::auth::{session, Flash};
use crate::error::AppError;
use crate::i18n::Msg;
use http::header::{HeaderValue, SET_COOKIE};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

/// After a form is saved: on to `page`, where `notice` is announced. The
/// notice is a [`Msg`], so one without a translation does not compile;
/// `anchor` (an element id) is where the page opens.
pub fn succeed(page: &str, notice: Msg, anchor: Option<&str>) {
    let mut url = format!("{page}?notice={}", notice.key());
    if let Some(anchor) = anchor {
        url.push('#');
        url.push_str(anchor);
    }
    crate::input::redirect(&url);
}

/// Sends a plain form post back to `page` with the error in the query;
/// a script caller gets the error itself.
pub fn fail<T>(page: &str, err: AppError) -> Result<T, AppError> {
    let mut url = format!("{page}?error={}", err.message().key());
    if let Some(field) = err.field() {
        url.push_str("&field=");
        url.push_str(field);
    }
    crate::input::redirect(&url);
    Err(err)
}

/// Adds a header to the response being made (cookies, mostly).
pub fn set_header(name: http::HeaderName, value: &str) {
    if let (Some(res), Ok(value)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(value)) {
        res.append_header(name, value);
    }
}

/// Like [`fail`], but what was typed comes back filled in: the values
/// travel in the session, never in the URL.
pub async fn fail_keeping<T>(
    page: &str,
    err: AppError,
    form: &str,
    typed: &impl FormFields,
) -> Result<T, AppError> {
    if let (Ok(state), Some(user)) = (crate::state::app_state(), crate::state::current_user()) {
        let flash = Flash::Draft {
            form: form.to_string(),
            values: typed
                .fields()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        };
        if let Err(e) = session::set_flash(&state.db, &user.session_key, &flash).await {
            tracing::warn!(error = %e, "could not keep a form draft");
        }
    }
    fail(page, err)
}

/// Like [`fail_keeping`], for a form sent without a session: the values
/// (never passwords) wait in a short-lived cookie of this browser.
pub async fn fail_keeping_anonymous<T>(
    page: &str,
    err: AppError,
    form: &str,
    typed: &impl FormFields,
) -> Result<T, AppError> {
    let mut pairs = vec![(DRAFT_FORM, form)];
    // Empty fields are left out (passwords always are, by their type `Password`): the cookie stays small.
    pairs.extend(typed.fields().into_iter().filter(|(_, v)| !v.is_empty()));
    match (serde_urlencoded::to_string(&pairs), crate::state::app_state()) {
        (Ok(value), Ok(state)) => {
            let https = crate::state::ClientInfo::current(&state.config).https;
            set_header(SET_COOKIE, &draft_cookie(https, &value, DRAFT_SECONDS));
        }
        _ => tracing::warn!("could not keep a form draft"),
    }
    fail(page, err)
}

/// The key that names the form inside the draft cookie.
const DRAFT_FORM: &str = "_form";
/// Long enough to come back from a refusal, short enough not to linger
/// on a shared computer.
const DRAFT_SECONDS: u32 = 120;

fn draft_cookie_name(https: bool) -> &'static str {
    if https {
        "__Host-draft"
    } else {
        "draft"
    }
}

fn draft_cookie(https: bool, value: &str, max_age: u32) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}",
        draft_cookie_name(https)
    )
}

/// The cookie's draft if it is for `form`; the cookie is cleared either way.
pub fn take_anonymous_draft(form: &str) -> Option<Draft> {
    let state = crate::state::app_state().ok()?;
    let https = crate::state::ClientInfo::current(&state.config).https;
    let parts = crate::state::request_parts()?;
    let name = draft_cookie_name(https);
    let raw = parts
        .headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())?;
    set_header(SET_COOKIE, &draft_cookie(https, "", 0));
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&raw).ok()?;
    let (first, rest) = pairs.split_first()?;
    (first.0 == DRAFT_FORM && first.1 == form).then(|| Draft {
        form: form.to_string(),
        values: rest.to_vec(),
    })
}

/// Takes the session's draft only if it is `form`'s: where one page has
/// several parts that each load their own form's draft (as "Mig" does),
/// one part must not swallow another's.
pub async fn take_draft(
    db: &crate::db::Db,
    user: &crate::model::CurrentUser,
    form: &str,
) -> Result<Option<Draft>, AppError> {
    let mine = |f: &Flash| matches!(f, Flash::Draft { form: f, .. } if f == form);
    let flash = crate::auth::session::take_flash_if(db, &user.session_key, mine).await?;
    Ok(draft_for(&flash, form))
}

/// The draft for `form`, if the session's one-time message is one.
/// Only on a refusal's return (`?error=` in the page's address): a draft
/// left behind by a form sent again and saved is not shown.
pub fn draft_for(flash: &Option<Flash>, form: &str) -> Option<Draft> {
    let refused = crate::state::request_parts().is_some_and(|p| {
        p.uri
            .query()
            .is_some_and(|q| q.split('&').any(|kv| kv.starts_with("error=")))
    });
    if !refused {
        return None;
    }
    match flash {
        // `rate-goal` takes the draft of any goal's `rate-goal:<id>`.
        Some(Flash::Draft { form: f, values })
            if f == form || f.strip_prefix(form).is_some_and(|rest| rest.starts_with(':')) =>
        {
            Some(Draft {
                form: f.clone(),
                values: values.clone(),
            })
        }
        _ => None,
    }
}
