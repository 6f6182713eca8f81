//! The rules over operations and revisions.

use std::collections::HashSet;

use super::state::{self, Tables};
use super::types::{narrowing, rewrites, volatile_call};
use super::{Finding, OperationRef};
use crate::ops::{AlterColumn, Operation, Setting};
use crate::revision::{Operations, Revision};
use crate::schema::ObjectKind;

/// Linting the upgrade operations of one revision (one database's list).
pub(super) struct Context<'a, 'f> {
    pub rev: &'a Revision,
    pub database: Option<&'a str>,
    pub dialect: Option<&'a str>,
    pub on: &'a dyn Fn(&str) -> bool,
    /// Tables created earlier in the same list: empty, so adding to them
    /// or indexing them locks nothing.
    pub created: HashSet<String>,
    pub found: &'f mut Vec<Finding>,
    /// False for a revision outside `--since`: its operations only update
    /// what the tables hold.
    pub linted: bool,
}

impl Context<'_, '_> {
    /// Lints operation `index` (from 1) and applies it to `tables`.
    pub fn operation(&mut self, tables: &mut Tables, index: usize, op: &Operation) {
        if let Operation::BatchAlterTable { ops, .. } = op {
            for nested in ops {
                self.operation(tables, index, nested);
            }
            return;
        }
        if self.linted {
            self.check(tables, index, op);
        }
        tables.apply(op);
        if let Operation::CreateTable(t) = op {
            self.created.insert(t.name.to_string());
        } else if let Operation::RenameTable { table, new_name } = op
            && self.created.remove(&table.to_string())
        {
            let mut renamed = table.clone();
            renamed.name = new_name.clone();
            self.created.insert(renamed.to_string());
        }
    }

    fn push(&mut self, rule: &'static str, index: usize, op: &Operation, message: String) {
        if !(self.on)(rule) {
            return;
        }
        self.found.push(Finding {
            rule,
            revision: self.rev.id.clone(),
            path: self.rev.path.clone(),
            line: None,
            operation: Some(OperationRef {
                direction: "upgrade",
                index,
                name: op.name(),
            }),
            database: self.database.map(str::to_owned),
            message,
        });
    }

    fn is_new(&self, table: &crate::schema::TableName) -> bool {
        self.created.contains(&table.to_string())
    }

    fn check(&mut self, tables: &Tables, index: usize, op: &Operation) {
        match op {
            Operation::DropTable { table, .. } => self.push(
                "drop-table",
                index,
                op,
                format!(
                    "drops table {table} and every row in it; deploy code that no longer uses it first, \
                     keep a backup, then allow the rule for this revision \
                     (`# retort-lint: allow drop-table -- why`)"
                ),
            ),
            Operation::DropObject { id, .. } if id.kind == ObjectKind::VirtualTable => self.push(
                "drop-table",
                index,
                op,
                format!(
                    "drops virtual table {} and what its module holds (a full-text index over its own \
                     content loses the text; one over another table's rows can be rebuilt); deploy code \
                     that no longer uses it first, then allow the rule for this revision \
                     (`# retort-lint: allow drop-table -- why`)",
                    id.name
                ),
            ),
            Operation::DropColumn { table, column, .. } => self.push(
                "drop-column",
                index,
                op,
                format!(
                    "drops column {table}.{column} and its values, and running code that still reads it fails; \
                     deploy code that no longer uses it first, then allow the rule for this revision \
                     (`# retort-lint: allow drop-column -- why`)"
                ),
            ),
            Operation::AlterColumn(a) => self.alter_column(index, op, a),
            Operation::AddColumn { table, column } => {
                let empty = self.is_new(table);
                if !empty
                    && !column.nullable
                    && column.server_default.is_none()
                    && column.generated.is_none()
                {
                    self.push(
                        "not-null-without-default",
                        index,
                        op,
                        format!(
                            "adds NOT NULL column {table}.{} without a server_default: it fails on a table that has rows; \
                             add it nullable, fill it (an `execute` UPDATE), then alter_column nullable = false, \
                             or give it a server_default",
                            column.name
                        ),
                    );
                }
                if let Some(default) = &column.server_default
                    && !empty
                    && let Some(call) = volatile_call(self.dialect, default)
                {
                    self.push(
                        "volatile-default",
                        index,
                        op,
                        format!(
                            "adds {table}.{} with the volatile default {default:?} ({call}() differs per row): \
                             PostgreSQL computes it for every row, rewriting the table under an exclusive lock, \
                             and MySQL copies the table; add the column without a default, fill it in batches \
                             (`execute` UPDATEs), then set the default with alter_column",
                            column.name
                        ),
                    );
                }
            }
            Operation::CreateIndex {
                table,
                index: ix,
                concurrently: false,
            } if !self.is_new(table) => {
                self.push(
                    "index-without-concurrently",
                    index,
                    op,
                    format!(
                        "CREATE INDEX {} blocks writes to {table} while it builds; on a big table add \
                         `concurrently = true` (CREATE INDEX CONCURRENTLY, which retort runs outside the \
                         revision's transaction), or allow the rule when the table is small",
                        ix.name
                    ),
                );
            }
            Operation::DropIndex {
                table,
                name,
                definition,
                ..
            } => self.drop_index(tables, index, op, table, name, definition.as_ref()),
            Operation::DropEnumValue { name, value, .. } => self.push(
                "drop-enum-value",
                index,
                op,
                format!(
                    "drops the value {value:?} of {name}: the upgrade fails on rows that still hold it; \
                     update those rows first (an `execute` UPDATE in this revision or an earlier one)"
                ),
            ),
            _ => {}
        }
    }

    fn alter_column(&mut self, index: usize, op: &Operation, a: &AlterColumn) {
        let column = format!("{}.{}", a.table, a.column);
        if a.nullable == Some(false)
            && a.existing_nullable != Some(false)
            && !matches!(a.server_default, Some(Setting::Set(_)))
            && !matches!(
                (&a.server_default, &a.existing_server_default),
                (None, Some(Setting::Set(_)))
            )
        {
            self.push(
                "not-null-without-default",
                index,
                op,
                format!(
                    "makes {column} NOT NULL without a server_default: it fails while a row holds NULL; \
                     fill the NULLs first (an `execute` UPDATE before this operation) and give it a \
                     server_default, then allow the rule for this revision"
                ),
            );
        }
        let Some(new) = &a.ty else {
            return;
        };
        match &a.existing_type {
            Some(old) => {
                if let Some(reason) = narrowing(old, new) {
                    self.push(
                        "type-narrowing",
                        index,
                        op,
                        format!(
                            "changes {column} from {old} to {new}: {reason}; check the data first \
                             (or widen instead), then allow the rule for this revision"
                        ),
                    );
                }
                let servers: Vec<&str> = ["postgresql", "mysql"]
                    .into_iter()
                    .filter(|d| self.dialect.is_none_or(|x| x == *d))
                    .filter(|d| rewrites(d, old, new))
                    .collect();
                if !servers.is_empty() && !self.is_new(&a.table) {
                    self.push(
                        "table-rewrite",
                        index,
                        op,
                        format!(
                            "changing {column} from {old} to {new} rewrites the whole table on {} under a lock \
                             that blocks writes (and, on PostgreSQL, reads); on a big table add a new column, \
                             copy the values in batches, then switch to it",
                            servers.join(" and ")
                        ),
                    );
                }
            }
            None => {
                if !self.is_new(&a.table) {
                    self.push(
                        "table-rewrite",
                        index,
                        op,
                        format!(
                            "changes the type of {column} to {new} without existing_type, so lint cannot tell whether \
                             it narrows the type or rewrites the table; add existing_type = \"...\""
                        ),
                    );
                }
            }
        }
    }

    fn drop_index(
        &mut self,
        tables: &Tables,
        index: usize,
        op: &Operation,
        table: &crate::schema::TableName,
        name: &str,
        definition: Option<&crate::schema::Index>,
    ) {
        let Some(keys) = tables.by_name.get(&table.to_string()) else {
            return;
        };
        let Some(columns) = definition
            .map(|d| d.columns.as_slice())
            .or_else(|| keys.index_columns(name))
        else {
            return;
        };
        for (fk, fk_columns) in &keys.foreign_keys {
            if !state::serves(columns, fk_columns) {
                continue;
            }
            let other = keys
                .indexes
                .iter()
                .any(|(n, c)| n.as_deref() != Some(name) && state::serves(c, fk_columns));
            if other {
                continue;
            }
            let fk = fk.as_deref().map_or_else(
                || format!("the foreign key on ({})", fk_columns.join(", ")),
                |n| format!("foreign key {n} ({})", fk_columns.join(", ")),
            );
            self.push(
                "drop-index-used-by-foreign-key",
                index,
                op,
                format!(
                    "drops index {name}, the only index {table} has for {fk}: MySQL refuses it, and elsewhere \
                     every delete or key update in the referenced table scans {table}; create another index \
                     starting with ({}) first, or drop the foreign key first",
                    fk_columns.join(", ")
                ),
            );
            return;
        }
    }
}

/// `missing-downgrade`: upgrade operations and no downgrade at all (an
/// explicit `downgrade = []` says there is none on purpose).
pub(super) fn missing_downgrade(rev: &Revision, found: &mut Vec<Finding>) {
    let missing: Vec<Option<String>> = match (&rev.upgrade, &rev.downgrade) {
        (Operations::List(up), Operations::None) if !up.is_empty() => vec![None],
        (Operations::PerDatabase(up), down) => up
            .iter()
            .filter(|(db, ops)| {
                !ops.is_empty()
                    && !matches!(down, Operations::PerDatabase(d) if d.iter().any(|(n, _)| n == db))
            })
            .map(|(db, _)| Some(db.clone()))
            .collect(),
        _ => Vec::new(),
    };
    for database in missing {
        let list = database.as_deref().map_or_else(
            || "[[downgrade]]".to_owned(),
            |db| format!("[[downgrade.{db}]]"),
        );
        found.push(Finding {
            rule: "missing-downgrade",
            revision: rev.id.clone(),
            path: rev.path.clone(),
            line: None,
            operation: None,
            database,
            message: format!(
                "the upgrade has operations but the revision has no downgrade, so `retort downgrade` \
                 cannot undo it; write the reverse operations as {list}, or `downgrade = []` to say \
                 it has none on purpose"
            ),
        });
    }
}

/// `multiple-heads`: reported on the newest head (last in upgrade order).
pub(super) fn multiple_heads(order: &[&Revision], heads: &[&Revision]) -> Finding {
    let newest = order
        .iter()
        .rev()
        .find(|r| heads.iter().any(|h| h.id == r.id))
        .copied()
        .unwrap_or(heads[heads.len() - 1]);
    let ids: Vec<&str> = heads.iter().map(|h| h.id.as_str()).collect();
    let rebase = if heads.len() == 2 {
        format!(
            ", or move {} onto the other head with `retort rebase {}`",
            newest.id, newest.id
        )
    } else {
        String::new()
    };
    Finding {
        rule: "multiple-heads",
        revision: newest.id.clone(),
        path: newest.path.clone(),
        line: None,
        operation: None,
        database: None,
        message: format!(
            "the revision graph has {} heads ({}), so `retort upgrade head` refuses to run: \
             merge them with `retort merge heads -m \"merge heads\"`{rebase}",
            heads.len(),
            ids.join(", ")
        ),
    }
}
