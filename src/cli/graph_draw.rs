//! `retort graph`: the revision DAG as a terminal drawing (lanes, as `git
//! log --graph`), as Graphviz DOT, as Mermaid, or as JSON nodes and edges.
//!
//! Edges point from the older revision to the newer one, the way an upgrade
//! runs: from each `down_revision` to its child (solid), and from each
//! `depends_on` target to the revision that depends on it (dashed in DOT,
//! dotted in Mermaid, `kind: "depends_on"` in JSON, `⇢ depends on` in the
//! drawing). Only revisions within `-r` are drawn, with the edges between
//! them.

use std::collections::HashSet;
use std::io::Write;

use clap::{Args, ValueEnum};
use retort_core::graph::Glyphs;
use retort_core::{Revision, RevisionGraph};
use serde::Serialize;

use super::output::{LineParts, Printer, RevisionJson};
use crate::api::Retort;

/// `retort graph`.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// The range to draw: `[start]:[end]`, as `history -r`.
    #[arg(
        short = 'r',
        long = "rev-range",
        value_name = "RANGE",
        allow_hyphen_values = true
    )]
    pub rev_range: Option<String>,
    /// Mark the revisions the database is at (also when `--url` is given).
    #[arg(short = 'i', long = "indicate-current")]
    pub indicate_current: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    pub format: GraphFormat,
    /// Draw with plain ASCII characters instead of box-drawing ones.
    #[arg(long)]
    pub ascii: bool,
}

/// The formats of `retort graph`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
#[non_exhaustive]
pub enum GraphFormat {
    /// A drawing for the terminal, one revision per line, newest first.
    #[default]
    Text,
    /// Graphviz DOT (`retort graph --format dot | dot -Tsvg > graph.svg`).
    Dot,
    /// A Mermaid flowchart (renders in GitHub and GitLab Markdown).
    Mermaid,
    /// JSON: `{"nodes": [...], "edges": [...], "current": [...]}`.
    Json,
}

/// One edge of the graph, from the older revision to the newer.
#[derive(Serialize)]
struct EdgeJson<'a> {
    from: &'a str,
    to: &'a str,
    /// `down_revision` or `depends_on`.
    kind: &'static str,
}

#[derive(Serialize)]
struct GraphJson<'a> {
    nodes: Vec<RevisionJson<'a>>,
    edges: Vec<EdgeJson<'a>>,
    /// The revisions the database is at, when asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    current: Option<Vec<&'a str>>,
}

/// The edges between the drawn revisions, in drawing order.
fn edges<'a>(graph: &'a RevisionGraph, revisions: &[&'a Revision]) -> Vec<EdgeJson<'a>> {
    let shown: HashSet<&str> = revisions.iter().map(|r| r.id.as_str()).collect();
    let mut out = Vec::new();
    for rev in revisions {
        for parent in &rev.down_revisions {
            if shown.contains(parent.as_str()) {
                out.push(EdgeJson {
                    from: parent.as_str(),
                    to: rev.id.as_str(),
                    kind: "down_revision",
                });
            }
        }
        for dep in graph.dependencies(&rev.id) {
            if shown.contains(dep.id.as_str()) {
                out.push(EdgeJson {
                    from: dep.id.as_str(),
                    to: rev.id.as_str(),
                    kind: "depends_on",
                });
            }
        }
    }
    out
}

/// `retort graph`.
pub fn graph(r: &Retort, args: &GraphArgs, out: &mut dyn Write) -> anyhow::Result<()> {
    let mark = args.indicate_current || r.has_url();
    let list = r.history(args.rev_range.as_deref(), mark)?;
    let graph = list.graph();
    let revisions: Vec<&Revision> = list.revisions().collect();
    let current: Vec<&str> = list.current().iter().map(|c| c.as_str()).collect();
    let p = Printer::new(graph).with_current(list.current());
    match args.format {
        GraphFormat::Text => text(graph, &p, &revisions, &current, args.ascii, out),
        GraphFormat::Dot => dot(graph, &p, &revisions, &current, out),
        GraphFormat::Mermaid => mermaid(graph, &p, &revisions, &current, out),
        GraphFormat::Json => {
            let value = GraphJson {
                nodes: revisions.iter().map(|rev| p.json(rev)).collect(),
                edges: edges(graph, &revisions),
                current: mark.then_some(current),
            };
            serde_json::to_writer_pretty(&mut *out, &value)?;
            writeln!(out)?;
            Ok(())
        }
    }
}

/// The one-line text of a revision: `id (labels) (head) (current)
/// (branchpoint), message`.
fn label(p: &Printer, rev: &Revision) -> String {
    p.line(
        rev,
        LineParts {
            branches: true,
            doc: true,
            parents: false,
            tree: true,
        },
    )
}

fn text(
    graph: &RevisionGraph,
    p: &Printer,
    revisions: &[&Revision],
    current: &[&str],
    ascii: bool,
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    let glyphs = if ascii {
        Glyphs::Ascii
    } else {
        Glyphs::Unicode
    };
    let arrow = if ascii { "->" } else { "⇢" };
    for row in graph.draw(revisions, current, glyphs) {
        let Some(k) = row.revision else {
            writeln!(out, "{}", row.lanes)?;
            continue;
        };
        let rev = revisions[k];
        let mut line = format!("{} {}", row.lanes, label(p, rev));
        if !rev.depends_on.is_empty() {
            line.push_str(&format!(
                "  {arrow} depends on {}",
                rev.depends_on.join(", ")
            ));
        }
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// `text` as a double-quoted DOT string.
fn dot_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn dot(
    graph: &RevisionGraph,
    p: &Printer,
    revisions: &[&Revision],
    current: &[&str],
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    writeln!(out, "digraph revisions {{")?;
    writeln!(out, "  rankdir=BT;")?;
    writeln!(out, "  node [shape=box, fontname=\"monospace\"];")?;
    for rev in revisions {
        let mut attrs = vec![format!("label={}", dot_string(&label(p, rev)))];
        if graph.is_head(&rev.id) {
            attrs.push("peripheries=2".into());
        }
        if current.contains(&rev.id.as_str()) {
            attrs.push("style=filled, fillcolor=\"#c6efce\"".into());
        }
        writeln!(out, "  {} [{}];", dot_string(&rev.id), attrs.join(", "))?;
    }
    for e in edges(graph, revisions) {
        let style = match e.kind {
            "depends_on" => " [style=dashed, label=\"depends_on\"]",
            _ => "",
        };
        writeln!(
            out,
            "  {} -> {}{style};",
            dot_string(e.from),
            dot_string(e.to)
        )?;
    }
    writeln!(out, "}}")?;
    Ok(())
}

/// A Mermaid node id for a revision id: `r_` and the id's letters, digits
/// and underscores (other characters as `_XX` hex), so that no id collides
/// with a Mermaid keyword.
fn mermaid_id(id: &str) -> String {
    let mut out = String::from("r_");
    for c in id.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else {
            out.push_str(&format!("_{:x}_", c as u32));
        }
    }
    out
}

/// `text` inside a Mermaid `["..."]` label.
fn mermaid_text(text: &str) -> String {
    text.replace('&', "#amp;")
        .replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

fn mermaid(
    graph: &RevisionGraph,
    p: &Printer,
    revisions: &[&Revision],
    current: &[&str],
    out: &mut dyn Write,
) -> anyhow::Result<()> {
    writeln!(out, "flowchart BT")?;
    for rev in revisions {
        writeln!(
            out,
            "    {}[\"{}\"]",
            mermaid_id(&rev.id),
            mermaid_text(&label(p, rev))
        )?;
    }
    for e in edges(graph, revisions) {
        let arrow = match e.kind {
            "depends_on" => "-. depends_on .->",
            _ => "-->",
        };
        writeln!(
            out,
            "    {} {arrow} {}",
            mermaid_id(e.from),
            mermaid_id(e.to)
        )?;
    }
    let heads: Vec<String> = revisions
        .iter()
        .filter(|r| graph.is_head(&r.id))
        .map(|r| mermaid_id(&r.id))
        .collect();
    if !heads.is_empty() {
        writeln!(out, "    classDef head stroke-width:3px")?;
        writeln!(out, "    class {} head", heads.join(","))?;
    }
    let marked: Vec<String> = current.iter().map(|id| mermaid_id(id)).collect();
    let marked: Vec<String> = marked
        .into_iter()
        .filter(|m| revisions.iter().any(|r| mermaid_id(&r.id) == *m))
        .collect();
    if !marked.is_empty() {
        writeln!(out, "    classDef current fill:#c6efce")?;
        writeln!(out, "    class {} current", marked.join(","))?;
    }
    Ok(())
}
