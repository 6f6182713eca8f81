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
pub mod renames;
mod table;

pub use defaults::{boolean_default, portable_default};
pub use normalize::{
    Normalizer, boolean_as_number, default_constraint_name, default_key, expression_key,
    is_foreign_key_index, is_implicit_index, type_text_key,
};

use crate::dialect::Dialect;
use crate::ops::Operation;
use crate::schema::{ObjectKind, Schema, Table, TableName};

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
    /// `concurrent_indexes`: indexes created on, or dropped from, a table
    /// that exists on both sides get `concurrently = true` where the
    /// dialect builds indexes concurrently (PostgreSQL). Default false.
    pub concurrent_indexes: bool,
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
            concurrent_indexes: false,
        }
    }

    /// Whether an index created on, or dropped from, an existing table is
    /// built or dropped concurrently.
    pub fn concurrently(&self) -> bool {
        self.concurrent_indexes && self.dialect().supports_concurrent_indexes()
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

/// What a [`Change`] is: a stable `snake_case` identifier
/// ([`ChangeKind::name`], `add_table`, `modify_type`, `add_view`, ...)
/// that tools can match on; the [`Change`]'s description is for people.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ChangeKind {
    /// `add_table`: a table only the target has.
    AddTable,
    /// `remove_table`: a table only the live schema has.
    RemoveTable,
    /// `add_column`.
    AddColumn,
    /// `remove_column`.
    RemoveColumn,
    /// `rename_table`: a table the models say was renamed (`before`/`after`
    /// are not set; the description names both).
    RenameTable,
    /// `rename_column`: a column the models say was renamed.
    RenameColumn,
    /// `modify_type`: a column's type (`before`/`after`: the types).
    ModifyType,
    /// `modify_nullable`: whether a column takes NULL (`before`/`after`:
    /// true when nullable).
    ModifyNullable,
    /// `modify_default`: a column's server default (`before`/`after`: the
    /// SQL expressions, absent when there is none).
    ModifyDefault,
    /// `modify_on_update`: a column's `ON UPDATE` (MySQL/MariaDB).
    ModifyOnUpdate,
    /// `modify_comment`: a column's comment.
    ModifyComment,
    /// `modify_table_comment`: a table's comment.
    ModifyTableComment,
    /// `modify_partitioning`: a table's `PARTITION BY` (reported only: it
    /// cannot be altered).
    ModifyPartitioning,
    /// `modify_table_option`: a table option (`engine`, `charset`, ...;
    /// MySQL/MariaDB), named by the `option` field of [`Change`].
    ModifyTableOption,
    /// `add_primary_key`.
    AddPrimaryKey,
    /// `remove_primary_key`.
    RemovePrimaryKey,
    /// `add_unique`: a unique constraint.
    AddUnique,
    /// `remove_unique`.
    RemoveUnique,
    /// `add_index` (a unique index too: [`Change::unique`]).
    AddIndex,
    /// `remove_index`.
    RemoveIndex,
    /// `add_foreign_key`.
    AddForeignKey,
    /// `remove_foreign_key`.
    RemoveForeignKey,
    /// `add_check`: a check constraint (`after`: its condition).
    AddCheck,
    /// `remove_check` (`before`: its condition).
    RemoveCheck,
    /// `add_enum`: an enum type (PostgreSQL), with its values.
    AddEnum,
    /// `remove_enum`.
    RemoveEnum,
    /// `add_enum_value`: a value added to an enum type.
    AddEnumValue,
    /// `remove_enum_value`.
    RemoveEnumValue,
    /// `add_<object kind>` (`add_view`, `add_trigger`, `add_function`,
    /// ...): a schema object only the target has (`after`: its
    /// definition).
    AddObject(ObjectKind),
    /// `remove_<object kind>` (`remove_view`, ...; `before`: its
    /// definition).
    RemoveObject(ObjectKind),
    /// `modify_<object kind>` (`modify_view`, ...): a schema object whose
    /// definition differs (`before`/`after`: the definitions).
    ModifyObject(ObjectKind),
}

impl ChangeKind {
    /// The stable identifier: `add_table`, `modify_nullable`,
    /// `add_materialized_view`, ...
    pub fn name(self) -> std::borrow::Cow<'static, str> {
        use std::borrow::Cow;
        Cow::Borrowed(match self {
            ChangeKind::AddTable => "add_table",
            ChangeKind::RemoveTable => "remove_table",
            ChangeKind::AddColumn => "add_column",
            ChangeKind::RemoveColumn => "remove_column",
            ChangeKind::RenameTable => "rename_table",
            ChangeKind::RenameColumn => "rename_column",
            ChangeKind::ModifyType => "modify_type",
            ChangeKind::ModifyNullable => "modify_nullable",
            ChangeKind::ModifyDefault => "modify_default",
            ChangeKind::ModifyOnUpdate => "modify_on_update",
            ChangeKind::ModifyComment => "modify_comment",
            ChangeKind::ModifyTableComment => "modify_table_comment",
            ChangeKind::ModifyPartitioning => "modify_partitioning",
            ChangeKind::ModifyTableOption => "modify_table_option",
            ChangeKind::AddPrimaryKey => "add_primary_key",
            ChangeKind::RemovePrimaryKey => "remove_primary_key",
            ChangeKind::AddUnique => "add_unique",
            ChangeKind::RemoveUnique => "remove_unique",
            ChangeKind::AddIndex => "add_index",
            ChangeKind::RemoveIndex => "remove_index",
            ChangeKind::AddForeignKey => "add_foreign_key",
            ChangeKind::RemoveForeignKey => "remove_foreign_key",
            ChangeKind::AddCheck => "add_check",
            ChangeKind::RemoveCheck => "remove_check",
            ChangeKind::AddEnum => "add_enum",
            ChangeKind::RemoveEnum => "remove_enum",
            ChangeKind::AddEnumValue => "add_enum_value",
            ChangeKind::RemoveEnumValue => "remove_enum_value",
            ChangeKind::AddObject(k) => return Cow::Owned(format!("add_{}", k.as_str())),
            ChangeKind::RemoveObject(k) => return Cow::Owned(format!("remove_{}", k.as_str())),
            ChangeKind::ModifyObject(k) => return Cow::Owned(format!("modify_{}", k.as_str())),
        })
    }
}

impl std::fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

impl serde::Serialize for ChangeKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
}

/// A value before or after a [`Change`]: text (a type, a default, a
/// comment, a definition), or a flag (nullability).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum ChangeValue {
    /// Text, as the database reports it (live side) or as the target
    /// writes it.
    Text(String),
    /// A flag: `modify_nullable`'s nullability.
    Flag(bool),
}

impl std::fmt::Display for ChangeValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChangeValue::Text(t) => f.write_str(t),
            ChangeValue::Flag(b) => write!(f, "{b}"),
        }
    }
}

impl From<String> for ChangeValue {
    fn from(text: String) -> Self {
        ChangeValue::Text(text)
    }
}

impl From<&str> for ChangeValue {
    fn from(text: &str) -> Self {
        ChangeValue::Text(text.to_owned())
    }
}

impl From<bool> for ChangeValue {
    fn from(flag: bool) -> Self {
        ChangeValue::Flag(flag)
    }
}

/// One detected change: what it is ([`ChangeKind`]), what it is on
/// (table, column, constraint, index, object), the values before and
/// after where they apply, and its description as Alembic prints it
/// (`Detected added table 'user'`), which is its `Display`.
///
/// Serialised (`check --format json`), each field that does not apply is
/// left out; `description` is written as `text`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Change {
    /// What the change is.
    pub kind: ChangeKind,
    /// The table changed, or the table of the column, key, index or
    /// trigger changed (`schema.name` when schema-qualified).
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "table_text")]
    pub table: Option<TableName>,
    /// The column changed (`add_column`, `modify_*` of a column).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The name of the key or constraint (primary key, unique, foreign key,
    /// check), when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub constraint: Option<String>,
    /// The index's name (`add_index`, `remove_index`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<String>,
    /// Whether the index is unique (`add_index`, `remove_index`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unique: Option<bool>,
    /// The columns of the key, constraint or index (never empty there;
    /// empty for other changes).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub columns: Vec<String>,
    /// The table a foreign key references.
    #[serde(skip_serializing_if = "Option::is_none", serialize_with = "table_text")]
    pub referent_table: Option<TableName>,
    /// The columns a foreign key references (empty for other changes).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub referent_columns: Vec<String>,
    /// The schema object or enum type changed (`schema.name`, a routine's
    /// argument types in parentheses).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// The table option changed (`modify_table_option`: `engine`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub option: Option<String>,
    /// The enum value added or removed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// An added enum type's values (`add_enum`; `None` otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<String>>,
    /// The value before the change (`None`: there was none, or it does not
    /// apply).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<ChangeValue>,
    /// The value after the change (`None`: there is none, or it does not
    /// apply).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<ChangeValue>,
    /// The description, as Alembic prints it.
    #[serde(rename = "text")]
    pub description: String,
}

fn table_text<S: serde::Serializer>(table: &Option<TableName>, s: S) -> Result<S::Ok, S::Error> {
    match table {
        Some(t) => s.collect_str(t),
        None => s.serialize_none(),
    }
}

impl Change {
    /// A change of `kind` with its description; the builders below add
    /// what it is on.
    pub(crate) fn new(kind: ChangeKind, description: impl Into<String>) -> Self {
        Change {
            kind,
            table: None,
            column: None,
            constraint: None,
            index: None,
            unique: None,
            columns: Vec::new(),
            referent_table: None,
            referent_columns: Vec::new(),
            object: None,
            option: None,
            value: None,
            values: None,
            before: None,
            after: None,
            description: description.into(),
        }
    }

    pub(crate) fn table(mut self, table: &TableName) -> Self {
        self.table = Some(table.clone());
        self
    }

    pub(crate) fn column(mut self, column: &str) -> Self {
        self.column = Some(column.to_owned());
        self
    }

    pub(crate) fn constraint(mut self, name: Option<&str>) -> Self {
        self.constraint = name.map(str::to_owned);
        self
    }

    pub(crate) fn index(mut self, index: &crate::schema::Index) -> Self {
        self.index = Some(index.name.clone());
        self.unique = Some(index.unique);
        self.columns(&index.columns)
    }

    pub(crate) fn columns(mut self, columns: &[String]) -> Self {
        self.columns = columns.to_vec();
        self
    }

    pub(crate) fn references(mut self, table: &TableName, columns: &[String]) -> Self {
        self.referent_table = Some(table.clone());
        self.referent_columns = columns.to_vec();
        self
    }

    pub(crate) fn object(mut self, object: impl Into<String>) -> Self {
        self.object = Some(object.into());
        self
    }

    pub(crate) fn option(mut self, option: &str) -> Self {
        self.option = Some(option.to_owned());
        self
    }

    pub(crate) fn value(mut self, value: &str) -> Self {
        self.value = Some(value.to_owned());
        self
    }

    pub(crate) fn values(mut self, values: &[String]) -> Self {
        self.values = Some(values.to_vec());
        self
    }

    pub(crate) fn before(mut self, value: Option<impl Into<ChangeValue>>) -> Self {
        self.before = value.map(Into::into);
        self
    }

    pub(crate) fn after(mut self, value: Option<impl Into<ChangeValue>>) -> Self {
        self.after = value.map(Into::into);
        self
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
    let target = &defaults::portable_defaults(target, options);
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
        out.changes.push(
            Change::new(
                ChangeKind::AddTable,
                format!("Detected added table '{}'", t.name),
            )
            .table(&t.name),
        );
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
        out.changes.push(
            Change::new(
                ChangeKind::RemoveTable,
                format!("Detected removed table '{}'", t.name),
            )
            .table(&t.name),
        );
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
