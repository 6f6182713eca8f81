#!/usr/bin/env python3
"""Driver of scripts/bench-check.sh (issue 4): times `retort check` and
`alembic check` against an N-table schema on SQLite, PostgreSQL and MariaDB.

    python3 bench.py RETORT WORK ALEMBIC_OR_REASON PG_URL MYSQL_URL N RUNS TIMEOUT

ALEMBIC_OR_REASON is the path of the `alembic` executable, or "skip:WHY".
"""
import os
import shutil
import statistics
import subprocess
import sys
import time
from urllib.parse import urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))


def log(msg):
    print(f"==> {msg}", file=sys.stderr, flush=True)


def run(argv, **kw):
    subprocess.run(argv, check=True, **kw)


def with_db(url, name):
    return url.rsplit("/", 1)[0] + "/" + name


# --- creating the databases and their schemas ---------------------------------

def setup_sqlite(work, models, file="bench.db"):
    path = os.path.join(work, file)
    if os.path.exists(path):
        os.remove(path)
    with open(models) as f:
        run(["sqlite3", path], stdin=f)
    return "sqlite:///" + path, "sqlite:///" + path


def setup_postgresql(pg, name, models):
    run(["psql", pg, "-q", "-v", "ON_ERROR_STOP=1", "-c", f"DROP DATABASE IF EXISTS {name}"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run(["psql", pg, "-q", "-v", "ON_ERROR_STOP=1", "-c", f"CREATE DATABASE {name}"])
    url = with_db(pg, name)
    run(["psql", url, "-q", "-v", "ON_ERROR_STOP=1", "-f", models], stdout=subprocess.DEVNULL)
    return url, "postgresql+psycopg2://" + url.split("://", 1)[1]


def mariadb_argv(url):
    u = urlsplit(url)
    return [shutil.which("mariadb") or "mysql", "--no-defaults", "-h", u.hostname,
            "-P", str(u.port), "-u", u.username, f"-p{u.password}"]


def setup_mariadb(my, name, models):
    client = mariadb_argv(my)
    run(client + ["-e", f"DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name}"])
    with open(models) as f:
        run(client + [name], stdin=f)
    url = with_db(my, name)
    return url, "mysql+pymysql://" + url.split("://", 1)[1]


# --- timing ----------------------------------------------------------------------

def time_retort(retort, project, url, models, runs):
    times, finding = [], None
    for _ in range(runs):
        t = time.perf_counter()
        p = subprocess.run([retort, "-d", project, "--url", url, "--models", models, "check"],
                           capture_output=True, text=True)
        times.append((time.perf_counter() - t) * 1000)
        if p.returncode != 0 and finding is None:
            lines = (p.stdout + p.stderr).splitlines()
            finding = f"exit {p.returncode}, {len(lines)} lines of output; first 20:\n" + \
                "\n".join("    " + line for line in lines[:20])
        elif p.returncode == 0 and "No new upgrade operations detected" not in p.stdout + p.stderr:
            finding = finding or "exit 0 but no 'No new upgrade operations detected.':\n" + \
                "\n".join("    " + line for line in (p.stdout + p.stderr).splitlines()[:20])
    return statistics.median(times), min(times), finding


def time_alembic(alembic, work, db, sa_url, timeout):
    """One `alembic check`; returns (ms or None, reflect ms or None, note)."""
    home = os.path.join(work, f"alembic-{db}")
    shutil.rmtree(home, ignore_errors=True)
    os.makedirs(home)
    run([alembic, "init", "migrations"], stdout=subprocess.DEVNULL, cwd=home)
    shutil.copy(os.path.join(HERE, "alembic_env.py"), os.path.join(home, "migrations", "env.py"))
    ini = os.path.join(home, "alembic.ini")
    with open(ini) as f:
        text = f.read()
    if "driver://user:pass@localhost/dbname" not in text:
        return None, None, "alembic.ini from `alembic init` has no sqlalchemy.url placeholder"
    with open(ini, "w") as f:
        f.write(text.replace("driver://user:pass@localhost/dbname", sa_url.replace("%", "%%")))
    reflect_file = os.path.join(work, f"reflect-{db}.txt")
    env = dict(os.environ, BENCH_REFLECT_FILE=reflect_file)
    t = time.perf_counter()
    try:
        p = subprocess.run([alembic, "-c", ini, "check"],
                           capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired:
        return None, None, f"alembic check did not finish within the {timeout:.0f} s cap"
    ms = (time.perf_counter() - t) * 1000
    reflect = None
    if os.path.exists(reflect_file):
        with open(reflect_file) as f:
            r_ms, r_tables = f.read().split()
        reflect = float(r_ms)
    out = (p.stdout + p.stderr).strip().splitlines()
    if p.returncode != 0:
        return ms, reflect, f"alembic check exit {p.returncode}: " + " | ".join(out[-5:])
    if not any("No new upgrade operations detected" in line for line in out):
        return ms, reflect, "alembic check: " + " | ".join(out[-5:])
    return ms, reflect, None


def main():
    retort, work, alembic, pg, my, n, runs, timeout = sys.argv[1:9]
    n, runs, timeout = int(n), int(runs), float(timeout)
    skip_alembic = alembic[5:] if alembic.startswith("skip:") else None

    models = os.path.join(work, "models.sql")
    run([sys.executable, os.path.join(HERE, "gen_models.py"), str(n), models])
    models_nn = os.path.join(work, "models-id-not-null.sql")
    run([sys.executable, os.path.join(HERE, "gen_models.py"), str(n), models_nn, "--id-not-null"])
    project = os.path.join(work, "retort-project")
    run([retort, "-q", "-d", project, "init"], stdout=subprocess.DEVNULL)

    name = f"bench_check_{os.getpid()}"
    setups = [
        ("postgresql", models, lambda: setup_postgresql(pg, name, models)),
        ("mariadb", models, lambda: setup_mariadb(my, name, models)),
        ("sqlite", models, lambda: setup_sqlite(work, models)),
        # The same without SQLite's nullable rowid alias (see gen_models.py),
        # so that `check` has nothing to report there either.
        ("sqlite-nn", models_nn, lambda: setup_sqlite(work, models_nn, "bench-nn.db")),
    ]
    rows, notes = [], []
    for db, db_models, setup in setups:
        log(f"{db}: creating {n} tables")
        t = time.perf_counter()
        try:
            url, sa_url = setup()
        except subprocess.CalledProcessError as e:
            notes.append(f"{db}: creating the schema failed ({e}); skipped")
            rows.append((db, None, None, None, None))
            continue
        log(f"{db}: schema created in {time.perf_counter() - t:.1f} s; timing retort check x{runs}")
        med, best, finding = time_retort(retort, project, url, db_models, runs)
        if finding:
            notes.append(f"{db}: retort check reported changes ({finding}")
        a_ms = a_reflect = None
        if skip_alembic:
            notes.append(f"{db}: alembic skipped: {skip_alembic}")
        else:
            log(f"{db}: timing alembic check (cap {timeout:.0f} s)")
            a_ms, a_reflect, note = time_alembic(alembic, work, db, sa_url, timeout)
            if note:
                notes.append(f"{db}: {note}")
        rows.append((db, med, best, a_ms, a_reflect))

    def fmt(v):
        return "-" if v is None else f"{v:.0f}"

    print()
    print(f"`check` against {n} tables (10 columns, 2 indexes, 1 foreign key each)")
    print(f"{'database':<12} {'retort median ms':>17} {'retort best ms':>15} "
          f"{'alembic ms':>11} {'of which reflect ms':>20} {'< 1 s':>6}")
    for db, med, best, a_ms, a_reflect in rows:
        ok = "-" if med is None else ("yes" if med < 1000 else "NO")
        print(f"{db:<12} {fmt(med):>17} {fmt(best):>15} {fmt(a_ms):>11} {fmt(a_reflect):>20} {ok:>6}")
    print(f"(retort: {runs} runs; alembic: 1 run, whole process, its target metadata reflected "
          f"from the same database by env.py, 'reflect' being that part)")
    if notes:
        print()
        for note in notes:
            print("note: " + note)
    print("(sqlite-nn: SQLite with `id INTEGER NOT NULL PRIMARY KEY`, see gen_models.py)")

    for db, url in (("postgresql", pg), ("mariadb", my)):
        try:
            if db == "postgresql":
                run(["psql", url, "-q", "-c", f"DROP DATABASE IF EXISTS {name}"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            else:
                run(mariadb_argv(url) + ["-e", f"DROP DATABASE IF EXISTS {name}"],
                    stderr=subprocess.DEVNULL)
        except subprocess.CalledProcessError:
            pass


if __name__ == "__main__":
    main()
