//! The web app manifest and the service worker script.
use app::i18n::Lang;
use axum::extract::Extension;
use axum::http::header;
use axum::response::IntoResponse;
use sha2::{Digest, Sha256};
use std::path::Path;

/// Plain scripts and files the service worker keeps for offline use, beside
/// the content-hashed ones in `/pkg`.
const SHELL_FILES: &[&str] = &[
    "/app.js",
    "/outbox.js",
    "/favicon.svg",
    "/icons/icon-192.png",
    "/manifest.webmanifest",
];

/// `/sw.js`: `public/sw.js` with this build's version and file list before
/// it, so a new deployment is a new worker that the page can offer to load.
pub fn service_worker(site_root: &Path) -> String {
    let source = std::fs::read_to_string(site_root.join("sw.js")).unwrap_or_default();
    let mut shell: Vec<String> = std::fs::read_dir(site_root.join("pkg"))
        .map(|dir| {
            dir.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().to_string())
                // The stylesheet every page loads; the browser takes br/gzip of
                // it by header. Not the WebAssembly and its glue: only pages
                // with an island load them, and the worker keeps them when
                // such a page does (a first visit to the overview stays small).
                .filter(|name| name.ends_with(".css"))
                .map(|name| format!("/pkg/{name}"))
                .collect()
        })
        .unwrap_or_default();
    shell.sort();
    // One missing file would fail the worker's whole install.
    shell.extend(
        SHELL_FILES
            .iter()
            .filter(|f| f.ends_with(".webmanifest") || site_root.join(f.trim_start_matches('/')).exists())
            .map(|s| s.to_string()),
    );
    // The version changes whenever anything the worker keeps or runs changes.
    let mut hasher = Sha256::new();
    hasher.update(&source);
    for file in &shell {
        hasher.update(file);
        if !file.starts_with("/pkg/") {
            hasher.update(std::fs::read(site_root.join(file.trim_start_matches('/'))).unwrap_or_default());
        }
    }
    let version = hex::encode(&hasher.finalize()[..8]);
    let build = serde_json::json!({ "version": version, "shell": shell });
    format!("const BUILD = {build};\n{source}")
}

pub async fn serve_worker(Extension(script): Extension<std::sync::Arc<String>>) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            // Asked again each time, so a new worker is seen at once.
            (header::CACHE_CONTROL, "no-cache"),
        ],
        script.as_str().to_owned(),
    )
}

/// `/manifest.webmanifest`, in the visitor's language.
pub async fn manifest(lang: Option<Extension<Lang>>) -> impl IntoResponse {
    let lang = lang.map(|Extension(l)| l).unwrap_or_default();
    (
        [
            (header::CONTENT_TYPE, "application/manifest+json"),
            // In the visitor's language (a cookie), so never shared; revalidated.
            (header::CACHE_CONTROL, "private, no-cache"),
        ],
        app::pwa::manifest(lang).to_string(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_names_this_builds_files_and_changes_with_them() {
        let dir = std::env::temp_dir().join(format!("mitforlob-sw-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("pkg")).unwrap();
        std::fs::write(dir.join("sw.js"), "self.x = 1;").unwrap();
        std::fs::write(dir.join("app.js"), "one").unwrap();
        std::fs::write(dir.join("pkg/mitforlob.abc.css"), "css").unwrap();
        std::fs::write(dir.join("pkg/mitforlob.abc.css.br"), "br").unwrap();
        std::fs::write(dir.join("pkg/mitforlob.abc.js"), "js").unwrap();
        std::fs::write(dir.join("pkg/mitforlob.abc.wasm"), "wasm").unwrap();
        std::fs::write(dir.join("pkg/mitforlob.d.abc.ts"), "types").unwrap();
        let first = service_worker(&dir);
        assert!(first.starts_with("const BUILD = {"));
        assert!(first.contains("\"/pkg/mitforlob.abc.css\""));
        // Fetched by the pages with islands, not by every first visit.
        assert!(!first.contains("mitforlob.abc.js\"") && !first.contains(".wasm\""));
        assert!(!first.contains(".br\"") && !first.contains(".ts\""));
        assert!(first.ends_with("self.x = 1;"));
        std::fs::write(dir.join("app.js"), "two").unwrap();
        let second = service_worker(&dir);
        let version = |s: &str| s.split("\"version\":\"").nth(1).unwrap()[..16].to_string();
        assert_ne!(version(&first), version(&second));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
