//! The message pages: the citizen's threads, a thread and a new thread
//! (the caseworker's inbox is in `inbox.rs`).
use super::composer::{self, Composer, ComposerTexts, DraftField, FieldTexts};
#[cfg(feature = "hydrate")]
use super::live;
use super::text::MessageText;
use super::types::{MessageView, ThreadFormData, ThreadView, BODY_MAX, SUBJECT_MAX};
use super::{get_thread, my_threads, new_thread_form};
use crate::forms::{FormStatus, TextField};
use crate::i18n::{t, texts, tf, use_lang, Msg};
use crate::layout::Loaded;
use crate::layout::Title;
use leptos::prelude::*;

/// `/messages`: the citizen's threads, newest first.
#[component]
pub fn MessagesPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::MessagesTitle) />
        <h1>{t(Msg::MessagesTitle)}</h1>
        <FormStatus />
        <ReplyTime />
        <p>
            <a class="button" href="/messages/new">
                {t(Msg::MessagesNew)}
            </a>
        </p>
        <Loaded future=my_threads() let:rows>
            {match rows {
                rows if rows.is_empty() => view! { <p>{t(Msg::MessagesEmpty)}</p> }.into_any(),
                rows => {
                    view! {
                        <ul class="list-rows" aria-label=t(Msg::MessagesListLabel)>
                            {rows
                                .into_iter()
                                .map(|r| {
                                    view! {
                                        <li>
                                            <h2 class="h3">
                                                <a href=format!("/messages/{}", r.id)>{r.subject}</a>
                                                {(r.unread > 0)
                                                    .then(|| {
                                                        view! {
                                                            " "
                                                            <span class="badge">
                                                                {r.unread}
                                                                <span class="visually-hidden">
                                                                    " " {t(Msg::MessagesUnread)}
                                                                </span>
                                                            </span>
                                                        }
                                                    })}
                                            </h2>
                                            {r
                                                .activity
                                                .map(|a| {
                                                    view! { <p>{tf(texts::MessagesAbout { title: &a })}</p> }
                                                })}
                                            <p class="muted">
                                                {tf(texts::MessagesLast {
                                                    when: &r.last_message,
                                                })}
                                            </p>
                                            {r
                                                .waiting_for_you
                                                .then(|| {
                                                    view! {
                                                        <p>
                                                            <span class="status-tag awaiting">
                                                                {t(Msg::MessagesWaitingForYou)}
                                                            </span>
                                                        </p>
                                                    }
                                                })}
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                        .into_any()
                }
            }}
        </Loaded>
    }
}

/// When to expect an answer, and where to call when it cannot wait.
#[component]
fn ReplyTime() -> impl IntoView {
    view! {
        <p class="alert alert-info">
            <crate::phone::WithPhone
                text=texts::MessagesReplyTime::raw(use_lang())
                number=crate::phone::JOBCENTRE
            />
        </p>
    }
}

/// `/messages/new`: a new thread, optionally about one activity (citizen) or
/// to one citizen (caseworker).
#[component]
pub fn NewThreadPage() -> impl IntoView {
    let q = leptos_router::hooks::use_query_map().get_untracked();
    let activity = q.get("activity").unwrap_or_default();
    let citizen = q.get("citizen").unwrap_or_default();
    view! {
        <Title text=t(Msg::MessagesNew) />
        <h1>{t(Msg::MessagesNew)}</h1>
        <FormStatus />
        <Loaded future=new_thread_form(activity, citizen) let:form>
            <NewThread form=form />
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
        {(!form.staff).then(|| view! { <ReplyTime /> })}
        {form.caseworker.map(|name| view! { <p>{tf(texts::MessagesTo { name: &name })}</p> })}
        <form
            method="post"
            action="/api/start-thread"
            novalidate
            class="stack"
            data-outbox="message"
            data-draft-key=composer::draft_key("new")
        >
            <input type="hidden" name="form_key" value=form.form_key />
            {form
                .staff
                .then(|| {
                    view! {
                        <div class="field">
                            <label for="citizen_id">{t(Msg::MessagesCitizen)}</label>
                            {citizen_error
                                .map(|m| {
                                    view! {
                                        <p class="field-error" id="citizen_id-error">
                                            {t(m)}
                                        </p>
                                    }
                                })}
                            <select
                                id="citizen_id"
                                name="citizen_id"
                                required=true
                                aria-describedby=citizen_error.map(|_| "citizen_id-error")
                                aria-invalid=citizen_error.map(|_| "true")
                            >
                                <option value="" selected=chosen_citizen.is_empty()>
                                    {t(Msg::MessagesChooseCitizenOption)}
                                </option>
                                {form
                                    .citizens
                                    .into_iter()
                                    .map(|(id, name)| {
                                        let selected = id == chosen_citizen;
                                        view! {
                                            <option value=id selected=selected>
                                                {name}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                        </div>
                    }
                })}
            <TextField name="subject" label=Msg::MessagesSubject required=true maxlength=SUBJECT_MAX />
            {(!form.activities.is_empty())
                .then(|| {
                    view! {
                        <div class="field">
                            <label for="activity_id">{t(Msg::MessagesActivity)}</label>
                            <select id="activity_id" name="activity_id">
                                <option value="">{t(Msg::MessagesNoActivity)}</option>
                                {form
                                    .activities
                                    .into_iter()
                                    .map(|(id, title)| {
                                        let selected = id == chosen_activity;
                                        view! {
                                            <option value=id selected=selected>
                                                {title}
                                            </option>
                                        }
                                    })
                                    .collect_view()}
                            </select>
                        </div>
                    }
                })}
            <DraftField
                draft_key=composer::draft_key("new")
                max=BODY_MAX
                rows=8
                texts=field_texts()
                initial=crate::forms::draft_value("body").unwrap_or_else(|| signature(form.staff))
            />
            <button type="submit" class="button" data-sending=t(Msg::MessagesSending)>
                {t(Msg::MessagesSend)}
            </button>
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
            <Thread thread=thread />
        </Loaded>
    }
}

#[component]
fn Thread(thread: ThreadView) -> impl IntoView {
    provide_context(thread.draft.clone().unwrap_or_default());
    let staff = thread.staff_view;
    let back = if staff {
        view! {
            <p>
                <a href="/inbox">{t(Msg::InboxBack)}</a>
            </p>
        }
        .into_any()
    } else {
        view! {
            <p>
                <a href="/messages">{t(Msg::MessagesBack)}</a>
            </p>
        }
        .into_any()
    };
    view! {
        <Title text=thread.subject.clone() />
        {back}
        <h1>{thread.subject.clone()}</h1>
        <FormStatus />
        {staff
            .then(|| {
                view! {
                    <p>
                        <strong>{t(Msg::MessagesCitizen)} ": "</strong>
                        {thread.citizen_name.clone()}
                    </p>
                }
            })}
        {thread
            .activity
            .map(|(id, title)| {
                view! {
                    <p>{t(Msg::MessagesAboutActivity)} " " <a href=format!("/activities/{id}")>{title}</a></p>
                }
            })}
        <section aria-labelledby="message-list-heading" id="message-list">
            <h2 id="message-list-heading">{t(Msg::MessagesThreadHeading)}</h2>
            // What a new message changes; swapped in whole when one arrives.
            <div id="thread-live">
                {(thread.waiting_for_citizen && !staff)
                    .then(|| {
                        view! {
                            <p class="alert alert-info">
                                <strong>{t(Msg::MessagesWaitingForYou)}</strong>
                                " "
                                {t(Msg::MessagesWaitingForYouHint)}
                            </p>
                        }
                    })}
                {(thread.waiting_for_citizen && staff)
                    .then(|| {
                        view! {
                            <p>
                                <span class="status-tag awaiting">{t(Msg::InboxWaitingForCitizen)}</span>
                            </p>
                        }
                    })}
                {thread
                    .earlier
                    .map(|oldest| {
                        view! {
                            <p>
                                <a href=format!(
                                    "/messages/{}?before={oldest}#message-list",
                                    thread.id,
                                )>{t(Msg::MessagesEarlier)}</a>
                            </p>
                        }
                    })} <MessageList messages=thread.messages />
                {thread
                    .older_page
                    .then(|| {
                        view! {
                            <p>
                                <a href=format!(
                                    "/messages/{}#message-list",
                                    thread.id,
                                )>{t(Msg::MessagesNewest)}</a>
                            </p>
                        }
                    })}
            </div>
            <ThreadListener thread_id=thread.id.clone() arrived=t(Msg::MessagesArrived).to_string() />
        </section>
        <section class="card" aria-labelledby="reply-heading">
            <h2 id="reply-heading">{t(Msg::MessagesReply)}</h2>
            {(!staff).then(|| view! { <ReplyTime /> })}
            <Composer
                thread_id=thread.id.clone()
                form_key=thread.form_key
                max=BODY_MAX
                initial=crate::forms::draft_value("body").unwrap_or_else(|| signature(staff))
                texts=composer_texts(staff)
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
            {messages
                .into_iter()
                .map(|m| {
                    let class = if m.mine { "message mine" } else { "message" };
                    let who = if m.mine { t(Msg::MessagesYou).to_string() } else { m.sender_name.clone() };
                    let state = match &m.read {
                        Some(when) => tf(texts::MessagesReadAt { when }),
                        None => t(Msg::MessagesDelivered).to_string(),
                    };
                    view! {
                        <li class=class>
                            <p class="message-meta">
                                <strong>{who}</strong>
                                " · "
                                {m.sent.clone()}
                            </p>
                            <MessageText body=m.body lang=if citizen && !m.mine { "da" } else { "" } />
                            {m.mine.then(|| view! { <p class="message-state">{state}</p> })}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
    }
}

/// Keeps an open thread current: when the server says a message arrived,
/// the thread's part of the page is fetched again and swapped in, and the
/// news is announced to screen readers. Without WebAssembly a reload does it.
#[component]
pub fn ThreadListener(thread_id: String, arrived: String) -> impl IntoView {
    crate::islands::give(ListenerProps { thread_id, arrived });
    view! { <ThreadListenerIsland /> }
}

/// What the island works with (see [`crate::islands::give`]).
#[derive(Clone, Debug, Default)]
struct ListenerProps {
    thread_id: String,
    /// Said to screen readers when a message arrives.
    arrived: String,
}

impl ListenerProps {
    #[cfg(not(feature = "hydrate"))]
    fn get() -> Self {
        crate::islands::take()
    }

    /// In the browser: from the status line's `data-*` attributes.
    #[cfg(feature = "hydrate")]
    fn get() -> Self {
        let status = |name| crate::islands::data("thread-news", name);
        ListenerProps {
            thread_id: status("data-thread"),
            arrived: status("data-arrived"),
        }
    }
}

#[island]
fn ThreadListenerIsland() -> impl IntoView {
    crate::islands::rendered();
    let ListenerProps { thread_id, arrived } = ListenerProps::get();
    let (thread_attr, arrived_attr) = (thread_id.clone(), arrived.clone());
    let news = RwSignal::new(String::new());
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        live::follow(thread_id.clone(), news, arrived.clone());
        #[cfg(not(feature = "hydrate"))]
        let _ = (&thread_id, &arrived);
    });
    view! {
        <p
            class="visually-hidden"
            role="status"
            id="thread-news"
            data-thread=thread_attr
            data-arrived=arrived_attr
        >
            {move || news.get()}
        </p>
    }
}
