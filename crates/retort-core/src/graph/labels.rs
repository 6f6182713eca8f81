//! Branch label propagation, as Alembic's `RevisionMap._add_branches`.
//!
//! A label declared on revision R applies to R and every descendant of R
//! (through `down_revision`). When R's descendants form one unbranched line
//! (no branch point, no merge point, no dependent revision on the way),
//! Alembic also walks down from R's head to the ancestors of R and labels
//! them until it meets a branch point or a merge point: the label then names
//! the whole branch from its branch point. Alembic walks from the *last*
//! descendant it visited; on a branched line of descendants that walk stops
//! at or above R whatever the visiting order, which is what makes this
//! linear-time computation give the same result.
//!
//! Revisions mostly carry the labels of their parent, so the sets are
//! shared: each revision holds the number of its set, and a new set is made
//! only where labels are declared or lines with different labels merge.

use std::collections::HashMap;

use super::nodes::Nodes;
use crate::revision::Revision;

/// Fills `Nodes::label_set` and `Nodes::label_sets`. `order` is a
/// topological order (parents first).
pub(crate) fn propagate(
    nodes: &mut Nodes,
    revisions: &[Revision],
    label_owner: &HashMap<Box<str>, usize>,
    label_names: &[Box<str>],
    order: &[usize],
) {
    if label_names.is_empty() {
        return;
    }
    let n = revisions.len();
    let label_number: HashMap<&str, u32> = label_names
        .iter()
        .enumerate()
        .map(|(k, name)| (&**name, k as u32))
        .collect();
    let declared = |i: usize, out: &mut Vec<u32>| {
        out.extend(
            revisions[i]
                .branch_labels
                .iter()
                .filter(|l| label_owner.get(l.as_str()) == Some(&i))
                .map(|l| label_number[l.as_str()]),
        );
    };

    // Set 0 is the empty set.
    let mut sets: Vec<Box<[u32]>> = vec![Box::default()];
    let mut set_of = vec![0u32; n];
    let add_set = |sets: &mut Vec<Box<[u32]>>, labels: &[u32]| -> u32 {
        sets.push(labels.into());
        u32::try_from(sets.len() - 1).expect("fewer than 4 billion label sets")
    };

    // Down the descendants: labels flow from parents to children.
    let mut labels: Vec<u32> = Vec::new();
    for &i in order {
        let parents = nodes.parents(i);
        let own = !revisions[i].branch_labels.is_empty();
        let first = parents.first().map_or(0, |&p| set_of[p]);
        if !own && parents.iter().all(|&p| set_of[p] == first) {
            set_of[i] = first;
            continue;
        }
        labels.clear();
        declared(i, &mut labels);
        for &p in parents {
            labels.extend_from_slice(&sets[set_of[p] as usize]);
        }
        labels.sort_unstable();
        labels.dedup();
        // Often one parent's set already holds everything.
        set_of[i] = match parents
            .iter()
            .map(|&p| set_of[p])
            .find(|&s| *sets[s as usize] == *labels)
        {
            Some(s) => s,
            None if labels.is_empty() => 0,
            None => add_set(&mut sets, &labels),
        };
    }

    // A node the ancestor walk may pass: not a branch point counting
    // dependents, not a merge point.
    let passable = |i: usize| nodes.all_children(i).len() <= 1 && nodes.parents(i).len() <= 1;
    // unbranched[i]: the walk from the head of i's descendants reaches i.
    let mut unbranched = vec![false; n];
    for &i in order.iter().rev() {
        unbranched[i] = passable(i)
            && match nodes.children(i) {
                [] => true,
                [c] => unbranched[*c],
                _ => false,
            };
    }

    // Up the ancestors: the walk below each labelled, unbranched revision.
    let mut own: Vec<u32> = Vec::new();
    for &r in order {
        if !unbranched[r] || revisions[r].branch_labels.is_empty() {
            continue;
        }
        own.clear();
        declared(r, &mut own);
        if own.is_empty() {
            continue;
        }
        // The revisions walked mostly share one set: merge it once.
        let mut last: Option<(u32, u32)> = None;
        let mut at = nodes.parents(r).first().copied();
        while let Some(p) = at {
            if !passable(p) {
                break;
            }
            let old = set_of[p];
            let new = match last {
                Some((from, to)) if from == old => to,
                _ => {
                    labels.clear();
                    labels.extend_from_slice(&sets[old as usize]);
                    labels.extend_from_slice(&own);
                    labels.sort_unstable();
                    labels.dedup();
                    let to = if *sets[old as usize] == *labels {
                        old
                    } else {
                        add_set(&mut sets, &labels)
                    };
                    last = Some((old, to));
                    to
                }
            };
            set_of[p] = new;
            at = nodes.parents(p).first().copied();
        }
    }
    nodes.label_set = set_of;
    nodes.label_sets = sets;
}

#[cfg(test)]
mod tests {
    use super::super::RevisionGraph;
    use crate::revision::Revision;

    /// The straightforward computation (one label list per revision), as
    /// Alembic's `_add_branches` does it: the reference for `propagate`.
    fn reference(g: &RevisionGraph) -> Vec<Vec<u32>> {
        let nodes = &g.nodes;
        let n = g.len();
        let number = |l: &str| g.label_names.iter().position(|x| &**x == l).unwrap() as u32;
        let declared = |i: usize| -> Vec<u32> {
            let mut v: Vec<u32> = g.revisions[i]
                .branch_labels
                .iter()
                .map(|l| number(l))
                .collect();
            v.sort_unstable();
            v.dedup();
            v
        };
        // Parents first: the input order of these graphs.
        let mut labels: Vec<Vec<u32>> = vec![Vec::new(); n];
        for i in 0..n {
            let mut l = declared(i);
            for &p in nodes.parents(i) {
                l.extend_from_slice(&labels[p]);
            }
            l.sort_unstable();
            l.dedup();
            labels[i] = l;
        }
        let passable = |i: usize| nodes.all_children(i).len() <= 1 && nodes.parents(i).len() <= 1;
        for r in 0..n {
            let own = declared(r);
            if own.is_empty() {
                continue;
            }
            // Walk to the head of r's descendants; stop on any branching.
            let mut at = r;
            let mut line = passable(at);
            while line {
                match nodes.children(at) {
                    [] => break,
                    [c] => {
                        at = *c;
                        line = passable(at);
                    }
                    _ => line = false,
                }
            }
            if !line {
                continue;
            }
            let mut at = nodes.parents(r).first().copied();
            while let Some(p) = at {
                if !passable(p) {
                    break;
                }
                labels[p].extend_from_slice(&own);
                labels[p].sort_unstable();
                labels[p].dedup();
                at = nodes.parents(p).first().copied();
            }
        }
        labels
    }

    #[test]
    fn shared_label_sets_match_one_list_per_revision() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut below = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n.max(1) as u64) as usize
        };
        for _ in 0..300 {
            let n = 1 + below(50);
            let id = |i: usize| format!("r{i:03}");
            let revs: Vec<Revision> = (0..n)
                .map(|i| {
                    let mut parents: Vec<String> = Vec::new();
                    if i > 0 && below(6) != 0 {
                        for _ in 0..1 + usize::from(below(4) == 0) {
                            let back = if below(3) == 0 {
                                below(i)
                            } else {
                                below(2.min(i))
                            };
                            let p = id(i - 1 - back);
                            if !parents.contains(&p) {
                                parents.push(p);
                            }
                        }
                    }
                    let deps: Vec<String> = if i > 0 && below(8) == 0 {
                        vec![id(below(i))]
                    } else {
                        Vec::new()
                    };
                    let labels: Vec<String> = (0..usize::from(below(4) == 0)
                        + usize::from(below(9) == 0))
                        .map(|k| format!("l{i}_{k}"))
                        .collect();
                    let parents: Vec<&str> = parents.iter().map(String::as_str).collect();
                    let deps: Vec<&str> = deps.iter().map(String::as_str).collect();
                    let labels: Vec<&str> = labels.iter().map(String::as_str).collect();
                    Revision::new(&id(i), &parents)
                        .with_depends_on(&deps)
                        .with_labels(&labels)
                })
                .collect();
            let g = RevisionGraph::new(revs).expect("a DAG");
            let expected = reference(&g);
            for (i, want) in expected.iter().enumerate() {
                assert_eq!(g.nodes.labels(i), want.as_slice(), "revision {i}");
            }
        }
    }
}
