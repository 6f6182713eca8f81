//! Quoting of identifiers and string literals per dialect, for the SQL this
//! crate writes itself (the version and log tables, locks, introspection).
//!
//! Identifiers are always quoted, so any table or schema name a user
//! configures works, reserved words and upper case included.

use crate::url::DialectName;

/// `name` as a quoted identifier: `"name"` (SQLite, PostgreSQL) or `` `name` ``
/// (MySQL), with the quote character doubled inside.
pub fn ident(dialect: DialectName, name: &str) -> String {
    let q = match dialect {
        DialectName::Mysql => '`',
        DialectName::Sqlite | DialectName::Postgresql => '"',
    };
    let mut out = String::with_capacity(name.len() + 2);
    out.push(q);
    for c in name.chars() {
        if c == q {
            out.push(q);
        }
        out.push(c);
    }
    out.push(q);
    out
}

/// `schema.name` quoted, or `name` alone when there is no schema.
pub fn qualified(dialect: DialectName, schema: Option<&str>, name: &str) -> String {
    match schema {
        Some(schema) => format!("{}.{}", ident(dialect, schema), ident(dialect, name)),
        None => ident(dialect, name),
    }
}

/// `value` as a string literal: single quotes doubled; on MySQL backslashes
/// doubled too (its default `sql_mode` reads them as escapes).
pub fn literal(dialect: DialectName, value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        match c {
            '\'' => out.push_str("''"),
            '\\' if dialect == DialectName::Mysql => out.push_str("\\\\"),
            _ => out.push(c),
        }
    }
    out.push('\'');
    out
}

/// FNV-1a: a stable 64-bit hash (the same in every build and run), for
/// deriving lock keys and short lock names.
pub(crate) fn fnv1a(text: &str) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
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
        assert_eq!(literal(DialectName::Postgresql, "a\\b"), "'a\\b'");
        assert_eq!(literal(DialectName::Mysql, "a\\b'"), "'a\\\\b'''");
    }
}
