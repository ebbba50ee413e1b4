//! The new-ticket form. The requester list follows the chosen customer; an agent may
//! assign the ticket to themselves, a manager to anyone.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::tickets::{CreateTicket, new_ticket_options};
use crate::domain::{Priority, TicketFormOptions};
use crate::i18n::fill;
use crate::ui::components::{ErrorNotice, FieldMsg, FormError, Page, action_error};
use crate::ui::{use_session, use_tr};

/// `/tickets/new?customer=<id>`.
#[component]
pub fn NewTicketPage() -> impl IntoView {
    let t = use_tr();
    let options = Resource::new(|| (), |_| new_ticket_options());
    let body = move || {
        Suspend::new(async move {
            match options.await {
                Ok(o) => view! { <NewTicketForm options=o/> }.into_any(),
                Err(e) => view! { <ErrorNotice err=e/> }.into_any(),
            }
        })
    };
    view! {
        <Title text=t.new_ticket_title/>
        <Page>
            <div class="page-head"><h1>{t.new_ticket_title}</h1></div>
            <Transition fallback=move || view! { <p class="muted">{t.loading}</p> }>{body}</Transition>
        </Page>
    }
}

#[component]
fn NewTicketForm(options: TicketFormOptions) -> impl IntoView {
    let t = use_tr();
    let me = use_session();
    let is_manager = me.as_ref().is_some_and(|s| s.role.is_manager());
    let my_id = me.as_ref().map(|s| s.agent_id);
    let q = use_query_map();
    let create = ServerAction::<CreateTicket>::new();
    let err = action_error(create.value());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(number)) = create.value().get() {
            navigate(&format!("/tickets/{number}"), Default::default());
        }
    });
    let customer = RwSignal::new(q.read_untracked().get("customer").unwrap_or_default());
    let customers = StoredValue::new(options.customers.clone());
    let preset = customer.get_untracked();
    let customer_options = options
        .customers
        .iter()
        .map(|c| view! { <option value=c.id.to_string() selected=c.id.to_string() == preset>{c.name.clone()}</option> })
        .collect_view();
    let requester_options = move || {
        let chosen = customer.get();
        customers
            .read_value()
            .iter()
            .find(|c| c.id.to_string() == chosen)
            .map(|c| {
                c.contacts
                    .iter()
                    .map(|k| view! { <option value=k.id.to_string()>{format!("{} <{}>", k.name, k.email)}</option> })
                    .collect_view()
            })
    };
    let priority_options = Priority::ALL
        .iter()
        .map(|p| view! { <option value=p.as_str() selected=*p == Priority::Normal>{t.priority(*p)}</option> })
        .collect_view();
    let agent_options = options
        .agents
        .iter()
        .filter(|a| is_manager || Some(a.id) == my_id)
        .map(|a| view! { <option value=a.id.to_string()>{a.name.clone()}</option> })
        .collect_view();
    // What the chosen customer's agreements allow, as the server will decide it.
    let service = RwSignal::new(String::new());
    let chosen_cover = move || {
        let c = customer.get();
        customers.read_value().iter().find(|x| x.id.to_string() == c).map(|x| (x.name.clone(), x.cover.clone()))
    };
    let coverage = move || {
        let (name, cover) = chosen_cover()?;
        let sid = service.get().parse::<i64>().ok();
        let covering: Vec<(i64, String)> = cover.covering(sid).into_iter().map(|g| (g.id, format!("{} · {}", g.number, g.title))).collect();
        Some(if let Some((_, first)) = covering.first() {
            let first = first.clone();
            let others = covering.len() > 1;
            let options = covering.into_iter().enumerate().map(|(i, (id, label))| {
                let value = if i == 0 { String::new() } else { id.to_string() };
                view! { <option value=value>{label}</option> }
            }).collect_view();
            view! {
                <div class="cover ok" data-testid="coverage">
                    {if others {
                        view! {
                            <label>{t.falls_under}
                                <select name="form[agreement_id]">{options}</select>
                                <span class="hint">{t.falls_under_hint}</span>
                                <FieldMsg err field="agreement_id"/>
                            </label>
                        }.into_any()
                    } else {
                        view! { <p><span class="muted">{t.falls_under}": "</span>{first}</p> }.into_any()
                    }}
                </div>
            }.into_any()
        } else if cover.refuses(sid) {
            let who = if cover.contact.is_empty() { t.account_manager_generic.to_owned() } else { cover.contact.clone() };
            view! {
                <div class="cover refused" role="alert" data-testid="coverage">
                    <p><strong>{t.not_covered_title}</strong></p>
                    <p>{fill(t.not_covered_text, &[("customer", &name), ("who", &who)])}</p>
                    <label>{t.override_reason}
                        <textarea name="form[override_reason]" rows="2" maxlength="500"></textarea>
                        <span class="hint">{t.override_hint}</span>
                        <FieldMsg err field="override_reason"/>
                    </label>
                </div>
            }.into_any()
        } else {
            ().into_any()
        })
    };
    let no_services = options.services.is_empty();
    let service_options = options.services.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view();
    view! {
        <div class="card narrow">
            <ActionForm action=create>
                <div class="stack">
                    <label>{t.col_customer}
                        <select name="form[customer_id]" required prop:value=customer on:change=move |ev| customer.set(event_target_value(&ev))>
                            <option value="">{t.choose_customer}</option>
                            {customer_options}
                        </select>
                        <FieldMsg err field="customer_id"/>
                    </label>
                    <label>{t.requester}
                        <select name="form[requester_id]">
                            <option value="">{t.no_requester}</option>
                            {requester_options}
                        </select>
                        <FieldMsg err field="requester_id"/>
                    </label>
                    {(!no_services).then(|| view! {
                        <label>{t.service}
                            <select name="form[service_id]" on:change=move |ev| service.set(event_target_value(&ev))>
                                <option value="">{t.no_service}</option>
                                {service_options}
                            </select>
                            <FieldMsg err field="service_id"/>
                        </label>
                    })}
                    {coverage}
                    <label>{t.title}
                        <input name="form[title]" maxlength="200" required/>
                        <FieldMsg err field="title"/>
                    </label>
                    <label>{t.description}
                        <textarea name="form[description]" rows="8"></textarea>
                        <span class="hint">{t.markdown_hint}</span>
                        <FieldMsg err field="description"/>
                    </label>
                    <div class="two">
                        <label>{t.col_priority}
                            <select name="form[priority]">{priority_options}</select>
                            <FieldMsg err field="priority"/>
                        </label>
                        <label>{t.col_assignee}
                            <select name="form[assignee_id]">
                                <option value="">{t.unassigned}</option>
                                {agent_options}
                            </select>
                            <FieldMsg err field="assignee_id"/>
                        </label>
                    </div>
                    <FormError err/>
                    <div class="row">
                        <button type="submit" class="button primary" disabled=move || create.pending().get()>{t.create_ticket}</button>
                    </div>
                </div>
            </ActionForm>
        </div>
    }
}
