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

/// Islands here take no props. Leptos would write an island's props into the
/// page as JSON and read them back with serde_json, whose parser and error
/// messages (float formatting among them) were a third of the WebAssembly.
/// Instead the component around each island hands its data down by context
/// ([`give`], [`take`]) while the page renders on the server, the island
/// writes what the browser needs into `data-*` attributes of its own
/// elements (fixed ids: each island is once on a page), and in the browser it
/// reads them back ([`data`]) before building the same view.
pub fn give<T: Clone + Send + Sync + 'static>(props: T) {
    provide_context(props);
}

/// An island's data on the server, as [`give`]n by the component around it.
#[cfg(not(feature = "hydrate"))]
pub fn take<T: Clone + Default + 'static>() -> T {
    use_context().unwrap_or_default()
}

/// The element with `id` on this page, in the browser.
#[cfg(feature = "hydrate")]
pub fn element(id: &str) -> Option<web_sys::Element> {
    web_sys::window()?.document()?.get_element_by_id(id)
}

/// The attribute `name` of the element with `id`, or empty, in the browser.
#[cfg(feature = "hydrate")]
pub fn data(id: &str, name: &str) -> String {
    element(id)
        .and_then(|e| e.get_attribute(name))
        .unwrap_or_default()
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
    /// not would render and never wake up. And none takes props (see [`super::give`]).
    #[test]
    fn every_island_says_it_is_on_the_page_and_takes_no_props() {
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
                    let signature = &body[..body.find('{').expect("an island has a body")];
                    assert!(
                        signature.contains("() -> impl IntoView"),
                        "the island at {}:{} takes props: it must take none and read its data \
                         with crate::islands::take/data (props would bring serde_json into the WebAssembly)",
                        path.display(),
                        source[..at].lines().count() + 1
                    );
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
