"""The SLA arithmetic benchmark's comparison: the same UTC cases as app/benches/sla.rs through
pandas' CustomBusinessHour (pandas has no timezone handling for business hours), timed here,
and the ratio to Accord's criterion estimates. Run by scripts/bench-sla.sh."""

import json
import pathlib
import sys
import timeit

import pandas as pd

HOLIDAYS = [f"{y}-{md}" for y in range(2026, 2029) for md in
            ["01-01", "01-06", "04-03", "04-06", "05-01", "05-14", "06-06", "06-19", "12-24", "12-25", "12-26", "12-31"]]


def offset(hours):
    return pd.offsets.CustomBusinessHour(n=hours, start="08:00", end="17:00", holidays=HOLIDAYS,
                                         weekmask="Mon Tue Wed Thu Fri")


def main():
    criterion = pathlib.Path(sys.argv[1])
    start = pd.Timestamp("2026-12-02 14:00")
    print(f"pandas {pd.__version__}, CustomBusinessHour, UTC, weekdays 08-17, {len(HOLIDAYS)} holidays")
    for hours in (8, 2000):
        off = offset(hours)
        due = start + off
        loops = 2000 if hours == 8 else 20
        best = min(timeit.repeat(lambda: start + off, number=loops, repeat=5)) / loops
        ours = criterion / f"due {hours}h UTC" / "new" / "estimates.json"
        line = f"  due {hours:>4}h: pandas {best * 1e6:10.2f} us  (due {due.isoformat()}Z)"
        if ours.exists():
            ns = json.loads(ours.read_text())["mean"]["point_estimate"]
            line += f"   accord {ns / 1e3:8.3f} us   pandas/accord = {best * 1e9 / ns:,.0f}x"
        print(line)


if __name__ == "__main__":
    main()
