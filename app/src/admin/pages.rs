//! The administrator's page.
use super::{get_admin_overview, AdminOverview, STAFF_ROLES};
use crate::forms::TextField;
use crate::i18n::{t, texts, tf, tn, Msg, Plural};
use crate::layout::Title;
use crate::layout::{DataTable, Loaded};
use crate::model::Role;
use leptos::prelude::*;

#[component]
pub fn AdminPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::AdminTitle) />
        <h1>{t(Msg::AdminTitle)}</h1>
        <crate::forms::FormStatus />
        <Loaded future=get_admin_overview() let:data>
            <Admin data=data />
        </Loaded>
        <crate::auth::recovery::PendingResetsSection />
        <crate::retention::RetentionSection />
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
        {data
            .new_code
            .map(|c| {
                view! {
                    <div class="alert alert-success" role="status">
                        <p>
                            <strong>{t(Msg::FormNoticeLead)}</strong>
                            " "
                            {tf(texts::AdminCodeCreated {
                                name: &c.name,
                            })}
                        </p>
                        <p class="code-box">
                            <crate::auth::CodeGroups code=c.code.clone() />
                        </p>
                        <p>
                            {t(Msg::CaseloadCodeLink)} " " <a class="code-link" href=c.link.clone()>
                                {c.link.clone()}
                            </a>
                        </p>
                        <p>
                            {tf(texts::CaseloadCodeExpires {
                                when: &c.expires,
                            })}
                        </p>
                        <p>{t(Msg::AdminCodeHandOver)}</p>
                    </div>
                }
            })}
        {(!data.unassigned.is_empty())
            .then(|| {
                view! {
                    <div class="alert alert-error" role="alert">
                        <p>
                            <strong>{t(Msg::AdminAttention)}</strong>
                            " "
                            <a href="#unassigned-heading">
                                {tn(Plural::AdminUnassigned, data.unassigned.len() as i64)}
                            </a>
                        </p>
                    </div>
                }
            })}
        <crate::concerns::UnassignedRequests
            requests=data.unassigned
            coordinators=data.coordinators.clone()
        />
        {(!data.shared_addresses.is_empty())
            .then(|| {
                view! {
                    <section class="stack" aria-labelledby="shared-addresses-heading">
                        <h2 id="shared-addresses-heading">{t(Msg::AdminSharedAddressesTitle)}</h2>
                        <p class="hint">{t(Msg::AdminSharedAddressesHint)}</p>
                        <DataTable caption=t(Msg::AdminSharedAddressesCaption) id="admin-shared-addresses">
                            <thead>
                                <tr>
                                    <th scope="col">{t(Msg::CaseloadEmail)}</th>
                                    <th scope="col">{t(Msg::CaseloadName)}</th>
                                    <th scope="col">{t(Msg::AdminInvitedBy)}</th>
                                    <th scope="col">{t(Msg::AdminInvitedAt)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {data
                                    .shared_addresses
                                    .into_iter()
                                    .map(|a| {
                                        view! {
                                            <tr>
                                                <th scope="row">{a.email}</th>
                                                <td>{a.citizen}</td>
                                                <td>{a.caseworker}</td>
                                                <td>{a.invited}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </DataTable>
                    </section>
                }
            })}
        <section class="stack" aria-labelledby="staff-heading">
            <h2 id="staff-heading">{t(Msg::AdminStaff)}</h2>
            <DataTable caption=t(Msg::AdminStaffCaption) id="admin-staff">
                <thead>
                    <tr>
                        <th scope="col">{t(Msg::CaseloadName)}</th>
                        <th scope="col">{t(Msg::AdminRole)}</th>
                        <th scope="col">{t(Msg::CaseloadEmail)}</th>
                        <th scope="col">{t(Msg::AdminRegion)}</th>
                        <th scope="col">{t(Msg::AdminCaseload)}</th>
                        <th scope="col">{t(Msg::CaseloadAccount)}</th>
                    </tr>
                </thead>
                <tbody>
                    {data
                        .staff
                        .into_iter()
                        .map(|s| {
                            view! {
                                <tr>
                                    <th scope="row">{s.name}</th>
                                    <td>{t(s.role.label())}</td>
                                    <td>{s.email}</td>
                                    <td>{s.region.unwrap_or_default()}</td>
                                    <td>{s.caseload}</td>
                                    <td>
                                        {t(
                                            if s.activated {
                                                Msg::CaseloadActivated
                                            } else {
                                                Msg::CaseloadNotActivated
                                            },
                                        )}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </DataTable>
            <section class="card" aria-labelledby="create-staff-heading">
                <h3 id="create-staff-heading">{t(Msg::AdminCreateStaffTitle)}</h3>
                <p>{t(Msg::AdminCreateStaffIntro)}</p>
                <form method="post" action="/api/create-staff" novalidate class="stack">
                    <input type="hidden" name="form_key" value=data.form_key />
                    <TextField
                        name="name"
                        label=Msg::CaseloadName
                        autocomplete="off"
                        required=true
                        maxlength=100
                    />
                    <TextField
                        name="email"
                        label=Msg::CaseloadEmail
                        kind="email"
                        autocomplete="off"
                        required=true
                        maxlength=254
                    />
                    <Pick
                        name="role"
                        label=Msg::AdminRole
                        options=roles.clone()
                        placeholder=Msg::AdminChooseRole
                    />
                    <Pick
                        name="staff_region_id"
                        label=Msg::AdminRegion
                        options=region_choices.clone()
                        placeholder=Msg::AdminRegionNone
                        optional=true
                        hint=Msg::AdminRegionHint
                    />
                    <button type="submit" class="button">
                        {t(Msg::AdminCreateStaffButton)}
                    </button>
                </form>
            </section>
            <section class="card" aria-labelledby="role-heading">
                <h3 id="role-heading">{t(Msg::AdminRoleTitle)}</h3>
                <p>{t(Msg::AdminRoleIntro)}</p>
                <form method="post" action="/api/set-staff-role" novalidate class="stack">
                    <Pick
                        name="role_staff_id"
                        label=Msg::AdminStaffMember
                        options=staff
                        placeholder=Msg::AdminChooseStaff
                    />
                    <Pick
                        name="new_role"
                        label=Msg::AdminNewRole
                        options=roles
                        placeholder=Msg::AdminChooseRole
                    />
                    <button type="submit" class="button">
                        {t(Msg::AdminRoleButton)}
                    </button>
                </form>
            </section>
            {(!waiting.is_empty())
                .then(|| {
                    view! {
                        <section class="card" aria-labelledby="staff-code-heading">
                            <h3 id="staff-code-heading">{t(Msg::AdminStaffCodeTitle)}</h3>
                            <p>{t(Msg::AdminStaffCodeIntro)}</p>
                            <form method="post" action="/api/staff-activation-code" novalidate class="stack">
                                <Pick
                                    name="code_staff_id"
                                    label=Msg::AdminStaffMember
                                    options=waiting
                                    placeholder=Msg::AdminChooseStaff
                                />
                                <button type="submit" class="button secondary">
                                    {t(Msg::CaseloadNewCode)}
                                </button>
                            </form>
                        </section>
                    }
                })}
        </section>
        <section class="stack" aria-labelledby="caseloads-heading">
            <h2 id="caseloads-heading">{t(Msg::AdminCaseloadsTitle)}</h2>
            <section class="card" aria-labelledby="move-heading">
                <h3 id="move-heading">{t(Msg::AdminMoveTitle)}</h3>
                <p>{t(Msg::AdminMoveIntro)}</p>
                <form method="post" action="/api/move-citizen" novalidate class="stack">
                    <Pick
                        name="citizen_id"
                        label=Msg::AdminCitizen
                        options=citizens
                        placeholder=Msg::AdminChooseCitizen
                    />
                    <Pick
                        name="caseworker_id"
                        label=Msg::AdminNewCaseworker
                        options=caseworkers
                        placeholder=Msg::AdminChooseCaseworker
                    />
                    <button type="submit" class="button">
                        {t(Msg::AdminMoveButton)}
                    </button>
                </form>
            </section>
        </section>
        <section class="stack" aria-labelledby="regions-heading">
            <h2 id="regions-heading">{t(Msg::AdminRegions)}</h2>
            <DataTable caption=t(Msg::AdminRegionsCaption) id="admin-regions">
                <thead>
                    <tr>
                        <th scope="col">{t(Msg::AdminRegion)}</th>
                        <th scope="col">{t(Msg::AdminCoordinator)}</th>
                    </tr>
                </thead>
                <tbody>
                    {data
                        .regions
                        .into_iter()
                        .map(|r| {
                            view! {
                                <tr>
                                    <th scope="row">{r.name}</th>
                                    <td>
                                        {r
                                            .coordinator
                                            .unwrap_or_else(|| t(Msg::AdminNoCoordinator).to_string())}
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </DataTable>
            <section class="card" aria-labelledby="region-form-heading">
                <h3 id="region-form-heading">{t(Msg::AdminRegionFormTitle)}</h3>
                <p>{t(Msg::AdminRegionFormIntro)}</p>
                <form method="post" action="/api/region-coordinator" novalidate class="stack">
                    <Pick
                        name="region_id"
                        label=Msg::AdminRegion
                        options=region_choices
                        placeholder=Msg::AdminChooseRegion
                    />
                    <Pick
                        name="coordinator_id"
                        label=Msg::AdminCoordinator
                        options=data.coordinators
                        placeholder=Msg::AdminChooseCoordinator
                    />
                    <button type="submit" class="button">
                        {t(Msg::AdminRegionButton)}
                    </button>
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
            {hint
                .map(|h| {
                    view! {
                        <p class="hint" id=hint_id.clone()>
                            {t(h)}
                        </p>
                    }
                })}
            {error
                .map(|m| {
                    view! {
                        <p class="field-error" id=error_id.clone()>
                            {t(m)}
                        </p>
                    }
                })}
            <select
                id=name
                name=name
                required=!optional
                aria-describedby=(!described.is_empty()).then_some(described)
                aria-invalid=error.map(|_| "true")
            >
                <option value="" selected=selected.is_empty()>
                    {t(placeholder)}
                </option>
                {options
                    .into_iter()
                    .map(|(v, l)| {
                        let chosen = selected == v;
                        view! {
                            <option value=v selected=chosen>
                                {l}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}
