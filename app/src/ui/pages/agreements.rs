//! Agreements: the list (by end date, filtered by status, customer, account manager and "ends
//! within"), the form for a new one, and one agreement's page with its terms, its history, the
//! changes by hand and "New agreement from this one".

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::api::agreements::{ChangeAgreement, CopyAgreement, CreateAgreement, agreement_form_options, get_agreement, list_agreements};
use crate::domain::{AgreementFilter, AgreementStatus, AgreementSummary, AgreementView, Problem, format_rate};
use crate::error::AppError;
use crate::i18n::{Tr, fill};
use crate::ui::components::{ErrorNotice, FieldMsg, FormError, Page, StatusBadge, action_error, use_id_param};
use crate::ui::{use_session, use_tr};

/// An agreement status in words.
pub fn status_word(t: &'static Tr, s: AgreementStatus) -> &'static str {
    status_text(t, s)
}

fn status_text(t: &'static Tr, s: AgreementStatus) -> &'static str {
    match s {
        AgreementStatus::Planned => t.ag_planned,
        AgreementStatus::Active => t.ag_active,
        AgreementStatus::Expired => t.ag_expired,
        AgreementStatus::Cancelled => t.ag_cancelled,
    }
}

/// An agreement's status, with its colour and its word.
#[component]
fn AgreementBadge(status: AgreementStatus) -> impl IntoView {
    let t = use_tr();
    view! { <span class=format!("badge agreement {}", status.as_str())>{status_text(t, status)}</span> }
}

/// "ends in 12 days", "ended 3 days ago", "open-ended".
fn ends_text(t: &'static Tr, a: &AgreementSummary) -> String {
    match (a.ends_on, a.days_left) {
        (Some(end), Some(d)) if d >= 0 && a.status == AgreementStatus::Active => fill(t.ag_ends_in, &[("date", &end.to_string()), ("n", &d.to_string())]),
        (Some(end), _) => end.to_string(),
        (None, _) => t.ag_open_ended.to_owned(),
    }
}

/// `/agreements`.
#[component]
pub fn AgreementsPage() -> impl IntoView {
    let t = use_tr();
    let q = use_query_map();
    let can_edit = use_session().is_some_and(|s| s.role.is_manager());
    let filter = move || {
        let q = q.read();
        let num = |k: &str| q.get(k).and_then(|v| v.parse::<i64>().ok()).filter(|v| *v > 0);
        AgreementFilter {
            status: q.get("status").and_then(|v| AgreementStatus::parse(&v)),
            customer_id: num("customer"),
            account_manager_id: num("manager"),
            expires_within: q.get("within").and_then(|v| v.parse().ok()),
        }
    };
    let list = Resource::new(filter, list_agreements);
    let options = Resource::new(|| (), |_| agreement_form_options(0));
    let chosen = move |k: &str| q.read().get(k).unwrap_or_default();
    let filters = move || {
        Suspend::new(async move {
            let o = options.await.ok()?;
            let (status, customer, manager, within) = (chosen("status"), chosen("customer"), chosen("manager"), chosen("within"));
            let statuses = AgreementStatus::ALL
                .into_iter()
                .map(|s| view! { <option value=s.as_str() selected=status == s.as_str()>{status_text(t, s)}</option> })
                .collect_view();
            let customers = o.customers.into_iter().map(|(id, name)| view! { <option value=id.to_string() selected=customer == id.to_string()>{name}</option> }).collect_view();
            let managers = o.agents.into_iter().map(|(id, name)| view! { <option value=id.to_string() selected=manager == id.to_string()>{name}</option> }).collect_view();
            Some(view! {
                <form method="get" action="/agreements" class="card filters agreement-filters">
                    <select name="status" aria-label=t.col_status><option value="">{t.ag_any_status}</option>{statuses}</select>
                    <select name="customer" aria-label=t.col_customer><option value="">{t.ag_any_customer}</option>{customers}</select>
                    <select name="manager" aria-label=t.ag_manager><option value="">{t.ag_any_manager}</option>{managers}</select>
                    <label class="inline">{t.ag_within}
                        <input name="within" type="number" min="0" max="3650" value=within class="short"/>
                    </label>
                    <button type="submit" class="button primary">{t.filter_apply}</button>
                </form>
            })
        })
    };
    let body = move || {
        Suspend::new(async move {
            match list.await {
                Ok(v) if v.is_empty() => view! { <p class="empty">{t.ag_none}</p> }.into_any(),
                Ok(v) => {
                    let rows = v
                        .into_iter()
                        .map(|a| {
                            let ends = ends_text(t, &a);
                            view! {
                                <tr>
                                    <td data-label=t.ag_agreement>
                                        <a href=format!("/agreements/{}", a.id)><span class="ticket-num">{a.number.clone()}</span>" "{a.title.clone()}</a>
                                    </td>
                                    <td data-label=t.col_customer><a href=format!("/customers/{}", a.customer_id)>{a.customer_name.clone()}</a></td>
                                    <td data-label=t.col_status><AgreementBadge status=a.status/></td>
                                    <td data-label=t.ag_starts>{a.starts_on.to_string()}</td>
                                    <td data-label=t.ag_ends>{ends}</td>
                                    <td data-label=t.ag_manager>{a.account_manager.clone().unwrap_or_else(|| t.none.to_owned())}</td>
                                    <td data-label=t.services_title>{a.services.join(", ")}</td>
                                </tr>
                            }
                        })
                        .collect_view();
                    view! {
                        <div class="card flush">
                            <table class="list" data-testid="agreements">
                                <thead><tr>
                                    <th>{t.ag_agreement}</th><th>{t.col_customer}</th><th>{t.col_status}</th><th>{t.ag_starts}</th>
                                    <th>{t.ag_ends}</th><th>{t.ag_manager}</th><th>{t.services_title}</th>
                                </tr></thead>
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
        <Title text=t.ag_title/>
        <Page>
            <div class="page-head">
                <h1>{t.ag_title}</h1>
                {can_edit.then(|| view! { <a class="button primary" href="/agreements/new">{t.ag_new}</a> })}
            </div>
            <Transition fallback=|| ()>{filters}</Transition>
            <Transition fallback=move || view! { <p class="muted">{t.loading}</p> }>{body}</Transition>
        </Page>
    }
}

/// `/agreements/new?customer=<id>`.
#[component]
pub fn NewAgreementPage() -> impl IntoView {
    let t = use_tr();
    let q = use_query_map();
    let customer = RwSignal::new(q.read_untracked().get("customer").unwrap_or_default());
    // The form is built once (choosing a customer keeps what was typed); only the contacts
    // follow the customer.
    let preset = customer.get_untracked();
    let options = Resource::new(move || (), move |_| agreement_form_options(preset.parse().unwrap_or(0)));
    let contacts = Resource::new(move || customer.get(), |c| async move {
        match c.parse::<i64>() {
            Ok(id) if id > 0 => agreement_form_options(id).await.map(|o| o.contacts),
            _ => Ok(Vec::new()),
        }
    });
    let create = ServerAction::<CreateAgreement>::new();
    let err = action_error(create.value());
    let overlap = move || err.get().and_then(|e| e.field("services")).is_some_and(|p| matches!(p, Problem::OverlapsAgreement(_)));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&format!("/agreements/{id}"), Default::default());
        }
    });
    let body = move || {
        Suspend::new(async move {
            let o = match options.await {
                Ok(o) => o,
                Err(e) => return view! { <ErrorNotice err=e/> }.into_any(),
            };
            let chosen = customer.get_untracked();
            let customers = o.customers.iter().map(|(id, name)| view! { <option value=id.to_string() selected=chosen == id.to_string()>{name.clone()}</option> }).collect_view();
            let agents = o.agents.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view();
            let policy_options = move || o.policies.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view();
            let calendars = o.calendars.clone();
            let calendar_options = move || calendars.iter().map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> }).collect_view();
            let services = o
                .services
                .iter()
                .enumerate()
                .map(|(i, (id, name))| {
                    let field = |k: &str| format!("form[services][{i}][{k}]");
                    view! {
                        <tr>
                            <td data-label=t.service>
                                <label class="check"><input type="checkbox" name=field("covered") value="on"/>" "{name.clone()}</label>
                                <input type="hidden" name=field("service_id") value=id.to_string()/>
                            </td>
                            <td data-label=t.ag_policy_override>
                                <select name=field("sla_policy_id")><option value="">{t.ag_agreement_default}</option>{policy_options()}</select>
                            </td>
                            <td data-label=t.ag_hours>
                                <select name=field("calendar_id")><option value="">{t.ag_policy_hours}</option>{calendar_options()}</select>
                            </td>
                            <td data-label=t.ag_rate><input name=field("hourly_rate") inputmode="decimal" class="short" placeholder="95.00"/></td>
                            <td data-label=t.ag_currency><input name=field("currency") maxlength="3" class="short" placeholder="EUR"/></td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <ActionForm action=create>
                    <div class="stack">
                        <div class="card stack">
                            <label>{t.col_customer}
                                <select name="form[customer_id]" required on:change=move |ev| customer.set(event_target_value(&ev))>
                                    <option value="">{t.choose_customer}</option>{customers}
                                </select>
                                <FieldMsg err field="customer_id"/>
                            </label>
                            <label>{t.title}
                                <input name="form[title]" required maxlength="200" placeholder=t.ag_title_hint/>
                                <FieldMsg err field="title"/>
                            </label>
                            <div class="two">
                                <label>{t.ag_starts}<input type="date" name="form[starts_on]" required/><FieldMsg err field="starts_on"/></label>
                                <label>{t.ag_ends}<input type="date" name="form[ends_on]"/><span class="hint">{t.ag_ends_hint}</span><FieldMsg err field="ends_on"/></label>
                            </div>
                            <div class="two">
                                <label>{t.ag_manager}
                                    <select name="form[account_manager_id]"><option value="">{t.none}</option>{agents}</select>
                                    <FieldMsg err field="account_manager_id"/>
                                </label>
                                <label>{t.ag_default_policy}
                                    <select name="form[sla_policy_id]"><option value="">{t.ag_no_policy}</option>{policy_options()}</select>
                                </label>
                            </div>
                            <label>{t.ag_notice_days}
                                <input name="form[notice_days]" value="30, 7"/>
                                <span class="hint">{t.ag_notice_hint}</span>
                                <FieldMsg err field="notice_days"/>
                            </label>
                            <label>{t.ag_notes}<textarea name="form[notes]" rows="3"></textarea></label>
                        </div>
                        <div class="card stack">
                            <h2>{t.ag_services}</h2>
                            <div class="table-scroll">
                                <table class="list compact terms-form">
                                    <thead><tr><th>{t.service}</th><th>{t.ag_policy_override}</th><th>{t.ag_hours}</th><th>{t.ag_rate}</th><th>{t.ag_currency}</th></tr></thead>
                                    <tbody>{services}</tbody>
                                </table>
                            </div>
                            <ServiceErrors err/>
                            <h2>{t.ag_contacts}</h2>
                            <Transition fallback=move || view! { <p class="muted">{t.loading}</p> }>
                                {move || Suspend::new(async move {
                                    match contacts.await {
                                        Ok(list) if list.is_empty() => {
                                            let none = if customer.get_untracked().is_empty() { t.ag_choose_customer_first } else { t.none };
                                            view! { <p class="muted">{none}</p> }.into_any()
                                        }
                                        Ok(list) => {
                                            let items = list
                                                .into_iter()
                                                .enumerate()
                                                .map(|(i, (id, name, email))| view! {
                                                    <label class="check"><input type="checkbox" name=format!("form[contacts][{i}]") value=id.to_string()/>" "{format!("{name} <{email}>")}</label>
                                                })
                                                .collect_view();
                                            view! { <div class="stack">{items}</div> }.into_any()
                                        }
                                        Err(e) => view! { <ErrorNotice err=e/> }.into_any(),
                                    }
                                })}
                            </Transition>
                        </div>
                    </div>
                    <Show when=overlap>
                        <label class="check notice conflict"><input type="checkbox" name="form[confirm_overlap]" value="on"/>" "{t.ag_confirm_overlap}</label>
                    </Show>
                    <FormError err/>
                    <div class="row"><button type="submit" class="button primary">{t.create}</button></div>
                </ActionForm>
            }
            .into_any()
        })
    };
    view! {
        <Title text=t.ag_new/>
        <Page>
            <p class="crumbs"><a href="/agreements">{t.ag_title}</a></p>
            <div class="page-head"><h1>{t.ag_new}</h1></div>
            <Transition fallback=move || view! { <p class="muted">{t.loading}</p> }>{body}</Transition>
        </Page>
    }
}

/// The field errors of the services table (by row) and of the whole table.
#[component]
fn ServiceErrors(#[prop(into)] err: Signal<Option<AppError>>) -> impl IntoView {
    let t = use_tr();
    let msgs = move || match err.get() {
        Some(AppError::Invalid(errs)) => errs.into_iter().filter(|e| e.field.starts_with("services")).map(|e| view! { <p class="field-error" role="alert">{t.problem(&e.problem)}</p> }).collect_view().into_any(),
        _ => ().into_any(),
    };
    view! { <div data-testid="service-errors">{msgs}</div> }
}

/// `/agreements/:id`.
#[component]
pub fn AgreementPage() -> impl IntoView {
    let t = use_tr();
    let id = use_id_param();
    let change = ServerAction::<ChangeAgreement>::new();
    let data = Resource::new(move || (id(), change.version().get()), |(id, _)| get_agreement(id));
    let body = move || {
        Suspend::new(async move {
            match data.await {
                Ok(a) => view! { <AgreementDetail a change/> }.into_any(),
                Err(e) => view! { <ErrorNotice err=e/> }.into_any(),
            }
        })
    };
    view! {
        <Page>
            <p class="crumbs"><a href="/agreements">{t.ag_title}</a></p>
            <Transition fallback=move || view! { <p class="muted">{t.loading}</p> }>{body}</Transition>
        </Page>
    }
}

#[component]
fn AgreementDetail(a: AgreementView, change: ServerAction<ChangeAgreement>) -> impl IntoView {
    let t = use_tr();
    let s = a.summary.clone();
    let id = s.id;
    let change_err = action_error(change.value());
    let ends = ends_text(t, &s);
    let terms = a
        .terms
        .iter()
        .map(|x| view! {
            <tr>
                <td data-label=t.service><a href=format!("/admin/services/{}", x.service_id)>{x.service_name.clone()}</a></td>
                <td data-label=t.ag_policy_override>{x.policy_name.clone().unwrap_or_else(|| t.ag_agreement_default.to_owned())}</td>
                <td data-label=t.ag_hours>{x.calendar_name.clone().unwrap_or_else(|| t.ag_policy_hours.to_owned())}</td>
                <td data-label=t.ag_rate class="n">{x.rate.clone().map(|(r, c)| format!("{} {c}", format_rate(r))).unwrap_or_else(|| t.none.to_owned())}</td>
            </tr>
        })
        .collect_view();
    let contacts = if a.contacts.is_empty() {
        view! { <p class="muted">{t.none}</p> }.into_any()
    } else {
        view! { <ul class="plain">{a.contacts.iter().map(|(n, e)| view! { <li>{format!("{n} <{e}>")}</li> }).collect_view()}</ul> }.into_any()
    };
    let history = a
        .history
        .iter()
        .map(|e| {
            let what = event_text(t, e);
            view! {
                <li>
                    <time datetime=e.at.iso.clone()>{e.at.text.clone()}</time>" "
                    <strong>{if e.actor.is_empty() { t.ag_scheduler.to_owned() } else { e.actor.clone() }}</strong>" "{what}
                    {e.reason.clone().filter(|r| !r.is_empty() && e.kind != "status" && e.kind != "notice").map(|r| view! { <span class="muted">" — "{r}</span> })}
                </li>
            }
        })
        .collect_view();
    let actions: Vec<(&'static str, &'static str)> = match s.status {
        AgreementStatus::Planned => vec![("activate", t.ag_activate_early), ("cancel", t.ag_cancel)],
        AgreementStatus::Active => vec![("end", t.ag_end_early), ("extend", t.ag_extend)],
        AgreementStatus::Expired => vec![("extend", t.ag_extend)],
        AgreementStatus::Cancelled => vec![],
    };
    let action_forms = actions
        .into_iter()
        .map(|(action, label)| view! {
            <ActionForm action=change attr:class="change-form" attr:data-action=action>
                <input type="hidden" name="id" value=id.to_string()/>
                <input type="hidden" name="action" value=action/>
                {if action == "extend" {
                    view! { <label>{t.ag_new_end}<input type="date" name="ends_on"/></label> }.into_any()
                } else {
                    view! { <input type="hidden" name="ends_on" value=""/> }.into_any()
                }}
                <label>{t.ag_reason}<input name="reason" required placeholder=t.ag_reason_hint/></label>
                <button type="submit" class="button">{label}</button>
            </ActionForm>
        })
        .collect_view();
    let tickets = if a.tickets.is_empty() {
        view! { <p class="muted pad">{t.ag_no_tickets}</p> }.into_any()
    } else {
        let rows = a
            .tickets
            .iter()
            .map(|x| view! {
                <tr>
                    <td data-label=t.col_number><span class="ticket-num">{x.number.clone()}</span></td>
                    <td data-label=t.title><a href=format!("/tickets/{}", x.number)>{x.title.clone()}</a></td>
                    <td data-label=t.service>{x.service.clone().unwrap_or_else(|| t.no_service.to_owned())}</td>
                    <td data-label=t.col_status><StatusBadge status=x.status.clone()/></td>
                </tr>
            })
            .collect_view();
        let more = (a.tickets_total > a.tickets.len() as i64)
            .then(|| view! { <p class="muted pad">{fill(t.ag_latest_of, &[("n", &a.tickets.len().to_string()), ("total", &a.tickets_total.to_string())])}</p> });
        view! {
            <table class="list" data-testid="agreement-tickets">
                <thead><tr><th>{t.col_number}</th><th>{t.title}</th><th>{t.service}</th><th>{t.col_status}</th></tr></thead>
                <tbody>{rows}</tbody>
            </table>
            {more}
        }
        .into_any()
    };
    let compliance = if a.compliance.is_empty() {
        view! { <p class="muted pad">{t.ag_no_compliance}</p> }.into_any()
    } else {
        let rows = a
            .compliance
            .iter()
            .map(|c| {
                let share = c.met_percent().map_or_else(|| "–".to_owned(), |p| format!("{p} %"));
                let low = c.breached > 0;
                view! {
                    <tr class:breached=low>
                        <td data-label=t.service>{c.service.clone().unwrap_or_else(|| t.no_service.to_owned())}</td>
                        <td data-label=t.ag_target>{t.target(c.target)}</td>
                        <td data-label=t.ag_met class="n">{c.met}</td>
                        <td data-label=t.ag_breached class="n">{c.breached}</td>
                        <td data-label=t.ag_open_clocks class="n">{c.running}</td>
                        <td data-label=t.ag_met_share class="n">{share}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <table class="list" data-testid="compliance">
                <thead><tr>
                    <th>{t.service}</th><th>{t.ag_target}</th><th class="n">{t.ag_met}</th><th class="n">{t.ag_breached}</th>
                    <th class="n">{t.ag_open_clocks}</th><th class="n">{t.ag_met_share}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        }
        .into_any()
    };
    let copied = a.copied_from.clone().map(|(cid, n)| view! { <dt>{t.ag_copied_from}</dt><dd><a href=format!("/agreements/{cid}")>{n}</a></dd> });
    view! {
        <Title text=format!("{} {}", s.number, s.title)/>
        <div class="page-head">
            <div>
                <h1><span class="ticket-num">{s.number.clone()}</span>" "{s.title.clone()}" "<AgreementBadge status=s.status/></h1>
                <p class="muted"><a href=format!("/customers/{}", s.customer_id)>{s.customer_name.clone()}</a>" · "{s.starts_on.to_string()}" – "{ends}</p>
            </div>
        </div>
        <div class="split">
            <div class="stack">
                <section class="card flush">
                    <h2 class="pad">{t.ag_services}</h2>
                    <table class="list" data-testid="terms">
                        <thead><tr><th>{t.service}</th><th>{t.ag_policy_override}</th><th>{t.ag_hours}</th><th class="n">{t.ag_rate}</th></tr></thead>
                        <tbody>{terms}</tbody>
                    </table>
                </section>
                <section class="card flush">
                    <h2 class="pad">{t.ag_compliance}</h2>
                    {compliance}
                </section>
                <section class="card flush">
                    <h2 class="pad">{t.ag_tickets}</h2>
                    {tickets}
                </section>
                <section class="card">
                    <h2>{t.history}</h2>
                    <ol class="history" data-testid="agreement-history">{history}</ol>
                </section>
            </div>
            <div class="stack">
                <section class="card meta">
                    <dl class="stacked">
                        <dt>{t.ag_manager}</dt><dd>{s.account_manager.clone().unwrap_or_else(|| t.none.to_owned())}</dd>
                        <dt>{t.ag_default_policy}</dt><dd>{a.policy_name.clone().unwrap_or_else(|| t.ag_no_policy.to_owned())}</dd>
                        <dt>{t.ag_notice_days}</dt><dd>{a.notice_days.iter().map(u32::to_string).collect::<Vec<_>>().join(", ")}</dd>
                        {copied}
                    </dl>
                    <h3>{t.ag_contacts}</h3>
                    {contacts}
                    {(!a.notes.is_empty()).then(|| view! { <h3>{t.ag_notes}</h3><p class="notes">{a.notes.clone()}</p> })}
                </section>
                {a.can_edit.then(|| view! {
                    <section class="card stack" data-testid="agreement-actions">
                        <h2>{t.ag_lifecycle}</h2>
                        {action_forms}
                        {move || change_err.get().map(|e| view! { <ErrorNotice err=e/> })}
                        <CopyDialog id title=s.title.clone()/>
                    </section>
                })}
            </div>
        </div>
    }
}

/// "New agreement from this one": new dates (and title), then the copy's page.
#[component]
fn CopyDialog(id: i64, title: String) -> impl IntoView {
    let t = use_tr();
    let copy = ServerAction::<CopyAgreement>::new();
    let err = action_error(copy.value());
    let overlap = move || err.get().and_then(|e| e.field("services")).is_some_and(|p| matches!(p, Problem::OverlapsAgreement(_)));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(new_id)) = copy.value().get() {
            navigate(&format!("/agreements/{new_id}"), Default::default());
        }
    });
    view! {
        <details class="copy-dialog" data-testid="copy-dialog">
            <summary class="button">{t.ag_copy}</summary>
            <ActionForm action=copy>
                <div class="stack">
                    <p class="muted">{t.ag_copy_hint}</p>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <label>{t.title}<input name="title" value=title maxlength="200"/></label>
                    <div class="two">
                        <label>{t.ag_starts}<input type="date" name="starts_on" required/><FieldMsg err field="starts_on"/></label>
                        <label>{t.ag_ends}<input type="date" name="ends_on"/><FieldMsg err field="ends_on"/></label>
                    </div>
                    <ServiceErrors err/>
                    <Show when=overlap>
                        <label class="check"><input type="checkbox" name="confirm_overlap" value="on"/>" "{t.ag_confirm_overlap}</label>
                    </Show>
                    <FormError err/>
                    <button type="submit" class="button primary">{t.ag_copy_create}</button>
                </div>
            </ActionForm>
        </details>
    }
}

fn event_text(t: &'static Tr, e: &crate::domain::AgreementEventView) -> String {
    let status = |v: &Option<String>| v.as_deref().and_then(AgreementStatus::parse).map_or("", |s| status_text(t, s));
    match e.kind.as_str() {
        "created" => fill(t.ag_ev_created, &[("status", status(&e.new))]),
        "copied" => t.ag_ev_copied.to_owned(),
        "status" => fill(t.ag_ev_status, &[("from", status(&e.old)), ("to", status(&e.new))]),
        "activated_early" => fill(t.ag_ev_activated, &[("date", e.new.as_deref().unwrap_or(""))]),
        "ended_early" => fill(t.ag_ev_ended, &[("date", e.new.as_deref().unwrap_or(""))]),
        "extended" => fill(t.ag_ev_extended, &[("date", e.new.as_deref().unwrap_or(t.ag_open_ended))]),
        "cancelled" => t.ag_ev_cancelled.to_owned(),
        "notice" => fill(t.ag_ev_notice, &[("n", e.new.as_deref().unwrap_or("")), ("to", e.reason.as_deref().unwrap_or(""))]),
        other => other.to_owned(),
    }
}
