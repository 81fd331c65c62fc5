//! The citizen's own wellbeing log (trivsel). Health data: only the citizen
//! sees it here; a caseworker only what the citizen chose to share.
use crate::error::AppError;
use crate::i18n::{t, Msg};
use crate::layout::{DataTable, Loaded};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WellbeingRow {
    pub date: String,
    pub mood: i64,
    pub energy: i64,
    pub pain: i64,
    pub sleep: i64,
    pub shared: bool,
}

/// Words for a 1–5 answer, so the scale never relies on numbers or colour alone.
pub fn scale_word(value: i64) -> Msg {
    match value {
        1 => Msg::ScaleVeryBad,
        2 => Msg::ScaleBad,
        3 => Msg::ScaleMiddle,
        4 => Msg::ScaleGood,
        _ => Msg::ScaleVeryGood,
    }
}

/// For pain, more is worse.
pub fn pain_word(value: i64) -> Msg {
    match value {
        1 => Msg::PainNone,
        2 => Msg::PainLittle,
        3 => Msg::PainSome,
        4 => Msg::PainMuch,
        _ => Msg::PainVeryMuch,
    }
}

#[server]
pub async fn my_wellbeing() -> Result<Vec<WellbeingRow>, AppError> {
    use crate::model::Role;
    use sqlx::Row;
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    crate::auth::policy::ensure_role(&user, Role::Citizen)?;
    let rows = sqlx::query(
        "SELECT entry_date, mood, energy, pain, sleep, shared FROM wellbeing_entries \
         WHERE citizen_id = $1 ORDER BY entry_date DESC LIMIT 30",
    )
    .bind(&user.id)
    .fetch_all(state.db.pool())
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(WellbeingRow {
                date: crate::model::format_date(&r.try_get::<String, _>(0)?),
                mood: r.try_get(1)?,
                energy: r.try_get(2)?,
                pain: r.try_get(3)?,
                sleep: r.try_get(4)?,
                shared: r.try_get::<i64, _>(5)? != 0,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}

#[component]
pub fn WellbeingPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::WellbeingTitle)/>
        <h1>{t(Msg::WellbeingTitle)}</h1>
        <p>{t(Msg::WellbeingIntro)}</p>
        <Loaded future=my_wellbeing() let:rows>
            {match rows {
                rows if rows.is_empty() => view! { <p>{t(Msg::WellbeingEmpty)}</p> }.into_any(),
                rows => view! { <WellbeingTable rows=rows/> }.into_any(),
            }}
        </Loaded>
        <HelpNow/>
    }
}

#[component]
fn WellbeingTable(rows: Vec<WellbeingRow>) -> impl IntoView {
    view! {
        <DataTable caption=t(Msg::WellbeingHistory) id="wellbeing-history">
            <thead>
                <tr>
                    <th scope="col">{t(Msg::WellbeingDate)}</th>
                    <th scope="col">{t(Msg::WellbeingMood)}</th>
                    <th scope="col">{t(Msg::WellbeingEnergy)}</th>
                    <th scope="col">{t(Msg::WellbeingPain)}</th>
                    <th scope="col">{t(Msg::WellbeingSleep)}</th>
                    <th scope="col">{t(Msg::WellbeingShared)}</th>
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr>
                        <th scope="row">{r.date}</th>
                        <td>{t(scale_word(r.mood))}</td>
                        <td>{t(scale_word(r.energy))}</td>
                        <td>{t(pain_word(r.pain))}</td>
                        <td>{t(scale_word(r.sleep))}</td>
                        <td>{t(if r.shared { Msg::Yes } else { Msg::No })}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </DataTable>
    }
}

/// Where to get help now. Shown, never sent anywhere.
#[component]
pub fn HelpNow() -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="help-heading">
            <h2 id="help-heading">{t(Msg::HelpTitle)}</h2>
            <ul>
                <li>{t(Msg::HelpDoctor)}</li>
                <li>{t(Msg::Help1813)}</li>
                <li>{t(Msg::Help112)}</li>
                <li>{t(Msg::HelpLivslinien)}</li>
            </ul>
        </section>
    }
}
