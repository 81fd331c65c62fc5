//! The administrator's page: staff, regions, caseloads. No health data.
use crate::error::AppError;
use crate::forms::{Draft, TextField};
use crate::i18n::{t, texts, tf, tn, Msg, Plural};
use crate::layout::Title;
use crate::layout::{DataTable, Loaded};
use crate::model::Role;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod data;
#[cfg(all(test, feature = "ssr"))]
mod tests;

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

#[cfg(feature = "ssr")]
pub async fn overview(
    db: &crate::db::Db,
    viewer: &crate::model::CurrentUser,
) -> Result<AdminOverview, AppError> {
    #[derive(sqlx::FromRow)]
    struct StaffDbRow {
        display_name: String,
        email: String,
        role: String,
        region: Option<String>,
        caseload: i64,
        #[sqlx(try_from = "i64")]
        activated: crate::db::Flag,
    }
    #[derive(sqlx::FromRow)]
    struct SharedAddressRow {
        pending_email: String,
        display_name: String,
        caseworker: String,
        created_at: i64,
    }
    let access = crate::auth::policy::admin(viewer)?;
    let staff = sqlx::query_as::<_, StaffDbRow>(
        "SELECT u.display_name, COALESCE(u.email, '') AS email, u.role, r.name AS region, \
           (SELECT COUNT(*) FROM caseload_assignments a WHERE a.caseworker_id = u.id AND a.ended_at IS NULL) \
             AS caseload, \
           CASE WHEN u.password_hash IS NULL THEN 0 ELSE 1 END AS activated \
         FROM users u LEFT JOIN regions r ON r.id = u.region_id \
         WHERE u.role <> 'citizen' ORDER BY u.role, u.display_name",
    )
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| StaffRow {
        role: Role::parse(&r.role).unwrap_or(Role::Administrator),
        name: r.display_name,
        email: r.email,
        region: r.region,
        caseload: r.caseload,
        activated: r.activated.0,
    })
    .collect();
    let shared_addresses = sqlx::query_as::<_, SharedAddressRow>(
        "SELECT u.pending_email, u.display_name, COALESCE(cw.display_name, '') AS caseworker, u.created_at \
         FROM users u \
         LEFT JOIN caseload_assignments a ON a.citizen_id = u.id AND a.ended_at IS NULL \
         LEFT JOIN users cw ON cw.id = a.caseworker_id \
         WHERE u.pending_email IS NOT NULL ORDER BY u.created_at",
    )
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| SharedAddress {
        email: r.pending_email,
        citizen: r.display_name,
        caseworker: r.caseworker,
        invited: crate::time::format_ms(r.created_at),
    })
    .collect();
    Ok(AdminOverview {
        staff,
        regions: data::regions(db, &access).await?,
        unassigned: crate::concerns::data::unassigned(db, viewer).await?,
        coordinators: crate::concerns::data::coordinators(db).await?,
        shared_addresses,
        choices: data::staff_choices(db, &access).await?,
        citizens: data::citizen_choices(db, &access).await?,
        form_key: crate::db::new_id(),
        new_code: None,
        draft: None,
    })
}

/// Where each admin form goes back to, and the name its kept draft has.
#[cfg(feature = "ssr")]
const PAGE: &str = "/admin";
#[cfg(feature = "ssr")]
const DRAFT: &str = "admin";

#[server]
pub async fn get_admin_overview() -> Result<AdminOverview, AppError> {
    use crate::auth::{session, Flash};
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let mut view = overview(&state.db, &user).await?;
    // The reset section on the same page takes its own code.
    let mine = |f: &Flash| match f {
        Flash::ActivationCode { .. } => true,
        Flash::Draft { form, .. } => form == DRAFT,
        _ => false,
    };
    let flash = session::take_flash_if(&state.db, &user.session_key, mine).await?;
    view.draft = crate::forms::draft_for(&flash, DRAFT);
    if let Some(Flash::ActivationCode {
        citizen_id: staff_id,
        code,
        expires,
    }) = flash
    {
        view.new_code = view.choices.iter().find(|c| c.id == staff_id).map(|c| StaffCode {
            name: c.name.clone(),
            link: crate::auth::activation::link(
                crate::state::ClientInfo::current(&state.config).https,
                &code,
            ),
            code,
            expires,
        });
    }
    Ok(view)
}

/// A refused admin form comes back with its choices and text kept.
#[cfg(feature = "ssr")]
async fn refused<T>(e: AppError, typed: &impl crate::forms::FormFields) -> Result<T, AppError> {
    match e {
        // Not an administrator: nothing to go back to.
        AppError::NotFound => Err(AppError::NotFound),
        e => crate::forms::fail_keeping(PAGE, e, DRAFT, typed).await,
    }
}

crate::form! {
    /// A new staff account.
    pub struct NewStaffForm {
        pub name: String,
        pub email: String,
        pub role: String,
        pub staff_region_id: String,
    }
}

crate::form! {
    /// A new activation code for a staff member.
    pub struct StaffCodeForm {
        pub code_staff_id: String,
    }
}

crate::form! {
    /// A staff member's new role.
    pub struct StaffRoleForm {
        pub role_staff_id: String,
        pub new_role: String,
    }
}

crate::form! {
    /// A citizen moved to another caseworker's caseload.
    pub struct MoveCitizenForm {
        pub citizen_id: String,
        pub caseworker_id: String,
    }
}

crate::form! {
    /// A region's health coordinator.
    pub struct RegionCoordinatorForm {
        pub region_id: String,
        pub coordinator_id: String,
    }
}

#[server(endpoint = "create-staff")]
pub async fn create_staff(form_key: String, #[server(flatten)] form: NewStaffForm) -> Result<(), AppError> {
    use crate::auth::{session, Flash};
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let done = async {
        let access = crate::auth::policy::admin(&user)?;
        let key = crate::forms::IdempotencyKey::parse(&form_key)?;
        let f = &form;
        let input = data::NewStaff::parse(&f.name, &f.email, &f.role, &f.staff_region_id)?;
        data::create_staff(&state.db, &access, &input, &key, state.config.activation_ms).await
    }
    .await;
    match done {
        Ok(created) => {
            if let Some((code, expires)) = created.code {
                let flash = Flash::ActivationCode {
                    citizen_id: created.id,
                    code,
                    expires: crate::time::format_ms(expires),
                };
                session::set_flash(&state.db, &user.session_key, &flash).await?;
            }
            crate::forms::succeed("/admin", Msg::AdminStaffCreated, Some("staff-heading"));
            Ok(())
        }
        Err(e) => refused(e, &form).await,
    }
}

#[server(endpoint = "staff-activation-code")]
pub async fn staff_activation_code(#[server(flatten)] form: StaffCodeForm) -> Result<(), AppError> {
    use crate::auth::{session, Flash};
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let done = async {
        let access = crate::auth::policy::admin(&user)?;
        data::new_staff_code(
            &state.db,
            &access,
            &form.code_staff_id,
            state.config.activation_ms,
        )
        .await
    }
    .await;
    match done {
        Ok((_, code, expires)) => {
            let flash = Flash::ActivationCode {
                citizen_id: form.code_staff_id,
                code,
                expires: crate::time::format_ms(expires),
            };
            session::set_flash(&state.db, &user.session_key, &flash).await?;
            crate::input::redirect("/admin#staff-heading");
            Ok(())
        }
        Err(AppError::Refused(m)) => refused(AppError::invalid("code_staff_id", m), &form).await,
        Err(e) => refused(e, &form).await,
    }
}

#[server(endpoint = "set-staff-role")]
pub async fn set_staff_role(#[server(flatten)] form: StaffRoleForm) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let done = async {
        let access = crate::auth::policy::admin(&user)?;
        if form.role_staff_id.is_empty() {
            return Err(AppError::invalid("role_staff_id", Msg::AdminChooseStaff));
        }
        data::set_role(&state.db, &access, &form.role_staff_id, &form.new_role).await
    }
    .await;
    match done {
        Ok(()) => {
            crate::forms::succeed("/admin", Msg::AdminRoleChanged, Some("staff-heading"));
            Ok(())
        }
        Err(e) => refused(e, &form).await,
    }
}

#[server(endpoint = "move-citizen")]
pub async fn move_citizen(#[server(flatten)] form: MoveCitizenForm) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let MoveCitizenForm {
        citizen_id,
        caseworker_id,
    } = &form;
    let done = async {
        let access = crate::auth::policy::admin(&user)?;
        if citizen_id.is_empty() {
            return Err(AppError::invalid("citizen_id", Msg::AdminChooseCitizen));
        }
        if caseworker_id.is_empty() {
            return Err(AppError::invalid("caseworker_id", Msg::AdminChooseCaseworker));
        }
        let account = crate::auth::policy::admin_citizen(&state.db, &access, citizen_id).await?;
        data::move_citizen(&state.db, &account, caseworker_id).await
    }
    .await;
    match done {
        Ok(()) => {
            crate::forms::succeed("/admin", Msg::AdminCitizenMoved, Some("caseloads-heading"));
            Ok(())
        }
        Err(e) => refused(e, &form).await,
    }
}

#[server(endpoint = "region-coordinator")]
pub async fn region_coordinator(#[server(flatten)] form: RegionCoordinatorForm) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let done = async {
        let access = crate::auth::policy::admin(&user)?;
        data::set_region_coordinator(&state.db, &access, &form.region_id, &form.coordinator_id).await
    }
    .await;
    match done {
        Ok(()) => {
            crate::forms::succeed("/admin", Msg::AdminRegionSet, Some("regions-heading"));
            Ok(())
        }
        Err(e) => refused(e, &form).await,
    }
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
        <crate::retention::RetentionSection/>
    }
}

#[component]
fn Admin(data: AdminOverview) -> impl IntoView {
    provide_context(data.draft.clone().unwrap_or_default());
    let caseworkers: Vec<(String, String)> = data
        .choices
        .iter()
        .filter(|c| c.role == Role::Caseworker)
        .map(|c| (c.id.clone(), c.name.clone()))
        .collect();
    let waiting: Vec<(String, String)> = data
        .choices
        .iter()
        .filter(|c| !c.activated)
        .map(|c| (c.id.clone(), c.name.clone()))
        .collect();
    let staff: Vec<(String, String)> = data
        .choices
        .iter()
        .map(|c| (c.id.clone(), format!("{} ({})", c.name, t(c.role.label()))))
        .collect();
    let citizens: Vec<(String, String)> = data
        .citizens
        .iter()
        .map(|c| {
            let now = c
                .caseworker
                .clone()
                .unwrap_or_else(|| t(Msg::AdminNoCaseworker).to_string());
            (
                c.id.clone(),
                tf(texts::AdminCitizenOption {
                    name: &c.name,
                    email: &c.email,
                    caseworker: &now,
                }),
            )
        })
        .collect();
    let region_choices: Vec<(String, String)> = data
        .regions
        .iter()
        .map(|r| (r.id.clone(), r.name.clone()))
        .collect();
    let roles: Vec<(String, String)> = STAFF_ROLES
        .iter()
        .map(|r| (r.as_str().to_string(), t(r.label()).to_string()))
        .collect();
    view! {
        {data.new_code.map(|c| view! {
            <div class="alert alert-success" role="status">
                <p><strong>{t(Msg::FormNoticeLead)}</strong> " " {tf(texts::AdminCodeCreated { name: &c.name })}</p>
                <p class="code-box"><crate::auth::CodeGroups code=c.code.clone()/></p>
                <p>{t(Msg::CaseloadCodeLink)} " " <a class="code-link" href=c.link.clone()>{c.link.clone()}</a></p>
                <p>{tf(texts::CaseloadCodeExpires { when: &c.expires })}</p>
                <p>{t(Msg::AdminCodeHandOver)}</p>
            </div>
        })}
        {(!data.unassigned.is_empty()).then(|| view! {
            <div class="alert alert-error" role="alert">
                <p><strong>{t(Msg::AdminAttention)}</strong> " "
                <a href="#unassigned-heading">{tn(Plural::AdminUnassigned, data.unassigned.len() as i64)}</a></p>
            </div>
        })}
        <crate::concerns::UnassignedRequests requests=data.unassigned coordinators=data.coordinators.clone()/>
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
        <section class="stack" aria-labelledby="staff-heading">
            <h2 id="staff-heading">{t(Msg::AdminStaff)}</h2>
            <DataTable caption=t(Msg::AdminStaffCaption) id="admin-staff">
                <thead><tr>
                    <th scope="col">{t(Msg::CaseloadName)}</th>
                    <th scope="col">{t(Msg::AdminRole)}</th>
                    <th scope="col">{t(Msg::CaseloadEmail)}</th>
                    <th scope="col">{t(Msg::AdminRegion)}</th>
                    <th scope="col">{t(Msg::AdminCaseload)}</th>
                    <th scope="col">{t(Msg::CaseloadAccount)}</th>
                </tr></thead>
                <tbody>
                    {data.staff.into_iter().map(|s| view! {
                        <tr>
                            <th scope="row">{s.name}</th>
                            <td>{t(s.role.label())}</td>
                            <td>{s.email}</td>
                            <td>{s.region.unwrap_or_default()}</td>
                            <td>{s.caseload}</td>
                            <td>{t(if s.activated { Msg::CaseloadActivated } else { Msg::CaseloadNotActivated })}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </DataTable>
            <section class="card" aria-labelledby="create-staff-heading">
                <h3 id="create-staff-heading">{t(Msg::AdminCreateStaffTitle)}</h3>
                <p>{t(Msg::AdminCreateStaffIntro)}</p>
                <form method="post" action="/api/create-staff" novalidate class="stack">
                    <input type="hidden" name="form_key" value=data.form_key/>
                    <TextField name="name" label=Msg::CaseloadName autocomplete="off" required=true maxlength=100/>
                    <TextField name="email" label=Msg::CaseloadEmail kind="email" autocomplete="off" required=true maxlength=254/>
                    <Pick name="role" label=Msg::AdminRole options=roles.clone() placeholder=Msg::AdminChooseRole/>
                    <Pick name="staff_region_id" label=Msg::AdminRegion options=region_choices.clone() placeholder=Msg::AdminRegionNone optional=true hint=Msg::AdminRegionHint/>
                    <button type="submit" class="button">{t(Msg::AdminCreateStaffButton)}</button>
                </form>
            </section>
            <section class="card" aria-labelledby="role-heading">
                <h3 id="role-heading">{t(Msg::AdminRoleTitle)}</h3>
                <p>{t(Msg::AdminRoleIntro)}</p>
                <form method="post" action="/api/set-staff-role" novalidate class="stack">
                    <Pick name="role_staff_id" label=Msg::AdminStaffMember options=staff placeholder=Msg::AdminChooseStaff/>
                    <Pick name="new_role" label=Msg::AdminNewRole options=roles placeholder=Msg::AdminChooseRole/>
                    <button type="submit" class="button">{t(Msg::AdminRoleButton)}</button>
                </form>
            </section>
            {(!waiting.is_empty()).then(|| view! {
                <section class="card" aria-labelledby="staff-code-heading">
                    <h3 id="staff-code-heading">{t(Msg::AdminStaffCodeTitle)}</h3>
                    <p>{t(Msg::AdminStaffCodeIntro)}</p>
                    <form method="post" action="/api/staff-activation-code" novalidate class="stack">
                        <Pick name="code_staff_id" label=Msg::AdminStaffMember options=waiting placeholder=Msg::AdminChooseStaff/>
                        <button type="submit" class="button secondary">{t(Msg::CaseloadNewCode)}</button>
                    </form>
                </section>
            })}
        </section>
        <section class="stack" aria-labelledby="caseloads-heading">
            <h2 id="caseloads-heading">{t(Msg::AdminCaseloadsTitle)}</h2>
            <section class="card" aria-labelledby="move-heading">
                <h3 id="move-heading">{t(Msg::AdminMoveTitle)}</h3>
                <p>{t(Msg::AdminMoveIntro)}</p>
                <form method="post" action="/api/move-citizen" novalidate class="stack">
                    <Pick name="citizen_id" label=Msg::AdminCitizen options=citizens placeholder=Msg::AdminChooseCitizen/>
                    <Pick name="caseworker_id" label=Msg::AdminNewCaseworker options=caseworkers placeholder=Msg::AdminChooseCaseworker/>
                    <button type="submit" class="button">{t(Msg::AdminMoveButton)}</button>
                </form>
            </section>
        </section>
        <section class="stack" aria-labelledby="regions-heading">
            <h2 id="regions-heading">{t(Msg::AdminRegions)}</h2>
            <DataTable caption=t(Msg::AdminRegionsCaption) id="admin-regions">
                <thead><tr>
                    <th scope="col">{t(Msg::AdminRegion)}</th>
                    <th scope="col">{t(Msg::AdminCoordinator)}</th>
                </tr></thead>
                <tbody>
                    {data.regions.into_iter().map(|r| view! {
                        <tr>
                            <th scope="row">{r.name}</th>
                            <td>{r.coordinator.unwrap_or_else(|| t(Msg::AdminNoCoordinator).to_string())}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </DataTable>
            <section class="card" aria-labelledby="region-form-heading">
                <h3 id="region-form-heading">{t(Msg::AdminRegionFormTitle)}</h3>
                <p>{t(Msg::AdminRegionFormIntro)}</p>
                <form method="post" action="/api/region-coordinator" novalidate class="stack">
                    <Pick name="region_id" label=Msg::AdminRegion options=region_choices placeholder=Msg::AdminChooseRegion/>
                    <Pick name="coordinator_id" label=Msg::AdminCoordinator options=data.coordinators placeholder=Msg::AdminChooseCoordinator/>
                    <button type="submit" class="button">{t(Msg::AdminRegionButton)}</button>
                </form>
            </section>
        </section>
    }
}

/// A labelled drop-down of people or places (values made at runtime), tied
/// to its error like the other fields, and refilled from a kept draft.
#[component]
fn Pick(
    name: &'static str,
    label: Msg,
    options: Vec<(String, String)>,
    placeholder: Msg,
    #[prop(optional)] optional: bool,
    #[prop(optional)] hint: Option<Msg>,
) -> impl IntoView {
    let error = crate::forms::query_error()
        .filter(|(_, f)| f.as_deref() == Some(name))
        .map(|(m, _)| m);
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let described = [hint.map(|_| hint_id.clone()), error.map(|_| error_id.clone())]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ");
    let selected = crate::forms::draft_value(name).unwrap_or_default();
    view! {
        <div class="field">
            <label for=name>{t(label)}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{t(h)}</p> })}
            {error.map(|m| view! { <p class="field-error" id=error_id.clone()>{t(m)}</p> })}
            <select id=name name=name required=!optional aria-describedby=(!described.is_empty()).then_some(described) aria-invalid=error.map(|_| "true")>
                <option value="" selected=selected.is_empty()>{t(placeholder)}</option>
                {options.into_iter().map(|(v, l)| {
                    let chosen = selected == v;
                    view! { <option value=v selected=chosen>{l}</option> }
                }).collect_view()}
            </select>
        </div>
    }
}
