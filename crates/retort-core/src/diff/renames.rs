//! Renames in autogenerate: a table or column whose name changed is a drop
//! and an add to a comparison of names, which would lose its data. The
//! models say which names are renames, and autogenerate then writes
//! `rename_table` / `alter_column new_name` instead:
//!
//! - a comment on the new name in the models' SQL: `-- retort: renamed
//!   from old_name` on the line of `CREATE TABLE new_name (` (a table) or
//!   of the column's definition (a column) — [`Renames::from_models`];
//! - a `[renames]` table in `retort.toml`: `old_table = "new_table"` and
//!   `"table.old_column" = "new_column"`, the table named as the models
//!   name it — [`Renames::from_config`].
//!
//! [`diff_with_renames`] applies them to the live schema before the
//! comparison (so the columns, indexes and keys of a renamed table are
//! compared under its new name), and [`probable_renames`] names each drop
//! and add pair left that looks like a rename, with the line to write.
//! Never interactive.

use super::{Change, ChangeKind, Diff, DiffOptions, diff};
use crate::ops::{AlterColumn, Operation, Setting};
use crate::schema::{Schema, TableName};

/// The renames the models declare.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Renames {
    /// `(old, new)` table names.
    pub tables: Vec<(String, String)>,
    /// `(table, old, new)`: a column of `table` (its name in the models).
    pub columns: Vec<(String, String, String)>,
}

/// The marker of a rename comment in the models.
const MARKER: &str = "retort: renamed from ";

impl Renames {
    /// True when no rename is declared.
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty() && self.columns.is_empty()
    }

    /// Adds `other`'s renames to these.
    pub fn extend(&mut self, other: Renames) {
        self.tables.extend(other.tables);
        self.columns.extend(other.columns);
    }

    /// The renames declared by `-- retort: renamed from OLD` comments in
    /// the SQL text of a model file.
    pub fn from_models(text: &str) -> Renames {
        let mut out = Renames::default();
        let mut table: Option<String> = None;
        for line in text.lines() {
            let (code, comment) = match line.find("--") {
                Some(at) => (&line[..at], Some(&line[at + 2..])),
                None => (line, None),
            };
            let created = created_table(code);
            if let Some(t) = &created {
                table = Some(t.clone());
            }
            let Some(old) = comment
                .and_then(|c| c.trim().strip_prefix(MARKER))
                .map(|old| unquote(old.trim()))
            else {
                continue;
            };
            match (&created, &table) {
                (Some(new), _) => out.tables.push((old, new.clone())),
                (None, Some(t)) => {
                    if let Some(column) = code.split_whitespace().next() {
                        out.columns.push((t.clone(), old, unquote(column)));
                    }
                }
                (None, None) => {}
            }
        }
        out
    }

    /// The renames of a `[renames]` table: `old = "new"` for a table,
    /// `"table.old" = "new"` for a column.
    pub fn from_config(pairs: &[(String, String)]) -> Renames {
        let mut out = Renames::default();
        for (key, new) in pairs {
            match key.split_once('.') {
                Some((table, old)) => {
                    out.columns
                        .push((table.to_owned(), old.to_owned(), new.to_owned()))
                }
                None => out.tables.push((key.clone(), new.clone())),
            }
        }
        out
    }
}

/// The table a `CREATE TABLE` line creates, if it is one.
fn created_table(code: &str) -> Option<String> {
    let words: Vec<&str> = code.split_whitespace().collect();
    let upper: Vec<String> = words.iter().map(|w| w.to_ascii_uppercase()).collect();
    let at = upper.iter().position(|w| w == "TABLE")?;
    if !upper[..at].iter().any(|w| w == "CREATE") {
        return None;
    }
    let mut rest = &words[at + 1..];
    if upper.get(at + 1).map(String::as_str) == Some("IF") {
        rest = rest.get(3..)?;
    }
    let name = rest.first()?.split('(').next()?;
    let name = name.rsplit('.').next()?;
    (!name.is_empty()).then(|| unquote(name))
}

/// `name` without `"`, `` ` `` or `[]` quotes and a trailing `,`.
fn unquote(name: &str) -> String {
    name.trim_end_matches(',')
        .trim_matches(|c| matches!(c, '"' | '`' | '[' | ']'))
        .to_owned()
}

/// [`diff`], with `renames` applied first: a declared rename whose old name
/// the live schema has and whose new name only the target has becomes a
/// `rename_table` or an `alter_column` with `new_name`, at the start of the
/// upgrade (and undone last on downgrade); the comparison goes on with the
/// renamed live schema. Every drop and add pair left that looks like a
/// rename gets a note ([`probable_renames`]).
pub fn diff_with_renames(
    live: &Schema,
    target: &Schema,
    options: &DiffOptions,
    renames: &Renames,
) -> Diff {
    let mut live = live.clone();
    let mut ops = Vec::new();
    let mut changes = Vec::new();
    let has = |schema: &Schema, name: &str| schema.tables.iter().any(|t| t.name.name == name);
    for (old, new) in &renames.tables {
        if !has(&live, old) || has(&live, new) || !has(target, new) || has(target, old) {
            continue;
        }
        let Some(t) = live.tables.iter_mut().find(|t| t.name.name == *old) else {
            continue;
        };
        let from = t.name.clone();
        t.name.name = new.clone();
        for other in &mut live.tables {
            for fk in &mut other.foreign_keys {
                if fk.referent_table == from {
                    fk.referent_table.name = new.clone();
                }
            }
        }
        changes.push(
            Change::new(
                ChangeKind::RenameTable,
                format!("Detected renamed table '{from}' -> '{new}'"),
            )
            .table(&TableName {
                schema: from.schema.clone(),
                name: new.clone(),
            }),
        );
        ops.push(Operation::RenameTable {
            table: from,
            new_name: new.clone(),
        });
    }
    for (table, old, new) in &renames.columns {
        let Some(target_table) = target.tables.iter().find(|t| t.name.name == *table) else {
            continue;
        };
        let in_target = |c: &str| target_table.columns.iter().any(|col| col.name == c);
        let Some(t) = live.tables.iter_mut().find(|t| t.name.name == *table) else {
            continue;
        };
        let in_live = |c: &str| t.columns.iter().any(|col| col.name == c);
        if !in_live(old) || in_live(new) || !in_target(new) || in_target(old) {
            continue;
        }
        let name = t.name.clone();
        let column = t
            .columns
            .iter_mut()
            .find(|c| c.name == *old)
            .expect("checked above");
        column.name = new.clone();
        let facts = column.clone();
        rename_in_keys(t, old, new);
        for other in &mut live.tables {
            for fk in &mut other.foreign_keys {
                if fk.referent_table == name {
                    for c in &mut fk.referent_columns {
                        if c == old {
                            *c = new.clone();
                        }
                    }
                }
            }
        }
        changes.push(
            Change::new(
                ChangeKind::RenameColumn,
                format!("Detected renamed column '{name}.{old}' -> '{new}'"),
            )
            .table(&name)
            .column(new),
        );
        ops.push(Operation::AlterColumn(AlterColumn {
            table: name,
            column: old.clone(),
            new_name: Some(new.clone()),
            existing_type: Some(facts.ty.clone()),
            existing_nullable: Some(facts.nullable),
            existing_server_default: Some(
                facts
                    .server_default
                    .clone()
                    .map_or(Setting::Unset, Setting::Set),
            ),
            existing_comment: Some(facts.comment.clone().map_or(Setting::Unset, Setting::Set)),
            existing_autoincrement: facts.autoincrement,
            ..AlterColumn::default()
        }));
    }
    let mut out = diff(&live, target, options);
    let reverse: Vec<Operation> = ops
        .iter()
        .rev()
        .filter_map(|op| op.reverse().ok())
        .collect();
    let mut upgrade = ops;
    upgrade.append(&mut out.upgrade);
    out.upgrade = upgrade;
    out.downgrade.extend(reverse);
    changes.append(&mut out.changes);
    out.changes = changes;
    out.notes.extend(probable_renames(&out));
    out
}

/// Renames a column in the table's keys, indexes and constraints.
fn rename_in_keys(t: &mut crate::schema::Table, old: &str, new: &str) {
    let fix = |cols: &mut Vec<String>| {
        for c in cols.iter_mut() {
            if c == old {
                *c = new.to_owned();
            }
        }
    };
    if let Some(pk) = &mut t.primary_key {
        fix(&mut pk.columns);
    }
    for u in &mut t.uniques {
        fix(&mut u.columns);
    }
    for i in &mut t.indexes {
        fix(&mut i.columns);
    }
    for fk in &mut t.foreign_keys {
        fix(&mut fk.columns);
    }
}

/// A note for each pair of a dropped and an added table with the same
/// columns, or of a dropped and an added column of the same type in one
/// table: probably a rename, with the line that says so.
pub fn probable_renames(diff: &Diff) -> Vec<String> {
    let mut notes = Vec::new();
    let upgrade = flatten(&diff.upgrade);
    let downgrade = flatten(&diff.downgrade);
    let dropped_tables: Vec<&TableName> = upgrade
        .iter()
        .copied()
        .filter_map(|op| match op {
            Operation::DropTable { table, .. } => Some(table),
            _ => None,
        })
        .collect();
    for op in &upgrade {
        if let Operation::CreateTable(created) = op {
            for dropped in &dropped_tables {
                let Some(old) = downgrade.iter().find_map(|d| match d {
                    Operation::CreateTable(t) if t.name == **dropped => Some(t),
                    _ => None,
                }) else {
                    continue;
                };
                let shape = |t: &crate::schema::Table| {
                    t.columns
                        .iter()
                        .map(|c| (c.name.clone(), c.ty.clone()))
                        .collect::<Vec<_>>()
                };
                if shape(old) == shape(created) {
                    notes.push(format!(
                        "table '{}' is dropped and '{}' added with the same columns: if it is a rename, write `-- retort: renamed from {}` after `CREATE TABLE {} (` in the models (or `{} = \"{}\"` under [renames] in retort.toml) to rename it and keep its rows",
                        dropped.name, created.name.name, dropped.name, created.name.name, dropped.name, created.name.name
                    ));
                }
            }
        }
    }
    for op in &upgrade {
        let Operation::AddColumn { table, column } = op else {
            continue;
        };
        for other in &upgrade {
            let Operation::DropColumn {
                table: t2,
                column: old,
                definition,
            } = other
            else {
                continue;
            };
            // The dropped column's type: on the drop, or on the downgrade's
            // add_column that brings it back.
            let old_type = definition.as_ref().map(|d| &d.ty).or_else(|| {
                downgrade.iter().find_map(|d| match d {
                    Operation::AddColumn {
                        table: t3,
                        column: c,
                    } if t3 == t2 && c.name == *old => Some(&c.ty),
                    _ => None,
                })
            });
            let same_type = old_type == Some(&column.ty);
            if t2 == table && same_type {
                notes.push(format!(
                    "column '{}.{old}' is dropped and '{}' added with the same type: if it is a rename, write `-- retort: renamed from {old}` after the column in the models (or `\"{}.{old}\" = \"{}\"` under [renames] in retort.toml) to rename it and keep its values",
                    table.name, column.name, table.name, column.name
                ));
            }
        }
    }
    notes
}

/// The operations, with those nested in `batch_alter_table` in place of
/// it.
fn flatten(ops: &[Operation]) -> Vec<&Operation> {
    let mut out = Vec::new();
    for op in ops {
        match op {
            Operation::BatchAlterTable { ops, .. } => out.extend(flatten(ops)),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_in_the_models_name_the_renames() {
        let sql = "CREATE TABLE customer ( -- retort: renamed from client\n    id INTEGER PRIMARY KEY,\n    \"full_name\" TEXT, -- retort: renamed from name\n    email TEXT -- a comment\n);\nCREATE TABLE IF NOT EXISTS app.other (\n    x INT -- retort: renamed from y\n);\n";
        let r = Renames::from_models(sql);
        assert_eq!(r.tables, [("client".to_owned(), "customer".to_owned())]);
        assert_eq!(
            r.columns,
            [
                (
                    "customer".to_owned(),
                    "name".to_owned(),
                    "full_name".to_owned()
                ),
                ("other".to_owned(), "y".to_owned(), "x".to_owned()),
            ]
        );
    }

    #[test]
    fn the_config_table_names_tables_and_columns() {
        let r = Renames::from_config(&[
            ("client".into(), "customer".into()),
            ("customer.name".into(), "full_name".into()),
        ]);
        assert_eq!(r.tables, [("client".to_owned(), "customer".to_owned())]);
        assert_eq!(
            r.columns,
            [(
                "customer".to_owned(),
                "name".to_owned(),
                "full_name".to_owned()
            )]
        );
    }
}
