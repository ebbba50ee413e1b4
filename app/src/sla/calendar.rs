//! A business calendar as data: an IANA timezone name, weekly wall-clock working intervals
//! and holidays, with the JSON file format calendars are exported, imported and handed to
//! `accord sla` in:
//!
//! ```json
//! {"timezone":"Europe/Stockholm",
//!  "week":{"mon":[["08:00","12:00"],["13:00","17:00"]],"tue":[["08:00","17:00"]],"sat":[],"sun":[]},
//!  "holidays":["2026-12-24","2026-12-25"]}
//! ```
//!
//! Weekday keys are `mon`…`sun` (a missing key means no hours); each day is a sorted list of
//! non-overlapping `[start, end]` pairs of `"HH:MM"`, start strictly before end (they may
//! touch), `end` may be `"24:00"`. Holidays are whole local dates. Parsing checks everything
//! and reports each problem with the field it is in; only the timezone name is checked later,
//! where the timezone database is (the zoned calendar).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

/// The weekday keys of the file format, Monday first.
pub const WEEKDAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// Minutes in a day: the `24:00` end.
pub const DAY_MINUTES: u32 = 24 * 60;

/// One working interval of a day, in minutes after local midnight: `[start, end)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interval {
    /// Opening, 0–1439.
    pub start: u32,
    /// Closing, after `start`, at most 1440 (`24:00`).
    pub end: u32,
}

/// A checked calendar. Build one with [`Calendar::from_json`] or [`Calendar::new`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    timezone: String,
    week: [Vec<Interval>; 7],
    holidays: Vec<NaiveDate>,
    yearly: Vec<(u32, u32)>,
}

/// What is wrong with a calendar, field by field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarError {
    /// Every problem found, in the order of the input.
    pub problems: Vec<CalendarProblem>,
}

/// One problem and where it is, e.g. `week.mon[1]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarProblem {
    /// The field's path in the file format.
    pub field: String,
    /// What is wrong there.
    pub kind: ProblemKind,
}

/// The kinds of calendar problems (the UI translates them; [`std::fmt::Display`] is English).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProblemKind {
    /// Not the JSON shape expected there (object, list, string).
    Shape(String),
    /// A key the format does not have.
    UnknownKey(String),
    /// A weekday key other than `mon`…`sun`.
    UnknownWeekday(String),
    /// No timezone given.
    MissingTimezone,
    /// Not an IANA timezone name.
    UnknownTimezone(String),
    /// Not a wall-clock time `HH:MM` from `00:00` to `24:00`.
    BadTime(String),
    /// `24:00` used as a start.
    MidnightStart,
    /// The end is not after the start.
    EndNotAfterStart,
    /// Intervals of a day not in time order.
    Unsorted,
    /// Intervals of a day overlap.
    Overlap,
    /// Not a date `YYYY-MM-DD`.
    BadDate(String),
}

impl std::fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ProblemKind::Shape(what) => write!(f, "must be {what}"),
            ProblemKind::UnknownKey(k) => write!(f, "unknown key \"{k}\""),
            ProblemKind::UnknownWeekday(k) => write!(f, "unknown weekday \"{k}\" (use mon, tue, wed, thu, fri, sat, sun)"),
            ProblemKind::MissingTimezone => f.write_str("is required (an IANA name such as Europe/Stockholm)"),
            ProblemKind::UnknownTimezone(t) => write!(f, "\"{t}\" is not an IANA timezone"),
            ProblemKind::BadTime(t) => write!(f, "\"{t}\" is not a time HH:MM between 00:00 and 24:00"),
            ProblemKind::MidnightStart => f.write_str("24:00 can only end an interval"),
            ProblemKind::EndNotAfterStart => f.write_str("the end must be after the start"),
            ProblemKind::Unsorted => f.write_str("intervals must be in time order"),
            ProblemKind::Overlap => f.write_str("overlaps the interval before it"),
            ProblemKind::BadDate(d) => write!(f, "\"{d}\" is not a date YYYY-MM-DD"),
        }
    }
}

impl std::fmt::Display for CalendarError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", p.field, p.kind)?;
        }
        Ok(())
    }
}

impl std::error::Error for CalendarError {}

impl CalendarError {
    /// One problem.
    pub fn one(field: impl Into<String>, kind: ProblemKind) -> Self {
        Self { problems: vec![CalendarProblem { field: field.into(), kind }] }
    }
}

/// Parses `HH:MM` (00:00–24:00) into minutes after midnight.
pub fn parse_time(s: &str) -> Option<u32> {
    let b = s.as_bytes();
    if b.len() != 5 || b[2] != b':' || !b.iter().enumerate().all(|(i, c)| i == 2 || c.is_ascii_digit()) {
        return None;
    }
    let h = u32::from(b[0] - b'0') * 10 + u32::from(b[1] - b'0');
    let m = u32::from(b[3] - b'0') * 10 + u32::from(b[4] - b'0');
    match (h, m) {
        (24, 0) => Some(DAY_MINUTES),
        (0..=23, 0..=59) => Some(h * 60 + m),
        _ => None,
    }
}

/// Writes minutes after midnight as `HH:MM` (1440 is `24:00`).
pub fn format_time(m: u32) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// Checks one day's intervals: each start before its end, in order, not overlapping.
///
/// # Errors
/// The problems found, with `field` as the day's path.
pub fn check_day(field: &str, pairs: &[(String, String)]) -> Result<Vec<Interval>, Vec<CalendarProblem>> {
    let mut problems = Vec::new();
    let mut out: Vec<Interval> = Vec::new();
    for (i, (s, e)) in pairs.iter().enumerate() {
        let at = format!("{field}[{i}]");
        let mut bad = |kind| problems.push(CalendarProblem { field: at.clone(), kind });
        let (Some(start), Some(end)) = (parse_time(s), parse_time(e)) else {
            if parse_time(s).is_none() {
                bad(ProblemKind::BadTime(s.clone()));
            }
            if parse_time(e).is_none() {
                bad(ProblemKind::BadTime(e.clone()));
            }
            continue;
        };
        if start == DAY_MINUTES {
            bad(ProblemKind::MidnightStart);
        } else if end <= start {
            bad(ProblemKind::EndNotAfterStart);
        } else if let Some(prev) = out.last() {
            if start < prev.start {
                bad(ProblemKind::Unsorted);
            } else if start < prev.end {
                bad(ProblemKind::Overlap);
            } else {
                out.push(Interval { start, end });
            }
        } else {
            out.push(Interval { start, end });
        }
    }
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}

impl Calendar {
    /// A calendar from checked parts. Holidays are sorted and de-duplicated; `yearly` holds
    /// holidays that recur every year as (month, day).
    ///
    /// # Errors
    /// A timezone that is empty.
    pub fn new(
        timezone: &str,
        week: [Vec<Interval>; 7],
        mut holidays: Vec<NaiveDate>,
        mut yearly: Vec<(u32, u32)>,
    ) -> Result<Self, CalendarError> {
        let timezone = timezone.trim();
        if timezone.is_empty() {
            return Err(CalendarError::one("timezone", ProblemKind::MissingTimezone));
        }
        holidays.sort();
        holidays.dedup();
        yearly.retain(|(m, d)| NaiveDate::from_ymd_opt(2000, *m, *d).is_some());
        yearly.sort();
        yearly.dedup();
        Ok(Self { timezone: timezone.to_owned(), week, holidays, yearly })
    }

    /// A calendar working every hour of every day (24×7), in `timezone`.
    pub fn always(timezone: &str) -> Self {
        let day = vec![Interval { start: 0, end: DAY_MINUTES }];
        Self {
            timezone: timezone.to_owned(),
            week: std::array::from_fn(|_| day.clone()),
            holidays: Vec::new(),
            yearly: Vec::new(),
        }
    }

    /// The IANA timezone name (checked by the zoned calendar).
    pub fn timezone(&self) -> &str {
        &self.timezone
    }

    /// Working intervals per weekday, Monday first.
    pub fn week(&self) -> &[Vec<Interval>; 7] {
        &self.week
    }

    /// Dated holidays, sorted.
    pub fn holidays(&self) -> &[NaiveDate] {
        &self.holidays
    }

    /// Yearly holidays as (month, day), sorted.
    pub fn yearly(&self) -> &[(u32, u32)] {
        &self.yearly
    }

    /// Working minutes in a week without holidays.
    pub fn weekly_minutes(&self) -> u32 {
        self.week.iter().flatten().map(|i| i.end - i.start).sum()
    }

    /// True when the calendar has some working time at all.
    pub fn has_working_time(&self) -> bool {
        self.weekly_minutes() > 0
    }

    /// True when every minute of every day is working time and there are no holidays.
    pub fn is_24x7(&self) -> bool {
        self.holidays.is_empty()
            && self.yearly.is_empty()
            && self.week.iter().all(|d| d.len() == 1 && d[0].start == 0 && d[0].end == DAY_MINUTES)
    }

    /// Parses the file format (see the module docs).
    ///
    /// # Errors
    /// Every problem found, each with its field.
    pub fn from_json(v: &Value) -> Result<Self, CalendarError> {
        let mut problems = Vec::new();
        let shape = |field: &str, what: &str| CalendarProblem { field: field.to_owned(), kind: ProblemKind::Shape(what.to_owned()) };
        let Some(obj) = v.as_object() else {
            return Err(CalendarError { problems: vec![shape("calendar", "an object")] });
        };
        for k in obj.keys() {
            if !matches!(k.as_str(), "timezone" | "week" | "holidays") {
                problems.push(CalendarProblem { field: k.clone(), kind: ProblemKind::UnknownKey(k.clone()) });
            }
        }
        let timezone = match obj.get("timezone") {
            Some(Value::String(s)) if !s.trim().is_empty() => s.trim().to_owned(),
            Some(Value::String(_)) | None => {
                problems.push(CalendarProblem { field: "timezone".into(), kind: ProblemKind::MissingTimezone });
                String::new()
            }
            Some(_) => {
                problems.push(shape("timezone", "a string"));
                String::new()
            }
        };
        let mut week: [Vec<Interval>; 7] = Default::default();
        match obj.get("week") {
            None => {}
            Some(Value::Object(days)) => {
                for (key, day) in days {
                    let field = format!("week.{key}");
                    let Some(idx) = WEEKDAYS.iter().position(|d| d == key) else {
                        problems.push(CalendarProblem { field, kind: ProblemKind::UnknownWeekday(key.clone()) });
                        continue;
                    };
                    match pairs(&field, day) {
                        Ok(ps) => match check_day(&field, &ps) {
                            Ok(iv) => week[idx] = iv,
                            Err(mut ps) => problems.append(&mut ps),
                        },
                        Err(p) => problems.push(p),
                    }
                }
            }
            Some(_) => problems.push(shape("week", "an object with keys mon…sun")),
        }
        let mut holidays = Vec::new();
        match obj.get("holidays") {
            None => {}
            Some(Value::Array(list)) => {
                for (i, h) in list.iter().enumerate() {
                    let field = format!("holidays[{i}]");
                    match h.as_str().map(|s| (s, NaiveDate::parse_from_str(s, "%Y-%m-%d"))) {
                        Some((_, Ok(d))) if d.year() >= 0 && d.year() <= 9999 => holidays.push(d),
                        Some((s, _)) => problems.push(CalendarProblem { field, kind: ProblemKind::BadDate(s.to_owned()) }),
                        None => problems.push(shape(&field, "a date string YYYY-MM-DD")),
                    }
                }
            }
            Some(_) => problems.push(shape("holidays", "a list of dates")),
        }
        if !problems.is_empty() {
            return Err(CalendarError { problems });
        }
        Calendar::new(&timezone, week, holidays, Vec::new())
    }

    /// The file format. Yearly holidays are written as one date per year for `years`.
    pub fn to_json(&self, years: std::ops::RangeInclusive<i32>) -> Value {
        let mut week = Map::new();
        for (key, day) in WEEKDAYS.iter().zip(&self.week) {
            let list: Vec<Value> = day.iter().map(|i| json!([format_time(i.start), format_time(i.end)])).collect();
            week.insert((*key).to_owned(), Value::Array(list));
        }
        let mut dates = self.holidays.clone();
        for y in years {
            dates.extend(self.yearly.iter().filter_map(|(m, d)| NaiveDate::from_ymd_opt(y, *m, *d)));
        }
        dates.sort();
        dates.dedup();
        let holidays: Vec<Value> = dates.iter().map(|d| Value::String(d.format("%Y-%m-%d").to_string())).collect();
        json!({ "timezone": self.timezone, "week": week, "holidays": holidays })
    }
}

/// A day's `[["08:00","17:00"], …]` as string pairs.
fn pairs(field: &str, v: &Value) -> Result<Vec<(String, String)>, CalendarProblem> {
    let bad = || CalendarProblem { field: field.to_owned(), kind: ProblemKind::Shape("a list of [\"HH:MM\", \"HH:MM\"] pairs".to_owned()) };
    let list = v.as_array().ok_or_else(bad)?;
    list.iter()
        .map(|p| match p.as_array().map(Vec::as_slice) {
            Some([Value::String(s), Value::String(e)]) => Ok((s.clone(), e.clone())),
            _ => Err(bad()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(v: Value) -> Vec<(String, ProblemKind)> {
        Calendar::from_json(&v).unwrap_err().problems.into_iter().map(|p| (p.field, p.kind)).collect()
    }

    #[test]
    fn times_parse_from_midnight_to_24_00_only() {
        assert_eq!(parse_time("00:00"), Some(0));
        assert_eq!(parse_time("08:30"), Some(510));
        assert_eq!(parse_time("23:59"), Some(1439));
        assert_eq!(parse_time("24:00"), Some(1440));
        for bad in ["24:01", "25:00", "8:00", "08:60", "0800", "08:0a", "", "-1:00", "08:00 "] {
            assert_eq!(parse_time(bad), None, "{bad}");
        }
        assert_eq!(format_time(1440), "24:00");
        assert_eq!(format_time(65), "01:05");
    }

    #[test]
    fn a_valid_file_parses_and_round_trips() {
        let v = json!({"timezone":"Europe/Stockholm","week":{"mon":[["08:00","12:00"],["12:00","17:00"]],"fri":[["20:00","24:00"]],"sat":[]},
            "holidays":["2026-12-25","2026-12-24","2026-12-24"]});
        let c = Calendar::from_json(&v).unwrap();
        assert_eq!(c.week()[0], vec![Interval { start: 480, end: 720 }, Interval { start: 720, end: 1020 }]);
        assert_eq!(c.week()[4], vec![Interval { start: 1200, end: 1440 }]);
        assert!(c.week()[1].is_empty());
        assert_eq!(c.holidays().len(), 2);
        assert_eq!(c.weekly_minutes(), 540 + 240);
        let back = Calendar::from_json(&c.to_json(2026..=2026)).unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn each_problem_is_reported_with_its_field() {
        assert_eq!(
            problems(json!({"timezone":"Europe/Stockholm","week":{"mon":[["09:00","08:00"]],"tue":[["08:00","25:00"]],
                "wed":[["13:00","17:00"],["08:00","12:00"]],"thu":[["08:00","12:00"],["11:00","17:00"]],"fri":[["24:00","24:00"]],
                "funday":[]},"holidays":["2026-02-30"],"extra":1})),
            vec![
                ("extra".into(), ProblemKind::UnknownKey("extra".into())),
                ("week.fri[0]".into(), ProblemKind::MidnightStart),
                ("week.funday".into(), ProblemKind::UnknownWeekday("funday".into())),
                ("week.mon[0]".into(), ProblemKind::EndNotAfterStart),
                ("week.thu[1]".into(), ProblemKind::Overlap),
                ("week.tue[0]".into(), ProblemKind::BadTime("25:00".into())),
                ("week.wed[1]".into(), ProblemKind::Unsorted),
                ("holidays[0]".into(), ProblemKind::BadDate("2026-02-30".into())),
            ]
        );
        assert_eq!(problems(json!({"week":{}})), vec![("timezone".into(), ProblemKind::MissingTimezone)]);
        assert_eq!(problems(json!([1])), vec![("calendar".into(), ProblemKind::Shape("an object".into()))]);
        assert!(matches!(problems(json!({"timezone":"UTC","week":{"mon":[["08:00"]]}}))[0].1, ProblemKind::Shape(_)));
    }

    #[test]
    fn yearly_holidays_export_as_each_years_date() {
        let c = Calendar::new("UTC", Default::default(), vec![], vec![(12, 25), (2, 29)]).unwrap();
        let v = c.to_json(2027..=2028);
        assert_eq!(v["holidays"], json!(["2027-12-25", "2028-02-29", "2028-12-25"]));
    }

    #[test]
    fn always_is_24x7() {
        assert!(Calendar::always("UTC").is_24x7());
        assert_eq!(Calendar::always("UTC").weekly_minutes(), 7 * 1440);
    }
}
