//! Commands that act on databases: `upgrade`, `downgrade`, `stamp`,
//! `current`, online or offline (`--sql`).

use std::io::Write;

use clap::Args;

use super::Format;
use super::fleet_cmds::{self, FleetArgs, FleetCommand};
use super::output::{InterruptedJson, LineParts, Printer};
use crate::api::{Event, Retort};

/// `retort upgrade`.
#[derive(Debug, Args)]
pub struct UpgradeArgs {
    /// Print the SQL instead of running it; REV may be a range START:END.
    #[arg(long, conflicts_with = "fleet")]
    pub sql: bool,
    /// A tag recorded with each revision run (in the log table).
    #[arg(long)]
    pub tag: Option<String>,
    /// The target revision.
    #[arg(
        value_name = "REV",
        default_value = "head",
        allow_negative_numbers = true
    )]
    pub revision: String,
    /// Run on many databases (see docs/fleet.md).
    #[command(flatten)]
    pub fleet: FleetArgs,
    /// With --fleet: the report's format.
    #[arg(long, value_enum, default_value_t, requires = "fleet")]
    pub format: Format,
}

/// `retort downgrade`.
#[derive(Debug, Args)]
pub struct DowngradeArgs {
    /// Print the SQL instead of running it; REV must be a range START:END.
    #[arg(long, conflicts_with = "fleet")]
    pub sql: bool,
    /// A tag recorded with each revision run (in the log table).
    #[arg(long)]
    pub tag: Option<String>,
    /// The target revision.
    #[arg(
        value_name = "REV",
        default_value = "-1",
        allow_negative_numbers = true
    )]
    pub revision: String,
    /// Run on many databases (see docs/fleet.md).
    #[command(flatten)]
    pub fleet: FleetArgs,
    /// With --fleet: the report's format.
    #[arg(long, value_enum, default_value_t, requires = "fleet")]
    pub format: Format,
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
    #[arg(value_name = "REV", required = true, allow_negative_numbers = true)]
    pub revisions: Vec<String>,
}

/// `retort current`.
#[derive(Debug, Args)]
pub struct CurrentArgs {
    /// Show each revision's full entry.
    #[arg(short = 'v', long)]
    pub verbose: bool,
    /// Fail (exit 1) unless the database is at every head.
    #[arg(long = "check-heads")]
    pub check_heads: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Run on many databases (see docs/fleet.md).
    #[command(flatten)]
    pub fleet: FleetArgs,
}

/// `retort verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `retort upgrade [--sql] [--tag TAG] [REV]`.
pub fn upgrade(r: &Retort, args: &UpgradeArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let r = tagged(r, &args.tag);
    if let Some(source) = &args.fleet.fleet {
        let command = FleetCommand::Upgrade(&args.revision);
        return fleet_cmds::run(&r, source, &args.fleet, command, args.format, out);
    }
    if args.sql {
        r.upgrade_sql(&args.revision, out)?;
    } else {
        r.upgrade(&args.revision)?;
    }
    Ok(())
}

/// `retort downgrade [--sql] [--tag TAG] [REV]`.
pub fn downgrade(r: &Retort, args: &DowngradeArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let r = tagged(r, &args.tag);
    if let Some(source) = &args.fleet.fleet {
        let command = FleetCommand::Downgrade(&args.revision);
        return fleet_cmds::run(&r, source, &args.fleet, command, args.format, out);
    }
    if args.sql {
        r.downgrade_sql(&args.revision, out)?;
    } else {
        r.downgrade(&args.revision)?;
    }
    Ok(())
}

/// `retort stamp [--sql] [--purge] REV...`.
pub fn stamp(r: &Retort, args: &StampArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let r = tagged(r, &args.tag);
    let revisions: Vec<&str> = args.revisions.iter().map(String::as_str).collect();
    if args.sql {
        r.stamp_sql(&revisions, args.purge, out)?;
    } else {
        r.stamp(&revisions, args.purge)?;
    }
    Ok(())
}

/// `r` with `--tag` when given.
fn tagged(r: &Retort, tag: &Option<String>) -> Retort {
    match tag {
        Some(tag) => r.clone().tag(tag.clone()),
        None => r.clone(),
    }
}

/// `retort current [--verbose]`: the revisions each database is at.
pub fn current(r: &Retort, args: &CurrentArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    if let Some(source) = &args.fleet.fleet {
        let command = FleetCommand::Current {
            check_heads: args.check_heads,
        };
        return fleet_cmds::run(r, source, &args.fleet, command, args.format, out);
    }
    let current = r.current()?;
    let printer = Printer::new(&current.script.graph);
    let mut json = Vec::new();
    for db in &current.databases {
        if args.format == Format::Text {
            r.emit(Event::Database {
                database: db.database.as_deref(),
                url: &db.url,
            });
        }
        // When several databases answer, each row says whose it is.
        let label = match &db.database {
            Some(name) if current.databases.len() > 1 => format!("[{name}] "),
            _ => String::new(),
        };
        if args.format == Format::Text && args.verbose {
            writeln!(out, "{label}Current revision(s) for {}:", db.url)?;
        }
        if args.check_heads {
            let mut at: Vec<&str> = db.revisions.iter().map(|r| r.as_str()).collect();
            let mut heads: Vec<&str> = current
                .script
                .graph
                .heads()
                .iter()
                .map(|r| r.id.as_str())
                .collect();
            at.sort_unstable();
            heads.sort_unstable();
            if at != heads {
                anyhow::bail!(
                    "{}Database is not on all head revisions: it is at {}, the heads are {}; run `retort upgrade heads`",
                    label,
                    if at.is_empty() {
                        "base".to_owned()
                    } else {
                        at.join(", ")
                    },
                    heads.join(", ")
                );
            }
        }
        // As Alembic's `current`: what the rows effectively include, the
        // revisions reached through `depends_on` too, as heads of that set.
        for rev in current.script.graph.all_current(&db.revisions) {
            match args.format {
                Format::Json => json.push(printer.json(rev).in_database(db.database.as_deref())),
                Format::Text if args.verbose => writeln!(out, "{label}{}", printer.entry(rev))?,
                Format::Text => {
                    let parts = LineParts {
                        tree: true,
                        ..LineParts::default()
                    };
                    writeln!(out, "{label}{}", printer.line(rev, parts))?
                }
            }
        }
        for entry in &db.interrupted {
            let state = match entry.state {
                retort_db::JournalState::Running => "running",
                _ => "failed",
            };
            match (args.format, current.script.graph.get(&entry.revision)) {
                (Format::Json, Some(rev)) => json.push(
                    printer
                        .json(rev)
                        .in_database(db.database.as_deref())
                        .interrupted(InterruptedJson {
                            direction: entry.direction.to_string(),
                            statements_run: entry.done,
                            statements: entry.statements,
                            state,
                        }),
                ),
                (Format::Json, None) => {}
                (Format::Text, _) if state == "failed" => writeln!(
                    out,
                    "{label}{} (failed {}: {} of {} statements ran and could not all be undone; repair the schema, then `retort stamp`)",
                    entry.revision, entry.direction, entry.done, entry.statements,
                )?,
                (Format::Text, _) => writeln!(
                    out,
                    "{label}{} (interrupted {}: {} of {} statements ran; `retort {}` finishes it)",
                    entry.revision, entry.direction, entry.done, entry.statements, entry.direction,
                )?,
            }
        }
    }
    if args.format == Format::Json {
        serde_json::to_writer_pretty(&mut *out, &json)?;
        writeln!(out)?;
    }
    Ok(())
}

/// `retort verify [--format json]`: applied revisions whose files changed,
/// went away or were never there; exit 1 when there is any.
pub fn verify(r: &Retort, args: &VerifyArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let all = r.verify()?;
    let several = all.len() > 1;
    let mut json = Vec::new();
    let mut count = 0;
    for db in &all {
        let label = match &db.database {
            Some(name) if several => format!("[{name}] "),
            _ => String::new(),
        };
        for finding in &db.verification.findings {
            count += 1;
            match args.format {
                Format::Text => writeln!(out, "{label}{}: {finding}", finding.kind.name())?,
                Format::Json => json.push(finding_json(db.database.as_deref(), finding)),
            }
        }
        if args.format == Format::Text && db.verification.findings.is_empty() {
            writeln!(
                out,
                "{label}{} applied revision(s) match their files",
                db.verification.checked
            )?;
        }
    }
    if args.format == Format::Json {
        serde_json::to_writer_pretty(&mut *out, &json)?;
        writeln!(out)?;
    }
    if count > 0 {
        anyhow::bail!(
            "{count} applied revision(s) do not match their files; restore the files as they were applied, or write a new revision for the change"
        );
    }
    Ok(())
}

fn finding_json(database: Option<&str>, finding: &retort_db::runner::Finding) -> serde_json::Value {
    let mut object = serde_json::json!({
        "revision": finding.revision.as_str(),
        "kind": finding.kind.name(),
        "text": finding.to_string(),
    });
    if let retort_db::runner::FindingKind::Edited { applied, now } = &finding.kind {
        object["applied_checksum"] = applied.as_str().into();
        object["file_checksum"] = now.as_str().into();
    }
    if let Some(database) = database {
        object["database"] = database.into();
    }
    object
}

/// `retort unlock`: clears the migration lock, saying whose it was.
pub fn unlock(r: &Retort, out: &mut dyn Write) -> anyhow::Result<()> {
    for db in r.unlock()? {
        match db.holder {
            Some(holder) => {
                eprintln!(
                    "warning: cleared the migration lock on {} held by {}; if that run is still going, another run can now migrate at the same time",
                    db.url,
                    holder.describe()
                );
                writeln!(out, "unlocked {}", db.url)?;
            }
            None => writeln!(out, "{}: no migration lock is held", db.url)?,
        }
    }
    Ok(())
}
