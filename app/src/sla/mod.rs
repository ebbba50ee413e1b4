//! The SLA engine: business calendars, business-time arithmetic and SLA clocks computed from a
//! ticket's events. Pure (no I/O, time comes in as arguments) and shared by the server, the
//! `accord sla` CLI and the browser.
//!
//! The split that keeps the browser small:
//! - [`spans`] counts business time over UTC working spans (`due`, `elapsed`). It needs no
//!   timezone database and is what the browser runs for live countdowns.
//! - [`calendar`] is a calendar as data (timezone name, weekly wall-clock intervals, holidays),
//!   its file format and its validation.
//! - `zoned` (server and CLI only, feature `tz`) turns a calendar and its timezone into UTC
//!   working spans, lazily and in order, for the span counting above.
//! - [`clock`] replays a ticket's events against a policy into its clocks; the server, the CLI
//!   and the ticket page call this one function.
//!
//! # Conventions
//! - All SLA arithmetic works in whole seconds: instants are truncated to the second before any
//!   of it (see [`truncate`]).
//! - An instant is business time when its local date (in the calendar's timezone, whatever
//!   offset the input was written in) is not a holiday and its local wall-clock time `t`
//!   satisfies `start <= t < end` for an interval of that weekday. Across DST this follows the
//!   wall clock: a skipped hour is not counted, a repeated hour is counted twice, and on a
//!   fall-back day one interval can be two separate spans. `24:00` as an end covers the rest of
//!   that local date.
//! - `due(start, d)` is the earliest instant `t >= start` with exactly `d` of business time in
//!   `[start, t]`: a start outside working hours starts counting at the next opening, a due that
//!   lands exactly at the end of an interval is that end (not the next opening), and a zero
//!   duration is due at `start` itself.
//! - `elapsed(from, to)` needs `from <= to`; on a calendar with no working time it is 0. A
//!   positive duration on a calendar with no working time is an error, never a hang.
//! - Cost grows with the weeks, holidays and offset changes crossed, not with minutes: whole
//!   regular weeks (no holiday, no offset change) are counted in one step.

pub mod calendar;
pub mod clock;
pub mod spans;
#[cfg(all(test, feature = "tz"))]
mod tests;
#[cfg(feature = "tz")]
pub mod zoned;

pub use calendar::{Calendar, CalendarError};
pub use clock::{Clock, ClockState, Event, EventKind, Policy, Target, replay};
pub use spans::{BusinessTime, Span, SpanList};

use chrono::{DateTime, SubsecRound, Utc};

/// Truncates an instant to the whole second, as every SLA computation does first.
pub fn truncate(t: DateTime<Utc>) -> DateTime<Utc> {
    t.trunc_subsecs(0)
}

/// Reads an RFC 3339 instant with any offset, truncated to the second.
///
/// # Errors
/// A message for anything else.
pub fn parse_instant(s: &str) -> Result<DateTime<Utc>, String> {
    DateTime::parse_from_rfc3339(s.trim())
        .map(|t| truncate(t.with_timezone(&Utc)))
        .map_err(|_| format!("\"{s}\" is not an RFC 3339 instant (e.g. 2026-12-01T09:30:00+01:00)"))
}

/// Writes an instant as RFC 3339 in UTC with `Z`, to the second.
pub fn format_instant(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// The instant `s` seconds after the Unix epoch.
///
/// # Errors
/// [`SlaError::OutOfRange`] outside the years 0000–9999.
pub fn instant(s: i64) -> Result<DateTime<Utc>, SlaError> {
    if !(MIN_INSTANT..MAX_INSTANT).contains(&s) {
        return Err(SlaError::OutOfRange);
    }
    DateTime::from_timestamp(s, 0).ok_or(SlaError::OutOfRange)
}

/// 0000-01-01T00:00:00Z: the earliest instant RFC 3339 can write.
pub const MIN_INSTANT: i64 = -62_167_219_200;
/// 10000-01-01T00:00:00Z: one second past the latest instant RFC 3339 can write.
pub const MAX_INSTANT: i64 = 253_402_300_800;

/// Why an SLA computation has no answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
pub enum SlaError {
    /// A positive duration on a calendar that never works.
    #[error("the calendar has no working time")]
    NoWorkingTime,
    /// `elapsed` with `from` after `to`.
    #[error("from is after to")]
    FromAfterTo,
    /// A negative duration.
    #[error("duration is negative")]
    NegativeDuration,
    /// The answer would lie outside the years 0000–9999.
    #[error("the result is outside the years 0000-9999")]
    OutOfRange,
    /// A span list (as the browser has) does not reach far enough for the question.
    #[error("outside the known working spans")]
    OutsideWindow,
}
