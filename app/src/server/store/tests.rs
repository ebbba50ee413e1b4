//! Storage tests: every body runs on SQLite and on PostgreSQL (see `testing`).

use chrono::{DateTime, TimeDelta, TimeZone, Utc};

use super::tickets::{FieldChange, NewTicketRow, TicketUpdate, UpdateOutcome};
use super::{agents, customers, sessions, settings, tickets};
use crate::server::db::Db;
use crate::server::testing::each_backend;

fn t0() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 9, 30, 15).unwrap() + TimeDelta::microseconds(123_456)
}

async fn agent(db: &Db, email: &str) -> i64 {
    agents::insert(
        db,
        &agents::NewAgentRow {
            email,
            name: email,
            role: "agent",
            password_hash: Some("x"),
            language: "sv",
            timezone: "Europe/Stockholm",
            invite_token_hash: None,
            invite_expires_at: None,
        },
        t0(),
    )
    .await
    .unwrap()
}

/// A new ticket titled `title` with `description`, in the first status, unassigned, made at `at`.
async fn titled(db: &Db, customer_id: i64, by: i64, title: &str, description: &str, at: DateTime<Utc>) -> i64 {
    let status_id = tickets::statuses(db).await.unwrap()[0].id;
    let row = NewTicketRow { title, description, status_id, priority: "normal", customer_id, requester_id: None, assignee_id: None, created_by: Some(by), service_id: None, agreement_id: None, notes: &[] };
    tickets::insert(db, &row, at).await.unwrap().0
}

async fn ticket(db: &Db, customer_id: i64, by: i64) -> (i64, i64) {
    let status = tickets::statuses(db).await.unwrap()[0].id;
    tickets::insert(
        db,
        &NewTicketRow {
            title: "Printer on fire",
            description: "It *burns*",
            status_id: status,
            priority: "high",
            customer_id,
            requester_id: None,
            assignee_id: None,
            created_by: Some(by),
            service_id: None,
            agreement_id: None,
            notes: &[],
        },
        t0(),
    )
    .await
    .unwrap()
}

#[tokio::test]
async fn agents_round_trip_and_emails_are_unique() {
    each_backend(|db| async move {
        let id = agent(&db, "anna@example.com").await;
        let a = agents::get(&db, id).await.unwrap();
        assert_eq!(a.email, "anna@example.com");
        assert_eq!(a.timezone, "Europe/Stockholm");
        assert!(a.active);
        assert_eq!(a.created_at, t0(), "instants survive the round trip to the microsecond");
        let dup = agents::insert(
            &db,
            &agents::NewAgentRow {
                email: "anna@example.com",
                name: "Other",
                role: "agent",
                password_hash: None,
                language: "en",
                timezone: "UTC",
                invite_token_hash: None,
                invite_expires_at: None,
            },
            t0(),
        )
        .await;
        assert!(matches!(dup, Err(sqlx::Error::Database(e)) if e.is_unique_violation()));
        assert!(matches!(agents::get(&db, 999_999).await, Err(sqlx::Error::RowNotFound)));
    })
    .await;
}

#[tokio::test]
async fn sessions_expire_and_die_with_deactivation() {
    each_backend(|db| async move {
        let id = agent(&db, "s@example.com").await;
        sessions::insert(&db, "h1", id, t0(), t0() + TimeDelta::days(1)).await.unwrap();
        assert_eq!(sessions::agent_for(&db, "h1", t0()).await.unwrap().map(|a| a.id), Some(id));
        assert!(sessions::agent_for(&db, "h1", t0() + TimeDelta::days(2)).await.unwrap().is_none(), "expired");
        assert!(sessions::agent_for(&db, "nope", t0()).await.unwrap().is_none());
        agents::set_active(&db, id, false).await.unwrap();
        assert!(sessions::agent_for(&db, "h1", t0()).await.unwrap().is_none(), "deactivation ends sessions");
    })
    .await;
}

#[tokio::test]
async fn failed_sign_ins_count_until_a_success() {
    each_backend(|db| async move {
        let since = t0() - TimeDelta::minutes(15);
        for i in 0..3 {
            sessions::record_attempt(&db, "x@example.com", false, t0() + TimeDelta::seconds(i)).await.unwrap();
        }
        assert_eq!(sessions::recent_failures(&db, "x@example.com", since).await.unwrap(), 3);
        sessions::record_attempt(&db, "x@example.com", true, t0() + TimeDelta::seconds(10)).await.unwrap();
        assert_eq!(sessions::recent_failures(&db, "x@example.com", since).await.unwrap(), 0);
        sessions::record_attempt(&db, "x@example.com", false, t0() + TimeDelta::seconds(20)).await.unwrap();
        assert_eq!(sessions::recent_failures(&db, "x@example.com", since).await.unwrap(), 1);
        assert_eq!(sessions::recent_failures(&db, "other@example.com", since).await.unwrap(), 0);
    })
    .await;
}

#[tokio::test]
async fn customers_and_contacts_round_trip() {
    each_backend(|db| async move {
        let c = customers::insert(&db, "Nordhavn", "Europe/Stockholm", t0()).await.unwrap();
        customers::insert_contact(&db, c, "Karin", "karin@n.example", "sv", t0()).await.unwrap();
        let dup = customers::insert_contact(&db, c, "Karin 2", "karin@n.example", "sv", t0()).await;
        assert!(matches!(dup, Err(sqlx::Error::Database(e)) if e.is_unique_violation()));
        customers::update(&db, c, "Nordhavn AB", "Europe/Oslo", t0()).await.unwrap();
        let row = customers::get(&db, c).await.unwrap();
        assert_eq!((row.name.as_str(), row.timezone.as_str(), row.contacts), ("Nordhavn AB", "Europe/Oslo", 1));
        assert!(matches!(customers::update(&db, 9999, "x", "UTC", t0()).await, Err(sqlx::Error::RowNotFound)));
        assert_eq!(customers::list(&db, 10).await.unwrap().len(), 1);
    })
    .await;
}

#[tokio::test]
async fn tickets_get_consecutive_numbers_and_a_created_event() {
    each_backend(|db| async move {
        let a = agent(&db, "a@example.com").await;
        let c = customers::insert(&db, "C", "UTC", t0()).await.unwrap();
        let (id1, n1) = ticket(&db, c, a).await;
        let (_, n2) = ticket(&db, c, a).await;
        assert_eq!(n1, 1001);
        assert_eq!(n2, 1002);
        let t = tickets::by_number(&db, 1001).await.unwrap();
        assert_eq!(t.id, id1);
        assert_eq!(t.status_key.as_deref(), Some("new"));
        assert_eq!(t.customer_name, "C");
        assert_eq!(t.version, 1);
        let events = tickets::events(&db, id1).await.unwrap();
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].kind, "created");
    })
    .await;
}

#[tokio::test]
async fn the_default_statuses_cover_every_category_in_order() {
    each_backend(|db| async move {
        let s = tickets::statuses(&db).await.unwrap();
        let keys: Vec<_> = s.iter().map(|s| s.system_key.clone().unwrap_or_default()).collect();
        assert_eq!(keys, ["new", "open", "in_progress", "waiting_customer", "waiting_third", "resolved", "closed"]);
        let cats: Vec<_> = s.iter().map(|s| s.category.as_str()).collect();
        assert_eq!(cats, ["new", "active", "active", "waiting_on_customer", "waiting_on_third_party", "resolved", "closed"]);
    })
    .await;
}

#[tokio::test]
async fn updates_need_the_current_version_and_log_each_change() {
    each_backend(|db| async move {
        let a = agent(&db, "a@example.com").await;
        let c = customers::insert(&db, "C", "UTC", t0()).await.unwrap();
        let (id, _) = ticket(&db, c, a).await;
        let u = TicketUpdate { title: Some("New title".into()), priority: Some("low".into()), ..Default::default() };
        let changes = [
            FieldChange { field: "title", old: Some("Printer on fire".into()), new: Some("New title".into()) },
            FieldChange { field: "priority", old: Some("high".into()), new: Some("low".into()) },
        ];
        let later = t0() + TimeDelta::minutes(5);
        assert_eq!(tickets::update(&db, id, 1, &u, &changes, a, later).await.unwrap(), UpdateOutcome::Saved { version: 2 });
        let stale = tickets::update(&db, id, 1, &u, &changes, a, later).await.unwrap();
        assert_eq!(stale, UpdateOutcome::Stale { current_version: 2, last_actor: Some("a@example.com".into()) });
        let t = tickets::get(&db, id).await.unwrap();
        assert_eq!((t.title.as_str(), t.priority.as_str(), t.version), ("New title", "low", 2));
        assert_eq!(t.updated_at, later);
        let events = tickets::events(&db, id).await.unwrap();
        let logged: Vec<_> = events.iter().map(|e| (e.kind.as_str(), e.field.as_deref(), e.new_value.as_deref())).collect();
        assert_eq!(logged, [("created", None, None), ("changed", Some("title"), Some("New title")), ("changed", Some("priority"), Some("low"))]);
        let unassign = TicketUpdate { assignee_id: Some(None), ..Default::default() };
        assert!(matches!(tickets::update(&db, id, 2, &unassign, &[], a, later).await.unwrap(), UpdateOutcome::Saved { version: 3 }));
    })
    .await;
}

#[tokio::test]
async fn comments_and_attachments_are_stored_with_events() {
    each_backend(|db| async move {
        let a = agent(&db, "a@example.com").await;
        let c = customers::insert(&db, "C", "UTC", t0()).await.unwrap();
        let (id, _) = ticket(&db, c, a).await;
        tickets::insert_comment(&db, id, a, "public", false, t0()).await.unwrap();
        tickets::insert_comment(&db, id, a, "private", true, t0()).await.unwrap();
        let cs = tickets::comments(&db, id).await.unwrap();
        assert_eq!(cs.iter().map(|c| (c.body.as_str(), c.internal)).collect::<Vec<_>>(), [("public", false), ("private", true)]);
        let bytes = vec![0u8, 1, 2, 255];
        let att = tickets::insert_attachment(&db, id, None, "log.bin", "application/octet-stream", &bytes, a, t0()).await.unwrap();
        let (meta, data) = tickets::attachment(&db, att).await.unwrap();
        assert_eq!((meta.filename.as_str(), meta.size, data), ("log.bin", 4, bytes));
        let kinds: Vec<_> = tickets::events(&db, id).await.unwrap().into_iter().map(|e| e.kind).collect();
        assert_eq!(kinds, ["created", "replied", "noted", "attached"]);
    })
    .await;
}

#[tokio::test]
async fn settings_keep_the_first_value_written() {
    each_backend(|db| async move {
        assert_eq!(settings::get_or_insert(&db, "k", "first").await.unwrap(), "first");
        assert_eq!(settings::get_or_insert(&db, "k", "second").await.unwrap(), "first");
        assert_eq!(settings::get(&db, "missing").await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn demo_data_loads_once() {
    each_backend(|db| async move {
        let now = Utc::now();
        let first = crate::server::demo::load(&db, now).await.unwrap();
        assert_eq!(first, crate::server::demo::DemoOutcome::Loaded { tickets: 300 });
        assert_eq!(crate::server::demo::load(&db, now).await.unwrap(), crate::server::demo::DemoOutcome::AlreadyLoaded);
        assert_eq!(tickets::count(&db).await.unwrap(), 300);
        assert_eq!(agents::count(&db).await.unwrap(), 5);
        assert_eq!(customers::list(&db, 10).await.unwrap().len(), 3);
        // Every status is used, and the oldest ticket is about 60 days old.
        let statuses = tickets::statuses(&db).await.unwrap();
        let all = super::search::page(&db, &super::search::Search { limit: 1000, ..Default::default() }).await.unwrap();
        for s in &statuses {
            assert!(all.iter().any(|t| t.status_id == s.id), "no demo ticket in {}", s.name);
        }
        let oldest = all.iter().map(|t| t.created_at).min().unwrap();
        assert!(now - oldest > TimeDelta::days(58) && now - oldest <= TimeDelta::days(61));
        assert!(all.iter().all(|t| t.updated_at <= now));
    })
    .await;
}

#[tokio::test]
async fn searches_filter_sort_page_and_find_words_on_both_backends() {
    use super::search::{Search, count_capped, cursor_value, page};
    use crate::domain::SortKey;
    each_backend(|db| async move {
        let a = agent(&db, "a@example.com").await;
        let c1 = customers::insert(&db, "Alpha", "UTC", t0()).await.unwrap();
        let c2 = customers::insert(&db, "Beta", "UTC", t0()).await.unwrap();
        let statuses = tickets::statuses(&db).await.unwrap();
        let titles = ["VPN drops every hour", "Printer on fire", "Принтер сломан", "Disk full on server", "VPN certificate expired"];
        for (i, title) in titles.iter().enumerate() {
            let prio = ["urgent", "low", "high", "normal", "high"][i];
            let at = t0() + TimeDelta::days(i as i64);
            tickets::insert(
                &db,
                &NewTicketRow {
                    title,
                    description: if i == 3 { "the **backup** volume" } else { "details" },
                    status_id: statuses[i % 2].id,
                    priority: prio,
                    customer_id: if i < 3 { c1 } else { c2 },
                    requester_id: None,
                    assignee_id: (i % 2 == 0).then_some(a),
                    created_by: Some(a),
                    service_id: None,
                    agreement_id: None,
                    notes: &[],
                },
                at,
            )
            .await
            .unwrap();
        }
        let titles_of = |rows: Vec<tickets::TicketRow>| rows.into_iter().map(|r| r.title).collect::<Vec<_>>();
        let base = Search { sort: SortKey::Updated, desc: true, limit: 10, ..Default::default() };
        // Full text: whole words, every word, any script, description too; `*` for a prefix.
        let vpn = page(&db, &Search { text: "vpn".into(), ..base.clone() }).await.unwrap();
        assert_eq!(titles_of(vpn), ["VPN certificate expired", "VPN drops every hour"]);
        assert!(page(&db, &Search { text: "VPN dro".into(), ..base.clone() }).await.unwrap().is_empty());
        let both = page(&db, &Search { text: "VPN dro*".into(), ..base.clone() }).await.unwrap();
        assert_eq!(titles_of(both), ["VPN drops every hour"]);
        assert_eq!(count_capped(&db, &Search { text: "vp* dro*".into(), ..base.clone() }, 1000).await.unwrap(), 1);
        assert_eq!(titles_of(page(&db, &Search { text: "принтер".into(), ..base.clone() }).await.unwrap()), ["Принтер сломан"]);
        assert_eq!(titles_of(page(&db, &Search { text: "backup".into(), ..base.clone() }).await.unwrap()), ["Disk full on server"]);
        assert!(page(&db, &Search { text: "\" OR ".into(), ..base.clone() }).await.unwrap().is_empty());
        // Filters combine.
        let f = Search { priorities: vec!["high".into()], customer_id: Some(c1), ..base.clone() };
        assert_eq!(titles_of(page(&db, &f).await.unwrap()), ["Принтер сломан"]);
        let mine = Search { assignee: Some(Some(a)), statuses: vec![statuses[0].id], ..base.clone() };
        assert_eq!(page(&db, &mine).await.unwrap().len(), 3);
        let nobody = Search { assignee: Some(None), ..base.clone() };
        assert_eq!(page(&db, &nobody).await.unwrap().len(), 2);
        let window = Search { created_from: Some(t0() + TimeDelta::days(1)), created_before: Some(t0() + TimeDelta::days(3)), ..base.clone() };
        assert_eq!(titles_of(page(&db, &window).await.unwrap()), ["Принтер сломан", "Printer on fire"]);
        // Sorting by priority puts urgent first; keyset paging walks every row exactly once.
        for (key, many) in SortKey::ALL.into_iter().flat_map(|k| [(k, false), (k, true)]) {
            for desc in [false, true] {
                let mut seen = Vec::new();
                // `many` plans differently on SQLite (filters kept off their indexes): same rows.
                let mut s = Search { sort: key, desc, limit: 2, many, statuses: statuses.iter().map(|x| x.id).collect(), ..Default::default() };
                loop {
                    let rows = page(&db, &s).await.unwrap();
                    if rows.is_empty() {
                        break;
                    }
                    let last = rows.last().unwrap();
                    s.after = Some((cursor_value(key, last), last.id));
                    seen.extend(rows.into_iter().map(|r| r.id));
                }
                let mut sorted = seen.clone();
                sorted.sort();
                sorted.dedup();
                assert_eq!(sorted.len(), 5, "{key:?} desc={desc} walked {seen:?}");
            }
        }
        let by_prio = page(&db, &Search { sort: SortKey::Priority, desc: false, ..base.clone() }).await.unwrap();
        assert_eq!(by_prio.iter().map(|r| r.priority.as_str()).collect::<Vec<_>>(), ["urgent", "high", "high", "normal", "low"]);
        let by_customer = page(&db, &Search { sort: SortKey::Customer, desc: true, ..base.clone() }).await.unwrap();
        assert_eq!(by_customer[0].customer_name, "Beta");
        // The name copies the sorts use follow renames and reassignments.
        customers::update(&db, c1, "Zeta", "UTC", t0()).await.unwrap();
        let by_customer = page(&db, &Search { sort: SortKey::Customer, desc: true, ..base.clone() }).await.unwrap();
        assert_eq!(by_customer[0].customer_name, "Zeta");
        let b = agent(&db, "0-first@example.com").await;
        let last = by_customer.last().unwrap();
        let change = [FieldChange { field: "assignee", old: None, new: None }];
        tickets::update(&db, last.id, last.version, &TicketUpdate { assignee_id: Some(Some(b)), ..Default::default() }, &change, a, t0()).await.unwrap();
        let by_assignee = page(&db, &Search { sort: SortKey::Assignee, desc: false, assignee: Some(Some(b)), ..base.clone() }).await.unwrap();
        assert_eq!(by_assignee.len(), 1);
        let unassigned_first = page(&db, &Search { sort: SortKey::Assignee, desc: false, ..base.clone() }).await.unwrap();
        let order: Vec<Option<i64>> = unassigned_first.iter().map(|r| r.assignee_id).collect();
        let mut expected = order.clone();
        expected.sort_by_key(|x| match x {
            None => 0,
            Some(id) if *id == b => 1,
            Some(_) => 2,
        });
        assert_eq!(order, expected, "'' < '0-first@…' < 'a@…'");
        // Counts stop at the cap.
        assert_eq!(count_capped(&db, &base, 1000).await.unwrap(), 5);
        assert_eq!(count_capped(&db, &base, 3).await.unwrap(), 3);
        assert_eq!(count_capped(&db, &Search { text: "vpn".into(), ..base.clone() }, 1000).await.unwrap(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_common_word_is_planned_by_its_frequency_and_every_plan_finds_the_same_tickets() {
    use super::search::{Search, count, cursor_value, page, plan};
    use crate::domain::SortKey;
    each_backend(|db| async move {
        let a = agent(&db, "a@example.com").await;
        let c1 = customers::insert(&db, "Alpha", "UTC", t0()).await.unwrap();
        let c2 = customers::insert(&db, "Beta", "UTC", t0()).await.unwrap();
        let statuses = tickets::statuses(&db).await.unwrap();
        // 40 tickets: every one says "printer", every 3rd "jammed", one "toner".
        let mut ids = Vec::new();
        for i in 0..40i64 {
            let title = format!("Printer {}{}", if i % 3 == 0 { "jammed " } else { "" }, if i == 17 { "toner" } else { "" });
            let row = NewTicketRow {
                title: &title,
                description: "office floor two",
                status_id: statuses[(i % 2) as usize].id,
                priority: "normal",
                customer_id: if i % 4 == 0 { c1 } else { c2 },
                requester_id: None,
                assignee_id: Some(a),
                created_by: Some(a),
                service_id: None,
                agreement_id: None,
                notes: &[],
            };
            ids.push(tickets::insert(&db, &row, t0() + TimeDelta::seconds(i)).await.unwrap().0);
        }
        // Updated in another order than made: a note on each, shuffled.
        for k in 0..40i64 {
            tickets::insert_comment(&db, ids[(k * 7 % 40) as usize], a, "seen", true, t0() + TimeDelta::minutes(60 + k)).await.unwrap();
        }
        let sqlite = matches!(db, Db::Sqlite(_));
        let base = Search { sort: SortKey::Updated, desc: true, limit: 5, ..Default::default() };
        let q = |text: &str| Search { text: text.into(), ..base.clone() };
        // A rare word: counted exactly, driven through its matches.
        let rare = plan(&db, &q("toner"), 3).await.unwrap();
        assert_eq!((rare.total, rare.many, rare.probe_text), (Some(1), false, false));
        // A word in every ticket: "more than the cap", tested row by row on SQLite. PostgreSQL
        // counts or leaves the count out, as its estimate says (never a wrong count).
        let every = plan(&db, &q("printer"), 3).await.unwrap();
        assert!(every.many || !sqlite, "{every:?}");
        // Listed newest first with nothing else asked, SQLite walks the full-text index itself.
        assert_eq!((every.walk_text, every.probe_text), (sqlite, false));
        let by_number = plan(&db, &Search { sort: SortKey::Number, ..q("printer") }, 3).await.unwrap();
        assert_eq!((by_number.walk_text, by_number.probe_text), (false, sqlite));
        assert!(if sqlite { every.total == Some(4) } else { every.total.is_none_or(|n| n == 4) }, "{every:?}");
        // Common, with another filter: SQLite leaves the count to `count`.
        let narrowed = Search { customer_id: Some(c1), ..q("printer jammed") };
        let p = plan(&db, &narrowed, 3).await.unwrap();
        assert!(if sqlite { p.total.is_none() } else { p.total.is_none_or(|n| n == 4) }, "{p:?}");
        // 0, 12, 24, 36 are customer Alpha's and say "jammed".
        assert_eq!(count(&db, &narrowed, 3).await.unwrap(), 4);
        assert_eq!(count(&db, &narrowed, 10).await.unwrap(), 4);
        assert_eq!(count(&db, &Search { statuses: vec![statuses[0].id], ..q("jammed") }, 100).await.unwrap(), 7);
        // Every plan walks the same tickets in the same order, page by page.
        for text in ["printer", "printer jammed", "jammed", "prin*", "toner"] {
            for (key, desc) in [(SortKey::Updated, true), (SortKey::Number, false), (SortKey::Title, true)] {
                let mut walks = Vec::new();
                // Walking the full-text index is SQLite's, for the updated sort without other filters.
                let walk = sqlite && key == SortKey::Updated && text != "jammed";
                for (many, probe_text, text_first, walk_text) in
                    [(false, false, false, false), (true, false, false, false), (false, true, false, false), (true, true, false, false), (false, false, true, false), (true, false, false, walk)]
                {
                    let mut s = Search { sort: key, desc, many, probe_text, text_first, walk_text, customer_id: (text == "jammed").then_some(c2), ..q(text) };
                    let mut seen = Vec::new();
                    loop {
                        let rows = page(&db, &s).await.unwrap();
                        let Some(last) = rows.last() else { break };
                        s.after = Some((cursor_value(key, last), last.id));
                        seen.extend(rows.iter().map(|r| r.id));
                    }
                    walks.push(seen);
                }
                assert!(!walks[0].is_empty(), "{text}");
                assert!(walks.iter().all(|w| *w == walks[0]), "{text} {key:?}: {walks:?}");
            }
        }
    })
    .await;
}

#[tokio::test]
async fn postgres_counts_rare_words_with_the_page_and_common_ones_on_their_own() {
    use super::search::{Search, count, page, plan};
    use crate::domain::SortKey;
    each_backend(|db| async move {
        let Db::Postgres(pool) = &db else { return };
        let a = agent(&db, "a@example.com").await;
        let c = customers::insert(&db, "Alpha", "UTC", t0()).await.unwrap();
        let statuses = tickets::statuses(&db).await.unwrap();
        for i in 0..300i64 {
            let title = if i % 50 == 0 { format!("Rare toner {i}") } else { format!("Printer {i}") };
            let row = NewTicketRow {
                title: &title,
                description: "x",
                status_id: statuses[0].id,
                priority: "normal",
                customer_id: c,
                requester_id: None,
                assignee_id: Some(a),
                created_by: Some(a),
                service_id: None,
                agreement_id: None,
                notes: &[],
            };
            tickets::insert(&db, &row, t0()).await.unwrap();
        }
        sqlx::query("ANALYZE tickets").execute(pool).await.unwrap();
        let q = |text: &str| Search { text: text.into(), sort: SortKey::Updated, desc: true, limit: 5, ..Default::default() };
        // 294 "printer" tickets, estimated as such: not counted with the page, counted on its own.
        assert_eq!(plan(&db, &q("printer"), 100).await.unwrap().total, None);
        assert_eq!(count(&db, &q("printer"), 100).await.unwrap(), 101);
        assert_eq!(count(&db, &q("printer"), 1000).await.unwrap(), 294);
        // 6 "toner" tickets (2 %, in the statistics): not rare either.
        assert_eq!(plan(&db, &q("toner"), 100).await.unwrap().total, None);
        assert_eq!(count(&db, &q("toner"), 100).await.unwrap(), 6);
        // A word missing from the statistics is rare: its matches are collected first.
        let rare = plan(&db, &q("nowhere"), 100).await.unwrap();
        assert_eq!((rare.total, rare.text_first), (Some(0), true));
        assert!(page(&db, &Search { text_first: true, ..q("toner") }).await.unwrap().len() == 5);
    })
    .await;
}

#[tokio::test]
async fn the_full_text_index_follows_every_edit_and_lists_the_latest_first() {
    use super::search::{Search, cursor_value, page, plan};
    use super::tickets::TicketUpdate;
    use crate::domain::SortKey;
    each_backend(|db| async move {
        let a = agent(&db, "a@example.com").await;
        let c = customers::insert(&db, "Alpha", "UTC", t0()).await.unwrap();
        let mut ids = Vec::new();
        for i in 0..8i64 {
            ids.push(titled(&db, c, a, &format!("Scanner {i}"), "it hums", t0() + TimeDelta::minutes(i)).await);
        }
        // A comment moves the oldest to the top; a retitled one leaves its old words behind.
        tickets::insert_comment(&db, ids[0], a, "still humming", false, t0() + TimeDelta::hours(1)).await.unwrap();
        let retitle = TicketUpdate { title: Some("Fax machine".into()), ..Default::default() };
        let v = tickets::get(&db, ids[5]).await.unwrap().version;
        tickets::update(&db, ids[5], v, &retitle, &[], a, t0() + TimeDelta::hours(2)).await.unwrap();
        let newest = |text: &str| Search { text: text.into(), sort: SortKey::Updated, desc: true, limit: 3, ..Default::default() };
        let mut walked = Vec::new();
        let mut s = newest("hums");
        let p = plan(&db, &s, 2).await.unwrap();
        assert_eq!(p.walk_text, matches!(db, Db::Sqlite(_)), "{p:?}");
        s = Search { many: p.many, walk_text: p.walk_text, ..s };
        loop {
            let rows = page(&db, &s).await.unwrap();
            let Some(last) = rows.last() else { break };
            s.after = Some((cursor_value(SortKey::Updated, last), last.id));
            walked.extend(rows.iter().map(|r| r.id));
        }
        assert_eq!(walked, vec![ids[5], ids[0], ids[7], ids[6], ids[4], ids[3], ids[2], ids[1]]);
        let found = |text: &'static str| {
            let db = db.clone();
            async move { page(&db, &newest(text)).await.unwrap().iter().map(|r| r.id).collect::<Vec<_>>() }
        };
        assert_eq!(found("scanner 5").await, Vec::<i64>::new());
        assert_eq!(found("fax").await, vec![ids[5]]);
        if let Db::Sqlite(p) = &db {
            sqlx::query("INSERT INTO tickets_fts (tickets_fts) VALUES ('integrity-check')").execute(p).await.unwrap();
            sqlx::query("DELETE FROM tickets WHERE id = $1").bind(ids[5]).execute(p).await.unwrap();
            sqlx::query("INSERT INTO tickets_fts (tickets_fts) VALUES ('integrity-check')").execute(p).await.unwrap();
        }
    })
    .await;
}

#[tokio::test]
async fn a_clock_set_back_stops_the_walk_in_update_order_and_the_list_stays_right() {
    use super::search::{Search, cursor_value, page, plan};
    use crate::domain::SortKey;
    each_backend(|db| async move {
        let Db::Sqlite(_) = &db else { return };
        let a = agent(&db, "a@example.com").await;
        let c = customers::insert(&db, "Alpha", "UTC", t0()).await.unwrap();
        let mut ids = Vec::new();
        for i in 0..6i64 {
            ids.push(titled(&db, c, a, &format!("Router {i}"), "blinks", t0() + TimeDelta::minutes(i)).await);
        }
        let newest = Search { text: "router".into(), sort: SortKey::Updated, desc: true, limit: 2, ..Default::default() };
        assert!(plan(&db, &newest, 2).await.unwrap().walk_text);
        // A comment stamped before the newest ticket (the server's clock was set back).
        tickets::insert_comment(&db, ids[1], a, "again", false, t0() + TimeDelta::seconds(150)).await.unwrap();
        let p = plan(&db, &newest, 2).await.unwrap();
        assert!(!p.walk_text, "{p:?}");
        let mut s = Search { many: p.many, probe_text: p.probe_text, ..newest };
        let mut seen = Vec::new();
        loop {
            let rows = page(&db, &s).await.unwrap();
            let Some(last) = rows.last() else { break };
            s.after = Some((cursor_value(SortKey::Updated, last), last.id));
            seen.extend(rows.iter().map(|r| r.id));
        }
        // Updated order: 5, 4, 3, then 1 (at 2:30), 2, 0.
        assert_eq!(seen, vec![ids[5], ids[4], ids[3], ids[1], ids[2], ids[0]]);
    })
    .await;
}
