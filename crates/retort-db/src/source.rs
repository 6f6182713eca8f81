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
    /// A line of the `.env` file is not `KEY=VALUE`.
    #[error("{}:{line}: expected KEY=VALUE (or a # comment), found {text:?}", path.display())]
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
/// The format is the common one: `KEY=VALUE` lines, optionally prefixed by
/// `export`, `#` comments, blank lines, values optionally in single or double
/// quotes. The last assignment wins, as when a shell sources the file.
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
    let mut found = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let assignment = trimmed.strip_prefix("export ").unwrap_or(trimmed);
        let Some((key, value)) = assignment.split_once('=') else {
            return Err(ResolveUrlError::DotEnvSyntax {
                path: path.to_owned(),
                line: i + 1,
                text: crate::url::mask(line),
            });
        };
        if key.trim() == var {
            found = Some(unquote(value.trim()).to_owned());
        }
    }
    Ok(found.filter(|v| !v.is_empty()))
}

fn unquote(value: &str) -> &str {
    for quote in ['"', '\''] {
        if let Some(inner) = value
            .strip_prefix(quote)
            .and_then(|v| v.strip_suffix(quote))
        {
            return inner;
        }
    }
    // An unquoted value ends at a ` #` comment.
    value.split(" #").next().unwrap_or(value).trim_end()
}
