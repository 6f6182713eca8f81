//! The migration lock: a second connection waits for the first, times out
//! with a clear error, and sees the first one's work once it gets the lock.
//! Waits are bounded by generous timeouts; nothing asserts on speed.

use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use retort_core::RevisionId;
use retort_core::graph::VersionUpdate;
use retort_db::{DbError, VersionTable};

use crate::support::{TestDb, on_every_database};

const LOCK: &str = "retort:retort_version";
const LONG: Duration = Duration::from_secs(60);

fn the_second_connection_waits_for_the_first(db: &mut TestDb) {
    let mut first = db.connect();
    let mut second = db.connect();
    first.lock(LOCK, LONG).unwrap();
    let (tx, rx) = mpsc::channel();
    let waiter = thread::spawn(move || {
        let result = second.lock(LOCK, LONG);
        tx.send(result.is_ok()).unwrap();
        if result.is_ok() {
            second.unlock(LOCK).unwrap();
        }
        result
    });
    // While the first holds the lock, the second must not get it.
    assert!(
        rx.recv_timeout(Duration::from_millis(500)).is_err(),
        "the second connection took a held lock"
    );
    first.unlock(LOCK).unwrap();
    assert_eq!(
        rx.recv_timeout(LONG),
        Ok(true),
        "the second never got the lock"
    );
    waiter.join().unwrap().unwrap();
    // Free again: the first can take it back at once.
    first.lock(LOCK, Duration::from_secs(10)).unwrap();
    first.unlock(LOCK).unwrap();
}

fn waiting_too_long_is_a_clear_error(db: &mut TestDb) {
    let mut first = db.connect();
    let mut second = db.connect();
    first.lock(LOCK, LONG).unwrap();
    let err = second.lock(LOCK, Duration::from_secs(1)).unwrap_err();
    assert!(matches!(err, DbError::LockTimeout { .. }), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("retort_version"), "{text}");
    assert!(text.contains("wait for that run to finish"), "{text}");
    // The failed wait leaves the second connection usable.
    assert_eq!(second.query_column("SELECT 1").unwrap(), vec!["1"]);
    first.unlock(LOCK).unwrap();
    second.lock(LOCK, LONG).unwrap();
    second.unlock(LOCK).unwrap();
}

fn a_dropped_connection_releases_the_lock(db: &mut TestDb) {
    let mut first = db.connect();
    first.lock(LOCK, LONG).unwrap();
    drop(first);
    let mut second = db.connect();
    second.lock(LOCK, LONG).unwrap();
    second.unlock(LOCK).unwrap();
}

/// Two runs of "lock, read the heads, upgrade if needed, unlock" at once:
/// exactly one upgrades, and the other sees its work.
fn the_second_run_sees_the_work_already_done(db: &mut TestDb) {
    let table = VersionTable::new("retort_version", None);
    let run = |mut conn: Box<dyn retort_db::Connection>, table: VersionTable| {
        move || -> Result<bool, DbError> {
            conn.lock(LOCK, LONG)?;
            table.ensure(conn.as_mut())?;
            let heads = table.read(conn.as_mut())?;
            let upgraded = heads.is_empty();
            if upgraded {
                conn.begin()?;
                // Slow enough that the other run is surely waiting.
                thread::sleep(Duration::from_millis(200));
                table.apply(
                    conn.as_mut(),
                    &VersionUpdate::Insert(RevisionId::new("aaa")),
                )?;
                conn.commit()?;
            }
            conn.unlock(LOCK)?;
            Ok(upgraded)
        }
    };
    let a = thread::spawn(run(db.connect(), table.clone()));
    let b = thread::spawn(run(db.connect(), table.clone()));
    let a = a.join().unwrap().unwrap();
    let b = b.join().unwrap().unwrap();
    assert!(a != b, "exactly one run upgrades (a: {a}, b: {b})");
    let mut conn = db.connect();
    assert_eq!(
        table.read(conn.as_mut()).unwrap(),
        vec![RevisionId::new("aaa")]
    );
}

on_every_database!(
    the_second_connection_waits_for_the_first,
    waiting_too_long_is_a_clear_error,
    a_dropped_connection_releases_the_lock,
    the_second_run_sees_the_work_already_done,
);
