//! Ticket server functions.

use leptos::prelude::*;

use crate::domain::{BoardView, BulkOutcome, TicketListItem, CommentForm, NewTicketForm, StatusView, TicketEditForm, TicketFormOptions, TicketSearchPage, TicketView};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::server::{actor, answer, app_state, services};

/// A page of the filtered, sorted list. The query travels as the list's own URL query
/// string, the one encoding the page, the REST API and bookmarks share.
#[server(endpoint = "tickets/search")]
pub async fn search_tickets(query: String) -> Result<TicketSearchPage, AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        services::tickets::search(&s.db, &a, &crate::domain::TicketQuery::from_query_string(&query), chrono::Utc::now()).await
    }
    .await)
}

/// The board for a list query: a column per admitted status, each with its first
/// `per_column` cards (a live refresh asks for as many as the page shows).
/// How many tickets a list query matches, exact up to [`crate::domain::COUNT_CAP`]: asked
/// when the page left its `total` out.
#[server(endpoint = "tickets/count")]
pub async fn count_tickets(query: String) -> Result<i64, AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        services::tickets::count(&s.db, &a, &crate::domain::TicketQuery::from_query_string(&query)).await
    }
    .await)
}

#[server(endpoint = "tickets/board")]
pub async fn board_tickets(query: String, per_column: i64) -> Result<BoardView, AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        let q = crate::domain::TicketQuery::from_query_string(&query);
        services::tickets::board(&s.db, &a, &q, per_column, chrono::Utc::now()).await
    }
    .await)
}

/// More cards of one board column; `query` names its status and the cursor to continue after.
#[server(endpoint = "tickets/board_column")]
pub async fn board_column(query: String) -> Result<TicketSearchPage, AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        let q = crate::domain::TicketQuery::from_query_string(&query);
        services::tickets::board_column(&s.db, &a, &q, chrono::Utc::now()).await
    }
    .await)
}

/// Moves a ticket to another status (a board drop). Refused with `Conflict` when it changed
/// since `version`, `Forbidden` without the right.
#[server(endpoint = "tickets/move")]
pub async fn move_ticket(id: i64, version: i64, status_id: i64) -> Result<TicketListItem, AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        services::tickets::move_to(&s.db, &a, id, version, status_id, chrono::Utc::now()).await
    }
    .await)
}

/// The ticket page's data, by display number (`ACC-1042`).
#[server(endpoint = "tickets/get")]
pub async fn get_ticket(number: String) -> Result<TicketView, AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        services::tickets::view_by_number(&s.db, &a, &number).await
    }
    .await)
}

/// Every status, for the edit form.
#[server(endpoint = "tickets/statuses")]
pub async fn list_statuses() -> Result<Vec<StatusView>, AppError> {
    answer(async move {
        actor()?;
        services::tickets::statuses(&app_state()?.db).await
    }
    .await)
}

/// What the new-ticket form offers.
#[server(endpoint = "tickets/form_options")]
pub async fn new_ticket_options() -> Result<TicketFormOptions, AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        let customers = services::customers::choices(&s.db, &a).await?;
        let agents = services::agents::list(&s.db, &a).await?.into_iter().filter(|x| x.active).collect();
        let services = services::catalog::active(&s.db, &a).await?.into_iter().map(|x| (x.id, x.name)).collect();
        Ok(TicketFormOptions { customers, agents, services })
    }
    .await)
}

/// Opens a ticket; returns its display number.
#[server(endpoint = "tickets/create")]
pub async fn create_ticket(form: NewTicketForm) -> Result<String, AppError> {
    answer(async move {
        let input = crate::domain::NewTicket::try_from(form).map_err(AppError::Invalid)?;
        let (s, a) = (app_state()?, actor()?);
        let (_, number) = services::tickets::create(&s.db, &a, input, chrono::Utc::now()).await?;
        Ok(number)
    }
    .await)
}

/// Changes a ticket's fields; refused with `Conflict` when it changed since `form.version`.
#[server(endpoint = "tickets/edit")]
pub async fn edit_ticket(id: i64, form: TicketEditForm) -> Result<TicketView, AppError> {
    answer(async move {
        let input = crate::domain::TicketEdit::try_from(form).map_err(AppError::Invalid)?;
        let (s, a) = (app_state()?, actor()?);
        services::tickets::edit(&s.db, &a, id, input, chrono::Utc::now()).await
    }
    .await)
}

/// Sets status, priority and/or assignee of many tickets at once. `ids` is comma-separated;
/// an empty field is left as it is; `assignee_id` "none" unassigns.
#[server(endpoint = "tickets/bulk")]
pub async fn bulk_edit_tickets(ids: String, status_id: String, priority: String, assignee_id: String) -> Result<BulkOutcome, AppError> {
    answer(async move {
        let ids: Vec<i64> = ids.split(',').filter_map(|x| x.trim().parse().ok()).collect();
        let some = |v: String| (!v.trim().is_empty()).then_some(v);
        let form = TicketEditForm {
            version: 0,
            status_id: some(status_id),
            priority: some(priority),
            assignee_id: some(assignee_id).map(|a| if a == "none" { String::new() } else { a }),
            ..Default::default()
        };
        let change = crate::domain::TicketEdit::try_from(form).map_err(AppError::Invalid)?;
        let (s, a) = (app_state()?, actor()?);
        services::tickets::bulk_edit(&s.db, &a, &ids, &change, chrono::Utc::now()).await
    }
    .await)
}

/// Adds a public reply or an internal note.
#[server(endpoint = "tickets/comment")]
pub async fn add_comment(ticket_id: i64, form: CommentForm) -> Result<i64, AppError> {
    answer(async move {
        let input = crate::domain::NewComment::try_from(form).map_err(AppError::Invalid)?;
        let (s, a) = (app_state()?, actor()?);
        services::tickets::comment(&s.db, &a, ticket_id, input, chrono::Utc::now()).await
    }
    .await)
}
