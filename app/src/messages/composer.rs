//! The reply field: an island, because only the browser can count while
//! someone types, keep a draft through a reload, and keep a message that
//! could not be sent on screen with a way to try again. Without the
//! WebAssembly the same form posts as usual and the server checks it.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A message field's texts, translated on the server (the WebAssembly
/// carries no dictionary).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FieldTexts {
    pub label: String,
    pub hint: String,
    /// With `{count}` and `{max}`.
    pub count: String,
    /// The server's refusal of the last post, if any.
    pub error: Option<String>,
}

/// The reply form's texts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComposerTexts {
    pub field: FieldTexts,
    pub send: String,
    pub sending: String,
    pub sent: String,
    pub failed: String,
    /// For staff: "ask the citizen to reply".
    pub ask_for_reply: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sending {
    No,
    Now,
    Sent,
    Failed,
}

/// Where a draft is kept: by thread, or `new` for a new thread.
pub fn draft_key(thread: &str) -> String {
    format!("mitforlob-draft:{thread}")
}

/// The message field: counts while someone types and keeps a draft in this
/// browser. What was typed before the page woke up is kept; otherwise a kept
/// draft comes back, unless the server refilled the field.
#[component]
fn CountedField(
    body: RwSignal<String>,
    field: NodeRef<leptos::html::Textarea>,
    draft_key: String,
    initial: String,
    max: usize,
    rows: u32,
    texts: FieldTexts,
) -> impl IntoView {
    Effect::new({
        let (draft_key, initial) = (draft_key.clone(), initial.clone());
        move |_| {
            let Some(el) = field.get() else { return };
            let typed = el.value();
            if typed != initial {
                drafts::save(&draft_key, &typed);
                body.set(typed);
            } else if let Some(draft) = drafts::load(&draft_key).filter(|d| !d.trim().is_empty()) {
                el.set_value(&draft);
                body.set(draft);
            }
        }
    });
    let on_input = move |ev| {
        let text = event_target_value(&ev);
        drafts::save(&draft_key, &text);
        body.set(text);
    };
    let count = {
        let template = texts.count.clone();
        move || {
            template
                .replace("{count}", &body.with(|b| b.chars().count()).to_string())
                .replace("{max}", &max.to_string())
        }
    };
    let error = texts.error.clone();
    let described = if error.is_some() {
        "body-hint body-error body-count"
    } else {
        "body-hint body-count"
    };
    view! {
        <div class="field">
            <label for="body">{texts.label.clone()}</label>
            <p class="hint" id="body-hint">{texts.hint.clone()}</p>
            {error.clone().map(|e| view! { <p class="field-error" id="body-error">{e}</p> })}
            <textarea id="body" name="body" rows=rows required maxlength=max
                aria-describedby=described aria-invalid=error.as_ref().map(|_| "true")
                node_ref=field on:input=on_input>{initial.clone()}</textarea>
            <p class="hint" id="body-count">{count}</p>
        </div>
    }
}

/// The message field of a plain form (a new thread): counted, with a draft.
#[island]
pub fn DraftField(draft_key: String, initial: String, max: usize, texts: FieldTexts) -> impl IntoView {
    let body = RwSignal::new(initial.clone());
    let field = NodeRef::new();
    view! { <CountedField body=body field=field draft_key=draft_key initial=initial max=max rows=8 texts=texts/> }
}

/// The reply form. `just_started`: the thread was just made from the "new
/// message" form, whose draft is then done with.
#[island]
pub fn Composer(
    thread_id: String,
    form_key: String,
    initial: String,
    max: usize,
    texts: ComposerTexts,
    just_started: bool,
) -> impl IntoView {
    let body = RwSignal::new(initial.clone());
    let sending = RwSignal::new(Sending::No);
    let form = NodeRef::<leptos::html::Form>::new();
    let ask = NodeRef::<leptos::html::Input>::new();
    let field = NodeRef::<leptos::html::Textarea>::new();
    let key = draft_key(&thread_id);
    Effect::new(move |_| {
        if just_started {
            drafts::clear(&draft_key("new"));
        }
    });
    let on_submit = {
        let (thread_id, form_key, key) = (thread_id.clone(), form_key.clone(), key.clone());
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if sending.get_untracked() == Sending::Now {
                return;
            }
            sending.set(Sending::Now);
            let ask_for_reply = ask
                .get_untracked()
                .filter(|a| a.checked())
                .map(|_| "yes".to_string());
            let (thread_id, form_key, key) = (thread_id.clone(), form_key.clone(), key.clone());
            leptos::task::spawn_local(async move {
                // The same key on every try: a retry never makes a second message.
                let text = field
                    .get_untracked()
                    .map(|f| f.value())
                    .unwrap_or_else(|| body.get_untracked());
                match super::send_message(thread_id.clone(), text, ask_for_reply, form_key).await {
                    Ok(()) => {
                        drafts::clear(&key);
                        body.set(String::new());
                        if let Some(f) = field.get_untracked() {
                            f.set_value("");
                        }
                        if let Some(ask) = ask.get_untracked() {
                            ask.set_checked(false);
                        }
                        sending.set(Sending::Sent);
                        // Show it in the thread at once, even if the live news is slow.
                        #[cfg(feature = "hydrate")]
                        let _ = super::live::refresh(&thread_id).await;
                    }
                    // No connection: keep everything and offer to try again.
                    Err(crate::error::AppError::Request(_)) => sending.set(Sending::Failed),
                    // Refused: let the server say why, in words, as without WebAssembly.
                    Err(_) => {
                        if let Some(form) = form.get_untracked() {
                            let _ = form.submit();
                        }
                    }
                }
            });
        }
    };
    view! {
        <form method="post" action="/api/send-message" class="stack" node_ref=form on:submit=on_submit>
            <input type="hidden" name="thread_id" value=thread_id.clone()/>
            <input type="hidden" name="form_key" value=form_key.clone()/>
            <CountedField body=body field=field draft_key=key initial=initial max=max rows=6 texts=texts.field.clone()/>
            {texts.ask_for_reply.clone().map(|label| view! {
                <div class="choice">
                    <input type="checkbox" id="ask_for_reply" name="ask_for_reply" value="yes" node_ref=ask/>
                    <label for="ask_for_reply">{label}</label>
                </div>
            })}
            <button type="submit" class="button" disabled=move || sending.get() == Sending::Now>
                {let (send, busy) = (texts.send.clone(), texts.sending.clone());
                 move || if sending.get() == Sending::Now { busy.clone() } else { send.clone() }}
            </button>
            <div role="status" class="send-state">
                {let (sent, failed) = (texts.sent.clone(), texts.failed.clone());
                 move || match sending.get() {
                     Sending::Sent => Some(view! { <p class="alert alert-success">{sent.clone()}</p> }.into_any()),
                     Sending::Failed => Some(view! { <p class="alert alert-error">{failed.clone()}</p> }.into_any()),
                     _ => None,
                 }}
            </div>
        </form>
    }
}

/// Drafts in this browser's storage, by thread. Cleared once sent.
mod drafts {
    #[cfg(feature = "hydrate")]
    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok()?
    }

    pub fn load(key: &str) -> Option<String> {
        #[cfg(feature = "hydrate")]
        return storage()?.get_item(key).ok()?;
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = key;
            None
        }
    }

    pub fn save(key: &str, text: &str) {
        #[cfg(feature = "hydrate")]
        if let Some(s) = storage() {
            let _ = s.set_item(key, text);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (key, text);
    }

    pub fn clear(key: &str) {
        #[cfg(feature = "hydrate")]
        if let Some(s) = storage() {
            let _ = s.remove_item(key);
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = key;
    }
}
