//! PostgreSQL's spelling of the portable types.
//!
//! `json` is `JSON` (SQLAlchemy's `JSON` type; write `jsonb` for JSONB, it
//! passes through); an auto-incrementing integer key is `SERIAL` /
//! `BIGSERIAL` / `SMALLSERIAL`, as SQLAlchemy renders it; `enum(name, ...)`
//! is the named type `name`, which `create_enum` creates.

use crate::dialect::ddl::numeric;
use crate::dialect::{Dialect, DialectError};
use crate::types::{ColumnType, names};

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

/// True when changing a column from `from` to `to` needs `USING`: the
/// conservative rule of when PostgreSQL has no implicit or assignment cast
/// (`ALTER COLUMN ... TYPE` fails with "column cannot be cast
/// automatically"):
/// - from a string type (`varchar`, `text`, `char`, `citext`) to anything
///   but a string type or `bytea` (numbers, `boolean`, dates and times,
///   `json`, `uuid`, enums, arrays: their casts from text are explicit);
/// - between `integer` and `boolean` (explicit casts both ways).
///
/// Everything else (number widening and narrowing, anything to a string
/// type, `timestamp` to `date`) has an assignment cast and needs none.
/// `USING "col"::<new type>` is then what Alembic's `postgresql_using`
/// is usually set to; a value that does not convert fails the statement,
/// and the revision's transaction rolls back.
pub(crate) fn needs_using(from: &ColumnType, to: &ColumnType) -> bool {
    let bytes = |t: &ColumnType| match t {
        ColumnType::Blob => true,
        ColumnType::Other(text) | ColumnType::Verbatim(text) => {
            names::leading_name(text) == "bytea"
        }
        _ => false,
    };
    match (from, to) {
        (ColumnType::Integer, ColumnType::Boolean) | (ColumnType::Boolean, ColumnType::Integer) => {
            true
        }
        (f, t) => stringy(f) && !stringy(t) && !bytes(t),
    }
}

/// A string type: `varchar`, `text`, `char`, `citext`.
fn stringy(t: &ColumnType) -> bool {
    match t {
        ColumnType::Varchar(_) | ColumnType::Text => true,
        ColumnType::Other(text) | ColumnType::Verbatim(text) => matches!(
            names::leading_name(text).as_str(),
            "varchar"
                | "character varying"
                | "character"
                | "char"
                | "text"
                | "bpchar"
                | "citext"
                | "name"
        ),
        _ => false,
    }
}

/// True when one of the types is a string type and the other is not: the
/// column's default, converted by PostgreSQL with the column, would keep
/// the old type's spelling (`5` on a `varchar`).
pub(crate) fn crosses_string_types(from: &ColumnType, to: &ColumnType) -> bool {
    stringy(from) != stringy(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn using_is_needed_only_without_an_assignment_cast() {
        let v = ColumnType::Varchar(Some(20));
        assert!(needs_using(&v, &ColumnType::Integer));
        assert!(needs_using(&ColumnType::Text, &ColumnType::Boolean));
        assert!(needs_using(&v, &ColumnType::Date));
        assert!(needs_using(&v, &ColumnType::Json));
        assert!(needs_using(&v, &ColumnType::Uuid));
        assert!(needs_using(
            &ColumnType::Other("character varying(5)".into()),
            &ColumnType::BigInt
        ));
        assert!(needs_using(&ColumnType::Integer, &ColumnType::Boolean));
        assert!(!needs_using(&ColumnType::Integer, &v));
        assert!(!needs_using(&ColumnType::Integer, &ColumnType::BigInt));
        assert!(!needs_using(&v, &ColumnType::Text));
        assert!(!needs_using(&ColumnType::DateTime, &ColumnType::Date));
    }

    #[test]
    fn a_cast_type_change_renders_using_and_restates_the_default() {
        use crate::dialect::{Dialect, Postgres};
        use crate::ops::{AlterColumn, Setting};
        use crate::schema::TableName;
        let alter = AlterColumn {
            table: TableName::new("item"),
            column: "code".into(),
            ty: Some(ColumnType::Integer),
            existing_type: Some(ColumnType::Varchar(Some(10))),
            existing_server_default: Some(Setting::Set("'5'::character varying".into())),
            ..AlterColumn::default()
        };
        let sql: Vec<String> = Postgres
            .alter_column(&alter)
            .unwrap()
            .into_iter()
            .map(|s| s.into_string())
            .collect();
        assert_eq!(
            sql,
            [
                r#"ALTER TABLE "item" ALTER COLUMN "code" DROP DEFAULT"#,
                r#"ALTER TABLE "item" ALTER COLUMN "code" TYPE INTEGER USING "code"::INTEGER"#,
                r#"ALTER TABLE "item" ALTER COLUMN "code" SET DEFAULT '5'"#,
            ]
        );
    }
}
