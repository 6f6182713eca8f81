//! `--fleet SOURCE`: `upgrade`, `downgrade`, `current` and `check` over
//! many databases (docs/fleet.md). One result line per database on stdout
//! (or one JSON array with `--format json`), a progress bar on stderr when
//! it is a terminal (a plain line every few seconds otherwise), exit 1
//! unless every database succeeded.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use clap::Args;
use serde::Serialize;

use super::Format;
use crate::api::{
    FleetEvent, FleetOptions, FleetReport, FleetResult, FleetStatus, PendingChange, Retort,
};

/// The fleet options of `upgrade`, `downgrade`, `current` and `check`.
#[derive(Clone, Debug, Default, Args)]
pub struct FleetArgs {
    /// Run on many databases: a file of URLs (one a line), a glob of SQLite
    /// files (sqlite:///tenants/*.db) or a server's schemas matching a
    /// pattern (postgresql://host/db?schemas=tenant_*); see docs/fleet.md.
    #[arg(long, value_name = "SOURCE")]
    pub fleet: Option<String>,
    /// With --fleet: how many databases run at a time.
    #[arg(
        short = 'j',
        long = "jobs",
        value_name = "N",
        default_value_t = 1,
        requires = "fleet",
        value_parser = clap::value_parser!(u16).range(1..)
    )]
    pub jobs: u16,
    /// With --fleet: go on after a database fails (default: start no other
    /// database after the first failure, and report those not attempted).
    #[arg(long, requires = "fleet")]
    pub continue_on_error: bool,
}

/// Which command runs over the fleet.
#[derive(Clone, Copy, Debug)]
pub enum FleetCommand<'a> {
    /// `upgrade REV`.
    Upgrade(&'a str),
    /// `downgrade REV`.
    Downgrade(&'a str),
    /// `current`; with `--check-heads`, a database not at every head fails.
    Current {
        /// `--check-heads`.
        check_heads: bool,
    },
    /// `check`.
    Check,
}

/// Runs `command` over the fleet `source`.
pub fn run(
    r: &Retort,
    source: &str,
    args: &FleetArgs,
    command: FleetCommand<'_>,
    format: Format,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    if r.has_url() {
        anyhow::bail!("--fleet names the databases, and --url one database: give one of them");
    }
    let fleet = r.fleet(source)?;
    let options = FleetOptions::new(usize::from(args.jobs), args.continue_on_error);
    let mut bar = Bar::new(fleet.members().len(), r.is_quiet());
    let mut failed_write: Option<std::io::Error> = None;
    let mut on_event = |event: FleetEvent<'_>| {
        bar.event(&event);
        if let (FleetEvent::Finished { result, .. }, Format::Text) = (event, format) {
            bar.clear();
            let written = writeln!(out, "{}", line(result, command)).and_then(|()| out.flush());
            if let Err(e) = written {
                failed_write.get_or_insert(e);
            }
        }
        bar.draw();
    };
    let report = match command {
        FleetCommand::Upgrade(target) => fleet.upgrade(target, options, &mut on_event)?,
        FleetCommand::Downgrade(target) => fleet.downgrade(target, options, &mut on_event)?,
        FleetCommand::Current { .. } => fleet.current(options, &mut on_event)?,
        FleetCommand::Check => fleet.check(options, &mut on_event)?,
    };
    bar.clear();
    if let Some(e) = failed_write {
        return Err(e.into());
    }
    match format {
        Format::Json => {
            let json: Vec<ResultJson<'_>> = report
                .results
                .iter()
                .map(|r| ResultJson::new(r, command))
                .collect();
            serde_json::to_writer_pretty(&mut *out, &json)?;
            writeln!(out)?;
        }
        Format::Text => writeln!(out, "{}", summary(&report, command))?,
    }
    out.flush()?;
    verdict(&report, command)
}

/// The error (exit 1) unless every database succeeded.
fn verdict(report: &FleetReport, command: FleetCommand<'_>) -> anyhow::Result<()> {
    let total = report.results.len();
    let failed = report.count(FleetStatus::Failed);
    let skipped = report.count(FleetStatus::Skipped);
    if let FleetCommand::Current { check_heads: true } = command {
        let behind = report
            .results
            .iter()
            .filter(|r| r.at_head == Some(false))
            .count();
        if behind > 0 {
            anyhow::bail!(
                "{behind} of {total} database(s) are not on all head revisions; run `retort upgrade --fleet ...`"
            );
        }
    }
    if failed == 0 && skipped == 0 {
        return Ok(());
    }
    if let FleetCommand::Check = command {
        anyhow::bail!(
            "new upgrade operations detected in {failed} of {total} database(s); run `retort migrate -m \"...\"` to write them as a revision"
        );
    }
    let mut text = format!("{failed} of {total} database(s) failed");
    if skipped > 0 {
        text.push_str(&format!(
            " and {skipped} were not attempted (--continue-on-error goes on after a failure)"
        ));
    }
    text.push_str("; fix the failure and run the same command again: the databases already done have nothing to do");
    anyhow::bail!(text)
}

/// `base`, or the revisions joined.
fn rows(rows: &[retort_core::RevisionId]) -> String {
    match rows.is_empty() {
        true => "base".to_owned(),
        false => rows
            .iter()
            .map(|r| r.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn revisions(n: usize) -> String {
    match n {
        1 => "1 revision".to_owned(),
        n => format!("{n} revisions"),
    }
}

/// One database's result line (`ok tenant_7: 3 revisions (base -> c3) in
/// 120 ms`).
fn line(r: &FleetResult, command: FleetCommand<'_>) -> String {
    let name = &r.member.name;
    let ms = r.elapsed.as_millis();
    let after = r.after.as_deref().map(rows).unwrap_or_default();
    match r.status {
        FleetStatus::Skipped => format!("skipped {name}: not attempted"),
        FleetStatus::Failed => {
            let error = r.error.as_deref().unwrap_or("failed");
            match (r.steps.len(), &r.after) {
                (0, _) => format!("failed {name}: {error}"),
                (n, Some(_)) => format!(
                    "failed {name}: {} ran (now at {after}), then: {error}",
                    revisions(n)
                ),
                (n, None) => format!("failed {name}: {} ran, then: {error}", revisions(n)),
            }
        }
        FleetStatus::Ok => match command {
            FleetCommand::Upgrade(_) | FleetCommand::Downgrade(_) if r.steps.is_empty() => {
                match (command, r.at_head) {
                    (FleetCommand::Upgrade(_), Some(true)) => {
                        format!("ok {name}: already at head ({after}) in {ms} ms")
                    }
                    _ => format!("ok {name}: nothing to do, at {after} in {ms} ms"),
                }
            }
            FleetCommand::Upgrade(_) | FleetCommand::Downgrade(_) => {
                let before = r.before.as_deref().map(rows).unwrap_or_default();
                format!(
                    "ok {name}: {} ({before} -> {after}) in {ms} ms",
                    revisions(r.steps.len())
                )
            }
            FleetCommand::Current { .. } => match r.at_head {
                Some(true) => format!("ok {name}: {after} (head)"),
                _ => format!("ok {name}: {after}"),
            },
            FleetCommand::Check => format!("ok {name}: no changes in {ms} ms"),
        },
    }
}

/// The last line: how many databases ended how.
fn summary(report: &FleetReport, command: FleetCommand<'_>) -> String {
    let total = report.results.len();
    let ok = report.count(FleetStatus::Ok);
    let mut text = format!("{total} database(s): {ok} ok");
    let idle = report.results.iter().filter(|r| r.nothing_to_do()).count();
    match command {
        FleetCommand::Upgrade(_) | FleetCommand::Downgrade(_) => {
            text.push_str(&format!(" ({idle} with nothing to do)"))
        }
        FleetCommand::Current { .. } => {
            let heads = report
                .results
                .iter()
                .filter(|r| r.at_head == Some(true))
                .count();
            text.push_str(&format!(" ({heads} at head)"))
        }
        FleetCommand::Check => {}
    }
    text.push_str(&format!(
        ", {} failed, {} not attempted",
        report.count(FleetStatus::Failed),
        report.count(FleetStatus::Skipped)
    ));
    text
}

/// One database in `--fleet ... --format json` (docs/json-output.md).
#[derive(Serialize)]
struct ResultJson<'a> {
    name: &'a str,
    url: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    database: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    schema: Option<&'a str>,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    before: Option<Vec<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    after: Option<Vec<&'a str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    at_head: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    steps: Option<Vec<StepJson<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    changes: Option<&'a [PendingChange]>,
    elapsed_ms: u128,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
}

#[derive(Serialize)]
struct StepJson<'a> {
    revision: &'a str,
    step: String,
    message: &'a str,
    elapsed_ms: u128,
}

impl<'a> ResultJson<'a> {
    fn new(r: &'a FleetResult, command: FleetCommand<'_>) -> ResultJson<'a> {
        let ids = |rows: &'a Option<Vec<retort_core::RevisionId>>| {
            rows.as_ref()
                .map(|rows| rows.iter().map(|r| r.as_str()).collect())
        };
        let attempted = r.status != FleetStatus::Skipped;
        let runs = matches!(
            command,
            FleetCommand::Upgrade(_) | FleetCommand::Downgrade(_)
        );
        ResultJson {
            name: &r.member.name,
            url: r.member.url.to_string(),
            database: r.member.database(),
            schema: r.member.schema.as_deref(),
            status: r.status.as_str(),
            before: ids(&r.before),
            after: ids(&r.after),
            at_head: r.at_head,
            steps: (attempted && runs).then(|| {
                r.steps
                    .iter()
                    .map(|s| StepJson {
                        revision: s.step.revision.as_str(),
                        step: s.step.to_string(),
                        message: &s.message,
                        elapsed_ms: s.elapsed.as_millis(),
                    })
                    .collect()
            }),
            changes: (attempted && matches!(command, FleetCommand::Check))
                .then_some(r.changes.as_slice()),
            elapsed_ms: r.elapsed.as_millis(),
            error: r.error.as_deref(),
        }
    }
}

/// The progress on stderr: a bar redrawn in place on a terminal, a plain
/// line every few seconds otherwise; nothing with `-q`.
struct Bar {
    total: usize,
    done: usize,
    failed: usize,
    running: Vec<(usize, String)>,
    terminal: bool,
    quiet: bool,
    drawn: bool,
    last: Instant,
}

/// How often a plain progress line is printed when stderr is not a terminal.
const PLAIN_EVERY: Duration = Duration::from_secs(5);

impl Bar {
    fn new(total: usize, quiet: bool) -> Bar {
        Bar {
            total,
            done: 0,
            failed: 0,
            running: Vec::new(),
            terminal: std::io::stderr().is_terminal(),
            quiet,
            drawn: false,
            last: Instant::now(),
        }
    }

    fn event(&mut self, event: &FleetEvent<'_>) {
        match *event {
            FleetEvent::Started { index, member } => {
                self.running.push((index, member.name.clone()))
            }
            FleetEvent::Finished { index, result } => {
                self.running.retain(|(i, _)| *i != index);
                self.done += 1;
                if result.status != FleetStatus::Ok {
                    self.failed += 1;
                }
            }
        }
    }

    fn status(&self) -> String {
        let mut names: Vec<&str> = self.running.iter().map(|(_, n)| n.as_str()).collect();
        let more = names.len().saturating_sub(4);
        names.truncate(4);
        let mut text = format!("{}/{} done, {} failed", self.done, self.total, self.failed);
        if !names.is_empty() {
            text.push_str(&format!(", running {}", names.join(", ")));
            if more > 0 {
                text.push_str(&format!(" and {more} more"));
            }
        }
        text
    }

    fn draw(&mut self) {
        if self.quiet {
            return;
        }
        if self.terminal {
            const WIDTH: usize = 24;
            let filled = (self.done * WIDTH).checked_div(self.total).unwrap_or(WIDTH);
            // Short enough for an 80-column terminal: a wrapped line
            // would not be redrawn in place.
            let mut status = self.status();
            if status.chars().count() > 52 {
                status = status.chars().take(51).collect::<String>() + "…";
            }
            eprint!(
                "\r\x1b[K[{}{}] {status}",
                "#".repeat(filled),
                "-".repeat(WIDTH - filled),
            );
            self.drawn = true;
        } else if self.last.elapsed() >= PLAIN_EVERY && self.done < self.total {
            eprintln!("fleet: {}", self.status());
            self.last = Instant::now();
        }
    }

    fn clear(&mut self) {
        if self.drawn {
            eprint!("\r\x1b[K");
            self.drawn = false;
        }
    }
}
