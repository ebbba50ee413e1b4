//! The service layer: business rules and permission checks, once, for server functions and
//! the REST API alike. Each function takes the acting agent, the inputs (already parsed) and
//! `now` (injected, so tests can set it).

pub mod agents;
pub mod agreements;
pub mod auth;
pub mod catalog;
pub mod customers;
pub mod notifications;
pub mod sla;
pub mod tickets;

#[cfg(test)]
mod coverage_tests;

use crate::domain::{Problem, Role};
use crate::error::AppError;
use super::Actor;

/// Refuses unless the actor has at least `role`.
///
/// # Errors
/// `Forbidden`.
pub fn require(actor: &Actor, role: Role) -> Result<(), AppError> {
    if actor.role >= role { Ok(()) } else { Err(AppError::Forbidden) }
}

/// Maps a unique-constraint violation to a field error, anything else as usual.
pub(crate) fn unique_to_field(e: sqlx::Error, field: &str) -> AppError {
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => AppError::invalid(field, Problem::Taken),
        _ => AppError::from(e),
    }
}
