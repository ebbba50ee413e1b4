//! SLA rules on the server: calendars and policies (managers edit, everyone reads), which
//! policy a ticket falls under, and its clocks, computed by the one replay function from the
//! ticket's events and kept in step when events, policies or calendars change.
//!
//! Keeping in step: every change that can move a ticket's clocks marks the ticket stale in the
//! same transaction (a ticket edit or comment marks that ticket; a policy or calendar edit, a
//! new default or a customer's new policy marks the open tickets it reaches). The ticket's own
//! changes are recomputed at once; [`reapply_batch`] works through the rest in batches.
//! Closed and resolved tickets keep the results they closed with: a recompute of one replays
//! against the policy and calendar versions it was computed with.

use chrono::{DateTime, Utc};

use crate::domain::{
    CalendarDoc, CalendarInput, CalendarSpans, CalendarSummary, CalendarView, ClockView, DuePreview, PolicyBody, PolicyCandidates, PolicyInput,
    ClockTimeline, GoalChange, PolicyLevel, TermsRef, TermsSwitch, PolicySummary, PolicyView, Priority, Problem, Role, SlaCountdown, SlaExplain, StatusCategory, TicketSlaView,
    TimelineSpan, resolve_policy,
};
use crate::error::AppError;
use crate::server::render::shown;
use crate::server::store::sla::{self as store, ClockRow, ClockSource, PolicyWrite};
use crate::server::store::tickets as tickets_store;
use crate::server::{Actor, Db};
use crate::sla::calendar::Calendar;
use crate::sla::clock::{Event, EventKind, Party, Policy, replay};
use crate::sla::zoned::ZonedCalendar;
use crate::sla::{BusinessTime, instant};

use super::require;

fn internal(e: impl std::fmt::Display) -> AppError {
    tracing::error!("sla: {e}");
    AppError::Internal
}

/// A stored calendar body.
fn doc(body: &str) -> Result<CalendarDoc, AppError> {
    serde_json::from_str(body).map_err(internal)
}

fn policy_body(body: &str) -> Result<PolicyBody, AppError> {
    serde_json::from_str(body).map_err(internal)
}

/// Checks the timezone and builds the zoned calendar.
fn zoned(d: &CalendarDoc) -> Result<(Calendar, ZonedCalendar), AppError> {
    let cal = d.calendar().map_err(|_| AppError::invalid("timezone", Problem::Required))?;
    let z = ZonedCalendar::new(&cal).map_err(|_| AppError::invalid("timezone", Problem::BadTimezone))?;
    Ok((cal, z))
}

fn preview(actor: &Actor, d: &CalendarDoc, now: DateTime<Utc>) -> Result<DuePreview, AppError> {
    let (_, z) = zoned(d)?;
    let hours = 4;
    let due = z.due(now.timestamp(), hours * 3600).ok().and_then(|s| instant(s).ok());
    Ok(DuePreview {
        hours,
        now: shown(now, actor.timezone, actor.language),
        due_local: due.map(|t| shown(t, z.tz(), actor.language)),
        due_viewer: due.map(|t| shown(t, actor.timezone, actor.language)),
        calendar_tz: d.timezone.clone(),
        viewer_tz: actor.timezone.name().to_owned(),
    })
}

/// Every calendar.
///
/// # Errors
/// Database errors.
pub async fn calendars(db: &Db, _actor: &Actor) -> Result<Vec<CalendarSummary>, AppError> {
    store::calendars(db)
        .await?
        .into_iter()
        .map(|r| {
            let d = doc(&r.body)?;
            let weekly_minutes = d.week.iter().flatten().map(|i| i.end - i.start).sum();
            Ok(CalendarSummary { id: r.id, name: r.name, timezone: d.timezone, weekly_minutes, holidays: d.holidays.len(), version: r.version, policies: r.policies })
        })
        .collect()
}

/// The calendar editor's data, with a preview computed at `now`.
///
/// # Errors
/// `NotFound`; database errors.
pub async fn calendar(db: &Db, actor: &Actor, id: i64, now: DateTime<Utc>) -> Result<CalendarView, AppError> {
    let r = store::calendar(db, id).await?;
    let d = doc(&r.body)?;
    let policies = store::policies(db).await?.into_iter().filter(|p| p.calendar_id == id).map(|p| p.name).collect();
    Ok(CalendarView {
        id: r.id,
        name: r.name,
        timezone: d.timezone.clone(),
        days: (0..7).map(|i| d.day_text(i)).collect(),
        always: d.is_24x7(),
        holidays: d.holidays_text(),
        weekly_minutes: d.week.iter().flatten().map(|i| i.end - i.start).sum(),
        version: r.version,
        updated: shown(r.updated_at, actor.timezone, actor.language),
        preview: preview(actor, &d, now)?,
        policies,
    })
}

/// Creates a calendar (managers).
///
/// # Errors
/// `Forbidden`; `Invalid` for an unknown timezone or a taken name.
pub async fn create_calendar(db: &Db, actor: &Actor, input: CalendarInput, now: DateTime<Utc>) -> Result<i64, AppError> {
    require(actor, Role::Manager)?;
    zoned(&input.doc)?;
    let body = serde_json::to_string(&input.doc).map_err(internal)?;
    store::insert_calendar(db, &input.name, &body, Some(actor.id), crate::server::db::now_micros(now))
        .await
        .map_err(|e| super::unique_to_field(e, "name"))
}

/// Saves a new version of a calendar (managers); open tickets measured in it are recomputed in
/// the background.
///
/// # Errors
/// `Forbidden`; `NotFound`; `Invalid` for an unknown timezone, a taken name, or no working time
/// while policies use it.
pub async fn update_calendar(db: &Db, actor: &Actor, id: i64, input: CalendarInput, now: DateTime<Utc>) -> Result<i64, AppError> {
    require(actor, Role::Manager)?;
    let (cal, _) = zoned(&input.doc)?;
    let r = store::calendar(db, id).await?;
    if r.policies > 0 && !cal.has_working_time() {
        return Err(AppError::invalid("week", Problem::NoWorkingTime));
    }
    let body = serde_json::to_string(&input.doc).map_err(internal)?;
    store::update_calendar(db, id, &input.name, &body, Some(actor.id), crate::server::db::now_micros(now))
        .await
        .map_err(|e| super::unique_to_field(e, "name"))
}

/// Creates a calendar from the file format (`accord sla`'s), e.g. an export from elsewhere.
///
/// # Errors
/// `Forbidden`; `Invalid` on `import` naming the first problem.
pub async fn import_calendar(db: &Db, actor: &Actor, name: &str, json: &str, now: DateTime<Utc>) -> Result<i64, AppError> {
    require(actor, Role::Manager)?;
    let v: serde_json::Value = serde_json::from_str(json).map_err(|_| AppError::invalid("import", Problem::UnknownValue))?;
    let cal = Calendar::from_json(&v).map_err(|e| AppError::invalid("import", Problem::BadFile(e.to_string())))?;
    let holidays = cal
        .holidays()
        .iter()
        .map(|d| crate::domain::Holiday { date: *d, yearly: false, name: String::new() })
        .collect();
    let name = name.trim();
    if name.is_empty() {
        return Err(AppError::invalid("name", Problem::Required));
    }
    let input = CalendarInput { name: name.chars().take(100).collect(), doc: CalendarDoc { timezone: cal.timezone().to_owned(), week: cal.week().clone(), holidays } };
    create_calendar(db, actor, input, now).await
}

/// A calendar in the file format, yearly holidays listed for last year and the next ten.
///
/// # Errors
/// `NotFound`; database errors.
pub async fn export_calendar(db: &Db, _actor: &Actor, id: i64, now: DateTime<Utc>) -> Result<(String, String), AppError> {
    use chrono::Datelike;
    let r = store::calendar(db, id).await?;
    let cal = doc(&r.body)?.calendar().map_err(internal)?;
    let y = now.year();
    Ok((r.name, cal.to_json(y - 1..=y + 10).to_string()))
}

fn summary(r: store::PolicyRow) -> Result<PolicySummary, AppError> {
    let body = policy_body(&r.body)?;
    Ok(PolicySummary {
        id: r.id,
        name: r.name,
        calendar_id: r.calendar_id,
        calendar_name: r.calendar_name,
        is_default: r.is_default,
        version: r.version,
        customers: r.customers,
        goals: Priority::ALL.iter().filter_map(|p| body.targets.get(p).map(|g| (*p, *g))).collect(),
    })
}

/// Every policy.
///
/// # Errors
/// Database errors.
pub async fn policies(db: &Db, _actor: &Actor) -> Result<Vec<PolicySummary>, AppError> {
    store::policies(db).await?.into_iter().map(summary).collect()
}

/// The policy editor's data.
///
/// # Errors
/// `NotFound`; database errors.
pub async fn policy(db: &Db, actor: &Actor, id: i64) -> Result<PolicyView, AppError> {
    let r = store::policy(db, id).await?;
    let body = policy_body(&r.body)?;
    let updated = shown(r.updated_at, actor.timezone, actor.language);
    let calendars = store::calendars(db).await?.into_iter().map(|c| (c.id, c.name)).collect();
    let customer_names = store::policy_customers(db, id).await?;
    Ok(PolicyView { summary: summary(r)?, pause: body.pause, warning_percent: body.warning_percent, updated, calendars, customer_names })
}

pub(crate) async fn check_calendar(db: &Db, id: i64) -> Result<(), AppError> {
    let r = match store::calendar(db, id).await {
        Ok(r) => r,
        Err(sqlx::Error::RowNotFound) => return Err(AppError::invalid("calendar_id", Problem::NotAvailable)),
        Err(e) => return Err(e.into()),
    };
    if !doc(&r.body)?.calendar().map_err(internal)?.has_working_time() {
        return Err(AppError::invalid("calendar_id", Problem::NoWorkingTime));
    }
    Ok(())
}

/// Creates a policy (managers).
///
/// # Errors
/// `Forbidden`; `Invalid` for a taken name, a missing calendar or one with no working time.
pub async fn create_policy(db: &Db, actor: &Actor, input: PolicyInput, now: DateTime<Utc>) -> Result<i64, AppError> {
    require(actor, Role::Manager)?;
    check_calendar(db, input.calendar_id).await?;
    let body = serde_json::to_string(&input.body).map_err(internal)?;
    let w = PolicyWrite { name: &input.name, calendar_id: input.calendar_id, body: &body, is_default: input.is_default };
    store::insert_policy(db, w, Some(actor.id), crate::server::db::now_micros(now)).await.map_err(|e| super::unique_to_field(e, "name"))
}

/// Saves a new version of a policy (managers); the open tickets under it are recomputed in the
/// background, closed ones keep their results.
///
/// # Errors
/// `Forbidden`; `NotFound`; `Invalid` as for [`create_policy`].
pub async fn update_policy(db: &Db, actor: &Actor, id: i64, input: PolicyInput, now: DateTime<Utc>) -> Result<i64, AppError> {
    require(actor, Role::Manager)?;
    check_calendar(db, input.calendar_id).await?;
    let body = serde_json::to_string(&input.body).map_err(internal)?;
    let w = PolicyWrite { name: &input.name, calendar_id: input.calendar_id, body: &body, is_default: input.is_default };
    store::update_policy(db, id, w, Some(actor.id), crate::server::db::now_micros(now)).await.map_err(|e| super::unique_to_field(e, "name"))
}

/// Sets or clears a customer's own policy (managers).
///
/// # Errors
/// `Forbidden`; `NotFound`; `Invalid` for a policy that does not exist.
pub async fn set_customer_policy(db: &Db, actor: &Actor, customer_id: i64, policy_id: Option<i64>, now: DateTime<Utc>) -> Result<(), AppError> {
    require(actor, Role::Manager)?;
    if let Some(p) = policy_id {
        if matches!(store::policy(db, p).await, Err(sqlx::Error::RowNotFound)) {
            return Err(AppError::invalid("sla_policy_id", Problem::NotAvailable));
        }
    }
    store::set_customer_policy(db, customer_id, policy_id, crate::server::db::now_micros(now)).await?;
    Ok(())
}

/// The policy each level names for a ticket of a customer about a service under an agreement.
/// The agreement's terms hold after it expires (the ticket keeps what it was opened under); a
/// deactivated service keeps its policy for the tickets that name it.
async fn candidates(db: &Db, customer_id: i64, service_id: Option<i64>, agreement_id: Option<i64>) -> Result<(PolicyCandidates, Option<i64>), AppError> {
    let service = match service_id {
        Some(id) => crate::server::store::services::get(db, id).await?.sla_policy_id,
        None => None,
    };
    let (agreement_service, agreement, calendar) = match agreement_id {
        Some(a) => crate::server::store::agreements::policies_for(db, a, service_id).await?,
        None => (None, None, None),
    };
    let c = PolicyCandidates { agreement_service, agreement, service, customer: store::customer_policy(db, customer_id).await?, default: store::default_policy(db).await? };
    Ok((c, calendar))
}

/// A ticket's history as replay events. Tickets made before events existed (or by bulk
/// imports) get a `created` at their creation time; times never run backwards (servers'
/// clocks differ by a little).
fn events(t: &store::ReplayTicketRow, rows: &[store::ReplayEventRow], categories: &[(i64, StatusCategory)]) -> Vec<Event> {
    let category = |id: &str| id.parse::<i64>().ok().and_then(|id| categories.iter().find(|(s, _)| *s == id).map(|(_, c)| *c));
    fn changes<'a>(rows: &'a [store::ReplayEventRow], field: &'a str) -> impl Iterator<Item = &'a store::ReplayEventRow> + 'a {
        rows.iter().filter(move |r| r.kind == "changed" && r.field.as_deref() == Some(field))
    }
    let first_priority = changes(rows, "priority")
        .next()
        .and_then(|r| r.old_value.as_deref())
        .and_then(|p| Priority::parse(p).ok())
        .or_else(|| Priority::parse(&t.priority).ok())
        .unwrap_or(Priority::Normal);
    let first_category = changes(rows, "status")
        .next()
        .and_then(|r| r.old_value.as_deref().and_then(category))
        .or_else(|| StatusCategory::parse(&t.category).ok())
        .unwrap_or(StatusCategory::New);
    let mut out = Vec::with_capacity(rows.len() + 1);
    let created_at = rows.iter().find(|r| r.kind == "created").map_or(t.created_at, |r| r.at);
    out.push(Event { at: created_at.timestamp(), kind: EventKind::Created { priority: first_priority, category: first_category } });
    let mut last = created_at.timestamp();
    for r in rows {
        let kind = match (r.kind.as_str(), r.field.as_deref()) {
            ("replied", _) => EventKind::Reply { by: Party::Agent, public: true },
            ("noted", _) => EventKind::Reply { by: Party::Agent, public: false },
            ("customer_replied", _) => EventKind::Reply { by: Party::Customer, public: true },
            ("changed", Some("status")) => match r.new_value.as_deref().and_then(category) {
                Some(category) => EventKind::Status { category },
                None => continue,
            },
            ("changed", Some("priority")) => match r.new_value.as_deref().and_then(|p| Priority::parse(p).ok()) {
                Some(priority) => EventKind::Priority { priority },
                None => continue,
            },
            _ => continue,
        };
        last = last.max(r.at.timestamp());
        out.push(Event { at: last, kind });
    }
    out
}

/// The policy and calendar a ticket's clocks are computed with: for a resolved or closed
/// ticket the versions it was computed with; otherwise the current ones of the policy that
/// applies now.
async fn inputs(db: &Db, ticket_id: i64, t: &store::ReplayTicketRow) -> Result<Option<(ClockSource<'static>, Policy, ZonedCalendar, CalendarDoc)>, AppError> {
    let done = matches!(StatusCategory::parse(&t.category), Ok(StatusCategory::Resolved | StatusCategory::Closed));
    let stored = store::ticket_sla(db, ticket_id).await?;
    let (policy_id, level, policy_version, body, calendar_version, cal_body, calendar_id) = match (done, stored.sla_policy_id, stored.sla_policy_version, stored.sla_calendar_version) {
        (true, Some(pid), Some(pv), Some(cv)) => {
            let (cid, body) = store::policy_version(db, pid, pv).await?;
            let cal_body = store::calendar_version(db, stored.sla_calendar_id.unwrap_or(cid), cv).await?;
            let level = stored.sla_level.as_deref().and_then(PolicyLevel::parse).unwrap_or(PolicyLevel::Default);
            (pid, level, pv, body, cv, cal_body, stored.sla_calendar_id)
        }
        _ => {
            let (found, calendar) = candidates(db, t.customer_id, t.service_id, t.agreement_id).await?;
            let Some((pid, level)) = resolve_policy(&found) else { return Ok(None) };
            let p = store::policy(db, pid).await?;
            // The agreement's support hours for the service, when it names them.
            let calendar = calendar.filter(|c| *c != p.calendar_id);
            let c = store::calendar(db, calendar.unwrap_or(p.calendar_id)).await?;
            (pid, level, p.version, p.body, c.version, c.body, calendar)
        }
    };
    let body = policy_body(&body)?;
    let d = doc(&cal_body)?;
    let cal = d.calendar().map_err(internal)?;
    let zoned = ZonedCalendar::new(&cal).map_err(internal)?;
    let policy = Policy { calendar: cal, targets: body.targets, pause: body.pause, warning_percent: body.warning_percent };
    Ok(Some((ClockSource { policy_id, level: level.as_str(), policy_version, calendar_version, calendar_id }, policy, zoned, d)))
}

/// Computes a ticket's clocks from its events at `now` and stores them (or clears them when no
/// policy applies).
///
/// # Errors
/// `NotFound`; database errors. A history the replay refuses is logged and leaves the ticket
/// without clocks rather than failing the caller.
pub async fn refresh_ticket(db: &Db, ticket_id: i64, now: DateTime<Utc>) -> Result<(), AppError> {
    refresh_with(db, ticket_id, now, &categories(db).await?).await
}

/// Each status's category.
async fn categories(db: &Db) -> Result<Vec<(i64, StatusCategory)>, AppError> {
    Ok(tickets_store::statuses(db)
        .await?
        .into_iter()
        .filter_map(|s| StatusCategory::parse(&s.category).ok().map(|c| (s.id, c)))
        .collect())
}

async fn refresh_with(db: &Db, ticket_id: i64, now: DateTime<Utc>, categories: &[(i64, StatusCategory)]) -> Result<(), AppError> {
    let t = store::replay_ticket(db, ticket_id).await?;
    let now = crate::server::db::now_micros(now);
    let Some((source, policy, cal, _)) = inputs(db, ticket_id, &t).await? else {
        store::save_clocks(db, ticket_id, t.sla_gen, None, &[], now).await?;
        return Ok(());
    };
    let rows = store::replay_events(db, ticket_id).await?;
    let evs = events(&t, &rows, categories);
    let at = now.timestamp().max(evs.last().map_or(0, |e| e.at));
    let clocks = match replay(&policy, &cal, &evs, at) {
        Ok(c) => c,
        Err(e) => {
            tracing::warn!(ticket_id, "sla: cannot replay the ticket's history: {e}");
            Vec::new()
        }
    };
    let ts = |s: i64| instant(s).unwrap_or(now);
    let rows: Vec<ClockRow> = clocks
        .iter()
        .map(|c| ClockRow {
            target: c.target.as_str().to_owned(),
            cycle: i64::from(c.cycle),
            state: c.state.as_str().to_owned(),
            goal_minutes: c.goal_minutes,
            used_seconds: c.used_seconds,
            started_at: ts(c.started_at),
            due_at: c.due.map(ts),
            stopped_at: c.stopped_at.map(ts),
            warned: c.warned,
            warn_at: c.warn_at.map(ts),
        })
        .collect();
    store::save_clocks(db, ticket_id, t.sla_gen, Some(source), &rows, now).await?;
    Ok(())
}

/// Recomputes up to `limit` stale tickets; returns how many. Safe to run on several servers at
/// once: a recompute is idempotent, and a ticket marked again meanwhile stays marked.
///
/// # Errors
/// Database errors (a ticket that fails is logged and skipped).
pub async fn reapply_batch(db: &Db, now: DateTime<Utc>, limit: i64) -> Result<usize, AppError> {
    let ids = store::stale_tickets(db, limit).await?;
    if ids.is_empty() {
        return Ok(0);
    }
    let categories = categories(db).await?;
    for id in &ids {
        if let Err(e) = refresh_with(db, *id, now, &categories).await {
            tracing::warn!(ticket_id = id, "sla: recompute failed: {e}");
        }
    }
    Ok(ids.len())
}

/// How far ahead a page's working spans reach. A page left open longer still turns red at the
/// due instant (see [`SlaCountdown::used_at`]).
const SPANS_AHEAD: i64 = 14 * 86_400;

/// Live countdowns for the clocks not stopped of `ticket_ids`, each counted on to `now` by the
/// server (so the page starts from now), as `(ticket id, cycle, countdown)`, and the working
/// spans of their calendars from `now` for [`SPANS_AHEAD`]. A policy or calendar that cannot be
/// read leaves its tickets without countdowns (logged), never fails the page.
///
/// # Errors
/// Database errors.
pub async fn live_clocks(db: &Db, ticket_ids: &[i64], now: DateTime<Utc>) -> Result<(Vec<(i64, i64, SlaCountdown)>, Vec<CalendarSpans>), AppError> {
    use std::collections::BTreeMap;
    let rows = store::open_clocks(db, ticket_ids).await?;
    let now_s = now.timestamp();
    let mut policies: BTreeMap<i64, Option<(i64, PolicyBody)>> = BTreeMap::new();
    let mut calendars: BTreeMap<i64, Option<ZonedCalendar>> = BTreeMap::new();
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        if !policies.contains_key(&r.policy_id) {
            let p = match store::policy(db, r.policy_id).await {
                Ok(p) => policy_body(&p.body).ok().map(|b| (p.calendar_id, b)),
                Err(sqlx::Error::RowNotFound) => None,
                Err(e) => return Err(e.into()),
            };
            policies.insert(r.policy_id, p);
        }
        let Some(Some((policy_calendar, body))) = policies.get(&r.policy_id) else { continue };
        let calendar_id = &r.calendar_id.unwrap_or(*policy_calendar);
        if !calendars.contains_key(calendar_id) {
            let z = match store::calendar(db, *calendar_id).await {
                Ok(c) => doc(&c.body).and_then(|d| zoned(&d)).ok().map(|(_, z)| z),
                Err(sqlx::Error::RowNotFound) => None,
                Err(e) => return Err(e.into()),
            };
            if z.is_none() {
                tracing::warn!(calendar_id, "sla: calendar unreadable, no live countdowns");
            }
            calendars.insert(*calendar_id, z);
        }
        let Some(Some(cal)) = calendars.get(calendar_id) else { continue };
        let paused = StatusCategory::parse(&r.category).is_ok_and(|c| body.pause.contains(&c));
        let from = r.computed_at.timestamp();
        let used = if paused || from >= now_s { r.used_seconds } else { r.used_seconds + cal.elapsed(from, now_s).unwrap_or(0) };
        let Some(target) = crate::sla::Target::ALL.into_iter().find(|t| t.as_str() == r.target) else { continue };
        let goal = r.goal_minutes * 60;
        out.push((
            r.ticket_id,
            r.cycle,
            SlaCountdown {
                target,
                paused,
                goal_seconds: goal,
                warn_seconds: crate::sla::clock::warning_point(goal, body.warning_percent),
                used_seconds: used,
                at: now_s,
                due: r.due_at.map(|d| d.timestamp()),
                calendar: *calendar_id,
            },
        ));
    }
    let spans = calendars
        .into_iter()
        .filter_map(|(id, z)| Some(CalendarSpans { id, spans: z?.span_list(now_s, now_s + SPANS_AHEAD).ok()? }))
        .filter(|c| out.iter().any(|(_, _, l)| l.calendar == c.id))
        .collect();
    Ok((out, spans))
}

/// The most pressing countdown of each of `ticket_ids` (the soonest due; paused ones after
/// running ones, by time left), and the spans they count over.
///
/// # Errors
/// Database errors.
pub async fn countdowns(db: &Db, ticket_ids: &[i64], now: DateTime<Utc>) -> Result<(Vec<(i64, SlaCountdown)>, Vec<CalendarSpans>), AppError> {
    let (clocks, spans) = live_clocks(db, ticket_ids, now).await?;
    let mut best: Vec<(i64, SlaCountdown)> = Vec::new();
    let key = |c: &SlaCountdown| (c.paused, c.due.unwrap_or(i64::MAX), c.goal_seconds - c.used_seconds);
    for (id, _, c) in clocks {
        match best.iter_mut().find(|(t, _)| *t == id) {
            Some((_, b)) if key(&c) < key(b) => *b = c,
            Some(_) => {}
            None => best.push((id, c)),
        }
    }
    Ok((best, spans))
}

/// What one run of the alert scheduler did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Fired {
    /// Warnings fired (history event and notices).
    pub warnings: usize,
    /// Breaches fired.
    pub breaches: usize,
    /// Warnings that came due outside working hours, moved to the next opening.
    pub held: usize,
    /// Warnings dropped because the same clock's breach fires with them (one notice, not two).
    pub superseded: usize,
}

/// Fires the SLA warnings and breaches due at `now` (up to `limit`), each exactly once: into
/// the ticket's history, and as an in-app notice to the assignee, or to the managers when
/// nobody is assigned. What came due while no server ran fires on the next run. A warning due
/// outside the calendar's working hours (a catch-up at night, or a point that falls at closing
/// time) is held until the next opening; breaches fire when they happen. Tickets waiting for a
/// recompute are left until it is done, so an answer given just before the due instant never
/// fires a breach. Safe on several servers at once (see [`crate::server::store::alerts::fire`]).
///
/// # Errors
/// Database errors reading what is due; a ticket that fails is logged and tried again later.
pub async fn fire_due(db: &Db, now: DateTime<Utc>, limit: i64) -> Result<Fired, AppError> {
    use crate::server::store::alerts::{self, Fire};
    let now = crate::sla::truncate(now);
    let mut out = Fired::default();
    for a in alerts::due(db, now, limit).await? {
        let one = async {
            let warning = a.kind == "warning";
            if warning {
                if alerts::breach_at(db, &a).await?.is_some_and(|b| b <= now) {
                    if alerts::fire(db, &Fire { alert: &a, event: None, notify: &[], due_at: a.fire_at }, now).await? {
                        out.superseded += 1;
                    }
                    return Ok::<(), AppError>(());
                }
                match next_opening(db, a.ticket_id, now).await {
                    Ok(Some(open)) if open > now => {
                        alerts::hold(db, &a, open).await?;
                        out.held += 1;
                        return Ok(());
                    }
                    Ok(_) => {}
                    // A notice on time is worth more than the hold.
                    Err(e) => tracing::warn!(ticket_id = a.ticket_id, "sla: no calendar to hold a warning to: {e}"),
                }
            }
            let notify = alerts::recipients(db, a.ticket_id).await?;
            let event = if warning { "sla_warning" } else { "sla_breach" };
            if alerts::fire(db, &Fire { alert: &a, event: Some(event), notify: &notify, due_at: a.fire_at }, now).await? {
                if warning {
                    out.warnings += 1;
                } else {
                    out.breaches += 1;
                }
            }
            Ok(())
        };
        if let Err(e) = one.await {
            tracing::warn!(ticket_id = a.ticket_id, kind = a.kind, "sla: alert not fired: {e}");
        }
    }
    Ok(out)
}

/// The first working instant at or after `now` on the calendar the ticket's clocks use (`now`
/// itself when open, and always on a 24×7 calendar); none when no policy applies.
async fn next_opening(db: &Db, ticket_id: i64, now: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, AppError> {
    let t = store::replay_ticket(db, ticket_id).await?;
    let Some((_, _, cal, _)) = inputs(db, ticket_id, &t).await? else { return Ok(None) };
    // One business second from `now` ends one second after the opening.
    let open = cal.due(now.timestamp(), 1).map_err(internal)? - 1;
    Ok(instant(open).ok())
}

/// The explain timeline of a ticket's clocks: replays its history now (the same function that
/// computed the stored clocks) and describes each cycle's stretches, running or paused (and in
/// which status category), the time outside working hours and the holidays each skipped, and
/// the goal changes priority switches made. With the policy's rule for the current priority.
async fn explain(db: &Db, actor: &Actor, ticket_id: i64, now: DateTime<Utc>) -> Result<Option<SlaExplain>, AppError> {
    use chrono::Datelike;
    let t = store::replay_ticket(db, ticket_id).await?;
    let Some((source, policy, cal, doc)) = inputs(db, ticket_id, &t).await? else { return Ok(None) };
    let rows = store::replay_events(db, ticket_id).await?;
    let evs = events(&t, &rows, &categories(db).await?);
    let at = now.timestamp().max(evs.last().map_or(0, |e| e.at));
    let Ok(clocks) = replay(&policy, &cal, &evs, at) else { return Ok(None) };
    let show = |s: i64| shown(instant(s).unwrap_or(now), actor.timezone, actor.language);
    let tz = cal.tz();
    let holidays_in = |from: i64, to: i64| -> Vec<String> {
        let (Ok(a), Ok(b)) = (instant(from), instant((to - 1).max(from))) else { return Vec::new() };
        let (mut d, last) = (a.with_timezone(&tz).date_naive(), b.with_timezone(&tz).date_naive());
        let mut out = Vec::new();
        while d <= last && out.len() < 10 {
            if let Some(h) = doc.holidays.iter().find(|h| if h.yearly { (h.date.month(), h.date.day()) == (d.month(), d.day()) } else { h.date == d }) {
                out.push(if h.name.is_empty() { d.format("%Y-%m-%d").to_string() } else { format!("{} ({})", h.name, d.format("%Y-%m-%d")) });
            }
            let Some(next) = d.succ_opt() else { break };
            d = next;
        }
        out
    };
    let priority_changes: Vec<(i64, Priority)> = evs
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Priority { priority } => Some((e.at, priority)),
            _ => None,
        })
        .collect();
    // A clock started this very second has no stretch yet: show the one it is in, empty.
    let current = StatusCategory::parse(&t.category).unwrap_or(StatusCategory::New);
    let opening = |c: &crate::sla::clock::Clock| crate::sla::clock::ClockSpan {
        from: c.started_at,
        to: c.stopped_at.unwrap_or(at).max(c.started_at),
        kind: crate::sla::clock::SpanKind::Running,
        category: current,
        business: 0,
    };
    let timeline = clocks
        .iter()
        .map(|c| ClockTimeline {
            target: c.target,
            cycle: c.cycle,
            spans: (if c.spans.is_empty() { vec![opening(c)] } else { c.spans.clone() })
                .iter()
                .map(|s| {
                    let running = s.kind == crate::sla::clock::SpanKind::Running;
                    TimelineSpan {
                        from: show(s.from),
                        to: show(s.to),
                        running,
                        category: s.category,
                        business_seconds: s.business,
                        closed_seconds: if running { (s.to - s.from - s.business).max(0) } else { 0 },
                        holidays: holidays_in(s.from, s.to),
                    }
                })
                .collect(),
            goal_changes: priority_changes
                .iter()
                .filter(|(when, _)| *when >= c.started_at && c.stopped_at.is_none_or(|s| *when <= s))
                .filter_map(|(when, p)| {
                    let g = policy.targets.get(p)?;
                    let goal = match c.target {
                        crate::sla::Target::FirstResponse => Some(g.first_response),
                        crate::sla::Target::NextResponse => g.next_response,
                        crate::sla::Target::Resolution => Some(g.resolution),
                    }?;
                    Some(GoalChange { at: show(*when), priority: *p, goal_minutes: goal })
                })
                .collect(),
        })
        .collect();
    let priority = Priority::parse(&t.priority).unwrap_or(Priority::Normal);
    let rule = policy.targets.get(&priority).map(|g| (priority, g.first_response, g.next_response, g.resolution));
    let names = policy_names(db).await?;
    let switches = rows
        .iter()
        .filter_map(|r| match terms_switch(&names, &r.kind, r.field.as_deref(), r.old_value.as_deref(), r.new_value.as_deref()) {
            Some(crate::domain::EventKind::SlaTerms { from, to, level }) => Some(TermsSwitch { at: shown(r.at, actor.timezone, actor.language), from, to, level }),
            _ => None,
        })
        .collect();
    Ok(Some(SlaExplain {
        policy_version: source.policy_version,
        calendar_version: source.calendar_version,
        calendar_timezone: doc.timezone.clone(),
        warning_percent: policy.warning_percent,
        rule,
        timeline,
        switches,
    }))
}

/// Every policy's current name, for history entries that name policies by id.
///
/// # Errors
/// Database errors.
pub async fn policy_names(db: &Db) -> Result<Vec<(i64, String)>, AppError> {
    Ok(store::policies(db).await?.into_iter().map(|p| (p.id, p.name)).collect())
}

/// A history row as a switch of SLA terms, when it is one (`sla_terms`, written by
/// [`store::save_clocks`]).
pub fn terms_switch(names: &[(i64, String)], kind: &str, field: Option<&str>, old: Option<&str>, new: Option<&str>) -> Option<crate::domain::EventKind> {
    if kind != "sla_terms" {
        return None;
    }
    let terms = |v: Option<&str>| {
        let (policy_id, policy_version, calendar_version) = store::parse_terms(v?)?;
        let policy_name = names.iter().find(|(id, _)| *id == policy_id).map_or_else(|| format!("#{policy_id}"), |(_, n)| n.clone());
        Some(TermsRef { policy_id, policy_name, policy_version, calendar_version })
    };
    Some(crate::domain::EventKind::SlaTerms { from: terms(old), to: terms(new), level: field.and_then(PolicyLevel::parse) })
}

/// A ticket's SLA for the ticket page: its policy, where it came from, its clocks.
///
/// # Errors
/// Database errors.
pub async fn ticket_sla(db: &Db, actor: &Actor, ticket_id: i64, now: DateTime<Utc>) -> Result<Option<TicketSlaView>, AppError> {
    let s = store::ticket_sla(db, ticket_id).await?;
    let (Some(pid), Some(level)) = (s.sla_policy_id, s.sla_level.as_deref().and_then(PolicyLevel::parse)) else { return Ok(None) };
    let p = store::policy(db, pid).await?;
    let calendar_name = match s.sla_calendar_id {
        Some(c) => store::calendar(db, c).await.map(|c| c.name).unwrap_or(p.calendar_name),
        None => p.calendar_name,
    };
    let at = |t: DateTime<Utc>| shown(t, actor.timezone, actor.language);
    let (live, spans) = live_clocks(db, &[ticket_id], now).await?;
    let clocks = store::clocks(db, ticket_id)
        .await?
        .into_iter()
        .filter_map(|c| {
            let target = crate::sla::Target::ALL.into_iter().find(|t| t.as_str() == c.target)?;
            let state = [crate::sla::ClockState::Running, crate::sla::ClockState::Paused, crate::sla::ClockState::Met, crate::sla::ClockState::Breached]
                .into_iter()
                .find(|s| s.as_str() == c.state)?;
            Some(ClockView {
                target,
                cycle: u32::try_from(c.cycle).unwrap_or(1),
                state,
                goal_minutes: c.goal_minutes,
                used_seconds: c.used_seconds,
                due: c.due_at.map(at),
                stopped: c.stopped_at.map(at),
                warned: c.warned,
                live: live.iter().find(|(_, cycle, l)| *cycle == c.cycle && l.target == target).map(|(_, _, l)| l.clone()),
            })
        })
        .collect();
    Ok(Some(TicketSlaView { policy_id: pid, policy_name: p.name, level, calendar_name, clocks, spans: spans.into_iter().next(), explain: explain(db, actor, ticket_id, now).await? }))
}

#[cfg(test)]
mod tests {
    use chrono::{TimeDelta, TimeZone};

    use super::*;
    use crate::domain::{CalendarForm, Lang, NewComment, NewTicket, TicketEdit, Urgency};
    use crate::server::services::tickets;
    use crate::server::store::{agents, customers};
    use crate::server::testing::each_backend;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap()
    }

    async fn manager(db: &Db) -> Actor {
        let row = agents::NewAgentRow {
            email: "boss@example.com",
            name: "Boss",
            role: "manager",
            password_hash: Some("x"),
            language: "en",
            timezone: "Europe/Stockholm",
            invite_token_hash: None,
            invite_expires_at: None,
        };
        let id = agents::insert(db, &row, t0()).await.unwrap();
        Actor { id, name: "Boss".into(), email: "boss@example.com".into(), role: Role::Manager, language: Lang::En, timezone: chrono_tz::Europe::Stockholm }
    }

    fn always_form(name: &str) -> CalendarForm {
        CalendarForm { name: name.into(), timezone: "UTC".into(), always: Some("on".into()), ..Default::default() }
    }

    use crate::server::testing::policy_form;

    struct Desk {
        db: Db,
        boss: Actor,
        customer: i64,
        calendar: i64,
        policy: i64,
    }

    async fn desk(db: Db) -> Desk {
        let boss = manager(&db).await;
        let calendar = create_calendar(&db, &boss, CalendarInput::try_from(always_form("Around the clock")).unwrap(), t0()).await.unwrap();
        let policy = create_policy(&db, &boss, PolicyInput::try_from(policy_form("Standard", calendar, "1h", true)).unwrap(), t0()).await.unwrap();
        let customer = customers::insert(&db, "Acme", "Europe/Stockholm", t0()).await.unwrap();
        Desk { db, boss, customer, calendar, policy }
    }

    async fn open(d: &Desk, at: DateTime<Utc>) -> i64 {
        let t = NewTicket { customer_id: d.customer, requester_id: None, title: "VPN down".into(), description: String::new(), priority: Priority::Urgent, assignee_id: None, service_id: None, agreement_id: None, override_reason: None };
        tickets::create(&d.db, &d.boss, t, at).await.unwrap().0
    }

    async fn clock(d: &Desk, ticket: i64, target: &str) -> store::ClockRow {
        store::clocks(&d.db, ticket).await.unwrap().into_iter().find(|c| c.target == target && c.cycle == 1).expect("clock")
    }

    async fn status(d: &Desk, key: &str) -> i64 {
        tickets_store::statuses(&d.db).await.unwrap().into_iter().find(|s| s.system_key.as_deref() == Some(key)).unwrap().id
    }

    async fn set_status(d: &Desk, ticket: i64, key: &str, at: DateTime<Utc>) {
        let version = tickets_store::get(&d.db, ticket).await.unwrap().version;
        let edit = TicketEdit { version, title: None, description: None, status_id: Some(status(d, key).await), priority: None, assignee_id: None };
        tickets::edit(&d.db, &d.boss, ticket, edit, at).await.unwrap();
    }

    #[tokio::test]
    async fn clocks_follow_a_tickets_life() {
        each_backend(|db| async move {
            let d = desk(db).await;
            let id = open(&d, t0()).await;
            let fr = clock(&d, id, "first_response").await;
            assert_eq!((fr.state.as_str(), fr.goal_minutes, fr.due_at), ("running", 60, Some(t0() + TimeDelta::hours(1))));
            let s = store::ticket_sla(&d.db, id).await.unwrap();
            assert_eq!((s.sla_policy_id, s.sla_level.as_deref(), s.sla_due_at), (Some(d.policy), Some("default"), Some(t0() + TimeDelta::hours(1))));
            tickets::comment(&d.db, &d.boss, id, NewComment { body: "Looking".into(), internal: true }, t0() + TimeDelta::minutes(10)).await.unwrap();
            assert_eq!(clock(&d, id, "first_response").await.state, "running", "a note is not a response");
            tickets::comment(&d.db, &d.boss, id, NewComment { body: "On it".into(), internal: false }, t0() + TimeDelta::minutes(30)).await.unwrap();
            let fr = clock(&d, id, "first_response").await;
            assert_eq!((fr.state.as_str(), fr.used_seconds, fr.stopped_at), ("met", 1800, Some(t0() + TimeDelta::minutes(30))));
            assert_eq!(store::ticket_sla(&d.db, id).await.unwrap().sla_due_at, Some(t0() + TimeDelta::hours(8)), "now the resolution is the soonest");
            set_status(&d, id, "resolved", t0() + TimeDelta::hours(2)).await;
            let res = clock(&d, id, "resolution").await;
            assert_eq!((res.state.as_str(), res.used_seconds), ("met", 7200));
            assert_eq!(store::ticket_sla(&d.db, id).await.unwrap().sla_due_at, None);
            assert!(store::stale_tickets(&d.db, 10).await.unwrap().is_empty(), "computed at once, nothing left stale");
        })
        .await;
    }

    #[tokio::test]
    async fn a_customer_reply_reopens_a_waiting_ticket_and_starts_a_next_response_cycle() {
        each_backend(|db| async move {
            let d = desk(db).await;
            let contact = customers::insert_contact(&d.db, d.customer, "Cleo", "cleo@acme.test", "en", t0()).await.unwrap();
            let id = open(&d, t0()).await;
            tickets::comment(&d.db, &d.boss, id, NewComment { body: "Which VPN?".into(), internal: false }, t0() + TimeDelta::minutes(5)).await.unwrap();
            set_status(&d, id, "waiting_customer", t0() + TimeDelta::minutes(5)).await;
            assert_eq!(clock(&d, id, "resolution").await.state, "paused");
            let (_, reopened) = tickets::customer_reply(&d.db, id, contact, "The office one", t0() + TimeDelta::hours(3)).await.unwrap();
            assert!(reopened);
            let t = tickets_store::get(&d.db, id).await.unwrap();
            assert_eq!(t.status_key.as_deref(), Some("open"));
            let next = clock(&d, id, "next_response").await;
            assert_eq!((next.state.as_str(), next.started_at, next.due_at), ("running", t0() + TimeDelta::hours(3), Some(t0() + TimeDelta::hours(5))));
            // Paused from 09:05 to 12:00: resolution used only 5 minutes.
            let res = clock(&d, id, "resolution").await;
            assert_eq!(res.due_at, Some(t0() + TimeDelta::hours(3) + TimeDelta::minutes(475)));
            let other = customers::insert(&d.db, "Other", "UTC", t0()).await.unwrap();
            let stranger = customers::insert_contact(&d.db, other, "Eve", "eve@other.test", "en", t0()).await.unwrap();
            assert!(matches!(tickets::customer_reply(&d.db, id, stranger, "hi", t0()).await, Err(AppError::Forbidden)));
        })
        .await;
    }

    #[tokio::test]
    async fn a_policy_edit_reaches_open_tickets_in_the_background_and_closed_ones_keep_theirs() {
        each_backend(|db| async move {
            let d = desk(db).await;
            let open_id = open(&d, t0()).await;
            let closed_id = open(&d, t0()).await;
            set_status(&d, closed_id, "closed", t0() + TimeDelta::minutes(90)).await;
            assert_eq!(clock(&d, closed_id, "first_response").await.state, "breached");
            update_policy(&d.db, &d.boss, d.policy, PolicyInput::try_from(policy_form("Standard", d.calendar, "2h", true)).unwrap(), t0() + TimeDelta::minutes(100))
                .await
                .unwrap();
            assert_eq!(store::stale_tickets(&d.db, 10).await.unwrap(), vec![open_id], "only the open ticket is marked");
            assert_eq!(clock(&d, open_id, "first_response").await.goal_minutes, 60, "not yet recomputed");
            assert_eq!(reapply_batch(&d.db, t0() + TimeDelta::minutes(101), 100).await.unwrap(), 1);
            let fr = clock(&d, open_id, "first_response").await;
            assert_eq!((fr.goal_minutes, fr.due_at), (120, Some(t0() + TimeDelta::hours(2))));
            assert_eq!(store::ticket_sla(&d.db, open_id).await.unwrap().sla_policy_version, Some(2));
            // A later change to the closed ticket replays it against the version it closed with.
            tickets::comment(&d.db, &d.boss, closed_id, NewComment { body: "For the record".into(), internal: true }, t0() + TimeDelta::hours(3)).await.unwrap();
            let fr = clock(&d, closed_id, "first_response").await;
            assert_eq!((fr.goal_minutes, fr.state.as_str()), (60, "breached"));
            assert_eq!(store::ticket_sla(&d.db, closed_id).await.unwrap().sla_policy_version, Some(1));
            assert_eq!(reapply_batch(&d.db, t0() + TimeDelta::hours(4), 100).await.unwrap(), 0);
        })
        .await;
    }

    #[tokio::test]
    async fn a_calendar_edit_moves_due_instants_and_a_change_the_recompute_missed_is_caught_up() {
        each_backend(|db| async move {
            let d = desk(db).await;
            let id = open(&d, t0()).await;
            // Working hours only from 10:00 UTC on weekdays: the first response (1 h) is due at 11:00.
            let mut f = always_form("Around the clock");
            f.always = None;
            for day in [&mut f.mon, &mut f.tue, &mut f.wed, &mut f.thu, &mut f.fri] {
                *day = "10:00-18:00".into();
            }
            update_calendar(&d.db, &d.boss, d.calendar, CalendarInput::try_from(f).unwrap(), t0()).await.unwrap();
            reapply_batch(&d.db, t0(), 100).await.unwrap();
            assert_eq!(clock(&d, id, "first_response").await.due_at, Some(t0() + TimeDelta::hours(2)));
            // A change whose recompute never ran (the process died): the stale mark is still there.
            tickets_store::insert_comment(&d.db, id, d.boss.id, "quick reply", false, t0() + TimeDelta::minutes(70)).await.unwrap();
            assert_eq!(store::stale_tickets(&d.db, 10).await.unwrap(), vec![id]);
            reapply_batch(&d.db, t0() + TimeDelta::minutes(80), 100).await.unwrap();
            assert_eq!(clock(&d, id, "first_response").await.state, "met");
        })
        .await;
    }

    #[tokio::test]
    async fn the_customers_policy_wins_over_the_default_and_bad_edits_are_refused() {
        each_backend(|db| async move {
            let d = desk(db).await;
            let gold = create_policy(&d.db, &d.boss, PolicyInput::try_from(policy_form("Gold", d.calendar, "15m", false)).unwrap(), t0()).await.unwrap();
            let id = open(&d, t0()).await;
            set_customer_policy(&d.db, &d.boss, d.customer, Some(gold), t0()).await.unwrap();
            reapply_batch(&d.db, t0(), 100).await.unwrap();
            let s = store::ticket_sla(&d.db, id).await.unwrap();
            assert_eq!((s.sla_policy_id, s.sla_level.as_deref()), (Some(gold), Some("customer")));
            assert_eq!(clock(&d, id, "first_response").await.goal_minutes, 15);
            let view = ticket_sla(&d.db, &d.boss, id, t0()).await.unwrap().unwrap();
            assert_eq!((view.policy_name.as_str(), view.level), ("Gold", PolicyLevel::Customer));

            let field = |r: Result<i64, AppError>| match r {
                Err(AppError::Invalid(errs)) => (errs[0].field.clone(), errs[0].problem.clone()),
                other => panic!("{other:?}"),
            };
            let mut bad_tz = always_form("Mars");
            bad_tz.timezone = "Mars/Olympus".into();
            assert_eq!(field(create_calendar(&d.db, &d.boss, CalendarInput::try_from(bad_tz).unwrap(), t0()).await), ("timezone".into(), Problem::BadTimezone));
            assert_eq!(field(create_calendar(&d.db, &d.boss, CalendarInput::try_from(always_form("Around the clock")).unwrap(), t0()).await), ("name".into(), Problem::Taken));
            let closed = CalendarForm { name: "Never".into(), timezone: "UTC".into(), ..Default::default() };
            let never = create_calendar(&d.db, &d.boss, CalendarInput::try_from(closed.clone()).unwrap(), t0()).await.unwrap();
            assert_eq!(field(create_policy(&d.db, &d.boss, PolicyInput::try_from(policy_form("Lazy", never, "1h", false)).unwrap(), t0()).await), ("calendar_id".into(), Problem::NoWorkingTime));
            let mut emptied = closed;
            emptied.name = "Around the clock".into();
            assert_eq!(field(update_calendar(&d.db, &d.boss, d.calendar, CalendarInput::try_from(emptied).unwrap(), t0()).await), ("week".into(), Problem::NoWorkingTime));
            let agent = Actor { role: Role::Agent, ..d.boss.clone() };
            assert!(matches!(create_calendar(&d.db, &agent, CalendarInput::try_from(always_form("Mine")).unwrap(), t0()).await, Err(AppError::Forbidden)));
        })
        .await;
    }

    async fn notices(d: &Desk, agent: i64) -> Vec<(String, Option<String>)> {
        let mut v: Vec<_> = crate::server::store::alerts::notifications(&d.db, agent, 100).await.unwrap().into_iter().map(|n| (n.kind, n.target)).collect();
        v.reverse();
        v
    }

    async fn history(d: &Desk, ticket: i64) -> Vec<(String, Option<String>)> {
        tickets_store::events(&d.db, ticket).await.unwrap().into_iter().filter(|e| e.kind.starts_with("sla_")).map(|e| (e.kind, e.field)).collect()
    }

    fn fired(warnings: usize, breaches: usize, held: usize, superseded: usize) -> Fired {
        Fired { warnings, breaches, held, superseded }
    }

    #[tokio::test]
    async fn warnings_and_breaches_fire_once_and_a_restart_fires_what_it_missed() {
        each_backend(|db| async move {
            let d = desk(db).await;
            // Urgent on a 24×7 calendar: first response due in 1h (warned at 80 %: 48m),
            // resolution in 8h (warned at 6h24m). Nobody assigned: the manager hears.
            let id = open(&d, t0()).await;
            let fr = clock(&d, id, "first_response").await;
            assert_eq!(fr.warn_at, Some(t0() + TimeDelta::minutes(48)));
            assert_eq!(fire_due(&d.db, t0() + TimeDelta::minutes(47), 100).await.unwrap(), Fired::default());
            assert_eq!(fire_due(&d.db, t0() + TimeDelta::minutes(48), 100).await.unwrap(), fired(1, 0, 0, 0));
            assert_eq!(fire_due(&d.db, t0() + TimeDelta::minutes(50), 100).await.unwrap(), Fired::default(), "once");
            // A recompute (any edit) keeps what fired fired.
            refresh_ticket(&d.db, id, t0() + TimeDelta::minutes(55)).await.unwrap();
            assert_eq!(fire_due(&d.db, t0() + TimeDelta::minutes(56), 100).await.unwrap(), Fired::default());
            // No server runs from 00:56 to 09:00 past the start: the first response's breach fires,
            // and the resolution's breach with its warning folded in (one notice).
            let later = t0() + TimeDelta::hours(9);
            assert_eq!(fire_due(&d.db, later, 100).await.unwrap(), fired(0, 2, 0, 1));
            assert_eq!(fire_due(&d.db, later, 100).await.unwrap(), Fired::default(), "once after a restart too");
            let expected = vec![
                ("sla_warning".to_owned(), Some("first_response".to_owned())),
                ("sla_breach".to_owned(), Some("first_response".to_owned())),
                ("sla_breach".to_owned(), Some("resolution".to_owned())),
            ];
            assert_eq!(notices(&d, d.boss.id).await, expected);
            assert_eq!(history(&d, id).await, expected);
            // A breach marks the clocks for a recompute, which shows them breached.
            reapply_batch(&d.db, later, 10).await.unwrap();
            assert_eq!(clock(&d, id, "first_response").await.state, "breached");
            assert_eq!(fire_due(&d.db, later + TimeDelta::hours(1), 100).await.unwrap(), Fired::default());
            let store_n = crate::server::store::alerts::unread(&d.db, d.boss.id).await.unwrap();
            assert_eq!(store_n, 3);
            assert_eq!(crate::server::store::alerts::mark_read(&d.db, d.boss.id, None, later).await.unwrap(), 3);
            assert_eq!(crate::server::store::alerts::unread(&d.db, d.boss.id).await.unwrap(), 0);
        })
        .await;
    }

    #[tokio::test]
    async fn the_assignee_hears_and_a_met_or_paused_clock_never_fires() {
        each_backend(|db| async move {
            let d = desk(db).await;
            let row = agents::NewAgentRow {
                email: "eve@example.com",
                name: "Eve",
                role: "agent",
                password_hash: Some("x"),
                language: "en",
                timezone: "UTC",
                invite_token_hash: None,
                invite_expires_at: None,
            };
            let eve = agents::insert(&d.db, &row, t0()).await.unwrap();
            let t = NewTicket { customer_id: d.customer, requester_id: None, title: "Mail".into(), description: String::new(), priority: Priority::Urgent, assignee_id: Some(eve), service_id: None, agreement_id: None, override_reason: None };
            let id = tickets::create(&d.db, &d.boss, t, t0()).await.unwrap().0;
            // Answered in time; then waiting on the customer (resolution paused).
            tickets::comment(&d.db, &d.boss, id, NewComment { body: "On it".into(), internal: false }, t0() + TimeDelta::minutes(10)).await.unwrap();
            set_status(&d, id, "waiting_customer", t0() + TimeDelta::minutes(10)).await;
            assert_eq!(fire_due(&d.db, t0() + TimeDelta::days(3), 100).await.unwrap(), Fired::default());
            // Back to open: the resolution runs again and its warning goes to Eve alone.
            set_status(&d, id, "open", t0() + TimeDelta::days(3)).await;
            assert_eq!(fire_due(&d.db, t0() + TimeDelta::days(3) + TimeDelta::hours(7), 100).await.unwrap(), fired(1, 0, 0, 0));
            assert_eq!(notices(&d, eve).await, vec![("sla_warning".to_owned(), Some("resolution".to_owned()))]);
            assert!(notices(&d, d.boss.id).await.is_empty());
        })
        .await;
    }

    #[tokio::test]
    async fn a_warning_due_at_closing_time_waits_for_the_next_opening() {
        each_backend(|db| async move {
            let d = desk(db).await;
            // Weekdays 09:00–17:00 UTC, urgent first response in 4h, warned at 80 % (3h12m).
            let form = crate::server::testing::weekdays_form("Office");
            let office = create_calendar(&d.db, &d.boss, CalendarInput::try_from(form).unwrap(), t0()).await.unwrap();
            let input = PolicyInput::try_from(policy_form("Office hours", office, "4h", false)).unwrap();
            let p = create_policy(&d.db, &d.boss, input, t0()).await.unwrap();
            set_customer_policy(&d.db, &d.boss, d.customer, Some(p), t0()).await.unwrap();
            // Tuesday 13:48: the warning point is 17:00, closing time; the due is Wednesday 09:48.
            let opened = t0() + TimeDelta::minutes(4 * 60 + 48);
            let id = open(&d, opened).await;
            let fr = clock(&d, id, "first_response").await;
            let closing = t0() + TimeDelta::hours(8);
            let wednesday = t0() + TimeDelta::days(1);
            assert_eq!((fr.warn_at, fr.due_at), (Some(closing), Some(wednesday + TimeDelta::minutes(48))));
            assert_eq!(fire_due(&d.db, closing, 100).await.unwrap(), fired(0, 0, 1, 0), "held");
            assert_eq!(fire_due(&d.db, closing + TimeDelta::hours(6), 100).await.unwrap(), Fired::default(), "not at night");
            // A recompute in the night keeps holding it.
            refresh_ticket(&d.db, id, closing + TimeDelta::hours(7)).await.unwrap();
            assert_eq!(fire_due(&d.db, closing + TimeDelta::hours(7), 100).await.unwrap(), fired(0, 0, 1, 0));
            assert_eq!(fire_due(&d.db, wednesday - TimeDelta::seconds(1), 100).await.unwrap(), Fired::default());
            assert_eq!(fire_due(&d.db, wednesday, 100).await.unwrap(), fired(1, 0, 0, 0), "at the opening");
            assert_eq!(fire_due(&d.db, wednesday + TimeDelta::minutes(48), 100).await.unwrap(), fired(0, 1, 0, 0));
        })
        .await;
    }

    #[tokio::test]
    async fn two_servers_on_one_postgres_fire_each_alert_once() {
        use crate::server::testing::TestDb;
        let Some(t) = TestDb::postgres().await else { return };
        let d = desk(t.db.clone()).await;
        let mut ids = Vec::new();
        for i in 0..30 {
            ids.push(open(&d, t0() + TimeDelta::seconds(i)).await);
        }
        let other = Db::open(&t.url).await.unwrap();
        let at = t0() + TimeDelta::hours(9);
        let (a, b) = tokio::join!(fire_due(&d.db, at, 1000), fire_due(&other, at, 1000));
        let (a, b) = (a.unwrap(), b.unwrap());
        // Per ticket: two breaches, each with its warning folded in.
        assert_eq!(a.breaches + b.breaches, 60, "{a:?} {b:?}");
        assert_eq!(a.superseded + b.superseded, 60, "{a:?} {b:?}");
        assert_eq!(notices(&d, d.boss.id).await.len(), 60);
        for id in ids {
            assert_eq!(history(&d, id).await.len(), 2);
        }
        other.close().await;
        t.cleanup().await;
    }


    #[tokio::test]
    async fn lists_filter_and_sort_by_sla_and_carry_live_countdowns() {
        use crate::domain::{SlaFilter, SortKey, TicketQuery};
        use crate::server::store::search::{Search, cursor_value, page};
        each_backend(|db| async move {
            let d = desk(db).await;
            // Due first: urgent (1h), high (2h), normal (4h); then two resolved (no due at all).
            let mut ids = Vec::new();
            for (i, p) in [Priority::Normal, Priority::Urgent, Priority::High, Priority::Low, Priority::Low].into_iter().enumerate() {
                let t = NewTicket { customer_id: d.customer, requester_id: None, title: format!("T{i}"), description: String::new(), priority: p, assignee_id: None, service_id: None, agreement_id: None, override_reason: None };
                ids.push(tickets::create(&d.db, &d.boss, t, t0()).await.unwrap().0);
            }
            set_status(&d, ids[3], "resolved", t0() + TimeDelta::minutes(1)).await;
            set_status(&d, ids[4], "resolved", t0() + TimeDelta::minutes(1)).await;
            let now = t0() + TimeDelta::minutes(30);
            let found = |sla: Option<SlaFilter>, at: DateTime<Utc>| {
                let d = &d;
                async move {
                    let q = TicketQuery { sla, sort: SortKey::Due, desc: false, ..TicketQuery::new() };
                    tickets::search(&d.db, &d.boss, &q, at).await.unwrap().items.iter().map(|i| i.id).collect::<Vec<_>>()
                }
            };
            assert_eq!(found(Some(SlaFilter::DueWithin(60)), now).await, vec![ids[1]]);
            assert_eq!(found(Some(SlaFilter::DueWithin(240)), now).await, vec![ids[1], ids[2], ids[0]]);
            assert_eq!(found(Some(SlaFilter::Breached), now).await, Vec::<i64>::new());
            assert_eq!(found(Some(SlaFilter::Breached), t0() + TimeDelta::minutes(150)).await, vec![ids[1], ids[2]]);
            // Sorted by due, most urgent first, tickets without one last, paged one by one.
            assert_eq!(found(None, now).await, vec![ids[1], ids[2], ids[0], ids[3], ids[4]]);
            for desc in [false, true] {
                let mut s = Search { sort: SortKey::Due, desc, limit: 1, ..Default::default() };
                let mut seen = Vec::new();
                while let Some(last) = page(&d.db, &s).await.unwrap().pop() {
                    s.after = Some((cursor_value(SortKey::Due, &last), last.id));
                    seen.push(last.id);
                }
                let mut expected = vec![ids[1], ids[2], ids[0], ids[3], ids[4]];
                if desc {
                    expected.reverse();
                }
                assert_eq!(seen, expected, "desc={desc}");
            }
            // Each row carries its most pressing clock, counted on to now, and the spans.
            let p = tickets::search(&d.db, &d.boss, &TicketQuery::new(), now).await.unwrap();
            let urgent = p.items.iter().find(|i| i.id == ids[1]).and_then(|i| i.sla.clone()).expect("countdown");
            assert_eq!((urgent.target, urgent.used_seconds, urgent.goal_seconds, urgent.warn_seconds), (crate::sla::Target::FirstResponse, 1800, 3600, 2880));
            assert_eq!(urgent.due, Some((t0() + TimeDelta::hours(1)).timestamp()));
            assert!(p.items.iter().find(|i| i.id == ids[3]).is_some_and(|i| i.sla.is_none()), "resolved: nothing to count");
            assert_eq!(p.calendars.iter().map(|c| c.id).collect::<Vec<_>>(), vec![d.calendar]);
            // The browser's arithmetic over those spans turns it amber at 48m and red at the due instant.
            let spans = &p.calendars[0].spans;
            let at = |m: i64| urgent.urgency(urgent.used_at(Some(spans), (t0() + TimeDelta::minutes(m)).timestamp()));
            assert_eq!((at(47), at(48), at(59), at(60)), (Urgency::Normal, Urgency::Warning, Urgency::Warning, Urgency::Breached));
        })
        .await;
    }


    #[tokio::test]
    async fn a_switch_of_terms_lands_in_the_history_and_the_timeline_once_each() {
        each_backend(|db| async move {
            let d = desk(db).await;
            let id = open(&d, t0()).await;
            // Opened this very second: each clock shows the stretch it has just begun.
            let e = ticket_sla(&d.db, &d.boss, id, t0()).await.unwrap().unwrap().explain.unwrap();
            assert!(e.timeline.iter().all(|c| c.spans.len() == 1 && c.spans[0].running && c.spans[0].business_seconds == 0), "{:?}", e.timeline);
            // Recomputed under the same terms: nothing to record.
            refresh_ticket(&d.db, id, t0() + TimeDelta::minutes(5)).await.unwrap();
            let gold = create_policy(&d.db, &d.boss, PolicyInput::try_from(policy_form("Gold", d.calendar, "15m", false)).unwrap(), t0()).await.unwrap();
            set_customer_policy(&d.db, &d.boss, d.customer, Some(gold), t0() + TimeDelta::minutes(10)).await.unwrap();
            reapply_batch(&d.db, t0() + TimeDelta::minutes(10), 100).await.unwrap();
            refresh_ticket(&d.db, id, t0() + TimeDelta::minutes(11)).await.unwrap();
            update_policy(&d.db, &d.boss, gold, PolicyInput::try_from(policy_form("Gold", d.calendar, "30m", false)).unwrap(), t0() + TimeDelta::minutes(20))
                .await
                .unwrap();
            reapply_batch(&d.db, t0() + TimeDelta::minutes(20), 100).await.unwrap();
            // Elapsed time carries over: 20 minutes used of the new 30-minute goal.
            let fr = clock(&d, id, "first_response").await;
            assert_eq!((fr.goal_minutes, fr.due_at), (30, Some(t0() + TimeDelta::minutes(30))));
            let e = ticket_sla(&d.db, &d.boss, id, t0() + TimeDelta::minutes(21)).await.unwrap().unwrap().explain.unwrap();
            let terms = |r: &Option<TermsRef>| r.as_ref().map(|r| (r.policy_name.clone(), r.policy_version, r.calendar_version));
            let switches: Vec<_> = e.switches.iter().map(|w| (terms(&w.from), terms(&w.to), w.level)).collect();
            assert_eq!(
                switches,
                vec![
                    (Some(("Standard".into(), 1, 1)), Some(("Gold".into(), 1, 1)), Some(PolicyLevel::Customer)),
                    (Some(("Gold".into(), 1, 1)), Some(("Gold".into(), 2, 1)), Some(PolicyLevel::Customer)),
                ]
            );
            assert_eq!(e.switches[0].at.iso, shown(t0() + TimeDelta::minutes(10), d.boss.timezone, d.boss.language).iso);
            // The ticket's history says the same.
            let v = tickets::view_by_id(&d.db, &d.boss, id).await.unwrap();
            let in_history = v.events.iter().filter(|e| matches!(e.kind, crate::domain::EventKind::SlaTerms { .. })).count();
            assert_eq!(in_history, 2);
            // Back to the default, then no policy at all (the default is no longer one).
            let last_switch = || async { tickets_store::events(&d.db, id).await.unwrap().into_iter().filter(|e| e.kind == "sla_terms").last().unwrap() };
            set_customer_policy(&d.db, &d.boss, d.customer, None, t0() + TimeDelta::minutes(30)).await.unwrap();
            reapply_batch(&d.db, t0() + TimeDelta::minutes(30), 100).await.unwrap();
            let last = last_switch().await;
            assert_eq!((last.old_value, last.new_value), (Some(store::terms_value(gold, 2, 1)), Some(store::terms_value(d.policy, 1, 1))));
            update_policy(&d.db, &d.boss, d.policy, PolicyInput::try_from(policy_form("Standard", d.calendar, "1h", false)).unwrap(), t0() + TimeDelta::minutes(40))
                .await
                .unwrap();
            reapply_batch(&d.db, t0() + TimeDelta::minutes(40), 100).await.unwrap();
            let last = last_switch().await;
            assert_eq!((last.old_value, last.new_value), (Some(store::terms_value(d.policy, 1, 1)), None));
            assert!(store::clocks(&d.db, id).await.unwrap().is_empty());
        })
        .await;
    }

    #[tokio::test]
    async fn a_services_policy_wins_over_the_customers_and_its_change_reaches_open_tickets() {
        use crate::domain::ServiceInput;
        use crate::server::services::catalog;
        each_backend(|db| async move {
            let d = desk(db).await;
            let gold = create_policy(&d.db, &d.boss, PolicyInput::try_from(policy_form("Gold", d.calendar, "15m", false)).unwrap(), t0()).await.unwrap();
            let silver = create_policy(&d.db, &d.boss, PolicyInput::try_from(policy_form("Silver", d.calendar, "30m", false)).unwrap(), t0()).await.unwrap();
            set_customer_policy(&d.db, &d.boss, d.customer, Some(silver), t0()).await.unwrap();
            let hosting = ServiceInput { name: "Hosting".into(), description: String::new(), category: "Operations".into(), sla_policy_id: Some(gold) };
            let svc = catalog::create(&d.db, &d.boss, hosting.clone(), t0()).await.unwrap();
            // No agreement covers the service yet: opened by override (see the agreements tests for the levels above).
            let about = |service_id| NewTicket { customer_id: d.customer, requester_id: None, title: "Site down".into(), description: String::new(), priority: Priority::Urgent, assignee_id: None, service_id, agreement_id: None, override_reason: Some("pilot before the contract".into()) };
            let (with, _) = tickets::create(&d.db, &d.boss, about(Some(svc)), t0()).await.unwrap();
            let (without, _) = tickets::create(&d.db, &d.boss, about(None), t0()).await.unwrap();
            let terms = |id| {
                let db = d.db.clone();
                let boss = d.boss.clone();
                async move {
                    let v = ticket_sla(&db, &boss, id, t0()).await.unwrap().unwrap();
                    (v.policy_name, v.level, v.clocks.iter().find(|c| c.target == crate::sla::Target::FirstResponse).map(|c| c.goal_minutes))
                }
            };
            assert_eq!(terms(with).await, ("Gold".into(), PolicyLevel::Service, Some(15)));
            assert_eq!(terms(without).await, ("Silver".into(), PolicyLevel::Customer, Some(30)));
            assert_eq!(tickets::view_by_id(&d.db, &d.boss, with).await.unwrap().service, Some((svc, "Hosting".into())));
            // The service loses its own policy: its open tickets fall back to the customer's.
            catalog::update(&d.db, &d.boss, svc, ServiceInput { sla_policy_id: None, ..hosting }, t0() + TimeDelta::minutes(5)).await.unwrap();
            reapply_batch(&d.db, t0() + TimeDelta::minutes(5), 100).await.unwrap();
            assert_eq!(terms(with).await, ("Silver".into(), PolicyLevel::Customer, Some(30)));
            // An inactive service is offered for nothing new.
            catalog::set_active(&d.db, &d.boss, svc, false, t0()).await.unwrap();
            let refused = tickets::create(&d.db, &d.boss, about(Some(svc)), t0()).await.unwrap_err();
            assert_eq!(refused.field("service_id"), Some(Problem::NotAvailable));
            let unknown = tickets::create(&d.db, &d.boss, about(Some(svc + 100)), t0()).await.unwrap_err();
            assert_eq!(unknown.field("service_id"), Some(Problem::NotAvailable));
        })
        .await;
    }

    #[tokio::test]
    async fn the_timeline_explains_pauses_closed_hours_holidays_and_goal_changes() {
        each_backend(|db| async move {
            let d = desk(db).await;
            let form = CalendarForm { holidays: "2026-12-02 Staff day".into(), ..crate::server::testing::weekdays_form("Office") };
            let office = create_calendar(&d.db, &d.boss, CalendarInput::try_from(form).unwrap(), t0()).await.unwrap();
            let p = create_policy(&d.db, &d.boss, PolicyInput::try_from(policy_form("Office hours", office, "4h", false)).unwrap(), t0()).await.unwrap();
            set_customer_policy(&d.db, &d.boss, d.customer, Some(p), t0()).await.unwrap();
            // Tuesday 16:00, urgent; waiting on the customer 16:30–16:45; high from 16:45.
            let opened = t0() + TimeDelta::hours(7);
            let id = open(&d, opened).await;
            set_status(&d, id, "waiting_customer", opened + TimeDelta::minutes(30)).await;
            set_status(&d, id, "open", opened + TimeDelta::minutes(45)).await;
            let version = tickets_store::get(&d.db, id).await.unwrap().version;
            let edit = TicketEdit { version, title: None, description: None, status_id: None, priority: Some(Priority::High), assignee_id: None };
            tickets::edit(&d.db, &d.boss, id, edit, opened + TimeDelta::minutes(45)).await.unwrap();
            // Thursday 10:00: Wednesday was a holiday.
            let now = t0() + TimeDelta::days(2) + TimeDelta::hours(1);
            let e = ticket_sla(&d.db, &d.boss, id, now).await.unwrap().unwrap().explain.expect("explain");
            assert_eq!((e.warning_percent, e.calendar_timezone.as_str()), (80, "UTC"));
            assert_eq!(e.rule.map(|r| (r.0, r.1)), Some((Priority::High, 120)));
            let res = e.timeline.iter().find(|c| c.target == crate::sla::Target::Resolution).unwrap();
            let shape: Vec<_> = res.spans.iter().map(|s| (s.running, s.category, s.business_seconds, s.closed_seconds)).collect();
            assert_eq!(
                shape,
                vec![
                    (true, StatusCategory::New, 1800, 0),
                    (false, StatusCategory::WaitingOnCustomer, 0, 0),
                    // 16:45 Tuesday to 10:00 Thursday: 15m + 1h counted, the rest closed.
                    (true, StatusCategory::Active, 4500, 41 * 3600 + 15 * 60 - 4500),
                ]
            );
            assert_eq!(res.spans[2].holidays, vec!["Staff day (2026-12-02)".to_owned()]);
            assert_eq!(res.goal_changes.iter().map(|g| (g.priority, g.goal_minutes)).collect::<Vec<_>>(), vec![(Priority::High, 16 * 60)]);
        })
        .await;
    }

}
