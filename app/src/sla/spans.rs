//! Counting business time over UTC working spans: the part of the arithmetic the server and
//! the browser share. It knows nothing of timezones; a [`SpanSource`] hands it the working
//! spans in order (the server's zoned calendar makes them lazily, the browser gets a
//! [`SpanList`] from the server), and whole regular weeks may come as one [`Piece::Stretch`]
//! so a long target costs about what a short one does.

use serde::{Deserialize, Serialize};

use super::SlaError;

/// Working time in UTC seconds since the epoch: `[from, to)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Span {
    /// First second of working time.
    pub from: i64,
    /// First second after it.
    pub to: i64,
}

/// What a source yields next, in time order, never before the position it was opened at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece {
    /// One working span (clipped to the source's opening position).
    Span(Span),
    /// Everything from the end of the previous piece (or the opening position) up to `to`,
    /// summarised: it holds `business` seconds of working time.
    Stretch {
        /// Where the stretch ends (exclusive).
        to: i64,
        /// Working seconds inside it.
        business: i64,
    },
}

/// Working spans in time order, starting at the position the source was opened at.
pub trait SpanSource {
    /// The next piece, or `None` when there is no more working time to be had.
    ///
    /// A source may summarise whole stretches ([`Piece::Stretch`]) only when the stretch holds
    /// less than `max_business` seconds of work and ends at or before `until`; otherwise it
    /// yields spans.
    ///
    /// # Errors
    /// [`SlaError::OutsideWindow`] when the source cannot tell (a span list that ends).
    fn next_piece(&mut self, max_business: i64, until: i64) -> Result<Option<Piece>, SlaError>;
}

/// The earliest instant `t >= start` with exactly `secs` of working time in `[start, t]`,
/// from a source opened at `start`.
///
/// # Errors
/// [`SlaError::NegativeDuration`]; [`SlaError::NoWorkingTime`] when the source runs dry;
/// whatever the source reports.
pub fn due(src: &mut impl SpanSource, start: i64, secs: i64) -> Result<i64, SlaError> {
    if secs < 0 {
        return Err(SlaError::NegativeDuration);
    }
    if secs == 0 {
        return Ok(start);
    }
    let mut left = secs;
    while let Some(piece) = src.next_piece(left, i64::MAX)? {
        match piece {
            Piece::Stretch { business, .. } => left -= business,
            Piece::Span(s) => {
                let from = s.from.max(start);
                if s.to <= from {
                    continue;
                }
                let len = s.to - from;
                if len >= left {
                    return Ok(from + left);
                }
                left -= len;
            }
        }
    }
    Err(SlaError::NoWorkingTime)
}

/// Working seconds in `[from, to)`, from a source opened at `from`.
///
/// # Errors
/// [`SlaError::FromAfterTo`]; whatever the source reports.
pub fn elapsed(src: &mut impl SpanSource, from: i64, to: i64) -> Result<i64, SlaError> {
    if from > to {
        return Err(SlaError::FromAfterTo);
    }
    let mut total = 0;
    while let Some(piece) = src.next_piece(i64::MAX, to)? {
        match piece {
            Piece::Stretch { business, .. } => total += business,
            Piece::Span(s) => {
                if s.from >= to {
                    break;
                }
                total += (s.to.min(to) - s.from.max(from)).max(0);
                if s.to >= to {
                    break;
                }
            }
        }
    }
    Ok(total)
}

/// Business-time questions, answered by a zoned calendar on the server or a span list in the
/// browser. Instants are UTC seconds since the epoch.
pub trait BusinessTime {
    /// See [`due`].
    ///
    /// # Errors
    /// As [`due`].
    fn due(&self, start: i64, secs: i64) -> Result<i64, SlaError>;

    /// See [`elapsed`].
    ///
    /// # Errors
    /// As [`elapsed`].
    fn elapsed(&self, from: i64, to: i64) -> Result<i64, SlaError>;

    /// True when the calendar works around the clock (every second is business time), so
    /// warnings need not wait for an opening.
    fn always_open(&self) -> bool {
        false
    }
}

/// Working spans the server computed for a window `[window_from, window_to)`, as the browser
/// receives them for live countdowns: no timezone database needed to count over them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpanList {
    /// Sorted, disjoint spans inside the window.
    pub spans: Vec<Span>,
    /// Start of the window the spans describe.
    pub window_from: i64,
    /// End of that window (exclusive).
    pub window_to: i64,
}

/// A cursor over a [`SpanList`].
pub struct ListSource<'a> {
    list: &'a SpanList,
    at: i64,
    idx: usize,
}

impl SpanList {
    /// A source positioned at `at`.
    pub fn source(&self, at: i64) -> ListSource<'_> {
        let idx = self.spans.partition_point(|s| s.to <= at);
        ListSource { list: self, at, idx }
    }
}

impl SpanSource for ListSource<'_> {
    fn next_piece(&mut self, _max: i64, until: i64) -> Result<Option<Piece>, SlaError> {
        if self.at < self.list.window_from {
            return Err(SlaError::OutsideWindow);
        }
        match self.list.spans.get(self.idx) {
            Some(s) => {
                self.idx += 1;
                Ok(Some(Piece::Span(Span { from: s.from.max(self.at), to: s.to })))
            }
            // Past the last span: only an answer if the question ends inside the window.
            None if until <= self.list.window_to => Ok(None),
            None => Err(SlaError::OutsideWindow),
        }
    }
}

impl BusinessTime for SpanList {
    fn due(&self, start: i64, secs: i64) -> Result<i64, SlaError> {
        match due(&mut self.source(start), start, secs) {
            Err(SlaError::NoWorkingTime) => Err(SlaError::OutsideWindow),
            r => r,
        }
    }

    fn elapsed(&self, from: i64, to: i64) -> Result<i64, SlaError> {
        if to > self.window_to {
            return Err(SlaError::OutsideWindow);
        }
        elapsed(&mut self.source(from), from, to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list() -> SpanList {
        SpanList { spans: vec![Span { from: 10, to: 20 }, Span { from: 30, to: 40 }], window_from: 0, window_to: 100 }
    }

    #[test]
    fn due_counts_across_spans_and_lands_on_a_span_end() {
        let l = list();
        assert_eq!(l.due(0, 0), Ok(0));
        assert_eq!(l.due(0, 5), Ok(15));
        assert_eq!(l.due(0, 10), Ok(20));
        assert_eq!(l.due(0, 11), Ok(31));
        assert_eq!(l.due(15, 10), Ok(35));
        assert_eq!(l.due(0, 21), Err(SlaError::OutsideWindow));
        assert_eq!(l.due(0, -1), Err(SlaError::NegativeDuration));
    }

    #[test]
    fn elapsed_clips_to_the_question() {
        let l = list();
        assert_eq!(l.elapsed(0, 100), Ok(20));
        assert_eq!(l.elapsed(15, 35), Ok(10));
        assert_eq!(l.elapsed(20, 30), Ok(0));
        assert_eq!(l.elapsed(35, 15), Err(SlaError::FromAfterTo));
        assert_eq!(l.elapsed(0, 101), Err(SlaError::OutsideWindow));
    }
}
