//! The command line: clap types for the global options and every command,
//! and [`run`], which builds a [`Retort`] from the global options, calls the
//! command's method of the API ([`crate::api`]) and prints the result.
//!
//! An application mounts the whole command set as its own subcommand
//! (`myapp db upgrade`) with [`DbCommand`].

mod autogen_cmds;
mod completions;
mod db_cmds;
mod error;
mod fleet_cmds;
mod graph_cmds;
mod graph_draw;
mod lint_cmds;
mod mount;
mod output;
mod progress;
mod project;
mod rewrite_cmds;
mod script_cmds;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ColorChoice, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

pub use error::{MountedError, report};
pub use mount::DbCommand;
pub use progress::StderrProgress;
pub use project::Project;

use crate::api::Retort;

/// retort: database schema migrations with Alembic's model, as one binary.
#[derive(Debug, Parser)]
#[command(name = "retort", version, about, long_about = None)]
pub struct Cli {
    /// The options that come before the command.
    #[command(flatten)]
    pub global: GlobalOptions,
    /// The command to run.
    #[command(subcommand)]
    pub command: CliCommand,
}

/// The commands of the `retort` binary: the command set ([`Command`], which
/// an application mounts with [`DbCommand`]) and the binary's own packaging
/// helpers, which an application does not get.
#[derive(Debug, Subcommand)]
pub enum CliCommand {
    /// A command of the command set.
    #[command(flatten)]
    Run(Command),
    /// Print the shell completion script for bash, zsh, fish, powershell or
    /// elvish.
    Completions(completions::CompletionsArgs),
    /// Write the man pages (retort.1, retort-upgrade.1, ...) in a folder.
    #[command(hide = true)]
    GenerateMan(completions::ManArgs),
    /// Print the Markdown reference of every command and option
    /// (docs/reference/cli.md).
    #[command(hide = true)]
    GenerateCliReference(completions::CliReferenceArgs),
}

/// Options accepted before or after the command (SPEC section 5):
/// `retort -d db upgrade` and `retort upgrade -d db` are the same, as
/// Flask-Migrate's `flask db upgrade -d db`.
#[derive(Clone, Debug, Default, Args)]
pub struct GlobalOptions {
    /// The migrations folder.
    #[arg(short = 'd', long = "directory", value_name = "DIR", global = true)]
    pub directory: Option<PathBuf>,
    /// The configuration file (default: DIR/retort.toml).
    #[arg(short = 'c', long = "config", value_name = "FILE", global = true)]
    pub config: Option<PathBuf>,
    /// The database URL (over DATABASE_URL and the configuration).
    #[arg(long, value_name = "URL", global = true)]
    pub url: Option<String>,
    /// Target schema files, replacing the configured models (repeatable).
    #[arg(long = "models", value_name = "PATH", global = true)]
    pub models: Vec<String>,
    /// The database autogenerate reads the models in (over `dev_url`).
    #[arg(long = "dev-url", value_name = "URL", global = true)]
    pub dev_url: Option<String>,
    /// Extra arguments for templates, hooks, configure callbacks and
    /// `execute` operations: KEY=VALUE (repeatable).
    #[arg(
        short = 'x',
        long = "x-arg",
        value_name = "KEY=VALUE",
        value_parser = parse_x_arg,
        global = true
    )]
    pub x: Vec<(String, String)>,
    /// Multi-database projects: act on this database only.
    #[arg(long, value_name = "NAME", global = true)]
    pub database: Option<String>,
    /// Never color the output (also: the NO_COLOR variable).
    #[arg(long, global = true)]
    pub no_color: bool,
    /// Print only data and errors.
    #[arg(short = 'q', long, global = true)]
    pub quiet: bool,
}

fn parse_x_arg(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(format!("expected KEY=VALUE, got {s:?}")),
    }
}

/// Machine output for the read-only commands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
#[non_exhaustive]
pub enum Format {
    /// Text that reads like Alembic's.
    #[default]
    Text,
    /// JSON: an array of objects, whatever the command selects (see
    /// docs/json-output.md).
    Json,
}

/// The commands.
#[derive(Debug, Subcommand)]
#[non_exhaustive]
pub enum Command {
    /// Create a new migrations folder.
    Init(script_cmds::InitArgs),
    /// List the templates `init` can use.
    ListTemplates,
    /// Create a new revision file.
    Revision(script_cmds::RevisionArgs),
    /// Autogenerate a new revision file (alias for `revision --autogenerate`).
    Migrate(script_cmds::RevisionArgs),
    /// Check whether the models have changes a new revision would hold
    /// (exit 1 when they do).
    Check(autogen_cmds::CheckArgs),
    /// Merge two or more revisions into one, creating a new revision file.
    Merge(script_cmds::MergeArgs),
    /// Move a revision (and its descendants) onto another revision by
    /// rewriting its down_revision, instead of a merge revision.
    Rebase(rewrite_cmds::RebaseArgs),
    /// Replace a linear range of revisions with one revision holding their
    /// net effect, keeping the last one's id.
    Squash(rewrite_cmds::SquashArgs),
    /// Open a revision file in $VISUAL / $EDITOR.
    Edit(script_cmds::EditArgs),
    /// Show the current heads of the revision graph.
    Heads(graph_cmds::HeadsArgs),
    /// Show the branch points of the revision graph.
    Branches(graph_cmds::BranchesArgs),
    /// List revisions, newest first.
    History(graph_cmds::HistoryArgs),
    /// Draw the revision graph: lanes for the terminal, DOT, Mermaid or
    /// JSON.
    Graph(graph_draw::GraphArgs),
    /// Show the revisions an expression names.
    Show(graph_cmds::ShowArgs),
    /// Upgrade the database to a later revision (default: head).
    Upgrade(db_cmds::UpgradeArgs),
    /// Revert the database to an earlier revision (default: -1).
    Downgrade(db_cmds::DowngradeArgs),
    /// Record revisions in the version table without running them.
    Stamp(db_cmds::StampArgs),
    /// Show the revisions the database is at.
    Current(db_cmds::CurrentArgs),
    /// Compare the applied revisions with their files: edited after they
    /// were applied, deleted, or unknown (exit 1 when any).
    Verify(db_cmds::VerifyArgs),
    /// Clear a migration lock left by a run that is gone (with a warning).
    Unlock,
    /// Check the revisions for what breaks or locks a production
    /// database: several heads, destructive or locking operations, missing
    /// or irreversible downgrades (exit 1 when anything is found).
    Lint(lint_cmds::LintArgs),
}

/// Parses the process arguments, runs the command and turns the outcome into
/// an exit code: 0 on success, 1 on any failure (usage errors included),
/// with the error printed on stderr as one paragraph.
pub fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let color = color_choice(&args);
    let cli = match Cli::command()
        .color(color)
        .try_get_matches_from(&args)
        .and_then(|mut m| Cli::from_arg_matches_mut(&mut m))
    {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 1 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    // Buffered: `history` and `upgrade --sql` write thousands of lines.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let result = run(&cli, &mut out).and_then(|code| {
        out.flush()?;
        Ok(code)
    });
    match result {
        Ok(code) => code,
        // A reader that went away (`retort history | head`) is not a failure.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = out.flush();
            print_error(&report(&e), color);
            ExitCode::from(1)
        }
    }
}

/// Whether to color: never with `--no-color` (anywhere before a `--`),
/// else clap's automatic choice, which also honours `NO_COLOR` and a
/// stderr that is not a terminal.
fn color_choice(args: &[std::ffi::OsString]) -> ColorChoice {
    let no_color = args
        .iter()
        .skip(1)
        .take_while(|a| a.as_os_str() != "--")
        .any(|a| a.as_os_str() == "--no-color");
    if no_color {
        ColorChoice::Never
    } else {
        ColorChoice::Auto
    }
}

/// Prints the one-paragraph error on stderr, its `error:` in bold red when
/// colors are on (as clap decides: stderr is a terminal or
/// `CLICOLOR_FORCE` is set, and `NO_COLOR` is not).
fn print_error(report: &str, color: ColorChoice) {
    use std::io::IsTerminal;
    // As clap's colors: NO_COLOR with any non-empty value (`0` too, as
    // no-color.org says) turns them off; CLICOLOR_FORCE other than `0`
    // forces them.
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let forced = std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0");
    let colored =
        color == ColorChoice::Auto && !no_color && (forced || std::io::stderr().is_terminal());
    match report.strip_prefix("error:") {
        Some(rest) if colored => eprintln!("\x1b[1;31merror:\x1b[0m{rest}"),
        _ => eprintln!("{report}"),
    }
}

/// True when the error is a reader that went away (`retort history | head`),
/// which the `retort` binary does not count as a failure.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Runs one parsed command, writing its data to `out` and progress to stderr.
pub fn run(cli: &Cli, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    match &cli.command {
        CliCommand::Run(command) => {
            let retort = cli.global.retort().progress(StderrProgress::new());
            dispatch(&retort, command, out)?;
        }
        CliCommand::Completions(args) => completions::completions(args, out)?,
        CliCommand::GenerateMan(args) => completions::generate_man(args, out)?,
        CliCommand::GenerateCliReference(args) => completions::cli_reference(args, out)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `command` on `r`, formatting its result as the command line does.
fn dispatch(r: &Retort, command: &Command, out: &mut dyn Write) -> anyhow::Result<()> {
    match command {
        Command::Init(args) => script_cmds::init(r, args, out),
        Command::ListTemplates => script_cmds::list_templates(out),
        Command::Revision(args) => script_cmds::revision(r, args, out),
        Command::Migrate(args) => script_cmds::migrate(r, args, out),
        Command::Check(args) => autogen_cmds::check(r, args, out),
        Command::Merge(args) => script_cmds::merge(r, args, out),
        Command::Rebase(args) => rewrite_cmds::rebase(r, args, out),
        Command::Squash(args) => rewrite_cmds::squash(r, args, out),
        Command::Edit(args) => script_cmds::edit(r, args),
        Command::Heads(args) => graph_cmds::heads(r, args, out),
        Command::Branches(args) => graph_cmds::branches(r, args, out),
        Command::History(args) => graph_cmds::history(r, args, out),
        Command::Graph(args) => graph_draw::graph(r, args, out),
        Command::Show(args) => graph_cmds::show(r, args, out),
        Command::Upgrade(args) => db_cmds::upgrade(r, args, out),
        Command::Downgrade(args) => db_cmds::downgrade(r, args, out),
        Command::Stamp(args) => db_cmds::stamp(r, args, out),
        Command::Current(args) => db_cmds::current(r, args, out),
        Command::Verify(args) => db_cmds::verify(r, args, out),
        Command::Unlock => db_cmds::unlock(r, out),
        Command::Lint(args) => lint_cmds::lint(r, args, out),
    }
}
