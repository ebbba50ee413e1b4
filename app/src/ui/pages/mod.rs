//! One module per page.

mod agents;
mod auth;
mod board;
mod customers;
mod new_ticket;
mod not_found;
mod profile;
mod ticket;
pub mod tickets;

pub use agents::AgentsPage;
pub use auth::{InvitePage, LoginPage};
pub use board::BoardPage;
pub use customers::{CustomerPage, CustomersPage};
pub use new_ticket::NewTicketPage;
pub use not_found::NotFoundPage;
pub use profile::ProfilePage;
pub use ticket::TicketPage;
pub use tickets::TicketListPage;
