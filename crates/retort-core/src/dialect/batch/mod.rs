//! `batch_alter_table`: nested operations on one table, done with plain
//! `ALTER TABLE` where the dialect can, else by Alembic's move-and-copy
//! (`alembic/operations/batch.py`), in `copy`:
//!
//! 1. the views that read the table and the triggers of other tables that
//!    name it are dropped (SQLite's `RENAME` would refuse to run while
//!    they name a table that is gone);
//! 2. `CREATE TABLE "_retort_tmp_<t>"` with the new definition;
//! 3. `INSERT INTO "_retort_tmp_<t>" (...) SELECT ... FROM "<t>"`, mapping
//!    renamed, added and dropped columns (a changed type converts on
//!    insert; generated columns compute themselves);
//! 4. SQLite's `AUTOINCREMENT` high-water mark is copied in `sqlite_sequence`;
//! 5. `DROP TABLE "<t>"` (its triggers go with it);
//! 6. `ALTER TABLE "_retort_tmp_<t>" RENAME TO "<t>"`;
//! 7. the indexes (and separate comments) again;
//! 8. the table's triggers, and the views and triggers of step 1, again
//!    from their SQL, in the order they were first created; then each view
//!    is used once (`SELECT * ... LIMIT 0`), since SQLite checks a view
//!    only when it is used.
//!
//! The rows, indexes, keys, foreign keys, checks, defaults, collations,
//! generated columns, conflict clauses and table options are kept, and so
//! is everything of [`RebuildSource::dependents`]. What cannot be kept is
//! refused before any statement is rendered (`source`). The copy is
//! pure: it needs the table's current definition and dependents, which the
//! runner reads from the database.

mod copy;
mod source;

pub use source::{Dependent, DependentKind, RebuildSource};

use crate::dialect::{Dialect, DialectError, Statement};
use crate::ops::{Operation, Recreate, apply_to_table};
use crate::schema::TableName;

/// The prefix of the temporary table of a rebuild.
pub const TEMP_TABLE_PREFIX: &str = "_retort_tmp_";

/// The statements of one `batch_alter_table`, and what the runner must do
/// around them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BatchStatements {
    /// The statements, in order.
    pub statements: Vec<Statement>,
    /// The table was rebuilt (move-and-copy) rather than altered in place.
    pub recreated: bool,
    /// Foreign key enforcement must be off while these run (SQLite:
    /// `PRAGMA foreign_keys=OFF` before the transaction, back on after), or
    /// dropping the old table fires `ON DELETE` actions or fails.
    pub foreign_keys_off: bool,
}

/// Renders a batch given the table's current definition and what depends
/// on it (`source`).
///
/// `recreate`: `Auto` alters in place when the dialect can do every nested
/// operation that way and rebuilds otherwise; `Always` rebuilds; `Never`
/// alters in place or fails naming the operation that needs a rebuild. A
/// rebuild that cannot keep everything ([`RebuildSource::unkept`], or a
/// view or trigger that names a column the batch drops or renames) is an
/// error, before any statement.
pub fn render_batch<D: Dialect + ?Sized>(
    d: &D,
    source: &RebuildSource,
    ops: &[Operation],
    recreate: Recreate,
) -> Result<BatchStatements, DialectError> {
    let current = &source.table;
    // Check every nested operation against the table, even when they are
    // done in place: a typo in a column name fails here, not halfway.
    apply_to_table(current, ops)?;
    if recreate != Recreate::Always {
        match in_place(d, ops) {
            Ok(statements) => {
                return Ok(BatchStatements {
                    statements,
                    recreated: false,
                    foreign_keys_off: false,
                });
            }
            Err(e @ DialectError::NeedsBatch { .. }) if recreate == Recreate::Never => {
                return Err(DialectError::RecreateNever {
                    table: current.name.to_string(),
                    reason: in_place_reason(&e),
                });
            }
            Err(DialectError::NeedsBatch { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(BatchStatements {
        statements: copy::move_and_copy(d, source, ops)?,
        recreated: true,
        foreign_keys_off: d.rebuild_needs_foreign_keys_off(),
    })
}

/// A batch rendered without the table's definition (offline SQL, or a
/// plain `Dialect::render`): fine while every nested operation can be done
/// in place; otherwise an error saying the current definition is needed.
pub(crate) fn render_without_definition<D: Dialect + ?Sized>(
    d: &D,
    table: &TableName,
    recreate: Recreate,
    ops: &[Operation],
) -> Result<Vec<Statement>, DialectError> {
    let needs_table = |reason: String| DialectError::NeedsCurrentTable {
        dialect: d.name(),
        table: table.to_string(),
        reason,
    };
    if recreate == Recreate::Always {
        return Err(needs_table("recreate = \"always\"".into()));
    }
    match in_place(d, ops) {
        Err(e @ DialectError::NeedsBatch { .. }) => {
            let reason = in_place_reason(&e);
            if recreate == Recreate::Never {
                Err(DialectError::RecreateNever {
                    table: table.to_string(),
                    reason,
                })
            } else {
                Err(needs_table(reason))
            }
        }
        other => other,
    }
}

/// `sqlite cannot X in place (op)`, from a `NeedsBatch` error.
fn in_place_reason(e: &DialectError) -> String {
    match e {
        DialectError::NeedsBatch {
            dialect,
            operation,
            what,
            ..
        } => format!("{dialect} cannot {what} in place ({operation})"),
        other => other.to_string(),
    }
}

/// Each nested operation as ordinary `ALTER` statements.
fn in_place<D: Dialect + ?Sized>(d: &D, ops: &[Operation]) -> Result<Vec<Statement>, DialectError> {
    let mut out = vec![];
    for op in ops {
        // SQLite's own DROP COLUMN refuses columns used by an index, key or
        // check; the rebuild handles every case.
        if let Operation::DropColumn { table, .. } = op
            && !d.supports_alter_column()
        {
            return Err(crate::dialect::ddl::needs_batch(
                d,
                op,
                table,
                "drop a column safely",
            ));
        }
        out.extend(d.render(op)?);
    }
    Ok(out)
}
