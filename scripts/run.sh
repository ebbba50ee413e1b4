#!/usr/bin/env bash
# The run command: build Accord, load the demo data into the embedded SQLite database
# (./data/accord.db) and serve it. Installs whatever is missing first.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ensure_rust_tools
ensure_node_tools
build_release
"$ACCORD_BIN" migrate
"$ACCORD_BIN" demo
say "open ${ACCORD_BASE_URL:-http://${ACCORD_LISTEN:-127.0.0.1:3000}} and sign in as admin@accord.demo / accord-demo"
exec "$ACCORD_BIN" serve
