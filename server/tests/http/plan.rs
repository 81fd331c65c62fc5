//! A citizen's plan: activities, their calendar files and the calendar
//! feed.
use crate::spawn_app;
use crate::support::{both, citizen_id, form_value, own_by_id, TestApp};
use axum::http::{header, StatusCode};

both!(
    activities_download_as_calendar_files_for_their_citizen_only,
    |app| {
        let activity: String = sqlx::query_scalar::<_, String>(
        "SELECT a.id FROM activities a JOIN courses c ON c.id = a.course_id JOIN users u ON u.id = c.citizen_id \
         WHERE u.email = 'ali@demo.mitforlob.dk' AND a.title = 'Ny praktik: pakkeafdelingen'",
    )
    .fetch_one(app.db.pool())
    .await
    .unwrap();
        let ali = app.login("ali@demo.mitforlob.dk").await;
        let (status, h, body) = app
            .get(&format!("/activities/{activity}/calendar.ics"), Some(&ali))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(h[header::CONTENT_TYPE], "text/calendar; charset=utf-8");
        assert!(body.starts_with("BEGIN:VCALENDAR\r\n"), "{body}");
        assert!(body.contains("SUMMARY:Ny praktik: pakkeafdelingen\r\n"));
        assert!(body.contains("LOCATION:Grønt Lager ApS\\, Køge\r\n"));
        let (status, _, page) = app.get(&format!("/activities/{activity}"), Some(&ali)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Prøve opgaver med mindre løft."));

        let sofie = app.login("sofie@demo.mitforlob.dk").await;
        let (status, _, body) = app
            .get(&format!("/activities/{activity}/calendar.ics"), Some(&sofie))
            .await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(!body.contains("pakkeafdelingen"));
        let (status, _, _) = app.get(&format!("/activities/{activity}"), Some(&sofie)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, h, _) = app
            .get(&format!("/activities/{activity}/calendar.ics"), None)
            .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        assert_eq!(h[header::LOCATION], "/login");
    }
);

both!(a_caseworker_adds_an_activity_with_a_plain_form_post, |app| {
    let mette = app.login("mette@demo.mitforlob.dk").await;
    let sofie = citizen_id(app, "sofie@demo.mitforlob.dk").await;
    let (status, _, page) = app
        .get(
            &format!("/caseload/citizens/{sofie}/activities/new"),
            Some(&mette),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let key = form_value(&page, "item_key");
    let starts = app::plan::rules::local_time_value(app::time::now_ms() + 2 * 86_400_000);
    let body = |title: &str| {
        format!(
            "citizen_id={sofie}&activity_id=new&item_key={key}&title={title}&kind=mentor&status=planned\
             &starts_at={}&ends_at=&place=Jobcentret&contact_name=&contact_phone=&hours_per_week=\
             &purpose=&preparation=",
            starts.replace(':', "%3A")
        )
    };
    // Refused: the name is missing. What was typed comes back, and nothing is stored.
    let (status, h, _) = app.post_form("/api/save-activity", &body(""), Some(&mette)).await;
    assert_eq!(status, StatusCode::FOUND);
    let back = h[header::LOCATION].to_str().unwrap().to_string();
    assert_eq!(
        back,
        format!("/caseload/citizens/{sofie}/activities/new?error=rules.title_missing&field=title")
    );
    let (_, _, again) = app.get(&back, Some(&mette)).await;
    assert!(again.contains("Skriv et navn."));
    assert!(again.contains("value=\"Jobcentret\""), "the typed place is kept");
    let before: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM activities WHERE title = 'Mentorsamtale'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(before, 0);

    // Sent twice: stored once.
    for _ in 0..2 {
        let (status, h, _) = app
            .post_form("/api/save-activity", &body("Mentorsamtale"), Some(&mette))
            .await;
        assert_eq!(status, StatusCode::FOUND);
        assert_eq!(
            h[header::LOCATION],
            format!("/caseload/citizens/{sofie}?notice=edit.saved")
        );
    }
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM activities WHERE title = 'Mentorsamtale'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(stored, 1);
    let (_, _, citizen_page) = app
        .get(&format!("/caseload/citizens/{sofie}"), Some(&mette))
        .await;
    assert!(citizen_page.contains("Mentorsamtale"));

    // Sofie's plan is not another citizen's to change: "not found", nothing stored.
    let ali = app.login("ali@demo.mitforlob.dk").await;
    let (_, h, _) = app
        .post_form("/api/save-activity", &body("Andres ændring"), Some(&ali))
        .await;
    assert!(h[header::LOCATION]
        .to_str()
        .unwrap()
        .ends_with("?error=error.not_found"));
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM activities WHERE title = 'Andres ændring'")
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(stored, 0);
    let (status, _, _) = app
        .get(&format!("/caseload/citizens/{sofie}/activities/new"), Some(&ali))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
});

both!(a_calendar_feed_shows_only_what_the_citizen_chose, |app| {
    let ali = citizen_id(app, "ali@demo.mitforlob.dk").await;
    let hidden = app::plan::feed::data::start(&app.db, &own_by_id(&ali), false)
        .await
        .unwrap();
    let (status, h, body) = app.get(&format!("/calendar/{hidden}.ics"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h[header::CONTENT_TYPE], "text/calendar; charset=utf-8");
    assert!(body.contains("SUMMARY:Aftale (Mit Forløb)\r\n"), "{body}");
    assert!(!body.contains("pakkeafdelingen"));
    assert!(!body.contains("LOCATION"));

    let shown = app::plan::feed::data::start(&app.db, &own_by_id(&ali), true)
        .await
        .unwrap();
    let (status, _, body) = app.get(&format!("/calendar/{shown}.ics"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("SUMMARY:Ny praktik: pakkeafdelingen\r\n"));
    let (status, _, _) = app.get(&format!("/calendar/{hidden}.ics"), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "the replaced link is dead");
    let (status, _, _) = app.get("/calendar/not-a-token.ics", None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // Starting a feed through the form shows its address once.
    let session = app.login("ali@demo.mitforlob.dk").await;
    let (status, h, _) = app
        .post_form("/api/calendar-feed", "show_titles=yes", Some(&session))
        .await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(h[header::LOCATION], "/plan?notice=feed.created#calendar-heading");
    let (_, _, page) = app.get("/plan?notice=feed.created", Some(&session)).await;
    assert!(page.contains("/calendar/"), "the new address is shown");
    let (status, _, page) = app.get("/plan", Some(&session)).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(!page.contains("/calendar/"), "…only once");
    assert!(page.contains("Du har et kalenderlink"), "{page}");
});
