//! The reply field: an island, because only the browser can count while
//! someone types, keep a draft through a reload, and keep a message that
//! could not be sent on screen with a way to try again. Without the
//! WebAssembly the same form posts as usual and the server checks it.
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Texts for the island, translated on the server (the WebAssembly carries no dictionary).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComposerTexts {
    pub label: String,
    pub hint: String,
    /// With `{count}` and `{max}`.
    pub count: String,
    pub send: String,
    pub sending: String,
    pub sent: String,
    pub failed: String,
    /// For staff: "ask the citizen to reply".
    pub ask_for_reply: Option<String>,
    /// The server's refusal of the last post, if any.
    pub error: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sending {
    No,
    Now,
    Sent,
    Failed,
}

#[island]
pub fn Composer(
    thread_id: String,
    form_key: String,
    initial: String,
    max: usize,
    texts: ComposerTexts,
) -> impl IntoView {
    let body = RwSignal::new(initial.clone());
    let sending = RwSignal::new(Sending::No);
    let form = NodeRef::<leptos::html::Form>::new();
    let ask = NodeRef::<leptos::html::Input>::new();
    let draft_key = format!("mitforlob-draft:{thread_id}");
    // A draft kept in this browser comes back, unless the server refilled the field.
    Effect::new({
        let (draft_key, initial) = (draft_key.clone(), initial.clone());
        move |_| {
            if let Some(draft) = drafts::load(&draft_key) {
                if body.get_untracked() == initial && !draft.trim().is_empty() {
                    body.set(draft);
                }
            }
        }
    });
    let on_input = {
        let draft_key = draft_key.clone();
        move |ev| {
            let text = event_target_value(&ev);
            drafts::save(&draft_key, &text);
            body.set(text);
            if sending.get_untracked() == Sending::Sent {
                sending.set(Sending::No);
            }
        }
    };
    let on_submit = {
        let (thread_id, form_key) = (thread_id.clone(), form_key.clone());
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
            let (thread_id, form_key, draft_key) = (thread_id.clone(), form_key.clone(), draft_key.clone());
            leptos::task::spawn_local(async move {
                // The same key on every try: a retry never makes a second message.
                match super::send_message(thread_id.clone(), body.get_untracked(), ask_for_reply, form_key)
                    .await
                {
                    Ok(()) => {
                        drafts::clear(&draft_key);
                        body.set(String::new());
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
        <form method="post" action="/api/send-message" class="stack" node_ref=form on:submit=on_submit>
            <input type="hidden" name="thread_id" value=thread_id.clone()/>
            <input type="hidden" name="form_key" value=form_key.clone()/>
            <div class="field">
                <label for="body">{texts.label.clone()}</label>
                <p class="hint" id="body-hint">{texts.hint.clone()}</p>
                {error.clone().map(|e| view! { <p class="field-error" id="body-error">{e}</p> })}
                <textarea id="body" name="body" rows="6" required maxlength=max
                    aria-describedby=described aria-invalid=error.as_ref().map(|_| "true")
                    prop:value=move || body.get() on:input=on_input>{initial.clone()}</textarea>
                <p class="hint" id="body-count">{count}</p>
            </div>
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
