//! `/notifications`: the signed-in agent's SLA warnings and breaches, newest first, unread
//! ones marked; each links to its ticket (marking it read), and all can be marked read at once.

use leptos::prelude::*;
use leptos_meta::Title;

use crate::api::notifications::{MarkNotificationsRead, list_notifications};
use crate::domain::{NoticeKind, NotificationView};
use crate::i18n::fill;
use crate::ui::components::{ErrorNotice, FormError, Page, action_error};
use crate::ui::use_tr;

/// `/notifications`.
#[component]
pub fn NotificationsPage() -> impl IntoView {
    let t = use_tr();
    let mark = ServerAction::<MarkNotificationsRead>::new();
    let list = Resource::new(move || mark.version().get(), |_| list_notifications());
    let err = action_error(mark.value());
    let body = move || {
        Suspend::new(async move {
            match list.await {
                Ok(l) if l.items.is_empty() => view! { <p class="empty">{t.no_notifications}</p> }.into_any(),
                Ok(l) => {
                    let unread = l.unread;
                    let items = l.items.into_iter().map(|n| view! { <Notice n mark/> }).collect_view();
                    view! {
                        <div class="notices-head">
                            <span class="muted" data-testid="unread">{fill(t.unread_count, &[("n", &unread.to_string())])}</span>
                            <Show when=move || { unread > 0 }>
                                <button type="button" class="button small" on:click=move |_| { mark.dispatch(MarkNotificationsRead { id: None }); }>
                                    {t.mark_all_read}
                                </button>
                            </Show>
                        </div>
                        <ul class="notices">{items}</ul>
                    }
                    .into_any()
                }
                Err(e) => view! { <ErrorNotice err=e/> }.into_any(),
            }
        })
    };
    view! {
        <Title text=t.notifications_title/>
        <Page>
            <h1>{t.notifications_title}</h1>
            <FormError err/>
            <Transition fallback=move || view! { <p class="muted">{t.loading}</p> }>{body}</Transition>
        </Page>
    }
}

/// One notification: what happened (in words and an icon, not colour alone), to which ticket,
/// the due instant it is about, and when it came.
#[component]
fn Notice(n: NotificationView, mark: ServerAction<MarkNotificationsRead>) -> impl IntoView {
    let t = use_tr();
    let (icon, label, class) = match n.kind {
        NoticeKind::SlaWarning => ("⚠", t.n_warning, "badge clock warn"),
        NoticeKind::SlaBreach => ("✖", t.cs_breached, "badge clock breached"),
        NoticeKind::AgreementExpiry => ("⚠", t.n_expiry, "badge clock warn"),
    };
    let target = n.target.map(|x| t.target(x)).unwrap_or_default();
    let due = match (n.kind, n.days, n.due.as_ref()) {
        (NoticeKind::AgreementExpiry, Some(days), _) => Some(fill(t.n_expiry_in, &[("days", &days.to_string())])),
        (_, _, Some(d)) => {
            let template = if n.kind == NoticeKind::SlaBreach { t.n_was_due } else { t.n_due };
            Some(fill(template, &[("target", target), ("at", &d.text)]))
        }
        _ => None,
    };
    let href = n.href.clone();
    let (id, read) = (n.id, n.read);
    view! {
        <li class="notice-item" class:unread=!read data-kind=n.kind.as_str()>
            <span class=class><span aria-hidden="true">{icon}</span>" "{label}</span>
            <div class="notice-body">
                <a href=href on:click=move |_| { if !read { mark.dispatch(MarkNotificationsRead { id: Some(id) }); } }>
                    <span class="ticket-num">{n.ticket_number.clone()}</span>" "{n.ticket_title.clone()}
                </a>
                <div class="muted">{due}</div>
            </div>
            <time class="muted" datetime=n.at.iso.clone()>{n.at.text.clone()}</time>
            <Show when=move || !read>
                <button type="button" class="button small mark" on:click=move |_| { mark.dispatch(MarkNotificationsRead { id: Some(id) }); }>{t.mark_read}</button>
            </Show>
        </li>
    }
}
