//! Demo data: a small Danish municipality, so the product can be tried at once.
//! Dates are relative to today, so the demo never goes stale.
use crate::auth::password::hash_password;
use crate::db::{new_id, Db, DbError, Tx};
use crate::time::{copenhagen, now_ms};
use jiff::{civil::Date, ToSpan};
use secrecy::SecretString;

mod ali;
mod birgitte;
mod sofie;

/// Every demo account has this password. Demo only: never in production.
pub const DEMO_PASSWORD: &str = "demo-forloeb-2026";

pub struct DemoLogin {
    pub email: &'static str,
    pub name: &'static str,
    pub role: &'static str,
}

pub const DEMO_LOGINS: [DemoLogin; 6] = [
    DemoLogin {
        email: "sofie@demo.mitforlob.dk",
        name: "Sofie Larsen",
        role: "citizen",
    },
    DemoLogin {
        email: "ali@demo.mitforlob.dk",
        name: "Ali Hassan",
        role: "citizen",
    },
    DemoLogin {
        email: "birgitte@demo.mitforlob.dk",
        name: "Birgitte Møller",
        role: "citizen",
    },
    DemoLogin {
        email: "mette@demo.mitforlob.dk",
        name: "Mette Jensen",
        role: "caseworker",
    },
    DemoLogin {
        email: "lars@demo.mitforlob.dk",
        name: "Lars Holm",
        role: "health_coordinator",
    },
    DemoLogin {
        email: "henrik@demo.mitforlob.dk",
        name: "Henrik Nielsen",
        role: "administrator",
    },
];

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Db(#[from] DbError),
    #[error("database query failed")]
    Query(#[from] sqlx::Error),
    #[error("hashing the demo password failed")]
    Password(#[from] crate::auth::password::PasswordError),
    #[error("date arithmetic failed")]
    Date(#[from] jiff::Error),
}

pub async fn is_empty(db: &Db) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(db.pool())
        .await?;
    Ok(n == 0)
}

/// Everything is written in one transaction: a seed stopped half-way (killed,
/// failed) leaves the database empty, so the next run can do it all.
struct Seeder {
    tx: tokio::sync::Mutex<Tx>,
    today: Date,
    now: i64,
    /// Tests: fail at this statement, as a killed or failing seed would.
    fail_at: Option<usize>,
    done: std::sync::atomic::AtomicUsize,
}

impl Seeder {
    async fn exec(&self, sql: &str, args: Vec<Arg>) -> Result<(), sqlx::Error> {
        let n = self.done.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        if self.fail_at == Some(n) {
            return Err(sqlx::Error::Protocol("seed stopped half-way (test)".into()));
        }
        let mut q = sqlx::query(sql);
        for a in args {
            q = match a {
                Arg::S(s) => q.bind(s),
                Arg::N(n) => q.bind(n),
                // Every NULL the seed writes is a number column.
                Arg::Null => q.bind(None::<i64>),
            };
        }
        q.execute(&mut **self.tx.lock().await).await?;
        Ok(())
    }

    fn day(&self, offset: i64) -> Result<Date, jiff::Error> {
        self.today.checked_add(offset.days())
    }

    /// Epoch ms of a Copenhagen wall-clock time `offset` days from today.
    fn at(&self, offset: i64, hour: i8, minute: i8) -> Result<i64, jiff::Error> {
        Ok(self
            .day(offset)?
            .at(hour, minute, 0, 0)
            .to_zoned(copenhagen())?
            .timestamp()
            .as_millisecond())
    }

    async fn user(
        &self,
        id: &str,
        role: &str,
        name: &str,
        email: &str,
        hash: &str,
        region: &str,
    ) -> Result<(), sqlx::Error> {
        self.exec(
            "INSERT INTO users (id, role, display_name, email, password_hash, language, region_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, 'da', $6, $7)",
            vec![s(id), s(role), s(name), s(email), s(hash), s(region), Arg::N(self.now)],
        )
        .await
    }

    async fn course(
        &self,
        id: &str,
        citizen: &str,
        kind: &str,
        start: Date,
        end: Date,
        goal: &str,
    ) -> Result<(), sqlx::Error> {
        self.exec(
            "INSERT INTO courses (id, citizen_id, kind, status, start_date, planned_end_date, main_goal, created_at, updated_at) \
             VALUES ($1, $2, $3, 'active', $4, $5, $6, $7, $8)",
            vec![s(id), s(citizen), s(kind), s(&start.to_string()), s(&end.to_string()), s(goal), Arg::N(self.now), Arg::N(self.now)],
        )
        .await
    }

    async fn goal(
        &self,
        course: &str,
        position: i64,
        title: &str,
        description: &str,
    ) -> Result<(), sqlx::Error> {
        self.exec(
            "INSERT INTO goals (id, course_id, title, description, position, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            vec![
                s(&new_id()),
                s(course),
                s(title),
                s(description),
                Arg::N(position),
                Arg::N(self.now),
                Arg::N(self.now),
            ],
        )
        .await
    }

    #[allow(clippy::too_many_arguments)]
    async fn activity(
        &self,
        course: &str,
        kind: &str,
        status: &str,
        title: &str,
        starts: i64,
        ends: Option<i64>,
        place: &str,
        contact: &str,
        hours: Option<i64>,
        purpose: &str,
    ) -> Result<String, sqlx::Error> {
        let id = new_id();
        self.exec(
            "INSERT INTO activities (id, course_id, kind, status, title, purpose, place, contact_name, \
               starts_at, ends_at, hours_per_week, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
            vec![
                s(&id),
                s(course),
                s(kind),
                s(status),
                s(title),
                s(purpose),
                s(place),
                s(contact),
                Arg::N(starts),
                ends.map(Arg::N).unwrap_or(Arg::Null),
                hours.map(Arg::N).unwrap_or(Arg::Null),
                Arg::N(self.now),
                Arg::N(self.now),
            ],
        )
        .await?;
        Ok(id)
    }

    async fn thread(
        &self,
        citizen: &str,
        caseworker: &str,
        subject: &str,
        messages: &[(bool, i64, &str, bool)],
    ) -> Result<(), sqlx::Error> {
        let id = new_id();
        let last = messages.iter().map(|m| m.1).max().unwrap_or(self.now);
        let waiting = messages.last().is_some_and(|m| !m.0);
        self.exec(
            "INSERT INTO message_threads (id, citizen_id, subject, waiting_for_citizen, created_by, created_at, last_message_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            vec![s(&id), s(citizen), s(subject), Arg::N(waiting as i64), s(caseworker), Arg::N(messages[0].1), Arg::N(last)],
        )
        .await?;
        for (from_citizen, at, body, read) in messages {
            let sender = if *from_citizen { citizen } else { caseworker };
            self.exec(
                "INSERT INTO messages (id, thread_id, sender_id, body, idempotency_key, sent_at, read_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                vec![
                    s(&new_id()),
                    s(&id),
                    s(sender),
                    s(body),
                    s(&new_id()),
                    Arg::N(*at),
                    if *read { Arg::N(at + 3_600_000) } else { Arg::Null },
                ],
            )
            .await?;
        }
        Ok(())
    }
}

enum Arg {
    S(String),
    N(i64),
    Null,
}

fn s(v: &str) -> Arg {
    Arg::S(v.to_string())
}

/// Fills an empty database with the demo municipality. Returns false (and
/// changes nothing) when there are users already.
pub async fn seed_demo(db: &Db) -> Result<bool, SeedError> {
    seed_demo_failing_at(db, None).await
}

async fn seed_demo_failing_at(db: &Db, fail_at: Option<usize>) -> Result<bool, SeedError> {
    if !is_empty(db).await? {
        return Ok(false);
    }
    let hash = hash_password(SecretString::from(DEMO_PASSWORD)).await?;
    let today = jiff::Timestamp::now().to_zoned(copenhagen()).date();
    let mut tx = db.begin().await?;
    // Looked at again inside the transaction: another seed may have won.
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&mut *tx)
        .await?;
    if users > 0 {
        tx.rollback().await?;
        return Ok(false);
    }
    let sd = Seeder {
        tx: tokio::sync::Mutex::new(tx),
        today,
        now: now_ms(),
        fail_at,
        done: Default::default(),
    };
    seed(&sd, &hash).await?;
    sd.tx.into_inner().commit().await?;
    Ok(true)
}

async fn seed(sd: &Seeder, hash: &str) -> Result<(), SeedError> {
    let (hovedstaden, sjaelland) = (new_id(), new_id());
    sd.exec(
        "INSERT INTO regions (id, name) VALUES ($1, $2)",
        vec![s(&hovedstaden), s("Region Hovedstaden")],
    )
    .await?;
    sd.exec(
        "INSERT INTO regions (id, name) VALUES ($1, $2)",
        vec![s(&sjaelland), s("Region Sjælland")],
    )
    .await?;

    let ids: Vec<String> = DEMO_LOGINS.iter().map(|_| new_id()).collect();
    for (login, id) in DEMO_LOGINS.iter().zip(&ids) {
        sd.user(id, login.role, login.name, login.email, hash, &hovedstaden)
            .await?;
    }
    let (sofie, ali, birgitte, mette, lars) = (&ids[0], &ids[1], &ids[2], &ids[3], &ids[4]);
    // Made-up phone numbers, where the person gave one (Birgitte did not).
    for (id, phone) in [
        (sofie, "20 12 34 56"),
        (ali, "31 23 45 67"),
        (mette, "72 34 56 78"),
        (lars, "38 45 67 89"),
    ] {
        sd.exec("UPDATE users SET phone = $1 WHERE id = $2", vec![s(phone), s(id)])
            .await?;
    }
    sd.exec(
        "INSERT INTO coordinator_regions (coordinator_id, region_id) VALUES ($1, $2)",
        vec![s(lars), s(&hovedstaden)],
    )
    .await?;
    for citizen in [sofie, ali, birgitte] {
        sd.exec(
            "INSERT INTO caseload_assignments (id, caseworker_id, citizen_id, assigned_at) VALUES ($1, $2, $3, $4)",
            vec![s(&new_id()), s(mette), s(citizen), Arg::N(sd.now)],
        )
        .await?;
    }

    let people = People {
        sofie,
        ali,
        birgitte,
        mette,
        lars,
        hovedstaden: &hovedstaden,
    };
    sofie::seed(sd, &people).await?;
    ali::seed(sd, &people).await?;
    birgitte::seed(sd, &people).await?;
    Ok(())
}

/// Who the people of the demo are, for each person's own file.
struct People<'a> {
    sofie: &'a str,
    ali: &'a str,
    birgitte: &'a str,
    mette: &'a str,
    lars: &'a str,
    hovedstaden: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db_test;

    async fn count(db: &Db, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(db.pool())
            .await
            .expect("count")
    }

    db_test!(
        a_seed_stopped_half_way_leaves_nothing_and_the_next_one_completes,
        |db| {
            // Stopped after the users, regions and Sofie's course were written.
            let stopped = seed_demo_failing_at(db, Some(19)).await;
            assert!(stopped.is_err(), "the injected failure must stop the seed");
            for table in ["users", "regions", "courses", "caseload_assignments"] {
                assert_eq!(count(db, table).await, 0, "{table} after a stopped seed");
            }
            assert!(seed_demo(db).await.expect("a later seed"));
            assert_eq!(count(db, "users").await, DEMO_LOGINS.len() as i64);
            assert!(count(db, "messages").await > 0);
            // And only once.
            assert!(!seed_demo(db).await.expect("a third seed"));
        }
    );
}
