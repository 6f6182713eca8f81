//! The views and triggers a rebuild of one table must drop and create
//! again: the table's own triggers, the views that read it (directly or
//! through other views), and every other trigger that names it or such a
//! view (including a view's `INSTEAD OF` triggers).
//!
//! An object names a table when an identifier of its SQL is the table's
//! name, quoted or not, ASCII case aside (SQLite's own rule), found with
//! the tokenizer rather than by searching the text, so that a string
//! literal or a longer name that contains it does not count.

use retort_core::dialect::{Dependent, DependentKind};
use retort_core::schema::TableName;

use super::catalog::{Answer, Catalog, DEPENDENTS, cell};
use super::tokens::{Kind, tokenize};
use crate::error::DbError;
use crate::quote::ident;
use crate::url::DialectName;

/// The dependents of `table` (as stored), in the order they were created.
pub(super) fn read_dependents(
    catalog: &mut Catalog<'_>,
    table: &TableName,
) -> Result<Vec<Dependent>, DbError> {
    let q = catalog.query(DEPENDENTS, &[])?;
    let mut objects = Vec::with_capacity(q.rows.len());
    for row in &q.rows {
        objects.push(object(catalog, &q, row, table)?);
    }
    // The names that make an object a dependent: the table's, then each
    // dependent view's, until no new view joins.
    let mut names = vec![table.name.to_ascii_lowercase()];
    let mut included = vec![false; objects.len()];
    loop {
        let mut grew = false;
        for (i, o) in objects.iter().enumerate() {
            let on = o.on.to_ascii_lowercase();
            let depends = (o.kind == DependentKind::Trigger && names.contains(&on))
                || o.names.iter().any(|n| names.contains(n));
            if !included[i] && depends {
                included[i] = true;
                grew = true;
                if o.kind == DependentKind::View {
                    names.push(o.name.to_ascii_lowercase());
                }
            }
        }
        if !grew {
            break;
        }
    }
    Ok(objects
        .into_iter()
        .zip(included)
        .filter_map(|(o, i)| i.then_some(o))
        .collect())
}

/// One row of [`DEPENDENTS`] as a [`Dependent`], its SQL qualified with
/// the table's attached database when it has one (the stored text names
/// no database).
fn object(
    catalog: &Catalog<'_>,
    q: &Answer,
    row: &crate::connection::Row,
    table: &TableName,
) -> Result<Dependent, DbError> {
    let kind = match cell(row, 0) {
        Some("view") => DependentKind::View,
        _ => DependentKind::Trigger,
    };
    let name = catalog.required(q, row, 1, "name")?;
    let on = catalog.required(q, row, 2, "tbl_name")?;
    let sql = catalog.required(q, row, 3, "sql")?;
    let bad = || catalog.bad(q, "sql", &sql);
    let tokens = tokenize(&sql).map_err(|_| bad())?;
    let mut names: Vec<String> = tokens
        .iter()
        .filter(|t| matches!(t.kind, Kind::Word | Kind::Quoted))
        .map(|t| t.identifier().to_ascii_lowercase())
        .collect();
    names.sort();
    names.dedup();
    let sql = match &table.schema {
        None => sql.clone(),
        Some(schema) => {
            // CREATE [TEMP] VIEW|TRIGGER [IF NOT EXISTS] name ...
            let at = tokens
                .iter()
                .position(|t| t.is_keyword("VIEW") || t.is_keyword("TRIGGER"))
                .map(|k| {
                    let exists = tokens.get(k + 1).is_some_and(|t| t.is_keyword("IF"));
                    k + if exists { 4 } else { 1 }
                })
                .and_then(|n| tokens.get(n))
                .ok_or_else(bad)?;
            format!(
                "{}{}.{}",
                &sql[..at.span.start],
                ident(DialectName::Sqlite, schema),
                &sql[at.span.start..]
            )
        }
    };
    Ok(Dependent {
        kind,
        name,
        on,
        sql,
        names,
    })
}
