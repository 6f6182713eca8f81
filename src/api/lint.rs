//! `lint`: the rules of [`retort_core::lint`] over the revision files,
//! plus the two that need a database:
//!
//! - `irreversible-downgrade`: each linted revision's upgrade then
//!   downgrade is run in a scratch space, brought first to the revision's
//!   parents by the same runner `upgrade` uses; the schema read back after
//!   the downgrade must be the one read before the upgrade. The space is a
//!   SQLite database in memory when the project's database is SQLite or
//!   not known; on PostgreSQL and MySQL/MariaDB it is a schema (database)
//!   made on the dev database (`dev_url`, `--dev-url`) and dropped
//!   afterwards ([`ScratchSpace`]). Revisions are never run on the
//!   project's own database: without a dev database the rule is skipped,
//!   and the report says how to enable it.
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
use retort_db::scratch::ScratchSpace;
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
    /// (`irreversible-downgrade` uses a scratch SQLite database in memory,
    /// or on PostgreSQL and MySQL a scratch space on the dev database).
    pub fn lint(&self, request: &LintRequest) -> Result<LintOutcome> {
        let mut dir = self.script_directory(Depth::Full)?;
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
        let (run_downgrades, run_edited) =
            (runs("irreversible-downgrade"), runs("edited-after-applied"));
        if run_downgrades {
            // Where each database's downgrades are tried: no URL, a
            // scratch SQLite database; a SQLite URL, the same; a server,
            // a scratch space on its dev database, never on its own.
            let mut places: Vec<(Option<String>, std::result::Result<DatabaseUrl, String>)> =
                Vec::new();
            if targets.is_empty() {
                let databases: Vec<Option<String>> = if dir.config.databases.is_empty() {
                    vec![None]
                } else {
                    match &self.database {
                        Some(db) => vec![Some(db.clone())],
                        None => dir.config.databases.keys().cloned().map(Some).collect(),
                    }
                };
                for database in databases {
                    places.push((database, Ok(memory_url()?)));
                }
            }
            for target in &targets {
                let place = self.scratch_place(&dir, target)?;
                places.push((target.name.clone(), place));
            }
            // The scratch space holds its own version table, whatever
            // schema the project keeps it in.
            let version_schema = dir.config.version_table_schema.take();
            let mut tried = Ok(());
            for (database, place) in places {
                match place {
                    Ok(url) => {
                        tried = self.try_downgrades(
                            &dir,
                            &report.scope,
                            &url,
                            database,
                            &mut extra,
                            &mut outcome.skipped,
                        );
                        if tried.is_err() {
                            break;
                        }
                    }
                    Err(reason) => outcome.skipped.push(SkippedRule {
                        rule: "irreversible-downgrade",
                        reason,
                    }),
                }
            }
            dir.config.version_table_schema = version_schema;
            tried?;
        }
        if run_edited {
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

    /// `irreversible-downgrade` in a scratch space on `place` (SQLite:
    /// in memory; a server: a schema or database made there and dropped
    /// afterwards): for each revision of `scope` (in upgrade order), upgrade to its
    /// parents, read the schema, upgrade it, downgrade it, read the
    /// schema again and compare. One database serves a whole chain: the
    /// next revision starts where the last one was upgraded again.
    fn try_downgrades(
        &self,
        dir: &ScriptDirectory,
        scope: &[RevisionId],
        place: &DatabaseUrl,
        database: Option<String>,
        found: &mut Vec<Finding>,
        skipped: &mut Vec<SkippedRule>,
    ) -> Result<()> {
        let dialect = place.dialect().dialect();
        let opts = RunOptions {
            database: database.clone(),
            x_args: dir.config.x_args.clone(),
            ..RunOptions::default()
        };
        let inspect = inspect_options(dir);
        let mut space: Option<ScratchSpace> = None;
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
            let s = match &mut space {
                Some(s) => s,
                None => space.insert(ScratchSpace::open(place)?),
            };
            let tried_on = s.describe();
            let c = s.connection();
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
                    reason: format!("not tried on {id}: {what} fails on {tried_on}: {e}"),
                });
            };
            if !plan.steps.is_empty()
                && let Err(e) = run(c, Direction::Upgrade, plan.steps)
            {
                not_tried("the upgrade to its parents", e);
                space = None;
                continue;
            }
            let before = inspect_schema(c.as_mut(), &inspect)?;
            if let Err(e) = run(c, Direction::Upgrade, vec![step.clone()]) {
                not_tried("its upgrade", e);
                space = None;
                continue;
            }
            if let Err(e) = run(c, Direction::Downgrade, vec![reverse(&step)]) {
                found.push(finding(format!(
                    "the downgrade fails right after the upgrade (tried on {tried_on}): {e}; \
                     fix the {list} operations"
                )));
                space = None;
                continue;
            }
            let after = inspect_schema(c.as_mut(), &inspect)?;
            if after != before {
                let diff = compare_schemas(
                    dir,
                    place.dialect(),
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
                    "upgrade then downgrade does not give the schema back (tried on {tried_on}): \
                     {what}; make the {list} operations undo every upgrade operation"
                )));
            }
            if run(c, Direction::Upgrade, vec![step]).is_err() {
                space = None;
            }
        }
        Ok(())
    }
}

impl Retort {
    /// Where revisions may run to check `target`'s revisions: a SQLite
    /// database in memory for SQLite, the dev database of a server (never
    /// the server's own database); `Err`: why there is none, and how to
    /// set one.
    pub(super) fn scratch_place(
        &self,
        dir: &ScriptDirectory,
        target: &Target,
    ) -> Result<std::result::Result<DatabaseUrl, String>> {
        let server = match target.url.dialect() {
            DialectName::Sqlite => return Ok(Ok(memory_url()?)),
            server => server,
        };
        Ok(match self.dev_url_of(dir, target)? {
            Some(dev) if dev.dialect() == server => Ok(dev),
            Some(dev) => Err(format!(
                "the dev database (dev_url) is {}, and the database{} is {}",
                dev.dialect().product(),
                target
                    .name
                    .as_deref()
                    .map(|n| format!(" {n}"))
                    .unwrap_or_default(),
                server.product()
            )),
            None => Err(format!(
                "on {} it runs on a dev database: set dev_url in retort.toml or pass \
                 --dev-url (retort makes a scratch {} there and drops it; it never \
                 runs revisions on the project's database)",
                server.product(),
                if server == DialectName::Postgresql {
                    "schema"
                } else {
                    "database"
                }
            )),
        })
    }
}

/// The scratch SQLite database in memory.
pub(super) fn memory_url() -> Result<DatabaseUrl> {
    DatabaseUrl::parse("sqlite://").map_err(|error| {
        ResolveUrlError::Invalid {
            from: retort_db::UrlSource::Flag,
            error,
        }
        .into()
    })
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
