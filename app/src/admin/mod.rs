//! The administrator's page: staff, regions, caseloads. No health data.
use crate::error::AppError;
use crate::i18n::{t, tn, Msg, Plural};
use crate::layout::Title;
use crate::layout::{DataTable, Loaded};
use crate::model::Role;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StaffRow {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub region: Option<String>,
    pub caseload: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdminOverview {
    pub staff: Vec<StaffRow>,
    pub regions: Vec<(String, String)>,
    /// Requests whose region has no coordinator: when and where from, never their content.
    pub unassigned: Vec<crate::concerns::UnassignedRequest>,
    /// Who can take them: `(id, name)`.
    pub coordinators: Vec<(String, String)>,
    /// Invitations whose address another account already uses.
    pub shared_addresses: Vec<SharedAddress>,
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

#[cfg(feature = "ssr")]
pub async fn overview(
    db: &crate::db::Db,
    viewer: &crate::model::CurrentUser,
) -> Result<AdminOverview, AppError> {
    use sqlx::Row;
    crate::auth::policy::ensure_role(viewer, Role::Administrator)?;
    let staff = sqlx::query(
        "SELECT u.display_name, COALESCE(u.email, ''), u.role, r.name, \
           (SELECT COUNT(*) FROM caseload_assignments a WHERE a.caseworker_id = u.id AND a.ended_at IS NULL) \
         FROM users u LEFT JOIN regions r ON r.id = u.region_id \
         WHERE u.role <> 'citizen' ORDER BY u.role, u.display_name",
    )
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| {
        let role: String = r.try_get(2)?;
        Ok(StaffRow {
            name: r.try_get(0)?,
            email: r.try_get(1)?,
            role: Role::parse(&role).unwrap_or(Role::Administrator),
            region: r.try_get(3)?,
            caseload: r.try_get(4)?,
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let regions = sqlx::query(
        "SELECT r.name, COALESCE((SELECT MIN(u.display_name) FROM coordinator_regions cr \
           JOIN users u ON u.id = cr.coordinator_id WHERE cr.region_id = r.id), '') \
         FROM regions r ORDER BY r.name",
    )
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let shared_addresses = sqlx::query(
        "SELECT u.pending_email, u.display_name, COALESCE(cw.display_name, ''), u.created_at \
         FROM users u \
         LEFT JOIN caseload_assignments a ON a.citizen_id = u.id AND a.ended_at IS NULL \
         LEFT JOIN users cw ON cw.id = a.caseworker_id \
         WHERE u.pending_email IS NOT NULL ORDER BY u.created_at",
    )
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| {
        Ok(SharedAddress {
            email: r.try_get(0)?,
            citizen: r.try_get(1)?,
            caseworker: r.try_get(2)?,
            invited: crate::db::format_ms(r.try_get(3)?),
        })
    })
    .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(AdminOverview {
        staff,
        regions,
        unassigned: crate::concerns::data::unassigned(db, viewer).await?,
        coordinators: crate::concerns::data::coordinators(db).await?,
        shared_addresses,
    })
}

#[server]
pub async fn get_admin_overview() -> Result<AdminOverview, AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    overview(&state.db, &user).await
}

#[component]
pub fn AdminPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::AdminTitle)/>
        <h1>{t(Msg::AdminTitle)}</h1>
        <crate::forms::FormStatus/>
        <Loaded future=get_admin_overview() let:data>
            <Admin data=data/>
        </Loaded>
        <crate::auth::recovery::PendingResetsSection/>
    }
}

#[component]
fn Admin(data: AdminOverview) -> impl IntoView {
    view! {
        {(!data.unassigned.is_empty()).then(|| view! {
            <div class="alert alert-error" role="alert">
                <p><strong>{t(Msg::AdminAttention)}</strong> " "
                <a href="#unassigned-heading">{tn(Plural::AdminUnassigned, data.unassigned.len() as i64)}</a></p>
            </div>
        })}
        <crate::concerns::UnassignedRequests requests=data.unassigned coordinators=data.coordinators/>
        {(!data.shared_addresses.is_empty()).then(|| view! {
            <section class="stack" aria-labelledby="shared-addresses-heading">
                <h2 id="shared-addresses-heading">{t(Msg::AdminSharedAddressesTitle)}</h2>
                <p class="hint">{t(Msg::AdminSharedAddressesHint)}</p>
                <DataTable caption=t(Msg::AdminSharedAddressesCaption) id="admin-shared-addresses">
                    <thead><tr>
                        <th scope="col">{t(Msg::CaseloadEmail)}</th>
                        <th scope="col">{t(Msg::CaseloadName)}</th>
                        <th scope="col">{t(Msg::AdminInvitedBy)}</th>
                        <th scope="col">{t(Msg::AdminInvitedAt)}</th>
                    </tr></thead>
                    <tbody>
                        {data.shared_addresses.into_iter().map(|a| view! {
                            <tr>
                                <th scope="row">{a.email}</th>
                                <td>{a.citizen}</td>
                                <td>{a.caseworker}</td>
                                <td>{a.invited}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </DataTable>
            </section>
        })}
        <DataTable caption=t(Msg::AdminStaff) id="admin-staff">
            <thead><tr>
                <th scope="col">{t(Msg::CaseloadName)}</th>
                <th scope="col">{t(Msg::AdminRole)}</th>
                <th scope="col">{t(Msg::CaseloadEmail)}</th>
                <th scope="col">{t(Msg::AdminRegion)}</th>
                <th scope="col">{t(Msg::AdminCaseload)}</th>
            </tr></thead>
            <tbody>
                {data.staff.into_iter().map(|s| view! {
                    <tr>
                        <th scope="row">{s.name}</th>
                        <td>{t(s.role.label())}</td>
                        <td>{s.email}</td>
                        <td>{s.region.unwrap_or_default()}</td>
                        <td>{s.caseload}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </DataTable>
        <DataTable caption=t(Msg::AdminRegions) id="admin-regions">
            <thead><tr>
                <th scope="col">{t(Msg::AdminRegion)}</th>
                <th scope="col">{t(Msg::AdminCoordinator)}</th>
            </tr></thead>
            <tbody>
                {data.regions.into_iter().map(|(name, coordinator)| view! {
                    <tr>
                        <th scope="row">{name}</th>
                        <td>{if coordinator.is_empty() { t(Msg::AdminNoCoordinator).to_string() } else { coordinator }}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </DataTable>
    }
}
