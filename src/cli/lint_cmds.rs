//! `retort lint`: the lint rules over the revision files (and, with a
//! URL, the database), for CI.

use std::io::Write;

use clap::Args;
use retort_core::lint::Finding;

use super::Format;
use crate::api::{LintRequest, Retort};

/// `retort lint`.
#[derive(Debug, Args)]
pub struct LintArgs {
    /// Lint only the revisions that descend from REV, REV excluded (e.g.
    /// the merge base of a pull request); default: every revision.
    #[arg(long, value_name = "REV")]
    pub since: Option<String>,
    /// Run only the rules that need nothing but the revision files: no
    /// scratch database, no connection.
    #[arg(long = "files-only")]
    pub files_only: bool,
    /// A rule not to run (repeatable).
    #[arg(long, value_name = "RULE")]
    pub skip: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `retort lint [--since REV] [--format json]`: prints each finding, and
/// on stderr the rules skipped and a summary; exit 1 when anything was
/// found.
pub fn lint(r: &Retort, args: &LintArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let request = LintRequest {
        since: args.since.clone(),
        files_only: args.files_only,
        skip: args.skip.clone(),
    };
    let outcome = r.lint(&request)?;
    match args.format {
        Format::Text => {
            for finding in &outcome.findings {
                writeln!(out, "{finding}")?;
            }
        }
        Format::Json => {
            let json: Vec<FindingJson<'_>> = outcome.findings.iter().map(finding_json).collect();
            serde_json::to_writer_pretty(&mut *out, &json)?;
            writeln!(out)?;
        }
    }
    out.flush()?;
    if !r.is_quiet() {
        for skipped in &outcome.skipped {
            eprintln!("skipped {}: {}", skipped.rule, skipped.reason);
        }
        let allowed = match outcome.allowed {
            0 => String::new(),
            n => format!(", {n} allowed"),
        };
        eprintln!(
            "{} revision(s) linted: {} finding(s){allowed}",
            outcome.checked,
            outcome.findings.len()
        );
    }
    if !outcome.findings.is_empty() {
        anyhow::bail!(
            "{} lint finding(s); fix them, or allow a rule with `# retort-lint: allow RULE -- reason` in the revision file or `[lint] allow` in retort.toml",
            outcome.findings.len()
        );
    }
    Ok(())
}

/// One finding as `lint --format json` prints it (docs/json-output.md).
#[derive(serde::Serialize)]
struct FindingJson<'a> {
    rule: &'a str,
    revision: &'a str,
    path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    direction: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    operation_index: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    operation: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    database: Option<&'a str>,
    message: &'a str,
}

fn finding_json(f: &Finding) -> FindingJson<'_> {
    FindingJson {
        rule: f.rule,
        revision: f.revision.as_str(),
        path: f.path.display().to_string(),
        line: f.line,
        direction: f.operation.as_ref().map(|o| o.direction),
        operation_index: f.operation.as_ref().map(|o| o.index),
        operation: f.operation.as_ref().map(|o| o.name),
        database: f.database.as_deref(),
        message: &f.message,
    }
}
