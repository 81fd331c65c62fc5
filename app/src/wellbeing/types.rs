//! What the wellbeing pages show, as the server sends it.
use super::who5;
use serde::{Deserialize, Serialize};

/// One day's answers, 1 to 5 each (for pain, more is worse).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckIn {
    pub mood: i64,
    pub energy: i64,
    pub pain: i64,
    pub sleep: i64,
    pub note: Option<String>,
    pub activity_id: Option<String>,
    pub share: bool,
}

impl CheckIn {
    /// Very low answers: the page then shows where to get help now. Nobody
    /// is alerted; the citizen decides.
    pub fn is_very_low(&self) -> bool {
        self.mood == 1 || self.mood + self.energy + self.sleep + (6 - self.pain) <= 8
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Day {
    /// `YYYY-MM-DD`, for forms.
    pub iso: String,
    /// As people read it.
    pub date: String,
    /// 0 for today.
    pub days_ago: i64,
    pub mood: i64,
    pub energy: i64,
    pub pain: i64,
    pub sleep: i64,
    /// Shared on its own.
    pub shared: bool,
    /// Shared on its own or by a period.
    pub visible_to_caseworker: bool,
    /// When the citizen last wrote over this day's entry while it was
    /// shared (Copenhagen time), so the caseworker knows it is not what they saw.
    pub changed_on: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SharePeriod {
    pub id: String,
    pub from: String,
    pub to: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WellbeingView {
    pub today: Option<CheckIn>,
    pub activities: Vec<(String, String)>,
    pub days: Vec<Day>,
    pub span: i64,
    pub periods: Vec<SharePeriod>,
    pub form_key: String,
    /// What a refused check-in held.
    pub draft: Option<crate::forms::Draft>,
    pub who5: who5::Who5Status,
}

/// What a caseworker sees: shared days only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SharedTrend {
    pub days: Vec<Day>,
    /// WHO-5 results the citizen shared, newest first.
    pub who5: Vec<who5::Who5Result>,
}
