//! The housekeeping loop: ended sessions, old login attempts and stale form
//! drafts are removed on a schedule, so nothing typed lingers in the database.
use app::auth::session;
use app::db::{now_ms, Db};
use app::state::AppConfig;
use std::sync::Arc;
use std::time::Duration;

/// How often the purge runs.
pub const EVERY: Duration = Duration::from_secs(5 * 60);

pub fn start(db: Db, config: Arc<AppConfig>) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            match session::purge(&db, &config, now_ms()).await {
                Ok(purged) if purged != session::Purged::default() => {
                    tracing::info!(
                        ?purged,
                        "purged ended sessions, old login attempts and stale drafts"
                    );
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = ?e, "purge failed this round"),
            }
        }
    });
}
