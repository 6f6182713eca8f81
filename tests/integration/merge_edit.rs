//! `retort merge` and `retort edit` (SPEC section 5).

use crate::harness::{Project, Run, assert_clean_failure, toml_value};
use crate::revision::generated;

/// `aaaa00000001` with two children, `bbbb00000001` and `cccc00000001`: two heads.
fn two_heads() -> Project {
    let p = Project::init();
    p.ok(&["revision", "-m", "base", "--rev-id", "aaaa00000001"]);
    p.ok(&["revision", "-m", "left", "--rev-id", "bbbb00000001"]);
    p.ok(&[
        "revision",
        "-m",
        "right",
        "--rev-id",
        "cccc00000001",
        "--head",
        "aaaa00000001",
        "--splice",
    ]);
    p
}

#[test]
fn merge_heads_joins_the_heads() {
    let p = two_heads();
    let run = p.ok(&[
        "merge",
        "heads",
        "-m",
        "merge left and right",
        "--rev-id",
        "dddd00000001",
    ]);
    assert_eq!(
        generated(&run),
        "migrations/versions/dddd00000001_merge_left_and_right.toml"
    );
    let text = p.version_file("dddd00000001");
    insta::assert_snapshot!(p.redact(&text));
    assert_eq!(
        toml_value(&text, "down_revision"),
        Some("[\"bbbb00000001\", \"cccc00000001\"]"),
        "{text}"
    );
    assert_eq!(p.ok(&["heads"]).stdout, "dddd00000001 (head)\n");
    let history = p.ok(&["history"]).stdout;
    assert_eq!(
        history.lines().next(),
        Some(
            "bbbb00000001, cccc00000001 -> dddd00000001 (head) (mergepoint), merge left and right"
        ),
        "{history}"
    );
    // With one head again, a plain `revision` works.
    p.ok(&["revision", "-m", "after", "--rev-id", "eeee00000001"]);
}

#[test]
fn merge_named_revisions() {
    let p = two_heads();
    p.ok(&[
        "merge",
        "cccc00000001",
        "bbbb00000001",
        "--rev-id",
        "dddd00000001",
    ]);
    let text = p.version_file("dddd00000001");
    assert_eq!(
        toml_value(&text, "down_revision"),
        Some("[\"cccc00000001\", \"bbbb00000001\"]"),
        "parents in the order given:\n{text}"
    );
}

/// Unique id prefixes.
#[test]
fn merge_partial_ids() {
    let p = two_heads();
    p.ok(&["merge", "bbbb", "cccc", "--rev-id", "dddd00000001"]);
    let text = p.version_file("dddd00000001");
    assert_eq!(
        toml_value(&text, "down_revision"),
        Some("[\"bbbb00000001\", \"cccc00000001\"]"),
        "{text}"
    );
}

#[test]
fn merge_with_a_branch_label() {
    let p = two_heads();
    p.ok(&[
        "merge",
        "heads",
        "--branch-label",
        "joined",
        "--rev-id",
        "dddd00000001",
    ]);
    let text = p.version_file("dddd00000001");
    assert_eq!(
        toml_value(&text, "branch_labels"),
        Some("[\"joined\"]"),
        "{text}"
    );
    assert_eq!(p.ok(&["heads"]).stdout, "dddd00000001 (joined) (head)\n");
}

#[test]
fn merge_of_one_revision_is_refused() {
    let p = two_heads();
    let before = p.tree();
    p.fails(&["merge", "bbbb00000001"])
        .stderr_has("bbbb00000001");
    p.fails(&["merge", "bbbb00000001", "bbbb00000001"]);
    p.assert_unchanged(&before);
}

#[test]
fn merge_heads_with_a_single_head_is_refused() {
    let p = Project::init();
    p.ok(&["revision", "-m", "only", "--rev-id", "aaaa00000001"]);
    let before = p.tree();
    p.fails(&["merge", "heads", "-m", "nothing to merge"]);
    p.assert_unchanged(&before);
}

/// Alembic's merge does not splice: every revision merged must be a head.
#[test]
fn merge_of_a_non_head_is_refused() {
    let p = two_heads();
    let before = p.tree();
    p.fails(&["merge", "aaaa00000001", "bbbb00000001"])
        .stderr_has("aaaa00000001");
    p.assert_unchanged(&before);
}

#[test]
fn merge_without_revisions_is_a_usage_error() {
    let p = two_heads();
    p.fails(&["merge"]);
}

/// A project with one revision, `aaaa00000001_first.toml`.
fn one_revision() -> Project {
    let p = Project::init();
    p.ok(&["revision", "-m", "first", "--rev-id", "aaaa00000001"]);
    p
}

const FILE: &str = "migrations/versions/aaaa00000001_first.toml";

/// `retort edit REV` with the given editor variables.
fn edit(p: &Project, rev: &str, vars: &[(&str, &str)]) -> Run {
    let args = ["edit", rev];
    let mut cmd = p.command(&args);
    for (k, v) in vars {
        cmd.env(k, v);
    }
    p.run_command(cmd, &args)
}

#[test]
fn edit_opens_the_file_in_editor() {
    let p = one_revision();
    let editor = p.script("editor.sh", "echo '# edited by EDITOR' >> \"$1\"");
    let before = p.read(FILE);
    let run = edit(&p, "aaaa00000001", &[("EDITOR", editor.to_str().unwrap())]);
    run.code_is(0);
    assert_eq!(p.read(FILE), format!("{before}# edited by EDITOR\n"));
}

#[test]
fn edit_head() {
    let p = one_revision();
    let editor = p.script("editor.sh", "echo '# edited' >> \"$1\"");
    edit(&p, "head", &[("EDITOR", editor.to_str().unwrap())]).code_is(0);
    assert!(p.read(FILE).ends_with("# edited\n"));
}

/// Unique id prefixes.
#[test]
fn edit_partial_id() {
    let p = one_revision();
    let editor = p.script("editor.sh", "echo '# edited' >> \"$1\"");
    edit(&p, "aaaa", &[("EDITOR", editor.to_str().unwrap())]).code_is(0);
    assert!(p.read(FILE).ends_with("# edited\n"));
}

#[test]
fn editor_command_may_have_arguments() {
    let p = one_revision();
    let editor = p.script("editor.sh", "echo \"# edited with $1\" >> \"$2\"");
    let command = format!("{} --flag", editor.display());
    edit(&p, "aaaa00000001", &[("EDITOR", &command)]).code_is(0);
    assert!(
        p.read(FILE).ends_with("# edited with --flag\n"),
        "{}",
        p.read(FILE)
    );
}

/// `$EDITOR` is split as a shell would: a quoted program path with a space
/// and a quoted argument with spaces each stay one word (`code --wait`).
#[test]
fn editor_command_is_split_like_a_shell() {
    let p = one_revision();
    let editor = p.script("my editor.sh", "echo \"# edited with [$1] [$2]\" >> \"$3\"");
    let command = format!("'{}' --wait \"two words\"", editor.display());
    edit(&p, "aaaa00000001", &[("EDITOR", &command)]).code_is(0);
    assert!(
        p.read(FILE)
            .ends_with("# edited with [--wait] [two words]\n"),
        "{}",
        p.read(FILE)
    );
}

/// An unclosed quote in `$VISUAL` is an error naming the variable, and
/// nothing is run or changed.
#[test]
fn editor_command_with_an_unclosed_quote_names_the_variable() {
    let p = one_revision();
    let editor = p.script("editor.sh", "echo '# edited' >> \"$1\"");
    let before = p.tree();
    let visual = format!("{} 'unclosed", editor.display());
    let run = edit(
        &p,
        "aaaa00000001",
        &[("VISUAL", &visual), ("EDITOR", editor.to_str().unwrap())],
    );
    assert_clean_failure(&run);
    run.stderr_has("$VISUAL").stderr_has("close the quote");
    p.assert_unchanged(&before);
}

#[test]
fn visual_takes_precedence_over_editor() {
    let p = one_revision();
    let visual = p.script("visual.sh", "echo '# by VISUAL' >> \"$1\"");
    let editor = p.script("editor.sh", "echo '# by EDITOR' >> \"$1\"");
    edit(
        &p,
        "aaaa00000001",
        &[
            ("VISUAL", visual.to_str().unwrap()),
            ("EDITOR", editor.to_str().unwrap()),
        ],
    )
    .code_is(0);
    let text = p.read(FILE);
    assert!(
        text.ends_with("# by VISUAL\n") && !text.contains("# by EDITOR"),
        "{text}"
    );
}

#[test]
fn edit_without_an_editor_says_how_to_set_one() {
    let p = one_revision();
    // No $VISUAL, no $EDITOR, and none of the usual editors on PATH.
    std::fs::create_dir_all(p.path("empty-bin")).expect("mkdir");
    let before = p.tree();
    let empty = p.path("empty-bin");
    let run = edit(&p, "aaaa00000001", &[("PATH", empty.to_str().unwrap())]);
    assert_clean_failure(&run);
    run.stderr_has("EDITOR").stderr_has("sensible-editor");
    p.assert_unchanged(&before);
}

#[test]
fn edit_without_visual_or_editor_uses_the_usual_editors_on_path() {
    // As Alembic: sensible-editor, editor, nano, vim, ... from PATH.
    let p = one_revision();
    std::fs::create_dir_all(p.path("bin")).expect("mkdir");
    let nano = p.script("bin/nano", "echo '# edited by nano' >> \"$1\"");
    let bin = nano.parent().unwrap().to_str().unwrap().to_owned();
    let path = format!("{bin}:/usr/bin:/bin");
    // Only when the earlier names are not on PATH either.
    let earlier = ["sensible-editor", "editor"].iter().any(|e| {
        std::path::Path::new("/usr/bin").join(e).exists()
            || std::path::Path::new("/bin").join(e).exists()
    });
    let path = if earlier { bin.clone() } else { path };
    let before = p.read(FILE);
    let run = edit(&p, "aaaa00000001", &[("PATH", &path)]);
    run.code_is(0);
    assert_eq!(p.read(FILE), format!("{before}# edited by nano\n"));
}

#[test]
fn editor_that_breaks_the_file_is_reported_with_file_and_line() {
    let p = one_revision();
    let lines = p.read(FILE).lines().count();
    let editor = p.script("editor.sh", "echo 'broken = = 1' >> \"$1\"");
    let run = edit(&p, "aaaa00000001", &[("EDITOR", editor.to_str().unwrap())]);
    assert_clean_failure(&run);
    run.stderr_has(&format!("{FILE}:{}:", lines + 1));
}

#[test]
fn editor_that_fails_is_reported() {
    let p = one_revision();
    let editor = p.script("editor.sh", "exit 4");
    let run = edit(&p, "aaaa00000001", &[("EDITOR", editor.to_str().unwrap())]);
    assert_clean_failure(&run);
    run.stderr_has(FILE);
}

#[test]
fn edit_of_an_unknown_revision_is_refused() {
    let p = one_revision();
    let editor = p.script("editor.sh", "echo '# edited' >> \"$1\"");
    let run = edit(&p, "nosuch", &[("EDITOR", editor.to_str().unwrap())]);
    assert_clean_failure(&run);
    run.stderr_has("nosuch");
}
