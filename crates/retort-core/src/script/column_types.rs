//! Column types checked where a revision file is read, on its spanned TOML
//! tree, so that a misspelt type (`type = "integr"`) is reported with the
//! file, line and column of the value, before any operation runs.
//!
//! The fields that hold a type: `type` and `existing_type` of the operation
//! itself (`alter_column`), `type` of its `column` (`add_column`) and of each
//! of its `columns` (`create_table`), and the same in each nested operation
//! of `ops` (`batch_alter_table`). Nothing else is looked at: a
//! `bulk_insert` row may well have a column named `type`.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::types::{ColumnType, names};

/// The first bad column type of one operation: its byte offset in the file
/// and what is wrong.
pub(super) fn check_operation(op: &DeTable<'_>) -> Result<(), (usize, String)> {
    for key in ["type", "existing_type"] {
        check_field(op, key, key)?;
    }
    if let Some(DeValue::Table(column)) = field(op, "column").map(Spanned::get_ref) {
        check_field(column, "type", "column.type")?;
    }
    if let Some(DeValue::Array(columns)) = field(op, "columns").map(Spanned::get_ref) {
        for (i, item) in columns.iter().enumerate() {
            if let DeValue::Table(column) = item.get_ref() {
                check_field(column, "type", &format!("columns[{i}].type"))?;
            }
        }
    }
    if let Some(DeValue::Array(nested)) = field(op, "ops").map(Spanned::get_ref) {
        for (i, item) in nested.iter().enumerate() {
            if let DeValue::Table(inner) = item.get_ref() {
                check_operation(inner).map_err(|(at, message)| {
                    (at, format!("nested operation {}: {message}", i + 1))
                })?;
            }
        }
    }
    Ok(())
}

fn field<'a, 'i>(table: &'a DeTable<'i>, key: &str) -> Option<&'a Spanned<DeValue<'i>>> {
    table
        .iter()
        .find(|(k, _)| k.get_ref() == key)
        .map(|(_, v)| v)
}

/// `table.key`, when it is a string, as a type that parses and that some
/// database knows (or is marked `verbatim(...)`). Other value kinds are
/// left to the operation reader, which says what to write.
fn check_field(table: &DeTable<'_>, key: &str, shown: &str) -> Result<(), (usize, String)> {
    let Some(value) = field(table, key) else {
        return Ok(());
    };
    let DeValue::String(text) = value.get_ref() else {
        return Ok(());
    };
    let at = value.span().start;
    let ty = ColumnType::parse_field(text).map_err(|e| (at, format!("`{shown}`: {e}")))?;
    names::check_known(&ty).map_err(|m| (at, format!("`{shown}`: {m}")))
}
