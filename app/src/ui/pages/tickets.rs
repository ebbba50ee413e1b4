//! The ticket list: newest first, paged by keyset. Filters and the board come with the
//! agent-workspace issue.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::tickets::list_tickets;
use crate::ui::components::{ErrorNotice, Page, TicketTable};
use crate::ui::use_tr;

/// `/tickets?before=<id>`.
#[component]
pub fn TicketListPage() -> impl IntoView {
    let t = use_tr();
    let q = use_query_map();
    let before = move || q.read().get("before").and_then(|v| v.parse::<i64>().ok());
    let page = Resource::new(before, |b| list_tickets(None, b));
    let body = move || {
        Suspend::new(async move {
            match page.await {
                Ok(p) => {
                    let next = p.next.map(|n| format!("/tickets?before={n}"));
                    let paged = before().is_some();
                    view! {
                        <div class="card flush"><TicketTable items=p.items/></div>
                        <nav class="pager">
                            <Show when=move || paged><a class="button" href="/tickets">{t.first_page}</a></Show>
                            {next.map(|href| view! { <a class="button" href=href>{t.next_page}" →"</a> })}
                        </nav>
                    }
                    .into_any()
                }
                Err(e) => view! { <ErrorNotice err=e/> }.into_any(),
            }
        })
    };
    view! {
        <Title text=t.tickets_title/>
        <Page>
            <div class="page-head">
                <h1>{t.tickets_title}</h1>
            </div>
            <Transition fallback=move || view! { <p class="muted">{t.loading}</p> }>{body}</Transition>
        </Page>
    }
}
