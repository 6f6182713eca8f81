//! The script directory: a migrations folder with its configuration, its
//! revision template and its revision files, and the graph they form
//! (Alembic's `ScriptDirectory`).

pub mod embed;
pub mod file;
pub mod load;
pub mod naming;
pub mod read;
pub mod render;
pub mod rewrite;
pub mod templates;

mod column_types;
mod generate;
mod op_check;

use std::path::{Path, PathBuf};

pub use embed::{EMBEDDED_DIR, EmbeddedFile};
pub use file::{RevisionFileError, parse_revision, parse_revision_header};
pub use generate::RevisionOptions;
pub use read::{Depth, checksum, fnv1a64, read_revision_file, read_revision_file_to};
pub use render::{NewRevision, render_operations, render_revision};
pub use templates::{
    ProjectTemplate, SCRIPT_TEMPLATE_FILE, TEMPLATES, ignore_local_files, init_project, template,
};

use crate::config::{CONFIG_FILE, Config, ConfigError};
use crate::graph::{GraphError, ResolveError, RevisionGraph};
use crate::revision::Revision;

/// Anything that can go wrong reading or writing a script directory.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScriptError {
    /// `retort.toml` is missing or invalid.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A revision file is malformed.
    #[error(transparent)]
    File(#[from] RevisionFileError),
    /// The revision files do not form a valid graph.
    #[error(transparent)]
    Graph(#[from] GraphError),
    /// A revision expression does not resolve.
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    /// A file or folder could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// `init` was pointed at a folder that already has files.
    #[error("directory {} already exists and is not empty; choose another with -d/--directory, or remove it first", dir.display())]
    DirectoryNotEmpty {
        /// The folder.
        dir: PathBuf,
    },
    /// `--template` names no built-in template.
    #[error(
        "no template named {name:?}; the templates are: {available} (see `retort list-templates`)"
    )]
    UnknownTemplate {
        /// The name given.
        name: String,
        /// The names that exist.
        available: String,
    },
    /// The revision template failed to render or rendered an unusable file.
    #[error("the revision template {}: {message}; fix the template (`retort init` writes a working one)", path.display())]
    Template {
        /// The template file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A new revision was asked for in a way Alembic refuses too.
    #[error("{0}")]
    Refused(String),
    /// An embedded migrations folder cannot be used as it is.
    #[error("{}: {message}", path.display())]
    Embedded {
        /// The embedded file or location (under `<embedded>`).
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A configuration callback refused the configuration.
    #[error("{}: a configuration callback refused it: {message}", path.display())]
    Configure {
        /// The configuration file.
        path: PathBuf,
        /// The callback's message.
        message: String,
    },
    /// A post-write hook failed.
    #[error("post-write hook {name:?} failed on {}: {message}", path.display())]
    Hook {
        /// The hook's name.
        name: String,
        /// The new revision file.
        path: PathBuf,
        /// What happened.
        message: String,
    },
}

/// A loaded migrations folder: its configuration and revision graph.
#[derive(Debug)]
pub struct ScriptDirectory {
    /// The migrations folder.
    pub dir: PathBuf,
    /// Its configuration.
    pub config: Config,
    /// Every revision of its version locations.
    pub graph: RevisionGraph,
}

impl ScriptDirectory {
    /// Loads the project in `dir`, with the configuration `config_path`
    /// (default `<dir>/retort.toml`): reads every revision file to `depth`
    /// and builds the graph.
    pub fn open(
        dir: &Path,
        config_path: Option<&Path>,
        depth: Depth,
    ) -> Result<ScriptDirectory, ScriptError> {
        let config_path = config_path.map_or_else(|| dir.join(CONFIG_FILE), Path::to_path_buf);
        let config = Config::load(&config_path)?;
        ScriptDirectory::from_config(dir, config, depth)
    }

    /// Loads the revisions of an already-read configuration.
    pub fn from_config(
        dir: &Path,
        config: Config,
        depth: Depth,
    ) -> Result<ScriptDirectory, ScriptError> {
        let revisions = load_revisions(&config, depth)?;
        let graph = RevisionGraph::new(revisions)?;
        Ok(ScriptDirectory {
            dir: dir.to_owned(),
            config,
            graph,
        })
    }

    /// The revision template of this project.
    pub fn template_path(&self) -> PathBuf {
        self.dir.join(SCRIPT_TEMPLATE_FILE)
    }

    /// The configured version locations.
    pub fn version_paths(&self) -> Vec<PathBuf> {
        self.config.version_paths()
    }
}

/// Reads every revision file of the configuration's version locations.
pub fn load_revisions(config: &Config, depth: Depth) -> Result<Vec<Revision>, ScriptError> {
    let paths = load::revision_paths(&config.version_paths(), config.recursive_version_locations)?;
    Ok(load::read_revisions(&paths, depth)?)
}
