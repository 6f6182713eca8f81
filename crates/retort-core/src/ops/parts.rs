//! Reading the parts operations share: columns, keys, constraints, indexes,
//! table definitions and `bulk_insert` rows.

use toml::{Table, Value};

use crate::ops::fields::Fields;
use crate::ops::{Literal, OperationProblem, Row};
use crate::schema::{
    CheckConstraint, Column, ForeignKey, Index, PrimaryKey, Table as SchemaTable, TableName,
    UniqueConstraint,
};

type Result<T> = std::result::Result<T, OperationProblem>;

/// A column's inline table: `{ name, type, nullable, primary_key,
/// server_default, unique, comment, autoincrement }`.
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
    let primary_key = f.bool_or("primary_key", false)?;
    if primary_key && nullable == Some(true) {
        return Err(f.invalid("nullable", "a primary key column cannot be nullable"));
    }
    let column = Column {
        name,
        ty,
        nullable: nullable.unwrap_or(!primary_key),
        primary_key,
        server_default: f.opt_str("server_default")?,
        unique: f.bool_or("unique", false)?,
        comment: f.opt_str("comment")?,
        autoincrement: f.opt_bool("autoincrement")?,
    };
    f.finish("a column")?;
    Ok(column)
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
/// by name) and `columns`.
pub(crate) fn unique(f: &mut Fields<'_>, name_required: bool) -> Result<UniqueConstraint> {
    Ok(UniqueConstraint {
        name: constraint_name(f, name_required)?,
        columns: f.names("columns", "list the columns, e.g. columns = [\"email\"]")?,
    })
}

/// `name` and `columns`.
pub(crate) fn primary_key(f: &mut Fields<'_>, name_required: bool) -> Result<PrimaryKey> {
    Ok(PrimaryKey {
        name: constraint_name(f, name_required)?,
        columns: f.names("columns", "list the key's columns, e.g. columns = [\"id\"]")?,
    })
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
/// `referent_columns`, `on_delete`, `on_update`.
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
    Ok(ForeignKey {
        name,
        columns,
        referent_table: TableName {
            schema: referent_schema,
            name: referent,
        },
        referent_columns,
        on_delete: referential_action(f, "on_delete")?,
        on_update: referential_action(f, "on_update")?,
    })
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

/// `name`, `columns`, `unique`, `where`. For `drop_index` the columns are
/// optional (they make it reversible); an absent list reads as empty.
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
    Ok(Index {
        name,
        columns,
        unique: f.bool_or("unique", false)?,
        where_clause: f.opt_str("where")?,
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
/// `checks`, `indexes`, `comment`. Without `columns_required`, an absent
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
    };
    if table.columns.is_empty() && table != SchemaTable::new(table.name.clone()) {
        return Err(f.missing("columns", "a table definition needs its columns"));
    }
    Ok(table)
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
