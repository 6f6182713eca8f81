//! The one plan loop, online and offline: begin, each statement of each
//! revision, the version-row update and log row, commit. The transaction
//! policy is decided here and only here:
//!
//! - transactional DDL (SQLite, PostgreSQL): one transaction per revision
//!   with its version and log rows (`transaction_per_migration`, the
//!   default), or one for the whole run;
//! - otherwise (MySQL/MariaDB): each statement commits on its own, so
//!   online the progress of a revision is journaled before each statement
//!   (`journal`), and the version row, the log row and the end of the
//!   journal entry commit together.
//!
//! A statement that must run outside any transaction (PostgreSQL's `CREATE
//! INDEX CONCURRENTLY`) commits the transaction open before it, whole-run
//! or per revision, runs on its own, and a new transaction takes the rest;
//! online, such a step is journaled (`journal`) so that a failure or crash
//! after that commit never runs the committed statements again.
//!
//! A table rebuild without foreign key enforcement (SQLite) has the
//! enforcement switched off around the transaction that holds it, and the
//! keys checked before that transaction commits.

use std::time::{Instant, SystemTime};

use retort_core::RevisionId;
use retort_core::dialect::Dialect;

use super::journal::{self, Journal, StepMode};
use super::lock::LockGuard;
use super::prepare::{Prepared, PreparedStep, Rendered};
use super::recover::{self, StepFailure};
use super::sink::Sink;
use super::{Progress, RunError, RunOptions, Tables};
use crate::log_table::LogEntry;

/// What a run works with besides its sink.
pub(crate) struct Context<'a> {
    /// The dialect the statements are rendered for.
    pub dialect: &'a dyn Dialect,
    /// The version, log, lock and journal tables.
    pub tables: &'a Tables,
    /// How to run.
    pub opts: &'a RunOptions,
    /// The lock this run holds (online).
    pub lock: Option<&'a LockGuard>,
    /// A revision an earlier run left unfinished, which this run finishes
    /// or undoes when its plan reaches it (online).
    pub interrupted: Option<&'a journal::Interrupted>,
    /// Create the version and log tables first (an offline script from
    /// base).
    pub create_tables: bool,
}

/// Runs `prepared` from the version rows `rows`; returns the rows after it.
pub(crate) fn run(
    ctx: &Context<'_>,
    prepared: &Prepared,
    sink: &mut dyn Sink,
    rows: Vec<RevisionId>,
    progress: &mut dyn Progress,
) -> Result<Vec<RevisionId>, RunError> {
    let transactional = ctx.dialect.supports_transactional_ddl();
    let per_revision = transactional && ctx.opts.transaction_per_migration;
    let whole = transactional && !ctx.opts.transaction_per_migration;
    let start_rows = rows.clone();
    let mut rows = rows;
    // Whole-run transaction: the last step that committed part of itself
    // (and with it every step before it), its revision, and the rows
    // before it.
    let mut partly: Option<(Partly, Vec<RevisionId>)> = None;
    // One transaction for the run: foreign keys off around all of it when
    // any revision rebuilds a table.
    let fk_whole = whole && prepared.rebuilds() && suspend_foreign_keys(sink)?;
    if whole {
        sink.begin()?;
    }
    if ctx.create_tables {
        create_tables(ctx, sink, per_revision)?;
    }
    let total = prepared.steps.len();
    for (index, step) in prepared.steps.iter().enumerate() {
        if ctx.lock.is_some_and(LockGuard::lost) {
            let err = RunError::LockLost {
                url: sink
                    .connection()
                    .map(|c| c.url().masked().to_owned())
                    .unwrap_or_default(),
            };
            return Err(abort(sink, whole, fk_whole, err));
        }
        progress.step(index, total, &step.step, &step.message);
        let started_at = SystemTime::now();
        let started = Instant::now();
        let mode = journal::mode_for(ctx, step, progress);
        let fk_step = per_revision && step.rebuilds() && suspend_foreign_keys(sink)?;
        if per_revision {
            sink.begin()?;
        }
        // Offline, a range may start anywhere: the rows are not known, and
        // not needed (nothing checks them).
        let online = sink.connection().is_some();
        let mut after = rows.clone();
        if online {
            step.step.version.apply(&mut after)?;
        }
        let in_transaction = per_revision || whole;
        let mut journal = None;
        let result = run_step(ctx, sink, step, &mode, &after, in_transaction, &mut journal)
            .and_then(|()| {
                if fk_step || (fk_whole && index + 1 == total) {
                    check_foreign_keys(sink, step)?;
                }
                finish_step(ctx, sink, step, &mode, started_at, started)
            });
        match result {
            Ok(()) => {
                if whole
                    && let Some(committed) = journal
                        .as_ref()
                        .filter(|j| j.committed_here)
                        .and_then(|j| j.committed)
                {
                    partly = Some((
                        Partly {
                            revision: step.step.revision.clone(),
                            step: step.step.to_string(),
                            committed,
                            statements: step.statement_count() as u64,
                        },
                        rows.clone(),
                    ));
                }
                if per_revision {
                    sink.commit()?;
                }
                if fk_step {
                    resume_foreign_keys(sink)?;
                }
                // An undone interrupted revision was never recorded: its
                // plan was made as if it were, so the rows move all the same.
                rows = after;
                progress.done(started.elapsed());
            }
            Err(failure) => {
                let own = journal.as_ref().is_some_and(|j| j.committed_here);
                let (at, earlier) = match &partly {
                    // The run's transaction rolls back to where an earlier
                    // step of it committed.
                    Some((p, before)) if whole && !own => (before, Some(p)),
                    _ if whole && !own => (&start_rows, None),
                    _ => (&rows, None),
                };
                let err = recover::recover(
                    ctx,
                    sink,
                    step,
                    &mode,
                    failure,
                    at,
                    journal.as_ref(),
                    earlier,
                );
                if fk_step {
                    let _ = resume_foreign_keys(sink);
                }
                return Err(abort(sink, false, fk_whole, err));
            }
        }
    }
    if whole {
        sink.commit()?;
        if fk_whole {
            resume_foreign_keys(sink)?;
        }
    }
    Ok(rows)
}

/// In a whole-run transaction, a step that committed part of itself (and
/// every step before it) at a statement that runs outside a transaction.
pub(crate) struct Partly {
    /// Its revision.
    pub revision: RevisionId,
    /// Its step, as in `upgrade a -> b`.
    pub step: String,
    /// How many of its statements were committed.
    pub committed: u64,
    /// How many it has.
    pub statements: u64,
}

/// Ends a run that stops early: rolls back an open whole-run transaction
/// and switches foreign keys back on.
fn abort(sink: &mut dyn Sink, rollback: bool, fk_whole: bool, err: RunError) -> RunError {
    if let Some(conn) = sink.connection() {
        if rollback {
            let _ = conn.rollback();
        }
        if fk_whole {
            let _ = conn.resume_foreign_keys();
        }
    }
    err
}

/// The version and log tables, as an offline script from base creates
/// them.
fn create_tables(
    ctx: &Context<'_>,
    sink: &mut dyn Sink,
    per_revision: bool,
) -> Result<(), RunError> {
    let dialect = sink.dialect();
    if per_revision {
        sink.begin()?;
    }
    sink.statement(&ctx.tables.version.create_sql(dialect))?;
    sink.statement(&ctx.tables.log.create_sql(dialect))?;
    if per_revision {
        sink.commit()?;
    }
    Ok(())
}

/// Runs the statements of one step (from where an interrupted run
/// stopped, or the undo of what it ran).
/// `in_transaction`: the step runs in a transaction (its own or the
/// run's); `journal` is its journal entry, if it is journaled.
fn run_step(
    ctx: &Context<'_>,
    sink: &mut dyn Sink,
    step: &PreparedStep,
    mode: &StepMode,
    rows_after: &[RevisionId],
    in_transaction: bool,
    journal: &mut Option<Journal>,
) -> Result<(), StepFailure> {
    sink.comment(&format!("Running {}", step.step))?;
    *journal = Journal::open(ctx, sink, step, mode, rows_after)?;
    if let StepMode::Undo { ran } = mode {
        return journal::undo_interrupted(sink, ran, in_transaction);
    }
    let skip = match mode {
        StepMode::Resume { done } => *done,
        _ => 0,
    };
    let mut index = 0u64;
    for op in &step.ops {
        let live;
        let statements = match &op.render {
            Rendered::Statements(s) => s,
            Rendered::Rebuild => {
                live = super::prepare::render_rebuild(sink, ctx.dialect, op)?;
                &live
            }
        };
        for s in statements {
            if index < skip {
                index += 1;
                continue;
            }
            let ran = match journal.as_mut() {
                Some(j) => j.statement(sink, index, s, op, &ctx.tables.journal),
                None => journal::outside_or_in(sink, &s.statement, in_transaction).map(drop),
            };
            if let Err(source) = ran {
                return Err(StepFailure::statement(
                    op.label.clone(),
                    source.into(),
                    index,
                ));
            }
            index += 1;
        }
    }
    if let Some(j) = journal.as_mut() {
        j.close(sink)
            .map_err(|e| StepFailure::early(RunError::Db(e)))?;
    }
    Ok(())
}

/// The version rows, the log row, the end of the journal entry and the
/// lock's renewal: together, in the revision's transaction (or in one of
/// their own where DDL is not transactional).
fn finish_step(
    ctx: &Context<'_>,
    sink: &mut dyn Sink,
    step: &PreparedStep,
    mode: &StepMode,
    started_at: SystemTime,
    started: Instant,
) -> Result<(), StepFailure> {
    let transactional = ctx.dialect.supports_transactional_ddl();
    let dialect = sink.dialect();
    if !transactional {
        sink.begin().map_err(StepFailure::finish)?;
    }
    // One round trip online: the statements go together, and the rows
    // they change add up to one each when the tables are as planned.
    let recorded = (|| -> Result<(), RunError> {
        let mut statements = Vec::new();
        if !matches!(mode, StepMode::Undo { .. }) {
            statements.extend(
                ctx.tables
                    .version
                    .update_plan(dialect, &step.step.version)
                    .into_iter()
                    .map(|(sql, _)| sql),
            );
        }
        let entry = LogEntry {
            revision: step.step.revision.clone(),
            direction: step.step.direction,
            tag: ctx.opts.tag.clone(),
            started_at,
            // A script runs later: how long writing it took is no duration.
            duration: if sink.connection().is_some() {
                started.elapsed()
            } else {
                std::time::Duration::ZERO
            },
            checksum: Some(step.checksum.clone()),
        };
        statements.push(ctx.tables.log.insert_sql(dialect, &entry));
        if journal::journaled(ctx, sink, step) {
            statements.push(ctx.tables.journal.delete_sql(dialect, &step.step.revision));
        }
        let fence = ctx.lock.and_then(|l| l.fence_sql(dialect));
        statements.extend(fence.clone());
        let expected = statements.len() as u64;
        match (sink.batch(&statements)?, sink.connection()) {
            (Some(changed), Some(conn)) if changed != expected => Err(unexpected_rows(
                conn,
                step,
                fence.as_deref(),
                expected,
                changed,
            )),
            _ => Ok(()),
        }
    })();
    match recorded {
        Ok(()) if !transactional => sink.commit().map_err(StepFailure::finish),
        Ok(()) => Ok(()),
        Err(e) => Err(StepFailure::record(e)),
    }
}

/// Why recording a step changed other rows than planned: this run lost
/// its lock, or the version table does not hold what the plan was made
/// from.
fn unexpected_rows(
    conn: &mut dyn crate::connection::Connection,
    step: &PreparedStep,
    fence: Option<&str>,
    expected: u64,
    changed: u64,
) -> RunError {
    let url = conn.url().masked().to_owned();
    if let Some(fence) = fence
        && conn.execute(fence).is_ok_and(|n| n == 0)
    {
        return RunError::LockLost { url };
    }
    RunError::Unplanned {
        revision: step.step.revision.clone(),
        expected,
        changed,
    }
}

fn suspend_foreign_keys(sink: &mut dyn Sink) -> Result<bool, RunError> {
    Ok(match sink.connection() {
        Some(conn) => conn.suspend_foreign_keys()?,
        None => false,
    })
}

fn resume_foreign_keys(sink: &mut dyn Sink) -> Result<(), RunError> {
    if let Some(conn) = sink.connection() {
        conn.resume_foreign_keys()?;
    }
    Ok(())
}

/// Fails the step when rows break a foreign key after rebuilds made
/// without enforcement.
fn check_foreign_keys(sink: &mut dyn Sink, step: &PreparedStep) -> Result<(), StepFailure> {
    let Some(conn) = sink.connection() else {
        return Ok(());
    };
    let rows = conn.foreign_key_violations()?;
    if let Some(first) = rows.first() {
        let first = first
            .iter()
            .map(|v| v.as_deref().unwrap_or("NULL"))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(StepFailure::early(RunError::ForeignKeys {
            revision: step.step.revision.clone(),
            count: rows.len(),
            first,
        }));
    }
    Ok(())
}
