//! retort: Alembic-grade database schema migrations for Rust, as a library
//! and the `retort` command line.
//!
//! The main types:
//! - [`Retort`] ([`api`]): a project (a migrations folder) and the settings
//!   commands run with — URL, database, `-x` arguments, configuration
//!   callbacks, a target schema built in Rust, a [`Progress`] receiver —
//!   with one method per command: [`init`](Retort::init),
//!   [`list_templates`](Retort::list_templates),
//!   [`revision`](Retort::revision), [`migrate`](Retort::migrate),
//!   [`check`](Retort::check), [`merge`](Retort::merge),
//!   [`edit`](Retort::edit), [`heads`](Retort::heads),
//!   [`branches`](Retort::branches), [`history`](Retort::history),
//!   [`show`](Retort::show), [`upgrade`](Retort::upgrade),
//!   [`downgrade`](Retort::downgrade), [`stamp`](Retort::stamp),
//!   [`current`](Retort::current), and the offline (`--sql`) variants
//!   [`upgrade_sql`](Retort::upgrade_sql),
//!   [`downgrade_sql`](Retort::downgrade_sql) and
//!   [`stamp_sql`](Retort::stamp_sql), which write to any `Write`. Results
//!   are values ([`RunReport`], [`RevisionList`], [`Current`],
//!   [`PendingChange`]); failures are a typed [`Error`] whose message says
//!   what is wrong and how to fix it. Library code never prints.
//!   A project is a folder ([`Retort::open`]) or a copy of it embedded in
//!   the application's binary ([`Retort::embedded`], written by the
//!   `retort-build` crate from `build.rs`), to migrate at start-up.
//! - [`cli`]: the clap definition of the command line ([`cli::Cli`]),
//!   [`cli::run`] (build a [`Retort`] from the global options, call the
//!   command, format its result) and [`cli::DbCommand`], the whole command
//!   set for an application to mount as `myapp db <command>`.
//! - [`core`] (the `retort-core` crate, no database driver): the
//!   configuration, revision files, the revision graph and planner, the
//!   schema model, operations, dialects and autogenerate's diff; [`db`]
//!   (`retort-db`): connections, version and log tables, inspection and the
//!   runner.
//!
//! The data path of `upgrade("head")`: [`Retort`] -> `retort.toml` read,
//! then the configure callbacks -> every revision file read and the
//! [`core::RevisionGraph`] built -> for each database: the URL chosen
//! (`url(..)`, `DATABASE_URL`, the configuration) -> connect (gives the
//! dialect) -> take the database lock -> read the version table -> plan
//! the steps -> render each step's operations to statements and run them
//! with the version-table update in one transaction -> unlock; each step
//! is reported to the [`Progress`] receiver and listed in the
//! [`RunReport`]. Autogenerate (`migrate`, `check`): the target schema
//! (SQL model files, or [`Retort::target_schema`]) -> inspect the live
//! database -> diff -> operations -> reverse for the downgrade -> write the
//! revision file.
//!
//! Cargo features: `sqlite`, `postgres` and `mysql`, all on by default,
//! build the database drivers (forwarded to `retort-db`). An application
//! that uses one database depends on retort with `default-features =
//! false, features = ["sqlite"]` (or its database's feature) and compiles
//! no other driver; offline SQL works for every dialect in every build, and
//! a URL whose driver was left out is an [`Error`] naming the feature.
//!
//! A [`Retort`] has no global state (unlike Alembic's module-level
//! `context` and `op` proxies): it is `Send + Sync`, and threads sharing
//! one may run commands at once; upgrades of one database serialise on
//! its lock.
//!
//! ```
//! use std::convert::Infallible;
//!
//! use retort::core::schema::SchemaBuilder;
//! use retort::core::types::ColumnType;
//! use retort::{Retort, RevisionRequest};
//!
//! let tmp = tempfile::tempdir()?;
//! // A file: an in-memory `sqlite://` database would vanish with each
//! // connection, and every command opens its own.
//! let url = format!("sqlite:///{}", tmp.path().join("app.db").display());
//! let retort = Retort::open(tmp.path().join("migrations"))
//!     .url(url)
//!     .configure(|cfg| {
//!         cfg.version_table = "app_version".into();
//!         Ok::<_, Infallible>(())
//!     })
//!     // The application's models, declared in Rust for the database's dialect.
//!     .target_schema(|_database, dialect| {
//!         SchemaBuilder::new()
//!             .table("account", |t| {
//!                 t.column("id", ColumnType::Integer, |c| c.primary_key())
//!                     .column("name", "varchar(128)", |c| c.not_null())
//!             })
//!             .build_for(dialect)
//!     });
//!
//! retort.init("generic")?;
//! let new = retort.migrate(&RevisionRequest::with_message("create account"))?;
//! assert_eq!(new.changes[0].change, "Detected added table 'account'");
//!
//! let report = retort.upgrade("head")?;
//! assert_eq!(report.steps(), 1);
//! let heads = retort.heads(false)?;
//! assert_eq!(retort.current()?.databases[0].revisions, heads.ids());
//! assert!(retort.check()?.is_empty());
//!
//! let mut script = Vec::new();
//! retort.upgrade_sql("base:head", &mut script)?;
//! let script = String::from_utf8(script)?;
//! assert!(script.contains(r#"CREATE TABLE IF NOT EXISTS "app_version""#));
//! assert!(script.contains(&format!("-- Running upgrade  -> {}", heads.ids()[0])));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub mod api;
pub mod cli;

pub use api::{
    BoxError, Current, DatabaseRevisions, DatabaseRun, Error, Event, GeneratedRevision,
    MergeRequest, PendingChange, Progress, Retort, RevisionList, RevisionRequest, RunReport,
    StepRun,
};
pub use retort_core as core;
pub use retort_db as db;
