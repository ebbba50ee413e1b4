//! What agreements decide for tickets: which agreement a request falls under, refusal of
//! what none covers (and an agent's override), which level sets the SLA targets (one test per
//! level), the terms an open ticket keeps when its agreement expires, and the agreement
//! page's tickets and compliance.

use chrono::{DateTime, TimeDelta, TimeZone, Utc};

use super::agreements::{AgreementInput, Change, ServiceTerms, change, create, run_lifecycle, view};
use super::{sla, tickets};
use crate::domain::{EventKind, NewComment, NewTicket, PolicyLevel, Priority, Problem, Role};
use crate::server::store::customers;
use crate::server::store::services::{self as services_store, ServiceWrite};
use crate::server::testing::{actor, each_backend, policy};
use crate::server::{Actor, Db};

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap()
}

/// A desk with a policy for every level: the corporate default (`Default`), the customer's
/// (`Customer`), the services' (`Service`), an agreement default (`Agreement`) and an
/// agreement's override for Hosting (`Override`). Acme's agreement covers Hosting (with the
/// override) and Backups (without); Email is covered by nothing.
struct Desk {
    db: Db,
    boss: Actor,
    acme: i64,
    hosting: i64,
    backups: i64,
    email: i64,
    agreement: i64,
}

async fn desk(db: Db) -> Desk {
    let boss = actor(&db, "ann@desk.example", Role::Manager).await;
    policy(&db, &boss, "Default", "4h", true).await;
    let service_policy = policy(&db, &boss, "Service", "3h", false).await;
    let agreement_policy = policy(&db, &boss, "Agreement", "2h", false).await;
    let override_policy = policy(&db, &boss, "Override", "15m", false).await;
    let svc = |name| ServiceWrite { name, description: "", category: "", sla_policy_id: Some(service_policy) };
    let hosting = services_store::insert(&db, svc("Hosting"), t0()).await.unwrap();
    let backups = services_store::insert(&db, svc("Backups"), t0()).await.unwrap();
    let email = services_store::insert(&db, svc("Email"), t0()).await.unwrap();
    let acme = customers::insert(&db, "Acme", "Europe/Stockholm", t0()).await.unwrap();
    let terms = |service_id, sla_policy_id| ServiceTerms { service_id, sla_policy_id, calendar_id: None, hourly_rate_minor: None, currency: None };
    let input = AgreementInput {
        customer_id: acme,
        title: "Support 2026".into(),
        starts_on: t0().date_naive() - TimeDelta::days(30),
        ends_on: Some(t0().date_naive() + TimeDelta::days(60)),
        account_manager_id: Some(boss.id),
        sla_policy_id: Some(agreement_policy),
        notes: String::new(),
        notice_days: vec![],
        services: vec![terms(hosting, Some(override_policy)), terms(backups, None)],
        contacts: vec![],
        confirm_overlap: false,
    };
    let (agreement, _) = create(&db, &boss, input, t0()).await.unwrap();
    Desk { db, boss, acme, hosting, backups, email, agreement }
}

/// An agreement of `customer_id` from `starts_on`, open-ended, covering `services` with no
/// policy, rate or contacts of its own.
fn agreement(customer_id: i64, title: &str, starts_on: chrono::NaiveDate, services: &[i64]) -> AgreementInput {
    AgreementInput {
        customer_id,
        title: title.into(),
        starts_on,
        ends_on: None,
        account_manager_id: None,
        sla_policy_id: None,
        notes: String::new(),
        notice_days: vec![],
        services: services.iter().map(|s| ServiceTerms { service_id: *s, sla_policy_id: None, calendar_id: None, hourly_rate_minor: None, currency: None }).collect(),
        contacts: vec![],
        confirm_overlap: false,
    }
}

fn request(customer_id: i64, service_id: Option<i64>) -> NewTicket {
    NewTicket {
        customer_id,
        requester_id: None,
        title: "Site down".into(),
        description: String::new(),
        priority: Priority::Urgent,
        assignee_id: None,
        service_id,
        agreement_id: None,
        override_reason: None,
    }
}

/// The policy and level that set a ticket's targets.
async fn level(d: &Desk, ticket: i64) -> (String, PolicyLevel) {
    let v = sla::ticket_sla(&d.db, &d.boss, ticket, t0()).await.unwrap().expect("a policy applies");
    (v.policy_name, v.level)
}

#[tokio::test]
async fn level_agreement_service_the_agreements_override_for_the_service_wins() {
    each_backend(|db| async move {
        let d = desk(db).await;
        let (id, _) = tickets::create(&d.db, &d.boss, request(d.acme, Some(d.hosting)), t0()).await.unwrap();
        assert_eq!(level(&d, id).await, ("Override".into(), PolicyLevel::AgreementService));
        let v = tickets::view_by_id(&d.db, &d.boss, id).await.unwrap();
        assert_eq!(v.agreement.map(|a| a.0), Some(d.agreement), "the ticket records its agreement");
    })
    .await;
}

#[tokio::test]
async fn level_agreement_its_default_when_it_has_no_override_for_the_service() {
    each_backend(|db| async move {
        let d = desk(db).await;
        let (id, _) = tickets::create(&d.db, &d.boss, request(d.acme, Some(d.backups)), t0()).await.unwrap();
        assert_eq!(level(&d, id).await, ("Agreement".into(), PolicyLevel::Agreement));
        // About no service: it falls under the agreement too, and its default applies.
        let (general, _) = tickets::create(&d.db, &d.boss, request(d.acme, None), t0()).await.unwrap();
        assert_eq!(level(&d, general).await, ("Agreement".into(), PolicyLevel::Agreement));
    })
    .await;
}

#[tokio::test]
async fn level_service_its_default_under_an_agreement_that_names_no_policy() {
    each_backend(|db| async move {
        let d = desk(db).await;
        let beta = customers::insert(&d.db, "Beta", "UTC", t0()).await.unwrap();
        let input = agreement(beta, "Email only", t0().date_naive(), &[d.email]);
        create(&d.db, &d.boss, input, t0()).await.unwrap();
        let (id, _) = tickets::create(&d.db, &d.boss, request(beta, Some(d.email)), t0()).await.unwrap();
        assert_eq!(level(&d, id).await, ("Service".into(), PolicyLevel::Service));
    })
    .await;
}

#[tokio::test]
async fn level_customer_its_own_policy_without_an_agreement() {
    each_backend(|db| async move {
        let d = desk(db).await;
        let own = policy(&d.db, &d.boss, "Customer", "1h", false).await;
        let gamma = customers::insert(&d.db, "Gamma", "UTC", t0()).await.unwrap();
        sla::set_customer_policy(&d.db, &d.boss, gamma, Some(own), t0()).await.unwrap();
        let (id, _) = tickets::create(&d.db, &d.boss, request(gamma, None), t0()).await.unwrap();
        assert_eq!(level(&d, id).await, ("Customer".into(), PolicyLevel::Customer));
    })
    .await;
}

#[tokio::test]
async fn level_default_the_corporate_default_when_nothing_else_names_one() {
    each_backend(|db| async move {
        let d = desk(db).await;
        let delta = customers::insert(&d.db, "Delta", "UTC", t0()).await.unwrap();
        let (id, _) = tickets::create(&d.db, &d.boss, request(delta, None), t0()).await.unwrap();
        assert_eq!(level(&d, id).await, ("Default".into(), PolicyLevel::Default));
        assert_eq!(tickets::view_by_id(&d.db, &d.boss, id).await.unwrap().agreement, None);
    })
    .await;
}

#[tokio::test]
async fn a_request_for_an_uncovered_service_is_refused_with_who_to_ask_unless_an_agent_overrides() {
    each_backend(|db| async move {
        let d = desk(db).await;
        let agent = actor(&d.db, "eve@desk.example", Role::Agent).await;
        let refused = tickets::create(&d.db, &agent, request(d.acme, Some(d.email)), t0()).await.unwrap_err();
        assert_eq!(refused.field("service_id"), Some(Problem::NotCovered("ann@desk.example <ann@desk.example>".into())));
        // An agent overrides with a reason: opened, under no agreement, the reason in its history.
        let (id, _) = tickets::create(&d.db, &agent, NewTicket { override_reason: Some("Outage, their CEO called".into()), ..request(d.acme, Some(d.email)) }, t0()).await.unwrap();
        let v = tickets::view_by_id(&d.db, &d.boss, id).await.unwrap();
        assert_eq!(v.agreement, None);
        assert!(v.events.iter().any(|e| e.kind == EventKind::CoverageOverride { reason: "Outage, their CEO called".into() }), "{:?}", v.events);
        // The service's own policy then applies.
        assert_eq!(level(&d, id).await, ("Service".into(), PolicyLevel::Service));
        // Once the agreement has ended, even a request about no service needs cover.
        change(&d.db, &d.boss, d.agreement, Change::EndEarly, "Contract terminated", t0()).await.unwrap();
        run_lifecycle(&d.db, t0() + TimeDelta::days(1)).await.unwrap();
        let lapsed = tickets::create(&d.db, &agent, request(d.acme, None), t0() + TimeDelta::days(1)).await.unwrap_err();
        assert!(matches!(lapsed.field("service_id"), Some(Problem::NotCovered(_))));
        // A customer that never had an agreement may still ask for things about no service.
        let walk_in = customers::insert(&d.db, "Walk-in", "UTC", t0()).await.unwrap();
        assert!(tickets::create(&d.db, &agent, request(walk_in, None), t0()).await.is_ok());
        assert!(matches!(tickets::create(&d.db, &agent, request(walk_in, Some(d.hosting)), t0()).await.unwrap_err().field("service_id"), Some(Problem::NotCovered(who)) if who.is_empty()));
    })
    .await;
}

#[tokio::test]
async fn with_two_covering_agreements_the_latest_start_wins_and_an_agents_pick_is_recorded() {
    each_backend(|db| async move {
        let d = desk(db).await;
        let newer = AgreementInput { confirm_overlap: true, ..agreement(d.acme, "Hosting extra", t0().date_naive() - TimeDelta::days(2), &[d.hosting]) };
        let (newer, newer_number) = create(&d.db, &d.boss, newer, t0()).await.unwrap();
        let (id, _) = tickets::create(&d.db, &d.boss, request(d.acme, Some(d.hosting)), t0()).await.unwrap();
        assert_eq!(tickets::view_by_id(&d.db, &d.boss, id).await.unwrap().agreement.map(|a| a.0), Some(newer));
        // The agent picks the older one: it applies (its override), and the choice is recorded.
        let (picked, _) = tickets::create(&d.db, &d.boss, NewTicket { agreement_id: Some(d.agreement), ..request(d.acme, Some(d.hosting)) }, t0()).await.unwrap();
        let v = tickets::view_by_id(&d.db, &d.boss, picked).await.unwrap();
        let older_number = v.agreement.clone().map(|a| a.1).unwrap();
        assert!(v.events.iter().any(|e| e.kind == EventKind::AgreementChosen { instead_of: newer_number.clone(), chosen: older_number.clone() }), "{:?}", v.events);
        assert_eq!(level(&d, picked).await, ("Override".into(), PolicyLevel::AgreementService));
        // Only one that covers the request may be picked.
        let other = customers::insert(&d.db, "Other", "UTC", t0()).await.unwrap();
        let wrong = tickets::create(&d.db, &d.boss, NewTicket { agreement_id: Some(d.agreement), ..request(other, None) }, t0()).await.unwrap_err();
        assert_eq!(wrong.field("agreement_id"), Some(Problem::NotAvailable));
    })
    .await;
}

#[tokio::test]
async fn open_tickets_keep_their_terms_when_the_agreement_expires_and_their_history_says_so() {
    each_backend(|db| async move {
        let d = desk(db).await;
        let (open, _) = tickets::create(&d.db, &d.boss, request(d.acme, Some(d.hosting)), t0()).await.unwrap();
        let (done, _) = tickets::create(&d.db, &d.boss, request(d.acme, Some(d.backups)), t0()).await.unwrap();
        let closed = crate::server::store::tickets::statuses(&d.db).await.unwrap().into_iter().find(|s| s.category == "closed").unwrap().id;
        let version = crate::server::store::tickets::get(&d.db, done).await.unwrap().version;
        tickets::edit(&d.db, &d.boss, done, crate::domain::TicketEdit { version, status_id: Some(closed), ..Default::default() }, t0()).await.unwrap();
        // The scheduler expires it the day after its end, at the customer's midnight.
        let after_end = t0() + TimeDelta::days(62);
        assert_eq!(run_lifecycle(&d.db, after_end).await.unwrap().expired, 1);
        let v = tickets::view_by_id(&d.db, &d.boss, open).await.unwrap();
        let number = v.agreement.clone().map(|a| a.1).unwrap();
        assert!(v.events.iter().any(|e| e.kind == EventKind::AgreementExpired { number: number.clone() }), "{:?}", v.events);
        assert_eq!(v.agreement.map(|a| a.3), Some(crate::domain::AgreementStatus::Expired));
        sla::refresh_ticket(&d.db, open, after_end).await.unwrap();
        assert_eq!(level(&d, open).await, ("Override".into(), PolicyLevel::AgreementService), "the terms it was opened under");
        let closed_view = tickets::view_by_id(&d.db, &d.boss, done).await.unwrap();
        assert!(!closed_view.events.iter().any(|e| matches!(e.kind, EventKind::AgreementExpired { .. })), "a closed ticket is not told");
    })
    .await;
}

#[tokio::test]
async fn the_agreement_page_lists_its_tickets_and_sla_compliance_per_service_and_target() {
    each_backend(|db| async move {
        let d = desk(db).await;
        // Hosting: first response due in 15 minutes; answered in 10 (met) and not at all (breached).
        let (met, _) = tickets::create(&d.db, &d.boss, request(d.acme, Some(d.hosting)), t0()).await.unwrap();
        tickets::comment(&d.db, &d.boss, met, NewComment { body: "On it".into(), internal: false }, t0() + TimeDelta::minutes(10)).await.unwrap();
        let (late, _) = tickets::create(&d.db, &d.boss, request(d.acme, Some(d.hosting)), t0()).await.unwrap();
        // Backups: due in 2 hours, still running.
        tickets::create(&d.db, &d.boss, request(d.acme, Some(d.backups)), t0()).await.unwrap();
        let now = t0() + TimeDelta::minutes(30);
        sla::refresh_ticket(&d.db, late, now).await.unwrap();
        let v = view(&d.db, &d.boss, d.agreement, now).await.unwrap();
        assert_eq!((v.tickets.len(), v.tickets_total), (3, 3));
        let first = |service: &str| {
            v.compliance
                .iter()
                .find(|c| c.service.as_deref() == Some(service) && c.target == crate::sla::Target::FirstResponse)
                .map(|c| (c.met, c.breached, c.running))
        };
        assert_eq!(first("Hosting"), Some((1, 1, 0)));
        assert_eq!(first("Backups"), Some((0, 0, 1)));
        let hosting = v.compliance.iter().find(|c| c.service.as_deref() == Some("Hosting") && c.target == crate::sla::Target::FirstResponse).unwrap();
        assert_eq!(hosting.met_percent(), Some(50));
    })
    .await;
}

#[tokio::test]
async fn a_service_an_agreement_covers_is_kept_and_a_huge_expires_within_is_no_panic() {
    each_backend(|db| async move {
        let d = desk(db).await;
        let e = super::catalog::delete(&d.db, &d.boss, d.backups).await.unwrap_err();
        assert_eq!(e.field("service"), Some(Problem::InUse { tickets: 0, agreements: 1 }));
        assert!(super::catalog::delete(&d.db, &d.boss, d.email).await.is_ok(), "nothing names Email");
        let f = crate::domain::AgreementFilter { expires_within: Some(u32::MAX), ..Default::default() };
        assert_eq!(super::agreements::list(&d.db, &d.boss, &f, t0()).await.unwrap().len(), 1);
        let f = crate::domain::AgreementFilter { expires_within: Some(30), ..Default::default() };
        assert!(super::agreements::list(&d.db, &d.boss, &f, t0()).await.unwrap().is_empty(), "it ends in 60 days");
    })
    .await;
}

#[tokio::test]
async fn the_agreements_support_hours_for_a_service_set_the_clock() {
    each_backend(|db| async move {
        let d = desk(db).await;
        // Hosting under this agreement is supported on weekdays 09:00–17:00 UTC only.
        let weekdays = crate::server::testing::weekdays_form("Office hours");
        let office = sla::create_calendar(&d.db, &d.boss, crate::domain::CalendarInput::try_from(weekdays).unwrap(), t0()).await.unwrap();
        let beta = customers::insert(&d.db, "Beta", "UTC", t0()).await.unwrap();
        let mut input = agreement(beta, "Office hosting", t0().date_naive() - TimeDelta::days(1), &[d.hosting]);
        input.services[0].calendar_id = Some(office);
        create(&d.db, &d.boss, input, t0()).await.unwrap();
        // Friday 16:50: the service's 3-hour first response runs 10 minutes on Friday and the
        // rest from Monday 09:00, where the policy's own calendar (always open) would say 19:50.
        let friday = Utc.with_ymd_and_hms(2026, 12, 4, 16, 50, 0).unwrap();
        let (id, _) = tickets::create(&d.db, &d.boss, request(beta, Some(d.hosting)), friday).await.unwrap();
        let v = sla::ticket_sla(&d.db, &d.boss, id, friday).await.unwrap().unwrap();
        assert_eq!((v.policy_name.as_str(), v.calendar_name.as_str()), ("Service", "Office hours"));
        let first = crate::server::store::sla::clocks(&d.db, id).await.unwrap().into_iter().find(|c| c.target == "first_response").unwrap();
        assert_eq!(first.due_at, Some(Utc.with_ymd_and_hms(2026, 12, 7, 11, 50, 0).unwrap()));
    })
    .await;
}

#[tokio::test]
async fn a_customer_whose_first_agreement_has_not_started_may_still_ask_and_empty_support_hours_are_refused() {
    each_backend(|db| async move {
        let d = desk(db).await;
        let soon = customers::insert(&d.db, "Soon", "UTC", t0()).await.unwrap();
        create(&d.db, &d.boss, agreement(soon, "From January", t0().date_naive() + TimeDelta::days(40), &[d.email]), t0()).await.unwrap();
        assert!(tickets::create(&d.db, &d.boss, request(soon, None), t0()).await.is_ok(), "not held to an agreement that has not started");
        // Support hours without any working time would leave the service's tickets without clocks.
        let closed = crate::domain::CalendarForm { name: "Never open".into(), timezone: "UTC".into(), ..Default::default() };
        let closed = sla::create_calendar(&d.db, &d.boss, crate::domain::CalendarInput::try_from(closed).unwrap(), t0()).await.unwrap();
        let mut input = agreement(soon, "Closed hours", t0().date_naive() + TimeDelta::days(400), &[d.hosting]);
        input.services[0].calendar_id = Some(closed);
        let e = create(&d.db, &d.boss, input, t0()).await.unwrap_err();
        assert_eq!(e.field("services[0].calendar_id"), Some(Problem::NoWorkingTime));
    })
    .await;
}
