//! The Accord process: configuration, start-up, and the HTTP router (Leptos pages and
//! server functions, sign-in forms, attachments, the REST API) with its session and CSRF
//! middleware. `main.rs` is only the command line around it.

pub mod config;
mod http_auth;
mod live;
mod middleware;
mod rest;
pub mod sla_cli;

use std::sync::Arc;

use app::server::{AppState, Db};
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use leptos::prelude::*;
use leptos_axum::{LeptosRoutes, generate_route_list};

pub use config::Config;

/// Why start-up failed, with the setting to blame.
#[derive(Debug, thiserror::Error)]
#[error("{setting}: {message}")]
pub struct StartError {
    pub setting: &'static str,
    pub message: String,
}

impl From<config::ConfigError> for StartError {
    fn from(e: config::ConfigError) -> Self {
        StartError { setting: e.setting, message: e.message }
    }
}

/// Opens and migrates the configured database.
///
/// # Errors
/// `StartError` naming `ACCORD_DATABASE_URL`.
pub async fn open_db(url: &str) -> Result<Db, StartError> {
    let redacted = config::redact_url(url);
    let db = Db::open(url).await.map_err(|e| StartError {
        setting: "ACCORD_DATABASE_URL",
        message: format!("cannot open {redacted}: {e}"),
    })?;
    db.migrate().await.map_err(|e| StartError {
        setting: "ACCORD_DATABASE_URL",
        message: format!("cannot migrate {redacted}: {e}"),
    })?;
    Ok(db)
}

/// The secret that peppers stored token hashes: the configured one, else one generated on
/// first start and kept in the database (so every server on one database shares it).
///
/// # Errors
/// Database errors.
pub async fn secret(db: &Db, configured: Option<&str>) -> Result<Vec<u8>, StartError> {
    if let Some(k) = configured {
        return Ok(k.as_bytes().to_vec());
    }
    let generated = app::server::services::auth::new_token();
    app::server::store::settings::get_or_insert(db, "secret_key", &generated)
        .await
        .map(String::into_bytes)
        .map_err(|e| StartError { setting: "ACCORD_DATABASE_URL", message: format!("cannot read settings: {e}") })
}

/// The Leptos options for the built site under `site_root`.
pub fn leptos_options(config: &Config) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("accord")
        .site_root(config.site_root.clone())
        .site_pkg_dir("pkg")
        .site_addr(config.listen)
        .env(leptos_config::Env::PROD)
        .build()
}

/// The state every handler shares.
///
/// # Errors
/// Database errors while reading the stored secret.
pub async fn state(config: &Config, db: Db) -> Result<AppState, StartError> {
    let secret = secret(&db, config.secret_key.as_deref()).await?;
    let live = app::server::live::Live::start(db.clone(), std::time::Duration::from_millis(500));
    Ok(AppState { db, base_url: config.base_url.clone(), secret: Arc::new(secret), leptos_options: leptos_options(config), live })
}

/// The whole HTTP application.
pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(app::App);
    let options = state.leptos_options.clone();
    let context = {
        let s = state.clone();
        move || provide_context(s.clone())
    };
    Router::new()
        .route("/health", get(|| async { "ok" }))
        .route("/auth/login", post(http_auth::on_login))
        .route("/auth/logout", post(http_auth::on_logout))
        .route("/auth/invite", post(http_auth::on_invite))
        .route(
            "/tickets/{id}/attachments",
            post(http_auth::on_upload).layer(DefaultBodyLimit::max(app::server::services::tickets::MAX_ATTACHMENT + 64 * 1024)),
        )
        .route("/attachments/{id}/{name}", get(http_auth::on_download))
        .route("/api/live/tickets", get(live::on_tickets))
        .nest("/api/v1", rest::router())
        .leptos_routes_with_context(&state, routes, context.clone(), move || app::shell(options.clone()))
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(context, app::shell))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::session))
        .layer(tower_http::set_header::SetResponseHeaderLayer::if_not_present(
            http::header::X_CONTENT_TYPE_OPTIONS,
            http::HeaderValue::from_static("nosniff"),
        ))
        .layer(tower_http::set_header::SetResponseHeaderLayer::if_not_present(
            http::header::REFERRER_POLICY,
            http::HeaderValue::from_static("same-origin"),
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(middleware::on_panic))
        .layer(tower_http::trace::TraceLayer::new_for_http())
        .with_state(state)
}

/// Binds the listener, naming `ACCORD_LISTEN` when the port is taken.
///
/// # Errors
/// `StartError` when the address cannot be bound.
pub async fn bind(config: &Config) -> Result<tokio::net::TcpListener, StartError> {
    tokio::net::TcpListener::bind(config.listen).await.map_err(|e| StartError {
        setting: "ACCORD_LISTEN",
        message: format!("cannot listen on {}: {e}", config.listen),
    })
}

/// Recomputes the SLA clocks of tickets marked stale (after a policy or calendar edit, a new
/// default, or a change whose own recompute failed), in batches, then fires the warnings and
/// breaches that came due, every two seconds. Several servers may run it at once: a recompute
/// is idempotent and each alert fires once. `now` is the clock (tests move it).
pub fn spawn_sla_worker(db: Db, now: impl Fn() -> chrono::DateTime<chrono::Utc> + Send + 'static) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
        loop {
            tick.tick().await;
            loop {
                match app::server::services::sla::reapply_batch(&db, now(), SLA_BATCH).await {
                    Ok(n) if n as i64 == SLA_BATCH => tokio::task::yield_now().await,
                    Ok(_) => break,
                    Err(e) => {
                        tracing::warn!(error = %e, "sla re-apply failed");
                        break;
                    }
                }
            }
            match app::server::services::sla::fire_due(&db, now(), ALERT_BATCH).await {
                Ok(f) if f != app::server::services::sla::Fired::default() => tracing::info!(?f, "sla alerts"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "sla alerts failed"),
            }
        }
    })
}

/// Moves agreements by date (at their customer's local midnight) and sends the expiry notices
/// that came due, every minute. Several servers may run it at once: a move is guarded by the
/// agreement's version and each notice is recorded once.
pub fn spawn_agreement_worker(db: Db, now: impl Fn() -> chrono::DateTime<chrono::Utc> + Send + 'static) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
        loop {
            tick.tick().await;
            match app::server::services::agreements::run_lifecycle(&db, now()).await {
                Ok(r) if r != app::server::services::agreements::LifecycleRun::default() => tracing::info!(?r, "agreements"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "agreement lifecycle failed"),
            }
        }
    })
}

/// SLA alerts fired per run; more wait two seconds.
const ALERT_BATCH: i64 = 200;

/// Tickets recomputed per batch by the SLA worker.
const SLA_BATCH: i64 = 200;

/// Serves until Ctrl-C or SIGTERM. Expired sessions are purged and the full-text index tidied
/// hourly in the background, and SLA clocks are kept in step by [`spawn_sla_worker`].
///
/// # Errors
/// `StartError` when the server stops with an I/O error.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> Result<(), StartError> {
    let db = state.db.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(e) = app::server::store::sessions::purge(&db, chrono::Utc::now()).await {
                tracing::warn!(error = %e, "session purge failed");
            }
            match app::server::store::search::tidy_indexes(&db).await {
                Ok(true) => tracing::info!("merged the full-text index's segments"),
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "full-text index merge failed"),
            }
        }
    });
    let sla = spawn_sla_worker(state.db.clone(), chrono::Utc::now);
    let agreements = spawn_agreement_worker(state.db.clone(), chrono::Utc::now);
    let live = state.live.clone();
    let result = axum::serve(listener, router(state))
        .with_graceful_shutdown(async move {
            shutdown().await;
            live.close();
        })
        .await
        .map_err(|e| StartError { setting: "ACCORD_LISTEN", message: format!("server stopped: {e}") });
    sla.abort();
    agreements.abort();
    result
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
