//! Integration tests of the `retort` command line: one test binary, a module
//! per area (SPEC sections 2 to 5). Each test runs the real binary in a fresh
//! temporary folder (see `harness`).
//!
//! Text outputs are insta snapshots in `snapshots/`; dates and the temporary
//! folder are redacted to `<date>` and `<tmp>`.

mod harness;
#[path = "../support/servers.rs"]
mod servers;

mod cli_options;
mod completions;
mod converge;
mod errors;
mod generate;
mod graph_cmds;
mod graph_draw;
mod init;
mod json_output;
mod merge_edit;
mod rebase;
mod renames;
mod revision;
mod squash;

// End to end on live databases (SQLite, PostgreSQL, MariaDB).
mod api;
mod api_app;
mod api_embed;
mod api_threads;
mod clusters;
mod concurrently;
mod crash;
mod data_safety;
mod fleet;
mod interrupted;
mod lint;
mod migrate_cli;
mod migrate_concurrent;
mod migrate_db;
mod migrate_failure;
mod migrate_graph;
mod migrate_offline;
mod migrate_ops;
mod migrate_options;
mod models_reader;
mod multidb;
mod pg_dump_habits;
mod safety_depth;
mod safety_files;
mod safety_quoting;
mod safety_types;
mod safety_urls;
mod schema_objects;
mod scratch;
mod sqlite_rebuild;
mod tls;
mod verify_lock;
mod virtual_tables;

// The autogenerate corpus (SPEC section 7).
mod autogen;
mod autogen_fixes;

// Real published schemas round-trip exactly (issue 10).
mod real_schemas;

// The guide in docs/: every example runs.
mod docs;
// The reference in docs/reference/: generated parts current, nothing left out.
mod reference;

// Compared with Alembic 1.20.1's recorded outputs (scripts/alembic-record).
mod alembic_compare;
