#!/usr/bin/env bash
# Benchmark of fleet runs (issue 13, item 6), whole processes: upgrading
# 1,000 SQLite databases by 10 revisions each,
#   1. with one fleet run: `retort upgrade --fleet 'sqlite:///tenants/*.db' -j 2`;
#   2. with a shell loop running `retort --url ... upgrade` once per database;
#   3. against the floor: the `upgrade --sql` script piped into `sqlite3`
#      once per database, one after the other and two at a time
#      (`xargs -P 2`, as `-j 2`);
# and retort's overhead per database over the floor.
#
#   ./scripts/bench-fleet.sh [DATABASES] [RUNS]
#
# Needs no server (SQLite only) and `sqlite3` on PATH. Builds the release
# binary (in $CARGO_TARGET_DIR, default target/). Every run starts from
# fresh empty files. Prints medians and bests in milliseconds.
set -euo pipefail
cd "$(dirname "$0")/.."
databases=${1:-1000}
runs=${2:-3}
command -v sqlite3 >/dev/null || {
    echo "error: sqlite3 is not installed" >&2
    exit 1
}
cargo build --release --locked --quiet --bin retort -p retort
retort="$PWD/${CARGO_TARGET_DIR:-target}/release/retort"
case "${CARGO_TARGET_DIR:-}" in /*) retort="$CARGO_TARGET_DIR/release/retort" ;; esac
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 scripts/gen-revisions.py 10 "$work/project"

python3 - "$retort" "$work" "$databases" "$runs" <<'PY'
import os, shutil, statistics, subprocess, sys, time
retort, work, n, runs = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
project = os.path.join(work, "project")
tenants = os.path.join(work, "tenants")
script = os.path.join(work, "upgrade.sql")
with open(script, "w") as f:
    subprocess.run([retort, "-q", "-d", project, "--url", "sqlite:///x.db", "upgrade", "--sql"],
                   check=True, stdout=f)

def fresh():
    shutil.rmtree(tenants, ignore_errors=True)
    os.mkdir(tenants)
    for i in range(n):
        open(os.path.join(tenants, f"tenant_{i}.db"), "w").close()

def sh(text):
    return ["sh", "-c", text]

q = lambda s: "'" + s.replace("'", "'\\''") + "'"
cases = [
    ("retort upgrade --fleet GLOB -j 2",
     [retort, "-q", "-d", project, "upgrade", "--fleet", f"sqlite:///{tenants}/*.db", "-j", "2"]),
    ("shell loop: retort upgrade per database",
     sh(f"for f in {q(tenants)}/*.db; do {q(retort)} -q -d {q(project)} --url \"sqlite:///$f\" upgrade || exit 1; done")),
    ("floor: sqlite3 < script per database",
     sh(f"for f in {q(tenants)}/*.db; do sqlite3 -bail \"$f\" < {q(script)} || exit 1; done")),
    ("floor: sqlite3 < script, 2 at a time",
     sh(f"ls {q(tenants)}/*.db | xargs -P 2 -I{{}} sh -c 'sqlite3 -bail \"$1\" < {script}' _ {{}}")),
]
times = {name: [] for name, _ in cases}
# Alternate the cases so that the machine's drift touches all alike.
for _ in range(runs):
    for name, argv in cases:
        fresh()
        t = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
        times[name].append((time.perf_counter() - t) * 1000)
        # Every database ends at head.
        out = subprocess.run(["sqlite3", os.path.join(tenants, f"tenant_{n - 1}.db"),
                              "SELECT count(*) FROM retort_version"], check=True,
                             capture_output=True, text=True).stdout.strip()
        assert out == "1", (name, out)

print(f"{n} SQLite databases, 10 revisions each, {runs} runs")
print(f"{'benchmark':<44} {'median ms':>10} {'best ms':>10} {'ms/db':>7}")
med = {}
for name, _ in cases:
    m, b = statistics.median(times[name]), min(times[name])
    med[name] = m
    print(f"{name:<44} {m:>10.0f} {b:>10.0f} {m / n:>7.2f}")
fleet, loop = med[cases[0][0]], med[cases[1][0]]
floor1, floor2 = med[cases[2][0]], med[cases[3][0]]
print()
print(f"fleet -j 2 over the floor 2 at a time: {(fleet - floor2) / n:+.2f} ms per database")
print(f"fleet -j 2 over the floor one at a time: {(fleet - floor1) / n:+.2f} ms per database")
print(f"shell loop over the floor one at a time: {(loop - floor1) / n:+.2f} ms per database")
print(f"fleet speed-up over the shell loop: {loop / fleet:.1f}x")
PY
