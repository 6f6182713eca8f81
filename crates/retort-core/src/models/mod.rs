//! The target schema: SQL DDL files ("models") parsed into a [`Schema`] for
//! the database's dialect (SPEC sections 4 and 7).
//!
//! [`read_models`] reads the files the configuration's `models` entries name
//! ([`expand_models`] turns files and simple globs into paths);
//! [`parse_models`] parses one file's text into a schema. Parsing uses
//! sqlparser with the database's own dialect (`SQLiteDialect`,
//! `PostgreSqlDialect`, `MySqlDialect`), then converts each statement into
//! the schema model. What the model cannot hold is an error, never silently
//! dropped: every [`ModelError`] about a file's content names the file, line
//! and column.
//!
//! Understood statements: `CREATE TABLE` (in `table.rs`), `CREATE [UNIQUE]
//! INDEX`, `COMMENT ON TABLE/COLUMN` and `CREATE TYPE ... AS ENUM` (in
//! `other.rs`). Names: quoted identifiers keep their case; unquoted ones are
//! lowercased on PostgreSQL (as the server folds them) and kept as written
//! on SQLite and MySQL, whose servers keep them too (MySQL's table-name case
//! then depends on the server's `lower_case_table_names`).
//!
//! The results are normalised so that a table rendered by
//! [`crate::dialect`] and parsed back is the same [`crate::schema::Table`]:
//! dialect type names map to the portable types (`INT` and `int4` are
//! `integer`, `TIMESTAMP WITH TIME ZONE` is `timestamptz`, ...), every
//! primary-key column is marked `primary_key` and NOT NULL, and the
//! table-level `primary_key` is kept only for a named or composite key.

mod depth;
// The statement splitter and classifier of model files (SQL text
// internals): retort-db's scratch reading needs it, so it is public, but
// it is not part of the stable API.
#[doc(hidden)]
pub mod dump;
mod error;
mod glob;
mod other;
mod table;
mod types;

use std::path::{Path, PathBuf};

use sqlparser::ast::{Ident, ObjectName, Statement};
use sqlparser::dialect::{Dialect as SqlDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect};
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Span, Token, Tokenizer};

pub use error::ModelError;
pub use glob::expand_models;

use crate::schema::{Schema, TableName};
use error::{Located, Problem};

/// A models file's text with Windows line ends (`\r\n`) made `\n`, as the
/// databases' own clients (`sqlite3`, `psql`, `mysql`) read a file line by
/// line: a view or trigger declared in such a file is then stored, and
/// compared, as the database loaded from the file by its client stores it.
pub fn unix_lines(text: String) -> String {
    if text.contains("\r\n") {
        text.replace("\r\n", "\n")
    } else {
        text
    }
}

/// Reads every file of `paths`, in order, into one schema, parsing each for
/// `dialect` (`sqlite`, `postgresql`/`postgres`, `mysql`/`mariadb`).
pub fn read_models(paths: &[PathBuf], dialect: &str) -> Result<Schema, ModelError> {
    let mut schema = Schema::default();
    for path in paths {
        let text = std::fs::read_to_string(path).map_err(|source| ModelError::Read {
            path: path.clone(),
            source,
        })?;
        parse_models(path, &unix_lines(text), dialect, &mut schema)?;
    }
    Ok(schema)
}

/// Parses the DDL `text` of the file `path` for `dialect`, adding its
/// tables, indexes, comments and enum types to `into` (which may hold the
/// earlier files' objects: an index or comment may refer to their tables).
///
/// An expression nested deeper than the stack allows (`1+1+...` with
/// thousands of terms) is a [`ModelError::Syntax`] naming its line, never a
/// stack overflow: see `depth.rs`.
pub fn parse_models(
    path: &Path,
    text: &str,
    dialect: &str,
    into: &mut Schema,
) -> Result<(), ModelError> {
    let rules = Rules::named(dialect).ok_or_else(|| ModelError::UnknownDialect(dialect.into()))?;
    let text = without_skipped(path, dialect, text)?;
    read_on_big_stack(|| parse_statements(path, &text, rules, into))
}

/// `text` with the statements that are not schema (see [`dump`]: data,
/// grants, session settings, client commands, ...) blanked out, lines and
/// columns kept so that errors still point into the file.
fn without_skipped(path: &Path, dialect: &str, text: &str) -> Result<String, ModelError> {
    let statements = dump::model_statements(dialect, text).map_err(|e| ModelError::Syntax {
        path: path.to_owned(),
        line: e.line,
        column: e.column,
        message: e.message,
    })?;
    let mut out = text.as_bytes().to_vec();
    for statement in statements
        .iter()
        .filter(|s| s.kind != dump::StatementKind::Schema)
    {
        for b in &mut out[statement.range.clone()] {
            if *b != b'\n' {
                *b = b' ';
            }
        }
    }
    // Only whole UTF-8 sequences were blanked (statements start and end at
    // ASCII characters), so this cannot fail; fall back to the text as is.
    Ok(String::from_utf8(out).unwrap_or_else(|_| text.to_owned()))
}

/// The stack the models are read on: enough for the deepest tree
/// [`depth::MAX_DEPTH`] lets through, printed, cloned and dropped by a
/// debug build (some 10 KiB a level), with room to spare. Only the pages
/// used are ever committed.
const MODELS_STACK: usize = 64 << 20;

/// Runs `read` on a thread of its own with [`MODELS_STACK`], so that the
/// bound holds whatever stack the caller has (a test thread has 2 MiB).
fn read_on_big_stack(
    read: impl FnOnce() -> Result<(), ModelError> + Send,
) -> Result<(), ModelError> {
    std::thread::scope(|scope| {
        let reader = std::thread::Builder::new()
            .name("retort-models".into())
            .stack_size(MODELS_STACK)
            .spawn_scoped(scope, read)
            .map_err(|source| ModelError::Thread { source })?;
        match reader.join() {
            Ok(result) => result,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

fn parse_statements(
    path: &Path,
    text: &str,
    rules: Rules,
    into: &mut Schema,
) -> Result<(), ModelError> {
    let sql_dialect: Box<dyn SqlDialect> = match rules.kind {
        Kind::Sqlite => Box::new(SQLiteDialect {}),
        Kind::Postgres => Box::new(PostgreSqlDialect {}),
        Kind::MySql => Box::new(MySqlDialect {}),
    };
    let syntax = |e: ParserError| syntax_error(path, e);
    let tokens = Tokenizer::new(sql_dialect.as_ref(), text)
        .with_unescape(true)
        .tokenize_with_location()
        .map_err(|e| syntax(e.into()))?;
    depth::check(&tokens).map_err(|(line, column)| ModelError::Syntax {
        path: path.to_owned(),
        line,
        column,
        message: format!(
            "the expression is nested too deeply (more than {} operators and parentheses \
             along one path); split it, e.g. into several CHECK constraints or a function",
            depth::MAX_DEPTH
        ),
    })?;
    let mut parser = Parser::new(sql_dialect.as_ref()).with_tokens_with_locations(tokens);
    loop {
        while parser.consume_token(&Token::SemiColon) {}
        let start = parser.peek_token();
        if start.token == Token::EOF {
            break;
        }
        let statement = parser.parse_statement().map_err(|e| match e {
            // sqlparser's own limit on its nesting has no position.
            ParserError::RecursionLimitExceeded => ModelError::Syntax {
                path: path.to_owned(),
                line: start.span.start.line,
                column: start.span.start.column,
                message: "the statement is nested too deeply for the SQL parser; \
                          use fewer nested parentheses"
                    .into(),
            },
            e => syntax(e),
        })?;
        let next = parser.peek_token();
        if next.token != Token::EOF && next.token != Token::SemiColon {
            let at = next.span.start;
            return Err(ModelError::Syntax {
                path: path.to_owned(),
                line: at.line,
                column: at.column,
                message: format!("expected `;` between statements, found {}", next.token),
            });
        }
        let at = (start.span.start.line, start.span.start.column);
        // Only a view or virtual table keeps its text (found by scanning:
        // only then).
        let source = match statement {
            Statement::CreateView(_) | Statement::CreateVirtualTable { .. } => {
                source_text(text, start.span.start, statement_end(&parser))
            }
            _ => "",
        };
        apply(&rules, statement, source, into).map_err(|e| located(path, at, e))?;
    }
    types::resolve_enums(into);
    Ok(())
}

/// Where the statement just parsed ends: the end of its last token, not
/// counting the comments after it (SQLite keeps a statement's text up to
/// its last token).
fn statement_end(parser: &Parser<'_>) -> sqlparser::tokenizer::Location {
    let mut i = parser.index();
    while i > 0 {
        i -= 1;
        let t = parser.token_at(i);
        if !matches!(t.token, Token::Whitespace(_)) {
            return t.span.end;
        }
    }
    parser.peek_token_ref().span.start
}

/// The text of `text` from `start` to `end` (1-based lines and columns
/// counted in characters, as the tokenizer gives them), trimmed: one
/// statement as written.
fn source_text(
    text: &str,
    start: sqlparser::tokenizer::Location,
    end: sqlparser::tokenizer::Location,
) -> &str {
    let offset = |at: sqlparser::tokenizer::Location| {
        let mut line = 1;
        let mut column = 1;
        for (i, c) in text.char_indices() {
            if (line, column) >= (at.line, at.column) {
                return i;
            }
            if c == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        text.len()
    };
    let (from, to) = (offset(start), offset(end));
    text.get(from..to.max(from)).unwrap_or_default().trim()
}

fn apply(
    rules: &Rules,
    statement: Statement,
    source: &str,
    into: &mut Schema,
) -> error::Result<()> {
    match statement {
        Statement::CreateView(_) if rules.kind == Kind::Sqlite => other::create_view(source, into),
        Statement::CreateVirtualTable { .. } if rules.kind == Kind::Sqlite => {
            other::create_virtual_table(source, into)
        }
        Statement::CreateTable(create) => table::create_table(rules, create, into),
        Statement::CreateIndex(create) => other::create_index(rules, create, into),
        Statement::Comment {
            object_type,
            object_name,
            comment,
            if_exists,
        } => other::comment_on(rules, object_type, &object_name, comment, if_exists, into),
        Statement::CreateType {
            name,
            representation,
        } => other::create_type(rules, &name, representation, into),
        other => {
            let text = other.to_string();
            let words: Vec<&str> = text.split_whitespace().take(2).collect();
            Err(error::unsupported(
                (0, 0),
                format!(
                    "`{}` statements; models hold CREATE TABLE, CREATE [UNIQUE] INDEX, \
                     COMMENT ON, CREATE TYPE ... AS ENUM and (SQLite) CREATE VIEW and \
                     CREATE VIRTUAL TABLE",
                    words.join(" ")
                ),
            ))
        }
    }
}

/// A statement's problem as a [`ModelError`], at its own position or else
/// at the statement's start.
fn located(path: &Path, start: (u64, u64), e: Located) -> ModelError {
    let (line, column) = if e.at.0 == 0 { start } else { e.at };
    let path = path.to_owned();
    match e.problem {
        Problem::Unsupported(message) => ModelError::Unsupported {
            path,
            line,
            column,
            message,
        },
        Problem::Invalid(message) => ModelError::Invalid {
            path,
            line,
            column,
            message,
        },
    }
}

/// sqlparser's error, with the `at Line: l, Column: c` it ends with turned
/// into fields.
fn syntax_error(path: &Path, e: ParserError) -> ModelError {
    let text = match e {
        ParserError::TokenizerError(s) | ParserError::ParserError(s) => s,
        ParserError::RecursionLimitExceeded => "the SQL is nested too deeply".to_owned(),
    };
    let (message, line, column) = match text.rsplit_once(" at Line: ") {
        Some((message, rest)) => {
            let mut parts = rest.split(", Column: ");
            let line = parts.next().and_then(|l| l.trim().parse().ok());
            let column = parts.next().and_then(|c| c.trim().parse().ok());
            match (line, column) {
                (Some(l), Some(c)) => (message.to_owned(), l, c),
                _ => (text.clone(), 0, 0),
            }
        }
        None => (text.clone(), 0, 0),
    };
    ModelError::Syntax {
        path: path.to_owned(),
        line,
        column,
        message,
    }
}

/// Which database the models are for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Sqlite,
    Postgres,
    MySql,
}

/// The dialect's rules for names and keys, as capabilities.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Rules {
    kind: Kind,
    /// Unquoted identifiers are lowercased (PostgreSQL).
    pub(crate) lowercase_unquoted: bool,
    /// A lone integer primary key auto-increments without a keyword
    /// (SQLite's rowid alias), so the keyword adds nothing to the model.
    pub(crate) implicit_autoincrement: bool,
    /// `SERIAL` is a `BIGINT` (MySQL), not an `INTEGER` (PostgreSQL).
    pub(crate) serial_is_bigint: bool,
    /// A key column accepts NULL unless declared NOT NULL, the rowid
    /// (a lone `INTEGER PRIMARY KEY`) excepted (SQLite).
    pub(crate) nullable_keys: bool,
}

impl Rules {
    fn named(name: &str) -> Option<Rules> {
        let kind = match name {
            "sqlite" => Kind::Sqlite,
            "postgresql" | "postgres" => Kind::Postgres,
            "mysql" | "mariadb" => Kind::MySql,
            _ => return None,
        };
        Some(Rules {
            kind,
            lowercase_unquoted: kind == Kind::Postgres,
            implicit_autoincrement: kind == Kind::Sqlite,
            serial_is_bigint: kind == Kind::MySql,
            nullable_keys: kind == Kind::Sqlite,
        })
    }

    /// True for MySQL/MariaDB's rules.
    pub(crate) fn is_mysql(&self) -> bool {
        self.kind == Kind::MySql
    }

    /// An identifier as the database stores it.
    pub(crate) fn ident(&self, id: &Ident) -> String {
        if id.quote_style.is_none() && self.lowercase_unquoted {
            id.value.to_lowercase()
        } else {
            id.value.clone()
        }
    }

    /// A possibly schema-qualified name (`schema.table`).
    pub(crate) fn table_name(&self, name: &ObjectName) -> error::Result<TableName> {
        let parts = self.name_parts(name)?;
        match parts.as_slice() {
            [table] => Ok(TableName::new(table.clone())),
            [schema, table] => Ok(TableName::in_schema(schema.clone(), table.clone())),
            _ => Err(error::unsupported(
                span_at(name_span(name)),
                format!("the name `{name}`: write `table` or `schema.table`"),
            )),
        }
    }

    /// The folded parts of a dotted name.
    pub(crate) fn name_parts(&self, name: &ObjectName) -> error::Result<Vec<String>> {
        name.0
            .iter()
            .map(|part| match part.as_ident() {
                Some(id) => Ok(self.ident(id)),
                None => Err(error::unsupported(
                    span_at(name_span(name)),
                    format!("the name `{name}`"),
                )),
            })
            .collect()
    }
}

/// The span of a dotted name: that of its first identifier.
pub(crate) fn name_span(name: &ObjectName) -> Span {
    name.0
        .iter()
        .find_map(|p| p.as_ident().map(|i| i.span))
        .unwrap_or(Span::empty())
}

/// A span's start as (line, column); `(0, 0)` for an empty span.
pub(crate) fn span_at(span: Span) -> (u64, u64) {
    (span.start.line, span.start.column)
}
