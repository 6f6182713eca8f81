//! Whole-database introspection: a schema built by rendering the core's
//! operations for each database reads back equal, retort's own tables are
//! left out, and the number of statements does not grow with the tables.
//!
//! What is normalised in the expected schema, because the database cannot
//! keep it (the inspector's module docs say why):
//! - every database: the key's columns are marked `primary_key`, and lists
//!   of constraints and indexes come in name order;
//! - PostgreSQL: the primary key is named (`<table>_pkey` when unnamed), a
//!   lone integer key says whether it increments (`Some(true)`/`Some(false)`);
//! - MySQL/MariaDB: the key has no name, unique indexes are unique
//!   constraints, enums have no type name, checks quote their identifiers
//!   with backquotes, same `autoincrement` rule as PostgreSQL;
//! - SQLite: no comments, types as SQLite renders them, a table-level key
//!   only when named or out of column order, no `autoincrement`.

use retort_core::Operation;
use retort_core::dialect::{Dialect, Sqlite};
use retort_core::schema::{
    CheckConstraint, Column, EnumType, ForeignKey, Index, PrimaryKey, Schema, Table, TableName,
    UniqueConstraint,
};
use retort_core::types::ColumnType;
use retort_db::inspect::{InspectOptions, inspect_schema};
use retort_db::{Connection, DatabaseUrl, DbError, DialectName};

use crate::support::{TestDb, on_every_database};

fn dialect(d: DialectName) -> &'static dyn Dialect {
    d.dialect()
}

fn col(name: &str, ty: &str) -> Column {
    Column::new(name, ColumnType::parse(ty).unwrap())
}

fn run(conn: &mut dyn Connection, op: Operation) {
    for s in dialect(conn.dialect()).render(&op).unwrap() {
        conn.execute(s.as_str()).unwrap_or_else(|e| panic!("{e}"));
    }
}

fn options() -> InspectOptions {
    InspectOptions::new("retort_version", "retort_log")
}

/// A check on `column`, quoted as `d` quotes identifiers.
fn check(d: DialectName, name: &str, column: &str, condition: &str) -> CheckConstraint {
    let quoted = match (d, column) {
        // PostgreSQL writes a plain lower-case name bare.
        (DialectName::Postgresql, "qty") => column.to_owned(),
        _ => dialect(d).quote_identifier(column),
    };
    CheckConstraint {
        name: Some(name.into()),
        condition: format!("{quoted} {condition}"),
    }
}

/// The reserved word `order`, mixed-case and spaced names, defaults,
/// comments, a named unique constraint, checks, indexes (partial where
/// the database has them) and, outside SQLite, an enum.
fn order_table(d: DialectName) -> Table {
    let mut t = Table::new(TableName::new("order"))
        .column(col("id", "integer").primary_key())
        .column(col("Select", "varchar(20)").not_null().default_sql("'x'"))
        .column(col("qty", "integer").not_null().default_sql("0"))
        .column(col("note", "text"))
        .column(col("Mixed Case", "integer"))
        .column(col("price", "numeric(10, 2)"))
        .column(col("done", "boolean"));
    match d {
        DialectName::Postgresql => t.columns.push(col("mood", "enum(mood, 'happy', 'sad')")),
        DialectName::Mysql => t.columns.push(col("mood", "enum('happy', 'sad')")),
        _ => {}
    }
    t.comment = Some("orders".into());
    t.columns[1].comment = Some("it's a column".into());
    t.uniques = vec![UniqueConstraint {
        name: Some("uq_price".into()),
        columns: vec!["price".into()],
        ..Default::default()
    }];
    t.checks = vec![
        check(d, "ck_qty", "qty", ">= 0"),
        check(d, "ck Mixed", "Mixed Case", "> 0"),
    ];
    t.indexes = vec![
        Index {
            name: "ix_order_Select".into(),
            columns: vec!["Select".into()],
            unique: false,
            where_clause: None,
            ..Default::default()
        },
        Index {
            name: "uq ix".into(),
            columns: vec!["qty".into(), "Select".into()],
            unique: true,
            where_clause: None,
            ..Default::default()
        },
    ];
    if d != DialectName::Mysql {
        t.indexes.push(Index {
            name: "ix_partial".into(),
            columns: vec!["qty".into()],
            unique: false,
            where_clause: Some("qty > 0".into()),
            ..Default::default()
        });
    }
    t
}

/// A composite, named primary key out of column order.
fn parent_table() -> Table {
    let mut t = Table::new(TableName::new("Parent"))
        .column(col("a", "integer").not_null())
        .column(col("b", "varchar(20)").not_null());
    t.primary_key = Some(PrimaryKey {
        name: Some("pk_parent".into()),
        columns: vec!["b".into(), "a".into()],
        ..Default::default()
    });
    t
}

/// A composite key and three foreign keys: composite, to a reserved word,
/// and to itself.
fn child_table() -> Table {
    let mut t = Table::new(TableName::new("child"))
        .column(col("x", "integer").primary_key())
        .column(col("y", "integer").primary_key())
        .column(col("pa", "integer"))
        .column(col("pb", "varchar(20)"))
        .column(col("order_id", "integer"))
        .column(col("px", "integer"))
        .column(col("py", "integer"));
    t.foreign_keys = vec![
        ForeignKey {
            name: Some("fk_child_parent".into()),
            columns: vec!["pb".into(), "pa".into()],
            referent_table: TableName::new("Parent"),
            referent_columns: vec!["b".into(), "a".into()],
            on_delete: Some("CASCADE".into()),
            on_update: Some("SET NULL".into()),
            ..Default::default()
        },
        ForeignKey {
            name: Some("fk_child_order".into()),
            columns: vec!["order_id".into()],
            referent_table: TableName::new("order"),
            referent_columns: vec!["id".into()],
            on_delete: Some("SET NULL".into()),
            on_update: None,
            ..Default::default()
        },
        ForeignKey {
            name: Some("fk_child_self".into()),
            columns: vec!["px".into(), "py".into()],
            referent_table: TableName::new("child"),
            referent_columns: vec!["x".into(), "y".into()],
            on_delete: None,
            on_update: None,
            ..Default::default()
        },
    ];
    t
}

/// `table` as database `d` keeps it (see the module docs).
fn expected(d: DialectName, table: &Table) -> Table {
    let mut t = table.clone();
    let key = t.primary_key_columns();
    let name = t.primary_key.as_ref().and_then(|p| p.name.clone());
    for c in &mut t.columns {
        c.primary_key = key.contains(&c.name);
        let lone_int = key.len() == 1 && c.primary_key && c.ty.is_integer();
        c.autoincrement = match d {
            DialectName::Sqlite => None,
            _ if lone_int => Some(c.autoincrement != Some(false)),
            _ => None,
        };
    }
    match d {
        DialectName::Postgresql => {
            t.primary_key = Some(PrimaryKey {
                name: Some(name.unwrap_or_else(|| format!("{}_pkey", t.name.name))),
                columns: key,
                ..Default::default()
            });
        }
        DialectName::Mysql => {
            t.primary_key = Some(PrimaryKey {
                name: None,
                columns: key,
                ..Default::default()
            });
            let (unique, plain): (Vec<Index>, Vec<Index>) =
                t.indexes.drain(..).partition(|ix| ix.unique);
            t.indexes = plain;
            // InnoDB's own index for each foreign key no index covers,
            // named after the key.
            for fk in &t.foreign_keys {
                let covered = t
                    .indexes
                    .iter()
                    .any(|ix| ix.columns.starts_with(&fk.columns))
                    || t.primary_key_columns().starts_with(&fk.columns);
                if !covered {
                    t.indexes.push(Index {
                        name: fk.name.clone().unwrap_or_else(|| fk.columns[0].clone()),
                        columns: fk.columns.clone(),
                        unique: false,
                        where_clause: None,
                        ..Default::default()
                    });
                }
            }
            t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
            t.uniques
                .extend(unique.into_iter().map(|ix| UniqueConstraint {
                    name: Some(ix.name),
                    columns: ix.columns,
                    ..Default::default()
                }));
            for c in &mut t.columns {
                if let ColumnType::Enum { name, .. } = &mut c.ty {
                    *name = None;
                }
            }
        }
        DialectName::Sqlite => {
            t.comment = None;
            for c in &mut t.columns {
                c.comment = None;
                let text = Sqlite.render_type(&c.ty).unwrap();
                c.ty = match ColumnType::parse(&text) {
                    Ok(ty) if Sqlite.render_type(&ty).unwrap() == text => ty,
                    _ => ColumnType::Other(text),
                };
            }
            let in_order: Vec<String> = t
                .columns
                .iter()
                .filter(|c| c.primary_key)
                .map(|c| c.name.clone())
                .collect();
            t.primary_key = (name.is_some() || in_order != key).then_some(PrimaryKey {
                name,
                columns: key,
                ..Default::default()
            });
        }
        other => panic!("no expected table for {other}"),
    }
    if d != DialectName::Sqlite {
        t.uniques.sort_by(|a, b| a.name.cmp(&b.name));
        t.indexes.sort_by(|a, b| a.name.cmp(&b.name));
        t.foreign_keys.sort_by(|a, b| a.name.cmp(&b.name));
        t.checks.sort_by(|a, b| a.name.cmp(&b.name));
    }
    t
}

/// Creates retort's own two tables, which inspection must leave out.
fn create_retort_tables(conn: &mut dyn Connection) {
    for name in ["retort_version", "retort_log"] {
        run(
            conn,
            Operation::CreateTable(
                Table::new(TableName::new(name))
                    .column(col("version_num", "varchar(32)").primary_key()),
            ),
        );
    }
}

fn whole_schema_reads_back_equal(db: &mut TestDb) {
    let d = db.dialect();
    let mut conn = db.connect();
    let conn = conn.as_mut();
    if d == DialectName::Postgresql {
        run(
            conn,
            Operation::CreateEnum {
                name: TableName::new("mood"),
                values: vec!["happy".into(), "sad".into()],
            },
        );
    }
    let tables = [order_table(d), parent_table(), child_table()];
    for t in &tables {
        // Indexes go through `create_index`, as a revision would write them.
        let mut bare = t.clone();
        bare.indexes.clear();
        run(conn, Operation::CreateTable(bare));
        for ix in &t.indexes {
            run(
                conn,
                Operation::CreateIndex {
                    table: t.name.clone(),
                    index: ix.clone(),
                    concurrently: false,
                },
            );
        }
    }
    create_retort_tables(conn);

    let schema = inspect_schema(conn, &options()).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<&str> = schema.tables.iter().map(|t| t.name.name.as_str()).collect();
    assert_eq!(
        names,
        ["Parent", "child", "order"],
        "tables in name order, retort's left out"
    );
    for t in &tables {
        let mut want = expected(d, t);
        // MySQL reports the storage options the server chose by default.
        if let (DialectName::Mysql, Some(got)) = (d, schema.table(&t.name)) {
            let o = &got.options;
            assert!(
                o.engine.is_some() && o.charset.is_some() && o.collation.is_some(),
                "{}: {o:?}",
                t.name
            );
            want.options = o.clone();
        }
        assert_eq!(schema.table(&t.name), Some(&want), "{}", t.name);
    }
    let enums = match d {
        DialectName::Postgresql => vec![EnumType {
            schema: None,
            name: "mood".into(),
            values: vec!["happy".into(), "sad".into()],
        }],
        _ => vec![],
    };
    assert_eq!(schema.enums, enums);
}

fn excluded_tables_are_left_out(db: &mut TestDb) {
    let mut conn = db.connect();
    let conn = conn.as_mut();
    create_retort_tables(conn);
    run(conn, Operation::CreateTable(parent_table()));
    assert_eq!(inspect_schema(conn, &options()).unwrap().tables.len(), 1);
    let none = inspect_schema(conn, &options().exclude("Parent")).unwrap();
    assert_eq!(none, Schema::default());
}

on_every_database!(whole_schema_reads_back_equal, excluded_tables_are_left_out);

/// A connection that counts the statements sent through it.
struct Counting<'c> {
    inner: &'c mut dyn Connection,
    sent: usize,
}

impl Connection for Counting<'_> {
    fn url(&self) -> &DatabaseUrl {
        self.inner.url()
    }

    fn execute(&mut self, sql: &str) -> Result<u64, DbError> {
        self.sent += 1;
        self.inner.execute(sql)
    }

    fn query_strings(&mut self, sql: &str) -> Result<Vec<retort_db::Row>, DbError> {
        self.sent += 1;
        self.inner.query_strings(sql)
    }

    fn lock(&mut self, name: &str, timeout: std::time::Duration) -> Result<(), DbError> {
        self.inner.lock(name, timeout)
    }

    fn unlock(&mut self, name: &str) -> Result<(), DbError> {
        self.inner.unlock(name)
    }
}

/// Statements sent to inspect a database of `n` tables like `child`
/// (keys, foreign keys, an index each), and the tables found.
fn statements_for(conn: &mut dyn Connection, first: usize, n: usize) -> (usize, usize) {
    for i in first..n {
        let mut t = child_table();
        t.name = TableName::new(format!("t{i:02}"));
        for fk in &mut t.foreign_keys {
            fk.name = fk.name.as_ref().map(|f| format!("{f}_{i}"));
            if fk.referent_table.name == "child" {
                fk.referent_table = t.name.clone();
            }
        }
        t.foreign_keys.retain(|fk| fk.referent_table == t.name);
        t.indexes = vec![Index {
            name: format!("ix_{i}"),
            columns: vec!["pa".into()],
            unique: false,
            where_clause: None,
            ..Default::default()
        }];
        run(conn, Operation::CreateTable(t));
    }
    let mut counting = Counting {
        inner: conn,
        sent: 0,
    };
    let schema = inspect_schema(&mut counting, &options()).unwrap();
    (counting.sent, schema.tables.len())
}

fn statement_count_is_fixed(db: TestDb) {
    let mut conn = db.connect();
    let (five, found) = statements_for(conn.as_mut(), 0, 5);
    assert_eq!(found, 5);
    let (fifty, found) = statements_for(conn.as_mut(), 5, 50);
    assert_eq!(found, 50);
    assert_eq!(five, fifty, "statements for 5 tables and for 50");
}

#[test]
fn statement_count_is_fixed_on_postgresql() {
    statement_count_is_fixed(TestDb::postgres(module_path!()));
}

#[test]
fn statement_count_is_fixed_on_mysql() {
    statement_count_is_fixed(TestDb::mysql(module_path!()));
}

#[test]
fn statement_count_is_fixed_on_sqlite() {
    statement_count_is_fixed(TestDb::sqlite());
}

/// Tables of another schema (PostgreSQL), database (MySQL) or attached
/// file (SQLite) are not read by default; PostgreSQL reads a named schema
/// when asked, its tables carrying the schema's name.
fn other_schemas_are_read_only_when_asked(db: &mut TestDb) {
    let d = db.dialect();
    let mut conn = db.connect();
    let conn = conn.as_mut();
    let other = db.other_schema(conn);
    let mut t = parent_table();
    t.name = TableName::in_schema(&other, "Parent");
    run(conn, Operation::CreateTable(t.clone()));
    assert_eq!(inspect_schema(conn, &options()).unwrap(), Schema::default());
    if d == DialectName::Postgresql {
        let schema = inspect_schema(conn, &options().schema(&other)).unwrap();
        assert_eq!(schema.tables, [expected(d, &t)]);
    }
}

on_every_database!(other_schemas_are_read_only_when_asked);

/// Identity columns increment; an enum from another schema keeps its
/// schema in the column's type but is not one of the schema's enums; a
/// `BIGSERIAL` key increments, a plain integer key does not.
#[test]
fn postgresql_identity_serial_and_foreign_enums() {
    let mut db = TestDb::postgres(module_path!());
    let mut conn = db.connect();
    let conn = conn.as_mut();
    let other = db.other_schema(conn);
    run(
        conn,
        Operation::CreateEnum {
            name: TableName::in_schema(&other, "color"),
            values: vec!["red".into(), "green".into()],
        },
    );
    conn.execute(&format!(
        "CREATE TABLE ident (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, \
         c \"{other}\".color DEFAULT 'red')"
    ))
    .unwrap();
    run(
        conn,
        Operation::CreateTable(
            Table::new(TableName::new("big")).column(col("id", "bigint").primary_key()),
        ),
    );
    let mut plain = col("id", "integer").primary_key();
    plain.autoincrement = Some(false);
    run(
        conn,
        Operation::CreateTable(Table::new(TableName::new("plain")).column(plain)),
    );
    let schema = inspect_schema(conn, &options()).unwrap();
    assert!(schema.enums.is_empty(), "{:?}", schema.enums);
    let ident = schema.table(&TableName::new("ident")).unwrap();
    assert_eq!(ident.columns[0].autoincrement, Some(true));
    assert_eq!(ident.columns[0].server_default, None);
    assert_eq!(
        ident.columns[1].ty,
        ColumnType::Enum {
            name: Some(format!("{other}.color")),
            values: vec!["red".into(), "green".into()],
        }
    );
    assert_eq!(
        ident.columns[1].server_default.as_deref(),
        Some("'red'"),
        "the cast to the column's own type is dropped"
    );
    let big = schema.table(&TableName::new("big")).unwrap();
    assert_eq!(big.columns[0].ty, ColumnType::BigInt);
    assert_eq!(big.columns[0].autoincrement, Some(true));
    assert_eq!(big.columns[0].server_default, None);
    let plain = schema.table(&TableName::new("plain")).unwrap();
    assert_eq!(plain.columns[0].autoincrement, Some(false));
}
