//! `upgrade` and `downgrade` online: check the plan without writing
//! anything, take the lock, settle what an interrupted run left, plan
//! again from the rows the lock protects, run, release the lock.

use retort_core::graph::{Direction, Plan, VersionUpdate};
use retort_core::{Dialect, RevisionId, ScriptDirectory};

use super::prepare::{self, Mode};
use super::{
    Progress, RunError, RunOptions, RunReport, Tables, execute, journal, lock, rows_text, sink,
    verify,
};
use crate::connection::Connection;
use crate::journal_table::JournalEntry;

/// Upgrades the database to `target` (`head`, `heads`, `+2`, an id, ...).
pub fn upgrade(
    dir: &ScriptDirectory,
    conn: &mut dyn Connection,
    dialect: &dyn Dialect,
    target: &str,
    opts: &RunOptions,
    progress: &mut dyn Progress,
) -> Result<RunReport, RunError> {
    migrate(
        dir,
        conn,
        dialect,
        Direction::Upgrade,
        opts,
        progress,
        |rows| Ok(dir.graph.plan_upgrade(rows, target)?),
    )
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
    migrate(
        dir,
        conn,
        dialect,
        Direction::Downgrade,
        opts,
        progress,
        |rows| {
            // At base a relative downgrade (`-1`) has nothing to undo: as
            // `upgrade` at head, nothing to do rather than Alembic's
            // "Relative revision -1 didn't produce 1 migrations".
            if rows.is_empty() && is_relative_down(target) {
                return Ok(Plan {
                    direction: Direction::Downgrade,
                    steps: Vec::new(),
                });
            }
            Ok(dir.graph.plan_downgrade(rows, target)?)
        },
    )
}

/// Runs `plan` as it is (its steps must start from the version rows the
/// database has): what `retort lint` uses to try one revision's upgrade
/// and downgrade on a scratch database.
pub fn run_plan(
    dir: &ScriptDirectory,
    conn: &mut dyn Connection,
    dialect: &dyn Dialect,
    plan: &Plan,
    opts: &RunOptions,
    progress: &mut dyn Progress,
) -> Result<RunReport, RunError> {
    migrate(dir, conn, dialect, plan.direction, opts, progress, |_| {
        Ok(plan.clone())
    })
}

/// `-N`: a downgrade by N revisions from where the database is.
fn is_relative_down(target: &str) -> bool {
    target
        .strip_prefix('-')
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

/// Checks the plan as the database is now (nothing is written if it
/// fails: no table, no SQLite file), then locks, plans again from what the
/// lock protects, runs, unlocks.
fn migrate(
    dir: &ScriptDirectory,
    conn: &mut dyn Connection,
    dialect: &dyn Dialect,
    direction: Direction,
    opts: &RunOptions,
    progress: &mut dyn Progress,
    plan: impl Fn(&[RevisionId]) -> Result<Plan, RunError>,
) -> Result<RunReport, RunError> {
    let tables = Tables::from_config(&dir.config);
    prepare::check_options(opts)?;
    let checked = {
        let rows = tables.version.read(conn)?;
        // Nothing where the journal table was never needed.
        let interrupted = tables.journal.read(conn)?.into_iter().next();
        let rows = effective_rows(rows, interrupted.as_ref(), direction);
        let checked_plan = plan(&rows)?;
        let prepared = prepare::prepare(&dir.graph, &checked_plan, dialect, opts, Mode::Online)?;
        // Applied revisions that no longer match their files: said, not
        // refused (`retort verify` fails on them).
        for finding in verify(dir, conn)?.findings {
            progress.note(&format!("{finding}; `retort verify` lists them all"));
        }
        (checked_plan, prepared)
    };
    let guard = lock::acquire(conn, &tables, opts, progress)?;
    let result = locked(
        dir, conn, dialect, direction, &tables, &guard, opts, progress, &plan, checked,
    );
    let released = guard.release(conn);
    let report = result?;
    released?;
    Ok(report)
}

/// The run, holding the lock.
#[allow(clippy::too_many_arguments)]
fn locked(
    dir: &ScriptDirectory,
    conn: &mut dyn Connection,
    dialect: &dyn Dialect,
    direction: Direction,
    tables: &Tables,
    guard: &lock::LockGuard,
    opts: &RunOptions,
    progress: &mut dyn Progress,
    plan: &dyn Fn(&[RevisionId]) -> Result<Plan, RunError>,
    checked: (Plan, prepare::Prepared),
) -> Result<RunReport, RunError> {
    tables.version.ensure(conn)?;
    tables.log.ensure(conn)?;
    // Where DDL is transactional, only a statement that must run outside
    // a transaction needs the journal.
    if !dialect.supports_transactional_ddl() || checked.1.outside_transaction() {
        tables.journal.ensure(conn)?;
    }
    let settled = journal::settle(conn, &dir.graph, dialect, tables, opts, progress)?;
    let mut before = tables.version.read(conn)?;
    let mut finished = 0;
    let mut interrupted = None;
    if let Some(entry) = settled {
        if entry.direction == direction {
            interrupted = Some(journal::Interrupted {
                entry,
                undo: Vec::new(),
            });
        } else {
            match journal::undo_of(&dir.graph, dialect, opts, &entry) {
                Ok(undo) => interrupted = Some(journal::Interrupted { entry, undo }),
                Err(why) => {
                    // What ran cannot be undone by inverses: finish the
                    // revision the way it was running, then plan as usual
                    // (its own operations then take it back).
                    progress.note(&format!("{why}; finishing it first"));
                    finish_interrupted(
                        dir, conn, dialect, tables, guard, opts, progress, entry, &before,
                    )?;
                    before = tables.version.read(conn)?;
                    finished = 1;
                }
            }
        }
    }
    let entry = interrupted.as_ref().map(|i| &i.entry);
    let rows = effective_rows(before.clone(), entry, direction);
    let plan = plan(&rows)?;
    if let Some(entry) = entry
        && !plan.steps.is_empty()
        && !plan.steps.iter().any(|s| s.revision == entry.revision)
    {
        return Err(left_behind(dir, entry));
    }
    // The plan checked before the lock, unless another run moved the
    // database since.
    let (checked_plan, checked_prepared) = checked;
    let prepared = if checked_plan == plan {
        checked_prepared
    } else {
        let prepared = prepare::prepare(&dir.graph, &plan, dialect, opts, Mode::Online)?;
        if prepared.outside_transaction() {
            tables.journal.ensure(conn)?;
        }
        prepared
    };
    let ctx = execute::Context {
        dialect,
        tables,
        opts,
        lock: Some(guard),
        interrupted: interrupted.as_ref(),
        create_tables: false,
    };
    let after = execute::run(&ctx, &prepared, &mut sink::Online { conn }, rows, progress)?;
    Ok(RunReport {
        before,
        after,
        steps: plan.steps.len() + finished,
    })
}

/// Runs the rest of an interrupted revision, the way it was running, and
/// records it.
#[allow(clippy::too_many_arguments)]
fn finish_interrupted(
    dir: &ScriptDirectory,
    conn: &mut dyn Connection,
    dialect: &dyn Dialect,
    tables: &Tables,
    guard: &lock::LockGuard,
    opts: &RunOptions,
    progress: &mut dyn Progress,
    entry: JournalEntry,
    before: &[RevisionId],
) -> Result<(), RunError> {
    let mut step = journal::step_for(&dir.graph, &entry);
    step.version =
        version_change(before, &entry.rows_after).ok_or_else(|| RunError::Interrupted {
            revision: entry.revision.clone(),
            step: step.to_string(),
            detail: format!(
                "the version rows it would leave ({}) do not follow from the rows now ({})",
                rows_text(&entry.rows_after),
                rows_text(before)
            ),
            advice: "repair the schema by hand, then run `retort stamp <revision>`".into(),
        })?;
    let prepared = prepare::Prepared {
        steps: vec![prepare::prepare_step(
            &dir.graph,
            &step,
            dialect,
            opts,
            Mode::Online,
        )?],
    };
    let interrupted = journal::Interrupted {
        entry,
        undo: Vec::new(),
    };
    let ctx = execute::Context {
        dialect,
        tables,
        opts,
        lock: Some(guard),
        interrupted: Some(&interrupted),
        create_tables: false,
    };
    execute::run(
        &ctx,
        &prepared,
        &mut sink::Online { conn },
        before.to_vec(),
        progress,
    )?;
    Ok(())
}

/// The version-table change from the rows `before` to `after` (one
/// revision's step: an update, an insert or delete, a merge or unmerge);
/// `None` for anything else.
fn version_change(before: &[RevisionId], after: &[RevisionId]) -> Option<VersionUpdate> {
    let gone: Vec<RevisionId> = before
        .iter()
        .filter(|r| !after.contains(r))
        .cloned()
        .collect();
    let new: Vec<RevisionId> = after
        .iter()
        .filter(|r| !before.contains(r))
        .cloned()
        .collect();
    Some(match (gone.as_slice(), new.as_slice()) {
        ([], [to]) => VersionUpdate::Insert(to.clone()),
        ([from], []) => VersionUpdate::Delete(from.clone()),
        ([from], [to]) => VersionUpdate::Update {
            from: from.clone(),
            to: to.clone(),
        },
        ([from, rest @ ..], [to]) => VersionUpdate::Merge {
            delete: rest.to_vec(),
            from: from.clone(),
            to: to.clone(),
        },
        ([from], [to, rest @ ..]) => VersionUpdate::Unmerge {
            from: from.clone(),
            to: to.clone(),
            insert: rest.to_vec(),
        },
        _ => return None,
    })
}

/// The rows a plan starts from: the version rows, or, for a plan the other
/// way round from an interrupted revision, the rows as if it were
/// recorded (so that `downgrade -1` undoes an interrupted upgrade).
fn effective_rows(
    rows: Vec<RevisionId>,
    interrupted: Option<&JournalEntry>,
    direction: Direction,
) -> Vec<RevisionId> {
    match interrupted {
        Some(entry) if entry.direction != direction => entry.rows_after.clone(),
        _ => rows,
    }
}

/// The refusal of a plan that would run other revisions and leave an
/// interrupted one behind.
fn left_behind(dir: &ScriptDirectory, entry: &JournalEntry) -> RunError {
    let step = journal::step_for(&dir.graph, entry);
    RunError::Interrupted {
        revision: entry.revision.clone(),
        step: step.to_string(),
        detail: format!(
            "{} of its {} statements ran, and this plan does not reach it",
            entry.done, entry.statements
        ),
        advice: format!(
            "finish it first with `retort {} {}`, or undo what ran with `retort {} {}`",
            entry.direction,
            entry.revision,
            match entry.direction {
                Direction::Upgrade => "downgrade",
                Direction::Downgrade => "upgrade",
            },
            match entry.direction {
                Direction::Upgrade => "-1",
                Direction::Downgrade => "+1",
            }
        ),
    }
}
