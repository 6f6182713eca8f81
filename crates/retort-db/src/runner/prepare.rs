//! A plan checked before its first statement: every revision of it typed,
//! every operation rendered for the database, the limits of the version and
//! log tables checked. Any error here leaves the database untouched.
//!
//! A SQLite `batch_alter_table` that rebuilds its table is the one thing
//! rendered later, from the table's live definition when it runs (earlier
//! operations of the same run may change it); here its nested operations
//! are checked on their own.

use retort_core::dialect::{
    Dialect, DialectError, is_data_statement, render_batch, split_statements,
};
use retort_core::graph::{Plan, Step};
use retort_core::{Operation, RevisionGraph, Statement};

use super::load::step_ops;
use super::recover::StepFailure;
use super::sink::Sink;
use super::{RunError, RunOptions};
use crate::log_table::MAX_TAG_LENGTH;
use crate::version_table::MAX_REVISION_ID_LENGTH;

/// A plan whose every step is ready to run.
pub(crate) struct Prepared {
    /// The steps, in running order.
    pub steps: Vec<PreparedStep>,
}

impl Prepared {
    /// True when some step rebuilds a table.
    pub fn rebuilds(&self) -> bool {
        self.steps.iter().any(PreparedStep::rebuilds)
    }

    /// True when some statement must run outside a transaction.
    pub fn outside_transaction(&self) -> bool {
        self.steps.iter().any(PreparedStep::outside_transaction)
    }
}

/// One revision, ready to run.
pub(crate) struct PreparedStep {
    /// The step.
    pub step: Step,
    /// The revision's message.
    pub message: String,
    /// The checksum of its file (for the log table).
    pub checksum: String,
    /// Its operations.
    pub ops: Vec<PreparedOp>,
}

impl PreparedStep {
    /// True when an operation rebuilds a table.
    pub fn rebuilds(&self) -> bool {
        self.ops
            .iter()
            .any(|op| matches!(op.render, Rendered::Rebuild))
    }

    /// True when a statement of the step must run outside a transaction
    /// (`concurrently = true` on PostgreSQL): the step commits what runs
    /// before it, so online its progress is journaled.
    pub fn outside_transaction(&self) -> bool {
        self.ops.iter().any(|op| match &op.render {
            Rendered::Statements(s) => s.iter().any(|p| p.statement.runs_outside_transaction()),
            Rendered::Rebuild => false,
        })
    }

    /// How many statements are known before the run (all of them, where
    /// no table is rebuilt).
    pub fn statement_count(&self) -> usize {
        self.ops
            .iter()
            .map(|op| match &op.render {
                Rendered::Statements(s) => s.len(),
                Rendered::Rebuild => 0,
            })
            .sum()
    }
}

/// One operation, ready to run.
pub(crate) struct PreparedOp {
    /// `upgrade operation 2 (add_column on user)`.
    pub label: String,
    /// The operation.
    pub op: Operation,
    /// Its statements.
    pub render: Rendered,
}

impl PreparedOp {
    /// The tables whose schema the operation changes, to fingerprint
    /// before a statement of it runs; `None` when unknown (`execute`, enum
    /// types), meaning the whole database.
    /// Names keep their schema: a table of another schema (database) is
    /// fingerprinted there, not as its namesake in the default one.
    pub fn tables(&self) -> Option<Vec<retort_core::schema::TableName>> {
        let table = self.op.table()?;
        let mut names = vec![table.clone()];
        if let Operation::RenameTable { new_name, .. } = &self.op {
            names.push(retort_core::schema::TableName {
                schema: table.schema.clone(),
                name: new_name.clone(),
            });
        }
        Some(names)
    }
}

/// An index built or dropped concurrently: its schema, its name, and
/// whether it is built.
pub(crate) struct ConcurrentIndex<'a> {
    /// The schema (the table's), or `None` for the search path's.
    pub schema: Option<&'a str>,
    /// The index's name.
    pub name: &'a str,
    /// `create_index` (else `drop_index`).
    pub create: bool,
}

impl PreparedOp {
    /// The index the operation builds or drops concurrently, if it does.
    pub fn concurrent_index(&self) -> Option<ConcurrentIndex<'_>> {
        match &self.op {
            Operation::CreateIndex {
                table,
                index,
                concurrently: true,
            } => Some(ConcurrentIndex {
                schema: table.schema.as_deref(),
                name: &index.name,
                create: true,
            }),
            Operation::DropIndex {
                table,
                name,
                concurrently: true,
                ..
            } => Some(ConcurrentIndex {
                schema: table.schema.as_deref(),
                name,
                create: false,
            }),
            _ => None,
        }
    }
}

/// An operation's statements.
pub(crate) enum Rendered {
    /// Known before the run.
    Statements(Vec<PreparedStatement>),
    /// A table rebuild, rendered from the table's live definition when it
    /// runs.
    Rebuild,
}

/// One statement and what the runner must know to record its progress.
#[derive(Clone, Debug)]
pub(crate) struct PreparedStatement {
    /// The SQL.
    pub statement: Statement,
    /// It only changes rows: on a database without transactional DDL it
    /// commits together with its progress record.
    pub data: bool,
}

/// Where a prepared plan will run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// Against a live database (table rebuilds can read the table).
    Online,
    /// Written to a script (`--sql`).
    Offline,
}

/// Checks the options that end up in the database before anything runs.
pub(crate) fn check_options(opts: &RunOptions) -> Result<(), RunError> {
    if let Some(tag) = &opts.tag
        && tag.chars().count() > MAX_TAG_LENGTH
    {
        return Err(RunError::TagTooLong {
            length: tag.chars().count(),
            max: MAX_TAG_LENGTH,
        });
    }
    Ok(())
}

/// Types and renders every step of `plan`.
pub(crate) fn prepare(
    graph: &RevisionGraph,
    plan: &Plan,
    dialect: &dyn Dialect,
    opts: &RunOptions,
    mode: Mode,
) -> Result<Prepared, RunError> {
    check_options(opts)?;
    let steps = plan
        .steps
        .iter()
        .map(|step| prepare_step(graph, step, dialect, opts, mode))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Prepared { steps })
}

/// Types and renders one step.
pub(crate) fn prepare_step(
    graph: &RevisionGraph,
    step: &Step,
    dialect: &dyn Dialect,
    opts: &RunOptions,
    mode: Mode,
) -> Result<PreparedStep, RunError> {
    for id in std::iter::once(&step.revision).chain(step.to.iter()) {
        if id.chars().count() > MAX_REVISION_ID_LENGTH {
            return Err(RunError::RevisionIdTooLong {
                revision: id.clone(),
                length: id.chars().count(),
                max: MAX_REVISION_ID_LENGTH,
            });
        }
    }
    let loaded = step_ops(graph, step, opts.database.as_deref(), &opts.x_args)?;
    let fail = |label: &str, e: DialectError| RunError::Revision {
        revision: step.revision.clone(),
        message: format!("{label}: {e}"),
    };
    let mut ops = Vec::with_capacity(loaded.ops.len());
    for (label, op) in loaded.ops {
        let render = match dialect.render(&op) {
            Ok(statements) => Rendered::Statements(statements_of(dialect, &op, statements)),
            Err(e @ DialectError::NeedsCurrentTable { .. }) => {
                if mode == Mode::Offline {
                    return Err(fail(&label, e));
                }
                if !dialect.supports_table_rebuild() {
                    return Err(fail(
                        &label,
                        DialectError::Unsupported {
                            dialect: dialect.name(),
                            operation: op.to_string(),
                            reason: "this database runs batch operations as ALTER TABLE and never rebuilds a table; use recreate = \"auto\"".into(),
                        },
                    ));
                }
                check_nested(dialect, &op).map_err(|e| fail(&label, e))?;
                Rendered::Rebuild
            }
            Err(e) => return Err(fail(&label, e)),
        };
        ops.push(PreparedOp { label, op, render });
    }
    Ok(PreparedStep {
        step: step.clone(),
        message: loaded.message,
        checksum: loaded.checksum,
        ops,
    })
}

/// The statements of an operation. Where DDL is not transactional, the
/// several statements of an `execute` run (and are recorded) one by one.
fn statements_of(
    dialect: &dyn Dialect,
    op: &Operation,
    statements: Vec<Statement>,
) -> Vec<PreparedStatement> {
    let name = dialect.name();
    // Only a database without transactional DDL records each statement.
    let journaled = !dialect.supports_transactional_ddl();
    let split = journaled && matches!(op, Operation::Execute(_));
    statements
        .into_iter()
        .flat_map(|s| {
            if split {
                split_statements(name, s.as_str())
                    .into_iter()
                    .map(Statement::new)
                    .collect()
            } else {
                vec![s]
            }
        })
        .map(|statement| PreparedStatement {
            data: journaled && is_data_statement(name, statement.as_str()),
            statement,
        })
        .collect()
}

/// The nested operations of a rebuild, rendered one by one: what cannot be
/// rendered for the dialect at all (a type, a partial index) fails now;
/// what only a rebuild can do is left to it.
fn check_nested(dialect: &dyn Dialect, op: &Operation) -> Result<(), DialectError> {
    let Operation::BatchAlterTable { ops, .. } = op else {
        return Ok(());
    };
    for nested in ops {
        match dialect.render(nested) {
            Ok(_)
            | Err(DialectError::NeedsBatch { .. })
            | Err(DialectError::NeedsCurrentTable { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// Renders a table rebuild from the table's live definition (and what
/// depends on it): the one rendering done while the run goes, as earlier
/// operations of the same run may have changed the table.
pub(crate) fn render_rebuild(
    sink: &mut dyn Sink,
    dialect: &dyn Dialect,
    op: &PreparedOp,
) -> Result<Vec<PreparedStatement>, StepFailure> {
    let fail = |e: DialectError| StepFailure::statement(op.label.clone(), e.into(), 0);
    let Operation::BatchAlterTable {
        table,
        recreate,
        ops,
        ..
    } = &op.op
    else {
        return Ok(Vec::new());
    };
    let needs = |reason: String| DialectError::NeedsCurrentTable {
        dialect: dialect.name(),
        table: table.to_string(),
        reason,
    };
    let Some(conn) = sink.connection() else {
        return Err(fail(needs("offline SQL cannot read it".into())));
    };
    let current = crate::inspect::inspect_sqlite_rebuild(conn, table)
        .map_err(|e| fail(needs(format!("reading its definition failed: {e}"))))?
        .ok_or_else(|| fail(needs("the table does not exist".into())))?;
    let rendered = render_batch(dialect, &current, ops, *recreate).map_err(fail)?;
    Ok(rendered
        .statements
        .into_iter()
        .map(|statement| PreparedStatement {
            statement,
            data: false,
        })
        .collect())
}
