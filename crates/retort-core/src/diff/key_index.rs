//! The index a foreign key stands on, where the database needs one (MySQL
//! and MariaDB's InnoDB: [`Normalizer::foreign_keys_need_index`]).
//!
//! - A unique constraint or index that is being dropped may be the only
//!   index a kept foreign key can use; InnoDB then refuses the drop (error
//!   1553, "needed in a foreign key constraint"). The key gets the plain
//!   index InnoDB would have made for it (named as a database built from
//!   the target names it): created before the drop when that name is free,
//!   which leaves the key in place; when the dropped index has that very
//!   name (MySQL names `UNIQUE (a)` `a`, and a key's index `a` too), the
//!   key is dropped first and added back after its new index, under its
//!   own name — rows are checked again when it comes back.
//! - An index made explicitly for a new foreign key takes the first free
//!   name of `<name>`, `<name>_2`, `<name>_3`, ..., as MySQL does for the
//!   index it makes by itself ("Duplicate key name" otherwise).
//!
//! [`Normalizer::foreign_keys_need_index`]: crate::diff::Normalizer::foreign_keys_need_index

use crate::diff::constraints::drop_foreign_key;
use crate::diff::{DiffOptions, Normalizer};
use crate::ops::Operation;
use crate::schema::{ForeignKey, Index, Table, UniqueConstraint};

/// The operations that keep kept foreign keys on an index.
#[derive(Default)]
pub(crate) struct KeyIndexOps {
    /// Before the table's drops: indexes to create, keys to drop.
    pub before: Vec<Operation>,
    /// After the table's creates: indexes and the keys added back.
    pub after: Vec<Operation>,
}

/// The name of a new foreign key the target leaves unnamed: the one the
/// database would give it ([`Normalizer::default_foreign_key_name`]),
/// counting past the names the table's keys already have (MySQL's
/// `<table>_ibfk_1` may be taken by a key of the live table or by another
/// new one: `ADD CONSTRAINT` with a taken name fails).
///
/// [`Normalizer::default_foreign_key_name`]: crate::diff::Normalizer::default_foreign_key_name
pub(crate) fn free_foreign_key_name(
    live: &Table,
    new_names: &[String],
    fk: &ForeignKey,
    n: &dyn Normalizer,
) -> String {
    let taken = |name: &str| {
        new_names.iter().any(|t| t == name)
            || live
                .foreign_keys
                .iter()
                .any(|f| f.name.as_deref() == Some(name))
    };
    let table = &live.name.name;
    let limit = live.foreign_keys.len() + new_names.len() + 1;
    (1..=limit)
        .map(|ordinal| n.default_foreign_key_name(table, fk, ordinal))
        .find(|name| !taken(name))
        .unwrap_or_else(|| n.default_foreign_key_name(table, fk, 1))
}

/// `base`, or `base_2`, `base_3`, ...: the first name `taken` refuses not.
pub(crate) fn free_index_name(base: &str, taken: impl Fn(&str) -> bool) -> String {
    if !taken(base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}_{n}"))
        .find(|name| !taken(name))
        .unwrap_or_else(|| base.to_owned())
}

/// The operations that keep each of `kept` (live foreign keys the target
/// still has) on an index when `dropped_indexes`, `dropped_uniques` (and
/// the primary key, when `pk_dropped`) go.
pub(crate) fn keep(
    live: &Table,
    target: &Table,
    kept: &[&ForeignKey],
    dropped_indexes: &[&Index],
    dropped_uniques: &[&UniqueConstraint],
    pk_dropped: bool,
    options: &DiffOptions,
) -> KeyIndexOps {
    let mut out = KeyIndexOps::default();
    if !options.normalizer.foreign_keys_need_index() {
        return out;
    }
    let index_dropped = |ix: &Index| dropped_indexes.iter().any(|d| d.name == ix.name);
    let unique_dropped = |u: &UniqueConstraint| {
        dropped_uniques
            .iter()
            .any(|d| d.columns == u.columns && d.name == u.name)
    };
    let pk = live.primary_key_columns();
    let mut made: Vec<String> = vec![];
    for fk in kept {
        let on = |columns: &[String]| columns.starts_with(&fk.columns);
        let stays = live
            .indexes
            .iter()
            .any(|ix| on(&ix.columns) && !index_dropped(ix))
            || live
                .uniques
                .iter()
                .any(|u| on(&u.columns) && !unique_dropped(u))
            || (!pk_dropped && !pk.is_empty() && on(&pk));
        let goes = dropped_indexes.iter().any(|ix| on(&ix.columns))
            || dropped_uniques.iter().any(|u| on(&u.columns))
            || (pk_dropped && on(&pk));
        if stays || !goes {
            continue;
        }
        // The name a database built from the target gives the key's index.
        // A target read back from the database has that index: its name
        // wins; else the key's own name, else its first column's.
        let target_fk = target
            .foreign_keys
            .iter()
            .find(|t| t.columns == fk.columns && t.referent_table == fk.referent_table);
        let made_by_database = target_fk.and_then(|t| {
            target
                .indexes
                .iter()
                .find(|ix| crate::diff::is_foreign_key_index(t, ix))
                .map(|ix| ix.name.clone())
        });
        let wanted = made_by_database
            .or_else(|| target_fk.and_then(|t| t.name.clone()))
            .unwrap_or_else(|| fk.columns[0].clone());
        let remaining = |name: &str| {
            made.iter().any(|m| m == name)
                || live
                    .indexes
                    .iter()
                    .any(|ix| ix.name == name && !index_dropped(ix))
                || live
                    .uniques
                    .iter()
                    .any(|u| u.name.as_deref() == Some(name) && !unique_dropped(u))
        };
        let now = |name: &str| {
            remaining(name)
                || dropped_indexes.iter().any(|ix| ix.name == name)
                || dropped_uniques
                    .iter()
                    .any(|u| u.name.as_deref() == Some(name))
        };
        let name = free_index_name(&wanted, remaining);
        let index = Operation::CreateIndex {
            table: live.name.clone(),
            index: Index {
                name: name.clone(),
                columns: fk.columns.clone(),
                unique: false,
                where_clause: None,
                orders: vec![],
                using: None,
            },
            concurrently: false,
        };
        let taken_now = now(&name);
        made.push(name.clone());
        if !taken_now {
            out.before.push(index);
        } else {
            out.before.push(drop_foreign_key(&live.name, fk, options));
            out.after.push(index);
            out.after.push(Operation::CreateForeignKey {
                table: live.name.clone(),
                foreign_key: (*fk).clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_name_gets_the_next_number() {
        assert_eq!(free_index_name("a", |_| false), "a");
        assert_eq!(free_index_name("a", |n| n == "a"), "a_2");
        assert_eq!(free_index_name("a", |n| n == "a" || n == "a_2"), "a_3");
    }
}
