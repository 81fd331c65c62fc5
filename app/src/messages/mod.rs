//! Message threads between a citizen and their caseworker.
use crate::error::AppError;
use crate::i18n::{fill, t, Msg};
use crate::layout::Loaded;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThreadRow {
    pub subject: String,
    pub last_message: String,
    pub unread: i64,
    pub waiting_for_you: bool,
}

#[server]
pub async fn my_threads() -> Result<Vec<ThreadRow>, AppError> {
    use crate::model::Role;
    use sqlx::Row;
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    crate::auth::policy::ensure_role(&user, Role::Citizen)?;
    let rows = sqlx::query(
        "SELECT t.subject, t.last_message_at, t.waiting_for_citizen, \
           (SELECT COUNT(*) FROM messages m WHERE m.thread_id = t.id AND m.sender_id <> $1 AND m.read_at IS NULL) \
         FROM message_threads t WHERE t.citizen_id = $1 ORDER BY t.last_message_at DESC",
    )
    .bind(&user.id)
    .fetch_all(state.db.pool())
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(ThreadRow {
                subject: r.try_get(0)?,
                last_message: crate::db::format_ms(r.try_get(1)?),
                waiting_for_you: r.try_get::<i64, _>(2)? != 0,
                unread: r.try_get(3)?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(AppError::from)
}

#[component]
pub fn MessagesPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::MessagesTitle)/>
        <h1>{t(Msg::MessagesTitle)}</h1>
        <p>{t(Msg::MessagesReplyTime)}</p>
        <Loaded future=my_threads() let:rows>
            {match rows {
                rows if rows.is_empty() => view! { <p>{t(Msg::MessagesEmpty)}</p> }.into_any(),
                rows => view! {
                    <ul class="list-rows">
                        {rows.into_iter().map(|r| view! {
                            <li>
                                <h2>{r.subject}</h2>
                                <p class="muted">{fill(t(Msg::MessagesLast), &[("when", &r.last_message)])}</p>
                                {(r.unread > 0).then(|| view! {
                                    <p><span class="badge">{r.unread}</span> " " {t(Msg::MessagesUnread)}</p>
                                })}
                                {r.waiting_for_you.then(|| view! { <p><span class="status-tag">{t(Msg::MessagesWaitingForYou)}</span></p> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </Loaded>
    }
}
