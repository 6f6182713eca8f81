//! The log table, `retort_log`: one row per revision run (its direction,
//! `--tag`, start time, duration and file checksum), written in the same
//! transaction as the version table update so the two always agree.
//! Alembic has no such table; it is what lets retort show when and how a
//! revision was applied, and notice a revision file changed after it ran.

use std::time::{Duration, SystemTime};

use retort_core::graph::Direction;
use retort_core::{Config, RevisionId};

use crate::connection::Connection;
use crate::error::DbError;
use crate::quote;
use crate::url::DialectName;
use crate::version_table::exists_sql;

/// The log table's default name.
pub const DEFAULT_LOG_TABLE: &str = "retort_log";

/// The log table of one database: its name and schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogTable {
    /// The table's name.
    pub name: String,
    /// The schema holding it; the connection's default when `None`.
    pub schema: Option<String>,
}

/// One run of one revision.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    /// The revision run.
    pub revision: RevisionId,
    /// Which way it ran.
    pub direction: Direction,
    /// The `--tag` of the command, if any.
    pub tag: Option<String>,
    /// When its transaction started (stored in UTC to the microsecond).
    pub started_at: SystemTime,
    /// How long it ran (stored to the millisecond).
    pub duration: Duration,
    /// A checksum of the revision file, if known.
    pub checksum: Option<String>,
}

impl LogTable {
    /// A log table named `name` in `schema`.
    pub fn new(name: impl Into<String>, schema: Option<String>) -> LogTable {
        LogTable {
            name: name.into(),
            schema,
        }
    }

    /// `retort_log`, in the schema of the configured version table.
    pub fn from_config(config: &Config) -> LogTable {
        LogTable::new(DEFAULT_LOG_TABLE, config.version_table_schema.clone())
    }

    /// The quoted, schema-qualified name.
    pub fn qualified(&self, dialect: DialectName) -> String {
        quote::qualified(dialect, self.schema.as_deref(), &self.name)
    }

    /// `CREATE TABLE` for the table.
    pub fn create_sql(&self, dialect: DialectName) -> String {
        // MySQL's TIMESTAMP converts time zones and may update itself;
        // DATETIME(6) stores what it is given.
        let time = match dialect {
            DialectName::Mysql => "DATETIME(6)",
            DialectName::Sqlite | DialectName::Postgresql => "TIMESTAMP",
        };
        format!(
            "CREATE TABLE {} (\n    revision VARCHAR(32) NOT NULL,\n    \
             direction VARCHAR(16) NOT NULL,\n    tag VARCHAR(255),\n    \
             started_at {time} NOT NULL,\n    duration_ms BIGINT NOT NULL,\n    \
             checksum VARCHAR(128)\n)",
            self.qualified(dialect)
        )
    }

    /// A query returning one row when the table exists and none otherwise.
    pub fn exists_sql(&self, dialect: DialectName) -> String {
        exists_sql(dialect, self.schema.as_deref(), &self.name)
    }

    /// The `INSERT` recording `entry`.
    pub fn insert_sql(&self, dialect: DialectName, entry: &LogEntry) -> String {
        let text = |s: &str| quote::literal(dialect, s);
        let null_or = |s: &Option<String>| s.as_deref().map_or_else(|| "NULL".to_owned(), text);
        format!(
            "INSERT INTO {} (revision, direction, tag, started_at, duration_ms, checksum) \
             VALUES ({}, {}, {}, {}, {}, {})",
            self.qualified(dialect),
            text(entry.revision.as_str()),
            text(&entry.direction.to_string()),
            null_or(&entry.tag),
            text(&format_time(entry.started_at)),
            entry.duration.as_millis(),
            null_or(&entry.checksum),
        )
    }

    /// The query reading the rows, oldest first.
    pub fn select_sql(&self, dialect: DialectName) -> String {
        format!(
            "SELECT revision, direction, tag, started_at, duration_ms, checksum FROM {} \
             ORDER BY started_at",
            self.qualified(dialect)
        )
    }

    /// Creates the table unless it exists (on MySQL: outside a transaction).
    pub fn ensure(&self, conn: &mut dyn Connection) -> Result<(), DbError> {
        let exists = !conn
            .query_column(&self.exists_sql(conn.dialect()))?
            .is_empty();
        if !exists {
            conn.execute(&self.create_sql(conn.dialect()))?;
        }
        Ok(())
    }

    /// Records `entry`; call it inside the transaction that updates the
    /// version table.
    pub fn insert(&self, conn: &mut dyn Connection, entry: &LogEntry) -> Result<(), DbError> {
        conn.execute(&self.insert_sql(conn.dialect(), entry))
            .map(drop)
    }

    /// Every row, oldest first.
    pub fn read(&self, conn: &mut dyn Connection) -> Result<Vec<LogEntry>, DbError> {
        let sql = self.select_sql(conn.dialect());
        let rows = conn.query_strings(&sql)?;
        rows.into_iter().map(|row| self.entry(&sql, row)).collect()
    }

    fn entry(&self, sql: &str, row: Vec<Option<String>>) -> Result<LogEntry, DbError> {
        let bad = |column: &'static str, value: &Option<String>| DbError::BadValue {
            table: self.name.clone(),
            column,
            value: value.clone().unwrap_or_else(|| "NULL".into()),
            sql: sql.to_owned(),
        };
        let [revision, direction, tag, started_at, duration_ms, checksum]: [Option<String>; 6] =
            row.try_into()
                .map_err(|_| bad("*", &Some("a row of another width".into())))?;
        let direction_value = match direction.as_deref() {
            Some("upgrade") => Direction::Upgrade,
            Some("downgrade") => Direction::Downgrade,
            _ => return Err(bad("direction", &direction)),
        };
        Ok(LogEntry {
            revision: RevisionId::new(revision.clone().ok_or_else(|| bad("revision", &revision))?),
            direction: direction_value,
            tag,
            started_at: started_at
                .as_deref()
                .and_then(parse_time)
                .ok_or_else(|| bad("started_at", &started_at))?,
            duration: duration_ms
                .as_deref()
                .and_then(|ms| ms.parse().ok())
                .map(Duration::from_millis)
                .ok_or_else(|| bad("duration_ms", &duration_ms))?,
            checksum,
        })
    }
}

/// `YYYY-MM-DD HH:MM:SS.ffffff` in UTC: a literal every dialect's timestamp
/// type accepts, and that sorts as text on SQLite.
fn format_time(time: SystemTime) -> String {
    match jiff::Timestamp::try_from(time) {
        Ok(ts) => ts.strftime("%Y-%m-%d %H:%M:%S%.6f").to_string(),
        // Out of jiff's range (years beyond 9999): not a real start time.
        Err(_) => "1970-01-01 00:00:00.000000".to_owned(),
    }
}

/// The inverse of [`format_time`], also for the shorter fractions the
/// servers print (PostgreSQL drops trailing zeros).
fn parse_time(text: &str) -> Option<SystemTime> {
    let civil: jiff::civil::DateTime = text.trim().parse().ok()?;
    let ts = civil.to_zoned(jiff::tz::TimeZone::UTC).ok()?.timestamp();
    Some(SystemTime::from(ts))
}
