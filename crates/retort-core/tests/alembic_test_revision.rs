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

    mod api_test {
        use super::*;

        fn abc() -> RevisionGraph {
            graph(vec![rev("a", &[]), rev("b", &["a"]), rev("c", &["b"])])
        }

        fn two_heads() -> RevisionGraph {
            graph(vec![
                rev("a", &[]),
                rev("b", &["a"]),
                rev("c1", &["b"]),
                rev("c2", &["b"]),
            ])
        }

        #[test]
        fn test_get_revision_head_single() {
            assert_eq!(one(&abc(), "head").as_deref(), Some("c"));
        }

        #[test]
        fn test_get_revision_base_single() {
            assert_eq!(one(&abc(), "base"), None);
        }

        #[test]
        fn test_get_revision_head_multiple() {
            assert!(matches!(
                resolve_err(&two_heads(), "head"),
                ResolveError::MultipleHeads { .. }
            ));
        }

        #[test]
        fn test_get_revision_heads_multiple() {
            assert!(matches!(
                resolve_err(&two_heads(), "heads"),
                ResolveError::MultipleHeads { .. }
            ));
        }

        #[test]
        fn test_get_revisions_head_multiple() {
            assert!(matches!(
                two_heads().resolve("head"),
                Err(ResolveError::MultipleHeads { .. })
            ));
        }

        #[test]
        fn test_get_revisions_heads_multiple() {
            assert_eq!(resolve_ids(&two_heads(), "heads"), ["c1", "c2"]);
        }

        #[test]
        fn test_get_revision_base_multiple() {
            let g = graph(vec![
                rev("a", &[]),
                rev("b", &["a"]),
                rev("c", &[]),
                rev("d", &["c"]),
            ]);
            assert_eq!(one(&g, "base"), None);
        }

        #[test]
        fn test_iterate_tolerates_dupe_targets() {
            let exclusive = IterateOptions::default();
            // Not inclusive so should not traverse a.
            assert_eq!(
                iterate(&abc(), &["c", "c"], &["a"], exclusive).unwrap(),
                ["c", "b"]
            );
        }
    }

    mod diamond_test {
        use super::*;

        #[test]
        fn test_iterate_simple_diamond() {
            let g = graph(vec![
                rev("a", &[]),
                rev("b1", &["a"]),
                rev("b2", &["a"]),
                rev("c", &["b1", "b2"]),
                rev("d", &["c"]),
            ]);
            assert_iteration(&g, &["d"], &["a"], &["d", "c", "b1", "b2", "a"]);
        }
    }

    mod empty_map_test {
        use super::*;

        #[test]
        fn test_iterate() {
            assert_iteration(&graph(vec![]), &["head"], &["base"], &[]);
        }
    }

    mod labeled_branch_test {
        use super::*;

        fn map() -> RevisionGraph {
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

        #[test]
        fn test_dupe_branch_collection() {
            let err = RevisionGraph::new(vec![
                rev("a", &[]),
                rev("b", &["a"]),
                rev("c", &["b"]).with_labels(&["xy1"]),
                rev("d", &[]),
                rev("e", &["d"]).with_labels(&["xy1"]),
                rev("f", &["e"]),
            ])
            .unwrap_err();
            assert!(
                matches!(&err, GraphError::DuplicateBranchLabel { label, .. } if label == "xy1"),
                "{err:?}"
            );
            assert!(
                err.to_string()
                    .starts_with("Branch name 'xy1' in revision ")
            );
        }

        #[test]
        fn test_get_current_named_rev() {
            assert_eq!(one(&map(), "ebranch@head").as_deref(), Some("f"));
        }

        #[test]
        fn test_iterate_head_to_named_base() {
            let g = map();
            assert_iteration(
                &g,
                &["heads"],
                &["ebranch@base"],
                &["f", "someothername", "e", "d"],
            );
            assert_iteration(
                &g,
                &["heads"],
                &["abranch@base"],
                &["c", "somelongername", "b", "a"],
            );
        }

        #[test]
        fn test_iterate_named_head_to_base() {
            let g = map();
            assert_iteration(
                &g,
                &["ebranch@head"],
                &["base"],
                &["f", "someothername", "e", "d"],
            );
            assert_iteration(
                &g,
                &["abranch@head"],
                &["base"],
                &["c", "somelongername", "b", "a"],
            );
        }

        #[test]
        fn test_iterate_named_head_to_heads() {
            assert_iteration(&map(), &["heads"], &["ebranch@head"], &["f"]);
        }

        #[test]
        fn test_iterate_named_rev_to_heads() {
            assert_iteration(
                &map(),
                &["heads"],
                &["ebranch@d"],
                &["f", "someothername", "e", "d"],
            );
        }

        #[test]
        fn test_iterate_head_to_version_specific_base() {
            let g = map();
            assert_iteration(
                &g,
                &["heads"],
                &["e@base"],
                &["f", "someothername", "e", "d"],
            );
            assert_iteration(
                &g,
                &["heads"],
                &["c@base"],
                &["c", "somelongername", "b", "a"],
            );
        }

        #[test]
        fn test_iterate_to_branch_at_rev() {
            assert_iteration(
                &map(),
                &["heads"],
                &["ebranch@d"],
                &["f", "someothername", "e", "d"],
            );
        }

        #[test]
        fn test_branch_w_down_relative() {
            assert_iteration(
                &map(),
                &["heads"],
                &["ebranch@-2"],
                &["f", "someothername", "e"],
            );
        }

        #[test]
        fn test_branch_w_up_relative() {
            assert_iteration(&map(), &["ebranch@+2"], &["base"], &["e", "d"]);
        }

        #[test]
        fn test_partial_id_resolve() {
            let g = map();
            assert_eq!(one(&g, "ebranch@some").as_deref(), Some("someothername"));
            assert_eq!(one(&g, "abranch@some").as_deref(), Some("somelongername"));
        }

        #[test]
        fn test_partial_id_resolve_too_short() {
            let msg = resolve_err(&map(), "ebranch@sos").to_string();
            assert!(
                msg.starts_with(
                    "No such revision or branch 'sos'; please ensure at least four \
                     characters are present for partial revision identifier matches"
                ),
                "{msg}"
            );
        }

        #[test]
        fn test_branch_at_heads() {
            assert_eq!(one(&map(), "abranch@heads").as_deref(), Some("c"));
        }

        #[test]
        fn test_branch_at_syntax() {
            let g = map();
            assert_eq!(one(&g, "abranch@head").as_deref(), Some("c"));
            assert_eq!(one(&g, "abranch@base"), None);
            assert_eq!(one(&g, "ebranch@head").as_deref(), Some("f"));
            assert_eq!(one(&g, "abranch@base"), None);
            assert_eq!(one(&g, "ebranch@d").as_deref(), Some("d"));
        }

        #[test]
        fn test_branch_at_self() {
            assert_eq!(one(&map(), "ebranch@ebranch").as_deref(), Some("e"));
        }

        #[test]
        fn test_retrieve_branch_revision() {
            let g = map();
            assert_eq!(one(&g, "abranch").as_deref(), Some("a"));
            assert_eq!(one(&g, "ebranch").as_deref(), Some("e"));
        }

        #[test]
        fn test_rev_not_in_branch() {
            let g = map();
            let msg = resolve_err(&g, "ebranch@b").to_string();
            assert!(
                msg.starts_with("Revision b is not a member of branch 'ebranch'"),
                "{msg}"
            );
            let msg = resolve_err(&g, "abranch@d").to_string();
            assert!(
                msg.starts_with("Revision d is not a member of branch 'abranch'"),
                "{msg}"
            );
        }

        #[test]
        fn test_actually_short_rev_name() {
            assert_eq!(one(&map(), "e").as_deref(), Some("e"));
        }

        #[test]
        fn test_no_revision_exists() {
            let g = map();
            let msg = resolve_err(&g, "abranch@qprstuv").to_string();
            assert!(
                msg.starts_with("No such revision or branch 'qprstuv'")
                    && !msg.contains("four characters"),
                "{msg}"
            );
            let msg = resolve_err(&g, "abranch@qpr").to_string();
            assert!(
                msg.starts_with(
                    "No such revision or branch 'qpr'; please ensure at least four \
                     characters are present for partial revision identifier matches"
                ),
                "{msg}"
            );
        }

        #[test]
        fn test_not_actually_a_branch() {
            assert_eq!(one(&map(), "e@d").as_deref(), Some("d"));
        }

        #[test]
        fn test_not_actually_a_branch_partial_resolution() {
            assert_eq!(one(&map(), "someoth@d").as_deref(), Some("d"));
        }

        #[test]
        fn test_no_such_branch() {
            let msg = resolve_err(&map(), "x@d").to_string();
            assert!(msg.starts_with("No such branch: 'x'"), "{msg}");
        }
    }

    mod long_short_branch_test {
        use super::*;

        #[test]
        fn test_iterate_full() {
            let g = graph(vec![
                rev("a", &[]),
                rev("b1", &["a"]),
                rev("b2", &["a"]),
                rev("c1", &["b1"]),
                rev("d11", &["c1"]),
                rev("d12", &["c1"]),
            ]);
            assert_iteration(
                &g,
                &["heads"],
                &["base"],
                &["b2", "d11", "d12", "c1", "b1", "a"],
            );
        }
    }

    mod multiple_branch_test {
        use super::*;

        fn map() -> RevisionGraph {
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
        fn test_iterate_from_merge_point() {
            assert_iteration(
                &map(),
                &["d1d2cb2"],
                &["a"],
                &["d1d2cb2", "d1cb2", "d2cb2", "cb2", "b2", "a"],
            );
        }

        #[test]
        fn test_iterate_multiple_heads() {
            assert_iteration(
                &map(),
                &["d2cb2", "d3cb2"],
                &["a"],
                &["d2cb2", "d3cb2", "cb2", "b2", "a"],
            );
        }

        #[test]
        fn test_iterate_single_branch() {
            assert_iteration(&map(), &["d3cb2"], &["a"], &["d3cb2", "cb2", "b2", "a"]);
        }

        #[test]
        fn test_iterate_single_branch_to_base() {
            assert_iteration(&map(), &["d3cb2"], &["base"], &["d3cb2", "cb2", "b2", "a"]);
        }

        #[test]
        fn test_iterate_multiple_branch_to_base() {
            assert_iteration(
                &map(),
                &["d3cb2", "cb1"],
                &["base"],
                &["cb1", "b1", "d3cb2", "cb2", "b2", "a"],
            );
        }

        #[test]
        fn test_iterate_multiple_heads_single_base() {
            // Head d1cb1 is omitted as it is not a descendant of b2.
            assert_iteration(
                &map(),
                &["d1cb1", "d2cb2", "d3cb2"],
                &["b2"],
                &["d2cb2", "d3cb2", "cb2", "b2"],
            );
        }

        #[test]
        fn test_same_branch_wrong_direction() {
            assert_not_ancestor(&map(), &["b1"], &["d1cb1"], "d1cb1", "b1");
        }

        #[test]
        fn test_distinct_branches() {
            assert_not_ancestor(&map(), &["d2cb2"], &["b1"], "b1", "d2cb2");
        }

        #[test]
        fn test_wrong_direction_to_base_as_none() {
            assert_not_ancestor(&map(), &[], &["d1cb1"], "d1cb1", "base");
        }

        #[test]
        fn test_wrong_direction_to_base_as_empty() {
            assert_not_ancestor(&map(), &[], &["d1cb1"], "d1cb1", "base");
        }
    }

    mod multiple_branch_effective_head {
        use super::*;

        fn map() -> RevisionGraph {
            graph(vec![
                rev("y1", &[]).with_labels(&["y"]),
                rev("x1", &[]).with_labels(&["x"]),
                dep("y2", &["y1"], &["x1"]),
                rev("x2", &["x1"]),
            ])
        }

        fn downgrade() -> IterateOptions {
            IterateOptions {
                inclusive: false,
                select_for_downgrade: true,
                ..IterateOptions::default()
            }
        }

        #[test]
        fn test_other_downgrade() {
            assert_iteration_with(&map(), &["x2", "y2"], &["x@-1"], &["x2"], downgrade());
        }

        #[test]
        fn test_use_all_current() {
            assert_iteration_with(&map(), &["x1", "y2"], &["x@-1"], &["y2", "x1"], downgrade());
        }

        #[test]
        fn test_effective_head() {
            assert_iteration_with(&map(), &["y2"], &["x@-1"], &["y2", "x1"], downgrade());
        }
    }

    mod branch_travelling_test {
        use super::*;

        fn map() -> RevisionGraph {
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
        fn test_iterate_one_branch_both_to_merge() {
            // At a merge point, the implicit base fills in every branch
            // that supplies it.
            assert_iteration_with(
                &map(),
                &["merge"],
                &["db1"],
                &["merge", "e2b1", "db1", "e2b2", "db2", "cb2", "b2"],
                IterateOptions {
                    implicit_base: true,
                    ..opts()
                },
            );
        }

        #[test]
        fn test_three_branches_end_in_single_branch() {
            assert_iteration(
                &map(),
                &["merge", "fe1b1"],
                &["a3"],
                &[
                    "fe1b1", "e1b1", "merge", "e2b1", "db1", "cb1", "b1", "e2b2", "db2", "cb2",
                    "b2", "a3",
                ],
            );
        }

        #[test]
        fn test_two_branches_to_root() {
            assert_iteration(
                &map(),
                &["merge"],
                &["a1"],
                &[
                    "merge", "e2b1", "db1", "cb1", "b1", "e2b2", "db2", "cb2", "b2", "a3", "a2",
                    "a1",
                ],
            );
        }

        #[test]
        fn test_two_branches_end_in_branch() {
            assert_iteration(
                &map(),
                &["merge"],
                &["b1"],
                &["merge", "e2b1", "db1", "cb1", "b1"],
            );
        }

        #[test]
        fn test_two_branches_end_behind_branch() {
            assert_iteration(
                &map(),
                &["merge"],
                &["a2"],
                &[
                    "merge", "e2b1", "db1", "cb1", "b1", "e2b2", "db2", "cb2", "b2", "a3", "a2",
                ],
            );
        }

        #[test]
        fn test_three_branches_to_root() {
            assert_iteration(
                &map(),
                &["merge", "fe1b1"],
                &["a1"],
                &[
                    "fe1b1", "e1b1", "merge", "e2b1", "db1", "cb1", "b1", "e2b2", "db2", "cb2",
                    "b2", "a3", "a2", "a1",
                ],
            );
        }

        #[test]
        fn test_three_branches_end_multiple_bases() {
            assert_iteration(
                &map(),
                &["merge", "fe1b1"],
                &["cb1", "cb2"],
                &[
                    "fe1b1", "e1b1", "merge", "e2b1", "db1", "cb1", "e2b2", "db2", "cb2",
                ],
            );
        }

        #[test]
        fn test_three_branches_end_multiple_bases_exclusive() {
            assert_iteration_with(
                &map(),
                &["merge", "fe1b1"],
                &["cb1", "cb2"],
                &["fe1b1", "e1b1", "merge", "e2b1", "db1", "e2b2", "db2"],
                IterateOptions {
                    inclusive: false,
                    ..opts()
                },
            );
        }

        #[test]
        fn test_detect_invalid_head_selection() {
            // db1 is an ancestor of fe1b1.
            match iterate_err(&map(), &["db1", "b2", "fe1b1"], &[]) {
                ResolveError::Overlap { id, others } => {
                    assert_eq!(id.as_str(), "fe1b1");
                    assert_eq!(others.to_string(), "db1");
                }
                e => panic!("expected Overlap, got {e:?}"),
            }
            let msg = iterate_err(&map(), &["db1", "b2", "fe1b1"], &[]).to_string();
            assert!(
                msg.starts_with("Requested revision fe1b1 overlaps with other requested revisions"),
                "{msg}"
            );
        }

        #[test]
        fn test_three_branches_end_multiple_bases_exclusive_blank() {
            assert_iteration_with(
                &map(),
                &["e2b1", "b2", "fe1b1"],
                &[],
                &[
                    "b2", "fe1b1", "e1b1", "e2b1", "db1", "cb1", "b1", "a3", "a2", "a1",
                ],
                IterateOptions {
                    inclusive: false,
                    ..opts()
                },
            );
        }

        #[test]
        fn test_iterate_to_symbolic_base() {
            assert_iteration_with(
                &map(),
                &["fe1b1"],
                &["base"],
                &["fe1b1", "e1b1", "db1", "cb1", "b1", "a3", "a2", "a1"],
                IterateOptions {
                    inclusive: false,
                    ..opts()
                },
            );
        }

        #[test]
        fn test_ancestor_nodes() {
            // `_get_ancestor_nodes([merge])`: what `history -r :merge` lists.
            let mut got = ids(map().history(Some(":merge")).unwrap());
            got.sort();
            let mut expected = vec![
                "a1", "e2b2", "e2b1", "cb2", "merge", "a3", "a2", "b1", "b2", "db1", "db2", "cb1",
            ];
            expected.sort_unstable();
            assert_eq!(got, expected);
        }
    }

    mod multiple_base_test {
        use super::*;

        fn map() -> RevisionGraph {
            graph(vec![
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
            ])
        }

        const ALL: &[&str] = &[
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

        #[test]
        fn test_heads_to_base() {
            assert_iteration(&map(), &["heads"], &["base"], ALL);
        }

        #[test]
        fn test_heads_to_base_exclusive() {
            assert_iteration_with(
                &map(),
                &["heads"],
                &["base"],
                ALL,
                IterateOptions {
                    inclusive: false,
                    ..opts()
                },
            );
        }

        #[test]
        fn test_heads_to_blank() {
            assert_iteration(&map(), &["heads"], &[], ALL);
        }

        #[test]
        fn test_detect_invalid_base_selection() {
            let msg = iterate_err(&map(), &["c2"], &["a2", "b2"]).to_string();
            assert!(
                msg.contains("overlaps with other requested revisions"),
                "{msg}"
            );
        }

        #[test]
        fn test_heads_to_revs_plus_implicit_base_exclusive() {
            assert_iteration_with(
                &map(),
                &["heads"],
                &["c2"],
                &[
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
                ],
                IterateOptions {
                    inclusive: false,
                    implicit_base: true,
                    ..opts()
                },
            );
        }

        #[test]
        fn test_heads_to_revs_base_exclusive() {
            assert_iteration_with(
                &map(),
                &["heads"],
                &["c2"],
                &["mergeb3d2", "d2"],
                IterateOptions {
                    inclusive: false,
                    ..opts()
                },
            );
        }

        #[test]
        fn test_heads_to_revs_plus_implicit_base_inclusive() {
            assert_iteration_with(
                &map(),
                &["heads"],
                &["c2"],
                &[
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
                ],
                IterateOptions {
                    implicit_base: true,
                    ..opts()
                },
            );
        }

        #[test]
        fn test_specific_path_one() {
            assert_iteration(&map(), &["b3"], &["base3"], &["b3", "a3", "base3"]);
        }

        #[test]
        fn test_specific_path_two_implicit_base() {
            assert_iteration_with(
                &map(),
                &["b3", "b2"],
                &["base3"],
                &["b2", "a2", "base2", "b3", "a3"],
                IterateOptions {
                    inclusive: false,
                    implicit_base: true,
                    ..opts()
                },
            );
        }
    }

    mod multiple_base_cross_dependency_test_one {
        use super::*;

        /// ```text
        /// base1 -----> a1a  -> b1a
        ///       +----> a1b  -> b1b
        ///                       |   (depends on a3)
        /// base3 -> a3 -> b3
        ///           ^
        ///           +-- c2 depends on a3
        /// base2 -> a2 -> b2 -> c2 -> d2
        /// ```
        fn map() -> RevisionGraph {
            graph(vec![
                rev("base1", &[]).with_labels(&["b_1"]),
                rev("a1a", &["base1"]),
                rev("a1b", &["base1"]),
                rev("b1a", &["a1a"]),
                dep("b1b", &["a1b"], &["a3"]),
                rev("base2", &[]).with_labels(&["b_2"]),
                rev("a2", &["base2"]),
                rev("b2", &["a2"]),
                dep("c2", &["b2"], &["a3"]),
                rev("d2", &["c2"]),
                rev("base3", &[]).with_labels(&["b_3"]),
                rev("a3", &["base3"]),
                rev("b3", &["a3"]),
            ])
        }

        fn downgrade() -> IterateOptions {
            IterateOptions {
                select_for_downgrade: true,
                ..opts()
            }
        }

        const ALL: &[&str] = &[
            "b1a", "a1a", "b1b", "a1b", "base1", "d2", "c2", "b2", "a2", "base2", "b3", "a3",
            "base3",
        ];

        #[test]
        fn test_what_are_the_heads() {
            assert_eq!(ids(map().heads()), ["b1a", "b1b", "d2", "b3"]);
        }

        #[test]
        fn test_heads_to_base() {
            assert_iteration(&map(), &["heads"], &["base"], ALL);
        }

        #[test]
        fn test_heads_to_base_downgrade() {
            assert_iteration_with(&map(), &["heads"], &["base"], ALL, downgrade());
        }

        #[test]
        fn test_same_branch_wrong_direction() {
            assert_not_ancestor(&map(), &["b2"], &["d2"], "d2", "b2");
        }

        #[test]
        fn test_different_branch_not_wrong_direction() {
            assert_not_ancestor(&map(), &["b3"], &["d2"], "d2", "b3");
        }

        #[test]
        fn test_we_need_head2_upgrade() {
            // The 2 branch relies on the 3 branch.
            assert_iteration(
                &map(),
                &["b_2@head"],
                &["base"],
                &["d2", "c2", "b2", "a2", "base2", "a3", "base3"],
            );
        }

        #[test]
        fn test_we_need_head2_downgrade() {
            // Going down, the 3 branch is left alone.
            assert_iteration_with(
                &map(),
                &["b_2@head"],
                &["b_2@base"],
                &["d2", "c2", "b2", "a2", "base2"],
                downgrade(),
            );
        }

        #[test]
        fn test_we_need_head3_upgrade() {
            assert_iteration(&map(), &["b_3@head"], &["base"], &["b3", "a3", "base3"]);
        }

        #[test]
        fn test_we_need_head3_downgrade() {
            assert_iteration_with(
                &map(),
                &["b_3@head"],
                &["base"],
                &["b3", "a3", "base3"],
                downgrade(),
            );
        }

        #[test]
        fn test_we_need_head1_upgrade() {
            // The 1 branch relies on the 3 branch.
            assert_iteration(
                &map(),
                &["b1b@head"],
                &["base"],
                &["b1b", "a1b", "base1", "a3", "base3"],
            );
        }

        #[test]
        fn test_we_need_head1_downgrade() {
            assert_iteration_with(
                &map(),
                &["b1b@head"],
                &["b1b@base"],
                &["b1b", "a1b", "base1"],
                downgrade(),
            );
        }

        #[test]
        fn test_we_need_base2_upgrade() {
            assert_iteration(
                &map(),
                &["heads"],
                &["b_2@base"],
                &["d2", "c2", "b2", "a2", "base2", "a3", "base3"],
            );
        }

        #[test]
        fn test_we_need_base2_downgrade() {
            assert_iteration_with(
                &map(),
                &["heads"],
                &["b_2@base"],
                &["d2", "c2", "b2", "a2", "base2"],
                downgrade(),
            );
        }

        #[test]
        fn test_we_need_base3_upgrade() {
            assert_iteration(&map(), &["heads"], &["b_3@base"], &["b3", "a3", "base3"]);
        }

        #[test]
        fn test_we_need_base3_downgrade() {
            // Everything depending on a3 goes down too: b1b and c2 (and d2).
            assert_iteration_with(
                &map(),
                &["heads"],
                &["b_3@base"],
                &["b1b", "d2", "c2", "b3", "a3", "base3"],
                downgrade(),
            );
        }
    }

    mod multiple_base_cross_dependency_test_two {
        use super::*;

        fn map() -> RevisionGraph {
            graph(vec![
                rev("base1", &[]).with_labels(&["b_1"]),
                rev("a1", &["base1"]),
                rev("b1", &["a1"]),
                rev("c1", &["b1"]),
                dep("base2", &[], &["b_1"]).with_labels(&["b_2"]),
                rev("a2", &["base2"]),
                rev("b2", &["a2"]),
                rev("c2", &["b2"]),
                rev("d2", &["c2"]),
                rev("base3", &[]).with_labels(&["b_3"]),
                rev("a3", &["base3"]),
                rev("b3", &["a3"]),
                dep("c3", &["b3"], &["b2"]),
                rev("d3", &["c3"]),
            ])
        }

        #[test]
        fn test_what_are_the_heads() {
            assert_eq!(ids(map().heads()), ["c1", "d2", "d3"]);
        }

        #[test]
        fn test_heads_to_base() {
            assert_iteration(
                &map(),
                &["heads"],
                &["base"],
                &[
                    "c1", "b1", "a1", "d2", "c2", "d3", "c3", "b3", "a3", "base3", "b2", "a2",
                    "base2", "base1",
                ],
            );
        }

        #[test]
        fn test_we_need_head2() {
            assert_iteration(
                &map(),
                &["b_2@head"],
                &["base"],
                &["d2", "c2", "b2", "a2", "base2", "base1"],
            );
        }

        #[test]
        fn test_we_need_head3() {
            assert_iteration(
                &map(),
                &["b_3@head"],
                &["base"],
                &[
                    "d3", "c3", "b3", "a3", "base3", "b2", "a2", "base2", "base1",
                ],
            );
        }

        #[test]
        fn test_we_need_head1() {
            assert_iteration(
                &map(),
                &["b_1@head"],
                &["base"],
                &["c1", "b1", "a1", "base1"],
            );
        }

        #[test]
        fn test_we_need_base1() {
            // b_1 has no dependencies.
            assert_iteration(
                &map(),
                &["heads"],
                &["b_1@base"],
                &["c1", "b1", "a1", "base1"],
            );
        }

        #[test]
        fn test_we_need_base2() {
            // base2 depends on base1; nothing depends on b_3.
            assert_iteration(
                &map(),
                &["heads"],
                &["b_2@base"],
                &["d2", "c2", "b2", "a2", "base2", "base1"],
            );
        }

        #[test]
        fn test_we_need_base3() {
            // c3 depends on b2, base2 on base1.
            assert_iteration(
                &map(),
                &["heads"],
                &["b_3@base"],
                &[
                    "d3", "c3", "b3", "a3", "base3", "b2", "a2", "base2", "base1",
                ],
            );
        }
    }

    mod multiple_base_cross_dependency_test_three {
        use super::*;

        #[test]
        fn test_traverse_no_parent_but_a_dep() {
            let g = graph(vec![
                rev("base1", &[]),
                rev("a1", &["base1"]),
                rev("b1", &["a1"]),
                dep("c2", &[], &["a1"]),
                rev("c3", &["c2"]),
            ]);
            assert_iteration(
                &g,
                &["heads"],
                &["base"],
                &["b1", "c3", "c2", "a1", "base1"],
            );
        }
    }

    mod large_map_test {
        use super::*;

        include!("alembic/large_map.rs");

        fn map() -> RevisionGraph {
            graph(LARGE_MAP.iter().map(|(id, down)| rev(id, down)).collect())
        }

        /// Alembic checks that the order is topological; this asserts
        /// Alembic's own order.
        #[test]
        fn test_all() {
            let g = map();
            let got = iterate(
                &g,
                &["heads"],
                &["base"],
                IterateOptions {
                    inclusive: false,
                    ..IterateOptions::default()
                },
            )
            .unwrap();
            assert_eq!(got.len(), LARGE_MAP.len());
            assert_eq!(got, LARGE_MAP_ORDER);
            assert_eq!(ids(g.history(None).unwrap()), LARGE_MAP_ORDER);
        }

        /// Ranges on the large map, upgrade and downgrade selections, with
        /// the orders Alembic gives.
        #[test]
        fn test_all_ranges() {
            let g = map();
            for (upper, lower, down, expected) in LARGE_MAP_RANGES {
                let got = iterate(
                    &g,
                    &[upper],
                    &[lower],
                    IterateOptions {
                        select_for_downgrade: *down,
                        ..opts()
                    },
                )
                .unwrap_or_else(|e| panic!("{upper} {lower}: {e}"));
                assert_eq!(
                    &got, expected,
                    "iterate_revisions({upper}, {lower}, {down})"
                );
            }
        }
    }

    mod normalized_down_rev_test {
        use super::*;

        fn map() -> RevisionGraph {
            graph(vec![
                rev("a1", &[]),
                rev("a2", &["a1"]),
                rev("a3", &["a2"]),
                rev("b1", &[]),
                dep("b2", &["b1"], &["a3"]),
                rev("b3", &["b2"]),
                dep("b4", &["b3"], &["a3"]),
                dep("b5", &["b4"], &["b4"]),
            ])
        }

        fn downgrade() -> IterateOptions {
            IterateOptions {
                select_for_downgrade: true,
                ..opts()
            }
        }

        #[test]
        fn test_branch_traversal() {
            assert_iteration_with(
                &map(),
                &["b4"],
                &["b1@base"],
                &["b4", "b3", "b2", "b1"],
                downgrade(),
            );
        }

        #[test]
        fn test_all_traversal() {
            assert_iteration_with(
                &map(),
                &["heads"],
                &["base"],
                &["b5", "b4", "b3", "b2", "b1", "a3", "a2", "a1"],
                downgrade(),
            );
        }

        #[test]
        fn test_partial_traversal() {
            assert_iteration_with(
                &map(),
                &["heads"],
                &["a2"],
                &["b5", "b4", "b3", "b2", "a3", "a2"],
                downgrade(),
            );
        }

        #[test]
        fn test_partial_traversal_implicit_base_one() {
            assert_iteration_with(
                &map(),
                &["heads"],
                &["a2"],
                &["b5", "b4", "b3", "b2", "b1", "a3", "a2"],
                IterateOptions {
                    implicit_base: true,
                    ..downgrade()
                },
            );
        }

        #[test]
        fn test_partial_traversal_implicit_base_two() {
            assert_iteration_with(
                &map(),
                &["b5"],
                &["b1"],
                &["b5", "b4", "b3", "b2", "b1", "a3", "a2", "a1"],
                IterateOptions {
                    implicit_base: true,
                    ..opts()
                },
            );
        }

        #[test]
        fn test_partial_traversal_implicit_base_three() {
            let g = graph(vec![
                rev("c1", &[]),
                rev("a1", &[]),
                dep("a2", &["a1"], &["c1"]),
                dep("a3", &["a2"], &["c1"]),
                rev("b1", &[]),
                dep("b2", &["b1"], &["a3"]),
                rev("b3", &["b2"]),
                dep("b4", &["b3"], &["a3"]),
                rev("b5", &["b4"]),
            ]);
            assert_iteration_with(
                &g,
                &["b5"],
                &["b1"],
                &["b5", "b4", "b3", "b2", "b1", "a3", "a2", "a1", "c1"],
                IterateOptions {
                    implicit_base: true,
                    ..opts()
                },
            );
        }
    }
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
