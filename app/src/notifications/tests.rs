use super::data::{self, Subscription};
use super::deliver::Pusher;
use super::endpoint::{self, PushPolicy};
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
            &PushPolicy::allowing_private_for_tests(),
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

/// A local push service: answers 201 (after a moment under `/slow/`), or 410 under `/gone/`.
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
                if path.starts_with("/slow/") {
                    // Long enough for two senders' rounds to overlap.
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                }
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
    sqlx::query_as("SELECT kind, sent_at FROM push_outbox WHERE user_id = $1 ORDER BY created_at")
        .bind(&who.id)
        .fetch_all(db.pool())
        .await
        .unwrap()
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

/// A sender as the tests run it: to a push service on this machine.
fn pusher() -> Pusher {
    Pusher::new(
        VapidKeys::generate(),
        "mailto:drift@example.org".into(),
        PushPolicy::allowing_private_for_tests(),
    )
    .unwrap()
}

#[test]
fn only_the_browsers_push_services_over_https_are_accepted() {
    let key = B64.encode([4u8; 65]);
    let auth = B64.encode([1u8; 16]);
    let policy = PushPolicy::default();
    for good in [
        "https://fcm.googleapis.com/fcm/send/abc:def",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
        "https://web.push.apple.com/QGuP",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAAA",
        "https://FCM.googleapis.com./fcm/send/x",
        "https://fcm.googleapis.com:443/fcm/send/x",
    ] {
        assert!(Subscription::parse(good, &key, &auth, &policy).is_ok(), "{good}");
    }
    let invalid = AppError::invalid("push", Msg::PushSubscriptionInvalid);
    for bad in [
        "https://127.0.0.1/x",
        "https://127.1/x",
        "https://0x7f000001/x",
        "https://169.254.169.254/latest/meta-data/",
        "https://10.0.0.8/x",
        "https://192.168.1.1/x",
        "https://172.16.0.1/x",
        "https://[::1]/x",
        "https://[fc00::1]/x",
        "https://[fd12:3456::1]/x",
        "https://[::ffff:127.0.0.1]/x",
        "http://127.0.0.1:80@fcm.googleapis.com/x",
        "https://127.0.0.1:80@fcm.googleapis.com/x",
        "https://user@fcm.googleapis.com/x",
        "http://fcm.googleapis.com/fcm/send/x",
        "https://localhost/x",
        "https://localhost:8443/x",
        "https://push.localhost/x",
        "https://fcm.googleapis.com:8443/x",
        "ftp://fcm.googleapis.com/x",
        "javascript:alert(1)",
        "https:///x",
        "",
    ] {
        let err = Subscription::parse(bad, &key, &auth, &policy).unwrap_err();
        assert_eq!(err, invalid, "{bad}");
    }
    // A name not on the list: the person is told what to do instead.
    for unknown in [
        "https://push.example.net/x",
        "https://fcm.googleapis.com.evil.example/x",
        "https://evilfcm.googleapis.com/x",
        "https://intranet/x",
    ] {
        let err = Subscription::parse(unknown, &key, &auth, &policy).unwrap_err();
        let expected = if unknown.contains("intranet") {
            invalid.clone()
        } else {
            AppError::invalid("push", Msg::PushServiceNotAllowed)
        };
        assert_eq!(err, expected, "{unknown}");
    }
    assert_eq!(
        Msg::PushServiceNotAllowed.text(crate::i18n::Lang::Da),
        "Vi kan ikke sende notifikationer gennem denne browsers notifikationstjeneste. \
         Prøv en anden browser, for eksempel Chrome, Firefox, Edge eller Safari."
    );
    // With the list turned off (`*`), any public name, but still no address or local name.
    let any = PushPolicy::new(None);
    assert!(Subscription::parse("https://push.example.net/x", &key, &auth, &any).is_ok());
    for bad in [
        "https://localhost/x",
        "https://intranet/x",
        "https://10.0.0.1/x",
        "http://push.example.net/x",
    ] {
        assert!(Subscription::parse(bad, &key, &auth, &any).is_err(), "{bad}");
    }
    assert!(Subscription::parse("https://fcm.googleapis.com/x", "<script>", &auth, &policy).is_err());
}

#[test]
fn only_public_addresses_are_public() {
    for public in [
        "8.8.8.8",
        "1.1.1.1",
        "2a00:1450:4001::200e",
        "2002:0808:0808::1",
        "::ffff:8.8.8.8",
    ] {
        assert!(endpoint::is_public(public.parse().unwrap()), "{public}");
    }
    for private in [
        "127.0.0.1",
        "127.255.0.9",
        "0.0.0.0",
        "10.1.2.3",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.0.1",
        "169.254.169.254",
        "100.64.0.1",
        "192.0.2.7",
        "198.18.0.1",
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fc00::1",
        "fd00:ec2::254",
        "fe80::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:169.254.169.254",
        "64:ff9b::a00:1",
        "2002:7f00:1::1",
        "2001:db8::1",
        "2001:0:4136:e378::1",
    ] {
        assert!(!endpoint::is_public(private.parse().unwrap()), "{private}");
    }
}

/// A name service that answers `addresses` for every name, and counts the questions.
fn fake_dns(addresses: &[&str]) -> (endpoint::Lookup, Arc<Mutex<usize>>) {
    let asked: Arc<Mutex<usize>> = Arc::default();
    let addresses: Vec<std::net::IpAddr> = addresses.iter().map(|a| a.parse().unwrap()).collect();
    let count = asked.clone();
    let lookup: endpoint::Lookup = Arc::new(move |_host: String| {
        *count.lock().unwrap() += 1;
        let addresses = addresses.clone();
        Box::pin(async move { Ok(addresses) })
    });
    (lookup, asked)
}

#[tokio::test]
async fn the_resolver_gives_only_public_addresses_and_exactly_those() {
    use reqwest::dns::Resolve;
    let resolve = |addresses: &[&str], policy: PushPolicy| {
        let resolver = endpoint::CheckedResolver {
            policy,
            lookup: fake_dns(addresses).0,
        };
        resolver.resolve("fcm.googleapis.com".parse().unwrap())
    };
    let got: Vec<_> = resolve(&["142.250.74.42", "2a00:1450:4001::200a"], PushPolicy::default())
        .await
        .unwrap()
        .map(|a| a.ip().to_string())
        .collect();
    assert_eq!(got, ["142.250.74.42", "2a00:1450:4001::200a"]);
    // One private address among public ones is enough to refuse (rebinding).
    for addresses in [
        &["142.250.74.42", "10.0.0.5"][..],
        &["169.254.169.254"],
        &["127.0.0.1"],
        &["::1"],
        &["fc00::7"],
        &[],
    ] {
        assert!(
            resolve(addresses, PushPolicy::default()).await.is_err(),
            "{addresses:?}"
        );
    }
    assert!(resolve(&["127.0.0.1"], PushPolicy::allowing_private_for_tests())
        .await
        .is_ok());
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
            crate::via!(
                crate::testing::citizen_or_caseworker(db, &caseworker, &citizen.id),
                |a| crate::messages::data::start_thread(db, &a, "Praktik", None, secret_words, &key)
            )
            .unwrap();
        }
        assert_eq!(queued(db, &citizen).await, vec![("message".to_string(), None)]);

        let pusher = pusher();
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
    crate::via!(
        crate::testing::citizen_or_caseworker(db, &caseworker, &citizen.id),
        |a| crate::messages::data::start_thread(db, &a, "Møde", None, "Hej", &new_id())
    )
    .unwrap();
    let pusher = pusher();
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
    crate::via!(
        crate::testing::citizen_or_caseworker(db, &caseworker, &citizen.id),
        |a| crate::messages::data::start_thread(db, &a, "Hej", None, "Hej", &new_id())
    )
    .unwrap();
    assert!(queued(db, &citizen).await.is_empty());
    data::subscribe(db, &citizen, &sub("birgitte")).await.unwrap();
    data::subscribe(db, &caseworker, &sub("mette")).await.unwrap();
    data::subscribe(db, &other, &sub("jonas")).await.unwrap();
    // The citizen writes: her caseworker is told, not another caseworker.
    crate::via!(
        crate::testing::citizen_or_caseworker(db, &citizen, &citizen.id),
        |a| crate::messages::data::start_thread(db, &a, "Spørgsmål", None, "Hej", &new_id())
    )
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
        let pusher = pusher();
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

/// A push service that takes connections and never answers; returns its
/// address and how many connections it took.
async fn hanging_service() -> (String, Arc<Mutex<usize>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let taken: Arc<Mutex<usize>> = Arc::default();
    let count = taken.clone();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((socket, _)) = listener.accept().await {
            *count.lock().unwrap() += 1;
            held.push(socket);
        }
    });
    (format!("http://{addr}"), taken)
}

/// A citizen with one browser at `endpoint` and no quiet hours, and a
/// notification for them queued (due at `due_at`).
async fn waiting_citizen(db: &Db, name: &str, endpoint: &str, due_at: i64) -> CurrentUser {
    let citizen = user(db, Role::Citizen, name).await;
    data::subscribe(db, &citizen, &Browser::new().subscription(endpoint))
        .await
        .unwrap();
    no_quiet_hours(db, &citizen).await;
    let mut conn = db.pool().acquire().await.unwrap();
    data::enqueue(&mut conn, &citizen.id, PushKind::Message, &new_id(), due_at)
        .await
        .unwrap();
    citizen
}

fn paths(received: &Arc<Mutex<Vec<Received>>>) -> Vec<String> {
    let mut paths: Vec<String> = received.lock().unwrap().iter().map(|r| r.path.clone()).collect();
    paths.sort();
    paths
}

/// Runs `body` with a fresh database and a second connection pool on it (a
/// second server process), on SQLite and on PostgreSQL.
macro_rules! two_process_test {
    ($name:ident, |$db:ident, $other:ident| $body:block) => {
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($db: &Db, $other: &Db) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                let t = crate::testing::TestDb::create(false).await;
                let db = t.migrated().await;
                let other = t.second_process().await;
                run(&db, &other).await;
                other.close().await;
                db.close().await;
                t.drop_it().await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                let t = crate::testing::TestDb::create(true).await;
                let db = t.migrated().await;
                let other = t.second_process().await;
                run(&db, &other).await;
                other.close().await;
                db.close().await;
                t.drop_it().await;
            }
        }
    };
}

two_process_test!(two_server_processes_send_each_notification_once, |db, other| {
    let (url, received) = push_service().await;
    let now = jiff::Timestamp::now();
    let mut expected = Vec::new();
    for n in 0..12 {
        waiting_citizen(
            db,
            &format!("Borger {n}"),
            &format!("{url}/slow/{n:02}"),
            now.as_millisecond(),
        )
        .await;
        expected.push(format!("/slow/{n:02}"));
    }
    let (first, second) = (pusher(), pusher());
    // Both processes' loops run at once, a few rounds each.
    let mut sent = 0;
    for _ in 0..3 {
        let (a, b) = tokio::join!(first.deliver_due(db, now), second.deliver_due(other, now));
        sent += a.unwrap().sent + b.unwrap().sent;
    }
    assert_eq!(
        paths(&received),
        expected,
        "each notification delivered exactly once"
    );
    assert_eq!(sent, 12);
    let unsent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM push_outbox WHERE sent_at IS NULL")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(unsent, 0);
});

db_test!(a_claim_left_by_a_crashed_process_is_sent_after_its_lease, |db| {
    let (url, received) = push_service().await;
    let now = jiff::Timestamp::now();
    waiting_citizen(db, "Ali", &format!("{url}/push/ali"), now.as_millisecond()).await;
    // A process claims it and dies before sending.
    let claimed = data::claim_due(
        db,
        "crashed-process",
        now.as_millisecond(),
        now.as_millisecond() + data::CLAIM_LEASE_MS,
        10,
    )
    .await
    .unwrap();
    assert_eq!(claimed.len(), 1);
    let pusher = pusher();
    let during_lease = now + jiff::SignedDuration::from_secs(30);
    assert_eq!(pusher.deliver_due(db, during_lease).await.unwrap().sent, 0);
    assert!(received.lock().unwrap().is_empty(), "not while the claim holds");
    let after_lease = now + jiff::SignedDuration::from_millis(data::CLAIM_LEASE_MS + 1000);
    assert_eq!(pusher.deliver_due(db, after_lease).await.unwrap().sent, 1);
    assert_eq!(pusher.deliver_due(db, after_lease).await.unwrap().sent, 0);
    assert_eq!(paths(&received), ["/push/ali"]);
});

db_test!(
    hanging_push_services_do_not_hold_up_someone_elses_notification,
    |db| {
        let (url, received) = push_service().await;
        let (hanging, taken) = hanging_service().await;
        let now = jiff::Timestamp::now();
        // Four people whose push service hangs come first in the queue.
        for n in 0..4 {
            waiting_citizen(
                db,
                &format!("Hænger {n}"),
                &format!("{hanging}/h/{n}"),
                now.as_millisecond() - 60_000,
            )
            .await;
        }
        waiting_citizen(db, "Sofie", &format!("{url}/push/sofie"), now.as_millisecond()).await;
        let pusher = pusher();
        let started = std::time::Instant::now();
        let round = {
            let db = db.clone();
            tokio::spawn(async move { pusher.deliver_due(&db, now).await })
        };
        let mut arrived = None;
        while started.elapsed() < std::time::Duration::from_secs(4) {
            if !received.lock().unwrap().is_empty() {
                arrived = Some(started.elapsed());
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        let arrived = arrived.expect("Sofie's notification was sent");
        assert!(arrived < std::time::Duration::from_secs(3), "took {arrived:?}");
        let round = round.await.unwrap().unwrap();
        assert!(
            started.elapsed() < super::deliver::SEND_TIMEOUT + std::time::Duration::from_secs(3),
            "the round ends after one short timeout, not four"
        );
        assert_eq!((round.sent, round.postponed), (1, 4));
        assert_eq!(*taken.lock().unwrap(), 4, "the hanging ones were tried");
        assert_eq!(paths(&received), ["/push/sofie"]);
    }
);

db_test!(a_name_resolving_to_a_private_address_is_not_sent_to, |db| {
    let now = jiff::Timestamp::now();
    // The list allows this name; its DNS answer is this machine (rebinding).
    let policy = PushPolicy::new(Some(vec!["push.example.net".into()]));
    let citizen = user(db, Role::Citizen, "Ali").await;
    no_quiet_hours(db, &citizen).await;
    let browser = Browser::new();
    let sub = Subscription::parse(
        "https://push.example.net/ali",
        &browser.subscription("http://127.0.0.1:1/x").p256dh,
        &B64.encode(browser.auth),
        &policy,
    )
    .unwrap();
    data::subscribe(db, &citizen, &sub).await.unwrap();
    let mut conn = db.pool().acquire().await.unwrap();
    data::enqueue(
        &mut conn,
        &citizen.id,
        PushKind::Message,
        "m1",
        now.as_millisecond(),
    )
    .await
    .unwrap();
    drop(conn);
    let (lookup, asked) = fake_dns(&["127.0.0.1"]);
    let pusher = Pusher::with_lookup(
        VapidKeys::generate(),
        "mailto:drift@example.org".into(),
        policy.clone(),
        lookup,
    )
    .unwrap();
    let round = pusher.deliver_due(db, now).await.unwrap();
    assert_eq!((round.sent, round.postponed), (0, 1), "refused, tried later");
    assert!(
        *asked.lock().unwrap() >= 1,
        "the name was looked up by our resolver"
    );
    let attempts: i64 = sqlx::query_scalar("SELECT attempts FROM push_outbox WHERE user_id = $1")
        .bind(&citizen.id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(attempts, 1);

    // A subscription stored before these rules, to an address on this
    // machine: nothing connects to it, and it is let go.
    let (hanging, taken) = hanging_service().await;
    let old = user(db, Role::Citizen, "Sofie").await;
    no_quiet_hours(db, &old).await;
    let stored = Browser::new().subscription(&format!("{}/old", hanging.replace("http:", "https:")));
    data::subscribe(db, &old, &stored).await.unwrap();
    let mut conn = db.pool().acquire().await.unwrap();
    data::enqueue(&mut conn, &old.id, PushKind::Message, "m2", now.as_millisecond())
        .await
        .unwrap();
    drop(conn);
    let round = pusher
        .deliver_due(db, now + jiff::SignedDuration::from_secs(3600))
        .await
        .unwrap();
    assert_eq!(round.removed_subscriptions, 1);
    assert_eq!(*taken.lock().unwrap(), 0, "no connection to a private address");
    assert_eq!(data::device_count(db, &old.id).await.unwrap(), 0);
});

/// An activity for `course` at the instant `starts` (UTC).
async fn activity_at(db: &Db, course: &str, starts: &str) -> String {
    let id = new_id();
    let starts: jiff::Timestamp = starts.parse().unwrap();
    sqlx::query(
        "INSERT INTO activities (id, course_id, kind, status, title, starts_at, created_at, updated_at) \
         VALUES ($1, $2, 'workplace_training', 'planned', 'Praktik', $3, $4, $4)",
    )
    .bind(&id)
    .bind(course)
    .bind(starts.as_millisecond())
    .bind(crate::time::now_ms())
    .execute(db.pool())
    .await
    .unwrap();
    id
}

async fn reminder_refs(db: &Db, who: &CurrentUser) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT ref_id FROM push_outbox WHERE user_id = $1 AND kind = 'activity_tomorrow' ORDER BY ref_id",
    )
    .bind(&who.id)
    .fetch_all(db.pool())
    .await
    .unwrap()
}

db_test!(
    activity_reminders_follow_calendar_days_across_daylight_saving_changes,
    |db| {
        let at = |ts: &str| ts.parse::<jiff::Timestamp>().unwrap();
        // Default quiet hours, 21:00–08:00.
        let citizen = user(db, Role::Citizen, "Ali").await;
        let course = crate::testing::course(db, &citizen).await;
        data::subscribe(
            db,
            &citizen,
            &Browser::new().subscription("https://push.example.net/ali"),
        )
        .await
        .unwrap();

        // Spring: the clocks go forward on Sunday 29 March 2026, a 23-hour day.
        // 00:30 on Monday 30 March (UTC+2) is "tomorrow" on Sunday, not on Saturday.
        let monday = activity_at(db, &course, "2026-03-29T22:30:00Z").await;
        assert_eq!(
            data::schedule_activity_reminders(db, at("2026-03-28T16:00:00Z"))
                .await
                .unwrap(),
            0,
            "17:00 Saturday"
        );
        assert_eq!(
            data::schedule_activity_reminders(db, at("2026-03-29T13:59:00Z"))
                .await
                .unwrap(),
            0,
            "15:59 Sunday"
        );
        assert_eq!(
            data::schedule_activity_reminders(db, at("2026-03-29T19:30:00Z"))
                .await
                .unwrap(),
            0,
            "21:30, quiet"
        );
        assert_eq!(
            data::schedule_activity_reminders(db, at("2026-03-29T14:00:00Z"))
                .await
                .unwrap(),
            1,
            "16:00 Sunday"
        );
        assert_eq!(
            reminder_refs(db, &citizen).await,
            [format!("{monday}:2026-03-30")]
        );

        // Autumn: the clocks go back on Sunday 25 October 2026, a 25-hour day.
        // 23:30 that Sunday (UTC+1) is "tomorrow" on Saturday; 00:30 Monday is not.
        let late_sunday = activity_at(db, &course, "2026-10-25T22:30:00Z").await;
        activity_at(db, &course, "2026-10-25T23:30:00Z").await;
        assert_eq!(
            data::schedule_activity_reminders(db, at("2026-10-24T13:59:00Z"))
                .await
                .unwrap(),
            0,
            "15:59 Saturday"
        );
        assert_eq!(
            data::schedule_activity_reminders(db, at("2026-10-24T19:00:00Z"))
                .await
                .unwrap(),
            0,
            "21:00, quiet"
        );
        assert_eq!(
            data::schedule_activity_reminders(db, at("2026-10-24T14:00:00Z"))
                .await
                .unwrap(),
            1,
            "16:00 Saturday"
        );
        let refs = reminder_refs(db, &citizen).await;
        assert!(refs.contains(&format!("{late_sunday}:2026-10-25")), "{refs:?}");
        assert_eq!(refs.len(), 2);
    }
);

db_test!(
    quiet_hours_hold_back_by_the_clock_in_copenhagen_across_daylight_saving_changes,
    |db| {
        let (url, received) = push_service().await;
        // Default quiet hours, 21:00–08:00.
        let citizen = user(db, Role::Citizen, "Ali").await;
        data::subscribe(
            db,
            &citizen,
            &Browser::new().subscription(&format!("{url}/push/ali")),
        )
        .await
        .unwrap();
        let mut conn = db.pool().acquire().await.unwrap();
        let queued_at: jiff::Timestamp = "2026-03-28T12:00:00Z".parse().unwrap();
        data::enqueue(
            &mut conn,
            &citizen.id,
            PushKind::Message,
            "m",
            queued_at.as_millisecond(),
        )
        .await
        .unwrap();
        drop(conn);
        let pusher = pusher();
        let due = || async {
            sqlx::query_scalar::<_, i64>("SELECT due_at FROM push_outbox WHERE user_id = $1")
                .bind(&citizen.id)
                .fetch_one(db.pool())
                .await
                .unwrap()
        };
        // 07:30 on Sunday 29 March is summer time already (05:30 UTC): still quiet,
        // until 08:00 summer time.
        let early: jiff::Timestamp = "2026-03-29T05:30:00Z".parse().unwrap();
        assert_eq!(pusher.deliver_due(db, early).await.unwrap().postponed, 1);
        assert_eq!(
            due().await,
            "2026-03-29T06:00:00Z"
                .parse::<jiff::Timestamp>()
                .unwrap()
                .as_millisecond()
        );
        // 08:30 summer time (06:30 UTC; on winter time it would still be 07:30).
        let morning: jiff::Timestamp = "2026-03-29T06:30:00Z".parse().unwrap();
        assert_eq!(pusher.deliver_due(db, morning).await.unwrap().sent, 1);
        assert_eq!(paths(&received), ["/push/ali"]);
    }
);
