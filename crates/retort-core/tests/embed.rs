//! An embedded migrations folder loads as the same folder on disk does:
//! the same revisions in the same order, the same graph and the same
//! checksums; errors name the embedded file and line.

use std::path::{Path, PathBuf};

use retort_core::script::{Depth, EmbeddedFile, init_project, template};
use retort_core::{Revision, ScriptDirectory};

/// Every file under `dir`, as an application's binary would carry it
/// (the strings are leaked to be `'static`).
fn embed(dir: &Path) -> Vec<EmbeddedFile> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<EmbeddedFile>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .components()
                    .map(|c| c.as_os_str().to_str().unwrap())
                    .collect::<Vec<_>>()
                    .join("/");
                let text = std::fs::read_to_string(&path).unwrap();
                out.push(EmbeddedFile {
                    path: Box::leak(rel.into_boxed_str()),
                    contents: Box::leak(text.into_boxed_str()),
                });
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    // The order of the list does not matter.
    out.reverse();
    out
}

fn revision(id: &str, down: &[&str], extra: &str) -> String {
    let down = match down {
        [] => String::new(),
        [one] => format!("down_revision = \"{one}\"\n"),
        many => format!(
            "down_revision = [{}]\n",
            many.iter()
                .map(|d| format!("\"{d}\""))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    format!(
        "# {id}\nrevision = \"{id}\"\n{down}message = \"revision {id}\"\ncreate_date = \"2026-01-02 03:04:05\"\n{extra}\n\
         [[upgrade]]\nop = \"execute\"\nsql = \"SELECT '{id}'\"\n\n[[downgrade]]\nop = \"execute\"\nsql = \"SELECT 'undo {id}'\"\n"
    )
}

/// A project made by `init`, with a branch, a merge, a dependency and files
/// the loader must skip (hidden, not TOML, in a sub-folder).
fn project(root: &Path) -> PathBuf {
    let dir = root.join("migrations");
    init_project(&dir, template("generic").unwrap()).unwrap();
    let v = dir.join("versions");
    let files = [
        ("1a_base.toml", revision("1a", &[], "")),
        ("2b_users.toml", revision("2b", &["1a"], "")),
        (
            "3c_audit.toml",
            revision("3c", &["1a"], "branch_labels = [\"audit\"]"),
        ),
        (
            "0d_merge.toml",
            revision("4d", &["2b", "3c"], "depends_on = [\"audit\"]"),
        ),
        (".5e_hidden.toml", revision("5e", &["4d"], "")),
        ("notes.md", "not a revision".to_owned()),
    ];
    for (name, text) in files {
        std::fs::write(v.join(name), text).unwrap();
    }
    std::fs::create_dir_all(v.join("sub")).unwrap();
    std::fs::write(v.join("sub/6f_nested.toml"), revision("6f", &["4d"], "")).unwrap();
    dir
}

/// A revision's content, with its path relative to its folder.
fn key(r: &Revision, dir: &Path) -> Revision {
    let mut r = r.clone();
    r.path = r.path.strip_prefix(dir).unwrap().to_owned();
    r
}

fn assert_same(disk: &ScriptDirectory, embedded: &ScriptDirectory) {
    let on_disk: Vec<Revision> = disk.graph.revisions().map(|r| key(r, &disk.dir)).collect();
    let in_binary: Vec<Revision> = embedded
        .graph
        .revisions()
        .map(|r| key(r, &embedded.dir))
        .collect();
    assert_eq!(on_disk, in_binary);
    assert!(in_binary.iter().all(|r| r.checksum.is_some()));
    let ids = |g: Vec<&Revision>| g.iter().map(|r| r.id.to_string()).collect::<Vec<_>>();
    assert_eq!(ids(disk.graph.heads()), ids(embedded.graph.heads()));
    assert_eq!(ids(disk.graph.bases()), ids(embedded.graph.bases()));
    let mut config = embedded.config.clone();
    config.path = disk.config.path.clone();
    assert_eq!(config, disk.config);
}

#[test]
fn embedded_folder_loads_as_the_folder_on_disk() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = project(tmp.path());
    let disk = ScriptDirectory::open(&dir, None, Depth::Full).unwrap();
    let embedded = ScriptDirectory::from_embedded(&embed(&dir)).unwrap();
    assert_same(&disk, &embedded);
    assert_eq!(disk.graph.len(), 4);
    assert_eq!(
        embedded.graph.get("4d").unwrap().path,
        Path::new("<embedded>/versions/0d_merge.toml")
    );
    assert_eq!(embedded.config.path, Path::new("<embedded>/retort.toml"));
}

#[test]
fn recursive_and_several_version_locations() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = project(tmp.path());
    std::fs::create_dir_all(dir.join("more/deeper")).unwrap();
    std::fs::write(dir.join("more/deeper/7g.toml"), revision("7g", &["6f"], "")).unwrap();
    std::fs::write(dir.join("more/8h.toml"), revision("8h", &["1a"], "")).unwrap();
    let config = dir.join("retort.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!(
            "version_locations = [\"versions\", \"./more/../more\"]\nrecursive_version_locations = true\n{text}"
        ),
    )
    .unwrap();
    let disk = ScriptDirectory::open(&dir, None, Depth::Full).unwrap();
    let embedded = ScriptDirectory::from_embedded(&embed(&dir)).unwrap();
    assert_same(&disk, &embedded);
    let order: Vec<&str> = embedded.graph.revisions().map(|r| r.id.as_str()).collect();
    assert_eq!(order.len(), 7);
}

#[test]
fn the_configuration_callback_runs_before_the_files_are_picked() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = project(tmp.path());
    let files = embed(&dir);
    let embedded = ScriptDirectory::from_embedded_with(&files, |config| {
        config.recursive_version_locations = true;
        config.version_table = "app_versions".into();
        Ok(())
    })
    .unwrap();
    assert_eq!(embedded.graph.len(), 5);
    assert_eq!(embedded.config.version_table, "app_versions");
    let err = ScriptDirectory::from_embedded_with(&files, |_| Err("no url for prod".into()))
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "<embedded>/retort.toml: a configuration callback refused it: no url for prod"
    );
    let err = ScriptDirectory::from_embedded_with(&files, |config| {
        config.version_locations = vec!["../elsewhere".into()];
        Ok(())
    })
    .unwrap_err()
    .to_string();
    assert!(
        err.starts_with("<embedded>/../elsewhere: this version location is outside"),
        "{err}"
    );
}

#[test]
fn errors_name_the_embedded_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = project(tmp.path());
    let mut files = embed(&dir);
    files.push(EmbeddedFile {
        path: "versions/9z_bad.toml",
        contents: "revision = \"9z\"\nmessage = \"bad\"\ndown_revision = 5\n",
    });
    let err = ScriptDirectory::from_embedded(&files)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("<embedded>/versions/9z_bad.toml:3:"),
        "{err}"
    );

    let mut files = embed(&dir);
    let config = files.iter_mut().find(|f| f.path == "retort.toml").unwrap();
    config.contents = "url = \"sqlite://\"\nversion_locaitons = []\n";
    let err = ScriptDirectory::from_embedded(&files)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("<embedded>/retort.toml:2:1: unknown field `version_locaitons`"),
        "{err}"
    );

    let files: Vec<EmbeddedFile> = embed(&dir)
        .into_iter()
        .filter(|f| f.path != "retort.toml")
        .collect();
    let err = ScriptDirectory::from_embedded(&files)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("<embedded>/retort.toml: no retort.toml among the"),
        "{err}"
    );

    let mut files = embed(&dir);
    files.push(EmbeddedFile {
        path: "versions/../x.toml",
        contents: "",
    });
    let err = ScriptDirectory::from_embedded(&files)
        .unwrap_err()
        .to_string();
    assert!(err.contains("'..'"), "{err}");

    // The graph's own errors, as on disk.
    let mut files = embed(&dir);
    files.push(EmbeddedFile {
        path: "versions/9y_orphan.toml",
        contents: "revision = \"9y\"\ndown_revision = \"nope\"\n",
    });
    let err = ScriptDirectory::from_embedded(&files)
        .unwrap_err()
        .to_string();
    assert!(err.contains("nope"), "{err}");
}
