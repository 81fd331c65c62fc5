//! New messages appear in an open thread without a reload: each send
//! announces the thread's id (never its content); the thread page listens
//! through server-sent events (`server/src/live.rs`).

/// The topic a thread's news is announced under.
pub fn topic(thread_id: &str) -> String {
    format!("thread:{thread_id}")
}

/// Tells every open page of the thread, in every server process.
#[cfg(feature = "ssr")]
pub async fn announce(db: &crate::db::Db, thread_id: &str) {
    db.announce(&topic(thread_id)).await;
}

/// Ok when `viewer` may follow the thread, else "not found".
#[cfg(feature = "ssr")]
pub async fn ensure_can_follow(
    db: &crate::db::Db,
    viewer: &crate::model::CurrentUser,
    thread_id: &str,
) -> Result<(), crate::error::AppError> {
    use crate::auth::policy::{thread, Use};
    thread(db, viewer, thread_id, Use::Follow).await.map(|_| ())
}

/// In the browser: listens for the thread's news and swaps in the fresh
/// part of the page (`#thread-live`). The HTML is the server's, escaped as
/// on any page load; nothing in it runs.
#[cfg(feature = "hydrate")]
pub fn follow(thread_id: String, news: leptos::prelude::RwSignal<String>, arrived: String) {
    use leptos::prelude::*;
    use wasm_bindgen::{closure::Closure, JsCast};
    let Ok(source) = web_sys::EventSource::new(&format!("/events/threads/{thread_id}")) else {
        return;
    };
    let on_news = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| {
        let (id, arrived) = (thread_id.clone(), arrived.clone());
        leptos::task::spawn_local(async move {
            if let Ok(true) = refresh(&id).await {
                news.set(arrived);
            }
        });
    });
    source.set_onmessage(Some(on_news.as_ref().unchecked_ref()));
    // Both live as long as the page: the browser reconnects by itself.
    on_news.forget();
    std::mem::forget(source);
}

/// Fetches the thread page and swaps in its `#thread-live`; true when it
/// holds more messages than before.
#[cfg(feature = "hydrate")]
pub(crate) async fn refresh(thread_id: &str) -> Result<bool, wasm_bindgen::JsValue> {
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    let window = web_sys::window().ok_or(JsValue::NULL)?;
    let response: web_sys::Response =
        JsFuture::from(window.fetch_with_str(&format!("/messages/{thread_id}")))
            .await?
            .dyn_into()?;
    if !response.ok() {
        return Ok(false);
    }
    let html = JsFuture::from(response.text()?)
        .await?
        .as_string()
        .unwrap_or_default();
    let fresh = web_sys::DomParser::new()?.parse_from_string(&html, web_sys::SupportedType::TextHtml)?;
    let here = window.document().ok_or(JsValue::NULL)?;
    match (
        fresh.get_element_by_id("thread-live"),
        here.get_element_by_id("thread-live"),
    ) {
        (Some(new), Some(old)) => {
            let count = |e: &web_sys::Element| e.get_elements_by_tag_name("li").length();
            let grew = count(&new) > count(&old);
            old.set_inner_html(&new.inner_html());
            Ok(grew)
        }
        _ => Ok(false),
    }
}
