//! What the message pages show, as the server sends it.
use crate::forms::Draft;
use crate::i18n::Msg;
use serde::{Deserialize, Serialize};

/// Longest texts, in characters: the forms show them, the server enforces them.
pub const BODY_MAX: usize = 4000;
pub const SUBJECT_MAX: usize = 120;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThreadRow {
    pub id: String,
    pub subject: String,
    pub last_message: String,
    pub unread: i64,
    pub waiting_for_you: bool,
    pub activity: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MessageView {
    pub id: String,
    pub mine: bool,
    pub sender_name: String,
    pub body: String,
    pub sent: String,
    /// When the other side read it: shown to staff, for their own messages.
    pub read: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThreadView {
    pub id: String,
    pub subject: String,
    pub citizen_id: String,
    pub citizen_name: String,
    pub activity: Option<(String, String)>,
    pub waiting_for_citizen: bool,
    /// The newest page of messages (or the page asked for), oldest first.
    pub messages: Vec<MessageView>,
    /// The oldest message shown, when older ones exist ("Vis tidligere").
    pub earlier: Option<String>,
    /// An older page: a way back to the newest is shown.
    pub older_page: bool,
    pub staff_view: bool,
    pub form_key: String,
    pub draft: Option<Draft>,
}

/// A thread in the caseworker's inbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InboxRow {
    pub id: String,
    pub subject: String,
    pub citizen_name: String,
    pub last_message: String,
    /// The citizen wrote last: we owe an answer.
    pub waiting_for_us: bool,
    pub waiting_for_citizen: bool,
    pub activity: Option<String>,
    pub unread: i64,
    pub waited_hours: i64,
    #[serde(skip)]
    pub last_at: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeedbackRow {
    pub citizen_id: String,
    pub citizen_name: String,
    /// `None`: about the course as a whole.
    pub activity: Option<String>,
    pub rating: i64,
    pub comment: Option<String>,
    pub when: String,
}

/// The inbox's views, chosen with `?filter=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InboxFilter {
    All,
    WaitingForUs,
    WaitingForCitizen,
    AboutActivity,
}

impl InboxFilter {
    pub const ALL: [InboxFilter; 4] = [
        InboxFilter::All,
        InboxFilter::WaitingForUs,
        InboxFilter::WaitingForCitizen,
        InboxFilter::AboutActivity,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InboxFilter::All => "all",
            InboxFilter::WaitingForUs => "waiting-for-us",
            InboxFilter::WaitingForCitizen => "waiting-for-citizen",
            InboxFilter::AboutActivity => "activity",
        }
    }

    pub fn parse(s: &str) -> InboxFilter {
        InboxFilter::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .unwrap_or(InboxFilter::All)
    }

    pub fn label(self) -> Msg {
        match self {
            InboxFilter::All => Msg::InboxFilterAll,
            InboxFilter::WaitingForUs => Msg::InboxFilterWaitingForUs,
            InboxFilter::WaitingForCitizen => Msg::InboxFilterWaitingForCitizen,
            InboxFilter::AboutActivity => Msg::InboxFilterActivity,
        }
    }

    pub fn keeps(self, row: &InboxRow) -> bool {
        match self {
            InboxFilter::All => true,
            InboxFilter::WaitingForUs => row.waiting_for_us,
            InboxFilter::WaitingForCitizen => row.waiting_for_citizen,
            InboxFilter::AboutActivity => row.activity.is_some(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThreadFormData {
    /// The caseworker's caseload; empty for a citizen.
    pub citizens: Vec<(String, String)>,
    /// The citizen's activities (for a citizen writing).
    pub activities: Vec<(String, String)>,
    pub chosen_activity: String,
    pub chosen_citizen: String,
    pub caseworker: Option<String>,
    pub form_key: String,
    pub draft: Option<Draft>,
    pub staff: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InboxView {
    pub filter: InboxFilter,
    pub rows: Vec<InboxRow>,
    pub feedback: Vec<FeedbackRow>,
}
