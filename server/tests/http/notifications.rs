//! Quiet hours and push subscriptions.
use crate::spawn_app;
use crate::support::{both, citizen_id, TestApp};
use axum::http::{header, StatusCode};

both!(quiet_hours_and_push_subscriptions_refuse_bad_input, |app| {
    let sofie = app.login("sofie@demo.mitforlob.dk").await;
    let sofie_id = citizen_id(app, "sofie@demo.mitforlob.dk").await;
    let stored = || async {
        sqlx::query_as::<_, (Option<i64>, Option<i64>)>(
            "SELECT quiet_hours_start, quiet_hours_end FROM users WHERE id = $1",
        )
        .bind(&sofie_id)
        .fetch_one(app.db.pool())
        .await
        .unwrap()
    };
    let (status, h, _) = app
        .post_form(
            "/api/quiet-hours",
            "quiet_from=25%3A00&quiet_to=07%3A00",
            Some(&sofie),
        )
        .await;
    assert_eq!(status, StatusCode::FOUND);
    assert_eq!(
        h[header::LOCATION],
        "/me?error=push.quiet_invalid&field=quiet_from"
    );
    assert_eq!(stored().await, (None, None));
    let (_, h, _) = app
        .post_form(
            "/api/quiet-hours",
            "quiet_from=22%3A00&quiet_to=07%3A30",
            Some(&sofie),
        )
        .await;
    assert_eq!(
        h[header::LOCATION],
        "/me?notice=push.quiet_saved#notifications-heading"
    );
    assert_eq!(stored().await, (Some(22 * 60), Some(7 * 60 + 30)));
    let (_, _, page) = app.get("/me", Some(&sofie)).await;
    assert!(page.contains("value=\"22:00\"") && page.contains("value=\"07:30\""));

    let devices = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM push_subscriptions WHERE user_id = $1")
            .bind(&sofie_id)
            .fetch_one(app.db.pool())
            .await
            .unwrap()
    };
    let key = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM";
    let refused =
        format!("endpoint=http%3A%2F%2Fintranet.example%2Fx&p256dh={key}&auth=tBHItJI5svbpez7KI4CCXg");
    app.post_form("/api/push-subscribe", &refused, Some(&sofie)).await;
    assert_eq!(devices().await, 0, "only HTTPS push services");
    let good =
        format!("endpoint=https%3A%2F%2Fpush.example.net%2Fsofie&p256dh={key}&auth=tBHItJI5svbpez7KI4CCXg");
    app.post_form("/api/push-subscribe", &good, Some(&sofie)).await;
    assert_eq!(devices().await, 1);
    let (_, _, page) = app.get("/me", Some(&sofie)).await;
    assert!(
        page.contains("data-public-key=\"B"),
        "the VAPID key for the browser"
    );
    app.post_form(
        "/api/push-unsubscribe",
        "endpoint=https%3A%2F%2Fpush.example.net%2Fsofie",
        Some(&sofie),
    )
    .await;
    assert_eq!(devices().await, 0);
});
