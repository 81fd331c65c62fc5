//! The two steps of a login through OpenID Connect, as HTTP: a form post
//! that sends the browser to the provider, and the provider's answer. The
//! checks are in `app::auth::oidc`; this only reads and writes HTTP.
use app::auth::oidc::{self, Callback, ProviderKind, Purpose, SECURE_STATE_COOKIE, STATE_COOKIE};
use app::auth::session;
use app::error::AppError;
use app::i18n::{Lang, Msg};
use app::state::{AppState, ClientInfo};
use axum::extract::{Path, Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;

fn https(req_ext: &axum::http::Extensions, state: &AppState) -> bool {
    req_ext
        .get::<ClientInfo>()
        .map_or(state.config.secure_cookies, |c| c.https)
}

fn state_cookie_name(https: bool) -> &'static str {
    if https {
        SECURE_STATE_COOKIE
    } else {
        STATE_COOKIE
    }
}

/// `Lax`, not `Strict`: the provider's answer is a cross-site navigation,
/// and the cookie must come along with it.
fn state_cookie(https: bool, value: &str, max_age_s: i64) -> String {
    let secure = if https { "; Secure" } else { "" };
    format!(
        "{}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age_s}{secure}",
        state_cookie_name(https)
    )
}

fn see_other(location: &str, cookies: &[String]) -> Response {
    let mut res = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(location) {
        res.headers_mut().insert(header::LOCATION, v);
    }
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

fn with_error(page: &str, err: &AppError) -> String {
    format!("{page}?error={}", err.message().key())
}

/// `POST /auth/oidc/{provider}`: from the login page, from the activation
/// page with the citizen's activation code, or from "Mig" (`link`) to link
/// MitID to the logged-in citizen's account.
pub async fn begin(State(state): State<AppState>, Path(provider): Path<String>, req: Request) -> Response {
    let https = https(req.extensions(), &state);
    let user = req.extensions().get::<app::model::CurrentUser>().cloned();
    let Some(kind) = ProviderKind::parse(&provider) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let body = match axum::body::to_bytes(req.into_body(), crate::router::BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => return StatusCode::BAD_REQUEST.into_response(),
    };
    let fields: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let code = fields.get("code").map(|c| c.trim()).filter(|c| !c.is_empty());
    // A code is for linking an invited citizen's MitID; it is checked when
    // the provider has said who is there, but an empty one is told at once.
    let (back, purpose) = if fields.contains_key("link") {
        let Some(user) = user.as_ref() else {
            return see_other("/login", &[]);
        };
        ("/me", Purpose::Link(user))
    } else if fields.contains_key("code") {
        let Some(code) = code else {
            return see_other("/activate?error=auth.activation_code_missing&field=code", &[]);
        };
        ("/activate", Purpose::Activate(code))
    } else {
        ("/login", Purpose::LogIn)
    };
    match oidc::begin(&state.db, &state.config.oidc, kind, purpose).await {
        Ok(begun) => see_other(
            &begun.url,
            &[state_cookie(https, &begun.state, oidc::LOGIN_TTL_MS / 1000)],
        ),
        Err(e) => see_other(&with_error(back, &e), &[]),
    }
}

/// `GET /auth/oidc/callback`: the provider's answer.
pub async fn callback(
    State(state): State<AppState>,
    Query(query): Query<HashMap<String, String>>,
    headers: HeaderMap,
    req: Request,
) -> Response {
    let https = https(req.extensions(), &state);
    let lang = req.extensions().get::<Lang>().copied().unwrap_or_default();
    let ip = req
        .extensions()
        .get::<ClientInfo>()
        .and_then(|c| c.ip)
        .map_or_else(|| "unknown".into(), |ip| ip.to_string());
    let cookie_header = headers
        .get(header::COOKIE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let cookie_state = session::cookie_value(cookie_header, state_cookie_name(https));
    // The state cookie has done its work whatever happens next.
    let clear = state_cookie(https, "", 0);
    let given_state = query.get("state").map(String::as_str).unwrap_or("");
    let Some(code) = query.get("code") else {
        // The person cancelled at the provider, or it refused: the login under
        // way is ended so its state cannot be used later.
        let _ = oidc::abandon(&state.db, given_state).await;
        let msg = if query.get("error").map(String::as_str) == Some("access_denied") {
            "auth.oidc_cancelled"
        } else {
            "auth.oidc_failed"
        };
        return see_other(&format!("/login?error={msg}"), &[clear]);
    };
    let answer = Callback {
        code,
        state: given_state,
        cookie_state,
    };
    let done = match oidc::complete(&state.db, &state.config.oidc, answer, &ip).await {
        Ok(done) => done,
        Err(e @ AppError::ActivationInvalid) => return see_other(&with_error("/activate", &e), &[clear]),
        Err(e) => return see_other(&with_error("/login", &e), &[clear]),
    };
    let started = async {
        let token = session::create(&state.db, &state.config, &done.user_id).await?;
        oidc::remember_on_session(&state.db, &token, &done).await?;
        Ok::<_, AppError>(token)
    }
    .await;
    let token = match started {
        Ok(token) => token,
        Err(e) => return see_other(&with_error("/login", &e), &[clear]),
    };
    let next = if done.linked_from_me {
        "/me?notice=auth.mitid_linked"
    } else if done.linked && done.kind == ProviderKind::Citizen {
        "/?notice=auth.activated_mitid"
    } else {
        "/"
    };
    continue_page(
        lang,
        next,
        &[clear, session::set_cookie(&state.config, https, &token)],
    )
}

/// The session cookie is `SameSite=Strict`, so a browser would not send it
/// on a redirect that began at the provider's site: the person would look
/// logged out. This page, served from here, moves on by itself (a meta
/// refresh, which needs no script) or by its link.
fn continue_page(lang: Lang, next: &str, cookies: &[String]) -> Response {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    let title = escape(Msg::AuthContinueTitle.text(lang));
    let link = escape(Msg::AuthContinueLink.text(lang));
    let body = format!(
        "<!DOCTYPE html><html lang=\"{code}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta http-equiv=\"refresh\" content=\"0;url={next}\"><title>{title}</title></head>\
         <body><main><h1>{title}</h1><p><a href=\"{next}\">{link}</a></p></main></body></html>",
        code = lang.code(),
    );
    let mut res = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response();
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(c) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}
