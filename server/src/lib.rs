//! The Mit Forløb server: configuration, router, middleware and commands.
pub mod assets;
pub mod calendar;
pub mod client;
pub mod config;
pub mod export;
pub mod health;
pub mod live;
pub mod maintenance;
pub mod metrics;
pub mod middleware;
pub mod notifications;
pub mod oidc;
pub mod pwa;
pub mod router;
pub mod serve;

use app::db::Db;
use app::state::{AppConfig, AppState};
use config::Settings;
use leptos::config::LeptosOptions;
use std::sync::Arc;

/// What cargo-leptos calls the built JS, WebAssembly and CSS files.
pub const OUTPUT_NAME: &str = "mitforlob";

/// The state every handler shares, from settings and an open database.
pub fn app_state(settings: &Settings, db: Db) -> AppState {
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(|p| p.to_path_buf()))
        .unwrap_or_default();
    let hashes = assets::read_hashes(&exe_dir);
    let leptos_options = LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root(settings.site_root.to_string_lossy().to_string())
        .site_pkg_dir("pkg")
        .site_addr(settings.addr)
        .hash_files(!hashes.is_empty())
        .build();
    let config = AppConfig {
        secure_cookies: settings.secure_cookies,
        session_idle_ms: settings.session_idle_minutes * 60_000,
        session_absolute_ms: settings.session_absolute_hours * 3_600_000,
        activation_ms: settings.activation_days * 86_400_000,
        stylesheet: assets::stylesheet_href(OUTPUT_NAME, &hashes),
        vapid_private_key: settings.vapid_private_key.clone(),
        push: settings.push_policy(),
        retention: settings.retention,
        oidc: settings.oidc.clone(),
    };
    AppState {
        leptos_options,
        db,
        config: Arc::new(config),
    }
}

/// Logs to standard output: plain text, or one JSON object a line with
/// `MITFORLOB_LOG_FORMAT=json` for log collectors. `RUST_LOG` filters.
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| "info,sqlx=warn,tower_http=warn".into());
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if std::env::var("MITFORLOB_LOG_FORMAT").is_ok_and(|v| v.trim() == "json") {
        builder.json().with_current_span(true).init();
    } else {
        builder.init();
    }
}
