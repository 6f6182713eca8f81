//! SQLite's spelling of the portable types: the names SQLAlchemy uses,
//! which give each column the right type affinity.
//!
//! An `integer` primary key is SQLite's rowid alias and auto-increments on
//! its own, so the `AUTOINCREMENT` keyword is rendered only for a column
//! that asks for it (`sqlite_autoincrement`: ids never reused).

use crate::dialect::ddl::{numeric, qualified};
use crate::dialect::{Dialect, Statement};
use crate::schema::TableName;
use crate::types::ColumnType;

/// The SQLite type for a portable type.
pub(crate) fn render_type(ty: &ColumnType) -> String {
    match ty {
        ColumnType::Integer => "INTEGER".into(),
        ColumnType::BigInt => "BIGINT".into(),
        ColumnType::SmallInt => "SMALLINT".into(),
        ColumnType::Varchar(None) => "VARCHAR".into(),
        ColumnType::Varchar(Some(n)) => format!("VARCHAR({n})"),
        ColumnType::Text => "TEXT".into(),
        ColumnType::Boolean => "BOOLEAN".into(),
        ColumnType::Date => "DATE".into(),
        // SQLite has no time zones: both are stored as text.
        ColumnType::DateTime | ColumnType::TimestampTz => "DATETIME".into(),
        ColumnType::Time => "TIME".into(),
        ColumnType::Float => "FLOAT".into(),
        ColumnType::Double => "DOUBLE".into(),
        ColumnType::Numeric { precision, scale } => numeric(*precision, *scale),
        ColumnType::Blob => "BLOB".into(),
        ColumnType::Json => "JSON".into(),
        ColumnType::Uuid => "CHAR(36)".into(),
        // Like SQLAlchemy's non-native enum: a string long enough for
        // every value.
        ColumnType::Enum { values, .. } => format!(
            "VARCHAR({})",
            values.iter().map(|v| v.chars().count()).max().unwrap_or(1)
        ),
        ColumnType::Other(text) | ColumnType::Verbatim(text) => text.clone(),
    }
}

/// The statements that give `to` the `sqlite_sequence` value of `from`
/// (in the database of `from`).
pub(crate) fn copy_sequence<D: Dialect + ?Sized>(
    d: &D,
    from: &TableName,
    to: &TableName,
) -> Vec<Statement> {
    let sequence = qualified(
        d,
        &TableName {
            schema: from.schema.clone(),
            name: "sqlite_sequence".into(),
        },
    );
    let (from, to) = (d.quote_string(&from.name), d.quote_string(&to.name));
    vec![
        Statement::new(format!("DELETE FROM {sequence} WHERE name = {to}")),
        Statement::new(format!(
            "INSERT INTO {sequence} (name, seq) SELECT {to}, seq FROM {sequence} WHERE name = {from}"
        )),
    ]
}
