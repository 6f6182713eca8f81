//! A revision: one node of the revision graph, as read from one file.
//!
//! [`Revision`] holds what the graph needs (id, parents, labels, dependencies)
//! and what the commands show (message, date, path). The operations stay
//! opaque [`Operations`] data in this layer: they are kept and written back
//! faithfully, and only their `op` names are checked.

use std::borrow::Borrow;
use std::fmt;
use std::path::PathBuf;

/// The identifier of a revision: the file's own `revision` key.
///
/// New ids are 12 lowercase hex characters ([`RevisionId::generate`]), but any
/// non-empty string without whitespace, `@`, `:` or `,` is accepted, as Alembic
/// accepts any string.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RevisionId(String);

impl RevisionId {
    /// Wraps a string as an id without checking it (use [`RevisionId::parse`]
    /// for user input).
    pub fn new(id: impl Into<String>) -> Self {
        RevisionId(id.into())
    }

    /// Checks that `id` can name a revision: non-empty, no whitespace and none
    /// of the characters that revision expressions give a meaning (`@ : , + -`
    /// at the start). Returns the reason when it cannot.
    pub fn parse(id: &str) -> Result<Self, String> {
        if id.is_empty() {
            return Err("a revision id cannot be empty".into());
        }
        if let Some(c) = id
            .chars()
            .find(|c| c.is_whitespace() || matches!(c, '@' | ':' | ',' | '"' | '\'' | '/' | '\\'))
        {
            return Err(format!(
                "revision id {id:?} contains {c:?}; use letters, digits, '_' or '-'"
            ));
        }
        if id.starts_with(['+', '-']) {
            return Err(format!(
                "revision id {id:?} starts with {:?}, which reads as a relative step",
                &id[..1]
            ));
        }
        if matches!(id, "head" | "heads" | "base") {
            return Err(format!(
                "{id:?} is a reserved word and cannot be a revision id"
            ));
        }
        Ok(RevisionId(id.to_owned()))
    }

    /// A fresh random id: 12 lowercase hex characters, as Alembic makes them.
    pub fn generate() -> Self {
        let mut bytes = [0u8; 6];
        // The OS random source failing is not something a user can act on;
        // fall back to the clock so a new revision can still be written.
        if getrandom::fill(&mut bytes).is_err() {
            let nanos = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or_default();
            bytes.copy_from_slice(&nanos.to_le_bytes()[..6]);
        }
        RevisionId(bytes.iter().map(|b| format!("{b:02x}")).collect())
    }

    /// The id as a string slice.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for RevisionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for RevisionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", self.0)
    }
}

impl std::ops::Deref for RevisionId {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for RevisionId {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl From<&str> for RevisionId {
    fn from(s: &str) -> Self {
        RevisionId(s.to_owned())
    }
}

/// One revision, as declared by its file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Revision {
    /// The revision's id (the file's `revision` key).
    pub id: RevisionId,
    /// Parents (`down_revision`): none for a base, several for a merge point.
    pub down_revisions: Vec<RevisionId>,
    /// Labels declared on this revision (`branch_labels`). The graph extends
    /// each label along its branch, as Alembic does.
    pub branch_labels: Vec<String>,
    /// Dependencies (`depends_on`) as written: ids, unique id prefixes or
    /// branch labels. The graph resolves them to ids.
    pub depends_on: Vec<String>,
    /// The one-line message (`message`); empty when absent.
    pub message: String,
    /// The creation date as written in the file (`create_date`).
    pub create_date: Option<String>,
    /// Where the revision was read from (empty for revisions built in code).
    pub path: PathBuf,
    /// The `upgrade` operations, kept as written.
    pub upgrade: Operations,
    /// The `downgrade` operations, kept as written.
    pub downgrade: Operations,
    /// A checksum of the file's bytes ([`crate::script::checksum`]), when
    /// the whole file was read; recorded with each run of the revision.
    pub checksum: Option<String>,
    /// The `retort lint` rules a comment of the file allows
    /// (`# retort-lint: allow drop-column -- reason`), with the line of
    /// each (read with the whole file only).
    pub lint_allow: Vec<(String, usize)>,
}

impl Revision {
    /// A revision with just an id and parents: the shape graph tests need.
    pub fn new(id: &str, down_revisions: &[&str]) -> Self {
        Revision {
            id: RevisionId::new(id),
            down_revisions: down_revisions.iter().map(|d| RevisionId::new(*d)).collect(),
            ..Revision::default()
        }
    }

    /// Adds branch labels (builder style, for tests and library users).
    pub fn with_labels(mut self, labels: &[&str]) -> Self {
        self.branch_labels = labels.iter().map(|l| l.to_string()).collect();
        self
    }

    /// Adds `depends_on` entries (builder style, for tests and library users).
    pub fn with_depends_on(mut self, deps: &[&str]) -> Self {
        self.depends_on = deps.iter().map(|d| d.to_string()).collect();
        self
    }

    /// True when the revision has no parent.
    pub fn is_base(&self) -> bool {
        self.down_revisions.is_empty()
    }

    /// True when the revision joins several parents.
    pub fn is_merge_point(&self) -> bool {
        self.down_revisions.len() > 1
    }
}

/// The operations of one direction of a revision, opaque in this layer.
///
/// Single-database projects write `[[upgrade]]` (a list); multi-database
/// projects write `[[upgrade.<name>]]` (a list per database).
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Operations {
    /// No operations were written.
    #[default]
    None,
    /// `[[upgrade]]`: one list of operation tables.
    List(Vec<toml::Table>),
    /// `[[upgrade.<name>]]`: a list of operation tables per database, in file order.
    PerDatabase(Vec<(String, Vec<toml::Table>)>),
}

impl Operations {
    /// True when no operation is written.
    pub fn is_empty(&self) -> bool {
        match self {
            Operations::None => true,
            Operations::List(ops) => ops.is_empty(),
            Operations::PerDatabase(dbs) => dbs.iter().all(|(_, ops)| ops.is_empty()),
        }
    }

    /// How many operations there are, over all databases.
    pub fn len(&self) -> usize {
        match self {
            Operations::None => 0,
            Operations::List(ops) => ops.len(),
            Operations::PerDatabase(dbs) => dbs.iter().map(|(_, ops)| ops.len()).sum(),
        }
    }
}

/// The operation names of SPEC section 3.1; any other `op` is an error.
pub const OPERATION_NAMES: &[&str] = &[
    "create_table",
    "drop_table",
    "rename_table",
    "add_column",
    "drop_column",
    "alter_column",
    "create_index",
    "drop_index",
    "create_unique_constraint",
    "create_foreign_key",
    "create_check_constraint",
    "create_primary_key",
    "drop_constraint",
    "create_table_comment",
    "drop_table_comment",
    "alter_table_options",
    "execute",
    "bulk_insert",
    "batch_alter_table",
    "create_enum",
    "drop_enum",
    "add_enum_value",
    "drop_enum_value",
    "create_view",
    "drop_view",
    "replace_view",
    "create_materialized_view",
    "drop_materialized_view",
    "create_trigger",
    "drop_trigger",
    "create_function",
    "drop_function",
    "replace_function",
    "create_procedure",
    "drop_procedure",
    "replace_procedure",
    "create_aggregate",
    "drop_aggregate",
    "create_sequence",
    "drop_sequence",
    "create_domain",
    "drop_domain",
    "create_extension",
    "drop_extension",
    "create_virtual_table",
    "drop_virtual_table",
];
