//! Integration tests: the real server on a random port, on SQLite and on PostgreSQL.

mod helpers;

mod auth;
mod board;
mod pages;
mod startup;
mod tickets;
