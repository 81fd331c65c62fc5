//! The health coordinator's side: the queue of requests assigned to them and
//! one request with its actions. The coordinator sees a citizen only through
//! a request; every read is audited. Also the administrator's list of
//! requests no coordinator covers yet (no content, only when and where from).
use super::{
    ConcernAnswer, ConcernFacts, ConcernProgress, ConcernView, UnassignedRequest, PLACE_MAX, REASONS_MAX,
};
use crate::error::AppError;
use crate::forms::{Choices, Draft, FormStatus, TextArea, TextField};
use crate::i18n::{t, tn, Msg, Plural};
use crate::layout::Title;
use crate::layout::{DataTable, Loaded};
use crate::model::{ConcernOutcome, ConcernState};
use crate::plan::{ActivityFacts, CourseFacts, CourseView};
use crate::wellbeing::{Day, WellbeingChart, WellbeingTable};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueueRow {
    pub id: String,
    pub citizen_name: String,
    pub sent: String,
    pub days_waiting: i64,
    pub state: ConcernState,
}

/// One request as its coordinator works on it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RequestView {
    pub concern: ConcernView,
    pub course: Option<CourseView>,
    pub caseworker: Option<(String, Option<String>)>,
    /// The citizen's phone, where they gave one: the coordinator books by phone too.
    pub citizen_phone: Option<String>,
    /// Only what the citizen shared, and only if they attached it.
    pub wellbeing: Option<Vec<Day>>,
    pub draft: Option<Draft>,
}

/// The coordinator's open requests, oldest first. Each citizen shown is a
/// staff read and is audited.
#[cfg(feature = "ssr")]
pub async fn queue(
    db: &crate::db::Db,
    viewer: &crate::model::CurrentUser,
) -> Result<Vec<QueueRow>, AppError> {
    use crate::audit::AuditAction;
    #[derive(sqlx::FromRow)]
    struct OpenConcernRow {
        id: String,
        citizen_id: String,
        display_name: String,
        created_at: i64,
        state: String,
    }
    let list = crate::auth::policy::list(viewer, crate::model::Role::HealthCoordinator)?;
    let rows = sqlx::query_as::<_, OpenConcernRow>(
        "SELECT c.id, c.citizen_id, u.display_name, c.created_at, c.state FROM health_concerns c \
         JOIN users u ON u.id = c.citizen_id \
         WHERE c.coordinator_id = $1 AND c.state NOT IN ('answered', 'withdrawn') ORDER BY c.created_at",
    )
    .bind(&viewer.id)
    .fetch_all(db.pool())
    .await?;
    let now = crate::time::now_ms();
    let mut out = Vec::with_capacity(rows.len());
    let mut shown = Vec::with_capacity(rows.len());
    for r in rows {
        shown.push(r.citizen_id);
        out.push(QueueRow {
            id: r.id,
            citizen_name: r.display_name,
            sent: crate::time::format_ms(r.created_at),
            days_waiting: (now - r.created_at) / 86_400_000,
            state: ConcernState::parse(&r.state).ok_or(AppError::Internal)?,
        });
    }
    list.shown(db, shown, AuditAction::ConcernQueue, "second_opinion")
        .await?;
    Ok(out)
}

/// A request for its coordinator: the concern, the activity, the course and
/// the shared wellbeing if attached. The access comes from
/// `policy::coordinator_request`, whose one audit row covers the page.
#[cfg(feature = "ssr")]
pub async fn request(
    db: &crate::db::Db,
    access: &crate::auth::policy::ConcernAccess,
) -> Result<RequestView, AppError> {
    #[derive(sqlx::FromRow)]
    struct CaseworkerRow {
        display_name: String,
        phone: Option<String>,
    }
    let concern = super::data::concern(db, access).await?;
    let caseworker = sqlx::query_as::<_, CaseworkerRow>(
        "SELECT u.display_name, u.phone FROM caseload_assignments a JOIN users u ON u.id = a.caseworker_id \
         WHERE a.citizen_id = $1 AND a.ended_at IS NULL ORDER BY a.assigned_at DESC LIMIT 1",
    )
    .bind(access.citizen_id())
    .fetch_optional(db.pool())
    .await?
    .map(|r| (r.display_name, r.phone));
    let citizen_phone = sqlx::query_scalar::<_, Option<String>>("SELECT phone FROM users WHERE id = $1")
        .bind(access.citizen_id())
        .fetch_optional(db.pool())
        .await?
        .flatten();
    let wellbeing = if access.attach_wellbeing() {
        Some(crate::wellbeing::data::request_days(db, access).await?)
    } else {
        None
    };
    Ok(RequestView {
        course: crate::plan::data::course_by_id(db, &concern.course_id).await?,
        caseworker,
        citizen_phone,
        wellbeing,
        draft: None,
        concern,
    })
}

#[server]
pub async fn my_requests() -> Result<Vec<QueueRow>, AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    queue(&state.db, &user).await
}

#[server]
pub async fn get_request(concern_id: String) -> Result<RequestView, AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let access = crate::auth::policy::coordinator_request(&state.db, &user, &concern_id).await?;
    let mut view = request(&state.db, &access).await?;
    let flash = crate::auth::session::take_flash(&state.db, &user.session_key).await?;
    view.draft = crate::forms::draft_for(&flash, &format!("request:{concern_id}"));
    Ok(view)
}

#[component]
pub fn QueuePage() -> impl IntoView {
    view! {
        <Title text=t(Msg::RequestsTitle) />
        <h1>{t(Msg::RequestsTitle)}</h1>
        <Loaded future=my_requests() let:rows>
            {match rows {
                rows if rows.is_empty() => view! { <p>{t(Msg::RequestsEmpty)}</p> }.into_any(),
                rows => {
                    view! {
                        <DataTable caption=t(Msg::RequestsCaption) id="requests">
                            <thead>
                                <tr>
                                    <th scope="col">{t(Msg::RequestsCitizen)}</th>
                                    <th scope="col">{t(Msg::RequestsSent)}</th>
                                    <th scope="col">{t(Msg::RequestsWaiting)}</th>
                                    <th scope="col">{t(Msg::RequestsState)}</th>
                                </tr>
                            </thead>
                            <tbody>
                                {rows
                                    .into_iter()
                                    .map(|r| {
                                        view! {
                                            <tr>
                                                <th scope="row">
                                                    <a href=format!("/requests/{}", r.id)>{r.citizen_name}</a>
                                                </th>
                                                <td>{r.sent}</td>
                                                <td>{tn(Plural::RequestsDays, r.days_waiting)}</td>
                                                <td>{t(r.state.label())}</td>
                                            </tr>
                                        }
                                    })
                                    .collect_view()}
                            </tbody>
                        </DataTable>
                    }
                        .into_any()
                }
            }}
        </Loaded>
    }
}

/// `/requests/:id`: one request and what the coordinator can do next.
#[component]
pub fn RequestPage() -> impl IntoView {
    let id = leptos_router::hooks::use_params_map()
        .get_untracked()
        .get("id")
        .unwrap_or_default();
    view! {
        <Title text=t(Msg::ConcernTitle) />
        <p>
            <a href="/requests">{t(Msg::RequestBack)}</a>
        </p>
        <h1>{t(Msg::ConcernTitle)}</h1>
        <FormStatus />
        <Loaded future=get_request(id) let:request>
            <Request request=request />
        </Loaded>
    }
}

#[component]
fn Request(request: RequestView) -> impl IntoView {
    provide_context(request.draft.clone().unwrap_or_default());
    let concern = dated(request.concern);
    let course = request.course.map(|mut c| {
        for d in [
            &mut c.start,
            &mut c.planned_end,
            &mut c.six_month_right,
            &mut c.limit,
        ] {
            *d = with_weekday(d);
        }
        c.timeline.today_label = with_weekday(&c.timeline.today_label);
        c
    });
    // Read before acting: the citizen's own words, the activity, the course
    // and what they shared come first; the forms after them.
    view! {
        <p>
            <strong>{t(Msg::RequestCitizen)} ": "</strong>
            {concern.citizen_name.clone()}
            " · "
            <span class="status-tag">{t(concern.state.label())}</span>
        </p>
        <section class="card" aria-labelledby="words-heading">
            <h2 id="words-heading">{t(Msg::ConcernTheirWords)}</h2>
            <ConcernFacts concern=concern.clone() />
            <dl class="facts">
                <dt>{t(Msg::AdminSent)}</dt>
                <dd>{concern.sent.clone()}</dd>
                <dt>{t(Msg::RequestCitizenPhone)}</dt>
                <dd>
                    {match request.citizen_phone {
                        Some(p) => {
                            let href = crate::me::tel_href(&p);
                            view! { <a href=href>{p}</a> }.into_any()
                        }
                        None => t(Msg::MePhoneNone).into_any(),
                    }}
                </dd>
                {request
                    .caseworker
                    .map(|(name, phone)| {
                        view! {
                            <dt>{t(Msg::RequestCaseworker)}</dt>
                            <dd>{name}{phone.map(|p| format!(", {p}"))}</dd>
                        }
                    })}
            </dl>
        </section>
        {concern
            .activity
            .clone()
            .map(|a| {
                view! {
                    <section class="card" aria-labelledby="activity-heading">
                        <h2 id="activity-heading">{t(Msg::ConcernAboutActivity)}</h2>
                        <p>
                            <strong>{a.title.clone()}</strong>
                            " "
                            <span class="status-tag">{t(a.status.label())}</span>
                        </p>
                        <ActivityFacts activity=a />
                    </section>
                }
            })}
        {course.map(|c| view! { <CourseFacts course=c staff=true /> })}
        <section class="card" aria-labelledby="wellbeing-heading">
            <h2 id="wellbeing-heading">{t(Msg::RequestWellbeing)}</h2>
            {match request.wellbeing {
                None => view! { <p>{t(Msg::RequestWellbeingNotAttached)}</p> }.into_any(),
                Some(days) if days.is_empty() => view! { <p>{t(Msg::RequestWellbeingNone)}</p> }.into_any(),
                Some(days) => {
                    view! {
                        <WellbeingChart days=days.clone() span=90 />
                        <WellbeingTable days=days own=false />
                    }
                        .into_any()
                }
            }}
        </section>
        <section class="card" aria-labelledby="progress-heading">
            <h2 id="progress-heading">{t(Msg::ConcernProgress)}</h2>
            <ConcernProgress concern=concern.clone() />
        </section>
        <ConcernAnswer concern=concern.clone() for_citizen=false />
        <Actions concern=concern />
    }
}

/// A date (`dd.mm.yyyy`, maybe with a time after it) with its weekday in
/// front, so "a Saturday" is seen, not worked out. Anything else is left as is.
pub fn with_weekday(text: &str) -> String {
    let parsed = text.get(..10).and_then(|d| {
        let mut parts = d.split('.');
        let day: u32 = parts.next()?.parse().ok()?;
        let month: u32 = parts.next()?.parse().ok()?;
        let year: i32 = parts.next()?.parse().ok()?;
        ((1..=12).contains(&month) && (1..=31).contains(&day)).then(|| weekday(year, month, day))
    });
    let Some(n) = parsed else {
        return text.to_string();
    };
    let name = [
        Msg::WeekdaySunday,
        Msg::WeekdayMonday,
        Msg::WeekdayTuesday,
        Msg::WeekdayWednesday,
        Msg::WeekdayThursday,
        Msg::WeekdayFriday,
        Msg::WeekdaySaturday,
    ][n];
    format!("{} {text}", t(name))
}

/// The day of the week of a Gregorian date, 0 = Sunday (Sakamoto's method:
/// plain arithmetic, so the page needs no date library in the browser).
fn weekday(year: i32, month: u32, day: u32) -> usize {
    const OFFSET: [i32; 12] = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];
    let y = if month < 3 { year - 1 } else { year };
    let n = y + y / 4 - y / 100 + y / 400 + OFFSET[month as usize - 1] + day as i32;
    n.rem_euclid(7) as usize
}

/// The request's dates, each with its weekday.
fn dated(mut c: ConcernView) -> ConcernView {
    c.sent = with_weekday(&c.sent);
    c.conversation_at = c.conversation_at.map(|d| with_weekday(&d));
    c.expected_by = c.expected_by.map(|d| with_weekday(&d));
    for e in &mut c.events {
        e.when = with_weekday(&e.when);
    }
    if let Some(a) = &mut c.activity {
        a.when = with_weekday(&a.when);
        a.until = a.until.as_deref().map(with_weekday);
    }
    c
}

/// The forms for the steps that are legal from the request's state.
#[component]
fn Actions(concern: ConcernView) -> impl IntoView {
    use crate::model::Role::HealthCoordinator as Me;
    let state = concern.state;
    let id = concern.id;
    if !state.is_open() {
        return view! { <p class="alert alert-info">{t(Msg::RequestClosed)}</p> }.into_any();
    }
    let plain = |to: ConcernState, label: Msg| {
        state.can_move_to(to, Me).then(|| {
            view! {
                <form method="post" action="/api/concern-step" novalidate>
                    <input type="hidden" name="concern_id" value=id.clone() />
                    <input type="hidden" name="step" value=to.as_str() />
                    <button type="submit" class="button">
                        {t(label)}
                    </button>
                </form>
            }
        })
    };
    let acknowledge = plain(ConcernState::Received, Msg::RequestAcknowledge);
    let start = plain(ConcernState::BeingAssessed, Msg::RequestStart);
    let can_book = state.can_move_to(ConcernState::ConversationBooked, Me);
    let booked = state == ConcernState::ConversationBooked;
    let can_answer = state.can_move_to(ConcernState::Answered, Me);
    let outcomes = ConcernOutcome::ALL
        .into_iter()
        .map(|o| (o.number(), o.label()))
        .collect();
    // A weekend date was sent: the form asks to confirm it, and stays open.
    let weekend_asked = crate::forms::query_error().is_some_and(|(m, _)| m == Msg::RequestWeekendConfirm);
    let book_id = id.clone();
    let booking_form = move || {
        view! {
            <form method="post" action="/api/book-conversation" novalidate class="stack">
                <input type="hidden" name="concern_id" value=book_id.clone() />
                <TextField name="date" label=Msg::RequestDate kind="date" required=true />
                {weekend_asked
                    .then(|| {
                        view! {
                            <div class="choice">
                                <input type="checkbox" id="weekend_ok" name="weekend_ok" value="yes" />
                                <label for="weekend_ok">{t(Msg::RequestWeekendOk)}</label>
                            </div>
                        }
                    })}
                <TextField name="time" label=Msg::RequestTime kind="time" required=true />
                <TextField
                    name="place"
                    label=Msg::RequestPlace
                    hint=Msg::RequestPlaceHint
                    required=true
                    maxlength=PLACE_MAX
                />
                <button type="submit" class="button">
                    {t(if booked { Msg::RequestMove } else { Msg::RequestBook })}
                </button>
            </form>
        }
    };
    view! {
        <section class="card" aria-labelledby="actions-heading" id="state">
            <h2 id="actions-heading">{t(Msg::RequestActions)}</h2>
            {acknowledge}
            {start}
            {(can_book && !booked)
                .then(|| {
                    view! {
                        <h3>{t(Msg::RequestBookTitle)}</h3>
                        {booking_form()}
                    }
                })}
            // Once booked, the form is out of the way until it is wanted.
            {(can_book && booked)
                .then(|| {
                    view! {
                        <details
                            class="move-conversation"
                            open=weekend_asked
                                || crate::forms::query_error()
                                    .is_some_and(|(_, f)| {
                                        matches!(f.as_deref(), Some("date" | "time" | "place"))
                                    })
                        >
                            <summary>{t(Msg::RequestMove)}</summary>
                            {booking_form()}
                        </details>
                    }
                })}
            {can_answer
                .then(|| {
                    view! {
                        <h3>{t(Msg::RequestAnswerTitle)}</h3>
                        <form method="post" action="/api/answer-concern" novalidate class="stack">
                            <input type="hidden" name="concern_id" value=id.clone() />
                            <Choices
                                id="outcome".to_string()
                                name="outcome".to_string()
                                legend=t(Msg::RequestOutcome).to_string()
                                options=outcomes
                            />
                            <TextArea
                                name="reasons"
                                label=Msg::RequestReasons
                                hint=Msg::RequestReasonsHint
                                required=true
                                maxlength=REASONS_MAX
                                rows=6
                            />
                            <button type="submit" class="button">
                                {t(Msg::RequestSendAnswer)}
                            </button>
                        </form>
                    }
                })}
        </section>
    }
    .into_any()
}

#[server(endpoint = "assign-request")]
pub async fn assign_request(concern_id: String, coordinator_id: Option<String>) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let chosen = coordinator_id.unwrap_or_default();
    match super::data::assign(&state.db, &user, &concern_id, &chosen).await {
        Ok(()) => {
            crate::forms::succeed("/admin", Msg::AdminAssigned, None);
            Ok(())
        }
        Err(AppError::NotFound) => Err(AppError::NotFound),
        Err(e) => crate::forms::fail("/admin", e),
    }
}

/// The administrator's list of requests waiting for a coordinator: a request
/// never disappears because nobody covers its region.
#[component]
pub fn UnassignedRequests(
    requests: Vec<UnassignedRequest>,
    coordinators: Vec<(String, String)>,
) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="unassigned-heading" id="coordinator">
            <h2 id="unassigned-heading">{t(Msg::AdminUnassignedTitle)}</h2>
            <p class="hint">{t(Msg::AdminUnassignedHint)}</p>
            {if requests.is_empty() {
                view! { <p>{t(Msg::AdminUnassignedNone)}</p> }.into_any()
            } else {
                view! {
                    <DataTable caption=t(Msg::AdminUnassignedCaption) id="unassigned">
                        <thead>
                            <tr>
                                <th scope="col">{t(Msg::AdminSent)}</th>
                                <th scope="col">{t(Msg::RequestsWaiting)}</th>
                                <th scope="col">{t(Msg::AdminRegion)}</th>
                                <th scope="col">{t(Msg::AdminAssignTo)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {requests
                                .into_iter()
                                .enumerate()
                                .map(|(n, r)| {
                                    let select_id = format!("assign-{n}");
                                    view! {
                                        <tr>
                                            <th scope="row">{r.sent}</th>
                                            <td>{tn(Plural::RequestsDays, r.days_waiting)}</td>
                                            <td>
                                                {r
                                                    .region
                                                    .unwrap_or_else(|| t(Msg::AdminNoRegion).to_string())}
                                            </td>
                                            <td>
                                                <form
                                                    method="post"
                                                    action="/api/assign-request"
                                                    novalidate
                                                    class="inline-form"
                                                >
                                                    <input type="hidden" name="concern_id" value=r.id />
                                                    <label for=select_id.clone() class="visually-hidden">
                                                        {t(Msg::AdminAssignTo)}
                                                    </label>
                                                    <select id=select_id name="coordinator_id" required=true>
                                                        {coordinators
                                                            .iter()
                                                            .map(|(id, name)| {
                                                                view! { <option value=id.clone()>{name.clone()}</option> }
                                                            })
                                                            .collect_view()}
                                                    </select>
                                                    " "
                                                    <button type="submit" class="button secondary">
                                                        {t(Msg::AdminAssign)}
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

#[cfg(test)]
mod weekday_tests {
    #[test]
    fn known_dates_have_their_weekday() {
        // (date, 0 = Sunday): a Friday, a leap day, a Sunday, a Monday.
        for (y, m, d, w) in [
            (2026, 11, 27, 5),
            (2028, 2, 29, 2),
            (2026, 1, 4, 0),
            (2000, 1, 3, 1),
        ] {
            assert_eq!(super::weekday(y, m, d), w, "{d}.{m}.{y}");
        }
    }
}
