//! "Mig": the person's own settings, and who has looked at their data.
use crate::error::AppError;
use crate::i18n::{t, Msg};
use crate::layout::Title;
use crate::layout::{DataTable, Loaded};
use crate::model::Role;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccessRow {
    pub when: String,
    pub role: Role,
    pub what: Msg,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub name: String,
    pub email: Option<String>,
    pub role: Role,
    /// Staff reads of this person's data, newest first (citizens only).
    pub accesses: Vec<AccessRow>,
}

#[cfg(feature = "ssr")]
fn action_words(action: &str) -> Msg {
    match action {
        "caseload_list" => Msg::AuditCaseloadList,
        "citizen_summary" => Msg::AuditCitizenSummary,
        "plan_edit" => Msg::AuditPlanEdit,
        "shared_wellbeing" => Msg::AuditSharedWellbeing,
        "concern_queue" => Msg::AuditConcernQueue,
        "activity" => Msg::AuditActivity,
        "concern_request" => Msg::AuditConcernRequest,
        "request_wellbeing" => Msg::AuditRequestWellbeing,
        "message_thread" => Msg::AuditMessageThread,
        "inbox" => Msg::AuditInbox,
        "password_reset_started" => Msg::AuditPasswordResetStarted,
        "password_reset_confirmed" => Msg::AuditPasswordResetConfirmed,
        "password_reset_completed" => Msg::AuditPasswordResetCompleted,
        _ => Msg::AuditOther,
    }
}

#[server]
pub async fn my_profile() -> Result<Profile, AppError> {
    use sqlx::Row;
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let row = sqlx::query("SELECT email FROM users WHERE id = $1")
        .bind(&user.id)
        .fetch_one(state.db.pool())
        .await?;
    let accesses = if user.role == Role::Citizen {
        sqlx::query(
            "SELECT at, actor_role, action FROM audit_events WHERE citizen_id = $1 ORDER BY at DESC LIMIT 50",
        )
        .bind(&user.id)
        .fetch_all(state.db.pool())
        .await?
        .into_iter()
        .map(|r| {
            let role: String = r.try_get(1)?;
            let action: String = r.try_get(2)?;
            Ok(AccessRow {
                when: crate::db::format_ms(r.try_get(0)?),
                role: Role::parse(&role).unwrap_or(Role::Caseworker),
                what: action_words(&action),
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?
    } else {
        vec![]
    };
    Ok(Profile {
        name: user.name,
        email: row.try_get(0)?,
        role: user.role,
        accesses,
    })
}

#[component]
pub fn MePage() -> impl IntoView {
    view! {
        <Title text=t(Msg::MeTitle)/>
        <h1>{t(Msg::MeTitle)}</h1>
        <crate::forms::FormStatus/>
        <Loaded future=my_profile() let:profile>
            <Me profile=profile/>
        </Loaded>
        <Loaded future=crate::notifications::notification_settings() let:settings>
            <crate::notifications::NotificationsSection settings=settings/>
        </Loaded>
    }
}

#[component]
fn Me(profile: Profile) -> impl IntoView {
    let is_citizen = profile.role == Role::Citizen;
    view! {
        <dl class="facts">
            <dt>{t(Msg::CaseloadName)}</dt><dd>{profile.name}</dd>
            <dt>{t(Msg::CaseloadEmail)}</dt><dd>{profile.email.unwrap_or_default()}</dd>
            <dt>{t(Msg::AdminRole)}</dt><dd>{t(profile.role.label())}</dd>
        </dl>
        {is_citizen.then(|| view! {
            // The one place that says plainly what the caseworker can see.
            <section class="card" aria-labelledby="caseworker-sees-heading">
                <h2 id="caseworker-sees-heading">{t(Msg::MeCaseworkerSeesTitle)}</h2>
                <p>{t(Msg::MeCaseworkerSeesIntro)}</p>
                <ul>
                    <li>{t(Msg::MeSeesPlan)}</li>
                    <li>{t(Msg::MeSeesRatings)}</li>
                    <li>{t(Msg::MeSeesMessages)}</li>
                    <li>{t(Msg::MeSeesWellbeing)}</li>
                    <li>{t(Msg::MeSeesConcerns)}</li>
                </ul>
                <p>{t(Msg::MeNotSeen)}</p>
            </section>
        })}
        {is_citizen.then(|| view! {
            <section class="card" aria-labelledby="access-heading">
                <h2 id="access-heading">{t(Msg::MeWhoLooked)}</h2>
                <p>{t(Msg::MeWhoLookedIntro)}</p>
                {if profile.accesses.is_empty() {
                    view! { <p>{t(Msg::MeNobodyLooked)}</p> }.into_any()
                } else {
                    view! {
                        <DataTable caption=t(Msg::MeAccessTable) id="me-access" cards=true>
                            <thead><tr>
                                <th scope="col">{t(Msg::MeWhen)}</th>
                                <th scope="col">{t(Msg::AdminRole)}</th>
                                <th scope="col">{t(Msg::MeWhat)}</th>
                            </tr></thead>
                            <tbody>
                                {profile.accesses.into_iter().map(|a| view! {
                                    <tr><td data-label=t(Msg::MeWhen)>{a.when}</td><td data-label=t(Msg::AdminRole)>{t(a.role.label())}</td><td data-label=t(Msg::MeWhat)>{t(a.what)}</td></tr>
                                }).collect_view()}
                            </tbody>
                        </DataTable>
                    }.into_any()
                }}
            </section>
        })}
        <section class="card" aria-labelledby="devices-heading">
            <h2 id="devices-heading">{t(Msg::MeDevices)}</h2>
            <p>{t(Msg::MeDevicesIntro)}</p>
            <form method="post" action="/api/logout-everywhere" data-logout data-warn-queue=t(Msg::PwaLogoutWarnQueue)>
                <button type="submit" class="button secondary">{t(Msg::MeLogoutEverywhere)}</button>
            </form>
        </section>
    }
}
