//! The service catalog's rules: everyone signed in reads it (agents pick services on tickets);
//! managers change it. A service something names is never deleted, only deactivated.

use chrono::{DateTime, Utc};

use crate::domain::{Catalog, Problem, Role, ServiceInput, ServiceView};
use crate::error::AppError;
use crate::server::db::now_micros;
use crate::server::store::services::{self as store, ServiceRow, ServiceWrite};
use crate::server::store::sla as sla_store;
use crate::server::{Actor, Db};

use super::require;

/// The most services the catalog lists.
pub const LIST_LIMIT: i64 = 1000;

fn view(r: ServiceRow) -> ServiceView {
    ServiceView {
        id: r.id,
        name: r.name,
        description: r.description,
        category: r.category,
        sla_policy_id: r.sla_policy_id,
        policy_name: r.policy_name,
        active: r.active,
        tickets: r.tickets,
    }
}

/// The catalog, inactive services too, with the policies a service may default to.
///
/// # Errors
/// Database errors.
pub async fn catalog(db: &Db, actor: &Actor) -> Result<Catalog, AppError> {
    Ok(Catalog {
        services: store::list(db, false, LIST_LIMIT).await?.into_iter().map(view).collect(),
        policies: sla_store::policies(db).await?.into_iter().map(|p| (p.id, p.name)).collect(),
        can_edit: actor.role >= Role::Manager,
    })
}

/// The active services, for forms that offer them.
///
/// # Errors
/// Database errors.
pub async fn active(db: &Db, _actor: &Actor) -> Result<Vec<ServiceView>, AppError> {
    Ok(store::list(db, true, LIST_LIMIT).await?.into_iter().map(view).collect())
}

/// One service.
///
/// # Errors
/// `NotFound`.
pub async fn service(db: &Db, _actor: &Actor, id: i64) -> Result<ServiceView, AppError> {
    Ok(view(store::get(db, id).await?))
}

async fn check_policy(db: &Db, policy_id: Option<i64>) -> Result<(), AppError> {
    match policy_id {
        Some(p) if matches!(sla_store::policy(db, p).await, Err(sqlx::Error::RowNotFound)) => Err(AppError::invalid("sla_policy_id", Problem::NotAvailable)),
        _ => Ok(()),
    }
}

fn write(s: &ServiceInput) -> ServiceWrite<'_> {
    ServiceWrite { name: &s.name, description: &s.description, category: &s.category, sla_policy_id: s.sla_policy_id }
}

/// Adds a service (managers).
///
/// # Errors
/// `Forbidden`; `Invalid` for a name in use or a policy that does not exist.
pub async fn create(db: &Db, actor: &Actor, s: ServiceInput, now: DateTime<Utc>) -> Result<i64, AppError> {
    require(actor, Role::Manager)?;
    check_policy(db, s.sla_policy_id).await?;
    store::insert(db, write(&s), now_micros(now)).await.map_err(|e| super::unique_to_field(e, "name"))
}

/// Changes a service (managers). Open tickets naming it get their SLA recomputed, as its
/// policy may have changed.
///
/// # Errors
/// `Forbidden`; `NotFound`; `Invalid` for a name in use or a policy that does not exist.
pub async fn update(db: &Db, actor: &Actor, id: i64, s: ServiceInput, now: DateTime<Utc>) -> Result<(), AppError> {
    require(actor, Role::Manager)?;
    check_policy(db, s.sla_policy_id).await?;
    store::update(db, id, write(&s), now_micros(now)).await.map_err(|e| super::unique_to_field(e, "name"))
}

/// Activates or deactivates a service (managers).
///
/// # Errors
/// `Forbidden`; `NotFound`.
pub async fn set_active(db: &Db, actor: &Actor, id: i64, active: bool, now: DateTime<Utc>) -> Result<(), AppError> {
    require(actor, Role::Manager)?;
    Ok(store::set_active(db, id, active, now_micros(now)).await?)
}

/// Deletes a service nothing names (managers).
///
/// # Errors
/// `Forbidden`; `NotFound`; `Invalid` with [`Problem::InUse`] (how many tickets and
/// agreements name it) when it is in use: deactivate it instead.
pub async fn delete(db: &Db, actor: &Actor, id: i64) -> Result<(), AppError> {
    require(actor, Role::Manager)?;
    if store::delete_unused(db, id).await? {
        return Ok(());
    }
    let s = store::get(db, id).await?;
    let agreements = store::agreements_using(db, id).await?;
    Err(AppError::invalid("service", Problem::InUse { tickets: s.tickets, agreements }))
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;
    use crate::domain::{NewTicket, Priority, ServiceForm};
    use crate::server::store::customers;
    use crate::server::testing::each_backend;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap()
    }

    use crate::server::testing::actor;

    fn input(name: &str, category: &str) -> ServiceInput {
        ServiceInput::try_from(ServiceForm { name: name.into(), category: category.into(), description: "What we run for you.".into(), ..Default::default() }).unwrap()
    }

    #[tokio::test]
    async fn managers_keep_the_catalog_and_a_service_in_use_is_deactivated_not_deleted() {
        each_backend(|db| async move {
            let boss = actor(&db, "boss@example.com", Role::Manager).await;
            let agent = actor(&db, "agent@example.com", Role::Agent).await;
            let hosting = create(&db, &boss, input("Hosting", "Operations"), t0()).await.unwrap();
            let consulting = create(&db, &boss, input("Consulting hours", "Professional services"), t0()).await.unwrap();
            // Names are unique whatever their case; agents read but do not change the catalog.
            assert_eq!(create(&db, &boss, input("hosting", "x"), t0()).await.unwrap_err().field("name"), Some(Problem::Taken));
            assert_eq!(create(&db, &agent, input("Backups", "Operations"), t0()).await, Err(AppError::Forbidden));
            let mut bad = input("Backups", "Operations");
            bad.sla_policy_id = Some(999_999);
            assert_eq!(create(&db, &boss, bad, t0()).await.unwrap_err().field("sla_policy_id"), Some(Problem::NotAvailable));
            let c = catalog(&db, &agent).await.unwrap();
            assert!(!c.can_edit);
            assert_eq!(c.services.iter().map(|s| s.name.as_str()).collect::<Vec<_>>(), vec!["Hosting", "Consulting hours"]);

            // A ticket about Hosting: it cannot be deleted, says why, and can be deactivated.
            let customer = customers::insert(&db, "Acme", "UTC", t0()).await.unwrap();
            let t = NewTicket { customer_id: customer, requester_id: None, title: "Site down".into(), description: String::new(), priority: Priority::High, assignee_id: None, service_id: None, agreement_id: None, override_reason: None };
            let (ticket, _) = super::super::tickets::create(&db, &boss, t, t0()).await.unwrap();
            crate::server::store::tickets::set_service(&db, ticket, Some(hosting)).await.unwrap();
            assert_eq!(delete(&db, &boss, hosting).await.unwrap_err().field("service"), Some(Problem::InUse { tickets: 1, agreements: 0 }));
            set_active(&db, &boss, hosting, false, t0()).await.unwrap();
            assert_eq!(active(&db, &agent).await.unwrap().iter().map(|s| s.id).collect::<Vec<_>>(), vec![consulting]);
            let kept = service(&db, &agent, hosting).await.unwrap();
            assert_eq!((kept.active, kept.tickets), (false, 1));
            // An unused one goes; then it is gone.
            delete(&db, &boss, consulting).await.unwrap();
            assert_eq!(service(&db, &boss, consulting).await, Err(AppError::NotFound));
            assert_eq!(delete(&db, &boss, consulting).await, Err(AppError::NotFound));
            assert_eq!(delete(&db, &agent, hosting).await, Err(AppError::Forbidden));
        })
        .await;
    }
}
