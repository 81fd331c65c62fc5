//! The server as a browser meets it: real router, real database (SQLite and
//! PostgreSQL), requests sent through the whole middleware stack. One file a
//! feature; what they share is in `support` (shared with the other test files)
//! and here.
#[path = "../support/mod.rs"]
mod support;
use support::TestApp;

mod auth;
mod concerns;
mod messages;
mod notifications;
mod outage;
mod pages;
mod plan;
mod security;
mod wellbeing;

/// The subscription test registers this push host; nothing is sent in these tests.
async fn spawn_app(postgres: bool) -> TestApp {
    let limits = server::config::ServeSettings::default();
    TestApp::spawn_with(
        postgres,
        |s| s.push_hosts = Some(vec!["push.example.net".into()]),
        &limits,
    )
    .await
}
