//! SQL text a user wrote (`execute`): split into statements and classified,
//! with sqlparser's tokenizer so that quotes, comments and dollar quotes
//! are understood.
//!
//! A database without transactional DDL (MySQL/MariaDB) records its
//! progress before each statement of a revision, so that a run killed
//! midway resumes at the first statement that did not run; for that, the
//! several statements one `execute` holds must be run one by one, and a
//! statement that changes rows (which can commit together with the
//! progress record) must be told from one that changes the schema (which
//! commits on its own).

use sqlparser::dialect::{Dialect as SqlDialect, GenericDialect, MySqlDialect, PostgreSqlDialect};
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, Tokenizer};

/// The sqlparser dialect whose tokenizer reads `dialect`'s SQL.
fn tokenizer_dialect(dialect: &str) -> Box<dyn SqlDialect> {
    match dialect {
        "mysql" => Box::new(MySqlDialect {}),
        "postgresql" => Box::new(PostgreSqlDialect {}),
        _ => Box::new(GenericDialect {}),
    }
}

/// The statements of `sql`, split at each `;` outside quotes, comments and
/// parentheses, each trimmed, empty ones left out.
///
/// Text that holds a compound statement (a `BEGIN … END` body of a
/// procedure, function, trigger or event, whose inner `;` do not end it)
/// or that the tokenizer cannot read is returned whole, as one statement:
/// the database, not retort, then decides what it means.
pub fn split_statements(dialect: &str, sql: &str) -> Vec<String> {
    let d = tokenizer_dialect(dialect);
    let Ok(tokens) = Tokenizer::new(d.as_ref(), sql).tokenize_with_location() else {
        return whole(sql);
    };
    let significant: Vec<&Token> = tokens
        .iter()
        .map(|t| &t.token)
        .filter(|t| !matches!(t, Token::Whitespace(_)))
        .collect();
    let compound = significant.windows(2).any(|w| {
        is_keyword(w[0], Keyword::BEGIN)
            && !matches!(w[1], Token::SemiColon | Token::EOF)
            && !is_keyword(w[1], Keyword::WORK)
            && !is_keyword(w[1], Keyword::TRANSACTION)
    }) || significant
        .last()
        .is_some_and(|t| is_keyword(t, Keyword::BEGIN));
    if compound {
        return whole(sql);
    }
    let offsets = LineOffsets::new(sql);
    let mut out = Vec::new();
    let mut start = 0usize;
    let mut depth = 0i32;
    for t in &tokens {
        match t.token {
            Token::LParen => depth += 1,
            Token::RParen => depth -= 1,
            Token::SemiColon if depth <= 0 => {
                let Some(at) = offsets.byte(t.span.start.line, t.span.start.column) else {
                    return whole(sql);
                };
                push_piece(&mut out, &sql[start..at]);
                start = at + 1;
            }
            _ => {}
        }
    }
    push_piece(&mut out, &sql[start..]);
    out
}

/// Turns the tokenizer's 1-based line and column (in characters) into a
/// byte offset in the text.
struct LineOffsets<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineOffsets<'a> {
    fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineOffsets { text, starts }
    }

    fn byte(&self, line: u64, column: u64) -> Option<usize> {
        let line_start = *self
            .starts
            .get(usize::try_from(line).ok()?.checked_sub(1)?)?;
        let skip = usize::try_from(column).ok()?.checked_sub(1)?;
        let rest = &self.text[line_start..];
        let at = match rest.char_indices().nth(skip) {
            Some((i, _)) => i,
            None if rest.chars().count() == skip => rest.len(),
            None => return None,
        };
        (self.text[line_start + at..].starts_with(';')).then_some(line_start + at)
    }
}

fn whole(sql: &str) -> Vec<String> {
    let trimmed = sql.trim().trim_end_matches(';').trim();
    if trimmed.is_empty() {
        Vec::new()
    } else {
        vec![trimmed.to_owned()]
    }
}

fn push_piece(out: &mut Vec<String>, piece: &str) {
    let piece = piece.trim();
    if !piece.is_empty() {
        out.push(piece.to_owned());
    }
}

fn is_keyword(token: &Token, keyword: Keyword) -> bool {
    matches!(token, Token::Word(w) if w.keyword == keyword)
}

/// True when `sql` is a statement that only reads or changes rows
/// (`INSERT`, `UPDATE`, `DELETE`, `REPLACE`, `SELECT`, `WITH …`): on
/// MySQL/MariaDB it runs inside a transaction, so it can commit together
/// with a progress record. Anything else (DDL, `CALL`, `SET`, …) may
/// commit implicitly and is treated as schema-changing.
pub fn is_data_statement(dialect: &str, sql: &str) -> bool {
    let d = tokenizer_dialect(dialect);
    let Ok(tokens) = Tokenizer::new(d.as_ref(), sql).tokenize() else {
        return false;
    };
    let first = tokens
        .iter()
        .find(|t| !matches!(t, Token::Whitespace(_) | Token::LParen));
    matches!(
        first,
        Some(Token::Word(w)) if matches!(
            w.keyword,
            Keyword::INSERT
                | Keyword::UPDATE
                | Keyword::DELETE
                | Keyword::REPLACE
                | Keyword::SELECT
                | Keyword::WITH
        )
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_semicolons_outside_quotes_and_comments() {
        assert_eq!(
            split_statements(
                "mysql",
                "INSERT INTO t VALUES ('a;b'); -- c;d\nUPDATE t SET x = 1 /* ; */;\n"
            ),
            [
                "INSERT INTO t VALUES ('a;b')",
                "-- c;d\nUPDATE t SET x = 1 /* ; */"
            ]
        );
        assert_eq!(split_statements("mysql", " ; ;"), Vec::<String>::new());
        assert_eq!(
            split_statements("postgresql", "SELECT $x$;$x$; SELECT 1"),
            ["SELECT $x$;$x$", "SELECT 1"]
        );
    }

    #[test]
    fn keeps_compound_statements_whole() {
        let body = "CREATE PROCEDURE p() BEGIN SELECT 1; SELECT 2; END";
        assert_eq!(split_statements("mysql", body), [body]);
        assert_eq!(
            split_statements("mysql", "BEGIN; UPDATE t SET a = 1; COMMIT"),
            ["BEGIN", "UPDATE t SET a = 1", "COMMIT"]
        );
    }

    #[test]
    fn unreadable_text_stays_whole() {
        assert_eq!(
            split_statements("mysql", "SELECT 'open; x"),
            ["SELECT 'open; x"]
        );
    }

    #[test]
    fn classifies_row_statements() {
        for sql in [
            "INSERT INTO t VALUES (1)",
            "  update t set a = 1",
            "DELETE FROM t",
            "(SELECT 1)",
            "WITH x AS (SELECT 1) UPDATE t SET a = 1",
            "REPLACE INTO t VALUES (1)",
        ] {
            assert!(is_data_statement("mysql", sql), "{sql}");
        }
        for sql in [
            "ALTER TABLE t ADD c INT",
            "CREATE TABLE t (a INT)",
            "CALL p()",
            "SET @a = 1",
            "",
            "'",
        ] {
            assert!(!is_data_statement("mysql", sql), "{sql}");
        }
    }
}
