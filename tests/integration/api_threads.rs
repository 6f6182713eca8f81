//! One `Retort` shared by eight threads upgrading the same database at
//! once: every call succeeds and each revision runs exactly once.

use retort::{Error, Retort};

use crate::api::{Recorder, sorted};
use crate::harness::{Project, rev};
use crate::migrate_db::{Db, Kind, per_db, table_rev, write_rev};

per_db!(eight_threads_share_one_retort_and_upgrade_once);

const THREADS: usize = 8;
const REVISIONS: usize = 20;

fn id(n: usize) -> String {
    format!("7e4d00{n:06}")
}

fn eight_threads_share_one_retort_and_upgrade_once(kind: Kind) {
    let p = Project::empty();
    let db = Db::fresh(kind, &p);
    Retort::open(p.path("migrations"))
        .init("generic")
        .expect("init");
    for n in 1..=REVISIONS {
        let mut r = rev(&id(n)).message(&format!("table {n}"));
        if n > 1 {
            r = r.down(&[&id(n - 1)]);
        }
        write_rev(&p, &r, &table_rev(&id(n)));
    }
    let events = Recorder::default();
    let retort = Retort::open(p.path("migrations"))
        .url(&db.url)
        .progress(events.progress());

    let reports: Vec<Result<retort::RunReport, Error>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| scope.spawn(|| retort.upgrade("head")))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("no thread panics"))
            .collect()
    });
    let mut steps = Vec::new();
    for (n, report) in reports.into_iter().enumerate() {
        let report = report.unwrap_or_else(|e| {
            panic!(
                "upgrade {} of {THREADS} failed: {}",
                n + 1,
                retort::cli::report(&anyhow::Error::from(e))
            )
        });
        assert_eq!(sorted(&report.databases[0].after), [id(REVISIONS)]);
        steps.extend(
            report.databases[0]
                .steps
                .iter()
                .map(|s| s.step.revision.to_string()),
        );
    }
    steps.sort();
    let expected: Vec<String> = (1..=REVISIONS).map(id).collect();
    assert_eq!(
        steps, expected,
        "between them, the threads ran each revision once"
    );

    let mut log = db.log();
    log.sort();
    let expected_log: Vec<String> = (1..=REVISIONS)
        .map(|n| format!("{}|upgrade", id(n)))
        .collect();
    assert_eq!(
        log, expected_log,
        "one upgrade row per revision in retort_log"
    );
    assert_eq!(
        db.versions(),
        [id(REVISIONS)],
        "the version table is at head"
    );
    assert_eq!(db.user_tables().len(), REVISIONS);
    let started = events
        .take()
        .iter()
        .filter(|e| e.starts_with("step "))
        .count();
    assert_eq!(
        started, REVISIONS,
        "the shared progress receiver heard each step once"
    );
}
