//! `accord sla`: the binary itself, its JSON answers, its batch mode and its errors (JSON on
//! stdout, exit 2; a batch goes on past a bad line and exits 0).

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

struct Files(std::path::PathBuf);

impl Files {
    fn new() -> Self {
        let n = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
        let dir = std::env::temp_dir().join(format!("accord-sla-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
    fn write(&self, name: &str, text: &str) -> String {
        let p = self.0.join(name);
        std::fs::write(&p, text).unwrap();
        p.to_string_lossy().into_owned()
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn sla(args: &[&str], stdin: &str) -> (i32, Vec<Value>, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_accord"))
        .arg("sla")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines = text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}"))).collect();
    (out.status.code().unwrap_or(-1), lines, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn office() -> Value {
    json!({"timezone":"Europe/Stockholm","week":{"mon":[["08:00","12:00"],["13:00","17:00"]],"tue":[["08:00","12:00"],["13:00","17:00"]],
        "wed":[["08:00","12:00"],["13:00","17:00"]],"thu":[["08:00","12:00"],["13:00","17:00"]],"fri":[["08:00","12:00"],["13:00","17:00"]],"sat":[],"sun":[]},
        "holidays":["2026-12-24","2026-12-25"]})
}

#[test]
fn due_and_elapsed_answer_in_utc_json() {
    let f = Files::new();
    let cal = f.write("cal.json", &office().to_string());
    // Wednesday 23 Dec 15:30 local + 4 h: 1.5 h that day, then Monday 28th 08:00 + 2.5 h (lunch 12–13 is closed) → 10:30 local, 09:30Z.
    let (code, out, _) = sla(&["due", "--calendar", &cal, "--start", "2026-12-23T15:30:00.9+01:00", "--minutes", "240"], "");
    assert_eq!((code, out), (0, vec![json!({"due":"2026-12-28T09:30:00Z"})]));
    let (code, out, _) = sla(&["elapsed", "--calendar", &cal, "--from=2026-12-23T14:30:00Z", "--to", "2026-12-28T09:30:59Z"], "");
    assert_eq!((code, out), (0, vec![json!({"minutes":240,"seconds":240 * 60 + 59})]));
    // A due landing exactly at an interval's end is that end.
    let (_, out, _) = sla(&["due", "--calendar", &cal, "--start", "2026-12-28T08:00:00+01:00", "--minutes", "240"], "");
    assert_eq!(out, vec![json!({"due":"2026-12-28T11:00:00Z"})]);
}

#[test]
fn invalid_input_and_usage_errors_print_json_and_exit_2() {
    let f = Files::new();
    let cal = f.write("cal.json", &office().to_string());
    let bad_cal = f.write("bad.json", r#"{"timezone":"Mars/Base","week":{"mon":[["08:00","25:00"]],"funday":[]}}"#);
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec!["due", "--calendar", &cal, "--start", "2026-12-23T15:30:00Z", "--minutes", "-5"], "--minutes"),
        (vec!["due", "--calendar", &cal, "--start", "2026-12-23T15:30:00Z", "--minutes", "10000001"], "--minutes"),
        (vec!["due", "--calendar", &cal, "--start", "yesterday", "--minutes", "5"], "start"),
        (vec!["due", "--calendar", &cal, "--minutes", "5"], "missing --start"),
        (vec!["due", "--calendar", &cal, "--start", "2026-12-23T15:30:00Z", "--minutes"], "needs a value"),
        (vec!["due", "--calendar", &cal, "--start", "2026-12-23T15:30:00Z", "--minutes", "5", "--speed", "1"], "unknown flag --speed"),
        (vec!["elapsed", "--calendar", &cal, "--from", "2026-12-24T00:00:00Z", "--to", "2026-12-23T00:00:00Z"], "from is after to"),
        (vec!["due", "--calendar", &bad_cal, "--start", "2026-12-23T15:30:00Z", "--minutes", "5"], "25:00"),
        (vec!["due", "--calendar", "/nonexistent/cal.json", "--start", "2026-12-23T15:30:00Z", "--minutes", "5"], "cannot read"),
        (vec!["due", "--start", "2026-12-23T15:30:00Z"], "needs --calendar"),
        (vec!["teleport"], "unknown command"),
        (vec![], "missing command"),
    ];
    for (args, says) in cases {
        let (code, out, err) = sla(&args, "");
        assert_eq!(code, 2, "{args:?}");
        assert_eq!(out.len(), 1, "{args:?}");
        let msg = out[0]["error"].as_str().unwrap_or_else(|| panic!("{args:?}: {:?}", out[0]));
        assert!(msg.contains(says), "{args:?}: {msg}");
        assert!(err.is_empty(), "{args:?}: {err}");
    }
    let (_, out, _) = sla(&["due", "--calendar", &bad_cal, "--start", "2026-12-23T15:30:00Z", "--minutes", "5"], "");
    let msg = out[0]["error"].as_str().unwrap();
    assert!(msg.contains("week.funday") && msg.contains("week.mon[0]"), "every problem is named: {msg}");
}

#[test]
fn a_batch_answers_every_line_in_order_and_goes_on_past_bad_ones() {
    let cal = office();
    let lines = [
        json!({"calendar": cal, "start": "2026-12-23T15:30:00+01:00", "minutes": 240}).to_string(),
        String::new(),
        "{not json".to_owned(),
        json!({"calendar": {"timezone":"Nowhere/Land"}, "start": "2026-12-23T15:30:00Z", "minutes": 1}).to_string(),
        json!({"calendar": cal, "start": "2026-12-23T15:30:00Z", "minutes": 1.5}).to_string(),
        json!({"calendar": cal, "from": "2026-12-23T00:00:00Z", "to": "2026-12-24T00:00:00Z"}).to_string(),
        json!({"calendar": {"timezone":"UTC"}, "start": "2026-12-23T15:30:00Z", "minutes": 1}).to_string(),
        json!({"calendar": cal, "start": "2026-12-28T07:00:00Z", "minutes": 0}).to_string(),
    ];
    let (code, out, _) = sla(&["due"], &(lines.join("\n") + "\n"));
    assert_eq!(code, 0);
    assert_eq!(out.len(), 7, "{out:?}");
    assert_eq!(out[0], json!({"due":"2026-12-28T09:30:00Z"}));
    assert!(out[1]["error"].as_str().unwrap().contains("not JSON"));
    assert!(out[2]["error"].as_str().unwrap().contains("Nowhere/Land"));
    assert!(out[3]["error"].as_str().unwrap().contains("minutes"));
    assert!(out[4]["error"].as_str().unwrap().contains("unknown key"), "a due batch takes due lines: {:?}", out[4]);
    assert!(out[5]["error"].as_str().unwrap().contains("no working time"));
    assert_eq!(out[6], json!({"due":"2026-12-28T07:00:00Z"}));

    let (code, out, _) = sla(&["elapsed"], &json!({"calendar": cal, "from": "2026-12-23T00:00:00Z", "to": "2026-12-24T00:00:00Z"}).to_string());
    assert_eq!((code, out), (0, vec![json!({"minutes":480,"seconds":480 * 60})]));
}

#[test]
fn replay_prints_every_clock_cycle_and_refuses_bad_histories() {
    let f = Files::new();
    let policy = json!({"calendar": {"timezone":"UTC","week":{"mon":[["00:00","24:00"]],"tue":[["00:00","24:00"]],"wed":[["00:00","24:00"]],"thu":[["00:00","24:00"]],"fri":[["00:00","24:00"]],"sat":[["00:00","24:00"]],"sun":[["00:00","24:00"]]}},
        "targets": {"urgent":{"first_response":60,"next_response":120,"resolution":480},"high":{"first_response":120,"next_response":240,"resolution":960},
                    "normal":{"first_response":240,"next_response":480,"resolution":1440},"low":{"first_response":480,"next_response":960,"resolution":2880}},
        "pause":["waiting_on_customer"],"warning_percent":80});
    let p = f.write("policy.json", &policy.to_string());
    let events = [
        json!({"at":"2026-12-01T09:00:00Z","type":"created","priority":"high","category":"new"}),
        json!({"at":"2026-12-01T09:30:00Z","type":"reply","by":"agent","public":false}),
        json!({"at":"2026-12-01T10:40:00+01:00","type":"reply","by":"agent","public":true}),
        json!({"at":"2026-12-01T09:45:00Z","type":"status","category":"waiting_on_customer"}),
        json!({"at":"2026-12-01T10:45:00Z","type":"reply","by":"customer","public":true}),
        json!({"at":"2026-12-01T10:45:00Z","type":"status","category":"active"}),
        json!({"at":"2026-12-01T11:00:00Z","type":"priority","priority":"urgent"}),
    ];
    let ev = f.write("events.jsonl", &events.iter().map(Value::to_string).collect::<Vec<_>>().join("\n"));
    let (code, out, _) = sla(&["replay", "--policy", &p, "--events", &ev, "--now", "2026-12-01T12:00:00Z"], "");
    assert_eq!(code, 0, "{out:?}");
    let clocks = out[0].as_array().unwrap();
    let brief: Vec<_> = clocks.iter().map(|c| (c["target"].as_str().unwrap(), c["cycle"].as_i64().unwrap(), c["state"].as_str().unwrap())).collect();
    assert_eq!(brief, vec![("first_response", 1, "met"), ("next_response", 1, "running"), ("resolution", 1, "running")]);
    let fr = &clocks[0];
    assert_eq!(fr["used_seconds"], 2400, "the agent replied at 09:40Z (10:40+01:00)");
    assert_eq!(fr["stopped_at"], "2026-12-01T09:40:00Z");
    let res = &clocks[2];
    // 09:00–09:45 running, 09:45–10:45 paused, 10:45–12:00 running: 2 h; urgent goal 480 min.
    assert_eq!((res["used_seconds"].as_i64(), res["goal_minutes"].as_i64()), (Some(7200), Some(480)));
    assert_eq!(res["due"], "2026-12-01T18:00:00Z");
    let spans: Vec<_> = res["spans"].as_array().unwrap().iter().map(|s| s["kind"].as_str().unwrap().to_owned()).collect();
    assert_eq!(spans, vec!["running", "paused", "running"]);
    let nr = &clocks[1];
    assert_eq!((nr["goal_minutes"].as_i64(), nr["used_seconds"].as_i64(), nr["due"].as_str()), (Some(120), Some(4500), Some("2026-12-01T12:45:00Z")));

    // Out of order: 09:45Z, then 09:40Z.
    let bad = f.write("bad.jsonl", &[events[0].to_string(), events[3].to_string(), events[2].to_string()].join("\n"));
    let (code, out, _) = sla(&["replay", "--policy", &p, "--events", &bad, "--now", "2026-12-01T12:00:00Z"], "");
    assert_eq!(code, 2);
    assert!(out[0]["error"].as_str().unwrap().contains("out of time order"));
    let unknown = f.write("unknown.jsonl", &[events[0].to_string(), json!({"at":"2026-12-01T10:00:00Z","type":"escalate"}).to_string()].join("\n"));
    let (code, out, _) = sla(&["replay", "--policy", &p, "--events", &unknown, "--now", "2026-12-01T12:00:00Z"], "");
    assert_eq!(code, 2);
    assert!(out[0]["error"].as_str().unwrap().contains("events line 2"), "{out:?}");
    let (code, out, _) = sla(&["replay", "--policy", &p, "--events", &ev, "--now", "2026-12-01T10:00:00Z"], "");
    assert_eq!(code, 2);
    assert!(out[0]["error"].as_str().unwrap().contains("now is before"));
}
