//! `lint`: the rules of [`retort_core::lint`] over the revision files,
//! plus the two that need a database:
//!
//! - `irreversible-downgrade`: each linted revision's upgrade then
//!   downgrade is run on a scratch SQLite database in memory, brought
//!   first to the revision's parents by the same runner `upgrade` uses;
//!   the schema read back after the downgrade must be the one read
//!   before the upgrade. It runs when the project's database is SQLite or
//!   not known; on PostgreSQL and MySQL it is skipped (said in the
//!   report), since their operations may not run on SQLite.
//! - `edited-after-applied`: when a database URL is given (`--url`,
//!   `DATABASE_URL` or configured), `verify`'s check of the applied
//!   revisions' checksums. It looks at every applied revision, whatever
//!   `--since` says: editing an old, applied revision is what it is for.

use std::collections::HashMap;

use retort_core::graph::{Direction, Plan, Step, VersionUpdate};
use retort_core::lint::{self as core_lint, Finding, LintOptions, Needs, RULES};
use retort_core::script::Depth;
use retort_core::{Operations, RevisionId, ScriptDirectory};
use retort_db::autogenerate::{compare_schemas, inspect_options};
use retort_db::inspect::inspect_schema;
use retort_db::runner::{self, FindingKind, RunOptions, Silent};
use retort_db::{Connection, DatabaseUrl, DialectName, ResolveUrlError};

use super::{Error, Result, Retort, Target};

/// A rule `lint` did not run, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SkippedRule {
    /// The rule's id.
    pub rule: &'static str,
    /// Why it did not run.
    pub reason: String,
}

/// What `lint` found.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct LintOutcome {
    /// The findings not allowed: the files' rules in upgrade order, then
    /// the scratch database's, then the live database's.
    pub findings: Vec<Finding>,
    /// How many findings were allowed by the configuration or comments.
    pub allowed: usize,
    /// How many revisions were linted.
    pub checked: usize,
    /// The rules that did not run, with the reason.
    pub skipped: Vec<SkippedRule>,
    /// The dialect the rules were chosen for (`None`: no database URL, so
    /// every dialect's rules ran).
    pub dialect: Option<String>,
}

/// What `lint` checks.
#[derive(Clone, Debug, Default)]
pub struct LintRequest {
    /// Lint only the revisions that descend from this one (excluded);
    /// `None`: every revision (`--since`).
    pub since: Option<String>,
    /// Run only the rules that need nothing but the files: no scratch
    /// database, no connection (`--files-only`).
    pub files_only: bool,
    /// Rules not to run (`--skip`).
    pub skip: Vec<String>,
}

impl Retort {
    /// `lint`: runs every lint rule (but those `request` leaves out) on
    /// the revisions it selects. Needs no database unless a URL is given
    /// (`irreversible-downgrade` uses a scratch SQLite database in memory).
    pub fn lint(&self, request: &LintRequest) -> Result<LintOutcome> {
        let dir = self.script_directory(Depth::Full)?;
        let targets = match self.targets(&dir) {
            Ok(targets) => targets,
            Err(Error::Url(ResolveUrlError::Missing { .. })) => Vec::new(),
            Err(e) => return Err(e),
        };
        let dialects: Vec<DialectName> = targets.iter().map(|t| t.url.dialect()).collect();
        let dialect = match dialects.first() {
            Some(first) if dialects.iter().all(|d| d == first) => Some(first.as_str().to_owned()),
            _ => None,
        };
        let options = LintOptions {
            dialect: dialect.clone(),
            since: request.since.clone(),
            skip: request.skip.clone(),
        };
        let report = core_lint::lint(&dir.graph, &dir.config, &options)?;
        let mut outcome = LintOutcome {
            findings: report.findings,
            allowed: report.allowed,
            checked: report.scope.len(),
            skipped: Vec::new(),
            dialect: dialect.clone(),
        };
        for rule in RULES {
            if !rule.applies_to(dialect.as_deref()) {
                outcome.skipped.push(SkippedRule {
                    rule: rule.id,
                    reason: format!(
                        "applies to {} only; the project's database is {}",
                        rule.dialects.join(" and "),
                        dialect.as_deref().unwrap_or_default()
                    ),
                });
            }
        }
        let mut extra = Vec::new();
        let project_allows = |rule: &str| core_lint::is_allowed(&dir.config, None, rule);
        for rule in RULES {
            let reason = if !rule.applies_to(dialect.as_deref()) {
                continue; // said above
            } else if request.skip.iter().any(|s| s == rule.id) {
                "--skip"
            } else if request.files_only && rule.needs != Needs::Files {
                "--files-only"
            } else {
                continue;
            };
            outcome.skipped.push(SkippedRule {
                rule: rule.id,
                reason: reason.into(),
            });
        }
        let runs = |rule: &str| {
            !request.files_only && !request.skip.iter().any(|s| s == rule) && !project_allows(rule)
        };
        match dialect.as_deref() {
            _ if !runs("irreversible-downgrade") => {}
            None | Some("sqlite") => {
                let databases: Vec<Option<String>> = if dir.config.databases.is_empty() {
                    vec![None]
                } else {
                    match &self.database {
                        Some(db) => vec![Some(db.clone())],
                        None => dir.config.databases.keys().cloned().map(Some).collect(),
                    }
                };
                for database in databases {
                    self.try_downgrades(
                        &dir,
                        &report.scope,
                        database,
                        &mut extra,
                        &mut outcome.skipped,
                    )?;
                }
            }
            Some(other) => outcome.skipped.push(SkippedRule {
                rule: "irreversible-downgrade",
                reason: format!(
                    "tried on a scratch SQLite database only, and the project's database is {other}"
                ),
            }),
        }
        if runs("edited-after-applied") {
            if targets.is_empty() {
                outcome.skipped.push(SkippedRule {
                    rule: "edited-after-applied",
                    reason: "needs a database URL (--url, DATABASE_URL or url in retort.toml)"
                        .into(),
                });
            }
            for target in &targets {
                edited(&dir, target, &mut extra)?;
            }
        }
        let before = extra.len();
        extra.retain(|f| !core_lint::is_allowed(&dir.config, dir.graph.get(&f.revision), f.rule));
        outcome.allowed += before - extra.len();
        for f in &mut extra {
            if f.line.is_none() {
                f.line = f
                    .operation
                    .as_ref()
                    .and_then(|op| core_lint::op_line(f, op));
            }
        }
        outcome.findings.extend(extra);
        Ok(outcome)
    }

    /// `irreversible-downgrade` on a scratch SQLite database in memory:
    /// for each revision of `scope` (in upgrade order), upgrade to its
    /// parents, read the schema, upgrade it, downgrade it, read the
    /// schema again and compare. One database serves a whole chain: the
    /// next revision starts where the last one was upgraded again.
    fn try_downgrades(
        &self,
        dir: &ScriptDirectory,
        scope: &[RevisionId],
        database: Option<String>,
        found: &mut Vec<Finding>,
        skipped: &mut Vec<SkippedRule>,
    ) -> Result<()> {
        let url = DatabaseUrl::parse("sqlite://").map_err(|error| ResolveUrlError::Invalid {
            from: retort_db::UrlSource::Flag,
            error,
        })?;
        let dialect = url.dialect().dialect();
        let opts = RunOptions {
            database: database.clone(),
            x_args: dir.config.x_args.clone(),
            ..RunOptions::default()
        };
        let inspect = inspect_options(dir);
        let mut conn: Option<Box<dyn Connection>> = None;
        for id in scope {
            let Some(rev) = dir.graph.get(id) else {
                continue;
            };
            let down = match (&rev.downgrade, &database) {
                (Operations::List(ops), None) => !ops.is_empty(),
                (Operations::PerDatabase(dbs), Some(db)) => {
                    dbs.iter().any(|(n, ops)| n == db && !ops.is_empty())
                }
                _ => false,
            };
            if !down {
                // No downgrade (missing-downgrade says so) or none on
                // purpose (`downgrade = []`).
                continue;
            }
            let c = match &mut conn {
                Some(c) => c,
                None => conn.insert(retort_db::connect(&url)?),
            };
            let list = database.as_deref().map_or_else(
                || "[[downgrade]]".to_owned(),
                |db| format!("[[downgrade.{db}]]"),
            );
            let finding = |message: String| Finding {
                rule: "irreversible-downgrade",
                revision: rev.id.clone(),
                path: rev.path.clone(),
                line: None,
                operation: None,
                database: database.clone(),
                message,
            };
            let rows = runner::current(dir, c.as_mut())?;
            let mut plan = dir.graph.plan_upgrade(&rows, id)?;
            let Some(step) = plan.steps.pop().filter(|s| s.revision == *id) else {
                continue;
            };
            let run = |c: &mut Box<dyn Connection>, direction, steps: Vec<Step>| {
                let plan = Plan { direction, steps };
                runner::run_plan(dir, c.as_mut(), dialect, &plan, &opts, &mut Silent)
            };
            let mut not_tried = |what: &str, e: runner::RunError| {
                skipped.push(SkippedRule {
                    rule: "irreversible-downgrade",
                    reason: format!(
                        "not tried on {id}: {what} fails on a scratch SQLite database: {e}"
                    ),
                });
            };
            if !plan.steps.is_empty()
                && let Err(e) = run(c, Direction::Upgrade, plan.steps)
            {
                not_tried("the upgrade to its parents", e);
                conn = None;
                continue;
            }
            let before = inspect_schema(c.as_mut(), &inspect)?;
            if let Err(e) = run(c, Direction::Upgrade, vec![step.clone()]) {
                not_tried("its upgrade", e);
                conn = None;
                continue;
            }
            if let Err(e) = run(c, Direction::Downgrade, vec![reverse(&step)]) {
                found.push(finding(format!(
                    "the downgrade fails right after the upgrade (tried on a scratch SQLite database): {e}; \
                     fix the {list} operations"
                )));
                conn = None;
                continue;
            }
            let after = inspect_schema(c.as_mut(), &inspect)?;
            if after != before {
                let diff = compare_schemas(
                    dir,
                    DialectName::Sqlite,
                    &after,
                    &before,
                    &retort_core::diff::renames::Renames::default(),
                );
                let changes: Vec<String> = diff
                    .changes
                    .iter()
                    .map(|c| {
                        let text = c.to_string();
                        text.strip_prefix("Detected ").unwrap_or(&text).to_owned()
                    })
                    .collect();
                let what = if changes.is_empty() {
                    "the schema differs".to_owned()
                } else {
                    format!(
                        "the downgrade leaves undone (as autogenerate sees it): {}",
                        changes.join("; ")
                    )
                };
                found.push(finding(format!(
                    "upgrade then downgrade does not give the schema back (tried on a scratch SQLite database): \
                     {what}; make the {list} operations undo every upgrade operation"
                )));
            }
            if run(c, Direction::Upgrade, vec![step]).is_err() {
                conn = None;
            }
        }
        Ok(())
    }
}

/// `edited-after-applied`: the applied revisions whose files changed.
fn edited(dir: &ScriptDirectory, target: &Target, found: &mut Vec<Finding>) -> Result<()> {
    let mut conn = retort_db::connect(&target.url)?;
    let verification = runner::verify(dir, conn.as_mut())?;
    let paths: HashMap<&str, &std::path::Path> = dir
        .graph
        .revisions()
        .map(|r| (r.id.as_str(), r.path.as_path()))
        .collect();
    for f in verification.findings {
        if let FindingKind::Edited { .. } = f.kind {
            found.push(Finding {
                rule: "edited-after-applied",
                path: paths
                    .get(f.revision.as_str())
                    .map(|p| p.to_path_buf())
                    .unwrap_or_default(),
                message: format!(
                    "{f}; restore the file as it was applied (git history) and write the change as a new revision"
                ),
                revision: f.revision,
                line: None,
                operation: None,
                database: target.name.clone(),
            });
        }
    }
    Ok(())
}

/// The downgrade step that undoes an upgrade step.
fn reverse(step: &Step) -> Step {
    let version = match &step.version {
        VersionUpdate::Insert(r) => VersionUpdate::Delete(r.clone()),
        VersionUpdate::Delete(r) => VersionUpdate::Insert(r.clone()),
        VersionUpdate::Update { from, to } => VersionUpdate::Update {
            from: to.clone(),
            to: from.clone(),
        },
        VersionUpdate::Merge { delete, from, to } => VersionUpdate::Unmerge {
            from: to.clone(),
            to: from.clone(),
            insert: delete.clone(),
        },
        VersionUpdate::Unmerge { from, to, insert } => VersionUpdate::Merge {
            delete: insert.clone(),
            from: to.clone(),
            to: from.clone(),
        },
        other => other.clone(),
    };
    Step {
        revision: step.revision.clone(),
        direction: Direction::Downgrade,
        version,
        from: step.to.clone(),
        to: step.from.clone(),
    }
}
