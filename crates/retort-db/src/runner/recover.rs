//! When a revision fails: leave the database at the last good revision and
//! say exactly what happened. Where DDL is transactional, a rollback does
//! it, unless a statement that runs outside a transaction (PostgreSQL's
//! `concurrently = true`) committed part of the revision: that part stays,
//! journaled, and the next run finishes the revision from the first
//! statement that was not committed. Elsewhere (MySQL/MariaDB) the operations of the revision that ran
//! are undone by their inverses, newest first; what cannot be undone is
//! named statement by statement, and the journal keeps the revision
//! marked failed until it is repaired by hand.

use retort_core::{RevisionId, Statement};

use super::error::{Failure, PartlyCommitted, StepCause};
use super::execute::{Context, Partly};
use super::journal::{Journal, StepMode};
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
/// says what happened. `rows` are the version rows it is left at;
/// `journal` the step's journal entry; `earlier` a step before it in the
/// run's one transaction that committed part of itself.
#[allow(clippy::too_many_arguments)]
pub(crate) fn recover(
    ctx: &Context<'_>,
    sink: &mut dyn Sink,
    step: &PreparedStep,
    mode: &StepMode,
    failure: StepFailure,
    rows: &[RevisionId],
    journal: Option<&Journal>,
    earlier: Option<&Partly>,
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
    if transactional && let Some(committed) = journal.and_then(|j| j.committed) {
        let in_doubt = journal.is_some_and(|j| j.in_doubt);
        return partly_committed(ctx, conn, step, failure, at, committed, in_doubt);
    }
    if transactional {
        let failure = match (earlier, *failure.0) {
            (Some(p), failed) => {
                // Whatever failed, the run's transaction rolls back only to
                // the earlier step's commit: say so.
                let (operation, reason) = match failed {
                    Failed::Statement { label, source, .. } => (label, source.to_string()),
                    Failed::Early(e) => ("starting it".to_owned(), e.to_string()),
                    Failed::Record(e) => ("recording it".to_owned(), e.to_string()),
                    Failed::Finish(e) => ("recording it".to_owned(), e.to_string()),
                };
                let _ = conn.rollback();
                return RunError::PartlyCommitted(Box::new(PartlyCommitted {
                    revision,
                    step: step.step.to_string(),
                    operation,
                    reason,
                    report: format!(
                        "nothing of {} was applied, but the run's transaction only rolled back to where revision {} ({}) ran a statement outside a transaction: the revisions before it and its first {} of {} statements are committed (journaled); the next `retort upgrade` finishes it from statement {} without running them again",
                        step.step.revision,
                        p.revision,
                        p.step,
                        p.committed,
                        p.statements,
                        p.committed + 1
                    ),
                    at,
                }));
            }
            (None, failed) => failed,
        };
        return match failure {
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

/// A failure after a statement that runs outside a transaction committed
/// the first `committed` statements of the step (or, `in_doubt`, while
/// statement `committed` itself ran outside a transaction): the rest rolls
/// back, the journal keeps the committed part, and the next run finishes
/// the revision from there (a failed concurrent build dropped its INVALID
/// index already).
fn partly_committed(
    ctx: &Context<'_>,
    conn: &mut dyn crate::connection::Connection,
    step: &PreparedStep,
    failure: StepFailure,
    at: String,
    committed: u64,
    in_doubt: bool,
) -> RunError {
    let revision = step.step.revision.clone();
    let journal = &ctx.tables.journal;
    let dialect = conn.dialect();
    let _ = conn.rollback();
    if !in_doubt {
        // Exactly these ran: no fingerprint needs judging.
        let _ = conn.execute(&journal.done_sql(dialect, &revision, committed));
    }
    let total = step.statement_count();
    let (operation, reason) = match *failure.0 {
        Failed::Statement {
            label,
            source,
            index,
        } => (
            format!("{label}, statement {} of {total}", index + 1),
            source.to_string(),
        ),
        Failed::Early(e) | Failed::Record(e) => ("recording it".to_owned(), e.to_string()),
        Failed::Finish(e) => ("recording it".to_owned(), e.to_string()),
    };
    let committed_text = match committed {
        0 => "no statement of it was committed".to_owned(),
        1 => format!(
            "its statement 1 of {total} was committed before (a statement that runs outside a transaction commits what comes before it), and stays"
        ),
        _ => format!(
            "its statements 1 to {committed} of {total} were committed before (a statement that runs outside a transaction commits what comes before it), and stay"
        ),
    };
    let next = if in_doubt {
        format!(
            "statement {} ran outside a transaction and did not finish; retort dropped any INVALID index it left",
            committed + 1
        )
    } else {
        "the statements after them were rolled back".to_owned()
    };
    RunError::PartlyCommitted(Box::new(PartlyCommitted {
        revision: revision.clone(),
        step: step.step.to_string(),
        operation,
        reason,
        report: format!(
            "{committed_text}; {next}. retort journaled the revision's progress: once the cause is fixed, the next `retort upgrade` finishes {revision} from the first statement that was not committed, without running the committed ones again (`retort downgrade` undoes them instead)"
        ),
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
