//! Quoting of identifiers and string literals per dialect, for the SQL this
//! crate writes itself (the version and log tables, locks, introspection).
//!
//! Identifiers are always quoted, so any table or schema name a user
//! configures works, reserved words and upper case included.

use crate::url::DialectName;

/// `name` as a quoted identifier: `"name"` (SQLite, PostgreSQL) or `` `name` ``
/// (MySQL), with the quote character doubled inside (the core dialect's
/// quoting, so the runner and the operations quote alike).
pub fn ident(dialect: DialectName, name: &str) -> String {
    dialect.dialect().quote_identifier(name)
}

/// `schema.name` quoted, or `name` alone when there is no schema.
pub fn qualified(dialect: DialectName, schema: Option<&str>, name: &str) -> String {
    match schema {
        Some(schema) => format!("{}.{}", ident(dialect, schema), ident(dialect, name)),
        None => ident(dialect, name),
    }
}

/// `value` as a string literal, the core dialect's way: single quotes
/// doubled; on MySQL backslashes doubled too (the session reads them as
/// escapes); on PostgreSQL a string with a backslash is an `E'...'` escape
/// string, so that it reads the same whatever `standard_conforming_strings`.
pub fn literal(dialect: DialectName, value: &str) -> String {
    dialect.dialect().quote_string(value)
}

/// FNV-1a: a stable 64-bit hash (the same in every build and run), for
/// deriving lock keys and short lock names (by the server drivers).
#[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
pub(crate) fn fnv1a(text: &str) -> u64 {
    retort_core::script::fnv1a64(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_double_their_quote() {
        assert_eq!(ident(DialectName::Postgresql, "a\"b"), "\"a\"\"b\"");
        assert_eq!(ident(DialectName::Mysql, "a`b"), "`a``b`");
        assert_eq!(
            qualified(DialectName::Sqlite, Some("main"), "v"),
            "\"main\".\"v\""
        );
    }

    #[test]
    fn literals_escape_quotes_and_mysql_backslashes() {
        assert_eq!(literal(DialectName::Sqlite, "it's"), "'it''s'");
        assert_eq!(literal(DialectName::Postgresql, "a\\b"), "E'a\\\\b'");
        assert_eq!(literal(DialectName::Mysql, "a\\b'"), "'a\\\\b'''");
    }
}
