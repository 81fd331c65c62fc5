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

impl Plural {
    /// The singular and plural form in `lang`.
    pub fn forms(self, lang: Lang) -> [&'static str; 2] {
        match lang {
            Lang::Da => self.da(),
            Lang::En => self.en(),
        }
    }

    /// The form for `count` in `lang`, with `{count}` filled in.
    pub fn text(self, lang: Lang, count: i64) -> String {
        PluralText::new(self, lang).pick(count)
    }
}

/// Which form a whole number takes. Danish and English agree for whole
/// numbers (CLDR: "one" is exactly 1; 0 and 2 and up are "other").
pub fn is_singular(count: i64) -> bool {
    count == 1
}

/// Both forms of a plural in one language, for an island or a script that
/// counts in the browser (the WebAssembly carries no dictionary).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PluralText {
    pub one: String,
    pub other: String,
}

impl PluralText {
    pub fn new(p: Plural, lang: Lang) -> PluralText {
        let [one, other] = p.forms(lang);
        PluralText {
            one: one.into(),
            other: other.into(),
        }
    }

    /// The right form for `count`, with `{count}` filled in.
    pub fn pick(&self, count: i64) -> String {
        let form = if is_singular(count) {
            &self.one
        } else {
            &self.other
        };
        form.replace("{count}", &count.to_string())
    }
}

/// The text of a plural for `count` in the current page's language.
pub fn tn(p: Plural, count: i64) -> String {
    p.text(use_lang(), count)
}

/// A text with placeholders, filled in one language. The generated structs
/// in [`texts`] implement it; their fields are the placeholders.
pub trait Fill {
    fn fill(&self, lang: Lang) -> String;
}

/// A text with placeholders in the current page's language, e.g.
/// `tf(texts::OverviewGreeting { name: &first_name })`.
pub fn tf(text: impl Fill) -> String {
    text.fill(use_lang())
}

/// The language of the page being rendered (set per request on the server).
pub fn use_lang() -> Lang {
    if let Some(lang) = leptos::prelude::use_context::<Lang>() {
        return lang;
    }
    // A server function outside the page's render still knows the request.
    #[cfg(feature = "ssr")]
    if let Some(lang) = crate::state::request_parts().and_then(|p| p.extensions.get::<Lang>().copied()) {
        return lang;
    }
    Lang::default()
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
            let mut v = placeholders(s);
            v.sort();
            v
        };
        assert!(!texts::ALL.is_empty());
        for (key, da, en) in texts::ALL {
            assert!(!names(da).is_empty(), "{key} has no placeholder");
            assert_eq!(names(da), names(en), "placeholders differ in {key}");
        }
    }

    #[test]
    fn plain_messages_have_no_placeholders() {
        for m in Msg::ALL {
            for s in [m.da(), m.en()] {
                assert!(
                    placeholders(s).is_empty(),
                    "{} has a placeholder but is a Msg",
                    m.key()
                );
            }
        }
    }

    #[test]
    fn a_text_is_filled_in_the_right_language() {
        let greeting = texts::OverviewGreeting { name: "Anna" };
        assert_eq!(greeting.fill(Lang::Da), "Hej Anna");
        assert_eq!(greeting.fill(Lang::En), "Hello Anna");
        let label = texts::PaidHoursWeekLabel {
            number: "7",
            date: "9. feb.",
        };
        assert_eq!(label.fill(Lang::Da), "Uge 7 (fra 9. feb.)");
        // A value is put in as it is: a `{…}` in it is not filled again.
        let greeting = texts::OverviewGreeting { name: "{name}" };
        assert_eq!(greeting.fill(Lang::Da), "Hej {name}");
    }

    /// Placeholder names in a text, in order.
    fn placeholders(s: &str) -> Vec<String> {
        s.split('{')
            .skip(1)
            .filter_map(|p| p.split_once('}').map(|(n, _)| n.to_string()))
            .collect()
    }

    const COUNTS: [&str; 7] = ["count", "n", "days", "hours", "weeks", "months", "minutes"];

    #[test]
    fn no_count_is_shown_through_a_plain_text() {
        for (key, da, en) in texts::ALL {
            for text in [da, en] {
                for name in placeholders(text) {
                    assert!(
                        !COUNTS.contains(&name.as_str()),
                        "{key} shows a count ({{{name}}}) but is not a plural"
                    );
                }
            }
        }
    }

    #[test]
    fn plurals_have_both_forms_and_the_same_placeholders() {
        assert!(!Plural::ALL.is_empty());
        for p in Plural::ALL {
            let mut names: Option<Vec<String>> = None;
            for lang in [Lang::Da, Lang::En] {
                let [one, other] = p.forms(lang);
                assert!(!one.is_empty() && !other.is_empty(), "{} lacks a form", p.key());
                assert!(other.contains("{count}"), "{}.other has no {{count}}", p.key());
                let mut v: Vec<String> = placeholders(other).into_iter().filter(|n| n != "count").collect();
                v.sort();
                if let Some(prev) = &names {
                    assert_eq!(prev, &v, "placeholders differ in {}", p.key());
                }
                names = Some(v);
            }
        }
    }

    #[test]
    fn plurals_pick_the_form_by_the_number() {
        let hours = PluralText::new(Plural::InboxHours, Lang::Da);
        assert_eq!(hours.pick(1), "1 time");
        assert_eq!(hours.pick(2), "2 timer");
        assert_eq!(Plural::InboxHours.text(Lang::En, 1), "1 hour");
        assert_eq!(Plural::InboxHours.text(Lang::En, 5), "5 hours");
        assert_eq!(Plural::WellbeingWeeks.text(Lang::Da, 1), "1 uge frem");
        assert_eq!(Plural::WellbeingWeeks.text(Lang::Da, 4), "4 uger frem");
    }

    #[test]
    fn unknown_keys_are_not_messages() {
        assert_eq!(Msg::from_key("<script>"), None);
        assert_eq!(Msg::from_key("auth.login_failed"), Some(Msg::AuthLoginFailed));
    }
}
