//! Alembic 1.20.1's `tests/test_command.py`, ported where the command's
//! result is the revision graph's: `history` ranges (relative ends,
//! `current:`), `current` (`_get_all_current` after stamps and upgrades),
//! and `stamp` with several revisions (the version table statements as
//! row changes). Each test is named after the Alembic test it ports
//! (module = Alembic test class) and asserts Alembic's expected values.
//!
//! `stamp --sql FROM:TO` is ported as a stamp from the rows `FROM`.

mod common;

use common::{graph, ids, rev, rows, sorted, stamp_rows as stamp};
use retort_core::graph::{RevisionGraph, VersionUpdate};
use retort_core::{Revision, RevisionId};

fn dep(id: &str, parents: &[&str], deps: &[&str]) -> Revision {
    rev(id, parents).with_depends_on(deps)
}

/// `three_rev_fixture`: a -> b -> c.
fn three_revs() -> RevisionGraph {
    graph(vec![rev("a", &[]), rev("b", &["a"]), rev("c", &["b"])])
}

/// `multi_heads_fixture` on top: b -> d -> e, b -> f.
fn multi_heads() -> RevisionGraph {
    graph(vec![
        rev("a", &[]),
        rev("b", &["a"]),
        rev("c", &["b"]),
        rev("d", &["b"]),
        rev("e", &["d"]),
        rev("f", &["b"]),
    ])
}

fn history(g: &RevisionGraph, range: &str) -> Vec<String> {
    ids(g
        .history(Some(range))
        .unwrap_or_else(|e| panic!("history {range}: {e}")))
}

fn history_current(g: &RevisionGraph, range: &str, current: &[&str]) -> Vec<String> {
    ids(g
        .history_with_current(Some(range), Some(&rows(current)))
        .unwrap_or_else(|e| panic!("history {range}: {e}")))
}

/// `_StampTest._assert_sql(sql, origin, destinations)`: the first
/// statement updates `origin` when given, every other inserts, and the
/// statements reach exactly `destinations`.
#[track_caller]
fn assert_sql(updates: &[VersionUpdate], origin: Option<&str>, destinations: &[&str]) {
    let statements: Vec<&VersionUpdate> = updates
        .iter()
        .filter(|u| !matches!(u, VersionUpdate::Purge))
        .collect();
    let mut reached: Vec<String> = Vec::new();
    for (k, u) in statements.iter().enumerate() {
        match (u, origin) {
            (VersionUpdate::Update { from, to }, Some(o)) if k == 0 => {
                assert_eq!(from.as_str(), o, "{updates:?}");
                reached.push(to.to_string());
            }
            (VersionUpdate::Insert(to), _) if k > 0 || origin.is_none() => {
                reached.push(to.to_string());
            }
            _ => panic!("unexpected statement {u:?} in {updates:?}"),
        }
    }
    reached.sort();
    let mut expected: Vec<String> = destinations.iter().map(|d| d.to_string()).collect();
    expected.sort();
    assert_eq!(reached, expected, "{updates:?}");
}

fn all_current(g: &RevisionGraph, current: &[RevisionId]) -> Vec<String> {
    let mut got = ids(g.all_current(current));
    got.sort();
    got
}

mod alembic_test_command {
    use super::*;

    mod history_test {
        use super::*;

        #[test]
        fn test_history_full() {
            assert_eq!(ids(three_revs().history(None).unwrap()), ["c", "b", "a"]);
        }

        #[test]
        fn test_history_num_range() {
            assert_eq!(history(&three_revs(), "a:b"), ["b", "a"]);
        }

        #[test]
        fn test_history_base_to_num() {
            assert_eq!(history(&three_revs(), ":b"), ["b", "a"]);
        }

        #[test]
        fn test_history_num_to_head() {
            assert_eq!(history(&three_revs(), "a:"), ["c", "b", "a"]);
        }

        #[test]
        fn test_history_num_plus_relative() {
            assert_eq!(history(&three_revs(), "a:+2"), ["c", "b", "a"]);
        }

        #[test]
        fn test_history_relative_to_num() {
            assert_eq!(history(&three_revs(), "-2:c"), ["c", "b", "a"]);
        }

        #[test]
        fn test_history_too_large_relative_to_num() {
            assert_eq!(history(&three_revs(), "-5:c"), ["c", "b", "a"]);
        }

        #[test]
        fn test_history_current_to_head_as_b() {
            assert_eq!(
                history_current(&three_revs(), "current:", &["b"]),
                ["c", "b"]
            );
        }

        #[test]
        fn test_history_current_to_head_as_base() {
            assert_eq!(
                history_current(&three_revs(), "current:", &[]),
                ["c", "b", "a"]
            );
        }
    }

    mod current_test {
        use super::*;

        fn env() -> RevisionGraph {
            graph(vec![
                rev("a1", &[]),
                rev("a2", &["a1"]),
                rev("a3", &["a2"]),
                rev("b1", &[]),
                dep("b2", &["b1"], &["a2"]),
                rev("b3", &["b2"]),
            ])
        }

        /// `current` after `stamp ()` then `stamp TARGETS`.
        fn current_after_stamp(targets: &[&str]) -> Vec<String> {
            let g = env();
            let updates = g.plan_stamp(&[], targets, false).unwrap();
            let mut r = Vec::new();
            for u in &updates {
                u.apply(&mut r).unwrap();
            }
            all_current(&g, &r)
        }

        #[test]
        fn test_no_current() {
            assert!(current_after_stamp(&[]).is_empty());
        }

        #[test]
        fn test_plain_current() {
            assert_eq!(current_after_stamp(&["a3"]), ["a3"]);
        }

        #[test]
        fn test_two_heads() {
            assert_eq!(current_after_stamp(&["a1", "b1"]), ["a1", "b1"]);
        }

        #[test]
        fn test_heads_one_is_dependent() {
            assert_eq!(current_after_stamp(&["b2"]), ["a2", "b2"]);
        }

        #[test]
        fn test_heads_upg() {
            let g = env();
            let plan = g.plan_upgrade(&rows(&["b2"]), "b3").unwrap();
            let after = plan.apply(&rows(&["b2"])).unwrap();
            assert_eq!(all_current(&g, &after), ["a2", "b3"]);
        }
    }

    mod stamp_multiple_roots_test {
        use super::*;

        fn env() -> RevisionGraph {
            graph(vec![
                rev("a1", &[]),
                rev("b1", &["a1"]),
                rev("c1", &["b1"]),
                rev("a2", &[]),
                rev("b2", &["a2"]),
                rev("c2", &["b2"]),
            ])
        }

        #[test]
        fn test_sql_stamp_heads() {
            let (updates, _) = stamp(&env(), &[], &["heads"], false);
            assert_sql(&updates, None, &["c1", "c2"]);
        }

        #[test]
        fn test_sql_stamp_single_head() {
            let (updates, _) = stamp(&env(), &[], &["c1@head"], false);
            assert_sql(&updates, None, &["c1"]);
        }
    }

    mod stamp_multiple_heads_test {
        use super::*;

        #[test]
        fn test_sql_stamp_heads() {
            let (updates, _) = stamp(&multi_heads(), &[], &["heads"], false);
            assert_sql(&updates, None, &["c", "e", "f"]);
        }

        #[test]
        fn test_sql_stamp_multi_rev_nonsensical() {
            // "This shouldn't be possible, because e/f require b": Alembic
            // does it.
            let (updates, _) = stamp(&multi_heads(), &[], &["a", "e", "f"], false);
            assert_sql(&updates, None, &["a", "e", "f"]);
        }

        #[test]
        fn test_sql_stamp_multi_rev_from_multi_base_nonsensical() {
            // base:a, base:e, base:f with --sql.
            let (updates, _) = stamp(&multi_heads(), &[], &["a", "e", "f"], false);
            assert_sql(&updates, None, &["a", "e", "f"]);
        }

        #[test]
        fn test_online_stamp_multi_rev_nonsensical() {
            let (updates, after) = stamp(&multi_heads(), &[], &["a", "e", "f"], false);
            assert_sql(&updates, None, &["a", "e", "f"]);
            assert_eq!(after, ["a", "e", "f"]);
        }

        #[test]
        fn test_online_stamp_multi_rev_from_real_ancestor() {
            let g = multi_heads();
            let (_, after) = stamp(&g, &[], &["a"], false);
            assert_eq!(after, ["a"]);
            let (updates, after) = stamp(&g, &["a"], &["e", "f"], false);
            assert_sql(&updates, Some("a"), &["e", "f"]);
            assert_eq!(after, ["e", "f"]);
        }

        #[test]
        fn test_online_stamp_version_already_there() {
            let g = multi_heads();
            let (_, after) = stamp(&g, &[], &["c", "e"], false);
            assert_eq!(after, ["c", "e"]);
            let (updates, after) = stamp(&g, &["c", "e"], &["c", "e"], false);
            assert!(updates.is_empty(), "{updates:?}");
            assert_eq!(after, ["c", "e"]);
        }

        #[test]
        fn test_sql_stamp_multi_rev_from_multi_start() {
            // b:c, b:e, b:f with --sql.
            let (updates, after) = stamp(&multi_heads(), &["b"], &["c", "e", "f"], false);
            assert_sql(&updates, Some("b"), &["c", "e", "f"]);
            assert_eq!(after, ["c", "e", "f"]);
        }

        #[test]
        fn test_sql_stamp_heads_symbolic() {
            // b:heads with --sql.
            let (updates, _) = stamp(&multi_heads(), &["b"], &["heads"], false);
            assert_sql(&updates, Some("b"), &["c", "e", "f"]);
        }

        #[test]
        fn test_stamp_purge() {
            // The row holds a revision that does not exist.
            let g = multi_heads();
            let updates = g
                .plan_stamp(&[RevisionId::new("fake")], &["a", "e", "f"], true)
                .unwrap();
            assert_eq!(updates[0], VersionUpdate::Purge);
            assert_sql(&updates, None, &["a", "e", "f"]);
            let mut r = vec![RevisionId::new("fake")];
            for u in &updates {
                u.apply(&mut r).unwrap();
            }
            assert_eq!(sorted(r), ["a", "e", "f"]);
        }
    }

    mod live_stamp_test {
        use super::*;

        fn env() -> RevisionGraph {
            graph(vec![rev("a", &[]), rev("b", &["a"])])
        }

        #[test]
        fn test_stamp_creates_table() {
            assert_eq!(stamp(&env(), &[], &["head"], false).1, ["b"]);
        }

        #[test]
        fn test_stamp_existing_upgrade() {
            assert_eq!(stamp(&env(), &["a"], &["b"], false).1, ["b"]);
        }

        #[test]
        fn test_stamp_existing_downgrade() {
            assert_eq!(stamp(&env(), &["b"], &["a"], false).1, ["a"]);
        }

        #[test]
        fn test_stamp_version_already_there() {
            let (updates, after) = stamp(&env(), &["b"], &["b"], false);
            assert!(updates.is_empty());
            assert_eq!(after, ["b"]);
        }
    }
}
