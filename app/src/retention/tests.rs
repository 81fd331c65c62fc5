//! Retention with a clock the test moves: nothing goes a day early, the
//! data goes after its period, the access log after its own, and nobody
//! else's data is touched. The administrator's counts match the run.
use super::data::{preview, run as sweep};
use super::{RetentionCounts, RetentionPolicy};
use crate::db::{new_id, Db};
use crate::db_test;
use crate::model::{CurrentUser, Role};
use crate::testing::{assign, user};

async fn exec(db: &Db, sql: &str) {
    sqlx::query(sql)
        .execute(db.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn count(db: &Db, sql: &str, id: &str) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(db.pool())
        .await
        .unwrap()
}

/// Noon UTC on a day, as epoch milliseconds: the clock.
fn at(day: &str) -> i64 {
    format!("{day}T12:00:00Z")
        .parse::<jiff::Timestamp>()
        .unwrap()
        .as_millisecond()
}

/// A course of `status` ending on `end`, with one of every kind of data.
async fn citizen_with_course(
    db: &Db,
    caseworker: &CurrentUser,
    name: &str,
    status: &str,
    end: &str,
) -> CurrentUser {
    let c = user(db, Role::Citizen, name).await;
    assign(db, caseworker, &c).await;
    let (id, w) = (&c.id, &caseworker.id);
    let (course, activity, concern, thread) = (new_id(), new_id(), new_id(), new_id());
    for sql in [
        format!("UPDATE users SET password_hash = 'x', phone = '20 12 34 56' WHERE id = '{id}'"),
        format!("INSERT INTO courses (id, citizen_id, kind, status, start_date, planned_end_date, created_at, updated_at) \
                 VALUES ('{course}', '{id}', 'ressourceforloeb', '{status}', '2023-01-02', '{end}', 1, 1)"),
        format!("INSERT INTO activities (id, course_id, kind, status, title, starts_at, created_at, updated_at) \
                 VALUES ('{activity}', '{course}', 'mentor', 'completed', 'Mentor', 1, 1, 1)"),
        format!("INSERT INTO goals (id, course_id, title, created_at, updated_at) VALUES ('{}', '{course}', 'Mål', 1, 1)", new_id()),
        format!("INSERT INTO change_history (id, course_id, entity, entity_id, changed_by, changed_at, summary) \
                 VALUES ('{}', '{course}', 'activity', '{activity}', '{w}', 1, 'x')", new_id()),
        format!("INSERT INTO wellbeing_entries (id, citizen_id, entry_date, mood, energy, pain, sleep, shared, activity_id, \
                 idempotency_key, created_at, updated_at) VALUES ('{}', '{id}', '2024-01-01', 3, 3, 3, 3, 1, '{activity}', '{}', 1, 1)", new_id(), new_id()),
        format!("INSERT INTO who5_responses (id, citizen_id, answered_on, item1, item2, item3, item4, item5, score, shared, \
                 idempotency_key, created_at) VALUES ('{}', '{id}', '2024-01-01', 1, 1, 1, 1, 1, 20, 1, '{}', 1)", new_id(), new_id()),
        format!("INSERT INTO health_concerns (id, citizen_id, course_id, activity_id, description, state, idempotency_key, created_at, updated_at) \
                 VALUES ('{concern}', '{id}', '{course}', '{activity}', 'ondt', 'answered', '{}', 1, 1)", new_id()),
        format!("INSERT INTO health_concern_events (id, concern_id, state, actor_id, at) VALUES ('{}', '{concern}', 'sent', '{id}', 1)", new_id()),
        format!("INSERT INTO message_threads (id, citizen_id, subject, activity_id, created_by, created_at, last_message_at) \
                 VALUES ('{thread}', '{id}', 'Emne', '{activity}', '{id}', 1, 1)"),
        format!("INSERT INTO messages (id, thread_id, sender_id, body, idempotency_key, sent_at) VALUES ('{}', '{thread}', '{id}', 'hej', '{}', 1)", new_id(), new_id()),
        format!("INSERT INTO messages (id, thread_id, sender_id, body, idempotency_key, sent_at) VALUES ('{}', '{thread}', '{w}', 'hej selv', '{}', 2)", new_id(), new_id()),
        format!("INSERT INTO push_outbox (id, user_id, kind, ref_id, due_at, created_at) VALUES ('{}', '{w}', 'message', '{thread}', 1, 1)", new_id()),
        format!("INSERT INTO audit_events (id, actor_id, actor_role, citizen_id, action, purpose, at) \
                 VALUES ('{}', '{w}', 'caseworker', '{id}', 'citizen_summary', 'case_work', 1)", new_id()),
        format!("INSERT INTO sessions (key_hash, user_id, created_at, last_seen_at, expires_at) VALUES ('{}', '{id}', 1, 1, 1)", new_id()),
        format!("INSERT INTO push_subscriptions (id, user_id, endpoint, p256dh, auth, created_at) \
                 VALUES ('{}', '{id}', 'https://fcm.googleapis.com/{}', 'k', 'a', 1)", new_id(), new_id()),
        format!("INSERT INTO plan_visits (user_id, course_id, seen_at) VALUES ('{w}', '{course}', 1)"),
    ] {
        exec(db, &sql).await;
    }
    c
}

/// Rows about the citizen, table by table.
async fn rows_about(db: &Db, c: &CurrentUser) -> Vec<i64> {
    let mut out = Vec::new();
    for sql in [
        "SELECT COUNT(*) FROM courses WHERE citizen_id = $1",
        "SELECT COUNT(*) FROM wellbeing_entries WHERE citizen_id = $1",
        "SELECT COUNT(*) FROM who5_responses WHERE citizen_id = $1",
        "SELECT COUNT(*) FROM health_concerns WHERE citizen_id = $1",
        "SELECT COUNT(*) FROM message_threads WHERE citizen_id = $1",
        "SELECT COUNT(*) FROM sessions WHERE user_id = $1",
        "SELECT COUNT(*) FROM push_subscriptions WHERE user_id = $1",
        "SELECT COUNT(*) FROM caseload_assignments WHERE citizen_id = $1",
    ] {
        out.push(count(db, sql, &c.id).await);
    }
    out
}

db_test!(
    data_goes_after_its_period_and_the_access_log_after_its_own,
    |db| {
        let policy = RetentionPolicy {
            data_years: 5,
            access_log_years: 10,
        };
        let admin = user(db, Role::Administrator, "Henrik").await;
        let access = crate::auth::policy::admin(&admin).unwrap();
        let mette = user(db, Role::Caseworker, "Mette").await;
        let anna = citizen_with_course(db, &mette, "Anna", "ended", "2026-01-31").await;
        // Ended on the same day, but a second course is still going.
        let bent = citizen_with_course(db, &mette, "Bent", "ended", "2026-01-31").await;
        exec(
        db,
        &format!(
            "INSERT INTO courses (id, citizen_id, kind, status, start_date, planned_end_date, created_at, updated_at) \
             VALUES ('{}', '{}', 'jobafklaringsforloeb', 'active', '2026-02-01', '2028-02-01', 1, 1)",
            new_id(),
            bent.id
        ),
    )
    .await;
        // Ended a year later.
        let carl = citizen_with_course(db, &mette, "Carl", "ended", "2027-01-31").await;
        let (bent_before, carl_before) = (rows_about(db, &bent).await, rows_about(db, &carl).await);

        // Five years after the end day: not yet.
        let early = at("2031-01-31");
        assert_eq!(
            preview(db, &access, policy, early).await.unwrap(),
            RetentionCounts::default()
        );
        assert!(sweep(db, policy, early).await.unwrap().is_empty());
        assert_eq!(rows_about(db, &anna).await, vec![1, 1, 1, 1, 1, 1, 1, 1]);

        // The day after: Anna's data goes; the count shown beforehand is what goes.
        let due = at("2031-02-01");
        let expected = RetentionCounts {
            citizens: 1,
            courses: 1,
            activities: 1,
            wellbeing_entries: 1,
            who5_responses: 1,
            concerns: 1,
            messages: 2,
            access_log_rows: 0,
            stubs: 0,
        };
        assert_eq!(preview(db, &access, policy, due).await.unwrap(), expected);
        assert_eq!(sweep(db, policy, due).await.unwrap(), expected);
        assert_eq!(rows_about(db, &anna).await, vec![0; 8]);
        let stub: (String, Option<String>, Option<String>, Option<String>) =
            sqlx::query_as("SELECT display_name, email, phone, password_hash FROM users WHERE id = $1")
                .bind(&anna.id)
                .fetch_one(db.pool())
                .await
                .unwrap();
        assert_eq!(stub, (String::new(), None, None, None));
        assert_eq!(
            count(
                db,
                "SELECT COUNT(*) FROM push_outbox WHERE user_id = $1",
                &mette.id
            )
            .await,
            2
        );
        // The access log stays with the stub; nobody else's data changed.
        assert_eq!(
            count(
                db,
                "SELECT COUNT(*) FROM audit_events WHERE citizen_id = $1",
                &anna.id
            )
            .await,
            1
        );
        assert_eq!(rows_about(db, &bent).await, bent_before);
        assert_eq!(rows_about(db, &carl).await, carl_before);
        // A second run at the same time finds nothing.
        assert!(sweep(db, policy, due).await.unwrap().is_empty());
        // Outside a retention run, messages and the access log still cannot go.
        assert!(sqlx::query("DELETE FROM messages")
            .execute(db.pool())
            .await
            .is_err());
        assert!(sqlx::query("DELETE FROM audit_events")
            .execute(db.pool())
            .await
            .is_err());

        // Ten years after Anna's end day: her log goes, and her stub with it;
        // Carl's data is due now (five years after his), his log not yet.
        let log_due = at("2036-02-01");
        let counts = preview(db, &access, policy, log_due).await.unwrap();
        assert_eq!((counts.citizens, counts.stubs, counts.access_log_rows), (1, 1, 1));
        assert_eq!(sweep(db, policy, log_due).await.unwrap(), counts);
        assert_eq!(
            count(db, "SELECT COUNT(*) FROM users WHERE id = $1", &anna.id).await,
            0
        );
        assert_eq!(
            count(
                db,
                "SELECT COUNT(*) FROM audit_events WHERE citizen_id = $1",
                &anna.id
            )
            .await,
            0
        );
        assert_eq!(rows_about(db, &carl).await, vec![0; 8]);
        assert_eq!(
            count(
                db,
                "SELECT COUNT(*) FROM audit_events WHERE citizen_id = $1",
                &carl.id
            )
            .await,
            1
        );
        assert_eq!(rows_about(db, &bent).await, bent_before);
    }
);

db_test!(only_an_administrator_sees_the_counts, |db| {
    for role in [Role::Citizen, Role::Caseworker, Role::HealthCoordinator] {
        let someone = user(db, role, "Someone").await;
        assert_eq!(
            crate::auth::policy::admin(&someone).err(),
            Some(crate::error::AppError::NotFound)
        );
    }
});
