#!/usr/bin/env bash
# Runs the whole test suite as CI does: formatting, lints, then every test,
# against real database servers that it starts itself.
#
#   ./scripts/test.sh                 the whole suite
#   ./scripts/test.sh CMD [ARGS...]   run CMD where tests can start the
#                                     servers, stop them at the end
#   e.g. ./scripts/test.sh cargo nextest run -p retort-db
#
# Installs what is missing first (cargo-nextest; MariaDB, Galera, rsync,
# PgBouncer and PostgreSQL 15 from Debian's packages). Starts no server
# itself: a test that needs one asks scripts/test-servers.sh (through the
# `servers.rs` helper beside the tests), which starts it the first time
# and hands every later test the same server, so a run of tests that need
# no server starts none, and the servers start while the other tests run.
# The servers (PostgreSQL 15, PgBouncer, MariaDB and a 3-node Galera
# cluster; their variables are listed in scripts/test-servers.sh) listen on
# 127.0.0.1 on free private ports, keep their data in one temporary folder
# ($RETORT_TEST_DB_DIR), and are stopped and removed on exit, also on
# failure. A script that needs the variables itself runs, under this one:
#   eval "$(scripts/test-servers.sh ensure postgres mariadb)"
# Exits non-zero on any failure; never skips a test silently.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '==> %s\n' "$*" >&2; }
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

if ! command -v cargo >/dev/null; then
    die "cargo is not installed: install Rust 1.95 or newer (https://rustup.rs)"
fi
if ! cargo nextest --version >/dev/null 2>&1; then
    log "installing cargo-nextest"
    cargo install --locked cargo-nextest
fi

# --- database servers -------------------------------------------------------

# shellcheck source=scripts/test-servers.sh
. scripts/test-servers.sh
install_servers

DB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/retort-test-db.XXXXXX")
chmod 755 "$DB_DIR"
# run/NAME.pid: the servers to stop, each the leader of a process group of
# its own (made by setsid) so that stopping it also stops what it started
# (Galera's state transfer scripts and their rsync); env/KIND: the
# variables a started server sets.
mkdir "$DB_DIR/run" "$DB_DIR/env"
export RETORT_TEST_DB_DIR=$DB_DIR
export RETORT_TEST_SERVERS=$PWD/scripts/test-servers.sh
trap stop_servers EXIT
trap 'exit 130' INT TERM

if [ $# -gt 0 ]; then
    log "$* (servers start when a test asks for one)"
    "$@"
    exit
fi

# --- the suite ----------------------------------------------------------------

log "cargo fmt --check"
cargo fmt --all -- --check

log "cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings

# Each cargo feature alone (sqlite, postgres, mysql, none) builds, lints
# clean, and a SQLite-only build compiles no PostgreSQL, MySQL or tokio
# crate.
./scripts/check-features.sh

log "building the tests"
cargo nextest run --workspace --locked --no-run

log "doc tests"
cargo test --workspace --doc --locked

# Last, so that its summary closes the log.
log "cargo nextest run"
cargo nextest run --workspace --locked --no-fail-fast
