//! Building blocks shared by the pages.

use leptos::prelude::*;

use super::{use_session, use_tr};
use crate::i18n::fill;
use crate::domain::{Priority, Role, SlaCountdown, SortKey, StatusView, TicketListItem, TicketQuery, Urgency, countdown_text};
use crate::error::AppError;

/// Timezones offered in pickers (any IANA name is accepted when typed).
pub const TIMEZONES: &[&str] = &[
    "UTC", "Europe/Stockholm", "Europe/Copenhagen", "Europe/Oslo", "Europe/Helsinki", "Europe/Moscow",
    "Europe/London", "Europe/Berlin", "Europe/Paris", "Europe/Warsaw", "America/New_York", "America/Chicago",
    "America/Los_Angeles", "Asia/Dubai", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo", "Australia/Sydney",
];

/// The frame of every signed-in page: navigation bar and content.
#[component]
pub fn Page(children: Children) -> impl IntoView {
    let t = use_tr();
    let session = use_session();
    let is_admin = session.as_ref().is_some_and(|s| s.role == Role::Admin);
    let who = session.as_ref().map(|s| s.name.clone()).unwrap_or_default();
    let role = session.as_ref().map(|s| t.role(s.role)).unwrap_or_default();
    view! {
        <header class="topbar">
            <a class="brand" href="/tickets">
                <span class="logo" aria-hidden="true">"◆"</span>
                {t.app_name}
            </a>
            <nav class="mainnav">
                <a href="/tickets">{t.nav_tickets}</a>
                <a href="/board">{t.nav_board}</a>
                <a href="/customers">{t.nav_customers}</a>
                <a href="/agreements">{t.nav_agreements}</a>
                <a href="/admin/services">{t.nav_services}</a>
                <a href="/admin/policies">{t.nav_sla}</a>
                <Show when=move || is_admin>
                    <a href="/admin/agents">{t.nav_agents}</a>
                </Show>
            </nav>
            <a class="button primary small newticket" href="/tickets/new">"+ "{t.nav_new_ticket}</a>
            <Bell/>
            <div class="me">
                <a href="/profile" class="who" title=role>{who}</a>
                <form method="post" action="/auth/logout" class="inline">
                    <button type="submit" class="link">{t.sign_out}</button>
                </form>
            </div>
        </header>
        <main class="content">{children()}</main>
    }
}

/// How often the bell asks for the unread count again.
const BELL_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// The notifications link with the unread count, asked again every half minute.
#[component]
fn Bell() -> impl IntoView {
    let t = use_tr();
    let again = RwSignal::new(0u32);
    let unread = Resource::new(move || again.get(), |_| crate::api::notifications::unread_notifications());
    Effect::new(move |_| {
        // Effects run in the browser only.
        if let Ok(h) = set_interval_with_handle(move || again.update(|n| *n += 1), BELL_EVERY) {
            on_cleanup(move || h.clear());
        }
    });
    let count = move || {
        Suspend::new(async move {
            let n = unread.await.unwrap_or(0);
            let label = format!("{} ({})", t.nav_notifications, fill(t.unread_count, &[("n", &n.to_string())]));
            view! {
                <a href="/notifications" class="bell" class:has-unread=move || { n > 0 } title=label.clone() aria-label=label data-testid="bell">
                    <svg class="bell-icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9"/><path d="M10.3 21a1.94 1.94 0 0 0 3.4 0"/></svg>
                    <Show when=move || { n > 0 }><span class="count">{n}</span></Show>
                </a>
            }
        })
    };
    view! { <Transition fallback=move || view! { <a href="/notifications" class="bell" aria-label=t.nav_notifications><svg class="bell-icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9"/><path d="M10.3 21a1.94 1.94 0 0 0 3.4 0"/></svg></a> }>{count}</Transition> }
}

/// A translated message for an error from the server.
#[component]
pub fn ErrorNotice(err: AppError) -> impl IntoView {
    let t = use_tr();
    let (text, login) = match &err {
        AppError::NotFound => (t.not_found_body.to_owned(), false),
        AppError::Forbidden => (t.forbidden.to_owned(), false),
        AppError::Unauthorized => (t.session_ended.to_owned(), true),
        AppError::Throttled => (t.throttled.to_owned(), false),
        AppError::Transport(_) => (t.network_error.to_owned(), false),
        AppError::Invalid(errs) => (errs.iter().map(|e| t.problem(&e.problem)).collect::<Vec<_>>().join(" "), false),
        AppError::Conflict { by, .. } => (crate::i18n::fill(t.conflict, &[("by", by)]), false),
        AppError::Internal => (t.server_error.to_owned(), false),
    };
    view! {
        <div class="notice error" role="alert">
            {text}
            <Show when=move || login>
                " "<a href="/login">{t.sign_in}</a>
            </Show>
        </div>
    }
}

/// The message for one field of a failed submission, if it names that field.
#[component]
pub fn FieldMsg(#[prop(into)] err: Signal<Option<AppError>>, field: &'static str) -> impl IntoView {
    let t = use_tr();
    let msg = move || err.get().and_then(|e| e.field(field)).map(|p| t.problem(&p));
    view! { <span class="field-error" role="alert">{msg}</span> }
}

/// A non-field error of a failed submission (forbidden, server error, …).
#[component]
pub fn FormError(#[prop(into)] err: Signal<Option<AppError>>) -> impl IntoView {
    let general = move || err.get().filter(|e| !matches!(e, AppError::Invalid(_) | AppError::Conflict { .. }));
    view! { {move || general().map(|e| view! { <ErrorNotice err=e/> })} }
}

/// An SLA clock counting down in the page's one tick: business time left (or overdue), amber
/// from the warning point and red at the goal, each with its icon and words as well as its
/// colour; a paused clock says so and stands still. `data-due` is the server's due instant.
#[component]
pub fn Countdown(c: SlaCountdown) -> impl IntoView {
    let t = use_tr();
    let clock = super::tick::use_page_clock();
    let target = t.target(c.target);
    let due = c.due.and_then(|d| chrono::DateTime::from_timestamp(d, 0)).map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string());
    let title = match &due {
        Some(d) => fill(t.n_due, &[("target", target), ("at", &d.replace('T', " ").replace('Z', " UTC"))]),
        None => target.to_owned(),
    };
    let paused = c.paused;
    let goal = c.goal_seconds;
    let c = StoredValue::new(c);
    let used = Memo::new(move |_| {
        let now = clock.now.get();
        c.with_value(|c| clock.spans.with(|l| c.used_at(l.iter().find(|x| x.id == c.calendar).map(|x| &x.spans), now.unwrap_or(c.at))))
    });
    let urgency = move || c.with_value(|c| c.urgency(used.get()));
    let class = move || {
        let level = match urgency() {
            Urgency::Normal => "ok",
            Urgency::Warning => "warn",
            Urgency::Breached => "breached",
        };
        format!("sla-countdown {level}{}", if paused { " paused" } else { "" })
    };
    let data = move || match urgency() {
        Urgency::Normal => "normal",
        Urgency::Warning => "warning",
        Urgency::Breached => "breached",
    };
    let icon = move || match (urgency(), paused) {
        (Urgency::Breached, _) => "✖",
        (_, true) => "‖",
        (Urgency::Warning, _) => "⚠",
        (Urgency::Normal, _) => "◷",
    };
    let text = move || {
        let left = goal - used.get();
        let d = countdown_text(left.abs());
        match (left > 0, paused) {
            (false, _) => fill(t.sla_overdue, &[("d", &d)]),
            (true, true) => fill(t.sla_paused_left, &[("d", &d)]),
            (true, false) => fill(t.sla_left, &[("d", &d)]),
        }
    };
    view! {
        <span class=class data-testid="countdown" data-due=due data-urgency=data data-target=target title=title>
            <span aria-hidden="true">{icon}</span>" "{text}
        </span>
    }
}

/// A status badge, coloured by category.
#[component]
pub fn StatusBadge(status: StatusView) -> impl IntoView {
    let t = use_tr();
    let class = format!("badge status {}", status.category.as_str());
    view! { <span class=class>{t.status(&status)}</span> }
}

/// A priority badge.
#[component]
pub fn PriorityBadge(priority: Priority) -> impl IntoView {
    let t = use_tr();
    let class = format!("badge prio {}", priority.as_str());
    view! { <span class=class>{t.priority(priority)}</span> }
}

/// Which columns a ticket table shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Columns {
    /// Every column.
    #[default]
    All,
    /// Without the customer (on a customer's own page).
    WithoutCustomer,
}

/// A column header: a link that sorts by it when the table is sortable.
#[component]
fn Header(label: &'static str, key: SortKey, query: Option<TicketQuery>) -> impl IntoView {
    let t = use_tr();
    match query {
        None => view! { <th>{label}</th> }.into_any(),
        Some(q) => {
            let active = q.sort == key;
            let arrow = if !active { "" } else if q.desc { " ↓" } else { " ↑" };
            let aria = if !active { "none" } else if q.desc { "descending" } else { "ascending" };
            let title = if active && q.desc { t.sort_asc } else { t.sort_desc };
            let href = q.sorted_by(key).href("/tickets");
            view! { <th aria-sort=aria><a class="sort" class:active=active href=href title=title>{label}{arrow}</a></th> }.into_any()
        }
    }
}

/// A table of tickets that becomes a list of cards on a phone. With `query`, its headers
/// sort the list.
#[component]
pub fn TicketTable(
    items: Vec<TicketListItem>,
    #[prop(optional)] columns: Columns,
    #[prop(optional)] query: Option<TicketQuery>,
    /// With a selection, each row gets a checkbox (for bulk changes).
    #[prop(optional)] selection: Option<RwSignal<Vec<i64>>>,
) -> impl IntoView {
    let show_customer = columns == Columns::All;
    let page_ids: Vec<i64> = items.iter().map(|i| i.id).collect();
    let t = use_tr();
    if items.is_empty() {
        return view! { <p class="empty">{t.no_tickets}</p> }.into_any();
    }
    let rows = items
        .into_iter()
        .map(|i| {
            let href = format!("/tickets/{}", i.number);
            let customer_href = format!("/customers/{}", i.customer_id);
            let assignee = i.assignee_name.clone().unwrap_or_else(|| t.unassigned.to_owned());
            let id = i.id;
            let pick = selection.map(|sel| {
                let checked = move || sel.with(|s| s.contains(&id));
                let toggle = move |_| sel.update(|s| if let Some(p) = s.iter().position(|x| *x == id) { s.remove(p); } else { s.push(id); });
                view! { <td class="pick"><input type="checkbox" aria-label=t.select_ticket prop:checked=checked on:change=toggle/></td> }
            });
            view! {
                <tr>
                    {pick}
                    <td class="num" data-label=t.col_number><a href=href.clone()>{i.number.clone()}</a></td>
                    <td class="title" data-label=t.col_title><a href=href>{i.title.clone()}</a></td>
                    <td data-label=t.col_status><StatusBadge status=i.status.clone()/></td>
                    <td data-label=t.col_priority><PriorityBadge priority=i.priority/></td>
                    <Show when=move || show_customer>
                        <td data-label=t.col_customer><a href=customer_href.clone()>{i.customer_name.clone()}</a></td>
                    </Show>
                    <td data-label=t.col_assignee class:muted=i.assignee_name.is_none()>{assignee}</td>
                    <td data-label=t.col_sla class="sla">{i.sla.clone().map(|c| view! { <Countdown c/> })}</td>
                    <td data-label=t.col_updated><time datetime=i.updated.iso.clone()>{i.updated.text.clone()}</time></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="tickets">
            <thead>
                <tr>
                    {selection.map(|sel| {
                        let ids = page_ids.clone();
                        let all = { let ids = ids.clone(); move || !ids.is_empty() && sel.with(|s| ids.iter().all(|i| s.contains(i))) };
                        let all_for_toggle = all.clone();
                        let toggle = move |_| {
                            let everything = all_for_toggle();
                            sel.update(|s| if everything { s.retain(|x| !ids.contains(x)) } else { for i in &ids { if !s.contains(i) { s.push(*i) } } });
                        };
                        view! { <th class="pick"><input type="checkbox" aria-label=t.select_all prop:checked=all on:change=toggle/></th> }
                    })}
                    <Header label=t.col_number key=SortKey::Number query=query.clone()/>
                    <Header label=t.col_title key=SortKey::Title query=query.clone()/>
                    <Header label=t.col_status key=SortKey::Status query=query.clone()/>
                    <Header label=t.col_priority key=SortKey::Priority query=query.clone()/>
                    {show_customer.then(|| view! { <Header label=t.col_customer key=SortKey::Customer query=query.clone()/> })}
                    <Header label=t.col_assignee key=SortKey::Assignee query=query.clone()/>
                    <Header label=t.col_sla key=SortKey::Due query=query.clone()/>
                    <Header label=t.col_updated key=SortKey::Updated query=query.clone()/>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

/// The error an action ended with, as a signal for field messages.
pub fn action_error<T, S>(value: S) -> Signal<Option<AppError>>
where
    T: Clone + Send + Sync + 'static,
    S: Get<Value = Option<Result<T, AppError>>> + Send + Sync + 'static,
{
    Signal::derive(move || value.get().and_then(|r| r.err()))
}

/// Sets the HTTP status of the page being rendered (404 for a missing ticket, say).
pub fn set_status(_code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(r), Ok(code)) = (use_context::<leptos_axum::ResponseOptions>(), http::StatusCode::from_u16(_code)) {
        r.set_status(code);
    }
}

/// The page's numeric `:id` route parameter (0 when it is missing or not a number, which the
/// server answers with "not found").
pub fn use_id_param() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || params.read().get("id").and_then(|v| v.parse::<i64>().ok()).unwrap_or(0)
}
