//! Agreement server functions.

use leptos::prelude::*;

use crate::domain::{AgreementFilter, AgreementForm, AgreementChoices, AgreementStatus, AgreementSummary, AgreementView};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::server::{actor, answer, app_state, services};

/// Agreements by end date, filtered.
#[server(endpoint = "agreements/list")]
pub async fn list_agreements(filter: AgreementFilter) -> Result<Vec<AgreementSummary>, AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        services::agreements::list(&s.db, &a, &filter, chrono::Utc::now()).await
    }
    .await)
}

/// The agreement page's data.
#[server(endpoint = "agreements/get")]
pub async fn get_agreement(id: i64) -> Result<AgreementView, AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        services::agreements::view(&s.db, &a, id, chrono::Utc::now()).await
    }
    .await)
}

/// What the form offers, with the contacts of `customer_id` (0: none chosen yet).
#[server(endpoint = "agreements/form_options")]
pub async fn agreement_form_options(customer_id: i64) -> Result<AgreementChoices, AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        services::agreements::form_options(&s.db, &a, customer_id).await
    }
    .await)
}

/// Makes an agreement; returns its id.
#[server(endpoint = "agreements/create")]
pub async fn create_agreement(form: AgreementForm) -> Result<i64, AppError> {
    answer(async move {
        let input = services::agreements::AgreementInput::try_from(form)?;
        let (s, a) = (app_state()?, actor()?);
        services::agreements::create(&s.db, &a, input, chrono::Utc::now()).await.map(|(id, _)| id)
    }
    .await)
}

/// "New agreement from this one"; returns the new one's id.
#[server(endpoint = "agreements/copy")]
pub async fn copy_agreement(id: i64, title: String, starts_on: String, ends_on: String, confirm_overlap: Option<String>) -> Result<i64, AppError> {
    answer(async move {
        let (starts, ends) = services::agreements::parse_dates(&starts_on, &ends_on)?;
        let (s, a) = (app_state()?, actor()?);
        let confirm = confirm_overlap.as_deref() == Some("on");
        services::agreements::copy(&s.db, &a, id, Some(title), starts, ends, confirm, chrono::Utc::now()).await.map(|(id, _)| id)
    }
    .await)
}

/// A change by hand: `action` is `activate`, `end`, `extend` (with `ends_on`, empty: open-ended)
/// or `cancel`; `reason` is required.
#[server(endpoint = "agreements/change")]
pub async fn change_agreement(id: i64, action: String, ends_on: String, reason: String) -> Result<AgreementStatus, AppError> {
    answer(async move {
        use services::agreements::Change;
        let change = match action.as_str() {
            "activate" => Change::ActivateEarly,
            "end" => Change::EndEarly,
            "cancel" => Change::Cancel,
            "extend" => Change::Extend(services::agreements::parse_dates("2000-01-01", &ends_on)?.1),
            _ => return Err(AppError::invalid("action", crate::domain::Problem::UnknownValue)),
        };
        let (s, a) = (app_state()?, actor()?);
        services::agreements::change(&s.db, &a, id, change, &reason, chrono::Utc::now()).await
    }
    .await)
}
