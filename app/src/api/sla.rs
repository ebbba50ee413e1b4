//! SLA server functions: calendars, policies, a customer's policy, a ticket's clocks.

use leptos::prelude::*;

use crate::domain::{CalendarForm, CalendarSummary, CalendarView, PolicyForm, PolicySummary, PolicyView, TicketSlaView};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::server::{actor, answer, app_state, services};

/// Every calendar.
#[server(endpoint = "sla/calendars")]
pub async fn list_calendars() -> Result<Vec<CalendarSummary>, AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        services::sla::calendars(&s.db, &a).await
    }
    .await)
}

/// One calendar with its preview.
#[server(endpoint = "sla/calendar")]
pub async fn get_calendar(id: i64) -> Result<CalendarView, AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        services::sla::calendar(&s.db, &a, id, chrono::Utc::now()).await
    }
    .await)
}

/// Creates a calendar; returns its id.
#[server(endpoint = "sla/create_calendar")]
pub async fn create_calendar(form: CalendarForm) -> Result<i64, AppError> {
    answer(async move {
        let input = crate::domain::CalendarInput::try_from(form).map_err(AppError::Invalid)?;
        let (s, a) = (app_state()?, actor()?);
        services::sla::create_calendar(&s.db, &a, input, chrono::Utc::now()).await
    }
    .await)
}

/// Saves a new version of a calendar; returns the version.
#[server(endpoint = "sla/update_calendar")]
pub async fn update_calendar(id: i64, form: CalendarForm) -> Result<i64, AppError> {
    answer(async move {
        let input = crate::domain::CalendarInput::try_from(form).map_err(AppError::Invalid)?;
        let (s, a) = (app_state()?, actor()?);
        services::sla::update_calendar(&s.db, &a, id, input, chrono::Utc::now()).await
    }
    .await)
}

/// Creates a calendar from a pasted file; returns its id.
#[server(endpoint = "sla/import_calendar")]
pub async fn import_calendar(name: String, json: String) -> Result<i64, AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        services::sla::import_calendar(&s.db, &a, &name, &json, chrono::Utc::now()).await
    }
    .await)
}

/// Every policy.
#[server(endpoint = "sla/policies")]
pub async fn list_policies() -> Result<Vec<PolicySummary>, AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        services::sla::policies(&s.db, &a).await
    }
    .await)
}

/// One policy.
#[server(endpoint = "sla/policy")]
pub async fn get_policy(id: i64) -> Result<PolicyView, AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        services::sla::policy(&s.db, &a, id).await
    }
    .await)
}

/// Creates a policy; returns its id.
#[server(endpoint = "sla/create_policy")]
pub async fn create_policy(form: PolicyForm) -> Result<i64, AppError> {
    answer(async move {
        let input = crate::domain::PolicyInput::try_from(form).map_err(AppError::Invalid)?;
        let (s, a) = (app_state()?, actor()?);
        services::sla::create_policy(&s.db, &a, input, chrono::Utc::now()).await
    }
    .await)
}

/// Saves a new version of a policy; returns the version.
#[server(endpoint = "sla/update_policy")]
pub async fn update_policy(id: i64, form: PolicyForm) -> Result<i64, AppError> {
    answer(async move {
        let input = crate::domain::PolicyInput::try_from(form).map_err(AppError::Invalid)?;
        let (s, a) = (app_state()?, actor()?);
        services::sla::update_policy(&s.db, &a, id, input, chrono::Utc::now()).await
    }
    .await)
}

/// Sets a customer's own policy (`policy_id` empty: follow the corporate default).
#[server(endpoint = "sla/set_customer_policy")]
pub async fn set_customer_policy(customer_id: i64, policy_id: String) -> Result<(), AppError> {
    answer(async move {
        let policy = match policy_id.trim() {
            "" => None,
            v => Some(v.parse::<i64>().map_err(|_| AppError::invalid("sla_policy_id", crate::domain::Problem::UnknownValue))?),
        };
        let (s, a) = (app_state()?, actor()?);
        services::sla::set_customer_policy(&s.db, &a, customer_id, policy, chrono::Utc::now()).await
    }
    .await)
}

/// A ticket's SLA (none when no policy applies).
#[server(endpoint = "sla/ticket")]
pub async fn ticket_sla(ticket_id: i64) -> Result<Option<TicketSlaView>, AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        services::sla::ticket_sla(&s.db, &a, ticket_id, chrono::Utc::now()).await
    }
    .await)
}
