//! Paid hours per week: a small bar chart and the same numbers as a table.
use super::PaidWeek;
use crate::i18n::{t, texts, tf, Msg};
use crate::layout::DataTable;
use leptos::prelude::*;

/// Bars are drawn against at least a 37-hour week, so a few hours look small.
const FULL_WEEK: i64 = 37;

#[component]
pub fn PaidHoursChart(weeks: Vec<PaidWeek>) -> impl IntoView {
    let top = weeks.iter().map(|w| w.hours).max().unwrap_or(0).max(FULL_WEEK) as f64;
    let n = weeks.len().max(1) as f64;
    // Drawing area 100 × 50 units: bars up to 34 high on a base line at 42,
    // hours above each bar and week numbers under the line, big enough to read.
    let slot = 100.0 / n;
    let bar = (slot * 0.7).min(12.0);
    // Labels as large as the slots allow; the table has every number anyway.
    let font = (slot * 0.8).clamp(2.5, 5.0);
    let first = weeks.first().map(|w| w.week.clone()).unwrap_or_default();
    let last = weeks.last().map(|w| w.week.clone()).unwrap_or_default();
    let caption = tf(texts::PaidHoursCaption {
        from: &first,
        to: &last,
    });
    let bars = weeks
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let h = w.hours as f64 / top * 34.0;
            let x = i as f64 * slot + (slot - bar) / 2.0;
            let label_x = x + bar / 2.0;
            view! {
                <rect x=x y=42.0 - h width=bar height=h fill="#0b5470" />
                <text x=label_x y=40.5 - h font-size=font text-anchor="middle" fill="#1a1a1a">
                    {w.hours}
                </text>
                <text x=label_x y="48.5" font-size=font text-anchor="middle" fill="#1a1a1a">
                    {w.number}
                </text>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg viewBox="0 0 100 50" role="img" aria-labelledby="paid-hours-chart-caption" focusable="false">
                <line x1="0" y1="42" x2="100" y2="42" stroke="#6b6b6b" stroke-width="0.3" />
                {bars}
            </svg>
            <figcaption id="paid-hours-chart-caption">{caption}</figcaption>
        </figure>
        <DataTable caption=t(Msg::PaidHoursTableCaption) id="paid-hours">
            <thead>
                <tr>
                    <th scope="col">{t(Msg::PaidHoursWeek)}</th>
                    <th scope="col">{t(Msg::PaidHoursHours)}</th>
                </tr>
            </thead>
            <tbody>
                {weeks
                    .into_iter()
                    .rev()
                    .map(|w| {
                        view! {
                            <tr>
                                <th scope="row">
                                    {tf(texts::PaidHoursWeekLabel {
                                        number: &w.number.to_string(),
                                        date: &w.week,
                                    })}
                                </th>
                                <td>{w.hours}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </DataTable>
    }
}
