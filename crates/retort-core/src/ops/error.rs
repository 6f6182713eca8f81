//! Errors of reading operations from revision files and of reversing them.

use std::path::PathBuf;

/// An operation in a revision file that cannot be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{}: {operation}: {problem}", path.display())]
pub struct OperationError {
    /// The revision file.
    pub path: PathBuf,
    /// Which operation, e.g. `upgrade operation 2 (add_column)`, or for a
    /// nested one `upgrade operation 1 (batch_alter_table), nested operation
    /// 2 (drop_column)`.
    pub operation: String,
    /// What is wrong (boxed: errors stay small on the happy path).
    pub problem: Box<OperationProblem>,
}

/// What is wrong with one operation table.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OperationProblem {
    /// A required field is absent.
    #[error("missing field `{field}`: {hint}")]
    Missing {
        /// The field, dotted for nested ones (`column.type`).
        field: String,
        /// What to write, e.g. `write table = "user"`.
        hint: String,
    },
    /// A field has the wrong TOML type.
    #[error("`{field}` must be {expected}, found {found}")]
    WrongType {
        /// The field.
        field: String,
        /// What it must be (`a string`, `an array of strings`, ...).
        expected: String,
        /// The TOML type found.
        found: String,
    },
    /// A field the operation does not take (often a typo).
    #[error("unknown field `{field}`; {op} takes {allowed}")]
    Unknown {
        /// The field.
        field: String,
        /// The operation or nested table it appeared in.
        op: String,
        /// The fields it takes.
        allowed: String,
    },
    /// A field whose value is not valid.
    #[error("`{field}`: {reason}")]
    Invalid {
        /// The field.
        field: String,
        /// Why, and what to write instead.
        reason: String,
    },
}

/// Why an operation has no reverse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReverseError {
    /// The operation can never be reversed (`execute`, `bulk_insert`,
    /// `add_enum_value`).
    #[error("{operation} cannot be reversed: {reason}")]
    Irreversible {
        /// The operation, e.g. `bulk_insert on user`.
        operation: String,
        /// Why, and what to write instead.
        reason: String,
    },
    /// The operation does not carry a fact the reverse needs.
    #[error("{operation} cannot be reversed without `{field}`: {hint}")]
    MissingFact {
        /// The operation, e.g. `drop_column on user`.
        operation: String,
        /// The missing field.
        field: String,
        /// What to write so that it can be reversed.
        hint: String,
    },
}
