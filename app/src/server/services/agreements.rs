//! Agreement rules: what a valid agreement is, its lifecycle (by date at the customer's local
//! midnight, and by hand: activate early, end early, extend, cancel), copying one into a new
//! one, and expiry notices sent once each through the outbox.

use chrono::{DateTime, NaiveDate, Utc};

use crate::domain::{AgreementStatus, DEFAULT_NOTICE_DAYS, Problem, Role, notice_due, status_on};
use crate::error::AppError;
use crate::server::db::now_micros;
use crate::server::render::parse_tz;
use crate::server::store::agreements::{self as store, AgreementRow, AgreementWrite, OutboxMessage};
use crate::server::store::{agents, customers};
use crate::server::{Actor, Db};

use super::require;

/// A covered service's terms, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct ServiceTerms {
    pub service_id: i64,
    /// The agreement's SLA policy for this service (beats its default).
    pub sla_policy_id: Option<i64>,
    /// Support hours for this service, if not the policy's calendar.
    pub calendar_id: Option<i64>,
    /// Minor units per hour (cents), with its currency.
    pub hourly_rate_minor: Option<i64>,
    pub currency: Option<String>,
}

/// A new agreement, as the form or the API gives it.
#[derive(Clone, Debug, PartialEq)]
pub struct AgreementInput {
    pub customer_id: i64,
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub account_manager_id: Option<i64>,
    pub sla_policy_id: Option<i64>,
    pub notes: String,
    pub notice_days: Vec<u32>,
    pub services: Vec<ServiceTerms>,
    pub contacts: Vec<i64>,
    /// The agent saw the overlap warning and saves anyway.
    pub confirm_overlap: bool,
}

/// The customer's local date at `now`.
fn local_today(tz: &str, now: DateTime<Utc>) -> NaiveDate {
    parse_tz(tz).map_or_else(|| now.date_naive(), |z| now.with_timezone(&z).date_naive())
}

fn notice_days_text(days: &[u32]) -> String {
    days.iter().map(u32::to_string).collect::<Vec<_>>().join(",")
}

fn parse_notice_days(s: &str) -> Vec<u32> {
    s.split(',').filter_map(|d| d.trim().parse().ok()).collect()
}

/// The display number of an agreement (`AGR-1001`).
pub fn display_number(n: i64) -> String {
    format!("AGR-{n}")
}

/// Checks an agreement: its dates, its rates, what it names, and (unless confirmed) whether
/// another agreement of the customer covers one of its services on the same days.
async fn check(db: &Db, a: &AgreementInput, except: Option<i64>) -> Result<(), AppError> {
    let mut errs = Vec::new();
    if a.title.trim().is_empty() {
        errs.push(crate::domain::FieldError::new("title", Problem::Required));
    }
    if a.ends_on.is_some_and(|e| e < a.starts_on) {
        errs.push(crate::domain::FieldError::new("ends_on", Problem::EndBeforeStart));
    }
    for (i, s) in a.services.iter().enumerate() {
        if s.hourly_rate_minor.is_some() && s.currency.as_deref().is_none_or(|c| c.trim().is_empty()) {
            errs.push(crate::domain::FieldError::new(&format!("services[{i}].currency"), Problem::Required));
        }
        if s.hourly_rate_minor.is_some_and(|r| r < 0) {
            errs.push(crate::domain::FieldError::new(&format!("services[{i}].hourly_rate"), Problem::OutOfRange(0, i64::MAX)));
        }
    }
    if a.title.chars().count() > 200 {
        errs.push(crate::domain::FieldError::new("title", Problem::TooLong(200)));
    }
    // Four-digit years only: both databases then order the dates alike.
    let year_ok = |d: NaiveDate| (1900..=9999).contains(&chrono::Datelike::year(&d));
    if !year_ok(a.starts_on) {
        errs.push(crate::domain::FieldError::new("starts_on", Problem::OutOfRange(1900, 9999)));
    }
    if a.ends_on.is_some_and(|e| !year_ok(e)) {
        errs.push(crate::domain::FieldError::new("ends_on", Problem::OutOfRange(1900, 9999)));
    }
    let mut seen = std::collections::HashSet::new();
    for s in &a.services {
        if !seen.insert(s.service_id) {
            errs.push(crate::domain::FieldError::new("services", Problem::Taken));
        }
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let policies = crate::server::store::sla::policies(db).await?;
    let calendars = crate::server::store::sla::calendars(db).await?;
    if a.sla_policy_id.is_some_and(|p| !policies.iter().any(|x| x.id == p)) {
        return Err(AppError::invalid("sla_policy_id", Problem::NotAvailable));
    }
    for (i, s) in a.services.iter().enumerate() {
        if s.sla_policy_id.is_some_and(|p| !policies.iter().any(|x| x.id == p)) {
            return Err(AppError::invalid(&format!("services[{i}].sla_policy_id"), Problem::NotAvailable));
        }
        if s.calendar_id.is_some_and(|c| !calendars.iter().any(|x| x.id == c)) {
            return Err(AppError::invalid(&format!("services[{i}].calendar_id"), Problem::NotAvailable));
        }
        if let Some(c) = s.calendar_id {
            // Support hours without any working time would leave its tickets without clocks.
            if let Err(e) = super::sla::check_calendar(db, c).await {
                return Err(match e {
                    AppError::Invalid(_) => AppError::invalid(&format!("services[{i}].calendar_id"), Problem::NoWorkingTime),
                    other => other,
                });
            }
        }
    }
    if !customers::exists(db, a.customer_id).await? {
        return Err(AppError::invalid("customer_id", Problem::NotAvailable));
    }
    if let Some(m) = a.account_manager_id {
        if !agents::get(db, m).await.is_ok_and(|x| x.active) {
            return Err(AppError::invalid("account_manager_id", Problem::NotAvailable));
        }
    }
    let mut contacts = a.contacts.clone();
    contacts.sort_unstable();
    if contacts.windows(2).any(|w| w[0] == w[1]) {
        return Err(AppError::invalid("contacts", Problem::Taken));
    }
    for c in &a.contacts {
        if !customers::contact(db, *c).await.is_ok_and(|x| x.customer_id == a.customer_id) {
            return Err(AppError::invalid("contacts", Problem::NotAvailable));
        }
    }
    for s in &a.services {
        if !crate::server::store::services::get(db, s.service_id).await.is_ok_and(|x| x.active) {
            return Err(AppError::invalid("services", Problem::NotAvailable));
        }
    }
    if !a.confirm_overlap {
        let ids: Vec<i64> = a.services.iter().map(|s| s.service_id).collect();
        if let Some((number, _)) = store::overlapping(db, a.customer_id, &ids, a.starts_on, a.ends_on, except).await?.into_iter().next() {
            return Err(AppError::invalid("services", Problem::OverlapsAgreement(display_number(number))));
        }
    }
    Ok(())
}

async fn write(db: &Db, actor: &Actor, a: &AgreementInput, copied_from: Option<i64>, now: DateTime<Utc>) -> Result<(i64, String), AppError> {
    let tz = customers::get(db, a.customer_id).await?.timezone;
    let status = status_on(a.starts_on, a.ends_on, false, local_today(&tz, now));
    let services: Vec<_> = a.services.iter().map(|s| (s.service_id, s.sla_policy_id, s.calendar_id, s.hourly_rate_minor, s.currency.clone())).collect();
    let days = if a.notice_days.is_empty() { DEFAULT_NOTICE_DAYS.to_vec() } else { a.notice_days.clone() };
    let w = AgreementWrite {
        customer_id: a.customer_id,
        title: a.title.trim(),
        starts_on: a.starts_on,
        ends_on: a.ends_on,
        status: status.as_str(),
        account_manager_id: a.account_manager_id,
        sla_policy_id: a.sla_policy_id,
        notes: &a.notes,
        notice_days: &notice_days_text(&days),
        copied_from,
        services: &services,
        contacts: &a.contacts,
    };
    let (id, number) = store::insert(db, &w, Some(actor.id), now_micros(now)).await?;
    Ok((id, display_number(number)))
}

/// Makes an agreement (managers). Its status follows from its dates in the customer's timezone.
///
/// # Errors
/// `Forbidden`; `Invalid` for an end before the start, a rate without a currency, something
/// that does not exist or is inactive, or an overlap not confirmed.
pub async fn create(db: &Db, actor: &Actor, a: AgreementInput, now: DateTime<Utc>) -> Result<(i64, String), AppError> {
    require(actor, Role::Manager)?;
    check(db, &a, None).await?;
    write(db, actor, &a, None, now).await
}

/// "New agreement from this one": the services, SLA overrides, rates, contacts, account
/// manager, policy and notice days of `from`, with new dates; records where it came from.
///
/// # Errors
/// As [`create`]; `NotFound` for an unknown agreement.
pub async fn copy(
    db: &Db,
    actor: &Actor,
    from: i64,
    title: Option<String>,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    confirm_overlap: bool,
    now: DateTime<Utc>,
) -> Result<(i64, String), AppError> {
    require(actor, Role::Manager)?;
    let g = store::get(db, from).await?;
    let services = store::terms(db, from)
        .await?
        .into_iter()
        .map(|t| ServiceTerms { service_id: t.service_id, sla_policy_id: t.sla_policy_id, calendar_id: t.calendar_id, hourly_rate_minor: t.hourly_rate_minor, currency: t.currency })
        .collect();
    let a = AgreementInput {
        customer_id: g.customer_id,
        title: title.filter(|t| !t.trim().is_empty()).unwrap_or(g.title),
        starts_on,
        ends_on,
        account_manager_id: g.account_manager_id,
        sla_policy_id: g.sla_policy_id,
        notes: g.notes,
        notice_days: parse_notice_days(&g.notice_days),
        services,
        contacts: store::contacts(db, from).await?,
        confirm_overlap,
    };
    // Its original counts too: a copy that overlaps it would double the cover.
    check(db, &a, None).await?;
    write(db, actor, &a, Some(from), now).await
}

/// A change of an agreement by hand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    /// A planned one starts today.
    ActivateEarly,
    /// An active one ends today.
    EndEarly,
    /// A new end date; an expired one whose new end is today or later is active again.
    Extend(Option<NaiveDate>),
    /// A planned one is called off (kept, as cancelled).
    Cancel,
}

/// Applies a change by hand (managers), with the reason, into the agreement's history.
///
/// # Errors
/// `Forbidden`; `NotFound`; `Invalid` (`reason` required, a change the state does not allow,
/// an end before the start); `Conflict` when it changed meanwhile.
pub async fn change(db: &Db, actor: &Actor, id: i64, change: Change, reason: &str, now: DateTime<Utc>) -> Result<AgreementStatus, AppError> {
    require(actor, Role::Manager)?;
    if reason.trim().is_empty() {
        return Err(AppError::invalid("reason", Problem::Required));
    }
    let g = store::get(db, id).await?;
    let today = local_today(&g.customer_timezone, now);
    let status = AgreementStatus::parse(&g.status).ok_or(AppError::Internal)?;
    let wrong = || AppError::invalid("status", Problem::WrongState);
    let (starts, ends, kind, old, new) = match (change, status) {
        (Change::ActivateEarly, AgreementStatus::Planned) => (today, g.ends_on.map(|e| e.max(today)), "activated_early", Some(g.starts_on.to_string()), Some(today.to_string())),
        (Change::EndEarly, AgreementStatus::Active) => (g.starts_on, Some(today), "ended_early", g.ends_on.map(|e| e.to_string()), Some(today.to_string())),
        (Change::Extend(end), AgreementStatus::Active | AgreementStatus::Expired | AgreementStatus::Planned) => {
            if end.is_some_and(|e| e < g.starts_on) {
                return Err(AppError::invalid("ends_on", Problem::EndBeforeStart));
            }
            (g.starts_on, end, "extended", g.ends_on.map(|e| e.to_string()), end.map(|e| e.to_string()))
        }
        (Change::Cancel, AgreementStatus::Planned) => (g.starts_on, g.ends_on, "cancelled", None, None),
        _ => return Err(wrong()),
    };
    let next = status_on(starts, ends, kind == "cancelled", today);
    let (old, new) = if kind == "cancelled" { (Some(g.status.clone()), Some(next.as_str().to_owned())) } else { (old, new) };
    if !store::transition(db, id, g.version, &g.status, next.as_str(), starts, ends, (kind, old, new, Some(reason.trim())), Some(actor.id), now_micros(now)).await? {
        return Err(AppError::Conflict { by: String::new(), current_version: store::get(db, id).await?.version });
    }
    // Ended by hand today: the manager knows; no "ends in 0 days" notice follows.
    if kind == "ended_early" {
        store::supersede_notices(db, id, today, &parse_notice_days(&g.notice_days), now_micros(now)).await?;
    }
    if next != status && kind != "cancelled" {
        store::transition(db, id, g.version + 1, next.as_str(), next.as_str(), starts, ends, ("status", Some(g.status.clone()), Some(next.as_str().to_owned()), Some(kind)), Some(actor.id), now_micros(now)).await?;
    }
    Ok(next)
}

impl TryFrom<crate::domain::AgreementForm> for AgreementInput {
    type Error = AppError;

    /// Reads the form; every field it cannot read is named at once.
    fn try_from(f: crate::domain::AgreementForm) -> Result<Self, AppError> {
        use crate::domain::FieldError;
        let mut errs = Vec::new();
        let id = |field: &str, v: &str, errs: &mut Vec<FieldError>| -> Option<i64> {
            let v = v.trim();
            if v.is_empty() {
                return None;
            }
            v.parse::<i64>().ok().filter(|x| *x > 0).or_else(|| {
                errs.push(FieldError::new(field, Problem::UnknownValue));
                None
            })
        };
        let date = |field: &str, v: &str, errs: &mut Vec<FieldError>| -> Option<NaiveDate> {
            let v = v.trim();
            if v.is_empty() {
                return None;
            }
            NaiveDate::parse_from_str(v, "%Y-%m-%d").ok().or_else(|| {
                errs.push(FieldError::new(field, Problem::UnknownValue));
                None
            })
        };
        let customer_id = id("customer_id", &f.customer_id, &mut errs);
        if f.customer_id.trim().is_empty() {
            errs.push(FieldError::new("customer_id", Problem::Required));
        }
        let starts_on = date("starts_on", &f.starts_on, &mut errs);
        if f.starts_on.trim().is_empty() {
            errs.push(FieldError::new("starts_on", Problem::Required));
        }
        let ends_on = date("ends_on", &f.ends_on, &mut errs);
        let account_manager_id = id("account_manager_id", &f.account_manager_id, &mut errs);
        let sla_policy_id = id("sla_policy_id", &f.sla_policy_id, &mut errs);
        let mut notice_days = Vec::new();
        for part in f.notice_days.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.parse::<u32>() {
                Ok(d) if d <= 366 => notice_days.push(d),
                _ => errs.push(FieldError::new("notice_days", Problem::OutOfRange(0, 366))),
            }
        }
        let mut services = Vec::new();
        for (i, t) in f.services.iter().enumerate().filter(|(_, t)| t.covered == "on") {
            let Some(service_id) = id(&format!("services[{i}].service_id"), &t.service_id, &mut errs) else { continue };
            let rate = if t.hourly_rate.trim().is_empty() {
                None
            } else {
                let r = crate::domain::parse_rate(&t.hourly_rate);
                if r.is_none() {
                    errs.push(FieldError::new(&format!("services[{i}].hourly_rate"), Problem::UnknownValue));
                }
                r
            };
            let currency = Some(t.currency.trim().to_uppercase()).filter(|c| !c.is_empty());
            if currency.as_ref().is_some_and(|c| c.len() != 3 || !c.chars().all(|x| x.is_ascii_alphabetic())) {
                errs.push(FieldError::new(&format!("services[{i}].currency"), Problem::UnknownValue));
            }
            services.push(ServiceTerms {
                service_id,
                sla_policy_id: id(&format!("services[{i}].sla_policy_id"), &t.sla_policy_id, &mut errs),
                calendar_id: id(&format!("services[{i}].calendar_id"), &t.calendar_id, &mut errs),
                hourly_rate_minor: rate,
                currency,
            });
        }
        let contacts = f.contacts.iter().filter_map(|c| id("contacts", c, &mut errs)).collect();
        let title = f.title.trim().to_owned();
        if title.chars().count() > 200 {
            errs.push(FieldError::new("title", Problem::TooLong(200)));
        }
        match (customer_id, starts_on, errs.is_empty()) {
            (Some(customer_id), Some(starts_on), true) => Ok(AgreementInput {
                customer_id,
                title,
                starts_on,
                ends_on,
                account_manager_id,
                sla_policy_id,
                notes: f.notes.trim().to_owned(),
                notice_days,
                services,
                contacts,
                confirm_overlap: f.confirm_overlap == "on",
            }),
            _ => Err(AppError::Invalid(errs)),
        }
    }
}

/// A start date (required) and an end date (empty: open-ended) as typed (`YYYY-MM-DD`).
///
/// # Errors
/// `Invalid` naming the field that is not a date.
pub fn parse_dates(starts: &str, ends: &str) -> Result<(NaiveDate, Option<NaiveDate>), AppError> {
    let read = |v: &str| NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d");
    let starts = if starts.trim().is_empty() {
        return Err(AppError::invalid("starts_on", Problem::Required));
    } else {
        read(starts).map_err(|_| AppError::invalid("starts_on", Problem::UnknownValue))?
    };
    let ends = if ends.trim().is_empty() { None } else { Some(read(ends).map_err(|_| AppError::invalid("ends_on", Problem::UnknownValue))?) };
    Ok((starts, ends))
}

/// What the agreement form offers, with the contacts of `customer_id` (0: none yet).
///
/// # Errors
/// Database errors.
pub async fn form_options(db: &Db, _actor: &Actor, customer_id: i64) -> Result<crate::domain::AgreementChoices, AppError> {
    let contacts = if customer_id > 0 {
        customers::contacts(db, customer_id).await?.into_iter().map(|c| (c.id, c.name, c.email)).collect()
    } else {
        Vec::new()
    };
    Ok(crate::domain::AgreementChoices {
        customers: customers::list(db, super::customers::LIST_LIMIT).await?.into_iter().map(|c| (c.id, c.name)).collect(),
        agents: agents::list(db).await?.into_iter().map(|(a, _)| a).filter(|a| a.active).map(|a| (a.id, a.name)).collect(),
        services: crate::server::store::services::list(db, true, super::catalog::LIST_LIMIT).await?.into_iter().map(|s| (s.id, s.name)).collect(),
        policies: crate::server::store::sla::policies(db).await?.into_iter().map(|p| (p.id, p.name)).collect(),
        calendars: crate::server::store::sla::calendars(db).await?.into_iter().map(|c| (c.id, c.name)).collect(),
        contacts,
    })
}

/// The most agreements a list shows.
pub const LIST_LIMIT: i64 = 500;

fn summary(g: AgreementRow, services: Vec<String>, now: DateTime<Utc>) -> crate::domain::AgreementSummary {
    let today = local_today(&g.customer_timezone, now);
    crate::domain::AgreementSummary {
        id: g.id,
        number: display_number(g.number),
        title: g.title,
        customer_id: g.customer_id,
        customer_name: g.customer_name,
        status: AgreementStatus::parse(&g.status).unwrap_or(AgreementStatus::Planned),
        starts_on: g.starts_on,
        ends_on: g.ends_on,
        account_manager: g.account_manager_name,
        days_left: g.ends_on.map(|e| (e - today).num_days()),
        services,
    }
}

/// Agreements by end date, filtered.
///
/// # Errors
/// Database errors.
pub async fn list(db: &Db, _actor: &Actor, f: &crate::domain::AgreementFilter, now: DateTime<Utc>) -> Result<Vec<crate::domain::AgreementSummary>, AppError> {
    // "Within N days" of each customer's own today: the database narrows by the widest
    // (UTC today + a day), each row is then checked against its customer's date.
    let within = f.expires_within.map(|n| i64::from(n.min(36_600)));
    let ends_by = within.and_then(|n| now.date_naive().checked_add_signed(chrono::TimeDelta::days(n + 1)));
    let mut rows = store::list(db, f.status.map(AgreementStatus::as_str), f.customer_id, f.account_manager_id, ends_by, LIST_LIMIT).await?;
    if let Some(n) = within {
        rows.retain(|g| g.ends_on.is_some_and(|e| (e - local_today(&g.customer_timezone, now)).num_days() <= n));
    }
    let names = store::service_names(db, &rows.iter().map(|r| r.id).collect::<Vec<_>>()).await?;
    Ok(rows
        .into_iter()
        .map(|g| {
            let mine = names.iter().filter(|(a, _)| *a == g.id).map(|(_, n)| n.clone()).collect();
            summary(g, mine, now)
        })
        .collect())
}

/// The agreement page.
///
/// # Errors
/// `NotFound`.
pub async fn view(db: &Db, actor: &Actor, id: i64, now: DateTime<Utc>) -> Result<crate::domain::AgreementView, AppError> {
    let g = store::get(db, id).await?;
    let policies = crate::server::store::sla::policies(db).await?;
    let calendars = crate::server::store::sla::calendars(db).await?;
    let policy_name = |pid: Option<i64>| pid.and_then(|p| policies.iter().find(|x| x.id == p).map(|x| x.name.clone()));
    let terms: Vec<_> = store::terms(db, id)
        .await?
        .into_iter()
        .map(|t| crate::domain::TermsView {
            service_id: t.service_id,
            service_name: t.service_name,
            policy_name: policy_name(t.sla_policy_id),
            calendar_name: t.calendar_id.and_then(|c| calendars.iter().find(|x| x.id == c).map(|x| x.name.clone())),
            rate: t.hourly_rate_minor.zip(t.currency),
        })
        .collect();
    let mut contacts = Vec::new();
    for c in store::contacts(db, id).await? {
        if let Ok(k) = customers::contact(db, c).await {
            contacts.push((k.name, k.email));
        }
    }
    let history = store::events(db, id)
        .await?
        .into_iter()
        .map(|e| crate::domain::AgreementEventView {
            at: crate::server::render::shown(e.at, actor.timezone, actor.language),
            actor: e.actor_name.unwrap_or_default(),
            kind: e.kind,
            old: e.old_value,
            new: e.new_value,
            reason: e.reason,
        })
        .collect();
    let copied_from = match g.copied_from {
        Some(f) => store::get(db, f).await.ok().map(|x| (x.id, display_number(x.number))),
        None => None,
    };
    let services = terms.iter().map(|t| t.service_name.clone()).collect();
    let (rows, tickets_total) = store::tickets(db, id, TICKETS_SHOWN).await?;
    let tickets = rows
        .into_iter()
        .map(|r| crate::domain::AgreementTicket {
            number: crate::domain::display_number(r.number),
            title: r.title,
            status: super::tickets::status_view(0, &r.status_name, &r.status_category, r.status_key.as_deref()),
            service: r.service_name,
            created: crate::server::render::shown(r.created_at, actor.timezone, actor.language),
        })
        .collect();
    let compliance = store::compliance(db, id, now_micros(now))
        .await?
        .into_iter()
        .filter_map(|(service, target, met, breached, running)| {
            let target = crate::sla::Target::ALL.into_iter().find(|t| t.as_str() == target)?;
            Some(crate::domain::ComplianceRow { service, target, met, breached, running })
        })
        .collect();
    Ok(crate::domain::AgreementView {
        tickets,
        tickets_total,
        compliance,
        account_manager_id: g.account_manager_id,
        policy_name: policy_name(g.sla_policy_id),
        notes: g.notes.clone(),
        notice_days: parse_notice_days(&g.notice_days),
        copied_from,
        terms,
        contacts,
        history,
        can_edit: actor.role >= Role::Manager,
        summary: summary(g, services, now),
    })
}

/// What each customer's agreements let it ask for now (one customer, or all): its active
/// agreements with their services, whether it has any agreement, and who to ask about cover.
///
/// # Errors
/// Database errors.
pub async fn covers(db: &Db, customer_id: Option<i64>) -> Result<std::collections::HashMap<i64, crate::domain::Cover>, AppError> {
    use crate::domain::{Cover, CoverChoice};
    let rows = store::not_cancelled(db, customer_id).await?;
    let active: Vec<i64> = rows.iter().filter(|g| g.status == "active").map(|g| g.id).collect();
    let services = store::service_ids(db, &active).await?;
    let mut managers: std::collections::HashMap<i64, String> = std::collections::HashMap::new();
    let mut out: std::collections::HashMap<i64, Cover> = std::collections::HashMap::new();
    // Newest start first: the first account manager met is the latest agreement's.
    for g in &rows {
        let c = out.entry(g.customer_id).or_default();
        // One whose only agreement has not started yet is not held to it.
        c.contracted |= g.status != "planned";
        if c.contact.is_empty() {
            if let Some(m) = g.account_manager_id {
                if !managers.contains_key(&m) {
                    let who = agents::get(db, m).await.map(|a| format!("{} <{}>", a.name, a.email)).unwrap_or_default();
                    managers.insert(m, who);
                }
                c.contact = managers.get(&m).cloned().unwrap_or_default();
            }
        }
        if g.status == "active" {
            c.active.push(CoverChoice {
                id: g.id,
                number: display_number(g.number),
                title: g.title.clone(),
                starts_on: g.starts_on,
                services: services.iter().filter(|(a, _)| *a == g.id).map(|(_, s)| *s).collect(),
            });
        }
    }
    Ok(out)
}

/// How many of its tickets an agreement's page lists.
const TICKETS_SHOWN: i64 = 20;

/// What one run of the agreements scheduler did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LifecycleRun {
    pub activated: usize,
    pub expired: usize,
    pub notices: usize,
}

/// The most agreements one run looks at.
const BATCH: i64 = 5000;

/// Moves planned and active agreements whose day has come (at midnight in their customer's
/// timezone), each move an event by the scheduler; then sends the expiry notices due, each
/// once (across restarts and servers), to the account manager and the notice contacts
/// through the outbox.
///
/// # Errors
/// Database errors.
pub async fn run_lifecycle(db: &Db, now: DateTime<Utc>) -> Result<LifecycleRun, AppError> {
    let mut run = LifecycleRun::default();
    let now = now_micros(now);
    // Every timezone's today is within a day of UTC's; notices reach at most 366 days ahead.
    let utc_today = now.date_naive();
    let starts_by = utc_today.succ_opt().unwrap_or(utc_today);
    let ends_by = utc_today.checked_add_signed(chrono::TimeDelta::days(368)).unwrap_or(utc_today);
    let mut after = 0;
    loop {
        let batch = store::running(db, starts_by, ends_by, after, BATCH).await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        let full = batch.len() as i64 == BATCH;
        for g in batch {
            // One agreement that fails is logged and left for the next run; the rest go on.
            if let Err(e) = lifecycle_one(db, &g, now, &mut run).await {
                tracing::warn!(agreement_id = g.id, "agreements: lifecycle step failed: {e}");
            }
        }
        if !full {
            break;
        }
    }
    Ok(run)
}

/// One agreement's step of [`run_lifecycle`].
async fn lifecycle_one(db: &Db, g: &AgreementRow, now: DateTime<Utc>, run: &mut LifecycleRun) -> Result<(), AppError> {
    let today = local_today(&g.customer_timezone, now);
    let next = status_on(g.starts_on, g.ends_on, false, today);
    if next.as_str() != g.status {
        if !store::transition(db, g.id, g.version, &g.status, next.as_str(), g.starts_on, g.ends_on, ("status", Some(g.status.clone()), Some(next.as_str().to_owned()), Some("date")), None, now).await? {
            // Changed meanwhile (by hand, or another server): the next run sees it as it is.
            return Ok(());
        }
        match next {
            AgreementStatus::Active => run.activated += 1,
            AgreementStatus::Expired => run.expired += 1,
            _ => {}
        }
    }
    if next == AgreementStatus::Active && send_notice(db, g, today, now).await? {
        run.notices += 1;
    }
    Ok(())
}

/// Sends the expiry notice due today for `g`, if one is: returns whether it did.
async fn send_notice(db: &Db, g: &AgreementRow, today: NaiveDate, now: DateTime<Utc>) -> Result<bool, AppError> {
    let Some(ends) = g.ends_on else { return Ok(false) };
    let sent = store::notices_sent(db, g.id, ends).await?;
    let Some((days, superseded)) = notice_due(ends, &parse_notice_days(&g.notice_days), &sent, today) else { return Ok(false) };
    let left = (ends - today).num_days();
    let mut to = Vec::new();
    let mut in_app = Vec::new();
    if let Some(m) = g.account_manager_id {
        if let Ok(a) = agents::get(db, m).await {
            if a.active {
                in_app.push(a.id);
            }
            to.push((a.email, a.name, a.language));
        }
    }
    for c in store::contacts(db, g.id).await? {
        if let Ok(k) = customers::contact(db, c).await {
            to.push((k.email, k.name, k.language));
        }
    }
    let messages: Vec<OutboxMessage> = to
        .into_iter()
        .map(|(address, name, language)| {
            let t = crate::i18n::tr(crate::domain::Lang::parse(&language).unwrap_or(crate::domain::Lang::En));
            let vars = [("number", display_number(g.number)), ("title", g.title.clone()), ("customer", g.customer_name.clone()), ("end", ends.to_string()), ("days", left.to_string())];
            let vars: Vec<(&str, &str)> = vars.iter().map(|(k, v)| (*k, v.as_str())).collect();
            OutboxMessage {
                to_address: address,
                to_name: name,
                language,
                subject: crate::i18n::fill(t.mail_expiry_subject, &vars),
                body: crate::i18n::fill(t.mail_expiry_body, &vars),
            }
        })
        .collect();
    // Nobody to tell (no account manager, no contacts yet): asked again on the next run.
    if messages.is_empty() {
        return Ok(false);
    }
    Ok(store::record_notice(db, g.id, ends, days, &superseded, &messages, (&in_app, left), now).await?)
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::server::store::services::{self as services_store, ServiceWrite};
    use crate::server::testing::each_backend;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    struct Desk {
        db: Db,
        boss: Actor,
        hosting: i64,
        backups: i64,
    }

    async fn desk(db: Db) -> Desk {
        let t0 = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        let boss = crate::server::testing::actor(&db, "boss@example.com", Role::Manager).await;
        let svc = |name| ServiceWrite { name, description: "", category: "", sla_policy_id: None };
        let hosting = services_store::insert(&db, svc("Hosting"), t0).await.unwrap();
        let backups = services_store::insert(&db, svc("Backups"), t0).await.unwrap();
        Desk { db, boss, hosting, backups }
    }

    fn input(customer_id: i64, services: &[i64], starts: &str, ends: Option<&str>) -> AgreementInput {
        AgreementInput {
            customer_id,
            title: "Support 2027".into(),
            starts_on: day(starts),
            ends_on: ends.map(day),
            account_manager_id: None,
            sla_policy_id: None,
            notes: String::new(),
            notice_days: vec![],
            services: services.iter().map(|s| ServiceTerms { service_id: *s, sla_policy_id: None, calendar_id: None, hourly_rate_minor: Some(95_00), currency: Some("EUR".into()) }).collect(),
            contacts: vec![],
            confirm_overlap: false,
        }
    }

    async fn status(d: &Desk, id: i64) -> String {
        store::get(&d.db, id).await.unwrap().status
    }

    #[tokio::test]
    async fn agreements_flip_at_their_own_customers_midnight() {
        each_backend(|db| async move {
            let d = desk(db).await;
            let moscow = customers::insert(&d.db, "Volga", "Europe/Moscow", utc("2026-12-01T00:00:00Z")).await.unwrap();
            let new_york = customers::insert(&d.db, "Hudson", "America/New_York", utc("2026-12-01T00:00:00Z")).await.unwrap();
            let made = utc("2026-12-30T12:00:00Z");
            let (m, _) = create(&d.db, &d.boss, input(moscow, &[d.hosting], "2027-01-01", Some("2027-01-31")), made).await.unwrap();
            let (n, _) = create(&d.db, &d.boss, input(new_york, &[d.hosting], "2027-01-01", Some("2027-01-31")), made).await.unwrap();
            assert_eq!((status(&d, m).await, status(&d, n).await), ("planned".into(), "planned".into()));
            // 21:00 UTC on 31 December is midnight in Moscow (UTC+3), 16:00 in New York (UTC−5).
            assert_eq!(run_lifecycle(&d.db, utc("2026-12-31T20:59:59Z")).await.unwrap().activated, 0);
            assert_eq!(run_lifecycle(&d.db, utc("2026-12-31T21:00:00Z")).await.unwrap().activated, 1);
            assert_eq!((status(&d, m).await, status(&d, n).await), ("active".into(), "planned".into()));
            assert_eq!(run_lifecycle(&d.db, utc("2027-01-01T05:00:00Z")).await.unwrap().activated, 1);
            assert_eq!(status(&d, n).await, "active");
            // The last day is covered; the next local midnight ends it.
            assert_eq!(run_lifecycle(&d.db, utc("2027-01-31T20:59:00Z")).await.unwrap().expired, 0);
            assert_eq!(run_lifecycle(&d.db, utc("2027-01-31T21:00:00Z")).await.unwrap().expired, 1);
            assert_eq!(run_lifecycle(&d.db, utc("2027-02-01T05:00:00Z")).await.unwrap().expired, 1);
            assert_eq!(run_lifecycle(&d.db, utc("2027-02-02T05:00:00Z")).await.unwrap(), LifecycleRun::default());
            let history: Vec<_> = store::events(&d.db, m).await.unwrap().into_iter().map(|e| (e.kind, e.new_value, e.actor_name)).collect();
            assert_eq!(
                history,
                vec![
                    ("created".into(), Some("planned".into()), Some("boss@example.com".into())),
                    ("status".into(), Some("active".into()), None),
                    ("status".into(), Some("expired".into()), None),
                ]
            );
        })
        .await;
    }

    #[tokio::test]
    async fn expiry_notices_go_out_once_each_through_the_outbox_across_a_restart() {
        each_backend(|db| async move {
            let d = desk(db).await;
            let c = customers::insert(&d.db, "Acme", "UTC", utc("2026-12-01T00:00:00Z")).await.unwrap();
            let contact = customers::insert_contact(&d.db, c, "Ann", "ann@acme.example", "sv", utc("2026-12-01T00:00:00Z")).await.unwrap();
            let mut a = input(c, &[d.hosting], "2026-01-01", Some("2027-03-31"));
            a.account_manager_id = Some(d.boss.id);
            a.contacts = vec![contact];
            let (id, number) = create(&d.db, &d.boss, a, utc("2026-12-01T00:00:00Z")).await.unwrap();
            let mails = || async { store::outbox_for(&d.db, &format!("agreement:{id}")).await.unwrap() };
            assert_eq!(run_lifecycle(&d.db, utc("2027-02-28T12:00:00Z")).await.unwrap().notices, 0);
            // 30 days before the end: to the account manager and the contact, in their languages.
            assert_eq!(run_lifecycle(&d.db, utc("2027-03-01T00:30:00Z")).await.unwrap().notices, 1);
            let sent = mails().await;
            assert_eq!(sent.len(), 2);
            assert_eq!(sent[0].0, "boss@example.com");
            assert!(sent[0].1.contains(&number) && sent[0].1.contains("30"), "{sent:?}");
            assert_eq!(sent[1].0, "ann@acme.example");
            assert!(sent[1].1.contains("löper ut"), "Swedish for Ann: {sent:?}");
            // In the app too, for the account manager: the bell links to the agreement.
            let bell = crate::server::services::notifications::list(&d.db, &d.boss).await.unwrap();
            assert_eq!(bell.unread, 1);
            let n = &bell.items[0];
            assert_eq!((n.kind, n.days, n.href.clone(), n.ticket_number.clone()), (crate::domain::NoticeKind::AgreementExpiry, Some(30), format!("/agreements/{id}"), number.clone()));
            // A restart (another run the same day, the next day): nothing again.
            assert_eq!(run_lifecycle(&d.db, utc("2027-03-01T08:00:00Z")).await.unwrap().notices, 0);
            assert_eq!(run_lifecycle(&d.db, utc("2027-03-02T08:00:00Z")).await.unwrap().notices, 0);
            assert_eq!(mails().await.len(), 2);
            // Seven days before: the second notice, once.
            assert_eq!(run_lifecycle(&d.db, utc("2027-03-24T08:00:00Z")).await.unwrap().notices, 1);
            assert_eq!(run_lifecycle(&d.db, utc("2027-03-25T08:00:00Z")).await.unwrap().notices, 0);
            assert_eq!(mails().await.len(), 4);
            // Extended: the new end date gets its own notices.
            change(&d.db, &d.boss, id, Change::Extend(Some(day("2027-04-10"))), "Renewal signed", utc("2027-03-25T09:00:00Z")).await.unwrap();
            assert_eq!(run_lifecycle(&d.db, utc("2027-03-26T08:00:00Z")).await.unwrap().notices, 1, "the 30-day notice for 10 April");
            assert_eq!(run_lifecycle(&d.db, utc("2027-04-03T08:00:00Z")).await.unwrap().notices, 1, "and its 7-day one");
            assert_eq!(mails().await.len(), 8);
            assert_eq!(crate::server::services::notifications::list(&d.db, &d.boss).await.unwrap().items.len(), 4, "one in-app notice per notice sent");
        })
        .await;
    }

    #[tokio::test]
    async fn managers_start_end_extend_and_cancel_by_hand_with_a_reason() {
        each_backend(|db| async move {
            let d = desk(db).await;
            let c = customers::insert(&d.db, "Acme", "UTC", utc("2026-12-01T00:00:00Z")).await.unwrap();
            let now = utc("2026-12-10T10:00:00Z");
            let (planned, _) = create(&d.db, &d.boss, input(c, &[d.hosting], "2027-01-01", Some("2027-12-31")), now).await.unwrap();
            assert_eq!(change(&d.db, &d.boss, planned, Change::ActivateEarly, " ", now).await.unwrap_err().field("reason"), Some(Problem::Required));
            assert_eq!(change(&d.db, &d.boss, planned, Change::EndEarly, "why", now).await.unwrap_err().field("status"), Some(Problem::WrongState));
            assert_eq!(change(&d.db, &d.boss, planned, Change::ActivateEarly, "Customer asked to start now", now).await.unwrap(), AgreementStatus::Active);
            let g = store::get(&d.db, planned).await.unwrap();
            assert_eq!((g.starts_on, g.status.as_str()), (day("2026-12-10"), "active"));
            // Ended today: still covered today, expired from tomorrow.
            assert_eq!(change(&d.db, &d.boss, planned, Change::EndEarly, "Contract terminated", now).await.unwrap(), AgreementStatus::Active);
            assert_eq!(run_lifecycle(&d.db, utc("2026-12-11T00:00:01Z")).await.unwrap().expired, 1);
            // Extending an expired one makes it active again.
            assert_eq!(change(&d.db, &d.boss, planned, Change::Extend(Some(day("2027-06-30"))), "Renewed", utc("2026-12-12T10:00:00Z")).await.unwrap(), AgreementStatus::Active);
            let kinds: Vec<_> = store::events(&d.db, planned).await.unwrap().into_iter().map(|e| (e.kind, e.reason)).collect();
            assert_eq!(kinds.iter().filter(|(k, _)| k == "extended").count(), 1);
            assert!(kinds.contains(&("ended_early".into(), Some("Contract terminated".into()))), "{kinds:?}");
            assert!(kinds.contains(&("status".into(), Some("date".into()))), "{kinds:?}");
            // A planned one is cancelled and kept; an active one cannot be.
            let (later, _) = create(&d.db, &d.boss, input(c, &[d.backups], "2027-07-01", None), now).await.unwrap();
            assert_eq!(change(&d.db, &d.boss, later, Change::Cancel, "Not signed", now).await.unwrap(), AgreementStatus::Cancelled);
            assert_eq!(change(&d.db, &d.boss, planned, Change::Cancel, "no", now).await.unwrap_err().field("status"), Some(Problem::WrongState));
            assert_eq!(run_lifecycle(&d.db, utc("2027-07-02T00:00:00Z")).await.unwrap().activated, 0, "cancelled stays cancelled");
            let agent = Actor { role: Role::Agent, ..d.boss.clone() };
            assert_eq!(change(&d.db, &agent, planned, Change::EndEarly, "x", now).await, Err(AppError::Forbidden));
        })
        .await;
    }

    #[tokio::test]
    async fn bad_agreements_are_refused_and_an_overlap_needs_confirming() {
        each_backend(|db| async move {
            let d = desk(db).await;
            let c = customers::insert(&d.db, "Acme", "UTC", utc("2026-12-01T00:00:00Z")).await.unwrap();
            let now = utc("2026-12-10T10:00:00Z");
            let field = |r: Result<(i64, String), AppError>| match r {
                Err(AppError::Invalid(errs)) => errs.into_iter().map(|e| (e.field, e.problem)).collect::<Vec<_>>(),
                other => panic!("{other:?}"),
            };
            let mut bad = input(c, &[d.hosting], "2027-01-31", Some("2027-01-01"));
            bad.services[0].currency = None;
            assert_eq!(
                field(create(&d.db, &d.boss, bad, now).await),
                vec![("ends_on".into(), Problem::EndBeforeStart), ("services[0].currency".into(), Problem::Required)]
            );
            let (first, number) = create(&d.db, &d.boss, input(c, &[d.hosting, d.backups], "2027-01-01", Some("2027-12-31")), now).await.unwrap();
            // Hosting again from mid-2027: the warning names the other agreement.
            let overlap = input(c, &[d.hosting], "2027-06-01", None);
            assert_eq!(field(create(&d.db, &d.boss, overlap.clone(), now).await), vec![("services".into(), Problem::OverlapsAgreement(number.clone()))]);
            let (second, _) = create(&d.db, &d.boss, AgreementInput { confirm_overlap: true, ..overlap }, now).await.unwrap();
            // After it ends, no overlap; another customer's agreements never count.
            create(&d.db, &d.boss, input(c, &[d.backups], "2028-01-01", None), now).await.unwrap();
            let other = customers::insert(&d.db, "Other", "UTC", now).await.unwrap();
            create(&d.db, &d.boss, input(other, &[d.hosting], "2027-01-01", None), now).await.unwrap();
            assert!(second > first);
            // Unknown or inactive things are refused by name.
            services_store::set_active(&d.db, d.backups, false, now).await.unwrap();
            assert_eq!(field(create(&d.db, &d.boss, input(other, &[d.backups], "2029-01-01", None), now).await), vec![("services".into(), Problem::NotAvailable)]);
            let mut stranger = input(other, &[d.hosting], "2030-01-01", None);
            stranger.confirm_overlap = true;
            stranger.account_manager_id = Some(999_999);
            assert_eq!(field(create(&d.db, &d.boss, stranger, now).await), vec![("account_manager_id".into(), Problem::NotAvailable)]);
        })
        .await;
    }

    #[tokio::test]
    async fn a_copy_takes_services_rates_and_contacts_into_a_new_planned_agreement() {
        each_backend(|db| async move {
            let d = desk(db).await;
            let c = customers::insert(&d.db, "Acme", "UTC", utc("2026-12-01T00:00:00Z")).await.unwrap();
            let contact = customers::insert_contact(&d.db, c, "Ann", "ann@acme.example", "en", utc("2026-12-01T00:00:00Z")).await.unwrap();
            let now = utc("2026-12-10T10:00:00Z");
            let mut a = input(c, &[d.hosting, d.backups], "2026-01-01", Some("2026-12-31"));
            a.services[1] = ServiceTerms { service_id: d.backups, sla_policy_id: None, calendar_id: None, hourly_rate_minor: Some(1200_00), currency: Some("SEK".into()) };
            a.contacts = vec![contact];
            a.notice_days = vec![60, 14];
            let (from, from_number) = create(&d.db, &d.boss, a, now).await.unwrap();
            let (copy_id, number) = copy(&d.db, &d.boss, from, Some("Support 2027".into()), day("2027-01-01"), Some(day("2027-12-31")), false, now).await.unwrap();
            assert_ne!(number, from_number);
            let g = store::get(&d.db, copy_id).await.unwrap();
            assert_eq!((g.status.as_str(), g.copied_from, g.notice_days.as_str()), ("planned", Some(from), "60,14"));
            let terms = |id| {
                let db = d.db.clone();
                async move { store::terms(&db, id).await.unwrap().into_iter().map(|t| (t.service_name, t.hourly_rate_minor, t.currency)).collect::<Vec<_>>() }
            };
            assert_eq!(terms(copy_id).await, terms(from).await);
            assert_eq!(store::contacts(&d.db, copy_id).await.unwrap(), vec![contact]);
            let first = store::events(&d.db, copy_id).await.unwrap().remove(0);
            assert_eq!((first.kind.as_str(), first.old_value), ("copied", Some(from.to_string())));
            // A copy inside its original's own dates doubles the cover: named, like any other.
            let e = copy(&d.db, &d.boss, from, None, day("2026-06-01"), Some(day("2026-11-30")), false, now).await.unwrap_err();
            assert_eq!(e.field("services"), Some(Problem::OverlapsAgreement(from_number.clone())));
            let e = copy(&d.db, &d.boss, from, None, day("2027-06-01"), None, false, now).await.unwrap_err();
            assert_eq!(e.field("services"), Some(Problem::OverlapsAgreement(number)));
        })
        .await;
    }
}
