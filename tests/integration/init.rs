//! `retort init` and `retort list-templates` (SPEC section 2).

use crate::harness::Project;

const GENERIC_CONFIG: &str = include_str!("../../crates/retort-core/templates/generic/retort.toml");
const GENERIC_SCRIPT: &str =
    include_str!("../../crates/retort-core/templates/generic/script.toml.j2");
const GENERIC_README: &str = include_str!("../../crates/retort-core/templates/generic/README.md");
const MULTIDB_CONFIG: &str = include_str!("../../crates/retort-core/templates/multidb/retort.toml");

#[test]
fn init_writes_the_project_layout() {
    let p = Project::empty();
    let run = p.ok(&["init"]);
    insta::assert_snapshot!("init_stdout", p.redact(&run.stdout));
    assert_eq!(p.read("migrations/retort.toml"), GENERIC_CONFIG);
    assert_eq!(p.read("migrations/script.toml.j2"), GENERIC_SCRIPT);
    assert_eq!(p.read("migrations/README.md"), GENERIC_README);
    assert!(
        p.path("migrations/versions").is_dir(),
        "versions/ is a folder"
    );
    assert_eq!(
        p.version_files(),
        Vec::<String>::new(),
        "versions/ starts empty"
    );
    // A fresh project is usable at once: no heads, no history.
    assert_eq!(p.ok(&["heads"]).stdout, "");
    assert_eq!(p.ok(&["history"]).stdout, "");
}

#[test]
fn init_in_an_existing_empty_directory_works() {
    let p = Project::empty();
    std::fs::create_dir(p.path("migrations")).unwrap();
    p.ok(&["init"]);
    assert_eq!(p.read("migrations/retort.toml"), GENERIC_CONFIG);
}

#[test]
fn init_refuses_a_non_empty_directory_and_changes_nothing() {
    let p = Project::empty();
    p.write("migrations/notes.txt", "mine\n");
    let before = p.tree();
    let run = p.fails(&["init"]);
    run.stderr_has("not empty").stderr_has("migrations");
    p.assert_unchanged(&before);
}

#[test]
fn init_twice_refuses_and_keeps_the_first_project() {
    let p = Project::init();
    p.append("migrations/retort.toml", "# my edit\n");
    let before = p.tree();
    p.fails(&["init", "--multidb"]).stderr_has("not empty");
    p.assert_unchanged(&before);
}

#[test]
fn every_multidb_spelling_uses_the_multidb_template() {
    for args in [
        &["init", "--multidb"][..],
        &["init", "--multi"],
        &["init", "-m"],
        &["init", "--template", "multidb"],
    ] {
        let p = Project::empty();
        p.ok(args);
        assert_eq!(
            p.read("migrations/retort.toml"),
            MULTIDB_CONFIG,
            "`retort {}` should write the multidb configuration",
            args.join(" ")
        );
    }
}

#[test]
fn multidb_revisions_are_keyed_by_database() {
    let p = Project::empty();
    p.ok(&["init", "--multidb"]);
    p.ok(&["revision", "-m", "first", "--rev-id", "aaaa00000001"]);
    let text = p.version_file("aaaa00000001");
    for db in ["main", "secondary"] {
        assert!(
            text.contains(&format!("[[upgrade.{db}]]")),
            "no [[upgrade.{db}]] hint in:\n{text}"
        );
        assert!(
            text.contains(&format!("[[downgrade.{db}]]")),
            "no [[downgrade.{db}]] hint in:\n{text}"
        );
    }
}

#[test]
fn unknown_template_names_the_available_ones_and_writes_nothing() {
    let p = Project::empty();
    let run = p.fails(&["init", "--template", "nosuch"]);
    run.stderr_has("nosuch")
        .stderr_has("generic")
        .stderr_has("multidb");
    p.assert_unchanged(&Default::default());
}

#[test]
fn template_and_multidb_together_are_a_usage_error() {
    let p = Project::empty();
    p.fails(&["init", "--multidb", "--template", "generic"]);
    p.assert_unchanged(&Default::default());
}

#[test]
fn directory_option_puts_the_project_elsewhere() {
    let p = Project::empty();
    p.ok(&["-d", "other", "init"])
        .stdout_has("other/retort.toml");
    assert_eq!(p.read("other/retort.toml"), GENERIC_CONFIG);
    assert!(p.path("other/versions").is_dir());
    assert!(
        !p.path("migrations").exists(),
        "the default folder must not be created"
    );
    p.ok(&[
        "-d",
        "other",
        "revision",
        "-m",
        "first",
        "--rev-id",
        "bbbb00000001",
    ]);
    assert_eq!(p.files_in("other/versions"), ["bbbb00000001_first.toml"]);
}

#[test]
fn quiet_init_prints_nothing() {
    let p = Project::empty();
    let run = p.ok(&["-q", "init"]);
    assert_eq!(run.stdout, "", "{}", run.describe());
    assert!(p.path("migrations/retort.toml").is_file());
}

#[test]
fn list_templates() {
    let p = Project::empty();
    let run = p.ok(&["list-templates"]);
    insta::assert_snapshot!("list_templates", run.stdout);
}

/// `init` has git ignore the template's local SQLite databases and
/// retort's lock files: a new `.gitignore`, or the lines an existing one
/// lacks; after `upgrade`, `git status` shows no database file.
#[test]
fn init_writes_a_gitignore_for_local_databases() {
    let p = Project::empty();
    p.ok(&["init"]).stdout_has("Creating .gitignore ... done");
    let ignore = p.read(".gitignore");
    for line in [
        "/app.db",
        "/app.db-journal",
        "/app.db-wal",
        "/app.db-shm",
        "*-retort.lock",
    ] {
        assert!(ignore.lines().any(|l| l == line), "{line} in\n{ignore}");
    }

    // An existing .gitignore keeps its lines and gets only what it lacks.
    let q = Project::empty();
    q.write(".gitignore", "target\n/main.db\n");
    q.ok(&["init", "--multidb", "-q"]);
    let ignore = q.read(".gitignore");
    assert!(ignore.starts_with("target\n/main.db\n"), "{ignore}");
    assert_eq!(ignore.matches("/main.db\n").count(), 1, "{ignore}");
    assert!(ignore.contains("/secondary.db-wal\n"), "{ignore}");
    // A second init elsewhere adds nothing more.
    q.ok(&["init", "other", "--multidb", "-q"]);
    assert_eq!(q.read(".gitignore"), ignore);

    // git sees no database and no lock file after a run.
    if std::process::Command::new("git")
        .arg("--version")
        .output()
        .is_ok()
    {
        let git = |args: &[&str]| {
            std::process::Command::new("git")
                .args(args)
                .current_dir(p.root())
                .output()
                .expect("run git")
        };
        git(&["init", "-q"]);
        p.add(&crate::harness::rev("a1").message("one"));
        p.ok(&["upgrade"]);
        assert!(p.path("app.db").exists());
        let status =
            String::from_utf8_lossy(&git(&["status", "--porcelain", "-uall"]).stdout).into_owned();
        assert!(
            !status.contains("app.db") && !status.contains("retort.lock"),
            "{status}"
        );
    }
}
