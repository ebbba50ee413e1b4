//! The database handle: one enum over the two real backends (SQLite embedded, PostgreSQL
//! for scale-out), opening, migrating, and the `on_db!` macro that writes a query once and
//! runs it on whichever backend is configured.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

/// A pool on one of the two backends.
#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs the same expression on whichever pool `db` holds. Inside, `$p` is the pool.
#[macro_export]
macro_rules! on_db {
    ($db:expr, |$p:ident| $e:expr) => {
        match $db {
            $crate::server::db::Db::Sqlite($p) => $e,
            $crate::server::db::Db::Postgres($p) => $e,
        }
    };
}

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("not a database URL (expected sqlite://… or postgres://…): {0}")]
    BadUrl(String),
    #[error("cannot create the folder for the SQLite file {path}: {source}")]
    Folder { path: String, source: std::io::Error },
    #[error("cannot connect: {0}")]
    Connect(sqlx::Error),
    #[error("cannot apply migrations: {0}")]
    Migrate(sqlx::migrate::MigrateError),
}

impl Db {
    /// Which backend this is, for logs and test names.
    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }

    /// Opens a pool for `url` (`sqlite://path`, `sqlite::memory:`, `postgres://…`). A SQLite
    /// file and its folder are created when missing; SQLite runs with WAL, foreign keys and a
    /// busy timeout.
    ///
    /// # Errors
    /// `OpenError` when the URL is not understood or the database does not answer.
    pub async fn open(url: &str) -> Result<Db, OpenError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            // The planner's default random_page_cost (4) prices an index walk as if it read a
            // spinning disk: with the tickets cached or on SSD it then prefers building a bitmap
            // of every ticket holding a common word (40 ms at a million tickets) over walking a
            // customer's few thousand (PostgreSQL's own advice for SSD is 1.1).
            let opts = PgConnectOptions::from_str(url)
                .map_err(|e| OpenError::BadUrl(e.to_string()))?
                .options([("random_page_cost", "1.1")]);
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(5))
                .connect_with(opts)
                .await
                .map_err(OpenError::Connect)?;
            Ok(Db::Postgres(pool))
        } else if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)
                .map_err(|e| OpenError::BadUrl(e.to_string()))?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                // 32 MB of page cache per connection instead of SQLite's 2 MB: the list's
                // indexes of a large desk stay in memory, not behind a read call each page.
                .pragma("cache_size", "-32768");
            let path = opts.get_filename();
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent)
                    .map_err(|source| OpenError::Folder { path: path.display().to_string(), source })?;
            }
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await
                .map_err(OpenError::Connect)?;
            Ok(Db::Sqlite(pool))
        } else {
            Err(OpenError::BadUrl(url.to_owned()))
        }
    }

    /// Applies the pending migrations of this backend.
    ///
    /// # Errors
    /// `OpenError::Migrate` when a migration fails or the stored history does not match.
    pub async fn migrate(&self) -> Result<(), OpenError> {
        match self {
            Db::Sqlite(p) => sqlx::migrate!("../migrations/sqlite").run(p).await,
            Db::Postgres(p) => sqlx::migrate!("../migrations/postgres").run(p).await,
        }
        .map_err(OpenError::Migrate)
    }

    /// Closes every connection.
    pub async fn close(&self) {
        on_db!(self, |p| p.close().await)
    }
}

/// The current instant, truncated to microseconds (what PostgreSQL stores), so a value read
/// back equals the value written on both backends.
pub fn now_micros(now: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    use chrono::{DurationRound, TimeDelta};
    now.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(now)
}
