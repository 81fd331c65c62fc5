//! The background loop that sends queued Web Push notifications.
use crate::config::Settings;
use app::db::Db;
use app::notifications::{data, deliver::Pusher};
use secrecy::ExposeSecret;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// Reads (or makes) the VAPID key and starts sending, every
/// `push_interval_seconds`: first the "activity tomorrow" reminders are
/// queued, then whatever is due goes out. When `stop` is cancelled the loop
/// ends after the round it is in (never mid-send); await the handle.
pub async fn start(
    settings: &Settings,
    db: Db,
    stop: CancellationToken,
) -> Result<tokio::task::JoinHandle<()>, app::error::AppError> {
    let configured = settings.vapid_private_key.as_ref().map(|k| k.expose_secret());
    let keys = data::vapid_keys(&db, configured).await?;
    let pusher = Pusher::new(keys, settings.vapid_subject.clone(), settings.push_policy())?;
    let every = Duration::from_secs(settings.push_interval_seconds.max(1) as u64);
    Ok(tokio::spawn(async move {
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                _ = stop.cancelled() => break,
            }
            let now = jiff::Timestamp::now();
            if let Err(e) = data::schedule_activity_reminders(&db, now).await {
                tracing::warn!(error = ?e, "activity reminders not queued this round");
            }
            match pusher.deliver_due(&db, now).await {
                Ok(round) if round.sent + round.postponed + round.removed_subscriptions > 0 => {
                    tracing::info!(?round, "push notifications");
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = ?e, "push round failed"),
            }
        }
    }))
}
