//! The service catalog: the list with a create form, and one service's editor with
//! deactivate and delete (refused, with the reason and a deactivate button, while anything
//! names it). Everyone signed in reads it; managers change it.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_navigate;

use crate::api::catalog::{CreateService, DeleteService, SetServiceActive, UpdateService, get_catalog, get_service};
use crate::domain::{Problem, ServiceView};
use crate::error::AppError;
use crate::ui::components::{use_id_param, ErrorNotice, FieldMsg, FormError, Page, action_error};
use crate::ui::use_tr;

/// The service fields, filled from `s` when editing.
#[component]
fn ServiceFields(s: Option<ServiceView>, policies: Vec<(i64, String)>, err: Signal<Option<AppError>>, disabled: bool) -> impl IntoView {
    let t = use_tr();
    let chosen = s.as_ref().and_then(|s| s.sla_policy_id);
    let options = policies
        .into_iter()
        .map(|(id, name)| view! { <option value=id.to_string() selected=chosen == Some(id)>{name}</option> })
        .collect_view();
    let (name, category, description) = s.map(|s| (s.name, s.category, s.description)).unwrap_or_default();
    view! {
        <fieldset class="stack plain" disabled=disabled>
            <label>{t.name}
                <input name="form[name]" required maxlength="120" value=name/>
                <FieldMsg err field="name"/>
            </label>
            <label>{t.category}
                <input name="form[category]" maxlength="80" value=category placeholder=t.category_hint/>
                <FieldMsg err field="category"/>
            </label>
            <label>{t.description}
                <textarea name="form[description]" rows="4" maxlength="4000">{description}</textarea>
                <FieldMsg err field="description"/>
            </label>
            <label>{t.service_policy}
                <select name="form[sla_policy_id]">
                    <option value="">{t.service_no_policy}</option>
                    {options}
                </select>
                <span class="hint">{t.service_policy_hint}</span>
                <FieldMsg err field="sla_policy_id"/>
            </label>
            <FormError err/>
        </fieldset>
    }
}

fn state_badge(t: &'static crate::i18n::Tr, active: bool) -> impl IntoView {
    if active {
        view! { <span class="badge ok">{t.status_active}</span> }
    } else {
        view! { <span class="badge muted-badge">{t.status_inactive}</span> }
    }
}

/// `/admin/services`.
#[component]
pub fn ServicesPage() -> impl IntoView {
    let t = use_tr();
    let list = Resource::new(|| (), |_| get_catalog());
    let create = ServerAction::<CreateService>::new();
    let err = action_error(create.value());
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&format!("/admin/services/{id}"), Default::default());
        }
    });
    let body = move || {
        Suspend::new(async move {
            match list.await {
                Ok(c) => {
                    let table = if c.services.is_empty() {
                        view! { <p class="empty">{t.no_services}</p> }.into_any()
                    } else {
                        let rows = c
                            .services
                            .into_iter()
                            .map(|s| view! {
                                <tr class:inactive=!s.active>
                                    <td data-label=t.name><a href=format!("/admin/services/{}", s.id)>{s.name}</a></td>
                                    <td data-label=t.category>{if s.category.is_empty() { t.none.to_owned() } else { s.category }}</td>
                                    <td data-label=t.service_policy>{s.policy_name.unwrap_or_else(|| t.service_no_policy.to_owned())}</td>
                                    <td data-label=t.col_status>{state_badge(t, s.active)}</td>
                                    <td data-label=t.nav_tickets class="n">{s.tickets}</td>
                                </tr>
                            })
                            .collect_view();
                        view! {
                            <div class="card flush">
                                <table class="list" data-testid="services">
                                    <thead><tr><th>{t.name}</th><th>{t.category}</th><th>{t.service_policy}</th><th>{t.col_status}</th><th class="n">{t.nav_tickets}</th></tr></thead>
                                    <tbody>{rows}</tbody>
                                </table>
                            </div>
                        }
                        .into_any()
                    };
                    let form = c.can_edit.then(|| view! {
                        <div class="card">
                            <h2>{t.new_service}</h2>
                            <ActionForm action=create>
                                <ServiceFields s=None policies=c.policies.clone() err disabled=false/>
                                <div class="row"><button type="submit" class="button primary">{t.create}</button></div>
                            </ActionForm>
                        </div>
                    });
                    view! { <div class="split"><div>{table}</div>{form}</div> }.into_any()
                }
                Err(e) => view! { <ErrorNotice err=e/> }.into_any(),
            }
        })
    };
    view! {
        <Title text=t.services_title/>
        <Page>
            <div class="page-head"><h1>{t.services_title}</h1></div>
            <Transition fallback=move || view! { <p class="muted">{t.loading}</p> }>{body}</Transition>
        </Page>
    }
}

/// `/admin/services/:id`.
#[component]
pub fn ServicePage() -> impl IntoView {
    let t = use_tr();
    let id = use_id_param();
    let update = ServerAction::<UpdateService>::new();
    let toggle = ServerAction::<SetServiceActive>::new();
    let delete = ServerAction::<DeleteService>::new();
    let data = Resource::new(
        move || (id(), update.version().get(), toggle.version().get()),
        |(id, _, _)| async move { Ok::<_, AppError>((get_service(id).await?, get_catalog().await?)) },
    );
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            navigate("/admin/services", Default::default());
        }
    });
    let body = move || {
        Suspend::new(async move {
            match data.await {
                Ok((s, c)) => view! { <ServiceDetail s policies=c.policies can_edit=c.can_edit update toggle delete/> }.into_any(),
                Err(e) => view! { <ErrorNotice err=e/> }.into_any(),
            }
        })
    };
    view! {
        <Page>
            <p class="crumbs"><a href="/admin/services">{t.services_title}</a></p>
            <Transition fallback=move || view! { <p class="muted">{t.loading}</p> }>{body}</Transition>
        </Page>
    }
}

#[component]
fn ServiceDetail(
    s: ServiceView,
    policies: Vec<(i64, String)>,
    can_edit: bool,
    update: ServerAction<UpdateService>,
    toggle: ServerAction<SetServiceActive>,
    delete: ServerAction<DeleteService>,
) -> impl IntoView {
    let t = use_tr();
    let err = action_error(update.value());
    let saved = move || matches!(update.value().get(), Some(Ok(_)));
    let toggle_err = action_error(toggle.value());
    let id = s.id;
    let active = s.active;
    // A refused delete says what still names the service and offers to deactivate it.
    let refused = move || match delete.value().get() {
        Some(Err(e)) => match e.field("service") {
            Some(Problem::InUse { .. }) => Some((t.problem(&e.field("service").unwrap_or(Problem::Required)), true)),
            _ => Some((match &e {
                AppError::Forbidden => t.forbidden.to_owned(),
                AppError::NotFound => t.not_found_body.to_owned(),
                _ => t.server_error.to_owned(),
            }, false)),
        },
        _ => None,
    };
    let title = s.name.clone();
    let usage = fill_usage(t, s.tickets);
    view! {
        <Title text=title.clone()/>
        <div class="page-head">
            <div>
                <h1>{title}" "{state_badge(t, active)}</h1>
                <p class="muted">{usage}</p>
            </div>
        </div>
        <div class="split">
            <div class="card">
                <ActionForm action=update>
                    <input type="hidden" name="id" value=id.to_string()/>
                    <ServiceFields s=Some(s.clone()) policies err disabled=!can_edit/>
                    {can_edit.then(|| view! {
                        <div class="row">
                            <button type="submit" class="button primary">{t.save}</button>
                            <Show when=saved><span class="ok" role="status">{t.saved}</span></Show>
                        </div>
                    })}
                </ActionForm>
            </div>
            {can_edit.then(|| view! {
                <section class="card" data-testid="service-lifecycle">
                    <h2>{t.service_lifecycle}</h2>
                    <p class="muted">{if active { t.deactivate_hint } else { t.reactivate_hint }}</p>
                    <div class="row">
                        <button type="button" class="button" data-testid="toggle-service"
                            on:click=move |_| { toggle.dispatch(SetServiceActive { id, active: !active }); }>
                            {if active { t.deactivate } else { t.reactivate }}
                        </button>
                        <button type="button" class="button danger" data-testid="delete-service"
                            on:click=move |_| { delete.dispatch(DeleteService { id }); }>
                            {t.delete}
                        </button>
                    </div>
                    {move || toggle_err.get().map(|e| view! { <ErrorNotice err=e/> })}
                    {move || refused().map(|(msg, offer)| view! {
                        <div class="notice error" role="alert" data-testid="delete-refused">
                            <p>{msg}</p>
                            {(offer && active).then(|| view! {
                                <button type="button" class="button" on:click=move |_| { toggle.dispatch(SetServiceActive { id, active: false }); }>
                                    {t.deactivate_instead}
                                </button>
                            })}
                        </div>
                    })}
                </section>
            })}
        </div>
    }
}

fn fill_usage(t: &'static crate::i18n::Tr, tickets: i64) -> String {
    crate::i18n::fill(t.service_usage, &[("tickets", &tickets.to_string())])
}
