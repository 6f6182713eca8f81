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

use std::collections::HashMap;

use super::Node;
use crate::revision::Revision;

/// Fills `Node::labels` for every node. `order` is a topological order
/// (parents first).
pub(crate) fn propagate(
    nodes: &mut [Node],
    revisions: &[Revision],
    label_owner: &HashMap<Box<str>, usize>,
    label_names: &[Box<str>],
    order: &[usize],
) {
    if label_names.is_empty() {
        return;
    }
    let label_number: HashMap<&str, u32> = label_names
        .iter()
        .enumerate()
        .map(|(k, name)| (&**name, k as u32))
        .collect();
    let declared = |i: usize| -> Vec<u32> {
        let mut v: Vec<u32> = revisions[i]
            .branch_labels
            .iter()
            .filter(|l| label_owner.get(l.as_str()) == Some(&i))
            .map(|l| label_number[l.as_str()])
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    };

    // Down the descendants: labels flow from parents to children.
    for &i in order {
        let mut labels = declared(i);
        for k in 0..nodes[i].parents.len() {
            let p = nodes[i].parents[k];
            labels.extend_from_slice(&nodes[p].labels);
        }
        labels.sort_unstable();
        labels.dedup();
        nodes[i].labels = labels;
    }

    // A node the ancestor walk may pass: not a branch point counting
    // dependents, not a merge point.
    let passable = |node: &Node| node.all_children.len() <= 1 && node.parents.len() <= 1;
    // unbranched[i]: the walk from the head of i's descendants reaches i.
    let mut unbranched = vec![false; nodes.len()];
    for &i in order.iter().rev() {
        let node = &nodes[i];
        unbranched[i] = passable(node)
            && match node.children.as_slice() {
                [] => true,
                [c] => unbranched[*c],
                _ => false,
            };
    }

    // Up the ancestors: the walk below each labelled, unbranched revision.
    for &r in order {
        if !unbranched[r] {
            continue;
        }
        let labels = declared(r);
        if labels.is_empty() {
            continue;
        }
        let mut at = nodes[r].parents.first().copied();
        while let Some(p) = at {
            if !passable(&nodes[p]) {
                break;
            }
            let mut merged = nodes[p].labels.clone();
            merged.extend_from_slice(&labels);
            merged.sort_unstable();
            merged.dedup();
            nodes[p].labels = merged;
            at = nodes[p].parents.first().copied();
        }
    }
}
