//! Request middleware: sessions and language, the cross-origin guard, and
//! the headers every response carries.
use app::auth::session;
use app::i18n::{Lang, Msg};
use app::state::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::http::{Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Finds the logged-in person and the page language, for pages and server functions.
pub async fn session_and_language(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let cookies = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join("; ");
    let name = session::cookie_name(&state.config);
    let mut stale_cookie = false;
    let mut user = None;
    if let Some(token) = session::cookie_value(&cookies, name) {
        match session::resolve(&state.db, &state.config, token).await {
            Ok(Some(u)) => user = Some(u),
            Ok(None) => stale_cookie = true,
            // The database is down: serve as logged out rather than fail every page.
            Err(_) => {}
        }
    }
    let lang = user
        .as_ref()
        .map(|u| u.lang)
        .or_else(|| session::cookie_value(&cookies, "lang").and_then(Lang::parse))
        .unwrap_or_default();
    req.extensions_mut().insert(lang);
    if let Some(u) = user {
        req.extensions_mut().insert(u);
    }
    let mut res = next.run(req).await;
    if stale_cookie && !res.headers().contains_key(header::SET_COOKIE) {
        if let Ok(v) = HeaderValue::from_str(&session::clear_cookie(&state.config)) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

/// Refuses state-changing requests that another site started (CSRF), using
/// the browser's own `Sec-Fetch-Site`, or `Origin` where that is missing.
pub async fn same_origin_writes(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let allowed = match headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        Some(site) => site == "same-origin" || site == "none",
        None => match headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
            Some(origin) => {
                let host = headers
                    .get(header::HOST)
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default();
                origin.split_once("://").map(|(_, h)| h) == Some(host)
            }
            // No browser sends a cross-site form without either header.
            None => true,
        },
    };
    if allowed {
        next.run(req).await
    } else {
        app::auth::security_log::cross_site_refused(req.method().as_str(), req.uri().path());
        let lang = req.extensions().get::<Lang>().copied().unwrap_or_default();
        (StatusCode::FORBIDDEN, Msg::ErrorCrossSite.text(lang)).into_response()
    }
}

const STATIC_MAX_AGE: &str = "public, max-age=3600";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// Security and caching headers on every response.
pub async fn headers(State(secure): State<bool>, req: Request, next: Next) -> Response<Body> {
    let path = req.uri().path().to_string();
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    let set = |h: &mut axum::http::HeaderMap, name: HeaderName, value: &'static str| {
        if !h.contains_key(&name) {
            h.insert(name, HeaderValue::from_static(value));
        }
    };
    // Pages set their own policy with a script nonce; this covers everything else.
    set(
        h,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    );
    set(h, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(h, header::X_FRAME_OPTIONS, "DENY");
    // Same-origin keeps the Referer that sends a failed form back to its page.
    set(h, header::REFERRER_POLICY, "same-origin");
    set(
        h,
        HeaderName::from_static("cross-origin-opener-policy"),
        "same-origin",
    );
    set(
        h,
        HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=()",
    );
    if secure {
        set(
            h,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    let is_html = h
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let cache = if path.starts_with("/pkg/") && res.status().is_success() {
        // Content-hashed names: a new build means a new URL.
        IMMUTABLE
    } else if is_html || path.starts_with("/api/") || !res.status().is_success() {
        "no-store"
    } else if matches!(
        path.as_str(),
        "/sw.js" | "/app.js" | "/outbox.js" | "/manifest.webmanifest"
    ) {
        // Unhashed names: asked again each time, so a new version is seen.
        "no-cache"
    } else {
        STATIC_MAX_AGE
    };
    res.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    res
}
