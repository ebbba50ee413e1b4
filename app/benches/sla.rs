//! Criterion benchmarks of the business-time arithmetic: `due` and `elapsed` for an 8-hour
//! target on a weekday 08–17 calendar with holidays (the typical case) and for a 2,000-hour
//! target, in Europe/Stockholm and in UTC (the case `scripts/bench-sla.sh` also runs through
//! pandas' `CustomBusinessHour`, which has no timezones). A benchmark, not a test.

use std::hint::black_box;

use app::sla::calendar::Calendar;
use app::sla::zoned::ZonedCalendar;
use app::sla::BusinessTime;
use criterion::{Criterion, criterion_group, criterion_main};

/// Weekdays 08:00–17:00 with ten holidays a year for 2026–2028.
fn office(tz: &str) -> ZonedCalendar {
    let day = r#"[["08:00","17:00"]]"#;
    let mut holidays = Vec::new();
    for y in 2026..=2028 {
        for md in ["01-01", "01-06", "04-03", "04-06", "05-01", "05-14", "06-06", "06-19", "12-24", "12-25", "12-26", "12-31"] {
            holidays.push(format!("\"{y}-{md}\""));
        }
    }
    let json = format!(
        r#"{{"timezone":"{tz}","week":{{"mon":{day},"tue":{day},"wed":{day},"thu":{day},"fri":{day}}},"holidays":[{}]}}"#,
        holidays.join(",")
    );
    let cal = Calendar::from_json(&serde_json::from_str(&json).expect("json")).expect("calendar");
    ZonedCalendar::new(&cal).expect("zone")
}

fn bench(c: &mut Criterion) {
    // Wednesday 2026-12-02 14:00 UTC: an 8-hour target crosses one night.
    let start = 1_796_220_000;
    for tz in ["Europe/Stockholm", "UTC"] {
        let cal = office(tz);
        let due8 = cal.due(start, 8 * 3600).expect("due");
        let due2000 = cal.due(start, 2000 * 3600).expect("due");
        let iso = |s: i64| app::sla::format_instant(app::sla::instant(s).expect("instant"));
        println!("{tz}: due 8h {}, due 2000h {}", iso(due8), iso(due2000));
        c.bench_function(&format!("due 8h {tz}"), |b| b.iter(|| cal.due(black_box(start), black_box(8 * 3600))));
        c.bench_function(&format!("elapsed 8h {tz}"), |b| b.iter(|| cal.elapsed(black_box(start), black_box(due8))));
        c.bench_function(&format!("due 2000h {tz}"), |b| b.iter(|| cal.due(black_box(start), black_box(2000 * 3600))));
        c.bench_function(&format!("elapsed 2000h {tz}"), |b| b.iter(|| cal.elapsed(black_box(start), black_box(due2000))));
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
