//! SQLite introspection: a live table read back into a [`Table`], complete
//! enough that batch mode's move-and-copy rebuilds it as it was, and the
//! views and triggers that depend on it ([`inspect_sqlite_rebuild`]).
//!
//! The pragmas are the authority on columns (declared type, `NOT NULL`,
//! primary key positions, generated columns), indexes and foreign keys
//! (`columns`, `keys`). What they leave out comes from the `CREATE
//! TABLE` / `CREATE INDEX` text SQLite keeps in `sqlite_master.sql`, read
//! with a small tokenizer (`ddl`, `index_sql`, `tokens`): `CHECK`
//! conditions, constraint names, defaults exactly as written, a partial
//! index's `WHERE`, `AUTOINCREMENT`, `COLLATE` on columns and index key
//! parts, `DESC` key parts, generated columns' expressions, `ON CONFLICT`
//! clauses, a foreign key's `MATCH` and `DEFERRABLE`, `WITHOUT ROWID` and
//! `STRICT`. The queries are named constants in `catalog`.
//!
//! How the pieces map onto the model:
//! - Primary key columns are marked [`Column::primary_key`]; the key is also
//!   [`Table::primary_key`] when it is named, has an `ON CONFLICT` clause,
//!   or its order differs from the columns' order.
//! - An unnamed `UNIQUE` written on a column (without `ON CONFLICT`) is
//!   [`Column::unique`]; every other unique constraint (the
//!   `sqlite_autoindex_*` indexes SQLite makes for them) is one of
//!   [`Table::uniques`], named when written as `CONSTRAINT x UNIQUE`.
//! - Checks and foreign keys written on a column become table-level ones
//!   (the same constraint in SQLite).
//! - A type that is a portable name SQLite renders back to the same text
//!   (`INTEGER`, `VARCHAR(20)`) is that [`ColumnType`]; any other is
//!   [`ColumnType::Other`] with the declared text, so a rebuild declares the
//!   column exactly as before.
//! - `AUTOINCREMENT` is [`Column::sqlite_autoincrement`] (and
//!   `autoincrement = Some(true)`).
//!
//! Not recovered, because SQLite never uses them: the names of `NOT NULL`,
//! `DEFAULT`, `COLLATE` and generated-column constraints; comments are not
//! stored by SQLite. What the model cannot hold — a virtual table, `DESC`
//! or `COLLATE` on a key part of a `PRIMARY KEY` or `UNIQUE` constraint, a
//! column-level `PRIMARY KEY DESC` — is listed in
//! [`RebuildSource::unkept`], so that a rebuild refuses rather than loses it;
//! a whole-schema inspection refuses virtual tables.
//!
//! [`Column::primary_key`]: retort_core::schema::Column::primary_key
//! [`Column::unique`]: retort_core::schema::Column::unique
//! [`Column::sqlite_autoincrement`]: retort_core::schema::Column::sqlite_autoincrement
//! [`ColumnType`]: retort_core::types::ColumnType
//! [`ColumnType::Other`]: retort_core::types::ColumnType::Other

mod catalog;
mod columns;
mod ddl;
mod dependents;
mod index_sql;
mod keys;
mod tokens;

use retort_core::dialect::RebuildSource;
use retort_core::schema::{CheckConstraint, Table, TableName};

use crate::connection::Connection;
use crate::error::DbError;
pub(crate) use catalog::Master;
use catalog::{Answer, Catalog, MASTER, SCHEMA_EXISTS, TABLE_SQL, lit};

/// Reads the table `table` (in the attached database `table.schema`, or
/// `main`) from a SQLite connection; `None` when there is no such table or
/// no such attached database. Names match as SQLite matches them, without
/// regard to ASCII case; the table returned carries the name as stored.
///
/// A virtual table is an error. What else the model cannot hold is left
/// out: [`inspect_sqlite_rebuild`] says what it is.
pub fn inspect_sqlite_table(
    conn: &mut dyn Connection,
    table: &TableName,
) -> Result<Option<Table>, DbError> {
    let mut catalog = catalog(conn, table);
    if catalog.query(SCHEMA_EXISTS, &[])?.rows.is_empty() {
        return Ok(None);
    }
    inspect_table(&mut catalog, table)?
        .map(Inspected::plain_table)
        .transpose()
}

/// Reads what a batch rebuild of `table` works from: the table as
/// [`inspect_sqlite_table`] reads it (a virtual table included), the views
/// and triggers that depend on it, in creation order, and what the model
/// cannot hold; `None` when there is no such table.
pub fn inspect_sqlite_rebuild(
    conn: &mut dyn Connection,
    table: &TableName,
) -> Result<Option<RebuildSource>, DbError> {
    let mut catalog = catalog(conn, table);
    if catalog.query(SCHEMA_EXISTS, &[])?.rows.is_empty() {
        return Ok(None);
    }
    let Some(found) = inspect_table(&mut catalog, table)? else {
        return Ok(None);
    };
    let dependents = dependents::read_dependents(&mut catalog, &found.table.name)?;
    let mut unkept = found.unkept;
    if let Some(module) = found.virtual_module {
        unkept.insert(
            0,
            format!(
                "it is a virtual table (USING {module}), whose rows and columns belong to its module"
            ),
        );
    }
    Ok(Some(RebuildSource {
        table: found.table,
        dependents,
        unkept,
    }))
}

/// Reads `table` from `main`, with `master` read once beforehand. A
/// virtual table is an error.
pub(crate) fn inspect_main_table(
    conn: &mut dyn Connection,
    master: &Master,
    table: &TableName,
) -> Result<Option<Table>, DbError> {
    let mut catalog = Catalog {
        conn,
        schema: "main".to_owned(),
        master: Some(master),
    };
    inspect_table(&mut catalog, table)?
        .map(Inspected::plain_table)
        .transpose()
}

/// The catalog of the database `table` is in.
fn catalog<'c>(conn: &'c mut dyn Connection, table: &TableName) -> Catalog<'c> {
    Catalog {
        conn,
        schema: table.schema.clone().unwrap_or_else(|| "main".to_owned()),
        master: None,
    }
}

/// A table as read, with what the model cannot hold.
struct Inspected {
    table: Table,
    /// `USING module` of a virtual table.
    virtual_module: Option<String>,
    /// What the model cannot hold, one description each.
    unkept: Vec<String>,
    /// For a virtual table, the error for a caller that cannot take one.
    refusal: Option<DbError>,
}

impl Inspected {
    /// The table, unless it is a virtual table.
    fn plain_table(self) -> Result<Table, DbError> {
        match self.refusal {
            Some(e) => Err(e),
            None => Ok(self.table),
        }
    }
}

fn inspect_table(
    catalog: &mut Catalog<'_>,
    table: &TableName,
) -> Result<Option<Inspected>, DbError> {
    let found = match catalog.master {
        Some(master) => Answer {
            sql: MASTER.to_owned(),
            rows: master
                .get("table", &table.name)
                .map(|o| vec![Some(o.name.clone()), o.sql.clone()])
                .into_iter()
                .collect(),
        },
        None => catalog.query(TABLE_SQL, &[("table", lit(&table.name))])?,
    };
    let Some(row) = found.rows.first() else {
        return Ok(None);
    };
    let name = catalog.required(&found, row, 0, "name")?;
    let sql = catalog.required(&found, row, 1, "sql")?;
    let parsed = ddl::parse_create_table(&sql).map_err(|_| catalog.bad(&found, "sql", &sql))?;
    let mut out = Table::new(TableName {
        schema: table.schema.clone(),
        name,
    });
    columns::read_columns(catalog, &parsed, &mut out)?;
    if parsed.virtual_module.is_none() {
        keys::read_indexes(catalog, &parsed, &mut out)?;
        keys::read_foreign_keys(catalog, &parsed, &mut out)?;
    }
    out.checks = parsed
        .checks
        .iter()
        .map(|(name, condition)| CheckConstraint {
            name: name.clone(),
            condition: condition.clone(),
        })
        .collect();
    out.without_rowid = parsed.without_rowid;
    out.strict = parsed.strict;
    Ok(Some(Inspected {
        table: out,
        virtual_module: parsed.virtual_module.clone(),
        unkept: parsed.unkept.clone(),
        refusal: parsed
            .virtual_module
            .is_some()
            .then(|| catalog.bad(&found, "sql", &sql)),
    }))
}
