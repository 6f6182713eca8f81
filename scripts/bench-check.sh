#!/usr/bin/env bash
# Benchmark of `retort check` (issue 4): a 1,000-table schema (10 columns,
# 2 indexes and a foreign key each) is created with each database's own
# client on PostgreSQL, MariaDB and a file-backed SQLite, then
# `retort check --models` with the same DDL is timed (median of 3; the
# target is under 1 s). It must find nothing; if it reports changes, their
# first 20 lines are printed.
#
# In the same run, Alembic 1.20's `alembic check` is timed once on the same
# database, with an env.py whose target metadata is reflected from that
# database (so it compares the database with itself). Alembic comes from
# PyPI into a venv in a temporary folder; if that fails, the Alembic column
# is skipped and the reason printed.
#
#   ./scripts/bench-check.sh
#
# Environment: BENCH_CHECK_TABLES (1000), BENCH_CHECK_RUNS (3),
# BENCH_CHECK_ALEMBIC_TIMEOUT (seconds per `alembic check`, 150),
# BENCH_CHECK_VENV (reuse this venv instead of making a temporary one),
# BENCH_CHECK_NO_ALEMBIC=1 (skip Alembic).
#
# Starts PostgreSQL and MariaDB through scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${RETORT_TEST_DB_DIR:-}" ]; then
    exec ./scripts/test.sh "$0" "$@"
fi
eval "$(scripts/test-servers.sh ensure postgres mariadb)"
for tool in sqlite3 psql python3; do
    command -v "$tool" >/dev/null || { echo "error: $tool is missing" >&2; exit 1; }
done
cargo build --release --locked --quiet --bin retort -p retort
retort="$PWD/target/release/retort"
work=$(mktemp -d "${TMPDIR:-/tmp}/retort-bench-check.XXXXXX")
trap 'rm -rf "$work"' EXIT

alembic="skip:BENCH_CHECK_NO_ALEMBIC is set"
if [ -z "${BENCH_CHECK_NO_ALEMBIC:-}" ]; then
    venv=${BENCH_CHECK_VENV:-$work/venv}
    if [ ! -x "$venv/bin/alembic" ]; then
        echo "==> installing alembic 1.20 from PyPI into $venv" >&2
        if ! python3 -m venv "$venv" >"$work/venv.log" 2>&1; then
            alembic="skip:python3 -m venv failed: $(tail -1 "$work/venv.log")"
        elif ! "$venv/bin/pip" install -q 'alembic==1.20.*' sqlalchemy psycopg2-binary pymysql \
            >"$work/pip.log" 2>&1; then
            alembic="skip:pip install alembic sqlalchemy psycopg2-binary pymysql failed: $(tail -1 "$work/pip.log")"
        fi
    fi
    if [ "${alembic#skip:}" = "$alembic" ] || [ -x "$venv/bin/alembic" ]; then
        [ -x "$venv/bin/alembic" ] && alembic="$venv/bin/alembic"
    fi
    if [ "$alembic" = "$venv/bin/alembic" ]; then
        echo "==> $("$alembic" --version)" >&2
    fi
fi

python3 scripts/bench-check/bench.py "$retort" "$work" "$alembic" \
    "$RETORT_TEST_POSTGRES_URL" "$RETORT_TEST_MYSQL_URL" \
    "${BENCH_CHECK_TABLES:-1000}" "${BENCH_CHECK_RUNS:-3}" "${BENCH_CHECK_ALEMBIC_TIMEOUT:-150}"
