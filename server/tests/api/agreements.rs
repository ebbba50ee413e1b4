//! Agreements through server functions: a manager makes one with services, rates and contacts
//! from the form, an overlap is refused until confirmed, a copy carries the terms, a change by
//! hand needs a reason, and the pages render.

use crate::helpers::{customer, on_each_backend, server_fn};

#[tokio::test]
async fn a_manager_makes_copies_and_ends_an_agreement_through_the_form() {
    on_each_backend(|app| async move {
        let anna = app.signed_in("anna@example.com").await;
        let max = app.signed_in("manager@example.com").await;
        let (_, svc) = server_fn(&app, &max, "services/create", "form[name]=Hosting&form[category]=Operations").await;
        let svc = svc.as_i64().unwrap();
        let c = customer(&app, &anna, "Nordhavn").await;
        let form = |extra: &str| {
            format!(
                "form[customer_id]={c}&form[title]=Support+2027&form[starts_on]=2026-01-01&form[ends_on]=2030-12-31&form[notice_days]=30,+7\
                 &form[services][0][covered]=on&form[services][0][service_id]={svc}&form[services][0][hourly_rate]=95,50&form[services][0][currency]=eur{extra}"
            )
        };
        // Agents may read agreements but not make them.
        let (code, _) = server_fn(&app, &anna, "agreements/create", &form("")).await;
        assert_eq!(code, 403);
        let (code, e) = server_fn(&app, &max, "agreements/create", "form[customer_id]=x&form[title]=&form[starts_on]=soon").await;
        assert_eq!(code, 422, "{e}");
        assert_eq!(e["Invalid"].as_array().unwrap().len(), 2, "{e}");
        let (code, id) = server_fn(&app, &max, "agreements/create", &form("")).await;
        assert_eq!(code, 200, "{id}");
        let id = id.as_i64().unwrap();
        let (_, a) = server_fn(&app, &anna, "agreements/get", &format!("id={id}")).await;
        assert_eq!(a["summary"]["status"], "Active");
        assert_eq!(a["terms"][0]["rate"], serde_json::json!([9550, "EUR"]));
        assert_eq!(a["notice_days"], serde_json::json!([30, 7]));
        // The same service on overlapping days: named, then allowed once confirmed.
        let (code, e) = server_fn(&app, &max, "agreements/create", &form("")).await;
        assert_eq!(code, 422);
        assert_eq!(e["Invalid"][0]["problem"]["OverlapsAgreement"], a["summary"]["number"], "{e}");
        let (code, _) = server_fn(&app, &max, "agreements/create", &form("&form[confirm_overlap]=on")).await;
        assert_eq!(code, 200);
        // A copy for 2031 carries the terms.
        let (code, copy) = server_fn(&app, &max, "agreements/copy", &format!("id={id}&title=Support+2031&starts_on=2031-01-01&ends_on=2031-12-31")).await;
        assert_eq!(code, 200, "{copy}");
        let (_, b) = server_fn(&app, &max, "agreements/get", &format!("id={}", copy.as_i64().unwrap())).await;
        assert_eq!((b["summary"]["status"].as_str(), b["terms"][0]["rate"].clone()), (Some("Planned"), serde_json::json!([9550, "EUR"])));
        assert_eq!(b["copied_from"][0], id);
        // Ended by hand: a reason is needed; an end date in the past expires it at once.
        let (code, _) = server_fn(&app, &max, "agreements/change", &format!("id={id}&action=extend&ends_on=2026-06-30&reason=")).await;
        assert_eq!(code, 422);
        let (code, s) = server_fn(&app, &max, "agreements/change", &format!("id={id}&action=extend&ends_on=2026-06-30&reason=Terminated")).await;
        assert_eq!((code, s.as_str()), (200, Some("Expired")), "{s}");
        let (_, list) = server_fn(&app, &anna, "agreements/list", "filter[status]=Expired").await;
        assert_eq!(list.as_array().unwrap().len(), 1, "{list}");
        // The pages render.
        let page = anna.get(app.url("/agreements")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Support 2027") && page.contains("Support 2031"));
        let page = max.get(app.url(&format!("/agreements/{id}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Terminated") && page.contains("New agreement from this one"), "history and the copy dialog");
        app
    })
    .await;
}

/// What agreements decide, through both intakes that exist (the REST API and the new-ticket
/// form's server function): a request for a service no active agreement covers is refused with
/// who to contact; an agent may override it with a reason; a covered one records its agreement.
#[tokio::test]
async fn an_uncovered_request_is_refused_through_the_api_and_the_form_unless_overridden() {
    on_each_backend(|app| async move {
        let anna = app.signed_in("anna@example.com").await;
        let max = app.signed_in("manager@example.com").await;
        let max_id = crate::helpers::me(&app, &max).await;
        let (_, hosting) = server_fn(&app, &max, "services/create", "form[name]=Hosting").await;
        let (_, backups) = server_fn(&app, &max, "services/create", "form[name]=Backups").await;
        let (hosting, backups) = (hosting.as_i64().unwrap(), backups.as_i64().unwrap());
        let c = customer(&app, &anna, "Nordhavn").await;
        let (code, a) = server_fn(
            &app,
            &max,
            "agreements/create",
            &format!("form[customer_id]={c}&form[title]=Hosting+2026&form[starts_on]=2026-01-01&form[account_manager_id]={max_id}&form[services][0][covered]=on&form[services][0][service_id]={hosting}"),
        )
        .await;
        assert_eq!(code, 200, "{a}");
        let post = |body: serde_json::Value| {
            let anna = anna.clone();
            let url = app.url("/api/v1/tickets");
            async move {
                let r = anna.post(url).json(&body).send().await.unwrap();
                (r.status().as_u16(), r.json::<serde_json::Value>().await.unwrap())
            }
        };
        let request = |service: i64, reason: &str| serde_json::json!({
            "customer_id": c.to_string(), "title": "Restore last night's backup", "priority": "high",
            "service_id": service.to_string(), "override_reason": reason,
        });
        // Refused, naming who to ask.
        let (code, e) = post(request(backups, "")).await;
        assert_eq!(code, 422, "{e}");
        assert_eq!(e["Invalid"][0]["field"], "service_id");
        assert!(e["Invalid"][0]["problem"]["NotCovered"].as_str().unwrap().contains("manager@example.com"), "{e}");
        // Overridden with a reason: opened, the reason in its history.
        let (code, t) = post(request(backups, "Data loss, cover being signed")).await;
        assert_eq!(code, 201, "{t}");
        let v: serde_json::Value = anna.get(app.url(&format!("/api/v1/tickets/{}", t["number"].as_str().unwrap()))).send().await.unwrap().json().await.unwrap();
        assert_eq!(v["agreement"], serde_json::Value::Null);
        assert!(v["events"].as_array().unwrap().iter().any(|e| e["kind"]["CoverageOverride"]["reason"] == "Data loss, cover being signed"), "{v}");
        // Covered: the ticket records the agreement.
        let (code, t) = post(request(hosting, "")).await;
        assert_eq!(code, 201, "{t}");
        let v: serde_json::Value = anna.get(app.url(&format!("/api/v1/tickets/{}", t["number"].as_str().unwrap()))).send().await.unwrap().json().await.unwrap();
        assert_eq!(v["agreement"][0], a);
        // The form's server function refuses alike.
        let (code, e) = server_fn(&app, &anna, "tickets/create", &format!("form[customer_id]={c}&form[title]=Restore&form[priority]=high&form[service_id]={backups}")).await;
        assert_eq!(code, 422, "{e}");
        assert!(e["Invalid"][0]["problem"]["NotCovered"].is_string(), "{e}");
        // The new-ticket page knows what the customer may ask for.
        let (_, options) = server_fn(&app, &anna, "tickets/form_options", "").await;
        let mine = options["customers"].as_array().unwrap().iter().find(|x| x["id"] == c).unwrap().clone();
        assert_eq!(mine["cover"]["active"][0]["services"], serde_json::json!([hosting]), "{mine}");
        app
    })
    .await;
}
