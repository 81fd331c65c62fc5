//! `/inbox`: the caseworker's threads across the caseload, who waits first.
use super::get_inbox;
use super::text::MessageText;
use super::types::{InboxFilter, InboxView};
use crate::forms::FormStatus;
use crate::i18n::{t, texts, tf, tn, Msg, Plural};
use crate::layout::Title;
use crate::layout::{DataTable, Loaded};
use leptos::prelude::*;

/// `/inbox`: every thread across the caseload, who waits first.
#[component]
pub fn InboxPage() -> impl IntoView {
    let filter = leptos_router::hooks::use_query_map()
        .get_untracked()
        .get("filter")
        .unwrap_or_default();
    view! {
        <Title text=t(Msg::InboxTitle) />
        <h1>{t(Msg::InboxTitle)}</h1>
        <FormStatus />
        <p>
            <a class="button" href="/messages/new">
                {t(Msg::InboxNewThread)}
            </a>
        </p>
        <Loaded future=get_inbox(filter) let:inbox>
            <Inbox inbox=inbox />
        </Loaded>
    }
}

#[component]
fn Inbox(inbox: InboxView) -> impl IntoView {
    view! {
        <nav aria-label=t(Msg::InboxFilters) class="filters">
            <ul>
                {InboxFilter::ALL
                    .into_iter()
                    .map(|f| {
                        let href = if f == InboxFilter::All {
                            "/inbox".to_string()
                        } else {
                            format!("/inbox?filter={}", f.as_str())
                        };
                        let current = (f == inbox.filter).then_some("page");
                        view! {
                            <li>
                                <a href=href aria-current=current>
                                    {t(f.label())}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()} <li>
                    <a href="#feedback-heading">{t(Msg::InboxFeedback)}</a>
                </li>
            </ul>
        </nav>
        {if inbox.rows.is_empty() {
            view! { <p>{t(Msg::InboxEmpty)}</p> }.into_any()
        } else {
            view! {
                <DataTable caption=t(Msg::InboxCaption) id="inbox">
                    <thead>
                        <tr>
                            <th scope="col">{t(Msg::MessagesSubject)}</th>
                            <th scope="col">{t(Msg::MessagesCitizen)}</th>
                            <th scope="col">{t(Msg::InboxState)}</th>
                            <th scope="col">{t(Msg::InboxLast)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {inbox
                            .rows
                            .into_iter()
                            .map(|r| {
                                let state = if r.waiting_for_us {
                                    tf(texts::InboxWaitingForUsFor {
                                        time: &waited(r.waited_hours),
                                    })
                                } else if r.waiting_for_citizen {
                                    t(Msg::InboxWaitingForCitizen).to_string()
                                } else {
                                    t(Msg::InboxAnswered).to_string()
                                };
                                view! {
                                    <tr>
                                        <th scope="row">
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
                                            {r
                                                .activity
                                                .map(|a| {
                                                    view! {
                                                        <br />
                                                        <span class="muted">
                                                            {tf(texts::MessagesAbout { title: &a })}
                                                        </span>
                                                    }
                                                })}
                                        </th>
                                        <td>{r.citizen_name}</td>
                                        <td>{state}</td>
                                        <td>{r.last_message}</td>
                                    </tr>
                                }
                            })
                            .collect_view()}
                    </tbody>
                </DataTable>
            }
                .into_any()
        }}
        <section class="card" aria-labelledby="feedback-heading">
            <h2 id="feedback-heading">{t(Msg::InboxFeedback)}</h2>
            {if inbox.feedback.is_empty() {
                view! { <p>{t(Msg::InboxFeedbackNone)}</p> }.into_any()
            } else {
                view! {
                    <ul class="list-rows">
                        {inbox
                            .feedback
                            .into_iter()
                            .map(|f| {
                                let about = f
                                    .activity
                                    .clone()
                                    .unwrap_or_else(|| t(Msg::InboxAboutCourse).to_string());
                                let answer = format!("/messages/new?citizen={}", f.citizen_id);
                                view! {
                                    <li>
                                        <h3>{f.citizen_name.clone()} " · " {about}</h3>
                                        <p>
                                            <strong>
                                                {t(crate::plan::responses::meaning_word(f.rating))}
                                            </strong>
                                            " · "
                                            {f.when}
                                        </p>
                                        {f.comment.map(|c| view! { <MessageText body=c /> })}
                                        <p>
                                            <a href=answer>
                                                {tf(texts::InboxAnswerFeedback {
                                                    name: &f.citizen_name,
                                                })}
                                            </a>
                                        </p>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
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
