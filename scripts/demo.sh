#!/usr/bin/env bash
# The main job of retort, end to end, on the embedded SQLite default, in a
# fresh temporary folder:
#
#   ./scripts/demo.sh
#
# Builds retort, creates a migrations folder, writes revisions on two
# branches with real operations, merges them, upgrades the database, reads
# the graph and the database back, downgrades, and prints offline SQL.
set -euo pipefail
cd "$(dirname "$0")/.."
# The `demo` profile (Cargo.toml) builds quickest from a fresh clone, and
# the demo runs on SQLite only, so it builds only the SQLite driver (cargo
# feature `sqlite`: no PostgreSQL, MySQL, tokio or TLS crates, less than
# half of the full build); cargo shows its progress.
printf '==> building retort (cargo build --profile demo --no-default-features --features sqlite)\n' >&2
cargo build --locked --profile demo --no-default-features --features sqlite --bin retort
retort="$PWD/target/demo/retort"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
run() { printf '\n$ retort'; printf ' %q' "$@"; printf '\n'; "$retort" "$@"; }
ops() { cat >>"migrations/versions/$1"; }

run init
run revision -m "create account table" --rev-id 1a2b3c4d5e6f
ops 1a2b3c4d5e6f_create_account_table.toml <<'TOML'

[[upgrade]]
op = "create_table"
table = "account"
columns = [
    { name = "id", type = "integer", primary_key = true },
    { name = "name", type = "varchar(128)", nullable = false },
]

[[upgrade]]
op = "bulk_insert"
table = "account"
rows = [{ id = 1, name = "ada" }, { id = 2, name = "grace" }]

[[downgrade]]
op = "drop_table"
table = "account"
TOML
run revision -m "add email to account" --rev-id 2b3c4d5e6f70
ops 2b3c4d5e6f70_add_email_to_account.toml <<'TOML'

[[upgrade]]
op = "add_column"
table = "account"
column = { name = "email", type = "varchar(255)", nullable = false, server_default = "''" }

[[downgrade]]
op = "drop_column"
table = "account"
column = "email"
TOML
run revision -m "audit log" --head 1a2b3c4d5e6f --splice --branch-label audit --rev-id 3c4d5e6f7081
ops 3c4d5e6f7081_audit_log.toml <<'TOML'

[[upgrade]]
op = "create_table"
table = "audit_log"
columns = [
    { name = "id", type = "integer", primary_key = true },
    { name = "account_id", type = "integer", nullable = false },
    { name = "at", type = "timestamp", server_default = "CURRENT_TIMESTAMP" },
]
foreign_keys = [{ columns = ["account_id"], referent_table = "account", referent_columns = ["id"], on_delete = "CASCADE" }]

[[downgrade]]
op = "drop_table"
table = "audit_log"
TOML
run heads
run branches
run upgrade heads
run current
run merge heads -m "merge audit into main" --rev-id 4d5e6f708192
run revision -m "name is optional" --rev-id 5e6f708192a3
ops 5e6f708192a3_name_is_optional.toml <<'TOML'

[[upgrade]]
op = "batch_alter_table"
table = "account"
ops = [{ op = "alter_column", column = "name", nullable = true, existing_type = "varchar(128)" }]

[[downgrade]]
op = "batch_alter_table"
table = "account"
ops = [{ op = "alter_column", column = "name", nullable = false, existing_type = "varchar(128)" }]
TOML
run upgrade
run history --indicate-current
printf '\n$ sqlite3 app.db .schema account\n'
sqlite3 app.db '.schema account' 2>/dev/null || true
run downgrade -1
run current --verbose
run downgrade base
run upgrade --sql base:2b3c4d5e6f70
