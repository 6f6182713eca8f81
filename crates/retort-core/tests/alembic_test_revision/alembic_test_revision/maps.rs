//! The large map and normalised down revisions.

use super::*;

mod large_map_test {
    use super::*;

    include!("../../alembic/large_map.rs");

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
