//! Push subscriptions, quiet hours and the queue of notifications to send.
use super::endpoint::{PushPolicy, Refused};
use super::{PushKind, QuietHours};
use crate::db::{new_id, Backend, Db};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::model::CurrentUser;
use crate::time::{copenhagen, day_bounds, now_ms};
use sqlx::AnyConnection;

/// A browser's push subscription, as it hands it over.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscription {
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

impl Subscription {
    /// Only an endpoint `policy` allows (a browser's push service over HTTPS).
    pub fn parse(endpoint: &str, p256dh: &str, auth: &str, policy: &PushPolicy) -> Result<Self, AppError> {
        let refuse = || AppError::invalid("push", Msg::PushSubscriptionInvalid);
        let endpoint = endpoint.trim();
        if endpoint.len() > 1000 {
            return Err(refuse());
        }
        match policy.check(endpoint) {
            Ok(_) => {}
            // A browser whose push service is not on the list: trying again will not help.
            Err(Refused::UnknownHost) => {
                tracing::info!("push subscription to an unlisted push service refused");
                return Err(AppError::invalid("push", Msg::PushServiceNotAllowed));
            }
            Err(why) => {
                tracing::info!(reason = %why, "push subscription refused");
                return Err(refuse());
            }
        }
        let key_like = |s: &str, len: std::ops::RangeInclusive<usize>| {
            len.contains(&s.len()) && s.chars().all(|c| c.is_ascii_alphanumeric() || "-_=".contains(c))
        };
        if !key_like(p256dh.trim(), 80..=100) || !key_like(auth.trim(), 16..=30) {
            return Err(refuse());
        }
        Ok(Subscription {
            endpoint: endpoint.to_string(),
            p256dh: p256dh.trim().to_string(),
            auth: auth.trim().to_string(),
        })
    }
}

/// Keeps a subscription for this person. A browser's endpoint belongs to
/// whoever subscribed last on it: one phone, two people, one receiver.
pub async fn subscribe(db: &Db, user: &CurrentUser, sub: &Subscription) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    sqlx::query("DELETE FROM push_subscriptions WHERE endpoint = $1")
        .bind(&sub.endpoint)
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(new_id())
    .bind(&user.id)
    .bind(&sub.endpoint)
    .bind(&sub.p256dh)
    .bind(&sub.auth)
    .bind(now_ms())
    .execute(&mut *tx)
    .await?;
    // A person has a handful of devices; the oldest beyond that are let go.
    sqlx::query(
        "DELETE FROM push_subscriptions WHERE user_id = $1 AND id NOT IN \
           (SELECT id FROM push_subscriptions WHERE user_id = $1 ORDER BY created_at DESC, id LIMIT $2)",
    )
    .bind(&user.id)
    .bind(MAX_DEVICES)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// How many browsers one person can receive notifications on.
pub const MAX_DEVICES: i64 = 10;

/// Removes this person's subscription for one browser (theirs only).
pub async fn unsubscribe(db: &Db, user: &CurrentUser, endpoint: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM push_subscriptions WHERE endpoint = $1 AND user_id = $2")
        .bind(endpoint.trim())
        .bind(&user.id)
        .execute(db.pool())
        .await?;
    Ok(())
}

pub async fn device_count(db: &Db, user_id: &str) -> Result<i64, AppError> {
    Ok(
        sqlx::query_scalar("SELECT COUNT(*) FROM push_subscriptions WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(db.pool())
            .await?,
    )
}

#[derive(sqlx::FromRow)]
struct QuietRow {
    quiet_hours_start: Option<i64>,
    quiet_hours_end: Option<i64>,
}

pub async fn quiet_hours(db: &Db, user_id: &str) -> Result<QuietHours, AppError> {
    let row =
        sqlx::query_as::<_, QuietRow>("SELECT quiet_hours_start, quiet_hours_end FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(db.pool())
            .await?;
    Ok(QuietHours::from_columns(
        row.quiet_hours_start,
        row.quiet_hours_end,
    ))
}

/// Whom a notification goes to: their language, whether staff, their quiet hours.
pub struct Recipient {
    pub lang: crate::i18n::Lang,
    pub staff: bool,
    pub quiet: QuietHours,
}

#[derive(sqlx::FromRow)]
struct RecipientRow {
    language: String,
    role: String,
    quiet_hours_start: Option<i64>,
    quiet_hours_end: Option<i64>,
}

pub async fn recipient(db: &Db, user_id: &str) -> Result<Recipient, AppError> {
    let row = sqlx::query_as::<_, RecipientRow>(
        "SELECT language, role, quiet_hours_start, quiet_hours_end FROM users WHERE id = $1",
    )
    .bind(user_id)
    .fetch_one(db.pool())
    .await?;
    Ok(Recipient {
        lang: crate::i18n::Lang::parse(&row.language).unwrap_or_default(),
        staff: row.role != crate::model::Role::Citizen.as_str(),
        quiet: QuietHours::from_columns(row.quiet_hours_start, row.quiet_hours_end),
    })
}

pub async fn set_quiet_hours(db: &Db, user: &CurrentUser, quiet: QuietHours) -> Result<(), AppError> {
    sqlx::query("UPDATE users SET quiet_hours_start = $1, quiet_hours_end = $2 WHERE id = $3")
        .bind(quiet.from)
        .bind(quiet.to)
        .bind(&user.id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Puts a notification for `user_id` in the queue, in the caller's
/// transaction, if they have a subscription. Once per (person, kind, thing).
pub async fn enqueue(
    conn: &mut AnyConnection,
    user_id: &str,
    kind: PushKind,
    ref_id: &str,
    due_at: i64,
) -> Result<(), AppError> {
    sqlx::query(
        "INSERT INTO push_outbox (id, user_id, kind, ref_id, due_at, created_at) \
         SELECT $1, $2, $3, $4, $5, $6 WHERE EXISTS (SELECT 1 FROM push_subscriptions WHERE user_id = $2) \
         ON CONFLICT (user_id, kind, ref_id) DO NOTHING",
    )
    .bind(new_id())
    .bind(user_id)
    .bind(kind.as_str())
    .bind(ref_id)
    .bind(due_at)
    .bind(now_ms())
    .execute(conn)
    .await?;
    Ok(())
}

/// The same for the citizen's current caseworker.
pub async fn enqueue_for_caseworker(
    conn: &mut AnyConnection,
    citizen: &crate::auth::policy::CitizenAccess,
    kind: PushKind,
    ref_id: &str,
) -> Result<(), AppError> {
    let caseworkers: Vec<String> = sqlx::query_scalar(
        "SELECT caseworker_id FROM caseload_assignments WHERE citizen_id = $1 AND ended_at IS NULL",
    )
    .bind(citizen.citizen_id())
    .fetch_all(&mut *conn)
    .await?;
    for caseworker in caseworkers {
        enqueue(&mut *conn, &caseworker, kind, ref_id, now_ms()).await?;
    }
    Ok(())
}

#[derive(sqlx::FromRow)]
struct ReminderRow {
    /// The activity's.
    id: String,
    citizen_id: String,
    quiet_hours_start: Option<i64>,
    quiet_hours_end: Option<i64>,
}

/// "You have an activity tomorrow": for activities on tomorrow's date
/// (Copenhagen), queued in the afternoon before, outside quiet hours, once.
pub async fn schedule_activity_reminders(db: &Db, now: jiff::Timestamp) -> Result<usize, AppError> {
    let local = now.to_zoned(copenhagen());
    if local.hour() < REMINDER_FROM_HOUR {
        return Ok(0);
    }
    let tomorrow = local.date().tomorrow().map_err(|_| AppError::Internal)?;
    // Tomorrow as a calendar day in Copenhagen: 23 or 25 hours long when the
    // clocks change, so its end is the next midnight, not its start + 24 h.
    let (start, end) = day_bounds(&tomorrow.to_string()).ok_or(AppError::Internal)?;
    // Each citizen with a subscription and an activity tomorrow not yet queued:
    // this runs every round, so what is done is not looked at again.
    let rows = sqlx::query_as::<_, ReminderRow>(
        "SELECT a.id, c.citizen_id, u.quiet_hours_start, u.quiet_hours_end \
         FROM activities a JOIN courses c ON c.id = a.course_id JOIN users u ON u.id = c.citizen_id \
         WHERE a.starts_at >= $1 AND a.starts_at < $2 AND a.status IN ('planned', 'ongoing') \
           AND EXISTS (SELECT 1 FROM push_subscriptions s WHERE s.user_id = c.citizen_id) \
           AND NOT EXISTS (SELECT 1 FROM push_outbox o WHERE o.user_id = c.citizen_id \
             AND o.kind = 'activity_tomorrow' AND o.ref_id = a.id || ':' || $3)",
    )
    .bind(start)
    .bind(end)
    .bind(tomorrow.to_string())
    .fetch_all(db.pool())
    .await?;
    let minute = i64::from(local.hour()) * 60 + i64::from(local.minute());
    let mut queued = 0;
    let mut conn = db.pool().acquire().await?;
    for row in rows {
        if QuietHours::from_columns(row.quiet_hours_start, row.quiet_hours_end).contains(minute) {
            continue;
        }
        // The day is part of the key: a moved activity is announced for its new day.
        enqueue(
            &mut conn,
            &row.citizen_id,
            PushKind::ActivityTomorrow,
            &format!("{}:{tomorrow}", row.id),
            now.as_millisecond(),
        )
        .await?;
        queued += 1;
    }
    Ok(queued)
}

/// Reminders go out from this hour the day before (and not in quiet hours).
pub const REMINDER_FROM_HOUR: i8 = 16;

/// A queued notification that is due.
#[derive(Clone, Debug)]
pub struct Due {
    pub id: String,
    pub user_id: String,
    pub kind: PushKind,
    pub ref_id: String,
    pub attempts: i64,
}

/// How long a claim on due notifications holds: longer than a round can take
/// (a batch, a few at a time, each send at most a few seconds). A process that
/// dies with a claim leaves it to the others once this has passed.
pub const CLAIM_LEASE_MS: i64 = 2 * 60 * 1000;

#[derive(sqlx::FromRow)]
struct DueRow {
    id: String,
    user_id: String,
    kind: String,
    ref_id: String,
    attempts: i64,
}

/// Claims up to `limit` due, unclaimed (or no longer claimed) notifications
/// for `claim` until `lease_until`, in one statement, and returns them: two
/// processes never claim the same row, so each is sent once.
pub async fn claim_due(
    db: &Db,
    claim: &str,
    now: i64,
    lease_until: i64,
    limit: i64,
) -> Result<Vec<Due>, AppError> {
    // On PostgreSQL a concurrent claim skips rows another is claiming; the
    // outer conditions are checked again on the row as it is after a wait,
    // so a row claimed meanwhile is left alone on both databases.
    let skip_locked = match db.backend() {
        Backend::Postgres => " FOR UPDATE SKIP LOCKED",
        Backend::Sqlite => "",
    };
    let open = "sent_at IS NULL AND due_at <= $3 AND (claimed_until IS NULL OR claimed_until < $3)";
    sqlx::query(&format!(
        "UPDATE push_outbox SET claimed_by = $1, claimed_until = $2 WHERE {open} AND id IN \
           (SELECT id FROM push_outbox WHERE {open} ORDER BY due_at LIMIT $4{skip_locked})"
    ))
    .bind(claim)
    .bind(lease_until)
    .bind(now)
    .bind(limit)
    .execute(db.pool())
    .await?;
    sqlx::query_as::<_, DueRow>(
        "SELECT id, user_id, kind, ref_id, attempts FROM push_outbox \
         WHERE claimed_by = $1 AND sent_at IS NULL ORDER BY due_at",
    )
    .bind(claim)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| {
        Ok(Due {
            kind: PushKind::parse(&r.kind).ok_or(AppError::Internal)?,
            id: r.id,
            user_id: r.user_id,
            ref_id: r.ref_id,
            attempts: r.attempts,
        })
    })
    .collect()
}

/// Done (sent, or given up): never claimed or sent again.
pub async fn mark_sent(db: &Db, id: &str, now: i64) -> Result<(), AppError> {
    sqlx::query("UPDATE push_outbox SET sent_at = $1, claimed_by = NULL, claimed_until = NULL WHERE id = $2")
        .bind(now)
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Tried again at `until` by whichever process claims it then.
pub async fn postpone(db: &Db, id: &str, until: i64, failed: bool) -> Result<(), AppError> {
    sqlx::query(
        "UPDATE push_outbox SET due_at = $1, attempts = attempts + $2, claimed_by = NULL, claimed_until = NULL \
         WHERE id = $3",
    )
    .bind(until)
    .bind(i64::from(failed))
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct SubscriptionRow {
    endpoint: String,
    p256dh: String,
    auth: String,
}

/// Where and how to reach one of a person's browsers.
pub async fn subscriptions_of(db: &Db, user_id: &str) -> Result<Vec<Subscription>, AppError> {
    Ok(sqlx::query_as::<_, SubscriptionRow>(
        "SELECT endpoint, p256dh, auth FROM push_subscriptions WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| Subscription {
        endpoint: r.endpoint,
        p256dh: r.p256dh,
        auth: r.auth,
    })
    .collect())
}

/// The push service says this subscription is gone (404/410).
pub async fn remove_endpoint(db: &Db, endpoint: &str) -> Result<(), AppError> {
    sqlx::query("DELETE FROM push_subscriptions WHERE endpoint = $1")
        .bind(endpoint)
        .execute(db.pool())
        .await?;
    Ok(())
}

const VAPID_SETTING: &str = "vapid_private_key";

/// The server's VAPID key: from configuration if given, else the one made
/// on first start and kept in `server_settings` (the first writer wins).
pub async fn vapid_keys(db: &Db, configured: Option<&str>) -> Result<super::webpush::VapidKeys, AppError> {
    use super::webpush::VapidKeys;
    use secrecy::ExposeSecret;
    if let Some(raw) = configured {
        return VapidKeys::from_private_b64url(raw).map_err(|e| {
            tracing::error!(error = %e, "the configured VAPID key is not a P-256 private key");
            AppError::Internal
        });
    }
    let read = || async {
        sqlx::query_scalar::<_, String>("SELECT value FROM server_settings WHERE name = $1")
            .bind(VAPID_SETTING)
            .fetch_optional(db.pool())
            .await
    };
    // Made once, on first use; after that only read (also from the "Mig" page).
    let stored = match read().await? {
        Some(stored) => stored,
        None => {
            let fresh = VapidKeys::generate();
            sqlx::query(
                "INSERT INTO server_settings (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
            )
            .bind(VAPID_SETTING)
            .bind(fresh.private_b64url().expose_secret())
            .execute(db.pool())
            .await?;
            // Another server may have won the race: its key is the key.
            read().await?.ok_or(AppError::Internal)?
        }
    };
    VapidKeys::from_private_b64url(&stored).map_err(|e| {
        tracing::error!(error = %e, "the stored VAPID key is unreadable");
        AppError::Internal
    })
}

/// A new message tells the other side: the citizen, or the citizen's caseworker.
pub async fn enqueue_message(
    conn: &mut AnyConnection,
    access: &crate::auth::policy::CitizenAccess,
    message_key: &str,
) -> Result<(), AppError> {
    if access.viewer().role == crate::model::Role::Citizen {
        enqueue_for_caseworker(conn, access, PushKind::Message, message_key).await
    } else {
        enqueue(
            conn,
            access.citizen_id(),
            PushKind::Message,
            message_key,
            now_ms(),
        )
        .await
    }
}
