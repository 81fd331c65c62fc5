//! The new-password fields with live feedback: an island, because only the
//! browser can tell how far along someone is while they type. Without the
//! WebAssembly the same fields post as usual and the server checks them.
use leptos::prelude::*;

/// Texts for the island, translated on the server (the WebAssembly carries no dictionary).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PasswordTexts {
    pub password: String,
    pub repeat: String,
    pub rules: String,
    /// With `{count}` (typed so far) and `{missing}`.
    pub count: crate::i18n::PluralText,
    pub length_ok: String,
    pub matching: String,
    pub mismatch: String,
    /// An error from the server for `password` or `password_repeat`, if any.
    pub error_field: Option<String>,
    pub error: Option<String>,
}

/// What to tell someone about the password they are typing.
pub fn live_status(texts: &PasswordTexts, min: usize, password: &str, repeat: &str) -> String {
    let len = password.chars().count();
    if len == 0 {
        return String::new();
    }
    let mut status = if len < min {
        texts
            .count
            .pick(len as i64)
            .replace("{missing}", &(min - len).to_string())
    } else {
        texts.length_ok.clone()
    };
    if !repeat.is_empty() {
        status.push(' ');
        status.push_str(if repeat == password {
            &texts.matching
        } else {
            &texts.mismatch
        });
    }
    status
}

/// The new-password fields: the island, with its texts and the minimum length.
#[component]
pub fn NewPasswordFields(texts: PasswordTexts, min: usize) -> impl IntoView {
    crate::islands::give(PasswordProps { texts, min });
    view! { <PasswordFieldsIsland /> }
}

/// What the island works with (see [`crate::islands::give`]).
#[derive(Clone, Debug, Default)]
struct PasswordProps {
    texts: PasswordTexts,
    min: usize,
}

impl PasswordProps {
    #[cfg(not(feature = "hydrate"))]
    fn get() -> Self {
        crate::islands::take()
    }

    /// In the browser: what the live status says, from its `data-*`
    /// attributes, and which field has the server's error. The labels and
    /// rules are the server's text on the page and stay as they are.
    #[cfg(feature = "hydrate")]
    fn get() -> Self {
        use crate::islands::{data, element};
        let status = |name| data("password-status", name);
        let error_field = [
            ("password", "password-error"),
            ("password_repeat", "password_repeat-error"),
        ]
        .into_iter()
        .find_map(|(field, error)| element(error).map(|_| field));
        PasswordProps {
            texts: PasswordTexts {
                count: crate::i18n::PluralText {
                    one: status("data-one"),
                    other: status("data-other"),
                },
                length_ok: status("data-ok"),
                matching: status("data-same"),
                mismatch: status("data-differ"),
                error_field: error_field.map(str::to_string),
                error: error_field.map(|_| String::new()),
                ..PasswordTexts::default()
            },
            min: status("data-min").parse().unwrap_or(0),
        }
    }
}

#[island]
fn PasswordFieldsIsland() -> impl IntoView {
    crate::islands::rendered();
    let PasswordProps { texts, min } = PasswordProps::get();
    let password = RwSignal::new(String::new());
    let repeat = RwSignal::new(String::new());
    let status = {
        let texts = texts.clone();
        move || live_status(&texts, min, &password.get(), &repeat.get())
    };
    let error_for = |field: &str| {
        (texts.error_field.as_deref() == Some(field))
            .then(|| texts.error.clone())
            .flatten()
    };
    let password_error = error_for("password");
    let repeat_error = error_for("password_repeat");
    let password_described = if password_error.is_some() {
        "password-hint password-error password-status"
    } else {
        "password-hint password-status"
    };
    view! {
        <div class="field">
            <label for="password">{texts.password.clone()}</label>
            <p class="hint" id="password-hint">
                {texts.rules.clone()}
            </p>
            {password_error
                .clone()
                .map(|e| {
                    view! {
                        <p class="field-error" id="password-error">
                            {e}
                        </p>
                    }
                })}
            <input
                id="password"
                name="password"
                type="password"
                autocomplete="new-password"
                required
                aria-describedby=password_described
                aria-invalid=password_error.as_ref().map(|_| "true")
                on:input=move |ev| password.set(event_target_value(&ev))
            />
            <p
                class="hint"
                id="password-status"
                aria-live="polite"
                data-one=texts.count.one.clone()
                data-other=texts.count.other.clone()
                data-ok=texts.length_ok.clone()
                data-same=texts.matching.clone()
                data-differ=texts.mismatch.clone()
                data-min=min.to_string()
            >
                {status}
            </p>
        </div>
        <div class="field">
            <label for="password_repeat">{texts.repeat.clone()}</label>
            {repeat_error
                .clone()
                .map(|e| {
                    view! {
                        <p class="field-error" id="password_repeat-error">
                            {e}
                        </p>
                    }
                })}
            <input
                id="password_repeat"
                name="password_repeat"
                type="password"
                autocomplete="new-password"
                required
                aria-describedby=repeat_error.as_ref().map(|_| "password_repeat-error")
                aria-invalid=repeat_error.as_ref().map(|_| "true")
                on:input=move |ev| repeat.set(event_target_value(&ev))
            />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts() -> PasswordTexts {
        PasswordTexts {
            password: "p".into(),
            repeat: "r".into(),
            rules: "rules".into(),
            count: crate::i18n::PluralText {
                one: "{count} char of 10, {missing} to go.".into(),
                other: "{count} of 10, {missing} to go.".into(),
            },
            length_ok: "Long enough.".into(),
            matching: "Same.".into(),
            mismatch: "Not the same.".into(),
            error_field: None,
            error: None,
        }
    }

    #[test]
    fn tells_how_far_along_the_password_is() {
        let t = texts();
        assert_eq!(live_status(&t, 10, "", ""), "");
        assert_eq!(live_status(&t, 10, "abc", ""), "3 of 10, 7 to go.");
        assert_eq!(
            live_status(&t, 10, "abcdefghij", "abc"),
            "Long enough. Not the same."
        );
        assert_eq!(
            live_status(&t, 10, "abcdefghij", "abcdefghij"),
            "Long enough. Same."
        );
        assert_eq!(live_status(&t, 10, "æøåæøåæøåæ", ""), "Long enough.");
    }
}
