//! Property tests on random DAGs (bases, branches, merges, depends_on):
//! a full upgrade applies every revision once, parents and dependencies
//! first, and ends on the heads; the full downgrade undoes it in reverse.

mod common;

use std::collections::HashMap;

use common::{rev, sorted};
use proptest::prelude::*;
use retort_core::Config;
use retort_core::graph::Glyphs;
use retort_core::graph::RevisionGraph;
use retort_core::lint::{LintOptions, lint};
use retort_core::{Revision, RevisionId};

/// A random DAG: revision `i` picks parents and dependencies among `0..i`.
fn dag() -> impl Strategy<Value = Vec<Revision>> {
    (1usize..40).prop_flat_map(|n| {
        let per_node = (
            prop::collection::vec(any::<prop::sample::Index>(), 0..3),
            prop::collection::vec(any::<prop::sample::Index>(), 0..2),
            0u8..10,
        );
        prop::collection::vec(per_node, n).prop_map(|spec| {
            spec.into_iter()
                .enumerate()
                .map(|(i, (parents, deps, kind))| {
                    let id = format!("r{i:03}");
                    let mut ps: Vec<String> = Vec::new();
                    // kind 0..2: a new base; 2..8: one parent; 8..: merge.
                    if i > 0 && kind >= 2 {
                        let take = if kind >= 8 {
                            parents.len()
                        } else {
                            parents.len().min(1)
                        };
                        for p in parents.iter().take(take.max(1)) {
                            let p = format!("r{:03}", p.index(i));
                            if !ps.contains(&p) {
                                ps.push(p);
                            }
                        }
                    }
                    let refs: Vec<&str> = ps.iter().map(String::as_str).collect();
                    let mut r = rev(&id, &refs);
                    if i > 0 && kind % 3 == 0 {
                        r.depends_on = deps.iter().map(|d| format!("r{:03}", d.index(i))).collect();
                    }
                    r
                })
                .collect()
        })
    })
}

fn check_full_cycle(revs: Vec<Revision>) -> Result<(), TestCaseError> {
    let g = RevisionGraph::new(revs.clone()).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let plan = g
        .plan_upgrade(&[], "heads")
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let order: Vec<String> = plan.steps.iter().map(|s| s.revision.to_string()).collect();
    prop_assert_eq!(order.len(), revs.len(), "every revision once: {:?}", order);
    let pos: HashMap<&str, usize> = order
        .iter()
        .enumerate()
        .map(|(k, id)| (id.as_str(), k))
        .collect();
    prop_assert_eq!(pos.len(), revs.len());
    for r in &revs {
        for p in r
            .down_revisions
            .iter()
            .map(|p| p.as_str())
            .chain(r.depends_on.iter().map(String::as_str))
        {
            prop_assert!(
                pos[p] < pos[r.id.as_str()],
                "{} before {} in {:?}",
                p,
                r.id,
                order
            );
        }
    }
    let rows = plan
        .apply(&[])
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let heads: Vec<RevisionId> = g.heads().iter().map(|r| r.id.clone()).collect();
    let real: Vec<RevisionId> = g
        .heads_resolving_dependencies()
        .iter()
        .map(|r| r.id.clone())
        .collect();
    // The rows are the heads once dependencies count, a subset of `heads`.
    prop_assert_eq!(sorted(rows.clone()), sorted(real));
    prop_assert!(rows.iter().all(|r| heads.contains(r)));

    let down = g
        .plan_downgrade(&rows, "base")
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let back: Vec<String> = down.steps.iter().map(|s| s.revision.to_string()).collect();
    prop_assert_eq!(
        back.len(),
        revs.len(),
        "every revision undone once: {:?}",
        back
    );
    let pos: HashMap<&str, usize> = back
        .iter()
        .enumerate()
        .map(|(k, id)| (id.as_str(), k))
        .collect();
    prop_assert_eq!(pos.len(), revs.len());
    for r in &revs {
        for p in r
            .down_revisions
            .iter()
            .map(|p| p.as_str())
            .chain(r.depends_on.iter().map(String::as_str))
        {
            prop_assert!(
                pos[r.id.as_str()] < pos[p],
                "{} before {} in {:?}",
                r.id,
                p,
                back
            );
        }
    }
    let end = down
        .apply(&rows)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert!(
        end.is_empty(),
        "rows left after downgrade to base: {:?}",
        end
    );

    // History lists everything, newest first.
    let hist = g
        .history(None)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(hist.len(), revs.len());
    Ok(())
}

/// `graph`'s drawing of a random DAG: each revision on one row, in
/// history order, with exactly one node glyph; lanes never outnumber the
/// revisions; the current revisions are marked.
fn check_drawing(revs: Vec<Revision>) -> Result<(), TestCaseError> {
    let g = RevisionGraph::new(revs.clone()).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let history = g
        .history(None)
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let current: Vec<&str> = history.iter().step_by(3).map(|r| r.id.as_str()).collect();
    for glyphs in [Glyphs::Unicode, Glyphs::Ascii] {
        let rows = g.draw(&history, &current, glyphs);
        let on_rows: Vec<usize> = rows.iter().filter_map(|r| r.revision).collect();
        prop_assert_eq!(on_rows, (0..history.len()).collect::<Vec<_>>());
        for row in &rows {
            prop_assert!(
                row.lanes.chars().count() <= 2 * revs.len() + 1,
                "{:?}",
                row.lanes
            );
            let Some(k) = row.revision else { continue };
            let nodes: Vec<char> = row
                .lanes
                .chars()
                .filter(|c| matches!(c, '●' | '◉' | '*' | '@'))
                .collect();
            prop_assert_eq!(nodes.len(), 1, "{:?}", row.lanes);
            let marked = matches!(nodes[0], '◉' | '@');
            prop_assert_eq!(marked, current.contains(&history[k].id.as_str()));
        }
    }
    Ok(())
}

/// `lint` of a random DAG without operations: `multiple-heads` exactly
/// when it has more than one head, and nothing else.
fn check_lint(revs: Vec<Revision>) -> Result<(), TestCaseError> {
    let g = RevisionGraph::new(revs).map_err(|e| TestCaseError::fail(e.to_string()))?;
    let report = lint(&g, &Config::default(), &LintOptions::default())
        .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let heads = report
        .findings
        .iter()
        .filter(|f| f.rule == "multiple-heads")
        .count();
    prop_assert_eq!(heads > 0, g.heads().len() > 1, "{:?}", report.findings);
    prop_assert!(report.findings.iter().all(|f| f.rule == "multiple-heads"));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn drawings_show_every_revision_once(revs in dag()) {
        check_drawing(revs)?;
    }

    #[test]
    fn lint_reports_multiple_heads_exactly(revs in dag()) {
        check_lint(revs)?;
    }

    #[test]
    fn upgrade_to_heads_then_back_to_base(revs in dag()) {
        check_full_cycle(revs)?;
    }

    #[test]
    fn stepwise_upgrades_reach_the_same_rows(revs in dag()) {
        let g = RevisionGraph::new(revs.clone()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        // Upgrading one head at a time ends where `upgrade heads` ends.
        let mut rows: Vec<RevisionId> = Vec::new();
        for head in g.heads_resolving_dependencies() {
            let plan = g.plan_upgrade(&rows, &head.id).map_err(|e| TestCaseError::fail(e.to_string()))?;
            rows = plan.apply(&rows).map_err(|e| TestCaseError::fail(e.to_string()))?;
        }
        let full = g.plan_upgrade(&[], "heads").map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(sorted(rows), sorted(full.apply(&[]).unwrap()));
    }
}
