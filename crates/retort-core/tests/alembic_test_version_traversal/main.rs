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

#[path = "../common/mod.rs"]
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
    mod dependencies;
    mod paths;
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
