//! The net effect of a sequence of operations (`retort squash`): the same
//! operations, in the same order, with the pairs that cancel out removed
//! and columns added to a table created earlier in the sequence folded
//! into its `create_table`.
//!
//! Every rule is local and conservative, so the result builds the same
//! schema as the input on every database:
//!
//! - `create_table T` ... `drop_table T`: both go, with every operation on
//!   `T` between them, when nothing between refers to `T` from elsewhere
//!   (a foreign key, a view, SQL);
//! - `add_column T.c` ... `drop_column T.c`: both go when nothing between
//!   touches `T` but other columns' `add_column`/`drop_column`;
//! - `create_index T.i` ... `drop_index T.i`: both go when nothing between
//!   touches `T` but other indexes;
//! - `create_table T` ... `add_column T.c`: the column joins the table's
//!   columns (at the end, where `add_column` puts it) when nothing between
//!   touches `T` but other such columns; not a key column or a unique one,
//!   which some databases add differently;
//! - changes to `T`'s columns, indexes, constraints, comment or options
//!   right before `drop_table T` go: the table goes with them.
//!
//! `execute` (SQL retort cannot read), schema objects (views, triggers,
//! functions: they may name any table) and the enum operations are
//! barriers: no rule reaches across one. `bulk_insert` is a barrier for its
//! table.

use super::Operation;
use crate::schema::TableName;

/// The net effect of `ops`: see the module docs.
pub fn compact(mut ops: Vec<Operation>) -> Vec<Operation> {
    loop {
        let before = ops.len();
        ops = fold_columns(ops);
        ops = cancel_pairs(ops);
        ops = before_drop_table(ops);
        if ops.len() == before {
            return ops;
        }
    }
}

/// True for an operation no rule may reach across.
fn is_barrier(op: &Operation) -> bool {
    matches!(
        op,
        Operation::Execute(_)
            | Operation::CreateObject(_)
            | Operation::DropObject { .. }
            | Operation::ReplaceObject { .. }
            | Operation::CreateEnum { .. }
            | Operation::DropEnum { .. }
            | Operation::AddEnumValue { .. }
            | Operation::DropEnumValue { .. }
    )
}

/// True when `op` refers to `table` from another table (a foreign key to
/// it) or renames a table to its name.
fn refers_from_elsewhere(op: &Operation, table: &TableName) -> bool {
    match op {
        Operation::CreateTable(t) => {
            t.name != *table && t.foreign_keys.iter().any(|fk| fk.referent_table == *table)
        }
        Operation::CreateForeignKey {
            table: on,
            foreign_key,
        } => on != table && foreign_key.referent_table == *table,
        Operation::RenameTable {
            table: from,
            new_name,
        } => from == table || (table.schema == from.schema && table.name == *new_name),
        Operation::BatchAlterTable { table: on, ops, .. } => {
            on != table && ops.iter().any(|o| refers_from_elsewhere(o, table))
        }
        _ => false,
    }
}

/// Removes the changes to a table right before it is dropped (back to the
/// nearest barrier or other use of it).
fn before_drop_table(mut ops: Vec<Operation>) -> Vec<Operation> {
    let mut j = 0;
    while j < ops.len() {
        let Operation::DropTable { table, .. } = &ops[j] else {
            j += 1;
            continue;
        };
        let table = table.clone();
        let mut k = j;
        while k > 0 {
            let op = &ops[k - 1];
            if is_barrier(op) || refers_from_elsewhere(op, &table) {
                break;
            }
            if op.table() == Some(&table) {
                let redundant = matches!(
                    op,
                    Operation::AddColumn { .. }
                        | Operation::DropColumn { .. }
                        | Operation::AlterColumn(_)
                        | Operation::CreateIndex { .. }
                        | Operation::DropIndex { .. }
                        | Operation::CreateUniqueConstraint { .. }
                        | Operation::CreateForeignKey { .. }
                        | Operation::CreateCheckConstraint { .. }
                        | Operation::CreatePrimaryKey { .. }
                        | Operation::DropConstraint { .. }
                        | Operation::CreateTableComment { .. }
                        | Operation::DropTableComment { .. }
                        | Operation::AlterTableOptions { .. }
                );
                if !redundant {
                    break;
                }
                ops.remove(k - 1);
                j -= 1;
            }
            k -= 1;
        }
        j += 1;
    }
    ops
}

/// `create_table T` then `add_column T.c`: the column joins the table.
fn fold_columns(mut ops: Vec<Operation>) -> Vec<Operation> {
    let mut i = 0;
    while i < ops.len() {
        let Operation::CreateTable(created) = &ops[i] else {
            i += 1;
            continue;
        };
        let table = created.name.clone();
        let mut j = i + 1;
        let mut folded = Vec::new();
        while j < ops.len() {
            let op = &ops[j];
            if is_barrier(op) || refers_from_elsewhere(op, &table) {
                break;
            }
            match op {
                Operation::AddColumn { table: on, column }
                    if *on == table && !column.primary_key && !column.unique =>
                {
                    folded.push(j);
                }
                _ if op.table() == Some(&table) => break,
                _ => {}
            }
            j += 1;
        }
        let mut columns = Vec::new();
        for k in folded.into_iter().rev() {
            if let Operation::AddColumn { column, .. } = ops.remove(k) {
                columns.insert(0, column);
            }
        }
        if let Operation::CreateTable(t) = &mut ops[i] {
            t.columns.extend(columns);
        }
        i += 1;
    }
    ops
}

/// Removes the first pair that cancels out (see the module docs), with
/// what it takes along; the caller loops until nothing changes.
fn cancel_pairs(mut ops: Vec<Operation>) -> Vec<Operation> {
    for i in 0..ops.len() {
        let Some(end) = (i + 1..ops.len()).find(|&j| cancels(&ops[i], &ops[j])) else {
            continue;
        };
        let between = &ops[i + 1..end];
        let remove: Option<Vec<usize>> = match &ops[i] {
            Operation::CreateTable(t) => {
                let clear = between
                    .iter()
                    .all(|op| !is_barrier(op) && !refers_from_elsewhere(op, &t.name));
                clear.then(|| {
                    (i..=end)
                        .filter(|&k| k == i || k == end || ops[k].table() == Some(&t.name))
                        .collect()
                })
            }
            Operation::AddColumn { table, .. } | Operation::CreateIndex { table, .. } => {
                let clear = between.iter().all(|op| {
                    !is_barrier(op)
                        && !refers_from_elsewhere(op, table)
                        && (op.table() != Some(table) || same_kind_elsewhere(&ops[i], op))
                });
                clear.then(|| vec![i, end])
            }
            _ => None,
        };
        if let Some(remove) = remove {
            for k in remove.into_iter().rev() {
                ops.remove(k);
            }
            return ops;
        }
    }
    ops
}

/// True when `later` undoes `first`.
fn cancels(first: &Operation, later: &Operation) -> bool {
    match (first, later) {
        (Operation::CreateTable(t), Operation::DropTable { table, .. }) => t.name == *table,
        (
            Operation::AddColumn { table, column },
            Operation::DropColumn {
                table: t2,
                column: c2,
                ..
            },
        ) => table == t2 && column.name == *c2,
        (
            Operation::CreateIndex { table, index, .. },
            Operation::DropIndex {
                table: t2, name, ..
            },
        ) => table == t2 && index.name == *name,
        _ => false,
    }
}

/// True when `op` (on the same table as `first`) is an operation of the
/// same kind on another column or index, which the pair does not depend on.
fn same_kind_elsewhere(first: &Operation, op: &Operation) -> bool {
    match (first, op) {
        (Operation::AddColumn { column, .. }, Operation::AddColumn { column: other, .. }) => {
            column.name != other.name
        }
        (Operation::AddColumn { column, .. }, Operation::DropColumn { column: other, .. }) => {
            column.name != *other
        }
        (Operation::CreateIndex { index, .. }, Operation::CreateIndex { index: other, .. }) => {
            index.name != other.name
        }
        (Operation::CreateIndex { index, .. }, Operation::DropIndex { name, .. }) => {
            index.name != *name
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::ops::parse_operations;

    fn ops(text: &str) -> Vec<Operation> {
        let doc: toml::Table = toml::from_str(text).unwrap();
        let tables: Vec<toml::Table> = doc["upgrade"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_table().unwrap().clone())
            .collect();
        parse_operations(Path::new("t.toml"), "upgrade", &tables).unwrap()
    }

    fn names(ops: &[Operation]) -> Vec<String> {
        ops.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn a_created_then_dropped_table_leaves_nothing() {
        let out = compact(ops(r#"
[[upgrade]]
op = "create_table"
table = "tmp"
columns = [{ name = "id", type = "integer" }]
[[upgrade]]
op = "add_column"
table = "keep"
column = { name = "a", type = "integer" }
[[upgrade]]
op = "create_index"
table = "tmp"
name = "ix_tmp"
columns = ["id"]
[[upgrade]]
op = "drop_table"
table = "tmp"
"#));
        assert_eq!(names(&out), ["add_column on keep"]);
    }

    #[test]
    fn added_columns_join_the_created_table_in_order() {
        let out = compact(ops(r#"
[[upgrade]]
op = "create_table"
table = "user"
columns = [{ name = "id", type = "integer", primary_key = true }]
[[upgrade]]
op = "add_column"
table = "user"
column = { name = "email", type = "text" }
[[upgrade]]
op = "add_column"
table = "user"
column = { name = "name", type = "text" }
"#));
        assert_eq!(out.len(), 1);
        let Operation::CreateTable(t) = &out[0] else {
            panic!("{out:?}")
        };
        let cols: Vec<&str> = t.columns.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(cols, ["id", "email", "name"]);
    }

    #[test]
    fn an_added_then_dropped_column_leaves_nothing_and_barriers_hold() {
        let text = r#"
[[upgrade]]
op = "add_column"
table = "user"
column = { name = "tmp", type = "text" }
[[upgrade]]
op = "add_column"
table = "user"
column = { name = "other", type = "text" }
[[upgrade]]
op = "drop_column"
table = "user"
column = "tmp"
"#;
        assert_eq!(names(&compact(ops(text))), ["add_column on user"]);
        // SQL between them may read the column: nothing goes.
        let with_sql = text.replace(
            "[[upgrade]]\nop = \"drop_column\"",
            "[[upgrade]]\nop = \"execute\"\nsql = \"UPDATE user SET other = tmp\"\n[[upgrade]]\nop = \"drop_column\"",
        );
        assert_eq!(compact(ops(&with_sql)).len(), 4);
    }

    #[test]
    fn changes_right_before_a_drop_table_go_with_it() {
        let out = compact(ops(r#"
[[upgrade]]
op = "drop_column"
table = "account"
column = "email"
[[upgrade]]
op = "drop_index"
table = "other"
name = "ix_other"
[[upgrade]]
op = "drop_table"
table = "account"
"#));
        assert_eq!(
            names(&out),
            ["drop_index on other", "drop_table on account"]
        );
    }

    #[test]
    fn a_table_another_refers_to_is_kept() {
        let out = compact(ops(r#"
[[upgrade]]
op = "create_table"
table = "a"
columns = [{ name = "id", type = "integer", primary_key = true }]
[[upgrade]]
op = "create_table"
table = "b"
columns = [{ name = "a_id", type = "integer" }]
foreign_keys = [{ columns = ["a_id"], referent_table = "a", referent_columns = ["id"] }]
[[upgrade]]
op = "drop_table"
table = "a"
"#));
        assert_eq!(out.len(), 3);
    }
}
