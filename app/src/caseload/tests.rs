//! Authorisation of every caseload function that takes a citizen id.
use super::data;
use crate::db_test;
use crate::error::AppError;
use crate::i18n::Msg;
use crate::model::Role;
use crate::testing::{assign, audit_count, course, user};

db_test!(only_the_citizens_own_caseworker_sees_them_and_is_audited, |db| {
    let mette = user(db, Role::Caseworker, "Mette").await;
    let other_cw = user(db, Role::Caseworker, "Peter").await;
    let coordinator = user(db, Role::HealthCoordinator, "Lars").await;
    let admin = user(db, Role::Administrator, "Henrik").await;
    let sofie = user(db, Role::Citizen, "Sofie").await;
    let ali = user(db, Role::Citizen, "Ali").await;
    assign(db, &mette, &sofie).await;
    course(db, &sofie).await;

    let seen = crate::via!(
        crate::testing::caseworker_read(db, &mette, &sofie.id, crate::audit::AuditAction::CitizenSummary),
        |a| data::citizen_summary(db, &a)
    )
    .unwrap();
    assert_eq!(seen.name, "Sofie");
    assert!(seen.plan.course.is_some());
    // One row for the citizen's page, which shows the plan, the shared
    // wellbeing and the requests: the access is made once per request.
    let actions: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_events WHERE actor_id = $1 ORDER BY action")
            .bind(&mette.id)
            .fetch_all(db.pool())
            .await
            .unwrap();
    assert_eq!(actions, vec!["citizen_summary"]);

    for outsider in [&other_cw, &coordinator, &admin, &ali] {
        let r = crate::via!(
            crate::testing::caseworker_read(
                db,
                outsider,
                &sofie.id,
                crate::audit::AuditAction::CitizenSummary
            ),
            |a| data::citizen_summary(db, &a)
        );
        assert_eq!(
            r,
            Err(AppError::NotFound),
            "{:?} must get not found",
            outsider.role
        );
        let r = crate::via!(crate::testing::caseworker(db, outsider, &sofie.id), |a| {
            data::new_code(db, &a, 60_000)
        });
        assert_eq!(
            r.err(),
            Some(AppError::NotFound),
            "{:?} must get not found",
            outsider.role
        );
        assert_eq!(audit_count(db, outsider, &sofie).await, 0);
    }
    // An id that does not exist looks the same as one you may not see.
    assert_eq!(
        crate::via!(
            crate::testing::caseworker_read(
                db,
                &mette,
                "no-such-id",
                crate::audit::AuditAction::CitizenSummary
            ),
            |a| data::citizen_summary(db, &a)
        ),
        Err(AppError::NotFound)
    );
});

db_test!(caseload_lists_only_own_citizens_and_audits_each, |db| {
    let mette = user(db, Role::Caseworker, "Mette").await;
    let peter = user(db, Role::Caseworker, "Peter").await;
    let sofie = user(db, Role::Citizen, "Sofie").await;
    let ali = user(db, Role::Citizen, "Ali").await;
    assign(db, &mette, &sofie).await;
    assign(db, &peter, &ali).await;
    let rows = data::caseload(db, &mette, crate::caseload::CaseloadFilter::All)
        .await
        .unwrap()
        .rows;
    assert_eq!(
        rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        vec!["Sofie"]
    );
    assert_eq!(audit_count(db, &mette, &sofie).await, 1);
    assert_eq!(audit_count(db, &mette, &ali).await, 0);
    let citizen_view = data::caseload(db, &sofie, crate::caseload::CaseloadFilter::All).await;
    assert_eq!(citizen_view, Err(AppError::NotFound));
});

db_test!(invitations_create_a_citizen_on_the_caseload, |db| {
    let mette = user(db, Role::Caseworker, "Mette").await;
    let (citizen_id, flash) = data::invite(db, &mette, 60_000, "  Jens Olsen ", "Jens@Example.dk")
        .await
        .unwrap();
    let crate::auth::Flash::ActivationCode { code, .. } = flash else {
        panic!("expected an activation code");
    };
    assert!(crate::auth::policy::is_on_caseload(db, &mette.id, &citizen_id)
        .await
        .unwrap());
    crate::auth::activation::redeem(
        db,
        &code,
        "a long enough secret".into(),
        "a long enough secret".into(),
    )
    .await
    .unwrap();
    // The same address again: the caseworker is answered exactly as for a
    // free one (so invitations cannot tell who has an account) …
    let (twin_id, twin_flash) = data::invite(db, &mette, 60_000, "Jens", "jens@example.dk")
        .await
        .unwrap();
    let crate::auth::Flash::ActivationCode { code: twin_code, .. } = twin_flash else {
        panic!("expected an activation code, as for any invitation");
    };
    let twin = crate::via!(
        crate::testing::caseworker_read(db, &mette, &twin_id, crate::audit::AuditAction::CitizenSummary),
        |a| data::citizen_summary(db, &a)
    )
    .unwrap();
    assert_eq!(twin.email.as_deref(), Some("jens@example.dk"));
    // … the first account keeps its address for logging in, the second
    // keeps it aside, and each logs in with its own password.
    let (login_email, pending): (Option<String>, Option<String>) =
        sqlx::query_as("SELECT email, pending_email FROM users WHERE id = $1")
            .bind(&twin_id)
            .fetch_one(db.pool())
            .await
            .unwrap();
    assert_eq!((login_email, pending.as_deref()), (None, Some("jens@example.dk")));
    crate::auth::activation::redeem(
        db,
        &twin_code,
        "another long secret".into(),
        "another long secret".into(),
    )
    .await
    .unwrap();
    let login = |password: &'static str| {
        crate::auth::login_with_password(db, "jens@example.dk", password.into(), "192.0.2.1")
    };
    assert_eq!(login("a long enough secret").await.unwrap(), citizen_id);
    assert_eq!(login("another long secret").await.unwrap(), twin_id);
    assert_eq!(login("neither of them").await, Err(AppError::LoginFailed));
    // The administrator is shown it to sort out; no health data there.
    let admin = user(db, Role::Administrator, "Anne").await;
    let overview = crate::admin::overview(db, &admin).await.unwrap();
    assert_eq!(
        overview
            .shared_addresses
            .iter()
            .map(|a| (a.email.as_str(), a.citizen.as_str(), a.caseworker.as_str()))
            .collect::<Vec<_>>(),
        vec![("jens@example.dk", "Jens", "Mette")]
    );
});

#[test]
fn invitation_fields_are_checked() {
    assert_eq!(
        data::check_invite("", "a@b.dk").err(),
        Some(AppError::invalid("name", Msg::CaseloadNameMissing))
    );
    assert_eq!(
        data::check_invite(&"x".repeat(101), "a@b.dk").err(),
        Some(AppError::invalid("name", Msg::CaseloadNameTooLong))
    );
    for bad in ["", "no-at", "a@b", "a b@c.dk", "@c.dk", "a@.dk"] {
        assert_eq!(
            data::check_invite("Jens", bad).err(),
            Some(AppError::invalid("email", Msg::CaseloadEmailInvalid)),
            "{bad}"
        );
    }
    assert_eq!(
        data::check_invite(" Jens ", "A@B.DK").unwrap(),
        ("Jens".into(), "a@b.dk".into())
    );
}

/// A day's entry `days_ago` days back (Copenhagen), mood as given, the other
/// scales middling.
async fn mood_on(
    db: &crate::db::Db,
    citizen: &crate::model::CurrentUser,
    days_ago: i64,
    mood: i64,
    shared: bool,
) {
    let today: jiff::civil::Date = crate::time::today().parse().unwrap();
    let day = today
        .checked_sub(jiff::Span::new().days(days_ago))
        .unwrap()
        .to_string();
    sqlx::query(
        "INSERT INTO wellbeing_entries (id, citizen_id, entry_date, mood, energy, pain, sleep, shared, \
           idempotency_key, created_at, updated_at) VALUES ($1, $2, $3, $4, 3, 3, 3, $5, $6, 0, 0)",
    )
    .bind(crate::db::new_id())
    .bind(&citizen.id)
    .bind(day)
    .bind(mood)
    .bind(i64::from(shared))
    .bind(crate::db::new_id())
    .execute(db.pool())
    .await
    .unwrap();
}

async fn who5_on(
    db: &crate::db::Db,
    citizen: &crate::model::CurrentUser,
    days_ago: i64,
    score: i64,
    shared: bool,
) {
    let today: jiff::civil::Date = crate::time::today().parse().unwrap();
    let day = today
        .checked_sub(jiff::Span::new().days(days_ago))
        .unwrap()
        .to_string();
    sqlx::query(
        "INSERT INTO who5_responses (id, citizen_id, answered_on, item1, item2, item3, item4, item5, score, \
           shared, idempotency_key, created_at) VALUES ($1, $2, $3, 0, 0, 0, 0, 0, $4, $5, $6, $7)",
    )
    .bind(crate::db::new_id())
    .bind(&citizen.id)
    .bind(day)
    .bind(score)
    .bind(i64::from(shared))
    .bind(crate::db::new_id())
    .bind(1_000_000 - days_ago)
    .execute(db.pool())
    .await
    .unwrap();
}

db_test!(shared_wellbeing_falling_counts_only_what_was_shared, |db| {
    use crate::caseload::CaseloadFilter;
    let mette = user(db, Role::Caseworker, "Mette").await;
    let mut people = Vec::new();
    for name in [
        "A falling",
        "B falling unshared",
        "C mixed",
        "D steady",
        "E period",
        "F who5 falling",
        "G who5 unshared",
        "H who5 small",
        "I too few",
        "J who5 old",
    ] {
        let c = user(db, Role::Citizen, name).await;
        assign(db, &mette, &c).await;
        people.push(c);
    }
    let [a, b, c, d, e, f, g, h, i, j] = &people[..] else {
        unreachable!()
    };
    for day in 0..14 {
        // A: shared 4 → 3 (1 point lower: exactly the threshold).
        mood_on(db, a, day + 14, 4, true).await;
        mood_on(db, a, day, 3, true).await;
        // B: the same fall, never shared.
        mood_on(db, b, day + 14, 5, false).await;
        mood_on(db, b, day, 1, false).await;
        // D: steady, shared; 0.5 lower is no fall.
        mood_on(db, d, day + 14, 4, true).await;
        mood_on(db, d, day, if day % 2 == 0 { 3 } else { 4 }, true).await;
        // E: not shared one by one, but by a sharing period.
        mood_on(db, e, day + 14, 5, false).await;
        mood_on(db, e, day, 2, false).await;
    }
    // C: shared high days before, the low recent days unshared, and only
    // three shared recent days as high as before: what was shared did not fall.
    for day in 0..14 {
        mood_on(db, c, day + 14, 4, true).await;
        mood_on(db, c, day, if day < 3 { 4 } else { 1 }, day < 3).await;
    }
    // I: falls, but only two shared days recently: too few to say.
    for day in 0..14 {
        mood_on(db, i, day + 14, 5, true).await;
    }
    mood_on(db, i, 0, 1, true).await;
    mood_on(db, i, 1, 1, true).await;
    sqlx::query(
        "INSERT INTO wellbeing_share_periods (id, citizen_id, starts_on, ends_on, created_at) \
         VALUES ($1, $2, '2000-01-01', '2999-12-31', 0)",
    )
    .bind(crate::db::new_id())
    .bind(&e.id)
    .execute(db.pool())
    .await
    .unwrap();
    who5_on(db, f, 16, 60, true).await;
    who5_on(db, f, 2, 50, true).await;
    // G: the lower result was not shared; the shared one before it stands.
    who5_on(db, g, 16, 60, true).await;
    who5_on(db, g, 2, 20, false).await;
    who5_on(db, h, 16, 60, true).await;
    who5_on(db, h, 2, 51, true).await;
    // J: a fall, but long ago: nothing new in the last 28 days.
    who5_on(db, j, 60, 80, true).await;
    who5_on(db, j, 40, 30, true).await;

    let view = data::caseload(db, &mette, CaseloadFilter::WellbeingFalling)
        .await
        .unwrap();
    let mut names: Vec<&str> = view.rows.iter().map(|r| r.name.as_str()).collect();
    names.sort();
    assert_eq!(names, vec!["A falling", "E period", "F who5 falling"]);
    let count = view
        .counts
        .iter()
        .find(|(f, _)| *f == CaseloadFilter::WellbeingFalling)
        .map(|(_, n)| *n);
    assert_eq!(count, Some(3));
    // The flag in the full list agrees with the filter.
    let all = data::caseload(db, &mette, CaseloadFilter::All).await.unwrap();
    for row in &all.rows {
        assert_eq!(
            row.wellbeing_falling,
            names.contains(&row.name.as_str()),
            "{}",
            row.name
        );
    }
    // Withdrawing the period takes E's days out of the caseworker's sight.
    sqlx::query("UPDATE wellbeing_share_periods SET withdrawn_at = 1 WHERE citizen_id = $1")
        .bind(&e.id)
        .execute(db.pool())
        .await
        .unwrap();
    let view = data::caseload(db, &mette, CaseloadFilter::WellbeingFalling)
        .await
        .unwrap();
    let mut names: Vec<&str> = view.rows.iter().map(|r| r.name.as_str()).collect();
    names.sort();
    assert_eq!(names, vec!["A falling", "F who5 falling"]);
});
