//! The storage layer: every SQL statement Accord runs, written once in portable SQL and run
//! on SQLite or PostgreSQL through `on_db!`. Everything above (services, REST, pages) goes
//! through these functions; their tests run on both backends.

pub mod agents;
pub mod agreements;
pub mod alerts;
pub mod customers;
pub mod sessions;
pub mod search;
pub mod services;
pub mod settings;
pub mod sla;
pub mod tickets;

#[cfg(test)]
mod tests;
