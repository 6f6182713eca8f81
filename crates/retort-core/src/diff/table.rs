//! One table in both schemas: its columns, comment, keys and constraints,
//! and — where the dialect cannot ALTER a change in place — the grouping of
//! the table's changes into one `batch_alter_table`.

use crate::diff::{Change, ChangeKind, Diff, DiffOptions, constraints};
use crate::ops::{AlterColumn, Operation, Recreate, Setting};
use crate::schema::{Column, Table};
use crate::types::ColumnType;

/// Compares `live` with `target` (the same table) and appends the changes
/// and operations to `out`.
pub(crate) fn compare(live: &Table, target: &Table, options: &DiffOptions, out: &mut Diff) {
    let name = &target.name;
    let keys = constraints::compare(live, target, options);
    let mut ops = keys.drops;
    let mut changes = keys.changes;

    // Last column first: the downgrade (the reverses in reverse order) then
    // adds them back in their original order.
    for l in live.columns.iter().rev() {
        if target.find_column(&l.name).is_none() {
            changes.push(
                Change::new(
                    ChangeKind::RemoveColumn,
                    format!("Detected removed column '{name}.{}'", l.name),
                )
                .table(name)
                .column(&l.name),
            );
            ops.push(Operation::DropColumn {
                table: name.clone(),
                column: l.name.clone(),
                definition: Some(plain(l)),
            });
        }
    }
    for t in &target.columns {
        if live.find_column(&t.name).is_none() {
            changes.push(
                Change::new(
                    ChangeKind::AddColumn,
                    format!("Detected added column '{name}.{}'", t.name),
                )
                .table(name)
                .column(&t.name),
            );
            ops.push(Operation::AddColumn {
                table: name.clone(),
                column: plain(t),
            });
        }
    }
    for t in &target.columns {
        if let Some(l) = live.find_column(&t.name)
            && let Some(alter) = alter_column(live, l, t, options, &mut changes)
        {
            ops.push(Operation::AlterColumn(alter));
        }
    }
    ops.extend(keys.creates);
    if options.dialect().supports_comments() && live.comment != target.comment {
        let description = match &target.comment {
            Some(_) => format!("Detected table comment on '{name}'"),
            None => format!("Detected removed table comment on '{name}'"),
        };
        changes.push(
            Change::new(ChangeKind::ModifyTableComment, description)
                .table(name)
                .before(live.comment.as_deref())
                .after(target.comment.as_deref()),
        );
        ops.push(match &target.comment {
            Some(c) => Operation::CreateTableComment {
                table: name.clone(),
                comment: c.clone(),
                existing_comment: live.comment.clone(),
            },
            None => Operation::DropTableComment {
                table: name.clone(),
                existing_comment: live.comment.clone(),
            },
        });
    }
    // Partitioning cannot be altered: the difference is reported, for a
    // hand-written revision to make.
    if target.options.partition_by.is_some()
        && live.options.partition_by != target.options.partition_by
    {
        changes.push(
            Change::new(
                ChangeKind::ModifyPartitioning,
                format!(
                    "Detected partitioning {} on '{name}' (was {}); a table's partitioning cannot be altered: write the revision by hand",
                    target.options.partition_by.as_deref().unwrap_or_default(),
                    live.options.partition_by.as_deref().unwrap_or("none")
                ),
            )
            .table(name)
            .before(live.options.partition_by.as_deref())
            .after(target.options.partition_by.as_deref()),
        );
    }
    let set = live.options.changed_to(&target.options);
    if !set.is_empty() {
        let mut changed = crate::schema::TableOptions::default();
        let mut existing = crate::schema::TableOptions::default();
        for (option, value) in &set {
            let (slot, old, live_value) = match *option {
                "engine" => (
                    &mut changed.engine,
                    &mut existing.engine,
                    &live.options.engine,
                ),
                "charset" => (
                    &mut changed.charset,
                    &mut existing.charset,
                    &live.options.charset,
                ),
                _ => (
                    &mut changed.collation,
                    &mut existing.collation,
                    &live.options.collation,
                ),
            };
            changes.push(
                Change::new(
                    ChangeKind::ModifyTableOption,
                    format!("Detected table option {option}={value} on '{name}'"),
                )
                .table(name)
                .option(option)
                .before(live_value.as_deref())
                .after(Some(*value)),
            );
            *slot = Some((*value).to_owned());
            *old = live_value.clone();
        }
        ops.push(Operation::AlterTableOptions {
            table: name.clone(),
            options: changed,
            existing,
        });
    }
    out.changes.extend(changes);
    let batch = match options.render_as_batch {
        None => ops.iter().any(|op| needs_rebuild(options, op)),
        Some(always) => always && !ops.is_empty(),
    };
    if batch {
        out.upgrade.push(Operation::BatchAlterTable {
            table: name.clone(),
            recreate: Recreate::Auto,
            ops,
        });
    } else {
        out.upgrade.extend(ops);
    }
}

/// The column without its own key flags: keys and unique constraints are
/// compared and created at table level.
fn plain(column: &Column) -> Column {
    Column {
        primary_key: false,
        unique: false,
        ..column.clone()
    }
}

/// True when the dialect cannot do `op` with a plain `ALTER TABLE`.
fn needs_rebuild(options: &DiffOptions, op: &Operation) -> bool {
    let d = options.dialect();
    match op {
        Operation::AlterColumn(_) => !d.supports_alter_column(),
        Operation::AddColumn { column, .. } => {
            column.needs_value() && !d.supports_add_column_constraints()
        }
        Operation::CreateUniqueConstraint { .. }
        | Operation::CreateForeignKey { .. }
        | Operation::CreateCheckConstraint { .. }
        | Operation::CreatePrimaryKey { .. }
        | Operation::DropConstraint { .. } => !d.supports_alter_constraints(),
        _ => false,
    }
}

/// The `alter_column` for a column in both tables, if anything differs;
/// it carries every `existing_*` fact so that it can be reversed.
fn alter_column(
    table: &Table,
    live: &Column,
    target: &Column,
    options: &DiffOptions,
    changes: &mut Vec<Change>,
) -> Option<AlterColumn> {
    let n = options.normalizer;
    let at = format!("'{}.{}'", table.name, target.name);
    let mut alter = AlterColumn {
        table: table.name.clone(),
        column: live.name.clone(),
        existing_type: Some(live.ty.clone()),
        existing_nullable: Some(live.nullable),
        existing_server_default: Some(Setting::from_option(live.server_default.clone())),
        existing_comment: Some(Setting::from_option(live.comment.clone())),
        existing_autoincrement: live.autoincrement,
        existing_on_update: live.on_update.clone().map(Setting::Set),
        ..AlterColumn::default()
    };
    if options.compare_type && n.type_key(&live.ty) != n.type_key(&target.ty) {
        changes.push(
            Change::new(
                ChangeKind::ModifyType,
                format!(
                    "Detected type change from {} to {} on {at}",
                    live.ty, target.ty
                ),
            )
            .table(&table.name)
            .column(&target.name)
            .before(Some(live.ty.to_string()))
            .after(Some(target.ty.to_string())),
        );
        alter.ty = Some(target.ty.clone());
    }
    if live.nullable != target.nullable {
        changes.push(
            Change::new(
                ChangeKind::ModifyNullable,
                format!(
                    "Detected {} on column {at}",
                    if target.nullable { "NULL" } else { "NOT NULL" }
                ),
            )
            .table(&table.name)
            .column(&target.name)
            .before(Some(live.nullable))
            .after(Some(target.nullable)),
        );
        alter.nullable = Some(target.nullable);
    }
    // A boolean column's default by its value (`0`, `false`, `'f'`).
    let default_key = |d: &Option<String>| {
        d.as_deref().and_then(|d| match target.ty {
            ColumnType::Boolean => {
                let key = n.default_key(d)?;
                Some(crate::diff::boolean_default(&key).map_or(key, |b| b.to_string()))
            }
            _ => n.default_key(d),
        })
    };
    if options.compare_server_default
        && default_key(&live.server_default) != default_key(&target.server_default)
    {
        let description = match &target.server_default {
            Some(d) => format!("Detected server default {d} on column {at}"),
            None => format!("Detected removed server default on column {at}"),
        };
        changes.push(
            Change::new(ChangeKind::ModifyDefault, description)
                .table(&table.name)
                .column(&target.name)
                .before(live.server_default.as_deref())
                .after(target.server_default.as_deref()),
        );
        alter.server_default = Some(Setting::from_option(target.server_default.clone()));
    }
    if options.compare_server_default
        && default_key(&live.on_update) != default_key(&target.on_update)
    {
        let description = match &target.on_update {
            Some(x) => format!("Detected ON UPDATE {x} on column {at}"),
            None => format!("Detected removed ON UPDATE on column {at}"),
        };
        changes.push(
            Change::new(ChangeKind::ModifyOnUpdate, description)
                .table(&table.name)
                .column(&target.name)
                .before(live.on_update.as_deref())
                .after(target.on_update.as_deref()),
        );
        alter.on_update = Some(Setting::from_option(target.on_update.clone()));
    }
    if options.dialect().supports_comments() && live.comment != target.comment {
        changes.push(
            Change::new(
                ChangeKind::ModifyComment,
                format!("Detected column comment on {at}"),
            )
            .table(&table.name)
            .column(&target.name)
            .before(live.comment.as_deref())
            .after(target.comment.as_deref()),
        );
        alter.comment = Some(Setting::from_option(target.comment.clone()));
    }
    (!alter.is_empty()).then_some(alter)
}
