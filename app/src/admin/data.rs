//! The administrator's operations: staff accounts and roles, caseloads,
//! regions. Each takes an [`AdminAccess`] (or an [`AdminCitizen`]) from the
//! policy module, so nobody else reaches them; each write is one transaction;
//! a change to a citizen's caseworker is an account event the citizen sees.
use super::{CitizenChoice, RegionRow, StaffChoice, STAFF_ROLES};
use crate::audit::{record_account_event, AuditAction};
use crate::auth::activation;
use crate::auth::policy::{AdminAccess, AdminCitizen};
use crate::caseload::data::{check_invite, NAME_MAX};
use crate::db::{new_id, Db, Flag};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::model::Role;
use crate::time::now_ms;

/// A checked "create staff account" form.
#[derive(Clone, Debug, PartialEq)]
pub struct NewStaff {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub region_id: Option<String>,
}

fn staff_role(raw: &str, field: &str) -> Result<Role, AppError> {
    Role::parse(raw)
        .filter(|r| STAFF_ROLES.contains(r))
        .ok_or_else(|| AppError::invalid(field, Msg::AdminRoleMissing))
}

impl NewStaff {
    /// Checks the fields; errors name the field. The region is optional.
    pub fn parse(name: &str, email: &str, role: &str, region: &str) -> Result<NewStaff, AppError> {
        let trimmed = name.trim();
        if trimmed.is_empty() {
            return Err(AppError::invalid("name", Msg::AdminStaffNameMissing));
        }
        if trimmed.chars().count() > NAME_MAX {
            return Err(AppError::invalid("name", Msg::CaseloadNameTooLong));
        }
        let (name, email) = check_invite(trimmed, email)?;
        let role = staff_role(role, "role")?;
        let region = region.trim();
        Ok(NewStaff {
            name,
            email,
            role,
            region_id: (!region.is_empty()).then(|| region.to_string()),
        })
    }
}

/// A staff account just made, with its first activation code (none when
/// the same form came again: the code was shown the first time).
#[derive(Debug)]
pub struct Created {
    pub id: String,
    pub code: Option<(String, i64)>,
}

/// Creates a staff account and its activation code, in one transaction. The
/// form's key makes a repeat harmless: the same values answer with the
/// account made the first time; other values are refused, nothing stored.
pub async fn create_staff(
    db: &Db,
    access: &AdminAccess,
    input: &NewStaff,
    form_key: &str,
    valid_ms: i64,
) -> Result<Created, AppError> {
    // Two sends of one form at once: the loser of the race for the unique
    // key sees the winner's account on its second try.
    for _ in 0..2 {
        if let Some(created) = try_create_staff(db, access, input, form_key, valid_ms).await? {
            if created.code.is_some() {
                crate::auth::security_log::account_event(
                    "staff_account_created",
                    access.viewer().role.as_str(),
                    &access.viewer().id,
                    &created.id,
                );
            }
            return Ok(created);
        }
    }
    Err(AppError::Internal)
}

/// The account an earlier send of the same form made.
#[derive(sqlx::FromRow)]
struct EarlierStaff {
    id: String,
    role: String,
    display_name: String,
    email: Option<String>,
    region_id: Option<String>,
}

async fn try_create_staff(
    db: &Db,
    access: &AdminAccess,
    input: &NewStaff,
    form_key: &str,
    valid_ms: i64,
) -> Result<Option<Created>, AppError> {
    let mut tx = db.begin().await?;
    let earlier = sqlx::query_as::<_, EarlierStaff>(
        "SELECT id, role, display_name, email, region_id FROM users WHERE creation_key = $1",
    )
    .bind(form_key)
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(row) = earlier {
        let same = row.role == input.role.as_str()
            && row.display_name == input.name
            && row.email.as_deref() == Some(input.email.as_str())
            && row.region_id == input.region_id;
        if !same {
            return Err(AppError::invalid("name", Msg::FormKeyReused));
        }
        return Ok(Some(Created {
            id: row.id,
            code: None,
        }));
    }
    if let Some(region) = &input.region_id {
        let known = sqlx::query("SELECT 1 FROM regions WHERE id = $1")
            .bind(region)
            .fetch_optional(&mut *tx)
            .await?;
        if known.is_none() {
            return Err(AppError::invalid("staff_region_id", Msg::AdminRegionUnknown));
        }
    }
    // The administrator may know who has an account (unlike a caseworker
    // inviting a citizen), so a taken address is said plainly.
    let taken = sqlx::query("SELECT 1 FROM users WHERE email = $1 OR pending_email = $1")
        .bind(&input.email)
        .fetch_optional(&mut *tx)
        .await?;
    if taken.is_some() {
        return Err(AppError::invalid("email", Msg::AdminEmailTaken));
    }
    let id = new_id();
    let inserted = sqlx::query(
        "INSERT INTO users (id, role, display_name, email, language, region_id, creation_key, created_at) \
         VALUES ($1, $2, $3, $4, 'da', $5, $6, $7)",
    )
    .bind(&id)
    .bind(input.role.as_str())
    .bind(&input.name)
    .bind(&input.email)
    .bind(input.region_id.as_deref())
    .bind(form_key)
    .bind(now_ms())
    .execute(&mut *tx)
    .await;
    if let Err(sqlx::Error::Database(e)) = &inserted {
        if e.kind() == sqlx::error::ErrorKind::UniqueViolation {
            return Ok(None);
        }
    }
    inserted?;
    // A coordinator made for a region covers it from now on.
    if let (Role::HealthCoordinator, Some(region)) = (input.role, &input.region_id) {
        set_coordinator_in(&mut tx, region, &id).await?;
    }
    let code = activation::issue_in(&mut tx, &id, &access.viewer().id, valid_ms).await?;
    tx.commit().await?;
    Ok(Some(Created { id, code: Some(code) }))
}

/// A new activation code for a staff account that has no password yet.
/// Returns the person's name, the code and when it expires.
pub async fn new_staff_code(
    db: &Db,
    access: &AdminAccess,
    staff_id: &str,
    valid_ms: i64,
) -> Result<(String, String, i64), AppError> {
    let name = staff_name(db, staff_id)
        .await?
        .ok_or_else(|| AppError::invalid("code_staff_id", Msg::AdminChooseStaff))?;
    let (code, expires) = activation::issue(db, staff_id, &access.viewer().id, valid_ms).await?;
    Ok((name, code, expires))
}

async fn staff_name(db: &Db, staff_id: &str) -> Result<Option<String>, AppError> {
    Ok(
        sqlx::query_scalar("SELECT display_name FROM users WHERE id = $1 AND role <> 'citizen'")
            .bind(staff_id)
            .fetch_optional(db.pool())
            .await?,
    )
}

/// Gives a staff member another role. Refused while it would strand someone:
/// a caseworker's citizens, a coordinator's open requests (move them first);
/// and never the administrator's own role (no locking oneself out).
pub async fn set_role(db: &Db, access: &AdminAccess, staff_id: &str, role: &str) -> Result<(), AppError> {
    let role = staff_role(role, "new_role")?;
    if staff_id == access.viewer().id {
        return Err(AppError::invalid("role_staff_id", Msg::AdminRoleNotSelf));
    }
    let mut tx = db.begin().await?;
    let current: String = sqlx::query_scalar("SELECT role FROM users WHERE id = $1 AND role <> 'citizen'")
        .bind(staff_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::invalid("role_staff_id", Msg::AdminChooseStaff))?;
    if current == role.as_str() {
        return Ok(());
    }
    let caseload: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM caseload_assignments WHERE caseworker_id = $1 AND ended_at IS NULL",
    )
    .bind(staff_id)
    .fetch_one(&mut *tx)
    .await?;
    if caseload > 0 {
        return Err(AppError::invalid("role_staff_id", Msg::AdminRoleHasCaseload));
    }
    let open: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM health_concerns WHERE coordinator_id = $1 AND state NOT IN ('answered', 'withdrawn')",
    )
    .bind(staff_id)
    .fetch_one(&mut *tx)
    .await?;
    if open > 0 {
        return Err(AppError::invalid("role_staff_id", Msg::AdminRoleHasRequests));
    }
    // No longer a coordinator: new requests from their regions wait for the
    // administrator instead of going to someone who cannot open them.
    sqlx::query("DELETE FROM coordinator_regions WHERE coordinator_id = $1")
        .bind(staff_id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
        .bind(role.as_str())
        .bind(staff_id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    crate::auth::security_log::account_event(
        "staff_role_changed",
        access.viewer().role.as_str(),
        &access.viewer().id,
        staff_id,
    );
    Ok(())
}

/// Puts the citizen on `caseworker_id`'s caseload. An assignment that ends
/// keeps its row (`ended_at`), so who had the citizen when stays known; the
/// citizen is told under "Mig". Already there: nothing changes.
pub async fn move_citizen(db: &Db, citizen: &AdminCitizen, caseworker_id: &str) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let is_caseworker =
        sqlx::query("SELECT 1 FROM users WHERE id = $1 AND role = 'caseworker' AND disabled_at IS NULL")
            .bind(caseworker_id)
            .fetch_optional(&mut *tx)
            .await?;
    if is_caseworker.is_none() {
        return Err(AppError::invalid("caseworker_id", Msg::AdminChooseCaseworker));
    }
    let current: Vec<String> = sqlx::query_scalar(
        "SELECT caseworker_id FROM caseload_assignments WHERE citizen_id = $1 AND ended_at IS NULL",
    )
    .bind(citizen.citizen_id())
    .fetch_all(&mut *tx)
    .await?;
    if current == [caseworker_id] {
        return Ok(());
    }
    let now = now_ms();
    sqlx::query("UPDATE caseload_assignments SET ended_at = $1 WHERE citizen_id = $2 AND ended_at IS NULL")
        .bind(now)
        .bind(citizen.citizen_id())
        .execute(&mut *tx)
        .await?;
    sqlx::query(
        "INSERT INTO caseload_assignments (id, caseworker_id, citizen_id, assigned_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(new_id())
    .bind(caseworker_id)
    .bind(citizen.citizen_id())
    .bind(now)
    .execute(&mut *tx)
    .await?;
    let action = if current.is_empty() {
        AuditAction::CaseworkerAssigned
    } else {
        AuditAction::CaseworkerChanged
    };
    let admin = citizen.viewer();
    record_account_event(&mut tx, &admin.id, admin.role, citizen.citizen_id(), action).await?;
    tx.commit().await?;
    crate::auth::security_log::account_event(
        action.as_str(),
        admin.role.as_str(),
        &admin.id,
        citizen.citizen_id(),
    );
    Ok(())
}

/// Makes `coordinator_id` the region's health coordinator: new requests from
/// the region go to them. Requests already assigned stay where they are.
pub async fn set_region_coordinator(
    db: &Db,
    access: &AdminAccess,
    region_id: &str,
    coordinator_id: &str,
) -> Result<(), AppError> {
    let mut tx = db.begin().await?;
    let region = sqlx::query("SELECT 1 FROM regions WHERE id = $1")
        .bind(region_id)
        .fetch_optional(&mut *tx)
        .await?;
    if region.is_none() {
        return Err(AppError::invalid("region_id", Msg::AdminRegionUnknown));
    }
    let coordinator = sqlx::query(
        "SELECT 1 FROM users WHERE id = $1 AND role = 'health_coordinator' AND disabled_at IS NULL",
    )
    .bind(coordinator_id)
    .fetch_optional(&mut *tx)
    .await?;
    if coordinator.is_none() {
        return Err(AppError::invalid("coordinator_id", Msg::AdminCoordinatorUnknown));
    }
    set_coordinator_in(&mut tx, region_id, coordinator_id).await?;
    tx.commit().await?;
    crate::auth::security_log::account_event(
        "region_coordinator_set",
        access.viewer().role.as_str(),
        &access.viewer().id,
        coordinator_id,
    );
    Ok(())
}

/// One coordinator per region: the one requests from it go to.
async fn set_coordinator_in(
    conn: &mut sqlx::AnyConnection,
    region_id: &str,
    coordinator_id: &str,
) -> Result<(), AppError> {
    sqlx::query("DELETE FROM coordinator_regions WHERE region_id = $1")
        .bind(region_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("INSERT INTO coordinator_regions (coordinator_id, region_id) VALUES ($1, $2)")
        .bind(coordinator_id)
        .bind(region_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct StaffChoiceRow {
    id: String,
    display_name: String,
    role: String,
    #[sqlx(try_from = "i64")]
    activated: Flag,
}

/// Staff accounts for the forms, by name.
pub async fn staff_choices(db: &Db, _access: &AdminAccess) -> Result<Vec<StaffChoice>, AppError> {
    // A 0/1 integer rather than `IS NOT NULL`, which PostgreSQL answers
    // with a boolean and SQLite with an integer.
    Ok(sqlx::query_as::<_, StaffChoiceRow>(
        "SELECT id, display_name, role, CASE WHEN password_hash IS NULL THEN 0 ELSE 1 END AS activated \
         FROM users WHERE role <> 'citizen' AND disabled_at IS NULL ORDER BY display_name, id",
    )
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| StaffChoice {
        role: Role::parse(&r.role).unwrap_or(Role::Administrator),
        id: r.id,
        name: r.display_name,
        activated: r.activated.0,
    })
    .collect())
}

#[derive(sqlx::FromRow)]
struct CitizenChoiceRow {
    id: String,
    display_name: String,
    email: String,
    caseworker: Option<String>,
}

/// Every citizen with their current caseworker: names only, for assigning.
pub async fn citizen_choices(db: &Db, _access: &AdminAccess) -> Result<Vec<CitizenChoice>, AppError> {
    Ok(sqlx::query_as::<_, CitizenChoiceRow>(
        "SELECT u.id, u.display_name, COALESCE(u.email, u.pending_email, '') AS email, \
           (SELECT MIN(cw.display_name) FROM caseload_assignments a JOIN users cw ON cw.id = a.caseworker_id \
            WHERE a.citizen_id = u.id AND a.ended_at IS NULL) AS caseworker \
         FROM users u WHERE u.role = 'citizen' AND u.disabled_at IS NULL ORDER BY u.display_name, u.id",
    )
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| CitizenChoice {
        id: r.id,
        name: r.display_name,
        email: r.email,
        caseworker: r.caseworker,
    })
    .collect())
}

#[derive(sqlx::FromRow)]
struct RegionDbRow {
    id: String,
    name: String,
    coordinator: Option<String>,
}

/// The regions with their coordinator, if any.
pub async fn regions(db: &Db, _access: &AdminAccess) -> Result<Vec<RegionRow>, AppError> {
    Ok(sqlx::query_as::<_, RegionDbRow>(
        "SELECT r.id, r.name, (SELECT MIN(u.display_name) FROM coordinator_regions cr \
           JOIN users u ON u.id = cr.coordinator_id WHERE cr.region_id = r.id) AS coordinator \
         FROM regions r ORDER BY r.name",
    )
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| RegionRow {
        id: r.id,
        name: r.name,
        coordinator: r.coordinator,
    })
    .collect())
}
