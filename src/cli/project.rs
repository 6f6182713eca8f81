//! Finding the project the global options point at.

use std::path::{Path, PathBuf};

use retort_core::ScriptDirectory;
use retort_core::config::CONFIG_FILE;
use retort_core::script::Depth;

use super::GlobalOptions;

/// The migrations folder and configuration file the options name.
#[derive(Clone, Debug)]
pub struct Project {
    /// The migrations folder (`-d`, default `migrations`; with only `-c`,
    /// the configuration file's folder).
    pub dir: PathBuf,
    /// The configuration file (`-c`, default `DIR/retort.toml`).
    pub config: PathBuf,
}

impl Project {
    /// Resolves `-d` and `-c`.
    pub fn from_options(g: &GlobalOptions) -> Project {
        let dir = match (&g.directory, &g.config) {
            (Some(d), _) => d.clone(),
            (None, Some(c)) => c
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
            (None, None) => PathBuf::from("migrations"),
        };
        let config = g.config.clone().unwrap_or_else(|| dir.join(CONFIG_FILE));
        Project { dir, config }
    }

    /// Loads the configuration, every revision file (to `depth`) and the graph.
    pub fn load(&self, depth: Depth) -> anyhow::Result<ScriptDirectory> {
        if !self.config.exists() && !self.dir.exists() {
            anyhow::bail!(
                "no retort project at {}: run `retort init` to create one, or point at it with -d/--directory",
                self.dir.display()
            );
        }
        Ok(ScriptDirectory::open(&self.dir, Some(&self.config), depth)?)
    }
}
