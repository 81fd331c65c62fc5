//! Health concerns: second-opinion requests to the region's health coordinator.
use crate::error::AppError;
use crate::i18n::{fill, t, Msg};
use crate::layout::{DataTable, Loaded};
use crate::model::ConcernState;
use leptos::prelude::*;
use leptos_meta::Title;
use serde::{Deserialize, Serialize};

#[cfg(all(test, feature = "ssr"))]
mod tests;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueRow {
    pub citizen_name: String,
    pub sent: String,
    pub days_waiting: i64,
    pub state: ConcernState,
}

/// The coordinator's open requests, oldest first. Each citizen shown is a
/// staff read and is audited.
#[cfg(feature = "ssr")]
pub async fn queue(
    db: &crate::db::Db,
    viewer: &crate::model::CurrentUser,
) -> Result<Vec<QueueRow>, AppError> {
    use crate::audit::{record_read, AuditAction};
    use sqlx::Row;
    crate::auth::policy::ensure_role(viewer, crate::model::Role::HealthCoordinator)?;
    let rows = sqlx::query(
        "SELECT c.citizen_id, u.display_name, c.created_at, c.state FROM health_concerns c \
         JOIN users u ON u.id = c.citizen_id \
         WHERE c.coordinator_id = $1 AND c.state NOT IN ('answered', 'withdrawn') ORDER BY c.created_at",
    )
    .bind(&viewer.id)
    .fetch_all(db.pool())
    .await?;
    let now = crate::db::now_ms();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let citizen_id: String = r.try_get(0)?;
        let created: i64 = r.try_get(2)?;
        let state: String = r.try_get(3)?;
        record_read(
            db,
            viewer,
            &citizen_id,
            AuditAction::ConcernQueue,
            "second_opinion",
        )
        .await?;
        out.push(QueueRow {
            citizen_name: r.try_get(1)?,
            sent: crate::db::format_ms(created),
            days_waiting: (now - created) / 86_400_000,
            state: ConcernState::parse(&state).ok_or(AppError::Internal)?,
        });
    }
    Ok(out)
}

#[server]
pub async fn my_requests() -> Result<Vec<QueueRow>, AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    queue(&state.db, &user).await
}

#[component]
pub fn QueuePage() -> impl IntoView {
    view! {
        <Title text=t(Msg::RequestsTitle)/>
        <h1>{t(Msg::RequestsTitle)}</h1>
        <Loaded future=my_requests() let:rows>
            {match rows {
                rows if rows.is_empty() => view! { <p>{t(Msg::RequestsEmpty)}</p> }.into_any(),
                rows => view! {
                    <DataTable caption=t(Msg::RequestsCaption) id="requests">
                        <thead><tr>
                            <th scope="col">{t(Msg::RequestsCitizen)}</th>
                            <th scope="col">{t(Msg::RequestsSent)}</th>
                            <th scope="col">{t(Msg::RequestsWaiting)}</th>
                            <th scope="col">{t(Msg::RequestsState)}</th>
                        </tr></thead>
                        <tbody>
                            {rows.into_iter().map(|r| view! {
                                <tr>
                                    <th scope="row">{r.citizen_name}</th>
                                    <td>{r.sent}</td>
                                    <td>{fill(t(Msg::RequestsDays), &[("days", &r.days_waiting.to_string())])}</td>
                                    <td>{t(r.state.label())}</td>
                                </tr>
                            }).collect_view()}
                        </tbody>
                    </DataTable>
                }.into_any(),
            }}
        </Loaded>
    }
}
