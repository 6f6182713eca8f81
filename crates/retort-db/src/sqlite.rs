//! The SQLite driver (rusqlite, with SQLite built in).
//!
//! How concurrent runs serialise: [`lock`](Connection::lock) takes an
//! exclusive lock (`flock`) on a file beside the database,
//! `<database>-retort.lock`, waiting up to the timeout while another run
//! holds it. The operating system releases it when the process ends, so no
//! stale lock is ever left behind; a run removes the file as it releases
//! the lock, so none is left in the folder either (a run killed while it
//! holds the lock leaves the file, which the next run reuses and removes). Holding it, each revision runs in its own
//! real transaction (`BEGIN IMMEDIATE` ... `COMMIT`), so a run that dies
//! leaves the database at its last committed revision, and settings that
//! SQLite ignores inside a transaction (`PRAGMA foreign_keys`, needed by
//! batch mode) can change between revisions. An in-memory database has a
//! single connection and needs no lock.
//!
//! A file that does not exist yet is not created by opening it: until the
//! first write (or lock), the connection reads an empty in-memory stand-in,
//! so that a command that fails its checks (a bad target, a malformed
//! revision) or only reads (`current`, `check`) leaves no file behind.

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
    /// The file to create at the first write, while `conn` is the empty
    /// in-memory stand-in for a database that does not exist yet.
    deferred: Option<PathBuf>,
}

impl SqliteConnection {
    /// Opens (creating if missing) the file `url` names, or a new in-memory
    /// database.
    pub fn open(url: &DatabaseUrl) -> Result<SqliteConnection, DbError> {
        let deferred = url
            .sqlite_path()
            .filter(|path| !path.exists())
            .map(|path| path.to_owned());
        // A file that can never be created is an error now, not at the
        // first write.
        if let Some(path) = &deferred {
            let folder = path
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(std::path::Path::new("."));
            if !folder.is_dir() {
                return Err(DbError::OpenSqlite {
                    url: url.masked().to_owned(),
                    path: shown_path(url),
                    reason: url.redact(&format!("the folder {} does not exist", folder.display())),
                });
            }
        }
        let conn = match url.sqlite_path() {
            Some(path) if deferred.is_none() => rusqlite::Connection::open(path),
            _ => rusqlite::Connection::open_in_memory(),
        };
        let conn = conn.map_err(|e| open_error(url, e))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| open_error(url, e))?;
        Ok(SqliteConnection {
            conn,
            url: url.clone(),
            locked: None,
            in_transaction: false,
            deferred,
        })
    }

    /// Creates and opens the database file if it was not there at
    /// [`open`](SqliteConnection::open): called before anything that writes.
    fn materialize(&mut self) -> Result<(), DbError> {
        let Some(path) = self.deferred.take() else {
            return Ok(());
        };
        let conn = rusqlite::Connection::open(&path).map_err(|e| open_error(&self.url, e))?;
        conn.busy_timeout(BUSY_TIMEOUT)
            .map_err(|e| open_error(&self.url, e))?;
        self.conn = conn;
        Ok(())
    }

    /// The file whose `flock` stands for the database lock.
    fn lock_path(&self) -> Option<PathBuf> {
        self.url.sqlite_path().map(|p| {
            let mut name = p.as_os_str().to_owned();
            name.push("-retort.lock");
            PathBuf::from(name)
        })
    }

    /// Removes the lock file while still holding its lock, then releases
    /// it (dropping the file): no `<database>-retort.lock` is left beside
    /// the database. A run waiting on the removed file sees that it was
    /// removed and locks the new one (see `lock`). On systems without
    /// inode numbers the file stays.
    fn release_lock_file(&mut self) {
        if let Some((_, Some(file))) = self.locked.take() {
            if cfg!(unix)
                && let Some(path) = self.lock_path()
            {
                let _ = std::fs::remove_file(path);
            }
            drop(file);
        }
    }

    fn run(&mut self, sql: &str) -> Result<(), DbError> {
        self.materialize()?;
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
        self.materialize()?;
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
        self.materialize()?;
        let io_error = |e: std::io::Error| DbError::OpenSqlite {
            url: self.url.masked().to_owned(),
            path: path.clone(),
            reason: format!("cannot take the lock file: {e}"),
        };
        let started = Instant::now();
        loop {
            let file = File::options()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&path)
                .map_err(io_error)?;
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
                            holder: crate::connection::UNKNOWN_HOLDER.to_owned(),
                            waited: timeout,
                        });
                    }
                    Err(TryLockError::Error(e)) => return Err(io_error(e)),
                }
            }
            // The run before this one removes the file as it releases it:
            // a lock taken on the removed file is a lock on nothing (the
            // next run creates a new file), so take it again on the file
            // the name now holds.
            if is_the_file_at(&path, &file) {
                self.locked = Some((name.to_owned(), Some(file)));
                return Ok(());
            }
        }
    }

    /// Releases the lock; an unfinished transaction is rolled back first:
    /// unlocking never commits half a revision.
    fn unlock(&mut self, _name: &str) -> Result<(), DbError> {
        if self.in_transaction {
            self.rollback()?;
        }
        self.release_lock_file();
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

    /// The `flock` serialises every run on the file: SQLite has no
    /// cluster and no proxy in between.
    fn session_lock_is_exclusive(&self) -> bool {
        true
    }

    /// `PRAGMA foreign_keys=OFF`, outside the transaction (SQLite ignores
    /// it inside one), when enforcement is on.
    fn suspend_foreign_keys(&mut self) -> Result<bool, DbError> {
        let on = self
            .query_column("PRAGMA foreign_keys")?
            .first()
            .is_some_and(|v| v == "1");
        if on {
            self.run("PRAGMA foreign_keys=OFF")?;
        }
        Ok(on)
    }

    fn resume_foreign_keys(&mut self) -> Result<(), DbError> {
        self.run("PRAGMA foreign_keys=ON")
    }

    fn foreign_key_violations(&mut self) -> Result<Vec<Row>, DbError> {
        self.query_strings("PRAGMA foreign_key_check")
    }
}

/// The error of opening the file `url` names. A mistyped server URL
/// (`sqlite:///user:password@host/db`) puts a password in the path: it is
/// shown redacted.
fn open_error(url: &DatabaseUrl, e: rusqlite::Error) -> DbError {
    DbError::OpenSqlite {
        url: url.masked().to_owned(),
        path: shown_path(url),
        reason: url.redact(&e.to_string()),
    }
}

/// The file `url` names, with any secret of the URL redacted.
fn shown_path(url: &DatabaseUrl) -> PathBuf {
    url.redact(
        &url.sqlite_path()
            .unwrap_or(":memory:".as_ref())
            .display()
            .to_string(),
    )
    .into()
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

impl Drop for SqliteConnection {
    /// A connection dropped while holding the lock (an error path) rolls
    /// back what it began and removes its lock file, as `unlock` does.
    fn drop(&mut self) {
        if self.locked.is_some() {
            if self.in_transaction {
                let _ = self.rollback();
            }
            self.release_lock_file();
        }
    }
}

/// True when `path` names the open `file` (the same inode): the lock file
/// was not removed and created again since `file` was opened.
#[cfg(unix)]
fn is_the_file_at(path: &std::path::Path, file: &File) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(path), file.metadata()) {
        (Ok(named), Ok(open)) => named.dev() == open.dev() && named.ino() == open.ino(),
        _ => false,
    }
}

/// Without inode numbers the lock file is never removed, so it is always
/// the file the name holds.
#[cfg(not(unix))]
fn is_the_file_at(_path: &std::path::Path, _file: &File) -> bool {
    true
}
