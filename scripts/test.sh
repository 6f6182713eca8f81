#!/usr/bin/env bash
# Runs the whole test suite as CI does: formatting, lints, then every test.
#
#   ./scripts/test.sh
#
# Installs what is missing first (cargo-nextest). Exits non-zero on any
# failure; never skips a test silently.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '==> %s\n' "$*" >&2; }

if ! command -v cargo >/dev/null; then
    echo "cargo is not installed: install Rust 1.95 or newer (https://rustup.rs)" >&2
    exit 1
fi
if ! cargo nextest --version >/dev/null 2>&1; then
    log "installing cargo-nextest"
    cargo install --locked cargo-nextest
fi

log "cargo fmt --check"
cargo fmt --all -- --check

log "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

log "doc tests"
cargo test --workspace --doc --locked

# Last, so that its summary closes the log.
log "cargo nextest run"
cargo nextest run --workspace --locked --no-fail-fast
