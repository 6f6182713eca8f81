//! The version table: one row per applied head, Alembic's model (SPEC
//! section 1), `version_num VARCHAR(32) NOT NULL PRIMARY KEY`.
//!
//! Every statement is available as text (for offline `--sql` scripts) and
//! is run through [`Connection::execute`] online, so both paths send the same
//! SQL.

use retort_core::Config;
use retort_core::RevisionId;
use retort_core::graph::VersionUpdate;

use crate::connection::Connection;
use crate::error::DbError;
use crate::quote;
use crate::url::DialectName;

/// The version table's default name.
pub const DEFAULT_VERSION_TABLE: &str = "retort_version";

/// The longest revision id the table holds (`version_num VARCHAR(32)`, as
/// Alembic's): a plan with a longer id is refused before it runs.
pub const MAX_REVISION_ID_LENGTH: usize = 32;

/// The version table of one database: its name and schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VersionTable {
    /// The table's name.
    pub name: String,
    /// The schema holding it (PostgreSQL schema, MySQL database, SQLite
    /// attached database); the connection's default when `None`.
    pub schema: Option<String>,
}

/// How many rows a statement must change for the table to be as planned.
pub(crate) enum Expect {
    Any,
    One {
        action: &'static str,
        id: RevisionId,
    },
}

impl VersionTable {
    /// A version table named `name` in `schema`.
    pub fn new(name: impl Into<String>, schema: Option<String>) -> VersionTable {
        VersionTable {
            name: name.into(),
            schema,
        }
    }

    /// The table `version_table` and `version_table_schema` configure.
    pub fn from_config(config: &Config) -> VersionTable {
        VersionTable::new(
            config.version_table.clone(),
            config.version_table_schema.clone(),
        )
    }

    /// The quoted, schema-qualified name.
    pub fn qualified(&self, dialect: DialectName) -> String {
        quote::qualified(dialect, self.schema.as_deref(), &self.name)
    }

    /// `CREATE TABLE IF NOT EXISTS` for the table, as Alembic writes it
    /// (`IF NOT EXISTS`: two runs that start at once on a cluster both
    /// create it, and an offline script replays on a database that has it).
    pub fn create_sql(&self, dialect: DialectName) -> String {
        format!(
            "CREATE TABLE IF NOT EXISTS {} (\n    version_num VARCHAR(32) NOT NULL,\n    \
             CONSTRAINT {} PRIMARY KEY (version_num)\n)",
            self.qualified(dialect),
            quote::ident(dialect, &format!("{}_pkc", self.name)),
        )
    }

    /// A query returning one row when the table exists and none otherwise.
    pub fn exists_sql(&self, dialect: DialectName) -> String {
        exists_sql(dialect, self.schema.as_deref(), &self.name)
    }

    /// The query reading the rows.
    pub fn select_sql(&self, dialect: DialectName) -> String {
        format!("SELECT version_num FROM {}", self.qualified(dialect))
    }

    /// The statements that make `update`'s change, in order.
    pub fn update_statements(&self, dialect: DialectName, update: &VersionUpdate) -> Vec<String> {
        self.update_plan(dialect, update)
            .into_iter()
            .map(|(sql, _)| sql)
            .collect()
    }

    /// Whether the table exists.
    pub fn exists(&self, conn: &mut dyn Connection) -> Result<bool, DbError> {
        let sql = self.exists_sql(conn.dialect());
        Ok(!conn.query_column(&sql)?.is_empty())
    }

    /// Creates the table unless it exists. On MySQL this commits any open
    /// transaction (as all DDL does there): call it before starting one.
    pub fn ensure(&self, conn: &mut dyn Connection) -> Result<(), DbError> {
        if !self.exists(conn)? {
            conn.execute(&self.create_sql(conn.dialect()))?;
        }
        Ok(())
    }

    /// The rows: the applied heads. Empty when the table does not exist yet,
    /// as for a database never migrated.
    pub fn read(&self, conn: &mut dyn Connection) -> Result<Vec<RevisionId>, DbError> {
        if !self.exists(conn)? {
            return Ok(Vec::new());
        }
        let sql = self.select_sql(conn.dialect());
        Ok(conn
            .query_column(&sql)?
            .into_iter()
            .map(RevisionId::new)
            .collect())
    }

    /// Makes `update`'s change. A row to update or delete that is not there
    /// exactly once is a [`DbError::VersionRows`]: the table no longer holds
    /// what the plan was made from.
    pub fn apply(&self, conn: &mut dyn Connection, update: &VersionUpdate) -> Result<(), DbError> {
        for (sql, expect) in self.update_plan(conn.dialect(), update) {
            let changed = conn.execute(&sql)?;
            self.check_changed(conn.dialect(), expect, changed)?;
        }
        Ok(())
    }

    /// A [`DbError::VersionRows`] when a statement changed another number
    /// of rows than `expect` says.
    pub(crate) fn check_changed(
        &self,
        dialect: DialectName,
        expect: Expect,
        changed: u64,
    ) -> Result<(), DbError> {
        match expect {
            Expect::One { action, id } if changed != 1 => Err(DbError::VersionRows {
                table: self.qualified(dialect),
                action,
                id: id.to_string(),
                found: changed,
            }),
            _ => Ok(()),
        }
    }

    /// The statements of `update`, each with the rows it must change.
    pub(crate) fn update_plan(
        &self,
        dialect: DialectName,
        update: &VersionUpdate,
    ) -> Vec<(String, Expect)> {
        let table = self.qualified(dialect);
        let lit = |id: &RevisionId| quote::literal(dialect, id.as_str());
        let insert = |id: &RevisionId| {
            (
                format!("INSERT INTO {table} (version_num) VALUES ({})", lit(id)),
                Expect::Any,
            )
        };
        let delete = |id: &RevisionId| {
            (
                format!("DELETE FROM {table} WHERE version_num = {}", lit(id)),
                Expect::One {
                    action: "delete",
                    id: id.clone(),
                },
            )
        };
        let set = |from: &RevisionId, to: &RevisionId| {
            (
                format!(
                    "UPDATE {table} SET version_num = {} WHERE version_num = {}",
                    lit(to),
                    lit(from)
                ),
                Expect::One {
                    action: "update",
                    id: from.clone(),
                },
            )
        };
        match update {
            VersionUpdate::Insert(id) => vec![insert(id)],
            VersionUpdate::Delete(id) => vec![delete(id)],
            VersionUpdate::Update { from, to } => vec![set(from, to)],
            VersionUpdate::Merge {
                delete: gone,
                from,
                to,
            } => gone
                .iter()
                .map(delete)
                .chain(std::iter::once(set(from, to)))
                .collect(),
            VersionUpdate::Unmerge {
                from,
                to,
                insert: new,
            } => new
                .iter()
                .map(insert)
                .chain(std::iter::once(set(from, to)))
                .collect(),
            VersionUpdate::Purge => vec![(format!("DELETE FROM {table}"), Expect::Any)],
        }
    }
}

/// A query returning a row when table `name` exists in `schema` (or in the
/// connection's default schema).
pub(crate) fn exists_sql(dialect: DialectName, schema: Option<&str>, name: &str) -> String {
    match dialect {
        // Each attached database has its own catalogue.
        DialectName::Sqlite => format!(
            "SELECT name FROM {}.sqlite_master WHERE type = 'table' AND name = {}",
            quote::ident(dialect, schema.unwrap_or("main")),
            quote::literal(dialect, name)
        ),
        // to_regclass follows search_path when there is no schema, and is
        // NULL (not an error) when nothing has the name.
        DialectName::Postgresql => format!(
            "SELECT 1 WHERE to_regclass({}) IS NOT NULL",
            quote::literal(dialect, &quote::qualified(dialect, schema, name))
        ),
        DialectName::Mysql => format!(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = {} AND table_name = {}",
            schema.map_or_else(|| "DATABASE()".to_owned(), |s| quote::literal(dialect, s)),
            quote::literal(dialect, name)
        ),
    }
}

/// A query returning a row when table `name` (in `schema`, or the
/// connection's default) has a column `column`.
pub(crate) fn column_exists_sql(
    dialect: DialectName,
    schema: Option<&str>,
    name: &str,
    column: &str,
) -> String {
    match dialect {
        DialectName::Sqlite => format!(
            "SELECT name FROM pragma_table_info({}, {}) WHERE name = {}",
            quote::literal(dialect, name),
            quote::literal(dialect, schema.unwrap_or("main")),
            quote::literal(dialect, column)
        ),
        DialectName::Postgresql => format!(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = {} AND table_name = {} AND column_name = {}",
            schema.map_or_else(
                || "current_schema()".to_owned(),
                |s| quote::literal(dialect, s)
            ),
            quote::literal(dialect, name),
            quote::literal(dialect, column)
        ),
        DialectName::Mysql => format!(
            "SELECT 1 FROM information_schema.columns WHERE table_schema = {} AND table_name = {} AND column_name = {}",
            schema.map_or_else(|| "DATABASE()".to_owned(), |s| quote::literal(dialect, s)),
            quote::literal(dialect, name),
            quote::literal(dialect, column)
        ),
    }
}
