//! Fleet runs: one command (`upgrade`, `downgrade`, `current`, `check`)
//! over many databases, for multi-tenant applications: a database (or a
//! schema) per tenant.
//!
//! A fleet run is many single-database runs, each with its own URL and
//! connection, `jobs` of them at a time on threads (the drivers are
//! synchronous). The project is loaded once. Each database's run is the
//! same as `retort --url URL upgrade`: idempotent, so a fleet run that was
//! interrupted (killed, or stopped by a failure) is finished by running it
//! again; the databases it already did have nothing to do.
//!
//! ```no_run
//! use retort::Retort;
//! use retort::api::FleetOptions;
//!
//! let retort = Retort::open("migrations");
//! let fleet = retort.fleet("sqlite:///tenants/*.db")?;
//! let options = FleetOptions::new(4, false); // 4 at a time, stop at a failure
//! let report = fleet.upgrade("head", options, &mut |_event| {})?;
//! for result in &report.results {
//!     println!("{} {}", result.status.as_str(), result.member.name);
//! }
//! assert!(report.all_ok());
//! # Ok::<(), retort::Error>(())
//! ```

use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use retort_core::graph::Direction;
use retort_core::script::Depth;
use retort_core::{RevisionId, ScriptDirectory};

use super::fleet_source::discover;
use super::run::Steps;
use super::{Error, PendingChange, Result, Retort, StepRun, Target};

pub use super::fleet_source::FleetMember;

/// How a fleet runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct FleetOptions {
    /// How many databases run at a time (at least 1).
    pub jobs: usize,
    /// Go on after a database fails. Without it, no database starts after
    /// the first failure (those running finish) and the rest are
    /// [`FleetStatus::Skipped`].
    pub continue_on_error: bool,
}

impl Default for FleetOptions {
    fn default() -> Self {
        FleetOptions {
            jobs: 1,
            continue_on_error: false,
        }
    }
}

impl FleetOptions {
    /// `jobs` at a time, stopping at the first failure unless
    /// `continue_on_error`.
    pub fn new(jobs: usize, continue_on_error: bool) -> FleetOptions {
        FleetOptions {
            jobs: jobs.max(1),
            continue_on_error,
        }
    }
}

/// What became of one database.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FleetStatus {
    /// The command succeeded on it (`check`: no change pending).
    Ok,
    /// It failed (`check`: changes are pending).
    Failed,
    /// It was not attempted: an earlier database failed.
    Skipped,
}

impl FleetStatus {
    /// `ok`, `failed` or `skipped`.
    pub fn as_str(self) -> &'static str {
        match self {
            FleetStatus::Ok => "ok",
            FleetStatus::Failed => "failed",
            FleetStatus::Skipped => "skipped",
        }
    }
}

/// What a fleet command did on one database.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct FleetResult {
    /// The database.
    pub member: FleetMember,
    /// What became of it.
    pub status: FleetStatus,
    /// Its version rows before the run, when it got that far
    /// (`upgrade`, `downgrade`).
    pub before: Option<Vec<RevisionId>>,
    /// Its version rows after the run (after a failure: where it was left,
    /// when they could be read); `current`: where it is.
    pub after: Option<Vec<RevisionId>>,
    /// Whether `after` is every head of the graph.
    pub at_head: Option<bool>,
    /// The revisions run, in order (after a failure, those that finished
    /// before it).
    pub steps: Vec<StepRun>,
    /// `check`: the pending changes.
    pub changes: Vec<PendingChange>,
    /// How long it took.
    pub elapsed: Duration,
    /// Why it failed or was skipped, one line (passwords hidden).
    pub error: Option<String>,
}

impl FleetResult {
    fn new(member: &FleetMember, status: FleetStatus) -> FleetResult {
        FleetResult {
            member: member.clone(),
            status,
            before: None,
            after: None,
            at_head: None,
            steps: Vec::new(),
            changes: Vec::new(),
            elapsed: Duration::ZERO,
            error: None,
        }
    }

    /// True when the command succeeded and ran no revision: the database
    /// was already where it was asked to go.
    pub fn nothing_to_do(&self) -> bool {
        self.status == FleetStatus::Ok && self.steps.is_empty()
    }
}

/// What a fleet command reports while it runs, on the calling thread.
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub enum FleetEvent<'a> {
    /// Database `index` (of the fleet's members) starts.
    Started {
        /// Its position in [`Fleet::members`].
        index: usize,
        /// The database.
        member: &'a FleetMember,
    },
    /// Database `index` is done (or was skipped, at the end).
    Finished {
        /// Its position in [`Fleet::members`].
        index: usize,
        /// What became of it.
        result: &'a FleetResult,
    },
}

/// What a fleet command did: one result per member, in the members' order.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct FleetReport {
    /// One per database, in the order of [`Fleet::members`].
    pub results: Vec<FleetResult>,
}

impl FleetReport {
    /// How many databases ended with `status`.
    pub fn count(&self, status: FleetStatus) -> usize {
        self.results.iter().filter(|r| r.status == status).count()
    }

    /// True when every database succeeded.
    pub fn all_ok(&self) -> bool {
        self.results.iter().all(|r| r.status == FleetStatus::Ok)
    }
}

/// Many databases, one command at a time over all of them: made by
/// [`Retort::fleet`] or [`Retort::fleet_of`].
#[derive(Debug)]
pub struct Fleet {
    retort: Retort,
    members: Vec<FleetMember>,
}

impl Retort {
    /// The fleet `source` names: a file of URLs, a glob of SQLite files
    /// (`sqlite:///tenants/*.db`), the schemas of a PostgreSQL database
    /// matching a pattern (`postgresql://app@db/prod?schemas=tenant_*`), the
    /// databases of a MySQL/MariaDB server matching one
    /// (`mysql://app@db/?schemas=tenant_*`), or one URL. Lists the
    /// databases now (connecting to list schemas).
    pub fn fleet(&self, source: &str) -> Result<Fleet> {
        Ok(self.fleet_of(discover(source)?))
    }

    /// A fleet of the databases given.
    pub fn fleet_of(&self, members: Vec<FleetMember>) -> Fleet {
        // Each database's own run reports nothing: the fleet's events say
        // what happens, and threads would interleave the rest.
        let mut retort = self.clone();
        retort.progress = None;
        Fleet { retort, members }
    }
}

impl Fleet {
    /// The databases, in the order they start.
    pub fn members(&self) -> &[FleetMember] {
        &self.members
    }

    /// `upgrade` on each database to `target`.
    pub fn upgrade(
        &self,
        target: &str,
        options: FleetOptions,
        progress: &mut dyn FnMut(FleetEvent<'_>),
    ) -> Result<FleetReport> {
        self.run(Direction::Upgrade, target, options, progress)
    }

    /// `downgrade` on each database to `target`.
    pub fn downgrade(
        &self,
        target: &str,
        options: FleetOptions,
        progress: &mut dyn FnMut(FleetEvent<'_>),
    ) -> Result<FleetReport> {
        self.run(Direction::Downgrade, target, options, progress)
    }

    fn run(
        &self,
        direction: Direction,
        target: &str,
        options: FleetOptions,
        progress: &mut dyn FnMut(FleetEvent<'_>),
    ) -> Result<FleetReport> {
        let shared = self.project(Depth::Full)?;
        self.execute(options, progress, |member, result| {
            let dir = self.project_for(member, &shared, Depth::Full)?;
            let t = self.target(member, &dir)?;
            let mut steps = Steps::new(&self.retort, t.name.as_deref());
            let outcome = self
                .retort
                .run_target(&dir, &t, direction, target, &mut steps);
            result.steps = steps.runs;
            match outcome {
                Ok((before, after)) => {
                    result.at_head = Some(at_head(&dir, &after));
                    result.before = Some(before);
                    result.after = Some(after);
                    Ok(())
                }
                Err(e) => {
                    // Where the failure left it, when that can be read.
                    if let Ok(now) = self.retort.current_target(&dir, t) {
                        result.at_head = Some(at_head(&dir, &now.revisions));
                        result.after = Some(now.revisions);
                    }
                    Err(e)
                }
            }
        })
    }

    /// `current` on each database: where it is (`after`).
    pub fn current(
        &self,
        options: FleetOptions,
        progress: &mut dyn FnMut(FleetEvent<'_>),
    ) -> Result<FleetReport> {
        let shared = self.project(Depth::Header)?;
        self.execute(options, progress, |member, result| {
            let dir = self.project_for(member, &shared, Depth::Header)?;
            let t = self.target(member, &dir)?;
            let now = self.retort.current_target(&dir, t)?;
            result.at_head = Some(at_head(&dir, &now.revisions));
            result.after = Some(now.revisions);
            Ok(())
        })
    }

    /// `check` on each database: the changes its models have that a new
    /// revision would hold; a database with changes pending has
    /// [`FleetStatus::Failed`] (and the fleet goes on: only an error stops
    /// it).
    pub fn check(
        &self,
        options: FleetOptions,
        progress: &mut dyn FnMut(FleetEvent<'_>),
    ) -> Result<FleetReport> {
        let shared = self.project(Depth::Full)?;
        self.execute(options, progress, |member, result| {
            let dir = self.project_for(member, &shared, Depth::Full)?;
            let t = self.target(member, &dir)?;
            result.changes = self.retort.check_target(&dir, &t)?;
            if !result.changes.is_empty() {
                result.error = Some(format!(
                    "new upgrade operations detected ({} change(s)): {}",
                    result.changes.len(),
                    result
                        .changes
                        .iter()
                        .map(|c| c.change.as_str())
                        .collect::<Vec<_>>()
                        .join("; ")
                ));
            }
            Ok(())
        })
    }

    /// The project, loaded once for the members that share it (all but
    /// schema-per-tenant members, whose version table is in their schema).
    fn project(&self, depth: Depth) -> Result<Arc<ScriptDirectory>> {
        let dir = self.retort.script_directory(depth)?;
        // Checked once, before any database starts.
        self.database_name(&dir)?;
        Ok(Arc::new(dir))
    }

    /// The project as `member` sees it: its schema holds retort's tables.
    fn project_for(
        &self,
        member: &FleetMember,
        shared: &Arc<ScriptDirectory>,
        depth: Depth,
    ) -> Result<Arc<ScriptDirectory>> {
        match &member.schema {
            None => Ok(Arc::clone(shared)),
            Some(schema) => {
                let schema = schema.clone();
                let r = self.retort.clone().configure(move |cfg| {
                    cfg.version_table_schema = Some(schema.clone());
                    Ok::<_, Infallible>(())
                });
                Ok(Arc::new(r.script_directory(depth)?))
            }
        }
    }

    /// The database of a multi-database project the fleet acts on
    /// (`--database`, required there).
    fn database_name(&self, dir: &ScriptDirectory) -> Result<Option<String>> {
        let config = &dir.config;
        match (&self.retort.database, config.databases.is_empty()) {
            (None, true) => Ok(None),
            (Some(db), true) => Err(Error::SingleDatabase {
                name: db.clone(),
                config: config.path.clone(),
            }),
            (Some(db), false) if config.databases.contains_key(db) => Ok(Some(db.clone())),
            (Some(db), false) => Err(Error::NoSuchDatabase {
                name: db.clone(),
                config: config.path.clone(),
                declared: config.database_names().join(", "),
            }),
            (None, false) => Err(Error::OptionNeedsDatabase {
                option: "--fleet",
                config: config.path.clone(),
                declared: config.database_names().join(", "),
            }),
        }
    }

    fn target(&self, member: &FleetMember, dir: &ScriptDirectory) -> Result<Target> {
        Ok(Target {
            name: self.database_name(dir)?,
            url: member.url.clone(),
        })
    }

    /// Runs `work` on each member, `options.jobs` at a time, and collects
    /// the results in the members' order.
    fn execute<W>(
        &self,
        options: FleetOptions,
        progress: &mut dyn FnMut(FleetEvent<'_>),
        work: W,
    ) -> Result<FleetReport>
    where
        W: Fn(&FleetMember, &mut FleetResult) -> Result<()> + Sync,
    {
        enum Message {
            Started(usize),
            Finished(usize, Box<FleetResult>),
        }
        let members = &self.members;
        let total = members.len();
        let next = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        let mut results: Vec<Option<FleetResult>> = (0..total).map(|_| None).collect();
        let jobs = options.jobs.clamp(1, total.max(1));
        let (tx, rx) = mpsc::channel::<Message>();
        std::thread::scope(|scope| {
            for _ in 0..jobs {
                let tx = tx.clone();
                let (next, stop, work) = (&next, &stop, &work);
                scope.spawn(move || {
                    loop {
                        let index = next.fetch_add(1, Ordering::SeqCst);
                        if index >= total || stop.load(Ordering::SeqCst) {
                            break;
                        }
                        let member = &members[index];
                        let _ = tx.send(Message::Started(index));
                        let started = Instant::now();
                        let mut result = FleetResult::new(member, FleetStatus::Ok);
                        // An error stops the fleet; a finding (`check`'s
                        // changes) fails the database only.
                        if let Err(e) = work(member, &mut result) {
                            result.error = Some(one_line(&e));
                            if !options.continue_on_error {
                                stop.store(true, Ordering::SeqCst);
                            }
                        }
                        if result.error.is_some() {
                            result.status = FleetStatus::Failed;
                        }
                        result.elapsed = started.elapsed();
                        let _ = tx.send(Message::Finished(index, Box::new(result)));
                    }
                });
            }
            drop(tx);
            for message in rx {
                match message {
                    Message::Started(index) => progress(FleetEvent::Started {
                        index,
                        member: &members[index],
                    }),
                    Message::Finished(index, result) => {
                        progress(FleetEvent::Finished {
                            index,
                            result: &result,
                        });
                        results[index] = Some(*result);
                    }
                }
            }
        });
        let results = results
            .into_iter()
            .enumerate()
            .map(|(index, result)| match result {
                Some(result) => result,
                None => {
                    let mut skipped = FleetResult::new(&members[index], FleetStatus::Skipped);
                    skipped.error = Some(
                        "not attempted: an earlier database failed (--continue-on-error goes on)"
                            .to_owned(),
                    );
                    progress(FleetEvent::Finished {
                        index,
                        result: &skipped,
                    });
                    skipped
                }
            })
            .collect();
        Ok(FleetReport { results })
    }
}

/// Whether `rows` are every head of the graph.
fn at_head(dir: &ScriptDirectory, rows: &[RevisionId]) -> bool {
    let mut at: Vec<&str> = rows.iter().map(|r| r.as_str()).collect();
    let mut heads: Vec<&str> = dir.graph.heads().iter().map(|r| r.id.as_str()).collect();
    at.sort_unstable();
    heads.sort_unstable();
    at == heads
}

/// An error and its causes as one line, each cause once.
pub(super) fn one_line(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let c_text = c.to_string();
        if !text.contains(&c_text) {
            text.push_str(": ");
            text.push_str(&c_text);
        }
        cause = c.source();
    }
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}
