use super::*;
use crate::db::Db;
use crate::db_test;
use crate::model::Role;
use crate::state::AppConfig;
use crate::testing::user;
use secrecy::SecretString;

async fn with_password(db: &Db, email: &str, password: &str) -> String {
    let u = user(db, Role::Caseworker, "Mette").await;
    let hash = password::hash_password(SecretString::from(password.to_string()))
        .await
        .unwrap();
    sqlx::query("UPDATE users SET email = $1, password_hash = $2 WHERE id = $3")
        .bind(email)
        .bind(hash)
        .bind(&u.id)
        .execute(db.pool())
        .await
        .unwrap();
    u.id
}

db_test!(login_accepts_the_right_password_only, |db| {
    let id = with_password(db, "mette@example.dk", "a long enough secret").await;
    let ok = login_with_password(
        db,
        " Mette@Example.dk ",
        "a long enough secret".into(),
        "10.0.0.1",
    )
    .await;
    assert_eq!(ok, Ok(id));
    let wrong = login_with_password(db, "mette@example.dk", "not it".into(), "10.0.0.1").await;
    assert_eq!(wrong, Err(AppError::LoginFailed));
    // An unknown account gets the very same answer.
    let unknown = login_with_password(db, "nobody@example.dk", "not it".into(), "10.0.0.1").await;
    assert_eq!(unknown, Err(AppError::LoginFailed));
});

db_test!(login_is_paused_after_repeated_failures, |db| {
    with_password(db, "mette@example.dk", "a long enough secret").await;
    for _ in 0..rate_limit::MAX_PER_ACCOUNT {
        let r = login_with_password(db, "mette@example.dk", "wrong".into(), "10.0.0.2").await;
        assert_eq!(r, Err(AppError::LoginFailed));
    }
    // Even the right password is refused while the account is paused.
    let r = login_with_password(db, "mette@example.dk", "a long enough secret".into(), "10.0.0.3").await;
    assert_eq!(r, Err(AppError::RateLimited));
});

db_test!(fifty_simultaneous_attempts_check_at_most_five_passwords, |db| {
    with_password(db, "mette@example.dk", "a long enough secret").await;
    let tries = (0..50).map(|i| {
        let db = db.clone();
        tokio::spawn(async move {
            let ip = format!("10.1.0.{i}");
            login_with_password(&db, "mette@example.dk", format!("wrong {i}"), &ip).await
        })
    });
    let mut failed = 0;
    for t in tries.collect::<Vec<_>>() {
        match t.await.unwrap() {
            Err(AppError::LoginFailed) => failed += 1,
            Err(AppError::RateLimited) => {}
            other => panic!("unexpected answer {other:?}"),
        }
    }
    // Only a checked password can answer "wrong"; the rest were refused unchecked.
    assert!(
        failed <= rate_limit::MAX_PER_ACCOUNT,
        "{failed} passwords were checked"
    );
    // The right password after them is refused while the account is paused.
    let r = login_with_password(db, "mette@example.dk", "a long enough secret".into(), "10.2.0.1").await;
    assert_eq!(r, Err(AppError::RateLimited));
});

db_test!(one_address_is_paused_across_accounts, |db| {
    for i in 0..rate_limit::MAX_PER_IP {
        rate_limit::reserve(db, &format!("person{i}@example.dk"), "10.3.0.1")
            .await
            .unwrap();
    }
    let r = rate_limit::reserve(db, "another@example.dk", "10.3.0.1").await;
    assert_eq!(r.err(), Some(AppError::RateLimited));
    // Another address is not held back, and a success stops counting.
    for _ in 0..=rate_limit::MAX_PER_ACCOUNT {
        let ok = rate_limit::reserve(db, "another@example.dk", "10.3.0.2")
            .await
            .unwrap();
        rate_limit::succeeded(db, ok).await.unwrap();
    }
});

db_test!(a_code_cannot_replace_a_password, |db| {
    let caseworker = user(db, Role::Caseworker, "Mette").await;
    let citizen = user(db, Role::Citizen, "Sofie").await;
    let email = format!("{}@test.invalid", citizen.id);
    // A code made while the account had no password (or, before this fix, after).
    let (code, _) = activation::issue(db, &citizen.id, &caseworker.id, 60_000)
        .await
        .unwrap();
    let hash = password::hash_password(SecretString::from("the citizens secret"))
        .await
        .unwrap();
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(&citizen.id)
        .execute(db.pool())
        .await
        .unwrap();
    let r = activation::redeem(
        db,
        &code,
        "caseworkers secret".into(),
        "caseworkers secret".into(),
    )
    .await;
    assert_eq!(r, Err(AppError::ActivationInvalid));
    // And no new code is made for an active account; nothing is stored.
    let r = activation::issue(db, &citizen.id, &caseworker.id, 60_000).await;
    assert_eq!(
        r.err(),
        Some(AppError::Refused(crate::i18n::Msg::CaseloadAlreadyActivated))
    );
    let codes: i64 = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM activation_codes WHERE user_id = $1")
        .bind(&citizen.id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(codes, 1);
    assert_eq!(
        login_with_password(db, &email, "caseworkers secret".into(), "10.0.0.7").await,
        Err(AppError::LoginFailed)
    );
    assert_eq!(
        login_with_password(db, &email, "the citizens secret".into(), "10.0.0.7").await,
        Ok(citizen.id.clone())
    );
});

db_test!(a_reset_needs_both_codes_and_is_audited, |db| {
    use crate::i18n::Msg;
    let mette = user(db, Role::Caseworker, "Mette").await;
    let peter = user(db, Role::Caseworker, "Peter").await;
    let admin = user(db, Role::Administrator, "Henrik").await;
    let sofie = user(db, Role::Citizen, "Sofie").await;
    crate::testing::assign(db, &mette, &sofie).await;
    let email = format!("{}@test.invalid", sofie.id);
    // Not activated yet: the activation code is the way, not a reset.
    assert_eq!(
        crate::via!(crate::testing::caseworker(db, &mette, &sofie.id), |a| {
            reset::start(db, &a, 60_000)
        })
        .err(),
        Some(AppError::Refused(Msg::ResetNotActivated))
    );
    let hash = password::hash_password(SecretString::from("the old password"))
        .await
        .unwrap();
    sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(&sofie.id)
        .execute(db.pool())
        .await
        .unwrap();
    let config = AppConfig::default();
    let open_session = session::create(db, &config, &sofie.id).await.unwrap();
    // Only the citizen's own caseworker may start one, only an administrator confirm.
    assert_eq!(
        crate::via!(crate::testing::caseworker(db, &peter, &sofie.id), |a| {
            reset::start(db, &a, 60_000)
        })
        .err(),
        Some(AppError::NotFound)
    );
    assert_eq!(
        crate::via!(crate::testing::caseworker(db, &admin, &sofie.id), |a| {
            reset::start(db, &a, 60_000)
        })
        .err(),
        Some(AppError::NotFound)
    );
    let (code_a, _) = crate::via!(crate::testing::caseworker(db, &mette, &sofie.id), |a| {
        reset::start(db, &a, 60_000)
    })
    .unwrap();
    assert_eq!(reset::pending(db, &mette).await.err(), Some(AppError::NotFound));
    let pending = reset::pending(db, &admin).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].citizen_name, "Sofie");
    assert_eq!(
        reset::confirm(db, &mette, &pending[0].id).await.err(),
        Some(AppError::NotFound)
    );
    // The old password still works until the citizen sets a new one; the
    // citizen is told (once) at the next login.
    assert!(reset::tell_citizen(db, &sofie.id).await.unwrap());
    assert!(!reset::tell_citizen(db, &sofie.id).await.unwrap());
    assert_eq!(
        login_with_password(db, &email, "the old password".into(), "10.0.0.8").await,
        Ok(sofie.id.clone())
    );
    // Code A alone (the caseworker's) is no credential, before or after confirmation.
    let alone = reset::complete(
        db,
        &code_a,
        &code_a,
        "caseworkers secret".into(),
        "caseworkers secret".into(),
    )
    .await;
    assert_eq!(alone, Err(AppError::Refused(Msg::ResetInvalid)));
    let (code_b, name) = reset::confirm(db, &admin, &pending[0].id).await.unwrap();
    assert_eq!(name, "Sofie");
    assert_eq!(
        reset::confirm(db, &admin, &pending[0].id).await.err(),
        Some(AppError::NotFound),
        "one second code only"
    );
    let guessed = activation::new_code();
    let r = reset::complete(
        db,
        &code_a,
        &guessed,
        "caseworkers secret".into(),
        "caseworkers secret".into(),
    )
    .await;
    assert_eq!(r, Err(AppError::Refused(Msg::ResetInvalid)));
    let r = reset::complete(
        db,
        &code_b,
        &code_a,
        "swapped secret!".into(),
        "swapped secret!".into(),
    )
    .await;
    assert_eq!(r, Err(AppError::Refused(Msg::ResetInvalid)));
    // With both, the citizen chooses a password; every session ends.
    let done = reset::complete(
        db,
        &code_a.to_lowercase(),
        &code_b,
        "the new password".into(),
        "the new password".into(),
    )
    .await;
    assert_eq!(done, Ok(sofie.id.clone()));
    assert!(session::resolve(db, &config, &open_session)
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        login_with_password(db, &email, "the old password".into(), "10.0.0.9").await,
        Err(AppError::LoginFailed)
    );
    assert_eq!(
        login_with_password(db, &email, "the new password".into(), "10.0.0.9").await,
        Ok(sofie.id.clone())
    );
    let again = reset::complete(
        db,
        &code_a,
        &code_b,
        "another password".into(),
        "another password".into(),
    )
    .await;
    assert_eq!(again, Err(AppError::Refused(Msg::ResetInvalid)));
    // Each step is in the citizen's log, who did it.
    let rows: Vec<(String, String)> = sqlx::query_as(
        "SELECT action, actor_role FROM audit_events WHERE citizen_id = $1 ORDER BY at, action",
    )
    .bind(&sofie.id)
    .fetch_all(db.pool())
    .await
    .unwrap();
    let mut rows = rows;
    rows.sort();
    assert_eq!(
        rows,
        vec![
            ("password_reset_completed".into(), "citizen".into()),
            ("password_reset_confirmed".into(), "administrator".into()),
            ("password_reset_started".into(), "caseworker".into()),
        ]
    );
});

db_test!(purge_removes_ended_sessions_old_attempts_and_stale_drafts, |db| {
    let config = AppConfig::default();
    let u = user(db, Role::Citizen, "Sofie").await;
    let now = crate::time::now_ms();
    let alive = session::create(db, &config, &u.id).await.unwrap();
    let idle = session::create(db, &config, &u.id).await.unwrap();
    let expired = session::create(db, &config, &u.id).await.unwrap();
    let stale_draft = session::create(db, &config, &u.id).await.unwrap();
    let set = |sql: &'static str, token: String, at: i64| async move {
        sqlx::query(sql)
            .bind(at)
            .bind(session::token_hash(&token))
            .execute(db.pool())
            .await
            .unwrap();
    };
    set(
        "UPDATE sessions SET last_seen_at = $1 WHERE key_hash = $2",
        idle.clone(),
        now - config.session_idle_ms - 1,
    )
    .await;
    set(
        "UPDATE sessions SET expires_at = $1 WHERE key_hash = $2",
        expired.clone(),
        now - 1,
    )
    .await;
    let draft = Flash::Draft {
        form: "wellbeing".into(),
        values: vec![("note".into(), "ondt i ryggen".into())],
    };
    session::set_flash(db, &session::token_hash(&alive), &draft)
        .await
        .unwrap();
    session::set_flash(db, &session::token_hash(&stale_draft), &draft)
        .await
        .unwrap();
    set(
        "UPDATE sessions SET flash_at = $1 WHERE key_hash = $2",
        stale_draft.clone(),
        now - session::FLASH_TTL_MS - 1,
    )
    .await;
    for (id, at) in [("old", now - session::ATTEMPTS_KEPT_MS - 1), ("new", now - 1000)] {
        sqlx::query(
            "INSERT INTO login_attempts (id, account_key, ip, succeeded, at) VALUES ($1, 'a', 'b', 0, $2)",
        )
        .bind(id)
        .bind(at)
        .execute(db.pool())
        .await
        .unwrap();
    }
    let purged = session::purge(db, &config, now).await.unwrap();
    assert_eq!(
        purged,
        session::Purged {
            sessions: 2,
            attempts: 1,
            drafts: 1
        }
    );
    let left: Vec<String> = sqlx::query_scalar("SELECT key_hash FROM sessions ORDER BY key_hash")
        .fetch_all(db.pool())
        .await
        .unwrap();
    let mut want = vec![session::token_hash(&alive), session::token_hash(&stale_draft)];
    want.sort();
    assert_eq!(left, want);
    let attempts: Vec<String> = sqlx::query_scalar("SELECT id FROM login_attempts")
        .fetch_all(db.pool())
        .await
        .unwrap();
    assert_eq!(attempts, vec!["new".to_string()]);
    // The fresh draft is still there for its page; the stale one is gone.
    assert_eq!(
        session::take_flash(db, &session::token_hash(&alive))
            .await
            .unwrap(),
        Some(draft.clone())
    );
    assert_eq!(
        session::take_flash(db, &session::token_hash(&stale_draft))
            .await
            .unwrap(),
        None
    );
});

db_test!(a_stale_draft_is_ignored_and_removed, |db| {
    let config = AppConfig::default();
    let u = user(db, Role::Citizen, "Sofie").await;
    let token = session::create(db, &config, &u.id).await.unwrap();
    let key = session::token_hash(&token);
    let draft = Flash::Draft {
        form: "wellbeing".into(),
        values: vec![("note".into(), "ondt i ryggen".into())],
    };
    session::set_flash(db, &key, &draft).await.unwrap();
    sqlx::query("UPDATE sessions SET flash_at = $1 WHERE key_hash = $2")
        .bind(crate::time::now_ms() - session::FLASH_TTL_MS - 1)
        .bind(&key)
        .execute(db.pool())
        .await
        .unwrap();
    assert_eq!(session::take_flash(db, &key).await.unwrap(), None);
    let kept: Option<String> = sqlx::query_scalar("SELECT flash FROM sessions WHERE key_hash = $1")
        .bind(&key)
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(kept, None, "the typed text is gone from the row");
});

db_test!(sessions_live_in_the_database_and_end_on_logout, |db| {
    let config = AppConfig::default();
    let u = user(db, Role::Citizen, "Sofie").await;
    let token = session::create(db, &config, &u.id).await.unwrap();
    let found = session::resolve(db, &config, &token)
        .await
        .unwrap()
        .expect("session");
    assert_eq!(found.id, u.id);
    assert_eq!(found.role, Role::Citizen);
    // A second device, then "log out of all devices".
    let other = session::create(db, &config, &u.id).await.unwrap();
    assert_ne!(token, other);
    session::end(db, &found.session_key).await.unwrap();
    assert!(session::resolve(db, &config, &token).await.unwrap().is_none());
    assert!(session::resolve(db, &config, &other).await.unwrap().is_some());
    session::end_all(db, &u.id).await.unwrap();
    assert!(session::resolve(db, &config, &other).await.unwrap().is_none());
    assert!(session::resolve(db, &config, "made-up-token")
        .await
        .unwrap()
        .is_none());
});

db_test!(idle_and_expired_sessions_end, |db| {
    let u = user(db, Role::Citizen, "Sofie").await;
    let idle = AppConfig {
        session_idle_ms: 0,
        ..AppConfig::default()
    };
    let token = session::create(db, &idle, &u.id).await.unwrap();
    assert!(session::resolve(db, &idle, &token).await.unwrap().is_none());
    let short = AppConfig {
        session_absolute_ms: 0,
        ..AppConfig::default()
    };
    let token = session::create(db, &short, &u.id).await.unwrap();
    assert!(session::resolve(db, &AppConfig::default(), &token)
        .await
        .unwrap()
        .is_none());
});

db_test!(activation_code_works_once_and_sets_the_password, |db| {
    let caseworker = user(db, Role::Caseworker, "Mette").await;
    let citizen = user(db, Role::Citizen, "Sofie").await;
    let (code, _) = activation::issue(db, &citizen.id, &caseworker.id, 60_000)
        .await
        .unwrap();
    // 12 symbols of 31 (59 bits), guessed only online and throttled (see `activation`).
    assert_eq!(activation::normalise(&code).len(), activation::CODE_LEN, "{code}");
    // Bad input changes nothing and says which field.
    let short = activation::redeem(db, &code, "short".into(), "short".into()).await;
    assert_eq!(
        short,
        Err(AppError::invalid(
            "password",
            crate::i18n::Msg::AuthPasswordTooShort
        ))
    );
    let differ = activation::redeem(
        db,
        &code,
        "a long enough secret".into(),
        "another long secret".into(),
    )
    .await;
    assert_eq!(
        differ,
        Err(AppError::invalid(
            "password_repeat",
            crate::i18n::Msg::AuthPasswordsDiffer
        ))
    );
    // Typed loosely (lower case, spaces) it still works, once.
    let typed = code.to_lowercase().replace('-', " ");
    activation::redeem(
        db,
        &typed,
        "a long enough secret".into(),
        "a long enough secret".into(),
    )
    .await
    .unwrap();
    let again = activation::redeem(
        db,
        &code,
        "a long enough secret".into(),
        "a long enough secret".into(),
    )
    .await;
    assert_eq!(again, Err(AppError::ActivationInvalid));
    let email: String = sqlx::query_scalar::<_, String>("SELECT email FROM users WHERE id = $1")
        .bind(&citizen.id)
        .fetch_one(db.pool())
        .await
        .unwrap();
    let id = login_with_password(db, &email, "a long enough secret".into(), "10.0.0.4").await;
    assert_eq!(id, Ok(citizen.id.clone()));
});

db_test!(expired_activation_codes_do_not_work, |db| {
    let caseworker = user(db, Role::Caseworker, "Mette").await;
    let citizen = user(db, Role::Citizen, "Sofie").await;
    let (code, _) = activation::issue(db, &citizen.id, &caseworker.id, -1)
        .await
        .unwrap();
    let r = activation::redeem(
        db,
        &code,
        "a long enough secret".into(),
        "a long enough secret".into(),
    )
    .await;
    assert_eq!(r, Err(AppError::ActivationInvalid));
});

db_test!(audit_events_cannot_be_changed_or_deleted, |db| {
    let caseworker = user(db, Role::Caseworker, "Mette").await;
    let citizen = user(db, Role::Citizen, "Sofie").await;
    crate::audit::record_read(
        db,
        &caseworker,
        &citizen.id,
        crate::audit::AuditAction::CitizenSummary,
        "test",
    )
    .await
    .unwrap();
    assert!(sqlx::query("UPDATE audit_events SET purpose = 'x'")
        .execute(db.pool())
        .await
        .is_err());
    assert!(sqlx::query("DELETE FROM audit_events")
        .execute(db.pool())
        .await
        .is_err());
    assert_eq!(crate::testing::audit_count(db, &caseworker, &citizen).await, 1);
});

db_test!(demo_seed_fills_an_empty_database_once, |db| {
    assert!(crate::seed::seed_demo(db).await.unwrap());
    assert!(!crate::seed::seed_demo(db).await.unwrap());
    let users: i64 = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users")
        .fetch_one(db.pool())
        .await
        .unwrap();
    assert_eq!(users, 6);
    let id = login_with_password(
        db,
        "mette@demo.mitforlob.dk",
        crate::seed::DEMO_PASSWORD.into(),
        "10.0.0.5",
    )
    .await;
    assert!(id.is_ok());
});

#[test]
fn activation_codes_are_random_and_readable() {
    let a = activation::new_code();
    let b = activation::new_code();
    assert_ne!(a, b);
    assert_eq!(activation::normalise(&a).len(), 12); // 12 × log2(31) = 59.4 bits
    assert!(!a.contains(['0', '1', 'I', 'L', 'O']));
}

#[test]
fn cookies_are_strict_and_secure_outside_localhost() {
    let config = AppConfig::default();
    let c = session::set_cookie(&config, true, "tok");
    assert!(c.starts_with("__Host-mitforlob_session=tok;"));
    for part in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(c.contains(part), "{c} lacks {part}");
    }
    let c = session::set_cookie(&config, false, "tok");
    assert!(c.starts_with("mitforlob_session=tok;") && !c.contains("Secure"));
    assert_eq!(
        session::cookie_value("a=1; mitforlob_session=xyz; b=2", "mitforlob_session"),
        Some("xyz")
    );
}

db_test!(the_session_brings_a_citizens_unread_count_for_the_menu, |db| {
    use crate::db::new_id;
    use crate::time::now_ms;
    let config = AppConfig::default();
    let citizen = user(db, Role::Citizen, "Sofie").await;
    let caseworker = user(db, Role::Caseworker, "Mette").await;
    let thread = new_id();
    sqlx::query(
        "INSERT INTO message_threads (id, citizen_id, subject, created_by, created_at, last_message_at) \
         VALUES ($1, $2, 'Praktik', $3, $4, $4)",
    )
    .bind(&thread)
    .bind(&citizen.id)
    .bind(&caseworker.id)
    .bind(now_ms())
    .execute(db.pool())
    .await
    .unwrap();
    // Two unread from the caseworker, one read, and one of the citizen's own.
    for (sender, read_at) in [
        (&caseworker, None),
        (&caseworker, None),
        (&caseworker, Some(now_ms())),
        (&citizen, None),
    ] {
        sqlx::query(
            "INSERT INTO messages (id, thread_id, sender_id, body, idempotency_key, sent_at, read_at) \
             VALUES ($1, $2, $3, 'Hej', $4, $5, $6)",
        )
        .bind(new_id())
        .bind(&thread)
        .bind(&sender.id)
        .bind(new_id())
        .bind(now_ms())
        .bind(read_at)
        .execute(db.pool())
        .await
        .unwrap();
    }
    let config = &config;
    let resolved = |u: &crate::model::CurrentUser| {
        let id = u.id.clone();
        async move {
            let token = session::create(db, config, &id).await.unwrap();
            let found = session::resolve(db, config, &token).await.unwrap().unwrap();
            found.unread_messages
        }
    };
    assert_eq!(resolved(&citizen).await, 2);
    // Staff have no such badge: the count is not even asked for.
    assert_eq!(resolved(&caseworker).await, 0);
    sqlx::query("UPDATE messages SET read_at = $1 WHERE thread_id = $2")
        .bind(now_ms())
        .bind(&thread)
        .execute(db.pool())
        .await
        .unwrap();
    assert_eq!(resolved(&citizen).await, 0);
});
