//! Autogenerate: inspect the live database, read the target schema, compare.
//!
//! The data path of `retort migrate`: the database must be at head (as
//! Alembic requires) -> [`inspect_schema`](crate::inspect::inspect_schema) (a fixed number of catalog
//! queries) -> [`retort_core::diff::diff`] against the target read from the
//! models -> the upgrade operations and their reverses.

use std::path::PathBuf;

use retort_core::diff::renames::{Renames, diff_with_renames};
use retort_core::diff::{Diff, DiffOptions};
use retort_core::schema::Schema;
use retort_core::{RevisionId, ScriptDirectory};

use crate::connection::Connection;
use crate::error::DbError;
use crate::inspect::{InspectOptions, SchemaSelection};
use crate::runner::{Tables, rows_text};
use crate::scratch::{ModelFile, ScratchError, normalize_models};
use crate::url::{DatabaseUrl, DialectName};

/// Why a comparison could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
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
    /// The database is at a revision no file declares (a deleted file).
    #[error(
        "target database is at revision {revision}, which no revision file declares; restore that file, or `retort stamp --purge REV` to record where the database really is"
    )]
    UnknownRevision {
        /// The version row no file declares.
        revision: String,
    },
    /// The database could not be read.
    #[error(transparent)]
    Db(#[from] DbError),
    /// The models could not be read through the scratch space.
    #[error(transparent)]
    Scratch(#[from] ScratchError),
    /// `dev_url` (or `--dev-url`) does not parse.
    #[error("dev_url is not a valid database URL: {0}")]
    DevUrl(crate::url::UrlError),
    /// `dev_url` is not a URL of the compared database's kind.
    #[error(
        "dev_url {url} is a {dev} URL but the database it reads the models for is {live}; \
         set dev_url to a {live} server, or remove it to use the database itself"
    )]
    DevUrlDialect {
        /// The dev URL, password hidden.
        url: String,
        /// Its product.
        dev: &'static str,
        /// The compared database's product.
        live: &'static str,
    },
}

/// The database's version rows must equal the graph's heads.
pub fn ensure_at_head(
    dir: &ScriptDirectory,
    conn: &mut dyn Connection,
) -> Result<(), AutogenerateError> {
    let tables = Tables::from_config(&dir.config);
    let mut rows: Vec<RevisionId> = tables.version.read(conn)?;
    if let Some(unknown) = rows.iter().find(|r| dir.graph.get(r).is_none()) {
        return Err(AutogenerateError::UnknownRevision {
            revision: unknown.to_string(),
        });
    }
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

/// What the live database is inspected with: everything but retort's own
/// tables and the configured `exclude_tables`.
pub fn inspect_options(dir: &ScriptDirectory) -> InspectOptions {
    let tables = Tables::from_config(&dir.config);
    let mut options = InspectOptions::new(&tables.version.name, &tables.log.name)
        .exclude(tables.lock.name.clone())
        .exclude(tables.journal.name.clone());
    for excluded in &dir.config.exclude_tables {
        options = options.exclude(excluded.clone());
    }
    options
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
    let schemas = schema_selection(dir);
    let mut live = schemas.inspect(conn, &inspect_options(dir))?;
    // A schema built in Rust cannot declare views, triggers, routines,
    // ...: a target without any leaves the live ones alone instead of
    // dropping them. (Model files are read back from a scratch database,
    // which holds their objects: `compare_models` compares them all.)
    if target.objects.is_empty() {
        live.objects.clear();
    }
    Ok(compare_schemas(
        dir,
        conn.dialect(),
        &live,
        &schemas.target(target),
        &config_renames(dir),
    ))
}

/// The schemas compared: `include_schemas` and `exclude_schemas`.
fn schema_selection(dir: &ScriptDirectory) -> SchemaSelection {
    SchemaSelection::new(&dir.config.include_schemas, &dir.config.exclude_schemas)
}

/// Compares the live database with the model `files` as the database
/// itself reads them: run in a scratch space (on `dev` when given, see
/// [`crate::scratch`]) and inspected like the live database. The
/// statements of the files that are not schema are reported in the
/// diff's notes, one line per kind. `prepare` may adjust the models'
/// schema before the comparison (a naming convention).
pub fn compare_models(
    dir: &ScriptDirectory,
    conn: &mut dyn Connection,
    dev: Option<&DatabaseUrl>,
    files: &[ModelFile],
    prepare: impl FnOnce(&mut Schema),
) -> Result<Diff, AutogenerateError> {
    ensure_at_head(dir, conn)?;
    if let Some(url) = dev
        && url.dialect() != conn.dialect()
    {
        return Err(AutogenerateError::DevUrlDialect {
            url: url.to_string(),
            dev: url.dialect().product(),
            live: conn.dialect().product(),
        });
    }
    let options = inspect_options(dir);
    let schemas = schema_selection(dir);
    let mut live = schemas.inspect(conn, &options)?;
    let included: Vec<String> = schemas
        .include
        .iter()
        .filter(|s| schemas.compares(Some(s.as_str())))
        .cloned()
        .collect();
    let mut models = normalize_models(conn, dev, files, &options, &mut live, &included)?;
    prepare(&mut models.schema);
    let target = schemas.target(&models.schema);
    let mut renames = config_renames(dir);
    for file in files {
        renames.extend(Renames::from_models(&file.text));
    }
    let mut diff = compare_schemas(dir, conn.dialect(), &live, &target, &renames);
    diff.notes.extend(models.skipped_notes());
    Ok(diff)
}

/// The renames of the configuration's `[renames]` table.
fn config_renames(dir: &ScriptDirectory) -> Renames {
    let pairs: Vec<(String, String)> = dir
        .config
        .renames
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    Renames::from_config(&pairs)
}

/// The comparison of two schemas under the project's settings, with
/// `renames` applied first.
pub fn compare_schemas(
    dir: &ScriptDirectory,
    dialect: DialectName,
    live: &Schema,
    target: &Schema,
    renames: &Renames,
) -> Diff {
    let tables = Tables::from_config(&dir.config);
    let config = &dir.config;
    let ignored = tables.names();
    let mut diff_options = DiffOptions::new(dialect.normalizer());
    diff_options.compare_type = config.compare_type;
    diff_options.compare_server_default = config.compare_server_default;
    diff_options.include_tables =
        (!config.include_tables.is_empty()).then_some(config.include_tables.as_slice());
    diff_options.exclude_tables = &config.exclude_tables;
    diff_options.ignored_tables = &ignored;
    diff_options.render_as_batch = config.render_as_batch;
    diff_options.concurrent_indexes = config.concurrent_indexes;
    diff_with_renames(live, target, &diff_options, renames)
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
