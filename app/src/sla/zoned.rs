//! A calendar in its timezone: turns weekly wall-clock intervals and holidays into UTC working
//! spans, lazily and in time order, for the shared span counting ([`super::spans`]). Server and
//! CLI only (it needs the timezone database, which the browser budget has no room for).
//!
//! How: UTC time is cut into offset periods (stretches with one UTC offset, found from the
//! timezone database and cached per zone and year). Inside a period wall-clock time is UTC plus
//! the offset, so the working intervals of each local date map to UTC by subtraction; at a
//! period's edge a span is cut, which is exactly the wall-clock convention (a skipped hour has
//! no instants, a repeated hour has two sets). Whole local weeks inside one period with no
//! holiday are handed out as one stretch of known working time.
//!
//! chrono-tz's tables end in 2100; after that a zone keeps its last offset, here as there.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use chrono::{Datelike, NaiveDate, Offset, TimeZone};
use chrono_tz::Tz;

use super::calendar::{Calendar, CalendarError, ProblemKind};
use super::spans::{self, BusinessTime, Piece, Span, SpanList, SpanSource};
use super::{MAX_INSTANT, MIN_INSTANT, SlaError};

const DAY: i64 = 86_400;
const WEEK: i64 = 7 * DAY;
/// The last year with offset changes in chrono-tz's tables.
const LAST_TABLE_YEAR: i64 = 2100;

/// A checked calendar with its timezone resolved, ready for arithmetic.
#[derive(Clone, Debug)]
pub struct ZonedCalendar {
    tz: Tz,
    /// Per weekday (Monday first), `[start, end)` in seconds after local midnight.
    week: [Vec<(i64, i64)>; 7],
    weekly: i64,
    /// Holidays as local day numbers (days since 1970-01-01), sorted.
    holidays: Vec<i64>,
    yearly: Vec<(u32, u32)>,
    always: bool,
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date (year, month, day) of a day number.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { yoe + era * 400 + 1 } else { yoe + era * 400 }, m, d)
}

/// Monday 0 … Sunday 6 of a day number.
fn weekday(day: i64) -> usize {
    (day + 3).rem_euclid(7) as usize
}

/// Offset changes of one zone in one UTC year.
struct YearTable {
    start_offset: i64,
    /// (first instant with the new offset, the new offset), in order.
    changes: Vec<(i64, i64)>,
}

fn offset_at(tz: Tz, u: i64) -> i64 {
    match chrono::DateTime::from_timestamp(u, 0) {
        Some(t) => i64::from(tz.offset_from_utc_datetime(&t.naive_utc()).fix().local_minus_utc()),
        None => 0,
    }
}

fn year_table(tz: Tz, year: i64) -> Arc<YearTable> {
    static CACHE: OnceLock<Mutex<HashMap<(Tz, i64), Arc<YearTable>>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(t) = cache.lock().ok().and_then(|c| c.get(&(tz, year)).cloned()) {
        return t;
    }
    let start = days_from_civil(year, 1, 1) * DAY;
    let end = days_from_civil(year + 1, 1, 1) * DAY;
    let start_offset = offset_at(tz, start);
    let mut changes = Vec::new();
    let mut prev = start_offset;
    let mut t = start;
    // Offsets change at most a few times a year and never twice within a day: step by days,
    // then find the exact second by bisection.
    while t < end {
        let next = (t + DAY).min(end);
        let off = offset_at(tz, next - 1);
        if off != prev {
            let (mut lo, mut hi) = (t, next - 1);
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if offset_at(tz, mid) == prev { lo = mid } else { hi = mid }
            }
            changes.push((hi, off));
            prev = off;
        }
        t = next;
    }
    let table = Arc::new(YearTable { start_offset, changes });
    if let Ok(mut c) = cache.lock() {
        c.insert((tz, year), table.clone());
    }
    table
}

/// The offset in force at `u` and the end of the period it is in force for (exclusive; it may
/// end at a year boundary with the same offset continuing).
fn period(tz: Tz, u: i64) -> (i64, i64) {
    let (year, ..) = civil_from_days(u.div_euclid(DAY));
    if year > LAST_TABLE_YEAR {
        return (offset_at(tz, u), MAX_INSTANT);
    }
    let table = year_table(tz, year);
    let i = table.changes.partition_point(|(at, _)| *at <= u);
    let offset = if i == 0 { table.start_offset } else { table.changes[i - 1].1 };
    let end = table.changes.get(i).map_or_else(|| days_from_civil(year + 1, 1, 1) * DAY, |(at, _)| *at);
    (offset, end)
}

impl ZonedCalendar {
    /// Resolves the calendar's timezone.
    ///
    /// # Errors
    /// `timezone`: not an IANA name.
    pub fn new(cal: &Calendar) -> Result<Self, CalendarError> {
        let tz: Tz = cal
            .timezone()
            .parse()
            .map_err(|_| CalendarError::one("timezone", ProblemKind::UnknownTimezone(cal.timezone().to_owned())))?;
        let week: [Vec<(i64, i64)>; 7] =
            std::array::from_fn(|d| cal.week()[d].iter().map(|i| (i64::from(i.start) * 60, i64::from(i.end) * 60)).collect());
        let weekly = week.iter().flatten().map(|(s, e)| e - s).sum();
        let holidays = cal.holidays().iter().map(|d| days_from_civil(i64::from(d.year()), d.month(), d.day())).collect();
        Ok(Self { tz, week, weekly, holidays, yearly: cal.yearly().to_vec(), always: cal.is_24x7() })
    }

    /// The timezone.
    pub fn tz(&self) -> Tz {
        self.tz
    }

    fn is_holiday(&self, day: i64) -> bool {
        if self.holidays.binary_search(&day).is_ok() {
            return true;
        }
        if self.yearly.is_empty() {
            return false;
        }
        let (_, m, d) = civil_from_days(day);
        self.yearly.binary_search(&(m, d)).is_ok()
    }

    /// The first holiday on or after `day`, if any before the end of time.
    fn next_holiday(&self, day: i64) -> i64 {
        let dated = self.holidays.get(self.holidays.partition_point(|h| *h < day)).copied().unwrap_or(i64::MAX);
        let (y, ..) = civil_from_days(day);
        let yearly = self
            .yearly
            .iter()
            .filter_map(|(m, d)| {
                // Within nine years even 29 February comes round.
                (y..y + 9).find_map(|yy| {
                    NaiveDate::from_ymd_opt(yy as i32, *m, *d)
                        .map(|_| days_from_civil(yy, *m, *d))
                        .filter(|h| *h >= day)
                })
            })
            .min()
            .unwrap_or(i64::MAX);
        dated.min(yearly)
    }

    /// A source of working spans from `at` on.
    pub fn source(&self, at: i64) -> ZonedSource<'_> {
        ZonedSource { cal: self, u: at, offset: 0, period_end: at }
    }

    /// Working spans inside `[from, to)`, merged where they touch: what the browser gets for
    /// its countdowns.
    ///
    /// # Errors
    /// [`SlaError::FromAfterTo`]; [`SlaError::OutOfRange`].
    pub fn span_list(&self, from: i64, to: i64) -> Result<SpanList, SlaError> {
        if from > to {
            return Err(SlaError::FromAfterTo);
        }
        let mut src = self.source(from);
        let mut spans: Vec<Span> = Vec::new();
        while let Some(p) = src.next_piece(0, to)? {
            let Piece::Span(s) = p else { continue };
            if s.from >= to {
                break;
            }
            let s = Span { from: s.from, to: s.to.min(to) };
            match spans.last_mut() {
                Some(last) if last.to == s.from => last.to = s.to,
                _ => spans.push(s),
            }
        }
        Ok(SpanList { spans, window_from: from, window_to: to })
    }
}

impl BusinessTime for ZonedCalendar {
    fn due(&self, start: i64, secs: i64) -> Result<i64, SlaError> {
        if secs > 0 && self.weekly == 0 {
            return Err(SlaError::NoWorkingTime);
        }
        match spans::due(&mut self.source(start), start, secs) {
            // The calendar works, so running dry means the year 9999 was passed.
            Err(SlaError::NoWorkingTime) => Err(SlaError::OutOfRange),
            r => r,
        }
    }

    fn elapsed(&self, from: i64, to: i64) -> Result<i64, SlaError> {
        spans::elapsed(&mut self.source(from), from, to)
    }

    fn always_open(&self) -> bool {
        self.always
    }
}

/// Working spans of a zoned calendar, from a position on.
pub struct ZonedSource<'a> {
    cal: &'a ZonedCalendar,
    u: i64,
    offset: i64,
    period_end: i64,
}

impl SpanSource for ZonedSource<'_> {
    fn next_piece(&mut self, max_business: i64, until: i64) -> Result<Option<Piece>, SlaError> {
        let cal = self.cal;
        if cal.weekly == 0 {
            return Ok(None);
        }
        loop {
            if self.u >= MAX_INSTANT {
                return Ok(None);
            }
            if self.u < MIN_INSTANT {
                return Err(SlaError::OutOfRange);
            }
            if self.u >= self.period_end {
                (self.offset, self.period_end) = period(cal.tz, self.u);
            }
            let off = self.offset;
            let w = self.u + off;
            let wend = self.period_end + off;
            let day = w.div_euclid(DAY);
            let day_start = day * DAY;
            // Whole regular weeks in one step.
            if w == day_start && weekday(day) == 0 && max_business > cal.weekly {
                let mut k = (wend - day_start) / WEEK;
                k = k.min((max_business - 1) / cal.weekly);
                if until != i64::MAX {
                    k = k.min((until - self.u).max(0) / WEEK);
                }
                k = k.min((cal.next_holiday(day) - day) / 7);
                if k >= 1 {
                    self.u += k * WEEK;
                    return Ok(Some(Piece::Stretch { to: self.u, business: k * cal.weekly }));
                }
            }
            if !cal.is_holiday(day) {
                for &(s, e) in &cal.week[weekday(day)] {
                    let a = (day_start + s).max(w);
                    let b = (day_start + e).min(wend);
                    if a < b {
                        self.u = b - off;
                        return Ok(Some(Piece::Span(Span { from: a - off, to: b - off })));
                    }
                }
            }
            self.u = (day_start + DAY - off).min(self.period_end);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sla::calendar::Interval;
    use chrono::{DateTime, Utc};

    fn t(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s).unwrap().timestamp()
    }

    fn iso(s: i64) -> String {
        DateTime::<Utc>::from_timestamp(s, 0).unwrap().format("%Y-%m-%dT%H:%M:%SZ").to_string()
    }

    fn office(tz: &str, holidays: &[&str]) -> ZonedCalendar {
        let day = vec![Interval { start: 8 * 60, end: 17 * 60 }];
        let week = [day.clone(), day.clone(), day.clone(), day.clone(), day, vec![], vec![]];
        let hs = holidays.iter().map(|h| NaiveDate::parse_from_str(h, "%Y-%m-%d").unwrap()).collect();
        ZonedCalendar::new(&Calendar::new(tz, week, hs, vec![]).unwrap()).unwrap()
    }

    #[test]
    fn civil_dates_round_trip() {
        for z in [-719_468, -1, 0, 1, 59, 60, 10_957, 20_000, 2_932_896] {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
            let nd = NaiveDate::from_ymd_opt(y as i32, m, d).unwrap();
            assert_eq!(nd.signed_duration_since(NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()).num_days(), z);
        }
        assert_eq!(weekday(4), 0); // 1970-01-05 was a Monday
    }

    #[test]
    fn a_start_outside_hours_counts_from_the_next_opening() {
        let c = office("Europe/Stockholm", &[]);
        // Saturday 2026-11-28 → Monday 08:00 CET (07:00Z) + 1h.
        assert_eq!(iso(c.due(t("2026-11-28T12:00:00Z"), 3600).unwrap()), "2026-11-30T08:00:00Z");
        // Exactly at an interval's end: that end, not the next opening.
        assert_eq!(iso(c.due(t("2026-11-30T07:00:00Z"), 9 * 3600).unwrap()), "2026-11-30T16:00:00Z");
        assert_eq!(iso(c.due(t("2026-11-30T07:00:00Z"), 9 * 3600 + 1).unwrap()), "2026-12-01T07:00:01Z");
        // Zero is due at the start itself, even out of hours.
        assert_eq!(iso(c.due(t("2026-11-28T12:00:00Z"), 0).unwrap()), "2026-11-28T12:00:00Z");
    }

    #[test]
    fn holidays_are_skipped_and_the_input_offset_does_not_matter() {
        let c = office("Europe/Stockholm", &["2026-12-24", "2026-12-25"]);
        // Wednesday 23rd 16:00 local (15:00Z) + 2h → Monday 28th 09:00 local.
        assert_eq!(iso(c.due(t("2026-12-23T16:00:00+01:00"), 7200).unwrap()), "2026-12-28T08:00:00Z");
        assert_eq!(c.due(t("2026-12-23T10:00:00-05:00"), 60), c.due(t("2026-12-23T15:00:00Z"), 60));
        assert_eq!(c.elapsed(t("2026-12-23T00:00:00Z"), t("2026-12-29T00:00:00Z")), Ok(9 * 3600 * 2));
    }

    #[test]
    fn dst_follows_the_wall_clock() {
        // Stockholm springs forward 2026-03-29 02:00→03:00 and falls back 2026-10-25 03:00→02:00.
        let night = vec![Interval { start: 60, end: 240 }];
        let cal = Calendar::new("Europe/Stockholm", std::array::from_fn(|_| night.clone()), vec![], vec![]).unwrap();
        let c = ZonedCalendar::new(&cal).unwrap();
        let day = |d: &str| c.elapsed(t(&format!("{d}T00:00:00Z")) - 7200, t(&format!("{d}T00:00:00Z")) + DAY - 7200).unwrap();
        assert_eq!(day("2026-03-28"), 3 * 3600);
        assert_eq!(day("2026-03-29"), 2 * 3600, "the skipped hour is not counted");
        assert_eq!(day("2026-10-25"), 4 * 3600, "the repeated hour counts twice");
        let list = c.span_list(t("2026-10-24T22:00:00Z"), t("2026-10-25T22:00:00Z")).unwrap();
        // 01:00–04:00 local on the fall-back day is one run of UTC time: 23:00Z–03:00Z.
        assert_eq!(list.spans, vec![Span { from: t("2026-10-24T23:00:00Z"), to: t("2026-10-25T03:00:00Z") }]);
    }

    #[test]
    fn long_targets_cross_weeks_in_steps_and_agree_with_short_steps() {
        let c = office("America/New_York", &["2026-07-03", "2026-11-26", "2026-12-25"]);
        let start = t("2026-01-05T09:00:00-05:00");
        let long = c.due(start, 2000 * 3600).unwrap();
        // The same in 200 steps of 10 hours.
        let mut at = start;
        for _ in 0..200 {
            at = c.due(at, 10 * 3600).unwrap();
        }
        assert_eq!(long, at);
        assert_eq!(c.elapsed(start, long), Ok(2000 * 3600));
    }

    #[test]
    fn no_working_time_is_an_error_for_due_and_zero_for_elapsed() {
        let c = ZonedCalendar::new(&Calendar::new("UTC", Default::default(), vec![], vec![]).unwrap()).unwrap();
        assert_eq!(c.due(0, 60), Err(SlaError::NoWorkingTime));
        assert_eq!(c.due(0, 0), Ok(0));
        assert_eq!(c.elapsed(0, 10 * WEEK), Ok(0));
        assert_eq!(c.elapsed(10, 0), Err(SlaError::FromAfterTo));
    }

    #[test]
    fn unknown_timezones_are_refused() {
        let err = ZonedCalendar::new(&Calendar::always("Mars/Olympus")).unwrap_err();
        assert_eq!(err.problems[0].kind, ProblemKind::UnknownTimezone("Mars/Olympus".into()));
    }

    #[test]
    fn yearly_holidays_recur() {
        let day = vec![Interval { start: 0, end: DAY_MIN }];
        let cal = Calendar::new("UTC", std::array::from_fn(|_| day.clone()), vec![], vec![(12, 25)]).unwrap();
        let c = ZonedCalendar::new(&cal).unwrap();
        assert_eq!(c.elapsed(t("2030-12-25T00:00:00Z"), t("2030-12-26T00:00:00Z")), Ok(0));
        assert_eq!(c.elapsed(t("2030-01-01T00:00:00Z"), t("2032-01-01T00:00:00Z")), Ok((365 + 365 - 2) * DAY));
    }

    const DAY_MIN: u32 = 1440;

    #[test]
    fn zone_offsets_stay_fixed_after_the_tables_end() {
        for tz in chrono_tz::TZ_VARIANTS {
            let a = offset_at(tz, days_from_civil(LAST_TABLE_YEAR + 1, 1, 1) * DAY);
            let b = offset_at(tz, days_from_civil(LAST_TABLE_YEAR + 1, 7, 1) * DAY);
            let c = offset_at(tz, days_from_civil(3000, 7, 1) * DAY);
            assert!(a == b && b == c, "{tz:?} still changes offset after {LAST_TABLE_YEAR}");
        }
    }

    #[test]
    fn far_future_dues_are_out_of_range_not_a_hang() {
        let one_minute_a_week = {
            let mut week: [Vec<Interval>; 7] = Default::default();
            week[0] = vec![Interval { start: 600, end: 601 }];
            ZonedCalendar::new(&Calendar::new("Europe/Stockholm", week, vec![], vec![(1, 1)]).unwrap()).unwrap()
        };
        assert_eq!(one_minute_a_week.due(t("2026-01-01T00:00:00Z"), 10_000_000 * 60), Err(SlaError::OutOfRange));
        let c = one_minute_a_week.due(t("2026-01-01T00:00:00Z"), 100_000 * 60).unwrap();
        assert!(c > t("3900-01-01T00:00:00Z"));
    }
}
