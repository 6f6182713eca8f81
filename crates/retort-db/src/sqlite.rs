//! The SQLite driver (rusqlite, with SQLite built in).
//!
//! How concurrent runs serialise: [`lock`](Connection::lock) takes an
//! exclusive lock (`flock`) on a file beside the database,
//! `<database>-retort.lock`, waiting up to the timeout while another run
//! holds it. The operating system releases it when the process ends, so no
//! stale lock is ever left behind. Holding it, each revision runs in its own
//! real transaction (`BEGIN IMMEDIATE` ... `COMMIT`), so a run that dies
//! leaves the database at its last committed revision, and settings that
//! SQLite ignores inside a transaction (`PRAGMA foreign_keys`, needed by
//! batch mode) can change between revisions. An in-memory database has a
//! single connection and needs no lock.

use std::fs::{File, TryLockError};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use rusqlite::types::ValueRef;

use crate::connection::{Connection, Row, statement_error};
use crate::error::DbError;
use crate::url::DatabaseUrl;

/// How long a statement waits for another connection's write to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How often a waiting [`Connection::lock`] tries again.
const LOCK_POLL: Duration = Duration::from_millis(20);

/// A connection to a SQLite file or in-memory database.
pub struct SqliteConnection {
    conn: rusqlite::Connection,
    url: DatabaseUrl,
    /// The lock held, if any: its name and the locked file (none in memory).
    locked: Option<(String, Option<File>)>,
    /// Whether a transaction is open.
    in_transaction: bool,
}

impl SqliteConnection {
    /// Opens (creating if missing) the file `url` names, or a new in-memory
    /// database.
    pub fn open(url: &DatabaseUrl) -> Result<SqliteConnection, DbError> {
        let conn = match url.sqlite_path() {
            None => rusqlite::Connection::open_in_memory(),
            Some(path) => rusqlite::Connection::open(path),
        };
        // A mistyped server URL (`sqlite:///user:password@host/db`) puts a
        // password in the path: show it redacted.
        let shown = url
            .redact(
                &url.sqlite_path()
                    .unwrap_or(":memory:".as_ref())
                    .display()
                    .to_string(),
            )
            .into();
        let open_error = |e: rusqlite::Error| DbError::OpenSqlite {
            url: url.masked().to_owned(),
            path: PathBuf::clone(&shown),
            reason: url.redact(&e.to_string()),
        };
        let conn = conn.map_err(open_error)?;
        conn.busy_timeout(BUSY_TIMEOUT).map_err(open_error)?;
        Ok(SqliteConnection {
            conn,
            url: url.clone(),
            locked: None,
            in_transaction: false,
        })
    }

    /// The file whose `flock` stands for the database lock.
    fn lock_path(&self) -> Option<PathBuf> {
        self.url.sqlite_path().map(|p| {
            let mut name = p.as_os_str().to_owned();
            name.push("-retort.lock");
            PathBuf::from(name)
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
        let Some(path) = self.lock_path() else {
            self.locked = Some((name.to_owned(), None));
            return Ok(());
        };
        let io_error = |e: std::io::Error| DbError::OpenSqlite {
            url: self.url.masked().to_owned(),
            path: path.clone(),
            reason: format!("cannot take the lock file: {e}"),
        };
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(io_error)?;
        let started = Instant::now();
        loop {
            match file.try_lock() {
                Ok(()) => break,
                Err(TryLockError::WouldBlock) if started.elapsed() < timeout => {
                    std::thread::sleep(LOCK_POLL)
                }
                Err(TryLockError::WouldBlock) => {
                    return Err(DbError::LockTimeout {
                        url: self.url.masked().to_owned(),
                        name: name.to_owned(),
                        waited: timeout,
                    });
                }
                Err(TryLockError::Error(e)) => return Err(io_error(e)),
            }
        }
        self.locked = Some((name.to_owned(), Some(file)));
        Ok(())
    }

    /// Releases the lock; an unfinished transaction is rolled back first:
    /// unlocking never commits half a revision.
    fn unlock(&mut self, _name: &str) -> Result<(), DbError> {
        if self.in_transaction {
            self.rollback()?;
        }
        // Dropping the file releases the lock.
        self.locked = None;
        Ok(())
    }

    /// `BEGIN IMMEDIATE`: take the write lock now rather than fail halfway
    /// when another connection writes.
    fn begin(&mut self) -> Result<(), DbError> {
        self.run("BEGIN IMMEDIATE")?;
        self.in_transaction = true;
        Ok(())
    }

    fn commit(&mut self) -> Result<(), DbError> {
        self.run("COMMIT")?;
        self.in_transaction = false;
        Ok(())
    }

    fn rollback(&mut self) -> Result<(), DbError> {
        self.in_transaction = false;
        self.run("ROLLBACK")
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
