//! The course plan: overview (home) and the plan page.
use crate::error::AppError;
use crate::i18n::{fill, t, Msg};
use crate::layout::Loaded;
use crate::model::{ActivityKind, ActivityStatus, CourseKind};
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod data;
#[cfg(feature = "ssr")]
pub mod ics;
#[cfg(all(test, feature = "ssr"))]
mod tests;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CourseView {
    pub kind: CourseKind,
    pub start: String,
    pub planned_end: String,
    pub six_month_right: String,
    pub limit: String,
    pub started_activity: bool,
    pub main_goal: Option<String>,
    /// Where the key dates and today fall, as percentages of the course's span.
    pub timeline: Timeline,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Timeline {
    pub six_month_right: f64,
    pub planned_end: f64,
    pub today: f64,
    /// Today's date, in words.
    pub today_label: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActivityView {
    pub id: String,
    pub kind: ActivityKind,
    pub status: ActivityStatus,
    pub title: String,
    pub when: String,
    pub until: Option<String>,
    pub purpose: Option<String>,
    pub place: Option<String>,
    pub contact: Option<String>,
    pub hours_per_week: Option<i64>,
}

/// Everything about one activity, for its own page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActivityDetail {
    pub activity: ActivityView,
    pub preparation: Option<String>,
    pub contact_phone: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoalView {
    pub title: String,
    pub description: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub name: String,
    pub course: Option<CourseView>,
    pub next_activity: Option<ActivityView>,
    pub unread_messages: i64,
    pub open_concerns: i64,
    pub logged_today: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanView {
    pub course: Option<CourseView>,
    pub goals: Vec<GoalView>,
    pub upcoming: Vec<ActivityView>,
    pub ongoing: Vec<ActivityView>,
    pub finished: Vec<ActivityView>,
}

#[server]
pub async fn citizen_overview() -> Result<Overview, AppError> {
    use crate::model::Role;
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    crate::auth::policy::ensure_role(&user, Role::Citizen)?;
    data::overview(&state.db, &user.id, &user.name).await
}

#[server]
pub async fn my_plan() -> Result<PlanView, AppError> {
    use crate::model::Role;
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    crate::auth::policy::ensure_role(&user, Role::Citizen)?;
    data::plan(&state.db, &user.id).await
}

#[server]
pub async fn get_activity(activity_id: String) -> Result<ActivityDetail, AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    Ok(data::activity_detail(&state.db, &user, &activity_id).await?.0)
}

#[component]
pub fn OverviewPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::OverviewTitle)/>
        <Loaded future=citizen_overview() let:overview>
            <Overview overview=overview/>
        </Loaded>
    }
}

#[component]
fn Overview(overview: Overview) -> impl IntoView {
    let greeting = fill(t(Msg::OverviewGreeting), &[("name", &overview.name)]);
    view! {
        <h1>{greeting}</h1>
        {(!overview.logged_today).then(|| view! {
            <p class="alert alert-info"><strong>{t(Msg::OverviewHowAreYou)}</strong> " "
                <a href="/wellbeing">{t(Msg::OverviewLogWellbeing)}</a></p>
        })}
        <div class="card-grid">
            <section class="card" aria-labelledby="next-heading">
                <h2 id="next-heading">{t(Msg::OverviewNextActivity)}</h2>
                {match overview.next_activity {
                    Some(a) => view! { <ActivitySummary activity=a/> }.into_any(),
                    None => view! { <p>{t(Msg::OverviewNoNextActivity)}</p> }.into_any(),
                }}
            </section>
            <section class="card" aria-labelledby="messages-heading">
                <h2 id="messages-heading">{t(Msg::NavMessages)}</h2>
                <p>{fill(t(Msg::OverviewUnreadMessages), &[("count", &overview.unread_messages.to_string())])}</p>
                <p><a href="/messages">{t(Msg::OverviewGoToMessages)}</a></p>
            </section>
            <section class="card" aria-labelledby="concerns-heading">
                <h2 id="concerns-heading">{t(Msg::OverviewHealthConcerns)}</h2>
                <p>{fill(t(Msg::OverviewOpenConcerns), &[("count", &overview.open_concerns.to_string())])}</p>
                <p class="muted">{t(Msg::OverviewConcernRight)}</p>
            </section>
        </div>
        {overview.course.map(|c| view! { <CourseFacts course=c/> })}
    }
}

/// The course's key dates in words.
#[component]
pub fn CourseFacts(course: CourseView) -> impl IntoView {
    let right = if course.started_activity {
        Msg::CourseSixMonthMet
    } else {
        Msg::CourseSixMonthNotYet
    };
    view! {
        <section class="card" aria-labelledby="course-heading">
            <h2 id="course-heading">{t(Msg::CourseTitle)}</h2>
            <dl class="facts">
                <dt>{t(Msg::CourseKind)}</dt><dd>{t(course.kind.label())}</dd>
                <dt>{t(Msg::CourseStart)}</dt><dd>{course.start}</dd>
                <dt>{t(Msg::CourseSixMonthRight)}</dt><dd>{course.six_month_right} " – " {t(right)}</dd>
                <dt>{t(Msg::CoursePlannedEnd)}</dt><dd>{course.planned_end}</dd>
                <dt>{t(Msg::CourseLimit)}</dt><dd>{course.limit}</dd>
            </dl>
            <CourseTimeline timeline=course.timeline/>
        </section>
    }
}

/// The course from start to its limit as a simple line: what has passed is
/// drawn thick, markers differ in shape (not only colour), and the dates are
/// in the list above, which the caption points to.
#[component]
fn CourseTimeline(timeline: Timeline) -> impl IntoView {
    // 4 % margins, so markers at the ends are whole.
    let x = |percent: f64| 4.0 + percent.clamp(0.0, 100.0) * 0.92;
    let today = x(timeline.today);
    let caption = fill(t(Msg::CourseTimelineCaption), &[("today", &timeline.today_label)]);
    view! {
        <figure class="timeline">
            <svg viewBox="0 0 100 12" role="img" aria-labelledby="timeline-caption" focusable="false">
                <line x1=x(0.0) y1="6" x2=x(100.0) y2="6" stroke="#6b6b6b" stroke-width="0.8"/>
                <line x1=x(0.0) y1="6" x2=today y2="6" stroke="#0b5470" stroke-width="2.4"/>
                <circle cx=x(0.0) cy="6" r="1.8" fill="#0b5470"/>
                <circle cx=x(timeline.six_month_right) cy="6" r="1.8" fill="#ffffff" stroke="#1a1a1a" stroke-width="0.6"/>
                <rect x=x(timeline.planned_end) - 1.6 y="4.4" width="3.2" height="3.2" fill="#ffffff" stroke="#1a1a1a" stroke-width="0.6"/>
                <rect x=x(100.0) - 0.6 y="2.5" width="1.2" height="7" fill="#1a1a1a"/>
                <path d=format!("M{today} 4.2 L{} 0.6 L{} 0.6 Z", today - 1.8, today + 1.8) fill="#b00020"/>
            </svg>
            <figcaption id="timeline-caption">{caption}</figcaption>
        </figure>
    }
}

#[component]
fn ActivitySummary(activity: ActivityView) -> impl IntoView {
    view! {
        <p><strong>{activity.title}</strong></p>
        <dl class="facts">
            <dt>{t(Msg::ActivityKind)}</dt><dd>{t(activity.kind.label())}</dd>
            <dt>{t(Msg::ActivityWhen)}</dt><dd>{activity.when}</dd>
            {activity.place.map(|p| view! { <dt>{t(Msg::ActivityPlace)}</dt><dd>{p}</dd> })}
            {activity.contact.map(|p| view! { <dt>{t(Msg::ActivityContact)}</dt><dd>{p}</dd> })}
        </dl>
    }
}

#[component]
pub fn PlanPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::PlanTitle)/>
        <h1>{t(Msg::PlanTitle)}</h1>
        <Loaded future=my_plan() let:plan>
            <Plan plan=plan/>
        </Loaded>
    }
}

#[component]
fn Plan(plan: PlanView) -> impl IntoView {
    let Some(course) = plan.course else {
        return view! { <p>{t(Msg::PlanNoCourse)}</p> }.into_any();
    };
    let main_goal = course.main_goal.clone();
    view! {
        <section class="card" aria-labelledby="goals-heading">
            <h2 id="goals-heading">{t(Msg::PlanGoals)}</h2>
            {main_goal.map(|g| view! { <p><strong>{t(Msg::PlanMainGoal)}</strong> " " {g}</p> })}
            <ul class="list-rows">
                {plan.goals.into_iter().map(|g| view! {
                    <li><strong>{g.title}</strong>{g.description.map(|d| view! { <br/><span>{d}</span> })}</li>
                }).collect_view()}
            </ul>
        </section>
        <ActivityGroup heading=Msg::PlanOngoing id="ongoing" activities=plan.ongoing/>
        <ActivityGroup heading=Msg::PlanUpcoming id="upcoming" activities=plan.upcoming/>
        <ActivityGroup heading=Msg::PlanFinished id="finished" activities=plan.finished/>
        <CourseFacts course=course/>
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
                        {activities.into_iter().map(|a| view! { <li><ActivityDetails activity=a/></li> }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

#[component]
fn ActivityDetails(activity: ActivityView) -> impl IntoView {
    view! {
        <h3><a href=format!("/activities/{}", activity.id)>{activity.title.clone()}</a></h3>
        <p><span class="status-tag">{t(activity.status.label())}</span></p>
        <ActivityFacts activity=activity/>
    }
}

/// An activity's facts as a definition list: on the plan and on its own page.
#[component]
fn ActivityFacts(
    activity: ActivityView,
    #[prop(default = None)] contact_phone: Option<String>,
) -> impl IntoView {
    view! {
        <dl class="facts">
            <dt>{t(Msg::ActivityKind)}</dt><dd>{t(activity.kind.label())}</dd>
            <dt>{t(Msg::ActivityWhen)}</dt><dd>{activity.when}{activity.until.map(|u| format!(" – {u}"))}</dd>
            {activity.place.map(|p| view! { <dt>{t(Msg::ActivityPlace)}</dt><dd>{p}</dd> })}
            {activity.contact.map(|p| view! { <dt>{t(Msg::ActivityContact)}</dt><dd>{p}</dd> })}
            {contact_phone.map(|p| view! { <dt>{t(Msg::ActivityContactPhone)}</dt><dd>{p}</dd> })}
            {activity.hours_per_week.map(|h| view! { <dt>{t(Msg::ActivityHours)}</dt><dd>{h}</dd> })}
            {activity.purpose.map(|p| view! { <dt>{t(Msg::ActivityPurpose)}</dt><dd>{p}</dd> })}
        </dl>
    }
}

/// `/activities/:id`: one activity, with a calendar file to download.
#[component]
pub fn ActivityPage() -> impl IntoView {
    let id = leptos_router::hooks::use_params_map()
        .get_untracked()
        .get("id")
        .unwrap_or_default();
    view! {
        <Loaded future=get_activity(id) let:detail>
            <Activity detail=detail/>
        </Loaded>
    }
}

#[component]
fn Activity(detail: ActivityDetail) -> impl IntoView {
    let a = detail.activity;
    let calendar = format!("/activities/{}/calendar.ics", a.id);
    view! {
        <Title text=a.title.clone()/>
        <p><a href="/plan">{t(Msg::ActivityBackToPlan)}</a></p>
        <h1>{a.title.clone()}</h1>
        <p><span class="status-tag">{t(a.status.label())}</span></p>
        <ActivityFacts activity=a contact_phone=detail.contact_phone/>
        {detail.preparation.map(|p| view! {
            <section class="card" aria-labelledby="prepare-heading">
                <h2 id="prepare-heading">{t(Msg::ActivityPreparation)}</h2>
                <p>{p}</p>
            </section>
        })}
        <p><a href=calendar download="aktivitet.ics">{t(Msg::ActivityCalendarDownload)}</a></p>
    }
}
