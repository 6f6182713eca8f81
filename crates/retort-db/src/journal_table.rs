//! The journal table, `retort_journal`: how far the revision being run has
//! got, on a database whose DDL cannot roll back (MySQL/MariaDB).
//!
//! Before a revision's first statement, its row is written (revision,
//! direction, file checksum, how many statements it has); after each
//! statement, `done` counts it. A statement that changes rows commits
//! together with its count; a schema statement commits on its own, so
//! before it runs, `pending` records a fingerprint of the objects it
//! changes, and after a crash comparing it with the schema as it is tells
//! whether it ran. The row is deleted in the transaction that writes the
//! version and log rows. A row found by a later run is an interrupted
//! revision, which that run finishes from the first statement that did
//! not run (`runner::journal`).

use retort_core::RevisionId;
use retort_core::graph::Direction;

use crate::connection::Connection;
use crate::error::DbError;
use crate::quote;
use crate::url::DialectName;

/// The journal table's default name.
pub const DEFAULT_JOURNAL_TABLE: &str = "retort_journal";

/// The journal table of one database: its name and schema.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JournalTable {
    /// The table's name.
    pub name: String,
    /// The schema holding it; the connection's default when `None`.
    pub schema: Option<String>,
}

/// Where an interrupted revision stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JournalState {
    /// Its statements were running.
    Running,
    /// A statement failed and retort was undoing what had run.
    Undoing,
    /// A statement failed and what had run could not all be undone.
    Failed,
}

impl JournalState {
    fn as_str(self) -> &'static str {
        match self {
            JournalState::Running => "running",
            JournalState::Undoing => "undoing",
            JournalState::Failed => "failed",
        }
    }
}

/// One revision in progress, or interrupted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JournalEntry {
    /// The revision.
    pub revision: RevisionId,
    /// Which way it was running.
    pub direction: Direction,
    /// The checksum of its file when it started.
    pub checksum: Option<String>,
    /// How many statements it has.
    pub statements: u64,
    /// How many of them ran.
    pub done: u64,
    /// The fingerprint taken before statement `done` (a schema statement),
    /// while its outcome is unknown.
    pub pending: Option<String>,
    /// The server session that ran that statement (MySQL's connection
    /// id): a later run waits for it to end before it looks.
    pub session: Option<String>,
    /// Where it stands.
    pub state: JournalState,
    /// What happened, for a failed revision.
    pub report: Option<String>,
    /// The version rows once the revision is recorded.
    pub rows_after: Vec<RevisionId>,
}

impl JournalTable {
    /// A journal table named `name` in `schema`.
    pub fn new(name: impl Into<String>, schema: Option<String>) -> JournalTable {
        JournalTable {
            name: name.into(),
            schema,
        }
    }

    /// The quoted, schema-qualified name.
    pub fn qualified(&self, dialect: DialectName) -> String {
        quote::qualified(dialect, self.schema.as_deref(), &self.name)
    }

    /// `CREATE TABLE IF NOT EXISTS` for the table.
    pub fn create_sql(&self, dialect: DialectName) -> String {
        format!(
            "CREATE TABLE IF NOT EXISTS {} (\n    revision VARCHAR(32) NOT NULL,\n    \
             direction VARCHAR(16) NOT NULL,\n    checksum VARCHAR(128),\n    \
             statements BIGINT NOT NULL,\n    done BIGINT NOT NULL,\n    \
             pending VARCHAR(255),\n    session VARCHAR(64),\n    state VARCHAR(16) NOT NULL,\n    report TEXT,\n    \
             rows_after TEXT NOT NULL,\n    \
             CONSTRAINT {} PRIMARY KEY (revision)\n)",
            self.qualified(dialect),
            quote::ident(dialect, &format!("{}_pkey", self.name)),
        )
    }

    /// Whether the table exists.
    pub fn exists(&self, conn: &mut dyn Connection) -> Result<bool, DbError> {
        let sql =
            crate::version_table::exists_sql(conn.dialect(), self.schema.as_deref(), &self.name);
        Ok(!conn.query_column(&sql)?.is_empty())
    }

    /// Creates the table unless it exists.
    pub fn ensure(&self, conn: &mut dyn Connection) -> Result<(), DbError> {
        if !self.exists(conn)? {
            conn.execute(&self.create_sql(conn.dialect()))?;
        }
        Ok(())
    }

    /// The rows: interrupted revisions (at most one, as runs are serialised
    /// by the lock). None when the table does not exist.
    pub fn read(&self, conn: &mut dyn Connection) -> Result<Vec<JournalEntry>, DbError> {
        if !self.exists(conn)? {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT revision, direction, checksum, statements, done, pending, session, state, report, rows_after FROM {}",
            self.qualified(conn.dialect())
        );
        let rows = conn.query_strings(&sql)?;
        rows.into_iter().map(|row| self.entry(&sql, row)).collect()
    }

    fn entry(&self, sql: &str, row: Vec<Option<String>>) -> Result<JournalEntry, DbError> {
        let bad = |column: &'static str, value: &Option<String>| DbError::BadValue {
            table: self.name.clone(),
            column,
            value: value.clone().unwrap_or_else(|| "NULL".into()),
            sql: sql.to_owned(),
        };
        let [
            revision,
            direction,
            checksum,
            statements,
            done,
            pending,
            session,
            state,
            report,
            rows_after,
        ]: [Option<String>; 10] = row
            .try_into()
            .map_err(|_| bad("*", &Some("a row of another width".into())))?;
        let number = |column: &'static str, value: &Option<String>| {
            value
                .as_deref()
                .and_then(|v| v.parse::<u64>().ok())
                .ok_or_else(|| bad(column, value))
        };
        Ok(JournalEntry {
            revision: RevisionId::new(revision.clone().ok_or_else(|| bad("revision", &revision))?),
            direction: match direction.as_deref() {
                Some("upgrade") => Direction::Upgrade,
                Some("downgrade") => Direction::Downgrade,
                _ => return Err(bad("direction", &direction)),
            },
            checksum,
            statements: number("statements", &statements)?,
            done: number("done", &done)?,
            pending,
            session,
            state: match state.as_deref() {
                Some("running") => JournalState::Running,
                Some("undoing") => JournalState::Undoing,
                Some("failed") => JournalState::Failed,
                _ => return Err(bad("state", &state)),
            },
            report,
            rows_after: rows_after
                .as_deref()
                .unwrap_or_default()
                .split(',')
                .filter(|id| !id.is_empty())
                .map(RevisionId::new)
                .collect(),
        })
    }

    /// Records that `entry`'s revision starts (its row, `done` = 0).
    pub fn insert_sql(&self, dialect: DialectName, entry: &JournalEntry) -> String {
        format!(
            "INSERT INTO {} (revision, direction, checksum, statements, done, pending, state, report, rows_after) \
             VALUES ({}, {}, {}, {}, {}, NULL, {}, NULL, {})",
            self.qualified(dialect),
            lit(dialect, entry.revision.as_str()),
            lit(dialect, &entry.direction.to_string()),
            entry
                .checksum
                .as_deref()
                .map_or_else(|| "NULL".to_owned(), |c| lit(dialect, c)),
            entry.statements,
            entry.done,
            lit(dialect, entry.state.as_str()),
            lit(
                dialect,
                &entry
                    .rows_after
                    .iter()
                    .map(|r| r.as_str())
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        )
    }

    /// Records, before schema statement `done` runs, that the ones before
    /// it ran, the fingerprint taken before it, and the session that runs
    /// it.
    pub fn pending_sql(
        &self,
        dialect: DialectName,
        revision: &RevisionId,
        done: u64,
        fingerprint: &str,
        session: Option<&str>,
    ) -> String {
        format!(
            "UPDATE {} SET done = {done}, pending = {}, session = {} WHERE revision = {}",
            self.qualified(dialect),
            lit(dialect, fingerprint),
            session.map_or_else(|| "NULL".to_owned(), |s| lit(dialect, s)),
            lit(dialect, revision.as_str())
        )
    }

    /// Counts statement `done - 1` as run (and clears `pending`).
    pub fn done_sql(&self, dialect: DialectName, revision: &RevisionId, done: u64) -> String {
        format!(
            "UPDATE {} SET done = {done}, pending = NULL, session = NULL WHERE revision = {}",
            self.qualified(dialect),
            lit(dialect, revision.as_str())
        )
    }

    /// Sets the state (and the report of a failure).
    pub fn state_sql(
        &self,
        dialect: DialectName,
        revision: &RevisionId,
        state: JournalState,
        report: Option<&str>,
    ) -> String {
        format!(
            "UPDATE {} SET state = {}, report = {} WHERE revision = {}",
            self.qualified(dialect),
            lit(dialect, state.as_str()),
            report.map_or_else(|| "NULL".to_owned(), |r| lit(dialect, r)),
            lit(dialect, revision.as_str())
        )
    }

    /// Deletes the row of `revision` (it finished, or was undone).
    pub fn delete_sql(&self, dialect: DialectName, revision: &RevisionId) -> String {
        format!(
            "DELETE FROM {} WHERE revision = {}",
            self.qualified(dialect),
            lit(dialect, revision.as_str())
        )
    }

    /// Deletes every row (`stamp` sets the version rows by hand).
    pub fn clear_sql(&self, dialect: DialectName) -> String {
        format!("DELETE FROM {}", self.qualified(dialect))
    }
}

fn lit(dialect: DialectName, text: &str) -> String {
    quote::literal(dialect, text)
}
