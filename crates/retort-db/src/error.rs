//! The errors of the database layer. Each names the database by its masked
//! URL and says what to check or do.

use std::path::PathBuf;
use std::time::Duration;

use crate::url::DialectName;

/// A database operation that failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DbError {
    /// The server could not be reached or refused the login.
    #[error(
        "cannot connect to {url}: {reason}\n\
         check that the {} server is running and accepts connections at that host and port, \
         and that the user name, password and database name in the URL are right",
        dialect.product()
    )]
    Connect {
        /// The URL, password hidden.
        url: String,
        /// The dialect, to name the server.
        dialect: DialectName,
        /// The driver's message.
        reason: String,
    },
    /// A SQLite file could not be opened.
    #[error(
        "cannot open the SQLite database {} ({url}): {reason}\n\
         check that its folder exists and that you may write to it", path.display()
    )]
    OpenSqlite {
        /// The URL.
        url: String,
        /// The file.
        path: PathBuf,
        /// The driver's message.
        reason: String,
    },
    /// The URL has a query parameter this driver does not understand.
    #[error(
        "{url}: the parameter {param} is not supported for {}; supported: {supported}",
        dialect.product()
    )]
    UnsupportedParam {
        /// The URL, password hidden.
        url: String,
        /// The dialect.
        dialect: DialectName,
        /// The parameter, with its value when harmless.
        param: String,
        /// What is supported.
        supported: &'static str,
    },
    /// The server did not apply a setting the URL asks for: the
    /// `search_path` of PostgreSQL's `options` parameter, which a pooler
    /// (PgBouncer's `ignore_startup_parameters`) may drop silently, so
    /// that revisions would run in another schema. Nothing was run.
    #[error(
        "{url}: the server did not apply the search_path that the URL's options parameter sets ({wanted}); \
         the session's search_path is {got}, so nothing was run (revisions would land in another schema). \
         Is a pooler in between that drops the options startup parameter (PgBouncer's ignore_startup_parameters)? \
         Connect to the server directly, or set the schema with version_table_schema and schema-qualified operations"
    )]
    SettingIgnored {
        /// The URL, password hidden.
        url: String,
        /// The search_path asked for.
        wanted: String,
        /// The one the session has.
        got: String,
    },
    /// The URL names a database whose driver this build left out (the
    /// cargo feature `sqlite`, `postgres` or `mysql` is off).
    #[error(
        "cannot connect to {url}: this retort was built without {} support; \
         rebuild with the cargo feature `{feature}` (e.g. `cargo install retort --features {feature}`, \
         or `features = [\"{feature}\"]` on the retort dependency of an application)",
        dialect.product()
    )]
    DriverNotBuilt {
        /// The URL, password hidden.
        url: String,
        /// The dialect whose driver is missing.
        dialect: DialectName,
        /// The cargo feature that builds it: `sqlite`, `postgres` or `mysql`.
        feature: &'static str,
    },
    /// The database refused a statement.
    #[error("{} at {url} refused a statement: {reason}\nthe statement was: {sql}", dialect.product())]
    Statement {
        /// The URL, password hidden.
        url: String,
        /// The dialect.
        dialect: DialectName,
        /// The statement.
        sql: String,
        /// The database's message.
        reason: String,
        /// The refusal came from a concurrent transaction (a deadlock, a
        /// serialization failure, a cluster's certification conflict):
        /// the same statement may succeed if tried again.
        transient: bool,
    },
    /// The driver cannot do what was asked of it on this database.
    #[error("{what} is not available for {} ({url})", dialect.product())]
    Unsupported {
        /// The URL, password hidden.
        url: String,
        /// The dialect.
        dialect: DialectName,
        /// What was asked.
        what: &'static str,
    },
    /// Another connection held the migration lock for longer than the wait.
    #[error(
        "the lock {name:?} on {url} is held by {holder} and was not released within {} s; \
         wait for that run to finish and try again (if it is gone and its lease does not \
         expire, `retort unlock` clears the lock)",
        waited.as_secs_f64()
    )]
    LockTimeout {
        /// The URL, password hidden.
        url: String,
        /// The lock's name.
        name: String,
        /// Who holds it, as far as known (`another connection (another
        /// retort run?)`, or the holder's process, host and start time).
        holder: String,
        /// How long this connection waited.
        waited: Duration,
    },
    /// `lock` was called on a connection that already holds it.
    #[error("the connection to {url} already holds the lock {name:?}; unlock it first")]
    AlreadyLocked {
        /// The URL, password hidden.
        url: String,
        /// The lock's name.
        name: String,
    },
    /// A version table row that a step changes is not there, or is there
    /// several times: the table does not hold what the plan was made from.
    #[error(
        "the version table {table} was expected to hold exactly one row {id:?} to {action}, \
         but it holds {found}; another process may have changed it: run `retort current` \
         to see what it holds now"
    )]
    VersionRows {
        /// The table, qualified and quoted.
        table: String,
        /// `update` or `delete`.
        action: &'static str,
        /// The revision id of the row.
        id: String,
        /// How many rows matched.
        found: u64,
    },
    /// A table this crate reads holds a value it cannot understand.
    #[error(
        "the table {table} holds {value:?} in column {column}, which retort cannot read; \
         was the table changed by hand? (query: {sql})"
    )]
    BadValue {
        /// The table.
        table: String,
        /// The column.
        column: &'static str,
        /// The value.
        value: String,
        /// The query that read it.
        sql: String,
    },
}
