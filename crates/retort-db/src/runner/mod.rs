//! The runner: upgrade, downgrade and stamp, online or offline.
//!
//! The order of an online run (as sqlx's migrator): take the database lock
//! -> ensure the version and log tables -> read the version rows -> plan
//! from them -> run each step -> unlock. Planning after the lock is what
//! makes a second concurrent run find the work already done.
//!
//! Every statement reaches the database through [`Connection::execute`];
//! offline (`--sql`), the same statements are written to a script instead
//! ([`offline`]).

mod error;
mod load;
pub mod offline;
mod online;

use std::time::Duration;

use retort_core::graph::{Direction, Plan, Step};
use retort_core::{Dialect, RevisionId, ScriptDirectory};

pub use error::{Failure, RunError, StepCause};

use crate::connection::Connection;
use crate::log_table::LogTable;
use crate::version_table::VersionTable;

/// The name of the database lock every run takes.
pub const LOCK_NAME: &str = "retort_migrate";

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
    /// In a multi-database project, the database whose operations run.
    pub database: Option<String>,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            tag: None,
            transaction_per_migration: true,
            lock_timeout: crate::connection::DEFAULT_LOCK_TIMEOUT,
            database: None,
        }
    }
}

/// The version and log tables of one database.
#[derive(Clone, Debug)]
pub struct Tables {
    /// The version table.
    pub version: VersionTable,
    /// The log table.
    pub log: LogTable,
}

impl Tables {
    /// The tables a project's configuration names.
    pub fn from_config(config: &retort_core::Config) -> Tables {
        Tables {
            version: VersionTable::from_config(config),
            log: LogTable::from_config(config),
        }
    }
}

/// Hears about each step as it runs (the CLI shows it on a terminal).
pub trait Progress {
    /// Step `index` of `total` starts; `message` is its revision's message.
    fn step(&mut self, index: usize, total: usize, step: &Step, message: &str);
    /// The step finished after `elapsed`.
    fn done(&mut self, elapsed: Duration);
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

/// Upgrades the database to `target` (`head`, `heads`, `+2`, an id, ...).
pub fn upgrade(
    dir: &ScriptDirectory,
    conn: &mut dyn Connection,
    dialect: &dyn Dialect,
    target: &str,
    opts: &RunOptions,
    progress: &mut dyn Progress,
) -> Result<RunReport, RunError> {
    migrate(dir, conn, dialect, opts, progress, |rows| {
        Ok(dir.graph.plan_upgrade(rows, target)?)
    })
}

/// Downgrades the database to `target` (`-1`, `base`, an id, ...).
pub fn downgrade(
    dir: &ScriptDirectory,
    conn: &mut dyn Connection,
    dialect: &dyn Dialect,
    target: &str,
    opts: &RunOptions,
    progress: &mut dyn Progress,
) -> Result<RunReport, RunError> {
    migrate(dir, conn, dialect, opts, progress, |rows| {
        Ok(dir.graph.plan_downgrade(rows, target)?)
    })
}

/// Lock, ensure the tables, plan from the rows, run, unlock.
fn migrate(
    dir: &ScriptDirectory,
    conn: &mut dyn Connection,
    dialect: &dyn Dialect,
    opts: &RunOptions,
    progress: &mut dyn Progress,
    plan: impl FnOnce(&[RevisionId]) -> Result<Plan, RunError>,
) -> Result<RunReport, RunError> {
    let tables = Tables::from_config(&dir.config);
    with_lock(conn, opts, |conn| {
        tables.version.ensure(conn)?;
        tables.log.ensure(conn)?;
        let before = tables.version.read(conn)?;
        let plan = plan(&before)?;
        let ctx = online::Context {
            graph: &dir.graph,
            conn,
            dialect,
            tables: &tables,
            opts,
        };
        let after = online::run_plan(ctx, &plan, before.clone(), progress)?;
        Ok(RunReport {
            before,
            after,
            steps: plan.steps.len(),
        })
    })
}

/// Sets the version rows to `targets` without running any operation
/// (`--purge` first empties the table, even of unknown revisions).
pub fn stamp(
    dir: &ScriptDirectory,
    conn: &mut dyn Connection,
    targets: &[&str],
    purge: bool,
    opts: &RunOptions,
) -> Result<RunReport, RunError> {
    let tables = Tables::from_config(&dir.config);
    with_lock(conn, opts, |conn| {
        tables.version.ensure(conn)?;
        let before = tables.version.read(conn)?;
        let updates = dir.graph.plan_stamp(&before, targets, purge)?;
        let mut after = before.clone();
        let transactional = conn.supports_transactional_ddl();
        if transactional {
            conn.begin()?;
        }
        let applied = updates.iter().try_for_each(|u| {
            tables.version.apply(conn, u)?;
            u.apply(&mut after).map_err(RunError::from)
        });
        match applied {
            Ok(()) if transactional => conn.commit()?,
            Ok(()) => {}
            Err(e) => {
                if transactional {
                    conn.rollback()?;
                }
                return Err(e);
            }
        }
        Ok(RunReport {
            before,
            after,
            steps: 0,
        })
    })
}

/// The version rows: the revisions the database is at (one per head).
pub fn current(
    dir: &ScriptDirectory,
    conn: &mut dyn Connection,
) -> Result<Vec<RevisionId>, RunError> {
    Ok(Tables::from_config(&dir.config).version.read(conn)?)
}

/// Runs `work` holding the database lock, releasing it whatever happens.
fn with_lock<T>(
    conn: &mut dyn Connection,
    opts: &RunOptions,
    work: impl FnOnce(&mut dyn Connection) -> Result<T, RunError>,
) -> Result<T, RunError> {
    conn.lock(LOCK_NAME, opts.lock_timeout)?;
    let result = work(conn);
    let unlocked = conn.unlock(LOCK_NAME);
    let value = result?;
    unlocked?;
    Ok(value)
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
