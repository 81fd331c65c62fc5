//! Demo data: a small Danish municipality, so the product can be tried at once.
//! Dates are relative to today, so the demo never goes stale.
use crate::auth::password::hash_password;
use crate::db::{new_id, Db, DbError, Tx};
use crate::time::{copenhagen, now_ms};
use jiff::{civil::Date, ToSpan};
use secrecy::SecretString;

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

    // Sofie: new in a resource course, nothing started yet.
    let c1 = new_id();
    sd.course(
        &c1,
        sofie,
        "ressourceforloeb",
        sd.day(-21)?,
        sd.day(-21)?.checked_add(2.years())?,
        "Job i en butik, 15 timer om ugen",
    )
    .await?;
    sd.goal(
        &c1,
        1,
        "Få mere overskud i hverdagen",
        "Gå en tur hver dag og sove bedre.",
    )
    .await?;
    sd.goal(
        &c1,
        2,
        "Afklare hvilket arbejde der passer mig",
        "Tale med mentor om mine ønsker.",
    )
    .await?;
    sd.activity(
        &c1,
        "follow_up_meeting",
        "completed",
        "Første samtale med din sagsbehandler",
        sd.at(-20, 10, 0)?,
        None,
        "Jobcenter København, Gyldenløvesgade 11",
        "Mette Jensen",
        None,
        "Lære hinanden at kende og tale om dine ønsker.",
    )
    .await?;
    sd.activity(
        &c1,
        "mentor",
        "planned",
        "Første møde med mentor",
        sd.at(5, 13, 0)?,
        None,
        "Jobcenter København, mødelokale 2",
        "Jonas Berg (mentor)",
        None,
        "Tale om hvad du gerne vil, og hvad der er svært.",
    )
    .await?;
    sd.activity(
        &c1,
        "rehab_team_meeting",
        "planned",
        "Møde i rehabiliteringsteamet",
        sd.at(19, 9, 30)?,
        None,
        "Jobcenter København",
        "Mette Jensen",
        None,
        "Teamet hører om din situation. Du må gerne tage en bisidder med: en person, du stoler på, som kan lytte med, tage noter og støtte dig på mødet.",
    )
    .await?;
    sd.thread(sofie, mette, "Velkommen til dit forløb", &[(false, sd.at(-19, 11, 0)?, "Hej Sofie. Velkommen til dit ressourceforløb. Skriv endelig, hvis du har spørgsmål. Venlig hilsen Mette", false)]).await?;

    // Ali: a year in, a work placement with paid hours stepped up.
    let c2 = new_id();
    sd.course(
        &c2,
        ali,
        "ressourceforloeb",
        sd.day(-370)?,
        sd.day(-370)?.checked_add(3.years())?,
        "Fast job på et lager",
    )
    .await?;
    sd.goal(
        &c2,
        1,
        "Arbejde 15 timer om ugen",
        "Trappe op fra 5 timer om ugen i mit eget tempo.",
    )
    .await?;
    sd.goal(
        &c2,
        2,
        "Klare smerterne i ryggen bedre",
        "Fysioterapi og øvelser hjemme.",
    )
    .await?;
    sd.activity(
        &c2,
        "work_placement",
        "completed",
        "Virksomhedspraktik hos Grønt Lager ApS",
        sd.at(-300, 8, 0)?,
        Some(sd.at(-200, 12, 0)?),
        "Grønt Lager ApS, Køge",
        "Susanne Dahl",
        Some(10),
        "Prøve lagerarbejde af i et roligt tempo.",
    )
    .await?;
    let paid = sd
        .activity(
            &c2,
            "paid_hours",
            "ongoing",
            "Lønnede timer hos Grønt Lager ApS",
            sd.at(-90, 8, 0)?,
            None,
            "Grønt Lager ApS, Køge",
            "Susanne Dahl",
            Some(8),
            "Trappe op til 15 timer om ugen.",
        )
        .await?;
    // A contact person with a phone number, as most workplaces have.
    sd.exec(
        "UPDATE activities SET contact_phone = $1 WHERE id = $2",
        vec![s("56 12 34 56"), s(&paid)],
    )
    .await?;
    sd.activity(
        &c2,
        "health_measure",
        "ongoing",
        "Fysioterapi for ryggen",
        sd.at(-60, 14, 0)?,
        None,
        "Fysioterapeuterne, Køge",
        "Mads Krogh",
        None,
        "Styrke ryggen, så arbejdet gør mindre ondt.",
    )
    .await?;
    let last_meeting = sd
        .activity(
            &c2,
            "follow_up_meeting",
            "completed",
            "Opfølgningssamtale",
            sd.at(-7, 10, 0)?,
            None,
            "Jobcenter København",
            "Mette Jensen",
            None,
            "Tale om hvordan timerne går.",
        )
        .await?;
    let next_meeting = sd
        .activity(
            &c2,
            "follow_up_meeting",
            "planned",
            "Opfølgningssamtale",
            sd.at(2, 10, 0)?,
            None,
            "Jobcenter København",
            "Mette Jensen",
            None,
            "Tale om at gå op i timer.",
        )
        .await?;
    let placement = sd
        .activity(
            &c2,
            "work_placement",
            "planned",
            "Ny praktik: pakkeafdelingen",
            sd.at(12, 8, 0)?,
            None,
            "Grønt Lager ApS, Køge",
            "Susanne Dahl",
            Some(12),
            "Prøve opgaver med mindre løft.",
        )
        .await?;
    for (i, week) in (0..6).rev().enumerate() {
        let day = sd.day(-7 * week - 40)?;
        let monday = day.checked_sub(jiff::Span::new().days(day.weekday().to_monday_zero_offset()))?;
        sd.exec(
            "INSERT INTO paid_hours (id, course_id, week_start, hours, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6)",
            vec![s(&new_id()), s(&c2), s(&monday.to_string()), Arg::N(5 + i as i64), s(mette), Arg::N(sd.now)],
        )
        .await?;
    }
    ali_plan_news(sd, &c2, ali, mette, &placement, &next_meeting, &last_meeting).await?;
    for d in 1..=20i64 {
        let date = sd.day(-d)?;
        let (mood, energy, pain, sleep) = (2 + d % 3, 2 + (d + 1) % 3, 2 + d % 2, 3 + d % 2);
        sd.exec(
            "INSERT INTO wellbeing_entries (id, citizen_id, entry_date, mood, energy, pain, sleep, note, shared, \
               idempotency_key, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, NULL, $8, $9, $10, $11)",
            vec![
                s(&new_id()), s(ali), s(&date.to_string()), Arg::N(mood), Arg::N(energy), Arg::N(pain), Arg::N(sleep),
                Arg::N((d <= 14) as i64), s(&new_id()), Arg::N(sd.now), Arg::N(sd.now),
            ],
        )
        .await?;
    }
    sd.exec(
        "INSERT INTO wellbeing_share_periods (id, citizen_id, starts_on, ends_on, created_at) VALUES ($1, $2, $3, $4, $5)",
        vec![s(&new_id()), s(ali), s(&sd.day(-14)?.to_string()), s(&sd.day(14)?.to_string()), Arg::N(sd.now)],
    )
    .await?;
    // A WHO-5 24 days ago, shared: 4+4+3+3+3 = 17, score 68; so the one
    // below (12 points lower) puts Ali under "shared wellbeing falling".
    sd.exec(
        "INSERT INTO who5_responses (id, citizen_id, answered_on, item1, item2, item3, item4, item5, score, shared, \
           idempotency_key, created_at) VALUES ($1, $2, $3, 4, 4, 3, 3, 3, 68, 1, $4, $5)",
        vec![s(&new_id()), s(ali), s(&sd.day(-24)?.to_string()), s(&new_id()), Arg::N(sd.at(-24, 19, 40)?)],
    )
    .await?;
    // A WHO-5 ten days ago, shared: 3+3+2+3+3 = 14, score 56.
    sd.exec(
        "INSERT INTO who5_responses (id, citizen_id, answered_on, item1, item2, item3, item4, item5, score, shared, \
           idempotency_key, created_at) VALUES ($1, $2, $3, 3, 3, 2, 3, 3, 56, 1, $4, $5)",
        vec![s(&new_id()), s(ali), s(&sd.day(-10)?.to_string()), s(&new_id()), Arg::N(sd.at(-10, 20, 15)?)],
    )
    .await?;
    sd.thread(ali, mette, "Flere timer på lageret?", &[
        (true, sd.at(-3, 9, 12)?, "Hej Mette. Jeg vil gerne prøve 10 timer om ugen fra næste måned. Ryggen er blevet bedre.", true),
        (false, sd.at(-2, 14, 30)?, "Hej Ali. Det lyder godt. Vi taler om det til opfølgningssamtalen. Kan du skrive, hvilke dage der passer dig?", false),
    ]).await?;

    // Birgitte: near the end of three years, with an open health concern.
    let c3 = new_id();
    let start3 = sd.day(-3 * 365 + 60)?;
    sd.course(
        &c3,
        birgitte,
        "ressourceforloeb",
        start3,
        start3.checked_add(3.years())?,
        "Afklaring af min fremtid på arbejdsmarkedet",
    )
    .await?;
    sd.goal(
        &c3,
        1,
        "Finde ud af, hvad jeg kan holde til",
        "Afprøve arbejde i små doser.",
    )
    .await?;
    sd.activity(
        &c3,
        "work_placement",
        "completed",
        "Praktik i kantinen",
        sd.at(-400, 9, 0)?,
        Some(sd.at(-300, 13, 0)?),
        "Plejecenter Solgården",
        "Hanne Friis",
        Some(6),
        "Prøve lettere køkkenarbejde.",
    )
    .await?;
    sd.activity(
        &c3,
        "social_support",
        "ongoing",
        "Støtte-kontaktperson",
        sd.at(-200, 10, 0)?,
        None,
        "Hjemme hos dig",
        "Karen Vestergaard",
        None,
        "Hjælp til at få hverdagen til at hænge sammen.",
    )
    .await?;
    let placement = sd
        .activity(
            &c3,
            "work_placement",
            "planned",
            "Praktik på kontor",
            sd.at(9, 9, 0)?,
            None,
            "Borgerservice, Rådhuset",
            "Per Lund",
            Some(6),
            "Prøve kontorarbejde siddende.",
        )
        .await?;
    sd.activity(
        &c3,
        "rehab_team_meeting",
        "planned",
        "Møde i rehabiliteringsteamet om forløbets afslutning",
        sd.at(30, 10, 0)?,
        None,
        "Jobcenter København",
        "Mette Jensen",
        None,
        "Tale om hvad der skal ske, når forløbet slutter.",
    )
    .await?;
    let concern = new_id();
    let sent = sd.at(-4, 16, 20)?;
    sd.exec(
        "INSERT INTO health_concerns (id, citizen_id, course_id, activity_id, region_id, coordinator_id, description, \
           attach_wellbeing, state, idempotency_key, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 'received', $8, $9, $10)",
        vec![
            s(&concern), s(birgitte), s(&c3), s(&placement), s(&hovedstaden), s(lars),
            s("Jeg er bange for, at jeg ikke kan sidde ved en computer flere timer ad gangen på grund af min nakke."),
            s(&new_id()), Arg::N(sent), Arg::N(sent),
        ],
    )
    .await?;
    for (state, at, actor) in [("sent", sent, birgitte), ("received", sent + 86_400_000, lars)] {
        sd.exec(
            "INSERT INTO health_concern_events (id, concern_id, state, actor_id, at) VALUES ($1, $2, $3, $4, $5)",
            vec![s(&new_id()), s(&concern), s(state), s(actor), Arg::N(at)],
        )
        .await?;
    }
    sd.thread(birgitte, mette, "Praktikken på kontoret", &[
        (true, sd.at(-1, 19, 45)?, "Hej Mette. Jeg har sendt en bekymring om praktikken til sundhedskoordinatoren. Jeg håber, det er i orden.", true),
        (false, sd.at(-1, 21, 10)?, "Hej Birgitte. Det er helt i orden, og godt, at du gør det. Du skal ikke starte i praktikken, før vi har talt sammen.\n\nVenlig hilsen\nMette Jensen", false),
    ]).await?;
    Ok(())
}

/// Ali's plan as he finds it today: seen three days ago, since when Mette
/// moved his coming placement and booked a meeting; he has rated a goal and
/// said how the last meeting went.
async fn ali_plan_news(
    sd: &Seeder,
    course: &str,
    ali: &str,
    mette: &str,
    placement: &str,
    next_meeting: &str,
    last_meeting: &str,
) -> Result<(), SeedError> {
    let day = 24 * 3_600_000;
    let long_ago = sd.now - 30 * day;
    for table in ["activities", "goals"] {
        sd.exec(
            &format!("UPDATE {table} SET created_at = $1, updated_at = $1 WHERE course_id = $2"),
            vec![Arg::N(long_ago), s(course)],
        )
        .await?;
    }
    sd.exec(
        "INSERT INTO plan_visits (user_id, course_id, seen_at) VALUES ($1, $2, $3)",
        vec![s(ali), s(course), Arg::N(sd.now - 3 * day)],
    )
    .await?;
    let yesterday = sd.now - day;
    sd.exec(
        "UPDATE activities SET updated_at = $1, updated_by = $2 WHERE id = $3",
        vec![Arg::N(yesterday), s(mette), s(placement)],
    )
    .await?;
    sd.exec(
        "UPDATE activities SET created_at = $1, updated_at = $1, updated_by = $2 WHERE id = $3",
        vec![Arg::N(yesterday), s(mette), s(next_meeting)],
    )
    .await?;
    let history = [
        (
            placement,
            "updated",
            Some(("place", "Grønt Lager ApS, Greve", "Grønt Lager ApS, Køge")),
        ),
        (next_meeting, "created", None),
    ];
    for (item, summary, field) in history {
        let change = new_id();
        sd.exec(
            "INSERT INTO change_history (id, course_id, entity, entity_id, changed_by, changed_at, summary) \
             VALUES ($1, $2, 'activity', $3, $4, $5, $6)",
            vec![
                s(&change),
                s(course),
                s(item),
                s(mette),
                Arg::N(yesterday),
                s(summary),
            ],
        )
        .await?;
        if let Some((name, old, new)) = field {
            sd.exec(
                "INSERT INTO change_fields (change_id, field, old_value, new_value) VALUES ($1, $2, $3, $4)",
                vec![s(&change), s(name), s(old), s(new)],
            )
            .await?;
        }
    }
    let goal: String =
        sqlx::query_scalar("SELECT id FROM goals WHERE course_id = $1 ORDER BY position LIMIT 1")
            .bind(course)
            .fetch_one(&mut **sd.tx.lock().await)
            .await?;
    let ratings = [
        (60, 2, "Fem timer er nok lige nu."),
        (10, 3, "Otte timer går fint de fleste uger."),
    ];
    for (days_ago, rating, note) in ratings {
        sd.exec(
            "INSERT INTO goal_ratings (id, goal_id, rating, note, rated_at, idempotency_key) VALUES ($1, $2, $3, $4, $5, $6)",
            vec![s(&new_id()), s(&goal), Arg::N(rating), s(note), Arg::N(sd.now - days_ago * day), s(&new_id())],
        )
        .await?;
    }
    let after_meeting = sd.now - 6 * day;
    sd.exec(
        "INSERT INTO activity_reflections (id, activity_id, citizen_id, body, idempotency_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        vec![
            s(&new_id()),
            s(last_meeting),
            s(ali),
            s("Godt at tale om timerne. Jeg vil gerne prøve 12 timer, men ikke med tunge løft."),
            s(&new_id()),
            Arg::N(after_meeting),
        ],
    )
    .await?;
    sd.exec(
        "INSERT INTO feedback (id, citizen_id, course_id, activity_id, rating, comment, idempotency_key, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        vec![
            s(&new_id()),
            s(ali),
            s(course),
            s(last_meeting),
            Arg::N(4),
            s("Jeg følte mig hørt."),
            s(&new_id()),
            Arg::N(after_meeting),
        ],
    )
    .await?;
    Ok(())
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
