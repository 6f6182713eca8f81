//! The runner: upgrade, downgrade and stamp, online or offline.
//!
//! The order of an online run (as sqlx's migrator, with a check first):
//! plan and render everything from the version rows as they are, without
//! writing anything (a bad target or revision leaves the database
//! untouched) -> take the migration lock (`lock`) -> ensure the version,
//! log and journal tables -> settle a revision an interrupted run left
//! (`journal`) -> read the version rows -> plan and render again from them
//! -> run each step (`execute`) -> unlock. Planning after the lock is what
//! makes a second concurrent run find the work already done.
//!
//! One executor (`execute`) runs every plan, over a sink (`sink`): a live
//! connection, or an offline script (`--sql`, [`offline`]), so both send
//! the same statements in the same transactions.

mod error;
mod execute;
mod journal;
mod load;
mod lock;
mod migrate;
pub mod offline;
mod prepare;
mod recover;
mod sink;
mod verify;

use std::time::Duration;

use retort_core::graph::{Direction, Step};
use retort_core::{RevisionId, ScriptDirectory};

pub use error::{Failure, PartlyCommitted, RunError, StepCause};
pub use migrate::{downgrade, run_plan, upgrade};
pub use verify::{Finding, FindingKind, Verification, verify};

use crate::connection::Connection;
use crate::journal_table::{DEFAULT_JOURNAL_TABLE, JournalEntry, JournalTable};
use crate::lock_table::{DEFAULT_LOCK_TABLE, LockHolder, LockTable};
use crate::log_table::LogTable;
use crate::version_table::VersionTable;

/// The name of the migration lock every run takes (a row of the lock
/// table, or SQLite's file lock).
pub const LOCK_NAME: &str = "retort_migrate";

/// How long a run's hold on the lock lasts without being renewed: a run
/// renews it every third of it while it runs, and a run that died without
/// releasing it is taken over once it ends.
pub const DEFAULT_LOCK_LEASE: Duration = Duration::from_secs(30);

/// How a run behaves.
#[derive(Clone, Debug)]
pub struct RunOptions {
    /// `--tag`: recorded in the log table with each revision run.
    pub tag: Option<String>,
    /// One transaction per revision (`transaction_per_migration`, default);
    /// false: one transaction for the whole run.
    pub transaction_per_migration: bool,
    /// How long to wait for another run's lock.
    pub lock_timeout: Duration,
    /// How long the lock is held without renewal (see
    /// [`DEFAULT_LOCK_LEASE`]).
    pub lock_lease: Duration,
    /// In a multi-database project, the database whose operations run.
    pub database: Option<String>,
    /// The `-x KEY=VALUE` arguments: `${x.KEY}` in `execute` operations.
    pub x_args: std::collections::BTreeMap<String, String>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            tag: None,
            transaction_per_migration: true,
            lock_timeout: crate::connection::DEFAULT_LOCK_TIMEOUT,
            lock_lease: DEFAULT_LOCK_LEASE,
            database: None,
            x_args: std::collections::BTreeMap::new(),
        }
    }
}

/// The tables retort keeps in one database.
#[derive(Clone, Debug)]
pub struct Tables {
    /// The version table.
    pub version: VersionTable,
    /// The log table.
    pub log: LogTable,
    /// The lock table (servers).
    pub lock: LockTable,
    /// The journal table (databases without transactional DDL).
    pub journal: JournalTable,
}

impl Tables {
    /// The tables a project's configuration names (all in the schema of
    /// the version table).
    pub fn from_config(config: &retort_core::Config) -> Tables {
        let schema = config.version_table_schema.clone();
        Tables {
            version: VersionTable::from_config(config),
            log: LogTable::from_config(config),
            lock: LockTable::new(DEFAULT_LOCK_TABLE, schema.clone()),
            journal: JournalTable::new(DEFAULT_JOURNAL_TABLE, schema),
        }
    }

    /// The names of the four tables (which autogenerate never reports).
    pub fn names(&self) -> Vec<String> {
        vec![
            self.version.name.clone(),
            self.log.name.clone(),
            self.lock.name.clone(),
            self.journal.name.clone(),
        ]
    }
}

/// Hears about each step as it runs (the CLI shows it on a terminal).
pub trait Progress {
    /// Step `index` of `total` starts; `message` is its revision's message.
    fn step(&mut self, index: usize, total: usize, step: &Step, message: &str);
    /// The step finished after `elapsed`.
    fn done(&mut self, elapsed: Duration);
    /// Something worth telling as it happens: waiting for another run's
    /// lock, finishing a revision an earlier run left unfinished.
    fn note(&mut self, _text: &str) {}
}

/// A [`Progress`] that shows nothing.
pub struct Silent;

impl Progress for Silent {
    fn step(&mut self, _: usize, _: usize, _: &Step, _: &str) {}
    fn done(&mut self, _: Duration) {}
}

/// What a run did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunReport {
    /// The version rows before the run.
    pub before: Vec<RevisionId>,
    /// The version rows after it.
    pub after: Vec<RevisionId>,
    /// How many revisions ran.
    pub steps: usize,
}

/// Sets the version rows to `targets` without running any operation
/// (`--purge` first empties the table, even of unknown revisions). A
/// revision an interrupted run left unfinished is forgotten: stamping
/// says where the database is.
pub fn stamp(
    dir: &ScriptDirectory,
    conn: &mut dyn Connection,
    targets: &[&str],
    purge: bool,
    opts: &RunOptions,
) -> Result<RunReport, RunError> {
    let tables = Tables::from_config(&dir.config);
    // Checked before anything is written.
    dir.graph
        .plan_stamp(&tables.version.read(conn)?, targets, purge)?;
    let guard = lock::acquire(conn, &tables, opts, &mut Silent)?;
    let result = (|| {
        tables.version.ensure(conn)?;
        let before = tables.version.read(conn)?;
        let updates = dir.graph.plan_stamp(&before, targets, purge)?;
        let mut after = before.clone();
        let transactional = conn.supports_transactional_ddl();
        let clear_journal = tables.journal.exists(conn)?;
        conn.begin()?;
        let applied = updates
            .iter()
            .try_for_each(|u| {
                tables.version.apply(conn, u)?;
                u.apply(&mut after).map_err(RunError::from)
            })
            .and_then(|()| {
                if clear_journal {
                    conn.execute(&tables.journal.clear_sql(conn.dialect()))?;
                }
                Ok(())
            });
        match applied {
            Ok(()) => conn.commit()?,
            Err(e) => {
                conn.rollback()?;
                return Err(e);
            }
        }
        let _ = transactional;
        Ok(RunReport {
            before,
            after,
            steps: 0,
        })
    })();
    let released = guard.release(conn);
    let report = result?;
    released?;
    Ok(report)
}

/// The version rows: the revisions the database is at (one per head).
pub fn current(
    dir: &ScriptDirectory,
    conn: &mut dyn Connection,
) -> Result<Vec<RevisionId>, RunError> {
    Ok(Tables::from_config(&dir.config).version.read(conn)?)
}

/// The revisions an interrupted run left unfinished (MySQL/MariaDB).
///
/// Each entry's `done` counts a schema statement the run was about to run
/// when the schema says it ran (the next run records it so).
pub fn interrupted(
    dir: &ScriptDirectory,
    conn: &mut dyn Connection,
) -> Result<Vec<JournalEntry>, RunError> {
    let dialect = conn.dialect().dialect();
    let mut entries = Tables::from_config(&dir.config).journal.read(conn)?;
    for entry in &mut entries {
        if dir.graph.get(&entry.revision).is_some() {
            entry.done =
                journal::statements_run(conn, &dir.graph, dialect, &RunOptions::default(), entry)?;
        }
    }
    Ok(entries)
}

/// Who holds the migration lock now (servers; SQLite's file lock cannot
/// be read).
pub fn lock_holder(
    dir: &ScriptDirectory,
    conn: &mut dyn Connection,
) -> Result<Option<LockHolder>, RunError> {
    Ok(lock::holder(conn, &Tables::from_config(&dir.config))?)
}

/// `retort unlock`: deletes the lock row, whoever holds it; returns who
/// held it. SQLite's lock needs no clearing (the operating system releases
/// it with the process).
pub fn unlock(
    dir: &ScriptDirectory,
    conn: &mut dyn Connection,
) -> Result<Option<LockHolder>, RunError> {
    let tables = Tables::from_config(&dir.config);
    let holder = lock::holder(conn, &tables)?;
    if holder.is_some() {
        conn.execute(&tables.lock.clear_sql(conn.dialect(), LOCK_NAME))?;
    }
    Ok(holder)
}

/// Version rows for messages: `a, b`, or `base` when there are none.
pub fn rows_text(rows: &[RevisionId]) -> String {
    if rows.is_empty() {
        "base (no version rows)".to_owned()
    } else {
        rows.iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The word Alembic logs for a direction.
pub fn direction_word(direction: Direction) -> &'static str {
    match direction {
        Direction::Upgrade => "upgrade",
        Direction::Downgrade => "downgrade",
    }
}
