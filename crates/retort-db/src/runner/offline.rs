//! Offline mode (`--sql`): the complete script of a plan, written instead of
//! run, without connecting. `sqlite3`, `psql` and `mariadb` run it as is.
//! The script comes from the same executor as an online run (see
//! `execute`), so it holds the same statements in the same transactions.

use std::io::Write;

use retort_core::Dialect;
use retort_core::ScriptDirectory;
use retort_core::graph::{Plan, VersionUpdate};

use super::execute::{self, Context};
use super::prepare::{Mode, prepare};
use super::sink::{Script, Sink};
use super::{RunError, RunOptions, Silent, Tables};
use crate::url::DialectName;

/// Where an offline script starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// From an empty database: the script creates the version and log
    /// tables (`IF NOT EXISTS`, so it also replays where they exist).
    Base,
    /// From a database that already has them.
    Existing,
}

/// Writes the script of `plan`: the version and log tables (from base),
/// each revision's statements under `-- Running upgrade a -> b`, its
/// version-table update and log row, and the dialect's transaction
/// statements (one transaction per revision, or one in all).
///
/// The script is written only once all of it is rendered: when a revision
/// cannot be rendered offline, nothing reaches `out` (a half script ending
/// in an open `BEGIN;` would be worse than none).
pub fn write_plan(
    dir: &ScriptDirectory,
    plan: &Plan,
    dialect: &dyn Dialect,
    name: DialectName,
    start: Start,
    opts: &RunOptions,
    out: &mut dyn Write,
) -> Result<(), RunError> {
    let prepared = prepare(&dir.graph, plan, dialect, opts, Mode::Offline)?;
    let tables = Tables::from_config(&dir.config);
    let ctx = Context {
        dialect,
        tables: &tables,
        opts,
        lock: None,
        interrupted: None,
        create_tables: start == Start::Base,
    };
    let mut script = Vec::with_capacity(64 * plan.steps.len() + 1024);
    let mut sink = Script {
        out: &mut script,
        dialect: name,
    };
    session(dialect, &mut sink)?;
    execute::run(&ctx, &prepared, &mut sink, Vec::new(), &mut Silent)?;
    out.write_all(&script)?;
    Ok(())
}

/// Writes the version-table statements of a `stamp --sql`.
pub fn write_stamp(
    dir: &ScriptDirectory,
    updates: &[VersionUpdate],
    dialect: &dyn Dialect,
    name: DialectName,
    start: Start,
    out: &mut dyn Write,
) -> Result<(), RunError> {
    let tables = Tables::from_config(&dir.config);
    let mut script = Vec::new();
    let mut sink = Script {
        out: &mut script,
        dialect: name,
    };
    session(dialect, &mut sink)?;
    let transactional = dialect.supports_transactional_ddl();
    if transactional {
        sink.begin()?;
    }
    if start == Start::Base {
        sink.statement(&tables.version.create_sql(name))?;
    }
    for update in updates {
        for (sql, _) in tables.version.update_plan(name, update) {
            sink.statement(&sql)?;
        }
    }
    if transactional {
        sink.commit()?;
    }
    out.write_all(&script)?;
    Ok(())
}

/// The statements that make the client's session read the script as
/// retort wrote it (what a driver runs when it connects; MySQL: the
/// backslash escapes of its string literals).
fn session(dialect: &dyn Dialect, sink: &mut Script<'_>) -> Result<(), RunError> {
    for statement in dialect.session_statements() {
        sink.statement(statement.as_str())?;
    }
    Ok(())
}
