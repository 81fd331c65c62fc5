//! "Mig": the person's own settings, and who has looked at their data.
use crate::error::AppError;
use crate::i18n::{t, Msg};
use crate::layout::Title;
use crate::layout::{DataTable, Loaded};
use crate::model::{Role, TextSize};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod data;
pub mod export;
#[cfg(all(test, feature = "ssr"))]
mod export_tests;

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
    pub phone: Option<String>,
    pub role: Role,
    /// What was typed into the phone form, if the server refused it.
    pub draft: Option<crate::forms::Draft>,
    /// Staff reads of this person's data, newest first (citizens only).
    pub accesses: Vec<AccessRow>,
    pub text_size: TextSize,
    /// Whether MitID is linked (citizens, where MitID is offered).
    pub mitid: Option<bool>,
}

/// An audit row's action in words (also for the data download's page).
pub(crate) fn action_words(action: &str) -> Msg {
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
        "caseworker_assigned" => Msg::AuditCaseworkerAssigned,
        "caseworker_changed" => Msg::AuditCaseworkerChanged,
        "data_export" => Msg::AuditDataExport,
        _ => Msg::AuditOther,
    }
}

#[server]
pub async fn my_profile() -> Result<Profile, AppError> {
    #[derive(sqlx::FromRow)]
    struct ContactRow {
        email: Option<String>,
        phone: Option<String>,
    }
    #[derive(sqlx::FromRow)]
    struct AccessLogRow {
        at: i64,
        actor_role: String,
        action: String,
    }
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let row = sqlx::query_as::<_, ContactRow>("SELECT email, phone FROM users WHERE id = $1")
        .bind(&user.id)
        .fetch_one(state.db.pool())
        .await?;
    let accesses = if user.role == Role::Citizen {
        sqlx::query_as::<_, AccessLogRow>(
            "SELECT at, actor_role, action FROM audit_events WHERE citizen_id = $1 ORDER BY at DESC LIMIT 50",
        )
        .bind(&user.id)
        .fetch_all(state.db.pool())
        .await?
        .into_iter()
        .map(|r| AccessRow {
            when: crate::time::format_ms(r.at),
            role: Role::parse(&r.actor_role).unwrap_or(Role::Caseworker),
            what: action_words(&r.action),
        })
        .collect()
    } else {
        vec![]
    };
    let draft = crate::forms::take_draft(&state.db, &user, "phone").await?;
    let mitid = if user.role == Role::Citizen && state.config.oidc.citizen.is_some() {
        Some(crate::auth::oidc::has_identity(&state.db, &user.id).await?)
    } else {
        None
    };
    Ok(Profile {
        name: user.name,
        email: row.email,
        phone: row.phone,
        role: user.role,
        draft,
        accesses,
        text_size: user.text_size,
        mitid,
    })
}

/// The device's copy of the text size, for pages shown before logging in.
pub const TEXT_SIZE_COOKIE: &str = "text_size";

/// A person chooses their text size: kept with the account (a new phone
/// shows it after logging in) and in a cookie on this device (the login
/// page too). A plain form: works without JavaScript.
#[server(endpoint = "text-size")]
pub async fn set_text_size(size: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let Some(size) = TextSize::parse(&size) else {
        return crate::forms::fail("/me", AppError::invalid("text-size", Msg::ErrorInvalidChoice));
    };
    sqlx::query("UPDATE users SET text_size = $1 WHERE id = $2")
        .bind(size.as_str())
        .bind(&user.id)
        .execute(state.db.pool())
        .await?;
    let secure = if crate::state::ClientInfo::current(&state.config).https {
        "; Secure"
    } else {
        ""
    };
    crate::forms::set_header(
        http::header::SET_COOKIE,
        &format!(
            "{TEXT_SIZE_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
            size.as_str()
        ),
    );
    crate::forms::succeed("/me", Msg::MeTextSizeSaved, Some("text-size-heading"));
    Ok(())
}

/// Longest phone number as typed (spaces and a country code included).
pub const PHONE_MAX: usize = 20;

/// A phone number as people write it: digits, spaces, `+`, `-`, brackets,
/// 8 to 15 digits (a Danish number, or one with a country code). Empty is
/// "not given".
pub fn parse_phone(raw: &str) -> Result<Option<String>, AppError> {
    let phone = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if phone.is_empty() {
        return Ok(None);
    }
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = phone
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')'));
    if !allowed || !(8..=15).contains(&digits) || phone.chars().count() > PHONE_MAX {
        return Err(AppError::invalid("phone", Msg::MePhoneInvalid));
    }
    Ok(Some(phone))
}

/// A `tel:` address for a number as written (digits and a leading `+`).
pub fn tel_href(phone: &str) -> String {
    let dial: String = phone
        .chars()
        .enumerate()
        .filter(|(i, c)| c.is_ascii_digit() || (*i == 0 && *c == '+'))
        .map(|(_, c)| c)
        .collect();
    format!("tel:{dial}")
}

crate::form! {
    /// A person's own phone number (empty removes it).
    pub struct PhoneForm {
        pub phone: String,
    }
}

/// A person gives (or removes) their own phone number.
#[server(endpoint = "set-phone")]
pub async fn set_phone(#[server(flatten)] form: PhoneForm) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    match parse_phone(&form.phone) {
        Ok(parsed) => {
            sqlx::query("UPDATE users SET phone = $1 WHERE id = $2")
                .bind(parsed)
                .bind(&user.id)
                .execute(state.db.pool())
                .await?;
            crate::forms::succeed("/me", Msg::MePhoneSaved, Some("phone-heading"));
            Ok(())
        }
        Err(e) => crate::forms::fail_keeping("/me", e, "phone", &form).await,
    }
}

#[component]
pub fn MePage() -> impl IntoView {
    view! {
        <Title text=t(Msg::MeTitle) />
        <h1>{t(Msg::MeTitle)}</h1>
        <crate::forms::FormStatus />
        <Loaded future=my_profile() let:profile>
            <Me profile=profile />
        </Loaded>
        <Loaded future=crate::notifications::notification_settings() let:settings>
            <crate::notifications::NotificationsSection settings=settings />
        </Loaded>
    }
}

#[component]
fn Me(profile: Profile) -> impl IntoView {
    provide_context(profile.draft.clone().unwrap_or_default());
    let is_citizen = profile.role == Role::Citizen;
    view! {
        <dl class="facts">
            <dt>{t(Msg::CaseloadName)}</dt>
            <dd>{profile.name}</dd>
            <dt>{t(Msg::CaseloadEmail)}</dt>
            <dd>{profile.email.unwrap_or_default()}</dd>
            <dt>{t(Msg::AdminRole)}</dt>
            <dd>{t(profile.role.label())}</dd>
        </dl>
        <section class="card" aria-labelledby="text-size-heading">
            <h2 id="text-size-heading">{t(Msg::MeTextSizeTitle)}</h2>
            <form method="post" action="/api/text-size" novalidate class="stack">
                <fieldset id="text-size" class="scale">
                    <legend>{t(Msg::MeTextSizeLegend)}</legend>
                    {TextSize::ALL
                        .into_iter()
                        .map(|size| {
                            let id = format!("text-size-{}", size.as_str());
                            view! {
                                <div class="choice">
                                    <input
                                        type="radio"
                                        id=id.clone()
                                        name="size"
                                        value=size.as_str()
                                        checked=size == profile.text_size
                                    />
                                    <label for=id>{t(size.label())}</label>
                                </div>
                            }
                        })
                        .collect_view()}
                </fieldset>
                <button type="submit" class="button secondary">
                    {t(Msg::MeTextSizeSave)}
                </button>
            </form>
        </section>
        {profile
            .mitid
            .map(|linked| {
                view! {
                    <section class="card" aria-labelledby="mitid-heading">
                        <h2 id="mitid-heading">{t(Msg::AuthMitidHeading)}</h2>
                        {if linked {
                            view! { <p>{t(Msg::AuthMitidIsLinked)}</p> }.into_any()
                        } else {
                            view! {
                                <p>{t(Msg::AuthMitidLinkIntro)}</p>
                                <form method="post" action="/auth/oidc/citizen" novalidate>
                                    <input type="hidden" name="link" value="1" />
                                    <button type="submit" class="button secondary">
                                        {t(Msg::AuthMitidLinkButton)}
                                    </button>
                                </form>
                            }
                                .into_any()
                        }}
                    </section>
                }
                    .into_any()
            })}
        <section class="card" aria-labelledby="phone-heading">
            <h2 id="phone-heading">{t(Msg::MePhoneTitle)}</h2>
            <form method="post" action="/api/set-phone" novalidate class="stack">
                <crate::forms::TextField
                    name="phone"
                    label=Msg::MePhone
                    kind="tel"
                    autocomplete="tel"
                    maxlength=PHONE_MAX
                    hint=Msg::MePhoneIntro
                    value=profile.phone.unwrap_or_default()
                />
                <button type="submit" class="button secondary">
                    {t(Msg::MePhoneSave)}
                </button>
            </form>
        </section>
        {is_citizen
            .then(|| {
                view! {
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
                }
            })}
        {is_citizen
            .then(|| {
                view! {
                    <section class="card" aria-labelledby="access-heading">
                        <h2 id="access-heading">{t(Msg::MeWhoLooked)}</h2>
                        <p>{t(Msg::MeWhoLookedIntro)}</p>
                        {if profile.accesses.is_empty() {
                            view! { <p>{t(Msg::MeNobodyLooked)}</p> }.into_any()
                        } else {
                            view! {
                                <DataTable caption=t(Msg::MeAccessTable) id="me-access" cards=true>
                                    <thead>
                                        <tr>
                                            <th scope="col">{t(Msg::MeWhen)}</th>
                                            <th scope="col">{t(Msg::AdminRole)}</th>
                                            <th scope="col">{t(Msg::MeWhat)}</th>
                                        </tr>
                                    </thead>
                                    <tbody>
                                        {profile
                                            .accesses
                                            .into_iter()
                                            .map(|a| {
                                                view! {
                                                    <tr>
                                                        <td data-label=t(Msg::MeWhen)>{a.when}</td>
                                                        <td data-label=t(Msg::AdminRole)>{t(a.role.label())}</td>
                                                        <td data-label=t(Msg::MeWhat)>{t(a.what)}</td>
                                                    </tr>
                                                }
                                            })
                                            .collect_view()}
                                    </tbody>
                                </DataTable>
                            }
                                .into_any()
                        }}
                    </section>
                }
            })}
        {is_citizen
            .then(|| {
                view! {
                    <section class="card" aria-labelledby="export-heading">
                        <h2 id="export-heading">{t(Msg::MeExportTitle)}</h2>
                        <p>{t(Msg::MeExportIntro)}</p>
                        <p>
                            <a href="/me/data">{t(Msg::MeExportLink)}</a>
                        </p>
                    </section>
                }
            })}
        <section class="card" aria-labelledby="devices-heading">
            <h2 id="devices-heading">{t(Msg::MeDevices)}</h2>
            <p>{t(Msg::MeDevicesIntro)}</p>
            <form
                method="post"
                action="/api/logout-everywhere"
                novalidate
                data-logout
                data-warn-queue=t(Msg::PwaLogoutWarnQueue)
            >
                <button type="submit" class="button secondary">
                    {t(Msg::MeLogoutEverywhere)}
                </button>
            </form>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phone_number_is_kept_as_written_or_refused_on_its_field() {
        assert_eq!(parse_phone("  20 12  34 56 "), Ok(Some("20 12 34 56".into())));
        assert_eq!(parse_phone("+45 20123456"), Ok(Some("+45 20123456".into())));
        assert_eq!(parse_phone(""), Ok(None));
        for bad in ["2012345", "ring til mig", "20 12 34 56 ext 7", "1234567890123456"] {
            assert_eq!(
                parse_phone(bad),
                Err(AppError::invalid("phone", Msg::MePhoneInvalid)),
                "{bad}"
            );
        }
        assert_eq!(tel_href("+45 20 12-34 56"), "tel:+4520123456");
        assert_eq!(tel_href("(20) 12 34 56"), "tel:20123456");
    }
}
