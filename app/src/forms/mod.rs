//! Form helpers shared by every page. Forms are plain HTML posting to server
//! functions; on failure the server redirects back with `?error=<message key>`
//! (and `&field=<name>`), which these components turn into a translated,
//! announced error tied to its field. Nothing but known keys is ever shown.
mod fields;
mod parse;
pub use fields::{FieldText, FormFields, Password};
pub use parse::*;

use crate::i18n::{self, t, use_lang, Msg};
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
        {error
            .map(|(msg, field)| {
                let href = field.map(|f| format!("#{f}"));
                view! {
                    <div class="alert alert-error" role="alert" tabindex="-1" id="form-error">
                        <p>
                            <strong>{t(Msg::FormErrorLead)}</strong>
                            " "
                            {match href {
                                Some(href) => view! { <a href=href>{t(msg)}</a> }.into_any(),
                                None => t(msg).into_any(),
                            }}
                        </p>
                    </div>
                }
            })}
        {notice
            .map(|msg| {
                view! {
                    // No "Udført:" lead: every notice says in words what happened, and
                    // some carry news that is not a success (a hard WHO-5 result).
                    <div class="alert alert-success" role="status">
                        <p>{t(msg)}</p>
                    </div>
                }
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
    // Free text shows its limit as a counter; e-mail addresses, codes and
    // passwords are only checked by the server.
    let counted = maxlength.filter(|_| kind == "text");
    let mut described = described_by(name, hint.is_some(), error.is_some());
    if counted.is_some() {
        described = Some(with_counter(described, name));
    }
    let value = draft_value(name).or(value);
    let counter = counted.map(
        |max| view! { <Counter id=format!("{name}-count") max=max text=value.clone().unwrap_or_default() /> },
    );
    view! {
        <div class="field">
            <label for=name>{t(label)}</label>
            {hint
                .map(|h| {
                    view! {
                        <p class="hint" id=hint_id.clone()>
                            {t(h)}
                        </p>
                    }
                })}
            {error
                .map(|m| {
                    view! {
                        <p class="field-error" id=error_id.clone()>
                            {t(m)}
                        </p>
                    }
                })}
            // No `maxlength`: the browser would cut pasted text without a
            // word. The counter says the limit, the server refuses more.
            <input
                id=name
                name=name
                type=kind
                autocomplete=autocomplete
                required=required
                aria-required=required.then_some("true")
                value=value
                aria-describedby=described
                aria-invalid=error.map(|_| "true")
                data-counter=counted.map(|_| format!("{name}-count"))
            />
            {counter}
        </div>
    }
}

/// How many characters a field holds of how many it may: updated by
/// `app.js` as someone types (`data-counter` on the field names it), and
/// right as rendered without JavaScript, also for a refused draft.
#[component]
pub fn Counter(id: String, max: usize, #[prop(into)] text: String) -> impl IntoView {
    let count = count_chars(&text);
    let lang = use_lang();
    let (within, over) = (
        i18n::texts::FormCount::raw(lang),
        i18n::texts::FormCountOver::raw(lang),
    );
    let words = counter_text(within, over, count, max);
    let class = if count > max {
        "hint counter counter-over"
    } else {
        "hint counter"
    };
    view! {
        <p class=class id=id data-max=max data-within=within data-over=over>
            {words}
        </p>
    }
}

/// "12 af 500 tegn", or how many too many.
pub fn counter_text(within: &str, over: &str, count: usize, max: usize) -> String {
    let template = if count > max { over } else { within };
    template
        .replace("{used}", &count.to_string())
        .replace("{max}", &max.to_string())
        .replace("{over}", &count.saturating_sub(max).to_string())
}

/// Characters as people count them: a line break is one, though a form
/// post sends it as two (`\r\n`).
pub fn count_chars(text: &str) -> usize {
    text.chars().filter(|c| *c != '\r').count()
}

/// `aria-describedby` with the field's counter last.
fn with_counter(described: Option<String>, name: &str) -> String {
    match described {
        Some(ids) => format!("{ids} {name}-count"),
        None => format!("{name}-count"),
    }
}

/// What a refused form held, keyed by field name as posted; fields fill
/// themselves from it. `form` names the form it came from (with the item
/// it was about, as in `rate-goal:<id>`), so that where a page has several
/// forms with the same field names only the refused one is filled in.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub form: String,
    pub values: Vec<(String, String)>,
}

impl Draft {
    pub fn get(&self, name: &str) -> Option<String> {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }
}

/// The page's draft if it is `form`'s, else an empty one.
pub fn draft_of(form: &str) -> Draft {
    use_context::<Draft>()
        .filter(|d| d.form == form)
        .unwrap_or_default()
}

/// For a form that appears beside others with the same field names (one
/// per goal, say): the fields inside fill from the page's draft only if
/// the draft is `form`'s. (A `Provider`: a component's own
/// `provide_context` would reach the forms after it too.)
#[component]
pub fn DraftScope(#[prop(into)] form: String, children: Children) -> impl IntoView {
    view! { <leptos::context::Provider value=draft_of(&form)>{children()}</leptos::context::Provider> }
}

/// The draft of a form sent without a session (login, activation, reset),
/// if this browser just had it refused. Read once: the page clears it.
pub fn anonymous_draft(form: &str) -> Option<Draft> {
    #[cfg(feature = "ssr")]
    {
        outcome::take_anonymous_draft(form)
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = form;
        None
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
    let described = with_counter(described_by(name, hint.is_some(), error.is_some()), name);
    let value = draft_value(name).or(value).unwrap_or_default();
    view! {
        <div class="field">
            <label for=name>{t(label)}</label>
            {hint
                .map(|h| {
                    view! {
                        <p class="hint" id=format!("{name}-hint")>
                            {t(h)}
                        </p>
                    }
                })}
            {error
                .map(|m| {
                    view! {
                        <p class="field-error" id=format!("{name}-error")>
                            {t(m)}
                        </p>
                    }
                })}
            <PlainTextarea
                id=name.to_string()
                name=name.to_string()
                rows=rows
                required=required
                described=Some(described)
                invalid=error.is_some()
                counter=format!("{name}-count")
                text=value.clone()
            />
            <Counter id=format!("{name}-count") max=maxlength text=value />
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
    #[prop(optional)] required: bool,
    #[prop(optional_no_strip)] described: Option<String>,
    /// The id of the field's [`Counter`], if it has one.
    #[prop(optional, into)]
    counter: Option<String>,
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
            aria-required=required.then_some("true")
            // No `maxlength`: the browser would cut pasted text without a word.
            data-counter=counter
            aria-describedby=described
            aria-invalid=invalid.then_some("true")
            node_ref=field_ref
            on:input=move |ev| {
                if let Some(f) = on_input {
                    f.run(event_target_value(&ev));
                }
            }
        >
            {raw_text(&text)}
        </textarea>
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
            {error
                .map(|m| {
                    view! {
                        <p class="field-error" id=format!("{name}-error")>
                            {t(m)}
                        </p>
                    }
                })}
            <select
                id=name
                name=name
                required=true
                aria-describedby=described
                aria-invalid=error.map(|_| "true")
            >
                {placeholder
                    .map(|p| {
                        view! {
                            <option value="" selected=selected.is_empty()>
                                {t(p)}
                            </option>
                        }
                    })}
                {options
                    .into_iter()
                    .map(|(v, l)| {
                        view! {
                            <option value=v selected=selected == v>
                                {t(l)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

#[cfg(feature = "ssr")]
mod outcome;
#[cfg(feature = "ssr")]
pub use outcome::*;

/// A question answered by one of a few labelled choices (radio buttons in a
/// fieldset), tied to its error like [`TextField`]. The words carry the
/// meaning; nothing relies on colour or position alone. Each choice is one
/// `<label>` around its button, so the whole row responds to a tap.
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
    /// A numbered scale in one row, the words of its ends written under it:
    /// several questions then fit on one phone screen. Each button's name is
    /// its number followed by its word, so what is seen is also what is heard.
    #[prop(optional)]
    compact: bool,
) -> impl IntoView {
    let error = field_error(&id);
    let described = described_by(&id, hint.is_some(), error.is_some());
    // A draft names a choice by the fieldset's id (unique on the page, where
    // several forms may use the same name), or by its name.
    let checked = draft_value(&id)
        .or_else(|| draft_value(&name))
        .and_then(|v| v.parse().ok())
        .or(checked);
    let class = if compact { "scale compact" } else { "scale" };
    let ends = compact
        .then(|| Some((*options.first()?, *options.last()?)))
        .flatten();
    let choices = options
        .into_iter()
        .map(|(value, label)| {
            let option_id = format!("{id}-{value}");
            let words = if compact {
                view! {
                    <span class="number">{value}</span>
                    " "
                    <span class="visually-hidden">{t(label)}</span>
                }
                .into_any()
            } else {
                view! { <span>{t(label)}</span> }.into_any()
            };
            view! {
                <label class="choice" for=option_id.clone()>
                    <input
                        type="radio"
                        id=option_id.clone()
                        name=name.clone()
                        value=value.to_string()
                        required=true
                        checked=checked == Some(value)
                        aria-invalid=error.map(|_| "true")
                    />
                    {words}
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset id=id.clone() class=class aria-describedby=described>
            <legend>{legend}</legend>
            {hint
                .map(|h| {
                    view! {
                        <p class="hint" id=format!("{id}-hint")>
                            {t(h)}
                        </p>
                    }
                })}
            {error
                .map(|m| {
                    view! {
                        <p class="field-error" id=format!("{id}-error")>
                            {t(m)}
                        </p>
                    }
                })}
            <div class="choices">{choices}</div>
            // Hidden from screen readers: each button's name already has its word.
            {ends
                .map(|((low, low_word), (high, high_word))| {
                    view! {
                        <p class="scale-ends" aria-hidden="true">
                            <span>{low} " = " {t(low_word)}</span>
                            <span>{high} " = " {t(high_word)}</span>
                        </p>
                    }
                })}
        </fieldset>
    }
}

/// The renderer does not escape text inside raw-text elements, so each has
/// one component that does ([`PlainTextarea`], [`crate::layout::Title`]);
/// this test refuses any other way into them.
#[cfg(test)]
mod raw_text_sinks {
    use std::path::{Path, PathBuf};

    pub(super) fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
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
                if in_code("<textarea").is_some() && !(name == "forms/mod.rs" && code == "<textarea") {
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
        let textareas: usize = std::fs::read_to_string(root.join("forms/mod.rs"))
            .unwrap()
            .lines()
            .filter(|l| l.trim() == "<textarea")
            .count();
        assert_eq!(textareas, 1, "forms/mod.rs has one <textarea>");
        assert!(found.is_empty(), "{}", found.join("\n"));
    }
}

/// Every form of the app is in the refusal journey (`end2end/tests/forms.spec.ts`),
/// which checks that what was typed comes back after a refusal; and every
/// form leaves empty required fields to the app's own words (`novalidate`).
#[cfg(test)]
mod every_form {
    use std::collections::BTreeSet;
    use std::path::Path;

    /// The text between `open` and the next `close`, wherever `open` occurs.
    fn quoted(text: &str, open: &str, close: char) -> BTreeSet<String> {
        text.match_indices(open)
            .filter_map(|(at, _)| {
                let rest = &text[at + open.len()..];
                rest.find(close).map(|end| rest[..end].to_string())
            })
            .collect()
    }

    /// Each `<form …>` opening tag in a source file, its attributes on one
    /// line, however leptosfmt laid it out. The tag ends at the first `>`
    /// outside quotes and brackets (an attribute's value may be code).
    fn form_tags(text: &str) -> Vec<String> {
        let mut tags = Vec::new();
        for (at, _) in text.match_indices("<form") {
            let rest = &text[at..];
            let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
            let in_comment = text[line_start..at].trim_start().starts_with("//");
            if in_comment || !rest[5..].starts_with(char::is_whitespace) {
                continue;
            }
            let (mut depth, mut quoted, mut end) = (0i32, false, None);
            for (i, c) in rest.char_indices() {
                match c {
                    '"' => quoted = !quoted,
                    '(' | '{' | '[' if !quoted => depth += 1,
                    ')' | '}' | ']' if !quoted => depth -= 1,
                    '>' if !quoted && depth == 0 => {
                        end = Some(i);
                        break;
                    }
                    _ => {}
                }
            }
            if let Some(end) = end {
                tags.push(rest[..=end].split_whitespace().collect::<Vec<_>>().join(" "));
            }
        }
        tags
    }

    #[test]
    fn every_form_is_in_the_refusal_journey() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        super::raw_text_sinks::sources(&root.join("src"), &mut files);
        let mut in_code = BTreeSet::new();
        let mut validated_by_browser = Vec::new();
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for tag in form_tags(&text) {
                in_code.extend(quoted(&tag, "action=\"", '"'));
                if !tag
                    .split_whitespace()
                    .any(|a| a == "novalidate" || a == "novalidate>")
                {
                    validated_by_browser.push(format!("{}: {tag}", file.display()));
                }
            }
        }
        assert!(in_code.len() > 20, "the forms were not found: {in_code:?}");
        assert!(
            validated_by_browser.is_empty(),
            "forms without `novalidate` (the browser's bubble instead of our words):\n{}",
            validated_by_browser.join("\n")
        );
        let spec = std::fs::read_to_string(root.join("../end2end/tests/forms.spec.ts")).unwrap();
        let in_journey = quoted(&spec, "action: '", '\'');
        let missing: Vec<_> = in_code.difference(&in_journey).collect();
        let stale: Vec<_> = in_journey.difference(&in_code).collect();
        assert!(
            missing.is_empty(),
            "forms missing from end2end/tests/forms.spec.ts (refuse each once, or say why nothing is typed): {missing:?}"
        );
        assert!(
            stale.is_empty(),
            "forms.spec.ts lists forms the code no longer has: {stale:?}"
        );
    }

    /// A success notice is a `Msg` given to `forms::succeed`, so a notice
    /// without a translation does not compile; no page address spells one.
    #[test]
    fn notices_are_messages_not_strings() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        super::raw_text_sinks::sources(&root, &mut files);
        // Spelled in two parts, so this test does not find itself.
        let needle = ["?notice", "="].concat();
        let spelled: Vec<String> = files
            .iter()
            .filter(|f| !f.ends_with("forms/outcome.rs"))
            .flat_map(|f| {
                let text = std::fs::read_to_string(f).unwrap();
                text.lines()
                    .enumerate()
                    .filter(|(_, l)| !l.trim_start().starts_with("//") && l.contains(&needle))
                    .map(|(n, l)| format!("{}:{}: {}", f.display(), n + 1, l.trim()))
                    .collect::<Vec<_>>()
            })
            .collect();
        // Logout's way back is also handed to the identity provider, so it
        // is an address; it is still made from the `Msg`.
        let allowed = |l: &String| l.contains("Msg::AuthLoggedOut.key()");
        let bad: Vec<_> = spelled.iter().filter(|l| !allowed(l)).collect();
        assert!(
            bad.is_empty(),
            "notices spelled in an address (use forms::succeed):\n{bad:#?}"
        );
    }

    #[test]
    fn the_counter_says_how_many_and_how_many_too_many() {
        // The translation files' own templates, so their placeholders are checked too.
        let (within, over) = (
            crate::i18n::texts::FormCount::raw(crate::i18n::Lang::Da),
            crate::i18n::texts::FormCountOver::raw(crate::i18n::Lang::Da),
        );
        assert_eq!(super::counter_text(within, over, 12, 500), "12 af 500 tegn");
        assert_eq!(super::counter_text(within, over, 500, 500), "500 af 500 tegn");
        assert_eq!(
            super::counter_text(within, over, 5000, 500),
            "5000 af 500 tegn – 4500 for mange"
        );
        assert_eq!(super::count_chars("æø\r\nå"), 4);
    }
}
