//! `GET /api/live/tickets`: server-sent events naming tickets that changed, for open boards
//! and lists. The first message is `ready`; each next one is `{"tickets":[{"ticket_id":…,"kind":…}]}`; a `resync` message
//! tells a page it fell behind and should reload its data.

use std::convert::Infallible;

use app::server::{Actor, AppState};
use axum::Extension;
use axum::extract::State;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use tokio::sync::broadcast::error::RecvError;

pub async fn on_tickets(State(s): State<AppState>, Extension(_actor): Extension<Actor>) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let rx = s.live.subscribe();
    // At shutdown the stream ends, or a graceful shutdown would wait for it forever.
    let closed = Box::pin(s.live.closed());
    let stream = futures::stream::unfold((rx, closed), |(mut rx, mut closed)| async move {
        let event = tokio::select! {
            r = rx.recv() => match r {
                Ok(changes) => Event::default().event("tickets").data(serde_json::json!({ "tickets": *changes }).to_string()),
                Err(RecvError::Lagged(_)) => Event::default().event("resync").data("{}"),
                Err(RecvError::Closed) => return None,
            },
            () = &mut closed => return None,
        };
        Some((Ok(event), (rx, closed)))
    });
    // `ready` first, so a page knows it is following (and reloads what it may have missed).
    let ready = futures::stream::once(async { Ok(Event::default().event("ready").data("{}")) });
    Sse::new(futures::StreamExt::chain(ready, stream)).keep_alive(KeepAlive::default())
}
