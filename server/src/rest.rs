//! The REST API under `/api/v1`, for integrations. It calls the same services as the pages'
//! server functions; JSON in, JSON out, errors as `AppError` with a matching status.

use app::domain::{CommentForm, CustomerForm, NewTicketForm, SessionInfo, TicketEditForm};
use app::error::AppError;
use app::server::services::{customers, tickets};
use app::server::{Actor, AppState};
use axum::extract::{Path, RawQuery, State};
use axum::response::IntoResponse;
use axum::routing::{get, patch, post};
use axum::{Extension, Json, Router};
use http::StatusCode;

/// The `/api/v1` routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/me", get(on_me))
        .route("/tickets", get(on_list).post(on_create))
        .route("/tickets/count", get(on_count))
        .route("/tickets/{number}", get(on_get))
        .route("/tickets/{id}/edit", patch(on_edit))
        .route("/tickets/{id}/comments", post(on_comment))
        .route("/customers", get(on_customers).post(on_create_customer))
        .route("/services", get(on_services))
        .route("/calendars/{id}/export", get(on_export_calendar))
        .fallback(|| async { AppError::NotFound })
}

type ApiResult<T> = Result<T, AppError>;

/// Rejections of malformed JSON become `Invalid`, not a bare 400 text.
pub struct JsonBody<T>(pub T);

impl<S, T> axum::extract::FromRequest<S> for JsonBody<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, AppError> {
        match Json::<T>::from_request(req, state).await {
            Ok(Json(v)) => Ok(JsonBody(v)),
            Err(_) => Err(AppError::invalid("body", app::domain::Problem::UnknownValue)),
        }
    }
}

async fn on_me(Extension(a): Extension<Actor>) -> Json<SessionInfo> {
    Json(a.session_info())
}

/// `GET /api/v1/tickets?status=1,2&priority=urgent&assignee=me&q=vpn&sort=priority&after=…`:
/// the same parameters as the list page's URL.
async fn on_list(State(s): State<AppState>, Extension(a): Extension<Actor>, RawQuery(qs): RawQuery) -> ApiResult<impl IntoResponse> {
    let query = app::domain::TicketQuery::from_query_string(qs.as_deref().unwrap_or(""));
    Ok(Json(tickets::search(&s.db, &a, &query, chrono::Utc::now()).await?))
}

/// `GET /api/v1/tickets/count?…` (the list's parameters): `{"total": n}`, exact up to 1000 (a
/// larger value means "more"). The list leaves `total` null when counting costs more than
/// the page; this answers it.
async fn on_count(State(s): State<AppState>, Extension(a): Extension<Actor>, RawQuery(qs): RawQuery) -> ApiResult<impl IntoResponse> {
    let query = app::domain::TicketQuery::from_query_string(qs.as_deref().unwrap_or(""));
    Ok(Json(serde_json::json!({ "total": tickets::count(&s.db, &a, &query).await? })))
}

async fn on_create(State(s): State<AppState>, Extension(a): Extension<Actor>, JsonBody(f): JsonBody<NewTicketForm>) -> ApiResult<impl IntoResponse> {
    let input = app::domain::NewTicket::try_from(f).map_err(AppError::Invalid)?;
    let (id, number) = tickets::create(&s.db, &a, input, chrono::Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": id, "number": number }))))
}

async fn on_get(State(s): State<AppState>, Extension(a): Extension<Actor>, Path(number): Path<String>) -> ApiResult<impl IntoResponse> {
    Ok(Json(tickets::view_by_number(&s.db, &a, &number).await?))
}

async fn on_edit(State(s): State<AppState>, Extension(a): Extension<Actor>, Path(id): Path<i64>, JsonBody(f): JsonBody<TicketEditForm>) -> ApiResult<impl IntoResponse> {
    let input = app::domain::TicketEdit::try_from(f).map_err(AppError::Invalid)?;
    Ok(Json(tickets::edit(&s.db, &a, id, input, chrono::Utc::now()).await?))
}

async fn on_comment(State(s): State<AppState>, Extension(a): Extension<Actor>, Path(id): Path<i64>, JsonBody(f): JsonBody<CommentForm>) -> ApiResult<impl IntoResponse> {
    let input = app::domain::NewComment::try_from(f).map_err(AppError::Invalid)?;
    let cid = tickets::comment(&s.db, &a, id, input, chrono::Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": cid }))))
}

async fn on_customers(State(s): State<AppState>, Extension(a): Extension<Actor>) -> ApiResult<impl IntoResponse> {
    Ok(Json(customers::list(&s.db, &a).await?))
}

/// `GET /api/v1/services`: the catalog, inactive services too (`active` says which).
async fn on_services(State(s): State<AppState>, Extension(a): Extension<Actor>) -> ApiResult<impl IntoResponse> {
    Ok(Json(app::server::services::catalog::catalog(&s.db, &a).await?.services))
}

async fn on_create_customer(State(s): State<AppState>, Extension(a): Extension<Actor>, JsonBody(f): JsonBody<CustomerForm>) -> ApiResult<impl IntoResponse> {
    let input = app::domain::CustomerInput::try_from(f).map_err(AppError::Invalid)?;
    let id = customers::create(&s.db, &a, input, chrono::Utc::now()).await?;
    Ok((StatusCode::CREATED, Json(serde_json::json!({ "id": id }))))
}

/// `GET /api/v1/calendars/{id}/export`: the calendar in the `accord sla` file format, as a
/// download (yearly holidays listed for last year and the next ten).
async fn on_export_calendar(State(s): State<AppState>, Extension(a): Extension<Actor>, Path(id): Path<i64>) -> ApiResult<axum::response::Response> {
    let (name, json) = app::server::services::sla::export_calendar(&s.db, &a, id, chrono::Utc::now()).await?;
    let file: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '_' }).collect();
    let mut resp = json.into_response();
    let h = resp.headers_mut();
    h.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_static("application/json"));
    if let Ok(v) = http::HeaderValue::from_str(&format!("attachment; filename=\"{file}.json\"")) {
        h.insert(http::header::CONTENT_DISPOSITION, v);
    }
    Ok(resp)
}
