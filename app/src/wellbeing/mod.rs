//! The citizen's own wellbeing log (trivsel). Health data: only the citizen
//! sees it here; a caseworker only what the citizen chose to share.
use crate::error::AppError;
use crate::forms::{Choices, FormStatus};
use crate::i18n::{t, texts, tf, tn, use_lang, Msg, Plural};
use crate::layout::Title;
use crate::layout::{DataTable, Loaded};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

mod chart;
#[cfg(feature = "ssr")]
pub mod data;
#[cfg(all(test, feature = "ssr"))]
mod tests;
pub mod who5;

pub use chart::WellbeingChart;

/// One day's answers, 1 to 5 each (for pain, more is worse).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckIn {
    pub mood: i64,
    pub energy: i64,
    pub pain: i64,
    pub sleep: i64,
    pub note: Option<String>,
    pub activity_id: Option<String>,
    pub share: bool,
}

impl CheckIn {
    /// Very low answers: the page then shows where to get help now. Nobody
    /// is alerted; the citizen decides.
    pub fn is_very_low(&self) -> bool {
        self.mood == 1 || self.mood + self.energy + self.sleep + (6 - self.pain) <= 8
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Day {
    /// `YYYY-MM-DD`, for forms.
    pub iso: String,
    /// As people read it.
    pub date: String,
    /// 0 for today.
    pub days_ago: i64,
    pub mood: i64,
    pub energy: i64,
    pub pain: i64,
    pub sleep: i64,
    /// Shared on its own.
    pub shared: bool,
    /// Shared on its own or by a period.
    pub visible_to_caseworker: bool,
    /// When the citizen last wrote over this day's entry while it was
    /// shared (Copenhagen time), so the caseworker knows it is not what they saw.
    pub changed_on: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SharePeriod {
    pub id: String,
    pub from: String,
    pub to: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WellbeingView {
    pub today: Option<CheckIn>,
    pub activities: Vec<(String, String)>,
    pub days: Vec<Day>,
    pub span: i64,
    pub periods: Vec<SharePeriod>,
    pub form_key: String,
    /// What a refused check-in held.
    pub draft: Option<crate::forms::Draft>,
    pub who5: who5::Who5Status,
}

/// What a caseworker sees: shared days only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SharedTrend {
    pub days: Vec<Day>,
    /// WHO-5 results the citizen shared, newest first.
    pub who5: Vec<who5::Who5Result>,
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

/// 30 or 90 days of history.
#[cfg(feature = "ssr")]
fn span(days: &str) -> i64 {
    if days == "90" {
        90
    } else {
        30
    }
}

#[server]
pub async fn my_wellbeing(days: String) -> Result<WellbeingView, AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let access = crate::auth::policy::own_data(&user)?;
    let span = span(&days);
    let flash = crate::auth::session::take_flash(&state.db, &user.session_key).await?;
    Ok(WellbeingView {
        draft: crate::forms::draft_for(&flash, "wellbeing"),
        today: data::today_entry(&state.db, &access).await?,
        activities: data::recent_activities(&state.db, &access).await?,
        days: data::history(&state.db, &access, span).await?,
        span,
        periods: data::periods(&state.db, &access).await?,
        form_key: crate::db::new_id(),
        who5: who5::data::status(&state.db, &access).await?,
    })
}

crate::form! {
    /// The daily check-in: four answers (1–5), a note, the activity it is
    /// about, and whether the caseworker may see it.
    pub struct CheckInForm {
        pub mood: Option<String>,
        pub energy: Option<String>,
        pub pain: Option<String>,
        pub sleep: Option<String>,
        pub note: String,
        /// Absent when there is no activity to choose.
        pub activity_id: Option<String>,
        pub share: Option<String>,
    }
}

#[server(endpoint = "log-wellbeing")]
pub async fn log_wellbeing(
    form_key: String,
    // Set by the offline queue: when the entry was written (epoch ms).
    written_at: Option<String>,
    #[server(flatten)] form: CheckInForm,
) -> Result<(), AppError> {
    crate::pwa::queue::check_sender()?;
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let saved = async {
        let f = &form;
        let input = data::parse_check_in(
            f.mood.as_deref(),
            f.energy.as_deref(),
            f.pain.as_deref(),
            f.sleep.as_deref(),
            &f.note,
            f.activity_id.as_deref().unwrap_or_default(),
            f.share.is_some(),
        )?;
        let key = crate::forms::IdempotencyKey::parse(&form_key)?;
        let access = crate::auth::policy::own_data(&user)?;
        data::log_on(
            &state.db,
            &access,
            &input,
            &key,
            &data::entry_day(written_at.as_deref()),
        )
        .await
    }
    .await;
    match saved {
        Ok(low) => {
            crate::pwa::queue::confirm(&form_key);
            // A low day opens where help is offered.
            let (notice, anchor) = if low {
                (Msg::WellbeingSavedLow, Some("help-heading"))
            } else {
                (Msg::WellbeingSaved, None)
            };
            crate::forms::succeed("/wellbeing", notice, anchor);
            Ok(())
        }
        Err(e) => {
            crate::pwa::queue::refused(&e);
            // A box left unticked comes back unticked, not as it was stored.
            crate::forms::fail_keeping("/wellbeing", e, "wellbeing", &form).await
        }
    }
}

#[server(endpoint = "share-wellbeing-day")]
pub async fn share_wellbeing_day(date: String, share: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let access = crate::auth::policy::own_data(&user)?;
    data::set_shared(&state.db, &access, &date, share == "yes").await?;
    crate::forms::succeed(
        "/wellbeing",
        Msg::WellbeingSharingChanged,
        Some("history-heading"),
    );
    Ok(())
}

#[server(endpoint = "share-wellbeing-period")]
pub async fn share_wellbeing_period(weeks: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let weeks = weeks.trim().parse::<i64>().unwrap_or(0);
    let shared = match crate::auth::policy::own_data(&user) {
        Ok(access) => data::share_period(&state.db, &access, weeks).await,
        Err(e) => Err(e),
    };
    match shared {
        Ok(()) => {
            crate::forms::succeed("/wellbeing", Msg::WellbeingPeriodShared, Some("sharing-heading"));
            Ok(())
        }
        Err(e) => crate::forms::fail("/wellbeing", e),
    }
}

#[server(endpoint = "withdraw-wellbeing-period")]
pub async fn withdraw_wellbeing_period(period_id: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let access = crate::auth::policy::own_data(&user)?;
    data::withdraw_period(&state.db, &access, &period_id).await?;
    crate::forms::succeed(
        "/wellbeing",
        Msg::WellbeingPeriodWithdrawn,
        Some("sharing-heading"),
    );
    Ok(())
}

#[component]
pub fn WellbeingPage() -> impl IntoView {
    let days = leptos_router::hooks::use_query_map()
        .get_untracked()
        .get("days")
        .unwrap_or_default();
    let low = leptos_router::hooks::use_query_map()
        .get_untracked()
        .get("notice")
        .is_some_and(|n| n == "wellbeing.saved_low");
    view! {
        <Title text=t(Msg::WellbeingTitle)/>
        <h1>{t(Msg::WellbeingTitle)}</h1>
        <p>{t(Msg::WellbeingIntro)}</p>
        <FormStatus/>
        {low.then(|| view! { <HelpNow/> })}
        <Loaded future=my_wellbeing(days) let:view>
            <Wellbeing view=view/>
        </Loaded>
        {(!low).then(|| view! { <HelpNow/> })}
    }
}

#[component]
fn Wellbeing(view: WellbeingView) -> impl IntoView {
    provide_context(view.draft.clone().unwrap_or_default());
    let span = view.span;
    let other = if span == 90 { 30 } else { 90 };
    let other_href = if other == 90 {
        "/wellbeing?days=90#history-heading"
    } else {
        "/wellbeing#history-heading"
    };
    let switch = tn(Plural::WellbeingShowDays, other as i64);
    view! {
        <CheckInForm today=view.today activities=view.activities form_key=view.form_key/>
        <who5::Who5Card status=view.who5/>
        <section class="card" aria-labelledby="history-heading">
            <h2 id="history-heading">{tn(Plural::WellbeingHistoryDays, span)}</h2>
            <p><a href=other_href>{switch}</a></p>
            {if view.days.is_empty() {
                view! { <p>{t(Msg::WellbeingEmpty)}</p> }.into_any()
            } else {
                view! {
                    <WellbeingChart days=view.days.clone() span=span/>
                    <WellbeingTable days=view.days own=true/>
                }.into_any()
            }}
        </section>
        <Sharing periods=view.periods/>
    }
}

/// One 1–5 question of the check-in.
#[component]
fn Question(name: &'static str, legend: Msg, words: fn(i64) -> Msg, value: Option<i64>) -> impl IntoView {
    let options = (1..=5).map(|n| (n, words(n))).collect();
    let checked = value.unwrap_or(0);
    view! { <Choices id=name.to_string() name=name.to_string() legend=t(legend).to_string() options=options checked=checked compact=true/> }
}

#[component]
fn CheckInForm(today: Option<CheckIn>, activities: Vec<(String, String)>, form_key: String) -> impl IntoView {
    let heading = t(if today.is_some() {
        Msg::WellbeingEditToday
    } else {
        Msg::WellbeingHowToday
    });
    let v = |f: fn(&CheckIn) -> i64| today.as_ref().map(f);
    let (mood, energy, pain, sleep) = (v(|c| c.mood), v(|c| c.energy), v(|c| c.pain), v(|c| c.sleep));
    let note = today.as_ref().and_then(|c| c.note.clone()).unwrap_or_default();
    let draft = |name: &str| crate::forms::draft_value(name);
    let chosen = draft("activity_id")
        .or_else(|| today.as_ref().and_then(|c| c.activity_id.clone()))
        .unwrap_or_default();
    let shared = match draft("share") {
        Some(typed) => typed == "yes",
        None => today.as_ref().is_some_and(|c| c.share),
    };
    view! {
        <section class="card" aria-labelledby="checkin-heading">
            <h2 id="checkin-heading">{heading}</h2>
            <form method="post" action="/api/log-wellbeing" novalidate class="stack" data-outbox="wellbeing">
                <input type="hidden" name="form_key" value=form_key/>
                <Question name="mood" legend=Msg::WellbeingMood words=scale_word value=mood/>
                <Question name="energy" legend=Msg::WellbeingEnergy words=scale_word value=energy/>
                <Question name="pain" legend=Msg::WellbeingPain words=pain_word value=pain/>
                <Question name="sleep" legend=Msg::WellbeingSleep words=scale_word value=sleep/>
                {(!activities.is_empty()).then(|| view! {
                    <div class="field">
                        <label for="activity_id">{t(Msg::WellbeingActivity)}</label>
                        <select id="activity_id" name="activity_id">
                            <option value="">{t(Msg::WellbeingNoActivity)}</option>
                            {activities.into_iter().map(|(id, title)| {
                                let selected = id == chosen;
                                view! { <option value=id selected=selected>{title}</option> }
                            }).collect_view()}
                        </select>
                    </div>
                })}
                <crate::forms::TextArea name="note" label=Msg::WellbeingNote maxlength=500 rows=2 value=note/>
                <div class="choice">
                    <input type="checkbox" id="share" name="share" value="yes" checked=shared/>
                    <label for="share">{t(Msg::WellbeingShareThis)}</label>
                </div>
                <button type="submit" class="button" data-sending=t(Msg::WellbeingSaving)>{t(Msg::WellbeingSave)}</button>
            </form>
        </section>
    }
}

/// The same numbers as the chart, as words. The citizen can share or stop
/// sharing each day; the caseworker's copy has no buttons.
#[component]
pub fn WellbeingTable(days: Vec<Day>, own: bool) -> impl IntoView {
    view! {
        // Staff read the citizen's entries: the caption speaks about them.
        <DataTable caption=t(if own { Msg::WellbeingHistory } else { Msg::WellbeingHistoryStaff }) id="wellbeing-history" cards=true>
            <thead>
                <tr>
                    <th scope="col">{t(Msg::WellbeingDate)}</th>
                    <th scope="col">{t(Msg::WellbeingMood)}</th>
                    <th scope="col">{t(Msg::WellbeingEnergy)}</th>
                    <th scope="col">{t(Msg::WellbeingPain)}</th>
                    <th scope="col">{t(Msg::WellbeingSleep)}</th>
                    {own.then(|| view! { <th scope="col">{t(Msg::WellbeingShared)}</th> })}
                </tr>
            </thead>
            <tbody>
                {days.into_iter().rev().map(|d| {
                    let sharing = own.then(|| {
                        let (aria, next) = if d.shared {
                            (tf(texts::WellbeingStopSharing { date: &d.date }), "no")
                        } else {
                            (tf(texts::WellbeingShareDay { date: &d.date }), "yes")
                        };
                        let status = t(if d.visible_to_caseworker { Msg::Yes } else { Msg::No });
                        view! {
                            <td data-label=t(Msg::WellbeingShared)>
                                {status} " "
                                <form method="post" action="/api/share-wellbeing-day" novalidate class="inline-form">
                                    <input type="hidden" name="date" value=d.iso.clone()/>
                                    <input type="hidden" name="share" value=next/>
                                    <button type="submit" class="link-button" aria-label=aria>{t(if d.shared { Msg::WellbeingStop } else { Msg::WellbeingShare })}</button>
                                </form>
                            </td>
                        }
                    });
                    view! {
                        <tr>
                            <th scope="row">
                                {d.date.clone()}
                                {(!own).then_some(d.changed_on.clone()).flatten().map(|when| view! {
                                    " " <span class="marker-tag" data-changed>{tf(texts::WellbeingChangedByCitizen { date: &when })}</span>
                                })}
                            </th>
                            <td data-label=t(Msg::WellbeingMood)>{t(scale_word(d.mood))}</td>
                            <td data-label=t(Msg::WellbeingEnergy)>{t(scale_word(d.energy))}</td>
                            <td data-label=t(Msg::WellbeingPain)>{t(pain_word(d.pain))}</td>
                            <td data-label=t(Msg::WellbeingSleep)>{t(scale_word(d.sleep))}</td>
                            {sharing}
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </DataTable>
    }
}

#[component]
fn Sharing(periods: Vec<SharePeriod>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="sharing-heading">
            <h2 id="sharing-heading">{t(Msg::WellbeingSharingTitle)}</h2>
            <p>{t(Msg::WellbeingSharingIntro)}</p>
            {if periods.is_empty() {
                view! { <p>{t(Msg::WellbeingNoPeriods)}</p> }.into_any()
            } else {
                view! {
                    <ul class="list-rows">
                        {periods.into_iter().map(|p| {
                            let words = tf(texts::WellbeingPeriod { from: &p.from, to: &p.to });
                            view! {
                                <li>
                                    {words} " "
                                    <form method="post" action="/api/withdraw-wellbeing-period" novalidate class="inline-form">
                                        <input type="hidden" name="period_id" value=p.id/>
                                        <button type="submit" class="link-button">{t(Msg::WellbeingWithdraw)}</button>
                                    </form>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
            <form method="post" action="/api/share-wellbeing-period" novalidate class="stack">
                <div class="field">
                    <label for="weeks">{t(Msg::WellbeingShareWeeks)}</label>
                    <select id="weeks" name="weeks">
                        <option value="1">{tn(Plural::WellbeingWeeks, 1)}</option>
                        <option value="2">{tn(Plural::WellbeingWeeks, 2)}</option>
                        <option value="4" selected=true>{tn(Plural::WellbeingWeeks, 4)}</option>
                        <option value="8">{tn(Plural::WellbeingWeeks, 8)}</option>
                    </select>
                </div>
                <button type="submit" class="button secondary">{t(Msg::WellbeingSharePeriod)}</button>
            </form>
        </section>
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
                <crate::layout::Loaded future=crate::phone::my_medical_line() let:line>
                    <crate::phone::MedicalLineItem line=line/>
                </crate::layout::Loaded>
                <li><crate::phone::WithPhone text=texts::Help112::raw(use_lang()) number=crate::phone::EMERGENCY/></li>
                <li><crate::phone::WithPhone text=texts::HelpLivslinien::raw(use_lang()) number=crate::phone::LIVSLINIEN/></li>
            </ul>
        </section>
    }
}
