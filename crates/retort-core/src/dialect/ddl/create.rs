//! The definitions `CREATE TABLE` and `CREATE INDEX` are made of: column
//! definitions, keys, constraints, index key parts and table options.
//!
//! What only some databases have (SQLite's `ON CONFLICT`, `AUTOINCREMENT`,
//! `WITHOUT ROWID` and `STRICT`; PostgreSQL has no `VIRTUAL` generated
//! columns; MySQL no `DEFERRABLE` keys, no `MATCH` that keeps its actions,
//! no collation on an index key part) is asked of the dialect's
//! capabilities, and a definition the dialect cannot spell is an error
//! naming what it cannot keep, never left out.

use crate::dialect::ddl::{column_comment, column_list, qualified};
use crate::dialect::{CommentStyle, Dialect, DialectError, IndexKind, Statement};
use crate::ops::Operation;
use crate::schema::{
    CheckConstraint, Column, ForeignKey, Index, OnConflict, PrimaryKey, Table, TableName,
    UniqueConstraint, index_expression,
};
use crate::types::ColumnType;

type Result<T> = std::result::Result<T, DialectError>;

/// The error for a definition `d` cannot spell: `what` (e.g. `column "a"`)
/// has `reason`.
fn cannot<D: Dialect + ?Sized>(d: &D, what: String, reason: &str) -> DialectError {
    DialectError::Unsupported {
        dialect: d.name(),
        operation: what,
        reason: reason.to_owned(),
    }
}

/// `CONSTRAINT "name" ` or nothing.
pub(crate) fn constraint_name<D: Dialect + ?Sized>(d: &D, name: &Option<String>) -> String {
    match name {
        Some(n) => format!("CONSTRAINT {} ", d.quote_identifier(n)),
        None => String::new(),
    }
}

/// ` ON CONFLICT X` or nothing, where the dialect has conflict clauses.
fn conflict_clause<D: Dialect + ?Sized>(
    d: &D,
    what: impl FnOnce() -> String,
    on_conflict: Option<OnConflict>,
) -> Result<String> {
    match on_conflict {
        None => Ok(String::new()),
        Some(c) if d.supports_conflict_clauses() => Ok(format!(" ON CONFLICT {c}")),
        Some(c) => Err(cannot(
            d,
            what(),
            &format!("ON CONFLICT {c} is SQLite's; leave on_conflict out for this database"),
        )),
    }
}

/// `FOREIGN KEY (...) REFERENCES t (...) [MATCH m] [ON DELETE a] [ON
/// UPDATE a] [DEFERRABLE [INITIALLY DEFERRED]]` (`MATCH` first, where
/// PostgreSQL wants it; SQLite takes any order).
pub(crate) fn foreign_key_clause<D: Dialect + ?Sized>(d: &D, fk: &ForeignKey) -> Result<String> {
    let what = || {
        format!(
            "the foreign key ({}) to {}",
            fk.columns.join(", "),
            fk.referent_table
        )
    };
    let mut s = format!(
        "{}FOREIGN KEY ({}) REFERENCES {} ({})",
        constraint_name(d, &fk.name),
        column_list(d, &fk.columns),
        qualified(d, &fk.referent_table),
        column_list(d, &fk.referent_columns)
    );
    if let Some(m) = &fk.match_kind {
        if !d.supports_foreign_key_match() {
            return Err(cannot(
                d,
                what(),
                &format!(
                    "{} ignores MATCH {m} and, with it, the key's ON DELETE and ON UPDATE; leave match out",
                    d.name()
                ),
            ));
        }
        s.push_str(&format!(" MATCH {m}"));
    }
    if let Some(a) = &fk.on_delete {
        s.push_str(&format!(" ON DELETE {a}"));
    }
    if let Some(a) = &fk.on_update {
        s.push_str(&format!(" ON UPDATE {a}"));
    }
    if fk.deferrable {
        if !d.supports_deferrable_constraints() {
            return Err(cannot(
                d,
                what(),
                &format!(
                    "{} checks every key at once and has no DEFERRABLE keys; leave deferrable out",
                    d.name()
                ),
            ));
        }
        s.push_str(" DEFERRABLE");
        if fk.initially_deferred {
            s.push_str(" INITIALLY DEFERRED");
        }
    }
    Ok(s)
}

/// `CHECK (condition)`, named when it has a name.
pub(crate) fn check_clause<D: Dialect + ?Sized>(d: &D, check: &CheckConstraint) -> String {
    format!(
        "{}CHECK ({})",
        constraint_name(d, &check.name),
        check.condition
    )
}

/// `UNIQUE (columns) [ON CONFLICT X]`, named when it has a name.
pub(crate) fn unique_clause<D: Dialect + ?Sized>(d: &D, u: &UniqueConstraint) -> Result<String> {
    let what = || format!("the unique constraint ({})", u.columns.join(", "));
    Ok(format!(
        "{}UNIQUE ({}){}",
        constraint_name(d, &u.name),
        column_list(d, &u.columns),
        conflict_clause(d, what, u.on_conflict)?
    ))
}

/// `PRIMARY KEY (columns) [ON CONFLICT X]`, named when it has a name, with
/// SQLite's `AUTOINCREMENT` inside the parentheses when `autoincrement`.
pub(crate) fn primary_key_clause<D: Dialect + ?Sized>(
    d: &D,
    pk: &PrimaryKey,
    autoincrement: bool,
) -> Result<String> {
    let what = || format!("the primary key ({})", pk.columns.join(", "));
    Ok(format!(
        "{}PRIMARY KEY ({}{}){}",
        constraint_name(d, &pk.name),
        column_list(d, &pk.columns),
        if autoincrement { " AUTOINCREMENT" } else { "" },
        conflict_clause(d, what, pk.on_conflict)?
    ))
}

/// True when `column` is the table's lone integer primary key and has not
/// turned auto-increment off (SQLAlchemy's `autoincrement="auto"`).
/// An integer type spelled as a database does (`smallint(5) unsigned`,
/// `mediumint`) counts when the column says `autoincrement = true`, as does
/// an integer column outside a lone primary key that says so.
pub(crate) fn is_autoincrement(primary_key: &[String], column: &Column) -> bool {
    let spelled_integer = || match &column.ty {
        ColumnType::Other(text) => matches!(
            crate::types::names::leading_name(text).as_str(),
            "tinyint" | "smallint" | "mediumint" | "int" | "integer" | "bigint"
        ),
        _ => false,
    };
    let integer =
        column.ty.is_integer() || (column.autoincrement == Some(true) && spelled_integer());
    let lone_key = primary_key.len() == 1 && primary_key[0] == column.name;
    // Said explicitly, a column of a composite key (or none) increments too
    // (`SERIAL` in PostgreSQL's `PRIMARY KEY (payment_date, payment_id)`).
    integer && (column.autoincrement == Some(true) || (lone_key && column.autoincrement.is_none()))
}

/// `"name" TYPE [COLLATE c] [GENERATED ...] [NOT NULL [ON CONFLICT x]]
/// [DEFAULT x] [ON UPDATE x] [AUTO_INCREMENT] [UNIQUE] [COMMENT '...']`.
pub(crate) fn column_definition<D: Dialect + ?Sized>(
    d: &D,
    column: &Column,
    autoincrement: bool,
) -> Result<String> {
    column_definition_with(d, column, autoincrement, false)
}

/// [`column_definition`], writing `NULL` for a nullable column when
/// `explicit_null` (MySQL's `MODIFY` restates it).
pub(crate) fn column_definition_with<D: Dialect + ?Sized>(
    d: &D,
    column: &Column,
    autoincrement: bool,
    explicit_null: bool,
) -> Result<String> {
    super::check_type(d, &column.ty)?;
    let what = || format!("the column {:?}", column.name);
    let (ty, suffix) = if autoincrement {
        d.render_autoincrement(column)?
    } else {
        (d.render_type(&column.ty)?, "")
    };
    let mut s = d.quote_identifier(&column.name);
    if !ty.is_empty() {
        s.push_str(&format!(" {ty}"));
    }
    if let Some(c) = &column.collation {
        s.push_str(&format!(" COLLATE {}", d.quote_identifier(c)));
    }
    if let Some(g) = &column.generated {
        if !g.stored && !d.supports_virtual_generated_columns() {
            return Err(cannot(
                d,
                what(),
                &format!(
                    "{} computes generated columns only when a row is written; make it stored = true",
                    d.name()
                ),
            ));
        }
        s.push_str(&format!(
            " GENERATED ALWAYS AS ({}) {}",
            g.expression,
            if g.stored { "STORED" } else { "VIRTUAL" }
        ));
    }
    if !column.nullable {
        s.push_str(" NOT NULL");
        s.push_str(&conflict_clause(d, what, column.not_null_on_conflict)?);
    } else if explicit_null {
        s.push_str(" NULL");
    }
    if let Some(default) = &column.server_default {
        s.push_str(&format!(
            " DEFAULT {}",
            render_default(d, Some(&column.ty), default)
        ));
    }
    if let Some(on_update) = &column.on_update {
        if !d.supports_on_update() {
            return Err(cannot(
                d,
                what(),
                &format!(
                    "{} has no ON UPDATE on a column (a MySQL clause); leave on_update out for this database, or use a trigger",
                    d.name()
                ),
            ));
        }
        s.push_str(&format!(" ON UPDATE {on_update}"));
    }
    s.push_str(suffix);
    if column.unique {
        s.push_str(" UNIQUE");
    }
    if d.comment_style() == CommentStyle::Inline
        && let Some(c) = &column.comment
    {
        s.push_str(&format!(" COMMENT {}", d.quote_string(c)));
    }
    Ok(s)
}

/// `WITHOUT ROWID` and `STRICT` after the closing parenthesis, where the
/// dialect has them, and the storage options ([`Dialect::render_table_options`]).
fn table_options<D: Dialect + ?Sized>(d: &D, t: &Table) -> Result<String> {
    let mut options = vec![];
    for (on, keyword, supported) in [
        (t.without_rowid, "WITHOUT ROWID", d.supports_without_rowid()),
        (t.strict, "STRICT", d.supports_strict_tables()),
    ] {
        if on && !supported {
            return Err(cannot(
                d,
                format!("the table {}", t.name),
                &format!("{keyword} is SQLite's; leave it out for this database"),
            ));
        }
        if on {
            options.push(keyword);
        }
    }
    let mut text = match options.is_empty() {
        true => String::new(),
        false => format!(" {}", options.join(", ")),
    };
    if let Some(key) = &t.options.partition_by {
        if !d.supports_partition_by() {
            return Err(cannot(
                d,
                format!("the table {}", t.name),
                &format!(
                    "{} has no declarative partitioning written as PARTITION BY {key} (PostgreSQL's); leave partition_by out for this database",
                    d.name()
                ),
            ));
        }
        text.push_str(&format!(" PARTITION BY {key}"));
    }
    let storage = crate::schema::TableOptions {
        partition_by: None,
        ..t.options.clone()
    };
    if !storage.is_empty() {
        match d.render_table_options(&storage) {
            Some(rendered) => text.push_str(&format!(" {rendered}")),
            None => {
                return Err(cannot(
                    d,
                    format!("the table {}", t.name),
                    &format!(
                        "{} has no table options (engine, charset, collation are MySQL's); leave them out for this database",
                        d.name()
                    ),
                ));
            }
        }
    }
    Ok(text)
}

/// The `CREATE TABLE` statement alone (no indexes, no separate comments).
pub(crate) fn create_table_statement<D: Dialect + ?Sized>(d: &D, t: &Table) -> Result<Statement> {
    let pk = t.primary_key_columns();
    let mut parts = t
        .columns
        .iter()
        .map(|c| column_definition(d, c, is_autoincrement(&pk, c)))
        .collect::<Result<Vec<_>>>()?;
    if !pk.is_empty() {
        let key = PrimaryKey {
            columns: pk.clone(),
            ..t.primary_key.clone().unwrap_or_default()
        };
        let autoincrement = d.supports_autoincrement_keyword()
            && matches!(pk.as_slice(), [only] if t.find_column(only).is_some_and(|c| c.sqlite_autoincrement));
        parts.push(primary_key_clause(d, &key, autoincrement)?);
    }
    for u in &t.uniques {
        parts.push(unique_clause(d, u)?);
    }
    for fk in &t.foreign_keys {
        parts.push(foreign_key_clause(d, fk)?);
    }
    parts.extend(t.checks.iter().map(|c| check_clause(d, c)));
    let mut sql = format!(
        "CREATE TABLE {} (\n    {}\n){}",
        qualified(d, &t.name),
        parts.join(",\n    "),
        table_options(d, t)?
    );
    if d.comment_style() == CommentStyle::Inline
        && let Some(c) = &t.comment
    {
        sql.push_str(&format!(" COMMENT {}", d.quote_string(c)));
    }
    Ok(Statement::new(sql))
}

/// What follows `CREATE TABLE`: separate comments, then the indexes.
pub(crate) fn create_table_followups<D: Dialect + ?Sized>(
    d: &D,
    t: &Table,
) -> Result<Vec<Statement>> {
    let mut out = vec![];
    if d.comment_style() == CommentStyle::Separate {
        if let Some(c) = &t.comment {
            out.extend(d.table_comment(&t.name, Some(c)));
        }
        for c in &t.columns {
            if let Some(comment) = &c.comment {
                out.extend(column_comment(d, &t.name, &c.name, Some(comment)));
            }
        }
    }
    let op = Operation::CreateTable(Table::new(t.name.clone()));
    for ix in &t.indexes {
        out.push(create_index(d, &op, &t.name, ix, false)?);
    }
    Ok(out)
}

/// `CREATE TABLE` and what follows it.
pub(crate) fn create_table<D: Dialect + ?Sized>(d: &D, t: &Table) -> Result<Vec<Statement>> {
    let mut out = vec![create_table_statement(d, t)?];
    out.extend(create_table_followups(d, t)?);
    Ok(out)
}

/// An index's key parts: quoted column names and expressions as written
/// (in their parentheses), each with its `COLLATE` and `DESC`.
fn index_key_list<D: Dialect + ?Sized>(d: &D, op: &Operation, index: &Index) -> Result<String> {
    let mut parts = Vec::with_capacity(index.columns.len());
    for (i, p) in index.columns.iter().enumerate() {
        let mut part = match index_expression(p) {
            Some(_) => p.clone(),
            None => d.quote_identifier(p),
        };
        let order = index.order(i);
        if let Some(c) = &order.collation {
            if !d.supports_index_collation() {
                return Err(DialectError::Unsupported {
                    dialect: d.name(),
                    operation: op.to_string(),
                    reason: format!(
                        "index {:?} gives its key part {p} the collation {c}, and {} has no collation on an index key part; give the column the collation instead",
                        index.name,
                        d.name()
                    ),
                });
            }
            part.push_str(&format!(" COLLATE {}", d.quote_identifier(c)));
        }
        if let Some(class) = &order.opclass {
            if !d.supports_index_opclass() {
                return Err(DialectError::Unsupported {
                    dialect: d.name(),
                    operation: op.to_string(),
                    reason: format!(
                        "index {:?} gives its key part {p} the operator class {class}, a PostgreSQL clause; leave opclass out for {}",
                        index.name,
                        d.name()
                    ),
                });
            }
            // As PostgreSQL writes it back (`public.gin_trgm_ops`).
            part.push_str(&format!(" {class}"));
        }
        if order.descending {
            part.push_str(" DESC");
        }
        parts.push(part);
    }
    Ok(parts.join(", "))
}

/// `CREATE [UNIQUE] INDEX name ON table (key parts) [WHERE condition]`.
pub(crate) fn create_index<D: Dialect + ?Sized>(
    d: &D,
    op: &Operation,
    table: &TableName,
    index: &Index,
    concurrently: bool,
) -> Result<Statement> {
    if index.where_clause.is_some() && !d.supports_partial_indexes() {
        return Err(DialectError::Unsupported {
            dialect: d.name(),
            operation: op.to_string(),
            reason: format!(
                "index {:?} has a `where` condition and {} has no partial indexes; leave `where` out for this database",
                index.name,
                d.name()
            ),
        });
    }
    // SQLite qualifies the index (the table is in the same database);
    // the others qualify the table (the index goes in the table's schema).
    let (name, on) = if d.qualifies_index_name() {
        let ix = TableName {
            schema: table.schema.clone(),
            name: index.name.clone(),
        };
        (qualified(d, &ix), d.quote_identifier(&table.name))
    } else {
        (d.quote_identifier(&index.name), qualified(d, table))
    };
    let (prefix, method) = match &index.using {
        None => (String::new(), String::new()),
        Some(using) => match d.index_kind(using) {
            Some(IndexKind::Prefix(p)) => (format!("{p} "), String::new()),
            Some(IndexKind::Method(m)) => (String::new(), format!(" USING {m}")),
            None => {
                return Err(DialectError::Unsupported {
                    dialect: d.name(),
                    operation: op.to_string(),
                    reason: format!(
                        "index {:?} is of the kind {using:?}, which {} does not have; leave `using` out for this database",
                        index.name,
                        d.name()
                    ),
                });
            }
        },
    };
    // Where indexes cannot be built concurrently, the flag asks for
    // nothing more than the plain statement (see
    // `Dialect::supports_concurrent_indexes`).
    let concurrently = concurrently && d.supports_concurrent_indexes();
    let mut sql = format!(
        "CREATE {}{prefix}INDEX {}{name} ON {on}{method} ({})",
        if index.unique { "UNIQUE " } else { "" },
        if concurrently { "CONCURRENTLY " } else { "" },
        index_key_list(d, op, index)?
    );
    if let Some(w) = &index.where_clause {
        sql.push_str(&format!(" WHERE {w}"));
    }
    Ok(if concurrently {
        Statement::outside_transaction(sql)
    } else {
        Statement::new(sql)
    })
}

/// A server default as SQL: a boolean column's truth value (`0`, `'t'`,
/// `false`: [`boolean_default`](crate::diff::boolean_default)) in the
/// dialect's own spelling ([`Dialect::render_bool`]), so that a revision
/// written on one database applies on another; anything else as written.
pub(crate) fn render_default<D: Dialect + ?Sized>(
    d: &D,
    ty: Option<&ColumnType>,
    sql: &str,
) -> String {
    match (ty, crate::diff::boolean_default(sql)) {
        (Some(ColumnType::Boolean), Some(b)) => d.render_boolean_default(sql, b),
        _ => sql.to_owned(),
    }
}
