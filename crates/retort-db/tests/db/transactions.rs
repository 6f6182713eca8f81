//! Transactions: DDL rolls back where the dialect says it does, and
//! transactions nest correctly under the migration lock.

use std::time::Duration;

use retort_db::{DialectName, VersionTable};

use crate::support::{TestDb, on_every_database};

fn table_exists(conn: &mut dyn retort_db::Connection, name: &str) -> bool {
    VersionTable::new(name, None).exists(conn).unwrap()
}

fn ddl_rolls_back_where_the_dialect_says_so(db: &mut TestDb) {
    let mut conn = db.connect();
    let transactional = conn.supports_transactional_ddl();
    assert_eq!(transactional, db.dialect() != DialectName::Mysql);
    conn.begin().unwrap();
    conn.execute("CREATE TABLE made_in_txn (x INTEGER)")
        .unwrap();
    conn.rollback().unwrap();
    // Rolled back on SQLite and PostgreSQL; committed implicitly on MySQL,
    // which is exactly what `supports_transactional_ddl` warns of.
    assert_eq!(table_exists(conn.as_mut(), "made_in_txn"), !transactional);
}

fn rows_commit_and_roll_back(db: &mut TestDb) {
    let mut conn = db.connect();
    conn.execute("CREATE TABLE t (x INTEGER)").unwrap();
    conn.begin().unwrap();
    conn.execute("INSERT INTO t (x) VALUES (1)").unwrap();
    conn.rollback().unwrap();
    conn.begin().unwrap();
    conn.execute("INSERT INTO t (x) VALUES (2)").unwrap();
    conn.commit().unwrap();
    assert_eq!(conn.query_column("SELECT x FROM t").unwrap(), vec!["2"]);
    // Another connection sees the commit.
    let mut other = db.connect();
    assert_eq!(other.query_column("SELECT x FROM t").unwrap(), vec!["2"]);
}

fn transactions_under_the_lock(db: &mut TestDb) {
    let mut conn = db.connect();
    conn.execute("CREATE TABLE t (x INTEGER)").unwrap();
    conn.lock("retort", Duration::from_secs(30)).unwrap();
    conn.begin().unwrap();
    conn.execute("INSERT INTO t (x) VALUES (1)").unwrap();
    conn.rollback().unwrap();
    conn.begin().unwrap();
    conn.execute("INSERT INTO t (x) VALUES (2)").unwrap();
    conn.commit().unwrap();
    if conn.supports_transactional_ddl() {
        conn.begin().unwrap();
        conn.execute("CREATE TABLE gone (x INTEGER)").unwrap();
        conn.rollback().unwrap();
    }
    conn.begin().unwrap();
    conn.execute("INSERT INTO t (x) VALUES (3)").unwrap();
    conn.commit().unwrap();
    conn.unlock("retort").unwrap();
    let mut other = db.connect();
    assert_eq!(
        other.query_column("SELECT x FROM t ORDER BY x").unwrap(),
        vec!["2", "3"]
    );
    assert!(!table_exists(other.as_mut(), "gone"));
}

on_every_database!(
    ddl_rolls_back_where_the_dialect_says_so,
    rows_commit_and_roll_back,
    transactions_under_the_lock,
);

fn unlocking_never_commits_an_unfinished_transaction(db: &mut TestDb) {
    let mut conn = db.connect();
    conn.execute("CREATE TABLE t (x INTEGER)").unwrap();
    conn.lock("retort", Duration::from_secs(30)).unwrap();
    conn.begin().unwrap();
    conn.execute("INSERT INTO t (x) VALUES (1)").unwrap();
    conn.commit().unwrap();
    conn.begin().unwrap();
    conn.execute("INSERT INTO t (x) VALUES (2)").unwrap();
    // A step failed halfway and the run gives up without a rollback.
    conn.unlock("retort").unwrap();
    drop(conn);
    let mut other = db.connect();
    assert_eq!(other.query_column("SELECT x FROM t").unwrap(), vec!["1"]);
}

on_every_database!(unlocking_never_commits_an_unfinished_transaction);

/// `statement_running` finds a statement another session runs, also when
/// it is longer than `track_activity_query_size` (1 kB), where the server
/// shows only its beginning: the crash resume waits for a concurrent index
/// build a killed run left running, whatever its length.
#[test]
fn statement_running_finds_long_statements_on_postgres() {
    let db = TestDb::postgres("statement_running_long");
    let padding = "x".repeat(2000);
    let sql = format!("SELECT pg_sleep(3) /* {padding} */");
    let runner = {
        let url = db.url.clone();
        let sql = sql.clone();
        std::thread::spawn(move || {
            let mut conn = retort_db::connect(&url).unwrap();
            conn.execute(&sql).unwrap();
        })
    };
    let mut conn = db.connect();
    let started = std::time::Instant::now();
    while !conn.statement_running(&sql).unwrap() {
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "the long statement was never found running"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // A statement that is only its beginning is not it.
    assert!(!conn.statement_running("SELECT pg_sleep(3)").unwrap());
    runner.join().unwrap();
    assert!(!conn.statement_running(&sql).unwrap());
}
