//! `/caseload/citizens/:id`: one citizen with their plan, requests and shared
//! wellbeing, and the activation letter.
use super::get_citizen_summary;
use super::types::CitizenSummary;
use crate::forms::{FormStatus, TextField};
use crate::i18n::{t, texts, tf, Msg};
use crate::layout::Title;
use crate::layout::{DataTable, Loaded};
use crate::plan::responses::CitizenResponses;
use crate::plan::{ActivityView, CourseFacts, PaidHoursChart};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

#[component]
pub fn CitizenPage() -> impl IntoView {
    let id = use_params_map().get_untracked().get("id").unwrap_or_default();
    view! {
        <Loaded future=get_citizen_summary(id) let:summary>
            <CitizenDetails summary=summary />
        </Loaded>
    }
}

#[component]
fn CitizenDetails(summary: CitizenSummary) -> impl IntoView {
    provide_context(summary.draft.clone().unwrap_or_default());
    let id = summary.id.clone();
    let base = format!("/caseload/citizens/{id}");
    let plan = summary.plan;
    let has_course = plan.course.is_some();
    view! {
        <Title text=summary.name.clone() />
        <p>
            <a href="/caseload">{t(Msg::CaseloadBack)}</a>
        </p>
        <h1>{summary.name.clone()}</h1>
        <FormStatus />
        {summary
            .new_code
            .map(|(code, expires)| {
                let link = summary.activation_link.clone().unwrap_or_default();
                let name = summary.name.clone();
                view! {
                    <div class="alert alert-success" role="status">
                        <p>
                            <strong>{t(Msg::FormNoticeLead)}</strong>
                            " "
                            {t(Msg::CaseloadCodeCreated)}
                        </p>
                        <p class="code-box">
                            <crate::auth::CodeGroups code=code.clone() />
                        </p>
                        <p>
                            {tf(texts::CaseloadCodeExpires {
                                when: &expires,
                            })}
                        </p>
                        <p>{t(Msg::CaseloadCodeHandOver)}</p>
                        <p>
                            {t(Msg::CaseloadCodeLink)} " " <a class="code-link" href=link.clone()>
                                {link.clone()}
                            </a>
                        </p>
                        <p class="no-print">{t(Msg::CaseloadLetterHint)}</p>
                    </div>
                    <ActivationLetter name=name code=code link=link expires=expires />
                }
            })}
        <dl class="facts">
            <dt>{t(Msg::CaseloadEmail)}</dt>
            <dd>{summary.email.unwrap_or_default()}</dd>
            <dt>{t(Msg::MePhone)}</dt>
            <dd>
                {match summary.phone {
                    Some(p) => {
                        let href = crate::me::tel_href(&p);
                        view! { <a href=href>{p}</a> }.into_any()
                    }
                    None => t(Msg::MePhoneNone).into_any(),
                }}
            </dd>
            <dt>{t(Msg::CaseloadAccount)}</dt>
            <dd>{t(if summary.activated { Msg::CaseloadActivated } else { Msg::CaseloadNotActivated })}</dd>
        </dl>
        {summary
            .reset_code
            .map(|(code, expires)| {
                view! { <crate::auth::recovery::ResetCodeShown code=code expires=expires /> }
            })}
        {if summary.activated {
            view! { <crate::auth::recovery::StartResetForm citizen_id=id.clone() /> }.into_any()
        } else {
            view! {
                <form method="post" action="/api/new-activation-code" novalidate>
                    <input type="hidden" name="citizen_id" value=id.clone() />
                    <button type="submit" class="button secondary">
                        {t(Msg::CaseloadNewCode)}
                    </button>
                </form>
            }
                .into_any()
        }}
        <section class="card" aria-labelledby="next-heading">
            <h2 id="next-heading">{t(Msg::OverviewNextActivity)}</h2>
            {match summary.next_activity {
                Some(a) => {
                    view! {
                        <p>
                            <strong>{a.title}</strong>
                            " · "
                            {a.when}
                        </p>
                    }
                        .into_any()
                }
                None => view! { <p>{t(Msg::CaseloadNoNextActivity)}</p> }.into_any(),
            }}
        </section>
        {match plan.course {
            Some(c) => {
                view! {
                    <CourseFacts course=c staff=true />
                    <p>
                        <a class="button secondary" href=format!("{base}/course")>
                            {t(Msg::EditCourseTitle)}
                        </a>
                    </p>
                }
                    .into_any()
            }
            None => {
                view! {
                    <p>{t(Msg::CaseloadNoCourseYet)}</p>
                    <p>
                        <a class="button" href=format!("{base}/course")>
                            {t(Msg::EditCourseNew)}
                        </a>
                    </p>
                }
                    .into_any()
            }
        }}
        {has_course
            .then(|| {
                view! {
                    <section class="card" aria-labelledby="goals-heading">
                        <h2 id="goals-heading">{t(Msg::PlanGoals)}</h2>
                        {if plan.goals.is_empty() {
                            view! { <p>{t(Msg::PlanNone)}</p> }.into_any()
                        } else {
                            view! {
                                <ul class="list-rows">
                                    {plan
                                        .goals
                                        .into_iter()
                                        .map(|g| {
                                            let latest = g
                                                .ratings
                                                .first()
                                                .map(|r| tf(texts::GoalLatestRating {
                                                    word: t(crate::plan::progress_word(r.rating)),
                                                    when: &r.when,
                                                }));
                                            view! {
                                                <li>
                                                    <a href=format!("{base}/goals/{}", g.id)>{g.title}</a>
                                                    <br />
                                                    <span>
                                                        {latest.unwrap_or_else(|| t(Msg::GoalNotRated).to_string())}
                                                    </span>
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            }
                                .into_any()
                        }}
                        <p>
                            <a href=format!("{base}/goals/new")>{t(Msg::EditGoalNew)}</a>
                        </p>
                    </section>
                    <ActivityTable
                        base=base.clone()
                        activities=[plan.ongoing, plan.upcoming, plan.finished].concat()
                    />
                    <section class="card" aria-labelledby="paid-hours-heading">
                        <h2 id="paid-hours-heading">{t(Msg::PaidHoursTitle)}</h2>
                        {if plan.paid_hours.is_empty() {
                            view! { <p>{t(Msg::PaidHoursNone)}</p> }.into_any()
                        } else {
                            view! { <PaidHoursChart weeks=plan.paid_hours /> }.into_any()
                        }}
                        <h3>{t(Msg::PaidHoursRecord)}</h3>
                        <form method="post" action="/api/record-paid-hours" novalidate class="stack">
                            <input type="hidden" name="citizen_id" value=id.clone() />
                            <TextField
                                name="week"
                                label=Msg::PaidHoursWeekField
                                kind="date"
                                required=true
                                hint=Msg::PaidHoursWeekHint
                            />
                            <TextField name="hours" label=Msg::PaidHoursHours kind="number" required=true />
                            <button type="submit" class="button">
                                {t(Msg::PaidHoursSave)}
                            </button>
                        </form>
                    </section>
                }
            })}
        <section class="card" aria-labelledby="changes-heading">
            <h2 id="changes-heading">{t(Msg::PlanRecentChanges)}</h2>
            <crate::plan::history::ChangeLog changes=plan.recent_changes detailed=true />
        </section>
        <crate::concerns::CitizenConcerns concerns=summary.concerns />
        <section class="card" aria-labelledby="wellbeing-heading">
            <h2 id="wellbeing-heading">{t(Msg::WellbeingSharedTitle)}</h2>
            {if summary.wellbeing.days.is_empty() {
                view! { <p>{t(Msg::WellbeingNothingShared)}</p> }.into_any()
            } else {
                view! {
                    <crate::wellbeing::WellbeingChart days=summary.wellbeing.days.clone() span=90 />
                    <crate::wellbeing::WellbeingTable days=summary.wellbeing.days own=false />
                }
                    .into_any()
            }}
            <crate::wellbeing::who5::SharedWho5 results=summary.wellbeing.who5 />
        </section>
        <section class="card" aria-labelledby="responses-heading">
            <h2 id="responses-heading">{t(Msg::ResponsesTitle)}</h2>
            <CitizenResponses responses=summary.responses />
        </section>
    }
}

/// The letter to print and hand over or post: only it is printed while it
/// is on the page (see `.letter` in the stylesheet).
#[component]
fn ActivationLetter(name: String, code: String, link: String, expires: String) -> impl IntoView {
    view! {
        <section class="letter" aria-labelledby="letter-heading">
            <h2 id="letter-heading">{t(Msg::LetterTitle)}</h2>
            <p>
                {tf(texts::LetterGreeting {
                    name: &name,
                })}
            </p>
            <p>{t(Msg::LetterIntro)}</p>
            <ol>
                <li>{t(Msg::LetterStepOpen)} " " <strong class="code-link">{link}</strong></li>
                <li>
                    {t(Msg::LetterStepCode)} " " <strong class="code-box">
                        <crate::auth::CodeGroups code=code />
                    </strong>
                </li>
                <li>{t(Msg::LetterStepPassword)}</li>
            </ol>
            <p>
                {tf(texts::CaseloadCodeExpires {
                    when: &expires,
                })}
            </p>
            <p>{t(Msg::LetterHelp)}</p>
        </section>
    }
}

/// All the course's activities, with a way to edit each and to add one.
#[component]
fn ActivityTable(base: String, activities: Vec<ActivityView>) -> impl IntoView {
    let add = format!("{base}/activities/new");
    view! {
        <section class="card" aria-labelledby="activities-heading">
            <h2 id="activities-heading">{t(Msg::CaseloadActivities)}</h2>
            {if activities.is_empty() {
                view! { <p>{t(Msg::PlanNone)}</p> }.into_any()
            } else {
                view! {
                    <DataTable caption=t(Msg::CaseloadActivitiesCaption) id="activities">
                        <thead>
                            <tr>
                                <th scope="col">{t(Msg::EditActivityName)}</th>
                                <th scope="col">{t(Msg::FieldStatusLabel)}</th>
                                <th scope="col">{t(Msg::ActivityWhen)}</th>
                                <th scope="col">{t(Msg::EditColumn)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {activities
                                .into_iter()
                                .map(|a| {
                                    let edit_label = tf(texts::EditActivityNamed {
                                        title: &a.title,
                                    });
                                    view! {
                                        <tr>
                                            <th scope="row">
                                                <a href=format!("/activities/{}", a.id)>{a.title.clone()}</a>
                                            </th>
                                            <td>
                                                {t(a.status.label())} " "
                                                <crate::concerns::AwaitingTag awaiting=a
                                                    .awaiting_assessment />
                                            </td>
                                            <td>{a.when}</td>
                                            <td>
                                                <a
                                                    href=format!("{base}/activities/{}", a.id)
                                                    aria-label=edit_label
                                                >
                                                    {t(Msg::EditLink)}
                                                </a>
                                            </td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </DataTable>
                }
                    .into_any()
            }}
            <p>
                <a href=add>{t(Msg::EditActivityNew)}</a>
            </p>
        </section>
    }
}
