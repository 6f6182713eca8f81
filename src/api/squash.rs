//! `squash FROM:TO`: replaces a linear range of revisions with one
//! revision, keeping TO's id (a database at TO stays valid, and one below
//! FROM upgrades through the new revision), whose operations are the net
//! effect of the range.
//!
//! The net effect is computed from the operations themselves
//! ([`retort_core::ops::compact`]): the upgrades in order, the downgrades in
//! reverse order, with the pairs that cancel out removed, so it is exact on
//! every database and keeps data operations. Then it is proved: the old
//! range and the new revision are each run from base in a scratch space
//! ([`ScratchSpace`](retort_db::scratch::ScratchSpace)) and the two schemas
//! must be the same, else nothing is written. The space is on the dev
//! database (`dev_url`, `--dev-url`) when the project's database is
//! PostgreSQL or MySQL and one is set, else a SQLite database in memory.
//! A range the space cannot run (PostgreSQL-only operations on SQLite) is
//! not proved, and the result says so and how to prove it.
//!
//! Refused, before anything is written: a range that is not one line (a
//! merge point inside, a branch point before TO, a revision outside the
//! range depending on one inside), branch labels or `depends_on` declared
//! inside the range other than on TO, and a database (of those the project
//! points at) that is in the middle of the range: it must be upgraded to
//! TO or downgraded below FROM first.

use std::path::PathBuf;

use retort_core::ops::{compact, operations_to_toml, parse_operations};
use retort_core::script::file::header_cut;
use retort_core::script::render::render_operations;
use retort_core::script::rewrite::{replace_file, with_down_revisions};
use retort_core::script::{Depth, ScriptError};
use retort_core::{Operations, Revision, RevisionGraph, RevisionId, ScriptDirectory};
use retort_db::runner::{self, RunOptions, Silent};

use super::Retort;
use super::error::{Error, Result};
use super::lint::memory_url;

/// Why `squash` refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SquashError {
    /// The range is not `FROM:TO` with two revisions.
    #[error(
        "squash needs a range FROM:TO of two revisions, e.g. `retort squash a1b2:c3d4`; got {range:?}"
    )]
    Range {
        /// The range given.
        range: String,
    },
    /// The range is not one line of revisions.
    #[error(
        "cannot squash {range}: {reason}; squash a range of one line, without branch points or merge points before its last revision"
    )]
    NotLinear {
        /// The range.
        range: String,
        /// What is in the way.
        reason: String,
    },
    /// Something declared inside the range would be lost.
    #[error("cannot squash {range}: {reason}")]
    Declared {
        /// The range.
        range: String,
        /// What is declared where.
        reason: String,
    },
    /// A database is in the middle of the range.
    #[error(
        "cannot squash {range}: {databases}. Upgrade each to {to} first (`retort upgrade {to}`), or downgrade it below {from} (`retort downgrade {below}`), then squash"
    )]
    InTheMiddle {
        /// The range.
        range: String,
        /// Each database and where it is.
        databases: String,
        /// The range's first revision.
        from: String,
        /// The range's last revision.
        to: String,
        /// The revision below FROM (`base` when FROM is a base).
        below: String,
    },
    /// A database could not be read to check.
    #[error(
        "cannot check where the databases are: {source}; fix the database URL, or pass --no-database-check to squash without checking"
    )]
    Unchecked {
        /// Why.
        source: Box<Error>,
    },
    /// The squashed revision would not build the same schema.
    #[error(
        "the squashed revision does not build the same schema as {range} on {place}, so nothing was written: {difference}"
    )]
    NotEquivalent {
        /// The range.
        range: String,
        /// Where it was tried.
        place: String,
        /// The first difference.
        difference: String,
    },
    /// Two revisions of the range mix `[[upgrade]]` and `[[upgrade.<db>]]`.
    #[error(
        "cannot squash {range}: its revisions mix [[upgrade]] with [[upgrade.<database>]] operations"
    )]
    MixedShapes {
        /// The range.
        range: String,
    },
}

/// What `squash` did.
#[derive(Clone, Debug)]
pub struct Squashed {
    /// The revision kept (TO), now holding the range's net effect.
    pub revision: RevisionId,
    /// The revisions folded into it, FROM first (TO excluded).
    pub folded: Vec<RevisionId>,
    /// TO's file, rewritten.
    pub path: PathBuf,
    /// The files removed.
    pub removed: Vec<PathBuf>,
    /// Upgrade operations: in the range, then in the new revision.
    pub operations: (usize, usize),
    /// The databases checked (masked URLs); empty when none is configured
    /// or the check was skipped.
    pub checked: Vec<String>,
    /// Why the result was not proved on a scratch database, when it was
    /// not.
    pub unproved: Option<String>,
    /// Where it was proved (or tried): "a scratch SQLite database in
    /// memory", "a scratch PostgreSQL schema on the dev database", ...
    pub proved_on: String,
}

impl Retort {
    /// `squash FROM:TO`: see the module docs.
    pub fn squash(&self, range: &str, check_databases: bool) -> Result<Squashed> {
        self.writable("squash")?;
        let dir = self.script_directory(Depth::Full)?;
        let chain = linear_range(&dir.graph, range)?;
        let to = chain.last().expect("two revisions").id.clone();
        let below = chain[0]
            .down_revisions
            .first()
            .map_or("base".to_owned(), |p| p.to_string());
        let checked = if check_databases {
            self.check_not_in_the_middle(&dir, range, &chain, &below)?
        } else {
            Vec::new()
        };
        let (upgrade, downgrade, counts) = net_effect(range, &chain)?;
        // The new graph: TO with the range's operations and FROM's parent.
        let mut new_to = chain.last().expect("two revisions").clone();
        new_to.down_revisions = chain[0].down_revisions.clone();
        new_to.upgrade = upgrade;
        new_to.downgrade = downgrade;
        let folded: Vec<RevisionId> = chain[..chain.len() - 1]
            .iter()
            .map(|r| r.id.clone())
            .collect();
        let revisions: Vec<Revision> = dir
            .graph
            .revisions()
            .filter(|r| !folded.contains(&r.id))
            .map(|r| {
                if r.id == to {
                    new_to.clone()
                } else {
                    r.clone()
                }
            })
            .collect();
        let new_dir = ScriptDirectory {
            dir: dir.dir.clone(),
            config: dir.config.clone(),
            graph: RevisionGraph::new(revisions).map_err(ScriptError::from)?,
        };
        // Proved on the project's kind of database when it has a dev
        // database, else on SQLite in memory.
        let place = self.proving_place(&dir)?;
        let (mut old_dir, mut new_dir) = (dir, new_dir);
        old_dir.config.version_table_schema = None;
        new_dir.config.version_table_schema = None;
        let unproved = prove(&old_dir, &new_dir, &to, range, &place)?;
        let proved_on = retort_db::scratch::ScratchSpace::describe_on(place.url.dialect());
        // Write TO's file, then remove the others.
        let io = |path: &PathBuf| {
            let path = path.clone();
            move |source| ScriptError::Io { path, source }
        };
        let text = std::fs::read_to_string(&new_to.path).map_err(io(&new_to.path))?;
        let text = with_down_revisions(&new_to.path, &text, &new_to.down_revisions)
            .map_err(ScriptError::from)?;
        let header = &text[..header_cut(&text).unwrap_or(text.len())];
        let mut out = header.trim_end().to_owned();
        out.push_str(&format!(
            "\n\n# Squashed from {}.\n",
            chain
                .iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        for (direction, ops) in [
            ("upgrade", &new_to.upgrade),
            ("downgrade", &new_to.downgrade),
        ] {
            let rendered = render_operations(direction, ops);
            if !rendered.is_empty() {
                out.push('\n');
                out.push_str(&rendered);
            }
        }
        replace_file(&new_to.path, &out).map_err(io(&new_to.path))?;
        let mut removed = Vec::new();
        for r in &chain[..chain.len() - 1] {
            std::fs::remove_file(&r.path).map_err(io(&r.path))?;
            removed.push(r.path.clone());
        }
        Ok(Squashed {
            revision: to,
            folded,
            path: new_to.path.clone(),
            removed,
            operations: counts,
            checked,
            unproved,
            proved_on,
        })
    }

    /// Refuses when a database has applied part of the range but not TO;
    /// the databases checked, or none without a database URL.
    fn check_not_in_the_middle(
        &self,
        dir: &ScriptDirectory,
        range: &str,
        chain: &[Revision],
        below: &str,
    ) -> Result<Vec<String>> {
        let Some(rows) = self
            .rows_to_check(dir)
            .map_err(|e| SquashError::Unchecked {
                source: Box::new(e),
            })?
        else {
            return Ok(Vec::new());
        };
        let to = &chain.last().expect("two revisions").id;
        let mut middle = Vec::new();
        for db in &rows {
            let applied: Vec<&RevisionId> = dir
                .graph
                .applied(&db.revisions)
                .iter()
                .map(|r| &r.id)
                .collect();
            let inside = chain.iter().any(|r| applied.contains(&&r.id));
            if inside && !applied.contains(&to) {
                middle.push(format!(
                    "database {}{} is at {}, inside the range",
                    db.database
                        .as_deref()
                        .map_or(String::new(), |n| format!("{n} ")),
                    db.url,
                    db.revisions
                        .iter()
                        .map(RevisionId::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
        }
        if !middle.is_empty() {
            return Err(SquashError::InTheMiddle {
                range: range.to_owned(),
                databases: middle.join("; "),
                from: chain[0].id.to_string(),
                to: to.to_string(),
                below: below.to_owned(),
            }
            .into());
        }
        Ok(rows.iter().map(|db| db.url.to_string()).collect())
    }
}

/// The revisions of `range` (`FROM:TO`), FROM first, checked to be one
/// line that only TO may branch from.
fn linear_range(graph: &RevisionGraph, range: &str) -> Result<Vec<Revision>> {
    let bad = || SquashError::Range {
        range: range.to_owned(),
    };
    let (from, to) = range.split_once(':').ok_or_else(bad)?;
    if from.trim().is_empty() || to.trim().is_empty() {
        return Err(bad().into());
    }
    let from = graph.resolve_one(from.trim())?.ok_or_else(bad)?;
    let to = graph.resolve_one(to.trim())?.ok_or_else(bad)?;
    let not_linear = |reason: String| SquashError::NotLinear {
        range: range.to_owned(),
        reason,
    };
    if from.id == to.id {
        return Err(not_linear(format!(
            "{} to itself is one revision: nothing to squash",
            from.id
        ))
        .into());
    }
    let mut chain = vec![to.clone()];
    let mut at = to;
    while at.id != from.id {
        let parent = match at.down_revisions.as_slice() {
            [one] => one,
            [] => {
                return Err(
                    not_linear(format!("{} is not an ancestor of {}", from.id, to.id)).into(),
                );
            }
            _ => {
                return Err(not_linear(format!("{} is a merge point", at.id)).into());
            }
        };
        at = graph.get(parent).expect("a parent the graph holds");
        chain.push(at.clone());
    }
    chain.reverse();
    let declared = |reason: String| SquashError::Declared {
        range: range.to_owned(),
        reason,
    };
    let ids: Vec<&RevisionId> = chain.iter().map(|r| &r.id).collect();
    for r in &chain[..chain.len() - 1] {
        let children = graph.children(&r.id);
        if children.len() > 1 {
            return Err(not_linear(format!(
                "{} is a branch point ({})",
                r.id,
                children
                    .iter()
                    .map(|c| c.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
            .into());
        }
        if !r.branch_labels.is_empty() || !r.depends_on.is_empty() {
            return Err(declared(format!(
                "{} declares {}; move it to {} (or out of the range) first",
                r.id,
                if r.branch_labels.is_empty() {
                    format!("depends_on = {:?}", r.depends_on)
                } else {
                    format!("branch_labels = {:?}", r.branch_labels)
                },
                to_id(&chain)
            ))
            .into());
        }
    }
    for other in graph.revisions().filter(|r| !ids.contains(&&r.id)) {
        if let Some(dep) = graph
            .dependencies(&other.id)
            .iter()
            .find(|d| ids[..ids.len() - 1].contains(&&d.id))
        {
            return Err(declared(format!(
                "{} depends on {}, which the squash removes",
                other.id, dep.id
            ))
            .into());
        }
    }
    Ok(chain)
}

fn to_id(chain: &[Revision]) -> &str {
    chain.last().map_or("", |r| r.id.as_str())
}

/// The range's upgrade (in order) and downgrade (in reverse order)
/// operations, compacted; and how many upgrade operations there were
/// before and after.
fn net_effect(range: &str, chain: &[Revision]) -> Result<(Operations, Operations, (usize, usize))> {
    let per_database = chain.iter().any(|r| {
        matches!(r.upgrade, Operations::PerDatabase(_))
            || matches!(r.downgrade, Operations::PerDatabase(_))
    });
    let list = chain.iter().any(|r| {
        matches!(r.upgrade, Operations::List(_)) || matches!(r.downgrade, Operations::List(_))
    });
    if per_database && list {
        return Err(SquashError::MixedShapes {
            range: range.to_owned(),
        }
        .into());
    }
    // The operation lists by database (`None`: the single list).
    let mut names: Vec<Option<String>> = Vec::new();
    for r in chain {
        for ops in [&r.upgrade, &r.downgrade] {
            if let Operations::PerDatabase(dbs) = ops {
                for (name, _) in dbs {
                    if !names.contains(&Some(name.clone())) {
                        names.push(Some(name.clone()));
                    }
                }
            }
        }
    }
    if names.is_empty() {
        names.push(None);
    }
    let tables = |ops: &Operations, name: &Option<String>| -> Vec<toml::Table> {
        match (ops, name) {
            (Operations::List(t), None) => t.clone(),
            (Operations::PerDatabase(dbs), Some(n)) => dbs
                .iter()
                .filter(|(db, _)| db == n)
                .flat_map(|(_, t)| t.clone())
                .collect(),
            _ => Vec::new(),
        }
    };
    let mut up_out = Vec::new();
    let mut down_out = Vec::new();
    let (mut before, mut after) = (0, 0);
    for name in &names {
        let label = |direction: &str| match name {
            Some(n) => format!("{direction}.{n}"),
            None => direction.to_owned(),
        };
        let mut up = Vec::new();
        for r in chain {
            up.extend(
                parse_operations(&r.path, &label("upgrade"), &tables(&r.upgrade, name))
                    .map_err(|e| ScriptError::Refused(e.to_string()))?,
            );
        }
        let mut down = Vec::new();
        for r in chain.iter().rev() {
            down.extend(
                parse_operations(&r.path, &label("downgrade"), &tables(&r.downgrade, name))
                    .map_err(|e| ScriptError::Refused(e.to_string()))?,
            );
        }
        before += up.len();
        let up = compact(up);
        let down = compact(down);
        after += up.len();
        up_out.push((name.clone(), operations_to_toml(&up)));
        down_out.push((name.clone(), operations_to_toml(&down)));
    }
    let shape = |lists: Vec<(Option<String>, Vec<toml::Table>)>| -> Operations {
        if lists.iter().all(|(_, t)| t.is_empty()) {
            return Operations::None;
        }
        match lists.as_slice() {
            [(None, t)] => Operations::List(t.clone()),
            _ => Operations::PerDatabase(
                lists
                    .into_iter()
                    .filter(|(_, t)| !t.is_empty())
                    .map(|(n, t)| (n.unwrap_or_default(), t))
                    .collect(),
            ),
        }
    };
    Ok((shape(up_out), shape(down_out), (before, after)))
}

/// Where `squash` proves its result: a scratch space on the dev database
/// when the project's database is a server and `dev_url` is set, else a
/// SQLite database in memory (with the note to add to an unproved result).
struct ProvingPlace {
    url: retort_db::DatabaseUrl,
    /// Said when SQLite cannot run the range although the project's
    /// database is a server: how to prove it there.
    hint: Option<String>,
}

impl Retort {
    fn proving_place(&self, dir: &ScriptDirectory) -> Result<ProvingPlace> {
        let target = match self.targets(dir) {
            Ok(targets) => targets.into_iter().next(),
            Err(Error::Url(retort_db::ResolveUrlError::Missing { .. })) => None,
            Err(e) => return Err(e),
        };
        let place = match &target {
            Some(t) => self.scratch_place(dir, t)?,
            None => Ok(memory_url()?),
        };
        Ok(match (place, target) {
            (Ok(url), _) => ProvingPlace { url, hint: None },
            (Err(_), target) => ProvingPlace {
                url: memory_url()?,
                hint: target.map(|t| {
                    format!(
                        "set dev_url in retort.toml (or pass --dev-url) to a {} database to prove it there",
                        t.url.dialect().product()
                    )
                }),
            },
        })
    }
}

/// Runs the old range and the new revision in two scratch spaces on
/// `place` from base to `to` and compares their schemas. `Ok(Some(why))`
/// when it could not be proved (the range does not run there, or this
/// build has no driver for it).
fn prove(
    old: &ScriptDirectory,
    new: &ScriptDirectory,
    to: &RevisionId,
    range: &str,
    place: &ProvingPlace,
) -> Result<Option<String>> {
    if !old.config.databases.is_empty() {
        return Ok(Some(
            "a multi-database project is not proved on a scratch database".into(),
        ));
    }
    let dialect_name = place.url.dialect();
    let schema =
        |dir: &ScriptDirectory| -> std::result::Result<retort_core::schema::Schema, String> {
            let mut space =
                retort_db::scratch::ScratchSpace::open(&place.url).map_err(|e| e.to_string())?;
            let conn = space.connection();
            runner::upgrade(
                dir,
                conn.as_mut(),
                dialect_name.dialect(),
                to.as_str(),
                &RunOptions::default(),
                &mut Silent,
            )
            .map_err(|e| e.to_string())?;
            let options = retort_db::autogenerate::inspect_options(dir);
            retort_db::inspect::inspect_schema(conn.as_mut(), &options).map_err(|e| e.to_string())
        };
    let before = match schema(old) {
        Ok(s) => s,
        Err(why) => {
            let mut said = format!(
                "the range does not run on {} ({why})",
                match dialect_name {
                    retort_db::DialectName::Sqlite => "SQLite in memory".to_owned(),
                    other => format!("a scratch space on the {} dev database", other.product()),
                }
            );
            if let Some(hint) = &place.hint {
                said.push_str("; ");
                said.push_str(hint);
            }
            return Ok(Some(said));
        }
    };
    let after = match schema(new) {
        Ok(s) => s,
        Err(why) => {
            return Err(SquashError::NotEquivalent {
                range: range.to_owned(),
                place: retort_db::scratch::ScratchSpace::describe_on(dialect_name),
                difference: format!("the squashed revision fails where the range runs: {why}"),
            }
            .into());
        }
    };
    if before != after {
        // Said as autogenerate says it: what the squash would change.
        let diff = retort_db::autogenerate::compare_schemas(
            old,
            dialect_name,
            &before,
            &after,
            &retort_core::diff::renames::Renames::default(),
        );
        let changes: Vec<String> = diff.changes.iter().map(ToString::to_string).collect();
        let difference = if changes.is_empty() {
            "the schemas differ in what autogenerate does not compare".to_owned()
        } else {
            format!(
                "from the range's schema to the squash's: {}",
                changes.join("; ")
            )
        };
        return Err(SquashError::NotEquivalent {
            range: range.to_owned(),
            place: retort_db::scratch::ScratchSpace::describe_on(dialect_name),
            difference,
        }
        .into());
    }
    Ok(None)
}
