//! The SQLite driver (rusqlite, with SQLite built in).
//!
//! How concurrent runs serialise: [`lock`](Connection::lock) takes SQLite's
//! own write lock with `BEGIN IMMEDIATE`, waiting up to the timeout (SQLite's
//! busy handler) while another connection holds it. The lock is that outer
//! transaction, so while it is held [`begin`](Connection::begin),
//! [`commit`](Connection::commit) and [`rollback`](Connection::rollback) work
//! on a savepoint inside it, and [`unlock`](Connection::unlock) commits.
//! Each revision's work is still all-or-nothing (its savepoint), the second
//! run sees the first run's work once it gets the lock, and a run that dies
//! holding the lock leaves the file as it was before that run: SQLite rolls
//! the unfinished transaction back, so no stale lock is ever left behind.

use std::time::Duration;

use rusqlite::types::ValueRef;

use crate::connection::{Connection, Row, statement_error};
use crate::error::DbError;
use crate::url::DatabaseUrl;

/// How long a statement waits for another connection's write to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// The savepoint that stands for a transaction while the lock is held.
const SAVEPOINT: &str = "retort_transaction";

/// A connection to a SQLite file or in-memory database.
pub struct SqliteConnection {
    conn: rusqlite::Connection,
    url: DatabaseUrl,
    /// The name of the lock held, if any.
    locked: Option<String>,
    /// Whether a transaction (a savepoint, under the lock) is open.
    in_savepoint: bool,
}

impl SqliteConnection {
    /// Opens (creating if missing) the file `url` names, or a new in-memory
    /// database.
    pub fn open(url: &DatabaseUrl) -> Result<SqliteConnection, DbError> {
        let conn = match url.sqlite_path() {
            None => rusqlite::Connection::open_in_memory(),
            Some(path) => rusqlite::Connection::open(path),
        };
        let open_error = |e: rusqlite::Error| DbError::OpenSqlite {
            url: url.masked().to_owned(),
            path: url.sqlite_path().unwrap_or(":memory:".as_ref()).to_owned(),
            reason: e.to_string(),
        };
        let conn = conn.map_err(open_error)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_error)?;
        Ok(SqliteConnection {
            conn,
            url: url.clone(),
            locked: None,
            in_savepoint: false,
        })
    }

    fn run(&mut self, sql: &str) -> Result<(), DbError> {
        self.conn
            .execute_batch(sql)
            .map_err(|e| statement_error(&self.url, sql, e.to_string()))
    }
}

impl Connection for SqliteConnection {
    fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    fn execute(&mut self, sql: &str) -> Result<u64, DbError> {
        // `changes()` keeps the count of the last INSERT/UPDATE/DELETE even
        // across DDL, so count with the running total instead.
        let before = self.conn.total_changes();
        self.run(sql)?;
        Ok(self.conn.total_changes().saturating_sub(before))
    }

    fn query_strings(&mut self, sql: &str) -> Result<Vec<Row>, DbError> {
        let url = &self.url;
        let error = |e: rusqlite::Error| statement_error(url, sql, e.to_string());
        let mut stmt = self.conn.prepare(sql).map_err(error)?;
        let width = stmt.column_count();
        let mut rows = stmt.query([]).map_err(error)?;
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(error)? {
            let mut values = Vec::with_capacity(width);
            for i in 0..width {
                values.push(text(row.get_ref(i).map_err(error)?));
            }
            out.push(values);
        }
        Ok(out)
    }

    fn lock(&mut self, name: &str, timeout: Duration) -> Result<(), DbError> {
        if self.locked.is_some() {
            return Err(DbError::AlreadyLocked {
                url: self.url.masked().to_owned(),
                name: name.to_owned(),
            });
        }
        let set_busy = |conn: &rusqlite::Connection, t: Duration, url: &DatabaseUrl| {
            conn.busy_timeout(t)
                .map_err(|e| statement_error(url, "PRAGMA busy_timeout", e.to_string()))
        };
        set_busy(&self.conn, timeout, &self.url)?;
        let taken = self.conn.execute_batch("BEGIN IMMEDIATE");
        set_busy(&self.conn, BUSY_TIMEOUT, &self.url)?;
        match taken {
            Ok(()) => {
                self.locked = Some(name.to_owned());
                Ok(())
            }
            Err(e) if e.sqlite_error_code() == Some(rusqlite::ErrorCode::DatabaseBusy) => {
                Err(DbError::LockTimeout {
                    url: self.url.masked().to_owned(),
                    name: name.to_owned(),
                    waited: timeout,
                })
            }
            Err(e) => Err(statement_error(&self.url, "BEGIN IMMEDIATE", e.to_string())),
        }
    }

    /// Commits the work done under the lock, except an unfinished
    /// transaction, which is rolled back first: unlocking never commits half
    /// a revision.
    fn unlock(&mut self, _name: &str) -> Result<(), DbError> {
        if self.in_savepoint {
            self.rollback()?;
        }
        if self.locked.take().is_some() {
            self.run("COMMIT")?;
        }
        Ok(())
    }

    /// `BEGIN IMMEDIATE` (take the write lock now rather than fail halfway
    /// when another connection writes), or a savepoint under the lock.
    fn begin(&mut self) -> Result<(), DbError> {
        match self.locked {
            Some(_) => {
                self.run(&format!("SAVEPOINT {SAVEPOINT}"))?;
                self.in_savepoint = true;
                Ok(())
            }
            None => self.run("BEGIN IMMEDIATE"),
        }
    }

    fn commit(&mut self) -> Result<(), DbError> {
        match self.locked {
            Some(_) => {
                self.run(&format!("RELEASE SAVEPOINT {SAVEPOINT}"))?;
                self.in_savepoint = false;
                Ok(())
            }
            None => self.run("COMMIT"),
        }
    }

    fn rollback(&mut self) -> Result<(), DbError> {
        match self.locked {
            Some(_) => {
                self.run(&format!(
                    "ROLLBACK TO SAVEPOINT {SAVEPOINT}; RELEASE SAVEPOINT {SAVEPOINT}"
                ))?;
                self.in_savepoint = false;
                Ok(())
            }
            None => self.run("ROLLBACK"),
        }
    }
}

/// A SQLite value as text, as the other drivers return values.
fn text(value: ValueRef<'_>) -> Option<String> {
    match value {
        ValueRef::Null => None,
        ValueRef::Integer(i) => Some(i.to_string()),
        ValueRef::Real(f) => Some(f.to_string()),
        ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t).into_owned()),
    }
}
