//! Tables, their names and their columns.

use std::fmt;

use crate::schema::{CheckConstraint, ForeignKey, Index, OnConflict, PrimaryKey, UniqueConstraint};
use crate::types::ColumnType;

/// A table's name, optionally qualified by a schema (PostgreSQL schema,
/// MySQL database, SQLite attached database).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct TableName {
    /// The schema, when not the default one.
    pub schema: Option<String>,
    /// The table's own name, case preserved.
    pub name: String,
}

impl TableName {
    /// An unqualified name.
    pub fn new(name: impl Into<String>) -> Self {
        TableName {
            schema: None,
            name: name.into(),
        }
    }

    /// A name in `schema`.
    pub fn in_schema(schema: impl Into<String>, name: impl Into<String>) -> Self {
        TableName {
            schema: Some(schema.into()),
            name: name.into(),
        }
    }
}

impl fmt::Display for TableName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.schema {
            Some(s) => write!(f, "{s}.{}", self.name),
            None => f.write_str(&self.name),
        }
    }
}

/// One column of a table.
#[derive(Clone, Debug, PartialEq)]
pub struct Column {
    /// The column's name, case preserved.
    pub name: String,
    /// Its type.
    pub ty: ColumnType,
    /// Whether it accepts NULL (true unless said otherwise, as in Alembic).
    pub nullable: bool,
    /// Part of the primary key (a column-level `primary_key = true`).
    pub primary_key: bool,
    /// The server default as SQL text, rendered verbatim (`"''"`, `"0"`,
    /// `"CURRENT_TIMESTAMP"`).
    pub server_default: Option<String>,
    /// Has a single-column unique constraint.
    pub unique: bool,
    /// The column comment.
    pub comment: Option<String>,
    /// Auto-increment: `None` means SQLAlchemy's "auto" (a lone integer
    /// primary key auto-increments), `Some(false)` turns it off.
    pub autoincrement: Option<bool>,
    /// SQLite's `AUTOINCREMENT` keyword on the table's lone `INTEGER`
    /// primary key (SQLAlchemy's `sqlite_autoincrement`): the id of a
    /// deleted row is never given again, because SQLite keeps the highest
    /// id ever used in `sqlite_sequence`. Other databases ignore it: their
    /// auto-increment never reuses ids anyway.
    pub sqlite_autoincrement: bool,
    /// The collation its values compare and sort with (`NOCASE`, `C`,
    /// `utf8mb4_bin`), when not the database's default.
    pub collation: Option<String>,
    /// A generated (computed) column: its value always comes from an
    /// expression over the row's other columns, and is never written.
    pub generated: Option<Generated>,
    /// SQLite's `NOT NULL ON CONFLICT ...`: what a NULL written to this
    /// NOT NULL column does instead of failing the statement.
    pub not_null_on_conflict: Option<OnConflict>,
    /// MySQL's `ON UPDATE` expression (`current_timestamp()`): the value a
    /// `TIMESTAMP`/`DATETIME` column takes when its row is updated.
    pub on_update: Option<String>,
}

/// The definition of a generated column (`GENERATED ALWAYS AS (expression)
/// VIRTUAL | STORED`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Generated {
    /// The expression, as SQL text rendered verbatim (without the
    /// parentheses around it).
    pub expression: String,
    /// `STORED`: computed when the row is written and kept on disk;
    /// otherwise `VIRTUAL`, computed when read.
    pub stored: bool,
}

impl Column {
    /// A nullable column with no constraints.
    pub fn new(name: impl Into<String>, ty: ColumnType) -> Self {
        Column {
            name: name.into(),
            ty,
            nullable: true,
            primary_key: false,
            server_default: None,
            unique: false,
            comment: None,
            autoincrement: None,
            sqlite_autoincrement: false,
            collation: None,
            generated: None,
            not_null_on_conflict: None,
            on_update: None,
        }
    }

    /// Builder: NOT NULL.
    pub fn not_null(mut self) -> Self {
        self.nullable = false;
        self
    }

    /// Builder: part of the primary key (and so NOT NULL).
    pub fn primary_key(mut self) -> Self {
        self.primary_key = true;
        self.nullable = false;
        self
    }

    /// Builder: a server default, as SQL text.
    pub fn default_sql(mut self, sql: impl Into<String>) -> Self {
        self.server_default = Some(sql.into());
        self
    }

    /// True when the column is NOT NULL and inserting a row without it
    /// would fail: it has no server default and is not generated.
    pub fn needs_value(&self) -> bool {
        !self.nullable && self.server_default.is_none() && self.generated.is_none()
    }
}

/// A table: columns, keys, constraints, indexes and comment.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    /// The table's name.
    pub name: TableName,
    /// Columns, in order.
    pub columns: Vec<Column>,
    /// A table-level primary key. Columns marked `primary_key` are also part
    /// of the key; [`Table::primary_key_columns`] gives the whole key.
    pub primary_key: Option<PrimaryKey>,
    /// Unique constraints beyond the columns' own `unique`.
    pub uniques: Vec<UniqueConstraint>,
    /// Indexes.
    pub indexes: Vec<Index>,
    /// Foreign keys.
    pub foreign_keys: Vec<ForeignKey>,
    /// Check constraints.
    pub checks: Vec<CheckConstraint>,
    /// The table comment.
    pub comment: Option<String>,
    /// SQLite's `WITHOUT ROWID`: the rows are stored in primary key order,
    /// with no separate rowid.
    pub without_rowid: bool,
    /// SQLite's `STRICT`: every value must be of its column's declared type.
    pub strict: bool,
    /// Storage options (MySQL's engine, default charset and collation).
    pub options: crate::schema::TableOptions,
}

impl Table {
    /// An empty table named `name`.
    pub fn new(name: TableName) -> Self {
        Table {
            name,
            ..Table::default()
        }
    }

    /// Builder: adds a column.
    pub fn column(mut self, column: Column) -> Self {
        self.columns.push(column);
        self
    }

    /// The column named `name`.
    pub fn find_column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    /// The primary key's columns: the table-level key when there is one,
    /// else the columns marked `primary_key`, in table order.
    pub fn primary_key_columns(&self) -> Vec<String> {
        match &self.primary_key {
            Some(pk) => pk.columns.clone(),
            None => self
                .columns
                .iter()
                .filter(|c| c.primary_key)
                .map(|c| c.name.clone())
                .collect(),
        }
    }
}
