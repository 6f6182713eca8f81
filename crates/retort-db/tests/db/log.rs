//! The log table: created when missing, and written in the same
//! transaction as the version table update.

use std::time::{Duration, UNIX_EPOCH};

use retort_core::RevisionId;
use retort_core::graph::{Direction, VersionUpdate};
use retort_db::{DialectName, LogEntry, LogTable, VersionTable};

use crate::support::{TestDb, on_every_database};

fn entry(revision: &str, tag: Option<&str>) -> LogEntry {
    LogEntry {
        revision: RevisionId::new(revision),
        direction: Direction::Upgrade,
        tag: tag.map(str::to_owned),
        // Whole microseconds: what every dialect stores exactly.
        started_at: UNIX_EPOCH + Duration::from_micros(1_790_000_000_123_456),
        duration: Duration::from_millis(1234),
        checksum: Some("sha256:0123abcd".into()),
    }
}

fn written_in_the_same_transaction_as_the_version_update(db: &mut TestDb) {
    let mut conn = db.connect();
    let versions = VersionTable::new("retort_version", None);
    let log = LogTable::new("retort_log", None);
    versions.ensure(conn.as_mut()).unwrap();
    log.ensure(conn.as_mut()).unwrap();
    log.ensure(conn.as_mut()).unwrap();

    // A failed step: both changes go.
    conn.begin().unwrap();
    versions
        .apply(
            conn.as_mut(),
            &VersionUpdate::Insert(RevisionId::new("aaa")),
        )
        .unwrap();
    log.insert(conn.as_mut(), &entry("aaa", None)).unwrap();
    conn.rollback().unwrap();
    assert!(versions.read(conn.as_mut()).unwrap().is_empty());
    assert!(log.read(conn.as_mut()).unwrap().is_empty());

    // A good step: both stay.
    let done = entry("aaa", Some("release-1 'quoted'"));
    conn.begin().unwrap();
    versions
        .apply(
            conn.as_mut(),
            &VersionUpdate::Insert(RevisionId::new("aaa")),
        )
        .unwrap();
    log.insert(conn.as_mut(), &done).unwrap();
    conn.commit().unwrap();
    let mut other = db.connect();
    assert_eq!(
        versions.read(other.as_mut()).unwrap(),
        vec![RevisionId::new("aaa")]
    );
    assert_eq!(log.read(other.as_mut()).unwrap(), vec![done]);
}

fn rows_without_tag_or_checksum_read_back(db: &mut TestDb) {
    let mut conn = db.connect();
    let log = LogTable::new("retort_log", None);
    log.ensure(conn.as_mut()).unwrap();
    let mut first = entry("aaa", None);
    first.checksum = None;
    let mut second = entry("aaa", None);
    second.direction = Direction::Downgrade;
    second.started_at += Duration::from_secs(90);
    second.duration = Duration::ZERO;
    log.insert(conn.as_mut(), &second).unwrap();
    log.insert(conn.as_mut(), &first).unwrap();
    assert_eq!(log.read(conn.as_mut()).unwrap(), vec![first, second]);
}

on_every_database!(
    written_in_the_same_transaction_as_the_version_update,
    rows_without_tag_or_checksum_read_back,
);

#[test]
fn the_insert_as_text() {
    let log = LogTable::new("retort_log", None);
    assert_eq!(
        log.insert_sql(DialectName::Postgresql, &entry("aaa", None)),
        "INSERT INTO \"retort_log\" (revision, direction, tag, started_at, duration_ms, checksum) \
         VALUES ('aaa', 'upgrade', NULL, '2026-09-21 14:13:20.123456', 1234, 'sha256:0123abcd')"
    );
    assert!(log.create_sql(DialectName::Mysql).contains("DATETIME(6)"));
}
