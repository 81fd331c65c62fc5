//! Sofie: new in a resource course, nothing started yet.
use super::{People, SeedError, Seeder};
use crate::db::new_id;
use jiff::ToSpan;

pub(super) async fn seed(sd: &Seeder, p: &People<'_>) -> Result<(), SeedError> {
    let (sofie, mette) = (p.sofie, p.mette);
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
    Ok(())
}
