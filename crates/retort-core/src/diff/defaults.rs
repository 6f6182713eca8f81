//! Server defaults written so that every dialect reads them: a boolean
//! column's default is `false` or `true` in a revision, whatever spelling
//! the models used (`0`, `'1'`, `'t'`, `TRUE`). SQLite and MySQL store
//! booleans as numbers and accept `DEFAULT 0`, PostgreSQL refuses it
//! (`column "x" is of type boolean but default expression is of type
//! integer`); a revision generated on one must apply on the others. Each
//! dialect renders the value with [`Dialect::render_bool`]
//! (`0`/`1` on SQLite, `TRUE`/`FALSE` elsewhere), and the diff compares
//! boolean defaults by their value.
//!
//! [`Dialect::render_bool`]: crate::dialect::Dialect::render_bool

use crate::diff::{DiffOptions, expression_key};
use crate::schema::Schema;
use crate::types::ColumnType;

/// The truth value of a boolean column's default: `0`/`1`, `true`/`false`
/// and `'t'`/`'f'`, bare or quoted, in any case, with any casts PostgreSQL
/// prints removed by the caller; `None` for anything else (an expression,
/// `NULL`).
pub fn boolean_default(sql: &str) -> Option<bool> {
    let key = expression_key(sql);
    let bare = key
        .strip_prefix('\'')
        .and_then(|k| k.strip_suffix('\''))
        .unwrap_or(&key);
    match bare {
        "1" | "true" | "t" | "yes" | "on" => Some(true),
        "0" | "false" | "f" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// The default as a revision writes it: `false`/`true` for a boolean
/// column's truth value, else unchanged.
pub fn portable_default(ty: &ColumnType, sql: &str) -> String {
    match (ty, boolean_default(sql)) {
        (ColumnType::Boolean, Some(b)) => b.to_string(),
        _ => sql.to_owned(),
    }
}

/// `schema` with every boolean column's default made portable
/// ([`portable_default`]), except a default the dialect takes as written
/// ([`Dialect::render_boolean_default`]: SQLite's `0` or `FALSE`, kept as
/// written so that the table a revision makes reads back the same).
///
/// [`Dialect::render_boolean_default`]: crate::dialect::Dialect::render_boolean_default
pub(crate) fn portable_defaults(schema: &Schema, options: &DiffOptions) -> Schema {
    let d = options.dialect();
    let mut out = schema.clone();
    for t in &mut out.tables {
        for c in &mut t.columns {
            if let Some(text) = &c.server_default {
                let kept = c.ty == ColumnType::Boolean
                    && boolean_default(text)
                        .is_some_and(|b| d.render_boolean_default(text, b) == *text);
                if !kept {
                    c.server_default = Some(portable_default(&c.ty, text));
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boolean_spellings_are_read_as_their_value() {
        for s in ["0", "'0'", "false", "FALSE", "'f'", "(0)"] {
            assert_eq!(boolean_default(s), Some(false), "{s}");
        }
        for s in ["1", "'1'", "true", "TRUE", "'t'"] {
            assert_eq!(boolean_default(s), Some(true), "{s}");
        }
        assert_eq!(boolean_default("2"), None);
        assert_eq!(boolean_default("now()"), None);
    }

    #[test]
    fn only_boolean_columns_are_rewritten() {
        assert_eq!(portable_default(&ColumnType::Boolean, "0"), "false");
        assert_eq!(portable_default(&ColumnType::Boolean, "'t'"), "true");
        assert_eq!(portable_default(&ColumnType::Integer, "0"), "0");
        assert_eq!(portable_default(&ColumnType::Text, "'t'"), "'t'");
    }
}
