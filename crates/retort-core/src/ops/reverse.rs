//! The reverse of each operation, as Alembic's `reverse()` in
//! `alembic/operations/ops.py`: what undoes it, or why nothing can.

use crate::ops::{AlterColumn, Operation, ReverseError};
use crate::schema::{Constraint, ConstraintKind, TableName};

impl Operation {
    /// The operation that undoes this one.
    ///
    /// Dropping operations are reversible only when they carry what they
    /// drop (`drop_column` with `column = { name, type, ... }`, `drop_table`
    /// with `columns`, `drop_index` with `columns`, `drop_constraint` with
    /// its definition, `drop_enum` with `values`, `drop_table_comment` with
    /// `existing_comment`); `alter_column` needs the `existing_*` fact of
    /// each thing it changes. `execute`, `bulk_insert` and `add_enum_value`
    /// are never reversible.
    pub fn reverse(&self) -> Result<Operation, ReverseError> {
        let missing = |field: &str, hint: &str| ReverseError::MissingFact {
            operation: self.to_string(),
            field: field.to_owned(),
            hint: hint.to_owned(),
        };
        let irreversible = |reason: &str| ReverseError::Irreversible {
            operation: self.to_string(),
            reason: reason.to_owned(),
        };
        Ok(match self {
            Operation::CreateTable(t) => Operation::DropTable {
                table: t.name.clone(),
                definition: Some(t.clone()),
            },
            Operation::DropTable { definition, .. } => match definition {
                Some(t) => Operation::CreateTable(t.clone()),
                None => {
                    return Err(missing(
                        "columns",
                        "give the dropped table's definition (columns = [...], and its keys and constraints)",
                    ));
                }
            },
            Operation::RenameTable { table, new_name } => Operation::RenameTable {
                table: TableName {
                    schema: table.schema.clone(),
                    name: new_name.clone(),
                },
                new_name: table.name.clone(),
            },
            Operation::AddColumn { table, column } => Operation::DropColumn {
                table: table.clone(),
                column: column.name.clone(),
                definition: Some(column.clone()),
            },
            Operation::DropColumn {
                table, definition, ..
            } => match definition {
                Some(c) => Operation::AddColumn {
                    table: table.clone(),
                    column: c.clone(),
                },
                None => {
                    return Err(missing(
                        "column",
                        "write the dropped column's definition, e.g. column = { name = \"email\", type = \"varchar(255)\" }",
                    ));
                }
            },
            Operation::AlterColumn(a) => Operation::AlterColumn(
                reverse_alter(a).map_err(|(field, hint)| missing(field, &hint))?,
            ),
            // The reverse keeps `concurrently`: an index built without
            // blocking writes is dropped the same way, and back.
            Operation::CreateIndex {
                table,
                index,
                concurrently,
            } => Operation::DropIndex {
                table: table.clone(),
                name: index.name.clone(),
                definition: Some(index.clone()),
                concurrently: *concurrently,
            },
            Operation::DropIndex {
                table,
                definition,
                concurrently,
                ..
            } => match definition {
                Some(index) => Operation::CreateIndex {
                    table: table.clone(),
                    index: index.clone(),
                    concurrently: *concurrently,
                },
                None => return Err(missing("columns", "list the dropped index's columns")),
            },
            Operation::CreateUniqueConstraint { table, constraint } => {
                drop_constraint(table, Constraint::Unique(constraint.clone()))
            }
            Operation::CreateForeignKey { table, foreign_key } => {
                drop_constraint(table, Constraint::ForeignKey(foreign_key.clone()))
            }
            Operation::CreateCheckConstraint { table, check } => {
                drop_constraint(table, Constraint::Check(check.clone()))
            }
            Operation::CreatePrimaryKey { table, primary_key } => {
                drop_constraint(table, Constraint::PrimaryKey(primary_key.clone()))
            }
            Operation::DropConstraint {
                table,
                name,
                kind,
                definition,
            } => match definition.clone() {
                Some(c) => create_constraint(table, named(c, name)),
                None => {
                    let (field, hint) = match kind {
                        ConstraintKind::Unique | ConstraintKind::Primary => {
                            ("columns", "list the dropped constraint's columns")
                        }
                        ConstraintKind::Check => {
                            ("condition", "give the dropped check's condition")
                        }
                        ConstraintKind::ForeignKey => (
                            "columns",
                            "give the dropped foreign key's columns, referent_table and referent_columns",
                        ),
                    };
                    return Err(missing(field, hint));
                }
            },
            Operation::CreateTableComment {
                table,
                comment,
                existing_comment,
            } => match existing_comment {
                Some(old) => Operation::CreateTableComment {
                    table: table.clone(),
                    comment: old.clone(),
                    existing_comment: Some(comment.clone()),
                },
                None => Operation::DropTableComment {
                    table: table.clone(),
                    existing_comment: Some(comment.clone()),
                },
            },
            Operation::AlterTableOptions {
                table,
                options,
                existing,
            } => {
                // Each option set needs the value it replaces.
                let back = |set: &Option<String>, old: &Option<String>, field: &'static str| match (
                    set, old,
                ) {
                    (None, _) => Ok(None),
                    (Some(_), Some(old)) => Ok(Some(old.clone())),
                    (Some(_), None) => {
                        Err(missing(field, "give the option's value before the change"))
                    }
                };
                Operation::AlterTableOptions {
                    table: table.clone(),
                    options: crate::schema::TableOptions {
                        engine: back(&options.engine, &existing.engine, "existing_engine")?,
                        charset: back(&options.charset, &existing.charset, "existing_charset")?,
                        collation: back(
                            &options.collation,
                            &existing.collation,
                            "existing_collation",
                        )?,
                        partition_by: None,
                    },
                    existing: crate::schema::TableOptions {
                        engine: existing.engine.as_ref().and(options.engine.clone()),
                        charset: existing.charset.as_ref().and(options.charset.clone()),
                        collation: existing.collation.as_ref().and(options.collation.clone()),
                        partition_by: None,
                    },
                }
            }
            Operation::DropTableComment {
                table,
                existing_comment,
            } => match existing_comment {
                Some(old) => Operation::CreateTableComment {
                    table: table.clone(),
                    comment: old.clone(),
                    existing_comment: None,
                },
                None => {
                    return Err(missing(
                        "existing_comment",
                        "give the comment being dropped",
                    ));
                }
            },
            Operation::Execute(_) => {
                return Err(irreversible(
                    "raw SQL has no known inverse; write the downgrade's own execute",
                ));
            }
            Operation::BulkInsert { .. } => {
                return Err(irreversible(
                    "inserted rows are not tracked; delete them with an execute in the downgrade",
                ));
            }
            Operation::BatchAlterTable {
                table,
                recreate,
                ops,
            } => Operation::BatchAlterTable {
                table: table.clone(),
                recreate: *recreate,
                ops: ops
                    .iter()
                    .rev()
                    .map(Operation::reverse)
                    .collect::<Result<_, _>>()?,
            },
            Operation::CreateEnum { name, values } => Operation::DropEnum {
                name: name.clone(),
                values: Some(values.clone()),
            },
            Operation::DropEnum { name, values } => match values {
                Some(values) => Operation::CreateEnum {
                    name: name.clone(),
                    values: values.clone(),
                },
                None => return Err(missing("values", "list the dropped type's values")),
            },
            Operation::AddEnumValue {
                name,
                value,
                before,
                after,
            } => Operation::DropEnumValue {
                name: name.clone(),
                value: value.clone(),
                before: before.clone(),
                after: after.clone(),
            },
            Operation::CreateObject(_)
            | Operation::DropObject { .. }
            | Operation::ReplaceObject { .. } => super::objects::reverse(self)?,
            Operation::DropEnumValue {
                name,
                value,
                before,
                after,
            } => Operation::AddEnumValue {
                name: name.clone(),
                value: value.clone(),
                before: before.clone(),
                after: after.clone(),
            },
        })
    }
}

fn drop_constraint(table: &TableName, c: Constraint) -> Operation {
    Operation::DropConstraint {
        table: table.clone(),
        name: c.name().unwrap_or_default().to_owned(),
        kind: c.kind(),
        definition: Some(c),
    }
}

/// `c`, named `name` when it has no name of its own (a constraint the
/// database left unnamed, dropped under the dialect's default name).
fn named(mut c: Constraint, name: &str) -> Constraint {
    let slot = match &mut c {
        Constraint::Unique(u) => &mut u.name,
        Constraint::ForeignKey(f) => &mut f.name,
        Constraint::Check(k) => &mut k.name,
        Constraint::PrimaryKey(p) => &mut p.name,
    };
    if slot.is_none() && !name.is_empty() {
        *slot = Some(name.to_owned());
    }
    c
}

fn create_constraint(table: &TableName, c: Constraint) -> Operation {
    let table = table.clone();
    match c {
        Constraint::Unique(constraint) => Operation::CreateUniqueConstraint { table, constraint },
        Constraint::ForeignKey(foreign_key) => Operation::CreateForeignKey { table, foreign_key },
        Constraint::Check(check) => Operation::CreateCheckConstraint { table, check },
        Constraint::PrimaryKey(primary_key) => Operation::CreatePrimaryKey { table, primary_key },
    }
}

/// A missing fact: the field and what to write.
type Missing = (&'static str, String);

/// Swaps each change with its `existing_*` fact; the error names the fact
/// that is missing.
fn reverse_alter(a: &AlterColumn) -> Result<AlterColumn, Missing> {
    fn back<T: Clone>(
        change: &Option<T>,
        existing: &Option<T>,
        field: &'static str,
        hint: &str,
    ) -> Result<[Option<T>; 2], Missing> {
        match (change, existing) {
            (None, existing) => Ok([None, existing.clone()]),
            (Some(_), None) => Err((field, hint.to_owned())),
            (Some(new), Some(old)) => Ok([Some(old.clone()), Some(new.clone())]),
        }
    }
    let [ty, existing_type] = back(
        &a.ty,
        &a.existing_type,
        "existing_type",
        "give the column's type before the change, e.g. existing_type = \"varchar(64)\"",
    )?;
    let [nullable, existing_nullable] = back(
        &a.nullable,
        &a.existing_nullable,
        "existing_nullable",
        "say whether the column was nullable before the change",
    )?;
    let [server_default, existing_server_default] = back(
        &a.server_default,
        &a.existing_server_default,
        "existing_server_default",
        "give the default before the change, or existing_server_default = false for none",
    )?;
    let [comment, existing_comment] = back(
        &a.comment,
        &a.existing_comment,
        "existing_comment",
        "give the comment before the change, or existing_comment = false for none",
    )?;
    let [on_update, existing_on_update] = back(
        &a.on_update,
        &a.existing_on_update,
        "existing_on_update",
        "give the ON UPDATE expression before the change, or existing_on_update = false for none",
    )?;
    Ok(AlterColumn {
        table: a.table.clone(),
        column: a.final_name().to_owned(),
        new_name: a.new_name.as_ref().map(|_| a.column.clone()),
        ty,
        nullable,
        server_default,
        comment,
        existing_type,
        existing_nullable,
        existing_server_default,
        existing_comment,
        existing_autoincrement: a.existing_autoincrement,
        on_update,
        existing_on_update,
    })
}
