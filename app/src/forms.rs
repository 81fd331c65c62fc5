//! Form helpers shared by every page. Forms are plain HTML posting to server
//! functions; on failure the server redirects back with `?error=<message key>`
//! (and `&field=<name>`), which these components turn into a translated,
//! announced error tied to its field. Nothing but known keys is ever shown.
use crate::i18n::{t, Msg};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

/// The error and field named in the query string, if they are known.
pub fn query_error() -> Option<(Msg, Option<String>)> {
    let q = use_query_map().get_untracked();
    let msg = q.get("error").and_then(|k| Msg::from_key(&k))?;
    let field = q
        .get("field")
        .filter(|f| f.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    Some((msg, field))
}

/// An error summary and notices at the top of a form page.
#[component]
pub fn FormStatus() -> impl IntoView {
    let q = use_query_map().get_untracked();
    let notice = q.get("notice").and_then(|k| Msg::from_key(&k));
    let error = query_error();
    view! {
        {error.map(|(msg, field)| {
            let href = field.map(|f| format!("#{f}"));
            view! {
                <div class="alert alert-error" role="alert" tabindex="-1" id="form-error">
                    <p><strong>{t(Msg::FormErrorLead)}</strong> " "
                    {match href {
                        Some(href) => view! { <a href=href>{t(msg)}</a> }.into_any(),
                        None => t(msg).into_any(),
                    }}</p>
                </div>
            }
        })}
        {notice.map(|msg| view! {
            // No "Udført:" lead: every notice says in words what happened, and
            // some carry news that is not a success (a hard WHO-5 result).
            <div class="alert alert-success" role="status">
                <p>{t(msg)}</p>
            </div>
        })}
    }
}

/// A labelled input whose error (from the query) is tied to it with
/// `aria-describedby` and `aria-invalid`.
#[component]
pub fn TextField(
    name: &'static str,
    label: Msg,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional)] hint: Option<Msg>,
    #[prop(optional)] required: bool,
    #[prop(optional)] maxlength: Option<usize>,
    #[prop(optional, into)] value: Option<String>,
) -> impl IntoView {
    let error = field_error(name);
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let described = described_by(name, hint.is_some(), error.is_some());
    let value = draft_value(name).or(value);
    view! {
        <div class="field">
            <label for=name>{t(label)}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{t(h)}</p> })}
            {error.map(|m| view! { <p class="field-error" id=error_id.clone()>{t(m)}</p> })}
            <input
                id=name
                name=name
                type=kind
                autocomplete=autocomplete
                required=required
                maxlength=maxlength
                value=value
                aria-describedby=described
                aria-invalid=error.map(|_| "true")
            />
        </div>
    }
}

/// What a refused form held, keyed by field name; fields fill themselves from it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Draft(pub Vec<(String, String)>);

impl Draft {
    pub fn get(&self, name: &str) -> Option<String> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }
}

/// The draft value for `name`, if the page provided a draft.
pub fn draft_value(name: &str) -> Option<String> {
    use_context::<Draft>().and_then(|d| d.get(name))
}

/// The error for `name`, if the query names it.
fn field_error(name: &str) -> Option<Msg> {
    query_error()
        .filter(|(_, f)| f.as_deref() == Some(name))
        .map(|(m, _)| m)
}

/// `aria-describedby` for a field with an optional hint and error.
fn described_by(name: &str, hint: bool, error: bool) -> Option<String> {
    let mut ids = Vec::new();
    if hint {
        ids.push(format!("{name}-hint"));
    }
    if error {
        ids.push(format!("{name}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// A labelled multi-line text field, tied to its error like [`TextField`].
#[component]
pub fn TextArea(
    name: &'static str,
    label: Msg,
    #[prop(optional)] hint: Option<Msg>,
    #[prop(optional)] required: bool,
    #[prop(default = 1000)] maxlength: usize,
    #[prop(default = 4)] rows: u32,
    #[prop(optional, into)] value: Option<String>,
) -> impl IntoView {
    let error = field_error(name);
    let described = described_by(name, hint.is_some(), error.is_some());
    let value = draft_value(name).or(value).unwrap_or_default();
    view! {
        <div class="field">
            <label for=name>{t(label)}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("{name}-hint")>{t(h)}</p> })}
            {error.map(|m| view! { <p class="field-error" id=format!("{name}-error")>{t(m)}</p> })}
            <PlainTextarea
                id=name.to_string()
                name=name.to_string()
                rows=rows
                required=required
                maxlength=maxlength
                described=described
                invalid=error.is_some()
                text=value
            />
        </div>
    }
}

/// The app's one `<textarea>`: every multi-line field is made by this
/// component (a test refuses `<textarea` anywhere else). The server renderer
/// writes a textarea's children into the HTML unescaped (tachys treats it as
/// raw text, like `<script>`), so the text is escaped here.
#[component]
pub fn PlainTextarea(
    id: String,
    name: String,
    rows: u32,
    maxlength: usize,
    #[prop(optional)] required: bool,
    #[prop(optional_no_strip)] described: Option<String>,
    #[prop(optional)] invalid: bool,
    #[prop(optional)] field_ref: NodeRef<leptos::html::Textarea>,
    /// Called with the field's value as someone types.
    #[prop(optional)]
    on_input: Option<Callback<String>>,
    #[prop(optional, into)] text: String,
) -> impl IntoView {
    view! {
        <textarea
            id=id
            name=name
            rows=rows
            required=required
            maxlength=maxlength
            aria-describedby=described
            aria-invalid=invalid.then_some("true")
            node_ref=field_ref
            on:input=move |ev| {
                if let Some(f) = on_input {
                    f.run(event_target_value(&ev));
                }
            }
        >{raw_text(&text)}</textarea>
    }
}

/// Text for inside a raw-text element (`<textarea>`, `<title>`), which the
/// server renderer does not escape. Escaped when rendering HTML on the
/// server; in the browser the text is set through the DOM and stays as is.
pub fn raw_text(text: &str) -> String {
    #[cfg(feature = "ssr")]
    {
        let escaped = html_escape::encode_text(text);
        // The HTML parser drops one newline right after `<textarea>`.
        if escaped.starts_with('\n') {
            format!("\n{escaped}")
        } else {
            escaped.into_owned()
        }
    }
    #[cfg(not(feature = "ssr"))]
    text.to_string()
}

/// A labelled drop-down of `(value, label)` options.
#[component]
pub fn SelectField(
    name: &'static str,
    label: Msg,
    options: Vec<(&'static str, Msg)>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional)] placeholder: Option<Msg>,
) -> impl IntoView {
    let error = field_error(name);
    let described = described_by(name, false, error.is_some());
    let selected = draft_value(name).or(value).unwrap_or_default();
    view! {
        <div class="field">
            <label for=name>{t(label)}</label>
            {error.map(|m| view! { <p class="field-error" id=format!("{name}-error")>{t(m)}</p> })}
            <select id=name name=name required=true aria-describedby=described aria-invalid=error.map(|_| "true")>
                {placeholder.map(|p| view! { <option value="" selected=selected.is_empty()>{t(p)}</option> })}
                {options.into_iter().map(|(v, l)| view! {
                    <option value=v selected=selected == v>{t(l)}</option>
                }).collect_view()}
            </select>
        </div>
    }
}

#[cfg(feature = "ssr")]
pub use server::*;

#[cfg(feature = "ssr")]
mod server {
    use super::Draft;
    use crate::auth::{fail, session, Flash};
    use crate::error::AppError;

    /// Like [`fail`], but what was typed comes back filled in: the values
    /// travel in the session, never in the URL.
    pub async fn fail_keeping<T>(
        page: &str,
        err: AppError,
        form: &str,
        values: &[(&str, &str)],
    ) -> Result<T, AppError> {
        if let (Ok(state), Some(user)) = (crate::state::app_state(), crate::state::current_user()) {
            let flash = Flash::Draft {
                form: form.to_string(),
                values: values
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
            };
            if let Err(e) = session::set_flash(&state.db, &user.session_key, &flash).await {
                tracing::warn!(error = %e, "could not keep a form draft");
            }
        }
        fail(page, err)
    }

    /// The draft for `form`, if the session's one-time message is one.
    pub fn draft_for(flash: &Option<Flash>, form: &str) -> Option<Draft> {
        match flash {
            Some(Flash::Draft { form: f, values }) if f == form => Some(Draft(values.clone())),
            _ => None,
        }
    }
}

/// A question answered by one of a few labelled choices (radio buttons in a
/// fieldset), tied to its error like [`TextField`]. The words carry the
/// meaning; nothing relies on colour or position alone.
#[component]
pub fn Choices(
    /// The fieldset's id, which errors name (`field=`).
    id: String,
    /// The radio buttons' form name.
    name: String,
    legend: String,
    options: Vec<(i64, Msg)>,
    #[prop(optional)] checked: Option<i64>,
    #[prop(optional)] hint: Option<Msg>,
) -> impl IntoView {
    let error = field_error(&id);
    let described = described_by(&id, hint.is_some(), error.is_some());
    let checked = draft_value(&name).and_then(|v| v.parse().ok()).or(checked);
    view! {
        <fieldset id=id.clone() class="scale" aria-describedby=described>
            <legend>{legend}</legend>
            {hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{t(h)}</p> })}
            {error.map(|m| view! { <p class="field-error" id=format!("{id}-error")>{t(m)}</p> })}
            {options.into_iter().map(|(value, label)| {
                let option_id = format!("{id}-{value}");
                view! {
                    <div class="choice">
                        <input type="radio" id=option_id.clone() name=name.clone() value=value.to_string() required=true checked=checked == Some(value)/>
                        <label for=option_id>{t(label)}</label>
                    </div>
                }
            }).collect_view()}
        </fieldset>
    }
}

/// The renderer does not escape text inside raw-text elements, so each has
/// one component that does ([`PlainTextarea`], [`crate::layout::Title`]);
/// this test refuses any other way into them.
#[cfg(test)]
mod raw_text_sinks {
    use std::path::{Path, PathBuf};

    fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    #[test]
    fn raw_text_elements_only_through_their_one_component() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&root, &mut files);
        assert!(files.len() > 20, "the sources were not found");
        let mut found = Vec::new();
        for file in files {
            let name = file
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&file).unwrap();
            for (n, line) in text.lines().enumerate() {
                let code = line.trim_start();
                if code.starts_with("//") {
                    continue;
                }
                let mut bad = |what: &str| found.push(format!("{name}:{}: {what}: {code}", n + 1));
                // Where `tag` occurs as code, not inside a string literal.
                let in_code = |tag: &str| {
                    code.match_indices(tag)
                        .find(|(at, _)| code[..*at].matches('"').count() % 2 == 0)
                        .map(|(at, _)| at)
                };
                if in_code("<textarea").is_some() && !(name == "forms.rs" && code == "<textarea") {
                    bad("a <textarea> outside forms::PlainTextarea");
                }
                if in_code("leptos_meta::Title").is_some() && name != "layout.rs" {
                    bad("leptos_meta::Title outside layout::Title");
                }
                for tag in ["<title", "<style", "<noscript", "<xmp", "<iframe", "inner_html="] {
                    if in_code(tag).is_some() {
                        bad("a raw-text or raw-HTML sink");
                    }
                }
                // Scripts only load files: nothing is written inside one.
                if let Some(at) = in_code("<script") {
                    if !code[at..].contains("></script>") {
                        bad("a <script> with content");
                    }
                }
            }
        }
        let textareas: usize = std::fs::read_to_string(root.join("forms.rs"))
            .unwrap()
            .lines()
            .filter(|l| l.trim() == "<textarea")
            .count();
        assert_eq!(textareas, 1, "forms.rs has one <textarea>");
        assert!(found.is_empty(), "{}", found.join("\n"));
    }
}
