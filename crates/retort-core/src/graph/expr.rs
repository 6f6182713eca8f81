//! Revision expressions: ids, prefixes, branch labels, `head`, `heads`,
//! `base`, `label@...`, and relative steps (`+2`, `-1`, `ae10+2`,
//! `label@head-1`), with Alembic's `get_revisions` / `_walk` semantics.

use super::RevisionGraph;
use super::bitset::Bitset;
use super::error::{IdList, ResolveError};
use super::traverse::Links;
use crate::revision::{Revision, RevisionId};

/// Where a relative walk stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Pos {
    /// No starting revision: walking up starts from the bases, walking down
    /// from the heads.
    Unset,
    /// Below the bases (a walk down past a base).
    Base,
    /// At a revision.
    Rev(usize),
}

/// Where one `-N` walk of Alembic's `get_revisions` ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Walked {
    /// At a revision.
    Rev(usize),
    /// Just below a base: Alembic's `"base"`.
    Base,
    /// Past the base: Alembic's `None`.
    Over,
}

impl Walked {
    pub(crate) fn rev(self) -> Option<usize> {
        match self {
            Walked::Rev(i) => Some(i),
            _ => None,
        }
    }
}

/// A relative expression `[label@][symbol](+|-)N`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Relative<'a> {
    pub(crate) label: Option<&'a str>,
    pub(crate) symbol: Option<&'a str>,
    pub(crate) delta: i64,
    /// The `+N` / `-N` text, for messages.
    pub(crate) text: &'a str,
}

impl Relative<'_> {
    pub(crate) fn out_of_range(&self) -> ResolveError {
        ResolveError::RelativeOutOfRange {
            relative: self.text.to_owned(),
            steps: self.delta.unsigned_abs(),
        }
    }
}

/// Reads `[label@][symbol](+|-)N` (Alembic's `_relative_destination`, but
/// the whole expression must match).
pub(crate) fn parse_relative(expr: &str) -> Result<Option<Relative<'_>>, ResolveError> {
    let mut splits: Vec<(Option<&str>, &str)> = vec![(None, expr)];
    splits.extend(
        expr.match_indices('@')
            .filter(|(at, _)| *at > 0)
            .map(|(at, _)| (Some(&expr[..at]), &expr[at + 1..])),
    );
    // Alembic's lazy `(.+?)@` tries the shortest label first.
    splits.rotate_left(1);
    for (label, rest) in splits {
        let word = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        let (symbol, tail) = rest.split_at(word);
        let Some(digits) = tail.strip_prefix(['+', '-']) else {
            continue;
        };
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let magnitude: i64 = digits.parse().map_err(|_| ResolveError::Malformed {
            expr: expr.to_owned(),
            reason: "the relative step is too large".into(),
        })?;
        let delta = if tail.starts_with('-') {
            -magnitude
        } else {
            magnitude
        };
        return Ok(Some(Relative {
            label,
            symbol: (!symbol.is_empty()).then_some(symbol),
            delta,
            text: tail,
        }));
    }
    Ok(None)
}

impl RevisionGraph {
    /// Resolves any revision expression to revisions: `heads` gives every
    /// head, `base` gives none.
    ///
    /// Beyond Alembic's `get_revisions`, relative forms (`+1`, `head-1`,
    /// `ae10+2`, `label@+1`) resolve here too, counted from the bases or the
    /// heads as the upgrade and downgrade commands count them with an empty
    /// version table; and an exact id always wins over a relative reading.
    pub fn resolve(&self, expr: &str) -> Result<Vec<&Revision>, ResolveError> {
        Ok(self
            .resolve_indexes(expr)?
            .into_iter()
            .map(|i| &self.revisions[i])
            .collect())
    }

    /// Resolves an expression that must name at most one revision: `None`
    /// for `base`, an error naming the candidates when it names several.
    pub fn resolve_one(&self, expr: &str) -> Result<Option<&Revision>, ResolveError> {
        Ok(self.resolve_single(expr)?.map(|i| &self.revisions[i]))
    }

    pub(crate) fn resolve_single(&self, expr: &str) -> Result<Option<usize>, ResolveError> {
        let found = self.resolve_indexes(expr)?;
        if found.len() > 1 {
            return Err(ResolveError::MultipleHeads {
                argument: expr.to_owned(),
                heads: self.id_list(found),
            });
        }
        Ok(found.first().copied())
    }

    pub(crate) fn resolve_indexes(&self, expr: &str) -> Result<Vec<usize>, ResolveError> {
        if let Some(i) = self.exact(expr) {
            return Ok(vec![i]);
        }
        let Some(rel) = parse_relative(expr)? else {
            return self.get_revisions(expr);
        };
        if rel.delta < 0 && rel.symbol.is_none() {
            return self.get_revisions(expr);
        }
        let start = match (rel.symbol, rel.delta > 0) {
            (None, _) => Pos::Unset,
            (Some(symbol), true) => self.pos_of(self.get_revision(symbol)?),
            (Some(symbol), false) => self.pos_of(self.get_revision_on(rel.label, symbol)?),
        };
        let label = if rel.delta > 0 { rel.label } else { None };
        match self.walk(start, rel.delta, label, true, expr)? {
            None => Err(rel.out_of_range()),
            Some(Pos::Rev(i)) => Ok(vec![i]),
            Some(_) => Ok(Vec::new()),
        }
    }

    /// An exact id, then a declared branch label.
    pub(crate) fn exact(&self, ident: &str) -> Option<usize> {
        self.lookup(ident)
            .or_else(|| self.label_owner.get(ident).copied())
    }

    pub(crate) fn pos_of(&self, rev: Option<usize>) -> Pos {
        rev.map_or(Pos::Unset, Pos::Rev)
    }

    /// Alembic's `get_revision`: one revision or none, `MultipleHeads` when
    /// the expression names several.
    pub(crate) fn get_revision(&self, expr: &str) -> Result<Option<usize>, ResolveError> {
        let found = self.get_revisions(expr)?;
        if found.len() > 1 {
            return Err(ResolveError::MultipleHeads {
                argument: expr.to_owned(),
                heads: self.id_list(found),
            });
        }
        Ok(found.first().copied())
    }

    /// `get_revision("label@symbol")`, or of `symbol` without a label.
    pub(crate) fn get_revision_on(
        &self,
        label: Option<&str>,
        symbol: &str,
    ) -> Result<Option<usize>, ResolveError> {
        match label {
            Some(label) => self.get_revision(&format!("{label}@{symbol}")),
            None => self.get_revision(symbol),
        }
    }

    /// Alembic's `get_revisions` for one expression. A `-N` walk that ends
    /// just below a base gives nothing (Alembic gives the string `"base"`,
    /// which its commands then trip over); one that runs past it is an
    /// error (Alembic gives `None`).
    pub(crate) fn get_revisions(&self, expr: &str) -> Result<Vec<usize>, ResolveError> {
        let walked = self.get_revisions_walked(expr)?;
        let mut out = Vec::with_capacity(walked.len());
        for w in walked {
            match w {
                Walked::Rev(i) => out.push(i),
                Walked::Base => {}
                Walked::Over => {
                    let (_, relative) = split_label(expr);
                    return Err(ResolveError::RelativeOutOfRange {
                        relative: relative.to_owned(),
                        steps: relative.trim_start_matches('-').parse().unwrap_or(0),
                    });
                }
            }
        }
        Ok(out)
    }

    /// Alembic's `get_revisions` for one expression, keeping where each
    /// `-N` walk ended (see [`Walked`]); every other expression gives
    /// revisions.
    pub(crate) fn get_revisions_walked(&self, expr: &str) -> Result<Vec<Walked>, ResolveError> {
        let (label, id) = split_label(expr);
        if id.is_empty() {
            return Err(ResolveError::Malformed {
                expr: expr.to_owned(),
                reason: "nothing follows '@'; write label@head, label@base or label@<revision>"
                    .into(),
            });
        }
        let revs = match id {
            "heads" => match label {
                Some(label) => {
                    let lineage = self.lineage_of(label, false)?;
                    let heads = filter(&self.heads, lineage.as_ref());
                    for &h in &heads {
                        self.ident(self.id(h), Some(label))?;
                    }
                    heads
                }
                None => self.real_heads.clone(),
            },
            "head" => self.current_head(label)?.into_iter().collect(),
            "base" => Vec::new(),
            _ => {
                if let Some(steps) = id.strip_prefix('-').filter(|d| is_digits(d)) {
                    let steps: i64 = steps.parse().map_err(|_| ResolveError::Malformed {
                        expr: expr.to_owned(),
                        reason: "the relative step is too large".into(),
                    })?;
                    return self.walk_down_from_heads(expr, label, -steps);
                }
                vec![self.ident(id, label)?]
            }
        };
        Ok(revs.into_iter().map(Walked::Rev).collect())
    }

    /// `-N` and `label@-N`: N steps down from each real head (carrying the
    /// label), as Alembic's `get_revisions` walks them: never past the
    /// base (`no_overwalk`).
    fn walk_down_from_heads(
        &self,
        expr: &str,
        label: Option<&str>,
        delta: i64,
    ) -> Result<Vec<Walked>, ResolveError> {
        let number = label.and_then(|l| self.label_names.iter().position(|n| &**n == l));
        let mut out = Vec::new();
        for &head in &self.real_heads {
            if label.is_some()
                && !number.is_some_and(|k| self.nodes.labels(head).contains(&(k as u32)))
            {
                continue;
            }
            out.push(match self.walk(Pos::Rev(head), delta, None, true, expr)? {
                Some(Pos::Rev(i)) => Walked::Rev(i),
                Some(_) => Walked::Base,
                None => Walked::Over,
            });
        }
        Ok(out)
    }

    /// The single head, optionally of one branch (Alembic's
    /// `get_current_head`).
    pub(crate) fn current_head(&self, label: Option<&str>) -> Result<Option<usize>, ResolveError> {
        let heads = match label {
            Some(label) => {
                let lineage = self.lineage_of(label, false)?;
                filter(&self.heads, lineage.as_ref())
            }
            None => self.heads.clone(),
        };
        if heads.len() > 1 {
            return Err(ResolveError::MultipleHeads {
                argument: label.map_or_else(|| "head".to_owned(), |l| format!("{l}@head")),
                heads: self.id_list(heads),
            });
        }
        Ok(heads.first().copied())
    }

    /// One identifier (id, label or prefix), checked to be on `branch`
    /// (Alembic's `_revision_for_ident`).
    pub(crate) fn ident(&self, ident: &str, branch: Option<&str>) -> Result<usize, ResolveError> {
        let branch_rev = branch.map(|b| self.resolve_branch(b)).transpose()?;
        let found = match self.exact(ident) {
            Some(i) => i,
            None => {
                let mut candidates = self.prefix_matches(ident);
                if let Some(b) = branch_rev {
                    let lineage = self.lineage(&[b], Links::Versioned);
                    candidates.retain(|&(_, c)| lineage.contains(c));
                }
                match candidates.as_slice() {
                    [(_, one)] => *one,
                    [] => {
                        return Err(ResolveError::UnknownRevision {
                            ident: ident.to_owned(),
                            hint: if ident.chars().count() < 4 {
                                "; please ensure at least four characters are present for partial revision identifier matches"
                            } else {
                                ""
                            },
                        });
                    }
                    _ => {
                        return Err(ResolveError::AmbiguousPrefix {
                            prefix: ident.to_owned(),
                            candidates: IdList(
                                candidates
                                    .iter()
                                    .map(|(key, _)| RevisionId::new(&**key))
                                    .collect(),
                            ),
                        });
                    }
                }
            }
        };
        if let (Some(b), Some(label)) = (branch_rev, branch)
            && !self.lineage(&[b], Links::Versioned).contains(found)
        {
            return Err(ResolveError::NotInBranch {
                id: self.revisions[found].id.clone(),
                label: label.to_owned(),
            });
        }
        Ok(found)
    }

    /// The revision a branch name stands for: the revision declaring the
    /// label, or a revision named by id or prefix.
    pub(crate) fn resolve_branch(&self, label: &str) -> Result<usize, ResolveError> {
        if let Some(&i) = self.label_owner.get(label) {
            return Ok(i);
        }
        self.ident(label, None)
            .map_err(|_| ResolveError::NoSuchBranch {
                label: label.to_owned(),
            })
    }

    /// The ids and labels starting with `prefix`, with their revisions,
    /// counting only keys longer than three characters, as Alembic does.
    /// A revision matched through its id and one of its labels counts
    /// twice: Alembic's lookup matches keys, so such a prefix is ambiguous.
    fn prefix_matches(&self, prefix: &str) -> Vec<(&str, usize)> {
        if prefix.is_empty() {
            return Vec::new();
        }
        let keys = self.prefixes.get_or_init(|| {
            let ids = self
                .revisions
                .iter()
                .enumerate()
                .map(|(i, r)| (r.id.as_str(), i));
            let labels = self.label_owner.iter().map(|(l, &i)| (&**l, i));
            let mut keys: Vec<(Box<str>, usize)> = ids
                .chain(labels)
                .filter(|(k, _)| k.chars().count() > 3)
                .map(|(k, i)| (k.into(), i))
                .collect();
            keys.sort_unstable();
            keys
        });
        let start = keys.partition_point(|(k, _)| &**k < prefix);
        keys[start..]
            .iter()
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, i)| (&**k, *i))
            .collect()
    }

    /// The lineage a check expression stands for (Alembic's
    /// `filter_for_lineage` argument): `None` when everything matches (as
    /// for `base`).
    pub(crate) fn lineage_of(
        &self,
        check_against: &str,
        with_deps: bool,
    ) -> Result<Option<Bitset>, ResolveError> {
        let (label, id) = split_label(check_against);
        let mut shares: Vec<usize> = Vec::new();
        if let Some(label) = label {
            shares.push(self.ident(label, None)?);
        }
        match id {
            "heads" => match label {
                Some(label) => {
                    let lineage = self.lineage_of(label, false)?;
                    shares.extend(filter(&self.heads, lineage.as_ref()));
                }
                None => shares.extend(self.real_heads.iter().copied()),
            },
            "head" => shares.extend(self.current_head(label)?),
            "base" | "" => {}
            other => shares.push(self.ident(other, None)?),
        }
        if shares.is_empty() {
            return Ok(None);
        }
        let links = if with_deps {
            Links::WithDeps
        } else {
            Links::Versioned
        };
        Ok(Some(self.lineage(&shares, links)))
    }

    /// Alembic's `_walk`: `steps` up (positive) or down (negative) from
    /// `start`; walking up follows only `label`'s lineage when given.
    /// `Ok(None)` when the walk runs off the graph and `no_overwalk` is set;
    /// otherwise the walk stops where it is.
    pub(crate) fn walk(
        &self,
        start: Pos,
        steps: i64,
        label: Option<&str>,
        no_overwalk: bool,
        expr: &str,
    ) -> Result<Option<Pos>, ResolveError> {
        let lineage = match (label, steps > 0) {
            (Some(label), true) => self.lineage_of(label, false)?,
            _ => None,
        };
        let mut at = start;
        for _ in 0..steps.unsigned_abs() {
            let next: Vec<Pos> = if steps > 0 {
                let up = match at {
                    Pos::Rev(i) => self.nodes.children(i),
                    Pos::Unset | Pos::Base => &self.bases,
                };
                filter(up, lineage.as_ref())
                    .into_iter()
                    .map(Pos::Rev)
                    .collect()
            } else {
                match at {
                    Pos::Base => Vec::new(),
                    Pos::Unset => self.heads.iter().map(|&h| Pos::Rev(h)).collect(),
                    Pos::Rev(i) if self.nodes.parents(i).is_empty() => vec![Pos::Base],
                    Pos::Rev(i) => self.nodes.parents(i).iter().map(|&p| Pos::Rev(p)).collect(),
                }
            };
            match next.as_slice() {
                [] => return Ok(if no_overwalk { None } else { Some(at) }),
                [one] => at = *one,
                _ => {
                    return Err(ResolveError::AmbiguousWalk {
                        expr: expr.to_owned(),
                        from: match at {
                            Pos::Rev(i) => self.id(i).to_owned(),
                            _ => "base".to_owned(),
                        },
                        candidates: self.id_list(next.iter().filter_map(|p| match p {
                            Pos::Rev(i) => Some(*i),
                            _ => None,
                        })),
                    });
                }
            }
        }
        Ok(Some(at))
    }
}

/// `label@rest` -> (Some(label), rest); no `@` -> (None, expr).
pub(crate) fn split_label(expr: &str) -> (Option<&str>, &str) {
    match expr.split_once('@') {
        Some((label, rest)) => (Some(label).filter(|l| !l.is_empty()), rest),
        None => (None, expr),
    }
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// The members of `revs` in `lineage` (all of them when `None`).
pub(crate) fn filter(revs: &[usize], lineage: Option<&Bitset>) -> Vec<usize> {
    match lineage {
        Some(set) => revs.iter().copied().filter(|&r| set.contains(r)).collect(),
        None => revs.to_vec(),
    }
}
