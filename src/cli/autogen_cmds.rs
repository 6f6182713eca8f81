//! Autogenerate's `check` (`migrate` is `revision --autogenerate`, in
//! `script_cmds`).

use std::io::Write;

use anyhow::bail;
use clap::Args;

use super::Format;
use super::fleet_cmds::{self, FleetArgs, FleetCommand};
use crate::api::Retort;

/// `retort check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
    /// Run on many databases (see docs/fleet.md).
    #[command(flatten)]
    pub fleet: FleetArgs,
}

/// `retort check`: exit 0 when the databases match their models; else list
/// the pending changes and exit 1. Writes nothing.
pub fn check(r: &Retort, args: &CheckArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    if let Some(source) = &args.fleet.fleet {
        return fleet_cmds::run(
            r,
            source,
            &args.fleet,
            FleetCommand::Check,
            args.format,
            out,
        );
    }
    let pending = r.check()?;
    if args.format == Format::Json {
        serde_json::to_writer_pretty(&mut *out, &pending)?;
        writeln!(out)?;
    } else if pending.is_empty() {
        writeln!(out, "No new upgrade operations detected.")?;
    } else {
        for p in &pending {
            match &p.database {
                Some(db) => writeln!(out, "[{db}] {}", p.change)?,
                None => writeln!(out, "{}", p.change)?,
            }
        }
    }
    if !pending.is_empty() {
        bail!(
            "new upgrade operations detected ({} change(s)); run `retort migrate -m \"...\"` to write them as a revision",
            pending.len()
        );
    }
    Ok(())
}
