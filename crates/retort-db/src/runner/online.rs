//! Running a plan against a live database: each revision in its own
//! transaction with its version-table update and log row where DDL is
//! transactional, and an undo by inverse operations where it is not.

use std::time::{Instant, SystemTime};

use retort_core::dialect::{Dialect, DialectError, render_batch};
use retort_core::graph::{Plan, Step};
use retort_core::{Operation, RevisionGraph, RevisionId, Statement};

use super::error::{Failure, StepCause};
use super::load::step_ops;
use super::{Progress, RunError, RunOptions, Tables, rows_text};
use crate::connection::Connection;
use crate::error::DbError;
use crate::log_table::LogEntry;

/// What a run works with: the graph, the database, its dialect and tables.
pub struct Context<'a> {
    /// The revision graph.
    pub graph: &'a RevisionGraph,
    /// The database, locked by the caller.
    pub conn: &'a mut dyn Connection,
    /// Its dialect.
    pub dialect: &'a dyn Dialect,
    /// Its version and log tables.
    pub tables: &'a Tables,
    /// How to run.
    pub opts: &'a RunOptions,
}

/// An operation that ran, with the statements it sent.
struct Applied {
    label: String,
    op: Operation,
    statements: Vec<Statement>,
}

/// Runs `plan` from the version rows `rows`; returns the rows after it.
/// The caller holds the database lock.
pub fn run_plan(
    ctx: Context<'_>,
    plan: &Plan,
    rows: Vec<RevisionId>,
    progress: &mut dyn Progress,
) -> Result<Vec<RevisionId>, RunError> {
    let Context {
        graph,
        conn,
        dialect,
        tables,
        opts,
    } = ctx;
    let transactional = dialect.supports_transactional_ddl();
    let one_transaction = transactional && !opts.transaction_per_migration;
    let start_rows = rows.clone();
    let mut rows = rows;
    if one_transaction {
        conn.begin()?;
    }
    let total = plan.steps.len();
    for (index, step) in plan.steps.iter().enumerate() {
        let ops = match step_ops(graph, step, opts.database.as_deref()) {
            Ok(ops) => ops,
            Err(e) => {
                if one_transaction {
                    conn.rollback()?;
                }
                return Err(e);
            }
        };
        progress.step(index, total, step, &ops.message);
        let started_at = SystemTime::now();
        let started = Instant::now();
        // SQLite ignores `PRAGMA foreign_keys` inside a transaction: switch
        // enforcement off before it when a batch may rebuild a table.
        let needs_fk_off = dialect.rebuild_needs_foreign_keys_off()
            && ops
                .ops
                .iter()
                .any(|(_, op)| matches!(op, Operation::BatchAlterTable { .. }))
            && !one_transaction
            && foreign_keys_on(conn)?;
        if needs_fk_off {
            conn.execute("PRAGMA foreign_keys=OFF")?;
        }
        if transactional && !one_transaction {
            conn.begin()?;
        }
        let result = apply_step(conn, dialect, &ops.ops).and_then(|applied| {
            if needs_fk_off {
                check_foreign_keys(conn, step)?;
            }
            tables.version.apply(conn, &step.version)?;
            tables.log.insert(
                conn,
                &LogEntry {
                    revision: step.revision.clone(),
                    direction: step.direction,
                    tag: opts.tag.clone(),
                    started_at,
                    duration: started.elapsed(),
                    checksum: Some(ops.checksum.clone()),
                },
            )?;
            Ok(applied)
        });
        match result {
            Ok(_) => {
                if transactional && !one_transaction {
                    conn.commit()?;
                }
                if needs_fk_off {
                    conn.execute("PRAGMA foreign_keys=ON")?;
                }
                step.version.apply(&mut rows)?;
                progress.done(started.elapsed());
            }
            Err(failure) => {
                let at = if one_transaction { &start_rows } else { &rows };
                let err = recover(conn, dialect, step, failure, transactional, at);
                if needs_fk_off {
                    let _ = conn.execute("PRAGMA foreign_keys=ON");
                }
                return Err(err);
            }
        }
    }
    if one_transaction {
        conn.commit()?;
    }
    Ok(rows)
}

/// Why a step failed: before any statement ran (bad revision), or at a
/// statement, with the operations that had run by then.
enum StepFailure {
    Early(RunError),
    Statement(Box<StatementFailure>),
}

/// An operation that failed, and the operations of the step that had run.
struct StatementFailure {
    label: String,
    source: StepCause,
    applied: Vec<Applied>,
    partial: Vec<Statement>,
}

impl From<RunError> for StepFailure {
    fn from(e: RunError) -> Self {
        StepFailure::Early(e)
    }
}

impl From<DbError> for StepFailure {
    fn from(e: DbError) -> Self {
        StepFailure::Early(RunError::Db(e))
    }
}

/// Renders and runs each operation of a step, in order. Rendering happens
/// just before running, so a batch rebuild reads the table as the earlier
/// operations of the same revision left it.
fn apply_step(
    conn: &mut dyn Connection,
    dialect: &dyn Dialect,
    ops: &[(String, Operation)],
) -> Result<Vec<Applied>, StepFailure> {
    let mut applied: Vec<Applied> = Vec::new();
    for (label, op) in ops {
        let statements = match render_online(conn, dialect, op) {
            Ok(s) => s,
            Err(e) => {
                return Err(StepFailure::Statement(Box::new(StatementFailure {
                    label: label.clone(),
                    source: e.into(),
                    applied,
                    partial: Vec::new(),
                })));
            }
        };
        for (i, statement) in statements.iter().enumerate() {
            if let Err(source) = conn.execute(statement.as_str()) {
                return Err(StepFailure::Statement(Box::new(StatementFailure {
                    label: label.clone(),
                    source: source.into(),
                    applied,
                    partial: statements[..i].to_vec(),
                })));
            }
        }
        applied.push(Applied {
            label: label.clone(),
            op: op.clone(),
            statements,
        });
    }
    Ok(applied)
}

/// Renders one operation; a batch that must rebuild its table is rendered
/// from the table's live definition.
fn render_online(
    conn: &mut dyn Connection,
    dialect: &dyn Dialect,
    op: &Operation,
) -> Result<Vec<Statement>, DialectError> {
    match dialect.render(op) {
        Err(DialectError::NeedsCurrentTable {
            dialect: name,
            table,
            reason,
        }) => {
            let Operation::BatchAlterTable {
                table: t,
                recreate,
                ops,
            } = op
            else {
                return Err(DialectError::NeedsCurrentTable {
                    dialect: name,
                    table,
                    reason,
                });
            };
            let current = current_table(conn, t)
                .map_err(|e| DialectError::NeedsCurrentTable {
                    dialect: name,
                    table: table.clone(),
                    reason: format!("{reason}; reading its definition failed: {e}"),
                })?
                .ok_or_else(|| DialectError::NeedsCurrentTable {
                    dialect: name,
                    table: table.clone(),
                    reason: format!("{reason}; but the table does not exist"),
                })?;
            Ok(render_batch(dialect, &current, ops, *recreate)?.statements)
        }
        other => other,
    }
}

/// The live definition of a table that a batch must rebuild, with the
/// views and triggers that depend on it. Only SQLite rebuilds tables;
/// elsewhere batch operations run as `ALTER TABLE`.
fn current_table(
    conn: &mut dyn Connection,
    table: &retort_core::schema::TableName,
) -> Result<Option<retort_core::dialect::RebuildSource>, String> {
    match conn.dialect() {
        crate::url::DialectName::Sqlite => {
            crate::inspect::inspect_sqlite_rebuild(conn, table).map_err(|e| e.to_string())
        }
        other => Err(format!(
            "{} runs batch operations as ALTER TABLE and never rebuilds a table; use recreate = \"auto\"",
            other.product()
        )),
    }
}

fn foreign_keys_on(conn: &mut dyn Connection) -> Result<bool, DbError> {
    let rows = conn.query_column("PRAGMA foreign_keys")?;
    Ok(rows.first().is_some_and(|v| v == "1"))
}

fn check_foreign_keys(conn: &mut dyn Connection, step: &Step) -> Result<(), StepFailure> {
    let rows = conn.query_strings("PRAGMA foreign_key_check")?;
    if let Some(first) = rows.first() {
        let first = first
            .iter()
            .map(|v| v.as_deref().unwrap_or("NULL"))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(StepFailure::Early(RunError::ForeignKeys {
            revision: step.revision.clone(),
            count: rows.len(),
            first,
        }));
    }
    Ok(())
}

/// Leaves the database at the last good revision and says what happened:
/// a rollback where DDL is transactional, else the inverse operations of
/// what ran, newest first.
fn recover(
    conn: &mut dyn Connection,
    dialect: &dyn Dialect,
    step: &Step,
    failure: StepFailure,
    transactional: bool,
    rows: &[RevisionId],
) -> RunError {
    let at = rows_text(rows);
    let (label, source, applied, partial) = match failure {
        StepFailure::Early(e) => {
            let _ = conn.rollback();
            return e;
        }
        StepFailure::Statement(f) => {
            let StatementFailure {
                label,
                source,
                applied,
                partial,
            } = *f;
            (label, source, applied, partial)
        }
    };
    if transactional {
        if let Err(e) = conn.rollback() {
            return RunError::Db(e);
        }
        return RunError::RolledBack(Box::new(Failure {
            revision: step.revision.clone(),
            step: step.to_string(),
            operation: label,
            source,
            report: String::new(),
            at,
        }));
    }
    let mut report = Vec::new();
    if !partial.is_empty() {
        report.push(format!(
            "before it failed, {label} ran these statements, which retort cannot undo: {}",
            join_statements(&partial)
        ));
    }
    for done in applied.iter().rev() {
        let undo = done
            .op
            .reverse()
            .map_err(|e| e.to_string())
            .and_then(|inverse| dialect.render(&inverse).map_err(|e| e.to_string()))
            .and_then(|statements| {
                for s in &statements {
                    conn.execute(s.as_str()).map_err(|e| e.to_string())?;
                }
                Ok(statements)
            });
        match undo {
            Ok(statements) => report.push(format!(
                "undid {} with: {}",
                done.label,
                join_statements(&statements)
            )),
            Err(why) => report.push(format!(
                "could NOT undo {} ({why}); these statements ran: {}",
                done.label,
                join_statements(&done.statements)
            )),
        }
    }
    if report.is_empty() {
        report.push("no statement of the revision had run".into());
    }
    RunError::Undone(Box::new(Failure {
        revision: step.revision.clone(),
        step: step.to_string(),
        operation: label,
        source,
        report: report.join("\n"),
        at,
    }))
}

fn join_statements(statements: &[Statement]) -> String {
    statements
        .iter()
        .map(|s| format!("`{}`", s.as_str()))
        .collect::<Vec<_>>()
        .join("; ")
}
