//! Commands that rewrite existing revision files: `rebase`, `squash`.

use std::io::Write;

use clap::Args;

use crate::api::Retort;

/// `retort rebase`.
#[derive(Debug, Args)]
pub struct RebaseArgs {
    /// The revision to move, with its descendants.
    #[arg(value_name = "REV")]
    pub revision: String,
    /// The revision to move it onto (default: the one other head).
    #[arg(long, value_name = "TARGET")]
    pub onto: Option<String>,
    /// Do not read the databases to check that the moved revisions never
    /// ran there.
    #[arg(long = "no-database-check")]
    pub no_database_check: bool,
}

/// `retort rebase REV [--onto TARGET]`: rewrites REV's `down_revision`.
pub fn rebase(r: &Retort, args: &RebaseArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let done = r.rebase(
        &args.revision,
        args.onto.as_deref(),
        !args.no_database_check,
    )?;
    let was = if done.old_parents.is_empty() {
        "a base".to_owned()
    } else {
        done.old_parents
            .iter()
            .map(|p| p.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    writeln!(
        out,
        "Rebased {} onto {} (it revised {was}): {}",
        done.revision,
        done.onto,
        done.path.display()
    )?;
    if !done.descendants.is_empty() {
        let moved: Vec<&str> = done.descendants.iter().map(|d| d.as_str()).collect();
        writeln!(out, "Moved with it: {}", moved.join(", "))?;
    }
    checked(
        out,
        args.no_database_check,
        &done.checked,
        "none of the moved revisions ran there",
    )
}

/// `retort squash`.
#[derive(Debug, Args)]
pub struct SquashArgs {
    /// The range to squash, `FROM:TO` (both kept in the count; TO's id is
    /// kept).
    #[arg(value_name = "FROM:TO")]
    pub range: String,
    /// Do not read the databases to check that none is in the middle of
    /// the range.
    #[arg(long = "no-database-check")]
    pub no_database_check: bool,
}

/// `retort squash FROM:TO`: one revision with the range's net effect.
pub fn squash(r: &Retort, args: &SquashArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let done = r.squash(&args.range, !args.no_database_check)?;
    let folded: Vec<&str> = done.folded.iter().map(|f| f.as_str()).collect();
    writeln!(
        out,
        "Squashed {} into {}: {}",
        folded.join(", "),
        done.revision,
        done.path.display()
    )?;
    writeln!(
        out,
        "Upgrade operations: {} in the range, {} in {}",
        done.operations.0, done.operations.1, done.revision
    )?;
    for path in &done.removed {
        writeln!(out, "Removed {}", path.display())?;
    }
    match &done.unproved {
        None => writeln!(
            out,
            "Proved on {}: the same schema as the range",
            done.proved_on
        )?,
        Some(why) => writeln!(out, "Not proved on a scratch database: {why}")?,
    }
    checked(
        out,
        args.no_database_check,
        &done.checked,
        "not in the middle of the range",
    )
}

/// The lines that say which databases were checked, and what was found.
fn checked(out: &mut dyn Write, skipped: bool, urls: &[String], found: &str) -> anyhow::Result<()> {
    if skipped {
        writeln!(out, "Databases not checked (--no-database-check)")?;
    } else if urls.is_empty() {
        writeln!(
            out,
            "No database URL is configured: no database was checked"
        )?;
    } else {
        for url in urls {
            writeln!(out, "Checked {url}: {found}")?;
        }
    }
    Ok(())
}
