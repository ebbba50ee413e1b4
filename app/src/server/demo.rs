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
    sla_setup(db, &customer_ids, start).await?;
    let services = catalog_setup(db, start).await?;
    agreements_setup(db, &customer_ids, &services, &agent_ids, now).await?;
    let covers = crate::server::services::agreements::covers(db, None).await?;
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
        // Most tickets name the service they are about.
        let mut service_id = if rng.below(4) == 0 { None } else { Some(*rng.pick(&services)) };
        // Under the customer's agreement, as the desk would have it: a service it does not
        // cover becomes one it does.
        let cover = covers.get(&customer_id).cloned().unwrap_or_default();
        if cover.refuses(service_id) {
            service_id = cover.active.first().and_then(|g| g.services.first().copied());
        }
        let agreement_id = cover.covering(service_id).first().map(|g| g.id);
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
                service_id,
                agreement_id,
                notes: &[],
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
        // Most tickets get a first answer within the hour or two the SLA asks for.
        if rng.below(5) != 0 {
            at += TimeDelta::minutes(5 + rng.below(100) as i64);
            if at < now {
                tstore::insert_comment(db, tid, actor.0, *rng.pick(&REPLIES[..]), false, at).await?;
            }
        }
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
            // The customer answers a question (which sends the ticket back to Open).
            if s.category == "waiting_on_customer" && s.id != statuses[target].id {
                at += TimeDelta::minutes(20 + rng.below(60 * 8) as i64);
                if at >= now {
                    break;
                }
                tstore::insert_customer_comment(db, tid, requester, *rng.pick(&CUSTOMER_REPLIES[..]), at).await?;
                let row = tstore::get(db, tid).await?;
                (version, current) = (row.version, row.status_id);
            }
        }
        if rng.below(5) == 0 && at < now {
            at += TimeDelta::minutes(10);
            let changes = [FieldChange { field: "priority", old: Some(priority.to_owned()), new: Some("urgent".to_owned()) }];
            let u = TicketUpdate { priority: Some("urgent".to_owned()), ..Default::default() };
            tstore::update(db, tid, version, &u, &changes, actor.0, at.min(now)).await?;
        }
    }
    // Compute every demo ticket's SLA clocks as of now.
    while crate::server::services::sla::reapply_batch(db, now, 500).await? > 0 {}
    Ok(DemoOutcome::Loaded { tickets: total })
}

/// The service catalog: what the demo company sells support for (one retired offer kept for
/// the record).
const SERVICES: [(&str, &str, &str, bool); 5] = [
    ("Hosting", "Operations", "Managed servers, databases and the network between them, watched around the clock.", true),
    ("Backup & restore", "Operations", "Nightly backups, restore tests every quarter and restores on request.", true),
    ("Retail POS support", "Product support", "The point-of-sale software: installation, updates, questions and faults.", true),
    ("Consulting hours", "Professional services", "Planned work by the hour: changes, integrations, training.", true),
    ("Legacy mail relay", "Operations", "The old SMTP relay, replaced by hosted mail; kept for its history.", false),
];

async fn catalog_setup(db: &Db, at: DateTime<Utc>) -> Result<Vec<i64>, AppError> {
    use crate::server::store::services::{self, ServiceWrite};
    let existing = services::list(db, false, 100).await?;
    if !existing.is_empty() {
        return Ok(existing.into_iter().filter(|s| s.active).map(|s| s.id).collect());
    }
    // Hosting is watched around the clock: its tickets fall under the 24×7 policy, whoever asks.
    let around_the_clock = crate::server::store::sla::policies(db).await?.into_iter().find(|p| p.name == "Premium 24×7").map(|p| p.id);
    let mut ids = Vec::new();
    for (name, category, description, active) in SERVICES {
        let sla_policy_id = if name == "Hosting" { around_the_clock } else { None };
        let id = services::insert(db, ServiceWrite { name, description, category, sla_policy_id }, at).await?;
        if active {
            ids.push(id);
        } else {
            services::set_active(db, id, false, at).await?;
        }
    }
    Ok(ids)
}

/// One agreement per customer, with the year's dates around `now`: Nordhavn's ends within a
/// month (its first expiry notice goes out on the first run) and has last year's, expired,
/// before it and next year's, planned, after it; Volga's is open-ended; Kastrup's runs to
/// mid-year.
async fn agreements_setup(db: &Db, customers: &[(i64, Vec<i64>)], services: &[i64], agents: &[(i64, &str)], now: DateTime<Utc>) -> Result<(), AppError> {
    use crate::domain::status_on;
    use crate::server::store::agreements::{self as store, AgreementWrite};
    use chrono::Datelike;
    let ([nordhavn, volga, kastrup], [hosting, backups, pos, consulting]) = (customers, services) else { return Ok(()) };
    if !store::of_customer(db, nordhavn.0).await?.is_empty() {
        return Ok(());
    }
    let premium = crate::server::store::sla::policies(db).await?.into_iter().find(|p| p.name.starts_with("Premium")).map(|p| p.id);
    let manager = agents.iter().find(|(_, n)| n.contains("Maria")).or(agents.first()).map(|(id, _)| *id);
    let today = now.date_naive();
    let date = |y: i32, m: u32, d: u32| chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap_or(today);
    let year = today.year();
    // Ends 25 days from now, whatever the day the demo is loaded.
    let soon = today + TimeDelta::days(25);
    let eur = |rate: i64| Some(("EUR".to_owned(), rate));
    let plans: [(&(i64, Vec<i64>), &str, chrono::NaiveDate, Option<chrono::NaiveDate>, Vec<(i64, Option<(String, i64)>)>); 5] = [
        (nordhavn, "Managed operations", soon - TimeDelta::days(364), Some(soon), vec![(*hosting, eur(11_000)), (*backups, eur(9_500)), (*consulting, eur(14_500))]),
        (nordhavn, "Managed operations (previous term)", soon - TimeDelta::days(729), Some(soon - TimeDelta::days(365)), vec![(*hosting, eur(10_500)), (*backups, eur(9_000))]),
        (nordhavn, "Managed operations (next term)", soon + TimeDelta::days(1), Some(soon + TimeDelta::days(365)), vec![(*hosting, eur(11_500)), (*backups, eur(9_900)), (*consulting, eur(15_000))]),
        (volga, "POS support", date(year - 1, 3, 1), None, vec![(*pos, Some(("SEK".to_owned(), 95_000))), (*consulting, Some(("SEK".to_owned(), 140_000)))]),
        (kastrup, "Clinical systems hosting", date(year, 7, 1).min(today), Some(date(year + 1, 6, 30)), vec![(*hosting, Some(("DKK".to_owned(), 85_000))), (*backups, None)]),
    ];
    for (customer, title, starts_on, ends_on, terms) in plans {
        let status = status_on(starts_on, ends_on, false, today);
        // Nordhavn's current term buys round-the-clock hosting: its own policy for that service.
        let premium_for = |s: i64| (title == "Managed operations" && s == *hosting).then_some(premium).flatten();
        let services: Vec<_> = terms.into_iter().map(|(s, rate)| (s, premium_for(s), None, rate.as_ref().map(|r| r.1), rate.map(|r| r.0))).collect();
        let w = AgreementWrite {
            customer_id: customer.0,
            title,
            starts_on,
            ends_on,
            status: status.as_str(),
            account_manager_id: manager,
            sla_policy_id: None,
            notes: "",
            notice_days: "30,7",
            copied_from: None,
            services: &services,
            contacts: &customer.1[..customer.1.len().min(1)],
        };
        store::insert(db, &w, manager, now).await?;
    }
    Ok(())
}

const CUSTOMER_REPLIES: [&str; 4] = [
    "Thanks, that is the version we run. Screenshots attached to the email.",
    "We tried that and it still happens every morning.",
    "Yes, you may restart the service tonight.",
    "It happens for all users at the Gothenburg site.",
];

/// Three calendars (Stockholm office hours with Swedish holidays, Moscow office hours with a
/// lunch break and Russian holidays, 24×7) and three policies: Standard (the corporate
/// default), Premium 24×7 for Kastrup Health and Volga business hours for Volga Retail.
async fn sla_setup(db: &Db, customers: &[(i64, Vec<i64>)], at: DateTime<Utc>) -> Result<(), AppError> {
    use crate::domain::{CalendarForm, CalendarInput, PolicyBody};
    use crate::server::store::sla::{self, PolicyWrite};
    use crate::sla::clock::Goals;
    if !sla::calendars(db).await?.is_empty() {
        return Ok(());
    }
    let weekdays = |hours: &str| CalendarForm { mon: hours.into(), tue: hours.into(), wed: hours.into(), thu: hours.into(), fri: hours.into(), ..Default::default() };
    let stockholm = CalendarForm {
        name: "Stockholm office".into(),
        timezone: "Europe/Stockholm".into(),
        holidays: "01-01 Nyårsdagen\n01-06 Trettondedag jul\n05-01 Första maj\n06-06 Nationaldagen\n12-24 Julafton\n12-25 Juldagen\n12-26 Annandag jul\n12-31 Nyårsafton\n2026-04-03 Långfredagen\n2026-04-06 Annandag påsk\n2026-05-14 Kristi himmelsfärd\n2026-06-19 Midsommarafton\n2027-03-26 Långfredagen\n2027-03-29 Annandag påsk\n2027-05-06 Kristi himmelsfärd\n2027-06-25 Midsommarafton".into(),
        ..weekdays("08:00-17:00")
    };
    let moscow = CalendarForm {
        name: "Moscow office".into(),
        timezone: "Europe/Moscow".into(),
        holidays: "01-01 Новый год\n01-02 Новогодние каникулы\n01-07 Рождество\n02-23 День защитника Отечества\n03-08 Международный женский день\n05-01 Праздник Весны и Труда\n05-09 День Победы\n06-12 День России\n11-04 День народного единства".into(),
        ..weekdays("09:00-13:00, 14:00-18:00")
    };
    let always = CalendarForm { name: "24×7 operations".into(), timezone: "UTC".into(), always: Some("on".into()), ..Default::default() };
    let mut ids = Vec::new();
    for form in [stockholm, moscow, always] {
        let input = CalendarInput::try_from(form).map_err(AppError::Invalid)?;
        let body = serde_json::to_string(&input.doc).map_err(|_| AppError::Internal)?;
        ids.push(sla::insert_calendar(db, &input.name, &body, None, at).await?);
    }
    let goals = |g: [(i64, i64, i64); 4]| {
        crate::domain::Priority::ALL.iter().zip(g).map(|(p, (f, n, r))| (*p, Goals { first_response: f, next_response: Some(n), resolution: r })).collect()
    };
    let body = |g| PolicyBody { targets: goals(g), pause: vec![crate::domain::StatusCategory::WaitingOnCustomer], warning_percent: 80 };
    let policies = [
        ("Standard", ids[0], body([(60, 120, 480), (120, 240, 960), (240, 480, 1440), (480, 960, 2880)]), true),
        ("Volga business hours", ids[1], body([(60, 120, 540), (120, 240, 1080), (240, 480, 2160), (480, 960, 4320)]), false),
        ("Premium 24×7", ids[2], body([(15, 30, 240), (30, 60, 480), (60, 120, 1440), (240, 480, 2880)]), false),
    ];
    let mut pids = Vec::new();
    for (name, calendar_id, b, is_default) in policies {
        let text = serde_json::to_string(&b).map_err(|_| AppError::Internal)?;
        pids.push(sla::insert_policy(db, PolicyWrite { name, calendar_id, body: &text, is_default }, None, at).await?);
    }
    if let [_, volga, kastrup] = customers {
        sla::set_customer_policy(db, volga.0, Some(pids[1]), at).await?;
        sla::set_customer_policy(db, kastrup.0, Some(pids[2]), at).await?;
    }
    Ok(())
}
