//! Reading the parts operations share: columns, keys, constraints, indexes,
//! table definitions and `bulk_insert` rows.

use toml::{Table, Value};

use crate::ops::fields::Fields;
use crate::ops::{Literal, OperationProblem, Row};
use crate::schema::{
    CheckConstraint, Column, ForeignKey, Generated, Index, KeyOrder, OnConflict, PrimaryKey,
    Table as SchemaTable, TableName, TableOptions, UniqueConstraint,
};

type Result<T> = std::result::Result<T, OperationProblem>;

/// A column's inline table: `{ name, type, nullable, primary_key,
/// server_default, unique, comment, autoincrement, sqlite_autoincrement,
/// collation, generated = { expression, stored }, not_null_on_conflict,
/// on_update }`.
pub(crate) fn column(table: &Table, prefix: &str) -> Result<Column> {
    let mut f = Fields::new(table, prefix);
    let name = f.name("name", "name the column, e.g. name = \"email\"")?;
    let ty = f.opt_type("type")?.ok_or_else(|| {
        f.missing(
            "type",
            "give the column's type, e.g. type = \"varchar(255)\"",
        )
    })?;
    let nullable = f.opt_bool("nullable")?;
    // `nullable = true` on a key column is SQLite's: a key column that is
    // not the rowid (`INTEGER PRIMARY KEY`) accepts NULL unless declared
    // NOT NULL. PostgreSQL and MySQL make every key column NOT NULL.
    let primary_key = f.bool_or("primary_key", false)?;
    let column = Column {
        name,
        ty,
        nullable: nullable.unwrap_or(!primary_key),
        primary_key,
        server_default: f.opt_str("server_default")?,
        unique: f.bool_or("unique", false)?,
        comment: f.opt_str("comment")?,
        autoincrement: f.opt_bool("autoincrement")?,
        sqlite_autoincrement: f.bool_or("sqlite_autoincrement", false)?,
        collation: f.opt_str("collation")?,
        generated: generated(&mut f)?,
        not_null_on_conflict: on_conflict(&mut f, "not_null_on_conflict")?,
        on_update: f.opt_str("on_update")?,
    };
    if column.generated.is_some() && column.server_default.is_some() {
        return Err(f.invalid(
            "generated",
            "a generated column has no server_default; leave one of them out",
        ));
    }
    if column.sqlite_autoincrement && column.autoincrement == Some(false) {
        return Err(f.invalid(
            "sqlite_autoincrement",
            "the column also says autoincrement = false; leave one of them out",
        ));
    }
    if column.not_null_on_conflict.is_some() && column.nullable {
        return Err(f.invalid(
            "not_null_on_conflict",
            "the column is nullable; add nullable = false",
        ));
    }
    f.finish("a column")?;
    Ok(column)
}

/// `generated = { expression = "qty * price", stored = true }`.
fn generated(f: &mut Fields<'_>) -> Result<Option<Generated>> {
    let t = match f.get("generated") {
        None => return Ok(None),
        Some(Value::Table(t)) => t,
        Some(other) => {
            return Err(f.wrong(
                "generated",
                "an inline table { expression = \"...\", stored = true }",
                other,
            ));
        }
    };
    let mut inner = Fields::new(t, &f.field("generated."));
    let generated = Generated {
        expression: inner.str(
            "expression",
            "give the SQL expression, e.g. expression = \"qty * price\"",
        )?,
        stored: inner.bool_or("stored", false)?,
    };
    inner.finish("a generated column")?;
    Ok(Some(generated))
}

/// An `ON CONFLICT` resolution: `rollback`, `abort`, `fail`, `ignore` or
/// `replace`, in any case.
fn on_conflict(f: &mut Fields<'_>, key: &'static str) -> Result<Option<OnConflict>> {
    match f.opt_str(key)? {
        None => Ok(None),
        Some(text) => OnConflict::parse(&text).map(Some).ok_or_else(|| {
            let all: Vec<String> = OnConflict::ALL
                .iter()
                .map(|c| format!("\"{}\"", c.as_str().to_ascii_lowercase()))
                .collect();
            f.invalid(key, format!("{text:?} is not one of {}", all.join(", ")))
        }),
    }
}

fn constraint_name(f: &mut Fields<'_>, required: bool) -> Result<Option<String>> {
    if required {
        f.name("name", "name the constraint, e.g. name = \"uq_user_email\"")
            .map(Some)
    } else {
        f.opt_str("name")
    }
}

/// `name` (required for the `create_*` operations, which must be droppable
/// by name), `columns` and `on_conflict`.
pub(crate) fn unique(f: &mut Fields<'_>, name_required: bool) -> Result<UniqueConstraint> {
    Ok(UniqueConstraint {
        name: constraint_name(f, name_required)?,
        columns: f.names("columns", "list the columns, e.g. columns = [\"email\"]")?,
        on_conflict: on_conflict(f, "on_conflict")?,
    })
}

/// `name`, `columns` and `on_conflict`.
pub(crate) fn primary_key(f: &mut Fields<'_>, name_required: bool) -> Result<PrimaryKey> {
    Ok(PrimaryKey {
        name: constraint_name(f, name_required)?,
        columns: f.names("columns", "list the key's columns, e.g. columns = [\"id\"]")?,
        on_conflict: on_conflict(f, "on_conflict")?,
    })
}

/// The `on_conflict` of a definition whose other fields were read apart
/// (`drop_constraint`).
pub(crate) fn definition_on_conflict(f: &mut Fields<'_>) -> Result<Option<OnConflict>> {
    on_conflict(f, "on_conflict")
}

/// `name` and `condition`.
pub(crate) fn check(f: &mut Fields<'_>, name_required: bool) -> Result<CheckConstraint> {
    Ok(CheckConstraint {
        name: constraint_name(f, name_required)?,
        condition: f.str(
            "condition",
            "give the SQL condition, e.g. condition = \"age >= 0\"",
        )?,
    })
}

/// `name`, `columns`, `referent_table`, `referent_schema`,
/// `referent_columns`, `on_delete`, `on_update`, `match`, `deferrable`,
/// `initially_deferred`.
pub(crate) fn foreign_key(f: &mut Fields<'_>, name_required: bool) -> Result<ForeignKey> {
    let name = constraint_name(f, name_required)?;
    let columns = f.names(
        "columns",
        "list the referring columns, e.g. columns = [\"user_id\"]",
    )?;
    let referent = f.name(
        "referent_table",
        "name the referred table, e.g. referent_table = \"user\"",
    )?;
    let referent_schema = f.opt_str("referent_schema")?;
    let referent_columns = f.names(
        "referent_columns",
        "list the referred columns, e.g. referent_columns = [\"id\"]",
    )?;
    if referent_columns.len() != columns.len() {
        return Err(f.invalid(
            "referent_columns",
            format!(
                "{} referring column(s) but {} referred column(s); list one referred column per referring column",
                columns.len(),
                referent_columns.len()
            ),
        ));
    }
    let fk = ForeignKey {
        name,
        columns,
        referent_table: TableName {
            schema: referent_schema,
            name: referent,
        },
        referent_columns,
        on_delete: referential_action(f, "on_delete")?,
        on_update: referential_action(f, "on_update")?,
        match_kind: match_kind(f)?,
        deferrable: f.bool_or("deferrable", false)?,
        initially_deferred: f.bool_or("initially_deferred", false)?,
    };
    if fk.initially_deferred && !fk.deferrable {
        return Err(f.invalid(
            "initially_deferred",
            "only a deferrable key can be initially deferred; add deferrable = true",
        ));
    }
    Ok(fk)
}

/// `match`: `FULL`, `PARTIAL`, `SIMPLE` (any case), kept as written; it
/// is rendered verbatim, so it must be one word.
fn match_kind(f: &mut Fields<'_>) -> Result<Option<String>> {
    let kind = f.opt_str("match")?;
    if let Some(k) = &kind
        && !["FULL", "PARTIAL", "SIMPLE"].contains(&k.to_ascii_uppercase().as_str())
    {
        return Err(f.invalid(
            "match",
            format!("{k:?} is not one of FULL, PARTIAL, SIMPLE"),
        ));
    }
    Ok(kind)
}

/// The actions SQL allows after `ON DELETE` / `ON UPDATE`.
const REFERENTIAL_ACTIONS: &[&str] = &[
    "CASCADE",
    "SET NULL",
    "SET DEFAULT",
    "RESTRICT",
    "NO ACTION",
];

/// `on_delete` / `on_update`: one of [`REFERENTIAL_ACTIONS`], any case,
/// kept as written (it is rendered verbatim, so anything else is refused).
fn referential_action(f: &mut Fields<'_>, key: &'static str) -> Result<Option<String>> {
    let action = f.opt_str(key)?;
    if let Some(a) = &action {
        let upper = a
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_ascii_uppercase();
        if !REFERENTIAL_ACTIONS.contains(&upper.as_str()) {
            return Err(f.invalid(
                key,
                format!("{a:?} is not one of {}", REFERENTIAL_ACTIONS.join(", ")),
            ));
        }
    }
    Ok(action)
}

/// `name`, `columns`, `unique`, `where`, `orders`, `using`. For `drop_index` the
/// columns are optional (they make it reversible); an absent list reads as
/// empty.
pub(crate) fn index(f: &mut Fields<'_>, columns_required: bool) -> Result<Index> {
    let name = f.name("name", "name the index, e.g. name = \"ix_user_email\"")?;
    let hint = "list the indexed columns, e.g. columns = [\"email\"]";
    let columns = if columns_required {
        f.names("columns", hint)?
    } else {
        match f.opt_str_list("columns")? {
            Some(list) if list.is_empty() => return Err(f.invalid("columns", hint)),
            list => list.unwrap_or_default(),
        }
    };
    let orders = each(f, "orders", "a key part's order", |f| {
        Ok(KeyOrder {
            collation: f.opt_str("collation")?,
            descending: f.bool_or("descending", false)?,
            opclass: f.opt_str("opclass")?,
        })
    })?;
    if !orders.is_empty() && orders.len() != columns.len() {
        return Err(f.invalid(
            "orders",
            format!(
                "{} key part(s) but {} order(s); give one order per entry of `columns` ({{}} for the default)",
                columns.len(),
                orders.len()
            ),
        ));
    }
    Ok(Index {
        name,
        columns,
        unique: f.bool_or("unique", false)?,
        where_clause: f.opt_str("where")?,
        orders,
        using: f.opt_str("using")?,
    })
}

/// Applies `read` to each inline table of the array `key`.
fn each<T>(
    f: &mut Fields<'_>,
    key: &'static str,
    what: &str,
    read: impl Fn(&mut Fields<'_>) -> Result<T>,
) -> Result<Vec<T>> {
    let mut out = vec![];
    for (prefix, t) in f.opt_tables(key)?.unwrap_or_default() {
        let mut inner = Fields::new(t, &prefix);
        out.push(read(&mut inner)?);
        inner.finish(what)?;
    }
    Ok(out)
}

/// The fields of a table definition (`create_table`, and `drop_table` when
/// it carries one): `columns`, `primary_key`, `unique`, `foreign_keys`,
/// `checks`, `indexes`, `comment`, `without_rowid`, `strict`, and the
/// storage options `engine`, `charset`, `collation` (MySQL) and
/// `partition_by` (PostgreSQL). Without `columns_required`, an absent
/// `columns` gives a table with no columns (and no other part may be given).
pub(crate) fn read_table_definition(
    f: &mut Fields<'_>,
    name: TableName,
    columns_required: bool,
) -> Result<SchemaTable> {
    let columns = match f.opt_tables("columns")? {
        Some(list) if list.is_empty() => {
            return Err(f.invalid("columns", "a table needs at least one column"));
        }
        Some(list) => list
            .into_iter()
            .map(|(prefix, t)| column(t, &prefix))
            .collect::<Result<Vec<_>>>()?,
        None if columns_required => {
            return Err(f.missing(
                "columns",
                "list the columns, e.g. columns = [{ name = \"id\", type = \"integer\", primary_key = true }]",
            ));
        }
        None => vec![],
    };
    let primary_key = match f.get("primary_key") {
        None => None,
        Some(Value::Array(_)) => Some(PrimaryKey {
            name: None,
            columns: f.names(
                "primary_key",
                "list the key's columns, e.g. primary_key = [\"a\", \"b\"]",
            )?,
            on_conflict: None,
        }),
        Some(Value::Table(t)) => {
            let mut inner = Fields::new(t, "primary_key.");
            let pk = primary_key(&mut inner, false)?;
            inner.finish("a primary key")?;
            Some(pk)
        }
        Some(other) => {
            return Err(f.wrong(
                "primary_key",
                "an array of column names or { name = ..., columns = [...] }",
                other,
            ));
        }
    };
    let table = SchemaTable {
        name,
        columns,
        primary_key,
        uniques: each(f, "unique", "a unique constraint", |f| unique(f, false))?,
        foreign_keys: each(f, "foreign_keys", "a foreign key", |f| {
            foreign_key(f, false)
        })?,
        checks: each(f, "checks", "a check constraint", |f| check(f, false))?,
        indexes: each(f, "indexes", "an index", |f| index(f, true))?,
        comment: f.opt_str("comment")?,
        without_rowid: f.bool_or("without_rowid", false)?,
        strict: f.bool_or("strict", false)?,
        options: TableOptions {
            engine: option_name(f, "engine")?,
            charset: option_name(f, "charset")?,
            collation: option_name(f, "collation")?,
            partition_by: f.opt_str("partition_by")?,
        },
    };
    if table.columns.is_empty() && table != SchemaTable::new(table.name.clone()) {
        return Err(f.missing("columns", "a table definition needs its columns"));
    }
    Ok(table)
}

/// A storage option's value: a bare name (`InnoDB`, `utf8mb4_bin`), since
/// it is written into the SQL unquoted.
fn option_name(f: &mut Fields<'_>, key: &'static str) -> Result<Option<String>> {
    let value = f.opt_str(key)?;
    match &value {
        Some(v) if v.is_empty() || !v.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
            Err(f.invalid(
                key,
                format!("{v:?} is not a name; write letters, digits and _ only, e.g. {key} = \"utf8mb4_bin\""),
            ))
        }
        _ => Ok(value),
    }
}

/// `rows = [{ id = 1, name = "a" }, ...]` for `bulk_insert`.
pub(crate) fn rows(f: &mut Fields<'_>) -> Result<Vec<Row>> {
    let tables = f.opt_tables("rows")?.ok_or_else(|| {
        f.missing(
            "rows",
            "list the rows, e.g. rows = [{ id = 1, name = \"admin\" }]",
        )
    })?;
    let mut rows = Vec::with_capacity(tables.len());
    for (prefix, t) in tables {
        let mut row = Row::with_capacity(t.len());
        for (key, value) in t {
            let literal = match value {
                Value::String(s) => Literal::Text(s.clone()),
                Value::Integer(i) => Literal::Integer(*i),
                Value::Float(x) if x.is_finite() => Literal::Float(*x),
                Value::Float(_) => {
                    return Err(OperationProblem::Invalid {
                        field: format!("{prefix}{key}"),
                        reason: "SQL has no literal for nan or inf".into(),
                    });
                }
                Value::Boolean(b) => Literal::Boolean(*b),
                Value::Datetime(d) => Literal::DateTime(*d),
                other => {
                    return Err(OperationProblem::WrongType {
                        field: format!("{prefix}{key}"),
                        expected: "a string, number, boolean or date (leave a column out for NULL)"
                            .into(),
                        found: other.type_str().into(),
                    });
                }
            };
            row.push((key.clone(), literal));
        }
        rows.push(row);
    }
    Ok(rows)
}
