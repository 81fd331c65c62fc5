//! The web app manifest, the service worker and the plain scripts.
use app::i18n::Lang;
use app::pwa::scripts::{prelude, SHELL_FILES};
use axum::extract::Extension;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};
use std::path::Path;
use std::sync::Arc;

/// A plain script as served: the contract's line, then `public/<name>`.
pub struct PlainScript {
    /// Shared, not copied, by each response.
    body: axum::body::Bytes,
    /// The same, compressed once at start with brotli's best level: pages
    /// are compressed per response at a fast level (`router`), which would
    /// make the scripts a first visit loads about 15 % larger.
    body_br: axum::body::Bytes,
    /// The entity tag's opaque part, quoted: `"0123abcd…"`.
    tag: String,
    /// Weak (`W/"…"`): the same script is sent compressed or not.
    etag: HeaderValue,
}

/// Reads `name` (`/app.js`) from the site once, at start; `None` when the
/// build has no such file (it is then "not found", as before).
pub fn plain_script(site_root: &Path, name: &str) -> Option<PlainScript> {
    let source = std::fs::read_to_string(site_root.join(name.trim_start_matches('/'))).ok()?;
    let body = axum::body::Bytes::from(format!("{}{source}", prelude()));
    let tag = format!("\"{}\"", hex::encode(&Sha256::digest(&body)[..8]));
    let etag = HeaderValue::from_str(&format!("W/{tag}")).ok()?;
    let body_br = brotli_best(&body)?;
    Some(PlainScript {
        body,
        body_br,
        tag,
        etag,
    })
}

fn brotli_best(bytes: &[u8]) -> Option<axum::body::Bytes> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).ok()?;
    Some(out.into())
}

/// Whether the request's `Accept-Encoding` takes brotli (and not at q=0).
fn accepts_brotli(request: &HeaderMap) -> bool {
    request
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            parts.next() == Some("br")
                && parts.all(|p| {
                    p.strip_prefix("q=")
                        .and_then(|q| q.trim().parse::<f32>().ok())
                        .is_none_or(|q| q > 0.0)
                })
        })
}

/// Serves a plain script. Its name stays the same across builds, so the
/// browser asks again each time, and an unchanged one answers 304 (a repeat
/// visit fetches only the page).
pub async fn serve_script(
    Extension(script): Extension<Arc<Option<PlainScript>>>,
    request: HeaderMap,
) -> Response {
    let Some(script) = script.as_ref() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let headers = [
        (
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/javascript; charset=utf-8"),
        ),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (header::ETAG, script.etag.clone()),
    ];
    // If-None-Match compares weakly: `W/` or not, the opaque parts match.
    let unchanged = request
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == "*" || t == script.tag);
    if unchanged {
        (StatusCode::NOT_MODIFIED, headers).into_response()
    } else if accepts_brotli(&request) {
        // Already encoded: the compression layer leaves it as it is.
        let encoded = [
            (header::CONTENT_ENCODING, HeaderValue::from_static("br")),
            (header::VARY, HeaderValue::from_static("accept-encoding")),
        ];
        (headers, encoded, script.body_br.clone()).into_response()
    } else {
        (headers, script.body.clone()).into_response()
    }
}

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
    // The version changes whenever anything the worker keeps or runs changes
    // (the contract's line is part of the scripts as served).
    let contract = prelude();
    let mut hasher = Sha256::new();
    hasher.update(&contract);
    hasher.update(&source);
    for file in &shell {
        hasher.update(file);
        if !file.starts_with("/pkg/") {
            hasher.update(std::fs::read(site_root.join(file.trim_start_matches('/'))).unwrap_or_default());
        }
    }
    let version = hex::encode(&hasher.finalize()[..8]);
    let build = serde_json::json!({ "version": version, "shell": shell });
    format!("const BUILD = {build};\n{contract}{source}")
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

    #[tokio::test]
    async fn a_plain_script_carries_the_contract_and_answers_304_when_unchanged() {
        let dir = std::env::temp_dir().join(format!("mitforlob-script-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("app.js"), "self.y = 2;").unwrap();
        let get = |script: Option<PlainScript>, if_none_match: Option<&str>| {
            let mut request = HeaderMap::new();
            if let Some(tag) = if_none_match {
                request.insert(header::IF_NONE_MATCH, HeaderValue::from_str(tag).unwrap());
            }
            serve_script(Extension(Arc::new(script)), request)
        };

        let res = get(plain_script(&dir, "/app.js"), None).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[header::CACHE_CONTROL], "no-cache");
        assert_eq!(
            res.headers()[header::CONTENT_TYPE],
            "text/javascript; charset=utf-8"
        );
        let etag = res.headers()[header::ETAG].to_str().unwrap().to_string();
        assert!(etag.starts_with("W/\""), "{etag}");
        let body = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
        let body = String::from_utf8(body.to_vec()).unwrap();
        assert_eq!(body, format!("{}self.y = 2;", prelude()));

        // The browser revalidates with the tag it has, weak or strong.
        for sent in [
            etag.clone(),
            etag.trim_start_matches("W/").to_string(),
            format!("\"x\", {etag}"),
        ] {
            let res = get(plain_script(&dir, "/app.js"), Some(&sent)).await;
            assert_eq!(res.status(), StatusCode::NOT_MODIFIED, "{sent}");
            assert_eq!(res.headers()[header::ETAG], etag.as_str());
        }
        let res = get(plain_script(&dir, "/app.js"), Some("W/\"0000\"")).await;
        assert_eq!(res.status(), StatusCode::OK);
        std::fs::write(dir.join("app.js"), "self.y = 3;").unwrap();
        let res = get(plain_script(&dir, "/app.js"), Some(&etag)).await;
        assert_eq!(res.status(), StatusCode::OK, "a changed script is a new tag");

        // A browser that takes brotli gets the script compressed once, at
        // start; the same script, the same tag. One that refuses it (q=0), plain.
        let script = Arc::new(plain_script(&dir, "/app.js"));
        for (accept, brotli) in [
            ("gzip, deflate, br, zstd", true),
            ("br;q=0.5", true),
            ("gzip, br;q=0", false),
            ("gzip", false),
        ] {
            let mut request = HeaderMap::new();
            request.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(accept));
            let res = serve_script(Extension(script.clone()), request).await;
            assert_eq!(res.status(), StatusCode::OK);
            let encoding = res.headers().get(header::CONTENT_ENCODING).cloned();
            let body = axum::body::to_bytes(res.into_body(), usize::MAX).await.unwrap();
            let body = if brotli {
                assert_eq!(
                    encoding.as_ref().map(|e| e.to_str().unwrap()),
                    Some("br"),
                    "{accept}"
                );
                let mut plain = Vec::new();
                brotli::BrotliDecompress(&mut &body[..], &mut plain).unwrap();
                plain
            } else {
                assert!(encoding.is_none(), "{accept}");
                body.to_vec()
            };
            assert_eq!(
                String::from_utf8(body).unwrap(),
                format!("{}self.y = 3;", prelude())
            );
        }

        // A build without the file: not found, as before.
        assert!(plain_script(&dir, "/outbox.js").is_none());
        assert_eq!(get(None, None).await.status(), StatusCode::NOT_FOUND);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
