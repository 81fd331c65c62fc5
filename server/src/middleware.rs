//! Request middleware: sessions, language and text size, the cross-origin guard, and
//! the headers every response carries.
use app::auth::session;
use app::error::AppError;
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
    let https = app::state::ClientInfo::current_of(req.extensions(), &state.config).https;
    let name = session::cookie_name(https);
    let mut stale_cookie = false;
    let mut user = None;
    // The database cannot be asked: never "logged out", but "try again".
    let mut unavailable = false;
    if let Some(token) = session::cookie_value(&cookies, name) {
        if !state.db.may_try() {
            unavailable = true;
        } else {
            match session::resolve(&state.db, &state.config, token).await {
                Ok(Some(u)) => user = Some(u),
                Ok(None) => stale_cookie = true,
                Err(e) => {
                    unavailable = true;
                    if e == AppError::Unavailable {
                        state.db.mark_down();
                    }
                }
            }
            if !unavailable {
                state.db.mark_up();
            }
        }
    }
    let lang = user
        .as_ref()
        .map(|u| u.lang)
        .or_else(|| session::cookie_value(&cookies, "lang").and_then(Lang::parse))
        .unwrap_or_default();
    // The same for the text size: the account's choice, else this device's.
    let text_size = user
        .as_ref()
        .map(|u| u.text_size)
        .or_else(|| {
            session::cookie_value(&cookies, app::me::TEXT_SIZE_COOKIE).and_then(app::model::TextSize::parse)
        })
        .unwrap_or_default();
    let is_file = is_static_file(req.uri().path());
    // A form post keeps what was typed, for the "try again" page.
    let mut form = None;
    if req.method() == Method::POST && req.uri().path().starts_with("/api/") {
        let (parts, body) = req.into_parts();
        // The body limit is enforced outside this layer.
        let Ok(bytes) = axum::body::to_bytes(body, usize::MAX).await else {
            return StatusCode::PAYLOAD_TOO_LARGE.into_response();
        };
        form = Some((parts.uri.path().to_string(), bytes.clone()));
        req = Request::from_parts(parts, Body::from(bytes));
    }
    if unavailable && !is_file {
        return unavailable_page(&state, lang, form.as_ref());
    }
    req.extensions_mut().insert(lang);
    req.extensions_mut().insert(text_size);
    if let Some(u) = user {
        req.extensions_mut().insert(u);
    }
    let mut res = next.run(req).await;
    // A server function found the database unavailable (it sends the form
    // back with `error=error.unavailable`; the session cannot hold a draft
    // now): answer "try again" with what was typed, and skip the database
    // for a moment.
    let refused_unavailable = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|l| l.contains(&format!("error={}", Msg::ErrorUnavailable.key())));
    if refused_unavailable {
        state.db.mark_down();
        if form.is_some() {
            return unavailable_page(&state, lang, form.as_ref());
        }
    }
    if stale_cookie && !res.headers().contains_key(header::SET_COOKIE) {
        if let Ok(v) = HeaderValue::from_str(&session::clear_cookie(https)) {
            res.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    res
}

/// Built files and static assets: served without the database, also when it is down.
fn is_static_file(path: &str) -> bool {
    path.starts_with("/pkg/")
        || path
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('.') && !last.ends_with(".ics") && !last.ends_with(".json"))
}

/// Fields never written back into a page.
fn is_secret_field(name: &str) -> bool {
    name.contains("password") || name == "code"
}

/// 503: the database cannot be reached; nothing was saved. A form post comes
/// back filled in, with a button that sends it again (the same form key, so a
/// send that did get through is not stored twice). No cookie is touched.
fn unavailable_page(state: &AppState, lang: Lang, form: Option<&(String, axum::body::Bytes)>) -> Response {
    let t = |m: Msg| escape(m.text(lang));
    let mut body = format!(
        "<!DOCTYPE html><html lang=\"{}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{} – {}</title><link rel=\"stylesheet\" href=\"{}\"></head>\
         <body><main id=\"main\" class=\"container stack\"><h1>{}</h1>",
        lang.code(),
        t(Msg::ErrorUnavailableTitle),
        t(Msg::AppName),
        escape(&state.config.stylesheet),
        t(Msg::ErrorUnavailableTitle),
    );
    match form {
        Some((action, bytes)) => {
            body.push_str(&format!(
                "<div class=\"alert alert-error\" role=\"alert\"><p>{}</p></div><p>{}</p>\
                 <form method=\"post\" action=\"{}\" class=\"stack\">",
                t(Msg::ErrorUnavailable),
                t(Msg::ErrorUnavailableKept),
                escape(action)
            ));
            for (name, value) in form_urlencoded::parse(bytes) {
                if is_secret_field(&name) {
                    continue;
                }
                // What a person wrote is shown (and can be copied or changed);
                // the form's own values travel along unseen.
                if value.chars().any(char::is_whitespace) || value.chars().count() > 40 {
                    body.push_str(&format!(
                        "<div class=\"field\"><textarea name=\"{}\" rows=\"5\" aria-label=\"{}\">{}</textarea></div>",
                        escape(&name),
                        t(Msg::ErrorUnavailableKept),
                        escape(&value)
                    ));
                } else {
                    body.push_str(&format!(
                        "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                        escape(&name),
                        escape(&value)
                    ));
                }
            }
            body.push_str(&format!(
                "<button type=\"submit\" class=\"button\">{}</button></form>",
                t(Msg::ErrorUnavailableRetry)
            ));
        }
        None => body.push_str(&format!(
            "<div class=\"alert alert-error\" role=\"alert\"><p>{}</p></div>",
            t(Msg::ErrorUnavailablePage)
        )),
    }
    body.push_str("</main></body></html>");
    let mut res = (StatusCode::SERVICE_UNAVAILABLE, axum::response::Html(body)).into_response();
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    res
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
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
pub async fn headers(req: Request, next: Next) -> Response<Body> {
    let path = req.uri().path().to_string();
    // Set by `client::client_info`, which runs first.
    let https = req
        .extensions()
        .get::<app::state::ClientInfo>()
        .is_some_and(|c| c.https);
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
    if https {
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
/// path with its ids, nor the query), the method, status and latency; for a
/// server function also its name and outcome, so a slow one can be found.
/// Health checks are logged at debug level only. The same figures go to the
/// metrics.
pub async fn request_span(req: Request, next: Next) -> Response {
    use tracing::Instrument;
    let route = req
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|m| m.as_str().to_string())
        .unwrap_or_else(|| UNMATCHED.into());
    let method = req.method().clone();
    let health = matches!(route.as_str(), "/healthz" | "/readyz");
    // Server functions have fixed endpoint names (no ids): `/api/login`.
    let server_fn = route.strip_prefix("/api/").map(str::to_string);
    let span = tracing::info_span!(
        "request",
        method = %method,
        route = %route,
        server_fn = tracing::field::Empty,
        status = tracing::field::Empty,
        outcome = tracing::field::Empty,
        latency_ms = tracing::field::Empty,
    );
    if let Some(name) = &server_fn {
        span.record("server_fn", name.as_str());
    }
    let in_flight = app::metrics::InFlight::start();
    let started = std::time::Instant::now();
    let res = next.run(req).instrument(span.clone()).await;
    let took = started.elapsed();
    drop(in_flight);
    let status = res.status();
    // Any word is a method to HTTP: a client must not grow the label set.
    let method_label = match method.as_str() {
        m @ ("GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS") => m,
        _ => "other",
    };
    app::metrics::request_answered(&route, method_label, status.as_u16(), took);
    let latency_ms = took.as_millis() as u64;
    span.record("status", status.as_u16());
    span.record("latency_ms", latency_ms);
    if server_fn.is_some() {
        span.record("outcome", outcome(&res));
    }
    if health {
        tracing::debug!(parent: &span, "answered");
    } else if took >= SLOW {
        tracing::warn!(parent: &span, slow = true, "answered slowly");
    } else {
        tracing::info!(parent: &span, "answered");
    }
    res
}

/// The route label of a request no route matched: a file, or "not found".
pub const UNMATCHED: &str = "(file or not found)";

/// A request taking this long is logged as a warning.
const SLOW: std::time::Duration = std::time::Duration::from_secs(1);

/// How a server function ended: `ok`, `refused` (the person is told why:
/// a 4xx, or a form sent back with an error key) or `failed` (5xx).
fn outcome(res: &Response) -> &'static str {
    let sent_back_with_error = res
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|l| l.contains("error="));
    if res.status().is_server_error() {
        "failed"
    } else if res.status().is_client_error() || sent_back_with_error {
        "refused"
    } else {
        "ok"
    }
}
