#!/usr/bin/env bash
# The test command: every test. Unit and integration tests on SQLite and PostgreSQL, then the
# release build, then the browser tests against it. Installs whatever is missing first.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_rust_tools
ensure_node_tools
ensure_chromium

say "unit, storage and integration tests (SQLite and PostgreSQL)"
cargo nextest run --release -p app -p server --no-fail-fast

build_release

say "browser tests (Chromium, against the release build)"
ACCORD_BIN="$ACCORD_BIN" node end2end/run.mjs
say "all tests passed"
