//! MySQL's spelling of the portable types and of the operations it does
//! its own way, after Alembic's `alembic/ddl/mysql.py`.
//!
//! `boolean` is `BOOL`, `uuid` is `CHAR(36)`, `timestamptz` is `DATETIME`
//! (MySQL has no time-zone aware type; store UTC), `enum(...)` is an inline
//! `ENUM(...)`, and `varchar` needs a length.

use crate::dialect::ddl::{column_definition_with, numeric, qualified, render_default};
use crate::dialect::{Dialect, DialectError, Statement};
use crate::ops::{AlterColumn, Operation, Setting};
use crate::schema::{Column, ConstraintKind, TableName};
use crate::types::ColumnType;

/// The MySQL type for a portable type.
pub(crate) fn render_type<D: Dialect + ?Sized>(
    d: &D,
    ty: &ColumnType,
) -> Result<String, DialectError> {
    Ok(match ty {
        ColumnType::Integer => "INTEGER".into(),
        ColumnType::BigInt => "BIGINT".into(),
        ColumnType::SmallInt => "SMALLINT".into(),
        ColumnType::Varchar(None) => {
            return Err(DialectError::Type {
                dialect: d.name(),
                ty: ty.to_string(),
                reason: "MySQL's VARCHAR needs a length: write varchar(255)".into(),
            });
        }
        ColumnType::Varchar(Some(n)) => format!("VARCHAR({n})"),
        ColumnType::Text => "TEXT".into(),
        ColumnType::Boolean => "BOOL".into(),
        ColumnType::Date => "DATE".into(),
        ColumnType::DateTime | ColumnType::TimestampTz => "DATETIME".into(),
        ColumnType::Time => "TIME".into(),
        ColumnType::Float => "FLOAT".into(),
        ColumnType::Double => "DOUBLE".into(),
        ColumnType::Numeric { precision, scale } => numeric(*precision, *scale),
        ColumnType::Blob => "BLOB".into(),
        ColumnType::Json => "JSON".into(),
        ColumnType::Uuid => "CHAR(36)".into(),
        ColumnType::Enum { values, .. } => format!(
            "ENUM({})",
            values
                .iter()
                .map(|v| d.quote_string(v))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ColumnType::Other(text) | ColumnType::Verbatim(text) => text.clone(),
    })
}

/// `ALTER COLUMN ... SET/DROP DEFAULT` when only the default changes; else
/// one `MODIFY` (or `CHANGE COLUMN` for a rename) restating the whole
/// column from the changes and the `existing_*` facts.
pub(crate) fn alter_column<D: Dialect + ?Sized>(
    d: &D,
    a: &AlterColumn,
) -> Result<Vec<Statement>, DialectError> {
    let table = qualified(d, &a.table);
    let column = d.quote_identifier(&a.column);
    let only_default = a.new_name.is_none()
        && a.ty.is_none()
        && a.nullable.is_none()
        && a.comment.is_none()
        && a.on_update.is_none();
    if only_default {
        let clause = match &a.server_default {
            Some(Setting::Set(v)) => format!(
                "SET DEFAULT {}",
                render_default(d, a.ty.as_ref().or(a.existing_type.as_ref()), v)
            ),
            _ => "DROP DEFAULT".to_owned(),
        };
        return Ok(vec![Statement::new(format!(
            "ALTER TABLE {table} ALTER COLUMN {column} {clause}"
        ))]);
    }
    let missing = |field: &str, reason: &str| DialectError::MissingFact {
        dialect: d.name(),
        operation: Operation::AlterColumn(a.clone()).to_string(),
        field: field.to_owned(),
        reason: reason.to_owned(),
    };
    let ty = a.ty.clone().or_else(|| a.existing_type.clone()).ok_or_else(|| {
        missing("existing_type", "MODIFY/CHANGE COLUMN restates the column's type; give the type it has, e.g. existing_type = \"varchar(255)\"")
    })?;
    let nullable = a.nullable.or(a.existing_nullable).ok_or_else(|| {
        missing("existing_nullable", "MODIFY/CHANGE COLUMN restates NULL or NOT NULL; say whether the column is nullable now")
    })?;
    // An absent existing default or comment means none, as in Alembic.
    let pick = |change: &Option<Setting>, existing: &Option<Setting>| {
        change
            .as_ref()
            .or(existing.as_ref())
            .and_then(|s| s.value().map(str::to_owned))
    };
    let restated = Column {
        name: a.final_name().to_owned(),
        ty,
        nullable,
        primary_key: false,
        server_default: pick(&a.server_default, &a.existing_server_default),
        unique: false,
        comment: pick(&a.comment, &a.existing_comment),
        on_update: pick(&a.on_update, &a.existing_on_update),
        ..Column::new(String::new(), ColumnType::Text)
    };
    // NULL is restated explicitly, as Alembic does; AUTO_INCREMENT must be
    // restated or MODIFY drops it.
    let autoincrement = a.existing_autoincrement == Some(true);
    let definition = column_definition_with(d, &restated, autoincrement, true)?;
    let sql = match &a.new_name {
        Some(_) => format!("ALTER TABLE {table} CHANGE COLUMN {column} {definition}"),
        None => format!("ALTER TABLE {table} MODIFY {definition}"),
    };
    Ok(vec![Statement::new(sql)])
}

/// Each kind of constraint has its own `DROP` in MySQL.
pub(crate) fn drop_constraint<D: Dialect + ?Sized>(
    d: &D,
    table: &TableName,
    name: &str,
    kind: ConstraintKind,
) -> Statement {
    let name = d.quote_identifier(name);
    let clause = match kind {
        ConstraintKind::ForeignKey => format!("DROP FOREIGN KEY {name}"),
        ConstraintKind::Unique => format!("DROP INDEX {name}"),
        // `DROP CONSTRAINT` works for checks in MySQL 8.0.19+ and MariaDB.
        ConstraintKind::Check => format!("DROP CONSTRAINT {name}"),
        ConstraintKind::Primary => "DROP PRIMARY KEY".to_owned(),
    };
    Statement::new(format!("ALTER TABLE {} {clause}", qualified(d, table)))
}

/// MySQL's indexes belong to their table: `DROP INDEX ix ON t`.
pub(crate) fn drop_index<D: Dialect + ?Sized>(d: &D, table: &TableName, name: &str) -> Statement {
    Statement::new(format!(
        "DROP INDEX {} ON {}",
        d.quote_identifier(name),
        qualified(d, table)
    ))
}

/// `ENGINE=x DEFAULT CHARSET=y COLLATE=z`, the options given, in that order
/// (names are bare words in MySQL: `InnoDB`, `utf8mb4_general_ci`).
/// `ALTER TABLE`'s change of table options. A new character set or
/// collation is `CONVERT TO CHARACTER SET cs COLLATE co`, which also
/// converts the table's text columns that follow the table's default, as
/// a table created with the new options has them (`DEFAULT CHARSET=` alone
/// would leave every existing column in the old character set). The
/// character set of a collation alone is its name's first part
/// (`utf8mb4_unicode_ci`: `utf8mb4`).
pub(crate) fn alter_table_options(options: &crate::schema::TableOptions) -> String {
    let mut parts = vec![];
    if let Some(e) = &options.engine {
        parts.push(format!("ENGINE={e}"));
    }
    let charset = options.charset.clone().or_else(|| {
        options
            .collation
            .as_deref()
            .and_then(|c| c.split('_').next())
            .map(str::to_owned)
    });
    if let Some(cs) = charset {
        let mut convert = format!("CONVERT TO CHARACTER SET {cs}");
        if let Some(c) = &options.collation {
            convert.push_str(&format!(" COLLATE {c}"));
        }
        parts.push(convert);
    }
    parts.join(", ")
}

pub(crate) fn table_options(options: &crate::schema::TableOptions) -> String {
    let mut parts = vec![];
    if let Some(e) = &options.engine {
        parts.push(format!("ENGINE={e}"));
    }
    if let Some(c) = &options.charset {
        parts.push(format!("DEFAULT CHARSET={c}"));
    }
    if let Some(c) = &options.collation {
        parts.push(format!("COLLATE={c}"));
    }
    parts.join(" ")
}
