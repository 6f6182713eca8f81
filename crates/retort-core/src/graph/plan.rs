//! Plans: the ordered steps of an upgrade or downgrade, and how each step
//! changes the version table (Alembic's `RevisionStep` and
//! `HeadMaintainer`).

use std::fmt;

use super::RevisionGraph;
use super::collect::{Options, Spec};
use super::error::{IdList, PlanError};
use crate::revision::RevisionId;

/// Which way a plan moves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Direction {
    /// Towards the heads (running `upgrade` operations).
    Upgrade,
    /// Towards the bases (running `downgrade` operations).
    Downgrade,
}

impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::Upgrade => "upgrade",
            Direction::Downgrade => "downgrade",
        })
    }
}

/// How the version table's rows (one per applied head) change.
///
/// Mirrors Alembic's `HeadMaintainer.update_to_step`: a new branch inserts
/// a row, leaving a branch deletes one, a plain step updates one, a merge
/// deletes all but one of its parents' rows and updates the last, an
/// unmerge inserts rows for all but one parent and updates the last.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum VersionUpdate {
    /// `INSERT` a row: a new branch starts.
    Insert(RevisionId),
    /// `DELETE` a row: a branch is gone.
    Delete(RevisionId),
    /// `UPDATE` one row from one revision to another.
    Update {
        /// The row's current value.
        from: RevisionId,
        /// Its new value.
        to: RevisionId,
    },
    /// A merge: `DELETE` the rows of `delete`, then `UPDATE from -> to`.
    Merge {
        /// Rows removed.
        delete: Vec<RevisionId>,
        /// The row kept and updated.
        from: RevisionId,
        /// Its new value.
        to: RevisionId,
    },
    /// An unmerge: `INSERT` the rows of `insert`, then `UPDATE from -> to`.
    Unmerge {
        /// The row updated.
        from: RevisionId,
        /// Its new value.
        to: RevisionId,
        /// Rows added.
        insert: Vec<RevisionId>,
    },
    /// `stamp --purge`: `DELETE` every row first.
    Purge,
}

impl VersionUpdate {
    /// Applies the change to `heads` (the rows), refusing to delete or
    /// update a row that is not there or to duplicate one.
    pub fn apply(&self, heads: &mut Vec<RevisionId>) -> Result<(), PlanError> {
        match self {
            VersionUpdate::Insert(id) => insert(heads, id),
            VersionUpdate::Delete(id) => delete(heads, id),
            VersionUpdate::Update { from, to } => update(heads, from, to),
            VersionUpdate::Merge {
                delete: gone,
                from,
                to,
            } => {
                for id in gone {
                    delete(heads, id)?;
                }
                update(heads, from, to)
            }
            VersionUpdate::Unmerge {
                from,
                to,
                insert: new,
            } => {
                for id in new {
                    insert(heads, id)?;
                }
                update(heads, from, to)
            }
            VersionUpdate::Purge => {
                heads.clear();
                Ok(())
            }
        }
    }
}

fn insert(heads: &mut Vec<RevisionId>, id: &RevisionId) -> Result<(), PlanError> {
    if heads.contains(id) {
        return Err(PlanError::DuplicateRow { id: id.clone() });
    }
    heads.push(id.clone());
    Ok(())
}

fn delete(heads: &mut Vec<RevisionId>, id: &RevisionId) -> Result<(), PlanError> {
    let at = heads
        .iter()
        .position(|h| h == id)
        .ok_or_else(|| PlanError::MissingRow { id: id.clone() })?;
    heads.remove(at);
    Ok(())
}

fn update(heads: &mut [RevisionId], from: &RevisionId, to: &RevisionId) -> Result<(), PlanError> {
    if heads.contains(to) {
        return Err(PlanError::DuplicateRow { id: to.clone() });
    }
    let at = heads
        .iter()
        .position(|h| h == from)
        .ok_or_else(|| PlanError::MissingRow { id: from.clone() })?;
    heads[at] = to.clone();
    Ok(())
}

/// A [`VersionUpdate`] with rows as revision indexes, while planning.
enum RowChange {
    Insert(usize),
    Delete(usize),
    Update {
        from: usize,
        to: usize,
    },
    Merge {
        delete: Vec<usize>,
        from: usize,
        to: usize,
    },
    Unmerge {
        from: usize,
        to: usize,
        insert: Vec<usize>,
    },
}

/// One revision run in one direction, with its version table change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    /// The revision whose operations run.
    pub revision: RevisionId,
    /// Which of its operation lists runs.
    pub direction: Direction,
    /// How the version rows change after it.
    pub version: VersionUpdate,
    /// The revisions the step leaves (its parents going up, itself going
    /// down), as in Alembic's log line.
    pub from: Vec<RevisionId>,
    /// The revisions the step reaches (itself going up, its parents going
    /// down).
    pub to: Vec<RevisionId>,
}

impl Step {
    /// The revisions the step leaves.
    pub fn from_ids(&self) -> &[RevisionId] {
        &self.from
    }

    /// The revisions the step reaches.
    pub fn to_ids(&self) -> &[RevisionId] {
        &self.to
    }
}

/// Alembic's log line without the message: `upgrade a -> b`,
/// `upgrade  -> a` for a base, `downgrade c -> a, b` for a merge point.
impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} -> {}",
            self.direction,
            IdList(self.from.clone()),
            IdList(self.to.clone())
        )
    }
}

/// The resolved work of an upgrade or downgrade, in running order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// Which way the plan moves.
    pub direction: Direction,
    /// The steps, in running order.
    pub steps: Vec<Step>,
}

impl Plan {
    /// The version rows after running the plan from `heads`.
    pub fn apply(&self, heads: &[RevisionId]) -> Result<Vec<RevisionId>, PlanError> {
        let mut rows = heads.to_vec();
        for step in &self.steps {
            step.version.apply(&mut rows)?;
        }
        Ok(rows)
    }
}

impl RevisionGraph {
    /// Plans `upgrade TARGET` from the version rows `current` (Alembic's
    /// `_upgrade_revs`): every revision needed for the target that is not
    /// already applied, parents and dependencies first.
    pub fn plan_upgrade(&self, current: &[RevisionId], target: &str) -> Result<Plan, PlanError> {
        let cur = self.current_indexes(current)?;
        let opts = Options {
            inclusive: false,
            implicit_base: true,
            assert_relative_length: true,
        };
        let (todo, targets) =
            self.collect_upgrade_revs(Spec::Expr(target), Spec::Revs(&cur), opts)?;
        let mut order = self.topological_sort(todo, &targets);
        order.reverse();
        self.build_plan(Direction::Upgrade, &cur, order)
    }

    /// Plans `downgrade TARGET` from the version rows `current` (Alembic's
    /// `_downgrade_revs`): every applied revision above the target,
    /// children and dependents first.
    pub fn plan_downgrade(&self, current: &[RevisionId], target: &str) -> Result<Plan, PlanError> {
        let cur = self.current_indexes(current)?;
        let opts = Options {
            inclusive: false,
            implicit_base: false,
            assert_relative_length: true,
        };
        let (todo, heads) = self.collect_downgrade(Spec::Revs(&cur), target, opts)?;
        let order = self.topological_sort(todo, &heads);
        self.build_plan(Direction::Downgrade, &cur, order)
    }

    /// Plans an offline run: `upgrade --sql START:END` (START may be empty
    /// for base, and `END` alone means from base) or `downgrade --sql
    /// START:END` (START required), as if the version table held START.
    pub fn plan_range(&self, range: &str, direction: Direction) -> Result<Plan, PlanError> {
        let malformed = |reason: &str| PlanError::MalformedRange {
            range: range.to_owned(),
            reason: reason.to_owned(),
        };
        let (start, end) = match range.split_once(':') {
            Some((_, end)) if end.contains(':') => {
                return Err(malformed("a range has exactly one ':', as START:END"));
            }
            Some((start, end)) => (start, end),
            None if direction == Direction::Upgrade => ("", range),
            None => return Err(malformed("downgrade with --sql requires <fromrev>:<torev>")),
        };
        if end.is_empty() {
            return Err(malformed("the destination after ':' is missing"));
        }
        let current: Vec<RevisionId> = match (start, direction) {
            ("", Direction::Downgrade) => {
                return Err(malformed("downgrade with --sql requires <fromrev>:<torev>"));
            }
            ("", Direction::Upgrade) => Vec::new(),
            (start, _) => self
                .resolve_single(start)?
                .map(|i| self.revisions[i].id.clone())
                .into_iter()
                .collect(),
        };
        match direction {
            Direction::Upgrade => self.plan_upgrade(&current, end),
            Direction::Downgrade => self.plan_downgrade(&current, end),
        }
    }

    /// The version rows as indexes, without duplicates.
    pub(crate) fn current_indexes(&self, current: &[RevisionId]) -> Result<Vec<usize>, PlanError> {
        let mut out: Vec<usize> = Vec::with_capacity(current.len());
        for id in current {
            let i = self
                .lookup(id.as_str())
                .ok_or_else(|| PlanError::UnknownCurrent { id: id.clone() })?;
            if !out.contains(&i) {
                out.push(i);
            }
        }
        Ok(out)
    }

    /// Turns an ordered list of revisions into steps, following the version
    /// rows from `current` as Alembic's `HeadMaintainer` does.
    fn build_plan(
        &self,
        direction: Direction,
        current: &[usize],
        order: Vec<usize>,
    ) -> Result<Plan, PlanError> {
        let mut rows: Vec<usize> = current.to_vec();
        let mut steps = Vec::with_capacity(order.len());
        for r in order {
            let change = match direction {
                Direction::Upgrade => self.upgrade_update(r, &rows)?,
                Direction::Downgrade => self.downgrade_update(r, &rows)?,
            };
            self.apply_rows(&change, &mut rows)?;
            let me = vec![self.revisions[r].id.clone()];
            let parents = self.revisions[r].down_revisions.clone();
            let (from, to) = match direction {
                Direction::Upgrade => (parents, me),
                Direction::Downgrade => (me, parents),
            };
            steps.push(Step {
                revision: self.revisions[r].id.clone(),
                direction,
                version: self.version_update(change),
                from,
                to,
            });
        }
        Ok(Plan { direction, steps })
    }

    /// [`VersionUpdate::apply`] on rows held as indexes: the same checks,
    /// the same order of rows.
    fn apply_rows(&self, change: &RowChange, rows: &mut Vec<usize>) -> Result<(), PlanError> {
        let insert = |rows: &mut Vec<usize>, i: usize| {
            if rows.contains(&i) {
                return Err(PlanError::DuplicateRow {
                    id: self.revisions[i].id.clone(),
                });
            }
            rows.push(i);
            Ok(())
        };
        let delete = |rows: &mut Vec<usize>, i: usize| {
            let at = rows
                .iter()
                .position(|&h| h == i)
                .ok_or_else(|| PlanError::MissingRow {
                    id: self.revisions[i].id.clone(),
                })?;
            rows.remove(at);
            Ok(())
        };
        let update = |rows: &mut Vec<usize>, from: usize, to: usize| {
            if rows.contains(&to) {
                return Err(PlanError::DuplicateRow {
                    id: self.revisions[to].id.clone(),
                });
            }
            let at = rows
                .iter()
                .position(|&h| h == from)
                .ok_or_else(|| PlanError::MissingRow {
                    id: self.revisions[from].id.clone(),
                })?;
            rows[at] = to;
            Ok(())
        };
        match change {
            RowChange::Insert(i) => insert(rows, *i),
            RowChange::Delete(i) => delete(rows, *i),
            RowChange::Update { from, to } => update(rows, *from, *to),
            RowChange::Merge {
                delete: gone,
                from,
                to,
            } => {
                for &i in gone {
                    delete(rows, i)?;
                }
                update(rows, *from, *to)
            }
            RowChange::Unmerge {
                from,
                to,
                insert: new,
            } => {
                for &i in new {
                    insert(rows, i)?;
                }
                update(rows, *from, *to)
            }
        }
    }

    fn version_update(&self, change: RowChange) -> VersionUpdate {
        let id = |i: usize| self.revisions[i].id.clone();
        let ids = |v: Vec<usize>| v.into_iter().map(id).collect();
        match change {
            RowChange::Insert(i) => VersionUpdate::Insert(id(i)),
            RowChange::Delete(i) => VersionUpdate::Delete(id(i)),
            RowChange::Update { from, to } => VersionUpdate::Update {
                from: id(from),
                to: id(to),
            },
            RowChange::Merge { delete, from, to } => VersionUpdate::Merge {
                delete: ids(delete),
                from: id(from),
                to: id(to),
            },
            RowChange::Unmerge { from, to, insert } => VersionUpdate::Unmerge {
                from: id(from),
                to: id(to),
                insert: ids(insert),
            },
        }
    }

    /// `RevisionStep` going up: create a branch, merge branches, or update.
    fn upgrade_update(&self, r: usize, rows: &[usize]) -> Result<RowChange, PlanError> {
        let down = self.nodes.norm_down(r);
        let present: Vec<usize> = down.iter().copied().filter(|d| rows.contains(d)).collect();
        if present.is_empty() {
            return Ok(RowChange::Insert(r));
        }
        if down.len() > 1 && present.len() > 1 {
            let others: Vec<usize> = rows.iter().copied().filter(|h| !down.contains(h)).collect();
            let mut from: Vec<usize> = down
                .iter()
                .copied()
                .filter(|&d| !self.is_ancestor_of_any(d, &others))
                .collect();
            from.retain(|d| rows.contains(d));
            let Some(last) = from.pop() else {
                return Ok(RowChange::Insert(r));
            };
            return Ok(RowChange::Merge {
                delete: from,
                from: last,
                to: r,
            });
        }
        let from = self.single_row(r, down, &present, rows)?;
        Ok(RowChange::Update { from, to: r })
    }

    /// `RevisionStep` going down: delete a branch, unmerge, or update.
    fn downgrade_update(&self, r: usize, rows: &[usize]) -> Result<RowChange, PlanError> {
        let down = self.nodes.norm_down(r);
        if rows.contains(&r) {
            let mut to = self.unmerge_targets(r, rows);
            if down.is_empty() || to.is_empty() {
                return Ok(RowChange::Delete(r));
            }
            if down.len() > 1 {
                let last = to.pop().unwrap_or(r);
                return Ok(RowChange::Unmerge {
                    from: r,
                    to: last,
                    insert: to,
                });
            }
        }
        let present: Vec<usize> = down.iter().copied().filter(|d| rows.contains(d)).collect();
        let to = self.single_row(r, down, &present, rows)?;
        Ok(RowChange::Update { from: r, to })
    }

    /// The one parent row a plain update moves from or to.
    fn single_row(
        &self,
        r: usize,
        down: &[usize],
        present: &[usize],
        rows: &[usize],
    ) -> Result<usize, PlanError> {
        match (down, present) {
            ([one], _) | (_, [one]) => Ok(*one),
            _ => Err(PlanError::AmbiguousUpdate {
                id: self.revisions[r].id.clone(),
                rows: self.id_list(rows.iter().copied()),
            }),
        }
    }

    /// The parents of `r` that must get rows when `r` is downgraded: those
    /// not implied by another row (Alembic's `_unmerge_to_revisions`).
    fn unmerge_targets(&self, r: usize, rows: &[usize]) -> Vec<usize> {
        let down = self.nodes.norm_down(r);
        let others: Vec<usize> = rows.iter().copied().filter(|&h| h != r).collect();
        if !others.is_empty() {
            return down
                .iter()
                .copied()
                .filter(|&d| !self.is_ancestor_of_any(d, &others))
                .collect();
        }
        // Without other rows: the parents not below another parent.
        down.iter()
            .copied()
            .filter(|&d| {
                !down
                    .iter()
                    .any(|&t| t != d && self.is_ancestor_of_any(d, &[t]))
            })
            .collect()
    }
}
