//! Customers (each one a project) and their contacts.

use chrono::{DateTime, Utc};

use crate::on_db;
use crate::server::db::Db;

/// A customer as stored, with counts for lists.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CustomerRow {
    pub id: i64,
    pub name: String,
    pub timezone: String,
    pub created_at: DateTime<Utc>,
    pub open_tickets: i64,
    pub contacts: i64,
    pub sla_policy_id: Option<i64>,
}

/// A contact as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ContactRow {
    pub id: i64,
    pub customer_id: i64,
    pub name: String,
    pub email: String,
    pub language: String,
}

const SELECT: &str = "SELECT c.id, c.name, c.timezone, c.created_at, c.sla_policy_id,
    (SELECT COUNT(*) FROM tickets t JOIN statuses s ON s.id = t.status_id
      WHERE t.customer_id = c.id AND s.category NOT IN ('resolved', 'closed')) AS open_tickets,
    (SELECT COUNT(*) FROM contacts k WHERE k.customer_id = c.id) AS contacts
    FROM customers c";

/// Inserts a customer.
///
/// # Errors
/// A unique violation when the name is taken, other database errors.
pub async fn insert(db: &Db, name: &str, timezone: &str, now: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar::<_, i64>(
        "INSERT INTO customers (name, timezone, created_at, updated_at) VALUES ($1, $2, $3, $4) RETURNING id")
        .bind(name)
        .bind(timezone)
        .bind(now)
        .bind(now)
        .fetch_one(p)
        .await)
}

/// Renames a customer or changes its timezone.
///
/// # Errors
/// `RowNotFound` when there is no such customer; a unique violation when the name is taken.
pub async fn update(db: &Db, id: i64, name: &str, timezone: &str, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let r = on_db!(db, |p| sqlx::query("UPDATE customers SET name = $1, timezone = $2, updated_at = $3 WHERE id = $4")
        .bind(name)
        .bind(timezone)
        .bind(now)
        .bind(id)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    if r == 0 { Err(sqlx::Error::RowNotFound) } else { Ok(()) }
}

/// One customer.
///
/// # Errors
/// `RowNotFound` when there is none.
pub async fn get(db: &Db, id: i64) -> Result<CustomerRow, sqlx::Error> {
    let sql = format!("{SELECT} WHERE c.id = $1");
    on_db!(db, |p| sqlx::query_as::<_, CustomerRow>(&sql).bind(id).fetch_one(p).await)
}

/// Whether a customer exists (cheap: no counts).
///
/// # Errors
/// Database errors.
pub async fn exists(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar::<_, i64>("SELECT id FROM customers WHERE id = $1").bind(id).fetch_optional(p).await)
        .map(|r| r.is_some())
}

/// Customers by name, at most `limit`.
///
/// # Errors
/// Database errors.
pub async fn list(db: &Db, limit: i64) -> Result<Vec<CustomerRow>, sqlx::Error> {
    let sql = format!("{SELECT} ORDER BY c.name, c.id LIMIT $1");
    on_db!(db, |p| sqlx::query_as::<_, CustomerRow>(&sql).bind(limit).fetch_all(p).await)
}

/// Inserts a contact.
///
/// # Errors
/// A unique violation when the customer already has a contact with this email.
pub async fn insert_contact(db: &Db, customer_id: i64, name: &str, email: &str, language: &str, now: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar::<_, i64>(
        "INSERT INTO contacts (customer_id, name, email, language, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(customer_id)
        .bind(name)
        .bind(email)
        .bind(language)
        .bind(now)
        .fetch_one(p)
        .await)
}

/// The contacts of one customer, by name.
///
/// # Errors
/// Database errors.
pub async fn contacts(db: &Db, customer_id: i64) -> Result<Vec<ContactRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as::<_, ContactRow>(
        "SELECT id, customer_id, name, email, language FROM contacts WHERE customer_id = $1 ORDER BY name, id LIMIT 1000")
        .bind(customer_id)
        .fetch_all(p)
        .await)
}

/// One contact.
///
/// # Errors
/// `RowNotFound` when there is none.
pub async fn contact(db: &Db, id: i64) -> Result<ContactRow, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as::<_, ContactRow>(
        "SELECT id, customer_id, name, email, language FROM contacts WHERE id = $1")
        .bind(id)
        .fetch_one(p)
        .await)
}

/// The contacts of the first `limit` customers, for pickers.
///
/// # Errors
/// Database errors.
pub async fn all_contacts(db: &Db, limit: i64) -> Result<Vec<ContactRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as::<_, ContactRow>(
        "SELECT id, customer_id, name, email, language FROM contacts ORDER BY customer_id, name, id LIMIT $1")
        .bind(limit)
        .fetch_all(p)
        .await)
}
