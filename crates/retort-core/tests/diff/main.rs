//! The autogenerate comparison, pure: schemas built inline, the detected
//! changes and operations checked, and every upgrade applied and reversed
//! on the schema model.

use proptest::prelude::*;
use retort_core::dialect::mysql::diff::MySqlDiff;
use retort_core::dialect::postgres::diff::PostgresDiff;
use retort_core::dialect::sqlite::diff::SqliteDiff;
use retort_core::diff::{Diff, DiffOptions, diff};
use retort_core::ops::{Operation, Setting, apply_to_table};
use retort_core::schema::{
    CheckConstraint, Column, EnumType, ForeignKey, Index, Schema, Table, TableName,
    UniqueConstraint,
};
use retort_core::types::ColumnType;

mod enums;
mod keys;
mod kinds;
mod objects;
mod props;
mod tables;

fn pg() -> DiffOptions<'static> {
    DiffOptions::new(&PostgresDiff)
}

fn lite() -> DiffOptions<'static> {
    DiffOptions::new(&SqliteDiff)
}

fn my() -> DiffOptions<'static> {
    DiffOptions::new(&MySqlDiff)
}

fn ty(text: &str) -> ColumnType {
    ColumnType::parse(text).unwrap()
}

fn col(name: &str, t: &str) -> Column {
    Column::new(name, ty(t))
}

fn table(name: &str, columns: Vec<Column>) -> Table {
    let mut t = Table::new(TableName::new(name));
    t.columns = columns;
    t
}

fn user() -> Table {
    table(
        "user",
        vec![
            col("id", "integer").primary_key(),
            col("name", "varchar(50)").not_null(),
        ],
    )
}

fn schema(tables: Vec<Table>) -> Schema {
    Schema {
        tables,
        enums: vec![],
        objects: vec![],
    }
}

fn fk(name: &str, column: &str, to: &str) -> ForeignKey {
    ForeignKey {
        name: Some(name.into()),
        columns: vec![column.into()],
        referent_table: TableName::new(to),
        referent_columns: vec!["id".into()],
        on_delete: None,
        on_update: None,
        ..Default::default()
    }
}

/// Applies operations to a schema model.
fn apply(schema: &Schema, ops: &[Operation]) -> Schema {
    let mut s = schema.clone();
    for op in ops {
        match op {
            Operation::CreateTable(t) => s.tables.push(t.clone()),
            Operation::DropTable { table, .. } => s.tables.retain(|t| &t.name != table),
            Operation::CreateEnum { name, values } => s.enums.push(EnumType {
                schema: name.schema.clone(),
                name: name.name.clone(),
                values: values.clone(),
            }),
            Operation::DropEnum { name, .. } => s.enums.retain(|e| e.name != name.name),
            Operation::AddEnumValue {
                name,
                value,
                before,
                after,
            } => {
                let e = s.enums.iter_mut().find(|e| e.name == name.name).unwrap();
                let at = match (before, after) {
                    (Some(b), _) => e.values.iter().position(|v| v == b).unwrap(),
                    (None, Some(a)) => e.values.iter().position(|v| v == a).unwrap() + 1,
                    (None, None) => e.values.len(),
                };
                e.values.insert(at, value.clone());
            }
            Operation::DropEnumValue { name, value, .. } => {
                let e = s.enums.iter_mut().find(|e| e.name == name.name).unwrap();
                assert!(e.values.contains(value), "no value {value} to drop");
                e.values.retain(|v| v != value);
            }
            Operation::CreateObject(o) => s.objects.push(o.clone()),
            Operation::DropObject { id, .. } => {
                assert!(s.object(id).is_some(), "no {id} to drop");
                s.objects.retain(|o| &o.id != id);
            }
            Operation::ReplaceObject { object, .. } => {
                let o = s.objects.iter_mut().find(|o| o.id == object.id).unwrap();
                *o = object.clone();
            }
            other => {
                let name = other.table().unwrap().clone();
                let nested = match other {
                    Operation::BatchAlterTable { ops, .. } => ops.clone(),
                    one => vec![one.clone()],
                };
                let t = s.tables.iter_mut().find(|t| t.name == name).unwrap();
                *t = apply_to_table(t, &nested).unwrap().0;
            }
        }
    }
    s
}

/// The upgrade brings `live` to `target`, the downgrade brings it back.
fn round_trip(live: &Schema, target: &Schema, options: &DiffOptions) -> Diff {
    let d = diff(live, target, options);
    let up = apply(live, &d.upgrade);
    let again = diff(&up, target, options);
    assert!(again.is_empty(), "after upgrade: {:#?}", again.changes);
    let down = apply(&up, &d.downgrade);
    let back = diff(&down, live, options);
    assert!(back.is_empty(), "after downgrade: {:#?}", back.changes);
    assert_eq!(d.downgrade.len() + d.notes.len(), d.upgrade.len());
    d
}

fn changes(d: &Diff) -> Vec<String> {
    d.changes.iter().map(|c| c.to_string()).collect()
}

fn names(ops: &[Operation]) -> Vec<String> {
    ops.iter().map(|o| o.to_string()).collect()
}
