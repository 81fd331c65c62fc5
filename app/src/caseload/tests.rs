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
