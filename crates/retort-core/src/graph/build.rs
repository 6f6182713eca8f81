//! Building and validating the graph: ids, parents, dependencies, cycles and
//! branch labels, in linear time (no recursion, so a 100,000-long chain is
//! fine).

use std::collections::HashMap;
use std::sync::OnceLock;

use super::RevisionGraph;
use super::bitset::Bitset;
use super::error::{FilePath, GraphError, IdList};
use super::nodes::{Adjacency, IdIndex, Nodes};
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
        let built = IdIndex::build(&revisions);
        // Report problems in file order, as one pass would find them.
        let checked = match built {
            Err((_, second)) => second,
            Ok(_) => n,
        };
        for rev in &revisions[..checked] {
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
        let index = built.map_err(|(first, second)| GraphError::DuplicateId {
            id: revisions[second].id.clone(),
            first: FilePath::of(&revisions[first].path),
            second: FilePath::of(&revisions[second].path),
        })?;

        let (label_owner, label_names) = declare_labels(&revisions, &index)?;

        let mut error: Option<GraphError> = None;
        let parents = Adjacency::build(n, |i, out| {
            let rev = &revisions[i];
            let start = out.len();
            for parent in &rev.down_revisions {
                match index.get(&revisions, parent) {
                    Some(p) if !out[start..].contains(&p) => out.push(p),
                    Some(_) => {}
                    None if error.is_none() => {
                        error = Some(GraphError::MissingParent {
                            id: rev.id.clone(),
                            parent: parent.clone(),
                            path: FilePath::of(&rev.path),
                        });
                    }
                    None => {}
                }
            }
        });
        if let Some(e) = error {
            return Err(e);
        }
        let mut sorted_ids: Option<Vec<(&str, usize)>> = None;
        let mut error: Option<GraphError> = None;
        let deps = Adjacency::build(n, |i, out| {
            let rev = &revisions[i];
            let start = out.len();
            for dep in &rev.depends_on {
                if error.is_some() {
                    return;
                }
                let resolved =
                    resolve_dependency(rev, dep, &index, &label_owner, &revisions, &mut sorted_ids);
                match resolved {
                    Ok(d) if d == i => {
                        error = Some(GraphError::DependencySelfLoop {
                            id: rev.id.clone(),
                            path: FilePath::of(&rev.path),
                        });
                    }
                    Ok(d) if !out[start..].contains(&d) => out.push(d),
                    Ok(_) => {}
                    Err(e) => error = Some(e),
                }
            }
        });
        if let Some(e) = error {
            return Err(e);
        }
        let children = Adjacency::invert(n, |i| parents.of(i));

        let mut order =
            topological_order(n, |i| parents.of(i), |i| children.of(i)).map_err(|ids| {
                GraphError::Cycle {
                    ids: sorted_ids_of(&revisions, ids),
                }
            })?;
        let mut nodes = Nodes {
            parents,
            children,
            ..Nodes::default()
        };
        if !deps.is_empty() {
            // Parents, then the dependencies that are not parents.
            let down_all = Adjacency::build(n, |i, out| {
                let ps = nodes.parents.of(i);
                out.extend_from_slice(ps);
                out.extend(deps.of(i).iter().filter(|d| !ps.contains(d)));
            });
            let all_children = Adjacency::invert(n, |i| down_all.of(i));
            // An order of all links is one of `down_revision` links too.
            order = topological_order(n, |i| down_all.of(i), |i| all_children.of(i)).map_err(
                |ids| GraphError::DependencyCycle {
                    ids: sorted_ids_of(&revisions, ids),
                },
            )?;
            let (norm_down, has_norm_deps) = normalize_dependencies(n, &nodes.parents, &deps);
            nodes.deps = deps;
            nodes.all_children = Some(all_children);
            nodes.norm_down = Some(norm_down);
            nodes.has_norm_deps = Some(has_norm_deps);
        }
        super::labels::propagate(&mut nodes, &revisions, &label_owner, &label_names, &order);
        nodes.topo_pos = vec![0; n];
        for (k, &i) in order.iter().enumerate() {
            nodes.topo_pos[i] = k as u32;
        }

        let heads = (0..n).filter(|&i| nodes.children(i).is_empty()).collect();
        let real_heads = (0..n)
            .filter(|&i| nodes.all_children(i).is_empty())
            .collect();
        let bases = (0..n).filter(|&i| nodes.parents(i).is_empty()).collect();
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
fn declare_labels(revisions: &[Revision], index: &IdIndex) -> Result<Labels, GraphError> {
    let mut owner: HashMap<Box<str>, usize> = HashMap::new();
    let mut names = Vec::new();
    for (i, rev) in revisions.iter().enumerate() {
        for label in &rev.branch_labels {
            if index.get(revisions, label).is_some() {
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
    index: &IdIndex,
    labels: &HashMap<Box<str>, usize>,
    revisions: &'a [Revision],
    sorted_ids: &mut Option<Vec<(&'a str, usize)>>,
) -> Result<usize, GraphError> {
    if let Some(d) = index
        .get(revisions, dep)
        .or_else(|| labels.get(dep).copied())
    {
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

/// Kahn's algorithm over the links `down` (and their inverse `up`):
/// parents before children. On a cycle, returns the revisions that lie on a
/// cycle or between cycles (peeled from both ends).
fn topological_order<'a>(
    n: usize,
    down: impl Fn(usize) -> &'a [usize],
    up: impl Fn(usize) -> &'a [usize],
) -> Result<Vec<usize>, Vec<usize>> {
    let mut pending: Vec<usize> = (0..n).map(|i| down(i).len()).collect();
    let mut order: Vec<usize> = Vec::with_capacity(n);
    order.extend((0..n).filter(|&i| pending[i] == 0));
    let mut k = 0;
    while k < order.len() {
        let i = order[k];
        k += 1;
        for &c in up(i) {
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
        .map(|i| up(i).iter().filter(|&&c| left[c]).count())
        .collect();
    let mut stack: Vec<usize> = (0..n)
        .filter(|&i| left[i] && remaining_kids[i] == 0)
        .collect();
    while let Some(i) = stack.pop() {
        left[i] = false;
        for &p in down(i) {
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
/// (through `down_revision`) already depends on it. Returns the parents
/// followed by the dependencies left, and the revisions some are left for.
fn normalize_dependencies(n: usize, parents: &Adjacency, deps: &Adjacency) -> (Adjacency, Bitset) {
    let mut dependents = vec![0u32; n];
    for i in 0..n {
        for &d in deps.of(i) {
            dependents[d] += 1;
        }
    }
    let mut stamp = vec![0u32; n];
    let mut generation = 0u32;
    let mut stack = Vec::new();
    let mut norm: Vec<usize> = Vec::new();
    let mut has_norm_deps = Bitset::new(n);
    let norm_down = Adjacency::build(n, |i, out| {
        let start = out.len();
        out.extend_from_slice(parents.of(i));
        if deps.of(i).is_empty() {
            return;
        }
        norm.clear();
        norm.extend_from_slice(deps.of(i));
        // Only a dependency shared with another revision can be implied by
        // an ancestor; skip the walk otherwise.
        if norm.iter().any(|&d| dependents[d] > 1) {
            generation += 1;
            stack.clear();
            stack.extend_from_slice(parents.of(i));
            while let Some(a) = stack.pop() {
                if stamp[a] == generation {
                    continue;
                }
                stamp[a] = generation;
                let implied = deps.of(a);
                if !implied.is_empty() {
                    norm.retain(|d| !implied.contains(d));
                    if norm.is_empty() {
                        break;
                    }
                }
                stack.extend_from_slice(parents.of(a));
            }
        }
        if !norm.is_empty() {
            has_norm_deps.insert(i);
        }
        for &d in &norm {
            if !out[start..].contains(&d) {
                out.push(d);
            }
        }
    });
    (norm_down, has_norm_deps)
}
