//! Messages on both databases: ordering, unread counts, read receipts,
//! repeats that store nothing more, and who may see a thread.
use super::data;
use super::InboxFilter;
use crate::db::{new_id, Db};
use crate::db_test;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::model::{CurrentUser, Role};
use crate::testing::{assign, audit_count, user};

async fn message_count(db: &Db, thread_id: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM messages WHERE thread_id = $1")
        .bind(thread_id)
        .fetch_one(db.pool())
        .await
        .unwrap()
}

async fn pair(db: &Db) -> (CurrentUser, CurrentUser) {
    let mette = user(db, Role::Caseworker, "Mette").await;
    let ali = user(db, Role::Citizen, "Ali").await;
    assign(db, &mette, &ali).await;
    (mette, ali)
}

#[test]
fn empty_and_overlong_messages_are_refused() {
    use data::{MessageBody, Subject};
    assert_eq!(
        MessageBody::parse(" \n\t ").unwrap_err().message(),
        Msg::MessagesBodyMissing
    );
    let long = "æ".repeat(super::BODY_MAX + 1);
    assert_eq!(
        MessageBody::parse(&long).unwrap_err().message(),
        Msg::MessagesBodyTooLong
    );
    assert_eq!(&*MessageBody::parse("  Hej  ").unwrap(), "Hej");
    assert_eq!(Subject::parse("").unwrap_err().field(), Some("subject"));
    // The limit is counted as the counter counts: a line break is one
    // character, though a form sends it as two.
    let full = format!("{}\r\n{}", "a".repeat(2000), "b".repeat(super::BODY_MAX - 2001));
    assert_eq!(crate::forms::count_chars(&full), super::BODY_MAX);
    assert!(MessageBody::parse(&full).is_ok());
    assert!(Subject::parse(&"s".repeat(super::SUBJECT_MAX)).is_ok());
    assert!(Subject::parse(&"s".repeat(super::SUBJECT_MAX + 1)).is_err());
}

db_test!(a_conversation_keeps_order_unread_counts_and_read_receipts, |db| {
    let (mette, ali) = pair(db).await;
    let thread = crate::via!(crate::testing::citizen_or_caseworker(db, &ali, &ali.id), |a| {
        data::start_thread(db, &a, "Flere timer?", None, "Kan jeg få flere timer?", &new_id())
    })
    .unwrap();
    // The caseworker's inbox: waiting for us, one unread.
    let inbox = data::inbox(db, &mette, InboxFilter::WaitingForUs).await.unwrap();
    assert_eq!(inbox.len(), 1);
    assert!(inbox[0].waiting_for_us);
    assert_eq!(inbox[0].unread, 1);
    assert_eq!(audit_count(db, &mette, &ali).await, 1);
    // Opening the thread reads it (audited); the citizen never sees read times.
    let seen = crate::via!(
        crate::auth::policy::thread(
            db,
            &mette,
            &thread,
            crate::auth::policy::Use::Read(crate::audit::AuditAction::MessageThread)
        ),
        |a| data::thread(db, &a, &thread)
    )
    .unwrap();
    assert_eq!(seen.messages.len(), 1);
    assert_eq!(audit_count(db, &mette, &ali).await, 2);
    let mine = crate::via!(
        crate::auth::policy::thread(
            db,
            &ali,
            &thread,
            crate::auth::policy::Use::Read(crate::audit::AuditAction::MessageThread)
        ),
        |a| data::thread(db, &a, &thread)
    )
    .unwrap();
    assert!(mine.messages[0].mine);
    assert_eq!(mine.messages[0].read, None, "no read receipts for citizens");
    // The caseworker answers and asks for a reply.
    crate::via!(
        crate::auth::policy::thread(db, &mette, &thread, crate::auth::policy::Use::Write),
        |a| data::reply(db, &a, &thread, "Ja. Hvilke dage passer dig?", &new_id(), true)
    )
    .unwrap();
    let rows = crate::via!(crate::testing::own(&ali), |a| data::citizen_threads(db, &a)).unwrap();
    assert_eq!((rows[0].unread, rows[0].waiting_for_you), (1, true));
    assert!(data::inbox(db, &mette, InboxFilter::WaitingForUs)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        data::inbox(db, &mette, InboxFilter::WaitingForCitizen)
            .await
            .unwrap()
            .len(),
        1
    );
    // Mette sees when her message was read, once Ali has opened it.
    let before = crate::via!(
        crate::auth::policy::thread(
            db,
            &mette,
            &thread,
            crate::auth::policy::Use::Read(crate::audit::AuditAction::MessageThread)
        ),
        |a| data::thread(db, &a, &thread)
    )
    .unwrap();
    assert_eq!(before.messages[1].read, None);
    let opened = crate::via!(
        crate::auth::policy::thread(
            db,
            &ali,
            &thread,
            crate::auth::policy::Use::Read(crate::audit::AuditAction::MessageThread)
        ),
        |a| data::thread(db, &a, &thread)
    )
    .unwrap();
    assert_eq!(
        opened
            .messages
            .iter()
            .map(|m| m.body.as_str())
            .collect::<Vec<_>>(),
        ["Kan jeg få flere timer?", "Ja. Hvilke dage passer dig?"]
    );
    assert_eq!(
        crate::via!(crate::testing::own(&ali), |a| data::citizen_threads(db, &a)).unwrap()[0].unread,
        0
    );
    let after = crate::via!(
        crate::auth::policy::thread(
            db,
            &mette,
            &thread,
            crate::auth::policy::Use::Read(crate::audit::AuditAction::MessageThread)
        ),
        |a| data::thread(db, &a, &thread)
    )
    .unwrap();
    assert!(after.messages[1].read.is_some());
    // Ali's reply answers the question.
    crate::via!(
        crate::auth::policy::thread(db, &ali, &thread, crate::auth::policy::Use::Write),
        |a| data::reply(db, &a, &thread, "Mandag og onsdag.", &new_id(), true)
    )
    .unwrap();
    let rows = crate::via!(crate::testing::own(&ali), |a| data::citizen_threads(db, &a)).unwrap();
    assert!(!rows[0].waiting_for_you);
    // A newer thread comes first for the citizen.
    let newer = crate::via!(crate::testing::citizen_or_caseworker(db, &mette, &ali.id), |a| {
        data::start_thread(db, &a, "Mødet", None, "Husk mødet.", &new_id())
    })
    .unwrap();
    let rows = crate::via!(crate::testing::own(&ali), |a| data::citizen_threads(db, &a)).unwrap();
    assert_eq!(
        rows.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        [newer.as_str(), thread.as_str()]
    );
    // For the caseworker, the thread owed an answer comes first.
    let all = data::inbox(db, &mette, InboxFilter::All).await.unwrap();
    assert_eq!(all[0].id, thread);
});

db_test!(ten_sends_of_one_message_at_once_store_it_once, |db| {
    let (mette, ali) = pair(db).await;
    let key = new_id();
    let sends = (0..10).map(|_| {
        let (db, ali, key) = (db.clone(), ali.clone(), key.clone());
        tokio::spawn(async move {
            crate::via!(crate::testing::citizen_or_caseworker(&db, &ali, &ali.id), |a| {
                data::start_thread(&db, &a, "Syg i dag", None, "Jeg er syg i dag.", &key)
            })
        })
    });
    let mut threads = Vec::new();
    for s in sends {
        threads.push(s.await.unwrap().unwrap());
    }
    threads.dedup();
    assert_eq!(threads.len(), 1);
    assert_eq!(
        crate::via!(crate::testing::own(&ali), |a| data::citizen_threads(db, &a))
            .unwrap()
            .len(),
        1
    );
    let thread = threads.pop().unwrap();
    let key = new_id();
    let replies = (0..10).map(|_| {
        let (db, mette, key, thread) = (db.clone(), mette.clone(), key.clone(), thread.clone());
        tokio::spawn(async move {
            crate::via!(
                crate::auth::policy::thread(&db, &mette, &thread, crate::auth::policy::Use::Write),
                |a| data::reply(&db, &a, &thread, "God bedring.", &key, false)
            )
        })
    });
    for r in replies {
        r.await.unwrap().unwrap();
    }
    assert_eq!(message_count(db, &thread).await, 2);
});

db_test!(only_the_citizen_and_their_caseworker_see_a_thread, |db| {
    let (_, ali) = pair(db).await;
    let thread = crate::via!(crate::testing::citizen_or_caseworker(db, &ali, &ali.id), |a| {
        data::start_thread(db, &a, "Praktik", None, "Hej", &new_id())
    })
    .unwrap();
    let sofie = user(db, Role::Citizen, "Sofie").await;
    let jonas = user(db, Role::Caseworker, "Jonas").await;
    let lars = user(db, Role::HealthCoordinator, "Lars").await;
    let admin = user(db, Role::Administrator, "Admin").await;
    for outsider in [&sofie, &jonas, &lars, &admin] {
        assert_eq!(
            crate::via!(
                crate::auth::policy::thread(
                    db,
                    outsider,
                    &thread,
                    crate::auth::policy::Use::Read(crate::audit::AuditAction::MessageThread)
                ),
                |a| data::thread(db, &a, &thread)
            )
            .err(),
            Some(AppError::NotFound)
        );
        assert_eq!(
            crate::via!(
                crate::auth::policy::thread(db, outsider, &thread, crate::auth::policy::Use::Write),
                |a| data::reply(db, &a, &thread, "Hej", &new_id(), false)
            ),
            Err(AppError::NotFound)
        );
        assert_eq!(audit_count(db, outsider, &ali).await, 0);
    }
    assert!(data::inbox(db, &jonas, InboxFilter::All)
        .await
        .unwrap()
        .is_empty());
    // Nobody starts a thread for a citizen they do not serve, nor about another's activity.
    assert_eq!(
        crate::via!(crate::testing::citizen_or_caseworker(db, &jonas, &ali.id), |a| {
            data::start_thread(db, &a, "Hej", None, "Hej", &new_id())
        }),
        Err(AppError::NotFound)
    );
    assert_eq!(
        crate::via!(crate::testing::citizen_or_caseworker(db, &sofie, &ali.id), |a| {
            data::start_thread(db, &a, "Hej", None, "Hej", &new_id())
        }),
        Err(AppError::NotFound)
    );
    let e = crate::via!(crate::testing::citizen_or_caseworker(db, &ali, &ali.id), |a| {
        data::start_thread(db, &a, "Hej", Some("no-such-activity"), "Hej", &new_id())
    })
    .unwrap_err();
    assert_eq!(e.message(), Msg::MessagesActivityUnknown);
    assert_eq!(message_count(db, &thread).await, 1);
    // A sent message cannot be changed, even by the database's own users.
    let edit = sqlx::query("UPDATE messages SET body = 'ændret' WHERE thread_id = $1")
        .bind(&thread)
        .execute(db.pool())
        .await;
    assert!(edit.is_err(), "messages are never edited");
});

db_test!(an_open_thread_hears_of_new_messages, |db| {
    let (mette, ali) = pair(db).await;
    let thread = crate::via!(crate::testing::citizen_or_caseworker(db, &ali, &ali.id), |a| {
        data::start_thread(db, &a, "Praktik", None, "Hej", &new_id())
    })
    .unwrap();
    let mut events = db.subscribe().await.unwrap();
    crate::via!(
        crate::auth::policy::thread(db, &mette, &thread, crate::auth::policy::Use::Write),
        |a| data::reply(db, &a, &thread, "Hej Ali", &new_id(), false)
    )
    .unwrap();
    let topic = tokio::time::timeout(std::time::Duration::from_secs(5), events.recv())
        .await
        .expect("an event within five seconds")
        .unwrap();
    assert_eq!(topic, crate::messages::live::topic(&thread));
    assert!(!topic.contains("Hej"), "events carry ids, never content");
});

db_test!(the_caseworker_sees_feedback_on_the_course_in_one_list, |db| {
    let (mette, ali) = pair(db).await;
    crate::testing::course(db, &ali).await;
    let key = new_id();
    for _ in 0..2 {
        crate::via!(crate::testing::own(&ali), |a| {
            crate::plan::responses::data::give_course_feedback(db, &a, 4, Some("Det giver mening."), &key)
        })
        .unwrap();
    }
    let list = data::feedback(db, &mette).await.unwrap();
    assert_eq!(list.len(), 1, "sent twice, stored once");
    assert_eq!(list[0].activity, None, "about the course");
    assert_eq!(
        (list[0].rating, list[0].comment.as_deref()),
        (4, Some("Det giver mening."))
    );
    let jonas = user(db, Role::Caseworker, "Jonas").await;
    assert!(data::feedback(db, &jonas).await.unwrap().is_empty());
    assert_eq!(
        crate::via!(crate::testing::own(&mette), |a| {
            crate::plan::responses::data::give_course_feedback(db, &a, 4, None, &new_id())
        }),
        Err(AppError::NotFound)
    );
});

db_test!(
    a_long_thread_opens_on_its_newest_page_and_goes_back_page_by_page,
    |db| {
        let (mette, ali) = pair(db).await;
        let own = crate::testing::own(&ali).await.unwrap();
        let thread = data::start_thread(db, &own, "Praktikken", None, "Besked 0", &new_id())
            .await
            .unwrap();
        // 119 more, in pairs sent in the same millisecond, so the order must not
        // rest on the time alone. Ali's first 100 are read; Mette's last ones are not.
        // After the first message (messages are never edited, so the rest come later).
        let base = crate::time::now_ms() + 10_000;
        for n in 1..120i64 {
            let sender = if n % 2 == 0 { &ali } else { &mette };
            sqlx::query(
                "INSERT INTO messages (id, thread_id, sender_id, body, idempotency_key, sent_at, read_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(format!("{:03}-{}", n, new_id()))
            .bind(&thread)
            .bind(&sender.id)
            .bind(format!("Besked {n}"))
            .bind(new_id())
            .bind(base + n / 2)
            .bind((n < 100).then_some(base))
            .execute(db.pool())
            .await
            .unwrap();
        }
        let page = |before: Option<String>| {
            let (own, thread) = (&own, &thread);
            async move {
                data::thread_page(db, own, thread, before.as_deref())
                    .await
                    .unwrap()
            }
        };
        let bodies =
            |v: &crate::messages::ThreadView| v.messages.iter().map(|m| m.body.clone()).collect::<Vec<_>>();
        let newest = page(None).await;
        let expected: Vec<String> = (70..120).map(|n| format!("Besked {n}")).collect();
        assert_eq!(bodies(&newest), expected, "the newest 50, oldest first");
        assert!(!newest.older_page);
        let middle = page(newest.earlier.clone()).await;
        assert_eq!(
            bodies(&middle),
            (20..70).map(|n| format!("Besked {n}")).collect::<Vec<_>>()
        );
        assert!(middle.older_page);
        let oldest = page(middle.earlier.clone()).await;
        assert_eq!(
            bodies(&oldest),
            (0..20).map(|n| format!("Besked {n}")).collect::<Vec<_>>()
        );
        assert_eq!(oldest.earlier, None, "nothing older: no link further back");
        // Opening the newest page marked Mette's unread messages read, also those
        // (none here) beyond it; a message id from another thread gives the newest page.
        let unread: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM messages WHERE thread_id = $1 AND read_at IS NULL AND sender_id = $2",
        )
        .bind(&thread)
        .bind(&mette.id)
        .fetch_one(db.pool())
        .await
        .unwrap();
        assert_eq!(unread, 0);
        let stranger = page(Some("not-a-message".into())).await;
        assert_eq!(bodies(&stranger), expected);
    }
);

db_test!(
    an_unread_message_beyond_the_newest_page_is_still_marked_read,
    |db| {
        let (mette, ali) = pair(db).await;
        let own = crate::testing::own(&ali).await.unwrap();
        let thread = data::start_thread(db, &own, "Praktikken", None, "Hej", &new_id())
            .await
            .unwrap();
        let base = crate::time::now_ms() - 1_000_000;
        // Mette's one unread message, then 60 of Ali's own after it.
        for n in 0..61i64 {
            let sender = if n == 0 { &mette } else { &ali };
            sqlx::query(
                "INSERT INTO messages (id, thread_id, sender_id, body, idempotency_key, sent_at) \
             VALUES ($1, $2, $3, 'Besked', $4, $5)",
            )
            .bind(new_id())
            .bind(&thread)
            .bind(&sender.id)
            .bind(new_id())
            .bind(base + n)
            .execute(db.pool())
            .await
            .unwrap();
        }
        let view = data::thread(db, &own, &thread).await.unwrap();
        assert!(view.earlier.is_some());
        let unread: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM messages WHERE thread_id = $1 AND read_at IS NULL AND sender_id = $2",
        )
        .bind(&thread)
        .bind(&mette.id)
        .fetch_one(db.pool())
        .await
        .unwrap();
        assert_eq!(unread, 0);
    }
);

db_test!(
    the_new_message_form_and_a_thread_about_an_activity_read_their_rows,
    |db| {
        // Each query here is read by column name, which only running it checks.
        let (mette, ali) = pair(db).await;
        let course = crate::testing::course(db, &ali).await;
        let activity = new_id();
        sqlx::query(
            "INSERT INTO activities (id, course_id, kind, status, title, starts_at, created_at, updated_at) \
         VALUES ($1, $2, 'work_placement', 'planned', 'Praktik i Netto', $3, $3, $3)",
        )
        .bind(&activity)
        .bind(&course)
        .bind(crate::time::now_ms())
        .execute(db.pool())
        .await
        .unwrap();
        let own = crate::testing::own(&ali).await.unwrap();
        assert_eq!(
            data::caseworker_of(db, &own).await.unwrap().as_deref(),
            Some("Mette")
        );
        assert_eq!(
            data::activities(db, &own).await.unwrap(),
            vec![(activity.clone(), "Praktik i Netto".to_string())]
        );
        assert_eq!(
            data::caseload_names(db, &mette).await.unwrap(),
            vec![(ali.id.clone(), "Ali".to_string())]
        );
        let thread = crate::via!(crate::testing::citizen_or_caseworker(db, &ali, &ali.id), |a| {
            data::start_thread(
                db,
                &a,
                "Om praktikken",
                Some(&activity),
                "Hvornår starter jeg?",
                &new_id(),
            )
        })
        .unwrap();
        let seen = data::thread(db, &own, &thread).await.unwrap();
        assert_eq!(seen.activity, Some((activity, "Praktik i Netto".to_string())));
        assert_eq!(
            (seen.subject.as_str(), seen.citizen_name.as_str()),
            ("Om praktikken", "Ali")
        );
        assert!(!seen.waiting_for_citizen);
    }
);
