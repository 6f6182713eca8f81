//! Offline mode (`--sql`): the complete script of a plan, written instead of
//! run, without connecting. `sqlite3`, `psql` and `mariadb` run it as is.

use std::io::Write;
use std::time::{Duration, SystemTime};

use retort_core::Dialect;
use retort_core::ScriptDirectory;
use retort_core::graph::{Plan, VersionUpdate};

use super::load::step_ops;
use super::{RunError, RunOptions, Tables};
use crate::log_table::LogEntry;
use crate::url::DialectName;

/// Where an offline script starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// From an empty database: the script creates the version and log tables.
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
    let mut script = Vec::with_capacity(64 * plan.steps.len() + 1024);
    render_plan(dir, plan, dialect, name, start, opts, &mut script)?;
    out.write_all(&script)?;
    Ok(())
}

fn render_plan(
    dir: &ScriptDirectory,
    plan: &Plan,
    dialect: &dyn Dialect,
    name: DialectName,
    start: Start,
    opts: &RunOptions,
    out: &mut dyn Write,
) -> Result<(), RunError> {
    let tables = Tables::from_config(&dir.config);
    let transactional = dialect.supports_transactional_ddl();
    let per_revision = transactional && opts.transaction_per_migration;
    let whole = transactional && !opts.transaction_per_migration;
    if whole {
        writeln!(out, "BEGIN;\n")?;
    }
    if start == Start::Base {
        if per_revision {
            writeln!(out, "BEGIN;\n")?;
        }
        writeln!(out, "{};\n", tables.version.create_sql(name))?;
        writeln!(out, "{};\n", tables.log.create_sql(name))?;
        if per_revision {
            writeln!(out, "COMMIT;\n")?;
        }
    }
    for step in &plan.steps {
        let ops = step_ops(&dir.graph, step, opts.database.as_deref())?;
        if per_revision {
            writeln!(out, "BEGIN;\n")?;
        }
        writeln!(out, "-- Running {step}\n")?;
        for (label, op) in &ops.ops {
            let statements = dialect.render(op).map_err(|e| RunError::Revision {
                revision: step.revision.clone(),
                message: format!("{label}: {e}"),
            })?;
            for s in statements {
                writeln!(out, "{};\n", s.as_str())?;
            }
        }
        write_version_update(out, &tables, name, &step.version)?;
        let entry = LogEntry {
            revision: step.revision.clone(),
            direction: step.direction,
            tag: opts.tag.clone(),
            started_at: SystemTime::now(),
            duration: Duration::ZERO,
            checksum: Some(ops.checksum),
        };
        writeln!(out, "{};\n", tables.log.insert_sql(name, &entry))?;
        if per_revision {
            writeln!(out, "COMMIT;\n")?;
        }
    }
    if whole {
        writeln!(out, "COMMIT;\n")?;
    }
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
    let transactional = dialect.supports_transactional_ddl();
    if transactional {
        writeln!(out, "BEGIN;\n")?;
    }
    if start == Start::Base {
        writeln!(out, "{};\n", tables.version.create_sql(name))?;
    }
    for update in updates {
        write_version_update(out, &tables, name, update)?;
    }
    if transactional {
        writeln!(out, "COMMIT;\n")?;
    }
    Ok(())
}

fn write_version_update(
    out: &mut dyn Write,
    tables: &Tables,
    name: DialectName,
    update: &VersionUpdate,
) -> Result<(), RunError> {
    for s in tables.version.update_statements(name, update) {
        writeln!(out, "{s};\n")?;
    }
    Ok(())
}
