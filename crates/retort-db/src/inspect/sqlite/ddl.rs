//! Reading what SQLite's pragmas leave out from the `CREATE TABLE` and
//! `CREATE INDEX` text in `sqlite_master.sql`: constraint names, `CHECK`
//! conditions, defaults exactly as written (`PRAGMA table_info` drops the
//! parentheses of `DEFAULT (1 + 2)`), `AUTOINCREMENT`, table options and a
//! partial index's `WHERE`.
//!
//! The parser only looks for the keywords that start a constraint; the
//! columns, types, keys and foreign key targets themselves come from the
//! pragmas, which are authoritative. SQLite has already accepted the text,
//! so the parser never needs to report a grammar error.

use crate::inspect::sqlite::tokens::{Token, TokenError, tokenize};

/// What the `CREATE TABLE` text says beyond the pragmas.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ParsedTable {
    /// The column definitions, in order.
    pub columns: Vec<ParsedColumn>,
    /// The primary key's `CONSTRAINT` name.
    pub primary_key_name: Option<String>,
    /// `AUTOINCREMENT` inside a table-level `PRIMARY KEY (...)`.
    pub primary_key_autoincrement: bool,
    /// Unique constraints, column- and table-level, in order.
    pub uniques: Vec<ParsedUnique>,
    /// Foreign keys, column- and table-level, in order.
    pub foreign_keys: Vec<ParsedForeignKey>,
    /// Check constraints, column- and table-level, in order.
    pub checks: Vec<(Option<String>, String)>,
    /// `CREATE VIRTUAL TABLE`: a module's table, which cannot be rebuilt.
    pub virtual_table: bool,
}

/// One column definition.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ParsedColumn {
    /// The name, unquoted.
    pub name: String,
    /// The whole definition as written.
    pub definition: String,
    /// The `DEFAULT` value as written (`'it''s'`, `-1`, `(1 + 2)`).
    pub default: Option<String>,
    /// `PRIMARY KEY ... AUTOINCREMENT`.
    pub autoincrement: bool,
}

/// A unique constraint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ParsedUnique {
    /// Its `CONSTRAINT` name.
    pub name: Option<String>,
    /// Its columns, as written.
    pub columns: Vec<String>,
    /// Written on the column (`a TEXT UNIQUE`) rather than the table.
    pub column_level: bool,
}

/// A foreign key: enough to match it with `PRAGMA foreign_key_list`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ParsedForeignKey {
    /// Its `CONSTRAINT` name.
    pub name: Option<String>,
    /// The referring columns, as written.
    pub columns: Vec<String>,
    /// The referred table, as written.
    pub referent_table: String,
}

/// Parses a `CREATE TABLE` statement.
pub(crate) fn parse_create_table(sql: &str) -> Result<ParsedTable, TokenError> {
    let tokens = tokenize(sql)?;
    let mut table = ParsedTable {
        virtual_table: tokens.get(1).is_some_and(|t| t.is_keyword("VIRTUAL")),
        ..ParsedTable::default()
    };
    let Some(open) = tokens.iter().position(|t| t.is_punct('(')) else {
        return Ok(table);
    };
    let close = group_end(&tokens, open);
    for item in split_commas(&tokens[open + 1..close]) {
        match item.first() {
            Some(t) if TABLE_CONSTRAINT_STARTS.iter().any(|k| t.is_keyword(k)) => {
                table_constraint(sql, item, &mut table);
            }
            Some(_) => column(sql, item, &mut table),
            None => {}
        }
    }
    Ok(table)
}

/// The `WHERE` condition of a `CREATE INDEX` statement, as written.
pub(crate) fn index_where(sql: &str) -> Result<Option<String>, TokenError> {
    let tokens = tokenize(sql)?;
    let Some(open) = tokens.iter().position(|t| t.is_punct('(')) else {
        return Ok(None);
    };
    let rest = tokens
        .get(group_end(&tokens, open) + 1..)
        .unwrap_or_default();
    Ok(match rest.iter().position(|t| t.is_keyword("WHERE")) {
        Some(w) => span_text(sql, &rest[w + 1..]),
        None => None,
    })
}

/// The text of each key part of a `CREATE INDEX` statement, in order (an
/// expression as written, without outer parentheses).
pub(crate) fn index_parts(sql: &str) -> Result<Vec<String>, TokenError> {
    let tokens = tokenize(sql)?;
    let Some(open) = tokens.iter().position(|t| t.is_punct('(')) else {
        return Ok(vec![]);
    };
    let close = group_end(&tokens, open);
    Ok(split_commas(&tokens[open + 1..close.min(tokens.len())])
        .filter_map(|part| {
            // `(expr)` is the expression inside.
            let inner = match (part.first(), part.last()) {
                (Some(f), Some(_)) if f.is_punct('(') && group_end(part, 0) == part.len() - 1 => {
                    &part[1..part.len() - 1]
                }
                _ => part,
            };
            span_text(sql, inner)
        })
        .collect())
}

/// The words that start a table constraint; a column cannot be named so
/// without quotes.
const TABLE_CONSTRAINT_STARTS: [&str; 5] = ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"];

/// A column definition: its name, then constraints in any order, each
/// perhaps named by `CONSTRAINT name`.
fn column(sql: &str, item: &[Token<'_>], table: &mut ParsedTable) {
    let name = item[0].identifier();
    let mut col = ParsedColumn {
        name: name.clone(),
        definition: span_text(sql, item).unwrap_or_default(),
        ..ParsedColumn::default()
    };
    let mut pending: Option<String> = None;
    let mut i = 1;
    while i < item.len() {
        let t = &item[i];
        i += 1;
        if t.is_punct('(') {
            i = group_end(item, i - 1) + 1;
        } else if t.is_keyword("CONSTRAINT") {
            pending = item.get(i).map(Token::identifier);
            i += 1;
        } else if t.is_keyword("PRIMARY") {
            table.primary_key_name = pending.take();
        } else if t.is_keyword("AUTOINCREMENT") {
            col.autoincrement = true;
        } else if t.is_keyword("UNIQUE") {
            table.uniques.push(ParsedUnique {
                name: pending.take(),
                columns: vec![name.clone()],
                column_level: true,
            });
        } else if t.is_keyword("CHECK") {
            let (condition, next) = group_text(sql, item, i);
            table.checks.push((pending.take(), condition));
            i = next;
        } else if t.is_keyword("REFERENCES") {
            table.foreign_keys.push(ParsedForeignKey {
                name: pending.take(),
                columns: vec![name.clone()],
                referent_table: item.get(i).map(Token::identifier).unwrap_or_default(),
            });
            i += 1;
        } else if t.is_keyword("DEFAULT") {
            pending = None;
            let end = default_end(item, i);
            col.default = span_text(sql, &item[i.min(end)..end]);
            i = end;
        } else if ["NOT", "NULL", "COLLATE", "GENERATED", "AS"]
            .iter()
            .any(|k| t.is_keyword(k))
        {
            pending = None;
        }
    }
    table.columns.push(col);
}

/// A table constraint: `[CONSTRAINT name] PRIMARY KEY (...)`, `UNIQUE
/// (...)`, `CHECK (...)` or `FOREIGN KEY (...) REFERENCES t ...`.
fn table_constraint(sql: &str, item: &[Token<'_>], table: &mut ParsedTable) {
    let (name, rest) = match item {
        [c, n, rest @ ..] if c.is_keyword("CONSTRAINT") => (Some(n.identifier()), rest),
        _ => (None, item),
    };
    let Some(first) = rest.first() else { return };
    let group = rest.iter().position(|t| t.is_punct('('));
    let columns = group.map(|g| column_names(rest, g)).unwrap_or_default();
    if first.is_keyword("PRIMARY") {
        table.primary_key_name = name;
        if let Some(g) = group {
            table.primary_key_autoincrement = rest[g..group_end(rest, g)]
                .iter()
                .any(|t| t.is_keyword("AUTOINCREMENT"));
        }
    } else if first.is_keyword("UNIQUE") {
        table.uniques.push(ParsedUnique {
            name,
            columns,
            column_level: false,
        });
    } else if first.is_keyword("CHECK") {
        let (condition, _) = group_text(sql, rest, 1);
        table.checks.push((name, condition));
    } else if first.is_keyword("FOREIGN") {
        let referent = rest.iter().position(|t| t.is_keyword("REFERENCES"));
        table.foreign_keys.push(ParsedForeignKey {
            name,
            columns,
            referent_table: referent
                .and_then(|r| rest.get(r + 1))
                .map(Token::identifier)
                .unwrap_or_default(),
        });
    }
}

/// The column names of the parenthesised list at `open`: the first token
/// of each element (`a COLLATE NOCASE DESC` names `a`).
fn column_names(tokens: &[Token<'_>], open: usize) -> Vec<String> {
    split_commas(&tokens[open + 1..group_end(tokens, open)])
        .filter_map(|element| element.first().map(Token::identifier))
        .collect()
}

/// Where a `DEFAULT` value that starts at `i` ends: a parenthesised
/// expression, a signed number, or one literal or word.
fn default_end(tokens: &[Token<'_>], i: usize) -> usize {
    match tokens.get(i) {
        Some(t) if t.is_punct('(') => (group_end(tokens, i) + 1).min(tokens.len()),
        Some(t) if t.is_punct('-') || t.is_punct('+') => (i + 2).min(tokens.len()),
        Some(_) => i + 1,
        None => i,
    }
}

/// The text inside the parenthesised group at `open` (as written, outer
/// parentheses removed) and the index after it.
fn group_text(sql: &str, tokens: &[Token<'_>], open: usize) -> (String, usize) {
    match tokens.get(open) {
        Some(t) if t.is_punct('(') => {
            let close = group_end(tokens, open);
            let inner = span_text(sql, &tokens[open + 1..close]).unwrap_or_default();
            (inner, close + 1)
        }
        _ => (String::new(), open),
    }
}

/// The index of the `)` that closes the `(` at `open`, or `tokens.len()`
/// when it is not closed (so `tokens[open + 1..end]` is always the inside).
fn group_end(tokens: &[Token<'_>], open: usize) -> usize {
    let mut depth = 0usize;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        if t.is_punct('(') {
            depth += 1;
        } else if t.is_punct(')') {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return i;
            }
        }
    }
    tokens.len()
}

/// `tokens` split at the commas outside parentheses.
fn split_commas<'t, 'a>(tokens: &'t [Token<'a>]) -> impl Iterator<Item = &'t [Token<'a>]> {
    let mut depth = 0usize;
    tokens.split(move |t| {
        if t.is_punct('(') {
            depth += 1;
        } else if t.is_punct(')') {
            depth = depth.saturating_sub(1);
        }
        depth == 0 && t.is_punct(',')
    })
}

/// The SQL from the first token's start to the last one's end: comments
/// between tokens kept, those around dropped.
fn span_text(sql: &str, tokens: &[Token<'_>]) -> Option<String> {
    let (first, last) = (tokens.first()?, tokens.last()?);
    Some(sql[first.span.start..last.span.end].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_defaults_and_constraints() {
        let t = parse_create_table(
            "CREATE TABLE \"t\" (\n  id INTEGER CONSTRAINT pk PRIMARY KEY AUTOINCREMENT,\n  \
             a TEXT DEFAULT 'it''s' CONSTRAINT ca CHECK (a <> ','), -- a, note\n  \
             b INT DEFAULT (1 + 2) REFERENCES p,\n  c INT DEFAULT -1 CONSTRAINT fk_c REFERENCES \"P\"(id) ON DELETE SET NULL UNIQUE,\n  \
             CONSTRAINT uq UNIQUE (a, [b] COLLATE NOCASE),\n  CHECK (b > 0 /* keep */ AND 1 /* dropped */),\n  \
             FOREIGN KEY (a, b) REFERENCES q (x, y)\n) WITHOUT ROWID, STRICT",
        )
        .unwrap();
        let names: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["id", "a", "b", "c"]);
        let defaults: Vec<Option<&str>> = t.columns.iter().map(|c| c.default.as_deref()).collect();
        assert_eq!(
            defaults,
            [None, Some("'it''s'"), Some("(1 + 2)"), Some("-1")]
        );
        assert!(t.columns[0].autoincrement);
        assert_eq!(t.primary_key_name.as_deref(), Some("pk"));
        assert_eq!(
            t.checks,
            [
                (Some("ca".to_owned()), "a <> ','".to_owned()),
                (None, "b > 0 /* keep */ AND 1".to_owned())
            ]
        );
        assert_eq!(t.uniques.len(), 2);
        assert_eq!(t.uniques[1].columns, ["a", "b"]);
        assert_eq!(t.uniques[1].name.as_deref(), Some("uq"));
        assert!(t.uniques[0].column_level && t.uniques[0].name.is_none());
        let fks: Vec<(Option<&str>, &str)> = t
            .foreign_keys
            .iter()
            .map(|f| (f.name.as_deref(), f.referent_table.as_str()))
            .collect();
        assert_eq!(fks, [(None, "p"), (Some("fk_c"), "P"), (None, "q")]);
        assert!(!t.virtual_table);
        assert_eq!(t.columns[3].definition.lines().count(), 1);
    }

    #[test]
    fn partial_index_conditions() {
        assert_eq!(
            index_where(
                "CREATE INDEX \"ix\" ON \"t\" (\"a\", lower(b)) WHERE a > 0 AND b IS NOT NULL"
            )
            .unwrap()
            .as_deref(),
            Some("a > 0 AND b IS NOT NULL")
        );
        assert_eq!(index_where("CREATE INDEX \"w(\" ON t (a)").unwrap(), None);
    }
}
