//! The project templates `retort init` writes, and `init` itself.

use std::path::{Path, PathBuf};

use super::ScriptError;
use crate::config::CONFIG_FILE;

/// The file name of the revision template inside a project.
pub const SCRIPT_TEMPLATE_FILE: &str = "script.toml.j2";

/// A project template: the files `retort init --template NAME` writes.
#[derive(Clone, Copy, Debug)]
pub struct ProjectTemplate {
    /// The name given to `--template`.
    pub name: &'static str,
    /// One line for `list-templates`.
    pub description: &'static str,
    /// `retort.toml`.
    pub config: &'static str,
    /// `script.toml.j2`.
    pub script: &'static str,
    /// `README.md`.
    pub readme: &'static str,
    /// The SQLite databases its `retort.toml` names, relative to the
    /// folder retort runs in: `init` has git ignore them.
    pub local_databases: &'static [&'static str],
}

/// Every built-in template, in the order `list-templates` shows them.
pub const TEMPLATES: &[ProjectTemplate] = &[
    ProjectTemplate {
        name: "generic",
        description: "Generic single-database configuration.",
        config: include_str!("../../templates/generic/retort.toml"),
        script: include_str!("../../templates/generic/script.toml.j2"),
        readme: include_str!("../../templates/generic/README.md"),
        local_databases: &["app.db"],
    },
    ProjectTemplate {
        name: "multidb",
        description: "Multiple databases, with operations kept per database in each revision.",
        config: include_str!("../../templates/multidb/retort.toml"),
        script: include_str!("../../templates/multidb/script.toml.j2"),
        readme: include_str!("../../templates/multidb/README.md"),
        local_databases: &["main.db", "secondary.db"],
    },
];

/// The built-in template named `name`.
pub fn template(name: &str) -> Result<&'static ProjectTemplate, ScriptError> {
    TEMPLATES
        .iter()
        .find(|t| t.name == name)
        .ok_or_else(|| ScriptError::UnknownTemplate {
            name: name.to_owned(),
            available: TEMPLATES
                .iter()
                .map(|t| t.name)
                .collect::<Vec<_>>()
                .join(", "),
        })
}

/// The first line of the block [`ignore_local_files`] adds.
const IGNORE_HEADER: &str =
    "# retort: local SQLite databases, and the lock file a killed run leaves";

/// Has git ignore the local SQLite databases of `template` (with their
/// `-journal`, `-wal` and `-shm` files) and retort's SQLite lock files:
/// writes `root/.gitignore`, or appends the lines it lacks to the one
/// there. Returns the file when it was written or changed.
pub fn ignore_local_files(
    root: &Path,
    template: &ProjectTemplate,
) -> Result<Option<PathBuf>, ScriptError> {
    let path = root.join(".gitignore");
    let existing = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => return Err(ScriptError::Io { path, source }),
    };
    let mut wanted: Vec<String> = template
        .local_databases
        .iter()
        .flat_map(|db| ["", "-journal", "-wal", "-shm"].map(|suffix| format!("/{db}{suffix}")))
        .collect();
    wanted.push("*-retort.lock".to_owned());
    let present: Vec<&str> = existing.lines().map(str::trim).collect();
    let missing: Vec<&String> = wanted
        .iter()
        .filter(|line| !present.contains(&line.as_str()))
        .collect();
    if missing.is_empty() {
        return Ok(None);
    }
    let mut text = existing.clone();
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(IGNORE_HEADER);
    text.push('\n');
    for line in missing {
        text.push_str(line);
        text.push('\n');
    }
    std::fs::write(&path, text).map_err(|source| ScriptError::Io {
        path: path.clone(),
        source,
    })?;
    Ok(Some(path))
}

/// Creates a project in `dir` from `template`: `retort.toml`,
/// `script.toml.j2`, `README.md` and an empty `versions/`.
///
/// Refuses, changing nothing, when `dir` exists and is not empty. If writing
/// fails midway, what was written is removed again. Returns the paths written.
pub fn init_project(dir: &Path, template: &ProjectTemplate) -> Result<Vec<PathBuf>, ScriptError> {
    let existed = dir.exists();
    if existed {
        let mut entries = std::fs::read_dir(dir).map_err(|source| ScriptError::Io {
            path: dir.to_owned(),
            source,
        })?;
        if entries.next().is_some() {
            return Err(ScriptError::DirectoryNotEmpty {
                dir: dir.to_owned(),
            });
        }
    }
    let files = [
        (dir.join(CONFIG_FILE), template.config),
        (dir.join(SCRIPT_TEMPLATE_FILE), template.script),
        (dir.join("README.md"), template.readme),
    ];
    let write_all = || -> Result<Vec<PathBuf>, ScriptError> {
        let versions = dir.join("versions");
        std::fs::create_dir_all(&versions).map_err(|source| ScriptError::Io {
            path: versions.clone(),
            source,
        })?;
        let mut written = vec![dir.to_owned(), versions];
        for (path, contents) in &files {
            std::fs::write(path, contents).map_err(|source| ScriptError::Io {
                path: path.clone(),
                source,
            })?;
            written.push(path.clone());
        }
        Ok(written)
    };
    write_all().inspect_err(|_| {
        // Leave nothing half-done: remove what this call created.
        if existed {
            let _ = std::fs::remove_dir_all(dir.join("versions"));
            for (path, _) in &files {
                let _ = std::fs::remove_file(path);
            }
        } else {
            let _ = std::fs::remove_dir_all(dir);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_writes_the_project_and_refuses_a_non_empty_dir() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("migrations");
        let written = init_project(&dir, template("generic").unwrap()).unwrap();
        assert_eq!(written.len(), 5);
        assert!(dir.join("versions").is_dir());
        let before = std::fs::read_to_string(dir.join(CONFIG_FILE)).unwrap();
        let err = init_project(&dir, template("multidb").unwrap()).unwrap_err();
        assert!(matches!(err, ScriptError::DirectoryNotEmpty { .. }));
        assert_eq!(
            std::fs::read_to_string(dir.join(CONFIG_FILE)).unwrap(),
            before
        );
    }

    #[test]
    fn built_in_configs_parse() {
        for t in TEMPLATES {
            crate::Config::parse(Path::new("retort.toml"), t.config)
                .unwrap_or_else(|e| panic!("template {}: {e}", t.name));
        }
        assert!(template("nope").is_err());
    }
}
