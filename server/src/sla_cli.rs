//! `accord sla`: the SLA engine for admins and scripts, the very functions the server uses.
//!
//! ```text
//! accord sla due     --calendar FILE.json --start RFC3339 --minutes N   → {"due":"…Z"}
//! accord sla elapsed --calendar FILE.json --from RFC3339 --to RFC3339   → {"minutes":M,"seconds":S}
//! accord sla due|elapsed                       (no --calendar: JSON lines on stdin, one answer a line)
//! accord sla replay  --policy POLICY.json --events EVENTS.jsonl --now RFC3339   → [clock, …]
//! ```
//!
//! Output is compact JSON, one object a line, instants in UTC with `Z`. Invalid input and usage
//! errors print `{"error":"…"}` on stdout and exit 2; a batch answers a bad line with an error
//! line, goes on, and exits 0 once every line is answered.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};

use app::sla::calendar::Calendar;
use app::sla::clock::{Event, MAX_GOAL_MINUTES, Policy, replay};
use app::sla::zoned::ZonedCalendar;
use app::sla::{BusinessTime, SlaError, format_instant, instant, parse_instant};
use serde_json::{Value, json};

const HELP: &str = "accord sla: business-time arithmetic and SLA clocks

  accord sla due --calendar FILE.json --start RFC3339 --minutes N
  accord sla elapsed --calendar FILE.json --from RFC3339 --to RFC3339
  accord sla due|elapsed            (without --calendar: JSON lines on stdin)
      due:     {\"calendar\":{…},\"start\":\"…\",\"minutes\":N}
      elapsed: {\"calendar\":{…},\"from\":\"…\",\"to\":\"…\"}
  accord sla replay --policy POLICY.json --events EVENTS.jsonl --now RFC3339

The calendar file: {\"timezone\":\"Europe/Stockholm\",\"week\":{\"mon\":[[\"08:00\",\"17:00\"]],…},\"holidays\":[\"2026-12-24\"]}
Errors print {\"error\":\"…\"} and exit 2.
";

/// Runs `accord sla ARGS…` with the given input and output; returns the exit code.
pub fn run(args: &[String], input: &mut dyn BufRead, out: &mut dyn Write) -> u8 {
    match dispatch(args, input, out) {
        Ok(()) => 0,
        Err(Fail::Help) => {
            let _ = out.write_all(HELP.as_bytes());
            0
        }
        Err(Fail::Error(msg)) => {
            let _ = writeln!(out, "{}", json!({ "error": msg }));
            2
        }
    }
}

enum Fail {
    Help,
    Error(String),
}

impl From<String> for Fail {
    fn from(s: String) -> Self {
        Fail::Error(s)
    }
}

/// `--name value` and `--name=value` pairs, each at most once, only the ones allowed.
fn flags(args: &[String], allowed: &[&str]) -> Result<BTreeMap<String, String>, Fail> {
    let mut out = BTreeMap::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--help" || a == "-h" {
            return Err(Fail::Help);
        }
        let Some(name) = a.strip_prefix("--") else {
            return Err(Fail::Error(format!("unexpected argument \"{a}\"")));
        };
        let (name, value) = match name.split_once('=') {
            Some((n, v)) => (n.to_owned(), v.to_owned()),
            None => {
                let v = it.next().ok_or_else(|| Fail::Error(format!("--{name} needs a value")))?;
                (name.to_owned(), v.clone())
            }
        };
        if !allowed.contains(&name.as_str()) {
            return Err(Fail::Error(format!("unknown flag --{name} (allowed: {})", allowed.iter().map(|f| format!("--{f}")).collect::<Vec<_>>().join(", "))));
        }
        if out.insert(name.clone(), value).is_some() {
            return Err(Fail::Error(format!("--{name} given twice")));
        }
    }
    Ok(out)
}

fn need<'a>(f: &'a BTreeMap<String, String>, name: &str) -> Result<&'a str, Fail> {
    f.get(name).map(String::as_str).ok_or_else(|| Fail::Error(format!("missing --{name}")))
}

fn read_json(path: &str, what: &str) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{what}: cannot read {path}: {e}"))?;
    serde_json::from_str(&text).map_err(|e| format!("{what}: {path} is not JSON: {e}"))
}

fn zoned(v: &Value) -> Result<ZonedCalendar, String> {
    let cal = Calendar::from_json(v).map_err(|e| format!("calendar: {e}"))?;
    ZonedCalendar::new(&cal).map_err(|e| format!("calendar: {e}"))
}

fn minutes(v: &Value) -> Result<i64, String> {
    match v.as_u64() {
        Some(m) if m <= MAX_GOAL_MINUTES as u64 => Ok(m as i64),
        _ => Err(format!("minutes: must be a whole number from 0 to {MAX_GOAL_MINUTES}, not {v}")),
    }
}

fn sla_error(e: SlaError) -> String {
    match e {
        SlaError::OutOfRange => "the answer is outside the years 0000-9999".into(),
        SlaError::FromAfterTo => "from is after to".into(),
        e => e.to_string(),
    }
}

fn due(cal: &ZonedCalendar, start: &str, minutes: i64) -> Result<Value, String> {
    let start = parse_instant(start).map_err(|e| format!("start: {e}"))?;
    let at = cal.due(start.timestamp(), minutes * 60).map_err(sla_error)?;
    Ok(json!({ "due": format_instant(instant(at).map_err(sla_error)?) }))
}

fn elapsed(cal: &ZonedCalendar, from: &str, to: &str) -> Result<Value, String> {
    let from = parse_instant(from).map_err(|e| format!("from: {e}"))?;
    let to = parse_instant(to).map_err(|e| format!("to: {e}"))?;
    let s = cal.elapsed(from.timestamp(), to.timestamp()).map_err(sla_error)?;
    Ok(json!({ "minutes": s.div_euclid(60), "seconds": s }))
}

/// One batch line: a calendar and either `start` + `minutes` (due) or `from` + `to` (elapsed).
fn batch_line(command: &str, line: &str) -> Result<Value, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    let obj = v.as_object().ok_or("a line must be a JSON object")?;
    let (keys, text): (&[&str], fn(&Value) -> Option<&str>) = match command {
        "due" => (&["calendar", "start", "minutes"], Value::as_str),
        _ => (&["calendar", "from", "to"], Value::as_str),
    };
    if let Some(k) = obj.keys().find(|k| !keys.contains(&k.as_str())) {
        return Err(format!("unknown key \"{k}\" for {command} (expected {})", keys.join(", ")));
    }
    let get = |k: &str| obj.get(k).ok_or_else(|| format!("missing \"{k}\""));
    let cal = zoned(get("calendar")?)?;
    let s = |k: &str| get(k).and_then(|v| text(v).ok_or_else(|| format!("{k}: must be an RFC 3339 string")));
    match command {
        "due" => due(&cal, s("start")?, minutes(get("minutes")?)?),
        _ => elapsed(&cal, s("from")?, s("to")?),
    }
}

fn batch(command: &str, input: &mut dyn BufRead, out: &mut dyn Write) -> Result<(), Fail> {
    for raw in input.split(b'\n') {
        let raw = raw.map_err(|e| Fail::Error(format!("cannot read standard input: {e}")))?;
        let answer = match std::str::from_utf8(&raw) {
            Ok(line) if line.trim().is_empty() => continue,
            Ok(line) => batch_line(command, line.trim()),
            Err(_) => Err("the line is not UTF-8".to_owned()),
        };
        let v = answer.unwrap_or_else(|e| json!({ "error": e }));
        writeln!(out, "{v}").map_err(|e| Fail::Error(format!("cannot write: {e}")))?;
    }
    Ok(())
}

fn dispatch(args: &[String], input: &mut dyn BufRead, out: &mut dyn Write) -> Result<(), Fail> {
    let Some((command, rest)) = args.split_first() else {
        return Err(Fail::Error("missing command: due, elapsed or replay (see accord sla --help)".into()));
    };
    let print = |out: &mut dyn Write, v: Value| writeln!(out, "{v}").map_err(|e| Fail::Error(format!("cannot write: {e}")));
    match command.as_str() {
        "--help" | "-h" | "help" => Err(Fail::Help),
        "due" | "elapsed" => {
            let allowed: &[&str] = if command == "due" { &["calendar", "start", "minutes"] } else { &["calendar", "from", "to"] };
            let f = flags(rest, allowed)?;
            let Some(path) = f.get("calendar") else {
                if let Some(k) = f.keys().next() {
                    return Err(Fail::Error(format!("--{k} needs --calendar (without it, {command} reads JSON lines from standard input)")));
                }
                return batch(command, input, out);
            };
            let cal = zoned(&read_json(path, "calendar")?)?;
            let v = if command == "due" {
                let m = need(&f, "minutes")?;
                let m = m.parse::<u64>().ok().filter(|m| *m <= MAX_GOAL_MINUTES as u64).ok_or_else(|| {
                    Fail::Error(format!("--minutes: must be a whole number from 0 to {MAX_GOAL_MINUTES}, not \"{m}\""))
                })?;
                due(&cal, need(&f, "start")?, m as i64)?
            } else {
                elapsed(&cal, need(&f, "from")?, need(&f, "to")?)?
            };
            print(out, v)
        }
        "replay" => {
            let f = flags(rest, &["policy", "events", "now"])?;
            let policy = Policy::from_json(&read_json(need(&f, "policy")?, "policy")?).map_err(|e| e.0)?;
            let now = parse_instant(need(&f, "now")?).map_err(|e| format!("--now: {e}"))?;
            let path = need(&f, "events")?;
            let text = std::fs::read_to_string(path).map_err(|e| format!("events: cannot read {path}: {e}"))?;
            let mut events = Vec::new();
            for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
                let v: Value = serde_json::from_str(line).map_err(|e| format!("events line {}: not JSON: {e}", i + 1))?;
                events.push(Event::from_json(&v).map_err(|e| format!("events line {}: {e}", i + 1))?);
            }
            let cal = ZonedCalendar::new(&policy.calendar).map_err(|e| format!("calendar: {e}"))?;
            let clocks = replay(&policy, &cal, &events, now.timestamp()).map_err(|e| e.0)?;
            let out_v: Vec<_> = clocks.iter().map(|c| c.to_out()).collect();
            let text = serde_json::to_string(&out_v).map_err(|e| format!("cannot write: {e}"))?;
            writeln!(out, "{text}").map_err(|e| Fail::Error(format!("cannot write: {e}")))
        }
        other => Err(Fail::Error(format!("unknown command \"{other}\": use due, elapsed or replay"))),
    }
}
