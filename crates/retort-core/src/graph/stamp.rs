//! `stamp`: moving the version rows without running any operation
//! (Alembic's `ScriptDirectory._stamp_revs` and `StampStep`).

use super::RevisionGraph;
use super::error::PlanError;
use super::plan::VersionUpdate;
use super::traverse::Links;
use crate::revision::RevisionId;

/// One stamp movement before it becomes a row change.
struct StampMove {
    from: Vec<usize>,
    to: Option<usize>,
    upgrade: bool,
    branch_move: bool,
}

impl RevisionGraph {
    /// Plans `stamp TARGETS...` from the version rows `current`: the row
    /// changes that make the table name the targets, without running
    /// anything. With `purge`, every row is deleted first and `current` is
    /// ignored (it may name revisions that no longer exist). No target
    /// means `base`.
    pub fn plan_stamp(
        &self,
        current: &[RevisionId],
        targets: &[&str],
        purge: bool,
    ) -> Result<Vec<VersionUpdate>, PlanError> {
        let mut rows: Vec<RevisionId> = Vec::new();
        let mut updates = Vec::new();
        let heads = if purge {
            updates.push(VersionUpdate::Purge);
            Vec::new()
        } else {
            rows = current.to_vec();
            self.current_indexes(current)?
        };
        let targets: Vec<&str> = if targets.is_empty() {
            vec!["base"]
        } else {
            targets.to_vec()
        };

        // The rows each target concerns: those sharing its lineage,
        // dependencies included.
        let mut filtered: Vec<usize> = Vec::new();
        for t in &targets {
            let lineage = self.lineage_of(t, true)?;
            for &h in &heads {
                if lineage.as_ref().is_none_or(|l| l.contains(h)) && !filtered.contains(&h) {
                    filtered.push(h);
                }
            }
        }
        let mut dests: Vec<usize> = Vec::new();
        for t in &targets {
            dests.extend(self.resolve_indexes(t)?);
        }

        let mut moves = Vec::new();
        if dests.is_empty() {
            for &h in &filtered {
                moves.push(StampMove {
                    from: vec![h],
                    to: None,
                    upgrade: false,
                    branch_move: true,
                });
            }
        }
        for &dest in &dests {
            if filtered.contains(&dest) {
                continue;
            }
            let above = self.descendants_of(&[dest], Links::WithDeps);
            let below = self.ancestors(&[dest], Links::WithDeps);
            let mv = if filtered.iter().any(|&h| above.contains(h)) {
                StampMove {
                    from: filtered.clone(),
                    to: Some(dest),
                    upgrade: false,
                    branch_move: false,
                }
            } else if filtered.iter().any(|&h| below.contains(h)) {
                StampMove {
                    from: filtered.clone(),
                    to: Some(dest),
                    upgrade: true,
                    branch_move: false,
                }
            } else {
                StampMove {
                    from: Vec::new(),
                    to: Some(dest),
                    upgrade: true,
                    branch_move: true,
                }
            };
            moves.push(mv);
        }

        for mv in moves {
            let update = self.stamp_update(&mv, &rows);
            update.apply(&mut rows)?;
            updates.push(update);
        }
        Ok(updates)
    }

    /// `HeadMaintainer.update_to_step` for a `StampStep`.
    fn stamp_update(&self, mv: &StampMove, rows: &[RevisionId]) -> VersionUpdate {
        let id = |i: usize| self.revisions[i].id.clone();
        let from: Vec<RevisionId> = mv.from.iter().map(|&i| id(i)).collect();
        let Some(to) = mv.to.map(id) else {
            return VersionUpdate::Delete(from[0].clone());
        };
        let from_missing = from.iter().any(|f| !rows.contains(f));
        if mv.upgrade && (mv.branch_move || from_missing) && !rows.contains(&to) {
            return VersionUpdate::Insert(to);
        }
        match from.split_last() {
            Some((last, rest)) if !rest.is_empty() => VersionUpdate::Merge {
                delete: rest.to_vec(),
                from: last.clone(),
                to,
            },
            Some((last, _)) => VersionUpdate::Update {
                from: last.clone(),
                to,
            },
            None => VersionUpdate::Insert(to),
        }
    }
}
