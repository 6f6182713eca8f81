#!/usr/bin/env bash
# The main job of retort, end to end, in a fresh temporary folder:
#
#   ./scripts/demo.sh
#
# Builds retort, creates a migrations folder, writes revisions on two
# branches, merges them, and shows the graph the way Alembic users read it.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
retort="$PWD/target/release/retort"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
run() { printf '\n$ retort'; printf ' %q' "$@"; printf '\n'; "$retort" "$@"; }

run init
run revision -m "create account table" --rev-id 1a2b3c4d5e6f
run revision -m "add email to account" --rev-id 2b3c4d5e6f70
run revision -m "audit log" --head 1a2b3c4d5e6f --splice --branch-label audit --rev-id 3c4d5e6f7081
run heads
run branches
run merge heads -m "merge audit into main" --rev-id 4d5e6f708192
run history
run show audit@head
printf '\n$ cat migrations/versions/4d5e6f708192_merge_audit_into_main.toml\n'
cat migrations/versions/4d5e6f708192_merge_audit_into_main.toml
