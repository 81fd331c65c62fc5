//! Form helpers shared by every page. Forms are plain HTML posting to server
//! functions; on failure the server redirects back with `?error=<message key>`
//! (and `&field=<name>`), which these components turn into a translated,
//! announced error tied to its field. Nothing but known keys is ever shown.
use crate::i18n::{t, Msg};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

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
            <div class="alert alert-success" role="status">
                <p><strong>{t(Msg::FormNoticeLead)}</strong> " " {t(msg)}</p>
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
    let error = query_error()
        .filter(|(_, f)| f.as_deref() == Some(name))
        .map(|(m, _)| m);
    let hint_id = format!("{name}-hint");
    let error_id = format!("{name}-error");
    let mut described = Vec::new();
    if hint.is_some() {
        described.push(hint_id.clone());
    }
    if error.is_some() {
        described.push(error_id.clone());
    }
    let described = (!described.is_empty()).then(|| described.join(" "));
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
