//! Message threads between a citizen and their caseworker. Messages are case
//! documents: never edited or deleted; a correction is a new message.
use crate::error::AppError;
use crate::forms::{Draft, FormStatus, TextField};
use crate::i18n::{t, texts, tf, tn, use_lang, Msg, Plural};
use crate::layout::Title;
use crate::layout::{DataTable, Loaded};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

mod composer;
#[cfg(feature = "ssr")]
pub mod data;
pub mod live;
#[cfg(all(test, feature = "ssr"))]
mod tests;
mod text;

pub use composer::{Composer, ComposerTexts, DraftField, FieldTexts};
pub use text::MessageText;

/// Longest texts, in characters: the forms show them, the server enforces them.
pub const BODY_MAX: usize = 4000;
pub const SUBJECT_MAX: usize = 120;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThreadRow {
    pub id: String,
    pub subject: String,
    pub last_message: String,
    pub unread: i64,
    pub waiting_for_you: bool,
    pub activity: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MessageView {
    pub id: String,
    pub mine: bool,
    pub sender_name: String,
    pub body: String,
    pub sent: String,
    /// When the other side read it: shown to staff, for their own messages.
    pub read: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThreadView {
    pub id: String,
    pub subject: String,
    pub citizen_id: String,
    pub citizen_name: String,
    pub activity: Option<(String, String)>,
    pub waiting_for_citizen: bool,
    /// The newest page of messages (or the page asked for), oldest first.
    pub messages: Vec<MessageView>,
    /// The oldest message shown, when older ones exist ("Vis tidligere").
    pub earlier: Option<String>,
    /// An older page: a way back to the newest is shown.
    pub older_page: bool,
    pub staff_view: bool,
    pub form_key: String,
    pub draft: Option<Draft>,
}

/// A thread in the caseworker's inbox.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InboxRow {
    pub id: String,
    pub subject: String,
    pub citizen_name: String,
    pub last_message: String,
    /// The citizen wrote last: we owe an answer.
    pub waiting_for_us: bool,
    pub waiting_for_citizen: bool,
    pub activity: Option<String>,
    pub unread: i64,
    pub waited_hours: i64,
    #[serde(skip)]
    pub last_at: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeedbackRow {
    pub citizen_id: String,
    pub citizen_name: String,
    /// `None`: about the course as a whole.
    pub activity: Option<String>,
    pub rating: i64,
    pub comment: Option<String>,
    pub when: String,
}

/// The inbox's views, chosen with `?filter=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InboxFilter {
    All,
    WaitingForUs,
    WaitingForCitizen,
    AboutActivity,
}

impl InboxFilter {
    pub const ALL: [InboxFilter; 4] = [
        InboxFilter::All,
        InboxFilter::WaitingForUs,
        InboxFilter::WaitingForCitizen,
        InboxFilter::AboutActivity,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            InboxFilter::All => "all",
            InboxFilter::WaitingForUs => "waiting-for-us",
            InboxFilter::WaitingForCitizen => "waiting-for-citizen",
            InboxFilter::AboutActivity => "activity",
        }
    }

    pub fn parse(s: &str) -> InboxFilter {
        InboxFilter::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .unwrap_or(InboxFilter::All)
    }

    pub fn label(self) -> Msg {
        match self {
            InboxFilter::All => Msg::InboxFilterAll,
            InboxFilter::WaitingForUs => Msg::InboxFilterWaitingForUs,
            InboxFilter::WaitingForCitizen => Msg::InboxFilterWaitingForCitizen,
            InboxFilter::AboutActivity => Msg::InboxFilterActivity,
        }
    }

    pub fn keeps(self, row: &InboxRow) -> bool {
        match self {
            InboxFilter::All => true,
            InboxFilter::WaitingForUs => row.waiting_for_us,
            InboxFilter::WaitingForCitizen => row.waiting_for_citizen,
            InboxFilter::AboutActivity => row.activity.is_some(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThreadFormData {
    /// The caseworker's caseload; empty for a citizen.
    pub citizens: Vec<(String, String)>,
    /// The citizen's activities (for a citizen writing).
    pub activities: Vec<(String, String)>,
    pub chosen_activity: String,
    pub chosen_citizen: String,
    pub caseworker: Option<String>,
    pub form_key: String,
    pub draft: Option<Draft>,
    pub staff: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InboxView {
    pub filter: InboxFilter,
    pub rows: Vec<InboxRow>,
    pub feedback: Vec<FeedbackRow>,
}

#[server]
pub async fn my_threads() -> Result<Vec<ThreadRow>, AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let access = crate::auth::policy::own_data(&user)?;
    data::citizen_threads(&state.db, &access).await
}

#[server]
pub async fn get_thread(thread_id: String, before: String) -> Result<ThreadView, AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    use crate::auth::policy::{self, Use};
    let read = Use::Read(crate::audit::AuditAction::MessageThread);
    let access = policy::thread(&state.db, &user, &thread_id, read).await?;
    let before = Some(before.as_str()).filter(|b| !b.is_empty());
    let mut view = data::thread_page(&state.db, &access, &thread_id, before).await?;
    let flash = crate::auth::session::take_flash(&state.db, &user.session_key).await?;
    view.draft = crate::forms::draft_for(&flash, &format!("thread:{thread_id}"));
    view.form_key = crate::db::new_id();
    Ok(view)
}

#[server]
pub async fn new_thread_form(activity: String, citizen: String) -> Result<ThreadFormData, AppError> {
    use crate::model::Role;
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let flash = crate::auth::session::take_flash(&state.db, &user.session_key).await?;
    let staff = user.role == Role::Caseworker;
    let (citizens, activities, caseworker) = if staff {
        (data::caseload_names(&state.db, &user).await?, Vec::new(), None)
    } else {
        let access = crate::auth::policy::own_data(&user)?;
        (
            Vec::new(),
            data::activities(&state.db, &access).await?,
            data::caseworker_of(&state.db, &access).await?,
        )
    };
    Ok(ThreadFormData {
        citizens,
        activities,
        chosen_activity: activity,
        chosen_citizen: citizen,
        caseworker,
        form_key: crate::db::new_id(),
        draft: crate::forms::draft_for(&flash, "new-thread"),
        staff,
    })
}

crate::form! {
    /// A new conversation: to whom (staff choose a citizen), its subject,
    /// the activity it is about, and the first message.
    pub struct FirstMessageForm {
        pub citizen_id: Option<String>,
        pub subject: String,
        pub activity_id: Option<String>,
        pub body: String,
    }
}

crate::form! {
    /// A reply; staff may ask the citizen to answer.
    pub struct ReplyForm {
        pub body: String,
        pub ask_for_reply: Option<String>,
    }
}

#[server(endpoint = "start-thread")]
pub async fn start_thread(
    form_key: String,
    #[server(flatten)] form: FirstMessageForm,
) -> Result<(), AppError> {
    crate::pwa::queue::check_sender()?;
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let citizen = if user.role.is_staff() {
        form.citizen_id.clone().unwrap_or_default()
    } else {
        user.id.clone()
    };
    let started = async {
        let subject = data::Subject::parse(&form.subject)?;
        let body = data::MessageBody::parse(&form.body)?;
        let key = crate::forms::IdempotencyKey::parse(&form_key)?;
        let activity = form
            .activity_id
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty());
        // The caseworker chooses whom to write to; nobody is picked for them.
        if citizen.is_empty() {
            return Err(AppError::invalid("citizen_id", Msg::MessagesChooseCitizen));
        }
        use crate::auth::policy::{citizen_or_caseworker, Use};
        let access = citizen_or_caseworker(&state.db, &user, &citizen, Use::Write).await?;
        data::start_thread(&state.db, &access, &subject, activity, &body, &key).await
    }
    .await;
    match started {
        Ok(id) => {
            crate::pwa::queue::confirm(&form_key);
            crate::forms::succeed(
                &format!("/messages/{id}"),
                Msg::MessagesSent,
                Some("message-list"),
            );
            Ok(())
        }
        Err(e) => {
            crate::pwa::queue::refused(&e);
            crate::forms::fail_keeping("/messages/new", e, "new-thread", &form).await
        }
    }
}

#[server(endpoint = "send-message")]
pub async fn send_message(
    thread_id: String,
    form_key: String,
    #[server(flatten)] form: ReplyForm,
) -> Result<(), AppError> {
    crate::pwa::queue::check_sender()?;
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let page = format!("/messages/{thread_id}");
    let sent = async {
        let body = data::MessageBody::parse(&form.body)?;
        let key = crate::forms::IdempotencyKey::parse(&form_key)?;
        use crate::auth::policy::{thread, Use};
        let access = thread(&state.db, &user, &thread_id, Use::Write).await?;
        data::reply(
            &state.db,
            &access,
            &thread_id,
            &body,
            &key,
            form.ask_for_reply.is_some(),
        )
        .await
    }
    .await;
    match sent {
        Ok(()) => {
            crate::pwa::queue::confirm(&form_key);
            crate::forms::succeed(&page, Msg::MessagesSent, Some("message-list"));
            Ok(())
        }
        Err(AppError::NotFound) => Err(AppError::NotFound),
        Err(e) => {
            crate::pwa::queue::refused(&e);
            crate::forms::fail_keeping(&page, e, &format!("thread:{thread_id}"), &form).await
        }
    }
}

#[server]
pub async fn get_inbox(filter: String) -> Result<InboxView, AppError> {
    let state = crate::state::app_state()?;
    let user = crate::state::require_user()?;
    let filter = InboxFilter::parse(&filter);
    Ok(InboxView {
        filter,
        rows: data::inbox(&state.db, &user, filter).await?,
        feedback: data::feedback(&state.db, &user).await?,
    })
}

/// `/messages`: the citizen's threads, newest first.
#[component]
pub fn MessagesPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::MessagesTitle)/>
        <h1>{t(Msg::MessagesTitle)}</h1>
        <FormStatus/>
        <ReplyTime/>
        <p><a class="button" href="/messages/new">{t(Msg::MessagesNew)}</a></p>
        <Loaded future=my_threads() let:rows>
            {match rows {
                rows if rows.is_empty() => view! { <p>{t(Msg::MessagesEmpty)}</p> }.into_any(),
                rows => view! {
                    <ul class="list-rows" aria-label=t(Msg::MessagesListLabel)>
                        {rows.into_iter().map(|r| view! {
                            <li>
                                <h2 class="h3"><a href=format!("/messages/{}", r.id)>{r.subject}</a>
                                    {(r.unread > 0).then(|| view! {
                                        " " <span class="badge">{r.unread}<span class="visually-hidden">" " {t(Msg::MessagesUnread)}</span></span>
                                    })}
                                </h2>
                                {r.activity.map(|a| view! { <p>{tf(texts::MessagesAbout { title: &a })}</p> })}
                                <p class="muted">{tf(texts::MessagesLast { when: &r.last_message })}</p>
                                {r.waiting_for_you.then(|| view! { <p><span class="status-tag awaiting">{t(Msg::MessagesWaitingForYou)}</span></p> })}
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
        </Loaded>
    }
}

/// When to expect an answer, and where to call when it cannot wait.
#[component]
fn ReplyTime() -> impl IntoView {
    view! { <p class="alert alert-info"><crate::phone::WithPhone text=texts::MessagesReplyTime::raw(use_lang()) number=crate::phone::JOBCENTRE/></p> }
}

/// `/messages/new`: a new thread, optionally about one activity (citizen) or
/// to one citizen (caseworker).
#[component]
pub fn NewThreadPage() -> impl IntoView {
    let q = leptos_router::hooks::use_query_map().get_untracked();
    let activity = q.get("activity").unwrap_or_default();
    let citizen = q.get("citizen").unwrap_or_default();
    view! {
        <Title text=t(Msg::MessagesNew)/>
        <h1>{t(Msg::MessagesNew)}</h1>
        <FormStatus/>
        <Loaded future=new_thread_form(activity, citizen) let:form>
            <NewThread form=form/>
        </Loaded>
    }
}

#[component]
fn NewThread(form: ThreadFormData) -> impl IntoView {
    provide_context(form.draft.clone().unwrap_or_default());
    let chosen_activity = crate::forms::draft_value("activity_id").unwrap_or(form.chosen_activity);
    let chosen_citizen = crate::forms::draft_value("citizen_id").unwrap_or(form.chosen_citizen);
    let citizen_error = crate::forms::query_error()
        .filter(|(_, f)| f.as_deref() == Some("citizen_id"))
        .map(|(m, _)| m);
    view! {
        {(!form.staff).then(|| view! { <ReplyTime/> })}
        {form.caseworker.map(|name| view! { <p>{tf(texts::MessagesTo { name: &name })}</p> })}
        <form method="post" action="/api/start-thread" novalidate class="stack" data-outbox="message"
            data-draft-key=composer::draft_key("new")>
            <input type="hidden" name="form_key" value=form.form_key/>
            {form.staff.then(|| view! {
                <div class="field">
                    <label for="citizen_id">{t(Msg::MessagesCitizen)}</label>
                    {citizen_error.map(|m| view! { <p class="field-error" id="citizen_id-error">{t(m)}</p> })}
                    <select id="citizen_id" name="citizen_id" required=true
                        aria-describedby=citizen_error.map(|_| "citizen_id-error") aria-invalid=citizen_error.map(|_| "true")>
                        <option value="" selected=chosen_citizen.is_empty()>{t(Msg::MessagesChooseCitizenOption)}</option>
                        {form.citizens.into_iter().map(|(id, name)| {
                            let selected = id == chosen_citizen;
                            view! { <option value=id selected=selected>{name}</option> }
                        }).collect_view()}
                    </select>
                </div>
            })}
            <TextField name="subject" label=Msg::MessagesSubject required=true maxlength=SUBJECT_MAX/>
            {(!form.activities.is_empty()).then(|| view! {
                <div class="field">
                    <label for="activity_id">{t(Msg::MessagesActivity)}</label>
                    <select id="activity_id" name="activity_id">
                        <option value="">{t(Msg::MessagesNoActivity)}</option>
                        {form.activities.into_iter().map(|(id, title)| {
                            let selected = id == chosen_activity;
                            view! { <option value=id selected=selected>{title}</option> }
                        }).collect_view()}
                    </select>
                </div>
            })}
            <DraftField draft_key=composer::draft_key("new") max=BODY_MAX rows=8 texts=field_texts()
                initial=crate::forms::draft_value("body").unwrap_or_else(|| signature(form.staff))/>
            <button type="submit" class="button" data-sending=t(Msg::MessagesSending)>{t(Msg::MessagesSend)}</button>
        </form>
    }
}

/// `/messages/:id`: one thread, for the citizen and their caseworker.
#[component]
pub fn ThreadPage() -> impl IntoView {
    let id = leptos_router::hooks::use_params_map()
        .get_untracked()
        .get("id")
        .unwrap_or_default();
    let before = leptos_router::hooks::use_query_map()
        .get_untracked()
        .get("before")
        .unwrap_or_default();
    view! {
        <Loaded future=get_thread(id, before) let:thread>
            <Thread thread=thread/>
        </Loaded>
    }
}

#[component]
fn Thread(thread: ThreadView) -> impl IntoView {
    provide_context(thread.draft.clone().unwrap_or_default());
    let staff = thread.staff_view;
    let back = if staff {
        view! { <p><a href="/inbox">{t(Msg::InboxBack)}</a></p> }.into_any()
    } else {
        view! { <p><a href="/messages">{t(Msg::MessagesBack)}</a></p> }.into_any()
    };
    view! {
            <Title text=thread.subject.clone()/>
            {back}
            <h1>{thread.subject.clone()}</h1>
            <FormStatus/>
            {staff.then(|| view! { <p><strong>{t(Msg::MessagesCitizen)} ": "</strong> {thread.citizen_name.clone()}</p> })}
            {thread.activity.map(|(id, title)| view! {
                <p>{t(Msg::MessagesAboutActivity)} " " <a href=format!("/activities/{id}")>{title}</a></p>
            })}
            <section aria-labelledby="message-list-heading" id="message-list">
                <h2 id="message-list-heading">{t(Msg::MessagesThreadHeading)}</h2>
                // What a new message changes; swapped in whole when one arrives.
                <div id="thread-live">
                    {(thread.waiting_for_citizen && !staff).then(|| view! {
                        <p class="alert alert-info"><strong>{t(Msg::MessagesWaitingForYou)}</strong> " " {t(Msg::MessagesWaitingForYouHint)}</p>
                    })}
                    {(thread.waiting_for_citizen && staff).then(|| view! { <p><span class="status-tag awaiting">{t(Msg::InboxWaitingForCitizen)}</span></p> })}
                    {thread.earlier.map(|oldest| view! {
                        <p><a href=format!("/messages/{}?before={oldest}#message-list", thread.id)>{t(Msg::MessagesEarlier)}</a></p>
                    })}
                    <MessageList messages=thread.messages/>
                    {thread.older_page.then(|| view! {
                        <p><a href=format!("/messages/{}#message-list", thread.id)>{t(Msg::MessagesNewest)}</a></p>
                    })}
                </div>
                <ThreadListener thread_id=thread.id.clone() arrived=t(Msg::MessagesArrived).to_string()/>
            </section>
            <section class="card" aria-labelledby="reply-heading">
                <h2 id="reply-heading">{t(Msg::MessagesReply)}</h2>
                {(!staff).then(|| view! { <ReplyTime/> })}
                <Composer thread_id=thread.id.clone() form_key=thread.form_key max=BODY_MAX
                    initial=crate::forms::draft_value("body").unwrap_or_else(|| signature(staff)) texts=composer_texts(staff)
    />
                <p class="hint">{t(Msg::MessagesNoEditing)}</p>
            </section>
        }
}

/// The reply form's words.
fn composer_texts(staff: bool) -> ComposerTexts {
    ComposerTexts {
        field: field_texts(),
        send: t(Msg::MessagesSend).into(),
        sending: t(Msg::MessagesSending).into(),
        ask_for_reply: staff.then(|| t(Msg::MessagesAskForReply).into()),
    }
}

/// The message field's words, with the server's refusal of the last post.
fn field_texts() -> FieldTexts {
    let error = crate::forms::query_error()
        .filter(|(_, field)| field.as_deref() == Some("body"))
        .map(|(msg, _)| t(msg).to_string());
    FieldTexts {
        label: t(Msg::MessagesBody).into(),
        hint: t(Msg::MessagesBodyHint).into(),
        count: texts::MessagesCount::raw(use_lang()).into(),
        error,
    }
}

/// A caseworker's message ends with their name, prefilled so they can change it.
fn signature(staff: bool) -> String {
    match crate::layout::page_user() {
        Some(u) if staff => format!("\n\n{}\n{}", t(Msg::MessagesSignature), u.name),
        _ => String::new(),
    }
}

/// The messages of a thread, oldest first; own messages show their state
/// (read receipts only for staff: the viewer's `read` is empty otherwise).
#[component]
pub fn MessageList(messages: Vec<MessageView>) -> impl IntoView {
    // A citizen reads staff's words, which are written in Danish.
    let citizen = crate::layout::page_user().is_some_and(|u| u.role == crate::model::Role::Citizen);
    view! {
        <ol class="messages">
            {messages.into_iter().map(|m| {
                let class = if m.mine { "message mine" } else { "message" };
                let who = if m.mine { t(Msg::MessagesYou).to_string() } else { m.sender_name.clone() };
                let state = match &m.read {
                    Some(when) => tf(texts::MessagesReadAt { when }),
                    None => t(Msg::MessagesDelivered).to_string(),
                };
                view! {
                    <li class=class>
                        <p class="message-meta"><strong>{who}</strong> " · " {m.sent.clone()}</p>
                        <MessageText body=m.body lang=if citizen && !m.mine { "da" } else { "" }/>
                        {m.mine.then(|| view! { <p class="message-state">{state}</p> })}
                    </li>
                }
            }).collect_view()}
        </ol>
    }
}

/// Keeps an open thread current: when the server says a message arrived,
/// the thread's part of the page is fetched again and swapped in, and the
/// news is announced to screen readers. Without WebAssembly a reload does it.
#[island]
pub fn ThreadListener(thread_id: String, arrived: String) -> impl IntoView {
    crate::islands::rendered();
    let news = RwSignal::new(String::new());
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        live::follow(thread_id.clone(), news, arrived.clone());
        #[cfg(not(feature = "hydrate"))]
        let _ = (&thread_id, &arrived);
    });
    view! { <p class="visually-hidden" role="status">{move || news.get()}</p> }
}

/// `/inbox`: every thread across the caseload, who waits first.
#[component]
pub fn InboxPage() -> impl IntoView {
    let filter = leptos_router::hooks::use_query_map()
        .get_untracked()
        .get("filter")
        .unwrap_or_default();
    view! {
        <Title text=t(Msg::InboxTitle)/>
        <h1>{t(Msg::InboxTitle)}</h1>
        <FormStatus/>
        <p><a class="button" href="/messages/new">{t(Msg::InboxNewThread)}</a></p>
        <Loaded future=get_inbox(filter) let:inbox>
            <Inbox inbox=inbox/>
        </Loaded>
    }
}

#[component]
fn Inbox(inbox: InboxView) -> impl IntoView {
    view! {
        <nav aria-label=t(Msg::InboxFilters) class="filters">
            <ul>
                {InboxFilter::ALL.into_iter().map(|f| {
                    let href = if f == InboxFilter::All { "/inbox".to_string() } else { format!("/inbox?filter={}", f.as_str()) };
                    let current = (f == inbox.filter).then_some("page");
                    view! { <li><a href=href aria-current=current>{t(f.label())}</a></li> }
                }).collect_view()}
                <li><a href="#feedback-heading">{t(Msg::InboxFeedback)}</a></li>
            </ul>
        </nav>
        {if inbox.rows.is_empty() {
            view! { <p>{t(Msg::InboxEmpty)}</p> }.into_any()
        } else {
            view! {
                <DataTable caption=t(Msg::InboxCaption) id="inbox">
                    <thead><tr>
                        <th scope="col">{t(Msg::MessagesSubject)}</th>
                        <th scope="col">{t(Msg::MessagesCitizen)}</th>
                        <th scope="col">{t(Msg::InboxState)}</th>
                        <th scope="col">{t(Msg::InboxLast)}</th>
                    </tr></thead>
                    <tbody>
                        {inbox.rows.into_iter().map(|r| {
                            let state = if r.waiting_for_us {
                                tf(texts::InboxWaitingForUsFor { time: &waited(r.waited_hours) })
                            } else if r.waiting_for_citizen {
                                t(Msg::InboxWaitingForCitizen).to_string()
                            } else {
                                t(Msg::InboxAnswered).to_string()
                            };
                            view! {
                                <tr>
                                    <th scope="row"><a href=format!("/messages/{}", r.id)>{r.subject}</a>
                                        {(r.unread > 0).then(|| view! {
                                            " " <span class="badge">{r.unread}<span class="visually-hidden">" " {t(Msg::MessagesUnread)}</span></span>
                                        })}
                                        {r.activity.map(|a| view! { <br/><span class="muted">{tf(texts::MessagesAbout { title: &a })}</span> })}
                                    </th>
                                    <td>{r.citizen_name}</td>
                                    <td>{state}</td>
                                    <td>{r.last_message}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </DataTable>
            }.into_any()
        }}
        <section class="card" aria-labelledby="feedback-heading">
            <h2 id="feedback-heading">{t(Msg::InboxFeedback)}</h2>
            {if inbox.feedback.is_empty() {
                view! { <p>{t(Msg::InboxFeedbackNone)}</p> }.into_any()
            } else {
                view! {
                    <ul class="list-rows">
                        {inbox.feedback.into_iter().map(|f| {
                            let about = f.activity.clone().unwrap_or_else(|| t(Msg::InboxAboutCourse).to_string());
                            let answer = format!("/messages/new?citizen={}", f.citizen_id);
                            view! {
                                <li>
                                    <h3>{f.citizen_name.clone()} " · " {about}</h3>
                                    <p><strong>{t(crate::plan::responses::meaning_word(f.rating))}</strong> " · " {f.when}</p>
                                    {f.comment.map(|c| view! { <MessageText body=c/> })}
                                    <p><a href=answer>{tf(texts::InboxAnswerFeedback { name: &f.citizen_name })}</a></p>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

/// How long someone has waited, in words.
fn waited(hours: i64) -> String {
    if hours < 1 {
        t(Msg::InboxUnderAnHour).to_string()
    } else if hours < 24 {
        tn(Plural::InboxHours, hours)
    } else {
        tn(Plural::InboxDays, hours / 24)
    }
}
