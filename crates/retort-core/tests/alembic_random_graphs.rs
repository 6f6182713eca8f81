//! Random revision graphs (branches, merges, several bases, branch labels,
//! `depends_on` by id and by label) and what Alembic 1.20.1 makes of them,
//! recorded by `scripts/alembic-record --graphs` in
//! `tests/alembic/random_graphs.txt`: `get_revisions` of many expressions,
//! `history` ranges (`iterate_revisions` as `walk_revisions` calls it),
//! random walks of upgrades, downgrades and stamps from an empty version
//! table (the revisions run, in order, and the rows after `HeadMaintainer`
//! applied the steps), and `_get_all_current` of the final rows.
//!
//! Where Alembic fails, retort must fail too; where Alembic returns `None`
//! inside a result (a `-N` walk off the graph) or fails an assertion,
//! nothing is compared. Every mismatch is listed with its graph.

mod common;

use common::{ids, rev, rows, sorted};
use retort_core::graph::RevisionGraph;
use retort_core::{Revision, RevisionId};

fn list(s: &str) -> Vec<&str> {
    if s == "-" {
        Vec::new()
    } else {
        s.split(',').collect()
    }
}

struct Graph {
    number: String,
    text: Vec<String>,
    revs: Vec<Revision>,
    cases: Vec<String>,
}

fn read() -> Vec<Graph> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/alembic/random_graphs.txt"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {path}: {e}"));
    let mut graphs: Vec<Graph> = Vec::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        if let Some(n) = line.strip_prefix("graph ") {
            graphs.push(Graph {
                number: n.to_owned(),
                text: Vec::new(),
                revs: Vec::new(),
                cases: Vec::new(),
            });
            continue;
        }
        let g = graphs.last_mut().expect("a graph first");
        if let Some(r) = line.strip_prefix("rev ") {
            let f: Vec<&str> = r.split(' ').collect();
            let [id, down, labels, deps] = f.as_slice() else {
                panic!("bad rev line {line:?}");
            };
            g.revs.push(
                rev(id, &list(down))
                    .with_labels(&list(labels))
                    .with_depends_on(&list(deps)),
            );
            g.text.push(line.to_owned());
        } else {
            g.cases.push(line.to_owned());
        }
    }
    graphs
}

/// What retort gives for one recorded case, written as Alembic's result
/// is; `None` when the case is not compared.
fn run(g: &RevisionGraph, case: &str) -> Option<(String, String)> {
    let (query, expected) = case.split_once(" => ")?;
    if expected == "none" || expected.starts_with("crash") {
        return None;
    }
    let words: Vec<&str> = query.split(' ').collect();
    let err = || "error".to_owned();
    let actual = match words.as_slice() {
        ["resolve", e] => g
            .resolve(e)
            .map(|r| list_of(ids(r)))
            .unwrap_or_else(|_| err()),
        ["history", upper, lower] => g
            .history(Some(&format!("{lower}:{upper}")))
            .map(|r| list_of(ids(r)))
            .unwrap_or_else(|_| err()),
        ["upgrade" | "downgrade", target, "from", from] => {
            let from = rows(&list(from));
            let plan = if words[0] == "upgrade" {
                g.plan_upgrade(&from, target)
            } else {
                g.plan_downgrade(&from, target)
            };
            match plan.and_then(|p| Ok((common::plan_ids(&p), p.apply(&from)?))) {
                Ok((order, after)) => {
                    format!("steps {} rows {}", list_of(order), list_of(sorted(after)))
                }
                Err(_) => err(),
            }
        }
        ["stamp", targets, "from", from] => {
            let from = rows(&list(from));
            let targets = list(targets);
            let updates = g.plan_stamp(&from, &targets, false);
            let after = updates.and_then(|u| {
                let mut r = from.clone();
                for x in &u {
                    x.apply(&mut r)?;
                }
                Ok(r)
            });
            match after {
                Ok(r) => format!("rows {}", list_of(sorted(r))),
                Err(_) => err(),
            }
        }
        ["current", current] => {
            let current: Vec<RevisionId> = rows(&list(current));
            let mut got = ids(g.all_current(&current));
            got.sort();
            list_of(got)
        }
        _ => panic!("cannot read case {case:?}"),
    };
    Some((expected.to_owned(), actual))
}

fn list_of(v: Vec<String>) -> String {
    if v.is_empty() {
        "-".to_owned()
    } else {
        v.join(",")
    }
}

#[test]
fn alembic_random_graphs_match() {
    let graphs = read();
    assert!(graphs.len() >= 100, "{} graphs", graphs.len());
    let mut compared = 0usize;
    let mut failures: Vec<String> = Vec::new();
    for gr in &graphs {
        let g = match RevisionGraph::new(gr.revs.clone()) {
            Ok(g) => g,
            Err(e) => {
                failures.push(format!(
                    "graph {}: Alembic builds it, retort refuses: {e}\n{}",
                    gr.number,
                    gr.text.join("\n")
                ));
                continue;
            }
        };
        let mut mine: Vec<String> = Vec::new();
        for case in &gr.cases {
            if let Some((expected, actual)) = run(&g, case) {
                compared += 1;
                if expected != actual {
                    mine.push(format!("  {case}\n    retort => {actual}"));
                }
            }
        }
        if !mine.is_empty() {
            failures.push(format!(
                "graph {}:\n{}\n{}",
                gr.number,
                gr.text.join("\n"),
                mine.join("\n")
            ));
        }
    }
    assert!(compared > 10_000, "only {compared} cases compared");
    assert!(
        failures.is_empty(),
        "{} graphs differ from Alembic 1.20.1 ({compared} cases compared):\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
