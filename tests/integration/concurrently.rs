//! `concurrently = true` on `create_index` / `drop_index`: PostgreSQL runs
//! `CREATE INDEX CONCURRENTLY` outside the revision's transaction, commits
//! what came before it, and journals the revision so that a failure or a
//! kill never runs a committed statement twice, nor leaves an INVALID index
//! behind; the offline script ends and begins its transaction around it;
//! MariaDB and SQLite build the plain index.

use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{Project, pgbouncer_url, rev};
use crate::migrate_db::{Db, Kind, assert_piped, write_rev};

const BASE: &str = "000000000001";
const IX: &str = "000000000002";
const LAST: &str = "000000000003";

/// A table `t` without keys (so that a statement run twice shows as a
/// duplicated row) with three rows, and the table `done` the revisions'
/// `execute` statements write to.
const BASE_REVISION: &str = r#"
[[upgrade]]
op = "create_table"
table = "t"
columns = [{ name = "id", type = "integer" }, { name = "a", type = "integer" }]

[[upgrade]]
op = "create_table"
table = "done"
columns = [{ name = "what", type = "varchar(20)" }]

[[upgrade]]
op = "execute"
sql = "INSERT INTO t (id, a) VALUES (1, 1), (2, 2), (3, 3)"

[[downgrade]]
op = "drop_table"
table = "done"

[[downgrade]]
op = "drop_table"
table = "t"
"#;

/// A row written before the concurrent build, the build, a row after it.
fn index_revision(unique: bool) -> String {
    format!(
        r#"
[[upgrade]]
op = "execute"
sql = "INSERT INTO done (what) VALUES ('before')"

[[upgrade]]
op = "create_index"
table = "t"
name = "ix_a"
columns = ["a"]
unique = {unique}
concurrently = true

[[upgrade]]
op = "execute"
sql = "INSERT INTO done (what) VALUES ('after')"

[[downgrade]]
op = "drop_index"
table = "t"
name = "ix_a"
concurrently = true

[[downgrade]]
op = "execute"
sql = "DELETE FROM done"
"#
    )
}

/// A project at BASE on a fresh database of `kind`, with IX written.
fn project(kind: Kind, unique: bool) -> (Project, Db) {
    let p = Project::init();
    let db = Db::fresh(kind, &p);
    write_rev(&p, &rev(BASE), BASE_REVISION);
    db.ok(&p, &["upgrade", BASE]);
    write_rev(&p, &rev(IX).down(&[BASE]), &index_revision(unique));
    (p, db)
}

/// `ix_a` on PostgreSQL: one `name:valid` a line (`ix_a:t`).
fn pg_indexes(db: &Db) -> Vec<String> {
    db.rows(
        "SELECT i.relname || ':' || CASE WHEN x.indisvalid THEN 't' ELSE 'f' END FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid \
         JOIN pg_class t ON t.oid = x.indrelid WHERE t.relname = 't' ORDER BY 1",
    )
}

/// The rows the revisions' `execute` statements wrote, sorted.
fn done_rows(db: &Db) -> Vec<String> {
    let mut rows = db.rows("SELECT what FROM done");
    rows.sort();
    rows
}

#[test]
fn concurrently_builds_a_valid_index_on_postgres_and_drops_it_concurrently() {
    let (p, db) = project(Kind::Postgres, false);
    db.ok(&p, &["upgrade", "head"]);
    assert_eq!(pg_indexes(&db), ["ix_a:t"]);
    assert_eq!(done_rows(&db), ["after", "before"]);
    assert_eq!(db.versions(), [IX]);
    assert!(db.rows("SELECT * FROM retort_journal").is_empty());
    let log = db.log();
    assert_eq!(
        log.iter().filter(|l| l.starts_with(IX)).count(),
        1,
        "{log:?}"
    );

    db.ok(&p, &["downgrade", "-1"]);
    assert!(pg_indexes(&db).is_empty());
    assert!(done_rows(&db).is_empty());
    assert_eq!(db.versions(), [BASE]);
    assert!(db.rows("SELECT * FROM retort_journal").is_empty());
}

/// A run with no concurrent index on PostgreSQL creates no journal table.
#[test]
fn concurrently_absent_leaves_postgres_without_a_journal_table() {
    let (_p, db) = project(Kind::Postgres, false);
    assert!(
        db.rows("SELECT 1 FROM pg_tables WHERE tablename = 'retort_journal'")
            .is_empty()
    );
}

/// The UNIQUE build fails over duplicate rows after the `execute` before it
/// committed: exit 1, an error that says so and what the next run does, no
/// INVALID index left; once the data is fixed, the rerun builds the index
/// and runs the statements after it, never the committed one again.
#[test]
fn concurrently_failed_unique_build_drops_its_invalid_index_and_reruns_once() {
    let (p, db) = project(Kind::Postgres, true);
    let url = db.url.clone();
    db.sql("UPDATE t SET a = 1 WHERE id = 2");
    let run = p.run(&["--url", &url, "upgrade", "head"]);
    crate::migrate_db::assert_failed(&run);
    run.stderr_has(&format!("revision {IX}"))
        .stderr_has("statement 2 of 3")
        .stderr_has("could not create unique index")
        .stderr_has("its statement 1 of 3 was committed")
        .stderr_has("the next `retort upgrade` finishes");
    assert!(pg_indexes(&db).is_empty(), "{:?}", pg_indexes(&db));
    assert_eq!(done_rows(&db), ["before"]);
    assert_eq!(db.versions(), [BASE]);
    p.run(&["--url", &url, "current"])
        .code_is(0)
        .stdout_has(&format!("{IX} (interrupted upgrade: 1 of 3 statements ran"));

    db.sql("UPDATE t SET a = 2 WHERE id = 2");
    let run = p.run(&["--url", &url, "upgrade", "head"]);
    run.code_is(0)
        .stderr_has("interrupted after 1 of its 3 statements; finishing it from statement 2");
    assert_eq!(pg_indexes(&db), ["ix_a:t"]);
    assert_eq!(done_rows(&db), ["after", "before"]);
    assert_eq!(db.versions(), [IX]);
    assert!(db.rows("SELECT * FROM retort_journal").is_empty());
}

/// The failed UNIQUE build with retort connected through PgBouncer in
/// transaction pooling mode.
#[test]
fn concurrently_through_pgbouncer_failed_build_reruns_once() {
    let (p, db) = project(Kind::Postgres, true);
    let via = format!(
        "{}/{}",
        pgbouncer_url().rsplit_once('/').unwrap().0,
        db.name
    );
    db.sql("UPDATE t SET a = 1 WHERE id = 2");
    let run = p.run(&["--url", &via, "upgrade", "head"]);
    crate::migrate_db::assert_failed(&run);
    run.stderr_has("its statement 1 of 3 was committed");
    assert!(pg_indexes(&db).is_empty(), "{:?}", pg_indexes(&db));
    db.sql("UPDATE t SET a = 2 WHERE id = 2");
    p.run(&["--url", &via, "upgrade", "head"]).code_is(0);
    assert_eq!(pg_indexes(&db), ["ix_a:t"]);
    assert_eq!(done_rows(&db), ["after", "before"]);
    assert_eq!(db.versions(), [IX]);
    p.run(&["--url", &via, "downgrade", "base"]).code_is(0);
    assert!(pg_indexes(&db).is_empty());
}

/// A psql session holding a REPEATABLE READ snapshot open: `CREATE INDEX
/// CONCURRENTLY` waits for it before it marks the index valid.
struct Holder(Child);

impl Holder {
    fn start(db: &Db) -> Holder {
        let mut child = Command::new("psql")
            .args([db.url.as_str(), "-X", "-q", "-v", "ON_ERROR_STOP=1"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start psql");
        child
            .stdin
            .as_mut()
            .unwrap()
            .write_all(b"BEGIN ISOLATION LEVEL REPEATABLE READ;\nSELECT count(*) FROM t;\n")
            .unwrap();
        let started = Instant::now();
        while db
            .rows("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction' AND backend_xmin IS NOT NULL")
            .is_empty()
        {
            assert!(started.elapsed() < Duration::from_secs(20), "psql never began");
            std::thread::sleep(Duration::from_millis(20));
        }
        Holder(child)
    }

    fn release(mut self) {
        let mut stdin = self.0.stdin.take().unwrap();
        stdin.write_all(b"COMMIT;\n").unwrap();
        drop(stdin);
        self.0.wait().unwrap();
    }
}

/// Starts `upgrade head`.
fn spawn_upgrade(p: &Project, db: &Db) -> Child {
    Command::new(assert_cmd::cargo::cargo_bin("retort"))
        .current_dir(p.root())
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .args(["--url", db.url.as_str(), "upgrade", "head"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start retort")
}

/// Waits until the concurrent build of `child` (an `upgrade head`) waits
/// for the holder; returns the build's backend pid (kills `child` and
/// fails when it never does).
fn build_waits(db: &Db, child: &mut Child) -> String {
    let started = Instant::now();
    loop {
        let pids = db.rows(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'CREATE INDEX CONCURRENTLY%' AND state = 'active' AND wait_event = 'virtualxid'",
        );
        if let Some(pid) = pids.into_iter().next() {
            return pid;
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the concurrent build never started waiting");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// kill -9 while the build waits for an old transaction; the server goes on
/// with the build once the transaction ends. The rerun waits for it, counts
/// it as run, and finishes the revision: one valid index, no row twice.
#[test]
fn concurrently_kill_during_the_build_the_rerun_finishes_once() {
    let (p, db) = project(Kind::Postgres, false);
    let holder = Holder::start(&db);
    let mut child = spawn_upgrade(&p, &db);
    build_waits(&db, &mut child);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(done_rows(&db), ["before"]);
    holder.release();
    let run = db.ok(&p, &["upgrade", "head"]);
    run.stderr_has("finishing it from statement 3");
    assert_eq!(pg_indexes(&db), ["ix_a:t"]);
    assert_eq!(done_rows(&db), ["after", "before"]);
    assert_eq!(db.versions(), [IX]);
    assert!(db.rows("SELECT * FROM retort_journal").is_empty());
}

/// kill -9 while the build waits, and the build's session ends with it:
/// the INVALID index it leaves is dropped by the rerun, which builds it
/// again: one valid index, no row twice.
#[test]
fn concurrently_kill_leaving_an_invalid_index_the_rerun_builds_it_again() {
    let (p, db) = project(Kind::Postgres, false);
    let holder = Holder::start(&db);
    let mut child = spawn_upgrade(&p, &db);
    let pid = build_waits(&db, &mut child);
    child.kill().unwrap();
    child.wait().unwrap();
    db.sql(&format!("SELECT pg_terminate_backend({pid})"));
    let started = Instant::now();
    while !db
        .rows(&format!("SELECT 1 FROM pg_stat_activity WHERE pid = {pid}"))
        .is_empty()
    {
        assert!(started.elapsed() < Duration::from_secs(20));
        std::thread::sleep(Duration::from_millis(20));
    }
    holder.release();
    assert_eq!(pg_indexes(&db), ["ix_a:f"]);
    let run = db.ok(&p, &["upgrade", "head"]);
    run.stderr_has("finishing it from statement 2");
    assert_eq!(pg_indexes(&db), ["ix_a:t"]);
    assert_eq!(done_rows(&db), ["after", "before"]);
    assert_eq!(db.versions(), [IX]);
}

/// One transaction for the run: the concurrent build commits the run's
/// transaction before it (the revisions before it are recorded), and a
/// later revision that fails rolls back only to there; the rerun finishes
/// the revision with the index and runs the failed one, nothing twice.
#[test]
fn concurrently_in_a_whole_run_transaction_commits_at_the_build() {
    let p = Project::init();
    p.append(
        "migrations/retort.toml",
        "\ntransaction_per_migration = false\n",
    );
    let db = Db::fresh(Kind::Postgres, &p);
    write_rev(&p, &rev(BASE), BASE_REVISION);
    write_rev(&p, &rev(IX).down(&[BASE]), &index_revision(false));
    let broken = r#"
[[upgrade]]
op = "execute"
sql = "INSERT INTO done (what) VALUES ('last')"

[[upgrade]]
op = "execute"
sql = "INSERT INTO no_such_table VALUES (1)"
"#;
    write_rev(&p, &rev(LAST).down(&[IX]), broken);
    let run = db.fails(&p, &["upgrade", "head"]);
    run.stderr_has(&format!("revision {LAST}"))
        .stderr_has(&format!("only rolled back to where revision {IX}"))
        .stderr_has("the next `retort upgrade` finishes it from statement 3");
    assert_eq!(db.versions(), [BASE]);
    assert_eq!(pg_indexes(&db), ["ix_a:t"]);
    assert_eq!(done_rows(&db), ["before"]);

    write_rev(
        &p,
        &rev(LAST).down(&[IX]),
        "\n[[upgrade]]\nop = \"execute\"\nsql = \"INSERT INTO done (what) VALUES ('last')\"\n",
    );
    db.ok(&p, &["upgrade", "head"]);
    assert_eq!(db.versions(), [LAST]);
    assert_eq!(pg_indexes(&db), ["ix_a:t"]);
    assert_eq!(done_rows(&db), ["after", "before", "last"]);
    assert_eq!(db.rows("SELECT count(*) FROM t"), ["3"]);
}

/// Whole-run transaction: a later revision whose recording fails (the log
/// refuses its row) after the build committed the run's transaction up to
/// there: the error says what stays committed, not that nothing was
/// applied, and the next run finishes the rest once.
#[test]
fn concurrently_in_a_whole_run_transaction_a_failed_recording_says_what_stays() {
    let p = Project::init();
    p.append(
        "migrations/retort.toml",
        "\ntransaction_per_migration = false\n",
    );
    let db = Db::fresh(Kind::Postgres, &p);
    write_rev(&p, &rev(BASE), BASE_REVISION);
    write_rev(&p, &rev(IX).down(&[BASE]), &index_revision(false));
    write_rev(
        &p,
        &rev(LAST).down(&[IX]),
        "\n[[upgrade]]\nop = \"execute\"\nsql = \"INSERT INTO done (what) VALUES ('last')\"\n",
    );
    db.ok(&p, &["upgrade", BASE]);
    db.sql(&format!(
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
         IF NEW.revision = '{LAST}' THEN RAISE EXCEPTION 'the log refuses %', NEW.revision; END IF; \
         RETURN NEW; END $$; \
         CREATE TRIGGER refuse BEFORE INSERT ON retort_log FOR EACH ROW EXECUTE FUNCTION refuse()"
    ));
    let run = db.fails(&p, &["upgrade", "head"]);
    run.stderr_has(&format!("revision {LAST}"))
        .stderr_has("recording it")
        .stderr_has("the log refuses")
        .stderr_has(&format!("only rolled back to where revision {IX}"));
    assert_eq!(db.versions(), [BASE]);
    assert_eq!(pg_indexes(&db), ["ix_a:t"]);
    assert_eq!(done_rows(&db), ["before"]);
    db.sql("DROP TRIGGER refuse ON retort_log");
    db.ok(&p, &["upgrade", "head"]);
    assert_eq!(db.versions(), [LAST]);
    assert_eq!(done_rows(&db), ["after", "before", "last"]);
}

/// `--sql` on PostgreSQL: `COMMIT;` before the build, `BEGIN;` after, and
/// psql runs the script.
#[test]
fn concurrently_offline_script_commits_around_the_build_and_runs_in_psql() {
    let p = Project::init();
    let db = Db::fresh(Kind::Postgres, &p);
    write_rev(&p, &rev(BASE), BASE_REVISION);
    write_rev(&p, &rev(IX).down(&[BASE]), &index_revision(true));
    let up = db.ok(&p, &["upgrade", "--sql"]).stdout;
    assert!(
        up.contains(
            "COMMIT;\n\nCREATE UNIQUE INDEX CONCURRENTLY \"ix_a\" ON \"t\" (\"a\");\n\nBEGIN;\n\n"
        ),
        "{up}"
    );
    assert_piped(&db.pipe(&up), &up);
    assert_eq!(pg_indexes(&db), ["ix_a:t"]);
    assert_eq!(db.versions(), [IX]);
    let down = db.ok(&p, &["downgrade", "--sql", "head:base"]).stdout;
    assert!(
        down.contains("COMMIT;\n\nDROP INDEX CONCURRENTLY \"ix_a\";\n\nBEGIN;\n\n"),
        "{down}"
    );
    assert_piped(&db.pipe(&down), &down);
    assert!(pg_indexes(&db).is_empty());
}

/// MariaDB and SQLite accept the flag and build (and drop) the plain index.
fn plain_elsewhere(kind: Kind) {
    let (p, db) = project(kind, false);
    db.ok(&p, &["upgrade", "head"]);
    assert_eq!(db.indexes("t"), ["ix_a"]);
    assert_eq!(done_rows(&db), ["after", "before"]);
    db.ok(&p, &["downgrade", "-1"]);
    assert!(db.indexes("t").is_empty());
    let sql = db
        .ok(&p, &["upgrade", "--sql", &format!("{BASE}:head")])
        .stdout;
    assert!(!sql.contains("CONCURRENTLY"), "{sql}");
}

#[test]
fn concurrently_on_mariadb_builds_the_plain_index() {
    plain_elsewhere(Kind::Mysql);
}

#[test]
fn concurrently_on_sqlite_builds_the_plain_index() {
    plain_elsewhere(Kind::Sqlite);
}

/// `concurrent_indexes = true`: autogenerate writes `concurrently = true`
/// on the index it adds to an existing table (and on its reverse), the
/// upgrade builds it concurrently, `lint` has nothing to say about it,
/// `check` is clean and the downgrade drops it.
#[test]
fn concurrently_written_by_autogenerate_with_concurrent_indexes() {
    let p = Project::init();
    let db = Db::fresh(Kind::Postgres, &p);
    let config = p.read("migrations/retort.toml");
    p.write(
        "migrations/retort.toml",
        &format!("concurrent_indexes = true\n{config}"),
    );
    let v1 = "CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY, a INTEGER);\n";
    p.write("v1.sql", v1);
    p.write(
        "v2.sql",
        &format!("{v1}CREATE INDEX ix_t_a ON t (a);\nCREATE TABLE u (id INTEGER NOT NULL PRIMARY KEY, b INTEGER);\nCREATE INDEX ix_u_b ON u (b);\n"),
    );
    db.ok(
        &p,
        &[
            "--models", "v1.sql", "migrate", "-m", "v1", "--rev-id", "r1",
        ],
    );
    db.ok(&p, &["upgrade"]);
    db.sql("INSERT INTO t (id, a) VALUES (1, 1), (2, 2)");
    db.ok(
        &p,
        &[
            "--models", "v2.sql", "migrate", "-m", "v2", "--rev-id", "r2",
        ],
    );
    let file = p
        .files_in("migrations/versions")
        .into_iter()
        .find(|f| f.starts_with("r2"))
        .expect("r2's file");
    let text = p.read(&format!("migrations/versions/{file}"));
    // The existing table's index (up and down) is concurrent; the new
    // table's is not.
    assert_eq!(text.matches("concurrently = true").count(), 2, "{text}");
    db.ok(&p, &["upgrade"]);
    assert_eq!(pg_indexes(&db), ["ix_t_a:t", "t_pkey:t"]);
    let lint = db.run(&p, &["lint", "--files-only"]);
    assert!(
        !lint.stdout.contains("index-without-concurrently"),
        "{}",
        lint.describe()
    );
    db.ok(&p, &["--models", "v2.sql", "check"]);
    db.ok(&p, &["downgrade", "-1"]);
    assert_eq!(pg_indexes(&db), ["t_pkey:t"]);
}
