//! The service catalog through server functions and the REST API: managers keep it, agents
//! read it, a ticket can name a service, and a service in use is deactivated, not deleted.

use crate::helpers::{customer, on_each_backend, server_fn};

#[tokio::test]
async fn managers_keep_the_catalog_agents_read_it_and_tickets_name_a_service() {
    on_each_backend(|app| async move {
        let anna = app.signed_in("anna@example.com").await;
        let max = app.signed_in("manager@example.com").await;
        let (code, e) = server_fn(&app, &anna, "services/create", "form[name]=Hosting&form[category]=Operations").await;
        assert_eq!(code, 403, "{e}");
        let (code, id) = server_fn(&app, &max, "services/create", "form[name]=Hosting&form[category]=Operations&form[description]=Servers&form[sla_policy_id]=").await;
        assert_eq!(code, 200, "{id}");
        let id = id.as_i64().unwrap();
        let (code, e) = server_fn(&app, &max, "services/create", "form[name]=+&form[sla_policy_id]=x").await;
        assert_eq!(code, 422);
        assert_eq!(e["Invalid"].as_array().unwrap().len(), 2, "{e}");
        // A ticket about it, through the REST API (no agreement covers it yet: by override).
        let c = customer(&app, &anna, "Nordhavn").await;
        let r = anna
            .post(app.url("/api/v1/tickets"))
            .json(&serde_json::json!({ "customer_id": c.to_string(), "title": "Site down", "priority": "high", "service_id": id.to_string(), "override_reason": "Trial week" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        let list: serde_json::Value = anna.get(app.url("/api/v1/services")).send().await.unwrap().json().await.unwrap();
        assert_eq!((list[0]["name"].as_str(), list[0]["tickets"].as_i64(), list[0]["active"].as_bool()), (Some("Hosting"), Some(1), Some(true)));
        // In use: the delete is refused with the count, then deactivating works.
        let (code, e) = server_fn(&app, &max, "services/delete", &format!("id={id}")).await;
        assert_eq!(code, 422);
        assert_eq!(e["Invalid"][0]["problem"]["InUse"]["tickets"], 1, "{e}");
        let (code, _) = server_fn(&app, &max, "services/set_active", &format!("id={id}&active=false")).await;
        assert_eq!(code, 200);
        let r = anna
            .post(app.url("/api/v1/tickets"))
            .json(&serde_json::json!({ "customer_id": c.to_string(), "title": "Again", "priority": "high", "service_id": id.to_string(), "override_reason": "Trial week" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        // The pages render for both roles.
        let page = anna.get(app.url(&format!("/admin/services/{id}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Hosting") && !page.contains("delete-service"), "agents get no lifecycle buttons");
        let page = max.get(app.url("/admin/services")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Hosting") && page.contains("New service"));
        app
    })
    .await;
}
