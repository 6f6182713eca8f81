//! Packaging helpers of the `retort` binary: shell completion scripts
//! (`retort completions SHELL`) and man pages (`retort generate-man DIR`),
//! both generated from the clap definition, so they always match `--help`.
//!
//! They belong to the binary only: an application that mounts the command
//! set ([`super::DbCommand`]) generates its own from its own command with
//! `clap_complete` and `clap_mangen`.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::Cli;

/// Arguments of `retort completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to print the completion script for.
    #[arg(value_name = "SHELL")]
    pub shell: Shell,
}

/// Arguments of `retort generate-man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The folder to write the pages in (created when missing).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

/// Prints the completion script of `args.shell` for the `retort` binary.
pub fn completions(args: &CompletionsArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut cmd = Cli::command();
    // clap_complete wants a sized writer.
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "retort", &mut script);
    out.write_all(&script)?;
    Ok(())
}

/// Writes `retort.1` and one page per command (`retort-upgrade.1`, ...) in
/// `args.dir`, printing each path written.
pub fn generate_man(args: &ManArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    std::fs::create_dir_all(&args.dir)
        .with_context(|| format!("cannot create {}", args.dir.display()))?;
    // As clap_mangen::generate_to: built, so that subcommands carry the
    // global options and their `retort-NAME` display names; no `help`.
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut written = Vec::new();
    write_pages(&cmd, &args.dir, &mut written)?;
    for path in written {
        writeln!(out, "{}", path.display())?;
    }
    Ok(())
}

/// The page of `cmd`, then those of its visible subcommands.
fn write_pages(cmd: &clap::Command, dir: &Path, written: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let man = clap_mangen::Man::new(cmd.clone());
    let path = dir.join(man.get_filename());
    let mut page = Vec::new();
    man.render(&mut page)?;
    std::fs::write(&path, page).with_context(|| format!("cannot write {}", path.display()))?;
    written.push(path);
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        write_pages(sub, dir, written)?;
    }
    Ok(())
}
