//! SQLite's diff hooks: the index names SQLite makes up for unique
//! constraints and primary keys (`sqlite_autoindex_<table>_<n>`), and
//! booleans stored as `1`/`0`.

use crate::dialect::{Dialect, Sqlite};
use crate::diff::Normalizer;

/// How SQLite reports a schema.
#[derive(Clone, Copy, Debug, Default)]
pub struct SqliteDiff;

impl Normalizer for SqliteDiff {
    fn dialect(&self) -> &dyn Dialect {
        &Sqlite
    }

    fn default_key(&self, sql: &str) -> Option<String> {
        crate::diff::boolean_as_number(sql).or_else(|| crate::diff::default_key(sql))
    }

    fn is_generated_index_name(&self, name: &str) -> bool {
        name.starts_with("sqlite_autoindex_")
    }
}
