//! Retention: a citizen's personal data is removed a configured number of
//! years after their last course ended, and the access log about them a
//! (longer or equal) number of years after that same day. The server's
//! housekeeping loop runs it; the administrator sees beforehand how much
//! the next run removes (counts only, never whose or what).
//!
//! "Ended": the citizen has no active course, and the day is the latest
//! planned end of their courses (`courses.planned_end_date`). Removing
//! means: every row about the citizen's courses, wellbeing, concerns,
//! messages, devices and sessions is deleted, and the account becomes an
//! empty stub (no name, address, phone or password; `anonymised_at`) that
//! holds the access log, with the end day kept on it. When the log's period
//! has passed too, the log and the stub go. Citizens who never had a course
//! are left alone (nothing says when their course ended).
use crate::error::AppError;
use crate::i18n::{t, texts, tf, Msg};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub mod data;
#[cfg(all(test, feature = "ssr"))]
mod tests;

/// The periods, from the server's configuration (see README, "Configuration").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetentionPolicy {
    /// `MITFORLOB_RETENTION_YEARS`: years after the course's end before the
    /// citizen's data is removed.
    pub data_years: i64,
    /// `MITFORLOB_ACCESS_LOG_RETENTION_YEARS`: years after the course's end
    /// before the access log about the citizen is removed; never fewer than
    /// `data_years` (the configuration refuses that).
    pub access_log_years: i64,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        RetentionPolicy {
            data_years: 5,
            access_log_years: 10,
        }
    }
}

/// What one run removes (or removed): counts only.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionCounts {
    /// Citizens whose data is removed (their account becomes a stub).
    pub citizens: i64,
    pub courses: i64,
    pub activities: i64,
    pub wellbeing_entries: i64,
    pub who5_responses: i64,
    pub concerns: i64,
    pub messages: i64,
    /// Access-log rows whose own period has passed.
    pub access_log_rows: i64,
    /// Stubs removed with their access log.
    pub stubs: i64,
}

impl RetentionCounts {
    pub fn is_empty(&self) -> bool {
        *self == RetentionCounts::default()
    }
}

/// The administrator's view of the next run: the periods, and how much it
/// would remove.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RetentionOutlook {
    pub data_years: i64,
    pub access_log_years: i64,
    pub next_run: RetentionCounts,
}

#[server]
pub async fn retention_preview() -> Result<RetentionOutlook, AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let access = crate::auth::policy::admin(&user)?;
    let policy = state.config.retention;
    Ok(RetentionOutlook {
        data_years: policy.data_years,
        access_log_years: policy.access_log_years,
        next_run: data::preview(&state.db, &access, policy, crate::time::now_ms()).await?,
    })
}

/// On the administrator's page: the periods and the next run's counts.
#[component]
pub fn RetentionSection() -> impl IntoView {
    view! {
        <crate::layout::Loaded future=retention_preview() let:preview>
            <RetentionCountsView preview=preview />
        </crate::layout::Loaded>
    }
}

#[component]
fn RetentionCountsView(preview: RetentionOutlook) -> impl IntoView {
    let periods = tf(texts::RetentionPeriods {
        data: &preview.data_years.to_string(),
        log: &preview.access_log_years.to_string(),
    });
    let c = preview.next_run;
    let rows = [
        (Msg::RetentionCitizens, c.citizens),
        (Msg::RetentionCourses, c.courses),
        (Msg::RetentionActivities, c.activities),
        (Msg::RetentionWellbeing, c.wellbeing_entries),
        (Msg::RetentionWho5, c.who5_responses),
        (Msg::RetentionConcerns, c.concerns),
        (Msg::RetentionMessages, c.messages),
        (Msg::RetentionAccessLog, c.access_log_rows),
        (Msg::RetentionStubs, c.stubs),
    ];
    view! {
        <section class="card" aria-labelledby="retention-heading">
            <h2 id="retention-heading">{t(Msg::RetentionTitle)}</h2>
            <p>{periods}</p>
            <p>{t(Msg::RetentionNextRun)}</p>
            <dl class="facts">
                {rows
                    .into_iter()
                    .map(|(label, n)| {
                        view! {
                            <dt>{t(label)}</dt>
                            <dd>{n}</dd>
                        }
                    })
                    .collect_view()}
            </dl>
        </section>
    }
}
