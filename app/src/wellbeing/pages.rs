//! `/wellbeing`: the check-in, the history as a chart and a table, sharing,
//! and where to get help now.
use super::types::{CheckIn, Day, SharePeriod, WellbeingView};
use super::{my_wellbeing, who5, WellbeingChart};
use crate::forms::{Choices, FormStatus};
use crate::i18n::{t, texts, tf, tn, use_lang, Msg, Plural};
use crate::layout::Title;
use crate::layout::{DataTable, Loaded};
use leptos::prelude::*;

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
        <Title text=t(Msg::WellbeingTitle) />
        <h1>{t(Msg::WellbeingTitle)}</h1>
        <p>{t(Msg::WellbeingIntro)}</p>
        <FormStatus />
        {low.then(|| view! { <HelpNow /> })}
        <Loaded future=my_wellbeing(days) let:view>
            <Wellbeing view=view />
        </Loaded>
        {(!low).then(|| view! { <HelpNow /> })}
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
        <CheckInForm today=view.today activities=view.activities form_key=view.form_key />
        <who5::Who5Card status=view.who5 />
        <section class="card" aria-labelledby="history-heading">
            <h2 id="history-heading">{tn(Plural::WellbeingHistoryDays, span)}</h2>
            <p>
                <a href=other_href>{switch}</a>
            </p>
            {if view.days.is_empty() {
                view! { <p>{t(Msg::WellbeingEmpty)}</p> }.into_any()
            } else {
                view! {
                    <WellbeingChart days=view.days.clone() span=span />
                    <WellbeingTable days=view.days own=true />
                }
                    .into_any()
            }}
        </section>
        <Sharing periods=view.periods />
    }
}

/// One 1–5 question of the check-in.
#[component]
fn Question(name: &'static str, legend: Msg, words: fn(i64) -> Msg, value: Option<i64>) -> impl IntoView {
    let options = (1..=5).map(|n| (n, words(n))).collect();
    let checked = value.unwrap_or(0);
    view! {
        <Choices
            id=name.to_string()
            name=name.to_string()
            legend=t(legend).to_string()
            options=options
            checked=checked
            compact=true
        />
    }
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
                <input type="hidden" name="form_key" value=form_key />
                <Question name="mood" legend=Msg::WellbeingMood words=scale_word value=mood />
                <Question name="energy" legend=Msg::WellbeingEnergy words=scale_word value=energy />
                <Question name="pain" legend=Msg::WellbeingPain words=pain_word value=pain />
                <Question name="sleep" legend=Msg::WellbeingSleep words=scale_word value=sleep />
                {(!activities.is_empty())
                    .then(|| {
                        view! {
                            <div class="field">
                                <label for="activity_id">{t(Msg::WellbeingActivity)}</label>
                                <select id="activity_id" name="activity_id">
                                    <option value="">{t(Msg::WellbeingNoActivity)}</option>
                                    {activities
                                        .into_iter()
                                        .map(|(id, title)| {
                                            let selected = id == chosen;
                                            view! {
                                                <option value=id selected=selected>
                                                    {title}
                                                </option>
                                            }
                                        })
                                        .collect_view()}
                                </select>
                            </div>
                        }
                    })}
                <crate::forms::TextArea
                    name="note"
                    label=Msg::WellbeingNote
                    maxlength=500
                    rows=2
                    value=note
                />
                <div class="choice">
                    <input type="checkbox" id="share" name="share" value="yes" checked=shared />
                    <label for="share">{t(Msg::WellbeingShareThis)}</label>
                </div>
                <button type="submit" class="button" data-sending=t(Msg::WellbeingSaving)>
                    {t(Msg::WellbeingSave)}
                </button>
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
        <DataTable
            caption=t(if own { Msg::WellbeingHistory } else { Msg::WellbeingHistoryStaff })
            id="wellbeing-history"
            cards=true
        >
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
                {days
                    .into_iter()
                    .rev()
                    .map(|d| {
                        let sharing = own
                            .then(|| {
                                let (aria, next) = if d.shared {
                                    (
                                        tf(texts::WellbeingStopSharing {
                                            date: &d.date,
                                        }),
                                        "no",
                                    )
                                } else {
                                    (
                                        tf(texts::WellbeingShareDay {
                                            date: &d.date,
                                        }),
                                        "yes",
                                    )
                                };
                                let status = t(if d.visible_to_caseworker { Msg::Yes } else { Msg::No });
                                view! {
                                    <td data-label=t(
                                        Msg::WellbeingShared,
                                    )>
                                        {status} " "
                                        <form
                                            method="post"
                                            action="/api/share-wellbeing-day"
                                            novalidate
                                            class="inline-form"
                                        >
                                            <input type="hidden" name="date" value=d.iso.clone() />
                                            <input type="hidden" name="share" value=next />
                                            <button type="submit" class="link-button" aria-label=aria>
                                                {t(
                                                    if d.shared {
                                                        Msg::WellbeingStop
                                                    } else {
                                                        Msg::WellbeingShare
                                                    },
                                                )}
                                            </button>
                                        </form>
                                    </td>
                                }
                            });
                        view! {
                            <tr>
                                <th scope="row">
                                    {d.date.clone()}
                                    {(!own)
                                        .then_some(d.changed_on.clone())
                                        .flatten()
                                        .map(|when| {
                                            view! {
                                                " "
                                                <span class="marker-tag" data-changed>
                                                    {tf(texts::WellbeingChangedByCitizen {
                                                        date: &when,
                                                    })}
                                                </span>
                                            }
                                        })}
                                </th>
                                <td data-label=t(Msg::WellbeingMood)>{t(scale_word(d.mood))}</td>
                                <td data-label=t(Msg::WellbeingEnergy)>{t(scale_word(d.energy))}</td>
                                <td data-label=t(Msg::WellbeingPain)>{t(pain_word(d.pain))}</td>
                                <td data-label=t(Msg::WellbeingSleep)>{t(scale_word(d.sleep))}</td>
                                {sharing}
                            </tr>
                        }
                    })
                    .collect_view()}
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
                        {periods
                            .into_iter()
                            .map(|p| {
                                let words = tf(texts::WellbeingPeriod {
                                    from: &p.from,
                                    to: &p.to,
                                });
                                view! {
                                    <li>
                                        {words} " "
                                        <form
                                            method="post"
                                            action="/api/withdraw-wellbeing-period"
                                            novalidate
                                            class="inline-form"
                                        >
                                            <input type="hidden" name="period_id" value=p.id />
                                            <button type="submit" class="link-button">
                                                {t(Msg::WellbeingWithdraw)}
                                            </button>
                                        </form>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
            <form method="post" action="/api/share-wellbeing-period" novalidate class="stack">
                <div class="field">
                    <label for="weeks">{t(Msg::WellbeingShareWeeks)}</label>
                    <select id="weeks" name="weeks">
                        <option value="1">{tn(Plural::WellbeingWeeks, 1)}</option>
                        <option value="2">{tn(Plural::WellbeingWeeks, 2)}</option>
                        <option value="4" selected=true>
                            {tn(Plural::WellbeingWeeks, 4)}
                        </option>
                        <option value="8">{tn(Plural::WellbeingWeeks, 8)}</option>
                    </select>
                </div>
                <button type="submit" class="button secondary">
                    {t(Msg::WellbeingSharePeriod)}
                </button>
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
                    <crate::phone::MedicalLineItem line=line />
                </crate::layout::Loaded>
                <li>
                    <crate::phone::WithPhone
                        text=texts::Help112::raw(use_lang())
                        number=crate::phone::EMERGENCY
                    />
                </li>
                <li>
                    <crate::phone::WithPhone
                        text=texts::HelpLivslinien::raw(use_lang())
                        number=crate::phone::LIVSLINIEN
                    />
                </li>
            </ul>
        </section>
    }
}
