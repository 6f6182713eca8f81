//! Fuzzing of revision expressions.

use crate::fuzz_support::{fuzz, random_text};
use proptest::prelude::*;
use retort_core::graph::{Direction, RevisionGraph};
use retort_core::{Revision, RevisionId};

// --- revision expressions -------------------------------------------------------

/// A small graph with two bases, a branch, a merge, labels and a dependency.
fn graph() -> RevisionGraph {
    let rev = |id: &str, parents: &[&str], labels: &[&str], depends: &[&str]| {
        let mut r = Revision::new(id, parents);
        r.branch_labels = labels.iter().map(|s| s.to_string()).collect();
        r.depends_on = depends.iter().map(|s| s.to_string()).collect();
        r
    };
    RevisionGraph::new(vec![
        rev("ae1027a6acf", &[], &["main"], &[]),
        rev("27c6a30d7c24", &["ae1027a6acf"], &[], &[]),
        rev("1975ea83b712", &["27c6a30d7c24"], &[], &[]),
        rev("3cac04ae8714", &["27c6a30d7c24"], &["feature"], &[]),
        rev("55af2cb1c267", &["3cac04ae8714"], &[], &[]),
        rev("4f1a2b3c9d8e", &["1975ea83b712", "55af2cb1c267"], &[], &[]),
        rev("b0b0b0b0b0b0", &[], &["other"], &[]),
        rev("c1c1c1c1c1c1", &["b0b0b0b0b0b0"], &[], &["1975ea83b712"]),
        rev("ae1f00000000", &["c1c1c1c1c1c1"], &[], &[]),
    ])
    .expect("a valid graph")
}

const SYMBOLS: &[&str] = &[
    "",
    "head",
    "heads",
    "base",
    "current",
    "ae1027a6acf",
    "ae10",
    "ae1",
    "ae",
    "a",
    "27c6",
    "1975ea83b712",
    "3cac",
    "55af2cb1c267",
    "4f1a",
    "b0b0",
    "c1c1c1c1c1c1",
    "main",
    "feature",
    "other",
    "nope",
    "HEAD",
    "é",
];

const STEPS: &[&str] = &[
    "",
    "+0",
    "-0",
    "+1",
    "-1",
    "+2",
    "-3",
    "+10",
    "-10",
    "+2147483648",
    "+9223372036854775807",
    "-9223372036854775807",
    "-9223372036854775808",
    "+9223372036854775808",
    "+99999999999999999999999999",
    "+",
    "-",
    "+-1",
    "++1",
    "+1+1",
    "+ 1",
    "+١",
];

/// `[label@][symbol][step]`, and junk around it.
fn expression() -> impl Strategy<Value = String> {
    let structured = (
        prop::option::weighted(0.3, prop::sample::select(SYMBOLS)),
        prop::sample::select(SYMBOLS),
        prop_oneof![2 => Just(""), 3 => prop::sample::select(STEPS)],
        prop_oneof![8 => Just(""), 1 => prop::sample::select(&["@", ":", " ", "@head", ",heads"][..])],
    )
        .prop_map(|(label, symbol, step, tail)| {
            let label = label.map(|l| format!("{l}@")).unwrap_or_default();
            format!("{label}{symbol}{step}{tail}")
        });
    let chars = prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(&['a', 'e', '1', '0', '@', '+', '-', ':', 'h', 'd', 's', '_', ' '][..]),
            1 => any::<char>(),
        ],
        0..40,
    )
    .prop_map(|c| c.into_iter().collect::<String>());
    prop_oneof![6 => structured, 3 => chars, 1 => random_text(64)]
}

#[test]
fn fuzz_revision_expressions() {
    let g = graph();
    let heads: Vec<RevisionId> = g.heads().iter().map(|r| r.id.clone()).collect();
    let input = (
        expression(),
        expression(),
        prop::sample::subsequence(
            g.revisions()
                .map(|r| r.id.clone())
                .collect::<Vec<RevisionId>>(),
            0..3,
        ),
    );
    fuzz("revision_expressions", input, |(a, b, current)| {
        let resolved = g.resolve(a);
        if let Ok(found) = &resolved {
            for r in found {
                prop_assert!(g.get(r.id.as_str()).is_some());
            }
        }
        let _ = g.resolve_one(a);
        for rows in [&[][..], &heads[..], &current[..]] {
            let _ = g.plan_upgrade(rows, a).map_err(|e| e.to_string());
            let _ = g.plan_downgrade(rows, a).map_err(|e| e.to_string());
            let _ = g
                .plan_stamp(rows, &[a.as_str(), b.as_str()], false)
                .map_err(|e| e.to_string());
        }
        let range = format!("{a}:{b}");
        let _ = g
            .plan_range(&range, Direction::Upgrade)
            .map_err(|e| e.to_string());
        let _ = g
            .plan_range(&range, Direction::Downgrade)
            .map_err(|e| e.to_string());
        let _ = g
            .plan_range(a, Direction::Upgrade)
            .map_err(|e| e.to_string());
        Ok(resolved.is_ok())
    });
}
