//! Reading operations from the TOML tables of a revision file (SPEC section 3).

use std::path::Path;

use toml::{Table, Value};

use crate::ops::fields::Fields;
use crate::ops::parts::{
    check, column, definition_on_conflict, foreign_key, index, primary_key, read_table_definition,
    rows, unique,
};
use crate::ops::{
    AlterColumn, Execute, Operation, OperationError, OperationProblem, Recreate, Setting,
};
use crate::schema::{Constraint, ConstraintKind, TableName};

type Result<T> = std::result::Result<T, OperationProblem>;

/// The operations a `batch_alter_table` may nest.
pub const BATCH_OPERATION_NAMES: &[&str] = &[
    "add_column",
    "drop_column",
    "alter_column",
    "create_index",
    "drop_index",
    "create_unique_constraint",
    "create_foreign_key",
    "create_check_constraint",
    "create_primary_key",
    "drop_constraint",
    "create_table_comment",
    "drop_table_comment",
];

/// Reads the operation tables of one direction of a revision file.
///
/// `path` is the revision file and `direction` the list's label (`upgrade`,
/// `downgrade.main`); both name the place in errors, as in
/// `versions/3f2a.toml: upgrade operation 2 (add_column): missing field
/// `column`: ...`.
pub fn parse_operations(
    path: &Path,
    direction: &str,
    tables: &[Table],
) -> std::result::Result<Vec<Operation>, OperationError> {
    tables
        .iter()
        .enumerate()
        .map(|(i, t)| parse_operation(path, &format!("{direction} operation {}", i + 1), t))
        .collect()
}

/// Reads one operation table; `label` names it in errors
/// (`upgrade operation 2`).
pub fn parse_operation(
    path: &Path,
    label: &str,
    table: &Table,
) -> std::result::Result<Operation, OperationError> {
    read_operation(table, None).map_err(|(nested, problem)| OperationError {
        path: path.to_owned(),
        operation: format!("{label} ({}){nested}", op_name(table)),
        problem: Box::new(problem),
    })
}

fn op_name(table: &Table) -> &str {
    table.get("op").and_then(Value::as_str).unwrap_or("?")
}

/// Reads one operation. `batch` is the enclosing `batch_alter_table`'s
/// table, which nested operations inherit. The error carries the nested
/// position, if any, as text for the label.
fn read_operation(
    table: &Table,
    batch: Option<&TableName>,
) -> std::result::Result<Operation, (String, OperationProblem)> {
    let mut f = Fields::new(table, "");
    let name = f
        .str("op", "say which operation it is, e.g. op = \"add_column\"")
        .map_err(|p| (String::new(), p))?;
    if let Some(outer) = batch
        && !BATCH_OPERATION_NAMES.contains(&name.as_str())
    {
        let problem = f.invalid(
            "op",
            format!(
                "`{name}` cannot be nested in batch_alter_table on {outer}; nested operations are {}",
                BATCH_OPERATION_NAMES.join(", ")
            ),
        );
        return Err((String::new(), problem));
    }
    if name == "batch_alter_table" {
        return read_batch(f);
    }
    let op = read_simple(&name, &mut f, batch).map_err(|p| (String::new(), p))?;
    f.finish(&name).map_err(|p| (String::new(), p))?;
    Ok(op)
}

fn read_batch(mut f: Fields<'_>) -> std::result::Result<Operation, (String, OperationProblem)> {
    let plain = |p| (String::new(), p);
    let table = table_name(&mut f, None).map_err(plain)?;
    let recreate = match f.opt_str("recreate").map_err(plain)?.as_deref() {
        None | Some("auto") => Recreate::Auto,
        Some("always") => Recreate::Always,
        Some("never") => Recreate::Never,
        Some(other) => {
            return Err(plain(f.invalid(
                "recreate",
                format!("{other:?} is not one of \"auto\", \"always\", \"never\""),
            )));
        }
    };
    let nested = f.opt_tables("ops").map_err(plain)?.ok_or_else(|| {
        plain(f.missing(
            "ops",
            "list the nested operations, e.g. ops = [{ op = \"drop_column\", column = \"email\" }]",
        ))
    })?;
    f.finish("batch_alter_table").map_err(plain)?;
    let mut ops = Vec::with_capacity(nested.len());
    for (i, (_, t)) in nested.into_iter().enumerate() {
        let op = read_operation(t, Some(&table)).map_err(|(deeper, p)| {
            (
                format!(", nested operation {} ({}){deeper}", i + 1, op_name(t)),
                p,
            )
        })?;
        ops.push(op);
    }
    Ok(Operation::BatchAlterTable {
        table,
        recreate,
        ops,
    })
}

/// `table` and `schema`; inside a batch both are optional and must match
/// the batch's table when given.
fn table_name(f: &mut Fields<'_>, batch: Option<&TableName>) -> Result<TableName> {
    let name = f.opt_str("table")?;
    let schema = f.opt_str("schema")?;
    match (batch, name) {
        (None, None) => Err(f.missing("table", "name the table, e.g. table = \"user\"")),
        (None, Some(name)) if name.is_empty() => Err(f.invalid("table", "a name cannot be empty")),
        (None, Some(name)) => Ok(TableName { schema, name }),
        (Some(outer), name) => {
            let inner = TableName {
                schema: schema.or(outer.schema.clone()),
                name: name.unwrap_or(outer.name.clone()),
            };
            if &inner != outer {
                return Err(f.invalid(
                    "table",
                    format!("a nested operation works on the batch's table {outer}, not {inner}; leave `table` out"),
                ));
            }
            Ok(inner)
        }
    }
}

/// A type name (`name` + `schema`) for the enum operations.
fn type_name(f: &mut Fields<'_>) -> Result<TableName> {
    let name = f.name("name", "name the enum type, e.g. name = \"mood\"")?;
    let schema = f.opt_str("schema")?;
    Ok(TableName { schema, name })
}

/// `server_default` / `comment` on alter_column: a string, or `false` for none.
fn setting(f: &mut Fields<'_>, key: &'static str) -> Result<Option<Setting>> {
    match f.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(Setting::Set(s.clone()))),
        Some(Value::Boolean(false)) => Ok(Some(Setting::Unset)),
        Some(other) => Err(f.wrong(key, "a string, or false for none", other)),
    }
}

fn read_simple(name: &str, f: &mut Fields<'_>, batch: Option<&TableName>) -> Result<Operation> {
    if let Some((verb, kind)) = super::objects::parse_op_name(name) {
        return super::objects::read(verb, kind, f);
    }
    Ok(match name {
        "create_table" => {
            let table = table_name(f, batch)?;
            Operation::CreateTable(read_table_definition(f, table, true)?)
        }
        "drop_table" => {
            let table = table_name(f, batch)?;
            let definition = read_table_definition(f, table.clone(), false)?;
            let definition = (!definition.columns.is_empty()).then_some(definition);
            Operation::DropTable { table, definition }
        }
        "rename_table" => Operation::RenameTable {
            table: table_name(f, batch)?,
            new_name: f.name("new_name", "give the new name, e.g. new_name = \"account\"")?,
        },
        "add_column" => {
            let table = table_name(f, batch)?;
            let hint = "write column = { name = \"email\", type = \"varchar(255)\" }";
            let column = match f.get("column") {
                Some(Value::Table(t)) => column(t, "column.")?,
                Some(other) => {
                    return Err(f.wrong(
                        "column",
                        "an inline table { name = ..., type = ... }",
                        other,
                    ));
                }
                None => return Err(f.missing("column", hint)),
            };
            Operation::AddColumn { table, column }
        }
        "drop_column" => {
            let table = table_name(f, batch)?;
            let (name, definition) = match f.get("column") {
                Some(Value::String(s)) if !s.is_empty() => (s.clone(), None),
                Some(Value::Table(t)) => {
                    let c = column(t, "column.")?;
                    (c.name.clone(), Some(c))
                }
                Some(other) => {
                    return Err(f.wrong("column", "a column name, or an inline table { name = ..., type = ... } to make it reversible", other));
                }
                None => return Err(f.missing("column", "name the column, e.g. column = \"email\"")),
            };
            Operation::DropColumn {
                table,
                column: name,
                definition,
            }
        }
        "alter_column" => Operation::AlterColumn(read_alter_column(f, batch)?),
        "create_index" => Operation::CreateIndex {
            table: table_name(f, batch)?,
            index: index(f, true)?,
            concurrently: f.bool_or("concurrently", false)?,
        },
        "drop_index" => {
            let table = table_name(f, batch)?;
            let index = index(f, false)?;
            let name = index.name.clone();
            let definition = (!index.columns.is_empty()).then_some(index);
            Operation::DropIndex {
                table,
                name,
                definition,
                concurrently: f.bool_or("concurrently", false)?,
            }
        }
        "create_unique_constraint" => Operation::CreateUniqueConstraint {
            table: table_name(f, batch)?,
            constraint: unique(f, true)?,
        },
        "create_foreign_key" => Operation::CreateForeignKey {
            table: table_name(f, batch)?,
            foreign_key: foreign_key(f, true)?,
        },
        "create_check_constraint" => Operation::CreateCheckConstraint {
            table: table_name(f, batch)?,
            check: check(f, true)?,
        },
        "create_primary_key" => Operation::CreatePrimaryKey {
            table: table_name(f, batch)?,
            primary_key: primary_key(f, true)?,
        },
        "drop_constraint" => read_drop_constraint(f, batch)?,
        "create_table_comment" => Operation::CreateTableComment {
            table: table_name(f, batch)?,
            comment: f.str(
                "comment",
                "give the comment, e.g. comment = \"people who log in\"",
            )?,
            existing_comment: f.opt_str("existing_comment")?,
        },
        "drop_table_comment" => Operation::DropTableComment {
            table: table_name(f, batch)?,
            existing_comment: f.opt_str("existing_comment")?,
        },
        "alter_table_options" => {
            let table = table_name(f, batch)?;
            let options = crate::schema::TableOptions {
                engine: f.opt_str("engine")?,
                charset: f.opt_str("charset")?,
                collation: f.opt_str("collation")?,
                partition_by: None,
            };
            let existing = crate::schema::TableOptions {
                engine: f.opt_str("existing_engine")?,
                charset: f.opt_str("existing_charset")?,
                collation: f.opt_str("existing_collation")?,
                partition_by: None,
            };
            if options.is_empty() {
                return Err(f.missing(
                    "engine",
                    "give the options to set: engine, charset and/or collation, e.g. engine = \"InnoDB\"",
                ));
            }
            Operation::AlterTableOptions {
                table,
                options,
                existing,
            }
        }
        "execute" => {
            let execute = Execute {
                sql: f.opt_str("sql")?,
                sqlite: f.opt_str("sqlite")?,
                postgresql: f.opt_str("postgresql")?,
                mysql: f.opt_str("mysql")?,
            };
            if execute == Execute::default() {
                return Err(f.missing("sql", "give the SQL, e.g. sql = \"UPDATE ...\", or per dialect with sqlite/postgresql/mysql"));
            }
            Operation::Execute(execute)
        }
        "bulk_insert" => Operation::BulkInsert {
            table: table_name(f, batch)?,
            rows: rows(f)?,
        },
        "create_enum" => Operation::CreateEnum {
            name: type_name(f)?,
            values: enum_values(f, true)?.unwrap_or_default(),
        },
        "drop_enum" => Operation::DropEnum {
            name: type_name(f)?,
            values: enum_values(f, false)?,
        },
        "add_enum_value" => {
            let name = type_name(f)?;
            let value = f.str("value", "give the new value, e.g. value = \"excited\"")?;
            let before = f.opt_str("before")?;
            let after = f.opt_str("after")?;
            if before.is_some() && after.is_some() {
                return Err(f.invalid("after", "give `before` or `after`, not both"));
            }
            Operation::AddEnumValue {
                name,
                value,
                before,
                after,
            }
        }
        "drop_enum_value" => {
            let name = type_name(f)?;
            let value = f.str(
                "value",
                "give the value to remove, e.g. value = \"excited\"",
            )?;
            let before = f.opt_str("before")?;
            let after = f.opt_str("after")?;
            if before.is_some() && after.is_some() {
                return Err(f.invalid("after", "give `before` or `after`, not both"));
            }
            Operation::DropEnumValue {
                name,
                value,
                before,
                after,
            }
        }
        other => {
            return Err(f.invalid(
                "op",
                format!(
                    "unknown op `{other}`{}; the operations are {}",
                    crate::hint::did_you_mean(
                        other,
                        crate::revision::OPERATION_NAMES.iter().copied()
                    ),
                    crate::revision::OPERATION_NAMES.join(", ")
                ),
            ));
        }
    })
}

fn enum_values(f: &mut Fields<'_>, required: bool) -> Result<Option<Vec<String>>> {
    let values = f.opt_str_list("values")?;
    match &values {
        None if required => Err(f.missing(
            "values",
            "list the values, e.g. values = [\"happy\", \"sad\"]",
        )),
        Some(v) if v.is_empty() => Err(f.invalid("values", "an enum needs at least one value")),
        _ => Ok(values),
    }
}

fn read_alter_column(f: &mut Fields<'_>, batch: Option<&TableName>) -> Result<AlterColumn> {
    let alter = AlterColumn {
        table: table_name(f, batch)?,
        column: f.name("column", "name the column, e.g. column = \"email\"")?,
        new_name: f.opt_str("new_name")?,
        ty: f.opt_type("type")?,
        nullable: f.opt_bool("nullable")?,
        server_default: setting(f, "server_default")?,
        comment: setting(f, "comment")?,
        existing_type: f.opt_type("existing_type")?,
        existing_nullable: f.opt_bool("existing_nullable")?,
        existing_server_default: setting(f, "existing_server_default")?,
        existing_comment: setting(f, "existing_comment")?,
        existing_autoincrement: f.opt_bool("existing_autoincrement")?,
        on_update: setting(f, "on_update")?,
        existing_on_update: setting(f, "existing_on_update")?,
    };
    if alter.new_name.as_deref() == Some("") {
        return Err(f.invalid("new_name", "a name cannot be empty"));
    }
    if alter.is_empty() {
        return Err(f.missing(
            "type",
            "alter_column changes nothing; give at least one of type, nullable, server_default, comment, new_name",
        ));
    }
    Ok(alter)
}

fn read_drop_constraint(f: &mut Fields<'_>, batch: Option<&TableName>) -> Result<Operation> {
    let table = table_name(f, batch)?;
    let name = f.name("name", "name the constraint, e.g. name = \"uq_user_email\"")?;
    let kinds = ConstraintKind::ALL.map(|k| format!("\"{k}\"")).join(", ");
    let kind_text = f.str(
        "kind",
        &format!("say which kind of constraint it is: one of {kinds}"),
    )?;
    let kind = ConstraintKind::parse(&kind_text)
        .ok_or_else(|| f.invalid("kind", format!("{kind_text:?} is not one of {kinds}")))?;
    // The definition, when given, makes the drop reversible. `name` was
    // read above, so the readers below take only the other fields.
    let definition = match kind {
        ConstraintKind::Unique => {
            let on_conflict = definition_on_conflict(f)?;
            f.opt_str_list("columns")?.map(|columns| {
                Constraint::Unique(crate::schema::UniqueConstraint {
                    name: Some(name.clone()),
                    columns,
                    on_conflict,
                })
            })
        }
        ConstraintKind::Primary => {
            let on_conflict = definition_on_conflict(f)?;
            f.opt_str_list("columns")?.map(|columns| {
                Constraint::PrimaryKey(crate::schema::PrimaryKey {
                    name: Some(name.clone()),
                    columns,
                    on_conflict,
                })
            })
        }
        ConstraintKind::Check => f.opt_str("condition")?.map(|condition| {
            Constraint::Check(crate::schema::CheckConstraint {
                name: Some(name.clone()),
                condition,
            })
        }),
        ConstraintKind::ForeignKey => {
            if f.opt_str_list("columns")?.is_some() || f.opt_str("referent_table")?.is_some() {
                let mut fk = foreign_key(f, false)?;
                fk.name = Some(name.clone());
                Some(Constraint::ForeignKey(fk))
            } else {
                foreign_key_fields_unread(f)?;
                None
            }
        }
    };
    Ok(Operation::DropConstraint {
        table,
        name,
        kind,
        definition,
    })
}

/// Marks the other foreign key fields as read so that, when absent, they
/// are not reported; when present without `columns`, `foreign_key` would
/// have been called instead.
fn foreign_key_fields_unread(f: &mut Fields<'_>) -> Result<()> {
    for key in [
        "referent_schema",
        "referent_columns",
        "on_delete",
        "on_update",
        "match",
        "deferrable",
        "initially_deferred",
    ] {
        if f.get(key).is_some() {
            return Err(f.missing(
                "columns",
                "a foreign key definition needs `columns` and `referent_table`",
            ));
        }
    }
    Ok(())
}
