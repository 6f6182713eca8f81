//! What can go wrong while running revisions.

use retort_core::RevisionId;
use retort_core::graph::PlanError;
use retort_core::script::{RevisionFileError, ScriptError};

use retort_core::DialectError;

use crate::error::DbError;

/// Why an operation failed: the database refused a statement, or the
/// operation could not be rendered for it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StepCause {
    /// The database refused a statement.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The operation cannot be rendered for this database.
    #[error(transparent)]
    Render(#[from] DialectError),
}

/// A run that could not complete. Each message names the revision and, for
/// a failing statement, the operation and what was done about it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The target or the current version rows do not resolve to a plan.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// The migrations folder could not be read.
    #[error(transparent)]
    Script(#[from] ScriptError),
    /// A revision file could not be read again to run it.
    #[error(transparent)]
    File(#[from] RevisionFileError),
    /// The database refused something outside a revision's operations
    /// (connecting, locking, the version table).
    #[error(transparent)]
    Db(#[from] DbError),
    /// A revision's operations are malformed or cannot be rendered for the
    /// database.
    #[error("revision {revision}: {message}")]
    Revision {
        /// The revision.
        revision: RevisionId,
        /// What is wrong (names the file, the operation and the field).
        message: String,
    },
    /// A statement failed; on a database with transactional DDL nothing of
    /// the revision remains.
    #[error(
        "revision {} ({}) failed at {}: {}\n\
         nothing of {} was applied: its transaction was rolled back, and the database is still at {}",
        .0.revision, .0.step, .0.operation, .0.source, .0.revision, .0.at
    )]
    RolledBack(Box<Failure>),
    /// A statement failed on a database without transactional DDL
    /// (MySQL/MariaDB): retort undid what it could and says exactly what.
    #[error(
        "revision {} ({}) failed at {}: {}\n{}\nthe version table is still at {}",
        .0.revision, .0.step, .0.operation, .0.source, .0.report, .0.at
    )]
    Undone(Box<Failure>),
    /// A statement that runs outside a transaction (PostgreSQL's
    /// `concurrently = true`) committed part of a revision, then the
    /// revision failed: the committed part stays, journaled, and the next
    /// run finishes the revision from the first statement that was not
    /// committed.
    #[error(
        "revision {} ({}) failed at {}: {}\n{}\nthe version table is at {}",
        .0.revision, .0.step, .0.operation, .0.reason, .0.report, .0.at
    )]
    PartlyCommitted(Box<PartlyCommitted>),
    /// Batch mode left rows that break a foreign key.
    #[error(
        "revision {revision}: after rebuilding tables, PRAGMA foreign_key_check found {count} row(s) breaking a foreign key (first: {first}); the revision was rolled back"
    )]
    ForeignKeys {
        /// The revision.
        revision: RevisionId,
        /// How many violations.
        count: usize,
        /// The first one, as SQLite reports it.
        first: String,
    },
    /// A revision id longer than the version table holds.
    #[error(
        "revision {revision} cannot be recorded: its id has {length} characters and the version table's version_num holds {max} (as Alembic's); give it a shorter id (rename the `revision` key and every reference to it)"
    )]
    RevisionIdTooLong {
        /// The revision.
        revision: RevisionId,
        /// Its length in characters.
        length: usize,
        /// The most the table holds.
        max: usize,
    },
    /// A `--tag` longer than the log table holds.
    #[error("--tag has {length} characters; the log table holds at most {max}: give a shorter tag")]
    TagTooLong {
        /// Its length in characters.
        length: usize,
        /// The most the table holds.
        max: usize,
    },
    /// Another run took over the migration lock (this run's lease ended
    /// while it ran, or the lock was cleared by hand).
    #[error(
        "this run lost the migration lock on {url} (its lease was taken over, or `retort unlock` cleared it); it stopped before recording anything more: run `retort current` to see where the database is"
    )]
    LockLost {
        /// The URL, password hidden.
        url: String,
    },
    /// An earlier run was interrupted in the middle of a revision, and this
    /// run cannot finish or undo it.
    #[error(
        "revision {revision} ({step}) was interrupted by an earlier run: {detail}
{advice}"
    )]
    Interrupted {
        /// The revision.
        revision: RevisionId,
        /// Its step, as in `upgrade a -> b`.
        step: String,
        /// What ran and why this run stops.
        detail: String,
        /// What to do.
        advice: String,
    },
    /// Every statement of a revision ran, but recording it failed; the
    /// journal keeps it, and the next run records it.
    #[error(
        "revision {revision} ({step}): every statement ran, but recording it in the version and log tables failed: {reason}\nthe progress is journaled: the next `retort upgrade` records it without running anything again"
    )]
    Unrecorded {
        /// The revision.
        revision: RevisionId,
        /// Its step.
        step: String,
        /// Why recording failed.
        reason: String,
    },
    /// Recording a revision changed other rows than planned: the version
    /// table no longer holds what the plan was made from.
    #[error(
        "recording revision {revision} changed {changed} row(s) of retort's tables where {expected} were planned: another process may have changed the version table; nothing of the revision was recorded; run `retort current` to see where the database is"
    )]
    Unplanned {
        /// The revision.
        revision: RevisionId,
        /// Rows planned.
        expected: u64,
        /// Rows changed.
        changed: u64,
    },
    /// Writing an offline script failed.
    #[error("cannot write the SQL script: {0}")]
    Write(#[from] std::io::Error),
}

/// A revision whose operation failed, and what was done about it.
#[derive(Debug)]
pub struct Failure {
    /// The revision.
    pub revision: RevisionId,
    /// The step, as in `upgrade a -> b`.
    pub step: String,
    /// The failing operation, e.g. `upgrade operation 2 (add_column on user)`.
    pub operation: String,
    /// The database's refusal, or why the operation could not be rendered.
    pub source: StepCause,
    /// What was undone, and what could not be (empty after a rollback).
    pub report: String,
    /// The version rows the database is left at.
    pub at: String,
}

/// A revision that failed after part of it was committed, and what the
/// next run does.
#[derive(Debug)]
pub struct PartlyCommitted {
    /// The revision (the one that failed).
    pub revision: RevisionId,
    /// The step, as in `upgrade a -> b`.
    pub step: String,
    /// The failing operation and statement.
    pub operation: String,
    /// Why it failed.
    pub reason: String,
    /// What was committed, what rolled back, what the next run does.
    pub report: String,
    /// The version rows the database is left at.
    pub at: String,
}
