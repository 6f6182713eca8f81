//! What can go wrong reading the target schema, always naming the file and,
//! for its content, the line and column.

use std::path::PathBuf;

/// An error reading the models: a file that cannot be read, SQL that does
/// not parse, or SQL that parses but that retort does not understand.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// The database's dialect is not one retort knows.
    #[error("unknown dialect {0:?}: models are parsed as sqlite, postgresql or mysql")]
    UnknownDialect(String),
    /// A models file could not be read.
    #[error("cannot read the models file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A folder named by a `models` pattern could not be listed.
    #[error("cannot list {} for the models pattern {pattern:?}: {source}", dir.display())]
    List {
        /// The pattern, as configured.
        pattern: String,
        /// The folder.
        dir: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A `models` entry is not a valid glob.
    #[error(
        "the models entry {pattern:?} is not a valid glob: {message}; write a path, or a glob with \
         *, ?, ** (any folders) or [abc]"
    )]
    BadPattern {
        /// The entry, as configured.
        pattern: String,
        /// What is wrong.
        message: String,
    },
    /// A `models` entry names no file.
    #[error("the models entry {pattern:?} matches no file (under {})", base.display())]
    NoMatch {
        /// The entry, as configured.
        pattern: String,
        /// The folder it is relative to.
        base: PathBuf,
    },
    /// The thread the models are read on (with a stack big enough for
    /// deep expressions) could not be started.
    #[error(
        "cannot start a thread to read the models: {source}; the system is short of threads \
         or memory: try again, or raise its limits"
    )]
    Thread {
        /// Why.
        source: std::io::Error,
    },
    /// The SQL does not parse (sqlparser's message).
    #[error("{}:{line}:{column}: syntax error: {message}", path.display())]
    Syntax {
        /// The file.
        path: PathBuf,
        /// The line, from 1 (0 when the parser gave none).
        line: u64,
        /// The column, from 1 (0 when the parser gave none).
        column: u64,
        /// The parser's message.
        message: String,
    },
    /// The SQL parses but asks for something the schema model cannot hold
    /// (another kind of statement, an unsupported clause).
    #[error("{}:{line}:{column}: not supported in models: {message}", path.display())]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// The line, from 1.
        line: u64,
        /// The column, from 1.
        column: u64,
        /// What is not supported, and what to write instead when there is
        /// a way.
        message: String,
    },
    /// The SQL is understood but wrong: an unknown table, a duplicate
    /// table, a type that does not parse.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Invalid {
        /// The file.
        path: PathBuf,
        /// The line, from 1.
        line: u64,
        /// The column, from 1.
        column: u64,
        /// What is wrong.
        message: String,
    },
}

impl ModelError {
    /// The line and column of an error inside a file, when it has one.
    pub fn position(&self) -> Option<(u64, u64)> {
        match self {
            ModelError::Syntax { line, column, .. }
            | ModelError::Unsupported { line, column, .. }
            | ModelError::Invalid { line, column, .. } => Some((*line, *column)),
            _ => None,
        }
    }
}

/// The kind of a problem found in a statement, before the file is known.
#[derive(Debug)]
pub(crate) enum Problem {
    /// Maps to [`ModelError::Unsupported`].
    Unsupported(String),
    /// Maps to [`ModelError::Invalid`].
    Invalid(String),
}

/// A problem at a position (line, column) of the file being parsed.
#[derive(Debug)]
pub(crate) struct Located {
    /// Line and column, from 1; `(0, 0)` when unknown (the caller then uses
    /// the statement's start).
    pub(crate) at: (u64, u64),
    /// What is wrong.
    pub(crate) problem: Problem,
}

/// What converting a statement returns.
pub(crate) type Result<T> = std::result::Result<T, Located>;

/// An unsupported construct at `at`.
pub(crate) fn unsupported(at: (u64, u64), message: impl Into<String>) -> Located {
    Located {
        at,
        problem: Problem::Unsupported(message.into()),
    }
}

/// A wrong but understood construct at `at`.
pub(crate) fn invalid(at: (u64, u64), message: impl Into<String>) -> Located {
    Located {
        at,
        problem: Problem::Invalid(message.into()),
    }
}
