//! The housekeeping loop: ended sessions, old login attempts and stale form
//! drafts are removed on a schedule, so nothing typed lingers in the
//! database; and once an hour, what is past its retention period
//! (`app::retention`).
use app::auth::session;
use app::db::Db;
use app::state::AppConfig;
use app::time::now_ms;
use std::sync::Arc;
use std::time::Duration;

/// How often the purge runs.
pub const EVERY: Duration = Duration::from_secs(5 * 60);

/// How often retention runs: its periods are years, and a run that finds
/// nothing due is a few indexed queries.
pub const RETENTION_EVERY: Duration = Duration::from_secs(60 * 60);

pub fn start(db: Db, config: Arc<AppConfig>) {
    tokio::spawn(async move {
        let mut ticks = tokio::time::interval(EVERY);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut retention_due = tokio::time::Instant::now();
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
            if tokio::time::Instant::now() >= retention_due {
                retention_due = tokio::time::Instant::now() + RETENTION_EVERY;
                // Counts only: never whose data it was.
                match app::retention::data::run(&db, config.retention, now_ms()).await {
                    Ok(removed) if !removed.is_empty() => {
                        tracing::info!(?removed, "removed what was past its retention period");
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = ?e, "retention failed this round"),
                }
            }
        }
    });
}
