//! Danish first, English second. Every user-facing text lives in
//! `app/locales/{da,en}.txt`; `build.rs` turns the keys into [`Msg`].
use serde::{Deserialize, Serialize};

include!(concat!(env!("OUT_DIR"), "/messages.rs"));

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    Da,
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Da => "da",
            Lang::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        match code.trim() {
            "da" => Some(Lang::Da),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

impl Msg {
    pub fn text(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Da => self.da(),
            Lang::En => self.en(),
        }
    }

    /// Finds a message by its key, e.g. from an `?error=` query parameter.
    /// Only known keys come back, so nothing a URL says is ever echoed.
    pub fn from_key(key: &str) -> Option<Msg> {
        Msg::ALL.iter().copied().find(|m| m.key() == key)
    }
}

/// Replaces `{name}` placeholders in a translated text.
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = template.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), value);
    }
    out
}

/// The language of the page being rendered (set per request on the server).
pub fn use_lang() -> Lang {
    leptos::prelude::use_context::<Lang>().unwrap_or_default()
}

/// The text of `msg` in the current page's language.
pub fn t(msg: Msg) -> &'static str {
    msg.text(use_lang())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_has_text_in_both_languages() {
        for m in Msg::ALL {
            assert!(!m.da().is_empty(), "{} has no Danish text", m.key());
            assert!(!m.en().is_empty(), "{} has no English text", m.key());
        }
    }

    #[test]
    fn placeholders_match_between_languages() {
        let names = |s: &str| {
            let mut v: Vec<String> = s
                .split('{')
                .skip(1)
                .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
                .collect();
            v.sort();
            v
        };
        for m in Msg::ALL {
            assert_eq!(names(m.da()), names(m.en()), "placeholders differ in {}", m.key());
        }
    }

    #[test]
    fn unknown_keys_are_not_messages() {
        assert_eq!(Msg::from_key("<script>"), None);
        assert_eq!(Msg::from_key("auth.login_failed"), Some(Msg::AuthLoginFailed));
    }
}
