//! Linear and branched paths, and branches from merge points.

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
