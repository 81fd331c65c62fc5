//! Turns the translation files in `locales/` into a `Msg` enum, so that a
//! missing or misspelt key is a compile error rather than a blank on screen.
//!
//! A text that shows a number of things is a plural: two keys, `key.one` and
//! `key.other`, become one `Plural` variant, and the count fills `{count}`.
//! Any other text with a count placeholder stops the build, so "1 timer"
//! cannot be written in the first place.
//!
//! A text with other placeholders (`Hej {name}`) is not a `Msg`: it becomes a
//! struct in `texts` whose fields are its placeholders
//! (`texts::OverviewGreeting { name }`), so a missing or misspelt placeholder
//! does not compile and no page can show a raw `{name}`. Both languages must
//! have the same placeholders.
use std::{collections::BTreeMap, env, fs, path::Path};

const LANGS: [&str; 2] = ["da", "en"];

/// Placeholder names that hold a number of things. Only a plural may have
/// them, and a plural's number is always `{count}`.
const COUNT_PLACEHOLDERS: [&str; 7] = [
    "{count}",
    "{n}",
    "{days}",
    "{hours}",
    "{weeks}",
    "{months}",
    "{minutes}",
];

/// The base key of a plural's singular form (`inbox.hours.one` → `inbox.hours`).
/// A key ending in `.other` without a `.one` beside it is a plain text.
fn plural_base(key: &str) -> Option<&str> {
    key.strip_suffix(".one")
}

fn parse(lang: &str) -> BTreeMap<String, String> {
    let path = format!("locales/{lang}.txt");
    println!("cargo:rerun-if-changed={path}");
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut map = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line
            .split_once('=')
            .unwrap_or_else(|| panic!("{path}:{}: expected `key = text`", n + 1));
        let key = key.trim().to_string();
        assert!(
            key.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.'),
            "{path}:{}: key `{key}` must be lower-case ascii, digits, `_` and `.`",
            n + 1
        );
        if map.insert(key.clone(), value.trim().to_string()).is_some() {
            panic!("{path}:{}: key `{key}` appears twice", n + 1);
        }
    }
    map
}

/// A text cut at its placeholders: literal text and placeholder names.
enum Part {
    Text(String),
    Slot(String),
}

fn parts(text: &str) -> Vec<Part> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let Some(len) = rest[open..].find('}') else { break };
        let name = &rest[open + 1..open + len];
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
            break;
        }
        if open > 0 {
            out.push(Part::Text(rest[..open].to_string()));
        }
        out.push(Part::Slot(name.to_string()));
        rest = &rest[open + len + 1..];
    }
    if !rest.is_empty() {
        out.push(Part::Text(rest.to_string()));
    }
    out
}

/// The placeholder names of a text, each once, in order.
fn slots(text: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for p in parts(text) {
        if let Part::Slot(n) = p {
            if !names.contains(&n) {
                names.push(n);
            }
        }
    }
    names
}

/// Rust keywords cannot be field names.
const KEYWORDS: &[&str] = &[
    "as", "async", "await", "box", "break", "const", "continue", "crate", "do", "dyn", "else", "enum",
    "extern", "false", "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut",
    "pub", "ref", "return", "self", "static", "struct", "super", "trait", "true", "try", "type", "unsafe",
    "use", "where", "while", "yield",
];

/// One struct of `text`: its fields are the placeholders.
fn template(out: &mut String, key: &str, texts: [&String; 2]) {
    let name = variant(key);
    let fields = slots(texts[0]);
    let mut other = slots(texts[1]);
    other.sort();
    let mut sorted = fields.clone();
    sorted.sort();
    assert_eq!(
        sorted, other,
        "`{key}` has other placeholders in en.txt than in da.txt"
    );
    for f in &fields {
        assert!(
            !KEYWORDS.contains(&f.as_str()),
            "`{key}`: {{{f}}} is a Rust keyword; rename it"
        );
    }
    out.push_str(&format!(
        "\n    /// `{key}`: {:?}\n    #[derive(Clone, Copy, Debug)]\n    pub struct {name}<'a> {{\n",
        texts[0]
    ));
    for f in &fields {
        out.push_str(&format!("        pub {f}: &'a str,\n"));
    }
    out.push_str(&format!(
        "    }}\n\n    impl {name}<'_> {{\n        pub const KEY: &'static str = {key:?};\n\n        \
         /// The text with its placeholders, for a script or island that fills\n        \
         /// it in the browser, or a page that puts markup where one stands.\n        \
         pub fn raw(lang: Lang) -> &'static str {{\n            match lang {{\n                \
         Lang::Da => {:?},\n                Lang::En => {:?},\n            }}\n        }}\n    }}\n\n    \
         impl super::Fill for {name}<'_> {{\n        fn fill(&self, lang: Lang) -> String {{\n            \
         match lang {{\n",
        texts[0], texts[1]
    ));
    for (lang, text) in ["Da", "En"].iter().zip(texts) {
        let pieces: Vec<String> = parts(text)
            .into_iter()
            .map(|p| match p {
                Part::Text(t) => format!("{t:?}"),
                Part::Slot(n) => format!("self.{n}"),
            })
            .collect();
        out.push_str(&format!(
            "                Lang::{lang} => [{}].concat(),\n",
            pieces.join(", ")
        ));
    }
    out.push_str("            }\n        }\n    }\n");
}

fn variant(key: &str) -> String {
    key.split(['.', '_'])
        .filter(|p| !p.is_empty())
        .map(|p| {
            let mut c = p.chars();
            let first = c.next().unwrap().to_ascii_uppercase();
            std::iter::once(first).chain(c).collect::<String>()
        })
        .collect()
}

fn main() {
    let maps: Vec<_> = LANGS.iter().map(|l| parse(l)).collect();
    let keys: Vec<&String> = maps[0].keys().collect();
    for (lang, map) in LANGS.iter().zip(&maps).skip(1) {
        let other: Vec<&String> = map.keys().collect();
        for k in &keys {
            assert!(map.contains_key(*k), "locales/{lang}.txt lacks `{k}`");
        }
        for k in &other {
            assert!(
                maps[0].contains_key(*k),
                "locales/{lang}.txt has `{k}`, which da.txt lacks"
            );
        }
    }
    // Plurals: both forms in both languages, the number as `{count}`.
    let mut plurals: Vec<String> = Vec::new();
    for k in &keys {
        if let Some(base) = plural_base(k) {
            if !plurals.iter().any(|p| p == base) {
                plurals.push(base.to_string());
            }
        }
    }
    for base in &plurals {
        for (lang, map) in LANGS.iter().zip(&maps) {
            let one = map.get(&format!("{base}.one"));
            let other = map.get(&format!("{base}.other"));
            assert!(
                one.is_some() && other.is_some(),
                "locales/{lang}.txt: the plural `{base}` needs both `{base}.one` and `{base}.other`"
            );
            assert!(
                other.unwrap().contains("{count}"),
                "locales/{lang}.txt: `{base}.other` must show the number as {{count}}"
            );
            for form in [one.unwrap(), other.unwrap()] {
                for p in COUNT_PLACEHOLDERS.iter().filter(|p| **p != "{count}") {
                    assert!(
                        !form.contains(p),
                        "locales/{lang}.txt: the plural `{base}` uses {p}; call its number {{count}}"
                    );
                }
            }
        }
    }
    let in_plural = |k: &str| {
        plurals
            .iter()
            .any(|b| k == format!("{b}.one") || k == format!("{b}.other"))
    };
    let keys: Vec<&String> = keys.into_iter().filter(|k| !in_plural(k)).collect();
    for k in &keys {
        for (lang, map) in LANGS.iter().zip(&maps) {
            for p in COUNT_PLACEHOLDERS {
                assert!(
                    !map[*k].contains(p),
                    "locales/{lang}.txt: `{k}` shows a count ({p}) but is not a plural: \
                     write it as `{k}.one` and `{k}.other` with {{count}}"
                );
            }
        }
    }
    let (templates, keys): (Vec<&String>, Vec<&String>) = keys
        .into_iter()
        .partition(|k| !slots(&maps[0][*k]).is_empty() || !slots(&maps[1][*k]).is_empty());
    let mut out = String::from(
        "/// A user-facing text. Generated from `app/locales/*.txt` by `build.rs`.\n\
         #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]\n\
         pub enum Msg {\n",
    );
    for k in &keys {
        out.push_str(&format!("    /// `{k}`\n    {},\n", variant(k)));
    }
    out.push_str("}\n\nimpl Msg {\n    pub const ALL: &'static [Msg] = &[");
    for k in &keys {
        out.push_str(&format!("Msg::{}, ", variant(k)));
    }
    out.push_str("];\n\n    pub fn key(self) -> &'static str {\n        match self {\n");
    for k in &keys {
        out.push_str(&format!("            Msg::{} => {:?},\n", variant(k), k));
    }
    out.push_str("        }\n    }\n");
    for (lang, map) in LANGS.iter().zip(&maps) {
        out.push_str(&format!(
            "\n    pub fn {lang}(self) -> &'static str {{\n        match self {{\n"
        ));
        for k in &keys {
            out.push_str(&format!("            Msg::{} => {:?},\n", variant(k), map[*k]));
        }
        out.push_str("        }\n    }\n");
    }
    out.push_str("}\n");
    out.push_str(
        "\n/// A text with a number in it. Generated from the `key.one` / `key.other`\n\
         /// pairs in `app/locales/*.txt` by `build.rs`.\n\
         #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]\n\
         pub enum Plural {\n",
    );
    for base in &plurals {
        out.push_str(&format!(
            "    /// `{base}.one`, `{base}.other`\n    {},\n",
            variant(base)
        ));
    }
    out.push_str("}\n\nimpl Plural {\n    pub const ALL: &'static [Plural] = &[");
    for base in &plurals {
        out.push_str(&format!("Plural::{}, ", variant(base)));
    }
    out.push_str("];\n\n    pub fn key(self) -> &'static str {\n        match self {\n");
    for base in &plurals {
        out.push_str(&format!("            Plural::{} => {:?},\n", variant(base), base));
    }
    out.push_str("        }\n    }\n");
    for (lang, map) in LANGS.iter().zip(&maps) {
        out.push_str(&format!(
            "\n    /// The singular and the plural form.\n    pub fn {lang}(self) -> [&'static str; 2] {{\n        match self {{\n"
        ));
        for base in &plurals {
            out.push_str(&format!(
                "            Plural::{} => [{:?}, {:?}],\n",
                variant(base),
                map[&format!("{base}.one")],
                map[&format!("{base}.other")]
            ));
        }
        out.push_str("        }\n    }\n");
    }
    out.push_str("}\n");
    out.push_str(
        "\n/// Texts with placeholders, one struct each. Generated from\n\
         /// `app/locales/*.txt` by `build.rs`.\npub mod texts {\n    use super::Lang;\n\n    \
         /// Every text here: key, Danish, English.\n    \
         pub const ALL: &[(&str, &str, &str)] = &[\n",
    );
    for k in &templates {
        out.push_str(&format!(
            "        ({k:?}, {:?}, {:?}),\n",
            maps[0][*k], maps[1][*k]
        ));
    }
    out.push_str("    ];\n");
    for k in &templates {
        template(&mut out, k, [&maps[0][*k], &maps[1][*k]]);
    }
    out.push_str("}\n");
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("messages.rs");
    fs::write(dest, out).unwrap();
}
