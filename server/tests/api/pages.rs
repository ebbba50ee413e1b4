//! Server-rendered pages, attachments and error pages.

use crate::helpers::{customer, on_each_backend, ticket};

#[tokio::test]
async fn the_ticket_page_renders_in_the_agents_language() {
    on_each_backend(|app| async move {
        let anna = app.signed_in("anna@example.com").await;
        let c = customer(&app, &anna, "Nordhavn").await;
        let (_, number) = ticket(&app, &anna, c, None).await;
        let html = anna.get(app.url(&format!("/tickets/{number}"))).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("VPN drops every 30 minutes"));
        assert!(html.contains("<strong>Monday</strong>"));
        assert!(html.contains("<html lang=\"en\""));
        anna.post(app.url("/api/profile/update"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("form[name]=Anna+Agent&form[language]=sv&form[timezone]=Europe%2FStockholm")
            .send()
            .await
            .unwrap();
        let html = anna.get(app.url(&format!("/tickets/{number}"))).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("<html lang=\"sv\""));
        assert!(html.contains("Konversation"), "Swedish strings");
        app
    })
    .await;
}

#[tokio::test]
async fn unknown_pages_and_tickets_answer_404() {
    on_each_backend(|app| async move {
        let anna = app.signed_in("anna@example.com").await;
        let r = anna.get(app.url("/no/such/page")).send().await.unwrap();
        assert_eq!(r.status(), 404);
        assert!(r.text().await.unwrap().contains("Page not found"));
        let r = anna.get(app.url("/tickets/ACC-424242")).send().await.unwrap();
        assert_eq!(r.status(), 404);
        app
    })
    .await;
}

#[tokio::test]
async fn attachments_upload_and_download_only_with_a_session() {
    on_each_backend(|app| async move {
        let anna = app.signed_in("anna@example.com").await;
        let c = customer(&app, &anna, "Nordhavn").await;
        let (id, number) = ticket(&app, &anna, c, None).await;
        let part = reqwest::multipart::Part::bytes(b"<html>hi</html>".to_vec()).file_name("page.html").mime_str("text/html").unwrap();
        let r = anna
            .post(app.url(&format!("/tickets/{id}/attachments")))
            .multipart(reqwest::multipart::Form::new().part("file", part))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 303);
        assert_eq!(r.headers()["location"].to_str().unwrap(), format!("/tickets/{number}"));
        let t: serde_json::Value = anna.get(app.url(&format!("/api/v1/tickets/{number}"))).send().await.unwrap().json().await.unwrap();
        let url = t["attachments"][0]["url"].as_str().unwrap().to_owned();
        let r = anna.get(app.url(&url)).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-disposition"].to_str().unwrap().starts_with("attachment"));
        assert_eq!(r.headers()["content-type"], "application/octet-stream", "HTML is never served as HTML");
        assert_eq!(r.bytes().await.unwrap().as_ref(), b"<html>hi</html>");
        let stranger = app.client();
        assert_eq!(stranger.get(app.url(&url)).send().await.unwrap().status(), 303);
        // Too large: refused with a message, nothing stored.
        let big = reqwest::multipart::Part::bytes(vec![0u8; 11 * 1024 * 1024]).file_name("big.bin");
        let r = anna
            .post(app.url(&format!("/tickets/{id}/attachments")))
            .multipart(reqwest::multipart::Form::new().part("file", big))
            .send()
            .await
            .unwrap();
        assert!(r.headers()["location"].to_str().unwrap().ends_with("upload_error=too_large"));
        let t: serde_json::Value = anna.get(app.url(&format!("/api/v1/tickets/{number}"))).send().await.unwrap().json().await.unwrap();
        assert_eq!(t["attachments"].as_array().unwrap().len(), 1);
        // Onto a comment: it shows under the comment. A comment of another ticket is refused.
        let r = anna
            .post(app.url(&format!("/api/v1/tickets/{id}/comments")))
            .json(&serde_json::json!({ "body": "Log attached", "internal": "" }))
            .send()
            .await
            .unwrap();
        let comment_id = r.json::<serde_json::Value>().await.unwrap()["id"].as_i64().unwrap();
        let (other, _) = ticket(&app, &anna, c, None).await;
        let part = || reqwest::multipart::Part::bytes(b"log line".to_vec()).file_name("app.log");
        let r = anna
            .post(app.url(&format!("/tickets/{other}/attachments?comment_id={comment_id}")))
            .multipart(reqwest::multipart::Form::new().part("file", part()))
            .send()
            .await
            .unwrap();
        assert!(r.headers()["location"].to_str().unwrap().ends_with("upload_error=failed"));
        let r = anna
            .post(app.url(&format!("/tickets/{id}/attachments?comment_id={comment_id}")))
            .multipart(reqwest::multipart::Form::new().part("file", part()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.headers()["location"].to_str().unwrap(), format!("/tickets/{number}"));
        let t: serde_json::Value = anna.get(app.url(&format!("/api/v1/tickets/{number}"))).send().await.unwrap().json().await.unwrap();
        assert_eq!(t["comments"][0]["attachments"][0]["filename"], "app.log");
        assert_eq!(t["attachments"].as_array().unwrap().len(), 1, "ticket-level files are listed apart");
        app
    })
    .await;
}

#[tokio::test]
async fn the_board_renders_a_column_per_status_with_cards_and_keeps_the_filter() {
    on_each_backend(|app| async move {
        let anna = app.signed_in("anna@example.com").await;
        let c = customer(&app, &anna, "Nordhavn").await;
        let (_, number) = ticket(&app, &anna, c, None).await;
        let html = anna.get(app.url("/board")).send().await.unwrap().text().await.unwrap();
        assert_eq!(html.matches(" data-status=").count(), 7, "a column per status");
        assert!(html.contains(&format!("{number}</a>")), "the card");
        assert!(html.contains("VPN drops every 30 minutes"));
        assert!(html.contains("Nordhavn"));
        assert!(html.contains("aria-describedby=\"board-hint\""), "keyboard help for screen readers");
        let html = anna.get(app.url("/board?status=2,3&priority=low")).send().await.unwrap().text().await.unwrap();
        assert_eq!(html.matches(" data-status=").count(), 2, "the filter picks the columns");
        assert!(!html.contains("VPN drops every 30 minutes"));
        assert!(html.contains("href=\"/tickets?status=2,3&amp;priority=low\"") || html.contains("href=\"/tickets?status=2,3&priority=low\""), "List keeps the filter");
        app
    })
    .await;
}
