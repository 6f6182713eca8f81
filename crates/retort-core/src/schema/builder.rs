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
            Ok(Schema { tables, enums })
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

/// Declares one table: its columns, keys, constraints, indexes and comment.
#[derive(Debug)]
#[must_use = "a table builder must be returned from the closure"]
pub struct TableBuilder {
    name: TableName,
    columns: Vec<ColumnBuilder>,
    primary_keys: Vec<(Option<String>, Vec<String>)>,
    uniques: Vec<UniqueConstraint>,
    indexes: Vec<Index>,
    foreign_keys: Vec<ForeignKey>,
    checks: Vec<CheckConstraint>,
    comment: Option<String>,
}

impl TableBuilder {
    fn new(name: TableName) -> Self {
        TableBuilder {
            name,
            columns: Vec::new(),
            primary_keys: Vec::new(),
            uniques: Vec::new(),
            indexes: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            comment: None,
        }
    }

    /// Adds the column `name` of type `ty` (a [`ColumnType`] or its text),
    /// nullable unless `declare` says otherwise.
    pub fn column(
        mut self,
        name: impl Into<String>,
        ty: impl IntoColumnType,
        declare: impl FnOnce(ColumnBuilder) -> ColumnBuilder,
    ) -> Self {
        let column = ColumnBuilder::new(name.into(), ty.into_column_type());
        self.columns.push(declare(column));
        self
    }

    /// `PRIMARY KEY (columns)`: the table's key, unnamed.
    pub fn primary_key<S: Into<String>>(mut self, columns: impl IntoIterator<Item = S>) -> Self {
        self.primary_keys.push((None, strings(columns)));
        self
    }

    /// `CONSTRAINT name PRIMARY KEY (columns)`.
    pub fn primary_key_named<S: Into<String>>(
        mut self,
        name: impl Into<String>,
        columns: impl IntoIterator<Item = S>,
    ) -> Self {
        self.primary_keys
            .push((Some(name.into()), strings(columns)));
        self
    }

    /// `UNIQUE (columns)`, unnamed.
    pub fn unique<S: Into<String>>(mut self, columns: impl IntoIterator<Item = S>) -> Self {
        self.uniques.push(UniqueConstraint {
            name: None,
            columns: strings(columns),
        });
        self
    }

    /// `CONSTRAINT name UNIQUE (columns)`.
    pub fn unique_named<S: Into<String>>(
        mut self,
        name: impl Into<String>,
        columns: impl IntoIterator<Item = S>,
    ) -> Self {
        self.uniques.push(UniqueConstraint {
            name: Some(name.into()),
            columns: strings(columns),
        });
        self
    }

    /// `CREATE INDEX name ON table (columns)`.
    pub fn index<S: Into<String>>(
        self,
        name: impl Into<String>,
        columns: impl IntoIterator<Item = S>,
    ) -> Self {
        self.index_with(name, columns, |ix| ix)
    }

    /// An index with options: `|ix| ix.unique().where_clause("deleted_at IS NULL")`.
    pub fn index_with<S: Into<String>>(
        mut self,
        name: impl Into<String>,
        columns: impl IntoIterator<Item = S>,
        declare: impl FnOnce(IndexBuilder) -> IndexBuilder,
    ) -> Self {
        let options = declare(IndexBuilder::default());
        self.indexes.push(Index {
            name: name.into(),
            columns: strings(columns),
            unique: options.unique,
            where_clause: options.where_clause,
        });
        self
    }

    /// `FOREIGN KEY (columns) REFERENCES table (referent_columns)`, with
    /// its name and actions from `declare` (`|fk| fk` for none).
    pub fn foreign_key<S: Into<String>, R: Into<String>>(
        mut self,
        columns: impl IntoIterator<Item = S>,
        table: impl IntoTableName,
        referent_columns: impl IntoIterator<Item = R>,
        declare: impl FnOnce(ForeignKeyBuilder) -> ForeignKeyBuilder,
    ) -> Self {
        let options = declare(ForeignKeyBuilder::default());
        self.foreign_keys.push(options.into_key(
            strings(columns),
            table,
            strings(referent_columns),
        ));
        self
    }

    /// `CHECK (condition)`, unnamed.
    pub fn check(mut self, condition: impl Into<String>) -> Self {
        self.checks.push(CheckConstraint {
            name: None,
            condition: condition.into(),
        });
        self
    }

    /// `CONSTRAINT name CHECK (condition)`.
    pub fn check_named(mut self, name: impl Into<String>, condition: impl Into<String>) -> Self {
        self.checks.push(CheckConstraint {
            name: Some(name.into()),
            condition: condition.into(),
        });
        self
    }

    /// The table comment.
    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.comment = Some(text.into());
        self
    }

    /// The checked table, in the reader's representation.
    fn finish(
        self,
        target: Target,
        enums: &[EnumType],
        declared: &[(TableName, Vec<String>)],
        p: &mut Problems<'_>,
    ) -> Table {
        let mut table = Table::new(self.name.clone());
        table.comment = self.comment;
        if self.name.name.is_empty() {
            p.add("the table name is empty");
        }
        if self.columns.is_empty() {
            p.add("no columns; declare at least one with .column(...)");
        }
        let mut primary: Vec<(Option<String>, Vec<String>)> = Vec::new();
        let mut explicit_autoincrement = Vec::new();
        let mut column_keys = Vec::new();
        for c in self.columns {
            if table.find_column(&c.name).is_some() {
                p.add(format_args!("the column {} is declared twice", c.name));
                continue;
            }
            if c.name.is_empty() {
                p.add("a column has an empty name");
            }
            if c.primary_key {
                primary.push((None, vec![c.name.clone()]));
            }
            if c.autoincrement {
                explicit_autoincrement.push(c.name.clone());
            }
            column_keys.extend(c.references);
            let ty = match c.ty {
                Ok(ty) => resolve_enum(ty, enums, &c.name, p),
                Err(e) => {
                    p.add(format_args!("column {}: {e}", c.name));
                    ColumnType::Other(e.text)
                }
            };
            let mut column = Column::new(c.name.clone(), ty);
            column.nullable = !c.not_null;
            column.unique = c.unique;
            column.comment = c.comment;
            column.server_default = c.default.map(|sql| {
                expression(target, &sql).unwrap_or_else(|e| {
                    p.add(format_args!(
                        "column {}: the default `{sql}` is not an SQL expression: {e}",
                        c.name
                    ));
                    sql
                })
            });
            table.columns.push(column);
        }
        let known = |table: &Table, what: &str, columns: &[String], p: &mut Problems<'_>| {
            if columns.is_empty() {
                p.add(format_args!("{what} has no columns"));
            }
            for c in columns {
                if table.find_column(c).is_none() {
                    p.add(format_args!(
                        "{what} names the column {c}, which the table does not have"
                    ));
                }
            }
        };
        primary.extend(self.primary_keys);
        for (name, columns) in &primary {
            let what = match name {
                Some(n) => format!("the primary key {n}"),
                None => "the primary key".to_owned(),
            };
            known(&table, &what, columns, p);
        }
        if primary.len() > 1 {
            p.add(format_args!(
                "{} primary keys are declared; a table has one: for a composite key use .primary_key([\"a\", \"b\"]) on the table",
                primary.len()
            ));
        }
        for u in self.uniques {
            let what = match &u.name {
                Some(n) => format!("the unique constraint {n}"),
                None => format!("the unique constraint on ({})", u.columns.join(", ")),
            };
            known(&table, &what, &u.columns, p);
            table.uniques.push(u);
        }
        for mut fk in column_keys.into_iter().chain(self.foreign_keys) {
            let what = format!(
                "the foreign key ({}) to {}",
                fk.columns.join(", "),
                fk.referent_table
            );
            known(&table, &what, &fk.columns, p);
            if fk.columns.len() != fk.referent_columns.len() {
                p.add(format_args!(
                    "{what} has {} columns but refers to {}",
                    fk.columns.len(),
                    fk.referent_columns.len()
                ));
            }
            let referent = if fk.referent_table == table.name {
                Some(table.columns.iter().map(|c| c.name.clone()).collect())
            } else {
                declared
                    .iter()
                    .find(|(n, _)| n == &fk.referent_table)
                    .map(|(_, cols)| cols.clone())
            };
            if let Some(columns) = referent {
                for c in &fk.referent_columns {
                    if !columns.contains(c) {
                        p.add(format_args!(
                            "{what} refers to the column {c}, which {} does not have",
                            fk.referent_table
                        ));
                    }
                }
            }
            fk.on_delete = fk.on_delete.map(|a| {
                action(&a).unwrap_or_else(|e| {
                    p.add(format_args!("{what}: ON DELETE: {e}"));
                    a
                })
            });
            fk.on_update = fk.on_update.map(|a| {
                action(&a).unwrap_or_else(|e| {
                    p.add(format_args!("{what}: ON UPDATE: {e}"));
                    a
                })
            });
            table.foreign_keys.push(fk);
        }
        for mut ck in self.checks {
            match expression(target, &ck.condition) {
                Ok(sql) => ck.condition = sql,
                Err(e) => p.add(format_args!(
                    "the check condition `{}` is not an SQL expression: {e}",
                    ck.condition
                )),
            }
            table.checks.push(ck);
        }
        for mut ix in self.indexes {
            let what = format!("the index {}", ix.name);
            if ix.name.is_empty() {
                p.add("an index has an empty name");
            }
            if table.indexes.iter().any(|other| other.name == ix.name) {
                p.add(format_args!("{what} is declared twice"));
            }
            known(&table, &what, &ix.columns, p);
            if let Some(condition) = &ix.where_clause {
                match expression(target, condition) {
                    Ok(sql) => ix.where_clause = Some(sql),
                    Err(e) => p.add(format_args!(
                        "{what}: the condition `{condition}` is not an SQL expression: {e}"
                    )),
                }
            }
            table.indexes.push(ix);
        }
        let (name, key) = primary.into_iter().next().unwrap_or_default();
        finish_keys(target, &mut table, name, key, &explicit_autoincrement);
        table
    }
}

/// Marks the key's columns, keeps a table-level key only when it is named
/// or composite, and settles auto-increment, as the models reader does.
fn finish_keys(
    target: Target,
    table: &mut Table,
    name: Option<String>,
    key: Vec<String>,
    explicit: &[String],
) {
    for column in &mut table.columns {
        let explicit = explicit.contains(&column.name);
        if key.contains(&column.name) {
            column.primary_key = true;
            column.nullable = false;
        }
        let lone_integer_key = key.len() == 1 && key[0] == column.name && column.ty.is_integer();
        column.autoincrement = match (lone_integer_key, explicit) {
            // SQLite's rowid alias auto-increments with or without the keyword.
            (true, _) if target == Target::Sqlite => None,
            (true, explicit) => Some(explicit),
            (false, true) => Some(true),
            (false, false) => None,
        };
    }
    if name.is_some() || key.len() > 1 {
        table.primary_key = Some(PrimaryKey { name, columns: key });
    }
}

/// A column typed with a declared enum type's name gets its values.
fn resolve_enum(
    ty: ColumnType,
    enums: &[EnumType],
    column: &str,
    p: &mut Problems<'_>,
) -> ColumnType {
    let find = |name: &str| {
        enums
            .iter()
            .find(|e| qualified(e.schema.as_deref(), &e.name) == name)
    };
    match ty {
        ColumnType::Other(text) => match find(&text) {
            Some(e) => ColumnType::Enum {
                name: Some(text),
                values: e.values.clone(),
            },
            None => ColumnType::Other(text),
        },
        ColumnType::Enum {
            name: Some(name),
            values,
        } => {
            if let Some(e) = find(&name)
                && e.values != values
            {
                p.add(format_args!(
                    "column {column}: its enum values {values:?} differ from those of the enum type {name}, {:?}",
                    e.values
                ));
            }
            ColumnType::Enum {
                name: Some(name),
                values,
            }
        }
        other => other,
    }
}

/// Declares one column (see [`TableBuilder::column`]).
#[derive(Debug)]
#[must_use = "a column builder must be returned from the closure"]
pub struct ColumnBuilder {
    name: String,
    ty: Result<ColumnType, TypeError>,
    not_null: bool,
    primary_key: bool,
    unique: bool,
    autoincrement: bool,
    default: Option<String>,
    comment: Option<String>,
    references: Vec<ForeignKey>,
}

impl ColumnBuilder {
    fn new(name: String, ty: Result<ColumnType, TypeError>) -> Self {
        ColumnBuilder {
            name,
            ty,
            not_null: false,
            primary_key: false,
            unique: false,
            autoincrement: false,
            default: None,
            comment: None,
            references: Vec::new(),
        }
    }

    /// `NOT NULL`.
    pub fn not_null(mut self) -> Self {
        self.not_null = true;
        self
    }

    /// `PRIMARY KEY` on the column (and so NOT NULL).
    pub fn primary_key(mut self) -> Self {
        self.primary_key = true;
        self
    }

    /// `UNIQUE` on the column.
    pub fn unique(mut self) -> Self {
        self.unique = true;
        self
    }

    /// Auto-increment (`SERIAL`, `AUTO_INCREMENT`, `AUTOINCREMENT`,
    /// `GENERATED ... AS IDENTITY`).
    pub fn autoincrement(mut self) -> Self {
        self.autoincrement = true;
        self
    }

    /// `DEFAULT sql`: the server default, an SQL expression (`"0"`,
    /// `"'draft'"`, `"CURRENT_TIMESTAMP"`).
    pub fn default_sql(mut self, sql: impl Into<String>) -> Self {
        self.default = Some(sql.into());
        self
    }

    /// The column comment.
    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.comment = Some(text.into());
        self
    }

    /// `REFERENCES table (column)` on the column, with its name and actions
    /// from `declare` (`|fk| fk` for none).
    pub fn references(
        mut self,
        table: impl IntoTableName,
        column: impl Into<String>,
        declare: impl FnOnce(ForeignKeyBuilder) -> ForeignKeyBuilder,
    ) -> Self {
        let options = declare(ForeignKeyBuilder::default());
        let key = options.into_key(vec![self.name.clone()], table, vec![column.into()]);
        self.references.push(key);
        self
    }
}

/// The options of an index (see [`TableBuilder::index_with`]).
#[derive(Debug, Default)]
#[must_use = "an index builder must be returned from the closure"]
pub struct IndexBuilder {
    unique: bool,
    where_clause: Option<String>,
}

impl IndexBuilder {
    /// `CREATE UNIQUE INDEX`.
    pub fn unique(mut self) -> Self {
        self.unique = true;
        self
    }

    /// A partial index: `WHERE condition` (PostgreSQL, SQLite).
    pub fn where_clause(mut self, condition: impl Into<String>) -> Self {
        self.where_clause = Some(condition.into());
        self
    }
}

/// The name and actions of a foreign key (see [`TableBuilder::foreign_key`]).
#[derive(Debug, Default)]
#[must_use = "a foreign key builder must be returned from the closure"]
pub struct ForeignKeyBuilder {
    name: Option<String>,
    on_delete: Option<String>,
    on_update: Option<String>,
}

impl ForeignKeyBuilder {
    /// `CONSTRAINT name`.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// `ON DELETE action`: `CASCADE`, `SET NULL`, `SET DEFAULT`,
    /// `RESTRICT` or `NO ACTION`, in any case.
    pub fn on_delete(mut self, action: impl Into<String>) -> Self {
        self.on_delete = Some(action.into());
        self
    }

    /// `ON UPDATE action`.
    pub fn on_update(mut self, action: impl Into<String>) -> Self {
        self.on_update = Some(action.into());
        self
    }

    fn into_key(
        self,
        columns: Vec<String>,
        table: impl IntoTableName,
        referent_columns: Vec<String>,
    ) -> ForeignKey {
        ForeignKey {
            name: self.name,
            columns,
            referent_table: table.into_table_name(),
            referent_columns,
            on_delete: self.on_delete,
            on_update: self.on_update,
        }
    }
}
