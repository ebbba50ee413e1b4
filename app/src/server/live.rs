//! Live ticket changes for open boards and lists. The database is the only state, so every
//! app server follows the event log itself (a cheap primary-key range read twice a second)
//! and fans what it finds out to its own subscribers; several servers on one PostgreSQL all
//! see every change, whichever server made it.

use std::collections::BTreeSet;
use std::sync::{Arc, Weak};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use crate::on_db;
use crate::server::db::Db;

/// One changed ticket, as subscribers learn it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    pub ticket_id: i64,
    /// The event kind: `created`, `changed`, `replied`, `noted`, `attached`.
    pub kind: String,
}

/// How far below the highest id seen the log is read again. PostgreSQL hands out ids when a
/// transaction starts writing but they become visible when it commits, so a smaller id can
/// appear after a larger one; re-reading this window (and remembering what was sent) catches it.
const LOOKBACK: i64 = 256;
/// The most events one poll reads.
const BATCH: i64 = 500;

struct Inner {
    tx: broadcast::Sender<Arc<Vec<Change>>>,
    /// Set when the server shuts down, so open event streams end and the shutdown can finish.
    closing: tokio::sync::watch::Sender<bool>,
}

/// The fan-out of ticket changes within this process.
#[derive(Clone)]
pub struct Live {
    inner: Arc<Inner>,
}

impl Live {
    /// Starts following `db`'s event log every `every`. The follower stops by itself once
    /// every handle is dropped or the pool is closed.
    pub fn start(db: Db, every: Duration) -> Live {
        let (tx, _) = broadcast::channel(256);
        let (closing, _) = tokio::sync::watch::channel(false);
        let inner = Arc::new(Inner { tx, closing });
        let weak = Arc::downgrade(&inner);
        tokio::spawn(follow(db, weak, every));
        Live { inner }
    }

    /// A receiver of every batch of changes from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Vec<Change>>> {
        self.inner.tx.subscribe()
    }

    /// Ends every open stream (at shutdown).
    pub fn close(&self) {
        self.inner.closing.send_replace(true);
    }

    /// Resolves once [`Live::close`] was called.
    pub fn closed(&self) -> impl std::future::Future<Output = ()> + Send + use<> {
        let mut rx = self.inner.closing.subscribe();
        async move {
            let _ = rx.wait_for(|c| *c).await;
        }
    }
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    ticket_id: i64,
    kind: String,
}

async fn read(db: &Db, after: i64) -> Result<Vec<EventRow>, sqlx::Error> {
    on_db!(db, |p| sqlx::query_as::<_, EventRow>(
        "SELECT id, ticket_id, kind FROM ticket_events WHERE id > $1 ORDER BY id LIMIT $2"
    )
    .bind(after)
    .bind(BATCH)
    .fetch_all(p)
    .await)
}

async fn follow(db: Db, live: Weak<Inner>, every: Duration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut top = match on_db!(&db, |p| sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(id) FROM ticket_events").fetch_one(p).await) {
        Ok(v) => v.unwrap_or(0),
        Err(e) => {
            tracing::warn!(error = %e, "live updates: cannot read the event log");
            0
        }
    };
    // Everything up to now counts as sent.
    let mut seen: BTreeSet<i64> = read(&db, top - LOOKBACK).await.map(|r| r.iter().map(|e| e.id).collect()).unwrap_or_default();
    loop {
        tick.tick().await;
        let Some(inner) = live.upgrade() else { return };
        let rows = match read(&db, top - LOOKBACK).await {
            Ok(r) => r,
            Err(sqlx::Error::PoolClosed) => return,
            Err(e) => {
                tracing::warn!(error = %e, "live updates: cannot read the event log");
                continue;
            }
        };
        let mut changes: Vec<Change> = Vec::new();
        for r in rows {
            top = top.max(r.id);
            if seen.insert(r.id) && !changes.iter().any(|c| c.ticket_id == r.ticket_id && c.kind == r.kind) {
                changes.push(Change { ticket_id: r.ticket_id, kind: r.kind });
            }
        }
        seen = seen.split_off(&(top - LOOKBACK));
        if !changes.is_empty() && inner.tx.receiver_count() > 0 {
            let _ = inner.tx.send(Arc::new(changes));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::testing::each_backend;

    #[tokio::test]
    async fn a_change_reaches_subscribers_of_every_server_on_the_database() {
        each_backend(|db| async move {
            let now = chrono::Utc::now();
            let agent = crate::server::services::auth::create_agent_with_password(&db, "a@example.com", "A", crate::domain::Role::Manager, "correct horse battery", now)
                .await
                .unwrap();
            let customer = crate::server::store::customers::insert(&db, "Nordhavn", "Europe/Stockholm", crate::server::db::now_micros(now)).await.unwrap();
            // Two "servers": two followers on one database.
            let (one, two) = (Live::start(db.clone(), Duration::from_millis(50)), Live::start(db.clone(), Duration::from_millis(50)));
            let (mut rx1, mut rx2) = (one.subscribe(), two.subscribe());
            tokio::time::sleep(Duration::from_millis(120)).await;
            let (id, _) = crate::server::store::tickets::insert(
                &db,
                &crate::server::store::tickets::NewTicketRow {
                    title: "Printer on fire",
                    description: "",
                    status_id: 1,
                    priority: "high",
                    customer_id: customer,
                    requester_id: None,
                    assignee_id: None,
                    created_by: Some(agent),
                    service_id: None,
                    agreement_id: None,
                    notes: &[],
                },
                crate::server::db::now_micros(now),
            )
            .await
            .unwrap();
            for rx in [&mut rx1, &mut rx2] {
                let got = tokio::time::timeout(Duration::from_secs(5), rx.recv()).await.expect("a change within 5 s").unwrap();
                assert_eq!(*got, vec![Change { ticket_id: id, kind: "created".into() }]);
            }
            // Nothing is sent twice.
            assert!(tokio::time::timeout(Duration::from_millis(300), rx1.recv()).await.is_err());
        })
        .await;
    }
}
