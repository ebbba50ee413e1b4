//! One module per page.

mod agents;
pub mod agreements;
mod auth;
mod board;
pub mod customers;
mod new_ticket;
mod notifications;
mod not_found;
mod profile;
mod services;
mod sla;
mod ticket;
pub mod tickets;

pub use agents::AgentsPage;
pub use agreements::{AgreementPage, AgreementsPage, NewAgreementPage};
pub use auth::{InvitePage, LoginPage};
pub use board::BoardPage;
pub use customers::{CustomerPage, CustomersPage};
pub use new_ticket::NewTicketPage;
pub use notifications::NotificationsPage;
pub use not_found::NotFoundPage;
pub use profile::ProfilePage;
pub use services::{ServicePage, ServicesPage};
pub use sla::{CalendarPage, CalendarsPage, PoliciesPage, PolicyPage};
pub use ticket::TicketPage;
pub use tickets::TicketListPage;
