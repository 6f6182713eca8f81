//! Mounting the command set in an application's own command line, as
//! Flask-Migrate's `flask db` and EllarSQL's `ellar db`: the application
//! adds [`DbCommand`] as a subcommand and runs it on its own [`Retort`].

use std::io::Write;

use clap::Args;

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
        let mut retort = self.global.apply_to(base);
        if !retort.has_progress() {
            retort = retort.progress(StderrProgress::new());
        }
        dispatch(&retort, &self.command, out)
    }
}
