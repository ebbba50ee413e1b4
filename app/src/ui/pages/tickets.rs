//! The ticket list: filters (status, priority, assignee, customer, full text, date ranges),
//! sorting by any column, keyset paging and a capped count. The filter is a plain GET form
//! and every state is a URL, so a view can be bookmarked and shared.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use crate::api::tickets::{BulkEditTickets, count_tickets, list_statuses, new_ticket_options, search_tickets};
use crate::domain::{AssigneeFilter, COUNT_CAP, Priority, SlaFilter, StatusView, TicketFormOptions, TicketQuery, countdown_text};
use crate::i18n::fill;
use crate::ui::components::{ErrorNotice, Page, TicketTable};
use crate::ui::live::{LiveMark, debounced, use_live_tickets};
use crate::ui::{use_session, use_tr};

/// The filter form once its pickers' data has arrived, for the list and the board alike.
#[component]
pub fn FilterPanel(
    query: Memo<TicketQuery>,
    statuses: Resource<Result<Vec<StatusView>, crate::error::AppError>>,
    options: Resource<Result<TicketFormOptions, crate::error::AppError>>,
    base: &'static str,
) -> impl IntoView {
    let form = move || {
        Suspend::new(async move {
            match (statuses.await, options.await) {
                (Ok(s), Ok(o)) => view! { <FilterForm query=query.get_untracked() statuses=s options=o base/> }.into_any(),
                (Err(e), _) | (_, Err(e)) => view! { <ErrorNotice err=e/> }.into_any(),
            }
        })
    };
    view! { <Transition fallback=|| ()>{form}</Transition> }
}

/// List | Board, keeping the filter.
#[component]
pub fn ViewSwitch(query: Memo<TicketQuery>, board: bool) -> impl IntoView {
    let t = use_tr();
    let href = move |base: &'static str| query.with(|q| q.first_page().href(base));
    view! {
        <nav class="viewswitch" aria-label=t.view_board>
            <a href=move || href("/tickets") aria-current=(!board).then_some("page")>{t.view_list}</a>
            <a href=move || href("/board") aria-current=board.then_some("page")>{t.view_board}</a>
        </nav>
    }
}

/// The list's query, as the URL holds it.
pub fn use_ticket_query() -> Memo<TicketQuery> {
    let q = use_query_map();
    Memo::new(move |_| TicketQuery::from_query_string(&q.read().to_query_string()))
}

/// `/tickets?…`.
#[component]
pub fn TicketListPage() -> impl IntoView {
    let t = use_tr();
    let query = use_ticket_query();
    let bulk = ServerAction::<BulkEditTickets>::new();
    // Bumped when another agent changes a ticket: the page reloads in place.
    let changed = RwSignal::new(0u64);
    let connected = use_live_tickets(debounced(move || changed.update(|n| *n += 1)));
    let page = Resource::new(move || (query.get().to_query_string(), bulk.version().get(), changed.get()), |(q, _, _)| search_tickets(q));
    let selection = RwSignal::new(Vec::<i64>::new());
    // A new filter or page starts with nothing selected.
    Effect::new(move |_| {
        query.track();
        selection.set(Vec::new());
    });
    let statuses = Resource::new(|| (), |_| list_statuses());
    let options = Resource::new(|| (), |_| new_ticket_options());
    let body = move || {
        Suspend::new(async move {
            match page.await {
                Ok(p) => {
                    crate::ui::tick::use_page_clock().learn(&p.calendars);
                    let q = query.get_untracked();
                    let count = match p.total {
                        Some(n) => view! { <p class="count muted" aria-live="polite">{count_text(t, n)}</p> }.into_any(),
                        None => view! { <DeferredCount query=q.to_query_string()/> }.into_any(),
                    };
                    let next = p.next.map(|c| TicketQuery { after: Some(c), ..q.clone() }.href("/tickets"));
                    let first = q.after.is_some().then(|| q.first_page().href("/tickets"));
                    view! {
                        {count}
                        <div class="card flush"><TicketTable items=p.items query=q selection/></div>
                        <nav class="pager">
                            {first.map(|href| view! { <a class="button" href=href>{t.first_page}</a> })}
                            {next.map(|href| view! { <a class="button" href=href rel="next">{t.next_page}" →"</a> })}
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
                <LiveMark connected/>
                <ViewSwitch query board=false/>
            </div>
            <FilterPanel query statuses options base="/tickets"/>
            <BulkBar selection bulk statuses options/>
            <Transition fallback=move || view! { <p class="muted">{t.loading}</p> }>{body}</Transition>
        </Page>
    }
}

fn count_text(t: &'static crate::i18n::Tr, n: i64) -> String {
    match n {
        1 => t.count_one.to_owned(),
        n if n > COUNT_CAP => t.count_many.to_owned(),
        n => fill(t.count_tickets, &[("n", &n.to_string())]),
    }
}

/// The count of a list whose page came without one (counting cost more than the page): asked
/// for on its own, shown when it arrives.
#[component]
fn DeferredCount(query: String) -> impl IntoView {
    let t = use_tr();
    let total = Resource::new(move || query.clone(), count_tickets);
    let text = move || Suspend::new(async move { total.await.map(|n| count_text(t, n)).unwrap_or_default() });
    view! {
        <p class="count muted" aria-live="polite">
            <Suspense fallback=move || t.counting>{text}</Suspense>
        </p>
    }
}

/// Appears while tickets are selected: one change for all of them.
#[component]
fn BulkBar(
    selection: RwSignal<Vec<i64>>,
    bulk: ServerAction<BulkEditTickets>,
    statuses: Resource<Result<Vec<StatusView>, crate::error::AppError>>,
    options: Resource<Result<TicketFormOptions, crate::error::AppError>>,
) -> impl IntoView {
    let t = use_tr();
    let me = use_session();
    let is_manager = me.as_ref().is_some_and(|s| s.role.is_manager());
    let my_id = me.as_ref().map(|s| s.agent_id);
    let (status, priority, assignee) = (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    Effect::new(move |_| {
        if let Some(Ok(_)) = bulk.value().get() {
            selection.set(Vec::new());
        }
    });
    let outcome = move || {
        bulk.value().get().map(|r| match r {
            Ok(o) => {
                let mut text = fill(t.bulk_updated, &[("n", &o.updated.len().to_string())]);
                if !o.refused.is_empty() {
                    text.push(' ');
                    text.push_str(&fill(t.bulk_refused, &[("list", &o.refused.join(", "))]));
                }
                let class = if o.refused.is_empty() { "notice ok" } else { "notice conflict" };
                view! { <div class=class role="status">{text}</div> }.into_any()
            }
            Err(e) => view! { <ErrorNotice err=e/> }.into_any(),
        })
    };
    let apply = move |_| {
        let ids = selection.get_untracked().iter().map(i64::to_string).collect::<Vec<_>>().join(",");
        bulk.dispatch(BulkEditTickets { ids, status_id: status.get_untracked(), priority: priority.get_untracked(), assignee_id: assignee.get_untracked() });
    };
    let nothing = move || status.get().is_empty() && priority.get().is_empty() && assignee.get().is_empty();
    let pickers = move || {
        Suspend::new(async move {
            let statuses = statuses.await.unwrap_or_default();
            let agents = options.await.map(|o| o.agents).unwrap_or_default();
            let status_options = statuses.iter().map(|s| view! { <option value=s.id.to_string()>{t.status(s)}</option> }).collect_view();
            let agent_options = agents
                .into_iter()
                .filter(|a| is_manager || Some(a.id) == my_id)
                .map(|a| view! { <option value=a.id.to_string()>{a.name}</option> })
                .collect_view();
            view! {
                <select aria-label=t.col_status on:change=move |ev| status.set(event_target_value(&ev))>
                    <option value="">{t.col_status}": "{t.bulk_no_change}</option>{status_options}
                </select>
                <select aria-label=t.col_priority on:change=move |ev| priority.set(event_target_value(&ev))>
                    <option value="">{t.col_priority}": "{t.bulk_no_change}</option>
                    {Priority::ALL.iter().map(|p| view! { <option value=p.as_str()>{t.priority(*p)}</option> }).collect_view()}
                </select>
                <select aria-label=t.col_assignee on:change=move |ev| assignee.set(event_target_value(&ev))>
                    <option value="">{t.col_assignee}": "{t.bulk_no_change}</option>
                    <option value="none">{t.unassigned}</option>
                    {agent_options}
                </select>
            }
        })
    };
    view! {
        {outcome}
        <Show when=move || !selection.with(Vec::is_empty)>
            <div class="card bulkbar" role="region" aria-label=t.bulk_apply>
                <strong>{move || fill(t.bulk_selected, &[("n", &selection.with(Vec::len).to_string())])}</strong>
                <Transition fallback=|| ()>{pickers}</Transition>
                <button type="button" class="button primary" disabled=move || nothing() || bulk.pending().get() on:click=apply>{t.bulk_apply}</button>
            </div>
        </Show>
    }
}

/// The filters as a GET form: it works before the page is live, and its result is a URL.
#[component]
pub fn FilterForm(query: TicketQuery, statuses: Vec<StatusView>, options: TicketFormOptions, base: &'static str) -> impl IntoView {
    let t = use_tr();
    let q = query;
    let status_boxes = statuses
        .iter()
        .map(|s| {
            let checked = q.statuses.contains(&s.id);
            view! { <label class="check"><input type="checkbox" name="status" value=s.id.to_string() checked=checked/>{t.status(s)}</label> }
        })
        .collect_view();
    let priority_boxes = Priority::ALL
        .iter()
        .map(|p| {
            let checked = q.priorities.contains(p);
            view! { <label class="check"><input type="checkbox" name="priority" value=p.as_str() checked=checked/>{t.priority(*p)}</label> }
        })
        .collect_view();
    let assignee = q.assignee;
    let agent_options = options
        .agents
        .iter()
        .map(|a| view! { <option value=a.id.to_string() selected=assignee == Some(AssigneeFilter::Agent(a.id))>{a.name.clone()}</option> })
        .collect_view();
    let customer = q.customer_id;
    let customer_options = options
        .customers
        .iter()
        .map(|c| view! { <option value=c.id.to_string() selected=customer == Some(c.id)>{c.name.clone()}</option> })
        .collect_view();
    let date = |d: Option<chrono::NaiveDate>| d.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
    let (sort, dir) = {
        let params = q.to_params();
        let get = |k: &str| params.iter().find(|(key, _)| *key == k).map(|(_, v)| v.clone());
        (get("sort"), get("dir"))
    };
    let status_open = !q.statuses.is_empty();
    let priority_open = !q.priorities.is_empty();
    let dates_open = q.created_from.is_some() || q.created_to.is_some() || q.updated_from.is_some() || q.updated_to.is_some();
    let filtered = q.is_filtered();
    view! {
        <form method="get" action=base class="card filters">
            <div class="filter-row">
                <input type="search" name="q" value=q.text.clone() placeholder=t.filter_search aria-label=t.filter_search title=t.filter_search_hint class="grow"/>
                <select name="assignee" aria-label=t.col_assignee>
                    <option value="">{t.col_assignee}": "{t.filter_any}</option>
                    <option value="me" selected=assignee == Some(AssigneeFilter::Me)>{t.filter_me}</option>
                    <option value="none" selected=assignee == Some(AssigneeFilter::Unassigned)>{t.unassigned}</option>
                    {agent_options}
                </select>
                <select name="customer" aria-label=t.col_customer>
                    <option value="">{t.col_customer}": "{t.filter_any}</option>
                    {customer_options}
                </select>
                <select name="sla" aria-label=t.filter_sla>
                    <option value="">{t.filter_sla}": "{t.filter_any}</option>
                    {SlaFilter::CHOICES.into_iter().map(|f| {
                        let label = match f {
                            SlaFilter::Breached => t.sla_breached_filter.to_owned(),
                            SlaFilter::DueWithin(m) => fill(t.sla_within_filter, &[("d", &countdown_text(m * 60))]),
                        };
                        view! { <option value=f.as_param() selected=q.sla == Some(f)>{label}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="filter-row">
                <details open=status_open>
                    <summary>{t.col_status}</summary>
                    <div class="checks">{status_boxes}</div>
                </details>
                <details open=priority_open>
                    <summary>{t.col_priority}</summary>
                    <div class="checks">{priority_boxes}</div>
                </details>
                <details open=dates_open>
                    <summary>{t.filter_dates}</summary>
                    <div class="dates">
                        <label>{t.created_from}<input type="date" name="created_from" value=date(q.created_from)/></label>
                        <label>{t.created_to}<input type="date" name="created_to" value=date(q.created_to)/></label>
                        <label>{t.updated_from}<input type="date" name="updated_from" value=date(q.updated_from)/></label>
                        <label>{t.updated_to}<input type="date" name="updated_to" value=date(q.updated_to)/></label>
                    </div>
                </details>
                {sort.map(|v| view! { <input type="hidden" name="sort" value=v/> })}
                {dir.map(|v| view! { <input type="hidden" name="dir" value=v/> })}
                <div class="filter-actions">
                    <Show when=move || filtered>
                        <a href=base class="button">{t.filter_clear}</a>
                    </Show>
                    <button type="submit" class="button primary">{t.filter_apply}</button>
                </div>
            </div>
        </form>
    }
}
