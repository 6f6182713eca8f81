//! `CREATE TABLE`: columns, keys, constraints and the table comment, into a
//! [`Table`]. A clause the model cannot hold (`WITHOUT ROWID`, `STRICT`,
//! `PARTITION BY`, a computed column, `CHARACTER SET`, ...) is an error at
//! its position, never dropped.

use sqlparser::ast::{
    ColumnDef, ColumnOption, CommentDef, CreateTable, CreateTableOptions, ForeignKeyConstraint,
    GeneratedAs, Ident, IndexColumn, Spanned, SqlOption, TableConstraint,
    helpers::stmt_create_table::CreateTableBuilder,
};
use sqlparser::tokenizer::Token;

use super::error::{self, invalid, unsupported};
use super::{Rules, name_span, span_at, types};
use crate::schema::{
    CheckConstraint, Column, ForeignKey, Index, PrimaryKey, Schema, Table, UniqueConstraint,
};

/// The primary key and the columns marked auto-increment, gathered while
/// reading the columns and constraints.
#[derive(Default)]
struct Keys {
    primary: Option<(Option<String>, Vec<String>)>,
    autoincrement: Vec<String>,
}

impl Keys {
    fn set_primary(
        &mut self,
        name: Option<String>,
        columns: Vec<String>,
        at: (u64, u64),
    ) -> error::Result<()> {
        if self.primary.is_some() {
            return Err(invalid(at, "a second primary key: a table has one"));
        }
        self.primary = Some((name, columns));
        Ok(())
    }
}

/// Adds the table `create` declares to `into`.
pub(crate) fn create_table(
    rules: &Rules,
    create: CreateTable,
    into: &mut Schema,
) -> error::Result<()> {
    let name = rules.table_name(&create.name)?;
    let at = span_at(name_span(&create.name));
    let comment = table_comment(&create, at)?;
    if into.table(&name).is_some() {
        return Err(invalid(at, format!("the table {name} is declared twice")));
    }
    if create.columns.is_empty() {
        return Err(invalid(at, format!("the table {name} has no columns")));
    }
    let mut table = Table::new(name);
    table.comment = comment;
    let mut keys = Keys::default();
    for def in &create.columns {
        column(rules, def, &mut table, &mut keys, into)?;
    }
    for c in &create.constraints {
        constraint(rules, c, &mut table, &mut keys, into, at)?;
    }
    finish_keys(rules, &mut table, keys, at)?;
    into.tables.push(table);
    Ok(())
}

/// The comment (MySQL's `COMMENT [=] '...'`), after checking that nothing
/// but columns, constraints, `IF NOT EXISTS` and the comment was written.
fn table_comment(create: &CreateTable, at: (u64, u64)) -> error::Result<Option<String>> {
    let mut rest = create.clone();
    rest.columns.clear();
    rest.constraints.clear();
    rest.if_not_exists = false;
    let mut comment = rest.comment.take();
    if let CreateTableOptions::Plain(options) = &mut rest.table_options {
        options.retain(|o| match o {
            SqlOption::Comment(c) => {
                comment = Some(c.clone());
                false
            }
            _ => true,
        });
        if options.is_empty() {
            rest.table_options = CreateTableOptions::None;
        }
    }
    if rest != CreateTableBuilder::new(create.name.clone()).build() {
        return Err(unsupported(
            at,
            format!("a clause of `{rest}`: models hold columns, keys, constraints and a comment"),
        ));
    }
    Ok(comment.map(|c| match c {
        CommentDef::WithEq(s) | CommentDef::WithoutEq(s) => s,
    }))
}

fn position(node: &impl Spanned, fallback: (u64, u64)) -> (u64, u64) {
    let at = span_at(node.span());
    if at.0 == 0 { fallback } else { at }
}

fn column(
    rules: &Rules,
    def: &ColumnDef,
    table: &mut Table,
    keys: &mut Keys,
    schema: &Schema,
) -> error::Result<()> {
    let at = span_at(def.name.span);
    let name = rules.ident(&def.name);
    if table.find_column(&name).is_some() {
        return Err(invalid(
            at,
            format!("the column {name} is declared twice in {}", table.name),
        ));
    }
    let (ty, serial) = types::column_type(rules, &def.data_type, &schema.enums, at)?;
    if serial {
        keys.autoincrement.push(name.clone());
    }
    let mut column = Column::new(name.clone(), ty);
    for opt in &def.options {
        let opt_at = position(opt, at);
        let constraint_name = opt.name.as_ref().map(|n| rules.ident(n));
        match &opt.option {
            ColumnOption::Null => column.nullable = true,
            ColumnOption::NotNull => column.nullable = false,
            // `DEFAULT NULL` is no default on the servers; SQLite keeps
            // the text (`PRAGMA table_info` reads `NULL`).
            ColumnOption::Default(sqlparser::ast::Expr::Value(v))
                if rules.kind != super::Kind::Sqlite && v.value == sqlparser::ast::Value::Null =>
            {
                column.server_default = None;
            }
            ColumnOption::Default(e) => column.server_default = Some(e.to_string()),
            ColumnOption::PrimaryKey(pk)
                if pk.index_name.is_none()
                    && pk.index_type.is_none()
                    && pk.columns.is_empty()
                    && pk.include.is_empty()
                    && pk.index_options.is_empty()
                    && pk.characteristics.is_none() =>
            {
                let name = constraint_name.or_else(|| pk.name.as_ref().map(|n| rules.ident(n)));
                keys.set_primary(name, vec![column.name.clone()], opt_at)?;
            }
            ColumnOption::Unique(u)
                if u.index_name.is_none()
                    && u.index_type.is_none()
                    && u.columns.is_empty()
                    && u.include.is_empty()
                    && u.index_options.is_empty()
                    && u.characteristics.is_none() =>
            {
                match constraint_name.or_else(|| u.name.as_ref().map(|n| rules.ident(n))) {
                    Some(n) => table.uniques.push(UniqueConstraint {
                        name: Some(n),
                        columns: vec![column.name.clone()],
                        on_conflict: None,
                    }),
                    None => column.unique = true,
                }
            }
            ColumnOption::ForeignKey(fk) => {
                let name = constraint_name.or_else(|| fk.name.as_ref().map(|n| rules.ident(n)));
                let fk = foreign_key(rules, fk, name, vec![column.name.clone()], schema, opt_at)?;
                table.foreign_keys.push(fk);
            }
            ColumnOption::Check(c) if c.enforced.is_none() && !c.no_inherit => {
                table.checks.push(CheckConstraint {
                    name: constraint_name.or_else(|| c.name.as_ref().map(|n| rules.ident(n))),
                    condition: c.expr.to_string(),
                });
            }
            ColumnOption::Comment(c) => column.comment = Some(c.clone()),
            ColumnOption::OnUpdate(e) => column.on_update = Some(e.to_string()),
            ColumnOption::DialectSpecific(tokens) if is_autoincrement(tokens) => {
                keys.autoincrement.push(name.clone());
            }
            ColumnOption::Generated {
                generated_as: GeneratedAs::Always | GeneratedAs::ByDefault,
                sequence_options,
                generation_expr: None,
                ..
            } if sequence_options.as_ref().is_none_or(Vec::is_empty) => {
                keys.autoincrement.push(name.clone());
            }
            other => {
                return Err(unsupported(
                    opt_at,
                    format!("the column option `{other}` of {name}"),
                ));
            }
        }
    }
    table.columns.push(column);
    Ok(())
}

/// `AUTO_INCREMENT` (MySQL) or `AUTOINCREMENT` (SQLite).
fn is_autoincrement(tokens: &[Token]) -> bool {
    matches!(tokens, [Token::Word(w)] if w.value.eq_ignore_ascii_case("AUTO_INCREMENT")
        || w.value.eq_ignore_ascii_case("AUTOINCREMENT"))
}

fn constraint(
    rules: &Rules,
    c: &TableConstraint,
    table: &mut Table,
    keys: &mut Keys,
    schema: &Schema,
    table_at: (u64, u64),
) -> error::Result<()> {
    let at = position(c, table_at);
    let ident = |n: &Option<Ident>| n.as_ref().map(|n| rules.ident(n));
    match c {
        TableConstraint::PrimaryKey(pk)
            if pk.index_type.is_none()
                && pk.include.is_empty()
                && pk.index_options.is_empty()
                && pk.characteristics.is_none() =>
        {
            let columns = index_columns(rules, &pk.columns, table, at)?;
            keys.set_primary(ident(&pk.name).or(ident(&pk.index_name)), columns, at)
        }
        TableConstraint::Unique(u)
            if u.index_type.is_none()
                && u.include.is_empty()
                && u.index_options.is_empty()
                && u.characteristics.is_none() =>
        {
            let columns = index_columns(rules, &u.columns, table, at)?;
            table.uniques.push(UniqueConstraint {
                name: ident(&u.name).or(ident(&u.index_name)),
                columns,
                on_conflict: None,
            });
            Ok(())
        }
        TableConstraint::ForeignKey(fk) => {
            let columns = fk
                .columns
                .iter()
                .map(|c| rules.ident(c))
                .collect::<Vec<_>>();
            known_columns(table, &columns, at)?;
            let fk = foreign_key(rules, fk, ident(&fk.name), columns, schema, at)?;
            table.foreign_keys.push(fk);
            Ok(())
        }
        TableConstraint::Check(ch) if ch.enforced.is_none() && !ch.no_inherit => {
            table.checks.push(CheckConstraint {
                name: ident(&ch.name),
                condition: ch.expr.to_string(),
            });
            Ok(())
        }
        // MySQL's inline `INDEX name (columns)`.
        TableConstraint::Index(ix)
            if ix.name.is_some() && ix.index_type.is_none() && ix.index_options.is_empty() =>
        {
            let columns = index_columns(rules, &ix.columns, table, at)?;
            table.indexes.push(Index {
                name: ident(&ix.name).unwrap_or_default(),
                columns,
                unique: false,
                where_clause: None,
                orders: vec![],
                using: None,
            });
            Ok(())
        }
        other => Err(unsupported(
            at,
            format!("the constraint `{other}` of {}", table.name),
        )),
    }
}

/// Plain column names of a key or index; an expression or an ordering is
/// an error at its position.
pub(crate) fn index_columns(
    rules: &Rules,
    columns: &[IndexColumn],
    table: &Table,
    at: (u64, u64),
) -> error::Result<Vec<String>> {
    let names = columns
        .iter()
        .map(|c| match &c.column.expr {
            sqlparser::ast::Expr::Identifier(id)
                if c.operator_class.is_none()
                    && c.column.options.sort.is_none()
                    && c.column.options.nulls_first.is_none()
                    && c.column.with_fill.is_none() =>
            {
                Ok(rules.ident(id))
            }
            _ => Err(unsupported(
                position(&c.column.expr, at),
                format!("the key part `{c}`: the model holds plain column names only"),
            )),
        })
        .collect::<error::Result<Vec<_>>>()?;
    known_columns(table, &names, at)?;
    Ok(names)
}

/// The key parts of a `CREATE INDEX`: column names, or expressions kept
/// as SQL text in parentheses (`(lower(email))`). MySQL's are refused:
/// MariaDB has no expression indexes.
pub(crate) fn index_keys(
    rules: &Rules,
    columns: &[IndexColumn],
    table: &Table,
    at: (u64, u64),
) -> error::Result<Vec<String>> {
    let mut parts = Vec::with_capacity(columns.len());
    for c in columns {
        let plain = c.operator_class.is_none()
            && c.column.options.sort.is_none()
            && c.column.options.nulls_first.is_none()
            && c.column.with_fill.is_none();
        let expr = match &c.column.expr {
            sqlparser::ast::Expr::Nested(inner) => inner.as_ref(),
            other => other,
        };
        match expr {
            sqlparser::ast::Expr::Identifier(id) if plain => {
                let name = rules.ident(id);
                known_columns(table, std::slice::from_ref(&name), at)?;
                parts.push(name);
            }
            sqlparser::ast::Expr::Identifier(_) => {
                return Err(unsupported(
                    position(&c.column.expr, at),
                    format!(
                        "the key part `{c}`: the model holds column names and expressions, without ordering or operator classes"
                    ),
                ));
            }
            _ if !plain => {
                return Err(unsupported(
                    position(&c.column.expr, at),
                    format!(
                        "the key part `{c}`: the model holds column names and expressions, without ordering or operator classes"
                    ),
                ));
            }
            _ if rules.is_mysql() => {
                return Err(unsupported(
                    position(&c.column.expr, at),
                    format!(
                        "the expression key part `{c}`: MariaDB has no expression indexes; index a generated column instead"
                    ),
                ));
            }
            _ => parts.push(format!("({expr})")),
        }
    }
    Ok(parts)
}

fn known_columns(table: &Table, columns: &[String], at: (u64, u64)) -> error::Result<()> {
    match columns.iter().find(|c| table.find_column(c).is_none()) {
        Some(c) => Err(invalid(at, format!("{} has no column {c}", table.name))),
        None => Ok(()),
    }
}

fn foreign_key(
    rules: &Rules,
    fk: &ForeignKeyConstraint,
    name: Option<String>,
    columns: Vec<String>,
    schema: &Schema,
    at: (u64, u64),
) -> error::Result<ForeignKey> {
    if fk.index_name.is_some() || fk.match_kind.is_some() || fk.characteristics.is_some() {
        return Err(unsupported(at, format!("the foreign key clause `{fk}`")));
    }
    let referent_table = rules.table_name(&fk.foreign_table)?;
    let mut referent_columns: Vec<String> =
        fk.referred_columns.iter().map(|c| rules.ident(c)).collect();
    if referent_columns.is_empty() {
        referent_columns = schema
            .table(&referent_table)
            .map(Table::primary_key_columns)
            .unwrap_or_default();
        if referent_columns.is_empty() {
            return Err(unsupported(
                at,
                format!(
                    "REFERENCES {referent_table} without columns: name them, e.g. REFERENCES {referent_table} (id)"
                ),
            ));
        }
    }
    if referent_columns.len() != columns.len() {
        return Err(invalid(
            at,
            format!(
                "the foreign key to {referent_table} has {} columns but refers to {}",
                columns.len(),
                referent_columns.len()
            ),
        ));
    }
    Ok(ForeignKey {
        name,
        columns,
        referent_table,
        referent_columns,
        on_delete: fk.on_delete.map(|a| a.to_string()),
        on_update: fk.on_update.map(|a| a.to_string()),
        ..ForeignKey::default()
    })
}

/// Marks the key's columns, keeps a table-level key only when it is named
/// or composite, and settles auto-increment (see the module docs of
/// [`super`]).
fn finish_keys(rules: &Rules, table: &mut Table, keys: Keys, at: (u64, u64)) -> error::Result<()> {
    let (name, pk) = keys.primary.unwrap_or_default();
    known_columns(table, &pk, at)?;
    for column in &mut table.columns {
        let explicit = keys.autoincrement.contains(&column.name);
        let lone_integer_key = pk.len() == 1 && pk[0] == column.name && column.ty.is_integer();
        if pk.contains(&column.name) {
            column.primary_key = true;
            // SQLite's rowid is the lone key column typed exactly INTEGER.
            let rowid = lone_integer_key && column.ty == crate::types::ColumnType::Integer;
            if !rules.nullable_keys || rowid {
                column.nullable = false;
            }
        }
        column.autoincrement = match (lone_integer_key, explicit) {
            // SQLite's rowid alias auto-increments with or without the keyword.
            (true, _) if rules.implicit_autoincrement => None,
            (true, explicit) => Some(explicit),
            (false, true) => Some(true),
            (false, false) => None,
        };
    }
    if name.is_some() || pk.len() > 1 {
        table.primary_key = Some(PrimaryKey {
            name,
            columns: pk,
            on_conflict: None,
        });
    }
    Ok(())
}
