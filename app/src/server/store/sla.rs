//! Calendars and SLA policies (versioned: every saved version is kept), the policy a customer
//! uses, and each ticket's computed clocks with the stale flag the re-apply worker follows.

use chrono::{DateTime, Utc};

use crate::on_db;
use crate::server::db::Db;

/// A calendar as stored; `body` is a JSON [`crate::domain::CalendarDoc`].
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CalendarRow {
    pub id: i64,
    pub name: String,
    pub body: String,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
    pub policies: i64,
}

/// A policy as stored; `body` is a JSON [`crate::domain::PolicyBody`].
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PolicyRow {
    pub id: i64,
    pub name: String,
    pub calendar_id: i64,
    pub calendar_name: String,
    pub body: String,
    pub is_default: bool,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
    pub customers: i64,
}

/// A clock cycle as stored.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct ClockRow {
    pub target: String,
    pub cycle: i64,
    pub state: String,
    pub goal_minutes: i64,
    pub used_seconds: i64,
    pub started_at: DateTime<Utc>,
    pub due_at: Option<DateTime<Utc>>,
    pub stopped_at: Option<DateTime<Utc>>,
    pub warned: bool,
    pub warn_at: Option<DateTime<Utc>>,
}

/// What a ticket's clocks were computed from.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct TicketSlaRow {
    pub sla_policy_id: Option<i64>,
    pub sla_level: Option<String>,
    pub sla_policy_version: Option<i64>,
    pub sla_calendar_version: Option<i64>,
    pub sla_due_at: Option<DateTime<Utc>>,
    /// The calendar, when not the policy's.
    pub sla_calendar_id: Option<i64>,
}

/// One event of a ticket's history, as the replay needs it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReplayEventRow {
    pub at: DateTime<Utc>,
    pub kind: String,
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// The ticket fields the replay starts from.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ReplayTicketRow {
    pub customer_id: i64,
    pub created_at: DateTime<Utc>,
    pub priority: String,
    pub status_id: i64,
    pub category: String,
    pub sla_gen: i64,
    pub service_id: Option<i64>,
    pub agreement_id: Option<i64>,
}

const CALENDARS: &str = "SELECT c.id, c.name, c.body, c.version, c.updated_at,
    (SELECT COUNT(*) FROM sla_policies p WHERE p.calendar_id = c.id) AS policies FROM calendars c";

const POLICIES: &str = "SELECT p.id, p.name, p.calendar_id, c.name AS calendar_name, p.body, p.is_default, p.version, p.updated_at,
    (SELECT COUNT(*) FROM customers k WHERE k.sla_policy_id = p.id) AS customers
    FROM sla_policies p JOIN calendars c ON c.id = p.calendar_id";

/// Marks the open tickets (not resolved or closed) that `scope` selects as needing their
/// clocks computed again: `scope` is a condition on `t`, with `$1` bound to the id given.
/// Closed tickets keep the results they closed with.
fn mark_open_sql(scope: &str) -> String {
    format!(
        "UPDATE tickets SET sla_stale = TRUE, sla_gen = sla_gen + 1 WHERE id IN (
            SELECT t.id FROM tickets t JOIN statuses s ON s.id = t.status_id
            WHERE s.category NOT IN ('resolved', 'closed') AND ({scope}))"
    )
}

macro_rules! mark_open {
    ($tx:expr, $scope:expr) => {
        sqlx::query(&mark_open_sql($scope)).execute(&mut *$tx).await?
    };
    ($tx:expr, $scope:expr, $id:expr) => {
        sqlx::query(&mark_open_sql($scope)).bind($id).execute(&mut *$tx).await?
    };
}

/// The open tickets that follow the corporate default: those of customers without a policy.
const FOLLOW_DEFAULT: &str = "t.customer_id IN (SELECT id FROM customers WHERE sla_policy_id IS NULL)";

/// Every calendar by name.
///
/// # Errors
/// Database errors.
pub async fn calendars(db: &Db) -> Result<Vec<CalendarRow>, sqlx::Error> {
    let sql = format!("{CALENDARS} ORDER BY c.name, c.id");
    on_db!(db, |p| sqlx::query_as::<_, CalendarRow>(&sql).fetch_all(p).await)
}

/// One calendar.
///
/// # Errors
/// `RowNotFound` when there is none.
pub async fn calendar(db: &Db, id: i64) -> Result<CalendarRow, sqlx::Error> {
    let sql = format!("{CALENDARS} WHERE c.id = $1");
    on_db!(db, |p| sqlx::query_as::<_, CalendarRow>(&sql).bind(id).fetch_one(p).await)
}

/// The body of one saved version of a calendar.
///
/// # Errors
/// `RowNotFound` when there is none.
pub async fn calendar_version(db: &Db, id: i64, version: i64) -> Result<String, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar::<_, String>("SELECT body FROM calendar_versions WHERE calendar_id = $1 AND version = $2")
        .bind(id)
        .bind(version)
        .fetch_one(p)
        .await)
}

/// Inserts a calendar and its version 1.
///
/// # Errors
/// A unique violation when the name is taken.
pub async fn insert_calendar(db: &Db, name: &str, body: &str, actor: Option<i64>, now: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    on_db!(db, |p| {
        let mut tx = p.begin().await?;
        let id = sqlx::query_scalar::<_, i64>("INSERT INTO calendars (name, body, version, created_at, updated_at) VALUES ($1, $2, 1, $3, $4) RETURNING id")
            .bind(name)
            .bind(body)
            .bind(now)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO calendar_versions (calendar_id, version, body, saved_by, saved_at) VALUES ($1, 1, $2, $3, $4)")
            .bind(id)
            .bind(body)
            .bind(actor)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    })
}

/// Saves a new version of a calendar and marks the open tickets measured in it. Returns the
/// new version.
///
/// # Errors
/// `RowNotFound` when there is no such calendar; a unique violation when the name is taken.
pub async fn update_calendar(db: &Db, id: i64, name: &str, body: &str, actor: Option<i64>, now: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    on_db!(db, |p| {
        let mut tx = p.begin().await?;
        let version = sqlx::query_scalar::<_, i64>(
            "UPDATE calendars SET name = $1, body = $2, version = version + 1, updated_at = $3 WHERE id = $4 RETURNING version")
            .bind(name)
            .bind(body)
            .bind(now)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO calendar_versions (calendar_id, version, body, saved_by, saved_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(id)
            .bind(version)
            .bind(body)
            .bind(actor)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        mark_open!(tx, "t.sla_calendar_id = $1 OR (t.sla_calendar_id IS NULL AND t.sla_policy_id IN (SELECT id FROM sla_policies WHERE calendar_id = $1))", id);
        tx.commit().await?;
        Ok(version)
    })
}

/// Every policy by name.
///
/// # Errors
/// Database errors.
pub async fn policies(db: &Db) -> Result<Vec<PolicyRow>, sqlx::Error> {
    let sql = format!("{POLICIES} ORDER BY p.name, p.id");
    on_db!(db, |p| sqlx::query_as::<_, PolicyRow>(&sql).fetch_all(p).await)
}

/// One policy.
///
/// # Errors
/// `RowNotFound` when there is none.
pub async fn policy(db: &Db, id: i64) -> Result<PolicyRow, sqlx::Error> {
    let sql = format!("{POLICIES} WHERE p.id = $1");
    on_db!(db, |p| sqlx::query_as::<_, PolicyRow>(&sql).bind(id).fetch_one(p).await)
}

/// One saved version of a policy: (calendar id, body).
///
/// # Errors
/// `RowNotFound` when there is none.
pub async fn policy_version(db: &Db, id: i64, version: i64) -> Result<(i64, String), sqlx::Error> {
    on_db!(db, |p| sqlx::query_as::<_, (i64, String)>("SELECT calendar_id, body FROM sla_policy_versions WHERE policy_id = $1 AND version = $2")
        .bind(id)
        .bind(version)
        .fetch_one(p)
        .await)
}

/// The corporate default policy, if one is set.
///
/// # Errors
/// Database errors.
pub async fn default_policy(db: &Db) -> Result<Option<i64>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar::<_, i64>("SELECT id FROM sla_policies WHERE is_default").fetch_optional(p).await)
}

/// The new values of a policy.
#[derive(Clone, Copy, Debug)]
pub struct PolicyWrite<'a> {
    pub name: &'a str,
    pub calendar_id: i64,
    pub body: &'a str,
    pub is_default: bool,
}

/// Inserts a policy and its version 1; when it is the default, the old default stops being
/// one. Marks the open tickets whose policy may change.
///
/// # Errors
/// A unique violation when the name is taken; a foreign key violation for a missing calendar.
pub async fn insert_policy(db: &Db, w: PolicyWrite<'_>, actor: Option<i64>, now: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    on_db!(db, |p| {
        let mut tx = p.begin().await?;
        if w.is_default {
            sqlx::query("UPDATE sla_policies SET is_default = FALSE WHERE is_default").execute(&mut *tx).await?;
        }
        let id = sqlx::query_scalar::<_, i64>(
            "INSERT INTO sla_policies (name, calendar_id, body, is_default, version, created_at, updated_at) VALUES ($1, $2, $3, $4, 1, $5, $6) RETURNING id")
            .bind(w.name)
            .bind(w.calendar_id)
            .bind(w.body)
            .bind(w.is_default)
            .bind(now)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO sla_policy_versions (policy_id, version, calendar_id, body, saved_by, saved_at) VALUES ($1, 1, $2, $3, $4, $5)")
            .bind(id)
            .bind(w.calendar_id)
            .bind(w.body)
            .bind(actor)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        if w.is_default {
            // Tickets of customers without their own policy now fall under this one.
            mark_open!(tx, FOLLOW_DEFAULT);
        }
        tx.commit().await?;
        Ok(id)
    })
}

/// Saves a new version of a policy and marks the open tickets it reaches. Returns the new
/// version.
///
/// # Errors
/// `RowNotFound` when there is no such policy; a unique violation when the name is taken.
pub async fn update_policy(db: &Db, id: i64, w: PolicyWrite<'_>, actor: Option<i64>, now: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    on_db!(db, |p| {
        let mut tx = p.begin().await?;
        let was_default = sqlx::query_scalar::<_, bool>("SELECT is_default FROM sla_policies WHERE id = $1").bind(id).fetch_one(&mut *tx).await?;
        if w.is_default && !was_default {
            sqlx::query("UPDATE sla_policies SET is_default = FALSE WHERE is_default").execute(&mut *tx).await?;
        }
        let version = sqlx::query_scalar::<_, i64>(
            "UPDATE sla_policies SET name = $1, calendar_id = $2, body = $3, is_default = $4, version = version + 1, updated_at = $5
             WHERE id = $6 RETURNING version")
            .bind(w.name)
            .bind(w.calendar_id)
            .bind(w.body)
            .bind(w.is_default)
            .bind(now)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO sla_policy_versions (policy_id, version, calendar_id, body, saved_by, saved_at) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id)
            .bind(version)
            .bind(w.calendar_id)
            .bind(w.body)
            .bind(actor)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        if w.is_default != was_default {
            mark_open!(tx, FOLLOW_DEFAULT);
        }
        mark_open!(tx, "t.sla_policy_id = $1", id);
        tx.commit().await?;
        Ok(version)
    })
}

/// A customer's own policy.
///
/// # Errors
/// `RowNotFound` when there is no such customer.
pub async fn customer_policy(db: &Db, customer_id: i64) -> Result<Option<i64>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar::<_, Option<i64>>("SELECT sla_policy_id FROM customers WHERE id = $1").bind(customer_id).fetch_one(p).await)
}

/// Sets (or clears) a customer's own policy and marks its open tickets.
///
/// # Errors
/// `RowNotFound` when there is no such customer; a foreign key violation for a missing policy.
pub async fn set_customer_policy(db: &Db, customer_id: i64, policy_id: Option<i64>, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_db!(db, |p| {
        let mut tx = p.begin().await?;
        let n = sqlx::query("UPDATE customers SET sla_policy_id = $1, updated_at = $2 WHERE id = $3")
            .bind(policy_id)
            .bind(now)
            .bind(customer_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Err(sqlx::Error::RowNotFound);
        }
        mark_open!(tx, "t.customer_id = $1", customer_id);
        tx.commit().await?;
        Ok(())
    })
}

/// The ticket fields a replay starts from, with its status category.
///
/// # Errors
/// `RowNotFound` when there is no such ticket.
pub async fn replay_ticket(db: &Db, ticket_id: i64) -> Result<ReplayTicketRow, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as::<_, ReplayTicketRow>(
        "SELECT t.customer_id, t.created_at, t.priority, t.status_id, s.category, t.sla_gen, t.service_id, t.agreement_id FROM tickets t JOIN statuses s ON s.id = t.status_id WHERE t.id = $1")
        .bind(ticket_id)
        .fetch_one(p)
        .await)
}

/// A ticket's events in the order they happened.
///
/// # Errors
/// Database errors.
pub async fn replay_events(db: &Db, ticket_id: i64) -> Result<Vec<ReplayEventRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as::<_, ReplayEventRow>(
        "SELECT at, kind, field, old_value, new_value FROM ticket_events WHERE ticket_id = $1 ORDER BY id")
        .bind(ticket_id)
        .fetch_all(p)
        .await)
}

/// What a ticket's clocks were last computed from.
///
/// # Errors
/// `RowNotFound` when there is no such ticket.
pub async fn ticket_sla(db: &Db, ticket_id: i64) -> Result<TicketSlaRow, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as::<_, TicketSlaRow>(
        "SELECT sla_policy_id, sla_level, sla_policy_version, sla_calendar_version, sla_due_at, sla_calendar_id FROM tickets WHERE id = $1")
        .bind(ticket_id)
        .fetch_one(p)
        .await)
}

/// A ticket's stored clocks, first response, next response, resolution, by cycle.
///
/// # Errors
/// Database errors.
pub async fn clocks(db: &Db, ticket_id: i64) -> Result<Vec<ClockRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as::<_, ClockRow>(
        "SELECT target, cycle, state, goal_minutes, used_seconds, started_at, due_at, stopped_at, warned, warn_at FROM ticket_clocks
         WHERE ticket_id = $1 ORDER BY CASE target WHEN 'first_response' THEN 0 WHEN 'next_response' THEN 1 ELSE 2 END, cycle")
        .bind(ticket_id)
        .fetch_all(p)
        .await)
}

/// Where a ticket's clocks came from.
#[derive(Clone, Copy, Debug)]
pub struct ClockSource<'a> {
    pub policy_id: i64,
    pub level: &'a str,
    pub policy_version: i64,
    pub calendar_version: i64,
    /// The calendar, when not the policy's.
    pub calendar_id: Option<i64>,
}

/// How a ticket's SLA terms are written in its history (`sla_terms` events): policy id, policy
/// version, calendar version.
pub fn terms_value(policy_id: i64, policy_version: i64, calendar_version: i64) -> String {
    format!("{policy_id}:{policy_version}:{calendar_version}")
}

/// The parts of [`terms_value`]'s text.
pub fn parse_terms(v: &str) -> Option<(i64, i64, i64)> {
    let mut it = v.split(':').map(str::parse::<i64>);
    match (it.next(), it.next(), it.next(), it.next()) {
        (Some(Ok(a)), Some(Ok(b)), Some(Ok(c)), None) => Some((a, b, c)),
        _ => None,
    }
}

/// Replaces a ticket's clocks (`None`: it has no policy, so no clocks), sets its soonest due
/// instant, and clears its stale flag if nothing marked it again since `generation` (its `sla_gen`) was read.
///
/// # Errors
/// Database errors.
pub async fn save_clocks(
    db: &Db,
    ticket_id: i64,
    generation: i64,
    source: Option<ClockSource<'_>>,
    clocks: &[ClockRow],
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let soonest = clocks.iter().filter(|c| c.stopped_at.is_none()).filter_map(|c| c.due_at).min();
    let terms = source.map(|s| terms_value(s.policy_id, s.policy_version, s.calendar_version));
    // On PostgreSQL the row lock keeps two servers recomputing one ticket from both recording
    // the same switch.
    let before_sql = match db {
        Db::Sqlite(_) => "SELECT sla_policy_id, sla_policy_version, sla_calendar_version FROM tickets WHERE id = $1",
        Db::Postgres(_) => "SELECT sla_policy_id, sla_policy_version, sla_calendar_version FROM tickets WHERE id = $1 FOR UPDATE",
    };
    on_db!(db, |p| {
        let mut tx = p.begin().await?;
        sqlx::query("DELETE FROM ticket_clocks WHERE ticket_id = $1").bind(ticket_id).execute(&mut *tx).await?;
        // A switch of terms (another policy, or a new version of the policy or its calendar)
        // lands in the ticket's history, so its timeline can say when and from what. Read after
        // the first write: on SQLite a transaction that reads first cannot take the write lock
        // once another connection has written ("database is locked", whatever the busy timeout).
        let before: Option<(Option<i64>, Option<i64>, Option<i64>)> =
            sqlx::query_as(before_sql)
                .bind(ticket_id)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some((Some(pid), Some(pv), Some(cv))) = before {
            let old = terms_value(pid, pv, cv);
            if terms.as_deref() != Some(old.as_str()) {
                sqlx::query("INSERT INTO ticket_events (ticket_id, at, kind, field, old_value, new_value) VALUES ($1, $2, 'sla_terms', $3, $4, $5)")
                    .bind(ticket_id)
                    .bind(now)
                    .bind(source.map(|s| s.level))
                    .bind(old)
                    .bind(terms.as_deref())
                    .execute(&mut *tx)
                    .await?;
            }
        }
        for c in clocks {
            sqlx::query(
                "INSERT INTO ticket_clocks (ticket_id, target, cycle, state, goal_minutes, used_seconds, started_at, due_at, stopped_at, warned, computed_at, warn_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)")
                .bind(ticket_id)
                .bind(&c.target)
                .bind(c.cycle)
                .bind(&c.state)
                .bind(c.goal_minutes)
                .bind(c.used_seconds)
                .bind(c.started_at)
                .bind(c.due_at)
                .bind(c.stopped_at)
                .bind(c.warned)
                .bind(now)
                .bind(c.warn_at)
                .execute(&mut *tx)
                .await?;
        }
        // The alerts still to fire follow the clocks as now computed; fired ones stay (once).
        sqlx::query("DELETE FROM sla_alerts WHERE ticket_id = $1 AND fired_at IS NULL").bind(ticket_id).execute(&mut *tx).await?;
        for c in clocks.iter().filter(|c| c.stopped_at.is_none()) {
            for (kind, at) in [("warning", c.warn_at), ("breach", c.due_at)] {
                let Some(at) = at else { continue };
                sqlx::query(
                    "INSERT INTO sla_alerts (ticket_id, target, cycle, kind, fire_at) VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (ticket_id, target, cycle, kind) DO NOTHING")
                    .bind(ticket_id)
                    .bind(&c.target)
                    .bind(c.cycle)
                    .bind(kind)
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        sqlx::query(
            "UPDATE tickets SET sla_policy_id = $1, sla_level = $2, sla_policy_version = $3, sla_calendar_version = $4, sla_due_at = $5,
                sla_stale = CASE WHEN sla_gen = $6 THEN FALSE ELSE sla_stale END, sla_calendar_id = $8
             WHERE id = $7")
            .bind(source.map(|s| s.policy_id))
            .bind(source.map(|s| s.level))
            .bind(source.map(|s| s.policy_version))
            .bind(source.map(|s| s.calendar_version))
            .bind(soonest)
            .bind(generation)
            .bind(ticket_id)
            .bind(source.and_then(|s| s.calendar_id))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    })
}

/// Up to `limit` tickets marked stale, oldest id first.
///
/// # Errors
/// Database errors.
pub async fn stale_tickets(db: &Db, limit: i64) -> Result<Vec<i64>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar::<_, i64>("SELECT id FROM tickets WHERE sla_stale ORDER BY id LIMIT $1").bind(limit).fetch_all(p).await)
}

/// The names of the customers using a policy as their own.
///
/// # Errors
/// Database errors.
pub async fn policy_customers(db: &Db, policy_id: i64) -> Result<Vec<String>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar::<_, String>("SELECT name FROM customers WHERE sla_policy_id = $1 ORDER BY name")
        .bind(policy_id)
        .fetch_all(p)
        .await)
}

/// A clock not stopped, with what a live countdown needs from its ticket.
#[derive(Clone, Debug, PartialEq, sqlx::FromRow)]
pub struct OpenClockRow {
    pub ticket_id: i64,
    pub target: String,
    pub cycle: i64,
    pub goal_minutes: i64,
    pub used_seconds: i64,
    pub due_at: Option<DateTime<Utc>>,
    pub computed_at: DateTime<Utc>,
    pub policy_id: i64,
    /// The calendar, when not the policy's.
    pub calendar_id: Option<i64>,
    /// The ticket's status category now (whether the policy pauses it).
    pub category: String,
}

/// The clocks not stopped of the given tickets (at most a page or a board of them).
///
/// # Errors
/// Database errors.
pub async fn open_clocks(db: &Db, ticket_ids: &[i64]) -> Result<Vec<OpenClockRow>, sqlx::Error> {
    if ticket_ids.is_empty() {
        return Ok(Vec::new());
    }
    let params: Vec<String> = (1..=ticket_ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT c.ticket_id, c.target, c.cycle, c.goal_minutes, c.used_seconds, c.due_at, c.computed_at, t.sla_policy_id AS policy_id, t.sla_calendar_id AS calendar_id, s.category
         FROM ticket_clocks c JOIN tickets t ON t.id = c.ticket_id JOIN statuses s ON s.id = t.status_id
         WHERE c.ticket_id IN ({}) AND c.stopped_at IS NULL AND t.sla_policy_id IS NOT NULL",
        params.join(", ")
    );
    on_db!(db, |p| {
        let mut q = sqlx::query_as::<_, OpenClockRow>(&sql);
        for id in ticket_ids {
            q = q.bind(*id);
        }
        q.fetch_all(p).await
    })
}
