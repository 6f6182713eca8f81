//! Writing operations back to the TOML shapes they are read from, so that
//! `parse_operations(to_toml(ops)) == ops` (except that a type no database's
//! list knows comes back as the `verbatim(...)` it is written as).

use toml::{Table, Value};

use crate::ops::{AlterColumn, Literal, Operation, Setting};
use crate::schema::{
    CheckConstraint, Column, Constraint, ForeignKey, Index, OnConflict, PrimaryKey,
    Table as SchemaTable, TableName, UniqueConstraint,
};
use crate::types::{ColumnType, names};

/// Writes each operation as its TOML table.
pub fn operations_to_toml(ops: &[Operation]) -> Vec<Table> {
    ops.iter().map(Operation::to_toml).collect()
}

/// A table under construction, keeping the key order of the docs.
struct Out(Table);

impl Out {
    fn new(op: &str) -> Self {
        let mut t = Table::new();
        t.insert("op".into(), op.into());
        Out(t)
    }

    fn set(&mut self, key: &str, value: impl Into<Value>) {
        self.0.insert(key.into(), value.into());
    }

    fn opt(&mut self, key: &str, value: &Option<String>) {
        if let Some(v) = value {
            self.set(key, v.as_str());
        }
    }

    fn flag(&mut self, key: &str, value: bool) {
        if value {
            self.set(key, true);
        }
    }

    fn on_conflict(&mut self, key: &str, value: Option<OnConflict>) {
        if let Some(c) = value {
            self.set(key, c.as_str().to_ascii_lowercase());
        }
    }

    fn names(&mut self, key: &str, names: &[String]) {
        self.set(key, strings(names));
    }

    fn table(&mut self, name: &TableName) {
        self.set("table", name.name.as_str());
        self.opt("schema", &name.schema);
    }

    fn setting(&mut self, key: &str, value: &Option<Setting>) {
        match value {
            Some(Setting::Set(v)) => self.set(key, v.as_str()),
            Some(Setting::Unset) => self.set(key, false),
            None => {}
        }
    }
}

fn strings(names: &[String]) -> Value {
    Value::Array(names.iter().map(|n| Value::from(n.as_str())).collect())
}

fn column(c: &Column) -> Value {
    let mut out = Out(Table::new());
    out.set("name", c.name.as_str());
    out.set("type", type_text(&c.ty));
    if c.nullable == c.primary_key {
        // Said only when not the default: NOT NULL on a plain column, or
        // NULL allowed in a key column (SQLite's nullable key).
        out.set("nullable", c.nullable);
    }
    out.flag("primary_key", c.primary_key);
    out.opt("server_default", &c.server_default);
    out.flag("unique", c.unique);
    out.opt("comment", &c.comment);
    if let Some(a) = c.autoincrement {
        out.set("autoincrement", a);
    }
    out.flag("sqlite_autoincrement", c.sqlite_autoincrement);
    out.opt("collation", &c.collation);
    if let Some(g) = &c.generated {
        let mut inner = Out(Table::new());
        inner.set("expression", g.expression.as_str());
        inner.flag("stored", g.stored);
        out.set("generated", Value::Table(inner.0));
    }
    out.on_conflict("not_null_on_conflict", c.not_null_on_conflict);
    out.opt("on_update", &c.on_update);
    Value::Table(out.0)
}

fn unique(out: &mut Out, u: &UniqueConstraint) {
    out.opt("name", &u.name);
    out.names("columns", &u.columns);
    out.on_conflict("on_conflict", u.on_conflict);
}

fn primary_key(out: &mut Out, pk: &PrimaryKey) {
    out.opt("name", &pk.name);
    out.names("columns", &pk.columns);
    out.on_conflict("on_conflict", pk.on_conflict);
}

fn check(out: &mut Out, c: &CheckConstraint) {
    out.opt("name", &c.name);
    out.set("condition", c.condition.as_str());
}

fn foreign_key(out: &mut Out, fk: &ForeignKey) {
    out.opt("name", &fk.name);
    out.names("columns", &fk.columns);
    out.set("referent_table", fk.referent_table.name.as_str());
    out.opt("referent_schema", &fk.referent_table.schema);
    out.names("referent_columns", &fk.referent_columns);
    out.opt("on_delete", &fk.on_delete);
    out.opt("on_update", &fk.on_update);
    out.opt("match", &fk.match_kind);
    out.flag("deferrable", fk.deferrable);
    out.flag("initially_deferred", fk.initially_deferred);
}

fn index(out: &mut Out, ix: &Index) {
    out.set("name", ix.name.as_str());
    if !ix.columns.is_empty() {
        out.names("columns", &ix.columns);
    }
    out.flag("unique", ix.unique);
    out.opt("where", &ix.where_clause);
    list(out, "orders", &ix.orders, |out, o| {
        out.opt("collation", &o.collation);
        out.flag("descending", o.descending);
        out.opt("opclass", &o.opclass);
    });
    out.opt("using", &ix.using);
}

fn list<T>(out: &mut Out, key: &str, items: &[T], write: impl Fn(&mut Out, &T)) {
    if items.is_empty() {
        return;
    }
    let values = items
        .iter()
        .map(|item| {
            let mut inner = Out(Table::new());
            write(&mut inner, item);
            Value::Table(inner.0)
        })
        .collect();
    out.set(key, Value::Array(values));
}

fn table_definition(out: &mut Out, t: &SchemaTable) {
    out.set(
        "columns",
        Value::Array(t.columns.iter().map(column).collect()),
    );
    match &t.primary_key {
        Some(pk) if pk.name.is_none() && pk.on_conflict.is_none() => {
            out.names("primary_key", &pk.columns)
        }
        Some(pk) => {
            let mut inner = Out(Table::new());
            primary_key(&mut inner, pk);
            out.set("primary_key", Value::Table(inner.0));
        }
        None => {}
    }
    list(out, "unique", &t.uniques, unique);
    list(out, "foreign_keys", &t.foreign_keys, foreign_key);
    list(out, "checks", &t.checks, check);
    list(out, "indexes", &t.indexes, index);
    out.opt("comment", &t.comment);
    out.flag("without_rowid", t.without_rowid);
    out.flag("strict", t.strict);
    out.opt("engine", &t.options.engine);
    out.opt("charset", &t.options.charset);
    out.opt("collation", &t.options.collation);
    out.opt("partition_by", &t.options.partition_by);
}

fn alter_column(out: &mut Out, a: &AlterColumn) {
    out.table(&a.table);
    out.set("column", a.column.as_str());
    out.opt("new_name", &a.new_name);
    if let Some(ty) = &a.ty {
        out.set("type", type_text(ty));
    }
    if let Some(n) = a.nullable {
        out.set("nullable", n);
    }
    out.setting("server_default", &a.server_default);
    out.setting("comment", &a.comment);
    if let Some(ty) = &a.existing_type {
        out.set("existing_type", type_text(ty));
    }
    if let Some(n) = a.existing_nullable {
        out.set("existing_nullable", n);
    }
    out.setting("existing_server_default", &a.existing_server_default);
    out.setting("existing_comment", &a.existing_comment);
    if let Some(n) = a.existing_autoincrement {
        out.set("existing_autoincrement", n);
    }
    out.setting("on_update", &a.on_update);
    out.setting("existing_on_update", &a.existing_on_update);
}

/// A type as a revision file holds it: a database's own type that no
/// supported database's list knows (`citext`, a domain, read from a live
/// database by autogenerate) is marked `verbatim(...)`, so that the file
/// loads back ([`names::check_known`]) and passes it through unchanged.
/// So is a database's spelling that would read back as a portable type
/// rendered differently (MySQL's `timestamp` is not the portable
/// `timestamp`, which is `datetime` there): the type is recreated as
/// spelled.
fn type_text(ty: &ColumnType) -> String {
    match ty {
        // No declared type (SQLite): `type = ""`.
        ColumnType::Other(text) if text.is_empty() => String::new(),
        ColumnType::Other(text)
            if names::check_known(ty).is_err() || ColumnType::parse(text).as_ref() != Ok(ty) =>
        {
            format!("verbatim({text})")
        }
        _ => ty.to_string(),
    }
}

fn literal(l: &Literal) -> Value {
    match l {
        Literal::Text(s) => Value::from(s.as_str()),
        Literal::Integer(i) => Value::Integer(*i),
        Literal::Float(x) => Value::Float(*x),
        Literal::Boolean(b) => Value::Boolean(*b),
        Literal::DateTime(d) => Value::Datetime(*d),
    }
}

impl Operation {
    /// The operation as the TOML table a revision file holds
    /// (`{ op = "add_column", table = "user", column = {...} }`).
    pub fn to_toml(&self) -> Table {
        let mut out = Out::new(self.name());
        match self {
            Operation::CreateTable(t) => {
                out.table(&t.name);
                table_definition(&mut out, t);
            }
            Operation::DropTable { table, definition } => {
                out.table(table);
                if let Some(t) = definition {
                    table_definition(&mut out, t);
                }
            }
            Operation::RenameTable { table, new_name } => {
                out.table(table);
                out.set("new_name", new_name.as_str());
            }
            Operation::AddColumn { table, column: c } => {
                out.table(table);
                out.set("column", column(c));
            }
            Operation::DropColumn {
                table,
                column: name,
                definition,
            } => {
                out.table(table);
                match definition {
                    Some(c) => out.set("column", column(c)),
                    None => out.set("column", name.as_str()),
                }
            }
            Operation::AlterColumn(a) => alter_column(&mut out, a),
            Operation::CreateIndex {
                table,
                index: ix,
                concurrently,
            } => {
                out.table(table);
                index(&mut out, ix);
                out.flag("concurrently", *concurrently);
            }
            Operation::DropIndex {
                table,
                name,
                definition,
                concurrently,
            } => {
                out.table(table);
                match definition {
                    Some(ix) => index(&mut out, ix),
                    None => out.set("name", name.as_str()),
                }
                out.flag("concurrently", *concurrently);
            }
            Operation::CreateUniqueConstraint { table, constraint } => {
                out.table(table);
                unique(&mut out, constraint);
            }
            Operation::CreateForeignKey {
                table,
                foreign_key: fk,
            } => {
                out.table(table);
                foreign_key(&mut out, fk);
            }
            Operation::CreateCheckConstraint { table, check: c } => {
                out.table(table);
                check(&mut out, c);
            }
            Operation::CreatePrimaryKey {
                table,
                primary_key: pk,
            } => {
                out.table(table);
                primary_key(&mut out, pk);
            }
            Operation::DropConstraint {
                table,
                name,
                kind,
                definition,
            } => {
                out.table(table);
                out.set("name", name.as_str());
                out.set("kind", kind.as_str());
                let mut def = Out(Table::new());
                match definition {
                    Some(Constraint::Unique(u)) => unique(&mut def, u),
                    Some(Constraint::PrimaryKey(pk)) => primary_key(&mut def, pk),
                    Some(Constraint::Check(c)) => check(&mut def, c),
                    Some(Constraint::ForeignKey(fk)) => foreign_key(&mut def, fk),
                    None => {}
                }
                def.0.remove("name");
                out.0.extend(def.0);
            }
            Operation::CreateTableComment {
                table,
                comment,
                existing_comment,
            } => {
                out.table(table);
                out.set("comment", comment.as_str());
                out.opt("existing_comment", existing_comment);
            }
            Operation::DropTableComment {
                table,
                existing_comment,
            } => {
                out.table(table);
                out.opt("existing_comment", existing_comment);
            }
            Operation::AlterTableOptions {
                table,
                options,
                existing,
            } => {
                out.table(table);
                out.opt("engine", &options.engine);
                out.opt("charset", &options.charset);
                out.opt("collation", &options.collation);
                out.opt("existing_engine", &existing.engine);
                out.opt("existing_charset", &existing.charset);
                out.opt("existing_collation", &existing.collation);
            }
            Operation::Execute(e) => {
                out.opt("sql", &e.sql);
                out.opt("sqlite", &e.sqlite);
                out.opt("postgresql", &e.postgresql);
                out.opt("mysql", &e.mysql);
            }
            Operation::BulkInsert { table, rows } => {
                out.table(table);
                let rows = rows
                    .iter()
                    .map(|row| {
                        Value::Table(row.iter().map(|(k, v)| (k.clone(), literal(v))).collect())
                    })
                    .collect();
                out.set("rows", Value::Array(rows));
            }
            Operation::BatchAlterTable {
                table,
                recreate,
                ops,
            } => {
                out.table(table);
                out.set("recreate", recreate.as_str());
                let nested = ops
                    .iter()
                    .map(|op| {
                        let mut t = op.to_toml();
                        // Nested operations inherit the batch's table.
                        t.remove("table");
                        t.remove("schema");
                        Value::Table(t)
                    })
                    .collect();
                out.set("ops", Value::Array(nested));
            }
            Operation::CreateEnum { name, values } => {
                out.set("name", name.name.as_str());
                out.opt("schema", &name.schema);
                out.names("values", values);
            }
            Operation::DropEnum { name, values } => {
                out.set("name", name.name.as_str());
                out.opt("schema", &name.schema);
                if let Some(v) = values {
                    out.names("values", v);
                }
            }
            Operation::AddEnumValue {
                name,
                value,
                before,
                after,
            }
            | Operation::DropEnumValue {
                name,
                value,
                before,
                after,
            } => {
                out.set("name", name.name.as_str());
                out.opt("schema", &name.schema);
                out.set("value", value.as_str());
                out.opt("before", before);
                out.opt("after", after);
            }
            Operation::CreateObject(o) => {
                super::objects::write_id(&mut out.0, &o.id);
                out.set("definition", o.definition.as_str());
            }
            Operation::DropObject { id, definition } => {
                super::objects::write_id(&mut out.0, id);
                out.opt("definition", definition);
            }
            Operation::ReplaceObject {
                object,
                old_definition,
            } => {
                super::objects::write_id(&mut out.0, &object.id);
                out.set("definition", object.definition.as_str());
                out.opt("old_definition", old_definition);
            }
        }
        out.0
    }
}
