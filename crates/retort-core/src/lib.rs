//! retort-core: the pure core of retort, with no database driver.
//!
//! The main types:
//! - [`Revision`] and [`RevisionId`]: one node of the revision graph, read
//!   from one revision file ([`script`]).
//! - [`RevisionGraph`]: the DAG of all revisions with Alembic's semantics for
//!   heads, bases, branch labels, `depends_on`, revision expressions and the
//!   planning of upgrades and downgrades ([`graph`]).
//! - [`Config`]: the project's `retort.toml` ([`config`]).
//! - [`ScriptDirectory`]: a migrations folder: its configuration, its
//!   revision files and the graph they form ([`script`]).
//! - [`Operation`]: one schema change (Alembic's `op.*`), read from and
//!   written to revision files, with its reverse ([`ops`]); it works on the
//!   [`schema`] model (tables, columns, keys) and its [`types`].
//! - [`Dialect`]: how SQLite, PostgreSQL and MySQL render operations to
//!   [`Statement`]s, with SQLite's batch move-and-copy ([`dialect`]).
//! - [`models::read_models`]: the target schema, read from SQL DDL files
//!   parsed for the database's dialect, with errors naming file, line and
//!   column ([`models`]).
//! - [`diff::diff`]: autogenerate's comparison of a live and a target
//!   [`schema::Schema`], giving the upgrade and downgrade operations, with
//!   one normalizer per dialect ([`diff`]).
//!
//! The data path of a read-only command such as `retort heads`: `Config::load`
//! -> `ScriptDirectory::load` (reads every revision file in parallel, parsing
//! with errors that name file, line and column) -> `RevisionGraph::new`
//! (validates the DAG) -> a query on the graph.
#![deny(missing_docs)]

pub mod config;
pub mod dialect;
pub mod diff;
pub mod graph;
mod hint;
pub mod lint;
pub mod location;
pub mod models;
pub mod ops;
pub mod revision;
pub mod schema;
pub mod script;
pub mod types;

pub use config::Config;
pub use dialect::{Dialect, DialectError, Statement};
pub use graph::RevisionGraph;
pub use location::Location;
pub use ops::Operation;
pub use revision::{Operations, Revision, RevisionId};
pub use script::ScriptDirectory;
