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
            Links::Versioned => self.nodes.parents(i),
            Links::WithDeps => self.nodes.norm_down(i),
        }
    }

    fn up_links(&self, i: usize, links: Links) -> &[usize] {
        match links {
            Links::Versioned => self.nodes.children(i),
            Links::WithDeps => self.nodes.all_children(i),
        }
    }

    /// The targets and all their ancestors.
    pub(crate) fn ancestors(&self, targets: &[usize], links: Links) -> Bitset {
        self.reach(targets, |i| self.down_links(i, links))
    }

    /// The targets and all their descendants.
    pub(crate) fn descendants_of(&self, targets: &[usize], links: Links) -> Bitset {
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

    /// True when `target` is one of `from` or an ancestor of one (through
    /// `down_revision` and dependencies): `ancestors(from).contains(target)`
    /// without walking below `target`'s place in the topological order.
    pub(crate) fn is_ancestor_of_any(&self, target: usize, from: &[usize]) -> bool {
        let pos = &self.nodes.topo_pos;
        let floor = pos[target];
        let mut seen = std::collections::HashSet::new();
        let mut stack: Vec<usize> = from.iter().copied().filter(|&i| pos[i] >= floor).collect();
        while let Some(i) = stack.pop() {
            if i == target {
                return true;
            }
            if seen.insert(i) {
                stack.extend(
                    self.nodes
                        .norm_down(i)
                        .iter()
                        .copied()
                        .filter(|&d| pos[d] >= floor),
                );
            }
        }
        false
    }

    /// The revisions sharing a line of descent with any of `against`: their
    /// ancestors and descendants (Alembic's `_shares_lineage`, computed once
    /// for a whole `filter_for_lineage`).
    pub(crate) fn lineage(&self, against: &[usize], links: Links) -> Bitset {
        let mut set = self.ancestors(against, links);
        set.union_with(&self.descendants_of(against, links));
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
    ///
    /// Alembic keeps the ancestor set of every head it walks and recomputes
    /// it at each merge point, dependency and branch: quadratic on a long
    /// history with many merges. This computes the same order in
    /// near-linear time from one observation: once the sets walked from
    /// the heads are closed under "between" (every revision lying between
    /// two of them is one of them), a candidate is still an ancestor of
    /// another head exactly when one of its children in that set is not
    /// emitted yet (an emitted revision never has a pending descendant, as
    /// the walk itself guarantees). So a count of pending children per
    /// revision answers the question, and only a blocked candidate walks
    /// up (through pending revisions only) to find which head to switch
    /// to. Sets that are not closed (possible only for unusual ranges) take
    /// Alembic's own computation, [`Self::topological_sort_reference`].
    pub(crate) fn topological_sort(&self, mut todo: Bitset, heads: &[usize]) -> Vec<usize> {
        let n = self.len();
        let mut current: Vec<usize> = heads
            .iter()
            .copied()
            .filter(|&h| todo.contains(h))
            .collect();
        current.sort_unstable();
        current.dedup();

        // The revisions the walk can reach: down from the heads, in `todo`.
        let mut live = Bitset::new(n);
        let mut stack: Vec<usize> = current.clone();
        while let Some(i) = stack.pop() {
            if live.insert(i) {
                stack.extend(
                    self.nodes
                        .norm_down(i)
                        .iter()
                        .copied()
                        .filter(|&d| todo.contains(d)),
                );
            }
        }
        if !self.is_closed(&live) {
            return self.topological_sort_reference(todo, heads);
        }
        let original = todo.clone();

        // pending[i]: children of i (through `down_revision` or
        // `depends_on`) that the walk reaches and has not emitted yet.
        let mut pending = vec![0u32; n];
        for x in live.iter() {
            self.for_each_down(x, |p| pending[p] += 1);
        }
        let mut in_current = Bitset::new(n);
        for &h in &current {
            in_current.insert(h);
        }
        let mut seen = vec![0u32; n];
        let mut generation = 0u32;
        let mut to_add: Vec<usize> = Vec::new();

        let mut output = Vec::with_capacity(n.min(live.count()));
        let mut idx = 0usize;
        while !current.is_empty() {
            let candidate = current[idx];
            if pending[candidate] > 0 {
                // Another head still needs this revision: finish it first.
                // The first such head in the list, as Alembic scans them.
                generation += 1;
                stack.clear();
                stack.push(candidate);
                while let Some(i) = stack.pop() {
                    for &c in self.nodes.all_children(i) {
                        if live.contains(c) && seen[c] != generation {
                            seen[c] = generation;
                            stack.push(c);
                        }
                    }
                }
                match (0..current.len()).find(|&k| k != idx && seen[current[k]] == generation) {
                    Some(k) => {
                        idx = k;
                        continue;
                    }
                    // Cannot happen (see above); never give a wrong order.
                    None => return self.topological_sort_reference(original, heads),
                }
            }
            if todo.remove(candidate) {
                output.push(candidate);
            }
            live.remove(candidate);
            self.for_each_down(candidate, |p| pending[p] -= 1);

            to_add.clear();
            to_add.extend(
                self.nodes
                    .norm_down(candidate)
                    .iter()
                    .copied()
                    .filter(|&r| todo.contains(r) && !in_current.contains(r)),
            );
            in_current.remove(candidate);
            match to_add.split_first() {
                None => {
                    current.remove(idx);
                    idx = idx.saturating_sub(1);
                }
                Some((&first, rest)) => {
                    current[idx] = first;
                    in_current.insert(first);
                    for &r in rest {
                        current.push(r);
                        in_current.insert(r);
                    }
                }
            }
        }
        // Unreachable from the heads: cannot happen for the sets the
        // planner builds, but never lose a revision.
        output.extend(todo.iter());
        output
    }

    /// Calls `f` once for each revision `i` is a child of (its parents and
    /// its dependencies): the inverse of `Nodes::all_children`.
    fn for_each_down(&self, i: usize, mut f: impl FnMut(usize)) {
        let parents = self.nodes.parents(i);
        for &p in parents {
            f(p);
        }
        for &d in self.nodes.deps(i) {
            if !parents.contains(&d) {
                f(d);
            }
        }
    }

    /// True when every revision that is both above and below members of
    /// `set` is itself in `set`.
    fn is_closed(&self, set: &Bitset) -> bool {
        let members: Vec<usize> = set.iter().collect();
        let mut between = self.ancestors(&members, Links::WithDeps);
        if between == *set {
            return true;
        }
        between.intersect_with(&self.descendants_of(&members, Links::WithDeps));
        between.subtract(set);
        between.is_empty()
    }

    /// Alembic's `_topological_sort` as Alembic computes it, with an
    /// ancestor set per head walked: the reference for
    /// [`Self::topological_sort`], and its fallback.
    pub(crate) fn topological_sort_reference(
        &self,
        mut todo: Bitset,
        heads: &[usize],
    ) -> Vec<usize> {
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
            let parents = self.nodes.parents(candidate);
            let to_add: Vec<usize> = self
                .nodes
                .norm_down(candidate)
                .iter()
                .copied()
                .filter(|&r| todo.contains(r) && !current.contains(&r))
                .collect();
            if to_add.is_empty() {
                current.remove(idx);
                ancestors.remove(idx);
                idx = idx.saturating_sub(1);
            } else if !self.nodes.has_norm_deps(candidate) && parents.len() == 1 {
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

#[cfg(test)]
mod tests {
    use super::super::RevisionGraph;
    use super::super::bitset::Bitset;
    use crate::revision::Revision;

    /// A small deterministic generator (xorshift64*).
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 33) as usize % n.max(1)
        }
    }

    /// A random DAG: revision `i` takes parents and dependencies among
    /// `0..i`, sometimes none (a new base), sometimes several (a merge).
    fn random_graph(rng: &mut Rng, n: usize) -> RevisionGraph {
        let id = |i: usize| format!("r{i:03}");
        let revs: Vec<Revision> = (0..n)
            .map(|i| {
                let mut parents: Vec<String> = Vec::new();
                let mut deps: Vec<String> = Vec::new();
                if i > 0 && rng.below(8) != 0 {
                    let count = if rng.below(5) == 0 { 2 } else { 1 };
                    for _ in 0..count {
                        // Mostly a recent parent: long lines, some branches.
                        let back = if rng.below(3) == 0 {
                            rng.below(i)
                        } else {
                            rng.below(3.min(i))
                        };
                        let p = id(i - 1 - back);
                        if !parents.contains(&p) {
                            parents.push(p);
                        }
                    }
                }
                if i > 0 && rng.below(6) == 0 {
                    deps.push(id(rng.below(i)));
                }
                let parents: Vec<&str> = parents.iter().map(String::as_str).collect();
                let deps: Vec<&str> = deps.iter().map(String::as_str).collect();
                Revision::new(&id(i), &parents).with_depends_on(&deps)
            })
            .collect();
        RevisionGraph::new(revs).expect("a DAG")
    }

    #[test]
    fn pruned_ancestor_test_matches_ancestor_sets() {
        let mut rng = Rng(0x0123_4567_89ab_cdef);
        for _ in 0..200 {
            let n = 1 + rng.below(60);
            let g = random_graph(&mut rng, n);
            for _ in 0..10 {
                let from: Vec<usize> = (0..rng.below(3)).map(|_| rng.below(n)).collect();
                let set = g.ancestors(&from, super::Links::WithDeps);
                for t in 0..n {
                    assert_eq!(
                        g.is_ancestor_of_any(t, &from),
                        set.contains(t),
                        "{t} below {from:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn fast_topological_sort_matches_alembics() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..400 {
            let n = 1 + rng.below(60);
            let g = random_graph(&mut rng, n);
            let mut cases: Vec<(Bitset, Vec<usize>)> = Vec::new();
            // Everything from the heads (`history`, `upgrade heads`).
            let mut all = Bitset::new(n);
            for i in 0..n {
                all.insert(i);
            }
            cases.push((all, g.real_heads.clone()));
            // Random sets and heads: closed or not.
            for _ in 0..4 {
                let mut todo = Bitset::new(n);
                for i in 0..n {
                    if rng.below(3) != 0 {
                        todo.insert(i);
                    }
                }
                let heads: Vec<usize> = (0..1 + rng.below(4)).map(|_| rng.below(n)).collect();
                cases.push((todo, heads));
            }
            // What the planner collects: upgrade from some rows to a head.
            for _ in 0..3 {
                let rows: Vec<usize> = (0..rng.below(3)).map(|_| rng.below(n)).collect();
                let target = g.real_heads[rng.below(g.real_heads.len())];
                let mut todo = g.ancestors(&[target], super::Links::WithDeps);
                todo.subtract(&g.ancestors(&rows, super::Links::WithDeps));
                cases.push((todo, vec![target]));
            }
            for (todo, heads) in cases {
                let fast = g.topological_sort(todo.clone(), &heads);
                let reference = g.topological_sort_reference(todo, &heads);
                assert_eq!(fast, reference, "round {round}, heads {heads:?}");
            }
        }
    }
}
