use super::data::{self, Subscription};
use super::deliver::Pusher;
use super::webpush::{self, VapidKeys};
use super::*;
use crate::db::{new_id, Db};
use crate::db_test;
use crate::model::{CurrentUser, Role};
use crate::testing::{assign, user};
use base64::Engine;
use std::sync::{Arc, Mutex};

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// A browser's side of a subscription: its key pair and auth secret.
struct Browser {
    secret: p256::SecretKey,
    auth: [u8; 16],
}

impl Browser {
    fn new() -> Browser {
        Browser {
            secret: p256::SecretKey::random(&mut p256::elliptic_curve::rand_core::OsRng),
            auth: rand::random(),
        }
    }

    fn subscription(&self, endpoint: &str) -> Subscription {
        use p256::elliptic_curve::sec1::ToEncodedPoint;
        let public = self.secret.public_key().to_encoded_point(false);
        Subscription::parse(
            endpoint,
            &B64.encode(public.as_bytes()),
            &B64.encode(self.auth),
            true,
        )
        .unwrap()
    }
}

/// What a push service received.
#[derive(Clone, Debug)]
struct Received {
    path: String,
    headers: http::HeaderMap,
    body: Vec<u8>,
}

/// A local push service: answers 201, or 410 under `/gone/`.
async fn push_service() -> (String, Arc<Mutex<Vec<Received>>>) {
    use axum::extract::{Request, State};
    let received: Arc<Mutex<Vec<Received>>> = Arc::default();
    let app = axum::Router::new()
        .fallback(
            |State(log): State<Arc<Mutex<Vec<Received>>>>, req: Request| async move {
                let path = req.uri().path().to_string();
                let headers = req.headers().clone();
                let body = axum::body::to_bytes(req.into_body(), 1 << 20)
                    .await
                    .unwrap()
                    .to_vec();
                let gone = path.starts_with("/gone/");
                log.lock().unwrap().push(Received { path, headers, body });
                if gone {
                    http::StatusCode::GONE
                } else {
                    http::StatusCode::CREATED
                }
            },
        )
        .with_state(received.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (format!("http://{addr}"), received)
}

async fn no_quiet_hours(db: &Db, who: &CurrentUser) {
    data::set_quiet_hours(db, who, QuietHours { from: 0, to: 0 })
        .await
        .unwrap();
}

async fn queued(db: &Db, who: &CurrentUser) -> Vec<(String, Option<i64>)> {
    use sqlx::Row;
    sqlx::query("SELECT kind, sent_at FROM push_outbox WHERE user_id = $1 ORDER BY created_at")
        .bind(&who.id)
        .fetch_all(db.pool())
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
}

#[test]
fn quiet_hours_span_midnight_and_parse_clock_times() {
    let night = QuietHours::default();
    assert!(night.contains(22 * 60) && night.contains(0) && night.contains(7 * 60 + 59));
    assert!(!night.contains(8 * 60) && !night.contains(12 * 60) && !night.contains(20 * 60 + 59));
    let lunch = QuietHours::parse("12:00", "13:30").unwrap();
    assert!(lunch.contains(12 * 60 + 15) && !lunch.contains(13 * 60 + 30));
    assert!(!QuietHours { from: 0, to: 0 }.contains(600));
    for bad in ["24:00", "7:00", "12:60", "noon", ""] {
        assert!(QuietHours::parse(bad, "08:00").is_err(), "{bad}");
    }
    assert_eq!(QuietHours::format(8 * 60 + 5), "08:05");
}

#[test]
fn subscriptions_are_https_or_this_machine_only() {
    let key = B64.encode([4u8; 65]);
    let auth = B64.encode([1u8; 16]);
    assert!(Subscription::parse("https://push.example.net/abc", &key, &auth, false).is_ok());
    assert!(Subscription::parse("http://push.example.net/abc", &key, &auth, true).is_err());
    assert!(Subscription::parse("http://127.0.0.1:9000/abc", &key, &auth, false).is_err());
    assert!(Subscription::parse("http://127.0.0.1:9000/abc", &key, &auth, true).is_ok());
    assert!(Subscription::parse("https://push.example.net/abc", "<script>", &auth, false).is_err());
    assert!(Subscription::parse("javascript:alert(1)", &key, &auth, true).is_err());
}

db_test!(
    a_caseworkers_message_reaches_the_citizens_browser_encrypted_and_without_its_words,
    |db| {
        let (url, received) = push_service().await;
        let citizen = user(db, Role::Citizen, "Sofie").await;
        let caseworker = user(db, Role::Caseworker, "Mette").await;
        assign(db, &caseworker, &citizen).await;
        let browser = Browser::new();
        let gone = Browser::new();
        data::subscribe(db, &citizen, &browser.subscription(&format!("{url}/push/sofie")))
            .await
            .unwrap();
        data::subscribe(db, &citizen, &gone.subscription(&format!("{url}/gone/old-phone")))
            .await
            .unwrap();
        no_quiet_hours(db, &citizen).await;

        let secret_words = "Min ryg er værre efter praktikken";
        let key = new_id();
        for _ in 0..2 {
            // Sent twice (a retry): one message, one notification.
            crate::messages::data::start_thread(
                db,
                &caseworker,
                &citizen.id,
                "Praktik",
                None,
                secret_words,
                &key,
            )
            .await
            .unwrap();
        }
        assert_eq!(queued(db, &citizen).await, vec![("message".to_string(), None)]);

        let pusher = Pusher::new(VapidKeys::generate(), "mailto:drift@example.org".into()).unwrap();
        let round = pusher.deliver_due(db, jiff::Timestamp::now()).await.unwrap();
        assert_eq!(round.sent, 1);
        assert_eq!(round.removed_subscriptions, 1, "the 410 subscription is removed");
        assert_eq!(data::device_count(db, &citizen.id).await.unwrap(), 1);

        let got = received.lock().unwrap().clone();
        let push = got
            .iter()
            .find(|r| r.path == "/push/sofie")
            .expect("delivered to the live browser");
        let header = |name: &str| {
            push.headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        assert_eq!(header("content-encoding"), "aes128gcm");
        assert_eq!(header("ttl"), "86400");
        let claims =
            webpush::verify_authorization(&header("authorization"), &format!("{url}/push/sofie")).unwrap();
        assert_eq!(claims["aud"], url.as_str());
        assert!(header("authorization").contains(&format!("k={}", pusher.public_key())));

        let plain = webpush::decrypt(&push.body, &browser.secret, &browser.auth).unwrap();
        let note: serde_json::Value = serde_json::from_slice(&plain).unwrap();
        assert_eq!(note["body"], "Du har en ny besked i Mit Forløb.");
        assert_eq!(note["url"], "/messages");
        let text = String::from_utf8(plain).unwrap();
        assert!(
            !text.contains("ryg") && !text.contains("Praktik"),
            "no content in {text}"
        );
        // Someone else's key cannot read it.
        assert!(webpush::decrypt(&push.body, &Browser::new().secret, &browser.auth).is_err());

        // Sent once: the next round has nothing to do.
        let before = received.lock().unwrap().len();
        pusher.deliver_due(db, jiff::Timestamp::now()).await.unwrap();
        assert_eq!(received.lock().unwrap().len(), before);
    }
);

db_test!(quiet_hours_hold_a_notification_back, |db| {
    let (url, received) = push_service().await;
    let citizen = user(db, Role::Citizen, "Ali").await;
    let caseworker = user(db, Role::Caseworker, "Mette").await;
    assign(db, &caseworker, &citizen).await;
    data::subscribe(
        db,
        &citizen,
        &Browser::new().subscription(&format!("{url}/push/ali")),
    )
    .await
    .unwrap();
    // Quiet all day but the last minute.
    data::set_quiet_hours(
        db,
        &citizen,
        QuietHours {
            from: 0,
            to: 23 * 60 + 59,
        },
    )
    .await
    .unwrap();
    crate::messages::data::start_thread(db, &caseworker, &citizen.id, "Møde", None, "Hej", &new_id())
        .await
        .unwrap();
    let pusher = Pusher::new(VapidKeys::generate(), "mailto:drift@example.org".into()).unwrap();
    // 12:00 in Copenhagen.
    let noon: jiff::Timestamp = "2026-11-23T11:00:00Z".parse().unwrap();
    let now = jiff::Timestamp::now().max(noon);
    let round = pusher.deliver_due(db, now).await.unwrap();
    assert_eq!((round.sent, round.postponed), (0, 1));
    assert!(received.lock().unwrap().is_empty());
    assert_eq!(queued(db, &citizen).await, vec![("message".to_string(), None)]);
});

db_test!(who_is_told_about_messages_and_concerns, |db| {
    let citizen = user(db, Role::Citizen, "Birgitte").await;
    let caseworker = user(db, Role::Caseworker, "Mette").await;
    let other = user(db, Role::Caseworker, "Jonas").await;
    assign(db, &caseworker, &citizen).await;
    let sub = |name: &str| Browser::new().subscription(&format!("https://push.example.net/{name}"));
    // Without a subscription nothing is queued.
    crate::messages::data::start_thread(db, &caseworker, &citizen.id, "Hej", None, "Hej", &new_id())
        .await
        .unwrap();
    assert!(queued(db, &citizen).await.is_empty());
    data::subscribe(db, &citizen, &sub("birgitte")).await.unwrap();
    data::subscribe(db, &caseworker, &sub("mette")).await.unwrap();
    data::subscribe(db, &other, &sub("jonas")).await.unwrap();
    // The citizen writes: her caseworker is told, not another caseworker.
    crate::messages::data::start_thread(db, &citizen, &citizen.id, "Spørgsmål", None, "Hej", &new_id())
        .await
        .unwrap();
    assert_eq!(queued(db, &caseworker).await, vec![("message".to_string(), None)]);
    assert!(queued(db, &other).await.is_empty());
    assert!(
        queued(db, &citizen).await.is_empty(),
        "not told of her own message"
    );
});

db_test!(
    an_endpoint_belongs_to_whoever_subscribed_last_and_only_they_remove_it,
    |db| {
        let first = user(db, Role::Citizen, "Ali").await;
        let second = user(db, Role::Citizen, "Sofie").await;
        let sub = Browser::new().subscription("https://push.example.net/shared-phone");
        data::subscribe(db, &first, &sub).await.unwrap();
        data::subscribe(db, &second, &sub).await.unwrap();
        assert_eq!(data::device_count(db, &first.id).await.unwrap(), 0);
        assert_eq!(data::device_count(db, &second.id).await.unwrap(), 1);
        data::unsubscribe(db, &first, &sub.endpoint).await.unwrap();
        assert_eq!(data::device_count(db, &second.id).await.unwrap(), 1);
        data::unsubscribe(db, &second, &sub.endpoint).await.unwrap();
        assert_eq!(data::device_count(db, &second.id).await.unwrap(), 0);
        // However many browsers subscribe, a person keeps the newest few.
        for n in 0..data::MAX_DEVICES + 3 {
            let sub = Browser::new().subscription(&format!("https://push.example.net/device-{n}"));
            data::subscribe(db, &first, &sub).await.unwrap();
        }
        assert_eq!(
            data::device_count(db, &first.id).await.unwrap(),
            data::MAX_DEVICES
        );
    }
);

db_test!(
    an_activity_tomorrow_is_announced_once_in_the_afternoon_before,
    |db| {
        let citizen = user(db, Role::Citizen, "Ali").await;
        let course = crate::testing::course(db, &citizen).await;
        no_quiet_hours(db, &citizen).await;
        data::subscribe(
            db,
            &citizen,
            &Browser::new().subscription("https://push.example.net/ali"),
        )
        .await
        .unwrap();
        // 17:00 in Copenhagen on 23 November; the activity is at 09:30 on the 24th.
        let afternoon: jiff::Timestamp = "2026-11-23T16:00:00Z".parse().unwrap();
        let starts: jiff::Timestamp = "2026-11-24T08:30:00Z".parse().unwrap();
        sqlx::query(
            "INSERT INTO activities (id, course_id, kind, status, title, starts_at, created_at, updated_at) \
         VALUES ($1, $2, 'workplace_training', 'planned', 'Praktik', $3, $4, $4)",
        )
        .bind(new_id())
        .bind(&course)
        .bind(starts.as_millisecond())
        .bind(afternoon.as_millisecond())
        .execute(db.pool())
        .await
        .unwrap();
        let morning: jiff::Timestamp = "2026-11-23T08:00:00Z".parse().unwrap();
        assert_eq!(
            data::schedule_activity_reminders(db, morning).await.unwrap(),
            0,
            "not in the morning"
        );
        assert_eq!(data::schedule_activity_reminders(db, afternoon).await.unwrap(), 1);
        // The next rounds find it queued already.
        assert_eq!(data::schedule_activity_reminders(db, afternoon).await.unwrap(), 0);
        assert_eq!(
            queued(db, &citizen).await,
            vec![("activity_tomorrow".to_string(), None)]
        );
        // Not sent by the next day, it is not sent at all ("tomorrow" would be wrong).
        let pusher = Pusher::new(VapidKeys::generate(), "mailto:drift@example.org".into()).unwrap();
        let next_day: jiff::Timestamp = "2026-11-24T09:00:00Z".parse().unwrap();
        let round = pusher.deliver_due(db, next_day).await.unwrap();
        assert_eq!(round.sent, 0);
        assert!(
            queued(db, &citizen).await[0].1.is_some(),
            "closed without sending"
        );
    }
);

db_test!(the_vapid_key_is_made_once_and_kept, |db| {
    let first = data::vapid_keys(db, None).await.unwrap();
    let again = data::vapid_keys(db, None).await.unwrap();
    assert_eq!(first.public_b64url(), again.public_b64url());
    assert_eq!(B64.decode(first.public_b64url()).unwrap().len(), 65);
});
