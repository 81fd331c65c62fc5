//! "Hent mine data": every kind of data is in it, nobody else's data and no
//! secret ever is, and only the citizen gets it. Text size: kept with the
//! account.
use crate::db::Db;
use crate::db_test;
use crate::error::AppError;
use crate::model::{CurrentUser, Role};
use crate::testing::{assign, user};

async fn exec(db: &Db, sql: &str) {
    sqlx::query(sql)
        .execute(db.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

/// One row of every kind the product keeps about `citizen`, each free text
/// marked with `tag`, and each secret with `SECRET`.
async fn fill(db: &Db, citizen: &CurrentUser, caseworker: &CurrentUser, tag: &str) {
    let c = &citizen.id;
    let w = &caseworker.id;
    let n = crate::db::new_id;
    let (course, goal, activity, change, concern, thread) = (n(), n(), n(), n(), n(), n());
    for sql in [
        format!("UPDATE users SET phone = '{tag}-phone', password_hash = 'SECRET-hash-{tag}'  WHERE id = '{c}'"),
        format!("INSERT INTO user_identities (provider, subject, user_id, created_at) VALUES ('mitid', '{tag}-subject', '{c}', 1)"),
        format!("INSERT INTO sessions (key_hash, user_id, created_at, last_seen_at, expires_at, flash) VALUES ('SECRET-session-{tag}', '{c}', 1, 2, 3, 'SECRET-flash-{tag}')"),
        format!("INSERT INTO courses (id, citizen_id, kind, status, start_date, planned_end_date, main_goal, created_at, updated_at) \
                 VALUES ('{course}', '{c}', 'ressourceforloeb', 'active', '2026-01-05', '2028-01-05', '{tag}-main-goal', 1, 1)"),
        format!("INSERT INTO goals (id, course_id, title, created_at, updated_at) VALUES ('{goal}', '{course}', '{tag}-goal', 1, 1)"),
        format!("INSERT INTO goal_ratings (id, goal_id, rating, note, rated_at, idempotency_key) VALUES ('{}', '{goal}', 4, '{tag}-rating-note', 2, 'SECRET-key-{tag}-1')", n()),
        format!("INSERT INTO activities (id, course_id, kind, status, title, place, starts_at, created_at, updated_at) \
                 VALUES ('{activity}', '{course}', 'internship', 'planned', '{tag}-activity', '{tag}-place', 1000, 1, 1)"),
        format!("INSERT INTO activity_reflections (id, activity_id, citizen_id, body, idempotency_key, created_at) \
                 VALUES ('{}', '{activity}', '{c}', '{tag}-reflection', 'SECRET-key-{tag}-2', 3)", n()),
        format!("INSERT INTO paid_hours (id, course_id, week_start, hours, recorded_by, recorded_at) VALUES ('{}', '{course}', '2026-03-02', 7, '{w}', 4)", n()),
        format!("INSERT INTO feedback (id, citizen_id, course_id, activity_id, rating, comment, idempotency_key, created_at) \
                 VALUES ('{}', '{c}', '{course}', '{activity}', 5, '{tag}-feedback', 'SECRET-key-{tag}-3', 5)", n()),
        format!("INSERT INTO change_history (id, course_id, entity, entity_id, changed_by, changed_at, summary) \
                 VALUES ('{change}', '{course}', 'activity', '{activity}', '{w}', 6, '{tag}-change')"),
        format!("INSERT INTO change_fields (change_id, field, old_value, new_value) VALUES ('{change}', 'place', '{tag}-before', '{tag}-after')"),
        format!("INSERT INTO wellbeing_entries (id, citizen_id, entry_date, mood, energy, pain, sleep, note, shared, idempotency_key, created_at, updated_at) \
                 VALUES ('{}', '{c}', '2026-03-03', 2, 3, 4, 5, '{tag}-wellbeing-note', 0, 'SECRET-key-{tag}-4', 7, 7)", n()),
        format!("INSERT INTO wellbeing_entry_versions (id, citizen_id, entry_date, mood, energy, pain, sleep, note, written_at, replaced_at) \
                 VALUES ('{}', '{c}', '2026-03-03', 1, 1, 1, 1, '{tag}-old-note', 6, 7)", n()),
        format!("INSERT INTO who5_responses (id, citizen_id, answered_on, item1, item2, item3, item4, item5, score, shared, idempotency_key, created_at) \
                 VALUES ('{}', '{c}', '2026-03-04', 1, 2, 3, 4, 1, 44, 1, 'SECRET-key-{tag}-5', 8)", n()),
        format!("INSERT INTO wellbeing_share_periods (id, citizen_id, starts_on, ends_on, created_at) VALUES ('{}', '{c}', '2026-03-01', '2026-03-28', 9)", n()),
        format!("INSERT INTO health_concerns (id, citizen_id, course_id, activity_id, description, state, assessment, idempotency_key, created_at, updated_at) \
                 VALUES ('{concern}', '{c}', '{course}', '{activity}', '{tag}-concern', 'answered', '{tag}-assessment', 'SECRET-key-{tag}-6', 10, 11)"),
        format!("INSERT INTO health_concern_events (id, concern_id, state, actor_id, at) VALUES ('{}', '{concern}', 'sent', '{c}', 10)", n()),
        format!("INSERT INTO health_concern_events (id, concern_id, state, actor_id, at) VALUES ('{}', '{concern}', 'answered', '{w}', 11)", n()),
        format!("INSERT INTO message_threads (id, citizen_id, subject, created_by, created_at, last_message_at) \
                 VALUES ('{thread}', '{c}', '{tag}-subject-line', '{c}', 12, 13)"),
        format!("INSERT INTO messages (id, thread_id, sender_id, body, idempotency_key, sent_at) VALUES ('{}', '{thread}', '{c}', '{tag}-message', 'SECRET-key-{tag}-7', 12)", n()),
        format!("INSERT INTO messages (id, thread_id, sender_id, body, idempotency_key, sent_at, read_at) VALUES ('{}', '{thread}', '{w}', '{tag}-reply', 'SECRET-key-{tag}-8', 13, 14)", n()),
        format!("INSERT INTO audit_events (id, actor_id, actor_role, citizen_id, action, purpose, at) \
                 VALUES ('{}', '{w}', 'caseworker', '{c}', 'citizen_summary', '{tag}-purpose', 14)", n()),
        format!("INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, created_at) \
                 VALUES ('{}', '{c}', 'https://fcm.googleapis.com/fcm/send/SECRET-endpoint-{tag}', 'SECRET-p256-{tag}', 'SECRET-auth-{tag}', 15)", n()),
        format!("INSERT INTO push_outbox (id, user_id, kind, ref_id, due_at, created_at) VALUES ('{}', '{c}', 'message', 'SECRET-ref-{tag}', 16, 16)", n()),
        format!("INSERT INTO calendar_feeds (id, citizen_id, token_hash, show_titles, created_at) VALUES ('{}', '{c}', 'SECRET-feed-{tag}', 1, 17)", n()),
        format!("INSERT INTO activation_codes (id, user_id, code_hash, created_by, created_at, expires_at) VALUES ('{}', '{c}', 'SECRET-code-{tag}', '{w}', 18, 19)", n()),
    ] {
        exec(db, &sql).await;
    }
}

const MARKERS: [&str; 20] = [
    "phone",
    "subject",
    "main-goal",
    "goal",
    "rating-note",
    "activity",
    "place",
    "reflection",
    "feedback",
    "change",
    "before",
    "after",
    "wellbeing-note",
    "old-note",
    "concern",
    "assessment",
    "subject-line",
    "message",
    "reply",
    "purpose",
];

db_test!(
    the_export_holds_every_kind_of_data_and_nobody_elses_and_no_secret,
    |db| {
        let mette = user(db, Role::Caseworker, "Mette").await;
        let anna = user(db, Role::Citizen, "Anna").await;
        let bent = user(db, Role::Citizen, "Bent").await;
        assign(db, &mette, &anna).await;
        assign(db, &mette, &bent).await;
        fill(db, &anna, &mette, "ANNA").await;
        fill(db, &bent, &mette, "BENT").await;

        let access = crate::auth::policy::own_data(&anna).unwrap();
        let export = crate::me::data::collect(db, &access).await.unwrap();
        let json = serde_json::to_string(&export).unwrap();
        for marker in MARKERS {
            assert!(
                json.contains(&format!("\"ANNA-{marker}")),
                "ANNA-{marker} missing from {json}"
            );
        }
        assert!(!json.contains("BENT"), "another citizen's data: {json}");
        assert!(!json.contains("SECRET"), "a secret: {json}");
        assert!(!json.contains(&bent.id), "another citizen's id: {json}");

        // Every kind, with its sharing choices and steps.
        assert_eq!(export.schema, "mitforlob-export");
        assert_eq!(export.schema_version, 1);
        assert_eq!(export.person.name, "Anna");
        assert!(export.person.notifications_enabled);
        assert_eq!(export.person.linked_identities.len(), 1);
        assert_eq!(export.caseworkers.len(), 1);
        let course = &export.courses[0];
        assert_eq!(course.goals[0].ratings.len(), 1);
        assert_eq!(course.activities[0].reflections.len(), 1);
        assert_eq!(course.paid_hours[0].hours, 7);
        assert_eq!(course.feedback.len(), 1);
        assert_eq!(course.history[0].fields.len(), 1);
        assert_eq!(course.history[0].changed_by.role, "caseworker");
        let entry = &export.wellbeing.entries[0];
        assert_eq!(
            (entry.mood, entry.shared, entry.shared_by_period),
            (2, false, true)
        );
        assert_eq!(export.wellbeing.replaced_versions.len(), 1);
        assert_eq!(export.wellbeing.who5[0].items, [1, 2, 3, 4, 1]);
        assert!(export.wellbeing.who5[0].shared);
        assert_eq!(export.wellbeing.share_periods.len(), 1);
        let steps: Vec<&str> = export.concerns[0]
            .steps
            .iter()
            .map(|s| s.state.as_str())
            .collect();
        assert_eq!(steps, ["sent", "answered"]);
        assert_eq!(export.message_threads[0].messages.len(), 2);
        assert!(export.message_threads[0].messages[1].read_at.is_some());
        assert_eq!(export.access_log.len(), 1);
        assert_eq!(export.sessions.len(), 1);
        assert_eq!(export.devices[0].push_service, "fcm.googleapis.com");
        assert_eq!(export.notifications.len(), 1);
        assert!(export.calendar_feeds[0].show_titles);
        // Instants in RFC 3339, UTC.
        assert_eq!(
            export.sessions[0].created_at.as_deref(),
            Some("1970-01-01T00:00:00.001Z")
        );
    }
);

db_test!(
    only_the_citizen_gets_their_data_and_each_download_is_logged,
    |db| {
        let mette = user(db, Role::Caseworker, "Mette").await;
        let anna = user(db, Role::Citizen, "Anna").await;
        assign(db, &mette, &anna).await;
        for staff in [Role::Caseworker, Role::HealthCoordinator, Role::Administrator] {
            let someone = user(db, staff, "Staff").await;
            assert_eq!(
                crate::auth::policy::own_data(&someone).err(),
                Some(AppError::NotFound)
            );
        }
        // Even a caseworker's own access to the citizen does not reach it.
        let caseworker_access = crate::testing::citizen_or_caseworker(db, &mette, &anna.id)
            .await
            .unwrap();
        assert_eq!(
            crate::me::data::collect(db, &caseworker_access).await.err(),
            Some(AppError::NotFound)
        );

        let access = crate::auth::policy::own_data(&anna).unwrap();
        crate::audit::record_export(db, &access, "page").await.unwrap();
        crate::audit::record_export(db, &access, "page").await.unwrap();
        crate::audit::record_export(db, &access, "file").await.unwrap();
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT actor_role, action, purpose FROM audit_events WHERE citizen_id = $1 ORDER BY purpose",
        )
        .bind(&anna.id)
        .fetch_all(db.pool())
        .await
        .unwrap();
        // Once a quarter hour for each way of getting it.
        assert_eq!(
            rows,
            vec![
                ("citizen".into(), "data_export".into(), "file".into()),
                ("citizen".into(), "data_export".into(), "page".into()),
            ]
        );
        let export = crate::me::data::collect(db, &access).await.unwrap();
        assert_eq!(export.access_log.len(), 2);
    }
);

db_test!(the_text_size_is_kept_with_the_account, |db| {
    use crate::model::TextSize;
    let anna = user(db, Role::Citizen, "Anna").await;
    exec(
        db,
        &format!("UPDATE users SET text_size = 'larger' WHERE id = '{}'", anna.id),
    )
    .await;
    let token = crate::auth::session::create(db, &Default::default(), &anna.id)
        .await
        .unwrap();
    let seen = crate::auth::session::resolve(db, &Default::default(), &token)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(seen.text_size, TextSize::Larger);
    // The database refuses a size the app does not know.
    assert!(sqlx::query("UPDATE users SET text_size = 'huge' WHERE id = $1")
        .bind(&anna.id)
        .execute(db.pool())
        .await
        .is_err());
    assert_eq!(TextSize::parse("large"), Some(TextSize::Large));
    assert_eq!(TextSize::parse("huge"), None);
    assert_eq!(TextSize::Normal.html_class(), None);
    assert_eq!(TextSize::Larger.html_class(), Some("text-larger"));
});
