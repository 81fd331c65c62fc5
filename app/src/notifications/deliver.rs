//! Sends what is due in `push_outbox` to each of the person's browsers.
use super::data::{self, Due, Subscription};
use super::endpoint::{self, PushPolicy};
use super::webpush::{self, VapidKeys};
use super::PushKind;
use crate::db::{new_id, Db};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::time::copenhagen;
use std::sync::Arc;
use std::time::Duration;

/// After this many failed tries a notification is given up (it is only a nudge;
/// the message or answer itself is safe in the app).
const MAX_ATTEMPTS: i64 = 8;
/// How many notifications are sent at once: a slow push service holds up one
/// of these, not everyone.
const CONCURRENCY: usize = 8;
/// How long one push service gets to answer. A push service answers in well
/// under a second; one that hangs is tried again later.
pub const SEND_TIMEOUT: Duration = Duration::from_secs(5);
/// How many due notifications one round claims. At `CONCURRENCY` at a time
/// and `SEND_TIMEOUT` each, a round ends well inside the claim's lease.
const BATCH: i64 = 50;

#[derive(Clone)]
pub struct Pusher {
    client: reqwest::Client,
    keys: Arc<VapidKeys>,
    /// Who runs this server, for the push service (`mailto:` or `https:`).
    subject: String,
    policy: PushPolicy,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub postponed: usize,
    pub removed_subscriptions: usize,
}

impl std::ops::AddAssign for Round {
    fn add_assign(&mut self, other: Round) {
        self.sent += other.sent;
        self.postponed += other.postponed;
        self.removed_subscriptions += other.removed_subscriptions;
    }
}

impl Pusher {
    pub fn new(keys: VapidKeys, subject: String, policy: PushPolicy) -> Result<Pusher, AppError> {
        Pusher::with_lookup(keys, subject, policy, endpoint::system_lookup())
    }

    /// With another way to look names up (tests: a name resolving to a private address).
    pub fn with_lookup(
        keys: VapidKeys,
        subject: String,
        policy: PushPolicy,
        lookup: endpoint::Lookup,
    ) -> Result<Pusher, AppError> {
        let resolver = endpoint::CheckedResolver {
            policy: policy.clone(),
            lookup,
        };
        let client = reqwest::Client::builder()
            .timeout(SEND_TIMEOUT)
            .connect_timeout(SEND_TIMEOUT)
            // A push service never redirects; following one could reach elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            // Every name is checked where it is resolved; a proxy would resolve it unchecked.
            .no_proxy()
            .dns_resolver(Arc::new(resolver))
            .build()
            .map_err(|e| {
                tracing::error!(error = %e, "could not build the push HTTP client");
                AppError::Internal
            })?;
        Ok(Pusher {
            client,
            keys: Arc::new(keys),
            subject,
            policy,
        })
    }

    pub fn public_key(&self) -> String {
        self.keys.public_b64url()
    }

    /// One round: claims what is due now (oldest first) so no other server
    /// process sends it too, and sends it, several at a time.
    pub async fn deliver_due(&self, db: &Db, now: jiff::Timestamp) -> Result<Round, AppError> {
        use futures_util::stream::{self, StreamExt};
        let now_ms = now.as_millisecond();
        let claim = new_id();
        let items = data::claim_due(db, &claim, now_ms, now_ms + data::CLAIM_LEASE_MS, BATCH).await?;
        let results: Vec<Result<Round, AppError>> = stream::iter(items)
            .map(|item| self.deliver_one(db, item, now))
            .buffer_unordered(CONCURRENCY)
            .collect()
            .await;
        let mut round = Round::default();
        for result in results {
            // One failure does not hide what the others did; an item left
            // claimed is taken up again when its lease ends.
            match result {
                Ok(r) => round += r,
                Err(e) => tracing::warn!(error = ?e, "a push notification was not settled"),
            }
        }
        Ok(round)
    }

    /// Sends one claimed notification to each of the person's browsers at once.
    async fn deliver_one(&self, db: &Db, item: Due, now: jiff::Timestamp) -> Result<Round, AppError> {
        let mut round = Round::default();
        let now_ms = now.as_millisecond();
        if stale(&item, now) {
            data::mark_sent(db, &item.id, now_ms).await?;
            return Ok(round);
        }
        let recipient = data::recipient(db, &item.user_id).await?;
        let local = now.to_zoned(copenhagen());
        let minute = i64::from(local.hour()) * 60 + i64::from(local.minute());
        if recipient.quiet.contains(minute) {
            data::postpone(db, &item.id, quiet_ends(now, recipient.quiet.to), false).await?;
            round.postponed += 1;
            return Ok(round);
        }
        let payload = payload(&recipient, item.kind);
        let subscriptions = data::subscriptions_of(db, &item.user_id).await?;
        let outcomes = futures_util::future::join_all(
            subscriptions
                .iter()
                .map(|sub| self.send(sub, &payload, item.kind)),
        )
        .await;
        for outcome in &outcomes {
            crate::metrics::push_sent(match outcome {
                Outcome::Delivered => "delivered",
                Outcome::Gone => "gone",
                Outcome::Failed => "failed",
            });
        }
        let (mut delivered, mut failed) = (false, false);
        for (sub, outcome) in subscriptions.iter().zip(outcomes) {
            match outcome {
                Outcome::Delivered => delivered = true,
                Outcome::Gone => {
                    data::remove_endpoint(db, &sub.endpoint).await?;
                    round.removed_subscriptions += 1;
                }
                Outcome::Failed => failed = true,
            }
        }
        if delivered || !failed || item.attempts + 1 >= MAX_ATTEMPTS {
            data::mark_sent(db, &item.id, now_ms).await?;
            round.sent += usize::from(delivered);
        } else {
            // 1, 2, 4 … minutes, at most an hour.
            let wait = 60_000 * 2_i64.pow(item.attempts.clamp(0, 6) as u32);
            data::postpone(db, &item.id, now_ms + wait, true).await?;
            round.postponed += 1;
        }
        Ok(round)
    }

    async fn send(&self, sub: &Subscription, payload: &[u8], kind: PushKind) -> Outcome {
        // Checked again here: a subscription stored before the rules were
        // what they are now, or under other settings, is not sent to.
        if let Err(why) = self.policy.check(&sub.endpoint) {
            tracing::warn!(reason = %why, "push subscription no longer allowed; removed");
            return Outcome::Gone;
        }
        let now = jiff::Timestamp::now().as_second().max(0) as u64;
        let prepared = webpush::encrypt(payload, &sub.p256dh, &sub.auth).and_then(|body| {
            Ok((
                body,
                webpush::authorization(&self.keys, &sub.endpoint, &self.subject, now)?,
            ))
        });
        let (body, authorization) = match prepared {
            Ok(p) => p,
            Err(e) => {
                // A subscription we cannot encrypt for will never work.
                tracing::warn!(error = %e, "unusable push subscription removed");
                return Outcome::Gone;
            }
        };
        let sent = self
            .client
            .post(&sub.endpoint)
            .header("TTL", "86400")
            .header("Urgency", "normal")
            // The push service keeps only the newest of one kind for an offline phone.
            .header("Topic", kind.as_str().replace('_', "-"))
            .header("Content-Encoding", "aes128gcm")
            .header("Content-Type", "application/octet-stream")
            .header("Authorization", authorization)
            .body(body)
            .send()
            .await;
        match sent {
            Ok(res) if res.status().is_success() => Outcome::Delivered,
            Ok(res) if matches!(res.status().as_u16(), 404 | 410) => Outcome::Gone,
            Ok(res) => {
                tracing::warn!(
                    status = res.status().as_u16(),
                    "push service refused a notification"
                );
                Outcome::Failed
            }
            Err(e) => {
                tracing::warn!(error = %e, "push service unreachable");
                Outcome::Failed
            }
        }
    }
}

enum Outcome {
    Delivered,
    Gone,
    Failed,
}

/// What the browser receives: the app's name, a fixed sentence for the kind,
/// and a general page to open. Never the message, the concern or an activity.
pub fn payload(to: &data::Recipient, kind: PushKind) -> Vec<u8> {
    serde_json::json!({
        "title": Msg::AppName.text(to.lang),
        "body": kind.text().text(to.lang),
        "url": kind.page(to.staff),
        "tag": kind.as_str(),
    })
    .to_string()
    .into_bytes()
}

/// "Tomorrow" is wrong once that day has come.
fn stale(item: &Due, now: jiff::Timestamp) -> bool {
    item.kind == PushKind::ActivityTomorrow
        && item
            .ref_id
            .rsplit_once(':')
            .and_then(|(_, day)| day.parse::<jiff::civil::Date>().ok())
            .is_some_and(|day| now.to_zoned(copenhagen()).date() >= day)
}

/// The next time the clock in Copenhagen shows `to` (minutes after midnight).
fn quiet_ends(now: jiff::Timestamp, to: i64) -> i64 {
    let local = now.to_zoned(copenhagen());
    let at = |date: jiff::civil::Date| {
        date.at((to / 60) as i8, (to % 60) as i8, 0, 0)
            .to_zoned(copenhagen())
            .map(|z| z.timestamp().as_millisecond())
            .unwrap_or(now.as_millisecond() + 3_600_000)
    };
    let today = at(local.date());
    if today > now.as_millisecond() {
        today
    } else {
        local
            .date()
            .tomorrow()
            .map(at)
            .unwrap_or(now.as_millisecond() + 3_600_000)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_hours_end_at_the_next_morning_in_copenhagen() {
        // 22:30 in Copenhagen on 23 November 2026 (UTC+1).
        let now: jiff::Timestamp = "2026-11-23T21:30:00Z".parse().unwrap();
        let ends = jiff::Timestamp::from_millisecond(quiet_ends(now, 8 * 60)).unwrap();
        assert_eq!(ends.to_string(), "2026-11-24T07:00:00Z");
        // 06:00 the same morning: ends today at 08:00.
        let early: jiff::Timestamp = "2026-11-24T05:00:00Z".parse().unwrap();
        let ends = jiff::Timestamp::from_millisecond(quiet_ends(early, 8 * 60)).unwrap();
        assert_eq!(ends.to_string(), "2026-11-24T07:00:00Z");
    }

    fn ends(now: &str, to: i64) -> String {
        let now: jiff::Timestamp = now.parse().unwrap();
        jiff::Timestamp::from_millisecond(quiet_ends(now, to))
            .unwrap()
            .to_string()
    }

    #[test]
    fn quiet_hours_end_at_the_clock_time_across_daylight_saving_changes() {
        // Spring, 29 March 2026: 22:30 on the 28th (UTC+1) to 08:00 on the 29th (UTC+2).
        assert_eq!(ends("2026-03-28T21:30:00Z", 8 * 60), "2026-03-29T06:00:00Z");
        // Autumn, 25 October 2026: 22:30 on the 24th (UTC+2) to 08:00 on the 25th (UTC+1).
        assert_eq!(ends("2026-10-24T20:30:00Z", 8 * 60), "2026-10-25T07:00:00Z");
        // 02:30 comes twice that night; both times the quiet ends at 08:00.
        assert_eq!(ends("2026-10-25T00:30:00Z", 8 * 60), "2026-10-25T07:00:00Z");
        assert_eq!(ends("2026-10-25T01:30:00Z", 8 * 60), "2026-10-25T07:00:00Z");
        // An end at 02:30, which does not exist on 29 March: the clock's next time after it.
        assert_eq!(ends("2026-03-28T23:00:00Z", 2 * 60 + 30), "2026-03-29T01:30:00Z");
    }

    fn reminder_for(day: &str) -> Due {
        Due {
            id: "n".into(),
            user_id: "u".into(),
            kind: PushKind::ActivityTomorrow,
            ref_id: format!("activity:{day}"),
            attempts: 0,
        }
    }

    fn at(ts: &str) -> jiff::Timestamp {
        ts.parse().unwrap()
    }

    #[test]
    fn a_reminder_is_dropped_at_midnight_in_copenhagen_across_daylight_saving_changes() {
        let spring = reminder_for("2026-03-29");
        assert!(
            !stale(&spring, at("2026-03-28T22:59:00Z")),
            "23:59 on the 28th (UTC+1)"
        );
        assert!(stale(&spring, at("2026-03-28T23:00:00Z")), "midnight, the 29th");
        let monday = reminder_for("2026-03-30");
        assert!(
            !stale(&monday, at("2026-03-29T21:59:00Z")),
            "23:59 on the 29th (UTC+2)"
        );
        assert!(stale(&monday, at("2026-03-29T22:00:00Z")));
        let autumn = reminder_for("2026-10-25");
        assert!(
            !stale(&autumn, at("2026-10-24T21:59:00Z")),
            "23:59 on the 24th (UTC+2)"
        );
        assert!(stale(&autumn, at("2026-10-24T22:00:00Z")));
        let after = reminder_for("2026-10-26");
        assert!(
            !stale(&after, at("2026-10-25T22:59:00Z")),
            "23:59 on the 25th (UTC+1)"
        );
        assert!(stale(&after, at("2026-10-25T23:00:00Z")));
    }
}
