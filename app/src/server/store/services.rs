//! The service catalog: what we sell support for.

use chrono::{DateTime, Utc};

use crate::on_db;
use crate::server::db::Db;

/// A service as stored, with what uses it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ServiceRow {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub category: String,
    pub sla_policy_id: Option<i64>,
    pub policy_name: Option<String>,
    pub active: bool,
    pub updated_at: DateTime<Utc>,
    /// Tickets that name it.
    pub tickets: i64,
}

const SELECT: &str = "SELECT s.id, s.name, s.description, s.category, s.sla_policy_id, p.name AS policy_name, s.active, s.updated_at,
    (SELECT COUNT(*) FROM tickets t WHERE t.service_id = s.id) AS tickets
    FROM services s LEFT JOIN sla_policies p ON p.id = s.sla_policy_id";

/// A service's fields as written.
#[derive(Clone, Copy, Debug)]
pub struct ServiceWrite<'a> {
    pub name: &'a str,
    pub description: &'a str,
    pub category: &'a str,
    pub sla_policy_id: Option<i64>,
}

/// Services by category and name, the inactive ones too unless `active_only`; at most `limit`.
///
/// # Errors
/// Database errors.
pub async fn list(db: &Db, active_only: bool, limit: i64) -> Result<Vec<ServiceRow>, sqlx::Error> {
    let filter = if active_only { "WHERE s.active" } else { "" };
    let sql = format!("{SELECT} {filter} ORDER BY s.category, lower(s.name), s.id LIMIT $1");
    on_db!(db, |p| sqlx::query_as::<_, ServiceRow>(&sql).bind(limit).fetch_all(p).await)
}

/// One service.
///
/// # Errors
/// `RowNotFound` when there is none.
pub async fn get(db: &Db, id: i64) -> Result<ServiceRow, sqlx::Error> {
    let sql = format!("{SELECT} WHERE s.id = $1");
    on_db!(db, |p| sqlx::query_as::<_, ServiceRow>(&sql).bind(id).fetch_one(p).await)
}

/// Adds a service (active).
///
/// # Errors
/// A unique violation when the name is taken; a foreign key violation for a missing policy.
pub async fn insert(db: &Db, w: ServiceWrite<'_>, now: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar::<_, i64>(
        "INSERT INTO services (name, description, category, sla_policy_id, active, created_at, updated_at)
         VALUES ($1, $2, $3, $4, TRUE, $5, $6) RETURNING id")
        .bind(w.name)
        .bind(w.description)
        .bind(w.category)
        .bind(w.sla_policy_id)
        .bind(now)
        .bind(now)
        .fetch_one(p)
        .await)
}

/// Changes a service's fields and marks the open tickets that name it for an SLA recompute
/// (its policy may have changed).
///
/// # Errors
/// `RowNotFound`; a unique violation when the name is taken.
pub async fn update(db: &Db, id: i64, w: ServiceWrite<'_>, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_db!(db, |p| {
        let mut tx = p.begin().await?;
        let n = sqlx::query("UPDATE services SET name = $1, description = $2, category = $3, sla_policy_id = $4, updated_at = $5 WHERE id = $6")
            .bind(w.name)
            .bind(w.description)
            .bind(w.category)
            .bind(w.sla_policy_id)
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(sqlx::Error::RowNotFound);
        }
        sqlx::query(
            "UPDATE tickets SET sla_stale = TRUE, sla_gen = sla_gen + 1 WHERE service_id = $1
             AND status_id IN (SELECT id FROM statuses WHERE category NOT IN ('resolved', 'closed'))")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    })
}

/// Activates or deactivates a service. An inactive one is kept (tickets and agreements keep
/// naming it) but offered for nothing new.
///
/// # Errors
/// `RowNotFound`.
pub async fn set_active(db: &Db, id: i64, active: bool, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let n = on_db!(db, |p| sqlx::query("UPDATE services SET active = $1, updated_at = $2 WHERE id = $3")
        .bind(active)
        .bind(now)
        .bind(id)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    if n == 0 { Err(sqlx::Error::RowNotFound) } else { Ok(()) }
}

/// How many agreements cover a service.
///
/// # Errors
/// Database errors.
pub async fn agreements_using(db: &Db, id: i64) -> Result<i64, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar::<_, i64>("SELECT COUNT(DISTINCT agreement_id) FROM agreement_services WHERE service_id = $1").bind(id).fetch_one(p).await)
}

/// Deletes a service no ticket and no agreement names: `Ok(false)` when one does.
///
/// # Errors
/// `RowNotFound`.
pub async fn delete_unused(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    let n = on_db!(db, |p| sqlx::query("DELETE FROM services WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM tickets WHERE service_id = $1)
         AND NOT EXISTS (SELECT 1 FROM agreement_services WHERE service_id = $1)")
        .bind(id)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    if n == 1 {
        return Ok(true);
    }
    get(db, id).await.map(|_| false)
}
