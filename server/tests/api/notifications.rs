//! SLA alerts as agents meet them: the bell's count, the notification list, marking read.

use crate::helpers::*;

/// A 24×7 calendar and a default policy (high: first response in 2h, resolution 16h), made
/// through the server functions the admin pages use.
async fn default_policy(app: &TestApp) {
    let max = app.signed_in("manager@example.com").await;
    let (status, cal) = server_fn(app, &max, "sla/create_calendar", "form[name]=Always&form[timezone]=UTC&form[mon]=&form[tue]=&form[wed]=&form[thu]=&form[fri]=&form[sat]=&form[sun]=&form[holidays]=&form[always]=on").await;
    assert_eq!(status, 200, "{cal}");
    let goals = ["urgent", "high", "normal", "low"].iter().map(|p| format!("&form[{p}_first]=2h&form[{p}_resolution]=16h")).collect::<String>();
    let body = format!("form[name]=Standard&form[calendar_id]={cal}{goals}&form[warning_percent]=80&form[is_default]=on");
    let (status, policy) = server_fn(app, &max, "sla/create_policy", &body).await;
    assert_eq!(status, 200, "{policy}");
}

#[tokio::test]
async fn an_sla_breach_reaches_the_assignees_bell_and_list_and_only_they_mark_it_read() {
    on_each_backend(|app| async move {
        default_policy(&app).await;
        let anna = app.signed_in("anna@example.com").await;
        let bo = app.signed_in("bo@example.com").await;
        let c = customer(&app, &anna, "Nordhavn").await;
        let (_, number) = ticket(&app, &anna, c, Some(me(&app, &anna).await)).await;
        let (_, list) = server_fn(&app, &anna, "notifications/list", "").await;
        assert_eq!((list["items"].as_array().map(Vec::len), list["unread"].as_i64()), (Some(0), Some(0)));
        // The scheduler, a day on: the first response and resolution are both breached.
        let fired = app::server::services::sla::fire_due(&app.db(), chrono::Utc::now() + chrono::TimeDelta::days(1), 100).await.unwrap();
        assert_eq!(fired.breaches, 2, "{fired:?}");
        let (_, list) = server_fn(&app, &anna, "notifications/list", "").await;
        assert_eq!(list["unread"].as_i64(), Some(2), "{list}");
        let first = list["items"][0]["id"].as_i64().unwrap();
        assert_eq!(list["items"][0]["ticket_number"].as_str(), Some(number.as_str()));
        assert_eq!(list["items"][0]["kind"].as_str(), Some("SlaBreach"));
        // The page and the bell say so; the ticket's history too.
        let html = anna.get(app.url("/notifications")).send().await.unwrap().text().await.unwrap();
        assert!(html.contains(&number) && html.contains("Breached") && html.contains("2 unread"), "{html}");
        let ticket_html = anna.get(app.url(&format!("/tickets/{number}"))).send().await.unwrap().text().await.unwrap();
        assert!(ticket_html.contains("SLA breached: First response is overdue"));
        // Bo hears nothing and cannot touch Anna's.
        let (_, theirs) = server_fn(&app, &bo, "notifications/list", "").await;
        assert_eq!(theirs["items"].as_array().map(Vec::len), Some(0));
        let (status, _) = server_fn(&app, &bo, "notifications/read", &format!("id={first}")).await;
        assert_eq!(status, 404);
        let (status, left) = server_fn(&app, &anna, "notifications/read", &format!("id={first}")).await;
        assert_eq!((status, left.as_i64()), (200, Some(1)));
        let (_, left) = server_fn(&app, &anna, "notifications/read", "").await;
        assert_eq!(left.as_i64(), Some(0));
        let (_, n) = server_fn(&app, &anna, "notifications/unread", "").await;
        assert_eq!(n.as_i64(), Some(0));
        app
    })
    .await;
}
