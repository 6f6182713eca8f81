//! [`ColumnBuilder`], [`IndexBuilder`] and [`ForeignKeyBuilder`]: the
//! parts of a table.

use super::*;

/// Declares one column (see [`TableBuilder::column`]).
#[derive(Debug)]
#[must_use = "a column builder must be returned from the closure"]
pub struct ColumnBuilder {
    pub(super) name: String,
    pub(super) ty: Result<ColumnType, TypeError>,
    pub(super) not_null: bool,
    pub(super) primary_key: bool,
    pub(super) unique: bool,
    pub(super) autoincrement: bool,
    pub(super) default: Option<String>,
    pub(super) comment: Option<String>,
    pub(super) references: Vec<ForeignKey>,
}

impl ColumnBuilder {
    pub(super) fn new(name: String, ty: Result<ColumnType, TypeError>) -> Self {
        ColumnBuilder {
            name,
            ty,
            not_null: false,
            primary_key: false,
            unique: false,
            autoincrement: false,
            default: None,
            comment: None,
            references: Vec::new(),
        }
    }

    /// `NOT NULL`.
    pub fn not_null(mut self) -> Self {
        self.not_null = true;
        self
    }

    /// `PRIMARY KEY` on the column (and so NOT NULL).
    pub fn primary_key(mut self) -> Self {
        self.primary_key = true;
        self
    }

    /// `UNIQUE` on the column.
    pub fn unique(mut self) -> Self {
        self.unique = true;
        self
    }

    /// Auto-increment (`SERIAL`, `AUTO_INCREMENT`, `AUTOINCREMENT`,
    /// `GENERATED ... AS IDENTITY`).
    pub fn autoincrement(mut self) -> Self {
        self.autoincrement = true;
        self
    }

    /// `DEFAULT sql`: the server default, an SQL expression (`"0"`,
    /// `"'draft'"`, `"CURRENT_TIMESTAMP"`).
    pub fn default_sql(mut self, sql: impl Into<String>) -> Self {
        self.default = Some(sql.into());
        self
    }

    /// The column comment.
    pub fn comment(mut self, text: impl Into<String>) -> Self {
        self.comment = Some(text.into());
        self
    }

    /// `REFERENCES table (column)` on the column, with its name and actions
    /// from `declare` (`|fk| fk` for none).
    pub fn references(
        mut self,
        table: impl IntoTableName,
        column: impl Into<String>,
        declare: impl FnOnce(ForeignKeyBuilder) -> ForeignKeyBuilder,
    ) -> Self {
        let options = declare(ForeignKeyBuilder::default());
        let key = options.into_key(vec![self.name.clone()], table, vec![column.into()]);
        self.references.push(key);
        self
    }
}

/// The options of an index (see [`TableBuilder::index_with`]).
#[derive(Debug, Default)]
#[must_use = "an index builder must be returned from the closure"]
pub struct IndexBuilder {
    pub(super) unique: bool,
    pub(super) where_clause: Option<String>,
}

impl IndexBuilder {
    /// `CREATE UNIQUE INDEX`.
    pub fn unique(mut self) -> Self {
        self.unique = true;
        self
    }

    /// A partial index: `WHERE condition` (PostgreSQL, SQLite).
    pub fn where_clause(mut self, condition: impl Into<String>) -> Self {
        self.where_clause = Some(condition.into());
        self
    }
}

/// The name and actions of a foreign key (see [`TableBuilder::foreign_key`]).
#[derive(Debug, Default)]
#[must_use = "a foreign key builder must be returned from the closure"]
pub struct ForeignKeyBuilder {
    pub(super) name: Option<String>,
    pub(super) on_delete: Option<String>,
    pub(super) on_update: Option<String>,
}

impl ForeignKeyBuilder {
    /// `CONSTRAINT name`.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// `ON DELETE action`: `CASCADE`, `SET NULL`, `SET DEFAULT`,
    /// `RESTRICT` or `NO ACTION`, in any case.
    pub fn on_delete(mut self, action: impl Into<String>) -> Self {
        self.on_delete = Some(action.into());
        self
    }

    /// `ON UPDATE action`.
    pub fn on_update(mut self, action: impl Into<String>) -> Self {
        self.on_update = Some(action.into());
        self
    }

    pub(super) fn into_key(
        self,
        columns: Vec<String>,
        table: impl IntoTableName,
        referent_columns: Vec<String>,
    ) -> ForeignKey {
        ForeignKey {
            name: self.name,
            columns,
            referent_table: table.into_table_name(),
            referent_columns,
            on_delete: self.on_delete,
            on_update: self.on_update,
            ..ForeignKey::default()
        }
    }
}
