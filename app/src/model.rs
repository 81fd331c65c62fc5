//! Domain words shared by the pages and the server.
use crate::i18n::{Lang, Msg};
use serde::{Deserialize, Serialize};

/// Who someone is in the product. Access follows relationships, not only roles.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Role {
    Citizen,
    Caseworker,
    HealthCoordinator,
    Administrator,
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Citizen,
        Role::Caseworker,
        Role::HealthCoordinator,
        Role::Administrator,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::Caseworker => "caseworker",
            Role::HealthCoordinator => "health_coordinator",
            Role::Administrator => "administrator",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> Msg {
        match self {
            Role::Citizen => Msg::RoleCitizen,
            Role::Caseworker => Msg::RoleCaseworker,
            Role::HealthCoordinator => Msg::RoleHealthCoordinator,
            Role::Administrator => Msg::RoleAdministrator,
        }
    }

    /// Where this role lands after logging in.
    pub fn home(self) -> &'static str {
        match self {
            Role::Citizen => "/",
            Role::Caseworker => "/caseload",
            Role::HealthCoordinator => "/requests",
            Role::Administrator => "/admin",
        }
    }

    pub fn is_staff(self) -> bool {
        self != Role::Citizen
    }
}

/// The person behind the current request, as the session middleware found them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CurrentUser {
    pub id: String,
    pub role: Role,
    pub name: String,
    pub lang: Lang,
    /// The text size chosen under "Mig" (kept with the account).
    #[serde(default)]
    pub text_size: TextSize,
    /// Hash of the session token, so the session can be ended.
    #[serde(skip)]
    pub session_key: String,
    /// A citizen's unread messages, for the menu's badge: counted in the
    /// same statement that finds the session, so no page asks again.
    #[serde(skip)]
    pub unread_messages: i64,
}

/// How large the text on every page is: the person's choice under "Mig",
/// kept with their account (so it follows them to a new phone) and, for
/// pages shown before logging in, in a cookie on the device. Applied as a
/// class on `<html>` that scales the root font size, so everything sized in
/// `rem` grows with it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TextSize {
    #[default]
    Normal,
    Large,
    Larger,
}

impl TextSize {
    pub const ALL: [TextSize; 3] = [TextSize::Normal, TextSize::Large, TextSize::Larger];

    pub fn as_str(self) -> &'static str {
        match self {
            TextSize::Normal => "normal",
            TextSize::Large => "large",
            TextSize::Larger => "larger",
        }
    }

    pub fn parse(s: &str) -> Option<TextSize> {
        TextSize::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn label(self) -> Msg {
        match self {
            TextSize::Normal => Msg::MeTextSizeNormal,
            TextSize::Large => Msg::MeTextSizeLarge,
            TextSize::Larger => Msg::MeTextSizeLarger,
        }
    }

    /// The class on `<html>` (see the end of `style/main.css`); none for normal.
    pub fn html_class(self) -> Option<&'static str> {
        match self {
            TextSize::Normal => None,
            TextSize::Large => Some("text-large"),
            TextSize::Larger => Some("text-larger"),
        }
    }
}

/// The legal kind of a course. Kind-specific rules live in [`CourseKind::max_months`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CourseKind {
    Ressourceforloeb,
    Jobafklaringsforloeb,
}

impl CourseKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CourseKind::Ressourceforloeb => "ressourceforloeb",
            CourseKind::Jobafklaringsforloeb => "jobafklaringsforloeb",
        }
    }

    pub fn parse(s: &str) -> Option<CourseKind> {
        match s {
            "ressourceforloeb" => Some(CourseKind::Ressourceforloeb),
            "jobafklaringsforloeb" => Some(CourseKind::Jobafklaringsforloeb),
            _ => None,
        }
    }

    pub fn label(self) -> Msg {
        match self {
            CourseKind::Ressourceforloeb => Msg::CourseKindRessourceforloeb,
            CourseKind::Jobafklaringsforloeb => Msg::CourseKindJobafklaringsforloeb,
        }
    }

    /// The kind inside a sentence ("Du er i et ressourceforløb").
    pub fn in_sentence(self) -> Msg {
        match self {
            CourseKind::Ressourceforloeb => Msg::CourseKindInSentenceRessourceforloeb,
            CourseKind::Jobafklaringsforloeb => Msg::CourseKindInSentenceJobafklaringsforloeb,
        }
    }

    /// The longest a course of this kind may run (months).
    pub fn max_months(self) -> i32 {
        match self {
            CourseKind::Ressourceforloeb => 36,
            CourseKind::Jobafklaringsforloeb => 24,
        }
    }
}

/// What kind of activity (indsats) something is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActivityKind {
    WorkPlacement,
    WageSubsidy,
    PaidHours,
    Mentor,
    Guidance,
    SocialSupport,
    HealthMeasure,
    FollowUpMeeting,
    RehabTeamMeeting,
    Other,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 10] = [
        ActivityKind::WorkPlacement,
        ActivityKind::WageSubsidy,
        ActivityKind::PaidHours,
        ActivityKind::Mentor,
        ActivityKind::Guidance,
        ActivityKind::SocialSupport,
        ActivityKind::HealthMeasure,
        ActivityKind::FollowUpMeeting,
        ActivityKind::RehabTeamMeeting,
        ActivityKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::WorkPlacement => "work_placement",
            ActivityKind::WageSubsidy => "wage_subsidy",
            ActivityKind::PaidHours => "paid_hours",
            ActivityKind::Mentor => "mentor",
            ActivityKind::Guidance => "guidance",
            ActivityKind::SocialSupport => "social_support",
            ActivityKind::HealthMeasure => "health_measure",
            ActivityKind::FollowUpMeeting => "follow_up_meeting",
            ActivityKind::RehabTeamMeeting => "rehab_team_meeting",
            ActivityKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<ActivityKind> {
        ActivityKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Meetings about the course are not activities in the sense of the
    /// 6-month right: only a started placement, mentor, measure… meets it.
    pub fn meets_six_month_right(self) -> bool {
        !matches!(
            self,
            ActivityKind::FollowUpMeeting | ActivityKind::RehabTeamMeeting
        )
    }

    /// SQL for "this activity meets the 6-month right", over `activities` as `alias`.
    pub fn started_activity_sql(alias: &str) -> String {
        let kinds: Vec<String> = ActivityKind::ALL
            .into_iter()
            .filter(|k| k.meets_six_month_right())
            .map(|k| format!("'{}'", k.as_str()))
            .collect();
        format!(
            "{alias}.status IN ('ongoing', 'completed') AND {alias}.kind IN ({})",
            kinds.join(", ")
        )
    }

    pub fn label(self) -> Msg {
        match self {
            ActivityKind::WorkPlacement => Msg::ActivityKindWorkPlacement,
            ActivityKind::WageSubsidy => Msg::ActivityKindWageSubsidy,
            ActivityKind::PaidHours => Msg::ActivityKindPaidHours,
            ActivityKind::Mentor => Msg::ActivityKindMentor,
            ActivityKind::Guidance => Msg::ActivityKindGuidance,
            ActivityKind::SocialSupport => Msg::ActivityKindSocialSupport,
            ActivityKind::HealthMeasure => Msg::ActivityKindHealthMeasure,
            ActivityKind::FollowUpMeeting => Msg::ActivityKindFollowUpMeeting,
            ActivityKind::RehabTeamMeeting => Msg::ActivityKindRehabTeamMeeting,
            ActivityKind::Other => Msg::ActivityKindOther,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ActivityStatus {
    Planned,
    Ongoing,
    Completed,
    Cancelled,
    OnHold,
}

impl ActivityStatus {
    pub const ALL: [ActivityStatus; 5] = [
        ActivityStatus::Planned,
        ActivityStatus::Ongoing,
        ActivityStatus::Completed,
        ActivityStatus::Cancelled,
        ActivityStatus::OnHold,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ActivityStatus::Planned => "planned",
            ActivityStatus::Ongoing => "ongoing",
            ActivityStatus::Completed => "completed",
            ActivityStatus::Cancelled => "cancelled",
            ActivityStatus::OnHold => "on_hold",
        }
    }

    pub fn parse(s: &str) -> Option<ActivityStatus> {
        ActivityStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> Msg {
        match self {
            ActivityStatus::Planned => Msg::ActivityStatusPlanned,
            ActivityStatus::Ongoing => Msg::ActivityStatusOngoing,
            ActivityStatus::Completed => Msg::ActivityStatusCompleted,
            ActivityStatus::Cancelled => Msg::ActivityStatusCancelled,
            ActivityStatus::OnHold => Msg::ActivityStatusOnHold,
        }
    }
}

/// The states of a second-opinion request, in order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConcernState {
    Sent,
    Received,
    BeingAssessed,
    ConversationBooked,
    Answered,
    Withdrawn,
}

impl ConcernState {
    pub const ALL: [ConcernState; 6] = [
        ConcernState::Sent,
        ConcernState::Received,
        ConcernState::BeingAssessed,
        ConcernState::ConversationBooked,
        ConcernState::Answered,
        ConcernState::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ConcernState::Sent => "sent",
            ConcernState::Received => "received",
            ConcernState::BeingAssessed => "being_assessed",
            ConcernState::ConversationBooked => "conversation_booked",
            ConcernState::Answered => "answered",
            ConcernState::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<ConcernState> {
        ConcernState::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> Msg {
        match self {
            ConcernState::Sent => Msg::ConcernStateSent,
            ConcernState::Received => Msg::ConcernStateReceived,
            ConcernState::BeingAssessed => Msg::ConcernStateBeingAssessed,
            ConcernState::ConversationBooked => Msg::ConcernStateConversationBooked,
            ConcernState::Answered => Msg::ConcernStateAnswered,
            ConcernState::Withdrawn => Msg::ConcernStateWithdrawn,
        }
    }

    pub fn is_open(self) -> bool {
        !matches!(self, ConcernState::Answered | ConcernState::Withdrawn)
    }

    /// The only legal moves, and who may make them. The coordinator moves a
    /// request forward one step at a time (a booked conversation may be
    /// moved); the citizen may withdraw it while it is open.
    pub fn can_move_to(self, next: ConcernState, by: Role) -> bool {
        use ConcernState::*;
        match by {
            Role::Citizen => next == Withdrawn && self.is_open(),
            Role::HealthCoordinator => matches!(
                (self, next),
                (Sent, Received)
                    | (Received, BeingAssessed)
                    | (Received | BeingAssessed | ConversationBooked, ConversationBooked)
                    | (BeingAssessed | ConversationBooked, Answered)
            ),
            Role::Caseworker | Role::Administrator => false,
        }
    }

    /// Working days until the next step is expected, counted from this state's
    /// start (for a booked conversation: from the conversation).
    pub fn working_days_to_next_step(self) -> Option<i64> {
        match self {
            ConcernState::Sent => Some(2),
            ConcernState::Received | ConcernState::BeingAssessed | ConcernState::ConversationBooked => {
                Some(5)
            }
            ConcernState::Answered | ConcernState::Withdrawn => None,
        }
    }

    /// What happens next, in words.
    pub fn next_step(self) -> Option<Msg> {
        match self {
            ConcernState::Sent => Some(Msg::ConcernNextSent),
            ConcernState::Received => Some(Msg::ConcernNextReceived),
            ConcernState::BeingAssessed => Some(Msg::ConcernNextBeingAssessed),
            ConcernState::ConversationBooked => Some(Msg::ConcernNextConversationBooked),
            ConcernState::Answered | ConcernState::Withdrawn => None,
        }
    }
}

/// The health coordinator's answer to a second-opinion request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ConcernOutcome {
    GoAhead,
    Adjust,
    DoNotGoAhead,
}

impl ConcernOutcome {
    pub const ALL: [ConcernOutcome; 3] = [
        ConcernOutcome::GoAhead,
        ConcernOutcome::Adjust,
        ConcernOutcome::DoNotGoAhead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ConcernOutcome::GoAhead => "go_ahead",
            ConcernOutcome::Adjust => "adjust",
            ConcernOutcome::DoNotGoAhead => "do_not_go_ahead",
        }
    }

    pub fn parse(s: &str) -> Option<ConcernOutcome> {
        ConcernOutcome::ALL.into_iter().find(|o| o.as_str() == s)
    }

    /// The form's radio value, 1 to 3.
    pub fn number(self) -> i64 {
        match self {
            ConcernOutcome::GoAhead => 1,
            ConcernOutcome::Adjust => 2,
            ConcernOutcome::DoNotGoAhead => 3,
        }
    }

    pub fn from_number(n: i64) -> Option<ConcernOutcome> {
        ConcernOutcome::ALL.into_iter().find(|o| o.number() == n)
    }

    pub fn label(self) -> Msg {
        match self {
            ConcernOutcome::GoAhead => Msg::ConcernOutcomeGoAhead,
            ConcernOutcome::Adjust => Msg::ConcernOutcomeAdjust,
            ConcernOutcome::DoNotGoAhead => Msg::ConcernOutcomeDoNotGoAhead,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        for k in ActivityKind::ALL {
            assert_eq!(ActivityKind::parse(k.as_str()), Some(k));
        }
        for s in ConcernState::ALL {
            assert_eq!(ConcernState::parse(s.as_str()), Some(s));
        }
        for o in ConcernOutcome::ALL {
            assert_eq!(ConcernOutcome::parse(o.as_str()), Some(o));
            assert_eq!(ConcernOutcome::from_number(o.number()), Some(o));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn a_concern_moves_only_along_the_legal_steps() {
        use ConcernState::*;
        let coordinator =
            |from: ConcernState, to: ConcernState| from.can_move_to(to, Role::HealthCoordinator);
        // Every legal move of the coordinator, and nothing else.
        let legal = [
            (Sent, Received),
            (Received, BeingAssessed),
            (Received, ConversationBooked),
            (BeingAssessed, ConversationBooked),
            (ConversationBooked, ConversationBooked),
            (BeingAssessed, Answered),
            (ConversationBooked, Answered),
        ];
        for from in ConcernState::ALL {
            for to in ConcernState::ALL {
                assert_eq!(
                    coordinator(from, to),
                    legal.contains(&(from, to)),
                    "{from:?} -> {to:?}"
                );
                // The citizen may only withdraw, and only while it is open.
                assert_eq!(
                    from.can_move_to(to, Role::Citizen),
                    to == Withdrawn && from.is_open(),
                    "citizen {from:?} -> {to:?}"
                );
                assert!(!from.can_move_to(to, Role::Caseworker));
                assert!(!from.can_move_to(to, Role::Administrator));
            }
        }
        // Closed requests stay closed, and nobody answers before reading.
        assert!(!Answered.can_move_to(Withdrawn, Role::Citizen));
        assert!(!Sent.can_move_to(Answered, Role::HealthCoordinator));
        assert_eq!(Answered.next_step(), None);
    }
}
