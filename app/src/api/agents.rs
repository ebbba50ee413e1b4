//! Agent administration and profile server functions.

use leptos::prelude::*;

use crate::domain::{AgentView, InviteForm, InviteLink, ProfileForm};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::server::{actor, answer, app_state, services};

/// Every agent.
#[server(endpoint = "agents/list")]
pub async fn list_agents() -> Result<Vec<AgentView>, AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        services::agents::list(&s.db, &a).await
    }
    .await)
}

/// Invites an agent (admins only); returns the one-time link to hand them.
#[server(endpoint = "agents/invite")]
pub async fn invite_agent(form: InviteForm) -> Result<InviteLink, AppError> {
    answer(async move {
        let input = crate::domain::Invite::try_from(form).map_err(AppError::Invalid)?;
        let (s, a) = (app_state()?, actor()?);
        services::agents::invite(&s.db, &a, &s.secret, &s.base_url, input, chrono::Utc::now()).await
    }
    .await)
}

/// Issues a password-reset link for an agent (admins only).
#[server(endpoint = "agents/reset_password")]
pub async fn reset_agent_password(id: i64) -> Result<InviteLink, AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        services::agents::reset_password(&s.db, &a, &s.secret, &s.base_url, id, chrono::Utc::now()).await
    }
    .await)
}

/// Deactivates or reactivates an agent (admins only).
#[server(endpoint = "agents/set_active")]
pub async fn set_agent_active(id: i64, active: bool) -> Result<(), AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        services::agents::set_active(&s.db, &a, id, active).await
    }
    .await)
}

/// Updates the signed-in agent's name, language and timezone.
#[server(endpoint = "profile/update")]
pub async fn update_profile(form: ProfileForm) -> Result<(), AppError> {
    answer(async move {
        let input = crate::domain::ProfileInput::try_from(form).map_err(AppError::Invalid)?;
        let (s, a) = (app_state()?, actor()?);
        services::agents::update_profile(&s.db, &a, input).await
    }
    .await)
}

/// Changes the signed-in agent's password.
#[server(endpoint = "profile/password")]
pub async fn change_password(current: String, password: String, confirm: String) -> Result<(), AppError> {
    answer(async move {
        let (s, a) = (app_state()?, actor()?);
        let token = crate::server::session_token().ok_or(AppError::Unauthorized)?;
        services::agents::change_password(&s.db, &a, &s.secret, &token, &current, &password, &confirm).await
    }
    .await)
}
