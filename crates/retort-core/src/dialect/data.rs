//! Data and type statements: `bulk_insert` rows as literals, and the
//! named enum types of `create_enum` / `add_enum_value`.

use crate::dialect::ddl::qualified;
use crate::dialect::{Dialect, DialectError, Statement};
use crate::ops::{Literal, Operation, Row};
use crate::schema::TableName;

type Result<T> = std::result::Result<T, DialectError>;

/// One multi-row `INSERT`; a column a row leaves out is NULL in that row.
pub(crate) fn bulk_insert<D: Dialect + ?Sized>(
    d: &D,
    table: &TableName,
    rows: &[Row],
) -> Vec<Statement> {
    let mut columns: Vec<&str> = vec![];
    for (name, _) in rows.iter().flatten() {
        if !columns.contains(&name.as_str()) {
            columns.push(name);
        }
    }
    if columns.is_empty() {
        return vec![];
    }
    let values = rows
        .iter()
        .map(|row| {
            let cells = columns
                .iter()
                .map(|c| match row.iter().find(|(k, _)| k == c) {
                    Some((_, v)) => d.render_literal(v),
                    None => "NULL".to_owned(),
                })
                .collect::<Vec<_>>();
            format!("({})", cells.join(", "))
        })
        .collect::<Vec<_>>();
    vec![Statement::new(format!(
        "INSERT INTO {} ({}) VALUES {}",
        qualified(d, table),
        columns
            .iter()
            .map(|c| d.quote_identifier(c))
            .collect::<Vec<_>>()
            .join(", "),
        values.join(", ")
    ))]
}

pub(crate) fn literal<D: Dialect + ?Sized>(d: &D, value: &Literal) -> String {
    match value {
        Literal::Text(s) => d.quote_string(s),
        Literal::Integer(i) => i.to_string(),
        Literal::Float(x) => format!("{x:?}"),
        Literal::Boolean(b) => d.render_bool(*b).to_owned(),
        Literal::DateTime(dt) => {
            // `1979-05-27 07:32:00+00:00`: the form every dialect reads.
            let mut parts = vec![];
            if let Some(date) = &dt.date {
                parts.push(date.to_string());
            }
            if let Some(time) = &dt.time {
                parts.push(time.to_string());
            }
            let mut text = parts.join(" ");
            match &dt.offset {
                Some(toml::value::Offset::Z) => text.push_str("+00:00"),
                Some(offset) => text.push_str(&offset.to_string()),
                None => {}
            }
            d.quote_string(&text)
        }
    }
}

pub(crate) fn add_enum_value<D: Dialect + ?Sized>(d: &D, op: &Operation) -> Result<Vec<Statement>> {
    let Operation::AddEnumValue {
        name,
        value,
        before,
        after,
    } = op
    else {
        return Ok(vec![]);
    };
    if !d.supports_enum_types() {
        return Ok(vec![]);
    }
    let mut sql = format!(
        "ALTER TYPE {} ADD VALUE {}",
        qualified(d, name),
        d.quote_string(value)
    );
    if let Some(b) = before {
        sql.push_str(&format!(" BEFORE {}", d.quote_string(b)));
    }
    if let Some(a) = after {
        sql.push_str(&format!(" AFTER {}", d.quote_string(a)));
    }
    Ok(vec![Statement::new(sql)])
}
