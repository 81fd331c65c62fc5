//! The pages and forms of password recovery; the rules and the reasoning
//! behind them are in `auth::reset`.
use super::password_fields::NewPasswordFields;
use super::PASSWORD_MIN;
use crate::error::AppError;
use crate::forms::{FormStatus, TextField};
use crate::i18n::{t, texts, tf, Msg};
use crate::layout::{DataTable, Loaded};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PendingRow {
    pub id: String,
    pub name: String,
    pub email: String,
    pub started: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResetQueue {
    pub rows: Vec<PendingRow>,
    /// A second code just made: (citizen's name, code), shown once.
    pub new_code: Option<(String, String)>,
}

/// Where a refused form goes back to: the citizen's page when the id looks
/// like one of ours, else the caseload.
#[cfg(feature = "ssr")]
fn citizen_page(id: &str) -> String {
    if !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        format!("/caseload/citizens/{id}")
    } else {
        "/caseload".into()
    }
}

/// The caseworker starts a reset for an activated citizen.
#[server(endpoint = "start-password-reset")]
pub async fn start_password_reset(citizen_id: String) -> Result<(), AppError> {
    use super::{reset, session, Flash};
    use crate::forms::fail;
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let page = citizen_page(&citizen_id);
    let started = async {
        use crate::auth::policy::{caseworker_of, Use};
        let access = caseworker_of(&state.db, &user, &citizen_id, Use::Write).await?;
        reset::start(&state.db, &access, state.config.activation_ms).await
    }
    .await;
    match started {
        Ok((code, expires)) => {
            let flash = Flash::ResetCode {
                for_id: citizen_id,
                code,
                expires: crate::time::format_ms(expires),
            };
            session::set_flash(&state.db, &user.session_key, &flash).await?;
            crate::input::redirect(&page);
            Ok(())
        }
        Err(e) => fail(&page, e),
    }
}

#[server]
pub async fn pending_resets() -> Result<ResetQueue, AppError> {
    use super::{reset, session, Flash};
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let rows = reset::pending(&state.db, &user)
        .await?
        .into_iter()
        .map(|p| PendingRow {
            id: p.id,
            name: p.citizen_name,
            email: p.citizen_email.unwrap_or_default(),
            started: crate::time::format_ms(p.started_at),
        })
        .collect();
    // The administrator's page has other one-time messages (a staff code, a
    // kept form): take only a reset code.
    let mine = |f: &Flash| matches!(f, Flash::ResetCode { .. });
    let new_code = match session::take_flash_if(&state.db, &user.session_key, mine).await? {
        Some(Flash::ResetCode { for_id, code, .. }) => Some((for_id, code)),
        _ => None,
    };
    Ok(ResetQueue { rows, new_code })
}

/// An administrator confirms a reset and gets the second code.
#[server(endpoint = "confirm-password-reset")]
pub async fn confirm_password_reset(reset_id: String) -> Result<(), AppError> {
    use super::{reset, session, Flash};
    use crate::forms::fail;
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    match reset::confirm(&state.db, &user, &reset_id).await {
        Ok((code, name)) => {
            let flash = Flash::ResetCode {
                for_id: name,
                code,
                expires: String::new(),
            };
            session::set_flash(&state.db, &user.session_key, &flash).await?;
            leptos_axum::redirect("/admin#resets-heading");
            Ok(())
        }
        Err(e) => fail("/admin", e),
    }
}

crate::form! {
    /// A new password, with the code from the caseworker and the second
    /// code from the administrator.
    pub struct ResetForm {
        pub code: String,
        pub second_code: String,
        pub password: crate::forms::Password,
        pub password_repeat: crate::forms::Password,
    }
}

/// The citizen sets a new password with the two codes.
#[server(endpoint = "reset-password")]
pub async fn reset_password(#[server(flatten)] form: ResetForm) -> Result<(), AppError> {
    use super::reset;
    let state = crate::state::app_state()?;
    let (password, repeat) = (
        form.password.clone().reveal(),
        form.password_repeat.clone().reveal(),
    );
    match reset::complete(&state.db, &form.code, &form.second_code, password, repeat).await {
        Ok(_) => {
            crate::forms::succeed("/login", Msg::AuthResetDone, None);
            Ok(())
        }
        // Both codes come back; the passwords are typed again.
        Err(e) => crate::forms::fail_keeping_anonymous("/reset", e, "reset", &form).await,
    }
}

/// `/reset`: where the citizen uses the two codes.
#[component]
pub fn ResetPage() -> impl IntoView {
    provide_context(crate::forms::anonymous_draft("reset").unwrap_or_default());
    view! {
        <div class="login-page stack">
            <h1>{t(Msg::ResetTitle)}</h1>
            <p>{t(Msg::ResetIntro)}</p>
            <FormStatus />
            <form method="post" action="/api/reset-password" novalidate class="stack">
                <TextField
                    name="code"
                    label=Msg::ResetCodeA
                    autocomplete="off"
                    required=true
                    hint=Msg::AuthActivationCodeHint
                />
                <TextField name="second_code" label=Msg::ResetCodeB autocomplete="off" required=true />
                <NewPasswordFields texts=super::password_texts() min=PASSWORD_MIN />
                <button type="submit" class="button">
                    {t(Msg::ResetButton)}
                </button>
            </form>
        </div>
    }
}

/// On the caseworker's page of an activated citizen.
#[component]
pub fn StartResetForm(citizen_id: String) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="reset-heading">
            <h2 id="reset-heading">{t(Msg::ResetStartTitle)}</h2>
            <p>{t(Msg::ResetStartIntro)}</p>
            <form method="post" action="/api/start-password-reset" novalidate>
                <input type="hidden" name="citizen_id" value=citizen_id />
                <button type="submit" class="button secondary">
                    {t(Msg::ResetStartButton)}
                </button>
            </form>
        </section>
    }
}

/// The caseworker's code A, shown once after starting a reset.
#[component]
pub fn ResetCodeShown(code: String, expires: String) -> impl IntoView {
    view! {
        <div class="alert alert-success" role="status">
            <p>
                <strong>{t(Msg::FormNoticeLead)}</strong>
                " "
                {t(Msg::ResetStarted)}
            </p>
            <p class="code-box">{code}</p>
            <p>
                {tf(texts::CaseloadCodeExpires {
                    when: &expires,
                })}
            </p>
            <p>{t(Msg::ResetHandOverA)}</p>
        </div>
    }
}

/// The administrator's list of resets to confirm.
#[component]
pub fn PendingResetsSection() -> impl IntoView {
    view! {
        <Loaded future=pending_resets() let:data>
            <PendingResetsList data=data />
        </Loaded>
    }
}

#[component]
fn PendingResetsList(data: ResetQueue) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="resets-heading">
            <h2 id="resets-heading">{t(Msg::ResetPendingTitle)}</h2>
            <p>{t(Msg::ResetPendingIntro)}</p>
            {data
                .new_code
                .map(|(name, code)| {
                    view! {
                        <div class="alert alert-success" role="status">
                            <p>
                                <strong>{t(Msg::FormNoticeLead)}</strong>
                                " "
                                {tf(texts::ResetConfirmed {
                                    name: &name,
                                })}
                            </p>
                            <p class="code-box">{code}</p>
                            <p>{t(Msg::ResetHandOverB)}</p>
                        </div>
                    }
                })}
            {if data.rows.is_empty() {
                view! { <p>{t(Msg::ResetPendingNone)}</p> }.into_any()
            } else {
                view! {
                    <DataTable caption=t(Msg::ResetPendingTitle) id="pending-resets">
                        <thead>
                            <tr>
                                <th scope="col">{t(Msg::CaseloadName)}</th>
                                <th scope="col">{t(Msg::CaseloadEmail)}</th>
                                <th scope="col">{t(Msg::AdminSent)}</th>
                                <th scope="col">
                                    <span class="visually-hidden">{t(Msg::ResetConfirmButton)}</span>
                                </th>
                            </tr>
                        </thead>
                        <tbody>
                            {data
                                .rows
                                .into_iter()
                                .map(|r| {
                                    view! {
                                        <tr>
                                            <th scope="row">{r.name}</th>
                                            <td>{r.email}</td>
                                            <td>{r.started}</td>
                                            <td>
                                                <form
                                                    method="post"
                                                    action="/api/confirm-password-reset"
                                                    novalidate
                                                >
                                                    <input type="hidden" name="reset_id" value=r.id />
                                                    <button type="submit" class="button secondary">
                                                        {t(Msg::ResetConfirmButton)}
                                                    </button>
                                                </form>
                                            </td>
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
}
