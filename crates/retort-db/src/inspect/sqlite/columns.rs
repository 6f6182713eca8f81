//! A table's columns and primary key: `PRAGMA table_xinfo` for the names,
//! declared types, `NOT NULL`, defaults, key positions and generated
//! columns; the `CREATE TABLE` text for what the pragma leaves out.

use retort_core::dialect::sqlite::declared_type as column_type;
use retort_core::schema::{Column, Generated, PrimaryKey, Table};
use retort_core::types::ColumnType;

use super::catalog::{COLUMNS, Catalog, cell};
use super::ddl::ParsedTable;
use crate::error::DbError;

/// The columns and the primary key.
pub(super) fn read_columns(
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
        let written_text = |name: &str| written.map_or(name.to_owned(), |c| c.definition.clone());
        let generated = match cell(row, 5).unwrap_or("0") {
            "0" => None,
            // A virtual table's hidden column (fts5's `rank`) is the module's.
            "1" if parsed.virtual_module.is_some() => continue,
            // 2: VIRTUAL, 3: STORED; the expression comes from the text.
            hidden @ ("2" | "3") => match written.and_then(|c| c.generated.clone()) {
                Some((expression, _)) => Some(Generated {
                    expression,
                    stored: hidden == "3",
                }),
                None => return Err(catalog.bad(&q, "sql", &written_text(&name))),
            },
            _ => return Err(catalog.bad(&q, "sql", &written_text(&name))),
        };
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
        let ty = column_type(cell(row, 1).unwrap_or_default());
        out.columns.push(Column {
            nullable: cell(row, 2) != Some("1"),
            primary_key: position > 0,
            server_default: default,
            autoincrement: written.is_some_and(|c| c.autoincrement).then_some(true),
            sqlite_autoincrement: written.is_some_and(|c| c.autoincrement),
            collation: written.and_then(|c| c.collation.clone()),
            generated,
            not_null_on_conflict: written.and_then(|c| c.not_null_on_conflict),
            ..Column::new(name, ty)
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
        c.sqlite_autoincrement = true;
    }
    let in_table_order = out.primary_key_columns() == key;
    let on_conflict = parsed.primary_key_on_conflict;
    if parsed.primary_key_name.is_some() || !in_table_order || on_conflict.is_some() {
        out.primary_key = Some(PrimaryKey {
            name: parsed.primary_key_name.clone(),
            columns: key,
            on_conflict,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
