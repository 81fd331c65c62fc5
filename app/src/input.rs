//! The one place every form field passes before a server function sees it
//! (a middleware on the router, so no field can be missed):
//!
//! - invisible format characters that reorder or hide text (bidirectional
//!   controls such as U+202E, zero-width spaces, the byte-order mark) are
//!   removed, so what a caseworker reads is what was typed;
//! - control characters (NUL and the rest of C0 and C1, except tab and line
//!   breaks) are refused with a translated error tied to the field, the same
//!   on SQLite and PostgreSQL;
//! - id fields (`id`, `…_id`) must look like ids (`db::new_id`: 32 lowercase
//!   hex, or `new` for a form that makes something); anything else is "not
//!   found", before any handler builds a page address from it.
//!
//! Passwords pass untouched: they are never shown, and changing them would
//! lock people out.
use std::borrow::Cow;

/// Why a field was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// A control character (NUL, …) that no one types.
    Control,
    /// An id field that holds no id.
    NotAnId,
}

/// Characters that change how text around them is shown without showing
/// themselves: bidirectional embeddings, overrides and isolates, marks,
/// zero-width spaces and the byte-order mark. Joiners (U+200C, U+200D) stay:
/// emoji and some scripts need them.
pub fn is_hidden_format(c: char) -> bool {
    matches!(c,
        '\u{061C}'
        | '\u{200B}'
        | '\u{200E}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{206A}'..='\u{206F}'
        | '\u{FEFF}'
        | '\u{FFF9}'..='\u{FFFB}')
}

/// Control characters that are refused: all but tab and line breaks.
pub fn is_refused_control(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

/// Whether `name` is a field that carries an id.
pub fn is_id_field(name: &str) -> bool {
    name == "id" || name.ends_with("_id")
}

/// An id as `db::new_id` makes them, `new`, or empty (a field left out).
pub fn is_id_value(value: &str) -> bool {
    value.is_empty()
        || value == "new"
        || (value.len() == 32 && value.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

/// Fields passed as they are.
fn untouched(name: &str) -> bool {
    name.starts_with("password")
}

/// One field's value as the server functions get it.
pub fn clean_value<'a>(name: &str, value: &'a str) -> Result<Cow<'a, str>, Refusal> {
    if untouched(name) {
        return Ok(Cow::Borrowed(value));
    }
    if is_id_field(name) && !is_id_value(value) {
        return Err(Refusal::NotAnId);
    }
    if value.chars().any(is_refused_control) {
        return Err(Refusal::Control);
    }
    if value.chars().any(is_hidden_format) {
        Ok(Cow::Owned(
            value.chars().filter(|c| !is_hidden_format(*c)).collect(),
        ))
    } else {
        Ok(Cow::Borrowed(value))
    }
}

/// A form's fields cleaned: `Ok(None)` when nothing changed, or the first
/// refused field and why.
#[allow(clippy::type_complexity)]
pub fn clean_form(fields: &[(String, String)]) -> Result<Option<Vec<(String, String)>>, (String, Refusal)> {
    let mut changed = false;
    let mut out = Vec::with_capacity(fields.len());
    // Ids first: a malformed id is "not found", whatever else the form holds.
    if let Some((name, _)) = fields.iter().find(|(n, v)| is_id_field(n) && !is_id_value(v)) {
        return Err((name.clone(), Refusal::NotAnId));
    }
    for (name, value) in fields {
        let cleaned = clean_value(name, value).map_err(|r| (name.clone(), r))?;
        changed |= matches!(cleaned, Cow::Owned(_));
        out.push((name.clone(), cleaned.into_owned()));
    }
    Ok(changed.then_some(out))
}

/// `url` as a valid `Location` value: anything but visible ASCII is
/// percent-encoded, so building a redirect never fails on what was sent.
pub fn header_safe(url: &str) -> Cow<'_, str> {
    if url.bytes().all(|b| (0x21..0x7f).contains(&b)) {
        return Cow::Borrowed(url);
    }
    let mut out = String::with_capacity(url.len() + 8);
    for b in url.bytes() {
        if (0x21..0x7f).contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Cow::Owned(out)
}

/// The page a refused form goes back to: the path of the page that sent it
/// (its `Referer`), or the start page.
pub fn back_to(referer: Option<&str>) -> String {
    let path = referer
        .map(|r| match r.split_once("://") {
            Some((_, rest)) => rest.find('/').map(|at| &rest[at..]).unwrap_or("/"),
            None => r,
        })
        .map(|p| p.split(['?', '#']).next().unwrap_or("/"))
        .unwrap_or("/");
    let safe = path.starts_with('/')
        && !path.starts_with("//")
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/-_.~%".contains(&b));
    if safe {
        path.to_string()
    } else {
        "/".to_string()
    }
}

#[cfg(feature = "ssr")]
pub use server::{clean_form_input, redirect};

#[cfg(feature = "ssr")]
mod server {
    use super::*;
    use crate::i18n::Msg;
    use axum::body::{to_bytes, Body};
    use axum::extract::Request;
    use axum::middleware::Next;
    use axum::response::{IntoResponse, Response};
    use http::{header, HeaderValue, Method, StatusCode};

    /// `leptos_axum::redirect`, which panics on a value that is no valid
    /// header; every redirect goes through here so none can.
    pub fn redirect(url: &str) {
        leptos_axum::redirect(&header_safe(url));
    }

    /// Most a form body may hold (the router's body limit is lower).
    const READ_MAX: usize = 1024 * 1024;

    /// Cleans every urlencoded form post (see the module's comment).
    pub async fn clean_form_input(req: Request, next: Next) -> Response {
        let is_form = req.method() == Method::POST
            && req
                .headers()
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return next.run(req).await;
        }
        let (mut parts, body) = req.into_parts();
        let bytes = match to_bytes(body, READ_MAX).await {
            Ok(b) => b,
            Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
        };
        // What does not parse as a form is left for the server function to refuse.
        let Ok(fields) = serde_urlencoded::from_bytes::<Vec<(String, String)>>(&bytes) else {
            return next.run(Request::from_parts(parts, Body::from(bytes))).await;
        };
        match clean_form(&fields) {
            Ok(None) => next.run(Request::from_parts(parts, Body::from(bytes))).await,
            Ok(Some(cleaned)) => {
                let Ok(body) = serde_urlencoded::to_string(&cleaned) else {
                    return StatusCode::BAD_REQUEST.into_response();
                };
                parts
                    .headers
                    .insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
                next.run(Request::from_parts(parts, Body::from(body))).await
            }
            Err((field, refusal)) => {
                let page = back_to(parts.headers.get(header::REFERER).and_then(|v| v.to_str().ok()));
                let url = match refusal {
                    Refusal::NotAnId => format!("{page}?error={}", Msg::ErrorNotFound.key()),
                    Refusal::Control => {
                        let mut url = format!("{page}?error={}", Msg::InputControlCharacter.key());
                        if !field.is_empty() && field.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                        {
                            url.push_str("&field=");
                            url.push_str(&field);
                        }
                        url
                    }
                };
                let location = HeaderValue::from_str(&header_safe(&url))
                    .unwrap_or_else(|_| HeaderValue::from_static("/"));
                (StatusCode::FOUND, [(header::LOCATION, location)]).into_response()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_format_characters_are_removed() {
        let spoof = "faktura\u{202E}fdp.exe \u{2066}x\u{2069}\u{200B}\u{FEFF}";
        assert_eq!(clean_value("body", spoof).unwrap(), "fakturafdp.exe x");
        // Emoji joiners and Danish letters stay.
        let family = "Æbler 👨\u{200D}👩\u{200D}👧";
        assert_eq!(clean_value("body", family).unwrap(), family);
    }

    #[test]
    fn control_characters_are_refused_but_line_breaks_kept() {
        assert_eq!(clean_value("body", "a\0b"), Err(Refusal::Control));
        assert_eq!(clean_value("subject", "a\u{1b}[31m"), Err(Refusal::Control));
        assert_eq!(clean_value("note", "a\u{85}"), Err(Refusal::Control));
        assert_eq!(
            clean_value("body", "linje 1\r\nlinje 2\tx").unwrap(),
            "linje 1\r\nlinje 2\tx"
        );
        // Passwords are not changed (nor shown anywhere).
        assert_eq!(clean_value("password", "a\u{202E}b").unwrap(), "a\u{202E}b");
    }

    #[test]
    fn id_fields_hold_ids() {
        let id = "0123456789abcdef0123456789abcdef";
        assert_eq!(clean_value("citizen_id", id).unwrap(), id);
        assert_eq!(clean_value("goal_id", "new").unwrap(), "new");
        for bad in [
            "x\r\nSet-Cookie: a=b",
            "\t",
            "\0",
            "0123456789ABCDEF0123456789ABCDEF",
            "../admin",
        ] {
            assert_eq!(clean_value("citizen_id", bad), Err(Refusal::NotAnId), "{bad:?}");
        }
        let form = vec![
            ("body".to_string(), "a\0".to_string()),
            ("thread_id".to_string(), "\r\n".to_string()),
        ];
        assert_eq!(
            clean_form(&form),
            Err(("thread_id".to_string(), Refusal::NotAnId))
        );
    }

    /// `leptos_axum::redirect` panics on a bad header value: only fixed
    /// addresses may go to it directly, anything built goes through [`redirect`].
    #[test]
    fn built_addresses_are_redirected_safely() {
        fn walk(dir: &std::path::Path, found: &mut Vec<String>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    walk(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    let text = std::fs::read_to_string(&path).unwrap();
                    for (n, line) in text.lines().enumerate() {
                        if let Some((_, rest)) = line.split_once(concat!("leptos_axum::", "redirect(")) {
                            if !rest.starts_with('"') {
                                found.push(format!("{}:{}: {}", path.display(), n + 1, line.trim()));
                            }
                        }
                    }
                }
            }
        }
        let mut found = Vec::new();
        walk(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut found,
        );
        found.retain(|l| !l.contains("&header_safe(url)"));
        assert!(found.is_empty(), "{}", found.join("\n"));
    }

    #[test]
    fn redirects_never_carry_raw_control_characters() {
        assert_eq!(header_safe("/a?b=c#d"), "/a?b=c#d");
        assert_eq!(header_safe("/x\r\ny z"), "/x%0D%0Ay%20z");
        assert_eq!(
            back_to(Some("http://127.0.0.1:3000/messages/abc?error=x")),
            "/messages/abc"
        );
        assert_eq!(back_to(Some("https://evil.example//evil.example")), "/");
        assert_eq!(back_to(Some("/a\"b")), "/");
        assert_eq!(back_to(None), "/");
    }
}
