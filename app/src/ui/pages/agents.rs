//! Agent administration: invite, deactivate and reactivate, reset a password. Admins act;
//! everyone else is refused by the service layer (and does not see the page in the menu).

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::agents::{InviteAgent, ResetAgentPassword, SetAgentActive, list_agents};
use crate::domain::{InviteLink, Role};
use crate::i18n::fill;
use crate::ui::components::{ErrorNotice, FieldMsg, FormError, Page, action_error};
use crate::ui::{use_session, use_tr};

/// `/admin/agents`.
#[component]
pub fn AgentsPage() -> impl IntoView {
    let t = use_tr();
    let me = use_session();
    let my_id = me.as_ref().map(|s| s.agent_id);
    let is_admin = me.as_ref().is_some_and(|s| s.role == Role::Admin);
    let invite = ServerAction::<InviteAgent>::new();
    let reset = ServerAction::<ResetAgentPassword>::new();
    let set_active = ServerAction::<SetAgentActive>::new();
    let list = Resource::new(
        move || (invite.version().get(), set_active.version().get(), reset.version().get()),
        |_| list_agents(),
    );
    let invite_err = action_error(invite.value());
    let link = move || {
        let from_invite = invite.value().get().and_then(Result::ok);
        let from_reset = reset.value().get().and_then(Result::ok);
        from_invite.or(from_reset)
    };
    let other_err = Signal::derive(move || {
        reset.value().get().and_then(Result::err).or_else(|| set_active.value().get().and_then(Result::err))
    });
    let body = move || {
        Suspend::new(async move {
            match list.await {
                Ok(agents) => {
                    let rows = agents
                        .into_iter()
                        .map(|a| {
                            let status = if a.invited { t.invited } else if a.active { t.status_active } else { t.status_inactive };
                            let is_me = Some(a.id) == my_id;
                            let (id, active) = (a.id, a.active);
                            view! {
                                <tr class:inactive=!a.active>
                                    <td data-label=t.name>{a.name.clone()}{is_me.then(|| format!(" ({})", t.you))}</td>
                                    <td data-label=t.email>{a.email.clone()}</td>
                                    <td data-label=t.role>{t.role(a.role)}</td>
                                    <td data-label=t.col_status>{status}</td>
                                    <td class="actions">
                                        <Show when=move || is_admin && !is_me>
                                            <button type="button" class="button small"
                                                on:click=move |_| { set_active.dispatch(SetAgentActive { id, active: !active }); }>
                                                {if active { t.deactivate } else { t.reactivate }}
                                            </button>
                                            <button type="button" class="button small"
                                                on:click=move |_| { reset.dispatch(ResetAgentPassword { id }); }>
                                                {t.reset_password}
                                            </button>
                                        </Show>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view();
                    view! {
                        <div class="card flush">
                            <table class="list">
                                <thead><tr><th>{t.name}</th><th>{t.email}</th><th>{t.role}</th><th>{t.col_status}</th><th></th></tr></thead>
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
    let role_options = move || Role::ALL.iter().map(|r| view! { <option value=r.as_str()>{t.role(*r)}</option> }).collect_view();
    view! {
        <Title text=t.agents_title/>
        <Page>
            <div class="page-head"><h1>{t.agents_title}</h1></div>
            {move || link().map(|l| view! { <InviteNotice link=l/> })}
            {move || other_err.get().map(|e| view! { <ErrorNotice err=e/> })}
            <div class="split">
                <div><Transition fallback=move || view! { <p class="muted">{t.loading}</p> }>{body}</Transition></div>
                <Show when=move || is_admin>
                    <div class="card">
                        <h2>{t.invite_agent}</h2>
                        <ActionForm action=invite>
                            <div class="stack">
                                <label>{t.name}
                                    <input name="form[name]" required/>
                                    <FieldMsg err=invite_err field="name"/>
                                </label>
                                <label>{t.email}
                                    <input name="form[email]" type="email" required/>
                                    <FieldMsg err=invite_err field="email"/>
                                </label>
                                <label>{t.role}
                                    <select name="form[role]">{role_options}</select>
                                </label>
                                <FormError err=invite_err/>
                                <button type="submit" class="button primary">{t.invite_agent}</button>
                            </div>
                        </ActionForm>
                    </div>
                </Show>
            </div>
        </Page>
    }
}

#[component]
fn InviteNotice(link: InviteLink) -> impl IntoView {
    let t = use_tr();
    view! {
        <div class="notice ok" role="status">
            <p>{fill(t.invite_link_hint, &[("name", &link.name)])}</p>
            <input class="invite-link" readonly prop:value=link.url.clone() on:focus=move |ev| {
                #[cfg(feature = "hydrate")]
                {
                    use wasm_bindgen::JsCast;
                    if let Some(i) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) {
                        i.select();
                    }
                }
                #[cfg(not(feature = "hydrate"))]
                let _ = ev;
            }/>
        </div>
    }
}
