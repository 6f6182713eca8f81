//! Autogenerate: the target schema (model files, or the application's
//! [`Retort::target_schema`] callback), compared with each live database;
//! `check`, and the operations `migrate` writes.

use retort_core::config::ModelsReader;
use retort_core::diff::{Change, Diff};
use retort_core::ops::operations_to_toml;
use retort_core::schema::{Schema, apply_naming_convention};
use retort_core::script::Depth;
use retort_core::{Operations, ScriptDirectory};
use retort_db::DatabaseUrl;
use retort_db::autogenerate::{AutogenerateError, compare, compare_models, model_paths};
use retort_db::scratch::{ModelFile, forget_generated_names};
use serde::Serialize;

use super::{Error, Event, Result, Retort, Target};

/// One change `check` found between a database and its target schema.
///
/// Serialised (as `check --format json` prints it): `database` (only in
/// a multi-database project), then the fields of [`detail`]
/// (`kind`, `table`, `column`, ..., `text`), each left out when it does not
/// apply.
///
/// [`detail`]: PendingChange::detail
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct PendingChange {
    /// The database of a multi-database project.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database: Option<String>,
    /// The change, as Alembic prints it (`Detected added table 'user'`):
    /// `detail`'s description.
    #[serde(skip)]
    pub change: String,
    /// The change itself: its [`kind`](Change::kind), what it is on, the
    /// values before and after.
    #[serde(flatten)]
    pub detail: Change,
}

impl PendingChange {
    fn new(database: Option<String>, change: &Change) -> Self {
        PendingChange {
            database,
            change: change.to_string(),
            detail: change.clone(),
        }
    }
}

impl Retort {
    /// `check`: compares each database (which must be at head) with its
    /// target schema and returns the changes a new revision would hold;
    /// empty when they match. Writes nothing.
    pub fn check(&self) -> Result<Vec<PendingChange>> {
        let dir = self.script_directory(Depth::Full)?;
        let mut pending = Vec::new();
        for target in self.targets(&dir)? {
            pending.extend(self.check_target(&dir, &target)?);
        }
        Ok(pending)
    }

    /// `check` on one database.
    pub(super) fn check_target(
        &self,
        dir: &ScriptDirectory,
        target: &Target,
    ) -> Result<Vec<PendingChange>> {
        let diff = self.compare_target(dir, target)?;
        for note in &diff.notes {
            self.emit(Event::Note {
                database: target.name.as_deref(),
                note,
            });
        }
        Ok(diff
            .changes
            .iter()
            .map(|c| PendingChange::new(target.name.clone(), c))
            .collect())
    }

    /// The target schema of one database from the
    /// [`target_schema`](Retort::target_schema) callback, when it is the
    /// target (no models files were given).
    fn callback_schema(&self, target: &Target) -> Result<Option<Schema>> {
        let dialect = target.url.dialect().as_str();
        match &self.target_schema {
            Some(callback) if self.models.is_empty() => callback(target.name.as_deref(), dialect)
                .map(Some)
                .map_err(|source| Error::TargetSchema {
                    database: target.name.clone(),
                    source,
                }),
            _ => Ok(None),
        }
    }

    /// The model files of one database, read.
    fn model_files(&self, dir: &ScriptDirectory, target: &Target) -> Result<Vec<ModelFile>> {
        let paths = model_paths(dir, target.name.as_deref(), &self.models)?;
        if paths.is_empty() {
            return Err(Error::NoTargetSchema {
                config: dir.config.path.clone(),
            });
        }
        Ok(paths
            .into_iter()
            .map(ModelFile::read)
            .collect::<std::result::Result<_, _>>()
            .map_err(AutogenerateError::from)?)
    }

    /// The `dev_url` for one database: `--dev-url`, else the database's
    /// own `dev_url`, else the project's.
    pub(super) fn dev_url_of(
        &self,
        dir: &ScriptDirectory,
        target: &Target,
    ) -> Result<Option<DatabaseUrl>> {
        let configured = target
            .name
            .as_ref()
            .and_then(|name| dir.config.databases.get(name))
            .and_then(|db| db.dev_url.clone());
        let Some(raw) = self
            .dev_url
            .clone()
            .or(configured)
            .or_else(|| dir.config.dev_url.clone())
        else {
            return Ok(None);
        };
        DatabaseUrl::parse(&raw)
            .map(Some)
            .map_err(|error| AutogenerateError::DevUrl(error).into())
    }

    /// Compares one database with its target schema: the models as the
    /// database reads them (in a scratch space), or the callback's schema.
    fn compare_target(&self, dir: &ScriptDirectory, target: &Target) -> Result<Diff> {
        let result = (|| {
            let naming = &dir.config.naming_convention;
            if let Some(mut schema) = self.callback_schema(target)? {
                apply_naming_convention(&mut schema, naming);
                let mut conn = retort_db::connect(&target.url)?;
                return Ok(compare(dir, conn.as_mut(), &schema)?);
            }
            if dir.config.models_reader == ModelsReader::Parser {
                let paths = model_paths(dir, target.name.as_deref(), &self.models)?;
                if paths.is_empty() {
                    return Err(Error::NoTargetSchema {
                        config: dir.config.path.clone(),
                    });
                }
                let dialect = target.url.dialect().as_str();
                let mut schema = retort_core::models::read_models(&paths, dialect)?;
                apply_naming_convention(&mut schema, naming);
                let mut conn = retort_db::connect(&target.url)?;
                return Ok(compare(dir, conn.as_mut(), &schema)?);
            }
            let files = self.model_files(dir, target)?;
            let dev = self.dev_url_of(dir, target)?;
            let mut conn = retort_db::connect(&target.url)?;
            let dialect = conn.dialect();
            Ok(compare_models(
                dir,
                conn.as_mut(),
                dev.as_ref(),
                &files,
                |schema| {
                    if !naming.is_empty() {
                        forget_generated_names(schema, dialect);
                        apply_naming_convention(schema, naming);
                    }
                },
            )?)
        })();
        // In a multi-database project, say which database failed.
        result.map_err(|error| match &target.name {
            Some(database) => Error::InDatabase {
                database: database.clone(),
                error: Box::new(error),
            },
            None => error,
        })
    }

    /// The upgrade and downgrade operations that bring each database to
    /// its target schema, and the changes detected (reported as
    /// [`Event::ChangeDetected`] as they are found).
    pub(super) fn autogenerate(
        &self,
        dir: &ScriptDirectory,
    ) -> Result<(Operations, Operations, Vec<PendingChange>)> {
        let mut up = Vec::new();
        let mut down = Vec::new();
        let mut changes = Vec::new();
        for target in self.targets(dir)? {
            let diff = self.compare_target(dir, &target)?;
            for change in &diff.changes {
                self.emit(Event::ChangeDetected {
                    database: target.name.as_deref(),
                    change,
                });
                changes.push(PendingChange::new(target.name.clone(), change));
            }
            for note in &diff.notes {
                self.emit(Event::Note {
                    database: target.name.as_deref(),
                    note,
                });
            }
            up.push((target.name.clone(), operations_to_toml(&diff.upgrade)));
            down.push((target.name, operations_to_toml(&diff.downgrade)));
        }
        if changes.is_empty() {
            self.emit(Event::NoChanges);
        }
        let single = up.iter().all(|(name, _)| name.is_none());
        Ok((pack(up, single), pack(down, single), changes))
    }
}

/// The operations of every database as a revision holds them: one list
/// for a single database, a list per database otherwise.
fn pack(lists: Vec<(Option<String>, Vec<toml::Table>)>, single: bool) -> Operations {
    if single {
        let ops: Vec<toml::Table> = lists.into_iter().flat_map(|(_, l)| l).collect();
        if ops.is_empty() {
            Operations::None
        } else {
            Operations::List(ops)
        }
    } else {
        Operations::PerDatabase(
            lists
                .into_iter()
                .map(|(name, l)| (name.unwrap_or_default(), l))
                .collect(),
        )
    }
}
