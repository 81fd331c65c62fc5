//! "Hent mine data": everything the product holds about a citizen (GDPR
//! articles 15 and 20), as a page that reads and prints well (`/me/data`)
//! and as a JSON file (`/me/data.json`, served by the server crate).
//!
//! # The JSON file's schema (`schema_version` 1)
//!
//! One object; the field names below are exactly the JSON keys. Instants are
//! RFC 3339 strings in UTC (`"2026-11-28T09:15:00Z"`), calendar dates
//! `"YYYY-MM-DD"`, and an absent value is `null`. Lists are oldest first.
//! A later version only adds fields; a field's meaning never changes without
//! a new `schema_version`.
//!
//! - `schema`: always `"mitforlob-export"`; `schema_version`: `1`;
//!   `exported_at`: when the file was made.
//! - `person`: `id`, `name`, `email`, `phone`, `language` (`da`/`en`),
//!   `text_size` (`normal`/`large`/`larger`), `created_at`,
//!   `notifications_enabled` (a browser of theirs gets notifications: see
//!   `devices`), `quiet_hours_start`/`_end` (hour 0–23),
//!   `region`, `linked_identities` (`provider`, `subject`, `created_at`: a
//!   login such as MitID linked to the account).
//! - `caseworkers`: who has had the citizen on their caseload:
//!   `name`, `assigned_at`, `ended_at`.
//! - `courses`: `id`, `kind` (`ressourceforloeb`/`jobafklaringsforloeb`),
//!   `status`, `start_date`, `planned_end_date`, `main_goal`, `created_at`,
//!   `updated_at`, and
//!   - `goals`: `id`, `title`, `description`, `created_at`, `updated_at`,
//!     `ratings` (`rating` 1–5, `note`, `rated_at`: the citizen's own);
//!   - `activities`: `id`, `kind`, `status`, `title`, `purpose`, `place`,
//!     `contact_name`, `contact_phone`, `preparation`, `starts_at`,
//!     `ends_at`, `hours_per_week`, `reflections` (`text`, `created_at`:
//!     "how did it go?");
//!   - `paid_hours`: `week_start`, `hours`, `recorded_at`;
//!   - `feedback`: `activity_id` (`null`: about the course), `rating` 1–5,
//!     `comment`, `created_at`;
//!   - `history`: every change to the plan: `item` (`course`, `goal`,
//!     `activity`, …), `item_id`, `changed_by` (`name`, `role`),
//!     `changed_at`, `summary`, `fields` (`field`, `before`, `after`).
//! - `wellbeing`: `entries` (`date`, `mood`, `energy`, `pain`, `sleep` 1–5,
//!   `note`, `activity_id`, `shared`: shared on its own, `shared_by_period`:
//!   inside a sharing period not withdrawn, `created_at`, `updated_at`);
//!   `replaced_versions` (a day's entry as it was before the citizen wrote
//!   over it, kept because the caseworker could see it: `date`, the four
//!   scales, `note`, `written_at`, `replaced_at`); `who5` (`answered_on`,
//!   `items` five answers 0–5, `score` 0–100, `shared`, `shared_by_period`,
//!   `created_at`); `share_periods` (`starts_on`, `ends_on`, `created_at`,
//!   `withdrawn_at`).
//! - `concerns`: `id`, `activity_id`, `description`, `attach_wellbeing`,
//!   `state`, `conversation_at`, `conversation_place`, `outcome`
//!   (`go_ahead`/`adjust`/`do_not_go_ahead`), `assessment`, `created_at`,
//!   `updated_at`, `steps` (`state`, `by` (`name`, `role`), `at`).
//! - `message_threads`: `id`, `subject`, `activity_id`,
//!   `waiting_for_citizen`, `created_at`, `messages` (`from` (`name`,
//!   `role`), `text`, `sent_at`, `read_at`).
//! - `access_log`: who looked at the citizen's data or changed their
//!   account: `at`, `role`, `action` (as in the audit log:
//!   `citizen_summary`, `data_export`, …), `purpose`.
//! - `sessions`: where the citizen is logged in: `created_at`,
//!   `last_seen_at`, `expires_at`.
//! - `devices`: browsers with notifications on: `push_service` (the host
//!   name of the browser's push service), `created_at`; `notifications`:
//!   what was sent or waits (`kind`, `due_at`, `sent_at`; never a text).
//! - `calendar_feeds`: `created_at`, `revoked_at`, `show_titles`.
//!
//! Never in it: password hashes, session tokens (or their hashes), push
//! endpoints and keys, calendar-feed tokens, activation and reset codes, the
//! keys that stop a form being stored twice.
use crate::error::AppError;
use crate::i18n::{t, Msg};
use crate::layout::{Loaded, Title};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub const SCHEMA: &str = "mitforlob-export";
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Export {
    pub schema: String,
    pub schema_version: u32,
    pub exported_at: String,
    pub person: Person,
    pub caseworkers: Vec<Assignment>,
    pub courses: Vec<Course>,
    pub wellbeing: Wellbeing,
    pub concerns: Vec<Concern>,
    pub message_threads: Vec<Thread>,
    pub access_log: Vec<Access>,
    pub sessions: Vec<Session>,
    pub devices: Vec<Device>,
    pub notifications: Vec<Notification>,
    pub calendar_feeds: Vec<CalendarFeed>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub language: String,
    pub text_size: String,
    pub created_at: Option<String>,
    pub notifications_enabled: bool,
    pub quiet_hours_start: Option<i64>,
    pub quiet_hours_end: Option<i64>,
    pub region: Option<String>,
    pub linked_identities: Vec<Identity>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Identity {
    pub provider: String,
    pub subject: String,
    pub created_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assignment {
    pub name: String,
    pub assigned_at: Option<String>,
    pub ended_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Course {
    pub id: String,
    pub kind: String,
    pub status: String,
    pub start_date: String,
    pub planned_end_date: String,
    pub main_goal: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub goals: Vec<Goal>,
    pub activities: Vec<Activity>,
    pub paid_hours: Vec<PaidHours>,
    pub feedback: Vec<Feedback>,
    pub history: Vec<Change>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Goal {
    pub id: String,
    pub title: String,
    pub description: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub ratings: Vec<Rating>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Rating {
    pub rating: i64,
    pub note: Option<String>,
    pub rated_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Activity {
    pub id: String,
    pub kind: String,
    pub status: String,
    pub title: String,
    pub purpose: Option<String>,
    pub place: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
    pub preparation: Option<String>,
    pub starts_at: Option<String>,
    pub ends_at: Option<String>,
    pub hours_per_week: Option<i64>,
    pub reflections: Vec<Reflection>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reflection {
    pub text: String,
    pub created_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PaidHours {
    pub week_start: String,
    pub hours: i64,
    pub recorded_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Feedback {
    pub activity_id: Option<String>,
    pub rating: i64,
    pub comment: Option<String>,
    pub created_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    pub name: String,
    pub role: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub item: String,
    pub item_id: String,
    pub changed_by: Actor,
    pub changed_at: Option<String>,
    pub summary: String,
    pub fields: Vec<ChangedField>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ChangedField {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub struct Wellbeing {
    pub entries: Vec<Entry>,
    pub replaced_versions: Vec<ReplacedEntry>,
    pub who5: Vec<Who5>,
    pub share_periods: Vec<SharePeriod>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub date: String,
    pub mood: i64,
    pub energy: i64,
    pub pain: i64,
    pub sleep: i64,
    pub note: Option<String>,
    pub activity_id: Option<String>,
    pub shared: bool,
    pub shared_by_period: bool,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ReplacedEntry {
    pub date: String,
    pub mood: i64,
    pub energy: i64,
    pub pain: i64,
    pub sleep: i64,
    pub note: Option<String>,
    pub written_at: Option<String>,
    pub replaced_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Who5 {
    pub answered_on: String,
    pub items: [i64; 5],
    pub score: i64,
    pub shared: bool,
    pub shared_by_period: bool,
    pub created_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SharePeriod {
    pub starts_on: String,
    pub ends_on: String,
    pub created_at: Option<String>,
    pub withdrawn_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Concern {
    pub id: String,
    pub activity_id: Option<String>,
    pub description: String,
    pub attach_wellbeing: bool,
    pub state: String,
    pub conversation_at: Option<String>,
    pub conversation_place: Option<String>,
    pub outcome: Option<String>,
    pub assessment: Option<String>,
    pub created_at: Option<String>,
    pub updated_at: Option<String>,
    pub steps: Vec<ConcernStep>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConcernStep {
    pub state: String,
    pub by: Actor,
    pub at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Thread {
    pub id: String,
    pub subject: String,
    pub activity_id: Option<String>,
    pub waiting_for_citizen: bool,
    pub created_at: Option<String>,
    pub messages: Vec<Message>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub from: Actor,
    pub text: String,
    pub sent_at: Option<String>,
    pub read_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Access {
    pub at: Option<String>,
    pub role: String,
    pub action: String,
    pub purpose: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub created_at: Option<String>,
    pub last_seen_at: Option<String>,
    pub expires_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Device {
    pub push_service: String,
    pub created_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Notification {
    pub kind: String,
    pub due_at: Option<String>,
    pub sent_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CalendarFeed {
    pub created_at: Option<String>,
    pub revoked_at: Option<String>,
    pub show_titles: bool,
}

/// The citizen's own data, for the page. Audited as a download of one's
/// own data (once a quarter hour, like every read).
#[server]
pub async fn my_data() -> Result<Export, AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let access = crate::auth::policy::own_data(&user)?;
    let export = super::data::collect(&state.db, &access).await?;
    crate::audit::record_export(&state.db, &access, "page").await?;
    Ok(export)
}

/// An instant of the export as the reader's local date and time.
fn when(at: &Option<String>) -> String {
    #[cfg(feature = "ssr")]
    {
        at.as_deref()
            .and_then(|s| s.parse::<jiff::Timestamp>().ok())
            .map(|ts| crate::time::format_ms(ts.as_millisecond()))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        at.clone().unwrap_or_default()
    }
}

fn yes_no(b: bool) -> &'static str {
    t(if b { Msg::Yes } else { Msg::No })
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

#[component]
pub fn DataPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::ExportTitle) />
        <p class="no-print">
            <a href="/me">{t(Msg::ExportBack)}</a>
        </p>
        <h1>{t(Msg::ExportTitle)}</h1>
        <p>{t(Msg::ExportIntro)}</p>
        <p class="no-print">
            <a class="button" href="/me/data.json" download="mit-forloeb-data.json">
                {t(Msg::ExportJson)}
            </a>
        </p>
        <p class="hint no-print">{t(Msg::ExportJsonHint)}</p>
        <Loaded future=my_data() let:export>
            <ExportView export=export />
        </Loaded>
    }
}

/// One section of the page: a heading, and "nothing" when it is empty.
#[component]
fn Part(id: &'static str, title: Msg, empty: bool, children: Children) -> impl IntoView {
    let heading = format!("{id}-heading");
    let labelled_by = heading.clone();
    view! {
        <section class="card export-part" aria-labelledby=labelled_by>
            <h2 id=heading>{t(title)}</h2>
            {if empty { view! { <p>{t(Msg::ExportNothing)}</p> }.into_any() } else { children().into_any() }}
        </section>
    }
}

#[component]
fn ExportView(export: Export) -> impl IntoView {
    let Export {
        person,
        caseworkers,
        courses,
        wellbeing,
        concerns,
        message_threads,
        access_log,
        sessions,
        devices,
        notifications,
        calendar_feeds,
        exported_at,
        ..
    } = export;
    let no_wellbeing = wellbeing.entries.is_empty() && wellbeing.who5.is_empty();
    let no_devices = devices.is_empty() && notifications.is_empty() && calendar_feeds.is_empty();
    view! {
        <p class="muted">{t(Msg::ExportMade)} " " {when(&Some(exported_at))}</p>
        <Part id="export-person" title=Msg::ExportPerson empty=false>
            <dl class="facts">
                <dt>{t(Msg::CaseloadName)}</dt>
                <dd>{person.name}</dd>
                <dt>{t(Msg::CaseloadEmail)}</dt>
                <dd>{opt(&person.email)}</dd>
                <dt>{t(Msg::MePhone)}</dt>
                <dd>{opt(&person.phone)}</dd>
                <dt>{t(Msg::ExportLanguage)}</dt>
                <dd>{person.language}</dd>
                <dt>{t(Msg::MeTextSizeTitle)}</dt>
                <dd>
                    {crate::model::TextSize::parse(&person.text_size)
                        .map(|s| t(s.label()))
                        .unwrap_or_default()}
                </dd>
                <dt>{t(Msg::ExportCreated)}</dt>
                <dd>{when(&person.created_at)}</dd>
                <dt>{t(Msg::ExportNotifications)}</dt>
                <dd>{yes_no(person.notifications_enabled)}</dd>
                <dt>{t(Msg::ExportRegion)}</dt>
                <dd>{opt(&person.region)}</dd>
            </dl>
            {(!person.linked_identities.is_empty())
                .then(|| {
                    view! {
                        <h3>{t(Msg::ExportIdentities)}</h3>
                        <ul>
                            {person
                                .linked_identities
                                .into_iter()
                                .map(|i| view! { <li>{i.provider} " · " {when(&i.created_at)}</li> })
                                .collect_view()}
                        </ul>
                    }
                })}
        </Part>
        <Part id="export-caseworkers" title=Msg::ExportCaseworkers empty=caseworkers.is_empty()>
            <ul>
                {caseworkers
                    .into_iter()
                    .map(|a| {
                        view! {
                            <li>
                                {a.name} " · " {when(&a.assigned_at)}
                                {a.ended_at.as_ref().map(|_| format!(" – {}", when(&a.ended_at)))}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </Part>
        <Part id="export-plan" title=Msg::ExportPlan empty=courses.is_empty()>
            {courses.into_iter().map(|c| view! { <CourseView course=c /> }).collect_view()}
        </Part>
        <Part id="export-wellbeing" title=Msg::ExportWellbeing empty=no_wellbeing>
            <WellbeingView wellbeing=wellbeing />
        </Part>
        <Part id="export-concerns" title=Msg::ExportConcerns empty=concerns.is_empty()>
            {concerns
                .into_iter()
                .map(|c| {
                    view! {
                        <article class="export-item">
                            <h3>{when(&c.created_at)}</h3>
                            <p class="pre-wrap">{c.description}</p>
                            <p>{t(Msg::ExportState)} " " {c.state}</p>
                            {c
                                .assessment
                                .map(|a| {
                                    view! {
                                        <p class="pre-wrap">
                                            <strong>{t(Msg::ExportAssessment)}</strong>
                                            " "
                                            {a}
                                        </p>
                                    }
                                })}
                            <ol>
                                {c
                                    .steps
                                    .into_iter()
                                    .map(|s| {
                                        view! { <li>{when(&s.at)} " · " {s.state} " · " {s.by.name}</li> }
                                    })
                                    .collect_view()}
                            </ol>
                        </article>
                    }
                })
                .collect_view()}
        </Part>
        <Part id="export-messages" title=Msg::ExportMessages empty=message_threads.is_empty()>
            {message_threads
                .into_iter()
                .map(|th| {
                    view! {
                        <article class="export-item">
                            <h3>{th.subject}</h3>
                            <ol class="export-messages">
                                {th
                                    .messages
                                    .into_iter()
                                    .map(|m| {
                                        view! {
                                            <li>
                                                <p class="message-meta">
                                                    {m.from.name} " · " {when(&m.sent_at)}
                                                </p>
                                                <p class="pre-wrap">{m.text}</p>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ol>
                        </article>
                    }
                })
                .collect_view()}
        </Part>
        <Part id="export-access" title=Msg::ExportAccessLog empty=access_log.is_empty()>
            <ul>
                {access_log
                    .into_iter()
                    .map(|a| {
                        let role = crate::model::Role::parse(&a.role)
                            .map(|r| t(r.label()))
                            .unwrap_or_default();
                        view! {
                            <li>{when(&a.at)} " · " {role} " · " {t(super::action_words(&a.action))}</li>
                        }
                    })
                    .collect_view()}
            </ul>
        </Part>
        <Part id="export-sessions" title=Msg::ExportSessions empty=sessions.is_empty()>
            <ul>
                {sessions
                    .into_iter()
                    .map(|s| {
                        view! {
                            <li>
                                {t(Msg::ExportLoggedIn)} " " {when(&s.created_at)} " · "
                                {t(Msg::ExportLastSeen)} " " {when(&s.last_seen_at)}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </Part>
        <Part id="export-devices" title=Msg::ExportDevices empty=no_devices>
            <ul>
                {devices
                    .into_iter()
                    .map(|d| view! { <li>{d.push_service} " · " {when(&d.created_at)}</li> })
                    .collect_view()}
                {calendar_feeds
                    .into_iter()
                    .map(|f| view! { <li>{t(Msg::ExportCalendarFeed)} " · " {when(&f.created_at)}</li> })
                    .collect_view()}
            </ul>
            <p>{crate::i18n::tn(crate::i18n::Plural::ExportNotificationCount, notifications.len() as i64)}</p>
        </Part>
    }
}

#[component]
fn CourseView(course: Course) -> impl IntoView {
    view! {
        <article class="export-item">
            <h3>
                {crate::model::CourseKind::parse(&course.kind).map(|k| t(k.label())).unwrap_or_default()}
                " · " {course.start_date} " – " {course.planned_end_date}
            </h3>
            {course
                .main_goal
                .map(|g| {
                    view! {
                        <p>
                            <strong>{t(Msg::ExportMainGoal)}</strong>
                            " "
                            {g}
                        </p>
                    }
                })}
            <h4>{t(Msg::PlanGoals)}</h4>
            <ul>
                {course
                    .goals
                    .into_iter()
                    .map(|g| {
                        view! {
                            <li>
                                {g.title}
                                <ul>
                                    {g
                                        .ratings
                                        .into_iter()
                                        .map(|r| {
                                            view! {
                                                <li>
                                                    {when(&r.rated_at)} " · "
                                                    {t(crate::plan::progress_word(r.rating))}
                                                    {r.note.map(|n| format!(" · {n}"))}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <h4>{t(Msg::CaseloadActivities)}</h4>
            <ul>
                {course
                    .activities
                    .into_iter()
                    .map(|a| {
                        view! {
                            <li>
                                {a.title} " · " {when(&a.starts_at)} " · " {a.status}
                                <ul>
                                    {a
                                        .reflections
                                        .into_iter()
                                        .map(|r| {
                                            view! {
                                                <li class="pre-wrap">
                                                    {when(&r.created_at)} " · " {r.text}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <h4>{t(Msg::ResponsesTitle)}</h4>
            <ul>
                {course
                    .feedback
                    .into_iter()
                    .map(|f| {
                        view! {
                            <li>
                                {when(&f.created_at)} " · " {f.rating} "/5"
                                {f.comment.map(|c| format!(" · {c}"))}
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
            <h4>{t(Msg::PaidHoursTitle)}</h4>
            <ul>
                {course
                    .paid_hours
                    .into_iter()
                    .map(|p| view! { <li>{p.week_start} " · " {p.hours}</li> })
                    .collect_view()}
            </ul>
            <h4>{t(Msg::ExportHistory)}</h4>
            <ul>
                {course
                    .history
                    .into_iter()
                    .map(|c| {
                        view! {
                            <li>
                                {when(&c.changed_at)} " · " {c.changed_by.name} " · " {c.summary}
                                <ul>
                                    {c
                                        .fields
                                        .into_iter()
                                        .map(|f| {
                                            view! {
                                                <li>
                                                    {f.field} ": " {opt(&f.before)} " → " {opt(&f.after)}
                                                </li>
                                            }
                                        })
                                        .collect_view()}
                                </ul>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </article>
    }
}

#[component]
fn WellbeingView(wellbeing: Wellbeing) -> impl IntoView {
    view! {
        {(!wellbeing.entries.is_empty())
            .then(|| {
                view! {
                    <crate::layout::DataTable
                        caption=t(Msg::ExportWellbeingCaption)
                        id="export-entries"
                        cards=true
                    >
                        <thead>
                            <tr>
                                <th scope="col">{t(Msg::ExportDate)}</th>
                                <th scope="col">{t(Msg::WellbeingMood)}</th>
                                <th scope="col">{t(Msg::WellbeingEnergy)}</th>
                                <th scope="col">{t(Msg::WellbeingPain)}</th>
                                <th scope="col">{t(Msg::WellbeingSleep)}</th>
                                <th scope="col">{t(Msg::ExportShared)}</th>
                                <th scope="col">{t(Msg::ExportNote)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {wellbeing
                                .entries
                                .into_iter()
                                .map(|e| {
                                    view! {
                                        <tr>
                                            <td data-label=t(Msg::ExportDate)>{e.date}</td>
                                            <td data-label=t(Msg::WellbeingMood)>{e.mood}</td>
                                            <td data-label=t(Msg::WellbeingEnergy)>{e.energy}</td>
                                            <td data-label=t(Msg::WellbeingPain)>{e.pain}</td>
                                            <td data-label=t(Msg::WellbeingSleep)>{e.sleep}</td>
                                            <td data-label=t(
                                                Msg::ExportShared,
                                            )>{yes_no(e.shared || e.shared_by_period)}</td>
                                            <td data-label=t(Msg::ExportNote)>{opt(&e.note)}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </crate::layout::DataTable>
                }
            })}
        {(!wellbeing.who5.is_empty())
            .then(|| {
                view! {
                    <crate::layout::DataTable caption=t(Msg::ExportWho5Caption) id="export-who5" cards=true>
                        <thead>
                            <tr>
                                <th scope="col">{t(Msg::ExportDate)}</th>
                                <th scope="col">{t(Msg::ExportScore)}</th>
                                <th scope="col">{t(Msg::ExportShared)}</th>
                            </tr>
                        </thead>
                        <tbody>
                            {wellbeing
                                .who5
                                .into_iter()
                                .map(|w| {
                                    view! {
                                        <tr>
                                            <td data-label=t(Msg::ExportDate)>{w.answered_on}</td>
                                            <td data-label=t(Msg::ExportScore)>{w.score}</td>
                                            <td data-label=t(
                                                Msg::ExportShared,
                                            )>{yes_no(w.shared || w.shared_by_period)}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </crate::layout::DataTable>
                }
            })}
        {(!wellbeing.share_periods.is_empty())
            .then(|| {
                view! {
                    <h3>{t(Msg::ExportSharePeriods)}</h3>
                    <ul>
                        {wellbeing
                            .share_periods
                            .into_iter()
                            .map(|p| {
                                view! {
                                    <li>
                                        {p.starts_on} " – " {p.ends_on}
                                        {p
                                            .withdrawn_at
                                            .as_ref()
                                            .map(|_| {
                                                format!(
                                                    " · {} {}",
                                                    t(Msg::ExportWithdrawn),
                                                    when(&p.withdrawn_at),
                                                )
                                            })}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
            })}
        {(!wellbeing.replaced_versions.is_empty())
            .then(|| {
                view! {
                    <h3>{t(Msg::ExportReplaced)}</h3>
                    <ul>
                        {wellbeing
                            .replaced_versions
                            .into_iter()
                            .map(|v| {
                                view! {
                                    <li>
                                        {v.date} " · " {v.mood} "/" {v.energy} "/" {v.pain} "/" {v.sleep}
                                        " · " {t(Msg::ExportReplacedAt)} " " {when(&v.replaced_at)}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
            })}
    }
}
