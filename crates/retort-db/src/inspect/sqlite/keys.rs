//! A table's indexes, unique constraints and foreign keys: `PRAGMA
//! index_list`, `index_info` and `foreign_key_list` for what they are, the
//! `CREATE INDEX` and `CREATE TABLE` texts for names, conditions, key part
//! orders, conflict clauses and deferral.

use retort_core::schema::{ForeignKey, Index, KeyOrder, Table, TableName, UniqueConstraint};

use super::catalog::{
    Catalog, FOREIGN_KEYS, INDEX_COLUMNS, INDEX_LIST, INDEXES, PRIMARY_KEY, cell, lit,
};
use super::ddl::ParsedTable;
use super::index_sql;
use crate::connection::Row;
use crate::error::DbError;

/// Indexes made by `CREATE INDEX`, and the unique constraints behind the
/// `sqlite_autoindex_*` indexes.
pub(super) fn read_indexes(
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
        // What the pragma leaves out, from the SQL (none for the indexes
        // of constraints, which have no SQL).
        let keys = match sql {
            "" => vec![],
            sql => index_sql::index_keys(sql).map_err(|_| catalog.bad(&q, "sql", sql))?,
        };
        let mut columns = Vec::with_capacity(columns_q.rows.len());
        for (i, r) in columns_q.rows.iter().enumerate() {
            match cell(r, 0) {
                Some(name) => columns.push(name.to_owned()),
                // A NULL name is an expression: its text, from the SQL.
                None => {
                    let part = keys.get(i).ok_or_else(|| catalog.bad(&q, "sql", sql))?;
                    columns.push(format!("({})", part.text));
                }
            }
        }
        let mut orders: Vec<KeyOrder> = keys
            .into_iter()
            .map(|k| KeyOrder {
                collation: k.collation,
                descending: k.descending,
                opclass: None,
            })
            .collect();
        if !orders.is_empty() && orders.len() != columns.len() {
            return Err(catalog.bad(&q, "sql", sql));
        }
        if orders.iter().all(KeyOrder::is_default) {
            orders.clear();
        }
        match cell(row, 2) {
            Some("pk") => {}
            Some("u") => constraint_indexes.push(columns),
            _ => {
                let where_clause = match cell(row, 3) {
                    Some("1") => Some(
                        index_sql::index_where(sql)
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
                    orders,
                    using: None,
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
            [only]
                if written.column_level
                    && written.name.is_none()
                    && written.on_conflict.is_none() =>
            {
                out.columns.iter_mut().find(|c| &c.name == only)
            }
            _ => None,
        };
        match column {
            Some(c) => c.unique = true,
            None => out.uniques.push(UniqueConstraint {
                name: written.name.clone(),
                columns,
                on_conflict: written.on_conflict,
            }),
        }
    }
    for (columns, _) in constraint_indexes.into_iter().zip(used).filter(|(_, u)| !u) {
        out.uniques.push(UniqueConstraint {
            name: None,
            columns,
            on_conflict: None,
        });
    }
    Ok(())
}

/// The foreign keys, in the order they are written.
pub(super) fn read_foreign_keys(
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
                    ..ForeignKey::default()
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
            let w = &parsed.foreign_keys[i];
            fk.name = w.name.clone();
            fk.match_kind = w.match_kind.clone();
            fk.deferrable = w.deferrable;
            fk.initially_deferred = w.initially_deferred;
        }
        out.foreign_keys.push(fk);
    }
    Ok(())
}

/// Equal lists of column names, as SQLite compares them (ASCII case aside).
fn same_names(a: &[String], b: &[String]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.eq_ignore_ascii_case(y))
}
