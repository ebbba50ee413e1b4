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
