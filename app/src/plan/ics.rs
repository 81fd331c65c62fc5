//! iCalendar (RFC 5545) for activities, so citizens can put them in their own calendar.
//! Only what the person chose to export goes in: title, time and place.

/// One event as it goes into a calendar.
pub struct IcsEvent<'a> {
    pub uid: &'a str,
    pub title: &'a str,
    pub place: Option<&'a str>,
    pub starts_ms: i64,
    pub ends_ms: Option<i64>,
}

/// A calendar file holding `events`, stamped at `now_ms`.
pub fn calendar(events: &[IcsEvent], now_ms: i64) -> String {
    let mut out = String::new();
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//Mit Forloeb//DA");
    line(&mut out, "CALSCALE:GREGORIAN");
    for e in events {
        line(&mut out, "BEGIN:VEVENT");
        line(&mut out, &format!("UID:{}@mitforlob", e.uid));
        line(&mut out, &format!("DTSTAMP:{}", utc(now_ms)));
        line(&mut out, &format!("DTSTART:{}", utc(e.starts_ms)));
        // An activity without an end is shown as one hour long.
        line(
            &mut out,
            &format!("DTEND:{}", utc(e.ends_ms.unwrap_or(e.starts_ms + 3_600_000))),
        );
        line(&mut out, &format!("SUMMARY:{}", escape(e.title)));
        if let Some(place) = e.place {
            line(&mut out, &format!("LOCATION:{}", escape(place)));
        }
        line(&mut out, "END:VEVENT");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

/// `20261123T090000Z`
fn utc(ms: i64) -> String {
    jiff::Timestamp::from_millisecond(ms)
        .map(|t| t.strftime("%Y%m%dT%H%M%SZ").to_string())
        .unwrap_or_default()
}

/// Text values escape backslash, semicolon, comma and newlines.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Writes a content line, folded at 75 octets without splitting a character, ended by CRLF.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let len = c.len_utf8();
        if width + len > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += len;
    }
    out.push_str("\r\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event<'a>(title: &'a str, place: Option<&'a str>) -> IcsEvent<'a> {
        IcsEvent {
            uid: "abc",
            title,
            place,
            // 2026-03-29 08:00 UTC = 10:00 in Copenhagen, the day summer time starts.
            starts_ms: 1_774_771_200_000,
            ends_ms: None,
        }
    }

    #[test]
    fn writes_a_valid_event_in_utc() {
        let ics = calendar(&[event("Opfølgningssamtale", Some("Jobcenter, lokale 2"))], 0);
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(ics.contains("\r\nDTSTART:20260329T080000Z\r\n"));
        assert!(ics.contains("\r\nDTEND:20260329T090000Z\r\n"));
        assert!(ics.contains("\r\nDTSTAMP:19700101T000000Z\r\n"));
        assert!(ics.contains("\r\nSUMMARY:Opfølgningssamtale\r\n"));
        assert!(ics.contains("\r\nLOCATION:Jobcenter\\, lokale 2\r\n"));
        assert!(!ics.replace("\r\n", "").contains('\n'), "only CRLF line ends");
    }

    #[test]
    fn escapes_and_folds_long_lines() {
        let title = "Møde; om praktik, timer og \\ andet\nlinje ".repeat(4);
        let ics = calendar(&[event(&title, None)], 0);
        for l in ics.split("\r\n") {
            assert!(l.len() <= 75, "line over 75 octets: {l:?}");
        }
        let unfolded = ics.replace("\r\n ", "");
        assert!(unfolded.contains("SUMMARY:Møde\\; om praktik\\, timer og \\\\ andet\\nlinje "));
        assert!(!ics.contains("LOCATION"));
    }
}
