//! `RevisionMap` basics: the API, a diamond, an empty map, labelled and long/short branches.

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
