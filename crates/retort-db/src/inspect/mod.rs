//! Introspection: reading a live database back into the core's schema
//! model ([`retort_core::schema`]).
//!
//! - [`inspect_schema`]: a whole database (one PostgreSQL schema, the
//!   current MySQL database, SQLite's `main`) as a [`Schema`], the live side
//!   of autogenerate. It sends a fixed number of catalog queries whatever
//!   the number of tables (Alembic reflects table by table, which takes
//!   minutes on large schemas): [`postgres`] and [`mysql`] say which
//!   queries and what is recovered; on SQLite, `sqlite_master` is read once
//!   and each pragma for every table at once, in its table-valued form.
//! - [`inspect_sqlite_table`]: one SQLite table, complete enough for batch
//!   mode's move-and-copy to rebuild it ([`sqlite`] says what is and is not
//!   recovered); the whole-schema reading uses the same code on rows
//!   fetched for every table at once. [`inspect_sqlite_rebuild`] adds the
//!   views and triggers that depend on the table and what the model cannot
//!   hold: all a rebuild needs.
//!
//! What every database reports the same way:
//! - Tables come in name order (byte order); within a table, columns keep
//!   their order and unique constraints, indexes, foreign keys and checks
//!   come in name order (SQLite: the order written).
//! - On PostgreSQL and MySQL the primary key's columns are marked
//!   [`Column::primary_key`](retort_core::schema::Column::primary_key) and
//!   the key is also [`Table::primary_key`] with its name (MySQL's is always
//!   `PRIMARY`, reported as no name). Unique constraints are always
//!   [`Table::uniques`] (the database keeps no trace of a column-level
//!   `UNIQUE`).
//! - On PostgreSQL and MySQL `autoincrement` is `Some(true)` for an
//!   auto-incrementing column (`SERIAL`/identity, `AUTO_INCREMENT`),
//!   `Some(false)` for a lone integer key that does not, `None` otherwise:
//!   the model's `None` means "auto", which would wrongly claim the key
//!   increments. SQLite says `Some(true)` only for `AUTOINCREMENT` (a lone
//!   `INTEGER PRIMARY KEY` is the rowid and increments anyway).
//! - Column types go through `types.rs`: the portable type when the catalog's
//!   text is one, else [`ColumnType::Other`](retort_core::types::ColumnType::Other)
//!   with the text.

pub mod mysql;
pub(crate) mod objects;
pub mod postgres;
pub(crate) mod schemas;
pub mod sqlite;
pub(crate) mod types;

use retort_core::schema::{Schema, Table, TableName};

use crate::connection::{Connection, Row};
use crate::error::DbError;
use crate::url::DialectName;

pub use schemas::SchemaSelection;
pub use sqlite::{inspect_sqlite_rebuild, inspect_sqlite_table};

/// What [`inspect_schema`] reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InspectOptions {
    /// The PostgreSQL schema to read; `None` for `current_schema()`. Tables
    /// read from a named schema carry it in their [`TableName`]. Ignored by
    /// MySQL (the connection's database) and SQLite (`main`).
    pub schema: Option<String>,
    /// Tables left out, by exact name: always the version table and the log
    /// table, which belong to retort and not to the application.
    pub exclude: Vec<String>,
}

impl InspectOptions {
    /// Options that leave out retort's own tables: the version table
    /// `version_table` and the log table `log_table` (by default
    /// `retort_version` and `retort_log`).
    pub fn new(version_table: &str, log_table: &str) -> Self {
        InspectOptions {
            schema: None,
            exclude: vec![version_table.to_owned(), log_table.to_owned()],
        }
    }

    /// Builder: read the PostgreSQL schema `schema`.
    pub fn schema(mut self, schema: impl Into<String>) -> Self {
        self.schema = Some(schema.into());
        self
    }

    /// Builder: also leave out the table `name`.
    pub fn exclude(mut self, name: impl Into<String>) -> Self {
        self.exclude.push(name.into());
        self
    }

    /// Whether the table `name` is read.
    pub fn includes(&self, name: &str) -> bool {
        !self.exclude.iter().any(|e| e == name)
    }
}

/// Reads the whole database behind `conn` into a [`Schema`]: every table
/// but the excluded ones, in name order, (PostgreSQL) the enum types of
/// the schema, and the views, triggers, routines, ... (`objects/`).
pub fn inspect_schema(
    conn: &mut dyn Connection,
    options: &InspectOptions,
) -> Result<Schema, DbError> {
    let mut schema = match conn.dialect() {
        DialectName::Postgresql => postgres::inspect_postgres_schema(conn, options)?,
        DialectName::Mysql => mysql::inspect_mysql_schema(conn, options)?,
        DialectName::Sqlite => inspect_sqlite_schema(conn, options)?,
    };
    schema.tables.sort_by(|a, b| a.name.name.cmp(&b.name.name));
    schema.objects = objects::inspect_objects(conn, options)?;
    objects::mark_domain_columns(&mut schema);
    Ok(schema)
}

/// Every table of SQLite's `main` database, assembled as
/// [`inspect_sqlite_table`] does from rows read for every table at once
/// (seven statements whatever the number of tables).
pub fn inspect_sqlite_schema(
    conn: &mut dyn Connection,
    options: &InspectOptions,
) -> Result<Schema, DbError> {
    let names = conn.query_column(SQLITE_TABLES)?;
    let master = sqlite::Master::read(conn)?;
    let mut schema = Schema::default();
    for name in names.into_iter().filter(|n| options.includes(n)) {
        let table = TableName::new(name);
        if let Some(t) = sqlite::inspect_main_table(conn, &master, &table)? {
            schema.tables.push(t);
        }
    }
    Ok(schema)
}

/// The value of column `i` of a catalog row.
pub(crate) fn cell(row: &Row, i: usize) -> Option<&str> {
    row.get(i).and_then(|v| v.as_deref())
}

/// The tables being assembled, and the query that found each value, for
/// errors.
pub(crate) struct Assembly {
    /// The tables found so far, in the order found.
    pub tables: Vec<Table>,
    /// The catalog's name for errors (`pg_catalog`, `information_schema`).
    pub catalog: &'static str,
}

impl Assembly {
    /// The table named `name`, when it was found (and not excluded).
    pub fn table(&mut self, name: &str) -> Option<&mut Table> {
        self.tables.iter_mut().find(|t| t.name.name == name)
    }

    /// A catalog value that retort cannot turn into the model.
    pub fn bad(&self, column: &'static str, value: &str, sql: &str) -> DbError {
        DbError::BadValue {
            table: self.catalog.to_owned(),
            column,
            value: value.to_owned(),
            sql: sql.to_owned(),
        }
    }

    /// Column `i` of `row`, which the catalog never leaves NULL.
    pub fn required(
        &self,
        row: &Row,
        i: usize,
        column: &'static str,
        sql: &str,
    ) -> Result<String, DbError> {
        cell(row, i)
            .map(str::to_owned)
            .ok_or_else(|| self.bad(column, "NULL", sql))
    }

    /// Marks the primary key columns and sets `autoincrement` to
    /// `Some(false)` on a lone integer key that does not increment.
    pub fn finish_keys(&mut self) {
        for t in &mut self.tables {
            let key = t.primary_key_columns();
            for c in &mut t.columns {
                c.primary_key = key.contains(&c.name);
                if key.len() == 1 && c.primary_key && c.ty.is_integer() && c.autoincrement.is_none()
                {
                    c.autoincrement = Some(false);
                }
            }
            t.uniques.sort_by(|a, b| a.name.cmp(&b.name));
            t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
            t.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
            t.checks.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }
}

/// The ordinary tables of SQLite's `main` database, in name order: not
/// SQLite's own (`sqlite_sequence`, `sqlite_stat1`, ...), and not virtual
/// tables or the shadow tables their modules keep (`PRAGMA table_list`
/// says which is which): a virtual table is an object (`objects/`), and
/// its shadow tables are part of it.
const SQLITE_TABLES: &str = "SELECT name FROM pragma_table_list \
     WHERE schema = 'main' AND type = 'table' \
     AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name";
