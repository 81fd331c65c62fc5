//! Ali: a year in, a work placement with paid hours stepped up.
use super::{s, Arg, People, SeedError, Seeder};
use crate::db::new_id;
use jiff::ToSpan;

pub(super) async fn seed(sd: &Seeder, p: &People<'_>) -> Result<(), SeedError> {
    let (ali, mette) = (p.ali, p.mette);
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
