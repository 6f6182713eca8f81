//! What the upgrade operations of the revisions so far say about each
//! table's keys and indexes: what `drop-index-used-by-foreign-key` needs
//! to know which index a foreign key uses, from the files alone.

use std::collections::HashMap;

use crate::ops::Operation;
use crate::schema::Table;

/// One table's keys and indexes, by their columns.
#[derive(Clone, Debug, Default)]
pub(super) struct TableKeys {
    /// Foreign keys: name (when named) and local columns.
    pub foreign_keys: Vec<(Option<String>, Vec<String>)>,
    /// Indexes, primary key and unique constraints: name and columns.
    pub indexes: Vec<(Option<String>, Vec<String>)>,
}

impl TableKeys {
    fn of(table: &Table) -> TableKeys {
        let mut keys = TableKeys::default();
        let pk: Vec<String> = match &table.primary_key {
            Some(pk) => pk.columns.clone(),
            None => table
                .columns
                .iter()
                .filter(|c| c.primary_key)
                .map(|c| c.name.clone())
                .collect(),
        };
        if !pk.is_empty() {
            keys.indexes.push((None, pk));
        }
        for c in table.columns.iter().filter(|c| c.unique) {
            keys.indexes.push((None, vec![c.name.clone()]));
        }
        for u in &table.uniques {
            keys.indexes.push((u.name.clone(), u.columns.clone()));
        }
        for i in &table.indexes {
            keys.indexes.push((Some(i.name.clone()), i.columns.clone()));
        }
        for fk in &table.foreign_keys {
            keys.foreign_keys
                .push((fk.name.clone(), fk.columns.clone()));
        }
        keys
    }

    /// The columns of the index `name`, when known.
    pub fn index_columns(&self, name: &str) -> Option<&[String]> {
        self.indexes
            .iter()
            .find(|(n, _)| n.as_deref() == Some(name))
            .map(|(_, c)| c.as_slice())
    }
}

/// Whether an index on `index` can serve a foreign key on `fk` (its
/// columns lead the index, in order: what MySQL requires).
pub(super) fn serves(index: &[String], fk: &[String]) -> bool {
    !fk.is_empty() && index.len() >= fk.len() && index[..fk.len()] == *fk
}

/// Every table's keys, by `schema.name`.
#[derive(Debug, Default)]
pub(super) struct Tables {
    pub by_name: HashMap<String, TableKeys>,
}

impl Tables {
    /// Applies one (non-batch) upgrade operation.
    pub fn apply(&mut self, op: &Operation) {
        let key = |t: &crate::schema::TableName| t.to_string();
        match op {
            Operation::CreateTable(t) => {
                self.by_name.insert(key(&t.name), TableKeys::of(t));
            }
            Operation::DropTable { table, .. } => {
                self.by_name.remove(&key(table));
            }
            Operation::RenameTable { table, new_name } => {
                if let Some(keys) = self.by_name.remove(&key(table)) {
                    let mut renamed = table.clone();
                    renamed.name = new_name.clone();
                    self.by_name.insert(key(&renamed), keys);
                }
            }
            Operation::CreateIndex { table, index, .. } => {
                self.entry(&key(table))
                    .indexes
                    .push((Some(index.name.clone()), index.columns.clone()));
            }
            Operation::DropIndex { table, name, .. } => {
                self.entry(&key(table))
                    .indexes
                    .retain(|(n, _)| n.as_deref() != Some(name));
            }
            Operation::CreateUniqueConstraint { table, constraint } => {
                self.entry(&key(table))
                    .indexes
                    .push((constraint.name.clone(), constraint.columns.clone()));
            }
            Operation::CreatePrimaryKey { table, primary_key } => {
                self.entry(&key(table))
                    .indexes
                    .push((primary_key.name.clone(), primary_key.columns.clone()));
            }
            Operation::CreateForeignKey { table, foreign_key } => {
                self.entry(&key(table))
                    .foreign_keys
                    .push((foreign_key.name.clone(), foreign_key.columns.clone()));
            }
            Operation::DropConstraint { table, name, .. } => {
                let keys = self.entry(&key(table));
                keys.foreign_keys
                    .retain(|(n, _)| n.as_deref() != Some(name));
                keys.indexes.retain(|(n, _)| n.as_deref() != Some(name));
            }
            Operation::AddColumn { table, column } if column.unique || column.primary_key => {
                self.entry(&key(table))
                    .indexes
                    .push((None, vec![column.name.clone()]));
            }
            Operation::BatchAlterTable { ops, .. } => {
                for nested in ops {
                    self.apply(nested);
                }
            }
            _ => {}
        }
    }

    fn entry(&mut self, table: &str) -> &mut TableKeys {
        self.by_name.entry(table.to_owned()).or_default()
    }
}
