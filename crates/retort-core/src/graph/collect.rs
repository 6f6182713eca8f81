//! Which revisions a move runs: Alembic's `_parse_upgrade_target`,
//! `_parse_downgrade_target`, `_collect_upgrade_revisions`,
//! `_collect_downgrade_revisions`, and `history` (`walk_revisions`).

use super::RevisionGraph;
use super::bitset::Bitset;
use super::error::{PlanError, ResolveError};
use super::expr::{Pos, Walked, filter, parse_relative, split_label};
use super::traverse::Links;
use crate::revision::Revision;

/// One end of a move: the version rows, or an expression (`history`).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Spec<'a> {
    /// Revisions already resolved (the version table's rows).
    Revs(&'a [usize]),
    /// A revision expression.
    Expr(&'a str),
}

/// How a collection is run.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Options {
    /// Include the lower end itself.
    pub(crate) inclusive: bool,
    /// Also take revisions not above the lower end (other branches).
    pub(crate) implicit_base: bool,
    /// Fail when a relative step runs off the graph.
    pub(crate) assert_relative_length: bool,
}

impl RevisionGraph {
    fn spec_revs(&self, spec: Spec<'_>) -> Result<Vec<usize>, ResolveError> {
        match spec {
            Spec::Revs(r) => Ok(r.to_vec()),
            Spec::Expr(e) => self.get_revisions(e),
        }
    }

    /// The revisions `target` names for an upgrade from `current`.
    pub(crate) fn upgrade_targets(
        &self,
        current: &[usize],
        target: &str,
        assert_len: bool,
    ) -> Result<Vec<usize>, ResolveError> {
        let rel = match self.exact(target) {
            Some(i) => return Ok(vec![i]),
            None => parse_relative(target)?,
        };
        let Some(rel) = rel else {
            return self.get_revisions(target);
        };
        let start = if rel.delta > 0 {
            match rel.symbol {
                None => self.relative_upgrade_start(current, rel.label, target)?,
                Some(symbol) => self.pos_of(self.get_revision(symbol)?),
            }
        } else {
            let Some(symbol) = rel.symbol else {
                return Err(rel.out_of_range());
            };
            self.pos_of(self.get_revision_on(rel.label, symbol)?)
        };
        let label = if rel.delta > 0 { rel.label } else { None };
        match self.walk(start, rel.delta, label, assert_len, target)? {
            None => Err(rel.out_of_range()),
            Some(Pos::Rev(i)) => Ok(vec![i]),
            Some(_) => Ok(Vec::new()),
        }
    }

    /// Where `+N` / `label@+N` starts: the current revision (on the branch).
    fn relative_upgrade_start(
        &self,
        current: &[usize],
        label: Option<&str>,
        expr: &str,
    ) -> Result<Pos, ResolveError> {
        let mut starts: Vec<usize> = current.to_vec();
        if let Some(label) = label {
            let lineage = self.lineage_of(label, false)?;
            starts = filter(current, lineage.as_ref());
            if starts.is_empty() {
                // The branch has no current row: start from its last
                // applied revision below the branch point, if any.
                let mut active = self.ancestors(current, Links::WithDeps);
                if let Some(l) = &lineage {
                    active.intersect_with(l);
                }
                let mut tips = active.clone();
                for a in active.iter() {
                    for &d in self.nodes.norm_down(a) {
                        tips.remove(d);
                    }
                }
                starts = tips.iter().collect();
            }
        }
        match starts.as_slice() {
            [] => Ok(Pos::Unset),
            [one] => Ok(Pos::Rev(*one)),
            _ => Err(ResolveError::AmbiguousRelative {
                expr: expr.to_owned(),
                current: self.id_list(starts),
            }),
        }
    }

    /// The destination of a downgrade: its branch label, if any, and the
    /// revision (`None` for base).
    pub(crate) fn downgrade_target(
        &self,
        current: &[usize],
        target: &str,
        assert_len: bool,
    ) -> Result<(Option<String>, Option<usize>), ResolveError> {
        let rel = match self.exact(target) {
            Some(i) => return Ok((None, Some(i))),
            None => parse_relative(target)?,
        };
        let Some(rel) = rel else {
            let (label, symbol) = match target.rsplit_once('@') {
                Some((l, s)) => (Some(l).filter(|l| !l.is_empty()), s),
                None => (None, target),
            };
            return Ok((label.map(str::to_owned), self.get_revision(symbol)?));
        };
        if rel.delta >= 0 {
            let Some(symbol) = rel.symbol else {
                return Err(rel.out_of_range());
            };
            let start = self.pos_of(self.get_revision(symbol)?);
            return match self.walk(start, rel.delta, rel.label, assert_len, target)? {
                None => Err(rel.out_of_range()),
                Some(p) => Ok((rel.label.map(str::to_owned), as_rev(p))),
            };
        }
        let (label, start) = match rel.symbol {
            Some(symbol) => (
                rel.label.map(str::to_owned),
                self.get_revision_on(rel.label, symbol)?,
            ),
            None => match rel.label {
                Some(label) => {
                    let lineage = self.lineage_of(label, false)?;
                    let mut on_branch = filter(current, lineage.as_ref());
                    if on_branch.is_empty() {
                        on_branch = filter(&self.all_current_of(current), lineage.as_ref());
                    }
                    if on_branch.is_empty() {
                        return Err(ResolveError::NothingAppliedOnBranch {
                            expr: target.to_owned(),
                            label: label.to_owned(),
                        });
                    }
                    let [symbol] = on_branch.as_slice() else {
                        return Err(ResolveError::AmbiguousRelative {
                            expr: target.to_owned(),
                            current: self.id_list(on_branch),
                        });
                    };
                    (
                        Some(label.to_owned()),
                        Some(self.ident(self.id(*symbol), Some(label))?),
                    )
                }
                None => {
                    // Alembic takes the first row when several are current.
                    let Some(&first) = current.first() else {
                        return Err(rel.out_of_range());
                    };
                    (Some(self.id(first).to_owned()), Some(first))
                }
            },
        };
        match self.walk(self.pos_of(start), rel.delta, None, assert_len, target)? {
            None => Err(rel.out_of_range()),
            Some(p) => Ok((label, as_rev(p))),
        }
    }

    /// The current revisions plus their ancestors, reduced to the tips
    /// (Alembic's `_get_all_current`).
    pub(crate) fn all_current_of(&self, current: &[usize]) -> Vec<usize> {
        // `all` holds the parents of its members, so a revision has a
        // descendant in it exactly when it has a child in it.
        let all = self.ancestors(current, Links::WithDeps);
        all.iter()
            .filter(|&r| !self.nodes.children(r).iter().any(|&c| all.contains(c)))
            .collect()
    }

    /// The revisions to run to go up from `lower` to `upper`, and the heads
    /// to sort them from.
    pub(crate) fn collect_upgrade_revs(
        &self,
        upper: Spec<'_>,
        lower: Spec<'_>,
        opts: Options,
    ) -> Result<(Bitset, Vec<usize>), ResolveError> {
        // Alembic: `get_revisions(lower)`, where a `-N` walk may end below
        // a base ("base") or past it (None).
        let walked: Vec<Walked> = match lower {
            Spec::Revs(r) => r.iter().map(|&i| Walked::Rev(i)).collect(),
            Spec::Expr(e) => self.get_revisions_walked(e)?,
        };
        let relative_from: Vec<usize> = walked.iter().filter_map(|w| w.rev()).collect();
        // `+N` from a lower end `[label@]-N`: Alembic starts the walk at
        // `get_revision(lower)`, which reads no relative step ("No such
        // revision or branch '-N'").
        if let (Spec::Expr(upper_expr), Spec::Expr(lower_expr)) = (upper, lower)
            && self.exact(upper_expr).is_none()
            && parse_relative(upper_expr)?
                .is_some_and(|r| r.delta > 0 && r.symbol.is_none() && r.label.is_none())
        {
            let (label, id) = split_label(lower_expr);
            if id
                .strip_prefix('-')
                .is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit()))
            {
                self.ident(id, label)?;
            }
        }
        let mut targets = match upper {
            Spec::Revs(r) => r.to_vec(),
            Spec::Expr(upper) => {
                self.upgrade_targets(&relative_from, upper, opts.assert_relative_length)?
            }
        };
        if let Spec::Expr(lower_expr) = lower
            && let Some((branch, _)) = lower_expr.split_once('@')
        {
            let number = self.branch_label_number(branch)?;
            targets.retain(|&t| number.is_some_and(|k| self.nodes.labels(t).contains(&k)));
        }
        let mut required = self.reach_checked(&targets, Links::WithDeps, false)?;
        let mut current = relative_from;
        // A walk ended below a base: Alembic's "base" is no revision of the
        // range either.
        let below_base = walked.contains(&Walked::Base);
        if !opts.implicit_base && (below_base || current.iter().any(|&c| !required.contains(c))) {
            return Err(ResolveError::RangeNotAncestor {
                start: spec_text(lower, self),
                end: spec_text(upper, self),
            });
        }
        match (walked.first(), lower) {
            // The first walk ran past the base: Alembic reads the lower end
            // as a downgrade target from the upper end instead
            // (`_parse_downgrade_target(upper, lower)`).
            (Some(Walked::Over), Spec::Expr(lower_expr)) => {
                current = self
                    .relative_from_upper(upper, lower_expr, opts.assert_relative_length)?
                    .into_iter()
                    .collect();
            }
            // Alembic fails (an assertion on `None`).
            _ if walked.contains(&Walked::Over) => {
                let text = spec_text(lower, self);
                let (_, relative) = split_label(&text);
                return Err(ResolveError::RelativeOutOfRange {
                    relative: relative.to_owned(),
                    steps: relative.trim_start_matches('-').parse().unwrap_or(0),
                });
            }
            _ => {}
        }
        let done = self.reach_checked(&current, Links::WithDeps, false)?;
        required.subtract(&done);
        if opts.inclusive {
            for &c in &current {
                required.insert(c);
            }
        }
        if !current.is_empty() && !opts.implicit_base {
            let above = self.reach_checked(&current, Links::Versioned, true)?;
            required.intersect_with(&above);
        }
        Ok((required, targets))
    }

    /// Alembic's `_parse_downgrade_target(current_revisions=upper,
    /// target=lower)` for a lower end `[label@]-N` whose walk from the
    /// heads ran past the base: N steps down from the upper end, which
    /// stands for the current revision (an expression is read as the
    /// identifier of one revision, and as its own branch: `upper@upper`).
    /// `None` for below the base.
    fn relative_from_upper(
        &self,
        upper: Spec<'_>,
        lower: &str,
        assert_len: bool,
    ) -> Result<Option<usize>, ResolveError> {
        let Some(rel) = parse_relative(lower)? else {
            return Ok(None);
        };
        let start = match upper {
            Spec::Revs(revs) => {
                let (_, start) = self.downgrade_target(revs, lower, assert_len)?;
                return Ok(start);
            }
            Spec::Expr(upper) => match rel.label {
                Some(label) => {
                    let u = self.ident(upper, None)?;
                    let lineage = self.lineage_of(label, false)?;
                    if lineage.as_ref().is_some_and(|l| !l.contains(u)) {
                        return Err(ResolveError::NothingAppliedOnBranch {
                            expr: lower.to_owned(),
                            label: label.to_owned(),
                        });
                    }
                    self.get_revision(&format!("{label}@{upper}"))?
                }
                None => self.get_revision(&format!("{upper}@{upper}"))?,
            },
        };
        match self.walk(self.pos_of(start), rel.delta, None, assert_len, lower)? {
            None => Err(rel.out_of_range()),
            Some(p) => Ok(as_rev(p)),
        }
    }

    /// The label number of `branch` in `branch@...`: the label itself, or
    /// the single label of a revision named by id.
    fn branch_label_number(&self, branch: &str) -> Result<Option<u32>, ResolveError> {
        let Some(rev) = self.get_revision(branch)? else {
            return Ok(None);
        };
        if self.id(rev) == branch {
            return match self.nodes.labels(rev) {
                [one] => Ok(Some(*one)),
                _ => Err(ResolveError::Malformed {
                    expr: branch.to_owned(),
                    reason: format!(
                        "revision {branch} is used as a branch name but does not carry exactly one branch label"
                    ),
                }),
            };
        }
        Ok(self
            .label_names
            .iter()
            .position(|n| &**n == branch)
            .map(|k| k as u32))
    }

    /// The revisions to run to go down from `upper` to `lower`, and the
    /// heads to sort them from.
    pub(crate) fn collect_downgrade(
        &self,
        upper: Spec<'_>,
        lower: &str,
        opts: Options,
    ) -> Result<(Bitset, Vec<usize>), PlanError> {
        let heads = self.spec_revs(upper)?;
        let (label, target) = self.downgrade_target(&heads, lower, opts.assert_relative_length)?;
        let mut roots: Vec<usize> = match target {
            None => self.bases.clone(),
            Some(t) if opts.inclusive => vec![t],
            Some(t) => self.nodes.children(t).to_vec(),
        };
        if let Some(label) = &label
            && roots.len() > 1
        {
            let branch = self.resolve_branch(label)?;
            let below = self.ancestors(&[branch], Links::Versioned);
            roots.retain(|&r| below.contains(r));
            if roots.is_empty() {
                return Err(self.invalid_downgrade(lower, &heads));
            }
        }
        let mut drop = self.descendants_of(&roots, Links::WithDeps);
        let active = self.ancestors(&heads, Links::WithDeps);
        drop.intersect_with(&active);
        if opts.implicit_base {
            let mut others = active;
            others.subtract(&self.ancestors(&roots, Links::WithDeps));
            drop.union_with(&others);
        }
        if let Some(t) = target
            && drop.is_empty()
            && !heads.contains(&t)
        {
            return Err(self.invalid_downgrade(lower, &heads));
        }
        Ok((drop, heads))
    }

    fn invalid_downgrade(&self, destination: &str, heads: &[usize]) -> PlanError {
        PlanError::InvalidDowngradeTarget {
            destination: destination.to_owned(),
            current: self.id_list(heads.iter().copied()),
        }
    }

    /// `alembic history -r START:END` order: newest first. `None` lists
    /// every revision. A side left empty means `base` (start) or `heads`
    /// (end).
    pub fn history(&self, range: Option<&str>) -> Result<Vec<&Revision>, ResolveError> {
        self.history_with_current(range, None)
    }

    /// [`history`](RevisionGraph::history) where either end of the range
    /// may be `current`: the revisions `current` holds (the version
    /// table's rows), as Alembic's `history -r current:` and `-r :current`.
    /// With `current` at the end and no rows (a database at base), the
    /// range is empty. `None` refuses `current` as an unknown revision.
    pub fn history_with_current(
        &self,
        range: Option<&str>,
        current: Option<&[crate::RevisionId]>,
    ) -> Result<Vec<&Revision>, ResolveError> {
        let (start, end) = match range {
            None => ("base", "heads"),
            Some(r) => {
                let parts: Vec<&str> = r.trim().split(':').collect();
                let [start, end] = parts.as_slice() else {
                    return Err(ResolveError::Malformed {
                        expr: r.to_owned(),
                        reason: "History range requires [start]:[end], [start]:, or :[end]".into(),
                    });
                };
                (
                    if start.is_empty() { "base" } else { start },
                    if end.is_empty() { "heads" } else { end },
                )
            }
        };
        let opts = Options {
            inclusive: true,
            implicit_base: false,
            assert_relative_length: false,
        };
        let rows = match current {
            Some(rows) => rows
                .iter()
                .map(|id| {
                    self.exact(id).ok_or_else(|| ResolveError::UnknownRevision {
                        ident: id.to_string(),
                        hint: "",
                    })
                })
                .collect::<Result<Vec<usize>, _>>()?,
            None => Vec::new(),
        };
        let is_current = |expr: &str| current.is_some() && expr == "current";
        let side = |expr| {
            if is_current(expr) {
                Spec::Revs(&rows)
            } else {
                Spec::Expr(expr)
            }
        };
        if is_current(end) && rows.is_empty() {
            return Ok(Vec::new());
        }
        let lower = match side(start) {
            Spec::Revs([]) => Spec::Expr("base"),
            lower => lower,
        };
        let (todo, heads) = self.collect_upgrade_revs(side(end), lower, opts)?;
        Ok(self
            .topological_sort(todo, &heads)
            .into_iter()
            .map(|i| &self.revisions[i])
            .collect())
    }
}

/// How [`RevisionGraph::iterate_revisions`] collects revisions: Alembic's
/// keyword arguments of `RevisionMap.iterate_revisions`, with its
/// defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IterateOptions {
    /// Also take revisions not above the lower end (other branches).
    pub implicit_base: bool,
    /// Include the lower end itself.
    pub inclusive: bool,
    /// Fail when a relative step runs off the graph (otherwise it stops
    /// at the end).
    pub assert_relative_length: bool,
    /// Collect what a downgrade from `upper` to `lower` drops, instead of
    /// what an upgrade from `lower` to `upper` runs.
    pub select_for_downgrade: bool,
}

impl Default for IterateOptions {
    /// Alembic's defaults: exclusive, no implicit base, relative steps
    /// checked, upgrade selection.
    fn default() -> Self {
        IterateOptions {
            implicit_base: false,
            inclusive: false,
            assert_relative_length: true,
            select_for_downgrade: false,
        }
    }
}

impl RevisionGraph {
    /// Alembic's `RevisionMap.iterate_revisions(upper, lower, ...)`: the
    /// revisions between `lower` and `upper`, newest first (the order
    /// `history` prints and a downgrade runs; an upgrade runs it
    /// reversed).
    ///
    /// Each end is one revision expression (`&["heads"]`, `&["ae10+2"]`,
    /// `&["label@base"]`), or several revisions (Alembic's tuples, such as
    /// the version table's rows), or none for `base`. With
    /// `select_for_downgrade`, `lower` must be one expression (the
    /// downgrade target).
    pub fn iterate_revisions(
        &self,
        upper: &[&str],
        lower: &[&str],
        opts: IterateOptions,
    ) -> Result<Vec<&Revision>, PlanError> {
        let collect = Options {
            inclusive: opts.inclusive,
            implicit_base: opts.implicit_base,
            assert_relative_length: opts.assert_relative_length,
        };
        let resolve_all = |exprs: &[&str]| -> Result<Vec<usize>, ResolveError> {
            let mut out = Vec::new();
            for e in exprs {
                out.extend(self.get_revisions(e)?);
            }
            Ok(out)
        };
        let upper_revs;
        let upper_spec = match upper {
            [one] => Spec::Expr(one),
            many => {
                upper_revs = resolve_all(many)?;
                Spec::Revs(&upper_revs)
            }
        };
        let (todo, heads) = if opts.select_for_downgrade {
            let lower = match lower {
                [] => "base",
                [one] => *one,
                _ => {
                    return Err(PlanError::MalformedRange {
                        range: lower.join(", "),
                        reason: "a downgrade target is one revision expression".into(),
                    });
                }
            };
            self.collect_downgrade(upper_spec, lower, collect)?
        } else {
            let lower_revs;
            let lower_spec = match lower {
                [one] => Spec::Expr(one),
                many => {
                    lower_revs = resolve_all(many)?;
                    Spec::Revs(&lower_revs)
                }
            };
            self.collect_upgrade_revs(upper_spec, lower_spec, collect)?
        };
        Ok(self
            .topological_sort(todo, &heads)
            .into_iter()
            .map(|i| &self.revisions[i])
            .collect())
    }
}

fn as_rev(p: Pos) -> Option<usize> {
    match p {
        Pos::Rev(i) => Some(i),
        _ => None,
    }
}

fn spec_text(spec: Spec<'_>, graph: &RevisionGraph) -> String {
    match spec {
        Spec::Expr(e) => e.to_owned(),
        Spec::Revs([]) => "base".to_owned(),
        Spec::Revs(r) => graph.id_list(r.iter().copied()).to_string(),
    }
}
