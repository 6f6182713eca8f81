//! What can go wrong running a command through the API: the typed errors of
//! the layers below, and the command-level refusals, each saying what is
//! wrong and how to fix it.

use std::path::PathBuf;
use std::process::ExitStatus;

use retort_core::graph::{PlanError, ResolveError};

use super::script::DEFAULT_EDITORS;
use retort_core::models::ModelError;
use retort_core::script::{RevisionFileError, ScriptError};
use retort_db::autogenerate::AutogenerateError;
use retort_db::runner::RunError;
use retort_db::{DbError, ResolveUrlError};

/// The error an application's callback (configure, target schema) returns.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a command failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Neither the migrations folder nor its configuration exists.
    #[error(
        "no retort project at {}: run `retort init` to create one, or point at it with -d/--directory",
        dir.display()
    )]
    NoProject {
        /// The migrations folder looked for.
        dir: PathBuf,
    },
    /// A command that writes files was run on an embedded project.
    #[error(
        "`{command}` writes to the migrations folder, but this project is embedded in the binary; run it on the folder on disk (e.g. `retort -d migrations {command}`, or `-d` on the mounted command) and rebuild"
    )]
    EmbeddedProject {
        /// The command.
        command: &'static str,
    },
    /// A configuration callback ([`crate::Retort::configure`]) failed.
    #[error("configure callback {number} of {count} failed on {}: {source}", config.display())]
    Configure {
        /// Which callback, counting from 1 in registration order.
        number: usize,
        /// How many callbacks there are.
        count: usize,
        /// The configuration file it was given.
        config: PathBuf,
        /// What the callback returned.
        source: BoxError,
    },
    /// The target schema callback ([`crate::Retort::target_schema`]) failed.
    #[error(
        "the target schema callback failed{}: {source}",
        for_database(database)
    )]
    TargetSchema {
        /// The database of a multi-database project it was asked about.
        database: Option<String>,
        /// What the callback returned.
        source: BoxError,
    },
    /// Autogenerate has no target schema to compare with.
    #[error(
        "no target schema: set `models` in {} (SQL DDL files or globs), or pass --models PATH",
        config.display()
    )]
    NoTargetSchema {
        /// The configuration file.
        config: PathBuf,
    },
    /// `--database NAME` on a project with a single database.
    #[error(
        "--database {name}: this project has a single database (no [databases.<name>] in {})",
        config.display()
    )]
    SingleDatabase {
        /// The name given.
        name: String,
        /// The configuration file.
        config: PathBuf,
    },
    /// `--url` or `--models` without `--database` in a multi-database
    /// project: they would replace every database's own.
    #[error(
        "{option} names one database, but {} declares several ({declared}); add --database NAME to say which",
        config.display()
    )]
    OptionNeedsDatabase {
        /// The option given (`--url`, `--models`).
        option: &'static str,
        /// The configuration file.
        config: PathBuf,
        /// The databases it declares.
        declared: String,
    },
    /// A fleet's source (`--fleet`) cannot be read or gives no database.
    #[error("--fleet {fleet}: {reason}")]
    FleetSource {
        /// The source as given (passwords hidden).
        fleet: String,
        /// What is wrong.
        reason: String,
    },
    /// Writing an offline script failed.
    #[error("writing the script failed: {0}")]
    Output(#[from] std::io::Error),
    /// A failure on one database of a multi-database project.
    #[error("database {database}: {error}")]
    InDatabase {
        /// The database's name.
        database: String,
        /// What failed.
        error: Box<Error>,
    },
    /// `--database NAME` names no database of the project.
    #[error("--database {name}: no such database; {} declares {declared}", config.display())]
    NoSuchDatabase {
        /// The name given.
        name: String,
        /// The configuration file.
        config: PathBuf,
        /// The databases it declares, comma separated.
        declared: String,
    },
    /// A database is at a revision no file declares.
    #[error(
        "{url} is at revision {revision}, which no revision file declares; restore that file, or `retort stamp --purge REV` to record where the database really is"
    )]
    UnknownCurrentRevision {
        /// The database (password hidden).
        url: String,
        /// The unknown revision.
        revision: String,
    },
    /// `merge` was given a revision that is not a head.
    #[error(
        "Revision {revision} is not a head revision; please specify --splice to merge from it (`retort merge --splice ...`), or merge the heads (see `retort heads`)"
    )]
    MergeNotAHead {
        /// The revision.
        revision: String,
    },
    /// `merge` was given fewer than two distinct heads.
    #[error(
        "merge needs at least two revisions to join, but {given} names {named}; give two or more heads, or `heads`"
    )]
    MergeNeedsTwo {
        /// The expressions given, space separated.
        given: String,
        /// What they named: `none`, or `only <id>`.
        named: String,
    },
    /// A `history` range without a colon.
    #[error("history range requires [start]:[end], [start]:, or :[end]; got {range:?}")]
    HistoryRange {
        /// The range given.
        range: String,
    },
    /// An offline downgrade without a `START:END` range.
    #[error(
        "downgrade with --sql requires <fromrev>:<torev>, e.g. `retort downgrade --sql head:base`; got {given:?}"
    )]
    OfflineDowngradeRange {
        /// The revision given.
        given: String,
    },
    /// `edit` was given an expression that names no revision.
    #[error("no revision files indicated by symbol {expr:?}")]
    NoRevisionFiles {
        /// The expression.
        expr: String,
    },
    /// `edit` found no editor.
    #[error(
        "no editor found: VISUAL and EDITOR are not set, and none of {} is on PATH; set the VISUAL or EDITOR environment variable, e.g. EDITOR=vi",
        DEFAULT_EDITORS.join(", ")
    )]
    NoEditor,
    /// The editor command does not split into words (an unclosed quote).
    #[error(
        "cannot read the editor command {editor:?} from {from}: {message}; close the quote or \
         escape it with a backslash (the command is split as a POSIX shell would, e.g. \
         EDITOR=\"code --wait\")"
    )]
    EditorCommand {
        /// The editor command.
        editor: String,
        /// Where it came from: `$VISUAL`, `$EDITOR` or the argument.
        from: String,
        /// What is wrong.
        message: String,
    },
    /// The editor could not be started.
    #[error(
        "cannot start the editor {editor:?}{}",
        if *from_environment { " (from $VISUAL/$EDITOR)" } else { "" }
    )]
    EditorStart {
        /// The editor command.
        editor: String,
        /// True when it came from `$VISUAL` / `$EDITOR`.
        from_environment: bool,
        /// Why.
        source: std::io::Error,
    },
    /// The editor exited with a failure.
    #[error("the editor {editor:?} exited with {status} while editing {}", path.display())]
    EditorFailed {
        /// The editor command.
        editor: String,
        /// How it exited.
        status: ExitStatus,
        /// The revision file.
        path: PathBuf,
    },
    /// The edited revision file no longer reads.
    #[error("the edited revision {revision} no longer reads")]
    Edited {
        /// The revision.
        revision: String,
        /// Why it does not read.
        source: RevisionFileError,
    },
    /// The migrations folder, its configuration or a revision file.
    #[error(transparent)]
    Script(#[from] ScriptError),
    /// A revision expression does not resolve.
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    /// A target does not resolve to a plan.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// Which database URL to use.
    #[error(transparent)]
    Url(#[from] ResolveUrlError),
    /// Connecting to or reading the database.
    #[error(transparent)]
    Db(#[from] DbError),
    /// Running revisions (online or offline).
    #[error(transparent)]
    Run(#[from] RunError),
    /// Reading the target schema files.
    #[error(transparent)]
    Models(#[from] ModelError),
    /// Comparing the database with the target schema.
    #[error(transparent)]
    Autogenerate(#[from] AutogenerateError),
    /// `lint` could not lint (a bad `--since`, operation or allow comment).
    #[error(transparent)]
    Lint(#[from] retort_core::lint::LintError),
    /// `rebase` refused.
    #[error(transparent)]
    Rebase(#[from] super::rebase::RebaseError),
    /// `squash` refused.
    #[error(transparent)]
    Squash(#[from] super::squash::SquashError),
    /// A scratch space (`lint`'s dev database) could not be made.
    #[error(transparent)]
    Scratch(#[from] retort_db::scratch::ScratchError),
}

fn for_database(database: &Option<String>) -> String {
    database
        .as_ref()
        .map(|d| format!(" for database {d}"))
        .unwrap_or_default()
}

/// A `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
