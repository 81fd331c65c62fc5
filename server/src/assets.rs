//! Names of the content-hashed files cargo-leptos built.
use std::path::Path;

/// Hashes written by cargo-leptos next to the server binary (`hash.txt`):
/// lines like `css: 1a2b3c`.
pub fn read_hashes(exe_dir: &Path) -> Vec<(String, String)> {
    let Ok(text) = std::fs::read_to_string(exe_dir.join("hash.txt")) else {
        return vec![];
    };
    text.lines()
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

/// `/pkg/mitforlob.<hash>.css`, or the unhashed name in development builds.
pub fn stylesheet_href(output_name: &str, hashes: &[(String, String)]) -> String {
    match hashes.iter().find(|(k, _)| k == "css") {
        Some((_, h)) => format!("/pkg/{output_name}.{h}.css"),
        None => format!("/pkg/{output_name}.css"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stylesheet_name_carries_the_hash() {
        let hashes = vec![("js".into(), "aa".into()), ("css".into(), "bb".into())];
        assert_eq!(stylesheet_href("mitforlob", &hashes), "/pkg/mitforlob.bb.css");
        assert_eq!(stylesheet_href("mitforlob", &[]), "/pkg/mitforlob.css");
    }
}
