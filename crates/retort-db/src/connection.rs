//! The driver trait: the few things every database must do, and the
//! algorithm built on them as default methods (refinery's
//! `traits/sync.rs`). A driver is a struct holding its client and its URL.
//!
//! [`Connection::execute`] is the one place where SQL reaches a database:
//! the version table, the log table and the runner all go through it.

use std::time::Duration;

use crate::error::DbError;
use crate::url::{DatabaseUrl, DialectName};

/// One row of a query result: each column as text, `None` for `NULL`.
pub type Row = Vec<Option<String>>;

/// How long to wait for a server to answer a connection by default.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a migration run waits for another run's lock by default.
pub const DEFAULT_LOCK_TIMEOUT: Duration = Duration::from_secs(600);

/// Options for [`connect_with`].
#[derive(Clone, Debug)]
pub struct ConnectOptions {
    /// How long to wait for a server to accept the connection.
    pub connect_timeout: Duration,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
        }
    }
}

/// An open connection to one database.
///
/// Required: [`url`](Connection::url), [`execute`](Connection::execute),
/// [`query_strings`](Connection::query_strings), [`lock`](Connection::lock)
/// and [`unlock`](Connection::unlock). Transactions and capabilities have
/// defaults that a driver overrides only where its database differs.
pub trait Connection: Send {
    /// The URL this connection was opened with.
    fn url(&self) -> &DatabaseUrl;

    /// Runs SQL that returns no rows (one statement, or several separated by
    /// `;`) and returns how many rows it changed.
    fn execute(&mut self, sql: &str) -> Result<u64, DbError>;

    /// Runs a query and returns every row, each value as text.
    fn query_strings(&mut self, sql: &str) -> Result<Vec<Row>, DbError>;

    /// Takes the database-wide lock `name`, waiting at most `timeout` for
    /// another connection to release it. Two connections never hold the same
    /// lock at once; it is released by [`unlock`](Connection::unlock) or when
    /// the connection closes (also when the process dies).
    fn lock(&mut self, name: &str, timeout: Duration) -> Result<(), DbError>;

    /// Releases the lock taken by [`lock`](Connection::lock). It never
    /// commits a transaction left open: that work is rolled back, at the
    /// latest when the connection closes.
    fn unlock(&mut self, name: &str) -> Result<(), DbError>;

    /// The dialect of the database.
    fn dialect(&self) -> DialectName {
        self.url().dialect()
    }

    /// Whether DDL inside a transaction is rolled back with it (SQLite and
    /// PostgreSQL: yes; MySQL/MariaDB: no, DDL commits implicitly).
    fn supports_transactional_ddl(&self) -> bool {
        self.dialect().supports_transactional_ddl()
    }

    /// Starts a transaction.
    fn begin(&mut self) -> Result<(), DbError> {
        self.execute("BEGIN").map(drop)
    }

    /// Commits the transaction.
    fn commit(&mut self) -> Result<(), DbError> {
        self.execute("COMMIT").map(drop)
    }

    /// Rolls the transaction back.
    fn rollback(&mut self) -> Result<(), DbError> {
        self.execute("ROLLBACK").map(drop)
    }

    /// Runs statements in order, stopping at the first that fails.
    fn execute_all(&mut self, statements: &[String]) -> Result<(), DbError> {
        for sql in statements {
            self.execute(sql)?;
        }
        Ok(())
    }

    /// Whether [`lock`](Connection::lock) alone serialises every run on
    /// this database (SQLite: a file lock on one machine). Servers say no:
    /// a session lock is local to one node of a cluster and is lost behind
    /// a transaction-pooling proxy, so the runner takes its lock as a row
    /// of a table instead (`runner::lock`).
    fn session_lock_is_exclusive(&self) -> bool {
        false
    }

    /// Switches foreign key enforcement off before a transaction that
    /// rebuilds tables (SQLite ignores the setting inside a transaction);
    /// returns whether it was on, so that
    /// [`resume_foreign_keys`](Connection::resume_foreign_keys) is called
    /// only then. Databases whose rebuilds need nothing return false.
    fn suspend_foreign_keys(&mut self) -> Result<bool, DbError> {
        Ok(false)
    }

    /// Switches foreign key enforcement back on, after the transaction.
    fn resume_foreign_keys(&mut self) -> Result<(), DbError> {
        Ok(())
    }

    /// The rows that break a foreign key (SQLite's `PRAGMA
    /// foreign_key_check`), checked before committing a rebuild made
    /// without enforcement; none where nothing is suspended.
    fn foreign_key_violations(&mut self) -> Result<Vec<Row>, DbError> {
        Ok(Vec::new())
    }

    /// A fingerprint of the schema objects (columns, indexes, constraints,
    /// triggers, views, routines) of `tables`, or of the whole database
    /// when `None`: it changes when DDL on them runs. The runner uses it to
    /// tell, after a crash, whether the schema statement in flight outside
    /// a transaction ran (MySQL/MariaDB: any DDL; PostgreSQL: `CREATE` /
    /// `DROP INDEX CONCURRENTLY`, so there it covers the valid indexes).
    fn schema_fingerprint(
        &mut self,
        tables: Option<&[retort_core::schema::TableName]>,
    ) -> Result<String, DbError> {
        let _ = tables;
        Err(DbError::Unsupported {
            url: self.url().masked().to_owned(),
            dialect: self.dialect(),
            what: "a schema fingerprint",
        })
    }

    /// The server's id of this connection's session (MySQL's
    /// `CONNECTION_ID()`), where a statement left running by a client that
    /// died can be waited for; `None` elsewhere.
    fn session_id(&mut self) -> Result<Option<String>, DbError> {
        Ok(None)
    }

    /// Whether the session `id` (from [`session_id`](Connection::session_id))
    /// still exists on the server this connection reaches.
    fn session_running(&mut self, id: &str) -> Result<bool, DbError> {
        let _ = id;
        Ok(false)
    }

    /// Whether another session of this database runs the statement `sql`
    /// now: a statement a run that died left running on the server, which
    /// a later run waits for before it judges whether it ran (PostgreSQL,
    /// where a transaction-pooling proxy makes a session id meaningless).
    /// False where the server cannot say.
    fn statement_running(&mut self, sql: &str) -> Result<bool, DbError> {
        let _ = sql;
        Ok(false)
    }

    /// Drops the index `name` (in `schema`, or where the search path finds
    /// it) if the database keeps it INVALID, as a `CREATE INDEX
    /// CONCURRENTLY` that failed or was interrupted leaves it (PostgreSQL);
    /// returns whether it did. Runs outside any transaction. Nothing
    /// elsewhere: other databases build an index whole or not at all.
    fn drop_invalid_index(&mut self, schema: Option<&str>, name: &str) -> Result<bool, DbError> {
        let _ = (schema, name);
        Ok(false)
    }

    /// The first column of every row of a query, skipping `NULL`s.
    fn query_column(&mut self, sql: &str) -> Result<Vec<String>, DbError> {
        Ok(self
            .query_strings(sql)?
            .into_iter()
            .filter_map(|row| row.into_iter().next().flatten())
            .collect())
    }
}

/// Opens a connection to the database `url` names, with default options.
pub fn connect(url: &DatabaseUrl) -> Result<Box<dyn Connection>, DbError> {
    connect_with(url, &ConnectOptions::default())
}

/// Opens a connection to the database `url` names.
///
/// An unreachable server or a refused login is a [`DbError::Connect`] that
/// names the masked URL; it never panics.
pub fn connect_with(
    url: &DatabaseUrl,
    options: &ConnectOptions,
) -> Result<Box<dyn Connection>, DbError> {
    // `options` is unused when only SQLite (or no driver) is built.
    let _ = options;
    match url.dialect() {
        #[cfg(feature = "sqlite")]
        DialectName::Sqlite => Ok(Box::new(crate::sqlite::SqliteConnection::open(url)?)),
        #[cfg(feature = "postgres")]
        DialectName::Postgresql => Ok(Box::new(crate::postgres::PostgresConnection::connect(
            url, options,
        )?)),
        #[cfg(feature = "mysql")]
        DialectName::Mysql => Ok(Box::new(crate::mysql::MysqlConnection::connect(
            url, options,
        )?)),
        #[allow(unreachable_patterns)] // every driver built: no dialect is left
        dialect => Err(driver_not_built(url, dialect)),
    }
}

/// The cargo feature that builds the driver for `dialect`.
pub fn driver_feature(dialect: DialectName) -> &'static str {
    match dialect {
        DialectName::Sqlite => "sqlite",
        DialectName::Postgresql => "postgres",
        DialectName::Mysql => "mysql",
    }
}

/// Whether this build has the driver for `dialect` (its cargo feature is
/// on), so that [`connect`] can open a connection to such a database.
pub fn driver_built(dialect: DialectName) -> bool {
    match dialect {
        DialectName::Sqlite => cfg!(feature = "sqlite"),
        DialectName::Postgresql => cfg!(feature = "postgres"),
        DialectName::Mysql => cfg!(feature = "mysql"),
    }
}

/// The error for a URL whose driver this build left out.
fn driver_not_built(url: &DatabaseUrl, dialect: DialectName) -> DbError {
    DbError::DriverNotBuilt {
        url: url.masked().to_owned(),
        dialect,
        feature: driver_feature(dialect),
    }
}

// Used by the drivers only.
#[cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]
/// A statement error for `url`.
pub(crate) fn statement_error(url: &DatabaseUrl, sql: &str, reason: String) -> DbError {
    transient_error(url, sql, reason, false)
}

// Used by the drivers only.
#[cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]
/// A statement error for `url`, saying whether it came from a concurrent
/// transaction (see [`DbError::Statement`]).
pub(crate) fn transient_error(
    url: &DatabaseUrl,
    sql: &str,
    reason: String,
    transient: bool,
) -> DbError {
    DbError::Statement {
        url: url.masked().to_owned(),
        dialect: url.dialect(),
        sql: sql.to_owned(),
        reason: url.redact(&reason),
        transient,
    }
}

// Used by the drivers only.
#[cfg_attr(
    not(any(feature = "sqlite", feature = "postgres", feature = "mysql")),
    allow(dead_code)
)]
/// The lock [`Connection::lock`] waited for is held by someone unknown.
pub(crate) const UNKNOWN_HOLDER: &str = "another connection (another retort run?)";

#[cfg(test)]
mod tests {
    use super::*;

    /// A URL of each dialect, with a password to hide.
    fn url(dialect: DialectName) -> DatabaseUrl {
        let text = match dialect {
            DialectName::Sqlite => "sqlite://",
            DialectName::Postgresql => "postgresql://app:s3cret@127.0.0.1:1/prod",
            DialectName::Mysql => "mysql://app:s3cret@127.0.0.1:1/prod",
        };
        DatabaseUrl::parse(text).unwrap()
    }

    #[test]
    fn a_missing_driver_names_its_feature_and_hides_the_password() {
        let url = url(DialectName::Postgresql);
        let message = driver_not_built(&url, url.dialect()).to_string();
        assert_eq!(
            message,
            "cannot connect to postgresql://app:***@127.0.0.1:1/prod: this retort was built \
             without PostgreSQL support; rebuild with the cargo feature `postgres` (e.g. \
             `cargo install retort --features postgres`, or `features = [\"postgres\"]` on the \
             retort dependency of an application)"
        );
    }

    /// What `connect` does for each dialect in this build: a connection
    /// (SQLite, in memory) or a refusal naming the feature, never a panic.
    #[test]
    fn connect_refuses_exactly_the_dialects_not_built() {
        for dialect in [
            DialectName::Sqlite,
            DialectName::Postgresql,
            DialectName::Mysql,
        ] {
            let result = connect_with(
                &url(dialect),
                &ConnectOptions {
                    connect_timeout: Duration::from_millis(200),
                },
            );
            match result {
                Err(DbError::DriverNotBuilt {
                    dialect: d,
                    feature,
                    ..
                }) => {
                    assert!(!driver_built(dialect), "{dialect} is built");
                    assert_eq!((d, feature), (dialect, driver_feature(dialect)));
                }
                // Built: SQLite opens; the servers on port 1 are not there.
                Ok(_) | Err(DbError::Connect { .. }) => {
                    assert!(driver_built(dialect), "{dialect} is not built")
                }
                Err(other) => panic!("{dialect}: {other}"),
            }
        }
    }
}
