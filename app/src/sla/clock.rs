//! SLA clocks computed from a ticket's events: the one function the server, the `accord sla
//! replay` CLI and the ticket page's timeline call, so a clock can always be recomputed after a
//! policy or calendar edit and can always explain itself.
//!
//! # Rules
//! - A clock counts business time only while it is not stopped and the ticket's current
//!   status category is not listed in the policy's `pause` (the pause applies to every target).
//! - first_response starts at `created` and stops at the first public agent reply.
//! - resolution starts at `created`, stops when the category becomes resolved or closed, and
//!   resumes with its used time kept when the ticket leaves those categories (a reopen; same
//!   cycle). Moving between resolved and closed changes nothing.
//! - next_response (when the policy has it): once first_response has stopped, a public customer
//!   reply starts a new cycle if none is open and the ticket is not resolved or closed; that
//!   cycle stops at the next public agent reply.
//! - Reaching resolved or closed also stops any first-response or next-response cycle still
//!   open; they do not resume on reopen. Internal notes never start or stop a clock. Events at
//!   the same instant apply in the given order.
//! - A priority change sets the goal of every clock not stopped to the new priority's minutes,
//!   used time carrying over; a stopped clock keeps its goal; a resolution clock resumed by a
//!   reopen takes the current priority's goal.
//! - A stopped clock is met if used ≤ goal, else breached; a clock not stopped is breached once
//!   used > goal, else paused or running.
//! - due: once used ≥ goal, the instant the used time reached the goal; otherwise, for a
//!   running clock, `due(now, goal − used)` on the calendar; otherwise none.
//! - warned becomes true when used seconds × 100 ≥ goal seconds × warning percent for the goal
//!   in force, and stays true.
//! - warn_at, for a clock not stopped: the instant the used time reached the warning point if it
//!   has, else for a running clock `due(now, point − used)`; otherwise none. Like `due`, it is
//!   business time, so it falls in working hours (or at a closing time).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::calendar::Calendar;
use super::spans::BusinessTime;
use crate::domain::{Priority, StatusCategory};

/// The three promises a policy makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    /// Until the first public agent reply.
    FirstResponse,
    /// From a customer's follow-up until the next public agent reply.
    NextResponse,
    /// Until resolved or closed.
    Resolution,
}

impl Target {
    /// Every target, in output order.
    pub const ALL: [Target; 3] = [Target::FirstResponse, Target::NextResponse, Target::Resolution];

    /// The stable name used in files and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Target::FirstResponse => "first_response",
            Target::NextResponse => "next_response",
            Target::Resolution => "resolution",
        }
    }
}

/// Goals for one priority, in whole minutes of business time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Goals {
    /// First response.
    pub first_response: i64,
    /// Next response, when the policy has it.
    pub next_response: Option<i64>,
    /// Resolution.
    pub resolution: i64,
}

impl Goals {
    fn of(&self, t: Target) -> Option<i64> {
        match t {
            Target::FirstResponse => Some(self.first_response),
            Target::NextResponse => self.next_response,
            Target::Resolution => Some(self.resolution),
        }
    }
}

/// An SLA policy: goals per priority, a calendar, the categories that pause, a warning point.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    /// The business calendar the goals are measured in.
    pub calendar: Calendar,
    /// Goals per priority.
    pub targets: BTreeMap<Priority, Goals>,
    /// Status categories during which every clock pauses.
    pub pause: Vec<StatusCategory>,
    /// Percent of a goal used at which the clock is warned, 1–100.
    pub warning_percent: u8,
}

/// Largest goal accepted, in minutes (about 19 years of 24×7).
pub const MAX_GOAL_MINUTES: i64 = 10_000_000;

/// Who wrote a reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    /// One of our agents.
    Agent,
    /// The customer's side.
    Customer,
}

/// What happened to the ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    /// The ticket was opened.
    Created {
        /// Its priority.
        priority: Priority,
        /// Its first status category.
        category: StatusCategory,
    },
    /// A reply or an internal note (`public: false`).
    Reply {
        /// Who wrote it.
        by: Party,
        /// Visible to the customer.
        public: bool,
    },
    /// The status changed to one in this category.
    Status {
        /// The new category.
        category: StatusCategory,
    },
    /// The priority changed.
    Priority {
        /// The new priority.
        priority: Priority,
    },
}

/// One event of a ticket's history, at a UTC second.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// When, in UTC seconds since the epoch.
    pub at: i64,
    /// What.
    pub kind: EventKind,
}

/// Where a clock stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockState {
    /// Counting.
    Running,
    /// Not counting while the ticket waits in a pausing category.
    Paused,
    /// Stopped within its goal.
    Met,
    /// Over its goal (stopped or not).
    Breached,
}

impl ClockState {
    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            ClockState::Running => "running",
            ClockState::Paused => "paused",
            ClockState::Met => "met",
            ClockState::Breached => "breached",
        }
    }
}

/// Whether a clock counted during a span.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpanKind {
    /// Counting (business time only, as the calendar says).
    Running,
    /// Paused by the ticket's category.
    Paused,
}

/// A stretch of a clock's life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockSpan {
    /// Start, UTC seconds.
    pub from: i64,
    /// End, UTC seconds.
    pub to: i64,
    /// Counting or paused.
    pub kind: SpanKind,
    /// The category the ticket was in.
    pub category: StatusCategory,
    /// Business seconds counted in it (0 when paused).
    pub business: i64,
}

/// One clock cycle of one target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    /// Which promise.
    pub target: Target,
    /// 1 for the first cycle; next-response counts up.
    pub cycle: u32,
    /// When the cycle started, UTC seconds.
    pub started_at: i64,
    /// Where it stands at `now`.
    pub state: ClockState,
    /// The goal in force, minutes of business time.
    pub goal_minutes: i64,
    /// Business seconds used.
    pub used_seconds: i64,
    /// When it is (or was) due, UTC seconds; see the module rules.
    pub due: Option<i64>,
    /// When it stopped, if it did.
    pub stopped_at: Option<i64>,
    /// The warning point was reached.
    pub warned: bool,
    /// For a clock not stopped: when its used time reaches (or reached) the warning point,
    /// UTC seconds; none while paused before the point.
    pub warn_at: Option<i64>,
    /// Its life from start to stop (or now), running and paused.
    pub spans: Vec<ClockSpan>,
}

impl Clock {
    /// The clock as `accord sla replay` prints it (fields in the documented order).
    pub fn to_out(&self) -> ClockOut {
        let iso = |s: i64| super::instant(s).map(super::format_instant).unwrap_or_default();
        ClockOut {
            target: self.target.as_str(),
            cycle: self.cycle,
            state: self.state.as_str(),
            goal_minutes: self.goal_minutes,
            used_seconds: self.used_seconds,
            due: self.due.map(iso),
            stopped_at: self.stopped_at.map(iso),
            warned: self.warned,
            spans: self
                .spans
                .iter()
                .map(|s| SpanOut {
                    from: iso(s.from),
                    to: iso(s.to),
                    kind: match s.kind {
                        SpanKind::Running => "running",
                        SpanKind::Paused => "paused",
                    },
                })
                .collect(),
        }
    }
}

/// A clock as the replay CLI writes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClockOut {
    /// `first_response`, `next_response` or `resolution`.
    pub target: &'static str,
    /// The cycle, from 1.
    pub cycle: u32,
    /// `running`, `paused`, `met` or `breached`.
    pub state: &'static str,
    /// The goal in force.
    pub goal_minutes: i64,
    /// Business seconds used.
    pub used_seconds: i64,
    /// RFC 3339 in UTC, or null.
    pub due: Option<String>,
    /// RFC 3339 in UTC, or null.
    pub stopped_at: Option<String>,
    /// The warning point was reached.
    pub warned: bool,
    /// Running and paused spans.
    pub spans: Vec<SpanOut>,
}

/// A span as the replay CLI writes it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SpanOut {
    /// RFC 3339 in UTC.
    pub from: String,
    /// RFC 3339 in UTC.
    pub to: String,
    /// `running` or `paused`.
    pub kind: &'static str,
}

/// Why a replay has no answer.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[error("{0}")]
pub struct ReplayError(pub String);

fn err<T>(msg: impl Into<String>) -> Result<T, ReplayError> {
    Err(ReplayError(msg.into()))
}

struct Running {
    clock: Clock,
    stopped: bool,
}

fn is_done(c: StatusCategory) -> bool {
    matches!(c, StatusCategory::Resolved | StatusCategory::Closed)
}

/// Replays `events` (in time order) against `policy` up to `now` on calendar `cal` (the
/// policy's calendar, resolved), giving every clock cycle, ordered first response, next
/// response, resolution, then by cycle.
///
/// # Errors
/// A first event that is not `created`, a second `created`, a `created` in a resolved or
/// closed category, events out of time order, `now` before the last event, a priority with no
/// goals, a calendar with no working time, and business-time errors.
pub fn replay(policy: &Policy, cal: &impl BusinessTime, events: &[Event], now: i64) -> Result<Vec<Clock>, ReplayError> {
    if !policy.calendar.has_working_time() {
        return err("the policy's calendar has no working time");
    }
    let Some(first) = events.first() else { return err("no events: the first must be created") };
    let EventKind::Created { priority, category } = first.kind else {
        return err("the first event must be created");
    };
    if is_done(category) {
        return err("a ticket cannot be created resolved or closed");
    }
    let goals = |p: Priority| policy.targets.get(&p).copied().ok_or_else(|| ReplayError(format!("the policy has no targets for priority {p}")));
    let mut priority = priority;
    let mut category = category;
    let mut clocks: Vec<Running> = Vec::new();
    let start = |target: Target, cycle: u32, at: i64, g: &Goals| -> Option<Running> {
        g.of(target).map(|goal| Running {
            clock: Clock {
                target,
                cycle,
                started_at: at,
                state: ClockState::Running,
                goal_minutes: goal,
                used_seconds: 0,
                due: None,
                stopped_at: None,
                warned: false,
                warn_at: None,
                spans: Vec::new(),
            },
            stopped: false,
        })
    };
    let g0 = goals(priority)?;
    clocks.extend(start(Target::FirstResponse, 1, first.at, &g0));
    clocks.extend(start(Target::Resolution, 1, first.at, &g0));
    let mut last = first.at;
    let warn = |c: &mut Clock| {
        if c.used_seconds * 100 >= c.goal_minutes * 60 * i64::from(policy.warning_percent) {
            c.warned = true;
        }
    };
    let advance = |clocks: &mut Vec<Running>, from: i64, to: i64, category: StatusCategory| -> Result<(), ReplayError> {
        if to <= from {
            return Ok(());
        }
        let paused = policy.pause.contains(&category);
        let business = if paused { 0 } else { cal.elapsed(from, to).map_err(|e| ReplayError(e.to_string()))? };
        for r in clocks.iter_mut().filter(|r| !r.stopped) {
            let kind = if paused { SpanKind::Paused } else { SpanKind::Running };
            match r.clock.spans.last_mut() {
                Some(s) if s.to == from && s.kind == kind && s.category == category => {
                    s.to = to;
                    s.business += business;
                }
                _ => r.clock.spans.push(ClockSpan { from, to, kind, category, business }),
            }
            r.clock.used_seconds += business;
            warn(&mut r.clock);
        }
        Ok(())
    };
    for ev in &events[1..] {
        if ev.at < last {
            return err("events are out of time order");
        }
        advance(&mut clocks, last, ev.at, category)?;
        last = ev.at;
        match ev.kind {
            EventKind::Created { .. } => return err("a second created event"),
            EventKind::Reply { public: false, .. } => {}
            EventKind::Reply { by: Party::Agent, public: true } => {
                for r in clocks.iter_mut().filter(|r| !r.stopped && r.clock.target != Target::Resolution) {
                    r.stopped = true;
                    r.clock.stopped_at = Some(ev.at);
                }
            }
            EventKind::Reply { by: Party::Customer, public: true } => {
                let first_done = clocks.iter().any(|r| r.clock.target == Target::FirstResponse && r.stopped);
                let open = clocks.iter().any(|r| r.clock.target == Target::NextResponse && !r.stopped);
                if first_done && !open && !is_done(category) {
                    let cycle = clocks.iter().filter(|r| r.clock.target == Target::NextResponse).count() as u32 + 1;
                    clocks.extend(start(Target::NextResponse, cycle, ev.at, &goals(priority)?));
                }
            }
            EventKind::Status { category: next } => {
                if !is_done(category) && is_done(next) {
                    for r in clocks.iter_mut().filter(|r| !r.stopped) {
                        r.stopped = true;
                        r.clock.stopped_at = Some(ev.at);
                    }
                } else if is_done(category) && !is_done(next) {
                    let goal = goals(priority)?.resolution;
                    for r in clocks.iter_mut().filter(|r| r.clock.target == Target::Resolution) {
                        r.stopped = false;
                        r.clock.stopped_at = None;
                        r.clock.goal_minutes = goal;
                        warn(&mut r.clock);
                    }
                }
                category = next;
            }
            EventKind::Priority { priority: next } => {
                let g = goals(next)?;
                priority = next;
                for r in clocks.iter_mut().filter(|r| !r.stopped) {
                    if let Some(goal) = g.of(r.clock.target) {
                        r.clock.goal_minutes = goal;
                        warn(&mut r.clock);
                    }
                }
            }
        }
    }
    if now < last {
        return err("now is before the last event");
    }
    advance(&mut clocks, last, now, category)?;
    let paused = policy.pause.contains(&category);
    let mut out: Vec<Clock> = Vec::with_capacity(clocks.len());
    for r in clocks {
        let mut c = r.clock;
        let goal = c.goal_minutes * 60;
        c.state = match (r.stopped, c.used_seconds > goal) {
            (_, true) => ClockState::Breached,
            (true, false) => ClockState::Met,
            (false, false) if paused => ClockState::Paused,
            (false, false) => ClockState::Running,
        };
        c.due = if c.used_seconds >= goal {
            Some(reached(cal, &c, goal)?)
        } else if c.state == ClockState::Running {
            Some(cal.due(now, goal - c.used_seconds).map_err(|e| ReplayError(e.to_string()))?)
        } else {
            None
        };
        let point = warning_point(goal, policy.warning_percent);
        c.warn_at = if r.stopped {
            None
        } else if c.used_seconds >= point {
            Some(reached(cal, &c, point)?)
        } else if c.state == ClockState::Running {
            Some(cal.due(now, point - c.used_seconds).map_err(|e| ReplayError(e.to_string()))?)
        } else {
            None
        };
        out.push(c);
    }
    out.sort_by_key(|c| (c.target, c.cycle));
    Ok(out)
}

/// The used seconds at which a goal of `goal` seconds is warned: the least `u` with
/// `u × 100 ≥ goal × percent` (the rule for `warned`).
pub fn warning_point(goal: i64, percent: u8) -> i64 {
    (goal * i64::from(percent)).div_euclid(100) + i64::from((goal * i64::from(percent)).rem_euclid(100) != 0)
}

/// The instant a clock's used time reached `goal` seconds (its start for a zero goal).
fn reached(cal: &impl BusinessTime, c: &Clock, goal: i64) -> Result<i64, ReplayError> {
    if goal == 0 {
        return Ok(c.started_at);
    }
    let mut used = 0;
    for s in c.spans.iter().filter(|s| s.kind == SpanKind::Running) {
        if used + s.business >= goal {
            return cal.due(s.from, goal - used).map_err(|e| ReplayError(e.to_string()));
        }
        used += s.business;
    }
    Ok(c.started_at)
}

impl Policy {
    /// Parses the policy file:
    /// `{"calendar":{…},"targets":{"urgent":{"first_response":60,"next_response":120,"resolution":480},…},
    /// "pause":["waiting_on_customer"],"warning_percent":80}`. `pause` defaults to waiting on
    /// customer, `warning_percent` to 80.
    ///
    /// # Errors
    /// A message naming the field.
    pub fn from_json(v: &Value) -> Result<Self, ReplayError> {
        let Some(obj) = v.as_object() else { return err("policy: must be an object") };
        for k in obj.keys() {
            if !matches!(k.as_str(), "calendar" | "targets" | "pause" | "warning_percent") {
                return err(format!("policy: unknown key \"{k}\""));
            }
        }
        let calendar = Calendar::from_json(obj.get("calendar").unwrap_or(&Value::Null))
            .map_err(|e| ReplayError(format!("calendar: {e}")))?;
        let Some(Value::Object(ts)) = obj.get("targets") else { return err("targets: must be an object keyed by priority") };
        let mut targets = BTreeMap::new();
        for (k, t) in ts {
            let p = Priority::parse(k).map_err(|_| ReplayError(format!("targets: unknown priority \"{k}\"")))?;
            let Some(t) = t.as_object() else { return err(format!("targets.{k}: must be an object")) };
            for key in t.keys() {
                if !matches!(key.as_str(), "first_response" | "next_response" | "resolution") {
                    return err(format!("targets.{k}: unknown key \"{key}\""));
                }
            }
            let minutes = |name: &str| -> Result<Option<i64>, ReplayError> {
                match t.get(name) {
                    None | Some(Value::Null) => Ok(None),
                    Some(v) => match v.as_u64() {
                        Some(m) if m <= MAX_GOAL_MINUTES as u64 => Ok(Some(m as i64)),
                        _ => err(format!("targets.{k}.{name}: must be whole minutes from 0 to {MAX_GOAL_MINUTES}")),
                    },
                }
            };
            let first_response = minutes("first_response")?.ok_or_else(|| ReplayError(format!("targets.{k}.first_response: required")))?;
            let resolution = minutes("resolution")?.ok_or_else(|| ReplayError(format!("targets.{k}.resolution: required")))?;
            targets.insert(p, Goals { first_response, next_response: minutes("next_response")?, resolution });
        }
        let with_next = targets.values().filter(|g| g.next_response.is_some()).count();
        if with_next != 0 && with_next != targets.len() {
            return err("targets: next_response must be given for every priority or for none");
        }
        let pause = match obj.get("pause") {
            None => vec![StatusCategory::WaitingOnCustomer],
            Some(Value::Array(list)) => list
                .iter()
                .map(|c| {
                    c.as_str()
                        .and_then(|s| StatusCategory::parse(s).ok())
                        .ok_or_else(|| ReplayError(format!("pause: unknown status category {c}")))
                })
                .collect::<Result<_, _>>()?,
            Some(_) => return err("pause: must be a list of status categories"),
        };
        let warning_percent = match obj.get("warning_percent") {
            None => 80,
            Some(v) => match v.as_u64() {
                Some(p @ 1..=100) => p as u8,
                _ => return err("warning_percent: must be a whole number from 1 to 100"),
            },
        };
        if !calendar.has_working_time() {
            return err("calendar: has no working time");
        }
        Ok(Policy { calendar, targets, pause, warning_percent })
    }
}

impl Event {
    /// Parses one line of an events file (see `accord sla replay`).
    ///
    /// # Errors
    /// A message naming what is wrong.
    pub fn from_json(v: &Value) -> Result<Self, ReplayError> {
        let Some(obj) = v.as_object() else { return err("an event must be an object") };
        let at = match obj.get("at").and_then(Value::as_str) {
            Some(s) => super::parse_instant(s).map_err(|e| ReplayError(format!("at: {e}")))?,
            None => return err("at: required, an RFC 3339 instant"),
        };
        let s = |k: &str| obj.get(k).and_then(Value::as_str);
        let kind = match s("type") {
            Some("created") => EventKind::Created {
                priority: Priority::parse(s("priority").unwrap_or("")).map_err(|_| ReplayError(format!("priority: unknown {:?}", obj.get("priority"))))?,
                category: category(obj.get("category"))?,
            },
            Some("reply") => EventKind::Reply {
                by: match s("by") {
                    Some("agent") => Party::Agent,
                    Some("customer") => Party::Customer,
                    _ => return err(format!("by: must be agent or customer, not {:?}", obj.get("by"))),
                },
                public: match obj.get("public") {
                    Some(Value::Bool(b)) => *b,
                    _ => return err("public: must be true or false"),
                },
            },
            Some("status") => EventKind::Status { category: category(obj.get("category"))? },
            Some("priority") => EventKind::Priority {
                priority: Priority::parse(s("priority").unwrap_or("")).map_err(|_| ReplayError(format!("priority: unknown {:?}", obj.get("priority"))))?,
            },
            Some(t) => return err(format!("type: unknown event type \"{t}\"")),
            None => return err("type: required"),
        };
        Ok(Event { at: at.timestamp(), kind })
    }
}

fn category(v: Option<&Value>) -> Result<StatusCategory, ReplayError> {
    v.and_then(Value::as_str)
        .and_then(|s| StatusCategory::parse(s).ok())
        .ok_or_else(|| ReplayError(format!("category: unknown status category {}", v.map_or("(missing)".to_owned(), Value::to_string))))
}
