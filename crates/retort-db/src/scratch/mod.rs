//! The database reads the models: the models' DDL is run in a scratch
//! space on the same kind of server and read back with the inspector that
//! reads the live database, so both sides of autogenerate's comparison are
//! normalised by the same engine (types, defaults, CHECK expressions,
//! view and routine text as the database itself reports them).
//!
//! - SQLite (`sqlite.rs`): a new in-memory database.
//! - PostgreSQL (`postgres.rs`): a uniquely named schema created inside a
//!   transaction that is always rolled back, so that nothing is left even
//!   when retort is killed (the server aborts the transaction).
//! - MySQL/MariaDB (`mysql.rs`): a uniquely named database
//!   (`retort_scratch_<connection id>_<random>`) on the same server, or on
//!   the server of `dev_url`, created and dropped around the reading; one
//!   left by a killed run (its connection is gone) is dropped by the next.
//!
//! The files are split and classified by
//! [`retort_core::models::dump::model_statements`]: statements that are not
//! schema (data, grants, ownership, session settings, ...) are skipped, and
//! [`Normalized::skipped`] says how many of each kind each file had.

mod mysql;
mod postgres;
mod space;
mod sqlite;

use std::collections::BTreeMap;
use std::path::PathBuf;

use retort_core::models::dump::{ModelStatement, Skip, StatementKind, model_statements};
use retort_core::schema::Schema;

use crate::connection::Connection;
use crate::error::DbError;
use crate::inspect::InspectOptions;
use crate::url::{DatabaseUrl, DialectName};

pub use mysql::SCRATCH_PREFIX;
pub use space::ScratchSpace;

/// A model file's text.
#[derive(Clone, Debug)]
pub struct ModelFile {
    /// Where it was read from (for errors).
    pub path: PathBuf,
    /// Its text.
    pub text: String,
}

impl ModelFile {
    /// Reads the file at `path`.
    pub fn read(path: PathBuf) -> Result<ModelFile, ScratchError> {
        match std::fs::read_to_string(&path) {
            Ok(text) => Ok(ModelFile {
                path,
                text: retort_core::models::unix_lines(text),
            }),
            Err(source) => Err(ScratchError::Read { path, source }),
        }
    }
}

/// The models as the database understood them.
#[derive(Clone, Debug)]
pub struct Normalized {
    /// The schema read back from the scratch space.
    pub schema: Schema,
    /// Statements left out, by file and kind, with their count.
    pub skipped: Vec<(PathBuf, Skip, usize)>,
}

impl Normalized {
    /// One line per file and kind of statement left out.
    pub fn skipped_notes(&self) -> Vec<String> {
        self.skipped
            .iter()
            .map(|(path, kind, n)| {
                format!(
                    "skipped {n} {} in {}: models describe the schema only",
                    kind.describe(),
                    path.display()
                )
            })
            .collect()
    }
}

/// Why the models could not be read through a scratch space.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScratchError {
    /// A models file could not be read.
    #[error("cannot read the models file {}: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A models file could not be split into statements.
    #[error("{}:{line}:{column}: {message}", path.display())]
    Split {
        /// The file.
        path: PathBuf,
        /// Where.
        line: u64,
        /// Where.
        column: u64,
        /// What.
        message: String,
    },
    /// The database refused a statement of the models.
    #[error(
        "{}:{line}:{column}: {product} refused this models statement: {reason}\nthe statement begins: {head}",
        path.display()
    )]
    Refused {
        /// The file.
        path: PathBuf,
        /// Where the statement starts.
        line: u64,
        /// Where.
        column: u64,
        /// The database.
        product: &'static str,
        /// The database's message.
        reason: String,
        /// The statement's first line.
        head: String,
    },
    /// The scratch space could not be made (no privilege).
    #[error(
        "cannot create the scratch database retort reads the models in, on {url}: {reason}\n\
         grant the user CREATE and DROP on databases named `{prefix}%`, or set `dev_url` in \
         retort.toml (or pass --dev-url) to a server where it may create databases"
    )]
    Privilege {
        /// The server, password hidden.
        url: String,
        /// The database's message.
        reason: String,
        /// The prefix of scratch database names.
        prefix: &'static str,
    },
    /// An empty scratch schema or database could not be made to run
    /// revisions in (no privilege).
    #[error("cannot create the scratch space retort runs revisions in, on {url}: {reason}\n{fix}")]
    Space {
        /// The server, password hidden.
        url: String,
        /// The database's message.
        reason: String,
        /// What to do.
        fix: String,
    },
    /// Another database error (connecting, inspecting).
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Reads `files` through a scratch space: on `dev` when given (a
/// connection to the `dev_url`), else on `conn` itself, which must be of
/// the same dialect. `options` are those the live database is inspected
/// with (its excluded tables). `live`, the live database's schema, is
/// adjusted where the database writes the same thing in several ways
/// (PostgreSQL's CHECK conditions): both sides end in the form the
/// database settles on. `included` names the other PostgreSQL schemas
/// compared (`include_schemas`): each gets a scratch twin, and the tables
/// the models make in it are read back under its name.
pub fn normalize_models(
    conn: &mut dyn Connection,
    dev: Option<&DatabaseUrl>,
    files: &[ModelFile],
    options: &InspectOptions,
    live: &mut Schema,
    included: &[String],
) -> Result<Normalized, ScratchError> {
    let dialect = conn.dialect();
    let split = split_files(dialect, files)?;
    let schema = match dev {
        Some(url) if dialect != DialectName::Sqlite => {
            let mut dev_conn = crate::connect(url)?;
            run(dev_conn.as_mut(), &split, options, live, included)?
        }
        _ => run(conn, &split, options, live, included)?,
    };
    Ok(Normalized {
        schema,
        skipped: split.skipped,
    })
}

fn run(
    conn: &mut dyn Connection,
    split: &Split<'_>,
    options: &InspectOptions,
    live: &mut Schema,
    included: &[String],
) -> Result<Schema, ScratchError> {
    let statements = &split.statements;
    match conn.dialect() {
        DialectName::Sqlite => sqlite::read(statements, options),
        DialectName::Postgresql => postgres::read(conn, statements, options, live, included),
        DialectName::Mysql => mysql::read(conn, statements, options, &split.selected),
    }
}

/// A schema statement and the file it comes from.
pub(crate) struct Located<'a> {
    pub(crate) path: &'a PathBuf,
    pub(crate) statement: ModelStatement,
}

impl Located<'_> {
    /// The database's refusal of this statement as an error naming the
    /// file and line.
    pub(crate) fn refused(&self, dialect: DialectName, error: DbError) -> ScratchError {
        let reason = match error {
            DbError::Statement { reason, .. } => reason,
            other => return ScratchError::Db(other),
        };
        let head = self
            .statement
            .text
            .lines()
            .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with("--"))
            .unwrap_or("")
            .trim();
        let head = match head.char_indices().nth(120) {
            Some((cut, _)) => format!("{}...", &head[..cut]),
            None => head.to_owned(),
        };
        ScratchError::Refused {
            path: self.path.clone(),
            line: self.statement.line,
            column: self.statement.column,
            product: dialect.product(),
            reason,
            head,
        }
    }
}

type Skipped = Vec<(PathBuf, Skip, usize)>;

/// The statements to run, what was skipped, and the databases the files
/// select with `USE` (MySQL dumps: `CREATE SCHEMA sakila; USE sakila;`),
/// whose qualifier (`sakila.film`) names the scratch database.
struct Split<'a> {
    statements: Vec<Located<'a>>,
    skipped: Skipped,
    selected: Vec<String>,
}

/// The database a `USE name` statement selects.
fn used_database(text: &str) -> Option<String> {
    let mut words = text.split_whitespace();
    if !words.next()?.eq_ignore_ascii_case("USE") {
        return None;
    }
    let name = words.next()?.trim_end_matches(';');
    let name = name.trim_matches(|c| c == '`' || c == '"' || c == '\'');
    (!name.is_empty()).then(|| name.to_owned())
}

fn split_files(dialect: DialectName, files: &[ModelFile]) -> Result<Split<'_>, ScratchError> {
    let mut statements = Vec::new();
    let mut skipped = Vec::new();
    let mut selected = Vec::new();
    for file in files {
        let split =
            model_statements(dialect.as_str(), &file.text).map_err(|e| ScratchError::Split {
                path: file.path.clone(),
                line: e.line,
                column: e.column,
                message: e.message,
            })?;
        let mut counts: BTreeMap<Skip, usize> = BTreeMap::new();
        for statement in split {
            match statement.kind {
                StatementKind::Schema => statements.push(Located {
                    path: &file.path,
                    statement,
                }),
                StatementKind::Skipped(kind) => {
                    if kind == Skip::Databases
                        && let Some(name) = used_database(&statement.text)
                        && !selected.contains(&name)
                    {
                        selected.push(name);
                    }
                    *counts.entry(kind).or_default() += 1
                }
            }
        }
        skipped.extend(
            counts
                .into_iter()
                .map(|(kind, n)| (file.path.clone(), kind, n)),
        );
    }
    Ok(Split {
        statements,
        skipped,
        selected,
    })
}

/// Runs `statements` in order with `run` (which must leave no trace of a
/// statement that fails, e.g. under a savepoint); a statement that fails
/// is tried again after the others, for as long as a round makes
/// progress, so that a statement may name what a later one creates (a
/// view over a table declared further down, a trigger before its
/// function). The first statement still refused at the end is the
/// error, with the database's message from its last try.
pub(crate) fn run_deferring<'s, 'a>(
    dialect: DialectName,
    statements: impl IntoIterator<Item = (&'s Located<'a>, String)>,
    mut run: impl FnMut(&str) -> Result<(), DbError>,
) -> Result<(), ScratchError>
where
    'a: 's,
{
    let mut pending: Vec<(&Located<'_>, String)> = Vec::new();
    let mut last_error: Vec<DbError> = Vec::new();
    for (located, sql) in statements {
        if let Err(e) = run(&sql) {
            if !matches!(e, DbError::Statement { .. }) {
                return Err(e.into());
            }
            pending.push((located, sql));
            last_error.push(e);
        }
    }
    while !pending.is_empty() {
        let before = pending.len();
        let mut still = Vec::new();
        let mut errors = Vec::new();
        for (located, sql) in pending {
            if let Err(e) = run(&sql) {
                if !matches!(e, DbError::Statement { .. }) {
                    return Err(e.into());
                }
                still.push((located, sql));
                errors.push(e);
            }
        }
        pending = still;
        last_error = errors;
        if pending.len() == before {
            break;
        }
    }
    match (pending.into_iter().next(), last_error.into_iter().next()) {
        (Some((located, _)), Some(error)) => Err(located.refused(dialect, error)),
        _ => Ok(()),
    }
}

/// A name no other run picks: the process id and the clock's nanoseconds.
pub(crate) fn unique_suffix() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!("{:x}{:x}", std::process::id(), nanos & 0xff_ffff_ffff)
}

/// Forgets the names the database made up for the models' unnamed keys,
/// constraints and foreign keys (PostgreSQL's `t_pkey`, `t_a_key`,
/// `t_a_fkey`, `t_a_check`; MySQL's `t_ibfk_1`, `CONSTRAINT_1`, a unique
/// key named after its first column), so that a `naming_convention` can
/// name them as it would have had they been read from the files.
pub fn forget_generated_names(schema: &mut Schema, dialect: DialectName) {
    for table in &mut schema.tables {
        let t = table.name.name.clone();
        let generated = |name: &str, columns: &[String], suffix: &str| match dialect {
            DialectName::Postgresql => {
                let stem = name.trim_end_matches(|c: char| c.is_ascii_digit());
                stem == format!("{t}_{}_{suffix}", columns.join("_"))
                    || (suffix == "check"
                        && stem.starts_with(&format!("{t}_"))
                        && stem.ends_with("_check"))
                    || stem == format!("{t}_{suffix}")
            }
            DialectName::Mysql => match suffix {
                "fkey" => name
                    .strip_prefix(&format!("{t}_ibfk_"))
                    .is_some_and(|n| n.parse::<u32>().is_ok()),
                "key" => columns.first().is_some_and(|c| {
                    name == c
                        || name
                            .strip_prefix(&format!("{c}_"))
                            .is_some_and(|n| n.parse::<u32>().is_ok())
                }),
                "check" => name
                    .strip_prefix("CONSTRAINT_")
                    .is_some_and(|n| n.parse::<u32>().is_ok()),
                _ => false,
            },
            DialectName::Sqlite => false,
        };
        if let Some(pk) = &mut table.primary_key
            && pk
                .name
                .as_deref()
                .is_some_and(|n| generated(n, &[], "pkey"))
        {
            pk.name = None;
        }
        for u in &mut table.uniques {
            if u.name
                .as_deref()
                .is_some_and(|n| generated(n, &u.columns, "key"))
            {
                u.name = None;
            }
        }
        for fk in &mut table.foreign_keys {
            if fk
                .name
                .as_deref()
                .is_some_and(|n| generated(n, &fk.columns, "fkey"))
            {
                fk.name = None;
            }
        }
        for ck in &mut table.checks {
            if ck
                .name
                .as_deref()
                .is_some_and(|n| generated(n, &[], "check"))
            {
                ck.name = None;
            }
        }
    }
}
