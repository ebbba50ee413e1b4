//! Agreements (contracts) with a customer: the lifecycle by date, and when expiry notices are
//! due. Pure: dates are the customer's local dates, worked out by the caller.

use chrono::{NaiveDate, TimeDelta};
use serde::{Deserialize, Serialize};

/// Where an agreement stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AgreementStatus {
    /// Its start date is still ahead.
    Planned,
    /// Start ≤ today ≤ end (or no end).
    Active,
    /// After its end date.
    Expired,
    /// Called off before it started; kept for the record.
    Cancelled,
}

impl AgreementStatus {
    pub const ALL: [AgreementStatus; 4] = [AgreementStatus::Planned, AgreementStatus::Active, AgreementStatus::Expired, AgreementStatus::Cancelled];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            AgreementStatus::Planned => "planned",
            AgreementStatus::Active => "active",
            AgreementStatus::Expired => "expired",
            AgreementStatus::Cancelled => "cancelled",
        }
    }

    /// The status of a stored name.
    pub fn parse(s: &str) -> Option<AgreementStatus> {
        AgreementStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// The status an agreement has on `today` (the customer's local date): both dates count as
/// covered days.
pub fn status_on(starts: NaiveDate, ends: Option<NaiveDate>, cancelled: bool, today: NaiveDate) -> AgreementStatus {
    if cancelled {
        AgreementStatus::Cancelled
    } else if today < starts {
        AgreementStatus::Planned
    } else if ends.is_some_and(|e| today > e) {
        AgreementStatus::Expired
    } else {
        AgreementStatus::Active
    }
}

/// The default expiry notices: days before the end date.
pub const DEFAULT_NOTICE_DAYS: [u32; 2] = [30, 7];

/// Which expiry notice to send on `today`, of those not yet sent (`days` before the end): the
/// nearest one whose day has come, and the farther ones it supersedes (an agreement made a week
/// before its end gets the 7-day notice, not a 30-day one too). Nothing once it has ended.
pub fn notice_due(ends: NaiveDate, days: &[u32], sent: &[u32], today: NaiveDate) -> Option<(u32, Vec<u32>)> {
    if today > ends {
        return None;
    }
    let mut come: Vec<u32> = days.iter().copied().filter(|d| !sent.contains(d) && ends - TimeDelta::days(i64::from(*d)) <= today).collect();
    come.sort_unstable();
    come.dedup();
    let (&nearest, farther) = come.split_first()?;
    Some((nearest, farther.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn an_agreement_is_active_from_its_first_day_through_its_last() {
        let (start, end) = (d("2027-01-01"), Some(d("2027-12-31")));
        assert_eq!(status_on(start, end, false, d("2026-12-31")), AgreementStatus::Planned);
        assert_eq!(status_on(start, end, false, d("2027-01-01")), AgreementStatus::Active);
        assert_eq!(status_on(start, end, false, d("2027-12-31")), AgreementStatus::Active);
        assert_eq!(status_on(start, end, false, d("2028-01-01")), AgreementStatus::Expired);
        assert_eq!(status_on(start, None, false, d("2099-01-01")), AgreementStatus::Active, "open-ended");
        assert_eq!(status_on(start, end, true, d("2027-06-01")), AgreementStatus::Cancelled);
        for s in AgreementStatus::ALL {
            assert_eq!(AgreementStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn the_nearest_notice_due_is_sent_and_supersedes_the_farther_ones() {
        let end = d("2027-03-31");
        assert_eq!(notice_due(end, &[30, 7], &[], d("2027-02-28")), None);
        assert_eq!(notice_due(end, &[30, 7], &[], d("2027-03-01")), Some((30, vec![])));
        assert_eq!(notice_due(end, &[30, 7], &[30], d("2027-03-10")), None);
        assert_eq!(notice_due(end, &[30, 7], &[30], d("2027-03-24")), Some((7, vec![])));
        // Made (or the server down) until a week before the end: one notice, not two.
        assert_eq!(notice_due(end, &[7, 30], &[], d("2027-03-25")), Some((7, vec![30])));
        assert_eq!(notice_due(end, &[30, 7], &[], d("2027-04-01")), None, "ended");
        assert_eq!(notice_due(end, &[0], &[], d("2027-03-31")), Some((0, vec![])), "on the last day");
    }
}
