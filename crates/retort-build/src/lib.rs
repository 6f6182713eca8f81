//! retort-build: carry a retort migrations folder in an application's
//! binary, from its `build.rs`. No dependencies, so it costs nothing to
//! build as a build-dependency.
//!
//! [`embed_migrations`] walks the folder, tells Cargo to rerun the build
//! script when the folder or any of its files changes, and writes
//! `$OUT_DIR/retort_migrations.rs`: a list of
//! `retort_core::script::EmbeddedFile`s whose contents are `include_str!`s
//! of the files, sorted by path. The application includes the list and
//! loads it with `ScriptDirectory::from_embedded`, which reads it as the
//! folder on disk would be read (same revisions, same checksums).
//!
//! `Cargo.toml`:
//!
//! ```toml
//! [dependencies]
//! retort-core = "0.1"
//!
//! [build-dependencies]
//! retort-build = "0.1"
//! ```
//!
//! `build.rs`:
//!
//! ```no_run
//! fn main() -> Result<(), retort_build::EmbedError> {
//!     retort_build::embed_migrations("migrations")?;
//!     Ok(())
//! }
//! ```
//!
//! `src/main.rs`:
//!
//! ```ignore
//! use retort_core::script::EmbeddedFile;
//!
//! static MIGRATIONS: &[EmbeddedFile] =
//!     include!(concat!(env!("OUT_DIR"), "/retort_migrations.rs"));
//!
//! fn main() -> Result<(), Box<dyn std::error::Error>> {
//!     let scripts = retort_core::ScriptDirectory::from_embedded(MIGRATIONS)?;
//!     // ... connect with retort-db and run `runner::upgrade(&scripts, ...)`.
//!     Ok(())
//! }
//! ```
//!
//! An application that depends on the `retort` crate only (which
//! re-exports the core as `retort::core`) names the type's path with
//! [`Embed::crate_path`]:
//! `retort_build::Embed::new("migrations").crate_path("retort::core").run()?`.
//!
//! Which files are embedded: every file of the folder and its sub-folders
//! (`retort.toml`, `script.toml.j2`, the revision files, a README), except
//! hidden files and folders (`.name`), editor backups and temporary files
//! (`name~`, `#name#`, `*.bak`, `*.orig`, `*.rej`, `*.swp`, `*.swo`,
//! `*.tmp`), and files that are not UTF-8 text or whose path is not
//! UTF-8, which `include_str!` cannot hold; each skipped file is reported
//! as a Cargo warning.
#![deny(missing_docs)]

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// The file written into `OUT_DIR`.
pub const OUTPUT_FILE: &str = "retort_migrations.rs";

/// Why the migrations folder could not be embedded.
#[derive(Debug)]
#[non_exhaustive]
pub enum EmbedError {
    /// A build-script variable Cargo sets is missing (not run by Cargo?).
    Env {
        /// The variable (`OUT_DIR`, `CARGO_MANIFEST_DIR`).
        name: &'static str,
    },
    /// The folder has no `retort.toml`: not a migrations folder.
    NotMigrations {
        /// The folder.
        dir: PathBuf,
    },
    /// A file or folder could not be read or written.
    Io {
        /// The file or folder.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
}

impl fmt::Display for EmbedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EmbedError::Env { name } => write!(
                f,
                "retort-build: the environment variable {name} is not set; call embed_migrations from a build script (build.rs), which Cargo runs with it"
            ),
            EmbedError::NotMigrations { dir } => write!(
                f,
                "retort-build: {} has no retort.toml, so it is not a migrations folder; create one with `retort init`, or name the right folder",
                dir.display()
            ),
            EmbedError::Io { path, source } => {
                write!(f, "retort-build: {}: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for EmbedError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            EmbedError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Embeds the migrations folder `dir` (relative to the package's
/// `Cargo.toml` folder) into `$OUT_DIR/retort_migrations.rs`, naming the
/// type `retort_core::script::EmbeddedFile`. Returns the file written.
pub fn embed_migrations(dir: impl AsRef<Path>) -> Result<PathBuf, EmbedError> {
    Embed::new(dir).run()
}

/// The options of an embedding ([`embed_migrations`] uses the defaults).
#[derive(Clone, Debug)]
pub struct Embed {
    dir: PathBuf,
    crate_path: String,
    out_file: Option<PathBuf>,
}

/// What [`Embed::generate`] found and wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generated {
    /// The Rust source: a `&[EmbeddedFile]` expression.
    pub source: String,
    /// The embedded files' paths, relative and `/`-separated, sorted.
    pub files: Vec<String>,
    /// Every folder and file Cargo should watch.
    pub watched: Vec<PathBuf>,
    /// The files left out, each with the reason.
    pub skipped: Vec<(PathBuf, String)>,
}

impl Embed {
    /// Embeds `dir`: relative to the package's `Cargo.toml` folder
    /// (`CARGO_MANIFEST_DIR`) when run by Cargo, else to the current folder.
    pub fn new(dir: impl AsRef<Path>) -> Self {
        Embed {
            dir: dir.as_ref().to_owned(),
            crate_path: "retort_core".to_owned(),
            out_file: None,
        }
    }

    /// The path of the crate that defines `script::EmbeddedFile`
    /// (default `retort_core`; `retort::core` through the `retort` crate).
    pub fn crate_path(mut self, path: impl Into<String>) -> Self {
        self.crate_path = path.into();
        self
    }

    /// Writes to `file` instead of `$OUT_DIR/retort_migrations.rs`.
    pub fn out_file(mut self, file: impl AsRef<Path>) -> Self {
        self.out_file = Some(file.as_ref().to_owned());
        self
    }

    /// The folder as an absolute path.
    fn folder(&self) -> Result<PathBuf, EmbedError> {
        if self.dir.is_absolute() {
            return Ok(self.dir.clone());
        }
        let base = match std::env::var_os("CARGO_MANIFEST_DIR") {
            Some(dir) => PathBuf::from(dir),
            None => std::env::current_dir().map_err(|source| EmbedError::Io {
                path: PathBuf::from("."),
                source,
            })?,
        };
        Ok(base.join(&self.dir))
    }

    /// Reads the folder and renders the list, writing nothing.
    pub fn generate(&self) -> Result<Generated, EmbedError> {
        let dir = self.folder()?;
        if !dir.join("retort.toml").is_file() {
            return Err(EmbedError::NotMigrations { dir });
        }
        let mut found = Vec::new();
        let mut generated = Generated {
            source: String::new(),
            files: Vec::new(),
            watched: vec![dir.clone()],
            skipped: Vec::new(),
        };
        walk(&dir, &dir, &mut found, &mut generated)?;
        found.sort_by(|a: &(String, PathBuf), b| a.0.cmp(&b.0));
        let mut source = format!(
            "// @generated by retort-build from {:?}; do not edit.\n&[\n",
            dir.display().to_string()
        );
        for (rel, abs) in &found {
            // Checked to be UTF-8 by `walk`.
            let abs = abs.to_string_lossy();
            source.push_str(&format!(
                "    {}::script::EmbeddedFile {{ path: {rel:?}, contents: include_str!({abs:?}) }},\n",
                self.crate_path
            ));
        }
        source.push_str("]\n");
        generated.source = source;
        generated.files = found.into_iter().map(|(rel, _)| rel).collect();
        Ok(generated)
    }

    /// Generates the list, writes it (only when it changed, so an
    /// unchanged folder rebuilds nothing), and prints Cargo's
    /// `rerun-if-changed` lines and a warning per skipped file. Returns the
    /// file written.
    pub fn run(&self) -> Result<PathBuf, EmbedError> {
        let generated = self.generate()?;
        let out = match &self.out_file {
            Some(file) => file.clone(),
            None => {
                let dir = std::env::var_os("OUT_DIR").ok_or(EmbedError::Env { name: "OUT_DIR" })?;
                PathBuf::from(dir).join(OUTPUT_FILE)
            }
        };
        let io = |source| EmbedError::Io {
            path: out.clone(),
            source,
        };
        let unchanged = std::fs::read_to_string(&out).is_ok_and(|old| old == generated.source);
        if !unchanged {
            std::fs::write(&out, &generated.source).map_err(io)?;
        }
        for path in &generated.watched {
            println!("cargo:rerun-if-changed={}", path.display());
        }
        for (path, why) in &generated.skipped {
            println!(
                "cargo:warning=retort-build: not embedded: {}: {why}",
                path.display()
            );
        }
        Ok(out)
    }
}

/// True for editor backups and temporary files.
fn is_backup(name: &str) -> bool {
    name.ends_with('~')
        || (name.starts_with('#') && name.ends_with('#'))
        || [".bak", ".orig", ".rej", ".swp", ".swo", ".tmp"]
            .iter()
            .any(|ext| name.ends_with(ext))
}

fn walk(
    root: &Path,
    dir: &Path,
    found: &mut Vec<(String, PathBuf)>,
    generated: &mut Generated,
) -> Result<(), EmbedError> {
    let io = |path: &Path| {
        let path = path.to_owned();
        move |source| EmbedError::Io { path, source }
    };
    let mut entries = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        entries.push(entry.map_err(io(dir))?.path());
    }
    entries.sort();
    for path in entries {
        let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        // Follows symbolic links, as the loader on disk does.
        let meta = std::fs::metadata(&path).map_err(io(&path))?;
        if meta.is_dir() {
            generated.watched.push(path.clone());
            walk(root, &path, found, generated)?;
            continue;
        }
        if !meta.is_file() || is_backup(&name) {
            continue;
        }
        let rel = path.strip_prefix(root).unwrap_or(&path);
        let parts: Option<Vec<&str>> = rel.components().map(|c| c.as_os_str().to_str()).collect();
        let (Some(parts), Some(_)) = (parts, path.to_str()) else {
            generated
                .skipped
                .push((path.clone(), "its path is not UTF-8".to_owned()));
            continue;
        };
        let bytes = std::fs::read(&path).map_err(io(&path))?;
        if let Err(e) = std::str::from_utf8(&bytes) {
            generated.skipped.push((
                path.clone(),
                format!(
                    "not UTF-8 text (invalid byte at offset {})",
                    e.valid_up_to()
                ),
            ));
            continue;
        }
        generated.watched.push(path.clone());
        found.push((parts.join("/"), path));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder under the system's temporary folder.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new(name: &str) -> TempDir {
            let dir = std::env::temp_dir()
                .join(format!("retort-build-test-{name}-{}", std::process::id()));
            let _ = std::fs::remove_dir_all(&dir);
            std::fs::create_dir_all(&dir).unwrap();
            TempDir(dir)
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn write(path: &Path, contents: &[u8]) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, contents).unwrap();
    }

    #[test]
    fn writes_a_sorted_list_of_the_folder_and_skips_what_it_cannot_hold() {
        let tmp = TempDir::new("list");
        let m = tmp.0.join("migrations");
        write(&m.join("retort.toml"), b"url = \"sqlite://\"\n");
        write(
            &m.join("script.toml.j2"),
            b"revision = \"{{ up_revision }}\"\n",
        );
        write(&m.join("versions/2b_second.toml"), b"revision = \"2b\"\n");
        write(&m.join("versions/1a_first.toml"), b"revision = \"1a\"\n");
        write(&m.join("versions/sub/3c.toml"), b"revision = \"3c\"\n");
        write(&m.join("versions/1a_first.toml~"), b"old");
        write(&m.join("versions/.1a_first.toml.swp"), b"swap");
        write(&m.join("versions/#draft.toml#"), b"draft");
        write(&m.join(".git/config"), b"hidden");
        write(&m.join("logo.png"), &[0x89, b'P', b'N', b'G', 0xff]);
        let out = tmp.0.join("out.rs");
        let embed = Embed::new(&m).out_file(&out);
        let written = embed.run().unwrap();
        assert_eq!(written, out);
        let source = std::fs::read_to_string(&out).unwrap();
        let generated = embed.generate().unwrap();
        assert_eq!(generated.source, source);
        assert_eq!(
            generated.files,
            [
                "retort.toml",
                "script.toml.j2",
                "versions/1a_first.toml",
                "versions/2b_second.toml",
                "versions/sub/3c.toml",
            ]
        );
        let abs = |rel: &str| format!("{:?}", m.join(rel).display().to_string());
        assert!(source.starts_with("// @generated by retort-build from "));
        assert!(source.contains(&format!(
            "    retort_core::script::EmbeddedFile {{ path: \"versions/1a_first.toml\", contents: include_str!({}) }},\n",
            abs("versions/1a_first.toml")
        )));
        assert!(source.trim_end().ends_with("]"));
        assert_eq!(generated.skipped.len(), 1);
        assert_eq!(generated.skipped[0].0, m.join("logo.png"));
        assert!(generated.skipped[0].1.contains("not UTF-8"));
        // The folder, its sub-folders and every embedded file are watched.
        assert!(generated.watched.contains(&m));
        assert!(generated.watched.contains(&m.join("versions/sub")));
        assert!(generated.watched.contains(&m.join("versions/sub/3c.toml")));
        assert!(!generated.watched.contains(&m.join("logo.png")));
        // The same folder gives the same text; a crate path is honoured.
        assert_eq!(embed.generate().unwrap(), generated);
        let through_retort = Embed::new(&m)
            .crate_path("retort::core")
            .generate()
            .unwrap();
        assert!(
            through_retort
                .source
                .contains("retort::core::script::EmbeddedFile { path: \"retort.toml\"")
        );
    }

    #[test]
    fn a_folder_without_retort_toml_is_refused() {
        let tmp = TempDir::new("refused");
        let err = Embed::new(&tmp.0)
            .out_file(tmp.0.join("out.rs"))
            .run()
            .unwrap_err();
        assert!(matches!(err, EmbedError::NotMigrations { .. }));
        assert!(err.to_string().contains("has no retort.toml"), "{err}");
        assert!(!tmp.0.join("out.rs").exists());
    }
}
