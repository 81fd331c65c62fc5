//! Issue 18 through the real router (what the Playwright journeys in
//! `end2end/tests/rights.spec.ts` see, without a browser): the text size as
//! a plain form and a class on `<html>`, kept with the account; the caseload
//! filter with its rule; the data download's file, and who may have it.
use axum::http::{header, StatusCode};

mod support;
use support::{both, spawn_app, TestApp};

fn html_tag(body: &str) -> &str {
    let start = body.find("<html").expect("an <html> tag");
    let end = body[start..].find('>').unwrap();
    &body[start..start + end + 1]
}

both!(the_text_size_is_a_plain_form_kept_with_the_account, |app| {
    let sofie = app.login("sofie@demo.mitforlob.dk").await;
    let (_, _, page) = app.get("/me", Some(&sofie)).await;
    assert!(!html_tag(&page).contains("text-"), "{}", html_tag(&page));
    assert!(page.contains(r#"action="/api/text-size""#));

    let (status, headers, _) = app
        .post_form_from("/api/text-size", "/me", "size=larger", Some(&sofie))
        .await;
    assert!(status.is_redirection(), "{status}");
    assert!(headers[header::LOCATION]
        .to_str()
        .unwrap()
        .contains("notice=me.text_size_saved"));
    let cookie = headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.starts_with("text_size=larger;"), "{cookie}");
    let (_, _, page) = app.get("/me", Some(&sofie)).await;
    assert!(
        html_tag(&page).contains(r#"class="text-larger""#),
        "{}",
        html_tag(&page)
    );

    // Another phone: a new login, no cookie but the session's.
    let other_phone = app.login("sofie@demo.mitforlob.dk").await;
    let (_, _, page) = app.get("/", Some(&other_phone)).await;
    assert!(html_tag(&page).contains("text-larger"));
    // Before logging in, the device's cookie decides.
    let (_, _, login) = app.get("/login", Some("text_size=large")).await;
    assert!(
        html_tag(&login).contains(r#"class="text-large""#),
        "{}",
        html_tag(&login)
    );

    // A size the app does not have: refused, nothing changed.
    let (status, headers, _) = app
        .post_form_from("/api/text-size", "/me", "size=huge", Some(&sofie))
        .await;
    assert!(status.is_redirection(), "{status}");
    assert!(headers[header::LOCATION].to_str().unwrap().contains("error="));
    let (_, _, page) = app.get("/me", Some(&sofie)).await;
    assert!(html_tag(&page).contains("text-larger"));
});

both!(
    the_falling_filter_shows_its_rule_and_only_falling_shared_wellbeing,
    |app| {
        let mette = app.login("mette@demo.mitforlob.dk").await;
        let (status, _, page) = app.get("/caseload?filter=wellbeing-falling", Some(&mette)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Kun det, borgeren selv har valgt at dele med dig, tæller."));
        assert!(page.contains(r#"aria-describedby="falling-rule""#));
        // Ali's shared WHO-5 fell from 68 to 56; Sofie and Birgitte shared no fall.
        assert!(page.contains("Ali Hassan"));
        assert!(!page.contains("Sofie Larsen") && !page.contains("Birgitte Møller"));
    }
);

both!(the_data_file_is_the_citizens_alone_and_logged, |app| {
    let ali = app.login("ali@demo.mitforlob.dk").await;
    let (status, headers, body) = app.get("/me/data.json", Some(&ali)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        headers[header::CONTENT_DISPOSITION],
        "attachment; filename=\"mit-forloeb-data.json\""
    );
    assert_eq!(headers[header::CACHE_CONTROL], "private, no-store");
    let data: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(data["schema"], "mitforlob-export");
    assert_eq!(data["schema_version"], 1);
    assert_eq!(data["person"]["name"], "Ali Hassan");
    assert!(!data["message_threads"].as_array().unwrap().is_empty());
    assert!(!data["wellbeing"]["who5"].as_array().unwrap().is_empty());
    for secret in ["$argon2", "key_hash", "p256dh", "password"] {
        assert!(!body.contains(secret), "{secret} in the file");
    }
    let logged = app
        .count(
            "SELECT COUNT(*) FROM audit_events a JOIN users u ON u.id = a.citizen_id \
             WHERE u.email = $1 AND a.action = 'data_export'",
            "ali@demo.mitforlob.dk",
        )
        .await;
    assert_eq!(logged, 1);
    // Staff: not found, on the page and for the file; nobody: to the login.
    for email in [
        "mette@demo.mitforlob.dk",
        "lars@demo.mitforlob.dk",
        "henrik@demo.mitforlob.dk",
    ] {
        let staff = app.login(email).await;
        assert_eq!(
            app.get("/me/data.json", Some(&staff)).await.0,
            StatusCode::NOT_FOUND,
            "{email}"
        );
        assert_eq!(
            app.get("/me/data", Some(&staff)).await.0,
            StatusCode::NOT_FOUND,
            "{email}"
        );
    }
    let (status, headers, _) = app.get("/me/data.json", None).await;
    assert!(status.is_redirection());
    assert_eq!(headers[header::LOCATION], "/login");
});
