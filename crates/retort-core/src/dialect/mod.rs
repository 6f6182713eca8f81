//! Dialects: how each database spells operations as SQL.
//!
//! [`Dialect`] is the one boundary behind which the differences between
//! SQLite, PostgreSQL and MySQL/MariaDB live. Its capability methods
//! (`supports_transactional_ddl`, `supports_alter_column`, ...) document what
//! a database can do; the shared rendering in `ddl` is written against them
//! and never asks which dialect it is. Each dialect module has the same
//! files: `mod.rs` (the capabilities) and `render.rs` (its types and the
//! operations it spells its own way).
//!
//! Rendering is pure: an [`Operation`] in, [`Statement`]s out. An operation a
//! dialect cannot do is a [`DialectError`] that names the dialect and the
//! operation and says what to do instead (on SQLite, `batch_alter_table`,
//! whose move-and-copy lives in [`batch`]).

pub mod batch;
mod data;
mod ddl;
mod error;
pub mod mysql;
pub mod postgres;
mod sql_text;
pub mod sqlite;

use std::fmt;

pub use batch::{BatchStatements, Dependent, DependentKind, RebuildSource, render_batch};
pub use error::DialectError;
pub use mysql::MySql;
pub use postgres::Postgres;
pub use sql_text::{is_data_statement, split_statements};
pub use sqlite::Sqlite;

use crate::ops::{AlterColumn, Literal, Operation};
use crate::schema::{Column, ConstraintKind, ObjectKind, TableName};
use crate::types::{ColumnType, names};

/// One SQL statement, rendered for one dialect, without a trailing `;`.
///
/// A statement may have to run outside any transaction
/// ([`Statement::outside_transaction`]: PostgreSQL's `CREATE INDEX
/// CONCURRENTLY`, which the server refuses inside one): the runner commits
/// what came before it, runs it on its own, and begins again after it
/// (online, journaling the revision's progress so that a crash never runs
/// a committed statement twice; offline, `COMMIT;` and `BEGIN;` around it).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Statement {
    sql: String,
    outside_transaction: bool,
}

impl Statement {
    /// Wraps rendered SQL.
    pub fn new(sql: impl Into<String>) -> Self {
        Statement {
            sql: sql.into(),
            outside_transaction: false,
        }
    }

    /// Wraps rendered SQL that must run outside any transaction.
    pub fn outside_transaction(sql: impl Into<String>) -> Self {
        Statement {
            sql: sql.into(),
            outside_transaction: true,
        }
    }

    /// True when the statement must run outside any transaction.
    pub fn runs_outside_transaction(&self) -> bool {
        self.outside_transaction
    }

    /// The SQL text.
    pub fn as_str(&self) -> &str {
        &self.sql
    }

    /// The SQL text, owned.
    pub fn into_string(self) -> String {
        self.sql
    }
}

impl fmt::Display for Statement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.sql)
    }
}

/// Where a dialect keeps table and column comments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CommentStyle {
    /// Not stored: comment operations render nothing (SQLite, as Alembic's
    /// SQLite implementation ignores comments).
    Ignored,
    /// In the column definition and the table options (MySQL `COMMENT '...'`).
    Inline,
    /// Separate statements (PostgreSQL `COMMENT ON`).
    Separate,
}

/// A database's SQL dialect: its capabilities, its quoting, its types, and
/// the rendering of every operation.
///
/// The default methods render standard SQL through the capability methods;
/// a dialect overrides only what it spells differently.
pub trait Dialect {
    /// The dialect's name: `sqlite`, `postgresql` or `mysql` (also the key
    /// of its own SQL in `execute`).
    fn name(&self) -> &'static str;

    /// DDL runs inside transactions and rolls back with them (SQLite,
    /// PostgreSQL; not MySQL).
    fn supports_transactional_ddl(&self) -> bool;

    /// `ALTER TABLE ... ALTER/MODIFY COLUMN` can change a column's type,
    /// nullability and default in place (not SQLite).
    fn supports_alter_column(&self) -> bool;

    /// Constraints can be added to and dropped from an existing table
    /// (not SQLite).
    fn supports_alter_constraints(&self) -> bool;

    /// `ADD COLUMN` may declare the column `PRIMARY KEY` or `UNIQUE`, or
    /// `NOT NULL` without a constant default (not SQLite).
    fn supports_add_column_constraints(&self) -> bool;

    /// A `CREATE TABLE` may declare a foreign key to a table that does not
    /// exist yet (SQLite, which looks the referent up only when a row is
    /// written): tables that reference each other are created with their
    /// keys inline, in any order, and dropped without dropping the keys
    /// first. Elsewhere a cycle is broken with a later `create_foreign_key`.
    fn supports_forward_foreign_keys(&self) -> bool {
        false
    }

    /// Indexes can be built and dropped without blocking writes to their
    /// table, by statements that must run outside any transaction
    /// (PostgreSQL's `CREATE INDEX CONCURRENTLY`, `DROP INDEX
    /// CONCURRENTLY`), which `concurrently = true` on `create_index` and
    /// `drop_index` asks for. Where this is false the flag renders the
    /// plain statement: MySQL/MariaDB (InnoDB) build secondary indexes
    /// online already, and SQLite has no concurrent writers to spare.
    fn supports_concurrent_indexes(&self) -> bool {
        false
    }

    /// Indexes may have a `WHERE` condition (not MySQL).
    fn supports_partial_indexes(&self) -> bool;

    /// Where an index's kind ([`Index::using`](crate::schema::Index::using))
    /// goes in `CREATE INDEX`, or `None` when the dialect has no such kind
    /// (the default: SQLite has only B-trees).
    fn index_kind(&self, using: &str) -> Option<IndexKind> {
        let _ = using;
        None
    }

    /// A table's storage options as `CREATE TABLE` (and `ALTER TABLE`)
    /// write them after the columns (MySQL: `ENGINE=InnoDB DEFAULT
    /// CHARSET=utf8mb4 COLLATE=utf8mb4_bin`), or `None` when the dialect
    /// has none (the default).
    fn render_table_options(&self, options: &crate::schema::TableOptions) -> Option<String> {
        let _ = options;
        None
    }

    /// What follows `ALTER TABLE name` to change a table's options
    /// (`alter_table_options`); `None` where tables have none. By default
    /// the options as `CREATE TABLE` writes them.
    fn render_alter_table_options(&self, options: &crate::schema::TableOptions) -> Option<String> {
        self.render_table_options(options)
    }

    /// A table may be declared `PARTITION BY RANGE|LIST|HASH (key)`
    /// (PostgreSQL; the default: no).
    fn supports_partition_by(&self) -> bool {
        false
    }

    /// A column may have MySQL's `ON UPDATE expression` (the default: no).
    fn supports_on_update(&self) -> bool {
        false
    }

    /// An index key part may have its own collation (`a COLLATE "C"`;
    /// not MySQL).
    fn supports_index_collation(&self) -> bool {
        true
    }

    /// An index key part may name an operator class (`ip inet_ops`;
    /// PostgreSQL).
    fn supports_index_opclass(&self) -> bool {
        false
    }

    /// Generated columns may be `VIRTUAL`, computed when read (not
    /// PostgreSQL before 18, whose generated columns are all `STORED`).
    fn supports_virtual_generated_columns(&self) -> bool {
        true
    }

    /// A foreign key may say `MATCH FULL`/`PARTIAL`/`SIMPLE` (MySQL parses
    /// it but then ignores the key's `ON DELETE`/`ON UPDATE`: not there).
    fn supports_foreign_key_match(&self) -> bool {
        true
    }

    /// A foreign key may be `DEFERRABLE [INITIALLY DEFERRED]` (not MySQL).
    fn supports_deferrable_constraints(&self) -> bool {
        true
    }

    /// Keys and NOT NULL may say what a conflicting row does instead of
    /// failing (`ON CONFLICT REPLACE`; SQLite only).
    fn supports_conflict_clauses(&self) -> bool {
        false
    }

    /// The keyword that keeps an auto-incrementing key from reusing the ids
    /// of deleted rows exists and must be written (SQLite's
    /// `AUTOINCREMENT`, see [`Column::sqlite_autoincrement`]); elsewhere
    /// auto-increment never reuses ids and the column's flag is ignored.
    fn supports_autoincrement_keyword(&self) -> bool {
        false
    }

    /// Tables may be `WITHOUT ROWID` (SQLite only).
    fn supports_without_rowid(&self) -> bool {
        false
    }

    /// Tables may be `STRICT` about their columns' types (SQLite only).
    fn supports_strict_tables(&self) -> bool {
        false
    }

    /// `CREATE INDEX` qualifies the index's name with the schema, not the
    /// table's (SQLite: `CREATE INDEX "main"."ix" ON "t"`).
    fn qualifies_index_name(&self) -> bool {
        false
    }

    /// Where comments go.
    fn comment_style(&self) -> CommentStyle;

    /// Table and column comments are stored.
    fn supports_comments(&self) -> bool {
        self.comment_style() != CommentStyle::Ignored
    }

    /// Named enum types exist (`CREATE TYPE ... AS ENUM`; PostgreSQL).
    fn supports_enum_types(&self) -> bool;

    /// The database has schema objects of `kind` (views and triggers
    /// everywhere by default; a dialect adds its own kinds).
    fn supports_object_kind(&self, kind: ObjectKind) -> bool {
        matches!(kind, ObjectKind::View | ObjectKind::Trigger)
    }

    /// An object of `kind` can be redefined in place with
    /// `CREATE OR REPLACE` (else `replace_<kind>` drops and creates it).
    fn supports_replace(&self, kind: ObjectKind) -> bool {
        let _ = kind;
        false
    }

    /// `CREATE OR REPLACE VIEW` must keep the view's columns, names and
    /// types (PostgreSQL); elsewhere it redefines the view freely.
    fn replace_view_keeps_columns(&self) -> bool {
        false
    }

    /// `DROP TRIGGER` names the trigger's table (`DROP TRIGGER t ON tab`;
    /// PostgreSQL, whose trigger names are per table).
    fn drop_trigger_names_table(&self) -> bool {
        false
    }

    /// `DROP FUNCTION` / `DROP PROCEDURE` name the argument types
    /// (PostgreSQL, where routines overload).
    fn drop_routine_names_arguments(&self) -> bool {
        false
    }

    /// Rebuilding a table (batch move-and-copy) must run with foreign key
    /// enforcement off (SQLite's `PRAGMA foreign_keys=OFF`, set by the
    /// runner outside the transaction), or dropping the old table would
    /// fire `ON DELETE` actions or fail.
    fn rebuild_needs_foreign_keys_off(&self) -> bool;

    /// `batch_alter_table` may rebuild a table by move-and-copy (SQLite);
    /// elsewhere batch operations always run as `ALTER TABLE`, and
    /// `recreate = "always"` is refused.
    fn supports_table_rebuild(&self) -> bool {
        false
    }

    /// Statements that make a new session read SQL the way this dialect
    /// writes it, whatever the server's or user's defaults (MySQL: the
    /// backslash escapes [`quote_string`](Dialect::quote_string) relies on).
    /// A driver runs them right after connecting; an offline script starts
    /// with them. None by default.
    fn session_statements(&self) -> Vec<Statement> {
        vec![]
    }

    /// The statements that give the table `to` the auto-increment
    /// high-water mark of the table `from` (a rebuild copies the rows into
    /// a new table, which would otherwise start again after the highest id
    /// copied, reusing those of deleted rows). Nothing where the mark lives
    /// with the table itself.
    fn copy_sequence(&self, from: &TableName, to: &TableName) -> Vec<Statement> {
        let _ = (from, to);
        vec![]
    }

    /// The character that quotes identifiers.
    fn identifier_quote(&self) -> char {
        '"'
    }

    /// An identifier, quoted, with the quote character doubled inside it.
    /// Names are always quoted, so reserved words and mixed case are safe.
    fn quote_identifier(&self, name: &str) -> String {
        let q = self.identifier_quote();
        let doubled: String = [q, q].iter().collect();
        format!("{q}{}{q}", name.replace(q, &doubled))
    }

    /// A string literal: single quotes, doubled inside.
    fn quote_string(&self, text: &str) -> String {
        format!("'{}'", text.replace('\'', "''"))
    }

    /// A column may have no declared type (SQLite's `CREATE TABLE t (a)`).
    fn supports_untyped_columns(&self) -> bool {
        false
    }

    /// A boolean literal.
    fn render_bool(&self, value: bool) -> &'static str {
        if value { "TRUE" } else { "FALSE" }
    }

    /// A boolean column's default `written` (any spelling of `value`:
    /// `false`, `'f'`, `0`, ...) as the database takes it: by default
    /// [`Dialect::render_bool`].
    fn render_boolean_default(&self, written: &str, value: bool) -> String {
        let _ = written;
        self.render_bool(value).to_owned()
    }

    /// The dialect's natural type for a portable type.
    fn render_type(&self, ty: &ColumnType) -> Result<String, DialectError>;

    /// Whether the database accepts a type whose leading name (lower case,
    /// `varchar` in `varchar(20)`: [`names::leading_name`]) is `name`. By
    /// default any name a supported database knows ([`names::known_anywhere`]),
    /// as SQLite accepts any name; a server dialect answers from its own list.
    /// Rendering refuses a known type of another database (`jsonb` on MySQL).
    fn knows_type_name(&self, name: &str) -> bool {
        names::known_anywhere(name)
    }

    /// The type and trailing clause of a lone integer primary key column
    /// that auto-increments (SQLAlchemy's "auto" rule).
    fn render_autoincrement(&self, column: &Column)
    -> Result<(String, &'static str), DialectError>;

    /// Renders one operation.
    fn render(&self, op: &Operation) -> Result<Vec<Statement>, DialectError> {
        ddl::render(self, op)
    }

    /// Renders `alter_column` (PostgreSQL's `ALTER COLUMN` clauses by default).
    fn alter_column(&self, alter: &AlterColumn) -> Result<Vec<Statement>, DialectError> {
        ddl::alter_column(self, alter)
    }

    /// The `USING` expression of an `ALTER COLUMN ... TYPE` that the
    /// database cannot do by an implicit or assignment cast (PostgreSQL's
    /// `varchar` to `integer`: Alembic's `postgresql_using`), from the
    /// operation's `existing_type`; `None` (the default) writes no `USING`.
    fn type_change_using(&self, alter: &AlterColumn) -> Result<Option<String>, DialectError> {
        let _ = alter;
        Ok(None)
    }

    /// Renders `drop_constraint` (`DROP CONSTRAINT` by default).
    fn drop_constraint(
        &self,
        op: &Operation,
        table: &TableName,
        name: &str,
        kind: ConstraintKind,
    ) -> Result<Vec<Statement>, DialectError> {
        ddl::drop_constraint(self, op, table, name, kind)
    }

    /// Renders `drop_index` (`DROP INDEX name`, schema-qualified, by default).
    fn drop_index(&self, table: &TableName, name: &str) -> Statement {
        ddl::drop_index(self, table, name)
    }

    /// Sets (`Some`) or removes (`None`) a table comment.
    fn table_comment(&self, table: &TableName, comment: Option<&str>) -> Vec<Statement> {
        ddl::table_comment(self, table, comment)
    }

    /// Renders `add_enum_value` (`ALTER TYPE ... ADD VALUE` where enum types
    /// exist, nothing elsewhere).
    fn add_enum_value(&self, op: &Operation) -> Result<Vec<Statement>, DialectError> {
        data::add_enum_value(self, op)
    }

    /// Renders `drop_enum_value` (the type recreated without the value,
    /// where enum types exist; nothing elsewhere).
    fn drop_enum_value(&self, op: &Operation) -> Result<Vec<Statement>, DialectError> {
        data::drop_enum_value(self, op)
    }

    /// A `bulk_insert` value.
    fn render_literal(&self, value: &Literal) -> String {
        data::literal(self, value)
    }
}

/// The dialect named `name` (`sqlite`, `postgresql`/`postgres`, `mysql`/`mariadb`).
pub fn dialect_named(name: &str) -> Option<&'static dyn Dialect> {
    match name {
        "sqlite" => Some(&Sqlite),
        "postgresql" | "postgres" => Some(&Postgres),
        "mysql" | "mariadb" => Some(&MySql),
        _ => None,
    }
}

/// How a dialect writes an index's kind in `CREATE INDEX` ([`Dialect::index_kind`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IndexKind {
    /// Before `INDEX`: MySQL's `CREATE FULLTEXT INDEX`, `CREATE SPATIAL INDEX`.
    Prefix(String),
    /// After the table: PostgreSQL's `ON t USING gist (...)`.
    Method(String),
}
