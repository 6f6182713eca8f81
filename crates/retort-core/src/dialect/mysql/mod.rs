//! MySQL and MariaDB: no transactional DDL, backquoted identifiers,
//! backslash escapes in strings (made sure of for each session), inline comments, column changes through
//! `MODIFY` / `CHANGE COLUMN` (which restate the whole column, so they need
//! the `existing_*` facts), no partial indexes, enums inline in the column
//! type.

pub mod diff;
mod render;

use crate::dialect::{CommentStyle, Dialect, DialectError, Statement};
use crate::ops::{AlterColumn, Operation};
use crate::schema::{Column, ConstraintKind, ObjectKind, TableName};
use crate::types::{ColumnType, names};

/// The MySQL/MariaDB dialect.
#[derive(Clone, Copy, Debug, Default)]
pub struct MySql;

impl Dialect for MySql {
    fn name(&self) -> &'static str {
        "mysql"
    }

    fn supports_transactional_ddl(&self) -> bool {
        false
    }

    fn supports_alter_column(&self) -> bool {
        true
    }

    fn supports_alter_constraints(&self) -> bool {
        true
    }

    fn supports_add_column_constraints(&self) -> bool {
        true
    }

    fn supports_partial_indexes(&self) -> bool {
        false
    }

    fn supports_index_collation(&self) -> bool {
        false
    }

    fn supports_on_update(&self) -> bool {
        true
    }

    fn render_table_options(&self, options: &crate::schema::TableOptions) -> Option<String> {
        Some(render::table_options(options))
    }

    fn render_alter_table_options(&self, options: &crate::schema::TableOptions) -> Option<String> {
        Some(render::alter_table_options(options))
    }

    fn index_kind(&self, using: &str) -> Option<crate::dialect::IndexKind> {
        let upper = using.to_ascii_uppercase();
        matches!(upper.as_str(), "FULLTEXT" | "SPATIAL")
            .then_some(crate::dialect::IndexKind::Prefix(upper))
    }

    fn supports_foreign_key_match(&self) -> bool {
        false
    }

    fn supports_deferrable_constraints(&self) -> bool {
        false
    }

    fn comment_style(&self) -> CommentStyle {
        CommentStyle::Inline
    }

    fn supports_enum_types(&self) -> bool {
        false
    }

    fn supports_object_kind(&self, kind: ObjectKind) -> bool {
        matches!(
            kind,
            ObjectKind::View | ObjectKind::Trigger | ObjectKind::Function | ObjectKind::Procedure
        )
    }

    /// Only views: MySQL has no `CREATE OR REPLACE` for routines and triggers.
    fn supports_replace(&self, kind: ObjectKind) -> bool {
        kind == ObjectKind::View
    }

    fn rebuild_needs_foreign_keys_off(&self) -> bool {
        false
    }

    fn identifier_quote(&self) -> char {
        '`'
    }

    /// Single quotes and backslashes doubled, for MySQL's default SQL mode
    /// in which `\` starts an escape; [`session_statements`] makes sure the
    /// session has that mode.
    ///
    /// [`session_statements`]: Dialect::session_statements
    fn quote_string(&self, text: &str) -> String {
        format!("'{}'", text.replace('\\', "\\\\").replace('\'', "''"))
    }

    /// Clears `NO_BACKSLASH_ESCAPES` from the session's `sql_mode` (a
    /// server's default may set it; then `\` would be an ordinary character
    /// and the doubled backslashes of [`quote_string`] would be stored
    /// twice), keeping every other mode. mysqldump sets its own `sql_mode`
    /// the same way.
    ///
    /// [`quote_string`]: Dialect::quote_string
    fn session_statements(&self) -> Vec<Statement> {
        vec![Statement::new(
            "SET SESSION sql_mode = TRIM(BOTH ',' FROM REPLACE(CONCAT(',', @@SESSION.sql_mode, ','), ',NO_BACKSLASH_ESCAPES,', ','))",
        )]
    }

    fn render_type(&self, ty: &ColumnType) -> Result<String, DialectError> {
        render::render_type(self, ty)
    }

    fn knows_type_name(&self, name: &str) -> bool {
        names::MYSQL.contains(&name)
    }

    fn render_autoincrement(
        &self,
        column: &Column,
    ) -> Result<(String, &'static str), DialectError> {
        Ok((render::render_type(self, &column.ty)?, " AUTO_INCREMENT"))
    }

    fn alter_column(&self, alter: &AlterColumn) -> Result<Vec<Statement>, DialectError> {
        render::alter_column(self, alter)
    }

    fn drop_constraint(
        &self,
        _op: &Operation,
        table: &TableName,
        name: &str,
        kind: ConstraintKind,
    ) -> Result<Vec<Statement>, DialectError> {
        Ok(vec![render::drop_constraint(self, table, name, kind)])
    }

    fn drop_index(&self, table: &TableName, name: &str) -> Statement {
        render::drop_index(self, table, name)
    }

    fn add_enum_value(&self, op: &Operation) -> Result<Vec<Statement>, DialectError> {
        Err(DialectError::Unsupported {
            dialect: self.name(),
            operation: op.to_string(),
            reason: "MySQL has no named enum types; change each column's type with alter_column, e.g. type = \"enum('a', 'b', 'new')\"".into(),
        })
    }

    fn drop_enum_value(&self, op: &Operation) -> Result<Vec<Statement>, DialectError> {
        Err(DialectError::Unsupported {
            dialect: self.name(),
            operation: op.to_string(),
            reason: "MySQL has no named enum types; change each column's type with alter_column, e.g. type = \"enum('a', 'b')\"".into(),
        })
    }
}
