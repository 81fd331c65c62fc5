//! What makes plan input valid. Each type is made only by parsing the raw
//! form, so anything holding one has passed every rule; errors name the field.
//!
//! The forms themselves are declared here too, beside their parsers: the
//! struct a server function receives is the text of each field as posted
//! (`crate::form!`), and only the parser below turns it into plan values.

crate::form! {
    /// The course form: kind, dates and main goal.
    pub struct CourseForm {
        pub kind: String,
        pub start: String,
        pub planned_end: String,
        pub main_goal: String,
    }
}

crate::form! {
    /// A goal's form.
    pub struct GoalForm {
        pub title: String,
        pub description: String,
    }
}

crate::form! {
    /// An activity as its form holds it: the text of each field.
    pub struct ActivityForm {
        pub kind: String,
        pub status: String,
        pub title: String,
        pub purpose: String,
        pub place: String,
        pub contact_name: String,
        pub contact_phone: String,
        pub preparation: String,
        pub starts_at: String,
        pub ends_at: String,
        pub hours_per_week: String,
    }
}

crate::form! {
    /// Hours worked in a week of a flexjob trial (the week is any of its days).
    pub struct PaidHoursForm {
        pub week: String,
        pub hours: String,
    }
}

#[cfg(feature = "ssr")]
pub use checks::*;

/// The rules, on the server only (dates need the time zone database,
/// which the browser's WebAssembly does without).
#[cfg(feature = "ssr")]
mod checks {
    use super::{ActivityForm, CourseForm, GoalForm, PaidHoursForm};
    use crate::error::AppError;
    use crate::forms::{optional_text, required_text, SHORT_MAX, TEXT_MAX, TITLE_MAX};
    use crate::i18n::Msg;
    use crate::model::{ActivityKind, ActivityStatus, CourseKind};
    use crate::plan::history::PlanField;
    use crate::time::{add_months, copenhagen};
    use jiff::civil::{Date, DateTime};

    pub const HOURS_MAX: i64 = 80;

    /// A date as a date field sends it (`2026-03-01`) or as people write it (`1.3.2026`).
    pub fn parse_date(raw: &str) -> Option<Date> {
        let s = raw.trim();
        if let Ok(d) = s.parse::<Date>() {
            return Some(d);
        }
        let mut parts = s.split(['.', '-', '/']);
        let (d, m, y) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        Date::new(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?).ok()
    }

    /// A Copenhagen wall-clock time as a `datetime-local` field sends it
    /// (`2026-03-01T09:30`), or with a space; returns UTC epoch milliseconds.
    pub fn parse_local_time(raw: &str) -> Option<i64> {
        let s = raw.trim().replacen(' ', "T", 1);
        let dt: DateTime = s.parse().ok()?;
        Some(dt.to_zoned(copenhagen()).ok()?.timestamp().as_millisecond())
    }

    /// The value a `datetime-local` field shows for a stored instant.
    pub fn local_time_value(ms: i64) -> String {
        jiff::Timestamp::from_millisecond(ms)
            .map(|ts| ts.to_zoned(copenhagen()).strftime("%Y-%m-%dT%H:%M").to_string())
            .unwrap_or_default()
    }

    #[derive(Clone, Debug, PartialEq)]
    pub struct CourseInput {
        pub kind: CourseKind,
        pub start: Date,
        pub planned_end: Date,
        pub main_goal: Option<String>,
    }

    impl CourseForm {
        pub fn parse(&self, today: Date) -> Result<CourseInput, AppError> {
            CourseInput::parse(&self.kind, &self.start, &self.planned_end, &self.main_goal, today)
        }
    }

    impl GoalForm {
        pub fn parse(&self) -> Result<GoalInput, AppError> {
            GoalInput::parse(&self.title, &self.description)
        }
    }

    impl PaidHoursForm {
        pub fn parse(&self) -> Result<PaidHoursInput, AppError> {
            PaidHoursInput::parse(&self.week, &self.hours)
        }
    }

    /// How far back a course's start may lie (a course lasts at most 3 years),
    /// and how far ahead, counted from today.
    pub const COURSE_START_YEARS_BACK: i16 = 5;
    pub const COURSE_START_YEARS_AHEAD: i16 = 2;

    impl CourseInput {
        /// `today` (in Copenhagen) bounds the start: a typed year 0 or 20260 is refused.
        pub fn parse(
            kind: &str,
            start: &str,
            planned_end: &str,
            main_goal: &str,
            today: Date,
        ) -> Result<Self, AppError> {
            let kind = CourseKind::parse(kind)
                .ok_or_else(|| AppError::invalid("kind", Msg::RulesCourseKindMissing))?;
            let start = parse_date(start).ok_or_else(|| AppError::invalid("start", Msg::RulesDateInvalid))?;
            let years = |n: i16| jiff::Span::new().years(n);
            let earliest = today.saturating_sub(years(COURSE_START_YEARS_BACK));
            let latest = today.saturating_add(years(COURSE_START_YEARS_AHEAD));
            if start < earliest || start > latest {
                return Err(AppError::invalid("start", Msg::RulesCourseStartOutOfRange));
            }
            let planned_end = parse_date(planned_end)
                .ok_or_else(|| AppError::invalid("planned_end", Msg::RulesDateInvalid))?;
            if planned_end <= start {
                return Err(AppError::invalid("planned_end", Msg::RulesEndBeforeStart));
            }
            let limit = add_months(&start.to_string(), kind.max_months())
                .and_then(|d| parse_date(&d))
                .ok_or(AppError::Internal)?;
            if planned_end > limit {
                return Err(AppError::invalid(
                    "planned_end",
                    match kind {
                        CourseKind::Ressourceforloeb => Msg::RulesRessourceforloebTooLong,
                        CourseKind::Jobafklaringsforloeb => Msg::RulesJobafklaringsforloebTooLong,
                    },
                ));
            }
            Ok(CourseInput {
                kind,
                start,
                planned_end,
                main_goal: optional_text("main_goal", main_goal, TEXT_MAX)?,
            })
        }

        /// The values the history compares.
        pub fn fields(&self) -> Vec<(PlanField, Option<String>)> {
            vec![
                (PlanField::CourseKind, Some(self.kind.as_str().to_string())),
                (
                    PlanField::Start,
                    Some(crate::time::format_date_numeric(&self.start.to_string())),
                ),
                (
                    PlanField::PlannedEnd,
                    Some(crate::time::format_date_numeric(&self.planned_end.to_string())),
                ),
                (PlanField::MainGoal, self.main_goal.clone()),
            ]
        }
    }

    #[derive(Clone, Debug, PartialEq)]
    pub struct GoalInput {
        pub title: String,
        pub description: Option<String>,
    }

    impl GoalInput {
        pub fn parse(title: &str, description: &str) -> Result<Self, AppError> {
            Ok(GoalInput {
                title: required_text("title", title, TITLE_MAX, Msg::RulesTitleMissing)?,
                description: optional_text("description", description, TEXT_MAX)?,
            })
        }

        pub fn fields(&self) -> Vec<(PlanField, Option<String>)> {
            vec![
                (PlanField::Title, Some(self.title.clone())),
                (PlanField::Description, self.description.clone()),
            ]
        }
    }

    #[derive(Clone, Debug, PartialEq)]
    pub struct ActivityInput {
        pub kind: ActivityKind,
        pub status: ActivityStatus,
        pub title: String,
        pub purpose: Option<String>,
        pub place: Option<String>,
        pub contact_name: Option<String>,
        pub contact_phone: Option<String>,
        pub preparation: Option<String>,
        pub starts_at: i64,
        pub ends_at: Option<i64>,
        pub hours_per_week: Option<i64>,
    }

    impl ActivityInput {
        /// `course` is the course's start and planned end: an activity lies within it.
        pub fn parse(f: &ActivityForm, course: (Date, Date)) -> Result<Self, AppError> {
            let kind = ActivityKind::parse(&f.kind)
                .ok_or_else(|| AppError::invalid("kind", Msg::RulesActivityKindMissing))?;
            let status = ActivityStatus::parse(&f.status)
                .ok_or_else(|| AppError::invalid("status", Msg::RulesStatusMissing))?;
            let title = required_text("title", &f.title, TITLE_MAX, Msg::RulesTitleMissing)?;
            let starts_at = parse_local_time(&f.starts_at)
                .ok_or_else(|| AppError::invalid("starts_at", Msg::RulesTimeInvalid))?;
            let ends_at = match f.ends_at.trim() {
                "" => None,
                raw => Some(
                    parse_local_time(raw)
                        .ok_or_else(|| AppError::invalid("ends_at", Msg::RulesTimeInvalid))?,
                ),
            };
            if ends_at.is_some_and(|e| e <= starts_at) {
                return Err(AppError::invalid("ends_at", Msg::RulesEndBeforeStart));
            }
            let day = |field: &str, ms: i64| {
                jiff::Timestamp::from_millisecond(ms)
                    .map(|ts| ts.to_zoned(copenhagen()).date())
                    .map_err(|_| AppError::invalid(field, Msg::RulesTimeInvalid))
            };
            let start_day = day("starts_at", starts_at)?;
            if start_day < course.0 || start_day > course.1 {
                return Err(AppError::invalid("starts_at", Msg::RulesOutsideCourse));
            }
            // An activity may run on a while after the planned end, not for ever.
            if let Some(end) = ends_at {
                if day("ends_at", end)? > course.1.saturating_add(jiff::Span::new().years(1)) {
                    return Err(AppError::invalid("ends_at", Msg::RulesEndOutsideCourse));
                }
            }
            let hours_per_week = match f.hours_per_week.trim() {
                "" => None,
                raw => Some(parse_hours("hours_per_week", raw)?),
            };
            Ok(ActivityInput {
                kind,
                status,
                title,
                purpose: optional_text("purpose", &f.purpose, TEXT_MAX)?,
                place: optional_text("place", &f.place, SHORT_MAX)?,
                contact_name: optional_text("contact_name", &f.contact_name, SHORT_MAX)?,
                contact_phone: optional_text("contact_phone", &f.contact_phone, SHORT_MAX)?,
                preparation: optional_text("preparation", &f.preparation, TEXT_MAX)?,
                starts_at,
                ends_at,
                hours_per_week,
            })
        }

        pub fn fields(&self) -> Vec<(PlanField, Option<String>)> {
            // Kept in the history as numbers, readable in either language.
            use crate::time::format_ms_numeric as format_ms;
            vec![
                (PlanField::ActivityKind, Some(self.kind.as_str().to_string())),
                (PlanField::Status, Some(self.status.as_str().to_string())),
                (PlanField::Title, Some(self.title.clone())),
                (PlanField::Purpose, self.purpose.clone()),
                (PlanField::Place, self.place.clone()),
                (PlanField::Contact, self.contact_name.clone()),
                (PlanField::ContactPhone, self.contact_phone.clone()),
                (PlanField::Preparation, self.preparation.clone()),
                (PlanField::StartsAt, Some(format_ms(self.starts_at))),
                (PlanField::EndsAt, self.ends_at.map(format_ms)),
                (
                    PlanField::HoursPerWeek,
                    self.hours_per_week.map(|h| h.to_string()),
                ),
            ]
        }
    }

    /// Whole hours per week, 0 to 80.
    pub fn parse_hours(field: &str, raw: &str) -> Result<i64, AppError> {
        match raw.trim().parse::<i64>() {
            Ok(h) if (0..=HOURS_MAX).contains(&h) => Ok(h),
            _ => Err(AppError::invalid(field, Msg::RulesHoursInvalid)),
        }
    }

    /// Paid hours for one week; any day in the week names the week (its Monday).
    #[derive(Clone, Debug, PartialEq)]
    pub struct PaidHoursInput {
        pub week_start: Date,
        pub hours: i64,
    }

    impl PaidHoursInput {
        pub fn parse(week: &str, hours: &str) -> Result<Self, AppError> {
            let day = parse_date(week).ok_or_else(|| AppError::invalid("week", Msg::RulesDateInvalid))?;
            let back = day.weekday().to_monday_zero_offset();
            let week_start = day
                .checked_sub(jiff::Span::new().days(back))
                .map_err(|_| AppError::invalid("week", Msg::RulesDateInvalid))?;
            Ok(PaidHoursInput {
                week_start,
                hours: parse_hours("hours", hours)?,
            })
        }

        /// The week must touch the course (`start` to planned `end`).
        pub fn check_within(&self, start: Date, end: Date) -> Result<(), AppError> {
            let week_end = self.week_start.saturating_add(jiff::Span::new().days(6));
            if week_end < start || self.week_start > end {
                return Err(AppError::invalid("week", Msg::RulesWeekOutsideCourse));
            }
            Ok(())
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        fn d(s: &str) -> Date {
            s.parse().unwrap()
        }

        fn field_of(e: AppError) -> (String, Msg) {
            match e {
                AppError::Invalid { field, problem } => (field, problem),
                other => panic!("expected Invalid, got {other:?}"),
            }
        }

        #[test]
        fn a_course_may_not_outlast_its_kind() {
            let today = d("2026-06-01");
            let ok = CourseInput::parse("ressourceforloeb", "2026-01-15", "2029-01-15", "", today).unwrap();
            assert_eq!(ok.planned_end, d("2029-01-15"));
            assert_eq!(ok.main_goal, None);
            let e =
                CourseInput::parse("ressourceforloeb", "2026-01-15", "2029-01-16", "", today).unwrap_err();
            assert_eq!(
                field_of(e),
                ("planned_end".into(), Msg::RulesRessourceforloebTooLong)
            );
            assert!(
                CourseInput::parse("jobafklaringsforloeb", "15.01.2026", "15.01.2028", "Job", today).is_ok()
            );
            let e = CourseInput::parse("jobafklaringsforloeb", "2026-01-15", "2028-01-16", "", today)
                .unwrap_err();
            assert_eq!(
                field_of(e),
                ("planned_end".into(), Msg::RulesJobafklaringsforloebTooLong)
            );
            let e =
                CourseInput::parse("ressourceforloeb", "2026-01-15", "2026-01-15", "", today).unwrap_err();
            assert_eq!(field_of(e), ("planned_end".into(), Msg::RulesEndBeforeStart));
            let e = CourseInput::parse("fleksjob", "2026-01-15", "2027-01-15", "", today).unwrap_err();
            assert_eq!(field_of(e).0, "kind");
            let e =
                CourseInput::parse("ressourceforloeb", "31.02.2026", "2027-01-15", "", today).unwrap_err();
            assert_eq!(field_of(e), ("start".into(), Msg::RulesDateInvalid));
        }

        #[test]
        fn typed_dates_stay_in_a_sensible_range() {
            let today = d("2026-06-01");
            // Year 0 and a far future year: a date, but not one for a course.
            for start in ["0000-01-15", "15.01.0", "2021-05-31", "2028-06-02", "9999-01-01"] {
                let e = CourseInput::parse("ressourceforloeb", start, "2029-01-15", "", today).unwrap_err();
                assert_eq!(
                    field_of(e),
                    ("start".into(), Msg::RulesCourseStartOutOfRange),
                    "{start}"
                );
            }
            // A negative year is no date at all, or out of range: refused on the field either way.
            for start in ["-000001-01-15", "-0001-01-15", "1.1.-1"] {
                let e = CourseInput::parse("ressourceforloeb", start, "2029-01-15", "", today).unwrap_err();
                assert_eq!(field_of(e).0, "start", "{start}");
            }
            assert!(CourseInput::parse("ressourceforloeb", "2021-06-01", "2024-06-01", "", today).is_ok());
            assert!(CourseInput::parse("ressourceforloeb", "2028-06-01", "2029-06-01", "", today).is_ok());

            // Paid hours: a week that touches the course, no other.
            let (start, end) = (d("2026-01-07"), d("2027-01-01"));
            for week in ["0000-01-03", "2025-12-31", "2027-01-04", "9999-12-01"] {
                let p = PaidHoursInput::parse(week, "5").unwrap();
                assert_eq!(
                    field_of(p.check_within(start, end).unwrap_err()),
                    ("week".into(), Msg::RulesWeekOutsideCourse),
                    "{week}"
                );
            }
            for week in ["-000005-03-01", "-0005-03-01"] {
                let refused = PaidHoursInput::parse(week, "5").and_then(|p| p.check_within(start, end));
                assert_eq!(field_of(refused.unwrap_err()).0, "week", "{week}");
            }
            for week in ["2026-01-05", "2026-06-01", "2027-01-01"] {
                assert!(
                    PaidHoursInput::parse(week, "5")
                        .unwrap()
                        .check_within(start, end)
                        .is_ok(),
                    "{week}"
                );
            }

            // An activity's end: at most a year after the course's planned end.
            let course = (d("2026-01-01"), d("2027-01-01"));
            assert!(ActivityInput::parse(&activity("2026-06-01T09:30", "2027-12-31T10:00"), course).is_ok());
            let e =
                ActivityInput::parse(&activity("2026-06-01T09:30", "3000-01-01T10:00"), course).unwrap_err();
            assert_eq!(field_of(e), ("ends_at".into(), Msg::RulesEndOutsideCourse));
            let e = ActivityInput::parse(&activity("0000-06-01T09:30", ""), course).unwrap_err();
            assert_eq!(field_of(e).0, "starts_at");
        }

        fn activity(starts: &str, ends: &str) -> ActivityForm {
            ActivityForm {
                kind: "mentor".into(),
                status: "planned".into(),
                title: "  Mentor  ".into(),
                starts_at: starts.into(),
                ends_at: ends.into(),
                ..Default::default()
            }
        }

        #[test]
        fn activity_times_are_copenhagen_time_within_the_course() {
            let course = (d("2026-01-01"), d("2027-01-01"));
            // Summer time: 09:30 in Copenhagen is 07:30 UTC.
            let a = ActivityInput::parse(&activity("2026-06-01T09:30", ""), course).unwrap();
            assert_eq!(
                a.starts_at,
                jiff::Timestamp::from_second(1_780_299_000)
                    .unwrap()
                    .as_millisecond()
            );
            assert_eq!(a.title, "Mentor");
            assert_eq!(local_time_value(a.starts_at), "2026-06-01T09:30");
            let e =
                ActivityInput::parse(&activity("2026-06-01T09:30", "2026-06-01T09:00"), course).unwrap_err();
            assert_eq!(field_of(e), ("ends_at".into(), Msg::RulesEndBeforeStart));
            let e = ActivityInput::parse(&activity("2027-02-01T09:30", ""), course).unwrap_err();
            assert_eq!(field_of(e), ("starts_at".into(), Msg::RulesOutsideCourse));
            let e = ActivityInput::parse(&activity("tomorrow", ""), course).unwrap_err();
            assert_eq!(field_of(e), ("starts_at".into(), Msg::RulesTimeInvalid));
            let mut long = activity("2026-06-01T09:30", "");
            long.title = "x".repeat(TITLE_MAX + 1);
            assert_eq!(
                field_of(ActivityInput::parse(&long, course).unwrap_err()).0,
                "title"
            );
            let mut hours = activity("2026-06-01T09:30", "");
            hours.hours_per_week = "81".into();
            assert_eq!(
                field_of(ActivityInput::parse(&hours, course).unwrap_err()),
                ("hours_per_week".into(), Msg::RulesHoursInvalid)
            );
        }

        #[test]
        fn paid_hours_belong_to_the_monday_of_their_week() {
            // 2026-11-26 is a Thursday.
            let p = PaidHoursInput::parse("2026-11-26", "12").unwrap();
            assert_eq!(p.week_start, d("2026-11-23"));
            assert_eq!(
                PaidHoursInput::parse("2026-11-23", "0").unwrap().week_start,
                d("2026-11-23")
            );
            assert!(PaidHoursInput::parse("2026-11-29", "-1").is_err());
            assert_eq!(
                PaidHoursInput::parse("2026-11-29", "8").unwrap().week_start,
                d("2026-11-23")
            );
        }
    }
}
