//! Demo data for newcomers: three customers in three timezones, five agents and about 300
//! tickets in every status with replies, notes and history, spread over the last 60 days.
//! Loading twice changes nothing: the demo admin's account marks data as loaded.

use chrono::{DateTime, TimeDelta, Utc};

use crate::domain::Role;
use crate::error::AppError;
use crate::server::Db;
use crate::server::db::now_micros;
use crate::server::services::auth::hash_password;
use crate::server::store::tickets::{self as tstore, FieldChange, NewTicketRow, TicketUpdate};
use crate::server::store::{agents, customers};

/// The demo sign-in, printed by the run command and in the README.
pub const DEMO_EMAIL: &str = "admin@accord.demo";
/// The demo password (every demo agent has it).
pub const DEMO_PASSWORD: &str = "accord-demo";

/// What loading did.
#[derive(Debug, PartialEq, Eq)]
pub enum DemoOutcome {
    Loaded { tickets: usize },
    AlreadyLoaded,
}

/// A small deterministic generator, so every demo instance looks the same.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

const CUSTOMERS: [(&str, &str, [(&str, &str, &str); 3]); 3] = [
    ("Nordhavn Logistics", "Europe/Stockholm", [
        ("Karin Ek", "karin.ek@nordhavn.example", "sv"),
        ("Johan Berg", "johan.berg@nordhavn.example", "sv"),
        ("Emma Holm", "emma.holm@nordhavn.example", "en"),
    ]),
    ("Volga Retail", "Europe/Moscow", [
        ("Olga Smirnova", "olga@volga-retail.example", "ru"),
        ("Dmitri Volkov", "dmitri@volga-retail.example", "ru"),
        ("Anna Kuznetsova", "anna@volga-retail.example", "en"),
    ]),
    ("Kastrup Health", "Europe/Copenhagen", [
        ("Lars Nielsen", "lars@kastrup-health.example", "da"),
        ("Sofie Madsen", "sofie@kastrup-health.example", "da"),
        ("Peter Holm", "peter@kastrup-health.example", "en"),
    ]),
];

const AGENTS: [(&str, &str, Role, &str, &str); 5] = [
    ("Alex Admin", DEMO_EMAIL, Role::Admin, "en", "Europe/Stockholm"),
    ("Maria Manager", "maria@accord.demo", Role::Manager, "sv", "Europe/Stockholm"),
    ("Sofia Lind", "sofia@accord.demo", Role::Agent, "sv", "Europe/Stockholm"),
    ("Ivan Petrov", "ivan@accord.demo", Role::Agent, "ru", "Europe/Moscow"),
    ("Mette Jensen", "mette@accord.demo", Role::Agent, "da", "Europe/Copenhagen"),
];

const SUBJECTS: [&str; 24] = [
    "Cannot log in to the customer portal",
    "Invoice export fails with a timeout",
    "Warehouse scanner app crashes on start",
    "Request: add a second admin account",
    "Nightly backup reported an error",
    "Slow search in the order list",
    "Upgrade to version 4.2 — planning",
    "Password reset email never arrives",
    "API returns 502 for large uploads",
    "New employee needs access",
    "Report totals differ from the ledger",
    "Printer queue stuck at the front desk",
    "SSL certificate expires next month",
    "Mobile app shows the wrong timezone",
    "Data import from the old system",
    "VPN drops every 30 minutes",
    "Feature request: dark mode",
    "Email notifications arrive twice",
    "Dashboard widgets do not load",
    "License renewal question",
    "Integration with the payroll system",
    "Disk space warning on the file server",
    "User cannot attach PDF files",
    "Price list update for Q3",
];

const DETAILS: [&str; 6] = [
    "Since this morning several users report the problem.\n\n**Steps to reproduce**\n1. Sign in\n2. Open the page\n3. Wait\n\nExpected: it works. Actual: an error.",
    "Could you please look into this before Friday? It blocks the team.",
    "We noticed this after the last update. Screenshot attached to the email thread.",
    "Low urgency, but it has been bothering people for a while.\n\n- affects *all* sites\n- started last week",
    "Please call me if you need more details: the on-site contact is available until 16:00.",
    "This is a planned change. See the checklist:\n\n- [x] backup\n- [ ] maintenance window\n- [ ] customer sign-off",
];

const REPLIES: [&str; 6] = [
    "Thanks for the report — we are looking into it and will update you shortly.",
    "Could you tell us which version you are running and send the exact error message?",
    "We have deployed a fix. Please confirm that it works on your side.",
    "The issue is caused by a third-party service; we have opened a case with them.",
    "I have scheduled the change for the next maintenance window.",
    "Confirmed on our side, it works now. Thank you!",
];

const NOTES: [&str; 4] = [
    "Checked the logs: the timeout happens in the export job, not the web server.",
    "Customer is on the old plan; check the agreement before promising anything.",
    "Escalated to the second line. @Maria please review.",
    "Reproduced locally with the customer's data set.",
];

/// Loads the demo data unless it is there already.
///
/// # Errors
/// Database errors.
pub async fn load(db: &Db, now: DateTime<Utc>) -> Result<DemoOutcome, AppError> {
    if agents::by_email(db, DEMO_EMAIL).await?.is_some() {
        return Ok(DemoOutcome::AlreadyLoaded);
    }
    let now = now_micros(now);
    let start = now - TimeDelta::days(60);
    let hash = hash_password(DEMO_PASSWORD)?;
    let mut agent_ids = Vec::new();
    for (name, email, role, lang, tz) in AGENTS {
        let id = match agents::by_email(db, email).await? {
            Some(a) => a.id,
            None => {
                agents::insert(
                    db,
                    &agents::NewAgentRow {
                        email,
                        name,
                        role: role.as_str(),
                        password_hash: Some(&hash),
                        language: lang,
                        timezone: tz,
                        invite_token_hash: None,
                        invite_expires_at: None,
                    },
                    start,
                )
                .await?
            }
        };
        agent_ids.push((id, name));
    }
    let mut customer_ids = Vec::new();
    let existing = customers::list(db, 10_000).await?;
    for (name, tz, contacts) in CUSTOMERS {
        let id = match existing.iter().find(|c| c.name == name) {
            Some(c) => c.id,
            None => customers::insert(db, name, tz, start).await?,
        };
        let have = customers::contacts(db, id).await?;
        let mut contact_ids = Vec::new();
        for (cname, email, lang) in contacts {
            let cid = match have.iter().find(|k| k.email == email) {
                Some(k) => k.id,
                None => customers::insert_contact(db, id, cname, email, lang, start).await?,
            };
            contact_ids.push(cid);
        }
        customer_ids.push((id, contact_ids));
    }
    let statuses = tstore::statuses(db).await?;
    let mut rng = Lcg(20_261_123);
    let total = 300;
    for i in 0..total {
        // Spread creation over 60 days, oldest first, at working-ish hours.
        let created = start + TimeDelta::minutes((i as i64) * 60 * 24 * 59 / total as i64 + rng.below(600) as i64);
        let (customer_id, contacts) = rng.pick(&customer_ids).clone();
        let requester = *rng.pick(&contacts);
        let creator = *rng.pick(&agent_ids);
        let priority = *rng.pick(&["urgent", "high", "high", "normal", "normal", "normal", "low", "low"][..]);
        let title = rng.pick(&SUBJECTS[..]).to_string();
        let description = rng.pick(&DETAILS[..]).to_string();
        let (tid, _) = tstore::insert(
            db,
            &NewTicketRow {
                title: &title,
                description: &description,
                status_id: statuses[0].id,
                priority,
                customer_id,
                requester_id: Some(requester),
                assignee_id: None,
                created_by: Some(creator.0),
            },
            created,
        )
        .await?;
        // Older tickets have come further through the workflow; the newest are mostly new.
        let age_share = (total - i) as f64 / total as f64;
        let target = ((age_share * statuses.len() as f64) as usize + rng.below(3)).min(statuses.len() - 1);
        let target = if i % 37 == 0 { 0 } else { target };
        let mut at = created;
        let mut version = 1;
        let mut assignee: Option<(i64, &str)> = None;
        if target > 0 || rng.below(2) == 0 {
            let a = *rng.pick(&agent_ids[1..]);
            at += TimeDelta::minutes(5 + rng.below(120) as i64);
            let changes = [FieldChange { field: "assignee", old: None, new: Some(a.1.to_owned()) }];
            let u = TicketUpdate { assignee_id: Some(Some(a.0)), ..Default::default() };
            if let tstore::UpdateOutcome::Saved { version: v } = tstore::update(db, tid, version, &u, &changes, creator.0, at.min(now)).await? {
                version = v;
            }
            assignee = Some(a);
        }
        let actor = assignee.unwrap_or(creator);
        let mut current = statuses[0].id;
        for s in statuses.iter().take(target + 1).skip(1) {
            // Not every ticket visits every status: skip some of the waiting ones.
            if s.id != statuses[target].id && rng.below(3) == 0 {
                continue;
            }
            at += TimeDelta::minutes(30 + rng.below(60 * 24) as i64);
            if at >= now {
                break;
            }
            if rng.below(2) == 0 {
                tstore::insert_comment(db, tid, actor.0, *rng.pick(&REPLIES[..]), false, at).await?;
                at += TimeDelta::minutes(1);
            }
            if rng.below(4) == 0 {
                tstore::insert_comment(db, tid, actor.0, *rng.pick(&NOTES[..]), true, at).await?;
                at += TimeDelta::minutes(1);
            }
            let changes = [FieldChange { field: "status", old: Some(current.to_string()), new: Some(s.id.to_string()) }];
            let u = TicketUpdate { status_id: Some(s.id), ..Default::default() };
            if let tstore::UpdateOutcome::Saved { version: v } = tstore::update(db, tid, version, &u, &changes, actor.0, at).await? {
                version = v;
                current = s.id;
            }
        }
        if rng.below(5) == 0 && at < now {
            at += TimeDelta::minutes(10);
            let changes = [FieldChange { field: "priority", old: Some(priority.to_owned()), new: Some("urgent".to_owned()) }];
            let u = TicketUpdate { priority: Some("urgent".to_owned()), ..Default::default() };
            tstore::update(db, tid, version, &u, &changes, actor.0, at.min(now)).await?;
        }
    }
    Ok(DemoOutcome::Loaded { tickets: total })
}
