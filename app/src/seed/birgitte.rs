//! Birgitte: near the end of three years, with an open health concern.
use super::{s, Arg, People, SeedError, Seeder};
use crate::db::new_id;
use jiff::ToSpan;

pub(super) async fn seed(sd: &Seeder, p: &People<'_>) -> Result<(), SeedError> {
    let (birgitte, mette, lars, hovedstaden) = (p.birgitte, p.mette, p.lars, p.hovedstaden);
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
            s(&concern), s(birgitte), s(&c3), s(&placement), s(hovedstaden), s(lars),
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
