//! Commands that read the revision graph: `heads`, `branches`, `history`
//! and `show`. Each returns a [`RevisionList`]: the revisions it selected,
//! in display order, with the graph they belong to (for labels, children,
//! head and branch point status).

use retort_core::script::Depth;
use retort_core::{Revision, RevisionGraph, RevisionId, ScriptDirectory};

use super::{Error, Result, Retort};

/// Revisions a command selected, with the loaded project they come from.
#[derive(Debug)]
pub struct RevisionList {
    script: ScriptDirectory,
    ids: Vec<RevisionId>,
    current: Vec<RevisionId>,
}

impl RevisionList {
    fn new(script: ScriptDirectory, ids: Vec<RevisionId>) -> RevisionList {
        RevisionList {
            script,
            ids,
            current: Vec::new(),
        }
    }

    /// The selected revisions, in display order.
    pub fn revisions(&self) -> impl Iterator<Item = &Revision> {
        self.ids.iter().filter_map(|id| self.script.graph.get(id))
    }

    /// The selected revisions' ids, in display order.
    pub fn ids(&self) -> &[RevisionId] {
        &self.ids
    }

    /// How many revisions were selected.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// True when none was.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The revisions the databases are at (`history` with
    /// `indicate_current`; empty otherwise).
    pub fn current(&self) -> &[RevisionId] {
        &self.current
    }

    /// The whole revision graph.
    pub fn graph(&self) -> &RevisionGraph {
        &self.script.graph
    }

    /// The loaded project.
    pub fn script(&self) -> &ScriptDirectory {
        &self.script
    }

    /// The selected revisions, cloned out of the graph.
    pub fn to_vec(&self) -> Vec<Revision> {
        self.revisions().cloned().collect()
    }
}

fn ids<'a>(revisions: impl IntoIterator<Item = &'a Revision>) -> Vec<RevisionId> {
    revisions.into_iter().map(|r| r.id.clone()).collect()
}

impl Retort {
    /// `heads`: the heads of the graph; with `resolve_dependencies`,
    /// `depends_on` counts as a parent (a revision others depend on is
    /// then no head).
    pub fn heads(&self, resolve_dependencies: bool) -> Result<RevisionList> {
        let dir = self.script_directory(Depth::Header)?;
        let heads = if resolve_dependencies {
            ids(dir.graph.heads_resolving_dependencies())
        } else {
            ids(dir.graph.heads())
        };
        Ok(RevisionList::new(dir, heads))
    }

    /// `branches`: the branch points, newest first (their children are
    /// [`RevisionGraph::children`]).
    pub fn branches(&self) -> Result<RevisionList> {
        let dir = self.script_directory(Depth::Header)?;
        let points = ids(dir
            .graph
            .history(None)?
            .into_iter()
            .filter(|r| dir.graph.is_branch_point(&r.id)));
        Ok(RevisionList::new(dir, points))
    }

    /// `history`: revisions newest first, within `range` (`[start]:[end]`)
    /// when given; with `indicate_current`, also the revisions the
    /// databases are at ([`RevisionList::current`]).
    pub fn history(&self, range: Option<&str>, indicate_current: bool) -> Result<RevisionList> {
        if let Some(range) = range
            && !range.contains(':')
        {
            return Err(Error::HistoryRange {
                range: range.to_owned(),
            });
        }
        let dir = self.script_directory(Depth::Header)?;
        let names_current = range.is_some_and(|r| {
            r.trim()
                .split(':')
                .any(|side| side.trim() == CURRENT_SYMBOL)
        });
        let rows = if indicate_current || names_current {
            Some(self.all_rows(&dir)?)
        } else {
            None
        };
        let revisions = ids(dir.graph.history_with_current(range, rows.as_deref())?);
        let mut list = RevisionList::new(dir, revisions);
        if indicate_current {
            list.current = rows.unwrap_or_default();
        }
        Ok(list)
    }

    /// `show`: the revisions an expression names (`base` names none;
    /// `current`, the revisions the databases are at).
    pub fn show(&self, expr: &str) -> Result<RevisionList> {
        let dir = self.script_directory(Depth::Header)?;
        let revisions = if expr.trim() == CURRENT_SYMBOL {
            self.all_rows(&dir)?
        } else {
            ids(dir.graph.resolve(expr)?)
        };
        Ok(RevisionList::new(dir, revisions))
    }

    /// The version rows of every database the command acts on, each once,
    /// in the graph's order.
    fn all_rows(&self, dir: &ScriptDirectory) -> Result<Vec<RevisionId>> {
        let rows: Vec<RevisionId> = self
            .current_rows(dir)?
            .into_iter()
            .flat_map(|d| d.revisions)
            .collect();
        Ok(ids(dir.graph.revisions().filter(|r| rows.contains(&r.id))))
    }
}

/// The revision expression that names what the database is at (`show
/// current`, `history -r current:`).
const CURRENT_SYMBOL: &str = "current";
