//! `/activities/:id`: one activity, for its citizen and their caseworker.
use super::history::{Change, ChangeLog};
use super::responses::{FeedbackList, GiveFeedback, ReflectionList, Responses, WriteReflection};
use super::{ActivityDetail, ActivityFacts};
use crate::error::AppError;
use crate::forms::{Draft, FormStatus};
use crate::i18n::{t, Msg};
use crate::layout::Loaded;
use crate::layout::Title;
use leptos::prelude::*;

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ActivityPageData {
    pub detail: ActivityDetail,
    /// The caseworker is looking: no forms, and a way to edit.
    pub staff_view: bool,
    pub history: Vec<Change>,
    pub responses: Responses,
    /// A reflection is asked for once the activity has begun.
    pub can_reflect: bool,
    pub form_key: String,
    pub draft: Option<Draft>,
    /// For the citizen: where their newest request about it stands.
    pub concern: Option<crate::concerns::ConcernNews>,
}

#[server]
pub async fn get_activity(activity_id: String) -> Result<ActivityPageData, AppError> {
    use super::history::{store, Entity};
    use crate::model::ActivityStatus;
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    use crate::auth::policy::{self, Use};
    let read = Use::Read(crate::audit::AuditAction::Activity);
    let access = policy::activity(&state.db, &user, &activity_id, read).await?;
    let (detail, starts_ms, _) = super::data::activity_detail(&state.db, &access, &activity_id).await?;
    let flash = crate::auth::session::take_flash(&state.db, &user.session_key).await?;
    let begun = starts_ms <= crate::time::now_ms()
        || matches!(
            detail.activity.status,
            ActivityStatus::Ongoing | ActivityStatus::Completed
        );
    let concern = match user.role.is_staff() {
        false => crate::concerns::data::latest_for_activity(&state.db, &access, &activity_id).await?,
        true => None,
    };
    Ok(ActivityPageData {
        concern,
        staff_view: user.role.is_staff(),
        history: store::for_item(&state.db, Entity::Activity, &activity_id).await?,
        responses: super::responses::data::for_activity(&state.db, &access, &activity_id).await?,
        can_reflect: begun,
        form_key: crate::db::new_id(),
        draft: crate::forms::draft_for(&flash, &format!("activity-response:{activity_id}")),
        detail,
    })
}

#[component]
pub fn ActivityPage() -> impl IntoView {
    let id = leptos_router::hooks::use_params_map()
        .get_untracked()
        .get("id")
        .unwrap_or_default();
    view! {
        <Loaded future=get_activity(id) let:data>
            <Activity data=data />
        </Loaded>
    }
}

#[component]
fn Activity(data: ActivityPageData) -> impl IntoView {
    provide_context(data.draft.clone().unwrap_or_default());
    let detail = data.detail;
    let a = detail.activity;
    let id = a.id.clone();
    let calendar = format!("/activities/{id}/calendar.ics");
    let staff = data.staff_view;
    let back = if staff {
        view! {
            <p>
                <a href=format!(
                    "/caseload/citizens/{}",
                    detail.citizen_id,
                )>{t(Msg::ActivityBackToCitizen)}</a>
            </p>
        }
        .into_any()
    } else {
        view! {
            <p>
                <a href="/plan">{t(Msg::ActivityBackToPlan)}</a>
            </p>
        }
        .into_any()
    };
    let edit = staff.then(|| {
        let href = format!("/caseload/citizens/{}/activities/{id}", detail.citizen_id);
        view! {
            <p>
                <a class="button secondary" href=href>
                    {t(Msg::EditActivityTitle)}
                </a>
            </p>
        }
    });
    view! {
        <Title text=a.title.clone() />
        {back}
        <h1 lang="da">{a.title.clone()}</h1>
        <FormStatus />
        <p>
            <span class="status-tag">{t(a.status.label())}</span>
            " "
            <crate::concerns::AwaitingTag awaiting=a.awaiting_assessment />
        </p>
        {edit}
        {(!staff)
            .then(|| {
                view! {
                    {data.concern.map(|n| view! { <crate::concerns::ConcernNewsLine news=n /> })}
                    <p>
                        <a href=format!("/messages/new?activity={id}")>{t(Msg::ActivityWriteAbout)}</a>
                    </p>
                    <crate::concerns::RaiseConcernLink activity_id=id.clone() />
                }
            })}
        <ActivityFacts activity=a contact_phone=detail.contact_phone />
        {detail
            .preparation
            .map(|p| {
                view! {
                    <section class="card" aria-labelledby="prepare-heading">
                        <h2 id="prepare-heading">{t(Msg::ActivityPreparation)}</h2>
                        <p lang="da">{p}</p>
                    </section>
                }
            })}
        <p>
            <a href=calendar download="aktivitet.ics" aria-describedby="calendar-hint">
                {t(Msg::ActivityCalendarDownload)}
            </a>
            <br />
            <span class="hint" id="calendar-hint">
                {t(Msg::ActivityCalendarHint)}
            </span>
        </p>
        <section class="card" aria-labelledby="reflection-heading">
            <h2 id="reflection-heading">{t(Msg::ReflectionTitle)}</h2>
            {match (staff, data.can_reflect) {
                (true, _) => ().into_any(),
                (false, true) => {
                    view! {
                        <WriteReflection activity_id=id.clone() form_key=format!("{}-r", data.form_key) />
                    }
                        .into_any()
                }
                (false, false) => view! { <p>{t(Msg::ReflectionNotYet)}</p> }.into_any(),
            }}
            <ReflectionList reflections=data.responses.reflections />
        </section>
        <section class="card" aria-labelledby="feedback-heading">
            <h2 id="feedback-heading">{t(Msg::FeedbackHeading)}</h2>
            {(!staff)
                .then(|| {
                    view! { <GiveFeedback activity_id=id.clone() form_key=format!("{}-f", data.form_key) /> }
                })}
            <FeedbackList feedback=data.responses.feedback />
        </section>
        <section class="card" aria-labelledby="changes-heading">
            <h2 id="changes-heading">{t(Msg::HistoryTitle)}</h2>
            <ChangeLog changes=data.history detailed=staff />
        </section>
    }
}
