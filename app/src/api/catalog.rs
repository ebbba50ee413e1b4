//! Service catalog server functions.

use leptos::prelude::*;

use crate::domain::{Catalog, ServiceForm, ServiceView};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::server::{actor, answer, app_state, services};

/// The catalog, inactive services too.
#[server(endpoint = "services/list")]
pub async fn get_catalog() -> Result<Catalog, AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        services::catalog::catalog(&s.db, &a).await
    }
    .await)
}

/// One service.
#[server(endpoint = "services/get")]
pub async fn get_service(id: i64) -> Result<ServiceView, AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        services::catalog::service(&s.db, &a, id).await
    }
    .await)
}

/// Adds a service; returns its id.
#[server(endpoint = "services/create")]
pub async fn create_service(form: ServiceForm) -> Result<i64, AppError> {
    answer(async move {
        let input = crate::domain::ServiceInput::try_from(form).map_err(AppError::Invalid)?;
        let (s, a) = (app_state()?, actor()?);
        services::catalog::create(&s.db, &a, input, chrono::Utc::now()).await
    }
    .await)
}

/// Changes a service.
#[server(endpoint = "services/update")]
pub async fn update_service(id: i64, form: ServiceForm) -> Result<(), AppError> {
    answer(async move {
        let input = crate::domain::ServiceInput::try_from(form).map_err(AppError::Invalid)?;
        let (s, a) = (app_state()?, actor()?);
        services::catalog::update(&s.db, &a, id, input, chrono::Utc::now()).await
    }
    .await)
}

/// Activates (`active: true`) or deactivates a service.
#[server(endpoint = "services/set_active")]
pub async fn set_service_active(id: i64, active: bool) -> Result<(), AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        services::catalog::set_active(&s.db, &a, id, active, chrono::Utc::now()).await
    }
    .await)
}

/// Deletes a service nothing names; one in use is refused with how many name it.
#[server(endpoint = "services/delete")]
pub async fn delete_service(id: i64) -> Result<(), AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        services::catalog::delete(&s.db, &a, id).await
    }
    .await)
}
