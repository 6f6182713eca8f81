//! The statements beside `CREATE TABLE`: `CREATE [UNIQUE] INDEX`,
//! `COMMENT ON TABLE/COLUMN` (PostgreSQL) and `CREATE TYPE ... AS ENUM`
//! (PostgreSQL), and `CREATE VIEW` (SQLite). Each refers to, or declares,
//! one object of the schema.

use sqlparser::ast::{
    CommentObject, CreateIndex, ObjectName, Spanned, UserDefinedTypeRepresentation,
};

use super::error::{self, invalid, unsupported};
use super::table::index_keys;
use super::{Rules, name_span, span_at};
use crate::schema::{EnumType, Index, ObjectKind, Schema, SchemaObject, Table, TableName};

fn table_mut<'a>(
    schema: &'a mut Schema,
    name: &TableName,
    at: (u64, u64),
) -> error::Result<&'a mut Table> {
    schema
        .tables
        .iter_mut()
        .find(|t| &t.name == name)
        .ok_or_else(|| {
            invalid(
                at,
                format!("no table {name} is declared before this statement"),
            )
        })
}

/// `CREATE [UNIQUE] INDEX name ON table (columns) [WHERE condition]`.
pub(crate) fn create_index(
    rules: &Rules,
    create: CreateIndex,
    into: &mut Schema,
) -> error::Result<()> {
    let at = span_at(create.span());
    let Some(index_name) = &create.name else {
        return Err(unsupported(
            at,
            "an index without a name: name it, e.g. CREATE INDEX ix_t_a ON t (a)",
        ));
    };
    let mut index_parts = rules.name_parts(index_name)?;
    let name = index_parts.pop().unwrap_or_default();
    let extra = create.using.is_some()
        || create.concurrently
        || create.r#async
        || !create.include.is_empty()
        || create.nulls_distinct.is_some()
        || !create.with.is_empty()
        || !create.index_options.is_empty()
        || !create.alter_options.is_empty();
    if extra {
        return Err(unsupported(
            at,
            format!(
                "a clause of `{create}`: models hold an index's name, table, columns, UNIQUE and WHERE"
            ),
        ));
    }
    let mut table_name = rules.table_name(&create.table_name)?;
    // SQLite qualifies the index, not the table: `CREATE INDEX main.ix ON t`.
    if let ([schema], None) = (index_parts.as_slice(), &table_name.schema) {
        table_name.schema = Some(schema.clone());
    }
    let table_at = span_at(name_span(&create.table_name));
    let table = table_mut(into, &table_name, table_at)?;
    let columns = index_keys(rules, &create.columns, table, at)?;
    if table.indexes.iter().any(|ix| ix.name == name) {
        return Err(invalid(
            at,
            format!("the index {name} on {table_name} is declared twice"),
        ));
    }
    table.indexes.push(Index {
        name,
        columns,
        unique: create.unique,
        where_clause: create.predicate.as_ref().map(ToString::to_string),
        orders: vec![],
        // `USING gist`: PostgreSQL's access method, in its own spelling
        // (lower case); a B-tree is the default.
        using: create
            .using
            .as_ref()
            .map(|u| u.to_string().to_ascii_lowercase())
            .filter(|u| u != "btree"),
    });
    Ok(())
}

/// `COMMENT ON TABLE t IS '...'` and `COMMENT ON COLUMN t.c IS '...'`
/// (`IS NULL` removes the comment).
pub(crate) fn comment_on(
    rules: &Rules,
    object_type: CommentObject,
    object_name: &ObjectName,
    comment: Option<String>,
    if_exists: bool,
    into: &mut Schema,
) -> error::Result<()> {
    let at = span_at(name_span(object_name));
    if if_exists {
        return Err(unsupported(
            at,
            "COMMENT IF EXISTS: the commented object must be declared",
        ));
    }
    match object_type {
        CommentObject::Table => {
            let name = rules.table_name(object_name)?;
            table_mut(into, &name, at)?.comment = comment;
            Ok(())
        }
        CommentObject::Column => {
            let mut parts = rules.name_parts(object_name)?;
            let column = parts.pop().unwrap_or_default();
            let name = match parts.as_slice() {
                [table] => TableName::new(table.clone()),
                [schema, table] => TableName::in_schema(schema.clone(), table.clone()),
                _ => {
                    return Err(unsupported(
                        at,
                        format!(
                            "the column name `{object_name}`: write table.column or schema.table.column"
                        ),
                    ));
                }
            };
            let table = table_mut(into, &name, at)?;
            let found = table.columns.iter_mut().find(|c| c.name == column);
            match found {
                Some(c) => {
                    c.comment = comment;
                    Ok(())
                }
                None => Err(invalid(at, format!("{name} has no column {column}"))),
            }
        }
        other => Err(unsupported(
            at,
            format!("COMMENT ON {other}: models comment tables and columns"),
        )),
    }
}

/// `CREATE TYPE name AS ENUM ('a', 'b')`.
pub(crate) fn create_type(
    rules: &Rules,
    name: &ObjectName,
    representation: Option<UserDefinedTypeRepresentation>,
    into: &mut Schema,
) -> error::Result<()> {
    let at = span_at(name_span(name));
    let Some(UserDefinedTypeRepresentation::Enum { labels }) = representation else {
        return Err(unsupported(
            at,
            format!("the type {name}: models declare enum types only (CREATE TYPE ... AS ENUM)"),
        ));
    };
    let mut parts = rules.name_parts(name)?;
    let type_name = parts.pop().unwrap_or_default();
    let schema = match parts.as_slice() {
        [] => None,
        [s] => Some(s.clone()),
        _ => {
            return Err(unsupported(
                at,
                format!("the name `{name}`: write type or schema.type"),
            ));
        }
    };
    if into.enum_type(schema.as_deref(), &type_name).is_some() {
        return Err(invalid(
            at,
            format!("the enum type {name} is declared twice"),
        ));
    }
    into.enums.push(EnumType {
        schema,
        name: type_name,
        values: labels.into_iter().map(|l| l.value).collect(),
    });
    Ok(())
}

/// `CREATE VIEW` (SQLite): the statement kept as SQLite keeps it in
/// `sqlite_master.sql` (`CREATE VIEW ` and the name with any `main.`
/// qualifier removed, the rest as written), so that it compares equal with
/// the view of a database created from the same text.
pub(crate) fn create_view(source: &str, into: &mut Schema) -> error::Result<()> {
    sqlite_object(
        source,
        ObjectKind::View,
        "`CREATE VIEW` with IF NOT EXISTS, TEMP or a schema other than main; write CREATE VIEW name AS ...",
        into,
    )
}

/// `CREATE VIRTUAL TABLE` (SQLite), kept as SQLite keeps it, like a view.
pub(crate) fn create_virtual_table(source: &str, into: &mut Schema) -> error::Result<()> {
    sqlite_object(
        source,
        ObjectKind::VirtualTable,
        "`CREATE VIRTUAL TABLE` with IF NOT EXISTS or a schema other than main; write CREATE VIRTUAL TABLE name USING module(...)",
        into,
    )
}

/// A SQLite object statement `CREATE <kind> [main.]name rest`, kept as
/// `CREATE <kind> name rest`.
fn sqlite_object(
    source: &str,
    kind: ObjectKind,
    refusal: &str,
    into: &mut Schema,
) -> error::Result<()> {
    let refused = || unsupported((0, 0), refusal);
    let mut rest = keyword(source, "CREATE").ok_or_else(refused)?;
    for word in kind.sql_keyword().split(' ') {
        rest = keyword(rest, word).ok_or_else(refused)?;
    }
    if keyword(rest, "IF").is_some() {
        return Err(refused());
    }
    let (first, after) = identifier(rest).ok_or_else(refused)?;
    let (name_text, after) = match after.strip_prefix('.') {
        Some(more) => {
            if !unquote(first).eq_ignore_ascii_case("main") {
                return Err(refused());
            }
            identifier(more).ok_or_else(refused)?
        }
        None => (first, after),
    };
    let name = unquote(name_text);
    let taken = |o: &SchemaObject| {
        matches!(o.kind(), ObjectKind::View | ObjectKind::VirtualTable)
            && o.id.name.eq_ignore_ascii_case(&name)
    };
    if into.objects.iter().any(taken)
        || into
            .tables
            .iter()
            .any(|t| t.name.name.eq_ignore_ascii_case(&name))
    {
        return Err(invalid(
            (0, 0),
            format!(
                "{} {name} is declared twice",
                kind.sql_keyword().to_ascii_lowercase()
            ),
        ));
    }
    let definition = format!("CREATE {} {name_text}{after}", kind.sql_keyword());
    into.objects.push(SchemaObject::new(kind, name, definition));
    Ok(())
}

/// `text` after the keyword `word` (any case) and the whitespace around it.
fn keyword<'t>(text: &'t str, word: &str) -> Option<&'t str> {
    let text = text.trim_start();
    let head = text.get(..word.len())?;
    let rest = &text[word.len()..];
    (head.eq_ignore_ascii_case(word) && rest.starts_with(char::is_whitespace))
        .then(|| rest.trim_start())
}

/// The identifier `text` starts with (quoted or bare, as written) and what
/// follows it.
fn identifier(text: &str) -> Option<(&str, &str)> {
    let close = match text.chars().next()? {
        '"' => Some('"'),
        '`' => Some('`'),
        '[' => Some(']'),
        _ => None,
    };
    let end = match close {
        Some(q) => {
            let mut chars = text.char_indices().skip(1).peekable();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                if c == q {
                    if q != ']' && chars.peek().is_some_and(|&(_, n)| n == q) {
                        chars.next();
                        continue;
                    }
                    end = Some(i + c.len_utf8());
                    break;
                }
            }
            end?
        }
        None => text
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
            .unwrap_or(text.len()),
    };
    (end > 0).then(|| text.split_at(end))
}

/// `"a""b"`, `` `a` ``, `[a]` or `a` as the name it quotes.
fn unquote(text: &str) -> String {
    let inner = |q: char| text.strip_prefix(q).and_then(|t| t.strip_suffix(q));
    if let Some(t) = inner('"') {
        return t.replace("\"\"", "\"");
    }
    if let Some(t) = inner('`') {
        return t.replace("``", "`");
    }
    if let Some(t) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        return t.to_owned();
    }
    text.to_owned()
}
