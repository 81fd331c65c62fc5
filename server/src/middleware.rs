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
        let lang = req.extensions().get::<Lang>().copied().unwrap_or_default();
        (StatusCode::FORBIDDEN, Msg::ErrorCrossSite.text(lang)).into_response()
    }
}

const STATIC_MAX_AGE: &str = "public, max-age=3600";
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

/// A response that is one of the site's public files (from `ServeDir`):
/// the only kind `headers` lets shared caches keep.
#[derive(Clone, Copy, Debug)]
pub struct StaticFile;

/// Marks the static file service's answers; its "not found" page is not one.
pub fn mark_static_file<B>(mut res: Response<B>) -> Response<B> {
    if res.status().is_success() || res.status() == StatusCode::NOT_MODIFIED {
        res.extensions_mut().insert(StaticFile);
    }
    res
}

/// Security and caching headers on every response. A header the handler set
/// itself is kept: only the handler knows whether its answer is personal.
pub async fn headers(State(secure): State<bool>, req: Request, next: Next) -> Response<Body> {
    let path = req.uri().path().to_string();
    let mut res = next.run(req).await;
    let static_file = res.extensions().get::<StaticFile>().is_some();
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
    let cache = if !static_file {
        // Pages, server functions, downloads, streams, errors: anything not
        // known to be a public file may be personal.
        "no-store"
    } else if path.starts_with("/pkg/") {
        // Content-hashed names: a new build means a new URL.
        IMMUTABLE
    } else if matches!(path.as_str(), "/app.js" | "/outbox.js") {
        // Unhashed names: asked again each time, so a new version is seen.
        "no-cache"
    } else {
        STATIC_MAX_AGE
    };
    set(h, header::CACHE_CONTROL, cache);
    res
}

/// Reads a body of unannounced length (chunked) here, up to `limit`, so
/// one that is too large is refused with 413 before any handler runs (a
/// handler meeting the limit mid-read would fail with 500). Bodies with a
/// `Content-Length` are checked by `RequestBodyLimitLayer` before reading.
pub async fn bounded_body(State(limit): State<usize>, req: Request, next: Next) -> Response {
    use axum::body::HttpBody;
    if req.headers().contains_key(header::CONTENT_LENGTH) || req.body().is_end_stream() {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, limit).await {
        Ok(bytes) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
        Err(e) => {
            let too_large =
                std::iter::successors(Some(&e as &(dyn std::error::Error + 'static)), |e| e.source())
                    .any(|e| e.is::<http_body_util::LengthLimitError>());
            if too_large {
                StatusCode::PAYLOAD_TOO_LARGE.into_response()
            } else {
                // The client stopped sending part-way.
                StatusCode::BAD_REQUEST.into_response()
            }
        }
    }
}

/// Answers 503 when a request (reading its body included) takes longer than
/// `limit`, so a slow client or a stuck query cannot hold a connection and
/// its task forever. Event streams are meant to stay open and are exempt.
pub async fn request_timeout(State(limit): State<std::time::Duration>, req: Request, next: Next) -> Response {
    if crate::router::is_stream(req.uri().path()) {
        return next.run(req).await;
    }
    let lang = req.extensions().get::<Lang>().copied().unwrap_or_default();
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(res) => res,
        Err(_) => {
            tracing::warn!("request timed out");
            (StatusCode::SERVICE_UNAVAILABLE, Msg::ErrorInternal.text(lang)).into_response()
        }
    }
}

/// One span per request with the matched route (the pattern, never the raw
/// path with its ids, nor the query), the method, status and latency.
/// Health checks are logged at debug level only.
pub async fn request_span(req: Request, next: Next) -> Response {
    use tracing::Instrument;
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| "(file or not found)".into());
    let health = matches!(route.as_str(), "/healthz" | "/readyz");
    let span = tracing::info_span!(
        "request",
        method = %req.method(),
        route = %route,
        status = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    let started = std::time::Instant::now();
    let res = next.run(req).instrument(span.clone()).await;
    let latency_ms = started.elapsed().as_millis() as u64;
    span.record("status", res.status().as_u16());
    span.record("latency_ms", latency_ms);
    if health {
        tracing::debug!(parent: &span, "answered");
    } else {
        tracing::info!(parent: &span, "answered");
    }
    res
}
