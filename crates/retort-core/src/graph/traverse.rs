//! Walks over the graph: ancestor and descendant sets, lineage, and
//! Alembic's topological order (`RevisionMap._topological_sort`), all
//! iterative.

use super::RevisionGraph;
use super::bitset::Bitset;
use super::error::ResolveError;

/// Which links a walk follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Links {
    /// `down_revision` only (Alembic's "versioned" links).
    Versioned,
    /// `down_revision` and the dependencies (normalized going down, all
    /// going up).
    WithDeps,
}

impl RevisionGraph {
    fn down_links(&self, i: usize, links: Links) -> &[usize] {
        match links {
            Links::Versioned => &self.nodes[i].parents,
            Links::WithDeps => &self.nodes[i].norm_down,
        }
    }

    fn up_links(&self, i: usize, links: Links) -> &[usize] {
        match links {
            Links::Versioned => &self.nodes[i].children,
            Links::WithDeps => &self.nodes[i].all_children,
        }
    }

    /// The targets and all their ancestors.
    pub(crate) fn ancestors(&self, targets: &[usize], links: Links) -> Bitset {
        self.reach(targets, |i| self.down_links(i, links))
    }

    /// The targets and all their descendants.
    pub(crate) fn descendants(&self, targets: &[usize], links: Links) -> Bitset {
        self.reach(targets, |i| self.up_links(i, links))
    }

    fn reach<'a>(&'a self, targets: &[usize], next: impl Fn(usize) -> &'a [usize]) -> Bitset {
        let mut seen = Bitset::new(self.len());
        let mut stack: Vec<usize> = targets.to_vec();
        while let Some(i) = stack.pop() {
            if seen.insert(i) {
                stack.extend_from_slice(next(i));
            }
        }
        seen
    }

    /// Like [`Self::ancestors`] (`up == false`) or [`Self::descendants`],
    /// refusing targets that reach one another (Alembic's `check=True`):
    /// "Requested revision X overlaps with other requested revisions".
    pub(crate) fn reach_checked(
        &self,
        targets: &[usize],
        links: Links,
        up: bool,
    ) -> Result<Bitset, ResolveError> {
        let mut is_target = Bitset::new(self.len());
        for &t in targets {
            is_target.insert(t);
        }
        let mut seen = Bitset::new(self.len());
        let mut stack = Vec::new();
        for &t in targets {
            stack.push(t);
            let mut overlaps: Vec<usize> = Vec::new();
            while let Some(i) = stack.pop() {
                if i != t && is_target.contains(i) && !overlaps.contains(&i) {
                    overlaps.push(i);
                }
                if seen.insert(i) {
                    let next = if up {
                        self.up_links(i, links)
                    } else {
                        self.down_links(i, links)
                    };
                    stack.extend_from_slice(next);
                }
            }
            if !overlaps.is_empty() {
                return Err(ResolveError::Overlap {
                    id: self.revisions[t].id.clone(),
                    others: self.id_list(overlaps),
                });
            }
        }
        Ok(seen)
    }

    /// The revisions sharing a line of descent with any of `against`: their
    /// ancestors and descendants (Alembic's `_shares_lineage`, computed once
    /// for a whole `filter_for_lineage`).
    pub(crate) fn lineage(&self, against: &[usize], links: Links) -> Bitset {
        let mut set = self.ancestors(against, links);
        set.union_with(&self.descendants(against, links));
        set
    }

    /// Every revision, newest first: `history` with no range.
    pub(crate) fn walk_all(&self) -> Vec<usize> {
        let mut todo = Bitset::new(self.len());
        for i in 0..self.len() {
            todo.insert(i);
        }
        self.topological_sort(todo, &self.real_heads)
    }

    /// Alembic's `_topological_sort`: the revisions of `todo`, each after
    /// every revision above it (descendants first). It walks depth-first
    /// down one head's line and switches to another head whenever the
    /// candidate is still an ancestor of it, so branches are finished at
    /// their branch point before going below it. Heads are taken in input
    /// order; the result matches Alembic's for the same input order.
    pub(crate) fn topological_sort(&self, mut todo: Bitset, heads: &[usize]) -> Vec<usize> {
        let mut current: Vec<usize> = heads
            .iter()
            .copied()
            .filter(|&h| todo.contains(h))
            .collect();
        current.sort_unstable();
        current.dedup();
        let mut ancestors: Vec<Bitset> = current
            .iter()
            .map(|&h| self.ancestors(&[h], Links::WithDeps))
            .collect();
        let mut output = Vec::new();
        let mut idx = 0usize;
        while !current.is_empty() {
            let candidate = current[idx];
            let blocker = ancestors
                .iter()
                .enumerate()
                .position(|(k, set)| k != idx && set.contains(candidate));
            if let Some(k) = blocker {
                // Another head still needs this revision: finish it first.
                idx = k;
                continue;
            }
            if todo.remove(candidate) {
                output.push(candidate);
            }
            let node = &self.nodes[candidate];
            let to_add: Vec<usize> = node
                .norm_down
                .iter()
                .copied()
                .filter(|&r| todo.contains(r) && !current.contains(&r))
                .collect();
            if to_add.is_empty() {
                current.remove(idx);
                ancestors.remove(idx);
                idx = idx.saturating_sub(1);
            } else if !node.has_norm_deps && node.parents.len() == 1 {
                current[idx] = to_add[0];
                ancestors[idx].remove(candidate);
            } else {
                current[idx] = to_add[0];
                ancestors[idx] = self.ancestors(&[to_add[0]], Links::WithDeps);
                for &r in &to_add[1..] {
                    current.push(r);
                    ancestors.push(self.ancestors(&[r], Links::WithDeps));
                }
            }
        }
        // Unreachable from the heads: cannot happen for the sets the
        // planner builds, but never lose a revision.
        output.extend(todo.iter());
        output
    }
}
