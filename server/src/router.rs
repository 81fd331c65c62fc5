//! The axum router: pages, server functions, static files, middleware.
use crate::config::ServeSettings;
use crate::middleware;
use app::state::AppState;
use app::{shell, App};
use axum::routing::{get, MethodRouter};
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower::ServiceExt;
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::{CompressionLayer, CompressionLevel};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;

/// The largest request body we accept: forms are small; a long message is a few KB.
pub const BODY_LIMIT: usize = 64 * 1024;

/// The routes outside Leptos, by path. Every one must be here (not added
/// with `.route` elsewhere): the header test reads this list to check that
/// each has its cache rule.
pub fn plain_routes(state: &AppState) -> Vec<(&'static str, MethodRouter<AppState>)> {
    use app::pwa::scripts;
    let site_root: &std::path::Path = state.leptos_options.site_root.as_ref().as_ref();
    let worker = std::sync::Arc::new(crate::pwa::service_worker(site_root));
    let mut routes = vec![
        (
            "/activities/{id}/calendar.ics",
            get(crate::calendar::activity_ics),
        ),
        ("/calendar/{token}", get(crate::calendar::feed_ics)),
        ("/events/threads/{id}", get(crate::live::thread_events)),
        ("/me/data.json", get(crate::export::my_data_json)),
        ("/auth/oidc/callback", get(crate::oidc::callback)),
        ("/auth/oidc/{provider}", axum::routing::post(crate::oidc::begin)),
        (scripts::MANIFEST, get(crate::pwa::manifest)),
        (
            scripts::SERVICE_WORKER,
            get(crate::pwa::serve_worker).layer(axum::Extension(worker)),
        ),
        ("/healthz", get(crate::health::healthz)),
        ("/readyz", get(crate::health::readyz)),
    ];
    // The plain scripts, each with the contract's line before it.
    routes.extend(scripts::PLAIN_SCRIPTS.iter().map(|&name| {
        let served = std::sync::Arc::new(crate::pwa::plain_script(site_root, name));
        (name, get(crate::pwa::serve_script).layer(axum::Extension(served)))
    }));
    routes
}

/// Brotli (and gzip) level for what is compressed per response. Profiled
/// under load on the overview (`end2end/throughput.sh`, PROFILE=1),
/// compressing took 22 % of the server's CPU at brotli 3 and more at the
/// default 4; level 1 is brotli's fast one-pass mode. The page is about 500
/// bytes larger for it (the overview: 3,842 bytes at 4, 4,345 at 1), some
/// 10 ms on a slow phone line. Built files are compressed once, at the
/// highest level, by cargo-leptos.
const COMPRESSION_QUALITY: i32 = 1;

/// Paths whose responses are streams that stay open: no request timeout.
pub fn is_stream(path: &str) -> bool {
    path.starts_with("/events/")
}

/// The router with the default limits (tests; see [`build_with`]).
pub fn build(state: AppState) -> Router {
    build_with(state, &ServeSettings::default())
}

pub fn build_with(state: AppState, limits: &ServeSettings) -> Router {
    let routes = generate_route_list(App);
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            leptos::nonce::provide_nonce();
        }
    };
    let page_shell = {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    };
    // Unknown paths: a static file if there is one, else the app's own "not found" page.
    let not_found = leptos_axum::render_app_to_stream_with_context(context.clone(), page_shell.clone());
    let static_files = ServeDir::new(state.leptos_options.site_root.as_ref())
        .precompressed_br()
        .precompressed_gzip()
        .fallback(axum::handler::HandlerWithoutStateExt::into_service(not_found));
    let static_files =
        ServiceExt::<axum::extract::Request>::map_response(static_files, middleware::mark_static_file);
    // Compressed on the fly: HTML and the small plain scripts; what cargo-leptos
    // precompressed already carries its Content-Encoding and is left alone.
    let compress_when = SizeAbove::new(1024)
        .and(NotForContentType::IMAGES)
        .and(NotForContentType::const_new("application/wasm"))
        .and(NotForContentType::const_new("text/css"))
        // Events must go out as they happen, not wait in a compressor's buffer.
        .and(NotForContentType::const_new("text/event-stream"));
    let client_rules = crate::client::ClientRules::new(&state, limits.trusted_proxies.clone());
    let mut router = Router::new();
    for (path, route) in plain_routes(&state) {
        router = router.route(path, route);
    }
    router
        .leptos_routes_with_context(&state, routes, context, page_shell)
        .fallback_service(static_files)
        .layer(axum::middleware::from_fn(app::input::clean_form_input))
        .layer(axum::middleware::from_fn(middleware::same_origin_writes))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::session_and_language,
        ))
        .layer(axum::middleware::from_fn_with_state(
            BODY_LIMIT,
            middleware::bounded_body,
        ))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(axum::middleware::from_fn_with_state(
            limits.request_timeout,
            middleware::request_timeout,
        ))
        .layer(axum::middleware::from_fn(middleware::request_span))
        .layer(
            CompressionLayer::new()
                .quality(CompressionLevel::Precise(COMPRESSION_QUALITY))
                .compress_when(compress_when),
        )
        .layer(axum::middleware::from_fn(middleware::headers))
        // First of all: who the client is and whether it uses HTTPS.
        .layer(axum::middleware::from_fn_with_state(
            client_rules,
            crate::client::client_info,
        ))
        .with_state(state)
}
