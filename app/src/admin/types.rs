//! What the administrator's page shows.
use crate::forms::Draft;
use crate::model::Role;
use serde::{Deserialize, Serialize};

/// The roles an administrator hands out (a citizen is invited by a caseworker).
pub const STAFF_ROLES: [Role; 3] = [Role::Caseworker, Role::HealthCoordinator, Role::Administrator];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaffRow {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub region: Option<String>,
    pub caseload: i64,
    pub activated: bool,
}

/// A staff member, for the forms' choices.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaffChoice {
    pub id: String,
    pub name: String,
    pub role: Role,
    pub activated: bool,
}

/// A citizen and their current caseworker: what assigning needs, nothing more.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CitizenChoice {
    pub id: String,
    pub name: String,
    pub email: String,
    pub caseworker: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RegionRow {
    pub id: String,
    pub name: String,
    pub coordinator: Option<String>,
}

/// A staff account's activation code, shown this once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaffCode {
    pub name: String,
    pub code: String,
    /// The code as a link to the activation page.
    pub link: String,
    pub expires: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminOverview {
    pub staff: Vec<StaffRow>,
    pub regions: Vec<RegionRow>,
    /// Requests whose region has no coordinator: when and where from, never their content.
    pub unassigned: Vec<crate::concerns::UnassignedRequest>,
    /// Who can take them: `(id, name)`.
    pub coordinators: Vec<(String, String)>,
    /// Invitations whose address another account already uses.
    pub shared_addresses: Vec<SharedAddress>,
    pub choices: Vec<StaffChoice>,
    pub citizens: Vec<CitizenChoice>,
    /// The "create staff account" form's key: sent twice, stored once.
    pub form_key: String,
    pub new_code: Option<StaffCode>,
    pub draft: Option<Draft>,
}

/// An invited citizen account whose e-mail address another account holds:
/// the caseworker was not told (see `caseload::data::invite`), so it is
/// sorted out here.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SharedAddress {
    pub email: String,
    pub citizen: String,
    pub caseworker: String,
    pub invited: String,
}
