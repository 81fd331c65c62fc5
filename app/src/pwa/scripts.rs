//! What the Rust and the plain scripts (`public/*.js`) must agree on, written
//! once, here: the scripts' own addresses, the draft keys in the browser's
//! storage, and the answers the scripts act on. The server puts them before
//! each script it serves as `self.MITFORLOB = {…};` ([`prelude`]), and a test
//! below fails when a script (or a browser test) spells one out again.

/// The page's script: the outgoing queue's forms, drafts, the idle warning.
pub const APP_SCRIPT: &str = "/app.js";
/// The outgoing queue, for the page and the service worker.
pub const OUTBOX_SCRIPT: &str = "/outbox.js";
/// The service worker (served with this build's version before it).
pub const SERVICE_WORKER: &str = "/sw.js";
pub const MANIFEST: &str = "/manifest.webmanifest";
pub const FAVICON: &str = "/favicon.svg";
/// The icon a notification shows, and one of the manifest's.
pub const ICON: &str = "/icons/icon-192.png";

/// The scripts at fixed names (not content-hashed): the server serves them
/// with the contract before them, revalidated on every use.
pub const PLAIN_SCRIPTS: &[&str] = &[APP_SCRIPT, OUTBOX_SCRIPT];

/// Files outside `/pkg` the service worker keeps for offline use.
pub const SHELL_FILES: &[&str] = &[APP_SCRIPT, OUTBOX_SCRIPT, FAVICON, ICON, MANIFEST];

/// Every key of a draft in the browser's `localStorage` begins with this:
/// app.js deletes them all when the person changes or logs out, and keeps
/// its own records (a refused item, a page kept at a session's end) under it.
pub const DRAFT_PREFIX: &str = "mitforlob-draft:";

/// The `<meta>` that names the page's owner (an opaque key) for the scripts.
pub const OWNER_META: &str = "mitforlob-owner";

/// The outgoing queue's answers in `X-Outbox` (see `pwa::queue`).
pub const QUEUE_LOGIN: &str = "login";
pub const QUEUE_NOT_OWNER: &str = "not-owner";
pub const QUEUE_REFUSED: &str = "refused";

/// The first line of each served script: everything above, and the headers
/// and the server function error they read, as one object.
#[cfg(feature = "ssr")]
pub fn prelude() -> String {
    use super::queue;
    let contract = serde_json::json!({
        "files": {
            "app": APP_SCRIPT,
            "outbox": OUTBOX_SCRIPT,
            "worker": SERVICE_WORKER,
            "icon": ICON,
        },
        "draftPrefix": DRAFT_PREFIX,
        "ownerMeta": OWNER_META,
        "headers": {
            "queued": queue::QUEUED.as_str(),
            "confirmed": queue::CONFIRMED.as_str(),
            "person": super::OFFLINE_PERSON.as_str(),
            // The citizen's key: on their pages, and on each queued send.
            "key": queue::OWNER.as_str(),
        },
        "queue": {
            "login": QUEUE_LOGIN,
            "notOwner": QUEUE_NOT_OWNER,
            "refused": QUEUE_REFUSED,
        },
        // As a server function's failure travels: `AppError` in JSON.
        "notLoggedIn": serde_json::to_value(crate::error::AppError::NotLoggedIn).unwrap_or_default(),
    });
    format!("self.MITFORLOB = {contract};\n")
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::*;

    #[test]
    fn the_prelude_is_one_statement_with_every_value() {
        let line = prelude();
        assert!(line.starts_with("self.MITFORLOB = {") && line.ends_with("};\n"));
        assert_eq!(line.lines().count(), 1);
        for value in [
            APP_SCRIPT,
            OUTBOX_SCRIPT,
            SERVICE_WORKER,
            ICON,
            DRAFT_PREFIX,
            OWNER_META,
            QUEUE_NOT_OWNER,
            "\"x-outbox\"",
            "\"x-offline-key\"",
            "\"x-outbox-confirmed\"",
            "\"x-offline-person\"",
            "\"NotLoggedIn\"",
        ] {
            assert!(line.contains(value), "{value} missing from {line}");
        }
    }

    /// The lines of code in a script: whole-line comments may name things.
    fn code(path: &std::path::Path) -> Vec<(usize, String)> {
        let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        text.lines()
            .enumerate()
            .map(|(n, line)| (n + 1, line.trim().to_string()))
            .filter(|(_, line)| !line.starts_with("//") && !line.starts_with('*') && !line.starts_with("/*"))
            .collect()
    }

    fn files(dir: &str, ending: &str) -> Vec<std::path::PathBuf> {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("..")
            .join(dir);
        let mut found: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.to_string_lossy().ends_with(ending))
            .collect();
        found.sort();
        assert!(!found.is_empty(), "no {ending} in {}", dir.display());
        found
    }

    #[test]
    fn no_script_spells_out_what_the_server_writes_before_it() {
        // `login` and `refused` are also the queue's own outcome words, so
        // only a comparison with what the server said is looked for.
        // The owner's name in storage is the script's own (it happens to be
        // the same word): only the page's `<meta>` is looked for.
        let owner_meta = format!("name=\"{OWNER_META}");
        let in_scripts = [
            APP_SCRIPT,
            OUTBOX_SCRIPT,
            SERVICE_WORKER,
            ICON,
            DRAFT_PREFIX,
            &owner_meta,
            QUEUE_NOT_OWNER,
            "x-outbox",
            "x-offline-",
            "NotLoggedIn",
            "said === '",
        ];
        let mut found = Vec::new();
        for path in files("public", ".js") {
            for (n, line) in code(&path) {
                // Header names in any case (`X-Outbox`), the rest as written.
                let lower = line.to_lowercase();
                let spelled = |v: &&&str| {
                    if v.starts_with("x-") {
                        lower.contains(**v)
                    } else {
                        line.contains(**v)
                    }
                };
                for value in in_scripts.iter().filter(spelled) {
                    found.push(format!("{}:{n}: {value}", path.display()));
                }
            }
        }
        // The browser tests read the drafts' keys from the page, too.
        for path in files("end2end/tests", ".ts") {
            for (n, line) in code(&path) {
                if line.contains(DRAFT_PREFIX) {
                    found.push(format!("{}:{n}: {DRAFT_PREFIX}", path.display()));
                }
            }
        }
        assert!(
            found.is_empty(),
            "use self.MITFORLOB (app/src/pwa/scripts.rs) instead:\n{}",
            found.join("\n")
        );
    }
}
