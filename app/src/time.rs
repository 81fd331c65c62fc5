//! The clock and Copenhagen's calendar, in one place.
//!
//! Every stored instant is UTC epoch milliseconds (`i64`) and every stored
//! date a Copenhagen civil date as `YYYY-MM-DD` text. An instant becomes a
//! date or a wall-clock time (and back) only through `copenhagen()`, never
//! the server's own zone, so "today", "tomorrow" and "kl. 13.00" are what
//! they are in Denmark in every season (a day is 23 or 25 hours when the
//! clocks change). The clock and the zone need jiff and are server-only;
//! putting a date into words is built for the browser too, which carries no
//! date library.
use crate::i18n::{texts, Fill, Lang, Msg};

/// Now, as UTC epoch milliseconds.
#[cfg(feature = "ssr")]
pub fn now_ms() -> i64 {
    jiff::Timestamp::now().as_millisecond()
}

/// Today's date in Copenhagen as `YYYY-MM-DD`.
#[cfg(feature = "ssr")]
pub fn today() -> String {
    day_at(jiff::Timestamp::now()).to_string()
}

/// The Copenhagen date at an instant.
#[cfg(feature = "ssr")]
fn day_at(ts: jiff::Timestamp) -> jiff::civil::Date {
    ts.to_zoned(copenhagen()).date()
}

#[cfg(feature = "ssr")]
pub fn copenhagen() -> jiff::tz::TimeZone {
    jiff::tz::TimeZone::get("Europe/Copenhagen").unwrap_or(jiff::tz::TimeZone::UTC)
}

/// The first and last instant of a Copenhagen day, as epoch milliseconds:
/// the day's midnight and the next one (23 or 25 hours apart when the
/// clocks change).
#[cfg(feature = "ssr")]
pub fn day_bounds(day: &str) -> Option<(i64, i64)> {
    let d: jiff::civil::Date = day.parse().ok()?;
    let start = d.to_zoned(copenhagen()).ok()?;
    let end = d.tomorrow().ok()?.to_zoned(copenhagen()).ok()?;
    Some((
        start.timestamp().as_millisecond(),
        end.timestamp().as_millisecond(),
    ))
}

/// Whole calendar days from today to the day of `ms`, both in Copenhagen:
/// 0 is today and 1 tomorrow, whatever the hour.
#[cfg(feature = "ssr")]
pub fn days_from_today(ms: i64) -> Option<i64> {
    let today: jiff::civil::Date = today().parse().ok()?;
    days_between(today, ms)
}

#[cfg(feature = "ssr")]
pub fn days_between(from: jiff::civil::Date, ms: i64) -> Option<i64> {
    let day = jiff::Timestamp::from_millisecond(ms)
        .ok()?
        .to_zoned(copenhagen())
        .date();
    Some(i64::from((day - from).get_days()))
}

/// Adds whole months to a `YYYY-MM-DD` date; the 31st becomes the month's last day.
#[cfg(feature = "ssr")]
pub fn add_months(date: &str, months: i32) -> Option<String> {
    let d: jiff::civil::Date = date.parse().ok()?;
    let later = d.checked_add(jiff::Span::new().months(months)).ok()?;
    Some(later.to_string())
}

/// A stored UTC instant shown in Copenhagen time, as a municipality writes
/// it: "onsdag 2. december 2026 kl. 13.00" (in the page's language).
#[cfg(feature = "ssr")]
pub fn format_ms(ms: i64) -> String {
    format_ms_in(crate::i18n::use_lang(), ms)
}

#[cfg(feature = "ssr")]
pub fn format_ms_in(lang: Lang, ms: i64) -> String {
    match jiff::Timestamp::from_millisecond(ms) {
        Ok(ts) => {
            let z = ts.to_zoned(copenhagen());
            date_time_words(
                lang,
                (i32::from(z.year()), z.month() as u8, z.day() as u8),
                z.weekday().to_monday_one_offset() as u8,
                z.hour() as u8,
                z.minute() as u8,
            )
        }
        Err(_) => String::new(),
    }
}

/// The same instant as a number, for values kept in the change history
/// (stored once, read in either language): "23.11.2026 14:05".
#[cfg(feature = "ssr")]
pub fn format_ms_numeric(ms: i64) -> String {
    match jiff::Timestamp::from_millisecond(ms) {
        Ok(ts) => ts.to_zoned(copenhagen()).strftime("%d.%m.%Y %H:%M").to_string(),
        Err(_) => String::new(),
    }
}

/// A calendar date shown to people, as a Danish municipality writes it:
/// `2026-12-02` becomes "2. december 2026" ("2 December 2026" in English).
/// Anything that is not a date is shown as it is.
pub fn format_date(iso: &str) -> String {
    format_date_in(crate::i18n::use_lang(), iso)
}

pub fn format_date_in(lang: Lang, iso: &str) -> String {
    match parse_iso_date(iso) {
        Some((y, m, d)) => date_words(lang, y, m, d),
        None => iso.to_string(),
    }
}

/// A day someone must act on or turn up to, with its weekday, as a
/// municipality writes it: "tirsdag 1. december 2026". (Server side: the
/// calendar comes from jiff, which the WebAssembly does without.)
#[cfg(feature = "ssr")]
pub fn format_day(iso: &str) -> String {
    format_day_in(crate::i18n::use_lang(), iso)
}

#[cfg(feature = "ssr")]
pub fn format_day_in(lang: Lang, iso: &str) -> String {
    let Some((y, m, d)) = parse_iso_date(iso) else {
        return iso.to_string();
    };
    let Ok(date) = jiff::civil::Date::new(y as i16, m as i8, d as i8) else {
        return iso.to_string();
    };
    let weekday = WEEKDAYS[usize::from(date.weekday().to_monday_one_offset() as u8 - 1)].text(lang);
    texts::DateDay {
        weekday,
        date: &date_words(lang, y, m, d),
    }
    .fill(lang)
}

/// A date as a number, for values kept in the change history (stored once,
/// read in either language): `2026-11-23` becomes "23.11.2026".
pub fn format_date_numeric(iso: &str) -> String {
    match parse_iso_date(iso) {
        Some((y, m, d)) => format!("{d:02}.{m:02}.{y}"),
        None => iso.to_string(),
    }
}

fn parse_iso_date(iso: &str) -> Option<(i32, u8, u8)> {
    let mut parts = iso.trim().split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let (y, m, d) = (y.parse().ok()?, m.parse().ok()?, d.parse().ok()?);
    ((1..=12).contains(&m) && (1..=31).contains(&d)).then_some((y, m, d))
}

const MONTHS: [Msg; 12] = [
    Msg::DateMonth1,
    Msg::DateMonth2,
    Msg::DateMonth3,
    Msg::DateMonth4,
    Msg::DateMonth5,
    Msg::DateMonth6,
    Msg::DateMonth7,
    Msg::DateMonth8,
    Msg::DateMonth9,
    Msg::DateMonth10,
    Msg::DateMonth11,
    Msg::DateMonth12,
];

/// Monday first, as ISO 8601 counts.
const WEEKDAYS: [Msg; 7] = [
    Msg::DateWeekday1,
    Msg::DateWeekday2,
    Msg::DateWeekday3,
    Msg::DateWeekday4,
    Msg::DateWeekday5,
    Msg::DateWeekday6,
    Msg::DateWeekday7,
];

/// "2. december 2026".
pub fn date_words(lang: Lang, year: i32, month: u8, day: u8) -> String {
    let month = MONTHS[usize::from(month.clamp(1, 12) - 1)].text(lang);
    texts::DateDate {
        day: &day.to_string(),
        month,
        year: &year.to_string(),
    }
    .fill(lang)
}

/// "onsdag 2. december 2026 kl. 13.00"; `weekday` is 1 (Monday) to 7.
pub fn date_time_words(lang: Lang, date: (i32, u8, u8), weekday: u8, hour: u8, minute: u8) -> String {
    let time = texts::DateTime {
        hour: &hour.to_string(),
        minute: &format!("{minute:02}"),
    }
    .fill(lang);
    texts::DateDateTime {
        weekday: WEEKDAYS[usize::from(weekday.clamp(1, 7) - 1)].text(lang),
        date: &date_words(lang, date.0, date.1, date.2),
        time: &time,
    }
    .fill(lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(s: &str) -> i64 {
        s.parse::<jiff::Timestamp>().unwrap().as_millisecond()
    }

    fn date(s: &str) -> jiff::civil::Date {
        s.parse().unwrap()
    }

    #[test]
    fn the_zone_is_copenhagens_not_the_utc_fallback() {
        assert_eq!(copenhagen().iana_name(), Some("Europe/Copenhagen"));
    }

    #[test]
    fn today_turns_at_midnight_in_copenhagen_not_in_utc() {
        let day = |s: &str| day_at(s.parse().unwrap()).to_string();
        // Winter (UTC+1): the day turns at 23:00 UTC.
        assert_eq!(day("2026-11-27T22:59:59.999Z"), "2026-11-27");
        assert_eq!(day("2026-11-27T23:00:00Z"), "2026-11-28");
        assert_eq!(day("2026-12-31T23:30:00Z"), "2027-01-01");
        // Summer (UTC+2): at 22:00 UTC.
        assert_eq!(day("2026-06-30T21:59:59.999Z"), "2026-06-30");
        assert_eq!(day("2026-06-30T22:00:00Z"), "2026-07-01");
        // Half an hour before midnight UTC it is tomorrow here already.
        assert_eq!(day("2026-06-29T23:30:00Z"), "2026-06-30");
        // `today` is that, read off the clock (either side of a midnight
        // that may pass while the test runs).
        let before = day_at(jiff::Timestamp::now()).to_string();
        let t = today();
        let after = day_at(jiff::Timestamp::now()).to_string();
        assert!(t == before || t == after, "{t} is neither {before} nor {after}");
    }

    #[test]
    fn a_missing_local_time_moves_forward_and_a_repeated_one_takes_the_first() {
        // Every wall-clock time is resolved by `to_zoned(copenhagen())`
        // (typed activity times, seed data, quiet hours).
        let at = |d: &str, h: i8, m: i8| {
            date(d)
                .at(h, m, 0, 0)
                .to_zoned(copenhagen())
                .unwrap()
                .timestamp()
                .as_millisecond()
        };
        // Sunday 29 March 2026 the clocks go from 02:00 to 03:00: 02:30 does
        // not exist and means 03:30 summer time.
        assert_eq!(at("2026-03-29", 2, 30), ms("2026-03-29T01:30:00Z"));
        assert_eq!(at("2026-03-29", 3, 30), ms("2026-03-29T01:30:00Z"));
        assert_eq!(format_ms_numeric(at("2026-03-29", 2, 30)), "29.03.2026 03:30");
        // Sunday 25 October 2026 they go from 03:00 back to 02:00: 02:30
        // happens twice, and means the first (summer time).
        assert_eq!(at("2026-10-25", 2, 30), ms("2026-10-25T00:30:00Z"));
        // Both are shown as 02:30.
        assert_eq!(format_ms_numeric(ms("2026-10-25T00:30:00Z")), "25.10.2026 02:30");
        assert_eq!(format_ms_numeric(ms("2026-10-25T01:30:00Z")), "25.10.2026 02:30");
    }

    #[test]
    fn instants_are_shown_in_copenhagen_time_across_the_clock_changes() {
        // The last minute of winter time, then the first of summer time.
        assert_eq!(
            format_ms_in(Lang::Da, ms("2026-03-29T00:59:00Z")),
            "søndag 29. marts 2026 kl. 1.59"
        );
        assert_eq!(
            format_ms_in(Lang::Da, ms("2026-03-29T01:00:00Z")),
            "søndag 29. marts 2026 kl. 3.00"
        );
        assert_eq!(
            format_ms_in(Lang::En, ms("2026-10-25T01:00:00Z")),
            "Sunday 25 October 2026 at 2:00"
        );
        // Late evening in Copenhagen is the next day in words, not UTC's.
        assert_eq!(
            format_ms_in(Lang::Da, ms("2026-12-01T23:15:00Z")),
            "onsdag 2. december 2026 kl. 0.15"
        );
        assert_eq!(format_ms_numeric(ms("2026-11-23T13:05:00Z")), "23.11.2026 14:05");
        assert_eq!(format_ms_numeric(i64::MAX), "");
    }

    #[test]
    fn a_day_is_23_or_25_hours_when_the_clocks_change() {
        let hours = |d: &str| {
            let (start, end) = day_bounds(d).unwrap();
            (end - start) / 3_600_000
        };
        assert_eq!(
            day_bounds("2026-03-29"),
            Some((ms("2026-03-28T23:00:00Z"), ms("2026-03-29T22:00:00Z")))
        );
        assert_eq!(hours("2026-03-29"), 23);
        assert_eq!(
            day_bounds("2026-10-25"),
            Some((ms("2026-10-24T22:00:00Z"), ms("2026-10-25T23:00:00Z")))
        );
        assert_eq!(hours("2026-10-25"), 25);
        assert_eq!(hours("2026-10-26"), 24);
        assert_eq!(day_bounds("2026-02-30"), None);
    }

    #[test]
    fn days_are_counted_by_the_copenhagen_calendar() {
        let from = date("2026-11-27");
        // 23.30 on the same evening in Copenhagen is still today ...
        assert_eq!(days_between(from, ms("2026-11-27T22:30:00Z")), Some(0));
        // ... and half past midnight is tomorrow, though both are the 27th in UTC.
        assert_eq!(days_between(from, ms("2026-11-27T23:30:00Z")), Some(1));
        assert_eq!(days_between(from, ms("2026-12-02T12:00:00Z")), Some(5));
        // Across the switch to summer time (29 March 2026) a day is still a day.
        let march = date("2026-03-28");
        assert_eq!(days_between(march, ms("2026-03-29T22:30:00Z")), Some(2));
        // And across the switch back (25 October 2026).
        let october = date("2026-10-24");
        assert_eq!(days_between(october, ms("2026-10-25T22:30:00Z")), Some(1));
        assert_eq!(days_between(october, ms("2026-10-25T23:30:00Z")), Some(2));
    }

    #[test]
    fn months_are_calendar_months_and_clamp_at_month_end() {
        assert_eq!(add_months("2026-01-15", 6).as_deref(), Some("2026-07-15"));
        assert_eq!(add_months("2025-08-31", 6).as_deref(), Some("2026-02-28"));
        assert_eq!(add_months("2023-08-31", 6).as_deref(), Some("2024-02-29"));
        assert_eq!(add_months("2024-02-29", 36).as_deref(), Some("2027-02-28"));
        assert_eq!(add_months("2026-08-31", -6).as_deref(), Some("2026-02-28"));
        assert_eq!(add_months("not a date", 6), None);
    }

    #[test]
    fn dates_are_written_as_a_municipality_writes_them() {
        assert_eq!(format_date_in(Lang::Da, "2026-03-01"), "1. marts 2026");
        assert_eq!(format_date_in(Lang::En, "2026-12-02"), "2 December 2026");
        assert_eq!(format_date_in(Lang::Da, "garbage"), "garbage");
        assert_eq!(format_day_in(Lang::Da, "2026-12-01"), "tirsdag 1. december 2026");
        assert_eq!(format_day_in(Lang::En, "2026-12-05"), "Saturday 5 December 2026");
        assert_eq!(format_day_in(Lang::Da, "2026-02-30"), "2026-02-30");
        assert_eq!(format_date_numeric("2026-11-23"), "23.11.2026");
        assert_eq!(format_date_numeric("23.11.2026"), "23.11.2026");
        assert_eq!(
            date_time_words(Lang::Da, (2026, 12, 2), 3, 13, 0),
            "onsdag 2. december 2026 kl. 13.00"
        );
        assert_eq!(
            date_time_words(Lang::En, (2026, 12, 2), 3, 9, 5),
            "Wednesday 2 December 2026 at 9:05"
        );
    }
}
