//! A migrations folder carried in the application's binary: its files as
//! `&'static str`s ([`EmbeddedFile`]), loaded into a [`ScriptDirectory`]
//! with no file system ([`ScriptDirectory::from_embedded`]).
//!
//! The `retort-build` crate writes the list from an application's
//! `build.rs`; the application then includes it:
//!
//! ```ignore
//! use retort_core::script::EmbeddedFile;
//! static MIGRATIONS: &[EmbeddedFile] = include!(concat!(env!("OUT_DIR"), "/retort_migrations.rs"));
//! let scripts = retort_core::ScriptDirectory::from_embedded(MIGRATIONS)?;
//! ```
//!
//! The embedded folder reads as the folder on disk does: `retort.toml` is
//! parsed (as `<embedded>/retort.toml`, so errors still name a file, line
//! and column), the revision files are those of the configured version
//! locations with the same rules as on disk (`*.toml`, not hidden,
//! sub-folders only with `recursive_version_locations`, in the same order),
//! each is parsed whole (its [`crate::Revision::path`] is the location
//! joined with its path there, as on disk, under `<embedded>`), and its
//! checksum is that of its bytes: a database
//! upgraded from the folder on disk and one upgraded from the embedded copy
//! record the same checksums.

use std::cmp::Ordering;
use std::path::{Component, Path, PathBuf};

use super::read::checksum;
use super::{ScriptDirectory, ScriptError, parse_revision};
use crate::config::{CONFIG_FILE, Config};
use crate::graph::RevisionGraph;

/// The folder embedded files appear to be in, in paths and messages.
pub const EMBEDDED_DIR: &str = "<embedded>";

/// One file of an embedded migrations folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EmbeddedFile {
    /// The path relative to the migrations folder, `/`-separated
    /// (`retort.toml`, `versions/3f2a_add_user.toml`).
    pub path: &'static str,
    /// The file's text.
    pub contents: &'static str,
}

impl ScriptDirectory {
    /// Loads an embedded migrations folder (see the [module docs](self)).
    pub fn from_embedded(files: &[EmbeddedFile]) -> Result<ScriptDirectory, ScriptError> {
        ScriptDirectory::from_embedded_with(files, |_| Ok(()))
    }

    /// Loads an embedded migrations folder, letting `configure` change the
    /// configuration after `retort.toml` is parsed and before it is used
    /// (to pick the revision files, for instance); its error stops the
    /// load.
    pub fn from_embedded_with(
        files: &[EmbeddedFile],
        configure: impl FnOnce(&mut Config) -> Result<(), String>,
    ) -> Result<ScriptDirectory, ScriptError> {
        let dir = PathBuf::from(EMBEDDED_DIR);
        let mut paths = Vec::with_capacity(files.len());
        for file in files {
            let parts = file_parts(file.path).map_err(|message| ScriptError::Embedded {
                path: dir.join(file.path),
                message,
            })?;
            if let Some(other) = paths.iter().position(|p: &Vec<&str>| *p == parts) {
                return Err(ScriptError::Embedded {
                    path: dir.join(file.path),
                    message: format!(
                        "the file is embedded twice (also as {:?})",
                        files[other].path
                    ),
                });
            }
            paths.push(parts);
        }
        let config_path = dir.join(CONFIG_FILE);
        let Some(config_file) = files.iter().find(|f| f.path == CONFIG_FILE) else {
            return Err(ScriptError::Embedded {
                path: config_path,
                message: format!(
                    "no {CONFIG_FILE} among the {} embedded files; embed the whole migrations folder (retort_build::embed_migrations)",
                    files.len()
                ),
            });
        };
        let mut config = Config::parse(&config_path, config_file.contents)?;
        configure(&mut config).map_err(|message| ScriptError::Configure {
            path: config_path.clone(),
            message,
        })?;

        // Each file with its path as the walk on disk names it: the
        // location joined with the path inside it.
        let mut chosen: Vec<(&EmbeddedFile, PathBuf)> = Vec::new();
        for location in config.version_paths() {
            let prefix = location_parts(&dir, &location).ok_or_else(|| ScriptError::Embedded {
                path: location.clone(),
                message: format!(
                    "this version location is outside the embedded migrations folder {EMBEDDED_DIR}; only that folder is embedded"
                ),
            })?;
            let mut here: Vec<(&EmbeddedFile, &[&str])> = files
                .iter()
                .zip(&paths)
                .filter_map(|(file, parts)| {
                    let inside = parts.len() > prefix.len()
                        && parts.iter().zip(&prefix).all(|(part, p)| part == p);
                    let rest = inside.then(|| &parts[prefix.len()..])?;
                    is_revision_file(rest, config.recursive_version_locations)
                        .then_some((file, rest))
                })
                .collect();
            here.sort_by(|a, b| walk_order(a.1, b.1));
            chosen.extend(here.into_iter().map(|(file, rest)| {
                (
                    file,
                    rest.iter().fold(location.clone(), |p, part| p.join(part)),
                )
            }));
        }

        let mut revisions = Vec::with_capacity(chosen.len());
        for (file, path) in chosen {
            let mut revision = parse_revision(&path, file.contents)?;
            revision.checksum = Some(checksum(file.contents.as_bytes()));
            revisions.push(revision);
        }
        let graph = RevisionGraph::new(revisions)?;
        Ok(ScriptDirectory { dir, config, graph })
    }
}

/// The `/`-separated parts of an embedded path, which must be relative
/// and plain.
fn file_parts(path: &str) -> Result<Vec<&str>, String> {
    if path.contains('\\') {
        return Err("an embedded path is '/'-separated, without '\\'".into());
    }
    if path.starts_with('/') {
        return Err("an embedded path is relative to the migrations folder".into());
    }
    let parts: Vec<&str> = path.split('/').collect();
    if parts
        .iter()
        .any(|p| p.is_empty() || *p == "." || *p == "..")
    {
        return Err("an embedded path has no empty, '.' or '..' parts".into());
    }
    Ok(parts)
}

/// The parts of a version location inside the embedded folder; `None`
/// when it lies outside.
fn location_parts(dir: &Path, location: &Path) -> Option<Vec<String>> {
    let inside = location.strip_prefix(dir).ok()?;
    let mut parts = Vec::new();
    for c in inside.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                parts.pop()?;
            }
            Component::Normal(p) => parts.push(p.to_str()?.to_owned()),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(parts)
}

/// What the folder walk takes as a revision file: a `*.toml` file that is
/// not hidden, directly in the location unless `recursive`.
fn is_revision_file(rest: &[&str], recursive: bool) -> bool {
    let Some(name) = rest.last() else {
        return false;
    };
    (recursive || rest.len() == 1) && super::load::is_revision_file_name(name)
}

/// The order the folder walk finds files in: a folder's own files by name,
/// then its sub-folders by name, each in turn.
fn walk_order(a: &[&str], b: &[&str]) -> Ordering {
    for (i, (x, y)) in a.iter().zip(b).enumerate() {
        let x_is_file = i + 1 == a.len();
        let y_is_file = i + 1 == b.len();
        let by_kind = y_is_file.cmp(&x_is_file);
        if by_kind != Ordering::Equal {
            return by_kind;
        }
        let by_name = x.as_bytes().cmp(y.as_bytes());
        if by_name != Ordering::Equal {
            return by_name;
        }
    }
    a.len().cmp(&b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_before_folders_then_by_name() {
        let mut paths = [
            vec!["b_sub", "4.toml"],
            vec!["2.toml"],
            vec!["a_sub", "z", "5.toml"],
            vec!["a_sub", "3.toml"],
            vec!["1.toml"],
        ];
        paths.sort_by(|a, b| walk_order(a, b));
        let joined: Vec<String> = paths.iter().map(|p| p.join("/")).collect();
        assert_eq!(
            joined,
            [
                "1.toml",
                "2.toml",
                "a_sub/3.toml",
                "a_sub/z/5.toml",
                "b_sub/4.toml"
            ]
        );
    }

    #[test]
    fn paths_must_be_plain_and_relative() {
        assert_eq!(
            file_parts("versions/a.toml").unwrap(),
            ["versions", "a.toml"]
        );
        for bad in [
            "/abs.toml",
            "a//b.toml",
            "../x.toml",
            "a\\b.toml",
            "",
            "./a",
        ] {
            assert!(file_parts(bad).is_err(), "{bad}");
        }
        let dir = Path::new(EMBEDDED_DIR);
        assert_eq!(
            location_parts(dir, &dir.join("./a/../versions")).unwrap(),
            ["versions"]
        );
        assert!(location_parts(dir, &dir.join("../other")).is_none());
        assert!(location_parts(dir, Path::new("/srv/versions")).is_none());
    }
}
