//! `AppError`, the only error that crosses the wire. Internals are logged once on the
//! server and never sent; the browser gets a variant it can translate.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::domain::FieldError;

/// Every failure a server function or REST call can report.
#[derive(Clone, Debug, PartialEq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    /// The input was refused; each entry names a field and what is wrong with it.
    #[error("invalid input: {0:?}")]
    Invalid(Vec<FieldError>),
    /// The thing asked for does not exist (or the caller may not know it exists).
    #[error("not found")]
    NotFound,
    /// No valid session.
    #[error("not signed in")]
    Unauthorized,
    /// Signed in, but the role does not allow this.
    #[error("forbidden")]
    Forbidden,
    /// The record changed since the caller read it.
    #[error("changed by {by} meanwhile")]
    Conflict {
        /// Who made the newer change.
        by: String,
        /// The version now stored, so the caller can overwrite on purpose.
        current_version: i64,
    },
    /// Too many failed sign-ins.
    #[error("too many attempts")]
    Throttled,
    /// Something failed on the server; details are in the log only.
    #[error("internal error")]
    Internal,
    /// The request never reached the function or the answer never came back.
    #[error("{0}")]
    Transport(String),
}

impl AppError {
    /// A refusal of one field.
    pub fn invalid(field: &str, problem: crate::domain::Problem) -> Self {
        Self::Invalid(vec![FieldError::new(field, problem)])
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            Self::Invalid(_) => 422,
            Self::NotFound => 404,
            Self::Unauthorized => 401,
            Self::Forbidden => 403,
            Self::Conflict { .. } => 409,
            Self::Throttled => 429,
            Self::Internal | Self::Transport(_) => 500,
        }
    }

    /// The problem reported for `field`, if this is a validation error naming it.
    pub fn field(&self, field: &str) -> Option<crate::domain::Problem> {
        match self {
            Self::Invalid(errs) => errs.iter().find(|e| e.field == field).map(|e| e.problem.clone()),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(e: ServerFnErrorErr) -> Self {
        Self::Transport(e.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => Self::NotFound,
            other => {
                tracing::error!(error = %other, "database error");
                Self::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let status = http::StatusCode::from_u16(self.status()).unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        (status, axum::Json(self)).into_response()
    }
}
