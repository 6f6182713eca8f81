//! Failures: every one exits 1 with a one-paragraph `error:` on stderr that
//! says what is wrong and where, never a panic or a backtrace (SPEC section
//! 5). `Project::fails` checks the exit code, the `error:` prefix and the
//! absence of a panic or backtrace; each test checks what the message names.

use crate::harness::{Project, rev};

const BAD: &str = "migrations/versions/bad.toml";

/// A project with a good revision and `bad.toml` holding `text`; `heads`
/// must fail naming the bad file.
fn bad_file(text: &str) -> crate::harness::Run {
    bad_file_on(text, "heads")
}

/// As [`bad_file`], with the command to run. Read-only commands read only
/// the revision headers (the keys before the operations); the commands that
/// write revisions read whole files and check the operations.
fn bad_file_on(text: &str, command: &str) -> crate::harness::Run {
    let p = Project::init();
    p.add(&rev("aaaa00000001").message("good"));
    p.write(BAD, text);
    p.fails(&[command])
}

#[test]
fn malformed_toml_names_path_line_and_column() {
    bad_file("revision = \"bbbb00000001\"\nmessage = \"unterminated\n")
        .stderr_has(&format!("{BAD}:2:"));
}

#[test]
fn missing_revision_key() {
    bad_file("message = \"no id\"\n")
        .stderr_has(&format!("{BAD}:1:1"))
        .stderr_has("revision");
}

#[test]
fn empty_revision_file() {
    bad_file("").stderr_has(BAD).stderr_has("revision");
}

#[test]
fn unknown_key_names_it() {
    bad_file("revision = \"bbbb00000001\"\ndown_revison = \"aaaa00000001\"\n")
        .stderr_has(&format!("{BAD}:2:1"))
        .stderr_has("down_revison");
}

#[test]
fn wrong_type_names_the_key() {
    bad_file("revision = \"bbbb00000001\"\nmessage = 3\n")
        .stderr_has(&format!("{BAD}:2:11"))
        .stderr_has("message");
}

#[test]
fn wrong_type_in_down_revision_array() {
    bad_file("revision = \"bbbb00000001\"\ndown_revision = [\"aaaa00000001\", 7]\n")
        .stderr_has(&format!("{BAD}:2:"))
        .stderr_has("down_revision");
}

#[test]
fn unknown_op_names_it_and_its_place() {
    bad_file_on(
        "revision = \"bbbb00000001\"\n\n[[upgrade]]\nop = \"frobnicate\"\ntable = \"t\"\n",
        "revision",
    )
    .stderr_has(&format!("{BAD}:4:"))
    .stderr_has("frobnicate");
}

#[test]
fn operation_without_op() {
    bad_file_on(
        "revision = \"bbbb00000001\"\n\n[[downgrade]]\ntable = \"t\"\n",
        "revision",
    )
    .stderr_has(&format!("{BAD}:"))
    .stderr_has("op");
}

#[test]
fn revision_id_with_a_space() {
    bad_file("revision = \"bbbb 0001\"\n").stderr_has(&format!("{BAD}:1:"));
}

/// Duplicate ids are found when the graph is built.
#[test]
fn duplicate_revision_ids_name_both_files() {
    let p = Project::init();
    p.write(
        "migrations/versions/one.toml",
        "revision = \"aaaa00000001\"\n",
    );
    p.write(
        "migrations/versions/two.toml",
        "revision = \"aaaa00000001\"\n",
    );
    p.fails(&["heads"])
        .stderr_has("aaaa00000001")
        .stderr_has("migrations/versions/one.toml")
        .stderr_has("migrations/versions/two.toml");
}

#[test]
fn missing_parent_names_it() {
    let p = Project::init();
    p.add(&rev("aaaa00000001").down(&["ffff00000009"]));
    p.fails(&["history"])
        .stderr_has("aaaa00000001")
        .stderr_has("ffff00000009");
}

#[test]
fn missing_dependency_names_it() {
    let p = Project::init();
    p.add(&rev("aaaa00000001").depends(&["nosuchlabel"]));
    p.fails(&["heads"])
        .stderr_has("aaaa00000001")
        .stderr_has("nosuchlabel");
}

#[test]
fn cycle_names_the_revisions() {
    let p = Project::init();
    p.add(&rev("aaaa00000001"));
    p.add(&rev("bbbb00000001").down(&["dddd00000001"]));
    p.add(&rev("cccc00000001").down(&["bbbb00000001"]));
    p.add(&rev("dddd00000001").down(&["cccc00000001"]));
    p.fails(&["heads"])
        .stderr_has("ycle")
        .stderr_has("bbbb00000001")
        .stderr_has("cccc00000001")
        .stderr_has("dddd00000001");
}

#[test]
fn self_loop_is_a_cycle() {
    let p = Project::init();
    p.add(&rev("aaaa00000001").down(&["aaaa00000001"]));
    p.fails(&["heads"]).stderr_has("aaaa00000001");
}

#[test]
fn duplicate_branch_label_names_it() {
    let p = Project::init();
    p.add(&rev("aaaa00000001").labels(&["audit"]));
    p.add(&rev("bbbb00000001").labels(&["audit"]));
    p.fails(&["branches"]).stderr_has("audit");
}

#[test]
fn unknown_revision_in_show() {
    let p = Project::init();
    p.add(&rev("aaaa00000001"));
    p.fails(&["show", "ffff00000009"])
        .stderr_has("ffff00000009");
}

/// The error names every candidate.
#[test]
fn ambiguous_partial_id_names_the_candidates() {
    let p = Project::init();
    p.add(&rev("abcd11110000"));
    p.add(&rev("abcd22220000").down(&["abcd11110000"]));
    p.fails(&["show", "abcd"])
        .stderr_has("abcd11110000")
        .stderr_has("abcd22220000");
}

/// `head` with two heads is ambiguous.
#[test]
fn head_with_two_heads_names_them() {
    let p = Project::init();
    p.add(&rev("aaaa00000001"));
    p.add(&rev("bbbb00000001"));
    p.fails(&["show", "head"])
        .stderr_has("aaaa00000001")
        .stderr_has("bbbb00000001");
}

#[test]
fn unknown_branch_label() {
    let p = Project::init();
    p.add(&rev("aaaa00000001").labels(&["audit"]));
    p.fails(&["show", "nolabel@head"]).stderr_has("nolabel");
}

#[test]
fn history_range_without_a_colon() {
    let p = Project::init();
    p.add(&rev("aaaa00000001"));
    p.fails(&["history", "-r", "nocolon"]).stderr_has("nocolon");
}

#[test]
fn history_range_naming_nothing() {
    let p = Project::init();
    p.add(&rev("aaaa00000001"));
    p.fails(&["history", "-r", "ffff00000009:"])
        .stderr_has("ffff00000009");
}

#[test]
fn no_project_says_to_run_init() {
    let p = Project::empty();
    for cmd in ["heads", "history", "branches", "revision"] {
        p.fails(&[cmd]).stderr_has("retort init");
    }
    p.assert_unchanged(&Default::default());
}

#[test]
fn directory_option_naming_nothing() {
    let p = Project::init();
    p.fails(&["-d", "nowhere", "heads"]).stderr_has("nowhere");
}

#[test]
fn config_option_naming_nothing() {
    let p = Project::init();
    p.fails(&["-c", "nowhere/retort.toml", "heads"])
        .stderr_has("nowhere");
}

#[test]
fn bad_config_key_names_the_line() {
    let p = Project::init();
    let lines = p.read("migrations/retort.toml").lines().count();
    p.append(
        "migrations/retort.toml",
        "version_locaitons = [\"versions\"]\n",
    );
    p.fails(&["heads"])
        .stderr_has(&format!("migrations/retort.toml:{}:", lines + 1))
        .stderr_has("version_locaitons");
}

#[test]
fn bad_config_value_names_the_line() {
    let p = Project::init();
    p.write(
        "migrations/retort.toml",
        "url = \"sqlite://\"\ntruncate_slug_length = \"long\"\n",
    );
    p.fails(&["heads"]).stderr_has("migrations/retort.toml:2:");
}

#[test]
fn bad_file_template_names_the_token() {
    let p = Project::init();
    p.write(
        "migrations/retort.toml",
        "file_template = \"{rev}_{nope}\"\n",
    );
    p.fails(&["revision"])
        .stderr_has("migrations/retort.toml:1:")
        .stderr_has("{nope}");
}

#[test]
fn unknown_subcommand_exits_1() {
    Project::empty()
        .fails(&["frobnicate"])
        .stderr_has("frobnicate");
}

#[test]
fn unknown_flag_exits_1() {
    let p = Project::init();
    p.fails(&["heads", "--frobnicate"])
        .stderr_has("--frobnicate");
    p.fails(&["--frobnicate", "heads"])
        .stderr_has("--frobnicate");
}

#[test]
fn missing_argument_exits_1() {
    Project::init().fails(&["show"]);
}

#[test]
fn unknown_format_exits_1() {
    Project::init()
        .fails(&["heads", "--format", "yaml"])
        .stderr_has("yaml");
}

#[test]
fn no_subcommand_exits_1() {
    let run = Project::empty().run(&[]);
    run.code_is(1);
    assert!(!run.stderr.contains("panicked"), "{}", run.describe());
}

#[test]
fn help_and_version_exit_0() {
    let p = Project::empty();
    p.ok(&["--help"])
        .stdout_has("Usage:")
        .stdout_has("revision");
    p.ok(&["heads", "--help"])
        .stdout_has("--resolve-dependencies");
    p.ok(&["--version"]).stdout_has("retort");
}
