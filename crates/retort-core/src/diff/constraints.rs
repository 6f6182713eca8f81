//! Keys, constraints and indexes of a table in both schemas: matched by
//! definition, with names compared only when both sides have one (so a
//! target's unnamed constraint matches the name the database made up).

use crate::diff::{Change, ChangeKind, DiffOptions, is_foreign_key_index, key_index};
use crate::ops::Operation;
use crate::schema::{
    CheckConstraint, Constraint, ConstraintKind, ForeignKey, Index, PrimaryKey, Table, TableName,
    UniqueConstraint, index_expression,
};

/// The constraint operations of one table: what to drop (before columns
/// change) and what to create (after).
#[derive(Default)]
pub(crate) struct ConstraintOps {
    /// Foreign keys, indexes and constraints to drop, in that order.
    pub drops: Vec<Operation>,
    /// Keys, constraints, indexes and foreign keys to create.
    pub creates: Vec<Operation>,
    /// What was detected.
    pub changes: Vec<Change>,
}

/// A table's keys and constraints with the columns' own `primary_key` and
/// `unique` flags made table-level.
struct Flat {
    pk: Option<PrimaryKey>,
    uniques: Vec<UniqueConstraint>,
    indexes: Vec<Index>,
}

fn flatten(table: &Table, options: &DiffOptions) -> Flat {
    let columns = table.primary_key_columns();
    let pk = (!columns.is_empty()).then(|| PrimaryKey {
        name: table.primary_key.as_ref().and_then(|p| p.name.clone()),
        columns,
        on_conflict: table.primary_key.as_ref().and_then(|p| p.on_conflict),
    });
    let mut uniques = table.uniques.clone();
    for c in table.columns.iter().filter(|c| c.unique) {
        if !uniques.iter().any(|u| u.columns == [c.name.clone()]) {
            uniques.push(UniqueConstraint {
                name: None,
                columns: vec![c.name.clone()],
                on_conflict: None,
            });
        }
    }
    let indexes = table
        .indexes
        .iter()
        .filter(|ix| !options.normalizer.is_implicit_index(table, ix))
        .cloned()
        .collect();
    Flat {
        pk,
        uniques,
        indexes,
    }
}

// Standalone `create_*` constraint operations need a name (so that a later
// revision can drop them): an unnamed target constraint gets the dialect's
// default (`Normalizer::default_constraint_name`); `naming_convention`
// chooses others.

/// Pairs target items with live ones: same definition, and the same name
/// when both have one. Gives the live items left over (to drop) and the
/// target items left over (to create).
fn pair<'a, T>(
    live: &'a [T],
    target: &'a [T],
    name: impl Fn(&T) -> Option<&str>,
    same: impl Fn(&T, &T) -> bool,
) -> (Vec<&'a T>, Vec<&'a T>) {
    let mut used = vec![false; live.len()];
    let mut added = Vec::new();
    let mut unmatched = Vec::new();
    // Named pairs first, so an unnamed target does not take a named match.
    for t in target {
        let exact = live
            .iter()
            .enumerate()
            .position(|(i, l)| !used[i] && name(t).is_some() && name(t) == name(l) && same(l, t));
        match exact {
            Some(i) => used[i] = true,
            None => unmatched.push(t),
        }
    }
    for t in unmatched {
        let loose = live.iter().enumerate().position(|(i, l)| {
            !used[i] && (name(t).is_none() || name(l).is_none() || name(t) == name(l)) && same(l, t)
        });
        match loose {
            Some(i) => used[i] = true,
            None => added.push(t),
        }
    }
    let removed = live
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(l, _)| l)
        .collect();
    (removed, added)
}

/// Compares the keys, constraints and indexes of `live` and `target`.
pub(crate) fn compare(live: &Table, target: &Table, options: &DiffOptions) -> ConstraintOps {
    let n = options.normalizer;
    let table = &target.name;
    let mut out = ConstraintOps::default();
    let (l, t) = (flatten(live, options), flatten(target, options));

    let (fk_gone, fk_new) = pair(
        &live.foreign_keys,
        &target.foreign_keys,
        |f| f.name.as_deref(),
        |a, b| {
            a.columns == b.columns
                && a.referent_table == b.referent_table
                && a.referent_columns == b.referent_columns
                && n.action_key(a.on_delete.as_deref()) == n.action_key(b.on_delete.as_deref())
                && n.action_key(a.on_update.as_deref()) == n.action_key(b.on_update.as_deref())
        },
    );
    let (mut uq_gone, mut uq_new) = pair(
        &l.uniques,
        &t.uniques,
        |u| u.name.as_deref(),
        |a, b| a.columns == b.columns,
    );
    let where_key = |w: &Option<String>| w.as_deref().map(|w| n.expression_key(w));
    // Column names as they are; expressions by their normalised text.
    let parts_key = |parts: &[String]| -> Vec<String> {
        parts
            .iter()
            .map(|p| match index_expression(p) {
                Some(e) => format!("({})", n.expression_key(e)),
                None => p.clone(),
            })
            .collect()
    };
    // Collations and operator classes as names: without regard to case.
    let order_key = |o: &crate::schema::KeyOrder| {
        (
            o.collation.as_deref().map(str::to_ascii_lowercase),
            o.descending,
            o.opclass.as_deref().map(str::to_ascii_lowercase),
        )
    };
    let (mut ix_gone, mut ix_new) = pair(
        &l.indexes,
        &t.indexes,
        |i| Some(&i.name),
        |a, b| {
            parts_key(&a.columns) == parts_key(&b.columns)
                && a.unique == b.unique
                && (0..a.columns.len()).all(|i| order_key(&a.order(i)) == order_key(&b.order(i)))
                && where_key(&a.where_clause) == where_key(&b.where_clause)
                && a.using.as_deref().map(str::to_ascii_lowercase)
                    == b.using.as_deref().map(str::to_ascii_lowercase)
        },
    );
    // A unique index and a unique constraint on the same columns are the
    // same thing to most databases (MySQL reports one as the other).
    let plain_unique = |ix: &Index| ix.unique && ix.where_clause.is_none();
    uq_new.retain(|u| {
        match ix_gone
            .iter()
            .position(|ix| plain_unique(ix) && ix.columns == u.columns)
        {
            Some(i) => {
                ix_gone.remove(i);
                false
            }
            None => true,
        }
    });
    ix_new.retain(|ix| {
        match uq_gone
            .iter()
            .position(|u| plain_unique(ix) && ix.columns == u.columns)
        {
            Some(i) => {
                uq_gone.remove(i);
                false
            }
            None => true,
        }
    });
    let (ck_gone, ck_new) = pair(
        &live.checks,
        &target.checks,
        |c| c.name.as_deref(),
        |a, b| n.expression_key(&a.condition) == n.expression_key(&b.condition),
    );
    let pk_changed = l.pk.as_ref().map(|p| &p.columns) != t.pk.as_ref().map(|p| &p.columns);
    let fk_kept: Vec<&ForeignKey> = live
        .foreign_keys
        .iter()
        .filter(|f| !fk_gone.iter().any(|g| std::ptr::eq(*g, *f)))
        .collect();
    let key_indexes = key_index::keep(
        live, target, &fk_kept, &ix_gone, &uq_gone, pk_changed, options,
    );
    out.drops.extend(key_indexes.before);

    for fk in fk_gone {
        out.changes.push(foreign_key_change(
            ChangeKind::RemoveForeignKey,
            "removed",
            table,
            fk,
        ));
        out.drops.push(drop_foreign_key(table, fk, options));
        if let Some(ix) = orphaned_key_index(live, target, fk, options) {
            out.drops.push(Operation::DropIndex {
                table: table.clone(),
                name: ix.name.clone(),
                definition: Some(ix.clone()),
                concurrently: options.concurrently(),
            });
        }
    }
    for ix in ix_gone {
        out.changes.push(
            Change::new(
                ChangeKind::RemoveIndex,
                format!("Detected removed index '{}' on '{table}'", ix.name),
            )
            .table(table)
            .index(ix),
        );
        out.drops.push(Operation::DropIndex {
            table: table.clone(),
            name: ix.name.clone(),
            definition: Some(ix.clone()),
            concurrently: options.concurrently(),
        });
    }
    for u in uq_gone {
        out.changes.push(
            Change::new(
                ChangeKind::RemoveUnique,
                format!(
                    "Detected removed unique constraint {} on '{table}'",
                    describe(u.name.as_deref(), &u.columns)
                ),
            )
            .table(table)
            .constraint(u.name.as_deref())
            .columns(&u.columns),
        );
        out.drops
            .push(drop(table, Constraint::Unique(u.clone()), options));
    }
    for c in ck_gone {
        out.changes.push(
            Change::new(
                ChangeKind::RemoveCheck,
                format!(
                    "Detected removed check constraint '{}' on '{table}'",
                    c.condition
                ),
            )
            .table(table)
            .constraint(c.name.as_deref())
            .before(Some(c.condition.as_str())),
        );
        out.drops
            .push(drop(table, Constraint::Check(c.clone()), options));
    }
    if pk_changed && let Some(pk) = &l.pk {
        out.changes.push(
            Change::new(
                ChangeKind::RemovePrimaryKey,
                format!(
                    "Detected removed primary key ({}) on '{table}'",
                    pk.columns.join(", ")
                ),
            )
            .table(table)
            .constraint(pk.name.as_deref())
            .columns(&pk.columns),
        );
        out.drops
            .push(drop(table, Constraint::PrimaryKey(pk.clone()), options));
    }

    if pk_changed && let Some(pk) = &t.pk {
        out.changes.push(
            Change::new(
                ChangeKind::AddPrimaryKey,
                format!(
                    "Detected added primary key ({}) on '{table}'",
                    pk.columns.join(", ")
                ),
            )
            .table(table)
            .constraint(pk.name.as_deref())
            .columns(&pk.columns),
        );
        let mut primary_key = pk.clone();
        primary_key.name.get_or_insert_with(|| {
            n.default_constraint_name(ConstraintKind::Primary, &table.name, &pk.columns, "", "")
        });
        out.creates.push(Operation::CreatePrimaryKey {
            table: table.clone(),
            primary_key,
        });
    }
    for u in uq_new {
        out.changes.push(
            Change::new(
                ChangeKind::AddUnique,
                format!(
                    "Detected added unique constraint {} on '{table}'",
                    describe(u.name.as_deref(), &u.columns)
                ),
            )
            .table(table)
            .constraint(u.name.as_deref())
            .columns(&u.columns),
        );
        let mut constraint = u.clone();
        constraint.name.get_or_insert_with(|| {
            n.default_constraint_name(ConstraintKind::Unique, &table.name, &u.columns, "", "")
        });
        out.creates.push(Operation::CreateUniqueConstraint {
            table: table.clone(),
            constraint,
        });
    }
    for c in ck_new {
        out.changes.push(
            Change::new(
                ChangeKind::AddCheck,
                format!(
                    "Detected added check constraint '{}' on '{table}'",
                    c.condition
                ),
            )
            .table(table)
            .constraint(c.name.as_deref())
            .after(Some(c.condition.as_str())),
        );
        let mut check = CheckConstraint::clone(c);
        check.name.get_or_insert_with(|| {
            n.default_constraint_name(ConstraintKind::Check, &table.name, &[], "", &c.condition)
        });
        out.creates.push(Operation::CreateCheckConstraint {
            table: table.clone(),
            check,
        });
    }
    for ix in ix_new {
        let what = if ix.unique { "unique index" } else { "index" };
        out.changes.push(
            Change::new(
                ChangeKind::AddIndex,
                format!(
                    "Detected added {what} '{}' on '{table}' ({})",
                    ix.name,
                    ix.columns.join(", ")
                ),
            )
            .table(table)
            .index(ix),
        );
        out.creates.push(Operation::CreateIndex {
            table: table.clone(),
            index: ix.clone(),
            concurrently: options.concurrently(),
        });
    }
    // The names given to the new keys so far, which later ones avoid.
    let mut fk_names: Vec<String> = vec![];
    for fk in fk_new {
        out.changes.push(foreign_key_change(
            ChangeKind::AddForeignKey,
            "added",
            table,
            fk,
        ));
        let mut foreign_key = fk.clone();
        if foreign_key.name.is_none() {
            let name = key_index::free_foreign_key_name(live, &fk_names, fk, n);
            foreign_key.name = Some(name);
        }
        fk_names.extend(foreign_key.name.clone());
        let kept_index = live
            .indexes
            .iter()
            .any(|ix| n.is_implicit_index(live, ix) && ix.columns.starts_with(&fk.columns));
        if n.foreign_keys_need_index() && !covered(target, &fk.columns, n) && !kept_index {
            // The index the database would make by itself, made explicitly
            // so that the downgrade drops it too: named after the key, or
            // after its first column for a key the models leave unnamed
            // (the database's own choices).
            // A target read back from the database has that index already:
            // its name is the database's choice. Else the first free name
            // of the key's (or its first column's), as MySQL chooses.
            let made = target
                .indexes
                .iter()
                .find(|ix| is_foreign_key_index(fk, ix))
                .map(|ix| ix.name.clone());
            let name = match made {
                Some(name) => name,
                None => {
                    let base = fk.name.clone().unwrap_or_else(|| fk.columns[0].clone());
                    key_index::free_index_name(&base, |name| {
                        index_name_taken(live, name) || index_name_taken(target, name)
                    })
                }
            };
            out.creates.push(Operation::CreateIndex {
                table: table.clone(),
                index: Index {
                    name,
                    columns: fk.columns.clone(),
                    unique: false,
                    where_clause: None,
                    orders: vec![],
                    using: None,
                },
                concurrently: false,
            });
        }
        out.creates.push(Operation::CreateForeignKey {
            table: table.clone(),
            foreign_key,
        });
    }
    out.creates.extend(key_indexes.after);
    out
}

/// True when an index or unique constraint of `table` is named `name`.
fn index_name_taken(table: &Table, name: &str) -> bool {
    table.indexes.iter().any(|ix| ix.name == name)
        || table
            .uniques
            .iter()
            .any(|u| u.name.as_deref() == Some(name))
        || table.columns.iter().any(|c| c.unique && c.name == name)
}

fn describe(name: Option<&str>, columns: &[String]) -> String {
    match name {
        Some(n) => format!("'{n}' ({})", columns.join(", ")),
        None => format!("({})", columns.join(", ")),
    }
}

/// `drop_constraint`, carrying the definition. A constraint the database
/// left unnamed (SQLite's, MySQL's primary key) gets the dialect's default
/// name: the operation needs one to be written, and batch mode finds the
/// constraint by its definition when no constraint has the name.
fn drop(table: &TableName, c: Constraint, options: &DiffOptions) -> Operation {
    let name = match c.name() {
        Some(name) => name.to_owned(),
        None => {
            let n = options.normalizer;
            match &c {
                Constraint::PrimaryKey(pk) => n.default_constraint_name(
                    ConstraintKind::Primary,
                    &table.name,
                    &pk.columns,
                    "",
                    "",
                ),
                Constraint::Unique(u) => n.default_constraint_name(
                    ConstraintKind::Unique,
                    &table.name,
                    &u.columns,
                    "",
                    "",
                ),
                Constraint::ForeignKey(fk) => n.default_constraint_name(
                    ConstraintKind::ForeignKey,
                    &table.name,
                    &fk.columns,
                    &fk.referent_table.name,
                    "",
                ),
                Constraint::Check(ck) => n.default_constraint_name(
                    ConstraintKind::Check,
                    &table.name,
                    &[],
                    "",
                    &ck.condition,
                ),
            }
        }
    };
    Operation::DropConstraint {
        table: table.clone(),
        name,
        kind: c.kind(),
        definition: Some(c),
    }
}

/// `drop_constraint` of a foreign key, carrying its definition.
pub(crate) fn drop_foreign_key(
    table: &TableName,
    fk: &ForeignKey,
    options: &DiffOptions,
) -> Operation {
    drop(table, Constraint::ForeignKey(fk.clone()), options)
}

/// True when an index, unique constraint or the primary key of `table`
/// starts with `columns` (so a foreign key on them needs no index of its
/// own).
/// Whether `columns` lead a key or index of `table` other than the one a
/// database that indexes foreign keys made by itself (a target read back
/// from the database has those too).
fn covered(table: &Table, columns: &[String], n: &dyn crate::diff::Normalizer) -> bool {
    let pk = table.primary_key_columns();
    table
        .indexes
        .iter()
        .filter(|ix| !n.is_implicit_index(table, ix))
        .any(|ix| ix.columns.starts_with(columns))
        || table.uniques.iter().any(|u| u.columns.starts_with(columns))
        || (columns.len() == 1
            && table
                .columns
                .iter()
                .any(|c| c.unique && c.name == columns[0]))
        || pk.starts_with(columns)
}

/// The index the database made by itself for a foreign key that is being
/// dropped, when nothing in the target keeps it: no index of that name,
/// and no foreign key of the target that could use it.
fn orphaned_key_index<'a>(
    live: &'a Table,
    target: &Table,
    fk: &ForeignKey,
    options: &DiffOptions,
) -> Option<&'a Index> {
    let n = options.normalizer;
    if !n.foreign_keys_need_index() {
        return None;
    }
    let ix = live
        .indexes
        .iter()
        .find(|ix| is_foreign_key_index(fk, ix))?;
    let kept = target.indexes.iter().any(|t| t.name == ix.name)
        || target
            .foreign_keys
            .iter()
            .any(|t| t.columns.starts_with(&ix.columns));
    (!kept).then_some(ix)
}

/// `Detected added foreign key (a) -> t(id) on table 'x'` (or removed),
/// with its structured fields.
fn foreign_key_change(kind: ChangeKind, verb: &str, table: &TableName, fk: &ForeignKey) -> Change {
    Change::new(
        kind,
        format!(
            "Detected {verb} foreign key ({}) -> {}({}) on table '{table}'",
            fk.columns.join(", "),
            fk.referent_table,
            fk.referent_columns.join(", ")
        ),
    )
    .table(table)
    .constraint(fk.name.as_deref())
    .columns(&fk.columns)
    .references(&fk.referent_table, &fk.referent_columns)
}
