//! Test support: a fresh database on each backend, so the same test body runs on SQLite and
//! on PostgreSQL. PostgreSQL tests get their own database, so tests run in parallel.

use std::sync::atomic::{AtomicU64, Ordering};

use super::db::Db;

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The PostgreSQL server tests use (`ACCORD_TEST_PG_URL`, default the local `test` database).
pub fn pg_admin_url() -> String {
    std::env::var("ACCORD_TEST_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into())
}

fn unique(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("{prefix}_{}_{n}_{nanos}", std::process::id())
}

/// A migrated, empty database of one backend, removed again by [`TestDb::cleanup`].
pub struct TestDb {
    pub db: Db,
    /// The URL, for starting a real server on the same database.
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    Keep,
    File(std::path::PathBuf),
    PgDatabase(String),
}

impl TestDb {
    /// A fresh SQLite file in the temp folder.
    pub async fn sqlite() -> TestDb {
        let path = std::env::temp_dir().join(format!("{}.db", unique("accord_test")));
        let url = format!("sqlite://{}", path.display());
        let db = Db::open(&url).await.expect("open sqlite");
        db.migrate().await.expect("migrate sqlite");
        TestDb { db, url, cleanup: Cleanup::File(path) }
    }

    /// A fresh PostgreSQL database, or `None` (after a loud notice) when the server does not
    /// answer. Under `CI=true` an unreachable server fails the test instead.
    pub async fn postgres() -> Option<TestDb> {
        let admin_url = pg_admin_url();
        let admin = match Db::open(&admin_url).await {
            Ok(Db::Postgres(p)) => p,
            Ok(_) => panic!("ACCORD_TEST_PG_URL is not a PostgreSQL URL"),
            Err(e) => {
                if std::env::var("CI").is_ok_and(|v| v == "true") {
                    panic!("PostgreSQL at {admin_url} is unreachable and CI=true: {e}");
                }
                eprintln!("\n!!! PostgreSQL at {admin_url} is unreachable ({e}): PostgreSQL tests SKIPPED !!!\n");
                return None;
            }
        };
        let name = unique("accord_t");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(&admin).await.expect("create test database");
        admin.close().await;
        let base = admin_url.rsplit_once('/').map(|(b, _)| b.to_owned()).unwrap_or(admin_url.clone());
        let url = format!("{base}/{name}");
        let db = Db::open(&url).await.expect("open test database");
        db.migrate().await.expect("migrate postgres");
        Some(TestDb { db, url, cleanup: Cleanup::PgDatabase(name) })
    }

    /// A database that already exists (a benchmark's kept one): opened, migrated, and left in
    /// place by [`TestDb::cleanup`].
    pub async fn existing(url: &str) -> TestDb {
        let db = Db::open(url).await.expect("open the kept database");
        db.migrate().await.expect("migrate the kept database");
        TestDb { db, url: url.to_owned(), cleanup: Cleanup::Keep }
    }

    /// Closes the pool and removes the database.
    pub async fn cleanup(self) {
        self.db.close().await;
        match self.cleanup {
            Cleanup::Keep => {}
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::PgDatabase(name) => {
                if let Ok(Db::Postgres(admin)) = Db::open(&pg_admin_url()).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).execute(&admin).await;
                    admin.close().await;
                }
            }
        }
    }
}

/// Fresh databases of every reachable backend: SQLite always, PostgreSQL when it answers.
pub async fn all_backends() -> Vec<TestDb> {
    let mut out = vec![TestDb::sqlite().await];
    out.extend(TestDb::postgres().await);
    out
}

/// Runs `body` once per backend on a fresh database, then removes it.
pub async fn each_backend<F, Fut>(body: F)
where
    F: Fn(Db) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for t in all_backends().await {
        eprintln!("-- on {}", t.db.backend());
        body(t.db.clone()).await;
        t.cleanup().await;
    }
}

/// A signed-in agent of `role` for service-layer tests, English, in UTC, made at 2026-12-01.
pub async fn actor(db: &Db, email: &str, role: crate::domain::Role) -> super::Actor {
    use chrono::TimeZone;
    let row = super::store::agents::NewAgentRow {
        email,
        name: email,
        role: role.as_str(),
        password_hash: Some("x"),
        language: "en",
        timezone: "UTC",
        invite_token_hash: None,
        invite_expires_at: None,
    };
    let at = chrono::Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
    let id = super::store::agents::insert(db, &row, at).await.expect("a test agent");
    super::Actor { id, name: email.into(), email: email.into(), role, language: crate::domain::Lang::En, timezone: chrono_tz::UTC }
}

/// An always-open calendar and a policy on it whose urgent first response is due after
/// `urgent_first` (`15m`, `1h`), for service-layer tests; the corporate default when `default`.
pub async fn policy(db: &Db, boss: &super::Actor, name: &str, urgent_first: &str, default: bool) -> i64 {
    use crate::domain::{CalendarForm, CalendarInput, PolicyInput};
    use chrono::TimeZone;
    let at = chrono::Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
    let cal = CalendarForm { name: format!("{name} hours"), timezone: "UTC".into(), always: Some("on".into()), ..Default::default() };
    let cal = super::services::sla::create_calendar(db, boss, CalendarInput::try_from(cal).expect("a calendar"), at).await.expect("a calendar");
    let form = policy_form(name, cal, urgent_first, default);
    super::services::sla::create_policy(db, boss, PolicyInput::try_from(form).expect("a policy"), at).await.expect("a policy")
}

/// A policy form for tests: urgent first response after `urgent_first`, the other goals fixed,
/// paused while waiting on the customer, warning at 80 %.
pub fn policy_form(name: &str, calendar_id: i64, urgent_first: &str, default: bool) -> crate::domain::PolicyForm {
    crate::domain::PolicyForm {
        name: name.into(),
        calendar_id: calendar_id.to_string(),
        urgent_first: urgent_first.into(),
        urgent_next: "2h".into(),
        urgent_resolution: "8h".into(),
        high_first: "2h".into(),
        high_next: "4h".into(),
        high_resolution: "16h".into(),
        normal_first: "4h".into(),
        normal_next: "8h".into(),
        normal_resolution: "24h".into(),
        low_first: "8h".into(),
        low_next: "16h".into(),
        low_resolution: "48h".into(),
        pause_waiting_on_customer: Some("on".into()),
        warning_percent: "80".into(),
        is_default: default.then(|| "on".into()),
        ..Default::default()
    }
}

/// A calendar form for weekdays 09:00–17:00 UTC, for tests.
pub fn weekdays_form(name: &str) -> crate::domain::CalendarForm {
    let day = || "09:00-17:00".to_owned();
    crate::domain::CalendarForm { name: name.into(), timezone: "UTC".into(), mon: day(), tue: day(), wed: day(), thu: day(), fri: day(), ..Default::default() }
}
