//! Warns before an idle session ends, with a button to stay logged in
//! (WCAG 2.2.1: timing adjustable). An island: it needs a clock.
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// How long before the end the warning shows.
pub const WARN_BEFORE_MS: i64 = 2 * 60 * 1000;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimerTexts {
    pub title: String,
    pub text: String,
    pub stay: String,
    pub extended: String,
}

/// Keeps the session alive: any authenticated request refreshes it.
#[server(endpoint = "keep-alive")]
pub async fn keep_alive() -> Result<(), AppError> {
    crate::state::require_user().map(|_| ())
}

#[island]
pub fn SessionTimer(idle_ms: i64, texts: TimerTexts) -> impl IntoView {
    let warning = RwSignal::new(false);
    let extended = RwSignal::new(false);
    let generation = StoredValue::new(0u32);
    let arm = move || {
        // A newer timer makes older ones harmless.
        generation.update_value(|g| *g += 1);
        let mine = generation.get_value();
        let wait = (idle_ms - WARN_BEFORE_MS).max(1000) as u64;
        set_timeout(
            move || {
                if generation.get_value() == mine {
                    warning.set(true);
                }
            },
            Duration::from_millis(wait),
        );
    };
    Effect::new(move |_| arm());
    let stay = move |_| {
        leptos::task::spawn_local(async move {
            if keep_alive().await.is_ok() {
                warning.set(false);
                extended.set(true);
                arm();
            }
        });
    };
    view! {
        <div class="session-timer" aria-live="polite">
            <Show when=move || warning.get()>
                <div class="alert alert-info" role="alertdialog" aria-labelledby="session-warning-title" aria-describedby="session-warning-text">
                    <p id="session-warning-title"><strong>{texts.title.clone()}</strong></p>
                    <p id="session-warning-text">{texts.text.clone()}</p>
                    <button type="button" class="button" on:click=stay>{texts.stay.clone()}</button>
                </div>
            </Show>
            <Show when=move || extended.get() && !warning.get()>
                <p class="visually-hidden">{texts.extended.clone()}</p>
            </Show>
        </div>
    }
}
