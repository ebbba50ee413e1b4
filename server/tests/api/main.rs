//! Integration tests: the real server on a random port, on SQLite and on PostgreSQL.

mod helpers;

mod agreements;
mod auth;
mod board;
mod notifications;
mod pages;
mod services;
mod sla_cli;
mod startup;
mod tickets;
