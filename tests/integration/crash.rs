//! Crash tests: `retort upgrade` (and `downgrade`) killed with SIGKILL at
//! random moments, then run again, on every database. Each revision of the
//! chain has schema statements, a table rebuild holding rows (SQLite's
//! move-and-copy; an `ALTER` elsewhere), an `UPDATE` of a counter and an
//! `INSERT` of its own event row, so a statement run twice or lost shows.
//!
//! After every kill: `retort current` answers; the rows of the rebuilt
//! table are all there; no revision's event row is there twice; where DDL
//! is transactional, the counter equals the event rows (nothing half
//! done). After the final run: every revision ran exactly once.
//!
//! `RETORT_CRASH_KILLS` sets the kills per database (30 by default;
//! `scripts/crash-stress.sh` runs 1,000); the seed of the random delays is
//! printed, and `RETORT_CRASH_SEED` replays one.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{Project, rev};
use crate::migrate_db::{Db, Kind, per_db, write_rev};

per_db!(killed_runs_resume_and_nothing_runs_twice);

/// Revisions after the base.
const CHAIN: usize = 6;
/// Rows of the rebuilt table.
const ROWS: usize = 50;

fn id(i: usize) -> String {
    format!("c0000000000{i}")
}

/// The base: the tables, the counter row and the rows to keep.
fn base() -> String {
    let rows = (1..=ROWS)
        .map(|i| format!("    {{ id = {i}, v = \"row {i}\" }},"))
        .collect::<Vec<_>>()
        .join("\n");
    format!(
        r#"
[[upgrade]]
op = "create_table"
table = "t_main"
columns = [{{ name = "id", type = "integer", primary_key = true }}]

[[upgrade]]
op = "create_table"
table = "counter"
columns = [{{ name = "id", type = "integer", primary_key = true }}, {{ name = "n", type = "integer", nullable = false }}]

[[upgrade]]
op = "create_table"
table = "events"
columns = [{{ name = "id", type = "integer", primary_key = true }}, {{ name = "rev", type = "varchar(20)", nullable = false }}]

[[upgrade]]
op = "create_table"
table = "data"
columns = [{{ name = "id", type = "integer", primary_key = true }}, {{ name = "v", type = "varchar(20)" }}]

[[upgrade]]
op = "bulk_insert"
table = "counter"
rows = [{{ id = 1, n = 0 }}]

[[upgrade]]
op = "bulk_insert"
table = "data"
rows = [
{rows}
]

[[downgrade]]
op = "drop_table"
table = "data"

[[downgrade]]
op = "drop_table"
table = "events"

[[downgrade]]
op = "drop_table"
table = "counter"

[[downgrade]]
op = "drop_table"
table = "t_main"
"#
    )
}

/// Revision `i`: a column, the counter, its event row, an index (built
/// and dropped concurrently when `concurrent`: on PostgreSQL the
/// statements before it commit first, the ones after it in a transaction
/// of their own), and a rebuild of `data` (its column widened).
fn step(i: usize, concurrent: bool) -> String {
    let (old, new) = (20 + i - 1, 20 + i);
    format!(
        r#"
[[upgrade]]
op = "add_column"
table = "t_main"
column = {{ name = "c{i}", type = "integer" }}

[[upgrade]]
op = "execute"
sql = "UPDATE counter SET n = n + 1 WHERE id = 1"

[[upgrade]]
op = "execute"
sql = "INSERT INTO events (id, rev) VALUES ({i}, 'r{i}')"

[[upgrade]]
op = "create_index"
table = "t_main"
name = "ix_c{i}"
columns = ["c{i}"]
concurrently = {concurrent}

[[upgrade]]
op = "batch_alter_table"
table = "data"
ops = [{{ op = "alter_column", column = "v", type = "varchar({new})", existing_type = "varchar({old})", existing_nullable = true }}]

[[downgrade]]
op = "batch_alter_table"
table = "data"
ops = [{{ op = "alter_column", column = "v", type = "varchar({old})", existing_type = "varchar({new})", existing_nullable = true }}]

[[downgrade]]
op = "drop_index"
table = "t_main"
name = "ix_c{i}"
concurrently = {concurrent}

[[downgrade]]
op = "execute"
sql = "DELETE FROM events WHERE id = {i}"

[[downgrade]]
op = "execute"
sql = "UPDATE counter SET n = n - 1 WHERE id = 1"

[[downgrade]]
op = "drop_column"
table = "t_main"
column = "c{i}"
"#
    )
}

/// A small deterministic generator for the kill delays.
struct Random(u64);

impl Random {
    fn below(&mut self, n: u64) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1)
    }
}

fn killed_runs_resume_and_nothing_runs_twice(kind: Kind) {
    killed_runs(kind, false);
}

/// The same on PostgreSQL with every index built and dropped concurrently:
/// kills land before, during and after the statement that runs outside
/// the revision's transaction, and the journal finishes each revision once.
#[test]
fn killed_runs_with_concurrent_indexes_resume_on_postgres() {
    killed_runs(Kind::Postgres, true);
}

fn killed_runs(kind: Kind, concurrent: bool) {
    let kills: usize = std::env::var("RETORT_CRASH_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(30);
    let seed = std::env::var("RETORT_CRASH_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
                | 1
        });
    eprintln!("{kind:?}: {kills} kills, RETORT_CRASH_SEED={seed}");
    let mut random = Random(seed);

    let p = Project::init();
    let db = Db::fresh(kind, &p);
    write_rev(&p, &rev(&id(0)), &base());
    for i in 1..=CHAIN {
        write_rev(&p, &rev(&id(i)).down(&[&id(i - 1)]), &step(i, concurrent));
    }

    // Calibrate: how long a whole upgrade takes here.
    let started = Instant::now();
    db.ok(&p, &["upgrade", "head"]);
    let full = started.elapsed();
    check_after_kill(kind, &db, &p);
    db.ok(&p, &["downgrade", "base"]);

    let mut direction = "upgrade";
    let mut killed = 0;
    let mut completed = 0;
    while killed < kills {
        let target = if direction == "upgrade" {
            "head"
        } else {
            "base"
        };
        let delay = Duration::from_micros(random.below(full.as_micros() as u64 + 1));
        let finished = run_and_kill(&p, &db, &[direction, target], delay);
        match finished {
            Some(code) => {
                assert_eq!(
                    code, 0,
                    "`{direction} {target}` failed on its own (seed {seed})"
                );
                completed += 1;
                direction = if direction == "upgrade" {
                    "downgrade"
                } else {
                    "upgrade"
                };
            }
            None => killed += 1,
        }
        check_after_kill(kind, &db, &p);
    }
    eprintln!("{kind:?}: {killed} kills, {completed} runs finished before their kill");

    // The last run finishes whatever was interrupted.
    db.ok(&p, &["upgrade", "head"]);
    assert_eq!(db.versions(), [id(CHAIN)], "seed {seed}");
    let events = db.rows("SELECT rev FROM events ORDER BY id");
    let expected: Vec<String> = (1..=CHAIN).map(|i| format!("r{i}")).collect();
    assert_eq!(
        events, expected,
        "each revision's INSERT ran once (seed {seed})"
    );
    assert_eq!(
        db.rows("SELECT n FROM counter"),
        [CHAIN.to_string()],
        "each revision's UPDATE ran once (seed {seed})"
    );
    assert_eq!(db.rows("SELECT COUNT(*) FROM data"), [ROWS.to_string()]);
    let columns = db.columns("t_main");
    assert_eq!(columns.len(), CHAIN + 1, "{columns:?}");
    if concurrent {
        // Every index once, valid; no record left.
        assert_eq!(
            db.rows("SELECT count(*) FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid WHERE t.relname = 't_main' AND x.indisvalid"),
            [(CHAIN + 1).to_string()],
            "seed {seed}"
        );
        assert_eq!(
            db.rows("SELECT count(*) FROM pg_index x JOIN pg_class t ON t.oid = x.indrelid WHERE t.relname = 't_main' AND NOT x.indisvalid"),
            ["0"],
            "seed {seed}"
        );
        assert!(db.rows("SELECT * FROM retort_journal").is_empty());
    }
}

/// Runs `retort ARGS` and kills it after `delay`; `Some(exit code)` when it
/// ended first, `None` when it was killed.
fn run_and_kill(p: &Project, db: &Db, args: &[&str], delay: Duration) -> Option<i32> {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("retort"));
    cmd.current_dir(p.root())
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .args(["--url", db.url.as_str()])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().expect("start retort");
    let deadline = Instant::now() + delay;
    loop {
        if let Some(status) = child.try_wait().expect("wait for retort") {
            return Some(status.code().unwrap_or(-1));
        }
        if Instant::now() >= deadline {
            child.kill().expect("kill retort");
            child.wait().expect("reap retort");
            return None;
        }
        std::thread::sleep(Duration::from_millis(1).min(delay));
    }
}

/// The invariants that hold after any kill.
#[track_caller]
fn check_after_kill(kind: Kind, db: &Db, p: &Project) {
    db.ok(p, &["current"]);
    let tables = db.tables();
    if tables.contains(&"data".to_owned()) {
        let rows = db.rows("SELECT COUNT(*) FROM data");
        // MySQL commits its CREATE TABLE before the rows go in: a base
        // revision interrupted between the two leaves it empty.
        let empty_ok = kind == Kind::Mysql && rows == ["0"];
        assert!(
            rows == [ROWS.to_string()] || empty_ok,
            "the rebuilt table keeps its rows: {rows:?}"
        );
    }
    if !tables.contains(&"events".to_owned()) {
        return;
    }
    let events = db.rows("SELECT rev FROM events");
    let mut unique = events.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(
        unique.len(),
        events.len(),
        "an INSERT ran twice: {events:?}"
    );
    // (MySQL: a base revision interrupted before its counter row went in.)
    let n: i64 = db
        .rows("SELECT n FROM counter")
        .first()
        .map_or(0, |n| n.parse().unwrap());
    let count = events.len() as i64;
    if kind == Kind::Mysql {
        // One revision may be between its UPDATE and its INSERT.
        assert!((n - count).abs() <= 1, "counter {n}, events {count}");
    } else {
        assert_eq!(n, count, "counter and event rows disagree: half a revision");
    }
}
