//! retort-db: retort's database layer. The core ([`retort_core`]) knows no
//! driver; this crate connects to the databases and keeps their version
//! tables.
//!
//! The main types:
//! - [`DatabaseUrl`]: a parsed SQLAlchemy-style URL whose `Display` hides the
//!   password, and [`resolve_url`], which picks it from `--url`,
//!   `DATABASE_URL` (environment or `.env`) or the configuration ([`url`],
//!   [`source`]).
//! - [`Connection`]: the small driver trait (execute, query, transactions,
//!   a database-wide lock), implemented by [`SqliteConnection`],
//!   [`PostgresConnection`] and [`MysqlConnection`]; [`connect`] opens the
//!   right one for a URL.
//! - [`VersionTable`]: the table of applied heads, Alembic's model, and
//!   [`LogTable`]: the record of every revision run.
//!
//! Cargo features: `sqlite` (rusqlite), `postgres` (the `postgres` crate,
//! on tokio) and `mysql` (MySQL and MariaDB), all on by default, each
//! building one driver and its connection type. Without a driver,
//! [`connect`] refuses a URL for its database with
//! [`DbError::DriverNotBuilt`], which names the feature; everything that
//! needs no connection (URLs, offline SQL, the version table's statements)
//! works for every dialect in every build.
//!
//! ```
//! use retort_core::RevisionId;
//! use retort_core::graph::VersionUpdate;
//! use retort_db::{DatabaseUrl, VersionTable, connect};
//!
//! let url = DatabaseUrl::parse("sqlite://")?; // in memory
//! let mut conn = connect(&url)?;
//! let table = VersionTable::new("retort_version", None);
//! table.ensure(conn.as_mut())?;
//! conn.begin()?;
//! table.apply(conn.as_mut(), &VersionUpdate::Insert(RevisionId::new("3f2a9c1b7d4e")))?;
//! conn.commit()?;
//! assert_eq!(table.read(conn.as_mut())?, [RevisionId::new("3f2a9c1b7d4e")]);
//! assert_eq!(
//!     DatabaseUrl::parse("postgresql+psycopg2://app:s3cret@db/prod")?.to_string(),
//!     "postgresql+psycopg2://app:***@db/prod"
//! );
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Design choices:
//! - One executor: [`Connection::execute`] is the only way SQL reaches a
//!   database, and every statement this crate writes is also available as
//!   text, so offline (`--sql`) scripts print exactly what online runs send.
//! - Synchronous drivers only (rusqlite, postgres, mysql): a migration is a
//!   sequence of statements, and no async runtime is needed.
//! - Usable from inside a tokio runtime (an `async fn main` migrating at
//!   start-up, a `#[tokio::test]`): the `postgres` crate drives a runtime of
//!   its own, which tokio refuses inside another, so [`PostgresConnection`]
//!   runs each driver call on a scoped helper thread when a runtime is
//!   active (see [`postgres`]). rusqlite and the `mysql` crate (built
//!   without its async features) start no runtime and work anywhere. Every
//!   call still blocks its thread; from async code, run migrations in
//!   `tokio::task::spawn_blocking` so the runtime's other tasks go on.
//! - Dialect differences are capabilities (`supports_transactional_ddl`) and
//!   driver methods, not checks of which database is in use.
//! - A run serialises with other runs through a lock that holds across
//!   the nodes of a cluster and through transaction-pooling proxies: a
//!   row of the lock table with a renewed lease ([`LockTable`]) on
//!   servers, SQLite's file lock ([`Connection::lock`]) on SQLite.
//! - Where DDL cannot roll back (MySQL/MariaDB), the progress of each
//!   revision is journaled before each statement ([`JournalTable`]), so
//!   that a run killed midway is finished by the next one without running
//!   any statement twice.
#![deny(missing_docs)]

pub mod autogenerate;
pub mod connection;
pub mod error;
pub mod inspect;
pub mod journal_table;
pub mod lock_table;
pub mod log_table;
#[cfg(feature = "mysql")]
pub mod mysql;
#[cfg(feature = "postgres")]
pub mod postgres;
pub(crate) mod quote;
pub mod runner;
// Autogenerate's reading of the models through a scratch database: the
// `retort` crate and the integration tests call it, so it is public, but it
// is not part of the stable API (use `retort::Retort::migrate`/`check`, or
// [`autogenerate`]).
#[doc(hidden)]
pub mod scratch;
pub mod source;
#[cfg(feature = "sqlite")]
pub mod sqlite;
// TLS serves the server drivers only: without them it is unused.
#[cfg_attr(not(any(feature = "postgres", feature = "mysql")), allow(dead_code))]
mod tls;
pub mod url;
pub mod version_table;

pub use connection::{ConnectOptions, Connection, Row, connect, connect_with};
pub use error::DbError;
pub use journal_table::{JournalEntry, JournalState, JournalTable};
pub use lock_table::{LockHolder, LockTable};
pub use log_table::{LogEntry, LogTable};
#[cfg(feature = "mysql")]
pub use mysql::MysqlConnection;
#[cfg(feature = "postgres")]
pub use postgres::PostgresConnection;
pub use source::{ResolveUrlError, ResolvedUrl, UrlSource, resolve_url, resolve_url_with};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteConnection;
pub use url::{DatabaseUrl, DialectName, UrlError};
pub use version_table::VersionTable;
