//! Keys, constraints and indexes.

use std::fmt;

use crate::schema::TableName;

/// A primary key over one or more columns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PrimaryKey {
    /// The constraint's name, when it has one.
    pub name: Option<String>,
    /// Its columns, in key order.
    pub columns: Vec<String>,
    /// SQLite's `ON CONFLICT ...`: what a duplicate key does instead of
    /// failing the statement.
    pub on_conflict: Option<OnConflict>,
}

/// A unique constraint.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UniqueConstraint {
    /// The constraint's name, when it has one.
    pub name: Option<String>,
    /// Its columns.
    pub columns: Vec<String>,
    /// SQLite's `ON CONFLICT ...`: what a duplicate does instead of failing
    /// the statement.
    pub on_conflict: Option<OnConflict>,
}

/// SQLite's conflict resolution (`ON CONFLICT ...` on a primary key, a
/// unique constraint or NOT NULL): what a statement that breaks the
/// constraint does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OnConflict {
    /// `ROLLBACK`: the statement fails and the transaction rolls back.
    Rollback,
    /// `ABORT` (the default): the statement fails and is undone.
    Abort,
    /// `FAIL`: the statement fails, keeping the changes it made before.
    Fail,
    /// `IGNORE`: the offending row is skipped.
    Ignore,
    /// `REPLACE`: the rows in the way are deleted (a NULL becomes the
    /// column's default).
    Replace,
}

impl OnConflict {
    /// Every resolution, in the order SQLite's documentation lists them.
    pub const ALL: [OnConflict; 5] = [
        OnConflict::Rollback,
        OnConflict::Abort,
        OnConflict::Fail,
        OnConflict::Ignore,
        OnConflict::Replace,
    ];

    /// The SQL keyword.
    pub fn as_str(self) -> &'static str {
        match self {
            OnConflict::Rollback => "ROLLBACK",
            OnConflict::Abort => "ABORT",
            OnConflict::Fail => "FAIL",
            OnConflict::Ignore => "IGNORE",
            OnConflict::Replace => "REPLACE",
        }
    }

    /// The resolution named `text`, in any case.
    pub fn parse(text: &str) -> Option<OnConflict> {
        OnConflict::ALL
            .into_iter()
            .find(|c| c.as_str().eq_ignore_ascii_case(text))
    }
}

impl fmt::Display for OnConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A foreign key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ForeignKey {
    /// The constraint's name, when it has one.
    pub name: Option<String>,
    /// The referring columns of this table.
    pub columns: Vec<String>,
    /// The referred table.
    pub referent_table: TableName,
    /// The referred columns, in the same order as `columns`.
    pub referent_columns: Vec<String>,
    /// `ON DELETE` action as SQL (`CASCADE`, `SET NULL`, ...).
    pub on_delete: Option<String>,
    /// `ON UPDATE` action as SQL.
    pub on_update: Option<String>,
    /// `MATCH` and its kind (`FULL`, `PARTIAL`, `SIMPLE`), as written.
    pub match_kind: Option<String>,
    /// `DEFERRABLE`: the check may wait until the transaction commits.
    pub deferrable: bool,
    /// `INITIALLY DEFERRED` (with `deferrable`): it waits unless told not to.
    pub initially_deferred: bool,
}

/// A check constraint.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckConstraint {
    /// The constraint's name, when it has one.
    pub name: Option<String>,
    /// The condition, as SQL text rendered verbatim.
    pub condition: String,
}

/// An index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Index {
    /// The index's name.
    pub name: String,
    /// Its key parts, in order: column names, or expressions written in
    /// parentheses as SQL text (`(lower(email))`, see [`index_expression`]).
    pub columns: Vec<String>,
    /// A unique index.
    pub unique: bool,
    /// A partial index's condition (`WHERE ...`), as SQL text.
    pub where_clause: Option<String>,
    /// How each key part sorts, one per entry of `columns`; empty when
    /// every part sorts ascending with its column's own collation (see
    /// [`Index::order`]).
    pub orders: Vec<KeyOrder>,
    /// The index's kind when it is not the database's default B-tree, as
    /// the database names it: PostgreSQL's access method (`gist`, `gin`,
    /// `hash`, `brin`, `spgist`), MySQL's `FULLTEXT` or `SPATIAL`. `None`
    /// is a B-tree.
    pub using: Option<String>,
}

impl Index {
    /// How the key part `i` sorts (the default order when `orders` is empty).
    pub fn order(&self, i: usize) -> KeyOrder {
        self.orders.get(i).cloned().unwrap_or_default()
    }
}

/// How one key part of an index sorts and compares: `COLLATE`, an
/// operator class, `DESC`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct KeyOrder {
    /// The collation, when not the column's own (`NOCASE`).
    pub collation: Option<String>,
    /// Descending (`DESC`) rather than ascending.
    pub descending: bool,
    /// PostgreSQL's operator class, when not the type's default for the
    /// index's access method (`inet_ops` for `gist`, `gin_trgm_ops`,
    /// `varchar_pattern_ops`), as PostgreSQL names it.
    pub opclass: Option<String>,
}

impl KeyOrder {
    /// True for the default: ascending, the column's own collation and
    /// operator class.
    pub fn is_default(&self) -> bool {
        self.collation.is_none() && !self.descending && self.opclass.is_none()
    }
}

/// The SQL of an index key part that is an expression: the text inside
/// the parentheses of `(lower(email))`; `None` for a column name.
pub fn index_expression(part: &str) -> Option<&str> {
    part.strip_prefix('(')?.strip_suffix(')')
}

/// The kinds of constraint `drop_constraint` names (Alembic's `type_`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConstraintKind {
    /// `unique`.
    Unique,
    /// `foreignkey`.
    ForeignKey,
    /// `check`.
    Check,
    /// `primary`.
    Primary,
}

impl ConstraintKind {
    /// Every kind, in the order the docs list them.
    pub const ALL: [ConstraintKind; 4] = [
        ConstraintKind::Unique,
        ConstraintKind::ForeignKey,
        ConstraintKind::Check,
        ConstraintKind::Primary,
    ];

    /// The name written in revision files.
    pub fn as_str(self) -> &'static str {
        match self {
            ConstraintKind::Unique => "unique",
            ConstraintKind::ForeignKey => "foreignkey",
            ConstraintKind::Check => "check",
            ConstraintKind::Primary => "primary",
        }
    }

    /// The kind in words, for messages (`foreign key`, `primary key`).
    pub fn describe(self) -> &'static str {
        match self {
            ConstraintKind::Unique => "unique constraint",
            ConstraintKind::ForeignKey => "foreign key",
            ConstraintKind::Check => "check constraint",
            ConstraintKind::Primary => "primary key",
        }
    }

    /// The kind written as `text` in a revision file.
    pub fn parse(text: &str) -> Option<ConstraintKind> {
        ConstraintKind::ALL.into_iter().find(|k| k.as_str() == text)
    }
}

impl fmt::Display for ConstraintKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Any named table constraint: what `drop_constraint` may carry so that it
/// can be reversed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Constraint {
    /// A unique constraint.
    Unique(UniqueConstraint),
    /// A foreign key.
    ForeignKey(ForeignKey),
    /// A check constraint.
    Check(CheckConstraint),
    /// A primary key.
    PrimaryKey(PrimaryKey),
}

impl Constraint {
    /// Its kind.
    pub fn kind(&self) -> ConstraintKind {
        match self {
            Constraint::Unique(_) => ConstraintKind::Unique,
            Constraint::ForeignKey(_) => ConstraintKind::ForeignKey,
            Constraint::Check(_) => ConstraintKind::Check,
            Constraint::PrimaryKey(_) => ConstraintKind::Primary,
        }
    }

    /// Its name, when it has one.
    pub fn name(&self) -> Option<&str> {
        match self {
            Constraint::Unique(c) => c.name.as_deref(),
            Constraint::ForeignKey(c) => c.name.as_deref(),
            Constraint::Check(c) => c.name.as_deref(),
            Constraint::PrimaryKey(c) => c.name.as_deref(),
        }
    }
}
