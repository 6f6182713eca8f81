//! MySQL's and MariaDB's diff hooks: `tinyint(1)` for booleans, display
//! widths (`int(11)`), `RESTRICT` as the default foreign key action,
//! booleans stored as `1`/`0`, and the index MySQL creates for each
//! foreign key.

use crate::dialect::{Dialect, MySql};
use crate::diff::Normalizer;
use crate::schema::{ConstraintKind, ForeignKey, Index, Table};

/// How MySQL reports a schema.
#[derive(Clone, Copy, Debug, Default)]
pub struct MySqlDiff;

impl Normalizer for MySqlDiff {
    fn dialect(&self) -> &dyn Dialect {
        &MySql
    }

    fn type_alias(&self, base: &str, args: Option<&str>) -> Option<String> {
        match (base, args) {
            ("tinyint", Some("1")) | ("bool", None) | ("boolean", None) => Some("boolean".into()),
            ("int" | "integer" | "mediumint", Some(_)) => Some("integer".into()),
            ("bigint", Some(_)) => Some("bigint".into()),
            ("smallint", Some(_)) => Some("smallint".into()),
            _ => None,
        }
    }

    fn default_key(&self, sql: &str) -> Option<String> {
        crate::diff::boolean_as_number(sql).or_else(|| crate::diff::default_key(sql))
    }

    fn action_key(&self, action: Option<&str>) -> String {
        let a = action
            .map(|a| a.trim().to_ascii_uppercase())
            .unwrap_or_default();
        if a == "NO ACTION" || a == "RESTRICT" {
            String::new()
        } else {
            a
        }
    }

    /// The names MySQL itself gives: a unique key named after its first
    /// column, `<table>_ibfk_1` for a table's first unnamed foreign key
    /// (later ones count up, which this hook cannot know). A primary key
    /// is always `PRIMARY` whatever its declared name (which MySQL
    /// refuses as a name), so it keeps the portable `pk_<table>`.
    fn default_constraint_name(
        &self,
        kind: ConstraintKind,
        table: &str,
        columns: &[String],
        referred: &str,
        condition: &str,
    ) -> String {
        match (kind, columns.first()) {
            (ConstraintKind::Unique, Some(first)) => first.clone(),
            (ConstraintKind::ForeignKey, _) => format!("{table}_ibfk_1"),
            _ => crate::diff::default_constraint_name(kind, table, columns, referred, condition),
        }
    }

    /// `<table>_ibfk_<n>`: MySQL numbers a table's unnamed foreign keys.
    fn default_foreign_key_name(&self, table: &str, _fk: &ForeignKey, ordinal: usize) -> String {
        format!("{table}_ibfk_{ordinal}")
    }

    fn foreign_keys_need_index(&self) -> bool {
        true
    }

    /// The index MySQL makes for a foreign key whose columns no index
    /// covers: named after the key, or after its first column when the key
    /// itself has no name of the user's.
    fn is_implicit_index(&self, table: &Table, index: &Index) -> bool {
        table
            .foreign_keys
            .iter()
            .any(|fk| crate::diff::is_foreign_key_index(fk, index))
            || crate::diff::is_implicit_index(self, table, index)
    }
}
