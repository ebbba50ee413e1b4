//! Customer (project) and contact rules.

use chrono::{DateTime, Utc};

use crate::domain::{ContactInput, ContactView, CustomerChoice, CustomerInput, CustomerSummary, CustomerView, Lang, Problem};
use crate::error::AppError;
use crate::server::render::{parse_tz, shown};
use crate::server::store::customers::{self as store, ContactRow};
use crate::server::{Actor, Db};

/// How many recent tickets the customer page shows.
const RECENT: usize = 20;

/// The most customers a list shows.
pub const LIST_LIMIT: i64 = 500;

fn contact_view(c: ContactRow) -> ContactView {
    ContactView { id: c.id, name: c.name, email: c.email, language: Lang::parse(&c.language).unwrap_or(Lang::En) }
}

fn check_tz(tz: &str) -> Result<(), AppError> {
    parse_tz(tz).map(|_| ()).ok_or_else(|| AppError::invalid("timezone", Problem::BadTimezone))
}

/// Customers by name.
///
/// # Errors
/// Database errors.
pub async fn list(db: &Db, _actor: &Actor) -> Result<Vec<CustomerSummary>, AppError> {
    Ok(store::list(db, LIST_LIMIT)
        .await?
        .into_iter()
        .map(|c| CustomerSummary { id: c.id, name: c.name, timezone: c.timezone, open_tickets: c.open_tickets, contacts: c.contacts })
        .collect())
}

/// Creates a customer.
///
/// # Errors
/// `Invalid` for an unknown timezone or a name in use.
pub async fn create(db: &Db, _actor: &Actor, c: CustomerInput, now: DateTime<Utc>) -> Result<i64, AppError> {
    check_tz(&c.timezone)?;
    store::insert(db, &c.name, &c.timezone, crate::server::db::now_micros(now))
        .await
        .map_err(|e| super::unique_to_field(e, "name"))
}

/// Renames a customer or changes its timezone.
///
/// # Errors
/// `NotFound`, or `Invalid` for an unknown timezone or a name in use.
pub async fn update(db: &Db, _actor: &Actor, id: i64, c: CustomerInput, now: DateTime<Utc>) -> Result<(), AppError> {
    check_tz(&c.timezone)?;
    store::update(db, id, &c.name, &c.timezone, crate::server::db::now_micros(now))
        .await
        .map_err(|e| super::unique_to_field(e, "name"))
}

/// The customer page: details, contacts, recent tickets.
///
/// # Errors
/// `NotFound` for an unknown customer.
pub async fn view(db: &Db, actor: &Actor, id: i64) -> Result<CustomerView, AppError> {
    let c = store::get(db, id).await?;
    let contacts = store::contacts(db, id).await?.into_iter().map(contact_view).collect();
    let query = crate::domain::TicketQuery { customer_id: Some(id), ..crate::domain::TicketQuery::new() };
    let recent = super::tickets::search(db, actor, &query, chrono::Utc::now()).await?.items.into_iter().take(RECENT).collect();
    let filter = crate::domain::AgreementFilter { customer_id: Some(id), ..Default::default() };
    let agreements = super::agreements::list(db, actor, &filter, chrono::Utc::now()).await?;
    let mut requestable: Vec<String> =
        agreements.iter().filter(|a| a.status == crate::domain::AgreementStatus::Active).flat_map(|a| a.services.iter().cloned()).collect();
    requestable.sort();
    requestable.dedup();
    Ok(CustomerView {
        agreements,
        requestable,
        id: c.id,
        name: c.name,
        timezone: c.timezone,
        contacts,
        recent_tickets: recent,
        open_tickets: c.open_tickets,
        created: shown(c.created_at, actor.timezone, actor.language),
        sla_policy_id: c.sla_policy_id,
        policies: crate::server::store::sla::policies(db).await?.into_iter().map(|p| (p.id, p.name, p.is_default)).collect(),
    })
}

/// Adds a contact to a customer.
///
/// # Errors
/// `NotFound` for an unknown customer, `Invalid` for an email the customer already has.
pub async fn add_contact(db: &Db, _actor: &Actor, customer_id: i64, c: ContactInput, now: DateTime<Utc>) -> Result<i64, AppError> {
    if !store::exists(db, customer_id).await? {
        return Err(AppError::NotFound);
    }
    store::insert_contact(db, customer_id, &c.name, c.email.as_str(), c.language.as_str(), crate::server::db::now_micros(now))
        .await
        .map_err(|e| super::unique_to_field(e, "email"))
}

/// Customers with their contacts, for the new-ticket form.
///
/// # Errors
/// Database errors.
pub async fn choices(db: &Db, _actor: &Actor) -> Result<Vec<CustomerChoice>, AppError> {
    let customers = store::list(db, LIST_LIMIT).await?;
    let mut contacts = store::all_contacts(db, 5000).await?;
    let mut covers = super::agreements::covers(db, None).await?;
    Ok(customers
        .into_iter()
        .map(|c| {
            let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut contacts).into_iter().partition(|k| k.customer_id == c.id);
            contacts = rest;
            CustomerChoice { cover: covers.remove(&c.id).unwrap_or_default(), id: c.id, name: c.name, contacts: mine.into_iter().map(contact_view).collect() }
        })
        .collect())
}
