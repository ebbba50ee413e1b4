//! Accord's heart, compiled twice: into the server (`ssr`) and into the browser (`hydrate`).
//! `domain` and `i18n` are pure and shared; `api` holds the server functions pages call;
//! `ui` the pages; `server` (ssr only) state, storage and the service layer.

#![recursion_limit = "256"]

pub mod api;
pub mod domain;
pub mod error;
pub mod i18n;
#[cfg(feature = "ssr")]
pub mod server;
pub mod sla;
pub mod ui;

pub use ui::{App, shell};
