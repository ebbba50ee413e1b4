//! Server-side sessions and the sign-in attempt log that throttles guessing.

use chrono::{DateTime, Utc};

use super::agents::AgentRow;
use crate::on_db;
use crate::server::db::Db;

/// Stores a session under the hash of its token.
///
/// # Errors
/// Database errors.
pub async fn insert(db: &Db, token_hash: &str, agent_id: i64, now: DateTime<Utc>, expires: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_db!(db, |p| sqlx::query("INSERT INTO sessions (token_hash, agent_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
        .bind(token_hash)
        .bind(agent_id)
        .bind(now)
        .bind(expires)
        .execute(p)
        .await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// The active agent of an unexpired session.
///
/// # Errors
/// Database errors.
pub async fn agent_for(db: &Db, token_hash: &str, now: DateTime<Utc>) -> Result<Option<AgentRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as::<_, AgentRow>(
        "SELECT a.id, a.email, a.name, a.role, a.password_hash, a.language, a.timezone, a.active, a.created_at
         FROM sessions s JOIN agents a ON a.id = s.agent_id
         WHERE s.token_hash = $1 AND s.expires_at > $2 AND a.active = TRUE")
        .bind(token_hash)
        .bind(now)
        .fetch_optional(p)
        .await)
}

/// Ends one session.
///
/// # Errors
/// Database errors.
pub async fn delete(db: &Db, token_hash: &str) -> Result<(), sqlx::Error> {
    on_db!(db, |p| sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Ends every session of an agent except `keep` (after a password change).
///
/// # Errors
/// Database errors.
pub async fn delete_others(db: &Db, agent_id: i64, keep: &str) -> Result<(), sqlx::Error> {
    on_db!(db, |p| sqlx::query("DELETE FROM sessions WHERE agent_id = $1 AND token_hash <> $2")
        .bind(agent_id)
        .bind(keep)
        .execute(p)
        .await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Removes expired sessions and old sign-in attempts.
///
/// # Errors
/// Database errors.
pub async fn purge(db: &Db, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    let old = now - chrono::TimeDelta::days(1);
    on_db!(db, |p| {
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1").bind(now).execute(p).await?;
        sqlx::query("DELETE FROM login_attempts WHERE at < $1").bind(old).execute(p).await.map(|r| r.rows_affected())
    })?;
    Ok(())
}

/// Records a sign-in attempt.
///
/// # Errors
/// Database errors.
pub async fn record_attempt(db: &Db, email: &str, success: bool, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    on_db!(db, |p| sqlx::query("INSERT INTO login_attempts (email, at, success) VALUES ($1, $2, $3)")
        .bind(email)
        .bind(now)
        .bind(success)
        .execute(p)
        .await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Failed attempts for `email` since `since`, not counting those before the last success.
///
/// # Errors
/// Database errors.
pub async fn recent_failures(db: &Db, email: &str, since: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM login_attempts
         WHERE email = $1 AND at >= $2 AND success = FALSE
           AND at > COALESCE((SELECT MAX(at) FROM login_attempts WHERE email = $3 AND success = TRUE), $4)")
        .bind(email)
        .bind(since)
        .bind(email)
        .bind(since)
        .fetch_one(p)
        .await)
}
