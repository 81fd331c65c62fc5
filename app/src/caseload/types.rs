//! What the caseload pages show, as the server sends it.
use crate::forms::Draft;
use crate::i18n::Msg;
use crate::model::CourseKind;
use crate::plan::responses::CitizenResponse;
use crate::plan::{ActivityView, PlanView};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseloadRow {
    pub id: String,
    pub name: String,
    pub course_kind: Option<CourseKind>,
    pub next_activity: Option<String>,
    pub unread_from_citizen: i64,
    pub open_concerns: i64,
    /// The course has no started activity yet (the 6-month right).
    pub no_activity_started: bool,
    pub six_month_deadline: Option<String>,
    /// The planned end is within 3 months.
    pub ending_soon: bool,
    pub planned_end: Option<String>,
    pub activity_today: bool,
    /// What the citizen shared of their wellbeing is falling (see
    /// `data::MOOD_MIN_DAYS` for the rule the caseworker reads).
    pub wellbeing_falling: bool,
}

/// The caseload's filters: who needs something now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CaseloadFilter {
    All,
    NoActivityStarted,
    EndingSoon,
    ActivityToday,
    OpenConcerns,
    Unread,
    WellbeingFalling,
}

impl CaseloadFilter {
    pub const ALL: [CaseloadFilter; 7] = [
        CaseloadFilter::All,
        CaseloadFilter::NoActivityStarted,
        CaseloadFilter::EndingSoon,
        CaseloadFilter::ActivityToday,
        CaseloadFilter::OpenConcerns,
        CaseloadFilter::Unread,
        CaseloadFilter::WellbeingFalling,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            CaseloadFilter::All => "all",
            CaseloadFilter::NoActivityStarted => "no-activity-started",
            CaseloadFilter::EndingSoon => "ending-soon",
            CaseloadFilter::ActivityToday => "activity-today",
            CaseloadFilter::OpenConcerns => "open-concerns",
            CaseloadFilter::Unread => "unread",
            CaseloadFilter::WellbeingFalling => "wellbeing-falling",
        }
    }

    pub fn parse(s: &str) -> CaseloadFilter {
        CaseloadFilter::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .unwrap_or(CaseloadFilter::All)
    }

    pub fn label(self) -> Msg {
        match self {
            CaseloadFilter::All => Msg::CaseloadFilterAll,
            CaseloadFilter::NoActivityStarted => Msg::CaseloadFilterNoActivity,
            CaseloadFilter::EndingSoon => Msg::CaseloadFilterEndingSoon,
            CaseloadFilter::ActivityToday => Msg::CaseloadFilterActivityToday,
            CaseloadFilter::OpenConcerns => Msg::CaseloadFilterOpenConcerns,
            CaseloadFilter::Unread => Msg::CaseloadFilterUnread,
            CaseloadFilter::WellbeingFalling => Msg::CaseloadFilterWellbeingFalling,
        }
    }

    pub fn keeps(self, r: &CaseloadRow) -> bool {
        match self {
            CaseloadFilter::All => true,
            CaseloadFilter::NoActivityStarted => r.no_activity_started,
            CaseloadFilter::EndingSoon => r.ending_soon,
            CaseloadFilter::ActivityToday => r.activity_today,
            CaseloadFilter::OpenConcerns => r.open_concerns > 0,
            CaseloadFilter::Unread => r.unread_from_citizen > 0,
            CaseloadFilter::WellbeingFalling => r.wellbeing_falling,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseloadView {
    pub filter: CaseloadFilter,
    pub rows: Vec<CaseloadRow>,
    /// How many citizens each filter keeps.
    pub counts: Vec<(CaseloadFilter, i64)>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CitizenSummary {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    /// Where the citizen gave one: the caseworker can call.
    pub phone: Option<String>,
    pub activated: bool,
    pub plan: PlanView,
    pub next_activity: Option<ActivityView>,
    /// Reflections and feedback the citizen gave, newest first.
    pub responses: Vec<CitizenResponse>,
    /// The wellbeing the citizen shared, last 90 days.
    pub wellbeing: crate::wellbeing::SharedTrend,
    /// Second-opinion requests, newest first.
    pub concerns: Vec<crate::concerns::ConcernView>,
    /// What was typed into the paid-hours form, if the server refused it.
    pub draft: Option<Draft>,
    /// An activation code just made, shown once.
    pub new_code: Option<(String, String)>,
    /// The same code as a link to the activation page, for the letter.
    pub activation_link: Option<String>,
    /// A password reset code just made, shown once.
    pub reset_code: Option<(String, String)>,
}
