#!/usr/bin/env bash
# SLA arithmetic benchmarks (not tests): criterion for Accord's due/elapsed, then the same UTC
# cases through pandas' CustomBusinessHour in the same run, with the ratio.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cargo bench -p app --bench sla --features tz
if ! python3 -c "import pandas" 2>/dev/null; then
  say "installing pandas (PyPI) for the comparison"
  python3 -m pip install --quiet pandas
fi
python3 scripts/sla_pandas.py "$CARGO_TARGET_DIR/criterion"
