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
    use crate::domain::Problem;

    fn cover() -> Cover {
        let g = |id, starts: &str, services: Vec<i64>| CoverChoice {
            id,
            number: format!("AGR-{id}"),
            title: String::new(),
            starts_on: NaiveDate::parse_from_str(starts, "%Y-%m-%d").unwrap(),
            services,
        };
        Cover { active: vec![g(1, "2026-01-01", vec![10, 11]), g(2, "2026-06-01", vec![10])], contracted: true, contact: "Ann <ann@example.com>".into() }
    }

    #[test]
    fn a_request_falls_under_the_covering_agreement_that_started_last() {
        let c = cover();
        assert_eq!(c.decide(Some(10), None, None), Ok(Coverage::Under { agreement: 2, instead_of: None }));
        assert_eq!(c.decide(Some(11), None, None), Ok(Coverage::Under { agreement: 1, instead_of: None }));
        assert_eq!(c.decide(None, None, None), Ok(Coverage::Under { agreement: 2, instead_of: None }));
        // An agent may pick the other one that covers it; the choice is kept.
        assert_eq!(c.decide(Some(10), Some(1), None), Ok(Coverage::Under { agreement: 1, instead_of: Some(2) }));
        assert_eq!(c.decide(Some(11), Some(2), None), Err(("agreement_id", Problem::NotAvailable)));
    }

    #[test]
    fn an_uncovered_request_is_refused_with_who_to_ask_unless_overridden() {
        let c = cover();
        assert_eq!(c.decide(Some(12), None, None), Err(("service_id", Problem::NotCovered("Ann <ann@example.com>".into()))));
        assert_eq!(c.decide(Some(12), None, Some("  ")), Err(("service_id", Problem::NotCovered("Ann <ann@example.com>".into()))));
        assert_eq!(c.decide(Some(12), None, Some(" outage, CEO asked ")), Ok(Coverage::Overridden("outage, CEO asked".into())));
        // All expired: even a request about no service needs cover.
        let lapsed = Cover { active: vec![], ..cover() };
        assert!(lapsed.refuses(None));
        // Never had an agreement: general requests stay open, services still need one.
        let none = Cover::default();
        assert_eq!(none.decide(None, None, None), Ok(Coverage::Open));
        assert_eq!(none.decide(Some(10), None, None), Err(("service_id", Problem::NotCovered(String::new()))));
    }

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

/// An agreement in the list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgreementSummary {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub status: AgreementStatus,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub account_manager: Option<String>,
    /// Days from the customer's today to the end (negative once ended); none when open-ended.
    pub days_left: Option<i64>,
    pub services: Vec<String>,
}

/// A covered service on the agreement page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TermsView {
    pub service_id: i64,
    pub service_name: String,
    pub policy_name: Option<String>,
    pub calendar_name: Option<String>,
    /// Hourly rate in minor units and its currency.
    pub rate: Option<(i64, String)>,
}

/// One entry of an agreement's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgreementEventView {
    pub at: super::Shown,
    /// Empty: the scheduler.
    pub actor: String,
    pub kind: String,
    pub old: Option<String>,
    pub new: Option<String>,
    pub reason: Option<String>,
}

/// The agreement page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgreementView {
    pub summary: AgreementSummary,
    pub account_manager_id: Option<i64>,
    pub policy_name: Option<String>,
    pub notes: String,
    pub notice_days: Vec<u32>,
    pub copied_from: Option<(i64, String)>,
    pub terms: Vec<TermsView>,
    /// (name, email) of the contacts who get notices.
    pub contacts: Vec<(String, String)>,
    pub history: Vec<AgreementEventView>,
    /// Whether the viewer may change it (managers).
    pub can_edit: bool,
    /// The latest tickets that fall under it, and how many do in all.
    pub tickets: Vec<AgreementTicket>,
    pub tickets_total: i64,
    /// How its tickets did on their SLA targets so far, per service and target.
    pub compliance: Vec<ComplianceRow>,
}

/// A ticket that falls under an agreement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgreementTicket {
    /// `ACC-1042`.
    pub number: String,
    pub title: String,
    pub status: super::StatusView,
    pub service: Option<String>,
    pub created: super::Shown,
}

/// SLA outcomes of an agreement's tickets for one service (`None`: about no service) and
/// target: clocks met, breached (including running ones past their goal), still running.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplianceRow {
    pub service: Option<String>,
    pub target: crate::sla::Target,
    pub met: i64,
    pub breached: i64,
    pub running: i64,
}

impl ComplianceRow {
    /// The share met of the clocks decided (met or breached), in whole percent; `None` before
    /// any is decided.
    pub fn met_percent(&self) -> Option<i64> {
        let decided = self.met + self.breached;
        (decided > 0).then(|| (self.met * 100 + decided / 2) / decided)
    }
}

/// The list's filters, as the URL holds them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AgreementFilter {
    pub status: Option<AgreementStatus>,
    pub customer_id: Option<i64>,
    pub account_manager_id: Option<i64>,
    /// Active agreements ending within this many days.
    pub expires_within: Option<u32>,
}

/// A covered service as the form sends it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ServiceTermsForm {
    /// "on" when covered.
    #[serde(default)]
    pub covered: String,
    pub service_id: String,
    #[serde(default)]
    pub sla_policy_id: String,
    #[serde(default)]
    pub calendar_id: String,
    /// "95" or "95.50", in the currency's main unit.
    #[serde(default)]
    pub hourly_rate: String,
    #[serde(default)]
    pub currency: String,
}

/// An agreement as the form sends it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AgreementForm {
    pub customer_id: String,
    pub title: String,
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    pub account_manager_id: String,
    #[serde(default)]
    pub sla_policy_id: String,
    #[serde(default)]
    pub notes: String,
    /// "30, 7".
    #[serde(default)]
    pub notice_days: String,
    #[serde(default)]
    pub services: Vec<ServiceTermsForm>,
    #[serde(default)]
    pub contacts: Vec<String>,
    #[serde(default)]
    pub confirm_overlap: String,
}

/// A rate typed as "95", "95.5" or "95,50" in minor units (two decimals).
pub fn parse_rate(s: &str) -> Option<i64> {
    let t = s.trim().replace(',', ".");
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) || frac.len() > 2 || !frac.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let cents = format!("{frac:0<2}").parse::<i64>().ok()?;
    whole.parse::<i64>().ok()?.checked_mul(100)?.checked_add(cents)
}

/// A rate in minor units as "95.50".
pub fn format_rate(minor: i64) -> String {
    format!("{}.{:02}", minor / 100, minor % 100)
}

#[cfg(test)]
mod form_tests {
    use super::*;

    #[test]
    fn rates_read_as_typed_and_refuse_what_is_not_money() {
        assert_eq!(parse_rate("95"), Some(9500));
        assert_eq!(parse_rate(" 95,5 "), Some(9550));
        assert_eq!(parse_rate("1200.05"), Some(120_005));
        for bad in ["", "-5", "9.999", "ten", "1e3", ".5"] {
            assert_eq!(parse_rate(bad), None, "{bad}");
        }
        assert_eq!(format_rate(9550), "95.50");
    }
}

/// An active agreement a new ticket may fall under.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverChoice {
    pub id: i64,
    /// `AGR-1002`.
    pub number: String,
    pub title: String,
    pub starts_on: NaiveDate,
    /// The services it covers.
    pub services: Vec<i64>,
}

/// What a customer's agreements allow it to ask for today.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cover {
    /// Its active agreements.
    pub active: Vec<CoverChoice>,
    /// Whether it has (or had) an agreement that started (active or expired): a customer that
    /// never had one (or whose first has not started) may still ask for things about no service.
    pub contracted: bool,
    /// Who to contact about cover ("Name <email>", the account manager of its latest
    /// agreement), or empty.
    pub contact: String,
}

/// What a request's coverage comes to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Coverage {
    /// Under this agreement; `instead_of`: the one it would have fallen under had the agent not
    /// picked another.
    Under { agreement: i64, instead_of: Option<i64> },
    /// Under none, and that is allowed (a customer without agreements, about no service).
    Open,
    /// Under none, opened anyway by an agent, for this reason.
    Overridden(String),
}

impl Cover {
    /// The active agreements that cover `service` (all active ones for a request about no
    /// service), the latest start first: a request falls under the first.
    pub fn covering(&self, service: Option<i64>) -> Vec<&CoverChoice> {
        let mut out: Vec<&CoverChoice> = self.active.iter().filter(|g| service.is_none_or(|s| g.services.contains(&s))).collect();
        out.sort_by(|a, b| b.starts_on.cmp(&a.starts_on).then(b.id.cmp(&a.id)));
        out
    }

    /// Whether a request about `service` is refused unless an agent overrides it.
    pub fn refuses(&self, service: Option<i64>) -> bool {
        self.covering(service).is_empty() && (service.is_some() || self.contracted)
    }

    /// Decides a request about `service`: the agreement it falls under (or `picked`, one of
    /// the covering ones), or the override `reason` when none covers it.
    ///
    /// # Errors
    /// (field, problem): `agreement_id` for a pick that does not cover it; `service_id` with
    /// who to contact when nothing covers it and no reason is given.
    pub fn decide(&self, service: Option<i64>, picked: Option<i64>, reason: Option<&str>) -> Result<Coverage, (&'static str, super::Problem)> {
        let covering = self.covering(service);
        if let Some(latest) = covering.first() {
            return match picked {
                None => Ok(Coverage::Under { agreement: latest.id, instead_of: None }),
                Some(p) if p == latest.id => Ok(Coverage::Under { agreement: p, instead_of: None }),
                Some(p) if covering.iter().any(|g| g.id == p) => Ok(Coverage::Under { agreement: p, instead_of: Some(latest.id) }),
                Some(_) => Err(("agreement_id", super::Problem::NotAvailable)),
            };
        }
        if picked.is_some() {
            return Err(("agreement_id", super::Problem::NotAvailable));
        }
        if !self.refuses(service) {
            return Ok(Coverage::Open);
        }
        match reason.map(str::trim).filter(|r| !r.is_empty()) {
            Some(r) => Ok(Coverage::Overridden(r.to_owned())),
            None => Err(("service_id", super::Problem::NotCovered(self.contact.clone()))),
        }
    }
}

/// What the agreement form offers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AgreementChoices {
    /// (id, name) of every customer.
    pub customers: Vec<(i64, String)>,
    /// (id, name) of the active agents (account managers).
    pub agents: Vec<(i64, String)>,
    /// (id, name) of the active services.
    pub services: Vec<(i64, String)>,
    /// (id, name) of the SLA policies.
    pub policies: Vec<(i64, String)>,
    /// (id, name) of the calendars (support hours).
    pub calendars: Vec<(i64, String)>,
    /// (id, name, email) of the chosen customer's contacts.
    pub contacts: Vec<(i64, String, String)>,
}
