//! Autogenerate: inspect the live database, read the target schema, compare.
//!
//! The data path of `retort migrate`: the database must be at head (as
//! Alembic requires) -> [`inspect_schema`](crate::inspect::inspect_schema) (a fixed number of catalog
//! queries) -> [`retort_core::diff::diff`] against the target read from the
//! models -> the upgrade operations and their reverses.

use std::path::PathBuf;

use retort_core::diff::{Diff, DiffOptions, diff};
use retort_core::schema::Schema;
use retort_core::{RevisionId, ScriptDirectory};

use crate::connection::Connection;
use crate::error::DbError;
use crate::inspect::{InspectOptions, SchemaSelection};
use crate::runner::{Tables, rows_text};

/// Why a comparison could not be made.
#[derive(Debug, thiserror::Error)]
pub enum AutogenerateError {
    /// The database is behind (or beside) the revision files' heads.
    #[error(
        "target database is not up to date: it is at {current}, the revision files' heads are {heads}; run `retort upgrade heads` first, then generate the revision"
    )]
    NotAtHead {
        /// The version rows.
        current: String,
        /// The heads of the graph.
        heads: String,
    },
    /// The database could not be read.
    #[error(transparent)]
    Db(#[from] DbError),
}

/// The database's version rows must equal the graph's heads.
pub fn ensure_at_head(
    dir: &ScriptDirectory,
    conn: &mut dyn Connection,
) -> Result<(), AutogenerateError> {
    let tables = Tables::from_config(&dir.config);
    let mut rows: Vec<RevisionId> = tables.version.read(conn)?;
    let mut heads: Vec<RevisionId> = dir
        .graph
        .heads_resolving_dependencies()
        .into_iter()
        .map(|r| r.id.clone())
        .collect();
    rows.sort();
    heads.sort();
    if rows != heads {
        return Err(AutogenerateError::NotAtHead {
            current: rows_text(&rows),
            heads: rows_text(&heads),
        });
    }
    Ok(())
}

/// Compares the live database with `target`, under the project's
/// comparison settings (`compare_type`, `compare_server_default`, the
/// include/exclude lists of tables and schemas); retort's own tables are
/// never reported.
pub fn compare(
    dir: &ScriptDirectory,
    conn: &mut dyn Connection,
    target: &Schema,
) -> Result<Diff, AutogenerateError> {
    ensure_at_head(dir, conn)?;
    let tables = Tables::from_config(&dir.config);
    let mut options = InspectOptions::new(&tables.version.name, &tables.log.name)
        .exclude(tables.lock.name.clone())
        .exclude(tables.journal.name.clone());
    for excluded in &dir.config.exclude_tables {
        options = options.exclude(excluded.clone());
    }
    let schemas = SchemaSelection::new(&dir.config.include_schemas, &dir.config.exclude_schemas);
    let live = schemas.inspect(conn, &options)?;
    let config = &dir.config;
    let ignored = tables.names();
    let mut diff_options = DiffOptions::new(conn.dialect().normalizer());
    diff_options.compare_type = config.compare_type;
    diff_options.compare_server_default = config.compare_server_default;
    diff_options.include_tables =
        (!config.include_tables.is_empty()).then_some(config.include_tables.as_slice());
    diff_options.exclude_tables = &config.exclude_tables;
    diff_options.ignored_tables = &ignored;
    diff_options.render_as_batch = config.render_as_batch;
    Ok(diff(&live, &schemas.target(target), &diff_options))
}

/// The model files of a project, or of one of its databases: `--models`
/// (relative to the current directory) replaces the configured ones
/// (relative to `retort.toml`'s folder).
pub fn model_paths(
    dir: &ScriptDirectory,
    database: Option<&str>,
    override_models: &[String],
) -> Result<Vec<PathBuf>, retort_core::models::ModelError> {
    if !override_models.is_empty() {
        return retort_core::models::expand_models(std::path::Path::new("."), override_models);
    }
    let configured = match database {
        Some(name) => dir
            .config
            .databases
            .get(name)
            .map(|d| d.models.clone())
            .unwrap_or_default(),
        None => dir.config.models.clone(),
    };
    retort_core::models::expand_models(dir.config.here(), &configured)
}
