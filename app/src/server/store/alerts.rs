//! SLA warnings and breaches waiting to fire, firing each exactly once, and the agents' in-app
//! notifications they leave (migration 0008).

use chrono::{DateTime, Utc};

use crate::on_db;
use crate::server::db::Db;

/// An alert that has come due.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct DueAlert {
    pub ticket_id: i64,
    pub target: String,
    pub cycle: i64,
    pub kind: String,
    pub fire_at: DateTime<Utc>,
}

/// Up to `limit` unfired alerts due at `now`, soonest first (a clock's breach before its
/// warning at the same instant). A ticket marked for a recompute waits for it: a reply just
/// before the due instant has stopped the clock even if its alerts are not yet rewritten.
///
/// # Errors
/// Database errors.
pub async fn due(db: &Db, now: DateTime<Utc>, limit: i64) -> Result<Vec<DueAlert>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as::<_, DueAlert>(
        "SELECT a.ticket_id, a.target, a.cycle, a.kind, a.fire_at FROM sla_alerts a JOIN tickets t ON t.id = a.ticket_id
         WHERE a.fired_at IS NULL AND a.fire_at <= $1 AND NOT t.sla_stale
         ORDER BY a.fire_at, a.kind, a.ticket_id LIMIT $2")
        .bind(now)
        .bind(limit)
        .fetch_all(p)
        .await)
}

/// When the same clock cycle's breach is (or was) to fire, if it has one.
///
/// # Errors
/// Database errors.
pub async fn breach_at(db: &Db, a: &DueAlert) -> Result<Option<DateTime<Utc>>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar::<_, DateTime<Utc>>(
        "SELECT fire_at FROM sla_alerts WHERE ticket_id = $1 AND target = $2 AND cycle = $3 AND kind = 'breach'")
        .bind(a.ticket_id)
        .bind(&a.target)
        .bind(a.cycle)
        .fetch_optional(p)
        .await)
}

/// Moves an unfired alert to `at` (a warning held until the calendar opens).
///
/// # Errors
/// Database errors.
pub async fn hold(db: &Db, a: &DueAlert, at: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_db!(db, |p| sqlx::query(
        "UPDATE sla_alerts SET fire_at = $1 WHERE ticket_id = $2 AND target = $3 AND cycle = $4 AND kind = $5 AND fired_at IS NULL")
        .bind(at)
        .bind(a.ticket_id)
        .bind(&a.target)
        .bind(a.cycle)
        .bind(&a.kind)
        .execute(p)
        .await
        .map(|_| ()))
}

/// What firing an alert leaves behind.
pub struct Fire<'a> {
    pub alert: &'a DueAlert,
    /// The history event's kind: `sla_warning` or `sla_breach`; none to fire it silently (a
    /// warning whose breach fires with it).
    pub event: Option<&'a str>,
    /// Who is told (in-app).
    pub notify: &'a [i64],
    /// The instant the notice is about.
    pub due_at: DateTime<Utc>,
}

/// Fires an alert once: claims it, and in the same transaction records the history event,
/// notifies, and after a breach marks the ticket's clocks for a recompute (their state changes).
/// Returns false when it was no longer there to fire: another server fired it, or is firing
/// it right now. On PostgreSQL the claim skips a row another server holds (`FOR UPDATE SKIP
/// LOCKED`) instead of waiting for it; on both, the claim only takes an unfired row, so
/// however many servers try, one fires.
///
/// # Errors
/// Database errors (nothing is kept then: the alert fires on a later try).
pub async fn fire(db: &Db, f: &Fire<'_>, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let a = f.alert;
    let claim = match db {
        Db::Sqlite(_) => {
            "UPDATE sla_alerts SET fired_at = $1 WHERE ticket_id = $2 AND target = $3 AND cycle = $4 AND kind = $5 AND fired_at IS NULL"
        }
        Db::Postgres(_) => {
            "UPDATE sla_alerts SET fired_at = $1 WHERE (ticket_id, target, cycle, kind) IN (
                SELECT ticket_id, target, cycle, kind FROM sla_alerts
                WHERE ticket_id = $2 AND target = $3 AND cycle = $4 AND kind = $5 AND fired_at IS NULL
                FOR UPDATE SKIP LOCKED)"
        }
    };
    on_db!(db, |p| {
        let mut tx = p.begin().await?;
        // The claim writes first, so an SQLite transaction takes the write lock at once.
        let n = sqlx::query(claim).bind(now).bind(a.ticket_id).bind(&a.target).bind(a.cycle).bind(&a.kind).execute(&mut *tx).await?.rows_affected();
        if n == 0 {
            tx.rollback().await?;
            return Ok(false);
        }
        if let Some(kind) = f.event {
            sqlx::query("INSERT INTO ticket_events (ticket_id, actor_agent_id, at, kind, field, new_value) VALUES ($1, NULL, $2, $3, $4, $5)")
                .bind(a.ticket_id)
                .bind(now)
                .bind(kind)
                .bind(&a.target)
                .bind(a.cycle.to_string())
                .execute(&mut *tx)
                .await?;
            for agent in f.notify {
                sqlx::query(
                    "INSERT INTO notifications (agent_id, ticket_id, kind, target, cycle, due_at, at) VALUES ($1, $2, $3, $4, $5, $6, $7)
                     ON CONFLICT (agent_id, ticket_id, kind, target, cycle) DO NOTHING")
                    .bind(agent)
                    .bind(a.ticket_id)
                    .bind(kind)
                    .bind(&a.target)
                    .bind(a.cycle)
                    .bind(f.due_at)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
            }
            if a.kind == "breach" {
                sqlx::query("UPDATE tickets SET sla_stale = TRUE, sla_gen = sla_gen + 1 WHERE id = $1").bind(a.ticket_id).execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(true)
    })
}

/// Who hears of a ticket's SLA alert: its assignee if it has one and is active, else the
/// active managers (the admins where there are none).
///
/// # Errors
/// Database errors.
pub async fn recipients(db: &Db, ticket_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar::<_, i64>(
        "SELECT a.id FROM tickets t JOIN agents a ON a.id = t.assignee_id WHERE t.id = $1 AND a.active
         UNION
         SELECT a.id FROM agents a WHERE a.active AND NOT EXISTS (
             SELECT 1 FROM tickets t JOIN agents x ON x.id = t.assignee_id WHERE t.id = $1 AND x.active)
           AND a.role = CASE WHEN EXISTS (SELECT 1 FROM agents m WHERE m.role = 'manager' AND m.active) THEN 'manager' ELSE 'admin' END
         ORDER BY 1")
        .bind(ticket_id)
        .fetch_all(p)
        .await)
}

/// A notification as an agent's list shows it.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: i64,
    pub ticket_id: Option<i64>,
    pub number: Option<i64>,
    pub title: Option<String>,
    pub agreement_id: Option<i64>,
    pub agreement_number: Option<i64>,
    pub agreement_title: Option<String>,
    pub kind: String,
    pub target: Option<String>,
    pub cycle: Option<i64>,
    pub due_at: Option<DateTime<Utc>>,
    pub at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// An agent's latest `limit` notifications, newest first.
///
/// # Errors
/// Database errors.
pub async fn notifications(db: &Db, agent_id: i64, limit: i64) -> Result<Vec<NotificationRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as::<_, NotificationRow>(
        "SELECT n.id, n.ticket_id, t.number, t.title, n.agreement_id, g.number AS agreement_number, g.title AS agreement_title,
                n.kind, n.target, n.cycle, n.due_at, n.at, n.read_at
         FROM notifications n LEFT JOIN tickets t ON t.id = n.ticket_id LEFT JOIN agreements g ON g.id = n.agreement_id
         WHERE n.agent_id = $1 ORDER BY n.id DESC LIMIT $2")
        .bind(agent_id)
        .bind(limit)
        .fetch_all(p)
        .await)
}

/// How many of an agent's notifications are unread.
///
/// # Errors
/// Database errors.
pub async fn unread(db: &Db, agent_id: i64) -> Result<i64, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM notifications WHERE agent_id = $1 AND read_at IS NULL")
        .bind(agent_id)
        .fetch_one(p)
        .await)
}

/// Marks an agent's notifications read: one (`Some(id)`) or all. Another agent's are never
/// touched. Returns how many changed.
///
/// # Errors
/// Database errors.
pub async fn mark_read(db: &Db, agent_id: i64, id: Option<i64>, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    on_db!(db, |p| sqlx::query(
        "UPDATE notifications SET read_at = $1 WHERE agent_id = $2 AND read_at IS NULL AND (CAST($3 AS BIGINT) IS NULL OR id = $3)")
        .bind(now)
        .bind(agent_id)
        .bind(id)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))
}

/// Whether notification `id` is the agent's.
///
/// # Errors
/// Database errors.
pub async fn is_mine(db: &Db, agent_id: i64, id: i64) -> Result<bool, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM notifications WHERE id = $1 AND agent_id = $2")
        .bind(id)
        .bind(agent_id)
        .fetch_one(p)
        .await
        .map(|n| n > 0))
}
