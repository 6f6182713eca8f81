//! The catalogs' type text as a [`ColumnType`].
//!
//! Each database spells types its own way; these functions turn the
//! spelling back into the portable type when there is one, and keep the
//! text as [`ColumnType::Other`] otherwise, so that nothing is lost.
//!
//! PostgreSQL (`format_type()`), matched without regard to case:
//! - `character varying(n)` → `varchar(n)`, `character varying` → `varchar`
//! - `timestamp without time zone` → `timestamp` (`datetime`),
//!   `timestamp with time zone` → `timestamptz`,
//!   `time without time zone` → `time`
//! - `double precision` → `double`, `bytea` → `blob`
//! - `integer`, `bigint`, `smallint`, `text`, `boolean`, `date`,
//!   `numeric[(p[,s])]`, `json`, `uuid` → themselves.
//! - Anything else (`real`, `character(n)`, `jsonb`, `timestamp(3) ...`,
//!   arrays) stays as written. PostgreSQL's `FLOAT` is `double precision`,
//!   so a `float` column reads back as `double`.
//!
//! MySQL/MariaDB (`COLUMNS.COLUMN_TYPE`):
//! - `tinyint(1)` → `boolean` (what `BOOL` creates)
//! - `int`, `int(11)`, `integer` → `integer`; `bigint(20)` → `bigint`;
//!   `smallint(6)` → `smallint` (the display width is dropped; `unsigned`
//!   and `zerofill` types stay as written)
//! - `decimal(p,s)` → `numeric(p, s)`
//! - `varchar(n)`, `text`, `date`, `datetime`, `time`, `float`, `double`,
//!   `blob`, `json`, `enum('a','b')` → themselves.
//! - Anything else (`char(36)`, `longtext`, `timestamp`) stays as written.

use retort_core::types::ColumnType;

/// A PostgreSQL type as `format_type()` writes it.
pub fn postgres_type(text: &str) -> ColumnType {
    let lower = text.trim().to_ascii_lowercase();
    let portable = if let Some(rest) = lower.strip_prefix("character varying") {
        format!("varchar{rest}")
    } else {
        match lower.as_str() {
            "timestamp without time zone" => "timestamp".to_owned(),
            "timestamp with time zone" => "timestamptz".to_owned(),
            "time without time zone" => "time".to_owned(),
            "double precision" => "double".to_owned(),
            "bytea" => "blob".to_owned(),
            "integer" | "bigint" | "smallint" | "text" | "boolean" | "date" | "json" | "uuid" => {
                lower.clone()
            }
            _ if lower == "numeric" || lower.starts_with("numeric(") => lower.clone(),
            _ => return ColumnType::Other(text.to_owned()),
        }
    };
    portable_or_other(&portable, text)
}

/// A MySQL/MariaDB type as `COLUMNS.COLUMN_TYPE` writes it.
pub fn mysql_type(text: &str) -> ColumnType {
    let lower = text.trim().to_ascii_lowercase();
    if lower == "tinyint(1)" {
        return ColumnType::Boolean;
    }
    let (name, args) = match lower.find('(') {
        Some(open) if lower.ends_with(')') => (&lower[..open], Some(&lower[open..])),
        _ => (lower.as_str(), None),
    };
    let portable = match (name, args) {
        ("int" | "integer", _) => "integer".to_owned(),
        ("bigint", _) => "bigint".to_owned(),
        ("smallint", _) => "smallint".to_owned(),
        ("decimal" | "numeric", a) => format!("numeric{}", a.unwrap_or_default()),
        ("enum", Some(_)) => {
            // Values keep their case.
            return ColumnType::parse(text).unwrap_or_else(|_| ColumnType::Other(text.to_owned()));
        }
        (
            "varchar" | "text" | "date" | "datetime" | "time" | "float" | "double" | "blob"
            | "json",
            _,
        ) => lower.clone(),
        _ => return ColumnType::Other(text.to_owned()),
    };
    portable_or_other(&portable, text)
}

/// The portable type `portable` names, or the catalog's `text` when it does
/// not parse to one.
fn portable_or_other(portable: &str, text: &str) -> ColumnType {
    match ColumnType::parse(portable) {
        Ok(ColumnType::Other(_)) | Err(_) => ColumnType::Other(text.to_owned()),
        Ok(ty) => ty,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str) -> String {
        postgres_type(text).to_string()
    }

    fn m(text: &str) -> String {
        mysql_type(text).to_string()
    }

    #[test]
    fn postgres_spellings() {
        assert_eq!(p("integer"), "integer");
        assert_eq!(p("character varying(255)"), "varchar(255)");
        assert_eq!(p("character varying"), "varchar");
        assert_eq!(p("timestamp without time zone"), "datetime");
        assert_eq!(p("timestamp with time zone"), "timestamptz");
        assert_eq!(p("time without time zone"), "time");
        assert_eq!(p("double precision"), "double");
        assert_eq!(p("numeric(10,2)"), "numeric(10, 2)");
        assert_eq!(p("bytea"), "blob");
        for other in [
            "real",
            "character(3)",
            "jsonb",
            "integer[]",
            "timestamp(3) without time zone",
        ] {
            assert_eq!(postgres_type(other), ColumnType::Other(other.into()));
        }
    }

    #[test]
    fn mysql_spellings() {
        assert_eq!(m("tinyint(1)"), "boolean");
        assert_eq!(m("int(11)"), "integer");
        assert_eq!(m("int"), "integer");
        assert_eq!(m("bigint(20)"), "bigint");
        assert_eq!(m("smallint(6)"), "smallint");
        assert_eq!(m("decimal(10,2)"), "numeric(10, 2)");
        assert_eq!(m("varchar(20)"), "varchar(20)");
        assert_eq!(m("enum('A','b')"), "enum('A', 'b')");
        for other in [
            "int(10) unsigned",
            "char(36)",
            "longtext",
            "tinyint(4)",
            "timestamp",
        ] {
            assert_eq!(mysql_type(other), ColumnType::Other(other.into()));
        }
    }
}
