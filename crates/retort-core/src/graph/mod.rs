//! The revision graph: the DAG of all revisions, with Alembic's semantics.
//!
//! [`RevisionGraph::new`] validates the revisions (duplicate ids, missing
//! parents and dependencies, cycles, branch label conflicts) and indexes them;
//! every query after that is a walk over `usize` indexes.
//!
//! The vocabulary is Alembic's (`alembic/script/revision.py`):
//! - a *head* has no child through `down_revision`; a *real head* also has no
//!   revision depending on it (`heads --resolve-dependencies`, and what the
//!   expression `heads` means);
//! - a *base* has no `down_revision`;
//! - a *branch point* has several children, a *merge point* several parents;
//! - *branch labels* extend from the revision declaring them to all its
//!   descendants, and down to its ancestors until the previous branch point
//!   when its line of descendants does not branch;
//! - `depends_on` entries are resolved to revisions, then *normalized*: a
//!   dependency already implied by an ancestor's dependency is dropped.
//!
//! Files: `nodes` (storage: flat link lists, shared label sets, id index),
//! `build` (validation), `labels` (propagation), `traverse` (ancestor
//! sets and Alembic's topological order), `expr` (revision expressions),
//! `collect` (which revisions a move touches, `history`), `plan` (steps and
//! version rows), `stamp`.

mod bitset;
mod build;
mod collect;
mod draw;
mod error;
mod expr;
mod labels;
mod nodes;
mod plan;
mod stamp;
mod traverse;

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::revision::Revision;
use nodes::{IdIndex, Nodes};

pub use collect::IterateOptions;
pub use draw::{DrawRow, Glyphs};
pub use error::{FilePath, GraphError, IdList, PlanError, ResolveError};
pub use plan::{Direction, Plan, Step, VersionUpdate};

/// The validated DAG of all revisions.
///
/// Build it with [`RevisionGraph::new`]; query heads, bases and branch
/// points; resolve revision expressions ([`RevisionGraph::resolve`]); plan
/// upgrades, downgrades and stamps ([`RevisionGraph::plan_upgrade`]).
#[derive(Debug)]
pub struct RevisionGraph {
    revisions: Vec<Revision>,
    nodes: Nodes,
    index: IdIndex,
    /// Declared branch labels: name -> declaring revision.
    label_owner: HashMap<Box<str>, usize>,
    /// Label names, indexed by the label numbers of `Nodes::label_sets`.
    label_names: Vec<Box<str>>,
    heads: Vec<usize>,
    real_heads: Vec<usize>,
    bases: Vec<usize>,
    /// Sorted (key, revision) pairs of ids and labels longer than three
    /// characters, for prefix lookup; built on first use.
    prefixes: OnceLock<Vec<(Box<str>, usize)>>,
}

impl RevisionGraph {
    /// How many revisions the graph holds.
    pub fn len(&self) -> usize {
        self.revisions.len()
    }

    /// True when the graph has no revision.
    pub fn is_empty(&self) -> bool {
        self.revisions.is_empty()
    }

    /// Every revision, in the order given to [`RevisionGraph::new`].
    pub fn revisions(&self) -> impl Iterator<Item = &Revision> {
        self.revisions.iter()
    }

    /// The revision with exactly this id.
    pub fn get(&self, id: &str) -> Option<&Revision> {
        self.lookup(id).map(|i| &self.revisions[i])
    }

    /// The heads: revisions no other revision names as `down_revision`, in
    /// input order (what `alembic heads` prints).
    pub fn heads(&self) -> Vec<&Revision> {
        self.revs(&self.heads)
    }

    /// The heads once dependencies count as children: revisions nothing
    /// revises or depends on (`alembic heads --resolve-dependencies`, and
    /// the expression `heads`).
    pub fn heads_resolving_dependencies(&self) -> Vec<&Revision> {
        self.revs(&self.real_heads)
    }

    /// The bases: revisions without `down_revision`, in input order.
    pub fn bases(&self) -> Vec<&Revision> {
        self.revs(&self.bases)
    }

    /// Branch points (revisions with several children), in `history` order
    /// (what `alembic branches` lists).
    pub fn branch_points(&self) -> Vec<&Revision> {
        let all = self.walk_all();
        all.into_iter()
            .filter(|&i| self.nodes.children(i).len() > 1)
            .map(|i| &self.revisions[i])
            .collect()
    }

    /// The revisions naming `id` as a `down_revision`, in input order.
    pub fn children(&self, id: &str) -> Vec<&Revision> {
        match self.lookup(id) {
            Some(i) => self.revs(self.nodes.children(i)),
            None => Vec::new(),
        }
    }

    /// True when `id` is a head (no revision names it as `down_revision`).
    pub fn is_head(&self, id: &str) -> bool {
        self.lookup(id)
            .is_some_and(|i| self.nodes.children(i).is_empty())
    }

    /// True when several revisions name `id` as their `down_revision`.
    pub fn is_branch_point(&self, id: &str) -> bool {
        self.lookup(id)
            .is_some_and(|i| self.nodes.children(i).len() > 1)
    }

    /// The effective branch labels of `id`: its own and those it inherits
    /// along its branch, sorted by name.
    pub fn branch_labels(&self, id: &str) -> Vec<&str> {
        let Some(i) = self.lookup(id) else {
            return Vec::new();
        };
        let mut labels: Vec<&str> = self
            .nodes
            .labels(i)
            .iter()
            .map(|&l| &*self.label_names[l as usize])
            .collect();
        labels.sort_unstable();
        labels
    }

    /// The revisions `id` depends on (`depends_on`, resolved), as written.
    pub fn dependencies(&self, id: &str) -> Vec<&Revision> {
        match self.lookup(id) {
            Some(i) => self.revs(self.nodes.deps(i)),
            None => Vec::new(),
        }
    }

    /// What a database with these version rows effectively includes, as
    /// Alembic's `current` lists it (`get_all_current`): the rows and every
    /// revision they reach through `down_revision` and `depends_on`,
    /// reduced to the heads of that set, in [`heads`](Self::heads) order.
    /// Rows the graph does not hold are left out.
    pub fn all_current(&self, rows: &[crate::RevisionId]) -> Vec<&Revision> {
        let idx: Vec<usize> = rows.iter().filter_map(|r| self.lookup(r)).collect();
        self.revs(&self.all_current_of(&idx))
    }

    /// Every revision a database with these version rows includes: the
    /// rows and all they reach through `down_revision` and `depends_on`, in
    /// input order. Rows the graph does not hold are left out.
    pub fn applied(&self, rows: &[crate::RevisionId]) -> Vec<&Revision> {
        let idx: Vec<usize> = rows.iter().filter_map(|r| self.lookup(r)).collect();
        let set = self.ancestors(&idx, traverse::Links::WithDeps);
        self.revs(&set.iter().collect::<Vec<_>>())
    }

    /// `id` and every revision descending from it through `down_revision`,
    /// in input order (empty when no revision has that id).
    pub fn descendants(&self, id: &str) -> Vec<&Revision> {
        match self.lookup(id) {
            Some(i) => {
                let set = self.descendants_of(&[i], traverse::Links::Versioned);
                self.revs(&set.iter().collect::<Vec<_>>())
            }
            None => Vec::new(),
        }
    }

    fn revs(&self, idx: &[usize]) -> Vec<&Revision> {
        idx.iter().map(|&i| &self.revisions[i]).collect()
    }

    /// The index of the revision with exactly this id.
    pub(crate) fn lookup(&self, id: &str) -> Option<usize> {
        self.index.get(&self.revisions, id)
    }

    pub(crate) fn id(&self, i: usize) -> &str {
        &self.revisions[i].id
    }

    pub(crate) fn id_list(&self, idx: impl IntoIterator<Item = usize>) -> IdList {
        IdList(
            idx.into_iter()
                .map(|i| self.revisions[i].id.clone())
                .collect(),
        )
    }
}
