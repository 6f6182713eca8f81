//! Column types: sqlparser's data type, written as SQL text, mapped to the
//! portable [`ColumnType`] so that a type spelled the dialect's way
//! (`int4`, `DOUBLE PRECISION`, `TIMESTAMP WITH TIME ZONE`, `BYTEA`) compares
//! equal to the portable one, and columns typed with a PostgreSQL enum type
//! get its values.

use sqlparser::ast::DataType;

use super::Rules;
use super::error::{self, invalid};
use crate::schema::{EnumType, Schema};
use crate::types::ColumnType;

/// A column's type, and whether its name asks for auto-increment
/// (`SERIAL` and its siblings).
pub(crate) fn column_type(
    rules: &Rules,
    data_type: &DataType,
    enums: &[EnumType],
    at: (u64, u64),
) -> error::Result<(ColumnType, bool)> {
    if let DataType::Custom(name, modifiers) = data_type
        && modifiers.is_empty()
    {
        let parts = rules.name_parts(name)?;
        if let Some(e) = find_enum(enums, &parts) {
            return Ok((enum_column(e), false));
        }
    }
    let text = data_type.to_string();
    if rules.kind == super::Kind::Sqlite {
        // SQLite keeps the declared text: read it as its inspector does.
        return Ok((crate::dialect::sqlite::declared_type(&text), false));
    }
    let upper = text.to_ascii_uppercase();
    let (base, args) = match upper.find('(') {
        Some(open) => (upper[..open].trim(), &text[open..]),
        None => (upper.trim(), ""),
    };
    let serial = |ty| Ok((ty, true));
    let portable = match (base, args.is_empty()) {
        // MySQL's display widths (`INT(11)`) do not change the type.
        ("INT" | "INTEGER" | "INT4", _) => "integer".to_owned(),
        ("BIGINT" | "INT8", _) => "bigint".to_owned(),
        ("SMALLINT" | "INT2", _) => "smallint".to_owned(),
        ("SERIAL" | "SERIAL4", true) if !rules.serial_is_bigint => {
            return serial(ColumnType::Integer);
        }
        // MySQL's SERIAL is BIGINT UNSIGNED AUTO_INCREMENT.
        ("SERIAL" | "BIGSERIAL" | "SERIAL8", true) => return serial(ColumnType::BigInt),
        ("SMALLSERIAL" | "SERIAL2", true) => return serial(ColumnType::SmallInt),
        ("BOOL" | "BOOLEAN", true) => "boolean".to_owned(),
        ("DOUBLE" | "DOUBLE PRECISION" | "FLOAT8", true) => "double".to_owned(),
        ("TIMESTAMP" | "DATETIME" | "TIMESTAMP WITHOUT TIME ZONE", true) => "datetime".to_owned(),
        ("TIMESTAMPTZ" | "TIMESTAMP WITH TIME ZONE", true) => "timestamptz".to_owned(),
        ("TIME" | "TIME WITHOUT TIME ZONE", true) => "time".to_owned(),
        ("VARCHAR" | "CHARACTER VARYING", _) => format!("varchar{args}"),
        ("DECIMAL" | "NUMERIC", _) => format!("numeric{}", args.replace(' ', "")),
        ("BYTEA" | "BLOB", true) => "blob".to_owned(),
        _ => text.clone(),
    };
    let ty = ColumnType::parse(&portable).map_err(|e| invalid(at, e.to_string()))?;
    Ok((ty, false))
}

fn find_enum<'a>(enums: &'a [EnumType], parts: &[String]) -> Option<&'a EnumType> {
    match parts {
        [name] => enums.iter().find(|e| e.schema.is_none() && &e.name == name),
        [schema, name] => enums
            .iter()
            .find(|e| e.schema.as_deref() == Some(schema.as_str()) && &e.name == name),
        _ => None,
    }
}

/// The type of a column declared with the enum type `e`.
fn enum_column(e: &EnumType) -> ColumnType {
    let name = match &e.schema {
        Some(s) => format!("{s}.{}", e.name),
        None => e.name.clone(),
    };
    ColumnType::Enum {
        name: Some(name),
        values: e.values.clone(),
    }
}

/// Gives the columns typed with an enum declared after their table (later
/// in the file) the enum's values: such a column was read as a verbatim
/// type named like the enum.
pub(crate) fn resolve_enums(schema: &mut Schema) {
    if schema.enums.is_empty() {
        return;
    }
    let enums = schema.enums.clone();
    for column in schema.tables.iter_mut().flat_map(|t| t.columns.iter_mut()) {
        if let ColumnType::Other(text) = &column.ty {
            let parts: Vec<String> = text.split('.').map(unquote).collect();
            if let Some(e) = find_enum(&enums, &parts) {
                column.ty = enum_column(e);
            }
        }
    }
}

/// A name part as PostgreSQL stores it (the only dialect with enum types).
fn unquote(part: &str) -> String {
    match part.strip_prefix('"').and_then(|p| p.strip_suffix('"')) {
        Some(inner) => inner.replace("\"\"", "\""),
        None => part.to_lowercase(),
    }
}
