#!/usr/bin/env bash
# Benchmarks of running revisions (issues 3 and 9), whole processes:
#   - `upgrade head --sql` over 10,000 generated revisions (no database);
#   - online `upgrade head` of 1,000 revisions on a file-backed SQLite, on
#     PostgreSQL and on MariaDB, against the floor of running the same
#     statements through `sqlite3` / `psql` / `mariadb`, one transaction per
#     revision (the `--sql` script), side by side in one run;
#   - on MariaDB, the cost of the progress journal per statement: the
#     online run's extra time over the floor, divided by the statements.
#
#   ./scripts/bench-upgrade.sh
#
# Starts PostgreSQL (and MariaDB) through scripts/test.sh. Prints medians
# and bests in milliseconds.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${RETORT_TEST_DB_DIR:-}" ]; then
    exec ./scripts/test.sh "$0" "$@"
fi
eval "$(scripts/test-servers.sh ensure postgres mariadb)"
cargo build --release --locked --quiet --bin retort -p retort
retort="$PWD/target/release/retort"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 scripts/gen-revisions.py 10000 "$work/g10k"
python3 scripts/gen-revisions.py 1000 "$work/g1k"

python3 - "$retort" "$work" "$RETORT_TEST_POSTGRES_URL" "$RETORT_TEST_MYSQL_URL" <<'PY'
import os, re, statistics, subprocess, sys, time
retort, work, pg, my = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
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

RUNS = 5

def side_by_side(name, fresh, retort_argv, client_argv, stdin=None, env=None):
    """Alternates retort and the client, each on a fresh database, so that
    the machine's drift touches both alike; returns both medians."""
    ours, theirs = [], []
    for _ in range(RUNS):
        for argv, times in ((retort_argv, ours), (client_argv, theirs)):
            target = fresh()
            argv = [a.format(**target) for a in argv]
            f = open(stdin) if stdin else None
            t = time.perf_counter()
            subprocess.run(argv, check=True, stdin=f, stdout=subprocess.DEVNULL, env=env)
            times.append((time.perf_counter() - t) * 1000)
            if f: f.close()
    show(f"{name}: retort upgrade head, 1,000 revisions", statistics.median(ours), min(ours))
    show(f"{name}: the client runs the same script (floor)", statistics.median(theirs), min(theirs))
    print(f"{name}: retort / floor = {statistics.median(ours) / statistics.median(theirs):.2f}")
    return statistics.median(ours), statistics.median(theirs)

db = os.path.join(work, "bench.db")
def fresh_sqlite():
    for suffix in ("", "-journal", "-wal", "-retort.lock"):
        if os.path.exists(db + suffix): os.remove(db + suffix)
    return {"url": "sqlite:///" + db, "path": db}
script = os.path.join(work, "sqlite.sql")
with open(script, "w") as f:
    subprocess.run([retort, "-q", "-d", g1k, "--url", "sqlite:///" + db, "upgrade", "--sql"], check=True, stdout=f)
side_by_side("sqlite", fresh_sqlite,
             [retort, "-q", "-d", g1k, "--url", "{url}", "upgrade"],
             ["sqlite3", "{path}"], stdin=script)

n = [0]
def fresh_pg():
    n[0] += 1
    name = f"bench_{os.getpid()}_{n[0]}"
    subprocess.run(["psql", pg, "-q", "-c", f"CREATE DATABASE {name}"], check=True, stdout=subprocess.DEVNULL)
    return {"url": f"{base}/{name}"}
pg_script = os.path.join(work, "pg.sql")
with open(pg_script, "w") as f:
    subprocess.run([retort, "-q", "-d", g1k, "--url", pg, "upgrade", "--sql"], check=True, stdout=f)
side_by_side("postgresql", fresh_pg,
             [retort, "-q", "-d", g1k, "--url", "{url}", "upgrade"],
             ["psql", "{url}", "-q", "-v", "ON_ERROR_STOP=1", "-f", pg_script])

m = re.match(r"mysql://([^:]+):([^@]+)@([^:/]+):(\d+)/(.*)", my)
user, password, host, port = m.group(1), m.group(2), m.group(3), m.group(4)
my_base = my.rsplit("/", 1)[0]
client = ["mariadb", "--no-defaults", "--protocol=TCP", "-h", host, "-P", port, "-u", user]
env = dict(os.environ, MYSQL_PWD=password)
def fresh_my():
    n[0] += 1
    name = f"bench_{os.getpid()}_{n[0]}"
    subprocess.run(client + ["-e", f"CREATE DATABASE {name}"], check=True, env=env)
    return {"url": f"{my_base}/{name}", "name": name}
my_script = os.path.join(work, "my.sql")
with open(my_script, "w") as f:
    subprocess.run([retort, "-q", "-d", g1k, "--url", my, "upgrade", "--sql"], check=True, stdout=f)
statements = sum(1 for line in open(my_script) if line.rstrip().endswith(";")
                 and not line.startswith(("BEGIN", "COMMIT", "INSERT INTO `retort_log`", "UPDATE `retort_version`", "INSERT INTO `retort_version`", "DELETE FROM `retort_version`", "SET SESSION")))
ours, floor = side_by_side("mariadb", fresh_my,
                           [retort, "-q", "-d", g1k, "--url", "{url}", "upgrade"],
                           client + ["{name}"], stdin=my_script, env=env)
extra = ours - floor
print(f"mariadb: {statements} revision statements; the progress journal and the lock cost "
      f"{extra:.0f} ms in all, {extra / max(statements, 1):.2f} ms a statement")
PY
