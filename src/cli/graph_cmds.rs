//! Commands that read the revision graph: `heads`, `branches`, `history`
//! and `show`. Each prints Alembic's text, or JSON with `--format json`.

use std::io::Write;

use clap::Args;

use super::Format;
use super::output::{LineParts, Printer};
use crate::api::Retort;

/// `retort heads`.
#[derive(Debug, Args)]
pub struct HeadsArgs {
    /// Show each head's full entry.
    #[arg(short = 'v', long)]
    pub verbose: bool,
    /// Treat `depends_on` as parents when deciding what is a head.
    #[arg(long = "resolve-dependencies")]
    pub resolve_dependencies: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `retort branches`.
#[derive(Debug, Args)]
pub struct BranchesArgs {
    /// Show each branch point's full entry.
    #[arg(short = 'v', long)]
    pub verbose: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `retort history`.
#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// The range to show: `[start]:[end]`.
    #[arg(
        short = 'r',
        long = "rev-range",
        value_name = "RANGE",
        allow_hyphen_values = true
    )]
    pub rev_range: Option<String>,
    /// Show each revision's full entry.
    #[arg(short = 'v', long)]
    pub verbose: bool,
    /// Mark the revisions the database is at with (current).
    #[arg(short = 'i', long = "indicate-current")]
    pub indicate_current: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

/// `retort show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A revision expression (`current`: what the database is at).
    #[arg(value_name = "REV", allow_negative_numbers = true)]
    pub revision: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: Format,
}

fn print_json(out: &mut dyn Write, value: &impl serde::Serialize) -> anyhow::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

/// `retort heads`: the heads of the graph, as Alembic lists them.
pub fn heads(r: &Retort, args: &HeadsArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let heads = r.heads(args.resolve_dependencies)?;
    let p = Printer::new(heads.graph());
    if args.format == Format::Json {
        return print_json(
            out,
            &heads.revisions().map(|r| p.json(r)).collect::<Vec<_>>(),
        );
    }
    let parts = LineParts {
        branches: true,
        ..LineParts::default()
    };
    for rev in heads.revisions() {
        if args.verbose {
            writeln!(out, "{}", p.entry(rev))?;
        } else {
            writeln!(out, "{}", p.line(rev, parts))?;
        }
    }
    Ok(())
}

/// `retort branches`: each branch point and the revisions it branches into.
pub fn branches(r: &Retort, args: &BranchesArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let points = r.branches()?;
    let graph = points.graph();
    let p = Printer::new(graph);
    if args.format == Format::Json {
        return print_json(
            out,
            &points.revisions().map(|r| p.json(r)).collect::<Vec<_>>(),
        );
    }
    for rev in points.revisions() {
        let head = if args.verbose {
            p.entry(rev)
        } else {
            p.line(
                rev,
                LineParts {
                    branches: true,
                    tree: true,
                    ..LineParts::default()
                },
            )
        };
        writeln!(out, "{head}")?;
        let pad = " ".repeat(rev.id.len());
        for child in graph.children(&rev.id) {
            let parts = LineParts {
                branches: true,
                doc: args.verbose,
                tree: true,
                ..LineParts::default()
            };
            writeln!(out, "{pad} -> {}", p.line(child, parts))?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// `retort history`: revisions newest first, optionally within a range.
pub fn history(r: &Retort, args: &HistoryArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let revisions = r.history(args.rev_range.as_deref(), args.indicate_current)?;
    let p = Printer::new(revisions.graph()).with_current(revisions.current());
    if args.format == Format::Json {
        return print_json(
            out,
            &revisions.revisions().map(|r| p.json(r)).collect::<Vec<_>>(),
        );
    }
    let parts = LineParts {
        branches: true,
        doc: true,
        parents: true,
        tree: true,
    };
    for rev in revisions.revisions() {
        if args.verbose {
            writeln!(out, "{}", p.entry(rev))?;
        } else {
            writeln!(out, "{}", p.line(rev, parts))?;
        }
    }
    Ok(())
}

/// `retort show REV`: the full entry of each revision the expression names.
pub fn show(r: &Retort, args: &ShowArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    // `base` names no revision: like Alembic, show nothing (`[]` in JSON).
    let revisions = r.show(&args.revision)?;
    let p = Printer::new(revisions.graph());
    if args.format == Format::Json {
        // Always an array, whether the expression names one revision,
        // several or none.
        return print_json(
            out,
            &revisions.revisions().map(|r| p.json(r)).collect::<Vec<_>>(),
        );
    }
    for rev in revisions.revisions() {
        writeln!(out, "{}", p.entry(rev))?;
    }
    Ok(())
}
