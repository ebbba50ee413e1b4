//! Tickets, their comments, attachments and the event log that records every change.

use chrono::{DateTime, Utc};

use crate::on_db;
use crate::server::db::Db;

/// A status as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct StatusRow {
    pub id: i64,
    pub name: String,
    pub category: String,
    pub system_key: Option<String>,
}

/// A ticket with the names it refers to, for lists and the ticket page.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct TicketRow {
    pub id: i64,
    pub number: i64,
    pub title: String,
    pub description: String,
    pub priority: String,
    pub customer_id: i64,
    pub customer_name: String,
    pub requester_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub status_id: i64,
    pub status_name: String,
    pub status_category: String,
    pub status_key: Option<String>,
    /// The soonest SLA due instant of a clock not stopped.
    pub sla_due_at: Option<DateTime<Utc>>,
    /// The service it is about.
    pub service_id: Option<i64>,
    /// The agreement it falls under.
    pub agreement_id: Option<i64>,
}

const SELECT: &str = "SELECT t.id, t.number, t.title, t.description, t.priority, t.customer_id, c.name AS customer_name,
    t.requester_id, t.assignee_id, a.name AS assignee_name, t.version, t.created_at, t.updated_at,
    s.id AS status_id, s.name AS status_name, s.category AS status_category, s.system_key AS status_key, t.sla_due_at, t.service_id, t.agreement_id
    FROM tickets t
    JOIN customers c ON c.id = t.customer_id
    JOIN statuses s ON s.id = t.status_id
    LEFT JOIN agents a ON a.id = t.assignee_id";

/// The stored fields of a new ticket.
pub struct NewTicketRow<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub status_id: i64,
    pub priority: &'a str,
    pub customer_id: i64,
    pub requester_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub created_by: Option<i64>,
    pub service_id: Option<i64>,
    /// The agreement it falls under.
    pub agreement_id: Option<i64>,
    /// History entries written with it: (kind, old value, new value), e.g. an agent's choice
    /// of another agreement or an override of the coverage check with its reason.
    pub notes: &'a [(&'a str, Option<String>, Option<String>)],
}

/// A change of one field, as the event log stores it.
#[derive(Clone, Debug, PartialEq)]
pub struct FieldChange {
    pub field: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
}

/// One stored event with its actor's name.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub actor_name: Option<String>,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub field: Option<String>,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
}

/// One stored comment with its author's name.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CommentRow {
    pub id: i64,
    pub author_name: Option<String>,
    pub body: String,
    pub internal: bool,
    pub created_at: DateTime<Utc>,
}

/// An attachment's metadata.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AttachmentRow {
    pub id: i64,
    pub ticket_id: i64,
    pub comment_id: Option<i64>,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
}

/// Where a priority sorts: urgent first.
pub fn priority_rank(p: &str) -> i64 {
    crate::domain::Priority::parse(p).map(|p| p as i64).unwrap_or(2)
}

/// Every status, in workflow order.
///
/// # Errors
/// Database errors.
pub async fn statuses(db: &Db) -> Result<Vec<StatusRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as::<_, StatusRow>(
        "SELECT id, name, category, system_key FROM statuses ORDER BY position, id")
        .fetch_all(p)
        .await)
}

/// Inserts a ticket with the next number and its `created` event, in one transaction.
/// Returns (id, number).
///
/// # Errors
/// Database errors (a foreign key violation for a missing customer, contact or agent).
pub async fn insert(db: &Db, t: &NewTicketRow<'_>, now: DateTime<Utc>) -> Result<(i64, i64), sqlx::Error> {
    let (seq_col, seq_val) = match db {
        Db::Sqlite(_) => (", update_seq", ", (SELECT COALESCE(MAX(update_seq), 0) + 1 FROM tickets)"),
        Db::Postgres(_) => ("", ""),
    };
    let insert_sql = format!(
        "INSERT INTO tickets (number, title, description, status_id, priority, priority_rank, customer_id, requester_id, assignee_id, created_by, version, created_at, updated_at, sla_stale, service_id, agreement_id{seq_col})
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $12, TRUE, $13, $14{seq_val}) RETURNING id");
    on_db!(db, |p| {
        let mut tx = p.begin().await?;
        let number = sqlx::query_scalar::<_, i64>(
            "UPDATE counters SET value = value + 1 WHERE name = 'ticket_number' RETURNING value")
            .fetch_one(&mut *tx)
            .await?;
        let id = sqlx::query_scalar::<_, i64>(&insert_sql)
            .bind(number)
            .bind(t.title)
            .bind(t.description)
            .bind(t.status_id)
            .bind(t.priority)
            .bind(priority_rank(t.priority))
            .bind(t.customer_id)
            .bind(t.requester_id)
            .bind(t.assignee_id)
            .bind(t.created_by)
            .bind(now)
            .bind(now)
            .bind(t.service_id)
            .bind(t.agreement_id)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO ticket_events (ticket_id, actor_agent_id, at, kind) VALUES ($1, $2, $3, 'created')")
            .bind(id)
            .bind(t.created_by)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        for (kind, old, new) in t.notes {
            sqlx::query("INSERT INTO ticket_events (ticket_id, actor_agent_id, at, kind, old_value, new_value) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(id)
                .bind(t.created_by)
                .bind(now)
                .bind(*kind)
                .bind(old)
                .bind(new)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok((id, number))
    })
}

/// What a write that sets `updated_at` also sets on SQLite: the next update sequence, which
/// keys the full-text index in updated order (migration 0010). PostgreSQL has no such column.
fn touch_seq(db: &Db) -> &'static str {
    match db {
        Db::Sqlite(_) => ", update_seq = (SELECT COALESCE(MAX(update_seq), 0) + 1 FROM tickets)",
        Db::Postgres(_) => "",
    }
}

/// Marks a ticket changed now (a comment or an attachment): `updated_at`, the SLA recompute.
fn touch_sql(db: &Db) -> String {
    format!("UPDATE tickets SET updated_at = $1, sla_stale = TRUE, sla_gen = sla_gen + 1{} WHERE id = $2", touch_seq(db))
}

/// Sets or clears the service a ticket is about, and marks it for an SLA recompute.
///
/// # Errors
/// `RowNotFound`; a foreign key violation for a missing service.
pub async fn set_service(db: &Db, id: i64, service_id: Option<i64>) -> Result<(), sqlx::Error> {
    let n = on_db!(db, |p| sqlx::query("UPDATE tickets SET service_id = $1, sla_stale = TRUE, sla_gen = sla_gen + 1 WHERE id = $2")
        .bind(service_id)
        .bind(id)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    if n == 0 { Err(sqlx::Error::RowNotFound) } else { Ok(()) }
}

/// One ticket by id.
///
/// # Errors
/// `RowNotFound` when there is none.
pub async fn get(db: &Db, id: i64) -> Result<TicketRow, sqlx::Error> {
    let sql = format!("{SELECT} WHERE t.id = $1");
    on_db!(db, |p| sqlx::query_as::<_, TicketRow>(&sql).bind(id).fetch_one(p).await)
}

/// One ticket by its number.
///
/// # Errors
/// `RowNotFound` when there is none.
pub async fn by_number(db: &Db, number: i64) -> Result<TicketRow, sqlx::Error> {
    let sql = format!("{SELECT} WHERE t.number = $1");
    on_db!(db, |p| sqlx::query_as::<_, TicketRow>(&sql).bind(number).fetch_one(p).await)
}

/// The new values of an update. `None` leaves a field unchanged.
#[derive(Clone, Debug, Default)]
pub struct TicketUpdate {
    pub title: Option<String>,
    pub description: Option<String>,
    pub status_id: Option<i64>,
    pub priority: Option<String>,
    pub assignee_id: Option<Option<i64>>,
}

/// What an update came to.
#[derive(Clone, Debug, PartialEq)]
pub enum UpdateOutcome {
    /// Stored; the ticket now has this version.
    Saved { version: i64 },
    /// The ticket is at another version than the caller read.
    Stale { current_version: i64, last_actor: Option<String> },
}

/// Applies `u` if the ticket is still at `expected_version`, bumps the version and records
/// one event per changed field, all in one transaction.
///
/// # Errors
/// `RowNotFound` when the ticket does not exist; other database errors.
pub async fn update(
    db: &Db,
    id: i64,
    expected_version: i64,
    u: &TicketUpdate,
    changes: &[FieldChange],
    actor_id: i64,
    now: DateTime<Utc>,
) -> Result<UpdateOutcome, sqlx::Error> {
    // Any field change may move the SLA clocks (status, priority) or not; marking is cheap and
    // the recompute decides.
    let mut sets = vec!["version = version + 1".to_owned(), "updated_at = $1".to_owned(), "sla_stale = TRUE".to_owned(), "sla_gen = sla_gen + 1".to_owned()];
    let mut n = 1;
    let mut col = |name: &str| {
        n += 1;
        sets.push(format!("{name} = ${n}"));
    };
    if u.title.is_some() {
        col("title");
    }
    if u.description.is_some() {
        col("description");
    }
    if u.status_id.is_some() {
        col("status_id");
    }
    if u.priority.is_some() {
        col("priority");
        col("priority_rank");
    }
    if u.assignee_id.is_some() {
        col("assignee_id");
    }
    let sql = format!("UPDATE tickets SET {}{} WHERE id = ${} AND version = ${} RETURNING version", sets.join(", "), touch_seq(db), n + 1, n + 2);
    on_db!(db, |p| {
        let mut tx = p.begin().await?;
        let mut q = sqlx::query_scalar::<_, i64>(&sql).bind(now);
        if let Some(v) = &u.title {
            q = q.bind(v);
        }
        if let Some(v) = &u.description {
            q = q.bind(v);
        }
        if let Some(v) = u.status_id {
            q = q.bind(v);
        }
        if let Some(v) = &u.priority {
            q = q.bind(v).bind(priority_rank(v));
        }
        if let Some(v) = u.assignee_id {
            q = q.bind(v);
        }
        let saved = q.bind(id).bind(expected_version).fetch_optional(&mut *tx).await?;
        let Some(version) = saved else {
            let current_version = sqlx::query_scalar::<_, i64>("SELECT version FROM tickets WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *tx)
                .await?;
            let last_actor = sqlx::query_scalar::<_, Option<String>>(
                "SELECT a.name FROM ticket_events e LEFT JOIN agents a ON a.id = e.actor_agent_id
                 WHERE e.ticket_id = $1 AND e.kind IN ('created', 'changed') ORDER BY e.id DESC LIMIT 1")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?
                .flatten();
            return Ok(UpdateOutcome::Stale { current_version, last_actor });
        };
        for c in changes {
            sqlx::query(
                "INSERT INTO ticket_events (ticket_id, actor_agent_id, at, kind, field, old_value, new_value)
                 VALUES ($1, $2, $3, 'changed', $4, $5, $6)")
                .bind(id)
                .bind(actor_id)
                .bind(now)
                .bind(c.field)
                .bind(&c.old)
                .bind(&c.new)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(UpdateOutcome::Saved { version })
    })
}

/// Adds a comment and its event; touches the ticket's `updated_at`.
///
/// # Errors
/// Database errors.
pub async fn insert_comment(db: &Db, ticket_id: i64, author_agent_id: i64, body: &str, internal: bool, now: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    let touch = touch_sql(db);
    on_db!(db, |p| {
        let mut tx = p.begin().await?;
        let id = sqlx::query_scalar::<_, i64>(
            "INSERT INTO comments (ticket_id, author_agent_id, body, internal, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
            .bind(ticket_id)
            .bind(author_agent_id)
            .bind(body)
            .bind(internal)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO ticket_events (ticket_id, actor_agent_id, at, kind, new_value) VALUES ($1, $2, $3, $4, $5)")
            .bind(ticket_id)
            .bind(author_agent_id)
            .bind(now)
            .bind(if internal { "noted" } else { "replied" })
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        sqlx::query(&touch)
            .bind(now)
            .bind(ticket_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    })
}

/// Adds a customer's public reply (portal, email) with its event; a ticket waiting on the
/// customer goes back to Open, as its own status event. One transaction. Returns the comment
/// id and whether the ticket was reopened.
///
/// # Errors
/// `RowNotFound` when there is no such ticket; other database errors.
pub async fn insert_customer_comment(db: &Db, ticket_id: i64, contact_id: i64, body: &str, now: DateTime<Utc>) -> Result<(i64, bool), sqlx::Error> {
    let touch = touch_sql(db);
    on_db!(db, |p| {
        let mut tx = p.begin().await?;
        let (status_id, category) = sqlx::query_as::<_, (i64, String)>(
            "SELECT t.status_id, s.category FROM tickets t JOIN statuses s ON s.id = t.status_id WHERE t.id = $1")
            .bind(ticket_id)
            .fetch_one(&mut *tx)
            .await?;
        let id = sqlx::query_scalar::<_, i64>(
            "INSERT INTO comments (ticket_id, author_contact_id, body, internal, created_at) VALUES ($1, $2, $3, FALSE, $4) RETURNING id")
            .bind(ticket_id)
            .bind(contact_id)
            .bind(body)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO ticket_events (ticket_id, actor_contact_id, at, kind, new_value) VALUES ($1, $2, $3, 'customer_replied', $4)")
            .bind(ticket_id)
            .bind(contact_id)
            .bind(now)
            .bind(id.to_string())
            .execute(&mut *tx)
            .await?;
        let mut reopened = false;
        if category == "waiting_on_customer" {
            let open = sqlx::query_scalar::<_, i64>(
                "SELECT id FROM statuses WHERE category = 'active' ORDER BY CASE WHEN system_key = 'open' THEN 0 ELSE 1 END, position, id LIMIT 1")
                .fetch_optional(&mut *tx)
                .await?;
            if let Some(open) = open {
                sqlx::query("UPDATE tickets SET status_id = $1, version = version + 1 WHERE id = $2").bind(open).bind(ticket_id).execute(&mut *tx).await?;
                sqlx::query(
                    "INSERT INTO ticket_events (ticket_id, actor_contact_id, at, kind, field, old_value, new_value) VALUES ($1, $2, $3, 'changed', 'status', $4, $5)")
                    .bind(ticket_id)
                    .bind(contact_id)
                    .bind(now)
                    .bind(status_id.to_string())
                    .bind(open.to_string())
                    .execute(&mut *tx)
                    .await?;
                reopened = true;
            }
        }
        sqlx::query(&touch)
            .bind(now)
            .bind(ticket_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((id, reopened))
    })
}

/// The ticket a comment belongs to.
///
/// # Errors
/// `RowNotFound` when there is no such comment.
pub async fn comment_ticket(db: &Db, comment_id: i64) -> Result<i64, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar::<_, i64>("SELECT ticket_id FROM comments WHERE id = $1").bind(comment_id).fetch_one(p).await)
}

/// A ticket's comments, oldest first.
///
/// # Errors
/// Database errors.
pub async fn comments(db: &Db, ticket_id: i64) -> Result<Vec<CommentRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as::<_, CommentRow>(
        "SELECT m.id, COALESCE(a.name, k.name) AS author_name, m.body, m.internal, m.created_at
         FROM comments m LEFT JOIN agents a ON a.id = m.author_agent_id LEFT JOIN contacts k ON k.id = m.author_contact_id
         WHERE m.ticket_id = $1 ORDER BY m.id LIMIT 2000")
        .bind(ticket_id)
        .fetch_all(p)
        .await)
}

/// A ticket's events, oldest first.
///
/// # Errors
/// Database errors.
pub async fn events(db: &Db, ticket_id: i64) -> Result<Vec<EventRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as::<_, EventRow>(
        "SELECT e.id, COALESCE(a.name, k.name) AS actor_name, e.at, e.kind, e.field, e.old_value, e.new_value
         FROM ticket_events e LEFT JOIN agents a ON a.id = e.actor_agent_id
         LEFT JOIN contacts k ON k.id = e.actor_contact_id
         WHERE e.ticket_id = $1 ORDER BY e.id LIMIT 5000")
        .bind(ticket_id)
        .fetch_all(p)
        .await)
}

/// Stores a file on a ticket (and optionally a comment) with its event.
///
/// # Errors
/// Database errors.
#[allow(clippy::too_many_arguments)]
pub async fn insert_attachment(
    db: &Db,
    ticket_id: i64,
    comment_id: Option<i64>,
    filename: &str,
    content_type: &str,
    data: &[u8],
    uploaded_by: i64,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let size = i64::try_from(data.len()).unwrap_or(i64::MAX);
    let touch = touch_sql(db);
    on_db!(db, |p| {
        let mut tx = p.begin().await?;
        let id = sqlx::query_scalar::<_, i64>(
            "INSERT INTO attachments (ticket_id, comment_id, filename, content_type, size, data, uploaded_by, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
            .bind(ticket_id)
            .bind(comment_id)
            .bind(filename)
            .bind(content_type)
            .bind(size)
            .bind(data)
            .bind(uploaded_by)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO ticket_events (ticket_id, actor_agent_id, at, kind, new_value) VALUES ($1, $2, $3, 'attached', $4)")
            .bind(ticket_id)
            .bind(uploaded_by)
            .bind(now)
            .bind(filename)
            .execute(&mut *tx)
            .await?;
        sqlx::query(&touch)
            .bind(now)
            .bind(ticket_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(id)
    })
}

/// A ticket's attachments (metadata only), oldest first.
///
/// # Errors
/// Database errors.
pub async fn attachments(db: &Db, ticket_id: i64) -> Result<Vec<AttachmentRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as::<_, AttachmentRow>(
        "SELECT id, ticket_id, comment_id, filename, content_type, size FROM attachments WHERE ticket_id = $1 ORDER BY id LIMIT 1000")
        .bind(ticket_id)
        .fetch_all(p)
        .await)
}

/// One attachment with its bytes.
///
/// # Errors
/// `RowNotFound` when there is none.
pub async fn attachment(db: &Db, id: i64) -> Result<(AttachmentRow, Vec<u8>), sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct WithData {
        #[sqlx(flatten)]
        meta: AttachmentRow,
        data: Vec<u8>,
    }
    let r = on_db!(db, |p| sqlx::query_as::<_, WithData>(
        "SELECT id, ticket_id, comment_id, filename, content_type, size, data FROM attachments WHERE id = $1")
        .bind(id)
        .fetch_one(p)
        .await)?;
    Ok((r.meta, r.data))
}

/// How many tickets exist.
///
/// # Errors
/// Database errors.
pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM tickets").fetch_one(p).await)
}
