//! Reading what SQLite's pragmas leave out from the `CREATE TABLE` text in
//! `sqlite_master.sql`: constraint names, `CHECK` conditions, defaults
//! exactly as written (`PRAGMA table_info` drops the parentheses of
//! `DEFAULT (1 + 2)`), `AUTOINCREMENT`, `COLLATE`, generated columns'
//! expressions, `ON CONFLICT` clauses, a foreign key's `MATCH` and
//! `DEFERRABLE`, and the table options `WITHOUT ROWID` and `STRICT`.
//!
//! The parser only looks for the keywords that start a constraint; the
//! columns, types, keys and foreign key targets themselves come from the
//! pragmas, which are authoritative. SQLite has already accepted the text,
//! so the parser never needs to report a grammar error. What it finds that
//! the model cannot hold is described in [`ParsedTable::unkept`].

use retort_core::schema::OnConflict;

use crate::inspect::sqlite::tokens::{
    Token, TokenError, group_end, span_text, split_commas, tokenize,
};

/// What the `CREATE TABLE` text says beyond the pragmas.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ParsedTable {
    /// The column definitions, in order.
    pub columns: Vec<ParsedColumn>,
    /// The primary key's `CONSTRAINT` name.
    pub primary_key_name: Option<String>,
    /// `AUTOINCREMENT` inside a table-level `PRIMARY KEY (...)`.
    pub primary_key_autoincrement: bool,
    /// The primary key's `ON CONFLICT`.
    pub primary_key_on_conflict: Option<OnConflict>,
    /// Unique constraints, column- and table-level, in order.
    pub uniques: Vec<ParsedUnique>,
    /// Foreign keys, column- and table-level, in order.
    pub foreign_keys: Vec<ParsedForeignKey>,
    /// Check constraints, column- and table-level, in order.
    pub checks: Vec<(Option<String>, String)>,
    /// `CREATE VIRTUAL TABLE ... USING module`: the module's name.
    pub virtual_module: Option<String>,
    /// `WITHOUT ROWID`.
    pub without_rowid: bool,
    /// `STRICT`.
    pub strict: bool,
    /// What the text says that the model cannot hold, one description each.
    pub unkept: Vec<String>,
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
    /// `COLLATE name`.
    pub collation: Option<String>,
    /// `[GENERATED ALWAYS] AS (expression) [STORED | VIRTUAL]`: the
    /// expression as written and whether it is stored.
    pub generated: Option<(String, bool)>,
    /// `NOT NULL ON CONFLICT ...`.
    pub not_null_on_conflict: Option<OnConflict>,
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
    /// Its `ON CONFLICT`.
    pub on_conflict: Option<OnConflict>,
}

/// A foreign key: enough to match it with `PRAGMA foreign_key_list`, and
/// what that pragma does not say.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ParsedForeignKey {
    /// Its `CONSTRAINT` name.
    pub name: Option<String>,
    /// The referring columns, as written.
    pub columns: Vec<String>,
    /// The referred table, as written.
    pub referent_table: String,
    /// `MATCH name` (SQLite parses it and ignores it; the pragma says NONE).
    pub match_kind: Option<String>,
    /// `DEFERRABLE` (not `NOT DEFERRABLE`).
    pub deferrable: bool,
    /// `DEFERRABLE INITIALLY DEFERRED`.
    pub initially_deferred: bool,
}

/// Parses a `CREATE TABLE` statement.
pub(crate) fn parse_create_table(sql: &str) -> Result<ParsedTable, TokenError> {
    let tokens = tokenize(sql)?;
    let mut table = ParsedTable::default();
    if tokens.get(1).is_some_and(|t| t.is_keyword("VIRTUAL")) {
        let using = tokens.iter().position(|t| t.is_keyword("USING"));
        table.virtual_module = Some(
            using
                .and_then(|u| tokens.get(u + 1))
                .map(Token::identifier)
                .unwrap_or_default(),
        );
        return Ok(table);
    }
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
    for option in split_commas(tokens.get(close + 1..).unwrap_or_default()) {
        match option {
            [w, r] if w.is_keyword("WITHOUT") && r.is_keyword("ROWID") => {
                table.without_rowid = true
            }
            [s] if s.is_keyword("STRICT") => table.strict = true,
            _ => {}
        }
    }
    Ok(table)
}

/// The words that start a table constraint; a column cannot be named so
/// without quotes.
const TABLE_CONSTRAINT_STARTS: [&str; 5] = ["CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"];

/// The constraint an `ON CONFLICT` clause belongs to.
enum Last {
    None,
    PrimaryKey,
    Unique(usize),
    NotNull,
}

/// A column definition: its name, then constraints in any order, each
/// perhaps named by `CONSTRAINT name` (names of `NOT NULL`, `DEFAULT`,
/// `COLLATE` and generated constraints are not kept: SQLite never uses them).
fn column(sql: &str, item: &[Token<'_>], table: &mut ParsedTable) {
    let name = item[0].identifier();
    let mut col = ParsedColumn {
        name: name.clone(),
        definition: span_text(sql, item).unwrap_or_default(),
        ..ParsedColumn::default()
    };
    let mut pending: Option<String> = None;
    let mut last = Last::None;
    let next_is = |i: usize, k: &str| item.get(i).is_some_and(|t| t.is_keyword(k));
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
            last = Last::PrimaryKey;
            i += usize::from(next_is(i, "KEY"));
            if next_is(i, "DESC") {
                table.unkept.push(format!(
                    "PRIMARY KEY DESC on the column {name:?} (a key that is not the rowid)"
                ));
            }
        } else if t.is_keyword("AUTOINCREMENT") {
            col.autoincrement = true;
        } else if t.is_keyword("UNIQUE") {
            last = Last::Unique(table.uniques.len());
            table.uniques.push(ParsedUnique {
                name: pending.take(),
                columns: vec![name.clone()],
                column_level: true,
                on_conflict: None,
            });
        } else if t.is_keyword("NOT") && next_is(i, "NULL") {
            (pending, last) = (None, Last::NotNull);
            i += 1;
        } else if t.is_keyword("ON") && next_is(i, "CONFLICT") {
            let resolution = item.get(i + 1).and_then(|r| OnConflict::parse(r.text));
            i += 2;
            match last {
                Last::PrimaryKey => table.primary_key_on_conflict = resolution,
                Last::Unique(u) => table.uniques[u].on_conflict = resolution,
                Last::NotNull => col.not_null_on_conflict = resolution,
                Last::None => {}
            }
        } else if t.is_keyword("CHECK") {
            let (condition, next) = group_text(sql, item, i);
            table.checks.push((pending.take(), condition));
            i = next;
        } else if t.is_keyword("REFERENCES") {
            let (mut fk, next) = references(item, i);
            fk.name = pending.take();
            fk.columns = vec![name.clone()];
            table.foreign_keys.push(fk);
            i = next;
        } else if t.is_keyword("DEFAULT") {
            pending = None;
            let end = default_end(item, i);
            col.default = span_text(sql, &item[i.min(end)..end]);
            i = end;
        } else if t.is_keyword("COLLATE") {
            pending = None;
            col.collation = item.get(i).map(Token::identifier);
            i += 1;
        } else if t.is_keyword("AS") {
            pending = None;
            let (expression, next) = group_text(sql, item, i);
            i = next;
            let stored = next_is(i, "STORED");
            i += usize::from(stored || next_is(i, "VIRTUAL"));
            col.generated = Some((expression, stored));
        } else if t.is_keyword("NULL") || t.is_keyword("GENERATED") {
            (pending, last) = (None, Last::None);
        }
    }
    table.columns.push(col);
}

/// The clauses after `REFERENCES` at `i`: the referred table, its columns,
/// then `ON DELETE/UPDATE ...`, `MATCH name` and `[NOT] DEFERRABLE
/// [INITIALLY DEFERRED | IMMEDIATE]` in any order; with the index after them.
fn references(tokens: &[Token<'_>], mut i: usize) -> (ParsedForeignKey, usize) {
    let mut fk = ParsedForeignKey {
        referent_table: tokens.get(i).map(Token::identifier).unwrap_or_default(),
        ..ParsedForeignKey::default()
    };
    let is = |i: usize, k: &str| tokens.get(i).is_some_and(|t| t.is_keyword(k));
    i += 1;
    if tokens.get(i).is_some_and(|t| t.is_punct('(')) {
        i = group_end(tokens, i) + 1;
    }
    let mut not = false;
    loop {
        if is(i, "ON") {
            // ON DELETE|UPDATE, then SET NULL, SET DEFAULT, NO ACTION (two
            // words) or CASCADE, RESTRICT (one).
            i += if is(i + 2, "SET") || is(i + 2, "NO") {
                4
            } else {
                3
            };
        } else if is(i, "MATCH") {
            fk.match_kind = tokens.get(i + 1).map(|t| t.text.to_owned());
            i += 2;
        } else if is(i, "NOT") && is(i + 1, "DEFERRABLE") {
            not = true;
            i += 1;
        } else if is(i, "DEFERRABLE") {
            fk.deferrable = !not;
            i += 1;
        } else if is(i, "INITIALLY") {
            fk.initially_deferred = fk.deferrable && is(i + 1, "DEFERRED");
            i += 2;
        } else {
            return (fk, i);
        }
    }
}

/// A table constraint: `[CONSTRAINT name] PRIMARY KEY (...) [ON CONFLICT
/// x]`, `UNIQUE (...) [ON CONFLICT x]`, `CHECK (...)` or `FOREIGN KEY
/// (...) REFERENCES t ...`.
fn table_constraint(sql: &str, item: &[Token<'_>], table: &mut ParsedTable) {
    let (name, rest) = match item {
        [c, n, rest @ ..] if c.is_keyword("CONSTRAINT") => (Some(n.identifier()), rest),
        _ => (None, item),
    };
    let Some(first) = rest.first() else { return };
    let group = rest.iter().position(|t| t.is_punct('('));
    let columns = |table: &mut ParsedTable| {
        group
            .map(|g| key_columns(sql, rest, g, table))
            .unwrap_or_default()
    };
    let on_conflict = || {
        let at = rest.iter().position(|t| t.is_keyword("CONFLICT"))?;
        OnConflict::parse(rest.get(at + 1)?.text)
    };
    if first.is_keyword("PRIMARY") {
        columns(table);
        table.primary_key_name = name;
        table.primary_key_on_conflict = on_conflict();
        if let Some(g) = group {
            table.primary_key_autoincrement = rest[g..group_end(rest, g)]
                .iter()
                .any(|t| t.is_keyword("AUTOINCREMENT"));
        }
    } else if first.is_keyword("UNIQUE") {
        let columns = columns(table);
        table.uniques.push(ParsedUnique {
            name,
            columns,
            column_level: false,
            on_conflict: on_conflict(),
        });
    } else if first.is_keyword("CHECK") {
        let (condition, _) = group_text(sql, rest, 1);
        table.checks.push((name, condition));
    } else if first.is_keyword("FOREIGN") {
        let referent = rest.iter().position(|t| t.is_keyword("REFERENCES"));
        let (mut fk, _) = match referent {
            Some(r) => references(rest, r + 1),
            None => (ParsedForeignKey::default(), 0),
        };
        fk.name = name;
        fk.columns = columns(table);
        table.foreign_keys.push(fk);
    }
}

/// The column names of the key's parenthesised list at `open`: the first
/// token of each element. A `COLLATE` or `DESC` on an element is noted as
/// unkept: the model's keys are plain column lists.
fn key_columns(
    sql: &str,
    tokens: &[Token<'_>],
    open: usize,
    table: &mut ParsedTable,
) -> Vec<String> {
    let close = group_end(tokens, open);
    let mut names = vec![];
    for element in split_commas(&tokens[open + 1..close.min(tokens.len())]) {
        if element
            .iter()
            .any(|t| t.is_keyword("COLLATE") || t.is_keyword("DESC"))
        {
            table.unkept.push(format!(
                "the COLLATE or DESC of a key part in `{}`",
                span_text(sql, tokens).unwrap_or_default()
            ));
        }
        names.extend(element.first().map(Token::identifier));
    }
    names
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

#[cfg(test)]
mod tests;
