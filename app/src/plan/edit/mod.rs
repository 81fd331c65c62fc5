//! The caseworker edits a citizen's plan: the course, goals and activities.
//! One page a form; every save is kept in the item's history.
use super::history::{Change, ChangeLog};
use super::rules::{ActivityForm, CourseForm, GoalForm, PaidHoursForm};
use super::RatingView;
use crate::error::AppError;
use crate::forms::{Draft, FormStatus, SelectField, TextArea, TextField};
use crate::i18n::{t, texts, tf, Msg};
use crate::layout::Loaded;
use crate::layout::Title;
use crate::model::{ActivityKind, ActivityStatus, CourseKind};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod data;
#[cfg(all(test, feature = "ssr"))]
mod tests;

/// Whose plan a page edits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Citizen {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CourseEdit {
    pub citizen: Citizen,
    pub exists: bool,
    pub kind: String,
    pub start: String,
    pub planned_end: String,
    pub main_goal: String,
    pub history: Vec<Change>,
    pub draft: Option<Draft>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoalEdit {
    pub citizen: Citizen,
    pub goal_id: Option<String>,
    pub title: String,
    pub description: String,
    pub history: Vec<Change>,
    /// The citizen's own progress ratings, newest first.
    pub ratings: Vec<RatingView>,
    /// The id a new goal gets: sending the form twice adds it once.
    pub new_key: String,
    pub draft: Option<Draft>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActivityEdit {
    pub citizen: Citizen,
    pub activity_id: Option<String>,
    pub form: ActivityForm,
    pub history: Vec<Change>,
    /// The id a new activity gets: sending the form twice adds it once.
    pub new_key: String,
    pub draft: Option<Draft>,
    /// The citizen has an open request for assessment of this activity.
    pub awaiting_assessment: bool,
}

#[cfg(feature = "ssr")]
use crate::auth::policy::{caseworker_of, Use};

/// An edit page is an audited read; a save is a write, kept in the plan's history.
#[cfg(feature = "ssr")]
const EDIT_PAGE: Use = Use::Read(crate::audit::AuditAction::PlanEdit);

/// `"new"` in a path means a new item.
#[cfg(feature = "ssr")]
fn existing(id: &str) -> Option<&str> {
    (id != "new").then_some(id)
}

#[server]
pub async fn get_course_edit(citizen_id: String) -> Result<CourseEdit, AppError> {
    let (state, user, flash) = data::context().await?;
    let access = caseworker_of(&state.db, &user, &citizen_id, EDIT_PAGE).await?;
    let mut edit = data::course_edit(&state.db, &access).await?;
    edit.draft = crate::forms::draft_for(&flash, "course");
    Ok(edit)
}

#[server(endpoint = "save-course")]
pub async fn save_course(citizen_id: String, #[server(flatten)] form: CourseForm) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let page = format!("/caseload/citizens/{citizen_id}/course");
    let copenhagen_today = || jiff::Timestamp::now().to_zoned(crate::time::copenhagen()).date();
    let saved = async {
        let input = form.parse(copenhagen_today())?;
        let access = caseworker_of(&state.db, &user, &citizen_id, Use::Write).await?;
        data::save_course(&state.db, &access, &input).await
    }
    .await;
    match saved {
        Ok(()) => done(&citizen_id),
        Err(e) => crate::forms::fail_keeping(&page, e, "course", &form).await,
    }
}

#[server]
pub async fn get_goal_edit(citizen_id: String, goal_id: String) -> Result<GoalEdit, AppError> {
    let (state, user, flash) = data::context().await?;
    let access = caseworker_of(&state.db, &user, &citizen_id, EDIT_PAGE).await?;
    let mut edit = data::goal_edit(&state.db, &access, existing(&goal_id)).await?;
    edit.draft = crate::forms::draft_for(&flash, &format!("goal:{goal_id}"));
    Ok(edit)
}

#[server(endpoint = "save-goal")]
pub async fn save_goal(
    citizen_id: String,
    goal_id: String,
    item_key: String,
    #[server(flatten)] form: GoalForm,
) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let saved = async {
        let input = form.parse()?;
        let access = caseworker_of(&state.db, &user, &citizen_id, Use::Write).await?;
        data::save_goal(&state.db, &access, existing(&goal_id), &item_key, &input).await
    }
    .await;
    match saved {
        Ok(_) => done(&citizen_id),
        Err(e) => {
            let page = format!("/caseload/citizens/{citizen_id}/goals/{goal_id}");
            crate::forms::fail_keeping(&page, e, &format!("goal:{goal_id}"), &form).await
        }
    }
}

#[server]
pub async fn get_activity_edit(citizen_id: String, activity_id: String) -> Result<ActivityEdit, AppError> {
    let (state, user, flash) = data::context().await?;
    let access = caseworker_of(&state.db, &user, &citizen_id, EDIT_PAGE).await?;
    let mut edit = data::activity_edit(&state.db, &access, existing(&activity_id)).await?;
    edit.draft = crate::forms::draft_for(&flash, &format!("activity:{activity_id}"));
    Ok(edit)
}

#[server(endpoint = "save-activity")]
pub async fn save_activity(
    citizen_id: String,
    activity_id: String,
    item_key: String,
    #[server(flatten)] form: ActivityForm,
) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let saved = async {
        let access = caseworker_of(&state.db, &user, &citizen_id, Use::Write).await?;
        data::save_activity(&state.db, &access, existing(&activity_id), &item_key, &form).await
    }
    .await;
    match saved {
        Ok(_) => done(&citizen_id),
        Err(e) => {
            let page = format!("/caseload/citizens/{citizen_id}/activities/{activity_id}");
            crate::forms::fail_keeping(&page, e, &format!("activity:{activity_id}"), &form).await
        }
    }
}

#[server(endpoint = "record-paid-hours")]
pub async fn record_paid_hours(
    citizen_id: String,
    #[server(flatten)] form: PaidHoursForm,
) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let saved = async {
        let input = form.parse()?;
        let access = caseworker_of(&state.db, &user, &citizen_id, Use::Write).await?;
        data::record_paid_hours(&state.db, &access, &input).await
    }
    .await;
    match saved {
        Ok(()) => done(&citizen_id),
        Err(e) => {
            let page = format!("/caseload/citizens/{citizen_id}");
            crate::forms::fail_keeping(&page, e, "paid_hours", &form).await
        }
    }
}

/// After a save: back to the citizen, with a notice.
#[cfg(feature = "ssr")]
fn done(id: &str) -> Result<(), AppError> {
    crate::forms::succeed(&format!("/caseload/citizens/{id}"), Msg::EditSaved, None);
    Ok(())
}

fn param(name: &str) -> String {
    use_params_map().get_untracked().get(name).unwrap_or_default()
}

/// The top of every edit page: title, way back, and the form's status.
#[component]
fn EditHeading(citizen: Citizen, heading: String) -> impl IntoView {
    let title = format!("{heading} – {}", citizen.name);
    view! {
        <Title text=title />
        <p>
            <a href=format!(
                "/caseload/citizens/{}",
                citizen.id,
            )>
                {tf(texts::EditBackTo {
                    name: &citizen.name,
                })}
            </a>
        </p>
        <h1>{heading}<span class="subtitle">{citizen.name}</span></h1>
        <FormStatus />
    }
}

#[component]
fn History(changes: Vec<Change>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="history-heading">
            <h2 id="history-heading">{t(Msg::HistoryTitle)}</h2>
            <ChangeLog changes=changes detailed=true />
        </section>
    }
}

#[component]
pub fn CourseEditPage() -> impl IntoView {
    view! {
        <Loaded future=get_course_edit(param("id")) let:edit>
            <CourseEditForm edit=edit />
        </Loaded>
    }
}

#[component]
fn CourseEditForm(edit: CourseEdit) -> impl IntoView {
    provide_context(edit.draft.clone().unwrap_or_default());
    let heading = t(if edit.exists {
        Msg::EditCourseTitle
    } else {
        Msg::EditCourseNew
    })
    .to_string();
    let kinds = [CourseKind::Ressourceforloeb, CourseKind::Jobafklaringsforloeb]
        .into_iter()
        .map(|k| (k.as_str(), k.label()))
        .collect();
    view! {
        <EditHeading citizen=edit.citizen.clone() heading=heading />
        <form method="post" action="/api/save-course" novalidate class="stack">
            <input type="hidden" name="citizen_id" value=edit.citizen.id />
            <SelectField
                name="kind"
                label=Msg::CourseKind
                options=kinds
                value=edit.kind
                placeholder=Msg::EditChoose
            />
            <TextField name="start" label=Msg::EditCourseStart kind="date" required=true value=edit.start />
            <TextField
                name="planned_end"
                label=Msg::CoursePlannedEnd
                kind="date"
                required=true
                hint=Msg::EditCourseEndHint
                value=edit.planned_end
            />
            <TextArea name="main_goal" label=Msg::EditMainGoal value=edit.main_goal />
            <button type="submit" class="button">
                {t(Msg::EditSave)}
            </button>
        </form>
        {edit.exists.then(|| view! { <History changes=edit.history /> })}
    }
}

#[component]
pub fn GoalEditPage() -> impl IntoView {
    view! {
        <Loaded future=get_goal_edit(param("id"), param("goal")) let:edit>
            <GoalEditForm edit=edit />
        </Loaded>
    }
}

#[component]
fn GoalEditForm(edit: GoalEdit) -> impl IntoView {
    provide_context(edit.draft.clone().unwrap_or_default());
    let exists = edit.goal_id.is_some();
    let heading = t(if exists {
        Msg::EditGoalTitle
    } else {
        Msg::EditGoalNew
    })
    .to_string();
    view! {
        <EditHeading citizen=edit.citizen.clone() heading=heading />
        <form method="post" action="/api/save-goal" novalidate class="stack">
            <input type="hidden" name="citizen_id" value=edit.citizen.id />
            <input type="hidden" name="goal_id" value=edit.goal_id.clone().unwrap_or_else(|| "new".into()) />
            <input type="hidden" name="item_key" value=edit.new_key />
            <TextField name="title" label=Msg::EditGoalName required=true maxlength=120 value=edit.title />
            <TextArea name="description" label=Msg::EditGoalDescription value=edit.description />
            <button type="submit" class="button">
                {t(Msg::EditSave)}
            </button>
        </form>
        {exists
            .then(|| {
                view! {
                    <section class="card" aria-labelledby="ratings-heading">
                        <h2 id="ratings-heading">{t(Msg::GoalRatingsHistory)}</h2>
                        <super::RatingList ratings=edit.ratings />
                    </section>
                    <History changes=edit.history />
                }
            })}
    }
}

#[component]
pub fn ActivityEditPage() -> impl IntoView {
    view! {
        <Loaded future=get_activity_edit(param("id"), param("activity")) let:edit>
            <ActivityEditForm edit=edit />
        </Loaded>
    }
}

#[component]
fn ActivityEditForm(edit: ActivityEdit) -> impl IntoView {
    provide_context(edit.draft.clone().unwrap_or_default());
    let exists = edit.activity_id.is_some();
    let heading = t(if exists {
        Msg::EditActivityTitle
    } else {
        Msg::EditActivityNew
    })
    .to_string();
    let kinds = ActivityKind::ALL
        .into_iter()
        .map(|k| (k.as_str(), k.label()))
        .collect();
    let statuses = ActivityStatus::ALL
        .into_iter()
        .map(|s| (s.as_str(), s.label()))
        .collect();
    let f = edit.form;
    view! {
        <EditHeading citizen=edit.citizen.clone() heading=heading />
        {edit
            .activity_id
            .clone()
            .map(|id| {
                view! {
                    <p>
                        <a href=format!("/activities/{id}")>{t(Msg::EditSeeAsCitizen)}</a>
                    </p>
                }
            })}
        // Told before the form: a change now may cut across the citizen's right.
        {edit
            .awaiting_assessment
            .then(|| {
                view! {
                    <div class="alert alert-warning" id="awaiting-warning">
                        <p>
                            <strong>{t(Msg::ConcernAwaiting)} ": "</strong>
                            {t(Msg::EditAwaitingWarning)}
                        </p>
                    </div>
                }
            })}
        <form method="post" action="/api/save-activity" novalidate class="stack">
            <input type="hidden" name="citizen_id" value=edit.citizen.id />
            <input
                type="hidden"
                name="activity_id"
                value=edit.activity_id.clone().unwrap_or_else(|| "new".into())
            />
            <input type="hidden" name="item_key" value=edit.new_key />
            <TextField name="title" label=Msg::EditActivityName required=true maxlength=120 value=f.title />
            <SelectField
                name="kind"
                label=Msg::ActivityKind
                options=kinds
                value=f.kind
                placeholder=Msg::EditChoose
            />
            <SelectField name="status" label=Msg::FieldStatusLabel options=statuses value=f.status />
            <TextField
                name="starts_at"
                label=Msg::EditStartsAt
                kind="datetime-local"
                required=true
                hint=Msg::EditTimeHint
                value=f.starts_at
            />
            <TextField
                name="ends_at"
                label=Msg::EditEndsAt
                kind="datetime-local"
                hint=Msg::EditEndsHint
                value=f.ends_at
            />
            <TextField name="place" label=Msg::ActivityPlace maxlength=100 value=f.place />
            <TextField name="contact_name" label=Msg::ActivityContact maxlength=100 value=f.contact_name />
            <TextField
                name="contact_phone"
                label=Msg::ActivityContactPhone
                kind="tel"
                maxlength=100
                value=f.contact_phone
            />
            <TextField
                name="hours_per_week"
                label=Msg::ActivityHours
                kind="number"
                hint=Msg::EditHoursHint
                value=f.hours_per_week
            />
            <TextArea name="purpose" label=Msg::ActivityPurpose value=f.purpose />
            <TextArea name="preparation" label=Msg::ActivityPreparation value=f.preparation />
            <button type="submit" class="button">
                {t(Msg::EditSave)}
            </button>
        </form>
        {exists.then(|| view! { <History changes=edit.history /> })}
    }
}
