//! Commands that act on databases: `upgrade`, `downgrade`, `stamp` and
//! `current`, online, or offline (`*_sql`: the script written to a
//! `Write`, no connection).

use std::io::Write;
use std::time::Duration;

use retort_core::graph::{Direction, Step};
use retort_core::script::Depth;
use retort_core::{RevisionId, ScriptDirectory};
use retort_db::DatabaseUrl;
use retort_db::runner::{self, RunOptions, offline};

use super::{Error, Event, Result, Retort, Target};

/// What an upgrade, downgrade or stamp did, per database.
#[derive(Clone, Debug)]
pub struct RunReport {
    /// One entry per database, in the order they ran.
    pub databases: Vec<DatabaseRun>,
}

impl RunReport {
    /// How many revisions ran, over all databases.
    pub fn steps(&self) -> usize {
        self.databases.iter().map(|d| d.steps.len()).sum()
    }
}

/// What a run did to one database.
#[derive(Clone, Debug)]
pub struct DatabaseRun {
    /// The database of a multi-database project.
    pub database: Option<String>,
    /// Its URL (`Display` hides the password).
    pub url: DatabaseUrl,
    /// The version rows before the run.
    pub before: Vec<RevisionId>,
    /// The version rows after it.
    pub after: Vec<RevisionId>,
    /// The revisions run, in order (none for a stamp).
    pub steps: Vec<StepRun>,
}

/// One revision run.
#[derive(Clone, Debug)]
pub struct StepRun {
    /// The step (`Display`: `upgrade a -> b`).
    pub step: Step,
    /// The revision's message.
    pub message: String,
    /// How long it took.
    pub elapsed: Duration,
}

/// The revisions each database is at (`current`), with the loaded project.
#[derive(Debug)]
pub struct Current {
    /// The loaded project (its graph describes the revisions).
    pub script: ScriptDirectory,
    /// One entry per database.
    pub databases: Vec<DatabaseRevisions>,
}

impl Current {
    /// `(database, version rows)` per database.
    pub fn rows(&self) -> Vec<(Option<String>, Vec<RevisionId>)> {
        self.databases
            .iter()
            .map(|d| (d.database.clone(), d.revisions.clone()))
            .collect()
    }
}

/// The revisions one database is at.
#[derive(Clone, Debug)]
pub struct DatabaseRevisions {
    /// The database of a multi-database project.
    pub database: Option<String>,
    /// Its URL (`Display` hides the password).
    pub url: DatabaseUrl,
    /// Its version rows: one per applied head, each declared by a
    /// revision file.
    pub revisions: Vec<RevisionId>,
    /// A revision an interrupted run left unfinished (MySQL/MariaDB, whose
    /// DDL cannot roll back): the next `upgrade` finishes it.
    pub interrupted: Vec<retort_db::JournalEntry>,
}

/// Hands the runner's steps to the progress receiver and keeps them for the
/// report: the finished ones in `runs`, the one running in `pending` (the
/// one that failed, when the run fails).
pub(super) struct Steps<'a> {
    retort: &'a Retort,
    database: Option<&'a str>,
    pub(super) runs: Vec<StepRun>,
    pub(super) pending: Option<StepRun>,
}

impl<'a> Steps<'a> {
    pub(super) fn new(retort: &'a Retort, database: Option<&'a str>) -> Steps<'a> {
        Steps {
            retort,
            database,
            runs: Vec::new(),
            pending: None,
        }
    }
}

impl runner::Progress for Steps<'_> {
    fn step(&mut self, index: usize, total: usize, step: &Step, message: &str) {
        self.retort.emit(Event::StepStarted {
            database: self.database,
            index,
            total,
            step,
            message,
        });
        self.pending = Some(StepRun {
            step: step.clone(),
            message: message.to_owned(),
            elapsed: Duration::ZERO,
        });
    }

    fn done(&mut self, elapsed: Duration) {
        self.retort.emit(Event::StepFinished {
            database: self.database,
            elapsed,
        });
        if let Some(mut last) = self.pending.take() {
            last.elapsed = elapsed;
            self.runs.push(last);
        }
    }

    fn note(&mut self, text: &str) {
        self.retort.emit(Event::Note {
            database: self.database,
            note: text,
        });
    }
}

impl Target {
    fn options(&self, dir: &ScriptDirectory, tag: &Option<String>) -> RunOptions {
        RunOptions {
            tag: tag.clone(),
            transaction_per_migration: dir.config.transaction_per_migration,
            lock_timeout: Duration::from_secs(dir.config.lock_timeout),
            lock_lease: Duration::from_secs(dir.config.lock_lease),
            database: self.name.clone(),
            x_args: dir.config.x_args.clone(),
        }
    }
}

impl Retort {
    /// `upgrade`: runs the revisions from where each database is to
    /// `target` (`head`, `heads`, `+2`, an id, `label@head`, ...).
    pub fn upgrade(&self, target: &str) -> Result<RunReport> {
        self.run_online(Direction::Upgrade, target)
    }

    /// `downgrade`: reverts each database to `target` (`-1`, `base`, an
    /// id, ...).
    pub fn downgrade(&self, target: &str) -> Result<RunReport> {
        self.run_online(Direction::Downgrade, target)
    }

    /// `upgrade --sql`: writes the SQL script of an upgrade to `target`,
    /// or over a range `START:END`, without connecting (the dialect comes
    /// from the URL).
    pub fn upgrade_sql(&self, target: &str, out: &mut dyn Write) -> Result<()> {
        self.run_offline(Direction::Upgrade, target, out)
    }

    /// `downgrade --sql`: writes the SQL script of a downgrade over the
    /// range `START:END`, without connecting.
    pub fn downgrade_sql(&self, range: &str, out: &mut dyn Write) -> Result<()> {
        if !range.contains(':') {
            return Err(Error::OfflineDowngradeRange {
                given: range.to_owned(),
            });
        }
        self.run_offline(Direction::Downgrade, range, out)
    }

    /// `revision --sql`: writes the SQL script of the revision `id` alone,
    /// as `upgrade --sql` writes it, from its parents (from base, creating
    /// the version table, when it has none), without connecting.
    pub fn revision_sql(&self, id: &str, out: &mut dyn Write) -> Result<()> {
        let dir = self.script_directory(Depth::Full)?;
        let parents = dir
            .graph
            .get(id)
            .map(|rev| rev.down_revisions.clone())
            .unwrap_or_default();
        let plan = dir.graph.plan_upgrade(&parents, id)?;
        let start = if parents.is_empty() {
            offline::Start::Base
        } else {
            offline::Start::Existing
        };
        self.offline_scripts(&dir, out, |t, script| {
            let name = t.url.dialect();
            let opts = t.options(&dir, &self.tag);
            offline::write_plan(&dir, &plan, name.dialect(), name, start, &opts, script)?;
            Ok(())
        })
    }

    fn run_online(&self, direction: Direction, target: &str) -> Result<RunReport> {
        // Every file is read fully, so a malformed revision anywhere stops
        // the run before anything is applied.
        let dir = self.script_directory(Depth::Full)?;
        let mut databases = Vec::new();
        for t in self.targets(&dir)? {
            let mut steps = Steps::new(self, t.name.as_deref());
            let (before, after) = self.run_target(&dir, &t, direction, target, &mut steps)?;
            let steps = steps.runs;
            databases.push(DatabaseRun {
                database: t.name,
                url: t.url,
                before,
                after,
                steps,
            });
        }
        Ok(RunReport { databases })
    }

    /// Upgrades or downgrades one database to `target`: its version rows
    /// before and after; the revisions run are in `steps`.
    pub(super) fn run_target(
        &self,
        dir: &ScriptDirectory,
        t: &Target,
        direction: Direction,
        target: &str,
        steps: &mut Steps<'_>,
    ) -> Result<(Vec<RevisionId>, Vec<RevisionId>)> {
        let dialect = t.url.dialect().dialect();
        let opts = t.options(dir, &self.tag);
        self.emit(Event::Database {
            database: t.name.as_deref(),
            url: &t.url,
        });
        let mut conn = retort_db::connect(&t.url)?;
        let report = match direction {
            Direction::Upgrade => {
                runner::upgrade(dir, conn.as_mut(), dialect, target, &opts, steps)?
            }
            Direction::Downgrade => {
                runner::downgrade(dir, conn.as_mut(), dialect, target, &opts, steps)?
            }
        };
        if report.steps == 0 {
            self.emit(Event::NothingToDo {
                database: t.name.as_deref(),
                at: &report.after,
            });
        }
        Ok((report.before, report.after))
    }

    fn run_offline(&self, direction: Direction, range: &str, out: &mut dyn Write) -> Result<()> {
        let dir = self.script_directory(Depth::Full)?;
        let plan = dir.graph.plan_range(range, direction)?;
        // A downgrade script, or one from a revision, runs on a database
        // that has the version table already.
        let start = match (direction, range.split_once(':')) {
            (Direction::Downgrade, _) => offline::Start::Existing,
            (_, None) => offline::Start::Base,
            (_, Some((from, _))) if from.is_empty() || from == "base" => offline::Start::Base,
            (_, Some(_)) => offline::Start::Existing,
        };
        self.offline_scripts(&dir, out, |t, script| {
            let name = t.url.dialect();
            let opts = t.options(&dir, &self.tag);
            offline::write_plan(&dir, &plan, name.dialect(), name, start, &opts, script)?;
            Ok(())
        })
    }

    /// Writes each target database's offline script to `out`, all or
    /// nothing: a database whose script cannot be rendered leaves nothing
    /// on `out`. When several databases' scripts follow one another, each
    /// starts with a comment naming its database.
    fn offline_scripts(
        &self,
        dir: &ScriptDirectory,
        out: &mut dyn Write,
        mut render: impl FnMut(&Target, &mut Vec<u8>) -> Result<()>,
    ) -> Result<()> {
        let targets = self.targets(dir)?;
        let several = targets.len() > 1;
        let mut script = Vec::new();
        for t in &targets {
            if let Some(database) = t.name.as_deref().filter(|_| several) {
                writeln!(
                    script,
                    "-- Database: {database} ({})\n",
                    t.url.dialect().as_str()
                )?;
            }
            render(t, &mut script)?;
        }
        out.write_all(&script)?;
        Ok(())
    }

    /// `stamp`: sets each database's version rows to `revisions` (`base`
    /// for none) without running anything; `purge` first empties the
    /// version table, even of revisions no file declares.
    pub fn stamp(&self, revisions: &[&str], purge: bool) -> Result<RunReport> {
        let dir = self.script_directory(Depth::Header)?;
        let mut databases = Vec::new();
        for t in self.targets(&dir)? {
            let opts = t.options(&dir, &self.tag);
            let mut conn = retort_db::connect(&t.url)?;
            let report = runner::stamp(&dir, conn.as_mut(), revisions, purge, &opts)?;
            self.emit(Event::Stamped {
                database: t.name.as_deref(),
                url: &t.url,
                before: &report.before,
                after: &report.after,
            });
            databases.push(DatabaseRun {
                database: t.name,
                url: t.url,
                before: report.before,
                after: report.after,
                steps: Vec::new(),
            });
        }
        Ok(RunReport { databases })
    }

    /// `stamp --sql`: writes the version-table statements of a stamp from
    /// an empty database, without connecting.
    pub fn stamp_sql(&self, revisions: &[&str], purge: bool, out: &mut dyn Write) -> Result<()> {
        let dir = self.script_directory(Depth::Header)?;
        let updates = dir.graph.plan_stamp(&[], revisions, purge)?;
        self.offline_scripts(&dir, out, |t, script| {
            let name = t.url.dialect();
            offline::write_stamp(
                &dir,
                &updates,
                name.dialect(),
                name,
                offline::Start::Base,
                script,
            )?;
            Ok(())
        })
    }

    /// `current`: the revisions each database is at.
    pub fn current(&self) -> Result<Current> {
        let script = self.script_directory(Depth::Header)?;
        let databases = self.current_rows(&script)?;
        Ok(Current { script, databases })
    }

    /// The version rows of each database, checked against the graph.
    pub(super) fn current_rows(&self, dir: &ScriptDirectory) -> Result<Vec<DatabaseRevisions>> {
        self.targets(dir)?
            .into_iter()
            .map(|t| self.current_target(dir, t))
            .collect()
    }

    /// The version rows of one database, checked against the graph.
    pub(super) fn current_target(
        &self,
        dir: &ScriptDirectory,
        t: Target,
    ) -> Result<DatabaseRevisions> {
        let mut conn = retort_db::connect(&t.url)?;
        let rows = runner::current(dir, conn.as_mut())?;
        let interrupted = runner::interrupted(dir, conn.as_mut())?;
        if let Some(unknown) = rows.iter().find(|r| dir.graph.get(r).is_none()) {
            return Err(Error::UnknownCurrentRevision {
                url: t.url.to_string(),
                revision: unknown.to_string(),
            });
        }
        Ok(DatabaseRevisions {
            database: t.name,
            url: t.url,
            revisions: rows,
            interrupted,
        })
    }
}

/// What `verify` found on one database.
#[derive(Clone, Debug)]
pub struct DatabaseVerification {
    /// The database of a multi-database project.
    pub database: Option<String>,
    /// Its URL (`Display` hides the password).
    pub url: DatabaseUrl,
    /// The applied revisions compared, and those that do not match.
    pub verification: runner::Verification,
}

/// What `unlock` cleared on one database.
#[derive(Clone, Debug)]
pub struct DatabaseUnlock {
    /// The database of a multi-database project.
    pub database: Option<String>,
    /// Its URL (`Display` hides the password).
    pub url: DatabaseUrl,
    /// Who held the lock it cleared; `None` when nothing held it (or the
    /// database is SQLite, whose lock the operating system releases).
    pub holder: Option<retort_db::LockHolder>,
}

impl Retort {
    /// `verify`: each database's applied revisions against the revision
    /// files: edited after they were applied, deleted, or unknown. Reads
    /// only.
    pub fn verify(&self) -> Result<Vec<DatabaseVerification>> {
        let dir = self.script_directory(Depth::Full)?;
        let mut all = Vec::new();
        for t in self.targets(&dir)? {
            let mut conn = retort_db::connect(&t.url)?;
            let verification = runner::verify(&dir, conn.as_mut())?;
            all.push(DatabaseVerification {
                database: t.name,
                url: t.url,
                verification,
            });
        }
        Ok(all)
    }

    /// `unlock`: clears each database's migration lock by hand, whoever
    /// holds it. Only for a lock whose holder is gone and whose lease
    /// does not end (a run whose lease keeps being renewed is alive):
    /// clearing a live run's lock lets a second run migrate at once.
    pub fn unlock(&self) -> Result<Vec<DatabaseUnlock>> {
        let dir = self.script_directory(Depth::Header)?;
        let mut all = Vec::new();
        for t in self.targets(&dir)? {
            let mut conn = retort_db::connect(&t.url)?;
            let holder = runner::unlock(&dir, conn.as_mut())?;
            all.push(DatabaseUnlock {
                database: t.name,
                url: t.url,
                holder,
            });
        }
        Ok(all)
    }
}
