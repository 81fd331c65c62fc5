//! The outgoing queue's sends as the server answers them (`app/src/pwa/queue.rs`):
//! confirmed only after the write returned Ok (again for a key already
//! stored), refused with the field's page for what the person can correct,
//! kept (no confirmation) for a server error or a missing session, and
//! refused with nothing stored when the session is not the item's owner.
use axum::body::Body;
use axum::http::{header, Request, StatusCode};

mod support;
use support::{both, spawn_app, TestApp};

impl TestApp {
    /// A send from the outgoing queue, as `public/outbox.js` makes it.
    async fn queued(
        &self,
        path: &str,
        body: &str,
        cookie: Option<&str>,
        owner: Option<&str>,
    ) -> (StatusCode, axum::http::HeaderMap, String) {
        let mut req = Request::post(path)
            .header(header::ACCEPT, "application/json")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .header("x-outbox", "1")
            .header(header::CONTENT_LENGTH, body.len());
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        if let Some(o) = owner {
            req = req.header("x-offline-key", o);
        }
        self.send(req.body(Body::from(body.to_string())).unwrap()).await
    }

    async fn owner_of(&self, email: &str) -> String {
        let id = sqlx::query_scalar::<_, String>("SELECT id FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(self.db.pool())
            .await
            .unwrap();
        app::pwa::offline_key(&id)
    }
}

const ALI: &str = "ali@demo.mitforlob.dk";
const METTE: &str = "mette@demo.mitforlob.dk";
const MESSAGES_WITH_KEY: &str = "SELECT COUNT(*) FROM messages WHERE idempotency_key = $1";

fn confirmed(h: &axum::http::HeaderMap) -> Option<&str> {
    h.get("x-outbox-confirmed").map(|v| v.to_str().unwrap())
}

both!(
    a_queued_send_is_confirmed_once_stored_and_again_when_sent_twice,
    |app| {
        let ali = app.login(ALI).await;
        let owner = app.owner_of(ALI).await;
        let key = "k-queued-thread-0001";
        let body = format!("subject=Fra%20k%C3%B8en&body=Skrevet%20uden%20net&form_key={key}");
        let mut places = Vec::new();
        for _ in 0..2 {
            let (status, h, _) = app
                .queued("/api/start-thread", &body, Some(&ali), Some(&owner))
                .await;
            // An answer about the item, not a redirect to follow.
            assert_eq!(status, StatusCode::OK);
            assert_eq!(confirmed(&h), Some(key));
            places.push(h[header::LOCATION].to_str().unwrap().to_string());
        }
        assert_eq!(places[0], places[1], "the second send is the stored one");
        assert_eq!(app.count(MESSAGES_WITH_KEY, key).await, 1);

        // A reply and a wellbeing entry are confirmed the same way.
        let thread = places[0]
            .split('?')
            .next()
            .unwrap()
            .trim_start_matches("/messages/")
            .to_string();
        let reply_key = "k-queued-reply-00001";
        let reply = format!("thread_id={thread}&body=Et%20svar&form_key={reply_key}");
        for _ in 0..2 {
            let (status, h, _) = app
                .queued("/api/send-message", &reply, Some(&ali), Some(&owner))
                .await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(confirmed(&h), Some(reply_key));
        }
        assert_eq!(app.count(MESSAGES_WITH_KEY, reply_key).await, 1);
        let day_key = "k-queued-wellbeing-1";
        let entry = format!("mood=3&energy=3&pain=2&sleep=4&note=&form_key={day_key}");
        for _ in 0..2 {
            let (status, h, _) = app
                .queued("/api/log-wellbeing", &entry, Some(&ali), Some(&owner))
                .await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(confirmed(&h), Some(day_key));
        }
        let stored = app
            .count(
                "SELECT COUNT(*) FROM wellbeing_entries WHERE idempotency_key LIKE $1",
                &format!("{day_key}-%"),
            )
            .await;
        assert_eq!(stored, 1);

        // A plain form post is answered as before, with no word for the queue.
        let (status, h, _) = app
            .post_form(
                "/api/start-thread",
                "subject=Almindelig&body=Uden%20k%C3%B8&form_key=k-plain-form-000001",
                Some(&ali),
            )
            .await;
        assert_eq!(status, StatusCode::FOUND);
        assert_eq!(confirmed(&h), None);
    }
);

both!(
    a_refusal_tied_to_a_field_names_its_page_and_stores_nothing,
    |app| {
        let ali = app.login(ALI).await;
        let owner = app.owner_of(ALI).await;
        let key = "k-queued-refused-001";
        let body = format!("subject=%20%20&body=Min%20tekst&form_key={key}");
        let (status, h, _) = app
            .queued("/api/start-thread", &body, Some(&ali), Some(&owner))
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(h["x-outbox"], "refused");
        assert_eq!(confirmed(&h), None);
        assert_eq!(
            h[header::LOCATION],
            "/messages/new?error=messages.subject_missing&field=subject"
        );
        assert_eq!(app.count(MESSAGES_WITH_KEY, key).await, 0);
        // The page it names shows the reason with the text kept.
        let (status, _, page) = app
            .get(
                "/messages/new?error=messages.subject_missing&field=subject",
                Some(&ali),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Min tekst"));
    }
);

both!(a_failed_write_is_never_confirmed_and_stays_queued, |app| {
    let ali = app.login(ALI).await;
    let owner = app.owner_of(ALI).await;
    // The database refuses every new message, as a full disk would.
    let refuse: &[&str] = if app.postgres {
        &[
            "CREATE FUNCTION refuse_messages() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk full'; END; $$ LANGUAGE plpgsql",
            "CREATE TRIGGER refuse_messages BEFORE INSERT ON messages FOR EACH ROW EXECUTE FUNCTION refuse_messages()",
        ]
    } else {
        &["CREATE TRIGGER refuse_messages BEFORE INSERT ON messages BEGIN SELECT RAISE(ABORT, 'disk full'); END"]
    };
    for sql in refuse {
        sqlx::query(sql).execute(app.db.pool()).await.unwrap();
    }
    let key = "k-queued-failing-001";
    let body = format!("subject=Vigtigt&body=M%C3%A5%20ikke%20g%C3%A5%20tabt&form_key={key}");
    let (status, h, _) = app
        .queued("/api/start-thread", &body, Some(&ali), Some(&owner))
        .await;
    assert!(status.is_server_error(), "{status}");
    assert_eq!(confirmed(&h), None);
    assert!(h.get("x-outbox").is_none(), "not a refusal: the queue keeps it");
    assert_eq!(app.count(MESSAGES_WITH_KEY, key).await, 0);

    // The disk has room again: the same item is stored, once, and confirmed.
    let drop = if app.postgres {
        "DROP TRIGGER refuse_messages ON messages"
    } else {
        "DROP TRIGGER refuse_messages"
    };
    sqlx::query(drop).execute(app.db.pool()).await.unwrap();
    let (status, h, _) = app
        .queued("/api/start-thread", &body, Some(&ali), Some(&owner))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(confirmed(&h), Some(key));
    assert_eq!(app.count(MESSAGES_WITH_KEY, key).await, 1);
});

both!(another_persons_item_is_refused_and_nothing_is_stored, |app| {
    let ali_owner = app.owner_of(ALI).await;
    let key = "k-queued-not-owner-1";
    let body = format!("subject=Ali%20skrev&body=Ikke%20Mettes&form_key={key}");

    // The session ended: kept for when the writer logs in again.
    let (status, h, _) = app
        .queued("/api/start-thread", &body, None, Some(&ali_owner))
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(h["x-outbox"], "login");
    assert_eq!(confirmed(&h), None);

    // The next person's cookie, the first person's item: refused, for every
    // queued send, and with no owner named at all.
    let mette = app.login(METTE).await;
    let sofie_id =
        sqlx::query_scalar::<_, String>("SELECT id FROM users WHERE email = 'sofie@demo.mitforlob.dk'")
            .fetch_one(app.db.pool())
            .await
            .unwrap();
    let sends = [
        ("/api/start-thread", format!("citizen_id={sofie_id}&{body}")),
        (
            "/api/log-wellbeing",
            format!("mood=3&energy=3&pain=2&sleep=4&note=&form_key={key}"),
        ),
    ];
    for (path, form) in &sends {
        for owner in [Some(ali_owner.as_str()), None] {
            let (status, h, _) = app.queued(path, form, Some(&mette), owner).await;
            assert_eq!(status, StatusCode::CONFLICT, "{path}");
            assert_eq!(h["x-outbox"], "not-owner");
            assert_eq!(confirmed(&h), None);
        }
    }
    assert_eq!(app.count(MESSAGES_WITH_KEY, key).await, 0);
    let entries = app
        .count(
            "SELECT COUNT(*) FROM wellbeing_entries WHERE idempotency_key LIKE $1",
            &format!("{key}-%"),
        )
        .await;
    assert_eq!(entries, 0);

    // Her own item goes through.
    let mette_owner = app.owner_of(METTE).await;
    let (status, h, _) = app
        .queued("/api/start-thread", &sends[0].1, Some(&mette), Some(&mette_owner))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(confirmed(&h), Some(key));
});

both!(every_page_says_whose_it_is_and_only_a_citizens_is_kept, |app| {
    let person =
        |h: &axum::http::HeaderMap| h.get("x-offline-person").map(|v| v.to_str().unwrap().to_string());
    let ali = app.login(ALI).await;
    let (_, h, _) = app.get("/plan", Some(&ali)).await;
    assert_eq!(person(&h), Some(app.owner_of(ALI).await));
    assert_eq!(h["x-offline-key"], app.owner_of(ALI).await.as_str());
    let mette = app.login(METTE).await;
    let (_, h, _) = app.get("/caseload", Some(&mette)).await;
    assert_eq!(person(&h), Some(app.owner_of(METTE).await));
    assert!(h.get("x-offline-key").is_none());
    let (_, h, page) = app.get("/login", None).await;
    assert_eq!(person(&h), None);
    assert!(
        page.contains("id=\"held\""),
        "the login page can tell of unsent items"
    );
});
