//! Turns the translation files in `locales/` into a `Msg` enum, so that a
//! missing or misspelt key is a compile error rather than a blank on screen.
use std::{collections::BTreeMap, env, fs, path::Path};

const LANGS: [&str; 2] = ["da", "en"];

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
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("messages.rs");
    fs::write(dest, out).unwrap();
}
