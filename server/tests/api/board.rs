//! The board through its server functions: columns per status, paged columns, the same
//! filters as the list, and moves that are saved, refused when stale or not allowed.

use crate::helpers::{customer, me, on_each_backend, server_fn, ticket};

fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect()
}

#[tokio::test]
async fn the_board_has_a_column_per_status_and_pages_each_column() {
    on_each_backend(|app| async move {
        let anna = app.signed_in("anna@example.com").await;
        let c = customer(&app, &anna, "Nordhavn").await;
        for _ in 0..30 {
            ticket(&app, &anna, c, None).await;
        }
        let (code, b) = server_fn(&app, &anna, "tickets/board", "query=&per_column=25").await;
        assert_eq!(code, 200, "{b}");
        let cols = b["columns"].as_array().unwrap();
        assert_eq!(cols.len(), 7, "a column per status");
        assert_eq!(cols[0]["status"]["system_key"], "new");
        assert_eq!(cols[0]["items"].as_array().unwrap().len(), 25);
        assert_eq!(cols[0]["total"], 30);
        assert!(cols[1]["items"].as_array().unwrap().is_empty());
        let card = &cols[0]["items"][0];
        assert_eq!(card["version"], 1);
        assert_eq!(card["can_edit"], true);
        assert!(card["age_secs"].as_i64().unwrap() >= 0);
        // The rest of the column, after the cursor the board got.
        let next = &cols[0]["next"];
        let status = cols[0]["status"]["id"].as_i64().unwrap();
        let q = format!("status={status}&after={}", enc(&format!("{}:{}", next["id"], next["value"].as_str().unwrap())));
        let (code, more) = server_fn(&app, &anna, "tickets/board_column", &format!("query={}", enc(&q))).await;
        assert_eq!(code, 200, "{more}");
        assert_eq!(more["items"].as_array().unwrap().len(), 5, "{more}");
        assert!(more["next"].is_null());
        // The list's filters narrow the board: statuses pick the columns.
        let (_, b) = server_fn(&app, &anna, "tickets/board", &format!("query={}&per_column=5", enc("status=2,3&priority=high"))).await;
        assert_eq!(b["columns"].as_array().unwrap().len(), 2);
        let (_, b) = server_fn(&app, &anna, "tickets/board", &format!("query={}&per_column=5", enc("priority=low"))).await;
        assert!(b["columns"].as_array().unwrap().iter().all(|c| c["total"] == 0));
        // A column request must name one status.
        let (code, _) = server_fn(&app, &anna, "tickets/board_column", "query=").await;
        assert_eq!(code, 422);
        app
    })
    .await;
}

#[tokio::test]
async fn a_move_is_saved_and_a_stale_or_forbidden_move_is_refused() {
    on_each_backend(|app| async move {
        let anna = app.signed_in("anna@example.com").await;
        let bo = app.signed_in("bo@example.com").await;
        let bo_id = me(&app, &bo).await;
        let max = app.signed_in("manager@example.com").await;
        let c = customer(&app, &anna, "Volga").await;
        let (id, number) = ticket(&app, &anna, c, None).await;
        let (code, card) = server_fn(&app, &max, "tickets/move", &format!("id={id}&version=1&status_id=3")).await;
        assert_eq!(code, 200, "{card}");
        assert_eq!(card["status"]["id"], 3);
        assert_eq!(card["version"], 2);
        // Anna still holds version 1: refused, naming who moved it, and nothing changes.
        let (code, e) = server_fn(&app, &anna, "tickets/move", &format!("id={id}&version=1&status_id=6")).await;
        assert_eq!(code, 409, "{e}");
        assert_eq!(e["Conflict"]["by"], "Max Manager");
        assert_eq!(e["Conflict"]["current_version"], 2);
        let t: serde_json::Value = anna.get(app.url(&format!("/api/v1/tickets/{number}"))).send().await.unwrap().json().await.unwrap();
        assert_eq!(t["status"]["id"], 3);
        // The move is history like any other change.
        assert!(t["events"].as_array().unwrap().iter().any(|e| e["kind"].to_string().contains("status")));
        // Anna may not move Bo's ticket.
        let (bos, bos_number) = ticket(&app, &max, c, Some(bo_id)).await;
        let (code, _) = server_fn(&app, &anna, "tickets/move", &format!("id={bos}&version=1&status_id=2")).await;
        assert_eq!(code, 403);
        let t: serde_json::Value = anna.get(app.url(&format!("/api/v1/tickets/{bos_number}"))).send().await.unwrap().json().await.unwrap();
        assert_eq!(t["status"]["id"], 1);
        assert_eq!(t["version"], 1);
        // Unknown status, unknown ticket, no session.
        let (code, _) = server_fn(&app, &bo, "tickets/move", &format!("id={bos}&version=1&status_id=999")).await;
        assert_eq!(code, 422);
        let (code, _) = server_fn(&app, &bo, "tickets/move", "id=987654&version=1&status_id=2").await;
        assert_eq!(code, 404);
        let (code, _) = server_fn(&app, &app.client(), "tickets/move", &format!("id={bos}&version=1&status_id=2")).await;
        assert_eq!(code, 401);
        let (code, _) = server_fn(&app, &bo, "tickets/move", "id=x&version=1").await;
        assert_eq!(code, 400, "undecodable arguments are the caller's fault");
        // The board shows the saved move.
        let (_, b) = server_fn(&app, &anna, "tickets/board", "query=&per_column=25").await;
        let col3 = b["columns"].as_array().unwrap().iter().find(|c| c["status"]["id"] == 3).unwrap();
        assert_eq!(col3["items"][0]["number"], number);
        app
    })
    .await;
}

#[tokio::test]
async fn an_open_event_stream_hears_of_a_move_made_on_another_session() {
    on_each_backend(|app| async move {
        let anna = app.signed_in("anna@example.com").await;
        let max = app.signed_in("manager@example.com").await;
        let c = customer(&app, &anna, "Nordhavn").await;
        let (id, _) = ticket(&app, &anna, c, None).await;
        let r = anna.get(app.url("/api/live/tickets")).send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-type"].to_str().unwrap().starts_with("text/event-stream"));
        let mut body = r.bytes_stream();
        let mut seen = String::new();
        read_until(&mut body, &mut seen, "event: ready").await;
        let (code, _) = server_fn(&app, &max, "tickets/move", &format!("id={id}&version=1&status_id=2")).await;
        assert_eq!(code, 200);
        read_until(&mut body, &mut seen, &format!("\"ticket_id\":{id}")).await;
        assert!(seen.contains("event: tickets"));
        // Without a session there is no stream.
        let r = app.client().get(app.url("/api/live/tickets")).send().await.unwrap();
        assert_eq!(r.status(), 401);
        app
    })
    .await;
}

/// Reads an event stream until `needle` shows up, for at most 5 s.
async fn read_until<S, B>(body: &mut S, seen: &mut String, needle: &str)
where
    S: futures::Stream<Item = Result<B, reqwest::Error>> + Unpin,
    B: AsRef<[u8]>,
{
    use futures::StreamExt;
    let found = tokio::time::timeout(std::time::Duration::from_secs(5), async {
        while !seen.contains(needle) {
            let chunk = body.next().await.expect("stream open").unwrap();
            seen.push_str(&String::from_utf8_lossy(chunk.as_ref()));
        }
    })
    .await;
    assert!(found.is_ok(), "no {needle:?} within 5 s; got {seen:?}");
}
