//! Which database URL to use (SPEC section 4): `--url`, then the
//! `DATABASE_URL` environment variable, then `DATABASE_URL` in a `.env` file
//! in the current folder, then `url` in `retort.toml`.
//!
//! Only the first source that gives a URL counts: a bad URL there is an error
//! naming that source, never a silent fall-back to the next. In a
//! multi-database project the variable is `RETORT_<NAME>_URL` and the file's
//! key is `url` of `[databases.<name>]`.

use std::fmt;
use std::path::{Path, PathBuf};

use retort_core::Config;

use crate::url::{DatabaseUrl, UrlError};

/// The environment variable naming the database of a single-database project.
pub const DATABASE_URL: &str = "DATABASE_URL";

/// The file of environment variables read from the current folder.
pub const DOTENV_FILE: &str = ".env";

/// Where a URL came from, for messages.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum UrlSource {
    /// The `--url` option.
    Flag,
    /// An environment variable.
    Environment {
        /// Its name.
        var: String,
    },
    /// A variable in a `.env` file.
    DotEnv {
        /// The file.
        path: PathBuf,
        /// The variable's name.
        var: String,
    },
    /// The configuration file.
    Config {
        /// The file.
        path: PathBuf,
        /// The database of a multi-database project, if any.
        database: Option<String>,
    },
}

impl fmt::Display for UrlSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlSource::Flag => f.write_str("--url"),
            UrlSource::Environment { var } => write!(f, "the environment variable {var}"),
            UrlSource::DotEnv { path, var } => write!(f, "{var} in {}", path.display()),
            UrlSource::Config {
                path,
                database: None,
            } => write!(f, "`url` in {}", path.display()),
            UrlSource::Config {
                path,
                database: Some(name),
            } => write!(f, "`url` of [databases.{name}] in {}", path.display()),
        }
    }
}

/// A URL that could not be chosen.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResolveUrlError {
    /// The first source that gave a URL gave a bad one.
    #[error("the database URL from {from} is not valid: {error}")]
    Invalid {
        /// Which source.
        from: UrlSource,
        /// What is wrong.
        error: UrlError,
    },
    /// No source gave a URL.
    #[error(
        "no database URL{for_db}: pass --url, set {var} in the environment or in {DOTENV_FILE}, \
         or set {key} in {}", config.display()
    )]
    Missing {
        /// ` for database NAME` or nothing.
        for_db: String,
        /// The environment variable that was looked at.
        var: String,
        /// The configuration key that was looked at.
        key: String,
        /// The configuration file.
        config: PathBuf,
    },
    /// The `.env` file exists but cannot be read.
    #[error("cannot read {}: {error}; fix its permissions or remove it", path.display())]
    DotEnvRead {
        /// The file.
        path: PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// A line of the `.env` file does not parse.
    #[error(
        "{}:{line}: expected KEY=VALUE, `export KEY=VALUE` or a # comment; a value with spaces \
         needs quotes, quotes must be closed, and a backslash may only escape n, \\, \", ' or $ \
         (found {text:?})", path.display()
    )]
    DotEnvSyntax {
        /// The file.
        path: PathBuf,
        /// The line number, from 1.
        line: usize,
        /// The line.
        text: String,
    },
}

/// A chosen URL and where it came from.
#[derive(Clone, Debug)]
pub struct ResolvedUrl {
    /// The URL.
    pub url: DatabaseUrl,
    /// Its source.
    pub from: UrlSource,
}

/// The environment variable for one database of a multi-database project:
/// `RETORT_<NAME>_URL`, the name upper-cased with other characters as `_`.
pub fn database_env_var(name: &str) -> String {
    let name: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect();
    format!("RETORT_{name}_URL")
}

/// Chooses the URL from `--url` (`flag`), the process environment, `.env`
/// in the current folder and `config`; `database` picks one database of a
/// multi-database project.
pub fn resolve_url(
    flag: Option<&str>,
    config: &Config,
    database: Option<&str>,
) -> Result<ResolvedUrl, ResolveUrlError> {
    resolve_url_with(
        flag,
        |var| std::env::var(var).ok(),
        Path::new("."),
        config,
        database,
    )
}

/// [`resolve_url`] with the environment given as a function and the folder
/// holding `.env` given, so that it can be tested without touching the
/// process.
pub fn resolve_url_with(
    flag: Option<&str>,
    env: impl Fn(&str) -> Option<String>,
    dotenv_dir: &Path,
    config: &Config,
    database: Option<&str>,
) -> Result<ResolvedUrl, ResolveUrlError> {
    let var = database.map_or_else(|| DATABASE_URL.to_owned(), database_env_var);
    let chosen = if let Some(url) = flag {
        Some((UrlSource::Flag, url.to_owned()))
    } else if let Some(url) = env(&var).filter(|u| !u.is_empty()) {
        Some((UrlSource::Environment { var: var.clone() }, url))
    } else {
        let path = dotenv_dir.join(DOTENV_FILE);
        match read_dotenv(&path, &var)? {
            Some(url) => Some((
                UrlSource::DotEnv {
                    path,
                    var: var.clone(),
                },
                url,
            )),
            None => config_url(config, database).map(|url| {
                (
                    UrlSource::Config {
                        path: config.path.clone(),
                        database: database.map(str::to_owned),
                    },
                    url,
                )
            }),
        }
    };
    let Some((from, raw)) = chosen else {
        return Err(ResolveUrlError::Missing {
            for_db: database.map_or_else(String::new, |d| format!(" for database {d}")),
            var,
            key: database.map_or_else(
                || "`url`".to_owned(),
                |d| format!("`url` of [databases.{d}]"),
            ),
            config: config.path.clone(),
        });
    };
    match DatabaseUrl::parse(&raw) {
        Ok(url) => Ok(ResolvedUrl { url, from }),
        Err(error) => Err(ResolveUrlError::Invalid { from, error }),
    }
}

fn config_url(config: &Config, database: Option<&str>) -> Option<String> {
    let url = match database {
        None => config.url.clone(),
        Some(name) => config.databases.get(name).and_then(|d| d.url.clone()),
    };
    url.filter(|u| !u.is_empty())
}

/// The value of `var` in a `.env` file, if the file exists and sets it.
///
/// The file is parsed by the `dotenvy` crate, without touching the process
/// environment: `KEY=VALUE` lines, optionally prefixed by `export`, `#`
/// comments, blank lines; values unquoted (up to a ` #` comment), in single
/// quotes (taken literally) or in double quotes (with `\n`, `\"`, `\\`
/// and `\$` escapes), and `${OTHER}` substituted outside single quotes. The
/// last assignment wins, as when a shell sources the file. A line that does
/// not parse is an error naming the file and the line.
pub fn read_dotenv(path: &Path, var: &str) -> Result<Option<String>, ResolveUrlError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => {
            return Err(ResolveUrlError::DotEnvRead {
                path: path.to_owned(),
                error,
            });
        }
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut found = None;
    for item in dotenvy::from_read_iter(text.as_bytes()) {
        match item {
            Ok((key, value)) => {
                if key == var {
                    found = Some(value);
                }
            }
            Err(error) => return Err(dotenv_error(path, text, error)),
        }
    }
    Ok(found.filter(|v| !v.is_empty()))
}

/// A `dotenvy` error as [`ResolveUrlError::DotEnvSyntax`]: `dotenvy` says
/// which text did not parse but not on which line of the file, so the line
/// is the first one at which a prefix of the file fails the same way. The
/// line shown has any URL password masked.
fn dotenv_error(path: &Path, text: &str, error: dotenvy::Error) -> ResolveUrlError {
    let (bad, index) = match error {
        dotenvy::Error::LineParse(bad, index) => (bad, index),
        // Reading from memory has no I/O error, and the process environment
        // is only read (for `${VAR}`), never required.
        other => {
            return ResolveUrlError::DotEnvRead {
                path: path.to_owned(),
                error: std::io::Error::other(other.to_string()),
            };
        }
    };
    let same = |prefix: &str| {
        dotenvy::from_read_iter(prefix.as_bytes()).any(|item| {
            matches!(item, Err(dotenvy::Error::LineParse(ref b, i)) if *b == bad && i == index)
        })
    };
    let mut end = 0;
    let mut last = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        end += line.len();
        last = n + 1;
        if same(&text[..end]) {
            break;
        }
    }
    // The bad text may span lines (a quoted value): point at the line of the
    // character that failed, or where the text starts when it failed at its
    // end (a quote never closed).
    let start = last.saturating_sub(bad.trim_end().matches('\n').count());
    let line = if index < bad.trim_end().chars().count() {
        start + bad.chars().take(index).filter(|c| *c == '\n').count()
    } else {
        start
    }
    .max(1);
    let shown = text.lines().nth(line - 1).unwrap_or_default();
    ResolveUrlError::DotEnvSyntax {
        path: path.to_owned(),
        line,
        text: crate::url::mask(shown),
    }
}
