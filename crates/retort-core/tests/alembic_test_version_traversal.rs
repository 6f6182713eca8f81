//! Alembic 1.20.1's `tests/test_version_traversal.py`, ported: upgrade and
//! downgrade plans (`ScriptDirectory._upgrade_revs` / `_downgrade_revs`:
//! which revisions run, in which order) and the version rows after them
//! (`HeadMaintainer`), relative targets with and without branch labels,
//! `depends_on` across branches, and stamps (`_stamp_revs` and its
//! `StampStep`s). Each test is named after the Alembic test it ports
//! (module = Alembic test class) and asserts Alembic's expected values.
//!
//! Alembic's fixtures use random revision ids; these use the names the
//! tests give them (`a`, `b1`, ...), in the order the fixtures create them.

mod common;

use common::{assert_downgrade, assert_upgrade, graph, plan_ids, rev, rows, sorted, stamp_rows};
use retort_core::graph::{PlanError, ResolveError, RevisionGraph, VersionUpdate};
use retort_core::{Revision, RevisionId};

fn dep(id: &str, parents: &[&str], deps: &[&str]) -> Revision {
    rev(id, parents).with_depends_on(deps)
}

fn upgrade_err(g: &RevisionGraph, target: &str, from: &[&str]) -> PlanError {
    match g.plan_upgrade(&rows(from), target) {
        Ok(p) => panic!("upgrade {target} from {from:?}: expected an error, got {p:?}"),
        Err(e) => e,
    }
}

fn downgrade_err(g: &RevisionGraph, target: &str, from: &[&str]) -> PlanError {
    match g.plan_downgrade(&rows(from), target) {
        Ok(p) => panic!("downgrade {target} from {from:?}: expected an error, got {p:?}"),
        Err(e) => e,
    }
}

#[track_caller]
fn assert_message_starts(err: &PlanError, start: &str) {
    let msg = err.to_string();
    assert!(msg.starts_with(start), "expected {start:?}, got {msg:?}");
}

/// The stamp steps from `from` to `targets`.
fn stamp(g: &RevisionGraph, from: &[&str], targets: &[&str]) -> Vec<VersionUpdate> {
    g.plan_stamp(&rows(from), targets, false)
        .unwrap_or_else(|e| panic!("stamp {targets:?} from {from:?}: {e}"))
}

fn id(s: &str) -> RevisionId {
    RevisionId::new(s)
}

/// `StampStep.merge_branch_idents(heads)`: (rows deleted, row updated,
/// its new value).
fn merge(delete: &[&str], from: &str, to: &str) -> VersionUpdate {
    if delete.is_empty() {
        VersionUpdate::Update {
            from: id(from),
            to: id(to),
        }
    } else {
        VersionUpdate::Merge {
            delete: delete.iter().map(|d| id(d)).collect(),
            from: id(from),
            to: id(to),
        }
    }
}

/// Runs single-revision upgrades one after another from `start`, checking
/// the rows after each (`HeadMaintainer.update_to_step` on a list of
/// steps).
#[track_caller]
fn assert_steps(g: &RevisionGraph, start: &[&str], steps: &[(&str, &[&str])]) {
    let mut current = rows(start);
    for (target, expected) in steps {
        let plan = g
            .plan_upgrade(&current, target)
            .unwrap_or_else(|e| panic!("upgrade {target}: {e}"));
        assert_eq!(plan_ids(&plan), [*target], "upgrade {target} runs it alone");
        current = plan.apply(&current).expect("plan applies");
        assert_eq!(
            sorted(current.clone()),
            sorted(rows(expected)),
            "rows after {target}"
        );
    }
}

mod alembic_test_version_traversal {
    use super::*;

    mod revision_path_test {
        use super::*;

        const A: &str = "e6239818bb3a";
        const B: &str = "548bbb905360";
        const C: &str = "b7ea43dc85e4";
        const D: &str = "1bbe33445780";
        const E: &str = "3975fb1a0125";

        fn env() -> RevisionGraph {
            graph(vec![
                rev(A, &[]),
                rev(B, &[A]),
                rev(C, &[B]),
                rev(D, &[C]),
                rev(E, &[D]),
            ])
        }

        #[test]
        fn test_downgrade_base_no_version() {
            assert_downgrade(&env(), "base", &[], &[], &[]);
        }

        #[test]
        fn test_downgrade_to_existing() {
            assert_downgrade(&env(), A, &[A], &[], &[A]);
        }

        #[test]
        fn test_downgrade_to_existing_head() {
            assert_downgrade(&env(), E, &[E], &[], &[E]);
        }

        #[test]
        fn test_upgrade_path() {
            let g = env();
            assert_upgrade(&g, E, &[C], &[D, E], &[E]);
            assert_upgrade(&g, C, &[], &[A, B, C], &[C]);
        }

        #[test]
        fn test_relative_upgrade_path() {
            let g = env();
            assert_upgrade(&g, "+2", &[A], &[B, C], &[C]);
            assert_upgrade(&g, "+1", &[A], &[B], &[B]);
            assert_upgrade(&g, "+3", &[B], &[C, D, E], &[E]);
            assert_upgrade(&g, &format!("{B}+2"), &[A], &[B, C, D], &[D]);
            assert_upgrade(&g, &format!("{D}-2"), &[A], &[B], &[B]);
        }

        #[test]
        fn test_invalid_relative_upgrade_path() {
            let g = env();
            assert_message_starts(
                &upgrade_err(&g, "-2", &[B]),
                "Relative revision -2 didn't produce 2 migrations",
            );
            assert_message_starts(
                &upgrade_err(&g, "+5", &[B]),
                "Relative revision +5 didn't produce 5 migrations",
            );
        }

        #[test]
        fn test_downgrade_path() {
            let g = env();
            assert_downgrade(&g, C, &[E], &[E, D], &[C]);
            assert_downgrade(&g, "base", &[C], &[C, B, A], &[]);
        }

        #[test]
        fn test_relative_downgrade_path() {
            let g = env();
            assert_downgrade(&g, "-1", &[C], &[C], &[B]);
            assert_downgrade(&g, "-3", &[E], &[E, D, C], &[B]);
            assert_downgrade(&g, &format!("{A}+2"), &[D], &[D], &[C]);
            assert_downgrade(&g, &format!("{C}-2"), &[D], &[D, C, B], &[A]);
        }

        #[test]
        fn test_invalid_relative_downgrade_path() {
            let g = env();
            assert_message_starts(
                &downgrade_err(&g, "-5", &[B]),
                "Relative revision -5 didn't produce 5 migrations",
            );
            assert_message_starts(
                &downgrade_err(&g, "+2", &[B]),
                "Relative revision +2 didn't produce 2 migrations",
            );
        }

        #[test]
        fn test_invalid_move_rev_to_none() {
            assert_message_starts(
                &downgrade_err(&env(), &B[0..3], &[]),
                &format!(
                    "Destination {} is not a valid downgrade target from current head(s)",
                    &B[0..3]
                ),
            );
        }

        #[test]
        fn test_invalid_move_higher_to_lower() {
            assert_message_starts(
                &downgrade_err(&env(), &C[0..4], &[B]),
                &format!(
                    "Destination {} is not a valid downgrade target from current head(s)",
                    &C[0..4]
                ),
            );
        }

        #[test]
        fn test_stamp_to_base() {
            assert_eq!(
                stamp(&env(), &[D], &["base"]),
                [VersionUpdate::Delete(id(D))]
            );
        }
    }

    mod branched_path_test {
        use super::*;

        fn env() -> RevisionGraph {
            graph(vec![
                rev("a", &[]),
                rev("b", &["a"]),
                rev("c1", &["b"]).with_labels(&["c1branch"]),
                rev("d1", &["c1"]),
                rev("c2", &["b"]).with_labels(&["c2branch"]),
                rev("d2", &["c2"]),
            ])
        }

        #[test]
        fn test_stamp_down_across_multiple_branch_to_branchpoint() {
            // DELETE d1, UPDATE c2 to b.
            assert_eq!(
                stamp(&env(), &["d1", "c2"], &["b"]),
                [merge(&["d1"], "c2", "b")]
            );
        }

        #[test]
        fn test_stamp_to_labeled_base_multiple_heads() {
            assert_eq!(
                stamp(&env(), &["d1", "c2"], &["c1branch@base"]),
                [VersionUpdate::Delete(id("d1"))]
            );
        }

        #[test]
        fn test_stamp_to_labeled_head_multiple_heads() {
            // The c1branch remains unchanged.
            assert_eq!(
                stamp(&env(), &["d1", "c2"], &["c2branch@head"]),
                [merge(&[], "c2", "d2")]
            );
        }

        #[test]
        fn test_upgrade_single_branch() {
            assert_upgrade(&env(), "d1", &["b"], &["c1", "d1"], &["d1"]);
        }

        /// Alembic upgrades to the tuple (d1, d2): the heads.
        #[test]
        fn test_upgrade_multiple_branch() {
            assert_upgrade(
                &env(),
                "heads",
                &["a"],
                &["b", "c2", "d2", "c1", "d1"],
                &["d1", "d2"],
            );
        }

        #[test]
        fn test_downgrade_multiple_branch() {
            assert_downgrade(
                &env(),
                "a",
                &["d1", "d2"],
                &["d1", "c1", "d2", "c2", "b"],
                &["a"],
            );
        }

        #[test]
        fn test_relative_upgrade() {
            assert_upgrade(&env(), "c2branch@head-1", &["b"], &["c2"], &["c2"]);
        }

        #[test]
        fn test_relative_downgrade_baseplus2() {
            // base+2 is b, no branch label: drop everything above b.
            assert_downgrade(
                &env(),
                "base+2",
                &["d2", "d1"],
                &["d1", "c1", "d2", "c2"],
                &["b"],
            );
        }

        #[test]
        fn test_relative_downgrade_branchplus2() {
            // Only c2branch goes down, back to base+2 = b.
            assert_downgrade(
                &env(),
                "c2branch@base+2",
                &["d2", "d1"],
                &["d2", "c2"],
                &["d1"],
            );
        }

        #[test]
        fn test_relative_downgrade_branchplus3() {
            let g = env();
            assert_downgrade(&g, "c2", &["d2", "d1"], &["d2"], &["d1", "c2"]);
            assert_downgrade(&g, "c2branch@base+3", &["d2", "d1"], &["d2"], &["d1", "c2"]);
        }

        #[test]
        fn test_downgrade_once_order_right() {
            assert_downgrade(&env(), "-1", &["d2", "d1"], &["d2"], &["d1", "c2"]);
        }

        #[test]
        fn test_downgrade_once_order_right_unbalanced() {
            assert_downgrade(&env(), "-1", &["c2", "d1"], &["c2"], &["d1"]);
        }

        #[test]
        fn test_downgrade_once_order_left() {
            assert_downgrade(&env(), "-1", &["d1", "d2"], &["d1"], &["d2", "c1"]);
        }

        #[test]
        fn test_downgrade_once_order_left_unbalanced() {
            assert_downgrade(&env(), "-1", &["c1", "d2"], &["c1"], &["d2"]);
        }

        #[test]
        fn test_downgrade_once_order_left_unbalanced_labelled() {
            assert_downgrade(&env(), "c1branch@-1", &["d1", "d2"], &["d1"], &["c1", "d2"]);
        }

        #[test]
        fn test_downgrade_relative_order_right() {
            assert_downgrade(&env(), "d2-1", &["d2", "c1"], &["d2"], &["c1", "c2"]);
        }

        #[test]
        fn test_downgrade_relative_order_left() {
            assert_downgrade(&env(), "d2-1", &["c1", "d2"], &["d2"], &["c1", "c2"]);
        }

        #[test]
        fn test_downgrade_single_branch_c1branch() {
            assert_downgrade(&env(), "c1branch@b", &["c1", "d2"], &["c1"], &["d2"]);
        }

        #[test]
        fn test_downgrade_single_branch_c1branch_from_d1_head() {
            assert_downgrade(&env(), "c2branch@b", &["c1", "d2"], &["d2", "c2"], &["c1"]);
        }

        #[test]
        fn test_downgrade_single_branch_c2() {
            assert_downgrade(&env(), "c2@b", &["d1", "d2"], &["d2", "c2"], &["d1"]);
        }

        #[test]
        fn test_downgrade_single_branch_d1() {
            assert_downgrade(&env(), "d1@b", &["d1", "d2"], &["d1", "c1"], &["d2"]);
        }

        #[test]
        fn test_downgrade_relative_to_branch_head() {
            assert_downgrade(
                &env(),
                "c1branch@head-1",
                &["d1", "d2"],
                &["d1"],
                &["c1", "d2"],
            );
        }

        #[test]
        fn test_upgrade_other_branch_from_mergepoint() {
            assert_upgrade(&env(), "c2branch@+1", &["c1"], &["c2"], &["c1", "c2"]);
        }

        #[test]
        fn test_upgrade_one_branch_of_heads() {
            assert_upgrade(&env(), "c2branch@+1", &["c1", "c2"], &["d2"], &["c1", "d2"]);
        }

        #[test]
        fn test_ambiguous_upgrade() {
            assert_message_starts(
                &upgrade_err(&env(), "+1", &["c1", "c2"]),
                "Ambiguous upgrade from multiple current revisions",
            );
        }

        #[test]
        fn test_upgrade_from_base() {
            assert_upgrade(&env(), "base+1", &[], &["a"], &["a"]);
        }

        #[test]
        fn test_upgrade_from_base_implicit() {
            assert_upgrade(&env(), "+1", &[], &["a"], &["a"]);
        }

        #[test]
        fn test_downgrade_minus1_to_base() {
            assert_downgrade(&env(), "-1", &["a"], &["a"], &[]);
        }

        #[test]
        fn test_downgrade_minus1_from_base() {
            assert_message_starts(
                &downgrade_err(&env(), "-1", &[]),
                "Relative revision -1 didn't produce 1 migrations",
            );
        }

        #[test]
        fn test_downgrade_no_effect_branched() {
            let g = env();
            assert_downgrade(&g, "c2", &["d1", "c2"], &[], &["d1", "c2"]);
            assert_downgrade(&g, "d1", &["d1", "c2"], &[], &["d1", "c2"]);
        }
    }

    mod branch_from_mergepoint_test {
        use super::*;

        fn env() -> RevisionGraph {
            graph(vec![
                rev("a1", &[]),
                rev("b1", &["a1"]),
                rev("c1", &["b1"]),
                rev("a2", &[]),
                rev("b2", &["a2"]),
                rev("c2", &["b2"]),
                rev("d1", &["c1", "c2"]),
                rev("d2", &["c2"]),
            ])
        }

        #[test]
        fn test_mergepoint_to_only_one_side_upgrade() {
            assert_upgrade(&env(), "d1", &["d2", "b1"], &["c1", "d1"], &["d2", "d1"]);
        }

        #[test]
        fn test_mergepoint_to_only_one_side_downgrade() {
            assert_downgrade(&env(), "b1", &["d2", "d1"], &["d1", "c1"], &["d2", "b1"]);
        }
    }

    mod branch_from3_way_mergepoint_test {
        use super::*;

        fn env() -> RevisionGraph {
            graph(vec![
                rev("a1", &[]),
                rev("b1", &["a1"]),
                rev("c1", &["b1"]),
                rev("a2", &[]),
                rev("b2", &["a2"]),
                rev("c2", &["b2"]),
                rev("a3", &[]),
                rev("b3", &["a3"]),
                rev("c3", &["b3"]),
                rev("d1", &["c1", "c2", "c3"]),
                rev("d2", &["c2"]),
                rev("d3", &["c3"]),
            ])
        }

        #[test]
        fn test_mergepoint_to_only_one_side_upgrade() {
            assert_upgrade(
                &env(),
                "d1",
                &["d3", "d2", "b1"],
                &["c1", "d1"],
                &["d3", "d2", "d1"],
            );
        }

        #[test]
        fn test_mergepoint_to_only_one_side_downgrade() {
            assert_downgrade(
                &env(),
                "b1",
                &["d3", "d2", "d1"],
                &["d1", "c1"],
                &["d3", "d2", "b1"],
            );
        }

        #[test]
        fn test_mergepoint_to_two_sides_upgrade() {
            let g = env();
            // This merges b2 and b1 into d1.
            assert_upgrade(
                &g,
                "d1",
                &["d3", "b2", "b1"],
                &["c2", "c1", "d1"],
                &["d3", "d1"],
            );
            // But b2 breaks out again going on with it.
            assert_upgrade(&g, "d2", &["d3", "d1"], &["d2"], &["d3", "d2", "d1"]);
        }
    }

    mod twin_merge_test {
        use super::*;

        #[test]
        fn test_upgrade() {
            let g = graph(vec![
                rev("a", &[]),
                rev("b1", &["a"]),
                rev("b2", &["a"]),
                rev("b3", &["a"]),
                rev("c1", &["b1", "b2", "b3"]),
                rev("c2", &["b1", "b2", "b3"]),
                rev("d1", &["c1"]),
                rev("d2", &["c2"]),
            ]);
            assert_steps(
                &g,
                &["a"],
                &[
                    ("b3", &["b3"]),
                    ("b1", &["b1", "b3"]),
                    ("b2", &["b1", "b2", "b3"]),
                    ("c2", &["c2"]),
                    ("d2", &["d2"]),
                    ("c1", &["c1", "d2"]),
                    ("d1", &["d1", "d2"]),
                ],
            );
        }
    }

    mod not_quite_twin_merge_test {
        use super::*;

        #[test]
        fn test_upgrade() {
            let g = graph(vec![
                rev("a", &[]),
                rev("b1", &["a"]),
                rev("b2", &["a"]),
                rev("b3", &["a"]),
                rev("c1", &["b1", "b2"]),
                rev("c2", &["b2", "b3"]),
                rev("d1", &["c1"]),
                rev("d2", &["c2"]),
            ]);
            assert_steps(
                &g,
                &["a"],
                &[
                    ("b2", &["b2"]),
                    ("b3", &["b2", "b3"]),
                    ("c2", &["c2"]),
                    ("d2", &["d2"]),
                    ("b1", &["b1", "d2"]),
                    ("c1", &["c1", "d2"]),
                    ("d1", &["d1", "d2"]),
                ],
            );
        }
    }

    mod depends_on_branch_test_one {
        use super::*;

        fn env() -> RevisionGraph {
            graph(vec![
                rev("a1", &[]).with_labels(&["lib1"]),
                rev("b1", &["a1"]),
                rev("c1", &["b1"]),
                rev("a2", &[]),
                rev("b2", &["a2"]),
                dep("c2", &["b2"], &["c1"]),
                rev("d1", &["c1"]),
                rev("e1", &["d1"]),
                rev("f1", &["e1"]),
            ])
        }

        /// Alembic applies `down_(d1)` to the rows (c2, d1); the downgrade
        /// to c1 is that one step.
        #[test]
        fn test_downgrade_to_dependency() {
            assert_downgrade(&env(), "c1", &["c2", "d1"], &["d1"], &["c2"]);
        }

        #[test]
        fn test_stamp_across_dependency() {
            let (_, after) = stamp_rows(&env(), &["e1", "c2"], &["b1"], false);
            assert_eq!(after, ["b1"]);
        }
    }

    mod depends_on_branch_test_two {
        use super::*;

        #[test]
        fn test_kaboom() {
            let g = graph(vec![
                rev("a1", &[]),
                rev("a2", &[]),
                rev("a3", &[]),
                rev("amerge", &["a1", "a2", "a3"]),
                rev("b1", &[]),
                rev("b2", &[]),
                rev("bmerge", &["b1", "b2"]),
                rev("c1", &[]),
                rev("c2", &[]),
                rev("c3", &[]),
                rev("cmerge", &["c1", "c2", "c3"]),
                dep("d1", &[], &["a3", "b2", "c1"]),
            ]);
            // b2 isn't among the rows, but d1 is, which implies b2.
            assert_downgrade(
                &g,
                "b2",
                &["amerge", "bmerge", "cmerge", "d1"],
                &["bmerge"],
                &["amerge", "b1", "cmerge", "d1"],
            );
            // b2 has to be INSERTed, as d1 implied it.
            assert_downgrade(
                &g,
                "d1@base",
                &["amerge", "d1", "b1", "cmerge"],
                &["d1"],
                &["amerge", "b1", "b2", "cmerge"],
            );
            // "This ordering can vary a lot based on what sorting algorithm
            // is in use because it's all heads": Alembic's order, then the
            // rows.
            assert_downgrade(
                &g,
                "base",
                &["amerge", "b1", "b2", "cmerge"],
                &[
                    "amerge", "a1", "b1", "b2", "cmerge", "c1", "a2", "a3", "c2", "c3",
                ],
                &[],
            );
        }
    }

    mod depends_on_branch_test_three {
        use super::*;

        #[test]
        fn test_downgrade_over_crisscross() {
            let g = graph(vec![
                rev("a1", &[]),
                rev("a2", &["a1"]),
                rev("b1", &[]),
                dep("b2", &["b1"], &["a2"]),
                rev("b3", &["b2"]),
                dep("a3", &["a2"], &["b1"]),
            ]);
            // b1 stays applied, implied by a3.
            assert_downgrade(&g, "b1", &["a3", "b2"], &["b2"], &["a3"]);
        }
    }

    mod depends_on_own_downrev_test {
        use super::*;

        fn env() -> RevisionGraph {
            graph(vec![rev("a1", &[]), dep("a2", &["a1"], &["a1"])])
        }

        #[test]
        fn test_traverse() {
            assert_upgrade(&env(), "a2", &[], &["a1", "a2"], &["a2"]);
        }

        #[test]
        fn test_traverse_down() {
            assert_downgrade(&env(), "a1", &["a2"], &["a2"], &["a1"]);
        }
    }

    mod depends_on_branch_test_four {
        use super::*;

        #[test]
        fn test_dependencies_are_normalized() {
            let g = graph(vec![
                rev("a1", &[]),
                rev("a2", &["a1"]),
                rev("a3", &["a2"]),
                rev("b1", &[]),
                dep("b2", &["b1"], &["a3"]),
                rev("b3", &["b2"]),
                dep("b4", &["b3"], &["a3"]),
            ]);
            // a3 gets no row: b3 still implies it.
            assert_downgrade(&g, "b3", &["b4"], &["b4"], &["b3"]);
        }
    }

    mod depends_on_branch_test_five {
        use super::*;

        #[test]
        fn test_downgrade_to_depends_on() {
            let g = graph(vec![
                rev("a1", &[]),
                dep("b1", &[], &["a1"]),
                rev("bmerge", &["a1", "b1"]),
            ]);
            assert_upgrade(&g, "b1", &["a1"], &["b1"], &["b1"]);
            assert_upgrade(&g, "bmerge", &["b1"], &["bmerge"], &["bmerge"]);
            assert_downgrade(&g, "a1", &["bmerge"], &["bmerge"], &["b1"]);
            assert_downgrade(&g, "b1", &["bmerge"], &["bmerge"], &["b1"]);
        }
    }

    mod depends_on_branch_label_test {
        use super::*;

        #[test]
        fn test_upgrade_path() {
            let g = graph(vec![
                rev("a1", &[]).with_labels(&["lib1"]),
                rev("b1", &["a1"]),
                rev("c1", &["b1"]).with_labels(&["c1lib"]),
                rev("a2", &[]),
                rev("b2", &["a2"]),
                dep("c2", &["b2"], &["c1lib"]),
                rev("d1", &["c1"]),
                rev("e1", &["d1"]),
                rev("f1", &["e1"]),
            ]);
            assert_upgrade(&g, "c2", &["a2"], &["a1", "b1", "c1", "b2", "c2"], &["c2"]);
        }
    }

    mod forest_test {
        use super::*;

        fn env() -> RevisionGraph {
            graph(vec![
                rev("a1", &[]),
                rev("b1", &["a1"]),
                rev("a2", &[]),
                rev("b2", &["a2"]),
            ])
        }

        #[test]
        fn test_base_to_heads() {
            let plan = env().plan_upgrade(&[], "heads").unwrap();
            assert_eq!(plan_ids(&plan), ["a2", "b2", "a1", "b1"]);
        }

        #[test]
        fn test_stamp_to_heads() {
            let steps = stamp(&env(), &[], &["heads"]);
            assert_eq!(steps.len(), 2);
            let mut to: Vec<String> = steps
                .iter()
                .map(|s| match s {
                    VersionUpdate::Insert(r) => r.to_string(),
                    other => panic!("expected inserts, got {other:?}"),
                })
                .collect();
            to.sort();
            assert_eq!(to, ["b1", "b2"]);
        }

        #[test]
        fn test_stamp_to_heads_no_moves_needed() {
            assert!(stamp(&env(), &["b1", "b2"], &["heads"]).is_empty());
        }
    }

    mod merged_path_test {
        use super::*;

        fn env() -> RevisionGraph {
            graph(vec![
                rev("a", &[]),
                rev("b", &["a"]),
                rev("c1", &["b"]),
                rev("d1", &["c1"]),
                rev("c2", &["b"]).with_labels(&["c2branch"]),
                rev("d2", &["c2"]),
                rev("e", &["d1", "d2"]),
                rev("f", &["e"]),
            ])
        }

        #[test]
        fn test_stamp_down_across_merge_point_branch() {
            assert_eq!(stamp(&env(), &["e"], &["c2"]), [merge(&[], "e", "c2")]);
        }

        #[test]
        fn test_stamp_down_across_merge_prior_branching() {
            assert_eq!(stamp(&env(), &["e"], &["a"]), [merge(&[], "e", "a")]);
        }

        #[test]
        fn test_stamp_up_across_merge_from_single_branch() {
            assert_eq!(stamp(&env(), &["c2"], &["e"]), [merge(&[], "c2", "e")]);
        }

        #[test]
        fn test_stamp_labeled_head_across_merge_from_multiple_branch() {
            // d1 is in c2branch's lineage through the head f.
            assert_eq!(
                stamp(&env(), &["d1", "c2"], &["c2branch@head"]),
                [merge(&["d1"], "c2", "f")]
            );
        }

        #[test]
        fn test_stamp_up_across_merge_from_multiple_branch() {
            assert_eq!(
                stamp(&env(), &["d1", "c2"], &["e"]),
                [merge(&["d1"], "c2", "e")]
            );
        }

        #[test]
        fn test_stamp_up_across_merge_prior_branching() {
            assert_eq!(stamp(&env(), &["b"], &["e"]), [merge(&[], "b", "e")]);
        }

        #[test]
        fn test_upgrade_across_merge_point() {
            let plan = env().plan_upgrade(&rows(&["b"]), "f").unwrap();
            assert_eq!(plan_ids(&plan), ["c2", "d2", "c1", "d1", "e", "f"]);
            // b -> c1 creates a new branch; e merges the branches. The
            // test's comment says "DELETE d2, UPDATE d1->e"; what Alembic
            // does (`RevisionStep.merge_branch_idents(("d1", "d2"))`, no
            // other head) is DELETE d1, UPDATE d2 -> e: the last parent
            // keeps its row.
            assert_eq!(plan.steps[2].version, VersionUpdate::Insert(id("c1")));
            assert_eq!(plan.steps[4].version, merge(&["d1"], "d2", "e"));
        }

        #[test]
        fn test_downgrade_across_merge_point() {
            let plan = env().plan_downgrade(&rows(&["f"]), "b").unwrap();
            assert_eq!(plan_ids(&plan), ["f", "e", "d1", "c1", "d2", "c2"]);
            // e unmerges. The test's comments say "UPDATE e->d1, INSERT d2"
            // and "c2->b, delete branch"; Alembic's `HeadMaintainer` does
            // UPDATE e -> d2, INSERT d1 (the last parent takes the row), so
            // c1 -> b deletes its branch (b is below d2's row) and c2 -> b
            // updates the last row.
            assert_eq!(
                plan.steps[1].version,
                VersionUpdate::Unmerge {
                    from: id("e"),
                    to: id("d2"),
                    insert: vec![id("d1")],
                }
            );
            assert_eq!(plan.steps[3].version, VersionUpdate::Delete(id("c1")));
            assert_eq!(plan.steps[5].version, merge(&[], "c2", "b"));
        }
    }

    mod branched_path_test_cross_dependencies {
        use super::*;

        fn env() -> RevisionGraph {
            graph(vec![
                rev("a", &[]),
                rev("b", &["a"]),
                rev("c1", &["b"]).with_labels(&["c1branch"]),
                rev("d1", &["c1"]),
                rev("c2", &["b"]).with_labels(&["c2branch"]),
                dep("d2", &["c2"], &["c1"]),
            ])
        }

        #[test]
        fn test_downgrade_independent_branch() {
            assert_downgrade(&env(), "c2branch@b", &["d1", "d2"], &["d2", "c2"], &["d1"]);
        }

        #[test]
        fn test_downgrade_branch_dependency() {
            let g = env();
            let plan = g
                .plan_downgrade(&rows(&["d1", "d2"]), "c1branch@b")
                .unwrap();
            let order = plan_ids(&plan);
            let mut set = order.clone();
            set.sort();
            assert_eq!(set, ["c1", "d1", "d2"]);
            let at = |r: &str| order.iter().position(|x| x == r).unwrap();
            assert!(at("d1") < at("c1") && at("d2") < at("c1"), "{order:?}");
            let after = plan.apply(&rows(&["d1", "d2"])).unwrap();
            assert_eq!(sorted(after), ["c2"]);
        }
    }
}

/// The resolve errors above are `PlanError::Resolve`: keep the variants
/// reachable for the messages' sake.
#[test]
fn alembic_relative_errors_are_resolve_errors() {
    let g = graph(vec![rev("a", &[]), rev("b", &["a"])]);
    assert!(matches!(
        g.plan_downgrade(&[], "-1"),
        Err(PlanError::Resolve(ResolveError::RelativeOutOfRange { .. }))
    ));
}
