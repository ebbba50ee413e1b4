//! Plain HTML form endpoints: sign-in, sign-out, invitation acceptance, and attachment
//! upload and download. They answer with redirects, so they work before (or without) the
//! wasm, and a sign-in always starts a fresh page.

use app::domain::Problem;
use app::error::AppError;
use app::server::services::{auth, tickets};
use app::server::{Actor, AppState, SESSION_COOKIE, cookie_value};
use axum::extract::{Multipart, Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use http::{HeaderMap, HeaderValue, StatusCode, header};
use serde::Deserialize;

use crate::middleware::{error_page, urlencode};

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

fn session_cookie(state: &AppState, value: &str, max_age: i64) -> HeaderValue {
    let secure = if state.base_url.starts_with("https://") { "; Secure" } else { "" };
    let v = format!("{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}");
    HeaderValue::from_str(&v).unwrap_or_else(|_| HeaderValue::from_static("accord_session=; Path=/; Max-Age=0"))
}

/// Only local paths are followed after sign-in, never another site.
fn safe_next(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") && !next.starts_with("/login") {
        next
    } else {
        "/tickets"
    }
}

/// `POST /auth/login`.
pub async fn on_login(State(state): State<AppState>, Form(f): Form<LoginForm>) -> Response {
    let next = safe_next(&f.next).to_owned();
    match auth::login(&state.db, &state.secret, &f.email, &f.password, chrono::Utc::now()).await {
        Ok((session, actor)) => {
            tracing::info!(agent = actor.id, "signed in");
            let max_age = (session.expires - chrono::Utc::now()).num_seconds();
            let mut resp = Redirect::to(&next).into_response();
            resp.headers_mut().insert(header::SET_COOKIE, session_cookie(&state, &session.token, max_age));
            resp
        }
        Err(e) => {
            let code = match e {
                AppError::Throttled => "throttled",
                AppError::Invalid(_) => "bad",
                _ => "server",
            };
            let q = format!("/login?error={code}&email={}&next={}", urlencode(f.email.trim()), urlencode(&next));
            Redirect::to(&q).into_response()
        }
    }
}

/// `POST /auth/logout`.
pub async fn on_logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie_value(&headers, SESSION_COOKIE) {
        if auth::logout(&state.db, &state.secret, &token).await.is_err() {
            return error_page(StatusCode::SERVICE_UNAVAILABLE);
        }
    }
    let mut resp = Redirect::to("/login?signed_out=1").into_response();
    resp.headers_mut().insert(header::SET_COOKIE, session_cookie(&state, "", 0));
    resp
}

#[derive(Deserialize)]
pub struct InviteForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /auth/invite`: an invited agent sets their password.
pub async fn on_invite(State(state): State<AppState>, Form(f): Form<InviteForm>) -> Response {
    let token: String = f.token.chars().filter(char::is_ascii_hexdigit).take(64).collect();
    match auth::accept_invite(&state.db, &state.secret, &token, &f.password, &f.confirm, chrono::Utc::now()).await {
        Ok(()) => Redirect::to("/login?password_set=1").into_response(),
        Err(e) => {
            let code = match e.field("password").or_else(|| e.field("confirm")) {
                Some(Problem::TooShort(_) | Problem::TooLong(_)) => "too_short",
                Some(Problem::Mismatch) => "mismatch",
                _ if e == AppError::NotFound => "invalid",
                _ => "server",
            };
            Redirect::to(&format!("/invite/{token}?error={code}")).into_response()
        }
    }
}

#[derive(Deserialize)]
pub struct UploadQuery {
    comment_id: Option<i64>,
}

/// `POST /tickets/{id}/attachments[?comment_id=N]`: a multipart upload with one `file`
/// field, onto the ticket or one of its comments.
pub async fn on_upload(
    State(state): State<AppState>,
    Extension(actor): Extension<Actor>,
    Path(id): Path<i64>,
    Query(q): Query<UploadQuery>,
    mut form: Multipart,
) -> Response {
    let db = state.db.clone();
    let back = |q: &'static str| {
        let db = db.clone();
        async move {
            match app::server::store::tickets::get(&db, id).await {
                Ok(t) => Redirect::to(&format!("/tickets/{}{q}", app::domain::display_number(t.number))).into_response(),
                Err(_) => StatusCode::NOT_FOUND.into_response(),
            }
        }
    };
    let mut file = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => {
                let name = field.file_name().unwrap_or("file").to_owned();
                let ct = field.content_type().unwrap_or("application/octet-stream").to_owned();
                match field.bytes().await {
                    Ok(b) => file = Some((name, ct, b)),
                    Err(_) => return back("?upload_error=too_large").await,
                }
            }
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(_) => return back("?upload_error=too_large").await,
        }
    }
    let Some((name, ct, data)) = file else { return back("?upload_error=missing").await };
    let to = tickets::AttachTo { ticket_id: id, comment_id: q.comment_id };
    match tickets::attach(&state.db, &actor, to, &name, &ct, &data, chrono::Utc::now()).await {
        Ok(_) => back("").await,
        Err(AppError::Invalid(e)) if e.iter().any(|f| matches!(f.problem, Problem::TooLong(_))) => back("?upload_error=too_large").await,
        Err(AppError::NotFound) => StatusCode::NOT_FOUND.into_response(),
        Err(_) => back("?upload_error=failed").await,
    }
}

/// `GET /attachments/{id}/{name}`: only for those who may see the ticket. Served as a
/// download in a sandbox, so an uploaded HTML file cannot run in our origin.
pub async fn on_download(State(state): State<AppState>, Extension(actor): Extension<Actor>, Path((id, _name)): Path<(i64, String)>) -> Response {
    match tickets::attachment(&state.db, &actor, id).await {
        Ok((meta, data)) => {
            let inline = meta.content_type.starts_with("image/") && meta.content_type != "image/svg+xml";
            let disposition = format!(
                "{}; filename=\"{}\"",
                if inline { "inline" } else { "attachment" },
                meta.filename.replace(['"', '\\'], "_")
            );
            let ct = if inline { meta.content_type.clone() } else { "application/octet-stream".to_owned() };
            let mut resp = data.into_response();
            let h = resp.headers_mut();
            h.insert(header::CONTENT_TYPE, HeaderValue::from_str(&ct).unwrap_or(HeaderValue::from_static("application/octet-stream")));
            if let Ok(v) = HeaderValue::from_str(&disposition) {
                h.insert(header::CONTENT_DISPOSITION, v);
            }
            h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("sandbox"));
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=3600"));
            resp
        }
        Err(e) => e.into_response(),
    }
}
