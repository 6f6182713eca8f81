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
    Ok(match url.dialect() {
        DialectName::Sqlite => Box::new(crate::sqlite::SqliteConnection::open(url)?),
        DialectName::Postgresql => {
            Box::new(crate::postgres::PostgresConnection::connect(url, options)?)
        }
        DialectName::Mysql => Box::new(crate::mysql::MysqlConnection::connect(url, options)?),
    })
}

/// A statement error for `url`.
pub(crate) fn statement_error(url: &DatabaseUrl, sql: &str, reason: String) -> DbError {
    DbError::Statement {
        url: url.masked().to_owned(),
        dialect: url.dialect(),
        sql: sql.to_owned(),
        reason: url.redact(&reason),
    }
}
