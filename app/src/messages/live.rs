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
    super::data::citizen_of_thread(db, viewer, thread_id)
        .await
        .map(|_| ())
}

/// In the browser: listens for the thread's news and refreshes `now`.
#[cfg(feature = "hydrate")]
pub fn follow(
    thread_id: String,
    now: leptos::prelude::RwSignal<super::LiveThread>,
    news: leptos::prelude::RwSignal<String>,
    arrived: String,
) {
    use leptos::prelude::*;
    use wasm_bindgen::{closure::Closure, JsCast};
    let Ok(source) = web_sys::EventSource::new(&format!("/events/threads/{thread_id}")) else {
        return;
    };
    let on_news = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| {
        let (id, arrived) = (thread_id.clone(), arrived.clone());
        leptos::task::spawn_local(async move {
            if let Ok(fresh) = super::thread_now(id).await {
                if fresh.messages.len() > now.with_untracked(|t| t.messages.len()) {
                    news.set(arrived);
                }
                now.set(fresh);
            }
        });
    });
    source.set_onmessage(Some(on_news.as_ref().unchecked_ref()));
    // Both live as long as the page: the browser reconnects by itself.
    on_news.forget();
    std::mem::forget(source);
}
