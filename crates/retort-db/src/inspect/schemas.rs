//! Which schemas autogenerate compares: `include_schemas` and
//! `exclude_schemas` of `retort.toml`, after Alembic's `include_schemas`.
//!
//! - By default only the default schema is compared (PostgreSQL's
//!   `current_schema()`, MySQL's database, SQLite's `main`): the live side
//!   reads it alone, and the target's tables of other schemas
//!   (`CREATE TABLE audit.log ...`) are left out of the comparison rather
//!   than created again by every `migrate`.
//! - `include_schemas = ["audit", ...]` (PostgreSQL) also reads those
//!   schemas; their tables carry the schema's name, as the target's
//!   `audit.log` does. The default schema is always compared; listing it
//!   by name changes nothing.
//! - `exclude_schemas` removes schemas from the comparison, on both sides.
//!
//! A table of a compared schema is then found on both sides, whatever
//! schema its foreign keys point to.

use retort_core::schema::{Schema, TableName};

use crate::connection::Connection;
use crate::error::DbError;
use crate::inspect::{InspectOptions, inspect_schema};
use crate::url::DialectName;

/// The schemas to compare besides the default one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SchemaSelection {
    /// `include_schemas`: also compare these.
    pub include: Vec<String>,
    /// `exclude_schemas`: never compare these.
    pub exclude: Vec<String>,
}

impl SchemaSelection {
    /// The selection of `include_schemas` and `exclude_schemas`.
    pub fn new(include: &[String], exclude: &[String]) -> Self {
        SchemaSelection {
            include: include.to_vec(),
            exclude: exclude.to_vec(),
        }
    }

    /// Whether tables of `schema` (`None`: the default one) are compared.
    pub fn compares(&self, schema: Option<&str>) -> bool {
        match schema {
            None => true,
            Some(s) => self.include.iter().any(|i| i == s) && !self.exclude.iter().any(|e| e == s),
        }
    }

    /// The named schemas read besides the default one, in the order given.
    fn extra(&self, default: &str) -> Vec<&str> {
        let mut out: Vec<&str> = vec![];
        for s in &self.include {
            if s != default && self.compares(Some(s)) && !out.contains(&s.as_str()) {
                out.push(s);
            }
        }
        out
    }

    /// `target` without the tables (and enum types) of schemas that are not
    /// compared.
    pub fn target(&self, target: &Schema) -> Schema {
        let mut out = target.clone();
        out.tables
            .retain(|t| self.compares(t.name.schema.as_deref()));
        out.enums.retain(|e| self.compares(e.schema.as_deref()));
        out
    }

    /// Reads the default schema and each included one into one [`Schema`].
    /// Tables of a named schema carry its name, and so do their foreign
    /// keys to tables of that schema; keys to the default schema's tables
    /// carry none, as in the target.
    pub fn inspect(
        &self,
        conn: &mut dyn Connection,
        options: &InspectOptions,
    ) -> Result<Schema, DbError> {
        let mut live = inspect_schema(conn, options)?;
        if self.include.is_empty() {
            return Ok(live);
        }
        if conn.dialect() != DialectName::Postgresql {
            return Err(DbError::Unsupported {
                url: conn.url().masked().to_owned(),
                dialect: conn.dialect(),
                what: "include_schemas (comparing tables of other schemas; PostgreSQL only)",
            });
        }
        let default = conn
            .query_column(CURRENT_SCHEMA)?
            .into_iter()
            .next()
            .unwrap_or_default();
        for name in self.extra(&default) {
            let mut more = inspect_schema(conn, &options.clone().schema(name))?;
            for t in &mut more.tables {
                for fk in &mut t.foreign_keys {
                    fk.referent_table.schema = match fk.referent_table.schema.take() {
                        // The inspector names keys to its own schema's
                        // tables without a schema.
                        None => Some(name.to_owned()),
                        Some(s) if s == default => None,
                        other => other,
                    };
                }
            }
            live.tables.extend(more.tables);
            for e in more.enums {
                if !live
                    .enums
                    .iter()
                    .any(|l| l.schema == e.schema && l.name == e.name)
                {
                    live.enums.push(e);
                }
            }
        }
        live.tables.sort_by(|a, b| key(&a.name).cmp(&key(&b.name)));
        Ok(live)
    }
}

/// Tables in name order, the default schema's first.
fn key(name: &TableName) -> (bool, Option<&str>, &str) {
    (name.schema.is_some(), name.schema.as_deref(), &name.name)
}

/// The default schema's name, to tell it from the included ones.
const CURRENT_SCHEMA: &str = "SELECT CAST(current_schema() AS text)";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_schema_is_always_compared_others_only_when_included() {
        let s = SchemaSelection::new(&["audit".into(), "tmp".into()], &["tmp".into()]);
        assert!(s.compares(None));
        assert!(s.compares(Some("audit")));
        assert!(!s.compares(Some("tmp")));
        assert!(!s.compares(Some("other")));
        assert_eq!(s.extra("public"), ["audit"]);
        assert!(SchemaSelection::default().extra("public").is_empty());
    }
}
