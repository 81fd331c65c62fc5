//! Who may see which citizen: the one authorisation rule set every server
//! function goes through. Access is by relationship; anything a person may
//! not see answers "not found", exactly like something that does not exist.
//!
//! Authorisation is a value. A function that reads or writes a citizen's
//! data takes a [`CitizenAccess`] (or a [`CaseworkerAccess`], or a
//! [`ConcernAccess`] for one request) instead of a bare citizen id, and reads
//! the id from it. Their fields are private, so only this module makes them,
//! and only after its check: a data function cannot be reached for a citizen
//! nobody checked. Making the value is also where a staff read is written to
//! the audit log, once per request, so a page that shows several parts of a
//! citizen (the caseworker's citizen page) enters this module once and
//! writes one row. Lists (caseload, inbox, coordinator queue) go through a
//! [`ListAccess`], which writes one row per citizen the list shows.
//!
//! Server functions are the boundary: they get the id from the request and
//! turn it into an access first thing. Objects found by their own id (an
//! activity, a thread, a request) are resolved here to their citizen, and
//! the data function still filters by the access's citizen.
//!
//! Choices: the caseworker-only functions (plan edits, codes, resets, the
//! citizen page) take a [`CaseworkerAccess`], so a citizen's own access does
//! not fit them; a coordinator's [`ConcernAccess`] is no `CitizenAccess`,
//! since a coordinator reaches the citizen only through the request; a write
//! ([`Use::Write`]) writes no read row, because the write is kept where it
//! happens (plan history, messages, request events, account events). Owned
//! values (the viewer is cloned in): a few short strings per request,
//! against lifetimes threaded through every data function.
use crate::audit::AuditAction;
use crate::db::{Db, Flag};
use crate::error::AppError;
use crate::model::{CurrentUser, Role};

/// How the viewer is related to the citizen whose data they reach.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    /// The citizen themself.
    Own,
    /// A caseworker with the citizen on their current caseload.
    Caseworker,
    /// The health coordinator a request is assigned to (only through a [`ConcernAccess`]).
    Coordinator,
}

/// What the request does with what it reaches. A staff read is audited; a
/// write is kept in the data's own history (plan history, message, request
/// events, account events), so it writes no read row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Use {
    Read(AuditAction),
    Write,
    /// Following a thread's news: only that something changed, no content.
    Follow,
}

/// What every access value gives a data function: whose data, and who asks.
/// Helpers that serve more than one kind of access take `&impl Access`.
pub trait Access {
    fn viewer(&self) -> &CurrentUser;
    fn citizen_id(&self) -> &str;
}

impl Access for CitizenAccess {
    fn viewer(&self) -> &CurrentUser {
        &self.viewer
    }
    fn citizen_id(&self) -> &str {
        &self.citizen_id
    }
}

impl Access for CaseworkerAccess {
    fn viewer(&self) -> &CurrentUser {
        &self.0.viewer
    }
    fn citizen_id(&self) -> &str {
        &self.0.citizen_id
    }
}

impl Access for ConcernAccess {
    fn viewer(&self) -> &CurrentUser {
        &self.viewer
    }
    fn citizen_id(&self) -> &str {
        &self.citizen_id
    }
}

/// Leave to read or write one citizen's data, for one viewer. Made only here.
#[derive(Debug)]
pub struct CitizenAccess {
    viewer: CurrentUser,
    citizen_id: String,
    relation: Relation,
}

impl CitizenAccess {
    pub fn viewer(&self) -> &CurrentUser {
        &self.viewer
    }

    pub fn citizen_id(&self) -> &str {
        &self.citizen_id
    }

    pub fn relation(&self) -> Relation {
        self.relation
    }
}

/// Leave for a caseworker to act on a citizen on their caseload: what the
/// caseworker-only functions (plan edits, codes, resets, the citizen page)
/// take, so the citizen's own access cannot be handed to them.
#[derive(Debug)]
pub struct CaseworkerAccess(CitizenAccess);

impl std::ops::Deref for CaseworkerAccess {
    type Target = CitizenAccess;
    fn deref(&self) -> &CitizenAccess {
        &self.0
    }
}

/// Leave to see (or act on) one health concern. The coordinator's access
/// reaches the citizen only through the request, so this is no `CitizenAccess`.
#[derive(Debug)]
pub struct ConcernAccess {
    viewer: CurrentUser,
    concern_id: String,
    citizen_id: String,
    relation: Relation,
    attach_wellbeing: bool,
}

impl ConcernAccess {
    pub fn viewer(&self) -> &CurrentUser {
        &self.viewer
    }

    pub fn concern_id(&self) -> &str {
        &self.concern_id
    }

    pub fn citizen_id(&self) -> &str {
        &self.citizen_id
    }

    pub fn relation(&self) -> Relation {
        self.relation
    }

    /// Whether the citizen attached their shared wellbeing to the request.
    pub fn attach_wellbeing(&self) -> bool {
        self.attach_wellbeing
    }
}

/// Leave to list the citizens a staff member is related to (caseload,
/// inbox, coordinator queue). The list's own query selects by the
/// relationship; each citizen it shows is audited through [`ListAccess::shown`].
#[derive(Debug)]
pub struct ListAccess {
    viewer: CurrentUser,
}

impl ListAccess {
    pub fn viewer(&self) -> &CurrentUser {
        &self.viewer
    }

    /// Records a read of each distinct citizen the list shows (in one
    /// transaction; nothing when this window already holds them all).
    pub async fn shown(
        &self,
        db: &Db,
        citizen_ids: Vec<String>,
        action: AuditAction,
        purpose: &str,
    ) -> Result<(), AppError> {
        crate::audit::record_reads(db, &self.viewer, &citizen_ids, action, purpose).await
    }
}

/// "Not found", and a security event saying who was refused what kind of thing.
fn refused<T>(viewer: &CurrentUser, object: &'static str) -> Result<T, AppError> {
    super::security_log::refused_access(viewer, object);
    Err(AppError::NotFound)
}

fn purpose(relation: Relation) -> &'static str {
    match relation {
        Relation::Coordinator => "second_opinion",
        Relation::Own | Relation::Caseworker => "case_work",
    }
}

/// Writes the request's one audit row, for a staff read.
async fn audit(
    db: &Db,
    viewer: &CurrentUser,
    citizen_id: &str,
    relation: Relation,
    use_: Use,
) -> Result<(), AppError> {
    match use_ {
        Use::Read(action) => {
            crate::audit::record_read(db, viewer, citizen_id, action, purpose(relation)).await
        }
        Use::Write | Use::Follow => Ok(()),
    }
}

/// The citizen's own data.
pub fn own_data(viewer: &CurrentUser) -> Result<CitizenAccess, AppError> {
    ensure_role(viewer, Role::Citizen)?;
    Ok(CitizenAccess {
        viewer: viewer.clone(),
        citizen_id: viewer.id.clone(),
        relation: Relation::Own,
    })
}

/// A citizen on the viewer's caseload, for a caseworker only.
pub async fn caseworker_of(
    db: &Db,
    viewer: &CurrentUser,
    citizen_id: &str,
    use_: Use,
) -> Result<CaseworkerAccess, AppError> {
    if viewer.role != Role::Caseworker || !is_on_caseload(db, &viewer.id, citizen_id).await? {
        return refused(viewer, "citizen");
    }
    audit(db, viewer, citizen_id, Relation::Caseworker, use_).await?;
    Ok(CaseworkerAccess(CitizenAccess {
        viewer: viewer.clone(),
        citizen_id: citizen_id.to_string(),
        relation: Relation::Caseworker,
    }))
}

/// The citizen themself or their caseworker: who may see and change a plan,
/// an activity, a message thread.
pub async fn citizen_or_caseworker(
    db: &Db,
    viewer: &CurrentUser,
    citizen_id: &str,
    use_: Use,
) -> Result<CitizenAccess, AppError> {
    match viewer.role {
        Role::Citizen if viewer.id == citizen_id => own_data(viewer),
        Role::Caseworker => Ok(caseworker_of(db, viewer, citizen_id, use_).await?.0),
        _ => refused(viewer, "citizen"),
    }
}

/// The citizen whose course holds the activity, for them or their caseworker.
pub async fn activity(
    db: &Db,
    viewer: &CurrentUser,
    activity_id: &str,
    use_: Use,
) -> Result<CitizenAccess, AppError> {
    let citizen: String = sqlx::query_scalar(
        "SELECT c.citizen_id FROM activities a JOIN courses c ON c.id = a.course_id WHERE a.id = $1",
    )
    .bind(activity_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)?;
    citizen_or_caseworker(db, viewer, &citizen, use_).await
}

/// The citizen a message thread belongs to, for them or their caseworker.
pub async fn thread(
    db: &Db,
    viewer: &CurrentUser,
    thread_id: &str,
    use_: Use,
) -> Result<CitizenAccess, AppError> {
    let citizen: String = sqlx::query_scalar("SELECT citizen_id FROM message_threads WHERE id = $1")
        .bind(thread_id)
        .fetch_optional(db.pool())
        .await?
        .ok_or(AppError::NotFound)?;
    citizen_or_caseworker(db, viewer, &citizen, use_).await
}

#[derive(sqlx::FromRow)]
struct ConcernFacts {
    citizen_id: String,
    coordinator_id: Option<String>,
    #[sqlx(try_from = "i64")]
    attach_wellbeing: Flag,
}

async fn concern_facts(db: &Db, concern_id: &str) -> Result<ConcernFacts, AppError> {
    sqlx::query_as::<_, ConcernFacts>(
        "SELECT citizen_id, coordinator_id, attach_wellbeing FROM health_concerns WHERE id = $1",
    )
    .bind(concern_id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(AppError::NotFound)
}

fn concern_access(
    viewer: &CurrentUser,
    concern_id: &str,
    facts: ConcernFacts,
    relation: Relation,
) -> ConcernAccess {
    ConcernAccess {
        viewer: viewer.clone(),
        concern_id: concern_id.to_string(),
        citizen_id: facts.citizen_id,
        relation,
        attach_wellbeing: facts.attach_wellbeing.0,
    }
}

/// Who may see a request: the citizen, the coordinator it is assigned to,
/// and the citizen's caseworker (who takes part in the conversation). A
/// staff read is audited as the request read.
pub async fn concern(db: &Db, viewer: &CurrentUser, concern_id: &str) -> Result<ConcernAccess, AppError> {
    let facts = concern_facts(db, concern_id).await?;
    let relation = match viewer.role {
        Role::Citizen if facts.citizen_id == viewer.id => Relation::Own,
        Role::HealthCoordinator if facts.coordinator_id.as_deref() == Some(viewer.id.as_str()) => {
            Relation::Coordinator
        }
        Role::Caseworker if is_on_caseload(db, &viewer.id, &facts.citizen_id).await? => Relation::Caseworker,
        _ => return refused(viewer, "concern"),
    };
    let read = Use::Read(AuditAction::ConcernRequest);
    audit(db, viewer, &facts.citizen_id, relation, read).await?;
    Ok(concern_access(viewer, concern_id, facts, relation))
}

/// The coordinator's page for a request assigned to them. Its one audit row
/// says the most it shows: the attached wellbeing if the citizen attached
/// it (the request with it), otherwise the request.
pub async fn coordinator_request(
    db: &Db,
    viewer: &CurrentUser,
    concern_id: &str,
) -> Result<ConcernAccess, AppError> {
    ensure_role(viewer, Role::HealthCoordinator)?;
    let facts = concern_facts(db, concern_id).await?;
    if facts.coordinator_id.as_deref() != Some(viewer.id.as_str()) {
        return refused(viewer, "concern");
    }
    let action = if facts.attach_wellbeing.0 {
        AuditAction::RequestWellbeing
    } else {
        AuditAction::ConcernRequest
    };
    audit(
        db,
        viewer,
        &facts.citizen_id,
        Relation::Coordinator,
        Use::Read(action),
    )
    .await?;
    Ok(concern_access(viewer, concern_id, facts, Relation::Coordinator))
}

/// Who acts on a request: only the citizen and the assigned coordinator.
pub async fn act_on_concern(
    db: &Db,
    viewer: &CurrentUser,
    concern_id: &str,
) -> Result<ConcernAccess, AppError> {
    let facts = concern_facts(db, concern_id).await?;
    let relation = match viewer.role {
        Role::Citizen if facts.citizen_id == viewer.id => Relation::Own,
        Role::HealthCoordinator if facts.coordinator_id.as_deref() == Some(viewer.id.as_str()) => {
            Relation::Coordinator
        }
        _ => return refused(viewer, "concern"),
    };
    Ok(concern_access(viewer, concern_id, facts, relation))
}

/// Leave to run the service: staff accounts, roles, caseloads, regions.
/// Only an administrator gets one; it reaches no citizen's data, only the
/// accounts and relationships (see `admin::data`).
#[derive(Debug)]
pub struct AdminAccess {
    viewer: CurrentUser,
}

impl AdminAccess {
    pub fn viewer(&self) -> &CurrentUser {
        &self.viewer
    }
}

/// An administrator's hold on one citizen's *account*: whom the citizen is
/// assigned to, never what is in their course. No [`Access`], so no data
/// function takes it.
#[derive(Debug)]
pub struct AdminCitizen {
    viewer: CurrentUser,
    citizen_id: String,
}

impl AdminCitizen {
    pub fn viewer(&self) -> &CurrentUser {
        &self.viewer
    }

    pub fn citizen_id(&self) -> &str {
        &self.citizen_id
    }
}

/// The administrator's operations; anyone else gets "not found".
pub fn admin(viewer: &CurrentUser) -> Result<AdminAccess, AppError> {
    ensure_role(viewer, Role::Administrator)?;
    Ok(AdminAccess {
        viewer: viewer.clone(),
    })
}

/// A citizen account for the administrator to assign; "not found" for an id
/// that is no citizen's. Administrative, no read of the citizen's data, so
/// no audit row: what the administrator changes is told to the citizen as an
/// account event where it happens.
pub async fn admin_citizen(
    db: &Db,
    access: &AdminAccess,
    citizen_id: &str,
) -> Result<AdminCitizen, AppError> {
    let found = sqlx::query("SELECT 1 FROM users WHERE id = $1 AND role = 'citizen'")
        .bind(citizen_id)
        .fetch_optional(db.pool())
        .await?;
    if found.is_none() {
        return refused(&access.viewer, "citizen");
    }
    Ok(AdminCitizen {
        viewer: access.viewer.clone(),
        citizen_id: citizen_id.to_string(),
    })
}

/// The lists of a staff role: the viewer's own caseload or request queue.
pub fn list(viewer: &CurrentUser, role: Role) -> Result<ListAccess, AppError> {
    ensure_role(viewer, role)?;
    Ok(ListAccess {
        viewer: viewer.clone(),
    })
}

pub fn ensure_role(viewer: &CurrentUser, role: Role) -> Result<(), AppError> {
    if viewer.role == role {
        Ok(())
    } else {
        refused(viewer, "role_page")
    }
}

pub async fn is_on_caseload(db: &Db, caseworker_id: &str, citizen_id: &str) -> Result<bool, AppError> {
    let found = sqlx::query(
        "SELECT 1 FROM caseload_assignments \
         WHERE caseworker_id = $1 AND citizen_id = $2 AND ended_at IS NULL",
    )
    .bind(caseworker_id)
    .bind(citizen_id)
    .fetch_optional(db.pool())
    .await?;
    Ok(found.is_some())
}

#[cfg(test)]
mod guard_tests {
    //! Keeps the pattern for the next person: outside this module (and the
    //! audit log and tests), no function takes a bare citizen id, writes a
    //! read audit row, or holds an access rule of its own.
    use std::path::{Path, PathBuf};

    /// Split, so that other source readers (the hostile-text test's list of
    /// server functions) do not take this file's text for a server function.
    const SERVER: &str = concat!("#[", "server");

    fn sources(dir: &Path, found: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, found);
            } else if path.extension().is_some_and(|e| e == "rs") {
                found.push(path);
            }
        }
    }

    /// The files the rules hold for: every source of the app and the server
    /// but this module, the audit log and test code.
    fn checked() -> Vec<(PathBuf, String)> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        sources(&root.join("src"), &mut files);
        sources(&root.join("../server/src"), &mut files);
        files
            .into_iter()
            .filter(|p| {
                let name = p.file_name().unwrap().to_string_lossy().to_string();
                let exempt = p.ends_with("auth/policy.rs")
                    || p.ends_with("src/audit.rs")
                    || name == "testing.rs"
                    || name == "tests.rs"
                    || name.ends_with("_tests.rs");
                !exempt
            })
            .map(|p| {
                let text = std::fs::read_to_string(&p).unwrap();
                (p, without_test_module(&text))
            })
            .collect()
    }

    /// The text before an inline `#[cfg(test)] mod …`, which is test code.
    fn without_test_module(text: &str) -> String {
        let lines: Vec<&str> = text.lines().collect();
        let mut out = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            let next = lines[i + 1..].iter().find(|l| !l.trim().is_empty());
            if line.trim() == "#[cfg(test)]" && next.is_some_and(|l| l.trim_start().starts_with("mod ")) {
                break;
            }
            out.push(*line);
        }
        out.join("\n")
    }

    /// Each function's name, its attributes and its parameter list.
    fn functions(text: &str) -> Vec<(String, String, String)> {
        let mut out = Vec::new();
        let mut rest = text;
        let mut offset = 0;
        while let Some(at) = rest.find("fn ") {
            let start = offset + at;
            let is_word = start == 0 || !text[..start].ends_with(|c: char| c.is_alphanumeric() || c == '_');
            let after = &text[start + 3..];
            let name: String = after
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            offset = start + 3;
            rest = &text[offset..];
            if !is_word || name.is_empty() {
                continue;
            }
            let Some(open) = after.find('(') else { continue };
            // Parameters: up to the matching parenthesis.
            let mut depth = 0;
            let mut params = String::new();
            for c in after[open..].chars() {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                params.push(c);
                if depth == 0 {
                    break;
                }
            }
            // Attributes: the lines just above, up to a blank or closing line.
            let above: Vec<&str> = text[..start]
                .lines()
                .rev()
                .skip(1)
                .take_while(|l| {
                    let l = l.trim();
                    l.starts_with("#[") || l.starts_with("///") || l.starts_with("//")
                })
                .collect();
            out.push((name, above.join("\n"), params));
        }
        out
    }

    #[test]
    fn no_function_outside_the_policy_takes_a_bare_citizen_id() {
        let bare = ["citizen_id: &str", "citizen_id: String", "citizen_id: &String"];
        let mut found = Vec::new();
        for (path, text) in checked() {
            for (name, attributes, params) in functions(&text) {
                // A server function receives the id from the request; it is
                // where the id becomes an access. A component only shows it.
                let boundary = attributes.contains(SERVER) || attributes.contains(concat!("#[", "component"));
                let squashed = params.split_whitespace().collect::<Vec<_>>().join(" ");
                if !boundary && bare.iter().any(|b| squashed.contains(b)) {
                    found.push(format!("{}: fn {name}{squashed}", path.display()));
                }
            }
        }
        assert!(
            found.is_empty(),
            "take an access from auth::policy instead:\n{}",
            found.join("\n")
        );
    }

    #[test]
    fn audit_rows_and_access_rules_live_in_the_policy_module() {
        let kept_here = [
            concat!("record_", "read("),
            concat!("record_", "reads("),
            concat!("is_on_", "caseload("),
            concat!("has_assigned_", "request("),
            concat!("ensure_caseworker_", "of("),
            concat!("ensure_citizen_or_", "caseworker("),
        ];
        let mut found = Vec::new();
        for (path, text) in checked() {
            for (n, line) in text.lines().enumerate() {
                if kept_here.iter().any(|k| line.contains(k)) {
                    found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                }
            }
        }
        assert!(
            found.is_empty(),
            "this belongs in auth::policy:\n{}",
            found.join("\n")
        );
    }

    /// The guard finds what it is meant to find (a guard that finds nothing
    /// ever would pass just as well).
    #[test]
    fn the_guard_sees_a_bare_id_and_a_server_function_boundary() {
        let text = concat!(
            "/// Docs.\npub async fn bad(db: &Db,\n    citizen_id: &str) {}\n\n",
            "#[",
            "server]\npub async fn page(citizen_id: String) {}\n",
            "#[cfg(test)]\nmod tests {\n fn t(citizen_id: &str) {}\n}\n"
        );
        let text = without_test_module(text);
        let fns = functions(&text);
        let names: Vec<&str> = fns.iter().map(|(n, _, _)| n.as_str()).collect();
        assert_eq!(names, ["bad", "page"]);
        assert!(fns[0].2.contains("citizen_id: &str") && !fns[0].1.contains(SERVER));
        assert!(fns[1].1.contains(SERVER));
    }
}
