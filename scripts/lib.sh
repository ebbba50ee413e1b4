# Shared by run.sh and test.sh: installs what a fresh Debian machine with only rustup lacks,
# and skips whatever is already there. Sourced, not run.

set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# One build cache outside the clone, shared by every checkout and by CI.
export CARGO_TARGET_DIR="${ACCORD_TARGET_DIR:-$HOME/.cache/accord-target}"
TOOLS_TARGET_DIR="${ACCORD_TOOLS_TARGET_DIR:-$HOME/.cache/accord-tools-target}"
# cargo-leptos sets this when it builds the server; setting it for plain cargo too keeps
# one set of compiled crates for the tests and for `cargo leptos build`.
export LEPTOS_OUTPUT_NAME=accord
export PATH="$HOME/.cargo/bin:$PATH"

CARGO_LEPTOS_VERSION=0.3.10

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "need root to run: $*" >&2; return 1; fi
}

apt_install() {
  say "installing $* from Debian's packages"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

ensure_rust_tools() {
  command -v cargo >/dev/null || { echo "cargo not found: install Rust with rustup first" >&2; exit 1; }
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the wasm32-unknown-unknown target"
    rustup target add wasm32-unknown-unknown
  fi
  if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
    say "installing cargo-leptos $CARGO_LEPTOS_VERSION (a long build, once per machine)"
    # Its own target dir: the app's would be locked for the whole (long) build.
    CARGO_TARGET_DIR="$TOOLS_TARGET_DIR" CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
      cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked --features no_downloads
  fi
  local wb
  wb="$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
  if ! wasm-bindgen --version 2>/dev/null | grep -q " $wb"; then
    say "installing wasm-bindgen-cli $wb (the version in Cargo.lock)"
    # Without --locked: its own lock file names a crate version the registry no longer serves.
    CARGO_TARGET_DIR="$TOOLS_TARGET_DIR" cargo install wasm-bindgen-cli --version "$wb"
  fi
}

ensure_node_tools() {
  if ! command -v npm >/dev/null; then
    apt_install nodejs npm
  fi
  if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
    say "installing the end2end Node packages (playwright-core, binaryen 132)"
    (cd end2end && npm ci --no-audit --no-fund --loglevel=error)
  fi
  # cargo-leptos takes the first wasm-opt on PATH. Debian's binaryen 108 silently breaks
  # hydration; binaryen 132 from npm does not.
  export PATH="$ROOT/end2end/node_modules/.bin:$PATH"
}

ensure_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    apt_install chromium
  fi
}

# The release build: wasm first, then the server (on two cores, one at a time is faster).
build_release() {
  say "building the browser part (wasm)"
  cargo leptos build --release --frontend-only
  say "building the server"
  cargo leptos build --release --server-only
}

ACCORD_BIN="$CARGO_TARGET_DIR/release/accord"
export LEPTOS_SITE_ROOT="$ROOT/target/site"
export ACCORD_SITE_ROOT="$ROOT/target/site"
