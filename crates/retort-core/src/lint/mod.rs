//! `retort lint`: rules over the revision files that catch, before a
//! revision ships, what makes migrations fail or hurt in production —
//! several heads, destructive operations, `NOT NULL` without a default,
//! operations that lock or rewrite big tables, a missing downgrade.
//!
//! This module holds the rules that need nothing but the files ([`lint`]);
//! the rules that need a database (a scratch database to try each
//! downgrade, the live one to find files edited after they ran) are the
//! API's (`src/api/lint.rs`), which reports through the same [`Finding`]
//! and allows rules the same way ([`is_allowed`]).
//!
//! Each rule has a stable kebab-case id ([`RULES`]). A rule is allowed
//! (its findings are not reported) for the whole project or one revision
//! in `retort.toml` (`[lint] allow = [...]`,
//! `[lint.revisions.<rev_id>] allow = [...]`), or for one revision by a
//! comment in its file (`# retort-lint: allow drop-column -- reason`).

mod ops;
mod state;
mod types;

use std::collections::HashSet;
use std::fmt;
use std::path::PathBuf;

use crate::config::Config;
use crate::graph::{ResolveError, RevisionGraph};
use crate::ops::{Operation, OperationError, parse_operations};
use crate::revision::{Operations, Revision, RevisionId};

/// What a rule needs to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Needs {
    /// The revision files only.
    Files,
    /// A scratch database to apply revisions to (SQLite in memory).
    Scratch,
    /// The project's database (`--url` or configured).
    Database,
}

/// One lint rule.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    /// Its stable id (`drop-column`).
    pub id: &'static str,
    /// What it finds, in a line.
    pub summary: &'static str,
    /// The dialects it applies to (`postgresql`, `mysql`); empty: all.
    pub dialects: &'static [&'static str],
    /// What it needs to run.
    pub needs: Needs,
}

impl Rule {
    /// Whether the rule applies to a project on `dialect` (`None`: the
    /// dialect is not known, every rule applies).
    pub fn applies_to(&self, dialect: Option<&str>) -> bool {
        match dialect {
            None => true,
            Some(d) => self.dialects.is_empty() || self.dialects.contains(&d),
        }
    }
}

const SERVERS: &[&str] = &["postgresql", "mysql"];

/// Every rule, in the order `retort lint` reports them.
pub const RULES: &[Rule] = &[
    Rule {
        id: "multiple-heads",
        summary: "the revision graph has more than one head",
        dialects: &[],
        needs: Needs::Files,
    },
    Rule {
        id: "drop-table",
        summary: "drop_table (or drop_virtual_table) deletes a table and its rows",
        dialects: &[],
        needs: Needs::Files,
    },
    Rule {
        id: "drop-column",
        summary: "drop_column deletes a column and its values",
        dialects: &[],
        needs: Needs::Files,
    },
    Rule {
        id: "type-narrowing",
        summary: "alter_column to a type that holds less than existing_type",
        dialects: &[],
        needs: Needs::Files,
    },
    Rule {
        id: "not-null-without-default",
        summary: "NOT NULL added to a table that may have rows, without a server_default",
        dialects: &[],
        needs: Needs::Files,
    },
    Rule {
        id: "drop-index-used-by-foreign-key",
        summary: "drop_index of the index a foreign key uses",
        dialects: &[],
        needs: Needs::Files,
    },
    Rule {
        id: "drop-enum-value",
        summary: "drop_enum_value fails on rows that hold the value (PostgreSQL's enum types)",
        dialects: &["postgresql"],
        needs: Needs::Files,
    },
    Rule {
        id: "missing-downgrade",
        summary: "upgrade has operations, downgrade is absent",
        dialects: &[],
        needs: Needs::Files,
    },
    Rule {
        id: "index-without-concurrently",
        summary: "create_index locks writes to the table while it builds (PostgreSQL)",
        dialects: &["postgresql"],
        needs: Needs::Files,
    },
    Rule {
        id: "volatile-default",
        summary: "add_column with a volatile default rewrites the table",
        dialects: SERVERS,
        needs: Needs::Files,
    },
    Rule {
        id: "table-rewrite",
        summary: "alter_column type change that rewrites the table under a lock",
        dialects: SERVERS,
        needs: Needs::Files,
    },
    Rule {
        id: "irreversible-downgrade",
        summary: "upgrade then downgrade does not give the schema back",
        dialects: &[],
        needs: Needs::Scratch,
    },
    Rule {
        id: "edited-after-applied",
        summary: "a revision file changed after the database ran it",
        dialects: &[],
        needs: Needs::Database,
    },
];

/// The rule with this id.
pub fn rule(id: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.id == id)
}

/// Every rule id, in [`RULES`] order.
pub fn rule_ids() -> Vec<&'static str> {
    RULES.iter().map(|r| r.id).collect()
}

/// The operation a finding is about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OperationRef {
    /// `upgrade` or `downgrade`.
    pub direction: &'static str,
    /// Its position in its list, from 1 (a nested operation of
    /// `batch_alter_table` has the batch's position).
    pub index: usize,
    /// Its name (`drop_column`).
    pub name: &'static str,
}

/// One thing `retort lint` found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The rule's id.
    pub rule: &'static str,
    /// The revision.
    pub revision: RevisionId,
    /// Its file.
    pub path: PathBuf,
    /// The line of the operation in the file, when known.
    pub line: Option<usize>,
    /// The operation, when the finding is about one.
    pub operation: Option<OperationRef>,
    /// The database of a multi-database project.
    pub database: Option<String>,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for Finding {
    /// `versions/b2.toml:9: drop-column: revision b2, upgrade operation 1
    /// (drop_column): ...`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        write!(f, ": {}: revision {}", self.rule, self.revision)?;
        if let Some(db) = &self.database {
            write!(f, " [{db}]")?;
        }
        if let Some(op) = &self.operation {
            write!(f, ", {} operation {} ({})", op.direction, op.index, op.name)?;
        }
        write!(f, ": {}", self.message)
    }
}

/// How to lint.
#[derive(Clone, Debug, Default)]
pub struct LintOptions {
    /// The project's dialect (`sqlite`, `postgresql`, `mysql`): rules of
    /// other dialects do not run. `None`: every rule runs.
    pub dialect: Option<String>,
    /// Lint only the revisions that descend from this one (excluded).
    pub since: Option<String>,
    /// Rules not to run at all (`--skip`).
    pub skip: Vec<String>,
}

/// What [`lint`] found.
#[derive(Clone, Debug, Default)]
pub struct LintReport {
    /// The findings not allowed, in upgrade order of their revisions.
    pub findings: Vec<Finding>,
    /// How many findings were allowed (configuration or comments).
    pub allowed: usize,
    /// The revisions linted, in upgrade order (parents first).
    pub scope: Vec<RevisionId>,
}

/// Why linting could not be done.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LintError {
    /// `--since` names no revision.
    #[error("--since: {0}")]
    Since(#[from] ResolveError),
    /// An operation of a revision file is malformed.
    #[error(transparent)]
    Operation(#[from] OperationError),
    /// A `# retort-lint:` comment is malformed or names no rule.
    #[error("{}:{line}: {message}", path.display())]
    Comment {
        /// The revision file.
        path: PathBuf,
        /// The comment's line.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// `--skip` names no rule.
    #[error("--skip {0}: no such lint rule; the rules are: {rules}", rules = rule_ids().join(", "))]
    UnknownRule(String),
    /// `[lint.revisions.<rev_id>]` names no revision.
    #[error("{}: [lint.revisions.{revision}] names no revision; remove it or fix the id", config.display())]
    UnknownRevision {
        /// The configuration file.
        config: PathBuf,
        /// The id written.
        revision: String,
    },
}

/// The `# retort-lint: allow RULE[, RULE...] [-- reason]` comments of a
/// revision file's text: each rule id (as written) with its line.
pub fn allow_comments(text: &str) -> Vec<(String, usize)> {
    if !text.contains("retort-lint:") {
        return Vec::new();
    }
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let Some(rest) = line
            .trim_start()
            .strip_prefix('#')
            .map(str::trim_start)
            .and_then(|c| c.strip_prefix("retort-lint:"))
        else {
            continue;
        };
        let rest = rest
            .split_once("--")
            .map_or(rest, |(rules, _)| rules)
            .trim();
        match rest.strip_prefix("allow") {
            Some(rules) if rules.starts_with(char::is_whitespace) => {
                for r in rules.split([',', ' ', '\t']).filter(|r| !r.is_empty()) {
                    out.push((r.to_owned(), n + 1));
                }
            }
            // Kept as written, so that `lint` says what is wrong.
            _ => out.push((format!("?{rest}"), n + 1)),
        }
    }
    out
}

/// Whether `rule` is allowed for `revision` (or, without one, for the
/// whole project): by `[lint] allow`, `[lint.revisions.<rev_id>] allow`
/// or a `# retort-lint: allow` comment of the revision's file.
pub fn is_allowed(config: &Config, revision: Option<&Revision>, rule: &str) -> bool {
    let has = |list: &[String]| list.iter().any(|r| r == rule);
    if has(&config.lint.allow) {
        return true;
    }
    revision.is_some_and(|rev| {
        config
            .lint
            .revisions
            .get(rev.id.as_str())
            .is_some_and(|r| has(&r.allow))
            || rev.lint_allow.iter().any(|(r, _)| r == rule)
    })
}

/// The revisions of the graph in upgrade order (parents and dependencies
/// first).
pub fn upgrade_order(graph: &RevisionGraph) -> Vec<&Revision> {
    match graph.plan_upgrade(&[], "heads") {
        Ok(plan) if plan.steps.len() == graph.len() => plan
            .steps
            .iter()
            .filter_map(|s| graph.get(&s.revision))
            .collect(),
        _ => graph.revisions().collect(),
    }
}

/// The revisions `--since REV` selects: those descending from REV, REV
/// excluded (`None`: every revision).
pub fn since_scope(
    graph: &RevisionGraph,
    since: Option<&str>,
) -> Result<Option<HashSet<RevisionId>>, LintError> {
    let Some(since) = since else {
        return Ok(None);
    };
    let Some(from) = graph.resolve_one(since)? else {
        return Ok(None); // `base`: everything
    };
    Ok(Some(
        graph
            .descendants(&from.id)
            .into_iter()
            .filter(|r| r.id != from.id)
            .map(|r| r.id.clone())
            .collect(),
    ))
}

/// Operation lists by database (`None` for a single-database project's).
type ListsByDatabase = Vec<(Option<String>, Vec<Operation>)>;

/// The operations of one direction, per database (`None` for a
/// single-database project's list).
pub(crate) fn parsed(
    rev: &Revision,
    direction: &str,
    ops: &Operations,
) -> Result<ListsByDatabase, LintError> {
    Ok(match ops {
        Operations::None => Vec::new(),
        Operations::List(list) => vec![(None, parse_operations(&rev.path, direction, list)?)],
        Operations::PerDatabase(dbs) => dbs
            .iter()
            .map(|(db, list)| {
                let label = format!("{direction}.{db}");
                Ok((Some(db.clone()), parse_operations(&rev.path, &label, list)?))
            })
            .collect::<Result<_, LintError>>()?,
    })
}

/// Runs every rule that needs only the files on the revisions of `graph`,
/// as `config` allows them.
pub fn lint(
    graph: &RevisionGraph,
    config: &Config,
    options: &LintOptions,
) -> Result<LintReport, LintError> {
    check_allowances(graph, config)?;
    if let Some(unknown) = options.skip.iter().find(|r| rule(r).is_none()) {
        return Err(LintError::UnknownRule(unknown.clone()));
    }
    let dialect = options.dialect.as_deref();
    let on = |id: &str| {
        rule(id).is_some_and(|r| r.applies_to(dialect)) && !options.skip.iter().any(|s| s == id)
    };
    let scope = since_scope(graph, options.since.as_deref())?;
    let in_scope = |id: &RevisionId| scope.as_ref().is_none_or(|s| s.contains(id));
    let order = upgrade_order(graph);
    let mut found = Vec::new();
    let mut tables = state::Tables::default();
    for rev in &order {
        let upgrade = parsed(rev, "upgrade", &rev.upgrade)?;
        let linted = in_scope(&rev.id);
        if linted && on("missing-downgrade") {
            ops::missing_downgrade(rev, &mut found);
        }
        for (database, list) in &upgrade {
            let mut ctx = ops::Context {
                rev,
                database: database.as_deref(),
                dialect,
                on: &on,
                created: HashSet::new(),
                found: &mut found,
                linted,
            };
            for (i, op) in list.iter().enumerate() {
                ctx.operation(&mut tables, i + 1, op);
            }
        }
    }
    let heads = graph.heads();
    if heads.len() > 1 && on("multiple-heads") && heads.iter().any(|h| in_scope(&h.id)) {
        found.push(ops::multiple_heads(&order, &heads));
    }
    let total = found.len();
    found.retain(|f| !is_allowed(config, graph.get(&f.revision), f.rule));
    for f in &mut found {
        if f.line.is_none() {
            f.line = f.operation.as_ref().and_then(|op| op_line(f, op));
        }
    }
    Ok(LintReport {
        allowed: total - found.len(),
        findings: found,
        scope: order
            .iter()
            .filter(|r| in_scope(&r.id))
            .map(|r| r.id.clone())
            .collect(),
    })
}

/// Refuses allow comments that name no rule, and `[lint.revisions.X]`
/// for a revision that does not exist.
fn check_allowances(graph: &RevisionGraph, config: &Config) -> Result<(), LintError> {
    for id in config.lint.revisions.keys() {
        if graph.get(id).is_none() {
            return Err(LintError::UnknownRevision {
                config: config.path.clone(),
                revision: id.clone(),
            });
        }
    }
    for rev in graph.revisions() {
        for (name, line) in &rev.lint_allow {
            let message = match name.strip_prefix('?') {
                Some(rest) => format!(
                    "a `# retort-lint:` comment must read `# retort-lint: allow RULE[, RULE...] -- reason`, not {rest:?}"
                ),
                None if rule(name).is_none() => format!(
                    "`# retort-lint: allow {name}` names no lint rule; the rules are: {}",
                    rule_ids().join(", ")
                ),
                None => continue,
            };
            return Err(LintError::Comment {
                path: rev.path.clone(),
                line: *line,
                message,
            });
        }
    }
    Ok(())
}

/// The line of an operation in its file: the `[[upgrade]]` (or
/// `[[upgrade.<db>]]`) header that starts it. `None` when the file
/// cannot be read or writes its operations inline.
pub fn op_line(finding: &Finding, op: &OperationRef) -> Option<usize> {
    let text = std::fs::read_to_string(&finding.path).ok()?;
    let header = match &finding.database {
        Some(db) => format!("[[{}.{db}]]", op.direction),
        None => format!("[[{}]]", op.direction),
    };
    text.lines()
        .enumerate()
        .filter(|(_, l)| {
            let compact: String = l.chars().filter(|c| !c.is_whitespace()).collect();
            compact == header || compact.starts_with(&format!("{header}#"))
        })
        .nth(op.index - 1)
        .map(|(n, _)| n + 1)
}

#[cfg(test)]
mod tests;
