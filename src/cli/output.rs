//! How revisions are printed: Alembic's one-line and verbose (`log_entry`)
//! forms, and the JSON objects of `--format json`.

use std::collections::HashSet;

use retort_core::{Revision, RevisionGraph};
use serde::Serialize;

/// Prints revisions of one graph; knows which revisions something depends
/// on, to tell a real head from an effective one.
pub struct Printer<'g> {
    graph: &'g RevisionGraph,
    depended_on: HashSet<&'g str>,
    current: HashSet<String>,
}

/// Which parts of the one-line form to show (Alembic's `_head_only` flags).
#[derive(Clone, Copy, Default)]
pub struct LineParts {
    /// `(label, ...)` after the id.
    pub branches: bool,
    /// `, message` at the end.
    pub doc: bool,
    /// `parent -> ` before the id.
    pub parents: bool,
    /// `(branchpoint)` / `(mergepoint)`.
    pub tree: bool,
}

/// One revision in `--format json` (`heads`, `branches`, `history`,
/// `show`, `current`; docs/json-output.md). A field that does not apply is
/// left out, never `null`; lists are always there, empty when empty.
#[derive(Serialize)]
pub struct RevisionJson<'a> {
    revision: &'a str,
    down_revisions: Vec<&'a str>,
    branch_labels: Vec<&'a str>,
    depends_on: Vec<&'a str>,
    message: &'a str,
    /// The file's `create_date`, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    create_date: Option<&'a str>,
    path: String,
    is_head: bool,
    is_branch_point: bool,
    is_merge_point: bool,
    /// The database (`current` in a multi-database project).
    #[serde(skip_serializing_if = "Option::is_none")]
    database: Option<&'a str>,
    /// `current`: a revision an interrupted run left unfinished.
    #[serde(skip_serializing_if = "Option::is_none")]
    interrupted: Option<InterruptedJson>,
}

/// How far an interrupted run got in a revision (`current --format json`).
#[derive(Serialize)]
pub struct InterruptedJson {
    /// `upgrade` or `downgrade`.
    pub direction: String,
    /// How many of its statements ran.
    pub statements_run: u64,
    /// How many it has.
    pub statements: u64,
    /// `running`, or `failed` when what ran could not all be undone.
    pub state: &'static str,
}

impl<'a> RevisionJson<'a> {
    /// The same revision, said to be `database`'s.
    pub fn in_database(self, database: Option<&'a str>) -> Self {
        RevisionJson { database, ..self }
    }

    /// The same revision, left unfinished by an interrupted run.
    pub fn interrupted(self, interrupted: InterruptedJson) -> Self {
        RevisionJson {
            interrupted: Some(interrupted),
            ..self
        }
    }
}

impl<'g> Printer<'g> {
    /// A printer for `graph`.
    pub fn new(graph: &'g RevisionGraph) -> Self {
        let depended_on = graph
            .revisions()
            .flat_map(|r| graph.dependencies(&r.id))
            .map(|d| d.id.as_str())
            .collect();
        Printer {
            graph,
            depended_on,
            current: HashSet::new(),
        }
    }

    /// Marks the revisions the database is at with `(current)`.
    pub fn with_current(mut self, rows: &[retort_core::RevisionId]) -> Self {
        self.current = rows.iter().map(|r| r.to_string()).collect();
        self
    }

    fn parents(rev: &Revision) -> String {
        if rev.down_revisions.is_empty() {
            "<base>".to_owned()
        } else {
            comma(rev.down_revisions.iter().map(|d| d.as_str()))
        }
    }

    /// The one-line form: `parent -> id (labels) (head), message`.
    pub fn line(&self, rev: &Revision, parts: LineParts) -> String {
        let mut text = rev.id.to_string();
        if parts.parents {
            // `depends_on` as written (labels stay labels), as Alembic.
            text = if rev.depends_on.is_empty() {
                format!("{} -> {text}", Self::parents(rev))
            } else {
                format!(
                    "{} ({}) -> {text}",
                    Self::parents(rev),
                    comma(rev.depends_on.iter().map(String::as_str))
                )
            };
        }
        let labels = self.graph.branch_labels(&rev.id);
        if parts.branches && !labels.is_empty() {
            text.push_str(&format!(" ({})", comma(labels.iter().copied())));
        }
        let is_head = self.graph.is_head(&rev.id);
        if is_head && !self.depended_on.contains(rev.id.as_str()) {
            text.push_str(" (head)");
        } else if is_head {
            text.push_str(" (effective head)");
        }
        if self.current.contains(rev.id.as_str()) {
            text.push_str(" (current)");
        }
        if parts.tree {
            if self.graph.is_branch_point(&rev.id) {
                text.push_str(" (branchpoint)");
            }
            if rev.is_merge_point() {
                text.push_str(" (mergepoint)");
            }
        }
        if parts.doc {
            text.push_str(&format!(", {}", rev.message));
        }
        text
    }

    /// The verbose form (Alembic's `log_entry`), ending with a blank line.
    pub fn entry(&self, rev: &Revision) -> String {
        let mut e = format!("Rev: {}", rev.id);
        if self.graph.is_head(&rev.id) {
            e.push_str(" (head)");
        }
        if self.graph.is_branch_point(&rev.id) {
            e.push_str(" (branchpoint)");
        }
        if rev.is_merge_point() {
            e.push_str(" (mergepoint)");
        }
        if self.current.contains(rev.id.as_str()) {
            e.push_str(" (current)");
        }
        if rev.is_merge_point() {
            e.push_str(&format!("\nMerges: {}\n", Self::parents(rev)));
        } else {
            e.push_str(&format!("\nParent: {}\n", Self::parents(rev)));
        }
        if !rev.depends_on.is_empty() {
            e.push_str(&format!(
                "Also depends on: {}\n",
                comma(rev.depends_on.iter().map(String::as_str))
            ));
        }
        if self.graph.is_branch_point(&rev.id) {
            let children = self.graph.children(&rev.id);
            e.push_str(&format!(
                "Branches into: {}\n",
                comma(children.iter().map(|c| c.id.as_str()))
            ));
        }
        let labels = self.graph.branch_labels(&rev.id);
        if !labels.is_empty() {
            e.push_str(&format!(
                "Branch names: {}\n",
                comma(labels.iter().copied())
            ));
        }
        e.push_str(&format!("Path: {}\n\n", rev.path.display()));
        for line in long_doc(rev).lines() {
            e.push_str(&format!("    {line}\n"));
        }
        e
    }

    /// The JSON object of one revision.
    pub fn json(&self, rev: &'g Revision) -> RevisionJson<'g> {
        RevisionJson {
            revision: rev.id.as_str(),
            down_revisions: rev.down_revisions.iter().map(|d| d.as_str()).collect(),
            branch_labels: self.graph.branch_labels(&rev.id),
            depends_on: self
                .graph
                .dependencies(&rev.id)
                .iter()
                .map(|d| d.id.as_str())
                .collect(),
            message: &rev.message,
            create_date: rev.create_date.as_deref(),
            path: rev.path.display().to_string(),
            is_head: self.graph.is_head(&rev.id),
            is_branch_point: self.graph.is_branch_point(&rev.id),
            is_merge_point: rev.is_merge_point(),
            database: None,
            interrupted: None,
        }
    }
}

/// The revision's long description: the comment block at the top of its
/// file (as Alembic shows the module docstring), else its message.
fn long_doc(rev: &Revision) -> String {
    let text = std::fs::read_to_string(&rev.path).unwrap_or_default();
    let doc: Vec<&str> = text
        .lines()
        .take_while(|l| l.starts_with('#'))
        .map(|l| {
            l.trim_start_matches('#')
                .strip_prefix(' ')
                .unwrap_or(l.trim_start_matches('#'))
        })
        .collect();
    let doc = doc.join("\n");
    if doc.trim().is_empty() {
        rev.message.clone()
    } else {
        doc.trim().to_owned()
    }
}

/// Items joined with ", " (Alembic's `format_as_comma`).
pub fn comma<'a>(items: impl Iterator<Item = &'a str>) -> String {
    items.collect::<Vec<_>>().join(", ")
}
