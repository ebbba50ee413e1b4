//! `cargo bench -p server --bench workspace`: the agent workspace at scale. Seeds 1,000,000
//! tickets (`ACCORD_BENCH_TICKETS` changes it) with bulk inserts on SQLite and on PostgreSQL
//! (50 customers, 20 agents, every status and priority, words for full-text search), then
//! serves the real app and measures p50/p99 of the list (`tickets/search`) and the board
//! (`tickets/board`) server functions over HTTP for filtered and sorted queries, and reports
//! the size of the release wasm (raw and gzip) when it has been built. A benchmark, not a
//! test: it asserts nothing about time.

mod common;

use std::time::{Duration, Instant};

use app::domain::Role;
use app::on_db;
use app::server::Db;
use app::server::services::auth;
use app::server::testing::TestDb;
use chrono::{DateTime, TimeDelta, Utc};

const WORDS: [&str; 24] = [
    "printer", "vpn", "invoice", "login", "password", "email", "backup", "server", "disk", "license", "update", "crash",
    "slow", "network", "wifi", "report", "export", "calendar", "mobile", "sync", "upgrade", "database", "timeout", "certificate",
];
const CUSTOMERS: i64 = 50;
const AGENTS: i64 = 20;
const BATCH: usize = 400;

fn pct(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() as f64 - 1.0) * p).round() as usize]
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

struct Row {
    number: i64,
    title: String,
    description: String,
    status: i64,
    priority: &'static str,
    rank: i64,
    customer: i64,
    assignee: Option<i64>,
    created: DateTime<Utc>,
    updated: DateTime<Utc>,
}

fn row(i: i64, rng: &mut Rng, agents: &[i64], customers: &[i64], now: DateTime<Utc>) -> Row {
    let w = |r: &mut Rng| WORDS[r.below(WORDS.len() as u64) as usize];
    let title = format!("{} {} {} #{i}", w(rng), w(rng), w(rng));
    let description = format!("The {} stopped working after the {}. Customer reports {} and {}.", w(rng), w(rng), w(rng), w(rng));
    // Most tickets of a desk that has run for years are closed.
    let status = match rng.below(100) {
        0..=4 => 1,
        5..=9 => 2,
        10..=14 => 3,
        15..=18 => 4,
        19..=20 => 5,
        21..=30 => 6,
        _ => 7,
    };
    let p = rng.below(10);
    let (priority, rank) = match p {
        0 => ("urgent", 0),
        1..=2 => ("high", 1),
        3..=7 => ("normal", 2),
        _ => ("low", 3),
    };
    let age = TimeDelta::seconds(rng.below(3 * 365 * 86_400) as i64);
    let created = now - age;
    let updated = created + TimeDelta::seconds(rng.below(age.num_seconds().max(1) as u64) as i64);
    Row {
        number: 1000 + i,
        title,
        description,
        status,
        priority,
        rank,
        customer: customers[rng.below(customers.len() as u64) as usize],
        assignee: if rng.below(8) == 0 { None } else { Some(agents[rng.below(agents.len() as u64) as usize]) },
        created,
        updated,
    }
}

async fn seed(db: &Db, n: i64, agents: &[i64], customers: &[i64], now: DateTime<Utc>) {
    let mut rng = Rng(7);
    let started = Instant::now();
    let all: Vec<Row> = (1..=n).map(|k| row(k, &mut rng, agents, customers, now)).collect();
    // SQLite keys its full-text index by the update sequence, in updated order (migration 0010):
    // each ticket's is its rank by (updated, id), as if the desk had written them as they happened.
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.sort_by_key(|&k| (all[k].updated, k));
    let mut seq = vec![0i64; all.len()];
    for (rank, &k) in order.iter().enumerate() {
        seq[k] = rank as i64 + 1;
    }
    let sqlite = matches!(db, Db::Sqlite(_));
    let cols = if sqlite { 12 } else { 11 };
    let mut i = 0;
    while i < all.len() {
        let rows = &all[i..(i + BATCH).min(all.len())];
        let seqs = &seq[i..i + rows.len()];
        i += rows.len();
        let values: Vec<String> = (0..rows.len())
            .map(|r| format!("({})", (1..=cols).map(|c| format!("${}", r * cols + c)).collect::<Vec<_>>().join(", ")))
            .collect();
        let sql = format!(
            "INSERT INTO tickets (number, title, description, status_id, priority, priority_rank, customer_id, assignee_id, created_at, updated_at, created_by{}) VALUES {}",
            if sqlite { ", update_seq" } else { "" },
            values.join(", ")
        );
        on_db!(db, |p| {
            let mut q = sqlx::query(&sql);
            for (r, s) in rows.iter().zip(seqs) {
                q = q
                    .bind(r.number)
                    .bind(&r.title)
                    .bind(&r.description)
                    .bind(r.status)
                    .bind(r.priority)
                    .bind(r.rank)
                    .bind(r.customer)
                    .bind(r.assignee)
                    .bind(r.created)
                    .bind(r.updated)
                    .bind(agents[0]);
                if sqlite {
                    q = q.bind(*s);
                }
            }
            q.execute(p).await.unwrap();
        });
        if i % 100_000 < BATCH {
            println!("  … {i} tickets ({:.0} s)", started.elapsed().as_secs_f64());
        }
    }
    on_db!(db, |p| {
        sqlx::query("UPDATE counters SET value = $1 WHERE name = 'ticket_number'").bind(1000 + n).execute(p).await.unwrap();
        sqlx::query("ANALYZE").execute(p).await.unwrap();
    });
    if let Db::Sqlite(p) = db {
        let v: Option<String> = sqlx::query_scalar("SELECT value FROM settings WHERE key = 'fts_update_order'").fetch_optional(p).await.unwrap();
        println!("  full-text index in updated order: {}", v.as_deref() == Some("1"));
    }
    // What the server's hourly tidy-up does to a bulk-loaded index.
    app::server::store::search::tidy_indexes(db).await.unwrap();
    let secs = started.elapsed().as_secs_f64();
    println!("{}: seeded {n} tickets in {secs:.0} s ({:.0} rows/s, bulk inserts, indexes and full-text index live)", db.backend(), n as f64 / secs);
}

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

async fn measure(client: &reqwest::Client, base: &str, endpoint: &str, body: &str, rounds: usize) -> (Duration, Duration, serde_json::Value) {
    let mut samples = Vec::new();
    let mut last = serde_json::Value::Null;
    for i in 0..rounds + 10 {
        let t0 = Instant::now();
        let r = client
            .post(format!("{base}/api/{endpoint}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{endpoint} {body}");
        let bytes = r.bytes().await.unwrap();
        if i >= 10 {
            samples.push(t0.elapsed());
        }
        if i == 0 {
            last = serde_json::from_slice(&bytes).unwrap();
        }
    }
    samples.sort();
    (pct(&samples, 0.5), pct(&samples, 0.99), last)
}

async fn run(t: TestDb, n: i64) {
    let backend = t.db.backend();
    let db = t.db.clone();
    let now = Utc::now();
    let ids = |table: &'static str| {
        let db = db.clone();
        async move { on_db!(&db, |p| sqlx::query_scalar::<_, i64>(&format!("SELECT id FROM {table} ORDER BY id")).fetch_all(p).await.unwrap()) }
    };
    let (mut agents, mut customers) = (ids("agents").await, ids("customers").await);
    if agents.is_empty() {
        for a in 0..AGENTS {
            let role = if a == 0 { Role::Manager } else { Role::Agent };
            agents.push(auth::create_agent_with_password(&db, &format!("agent{a}@example.com"), &format!("Agent {a:02}"), role, "bench password 1", now).await.unwrap());
        }
        for c in 0..CUSTOMERS {
            customers.push(app::server::store::customers::insert(&db, &format!("Customer {c:02}"), "Europe/Stockholm", now).await.unwrap());
        }
        seed(&db, n, &agents, &customers, now).await;
    } else {
        println!("{backend}: measuring the database left by an earlier run (ACCORD_BENCH_KEEP)");
    }

    let (base, client, srv) = common::serve_signed_in(&db, &t.url, "agent0@example.com", "bench password 1").await;
    let c = customers[3];
    let a = agents[5];
    let lists = [
        ("default (updated, newest first)", String::new()),
        ("open statuses, by priority", "status=1,2,3,4,5&sort=priority".to_owned()),
        ("one customer, by title", format!("customer={c}&sort=title")),
        ("one agent's, by created", format!("assignee={a}&sort=created&dir=desc")),
        ("unassigned urgent+high", "assignee=none&priority=urgent,high".to_owned()),
        ("sorted by customer", "sort=customer".to_owned()),
        ("sorted by assignee", "sort=assignee&dir=desc".to_owned()),
        ("sorted by status", "sort=status".to_owned()),
        ("full text 'printer vpn'", "q=printer+vpn".to_owned()),
        ("full text + status + customer", format!("q=backup&status=1,2,3&customer={c}")),
        ("full text, 3 words", "q=certificate+timeout+crash".to_owned()),
        ("full text, one ticket", "q=4711".to_owned()),
        ("full text, prefix 'print*'", "q=print*".to_owned()),
        ("created in a month", "created_from=2026-01-01&created_to=2026-01-31".to_owned()),
        ("sorted by SLA due", "sort=due".to_owned()),
        ("SLA breached, open", "sla=breached&status=1,2,3,4,5".to_owned()),
    ];
    println!("{backend}: list page (POST /api/tickets/search, 50 rows + capped count where cheap), 200 requests each:");
    let mut all = Vec::new();
    for (name, q) in &lists {
        let (p50, p99, first) = measure(&client, &base, "tickets/search", &format!("query={}", enc(q)), 200).await;
        // Page 2, through the cursor the first page handed out.
        let next = &first["next"];
        let page2 = if next.is_null() {
            String::from("-")
        } else {
            let q2 = format!("{q}&after={}:{}", next["id"], next["value"].as_str().unwrap_or_default());
            let (p50, p99, _) = measure(&client, &base, "tickets/search", &format!("query={}", enc(&q2)), 100).await;
            all.push(p99);
            format!("page 2 p50 {:.2} / p99 {:.2} ms", p50.as_secs_f64() * 1e3, p99.as_secs_f64() * 1e3)
        };
        all.push(p99);
        println!(
            "  {name:<32} total {:>6}  p50 {:>6.2} ms  p99 {:>6.2} ms   {page2}",
            first["total"].to_string(),
            p50.as_secs_f64() * 1e3,
            p99.as_secs_f64() * 1e3
        );
        if first["total"].is_null() {
            // The page left the count out (it would cost more than the page): the list asks
            // `tickets/count` on its own once the page shows.
            let (p50, p99, n) = measure(&client, &base, "tickets/count", &format!("query={}", enc(q)), 50).await;
            println!("  {:<32} total {:>6}  p50 {:>6.2} ms  p99 {:>6.2} ms   (the count, asked after the page)", "", n.to_string(), p50.as_secs_f64() * 1e3, p99.as_secs_f64() * 1e3);
        }
    }
    all.sort();
    println!("{backend}: worst list p99 {:.2} ms", all.last().unwrap().as_secs_f64() * 1e3);
    println!("{backend}: board (POST /api/tickets/board, 7 columns x 25 cards + counts), 100 requests each:");
    for (name, q) in [("everything", String::new()), ("one customer", format!("customer={c}")), ("open, urgent+high", "status=1,2,3,4,5&priority=urgent,high".to_owned()), ("full text 'printer'", "q=printer".to_owned())] {
        let (p50, p99, _) = measure(&client, &base, "tickets/board", &format!("query={}&per_column=25", enc(&q)), 100).await;
        println!("  {name:<32} p50 {:>6.2} ms  p99 {:>6.2} ms", p50.as_secs_f64() * 1e3, p99.as_secs_f64() * 1e3);
    }
    srv.abort();
    if std::env::var("ACCORD_BENCH_KEEP").is_ok() {
        println!("{backend}: kept the seeded database at {}", t.url);
    } else {
        t.cleanup().await;
    }
}

fn wasm_size() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/site/pkg");
    let wasm = dir.join("accord.wasm");
    match std::fs::read(&wasm) {
        Ok(bytes) => {
            let gz = std::process::Command::new("gzip").arg("-9c").arg(&wasm).output().map(|o| o.stdout.len()).unwrap_or(0);
            println!("release wasm {}: {} KB raw, {} KB gzip -9", wasm.display(), bytes.len() / 1024, gz / 1024);
        }
        Err(_) => println!("release wasm: not built (run the README's build first)"),
    }
}

#[tokio::main]
async fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let n: i64 = std::env::var("ACCORD_BENCH_TICKETS").ok().and_then(|v| v.parse().ok()).unwrap_or(1_000_000);
    wasm_size();
    // ACCORD_BENCH_KEEP=1 keeps the seeded databases; ACCORD_BENCH_SQLITE / ACCORD_BENCH_PG name
    // kept ones to measure again without seeding (or `skip` to leave a backend out).
    let reuse = |var: &str| std::env::var(var).ok();
    match reuse("ACCORD_BENCH_SQLITE").as_deref() {
        Some("skip") => {}
        Some(url) => run(TestDb::existing(url).await, n).await,
        None => run(TestDb::sqlite().await, n).await,
    }
    match reuse("ACCORD_BENCH_PG").as_deref() {
        Some("skip") => {}
        Some(url) => run(TestDb::existing(url).await, n).await,
        None => match TestDb::postgres().await {
            Some(t) => run(t, n).await,
            None => println!("postgres: skipped (unreachable)"),
        },
    }
}
