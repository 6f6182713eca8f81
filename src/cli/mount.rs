//! Mounting the command set in an application's own command line, as
//! Flask-Migrate's `flask db` and EllarSQL's `ellar db`: the application
//! adds [`DbCommand`] as a subcommand and runs it on its own [`Retort`].

use std::io::Write;

use clap::Args;

use super::error::MountedError;
use super::{Command, GlobalOptions, StderrProgress, dispatch};
use crate::api::Retort;

/// The whole retort command set as one subcommand of an application:
/// `myapp db [GLOBAL OPTIONS] <COMMAND>`.
///
/// ```
/// use clap::{Parser, Subcommand};
/// use retort::Retort;
/// use retort::cli::DbCommand;
///
/// #[derive(Parser)]
/// struct MyApp {
///     #[command(subcommand)]
///     command: MyCommand,
/// }
///
/// #[derive(Subcommand)]
/// enum MyCommand {
///     /// Database migrations.
///     Db(DbCommand),
///     /// Serve the application.
///     Serve,
/// }
///
/// let app = MyApp::parse_from(["myapp", "db", "-d", "db/migrations", "heads"]);
/// let MyCommand::Db(db) = app.command else { unreachable!() };
/// let base = Retort::open("migrations").configure(|cfg| {
///     cfg.version_table = "myapp_version".into();
///     Ok::<_, std::convert::Infallible>(())
/// });
/// let mut out = Vec::new();
/// // No project there: the error comes back as a value, for the
/// // application to print (`retort::cli::report`) and exit as it likes.
/// let err = db.run(&base, &mut out).unwrap_err();
/// assert!(retort::cli::report(&err).starts_with("error: no retort project at db/migrations"));
/// ```
#[derive(Debug, Args)]
pub struct DbCommand {
    /// The options that come before the command.
    #[command(flatten)]
    pub global: GlobalOptions,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

impl DbCommand {
    /// Runs the command on `base` with the parsed global options over it
    /// (see [`GlobalOptions::apply_to`]: `-d`/`-c`, `--url` and the others
    /// replace `base`'s settings when given; its configure callbacks and
    /// target schema stay, and so does its project — a folder, or one
    /// embedded in the binary ([`Retort::embedded`]) — unless `-d`/`-c`
    /// name a folder). Data is written to `out`; progress goes to
    /// `base`'s progress receiver, or stderr as the `retort` binary shows
    /// it when `base` has none.
    ///
    /// Errors come back as values: [`super::report`] gives the paragraph
    /// the `retort` binary prints, and [`super::is_broken_pipe`] tells a
    /// reader that went away (`myapp db history | head`) from a failure.
    /// `check` with pending changes is an error, as it exits 1.
    pub fn run(&self, base: &Retort, out: &mut dyn Write) -> anyhow::Result<()> {
        let command = mounted_command(&std::env::args().collect::<Vec<_>>(), &self.command);
        self.run_as(base, &command, out)
    }

    /// [`run`](DbCommand::run), with the advice in error messages naming
    /// `command` (e.g. `"myapp db"`: "run `myapp db upgrade heads`")
    /// instead of `retort`. `run` takes it from the process arguments: the
    /// program's name and the words before the mounted command.
    pub fn run_as(&self, base: &Retort, command: &str, out: &mut dyn Write) -> anyhow::Result<()> {
        let mut retort = self.global.apply_to(base);
        if !retort.has_progress() {
            retort = retort.progress(StderrProgress::new());
        }
        dispatch(&retort, &self.command, out).map_err(|e| {
            if super::is_broken_pipe(&e) || command == "retort" {
                e
            } else {
                anyhow::Error::new(MountedError::new(e, command))
            }
        })
    }
}

/// How the user typed the mounted command set: the program's file name and
/// the word that names the command set (`notes --url U db -d m check`
/// gives `notes db`): the word before the retort command, once retort's own
/// global options (and their values) are skipped going back from it.
fn mounted_command(args: &[String], command: &Command) -> String {
    const WITH_VALUE: &[&str] = &[
        "-d",
        "--directory",
        "-c",
        "--config",
        "--url",
        "--models",
        "--dev-url",
        "-x",
        "--x-arg",
        "--database",
    ];
    let program = args.first().map_or_else(String::new, |program| {
        std::path::Path::new(program)
            .file_name()
            .map_or_else(|| program.clone(), |n| n.to_string_lossy().into_owned())
    });
    let name = command_name(command);
    let Some(at) = args.iter().skip(1).position(|a| a == name).map(|i| i + 1) else {
        return program;
    };
    let mut i = at;
    while i > 1 {
        let word = &args[i - 1];
        if word.starts_with('-') {
            i -= 1;
        } else if i > 2 && WITH_VALUE.contains(&args[i - 2].as_str()) {
            i -= 2;
        } else {
            return format!("{program} {word}");
        }
    }
    program
}

/// The command-line name of `command`, as clap derives it.
fn command_name(command: &Command) -> &'static str {
    match command {
        Command::Init(_) => "init",
        Command::ListTemplates => "list-templates",
        Command::Revision(_) => "revision",
        Command::Migrate(_) => "migrate",
        Command::Check(_) => "check",
        Command::Merge(_) => "merge",
        Command::Rebase(_) => "rebase",
        Command::Squash(_) => "squash",
        Command::Edit(_) => "edit",
        Command::Heads(_) => "heads",
        Command::Branches(_) => "branches",
        Command::History(_) => "history",
        Command::Graph(_) => "graph",
        Command::Show(_) => "show",
        Command::Upgrade(_) => "upgrade",
        Command::Downgrade(_) => "downgrade",
        Command::Stamp(_) => "stamp",
        Command::Current(_) => "current",
        Command::Verify(_) => "verify",
        Command::Unlock => "unlock",
        Command::Lint(_) => "lint",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct App {
        #[arg(long = "database-url", global = true)]
        _url: Option<String>,
        #[command(subcommand)]
        command: AppCommand,
    }

    #[derive(clap::Subcommand)]
    enum AppCommand {
        Db(DbCommand),
    }

    fn named(args: &[&str]) -> String {
        let app = App::parse_from(args);
        let AppCommand::Db(db) = app.command;
        let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        mounted_command(&args, &db.command)
    }

    #[test]
    fn the_mounted_command_is_the_program_and_the_word_before_the_command() {
        assert_eq!(named(&["/usr/bin/notes", "db", "check"]), "notes db");
        assert_eq!(
            named(&["notes", "--database-url", "u", "db", "check"]),
            "notes db"
        );
        assert_eq!(
            named(&["notes", "db", "-d", "m", "-q", "migrate"]),
            "notes db"
        );
        assert_eq!(
            named(&["notes", "db", "--x-arg", "k=v", "list-templates"]),
            "notes db"
        );
    }
}
