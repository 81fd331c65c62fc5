//! The wellbeing history as four small bar charts drawn on the server: no
//! client library, readable before any WebAssembly. The table under it holds
//! the same answers in words.
use super::Day;
use crate::i18n::{t, tn, Msg, Plural};
use leptos::prelude::*;

/// One of the four answers of a day.
type Measure = fn(&Day) -> i64;

#[component]
pub fn WellbeingChart(days: Vec<Day>, span: i64) -> impl IntoView {
    // One slot a day, today rightmost; days without an entry stay empty.
    let slot = |d: &Day| (d.days_ago < span).then(|| (span - 1 - d.days_ago) as f64);
    let width = 100.0 / span as f64;
    let measures: [(Msg, Measure); 4] = [
        (Msg::WellbeingMood, |d| d.mood),
        (Msg::WellbeingEnergy, |d| d.energy),
        (Msg::WellbeingPainChart, |d| d.pain),
        (Msg::WellbeingSleep, |d| d.sleep),
    ];
    let caption = tn(Plural::WellbeingChartCaption, span);
    view! {
        <figure class="chart wellbeing-chart">
            <div role="img" aria-labelledby="wellbeing-chart-caption">
                {measures
                    .into_iter()
                    .map(|(label, value)| {
                        let bars = days
                            .iter()
                            .filter_map(|d| {
                                let x = slot(d)? * width;
                                let h = value(d) as f64 * 3.6;
                                Some(
                                    view! {
                                        <rect
                                            x=x + width * 0.1
                                            y=20.0 - h
                                            width=width * 0.8
                                            height=h
                                            fill="#0b5470"
                                        />
                                    },
                                )
                            })
                            .collect_view();
                        view! {
                            <p class="chart-label" aria-hidden="true">
                                {t(label)}
                            </p>
                            <svg
                                viewBox="0 0 100 20"
                                preserveAspectRatio="none"
                                aria-hidden="true"
                                focusable="false"
                            >
                                <line
                                    x1="0"
                                    y1="19.9"
                                    x2="100"
                                    y2="19.9"
                                    stroke="#6b6b6b"
                                    stroke-width="0.2"
                                />
                                {bars}
                            </svg>
                        }
                    })
                    .collect_view()}
            </div>
            <figcaption id="wellbeing-chart-caption">{caption}</figcaption>
        </figure>
    }
}
