//! PostgreSQL introspection: one schema read with a fixed number of
//! `pg_catalog` queries (the constants at the end of this file), whatever
//! the number of tables, then assembled in Rust.
//!
//! Recovered: tables and their comments; columns with their type
//! (`format_type()`, see `types.rs`), nullability, default expression
//! (`pg_get_expr`), comment, and `SERIAL` / identity as `autoincrement`;
//! primary keys, unique constraints, foreign keys (referenced columns,
//! `ON DELETE` / `ON UPDATE`, names) and check constraints; indexes that
//! back no constraint (unique, partial `WHERE`, columns); enum types with
//! their values in order; an index's access method other than `btree`
//! ([`Index::using`]); a partitioned table's `PARTITION BY` key
//! ([`Table::options`]'s `partition_by`).
//!
//! Normalised:
//! - A column typed with an enum is [`ColumnType::Enum`] with the type's
//!   name (schema-qualified when the type lives in another schema) and
//!   values.
//! - A `nextval(...)` default of a sequence the column owns (`SERIAL`) or an
//!   identity is `autoincrement = Some(true)` with no server default; a
//!   `nextval` of a sequence the column does not own stays its default.
//! - A string literal's cast to the column's own type is dropped
//!   (`'a'::character varying` → `'a'`), as PostgreSQL adds it.
//! - A check's condition is `pg_get_constraintdef` without `CHECK` and its
//!   outer parentheses (`CHECK ((qty > 0))` → `qty > 0`); PostgreSQL
//!   rewrites the condition as it parsed it.
//! - `NO ACTION` (the default) is no action at all.
//!
//! Not recovered, because the model has no place for them: `DEFERRABLE`
//! and `MATCH` on foreign keys, `NOT VALID`, collations, `NULLS FIRST`,
//! `INCLUDE` columns, exclusion constraints,
//! partitioning, a sequence's options. A column of a domain or of a type
//! from another schema than `pg_catalog` (an extension's) is
//! [`ColumnType::Verbatim`] with `format_type()`'s text. A stored generated
//! column is [`Column::generated`] with its expression. An expression index's key parts
//! are `pg_get_indexdef`'s text, in parentheses.

mod text;
pub(crate) use text::check_condition as pg_check_condition;

use std::collections::BTreeMap;

use retort_core::schema::{
    CheckConstraint, Column, EnumType, ForeignKey, Generated, Index, KeyOrder, PrimaryKey, Schema,
    Table, TableName, UniqueConstraint,
};
use retort_core::types::ColumnType;

use super::types::postgres_type;
use super::{Assembly, InspectOptions, cell};
use crate::connection::{Connection, Row};
use crate::error::DbError;
use crate::quote::literal;
use crate::url::DialectName;
use text::{action, check_condition, strip_own_cast, unwrap_parens};

/// Reads the schema `options.schema` (or `current_schema()`) with
/// [`QUERIES`]'s seven statements.
pub fn inspect_postgres_schema(
    conn: &mut dyn Connection,
    options: &InspectOptions,
) -> Result<Schema, DbError> {
    let schema_sql = match &options.schema {
        Some(s) => literal(DialectName::Postgresql, s),
        None => "current_schema()".to_owned(),
    };
    let mut run = |template: &str| -> Result<(String, Vec<Row>), DbError> {
        let sql = template.replace("{schema}", &schema_sql);
        let rows = conn.query_strings(&sql)?;
        Ok((sql, rows))
    };
    let schema_name = run(SCHEMA_NAME)?;
    let tables = run(TABLES)?;
    let enums = run(ENUMS)?;
    let columns = run(COLUMNS)?;
    let keys = run(KEYS)?;
    let checks = run(CHECKS)?;
    let indexes = run(INDEXES)?;

    let mut a = Assembly {
        tables: vec![],
        catalog: "pg_catalog",
    };
    let here = a.required(
        schema_name.1.first().unwrap_or(&vec![]),
        0,
        "nspname",
        &schema_name.0,
    )?;
    for row in &tables.1 {
        let name = a.required(row, 0, "relname", &tables.0)?;
        if options.includes(&name) {
            let mut t = Table::new(TableName {
                schema: options.schema.clone(),
                name,
            });
            t.comment = cell(row, 1).map(str::to_owned);
            t.options.partition_by = cell(row, 2).map(str::to_owned);
            a.tables.push(t);
        }
    }
    let mut out = Schema::default();
    let mut enum_values: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for row in &enums.1 {
        let key = (
            a.required(row, 0, "nspname", &enums.0)?,
            a.required(row, 1, "typname", &enums.0)?,
        );
        let label = a.required(row, 2, "enumlabel", &enums.0)?;
        enum_values.entry(key).or_default().push(label);
    }
    for ((nsp, name), values) in &enum_values {
        if *nsp == here {
            out.enums.push(EnumType {
                schema: options.schema.clone(),
                name: name.clone(),
                values: values.clone(),
            });
        }
    }
    read_columns(&mut a, &columns, &here, &enum_values)?;
    read_keys(&mut a, &keys, &here)?;
    for row in &checks.1 {
        let table = a.required(row, 0, "relname", &checks.0)?;
        let name = a.required(row, 1, "conname", &checks.0)?;
        let def = a.required(row, 2, "pg_get_constraintdef", &checks.0)?;
        let condition = check_condition(&def).ok_or_else(|| a.bad("conbin", &def, &checks.0))?;
        if let Some(t) = a.table(&table) {
            t.checks.push(CheckConstraint {
                name: Some(name),
                condition,
            });
        }
    }
    read_indexes(&mut a, &indexes)?;
    a.finish_keys();
    out.tables = a.tables;
    Ok(out)
}

/// Columns, with enum types resolved from `enums`.
fn read_columns(
    a: &mut Assembly,
    (sql, rows): &(String, Vec<Row>),
    here: &str,
    enums: &BTreeMap<(String, String), Vec<String>>,
) -> Result<(), DbError> {
    for row in rows {
        let table = a.required(row, 0, "relname", sql)?;
        let name = a.required(row, 1, "attname", sql)?;
        let type_text = a.required(row, 2, "format_type", sql)?;
        // `s`: GENERATED ALWAYS AS (...) STORED, whose expression is the
        // default's (PostgreSQL 12 to 17 have no other kind).
        let generated = match cell(row, 10) {
            None | Some("") => false,
            Some("s") => true,
            Some(other) => return Err(a.bad("attgenerated", other, sql)),
        };
        let ty = match (cell(row, 7), cell(row, 8), cell(row, 9)) {
            (Some("e"), Some(nsp), Some(typ)) => ColumnType::Enum {
                name: Some(if nsp == here {
                    typ.to_owned()
                } else {
                    format!("{nsp}.{typ}")
                }),
                values: enums
                    .get(&(nsp.to_owned(), typ.to_owned()))
                    .cloned()
                    .unwrap_or_default(),
            },
            // A domain, an extension's or a user's type (not an enum):
            // passed through as PostgreSQL spells it, unchecked, since no
            // list of type names knows it.
            (Some(kind), Some(nsp), _) if nsp != "pg_catalog" && kind != "e" => {
                ColumnType::Verbatim(type_text.clone())
            }
            _ => postgres_type(&type_text),
        };
        let mut default = cell(row, 4).map(|d| strip_own_cast(d, &type_text));
        let identity = cell(row, 5).is_some_and(|i| !i.is_empty());
        // `SERIAL`: a `nextval` default of a sequence the column owns. A
        // sequence shared with another column (a partition of old style
        // taking its parent's ids) stays the default it is.
        let serial = cell(row, 11) == Some("t")
            && default
                .as_deref()
                .is_some_and(|d| d.starts_with("nextval("));
        if serial {
            default = None;
        }
        let generated = if generated {
            let expression = default.take().ok_or_else(|| a.bad("adbin", "NULL", sql))?;
            Some(Generated {
                expression,
                stored: true,
            })
        } else {
            None
        };
        let column = Column {
            name,
            ty,
            nullable: cell(row, 3) != Some("t"),
            primary_key: false,
            server_default: default,
            unique: false,
            comment: cell(row, 6).map(str::to_owned),
            autoincrement: (identity || serial).then_some(true),
            generated,
            ..Column::new(String::new(), ColumnType::Text)
        };
        if let Some(t) = a.table(&table) {
            t.columns.push(column);
        }
    }
    Ok(())
}

/// Primary keys, unique constraints and foreign keys: one row per column.
fn read_keys(
    a: &mut Assembly,
    (sql, rows): &(String, Vec<Row>),
    here: &str,
) -> Result<(), DbError> {
    // Consecutive rows of the same table and constraint are one key.
    let mut last: Option<(String, String)> = None;
    for row in rows {
        let table = a.required(row, 0, "relname", sql)?;
        let name = a.required(row, 1, "conname", sql)?;
        let kind = a.required(row, 2, "contype", sql)?;
        let column = a.required(row, 3, "attname", sql)?;
        let same = last.as_ref() == Some(&(table.clone(), name.clone()));
        last = Some((table.clone(), name.clone()));
        let ref_schema = cell(row, 4).map(str::to_owned);
        let ref_table = cell(row, 5).map(str::to_owned);
        let ref_column = cell(row, 6).map(str::to_owned);
        let action = |i| cell(row, i).and_then(action);
        let (on_update, on_delete) = (action(7), action(8));
        let Some(t) = a.table(&table) else {
            continue;
        };
        match kind.as_str() {
            "p" => {
                let pk = t.primary_key.get_or_insert_with(|| PrimaryKey {
                    name: Some(name),
                    columns: vec![],
                    on_conflict: None,
                });
                pk.columns.push(column);
            }
            "u" => match t.uniques.last_mut() {
                Some(u) if same => u.columns.push(column),
                _ => t.uniques.push(UniqueConstraint {
                    name: Some(name),
                    columns: vec![column],
                    on_conflict: None,
                }),
            },
            _ => {
                let (Some(ref_table), Some(ref_column)) = (ref_table, ref_column) else {
                    return Err(a.bad("confkey", "NULL", sql));
                };
                match t.foreign_keys.last_mut() {
                    Some(fk) if same => {
                        fk.columns.push(column);
                        fk.referent_columns.push(ref_column);
                    }
                    _ => t.foreign_keys.push(ForeignKey {
                        name: Some(name),
                        columns: vec![column],
                        referent_table: TableName {
                            schema: ref_schema.filter(|s| s != here),
                            name: ref_table,
                        },
                        referent_columns: vec![ref_column],
                        on_delete,
                        on_update,
                        ..ForeignKey::default()
                    }),
                }
            }
        }
    }
    Ok(())
}

/// Indexes that back no constraint: one row per column.
fn read_indexes(a: &mut Assembly, (sql, rows): &(String, Vec<Row>)) -> Result<(), DbError> {
    let mut last: Option<(String, String)> = None;
    for row in rows {
        let table = a.required(row, 0, "relname", sql)?;
        let name = a.required(row, 1, "relname", sql)?;
        // A NULL column is an expression: kept as its text in parentheses.
        let column = match cell(row, 3) {
            Some(name) => name.to_owned(),
            None => format!("({})", a.required(row, 5, "pg_get_indexdef", sql)?),
        };
        let same = last.as_ref() == Some(&(table.clone(), name.clone()));
        last = Some((table.clone(), name.clone()));
        let unique = cell(row, 2) == Some("t");
        let where_clause = cell(row, 4).map(|w| unwrap_parens(w).to_owned());
        let using = cell(row, 6).filter(|m| *m != "btree").map(str::to_owned);
        let order = KeyOrder {
            collation: None,
            descending: cell(row, 8) == Some("t"),
            opclass: cell(row, 7).map(str::to_owned),
        };
        let Some(t) = a.table(&table) else {
            continue;
        };
        match t.indexes.last_mut() {
            Some(ix) if same => {
                ix.columns.push(column);
                ix.orders.push(order);
            }
            _ => t.indexes.push(Index {
                name,
                columns: vec![column],
                unique,
                where_clause,
                orders: vec![order],
                using,
            }),
        }
    }
    // The orders are kept only when one of them is not the default.
    for t in &mut a.tables {
        for ix in &mut t.indexes {
            if ix.orders.iter().all(KeyOrder::is_default) {
                ix.orders.clear();
            }
        }
    }
    Ok(())
}

/// The statements [`inspect_postgres_schema`] sends, in order: the same
/// seven whatever the number of tables.
pub const QUERIES: [&str; 7] = [SCHEMA_NAME, TABLES, ENUMS, COLUMNS, KEYS, CHECKS, INDEXES];

/// The name of the schema being read (`{schema}` is a string literal or
/// `current_schema()`), to tell its objects from other schemas'.
const SCHEMA_NAME: &str = "SELECT CAST({schema} AS text)";

/// Ordinary and partitioned tables (not partitions, views or foreign
/// tables) with their comments and, for a partitioned table, its
/// partitioning (`RANGE (payment_date)`).
const TABLES: &str = "SELECT c.relname, pg_catalog.obj_description(c.oid, 'pg_class'), \
         CASE WHEN c.relkind = 'p' THEN pg_catalog.pg_get_partkeydef(c.oid) END \
     FROM pg_catalog.pg_class c \
     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
     WHERE n.nspname = {schema} AND c.relkind IN ('r', 'p') AND NOT c.relispartition \
     ORDER BY c.relname";

/// Enum types with their values in order: those of the schema and those
/// its columns use from other schemas.
const ENUMS: &str = "SELECT n.nspname, t.typname, e.enumlabel \
     FROM pg_catalog.pg_type t \
     JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace \
     JOIN pg_catalog.pg_enum e ON e.enumtypid = t.oid \
     WHERE n.nspname = {schema} OR t.oid IN ( \
         SELECT a.atttypid FROM pg_catalog.pg_attribute a \
         JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
         JOIN pg_catalog.pg_namespace cn ON cn.oid = c.relnamespace \
         WHERE cn.nspname = {schema}) \
     ORDER BY n.nspname, t.typname, e.enumsortorder";

/// Every column of every table, in order: type text, `attnotnull`
/// (`t`/`f`), default expression, `attidentity` (empty, `a` or `d`),
/// comment, the type's kind (`e` for an enum), schema and name,
/// `attgenerated` (empty unless generated), and whether the column owns a
/// sequence (`SERIAL`'s, `t`/`f`).
const COLUMNS: &str = "SELECT c.relname, a.attname, \
         pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull, \
         pg_catalog.pg_get_expr(d.adbin, d.adrelid), a.attidentity, \
         pg_catalog.col_description(c.oid, a.attnum), t.typtype, tn.nspname, t.typname, \
         a.attgenerated, \
         EXISTS (SELECT 1 FROM pg_catalog.pg_depend dep \
             JOIN pg_catalog.pg_class s ON s.oid = dep.objid AND s.relkind = 'S' \
             WHERE dep.classid = CAST('pg_catalog.pg_class' AS regclass) \
                 AND dep.refobjid = c.oid AND dep.refobjsubid = a.attnum \
                 AND dep.deptype = 'a') \
     FROM pg_catalog.pg_attribute a \
     JOIN pg_catalog.pg_class c ON c.oid = a.attrelid \
     JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
     JOIN pg_catalog.pg_type t ON t.oid = a.atttypid \
     JOIN pg_catalog.pg_namespace tn ON tn.oid = t.typnamespace \
     LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
     WHERE n.nspname = {schema} AND c.relkind IN ('r', 'p') \
         AND a.attnum > 0 AND NOT a.attisdropped \
     ORDER BY c.relname, a.attnum";

/// Primary keys (`p`), unique constraints (`u`) and foreign keys (`f`),
/// one row per column in key order; for a foreign key, the referenced
/// schema, table and column and the actions (`confupdtype`,
/// `confdeltype`: `a` no action, `r` restrict, `c` cascade, `n` set null,
/// `d` set default).
const KEYS: &str = "SELECT cl.relname, con.conname, con.contype, a.attname, \
         rn.nspname, rc.relname, ra.attname, con.confupdtype, con.confdeltype \
     FROM pg_catalog.pg_constraint con \
     JOIN pg_catalog.pg_class cl ON cl.oid = con.conrelid \
     JOIN pg_catalog.pg_namespace n ON n.oid = cl.relnamespace \
     CROSS JOIN LATERAL unnest(con.conkey, con.confkey) WITH ORDINALITY AS k(attnum, refnum, i) \
     JOIN pg_catalog.pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum \
     LEFT JOIN pg_catalog.pg_class rc ON rc.oid = con.confrelid \
     LEFT JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace \
     LEFT JOIN pg_catalog.pg_attribute ra ON ra.attrelid = con.confrelid AND ra.attnum = k.refnum \
     WHERE n.nspname = {schema} AND con.contype IN ('p', 'u', 'f') \
     ORDER BY cl.relname, con.conname, k.i";

/// Check constraints, with their definition as PostgreSQL writes it back.
const CHECKS: &str = "SELECT cl.relname, con.conname, pg_catalog.pg_get_constraintdef(con.oid) \
     FROM pg_catalog.pg_constraint con \
     JOIN pg_catalog.pg_class cl ON cl.oid = con.conrelid \
     JOIN pg_catalog.pg_namespace n ON n.oid = cl.relnamespace \
     WHERE n.nspname = {schema} AND con.contype = 'c' \
     ORDER BY cl.relname, con.conname";

/// Indexes that back no primary key, unique or exclusion constraint, one
/// row per key column (not `INCLUDE` ones) in order; `attname` is NULL for
/// an expression, whose text is the sixth column; the fifth is a partial
/// index's condition; the seventh the access method (`btree`, `gist`,
/// ...); then the key part's operator class when not the default one
/// (schema-qualified when not on the `search_path`, as `pg_get_indexdef`
/// writes it), and whether it sorts descending.
const INDEXES: &str = "SELECT t.relname, ic.relname, i.indisunique, a.attname, \
         pg_catalog.pg_get_expr(i.indpred, i.indrelid), \
         pg_catalog.pg_get_indexdef(i.indexrelid, CAST(k.i AS int), true), am.amname, \
         (SELECT CASE WHEN pg_catalog.pg_opclass_is_visible(oc.oid) THEN pg_catalog.quote_ident(oc.opcname) \
                 ELSE pg_catalog.quote_ident(ocn.nspname) || '.' || pg_catalog.quote_ident(oc.opcname) END \
             FROM pg_catalog.pg_opclass oc \
             JOIN pg_catalog.pg_namespace ocn ON ocn.oid = oc.opcnamespace \
             WHERE oc.oid = i.indclass[k.i - 1] AND NOT oc.opcdefault), \
         (i.indoption[k.i - 1] & 1) = 1 \
     FROM pg_catalog.pg_index i \
     JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid \
     JOIN pg_catalog.pg_am am ON am.oid = ic.relam \
     JOIN pg_catalog.pg_class t ON t.oid = i.indrelid \
     JOIN pg_catalog.pg_namespace n ON n.oid = t.relnamespace \
     CROSS JOIN LATERAL unnest(CAST(i.indkey AS smallint[])) WITH ORDINALITY AS k(attnum, i) \
     LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum \
     WHERE n.nspname = {schema} AND t.relkind IN ('r', 'p') AND k.i <= i.indnkeyatts \
         AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint con \
             WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid \
                 AND con.contype IN ('p', 'u', 'x')) \
     ORDER BY t.relname, ic.relname, k.i";
