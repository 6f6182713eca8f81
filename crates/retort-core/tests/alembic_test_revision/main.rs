//! Alembic 1.20.1's `tests/test_revision.py`, ported: revision expressions
//! (relative steps with and without branch labels, `label@...`, prefixes),
//! `iterate_revisions` ranges (history and the upgrade and downgrade
//! selections) over branches, merges, several bases and `depends_on`, and
//! `_get_all_current`. Each test is named after the Alembic test it ports
//! (module = Alembic test class) and asserts Alembic's expected values.
//!
//! Left out: tests of Alembic internals retort does not expose
//! (`add_revision`, `filter_for_lineage`, `_get_base_revisions`,
//! `_normalized_down_revisions`, a deliberately corrupted map) and the
//! cycle and loop detection tests (ported in `graph.rs`).

#[path = "../common/mod.rs"]
mod common;

use common::{graph, ids, rev};
use retort_core::Revision;
use retort_core::graph::{GraphError, IterateOptions, PlanError, ResolveError, RevisionGraph};

/// `iterate_revisions(upper, lower, ...)` as ids.
fn iterate(
    g: &RevisionGraph,
    upper: &[&str],
    lower: &[&str],
    opts: IterateOptions,
) -> Result<Vec<String>, PlanError> {
    g.iterate_revisions(upper, lower, opts).map(ids)
}

/// `DownIterateTest._assert_iteration`: inclusive unless told otherwise
/// (the helper's default), no implicit base, upgrade selection.
fn opts() -> IterateOptions {
    IterateOptions {
        inclusive: true,
        ..IterateOptions::default()
    }
}

#[track_caller]
fn assert_iteration(g: &RevisionGraph, upper: &[&str], lower: &[&str], expected: &[&str]) {
    assert_iteration_with(g, upper, lower, expected, opts());
}

#[track_caller]
fn assert_iteration_with(
    g: &RevisionGraph,
    upper: &[&str],
    lower: &[&str],
    expected: &[&str],
    opts: IterateOptions,
) {
    let got = iterate(g, upper, lower, opts)
        .unwrap_or_else(|e| panic!("iterate_revisions({upper:?}, {lower:?}): {e}"));
    assert_eq!(
        got, expected,
        "iterate_revisions({upper:?}, {lower:?}, {opts:?})"
    );
    // Alembic also checks the partial order: no revision is listed before
    // one of its ancestors (parents and dependencies included).
    for (k, below) in got.iter().enumerate() {
        let ancestors = ids(g.history(Some(&format!(":{below}"))).expect("history"));
        if let Some(above) = got[..k].iter().find(|id| ancestors.contains(id)) {
            panic!("{above} is listed before {below}, which is one of its descendants");
        }
    }
}

fn resolve_ids(g: &RevisionGraph, expr: &str) -> Vec<String> {
    ids(g
        .resolve(expr)
        .unwrap_or_else(|e| panic!("resolve {expr}: {e}")))
}

fn one(g: &RevisionGraph, expr: &str) -> Option<String> {
    g.resolve_one(expr)
        .unwrap_or_else(|e| panic!("resolve {expr}: {e}"))
        .map(|r| r.id.to_string())
}

fn resolve_err(g: &RevisionGraph, expr: &str) -> ResolveError {
    match g.resolve_one(expr) {
        Ok(r) => panic!("resolve {expr}: expected an error, got {r:?}"),
        Err(e) => e,
    }
}

fn iterate_err(g: &RevisionGraph, upper: &[&str], lower: &[&str]) -> ResolveError {
    match iterate(g, upper, lower, IterateOptions::default()) {
        Ok(r) => panic!("iterate_revisions({upper:?}, {lower:?}): expected an error, got {r:?}"),
        Err(PlanError::Resolve(e)) => e,
        Err(e) => panic!("iterate_revisions({upper:?}, {lower:?}): {e}"),
    }
}

/// `RevisionError: Revision LOWER is not an ancestor of revision UPPER`.
#[track_caller]
fn assert_not_ancestor(g: &RevisionGraph, upper: &[&str], lower: &[&str], l: &str, u: &str) {
    match iterate_err(g, upper, lower) {
        ResolveError::RangeNotAncestor { start, end } => {
            assert_eq!((start.as_str(), end.as_str()), (l, u));
        }
        e => panic!("expected RangeNotAncestor, got {e:?}"),
    }
}

/// `Revision(id, down, dependencies=deps)`.
fn dep(id: &str, parents: &[&str], deps: &[&str]) -> Revision {
    rev(id, parents).with_depends_on(deps)
}

mod alembic_test_revision {
    use super::*;
    mod bases;
    mod basics;
    mod branches;
    mod maps;
}

/// `RevisionMap._get_all_current(ids)` (what `alembic current` lists): the
/// expected sets were computed with Alembic 1.20.1.
mod alembic_get_all_current {
    use super::*;
    use retort_core::RevisionId;

    fn all_current(g: &RevisionGraph, rows: &[&str]) -> Vec<String> {
        let rows: Vec<RevisionId> = rows.iter().map(|r| RevisionId::new(*r)).collect();
        let mut got = ids(g.all_current(&rows));
        got.sort();
        got
    }

    #[test]
    fn multiple_branch_effective_head() {
        let g = graph(vec![
            rev("y1", &[]).with_labels(&["y"]),
            rev("x1", &[]).with_labels(&["x"]),
            dep("y2", &["y1"], &["x1"]),
            rev("x2", &["x1"]),
        ]);
        assert_eq!(all_current(&g, &["x1", "y2"]), ["x1", "y2"]);
        assert_eq!(all_current(&g, &["y2"]), ["x1", "y2"]);
        assert_eq!(all_current(&g, &["x2", "y2"]), ["x2", "y2"]);
        assert_eq!(all_current(&g, &["x1"]), ["x1"]);
        assert_eq!(all_current(&g, &["y1", "x1"]), ["x1", "y1"]);
        assert!(all_current(&g, &[]).is_empty());
    }

    /// The graph of `tests/integration/alembic` (scripts/alembic-record).
    #[test]
    fn comparison_graph() {
        let g = graph(vec![
            rev("acc10001", &[]),
            rev("acc20002", &["acc10001"]),
            rev("acc30003", &["acc20002"]),
            rev("fea10001", &["acc30003"]).with_labels(&["feature"]),
            rev("fea20002", &["fea10001"]),
            rev("fea30003", &["fea20002"]),
            rev("fix10001", &["acc30003"]).with_labels(&["fix"]),
            rev("fix20002", &["fix10001"]),
            rev("hot10001", &["acc30003"]).with_labels(&["hotfix"]),
            rev("hot20002", &["hot10001"]),
            rev("mrg10001", &["fea30003", "fix20002"]),
            rev("mrg20002", &["mrg10001"]),
            rev("rep10001", &[]).with_labels(&["reports"]),
            dep("rep20002", &["rep10001"], &["fea20002"]),
            dep("rep30003", &["rep20002"], &["hot20002"]),
            dep("rep40004", &["rep30003"], &["fix", "fea20002"]),
            rev("sid10001", &["rep20002"]).with_labels(&["side"]),
        ]);
        assert_eq!(all_current(&g, &["rep20002"]), ["fea20002", "rep20002"]);
        assert_eq!(
            all_current(&g, &["rep30003"]),
            ["fea20002", "hot20002", "rep30003"]
        );
        assert_eq!(
            all_current(&g, &["rep40004"]),
            ["fea20002", "fix10001", "hot20002", "rep40004"]
        );
        assert_eq!(
            all_current(&g, &["mrg20002", "rep40004", "sid10001"]),
            ["hot20002", "mrg20002", "rep40004", "sid10001"]
        );
        assert_eq!(
            all_current(&g, &["fea20002", "hot10001", "sid10001"]),
            ["fea20002", "hot10001", "sid10001"]
        );
        assert_eq!(
            all_current(&g, &["rep40004", "fix10001"]),
            ["fea20002", "fix10001", "hot20002", "rep40004"]
        );
        assert_eq!(all_current(&g, &["hot20002"]), ["hot20002"]);
        assert_eq!(all_current(&g, &["sid10001"]), ["fea20002", "sid10001"]);
        assert_eq!(
            all_current(&g, &["fea10001", "rep10001"]),
            ["fea10001", "rep10001"]
        );
    }
}
