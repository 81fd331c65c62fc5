//! What the concern pages show, as the server sends it.
use crate::forms::Draft;
use crate::model::{ConcernOutcome, ConcernState};
use crate::plan::ActivityView;
use serde::{Deserialize, Serialize};

/// Longest texts, in characters: the forms show them, the server enforces them.
pub const DESCRIPTION_MAX: usize = 2000;
pub const REASONS_MAX: usize = 4000;
pub const PLACE_MAX: usize = 200;

/// One step in a request's life, as the citizen sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConcernEvent {
    pub state: ConcernState,
    pub when: String,
}

/// A second-opinion request, for those allowed to see it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConcernView {
    pub id: String,
    /// For the server's own use (the coordinator's course facts).
    #[serde(skip)]
    pub course_id: String,
    pub citizen_id: String,
    pub citizen_name: String,
    pub state: ConcernState,
    pub sent: String,
    pub description: String,
    pub activity: Option<ActivityView>,
    pub attach_wellbeing: bool,
    pub coordinator_name: Option<String>,
    pub conversation_at: Option<String>,
    pub conversation_place: Option<String>,
    pub outcome: Option<ConcernOutcome>,
    pub assessment: Option<String>,
    /// Oldest first.
    pub events: Vec<ConcernEvent>,
    /// When the next step is due, while the request is open.
    pub expected_by: Option<String>,
}

/// Where a citizen's request stands, in a line for the overview and for
/// the activity it is about (no description: that stays on its own page).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConcernNews {
    pub id: String,
    pub state: ConcernState,
    /// The activity's title, when the request is about one.
    pub activity_title: Option<String>,
    pub conversation_at: Option<String>,
}

/// What the administrator may know of a request waiting for a coordinator.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UnassignedRequest {
    pub id: String,
    pub sent: String,
    pub days_waiting: i64,
    pub region: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConcernFormData {
    pub has_course: bool,
    /// The citizen's activities that have not ended: `(id, title)`.
    pub activities: Vec<(String, String)>,
    pub chosen: String,
    pub form_key: String,
    pub draft: Option<Draft>,
}
