//! Instance-wide settings and counters.

use crate::on_db;
use crate::server::db::Db;

/// A stored setting.
///
/// # Errors
/// Database errors.
pub async fn get(db: &Db, key: &str) -> Result<Option<String>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_scalar::<_, String>("SELECT value FROM settings WHERE key = $1")
        .bind(key)
        .fetch_optional(p)
        .await)
}

/// Stores `value` under `key` unless one is stored already; returns the stored value. Safe
/// when several servers start at once: the first writer wins, the others read its value.
///
/// # Errors
/// Database errors.
pub async fn get_or_insert(db: &Db, key: &str, value: &str) -> Result<String, sqlx::Error> {
    on_db!(db, |p| sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
        .bind(key)
        .bind(value)
        .execute(p)
        .await.map(|r| r.rows_affected()))?;
    get(db, key).await?.ok_or(sqlx::Error::RowNotFound)
}
