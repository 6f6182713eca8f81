//! Building and validating the graph: ids, parents, dependencies, cycles and
//! branch labels, in linear time (no recursion, so a 100,000-long chain is
//! fine).

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::sync::OnceLock;

use super::error::{FilePath, GraphError, IdList};
use super::{Node, RevisionGraph};
use crate::revision::{Revision, RevisionId};

impl RevisionGraph {
    /// Validates `revisions` and builds the graph.
    ///
    /// Fails on a duplicate id, a `down_revision` or `depends_on` naming
    /// nothing (or, for a prefix, several revisions), a cycle through
    /// `down_revision` or through dependencies, and a branch label declared
    /// twice or equal to a revision id.
    pub fn new(revisions: Vec<Revision>) -> Result<Self, GraphError> {
        let n = revisions.len();
        let mut index: HashMap<Box<str>, usize> = HashMap::with_capacity(n);
        for (i, rev) in revisions.iter().enumerate() {
            match index.entry(rev.id.as_str().into()) {
                Entry::Occupied(e) => {
                    return Err(GraphError::DuplicateId {
                        id: rev.id.clone(),
                        first: FilePath::of(&revisions[*e.get()].path),
                        second: FilePath::of(&rev.path),
                    });
                }
                Entry::Vacant(e) => {
                    e.insert(i);
                }
            }
            if rev.down_revisions.contains(&rev.id) {
                return Err(GraphError::SelfLoop {
                    id: rev.id.clone(),
                    path: FilePath::of(&rev.path),
                });
            }
            if rev.depends_on.iter().any(|d| d == rev.id.as_str()) {
                return Err(GraphError::DependencySelfLoop {
                    id: rev.id.clone(),
                    path: FilePath::of(&rev.path),
                });
            }
        }

        let (label_owner, label_names) = declare_labels(&revisions, &index)?;

        let mut nodes = vec![Node::default(); n];
        for (i, rev) in revisions.iter().enumerate() {
            for parent in &rev.down_revisions {
                let Some(&p) = index.get(parent.as_str()) else {
                    return Err(GraphError::MissingParent {
                        id: rev.id.clone(),
                        parent: parent.clone(),
                        path: FilePath::of(&rev.path),
                    });
                };
                if !nodes[i].parents.contains(&p) {
                    nodes[i].parents.push(p);
                }
            }
        }
        let mut sorted_ids: Option<Vec<(&str, usize)>> = None;
        for (i, rev) in revisions.iter().enumerate() {
            for dep in &rev.depends_on {
                let d = resolve_dependency(
                    rev,
                    dep,
                    &index,
                    &label_owner,
                    &revisions,
                    &mut sorted_ids,
                )?;
                if d == i {
                    return Err(GraphError::DependencySelfLoop {
                        id: rev.id.clone(),
                        path: FilePath::of(&rev.path),
                    });
                }
                if !nodes[i].deps.contains(&d) {
                    nodes[i].deps.push(d);
                }
            }
        }
        for i in 0..n {
            for k in 0..nodes[i].parents.len() {
                let p = nodes[i].parents[k];
                nodes[p].children.push(i);
                nodes[p].all_children.push(i);
            }
            for k in 0..nodes[i].deps.len() {
                let d = nodes[i].deps[k];
                if !nodes[i].parents.contains(&d) {
                    nodes[d].all_children.push(i);
                }
            }
        }

        let order = topological_order(&nodes, false).map_err(|ids| GraphError::Cycle {
            ids: sorted_ids_of(&revisions, ids),
        })?;
        topological_order(&nodes, true).map_err(|ids| GraphError::DependencyCycle {
            ids: sorted_ids_of(&revisions, ids),
        })?;

        normalize_dependencies(&mut nodes);
        super::labels::propagate(&mut nodes, &revisions, &label_owner, &label_names, &order);

        let heads = (0..n).filter(|&i| nodes[i].children.is_empty()).collect();
        let real_heads = (0..n)
            .filter(|&i| nodes[i].all_children.is_empty())
            .collect();
        let bases = (0..n).filter(|&i| nodes[i].parents.is_empty()).collect();
        Ok(RevisionGraph {
            revisions,
            nodes,
            index,
            label_owner,
            label_names,
            heads,
            real_heads,
            bases,
            prefixes: OnceLock::new(),
        })
    }
}

type Labels = (HashMap<Box<str>, usize>, Vec<Box<str>>);

/// Maps each declared label to its revision, refusing duplicates and labels
/// that are revision ids (Alembic's `_map_branch_labels`).
fn declare_labels(
    revisions: &[Revision],
    index: &HashMap<Box<str>, usize>,
) -> Result<Labels, GraphError> {
    let mut owner: HashMap<Box<str>, usize> = HashMap::new();
    let mut names = Vec::new();
    for (i, rev) in revisions.iter().enumerate() {
        for label in &rev.branch_labels {
            if index.contains_key(label.as_str()) {
                return Err(GraphError::LabelIsRevisionId {
                    label: label.clone(),
                    id: rev.id.clone(),
                    path: FilePath::of(&rev.path),
                });
            }
            match owner.get(label.as_str()) {
                Some(&o) if o == i => {}
                Some(&o) => {
                    return Err(GraphError::DuplicateBranchLabel {
                        label: label.clone(),
                        id: rev.id.clone(),
                        path: FilePath::of(&rev.path),
                        other: revisions[o].id.clone(),
                    });
                }
                None => {
                    owner.insert(label.as_str().into(), i);
                    names.push(label.as_str().into());
                }
            }
        }
    }
    Ok((owner, names))
}

/// Resolves one `depends_on` entry: an id, a branch label, or a unique
/// prefix of an id.
fn resolve_dependency<'a>(
    rev: &Revision,
    dep: &str,
    index: &HashMap<Box<str>, usize>,
    labels: &HashMap<Box<str>, usize>,
    revisions: &'a [Revision],
    sorted_ids: &mut Option<Vec<(&'a str, usize)>>,
) -> Result<usize, GraphError> {
    if let Some(&d) = index.get(dep).or_else(|| labels.get(dep)) {
        return Ok(d);
    }
    let sorted = sorted_ids.get_or_insert_with(|| {
        let mut v: Vec<(&str, usize)> = revisions
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i))
            .collect();
        v.sort_unstable();
        v
    });
    let start = sorted.partition_point(|(id, _)| *id < dep);
    let matches: Vec<usize> = sorted[start..]
        .iter()
        .take_while(|(id, _)| id.starts_with(dep))
        .map(|&(_, i)| i)
        .collect();
    match matches.as_slice() {
        [d] if !dep.is_empty() => Ok(*d),
        [] | [_] => Err(GraphError::MissingDependency {
            id: rev.id.clone(),
            dependency: dep.to_owned(),
            path: FilePath::of(&rev.path),
        }),
        _ => Err(GraphError::AmbiguousDependency {
            id: rev.id.clone(),
            dependency: dep.to_owned(),
            candidates: IdList(matches.iter().map(|&i| revisions[i].id.clone()).collect()),
            path: FilePath::of(&rev.path),
        }),
    }
}

/// Kahn's algorithm over `down_revision` links (plus dependencies when
/// `with_deps`): parents before children. On a cycle, returns the revisions
/// that lie on a cycle or between cycles (peeled from both ends).
fn topological_order(nodes: &[Node], with_deps: bool) -> Result<Vec<usize>, Vec<usize>> {
    let n = nodes.len();
    let up_count = |i: usize| -> usize {
        if with_deps {
            let extra = nodes[i]
                .deps
                .iter()
                .filter(|d| !nodes[i].parents.contains(d))
                .count();
            nodes[i].parents.len() + extra
        } else {
            nodes[i].parents.len()
        }
    };
    let kids = |i: usize| -> &[usize] {
        if with_deps {
            &nodes[i].all_children
        } else {
            &nodes[i].children
        }
    };
    let mut pending: Vec<usize> = (0..n).map(up_count).collect();
    let mut order: Vec<usize> = (0..n).filter(|&i| pending[i] == 0).collect();
    let mut k = 0;
    while k < order.len() {
        let i = order[k];
        k += 1;
        for &c in kids(i) {
            pending[c] -= 1;
            if pending[c] == 0 {
                order.push(c);
            }
        }
    }
    if order.len() == n {
        return Ok(order);
    }
    // Peel from the heads side too: what stays is on or between cycles.
    let mut left = vec![false; n];
    for (i, p) in pending.iter().enumerate() {
        left[i] = *p > 0;
    }
    let mut remaining_kids: Vec<usize> = (0..n)
        .map(|i| kids(i).iter().filter(|&&c| left[c]).count())
        .collect();
    let mut stack: Vec<usize> = (0..n)
        .filter(|&i| left[i] && remaining_kids[i] == 0)
        .collect();
    while let Some(i) = stack.pop() {
        left[i] = false;
        let mut parents: Vec<usize> = nodes[i].parents.clone();
        if with_deps {
            parents.extend(nodes[i].deps.iter().copied());
            parents.sort_unstable();
            parents.dedup();
        }
        for p in parents {
            if left[p] {
                remaining_kids[p] -= 1;
                if remaining_kids[p] == 0 {
                    stack.push(p);
                }
            }
        }
    }
    Err((0..n).filter(|&i| left[i]).collect())
}

fn sorted_ids_of(revisions: &[Revision], idx: Vec<usize>) -> IdList {
    let mut ids: Vec<RevisionId> = idx.into_iter().map(|i| revisions[i].id.clone()).collect();
    ids.sort();
    IdList(ids)
}

/// Alembic's `_normalize_depends_on`: drop a dependency when an ancestor
/// (through `down_revision`) already depends on it.
fn normalize_dependencies(nodes: &mut [Node]) {
    let n = nodes.len();
    let mut dependents = vec![0u32; n];
    for node in nodes.iter() {
        for &d in &node.deps {
            dependents[d] += 1;
        }
    }
    let mut stamp = vec![0u32; n];
    let mut generation = 0u32;
    let mut stack = Vec::new();
    for i in 0..n {
        let mut norm: Vec<usize> = nodes[i].deps.clone();
        // Only a dependency shared with another revision can be implied by
        // an ancestor; skip the walk otherwise.
        if norm.iter().any(|&d| dependents[d] > 1) {
            generation += 1;
            stack.clear();
            stack.extend(nodes[i].parents.iter().copied());
            while let Some(a) = stack.pop() {
                if stamp[a] == generation {
                    continue;
                }
                stamp[a] = generation;
                if !nodes[a].deps.is_empty() {
                    norm.retain(|d| !nodes[a].deps.contains(d));
                    if norm.is_empty() {
                        break;
                    }
                }
                stack.extend(nodes[a].parents.iter().copied());
            }
        }
        let mut down = nodes[i].parents.clone();
        for d in &norm {
            if !down.contains(d) {
                down.push(*d);
            }
        }
        nodes[i].has_norm_deps = !norm.is_empty();
        nodes[i].norm_down = down;
    }
}
