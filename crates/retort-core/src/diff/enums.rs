//! Enum types (PostgreSQL `CREATE TYPE ... AS ENUM`): added, removed, and
//! values added. Compared only where the dialect has named enum types.

use crate::diff::{Change, ChangeKind, Diff, DiffOptions};
use crate::ops::Operation;
use crate::schema::{EnumType, Schema, TableName};

/// The operations to run before the tables change (new types, new values)
/// and after (types dropped).
pub(crate) fn compare(
    live: &Schema,
    target: &Schema,
    options: &DiffOptions,
    out: &mut Diff,
) -> (Vec<Operation>, Vec<Operation>) {
    let mut early = Vec::new();
    let mut late = Vec::new();
    if !options.dialect().supports_enum_types() {
        return (early, late);
    }
    let name = |e: &EnumType| TableName {
        schema: e.schema.clone(),
        name: e.name.clone(),
    };
    for t in &target.enums {
        let Some(l) = live.enum_type(t.schema.as_deref(), &t.name) else {
            out.changes.push(
                Change::new(
                    ChangeKind::AddEnum,
                    format!(
                        "Detected added enum type '{}' with values {:?}",
                        name(t),
                        t.values
                    ),
                )
                .object(name(t).to_string())
                .values(&t.values),
            );
            early.push(Operation::CreateEnum {
                name: name(t),
                values: t.values.clone(),
            });
            continue;
        };
        for (i, v) in t.values.iter().enumerate() {
            if l.values.contains(v) {
                continue;
            }
            out.changes.push(
                Change::new(
                    ChangeKind::AddEnumValue,
                    format!("Detected added value '{v}' of enum type '{}'", name(t)),
                )
                .object(name(t).to_string())
                .value(v),
            );
            let (before, after) = match i.checked_sub(1) {
                Some(p) => (None, Some(t.values[p].clone())),
                None => (
                    t.values.iter().find(|x| l.values.contains(x)).cloned(),
                    None,
                ),
            };
            early.push(Operation::AddEnumValue {
                name: name(t),
                value: v.clone(),
                before,
                after,
            });
        }
        // Last first, so that the downgrade puts them back first to last,
        // each after one that is already there.
        for (i, v) in l.values.iter().enumerate().rev() {
            if t.values.contains(v) {
                continue;
            }
            out.changes.push(
                Change::new(
                    ChangeKind::RemoveEnumValue,
                    format!("Detected removed value '{v}' of enum type '{}'", name(t)),
                )
                .object(name(t).to_string())
                .value(v),
            );
            let (before, after) = position(&l.values, i, &t.values);
            late.push(Operation::DropEnumValue {
                name: name(t),
                value: v.clone(),
                before,
                after,
            });
        }
    }
    for l in &live.enums {
        if target.enum_type(l.schema.as_deref(), &l.name).is_none() {
            out.changes.push(
                Change::new(
                    ChangeKind::RemoveEnum,
                    format!("Detected removed enum type '{}'", name(l)),
                )
                .object(name(l).to_string()),
            );
            late.push(Operation::DropEnum {
                name: name(l),
                values: Some(l.values.clone()),
            });
        }
    }
    (early, late)
}

/// Where the removed value at `i` of `values` stood, for the reverse
/// `add_enum_value`: after the value before it (put back first), or, for
/// the first value, before the first value the type keeps.
fn position(values: &[String], i: usize, kept: &[String]) -> (Option<String>, Option<String>) {
    match i.checked_sub(1) {
        Some(p) => (None, Some(values[p].clone())),
        None => (
            values[1..]
                .iter()
                .find(|v| kept.contains(v))
                .or(kept.first())
                .cloned(),
            None,
        ),
    }
}
