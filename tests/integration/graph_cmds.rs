//! `heads`, `branches`, `history` and `show` on a graph written directly
//! (SPEC section 5). The expected texts are what Alembic 1.20 prints for the
//! same graph (with `.toml` files and relative paths); only the order of
//! `Branches into` and of a branch point's children, which Alembic takes
//! from a Python set, is retort's file order.

use serde_json::Value;

use crate::harness::{Project, rev};

/// The fixture graph:
///
/// ```text
/// a1b2c3d4e5f6  create account                 base
/// b7e2d4f10a93  add email                      branch point
/// c4f0a8e1d2b5  create audit log    (audit)    one branch, labelled
/// d9a3b6c2e8f1  add phone                      the other branch
/// e2c8f5a7b1d4  merge audit and phone          merge point of the two
/// f5d1e9b3c7a2  add orders                     head (inherits `audit`)
/// 0a9b8c7d6e5f  create reports      (reports)  second base and head,
///                                              depends on d9a3b6c2e8f1
/// ```
fn fixture() -> Project {
    let p = Project::init();
    p.add(&rev("a1b2c3d4e5f6").message("create account"));
    p.add(
        &rev("b7e2d4f10a93")
            .down(&["a1b2c3d4e5f6"])
            .message("add email"),
    );
    p.add(
        &rev("c4f0a8e1d2b5")
            .down(&["b7e2d4f10a93"])
            .labels(&["audit"])
            .message("create audit log"),
    );
    p.add(
        &rev("d9a3b6c2e8f1")
            .down(&["b7e2d4f10a93"])
            .message("add phone"),
    );
    p.add(
        &rev("e2c8f5a7b1d4")
            .down(&["c4f0a8e1d2b5", "d9a3b6c2e8f1"])
            .message("merge audit and phone"),
    );
    p.add(
        &rev("f5d1e9b3c7a2")
            .down(&["e2c8f5a7b1d4"])
            .message("add orders"),
    );
    p.add(
        &rev("0a9b8c7d6e5f")
            .labels(&["reports"])
            .depends(&["d9a3b6c2e8f1"])
            .message("create reports"),
    );
    p
}

/// The stdout of a successful `retort ARGS` on `p`, redacted.
fn text(p: &Project, args: &[&str]) -> String {
    p.redact(&p.ok(args).stdout)
}

#[test]
fn heads() {
    insta::assert_snapshot!(text(&fixture(), &["heads"]));
}

#[test]
fn heads_verbose() {
    insta::assert_snapshot!(text(&fixture(), &["heads", "--verbose"]));
}

/// On the fixture no head is depended on: the same heads.
#[test]
fn heads_resolve_dependencies() {
    let p = fixture();
    assert_eq!(
        text(&p, &["heads", "--resolve-dependencies"]),
        text(&p, &["heads"])
    );
}

/// A head that another revision depends on is an "effective head", and is
/// no head once dependencies count (Alembic's `_is_real_head`).
#[test]
fn effective_head_and_resolve_dependencies() {
    let p = Project::init();
    p.add(&rev("1111aaaa0000").message("one"));
    p.add(&rev("2222bbbb0000").down(&["1111aaaa0000"]).message("two"));
    p.add(
        &rev("3333cccc0000")
            .depends(&["2222bbbb0000"])
            .message("three"),
    );
    assert_eq!(
        text(&p, &["heads"]),
        "2222bbbb0000 (effective head)\n3333cccc0000 (head)\n"
    );
    assert_eq!(
        text(&p, &["heads", "--resolve-dependencies"]),
        "3333cccc0000 (head)\n"
    );
    assert_eq!(
        text(&p, &["history"]),
        "<base> (2222bbbb0000) -> 3333cccc0000 (head), three\n\
         1111aaaa0000 -> 2222bbbb0000 (effective head), two\n\
         <base> -> 1111aaaa0000, one\n"
    );
}

#[test]
fn branches() {
    insta::assert_snapshot!(text(&fixture(), &["branches"]));
}

#[test]
fn branches_verbose() {
    insta::assert_snapshot!(text(&fixture(), &["branches", "--verbose"]));
}

#[test]
fn history() {
    insta::assert_snapshot!(text(&fixture(), &["history"]));
}

#[test]
fn history_verbose() {
    insta::assert_snapshot!(text(&fixture(), &["history", "--verbose"]));
}

#[test]
fn history_from_base_to_a_revision() {
    insta::assert_snapshot!(text(&fixture(), &["history", "-r", "base:d9a3b6c2e8f1"]));
}

#[test]
fn history_from_a_revision_to_the_heads() {
    insta::assert_snapshot!(text(&fixture(), &["history", "-r", "d9a3b6c2e8f1:"]));
}

/// `--rev-range` is the long form of `-r`, and `:END` starts at base.
#[test]
fn history_long_option_and_open_start() {
    let p = fixture();
    assert_eq!(
        text(&p, &["history", "--rev-range", ":d9a3b6c2e8f1"]),
        text(&p, &["history", "-r", "base:d9a3b6c2e8f1"])
    );
}

#[test]
fn show_full_id() {
    insta::assert_snapshot!(text(&fixture(), &["show", "f5d1e9b3c7a2"]));
}

/// A unique prefix names the revision.
#[test]
fn show_partial_id() {
    let p = fixture();
    assert_eq!(
        text(&p, &["show", "f5d1"]),
        text(&p, &["show", "f5d1e9b3c7a2"])
    );
}

/// `audit` extends from c4f0a8e1d2b5 to its descendants.
#[test]
fn show_label_at_head() {
    let p = fixture();
    assert_eq!(
        text(&p, &["show", "audit@head"]),
        text(&p, &["show", "f5d1e9b3c7a2"])
    );
    insta::assert_snapshot!(text(&p, &["show", "reports@head"]));
}

#[test]
fn show_heads_shows_every_head() {
    insta::assert_snapshot!(text(&fixture(), &["show", "heads"]));
}

/// Checks the JSON object of one revision against the fixture's facts.
#[track_caller]
fn check_object(
    obj: &Value,
    id: &str,
    down: &[&str],
    labels: &[&str],
    deps: &[&str],
    message: &str,
    head: bool,
) {
    for key in [
        "revision",
        "down_revisions",
        "branch_labels",
        "depends_on",
        "message",
        "path",
        "is_head",
    ] {
        assert!(obj.get(key).is_some(), "key {key:?} missing in {obj:#}");
    }
    let expected = serde_json::json!({
        "revision": id,
        "down_revisions": down,
        "branch_labels": labels,
        "depends_on": deps,
        "message": message,
        "path": format!("migrations/versions/{id}.toml"),
        "is_head": head,
    });
    let got: serde_json::Map<String, Value> = obj
        .as_object()
        .unwrap_or_else(|| panic!("expected an object, got {obj:#}"))
        .iter()
        .filter(|(k, _)| expected.get(k.as_str()).is_some())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    assert_eq!(Value::Object(got), expected, "JSON of {id}");
}

fn json(p: &Project, args: &[&str]) -> Value {
    let run = p.ok(args);
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e})\n{}", run.describe()))
}

fn ids(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap_or_else(|| panic!("expected an array, got {v:#}"))
        .iter()
        .map(|o| o["revision"].as_str().unwrap_or("<no revision>"))
        .collect()
}

#[test]
fn heads_json() {
    let v = json(&fixture(), &["heads", "--format", "json"]);
    assert_eq!(ids(&v), ["0a9b8c7d6e5f", "f5d1e9b3c7a2"]);
    check_object(
        &v[0],
        "0a9b8c7d6e5f",
        &[],
        &["reports"],
        &["d9a3b6c2e8f1"],
        "create reports",
        true,
    );
    check_object(
        &v[1],
        "f5d1e9b3c7a2",
        &["e2c8f5a7b1d4"],
        &["audit"],
        &[],
        "add orders",
        true,
    );
}

#[test]
fn branches_json() {
    let v = json(&fixture(), &["branches", "--format", "json"]);
    assert_eq!(ids(&v), ["b7e2d4f10a93"]);
    check_object(
        &v[0],
        "b7e2d4f10a93",
        &["a1b2c3d4e5f6"],
        &[],
        &[],
        "add email",
        false,
    );
}

#[test]
fn history_json() {
    let v = json(&fixture(), &["history", "--format", "json"]);
    assert_eq!(
        ids(&v),
        [
            "0a9b8c7d6e5f",
            "f5d1e9b3c7a2",
            "e2c8f5a7b1d4",
            "c4f0a8e1d2b5",
            "d9a3b6c2e8f1",
            "b7e2d4f10a93",
            "a1b2c3d4e5f6"
        ],
        "the display order of `history`"
    );
    check_object(
        &v[2],
        "e2c8f5a7b1d4",
        &["c4f0a8e1d2b5", "d9a3b6c2e8f1"],
        &["audit"],
        &[],
        "merge audit and phone",
        false,
    );
    check_object(
        &v[6],
        "a1b2c3d4e5f6",
        &[],
        &[],
        &[],
        "create account",
        false,
    );
}

/// `show --format json` is always an array, of one revision here.
#[test]
fn show_json_of_one_revision_is_an_array_of_one() {
    let v = json(&fixture(), &["show", "c4f0a8e1d2b5", "--format", "json"]);
    assert_eq!(ids(&v), ["c4f0a8e1d2b5"]);
    check_object(
        &v[0],
        "c4f0a8e1d2b5",
        &["b7e2d4f10a93"],
        &["audit"],
        &[],
        "create audit log",
        false,
    );
}

#[test]
fn show_json_of_two_heads_is_an_array() {
    let v = json(&fixture(), &["show", "heads", "--format", "json"]);
    assert_eq!(ids(&v), ["0a9b8c7d6e5f", "f5d1e9b3c7a2"]);
}

#[test]
fn empty_project_prints_nothing() {
    let p = Project::init();
    for cmd in ["heads", "branches", "history"] {
        assert_eq!(
            p.ok(&[cmd]).stdout,
            "",
            "`retort {cmd}` on an empty project"
        );
        assert_eq!(
            json(&p, &[cmd, "--format", "json"]),
            serde_json::json!([]),
            "{cmd} --format json"
        );
    }
}

/// Every `*.toml` directly in a version location is a revision; other files
/// and sub-folders are not, unless `recursive_version_locations` is on.
#[test]
fn which_files_are_revisions() {
    let p = Project::init();
    p.add(&rev("aaaa00000001").message("top"));
    p.write("migrations/versions/notes.md", "not a revision\n");
    p.write(
        "migrations/versions/sub/bbbb00000001.toml",
        &rev("bbbb00000001")
            .down(&["aaaa00000001"])
            .message("nested")
            .to_toml(),
    );
    assert_eq!(text(&p, &["heads"]), "aaaa00000001 (head)\n");
    p.append(
        "migrations/retort.toml",
        "recursive_version_locations = true\n",
    );
    assert_eq!(text(&p, &["heads"]), "bbbb00000001 (head)\n");
}

#[test]
fn show_base_prints_nothing_like_alembic() {
    let p = fixture();
    let out = p.run(&["show", "base"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout, "");
    let out = p.run(&["show", "base", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(out.stdout.trim(), "[]");
}
