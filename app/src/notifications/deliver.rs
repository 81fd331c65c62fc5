//! Sends what is due in `push_outbox` to each of the person's browsers.
use super::data::{self, Due, Subscription};
use super::webpush::{self, VapidKeys};
use super::PushKind;
use crate::db::{copenhagen, Db};
use crate::error::AppError;
use crate::i18n::Msg;
use std::sync::Arc;
use std::time::Duration;

/// After this many failed tries a notification is given up (it is only a nudge;
/// the message or answer itself is safe in the app).
const MAX_ATTEMPTS: i64 = 8;

#[derive(Clone)]
pub struct Pusher {
    client: reqwest::Client,
    keys: Arc<VapidKeys>,
    /// Who runs this server, for the push service (`mailto:` or `https:`).
    subject: String,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub struct Round {
    pub sent: usize,
    pub postponed: usize,
    pub removed_subscriptions: usize,
}

impl Pusher {
    pub fn new(keys: VapidKeys, subject: String) -> Result<Pusher, AppError> {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(15))
            // A push service never redirects; following one could reach elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| {
                tracing::error!(error = %e, "could not build the push HTTP client");
                AppError::Internal
            })?;
        Ok(Pusher {
            client,
            keys: Arc::new(keys),
            subject,
        })
    }

    pub fn public_key(&self) -> String {
        self.keys.public_b64url()
    }

    /// One round: everything due now, oldest first.
    pub async fn deliver_due(&self, db: &Db, now: jiff::Timestamp) -> Result<Round, AppError> {
        let mut round = Round::default();
        let now_ms = now.as_millisecond();
        for item in data::due(db, now_ms, 100).await? {
            if stale(&item, now) {
                data::mark_sent(db, &item.id, now_ms).await?;
                continue;
            }
            let recipient = data::recipient(db, &item.user_id).await?;
            let local = now.to_zoned(copenhagen());
            let minute = i64::from(local.hour()) * 60 + i64::from(local.minute());
            if recipient.quiet.contains(minute) {
                data::postpone(db, &item.id, quiet_ends(now, recipient.quiet.to), false).await?;
                round.postponed += 1;
                continue;
            }
            let payload = payload(&recipient, item.kind);
            let mut delivered = false;
            let mut failed = false;
            let subscriptions = data::subscriptions_of(db, &item.user_id).await?;
            for sub in &subscriptions {
                match self.send(sub, &payload, item.kind).await {
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
        }
        Ok(round)
    }

    async fn send(&self, sub: &Subscription, payload: &[u8], kind: PushKind) -> Outcome {
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
}
