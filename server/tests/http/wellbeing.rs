//! Wellbeing check-ins: stored once, dated when written, changes shown to
//! the caseworker.
use crate::spawn_app;
use crate::support::{both, citizen_id, form_value, TestApp};
use axum::http::{header, StatusCode};

both!(
    an_entry_sent_later_from_the_queue_belongs_to_the_day_it_was_written,
    |app| {
        let sofie = app.login("sofie@demo.mitforlob.dk").await;
        let sofie_id = citizen_id(app, "sofie@demo.mitforlob.dk").await;
        let now = jiff::Timestamp::now();
        let day = |t: jiff::Timestamp| t.to_zoned(app::time::copenhagen()).date().to_string();
        let yesterday = now - jiff::SignedDuration::from_hours(24);
        let next_week = now + jiff::SignedDuration::from_hours(24 * 7);
        for (written, key) in [
            (yesterday, "k-yesterday-0000001"),
            (next_week, "k-next-week-0000001"),
        ] {
            let body = format!(
                "mood=3&energy=3&pain=2&sleep=4&note=&form_key={key}&written_at={}",
                written.as_millisecond()
            );
            let (status, _, _) = app.post_form("/api/log-wellbeing", &body, Some(&sofie)).await;
            assert_eq!(status, StatusCode::FOUND);
        }
        let days: Vec<String> = sqlx::query_scalar(
            "SELECT entry_date FROM wellbeing_entries WHERE citizen_id = $1 ORDER BY entry_date",
        )
        .bind(&sofie_id)
        .fetch_all(app.db.pool())
        .await
        .unwrap();
        // A time in the future is not believed: that is today's entry.
        assert_eq!(days, vec![day(yesterday), day(now)]);
    }
);

both!(a_wellbeing_check_in_is_a_plain_form_stored_once, |app| {
    let sofie = app.login("sofie@demo.mitforlob.dk").await;
    let sofie_id = citizen_id(app, "sofie@demo.mitforlob.dk").await;
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM wellbeing_entries WHERE citizen_id = $1")
            .bind(&sofie_id)
            .fetch_one(app.db.pool())
            .await
            .unwrap()
    };
    let (_, _, page) = app.get("/wellbeing", Some(&sofie)).await;
    let key = form_value(&page, "form_key");
    // A scale left unanswered: refused, the note typed comes back, nothing stored.
    let (status, h, _) = app
        .post_form(
            "/api/log-wellbeing",
            &format!("energy=3&pain=2&sleep=4&note=Tr%C3%A6t&form_key={key}"),
            Some(&sofie),
        )
        .await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(
        h[header::LOCATION],
        "/wellbeing?error=wellbeing.answer_missing&field=mood"
    );
    let (_, _, again) = app
        .get(
            "/wellbeing?error=wellbeing.answer_missing&field=mood",
            Some(&sofie),
        )
        .await;
    assert!(again.contains(">Træt</textarea>"));
    assert_eq!(count().await, 0);
    // Sent twice: one entry.
    let body = format!("mood=3&energy=3&pain=2&sleep=4&note=&form_key={key}");
    for _ in 0..2 {
        let (status, h, _) = app.post_form("/api/log-wellbeing", &body, Some(&sofie)).await;
        assert_eq!(status, StatusCode::FOUND);
        assert_eq!(h[header::LOCATION], "/wellbeing?notice=wellbeing.saved");
    }
    assert_eq!(count().await, 1);
    // Health data stays out of the address bar.
    let (_, _, page) = app.get("/wellbeing?notice=wellbeing.saved", Some(&sofie)).await;
    assert!(page.contains("Din registrering er gemt."));
});

both!(the_caseworker_sees_that_a_shared_day_was_changed, |app| {
    let sofie = app.login("sofie@demo.mitforlob.dk").await;
    let sofie_id = citizen_id(app, "sofie@demo.mitforlob.dk").await;
    let now = jiff::Timestamp::now();
    let (shared_at, private_at) = (
        now - jiff::SignedDuration::from_hours(24 * 5),
        now - jiff::SignedDuration::from_hours(24 * 6),
    );
    for at in [shared_at, private_at] {
        // The demo's own entries for these days are not part of this.
        sqlx::query("DELETE FROM wellbeing_entries WHERE citizen_id = $1 AND entry_date = $2")
            .bind(&sofie_id)
            .bind(at.to_zoned(app::time::copenhagen()).date().to_string())
            .execute(app.db.pool())
            .await
            .unwrap();
    }
    let sofie = &sofie;
    let send = |at: jiff::Timestamp, mood: u8, share: bool, key: &'static str| {
        let body = format!(
            "mood={mood}&energy=3&pain=2&sleep=4&note={}&form_key={key}&written_at={}",
            if share { "&share=on" } else { "" },
            at.as_millisecond()
        );
        async move {
            let (status, _, _) = app
                .post_form("/api/log-wellbeing", &body, Some(sofie.as_str()))
                .await;
            assert_eq!(status, StatusCode::FOUND);
        }
    };
    send(shared_at, 4, true, "k-shared-first-0001").await;
    send(private_at, 4, false, "k-private-first-001").await;
    let mette = app.login("mette@demo.mitforlob.dk").await;
    let page = format!("/caseload/citizens/{sofie_id}");
    let (_, _, before) = app.get(&page, Some(&mette)).await;
    assert!(!before.contains("Ændret af borgeren"));
    // Both days written over; only the one Mette could see is marked.
    send(shared_at, 1, true, "k-shared-again-0001").await;
    send(private_at, 1, false, "k-private-again-001").await;
    let (_, _, after) = app.get(&page, Some(&mette)).await;
    assert_eq!(after.matches("Ændret af borgeren").count(), 1, "one changed day");
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM wellbeing_entry_versions WHERE citizen_id = $1")
        .bind(&sofie_id)
        .fetch_one(app.db.pool())
        .await
        .unwrap();
    assert_eq!(kept, 1);
});
