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
    assert!(code.len() >= 32, "at least 128 bits of code: {code}");
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
fn activation_codes_are_long_random_and_readable() {
    let a = activation::new_code();
    let b = activation::new_code();
    assert_ne!(a, b);
    assert_eq!(activation::normalise(&a).len(), 32); // 32 × 5 bits = 160 bits
    assert!(!a.contains(['I', 'L', 'O', 'U']));
}

#[test]
fn cookies_are_strict_and_secure_outside_localhost() {
    let secure = AppConfig::default();
    let c = session::set_cookie(&secure, "tok");
    assert!(c.starts_with("__Host-mitforlob_session=tok;"));
    for part in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(c.contains(part), "{c} lacks {part}");
    }
    let dev = AppConfig {
        secure_cookies: false,
        ..AppConfig::default()
    };
    let c = session::set_cookie(&dev, "tok");
    assert!(c.starts_with("mitforlob_session=tok;") && !c.contains("Secure"));
    assert_eq!(
        session::cookie_value("a=1; mitforlob_session=xyz; b=2", "mitforlob_session"),
        Some("xyz")
    );
}
