//! Several bases, and dependencies across them.

use super::*;

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
        "b1a", "a1a", "b1b", "a1b", "base1", "d2", "c2", "b2", "a2", "base2", "b3", "a3", "base3",
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
                "c1", "b1", "a1", "d2", "c2", "d3", "c3", "b3", "a3", "base3", "b2", "a2", "base2",
                "base1",
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
