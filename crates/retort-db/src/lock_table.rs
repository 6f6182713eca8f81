//! The lock table, `retort_lock`: the migration lock as a committed row,
//! which holds across the nodes of a cluster (Galera) and through a
//! transaction-pooling proxy (PgBouncer), where session locks
//! (`GET_LOCK`, `pg_advisory_lock`) do not.
//!
//! One row per lock name: the holder's random token, its host, process id
//! and machine identity, when it took the lock and when its lease ends, in
//! the server's clock (Unix seconds). A live holder renews the lease; a
//! row whose lease has ended belongs to a dead holder and may be taken
//! over. The algorithm that uses these statements is `runner::lock`.

use crate::quote;
use crate::url::DialectName;

/// The lock table's default name.
pub const DEFAULT_LOCK_TABLE: &str = "retort_lock";

/// The lock table of one database: its name and schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockTable {
    /// The table's name.
    pub name: String,
    /// The schema holding it; the connection's default when `None`.
    pub schema: Option<String>,
}

/// Who holds a lock: what the row says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LockHolder {
    /// The holder's random token.
    pub token: String,
    /// Its host name.
    pub host: String,
    /// Its process id.
    pub pid: u64,
    /// Its machine and process namespace (boot id and pid namespace), to
    /// tell whether `pid` can be checked from here.
    pub machine: String,
    /// When it took the lock (server clock, Unix seconds).
    pub started_at: i64,
    /// When its lease ends (server clock, Unix seconds).
    pub expires_at: i64,
    /// The server's clock when the row was read.
    pub now: i64,
}

impl LockHolder {
    /// True when the lease has ended: the holder stopped renewing it.
    pub fn expired(&self) -> bool {
        self.expires_at < self.now
    }

    /// `pid 123 on host web-1 since 2026-12-02 10:00:00 UTC`.
    pub fn describe(&self) -> String {
        let since = jiff::Timestamp::from_second(self.started_at)
            .map(|t| t.strftime("%Y-%m-%d %H:%M:%S UTC").to_string())
            .unwrap_or_else(|_| self.started_at.to_string());
        format!(
            "retort (pid {} on host {}) since {since}, lease ending in {} s",
            self.pid,
            self.host,
            (self.expires_at - self.now).max(0)
        )
    }
}

impl LockTable {
    /// A lock table named `name` in `schema`.
    pub fn new(name: impl Into<String>, schema: Option<String>) -> LockTable {
        LockTable {
            name: name.into(),
            schema,
        }
    }

    /// The quoted, schema-qualified name.
    pub fn qualified(&self, dialect: DialectName) -> String {
        quote::qualified(dialect, self.schema.as_deref(), &self.name)
    }

    /// `CREATE TABLE IF NOT EXISTS`: two runs through two nodes may both
    /// create it.
    pub fn create_sql(&self, dialect: DialectName) -> String {
        format!(
            "CREATE TABLE IF NOT EXISTS {} (\n    name VARCHAR(64) NOT NULL,\n    \
             holder VARCHAR(64) NOT NULL,\n    host VARCHAR(255) NOT NULL,\n    \
             pid BIGINT NOT NULL,\n    machine VARCHAR(255) NOT NULL,\n    \
             started_at BIGINT NOT NULL,\n    expires_at BIGINT NOT NULL,\n    \
             CONSTRAINT {} PRIMARY KEY (name)\n)",
            self.qualified(dialect),
            quote::ident(dialect, &format!("{}_pkey", self.name)),
        )
    }

    /// A query returning one row when the table exists and none otherwise.
    pub fn exists_sql(&self, dialect: DialectName) -> String {
        crate::version_table::exists_sql(dialect, self.schema.as_deref(), &self.name)
    }

    /// Inserts the row of `holder` for `lock` unless a row for it exists:
    /// one row changed means the lock is taken.
    pub fn acquire_sql(
        &self,
        dialect: DialectName,
        lock: &str,
        holder: &LockHolder,
        lease_secs: u64,
    ) -> String {
        let now = now_sql(dialect);
        let values = format!(
            "({}, {}, {}, {}, {}, {now}, {now} + {lease_secs})",
            lit(dialect, lock),
            lit(dialect, &holder.token),
            lit(dialect, &holder.host),
            holder.pid,
            lit(dialect, &holder.machine),
        );
        let columns = "(name, holder, host, pid, machine, started_at, expires_at)";
        let table = self.qualified(dialect);
        match dialect {
            DialectName::Sqlite => {
                format!("INSERT OR IGNORE INTO {table} {columns} VALUES {values}")
            }
            DialectName::Postgresql => {
                format!("INSERT INTO {table} {columns} VALUES {values} ON CONFLICT DO NOTHING")
            }
            DialectName::Mysql => format!("INSERT IGNORE INTO {table} {columns} VALUES {values}"),
        }
    }

    /// The row of `lock`, with the server's clock: token, host, pid,
    /// machine, started_at, expires_at, now.
    pub fn read_sql(&self, dialect: DialectName, lock: &str) -> String {
        format!(
            "SELECT holder, host, pid, machine, started_at, expires_at, {} FROM {} WHERE name = {}",
            now_sql(dialect),
            self.qualified(dialect),
            lit(dialect, lock)
        )
    }

    /// Extends the lease of `token` on `lock`: one row changed while the
    /// lock is still this holder's.
    pub fn renew_sql(
        &self,
        dialect: DialectName,
        lock: &str,
        token: &str,
        lease_secs: u64,
    ) -> String {
        format!(
            "UPDATE {} SET expires_at = {} + {lease_secs} WHERE name = {} AND holder = {}",
            self.qualified(dialect),
            now_sql(dialect),
            lit(dialect, lock),
            lit(dialect, token)
        )
    }

    /// Deletes the row of `token` on `lock` (a release, or the takeover of
    /// a dead holder's row: only that holder's row goes).
    pub fn release_sql(&self, dialect: DialectName, lock: &str, token: &str) -> String {
        format!(
            "DELETE FROM {} WHERE name = {} AND holder = {}",
            self.qualified(dialect),
            lit(dialect, lock),
            lit(dialect, token)
        )
    }

    /// Deletes the row of `lock`, whoever holds it (`retort unlock`).
    pub fn clear_sql(&self, dialect: DialectName, lock: &str) -> String {
        format!(
            "DELETE FROM {} WHERE name = {}",
            self.qualified(dialect),
            lit(dialect, lock)
        )
    }
}

/// The server's clock in whole Unix seconds.
fn now_sql(dialect: DialectName) -> &'static str {
    match dialect {
        DialectName::Sqlite => "CAST(strftime('%s', 'now') AS INTEGER)",
        DialectName::Postgresql => "CAST(EXTRACT(EPOCH FROM clock_timestamp()) AS BIGINT)",
        DialectName::Mysql => "UNIX_TIMESTAMP()",
    }
}

fn lit(dialect: DialectName, text: &str) -> String {
    quote::literal(dialect, text)
}
