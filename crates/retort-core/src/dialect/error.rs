//! What can go wrong turning an operation into SQL.

use crate::ops::ApplyError;

/// An operation a dialect cannot render.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DialectError {
    /// SQLite cannot do this with `ALTER TABLE`; a batch rebuild can.
    #[error(
        "{dialect} cannot {what} ({operation}) with ALTER TABLE; put it in a batch_alter_table on {table}, which rebuilds the table keeping its rows, indexes and constraints"
    )]
    NeedsBatch {
        /// The dialect.
        dialect: &'static str,
        /// The operation, e.g. `alter_column on user`.
        operation: String,
        /// The table, for the `batch_alter_table` to write.
        table: String,
        /// What it cannot do, e.g. `change a column's type`.
        what: String,
    },
    /// The dialect cannot do this at all.
    #[error("{dialect} cannot render {operation}: {reason}")]
    Unsupported {
        /// The dialect.
        dialect: &'static str,
        /// The operation.
        operation: String,
        /// Why, and what to do instead.
        reason: String,
    },
    /// The operation lacks a fact the dialect needs (MySQL's `MODIFY`
    /// restates the whole column).
    #[error("{dialect} needs `{field}` to render {operation}: {reason}")]
    MissingFact {
        /// The dialect.
        dialect: &'static str,
        /// The operation.
        operation: String,
        /// The missing field, e.g. `existing_type`.
        field: String,
        /// Why it is needed.
        reason: String,
    },
    /// A type the dialect cannot spell.
    #[error("{dialect} cannot use type {ty:?}: {reason}")]
    Type {
        /// The dialect.
        dialect: &'static str,
        /// The type as written.
        ty: String,
        /// Why, and what to write instead.
        reason: String,
    },
    /// A `batch_alter_table` that must rebuild the table, rendered without
    /// the table's current definition (the runner reads it from the
    /// database and calls `render_batch`).
    #[error(
        "{dialect}: batch_alter_table on {table} must rebuild the table ({reason}), which needs its current definition; offline SQL (--sql) cannot read it from the database"
    )]
    NeedsCurrentTable {
        /// The dialect.
        dialect: &'static str,
        /// The table.
        table: String,
        /// Why a rebuild is needed.
        reason: String,
    },
    /// `recreate = "never"` with a nested operation that needs a rebuild.
    #[error(
        "batch_alter_table on {table} has recreate = \"never\", but {reason}; use recreate = \"auto\""
    )]
    RecreateNever {
        /// The table.
        table: String,
        /// The nested operation's error.
        reason: String,
    },
    /// A rebuild would lose something the table has that the model cannot
    /// hold (a virtual table, the `DESC` of a unique key's column, ...).
    #[error(
        "batch_alter_table on {table} must rebuild the table, and a rebuild cannot keep what it has: {what}"
    )]
    CannotKeep {
        /// The table.
        table: String,
        /// What would be lost.
        what: String,
    },
    /// A rebuild would create a view or trigger again naming a column the
    /// batch drops or renames.
    #[error(
        "batch_alter_table on {table} {}, which {kind} {name:?} uses: the rebuild creates the {kind} again from its SQL, where that column would no longer exist. {}",
        column_change(.column, .renamed_to),
        column_change_hint(.kind, .renamed_to)
    )]
    DependentUsesColumn {
        /// The table.
        table: String,
        /// The column, as the table has it now.
        column: String,
        /// Its new name when the batch renames it; `None` when it drops it.
        renamed_to: Option<String>,
        /// `view` or `trigger`.
        kind: &'static str,
        /// The view's or trigger's name.
        name: String,
    },
    /// The rebuilt table could not keep the rows.
    #[error("batch_alter_table on {table}: {reason}")]
    Copy {
        /// The table.
        table: String,
        /// What prevents the copy and how to fix it.
        reason: String,
    },
    /// A nested operation does not fit the table's current definition.
    #[error(transparent)]
    Apply(#[from] ApplyError),
}

/// `drops the column "a"` / `renames the column "a" to "b"`.
fn column_change(column: &str, renamed_to: &Option<String>) -> String {
    match renamed_to {
        Some(new) => format!("renames the column {column:?} to {new:?}"),
        None => format!("drops the column {column:?}"),
    }
}

/// What to do instead of a rebuild that would break a view or trigger.
fn column_change_hint(kind: &str, renamed_to: &Option<String>) -> String {
    match renamed_to {
        Some(_) => format!(
            "Rename the column in a batch_alter_table of its own, which SQLite does in place, renaming it in the {kind} too; or drop the {kind} before the batch and create it again after it (op = \"execute\")"
        ),
        None => format!(
            "Drop the {kind} before the batch_alter_table and create it again without the column after it (op = \"execute\")"
        ),
    }
}
