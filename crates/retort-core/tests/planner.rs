//! The planner: upgrade, downgrade, stamp and offline ranges, with the
//! version rows after each plan. Cases are ported from Alembic's
//! `tests/test_version_traversal.py` with their expected orders.

mod common;

use common::{assert_downgrade, assert_upgrade, graph, plan_ids, rev, rows, sorted, stamp_rows};
use retort_core::graph::{Direction, PlanError, ResolveError, RevisionGraph, VersionUpdate};

fn linear() -> RevisionGraph {
    graph(vec![
        rev("a", &[]),
        rev("b", &["a"]),
        rev("c", &["b"]),
        rev("d", &["c"]),
        rev("e", &["d"]),
    ])
}

#[test]
fn linear_paths() {
    let g = linear();
    assert_downgrade(&g, "base", &[], &[], &[]);
    assert_downgrade(&g, "a", &["a"], &[], &["a"]);
    assert_downgrade(&g, "e", &["e"], &[], &["e"]);
    assert_upgrade(&g, "e", &["c"], &["d", "e"], &["e"]);
    assert_upgrade(&g, "c", &[], &["a", "b", "c"], &["c"]);
    assert_upgrade(&g, "head", &[], &["a", "b", "c", "d", "e"], &["e"]);
    assert_downgrade(&g, "c", &["e"], &["e", "d"], &["c"]);
    assert_downgrade(&g, "base", &["c"], &["c", "b", "a"], &[]);
}

#[test]
fn linear_relative_paths() {
    let g = linear();
    assert_upgrade(&g, "+2", &["a"], &["b", "c"], &["c"]);
    assert_upgrade(&g, "+1", &["a"], &["b"], &["b"]);
    assert_upgrade(&g, "+3", &["b"], &["c", "d", "e"], &["e"]);
    assert_upgrade(&g, "b+2", &["a"], &["b", "c", "d"], &["d"]);
    assert_upgrade(&g, "d-2", &["a"], &["b"], &["b"]);
    assert_downgrade(&g, "-1", &["c"], &["c"], &["b"]);
    assert_downgrade(&g, "-3", &["e"], &["e", "d", "c"], &["b"]);
    assert_downgrade(&g, "a+2", &["d"], &["d"], &["c"]);
    assert_downgrade(&g, "c-2", &["d"], &["d", "c", "b"], &["a"]);
}

#[test]
fn linear_relative_errors() {
    let g = linear();
    let e = g.plan_upgrade(&rows(&["b"]), "-2").unwrap_err();
    assert_eq!(
        e.to_string().split(';').next().unwrap(),
        "Relative revision -2 didn't produce 2 migrations"
    );
    let e = g.plan_upgrade(&rows(&["b"]), "+5").unwrap_err();
    assert_eq!(
        e.to_string().split(';').next().unwrap(),
        "Relative revision +5 didn't produce 5 migrations"
    );
    let e = g.plan_downgrade(&rows(&["b"]), "-5").unwrap_err();
    assert!(matches!(
        e,
        PlanError::Resolve(ResolveError::RelativeOutOfRange { steps: 5, .. })
    ));
    let e = g.plan_downgrade(&rows(&["b"]), "+2").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("Relative revision +2 didn't produce 2 migrations")
    );
    let e = g.plan_downgrade(&[], "-1").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("Relative revision -1 didn't produce 1 migrations")
    );
}

#[test]
fn invalid_downgrade_destinations() {
    let g = linear();
    let e = g.plan_downgrade(&[], "b").unwrap_err();
    assert!(matches!(e, PlanError::InvalidDowngradeTarget { .. }));
    assert!(
        e.to_string()
            .starts_with("Destination b is not a valid downgrade target from current head(s)")
    );
    let e = g.plan_downgrade(&rows(&["b"]), "c").unwrap_err();
    assert!(matches!(e, PlanError::InvalidDowngradeTarget { .. }));
}

#[test]
fn unknown_current_row() {
    let g = linear();
    let e = g.plan_upgrade(&rows(&["zzz"]), "head").unwrap_err();
    assert_eq!(e, PlanError::UnknownCurrent { id: "zzz".into() });
    assert!(e.to_string().contains("zzz"));
    assert!(matches!(
        g.plan_upgrade(&[], "nope"),
        Err(PlanError::Resolve(ResolveError::UnknownRevision { .. }))
    ));
}

#[test]
fn stamp_linear() {
    let g = linear();
    let (updates, after) = stamp_rows(&g, &["d"], &["base"], false);
    assert_eq!(updates, [VersionUpdate::Delete("d".into())]);
    assert!(after.is_empty());
    let (updates, after) = stamp_rows(&g, &["b"], &["d"], false);
    assert_eq!(
        updates,
        [VersionUpdate::Update {
            from: "b".into(),
            to: "d".into()
        }]
    );
    assert_eq!(after, ["d"]);
    let (updates, after) = stamp_rows(&g, &["d"], &["b"], false);
    assert_eq!(
        updates,
        [VersionUpdate::Update {
            from: "d".into(),
            to: "b".into()
        }]
    );
    assert_eq!(after, ["b"]);
    let (updates, after) = stamp_rows(&g, &[], &["head"], false);
    assert_eq!(updates, [VersionUpdate::Insert("e".into())]);
    assert_eq!(after, ["e"]);
    let (updates, _) = stamp_rows(&g, &["e"], &["head"], false);
    assert!(updates.is_empty());
}

#[test]
fn stamp_purge_ignores_bad_rows() {
    let g = linear();
    let updates = g.plan_stamp(&rows(&["gone", "c"]), &["b"], true).unwrap();
    assert_eq!(
        updates,
        [VersionUpdate::Purge, VersionUpdate::Insert("b".into())]
    );
    let mut r = rows(&["gone", "c"]);
    for u in &updates {
        u.apply(&mut r).unwrap();
    }
    assert_eq!(sorted(r), ["b"]);
    assert!(matches!(
        g.plan_stamp(&rows(&["gone"]), &["b"], false),
        Err(PlanError::UnknownCurrent { .. })
    ));
}

/// a -> b -> c1 (c1branch) -> d1, b -> c2 (c2branch) -> d2
fn branched() -> RevisionGraph {
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
fn branched_stamps() {
    let g = branched();
    let (u, after) = stamp_rows(&g, &["d1", "c2"], &["b"], false);
    assert_eq!(
        u,
        [VersionUpdate::Merge {
            delete: vec!["d1".into()],
            from: "c2".into(),
            to: "b".into()
        }]
    );
    assert_eq!(after, ["b"]);
    let (u, after) = stamp_rows(&g, &["d1", "c2"], &["c1branch@base"], false);
    assert_eq!(u, [VersionUpdate::Delete("d1".into())]);
    assert_eq!(after, ["c2"]);
    let (u, after) = stamp_rows(&g, &["d1", "c2"], &["c2branch@head"], false);
    assert_eq!(
        u,
        [VersionUpdate::Update {
            from: "c2".into(),
            to: "d2".into()
        }]
    );
    assert_eq!(after, ["d1", "d2"]);
}

#[test]
fn branched_upgrades_and_downgrades() {
    let g = branched();
    assert_upgrade(&g, "d1", &["b"], &["c1", "d1"], &["d1"]);
    assert_upgrade(
        &g,
        "heads",
        &["a"],
        &["b", "c2", "d2", "c1", "d1"],
        &["d1", "d2"],
    );
    assert_downgrade(
        &g,
        "a",
        &["d1", "d2"],
        &["d1", "c1", "d2", "c2", "b"],
        &["a"],
    );
    assert_upgrade(&g, "c2branch@head-1", &["b"], &["c2"], &["c2"]);
    assert_downgrade(
        &g,
        "base+2",
        &["d2", "d1"],
        &["d1", "c1", "d2", "c2"],
        &["b"],
    );
    assert_downgrade(&g, "c2branch@base+2", &["d2", "d1"], &["d2", "c2"], &["d1"]);
    assert_downgrade(&g, "c2", &["d2", "d1"], &["d2"], &["d1", "c2"]);
    assert_downgrade(&g, "c2branch@base+3", &["d2", "d1"], &["d2"], &["d1", "c2"]);
}

#[test]
fn downgrade_minus_one_from_several_heads_takes_the_first_row() {
    let g = branched();
    assert_downgrade(&g, "-1", &["d2", "d1"], &["d2"], &["d1", "c2"]);
    assert_downgrade(&g, "-1", &["c2", "d1"], &["c2"], &["d1"]);
    assert_downgrade(&g, "-1", &["d1", "d2"], &["d1"], &["d2", "c1"]);
    assert_downgrade(&g, "-1", &["c1", "d2"], &["c1"], &["d2"]);
    assert_downgrade(&g, "c1branch@-1", &["d1", "d2"], &["d1"], &["c1", "d2"]);
    assert_downgrade(&g, "d2-1", &["d2", "c1"], &["d2"], &["c1", "c2"]);
    assert_downgrade(&g, "d2-1", &["c1", "d2"], &["d2"], &["c1", "c2"]);
}

#[test]
fn downgrade_a_single_branch() {
    let g = branched();
    assert_downgrade(&g, "c1branch@b", &["c1", "d2"], &["c1"], &["d2"]);
    assert_downgrade(&g, "c2branch@b", &["c1", "d2"], &["d2", "c2"], &["c1"]);
    assert_downgrade(&g, "c2@b", &["d1", "d2"], &["d2", "c2"], &["d1"]);
    assert_downgrade(&g, "d1@b", &["d1", "d2"], &["d1", "c1"], &["d2"]);
    assert_downgrade(&g, "c1branch@head-1", &["d1", "d2"], &["d1"], &["c1", "d2"]);
}

#[test]
fn downgrade_label_at_base_with_one_shared_base_drops_everything() {
    // Alembic narrows `label@base` to the label's branch only among several
    // bases; with one shared base every revision above it goes.
    let g = branched();
    assert_downgrade(
        &g,
        "c1branch@base",
        &["d1", "d2"],
        &["d1", "c1", "d2", "c2", "b", "a"],
        &[],
    );
    // With a base of its own, only that branch goes (the documented use).
    let g = graph(vec![
        rev("a", &[]),
        rev("b", &["a"]),
        rev("n1", &[]).with_labels(&["networking"]),
        rev("n2", &["n1"]),
    ]);
    assert_downgrade(&g, "networking@base", &["b", "n2"], &["n2", "n1"], &["b"]);
    assert_upgrade(&g, "networking@head", &["b"], &["n1", "n2"], &["b", "n2"]);
}

#[test]
fn relative_downgrade_of_a_branch_with_nothing_applied() {
    // Alembic fails an assertion here; retort says what is wrong.
    let g = graph(vec![
        rev("a", &[]),
        rev("n1", &[]).with_labels(&["networking"]),
        rev("n2", &["n1"]),
    ]);
    for current in [&["a"][..], &[]] {
        let e = g
            .plan_downgrade(&rows(current), "networking@-1")
            .unwrap_err();
        assert!(
            matches!(
                &e,
                PlanError::Resolve(ResolveError::NothingAppliedOnBranch { label, .. })
                    if label == "networking"
            ),
            "{current:?}: {e}"
        );
        assert!(
            e.to_string()
                .contains("no revision of branch networking is applied"),
            "{e}"
        );
    }
    // With something applied on the branch it walks down as before.
    assert_downgrade(&g, "networking@-1", &["a", "n2"], &["n2"], &["a", "n1"]);
}

#[test]
fn upgrade_a_single_branch() {
    let g = branched();
    assert_upgrade(&g, "c2branch@+1", &["c1"], &["c2"], &["c1", "c2"]);
    assert_upgrade(&g, "c2branch@+1", &["c1", "c2"], &["d2"], &["c1", "d2"]);
    assert_upgrade(&g, "c2branch@head", &["d1"], &["c2", "d2"], &["d1", "d2"]);
    assert_upgrade(&g, "base+1", &[], &["a"], &["a"]);
    assert_upgrade(&g, "+1", &[], &["a"], &["a"]);
    assert_downgrade(&g, "-1", &["a"], &["a"], &[]);
    assert_downgrade(&g, "c2", &["d1", "c2"], &[], &["d1", "c2"]);
    assert_downgrade(&g, "d1", &["d1", "c2"], &[], &["d1", "c2"]);
    let e = g.plan_upgrade(&rows(&["c1", "c2"]), "+1").unwrap_err();
    assert!(
        e.to_string()
            .starts_with("Ambiguous upgrade from multiple current revisions"),
        "{e}"
    );
    let e = g.plan_upgrade(&rows(&["b"]), "head").unwrap_err();
    assert!(matches!(
        e,
        PlanError::Resolve(ResolveError::MultipleHeads { .. })
    ));
}

#[test]
fn branch_from_merge_point() {
    let g = graph(vec![
        rev("a1", &[]),
        rev("b1", &["a1"]),
        rev("c1", &["b1"]),
        rev("a2", &[]),
        rev("b2", &["a2"]),
        rev("c2", &["b2"]),
        rev("d1", &["c1", "c2"]),
        rev("d2", &["c2"]),
    ]);
    assert_upgrade(&g, "d1", &["d2", "b1"], &["c1", "d1"], &["d2", "d1"]);
    assert_downgrade(&g, "b1", &["d2", "d1"], &["d1", "c1"], &["d2", "b1"]);
}

#[test]
fn branch_from_three_way_merge_point() {
    let g = graph(vec![
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
    ]);
    assert_upgrade(
        &g,
        "d1",
        &["d3", "d2", "b1"],
        &["c1", "d1"],
        &["d3", "d2", "d1"],
    );
    assert_downgrade(
        &g,
        "b1",
        &["d3", "d2", "d1"],
        &["d1", "c1"],
        &["d3", "d2", "b1"],
    );
    assert_upgrade(
        &g,
        "d1",
        &["d3", "b2", "b1"],
        &["c2", "c1", "d1"],
        &["d3", "d1"],
    );
    assert_upgrade(&g, "d2", &["d3", "d1"], &["d2"], &["d3", "d2", "d1"]);
}

#[test]
fn twin_merge_rows() {
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
    let plan = g.plan_upgrade(&rows(&["a"]), "heads").unwrap();
    let mut r = rows(&["a"]);
    let mut seen = Vec::new();
    for step in &plan.steps {
        step.version.apply(&mut r).unwrap();
        seen.push((step.revision.to_string(), sorted(r.clone())));
    }
    // Every revision once; the second merge point starts its own row.
    assert_eq!(plan.steps.len(), 7);
    assert_eq!(sorted(r), ["d1", "d2"]);
    let c1 = seen.iter().position(|(id, _)| id == "c1").unwrap();
    let c2 = seen.iter().position(|(id, _)| id == "c2").unwrap();
    let (first, second) = if c1 < c2 { (c1, c2) } else { (c2, c1) };
    assert_eq!(seen[first].1.len(), 1, "{seen:?}");
    assert!(
        matches!(plan.steps[second].version, VersionUpdate::Insert(_)),
        "{seen:?}"
    );
}

#[test]
fn not_quite_twin_merge_rows() {
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
    let plan = g.plan_upgrade(&rows(&["a"]), "heads").unwrap();
    assert_eq!(plan.apply(&rows(&["a"])).map(sorted).unwrap(), ["d1", "d2"]);
}

#[test]
fn depends_on_branch_one() {
    let g = graph(vec![
        rev("a1", &[]).with_labels(&["lib1"]),
        rev("b1", &["a1"]),
        rev("c1", &["b1"]),
        rev("a2", &[]),
        rev("b2", &["a2"]),
        rev("c2", &["b2"]).with_depends_on(&["c1"]),
        rev("d1", &["c1"]),
        rev("e1", &["d1"]),
        rev("f1", &["e1"]),
    ]);
    assert_downgrade(&g, "c1", &["c2", "d1"], &["d1"], &["c2"]);
    let (_, after) = stamp_rows(&g, &["e1", "c2"], &["b1"], false);
    assert_eq!(after, ["b1"]);
}

#[test]
fn depends_on_branch_two() {
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
        rev("d1", &[]).with_depends_on(&["a3", "b2", "c1"]),
    ]);
    assert_downgrade(
        &g,
        "b2",
        &["amerge", "bmerge", "cmerge", "d1"],
        &["bmerge"],
        &["amerge", "b1", "cmerge", "d1"],
    );
    assert_downgrade(
        &g,
        "d1@base",
        &["amerge", "d1", "b1", "cmerge"],
        &["d1"],
        &["amerge", "b1", "b2", "cmerge"],
    );
    let plan = g
        .plan_downgrade(&rows(&["amerge", "b1", "b2", "cmerge"]), "base")
        .unwrap();
    assert_eq!(plan.steps.len(), 10);
    assert!(
        plan.apply(&rows(&["amerge", "b1", "b2", "cmerge"]))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn depends_on_crisscross_and_own_down_revision() {
    let g = graph(vec![
        rev("a1", &[]),
        rev("a2", &["a1"]),
        rev("b1", &[]),
        rev("b2", &["b1"]).with_depends_on(&["a2"]),
        rev("b3", &["b2"]),
        rev("a3", &["a2"]).with_depends_on(&["b1"]),
    ]);
    assert_downgrade(&g, "b1", &["a3", "b2"], &["b2"], &["a3"]);

    let g = graph(vec![
        rev("a1", &[]),
        rev("a2", &["a1"]).with_depends_on(&["a1"]),
    ]);
    assert_upgrade(&g, "a2", &[], &["a1", "a2"], &["a2"]);
    assert_downgrade(&g, "a1", &["a2"], &["a2"], &["a1"]);

    let g = graph(vec![
        rev("a1", &[]),
        rev("a2", &["a1"]),
        rev("a3", &["a2"]),
        rev("b1", &[]),
        rev("b2", &["b1"]).with_depends_on(&["a3"]),
        rev("b3", &["b2"]),
        rev("b4", &["b3"]).with_depends_on(&["a3"]),
    ]);
    assert_downgrade(&g, "b3", &["b4"], &["b4"], &["b3"]);
}

#[test]
fn depends_on_branch_five() {
    let g = graph(vec![
        rev("a1", &[]),
        rev("b1", &[]).with_depends_on(&["a1"]),
        rev("bmerge", &["a1", "b1"]),
    ]);
    assert_upgrade(&g, "b1", &["a1"], &["b1"], &["b1"]);
    assert_upgrade(&g, "bmerge", &["b1"], &["bmerge"], &["bmerge"]);
    assert_downgrade(&g, "a1", &["bmerge"], &["bmerge"], &["b1"]);
    assert_downgrade(&g, "b1", &["bmerge"], &["bmerge"], &["b1"]);
}

#[test]
fn depends_on_branch_label() {
    let g = graph(vec![
        rev("a1", &[]).with_labels(&["lib1"]),
        rev("b1", &["a1"]),
        rev("c1", &["b1"]).with_labels(&["c1lib"]),
        rev("a2", &[]),
        rev("b2", &["a2"]),
        rev("c2", &["b2"]).with_depends_on(&["c1lib"]),
        rev("d1", &["c1"]),
        rev("e1", &["d1"]),
        rev("f1", &["e1"]),
    ]);
    assert_upgrade(&g, "c2", &["a2"], &["a1", "b1", "c1", "b2", "c2"], &["c2"]);
}

#[test]
fn forest() {
    let g = graph(vec![
        rev("a1", &[]),
        rev("b1", &["a1"]),
        rev("a2", &[]),
        rev("b2", &["a2"]),
    ]);
    assert_upgrade(&g, "heads", &[], &["a2", "b2", "a1", "b1"], &["b1", "b2"]);
    let (u, after) = stamp_rows(&g, &[], &["heads"], false);
    assert_eq!(u.len(), 2);
    assert_eq!(after, ["b1", "b2"]);
    let (u, _) = stamp_rows(&g, &["b1", "b2"], &["heads"], false);
    assert!(u.is_empty());
}

/// a -> b -> {c1 -> d1, c2 (c2branch) -> d2} -> e (merge) -> f
fn merged() -> RevisionGraph {
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
fn merged_path() {
    let g = merged();
    let (u, _) = stamp_rows(&g, &["e"], &["c2"], false);
    assert_eq!(
        u,
        [VersionUpdate::Update {
            from: "e".into(),
            to: "c2".into()
        }]
    );
    let (u, _) = stamp_rows(&g, &["e"], &["a"], false);
    assert_eq!(
        u,
        [VersionUpdate::Update {
            from: "e".into(),
            to: "a".into()
        }]
    );
    let (u, _) = stamp_rows(&g, &["c2"], &["e"], false);
    assert_eq!(
        u,
        [VersionUpdate::Update {
            from: "c2".into(),
            to: "e".into()
        }]
    );
    let (u, after) = stamp_rows(&g, &["d1", "c2"], &["c2branch@head"], false);
    assert_eq!(
        u,
        [VersionUpdate::Merge {
            delete: vec!["d1".into()],
            from: "c2".into(),
            to: "f".into()
        }]
    );
    assert_eq!(after, ["f"]);
    let (u, _) = stamp_rows(&g, &["d1", "c2"], &["e"], false);
    assert_eq!(
        u,
        [VersionUpdate::Merge {
            delete: vec!["d1".into()],
            from: "c2".into(),
            to: "e".into()
        }]
    );
    assert_upgrade(&g, "f", &["b"], &["c2", "d2", "c1", "d1", "e", "f"], &["f"]);
    assert_downgrade(&g, "b", &["f"], &["f", "e", "d1", "c1", "d2", "c2"], &["b"]);

    let plan = g.plan_upgrade(&rows(&["b"]), "f").unwrap();
    assert_eq!(plan.steps[2].version, VersionUpdate::Insert("c1".into()));
    assert_eq!(
        plan.steps[4].version,
        VersionUpdate::Merge {
            delete: vec!["d1".into()],
            from: "d2".into(),
            to: "e".into()
        }
    );
    assert_eq!(plan.steps[4].to_string(), "upgrade d1, d2 -> e");
    let down = g.plan_downgrade(&rows(&["f"]), "b").unwrap();
    assert_eq!(
        down.steps[1].version,
        VersionUpdate::Unmerge {
            from: "e".into(),
            to: "d2".into(),
            insert: vec!["d1".into()]
        }
    );
    assert_eq!(down.steps[1].to_string(), "downgrade e -> d1, d2");
    assert_eq!(down.steps[3].version, VersionUpdate::Delete("c1".into()));
    assert_eq!(
        down.steps[5].version,
        VersionUpdate::Update {
            from: "c2".into(),
            to: "b".into()
        }
    );
}

#[test]
fn branched_cross_dependencies() {
    let g = graph(vec![
        rev("a", &[]),
        rev("b", &["a"]),
        rev("c1", &["b"]).with_labels(&["c1branch"]),
        rev("d1", &["c1"]),
        rev("c2", &["b"]).with_labels(&["c2branch"]),
        rev("d2", &["c2"]).with_depends_on(&["c1"]),
    ]);
    assert_downgrade(&g, "c2branch@b", &["d1", "d2"], &["d2", "c2"], &["d1"]);
    let plan = g
        .plan_downgrade(&rows(&["d1", "d2"]), "c1branch@b")
        .unwrap();
    let order = plan_ids(&plan);
    let pos = |id: &str| order.iter().position(|o| o == id).unwrap();
    assert_eq!(
        sorted(rows(&order.iter().map(String::as_str).collect::<Vec<_>>())),
        ["c1", "d1", "d2"]
    );
    assert!(pos("d1") < pos("c1") && pos("d2") < pos("c1"));
    assert_eq!(sorted(plan.apply(&rows(&["d1", "d2"])).unwrap()), ["c2"]);
}

#[test]
fn base_step_display_and_ids() {
    let g = linear();
    let plan = g.plan_upgrade(&[], "b").unwrap();
    assert_eq!(plan.steps[0].to_string(), "upgrade  -> a");
    assert_eq!(plan.steps[1].to_string(), "upgrade a -> b");
    assert_eq!(plan.steps[1].from_ids(), &rows(&["a"])[..]);
    assert_eq!(plan.steps[1].to_ids(), &rows(&["b"])[..]);
    let down = g.plan_downgrade(&rows(&["b"]), "base").unwrap();
    assert_eq!(down.steps[1].to_string(), "downgrade a -> ");
    assert_eq!(down.steps[1].version, VersionUpdate::Delete("a".into()));
}

#[test]
fn offline_ranges() {
    let g = linear();
    let plan = g.plan_range("b:d", Direction::Upgrade).unwrap();
    assert_eq!(plan_ids(&plan), ["c", "d"]);
    let plan = g.plan_range(":c", Direction::Upgrade).unwrap();
    assert_eq!(plan_ids(&plan), ["a", "b", "c"]);
    let plan = g.plan_range("head", Direction::Upgrade).unwrap();
    assert_eq!(plan_ids(&plan), ["a", "b", "c", "d", "e"]);
    let plan = g.plan_range("base:head", Direction::Upgrade).unwrap();
    assert_eq!(plan.steps.len(), 5);
    let plan = g.plan_range("e:b", Direction::Downgrade).unwrap();
    assert_eq!(plan_ids(&plan), ["e", "d", "c"]);
    let plan = g.plan_range("head:base", Direction::Downgrade).unwrap();
    assert_eq!(plan.steps.len(), 5);
    assert!(matches!(
        g.plan_range("b", Direction::Downgrade),
        Err(PlanError::MalformedRange { .. })
    ));
    assert!(matches!(
        g.plan_range(":b", Direction::Downgrade),
        Err(PlanError::MalformedRange { .. })
    ));
    assert!(matches!(
        g.plan_range("a:b:c", Direction::Upgrade),
        Err(PlanError::MalformedRange { .. })
    ));
    assert!(matches!(
        g.plan_range("a:", Direction::Upgrade),
        Err(PlanError::MalformedRange { .. })
    ));
}

#[test]
fn version_update_apply_errors() {
    let mut r = rows(&["a"]);
    assert_eq!(
        VersionUpdate::Insert("a".into()).apply(&mut r),
        Err(PlanError::DuplicateRow { id: "a".into() })
    );
    assert_eq!(
        VersionUpdate::Delete("b".into()).apply(&mut r),
        Err(PlanError::MissingRow { id: "b".into() })
    );
    assert!(matches!(
        VersionUpdate::Update {
            from: "x".into(),
            to: "y".into()
        }
        .apply(&mut r),
        Err(PlanError::MissingRow { .. })
    ));
    let g = linear();
    let plan = g.plan_upgrade(&rows(&["a"]), "c").unwrap();
    assert!(matches!(
        plan.apply(&rows(&["z"])),
        Err(PlanError::MissingRow { .. })
    ));
    assert!(matches!(
        plan.apply(&rows(&["b"])),
        Err(PlanError::DuplicateRow { .. })
    ));
}

#[test]
fn overlapping_rows_are_refused() {
    let g = linear();
    let e = g.plan_upgrade(&rows(&["a", "c"]), "e").unwrap_err();
    assert!(
        matches!(e, PlanError::Resolve(ResolveError::Overlap { .. })),
        "{e:?}"
    );
}

#[test]
fn ambiguous_update_error() {
    // Rows on both parents of a merge point that the plan does not merge
    // cannot be told apart: the error names the rows.
    let e = PlanError::AmbiguousUpdate {
        id: "m".into(),
        rows: retort_core::graph::IdList(rows(&["x", "y"])),
    };
    assert!(e.to_string().contains("x, y"));
}
