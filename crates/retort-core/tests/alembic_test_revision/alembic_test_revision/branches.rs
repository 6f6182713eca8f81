//! Several branches: effective heads and travelling between branches.

use super::*;

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
                "fe1b1", "e1b1", "merge", "e2b1", "db1", "cb1", "b1", "e2b2", "db2", "cb2", "b2",
                "a3",
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
                "merge", "e2b1", "db1", "cb1", "b1", "e2b2", "db2", "cb2", "b2", "a3", "a2", "a1",
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
                "fe1b1", "e1b1", "merge", "e2b1", "db1", "cb1", "b1", "e2b2", "db2", "cb2", "b2",
                "a3", "a2", "a1",
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
