//! Tickets through the REST API and server functions: create, edit, comment, history,
//! stale writes and who may change what.

use crate::helpers::{customer, me, on_each_backend, ticket};

#[tokio::test]
async fn create_edit_comment_and_see_the_history() {
    on_each_backend(|app| async move {
        let anna = app.signed_in("anna@example.com").await;
        let c = customer(&app, &anna, "Nordhavn").await;
        let (id, number) = ticket(&app, &anna, c, None).await;
        assert!(number.starts_with("ACC-"));
        let r = anna
            .patch(app.url(&format!("/api/v1/tickets/{id}/edit")))
            .json(&serde_json::json!({ "version": 1, "priority": "urgent", "title": "VPN drops every 5 minutes" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
        let r = anna
            .post(app.url(&format!("/api/v1/tickets/{id}/comments")))
            .json(&serde_json::json!({ "body": "Looking into it <script>alert(1)</script>", "internal": "" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        anna.post(app.url(&format!("/api/v1/tickets/{id}/comments")))
            .json(&serde_json::json!({ "body": "Customer is on the old plan", "internal": "on" }))
            .send()
            .await
            .unwrap();
        let t: serde_json::Value = anna.get(app.url(&format!("/api/v1/tickets/{number}"))).send().await.unwrap().json().await.unwrap();
        assert_eq!(t["title"], "VPN drops every 5 minutes");
        assert_eq!(t["priority"], "urgent");
        assert_eq!(t["version"], 2);
        assert!(t["description_html"].as_str().unwrap().contains("<strong>Monday</strong>"));
        let comments = t["comments"].as_array().unwrap();
        assert_eq!(comments.len(), 2);
        assert_eq!(comments[0]["internal"], false);
        assert_eq!(comments[1]["internal"], true);
        assert!(!comments[0]["body_html"].as_str().unwrap().contains("<script"));
        let events: Vec<String> = t["events"].as_array().unwrap().iter().map(|e| e["kind"].to_string()).collect();
        assert_eq!(events.len(), 5, "{events:?}");
        assert!(events[0].contains("Created"));
        assert!(events[1].contains("title") && events[1].contains("VPN drops every 5 minutes"));
        assert!(events[2].contains("priority:urgent"));
        assert_eq!(t["events"][1]["actor"], "Anna Agent");
        app
    })
    .await;
}

#[tokio::test]
async fn a_stale_edit_is_refused_with_the_name_of_who_changed_it() {
    on_each_backend(|app| async move {
        let anna = app.signed_in("anna@example.com").await;
        let max = app.signed_in("manager@example.com").await;
        let c = customer(&app, &anna, "Volga").await;
        let (id, number) = ticket(&app, &anna, c, None).await;
        let r = max
            .patch(app.url(&format!("/api/v1/tickets/{id}/edit")))
            .json(&serde_json::json!({ "version": 1, "priority": "low" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let r = anna
            .patch(app.url(&format!("/api/v1/tickets/{id}/edit")))
            .json(&serde_json::json!({ "version": 1, "priority": "urgent" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 409);
        let e: serde_json::Value = r.json().await.unwrap();
        assert_eq!(e["Conflict"]["by"], "Max Manager");
        assert_eq!(e["Conflict"]["current_version"], 2);
        let t: serde_json::Value = anna.get(app.url(&format!("/api/v1/tickets/{number}"))).send().await.unwrap().json().await.unwrap();
        assert_eq!(t["priority"], "low", "the stale write changed nothing");
        // Overwriting on purpose, with the current version, works.
        let r = anna
            .patch(app.url(&format!("/api/v1/tickets/{id}/edit")))
            .json(&serde_json::json!({ "version": 2, "priority": "urgent" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        app
    })
    .await;
}

#[tokio::test]
async fn agents_change_only_their_own_or_unassigned_tickets() {
    on_each_backend(|app| async move {
        let anna = app.signed_in("anna@example.com").await;
        let bo = app.signed_in("bo@example.com").await;
        let max = app.signed_in("manager@example.com").await;
        let bo_id = me(&app, &bo).await;
        let c = customer(&app, &anna, "Kastrup").await;
        // Anna may not hand a new ticket to Bo; a manager may.
        let r = anna
            .post(app.url("/api/v1/tickets"))
            .json(&serde_json::json!({ "customer_id": c.to_string(), "title": "x", "priority": "low", "assignee_id": bo_id.to_string() }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        let (id, number) = ticket(&app, &max, c, Some(bo_id)).await;
        let r = anna
            .patch(app.url(&format!("/api/v1/tickets/{id}/edit")))
            .json(&serde_json::json!({ "version": 1, "status_id": "2" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 403);
        // Anyone may still comment, and the ticket tells Anna she cannot edit it.
        let r = anna
            .post(app.url(&format!("/api/v1/tickets/{id}/comments")))
            .json(&serde_json::json!({ "body": "FYI", "internal": "on" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 201);
        let t: serde_json::Value = anna.get(app.url(&format!("/api/v1/tickets/{number}"))).send().await.unwrap().json().await.unwrap();
        assert_eq!(t["can_edit"], false);
        let r = bo
            .patch(app.url(&format!("/api/v1/tickets/{id}/edit")))
            .json(&serde_json::json!({ "version": 1, "status_id": "2" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        app
    })
    .await;
}

#[tokio::test]
async fn bad_input_gets_field_errors_and_changes_nothing() {
    on_each_backend(|app| async move {
        let anna = app.signed_in("anna@example.com").await;
        let r = anna
            .post(app.url("/api/v1/tickets"))
            .json(&serde_json::json!({ "customer_id": "", "title": " ", "priority": "asap" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let e: serde_json::Value = r.json().await.unwrap();
        let fields: Vec<_> = e["Invalid"].as_array().unwrap().iter().map(|f| f["field"].as_str().unwrap().to_owned()).collect();
        assert_eq!(fields, ["customer_id", "title", "priority"]);
        let r = anna.post(app.url("/api/v1/tickets")).header("content-type", "application/json").body("{not json").send().await.unwrap();
        assert_eq!(r.status(), 422);
        let r = anna
            .post(app.url("/api/v1/tickets"))
            .json(&serde_json::json!({ "customer_id": "424242", "title": "x", "priority": "low" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        let r = anna
            .post(app.url("/api/v1/customers"))
            .json(&serde_json::json!({ "name": "Nowhere", "timezone": "Mars/Olympus" }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 422);
        assert!(r.text().await.unwrap().contains("BadTimezone"));
        assert_eq!(anna.get(app.url("/api/v1/tickets/ACC-999999")).send().await.unwrap().status(), 404);
        let page: serde_json::Value = anna.get(app.url("/api/v1/tickets")).send().await.unwrap().json().await.unwrap();
        assert_eq!(page["items"].as_array().unwrap().len(), 0);
        app
    })
    .await;
}

#[tokio::test]
async fn server_functions_create_and_comment_like_the_pages_do() {
    on_each_backend(|app| async move {
        let anna = app.signed_in("anna@example.com").await;
        let c = customer(&app, &anna, "Nordhavn").await;
        let form = format!("form[customer_id]={c}&form[requester_id]=&form[title]=From+the+page&form[description]=&form[priority]=normal&form[assignee_id]=");
        let r = anna
            .post(app.url("/api/tickets/create"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(form)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let number: String = r.json().await.unwrap();
        let t: serde_json::Value = anna.get(app.url(&format!("/api/v1/tickets/{number}"))).send().await.unwrap().json().await.unwrap();
        let r = anna
            .post(app.url("/api/tickets/comment"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("accept", "application/json")
            .body(format!("ticket_id={}&form[internal]=true&form[body]=Note+from+the+page", t["id"]))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        let t: serde_json::Value = anna.get(app.url(&format!("/api/v1/tickets/{number}"))).send().await.unwrap().json().await.unwrap();
        assert_eq!(t["comments"][0]["internal"], true);
        app
    })
    .await;
}

#[tokio::test]
async fn the_list_filters_sorts_and_pages_by_url_parameters() {
    on_each_backend(|app| async move {
        let anna = app.signed_in("anna@example.com").await;
        let c = customer(&app, &anna, "Nordhavn").await;
        for _ in 0..3 {
            ticket(&app, &anna, c, None).await;
        }
        let (id, _) = ticket(&app, &anna, c, None).await;
        anna.patch(app.url(&format!("/api/v1/tickets/{id}/edit")))
            .json(&serde_json::json!({ "version": 1, "priority": "urgent", "title": "Printer jammed" }))
            .send()
            .await
            .unwrap();
        let get = |qs: &'static str| {
            let anna = anna.clone();
            let url = app.url(&format!("/api/v1/tickets?{qs}"));
            async move { anna.get(url).send().await.unwrap().json::<serde_json::Value>().await.unwrap() }
        };
        let get_count = |qs: &'static str| {
            let anna = anna.clone();
            let url = app.url(&format!("/api/v1/tickets/count?{qs}"));
            async move { anna.get(url).send().await.unwrap().json::<serde_json::Value>().await.unwrap() }
        };
        let p = get("q=printer").await;
        assert_eq!(p["total"], 1);
        assert_eq!(p["items"][0]["title"], "Printer jammed");
        let p = get("priority=urgent&priority=low").await;
        assert_eq!(p["total"], 1);
        let p = get("sort=priority").await;
        assert_eq!(p["items"][0]["priority"], "urgent");
        let p = get("assignee=none&customer=999").await;
        assert_eq!(p["total"], 0);
        let p = get("q=vpn").await;
        assert_eq!(p["total"], 3);
        assert!(p["next"].is_null());
        // Whole words: a beginning needs its `*`.
        assert_eq!(get("q=vp").await["total"], 0);
        // (the page may leave the count out where counting costs more: never a wrong one)
        let p = get("q=vp*").await;
        assert_eq!(p["items"].as_array().map(Vec::len), Some(3));
        assert!(p["total"] == 3 || p["total"].is_null(), "{p}");
        assert_eq!(get_count("q=vp*").await["total"], 3);
        // The count on its own, for a page that left it out.
        assert_eq!(get_count("q=vpn").await["total"], 3);
        assert_eq!(get_count("q=vpn&customer=999").await["total"], 0);
        app
    })
    .await;
}

#[tokio::test]
async fn bulk_changes_apply_per_ticket_rights_and_report_the_rest() {
    on_each_backend(|app| async move {
        let anna = app.signed_in("anna@example.com").await;
        let bo = app.signed_in("bo@example.com").await;
        let bo_id = me(&app, &bo).await;
        let max = app.signed_in("manager@example.com").await;
        let c = customer(&app, &anna, "Nordhavn").await;
        let (free, free_n) = ticket(&app, &anna, c, None).await;
        let (bos, bos_n) = ticket(&app, &max, c, Some(bo_id)).await;
        let bulk = |client: reqwest::Client, body: String| {
            let url = app.url("/api/tickets/bulk");
            async move {
                client
                    .post(url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(body)
                    .send()
                    .await
                    .unwrap()
            }
        };
        let r = bulk(anna.clone(), format!("ids={free},{bos}&status_id=&priority=low&assignee_id=")).await;
        assert_eq!(r.status(), 200);
        let o: serde_json::Value = r.json().await.unwrap();
        assert_eq!(o["updated"], serde_json::json!([free_n]));
        assert_eq!(o["refused"], serde_json::json!([bos_n]), "Anna may not change Bo's ticket");
        let r = bulk(max.clone(), format!("ids={free},{bos}&status_id=&priority=&assignee_id=none")).await;
        let o: serde_json::Value = r.json().await.unwrap();
        assert_eq!(o["updated"].as_array().unwrap().len(), 2);
        let r = bulk(max.clone(), format!("ids={free}&status_id=&priority=&assignee_id=")).await;
        assert_eq!(r.status(), 422, "an empty change is refused");
        let t: serde_json::Value = anna.get(app.url(&format!("/api/v1/tickets/{free_n}"))).send().await.unwrap().json().await.unwrap();
        assert_eq!(t["priority"], "low");
        assert!(t["assignee_id"].is_null());
        app
    })
    .await;
}
