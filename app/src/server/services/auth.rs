//! Sign-in: argon2id password hashes, server-side sessions behind random tokens (only their
//! keyed hashes are stored), throttling of repeated failures, invitations and resets.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::{DateTime, TimeDelta, Utc};
use sha2::{Digest, Sha256};

use crate::domain::{Email, Lang, Problem, Role};
use crate::error::AppError;
use crate::server::render::parse_tz;
use crate::server::store::{agents, sessions, agents::AgentRow};
use crate::server::{Actor, Db};

/// How long a session lasts without signing in again.
pub const SESSION_DAYS: i64 = 14;
/// Failed attempts allowed per email within [`THROTTLE_WINDOW_MINUTES`].
pub const MAX_FAILURES: i64 = 5;
/// The window failures are counted in, and how long a throttled email waits.
pub const THROTTLE_WINDOW_MINUTES: i64 = 15;
/// How long an invitation or reset link works.
pub const INVITE_DAYS: i64 = 7;

/// Hashes a password with argon2id and a random salt.
///
/// # Errors
/// `Internal` if hashing fails (it does not for valid parameters).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| {
        tracing::error!(error = %e, "password hashing failed");
        AppError::Internal
    })
}

/// Whether `password` matches the stored hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A new random token (256 bits, hex).
pub fn new_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex(&bytes)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// The keyed hash a token is stored under, so a leaked database holds no usable tokens.
pub fn token_hash(secret: &[u8], token: &str) -> String {
    let mut h = Sha256::new();
    h.update(secret);
    h.update(b"\0");
    h.update(token.as_bytes());
    hex(&h.finalize())
}

/// Builds the request's actor from a stored agent.
pub fn actor_from(row: &AgentRow) -> Actor {
    Actor {
        id: row.id,
        name: row.name.clone(),
        email: row.email.clone(),
        role: Role::parse(&row.role).unwrap_or(Role::Agent),
        language: Lang::parse(&row.language).unwrap_or(Lang::En),
        timezone: parse_tz(&row.timezone).unwrap_or(chrono_tz::UTC),
    }
}

/// A new session: the token for the cookie, and when it expires.
pub struct NewSession {
    pub token: String,
    pub expires: DateTime<Utc>,
}

/// Signs in with email and password. Refuses (without checking the password) an email that
/// failed [`MAX_FAILURES`] times within the window.
///
/// # Errors
/// `Throttled`, `Invalid(BadCredentials)` for a wrong email or password or a deactivated
/// agent (the same answer, so it reveals nothing), database errors.
pub async fn login(db: &Db, secret: &[u8], email: &str, password: &str, now: DateTime<Utc>) -> Result<(NewSession, Actor), AppError> {
    let email = Email::try_from(email.to_owned()).map(String::from).unwrap_or_else(|_| email.trim().to_lowercase());
    let since = now - TimeDelta::minutes(THROTTLE_WINDOW_MINUTES);
    if sessions::recent_failures(db, &email, since).await? >= MAX_FAILURES {
        return Err(AppError::Throttled);
    }
    let agent = agents::by_email(db, &email).await?;
    let ok = match &agent {
        Some(a) if a.active => a.password_hash.as_deref().is_some_and(|h| verify_password(password, h)),
        _ => {
            // Spend the same time as a real check so timing does not reveal which emails exist.
            let _ = verify_password(password, &DUMMY_HASH);
            false
        }
    };
    sessions::record_attempt(db, &email, ok, now).await?;
    let agent = match agent {
        Some(a) if ok => a,
        _ => return Err(AppError::invalid("password", Problem::BadCredentials)),
    };
    let token = new_token();
    let expires = now + TimeDelta::days(SESSION_DAYS);
    sessions::insert(db, &token_hash(secret, &token), agent.id, now, expires).await?;
    Ok((NewSession { token, expires }, actor_from(&agent)))
}

/// An argon2id hash of a random string, checked against when the email is unknown.
static DUMMY_HASH: std::sync::LazyLock<String> =
    std::sync::LazyLock::new(|| hash_password(&new_token()).unwrap_or_default());

/// The agent a session token belongs to, if it is valid.
///
/// # Errors
/// Database errors.
pub async fn resolve(db: &Db, secret: &[u8], token: &str, now: DateTime<Utc>) -> Result<Option<Actor>, AppError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    Ok(sessions::agent_for(db, &token_hash(secret, token), now).await?.as_ref().map(actor_from))
}

/// Ends a session.
///
/// # Errors
/// Database errors.
pub async fn logout(db: &Db, secret: &[u8], token: &str) -> Result<(), AppError> {
    sessions::delete(db, &token_hash(secret, token)).await?;
    Ok(())
}

/// Whether an invitation token is valid now; returns the agent's name.
///
/// # Errors
/// Database errors.
pub async fn invite_holder(db: &Db, secret: &[u8], token: &str, now: DateTime<Utc>) -> Result<Option<String>, AppError> {
    Ok(agents::by_invite(db, &token_hash(secret, token), now).await?.map(|a| a.name))
}

/// Sets the password of the agent holding an invitation (or reset) token; the token is used up.
///
/// # Errors
/// `NotFound` for an unknown or expired token, `Invalid` for a weak or unconfirmed password.
pub async fn accept_invite(db: &Db, secret: &[u8], token: &str, password: &str, confirm: &str, now: DateTime<Utc>) -> Result<(), AppError> {
    let agent = agents::by_invite(db, &token_hash(secret, token), now).await?.ok_or(AppError::NotFound)?;
    crate::domain::check_new_password(password, confirm).map_err(AppError::Invalid)?;
    agents::set_password(db, agent.id, &hash_password(password)?).await?;
    Ok(())
}

/// Creates an agent with a password (the `accord admin create` command). Not an invitation:
/// whoever runs the command on the server is trusted.
///
/// # Errors
/// `Invalid` for a bad email, name or password, or an email in use.
pub async fn create_agent_with_password(db: &Db, email: &str, name: &str, role: Role, password: &str, now: DateTime<Utc>) -> Result<i64, AppError> {
    let email = Email::try_from(email.to_owned()).map_err(|p| AppError::invalid("email", p))?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(AppError::invalid("name", if name.is_empty() { Problem::Required } else { Problem::TooLong(120) }));
    }
    crate::domain::check_new_password(password, password).map_err(AppError::Invalid)?;
    let hash = hash_password(password)?;
    agents::insert(
        db,
        &agents::NewAgentRow {
            email: email.as_str(),
            name,
            role: role.as_str(),
            password_hash: Some(&hash),
            language: "en",
            timezone: "UTC",
            invite_token_hash: None,
            invite_expires_at: None,
        },
        now,
    )
    .await
    .map_err(|e| super::unique_to_field(e, "email"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_own_hash() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("anything", "not a hash"));
        assert!(!verify_password("anything", &DUMMY_HASH));
    }

    #[test]
    fn token_hashes_depend_on_the_secret() {
        let t = new_token();
        assert_eq!(t.len(), 64);
        assert_ne!(token_hash(b"a", &t), token_hash(b"b", &t));
        assert_eq!(token_hash(b"a", &t), token_hash(b"a", &t));
    }
}
