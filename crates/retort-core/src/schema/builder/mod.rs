//! The target schema declared in Rust: [`SchemaBuilder`] gives the same
//! [`Schema`] that the models reader ([`crate::models::read_models`]) gives
//! for the equivalent SQL DDL, so autogenerate compares it the same way.
//!
//! ```
//! use retort_core::schema::SchemaBuilder;
//! use retort_core::types::ColumnType;
//!
//! let schema = SchemaBuilder::new()
//!     .enum_type("mood", ["sad", "ok"])
//!     .table("org", |t| {
//!         t.column("id", ColumnType::Integer, |c| c.primary_key().autoincrement())
//!     })
//!     .table("user", |t| {
//!         t.column("id", ColumnType::Integer, |c| c.primary_key().autoincrement())
//!             .column("email", "varchar(255)", |c| c.not_null().unique())
//!             .column("age", ColumnType::Integer, |c| c.default_sql("0"))
//!             .column("mood", "mood", |c| c.comment("how they feel"))
//!             .column("org_id", ColumnType::Integer, |c| c)
//!             .index("ix_user_age", ["age"])
//!             .foreign_key(["org_id"], "org", ["id"], |fk| fk.on_delete("CASCADE"))
//!             .check_named("ck_user_age", "age >= 0")
//!             .comment("people")
//!     })
//!     .build_for("postgresql")?;
//! assert_eq!(schema.tables.len(), 2);
//! # Ok::<(), retort_core::schema::BuildError>(())
//! ```
//!
//! What each call stands for, in SQL terms (the reader's representation):
//! - [`ColumnBuilder::primary_key`] is a column-level `PRIMARY KEY`: the
//!   column is marked `primary_key` and NOT NULL. [`TableBuilder::primary_key`]
//!   is `PRIMARY KEY (a, b)`; a table-level key is kept in
//!   [`Table::primary_key`] only when it is named or composite, as the
//!   reader keeps it.
//! - [`ColumnBuilder::unique`] is a column-level `UNIQUE` ([`Column::unique`]);
//!   [`TableBuilder::unique`] and [`TableBuilder::unique_named`] are
//!   `UNIQUE (...)` constraints ([`Table::uniques`]).
//! - [`ColumnBuilder::references`] is a column-level `REFERENCES`; it comes
//!   before the table-level [`TableBuilder::foreign_key`]s, as column
//!   options come before table constraints in `CREATE TABLE`.
//! - [`ColumnBuilder::autoincrement`] is `SERIAL` / `AUTO_INCREMENT` /
//!   `AUTOINCREMENT` / `GENERATED ... AS IDENTITY`. Without it a lone
//!   integer primary key does not auto-increment on PostgreSQL and MySQL
//!   (`Some(false)`, as `id INTEGER PRIMARY KEY` reads there), while on
//!   SQLite it is the rowid either way (`None`); [`SchemaBuilder::build`]
//!   settles it as PostgreSQL and MySQL do, [`SchemaBuilder::build_for`]
//!   as the named dialect does.
//! - Defaults, check conditions and partial-index conditions are SQL
//!   expressions. They are parsed (with the dialect's parser for
//!   [`SchemaBuilder::build_for`]) and written back the way the reader
//!   writes them, so `age>0` and `age > 0` give the same schema; text that
//!   is not one expression is an error.
//! - A column typed with the name of a declared enum type (`"mood"`, or
//!   `"schema.mood"`) gets the type's values, as the reader resolves it.
//!
//! [`SchemaBuilder::build`] checks the whole schema and reports every
//! problem at once ([`BuildError`]): tables or columns declared twice, keys,
//! indexes and foreign keys naming unknown columns, bad types, expressions
//! and foreign key actions, enum types declared twice or without values.

use std::collections::HashSet;
use std::fmt;

use sqlparser::dialect::{
    Dialect as SqlDialect, GenericDialect, MySqlDialect, PostgreSqlDialect, SQLiteDialect,
};
use sqlparser::parser::Parser;
use sqlparser::tokenizer::Token;

use super::{
    CheckConstraint, Column, EnumType, ForeignKey, Index, PrimaryKey, Schema, Table, TableName,
    UniqueConstraint,
};
use crate::types::{ColumnType, TypeError};

/// A table name given to the builder: a plain name (`"user"`, never split
/// at dots) or a [`TableName`] (`TableName::in_schema("auth", "user")`).
pub trait IntoTableName {
    /// The table name.
    fn into_table_name(self) -> TableName;
}

impl IntoTableName for TableName {
    fn into_table_name(self) -> TableName {
        self
    }
}

impl IntoTableName for &TableName {
    fn into_table_name(self) -> TableName {
        self.clone()
    }
}

impl IntoTableName for &str {
    fn into_table_name(self) -> TableName {
        TableName::new(self)
    }
}

impl IntoTableName for String {
    fn into_table_name(self) -> TableName {
        TableName::new(self)
    }
}

impl IntoTableName for &String {
    fn into_table_name(self) -> TableName {
        TableName::new(self.as_str())
    }
}

/// A column type given to the builder: a [`ColumnType`], or its text as
/// in revision files (`"varchar(255)"`, `"numeric(10, 2)"`), read by
/// [`ColumnType::parse`]; a bad text is reported by `build`.
pub trait IntoColumnType {
    /// The type, or why the text is not one.
    fn into_column_type(self) -> Result<ColumnType, TypeError>;
}

impl IntoColumnType for ColumnType {
    fn into_column_type(self) -> Result<ColumnType, TypeError> {
        Ok(self)
    }
}

impl IntoColumnType for &str {
    fn into_column_type(self) -> Result<ColumnType, TypeError> {
        ColumnType::parse(self)
    }
}

impl IntoColumnType for String {
    fn into_column_type(self) -> Result<ColumnType, TypeError> {
        ColumnType::parse(&self)
    }
}

impl IntoColumnType for &String {
    fn into_column_type(self) -> Result<ColumnType, TypeError> {
        ColumnType::parse(self)
    }
}

/// What is wrong with a schema declared in Rust: every problem found, one
/// line each, naming the table and column.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildError {
    /// The problems, in declaration order.
    pub problems: Vec<String>,
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problems.as_slice() {
            [one] => write!(f, "the schema declared in Rust: {one}"),
            many => {
                write!(
                    f,
                    "the schema declared in Rust has {} problems:",
                    many.len()
                )?;
                for p in many {
                    write!(f, "\n  - {p}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for BuildError {}

/// Declares a target schema in code (see the [module docs](self)).
#[derive(Debug, Default)]
#[must_use = "a builder does nothing until `build` is called"]
pub struct SchemaBuilder {
    tables: Vec<TableBuilder>,
    enums: Vec<EnumType>,
}

impl SchemaBuilder {
    /// An empty schema.
    pub fn new() -> Self {
        SchemaBuilder::default()
    }

    /// Adds the table `name`, declared by `declare`.
    pub fn table(
        mut self,
        name: impl IntoTableName,
        declare: impl FnOnce(TableBuilder) -> TableBuilder,
    ) -> Self {
        self.tables
            .push(declare(TableBuilder::new(name.into_table_name())));
        self
    }

    /// Adds the enum type `name` (PostgreSQL's `CREATE TYPE name AS ENUM`)
    /// with its values in order.
    pub fn enum_type<V: Into<String>>(
        self,
        name: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        self.enum_in(None, name.into(), values)
    }

    /// Adds the enum type `schema.name`.
    pub fn enum_type_in_schema<V: Into<String>>(
        self,
        schema: impl Into<String>,
        name: impl Into<String>,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        self.enum_in(Some(schema.into()), name.into(), values)
    }

    fn enum_in<V: Into<String>>(
        mut self,
        schema: Option<String>,
        name: String,
        values: impl IntoIterator<Item = V>,
    ) -> Self {
        self.enums.push(EnumType {
            schema,
            name,
            values: values.into_iter().map(Into::into).collect(),
        });
        self
    }

    /// Checks the declarations and gives the schema, dialect-neutral:
    /// expressions are parsed with a generic SQL parser, and a lone integer
    /// primary key auto-increments only when its column says so.
    pub fn build(self) -> Result<Schema, BuildError> {
        self.finish(Target::Neutral)
    }

    /// Checks the declarations and gives the schema exactly as the models
    /// reader gives the equivalent SQL for `dialect` (`sqlite`,
    /// `postgresql`/`postgres`, `mysql`/`mariadb`): expressions parsed with
    /// that dialect's parser, auto-increment settled as it settles it.
    pub fn build_for(self, dialect: &str) -> Result<Schema, BuildError> {
        let target = match dialect {
            "sqlite" => Target::Sqlite,
            "postgresql" | "postgres" => Target::Postgres,
            "mysql" | "mariadb" => Target::MySql,
            other => {
                return Err(BuildError {
                    problems: vec![format!(
                        "unknown dialect {other:?}; the dialects are sqlite, postgresql and mysql"
                    )],
                });
            }
        };
        self.finish(target)
    }

    fn finish(self, target: Target) -> Result<Schema, BuildError> {
        let mut problems = Vec::new();
        let enums = check_enums(self.enums, &mut problems);
        let mut seen = HashSet::new();
        for t in &self.tables {
            if !seen.insert(&t.name) {
                problems.push(format!("the table {} is declared twice", t.name));
            }
        }
        // Foreign keys may refer to any declared table, before or after.
        let declared: Vec<(TableName, Vec<String>)> = self
            .tables
            .iter()
            .map(|t| {
                (
                    t.name.clone(),
                    t.columns.iter().map(|c| c.name.clone()).collect(),
                )
            })
            .collect();
        let mut tables = Vec::with_capacity(self.tables.len());
        for t in self.tables {
            let mut p = Problems {
                out: &mut problems,
                table: t.name.clone(),
            };
            tables.push(t.finish(target, &enums, &declared, &mut p));
        }
        if problems.is_empty() {
            Ok(Schema {
                tables,
                enums,
                objects: vec![],
            })
        } else {
            Err(BuildError { problems })
        }
    }
}

/// Which dialect's reading the schema mirrors.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Neutral,
    Sqlite,
    Postgres,
    MySql,
}

impl Target {
    fn parser(self) -> Box<dyn SqlDialect> {
        match self {
            Target::Neutral => Box::new(GenericDialect {}),
            Target::Sqlite => Box::new(SQLiteDialect {}),
            Target::Postgres => Box::new(PostgreSqlDialect {}),
            Target::MySql => Box::new(MySqlDialect {}),
        }
    }
}

/// The problems of one table, each prefixed with its name.
struct Problems<'a> {
    out: &'a mut Vec<String>,
    table: TableName,
}

impl Problems<'_> {
    fn add(&mut self, message: impl fmt::Display) {
        self.out.push(format!("table {}: {message}", self.table));
    }
}

fn check_enums(enums: Vec<EnumType>, problems: &mut Vec<String>) -> Vec<EnumType> {
    let mut seen = HashSet::new();
    for e in &enums {
        let name = qualified(e.schema.as_deref(), &e.name);
        if e.name.is_empty() {
            problems.push("an enum type has an empty name".to_owned());
        }
        if !seen.insert((e.schema.clone(), e.name.clone())) {
            problems.push(format!("the enum type {name} is declared twice"));
        }
        if e.values.is_empty() {
            problems.push(format!(
                "the enum type {name} has no values; an enum needs at least one"
            ));
        }
        let mut values = HashSet::new();
        for v in &e.values {
            if !values.insert(v) {
                problems.push(format!("the enum type {name} has the value {v:?} twice"));
            }
        }
    }
    enums
}

fn qualified(schema: Option<&str>, name: &str) -> String {
    match schema {
        Some(s) => format!("{s}.{name}"),
        None => name.to_owned(),
    }
}

/// An SQL expression as the models reader writes it back: parsed by the
/// dialect's parser and printed by sqlparser.
fn expression(target: Target, sql: &str) -> Result<String, String> {
    let dialect = target.parser();
    let mut parser = Parser::new(dialect.as_ref())
        .try_with_sql(sql)
        .map_err(|e| e.to_string())?;
    let expr = parser.parse_expr().map_err(|e| e.to_string())?;
    let next = parser.peek_token();
    if next.token != Token::EOF {
        return Err(format!(
            "unexpected {} after the expression `{expr}`",
            next.token
        ));
    }
    Ok(expr.to_string())
}

/// A foreign key action as the reader writes it (`CASCADE`, `SET NULL`).
fn action(text: &str) -> Result<String, String> {
    let words = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let upper = words.to_ascii_uppercase();
    match upper.as_str() {
        "CASCADE" | "SET NULL" | "SET DEFAULT" | "RESTRICT" | "NO ACTION" => Ok(upper),
        _ => Err(format!(
            "the foreign key action {text:?}; the actions are CASCADE, SET NULL, SET DEFAULT, RESTRICT and NO ACTION"
        )),
    }
}

fn strings<S: Into<String>>(items: impl IntoIterator<Item = S>) -> Vec<String> {
    items.into_iter().map(Into::into).collect()
}

mod column;
mod table;

pub use column::{ColumnBuilder, ForeignKeyBuilder, IndexBuilder};
pub use table::TableBuilder;
