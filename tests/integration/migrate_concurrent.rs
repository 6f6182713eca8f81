//! Two `retort upgrade head` processes at once on the same database
//! (SPEC section 6): the database lock serialises them, every revision runs
//! exactly once, and both succeed.

use std::process::{Command, Stdio};

use crate::harness::{Project, rev};
use crate::migrate_db::{Db, Kind, per_db, table_rev, write_rev};

per_db!(two_upgrades_at_once_apply_each_revision_once);

const REVISIONS: usize = 20;

fn id(n: usize) -> String {
    format!("c0ffee{n:06}")
}

fn two_upgrades_at_once_apply_each_revision_once(kind: Kind) {
    let p = Project::init();
    let db = Db::fresh(kind, &p);
    for n in 1..=REVISIONS {
        let mut r = rev(&id(n)).message(&format!("table {n}"));
        if n > 1 {
            r = r.down(&[&id(n - 1)]);
        }
        write_rev(&p, &r, &table_rev(&id(n)));
    }

    let bin = assert_cmd::cargo::cargo_bin("retort");
    let spawn = || {
        Command::new(&bin)
            .current_dir(p.root())
            .env_remove("DATABASE_URL")
            .env("NO_COLOR", "1")
            .args(["--url", &db.url, "upgrade", "head"])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start retort")
    };
    let first = spawn();
    let second = spawn();
    let outputs = [first, second].map(|c| c.wait_with_output().expect("wait for retort"));
    for (n, out) in outputs.iter().enumerate() {
        assert!(
            out.status.success(),
            "upgrade {} of 2 failed ({})\n--- stdout ---\n{}--- stderr ---\n{}",
            n + 1,
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let stderr: Vec<String> = outputs
        .iter()
        .map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
        .collect();

    // Each revision ran exactly once, in order.
    let expected: Vec<String> = (1..=REVISIONS)
        .map(|n| format!("{}|upgrade", id(n)))
        .collect();
    let mut log = db.log();
    log.sort();
    assert_eq!(
        log, expected,
        "one upgrade row per revision in retort_log\n--- stderr 1 ---\n{}--- stderr 2 ---\n{}",
        stderr[0], stderr[1]
    );
    assert_eq!(db.versions(), [id(REVISIONS)], "the version table");
    assert_eq!(db.user_tables().len(), REVISIONS);
    // Between them, the two runs ran each step once.
    let steps: usize = stderr
        .iter()
        .map(|s| s.matches("Running upgrade").count())
        .sum();
    assert_eq!(
        steps, REVISIONS,
        "`Running upgrade` lines of both runs\n--- stderr 1 ---\n{}--- stderr 2 ---\n{}",
        stderr[0], stderr[1]
    );
}

/// SQLite's lock file is removed as each run releases it (so no
/// `<database>-retort.lock` is left in the folder): runs that were waiting
/// on the removed file must notice and lock the new one, never both hold
/// the lock. Six processes each run `upgrade +1` five times at once: the
/// thirty revisions each run exactly once, and no lock file is left.
#[test]
fn sqlite_lock_file_is_removed_and_never_held_twice() {
    const STEPS: usize = 30;
    let p = Project::init();
    let db = Db::fresh(Kind::Sqlite, &p);
    for n in 1..=STEPS {
        let mut r = rev(&id(n)).message(&format!("table {n}"));
        if n > 1 {
            r = r.down(&[&id(n - 1)]);
        }
        write_rev(&p, &r, &table_rev(&id(n)));
    }
    let bin = assert_cmd::cargo::cargo_bin("retort");
    let children: Vec<_> = (0..6)
        .map(|_| {
            Command::new("sh")
                .arg("-c")
                .arg("for i in 1 2 3 4 5; do \"$0\" --url \"$1\" upgrade +1 || exit 1; done")
                .arg(&bin)
                .arg(&db.url)
                .current_dir(p.root())
                .env_remove("DATABASE_URL")
                .env("NO_COLOR", "1")
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("start sh")
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "a run failed\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let mut log = db.log();
    log.sort();
    let expected: Vec<String> = (1..=STEPS).map(|n| format!("{}|upgrade", id(n))).collect();
    assert_eq!(log, expected, "each revision ran exactly once");
    assert_eq!(db.versions(), [id(STEPS)]);
    let left: Vec<String> = p
        .files_in(".")
        .into_iter()
        .filter(|f| f.ends_with("-retort.lock"))
        .collect();
    assert!(left.is_empty(), "lock files left: {left:?}");
}
