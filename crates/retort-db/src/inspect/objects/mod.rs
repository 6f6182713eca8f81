//! Reading the schema objects beyond tables ([`SchemaObject`]: views,
//! triggers, routines, sequences, domains, extensions) into
//! [`Schema::objects`](retort_core::schema::Schema::objects).
//!
//! Each database's reader sends a fixed number of catalog queries whatever
//! the number of objects, and builds every object's `definition` as the
//! full `CREATE ...` statement the database reports (see [`postgres`],
//! [`mysql`], [`sqlite`] for what each reads and in which order). Objects
//! are reported unqualified, as the inspected schema's own; the inspected
//! schema's qualifier is removed from definitions (`public.t` → `t`,
//! `` `shop`.`t` `` → `` `t` ``), so that the same objects read from two
//! schemas (the live one and a scratch one) compare equal.
//!
//! Left out: objects that belong to an extension, triggers on excluded
//! tables (retort's own), and any object whose name is excluded.

pub mod mysql;
pub mod postgres;
pub mod sqlite;

use retort_core::schema::{ObjectKind, Schema, SchemaObject};
use retort_core::types::ColumnType;

use super::InspectOptions;
use crate::connection::{Connection, Row};
use crate::error::DbError;
use crate::url::DialectName;

/// The objects of the database (PostgreSQL: of the inspected schema) behind
/// `conn`, in creation (dependency) order.
pub fn inspect_objects(
    conn: &mut dyn Connection,
    options: &InspectOptions,
) -> Result<Vec<SchemaObject>, DbError> {
    let objects = match conn.dialect() {
        DialectName::Postgresql => postgres::read(conn, options)?,
        DialectName::Mysql => mysql::read(conn)?,
        DialectName::Sqlite => sqlite::read(conn)?,
    };
    Ok(objects
        .into_iter()
        .filter(|o| {
            options.includes(&o.id.name)
                && o.id.table.as_deref().is_none_or(|t| options.includes(t))
        })
        .collect())
}

/// Marks the columns typed with one of the schema's domains as
/// [`ColumnType::Verbatim`]: a domain's name is the schema's own, and may be
/// a name another database gives a type of its own (pagila's `year`),
/// which rendering would otherwise refuse.
pub(crate) fn mark_domain_columns(schema: &mut Schema) {
    let domains: Vec<String> = schema
        .objects
        .iter()
        .filter(|o| o.kind() == ObjectKind::Domain)
        .map(|o| o.id.name.clone())
        .collect();
    if domains.is_empty() {
        return;
    }
    for column in schema.tables.iter_mut().flat_map(|t| t.columns.iter_mut()) {
        if let ColumnType::Other(text) = &column.ty
            && domains.iter().any(|d| text.trim_matches('"') == d)
        {
            column.ty = ColumnType::Verbatim(text.clone());
        }
    }
}

/// The rows of one catalog query, with errors naming the query.
pub(crate) struct Rows {
    /// The query.
    pub sql: String,
    /// Its rows.
    pub rows: Vec<Row>,
}

impl Rows {
    /// Runs `sql`.
    pub fn query(conn: &mut dyn Connection, sql: String) -> Result<Rows, DbError> {
        let rows = conn.query_strings(&sql)?;
        Ok(Rows { sql, rows })
    }

    /// Column `i` of `row`, which the catalog never leaves NULL.
    pub fn required(&self, row: &Row, i: usize, column: &'static str) -> Result<String, DbError> {
        super::cell(row, i)
            .map(str::to_owned)
            .ok_or_else(|| DbError::BadValue {
                table: "catalog".to_owned(),
                column,
                value: "NULL".to_owned(),
                sql: self.sql.clone(),
            })
    }
}

/// `text` without the qualifier `schema.` of the inspected schema, quoted
/// with `quote` or (when the name needs no quotes) bare, wherever it
/// stands alone (not the end of a longer name).
pub(crate) fn strip_qualifier(text: &str, schema: &str, quote: char) -> String {
    let quoted = format!(
        "{quote}{}{quote}.",
        schema.replace(quote, &format!("{quote}{quote}"))
    );
    let plain_ok = schema
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    let bare = format!("{schema}.");
    let ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$' || c == quote;
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        let before = text[..i].chars().next_back();
        // Not the middle of a longer name (`mypublic.`, `db.public.`).
        let free = !before.is_some_and(|c| ident(c) || c == '.');
        if free && rest.starts_with(&quoted) {
            i += quoted.len();
            continue;
        }
        if free && plain_ok && rest.starts_with(&bare) {
            i += bare.len();
            continue;
        }
        let c = rest.chars().next().unwrap_or_default();
        out.push(c);
        i += c.len_utf8().max(1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_inspected_schema_qualifier_is_removed_quoted_or_not() {
        assert_eq!(
            strip_qualifier(
                "SELECT public.t.a FROM public.t JOIN \"public\".u",
                "public",
                '"'
            ),
            "SELECT t.a FROM t JOIN u"
        );
        assert_eq!(
            strip_qualifier("select `shop`.`t`.`a` AS `a` from `shop`.`t`", "shop", '`'),
            "select `t`.`a` AS `a` from `t`"
        );
        assert_eq!(
            strip_qualifier("SELECT mypublic.x, other.public.y", "public", '"'),
            "SELECT mypublic.x, other.public.y"
        );
    }
}
