//! Commands that act on databases: `upgrade`, `downgrade`, `stamp`,
//! `current`, online or offline (`--sql`).

use std::io::{IsTerminal, Write};
use std::time::Duration;

use anyhow::bail;
use clap::Args;
use retort_core::graph::{Direction, Step};
use retort_core::script::Depth;
use retort_core::{Dialect, RevisionId, ScriptDirectory};
use retort_db::runner::{self, Progress, RunOptions, offline};
use retort_db::{Connection, DatabaseUrl, connect, resolve_url};

use super::output::Printer;
use super::project::Project;
use super::{Format, GlobalOptions};

/// `retort upgrade`.
#[derive(Debug, Args)]
pub struct UpgradeArgs {
    /// Print the SQL instead of running it; REV may be a range START:END.
    #[arg(long)]
    pub sql: bool,
    /// A tag recorded with each revision run (in the log table).
    #[arg(long)]
    pub tag: Option<String>,
    /// The target revision.
    #[arg(value_name = "REV", default_value = "head")]
    pub revision: String,
}

/// `retort downgrade`.
#[derive(Debug, Args)]
pub struct DowngradeArgs {
    /// Print the SQL instead of running it; REV must be a range START:END.
    #[arg(long)]
    pub sql: bool,
    /// A tag recorded with each revision run (in the log table).
    #[arg(long)]
    pub tag: Option<String>,
    /// The target revision.
    #[arg(value_name = "REV", default_value = "-1", allow_hyphen_values = true)]
    pub revision: String,
}

/// `retort stamp`.
#[derive(Debug, Args)]
pub struct StampArgs {
    /// Print the SQL instead of running it.
    #[arg(long)]
    pub sql: bool,
    /// A tag (accepted for Alembic compatibility; stamping runs no revision).
    #[arg(long)]
    pub tag: Option<String>,
    /// Empty the version table first, even of revisions no file declares.
    #[arg(long)]
    pub purge: bool,
    /// The revisions to record (`base` for none).
    #[arg(value_name = "REV", required = true, allow_hyphen_values = true)]
    pub revisions: Vec<String>,
}

/// `retort current`.
#[derive(Debug, Args)]
pub struct CurrentArgs {
    /// Show each revision's full entry.
    #[arg(short = 'v', long)]
    pub verbose: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// One database of the project: its name (multi-database) and URL.
pub(super) struct Target {
    pub(super) name: Option<String>,
    pub(super) url: DatabaseUrl,
}

impl Target {
    fn dialect(&self) -> anyhow::Result<&'static dyn Dialect> {
        Ok(self.url.dialect().dialect())
    }

    pub(super) fn connect(&self) -> anyhow::Result<Box<dyn Connection>> {
        Ok(connect(&self.url)?)
    }

    fn options(&self, dir: &ScriptDirectory, tag: &Option<String>) -> RunOptions {
        RunOptions {
            tag: tag.clone(),
            transaction_per_migration: dir.config.transaction_per_migration,
            database: self.name.clone(),
            ..RunOptions::default()
        }
    }
}

/// The databases a command acts on: the one of a single-database project,
/// or each `[databases.<name>]` (only `--database NAME` when given).
pub(super) fn targets(g: &GlobalOptions, dir: &ScriptDirectory) -> anyhow::Result<Vec<Target>> {
    let names: Vec<Option<String>> = if dir.config.databases.is_empty() {
        if let Some(db) = &g.database {
            bail!(
                "--database {db}: this project has a single database (no [databases.<name>] in {})",
                dir.config.path.display()
            );
        }
        vec![None]
    } else {
        match &g.database {
            Some(db) if dir.config.databases.contains_key(db) => vec![Some(db.clone())],
            Some(db) => bail!(
                "--database {db}: no such database; {} declares {}",
                dir.config.path.display(),
                dir.config.database_names().join(", ")
            ),
            None => dir.config.databases.keys().cloned().map(Some).collect(),
        }
    };
    names
        .into_iter()
        .map(|name| {
            let resolved = resolve_url(g.url.as_deref(), &dir.config, name.as_deref())?;
            Ok(Target {
                name,
                url: resolved.url,
            })
        })
        .collect()
}

/// Shows each step on stderr as Alembic logs it; on a terminal, with its
/// position and duration.
struct StepLog {
    quiet: bool,
    terminal: bool,
}

impl StepLog {
    fn new(g: &GlobalOptions) -> Self {
        StepLog {
            quiet: g.quiet,
            terminal: std::io::stderr().is_terminal(),
        }
    }
}

impl Progress for StepLog {
    fn step(&mut self, index: usize, total: usize, step: &Step, message: &str) {
        if self.quiet {
            return;
        }
        let counter = if self.terminal {
            format!("[{}/{total}] ", index + 1)
        } else {
            String::new()
        };
        let line = format!("{counter}Running {step}, {message}");
        if self.terminal {
            eprint!("{line}");
        } else {
            eprintln!("{line}");
        }
    }

    fn done(&mut self, elapsed: Duration) {
        if !self.quiet && self.terminal {
            eprintln!(" ({} ms)", elapsed.as_millis());
        }
    }
}

/// `retort upgrade [--sql] [--tag TAG] [REV]`.
pub fn upgrade(g: &GlobalOptions, args: &UpgradeArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    migrate(
        g,
        Direction::Upgrade,
        &args.revision,
        args.sql,
        &args.tag,
        out,
    )
}

/// `retort downgrade [--sql] [--tag TAG] [REV]`.
pub fn downgrade(
    g: &GlobalOptions,
    args: &DowngradeArgs,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    if args.sql && !args.revision.contains(':') {
        bail!(
            "downgrade with --sql requires <fromrev>:<torev>, e.g. `retort downgrade --sql head:base`; got {:?}",
            args.revision
        );
    }
    migrate(
        g,
        Direction::Downgrade,
        &args.revision,
        args.sql,
        &args.tag,
        out,
    )
}

fn migrate(
    g: &GlobalOptions,
    direction: Direction,
    revision: &str,
    sql: bool,
    tag: &Option<String>,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    // Every file is read fully, so a malformed revision anywhere stops the
    // run before anything is applied.
    let dir = Project::from_options(g).load(Depth::Full)?;
    for target in targets(g, &dir)? {
        let dialect = target.dialect()?;
        let opts = target.options(&dir, tag);
        if sql {
            let plan = dir.graph.plan_range(revision, direction)?;
            let start = match revision.split_once(':') {
                None => offline::Start::Base,
                Some((from, _)) if from.is_empty() || from == "base" => offline::Start::Base,
                Some(_) => offline::Start::Existing,
            };
            let start = if direction == Direction::Downgrade {
                offline::Start::Existing
            } else {
                start
            };
            offline::write_plan(
                &dir,
                &plan,
                dialect,
                target.url.dialect(),
                start,
                &opts,
                out,
            )?;
            continue;
        }
        if !g.quiet {
            eprintln!("Database {}", target.url.masked());
        }
        let mut conn = target.connect()?;
        let mut log = StepLog::new(g);
        let report = match direction {
            Direction::Upgrade => {
                runner::upgrade(&dir, conn.as_mut(), dialect, revision, &opts, &mut log)?
            }
            Direction::Downgrade => {
                runner::downgrade(&dir, conn.as_mut(), dialect, revision, &opts, &mut log)?
            }
        };
        if !g.quiet && report.steps == 0 {
            eprintln!(
                "Nothing to do: the database is at {}",
                runner::rows_text(&report.after)
            );
        }
    }
    Ok(())
}

/// `retort stamp [--sql] [--purge] REV...`.
pub fn stamp(g: &GlobalOptions, args: &StampArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let dir = Project::from_options(g).load(Depth::Header)?;
    let revisions: Vec<&str> = args.revisions.iter().map(String::as_str).collect();
    for target in targets(g, &dir)? {
        let opts = target.options(&dir, &args.tag);
        if args.sql {
            let updates = dir.graph.plan_stamp(&[], &revisions, args.purge)?;
            offline::write_stamp(
                &dir,
                &updates,
                target.dialect()?,
                target.url.dialect(),
                offline::Start::Base,
                out,
            )?;
            continue;
        }
        let mut conn = target.connect()?;
        let report = runner::stamp(&dir, conn.as_mut(), &revisions, args.purge, &opts)?;
        if !g.quiet {
            eprintln!(
                "Stamped {}: {} -> {}",
                target.url.masked(),
                runner::rows_text(&report.before),
                runner::rows_text(&report.after)
            );
        }
    }
    Ok(())
}

/// The version rows of each database, checked against the graph.
fn current_rows(
    g: &GlobalOptions,
    dir: &ScriptDirectory,
) -> anyhow::Result<Vec<(Target, Vec<RevisionId>)>> {
    let mut all = Vec::new();
    for target in targets(g, dir)? {
        let mut conn = target.connect()?;
        let rows = runner::current(dir, conn.as_mut())?;
        if let Some(unknown) = rows.iter().find(|r| dir.graph.get(r).is_none()) {
            bail!(
                "{} is at revision {unknown}, which no revision file declares; restore that file, or `retort stamp --purge REV` to record where the database really is",
                target.url.masked()
            );
        }
        all.push((target, rows));
    }
    Ok(all)
}

/// `retort current [--verbose]`: the revisions each database is at.
pub fn current(g: &GlobalOptions, args: &CurrentArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let dir = Project::from_options(g).load(Depth::Header)?;
    let all = current_rows(g, &dir)?;
    let printer = Printer::new(&dir.graph);
    let mut json = Vec::new();
    for (target, rows) in &all {
        if !g.quiet && args.format == Format::Text {
            eprintln!("Database {}", target.url.masked());
        }
        for row in rows {
            let Some(rev) = dir.graph.get(row) else {
                continue;
            };
            match args.format {
                Format::Json => json.push(printer.json(rev)),
                Format::Text if args.verbose => writeln!(out, "{}", printer.entry(rev))?,
                Format::Text => writeln!(out, "{}", printer.line(rev, Default::default()))?,
            }
        }
    }
    if args.format == Format::Json {
        serde_json::to_writer_pretty(&mut *out, &json)?;
        writeln!(out)?;
    }
    Ok(())
}

/// The version rows of every database, for `history -i`.
pub fn all_current(g: &GlobalOptions, dir: &ScriptDirectory) -> anyhow::Result<Vec<RevisionId>> {
    Ok(current_rows(g, dir)?
        .into_iter()
        .flat_map(|(_, rows)| rows)
        .collect())
}
