//! Request middleware: CSRF refusal of cross-site writes, the session lookup that puts the
//! acting agent into the request, the sign-in wall, and the last-resort panic handler.

use app::domain::Lang;
use app::error::AppError;
use app::server::{AppState, RequestLang, SESSION_COOKIE, cookie_value};
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use http::{HeaderMap, Method, StatusCode, header};

/// Paths anyone may reach without signing in.
fn is_public(path: &str) -> bool {
    matches!(path, "/login" | "/health" | "/favicon.svg" | "/favicon.ico" | "/robots.txt" | "/auth/login" | "/auth/invite")
        || path.starts_with("/pkg/")
        || path.starts_with("/invite/")
}

/// The `scheme://host[:port]` of a URL.
fn origin_of(url: &str) -> Option<&str> {
    let (scheme, rest) = url.split_once("://")?;
    let end = rest.find('/').unwrap_or(rest.len());
    Some(&url[..scheme.len() + 3 + end])
}

/// Whether a state-changing request comes from our own pages: its `Origin` (or, failing
/// that, its `Referer`) must be the configured base URL or the host it was sent to.
/// Browsers send `Origin` on every cross-site and same-site POST, so a forged form or fetch
/// from another site cannot pass; a request that sends neither is refused too.
pub fn same_origin(headers: &HeaderMap, base_url: &str) -> bool {
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return false;
    }
    let origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .filter(|o| *o != "null")
        .map(str::to_owned)
        .or_else(|| headers.get(header::REFERER).and_then(|v| v.to_str().ok()).and_then(origin_of).map(str::to_owned));
    let Some(origin) = origin else { return false };
    if origin_of(base_url) == Some(origin.as_str()) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, h)| h);
    host.is_some() && origin_host == host
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

/// CSRF check, language, session lookup and the sign-in wall, in that order.
pub async fn session(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let writes = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if writes && !same_origin(req.headers(), &state.base_url) {
        tracing::warn!(%path, "refused a cross-site or origin-less write");
        return (StatusCode::FORBIDDEN, axum::Json(AppError::Forbidden)).into_response();
    }
    let lang = req
        .headers()
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(Lang::from_accept_language)
        .unwrap_or(Lang::En);
    req.extensions_mut().insert(RequestLang(lang));
    let mut signed_in = false;
    if let Some(token) = cookie_value(req.headers(), SESSION_COOKIE) {
        match app::server::services::auth::resolve(&state.db, &state.secret, &token, chrono::Utc::now()).await {
            Ok(Some(actor)) => {
                signed_in = true;
                req.extensions_mut().insert(actor);
            }
            Ok(None) => {}
            Err(_) => return error_page(StatusCode::SERVICE_UNAVAILABLE),
        }
    }
    if !signed_in && !is_public(&path) {
        if is_api(&path) {
            return (StatusCode::UNAUTHORIZED, axum::Json(AppError::Unauthorized)).into_response();
        }
        if req.method() == Method::GET {
            let next = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
            let target = if next == "/" || next == "/tickets" {
                "/login".to_owned()
            } else {
                format!("/login?next={}", urlencode(next))
            };
            return Redirect::to(&target).into_response();
        }
        return Redirect::to("/login?error=session").into_response();
    }
    let server_fn = is_api(&path) && !path.starts_with("/api/v1/");
    let res = next.run(req).await;
    if server_fn && res.status() == StatusCode::INTERNAL_SERVER_ERROR {
        return undecodable_as_400(res).await;
    }
    res
}

/// A server function whose arguments cannot be decoded answers `Transport` with a 500; it
/// is the caller's fault, so say 400 (our own failures answer `Internal`, which stays 500).
async fn undecodable_as_400(res: Response) -> Response {
    let (mut parts, body) = res.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return error_page(StatusCode::INTERNAL_SERVER_ERROR);
    };
    if bytes.starts_with(b"{\"Transport\"") {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// Percent-encodes a query value.
pub fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A plain error page with no internals.
pub fn error_page(status: StatusCode) -> Response {
    let body = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Accord</title><link rel=\"stylesheet\" href=\"/pkg/accord.css\"></head><body><main class=\"auth\"><div class=\"auth-card\">\
         <h1>{} {}</h1><p>Something went wrong on our side. Nothing you entered was saved twice or lost; please go back and try again.</p>\
         <a class=\"button primary\" href=\"/tickets\">Accord</a></div></main></body></html>",
        status.as_u16(),
        status.canonical_reason().unwrap_or("Error")
    );
    (status, [(header::CONTENT_TYPE, "text/html; charset=utf-8")], body).into_response()
}

/// Turns a panic in a handler into a logged 500 with a clean page.
pub fn on_panic(err: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = %detail, "a request handler panicked");
    error_page(StatusCode::INTERNAL_SERVER_ERROR)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn writes_from_our_own_origin_pass() {
        let base = "http://127.0.0.1:3000";
        assert!(same_origin(&headers(&[("origin", "http://127.0.0.1:3000")]), base));
        assert!(same_origin(&headers(&[("referer", "http://127.0.0.1:3000/tickets/ACC-1")]), base));
        assert!(same_origin(&headers(&[("origin", "http://desk.local:8080"), ("host", "desk.local:8080")]), base));
    }

    #[test]
    fn cross_site_and_origin_less_writes_are_refused() {
        let base = "http://127.0.0.1:3000";
        assert!(!same_origin(&headers(&[("origin", "https://evil.example")]), base));
        assert!(!same_origin(&headers(&[("origin", "null")]), base));
        assert!(!same_origin(&headers(&[]), base));
        assert!(!same_origin(&headers(&[("origin", "http://127.0.0.1:3000"), ("sec-fetch-site", "cross-site")]), base));
        assert!(!same_origin(&headers(&[("origin", "http://127.0.0.1:3000.evil.example")]), base));
    }

    #[test]
    fn a_panic_becomes_a_plain_500_without_its_message() {
        let r = on_panic(Box::new("secret internals".to_string()));
        assert_eq!(r.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    #[test]
    fn the_sign_in_wall_lets_through_only_public_paths() {
        assert!(is_public("/login"));
        assert!(is_public("/pkg/accord.wasm"));
        assert!(is_public("/invite/abc"));
        assert!(!is_public("/tickets"));
        assert!(!is_public("/api/v1/tickets"));
        assert!(!is_public("/attachments/1/x.pdf"));
    }
}
