//! `spawn_app`: a real Accord server on 127.0.0.1:0 over a fresh database, with agents of
//! each role, and HTTP clients that keep cookies and send our Origin like a browser does.

use app::domain::Role;
use app::server::testing::{TestDb, all_backends};
use reqwest::header::{HeaderMap, HeaderValue, ORIGIN};
use reqwest::redirect::Policy;

pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub base: String,
    pub backend: &'static str,
    test_db: Option<TestDb>,
    server: tokio::task::JoinHandle<()>,
}

impl TestApp {
    /// A client without a session that sends our Origin on every request.
    pub fn client(&self) -> reqwest::Client {
        let mut h = HeaderMap::new();
        h.insert(ORIGIN, HeaderValue::from_str(&self.base).unwrap());
        reqwest::Client::builder().cookie_store(true).redirect(Policy::none()).default_headers(h).build().unwrap()
    }

    /// A client with no Origin header at all (as a forged or non-browser request).
    pub fn bare_client(&self) -> reqwest::Client {
        reqwest::Client::builder().cookie_store(true).redirect(Policy::none()).build().unwrap()
    }

    /// The server's database, for driving its background work (the SLA scheduler) by hand.
    pub fn db(&self) -> app::server::Db {
        self.test_db.as_ref().map(|t| t.db.clone()).expect("the app's database")
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Signs in and returns the client holding the session.
    pub async fn signed_in(&self, email: &str) -> reqwest::Client {
        let c = self.client();
        let r = c.post(self.url("/auth/login")).form(&[("email", email), ("password", PASSWORD)]).send().await.unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/tickets", "sign-in of {email} failed");
        c
    }

    pub async fn stop(mut self) {
        self.server.abort();
        let _ = (&mut self.server).await;
        if let Some(t) = self.test_db.take() {
            t.cleanup().await;
        }
    }
}

/// Starts a server on `t`'s database with an admin, a manager and two agents.
pub async fn spawn_app(t: TestDb) -> TestApp {
    let db = t.db.clone();
    let now = chrono::Utc::now();
    for (email, name, role) in [
        ("admin@example.com", "Ada Admin", Role::Admin),
        ("manager@example.com", "Max Manager", Role::Manager),
        ("anna@example.com", "Anna Agent", Role::Agent),
        ("bo@example.com", "Bo Agent", Role::Agent),
    ] {
        app::server::services::auth::create_agent_with_password(&db, email, name, role, PASSWORD, now).await.unwrap();
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = server::Config::load(None, &|k| match k {
        "ACCORD_DATABASE_URL" => Some(t.url.clone()),
        "ACCORD_LISTEN" => Some(addr.to_string()),
        "ACCORD_SITE_ROOT" => Some(std::env::temp_dir().display().to_string()),
        _ => None,
    })
    .unwrap();
    let state = server::state(&config, db.clone()).await.unwrap();
    let router = server::router(state);
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    let backend = db.backend();
    TestApp { base: format!("http://{addr}"), backend, test_db: Some(t), server }
}

/// Runs `body` against a fresh server on every backend.
pub async fn on_each_backend<F, Fut>(body: F)
where
    F: Fn(TestApp) -> Fut,
    Fut: std::future::Future<Output = TestApp>,
{
    for t in all_backends().await {
        let app = spawn_app(t).await;
        eprintln!("-- on {}", app.backend);
        let app = body(app).await;
        app.stop().await;
    }
}

/// Creates a customer and returns its id.
pub async fn customer(app: &TestApp, c: &reqwest::Client, name: &str) -> i64 {
    let r = c
        .post(app.url("/api/v1/customers"))
        .json(&serde_json::json!({ "name": name, "timezone": "Europe/Stockholm" }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);
    r.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap()
}

/// Creates a ticket and returns (id, number).
pub async fn ticket(app: &TestApp, c: &reqwest::Client, customer_id: i64, assignee: Option<i64>) -> (i64, String) {
    let r = c
        .post(app.url("/api/v1/tickets"))
        .json(&serde_json::json!({
            "customer_id": customer_id.to_string(),
            "title": "VPN drops every 30 minutes",
            "description": "Since **Monday**.",
            "priority": "high",
            "assignee_id": assignee.map(|a| a.to_string()).unwrap_or_default(),
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201, "{}", r.text().await.unwrap_or_default());
    let v: serde_json::Value = r.json().await.unwrap();
    (v["id"].as_i64().unwrap(), v["number"].as_str().unwrap().to_owned())
}

/// The id of the agent signed in on `c`.
pub async fn me(app: &TestApp, c: &reqwest::Client) -> i64 {
    c.get(app.url("/api/v1/me")).send().await.unwrap().json::<serde_json::Value>().await.unwrap()["agent_id"].as_i64().unwrap()
}

/// Calls a server function the way the page does (a URL-encoded POST) and returns the status
/// and the JSON answer.
pub async fn server_fn(app: &TestApp, c: &reqwest::Client, endpoint: &str, body: &str) -> (u16, serde_json::Value) {
    let r = c
        .post(app.url(&format!("/api/{endpoint}")))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let text = r.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text)))
}
