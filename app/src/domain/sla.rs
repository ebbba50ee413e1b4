//! The wire forms and views of calendars, SLA policies and ticket clocks, and the parsing of
//! what admins type: a day's hours as `08:00-12:00, 13:00-17:00`, holidays one a line
//! (`2026-12-24 Christmas Eve`, or `12-25 Christmas Day` for every year), goals as minutes or
//! `4h`, `1h 30m`.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::{FieldError, Priority, Problem, Shown, StatusCategory};
use crate::sla::calendar::{Calendar, CalendarProblem, DAY_MINUTES, Interval, ProblemKind, WEEKDAYS, check_day, format_time};
use crate::sla::clock::{Goals, MAX_GOAL_MINUTES};

/// A holiday: one date, or the same day every year, with an optional name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holiday {
    /// The date, or for a yearly one any year's date (only month and day count).
    pub date: NaiveDate,
    /// Recurs every year.
    pub yearly: bool,
    /// E.g. "Christmas Day".
    pub name: String,
}

/// A calendar as stored and edited: the arithmetic's [`Calendar`] plus holiday names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarDoc {
    /// IANA timezone.
    pub timezone: String,
    /// Working intervals per weekday, Monday first.
    pub week: [Vec<Interval>; 7],
    /// Holidays, dated and yearly.
    pub holidays: Vec<Holiday>,
}

impl CalendarDoc {
    /// The calendar for arithmetic.
    ///
    /// # Errors
    /// An empty timezone.
    pub fn calendar(&self) -> Result<Calendar, crate::sla::CalendarError> {
        let dated = self.holidays.iter().filter(|h| !h.yearly).map(|h| h.date).collect();
        let yearly = self.holidays.iter().filter(|h| h.yearly).map(|h| (h.date.month(), h.date.day())).collect();
        Calendar::new(&self.timezone, self.week.clone(), dated, yearly)
    }

    /// A day's hours as the editor shows them: `08:00-12:00, 13:00-17:00`.
    pub fn day_text(&self, day: usize) -> String {
        self.week[day].iter().map(|i| format!("{}-{}", format_time(i.start), format_time(i.end))).collect::<Vec<_>>().join(", ")
    }

    /// The holidays as the editor shows them, one a line.
    pub fn holidays_text(&self) -> String {
        let mut hs = self.holidays.clone();
        hs.sort_by_key(|h| (h.yearly, if h.yearly { (0, h.date.month(), h.date.day()) } else { (h.date.year(), h.date.month(), h.date.day()) }));
        hs.iter()
            .map(|h| {
                let d = if h.yearly { h.date.format("%m-%d").to_string() } else { h.date.format("%Y-%m-%d").to_string() };
                if h.name.is_empty() { d } else { format!("{d} {}", h.name) }
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// True when every weekday is open all day.
    pub fn is_24x7(&self) -> bool {
        self.week.iter().all(|d| d.len() == 1 && d[0].start == 0 && d[0].end == DAY_MINUTES)
    }
}

/// The calendar editor's form, as the browser sends it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CalendarForm {
    pub name: String,
    pub timezone: String,
    pub mon: String,
    pub tue: String,
    pub wed: String,
    pub thu: String,
    pub fri: String,
    pub sat: String,
    pub sun: String,
    /// `on` for the 24×7 shortcut (then the day fields are ignored).
    #[serde(default)]
    pub always: Option<String>,
    #[serde(default)]
    pub holidays: String,
}

/// A checked calendar edit. The timezone name is checked against the timezone database by
/// the service (the browser has none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalendarInput {
    pub name: String,
    pub doc: CalendarDoc,
}

fn day_problem(k: &ProblemKind) -> Problem {
    match k {
        ProblemKind::BadTime(t) => Problem::BadTime(t.clone()),
        ProblemKind::MidnightStart | ProblemKind::EndNotAfterStart => Problem::EndNotAfterStart,
        ProblemKind::Unsorted => Problem::Unsorted,
        ProblemKind::Overlap => Problem::Overlap,
        _ => Problem::UnknownValue,
    }
}

/// Parses a day's hours: intervals `HH:MM-HH:MM` separated by commas, semicolons or spaces
/// after a comma; empty means closed. En dashes are accepted for hyphens.
///
/// # Errors
/// The first problem, for the day's field.
pub fn parse_day(field: &str, text: &str) -> Result<Vec<Interval>, FieldError> {
    let mut pairs = Vec::new();
    for part in text.split([',', ';', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        let norm = part.replace(['–', '—'], "-");
        let Some((s, e)) = norm.split_once('-') else {
            return Err(FieldError::new(field, Problem::BadTime(part.to_owned())));
        };
        let pad = |t: &str| {
            let t = t.trim();
            if t.len() == 4 && t.as_bytes().get(1) == Some(&b':') { format!("0{t}") } else { t.to_owned() }
        };
        pairs.push((pad(s), pad(e)));
    }
    check_day(field, &pairs).map_err(|ps: Vec<CalendarProblem>| FieldError::new(field, day_problem(&ps[0].kind)))
}

/// Parses the holidays box: one a line, `YYYY-MM-DD name` or `MM-DD name` (every year).
/// Bullets (`-`, `*`) and blank lines are ignored; a date may be followed by a tab, a space
/// or a comma and the name.
///
/// # Errors
/// The number of the first line that is not a date.
pub fn parse_holidays(text: &str) -> Result<Vec<Holiday>, FieldError> {
    let mut out: Vec<Holiday> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim().trim_start_matches(['-', '*', '•']).trim();
        if line.is_empty() {
            continue;
        }
        let (head, name) = match line.find(|c: char| c.is_whitespace() || c == ',' || c == ';') {
            Some(at) => (&line[..at], line[at..].trim_start_matches([',', ';']).trim()),
            None => (line, ""),
        };
        let bad = || FieldError::new("holidays", Problem::BadDateLine(i + 1));
        let h = if head.len() == 5 {
            let d = NaiveDate::parse_from_str(&format!("2000-{head}"), "%Y-%m-%d").map_err(|_| bad())?;
            Holiday { date: d, yearly: true, name: name.chars().take(100).collect() }
        } else {
            let d = NaiveDate::parse_from_str(head, "%Y-%m-%d").map_err(|_| bad())?;
            if !(1900..=2200).contains(&d.year()) {
                return Err(bad());
            }
            Holiday { date: d, yearly: false, name: name.chars().take(100).collect() }
        };
        if !out.iter().any(|o| o.yearly == h.yearly && o.date == h.date) {
            out.push(h);
        }
    }
    if out.len() > 1000 {
        return Err(FieldError::new("holidays", Problem::TooMany(1000)));
    }
    Ok(out)
}

/// A calendar's or policy's name: trimmed, 1–100 characters.
fn name_field(raw: &str, errs: &mut Vec<FieldError>) -> String {
    let name = raw.trim().to_owned();
    if name.is_empty() {
        errs.push(FieldError::new("name", Problem::Required));
    } else if name.chars().count() > 100 {
        errs.push(FieldError::new("name", Problem::TooLong(100)));
    }
    name
}

impl TryFrom<CalendarForm> for CalendarInput {
    type Error = Vec<FieldError>;

    fn try_from(f: CalendarForm) -> Result<Self, Vec<FieldError>> {
        let mut errs = Vec::new();
        let name = name_field(&f.name, &mut errs);
        let timezone = f.timezone.trim().to_owned();
        if timezone.is_empty() {
            errs.push(FieldError::new("timezone", Problem::Required));
        }
        let texts = [&f.mon, &f.tue, &f.wed, &f.thu, &f.fri, &f.sat, &f.sun];
        let mut week: [Vec<Interval>; 7] = Default::default();
        if f.always.as_deref().is_some_and(|v| !v.is_empty()) {
            week = std::array::from_fn(|_| vec![Interval { start: 0, end: DAY_MINUTES }]);
        } else {
            for (i, text) in texts.iter().enumerate() {
                match parse_day(WEEKDAYS[i], text) {
                    Ok(d) => week[i] = d,
                    Err(e) => errs.push(e),
                }
            }
        }
        let holidays = parse_holidays(&f.holidays).unwrap_or_else(|e| {
            errs.push(e);
            Vec::new()
        });
        if errs.is_empty() { Ok(CalendarInput { name, doc: CalendarDoc { timezone, week, holidays } }) } else { Err(errs) }
    }
}

/// Parses a goal: whole minutes (`90`), or hours and minutes (`4h`, `1h 30m`, `45m`).
pub fn parse_minutes(s: &str) -> Option<i64> {
    let s = s.trim().to_lowercase();
    if let Ok(n) = s.parse::<i64>() {
        return (0..=MAX_GOAL_MINUTES).contains(&n).then_some(n);
    }
    let mut total = 0i64;
    let mut num = String::new();
    let mut any = false;
    for c in s.chars() {
        match c {
            '0'..='9' => num.push(c),
            'h' | 'm' | 'd' => {
                let n: i64 = num.parse().ok()?;
                num.clear();
                total = total.checked_add(n.checked_mul(match c { 'h' => 60, 'd' => 1440, _ => 1 })?)?;
                any = true;
            }
            ' ' => {}
            _ => return None,
        }
    }
    (any && num.is_empty() && total <= MAX_GOAL_MINUTES).then_some(total)
}

/// Writes minutes as the editor shows them: `90` → `1h 30m`, `480` → `8h`, `45` → `45m`.
pub fn format_minutes(m: i64) -> String {
    match (m / 60, m % 60) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h {m}m"),
    }
}

/// The policy editor's form. Goals per priority (`urgent_first`, `urgent_next`,
/// `urgent_resolution`, …) as typed; a next-response goal is optional but all or none.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct PolicyForm {
    pub name: String,
    pub calendar_id: String,
    pub urgent_first: String,
    #[serde(default)]
    pub urgent_next: String,
    pub urgent_resolution: String,
    pub high_first: String,
    #[serde(default)]
    pub high_next: String,
    pub high_resolution: String,
    pub normal_first: String,
    #[serde(default)]
    pub normal_next: String,
    pub normal_resolution: String,
    pub low_first: String,
    #[serde(default)]
    pub low_next: String,
    pub low_resolution: String,
    #[serde(default)]
    pub pause_waiting_on_customer: Option<String>,
    #[serde(default)]
    pub pause_waiting_on_third_party: Option<String>,
    #[serde(default)]
    pub pause_new: Option<String>,
    #[serde(default)]
    pub pause_active: Option<String>,
    pub warning_percent: String,
    #[serde(default)]
    pub is_default: Option<String>,
}

/// What a policy stores besides its name and calendar.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyBody {
    /// Goals per priority; every priority has them.
    pub targets: std::collections::BTreeMap<Priority, Goals>,
    /// Categories that pause every clock.
    pub pause: Vec<StatusCategory>,
    /// Percent of a goal at which a clock is warned.
    pub warning_percent: u8,
}

/// A checked policy edit. Whether the calendar exists and has working time is the service's
/// to check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyInput {
    pub name: String,
    pub calendar_id: i64,
    pub body: PolicyBody,
    pub is_default: bool,
}

impl PolicyForm {
    fn goal(&self, p: Priority, which: &str) -> &str {
        match (p, which) {
            (Priority::Urgent, "first") => &self.urgent_first,
            (Priority::Urgent, "next") => &self.urgent_next,
            (Priority::Urgent, _) => &self.urgent_resolution,
            (Priority::High, "first") => &self.high_first,
            (Priority::High, "next") => &self.high_next,
            (Priority::High, _) => &self.high_resolution,
            (Priority::Normal, "first") => &self.normal_first,
            (Priority::Normal, "next") => &self.normal_next,
            (Priority::Normal, _) => &self.normal_resolution,
            (Priority::Low, "first") => &self.low_first,
            (Priority::Low, "next") => &self.low_next,
            (Priority::Low, _) => &self.low_resolution,
        }
    }
}

impl TryFrom<PolicyForm> for PolicyInput {
    type Error = Vec<FieldError>;

    fn try_from(f: PolicyForm) -> Result<Self, Vec<FieldError>> {
        let mut errs = Vec::new();
        let name = name_field(&f.name, &mut errs);
        let calendar_id = match f.calendar_id.trim().parse::<i64>() {
            Ok(v) if v > 0 => v,
            _ => {
                errs.push(FieldError::new("calendar_id", Problem::Required));
                0
            }
        };
        let any_next = Priority::ALL.iter().any(|p| !f.goal(*p, "next").trim().is_empty());
        let mut targets = std::collections::BTreeMap::new();
        for p in Priority::ALL {
            let mut read = |which: &str, required: bool| -> Option<i64> {
                let field = format!("{}_{which}", p.as_str());
                let text = f.goal(*p, which).trim();
                if text.is_empty() {
                    if required {
                        errs.push(FieldError::new(&field, Problem::Required));
                    }
                    return None;
                }
                let m = parse_minutes(text);
                if m.is_none() {
                    errs.push(FieldError::new(&field, Problem::BadDuration));
                }
                m
            };
            let first = read("first", true);
            let next = read("next", any_next);
            let resolution = read("resolution", true);
            if let (Some(first_response), Some(resolution)) = (first, resolution) {
                targets.insert(*p, Goals { first_response, next_response: next, resolution });
            }
        }
        let mut pause = Vec::new();
        for (on, c) in [
            (&f.pause_new, StatusCategory::New),
            (&f.pause_active, StatusCategory::Active),
            (&f.pause_waiting_on_customer, StatusCategory::WaitingOnCustomer),
            (&f.pause_waiting_on_third_party, StatusCategory::WaitingOnThirdParty),
        ] {
            if on.as_deref().is_some_and(|v| !v.is_empty()) {
                pause.push(c);
            }
        }
        let warning_percent = match f.warning_percent.trim().trim_end_matches('%').trim().parse::<u8>() {
            Ok(v @ 1..=100) => v,
            _ => {
                errs.push(FieldError::new("warning_percent", Problem::OutOfRange(1, 100)));
                0
            }
        };
        if errs.is_empty() {
            Ok(PolicyInput { name, calendar_id, body: PolicyBody { targets, pause, warning_percent }, is_default: f.is_default.as_deref().is_some_and(|v| !v.is_empty()) })
        } else {
            Err(errs)
        }
    }
}

/// A calendar in the list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CalendarSummary {
    pub id: i64,
    pub name: String,
    pub timezone: String,
    /// Working minutes in a week without holidays.
    pub weekly_minutes: u32,
    pub holidays: usize,
    pub version: i64,
    /// Policies measuring in it.
    pub policies: i64,
}

/// "A 4-hour target started now is due …", in the calendar's and the viewer's timezone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DuePreview {
    pub hours: i64,
    pub now: Shown,
    /// In the calendar's timezone, `None` when the calendar never works.
    pub due_local: Option<Shown>,
    /// The same instant in the viewer's timezone.
    pub due_viewer: Option<Shown>,
    pub calendar_tz: String,
    pub viewer_tz: String,
}

/// The calendar editor's data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CalendarView {
    pub id: i64,
    pub name: String,
    pub timezone: String,
    /// Each weekday's hours as text, Monday first.
    pub days: Vec<String>,
    pub always: bool,
    pub holidays: String,
    pub weekly_minutes: u32,
    pub version: i64,
    pub updated: Shown,
    pub preview: DuePreview,
    /// Policies measuring in it, by name.
    pub policies: Vec<String>,
}

/// A policy in the list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PolicySummary {
    pub id: i64,
    pub name: String,
    pub calendar_id: i64,
    pub calendar_name: String,
    pub is_default: bool,
    pub version: i64,
    /// Customers using it as their policy.
    pub customers: i64,
    /// Goals per priority, urgent first.
    pub goals: Vec<(Priority, Goals)>,
}

/// The policy editor's data.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PolicyView {
    pub summary: PolicySummary,
    pub pause: Vec<StatusCategory>,
    pub warning_percent: u8,
    pub updated: Shown,
    /// Calendars to choose from: (id, name).
    pub calendars: Vec<(i64, String)>,
    /// Customers using it, by name.
    pub customer_names: Vec<String>,
}

/// Where a ticket's policy came from, most specific first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PolicyLevel {
    /// The agreement's override for the ticket's service.
    AgreementService,
    /// The agreement's default.
    Agreement,
    /// The service's default.
    Service,
    /// The customer's policy.
    Customer,
    /// The corporate default.
    Default,
}

impl PolicyLevel {
    /// The stable name stored on the ticket.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyLevel::AgreementService => "agreement_service",
            PolicyLevel::Agreement => "agreement",
            PolicyLevel::Service => "service",
            PolicyLevel::Customer => "customer",
            PolicyLevel::Default => "default",
        }
    }

    /// Parses the stored name.
    pub fn parse(s: &str) -> Option<Self> {
        [PolicyLevel::AgreementService, PolicyLevel::Agreement, PolicyLevel::Service, PolicyLevel::Customer, PolicyLevel::Default]
            .into_iter()
            .find(|l| l.as_str() == s)
    }
}

/// The policies each level names for a ticket (`None` where the level has none or does not
/// exist yet).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PolicyCandidates {
    pub agreement_service: Option<i64>,
    pub agreement: Option<i64>,
    pub service: Option<i64>,
    pub customer: Option<i64>,
    pub default: Option<i64>,
}

/// The most specific policy wins: the agreement's override for the ticket's service → the
/// agreement's default → the service's default → the customer's policy → the corporate
/// default. `None` when no level names one (the ticket then has no clocks).
pub fn resolve_policy(c: &PolicyCandidates) -> Option<(i64, PolicyLevel)> {
    [
        (c.agreement_service, PolicyLevel::AgreementService),
        (c.agreement, PolicyLevel::Agreement),
        (c.service, PolicyLevel::Service),
        (c.customer, PolicyLevel::Customer),
        (c.default, PolicyLevel::Default),
    ]
    .into_iter()
    .find_map(|(id, level)| id.map(|id| (id, level)))
}

/// How pressing a clock is, for colour (and its icon and words, so colour is never the only
/// signal).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Urgency {
    /// Before the warning point.
    Normal,
    /// From the warning point on.
    Warning,
    /// At or past the goal.
    Breached,
}

/// A clock not stopped, as the browser counts it on: its used business time when the server
/// computed it, its goal and warning point, and which of the page's working-span lists to
/// count over. The same span arithmetic as the server's ([`crate::sla::SpanList`]), so the
/// countdown agrees with the due instant the server stores.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlaCountdown {
    pub target: crate::sla::Target,
    pub paused: bool,
    pub goal_seconds: i64,
    /// Used seconds at which the clock is warned.
    pub warn_seconds: i64,
    /// Business seconds used at `at`.
    pub used_seconds: i64,
    /// When the server computed `used_seconds`, UTC seconds.
    pub at: i64,
    /// The due instant, UTC seconds (none while paused short of the goal).
    pub due: Option<i64>,
    /// The id of the calendar whose spans the page carries.
    pub calendar: i64,
}

/// A calendar's working spans for the days a page may stay open, by id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CalendarSpans {
    pub id: i64,
    pub spans: crate::sla::SpanList,
}

impl SlaCountdown {
    /// Business seconds used at `now`: counted over `spans` from when the server computed it;
    /// past the spans' window (a page left open for weeks), the due instant still tells a
    /// breach.
    pub fn used_at(&self, spans: Option<&crate::sla::SpanList>, now: i64) -> i64 {
        use crate::sla::BusinessTime;
        if self.paused || now <= self.at {
            return self.used_seconds;
        }
        match spans.map(|l| l.elapsed(self.at, now)) {
            Some(Ok(e)) => self.used_seconds + e,
            _ if self.due.is_some_and(|d| now >= d) => self.used_seconds.max(self.goal_seconds),
            _ => self.used_seconds,
        }
    }

    /// How pressing it is after `used` seconds.
    pub fn urgency(&self, used: i64) -> Urgency {
        if used >= self.goal_seconds {
            Urgency::Breached
        } else if used >= self.warn_seconds {
            Urgency::Warning
        } else {
            Urgency::Normal
        }
    }
}

/// A business duration as a countdown shows it: `45s`, `12m`, `3h 05m`, `2d 4h`.
pub fn countdown_text(secs: i64) -> String {
    let s = secs.max(0);
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m", s / 60),
        3600..86_400 => format!("{}h {:02}m", s / 3600, s % 3600 / 60),
        _ => format!("{}d {}h", s / 86_400, s % 86_400 / 3600),
    }
}

/// One clock cycle as the ticket page shows it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClockView {
    pub target: crate::sla::Target,
    pub cycle: u32,
    pub state: crate::sla::ClockState,
    pub goal_minutes: i64,
    pub used_seconds: i64,
    pub due: Option<Shown>,
    pub stopped: Option<Shown>,
    pub warned: bool,
    /// For a clock not stopped: what the page counts on with.
    pub live: Option<SlaCountdown>,
}

/// A ticket's SLA: which policy (and from which level) and its clocks.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TicketSlaView {
    pub policy_id: i64,
    pub policy_name: String,
    pub level: PolicyLevel,
    pub calendar_name: String,
    pub clocks: Vec<ClockView>,
    /// The working spans the live clocks count over.
    pub spans: Option<CalendarSpans>,
    /// Why the clocks stand where they do.
    pub explain: Option<SlaExplain>,
}

/// One stretch of a clock's life, running or paused.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TimelineSpan {
    pub from: Shown,
    pub to: Shown,
    pub running: bool,
    /// The ticket's status category in it (what paused it, when paused).
    pub category: StatusCategory,
    /// Business time it counted.
    pub business_seconds: i64,
    /// Running, but outside working hours: counted as nothing.
    pub closed_seconds: i64,
    /// Holidays inside it, named.
    pub holidays: Vec<String>,
}

/// A priority switch that set a clock's goal.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GoalChange {
    pub at: Shown,
    pub priority: Priority,
    pub goal_minutes: i64,
}

/// A ticket's SLA terms at one time: the policy (by name now) and the versions of it and its
/// calendar.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TermsRef {
    pub policy_id: i64,
    pub policy_name: String,
    pub policy_version: i64,
    pub calendar_version: i64,
}

/// A switch of a ticket's SLA terms: another policy applies (the customer's changed, an
/// agreement began or ended), or its policy or calendar was edited. The clocks are then
/// replayed under the new terms from the ticket's start: elapsed and paused time carry over,
/// the goals are the new policy's. `to: None`: no policy applies any more.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TermsSwitch {
    pub at: Shown,
    pub from: Option<TermsRef>,
    pub to: Option<TermsRef>,
    /// The level that chose the new policy.
    pub level: Option<PolicyLevel>,
}

/// One clock cycle's life.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClockTimeline {
    pub target: crate::sla::Target,
    pub cycle: u32,
    pub spans: Vec<TimelineSpan>,
    pub goal_changes: Vec<GoalChange>,
}

/// Why a ticket's clocks stand where they do: the policy and calendar versions, the rule for
/// its priority, and each cycle's timeline. Data only (no viewer's words), so the customer
/// portal can show a simpler version of the same.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SlaExplain {
    pub policy_version: i64,
    pub calendar_version: i64,
    pub calendar_timezone: String,
    pub warning_percent: u8,
    /// The current priority and its goals in minutes: first response, next response, resolution.
    pub rule: Option<(Priority, i64, Option<i64>, i64)>,
    pub timeline: Vec<ClockTimeline>,
    /// The switches of terms, oldest first.
    pub switches: Vec<TermsSwitch>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn day_text_parses_leniently_and_refuses_clearly() {
        assert_eq!(parse_day("mon", "08:00-12:00, 13:00–17:00").unwrap(), vec![Interval { start: 480, end: 720 }, Interval { start: 780, end: 1020 }]);
        assert_eq!(parse_day("mon", "8:00-12:00").unwrap(), vec![Interval { start: 480, end: 720 }]);
        assert_eq!(parse_day("sat", "  ").unwrap(), vec![]);
        assert_eq!(parse_day("sun", "20:00-24:00").unwrap(), vec![Interval { start: 1200, end: 1440 }]);
        assert_eq!(parse_day("mon", "08:00-25:00").unwrap_err().problem, Problem::BadTime("25:00".into()));
        assert_eq!(parse_day("mon", "12:00-08:00").unwrap_err().problem, Problem::EndNotAfterStart);
        assert_eq!(parse_day("mon", "08:00-12:00, 11:00-13:00").unwrap_err().problem, Problem::Overlap);
        assert_eq!(parse_day("mon", "13:00-17:00, 08:00-12:00").unwrap_err().problem, Problem::Unsorted);
        assert_eq!(parse_day("mon", "nine to five").unwrap_err().problem, Problem::BadTime("nine to five".into()));
    }

    #[test]
    fn holidays_paste_as_dated_or_yearly_lines() {
        let hs = parse_holidays("2026-12-24 Christmas Eve\n- 12-25, Christmas Day\n\n2026-12-24 again\n* 2027-01-01").unwrap();
        assert_eq!(hs.len(), 3);
        assert_eq!((hs[0].yearly, hs[0].name.as_str()), (false, "Christmas Eve"));
        assert_eq!((hs[1].yearly, hs[1].name.as_str()), (true, "Christmas Day"));
        assert_eq!(parse_holidays("2026-12-24\n2026-13-01").unwrap_err().problem, Problem::BadDateLine(2));
        let doc = CalendarDoc { timezone: "UTC".into(), week: Default::default(), holidays: hs };
        assert_eq!(doc.holidays_text(), "2026-12-24 Christmas Eve\n2027-01-01\n12-25 Christmas Day");
        assert_eq!(doc.calendar().unwrap().yearly(), &[(12, 25)]);
    }

    #[test]
    fn a_countdown_counts_business_time_and_turns_amber_then_red() {
        use crate::sla::{Span, SpanList, Target};
        // Open 100–200 and 300–400; computed at 100 with 10 of a 60-second goal used, warned at 48.
        let spans = SpanList { spans: vec![Span { from: 100, to: 200 }, Span { from: 300, to: 400 }], window_from: 0, window_to: 1000 };
        let c = SlaCountdown { target: Target::FirstResponse, paused: false, goal_seconds: 60, warn_seconds: 48, used_seconds: 10, at: 100, due: Some(150), calendar: 1 };
        assert_eq!(c.used_at(Some(&spans), 130), 40);
        assert_eq!(c.urgency(c.used_at(Some(&spans), 130)), Urgency::Normal);
        assert_eq!(c.urgency(c.used_at(Some(&spans), 138)), Urgency::Warning);
        assert_eq!(c.urgency(c.used_at(Some(&spans), 150)), Urgency::Breached, "at the due instant the server stores");
        assert_eq!(c.used_at(Some(&spans), 250), 110, "closed hours are not counted");
        assert_eq!(c.used_at(None, 2000), 60, "past the window the due instant still tells");
        assert_eq!(SlaCountdown { paused: true, ..c.clone() }.used_at(Some(&spans), 300), 10);
        assert_eq!((countdown_text(45), countdown_text(720), countdown_text(3900), countdown_text(187_200)), ("45s".into(), "12m".into(), "1h 05m".into(), "2d 4h".into()));
    }

    #[test]
    fn goals_read_as_minutes_or_hours() {
        assert_eq!(parse_minutes("90"), Some(90));
        assert_eq!(parse_minutes("4h"), Some(240));
        assert_eq!(parse_minutes("1h 30m"), Some(90));
        assert_eq!(parse_minutes("2d"), Some(2880));
        assert_eq!(parse_minutes("-5"), None);
        assert_eq!(parse_minutes("soon"), None);
        assert_eq!(parse_minutes("4h30"), None);
        assert_eq!(format_minutes(90), "1h 30m");
        assert_eq!(format_minutes(480), "8h");
        assert_eq!(format_minutes(45), "45m");
    }

    fn policy_form() -> PolicyForm {
        PolicyForm {
            name: "Standard".into(),
            calendar_id: "1".into(),
            urgent_first: "1h".into(),
            urgent_resolution: "8h".into(),
            high_first: "2h".into(),
            high_resolution: "16h".into(),
            normal_first: "4h".into(),
            normal_resolution: "3d".into(),
            low_first: "8h".into(),
            low_resolution: "5d".into(),
            pause_waiting_on_customer: Some("on".into()),
            warning_percent: "80".into(),
            ..Default::default()
        }
    }

    #[test]
    fn policy_forms_parse_with_field_level_errors() {
        let p = PolicyInput::try_from(policy_form()).unwrap();
        assert_eq!(p.body.targets[&Priority::Normal].resolution, 4320);
        assert_eq!(p.body.pause, vec![StatusCategory::WaitingOnCustomer]);
        let mut f = policy_form();
        f.urgent_next = "2h".into();
        f.high_first = "soon".into();
        f.warning_percent = "0".into();
        let fields: Vec<_> = PolicyInput::try_from(f).unwrap_err().into_iter().map(|e| (e.field, e.problem)).collect();
        assert!(fields.contains(&("high_first".into(), Problem::BadDuration)));
        assert!(fields.contains(&("high_next".into(), Problem::Required)), "next response is all or none: {fields:?}");
        assert!(fields.contains(&("warning_percent".into(), Problem::OutOfRange(1, 100))));
        assert!(!fields.iter().any(|(f, _)| f == "urgent_next"));
    }

    #[test]
    fn the_most_specific_policy_wins() {
        let all = PolicyCandidates { agreement_service: Some(1), agreement: Some(2), service: Some(3), customer: Some(4), default: Some(5) };
        assert_eq!(resolve_policy(&all), Some((1, PolicyLevel::AgreementService)));
        assert_eq!(resolve_policy(&PolicyCandidates { agreement_service: None, ..all }), Some((2, PolicyLevel::Agreement)));
        assert_eq!(resolve_policy(&PolicyCandidates { agreement_service: None, agreement: None, ..all }), Some((3, PolicyLevel::Service)));
        assert_eq!(resolve_policy(&PolicyCandidates { customer: Some(4), default: Some(5), ..Default::default() }), Some((4, PolicyLevel::Customer)));
        assert_eq!(resolve_policy(&PolicyCandidates { default: Some(5), ..Default::default() }), Some((5, PolicyLevel::Default)));
        assert_eq!(resolve_policy(&PolicyCandidates::default()), None);
        for l in [PolicyLevel::AgreementService, PolicyLevel::Agreement, PolicyLevel::Service, PolicyLevel::Customer, PolicyLevel::Default] {
            assert_eq!(PolicyLevel::parse(l.as_str()), Some(l));
        }
    }

    #[test]
    fn calendar_forms_report_each_day() {
        let f = CalendarForm { name: "Office".into(), timezone: "Europe/Stockholm".into(), mon: "08:00-17:00".into(), tue: "25:00-26:00".into(), wed: "9-5".into(), ..Default::default() };
        let errs = CalendarInput::try_from(f).unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["tue", "wed"]);
        let always = CalendarForm { name: "Ops".into(), timezone: "UTC".into(), tue: "garbage".into(), always: Some("on".into()), ..Default::default() };
        assert!(CalendarInput::try_from(always).unwrap().doc.is_24x7());
    }
}
