#!/usr/bin/env bash
# Checks that each database driver builds alone, and that none builds too:
#
#   ./scripts/check-features.sh
#
# For each of the cargo features `sqlite`, `postgres` and `mysql` alone, each
# server driver with `tls`, and
# for no feature at all (offline SQL only), checks the library and the
# `retort` binary of the root crate and the retort-db library, lints them
# with clippy (`-D warnings`: code used by one driver only must not warn
# when it is left out) and runs retort-db's unit tests. Then asserts that an application with only
# `sqlite` builds no PostgreSQL, MySQL or tokio crate. The default build
# (every driver) is checked by scripts/test.sh. Exits non-zero on any
# failure.
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

start=$SECONDS

# "" is the build without any driver.
for feature in sqlite postgres mysql "" "postgres,tls" "mysql,tls"; do
    name=${feature:-"no driver"}
    args=(--locked --no-default-features)
    if [ -n "$feature" ]; then
        args+=(--features "$feature")
    fi
    log "$name: cargo check -p retort-db"
    cargo check "${args[@]}" -p retort-db --lib ||
        die "retort-db does not build with only the features [$feature]"
    # clippy lints every workspace crate it builds: retort-core, retort-db
    # (with the same features, forwarded) and retort.
    log "$name: cargo clippy -p retort --lib --bins -- -D warnings"
    cargo clippy "${args[@]}" -p retort --lib --bins -- -D warnings ||
        die "retort does not build, or warns, with only the features [$feature]"
    # The unit tests of retort-db, among them `connect` refusing exactly
    # the URLs whose driver is left out (with DbError::DriverNotBuilt).
    log "$name: cargo test -p retort-db --lib"
    cargo test "${args[@]}" -p retort-db --lib --quiet ||
        die "retort-db's unit tests fail with only the features [$feature]"
done

log "sqlite: no PostgreSQL, MySQL or tokio crate in the dependency tree"
tree=$(cargo tree --locked -p retort --no-default-features --features sqlite -e normal --prefix none)
forbidden=$(printf '%s\n' "$tree" | awk '{print $1}' | grep -E '^(postgres|tokio|mysql)' | sort -u || true)
if [ -n "$forbidden" ]; then
    die "retort with only the feature sqlite builds these crates, which it must not:
$(printf '%s\n' "$forbidden" | sed 's/^/    /')
make the dependency that pulls them optional (see: cargo tree -p retort --no-default-features --features sqlite -e normal -i CRATE)"
fi
count=$(printf '%s\n' "$tree" | sed 's/ (\*)$//' | sort -u | wc -l)
log "sqlite: $count crates, none of them a PostgreSQL, MySQL or tokio crate"

log "features checked in $((SECONDS - start)) s"
