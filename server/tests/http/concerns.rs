//! Health concerns, sent by the citizen and answered step by step.
use crate::spawn_app;
use crate::support::{both, citizen_id, form_value, TestApp};
use axum::http::{header, StatusCode};

both!(
    a_health_concern_is_a_plain_form_sent_once_and_answered_step_by_step,
    |app| {
        let sofie = app.login("sofie@demo.mitforlob.dk").await;
        let sofie_id = citizen_id(app, "sofie@demo.mitforlob.dk").await;
        let count = || async {
            sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM health_concerns WHERE citizen_id = $1")
                .bind(&sofie_id)
                .fetch_one(app.db.pool())
                .await
                .unwrap()
        };
        let (status, _, page) = app.get("/concerns/new", Some(&sofie)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Din ret til en ekstra vurdering"));
        let key = form_value(&page, "form_key");
        // Too long: refused, what was typed comes back (from the session, not the URL), nothing stored.
        let long = "ryg".repeat(700);
        let (status, h, _) = app
            .post_form(
                "/api/raise-concern",
                &format!("description={long}&form_key={key}"),
                Some(&sofie),
            )
            .await;
        assert_eq!(status, StatusCode::FOUND);
        assert_eq!(
            h[header::LOCATION],
            "/concerns/new?error=concern.text_too_long&field=description"
        );
        let (_, _, again) = app
            .get(
                "/concerns/new?error=concern.text_too_long&field=description",
                Some(&sofie),
            )
            .await;
        assert!(again.contains(&long));
        assert!(again.contains("Teksten er for lang."));
        assert_eq!(count().await, 0);
        // Sent twice (a double tap): one request, both answered with its page.
        let body = format!("description=Min%20ryg%20g%C3%B8r%20ondt&attach_wellbeing=yes&form_key={key}");
        let mut places = Vec::new();
        for _ in 0..2 {
            let (status, h, _) = app.post_form("/api/raise-concern", &body, Some(&sofie)).await;
            assert_eq!(status, StatusCode::FOUND);
            places.push(h[header::LOCATION].to_str().unwrap().to_string());
        }
        assert_eq!(places[0], places[1]);
        assert!(places[0].starts_with("/concerns/") && places[0].ends_with("?notice=concern.sent_notice"));
        assert!(!places[0].contains("ryg"), "no health data in the address");
        assert_eq!(count().await, 1);
        let path = places[0].split('?').next().unwrap().to_string();
        let id = path.trim_start_matches("/concerns/").to_string();

        // The coordinator confirms with a button; the caseworker can neither open nor move it.
        let lars = app.login("lars@demo.mitforlob.dk").await;
        let mette = app.login("mette@demo.mitforlob.dk").await;
        let (status, _, _) = app.get(&format!("/requests/{id}"), Some(&mette)).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        let step = format!("concern_id={id}&step=received");
        let (_, h, _) = app.post_form("/api/concern-step", &step, Some(&mette)).await;
        let back = h
            .get(header::LOCATION)
            .map(|l| l.to_str().unwrap().to_string())
            .unwrap_or_default();
        assert!(
            !back.contains("notice="),
            "not a step the caseworker may take: {back}"
        );
        let state = || async {
            sqlx::query_scalar::<_, String>("SELECT state FROM health_concerns WHERE id = $1")
                .bind(&id)
                .fetch_one(app.db.pool())
                .await
                .unwrap()
        };
        assert_eq!(state().await, "sent");
        let (status, h, _) = app.post_form("/api/concern-step", &step, Some(&lars)).await;
        assert_eq!(status, StatusCode::FOUND);
        assert_eq!(
            h[header::LOCATION],
            format!("/requests/{id}?notice=request.acknowledged")
        );
        assert_eq!(state().await, "received");
        let (status, _, page) = app.get(&format!("/requests/{id}"), Some(&lars)).await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("Min ryg gør ondt"));
        // A conversation in the past is refused and the fields come back.
        let (status, h, _) = app
            .post_form(
                "/api/book-conversation",
                &format!("concern_id={id}&date=2020-01-06&time=10:00&place=Telefon"),
                Some(&lars),
            )
            .await;
        assert_eq!(status, StatusCode::FOUND);
        assert_eq!(
            h[header::LOCATION],
            format!("/requests/{id}?error=request.time_past&field=date")
        );
        // Followed as a browser does: drafts come back only on a refusal's return.
        let back = h[header::LOCATION].to_str().unwrap();
        let (_, _, page) = app.get(back, Some(&lars)).await;
        assert!(page.contains(r#"value="2020-01-06""#));
        // The citizen's page shows where it stands.
        let (_, _, page) = app.get(&path, Some(&sofie)).await;
        assert!(page.contains("Modtaget"));
        assert!(page.contains("Forventet senest"));
    }
);
