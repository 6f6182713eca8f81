//! Schema objects beyond tables: views, materialized views, triggers,
//! functions, procedures, sequences, domains, extensions and (SQLite)
//! virtual tables.
//!
//! They are kept as the database reports them: each object is its identity
//! (kind, schema, name, the table of a trigger, the argument types of a
//! routine) and its `definition`, the full executable `CREATE ...`
//! statement read back from the catalog (PostgreSQL's `pg_get_viewdef`,
//! `pg_get_triggerdef`, `pg_get_functiondef`; MySQL's `information_schema`;
//! SQLite's `sqlite_master.sql`). Comparing two objects is comparing their
//! definitions as text, which holds because both sides of autogenerate are
//! read back by the same inspector from the same kind of server.

use std::fmt;

/// What kind of object a [`SchemaObject`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum ObjectKind {
    /// `CREATE VIEW` (all databases).
    View,
    /// `CREATE MATERIALIZED VIEW` (PostgreSQL).
    MaterializedView,
    /// `CREATE TRIGGER` (all databases); it belongs to a table.
    Trigger,
    /// `CREATE FUNCTION` (PostgreSQL, MySQL/MariaDB).
    Function,
    /// `CREATE PROCEDURE` (PostgreSQL, MySQL/MariaDB).
    Procedure,
    /// `CREATE AGGREGATE` (PostgreSQL): identified, like a function, by its
    /// argument types.
    Aggregate,
    /// A standalone `CREATE SEQUENCE` (PostgreSQL); a sequence owned by a
    /// column (serial, identity) belongs to the column and is not one.
    Sequence,
    /// `CREATE DOMAIN` (PostgreSQL).
    Domain,
    /// `CREATE EXTENSION` (PostgreSQL; `plpgsql` is built in and never one).
    Extension,
    /// `CREATE VIRTUAL TABLE ... USING module(...)` (SQLite: full-text
    /// search with `fts5`/`fts4`, `rtree`, ...). Its rows and columns
    /// belong to its module, so it is kept as its statement, like a view;
    /// the shadow tables the module makes for it are part of it.
    VirtualTable,
}

impl ObjectKind {
    /// Every kind, in the order the diff creates them when nothing else
    /// decides: what tables may use first, then what uses tables.
    pub const ALL: [ObjectKind; 10] = [
        ObjectKind::Extension,
        ObjectKind::Domain,
        ObjectKind::Sequence,
        ObjectKind::Function,
        ObjectKind::Procedure,
        ObjectKind::Aggregate,
        ObjectKind::VirtualTable,
        ObjectKind::View,
        ObjectKind::MaterializedView,
        ObjectKind::Trigger,
    ];

    /// The kind's name in operation names (`create_<name>`): `view`,
    /// `materialized_view`, `trigger`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::View => "view",
            ObjectKind::MaterializedView => "materialized_view",
            ObjectKind::Trigger => "trigger",
            ObjectKind::Function => "function",
            ObjectKind::Procedure => "procedure",
            ObjectKind::Aggregate => "aggregate",
            ObjectKind::Sequence => "sequence",
            ObjectKind::Domain => "domain",
            ObjectKind::Extension => "extension",
            ObjectKind::VirtualTable => "virtual_table",
        }
    }

    /// The kind named `name` (as [`ObjectKind::as_str`] spells it).
    pub fn parse(name: &str) -> Option<ObjectKind> {
        ObjectKind::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The SQL words naming the kind (`MATERIALIZED VIEW`).
    pub fn sql_keyword(self) -> &'static str {
        match self {
            ObjectKind::View => "VIEW",
            ObjectKind::MaterializedView => "MATERIALIZED VIEW",
            ObjectKind::Trigger => "TRIGGER",
            ObjectKind::Function => "FUNCTION",
            ObjectKind::Procedure => "PROCEDURE",
            ObjectKind::Aggregate => "AGGREGATE",
            ObjectKind::Sequence => "SEQUENCE",
            ObjectKind::Domain => "DOMAIN",
            ObjectKind::Extension => "EXTENSION",
            ObjectKind::VirtualTable => "VIRTUAL TABLE",
        }
    }

    /// The SQL words `DROP` takes for the kind: [`ObjectKind::sql_keyword`],
    /// but `TABLE` for a virtual table (`DROP TABLE` drops it with its
    /// shadow tables).
    pub fn drop_keyword(self) -> &'static str {
        match self {
            ObjectKind::VirtualTable => "TABLE",
            other => other.sql_keyword(),
        }
    }

    /// Tables may depend on objects of this kind (a column typed with a
    /// domain, a default calling `nextval` of a sequence), so they are
    /// created before tables and dropped after; the other kinds depend on
    /// tables and go the other way round.
    pub fn precedes_tables(self) -> bool {
        matches!(
            self,
            ObjectKind::Extension | ObjectKind::Domain | ObjectKind::Sequence
        )
    }

    /// Routines are identified by their argument types as well as their name.
    pub fn is_routine(self) -> bool {
        matches!(
            self,
            ObjectKind::Function | ObjectKind::Procedure | ObjectKind::Aggregate
        )
    }
}

impl fmt::Display for ObjectKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What identifies an object: two objects with the same identity are the
/// same object, compared by definition.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ObjectId {
    /// The object's kind.
    pub kind: ObjectKind,
    /// The object's schema, when not the default one.
    pub schema: Option<String>,
    /// The object's name (without arguments).
    pub name: String,
    /// A routine's argument types as the database lists them
    /// (`integer, text`; PostgreSQL, where routines overload); `None`
    /// elsewhere.
    pub arguments: Option<String>,
    /// The table a trigger belongs to; `None` for other kinds.
    pub table: Option<String>,
}

impl fmt::Display for ObjectId {
    /// `view "v"`, `function "f"(integer)`, `trigger "t" on "tab"`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ", self.kind)?;
        if let Some(s) = &self.schema {
            write!(f, "{s}.")?;
        }
        f.write_str(&self.name)?;
        if let Some(a) = &self.arguments {
            write!(f, "({a})")?;
        }
        if let Some(t) = &self.table {
            write!(f, " on {t}")?;
        }
        Ok(())
    }
}

/// One object and its definition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchemaObject {
    /// What identifies it.
    pub id: ObjectId,
    /// The full executable `CREATE ...` statement, as the database reports
    /// it (without a trailing `;`).
    pub definition: String,
    /// A view's output columns with their types (`id integer, n text`), as
    /// the database lists them, where the inspector reads them: whether
    /// `CREATE OR REPLACE VIEW` can redefine the view depends on them.
    /// Not part of operations; `None` when unknown.
    pub columns: Option<String>,
}

impl SchemaObject {
    /// An object of `kind` named `name` with `definition`, in the default
    /// schema, with no table and no arguments.
    pub fn new(kind: ObjectKind, name: impl Into<String>, definition: impl Into<String>) -> Self {
        SchemaObject {
            id: ObjectId {
                kind,
                schema: None,
                name: name.into(),
                arguments: None,
                table: None,
            },
            definition: definition.into(),
            columns: None,
        }
    }

    /// Builder: the trigger's table.
    pub fn on_table(mut self, table: impl Into<String>) -> Self {
        self.id.table = Some(table.into());
        self
    }

    /// Builder: the routine's argument types.
    pub fn with_arguments(mut self, arguments: impl Into<String>) -> Self {
        self.id.arguments = Some(arguments.into());
        self
    }

    /// Builder: a view's output columns.
    pub fn with_columns(mut self, columns: impl Into<String>) -> Self {
        self.columns = Some(columns.into());
        self
    }

    /// The object's kind.
    pub fn kind(&self) -> ObjectKind {
        self.id.kind
    }
}
