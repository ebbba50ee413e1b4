//! Sign-in, sessions, throttling, CSRF and permissions.

use crate::helpers::{PASSWORD, on_each_backend};

#[tokio::test]
async fn pages_need_a_session_and_the_api_answers_401() {
    on_each_backend(|app| async move {
        let c = app.client();
        let r = c.get(app.url("/tickets/ACC-1001")).send().await.unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/login?next=/tickets/ACC-1001");
        assert_eq!(c.get(app.url("/api/v1/tickets")).send().await.unwrap().status(), 401);
        let login = c.get(app.url("/login")).send().await.unwrap();
        assert_eq!(login.status(), 200);
        assert!(login.text().await.unwrap().contains("action=\"/auth/login\""));
        app
    })
    .await;
}

#[tokio::test]
async fn sign_in_sets_a_safe_cookie_and_sign_out_ends_the_session() {
    on_each_backend(|app| async move {
        let c = app.client();
        let r = c
            .post(app.url("/auth/login"))
            .form(&[("email", "ANNA@example.com "), ("password", PASSWORD), ("next", "/customers")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"], "/customers");
        let cookie = r.headers()["set-cookie"].to_str().unwrap().to_owned();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "{cookie}");
        let me: serde_json::Value = c.get(app.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
        assert_eq!(me["name"], "Anna Agent");
        assert_eq!(me["role"], "agent");
        let out = c.post(app.url("/auth/logout")).send().await.unwrap();
        assert_eq!(out.headers()["location"], "/login?signed_out=1");
        assert_eq!(c.get(app.url("/api/v1/me")).send().await.unwrap().status(), 401);
        app
    })
    .await;
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    on_each_backend(|app| async move {
        let c = app.client();
        for email in ["anna@example.com", "nobody@example.com"] {
            let r = c.post(app.url("/auth/login")).form(&[("email", email), ("password", "wrong password")]).send().await.unwrap();
            let loc = r.headers()["location"].to_str().unwrap().to_owned();
            assert!(loc.starts_with("/login?error=bad"), "{loc}");
        }
        // A redirect target off-site is never followed.
        let r = c
            .post(app.url("/auth/login"))
            .form(&[("email", "anna@example.com"), ("password", PASSWORD), ("next", "//evil.example/")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["location"], "/tickets");
        app
    })
    .await;
}

#[tokio::test]
async fn sign_in_is_throttled_after_five_failures() {
    on_each_backend(|app| async move {
        let c = app.client();
        for _ in 0..5 {
            c.post(app.url("/auth/login")).form(&[("email", "bo@example.com"), ("password", "guess")]).send().await.unwrap();
        }
        let r = c.post(app.url("/auth/login")).form(&[("email", "bo@example.com"), ("password", PASSWORD)]).send().await.unwrap();
        assert!(r.headers()["location"].to_str().unwrap().starts_with("/login?error=throttled"));
        // Other accounts are not affected.
        app.signed_in("anna@example.com").await;
        app
    })
    .await;
}

#[tokio::test]
async fn writes_without_our_origin_are_refused() {
    on_each_backend(|app| async move {
        let c = app.signed_in("anna@example.com").await;
        let cookie_jar_client = c;
        // Cross-site origin on the REST API and on a server function.
        for path in ["/api/v1/customers", "/api/customers/create"] {
            let r = cookie_jar_client
                .post(app.url(path))
                .header("origin", "https://evil.example")
                .header("content-type", "application/x-www-form-urlencoded")
                .body("form[name]=Evil&form[timezone]=UTC")
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 403, "{path}");
        }
        // No Origin and no Referer at all: refused too.
        let bare = app.bare_client();
        let r = bare.post(app.url("/auth/login")).form(&[("email", "anna@example.com"), ("password", PASSWORD)]).send().await.unwrap();
        assert_eq!(r.status(), 403);
        // Nothing was created.
        let list: serde_json::Value = cookie_jar_client.get(app.url("/api/v1/customers")).send().await.unwrap().json().await.unwrap();
        assert_eq!(list.as_array().unwrap().len(), 0);
        app
    })
    .await;
}

#[tokio::test]
async fn only_admins_manage_agents() {
    on_each_backend(|app| async move {
        let body = "form[name]=New+Person&form[email]=new%40example.com&form[role]=agent";
        for who in ["anna@example.com", "manager@example.com"] {
            let c = app.signed_in(who).await;
            let r = c
                .post(app.url("/api/agents/invite"))
                .header("content-type", "application/x-www-form-urlencoded")
                .body(body)
                .send()
                .await
                .unwrap();
            assert!(r.status().is_client_error() || r.status().is_server_error());
            assert!(r.text().await.unwrap().contains("Forbidden"), "{who} could invite");
        }
        let admin = app.signed_in("admin@example.com").await;
        let r = admin
            .post(app.url("/api/agents/invite"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let link: serde_json::Value = r.json().await.unwrap();
        let url = link["url"].as_str().unwrap();
        let token = url.rsplit('/').next().unwrap();
        // The invited agent chooses a password on the link, once, and can sign in.
        let c = app.client();
        let weak = c.post(app.url("/auth/invite")).form(&[("token", token), ("password", "short"), ("confirm", "short")]).send().await.unwrap();
        assert!(weak.headers()["location"].to_str().unwrap().ends_with("error=too_short"));
        let ok = c.post(app.url("/auth/invite")).form(&[("token", token), ("password", PASSWORD), ("confirm", PASSWORD)]).send().await.unwrap();
        assert_eq!(ok.headers()["location"], "/login?password_set=1");
        let again = c.post(app.url("/auth/invite")).form(&[("token", token), ("password", PASSWORD), ("confirm", PASSWORD)]).send().await.unwrap();
        assert!(again.headers()["location"].to_str().unwrap().ends_with("error=invalid"));
        app.signed_in("new@example.com").await;
        app
    })
    .await;
}

#[tokio::test]
async fn a_deactivated_agent_is_signed_out_at_once() {
    on_each_backend(|app| async move {
        let bo = app.signed_in("bo@example.com").await;
        let bo_id = crate::helpers::me(&app, &bo).await;
        let admin = app.signed_in("admin@example.com").await;
        let r = admin
            .post(app.url("/api/agents/set_active"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(format!("id={bo_id}&active=false"))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        assert_eq!(bo.get(app.url("/api/v1/me")).send().await.unwrap().status(), 401);
        let c = app.client();
        let r = c.post(app.url("/auth/login")).form(&[("email", "bo@example.com"), ("password", PASSWORD)]).send().await.unwrap();
        assert!(r.headers()["location"].to_str().unwrap().starts_with("/login?error=bad"));
        app
    })
    .await;
}
