//! Commands that rewrite existing revision files: `rebase`.

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
    if args.no_database_check {
        writeln!(out, "Databases not checked (--no-database-check)")?;
    } else if done.checked.is_empty() {
        writeln!(
            out,
            "No database URL is configured: no database was checked"
        )?;
    } else {
        for url in &done.checked {
            writeln!(out, "Checked {url}: none of the moved revisions ran there")?;
        }
    }
    Ok(())
}
