#!/usr/bin/env bash
# Benchmarks of running revisions (issue 3), whole processes:
#   - `upgrade head --sql` over 10,000 generated revisions (no database);
#   - online `upgrade head` of 1,000 revisions on a file-backed SQLite and on
#     PostgreSQL, against the floor of running the same statements through
#     `sqlite3` / `psql`, one transaction per revision (the `--sql` script).
#
#   ./scripts/bench-upgrade.sh
#
# Starts PostgreSQL (and MariaDB) through scripts/test.sh. Prints medians
# and bests in milliseconds.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${RETORT_TEST_POSTGRES_URL:-}" ]; then
    exec ./scripts/test.sh "$0" "$@"
fi
cargo build --release --locked --quiet --bin retort -p retort
retort="$PWD/target/release/retort"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 scripts/gen-revisions.py 10000 "$work/g10k"
python3 scripts/gen-revisions.py 1000 "$work/g1k"

python3 - "$retort" "$work" "$RETORT_TEST_POSTGRES_URL" <<'PY'
import os, statistics, subprocess, sys, time
retort, work, pg = sys.argv[1], sys.argv[2], sys.argv[3]
base = pg.rsplit("/", 1)[0]

def timed(argv, runs, setup=None, **kw):
    times = []
    for _ in range(runs):
        if setup: setup()
        t = time.perf_counter()
        subprocess.run(argv, check=True, stdout=subprocess.DEVNULL, **kw)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), min(times)

def show(name, med, best):
    print(f"{name:<48} {med:>9.1f} {best:>9.1f}")

print(f"{'benchmark':<48} {'median ms':>9} {'best ms':>9}")
g10k, g1k = os.path.join(work, "g10k"), os.path.join(work, "g1k")
show("upgrade head --sql, 10,000 revisions", *timed([retort, "-q", "-d", g10k, "--url", "sqlite:///x.db", "upgrade", "--sql"], 5))

db = os.path.join(work, "bench.db")
def fresh_sqlite():
    for suffix in ("", "-journal", "-wal", "-retort.lock"):
        if os.path.exists(db + suffix): os.remove(db + suffix)
script = os.path.join(work, "sqlite.sql")
with open(script, "w") as f:
    subprocess.run([retort, "-q", "-d", g1k, "--url", "sqlite:///" + db, "upgrade", "--sql"], check=True, stdout=f)
show("sqlite: retort upgrade head, 1,000 revisions", *timed([retort, "-q", "-d", g1k, "--url", "sqlite:///" + db, "upgrade"], 5, fresh_sqlite))
show("sqlite: sqlite3 < the same script (floor)", *timed(["sh", "-c", f"sqlite3 {db} < {script}"], 5, fresh_sqlite))

n = [0]
def fresh_pg():
    n[0] += 1
    name = f"bench_{os.getpid()}_{n[0]}"
    subprocess.run(["psql", pg, "-q", "-c", f"CREATE DATABASE {name}"], check=True, stdout=subprocess.DEVNULL)
    fresh_pg.url = f"{base}/{name}"
pg_script = os.path.join(work, "pg.sql")
with open(pg_script, "w") as f:
    subprocess.run([retort, "-q", "-d", g1k, "--url", pg, "upgrade", "--sql"], check=True, stdout=f)
times = []
for _ in range(3):
    fresh_pg()
    t = time.perf_counter()
    subprocess.run([retort, "-q", "-d", g1k, "--url", fresh_pg.url, "upgrade"], check=True)
    times.append((time.perf_counter() - t) * 1000)
show("postgresql: retort upgrade head, 1,000 revisions", statistics.median(times), min(times))
times = []
for _ in range(3):
    fresh_pg()
    t = time.perf_counter()
    subprocess.run(["psql", fresh_pg.url, "-q", "-v", "ON_ERROR_STOP=1", "-f", pg_script], check=True, stdout=subprocess.DEVNULL)
    times.append((time.perf_counter() - t) * 1000)
show("postgresql: psql -f the same script (floor)", statistics.median(times), min(times))
PY
