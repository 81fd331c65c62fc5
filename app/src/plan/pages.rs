//! `/plan` and `/plan/print`: the citizen's plan, on screen and on paper,
//! and the pieces of it other pages show (ratings, an activity's facts).
use super::overview::CourseFacts;
use super::types::{ActivityView, GoalView, Marker, PlanView, RatingView};
use super::{feed, history, my_plan, responses, PaidHoursChart};
use crate::forms::FormStatus;
use crate::i18n::{t, texts, tf, Msg};
use crate::layout::Loaded;
use crate::layout::Title;
use leptos::prelude::*;

#[component]
pub fn PlanPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::PlanTitle) />
        <h1>{t(Msg::PlanTitle)}</h1>
        <FormStatus />
        <Loaded future=my_plan(false) let:plan>
            <Plan plan=plan />
        </Loaded>
    }
}

#[component]
fn Plan(plan: PlanView) -> impl IntoView {
    let Some(course) = plan.course else {
        return view! { <p>{t(Msg::PlanNoCourse)}</p> }.into_any();
    };
    provide_context(plan.draft.clone().unwrap_or_default());
    let main_goal = course.main_goal.clone();
    let form_key = plan.form_key.clone();
    view! {
        <p class="no-print">
            <a href="/plan/print">{t(Msg::PlanPrintLink)}</a>
        </p>
        <crate::concerns::RaiseConcernLink />
        <section class="card" aria-labelledby="goals-heading">
            <h2 id="goals-heading">{t(Msg::PlanGoals)}</h2>
            {main_goal
                .map(|g| {
                    view! {
                        <p>
                            <strong>{t(Msg::PlanMainGoal)}</strong>
                            " "
                            <span lang="da">{g}</span>
                        </p>
                    }
                })}
            <ul class="list-rows">
                {plan
                    .goals
                    .into_iter()
                    .map(|g| {
                        let key = format!("{form_key}-{}", g.id);
                        view! {
                            <li>
                                <Goal goal=g form_key=key />
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
        <ActivityGroup heading=Msg::PlanOngoing id="ongoing" activities=plan.ongoing />
        <ActivityGroup heading=Msg::PlanUpcoming id="upcoming" activities=plan.upcoming />
        <ActivityGroup heading=Msg::PlanFinished id="finished" activities=plan.finished />
        {(!plan.paid_hours.is_empty())
            .then(|| {
                view! {
                    <section class="card" aria-labelledby="paid-hours-heading">
                        <h2 id="paid-hours-heading">{t(Msg::PaidHoursTitle)}</h2>
                        <PaidHoursChart weeks=plan.paid_hours />
                    </section>
                }
            })}
        <CourseFacts course=course />
        <section class="card" aria-labelledby="changes-heading">
            <h2 id="changes-heading">{t(Msg::PlanRecentChanges)}</h2>
            <history::ChangeLog changes=plan.recent_changes />
        </section>
        <responses::GiveCourseFeedback form_key=format!("{form_key}-course") />
        <feed::CalendarFeed status=plan.feed new_url=plan.new_feed_url />
    }
    .into_any()
}

/// The "new" or "changed" tag: words, not colour alone.
#[component]
fn MarkerTag(marker: Option<Marker>) -> impl IntoView {
    marker.map(|m| {
        view! {
            " "
            <span class="marker-tag">{t(m.label())}</span>
        }
    })
}

/// A goal with the citizen's progress: the latest rating, its history, and
/// a form to rate it again.
#[component]
fn Goal(goal: GoalView, form_key: String) -> impl IntoView {
    let latest = goal.ratings.first().cloned();
    view! {
        <h3>
            <span lang="da">{goal.title.clone()}</span>
            <MarkerTag marker=goal.marker />
        </h3>
        {goal.description.map(|d| view! { <p lang="da">{d}</p> })}
        <p>
            {match latest {
                Some(r) => {
                    tf(texts::GoalLatestRating {
                        word: t(progress_word(r.rating)),
                        when: &r.when,
                    })
                }
                None => t(Msg::GoalNotRated).to_string(),
            }}
        </p>
        <responses::RateGoal goal_id=goal.id title=goal.title form_key=form_key />
        {(!goal.ratings.is_empty())
            .then(|| {
                view! {
                    <details>
                        <summary>{t(Msg::GoalRatingsHistory)}</summary>
                        <RatingList ratings=goal.ratings />
                    </details>
                }
            })}
    }
}

/// The words of the progress scale, 1 to 5.
pub fn progress_word(rating: i64) -> Msg {
    match rating {
        1 => Msg::GoalProgress1,
        2 => Msg::GoalProgress2,
        3 => Msg::GoalProgress3,
        4 => Msg::GoalProgress4,
        _ => Msg::GoalProgress5,
    }
}

/// A goal's ratings as a list, newest first.
#[component]
pub fn RatingList(ratings: Vec<RatingView>) -> impl IntoView {
    if ratings.is_empty() {
        return view! { <p>{t(Msg::GoalNotRated)}</p> }.into_any();
    }
    view! {
        <ul class="list-rows">
            {ratings
                .into_iter()
                .map(|r| {
                    view! {
                        <li>
                            <strong>{r.when}</strong>
                            ": "
                            {t(progress_word(r.rating))}
                            " ("
                            {r.rating}
                            "/5)"
                            {r
                                .note
                                .map(|n| {
                                    view! {
                                        <br />
                                        <span>{n}</span>
                                    }
                                })}
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn ActivityGroup(heading: Msg, id: &'static str, activities: Vec<ActivityView>) -> impl IntoView {
    let heading_id = format!("{id}-heading");
    let labelled_by = heading_id.clone();
    view! {
        <section class="card" aria-labelledby=labelled_by>
            <h2 id=heading_id>{t(heading)}</h2>
            {if activities.is_empty() {
                view! { <p>{t(Msg::PlanNone)}</p> }.into_any()
            } else {
                view! {
                    <ul class="list-rows">
                        {activities
                            .into_iter()
                            .map(|a| {
                                view! {
                                    <li>
                                        <ActivityDetails activity=a />
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </section>
    }
}

#[component]
fn ActivityDetails(activity: ActivityView) -> impl IntoView {
    view! {
        <h3>
            <a href=format!("/activities/{}", activity.id) lang="da">
                {activity.title.clone()}
            </a>
            <MarkerTag marker=activity.marker />
        </h3>
        <p>
            <span class="status-tag">{t(activity.status.label())}</span>
            " "
            <crate::concerns::AwaitingTag awaiting=activity.awaiting_assessment />
        </p>
        <ActivityFacts activity=activity />
    }
}

/// `/plan/print`: the whole plan on paper, without menus and forms.
#[component]
pub fn PrintPlanPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::PlanPrintTitle) />
        <Loaded future=my_plan(true) let:plan>
            <PrintPlan plan=plan />
        </Loaded>
    }
}

#[component]
fn PrintPlan(plan: PlanView) -> impl IntoView {
    let user = crate::layout::page_user().map(|u| u.name).unwrap_or_default();
    let heading = tf(texts::PlanPrintHeading { name: &user });
    let printed = tf(texts::PlanPrintedOn {
        date: &crate::time::format_date(&plan.today),
    });
    let Some(course) = plan.course else {
        return view! {
            <h1>{heading}</h1>
            <p>{t(Msg::PlanNoCourse)}</p>
        }
        .into_any();
    };
    let all = [
        (Msg::PlanOngoing, plan.ongoing),
        (Msg::PlanUpcoming, plan.upcoming),
        (Msg::PlanFinished, plan.finished),
    ];
    view! {
        <div class="print-view">
            <p class="no-print">
                <a href="/plan">{t(Msg::PlanPrintBack)}</a>
                " · "
                {t(Msg::PlanPrintHint)}
            </p>
            <h1>{heading}</h1>
            <p>{printed}</p>
            <CourseFacts course=course.clone() />
            <h2>{t(Msg::PlanGoals)}</h2>
            {course
                .main_goal
                .map(|g| {
                    view! {
                        <p>
                            <strong>{t(Msg::PlanMainGoal)}</strong>
                            " "
                            <span lang="da">{g}</span>
                        </p>
                    }
                })}
            <ul>
                {plan
                    .goals
                    .into_iter()
                    .map(|g| {
                        let latest = g
                            .ratings
                            .first()
                            .map(|r| format!(" – {}", t(progress_word(r.rating))));
                        view! {
                            <li>
                                <strong lang="da">{g.title}</strong>
                                {latest}
                                {g
                                    .description
                                    .map(|d| {
                                        view! {
                                            <br />
                                            <span lang="da">{d}</span>
                                        }
                                    })}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            {all
                .into_iter()
                .map(|(heading, activities)| {
                    view! {
                        <h2>{t(heading)}</h2>
                        {if activities.is_empty() {
                            view! { <p>{t(Msg::PlanNone)}</p> }.into_any()
                        } else {
                            activities
                                .into_iter()
                                .map(|a| {
                                    view! {
                                        <h3>
                                            <span lang="da">{a.title.clone()}</span>
                                            " ("
                                            {t(a.status.label())}
                                            ")"
                                        </h3>
                                        <ActivityFacts activity=a />
                                    }
                                })
                                .collect_view()
                                .into_any()
                        }}
                    }
                })
                .collect_view()}
            {(!plan.paid_hours.is_empty())
                .then(|| {
                    view! {
                        <h2>{t(Msg::PaidHoursTitle)}</h2>
                        <PaidHoursChart weeks=plan.paid_hours />
                    }
                })}
        </div>
    }
    .into_any()
}

/// An activity's facts as a definition list: on the plan and on its own page.
#[component]
pub(crate) fn ActivityFacts(
    activity: ActivityView,
    #[prop(default = None)] contact_phone: Option<String>,
) -> impl IntoView {
    view! {
        <dl class="facts">
            <dt>{t(Msg::ActivityKind)}</dt>
            <dd>{t(activity.kind.label())}</dd>
            <dt>{t(Msg::ActivityWhen)}</dt>
            <dd>{activity.when}{activity.until.map(|u| format!(" – {u}"))}</dd>
            {activity
                .place
                .map(|p| {
                    view! {
                        <dt>{t(Msg::ActivityPlace)}</dt>
                        <dd lang="da">{p}</dd>
                    }
                })}
            {activity
                .contact
                .map(|p| {
                    view! {
                        <dt>{t(Msg::ActivityContact)}</dt>
                        <dd lang="da">{p}</dd>
                    }
                })}
            {contact_phone
                .map(|p| {
                    view! {
                        <dt>{t(Msg::ActivityContactPhone)}</dt>
                        <dd>
                            <crate::phone::PhoneLink number=p />
                        </dd>
                    }
                })}
            {activity
                .hours_per_week
                .map(|h| {
                    view! {
                        <dt>{t(Msg::ActivityHours)}</dt>
                        <dd>{h}</dd>
                    }
                })}
            {activity
                .purpose
                .map(|p| {
                    view! {
                        <dt>{t(Msg::ActivityPurpose)}</dt>
                        <dd lang="da">{p}</dd>
                    }
                })}
        </dl>
    }
}
