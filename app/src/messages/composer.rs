//! The message field: an island, because only the browser can count while
//! someone types and keep a draft through a reload. Sending is the form's
//! own post; with JavaScript, `public/app.js` sends it through the outgoing
//! queue, so a lost connection keeps it ("venter på at blive sendt").
use leptos::prelude::*;

/// A message field's texts, translated on the server (the WebAssembly
/// carries no dictionary).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct FieldTexts {
    pub label: String,
    pub hint: String,
    /// With `{used}` and `{max}` (the noun goes with the maximum, so it needs no plural).
    pub count: String,
    /// The server's refusal of the last post, if any.
    pub error: Option<String>,
}

/// The reply form's texts.
#[derive(Clone, Debug, PartialEq)]
pub struct ComposerTexts {
    pub field: FieldTexts,
    pub send: String,
    /// On the button while the queue sends.
    pub sending: String,
    /// For staff: "ask the citizen to reply".
    pub ask_for_reply: Option<String>,
}

/// Where a draft is kept: by thread, or `new` for a new thread.
pub fn draft_key(thread: &str) -> String {
    format!("{}{thread}", crate::pwa::scripts::DRAFT_PREFIX)
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
    let draft_key_attr = draft_key.clone();
    let on_input = Callback::new(move |text: String| {
        drafts::save(&draft_key, &text);
        body.set(text);
    });
    let count = {
        let template = texts.count.clone();
        move || {
            template
                .replace("{used}", &body.with(|b| b.chars().count()).to_string())
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
            <p class="hint" id="body-hint">
                {texts.hint.clone()}
            </p>
            {error
                .clone()
                .map(|e| {
                    view! {
                        <p class="field-error" id="body-error">
                            {e}
                        </p>
                    }
                })}
            <crate::forms::PlainTextarea
                id="body".to_string()
                name="body".to_string()
                rows=rows
                required=true
                described=Some(described.to_string())
                invalid=error.is_some()
                field_ref=field
                on_input=on_input
                text=initial.clone()
            />
            <p
                class="hint"
                id="body-count"
                data-draft-key=draft_key_attr
                data-max=max.to_string()
                data-count=texts.count.clone()
            >
                {count}
            </p>
        </div>
    }
}

/// The message field of a form: counted, with a draft in this browser.
#[component]
pub fn DraftField(
    draft_key: String,
    initial: String,
    max: usize,
    rows: u32,
    texts: FieldTexts,
) -> impl IntoView {
    crate::islands::give(DraftProps {
        draft_key,
        initial,
        max,
        rows,
        texts,
    });
    view! { <DraftFieldIsland /> }
}

/// What the island works with (see [`crate::islands::give`]).
#[derive(Clone, Debug, Default)]
struct DraftProps {
    draft_key: String,
    initial: String,
    max: usize,
    rows: u32,
    texts: FieldTexts,
}

impl DraftProps {
    #[cfg(not(feature = "hydrate"))]
    fn get() -> Self {
        crate::islands::take()
    }

    /// In the browser: the draft's key, the maximum and the count's text from
    /// the counter's `data-*` attributes; the text the server put in the
    /// field (its default value); whether the server's error is shown. The
    /// label and hint are the server's text on the page and stay as they are.
    #[cfg(feature = "hydrate")]
    fn get() -> Self {
        use crate::islands::{data, element};
        use wasm_bindgen::JsCast;
        let counter = |name| data("body-count", name);
        DraftProps {
            draft_key: counter("data-draft-key"),
            initial: element("body")
                .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
                .and_then(|e| e.default_value().ok())
                .unwrap_or_default(),
            max: counter("data-max").parse().unwrap_or(0),
            rows: data("body", "rows").parse().unwrap_or(0),
            texts: FieldTexts {
                count: counter("data-count"),
                error: element("body-error").map(|_| String::new()),
                ..FieldTexts::default()
            },
        }
    }
}

#[island]
fn DraftFieldIsland() -> impl IntoView {
    crate::islands::rendered();
    let DraftProps {
        draft_key,
        initial,
        max,
        rows,
        texts,
    } = DraftProps::get();
    let body = RwSignal::new(initial.clone());
    let field = NodeRef::new();
    view! {
        <CountedField
            body=body
            field=field
            draft_key=draft_key
            initial=initial
            max=max
            rows=rows
            texts=texts
        />
    }
}

/// The reply form: a plain form the outgoing queue takes over (`data-outbox`).
#[component]
pub fn Composer(
    thread_id: String,
    form_key: String,
    initial: String,
    max: usize,
    texts: ComposerTexts,
) -> impl IntoView {
    let key = draft_key(&thread_id);
    let form_draft_key = key.clone();
    view! {
        <form
            method="post"
            action="/api/send-message"
            novalidate
            class="stack"
            data-outbox="message"
            data-draft-key=form_draft_key
        >
            <input type="hidden" name="thread_id" value=thread_id />
            <input type="hidden" name="form_key" value=form_key />
            <DraftField draft_key=key initial=initial max=max rows=6 texts=texts.field />
            {texts
                .ask_for_reply
                .map(|label| {
                    view! {
                        <div class="choice">
                            <input type="checkbox" id="ask_for_reply" name="ask_for_reply" value="yes" />
                            <label for="ask_for_reply">{label}</label>
                        </div>
                    }
                })}
            <button type="submit" class="button" data-sending=texts.sending>
                {texts.send}
            </button>
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

    /// An empty field keeps no draft (nothing is left behind once sent).
    pub fn save(key: &str, text: &str) {
        #[cfg(feature = "hydrate")]
        if let Some(s) = storage() {
            let _ = if text.trim().is_empty() {
                s.remove_item(key)
            } else {
                s.set_item(key, text)
            };
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (key, text);
    }
}
