//! What the overview and the plan show, as the server sends it.
use super::{feed, history};
use crate::i18n::Msg;
use crate::model::{ActivityKind, ActivityStatus, CourseKind};
use serde::{Deserialize, Serialize};

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
