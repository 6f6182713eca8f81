//! MySQL/MariaDB introspection: the connection's current database read
//! with a fixed number of `information_schema` queries (the constants at
//! the end of this file), whatever the number of tables, then assembled in
//! Rust.
//!
//! Recovered: tables and their comments; columns with their type
//! (`COLUMN_TYPE`, see `types.rs`), nullability, default, comment and
//! `AUTO_INCREMENT`; primary keys, unique constraints, indexes (from
//! `STATISTICS`), foreign keys with names, referenced columns and actions
//! (`KEY_COLUMN_USAGE`, `REFERENTIAL_CONSTRAINTS`), check constraints
//! (`CHECK_CONSTRAINTS`, MariaDB 10.2+ and MySQL 8.0.16+).
//!
//! Normalised, because MySQL keeps no difference:
//! - Every unique index is a unique constraint ([`Table::uniques`]) named
//!   after the index: `CREATE UNIQUE INDEX` and `UNIQUE (...)` make the
//!   same thing.
//! - The primary key is always named `PRIMARY`, reported as no name.
//! - The index InnoDB makes for a foreign key (named after the key or its
//!   first column, over the key's columns) is kept, as the database has
//!   it; the diff's MySQL hooks know it for what it is (and drop it with
//!   its key).
//! - `RESTRICT` and `NO ACTION` (the same in InnoDB, and the default) are
//!   no action at all.
//! - Defaults: MariaDB writes a string default quoted and `NULL` for "no
//!   default"; MySQL 8 writes string defaults bare, so they are quoted
//!   here unless `EXTRA` says the default is an expression. Expressions
//!   read as the server spells them (`current_timestamp()` on MariaDB).
//! - An empty comment is no comment.
//!
//! An index's type `FULLTEXT` or `SPATIAL` is [`Index::using`]; a
//! column's `ON UPDATE` expression is [`Column::on_update`]; the table's
//! engine, default character set and collation are [`Table::options`]; a
//! column's collation is [`Column::collation`] when it is not the table's
//! (the collation names its character set).
//!
//! Not recovered: index prefix lengths, `DESC`, other table options
//! (`ROW_FORMAT`, `AUTO_INCREMENT=`), partitioning. `unsigned` is kept in
//! the type text.

use retort_core::schema::{
    CheckConstraint, Column, ForeignKey, Index, PrimaryKey, Schema, Table, TableName, TableOptions,
    UniqueConstraint,
};
use retort_core::types::ColumnType;

use super::types::mysql_type;
use super::{Assembly, InspectOptions, cell};
use crate::connection::{Connection, Row};
use crate::error::DbError;
use crate::quote::literal;
use crate::url::DialectName;

/// Reads the current database with seven statements (see the constants).
pub fn inspect_mysql_schema(
    conn: &mut dyn Connection,
    options: &InspectOptions,
) -> Result<Schema, DbError> {
    let mut run = |sql: &str| -> Result<(String, Vec<Row>), DbError> {
        Ok((sql.to_owned(), conn.query_strings(sql)?))
    };
    let version = run(VERSION)?;
    let mariadb = version
        .1
        .first()
        .and_then(|r| cell(r, 0))
        .is_some_and(|v| v.contains("MariaDB"));
    let tables = run(TABLES)?;
    let columns = run(COLUMNS)?;
    let indexes = run(INDEXES)?;
    let keys = run(FOREIGN_KEYS)?;
    let checks = run(if mariadb {
        CHECKS_MARIADB
    } else {
        CHECKS_MYSQL
    })?;

    let mut a = Assembly {
        tables: vec![],
        catalog: "information_schema",
    };
    let here = version
        .1
        .first()
        .and_then(|r| cell(r, 1))
        .unwrap_or_default()
        .to_owned();
    for row in &tables.1 {
        let name = a.required(row, 0, "TABLE_NAME", &tables.0)?;
        if options.includes(&name) {
            let mut t = Table::new(TableName::new(name));
            t.comment = cell(row, 1).filter(|c| !c.is_empty()).map(str::to_owned);
            t.options = TableOptions {
                engine: cell(row, 2).map(str::to_owned),
                collation: cell(row, 3).map(str::to_owned),
                charset: cell(row, 4).map(str::to_owned),
                partition_by: None,
            };
            a.tables.push(t);
        }
    }
    for row in &columns.1 {
        let table = a.required(row, 0, "TABLE_NAME", &columns.0)?;
        let name = a.required(row, 1, "COLUMN_NAME", &columns.0)?;
        let type_text = a.required(row, 2, "COLUMN_TYPE", &columns.0)?;
        let extra = cell(row, 5).unwrap_or_default().to_ascii_lowercase();
        let ty = mysql_type(&type_text);
        let default = default_sql(cell(row, 4), &ty, &extra, mariadb);
        let column = Column {
            name,
            ty,
            nullable: cell(row, 3) == Some("YES"),
            primary_key: false,
            server_default: default,
            unique: false,
            comment: cell(row, 6).filter(|c| !c.is_empty()).map(str::to_owned),
            autoincrement: extra.contains("auto_increment").then_some(true),
            on_update: on_update(cell(row, 5).unwrap_or_default()),
            collation: cell(row, 7).map(str::to_owned),
            ..Column::new(String::new(), ColumnType::Text)
        };
        if let Some(t) = a.table(&table) {
            // A column's collation is kept only where it is not the table's.
            let mut column = column;
            if column.collation == t.options.collation {
                column.collation = None;
            }
            t.columns.push(column);
        }
    }
    read_foreign_keys(&mut a, &keys, &here)?;
    read_indexes(&mut a, &indexes)?;
    for row in &checks.1 {
        let table = a.required(row, 0, "TABLE_NAME", &checks.0)?;
        let name = a.required(row, 1, "CONSTRAINT_NAME", &checks.0)?;
        let condition = a.required(row, 2, "CHECK_CLAUSE", &checks.0)?;
        if let Some(t) = a.table(&table) {
            t.checks.push(CheckConstraint {
                name: Some(name),
                condition,
            });
        }
    }
    a.finish_keys();
    Ok(Schema {
        tables: a.tables,
        enums: vec![],
        objects: vec![],
    })
}

/// The expression of `on update ...` in `EXTRA` (MariaDB:
/// `on update current_timestamp()`; MySQL 8: `DEFAULT_GENERATED on update
/// CURRENT_TIMESTAMP`), as the server spells it.
fn on_update(extra: &str) -> Option<String> {
    let at = extra.to_ascii_lowercase().find("on update ")?;
    let rest = extra[at + "on update ".len()..].trim();
    (!rest.is_empty()).then(|| rest.to_owned())
}

/// The default as SQL text (see the module's notes on MariaDB and MySQL).
fn default_sql(raw: Option<&str>, ty: &ColumnType, extra: &str, mariadb: bool) -> Option<String> {
    let raw = raw?;
    if mariadb {
        return (raw != "NULL").then(|| raw.to_owned());
    }
    let bare_string = !extra.contains("default_generated")
        && !matches!(
            ty,
            ColumnType::Integer
                | ColumnType::BigInt
                | ColumnType::SmallInt
                | ColumnType::Boolean
                | ColumnType::Float
                | ColumnType::Double
                | ColumnType::Numeric { .. }
        );
    Some(if bare_string {
        literal(DialectName::Mysql, raw)
    } else {
        raw.to_owned()
    })
}

/// Foreign keys, one row per column in key order.
fn read_foreign_keys(
    a: &mut Assembly,
    (sql, rows): &(String, Vec<Row>),
    here: &str,
) -> Result<(), DbError> {
    let mut last: Option<(String, String)> = None;
    for row in rows {
        let table = a.required(row, 0, "TABLE_NAME", sql)?;
        let name = a.required(row, 1, "CONSTRAINT_NAME", sql)?;
        let column = a.required(row, 2, "COLUMN_NAME", sql)?;
        let ref_schema = a.required(row, 3, "REFERENCED_TABLE_SCHEMA", sql)?;
        let ref_table = a.required(row, 4, "REFERENCED_TABLE_NAME", sql)?;
        let ref_column = a.required(row, 5, "REFERENCED_COLUMN_NAME", sql)?;
        let same = last.as_ref() == Some(&(table.clone(), name.clone()));
        last = Some((table.clone(), name.clone()));
        let action = |i| {
            cell(row, i)
                .filter(|r| !matches!(*r, "RESTRICT" | "NO ACTION"))
                .map(str::to_owned)
        };
        let (on_update, on_delete) = (action(6), action(7));
        let Some(t) = a.table(&table) else {
            continue;
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
                    schema: (ref_schema != here).then_some(ref_schema),
                    name: ref_table,
                },
                referent_columns: vec![ref_column],
                on_delete,
                on_update,
                ..ForeignKey::default()
            }),
        }
    }
    Ok(())
}

/// The primary key, unique constraints and indexes, one row per column.
fn read_indexes(a: &mut Assembly, (sql, rows): &(String, Vec<Row>)) -> Result<(), DbError> {
    let mut found: Vec<(String, Index)> = vec![];
    for row in rows {
        let table = a.required(row, 0, "TABLE_NAME", sql)?;
        let name = a.required(row, 1, "INDEX_NAME", sql)?;
        // A NULL column is an expression (MySQL 8 functional index).
        let column = a.required(row, 3, "COLUMN_NAME", sql)?;
        match found.last_mut() {
            Some((t, ix)) if *t == table && ix.name == name => ix.columns.push(column),
            _ => found.push((
                table,
                Index {
                    name,
                    columns: vec![column],
                    unique: cell(row, 2) == Some("0"),
                    where_clause: None,
                    orders: vec![],
                    using: cell(row, 4)
                        .filter(|t| matches!(*t, "FULLTEXT" | "SPATIAL"))
                        .map(str::to_owned),
                },
            )),
        }
    }
    for (table, ix) in found {
        let Some(t) = a.table(&table) else {
            continue;
        };
        if ix.name == "PRIMARY" {
            t.primary_key = Some(PrimaryKey {
                name: None,
                columns: ix.columns,
                on_conflict: None,
            });
        } else if ix.unique {
            t.uniques.push(UniqueConstraint {
                name: Some(ix.name),
                columns: ix.columns,
                on_conflict: None,
            });
        } else {
            t.indexes.push(ix);
        }
    }
    Ok(())
}

/// The server's version (MariaDB's says `MariaDB`) and the current
/// database's name.
const VERSION: &str = "SELECT VERSION(), DATABASE()";

/// Base tables (not views) with their comments and storage options: the
/// engine, the default collation and its character set.
const TABLES: &str = "SELECT t.TABLE_NAME, t.TABLE_COMMENT, t.ENGINE, t.TABLE_COLLATION, \
         c.CHARACTER_SET_NAME \
     FROM information_schema.TABLES t \
     LEFT JOIN information_schema.COLLATIONS c ON c.COLLATION_NAME = t.TABLE_COLLATION \
     WHERE t.TABLE_SCHEMA = DATABASE() AND t.TABLE_TYPE = 'BASE TABLE' ORDER BY t.TABLE_NAME";

/// Every column in order; `COLUMN_TYPE` is the full type (`varchar(20)`,
/// `enum('a','b')`, `int(11) unsigned`), `EXTRA` holds `auto_increment`
/// and, on MySQL 8, `DEFAULT_GENERATED` for an expression default.
const COLUMNS: &str = "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, \
         COLUMN_DEFAULT, EXTRA, COLUMN_COMMENT, COLLATION_NAME \
     FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() \
     ORDER BY TABLE_NAME, ORDINAL_POSITION";

/// Every index, the primary key (`PRIMARY`) and unique constraints
/// included, one row per column in order; `NON_UNIQUE` is `0` for a unique
/// one; `INDEX_TYPE` is `BTREE`, `FULLTEXT`, `SPATIAL` or `HASH`.
const INDEXES: &str = "SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, COLUMN_NAME, INDEX_TYPE \
     FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = DATABASE() \
     ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX";

/// Foreign keys, one row per column in key order, with the referenced
/// column and the actions (`UPDATE_RULE`, `DELETE_RULE`).
const FOREIGN_KEYS: &str = "SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, \
         k.REFERENCED_TABLE_SCHEMA, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, \
         r.UPDATE_RULE, r.DELETE_RULE \
     FROM information_schema.KEY_COLUMN_USAGE k \
     JOIN information_schema.REFERENTIAL_CONSTRAINTS r \
         ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME \
         AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME \
     WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL \
     ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION";

/// MariaDB's check constraints: names are per table, and the view says
/// which table.
const CHECKS_MARIADB: &str = "SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE \
     FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = DATABASE() \
     ORDER BY TABLE_NAME, CONSTRAINT_NAME";

/// MySQL 8's check constraints: names are per database, and the table
/// comes from `TABLE_CONSTRAINTS`.
const CHECKS_MYSQL: &str = "SELECT t.TABLE_NAME, c.CONSTRAINT_NAME, c.CHECK_CLAUSE \
     FROM information_schema.CHECK_CONSTRAINTS c \
     JOIN information_schema.TABLE_CONSTRAINTS t \
         ON t.CONSTRAINT_SCHEMA = c.CONSTRAINT_SCHEMA AND t.CONSTRAINT_NAME = c.CONSTRAINT_NAME \
         AND t.CONSTRAINT_TYPE = 'CHECK' \
     WHERE c.CONSTRAINT_SCHEMA = DATABASE() \
     ORDER BY t.TABLE_NAME, c.CONSTRAINT_NAME";
