//! SQLite's views and triggers: `sqlite_master.sql` verbatim, in `rowid`
//! order (the order they were created).

use retort_core::schema::{ObjectKind, SchemaObject};

use super::Rows;
use crate::connection::Connection;
use crate::error::DbError;

/// Reads the views and triggers of `main` with one query.
pub fn read(conn: &mut dyn Connection) -> Result<Vec<SchemaObject>, DbError> {
    let rows = Rows::query(conn, OBJECTS.to_owned())?;
    let mut out = Vec::with_capacity(rows.rows.len());
    for row in &rows.rows {
        let kind = rows.required(row, 0, "type")?;
        let name = rows.required(row, 1, "name")?;
        let table = rows.required(row, 2, "tbl_name")?;
        let sql = rows.required(row, 3, "sql")?;
        out.push(if kind == "trigger" {
            SchemaObject::new(ObjectKind::Trigger, name, sql).on_table(table)
        } else {
            SchemaObject::new(ObjectKind::View, name, sql)
        });
    }
    Ok(out)
}

/// Views and triggers with their text, in creation order.
const OBJECTS: &str = "SELECT type, name, tbl_name, sql FROM main.sqlite_master \
     WHERE type IN ('view', 'trigger') AND sql IS NOT NULL ORDER BY rowid";
