//! [`TableBuilder`]: one table's columns, keys, constraints, indexes and
//! comment, and how they become the reader's [`Table`].

use super::*;

/// Declares one table: its columns, keys, constraints, indexes and comment.
#[derive(Debug)]
#[must_use = "a table builder must be returned from the closure"]
pub struct TableBuilder {
    pub(super) name: TableName,
    pub(super) columns: Vec<ColumnBuilder>,
    pub(super) primary_keys: Vec<(Option<String>, Vec<String>)>,
    pub(super) uniques: Vec<UniqueConstraint>,
    pub(super) indexes: Vec<Index>,
    pub(super) foreign_keys: Vec<ForeignKey>,
    pub(super) checks: Vec<CheckConstraint>,
    pub(super) comment: Option<String>,
}

impl TableBuilder {
    pub(super) fn new(name: TableName) -> Self {
        TableBuilder {
            name,
            columns: Vec::new(),
            primary_keys: Vec::new(),
            uniques: Vec::new(),
            indexes: Vec::new(),
            foreign_keys: Vec::new(),
            checks: Vec::new(),
            comment: None,
        }
    }

    /// Adds the column `name` of type `ty` (a [`ColumnType`] or its text),
    /// nullable unless `declare` says otherwise.
    pub fn column(
        mut self,
        name: impl Into<String>,
        ty: impl IntoColumnType,
        declare: impl FnOnce(ColumnBuilder) -> ColumnBuilder,
    ) -> Self {
        let column = ColumnBuilder::new(name.into(), ty.into_column_type());
        self.columns.push(declare(column));
        self
    }

    /// `PRIMARY KEY (columns)`: the table's key, unnamed.
    pub fn primary_key<S: Into<String>>(mut self, columns: impl IntoIterator<Item = S>) -> Self {
        self.primary_keys.push((None, strings(columns)));
        self
    }

    /// `CONSTRAINT name PRIMARY KEY (columns)`.
    pub fn primary_key_named<S: Into<String>>(
        mut self,
        name: impl Into<String>,
        columns: impl IntoIterator<Item = S>,
    ) -> Self {
        self.primary_keys
            .push((Some(name.into()), strings(columns)));
        self
    }

    /// `UNIQUE (columns)`, unnamed.
    pub fn unique<S: Into<String>>(mut self, columns: impl IntoIterator<Item = S>) -> Self {
        self.uniques.push(UniqueConstraint {
            name: None,
            columns: strings(columns),
            on_conflict: None,
        });
        self
    }

    /// `CONSTRAINT name UNIQUE (columns)`.
    pub fn unique_named<S: Into<String>>(
        mut self,
        name: impl Into<String>,
        columns: impl IntoIterator<Item = S>,
    ) -> Self {
        self.uniques.push(UniqueConstraint {
            name: Some(name.into()),
            columns: strings(columns),
            on_conflict: None,
        });
        self
    }

    /// `CREATE INDEX name ON table (columns)`.
    pub fn index<S: Into<String>>(
        self,
        name: impl Into<String>,
        columns: impl IntoIterator<Item = S>,
    ) -> Self {
        self.index_with(name, columns, |ix| ix)
    }

    /// An index with options: `|ix| ix.unique().where_clause("deleted_at IS NULL")`.
    pub fn index_with<S: Into<String>>(
        mut self,
        name: impl Into<String>,
        columns: impl IntoIterator<Item = S>,
        declare: impl FnOnce(IndexBuilder) -> IndexBuilder,
    ) -> Self {
        let options = declare(IndexBuilder::default());
        self.indexes.push(Index {
            name: name.into(),
            columns: strings(columns),
            unique: options.unique,
            where_clause: options.where_clause,
            orders: vec![],
            using: None,
        });
        self
    }

    /// `FOREIGN KEY (columns) REFERENCES table (referent_columns)`, with
    /// its name and actions from `declare` (`|fk| fk` for none).
    pub fn foreign_key<S: Into<String>, R: Into<String>>(
        mut self,
        columns: impl IntoIterator<Item = S>,
        table: impl IntoTableName,
        referent_columns: impl IntoIterator<Item = R>,
        declare: impl FnOnce(ForeignKeyBuilder) -> ForeignKeyBuilder,
    ) -> Self {
        let options = declare(ForeignKeyBuilder::default());
        self.foreign_keys.push(options.into_key(
            strings(columns),
            table,
            strings(referent_columns),
        ));
        self
    }

    /// `CHECK (condition)`, unnamed.
    pub fn check(mut self, condition: impl Into<String>) -> Self {
        self.checks.push(CheckConstraint {
            name: None,
            condition: condition.into(),
        });
        self
    }

    /// `CONSTRAINT name CHECK (condition)`.
    pub fn check_named(mut self, name: impl Into<String>, condition: impl Into<String>) -> Self {
        self.checks.push(CheckConstraint {
            name: Some(name.into()),
            condition: condition.into(),
        });
        self
    }

    /// The table comment.
    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.comment = Some(text.into());
        self
    }

    /// The checked table, in the reader's representation.
    pub(super) fn finish(
        self,
        target: Target,
        enums: &[EnumType],
        declared: &[(TableName, Vec<String>)],
        p: &mut Problems<'_>,
    ) -> Table {
        let mut table = Table::new(self.name.clone());
        table.comment = self.comment;
        if self.name.name.is_empty() {
            p.add("the table name is empty");
        }
        if self.columns.is_empty() {
            p.add("no columns; declare at least one with .column(...)");
        }
        let mut primary: Vec<(Option<String>, Vec<String>)> = Vec::new();
        let mut explicit_autoincrement = Vec::new();
        let mut column_keys = Vec::new();
        for c in self.columns {
            if table.find_column(&c.name).is_some() {
                p.add(format_args!("the column {} is declared twice", c.name));
                continue;
            }
            if c.name.is_empty() {
                p.add("a column has an empty name");
            }
            if c.primary_key {
                primary.push((None, vec![c.name.clone()]));
            }
            if c.autoincrement {
                explicit_autoincrement.push(c.name.clone());
            }
            column_keys.extend(c.references);
            let ty = match c.ty {
                Ok(ty) => resolve_enum(ty, enums, &c.name, p),
                Err(e) => {
                    p.add(format_args!("column {}: {e}", c.name));
                    ColumnType::Other(e.text)
                }
            };
            let mut column = Column::new(c.name.clone(), ty);
            column.nullable = !c.not_null;
            column.unique = c.unique;
            column.comment = c.comment;
            column.server_default = c.default.map(|sql| {
                expression(target, &sql).unwrap_or_else(|e| {
                    p.add(format_args!(
                        "column {}: the default `{sql}` is not an SQL expression: {e}",
                        c.name
                    ));
                    sql
                })
            });
            table.columns.push(column);
        }
        let known = |table: &Table, what: &str, columns: &[String], p: &mut Problems<'_>| {
            if columns.is_empty() {
                p.add(format_args!("{what} has no columns"));
            }
            for c in columns {
                if table.find_column(c).is_none() {
                    p.add(format_args!(
                        "{what} names the column {c}, which the table does not have"
                    ));
                }
            }
        };
        primary.extend(self.primary_keys);
        for (name, columns) in &primary {
            let what = match name {
                Some(n) => format!("the primary key {n}"),
                None => "the primary key".to_owned(),
            };
            known(&table, &what, columns, p);
        }
        if primary.len() > 1 {
            p.add(format_args!(
                "{} primary keys are declared; a table has one: for a composite key use .primary_key([\"a\", \"b\"]) on the table",
                primary.len()
            ));
        }
        for u in self.uniques {
            let what = match &u.name {
                Some(n) => format!("the unique constraint {n}"),
                None => format!("the unique constraint on ({})", u.columns.join(", ")),
            };
            known(&table, &what, &u.columns, p);
            table.uniques.push(u);
        }
        for mut fk in column_keys.into_iter().chain(self.foreign_keys) {
            let what = format!(
                "the foreign key ({}) to {}",
                fk.columns.join(", "),
                fk.referent_table
            );
            known(&table, &what, &fk.columns, p);
            if fk.columns.len() != fk.referent_columns.len() {
                p.add(format_args!(
                    "{what} has {} columns but refers to {}",
                    fk.columns.len(),
                    fk.referent_columns.len()
                ));
            }
            let referent = if fk.referent_table == table.name {
                Some(table.columns.iter().map(|c| c.name.clone()).collect())
            } else {
                declared
                    .iter()
                    .find(|(n, _)| n == &fk.referent_table)
                    .map(|(_, cols)| cols.clone())
            };
            if let Some(columns) = referent {
                for c in &fk.referent_columns {
                    if !columns.contains(c) {
                        p.add(format_args!(
                            "{what} refers to the column {c}, which {} does not have",
                            fk.referent_table
                        ));
                    }
                }
            }
            fk.on_delete = fk.on_delete.map(|a| {
                action(&a).unwrap_or_else(|e| {
                    p.add(format_args!("{what}: ON DELETE: {e}"));
                    a
                })
            });
            fk.on_update = fk.on_update.map(|a| {
                action(&a).unwrap_or_else(|e| {
                    p.add(format_args!("{what}: ON UPDATE: {e}"));
                    a
                })
            });
            table.foreign_keys.push(fk);
        }
        for mut ck in self.checks {
            match expression(target, &ck.condition) {
                Ok(sql) => ck.condition = sql,
                Err(e) => p.add(format_args!(
                    "the check condition `{}` is not an SQL expression: {e}",
                    ck.condition
                )),
            }
            table.checks.push(ck);
        }
        for mut ix in self.indexes {
            let what = format!("the index {}", ix.name);
            if ix.name.is_empty() {
                p.add("an index has an empty name");
            }
            if table.indexes.iter().any(|other| other.name == ix.name) {
                p.add(format_args!("{what} is declared twice"));
            }
            known(&table, &what, &ix.columns, p);
            if let Some(condition) = &ix.where_clause {
                match expression(target, condition) {
                    Ok(sql) => ix.where_clause = Some(sql),
                    Err(e) => p.add(format_args!(
                        "{what}: the condition `{condition}` is not an SQL expression: {e}"
                    )),
                }
            }
            table.indexes.push(ix);
        }
        let (name, key) = primary.into_iter().next().unwrap_or_default();
        finish_keys(target, &mut table, name, key, &explicit_autoincrement);
        table
    }
}

/// Marks the key's columns, keeps a table-level key only when it is named
/// or composite, and settles auto-increment, as the models reader does.
pub(super) fn finish_keys(
    target: Target,
    table: &mut Table,
    name: Option<String>,
    key: Vec<String>,
    explicit: &[String],
) {
    for column in &mut table.columns {
        let explicit = explicit.contains(&column.name);
        if key.contains(&column.name) {
            column.primary_key = true;
            column.nullable = false;
        }
        let lone_integer_key = key.len() == 1 && key[0] == column.name && column.ty.is_integer();
        column.autoincrement = match (lone_integer_key, explicit) {
            // SQLite's rowid alias auto-increments with or without the keyword.
            (true, _) if target == Target::Sqlite => None,
            (true, explicit) => Some(explicit),
            (false, true) => Some(true),
            (false, false) => None,
        };
    }
    if name.is_some() || key.len() > 1 {
        table.primary_key = Some(PrimaryKey {
            name,
            columns: key,
            on_conflict: None,
        });
    }
}

/// A column typed with a declared enum type's name gets its values.
pub(super) fn resolve_enum(
    ty: ColumnType,
    enums: &[EnumType],
    column: &str,
    p: &mut Problems<'_>,
) -> ColumnType {
    let find = |name: &str| {
        enums
            .iter()
            .find(|e| qualified(e.schema.as_deref(), &e.name) == name)
    };
    match ty {
        ColumnType::Other(text) => match find(&text) {
            Some(e) => ColumnType::Enum {
                name: Some(text),
                values: e.values.clone(),
            },
            None => ColumnType::Other(text),
        },
        ColumnType::Enum {
            name: Some(name),
            values,
        } => {
            if let Some(e) = find(&name)
                && e.values != values
            {
                p.add(format_args!(
                    "column {column}: its enum values {values:?} differ from those of the enum type {name}, {:?}",
                    e.values
                ));
            }
            ColumnType::Enum {
                name: Some(name),
                values,
            }
        }
        other => other,
    }
}
