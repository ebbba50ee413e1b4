//! What the benchmarks share: the real app served on a random port over a test database.

use app::server::Db;

/// The app, serving `db` (reached at `url`) on 127.0.0.1, and a client signed in as `email`.
pub async fn serve_signed_in(db: &Db, url: &str, email: &str, password: &str) -> (String, reqwest::Client, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let config = server::Config::load(None, &|k| match k {
        "ACCORD_DATABASE_URL" => Some(url.to_owned()),
        "ACCORD_LISTEN" => Some(addr.to_string()),
        _ => None,
    })
    .unwrap();
    let state = server::state(&config, db.clone()).await.unwrap();
    let srv = tokio::spawn(async move {
        let _ = axum::serve(listener, server::router(state)).await;
    });
    let base = format!("http://{addr}");
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .default_headers([(reqwest::header::ORIGIN, base.parse().unwrap())].into_iter().collect())
        .build()
        .unwrap();
    let r = client.post(format!("{base}/auth/login")).form(&[("email", email), ("password", password)]).send().await.unwrap();
    assert_eq!(r.status(), 303, "bench sign-in failed");
    (base, client, srv)
}
