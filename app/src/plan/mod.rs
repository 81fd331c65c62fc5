//! The course plan: overview (home) and the plan page.
use crate::error::AppError;
use crate::forms::FormStatus;
use crate::i18n::{t, texts, tf, tn, Msg, Plural};
use crate::layout::Loaded;
use crate::layout::Title;
use crate::model::{ActivityKind, ActivityStatus, CourseKind};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

mod activity;
#[cfg(feature = "ssr")]
pub mod data;
pub mod edit;
pub mod feed;
pub mod history;
#[cfg(feature = "ssr")]
pub mod ics;
mod paid_hours;
pub mod responses;
pub mod rules;
#[cfg(all(test, feature = "ssr"))]
mod tests;

pub use activity::ActivityPage;
pub use paid_hours::PaidHoursChart;

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
    /// Changed by someone else since the viewer last saw the plan.
    pub marker: Option<Marker>,
    /// A health concern about it waits for the coordinator's assessment.
    pub awaiting_assessment: bool,
}

/// "New" or "changed since your last visit".
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Marker {
    New,
    Changed,
}

impl Marker {
    pub fn label(self) -> Msg {
        match self {
            Marker::New => Msg::PlanMarkerNew,
            Marker::Changed => Msg::PlanMarkerChanged,
        }
    }
}

/// One of the citizen's ratings of their progress on a goal (1–5).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RatingView {
    pub rating: i64,
    pub note: Option<String>,
    pub when: String,
}

/// Paid hours in one week.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PaidWeek {
    /// The week's Monday, e.g. "23.11.2026".
    pub week: String,
    /// The ISO week number.
    pub number: i64,
    pub hours: i64,
}

/// Everything about one activity, for its own page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActivityDetail {
    pub activity: ActivityView,
    pub citizen_id: String,
    pub preparation: Option<String>,
    pub contact_phone: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoalView {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub marker: Option<Marker>,
    /// Newest first.
    pub ratings: Vec<RatingView>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Overview {
    pub name: String,
    pub course: Option<CourseView>,
    pub next_activity: Option<ActivityView>,
    /// Calendar days until the next activity: 0 today, 1 tomorrow.
    pub next_in_days: Option<i64>,
    /// Requests that moved on: a conversation booked, an answer given.
    pub concern_news: Vec<crate::concerns::ConcernNews>,
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
    pub paid_hours: Vec<PaidWeek>,
    /// The latest changes to the plan, newest first.
    pub recent_changes: Vec<history::Change>,
    /// The citizen's calendar feed, if they have one.
    pub feed: Option<feed::FeedStatus>,
    /// A feed address just made, shown once.
    pub new_feed_url: Option<String>,
    /// Makes each of the page's forms count once, however often it is sent.
    pub form_key: String,
    pub today: String,
    /// What a refused course-feedback form held.
    pub draft: Option<crate::forms::Draft>,
}

#[server]
pub async fn citizen_overview() -> Result<Overview, AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let access = crate::auth::policy::own_data(&user)?;
    data::overview(&state.db, &access).await
}

/// The citizen's plan. `print` shows it without counting as a visit, so
/// the "changed" markers stay until the plan itself has been seen.
#[server]
pub async fn my_plan(print: bool) -> Result<PlanView, AppError> {
    use crate::auth::{session, Flash};
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let access = crate::auth::policy::own_data(&user)?;
    let mut plan = data::citizen_plan(&state.db, &access, !print).await?;
    plan.feed = feed::data::status(&state.db, &access).await?;
    plan.form_key = crate::db::new_id();
    plan.today = crate::time::today();
    if !print {
        match session::take_flash(&state.db, &user.session_key).await? {
            Some(Flash::CalendarFeed { url }) => plan.new_feed_url = Some(url),
            // Either form of the page: the course's feedback or a goal's rating.
            flash => {
                plan.draft = crate::forms::draft_for(&flash, "course-feedback")
                    .or_else(|| crate::forms::draft_for(&flash, "rate-goal"))
            }
        }
    }
    Ok(plan)
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

/// The first screen answers "what's next, and where am I": the next
/// appointment, the course in one sentence, and the way to raise a concern;
/// news of a request follows at once. The details come below.
#[component]
fn Overview(overview: Overview) -> impl IntoView {
    // "Hej Sofie", as a person is greeted: the first name only.
    let first_name = overview.name.split_whitespace().next().unwrap_or_default();
    let greeting = tf(texts::OverviewGreeting { name: first_name });
    let next = match overview.next_activity {
        Some(a) => view! { <NextAppointment activity=a in_days=overview.next_in_days/> }.into_any(),
        None => view! { <p>{t(Msg::OverviewNoNextActivity)}</p> }.into_any(),
    };
    let status = overview.course.as_ref().map(course_sentence);
    let news = (!overview.concern_news.is_empty()).then(|| {
        let items = overview.concern_news;
        view! {
            <section class="card" aria-labelledby="news-heading">
                <h2 id="news-heading">{t(Msg::OverviewConcernNews)}</h2>
                {items.into_iter().map(|n| view! { <crate::concerns::ConcernNewsLine news=n/> }).collect_view()}
            </section>
        }
    });
    view! {
        <h1>{greeting}</h1>
        <FormStatus/>
        <section class="card next-card" aria-labelledby="next-heading">
            <h2 id="next-heading">{t(Msg::OverviewNextActivity)}</h2>
            {next}
        </section>
        {status.map(|s| view! { <p class="course-status">{s}</p> })}
        <crate::concerns::RaiseConcernLink/>
        {news}
        {(!overview.logged_today).then(|| view! {
            <p class="alert alert-info"><strong>{t(Msg::OverviewHowAreYou)}</strong> " "
                <a href="/wellbeing">{t(Msg::OverviewLogWellbeing)}</a></p>
        })}
        <div class="card-grid">
            <section class="card" aria-labelledby="messages-heading">
                <h2 id="messages-heading">{t(Msg::NavMessages)}</h2>
                <p>{tn(Plural::OverviewUnreadMessages, overview.unread_messages)}</p>
                <p><a href="/messages">{t(Msg::OverviewGoToMessages)}</a></p>
            </section>
            <section class="card" aria-labelledby="concerns-heading">
                <h2 id="concerns-heading">{t(Msg::OverviewHealthConcerns)}</h2>
                <p>{tn(Plural::OverviewOpenConcerns, overview.open_concerns)}</p>
                <p class="muted">{t(Msg::OverviewConcernRight)}</p>
                <p><a href="/concerns">{t(Msg::ConcernSeeAll)}</a></p>
            </section>
        </div>
        {overview.course.map(|c| view! { <CourseFacts course=c/> })}
        <crate::pwa::InstallHint/>
    }
}

/// The next appointment: a link to the activity, when (with how far off),
/// and where.
#[component]
fn NextAppointment(activity: ActivityView, in_days: Option<i64>) -> impl IntoView {
    let distance = in_days.map(|days| match days {
        ..=0 => t(Msg::OverviewToday).to_string(),
        1 => t(Msg::OverviewTomorrow).to_string(),
        n => tn(Plural::OverviewInDays, n),
    });
    view! {
        <p class="next-title"><a href=format!("/activities/{}", activity.id) lang="da">{activity.title}</a></p>
        <p class="next-when">{activity.when} {distance.map(|d| view! { " – " <strong>{d}</strong> })}</p>
        {activity.place.map(|p| view! { <p>{t(Msg::ActivityPlace)} ": " <span lang="da">{p}</span></p> })}
    }
}

/// The course in one plain sentence, the six-month right stated as the
/// citizen's own.
fn course_sentence(course: &CourseView) -> String {
    let kind = t(course.kind.in_sentence());
    let (start, end, right) = (&course.start, &course.planned_end, &course.six_month_right);
    if course.started_activity {
        tf(texts::OverviewCourseStarted { kind, start, end })
    } else if course.timeline.today > course.timeline.six_month_right {
        tf(texts::OverviewCourseOverdue {
            kind,
            start,
            end,
            right,
        })
    } else {
        tf(texts::OverviewCourseNotStarted {
            kind,
            start,
            end,
            right,
        })
    }
}

/// The course's key dates in words.
#[component]
pub fn CourseFacts(
    course: CourseView,
    /// Shown to staff: the words speak about the citizen, not to them.
    #[prop(optional)]
    staff: bool,
) -> impl IntoView {
    let right = match (course.started_activity, staff) {
        (true, false) => Msg::CourseSixMonthMet,
        (true, true) => Msg::CourseSixMonthMetStaff,
        (false, _) => Msg::CourseSixMonthNotYet,
    };
    let title = if staff {
        Msg::CourseTitleStaff
    } else {
        Msg::CourseTitle
    };
    view! {
        <section class="card" aria-labelledby="course-heading">
            <h2 id="course-heading">{t(title)}</h2>
            <dl class="facts">
                <dt>{t(Msg::CourseKind)}</dt><dd>{t(course.kind.label())}</dd>
                <dt>{t(Msg::CourseStart)}</dt><dd>{course.start}</dd>
                <dt>{t(Msg::CourseSixMonthRight)}</dt><dd>{course.six_month_right} " – " {t(right)}<span class="hint">{t(Msg::CourseSixMonthExplain)}</span></dd>
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
    let caption = tf(texts::CourseTimelineCaption {
        today: &timeline.today_label,
    });
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
pub fn PlanPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::PlanTitle)/>
        <h1>{t(Msg::PlanTitle)}</h1>
        <FormStatus/>
        <Loaded future=my_plan(false) let:plan>
            <Plan plan=plan/>
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
        <p class="no-print"><a href="/plan/print">{t(Msg::PlanPrintLink)}</a></p>
        <crate::concerns::RaiseConcernLink/>
        <section class="card" aria-labelledby="goals-heading">
            <h2 id="goals-heading">{t(Msg::PlanGoals)}</h2>
            {main_goal.map(|g| view! { <p><strong>{t(Msg::PlanMainGoal)}</strong> " " <span lang="da">{g}</span></p> })}
            <ul class="list-rows">
                {plan.goals.into_iter().map(|g| {
                    let key = format!("{form_key}-{}", g.id);
                    view! { <li><Goal goal=g form_key=key/></li> }
                }).collect_view()}
            </ul>
        </section>
        <ActivityGroup heading=Msg::PlanOngoing id="ongoing" activities=plan.ongoing/>
        <ActivityGroup heading=Msg::PlanUpcoming id="upcoming" activities=plan.upcoming/>
        <ActivityGroup heading=Msg::PlanFinished id="finished" activities=plan.finished/>
        {(!plan.paid_hours.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="paid-hours-heading">
                <h2 id="paid-hours-heading">{t(Msg::PaidHoursTitle)}</h2>
                <PaidHoursChart weeks=plan.paid_hours/>
            </section>
        })}
        <CourseFacts course=course/>
        <section class="card" aria-labelledby="changes-heading">
            <h2 id="changes-heading">{t(Msg::PlanRecentChanges)}</h2>
            <history::ChangeLog changes=plan.recent_changes/>
        </section>
        <responses::GiveCourseFeedback form_key=format!("{form_key}-course")/>
        <feed::CalendarFeed status=plan.feed new_url=plan.new_feed_url/>
    }
    .into_any()
}

/// The "new" or "changed" tag: words, not colour alone.
#[component]
fn MarkerTag(marker: Option<Marker>) -> impl IntoView {
    marker.map(|m| view! { " " <span class="marker-tag">{t(m.label())}</span> })
}

/// A goal with the citizen's progress: the latest rating, its history, and
/// a form to rate it again.
#[component]
fn Goal(goal: GoalView, form_key: String) -> impl IntoView {
    let latest = goal.ratings.first().cloned();
    view! {
        <h3><span lang="da">{goal.title.clone()}</span><MarkerTag marker=goal.marker/></h3>
        {goal.description.map(|d| view! { <p lang="da">{d}</p> })}
        <p>
            {match latest {
                Some(r) => tf(texts::GoalLatestRating { word: t(progress_word(r.rating)), when: &r.when }),
                None => t(Msg::GoalNotRated).to_string(),
            }}
        </p>
        <responses::RateGoal goal_id=goal.id title=goal.title form_key=form_key/>
        {(!goal.ratings.is_empty()).then(|| view! {
            <details>
                <summary>{t(Msg::GoalRatingsHistory)}</summary>
                <RatingList ratings=goal.ratings/>
            </details>
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
            {ratings.into_iter().map(|r| view! {
                <li>
                    <strong>{r.when}</strong> ": " {t(progress_word(r.rating))}
                    " (" {r.rating} "/5)"
                    {r.note.map(|n| view! { <br/><span>{n}</span> })}
                </li>
            }).collect_view()}
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
        <h3><a href=format!("/activities/{}", activity.id) lang="da">{activity.title.clone()}</a><MarkerTag marker=activity.marker/></h3>
        <p><span class="status-tag">{t(activity.status.label())}</span> " "
            <crate::concerns::AwaitingTag awaiting=activity.awaiting_assessment/></p>
        <ActivityFacts activity=activity/>
    }
}

/// `/plan/print`: the whole plan on paper, without menus and forms.
#[component]
pub fn PrintPlanPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::PlanPrintTitle)/>
        <Loaded future=my_plan(true) let:plan>
            <PrintPlan plan=plan/>
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
        return view! { <h1>{heading}</h1><p>{t(Msg::PlanNoCourse)}</p> }.into_any();
    };
    let all = [
        (Msg::PlanOngoing, plan.ongoing),
        (Msg::PlanUpcoming, plan.upcoming),
        (Msg::PlanFinished, plan.finished),
    ];
    view! {
        <div class="print-view">
            <p class="no-print"><a href="/plan">{t(Msg::PlanPrintBack)}</a> " · " {t(Msg::PlanPrintHint)}</p>
            <h1>{heading}</h1>
            <p>{printed}</p>
            <CourseFacts course=course.clone()/>
            <h2>{t(Msg::PlanGoals)}</h2>
            {course.main_goal.map(|g| view! { <p><strong>{t(Msg::PlanMainGoal)}</strong> " " <span lang="da">{g}</span></p> })}
            <ul>
                {plan.goals.into_iter().map(|g| {
                    let latest = g.ratings.first().map(|r| format!(" – {}", t(progress_word(r.rating))));
                    view! { <li><strong lang="da">{g.title}</strong>{latest}{g.description.map(|d| view! { <br/><span lang="da">{d}</span> })}</li> }
                }).collect_view()}
            </ul>
            {all.into_iter().map(|(heading, activities)| view! {
                <h2>{t(heading)}</h2>
                {if activities.is_empty() {
                    view! { <p>{t(Msg::PlanNone)}</p> }.into_any()
                } else {
                    activities.into_iter().map(|a| view! {
                        <h3><span lang="da">{a.title.clone()}</span> " (" {t(a.status.label())} ")"</h3>
                        <ActivityFacts activity=a/>
                    }).collect_view().into_any()
                }}
            }).collect_view()}
            {(!plan.paid_hours.is_empty()).then(|| view! {
                <h2>{t(Msg::PaidHoursTitle)}</h2>
                <PaidHoursChart weeks=plan.paid_hours/>
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
            <dt>{t(Msg::ActivityKind)}</dt><dd>{t(activity.kind.label())}</dd>
            <dt>{t(Msg::ActivityWhen)}</dt><dd>{activity.when}{activity.until.map(|u| format!(" – {u}"))}</dd>
            {activity.place.map(|p| view! { <dt>{t(Msg::ActivityPlace)}</dt><dd lang="da">{p}</dd> })}
            {activity.contact.map(|p| view! { <dt>{t(Msg::ActivityContact)}</dt><dd lang="da">{p}</dd> })}
            {contact_phone.map(|p| view! { <dt>{t(Msg::ActivityContactPhone)}</dt><dd><crate::phone::PhoneLink number=p/></dd> })}
            {activity.hours_per_week.map(|h| view! { <dt>{t(Msg::ActivityHours)}</dt><dd>{h}</dd> })}
            {activity.purpose.map(|p| view! { <dt>{t(Msg::ActivityPurpose)}</dt><dd lang="da">{p}</dd> })}
        </dl>
    }
}
