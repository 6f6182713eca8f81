//! `batch_alter_table`: nested operations on one table, done with plain
//! `ALTER TABLE` where the dialect can, else by Alembic's move-and-copy
//! (`alembic/operations/batch.py`):
//!
//! 1. `CREATE TABLE "_retort_tmp_<t>"` with the new definition;
//! 2. `INSERT INTO "_retort_tmp_<t>" (...) SELECT ... FROM "<t>"`, mapping
//!    renamed, added and dropped columns (a changed type converts on
//!    insert);
//! 3. `DROP TABLE "<t>"`;
//! 4. `ALTER TABLE "_retort_tmp_<t>" RENAME TO "<t>"`;
//! 5. the indexes (and separate comments) again.
//!
//! The rows, indexes, keys, foreign keys, checks and defaults are kept. The
//! copy is pure: it needs the table's current definition, which the runner
//! reads from the database.

use crate::dialect::ddl::{create_table_followups, create_table_statement, qualified};
use crate::dialect::{Dialect, DialectError, Statement};
use crate::ops::{ColumnSource, Operation, Recreate, apply_to_table};
use crate::schema::{Table, TableName};

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

/// Renders a batch given the table's current definition.
///
/// `recreate`: `Auto` alters in place when the dialect can do every nested
/// operation that way and rebuilds otherwise; `Always` rebuilds; `Never`
/// alters in place or fails naming the operation that needs a rebuild.
pub fn render_batch<D: Dialect + ?Sized>(
    d: &D,
    current: &Table,
    ops: &[Operation],
    recreate: Recreate,
) -> Result<BatchStatements, DialectError> {
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
        statements: move_and_copy(d, current, ops)?,
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

fn move_and_copy<D: Dialect + ?Sized>(
    d: &D,
    current: &Table,
    ops: &[Operation],
) -> Result<Vec<Statement>, DialectError> {
    let (new, sources) = apply_to_table(current, ops)?;
    let copy_error = |reason: String| DialectError::Copy {
        table: current.name.to_string(),
        reason,
    };
    let tmp_name = TableName {
        schema: current.name.schema.clone(),
        name: format!("{TEMP_TABLE_PREFIX}{}", current.name.name),
    };
    let mut tmp = new.clone();
    tmp.name = tmp_name.clone();
    tmp.indexes.clear();

    let mut into = vec![];
    let mut select = vec![];
    for (column, source) in new.columns.iter().zip(&sources) {
        match source {
            ColumnSource::Copied(old_name) => {
                // No CAST on a type change: the insert converts the value
                // the way the column's type does (SQLite's affinity keeps
                // text that is not a number, where CAST would make it 0).
                into.push(d.quote_identifier(&column.name));
                select.push(d.quote_identifier(old_name));
            }
            ColumnSource::Added if column.needs_value() => {
                return Err(copy_error(format!(
                    "new column {:?} is NOT NULL without a server_default, so the existing rows have no value for it; give it a server_default (or make it nullable, fill it, then alter it to NOT NULL)",
                    column.name
                )));
            }
            ColumnSource::Added => {}
        }
    }
    if into.is_empty() {
        return Err(copy_error(
            "no column of the current table is kept, so no row can be copied; drop and create the table instead".into(),
        ));
    }

    let mut out = vec![create_table_statement(d, &tmp)?];
    out.push(Statement::new(format!(
        "INSERT INTO {} ({}) SELECT {} FROM {}",
        qualified(d, &tmp_name),
        into.join(", "),
        select.join(", "),
        qualified(d, &current.name)
    )));
    out.push(Statement::new(format!(
        "DROP TABLE {}",
        qualified(d, &current.name)
    )));
    out.push(Statement::new(format!(
        "ALTER TABLE {} RENAME TO {}",
        qualified(d, &tmp_name),
        d.quote_identifier(&new.name.name)
    )));
    out.extend(create_table_followups(d, &new)?);
    Ok(out)
}
