//! `retort graph` in every format (text, ASCII, DOT, Mermaid, JSON), as
//! insta snapshots, on a graph with two bases, a branch point, a merge
//! point, branch labels, `depends_on` and a lane crossing a connector; with
//! a range and with the database's current revisions marked.

use serde_json::Value;

use crate::harness::{Project, rev};

/// The fixture graph:
///
/// ```text
/// a1  init                      base
/// b2  users                     branch point (b3, c3, e3)
/// b3  orders
/// c3  tags
/// e3  audit                     its lane stays open across m4's
/// m4  merge orders and tags     merge point of b3 and c3
/// d5  after                     head
/// h4  audit more                head
/// s1  shop base      (shop)     second base
/// s2  shop items     (shop)     head, depends on b3
/// ```
fn fixture() -> Project {
    let p = Project::init();
    for r in [
        rev("a1").message("init"),
        rev("b2").down(&["a1"]).message("users"),
        rev("b3").down(&["b2"]).message("orders"),
        rev("c3").down(&["b2"]).message("tags"),
        rev("e3").down(&["b2"]).message("audit"),
        rev("m4")
            .down(&["b3", "c3"])
            .message("merge orders and tags"),
        rev("d5").down(&["m4"]).message("after"),
        rev("h4").down(&["e3"]).message("audit more"),
        rev("s1").labels(&["shop"]).message("shop base"),
        rev("s2")
            .down(&["s1"])
            .depends(&["b3"])
            .message("shop items"),
    ] {
        p.write(&format!("migrations/versions/{}.toml", r.id), &r.to_toml());
    }
    p
}

fn out(p: &Project, args: &[&str]) -> String {
    p.ok(args).stdout.clone()
}

#[test]
fn text() {
    insta::assert_snapshot!(out(&fixture(), &["graph"]));
}

#[test]
fn ascii() {
    insta::assert_snapshot!(out(&fixture(), &["graph", "--ascii"]));
}

#[test]
fn dot() {
    insta::assert_snapshot!(out(&fixture(), &["graph", "--format", "dot"]));
}

#[test]
fn mermaid() {
    insta::assert_snapshot!(out(&fixture(), &["graph", "--format", "mermaid"]));
}

#[test]
fn json() {
    let text = out(&fixture(), &["graph", "--format", "json"]);
    let value: Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(value["nodes"].as_array().map(Vec::len), Some(10));
    insta::assert_snapshot!(text);
}

#[test]
fn a_range_draws_a_window() {
    insta::assert_snapshot!(out(&fixture(), &["graph", "-r", "b2:m4"]));
}

#[test]
fn current_revisions_are_marked() {
    let p = fixture();
    p.ok(&["upgrade", "c3"]);
    p.ok(&["upgrade", "s1"]);
    let text = out(&p, &["graph", "-i"]);
    insta::assert_snapshot!(text);
    let json = out(&p, &["graph", "-i", "--format", "json"]);
    let value: Value = serde_json::from_str(&json).expect("JSON");
    assert_eq!(value["current"], serde_json::json!(["c3", "s1"]));
}

#[test]
fn an_empty_project_draws_nothing() {
    let p = Project::init();
    assert_eq!(out(&p, &["graph"]), "");
}

#[test]
fn a_bad_range_is_a_clear_error() {
    let p = fixture();
    let run = p.run(&["graph", "-r", "zz9:"]);
    run.code_is(1).stderr_has("zz9");
}
