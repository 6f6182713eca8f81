//! Crash resume where a revision's statements do not commit together: the
//! progress of the revision being run is journaled
//! ([`JournalTable`](crate::journal_table::JournalTable)), and a later run
//! finishes an interrupted revision from the first statement that did not
//! run, so that no statement runs twice. Which steps are journaled:
//!
//! - every step where DDL cannot roll back (MySQL/MariaDB), before each
//!   statement;
//! - on PostgreSQL, a step with a statement that must run outside any
//!   transaction (`concurrently = true`). Its other statements run in the
//!   step's transaction as usual; at the outside statement the record of
//!   the ones before it and the fingerprint of its table's valid indexes
//!   commit with them, the statement runs on its own (autocommit), and a
//!   new transaction takes the rest with the version and log rows. A
//!   failed or interrupted concurrent build leaves an INVALID index, which
//!   the fingerprint does not count and retort drops before building again.
//!
//! On MySQL/MariaDB:
//!
//! - A statement that changes rows commits in one transaction with its
//!   count: it ran exactly when it is counted.
//! - A schema statement commits on its own. Before it runs, a fingerprint
//!   of the objects it changes is recorded; after a crash, a fingerprint
//!   that differs from the record says it ran (these servers' DDL is
//!   atomic: all of it ran, or none).
//! - The version row, the log row and the end of the entry commit together.
//!
//! What a later run does with an interrupted revision (`settle`, then
//! [`mode_for`] when its plan reaches the revision):
//! - every statement ran (only the recording was lost): it records it;
//! - an upgrade (or downgrade) plan that runs the revision the same way
//!   finishes it from the first statement that did not run;
//! - a plan the other way undoes exactly what ran (the inverses of those
//!   operations, newest first); the plan is made as if the revision were
//!   recorded, so `downgrade -1` undoes it;
//! - a run that would leave it behind, or a revision file changed since,
//!   is refused with what to do.

use retort_core::graph::{Direction, Step, VersionUpdate};
use retort_core::{RevisionGraph, RevisionId, Statement};

use super::execute::Context;
use super::prepare::{Mode, PreparedOp, PreparedStatement, PreparedStep, Rendered, prepare_step};
use super::recover::StepFailure;
use super::sink::Sink;
use super::{Progress, RunError, RunOptions, Tables};
use crate::connection::Connection;
use crate::error::DbError;
use crate::journal_table::{JournalEntry, JournalState};
use crate::log_table::LogEntry;

/// How a step runs.
pub(crate) enum StepMode {
    /// From its first statement.
    Fresh,
    /// From statement `done` (an earlier run ran the ones before).
    Resume {
        /// How many statements ran.
        done: u64,
    },
    /// The step is the other way round from an interrupted run of the
    /// same revision: undo exactly what that run ran.
    Undo {
        /// Each undo, newest operation first: its label and statements.
        ran: Vec<(String, Vec<Statement>)>,
    },
}

/// True when this run journals the progress of `step`: online, on a
/// database whose DDL is not transactional, or for a step with a statement
/// that must run outside a transaction.
pub(crate) fn journaled(ctx: &Context<'_>, sink: &mut dyn Sink, step: &PreparedStep) -> bool {
    sink.connection().is_some()
        && (!ctx.dialect.supports_transactional_ddl()
            || step.outside_transaction()
            || ctx
                .interrupted
                .is_some_and(|i| i.entry.revision == step.step.revision))
}

/// The journal entry of the step being run.
pub(crate) struct Journal {
    revision: RevisionId,
    /// The entry's `INSERT`, sent with the step's first statement (one
    /// round trip fewer); [`Journal::close`] sends it for a step that has
    /// none.
    insert: Option<String>,
    /// Statements run in the step's transaction (transactional DDL): only
    /// a statement that must run outside it is recorded, with the ones
    /// before it.
    transactional: bool,
    /// Transactional DDL: how many statements of the step are committed
    /// (with their record), once some are; the rest rolls back on failure.
    pub committed: Option<u64>,
    /// The statement after the committed ones ran outside a transaction
    /// and failed or was cut off: whether it ran is judged by the
    /// fingerprint recorded before it.
    pub in_doubt: bool,
    /// This run committed part of the step (and with it, in a whole-run
    /// transaction, every step before it).
    pub committed_here: bool,
}

impl Journal {
    /// Starts (or, resuming, continues) the entry of `step`; `None` when
    /// this run journals nothing.
    pub fn open(
        ctx: &Context<'_>,
        sink: &mut dyn Sink,
        step: &PreparedStep,
        mode: &StepMode,
        rows_after: &[RevisionId],
    ) -> Result<Option<Journal>, StepFailure> {
        if !journaled(ctx, sink, step) {
            return Ok(None);
        }
        let transactional = ctx.dialect.supports_transactional_ddl();
        let Some(conn) = sink.connection() else {
            return Ok(None);
        };
        let dialect = conn.dialect();
        let table = &ctx.tables.journal;
        let revision = step.step.revision.clone();
        match mode {
            StepMode::Fresh => {
                let entry = JournalEntry {
                    revision: revision.clone(),
                    direction: step.step.direction,
                    checksum: Some(step.checksum.clone()),
                    statements: step.statement_count() as u64,
                    done: 0,
                    pending: None,
                    session: None,
                    state: JournalState::Running,
                    report: None,
                    rows_after: rows_after.to_vec(),
                };
                return Ok(Some(Journal {
                    revision,
                    insert: Some(table.insert_sql(dialect, &entry)),
                    transactional,
                    committed: None,
                    in_doubt: false,
                    committed_here: false,
                }));
            }
            StepMode::Resume { done } => {
                // An earlier run committed these.
                return Ok(Some(Journal {
                    revision,
                    insert: None,
                    transactional,
                    committed: transactional.then_some(*done),
                    in_doubt: false,
                    committed_here: false,
                }));
            }
            StepMode::Undo { .. } => {
                conn.execute(&table.state_sql(dialect, &revision, JournalState::Undoing, None))?;
            }
        }
        Ok(Some(Journal {
            revision,
            insert: None,
            transactional,
            committed: None,
            in_doubt: false,
            committed_here: false,
        }))
    }

    /// Writes the entry if no statement did (a step without statements),
    /// so that the step's end finds it.
    pub fn close(&mut self, sink: &mut dyn Sink) -> Result<(), DbError> {
        match (self.insert.take(), sink.connection()) {
            (Some(insert), Some(conn)) => conn.execute(&insert).map(drop),
            _ => Ok(()),
        }
    }

    /// Runs statement `index` of the step and counts it, in one round trip:
    /// a statement that changes rows in a transaction with its count
    /// (`done` = index + 1); a schema statement after the record of the
    /// ones before it and of the fingerprint taken before it (`done` =
    /// index, `pending`). Its own count comes with the next statement's
    /// record, or the step's end, and a crash in between is settled by the
    /// fingerprint.
    pub fn statement(
        &mut self,
        sink: &mut dyn Sink,
        index: u64,
        statement: &PreparedStatement,
        op: &PreparedOp,
        table: &crate::journal_table::JournalTable,
    ) -> Result<(), DbError> {
        let Some(conn) = sink.connection() else {
            return Ok(());
        };
        let dialect = conn.dialect();
        let sql = statement.statement.as_str();
        let insert = self
            .insert
            .take()
            .map(|i| format!("{i};\n"))
            .unwrap_or_default();
        if self.transactional {
            if !statement.statement.runs_outside_transaction() {
                // In the step's transaction: committed with the next
                // record, or the step's end.
                return conn.execute(&format!("{insert}{sql}")).map(drop);
            }
            return self.outside_transaction(conn, index, &insert, sql, op, table);
        }
        if statement.data {
            let done = table.done_sql(dialect, &self.revision, index + 1);
            let ran = conn.execute(&format!("BEGIN;\n{insert}{sql};\n{done};\nCOMMIT"));
            if ran.is_err() {
                let _ = conn.rollback();
            }
            return ran.map(drop);
        }
        let tables = op.tables();
        let fingerprint = conn.schema_fingerprint(tables.as_deref())?;
        let session = conn.session_id()?;
        let mark = table.pending_sql(
            dialect,
            &self.revision,
            index,
            &fingerprint,
            session.as_deref(),
        );
        conn.execute(&format!("{insert}{mark};\n{sql}")).map(drop)
    }
}

impl Journal {
    /// Runs statement `index`, which must run outside any transaction
    /// (transactional DDL): commits the step's transaction with the record
    /// of the statements before it and the fingerprint of what it changes,
    /// runs it on its own, and begins the transaction the rest of the step
    /// runs in. A concurrent build that fails leaves an INVALID index
    /// behind: it is dropped before the error is reported, and before a
    /// build (one an earlier run left), so that the build can run again.
    fn outside_transaction(
        &mut self,
        conn: &mut dyn Connection,
        index: u64,
        insert: &str,
        sql: &str,
        op: &PreparedOp,
        table: &crate::journal_table::JournalTable,
    ) -> Result<(), DbError> {
        let dialect = conn.dialect();
        let tables = op.tables();
        let fingerprint = conn.schema_fingerprint(tables.as_deref())?;
        let mark = table.pending_sql(dialect, &self.revision, index, &fingerprint, None);
        conn.execute(&format!("{insert}{mark}"))?;
        conn.commit()?;
        self.committed = Some(index);
        self.in_doubt = true;
        self.committed_here = true;
        let build = op.concurrent_index().filter(|ix| ix.create);
        if let Some(ix) = &build {
            conn.drop_invalid_index(ix.schema, ix.name)?;
        }
        if let Err(e) = conn.execute(sql) {
            if let Some(ix) = &build {
                let _ = conn.drop_invalid_index(ix.schema, ix.name);
            }
            return Err(e);
        }
        self.committed = Some(index + 1);
        self.in_doubt = false;
        conn.begin()
    }
}

/// The step an interrupted entry was running: its revision, its
/// direction, and the revisions it leaves and reaches.
pub(crate) fn step_for(graph: &RevisionGraph, entry: &JournalEntry) -> Step {
    let parents = graph
        .get(&entry.revision)
        .map(|r| r.down_revisions.clone())
        .unwrap_or_default();
    let me = vec![entry.revision.clone()];
    let (from, to) = match entry.direction {
        Direction::Upgrade => (parents, me),
        Direction::Downgrade => (me, parents),
    };
    Step {
        revision: entry.revision.clone(),
        direction: entry.direction,
        version: VersionUpdate::Purge,
        from,
        to,
    }
}

/// Reads the journal after the lock is taken: settles the outcome of a
/// schema statement that was in flight, records a revision whose every
/// statement ran, and returns the entry still unfinished, if any.
pub(crate) fn settle(
    conn: &mut dyn Connection,
    graph: &RevisionGraph,
    ctx_dialect: &dyn retort_core::Dialect,
    tables: &Tables,
    opts: &RunOptions,
    progress: &mut dyn Progress,
) -> Result<Option<JournalEntry>, RunError> {
    // `read` finds nothing where the table was never needed (PostgreSQL
    // without a concurrent index, SQLite).
    let Some(mut entry) = tables.journal.read(conn)?.into_iter().next() else {
        return Ok(None);
    };
    let step = step_for(graph, &entry);
    if entry.state != JournalState::Running {
        return Err(RunError::Interrupted {
            revision: entry.revision.clone(),
            step: step.to_string(),
            detail: format!(
                "a statement of it failed and what had run could not all be undone{}",
                entry
                    .report
                    .as_deref()
                    .map(|r| format!(":\n{r}"))
                    .unwrap_or_default()
            ),
            advice: "repair the schema by hand, then record where the database is with `retort stamp <revision>` (which clears this record)".into(),
        });
    }
    let Some(revision) = graph.get(&entry.revision) else {
        return Err(RunError::Interrupted {
            revision: entry.revision.clone(),
            step: step.to_string(),
            detail: format!("{} of its {} statements ran, and no revision file declares it any more", entry.done, entry.statements),
            advice: "restore its file to finish or undo it, or repair the schema by hand and run `retort stamp <revision>`".into(),
        });
    };
    if let (Some(then), Some(now)) = (&entry.checksum, &revision.checksum)
        && then != now
    {
        return Err(RunError::Interrupted {
            revision: entry.revision.clone(),
            step: step.to_string(),
            detail: format!(
                "{} of its {} statements ran, and its file {} has changed since ({then} then, {now} now)",
                entry.done,
                entry.statements,
                revision.path.display()
            ),
            advice: "restore the file as it was to finish or undo the revision, or repair the schema by hand and run `retort stamp <revision>`".into(),
        });
    }
    let dialect = conn.dialect();
    if entry.pending.is_some() {
        // The server finishes a statement whose client died: wait for it,
        // or its outcome would be judged before it is known.
        if let Some(session) = entry.session.clone() {
            wait_for_session(conn, &entry, &session, opts.lock_timeout, progress)?;
        }
        let prepared = prepare_step(graph, &step, ctx_dialect, opts, Mode::Online)?;
        let pending = statement_at(&prepared, entry.done);
        if let Some((_, statement)) = pending
            && statement.runs_outside_transaction()
        {
            wait_for_statement(
                conn,
                &entry,
                statement.as_str(),
                opts.lock_timeout,
                progress,
            )?;
        }
        entry.done = statements_run(conn, graph, ctx_dialect, opts, &entry)?;
        // A concurrent build or drop that was cut off leaves its index
        // INVALID: gone, it is built again (or stays dropped).
        if let Some(ix) = pending.and_then(|(op, _)| op.concurrent_index()) {
            conn.drop_invalid_index(ix.schema, ix.name)?;
        }
        conn.execute(
            &tables
                .journal
                .done_sql(dialect, &entry.revision, entry.done),
        )?;
        entry.pending = None;
    }
    if entry.done < entry.statements {
        return Ok(Some(entry));
    }
    // Every statement ran; only the version and log rows are missing.
    let before = tables.version.read(conn)?;
    conn.begin()?;
    let recorded = (|| -> Result<(), DbError> {
        for gone in before.iter().filter(|r| !entry.rows_after.contains(r)) {
            tables
                .version
                .apply(conn, &VersionUpdate::Delete(gone.clone()))?;
        }
        for new in entry.rows_after.iter().filter(|r| !before.contains(r)) {
            tables
                .version
                .apply(conn, &VersionUpdate::Insert(new.clone()))?;
        }
        let log = LogEntry {
            revision: entry.revision.clone(),
            direction: entry.direction,
            tag: opts.tag.clone(),
            started_at: std::time::SystemTime::now(),
            duration: std::time::Duration::ZERO,
            checksum: entry.checksum.clone(),
        };
        tables.log.insert(conn, &log)?;
        conn.execute(&tables.journal.delete_sql(dialect, &entry.revision))?;
        Ok(())
    })();
    match recorded {
        Ok(()) => conn.commit()?,
        Err(e) => {
            let _ = conn.rollback();
            return Err(e.into());
        }
    }
    progress.note(&format!(
        "revision {} ({step}) had run all {} of its statements in a run that was interrupted before recording it; recorded it now",
        entry.revision, entry.statements
    ));
    Ok(None)
}

/// How many statements of `entry`'s revision ran: its count, plus the
/// schema statement it was about to run when the schema of what that
/// statement changes differs from the fingerprint taken before it.
/// Reads only.
pub(crate) fn statements_run(
    conn: &mut dyn Connection,
    graph: &RevisionGraph,
    dialect: &dyn retort_core::Dialect,
    opts: &RunOptions,
    entry: &JournalEntry,
) -> Result<u64, RunError> {
    let Some(pending) = &entry.pending else {
        return Ok(entry.done);
    };
    let prepared = prepare_step(graph, &step_for(graph, entry), dialect, opts, Mode::Online)?;
    let tables_of = statement_op(&prepared, entry.done).and_then(PreparedOp::tables);
    let now = conn.schema_fingerprint(tables_of.as_deref())?;
    Ok(if now == *pending {
        entry.done
    } else {
        entry.done + 1
    })
}

/// Waits while the server still runs the session `session` (the
/// connection of a run that died in a schema statement of `entry`).
fn wait_for_session(
    conn: &mut dyn Connection,
    entry: &JournalEntry,
    session: &str,
    timeout: std::time::Duration,
    progress: &mut dyn Progress,
) -> Result<(), RunError> {
    let waiting = Waiting {
        note: format!(
            "waiting for the statement an interrupted run left running on the server (connection {session}) to finish"
        ),
        detail: format!(
            "the server still runs a statement of it on connection {session} after {} s",
            timeout.as_secs()
        ),
        advice: format!("wait for it to end (or `KILL {session}`), then run again"),
    };
    waiting.wait(entry, timeout, progress, || conn.session_running(session))
}

/// What a wait for a statement an interrupted run left running says.
struct Waiting {
    /// Said once, when the wait begins.
    note: String,
    /// The error's detail when it times out.
    detail: String,
    /// What to do then.
    advice: String,
}

impl Waiting {
    /// Waits while `running` says so, at most `timeout`.
    fn wait(
        self,
        entry: &JournalEntry,
        timeout: std::time::Duration,
        progress: &mut dyn Progress,
        mut running: impl FnMut() -> Result<bool, DbError>,
    ) -> Result<(), RunError> {
        let started = std::time::Instant::now();
        let mut told = false;
        while running()? {
            if !told {
                progress.note(&self.note);
                told = true;
            }
            if started.elapsed() >= timeout {
                return Err(RunError::Interrupted {
                    revision: entry.revision.clone(),
                    step: entry.direction.to_string(),
                    detail: self.detail,
                    advice: self.advice,
                });
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        Ok(())
    }
}

/// Statement `index` of a step and the operation it belongs to.
fn statement_at(step: &PreparedStep, index: u64) -> Option<(&PreparedOp, &Statement)> {
    let mut first = 0u64;
    for op in &step.ops {
        let Rendered::Statements(statements) = &op.render else {
            continue;
        };
        if let Some(s) = statements.get(index.saturating_sub(first) as usize)
            && index >= first
        {
            return Some((op, &s.statement));
        }
        first += statements.len() as u64;
    }
    None
}

/// Waits while another session runs `sql`, the statement an interrupted
/// run of `entry` left running outside a transaction (the server goes on
/// with a statement whose client died, until it ends).
fn wait_for_statement(
    conn: &mut dyn Connection,
    entry: &JournalEntry,
    sql: &str,
    timeout: std::time::Duration,
    progress: &mut dyn Progress,
) -> Result<(), RunError> {
    let waiting = Waiting {
        note: format!(
            "waiting for the statement an interrupted run of revision {} left running on the server to finish: {sql}",
            entry.revision
        ),
        detail: format!(
            "the server still runs a statement of it after {} s: {sql}",
            timeout.as_secs()
        ),
        advice: "wait for it to end (or cancel it with pg_cancel_backend), then run again".into(),
    };
    waiting.wait(entry, timeout, progress, || conn.statement_running(sql))
}

/// The operation that statement `index` of a step belongs to.
fn statement_op(step: &PreparedStep, index: u64) -> Option<&PreparedOp> {
    let mut first = 0u64;
    for op in &step.ops {
        let count = match &op.render {
            Rendered::Statements(s) => s.len() as u64,
            Rendered::Rebuild => 0,
        };
        if index < first + count {
            return Some(op);
        }
        first += count;
    }
    None
}

/// Sends `statement` (offline, or where nothing is journaled): one that
/// must run outside a transaction ends the open one first and begins
/// another after it (`COMMIT;` / `BEGIN;` around it in a script, as
/// Alembic's `autocommit_block`).
pub(crate) fn outside_or_in(
    sink: &mut dyn Sink,
    statement: &Statement,
    in_transaction: bool,
) -> Result<Option<u64>, DbError> {
    if !(in_transaction && statement.runs_outside_transaction()) {
        return sink.statement(statement.as_str());
    }
    sink.commit()?;
    let ran = sink.statement(statement.as_str())?;
    sink.begin()?;
    Ok(ran)
}

/// A revision an earlier run left unfinished, as this run handles it.
pub(crate) struct Interrupted {
    /// Its journal entry.
    pub entry: JournalEntry,
    /// For a plan the other way round: the undo of what ran, newest
    /// operation first (each with its label).
    pub undo: Vec<(String, Vec<Statement>)>,
}

/// The undo of what an interrupted run of `entry` ran: the inverse of each
/// operation it started, newest first. An error says which operation has
/// no inverse (an `execute`, a drop without its definition).
pub(crate) fn undo_of(
    graph: &RevisionGraph,
    dialect: &dyn retort_core::Dialect,
    opts: &RunOptions,
    entry: &JournalEntry,
) -> Result<Vec<(String, Vec<Statement>)>, RunError> {
    let interrupted = prepare_step(graph, &step_for(graph, entry), dialect, opts, Mode::Online)?;
    let mut ran = Vec::new();
    let mut first = 0u64;
    for op in &interrupted.ops {
        if first >= entry.done {
            break;
        }
        let count = match &op.render {
            Rendered::Statements(s) => s.len() as u64,
            Rendered::Rebuild => 0,
        };
        let undo = op
            .op
            .reverse()
            .map_err(|e| e.to_string())
            .and_then(|inverse| dialect.render(&inverse).map_err(|e| e.to_string()))
            .map_err(|why| RunError::Interrupted {
                revision: entry.revision.clone(),
                step: interrupted.step.to_string(),
                detail: format!(
                    "{} of its {} statements ran, and {} cannot be undone automatically: {why}",
                    entry.done, entry.statements, op.label
                ),
                advice: "retort finishes it instead".into(),
            })?;
        ran.push((op.label.clone(), undo));
        first += count;
    }
    ran.reverse();
    Ok(ran)
}

/// How `step` runs, given the revision an earlier run left unfinished.
pub(crate) fn mode_for(
    ctx: &Context<'_>,
    step: &PreparedStep,
    progress: &mut dyn Progress,
) -> StepMode {
    let Some(interrupted) = ctx
        .interrupted
        .filter(|i| i.entry.revision == step.step.revision)
    else {
        return StepMode::Fresh;
    };
    let entry = &interrupted.entry;
    if entry.direction == step.step.direction {
        progress.note(&format!(
            "revision {} was interrupted after {} of its {} statements; finishing it from statement {}",
            entry.revision,
            entry.done,
            entry.statements,
            entry.done + 1
        ));
        return StepMode::Resume { done: entry.done };
    }
    progress.note(&format!(
        "revision {} was interrupted ({}) after {} of its {} statements; undoing them",
        entry.revision, entry.direction, entry.done, entry.statements
    ));
    StepMode::Undo {
        ran: interrupted.undo.clone(),
    }
}

/// Runs the undo of an interrupted step (`in_transaction`: in the step's
/// transaction, which a statement that must run outside one commits
/// first).
pub(crate) fn undo_interrupted(
    sink: &mut dyn Sink,
    ran: &[(String, Vec<Statement>)],
    in_transaction: bool,
) -> Result<(), StepFailure> {
    for (label, statements) in ran {
        for (index, s) in statements.iter().enumerate() {
            if let Err(source) = outside_or_in(sink, s, in_transaction) {
                return Err(StepFailure::statement(
                    format!("the undo of {label}"),
                    source.into(),
                    index as u64,
                ));
            }
        }
    }
    Ok(())
}
