//! Autogenerate's comparison: a live [`Schema`] against a target [`Schema`],
//! giving the [`Operation`]s that bring the live one to the target (and back).
//!
//! The shape follows Atlas's `sql/internal/sqlx/diff.go`: one shared diff
//! written against narrow hooks. What each database reports differently
//! (type synonyms, how it prints defaults, the names it gives unnamed
//! constraints) is a [`Normalizer`], one per dialect
//! (`dialect::<d>::diff`); what a database can do (ALTER a column or a
//! constraint in place) comes from its [`Dialect`] capabilities. The shared
//! code never asks which dialect it is.
//!
//! What is compared follows Alembic's `alembic/autogenerate/compare.py`:
//! tables, columns, types, nullability, server defaults, primary keys,
//! unique constraints, indexes, foreign keys, check constraints, comments
//! and enum types; and the other schema objects (views, triggers,
//! routines, sequences, domains, extensions) by their definition's text
//! (`objects`). The upgrade creates new tables in foreign-key order
//! (cycles broken with a later, named `create_foreign_key`, except where
//! the dialect accepts keys to tables not created yet); the downgrade is the
//! reverse of each upgrade operation, in reverse order.

mod constraints;
mod defaults;
mod enums;
mod key_index;
mod normalize;
mod objects;
mod order;
mod table;

pub use defaults::{boolean_default, portable_default};
pub use normalize::{
    Normalizer, boolean_as_number, default_constraint_name, default_key, expression_key,
    is_foreign_key_index, is_implicit_index, type_text_key,
};

use crate::dialect::Dialect;
use crate::ops::Operation;
use crate::schema::{Schema, Table, TableName};

/// What to compare and how (Alembic's `compare_type`,
/// `compare_server_default`, `include_object`).
#[derive(Clone, Copy)]
pub struct DiffOptions<'a> {
    /// Report type changes (default true).
    pub compare_type: bool,
    /// Report server default changes (default true).
    pub compare_server_default: bool,
    /// Compare only these tables (by name or `schema.name`); `None`: all.
    pub include_tables: Option<&'a [String]>,
    /// Never compare these tables (by name or `schema.name`).
    pub exclude_tables: &'a [String],
    /// Tables never reported, in either schema: the version table and the
    /// log table.
    pub ignored_tables: &'a [String],
    /// The dialect's normalisation hooks (and, through it, its capabilities).
    pub normalizer: &'a dyn Normalizer,
    /// `render_as_batch`: `None` (the default) groups a table's changes
    /// into `batch_alter_table` exactly when the dialect cannot ALTER one of
    /// them (SQLite); `Some(true)` groups every changed table's operations
    /// (Alembic's `render_as_batch=True`; elsewhere than SQLite a batch
    /// runs as plain ALTERs); `Some(false)` never does.
    pub render_as_batch: Option<bool>,
}

impl<'a> DiffOptions<'a> {
    /// The defaults for one dialect: compare types and defaults, every table.
    pub fn new(normalizer: &'a dyn Normalizer) -> Self {
        DiffOptions {
            compare_type: true,
            compare_server_default: true,
            include_tables: None,
            exclude_tables: &[],
            ignored_tables: &[],
            normalizer,
            render_as_batch: None,
        }
    }

    /// The dialect whose capabilities decide how changes are done.
    pub fn dialect(&self) -> &'a dyn Dialect {
        self.normalizer.dialect()
    }

    /// True when `table` takes part in the comparison.
    pub fn compares(&self, table: &TableName) -> bool {
        let full = table.to_string();
        let named = |list: &[String]| list.iter().any(|n| n == &table.name || n == &full);
        !named(self.ignored_tables)
            && !named(self.exclude_tables)
            && self.include_tables.is_none_or(named)
    }
}

/// One detected change, described as Alembic prints it
/// (`Detected added table 'user'`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// The description.
    pub description: String,
}

impl Change {
    pub(crate) fn new(description: impl Into<String>) -> Self {
        Change {
            description: description.into(),
        }
    }
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.description)
    }
}

/// The result of a comparison.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Diff {
    /// What was detected, in the order of the upgrade.
    pub changes: Vec<Change>,
    /// The operations that bring the live schema to the target.
    pub upgrade: Vec<Operation>,
    /// The operations that bring it back: each upgrade operation's reverse,
    /// in reverse order.
    pub downgrade: Vec<Operation>,
    /// What the downgrade cannot undo (an added enum value), one line each.
    pub notes: Vec<String>,
}

impl Diff {
    /// True when nothing differs.
    pub fn is_empty(&self) -> bool {
        self.upgrade.is_empty() && self.changes.is_empty()
    }
}

/// Compares `live` with `target`.
pub fn diff(live: &Schema, target: &Schema, options: &DiffOptions) -> Diff {
    let target = &defaults::portable_defaults(target);
    let mut out = Diff::default();
    let live_tables: Vec<&Table> = compared(live, options);
    let target_tables: Vec<&Table> = compared(target, options);
    let find = |tables: &[&'_ Table], name: &TableName| tables.iter().any(|t| &t.name == name);

    let (enum_ops, late_enum_ops) = enums::compare(live, target, options, &mut out);
    out.upgrade.extend(enum_ops);
    let tables_start = out.upgrade.len();

    // New tables, referenced before referencing; cyclic keys added after.
    let added: Vec<&Table> = target_tables
        .iter()
        .copied()
        .filter(|t| !find(&live_tables, &t.name))
        .collect();
    let (creation, deferred) = order::creation_order(&added, options.normalizer);
    for t in creation {
        out.changes
            .push(Change::new(format!("Detected added table '{}'", t.name)));
        out.upgrade.push(Operation::CreateTable(t));
    }

    // Tables in both.
    for t in &target_tables {
        if let Some(l) = live_tables.iter().find(|l| l.name == t.name) {
            table::compare(l, t, options, &mut out);
        }
    }

    for (table, foreign_key) in deferred {
        out.upgrade
            .push(Operation::CreateForeignKey { table, foreign_key });
    }

    // Removed tables: referencing before referenced, cyclic keys first.
    let removed: Vec<&Table> = live_tables
        .iter()
        .copied()
        .filter(|t| !find(&target_tables, &t.name))
        .collect();
    let (creation, deferred) = order::creation_order(&removed, options.normalizer);
    for (table, fk) in deferred {
        out.upgrade
            .push(constraints::drop_foreign_key(&table, &fk, options));
    }
    for t in creation.into_iter().rev() {
        out.changes
            .push(Change::new(format!("Detected removed table '{}'", t.name)));
        out.upgrade.push(Operation::DropTable {
            table: t.name.clone(),
            definition: Some(t),
        });
    }
    // Views, triggers, routines, ... around the table changes.
    let placed = objects::compare(
        live,
        target,
        &out.upgrade[tables_start..],
        options,
        &mut out.changes,
    );
    out.upgrade
        .splice(tables_start..tables_start, placed.before);
    out.upgrade.extend(placed.after);
    out.upgrade.extend(late_enum_ops);

    for op in out.upgrade.iter().rev() {
        match op.reverse() {
            Ok(r) => out.downgrade.push(r),
            Err(e) => out.notes.push(e.to_string()),
        }
    }
    out
}

fn compared<'s>(schema: &'s Schema, options: &DiffOptions) -> Vec<&'s Table> {
    schema
        .tables
        .iter()
        .filter(|t| options.compares(&t.name))
        .collect()
}
