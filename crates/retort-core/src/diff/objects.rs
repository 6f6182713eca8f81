//! Schema objects beyond tables (views, triggers, routines, sequences,
//! domains, extensions): compared by identity ([`ObjectId`]) and by their
//! definition's text, as the database reports it on both sides.
//!
//! Where the operations go, around the table changes:
//! - before them: the drops of removed and changed objects that depend on
//!   tables (views, triggers, routines; dependents first: the live
//!   schema's order reversed), and the creates of objects tables may use
//!   (extensions, domains, sequences);
//! - after them: the creates and replaces of objects that depend on tables,
//!   in the target's creation order (refined so that an object comes after
//!   those its definition names), then the drops of extensions, domains
//!   and sequences no longer wanted.
//!
//! A view over a table whose column changes type or is dropped is dropped
//! before the change and created again after it (PostgreSQL refuses to
//! change a column a view uses), with the views built on it; so are the
//! views built on a view that is dropped and created again.
//!
//! A changed view is replaced in place (`replace_view`) where the dialect
//! can; on PostgreSQL only when its columns (names and types) stay the
//! same, so that the downgrade's replace works too; else it is dropped and
//! created again. A changed routine is replaced when its `RETURNS` clause
//! stays the same.

use std::collections::BTreeSet;

use crate::diff::{Change, ChangeKind, DiffOptions};
use crate::ops::Operation;
use crate::schema::{ObjectId, ObjectKind, Schema, SchemaObject, TableName};

/// The object operations to run before and after the table changes.
#[derive(Default)]
pub(crate) struct Placed {
    /// To run before the table changes.
    pub before: Vec<Operation>,
    /// To run after them.
    pub after: Vec<Operation>,
}

/// Compares the objects of `live` and `target`; `table_ops` are the table
/// changes the diff found, whose altered columns may force views to be
/// rebuilt.
pub(crate) fn compare(
    live: &Schema,
    target: &Schema,
    table_ops: &[Operation],
    options: &DiffOptions,
    changes: &mut Vec<Change>,
) -> Placed {
    let d = options.dialect();
    let compared = |o: &&SchemaObject| {
        d.supports_object_kind(o.kind())
            && options.compares(&TableName {
                schema: o.id.schema.clone(),
                name: o.id.table.clone().unwrap_or_else(|| o.id.name.clone()),
            })
    };
    let target_schema = target;
    let live: Vec<&SchemaObject> = live.objects.iter().filter(compared).collect();
    let target: Vec<&SchemaObject> = target.objects.iter().filter(compared).collect();
    let find = |list: &[&SchemaObject], id: &ObjectId| list.iter().position(|o| &o.id == id);

    // Live objects to drop before the tables change (by position in
    // `live`), and target objects to create after them.
    let mut drop_early: BTreeSet<usize> = BTreeSet::new();
    let mut drop_late: Vec<&SchemaObject> = vec![];
    let mut create_early: Vec<Operation> = vec![];
    let mut create_late: Vec<Operation> = vec![];

    for t in &target {
        let kind = t.kind();
        let create = |out: &mut Vec<Operation>| out.push(Operation::CreateObject((*t).clone()));
        match find(&live, &t.id) {
            None => {
                changes.push(
                    about(
                        Change::new(
                            ChangeKind::AddObject(kind),
                            format!("Detected added {}", label(&t.id)),
                        ),
                        &t.id,
                    )
                    .after(Some(t.definition.as_str())),
                );
                if kind.precedes_tables() {
                    create(&mut create_early);
                } else {
                    create(&mut create_late);
                }
            }
            Some(i) if live[i].definition != t.definition => {
                changes.push(
                    about(
                        Change::new(
                            ChangeKind::ModifyObject(kind),
                            format!("Detected changed {}", label(&t.id)),
                        ),
                        &t.id,
                    )
                    .before(Some(live[i].definition.as_str()))
                    .after(Some(t.definition.as_str())),
                );
                let same_columns = kind != ObjectKind::View
                    || !d.replace_view_keeps_columns()
                    || (live[i].columns.is_some() && live[i].columns == t.columns);
                if d.supports_replace(kind)
                    && same_columns
                    && replace_keeps_shape(&live[i].definition, &t.definition)
                {
                    create_late.push(Operation::ReplaceObject {
                        object: (*t).clone(),
                        old_definition: Some(live[i].definition.clone()),
                    });
                } else {
                    drop_early.insert(i);
                    if kind.precedes_tables() {
                        create(&mut create_early);
                    } else {
                        create(&mut create_late);
                    }
                }
            }
            Some(_) => {}
        }
    }
    for (i, l) in live.iter().enumerate() {
        if find(&target, &l.id).is_none() && !used_by_tables(l, &target_schema.tables) {
            changes.push(
                about(
                    Change::new(
                        ChangeKind::RemoveObject(l.kind()),
                        format!("Detected removed {}", label(&l.id)),
                    ),
                    &l.id,
                )
                .before(Some(l.definition.as_str())),
            );
            if l.kind().precedes_tables() {
                drop_late.push(l);
            } else {
                drop_early.insert(i);
            }
        }
    }

    // Views over columns that change type or go away: rebuilt around the
    // change, with the views built on them.
    let mut touched: Vec<String> = altered_tables(table_ops);
    touched.extend(
        drop_early
            .iter()
            .filter(|&&i| {
                matches!(
                    live[i].kind(),
                    ObjectKind::View | ObjectKind::MaterializedView
                )
            })
            .map(|&i| live[i].id.name.clone()),
    );
    let mut grew = true;
    while grew {
        grew = false;
        for (i, l) in live.iter().enumerate() {
            let is_view = matches!(l.kind(), ObjectKind::View | ObjectKind::MaterializedView);
            if !is_view || drop_early.contains(&i) {
                continue;
            }
            if touched.iter().any(|t| mentions(&l.definition, t)) {
                let Some(t) = target.iter().find(|t| t.id == l.id) else {
                    continue;
                };
                // A replaced view is created again instead of replaced.
                create_late.retain(|op| !matches!(op, Operation::ReplaceObject { object, .. } if object.id == l.id));
                drop_early.insert(i);
                create_late.push(Operation::CreateObject((*t).clone()));
                touched.push(l.id.name.clone());
                grew = true;
            }
        }
    }

    let mut placed = Placed::default();
    for &i in drop_early.iter().rev() {
        placed.before.push(drop(live[i]));
    }
    placed.before.extend(create_early);
    let order = |op: &Operation| match op {
        Operation::CreateObject(o) | Operation::ReplaceObject { object: o, .. } => {
            find(&target, &o.id).unwrap_or(usize::MAX)
        }
        _ => usize::MAX,
    };
    create_late.sort_by_key(order);
    placed.after.extend(dependency_order(create_late));
    for l in drop_late.into_iter().rev() {
        placed.after.push(drop(l));
    }
    placed
}

/// A live domain that a target column is typed with, or a live sequence a
/// target column's default draws from: the models use it without declaring
/// it (it was made by hand, or lives in another schema on the search
/// path), so it is kept rather than dropped from under them.
fn used_by_tables(o: &SchemaObject, tables: &[crate::schema::Table]) -> bool {
    let name = &o.id.name;
    match o.kind() {
        ObjectKind::Domain => tables.iter().any(|t| {
            t.columns.iter().any(|c| {
                let ty = c.ty.to_string();
                ty == *name || ty == format!("verbatim({name})") || mentions(&ty, name)
            })
        }),
        ObjectKind::Sequence => tables.iter().any(|t| {
            t.columns.iter().any(|c| {
                c.server_default
                    .as_deref()
                    .is_some_and(|d| d.contains("nextval") && mentions(d, name))
            })
        }),
        _ => false,
    }
}

fn drop(o: &SchemaObject) -> Operation {
    Operation::DropObject {
        id: o.id.clone(),
        definition: Some(o.definition.clone()),
    }
}

/// `view 'v'`, `function 'f(integer)'`, `trigger 't' on 'user'`.
fn label(id: &ObjectId) -> String {
    let name = object_name(id);
    match &id.table {
        Some(t) => format!("{} '{name}' on '{t}'", id.kind),
        None => format!("{} '{name}'", id.kind),
    }
}

/// The object's name as a change names it: `schema.name`, with a
/// routine's argument types in parentheses.
fn object_name(id: &ObjectId) -> String {
    let mut name = match &id.schema {
        Some(s) => format!("{s}.{}", id.name),
        None => id.name.clone(),
    };
    if let Some(a) = &id.arguments {
        name.push_str(&format!("({a})"));
    }
    name
}

/// `change` said to be on the object `id` (and on its table: a trigger's).
fn about(change: Change, id: &ObjectId) -> Change {
    let change = change.object(object_name(id));
    match &id.table {
        Some(t) => change.table(&TableName {
            schema: id.schema.clone(),
            name: t.clone(),
        }),
        None => change,
    }
}

/// Whether `CREATE OR REPLACE` can turn `old` into `new`: a routine's
/// `RETURNS` clause must not change (PostgreSQL refuses that in place).
fn replace_keeps_shape(old: &str, new: &str) -> bool {
    returns_clause(old) == returns_clause(new)
}

/// The text from `RETURNS` to the end of its line, if any.
fn returns_clause(definition: &str) -> Option<String> {
    let upper = definition.to_ascii_uppercase();
    let at = find_word(&upper, "RETURNS")?;
    let rest = &definition[at..];
    let end = rest.find('\n').unwrap_or(rest.len());
    Some(rest[..end].trim().to_owned())
}

/// The tables whose columns change type or are dropped by `ops`.
fn altered_tables(ops: &[Operation]) -> Vec<String> {
    let mut out = vec![];
    for op in ops {
        match op {
            Operation::AlterColumn(a) if a.ty.is_some() || a.new_name.is_some() => {
                out.push(a.table.name.clone())
            }
            Operation::DropColumn { table, .. } => out.push(table.name.clone()),
            Operation::BatchAlterTable { ops, .. } => out.extend(altered_tables(ops)),
            _ => {}
        }
    }
    out
}

/// Whether `definition` names `name` as a whole identifier (quoted or
/// not, any case).
pub(crate) fn mentions(definition: &str, name: &str) -> bool {
    find_word(&definition.to_ascii_lowercase(), &name.to_ascii_lowercase()).is_some()
}

/// The byte offset of `word` in `text` where it stands alone (no
/// identifier character on either side).
fn find_word(text: &str, word: &str) -> Option<usize> {
    if word.is_empty() {
        return None;
    }
    let ident = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let mut from = 0;
    while let Some(i) = text[from..].find(word) {
        let at = from + i;
        let end = at + word.len();
        let before = text[..at].chars().next_back();
        let after = text[end..].chars().next();
        if !before.is_some_and(ident) && !after.is_some_and(ident) {
            return Some(at);
        }
        from = at + word.chars().next().map_or(1, char::len_utf8);
    }
    None
}

/// `ops` (creates and replaces, in the target's order) reordered so that
/// an object comes after the others of `ops` its definition names; the
/// given order is kept where nothing says otherwise, and a cycle (or a
/// name that only looks like a reference) falls back to it.
fn dependency_order(ops: Vec<Operation>) -> Vec<Operation> {
    let object = |op: &Operation| match op {
        Operation::CreateObject(o) | Operation::ReplaceObject { object: o, .. } => Some(o.clone()),
        _ => None,
    };
    let mut remaining: Vec<(Operation, Option<SchemaObject>)> = ops
        .into_iter()
        .map(|op| (object(&op), op))
        .map(|(o, op)| (op, o))
        .collect();
    let mut out = Vec::with_capacity(remaining.len());
    while !remaining.is_empty() {
        let free = (0..remaining.len()).find(|&i| {
            let Some(me) = &remaining[i].1 else {
                return true;
            };
            !remaining.iter().enumerate().any(|(j, (_, other))| {
                j != i
                    && other.as_ref().is_some_and(|o| {
                        o.id.name != me.id.name && mentions(&me.definition, &o.id.name)
                    })
            })
        });
        out.push(remaining.remove(free.unwrap_or(0)).0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_is_found_only_as_a_whole_identifier() {
        assert!(mentions("SELECT * FROM \"orders\" o", "orders"));
        assert!(mentions("select * from `shop`.`Orders`", "orders"));
        assert!(!mentions("SELECT * FROM orders_archive", "orders"));
        assert!(!mentions("SELECT my_orders FROM t", "orders"));
    }

    #[test]
    fn the_returns_clause_decides_whether_a_function_is_replaced() {
        let a = "CREATE OR REPLACE FUNCTION f()\n RETURNS integer\n LANGUAGE sql\nAS $$SELECT 1$$";
        let b = "CREATE OR REPLACE FUNCTION f()\n RETURNS integer\n LANGUAGE sql\nAS $$SELECT 2$$";
        let c = "CREATE OR REPLACE FUNCTION f()\n RETURNS bigint\n LANGUAGE sql\nAS $$SELECT 2$$";
        assert!(replace_keeps_shape(a, b));
        assert!(!replace_keeps_shape(a, c));
        assert!(replace_keeps_shape(
            "CREATE VIEW v AS SELECT 1",
            "CREATE VIEW v AS SELECT 2"
        ));
    }

    #[test]
    fn objects_come_after_those_they_name() {
        let v2 = SchemaObject::new(ObjectKind::View, "v2", "CREATE VIEW v2 AS SELECT * FROM v1");
        let v1 = SchemaObject::new(ObjectKind::View, "v1", "CREATE VIEW v1 AS SELECT 1");
        let ops = dependency_order(vec![
            Operation::CreateObject(v2.clone()),
            Operation::CreateObject(v1.clone()),
        ]);
        assert_eq!(
            ops,
            vec![Operation::CreateObject(v1), Operation::CreateObject(v2)]
        );
    }
}
