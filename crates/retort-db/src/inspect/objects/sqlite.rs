//! SQLite's views, triggers and virtual tables: `sqlite_master.sql`
//! verbatim, in `rowid` order (the order they were created).

use retort_core::schema::{ObjectKind, SchemaObject};

use super::Rows;
use crate::connection::Connection;
use crate::error::DbError;

/// Reads the views, triggers and virtual tables of `main` with one query.
pub fn read(conn: &mut dyn Connection) -> Result<Vec<SchemaObject>, DbError> {
    let rows = Rows::query(conn, OBJECTS.to_owned())?;
    let mut out = Vec::with_capacity(rows.rows.len());
    for row in &rows.rows {
        let kind = rows.required(row, 0, "type")?;
        let name = rows.required(row, 1, "name")?;
        let table = rows.required(row, 2, "tbl_name")?;
        let sql = rows.required(row, 3, "sql")?;
        out.push(match kind.as_str() {
            "trigger" => SchemaObject::new(ObjectKind::Trigger, name, sql).on_table(table),
            "table" => SchemaObject::new(ObjectKind::VirtualTable, name, sql),
            _ => SchemaObject::new(ObjectKind::View, name, sql),
        });
    }
    Ok(out)
}

/// Views, triggers and virtual tables (as `PRAGMA table_list` tells them
/// from ordinary and shadow tables) with their text, in creation order.
const OBJECTS: &str = "SELECT type, name, tbl_name, sql FROM main.sqlite_master \
     WHERE (type IN ('view', 'trigger') OR (type = 'table' AND name IN \
         (SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'virtual'))) \
     AND sql IS NOT NULL ORDER BY rowid";
