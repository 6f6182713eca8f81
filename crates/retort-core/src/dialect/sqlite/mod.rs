//! SQLite: transactional DDL, but `ALTER TABLE` only renames tables and
//! columns and adds plain columns; everything else goes through
//! `batch_alter_table` (move-and-copy). Comments are not stored and are
//! ignored, as in Alembic's SQLite implementation.

pub mod diff;
mod render;

use crate::dialect::{CommentStyle, Dialect, DialectError, Statement};
use crate::schema::{Column, ObjectKind, TableName};
use crate::types::ColumnType;

/// The SQLite dialect.
#[derive(Clone, Copy, Debug, Default)]
pub struct Sqlite;

/// A column's declared type as a [`ColumnType`]: the portable type when
/// SQLite renders it back to the same text (`INTEGER`, `varchar( 20 )`),
/// else the text itself (`INT`, `TIMESTAMP`), so that a table rebuilt
/// from its model declares its columns exactly as before. SQLite keeps
/// the declared text, and both the inspector and the models parser read
/// types this way.
pub fn declared_type(declared: &str) -> ColumnType {
    let squeeze = |s: &str| -> String {
        s.chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect()
    };
    match ColumnType::parse(declared) {
        Ok(ty)
            if Sqlite
                .render_type(&ty)
                .is_ok_and(|rendered| squeeze(&rendered) == squeeze(declared)) =>
        {
            ty
        }
        _ => ColumnType::Other(declared.to_owned()),
    }
}

impl Dialect for Sqlite {
    fn name(&self) -> &'static str {
        "sqlite"
    }

    fn supports_transactional_ddl(&self) -> bool {
        true
    }

    fn supports_alter_column(&self) -> bool {
        false
    }

    fn supports_alter_constraints(&self) -> bool {
        false
    }

    fn supports_add_column_constraints(&self) -> bool {
        false
    }

    fn supports_partial_indexes(&self) -> bool {
        true
    }

    fn supports_conflict_clauses(&self) -> bool {
        true
    }

    fn supports_autoincrement_keyword(&self) -> bool {
        true
    }

    fn supports_without_rowid(&self) -> bool {
        true
    }

    fn supports_strict_tables(&self) -> bool {
        true
    }

    fn qualifies_index_name(&self) -> bool {
        true
    }

    fn comment_style(&self) -> CommentStyle {
        CommentStyle::Ignored
    }

    /// Views, triggers and virtual tables.
    fn supports_object_kind(&self, kind: ObjectKind) -> bool {
        matches!(
            kind,
            ObjectKind::View | ObjectKind::Trigger | ObjectKind::VirtualTable
        )
    }

    fn supports_untyped_columns(&self) -> bool {
        true
    }

    fn supports_enum_types(&self) -> bool {
        false
    }

    fn rebuild_needs_foreign_keys_off(&self) -> bool {
        true
    }

    fn supports_table_rebuild(&self) -> bool {
        true
    }

    /// `sqlite_sequence` keeps one row per `AUTOINCREMENT` table, by name:
    /// `to`'s row (made by the copy, with the highest id copied) becomes a
    /// copy of `from`'s (the highest id ever used).
    fn copy_sequence(&self, from: &TableName, to: &TableName) -> Vec<Statement> {
        render::copy_sequence(self, from, to)
    }

    fn supports_forward_foreign_keys(&self) -> bool {
        true
    }

    /// `1` and `0`: what SQLite stores for booleans (and older versions
    /// without `TRUE`/`FALSE` understand).
    fn render_bool(&self, value: bool) -> &'static str {
        if value { "1" } else { "0" }
    }

    /// `0`/`1` for the portable `false`/`true` that revisions write;
    /// any other spelling SQLite reads as the same value (`0`, `TRUE`,
    /// `False`) as written, since SQLite keeps a default's text as written
    /// and a table rebuilt from its model then reads back the same.
    fn render_boolean_default(&self, written: &str, value: bool) -> String {
        let bare = written.trim();
        let verbatim = ["0", "1", "true", "false"]
            .iter()
            .any(|w| bare.eq_ignore_ascii_case(w))
            && bare != "true"
            && bare != "false";
        if verbatim {
            bare.to_owned()
        } else {
            self.render_bool(value).to_owned()
        }
    }

    fn render_type(&self, ty: &ColumnType) -> Result<String, DialectError> {
        Ok(render::render_type(ty))
    }

    fn render_autoincrement(
        &self,
        column: &Column,
    ) -> Result<(String, &'static str), DialectError> {
        Ok((render::render_type(&column.ty), ""))
    }
}
