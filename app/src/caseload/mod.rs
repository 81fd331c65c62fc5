//! Caseworker pages: the caseload and one citizen.
use crate::error::AppError;
use crate::forms::{FormStatus, TextField};
use crate::i18n::{fill, t, Msg};
use crate::layout::{DataTable, Loaded};
use crate::model::CourseKind;
use crate::plan::{ActivityView, CourseFacts, CourseView};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod data;
#[cfg(all(test, feature = "ssr"))]
mod tests;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CaseloadRow {
    pub id: String,
    pub name: String,
    pub course_kind: Option<CourseKind>,
    pub next_activity: Option<String>,
    pub unread_from_citizen: i64,
    pub open_concerns: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CitizenSummary {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub activated: bool,
    pub course: Option<CourseView>,
    pub next_activity: Option<ActivityView>,
    /// An activation code just made, shown once.
    pub new_code: Option<(String, String)>,
}

#[server]
pub async fn my_caseload() -> Result<Vec<CaseloadRow>, AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    data::caseload(&state.db, &user).await
}

#[server]
pub async fn get_citizen_summary(citizen_id: String) -> Result<CitizenSummary, AppError> {
    use crate::auth::{session, Flash};
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let mut summary = data::citizen_summary(&state.db, &user, &citizen_id).await?;
    if let Some(Flash::ActivationCode {
        citizen_id: id,
        code,
        expires,
    }) = session::take_flash(&state.db, &user.session_key).await?
    {
        if id == citizen_id {
            summary.new_code = Some((code, expires));
        }
    }
    Ok(summary)
}

#[server(endpoint = "invite-citizen")]
pub async fn invite_citizen(name: String, email: String) -> Result<(), AppError> {
    use crate::auth::{fail, session};
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    match data::invite(&state.db, &user, state.config.activation_ms, &name, &email).await {
        Ok((citizen_id, flash)) => {
            session::set_flash(&state.db, &user.session_key, &flash).await?;
            leptos_axum::redirect(&format!("/caseload/citizens/{citizen_id}"));
            Ok(())
        }
        Err(e) => fail("/caseload", e),
    }
}

#[server(endpoint = "new-activation-code")]
pub async fn new_activation_code(citizen_id: String) -> Result<(), AppError> {
    use crate::auth::session;
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let flash = data::new_code(&state.db, &user, &citizen_id, state.config.activation_ms).await?;
    session::set_flash(&state.db, &user.session_key, &flash).await?;
    leptos_axum::redirect(&format!("/caseload/citizens/{citizen_id}"));
    Ok(())
}

#[component]
pub fn CaseloadPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::CaseloadTitle)/>
        <h1>{t(Msg::CaseloadTitle)}</h1>
        <Loaded future=my_caseload() let:rows>
            {match rows {
                rows if rows.is_empty() => view! { <p>{t(Msg::CaseloadEmpty)}</p> }.into_any(),
                rows => view! { <CaseloadTable rows=rows/> }.into_any(),
            }}
        </Loaded>
        <section class="card" aria-labelledby="invite-heading">
            <h2 id="invite-heading">{t(Msg::CaseloadInviteTitle)}</h2>
            <p>{t(Msg::CaseloadInviteIntro)}</p>
            <FormStatus/>
            <form method="post" action="/api/invite-citizen" class="stack">
                <TextField name="name" label=Msg::CaseloadName autocomplete="off" required=true maxlength=100/>
                <TextField name="email" label=Msg::CaseloadEmail kind="email" autocomplete="off" required=true maxlength=254/>
                <button type="submit" class="button">{t(Msg::CaseloadInviteButton)}</button>
            </form>
        </section>
    }
}

#[component]
fn CaseloadTable(rows: Vec<CaseloadRow>) -> impl IntoView {
    view! {
        <DataTable caption=t(Msg::CaseloadCaption) id="caseload-caption">
            <thead><tr>
                <th scope="col">{t(Msg::CaseloadCitizen)}</th>
                <th scope="col">{t(Msg::CourseKind)}</th>
                <th scope="col">{t(Msg::OverviewNextActivity)}</th>
                <th scope="col">{t(Msg::CaseloadUnread)}</th>
                <th scope="col">{t(Msg::CaseloadOpenConcerns)}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr>
                        <th scope="row"><a href=format!("/caseload/citizens/{}", r.id)>{r.name}</a></th>
                        <td>{r.course_kind.map(|k| t(k.label())).unwrap_or_else(|| t(Msg::CaseloadNoCourse))}</td>
                        <td>{r.next_activity.unwrap_or_else(|| t(Msg::PlanNone).to_string())}</td>
                        <td>{r.unread_from_citizen}</td>
                        <td>{r.open_concerns}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </DataTable>
    }
}

#[component]
pub fn CitizenPage() -> impl IntoView {
    let id = use_params_map().get_untracked().get("id").unwrap_or_default();
    view! {
        <Loaded future=get_citizen_summary(id) let:summary>
            <CitizenDetails summary=summary/>
        </Loaded>
    }
}

#[component]
fn CitizenDetails(summary: CitizenSummary) -> impl IntoView {
    let id = summary.id.clone();
    view! {
        <Title text=summary.name.clone()/>
        <p><a href="/caseload">{t(Msg::CaseloadBack)}</a></p>
        <h1>{summary.name.clone()}</h1>
        {summary.new_code.map(|(code, expires)| view! {
            <div class="alert alert-success" role="status">
                <p><strong>{t(Msg::FormNoticeLead)}</strong> " " {t(Msg::CaseloadCodeCreated)}</p>
                <p class="code-box">{code}</p>
                <p>{fill(t(Msg::CaseloadCodeExpires), &[("when", &expires)])}</p>
                <p>{t(Msg::CaseloadCodeHandOver)}</p>
            </div>
        })}
        <dl class="facts">
            <dt>{t(Msg::CaseloadEmail)}</dt><dd>{summary.email.unwrap_or_default()}</dd>
            <dt>{t(Msg::CaseloadAccount)}</dt>
            <dd>{t(if summary.activated { Msg::CaseloadActivated } else { Msg::CaseloadNotActivated })}</dd>
        </dl>
        {(!summary.activated).then(|| view! {
            <form method="post" action="/api/new-activation-code">
                <input type="hidden" name="citizen_id" value=id.clone()/>
                <button type="submit" class="button secondary">{t(Msg::CaseloadNewCode)}</button>
            </form>
        })}
        <section class="card" aria-labelledby="next-heading">
            <h2 id="next-heading">{t(Msg::OverviewNextActivity)}</h2>
            {match summary.next_activity {
                Some(a) => view! { <p><strong>{a.title}</strong> " · " {a.when}</p> }.into_any(),
                None => view! { <p>{t(Msg::OverviewNoNextActivity)}</p> }.into_any(),
            }}
        </section>
        {match summary.course {
            Some(c) => view! { <CourseFacts course=c/> }.into_any(),
            None => view! { <p>{t(Msg::PlanNoCourse)}</p> }.into_any(),
        }}
    }
}
