//! Mit Forløb: the pages, islands and server functions.
//!
//! Pages render on the server as plain HTML (islands mode); forms post to
//! server functions and are redirected back, so every journey works before
//! any WebAssembly has arrived. Server-only code sits behind `feature = "ssr"`.
#![recursion_limit = "256"]

// Without the server side the database and page tests do not exist, and a
// run would pass with none of them: refuse instead. (`cargo test
// --workspace`, as `make test` runs it, turns `ssr` on.)
#[cfg(all(test, not(feature = "ssr")))]
compile_error!(
    "app's tests need the server side: `cargo test -p app --features ssr` or `cargo test --workspace`"
);

pub mod error;
pub mod forms;
pub mod i18n;
pub mod input;
pub mod model;
pub mod time;

pub mod admin;
pub mod auth;
pub mod caseload;
pub mod concerns;
pub mod info;
pub mod islands;
pub mod layout;
pub mod me;
pub mod messages;
pub mod notifications;
pub mod phone;
pub mod plan;
pub mod pwa;
pub mod retention;
pub mod routes;
pub mod wellbeing;

#[cfg(feature = "ssr")]
pub mod audit;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod metrics;
#[cfg(feature = "ssr")]
pub mod scale;
#[cfg(feature = "ssr")]
pub mod seed;
#[cfg(feature = "ssr")]
pub mod state;
// For app's own tests, and for server's through `test-support` (never in a
// normal build: only server's dev-dependencies turn it on).
#[cfg(all(feature = "ssr", any(test, feature = "test-support")))]
pub mod testing;

pub use routes::{shell, App};

/// Entry point of the WebAssembly: wakes up the islands only.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    // Panic messages in the console while developing; a release build leaves
    // the hook out (its formatting is several KB of what a phone downloads),
    // and a panic there stops the island with the browser's own error.
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
