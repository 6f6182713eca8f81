//! Applying operations to a [`Table`] definition: the new shape of a table
//! after a `batch_alter_table`'s nested operations, and where each of its
//! columns' data comes from (SQLite's move-and-copy needs both).

use crate::ops::{Operation, Setting};
use crate::schema::{Column, Constraint, ConstraintKind, Table};

/// Where a column of the rebuilt table takes its data from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ColumnSource {
    /// Copied from this column of the current table (renamed or not).
    Copied(String),
    /// A new column: it gets its server default (or NULL).
    Added,
}

/// A nested operation that does not fit the table it is applied to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ApplyError {
    /// The operation names a column the table does not have.
    #[error("{operation}: table {table} has no column {column:?}")]
    NoSuchColumn {
        /// The operation, e.g. `drop_column on user`.
        operation: String,
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// The operation adds or renames to a column name already taken.
    #[error("{operation}: table {table} already has a column {column:?}")]
    DuplicateColumn {
        /// The operation.
        operation: String,
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// The operation names an index or constraint the table does not have.
    #[error("{operation}: table {table} has no {kind} named {name:?}")]
    NoSuchObject {
        /// The operation.
        operation: String,
        /// The table.
        table: String,
        /// `index`, `unique constraint`, ...
        kind: String,
        /// Its name.
        name: String,
    },
    /// The operation cannot be part of a batch.
    #[error("{operation} cannot be nested in batch_alter_table on {table}")]
    NotInBatch {
        /// The operation.
        operation: String,
        /// The batch's table.
        table: String,
    },
}

/// Applies `ops` to `current`, giving the new definition and, for each of
/// its columns in order, where the data comes from.
///
/// Dropping a column also drops the indexes, unique constraints, foreign
/// keys and primary key entries that use it (as SQLite requires); checks
/// are SQL text and are kept as written: drop a check that names the
/// column in the same batch.
pub fn apply_to_table(
    current: &Table,
    ops: &[Operation],
) -> Result<(Table, Vec<ColumnSource>), ApplyError> {
    let mut table = current.clone();
    let mut sources: Vec<ColumnSource> = current
        .columns
        .iter()
        .map(|c| ColumnSource::Copied(c.name.clone()))
        .collect();
    for op in ops {
        apply_one(&mut table, &mut sources, op)?;
    }
    Ok((table, sources))
}

fn apply_one(
    table: &mut Table,
    sources: &mut Vec<ColumnSource>,
    op: &Operation,
) -> Result<(), ApplyError> {
    let table_name = table.name.to_string();
    let no_column = |column: &str| ApplyError::NoSuchColumn {
        operation: op.to_string(),
        table: table_name.clone(),
        column: column.to_owned(),
    };
    let duplicate = |column: &str| ApplyError::DuplicateColumn {
        operation: op.to_string(),
        table: table_name.clone(),
        column: column.to_owned(),
    };
    let no_object = |kind: &str, name: &str| ApplyError::NoSuchObject {
        operation: op.to_string(),
        table: table_name.clone(),
        kind: kind.to_owned(),
        name: name.to_owned(),
    };
    let position = |table: &Table, name: &str| table.columns.iter().position(|c| c.name == name);
    match op {
        Operation::AddColumn { column, .. } => {
            if position(table, &column.name).is_some() {
                return Err(duplicate(&column.name));
            }
            if column.primary_key
                && let Some(pk) = &mut table.primary_key
            {
                pk.columns.push(column.name.clone());
            }
            table.columns.push(column.clone());
            sources.push(ColumnSource::Added);
        }
        Operation::DropColumn { column, .. } => {
            let i = position(table, column).ok_or_else(|| no_column(column))?;
            table.columns.remove(i);
            sources.remove(i);
            forget_column(table, column);
        }
        Operation::AlterColumn(a) => {
            let i = position(table, &a.column).ok_or_else(|| no_column(&a.column))?;
            if let Some(new) = &a.new_name
                && new != &a.column
            {
                if position(table, new).is_some() {
                    return Err(duplicate(new));
                }
                rename_column(table, &a.column, new);
            }
            let c: &mut Column = &mut table.columns[i];
            if let Some(ty) = &a.ty {
                c.ty = ty.clone();
            }
            if let Some(n) = a.nullable {
                c.nullable = n;
                if n {
                    c.not_null_on_conflict = None;
                }
            }
            if let Some(d) = &a.server_default {
                c.server_default = d.value().map(str::to_owned);
            }
            if let Some(comment) = &a.comment {
                c.comment = match comment {
                    Setting::Set(v) => Some(v.clone()),
                    Setting::Unset => None,
                };
            }
        }
        Operation::CreateIndex { index, .. } => {
            table.indexes.retain(|ix| ix.name != index.name);
            table.indexes.push(index.clone());
        }
        Operation::DropIndex { name, .. } => {
            let before = table.indexes.len();
            table.indexes.retain(|ix| &ix.name != name);
            if table.indexes.len() == before {
                return Err(no_object("index", name));
            }
        }
        Operation::CreateUniqueConstraint { constraint, .. } => {
            table.uniques.push(constraint.clone())
        }
        Operation::CreateForeignKey { foreign_key, .. } => {
            table.foreign_keys.push(foreign_key.clone())
        }
        Operation::CreateCheckConstraint { check, .. } => table.checks.push(check.clone()),
        Operation::CreatePrimaryKey { primary_key, .. } => {
            for c in &mut table.columns {
                c.primary_key = false;
                if primary_key.columns.contains(&c.name) {
                    c.nullable = false;
                }
            }
            table.primary_key = Some(primary_key.clone());
        }
        Operation::DropConstraint {
            name,
            kind,
            definition,
            ..
        } => {
            let some = Some(name.as_str());
            // By name; else, for a constraint the database left unnamed, by
            // the definition the operation carries (autogenerate writes it).
            let found = match kind {
                ConstraintKind::Unique => {
                    remove(&mut table.uniques, |u| u.name.as_deref() == some)
                        || match definition {
                            Some(Constraint::Unique(d)) => {
                                let by_definition = remove(&mut table.uniques, |u| {
                                    u.name.is_none() && u.columns == d.columns
                                });
                                let mut on_column = false;
                                if let [only] = d.columns.as_slice() {
                                    for c in table.columns.iter_mut() {
                                        if c.unique && &c.name == only {
                                            c.unique = false;
                                            on_column = true;
                                        }
                                    }
                                }
                                by_definition || on_column
                            }
                            _ => false,
                        }
                }
                ConstraintKind::ForeignKey => {
                    remove(&mut table.foreign_keys, |f| f.name.as_deref() == some)
                        || match definition {
                            Some(Constraint::ForeignKey(d)) => {
                                remove(&mut table.foreign_keys, |f| {
                                    f.name.is_none()
                                        && f.columns == d.columns
                                        && f.referent_table == d.referent_table
                                        && f.referent_columns == d.referent_columns
                                })
                            }
                            _ => false,
                        }
                }
                ConstraintKind::Check => {
                    remove(&mut table.checks, |c| c.name.as_deref() == some)
                        || match definition {
                            Some(Constraint::Check(d)) => remove(&mut table.checks, |c| {
                                c.name.is_none() && c.condition == d.condition
                            }),
                            _ => false,
                        }
                }
                // A table has one primary key: dropping it by any name is
                // what the user means when the table has one.
                ConstraintKind::Primary => {
                    let had =
                        table.primary_key.is_some() || table.columns.iter().any(|c| c.primary_key);
                    table.primary_key = None;
                    table.columns.iter_mut().for_each(|c| c.primary_key = false);
                    had
                }
            };
            if !found {
                return Err(no_object(kind.describe(), name));
            }
        }
        Operation::CreateTableComment { comment, .. } => table.comment = Some(comment.clone()),
        Operation::DropTableComment { .. } => table.comment = None,
        Operation::AlterTableOptions { options, .. } => {
            let o = &mut table.options;
            for (set, slot) in [
                (&options.engine, &mut o.engine),
                (&options.charset, &mut o.charset),
                (&options.collation, &mut o.collation),
            ] {
                if set.is_some() {
                    *slot = set.clone();
                }
            }
        }
        _ => {
            return Err(ApplyError::NotInBatch {
                operation: op.to_string(),
                table: table_name,
            });
        }
    }
    Ok(())
}

fn remove<T>(items: &mut Vec<T>, matches: impl Fn(&T) -> bool) -> bool {
    let before = items.len();
    items.retain(|i| !matches(i));
    items.len() != before
}

/// Drops the keys, indexes and constraints that use a dropped column.
fn forget_column(table: &mut Table, column: &str) {
    let uses = |cols: &[String]| cols.iter().any(|c| c == column);
    table.indexes.retain(|ix| !uses(&ix.columns));
    table.uniques.retain(|u| !uses(&u.columns));
    table.foreign_keys.retain(|f| !uses(&f.columns));
    if let Some(pk) = &mut table.primary_key {
        pk.columns.retain(|c| c != column);
        if pk.columns.is_empty() {
            table.primary_key = None;
        }
    }
}

/// Renames a column everywhere the table names it.
fn rename_column(table: &mut Table, old: &str, new: &str) {
    let rename = |cols: &mut Vec<String>| {
        cols.iter_mut()
            .filter(|c| c.as_str() == old)
            .for_each(|c| *c = new.to_owned())
    };
    for c in &mut table.columns {
        if c.name == old {
            c.name = new.to_owned();
        }
    }
    if let Some(pk) = &mut table.primary_key {
        rename(&mut pk.columns);
    }
    table
        .indexes
        .iter_mut()
        .for_each(|ix| rename(&mut ix.columns));
    table
        .uniques
        .iter_mut()
        .for_each(|u| rename(&mut u.columns));
    let own = table.name.clone();
    for fk in &mut table.foreign_keys {
        rename(&mut fk.columns);
        // A self-referencing key names the column on both sides.
        if fk.referent_table.name == own.name && fk.referent_table.schema == own.schema {
            rename(&mut fk.referent_columns);
        }
    }
}
