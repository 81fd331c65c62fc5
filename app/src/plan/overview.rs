//! `/`: the citizen's overview, and the course's key dates that the plan and
//! staff pages show too.
use super::citizen_overview;
use super::types::{ActivityView, CourseView, Overview, Timeline};
use crate::forms::FormStatus;
use crate::i18n::{t, texts, tf, tn, Msg, Plural};
use crate::layout::Loaded;
use crate::layout::Title;
use leptos::prelude::*;

#[component]
pub fn OverviewPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::OverviewTitle) />
        <Loaded future=citizen_overview() let:overview>
            <Overview overview=overview />
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
        Some(a) => view! { <NextAppointment activity=a in_days=overview.next_in_days /> }.into_any(),
        None => view! { <p>{t(Msg::OverviewNoNextActivity)}</p> }.into_any(),
    };
    let status = overview.course.as_ref().map(course_sentence);
    let news = (!overview.concern_news.is_empty()).then(|| {
        let items = overview.concern_news;
        view! {
            <section class="card" aria-labelledby="news-heading">
                <h2 id="news-heading">{t(Msg::OverviewConcernNews)}</h2>
                {items
                    .into_iter()
                    .map(|n| view! { <crate::concerns::ConcernNewsLine news=n /> })
                    .collect_view()}
            </section>
        }
    });
    view! {
        <h1>{greeting}</h1>
        <FormStatus />
        <section class="card next-card" aria-labelledby="next-heading">
            <h2 id="next-heading">{t(Msg::OverviewNextActivity)}</h2>
            {next}
        </section>
        {status.map(|s| view! { <p class="course-status">{s}</p> })}
        <crate::concerns::RaiseConcernLink />
        {news}
        {(!overview.logged_today)
            .then(|| {
                view! {
                    <p class="alert alert-info">
                        <strong>{t(Msg::OverviewHowAreYou)}</strong>
                        " "
                        <a href="/wellbeing">{t(Msg::OverviewLogWellbeing)}</a>
                    </p>
                }
            })}
        <div class="card-grid">
            <section class="card" aria-labelledby="messages-heading">
                <h2 id="messages-heading">{t(Msg::NavMessages)}</h2>
                <p>{tn(Plural::OverviewUnreadMessages, overview.unread_messages)}</p>
                <p>
                    <a href="/messages">{t(Msg::OverviewGoToMessages)}</a>
                </p>
            </section>
            <section class="card" aria-labelledby="concerns-heading">
                <h2 id="concerns-heading">{t(Msg::OverviewHealthConcerns)}</h2>
                <p>{tn(Plural::OverviewOpenConcerns, overview.open_concerns)}</p>
                <p class="muted">{t(Msg::OverviewConcernRight)}</p>
                <p>
                    <a href="/concerns">{t(Msg::ConcernSeeAll)}</a>
                </p>
            </section>
        </div>
        {overview.course.map(|c| view! { <CourseFacts course=c /> })}
        <crate::pwa::InstallHint />
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
        <p class="next-title">
            <a href=format!("/activities/{}", activity.id) lang="da">
                {activity.title}
            </a>
        </p>
        <p class="next-when">
            {activity.when}
            {distance
                .map(|d| {
                    view! {
                        " – "
                        <strong>{d}</strong>
                    }
                })}
        </p>
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
                <dt>{t(Msg::CourseKind)}</dt>
                <dd>{t(course.kind.label())}</dd>
                <dt>{t(Msg::CourseStart)}</dt>
                <dd>{course.start}</dd>
                <dt>{t(Msg::CourseSixMonthRight)}</dt>
                <dd>
                    {course.six_month_right} " – " {t(right)}
                    <span class="hint">{t(Msg::CourseSixMonthExplain)}</span>
                </dd>
                <dt>{t(Msg::CoursePlannedEnd)}</dt>
                <dd>{course.planned_end}</dd>
                <dt>{t(Msg::CourseLimit)}</dt>
                <dd>{course.limit}</dd>
            </dl>
            <CourseTimeline timeline=course.timeline />
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
                <line x1=x(0.0) y1="6" x2=x(100.0) y2="6" stroke="#6b6b6b" stroke-width="0.8" />
                <line x1=x(0.0) y1="6" x2=today y2="6" stroke="#0b5470" stroke-width="2.4" />
                <circle cx=x(0.0) cy="6" r="1.8" fill="#0b5470" />
                <circle
                    cx=x(timeline.six_month_right)
                    cy="6"
                    r="1.8"
                    fill="#ffffff"
                    stroke="#1a1a1a"
                    stroke-width="0.6"
                />
                <rect
                    x=x(timeline.planned_end) - 1.6
                    y="4.4"
                    width="3.2"
                    height="3.2"
                    fill="#ffffff"
                    stroke="#1a1a1a"
                    stroke-width="0.6"
                />
                <rect x=x(100.0) - 0.6 y="2.5" width="1.2" height="7" fill="#1a1a1a" />
                <path d=format!("M{today} 4.2 L{} 0.6 L{} 0.6 Z", today - 1.8, today + 1.8) fill="#b00020" />
            </svg>
            <figcaption id="timeline-caption">{caption}</figcaption>
        </figure>
    }
}
