#!/usr/bin/env bash
# The crash tests at scale: `retort upgrade`/`downgrade` killed with SIGKILL
# at random moments, then run again, on SQLite, PostgreSQL and MariaDB
# (tests/integration/crash.rs). The default suite kills 30 runs per
# database; this script kills 1,000 (or $1) per database and prints each
# database's seed, so that a failure can be replayed with
# RETORT_CRASH_SEED=<seed>.
#
#   ./scripts/crash-stress.sh [KILLS]
#
# Starts the servers through scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
kills=${1:-1000}
if [ -z "${RETORT_TEST_DB_DIR:-}" ]; then
    exec ./scripts/test.sh "$0" "$kills"
fi
RETORT_CRASH_KILLS="$kills" cargo nextest run --locked --test integration \
    --no-capture -E 'test(/^crash::/)'
