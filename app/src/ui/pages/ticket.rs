//! The ticket page: description, conversation (public replies and internal notes, visibly
//! different), attachments, history, and the properties panel. Edits carry the version they
//! were made on; a stale edit is refused with the name of who changed it, and the agent's
//! input stays in the form until they choose to overwrite or discard it.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::agents::list_agents;
use crate::api::tickets::{AddComment, edit_ticket, get_ticket, list_statuses};
use crate::domain::{AgentView, AgreementStatus, ClockView, EventKind, EventView, PolicyLevel, Priority, SlaExplain, StatusView, TermsRef, TicketEditForm, TicketSlaView, TicketView, countdown_text, format_minutes};
use crate::sla::{ClockState, Target};
use crate::error::AppError;
use crate::i18n::{Tr, fill};
use crate::ui::components::{Countdown, ErrorNotice, FieldMsg, Page, PriorityBadge, StatusBadge, action_error, set_status};
use crate::ui::{use_session, use_tr};

/// `/tickets/ACC-1042`.
#[component]
pub fn TicketPage() -> impl IntoView {
    let t = use_tr();
    let params = use_params_map();
    let number = move || params.read().get("number").unwrap_or_default();
    let reload = RwSignal::new(0u32);
    let ticket = Resource::new(move || (number(), reload.get()), |(n, _)| get_ticket(n));
    let statuses = Resource::new(|| (), |_| list_statuses());
    let agents = Resource::new(|| (), |_| list_agents());
    let body = move || {
        Suspend::new(async move {
            match (ticket.await, statuses.await, agents.await) {
                (Ok(tk), Ok(st), Ok(ag)) => view! { <TicketDetail ticket=tk statuses=st agents=ag reload/> }.into_any(),
                (Err(AppError::NotFound), _, _) => {
                    set_status(404);
                    view! { <h1>{t.not_found_title}</h1><p>{t.not_found_body}</p> }.into_any()
                }
                (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => view! { <ErrorNotice err=e/> }.into_any(),
            }
        })
    };
    view! {
        <Title text=number/>
        <Page>
            <Transition fallback=move || view! { <p class="muted">{t.loading}</p> }>{body}</Transition>
        </Page>
    }
}

/// The loaded ticket.
#[component]
fn TicketDetail(ticket: TicketView, statuses: Vec<StatusView>, agents: Vec<AgentView>, reload: RwSignal<u32>) -> impl IntoView {
    let t = use_tr();
    let tk = StoredValue::new(ticket.clone());
    let fields = EditState::new(&ticket);
    let editing = RwSignal::new(false);
    let id = ticket.id;
    let save = Action::new(move |form: &TicketEditForm| {
        let form = form.clone();
        async move { edit_ticket(id, form).await }
    });
    Effect::new(move |_| {
        if let Some(Ok(_)) = save.value().get() {
            reload.update(|n| *n += 1);
        }
    });
    let submit = Callback::new(move |version: i64| {
        save.dispatch(fields.form(&tk.read_value(), version));
    });
    let title_text = ticket.title.clone();
    view! {
        <div class="ticket-head">
            <span class="ticket-num">{ticket.number.clone()}</span>
            <h1>{title_text}</h1>
            <div class="badges">
                <StatusBadge status=ticket.status.clone()/>
                <PriorityBadge priority=ticket.priority/>
            </div>
        </div>
        <div class="ticket-grid">
            <section class="ticket-main">
                <Description ticket=ticket.clone() fields editing save submit/>
                <Conversation ticket=ticket.clone() reload/>
                <Attachments ticket=ticket.clone()/>
                <History events=ticket.events.clone()/>
            </section>
            <aside class="ticket-side">
                <Properties ticket=ticket.clone() statuses agents fields save submit reload/>
                <SlaPanel sla=ticket.sla.clone() agreement=ticket.agreement.as_ref().map(|a| a.1.clone())/>
                <div class="card meta">
                    <dl>
                        <dt>{t.col_customer}</dt>
                        <dd><a href=format!("/customers/{}", ticket.customer_id)>{ticket.customer_name.clone()}</a></dd>
                        <dt>{t.requester}</dt>
                        <dd>{ticket.requester.as_ref().map(|r| format!("{} <{}>", r.name, r.email)).unwrap_or_else(|| t.none.to_owned())}</dd>
                        <dt>{t.service}</dt>
                        <dd data-testid="ticket-service">{match ticket.service.clone() {
                            Some((id, name)) => view! { <a href=format!("/admin/services/{id}")>{name}</a> }.into_any(),
                            None => view! { <span>{t.none}</span> }.into_any(),
                        }}</dd>
                        <dt>{t.ag_agreement}</dt>
                        <dd data-testid="ticket-agreement">{match ticket.agreement.clone() {
                            Some((id, number, title, status)) => view! {
                                <a href=format!("/agreements/{id}")>{number}" · "{title}</a>
                                {(status != AgreementStatus::Active).then(|| view! { <span class="muted">" ("{crate::ui::pages::agreements::status_word(t, status)}")"</span> })}
                            }.into_any(),
                            None => view! { <span>{t.none}</span> }.into_any(),
                        }}</dd>
                        <dt>{t.created}</dt>
                        <dd><time datetime=ticket.created.iso.clone()>{ticket.created.text.clone()}</time></dd>
                        <dt>{t.updated}</dt>
                        <dd><time datetime=ticket.updated.iso.clone()>{ticket.updated.text.clone()}</time></dd>
                    </dl>
                </div>
            </aside>
        </div>
    }
}

/// The editable fields, as signals, with the values they started from.
#[derive(Clone, Copy)]
struct EditState {
    title: RwSignal<String>,
    description: RwSignal<String>,
    status: RwSignal<String>,
    priority: RwSignal<String>,
    assignee: RwSignal<String>,
}

impl EditState {
    fn new(t: &TicketView) -> Self {
        Self {
            title: RwSignal::new(t.title.clone()),
            description: RwSignal::new(t.description.clone()),
            status: RwSignal::new(t.status.id.to_string()),
            priority: RwSignal::new(t.priority.as_str().to_owned()),
            assignee: RwSignal::new(t.assignee_id.map(|a| a.to_string()).unwrap_or_default()),
        }
    }

    /// Only what differs from what was loaded, made on `version`.
    fn form(&self, t: &TicketView, version: i64) -> TicketEditForm {
        let changed = |now: String, was: String| (now != was).then_some(now);
        TicketEditForm {
            version,
            title: changed(self.title.get_untracked(), t.title.clone()),
            description: changed(self.description.get_untracked(), t.description.clone()),
            status_id: changed(self.status.get_untracked(), t.status.id.to_string()),
            priority: changed(self.priority.get_untracked(), t.priority.as_str().to_owned()),
            assignee_id: changed(self.assignee.get_untracked(), t.assignee_id.map(|a| a.to_string()).unwrap_or_default()),
        }
    }
}

type SaveAction = Action<TicketEditForm, Result<TicketView, AppError>>;

/// The description, rendered, or title and description as inputs while editing.
#[component]
fn Description(ticket: TicketView, fields: EditState, editing: RwSignal<bool>, save: SaveAction, submit: Callback<i64>) -> impl IntoView {
    let t = use_tr();
    let html = ticket.description_html.clone();
    let empty = ticket.description.trim().is_empty();
    let version = ticket.version;
    let can_edit = ticket.can_edit;
    let err = action_error(save.value());
    view! {
        <article class="card">
            <div class="card-head">
                <h2>{t.description}</h2>
                <Show when=move || can_edit && !editing.get()>
                    <button type="button" class="button small" on:click=move |_| editing.set(true)>{t.edit}</button>
                </Show>
            </div>
            <Show
                when=move || editing.get()
                fallback=move || {
                    let html = html.clone();
                    view! {
                        <Show when=move || !empty fallback=move || view! { <p class="muted">{t.no_description}</p> }>
                            <div class="markdown" inner_html=html.clone()></div>
                        </Show>
                    }
                }
            >
                <form class="stack" on:submit=move |ev| { ev.prevent_default(); submit.run(version); }>
                    <label>{t.title}
                        <input name="title" prop:value=fields.title on:input=move |ev| fields.title.set(event_target_value(&ev))/>
                        <FieldMsg err field="title"/>
                    </label>
                    <label>{t.description}
                        <textarea name="description" rows="8" prop:value=fields.description
                            on:input=move |ev| fields.description.set(event_target_value(&ev))></textarea>
                        <FieldMsg err field="description"/>
                    </label>
                    <p class="hint">{t.markdown_hint}</p>
                    <div class="row">
                        <button type="submit" class="button primary">{t.save}</button>
                        <button type="button" class="button" on:click=move |_| editing.set(false)>{t.cancel}</button>
                    </div>
                </form>
            </Show>
        </article>
    }
}

/// Status, priority and assignee, with the save button and the conflict notice.
#[component]
fn Properties(
    ticket: TicketView,
    statuses: Vec<StatusView>,
    agents: Vec<AgentView>,
    fields: EditState,
    save: SaveAction,
    submit: Callback<i64>,
    reload: RwSignal<u32>,
) -> impl IntoView {
    let t = use_tr();
    let me = use_session();
    let is_manager = me.as_ref().is_some_and(|s| s.role.is_manager());
    let my_id = me.as_ref().map(|s| s.agent_id);
    let disabled = !ticket.can_edit;
    let version = ticket.version;
    let err = action_error(save.value());
    let conflict = move || match save.value().get() {
        Some(Err(AppError::Conflict { by, current_version })) => Some((by, current_version)),
        _ => None,
    };
    // `selected` renders the current value into the server's HTML; `prop:value` keeps the
    // select in step with the signal once the page is live.
    let (current_status, current_priority) = (ticket.status.id, ticket.priority);
    let status_options = statuses
        .iter()
        .map(|s| view! { <option value=s.id.to_string() selected=s.id == current_status>{t.status(s)}</option> })
        .collect_view();
    let priority_options = Priority::ALL
        .iter()
        .map(|p| view! { <option value=p.as_str() selected=*p == current_priority>{t.priority(*p)}</option> })
        .collect_view();
    // Agents may take a ticket or let it go; managers may give it to anyone.
    let current_assignee = ticket.assignee_id;
    let agent_options = agents
        .into_iter()
        .filter(|a| a.active && (is_manager || Some(a.id) == my_id || Some(a.id) == current_assignee))
        .map(|a| view! { <option value=a.id.to_string() selected=Some(a.id) == current_assignee>{a.name}</option> })
        .collect_view();
    view! {
        <form class="card props stack" on:submit=move |ev| { ev.prevent_default(); submit.run(version); }>
            <Show when=move || disabled>
                <p class="hint">{t.read_only_hint}</p>
            </Show>
            <label>{t.col_status}
                <select name="status_id" prop:value=fields.status disabled=disabled on:change=move |ev| fields.status.set(event_target_value(&ev))>
                    {status_options}
                </select>
                <FieldMsg err field="status_id"/>
            </label>
            <label>{t.col_priority}
                <select name="priority" prop:value=fields.priority disabled=disabled on:change=move |ev| fields.priority.set(event_target_value(&ev))>
                    {priority_options}
                </select>
            </label>
            <label>{t.col_assignee}
                <select name="assignee_id" prop:value=fields.assignee disabled=disabled on:change=move |ev| fields.assignee.set(event_target_value(&ev))>
                    <option value="">{t.unassigned}</option>
                    {agent_options}
                </select>
                <FieldMsg err field="assignee_id"/>
            </label>
            <button type="submit" class="button primary wide" disabled=move || disabled || save.pending().get()>{t.save}</button>
            {move || conflict().map(|(by, current)| view! {
                <div class="notice conflict" role="alert">
                    <p>{fill(t.conflict, &[("by", &by)])}</p>
                    <div class="row">
                        <button type="button" class="button primary small" on:click=move |_| submit.run(current)>{t.overwrite}</button>
                        <button type="button" class="button small" on:click=move |_| reload.update(|n| *n += 1)>{t.discard_reload}</button>
                    </div>
                </div>
            })}
            {move || err.get().filter(|e| !matches!(e, AppError::Invalid(_) | AppError::Conflict { .. })).map(|e| view! { <ErrorNotice err=e/> })}
        </form>
    }
}

/// Replies and notes, oldest first, and the form to add one.
#[component]
fn Conversation(ticket: TicketView, reload: RwSignal<u32>) -> impl IntoView {
    let t = use_tr();
    let comment = ServerAction::<AddComment>::new();
    let internal = RwSignal::new(false);
    let body_ref = NodeRef::<leptos::html::Textarea>::new();
    let file_ref = NodeRef::<leptos::html::Input>::new();
    let upload_error = RwSignal::new(None::<&'static str>);
    let ticket_id = ticket.id;
    Effect::new(move |_| {
        if let Some(Ok(comment_id)) = comment.value().get() {
            // Sent: empty the box for the next reply, upload the chosen file onto the new
            // comment, then show both.
            if let Some(el) = body_ref.get_untracked() {
                el.set_value("");
            }
            attach_chosen_file(file_ref, ticket_id, comment_id, upload_error, reload);
        }
    });
    let err = action_error(comment.value());
    let has_comments = !ticket.comments.is_empty();
    let items = ticket
        .comments
        .into_iter()
        .map(|c| {
            let class = if c.internal { "comment internal" } else { "comment public" };
            let kind = if c.internal { t.internal_note } else { t.public_reply };
            let files = c
                .attachments
                .into_iter()
                .map(|a| view! { <li><a href=a.url download=a.filename.clone()>"📎 "{a.filename.clone()}</a></li> })
                .collect_view();
            view! {
                <li class=class id=format!("comment-{}", c.id)>
                    <div class="comment-head">
                        <strong>{c.author}</strong>
                        <span class="kind">{kind}</span>
                        <time datetime=c.at.iso>{c.at.text}</time>
                    </div>
                    <div class="markdown" inner_html=c.body_html></div>
                    <ul class="files inline">{files}</ul>
                </li>
            }
        })
        .collect_view();
    let id = ticket.id.to_string();
    view! {
        <section class="card">
            <h2>{t.conversation}</h2>
            <Show when=move || has_comments fallback=move || view! { <p class="muted">{t.no_comments}</p> }>
                <ul class="comments">{items.clone()}</ul>
            </Show>
            <ActionForm action=comment>
                <div class="comment-form stack" class:internal=move || internal.get()>
                    <input type="hidden" name="ticket_id" value=id.clone()/>
                    <div class="segmented" role="radiogroup">
                        <label class:on=move || !internal.get()>
                            <input type="radio" name="form[internal]" value="false" checked on:change=move |_| internal.set(false)/>
                            {t.public_reply}
                        </label>
                        <label class:on=move || internal.get()>
                            <input type="radio" name="form[internal]" value="true" on:change=move |_| internal.set(true)/>
                            {t.internal_note}
                        </label>
                    </div>
                    <textarea node_ref=body_ref name="form[body]" rows="4" placeholder=t.comment_placeholder aria-label=t.conversation></textarea>
                    <FieldMsg err field="body"/>
                    {move || upload_error.get().map(|m| view! { <div class="notice error" role="alert">{m}</div> })}
                    <div class="row">
                        <input type="file" node_ref=file_ref aria-label=t.attachments class="comment-file"/>
                        <button type="submit" class="button primary" disabled=move || comment.pending().get()>
                            {move || if internal.get() { t.add_note } else { t.add_reply }}
                        </button>
                    </div>
                    {move || err.get().filter(|e| !matches!(e, AppError::Invalid(_))).map(|e| view! { <ErrorNotice err=e/> })}
                </div>
            </ActionForm>
        </section>
    }
}

/// After a comment is saved: uploads the file chosen in `file_ref` (if any) onto it, then
/// reloads the ticket. Runs in the browser only.
fn attach_chosen_file(
    file_ref: NodeRef<leptos::html::Input>,
    ticket_id: i64,
    comment_id: i64,
    upload_error: RwSignal<Option<&'static str>>,
    reload: RwSignal<u32>,
) {
    let t = use_tr();
    #[cfg(feature = "hydrate")]
    {
        let input = file_ref.get_untracked();
        let file = input.as_ref().and_then(|i| i.files()).and_then(|f| f.get(0));
        if let Some(file) = file {
            if let Some(i) = &input {
                i.set_value("");
            }
            leptos::task::spawn_local(async move {
                let outcome = upload(ticket_id, comment_id, file).await;
                upload_error.set(match outcome {
                    Upload::Stored => None,
                    Upload::TooLarge => Some(t.too_large),
                    Upload::Failed => Some(t.server_error),
                });
                reload.update(|n| *n += 1);
            });
            return;
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (file_ref, ticket_id, comment_id, t);
    upload_error.set(None);
    reload.update(|n| *n += 1);
}

#[cfg(feature = "hydrate")]
enum Upload {
    Stored,
    TooLarge,
    Failed,
}

/// Posts one file to the attachment endpoint, as the plain upload form would.
#[cfg(feature = "hydrate")]
async fn upload(ticket_id: i64, comment_id: i64, file: web_sys::File) -> Upload {
    use wasm_bindgen::JsCast;
    if file.size() > crate::domain::MAX_ATTACHMENT_BYTES as f64 {
        return Upload::TooLarge;
    }
    let Some(window) = web_sys::window() else { return Upload::Failed };
    let Ok(form) = web_sys::FormData::new() else { return Upload::Failed };
    if form.append_with_blob_and_filename("file", &file, &file.name()).is_err() {
        return Upload::Failed;
    }
    let init = web_sys::RequestInit::new();
    init.set_method("POST");
    init.set_body(&form);
    let url = format!("/tickets/{ticket_id}/attachments?comment_id={comment_id}");
    let Ok(resp) = wasm_bindgen_futures::JsFuture::from(window.fetch_with_str_and_init(&url, &init)).await else {
        return Upload::Failed;
    };
    match resp.dyn_into::<web_sys::Response>() {
        Ok(r) if r.ok() && !r.url().contains("upload_error=") => Upload::Stored,
        Ok(r) if r.url().contains("upload_error=too_large") => Upload::TooLarge,
        _ => Upload::Failed,
    }
}

/// Files on the ticket and the upload form (a plain multipart post, so any browser works).
#[component]
fn Attachments(ticket: TicketView) -> impl IntoView {
    let t = use_tr();
    let q = use_query_map();
    let upload_error = move || q.read().get("upload_error").map(|e| if e == "too_large" { t.too_large } else { t.server_error });
    let action = format!("/tickets/{}/attachments", ticket.id);
    let mut all = ticket.attachments.clone();
    all.extend(ticket.comments.iter().flat_map(|c| c.attachments.clone()));
    let empty = all.is_empty();
    let items = all
        .into_iter()
        .map(|a| view! { <li><a href=a.url download=a.filename.clone()>{a.filename.clone()}</a>" "<span class="muted">{human_size(a.size)}</span></li> })
        .collect_view();
    view! {
        <section class="card">
            <h2>{t.attachments}</h2>
            <Show when=move || !empty fallback=move || view! { <p class="muted">{t.no_attachments}</p> }>
                <ul class="files">{items.clone()}</ul>
            </Show>
            {move || upload_error().map(|m| view! { <div class="notice error">{m}</div> })}
            <form method="post" action=action enctype="multipart/form-data" class="row upload">
                <input type="file" name="file" required aria-label=t.attachments/>
                <button type="submit" class="button small">{t.upload}</button>
            </form>
        </section>
    }
}

fn human_size(n: i64) -> String {
    match n {
        n if n >= 1024 * 1024 => format!("{:.1} MB", n as f64 / 1024.0 / 1024.0),
        n if n >= 1024 => format!("{:.0} KB", n as f64 / 1024.0),
        n => format!("{n} B"),
    }
}

/// Every change, oldest first.
#[component]
fn History(events: Vec<EventView>) -> impl IntoView {
    let t = use_tr();
    let items = events
        .into_iter()
        .map(|e| {
            let what = describe(t, &e.kind);
            view! {
                <li>
                    <time datetime=e.at.iso>{e.at.text}</time>
                    " "<strong>{e.actor}</strong>" "{what}
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="card">
            <h2>{t.history}</h2>
            <ol class="history">{items}</ol>
        </section>
    }
}

fn describe(t: &Tr, kind: &EventKind) -> String {
    match kind {
        EventKind::Created => t.ev_created.to_owned(),
        EventKind::Commented { internal: false } => t.ev_replied.to_owned(),
        EventKind::Commented { internal: true } => t.ev_noted.to_owned(),
        EventKind::Attached { filename } => format!("{} {filename}", t.ev_attached),
        EventKind::Sla { target, breach } => fill(if *breach { t.ev_sla_breach } else { t.ev_sla_warning }, &[("target", t.target(*target))]),
        EventKind::SlaTerms { from, to, .. } => fill(t.ev_sla_terms, &[("from", &terms_text(t, from.as_ref())), ("to", &terms_text(t, to.as_ref()))]),
        EventKind::AgreementChosen { instead_of, chosen } => fill(t.ev_agreement_chosen, &[("chosen", chosen), ("other", instead_of)]),
        EventKind::CoverageOverride { reason } => fill(t.ev_coverage_override, &[("reason", reason)]),
        EventKind::AgreementExpired { number } => fill(t.ev_agreement_expired, &[("number", number)]),
        EventKind::Changed { field, old, new } => {
            let mut s = format!("{} {}", t.ev_changed, t.field(field));
            if field != "description" {
                let old = old.as_deref().map(|v| value(t, v)).unwrap_or_else(|| t.none.to_owned());
                let new = new.as_deref().map(|v| value(t, v)).unwrap_or_else(|| t.none.to_owned());
                s.push_str(&format!(" {} «{old}» {} «{new}»", t.ev_from, t.ev_to));
            }
            s
        }
    }
}

/// A stored value as shown: built-in statuses and priorities translated.
fn value(t: &Tr, v: &str) -> String {
    if let Some(key) = v.strip_prefix("status:") {
        let s = StatusView { id: 0, name: key.to_owned(), category: crate::domain::StatusCategory::Active, system_key: Some(key.to_owned()) };
        return t.status(&s);
    }
    if let Some(p) = v.strip_prefix("priority:") {
        return Priority::parse(p).map(|p| t.priority(p).to_owned()).unwrap_or_else(|_| p.to_owned());
    }
    v.to_owned()
}

/// The ticket's SLA: the policy and the level that chose it, and each clock's state, due time
/// and business time used. The live countdown and the explain timeline build on this.
#[component]
fn SlaPanel(sla: Option<TicketSlaView>, agreement: Option<String>) -> impl IntoView {
    let t = use_tr();
    let Some(sla) = sla else {
        return view! { <section class="card sla-panel"><h2>{t.sla_title}</h2><p class="muted">{t.no_sla}</p></section> }.into_any();
    };
    // The level that set the targets, naming the agreement when it was one of its levels.
    let level = match (sla.level, agreement) {
        (PolicyLevel::AgreementService | PolicyLevel::Agreement, Some(number)) => format!("{} ({number})", level_text(t, sla.level)),
        _ => level_text(t, sla.level).to_owned(),
    };
    if let Some(s) = &sla.spans {
        crate::ui::tick::use_page_clock().learn(std::slice::from_ref(s));
    }
    let clocks = sla.clocks.into_iter().map(|c| view! { <SlaClock c/> }).collect_view();
    let explain = sla.explain.map(|e| view! { <Explain e policy=sla.policy_name.clone() calendar=sla.calendar_name.clone() level=level.clone()/> });
    view! {
        <section class="card sla-panel" data-testid="sla">
            <h2>{t.sla_title}</h2>
            <p class="muted"><a href=format!("/admin/policies/{}", sla.policy_id)>{sla.policy_name}</a>" · "{level}" · "{sla.calendar_name}</p>
            <ul class="clocks">{clocks}</ul>
            {explain}
        </section>
    }
    .into_any()
}

/// Which level chose a ticket's policy, in words.
fn level_text(t: &Tr, level: PolicyLevel) -> &'static str {
    match level {
        PolicyLevel::AgreementService => t.level_agreement_service,
        PolicyLevel::Agreement => t.level_agreement,
        PolicyLevel::Service => t.level_service,
        PolicyLevel::Customer => t.level_customer,
        PolicyLevel::Default => t.level_default,
    }
}

/// A ticket's SLA terms at one time, in words ("none" when no policy applied).
fn terms_text(t: &Tr, r: Option<&TermsRef>) -> String {
    r.map_or_else(
        || t.none.to_owned(),
        |r| fill(t.terms_ref, &[("policy", &r.policy_name), ("pv", &r.policy_version.to_string()), ("cv", &r.calendar_version.to_string())]),
    )
}

/// The explain timeline: the rule that set the goals, and for each clock cycle the stretches it
/// ran and paused (and why), the hours outside working time and holidays it skipped, and the
/// priority switches that changed its goal.
#[component]
fn Explain(e: SlaExplain, policy: String, calendar: String, level: String) -> impl IntoView {
    let t = use_tr();
    let rule = fill(t.tl_rule, &[
        ("policy", &policy),
        ("pv", &e.policy_version.to_string()),
        ("calendar", &calendar),
        ("cv", &e.calendar_version.to_string()),
        ("tz", &e.calendar_timezone),
        ("pct", &e.warning_percent.to_string()),
    ]);
    // Which level chose the policy (and the agreement, when it was one of its levels).
    let rule = format!("{rule} · {level}");
    let goals = e.rule.map(|(p, first, _, resolution)| {
        fill(t.tl_goals, &[("priority", t.priority(p)), ("first", &format_minutes(first)), ("resolution", &format_minutes(resolution))])
    });
    let clocks = e
        .timeline
        .into_iter()
        .map(|c| {
            let cycle = (c.target == Target::NextResponse).then(|| format!(" ({})", fill(t.cycle_n, &[("n", &c.cycle.to_string())])));
            let mut items: Vec<(String, AnyView)> = c.spans.into_iter().map(|s| {
                let mut what = if s.running { fill(t.tl_counted, &[("d", &countdown_text(s.business_seconds))]) } else { fill(t.tl_paused, &[("category", t.category(s.category))]) };
                if s.closed_seconds > 0 {
                    what.push_str(" · ");
                    what.push_str(&fill(t.tl_closed, &[("d", &countdown_text(s.closed_seconds))]));
                }
                if !s.holidays.is_empty() {
                    what.push_str(" · ");
                    what.push_str(&fill(t.tl_holidays, &[("list", &s.holidays.join(", "))]));
                }
                let class = if s.running { "running" } else { "paused" };
                (s.from.iso.clone(), view! {
                    <li class=class>
                        <span class="when"><time datetime=s.from.iso>{s.from.text}</time>" – "<time datetime=s.to.iso>{s.to.text}</time></span>
                        <span class="what">{what}</span>
                    </li>
                }.into_any())
            }).collect();
            items.extend(c.goal_changes.into_iter().map(|g| (g.at.iso.clone(), view! {
                <li class="change">
                    <span class="when"><time datetime=g.at.iso>{g.at.text}</time></span>
                    <span class="what">{fill(t.tl_goal, &[("priority", t.priority(g.priority)), ("goal", &format_minutes(g.goal_minutes))])}</span>
                </li>
            }.into_any())));
            // By time; a switch at a stretch's start comes after the stretch it opened.
            items.sort_by(|a, b| a.0.cmp(&b.0));
            let items = items.into_iter().map(|(_, v)| v).collect_view();
            view! {
                <div class="timeline-clock" data-target=c.target.as_str()>
                    <h3>{t.target(c.target)}{cycle}</h3>
                    <ol class="timeline">{items}</ol>
                </div>
            }
        })
        .collect_view();
    let switches = (!e.switches.is_empty()).then(|| {
        let items = e
            .switches
            .into_iter()
            .map(|w| {
                let level = w.level.map_or(t.none, |l| level_text(t, l));
                let what = fill(t.tl_switch, &[("from", &terms_text(t, w.from.as_ref())), ("to", &terms_text(t, w.to.as_ref())), ("level", level)]);
                view! {
                    <li class="change">
                        <span class="when"><time datetime=w.at.iso>{w.at.text}</time></span>
                        <span class="what">{what}</span>
                    </li>
                }
            })
            .collect_view();
        view! {
            <div class="timeline-clock" data-testid="sla-switches">
                <h3>{t.tl_switches}</h3>
                <ol class="timeline">{items}</ol>
            </div>
        }
    });
    view! {
        <details class="sla-explain" data-testid="sla-explain">
            <summary>{t.sla_explain}</summary>
            <p class="muted">{rule}</p>
            {goals.map(|g| view! { <p class="muted">{g}</p> })}
            {switches}
            {clocks}
        </details>
    }
}

#[component]
fn SlaClock(c: ClockView) -> impl IntoView {
    let t = use_tr();
    let target = t.target(c.target);
    let (state, class) = match c.state {
        ClockState::Running if c.warned => (t.cs_running, "badge clock warn"),
        ClockState::Running => (t.cs_running, "badge clock running"),
        ClockState::Paused => (t.cs_paused, "badge clock paused"),
        ClockState::Met => (t.cs_met, "badge clock met"),
        ClockState::Breached => (t.cs_breached, "badge clock breached"),
    };
    let cycle = (c.target == Target::NextResponse).then(|| format!(" ({})", fill(t.cycle_n, &[("n", &c.cycle.to_string())])));
    let used = fill(t.used_of, &[("used", &format_minutes(c.used_seconds / 60)), ("goal", &format_minutes(c.goal_minutes))]);
    let when = match (&c.stopped, &c.due, c.state) {
        (Some(s), _, _) => fill(t.stopped_at, &[("at", &s.text)]),
        (None, Some(d), ClockState::Breached) => fill(t.due_was, &[("at", &d.text)]),
        (None, Some(d), _) => fill(t.due_at, &[("at", &d.text)]),
        (None, None, _) => String::new(),
    };
    view! {
        <li data-target=c.target.as_str()>
            <div class="clock-head"><strong>{target}{cycle}</strong><span class=class>{state}</span></div>
            {c.live.clone().map(|c| view! { <div class="clock-live"><Countdown c/></div> })}
            <div class="muted">{used}</div>
            <div>{when}</div>
        </li>
    }
}
