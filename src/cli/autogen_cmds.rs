//! Autogenerate: `migrate` (`revision --autogenerate`) and `check`.

use std::io::Write;

use anyhow::bail;
use clap::Args;
use retort_core::Operations;
use retort_core::ScriptDirectory;
use retort_core::diff::Diff;
use retort_core::models::read_models;
use retort_core::ops::operations_to_toml;
use retort_core::schema::apply_naming_convention;
use retort_core::script::Depth;
use retort_db::autogenerate::{compare, model_paths};
use serde::Serialize;

use super::db_cmds::{Target, targets};
use super::project::Project;
use super::{Format, GlobalOptions};

/// `retort check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// Compares one database with its models.
fn compare_target(
    g: &GlobalOptions,
    dir: &ScriptDirectory,
    target: &Target,
) -> anyhow::Result<Diff> {
    let paths = model_paths(dir, target.name.as_deref(), &g.models)?;
    if paths.is_empty() {
        bail!(
            "no target schema: set `models` in {} (SQL DDL files or globs), or pass --models PATH",
            dir.config.path.display()
        );
    }
    let mut schema = read_models(&paths, target.url.dialect().as_str())?;
    apply_naming_convention(&mut schema, &dir.config.naming_convention);
    let mut conn = target.connect()?;
    Ok(compare(dir, conn.as_mut(), &schema)?)
}

/// The upgrade and downgrade operations that bring each database to its
/// models, printing each detected change on stderr as Alembic logs them.
pub fn operations(
    g: &GlobalOptions,
    dir: &ScriptDirectory,
) -> anyhow::Result<(Operations, Operations)> {
    let mut up = Vec::new();
    let mut down = Vec::new();
    let mut detected = 0;
    for target in targets(g, dir)? {
        let diff = compare_target(g, dir, &target)?;
        for change in &diff.changes {
            if !g.quiet {
                eprintln!("{change}");
            }
        }
        for note in &diff.notes {
            eprintln!("note: {note}");
        }
        detected += diff.changes.len();
        up.push((target.name, operations_to_toml(&diff.upgrade)));
        down.push((None, operations_to_toml(&diff.downgrade)));
    }
    if detected == 0 && !g.quiet {
        eprintln!("No changes in schema detected.");
    }
    let names: Vec<Option<String>> = up.iter().map(|(n, _)| n.clone()).collect();
    let pack = |lists: Vec<(Option<String>, Vec<toml::Table>)>| -> Operations {
        if names.iter().all(Option::is_none) {
            let ops: Vec<toml::Table> = lists.into_iter().flat_map(|(_, l)| l).collect();
            if ops.is_empty() {
                Operations::None
            } else {
                Operations::List(ops)
            }
        } else {
            Operations::PerDatabase(
                names
                    .iter()
                    .zip(lists)
                    .map(|(n, (_, l))| (n.clone().unwrap_or_default(), l))
                    .collect(),
            )
        }
    };
    Ok((pack(up), pack(down)))
}

/// One pending change in `check --format json`.
#[derive(Serialize)]
struct PendingChange {
    database: Option<String>,
    change: String,
}

/// `retort check`: exit 0 when the databases match their models; else list
/// the pending changes and exit 1. Writes nothing.
pub fn check(g: &GlobalOptions, args: &CheckArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let dir = Project::from_options(g).load(Depth::Full)?;
    let mut pending = Vec::new();
    for target in targets(g, &dir)? {
        let diff = compare_target(g, &dir, &target)?;
        pending.extend(diff.changes.iter().map(|c| PendingChange {
            database: target.name.clone(),
            change: c.to_string(),
        }));
    }
    if args.format == Format::Json {
        serde_json::to_writer_pretty(&mut *out, &pending)?;
        writeln!(out)?;
    } else if pending.is_empty() {
        writeln!(out, "No new upgrade operations detected.")?;
    } else {
        for p in &pending {
            match &p.database {
                Some(db) => writeln!(out, "[{db}] {}", p.change)?,
                None => writeln!(out, "{}", p.change)?,
            }
        }
    }
    if !pending.is_empty() {
        bail!(
            "new upgrade operations detected ({} change(s)); run `retort migrate -m \"...\"` to write them as a revision",
            pending.len()
        );
    }
    Ok(())
}
