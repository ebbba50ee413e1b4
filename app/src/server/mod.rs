//! Everything that runs only on the server: state, storage, services, rendering helpers.
//! Compiled with the `ssr` feature only; pages reach it through server functions.

pub mod db;
pub mod demo;
pub mod live;
pub mod render;
pub mod services;
pub mod store;
pub mod testing;

use std::sync::Arc;

use chrono_tz::Tz;
use leptos::prelude::*;

use crate::domain::{Lang, Role, SessionInfo};
use crate::error::AppError;
pub use db::Db;

/// What every request handler and server function can reach.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    /// The public address, e.g. `https://desk.example.com`, for links in invitations.
    pub base_url: String,
    /// Peppers stored token hashes; from `ACCORD_SECRET_KEY` or generated once and stored.
    pub secret: Arc<Vec<u8>>,
    pub leptos_options: LeptosOptions,
    /// Ticket changes for open boards and lists.
    pub live: live::Live,
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(s: &AppState) -> LeptosOptions {
        s.leptos_options.clone()
    }
}

/// The signed-in agent a request acts for. The session middleware puts it into the
/// request's extensions; services take it as their first argument and check rights there.
#[derive(Clone, Debug)]
pub struct Actor {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub language: Lang,
    pub timezone: Tz,
}

impl Actor {
    /// What the page embeds about the signed-in agent.
    pub fn session_info(&self) -> SessionInfo {
        SessionInfo {
            agent_id: self.id,
            name: self.name.clone(),
            email: self.email.clone(),
            role: self.role,
            language: self.language,
            timezone: self.timezone.name().to_owned(),
        }
    }
}

/// The language chosen for a request without a session (from `Accept-Language`), put into
/// the request's extensions by the session middleware.
#[derive(Clone, Copy, Debug)]
pub struct RequestLang(pub Lang);

/// The shared state, inside a server function or page render.
///
/// # Errors
/// `Internal` when called outside a request (a wiring mistake).
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from context");
        AppError::Internal
    })
}

/// The agent the current request acts for.
///
/// # Errors
/// `Unauthorized` when the request carries no valid session.
pub fn actor() -> Result<Actor, AppError> {
    use_context::<http::request::Parts>()
        .and_then(|p| p.extensions.get::<Actor>().cloned())
        .ok_or(AppError::Unauthorized)
}

/// The language of the current request: the agent's, else the browser's, else English.
pub fn request_lang() -> Lang {
    use_context::<http::request::Parts>()
        .and_then(|p| {
            p.extensions
                .get::<Actor>()
                .map(|a| a.language)
                .or_else(|| p.extensions.get::<RequestLang>().map(|l| l.0))
        })
        .unwrap_or(Lang::En)
}

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "accord_session";

/// The value of cookie `name` in a `Cookie` header.
pub fn cookie_value(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The current request's session token, if it sent one.
pub fn session_token() -> Option<String> {
    use_context::<http::request::Parts>().and_then(|p| cookie_value(&p.headers, SESSION_COOKIE))
}

/// Gives a server function's error its HTTP status (422, 403, 409, …) instead of 500, so
/// only real failures show up as server errors.
pub fn answer<T>(r: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(e) = &r {
        if let (Some(o), Ok(code)) = (use_context::<leptos_axum::ResponseOptions>(), http::StatusCode::from_u16(e.status())) {
            o.set_status(code);
        }
    }
    r
}
