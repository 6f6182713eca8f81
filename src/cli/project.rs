//! Finding the project the global options point at, and the [`Retort`]
//! they describe.

use std::path::{Path, PathBuf};

use retort_core::config::CONFIG_FILE;

use super::GlobalOptions;
use crate::api::Retort;

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
}

impl GlobalOptions {
    /// The [`Retort`] these options describe: the project of `-d`/`-c`
    /// (default `migrations`) with `--url`, `--database`, `--models`, `-x`
    /// and `-q`. It has no progress receiver.
    pub fn retort(&self) -> Retort {
        let project = Project::from_options(self);
        self.apply_to(&Retort::open(project.dir).config_file(project.config))
    }

    /// `base` with these options over it: the project of `-d`/`-c` when
    /// either was given (else `base`'s), and each option that was given;
    /// `-x` arguments are added to `base`'s. Callbacks, the target schema
    /// and the progress receiver stay `base`'s.
    pub fn apply_to(&self, base: &Retort) -> Retort {
        let project = (self.directory.is_some() || self.config.is_some()).then(|| {
            let p = Project::from_options(self);
            (p.dir, p.config)
        });
        let retort = base.clone().with_overrides(
            project,
            self.url.as_deref(),
            self.database.as_deref(),
            &self.models,
            &self.x,
            self.quiet,
        );
        match &self.dev_url {
            Some(url) => retort.dev_url(url.clone()),
            None => retort,
        }
    }
}
