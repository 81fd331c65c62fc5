//! The axum router: pages, server functions, static files, middleware.
use crate::middleware;
use app::state::AppState;
use app::{shell, App};
use axum::routing::get;
use axum::Router;
use leptos::prelude::*;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::compression::predicate::{NotForContentType, Predicate, SizeAbove};
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::ServeDir;

/// The largest request body we accept: forms are small; a long message is a few KB.
pub const BODY_LIMIT: usize = 64 * 1024;

pub fn build(state: AppState) -> Router {
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
    // Compressed on the fly: HTML and the small plain scripts; what cargo-leptos
    // precompressed already carries its Content-Encoding and is left alone.
    let compress_when = SizeAbove::new(1024)
        .and(NotForContentType::IMAGES)
        .and(NotForContentType::const_new("application/wasm"))
        .and(NotForContentType::const_new("text/css"))
        // Events must go out as they happen, not wait in a compressor's buffer.
        .and(NotForContentType::const_new("text/event-stream"));
    let secure = state.config.secure_cookies;
    let worker = std::sync::Arc::new(crate::pwa::service_worker(
        state.leptos_options.site_root.as_ref().as_ref(),
    ));
    Router::new()
        .route(
            "/activities/{id}/calendar.ics",
            get(crate::calendar::activity_ics),
        )
        .route("/calendar/{token}", get(crate::calendar::feed_ics))
        .route("/events/threads/{id}", get(crate::live::thread_events))
        .route("/manifest.webmanifest", get(crate::pwa::manifest))
        .route(
            "/sw.js",
            get(crate::pwa::serve_worker).layer(axum::Extension(worker)),
        )
        .leptos_routes_with_context(&state, routes, context, page_shell)
        .fallback_service(static_files)
        .layer(axum::middleware::from_fn(app::input::clean_form_input))
        .layer(axum::middleware::from_fn(middleware::same_origin_writes))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            middleware::session_and_language,
        ))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT))
        .layer(CompressionLayer::new().compress_when(compress_when))
        .layer(axum::middleware::from_fn_with_state(secure, middleware::headers))
        .with_state(state)
}
