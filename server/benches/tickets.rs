//! `cargo bench -p server --bench tickets`: seeds 100,000 tickets through the service layer
//! on SQLite and on PostgreSQL, reports the creation rate, then serves the real app and
//! measures p50/p99 of full ticket-page requests (server-rendered HTML over HTTP).
//! `ACCORD_BENCH_TICKETS` changes the number of tickets. A benchmark, not a test: it asserts
//! nothing about time.

mod common;

use std::time::{Duration, Instant};

use app::domain::{NewTicket, Priority, Role};
use app::server::services::{auth, tickets};
use app::server::testing::TestDb;

fn pct(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

async fn run(t: TestDb, n: usize) {
    let backend = t.db.backend();
    let db = t.db.clone();
    let now = chrono::Utc::now();
    let admin = auth::create_agent_with_password(&db, "bench@example.com", "Bench", Role::Admin, "bench password 1", now).await.unwrap();
    let actor = auth::actor_from(&app::server::store::agents::get(&db, admin).await.unwrap());
    let customer = app::server::store::customers::insert(&db, "Bench Customer", "Europe/Stockholm", now).await.unwrap();

    let started = Instant::now();
    for i in 0..n {
        let t = NewTicket {
            customer_id: customer,
            requester_id: None,
            title: format!("Benchmark ticket {i}"),
            description: "Something **broke** again.\n\n- step one\n- step two".into(),
            priority: Priority::ALL[i % 4],
            assignee_id: if i % 3 == 0 { Some(admin) } else { None },
            service_id: None,
            agreement_id: None,
            override_reason: None,
        };
        tickets::create(&db, &actor, t, now).await.unwrap();
    }
    let secs = started.elapsed().as_secs_f64();
    println!("{backend}: created {n} tickets in {secs:.1} s = {:.0} tickets/s (one at a time, through the service layer)", n as f64 / secs);

    // Serve the real app and fetch ticket pages over HTTP.
    let (base, client, srv) = common::serve_signed_in(&db, &t.url, "bench@example.com", "bench password 1").await;
    let mut seed = 42u64;
    let mut samples = Vec::new();
    for i in 0..1100 {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let number = 1001 + (seed >> 33) as usize % n;
        let t0 = Instant::now();
        let r = client.get(format!("{base}/tickets/ACC-{number}")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        r.bytes().await.unwrap();
        if i >= 100 {
            samples.push(t0.elapsed()); // the first 100 warm caches
        }
    }
    samples.sort();
    println!(
        "{backend}: ticket page (GET /tickets/ACC-n, full SSR) over {} requests: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        samples.len(),
        pct(&samples, 0.5).as_secs_f64() * 1e3,
        pct(&samples, 0.99).as_secs_f64() * 1e3,
        samples.last().unwrap().as_secs_f64() * 1e3
    );
    srv.abort();
    t.cleanup().await;
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let n: usize = std::env::var("ACCORD_BENCH_TICKETS").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    run(TestDb::sqlite().await, n).await;
    match TestDb::postgres().await {
        Some(t) => run(t, n).await,
        None => println!("postgres: skipped (unreachable)"),
    }
}
