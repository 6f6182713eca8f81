//! The catalog of one SQLite database: the queries (named constants at the
//! end of the file), the connection they run on, and for a whole-schema
//! inspection `main`'s `sqlite_master` read once ([`Master`]) with each
//! pragma's rows for every table at once.

use std::collections::HashMap;

use crate::connection::{Connection, Row};
use crate::error::DbError;
use crate::quote::{ident, literal};
use crate::url::DialectName;

/// `main`'s `sqlite_master`, read once for a whole-schema inspection: by
/// lower-case name, each object's name as stored, `CREATE` text and rowid
/// (the order objects were created in). Looking names up here instead of
/// querying `sqlite_master` for each table and index keeps the work
/// linear in the number of tables.
pub(crate) struct Master {
    objects: HashMap<String, MasterRow>,
    /// The rows each per-table (or per-index) query of this module would
    /// give, read for every table at once ([`BULK`]): by query, then by
    /// lower-case table or index name.
    prefetched: Vec<(&'static str, HashMap<String, Vec<Row>>)>,
}

pub(super) struct MasterRow {
    pub(super) kind: String,
    pub(super) name: String,
    pub(super) sql: Option<String>,
    pub(super) rowid: i64,
}

impl Master {
    /// Reads `main.sqlite_master`.
    pub(crate) fn read(conn: &mut dyn Connection) -> Result<Master, DbError> {
        let rows = conn.query_strings(MASTER)?;
        let mut objects = HashMap::with_capacity(rows.len());
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
            let mut by_name: HashMap<String, Vec<Row>> = HashMap::new();
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
    pub(super) fn rows(&self, per_object: &str, name: &str) -> Option<(&'static str, Vec<Row>)> {
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

    pub(super) fn get(&self, kind: &str, name: &str) -> Option<&MasterRow> {
        self.objects
            .get(&name.to_ascii_lowercase())
            .filter(|o| o.kind == kind)
    }
}

/// The value of column `i` of a catalog row.
pub(super) fn cell(row: &Row, i: usize) -> Option<&str> {
    row.get(i).and_then(|v| v.as_deref())
}

/// `text` as a SQL string literal.
pub(super) fn lit(text: &str) -> String {
    literal(DialectName::Sqlite, text)
}

/// A query against one attached database's catalog, and its rows.
pub(super) struct Answer {
    pub(super) sql: String,
    pub(super) rows: Vec<Row>,
}

/// The connection and the attached database being read.
pub(super) struct Catalog<'c> {
    pub(super) conn: &'c mut dyn Connection,
    pub(super) schema: String,
    /// `main`'s master table, when a whole schema is being read.
    pub(super) master: Option<&'c Master>,
}

impl Catalog<'_> {
    /// The rows of a per-table (`arg` = `table`) or per-index query for
    /// `name`: prefetched for a whole-schema inspection, else queried.
    pub(super) fn of(
        &mut self,
        template: &'static str,
        arg: &str,
        name: &str,
    ) -> Result<Answer, DbError> {
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
    pub(super) fn query(
        &mut self,
        template: &str,
        args: &[(&str, String)],
    ) -> Result<Answer, DbError> {
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
    pub(super) fn required(
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
    pub(super) fn bad(&self, q: &Answer, column: &'static str, value: &str) -> DbError {
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
pub(super) const SCHEMA_EXISTS: &str =
    "SELECT name FROM pragma_database_list WHERE name = {schema_name} COLLATE NOCASE";

/// The table's name as stored and its `CREATE TABLE` text. SQLite matches
/// names without regard to ASCII case, hence `NOCASE`; views and indexes
/// share `sqlite_master`, hence the type.
pub(super) const TABLE_SQL: &str = "SELECT name, sql FROM {schema}.sqlite_master \
     WHERE type = 'table' AND name = {table} COLLATE NOCASE";

/// The columns in order, hidden ones included (`hidden`: 0 for a plain
/// column, 1 for a virtual table's hidden column, 2 and 3 for generated
/// columns). `pk` is the column's position in the primary key, 0 when it is
/// not in it; `dflt_value` is the default's text.
pub(super) const COLUMNS: &str = "SELECT name, type, \"notnull\", dflt_value, pk, hidden \
     FROM pragma_table_xinfo({table}, {schema_name}) ORDER BY cid";

/// The indexes, in the order they were created: `sqlite_master`'s rowid
/// (`PRAGMA index_list` lists the newest first). `origin` is `c` for
/// `CREATE INDEX`, `u` for a `UNIQUE` constraint and `pk` for the primary
/// key; `sql` is NULL for the last two (`sqlite_autoindex_*`).
pub(super) const INDEXES: &str = "SELECT l.name, l.\"unique\", l.origin, l.partial, m.sql \
     FROM pragma_index_list({table}, {schema_name}) AS l \
     LEFT JOIN {schema}.sqlite_master AS m ON m.type = 'index' AND m.name = l.name \
     ORDER BY m.rowid";

/// An index's key columns in order; `name` is NULL for an expression.
pub(super) const INDEX_COLUMNS: &str =
    "SELECT name FROM pragma_index_info({index}, {schema_name}) ORDER BY seqno";

/// The condition on `main.sqlite_master AS m` that keeps its ordinary
/// tables: not virtual tables (whose pragmas fail when their module is not
/// loaded) nor the shadow tables their modules keep.
macro_rules! ordinary_table {
    () => {
        "m.type = 'table' AND m.name IN \
         (SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'table')"
    };
}

/// The per-table and per-index queries of a whole-schema inspection, each
/// with the query that gives its rows for every table of `main` at once
/// (the table's or index's name first): a fixed number of statements
/// whatever the number of tables; ordinary tables only
/// ([`ordinary_table`]).
pub(super) const BULK: [(&str, &str); 5] = [
    (
        COLUMNS,
        concat!(
            "SELECT m.name, c.name, c.type, c.\"notnull\", c.dflt_value, c.pk, c.hidden \
         FROM main.sqlite_master AS m, pragma_table_xinfo(m.name, 'main') AS c \
         WHERE ",
            ordinary_table!(),
            " ORDER BY m.name, c.cid"
        ),
    ),
    (
        INDEX_LIST,
        concat!(
            "SELECT m.name, l.name, l.\"unique\", l.origin, l.partial \
         FROM main.sqlite_master AS m, pragma_index_list(m.name, 'main') AS l \
         WHERE ",
            ordinary_table!()
        ),
    ),
    (
        INDEX_COLUMNS,
        concat!(
            "SELECT l.name, i.name \
         FROM main.sqlite_master AS m, pragma_index_list(m.name, 'main') AS l, \
             pragma_index_info(l.name, 'main') AS i \
         WHERE ",
            ordinary_table!(),
            " ORDER BY l.name, i.seqno"
        ),
    ),
    (
        FOREIGN_KEYS,
        concat!(
            "SELECT m.name, f.id, f.\"table\", f.\"from\", f.\"to\", f.on_update, f.on_delete \
         FROM main.sqlite_master AS m, pragma_foreign_key_list(m.name, 'main') AS f \
         WHERE ",
            ordinary_table!(),
            " ORDER BY m.name, f.id DESC, f.seq"
        ),
    ),
    (
        PRIMARY_KEY,
        concat!(
            "SELECT m.name, c.name \
         FROM main.sqlite_master AS m, pragma_table_info(m.name, 'main') AS c \
         WHERE ",
            ordinary_table!(),
            " AND c.pk > 0 ORDER BY m.name, c.pk"
        ),
    ),
];

/// Every object of `main` (for a whole-schema inspection).
pub(super) const MASTER: &str = "SELECT type, name, sql, rowid FROM main.sqlite_master";

/// The indexes of a table, without their SQL (taken from [`MASTER`]).
pub(super) const INDEX_LIST: &str = "SELECT name, \"unique\", origin, partial \
     FROM pragma_index_list({table}, {schema_name})";

/// The foreign keys, one row per column. `id` numbers the keys from the
/// last written to the first, hence the descending order; `to` is NULL
/// when `REFERENCES parent` names no columns (the parent's primary key);
/// an action not written reads `NO ACTION`.
pub(super) const FOREIGN_KEYS: &str = "SELECT id, \"table\", \"from\", \"to\", on_update, on_delete \
     FROM pragma_foreign_key_list({table}, {schema_name}) ORDER BY id DESC, seq";

/// A referred table's primary key columns, in key order.
pub(super) const PRIMARY_KEY: &str =
    "SELECT name FROM pragma_table_info({table}, {schema_name}) WHERE pk > 0 ORDER BY pk";

/// The views and triggers of the database, in the order they were created,
/// with the table a trigger is on (a view's own name for a view).
pub(super) const DEPENDENTS: &str = "SELECT type, name, tbl_name, sql FROM {schema}.sqlite_master \
     WHERE type IN ('view', 'trigger') AND sql IS NOT NULL ORDER BY rowid";

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
}
