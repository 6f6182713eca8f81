//! Runs that stop in the middle of a revision on MariaDB, whose DDL cannot
//! roll back: `current` shows the revision, the next `upgrade` finishes it
//! without running a statement twice, `downgrade` undoes exactly what ran,
//! and a revision whose recording failed is recorded by the next run.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{Project, rev};
use crate::migrate_db::{Db, Kind, table_rev, write_rev};

const BASE: &str = "000000000001";
const SLOW: &str = "000000000002";

/// A revision that adds a column and an index, then sleeps (a statement
/// that holds the run while the test kills it), then adds another column.
const SLOW_REVISION: &str = r#"
[[upgrade]]
op = "add_column"
table = "t_000000000001"
column = { name = "a", type = "integer" }

[[upgrade]]
op = "create_index"
table = "t_000000000001"
name = "ix_a"
columns = ["a"]

[[upgrade]]
op = "execute"
sql = "SELECT SLEEP(3)"

[[upgrade]]
op = "add_column"
table = "t_000000000001"
column = { name = "b", type = "integer" }

[[downgrade]]
op = "drop_column"
table = "t_000000000001"
column = "b"

[[downgrade]]
op = "drop_index"
table = "t_000000000001"
name = "ix_a"

[[downgrade]]
op = "drop_column"
table = "t_000000000001"
column = "a"
"#;

/// A project at BASE on a fresh MariaDB database, with SLOW written.
fn project() -> (Project, Db) {
    let p = Project::init();
    let db = Db::fresh(Kind::Mysql, &p);
    write_rev(&p, &rev(BASE), &table_rev(BASE));
    db.ok(&p, &["upgrade", "head"]);
    write_rev(&p, &rev(SLOW).down(&[BASE]), SLOW_REVISION);
    (p, db)
}

fn spawn(p: &Project, db: &Db, args: &[&str]) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("retort"))
        .current_dir(p.root())
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .args(["--url", db.url.as_str()])
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start retort")
}

/// Starts `upgrade head`, waits until the first `done` statements of SLOW
/// ran (1: column `a`; 2: the index on it too; the sleep follows), and
/// kills it.
fn interrupt_after(p: &Project, db: &Db, done: u32) {
    let mut child = spawn(p, db, &["upgrade", "head"]);
    let started = Instant::now();
    let probe = match done {
        1 => {
            "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = DATABASE() AND column_name = 'a'"
        }
        _ => {
            "SELECT COUNT(*) FROM information_schema.statistics WHERE table_schema = DATABASE() AND index_name = 'ix_a'"
        }
    };
    while db.rows(probe) != ["1"] {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the upgrade never got to statement {done}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn current_shows_it_and_upgrade_finishes_it_once() {
    let (p, db) = project();
    interrupt_after(&p, &db, 2);
    let current = db.ok(&p, &["current"]);
    current.stdout_has(&format!(
        "{SLOW} (interrupted upgrade: 2 of 4 statements ran; `retort upgrade` finishes it)"
    ));
    let json = db.ok(&p, &["current", "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let entry = value
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["revision"] == SLOW)
        .unwrap_or_else(|| panic!("{value}"));
    assert_eq!(entry["interrupted"]["statements_run"], 2);
    assert_eq!(entry["interrupted"]["direction"], "upgrade");

    // The rerun runs the sleep (statement 3) and what follows, nothing before.
    let run = db.ok(&p, &["upgrade", "head"]);
    run.stderr_has("interrupted after 2 of its 4 statements; finishing it from statement 3");
    assert_eq!(db.versions(), [SLOW]);
    assert_eq!(db.columns(&format!("t_{BASE}")), ["id", "a", "b"]);
    assert!(db.rows("SELECT * FROM retort_journal").is_empty());
    let log = db.log();
    assert_eq!(
        log.iter().filter(|l| l.starts_with(SLOW)).count(),
        1,
        "{log:?}"
    );
}

#[test]
fn downgrade_undoes_exactly_what_ran() {
    let (p, db) = project();
    interrupt_after(&p, &db, 2);
    let run = db.ok(&p, &["downgrade", "-1"]);
    run.stderr_has("was interrupted (upgrade) after 2 of its 4 statements; undoing them");
    assert_eq!(db.versions(), [BASE]);
    assert_eq!(db.columns(&format!("t_{BASE}")), ["id"]);
    assert!(db.rows("SELECT * FROM retort_journal").is_empty());
    db.ok(&p, &["current"]).stdout_has(BASE);
}

#[test]
fn an_edited_file_is_not_resumed() {
    let (p, db) = project();
    interrupt_after(&p, &db, 1);
    p.append(&format!("migrations/versions/{SLOW}.toml"), "\n# edited\n");
    let run = db.fails(&p, &["upgrade", "head"]);
    run.stderr_has("has changed since");
    assert_eq!(db.versions(), [BASE]);
}

/// Issue 9 case 4: the version or log row could not be written after the
/// revision's statements ran. The error says so, and the next run records
/// it without running anything again.
#[test]
fn a_revision_whose_recording_failed_is_recorded_by_the_next_run() {
    let p = Project::init();
    let db = Db::fresh(Kind::Mysql, &p);
    write_rev(&p, &rev(BASE), &table_rev(BASE));
    db.ok(&p, &["upgrade", "head"]);
    write_rev(
        &p,
        &rev("000000000003").down(&[BASE]),
        "\n[[upgrade]]\nop = \"add_column\"\ntable = \"t_000000000001\"\ncolumn = { name = \"c\", type = \"integer\" }\n",
    );
    db.sql(
        "CREATE TRIGGER refuse BEFORE INSERT ON retort_log FOR EACH ROW \
         SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'the log refuses rows'",
    );
    let run = db.fails(&p, &["upgrade", "head"]);
    run.stderr_has("every statement ran, but recording it")
        .stderr_has("the next `retort upgrade` records it");
    assert_eq!(db.versions(), [BASE]);
    db.sql("DROP TRIGGER refuse");
    let run = db.ok(&p, &["upgrade", "head"]);
    run.stderr_has("recorded it now");
    assert_eq!(db.versions(), ["000000000003"]);
    assert_eq!(db.columns(&format!("t_{BASE}")), ["id", "c"]);
}

/// A revision changing a table of another database (`schema = ...`) whose
/// name the current database has too, killed while its `ALTER` waits for a
/// metadata lock: the server finishes the `ALTER` afterwards, and the next
/// run must judge it by the other database's table (not the current
/// database's namesake), so it counts it as run and does not run it again.
#[test]
fn a_statement_on_another_databases_table_is_judged_by_that_table() {
    let p = Project::init();
    let db = Db::fresh(Kind::Mysql, &p);
    let other = Db::fresh_named(Kind::Mysql, &p, "other");
    db.sql("CREATE TABLE t (id INT PRIMARY KEY)");
    other.sql("CREATE TABLE t (id INT PRIMARY KEY)");
    write_rev(
        &p,
        &rev(SLOW),
        &format!(
            "\n[[upgrade]]\nop = \"add_column\"\ntable = \"t\"\nschema = \"{}\"\ncolumn = {{ name = \"x\", type = \"integer\" }}\n\n[[downgrade]]\nop = \"drop_column\"\ntable = \"t\"\nschema = \"{}\"\ncolumn = \"x\"\n",
            other.name, other.name
        ),
    );
    // A transaction that has read the other table holds its metadata lock.
    let mut holder = other
        .client()
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("start the client");
    let mut stdin = holder.stdin.take().unwrap();
    use std::io::Write as _;
    stdin
        .write_all(b"BEGIN;\nSELECT * FROM t;\nSELECT SLEEP(60);\n")
        .unwrap();
    stdin.flush().unwrap();
    let started = Instant::now();
    let holding = format!(
        "SELECT id FROM information_schema.processlist WHERE info LIKE 'SELECT SLEEP(60)%' AND db = '{}'",
        other.name
    );
    while other.rows(&holding).is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the holder never began"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let mut child = spawn(&p, &db, &["upgrade", "head"]);
    let started = Instant::now();
    while other
        .rows(&format!("SELECT COUNT(*) FROM information_schema.processlist WHERE info LIKE 'ALTER TABLE `{}`%' AND state LIKE '%metadata lock%'", other.name))
        != ["1"]
    {
        assert!(started.elapsed() < Duration::from_secs(20), "the ALTER never waited");
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().unwrap();
    child.wait().unwrap();
    // The holder ends: the server runs the ALTER of the killed run.
    for id in other.rows(&holding) {
        other.sql(&format!("KILL {id}"));
    }
    let _ = holder.kill();
    let _ = holder.wait();
    let run = db.ok(&p, &["upgrade", "head"]);
    assert_eq!(db.versions(), [SLOW], "{}", run.describe());
    assert_eq!(other.columns("t"), ["id", "x"]);
    assert_eq!(db.columns("t"), ["id"]);
    assert!(db.rows("SELECT * FROM retort_journal").is_empty());
}
