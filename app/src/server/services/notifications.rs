//! An agent's in-app notifications: SLA warnings and breaches of their tickets (or, for
//! managers, of tickets nobody is assigned). Each agent sees and marks only their own.

use chrono::{DateTime, Utc};

use crate::domain::{NoticeKind, NotificationList, NotificationView, display_number};
use crate::error::AppError;
use crate::server::render::shown;
use crate::server::store::alerts as store;
use crate::server::{Actor, Db};

/// How many notifications the list shows.
pub const SHOWN: i64 = 100;

/// The agent's latest notifications, newest first, and how many are unread.
///
/// # Errors
/// Database errors.
pub async fn list(db: &Db, actor: &Actor) -> Result<NotificationList, AppError> {
    let at = |t: DateTime<Utc>| shown(t, actor.timezone, actor.language);
    let items = store::notifications(db, actor.id, SHOWN)
        .await?
        .into_iter()
        .filter_map(|n| {
            let kind = NoticeKind::parse(&n.kind)?;
            let (number, title, href, days) = match (kind, n.number, n.agreement_id, n.agreement_number) {
                (NoticeKind::AgreementExpiry, _, Some(id), Some(number)) => {
                    (super::agreements::display_number(number), n.agreement_title.unwrap_or_default(), format!("/agreements/{id}"), n.cycle)
                }
                (NoticeKind::SlaWarning | NoticeKind::SlaBreach, Some(number), _, _) => {
                    let number = display_number(number);
                    let href = format!("/tickets/{number}");
                    (number, n.title.unwrap_or_default(), href, None)
                }
                _ => return None,
            };
            Some(NotificationView {
                id: n.id,
                ticket_number: number,
                ticket_title: title,
                href,
                days,
                kind,
                target: crate::sla::Target::ALL.into_iter().find(|t| Some(t.as_str()) == n.target.as_deref()),
                due: n.due_at.map(at),
                at: at(n.at),
                read: n.read_at.is_some(),
            })
        })
        .collect();
    Ok(NotificationList { items, unread: store::unread(db, actor.id).await? })
}

/// How many of the agent's notifications are unread.
///
/// # Errors
/// Database errors.
pub async fn unread(db: &Db, actor: &Actor) -> Result<i64, AppError> {
    Ok(store::unread(db, actor.id).await?)
}

/// Marks one of the agent's notifications read, or all of them (`None`); returns how many
/// are unread after. Marking one already read changes nothing.
///
/// # Errors
/// `NotFound` for an id that is not one of the agent's notifications; database errors.
pub async fn mark_read(db: &Db, actor: &Actor, id: Option<i64>, now: DateTime<Utc>) -> Result<i64, AppError> {
    if let Some(id) = id {
        if !store::is_mine(db, actor.id, id).await? {
            return Err(AppError::NotFound);
        }
    }
    store::mark_read(db, actor.id, id, now).await?;
    Ok(store::unread(db, actor.id).await?)
}
