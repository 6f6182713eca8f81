//! The revision graph: structure, labels, expressions, history order and
//! build errors. Cases are ported from Alembic's `tests/test_revision.py`
//! with their expected orders.

mod common;

use common::{graph, ids, rev};
use retort_core::Revision;
use retort_core::graph::{GraphError, ResolveError, RevisionGraph};

fn hist(g: &RevisionGraph, range: &str) -> Vec<String> {
    ids(g
        .history(Some(range))
        .unwrap_or_else(|e| panic!("history {range}: {e}")))
}

fn one(g: &RevisionGraph, expr: &str) -> Option<String> {
    g.resolve_one(expr)
        .unwrap_or_else(|e| panic!("resolve {expr}: {e}"))
        .map(|r| r.id.to_string())
}

fn labeled() -> RevisionGraph {
    graph(vec![
        rev("a", &[]).with_labels(&["abranch"]),
        rev("b", &["a"]),
        rev("somelongername", &["b"]),
        rev("c", &["somelongername"]),
        rev("d", &[]),
        rev("e", &["d"]).with_labels(&["ebranch"]),
        rev("someothername", &["e"]),
        rev("f", &["someothername"]),
    ])
}

fn diamond() -> RevisionGraph {
    graph(vec![
        rev("a", &[]),
        rev("b1", &["a"]),
        rev("b2", &["a"]),
        rev("c", &["b1", "b2"]),
        rev("d", &["c"]),
    ])
}

#[test]
fn linear_heads_bases_and_children() {
    let g = graph(vec![rev("a", &[]), rev("b", &["a"]), rev("c", &["b"])]);
    assert_eq!(g.len(), 3);
    assert!(!g.is_empty());
    assert_eq!(ids(g.heads()), ["c"]);
    assert_eq!(ids(g.bases()), ["a"]);
    assert_eq!(ids(g.children("a")), ["b"]);
    assert!(g.is_head("c") && !g.is_head("b"));
    assert_eq!(one(&g, "head").as_deref(), Some("c"));
    assert_eq!(one(&g, "base"), None);
    assert_eq!(ids(g.history(None).unwrap()), ["c", "b", "a"]);
    assert!(g.get("b").is_some() && g.get("zz").is_none());
}

#[test]
fn empty_graph() {
    let g = graph(vec![]);
    assert!(g.is_empty());
    assert!(g.heads().is_empty());
    assert!(g.resolve("heads").unwrap().is_empty());
    assert_eq!(one(&g, "head"), None);
    assert!(g.history(None).unwrap().is_empty());
}

#[test]
fn diamond_iteration_and_branch_points() {
    let g = diamond();
    assert_eq!(hist(&g, "a:d"), ["d", "c", "b1", "b2", "a"]);
    assert_eq!(ids(g.branch_points()), ["a"]);
    assert!(g.is_branch_point("a"));
    assert!(g.get("c").unwrap().is_merge_point());
}

#[test]
fn multiple_heads_head_is_an_error_naming_them() {
    let g = graph(vec![
        rev("a", &[]),
        rev("b", &["a"]),
        rev("c1", &["b"]),
        rev("c2", &["b"]),
    ]);
    assert_eq!(ids(g.heads()), ["c1", "c2"]);
    match g.resolve_one("head") {
        Err(ResolveError::MultipleHeads { argument, heads }) => {
            assert_eq!(argument, "head");
            assert_eq!(heads.to_string(), "c1, c2");
        }
        other => panic!("expected MultipleHeads, got {other:?}"),
    }
    assert!(matches!(
        g.resolve("head"),
        Err(ResolveError::MultipleHeads { .. })
    ));
    assert!(matches!(
        g.resolve_one("heads"),
        Err(ResolveError::MultipleHeads { .. })
    ));
    assert_eq!(ids(g.resolve("heads").unwrap()), ["c1", "c2"]);
    let msg = g.resolve_one("head").unwrap_err().to_string();
    assert!(msg.contains("'heads'") && msg.contains("@head"), "{msg}");
}

#[test]
fn labels_and_branch_at_syntax() {
    let g = labeled();
    assert_eq!(one(&g, "abranch@head").as_deref(), Some("c"));
    assert_eq!(one(&g, "abranch@base"), None);
    assert_eq!(one(&g, "ebranch@head").as_deref(), Some("f"));
    assert_eq!(one(&g, "ebranch@d").as_deref(), Some("d"));
    assert_eq!(one(&g, "ebranch@ebranch").as_deref(), Some("e"));
    assert_eq!(one(&g, "abranch").as_deref(), Some("a"));
    assert_eq!(one(&g, "ebranch").as_deref(), Some("e"));
    assert_eq!(one(&g, "abranch@heads").as_deref(), Some("c"));
    assert_eq!(one(&g, "ebranch@some").as_deref(), Some("someothername"));
    assert_eq!(one(&g, "abranch@some").as_deref(), Some("somelongername"));
    assert_eq!(one(&g, "e").as_deref(), Some("e"));
    assert_eq!(one(&g, "e@d").as_deref(), Some("d"));
    assert_eq!(one(&g, "someoth@d").as_deref(), Some("d"));
}

#[test]
fn labels_propagate_along_the_branch() {
    let g = labeled();
    // Down to descendants, and down to the base when the branch is unbranched.
    for id in ["a", "b", "somelongername", "c"] {
        assert_eq!(g.branch_labels(id), ["abranch"], "{id}");
    }
    for id in ["d", "e", "someothername", "f"] {
        assert_eq!(g.branch_labels(id), ["ebranch"], "{id}");
    }
    // Not below a branch point.
    let g = graph(vec![
        rev("a", &[]),
        rev("b", &["a"]),
        rev("c1", &["b"]).with_labels(&["one"]),
        rev("d1", &["c1"]),
        rev("c2", &["b"]),
    ]);
    assert!(g.branch_labels("b").is_empty());
    assert_eq!(g.branch_labels("d1"), ["one"]);
    assert!(g.branch_labels("c2").is_empty());
}

#[test]
fn label_errors() {
    let g = labeled();
    let err = g.resolve("ebranch@b").unwrap_err();
    assert_eq!(
        err,
        ResolveError::NotInBranch {
            id: "b".into(),
            label: "ebranch".into()
        }
    );
    assert!(
        err.to_string()
            .starts_with("Revision b is not a member of branch 'ebranch'")
    );
    assert!(matches!(
        g.resolve("abranch@d"),
        Err(ResolveError::NotInBranch { .. })
    ));
    assert_eq!(
        g.resolve("x@d").unwrap_err(),
        ResolveError::NoSuchBranch { label: "x".into() }
    );
    let err = g.resolve("abranch@qprstuv").unwrap_err();
    assert!(
        err.to_string()
            .starts_with("No such revision or branch 'qprstuv'"),
        "{err}"
    );
    let err = g.resolve("ebranch@sos").unwrap_err().to_string();
    assert!(err.contains("at least four characters"), "{err}");
}

#[test]
fn prefixes() {
    let g = graph(vec![
        rev("abcdef01", &[]),
        rev("abcdef02", &["abcdef01"]),
        rev("ffff0000", &["abcdef02"]),
    ]);
    assert_eq!(one(&g, "ffff").as_deref(), Some("ffff0000"));
    assert_eq!(one(&g, "ff").as_deref(), Some("ffff0000"));
    assert_eq!(one(&g, "abcdef01").as_deref(), Some("abcdef01"));
    match g.resolve("abcd") {
        Err(ResolveError::AmbiguousPrefix { prefix, candidates }) => {
            assert_eq!(prefix, "abcd");
            assert_eq!(candidates.to_string(), "abcdef01, abcdef02");
        }
        other => panic!("expected AmbiguousPrefix, got {other:?}"),
    }
    assert!(matches!(
        g.resolve("zzzz"),
        Err(ResolveError::UnknownRevision { .. })
    ));
}

#[test]
fn relative_expressions() {
    let g = graph(vec![
        rev("a", &[]),
        rev("b", &["a"]),
        rev("c", &["b"]),
        rev("d", &["c"]),
    ]);
    assert_eq!(one(&g, "head-1").as_deref(), Some("c"));
    assert_eq!(one(&g, "-2").as_deref(), Some("b"));
    assert_eq!(one(&g, "+1").as_deref(), Some("a"));
    assert_eq!(one(&g, "b+2").as_deref(), Some("d"));
    assert_eq!(one(&g, "c-1").as_deref(), Some("b"));
    assert_eq!(one(&g, "a-1"), None);
    assert_eq!(one(&g, "base+3").as_deref(), Some("c"));
    assert_eq!(
        g.resolve("-5").unwrap_err(),
        ResolveError::RelativeOutOfRange {
            relative: "-5".into(),
            steps: 5
        }
    );
    assert!(matches!(
        g.resolve("c+5"),
        Err(ResolveError::RelativeOutOfRange { .. })
    ));
    // Across a merge point a walk down is ambiguous.
    let d = diamond();
    assert!(matches!(
        d.resolve("c-1"),
        Err(ResolveError::AmbiguousWalk { .. })
    ));
    assert!(matches!(
        d.resolve("a+1"),
        Err(ResolveError::AmbiguousWalk { .. })
    ));
    assert_eq!(one(&d, "head-1").as_deref(), Some("c"));
}

#[test]
fn labeled_relative_walks() {
    let g = labeled();
    assert_eq!(hist(&g, "ebranch@-2:heads"), ["f", "someothername", "e"]);
    assert_eq!(hist(&g, "base:ebranch@+2"), ["e", "d"]);
    assert_eq!(one(&g, "ebranch@+1").as_deref(), Some("d"));
    assert_eq!(one(&g, "ebranch@head-2").as_deref(), Some("e"));
}

#[test]
fn history_ranges_with_labels() {
    let g = labeled();
    assert_eq!(
        hist(&g, "ebranch@base:heads"),
        ["f", "someothername", "e", "d"]
    );
    assert_eq!(
        hist(&g, "abranch@base:heads"),
        ["c", "somelongername", "b", "a"]
    );
    assert_eq!(
        hist(&g, "base:ebranch@head"),
        ["f", "someothername", "e", "d"]
    );
    assert_eq!(hist(&g, ":abranch@head"), ["c", "somelongername", "b", "a"]);
    assert_eq!(hist(&g, "ebranch@head:heads"), ["f"]);
    assert_eq!(hist(&g, "ebranch@d:"), ["f", "someothername", "e", "d"]);
    assert_eq!(hist(&g, "e@base:heads"), ["f", "someothername", "e", "d"]);
    assert_eq!(hist(&g, "c@base:heads"), ["c", "somelongername", "b", "a"]);
    assert!(matches!(
        g.history(Some("abc")),
        Err(ResolveError::Malformed { .. })
    ));
}

#[test]
fn long_short_branch_order() {
    let g = graph(vec![
        rev("a", &[]),
        rev("b1", &["a"]),
        rev("b2", &["a"]),
        rev("c1", &["b1"]),
        rev("d11", &["c1"]),
        rev("d12", &["c1"]),
    ]);
    assert_eq!(
        hist(&g, "base:heads"),
        ["b2", "d11", "d12", "c1", "b1", "a"]
    );
    assert_eq!(ids(g.branch_points()), ["c1", "a"]);
}

fn multiple_branch() -> RevisionGraph {
    graph(vec![
        rev("a", &[]),
        rev("b1", &["a"]),
        rev("b2", &["a"]),
        rev("cb1", &["b1"]),
        rev("cb2", &["b2"]),
        rev("d1cb1", &["cb1"]),
        rev("d2cb1", &["cb1"]),
        rev("d1cb2", &["cb2"]),
        rev("d2cb2", &["cb2"]),
        rev("d3cb2", &["cb2"]),
        rev("d1d2cb2", &["d1cb2", "d2cb2"]),
    ])
}

#[test]
fn multiple_branch_orders_and_range_errors() {
    let g = multiple_branch();
    assert_eq!(
        hist(&g, "a:d1d2cb2"),
        ["d1d2cb2", "d1cb2", "d2cb2", "cb2", "b2", "a"]
    );
    assert_eq!(hist(&g, "a:d3cb2"), ["d3cb2", "cb2", "b2", "a"]);
    assert_eq!(hist(&g, "base:d3cb2"), ["d3cb2", "cb2", "b2", "a"]);
    let err = g.history(Some("d1cb1:b1")).unwrap_err();
    assert_eq!(
        err,
        ResolveError::RangeNotAncestor {
            start: "d1cb1".into(),
            end: "b1".into()
        }
    );
    assert!(matches!(
        g.history(Some("b1:d2cb2")),
        Err(ResolveError::RangeNotAncestor { .. })
    ));
    assert!(matches!(
        g.history(Some("d1cb1:base")),
        Err(ResolveError::RangeNotAncestor { .. })
    ));
}

fn travelling() -> RevisionGraph {
    graph(vec![
        rev("a1", &[]),
        rev("a2", &["a1"]),
        rev("a3", &["a2"]),
        rev("b1", &["a3"]),
        rev("b2", &["a3"]),
        rev("cb1", &["b1"]),
        rev("cb2", &["b2"]),
        rev("db1", &["cb1"]),
        rev("db2", &["cb2"]),
        rev("e1b1", &["db1"]),
        rev("fe1b1", &["e1b1"]),
        rev("e2b1", &["db1"]),
        rev("e2b2", &["db2"]),
        rev("merge", &["e2b1", "e2b2"]),
    ])
}

#[test]
fn branch_travelling_orders() {
    let g = travelling();
    assert_eq!(
        hist(&g, "a1:merge"),
        [
            "merge", "e2b1", "db1", "cb1", "b1", "e2b2", "db2", "cb2", "b2", "a3", "a2", "a1"
        ]
    );
    assert_eq!(hist(&g, "b1:merge"), ["merge", "e2b1", "db1", "cb1", "b1"]);
    assert_eq!(
        hist(&g, "a2:merge"),
        [
            "merge", "e2b1", "db1", "cb1", "b1", "e2b2", "db2", "cb2", "b2", "a3", "a2"
        ]
    );
    assert_eq!(
        hist(&g, "a1:"),
        [
            "fe1b1", "e1b1", "merge", "e2b1", "db1", "cb1", "b1", "e2b2", "db2", "cb2", "b2", "a3",
            "a2", "a1"
        ]
    );
    assert_eq!(
        hist(&g, "base:fe1b1"),
        ["fe1b1", "e1b1", "db1", "cb1", "b1", "a3", "a2", "a1"]
    );
}

#[test]
fn multiple_bases_order() {
    let g = graph(vec![
        rev("base1", &[]),
        rev("base2", &[]),
        rev("base3", &[]),
        rev("a1a", &["base1"]),
        rev("a1b", &["base1"]),
        rev("a2", &["base2"]),
        rev("a3", &["base3"]),
        rev("b1a", &["a1a"]),
        rev("b1b", &["a1b"]),
        rev("b2", &["a2"]),
        rev("b3", &["a3"]),
        rev("c2", &["b2"]),
        rev("d2", &["c2"]),
        rev("mergeb3d2", &["b3", "d2"]),
    ]);
    assert_eq!(ids(g.bases()), ["base1", "base2", "base3"]);
    let all = [
        "b1a",
        "a1a",
        "b1b",
        "a1b",
        "base1",
        "mergeb3d2",
        "b3",
        "a3",
        "base3",
        "d2",
        "c2",
        "b2",
        "a2",
        "base2",
    ];
    assert_eq!(hist(&g, "base:heads"), all);
    assert_eq!(ids(g.history(None).unwrap()), all);
    assert_eq!(hist(&g, "base3:b3"), ["b3", "a3", "base3"]);
    assert_eq!(hist(&g, "c2:heads"), ["mergeb3d2", "d2", "c2"]);
}

fn cross_dependency_one() -> RevisionGraph {
    graph(vec![
        rev("base1", &[]).with_labels(&["b_1"]),
        rev("a1a", &["base1"]),
        rev("a1b", &["base1"]),
        rev("b1a", &["a1a"]),
        rev("b1b", &["a1b"]).with_depends_on(&["a3"]),
        rev("base2", &[]).with_labels(&["b_2"]),
        rev("a2", &["base2"]),
        rev("b2", &["a2"]),
        rev("c2", &["b2"]).with_depends_on(&["a3"]),
        rev("d2", &["c2"]),
        rev("base3", &[]).with_labels(&["b_3"]),
        rev("a3", &["base3"]),
        rev("b3", &["a3"]),
    ])
}

#[test]
fn cross_dependencies_heads_and_orders() {
    let g = cross_dependency_one();
    assert_eq!(ids(g.heads()), ["b1a", "b1b", "d2", "b3"]);
    assert_eq!(
        hist(&g, "base:heads"),
        [
            "b1a", "a1a", "b1b", "a1b", "base1", "d2", "c2", "b2", "a2", "base2", "b3", "a3",
            "base3"
        ]
    );
    assert_eq!(
        hist(&g, "base:b_2@head"),
        ["d2", "c2", "b2", "a2", "base2", "a3", "base3"]
    );
    assert_eq!(hist(&g, "base:b_3@head"), ["b3", "a3", "base3"]);
    assert_eq!(
        hist(&g, "base:b1b@head"),
        ["b1b", "a1b", "base1", "a3", "base3"]
    );
    assert_eq!(
        hist(&g, "b_2@base:heads"),
        ["d2", "c2", "b2", "a2", "base2", "a3", "base3"]
    );
    assert_eq!(hist(&g, "b_3@base:heads"), ["b3", "a3", "base3"]);
    assert!(matches!(
        g.history(Some("d2:b2")),
        Err(ResolveError::RangeNotAncestor { .. })
    ));
    assert!(matches!(
        g.history(Some("d2:b3")),
        Err(ResolveError::RangeNotAncestor { .. })
    ));
}

#[test]
fn cross_dependency_two_and_three() {
    let g = graph(vec![
        rev("base1", &[]).with_labels(&["b_1"]),
        rev("a1", &["base1"]),
        rev("b1", &["a1"]),
        rev("c1", &["b1"]),
        rev("base2", &[])
            .with_depends_on(&["b_1"])
            .with_labels(&["b_2"]),
        rev("a2", &["base2"]),
        rev("b2", &["a2"]),
        rev("c2", &["b2"]),
        rev("d2", &["c2"]),
        rev("base3", &[]).with_labels(&["b_3"]),
        rev("a3", &["base3"]),
        rev("b3", &["a3"]),
        rev("c3", &["b3"]).with_depends_on(&["b2"]),
        rev("d3", &["c3"]),
    ]);
    assert_eq!(ids(g.heads()), ["c1", "d2", "d3"]);
    assert_eq!(
        hist(&g, "base:heads"),
        [
            "c1", "b1", "a1", "d2", "c2", "d3", "c3", "b3", "a3", "base3", "b2", "a2", "base2",
            "base1"
        ]
    );
    assert_eq!(
        hist(&g, "base:b_2@head"),
        ["d2", "c2", "b2", "a2", "base2", "base1"]
    );
    assert_eq!(hist(&g, "base:b_1@head"), ["c1", "b1", "a1", "base1"]);
    assert_eq!(hist(&g, "b_1@base:heads"), ["c1", "b1", "a1", "base1"]);
    assert_eq!(
        hist(&g, "b_3@base:heads"),
        [
            "d3", "c3", "b3", "a3", "base3", "b2", "a2", "base2", "base1"
        ]
    );
    let g = graph(vec![
        rev("base1", &[]),
        rev("a1", &["base1"]),
        rev("b1", &["a1"]),
        rev("c2", &[]).with_depends_on(&["a1"]),
        rev("c3", &["c2"]),
    ]);
    assert_eq!(hist(&g, "base:heads"), ["b1", "c3", "c2", "a1", "base1"]);
}

#[test]
fn depends_on_by_id_label_and_prefix() {
    let g = graph(vec![
        rev("a1aaaa", &[]).with_labels(&["lib"]),
        rev("b1", &["a1aaaa"]),
        rev("x", &[]).with_depends_on(&["lib"]),
        rev("y", &["x"]).with_depends_on(&["b1"]),
        rev("z", &["y"]).with_depends_on(&["a1aa"]),
    ]);
    assert_eq!(ids(g.dependencies("x")), ["a1aaaa"]);
    assert_eq!(ids(g.dependencies("y")), ["b1"]);
    assert_eq!(ids(g.dependencies("z")), ["a1aaaa"]);
    // b1 is a head for `heads` but not once dependencies count.
    assert_eq!(ids(g.heads()), ["b1", "z"]);
    assert_eq!(ids(g.heads_resolving_dependencies()), ["z"]);
    assert_eq!(ids(g.resolve("heads").unwrap()), ["z"]);
}

#[test]
fn normalized_dependencies_order() {
    let g = graph(vec![
        rev("user_foo", &[]),
        rev("user", &["user_foo"]).with_depends_on(&["user_foo"]),
    ]);
    assert_eq!(hist(&g, ":"), ["user", "user_foo"]);
    let g = graph(vec![
        rev("user_foo", &[]),
        rev("user", &[]).with_depends_on(&["user_foo"]),
    ]);
    assert_eq!(hist(&g, ":"), ["user", "user_foo"]);
}

fn err(revs: Vec<Revision>) -> GraphError {
    RevisionGraph::new(revs).expect_err("graph must be refused")
}

#[test]
fn build_errors() {
    let mut r1 = rev("a", &[]);
    r1.path = "versions/a_one.toml".into();
    let mut r2 = rev("a", &[]);
    r2.path = "versions/a_two.toml".into();
    let e = err(vec![r1, r2]);
    assert!(matches!(e, GraphError::DuplicateId { .. }));
    let msg = e.to_string();
    assert!(
        msg.contains("a_one.toml") && msg.contains("a_two.toml"),
        "{msg}"
    );

    let e = err(vec![rev("a", &[]), rev("b", &["zz"])]);
    assert!(matches!(e, GraphError::MissingParent { .. }));
    assert!(e.to_string().contains("zz"));
    assert!(matches!(
        err(vec![rev("a", &[]).with_depends_on(&["nope"])]),
        GraphError::MissingDependency { .. }
    ));
    assert!(matches!(
        err(vec![
            rev("abcd1", &[]),
            rev("abcd2", &[]),
            rev("c", &[]).with_depends_on(&["abcd"])
        ]),
        GraphError::AmbiguousDependency { .. }
    ));
    assert!(matches!(
        err(vec![rev("a", &["a"])]),
        GraphError::SelfLoop { .. }
    ));
    assert!(matches!(
        err(vec![rev("a", &[]), rev("b", &["a", "b"])]),
        GraphError::SelfLoop { .. }
    ));
    assert!(matches!(
        err(vec![rev("a", &[]).with_depends_on(&["a"])]),
        GraphError::DependencySelfLoop { .. }
    ));
    let e = err(vec![
        rev("a", &[]),
        rev("b", &["a"]).with_labels(&["x"]),
        rev("c", &["b"]).with_labels(&["x"]),
    ]);
    assert!(matches!(e, GraphError::DuplicateBranchLabel { .. }));
    assert!(
        e.to_string().starts_with("Branch name 'x' in revision c"),
        "{e}"
    );
    assert!(matches!(
        err(vec![rev("a", &[]), rev("b", &["a"]).with_labels(&["a"])]),
        GraphError::LabelIsRevisionId { .. }
    ));
}

#[test]
fn cycle_errors_name_the_revisions() {
    let cycle = |revs: Vec<Revision>| match err(revs) {
        GraphError::Cycle { ids } => ids.to_string(),
        other => panic!("expected a cycle, got {other:?}"),
    };
    let dep_cycle = |revs: Vec<Revision>| match err(revs) {
        GraphError::DependencyCycle { ids } => ids.to_string(),
        other => panic!("expected a dependency cycle, got {other:?}"),
    };
    assert_eq!(
        cycle(vec![rev("a", &["c"]), rev("b", &["a"]), rev("c", &["b"])]),
        "a, b, c"
    );
    assert_eq!(
        cycle(vec![
            rev("a", &["c"]),
            rev("b", &["a"]),
            rev("c", &["b"]),
            rev("d", &[]),
            rev("e", &["d"])
        ]),
        "a, b, c"
    );
    assert_eq!(
        cycle(vec![
            rev("a", &[]),
            rev("b", &["a"]),
            rev("c", &["b", "e"]),
            rev("d", &["c"]),
            rev("e", &["d"])
        ]),
        "c, d, e"
    );
    // A cycle entered through a merge point, which Alembic's check misses.
    assert_eq!(
        cycle(vec![
            rev("x", &[]),
            rev("c1", &["x", "c2"]),
            rev("c2", &["c1"]),
            rev("h", &["c2"])
        ]),
        "c1, c2"
    );
    assert_eq!(
        dep_cycle(vec![
            rev("a", &[]).with_depends_on(&["c"]),
            rev("b", &["a"]),
            rev("c", &["b"])
        ]),
        "a, b, c"
    );
    assert_eq!(
        dep_cycle(vec![
            rev("a", &[]),
            rev("b", &["a"]),
            rev("c", &["b"]).with_depends_on(&["e"]),
            rev("d", &["c"]),
            rev("e", &["d"]),
        ]),
        "c, d, e"
    );
    let msg = err(vec![rev("a", &["b"]), rev("b", &["a"])]).to_string();
    assert!(
        msg.starts_with("Cycle is detected in revisions (a, b)"),
        "{msg}"
    );
}

#[test]
fn long_chain_builds_without_recursion() {
    let n = 100_000;
    let revs: Vec<Revision> = (0..n)
        .map(|i| {
            let id = format!("r{i:06}");
            if i == 0 {
                rev(&id, &[])
            } else {
                rev(&id, &[&format!("r{:06}", i - 1)])
            }
        })
        .collect();
    let mut revs = revs;
    revs[0].branch_labels = vec!["main".into()];
    let g = graph(revs);
    assert_eq!(ids(g.heads()), [format!("r{:06}", n - 1)]);
    assert_eq!(g.branch_labels(&format!("r{:06}", n - 1)), ["main"]);
    assert_eq!(g.history(None).unwrap().len(), n);
    let plan = g.plan_upgrade(&[], "heads").unwrap();
    assert_eq!(plan.steps.len(), n);
    assert_eq!(one(&g, "r099900").as_deref(), Some("r099900"));
    assert!(matches!(
        g.resolve("r09990"),
        Err(ResolveError::AmbiguousPrefix { .. })
    ));
    assert_eq!(one(&g, "head-99999").as_deref(), Some("r000000"));
}
