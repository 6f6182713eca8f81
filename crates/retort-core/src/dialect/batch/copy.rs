//! The move-and-copy statements of a rebuild (the steps are listed in the
//! parent module's docs).

use crate::dialect::batch::TEMP_TABLE_PREFIX;
use crate::dialect::batch::source::{DependentKind, RebuildSource, check_rebuild};
use crate::dialect::ddl::{create_table_followups, create_table_statement, qualified};
use crate::dialect::{Dialect, DialectError, Statement};
use crate::ops::{ColumnSource, Operation, apply_to_table};
use crate::schema::{Table, TableName};

/// Whether `table` has a rowid that no column holds: a SQLite table
/// neither `WITHOUT ROWID` nor keyed by a lone `INTEGER PRIMARY KEY` (the
/// rowid's alias, copied as a column).
fn keeps_rowid<D: Dialect + ?Sized>(d: &D, table: &Table) -> bool {
    let key = table.primary_key_columns();
    let alias = key.len() == 1
        && table
            .columns
            .iter()
            .any(|c| c.name == key[0] && c.ty == crate::types::ColumnType::Integer);
    // A column named `rowid` hides it.
    let hidden = table
        .columns
        .iter()
        .any(|c| c.name.eq_ignore_ascii_case("rowid"));
    d.supports_without_rowid() && !table.without_rowid && !alias && !hidden
}

/// The statements that rebuild `source.table` with `ops` applied.
pub(super) fn move_and_copy<D: Dialect + ?Sized>(
    d: &D,
    source: &RebuildSource,
    ops: &[Operation],
) -> Result<Vec<Statement>, DialectError> {
    let current = &source.table;
    let (new, sources) = apply_to_table(current, ops)?;
    check_rebuild(source, &new, &sources)?;
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
            // A generated column computes its value; it cannot be written.
            _ if column.generated.is_some() => {}
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
    if keeps_rowid(d, current) && keeps_rowid(d, &new) {
        // SQLite numbers the rows of a table without an INTEGER PRIMARY
        // KEY by itself: copy the numbers, which an external-content FTS
        // index or the application may refer to.
        into.push("rowid".to_owned());
        select.push("rowid".to_owned());
    }
    if into.is_empty() {
        return Err(copy_error(
            "no column of the current table is kept, so no row can be copied; drop and create the table instead".into(),
        ));
    }

    let mut out = drop_dependents(d, source);
    out.push(create_table_statement(d, &tmp)?);
    out.push(Statement::new(format!(
        "INSERT INTO {} ({}) SELECT {} FROM {}",
        qualified(d, &tmp_name),
        into.join(", "),
        select.join(", "),
        qualified(d, &current.name)
    )));
    if keeps_sequence(d, current) && keeps_sequence(d, &new) {
        out.extend(d.copy_sequence(&current.name, &tmp_name));
    }
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
    out.extend(
        source
            .dependents
            .iter()
            .map(|dep| Statement::new(dep.sql.clone())),
    );
    // SQLite checks a view only when it is used: use each one, so that a
    // view the new table breaks (`v(a, b) AS SELECT *` over a dropped
    // column) fails the revision here rather than later.
    out.extend(
        source
            .dependents
            .iter()
            .filter(|dep| dep.kind == DependentKind::View)
            .map(|dep| {
                Statement::new(format!(
                    "SELECT * FROM {} LIMIT 0",
                    named(d, &current.name, &dep.name)
                ))
            }),
    );
    Ok(out)
}

/// `name` in the database of `table`, quoted.
fn named<D: Dialect + ?Sized>(d: &D, table: &TableName, name: &str) -> String {
    qualified(
        d,
        &TableName {
            schema: table.schema.clone(),
            name: name.to_owned(),
        },
    )
}

/// True when the table's key keeps its high-water mark apart from the
/// rows (SQLite's `AUTOINCREMENT`, in `sqlite_sequence`).
fn keeps_sequence<D: Dialect + ?Sized>(d: &D, table: &Table) -> bool {
    d.supports_autoincrement_keyword()
        && matches!(table.primary_key_columns().as_slice(),
            [only] if table.find_column(only).is_some_and(|c| c.sqlite_autoincrement))
}

/// `DROP TRIGGER` for every dependent trigger but the table's own (which
/// go with the table), then `DROP VIEW` for the views, newest first.
fn drop_dependents<D: Dialect + ?Sized>(d: &D, source: &RebuildSource) -> Vec<Statement> {
    let table = &source.table.name;
    let mut out = vec![];
    for kind in [DependentKind::Trigger, DependentKind::View] {
        for dep in source.dependents.iter().rev() {
            if dep.kind == kind && !dep.is_trigger_on(&table.name) {
                out.push(Statement::new(format!(
                    "DROP {} {}",
                    kind.as_str().to_ascii_uppercase(),
                    named(d, table, &dep.name)
                )));
            }
        }
    }
    out
}
