//! Agents: our own people, with their role, profile and credentials.

use chrono::{DateTime, Utc};

use crate::on_db;
use crate::server::db::Db;

/// An agent as stored.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AgentRow {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: String,
    pub password_hash: Option<String>,
    pub language: String,
    pub timezone: String,
    pub active: bool,
    pub created_at: DateTime<Utc>,
}

const COLS: &str = "id, email, name, role, password_hash, language, timezone, active, created_at";

/// A new agent's stored fields.
pub struct NewAgentRow<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub password_hash: Option<&'a str>,
    pub language: &'a str,
    pub timezone: &'a str,
    pub invite_token_hash: Option<&'a str>,
    pub invite_expires_at: Option<DateTime<Utc>>,
}

/// Inserts an agent; the email must be unused (lower-cased by the caller).
///
/// # Errors
/// A unique violation when the email is taken, other database errors.
pub async fn insert(db: &Db, a: &NewAgentRow<'_>, now: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar::<_, i64>(
        "INSERT INTO agents (email, name, role, password_hash, language, timezone, active, invite_token_hash, invite_expires_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $8, $9) RETURNING id")
        .bind(a.email)
        .bind(a.name)
        .bind(a.role)
        .bind(a.password_hash)
        .bind(a.language)
        .bind(a.timezone)
        .bind(a.invite_token_hash)
        .bind(a.invite_expires_at)
        .bind(now)
        .fetch_one(p)
        .await)
}

/// One agent by id.
///
/// # Errors
/// `RowNotFound` when there is none.
pub async fn get(db: &Db, id: i64) -> Result<AgentRow, sqlx::Error> {
    let sql = format!("SELECT {COLS} FROM agents WHERE id = $1");
    on_db!(db, |p| sqlx::query_as::<_, AgentRow>(&sql).bind(id).fetch_one(p).await)
}

/// One agent by (lower-cased) email.
///
/// # Errors
/// Database errors.
pub async fn by_email(db: &Db, email: &str) -> Result<Option<AgentRow>, sqlx::Error> {
    let sql = format!("SELECT {COLS} FROM agents WHERE email = $1");
    on_db!(db, |p| sqlx::query_as::<_, AgentRow>(&sql).bind(email).fetch_optional(p).await)
}

/// Every agent, by name. Agents are few (tens, not thousands), so this list is bounded in practice;
/// it is capped anyway.
///
/// # Errors
/// Database errors.
pub async fn list(db: &Db) -> Result<Vec<(AgentRow, bool)>, sqlx::Error> {
    let sql = format!("SELECT {COLS}, invite_token_hash IS NOT NULL AS invited FROM agents ORDER BY name, id LIMIT 1000");
    #[derive(sqlx::FromRow)]
    struct WithInvite {
        #[sqlx(flatten)]
        row: AgentRow,
        invited: bool,
    }
    let rows = on_db!(db, |p| sqlx::query_as::<_, WithInvite>(&sql).fetch_all(p).await)?;
    Ok(rows.into_iter().map(|r| (r.row, r.invited)).collect())
}

/// Sets (or clears) the password hash and removes any pending invitation.
///
/// # Errors
/// Database errors.
pub async fn set_password(db: &Db, id: i64, hash: &str) -> Result<(), sqlx::Error> {
    on_db!(db, |p| sqlx::query(
        "UPDATE agents SET password_hash = $1, invite_token_hash = NULL, invite_expires_at = NULL WHERE id = $2")
        .bind(hash)
        .bind(id)
        .execute(p)
        .await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Replaces the invitation token (a password reset also uses one).
///
/// # Errors
/// Database errors.
pub async fn set_invite(db: &Db, id: i64, token_hash: &str, expires: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_db!(db, |p| sqlx::query("UPDATE agents SET invite_token_hash = $1, invite_expires_at = $2 WHERE id = $3")
        .bind(token_hash)
        .bind(expires)
        .bind(id)
        .execute(p)
        .await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The agent holding an unexpired invitation token.
///
/// # Errors
/// Database errors.
pub async fn by_invite(db: &Db, token_hash: &str, now: DateTime<Utc>) -> Result<Option<AgentRow>, sqlx::Error> {
    let sql = format!("SELECT {COLS} FROM agents WHERE invite_token_hash = $1 AND invite_expires_at > $2 AND active = TRUE");
    on_db!(db, |p| sqlx::query_as::<_, AgentRow>(&sql).bind(token_hash).bind(now).fetch_optional(p).await)
}

/// Activates or deactivates an agent; deactivation also ends their sessions.
///
/// # Errors
/// Database errors.
pub async fn set_active(db: &Db, id: i64, active: bool) -> Result<(), sqlx::Error> {
    on_db!(db, |p| {
        let mut tx = p.begin().await?;
        sqlx::query("UPDATE agents SET active = $1 WHERE id = $2").bind(active).bind(id).execute(&mut *tx).await?;
        if !active {
            sqlx::query("DELETE FROM sessions WHERE agent_id = $1").bind(id).execute(&mut *tx).await?;
        }
        tx.commit().await
    })
}

/// Updates the agent's own profile.
///
/// # Errors
/// Database errors.
pub async fn update_profile(db: &Db, id: i64, name: &str, language: &str, timezone: &str) -> Result<(), sqlx::Error> {
    on_db!(db, |p| sqlx::query("UPDATE agents SET name = $1, language = $2, timezone = $3 WHERE id = $4")
        .bind(name)
        .bind(language)
        .bind(timezone)
        .bind(id)
        .execute(p)
        .await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// How many agents exist.
///
/// # Errors
/// Database errors.
pub async fn count(db: &Db) -> Result<i64, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM agents").fetch_one(p).await)
}
