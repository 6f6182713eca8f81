//! SQLite: the models run in a new in-memory database.

use retort_core::schema::Schema;

use super::{Located, ScratchError, run_deferring};
use crate::inspect::{InspectOptions, inspect_schema};
use crate::url::{DatabaseUrl, DialectName};

/// Runs `statements` in a new in-memory database and reads it back.
pub(super) fn read(
    statements: &[Located<'_>],
    options: &InspectOptions,
) -> Result<Schema, ScratchError> {
    let url = DatabaseUrl::parse("sqlite://").map_err(|e| ScratchError::Refused {
        path: Default::default(),
        line: 0,
        column: 0,
        product: "SQLite",
        reason: e.to_string(),
        head: String::new(),
    })?;
    let mut conn = crate::connect(&url)?;
    let texts = statements
        .iter()
        .map(|located| (located, located.statement.text.clone()));
    run_deferring(DialectName::Sqlite, texts, |sql| {
        conn.execute(sql).map(drop)
    })?;
    Ok(inspect_schema(conn.as_mut(), options)?)
}
