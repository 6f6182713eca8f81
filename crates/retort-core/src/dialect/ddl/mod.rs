//! The shared rendering: standard SQL written against the capability
//! methods of [`Dialect`], never against a dialect's identity. Dialects
//! override the trait's hook methods for what they spell differently.

mod create;
mod objects;

pub(crate) use create::{
    check_clause, column_definition, column_definition_with, create_index, create_table,
    create_table_followups, create_table_statement, foreign_key_clause, is_autoincrement,
    primary_key_clause, render_default, unique_clause,
};

use crate::dialect::{CommentStyle, Dialect, DialectError, Statement, batch, data};
use crate::ops::{AlterColumn, Operation, Setting};
use crate::schema::{Column, ConstraintKind, TableName};
use crate::types::{ColumnType, names};

type Result<T> = std::result::Result<T, DialectError>;

/// `"schema"."name"` or `"name"`.
pub(crate) fn qualified<D: Dialect + ?Sized>(d: &D, name: &TableName) -> String {
    match &name.schema {
        Some(s) => format!(
            "{}.{}",
            d.quote_identifier(s),
            d.quote_identifier(&name.name)
        ),
        None => d.quote_identifier(&name.name),
    }
}

/// `"a", "b"`.
pub(crate) fn column_list<D: Dialect + ?Sized>(d: &D, columns: &[String]) -> String {
    columns
        .iter()
        .map(|c| d.quote_identifier(c))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The error for something SQLite does only by rebuilding the table.
pub(crate) fn needs_batch<D: Dialect + ?Sized>(
    d: &D,
    op: &Operation,
    table: &TableName,
    what: &str,
) -> DialectError {
    DialectError::NeedsBatch {
        dialect: d.name(),
        operation: op.to_string(),
        table: table.to_string(),
        what: what.to_owned(),
    }
}

pub(crate) fn render<D: Dialect + ?Sized>(d: &D, op: &Operation) -> Result<Vec<Statement>> {
    let one = |sql: String| Ok(vec![Statement::new(sql)]);
    match op {
        Operation::CreateTable(t) => create_table(d, t),
        Operation::DropTable { table, .. } => one(format!("DROP TABLE {}", qualified(d, table))),
        Operation::RenameTable { table, new_name } => one(format!(
            "ALTER TABLE {} RENAME TO {}",
            qualified(d, table),
            d.quote_identifier(new_name)
        )),
        Operation::AddColumn { table, column } => add_column(d, op, table, column),
        Operation::DropColumn { table, column, .. } => one(format!(
            "ALTER TABLE {} DROP COLUMN {}",
            qualified(d, table),
            d.quote_identifier(column)
        )),
        Operation::AlterColumn(a) => d.alter_column(a),
        Operation::CreateIndex {
            table,
            index,
            concurrently,
        } => create_index(d, op, table, index, *concurrently).map(|s| vec![s]),
        Operation::DropIndex {
            table,
            name,
            concurrently,
            ..
        } => Ok(vec![if *concurrently && d.supports_concurrent_indexes() {
            drop_index_concurrently(d, table, name)
        } else {
            d.drop_index(table, name)
        }]),
        Operation::CreateUniqueConstraint { table, constraint } => add_constraint(
            d,
            op,
            table,
            "add a unique constraint to an existing table",
            || unique_clause(d, constraint),
        ),
        Operation::CreateForeignKey { table, foreign_key } => add_constraint(
            d,
            op,
            table,
            "add a foreign key to an existing table",
            || foreign_key_clause(d, foreign_key),
        ),
        Operation::CreateCheckConstraint { table, check } => add_constraint(
            d,
            op,
            table,
            "add a check constraint to an existing table",
            || Ok(check_clause(d, check)),
        ),
        Operation::CreatePrimaryKey { table, primary_key } => add_constraint(
            d,
            op,
            table,
            "add a primary key to an existing table",
            || primary_key_clause(d, primary_key, false),
        ),
        Operation::DropConstraint {
            table, name, kind, ..
        } => d.drop_constraint(op, table, name, *kind),
        Operation::CreateTableComment { table, comment, .. } => {
            Ok(d.table_comment(table, Some(comment)))
        }
        Operation::DropTableComment { table, .. } => Ok(d.table_comment(table, None)),
        Operation::AlterTableOptions { table, options, .. } => {
            match d.render_alter_table_options(options) {
                Some(rendered) => one(format!("ALTER TABLE {} {rendered}", qualified(d, table))),
                None => Err(DialectError::Unsupported {
                    dialect: d.name(),
                    operation: op.to_string(),
                    reason: format!(
                        "{} has no table options (engine, charset, collation are MySQL's); leave this operation out for this database",
                        d.name()
                    ),
                }),
            }
        }
        Operation::Execute(e) => Ok(e
            .sql_for(d.name())
            .map(Statement::new)
            .into_iter()
            .collect()),
        Operation::BulkInsert { table, rows } => Ok(data::bulk_insert(d, table, rows)),
        Operation::BatchAlterTable {
            table,
            recreate,
            ops,
        } => batch::render_without_definition(d, table, *recreate, ops),
        Operation::CreateEnum { name, values } if d.supports_enum_types() => one(format!(
            "CREATE TYPE {} AS ENUM ({})",
            qualified(d, name),
            values
                .iter()
                .map(|v| d.quote_string(v))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        Operation::DropEnum { name, .. } if d.supports_enum_types() => {
            one(format!("DROP TYPE {}", qualified(d, name)))
        }
        // Without named enum types the values live in each column's type
        // (`enum(...)`), so there is no type to create or drop.
        Operation::CreateEnum { .. } | Operation::DropEnum { .. } => Ok(vec![]),
        Operation::AddEnumValue { .. } => d.add_enum_value(op),
        Operation::DropEnumValue { .. } => d.drop_enum_value(op),
        Operation::CreateObject(_)
        | Operation::DropObject { .. }
        | Operation::ReplaceObject { .. } => objects::render(d, op),
    }
}

/// Refuses a type written for another database (`jsonb` on MySQL,
/// `mediumtext` on PostgreSQL), which the database would refuse later or,
/// worse, read as something else. A name no supported database knows passes:
/// a revision file cannot hold one (it is refused when loaded, unless marked
/// `verbatim(...)`), so it was read from a live database or a models file,
/// which had the type.
pub(crate) fn check_type<D: Dialect + ?Sized>(d: &D, ty: &ColumnType) -> Result<()> {
    let ColumnType::Other(text) = ty else {
        return Ok(());
    };
    if text.trim().is_empty() {
        if d.supports_untyped_columns() {
            return Ok(());
        }
        return Err(DialectError::Type {
            dialect: d.name(),
            ty: text.clone(),
            reason: "a column without a type is SQLite's; give the column a type".to_owned(),
        });
    }
    let name = names::leading_name(text);
    if d.knows_type_name(&name) || !names::known_anywhere(&name) {
        return Ok(());
    }
    let owners = match names::known_by(&name) {
        owners if owners.is_empty() => "another database's type".to_owned(),
        owners => format!("a {} type", owners.join(" and ")),
    };
    Err(DialectError::Type {
        dialect: d.name(),
        ty: text.clone(),
        reason: format!(
            "`{name}` is {owners}, which this database does not have; write one of its own types \
             or a portable one (integer, varchar(n), text, json, blob, timestamptz, ...), or \
             \"verbatim({text})\" to pass it through unchecked"
        ),
    })
}

/// `COMMENT ON COLUMN` where comments are separate statements.
pub(crate) fn column_comment<D: Dialect + ?Sized>(
    d: &D,
    table: &TableName,
    column: &str,
    comment: Option<&str>,
) -> Vec<Statement> {
    if d.comment_style() != CommentStyle::Separate {
        return vec![];
    }
    vec![Statement::new(format!(
        "COMMENT ON COLUMN {}.{} IS {}",
        qualified(d, table),
        d.quote_identifier(column),
        comment.map_or("NULL".to_owned(), |c| d.quote_string(c))
    ))]
}

pub(crate) fn table_comment<D: Dialect + ?Sized>(
    d: &D,
    table: &TableName,
    comment: Option<&str>,
) -> Vec<Statement> {
    let sql = match d.comment_style() {
        CommentStyle::Ignored => return vec![],
        CommentStyle::Separate => format!(
            "COMMENT ON TABLE {} IS {}",
            qualified(d, table),
            comment.map_or("NULL".to_owned(), |c| d.quote_string(c))
        ),
        CommentStyle::Inline => format!(
            "ALTER TABLE {} COMMENT {}",
            qualified(d, table),
            d.quote_string(comment.unwrap_or_default())
        ),
    };
    vec![Statement::new(sql)]
}

/// A server default SQLite's `ADD COLUMN` accepts: a literal, not an
/// expression such as `CURRENT_TIMESTAMP`.
fn is_constant_default(sql: &str) -> bool {
    let s = sql.trim();
    let upper = s.to_ascii_uppercase();
    let number = s.trim_start_matches(['-', '+']);
    (s.len() >= 2 && s.starts_with('\'') && s.ends_with('\''))
        || matches!(upper.as_str(), "NULL" | "TRUE" | "FALSE")
        || (!number.is_empty() && number.parse::<f64>().is_ok())
}

fn add_column<D: Dialect + ?Sized>(
    d: &D,
    op: &Operation,
    table: &TableName,
    column: &Column,
) -> Result<Vec<Statement>> {
    if !d.supports_add_column_constraints() {
        let what = if column.primary_key {
            Some("add a PRIMARY KEY column")
        } else if column.unique {
            Some("add a UNIQUE column")
        } else if column.generated.as_ref().is_some_and(|g| g.stored) {
            Some("add a STORED generated column")
        } else if !column.nullable && column.server_default.is_none() {
            Some("add a NOT NULL column without a server_default")
        } else if column
            .server_default
            .as_deref()
            .is_some_and(|s| !is_constant_default(s))
        {
            Some("add a column whose server_default is not a constant")
        } else {
            None
        };
        if let Some(what) = what {
            return Err(needs_batch(d, op, table, what));
        }
    }
    let pk = if column.primary_key {
        vec![column.name.clone()]
    } else {
        vec![]
    };
    let mut def = column_definition(d, column, is_autoincrement(&pk, column))?;
    if column.primary_key {
        def.push_str(" PRIMARY KEY");
    }
    let mut out = vec![Statement::new(format!(
        "ALTER TABLE {} ADD COLUMN {def}",
        qualified(d, table)
    ))];
    if let Some(c) = &column.comment {
        out.extend(column_comment(d, table, &column.name, Some(c)));
    }
    Ok(out)
}

/// `DROP INDEX CONCURRENTLY "schema"."name"`, which must run outside any
/// transaction.
fn drop_index_concurrently<D: Dialect + ?Sized>(d: &D, table: &TableName, name: &str) -> Statement {
    let ix = TableName {
        schema: table.schema.clone(),
        name: name.to_owned(),
    };
    Statement::outside_transaction(format!("DROP INDEX CONCURRENTLY {}", qualified(d, &ix)))
}

pub(crate) fn drop_index<D: Dialect + ?Sized>(d: &D, table: &TableName, name: &str) -> Statement {
    let ix = TableName {
        schema: table.schema.clone(),
        name: name.to_owned(),
    };
    Statement::new(format!("DROP INDEX {}", qualified(d, &ix)))
}

fn add_constraint<D: Dialect + ?Sized>(
    d: &D,
    op: &Operation,
    table: &TableName,
    what: &str,
    clause: impl FnOnce() -> Result<String>,
) -> Result<Vec<Statement>> {
    if !d.supports_alter_constraints() {
        return Err(needs_batch(d, op, table, what));
    }
    Ok(vec![Statement::new(format!(
        "ALTER TABLE {} ADD {}",
        qualified(d, table),
        clause()?
    ))])
}

pub(crate) fn drop_constraint<D: Dialect + ?Sized>(
    d: &D,
    op: &Operation,
    table: &TableName,
    name: &str,
    kind: ConstraintKind,
) -> Result<Vec<Statement>> {
    if !d.supports_alter_constraints() {
        return Err(needs_batch(
            d,
            op,
            table,
            &format!("drop a {}", kind.describe()),
        ));
    }
    Ok(vec![Statement::new(format!(
        "ALTER TABLE {} DROP CONSTRAINT {}",
        qualified(d, table),
        d.quote_identifier(name)
    ))])
}

/// Standard `ALTER COLUMN` clauses, one statement each, in Alembic's order:
/// type, nullability, default, comment, then the rename.
pub(crate) fn alter_column<D: Dialect + ?Sized>(d: &D, a: &AlterColumn) -> Result<Vec<Statement>> {
    let op = Operation::AlterColumn(a.clone());
    let changes_column = a.ty.is_some() || a.nullable.is_some() || a.server_default.is_some();
    if changes_column && !d.supports_alter_column() {
        return Err(needs_batch(
            d,
            &op,
            &a.table,
            "change a column's type, nullability or server default",
        ));
    }
    if a.comment.is_some() && d.comment_style() == CommentStyle::Inline {
        return Err(DialectError::Unsupported {
            dialect: d.name(),
            operation: op.to_string(),
            reason: "inline comments are restated with the whole column".into(),
        });
    }
    let table = qualified(d, &a.table);
    let column = d.quote_identifier(&a.column);
    let alter = |clause: String| {
        Statement::new(format!(
            "ALTER TABLE {table} ALTER COLUMN {column} {clause}"
        ))
    };
    let mut out = vec![];
    if let Some(ty) = &a.ty {
        check_type(d, ty)?;
        let using = match d.type_change_using(a)? {
            Some(expr) => format!(" USING {expr}"),
            None => String::new(),
        };
        out.push(alter(format!("TYPE {}{using}", d.render_type(ty)?)));
    }
    match a.nullable {
        Some(false) => out.push(alter("SET NOT NULL".into())),
        Some(true) => out.push(alter("DROP NOT NULL".into())),
        None => {}
    }
    match &a.server_default {
        Some(Setting::Set(v)) => out.push(alter(format!(
            "SET DEFAULT {}",
            render_default(d, a.ty.as_ref().or(a.existing_type.as_ref()), v)
        ))),
        Some(Setting::Unset) => out.push(alter("DROP DEFAULT".into())),
        None => {}
    }
    if let Some(c) = &a.comment {
        out.extend(column_comment(d, &a.table, &a.column, c.value()));
    }
    if let Some(new) = &a.new_name {
        out.push(Statement::new(format!(
            "ALTER TABLE {table} RENAME COLUMN {column} TO {}",
            d.quote_identifier(new)
        )));
    }
    Ok(out)
}

/// `NUMERIC`, `NUMERIC(p)` or `NUMERIC(p, s)` (shared by every dialect).
pub(crate) fn numeric(precision: Option<u32>, scale: Option<u32>) -> String {
    match (precision, scale) {
        (None, _) => "NUMERIC".into(),
        (Some(p), None) => format!("NUMERIC({p})"),
        (Some(p), Some(s)) => format!("NUMERIC({p}, {s})"),
    }
}
