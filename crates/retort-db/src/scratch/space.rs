//! An empty space to run revisions in (`lint`'s `irreversible-downgrade`):
//! unlike the models' scratch space, revisions are run by the runner,
//! which commits, so nothing can be rolled back at the end; the space is
//! dropped instead, and one left behind by a killed run is dropped by the
//! next run on the same server.
//!
//! - SQLite: a new in-memory database.
//! - PostgreSQL: a schema `retort_scratch_p<backend pid>_<unique>`, alone
//!   on the session's `search_path`, so unqualified names land in it and
//!   resolve to nothing else (a revision that drops or changes a table it
//!   did not create fails there instead of touching the dev database's
//!   own); dropped with `CASCADE`. A leftover is a schema of that form whose
//!   backend is no longer running.
//! - MySQL/MariaDB: a database `retort_scratch_<connection id>_<unique>`
//!   made current with `USE`, dropped afterwards (the same names and
//!   leftover rule as the models' scratch databases).

use super::mysql::{SCRATCH_PREFIX, drop_leftovers};
use super::{ScratchError, unique_suffix};
use crate::connection::Connection;
use crate::error::DbError;
use crate::quote::ident;
use crate::url::{DatabaseUrl, DialectName};

/// The prefix of the PostgreSQL schemas a [`ScratchSpace`] makes, before
/// the backend's pid.
const PG_PREFIX: &str = "retort_scratch_p";

/// An empty schema or database on a server, with a connection whose
/// unqualified names land in it; dropped when this is dropped.
pub struct ScratchSpace {
    conn: Box<dyn Connection>,
    /// The schema or database made (`None`: SQLite in memory).
    name: Option<String>,
}

impl ScratchSpace {
    /// Makes an empty space on `url`'s server (for SQLite: in memory,
    /// whatever `url` names).
    pub fn open(url: &DatabaseUrl) -> Result<ScratchSpace, ScratchError> {
        match url.dialect() {
            DialectName::Sqlite => {
                let memory = DatabaseUrl::parse("sqlite://").map_err(|e| {
                    ScratchError::Db(DbError::Connect {
                        url: "sqlite://".into(),
                        dialect: DialectName::Sqlite,
                        reason: e.to_string(),
                    })
                })?;
                Ok(ScratchSpace {
                    conn: crate::connect(&memory)?,
                    name: None,
                })
            }
            DialectName::Postgresql => {
                let mut conn = crate::connect(url)?;
                let pid = first(conn.as_mut(), "SELECT pg_backend_pid()::text")?;
                drop_pg_leftovers(conn.as_mut())?;
                let name = format!("{PG_PREFIX}{pid}_{}", unique_suffix());
                let quoted = ident(DialectName::Postgresql, &name);
                if let Err(e) = conn.execute(&format!("CREATE SCHEMA {quoted}")) {
                    return Err(privilege(conn.as_ref(), e, "CREATE on the database"));
                }
                let mut space = ScratchSpace {
                    conn,
                    name: Some(name),
                };
                space.conn.execute(&format!(
                    "SELECT pg_catalog.set_config('search_path', '{quoted}', false)"
                ))?;
                // Through a transaction-pooling proxy the setting does not
                // stay with the session: unqualified names would land in
                // the dev database's own schema.
                let now = first(space.conn.as_mut(), "SELECT current_schema()")?;
                if Some(&now) != space.name.as_ref() {
                    return Err(ScratchError::Space {
                        url: space.conn.url().to_string(),
                        reason: format!(
                            "the session's search_path did not stay on the scratch schema (the current schema is {now:?}): \
                             is this a transaction-pooling proxy?"
                        ),
                        fix: "point `dev_url` in retort.toml (or --dev-url) at the server itself, \
                              not through PgBouncer in transaction mode"
                            .into(),
                    });
                }
                Ok(space)
            }
            DialectName::Mysql => {
                let mut conn = crate::connect(url)?;
                let id = first(conn.as_mut(), "SELECT CONNECTION_ID()")?;
                drop_leftovers(conn.as_mut())?;
                let name = format!("{SCRATCH_PREFIX}{id}_{}", unique_suffix());
                let quoted = ident(DialectName::Mysql, &name);
                if let Err(e) = conn.execute(&format!("CREATE DATABASE {quoted}")) {
                    return Err(privilege(
                        conn.as_ref(),
                        e,
                        &format!("CREATE and DROP on databases named `{SCRATCH_PREFIX}%`"),
                    ));
                }
                let mut space = ScratchSpace {
                    conn,
                    name: Some(name),
                };
                space.conn.execute(&format!("USE {quoted}"))?;
                Ok(space)
            }
        }
    }

    /// The connection to run in.
    pub fn connection(&mut self) -> &mut Box<dyn Connection> {
        &mut self.conn
    }

    /// The space's dialect.
    pub fn dialect(&self) -> DialectName {
        self.conn.dialect()
    }

    /// What the space is, for messages: "a scratch SQLite database in
    /// memory", "a scratch PostgreSQL schema on the dev database", ...
    pub fn describe(&self) -> String {
        ScratchSpace::describe_on(self.conn.dialect())
    }

    /// What a space on `dialect` is, for messages.
    pub fn describe_on(dialect: DialectName) -> String {
        match dialect {
            DialectName::Sqlite => "a scratch SQLite database in memory".into(),
            DialectName::Postgresql => "a scratch PostgreSQL schema on the dev database".into(),
            DialectName::Mysql => format!(
                "a scratch {} database on the dev server",
                DialectName::Mysql.product()
            ),
        }
    }
}

impl Drop for ScratchSpace {
    fn drop(&mut self) {
        let Some(name) = &self.name else {
            return;
        };
        let dialect = self.conn.dialect();
        // A failed revision may have left a transaction open.
        let _ = self.conn.rollback();
        let sql = match dialect {
            DialectName::Postgresql => {
                format!("DROP SCHEMA IF EXISTS {} CASCADE", ident(dialect, name))
            }
            _ => format!("DROP DATABASE IF EXISTS {}", ident(dialect, name)),
        };
        // What is not dropped now (the connection is gone) is dropped by
        // the next run: its session is no longer running.
        let _ = self.conn.execute(&sql);
    }
}

/// The first column of the first row of `sql`.
fn first(conn: &mut dyn Connection, sql: &str) -> Result<String, DbError> {
    Ok(conn
        .query_column(sql)?
        .into_iter()
        .next()
        .unwrap_or_default())
}

/// A failed `CREATE`: for want of a privilege, an error that says what
/// to grant.
fn privilege(conn: &dyn Connection, error: DbError, grant: &str) -> ScratchError {
    match error {
        DbError::Statement { reason, .. } => ScratchError::Space {
            url: conn.url().to_string(),
            reason,
            fix: format!(
                "grant the user {grant}, or point `dev_url` in retort.toml (or --dev-url) at a \
                 database where it may"
            ),
        },
        other => ScratchError::Db(other),
    }
}

/// Drops the scratch schemas of runs whose backend is gone.
fn drop_pg_leftovers(conn: &mut dyn Connection) -> Result<(), DbError> {
    let names = conn.query_column(&format!(
        "SELECT nspname FROM pg_catalog.pg_namespace WHERE nspname LIKE '{}%'",
        PG_PREFIX.replace('_', "\\_")
    ))?;
    let running = conn.query_column("SELECT pid::text FROM pg_catalog.pg_stat_activity")?;
    for name in names {
        let Some(pid) = name
            .strip_prefix(PG_PREFIX)
            .and_then(|rest| rest.split('_').next())
            .filter(|pid| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()))
        else {
            continue;
        };
        if !running.iter().any(|p| p == pid) {
            conn.execute(&format!(
                "DROP SCHEMA IF EXISTS {} CASCADE",
                ident(DialectName::Postgresql, &name)
            ))?;
        }
    }
    Ok(())
}
