//! Helpers shared by the graph test binaries: graphs written inline.
#![allow(dead_code)]

use retort_core::graph::{Direction, Plan, RevisionGraph, VersionUpdate};
use retort_core::{Revision, RevisionId};

/// `rev("b", &["a"])`: a revision with parents.
pub fn rev(id: &str, parents: &[&str]) -> Revision {
    Revision::new(id, parents)
}

/// Builds a graph, panicking on an invalid one (tests only).
pub fn graph(revs: Vec<Revision>) -> RevisionGraph {
    RevisionGraph::new(revs).expect("valid graph")
}

/// Ids of revisions.
pub fn ids<'a>(revs: impl IntoIterator<Item = &'a Revision>) -> Vec<String> {
    revs.into_iter().map(|r| r.id.to_string()).collect()
}

/// Row values from strings.
pub fn rows(ids: &[&str]) -> Vec<RevisionId> {
    ids.iter().map(|s| RevisionId::new(*s)).collect()
}

/// The revisions of a plan, in order.
pub fn plan_ids(plan: &Plan) -> Vec<String> {
    plan.steps.iter().map(|s| s.revision.to_string()).collect()
}

/// Sorted row values.
pub fn sorted(mut rows: Vec<RevisionId>) -> Vec<String> {
    rows.sort();
    rows.into_iter().map(|r| r.to_string()).collect()
}

/// Plans an upgrade, checks the order and the final rows (as a set).
pub fn assert_upgrade(
    g: &RevisionGraph,
    target: &str,
    from: &[&str],
    order: &[&str],
    end: &[&str],
) {
    let plan = g
        .plan_upgrade(&rows(from), target)
        .unwrap_or_else(|e| panic!("upgrade {target}: {e}"));
    assert_eq!(plan.direction, Direction::Upgrade);
    assert_eq!(plan_ids(&plan), order, "upgrade {target} from {from:?}");
    let after = plan.apply(&rows(from)).expect("plan applies");
    assert_eq!(
        sorted(after),
        sorted(rows(end)),
        "rows after upgrade {target} from {from:?}"
    );
}

/// Plans a downgrade, checks the order and the final rows (as a set).
pub fn assert_downgrade(
    g: &RevisionGraph,
    target: &str,
    from: &[&str],
    order: &[&str],
    end: &[&str],
) {
    let plan = g
        .plan_downgrade(&rows(from), target)
        .unwrap_or_else(|e| panic!("downgrade {target}: {e}"));
    assert_eq!(plan.direction, Direction::Downgrade);
    assert_eq!(plan_ids(&plan), order, "downgrade {target} from {from:?}");
    let after = plan.apply(&rows(from)).expect("plan applies");
    assert_eq!(
        sorted(after),
        sorted(rows(end)),
        "rows after downgrade {target} from {from:?}"
    );
}

/// Applies stamp updates to rows.
pub fn stamp_rows(
    g: &RevisionGraph,
    from: &[&str],
    targets: &[&str],
    purge: bool,
) -> (Vec<VersionUpdate>, Vec<String>) {
    let updates = g
        .plan_stamp(&rows(from), targets, purge)
        .unwrap_or_else(|e| panic!("stamp {targets:?}: {e}"));
    let mut r = rows(from);
    for u in &updates {
        u.apply(&mut r).expect("stamp applies");
    }
    (updates, sorted(r))
}
