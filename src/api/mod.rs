//! The command API: [`Retort`], a project plus the settings of a run, with
//! one method per command (as Alembic's `alembic/command.py`), returning
//! structured results instead of printing.
//!
//! A project is a migrations folder ([`Retort::open`]) or a copy of one
//! carried in the binary ([`Retort::embedded`]).
//!
//! The command line (`crate::cli`) is a thin layer over this module: it
//! builds a [`Retort`] from its global options, calls one method and
//! formats the result.
//!
//! There is no global state: a [`Retort`] holds its settings and callbacks,
//! every command loads the project afresh and opens its own connections,
//! so one value can be shared by any number of threads (it is
//! `Send + Sync`; concurrent upgrades of one database serialise on the
//! database lock, as separate processes do).

mod autogen;
mod error;
mod fleet;
mod fleet_source;
mod graph;
mod lint;
mod progress;
mod rebase;
mod run;
mod script;
mod squash;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use retort_core::config::CONFIG_FILE;
use retort_core::schema::Schema;
use retort_core::script::{Depth, EMBEDDED_DIR, EmbeddedFile};
use retort_core::{Config, ScriptDirectory};
use retort_db::{DatabaseUrl, resolve_url};

pub use autogen::PendingChange;
pub use error::{BoxError, Error, Result};
pub use fleet::{
    Fleet, FleetEvent, FleetMember, FleetOptions, FleetReport, FleetResult, FleetStatus,
};
pub use graph::RevisionList;
pub use lint::{LintOutcome, LintRequest, SkippedRule};
pub use progress::{Event, Progress};
pub use rebase::{RebaseError, Rebased};
pub use run::{
    Current, DatabaseRevisions, DatabaseRun, DatabaseUnlock, DatabaseVerification, RunReport,
    StepRun,
};
pub use script::{GeneratedRevision, MergeRequest, RevisionRequest};
pub use squash::{SquashError, Squashed};

type ConfigureFn = dyn Fn(&mut Config) -> Result<(), BoxError> + Send + Sync;
type TargetSchemaFn = dyn Fn(Option<&str>, &str) -> Result<Schema, BoxError> + Send + Sync;

/// Where the project's files come from.
#[derive(Clone)]
enum Source {
    /// A migrations folder on disk and its configuration file.
    Folder {
        /// The migrations folder.
        dir: PathBuf,
        /// The configuration file (default `<dir>/retort.toml`).
        config: PathBuf,
    },
    /// A copy of the migrations folder carried in the binary.
    Embedded {
        /// Its files.
        files: &'static [EmbeddedFile],
        /// `<embedded>`, as paths and messages name it.
        dir: PathBuf,
        /// `<embedded>/retort.toml`.
        config: PathBuf,
    },
}

impl fmt::Debug for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Folder { dir, config } => f
                .debug_struct("Folder")
                .field("dir", dir)
                .field("config", config)
                .finish(),
            Source::Embedded { files, .. } => f
                .debug_struct("Embedded")
                .field("files", &files.len())
                .finish(),
        }
    }
}

/// A retort project and the settings commands run with: the API's entry
/// point.
///
/// Build one with [`Retort::open`] and the builder setters, then call a
/// command. The setters mirror the command line's global options
/// (`--url`, `--database`, `--models`, `-x`, `-q`) and add what only an
/// application can give: [`configure`](Retort::configure) callbacks, a
/// [`target_schema`](Retort::target_schema) built in Rust and a
/// [`progress`](Retort::progress) receiver.
///
/// Cloning is cheap (callbacks are shared), which is how a variant with
/// different settings is made from a base.
#[derive(Clone)]
pub struct Retort {
    source: Source,
    url: Option<String>,
    database: Option<String>,
    models: Vec<String>,
    dev_url: Option<String>,
    x: Vec<(String, String)>,
    quiet: bool,
    tag: Option<String>,
    configure: Vec<Arc<ConfigureFn>>,
    target_schema: Option<Arc<TargetSchemaFn>>,
    progress: Option<Arc<dyn Progress>>,
}

impl fmt::Debug for Retort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Retort")
            .field("source", &self.source)
            .field("url", &self.url.as_ref().map(|u| mask(u)))
            .field("database", &self.database)
            .field("models", &self.models)
            .field("dev_url", &self.dev_url.as_ref().map(|u| mask(u)))
            .field("x", &self.x)
            .field("quiet", &self.quiet)
            .field("tag", &self.tag)
            .field("configure", &self.configure.len())
            .field("target_schema", &self.target_schema.is_some())
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

/// A URL for `Debug`: its password hidden when it parses.
fn mask(url: &str) -> String {
    DatabaseUrl::parse(url).map_or_else(|_| "<unparsed url>".to_owned(), |u| u.to_string())
}

/// One database a command acts on: its name (multi-database) and URL.
pub(crate) struct Target {
    pub(crate) name: Option<String>,
    pub(crate) url: DatabaseUrl,
}

impl Retort {
    /// The project in the migrations folder `dir`, configured by
    /// `<dir>/retort.toml`.
    pub fn open(dir: impl Into<PathBuf>) -> Retort {
        let dir = dir.into();
        let config = dir.join(CONFIG_FILE);
        Retort {
            source: Source::Folder { dir, config },
            url: None,
            database: None,
            models: Vec::new(),
            dev_url: None,
            x: Vec::new(),
            quiet: false,
            tag: None,
            configure: Vec::new(),
            target_schema: None,
            progress: None,
        }
    }

    /// The project embedded in the binary: a copy of its migrations folder
    /// (written by `retort_build::embed_migrations` from `build.rs`), so
    /// that an application migrates its database at start-up with no
    /// files around. The commands that write files (`init`, `revision`,
    /// `migrate`, `merge`, `edit`) refuse it with
    /// [`Error::EmbeddedProject`]; everything else works as on the folder.
    pub fn embedded(files: &'static [EmbeddedFile]) -> Retort {
        let dir = PathBuf::from(EMBEDDED_DIR);
        let config = dir.join(CONFIG_FILE);
        Retort {
            source: Source::Embedded { files, dir, config },
            ..Retort::open(EMBEDDED_DIR)
        }
    }

    /// Reads the configuration from `path` instead of `<dir>/retort.toml`
    /// (the command line's `-c`). An [`embedded`](Retort::embedded)
    /// project becomes the folder that holds `path`.
    pub fn config_file(mut self, path: impl Into<PathBuf>) -> Retort {
        let path = path.into();
        match &mut self.source {
            Source::Folder { config, .. } => *config = path,
            Source::Embedded { .. } => {
                let dir = path
                    .parent()
                    .filter(|p| !p.as_os_str().is_empty())
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
                self.source = Source::Folder { dir, config: path };
            }
        }
        self
    }

    /// Whether a URL was given with [`url`](Self::url) (`--url`), over
    /// `DATABASE_URL` and the configuration.
    pub(crate) fn has_url(&self) -> bool {
        self.url.is_some()
    }

    /// The database URL, over `DATABASE_URL` and the configuration
    /// (`--url`).
    pub fn url(mut self, url: impl Into<String>) -> Retort {
        self.url = Some(url.into());
        self
    }

    /// In a multi-database project, act on this database only
    /// (`--database`).
    pub fn database(mut self, name: impl Into<String>) -> Retort {
        self.database = Some(name.into());
        self
    }

    /// Target schema files (SQL DDL, or globs) relative to the current
    /// folder, replacing the configured models and the
    /// [`target_schema`](Retort::target_schema) callback (`--models`).
    pub fn models<I, S>(mut self, paths: I) -> Retort
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.models = paths.into_iter().map(Into::into).collect();
        self
    }

    /// The database autogenerate reads the models in (`--dev-url`, over
    /// `dev_url` in `retort.toml`): MySQL/MariaDB's scratch database is
    /// created on its server, PostgreSQL's scratch schema in it. Default:
    /// the database being compared.
    pub fn dev_url(mut self, url: impl Into<String>) -> Retort {
        self.dev_url = Some(url.into());
        self
    }

    /// An extra argument (`-x KEY=VALUE`) for templates, hooks, the
    /// [`configure`](Retort::configure) callbacks ([`Config::x_args`]) and
    /// `execute` operations (`${x.KEY}` in their SQL); a later value for
    /// the same key wins.
    pub fn x(mut self, key: impl Into<String>, value: impl Into<String>) -> Retort {
        self.x.push((key.into(), value.into()));
        self
    }

    /// Deliver only warnings to the [`progress`](Retort::progress)
    /// receiver (`-q`).
    pub fn quiet(mut self, quiet: bool) -> Retort {
        self.quiet = quiet;
        self
    }

    /// A tag recorded in the log table with each revision run (`--tag`).
    pub fn tag(mut self, tag: impl Into<String>) -> Retort {
        self.tag = Some(tag.into());
        self
    }

    /// Adds a configuration callback: it runs after `retort.toml` is read
    /// and before anything uses it, and may change any setting (or replace
    /// the whole [`Config`]); the `-x` arguments are in
    /// [`Config::x_args`]. Several callbacks run in the order they were
    /// added; an error from one stops the command, naming the callback.
    pub fn configure<F, E>(mut self, callback: F) -> Retort
    where
        F: Fn(&mut Config) -> Result<(), E> + Send + Sync + 'static,
        E: Into<BoxError>,
    {
        self.configure.push(Arc::new(move |cfg: &mut Config| {
            callback(cfg).map_err(Into::into)
        }));
        self
    }

    /// Supplies autogenerate's target schema from Rust instead of SQL model
    /// files: the callback gets the database's name (multi-database
    /// projects) and its dialect (`sqlite`, `postgresql` or `mysql`).
    /// [`models`](Retort::models) files, when given, take precedence; the
    /// configured `naming_convention` applies to the schema returned.
    pub fn target_schema<F, E>(mut self, callback: F) -> Retort
    where
        F: Fn(Option<&str>, &str) -> Result<Schema, E> + Send + Sync + 'static,
        E: Into<BoxError>,
    {
        self.target_schema = Some(Arc::new(move |database: Option<&str>, dialect: &str| {
            callback(database, dialect).map_err(Into::into)
        }));
        self
    }

    /// Where the commands report what they do (see [`Event`]); without
    /// one, nothing is reported.
    pub fn progress(mut self, progress: impl Progress + 'static) -> Retort {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// True when [`quiet`](Retort::quiet) is set.
    pub fn is_quiet(&self) -> bool {
        self.quiet
    }

    /// True when a [`progress`](Retort::progress) receiver is set.
    pub fn has_progress(&self) -> bool {
        self.progress.is_some()
    }

    /// The migrations folder (`<embedded>` for an embedded project).
    pub fn directory(&self) -> &Path {
        match &self.source {
            Source::Folder { dir, .. } | Source::Embedded { dir, .. } => dir,
        }
    }

    /// The configuration file (`<embedded>/retort.toml` for an embedded
    /// project).
    pub fn config_path(&self) -> &Path {
        match &self.source {
            Source::Folder { config, .. } | Source::Embedded { config, .. } => config,
        }
    }

    /// True for a project [`embedded`](Retort::embedded) in the binary.
    pub fn is_embedded(&self) -> bool {
        matches!(self.source, Source::Embedded { .. })
    }

    /// Refuses a command that writes files when the project is embedded.
    fn writable(&self, command: &'static str) -> Result<()> {
        if self.is_embedded() {
            return Err(Error::EmbeddedProject { command });
        }
        Ok(())
    }

    /// The same settings on the project in the folder `dir` (configured by
    /// `<dir>/retort.toml`): `retort init DIR`.
    pub(crate) fn in_directory(&self, dir: &Path) -> Retort {
        let mut r = self.clone();
        r.source = Source::Folder {
            dir: dir.to_owned(),
            config: dir.join(CONFIG_FILE),
        };
        r
    }

    /// Shares this value's settings with the command line's global
    /// options: replaces the project when `-d`/`-c` were given, and each
    /// setting that was given.
    pub(crate) fn with_overrides(
        mut self,
        project: Option<(PathBuf, PathBuf)>,
        url: Option<&str>,
        database: Option<&str>,
        models: &[String],
        x: &[(String, String)],
        quiet: bool,
    ) -> Retort {
        if let Some((dir, config)) = project {
            self.source = Source::Folder { dir, config };
        }
        if let Some(url) = url {
            self.url = Some(url.to_owned());
        }
        if let Some(db) = database {
            self.database = Some(db.to_owned());
        }
        if !models.is_empty() {
            self.models = models.to_vec();
        }
        self.x.extend(x.iter().cloned());
        self.quiet |= quiet;
        self
    }

    /// The project's configuration: `retort.toml` after the
    /// [`configure`](Retort::configure) callbacks. (An embedded project is
    /// loaded whole for it.)
    pub fn config(&self) -> Result<Config> {
        match &self.source {
            Source::Folder { dir, config } => {
                if !config.exists() && !dir.exists() {
                    return Err(Error::NoProject { dir: dir.clone() });
                }
                let mut cfg =
                    Config::load(config).map_err(retort_core::script::ScriptError::from)?;
                cfg.x_args = self.x_args();
                self.run_configure(&mut cfg)?;
                Ok(cfg)
            }
            Source::Embedded { .. } => Ok(self.script_directory(Depth::Full)?.config),
        }
    }

    /// Loads the project: its configuration (after the callbacks), every
    /// revision file read to `depth` (always whole when embedded), and the
    /// revision graph.
    pub fn script_directory(&self, depth: Depth) -> Result<ScriptDirectory> {
        match &self.source {
            Source::Folder { .. } => {
                let config = self.config()?;
                Ok(ScriptDirectory::from_config(
                    self.directory(),
                    config,
                    depth,
                )?)
            }
            Source::Embedded { files, .. } => {
                // The core's hook returns a text error: keep ours, typed,
                // and return it instead.
                let mut failed = None;
                let loaded = ScriptDirectory::from_embedded_with(files, |cfg| {
                    cfg.x_args = self.x_args();
                    self.run_configure(cfg).map_err(|e| {
                        let text = e.to_string();
                        failed = Some(e);
                        text
                    })
                });
                match failed {
                    Some(e) => Err(e),
                    None => Ok(loaded?),
                }
            }
        }
    }

    fn run_configure(&self, cfg: &mut Config) -> Result<()> {
        let count = self.configure.len();
        for (i, callback) in self.configure.iter().enumerate() {
            callback(cfg).map_err(|source| Error::Configure {
                number: i + 1,
                count,
                config: self.config_path().to_owned(),
                source,
            })?;
        }
        Ok(())
    }

    /// Delivers an event to the progress receiver (when not quiet, or a
    /// warning).
    pub(crate) fn emit(&self, event: Event<'_>) {
        if self.quiet && !event.is_warning() {
            return;
        }
        if let Some(p) = &self.progress {
            p.event(&event);
        }
    }

    /// The `-x` arguments as the templates and hooks see them.
    fn x_args(&self) -> BTreeMap<String, String> {
        self.x.iter().cloned().collect()
    }

    /// The databases a command acts on: the one of a single-database
    /// project, or each `[databases.<name>]` (only the one named by
    /// [`database`](Retort::database) when set).
    fn targets(&self, dir: &ScriptDirectory) -> Result<Vec<Target>> {
        let config = &dir.config;
        let names: Vec<Option<String>> = if config.databases.is_empty() {
            if let Some(db) = &self.database {
                return Err(Error::SingleDatabase {
                    name: db.clone(),
                    config: config.path.clone(),
                });
            }
            vec![None]
        } else {
            match &self.database {
                Some(db) if config.databases.contains_key(db) => vec![Some(db.clone())],
                Some(db) => {
                    return Err(Error::NoSuchDatabase {
                        name: db.clone(),
                        config: config.path.clone(),
                        declared: config.database_names().join(", "),
                    });
                }
                None => {
                    let option = if self.url.is_some() {
                        Some("--url")
                    } else if !self.models.is_empty() {
                        Some("--models")
                    } else {
                        None
                    };
                    if let Some(option) = option {
                        return Err(Error::OptionNeedsDatabase {
                            option,
                            config: config.path.clone(),
                            declared: config.database_names().join(", "),
                        });
                    }
                    config.databases.keys().cloned().map(Some).collect()
                }
            }
        };
        names
            .into_iter()
            .map(|name| {
                let resolved = resolve_url(self.url.as_deref(), config, name.as_deref())?;
                Ok(Target {
                    name,
                    url: resolved.url,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retort_is_send_sync_and_debug_hides_passwords() {
        fn shared<T: Send + Sync + Clone + 'static>() {}
        shared::<Retort>();
        let r = Retort::open("m").url("postgresql://app:s3cret@db/prod");
        let text = format!("{r:?}");
        assert!(text.contains("app:***@db/prod"), "{text}");
        assert!(!text.contains("s3cret"), "{text}");
    }
}
