//! Customer server functions.

use leptos::prelude::*;

use crate::domain::{ContactForm, CustomerForm, CustomerSummary, CustomerView};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::server::{actor, answer, app_state, services};

/// Customers by name.
#[server(endpoint = "customers/list")]
pub async fn list_customers() -> Result<Vec<CustomerSummary>, AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        services::customers::list(&s.db, &a).await
    }
    .await)
}

/// The customer page's data.
#[server(endpoint = "customers/get")]
pub async fn get_customer(id: i64) -> Result<CustomerView, AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        services::customers::view(&s.db, &a, id).await
    }
    .await)
}

/// Creates a customer; returns its id.
#[server(endpoint = "customers/create")]
pub async fn create_customer(form: CustomerForm) -> Result<i64, AppError> {
    answer(async move {
        let input = crate::domain::CustomerInput::try_from(form).map_err(AppError::Invalid)?;
        let (s, a) = (app_state()?, actor()?);
        services::customers::create(&s.db, &a, input, chrono::Utc::now()).await
    }
    .await)
}

/// Renames a customer or changes its timezone.
#[server(endpoint = "customers/update")]
pub async fn update_customer(id: i64, form: CustomerForm) -> Result<(), AppError> {
    answer(async move {
        let input = crate::domain::CustomerInput::try_from(form).map_err(AppError::Invalid)?;
        let (s, a) = (app_state()?, actor()?);
        services::customers::update(&s.db, &a, id, input, chrono::Utc::now()).await
    }
    .await)
}

/// Adds a contact to a customer.
#[server(endpoint = "customers/add_contact")]
pub async fn add_contact(customer_id: i64, form: ContactForm) -> Result<i64, AppError> {
    answer(async move {
        let input = crate::domain::ContactInput::try_from(form).map_err(AppError::Invalid)?;
        let (s, a) = (app_state()?, actor()?);
        services::customers::add_contact(&s.db, &a, customer_id, input, chrono::Utc::now()).await
    }
    .await)
}
