//! PostgreSQL: transactional DDL, every `ALTER`, `COMMENT ON`, named enum
//! types (`CREATE TYPE ... AS ENUM`).

pub mod diff;
mod render;

use crate::dialect::ddl::{qualified, render_default};
use crate::dialect::{CommentStyle, Dialect, DialectError, Statement};
use crate::ops::{AlterColumn, Setting};
use crate::schema::{Column, ObjectKind};
use crate::types::{ColumnType, names};

/// The PostgreSQL dialect.
#[derive(Clone, Copy, Debug, Default)]
pub struct Postgres;

impl Dialect for Postgres {
    fn name(&self) -> &'static str {
        "postgresql"
    }

    fn supports_transactional_ddl(&self) -> bool {
        true
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
        true
    }

    fn supports_concurrent_indexes(&self) -> bool {
        true
    }

    fn supports_partition_by(&self) -> bool {
        true
    }

    fn index_kind(&self, using: &str) -> Option<crate::dialect::IndexKind> {
        // Any access method: an extension may add its own (`ivfflat`).
        // MySQL's kinds are not access methods.
        let mysql = ["fulltext", "spatial"].contains(&using.to_ascii_lowercase().as_str());
        let plain = !using.is_empty()
            && !mysql
            && using.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        plain.then(|| crate::dialect::IndexKind::Method(using.to_ascii_lowercase()))
    }

    fn supports_virtual_generated_columns(&self) -> bool {
        false
    }

    fn comment_style(&self) -> CommentStyle {
        CommentStyle::Separate
    }

    fn supports_enum_types(&self) -> bool {
        true
    }

    fn supports_index_opclass(&self) -> bool {
        true
    }

    fn supports_object_kind(&self, kind: ObjectKind) -> bool {
        kind != ObjectKind::VirtualTable
    }

    fn supports_replace(&self, kind: ObjectKind) -> bool {
        crate::ops::replaceable(kind)
    }

    fn replace_view_keeps_columns(&self) -> bool {
        true
    }

    fn drop_trigger_names_table(&self) -> bool {
        true
    }

    fn drop_routine_names_arguments(&self) -> bool {
        true
    }

    fn rebuild_needs_foreign_keys_off(&self) -> bool {
        false
    }

    /// `'...'` with quotes doubled; a string holding a backslash is an
    /// escape string, `E'...'`, with backslashes doubled too. A plain
    /// `'a\b'` means two different things depending on the session's
    /// `standard_conforming_strings` (off, `\'` escapes the quote and the
    /// literal ends later than it seems); an escape string reads the same
    /// under any setting.
    fn quote_string(&self, text: &str) -> String {
        let quoted = text.replace('\'', "''");
        if text.contains('\\') {
            format!("E'{}'", quoted.replace('\\', "\\\\"))
        } else {
            format!("'{quoted}'")
        }
    }

    fn render_type(&self, ty: &ColumnType) -> Result<String, DialectError> {
        render::render_type(self, ty)
    }

    fn knows_type_name(&self, name: &str) -> bool {
        names::POSTGRESQL.contains(&name)
    }

    fn render_autoincrement(
        &self,
        column: &Column,
    ) -> Result<(String, &'static str), DialectError> {
        Ok((render::serial(self, &column.ty)?, ""))
    }

    /// The shared `ALTER COLUMN` clauses; a type change with `USING` (see
    /// [`type_change_using`](Dialect::type_change_using)) or to or from a
    /// string type first drops the column's default, which PostgreSQL
    /// would otherwise try to cast without the `USING` and fail ("default
    /// for column cannot be cast automatically") or keep in the old type's
    /// spelling, and puts it back after the type (without the old type's
    /// casts), unless the operation sets a new one.
    fn alter_column(&self, alter: &AlterColumn) -> Result<Vec<Statement>, DialectError> {
        let mut out = crate::dialect::ddl::alter_column(self, alter)?;
        let Some(Setting::Set(existing)) = &alter.existing_server_default else {
            return Ok(out);
        };
        let (Some(from), Some(to)) = (&alter.existing_type, &alter.ty) else {
            return Ok(out);
        };
        if !render::needs_using(from, to) && !render::crosses_string_types(from, to) {
            return Ok(out);
        }
        let head = format!(
            "ALTER TABLE {} ALTER COLUMN {}",
            qualified(self, &alter.table),
            self.quote_identifier(&alter.column)
        );
        if alter.server_default.is_none() {
            let value = diff::strip_casts(existing);
            let value = render_default(self, alter.ty.as_ref(), &value);
            // After the TYPE statement, the first of the shared clauses.
            out.insert(1, Statement::new(format!("{head} SET DEFAULT {value}")));
        }
        out.insert(0, Statement::new(format!("{head} DROP DEFAULT")));
        Ok(out)
    }

    /// `"col"::<new type>` when `render::needs_using` says PostgreSQL has
    /// no implicit or assignment cast from the old type to the new one.
    fn type_change_using(&self, alter: &AlterColumn) -> Result<Option<String>, DialectError> {
        let (Some(from), Some(to)) = (&alter.existing_type, &alter.ty) else {
            return Ok(None);
        };
        if !render::needs_using(from, to) {
            return Ok(None);
        }
        Ok(Some(format!(
            "{}::{}",
            self.quote_identifier(&alter.column),
            render::render_type(self, to)?
        )))
    }
}
