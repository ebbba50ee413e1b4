//! Notification server functions: the signed-in agent's list, unread count, marking read.

use leptos::prelude::*;

use crate::domain::NotificationList;
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::server::{actor, answer, app_state, services};

/// The agent's latest notifications and unread count.
#[server(endpoint = "notifications/list")]
pub async fn list_notifications() -> Result<NotificationList, AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        services::notifications::list(&s.db, &a).await
    }
    .await)
}

/// How many of the agent's notifications are unread.
#[server(endpoint = "notifications/unread")]
pub async fn unread_notifications() -> Result<i64, AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        services::notifications::unread(&s.db, &a).await
    }
    .await)
}

/// Marks one notification read (or all, without an id); returns how many stay unread.
#[server(endpoint = "notifications/read")]
pub async fn mark_notifications_read(id: Option<i64>) -> Result<i64, AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        services::notifications::mark_read(&s.db, &a, id, chrono::Utc::now()).await
    }
    .await)
}
