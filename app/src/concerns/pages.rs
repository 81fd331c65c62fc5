//! The citizen's concern pages, and the pieces other pages show of a
//! request (the link to raise one, its news, its facts and progress).
use super::types::{ConcernFormData, ConcernNews, ConcernView, DESCRIPTION_MAX};
use super::{get_concern, my_concerns, new_concern_form};
use crate::forms::FormStatus;
use crate::i18n::{t, texts, tf, use_lang, Msg};
use crate::layout::Loaded;
use crate::layout::Title;
use crate::model::ConcernState;
use leptos::prelude::*;

/// The link that opens the concern form, optionally about one activity.
#[component]
pub fn RaiseConcernLink(#[prop(optional, into)] activity_id: Option<String>) -> impl IntoView {
    let href = match activity_id {
        Some(id) => format!("/concerns/new?activity={id}"),
        None => "/concerns/new".to_string(),
    };
    view! {
        <p class="no-print">
            <a class="button secondary" href=href>
                {t(Msg::ConcernRaise)}
            </a>
        </p>
    }
}

/// One request's news as the citizen reads it: "Du har fået svar", "Samtale
/// aftalt …", or the step it waits in, with the way to the request.
#[component]
pub fn ConcernNewsLine(news: ConcernNews) -> impl IntoView {
    let text = match (news.state, &news.conversation_at) {
        (ConcernState::Answered, _) => t(Msg::ConcernNewsAnswered).to_string(),
        (ConcernState::ConversationBooked, Some(when)) => tf(texts::ConcernNewsBooked { when }),
        (state, _) => tf(texts::ConcernNewsState {
            state: t(state.label()),
        }),
    };
    view! {
        <p class="concern-news">
            <strong>{text}</strong>
            {news
                .activity_title
                .map(|title| {
                    view! {
                        " "
                        {t(Msg::ConcernNewsAbout)}
                        " "
                        <span lang="da">{title}</span>
                        "."
                    }
                })}
            " "
            <a href=format!("/concerns/{}", news.id)>{t(Msg::ConcernSeeRequest)}</a>
        </p>
    }
}

/// The tag an activity carries while a concern about it is open.
#[component]
pub fn AwaitingTag(awaiting: bool) -> impl IntoView {
    awaiting.then(|| view! { <span class="status-tag awaiting">{t(Msg::ConcernAwaiting)}</span> })
}

/// The right, explained where it applies.
#[component]
fn TheRight() -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="right-heading">
            <h2 id="right-heading">{t(Msg::ConcernRightTitle)}</h2>
            <p>{t(Msg::ConcernRightText1)}</p>
            <p>{t(Msg::ConcernRightText2)}</p>
        </section>
    }
}

/// `/concerns`: the citizen's requests, newest first.
#[component]
pub fn ConcernsPage() -> impl IntoView {
    view! {
        <Title text=t(Msg::ConcernListTitle) />
        <h1>{t(Msg::ConcernListTitle)}</h1>
        <FormStatus />
        <RaiseConcernLink />
        <Loaded future=my_concerns() let:concerns>
            {if concerns.is_empty() {
                view! { <p>{t(Msg::ConcernListEmpty)}</p> }.into_any()
            } else {
                view! {
                    <ul class="list-rows" aria-label=t(Msg::ConcernListCaption)>
                        {concerns
                            .into_iter()
                            .map(|c| {
                                view! {
                                    <li>
                                        <ConcernSummary concern=c />
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                }
                    .into_any()
            }}
        </Loaded>
        <TheRight />
    }
}

#[component]
fn ConcernSummary(concern: ConcernView) -> impl IntoView {
    let title = concern
        .activity
        .as_ref()
        .map(|a| a.title.clone())
        .unwrap_or_else(|| t(Msg::ConcernTitle).to_string());
    view! {
        <h2 class="h3">
            <a href=format!("/concerns/{}", concern.id)>{title}</a>
        </h2>
        <p>
            <span class="status-tag">{t(concern.state.label())}</span>
            " "
            {tf(texts::ConcernSentOn {
                date: &concern.sent,
            })}
        </p>
        {concern.expected_by.map(|d| view! { <p>{tf(texts::ConcernExpected { date: &d })}</p> })}
    }
}

/// `/concerns/new`: the form, with the right explained first.
#[component]
pub fn NewConcernPage() -> impl IntoView {
    let activity = leptos_router::hooks::use_query_map()
        .get_untracked()
        .get("activity")
        .unwrap_or_default();
    view! {
        <Title text=t(Msg::ConcernRaise) />
        <p>
            <a href="/concerns">{t(Msg::ConcernSeeAll)}</a>
        </p>
        <h1>{t(Msg::ConcernRaise)}</h1>
        <FormStatus />
        <TheRight />
        <Loaded future=new_concern_form(activity) let:form>
            <NewConcern form=form />
        </Loaded>
    }
}

#[component]
fn NewConcern(form: ConcernFormData) -> impl IntoView {
    if !form.has_course {
        return view! { <p class="alert alert-info">{t(Msg::ConcernNoCourse)}</p> }.into_any();
    }
    provide_context(form.draft.clone().unwrap_or_default());
    let chosen = crate::forms::draft_value("activity_id").unwrap_or(form.chosen);
    let attach = crate::forms::draft_value("attach_wellbeing").is_some_and(|v| v == "yes");
    view! {
        <section class="card" aria-labelledby="concern-form-heading">
            <h2 id="concern-form-heading">{t(Msg::ConcernTitle)}</h2>
            <form method="post" action="/api/raise-concern" novalidate class="stack">
                <input type="hidden" name="form_key" value=form.form_key />
                <crate::forms::TextArea
                    name="description"
                    label=Msg::ConcernDescription
                    hint=Msg::ConcernDescriptionHint
                    required=true
                    maxlength=DESCRIPTION_MAX
                    rows=6
                />
                {(!form.activities.is_empty())
                    .then(|| {
                        view! {
                            <div class="field">
                                <label for="activity_id">{t(Msg::ConcernActivity)}</label>
                                <select id="activity_id" name="activity_id">
                                    <option value="">{t(Msg::ConcernActivityNone)}</option>
                                    {form
                                        .activities
                                        .into_iter()
                                        .map(|(id, title)| {
                                            let selected = id == chosen;
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
                <div class="choice">
                    <input
                        type="checkbox"
                        id="attach_wellbeing"
                        name="attach_wellbeing"
                        value="yes"
                        aria-describedby="attach-hint"
                        checked=attach
                    />
                    <label for="attach_wellbeing">{t(Msg::ConcernAttachWellbeing)}</label>
                </div>
                <p class="hint" id="attach-hint">
                    {t(Msg::ConcernAttachHint)}
                </p>
                <button type="submit" class="button">
                    {t(Msg::ConcernSend)}
                </button>
            </form>
        </section>
    }
    .into_any()
}

/// `/concerns/:id`: one request, its progress and the answer.
#[component]
pub fn ConcernPage() -> impl IntoView {
    let id = leptos_router::hooks::use_params_map()
        .get_untracked()
        .get("id")
        .unwrap_or_default();
    view! {
        <Title text=t(Msg::ConcernTitle) />
        <p>
            <a href="/concerns">{t(Msg::ConcernSeeAll)}</a>
        </p>
        <h1>{t(Msg::ConcernTitle)}</h1>
        <FormStatus />
        <Loaded future=get_concern(id) let:concern>
            <Concern concern=concern />
        </Loaded>
    }
}

#[component]
fn Concern(concern: ConcernView) -> impl IntoView {
    let open = concern.state.is_open();
    let id = concern.id.clone();
    view! {
        <ConcernAnswer concern=concern.clone() for_citizen=true />
        <section class="card" aria-labelledby="progress-heading" id="state">
            <h2 id="progress-heading">{t(Msg::ConcernProgress)}</h2>
            <ConcernProgress concern=concern.clone() />
        </section>
        <section class="card" aria-labelledby="words-heading">
            <h2 id="words-heading">{t(Msg::ConcernYourWords)}</h2>
            <ConcernFacts concern=concern />
        </section>
        {open
            .then(|| {
                view! {
                    <section class="card" aria-labelledby="withdraw-heading">
                        <h2 id="withdraw-heading">{t(Msg::ConcernWithdraw)}</h2>
                        <p>{t(Msg::ConcernWithdrawHint)}</p>
                        <form method="post" action="/api/concern-step" novalidate>
                            <input type="hidden" name="concern_id" value=id />
                            <input type="hidden" name="step" value="withdrawn" />
                            <button type="submit" class="button secondary">
                                {t(Msg::ConcernWithdraw)}
                            </button>
                        </form>
                    </section>
                }
            })}
    }
}

/// What the request says and is about.
#[component]
pub fn ConcernFacts(concern: ConcernView) -> impl IntoView {
    let attached = if concern.attach_wellbeing {
        Msg::ConcernWellbeingAttached
    } else {
        Msg::ConcernWellbeingNotAttached
    };
    view! {
        <p class="user-text">{concern.description}</p>
        <dl class="facts">
            <dt>{t(Msg::ConcernAboutActivity)}</dt>
            <dd>
                {match concern.activity {
                    Some(a) => a.title,
                    None => t(Msg::ConcernNoActivity).to_string(),
                }}
            </dd>
            <dt>{t(Msg::ConcernCoordinator)}</dt>
            <dd>{concern.coordinator_name.unwrap_or_else(|| t(Msg::ConcernNotAssigned).to_string())}</dd>
            <dt>{t(Msg::RequestWellbeing)}</dt>
            <dd>{t(attached)}</dd>
        </dl>
    }
}

/// Every state with its time, what comes next and when, and a booked conversation.
#[component]
pub fn ConcernProgress(concern: ConcernView) -> impl IntoView {
    let next = concern.state.next_step();
    view! {
        <ol class="steps">
            {concern
                .events
                .into_iter()
                .map(|e| {
                    view! {
                        <li>
                            <strong>{t(e.state.label())}</strong>
                            " "
                            {e.when}
                        </li>
                    }
                })
                .collect_view()}
        </ol>
        {concern
            .conversation_at
            .map(|when| {
                view! {
                    <dl class="facts">
                        <dt>{t(Msg::ConcernConversationWhen)}</dt>
                        <dd>{when}</dd>
                        <dt>{t(Msg::ConcernConversationPlace)}</dt>
                        <dd>{concern.conversation_place.unwrap_or_default()}</dd>
                    </dl>
                }
            })}
        {next.map(|m| view! { <p>{t(m)}</p> })}
        {concern
            .expected_by
            .map(|d| {
                view! {
                    <p>
                        <strong>{tf(texts::ConcernExpected { date: &d })}</strong>
                    </p>
                }
            })}
    }
}

/// The coordinator's answer, once there is one.
#[component]
pub fn ConcernAnswer(concern: ConcernView, for_citizen: bool) -> impl IntoView {
    let outcome = concern.outcome?;
    Some(view! {
        <section class="card answer" aria-labelledby=format!("answer-{}", concern.id)>
            <h2 id=format!("answer-{}", concern.id)>{t(Msg::ConcernAnswer)}</h2>
            <p>
                <strong>{t(outcome.label())}</strong>
            </p>
            <h3>{t(Msg::ConcernReasons)}</h3>
            <p class="user-text" lang="da">
                {concern.assessment.unwrap_or_default()}
            </p>
            {for_citizen
                .then(|| {
                    view! {
                        <p>{t(Msg::ConcernAfterAnswer)}</p>
                        <p>
                            <crate::phone::WithPhone
                                text=texts::ConcernDisagree::raw(use_lang())
                                number=crate::phone::JOBCENTRE
                            />
                        </p>
                    }
                })}
        </section>
    })
}

/// A caseworker's view of a citizen's requests, on the citizen page.
#[component]
pub fn CitizenConcerns(concerns: Vec<ConcernView>) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="concerns-heading">
            <h2 id="concerns-heading">{t(Msg::CaseloadConcernsTitle)}</h2>
            {if concerns.is_empty() {
                view! { <p>{t(Msg::CaseloadConcernsNone)}</p> }.into_any()
            } else {
                view! {
                    <ul class="list-rows">
                        {concerns
                            .into_iter()
                            .map(|c| {
                                let title = c
                                    .activity
                                    .as_ref()
                                    .map(|a| a.title.clone())
                                    .unwrap_or_else(|| t(Msg::ConcernTitle).to_string());
                                view! {
                                    <li>
                                        <h3>{title}</h3>
                                        <p>
                                            <span class="status-tag">{t(c.state.label())}</span>
                                            " "
                                            {tf(texts::ConcernSentOn {
                                                date: &c.sent,
                                            })}
                                        </p>
                                        <h4>{t(Msg::ConcernTheirWords)}</h4>
                                        <ConcernFacts concern=c.clone() />
                                        <ConcernProgress concern=c.clone() />
                                        {c
                                            .outcome
                                            .map(|o| {
                                                view! {
                                                    <h4>{t(Msg::ConcernAnswer)}</h4>
                                                    <p>
                                                        <strong>{t(o.label())}</strong>
                                                    </p>
                                                    <p class="user-text">
                                                        {c.assessment.clone().unwrap_or_default()}
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
            }}
        </section>
    }
}
