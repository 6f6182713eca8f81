//! Model files as the dump tools write them: split into statements the way
//! the database's own command-line client does, and told schema from the
//! rest.
//!
//! `pg_dump --schema-only`, `mysqldump --no-data` and `sqlite3 .schema`
//! (or `.dump`) write more than the schema: session settings (`SET`,
//! `SELECT pg_catalog.set_config(...)`, `/*!40101 SET ... */`), ownership
//! (`ALTER ... OWNER TO`), grants, `LOCK TABLES`, transactions, `DROP ...
//! IF EXISTS` before each object, data (`INSERT`, `COPY ... FROM stdin`
//! with its rows, `setval`) and client commands (psql's `\connect`,
//! mysql's `DELIMITER`). [`model_statements`] splits such a file into
//! statements and classifies each: [`StatementKind::Schema`] statements
//! describe the schema, the others are skipped, with one
//! [`Skip`] kind per family so that the caller can say, in one line per
//! kind, what it left out.
//!
//! Splitting follows the clients rather than a SQL grammar, because only
//! the clients know `DELIMITER` (mysql) and backslash commands (psql): a
//! statement ends at the current delimiter (`;` unless `DELIMITER` changed
//! it) outside quotes (`'...'`, `"..."`, `` `...` ``, PostgreSQL's
//! `$tag$...$tag$`), comments (`--`, `#` on MySQL, `/* */`) and the
//! `BEGIN ... END` body of a `CREATE TRIGGER`/`FUNCTION`/`PROCEDURE`/`EVENT`
//! written without a changed delimiter (as `sqlite3` accepts it). MySQL's
//! executable comments (`/*!40101 ... */`, `/*M!100100 ... */`) count as
//! their content when classifying, and are kept as written in the text
//! (the server runs them).

/// Why a statement of a model file is not part of the schema.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Skip {
    /// Rows: `INSERT`, `UPDATE`, `DELETE`, `COPY ... FROM stdin`, `setval`.
    Data,
    /// `GRANT`, `REVOKE`, `ALTER DEFAULT PRIVILEGES`.
    Grants,
    /// `ALTER ... OWNER TO`, `SECURITY LABEL`.
    Ownership,
    /// Session settings: `SET`, `RESET`, `set_config`, `PRAGMA`.
    Session,
    /// `BEGIN`, `COMMIT`, `START TRANSACTION`, `ROLLBACK`, `SAVEPOINT`.
    Transactions,
    /// `DROP ...`: the models describe what exists.
    Drops,
    /// Statements about the database or schema itself: `CREATE DATABASE`,
    /// `USE`, `CREATE SCHEMA`, `COMMENT ON SCHEMA/EXTENSION/DATABASE`.
    Databases,
    /// `LOCK TABLES`, `UNLOCK TABLES`, `LOCK TABLE`.
    Locks,
    /// `ANALYZE`, `VACUUM`, `OPTIMIZE`, `REFRESH MATERIALIZED VIEW`, ...
    Maintenance,
    /// The clients' own commands: psql's `\connect`, `\restrict`, ....
    ClientCommands,
    /// SQLite's internal tables (`sqlite_sequence`, `sqlite_stat1`).
    Internal,
    /// A query (`SELECT`) that changes nothing.
    Queries,
}

impl Skip {
    /// What the kind holds, for the line that says it was skipped.
    pub fn describe(self) -> &'static str {
        match self {
            Skip::Data => "data statements (INSERT, COPY, setval, ...)",
            Skip::Grants => "grants (GRANT, REVOKE)",
            Skip::Ownership => "ownership statements (OWNER TO)",
            Skip::Session => "session settings (SET, set_config, PRAGMA)",
            Skip::Transactions => "transaction statements (BEGIN, COMMIT)",
            Skip::Drops => "DROP statements",
            Skip::Databases => {
                "database and schema statements (CREATE DATABASE, USE, CREATE SCHEMA)"
            }
            Skip::Locks => "LOCK/UNLOCK TABLES statements",
            Skip::Maintenance => "maintenance statements (ANALYZE, VACUUM, REFRESH)",
            Skip::ClientCommands => "client commands (\\connect, DELIMITER, ...)",
            Skip::Internal => "statements about SQLite's internal tables",
            Skip::Queries => "queries (SELECT)",
        }
    }
}

/// What a statement is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatementKind {
    /// Part of the schema: run it (scratch database) or read it (models).
    Schema,
    /// Not part of the schema, and why.
    Skipped(Skip),
}

/// One statement of a model file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ModelStatement {
    /// The statement as written (comments inside kept), without its
    /// delimiter.
    pub text: String,
    /// Where its first significant character is (1-based line, column).
    pub line: u64,
    /// Its column.
    pub column: u64,
    /// Byte range of the statement (delimiter excluded) in the file.
    pub range: std::ops::Range<usize>,
    /// What it is.
    pub kind: StatementKind,
}

/// A file that cannot be split: a quote or comment never closed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct SplitError {
    /// The line where the unclosed part starts.
    pub line: u64,
    /// Its column.
    pub column: u64,
    /// What is wrong.
    pub message: String,
}

/// Which client's rules split the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Client {
    Sqlite,
    Psql,
    Mysql,
}

impl Client {
    fn named(dialect: &str) -> Client {
        match dialect {
            "postgresql" | "postgres" => Client::Psql,
            "mysql" | "mariadb" => Client::Mysql,
            _ => Client::Sqlite,
        }
    }
}

/// The statements of the model file `text` for `dialect` (`sqlite`,
/// `postgresql`, `mysql`), in order, each classified. Statements that hold
/// only comments are left out.
pub fn model_statements(dialect: &str, text: &str) -> Result<Vec<ModelStatement>, SplitError> {
    Splitter::new(Client::named(dialect), text).run()
}

struct Splitter<'a> {
    client: Client,
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    delimiter: String,
    out: Vec<ModelStatement>,
    /// The last position placed and its line (see [`Splitter::position`]).
    cursor: std::cell::Cell<(usize, u64)>,
}

impl<'a> Splitter<'a> {
    fn new(client: Client, text: &'a str) -> Self {
        Splitter {
            client,
            text,
            bytes: text.as_bytes(),
            pos: 0,
            delimiter: ";".into(),
            out: Vec::new(),
            cursor: std::cell::Cell::new((0, 1)),
        }
    }

    /// The 1-based line and column of byte `at`: lines are counted from the
    /// last position asked for, so that a file's statements, asked in
    /// order, are placed in one pass.
    fn position(&self, at: usize) -> (u64, u64) {
        let (from, mut line) = match self.cursor.get() {
            (pos, line) if pos <= at => (pos, line),
            _ => (0, 1),
        };
        line += self.bytes[from..at].iter().filter(|&&b| b == b'\n').count() as u64;
        self.cursor.set((at, line));
        let line_start = self.text[..at].rfind('\n').map_or(0, |i| i + 1);
        let column = self.text[line_start..at].chars().count() as u64 + 1;
        (line, column)
    }

    fn error(&self, at: usize, message: impl Into<String>) -> SplitError {
        let (line, column) = self.position(at);
        SplitError {
            line,
            column,
            message: message.into(),
        }
    }

    fn run(mut self) -> Result<Vec<ModelStatement>, SplitError> {
        while self.pos < self.bytes.len() {
            self.skip_blank();
            if self.pos >= self.bytes.len() {
                break;
            }
            if self.client_line()? {
                continue;
            }
            self.statement()?;
        }
        Ok(self.out)
    }

    /// Past whitespace and the comments before a statement (not MySQL's
    /// executable ones, which are statements).
    fn skip_blank(&mut self) {
        loop {
            while self.pos < self.bytes.len() && self.bytes[self.pos].is_ascii_whitespace() {
                self.pos += 1;
            }
            let rest = &self.bytes[self.pos..];
            let line_comment =
                rest.starts_with(b"--") || (self.client == Client::Mysql && rest.starts_with(b"#"));
            if line_comment {
                self.pos = self.rest_of_line(self.pos);
            } else if rest.starts_with(b"/*")
                && !rest.starts_with(b"/*!")
                && !rest.starts_with(b"/*M!")
            {
                match self.text[self.pos + 2..].find("*/") {
                    Some(close) => self.pos += 2 + close + 2,
                    // Left to the statement, which reports it.
                    None => return,
                }
            } else {
                return;
            }
        }
    }

    fn rest_of_line(&self, from: usize) -> usize {
        self.text[from..]
            .find('\n')
            .map_or(self.text.len(), |i| from + i)
    }

    /// A client command at the start of a statement: psql's backslash
    /// commands, mysql's `DELIMITER`. Returns whether one was consumed.
    fn client_line(&mut self) -> Result<bool, SplitError> {
        let start = self.pos;
        let end = self.rest_of_line(start);
        let line = &self.text[start..end];
        let is_psql = self.client == Client::Psql && line.starts_with('\\');
        let is_delimiter = self.client == Client::Mysql
            && line.len() > 9
            && line.as_bytes()[..9].eq_ignore_ascii_case(b"delimiter")
            && line.as_bytes()[9].is_ascii_whitespace();
        if !is_psql && !is_delimiter {
            return Ok(false);
        }
        if is_delimiter {
            let new = line[9..].trim();
            if new.is_empty() {
                return Err(self.error(start, "DELIMITER without a delimiter"));
            }
            self.delimiter = new.to_owned();
        }
        self.push(start, end, StatementKind::Skipped(Skip::ClientCommands));
        self.pos = end;
        Ok(true)
    }

    fn push(&mut self, start: usize, end: usize, kind: StatementKind) {
        let (line, column) = self.position(start);
        self.out.push(ModelStatement {
            text: self.text[start..end].trim_end().to_owned(),
            line,
            column,
            range: start..end,
            kind,
        });
    }

    /// One statement from `self.pos` to the delimiter (or the end).
    fn statement(&mut self) -> Result<(), SplitError> {
        let start = self.pos;
        let mut words = Words::default();
        let compound_allowed = self.delimiter == ";";
        let mut i = start;
        let end;
        loop {
            if i >= self.bytes.len() {
                end = self.bytes.len();
                self.pos = end;
                break;
            }
            if words.depth == 0 && self.bytes[i..].starts_with(self.delimiter.as_bytes()) {
                end = i;
                self.pos = i + self.delimiter.len();
                break;
            }
            let b = self.bytes[i];
            match b {
                b'\'' | b'"' | b'`' => {
                    let backslash = self.client == Client::Mysql
                        || (b == b'\'' && i > 0 && matches!(self.bytes[i - 1], b'E' | b'e'));
                    i = self.quoted(i, b, backslash && b != b'`')?;
                }
                b'-' if self.bytes.get(i + 1) == Some(&b'-') => i = self.rest_of_line(i),
                b'#' if self.client == Client::Mysql => i = self.rest_of_line(i),
                b'/' if self.bytes.get(i + 1) == Some(&b'*') => {
                    let close = self.text[i + 2..]
                        .find("*/")
                        .ok_or_else(|| self.error(i, "a /* comment is never closed"))?;
                    let inner = &self.text[i + 2..i + 2 + close];
                    if let Some(content) = executable_comment(inner) {
                        words.feed(content, compound_allowed);
                    }
                    i = i + 2 + close + 2;
                }
                b'$' if self.client == Client::Psql => i = self.dollar(i)?,
                b if b.is_ascii_alphabetic() || b == b'_' => {
                    let mut j = i;
                    while j < self.bytes.len()
                        && (self.bytes[j].is_ascii_alphanumeric()
                            || self.bytes[j] == b'_'
                            || self.bytes[j] == b'$')
                    {
                        j += 1;
                    }
                    words.word(&self.text[i..j], compound_allowed);
                    i = j;
                }
                _ => {
                    if !b.is_ascii_whitespace() {
                        words.punct(b);
                    }
                    i += 1
                }
            }
        }
        let empty = words.head.is_empty() && !words.any;
        if !empty {
            let kind = classify(self.client, &words.head);
            self.push(start, end, kind);
            if words.copy_from_stdin() {
                self.copy_rows()?;
            }
        }
        Ok(())
    }

    /// The rows after `COPY ... FROM stdin;`, up to the line `\.`.
    fn copy_rows(&mut self) -> Result<(), SplitError> {
        let start = self.rest_of_line(self.pos).min(self.text.len());
        let mut at = start;
        while at < self.text.len() {
            let line_start = at + 1;
            let line_end = self.rest_of_line(line_start.min(self.text.len()));
            if self.text.get(line_start..line_end).map(str::trim_end) == Some("\\.") {
                self.pos = line_end;
                if let Some(copy) = self.out.last_mut() {
                    copy.range.end = line_end;
                }
                return Ok(());
            }
            at = line_end;
        }
        Err(self.error(
            start,
            "COPY ... FROM stdin has no line `\\.` ending its rows",
        ))
    }

    /// Past the quoted text that starts at `i` with `quote`.
    fn quoted(&self, i: usize, quote: u8, backslash: bool) -> Result<usize, SplitError> {
        let mut j = i + 1;
        while j < self.bytes.len() {
            let b = self.bytes[j];
            if backslash && b == b'\\' {
                j += 2;
                continue;
            }
            if b == quote {
                if self.bytes.get(j + 1) == Some(&quote) {
                    j += 2;
                    continue;
                }
                return Ok(j + 1);
            }
            j += 1;
        }
        Err(self.error(i, format!("a {} quote is never closed", quote as char)))
    }

    /// Past PostgreSQL's `$tag$ ... $tag$` at `i` (or just past a `$` that
    /// starts none, as in `$1`).
    fn dollar(&self, i: usize) -> Result<usize, SplitError> {
        let mut j = i + 1;
        while j < self.bytes.len()
            && (self.bytes[j].is_ascii_alphanumeric() || self.bytes[j] == b'_')
        {
            j += 1;
        }
        if self.bytes.get(j) != Some(&b'$') || self.bytes.get(i + 1).is_some_and(u8::is_ascii_digit)
        {
            return Ok(i + 1);
        }
        let tag = &self.text[i..=j];
        match self.text[j + 1..].find(tag) {
            Some(close) => Ok(j + 1 + close + tag.len()),
            None => Err(self.error(i, format!("the dollar quote {tag} is never closed"))),
        }
    }
}

/// The content of a MySQL executable comment (`!40101 SET ...`,
/// `M!100100 ...`), without its version.
fn executable_comment(inner: &str) -> Option<&str> {
    let rest = inner
        .strip_prefix('!')
        .or_else(|| inner.strip_prefix("M!"))?;
    Some(rest.trim_start_matches(|c: char| c.is_ascii_digit()))
}

/// The words that classify a statement, and the `BEGIN ... END` depth of a
/// compound statement's body.
#[derive(Default)]
struct Words {
    /// The first words, uppercased (up to [`HEAD`]), and the last one.
    head: Vec<String>,
    /// Something significant that is not a word was seen.
    any: bool,
    /// Inside a compound statement's body (`BEGIN`/`CASE` opened).
    depth: u32,
    /// The statement creates a trigger, function, procedure or event.
    compound: bool,
    /// The word before the current one, uppercased.
    last: String,
    /// Every word, uppercased, for `COPY ... FROM stdin`.
    tail: Vec<String>,
}

const HEAD: usize = 8;

impl Words {
    fn feed(&mut self, text: &str, compound_allowed: bool) {
        for w in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '$')) {
            if w.is_empty() {
                continue;
            }
            if w.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
                self.word(w, compound_allowed);
            } else {
                self.any = true;
            }
        }
        if text.contains(['(', '=', '*']) {
            self.any = true;
        }
    }

    fn punct(&mut self, _b: u8) {
        self.any = true;
    }

    fn word(&mut self, w: &str, compound_allowed: bool) {
        let upper = w.to_ascii_uppercase();
        if self.head.len() < HEAD {
            self.head.push(upper.clone());
            if self.head.len() >= 2 && self.head[0] == "CREATE" {
                let creates_body = self.head[1..]
                    .iter()
                    .any(|h| matches!(h.as_str(), "TRIGGER" | "FUNCTION" | "PROCEDURE" | "EVENT"));
                self.compound = compound_allowed && creates_body;
            }
        }
        if self.tail.len() < 64 {
            self.tail.push(upper.clone());
        }
        if self.compound {
            match upper.as_str() {
                "BEGIN" | "CASE" => self.depth += 1,
                "END" => self.depth = self.depth.saturating_sub(1),
                // `END IF`, `END LOOP`, ...: the END counted for an IF
                // that was not; give it back.
                "IF" | "LOOP" | "WHILE" | "REPEAT" | "FOR" if self.last == "END" => self.depth += 1,
                _ => {}
            }
        }
        self.last = upper;
        self.any = true;
    }

    fn copy_from_stdin(&self) -> bool {
        self.head.first().is_some_and(|w| w == "COPY")
            && self
                .tail
                .windows(2)
                .any(|w| w[0] == "FROM" && w[1] == "STDIN")
    }
}

/// What a statement starting with `head` is.
fn classify(client: Client, head: &[String]) -> StatementKind {
    use StatementKind::{Schema, Skipped};
    let w = |i: usize| head.get(i).map_or("", String::as_str);
    let has = |word: &str| head.iter().any(|h| h == word);
    let internal = |name: &str| name.starts_with("SQLITE_");
    match w(0) {
        "INSERT" | "UPDATE" | "DELETE" | "COPY" | "REPLACE" | "TRUNCATE" | "MERGE" | "UPSERT"
        | "LOAD" => {
            if client == Client::Sqlite && head.iter().any(|h| internal(h)) {
                Skipped(Skip::Internal)
            } else {
                Skipped(Skip::Data)
            }
        }
        "SELECT" | "VALUES" | "WITH" | "SHOW" | "EXPLAIN" | "DO" => {
            if has("SET_CONFIG") {
                Skipped(Skip::Session)
            } else if has("SETVAL") {
                Skipped(Skip::Data)
            } else {
                Skipped(Skip::Queries)
            }
        }
        "GRANT" | "REVOKE" => Skipped(Skip::Grants),
        "SECURITY" => Skipped(Skip::Ownership),
        "SET" | "RESET" | "PRAGMA" => Skipped(Skip::Session),
        "BEGIN" | "COMMIT" | "END" | "ROLLBACK" | "SAVEPOINT" | "RELEASE" | "START" => {
            Skipped(Skip::Transactions)
        }
        "DROP" => Skipped(Skip::Drops),
        "USE" => Skipped(Skip::Databases),
        "LOCK" | "UNLOCK" => Skipped(Skip::Locks),
        "ANALYZE" | "ANALYSE" | "VACUUM" | "OPTIMIZE" | "CHECKPOINT" | "REINDEX" | "CLUSTER"
        | "REFRESH" | "FLUSH" | "CHECK" | "REPAIR" => Skipped(Skip::Maintenance),
        "ALTER" if w(1) == "DEFAULT" && w(2) == "PRIVILEGES" => Skipped(Skip::Grants),
        "ALTER" if matches!(w(1), "DATABASE" | "SCHEMA") => Skipped(Skip::Databases),
        "ALTER" if owner_to(head) => Skipped(Skip::Ownership),
        "CREATE" if matches!(w(1), "DATABASE" | "SCHEMA") => Skipped(Skip::Databases),
        "CREATE" if client == Client::Sqlite && head.iter().skip(1).any(|h| internal(h)) => {
            Skipped(Skip::Internal)
        }
        "COMMENT" if matches!(w(2), "SCHEMA" | "EXTENSION" | "DATABASE") => {
            Skipped(Skip::Databases)
        }
        _ => Schema,
    }
}

/// `ALTER <object> ... OWNER TO ...` (the head holds at most [`HEAD`]
/// words: enough for `ALTER TABLE ONLY public.t OWNER TO x`).
fn owner_to(head: &[String]) -> bool {
    head.windows(2).any(|w| w[0] == "OWNER" && w[1] == "TO")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(dialect: &str, text: &str) -> Vec<(String, StatementKind)> {
        model_statements(dialect, text)
            .unwrap()
            .into_iter()
            .map(|s| (s.text, s.kind))
            .collect()
    }

    #[test]
    fn pg_dump_preamble_is_skipped_and_schema_kept() {
        let text = "--\n-- PostgreSQL database dump\n--\n\\restrict abc\nSET statement_timeout = 0;\nSELECT pg_catalog.set_config('search_path', '', false);\n\nCREATE FUNCTION public.f() RETURNS trigger\n    LANGUAGE plpgsql\n    AS $$\nBEGIN\n    NEW.x := now(); RETURN NEW;\nEND $$;\n\nALTER FUNCTION public.f() OWNER TO postgres;\nCREATE TABLE public.t (a integer);\nALTER TABLE ONLY public.t\n    ADD CONSTRAINT t_pkey PRIMARY KEY (a);\nCOPY public.t (a) FROM stdin;\n1\n2\n\\.\nSELECT pg_catalog.setval('public.s', 1, false);\nGRANT ALL ON TABLE public.t TO bob;\n";
        let got = kinds("postgresql", text);
        let summary: Vec<StatementKind> = got.iter().map(|(_, k)| *k).collect();
        assert_eq!(
            summary,
            vec![
                StatementKind::Skipped(Skip::ClientCommands),
                StatementKind::Skipped(Skip::Session),
                StatementKind::Skipped(Skip::Session),
                StatementKind::Schema,
                StatementKind::Skipped(Skip::Ownership),
                StatementKind::Schema,
                StatementKind::Schema,
                StatementKind::Skipped(Skip::Data),
                StatementKind::Skipped(Skip::Data),
                StatementKind::Skipped(Skip::Grants),
            ]
        );
        assert!(got[3].0.ends_with("END $$"), "{}", got[3].0);
    }

    #[test]
    fn mysqldump_delimiters_and_executable_comments() {
        let text = "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;\nDROP TABLE IF EXISTS `t`;\nCREATE TABLE `t` (\n  `a` int NOT NULL COMMENT 'it''s; here',\n  PRIMARY KEY (`a`)\n) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\nLOCK TABLES `t` WRITE;\nUNLOCK TABLES;\nDELIMITER ;;\n/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `tr` BEFORE INSERT ON `t` FOR EACH ROW BEGIN\n  SET NEW.a = 1; SET NEW.a = 2;\nEND */;;\nDELIMITER ;\n# a comment; with a semicolon\nCREATE VIEW v AS SELECT 1;\n";
        let got = kinds("mysql", text);
        let summary: Vec<StatementKind> = got.iter().map(|(_, k)| *k).collect();
        assert_eq!(
            summary,
            vec![
                StatementKind::Skipped(Skip::Session),
                StatementKind::Skipped(Skip::Drops),
                StatementKind::Schema,
                StatementKind::Skipped(Skip::Locks),
                StatementKind::Skipped(Skip::Locks),
                StatementKind::Skipped(Skip::ClientCommands),
                StatementKind::Schema,
                StatementKind::Skipped(Skip::ClientCommands),
                StatementKind::Schema,
            ]
        );
        assert!(got[6].0.contains("SET NEW.a = 2;\nEND */"), "{}", got[6].0);
    }

    #[test]
    fn sqlite_trigger_body_and_internal_tables() {
        let text = "CREATE TABLE t(a);\nCREATE TABLE sqlite_sequence(name,seq);\nCREATE TRIGGER tr AFTER INSERT ON t BEGIN\n  UPDATE t SET a = CASE WHEN a > 1 THEN 1 ELSE 2 END;\n  DELETE FROM t WHERE a = 3;\nEND;\nPRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\nCOMMIT;\n";
        let got = kinds("sqlite", text);
        let summary: Vec<StatementKind> = got.iter().map(|(_, k)| *k).collect();
        assert_eq!(
            summary,
            vec![
                StatementKind::Schema,
                StatementKind::Skipped(Skip::Internal),
                StatementKind::Schema,
                StatementKind::Skipped(Skip::Session),
                StatementKind::Skipped(Skip::Transactions),
                StatementKind::Skipped(Skip::Transactions),
            ]
        );
        assert!(got[2].0.ends_with("END"), "{}", got[2].0);
    }

    #[test]
    fn positions_and_unclosed_quotes() {
        let got = model_statements("sqlite", "\n\n  CREATE TABLE t(a);").unwrap();
        assert_eq!((got[0].line, got[0].column), (3, 3));
        let err = model_statements("sqlite", "CREATE TABLE t(a DEFAULT 'x);").unwrap_err();
        assert_eq!((err.line, err.column), (1, 26));
        let err = model_statements("postgresql", "CREATE FUNCTION f() AS $b$ x").unwrap_err();
        assert!(err.message.contains("$b$"), "{}", err.message);
    }

    #[test]
    fn text_that_is_not_ascii_never_splits_inside_a_character() {
        // Found by the models fuzz target: a line of 9+ bytes whose 9th
        // byte is inside a character.
        for dialect in ["sqlite", "postgresql", "mysql"] {
            let _ = model_statements(
                dialect,
                "/.\u{d6f5f}\u{f4}\u{fffd}x;\nDELIMIT\u{e9}R ;;\n\u{e9}\u{e9}\u{e9}\u{e9}\u{e9};",
            );
            let _ = model_statements(dialect, "deli\u{e9}miter;\n'\u{e9}\\");
        }
    }

    #[test]
    fn comment_only_text_holds_no_statement() {
        assert!(
            model_statements("mysql", "-- a\n/* b */\n# c\n;")
                .unwrap()
                .is_empty()
        );
    }
}
