//! Foreign-key dependency order: the order in which tables can be created
//! so that each referenced table exists before the tables referencing it.

use crate::diff::Normalizer;
use crate::schema::{ForeignKey, Table, TableName};

/// The tables in creation order (referenced before referencing), and the
/// foreign keys taken out of them to break cycles, to be added once every
/// table exists. A table's references to itself and to tables outside
/// `tables` never constrain the order.
///
/// Kahn's algorithm, keeping the given order among tables that are free;
/// when only cycles remain, the first remaining table is created without
/// its keys to the other remaining tables — unless the dialect accepts a
/// key to a table that does not exist yet
/// ([`Dialect::supports_forward_foreign_keys`](crate::dialect::Dialect::supports_forward_foreign_keys),
/// SQLite), where it keeps them and nothing is deferred.
///
/// A deferred key the target leaves unnamed gets the name the database
/// would give it ([`Normalizer::default_foreign_key_name`], counting after
/// the table's unnamed keys that stay inline): the `create_foreign_key`
/// and its reverse `drop_constraint` then name the same constraint.
pub(crate) fn creation_order(
    tables: &[&Table],
    n: &dyn Normalizer,
) -> (Vec<Table>, Vec<(TableName, ForeignKey)>) {
    let forward = n.dialect().supports_forward_foreign_keys();
    let mut remaining: Vec<Table> = tables.iter().map(|t| (*t).clone()).collect();
    let mut ordered = Vec::with_capacity(remaining.len());
    let mut deferred = Vec::new();
    while !remaining.is_empty() {
        let free = (0..remaining.len()).find(|&i| {
            let t = &remaining[i];
            !t.foreign_keys.iter().any(|fk| {
                fk.referent_table != t.name
                    && remaining
                        .iter()
                        .enumerate()
                        .any(|(j, o)| j != i && o.name == fk.referent_table)
            })
        });
        let i = match free {
            Some(i) => i,
            None if forward => 0,
            None => {
                // A cycle: break it at the first remaining table.
                let names: Vec<TableName> = remaining.iter().map(|t| t.name.clone()).collect();
                let t = &mut remaining[0];
                let own = t.name.clone();
                let (cut, kept): (Vec<ForeignKey>, Vec<ForeignKey>) = t
                    .foreign_keys
                    .drain(..)
                    .partition(|fk| fk.referent_table != own && names.contains(&fk.referent_table));
                let mut ordinal = kept.iter().filter(|fk| fk.name.is_none()).count();
                t.foreign_keys = kept;
                deferred.extend(cut.into_iter().map(|mut fk| {
                    if fk.name.is_none() {
                        ordinal += 1;
                        fk.name = Some(n.default_foreign_key_name(&own.name, &fk, ordinal));
                    }
                    (own.clone(), fk)
                }));
                0
            }
        };
        ordered.push(remaining.remove(i));
    }
    (ordered, deferred)
}
