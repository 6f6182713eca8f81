//! Commands that read the revision graph: `heads`, `branches`, `history`
//! and `show`. Each prints Alembic's text, or JSON with `--format json`.

use std::io::Write;

use anyhow::bail;
use clap::Args;
use retort_core::Revision;

use super::output::{LineParts, Printer};
use super::project::Project;
use super::{Format, GlobalOptions};
use retort_core::script::Depth;

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
    #[arg(short = 'r', long = "rev-range", value_name = "RANGE")]
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
    /// A revision expression.
    #[arg(value_name = "REV")]
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
pub fn heads(g: &GlobalOptions, args: &HeadsArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let dir = Project::from_options(g).load(Depth::Header)?;
    let p = Printer::new(&dir.graph);
    let heads = if args.resolve_dependencies {
        dir.graph.heads_resolving_dependencies()
    } else {
        dir.graph.heads()
    };
    if args.format == Format::Json {
        return print_json(out, &heads.iter().map(|r| p.json(r)).collect::<Vec<_>>());
    }
    let parts = LineParts {
        branches: true,
        ..LineParts::default()
    };
    for rev in heads {
        if args.verbose {
            writeln!(out, "{}", p.entry(rev))?;
        } else {
            writeln!(out, "{}", p.line(rev, parts))?;
        }
    }
    Ok(())
}

/// `retort branches`: each branch point and the revisions it branches into.
pub fn branches(g: &GlobalOptions, args: &BranchesArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let dir = Project::from_options(g).load(Depth::Header)?;
    let p = Printer::new(&dir.graph);
    let points: Vec<&Revision> = dir
        .graph
        .history(None)?
        .into_iter()
        .filter(|r| dir.graph.is_branch_point(&r.id))
        .collect();
    if args.format == Format::Json {
        return print_json(out, &points.iter().map(|r| p.json(r)).collect::<Vec<_>>());
    }
    for rev in points {
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
        for child in dir.graph.children(&rev.id) {
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
pub fn history(g: &GlobalOptions, args: &HistoryArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    if let Some(range) = &args.rev_range
        && !range.contains(':')
    {
        bail!("history range requires [start]:[end], [start]:, or :[end]; got {range:?}");
    }
    let dir = Project::from_options(g).load(Depth::Header)?;
    let mut p = Printer::new(&dir.graph);
    if args.indicate_current {
        p = p.with_current(&super::db_cmds::all_current(g, &dir)?);
    }
    let revisions = dir.graph.history(args.rev_range.as_deref())?;
    if args.format == Format::Json {
        return print_json(
            out,
            &revisions.iter().map(|r| p.json(r)).collect::<Vec<_>>(),
        );
    }
    let parts = LineParts {
        branches: true,
        doc: true,
        parents: true,
        tree: true,
    };
    for rev in revisions {
        if args.verbose {
            writeln!(out, "{}", p.entry(rev))?;
        } else {
            writeln!(out, "{}", p.line(rev, parts))?;
        }
    }
    Ok(())
}

/// `retort show REV`: the full entry of each revision the expression names.
pub fn show(g: &GlobalOptions, args: &ShowArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let dir = Project::from_options(g).load(Depth::Header)?;
    let p = Printer::new(&dir.graph);
    // `base` names no revision: like Alembic, show nothing (`[]` in JSON).
    let revisions = dir.graph.resolve(&args.revision)?;
    if args.format == Format::Json {
        return match revisions.as_slice() {
            [one] => print_json(out, &p.json(one)),
            many => print_json(out, &many.iter().map(|r| p.json(r)).collect::<Vec<_>>()),
        };
    }
    for rev in revisions {
        writeln!(out, "{}", p.entry(rev))?;
    }
    Ok(())
}
