//! Which pages load the WebAssembly: only those with an island on them.
//!
//! Leptos's `HydrationScripts` always writes the preload links and the
//! module script that fetch the `.js` glue and the `.wasm`, whatever the page
//! holds. Here every island says, while it renders on the server, that it is
//! on the page ([`rendered`]), and [`IslandScripts`], the last thing in
//! `<body>`, writes `HydrationScripts` only if one did.
//!
//! That last part waits its turn: it is a `Suspend` that is not ready when
//! first polled, so the in-order renderer (every route is `SsrMode::Async`)
//! reaches it only after everything before it, the islands inside
//! `<Await>`/`<Suspense>` included, has been rendered. (An out-of-order
//! stream would send it as a fallback and move it in later with a script;
//! `routes.rs` therefore renders every route in order.)
use leptos::prelude::*;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Set by any island rendered in this response.
#[derive(Clone, Debug, Default)]
pub struct Rendered(Arc<AtomicBool>);

impl Rendered {
    pub fn get(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// Called first thing in every `#[island]`: this page needs the WebAssembly.
/// (A test in this module refuses an island that does not.)
pub fn rendered() {
    #[cfg(feature = "ssr")]
    if let Some(flag) = use_context::<Rendered>() {
        flag.0.store(true, Ordering::Relaxed);
    }
}

/// Provides the flag for one response, and puts the page in Leptos's islands
/// mode (no hydration markers outside islands), which `HydrationScripts` in
/// `<head>` used to do before anything else rendered.
pub fn provide() {
    provide_context(Rendered::default());
    if let Some(sc) = leptos::reactive::owner::Owner::current_shared_context() {
        sc.set_is_hydrating(false);
    }
}

/// The hydration scripts, only on a page that rendered an island.
#[component]
pub fn IslandScripts(options: LeptosOptions) -> impl IntoView {
    let flag = use_context::<Rendered>().unwrap_or_default();
    Suspend::new(async move {
        after_the_rest().await;
        flag.get()
            .then(|| view! { <HydrationScripts options islands=true /> })
    })
}

/// Not ready on the first poll (which the renderer makes at once, in page
/// order), ready on the next (made when the stream reaches this point).
fn after_the_rest() -> impl std::future::Future<Output = ()> {
    let mut polled = false;
    std::future::poll_fn(move |cx| {
        if polled {
            std::task::Poll::Ready(())
        } else {
            polled = true;
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        }
    })
}

#[cfg(test)]
mod tests {
    /// Every island marks the page as needing the WebAssembly; one that did
    /// not would render and never wake up.
    #[test]
    fn every_island_says_it_is_on_the_page() {
        let mut islands = 0;
        let mut stack = vec![std::path::PathBuf::from(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/src"
        ))];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.ends_with("islands.rs") {
                    continue;
                }
                let source = std::fs::read_to_string(&path).unwrap();
                for (at, _) in source.match_indices("#[island]") {
                    islands += 1;
                    let body = &source[at..];
                    let open = body.find('{').expect("an island has a body");
                    let first = body[open + 1..].trim_start();
                    assert!(
                        first.starts_with("crate::islands::rendered();"),
                        "the island at {}:{} must start with `crate::islands::rendered();`",
                        path.display(),
                        source[..at].lines().count() + 1
                    );
                }
            }
        }
        assert!(islands >= 3, "found only {islands} islands: is the search right?");
    }
}
