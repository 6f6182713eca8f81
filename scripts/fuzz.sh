#!/usr/bin/env bash
# A long fuzz campaign over retort's parsers: the property-based targets of
# crates/retort-core/tests/fuzz.rs (revision files and their operations,
# retort.toml, models DDL, revision expressions) and
# crates/retort-db/tests/db/fuzz_url.rs (database URLs: no panic, no
# password in any output), in release mode, TOTAL inputs split evenly
# across the targets. Needs no database server.
#
#   ./scripts/fuzz.sh                       1,000,000 inputs in total
#   ./scripts/fuzz.sh 200000                another total
#   RETORT_FUZZ_SEED=N ./scripts/fuzz.sh    replay a run (the seed a target printed)
#
# Prints the inputs tried per target and every failure (the smallest
# failing input, and the seed that replays it); the whole output is kept in
# $CARGO_TARGET_DIR/fuzz-campaign.log. Exits non-zero when a target fails.
set -euo pipefail
cd "$(dirname "$0")/.."

TOTAL=${1:-1000000}
TOTAL=${TOTAL//[_,]/}
case $TOTAL in
'' | *[!0-9]*) printf 'error: the total number of inputs must be a number, not %s\n' "$1" >&2; exit 2 ;;
esac
TARGETS=5 # four in retort-core's fuzz.rs, one in retort-db's fuzz_url.rs
export RETORT_FUZZ_CASES=$(((TOTAL + TARGETS - 1) / TARGETS))
# A panic is reported once per shrinking step: no backtraces.
export RUST_BACKTRACE=0
LOG="${CARGO_TARGET_DIR:-target}/fuzz-campaign.log"
mkdir -p "$(dirname "$LOG")"
: >"$LOG"

printf '==> building the fuzz targets (release)\n' >&2
cargo test --release --locked -p retort-core --test fuzz --no-run 2>&1 | tail -n 1 >&2
cargo test --release --locked -p retort-db --test db --no-run 2>&1 | tail -n 1 >&2

printf '==> %s inputs per target, %s targets\n' "$RETORT_FUZZ_CASES" "$TARGETS" >&2
STARTED=$SECONDS
status=0
cargo test --release --locked -q -p retort-core --test fuzz -- --nocapture --test-threads 2 \
    >>"$LOG" 2>&1 || status=1
cargo test --release --locked -q -p retort-db --test db fuzz_url -- --nocapture \
    >>"$LOG" 2>&1 || status=1

printf '\n%-24s %10s %9s %9s %8s\n' target inputs accepted failures seconds
# (A summary may follow the test harness's progress dots on its line.)
grep -oE 'fuzz [a-z_]+: [0-9]+ inputs.*' "$LOG" | sed -E 's/,//g; s/ s / /' |
    awk '{
        t = $2; sub(":", "", t)
        printf "%-24s %10d %9d %9d %8.1f\n", t, $3, $7, $5, $9
        inputs += $3; failures += $5
    } END { printf "%-24s %10d %9s %9d %8s\n", "total", inputs, "", failures, "" }'
printf '(%d s in all)\n' $((SECONDS - STARTED))

# A hang aborts its test binary (the targets after it in that binary do not run).
if grep -qE 'fuzz [a-z_]+ failed:|a hang|panicked|error(\[|:)' "$LOG"; then
    printf '\nfailures:\n'
    grep -E -A 12 'fuzz [a-z_]+: 1 failure|fuzz [a-z_]+ failed:' "$LOG" || true
    grep -E -B 2 -A 8 'error(\[|:)' "$LOG" | head -n 40 || true
fi
if [ "$status" != 0 ]; then
    printf '\nerror: a fuzz target failed (the whole output: %s)\n' "$LOG" >&2
fi
exit "$status"
