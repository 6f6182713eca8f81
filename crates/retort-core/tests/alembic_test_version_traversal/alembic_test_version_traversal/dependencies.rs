//! `depends_on` between branches, forests and merged paths.

use super::*;

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
