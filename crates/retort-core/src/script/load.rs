//! Finding and reading every revision file of the version locations.
//!
//! Files are read and parsed on all cores: with 10,000 revisions the
//! parsing, not the graph, is what a read-only command spends its time on.

use std::path::{Path, PathBuf};

use super::ScriptError;
use super::file::RevisionFileError;
use super::read::{Depth, read_revision_file_to};
use crate::revision::Revision;

/// The `*.toml` files of `locations`, in a stable order: each location in
/// turn, its files sorted by name, then (when `recursive`) its sub-folders
/// in name order, as Alembic walks `versions/`. A location that does not
/// exist holds no files (git keeps no empty `versions/` folder).
pub fn revision_paths(locations: &[PathBuf], recursive: bool) -> Result<Vec<PathBuf>, ScriptError> {
    let mut paths = Vec::new();
    for location in locations {
        if location.exists() {
            walk(location, recursive, &mut paths)?;
        }
    }
    Ok(paths)
}

/// A revision file's name: `*.toml`, not hidden.
pub(crate) fn is_revision_file_name(name: &str) -> bool {
    !name.starts_with('.') && Path::new(name).extension().is_some_and(|e| e == "toml")
}

fn walk(dir: &Path, recursive: bool, out: &mut Vec<PathBuf>) -> Result<(), ScriptError> {
    let io = |source| ScriptError::Io {
        path: dir.to_owned(),
        source,
    };
    let mut files = Vec::new();
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let entry = entry.map_err(io)?;
        let path = entry.path();
        let kind = entry.file_type().map_err(io)?;
        let is_dir = kind.is_dir() || (kind.is_symlink() && path.is_dir());
        if is_dir {
            dirs.push(path);
        } else if path
            .file_name()
            .is_some_and(|n| is_revision_file_name(&n.to_string_lossy()))
        {
            files.push(path);
        }
    }
    // All entries share `dir` as prefix, so byte order is name order; it is
    // much cheaper than `Path`'s component-wise comparison on 10,000 files.
    let by_bytes = |a: &PathBuf, b: &PathBuf| {
        a.as_os_str()
            .as_encoded_bytes()
            .cmp(b.as_os_str().as_encoded_bytes())
    };
    files.sort_unstable_by(by_bytes);
    out.extend(files);
    if recursive {
        dirs.sort_unstable_by(by_bytes);
        for d in dirs {
            walk(&d, true, out)?;
        }
    }
    Ok(())
}

/// Reads and parses every file of `paths` to `depth`, in parallel, keeping
/// their order. The first failing file (in `paths` order) is the error.
pub fn read_revisions(paths: &[PathBuf], depth: Depth) -> Result<Vec<Revision>, RevisionFileError> {
    let workers = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1)
        .min(paths.len() / 256 + 1);
    if workers <= 1 {
        return paths
            .iter()
            .map(|p| read_revision_file_to(p, depth))
            .collect();
    }
    let chunk = paths.len().div_ceil(workers);
    let parts: Vec<Result<Vec<Revision>, RevisionFileError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = paths
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|p| read_revision_file_to(p, depth))
                        .collect()
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| match h.join() {
                Ok(result) => result,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    });
    let mut revisions = Vec::with_capacity(paths.len());
    for part in parts {
        revisions.extend(part?);
    }
    Ok(revisions)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_toml_files_in_order_and_recursively_when_asked() {
        let tmp = tempfile::tempdir().unwrap();
        let v = tmp.path().join("versions");
        std::fs::create_dir_all(v.join("b_sub")).unwrap();
        std::fs::create_dir_all(v.join("a_sub")).unwrap();
        for f in [
            "2.toml",
            "1.toml",
            "notes.md",
            ".hidden.toml",
            "a_sub/3.toml",
            "b_sub/4.toml",
        ] {
            std::fs::write(v.join(f), format!("revision = \"r{}\"\n", f.len())).unwrap();
        }
        let names = |paths: Vec<PathBuf>| -> Vec<String> {
            paths
                .iter()
                .map(|p| p.strip_prefix(&v).unwrap().display().to_string())
                .collect()
        };
        let flat = revision_paths(std::slice::from_ref(&v), false).unwrap();
        assert_eq!(names(flat), ["1.toml", "2.toml"]);
        let deep = revision_paths(std::slice::from_ref(&v), true).unwrap();
        assert_eq!(
            names(deep),
            ["1.toml", "2.toml", "a_sub/3.toml", "b_sub/4.toml"]
        );
        assert!(
            revision_paths(&[tmp.path().join("missing")], false)
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn parallel_reading_keeps_order_and_reports_the_first_bad_file() {
        let tmp = tempfile::tempdir().unwrap();
        let paths: Vec<PathBuf> = (0..1000)
            .map(|i| {
                let p = tmp.path().join(format!("{i:04}.toml"));
                std::fs::write(&p, format!("revision = \"r{i}\"\n")).unwrap();
                p
            })
            .collect();
        let revs = read_revisions(&paths, Depth::Full).unwrap();
        assert!(
            revs.iter()
                .enumerate()
                .all(|(i, r)| r.id.as_str() == format!("r{i}"))
        );
        std::fs::write(&paths[700], "revision = 7").unwrap();
        std::fs::write(&paths[900], "nope").unwrap();
        let err = read_revisions(&paths, Depth::Header)
            .unwrap_err()
            .to_string();
        assert!(err.contains("0700.toml:1:12"), "{err}");
    }
}
