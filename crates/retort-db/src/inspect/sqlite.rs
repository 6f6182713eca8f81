//! SQLite introspection: a live table read back into a [`Table`], complete
//! enough that batch mode's move-and-copy rebuilds it as it was.
//!
//! The pragmas are the authority on columns (declared type, `NOT NULL`,
//! primary key positions), indexes and foreign keys. What they leave out
//! comes from the `CREATE TABLE` / `CREATE INDEX` text SQLite keeps in
//! `sqlite_master.sql`, read with a small tokenizer (`ddl`, `tokens`): `CHECK`
//! conditions, constraint names, defaults exactly as written, a partial
//! index's `WHERE` and `AUTOINCREMENT`. The queries are the constants at the
//! end of this file.
//!
//! How the pieces map onto the model:
//! - Primary key columns are marked [`Column::primary_key`]; the key is also
//!   [`Table::primary_key`] when it is named or its order differs from the
//!   columns' order.
//! - An unnamed `UNIQUE` written on a column is [`Column::unique`]; every
//!   other unique constraint (the `sqlite_autoindex_*` indexes SQLite makes
//!   for them) is one of [`Table::uniques`], named when written as
//!   `CONSTRAINT x UNIQUE`.
//! - Checks and foreign keys written on a column become table-level ones
//!   (the same constraint in SQLite).
//! - A type that is a portable name SQLite renders back to the same text
//!   (`INTEGER`, `VARCHAR(20)`) is that [`ColumnType`]; any other is
//!   [`ColumnType::Other`] with the declared text, so a rebuild declares the
//!   column exactly as before.
//!
//! Not recovered, because the model has no place for them: `COLLATE` on a
//! column or index column, `DESC` in an index, `ON CONFLICT` clauses,
//! `DEFERRABLE` and `MATCH` on a foreign key, `WITHOUT ROWID` and `STRICT`,
//! and names of `NOT NULL` / `DEFAULT` constraints. Comments are not stored
//! by SQLite. Generated columns and virtual tables
//! cannot be expressed at all, so inspecting such a table is an error
//! rather than a silent loss in a rebuild.

mod ddl;
mod tokens;

use retort_core::dialect::{Dialect, Sqlite};
use retort_core::schema::{
    CheckConstraint, Column, ForeignKey, Index, PrimaryKey, Table, TableName, UniqueConstraint,
};
use retort_core::types::ColumnType;

use crate::connection::{Connection, Row};
use crate::error::DbError;
use crate::quote::{ident, literal};
use crate::url::DialectName;
use ddl::ParsedTable;

/// Reads the table `table` (in the attached database `table.schema`, or
/// `main`) from a SQLite connection; `None` when there is no such table or
/// no such attached database. Names match as SQLite matches them, without
/// regard to ASCII case; the table returned carries the name as stored.
pub fn inspect_sqlite_table(
    conn: &mut dyn Connection,
    table: &TableName,
) -> Result<Option<Table>, DbError> {
    let mut catalog = Catalog {
        conn,
        schema: table.schema.clone().unwrap_or_else(|| "main".to_owned()),
        master: None,
    };
    if catalog.query(SCHEMA_EXISTS, &[])?.rows.is_empty() {
        return Ok(None);
    }
    inspect_table(&mut catalog, table)
}

/// `main`'s `sqlite_master`, read once for a whole-schema inspection: by
/// lower-case name, each object's name as stored, `CREATE` text and rowid
/// (the order objects were created in). Looking names up here instead of
/// querying `sqlite_master` for each table and index keeps the work
/// linear in the number of tables.
pub(crate) struct Master {
    objects: std::collections::HashMap<String, MasterRow>,
    /// The rows each per-table (or per-index) query of this module would
    /// give, read for every table at once ([`BULK`]): by query, then by
    /// lower-case table or index name.
    prefetched: Vec<(&'static str, std::collections::HashMap<String, Vec<Row>>)>,
}

struct MasterRow {
    kind: String,
    name: String,
    sql: Option<String>,
    rowid: i64,
}

impl Master {
    /// Reads `main.sqlite_master`.
    pub(crate) fn read(conn: &mut dyn Connection) -> Result<Master, DbError> {
        let rows = conn.query_strings(MASTER)?;
        let mut objects = std::collections::HashMap::with_capacity(rows.len());
        for row in &rows {
            let (Some(kind), Some(name)) = (cell(row, 0), cell(row, 1)) else {
                continue;
            };
            objects.insert(
                name.to_ascii_lowercase(),
                MasterRow {
                    kind: kind.to_owned(),
                    name: name.to_owned(),
                    sql: cell(row, 2).map(str::to_owned),
                    rowid: cell(row, 3)
                        .and_then(|r| r.parse().ok())
                        .unwrap_or(i64::MAX),
                },
            );
        }
        let mut prefetched = Vec::with_capacity(BULK.len());
        for (per_object, bulk) in BULK {
            let mut by_name: std::collections::HashMap<String, Vec<Row>> =
                std::collections::HashMap::new();
            for mut row in conn.query_strings(bulk)? {
                if row.is_empty() {
                    continue;
                }
                let key = row.remove(0).unwrap_or_default().to_ascii_lowercase();
                by_name.entry(key).or_default().push(row);
            }
            prefetched.push((per_object, by_name));
        }
        Ok(Master {
            objects,
            prefetched,
        })
    }

    /// The prefetched rows of `per_object` for `name`, if it was prefetched.
    fn rows(&self, per_object: &str, name: &str) -> Option<(&'static str, Vec<Row>)> {
        let (_, by_name) = self.prefetched.iter().find(|(q, _)| *q == per_object)?;
        let bulk = BULK.iter().find(|(q, _)| *q == per_object)?.1;
        Some((
            bulk,
            by_name
                .get(&name.to_ascii_lowercase())
                .cloned()
                .unwrap_or_default(),
        ))
    }

    fn get(&self, kind: &str, name: &str) -> Option<&MasterRow> {
        self.objects
            .get(&name.to_ascii_lowercase())
            .filter(|o| o.kind == kind)
    }
}

/// Reads `table` from `main`, with `master` read once beforehand.
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
    inspect_table(&mut catalog, table)
}

fn inspect_table(catalog: &mut Catalog<'_>, table: &TableName) -> Result<Option<Table>, DbError> {
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
    if parsed.virtual_table {
        return Err(catalog.bad(&found, "sql", &sql));
    }
    let mut out = Table::new(TableName {
        schema: table.schema.clone(),
        name,
    });
    read_columns(catalog, &parsed, &mut out)?;
    read_indexes(catalog, &parsed, &mut out)?;
    read_foreign_keys(catalog, &parsed, &mut out)?;
    out.checks = parsed
        .checks
        .iter()
        .map(|(name, condition)| CheckConstraint {
            name: name.clone(),
            condition: condition.clone(),
        })
        .collect();
    Ok(Some(out))
}

/// The columns and the primary key.
fn read_columns(
    catalog: &mut Catalog<'_>,
    parsed: &ParsedTable,
    out: &mut Table,
) -> Result<(), DbError> {
    let q = catalog.of(COLUMNS, "table", &out.name.name)?;
    let mut key: Vec<(u32, String)> = vec![];
    for row in &q.rows {
        let name = catalog.required(&q, row, 0, "name")?;
        let written = parsed
            .columns
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(&name));
        if cell(row, 5).is_some_and(|hidden| hidden != "0") {
            let definition = written.map_or(name.clone(), |c| c.definition.clone());
            return Err(catalog.bad(&q, "sql", &definition));
        }
        let position: u32 = cell(row, 4).and_then(|p| p.parse().ok()).unwrap_or(0);
        if position > 0 {
            key.push((position, name.clone()));
        }
        let default = cell(row, 3).map(|pragma| {
            // The pragma drops the parentheses of `DEFAULT (1 + 2)`.
            written
                .and_then(|c| c.default.clone())
                .unwrap_or_else(|| pragma.to_owned())
        });
        out.columns.push(Column {
            ty: column_type(cell(row, 1).unwrap_or_default()),
            nullable: cell(row, 2) != Some("1"),
            primary_key: position > 0,
            server_default: default,
            unique: false,
            comment: None,
            autoincrement: written.is_some_and(|c| c.autoincrement).then_some(true),
            name,
        });
    }
    key.sort();
    let key: Vec<String> = key.into_iter().map(|(_, name)| name).collect();
    // A lone `INTEGER PRIMARY KEY` is the rowid: it can never hold NULL,
    // whatever `PRAGMA table_info` says when NOT NULL was not written.
    if let [only] = key.as_slice()
        && let Some(c) = out.columns.iter_mut().find(|c| &c.name == only)
        && c.ty == ColumnType::Integer
    {
        c.nullable = false;
    }
    if parsed.primary_key_autoincrement
        && let [only] = key.as_slice()
        && let Some(c) = out.columns.iter_mut().find(|c| &c.name == only)
    {
        c.autoincrement = Some(true);
    }
    let in_table_order = out.primary_key_columns() == key;
    if parsed.primary_key_name.is_some() || !in_table_order {
        out.primary_key = Some(PrimaryKey {
            name: parsed.primary_key_name.clone(),
            columns: key,
        });
    }
    Ok(())
}

/// The declared type as a [`ColumnType`]: the portable type when SQLite
/// renders it back to the same text, else the text itself.
fn column_type(declared: &str) -> ColumnType {
    let squeeze = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect()
    };
    match ColumnType::parse(declared) {
        Ok(ty)
            if Sqlite
                .render_type(&ty)
                .is_ok_and(|rendered| squeeze(&rendered) == squeeze(declared)) =>
        {
            ty
        }
        _ => ColumnType::Other(declared.to_owned()),
    }
}

/// Indexes made by `CREATE INDEX`, and the unique constraints behind the
/// `sqlite_autoindex_*` indexes.
fn read_indexes(
    catalog: &mut Catalog<'_>,
    parsed: &ParsedTable,
    out: &mut Table,
) -> Result<(), DbError> {
    let q = match catalog.master {
        // The list, with each index's SQL and creation order from the
        // master table read once.
        Some(master) => {
            let mut q = catalog.of(INDEX_LIST, "table", &out.name.name)?;
            let mut rows: Vec<(i64, Row)> = q
                .rows
                .drain(..)
                .map(|mut row| {
                    let o = cell(&row, 0).and_then(|n| master.get("index", n));
                    row.push(o.and_then(|o| o.sql.clone()));
                    (o.map_or(i64::MAX, |o| o.rowid), row)
                })
                .collect();
            rows.sort_by_key(|(rowid, _)| *rowid);
            q.rows = rows.into_iter().map(|(_, row)| row).collect();
            q
        }
        None => catalog.query(INDEXES, &[("table", lit(&out.name.name))])?,
    };
    let mut constraint_indexes: Vec<Vec<String>> = vec![];
    for row in &q.rows {
        let name = catalog.required(&q, row, 0, "name")?;
        let sql = cell(row, 4).unwrap_or_default();
        let columns_q = catalog.of(INDEX_COLUMNS, "index", &name)?;
        let mut columns = Vec::with_capacity(columns_q.rows.len());
        for (i, r) in columns_q.rows.iter().enumerate() {
            match cell(r, 0) {
                Some(name) => columns.push(name.to_owned()),
                // A NULL name is an expression: its text, from the SQL.
                None => {
                    let parts = ddl::index_parts(sql).map_err(|_| catalog.bad(&q, "sql", sql))?;
                    let part = parts.get(i).ok_or_else(|| catalog.bad(&q, "sql", sql))?;
                    columns.push(format!("({part})"));
                }
            }
        }
        match cell(row, 2) {
            Some("pk") => {}
            Some("u") => constraint_indexes.push(columns),
            _ => {
                let where_clause = match cell(row, 3) {
                    Some("1") => Some(
                        ddl::index_where(sql)
                            .ok()
                            .flatten()
                            .ok_or_else(|| catalog.bad(&q, "sql", sql))?,
                    ),
                    _ => None,
                };
                out.indexes.push(Index {
                    name,
                    columns,
                    unique: cell(row, 1) == Some("1"),
                    where_clause,
                });
            }
        }
    }
    let mut used = vec![false; constraint_indexes.len()];
    for written in &parsed.uniques {
        let Some(i) = (0..used.len())
            .find(|&i| !used[i] && same_names(&constraint_indexes[i], &written.columns))
        else {
            // SQLite makes no index for a constraint another one repeats.
            continue;
        };
        used[i] = true;
        let columns = constraint_indexes[i].clone();
        let column = match columns.as_slice() {
            [only] if written.column_level && written.name.is_none() => {
                out.columns.iter_mut().find(|c| &c.name == only)
            }
            _ => None,
        };
        match column {
            Some(c) => c.unique = true,
            None => out.uniques.push(UniqueConstraint {
                name: written.name.clone(),
                columns,
            }),
        }
    }
    for (columns, _) in constraint_indexes.into_iter().zip(used).filter(|(_, u)| !u) {
        out.uniques.push(UniqueConstraint {
            name: None,
            columns,
        });
    }
    Ok(())
}

/// The foreign keys, in the order they are written.
fn read_foreign_keys(
    catalog: &mut Catalog<'_>,
    parsed: &ParsedTable,
    out: &mut Table,
) -> Result<(), DbError> {
    let q = catalog.of(FOREIGN_KEYS, "table", &out.name.name)?;
    // One row per column; consecutive rows with the same id are one key.
    let mut keys: Vec<(&str, ForeignKey, Vec<Option<String>>)> = vec![];
    for row in &q.rows {
        let id = cell(row, 0).unwrap_or_default();
        let from = catalog.required(&q, row, 2, "from")?;
        let to = cell(row, 3).map(str::to_owned);
        match keys.last_mut() {
            Some((last, fk, targets)) if *last == id => {
                fk.columns.push(from);
                targets.push(to);
            }
            _ => {
                let action = |i| {
                    cell(row, i)
                        .filter(|a| *a != "NO ACTION")
                        .map(str::to_owned)
                };
                let fk = ForeignKey {
                    name: None,
                    columns: vec![from],
                    referent_table: TableName::new(catalog.required(&q, row, 1, "table")?),
                    referent_columns: vec![],
                    on_delete: action(5),
                    on_update: action(4),
                };
                keys.push((id, fk, vec![to]));
            }
        }
    }
    let mut used = vec![false; parsed.foreign_keys.len()];
    for (_, mut fk, targets) in keys {
        fk.referent_columns = match targets.into_iter().collect::<Option<Vec<_>>>() {
            Some(columns) => columns,
            // `REFERENCES parent` with no columns: the parent's key.
            None => {
                let parent = &fk.referent_table.name;
                let key = catalog.of(PRIMARY_KEY, "table", parent)?;
                let columns: Vec<String> = key
                    .rows
                    .iter()
                    .filter_map(|r| cell(r, 0))
                    .map(str::to_owned)
                    .collect();
                if columns.len() != fk.columns.len() {
                    return Err(catalog.bad(&q, "to", &format!("NULL (the key of {parent})")));
                }
                columns
            }
        };
        if let Some(i) = (0..used.len()).find(|&i| {
            let w = &parsed.foreign_keys[i];
            !used[i]
                && same_names(&fk.columns, &w.columns)
                && w.referent_table
                    .eq_ignore_ascii_case(&fk.referent_table.name)
        }) {
            used[i] = true;
            fk.name = parsed.foreign_keys[i].name.clone();
        }
        out.foreign_keys.push(fk);
    }
    Ok(())
}

/// Equal lists of column names, as SQLite compares them (ASCII case aside).
fn same_names(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignore_ascii_case(y))
}

/// The value of column `i` of a catalog row.
fn cell(row: &Row, i: usize) -> Option<&str> {
    row.get(i).and_then(|v| v.as_deref())
}

/// `text` as a SQL string literal.
fn lit(text: &str) -> String {
    literal(DialectName::Sqlite, text)
}

/// A query against one attached database's catalog, and its rows.
struct Answer {
    sql: String,
    rows: Vec<Row>,
}

/// The connection and the attached database being read.
struct Catalog<'c> {
    conn: &'c mut dyn Connection,
    schema: String,
    /// `main`'s master table, when a whole schema is being read.
    master: Option<&'c Master>,
}

impl Catalog<'_> {
    /// The rows of a per-table (`arg` = `table`) or per-index query for
    /// `name`: prefetched for a whole-schema inspection, else queried.
    fn of(&mut self, template: &'static str, arg: &str, name: &str) -> Result<Answer, DbError> {
        if let Some((sql, rows)) = self.master.and_then(|m| m.rows(template, name)) {
            return Ok(Answer {
                sql: sql.to_owned(),
                rows,
            });
        }
        self.query(template, &[(arg, lit(name))])
    }

    /// Runs `template` with `{schema}` (the database as an identifier),
    /// `{schema_name}` (as a string) and `args` filled in.
    fn query(&mut self, template: &str, args: &[(&str, String)]) -> Result<Answer, DbError> {
        let mut all = vec![
            ("schema", ident(DialectName::Sqlite, &self.schema)),
            ("schema_name", lit(&self.schema)),
        ];
        all.extend(args.iter().map(|(k, v)| (*k, v.clone())));
        let sql = bind(template, &all);
        let rows = self.conn.query_strings(&sql)?;
        Ok(Answer { sql, rows })
    }

    /// Column `i` of `row`, which the catalog never leaves NULL.
    fn required(
        &self,
        q: &Answer,
        row: &Row,
        i: usize,
        column: &'static str,
    ) -> Result<String, DbError> {
        cell(row, i)
            .map(str::to_owned)
            .ok_or_else(|| self.bad(q, column, "NULL"))
    }

    /// A catalog value that retort cannot turn into the model.
    fn bad(&self, q: &Answer, column: &'static str, value: &str) -> DbError {
        DbError::BadValue {
            table: format!("{}.sqlite_master", self.schema),
            column,
            value: value.to_owned(),
            sql: q.sql.clone(),
        }
    }
}

/// `template` with each `{name}` in `args` replaced, in one pass (a value
/// that contains `{...}` is never replaced again).
fn bind(template: &str, args: &[(&str, String)]) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let arg = after
            .find('}')
            .and_then(|close| Some((close, &args.iter().find(|(k, _)| *k == &after[..close])?.1)));
        match arg {
            Some((close, value)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Whether the attached database exists: `main`, `temp`, or a name given
/// to `ATTACH DATABASE ... AS name`.
const SCHEMA_EXISTS: &str =
    "SELECT name FROM pragma_database_list WHERE name = {schema_name} COLLATE NOCASE";

/// The table's name as stored and its `CREATE TABLE` text. SQLite matches
/// names without regard to ASCII case, hence `NOCASE`; views and indexes
/// share `sqlite_master`, hence the type.
const TABLE_SQL: &str = "SELECT name, sql FROM {schema}.sqlite_master \
     WHERE type = 'table' AND name = {table} COLLATE NOCASE";

/// The columns in order, hidden ones included (`hidden`: 0 for a plain
/// column, 1 for a virtual table's hidden column, 2 and 3 for generated
/// columns). `pk` is the column's position in the primary key, 0 when it is
/// not in it; `dflt_value` is the default's text.
const COLUMNS: &str = "SELECT name, type, \"notnull\", dflt_value, pk, hidden \
     FROM pragma_table_xinfo({table}, {schema_name}) ORDER BY cid";

/// The indexes, in the order they were created: `sqlite_master`'s rowid
/// (`PRAGMA index_list` lists the newest first). `origin` is `c` for
/// `CREATE INDEX`, `u` for a `UNIQUE` constraint and `pk` for the primary
/// key; `sql` is NULL for the last two (`sqlite_autoindex_*`).
const INDEXES: &str = "SELECT l.name, l.\"unique\", l.origin, l.partial, m.sql \
     FROM pragma_index_list({table}, {schema_name}) AS l \
     LEFT JOIN {schema}.sqlite_master AS m ON m.type = 'index' AND m.name = l.name \
     ORDER BY m.rowid";

/// An index's key columns in order; `name` is NULL for an expression.
const INDEX_COLUMNS: &str =
    "SELECT name FROM pragma_index_info({index}, {schema_name}) ORDER BY seqno";

/// The per-table and per-index queries of a whole-schema inspection, each
/// with the query that gives its rows for every table of `main` at once
/// (the table's or index's name first): a fixed number of statements
/// whatever the number of tables.
const BULK: [(&str, &str); 5] = [
    (
        COLUMNS,
        "SELECT m.name, c.name, c.type, c.\"notnull\", c.dflt_value, c.pk, c.hidden \
         FROM main.sqlite_master AS m, pragma_table_xinfo(m.name, 'main') AS c \
         WHERE m.type = 'table' ORDER BY m.name, c.cid",
    ),
    (
        INDEX_LIST,
        "SELECT m.name, l.name, l.\"unique\", l.origin, l.partial \
         FROM main.sqlite_master AS m, pragma_index_list(m.name, 'main') AS l \
         WHERE m.type = 'table'",
    ),
    (
        INDEX_COLUMNS,
        "SELECT l.name, i.name \
         FROM main.sqlite_master AS m, pragma_index_list(m.name, 'main') AS l, \
             pragma_index_info(l.name, 'main') AS i \
         WHERE m.type = 'table' ORDER BY l.name, i.seqno",
    ),
    (
        FOREIGN_KEYS,
        "SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete \
         FROM main.sqlite_master AS m, pragma_foreign_key_list(m.name, 'main') AS f \
         WHERE m.type = 'table' ORDER BY m.name, f.id DESC, f.seq",
    ),
    (
        PRIMARY_KEY,
        "SELECT m.name, c.name \
         FROM main.sqlite_master AS m, pragma_table_info(m.name, 'main') AS c \
         WHERE m.type = 'table' AND c.pk > 0 ORDER BY m.name, c.pk",
    ),
];

/// Every object of `main` (for a whole-schema inspection).
const MASTER: &str = "SELECT type, name, sql, rowid FROM main.sqlite_master";

/// The indexes of a table, without their SQL (taken from [`MASTER`]).
const INDEX_LIST: &str = "SELECT name, \"unique\", origin, partial \
     FROM pragma_index_list({table}, {schema_name})";

/// The foreign keys, one row per column. `id` numbers the keys from the
/// last written to the first, hence the descending order; `to` is NULL
/// when `REFERENCES parent` names no columns (the parent's primary key);
/// an action not written reads `NO ACTION`.
const FOREIGN_KEYS: &str = "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete \
     FROM pragma_foreign_key_list({table}, {schema_name}) ORDER BY id DESC, seq";

/// A referred table's primary key columns, in key order.
const PRIMARY_KEY: &str =
    "SELECT name FROM pragma_table_info({table}, {schema_name}) WHERE pk > 0 ORDER BY pk";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bind_replaces_once() {
        let sql = bind(
            "{a} {b} {c}",
            &[("a", "'{b}'".to_owned()), ("b", "x".to_owned())],
        );
        assert_eq!(sql, "'{b}' x {c}");
    }

    #[test]
    fn types_keep_their_declared_text() {
        assert_eq!(column_type("INTEGER"), ColumnType::Integer);
        assert_eq!(column_type("varchar( 20 )"), ColumnType::Varchar(Some(20)));
        assert_eq!(
            column_type("NUMERIC(10,2)"),
            ColumnType::Numeric {
                precision: Some(10),
                scale: Some(2)
            }
        );
        for other in [
            "UUID",
            "TIMESTAMP",
            "INT",
            "",
            "varchar(x)",
            "DOUBLE PRECISION",
        ] {
            assert_eq!(column_type(other), ColumnType::Other(other.into()));
        }
    }
}
