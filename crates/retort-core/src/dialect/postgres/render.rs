//! PostgreSQL's spelling of the portable types.
//!
//! `json` is `JSON` (SQLAlchemy's `JSON` type; write `jsonb` for JSONB, it
//! passes through); an auto-incrementing integer key is `SERIAL` /
//! `BIGSERIAL` / `SMALLSERIAL`, as SQLAlchemy renders it; `enum(name, ...)`
//! is the named type `name`, which `create_enum` creates.

use crate::dialect::ddl::numeric;
use crate::dialect::{Dialect, DialectError};
use crate::types::ColumnType;

/// The PostgreSQL type for a portable type.
pub(crate) fn render_type<D: Dialect + ?Sized>(
    d: &D,
    ty: &ColumnType,
) -> Result<String, DialectError> {
    Ok(match ty {
        ColumnType::Integer => "INTEGER".into(),
        ColumnType::BigInt => "BIGINT".into(),
        ColumnType::SmallInt => "SMALLINT".into(),
        ColumnType::Varchar(None) => "VARCHAR".into(),
        ColumnType::Varchar(Some(n)) => format!("VARCHAR({n})"),
        ColumnType::Text => "TEXT".into(),
        ColumnType::Boolean => "BOOLEAN".into(),
        ColumnType::Date => "DATE".into(),
        ColumnType::DateTime => "TIMESTAMP WITHOUT TIME ZONE".into(),
        ColumnType::TimestampTz => "TIMESTAMP WITH TIME ZONE".into(),
        ColumnType::Time => "TIME WITHOUT TIME ZONE".into(),
        ColumnType::Float => "FLOAT".into(),
        ColumnType::Double => "DOUBLE PRECISION".into(),
        ColumnType::Numeric { precision, scale } => numeric(*precision, *scale),
        ColumnType::Blob => "BYTEA".into(),
        ColumnType::Json => "JSON".into(),
        ColumnType::Uuid => "UUID".into(),
        ColumnType::Enum {
            name: Some(name), ..
        } => name
            .split('.')
            .map(|part| d.quote_identifier(part))
            .collect::<Vec<_>>()
            .join("."),
        ColumnType::Enum { name: None, .. } => {
            return Err(DialectError::Type {
                dialect: d.name(),
                ty: ty.to_string(),
                reason: "PostgreSQL enums are named types: write enum(mood, 'a', 'b') and create the type first with create_enum".into(),
            });
        }
        ColumnType::Other(text) | ColumnType::Verbatim(text) => text.clone(),
    })
}

/// `SERIAL` and its siblings for an auto-incrementing integer key.
pub(crate) fn serial<D: Dialect + ?Sized>(d: &D, ty: &ColumnType) -> Result<String, DialectError> {
    Ok(match ty {
        ColumnType::Integer => "SERIAL".into(),
        ColumnType::BigInt => "BIGSERIAL".into(),
        ColumnType::SmallInt => "SMALLSERIAL".into(),
        other => render_type(d, other)?,
    })
}
