//! Agreements: the contract rows, the services they cover, their notice contacts, their
//! history, the expiry notices sent, and the outbox the notices are written to.

use chrono::{DateTime, NaiveDate, Utc};

use crate::on_db;
use crate::server::db::Db;

/// An agreement as stored, with its customer's name and timezone.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AgreementRow {
    pub id: i64,
    pub number: i64,
    pub customer_id: i64,
    pub customer_name: String,
    pub customer_timezone: String,
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub status: String,
    pub account_manager_id: Option<i64>,
    pub account_manager_name: Option<String>,
    pub sla_policy_id: Option<i64>,
    pub notes: String,
    pub notice_days: String,
    pub copied_from: Option<i64>,
    pub version: i64,
}

const SELECT: &str = "SELECT g.id, g.number, g.customer_id, c.name AS customer_name, c.timezone AS customer_timezone, g.title,
    g.starts_on, g.ends_on, g.status, g.account_manager_id, m.name AS account_manager_name, g.sla_policy_id, g.notes,
    g.notice_days, g.copied_from, g.version
    FROM agreements g JOIN customers c ON c.id = g.customer_id LEFT JOIN agents m ON m.id = g.account_manager_id";

/// A covered service's terms.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct TermsRow {
    pub service_id: i64,
    pub service_name: String,
    pub sla_policy_id: Option<i64>,
    pub calendar_id: Option<i64>,
    pub hourly_rate_minor: Option<i64>,
    pub currency: Option<String>,
}

/// What an agreement is written with.
#[derive(Clone, Debug)]
pub struct AgreementWrite<'a> {
    pub customer_id: i64,
    pub title: &'a str,
    pub starts_on: NaiveDate,
    pub ends_on: Option<NaiveDate>,
    pub status: &'a str,
    pub account_manager_id: Option<i64>,
    pub sla_policy_id: Option<i64>,
    pub notes: &'a str,
    pub notice_days: &'a str,
    pub copied_from: Option<i64>,
    /// (service, policy override, calendar, hourly rate in minor units, currency).
    pub services: &'a [(i64, Option<i64>, Option<i64>, Option<i64>, Option<String>)],
    pub contacts: &'a [i64],
}

/// An entry of an agreement's history.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AgreementEventRow {
    pub at: DateTime<Utc>,
    pub actor_name: Option<String>,
    pub kind: String,
    pub old_value: Option<String>,
    pub new_value: Option<String>,
    pub reason: Option<String>,
}

/// Inserts an agreement with its services and contacts and a `created` (or `copied`) event;
/// returns (id, number).
///
/// # Errors
/// Foreign key violations for missing customers, services, policies, agents or contacts.
pub async fn insert(db: &Db, w: &AgreementWrite<'_>, actor: Option<i64>, now: DateTime<Utc>) -> Result<(i64, i64), sqlx::Error> {
    on_db!(db, |p| {
        let mut tx = p.begin().await?;
        let number = sqlx::query_scalar::<_, i64>("UPDATE counters SET value = value + 1 WHERE name = 'agreement_number' RETURNING value")
            .fetch_one(&mut *tx)
            .await?;
        let id = sqlx::query_scalar::<_, i64>(
            "INSERT INTO agreements (number, customer_id, title, starts_on, ends_on, status, account_manager_id, sla_policy_id, notes, notice_days, copied_from, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id")
            .bind(number)
            .bind(w.customer_id)
            .bind(w.title)
            .bind(w.starts_on)
            .bind(w.ends_on)
            .bind(w.status)
            .bind(w.account_manager_id)
            .bind(w.sla_policy_id)
            .bind(w.notes)
            .bind(w.notice_days)
            .bind(w.copied_from)
            .bind(now)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
        for (service_id, policy, calendar, rate, currency) in w.services {
            sqlx::query(
                "INSERT INTO agreement_services (agreement_id, service_id, sla_policy_id, calendar_id, hourly_rate_minor, currency) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(id)
                .bind(service_id)
                .bind(policy)
                .bind(calendar)
                .bind(rate)
                .bind(currency)
                .execute(&mut *tx)
                .await?;
        }
        for contact in w.contacts {
            sqlx::query("INSERT INTO agreement_contacts (agreement_id, contact_id) VALUES ($1, $2)").bind(id).bind(contact).execute(&mut *tx).await?;
        }
        let (kind, from) = match w.copied_from {
            Some(f) => ("copied", Some(f.to_string())),
            None => ("created", None),
        };
        sqlx::query("INSERT INTO agreement_events (agreement_id, actor_agent_id, at, kind, old_value, new_value) VALUES ($1, $2, $3, $4, $5, $6)")
            .bind(id)
            .bind(actor)
            .bind(now)
            .bind(kind)
            .bind(from)
            .bind(w.status)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok((id, number))
    })
}

/// One agreement.
///
/// # Errors
/// `RowNotFound`.
pub async fn get(db: &Db, id: i64) -> Result<AgreementRow, sqlx::Error> {
    let sql = format!("{SELECT} WHERE g.id = $1");
    on_db!(db, |p| sqlx::query_as::<_, AgreementRow>(&sql).bind(id).fetch_one(p).await)
}

/// The agreements the scheduler may have to act on, after `after_id`, at most `limit`, by id:
/// planned ones starting by `starts_by`, active ones ending by `ends_by` (their end or a
/// notice may be due). Open-ended active ones never are.
///
/// # Errors
/// Database errors.
pub async fn running(db: &Db, starts_by: NaiveDate, ends_by: NaiveDate, after_id: i64, limit: i64) -> Result<Vec<AgreementRow>, sqlx::Error> {
    let sql = format!(
        "{SELECT} WHERE g.id > $1 AND ((g.status = 'planned' AND g.starts_on <= $2) OR (g.status = 'active' AND g.ends_on IS NOT NULL AND g.ends_on <= $3))
         ORDER BY g.id LIMIT $4"
    );
    on_db!(db, |p| sqlx::query_as::<_, AgreementRow>(&sql).bind(after_id).bind(starts_by).bind(ends_by).bind(limit).fetch_all(p).await)
}

/// A customer's agreements, newest start first.
///
/// # Errors
/// Database errors.
pub async fn of_customer(db: &Db, customer_id: i64) -> Result<Vec<AgreementRow>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE g.customer_id = $1 ORDER BY g.starts_on DESC, g.id DESC");
    on_db!(db, |p| sqlx::query_as::<_, AgreementRow>(&sql).bind(customer_id).fetch_all(p).await)
}

/// What an agreement sets for a ticket about `service_id`: (its policy override for that
/// service, its default policy, its support-hours calendar for that service). All `None` for
/// an agreement that does not exist.
///
/// # Errors
/// Database errors.
pub async fn policies_for(db: &Db, agreement_id: i64, service_id: Option<i64>) -> Result<(Option<i64>, Option<i64>, Option<i64>), sqlx::Error> {
    let row: Option<(Option<i64>, Option<i64>, Option<i64>)> = on_db!(db, |p| sqlx::query_as::<_, (Option<i64>, Option<i64>, Option<i64>)>(
        "SELECT (SELECT x.sla_policy_id FROM agreement_services x WHERE x.agreement_id = g.id AND x.service_id = $2), g.sla_policy_id,
                (SELECT x.calendar_id FROM agreement_services x WHERE x.agreement_id = g.id AND x.service_id = $2)
         FROM agreements g WHERE g.id = $1")
        .bind(agreement_id)
        .bind(service_id)
        .fetch_optional(p)
        .await)?;
    Ok(row.unwrap_or((None, None, None)))
}

/// One row of an agreement's tickets.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AgreementTicketRow {
    pub id: i64,
    pub number: i64,
    pub title: String,
    pub status_name: String,
    pub status_category: String,
    pub status_key: Option<String>,
    pub service_name: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// The latest `limit` tickets that fall under an agreement, newest first, and how many there
/// are in all.
///
/// # Errors
/// Database errors.
pub async fn tickets(db: &Db, agreement_id: i64, limit: i64) -> Result<(Vec<AgreementTicketRow>, i64), sqlx::Error> {
    on_db!(db, |p| {
        let rows = sqlx::query_as::<_, AgreementTicketRow>(
            "SELECT t.id, t.number, t.title, s.name AS status_name, s.category AS status_category, s.system_key AS status_key,
                    v.name AS service_name, t.created_at
             FROM tickets t JOIN statuses s ON s.id = t.status_id LEFT JOIN services v ON v.id = t.service_id
             WHERE t.agreement_id = $1 ORDER BY t.id DESC LIMIT $2")
            .bind(agreement_id)
            .bind(limit)
            .fetch_all(p)
            .await?;
        let total = sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM tickets WHERE agreement_id = $1").bind(agreement_id).fetch_one(p).await?;
        Ok((rows, total))
    })
}

/// How an agreement's tickets did on their SLA targets so far: (service name or `None` for
/// tickets about no service, target, met, breached, running), one row per service and target.
/// A clock counts once per cycle; running ones already past their goal count as breached.
///
/// # Errors
/// Database errors.
pub async fn compliance(db: &Db, agreement_id: i64, now: DateTime<Utc>) -> Result<Vec<(Option<String>, String, i64, i64, i64)>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as::<_, (Option<String>, String, i64, i64, i64)>(
        "SELECT v.name, c.target,
                SUM(CASE WHEN c.state = 'met' THEN 1 ELSE 0 END),
                SUM(CASE WHEN c.state = 'breached' OR (c.state = 'running' AND c.due_at <= $2) THEN 1 ELSE 0 END),
                SUM(CASE WHEN c.state = 'paused' OR (c.state = 'running' AND (c.due_at IS NULL OR c.due_at > $2)) THEN 1 ELSE 0 END)
         FROM tickets t JOIN ticket_clocks c ON c.ticket_id = t.id LEFT JOIN services v ON v.id = t.service_id
         WHERE t.agreement_id = $1
         GROUP BY v.name, c.target ORDER BY v.name, c.target")
        .bind(agreement_id)
        .bind(now)
        .fetch_all(p)
        .await)
}

/// The services an agreement covers, by name.
///
/// # Errors
/// Database errors.
pub async fn terms(db: &Db, agreement_id: i64) -> Result<Vec<TermsRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as::<_, TermsRow>(
        "SELECT x.service_id, s.name AS service_name, x.sla_policy_id, x.calendar_id, x.hourly_rate_minor, x.currency
         FROM agreement_services x JOIN services s ON s.id = x.service_id WHERE x.agreement_id = $1 ORDER BY s.name, s.id")
        .bind(agreement_id)
        .fetch_all(p)
        .await)
}

/// The contacts that get an agreement's notices.
///
/// # Errors
/// Database errors.
pub async fn contacts(db: &Db, agreement_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar::<_, i64>("SELECT contact_id FROM agreement_contacts WHERE agreement_id = $1 ORDER BY contact_id")
        .bind(agreement_id)
        .fetch_all(p)
        .await)
}

/// Other agreements of the customer, not cancelled, covering one of `services` on a day of
/// `starts_on ..= ends_on` (`None`: open-ended): (number, service name).
///
/// # Errors
/// Database errors.
pub async fn overlapping(
    db: &Db,
    customer_id: i64,
    services: &[i64],
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    except: Option<i64>,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    if services.is_empty() {
        return Ok(Vec::new());
    }
    let list = services.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "SELECT g.number, s.name FROM agreements g JOIN agreement_services x ON x.agreement_id = g.id JOIN services s ON s.id = x.service_id
         WHERE g.customer_id = $1 AND g.status <> 'cancelled' AND x.service_id IN ({list}) AND g.id <> $2
           AND (g.ends_on IS NULL OR g.ends_on >= $3) AND (CAST($4 AS DATE) IS NULL OR g.starts_on <= $4)
         ORDER BY g.number, s.name"
    );
    let sql = match db {
        // SQLite has no DATE type: its dates are ISO text, compared as such.
        Db::Sqlite(_) => sql.replace("CAST($4 AS DATE)", "$4"),
        Db::Postgres(_) => sql,
    };
    on_db!(db, |p| sqlx::query_as::<_, (i64, String)>(&sql)
        .bind(customer_id)
        .bind(except.unwrap_or(0))
        .bind(starts_on)
        .bind(ends_on)
        .fetch_all(p)
        .await)
}

/// A change of an agreement's status (from `was`, the status it had at `version`) or dates,
/// with its history entry, if it is still at `version`. `Ok(false)`: it changed meanwhile
/// (nothing written). Its first statement writes: on SQLite a transaction that reads first
/// cannot take the write lock once another connection has written.
///
/// # Errors
/// Database errors.
#[allow(clippy::too_many_arguments)]
pub async fn transition(
    db: &Db,
    id: i64,
    version: i64,
    was: &str,
    status: &str,
    starts_on: NaiveDate,
    ends_on: Option<NaiveDate>,
    event: (&str, Option<String>, Option<String>, Option<&str>),
    actor: Option<i64>,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let (kind, old, new, reason) = event;
    on_db!(db, |p| {
        let mut tx = p.begin().await?;
        let n = sqlx::query("UPDATE agreements SET status = $1, starts_on = $2, ends_on = $3, version = version + 1, updated_at = $4 WHERE id = $5 AND version = $6")
            .bind(status)
            .bind(starts_on)
            .bind(ends_on)
            .bind(now)
            .bind(id)
            .bind(version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Ok(false);
        }
        sqlx::query("INSERT INTO agreement_events (agreement_id, actor_agent_id, at, kind, old_value, new_value, reason) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(id)
            .bind(actor)
            .bind(now)
            .bind(kind)
            .bind(old)
            .bind(new)
            .bind(reason)
            .execute(&mut *tx)
            .await?;
        // Its open tickets keep the terms they were opened under; their history says so.
        if status == "expired" && was != "expired" {
            sqlx::query(
                "INSERT INTO ticket_events (ticket_id, actor_agent_id, at, kind, new_value)
                 SELECT t.id, $1, $2, 'agreement_expired', $3 FROM tickets t JOIN statuses s ON s.id = t.status_id
                 WHERE t.agreement_id = $4 AND s.category NOT IN ('resolved', 'closed')")
                .bind(actor)
                .bind(now)
                .bind(id.to_string())
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(true)
    })
}

/// An agreement's history, oldest first.
///
/// # Errors
/// Database errors.
pub async fn events(db: &Db, agreement_id: i64) -> Result<Vec<AgreementEventRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as::<_, AgreementEventRow>(
        "SELECT e.at, a.name AS actor_name, e.kind, e.old_value, e.new_value, e.reason
         FROM agreement_events e LEFT JOIN agents a ON a.id = e.actor_agent_id WHERE e.agreement_id = $1 ORDER BY e.id")
        .bind(agreement_id)
        .fetch_all(p)
        .await)
}

/// The notice days already sent (or superseded) for an agreement's end date.
///
/// # Errors
/// Database errors.
pub async fn notices_sent(db: &Db, agreement_id: i64, ends_on: NaiveDate) -> Result<Vec<u32>, sqlx::Error> {
    let days: Vec<i64> = on_db!(db, |p| sqlx::query_scalar::<_, i64>("SELECT days FROM agreement_notices WHERE agreement_id = $1 AND ends_on = $2")
        .bind(agreement_id)
        .bind(ends_on)
        .fetch_all(p)
        .await)?;
    Ok(days.into_iter().filter_map(|d| u32::try_from(d).ok()).collect())
}

/// Marks the notices of `days` for an end date as not to be sent (kept as superseded).
///
/// # Errors
/// Database errors.
pub async fn supersede_notices(db: &Db, agreement_id: i64, ends_on: NaiveDate, days: &[u32], now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    for d in days {
        on_db!(db, |p| sqlx::query("INSERT INTO agreement_notices (agreement_id, ends_on, days, superseded, at) VALUES ($1, $2, $3, TRUE, $4) ON CONFLICT DO NOTHING")
            .bind(agreement_id)
            .bind(ends_on)
            .bind(i64::from(*d))
            .bind(now)
            .execute(p)
            .await
            .map(|_| ()))?;
    }
    Ok(())
}

/// A message to write to the outbox.
#[derive(Clone, Debug)]
pub struct OutboxMessage {
    pub to_address: String,
    pub to_name: String,
    pub language: String,
    pub subject: String,
    pub body: String,
}

/// Records an expiry notice (`days` before `ends_on`, with the farther ones it supersedes) and
/// writes its messages to the outbox and its history entry, in one transaction. `Ok(false)`
/// when another server recorded it first (nothing written): each notice goes out once.
///
/// # Errors
/// Database errors.
pub async fn record_notice(
    db: &Db,
    agreement_id: i64,
    ends_on: NaiveDate,
    days: u32,
    superseded: &[u32],
    messages: &[OutboxMessage],
    in_app: (&[i64], i64),
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    on_db!(db, |p| {
        let mut tx = p.begin().await?;
        let n = sqlx::query("INSERT INTO agreement_notices (agreement_id, ends_on, days, superseded, at) VALUES ($1, $2, $3, FALSE, $4) ON CONFLICT DO NOTHING")
            .bind(agreement_id)
            .bind(ends_on)
            .bind(i64::from(days))
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if n == 0 {
            return Ok(false);
        }
        for d in superseded {
            sqlx::query("INSERT INTO agreement_notices (agreement_id, ends_on, days, superseded, at) VALUES ($1, $2, $3, TRUE, $4) ON CONFLICT DO NOTHING")
                .bind(agreement_id)
                .bind(ends_on)
                .bind(i64::from(*d))
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        for m in messages {
            sqlx::query(
                "INSERT INTO outbox (to_address, to_name, language, kind, subject_ref, subject, body, created_at) VALUES ($1, $2, $3, 'agreement_expiry', $4, $5, $6, $7)")
                .bind(&m.to_address)
                .bind(&m.to_name)
                .bind(&m.language)
                .bind(format!("agreement:{agreement_id}"))
                .bind(&m.subject)
                .bind(&m.body)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        // In the app too, for the agents told (the account manager): `cycle` holds the days
        // left when it was sent.
        let (agents, days_left) = in_app;
        for a in agents {
            sqlx::query("INSERT INTO notifications (agent_id, agreement_id, kind, cycle, at) VALUES ($1, $2, 'agreement_expiry', $3, $4)")
                .bind(a)
                .bind(agreement_id)
                .bind(days_left)
                .bind(now)
                .execute(&mut *tx)
                .await?;
        }
        sqlx::query("INSERT INTO agreement_events (agreement_id, at, kind, new_value, reason) VALUES ($1, $2, 'notice', $3, $4)")
            .bind(agreement_id)
            .bind(now)
            .bind(days.to_string())
            .bind(messages.iter().map(|m| m.to_address.as_str()).collect::<Vec<_>>().join(", "))
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(true)
    })
}

/// The outbox's messages about `subject_ref` (tests and the agreement page).
///
/// # Errors
/// Database errors.
pub async fn outbox_for(db: &Db, subject_ref: &str) -> Result<Vec<(String, String)>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as::<_, (String, String)>("SELECT to_address, subject FROM outbox WHERE subject_ref = $1 ORDER BY id")
        .bind(subject_ref)
        .fetch_all(p)
        .await)
}

/// Agreements by end date (open-ended last), filtered, at most `limit`. `ends_by`: active ones
/// ending on or before that date.
///
/// # Errors
/// Database errors.
pub async fn list(
    db: &Db,
    status: Option<&str>,
    customer_id: Option<i64>,
    account_manager_id: Option<i64>,
    ends_by: Option<NaiveDate>,
    limit: i64,
) -> Result<Vec<AgreementRow>, sqlx::Error> {
    let sql = format!(
        "{SELECT} WHERE (CAST($1 AS TEXT) IS NULL OR g.status = $1) AND (CAST($2 AS BIGINT) IS NULL OR g.customer_id = $2)
           AND (CAST($3 AS BIGINT) IS NULL OR g.account_manager_id = $3)
           AND (CAST($4 AS DATE) IS NULL OR (g.status = 'active' AND g.ends_on <= $4))
         ORDER BY CASE WHEN g.ends_on IS NULL THEN 1 ELSE 0 END, g.ends_on, g.number LIMIT $5"
    );
    let sql = match db {
        Db::Sqlite(_) => sql.replace("CAST($4 AS DATE)", "$4"),
        Db::Postgres(_) => sql,
    };
    on_db!(db, |p| sqlx::query_as::<_, AgreementRow>(&sql)
        .bind(status)
        .bind(customer_id)
        .bind(account_manager_id)
        .bind(ends_by)
        .bind(limit)
        .fetch_all(p)
        .await)
}

/// (agreement, service) for every service each of `ids` covers.
///
/// # Errors
/// Database errors.
pub async fn service_ids(db: &Db, ids: &[i64]) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    let sql = format!("SELECT agreement_id, service_id FROM agreement_services WHERE agreement_id IN ({list})");
    on_db!(db, |p| sqlx::query_as::<_, (i64, i64)>(&sql).fetch_all(p).await)
}

/// Every agreement that is not cancelled, the latest start first (for what customers may ask).
///
/// # Errors
/// Database errors.
pub async fn not_cancelled(db: &Db, customer_id: Option<i64>) -> Result<Vec<AgreementRow>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE g.status <> 'cancelled' AND (CAST($1 AS BIGINT) IS NULL OR g.customer_id = $1) ORDER BY g.starts_on DESC, g.id DESC");
    on_db!(db, |p| sqlx::query_as::<_, AgreementRow>(&sql).bind(customer_id).fetch_all(p).await)
}

/// The names of the services each of `ids` covers.
///
/// # Errors
/// Database errors.
pub async fn service_names(db: &Db, ids: &[i64]) -> Result<Vec<(i64, String)>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(", ");
    let sql = format!(
        "SELECT x.agreement_id, s.name FROM agreement_services x JOIN services s ON s.id = x.service_id WHERE x.agreement_id IN ({list}) ORDER BY s.name"
    );
    on_db!(db, |p| sqlx::query_as::<_, (i64, String)>(&sql).fetch_all(p).await)
}
