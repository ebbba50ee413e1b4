//! Customers (projects): the list with a create form, and one customer's page with its
//! contacts and recent tickets.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use crate::api::customers::{AddContact, CreateCustomer, UpdateCustomer, get_customer, list_customers};
use crate::api::sla::SetCustomerPolicy;
use crate::domain::{CustomerView, Lang};
use crate::ui::components::{use_id_param, Columns, ErrorNotice, FieldMsg, FormError, Page, TIMEZONES, TicketTable, action_error};
use crate::ui::use_tr;

/// A datalist of common timezones for the timezone inputs.
#[component]
pub fn TimezoneList() -> impl IntoView {
    view! { <datalist id="timezones">{TIMEZONES.iter().map(|z| view! { <option value=*z></option> }).collect_view()}</datalist> }
}

/// `/customers`.
#[component]
pub fn CustomersPage() -> impl IntoView {
    let t = use_tr();
    let list = Resource::new(|| (), |_| list_customers());
    let create = ServerAction::<CreateCustomer>::new();
    let err = action_error(create.value());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&format!("/customers/{id}"), Default::default());
        }
    });
    let body = move || {
        Suspend::new(async move {
            match list.await {
                Ok(cs) if cs.is_empty() => view! { <p class="empty">{t.no_customers}</p> }.into_any(),
                Ok(cs) => {
                    let rows = cs
                        .into_iter()
                        .map(|c| view! {
                            <tr>
                                <td data-label=t.name><a href=format!("/customers/{}", c.id)>{c.name}</a></td>
                                <td data-label=t.timezone>{c.timezone}</td>
                                <td data-label=t.contacts class="n">{c.contacts}</td>
                                <td data-label=t.open_tickets class="n">{c.open_tickets}</td>
                            </tr>
                        })
                        .collect_view();
                    view! {
                        <div class="card flush">
                            <table class="list">
                                <thead><tr><th>{t.name}</th><th>{t.timezone}</th><th class="n">{t.contacts}</th><th class="n">{t.open_tickets}</th></tr></thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    }
                    .into_any()
                }
                Err(e) => view! { <ErrorNotice err=e/> }.into_any(),
            }
        })
    };
    view! {
        <Title text=t.customers_title/>
        <Page>
            <div class="page-head"><h1>{t.customers_title}</h1></div>
            <div class="split">
                <div><Transition fallback=move || view! { <p class="muted">{t.loading}</p> }>{body}</Transition></div>
                <div class="card">
                    <h2>{t.new_customer}</h2>
                    <ActionForm action=create>
                        <div class="stack">
                            <label>{t.name}
                                <input name="form[name]" required maxlength="120"/>
                                <FieldMsg err field="name"/>
                            </label>
                            <label>{t.timezone}
                                <input name="form[timezone]" list="timezones" required value="Europe/Stockholm"/>
                                <FieldMsg err field="timezone"/>
                            </label>
                            <TimezoneList/>
                            <FormError err/>
                            <button type="submit" class="button primary">{t.create}</button>
                        </div>
                    </ActionForm>
                </div>
            </div>
        </Page>
    }
}

/// `/customers/:id`.
#[component]
pub fn CustomerPage() -> impl IntoView {
    let t = use_tr();
    let id = use_id_param();
    let reload = RwSignal::new(0u32);
    let customer = Resource::new(move || (id(), reload.get()), |(id, _)| get_customer(id));
    let body = move || {
        Suspend::new(async move {
            match customer.await {
                Ok(c) => view! { <CustomerDetail c reload/> }.into_any(),
                Err(e) => view! { <ErrorNotice err=e/> }.into_any(),
            }
        })
    };
    view! {
        <Page>
            <Transition fallback=move || view! { <p class="muted">{t.loading}</p> }>{body}</Transition>
        </Page>
    }
}

#[component]
fn CustomerDetail(c: CustomerView, reload: RwSignal<u32>) -> impl IntoView {
    let t = use_tr();
    let update = ServerAction::<UpdateCustomer>::new();
    let add = ServerAction::<AddContact>::new();
    let set_policy = ServerAction::<SetCustomerPolicy>::new();
    let policy_err = action_error(set_policy.value());
    let policy_saved = move || matches!(set_policy.value().get(), Some(Ok(_)));
    let chosen = c.sla_policy_id;
    let default_name = c.policies.iter().find(|p| p.2).map(|p| format!(" ({})", p.1)).unwrap_or_default();
    let policy_options = c
        .policies
        .iter()
        .map(|(pid, name, _)| view! { <option value=pid.to_string() selected=chosen == Some(*pid)>{name.clone()}</option> })
        .collect_view();
    let update_err = action_error(update.value());
    let add_err = action_error(add.value());
    Effect::new(move |_| {
        if matches!(update.value().get(), Some(Ok(_))) || matches!(add.value().get(), Some(Ok(_))) {
            reload.update(|n| *n += 1);
        }
    });
    let editing = RwSignal::new(false);
    let id = c.id;
    let contacts_empty = c.contacts.is_empty();
    let contacts = c
        .contacts
        .iter()
        .map(|k| view! {
            <li>
                <strong>{k.name.clone()}</strong>
                <span class="muted">" · "{k.language.native_name()}</span>
                <br/>
                <a href=format!("mailto:{}", k.email)>{k.email.clone()}</a>
            </li>
        })
        .collect_view();
    let new_ticket = format!("/tickets/new?customer={}", c.id);
    let lang_options = Lang::ALL.iter().map(|l| view! { <option value=l.as_str()>{l.native_name()}</option> }).collect_view();
    let (name, tz) = (StoredValue::new(c.name.clone()), StoredValue::new(c.timezone.clone()));
    view! {
        <Title text=c.name.clone()/>
        <div class="page-head">
            <div>
                <h1>{c.name.clone()}</h1>
                <p class="muted">{c.timezone.clone()}" · "{t.open_tickets}": "{c.open_tickets}" · "{t.created}" "{c.created.text.clone()}</p>
            </div>
            <div class="row">
                <button type="button" class="button" on:click=move |_| editing.update(|e| *e = !*e)>{t.edit_customer}</button>
                <a class="button primary" href=new_ticket>"+ "{t.nav_new_ticket}</a>
            </div>
        </div>
        <Show when=move || editing.get()>
            <div class="card narrow">
                <ActionForm action=update>
                    <div class="stack">
                        <input type="hidden" name="id" value=id.to_string()/>
                        <label>{t.name}
                            <input name="form[name]" required value=name.get_value()/>
                            <FieldMsg err=update_err field="name"/>
                        </label>
                        <label>{t.timezone}
                            <input name="form[timezone]" list="timezones" required value=tz.get_value()/>
                            <FieldMsg err=update_err field="timezone"/>
                        </label>
                        <TimezoneList/>
                        <FormError err=update_err/>
                        <div class="row"><button type="submit" class="button primary">{t.save}</button></div>
                    </div>
                </ActionForm>
            </div>
        </Show>
        <div class="split">
            <section>
                <section class="card" data-testid="customer-agreements">
                    <div class="page-head">
                        <h2>{t.ag_title}</h2>
                        {crate::ui::use_session().is_some_and(|s| s.role.is_manager()).then(|| view! {
                            <a class="button small" href=format!("/agreements/new?customer={}", c.id)>{t.ag_new}</a>
                        })}
                    </div>
                    {if c.agreements.is_empty() {
                        view! { <p class="muted">{t.ag_none}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="plain agreements">
                                {c.agreements.iter().map(|a| view! {
                                    <li>
                                        <a href=format!("/agreements/{}", a.id)>{format!("{} {}", a.number, a.title)}</a>" "
                                        <span class=format!("badge agreement {}", a.status.as_str())>{crate::ui::pages::agreements::status_word(t, a.status)}</span>
                                        <span class="muted">{format!(" {} – {}", a.starts_on, a.ends_on.map_or_else(|| t.ag_open_ended.to_owned(), |e| e.to_string()))}</span>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                    <p><strong>{t.ag_may_request}</strong>" "
                        {if c.requestable.is_empty() { t.ag_nothing_covered.to_owned() } else { c.requestable.join(", ") }}
                    </p>
                </section>
                <h2>{t.recent_tickets}</h2>
                <div class="card flush"><TicketTable items=c.recent_tickets.clone() columns=Columns::WithoutCustomer/></div>
            </section>
            <section class="card">
                <h2>{t.customer_policy}</h2>
                <ActionForm action=set_policy>
                    <div class="stack">
                        <input type="hidden" name="customer_id" value=c.id.to_string()/>
                        <label>{t.customer_policy}
                            <select name="policy_id">
                                <option value="" selected=chosen.is_none()>{t.policy_follow_default}{default_name}</option>
                                {policy_options}
                            </select>
                            <FieldMsg err=policy_err field="sla_policy_id"/>
                        </label>
                        <FormError err=policy_err/>
                        <div class="row">
                            <button type="submit" class="button">{t.save}</button>
                            <Show when=policy_saved><span class="ok" role="status">{t.saved}</span></Show>
                        </div>
                    </div>
                </ActionForm>
                <h2>{t.contacts}</h2>
                <Show when=move || !contacts_empty fallback=move || view! { <p class="muted">{t.no_contacts}</p> }>
                    <ul class="contacts">{contacts.clone()}</ul>
                </Show>
                <h3>{t.add_contact}</h3>
                <ActionForm action=add>
                    <div class="stack">
                        <input type="hidden" name="customer_id" value=c.id.to_string()/>
                        <label>{t.name}
                            <input name="form[name]" required/>
                            <FieldMsg err=add_err field="name"/>
                        </label>
                        <label>{t.email}
                            <input name="form[email]" type="email" required/>
                            <FieldMsg err=add_err field="email"/>
                        </label>
                        <label>{t.language}
                            <select name="form[language]">{lang_options}</select>
                        </label>
                        <FormError err=add_err/>
                        <div class="row"><button type="submit" class="button primary">{t.add_contact}</button></div>
                    </div>
                </ActionForm>
            </section>
        </div>
    }
}
