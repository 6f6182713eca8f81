//! When a revision fails: leave the database at the last good revision and
//! say exactly what happened. Where DDL is transactional, a rollback does
//! it. Elsewhere (MySQL/MariaDB) the operations of the revision that ran
//! are undone by their inverses, newest first; what cannot be undone is
//! named statement by statement, and the journal keeps the revision
//! marked failed until it is repaired by hand.

use retort_core::{RevisionId, Statement};

use super::error::{Failure, StepCause};
use super::execute::Context;
use super::journal::StepMode;
use super::prepare::{PreparedOp, PreparedStatement, PreparedStep, Rendered};
use super::sink::Sink;
use super::{RunError, rows_text};
use crate::error::DbError;
use crate::journal_table::JournalState;

/// Why a step failed (boxed: it travels through every `Result` of a
/// step, and is rare).
pub(crate) struct StepFailure(Box<Failed>);

impl StepFailure {
    /// A failure before any statement of the step ran.
    pub fn early(e: RunError) -> Self {
        StepFailure(Box::new(Failed::Early(e)))
    }

    /// Statement `index` failed.
    pub fn statement(label: String, source: StepCause, index: u64) -> Self {
        StepFailure(Box::new(Failed::Statement {
            label,
            source,
            index,
        }))
    }

    /// Recording a step whose statements all ran failed.
    pub fn record(e: RunError) -> Self {
        StepFailure(Box::new(Failed::Record(e)))
    }

    /// The transaction recording a step could not start or commit.
    pub fn finish(e: DbError) -> Self {
        StepFailure(Box::new(Failed::Finish(e)))
    }
}

/// The kinds of [`StepFailure`].
pub(crate) enum Failed {
    /// Before any statement of it ran.
    Early(RunError),
    /// At statement `index` of the step (counting the statements known
    /// before the run).
    Statement {
        /// The failing operation's label.
        label: String,
        /// Why.
        source: StepCause,
        /// The statement's position in the step.
        index: u64,
    },
    /// Every statement ran, but the version and log rows could not be
    /// written.
    Record(RunError),
    /// Every statement ran, but the transaction recording them could not
    /// start or commit.
    Finish(DbError),
}

impl From<RunError> for StepFailure {
    fn from(e: RunError) -> Self {
        StepFailure::early(e)
    }
}

impl From<DbError> for StepFailure {
    fn from(e: DbError) -> Self {
        StepFailure::early(RunError::Db(e))
    }
}

/// Leaves the database at the last good revision after `failure`, and
/// says what happened. `rows` are the version rows it is left at.
pub(crate) fn recover(
    ctx: &Context<'_>,
    sink: &mut dyn Sink,
    step: &PreparedStep,
    mode: &StepMode,
    failure: StepFailure,
    rows: &[RevisionId],
) -> RunError {
    let at = rows_text(rows);
    let transactional = ctx.dialect.supports_transactional_ddl();
    let revision = step.step.revision.clone();
    let Some(conn) = sink.connection() else {
        // Offline: nothing ran.
        return match *failure.0 {
            Failed::Early(e) | Failed::Record(e) => e,
            Failed::Finish(e) => e.into(),
            Failed::Statement { label, source, .. } => RunError::Revision {
                revision,
                message: format!("{label}: {source}"),
            },
        };
    };
    if transactional {
        return match *failure.0 {
            Failed::Early(e) | Failed::Record(e) => {
                let _ = conn.rollback();
                e
            }
            Failed::Finish(e) => {
                let _ = conn.rollback();
                e.into()
            }
            Failed::Statement { label, source, .. } => match conn.rollback() {
                Err(e) => e.into(),
                Ok(()) => RunError::RolledBack(Box::new(Failure {
                    revision,
                    step: step.step.to_string(),
                    operation: label,
                    source,
                    report: String::new(),
                    at,
                })),
            },
        };
    }
    let journal = &ctx.tables.journal;
    let dialect = conn.dialect();
    let (label, source, index) = match *failure.0 {
        Failed::Early(e) => {
            // Nothing of the step ran: its journal entry goes too.
            let _ = conn.rollback();
            let _ = conn.execute(&journal.delete_sql(dialect, &revision));
            return e;
        }
        Failed::Record(e) => {
            let _ = conn.rollback();
            return RunError::Unrecorded {
                revision,
                step: step.step.to_string(),
                reason: e.to_string(),
            };
        }
        Failed::Finish(e) => {
            let _ = conn.rollback();
            return RunError::Unrecorded {
                revision,
                step: step.step.to_string(),
                reason: e.to_string(),
            };
        }
        Failed::Statement {
            label,
            source,
            index,
        } => (label, source, index),
    };
    if let StepMode::Undo { .. } = mode {
        let report = format!("undoing the interrupted revision failed at {label}: {source}");
        let _ = conn.execute(&journal.state_sql(
            dialect,
            &revision,
            JournalState::Failed,
            Some(&report),
        ));
        return RunError::Undone(Box::new(Failure {
            revision,
            step: step.step.to_string(),
            operation: label,
            source,
            report: "retort recorded the revision as failed; repair the schema by hand, then run `retort stamp <revision>`".into(),
            at,
        }));
    }
    let _ = conn.execute(&journal.state_sql(dialect, &revision, JournalState::Undoing, None));
    let mut report = Vec::new();
    let mut undone_all = true;
    let (applied, partial) = ran_before(step, index);
    if !partial.is_empty() {
        undone_all = false;
        report.push(format!(
            "before it failed, {label} ran these statements, which retort cannot undo: {}",
            join_statements(&partial)
        ));
    }
    for done in applied.iter().rev() {
        let statements: Vec<Statement> = match &done.render {
            Rendered::Statements(s) => s.iter().map(|p| p.statement.clone()).collect(),
            Rendered::Rebuild => Vec::new(),
        };
        let undo = done
            .op
            .reverse()
            .map_err(|e| e.to_string())
            .and_then(|inverse| ctx.dialect.render(&inverse).map_err(|e| e.to_string()))
            .and_then(|undo| {
                for s in &undo {
                    conn.execute(s.as_str()).map_err(|e| e.to_string())?;
                }
                Ok(undo)
            });
        match undo {
            Ok(undo) => report.push(format!(
                "undid {} with: {}",
                done.label,
                join_statements(&undo)
            )),
            Err(why) => {
                undone_all = false;
                report.push(format!(
                    "could NOT undo {} ({why}); these statements ran: {}",
                    done.label,
                    join_statements(&statements)
                ));
            }
        }
    }
    if report.is_empty() {
        report.push("no statement of the revision had run".into());
    }
    let mut report = report.join("\n");
    if undone_all {
        let _ = conn.execute(&journal.delete_sql(dialect, &revision));
    } else {
        let _ = conn.execute(&journal.state_sql(
            dialect,
            &revision,
            JournalState::Failed,
            Some(&report),
        ));
        report.push_str(
            "\nretort recorded the revision as failed (`retort current` shows it); repair the schema by hand, then run `retort stamp <revision>`",
        );
    }
    RunError::Undone(Box::new(Failure {
        revision,
        step: step.step.to_string(),
        operation: label,
        source,
        report,
        at,
    }))
}

/// The operations whose every statement ran before statement `index`,
/// and the statements of the failing operation that ran before it.
fn ran_before(step: &PreparedStep, index: u64) -> (Vec<&PreparedOp>, Vec<Statement>) {
    let mut applied = Vec::new();
    let mut first = 0u64;
    for op in &step.ops {
        let statements: &[PreparedStatement] = match &op.render {
            Rendered::Statements(s) => s,
            Rendered::Rebuild => &[],
        };
        let end = first + statements.len() as u64;
        if end <= index {
            applied.push(op);
        } else {
            let partial = statements
                .iter()
                .take(index.saturating_sub(first) as usize)
                .map(|p| p.statement.clone())
                .collect();
            return (applied, partial);
        }
        first = end;
    }
    (applied, Vec::new())
}

fn join_statements(statements: &[Statement]) -> String {
    statements
        .iter()
        .map(|s| format!("`{}`", s.as_str()))
        .collect::<Vec<_>>()
        .join("; ")
}
