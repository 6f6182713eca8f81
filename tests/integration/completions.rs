//! The packaging helpers of the binary: `retort completions SHELL` and the
//! hidden `retort generate-man DIR`, both generated from the clap definition.

use std::process::{Command, Stdio};

use crate::harness::Project;

/// Whether `program` can be run (`program --version` starts).
fn have(program: &str) -> bool {
    Command::new(program)
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok()
}

#[test]
fn completions_for_every_shell_name_the_commands() {
    let p = Project::empty();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let run = p.ok(&["completions", shell]);
        assert!(
            run.stdout.len() > 1000,
            "a short script\n{}",
            run.describe()
        );
        // fish spells the option `-l directory`, the others `--directory`.
        run.stdout_has("upgrade")
            .stdout_has("downgrade")
            .stdout_has("directory");
        assert_eq!(run.stderr, "", "{}", run.describe());
    }
}

#[test]
fn completions_for_bash_parse() {
    if !have("bash") {
        eprintln!("no bash here: the syntax check is skipped");
        return;
    }
    let p = Project::empty();
    let script = p.path("retort.bash");
    std::fs::write(&script, p.ok(&["completions", "bash"]).stdout).unwrap();
    let out = Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "bash -n refused the script: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn completions_refuse_an_unknown_shell() {
    Project::empty()
        .run(&["completions", "tcsh"])
        .code_is(1)
        .stderr_has("invalid value 'tcsh'");
}

#[test]
fn completions_are_not_part_of_a_mounted_command_set() {
    // An application mounting `db` generates its own completions; the
    // binary's helpers must not show up as `myapp db completions`.
    use clap::Args;
    let db = retort::cli::DbCommand::augment_args(clap::Command::new("db"));
    let names: Vec<&str> = db.get_subcommands().map(|c| c.get_name()).collect();
    assert!(names.contains(&"upgrade"), "{names:?}");
    assert!(!names.contains(&"completions"), "{names:?}");
    assert!(!names.contains(&"generate-man"), "{names:?}");
}

#[test]
fn man_pages_are_written_for_the_binary_and_each_command() {
    let p = Project::empty();
    let run = p.ok(&["generate-man", "man/man1"]);
    let dir = p.path("man/man1");
    let mut pages: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    pages.sort();
    for page in [
        "retort.1",
        "retort-upgrade.1",
        "retort-init.1",
        "retort-completions.1",
    ] {
        assert!(pages.iter().any(|p| p == page), "{page} missing: {pages:?}");
        run.stdout_has(page);
    }
    // No page for clap's `help` nor for the hidden command itself.
    assert!(!pages.iter().any(|p| p.contains("help")), "{pages:?}");
    assert!(
        !pages.iter().any(|p| p.contains("generate-man")),
        "{pages:?}"
    );
    assert_eq!(
        run.stdout.lines().count(),
        pages.len(),
        "{}",
        run.describe()
    );

    let main = std::fs::read_to_string(dir.join("retort.1")).unwrap();
    assert!(main.contains(".TH retort 1 "), "{main}");
    assert!(main.contains("retort\\-upgrade(1)"), "{main}");
    let upgrade = std::fs::read_to_string(dir.join("retort-upgrade.1")).unwrap();
    assert!(upgrade.contains(".TH retort-upgrade 1 "), "{upgrade}");
    // The global options are documented on each command's page too.
    assert!(upgrade.contains("\\-\\-directory"), "{upgrade}");

    if have("groff") {
        for page in ["retort.1", "retort-upgrade.1"] {
            let out = Command::new("groff")
                .args(["-man", "-Tutf8", "-ww", "-z"])
                .arg(dir.join(page))
                .output()
                .unwrap();
            assert!(
                out.status.success() && out.stderr.is_empty(),
                "groff on {page}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    } else {
        eprintln!("no groff here: the pages are checked by their .TH header only");
    }
}

#[test]
fn generate_man_is_hidden_from_help() {
    let run = Project::empty().ok(&["--help"]);
    run.stdout_has("completions");
    assert!(!run.stdout.contains("generate-man"), "{}", run.describe());
}
