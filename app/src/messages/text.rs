//! What people wrote, shown as text: nothing in it is ever HTML, and only
//! plain web addresses (http, https) become links. A `javascript:` address
//! stays text.
use leptos::prelude::*;

/// A piece of a message: text, or a web address to link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Link(String),
}

/// Splits `body` into text and safe links. Punctuation that ends a sentence
/// is not part of the address.
pub fn pieces(body: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut rest = body;
    while let Some(at) = next_address(rest) {
        text.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail.find(char::is_whitespace).unwrap_or(tail.len());
        let mut address = &tail[..end];
        while let Some(last) = address.chars().last().filter(|c| ".,;:!?)\"'".contains(*c)) {
            address = &address[..address.len() - last.len_utf8()];
        }
        if address.len() <= "https://".len() {
            text.push_str(&tail[..end]);
        } else {
            if !text.is_empty() {
                out.push(Piece::Text(std::mem::take(&mut text)));
            }
            out.push(Piece::Link(address.to_string()));
            text.push_str(&tail[address.len()..end]);
        }
        rest = &tail[end..];
    }
    text.push_str(rest);
    if !text.is_empty() {
        out.push(Piece::Text(text));
    }
    out
}

/// Where the next `http://` or `https://` starts, at a word's beginning.
fn next_address(s: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(found) = s[from..].find("http") {
        let at = from + found;
        let starts_word = s[..at]
            .chars()
            .last()
            .is_none_or(|c| c.is_whitespace() || c == '(');
        let tail = &s[at..];
        if starts_word && (tail.starts_with("https://") || tail.starts_with("http://")) {
            return Some(at);
        }
        from = at + 4;
    }
    None
}

/// A message body: line breaks kept, long words wrapped, links safe.
#[component]
pub fn MessageText(
    body: String,
    /// "da" for a caseworker's words shown in the English UI; empty for none.
    #[prop(optional)]
    lang: &'static str,
) -> impl IntoView {
    let lang = (!lang.is_empty()).then_some(lang);
    view! {
        <p class="user-text" lang=lang>
            {pieces(&body)
                .into_iter()
                .map(|p| match p {
                    Piece::Text(s) => s.into_any(),
                    Piece::Link(href) => {
                        let shown = href.clone();
                        view! {
                            <a href=href rel="noopener noreferrer nofollow">
                                {shown}
                            </a>
                        }
                            .into_any()
                    }
                })
                .collect_view()}
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::{pieces, Piece};

    #[test]
    fn only_web_addresses_become_links() {
        assert_eq!(
            pieces("Se https://borger.dk/x. Tak"),
            vec![
                Piece::Text("Se ".into()),
                Piece::Link("https://borger.dk/x".into()),
                Piece::Text(". Tak".into())
            ]
        );
        assert_eq!(
            pieces("klik javascript:alert(1) <script>x</script>"),
            vec![Piece::Text("klik javascript:alert(1) <script>x</script>".into())]
        );
        // An address hidden inside another word is no link.
        assert_eq!(pieces("xhttps://a.dk"), vec![Piece::Text("xhttps://a.dk".into())]);
        assert_eq!(
            pieces("https:// alene"),
            vec![Piece::Text("https:// alene".into())]
        );
        assert_eq!(
            pieces("(http://a.dk)"),
            vec![
                Piece::Text("(".into()),
                Piece::Link("http://a.dk".into()),
                Piece::Text(")".into())
            ]
        );
    }
}
