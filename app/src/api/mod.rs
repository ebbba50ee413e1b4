//! Server functions: the thin layer pages call. Each parses its input, finds the acting
//! agent and hands over to `server::services`, where rules and permissions live.

pub mod agents;
pub mod agreements;
pub mod catalog;
pub mod customers;
pub mod notifications;
pub mod sla;
pub mod tickets;
