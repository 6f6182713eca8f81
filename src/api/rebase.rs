//! `rebase`: moves a revision and its descendants onto another revision by
//! rewriting the moved revision's `down_revision`, instead of joining two
//! heads with a merge revision (`retort rebase REV --onto TARGET`).
//!
//! The usual case: two branches of a project each added a revision after
//! the same parent (two heads after a `git merge`); rebasing one onto the
//! other makes the history linear again. It is safe only where the moved
//! revisions have not run: a database that ran one would have it under its
//! old parent. So the databases the project points at are read first, and
//! the rebase is refused, naming each database and what it is at, when any
//! of them includes a moved revision; `merge` is the alternative then.
//! The files change only once the new graph is known to be valid, and
//! every file is checked to read back as the same revision with only its
//! parents changed.

use std::path::PathBuf;

use retort_core::RevisionGraph;
use retort_core::RevisionId;
use retort_core::script::Depth;
use retort_core::script::rewrite::{replace_file, with_down_revisions};
use retort_db::ResolveUrlError;

use super::Retort;
use super::error::{Error, Result};
use retort_core::script::ScriptError;

/// Why `rebase` refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RebaseError {
    /// The revision to move is `base`, or names no revision.
    #[error("rebase needs a revision to move; {expr} names none")]
    NothingToMove {
        /// The expression given.
        expr: String,
    },
    /// The revision to move is a merge point: which parent to replace is
    /// ambiguous.
    #[error(
        "{revision} is a merge point (it revises {parents}); rebase moves a revision with one parent: rebase the revision after the merge, or edit down_revision by hand"
    )]
    MergePoint {
        /// The revision.
        revision: String,
        /// Its parents, comma-separated.
        parents: String,
    },
    /// No `--onto`, and not exactly one head outside the moved revisions.
    #[error(
        "rebase {revision}: {found}; name the revision to move it onto with --onto (see `retort heads`)"
    )]
    NoDefaultTarget {
        /// The revision to move.
        revision: String,
        /// What was found instead of one other head.
        found: String,
    },
    /// The target is among the moved revisions.
    #[error(
        "cannot rebase {revision} onto {target}: {target} descends from {revision}, so the graph would have a cycle"
    )]
    OntoDescendant {
        /// The revision to move.
        revision: String,
        /// The target.
        target: String,
    },
    /// A database already ran a moved revision.
    #[error(
        "cannot rebase {revision}: {applied}; moving it would change its parent under those databases. Use `retort merge heads` to join the heads instead, or downgrade those databases below {revision} first (`retort downgrade {parent}`)"
    )]
    Applied {
        /// The revision to move.
        revision: String,
        /// Each database and the moved revisions it includes.
        applied: String,
        /// The revision's current parent.
        parent: String,
    },
    /// A database could not be read to check.
    #[error(
        "cannot check whether the revisions to move ran: {source}; fix the database URL, or pass --no-database-check to rebase without checking"
    )]
    Unchecked {
        /// Why.
        source: Box<Error>,
    },
}

/// What `rebase` did.
#[derive(Clone, Debug)]
pub struct Rebased {
    /// The revision moved.
    pub revision: RevisionId,
    /// Its parents before.
    pub old_parents: Vec<RevisionId>,
    /// Its parent now.
    pub onto: RevisionId,
    /// The revisions that moved with it (its descendants), in file order.
    pub descendants: Vec<RevisionId>,
    /// The file rewritten.
    pub path: PathBuf,
    /// The databases checked (masked URLs), or empty when none is
    /// configured or the check was skipped.
    pub checked: Vec<String>,
}

impl Retort {
    /// `rebase`: moves the revision `expr` names (and its descendants) onto
    /// `onto` (default: the one head that is not among them), rewriting
    /// its `down_revision`. With `check_databases`, refuses when a
    /// database the project points at includes a moved revision (a project
    /// without any database URL is not checked).
    pub fn rebase(&self, expr: &str, onto: Option<&str>, check_databases: bool) -> Result<Rebased> {
        self.writable("rebase")?;
        let dir = self.script_directory(Depth::Header)?;
        let graph = &dir.graph;
        let rev = graph
            .resolve_one(expr)?
            .ok_or_else(|| RebaseError::NothingToMove {
                expr: expr.to_owned(),
            })?;
        if rev.down_revisions.len() > 1 {
            return Err(RebaseError::MergePoint {
                revision: rev.id.to_string(),
                parents: join(&rev.down_revisions),
            }
            .into());
        }
        let moved: Vec<&RevisionId> = graph.descendants(&rev.id).iter().map(|r| &r.id).collect();
        let target = match onto {
            Some(onto) => graph
                .resolve_one(onto)?
                .ok_or_else(|| RebaseError::NothingToMove {
                    expr: onto.to_owned(),
                })?,
            None => default_target(graph, &rev.id, &moved)?,
        };
        if moved.contains(&&target.id) {
            return Err(RebaseError::OntoDescendant {
                revision: rev.id.to_string(),
                target: target.id.to_string(),
            }
            .into());
        }
        // The new graph must be valid (a depends_on from the target's line
        // to a moved revision would make a cycle).
        let mut revisions: Vec<_> = graph.revisions().cloned().collect();
        for r in &mut revisions {
            if r.id == rev.id {
                r.down_revisions = vec![target.id.clone()];
            }
        }
        RevisionGraph::new(revisions).map_err(ScriptError::from)?;
        let checked = if check_databases {
            self.check_not_applied(&dir, &rev.id, &moved)?
        } else {
            Vec::new()
        };
        let io = |source| ScriptError::Io {
            path: rev.path.clone(),
            source,
        };
        let text = std::fs::read_to_string(&rev.path).map_err(io)?;
        let new = with_down_revisions(&rev.path, &text, std::slice::from_ref(&target.id))
            .map_err(ScriptError::from)?;
        replace_file(&rev.path, &new).map_err(io)?;
        Ok(Rebased {
            revision: rev.id.clone(),
            old_parents: rev.down_revisions.clone(),
            onto: target.id.clone(),
            descendants: moved
                .iter()
                .filter(|id| ***id != rev.id)
                .map(|id| (*id).clone())
                .collect(),
            path: rev.path.clone(),
            checked,
        })
    }

    /// Refuses when a database includes one of `moved`; the databases
    /// checked, or none when the project has no database URL.
    fn check_not_applied(
        &self,
        dir: &retort_core::script::ScriptDirectory,
        revision: &RevisionId,
        moved: &[&RevisionId],
    ) -> Result<Vec<String>> {
        let Some(rows) = self
            .rows_to_check(dir)
            .map_err(|e| RebaseError::Unchecked {
                source: Box::new(e),
            })?
        else {
            return Ok(Vec::new());
        };
        let mut applied = Vec::new();
        for db in &rows {
            let included: Vec<&str> = dir
                .graph
                .applied(&db.revisions)
                .iter()
                .filter(|r| moved.contains(&&r.id))
                .map(|r| r.id.as_str())
                .collect();
            if !included.is_empty() {
                let name = db
                    .database
                    .as_deref()
                    .map_or(String::new(), |n| format!("{n} "));
                applied.push(format!(
                    "database {name}{} ran {} (it is at {})",
                    db.url,
                    included.join(", "),
                    if db.revisions.is_empty() {
                        "base".to_owned()
                    } else {
                        join(&db.revisions)
                    }
                ));
            }
        }
        if !applied.is_empty() {
            let parent = dir
                .graph
                .get(revision)
                .and_then(|r| r.down_revisions.first())
                .map_or("base".to_owned(), |p| p.to_string());
            return Err(RebaseError::Applied {
                revision: revision.to_string(),
                applied: applied.join("; "),
                parent,
            }
            .into());
        }
        Ok(rows.iter().map(|db| db.url.to_string()).collect())
    }
}

impl Retort {
    /// The version rows of every database the project points at, to check
    /// before rewriting revision files; `None` when no database URL is
    /// configured at all (nothing to check).
    pub(super) fn rows_to_check(
        &self,
        dir: &retort_core::script::ScriptDirectory,
    ) -> Result<Option<Vec<super::DatabaseRevisions>>> {
        match self.current_rows(dir) {
            Ok(rows) => Ok(Some(rows)),
            Err(Error::Url(ResolveUrlError::Missing { .. })) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// The one head that is not among `moved`.
fn default_target<'g>(
    graph: &'g RevisionGraph,
    revision: &RevisionId,
    moved: &[&RevisionId],
) -> Result<&'g retort_core::Revision> {
    let others: Vec<&retort_core::Revision> = graph
        .heads()
        .into_iter()
        .filter(|h| !moved.contains(&&h.id))
        .collect();
    match others.as_slice() {
        [one] => Ok(one),
        [] => Err(RebaseError::NoDefaultTarget {
            revision: revision.to_string(),
            found: "every head descends from it, so there is no other head".into(),
        }
        .into()),
        many => Err(RebaseError::NoDefaultTarget {
            revision: revision.to_string(),
            found: format!(
                "there are {} other heads ({})",
                many.len(),
                many.iter()
                    .map(|h| h.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
        .into()),
    }
}

fn join(ids: &[RevisionId]) -> String {
    ids.iter()
        .map(RevisionId::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}
