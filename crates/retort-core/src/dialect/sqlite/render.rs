//! SQLite's spelling of the portable types: the names SQLAlchemy uses,
//! which give each column the right type affinity.
//!
//! An `integer` primary key is SQLite's rowid alias and auto-increments on
//! its own, so no `AUTOINCREMENT` keyword is rendered.

use crate::dialect::ddl::numeric;
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
