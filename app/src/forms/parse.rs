//! From a form's raw text to values that have passed their rules. Each
//! type here is made only by its parser, so whatever holds one was checked;
//! every error names its field, so the form comes back with it marked.
//! Limits are counted as people count (a line break is one character) and
//! never cut: too long is refused with the limit in words.
use super::count_chars;
use crate::error::AppError;
use crate::i18n::Msg;

/// A short line: a place, a name, a phone number.
pub const SHORT_MAX: usize = 100;
/// A title.
pub const TITLE_MAX: usize = 120;
/// A paragraph.
pub const TEXT_MAX: usize = 1000;

/// Optional free text: trimmed, empty becomes `None`, too long is an error
/// that says the limit (never cut: the form comes back with all of it).
pub fn optional_text(field: &str, raw: &str, max: usize) -> Result<Option<String>, AppError> {
    let s = raw.trim();
    if count_chars(s) > max {
        return Err(AppError::invalid(field, too_long(max)));
    }
    Ok((!s.is_empty()).then(|| s.to_string()))
}

/// Free text that must be there: `missing` says so when it is not.
pub fn required_text(field: &str, raw: &str, max: usize, missing: Msg) -> Result<String, AppError> {
    optional_text(field, raw, max)?.ok_or_else(|| AppError::invalid(field, missing))
}

/// The error for a text over `max`, which states `max`. Every limit
/// passed to [`optional_text`] has one (a test checks them).
pub fn too_long(max: usize) -> Msg {
    match max {
        SHORT_MAX => Msg::RulesTooLong100,
        TITLE_MAX => Msg::RulesTooLong120,
        500 => Msg::RulesTooLong500,
        TEXT_MAX => Msg::RulesTooLong1000,
        _ => Msg::RulesTooLong2000,
    }
}

/// A form's once-only key (a hidden field made with the page): what makes a
/// repeated submit, or the offline queue's resend, harmless. Reads as the
/// text it holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let ok = (16..=80).contains(&raw.len()) && raw.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if ok {
            Ok(Self(raw.to_string()))
        } else {
            Err(AppError::invalid("form", Msg::RulesFormExpired))
        }
    }
}

impl std::ops::Deref for IdempotencyKey {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

/// A rating on a 1–5 scale, from a radio group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rating(i64);

impl Rating {
    pub fn parse(field: &str, raw: &str) -> Result<Self, AppError> {
        match raw.trim().parse::<i64>() {
            Ok(r) if (1..=5).contains(&r) => Ok(Self(r)),
            _ => Err(AppError::invalid(field, Msg::RulesRatingMissing)),
        }
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(e: AppError) -> (String, Msg) {
        match e {
            AppError::Invalid { field, problem } => (field, problem),
            other => panic!("expected Invalid, got {other:?}"),
        }
    }

    /// Over-long text is refused with its limit in words, in both
    /// languages, and never cut; a line break counts once, as in the counter.
    #[test]
    fn too_long_text_is_refused_with_its_limit() {
        use crate::i18n::Lang;
        let limits = [
            SHORT_MAX,
            TITLE_MAX,
            TEXT_MAX,
            crate::plan::responses::NOTE_MAX,
            crate::plan::responses::REFLECTION_MAX,
            crate::wellbeing::data::NOTE_MAX,
        ];
        for max in limits {
            let (field, msg) = field_of(optional_text("note", &"æ".repeat(max + 1), max).unwrap_err());
            assert_eq!(field, "note");
            for lang in [Lang::Da, Lang::En] {
                assert!(
                    msg.text(lang).contains(&max.to_string()),
                    "{max}: {}",
                    msg.text(lang)
                );
            }
            let fits = format!("{}\r\n{}", "a".repeat(max / 2), "b".repeat(max - max / 2 - 1));
            assert_eq!(optional_text("note", &fits, max).unwrap(), Some(fits.clone()));
        }
    }

    #[test]
    fn form_keys_and_ratings_are_checked() {
        let key = IdempotencyKey::parse("0123456789abcdef0123456789abcdef-goal").unwrap();
        assert_eq!(&*key, "0123456789abcdef0123456789abcdef-goal");
        assert!(IdempotencyKey::parse("short").is_err());
        assert!(IdempotencyKey::parse("0123456789abcdef'; DROP TABLE x").is_err());
        assert_eq!(Rating::parse("rating", "3").unwrap().get(), 3);
        assert!(Rating::parse("rating", "6").is_err());
        assert!(Rating::parse("rating", "").is_err());
    }
}
