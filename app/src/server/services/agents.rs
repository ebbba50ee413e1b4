//! Managing agents (admins only) and an agent's own profile.

use chrono::{DateTime, TimeDelta, Utc};

use crate::domain::{AgentView, Invite, InviteLink, Lang, Problem, ProfileInput, Role};
use crate::error::AppError;
use crate::server::render::parse_tz;
use crate::server::store::{agents as store, sessions};
use crate::server::{Actor, Db};

use super::auth::{INVITE_DAYS, hash_password, new_token, token_hash, verify_password};
use super::require;

fn agent_view(a: store::AgentRow, invited: bool) -> AgentView {
    AgentView {
        id: a.id,
        name: a.name,
        email: a.email,
        role: Role::parse(&a.role).unwrap_or(Role::Agent),
        active: a.active,
        language: Lang::parse(&a.language).unwrap_or(Lang::En),
        timezone: a.timezone,
        invited: invited && a.password_hash.is_none(),
    }
}

/// Every agent. Any agent may see the list (to assign tickets).
///
/// # Errors
/// Database errors.
pub async fn list(db: &Db, _actor: &Actor) -> Result<Vec<AgentView>, AppError> {
    Ok(store::list(db).await?.into_iter().map(|(a, i)| agent_view(a, i)).collect())
}

/// Invites an agent: creates the account without a password and returns a one-time link on
/// which they choose it. Admins only.
///
/// # Errors
/// `Forbidden`, or `Invalid` for an email in use.
pub async fn invite(db: &Db, actor: &Actor, secret: &[u8], base_url: &str, i: Invite, now: DateTime<Utc>) -> Result<InviteLink, AppError> {
    require(actor, Role::Admin)?;
    let token = new_token();
    let id = store::insert(
        db,
        &store::NewAgentRow {
            email: i.email.as_str(),
            name: &i.name,
            role: i.role.as_str(),
            password_hash: None,
            language: actor.language.as_str(),
            timezone: actor.timezone.name(),
            invite_token_hash: Some(&token_hash(secret, &token)),
            invite_expires_at: Some(crate::server::db::now_micros(now + TimeDelta::days(INVITE_DAYS))),
        },
        crate::server::db::now_micros(now),
    )
    .await
    .map_err(|e| super::unique_to_field(e, "email"))?;
    Ok(InviteLink { agent_id: id, name: i.name.clone(), url: format!("{}/invite/{token}", base_url.trim_end_matches('/')) })
}

/// Issues a new one-time link on which the agent sets a new password. The old password keeps
/// working until then. Admins only.
///
/// # Errors
/// `Forbidden`, `NotFound`.
pub async fn reset_password(db: &Db, actor: &Actor, secret: &[u8], base_url: &str, id: i64, now: DateTime<Utc>) -> Result<InviteLink, AppError> {
    require(actor, Role::Admin)?;
    let agent = store::get(db, id).await?;
    let token = new_token();
    store::set_invite(db, id, &token_hash(secret, &token), crate::server::db::now_micros(now + TimeDelta::days(INVITE_DAYS))).await?;
    Ok(InviteLink { agent_id: id, name: agent.name, url: format!("{}/invite/{token}", base_url.trim_end_matches('/')) })
}

/// Deactivates (ending their sessions) or reactivates an agent. Admins only; nobody
/// deactivates themselves (so an instance never loses its last admin by accident).
///
/// # Errors
/// `Forbidden`, `NotFound`.
pub async fn set_active(db: &Db, actor: &Actor, id: i64, active: bool) -> Result<(), AppError> {
    require(actor, Role::Admin)?;
    if id == actor.id && !active {
        return Err(AppError::Forbidden);
    }
    store::get(db, id).await?;
    store::set_active(db, id, active).await?;
    Ok(())
}

/// Updates the actor's own name, language and timezone.
///
/// # Errors
/// `Invalid` for an unknown timezone.
pub async fn update_profile(db: &Db, actor: &Actor, p: ProfileInput) -> Result<(), AppError> {
    if parse_tz(&p.timezone).is_none() {
        return Err(AppError::invalid("timezone", Problem::BadTimezone));
    }
    store::update_profile(db, actor.id, &p.name, p.language.as_str(), &p.timezone).await?;
    Ok(())
}

/// Changes the actor's password after checking the current one; ends their other sessions.
///
/// # Errors
/// `Invalid` for a wrong current password, a weak or unconfirmed new one.
pub async fn change_password(db: &Db, actor: &Actor, secret: &[u8], session_token: &str, current: &str, new: &str, confirm: &str) -> Result<(), AppError> {
    let row = store::get(db, actor.id).await?;
    if !row.password_hash.as_deref().is_some_and(|h| verify_password(current, h)) {
        return Err(AppError::invalid("current", Problem::BadCredentials));
    }
    crate::domain::check_new_password(new, confirm).map_err(AppError::Invalid)?;
    store::set_password(db, actor.id, &hash_password(new)?).await?;
    sessions::delete_others(db, actor.id, &token_hash(secret, session_token)).await?;
    Ok(())
}
