//! The application's tables, declared in Rust: the target schema that
//! `notes db migrate` and `notes db check` compare the database with (the
//! way Flask-Migrate compares it with the SQLAlchemy models).
//!
//! Change it, then run `notes db -d migrations migrate -m "..."` in this
//! package's folder: retort writes the revision file that takes a database
//! from the last revision to this schema. Commit both, and rebuild: the new
//! revision is embedded and runs at the next start-up.

use retort::core::schema::{BuildError, Schema, SchemaBuilder};
use retort::core::types::ColumnType;

/// The schema for `dialect` (`sqlite`, `postgresql` or `mysql`): defaults
/// and conditions are parsed with the dialect's SQL parser, and
/// `autoincrement` becomes what the dialect has (`AUTOINCREMENT`,
/// `SERIAL`/identity, `AUTO_INCREMENT`).
pub fn target(dialect: &str) -> Result<Schema, BuildError> {
    SchemaBuilder::new()
        .table("note", |t| {
            t.column("id", ColumnType::Integer, |c| {
                c.primary_key().autoincrement()
            })
            .column("body", "varchar(500)", |c| c.not_null())
            // Added by the second revision, with its index.
            .column("done", ColumnType::Boolean, |c| {
                c.not_null().default_sql("false")
            })
            .index("ix_note_done", ["done"])
        })
        .build_for(dialect)
}
