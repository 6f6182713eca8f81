//! `retort verify` (applied revisions against their files, and the
//! warnings of `upgrade`), and the migration lock seen from outside: a run
//! waiting for it says who holds it; a dead holder's lock is taken over;
//! `retort unlock` clears one by hand.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::harness::{Project, rev};
use crate::migrate_db::{Db, Kind, per_db, table_rev, write_rev};

per_db!(verify_finds_edited_deleted_and_unknown_revisions);

fn verify_finds_edited_deleted_and_unknown_revisions(kind: Kind) {
    let p = Project::init();
    let db = Db::fresh(kind, &p);
    write_rev(&p, &rev("000000000001"), &table_rev("000000000001"));
    write_rev(
        &p,
        &rev("000000000002").down(&["000000000001"]),
        &table_rev("000000000002"),
    );
    db.ok(&p, &["upgrade", "head"]);
    db.ok(&p, &["verify"])
        .stdout_has("2 applied revision(s) match their files");

    // Edited after it was applied.
    p.append("migrations/versions/000000000001.toml", "\n# edited\n");
    let run = db.fails(&p, &["verify"]);
    run.stdout_has("edited: revision 000000000001 was edited after it was applied");
    let json = db.run(&p, &["verify", "--format", "json"]);
    assert_eq!(json.code, 1, "{}", json.describe());
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(value[0]["revision"], "000000000001");
    assert_eq!(value[0]["kind"], "edited");
    assert!(
        value[0]["applied_checksum"]
            .as_str()
            .unwrap()
            .starts_with("fnv1a64:")
    );

    // `upgrade` says so (and goes on).
    write_rev(
        &p,
        &rev("000000000003").down(&["000000000002"]),
        &table_rev("000000000003"),
    );
    db.ok(&p, &["upgrade", "head"])
        .stderr_has("revision 000000000001 was edited after it was applied");

    // Deleted: the head's file goes away after it was applied.
    std::fs::remove_file(p.path("migrations/versions/000000000003.toml")).unwrap();
    db.fails(&p, &["verify"])
        .stdout_has("deleted: revision 000000000003 is applied, but no revision file declares it");

    // Unknown: a version row nobody wrote through retort.
    std::fs::write(
        p.path("migrations/versions/000000000003.toml"),
        format!(
            "{}{}",
            rev("000000000003").down(&["000000000002"]).to_toml(),
            table_rev("000000000003")
        ),
    )
    .unwrap();
    db.sql("INSERT INTO retort_version (version_num) VALUES ('ffffffffffff')");
    db.fails(&p, &["verify"]).stdout_has(
        "unknown: the version table holds ffffffffffff, which no revision file declares",
    );
}

/// A lock row of a holder on another machine whose lease runs for a minute.
fn plant_lock(db: &Db) {
    let now = match db.kind {
        Kind::Postgres => "CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS BIGINT)",
        _ => "UNIX_TIMESTAMP()",
    };
    db.sql(&format!(
        "INSERT INTO retort_lock (name, holder, host, pid, machine, started_at, expires_at) \
         VALUES ('retort_migrate', 'elsewhere-token', 'build-host-7', 4242, 'other-machine', {now}, {now} + 60)"
    ));
}

fn lock_project(kind: Kind) -> (Project, Db) {
    let p = Project::init();
    let db = Db::fresh(kind, &p);
    write_rev(&p, &rev("000000000001"), &table_rev("000000000001"));
    db.ok(&p, &["upgrade", "head"]);
    write_rev(
        &p,
        &rev("000000000002").down(&["000000000001"]),
        &table_rev("000000000002"),
    );
    (p, db)
}

/// A run waiting for a held lock says who holds it; `retort unlock`
/// clears it (with a warning), and the waiting run goes on.
fn waiting_names_the_holder_and_unlock_clears_it(kind: Kind) {
    let (p, db) = lock_project(kind);
    plant_lock(&db);
    let mut waiting = Command::new(assert_cmd::cargo::cargo_bin("retort"))
        .current_dir(p.root())
        .env_remove("DATABASE_URL")
        .env("NO_COLOR", "1")
        .args(["--url", db.url.as_str(), "upgrade", "head"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(800));
    assert!(
        waiting.try_wait().unwrap().is_none(),
        "the upgrade did not wait for the held lock"
    );
    assert_eq!(db.versions(), ["000000000001"]);
    let unlock = db.ok(&p, &["unlock"]);
    unlock
        .stderr_has("warning: cleared the migration lock")
        .stderr_has("pid 4242 on host build-host-7");
    let started = Instant::now();
    let status = loop {
        if let Some(status) = waiting.try_wait().unwrap() {
            break status;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "still waiting");
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    waiting
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(status.success(), "{stderr}");
    assert!(
        stderr.contains("waiting for the migration lock")
            && stderr.contains("held by retort (pid 4242 on host build-host-7)"),
        "{stderr}"
    );
    assert_eq!(db.versions(), ["000000000002"]);
    db.ok(&p, &["unlock"])
        .stdout_has("no migration lock is held");
}

/// A holder whose lease ended (it stopped renewing it) is taken over.
fn an_expired_lease_is_taken_over(kind: Kind) {
    let (p, db) = lock_project(kind);
    plant_lock(&db);
    db.sql("UPDATE retort_lock SET expires_at = expires_at - 3600");
    db.ok(&p, &["upgrade", "head"])
        .stderr_has("took over the migration lock")
        .stderr_has("its lease had ended");
    assert_eq!(db.versions(), ["000000000002"]);
}

/// `lock_timeout` bounds the wait, and the error names the holder.
fn a_held_lock_times_out_naming_its_holder(kind: Kind) {
    let (p, db) = lock_project(kind);
    p.append("migrations/retort.toml", "\nlock_timeout = 1\n");
    plant_lock(&db);
    db.fails(&p, &["upgrade", "head"])
        .stderr_has("is held by retort (pid 4242 on host build-host-7)")
        .stderr_has("retort unlock");
    assert_eq!(db.versions(), ["000000000001"]);
}

macro_rules! per_server {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            use crate::migrate_db::Kind;

            #[test]
            fn postgres() {
                super::$name(Kind::Postgres)
            }

            #[test]
            fn mysql() {
                super::$name(Kind::Mysql)
            }
        }
    )*};
}

per_server!(
    waiting_names_the_holder_and_unlock_clears_it,
    an_expired_lease_is_taken_over,
    a_held_lock_times_out_naming_its_holder,
);

/// SQLite's lock is a file lock the operating system releases: nothing to
/// clear.
#[test]
fn unlock_on_sqlite_has_nothing_to_clear() {
    let (p, db) = lock_project(Kind::Sqlite);
    db.ok(&p, &["unlock"])
        .stdout_has("no migration lock is held");
}
