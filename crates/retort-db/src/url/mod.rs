//! Database URLs (SPEC section 4): SQLAlchemy's forms, parsed without a
//! network library, and shown with the password hidden.
//!
//! - `sqlite:///relative.db` (relative to the current folder),
//!   `sqlite:////absolute.db`, `sqlite://` and `sqlite:///:memory:` (in memory);
//! - `postgresql://user:password@host:port/database?params` (`postgres://` too);
//! - `mysql://…` and `mariadb://…`, same shape.
//!
//! A driver suffix as SQLAlchemy writes it (`postgresql+psycopg2://`,
//! `mysql+pymysql://`) is accepted and ignored: the part before `+` names the
//! dialect. User, password and database may be percent-encoded.
//!
//! Nothing that could be a password is ever printed: [`mask`] hides the
//! userinfo and secret parameters of any text that looks like a URL, and
//! the messages about a URL never quote its parts.

mod mask;

use std::fmt;
use std::path::{Path, PathBuf};

pub use mask::mask;
// Helpers of the drivers' messages about URL parameters: public for the
// drivers a build leaves out (no dead code), not part of the stable API.
#[doc(hidden)]
pub use mask::{is_secret_param, param_for_message};

/// The database system a URL names; it decides the driver and the SQL dialect.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DialectName {
    /// SQLite, embedded: the URL names a file or memory.
    Sqlite,
    /// PostgreSQL.
    Postgresql,
    /// MySQL or MariaDB (one dialect, as in Alembic).
    Mysql,
}

impl DialectName {
    /// The core dialect that renders SQL for this database.
    pub fn dialect(self) -> &'static dyn retort_core::Dialect {
        match self {
            DialectName::Sqlite => &retort_core::dialect::Sqlite,
            DialectName::Postgresql => &retort_core::dialect::Postgres,
            DialectName::Mysql => &retort_core::dialect::MySql,
        }
    }

    /// How autogenerate normalises what this database reports.
    pub fn normalizer(self) -> &'static dyn retort_core::diff::Normalizer {
        match self {
            DialectName::Sqlite => &retort_core::dialect::sqlite::diff::SqliteDiff,
            DialectName::Postgresql => &retort_core::dialect::postgres::diff::PostgresDiff,
            DialectName::Mysql => &retort_core::dialect::mysql::diff::MySqlDiff,
        }
    }

    /// The name as Alembic prints it: `sqlite`, `postgresql`, `mysql`.
    pub fn as_str(self) -> &'static str {
        match self {
            DialectName::Sqlite => "sqlite",
            DialectName::Postgresql => "postgresql",
            DialectName::Mysql => "mysql",
        }
    }

    /// The product name for messages: `SQLite`, `PostgreSQL`, `MySQL/MariaDB`.
    pub fn product(self) -> &'static str {
        match self {
            DialectName::Sqlite => "SQLite",
            DialectName::Postgresql => "PostgreSQL",
            DialectName::Mysql => "MySQL/MariaDB",
        }
    }

    /// Whether DDL (`CREATE TABLE`, `ALTER TABLE`…) can be rolled back in a
    /// transaction. MySQL and MariaDB commit implicitly before and after DDL.
    pub fn supports_transactional_ddl(self) -> bool {
        !matches!(self, DialectName::Mysql)
    }

    /// The port a server listens on when the URL gives none.
    pub fn default_port(self) -> Option<u16> {
        match self {
            DialectName::Sqlite => None,
            DialectName::Postgresql => Some(5432),
            DialectName::Mysql => Some(3306),
        }
    }
}

impl fmt::Display for DialectName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A URL that cannot name a database, with the reason and the forms that work.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{url} is not a valid database URL: {reason}")]
pub struct UrlError {
    /// The URL as given, password hidden.
    pub url: String,
    /// What is wrong and what to write instead.
    pub reason: String,
}

/// Where a database lives, as the URL says.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Target {
    /// A SQLite database: a file, or memory when `None`.
    Sqlite(Option<PathBuf>),
    /// A server reached over the network or a local socket.
    Server(Server),
}

/// The parts of a server URL (`scheme://user:password@host:port/database?params`).
#[derive(Clone, PartialEq, Eq)]
pub struct Server {
    /// The user name, if any.
    pub user: Option<String>,
    /// The password, if any; never printed.
    pub password: Option<String>,
    /// The host name or address; `localhost` when the URL gives none.
    pub host: String,
    /// The port, if the URL gives one.
    pub port: Option<u16>,
    /// The database name, if any.
    pub database: Option<String>,
    /// The query parameters, decoded, in order.
    pub params: Vec<(String, String)>,
}

/// Shows the password as `***`.
impl fmt::Debug for Server {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Server")
            .field("user", &self.user)
            .field("password", &self.password.as_ref().map(|_| "***"))
            .field("host", &self.host)
            .field("port", &self.port)
            .field("database", &self.database)
            .field("params", &masked_params(&self.params))
            .finish()
    }
}

fn masked_params(params: &[(String, String)]) -> Vec<(&str, &str)> {
    params
        .iter()
        .map(|(key, value)| match is_secret_param(key) {
            true => (key.as_str(), "***"),
            false => (key.as_str(), value.as_str()),
        })
        .collect()
}

/// A parsed database URL. `Display` and `Debug` hide the password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    dialect: DialectName,
    target: Target,
    masked: String,
    /// What `masked` hides, for [`DatabaseUrl::redact`].
    secrets: Vec<String>,
}

/// The URL forms, for error messages.
const FORMS: &str = "write sqlite:///relative.db, sqlite:////absolute.db, sqlite:// (in memory), \
postgresql://user:password@host:port/database or mysql://user:password@host:port/database";

impl DatabaseUrl {
    /// Parses a URL in one of the forms of the module documentation.
    pub fn parse(raw: &str) -> Result<DatabaseUrl, UrlError> {
        let mask::Masked {
            text: masked,
            secrets,
        } = mask::masked(raw);
        // The reasons quote no part of the URL; scrub them anyway.
        let bad = |reason: String| UrlError {
            url: masked.clone(),
            reason: mask::redact(&reason, &secrets),
        };
        let raw = raw.trim();
        let Some((scheme, rest)) = raw.split_once("://") else {
            return Err(bad(format!(
                "it does not start with a scheme and `://`; {FORMS}"
            )));
        };
        let base = scheme.split('+').next().unwrap_or_default();
        let dialect = match base.to_ascii_lowercase().as_str() {
            "sqlite" => DialectName::Sqlite,
            "postgresql" | "postgres" => DialectName::Postgresql,
            "mysql" | "mariadb" => DialectName::Mysql,
            _ if !base.is_empty() && base.chars().all(|c| c.is_ascii_alphanumeric()) => {
                return Err(bad(format!(
                    "unknown database {base:?}; retort supports sqlite, postgresql and mysql/mariadb: {FORMS}"
                )));
            }
            _ => {
                return Err(bad(format!(
                    "the scheme before `://` is not a database name; {FORMS}"
                )));
            }
        };
        let target = match dialect {
            DialectName::Sqlite => Target::Sqlite(parse_sqlite(rest).map_err(bad)?),
            _ => Target::Server(parse_server(rest).map_err(bad)?),
        };
        Ok(DatabaseUrl {
            dialect,
            target,
            masked,
            secrets,
        })
    }

    /// The dialect the scheme names.
    pub fn dialect(&self) -> DialectName {
        self.dialect
    }

    /// Where the database lives.
    pub fn target(&self) -> &Target {
        &self.target
    }

    /// The server parts, or `None` for SQLite.
    pub fn server(&self) -> Option<&Server> {
        match &self.target {
            Target::Server(server) => Some(server),
            Target::Sqlite(_) => None,
        }
    }

    /// The SQLite file, or `None` for memory or a server.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match &self.target {
            Target::Sqlite(path) => path.as_deref(),
            Target::Server(_) => None,
        }
    }

    /// The URL as given, with the password replaced by `***`: the form to
    /// print anywhere.
    pub fn masked(&self) -> &str {
        &self.masked
    }

    /// `text` (a driver's or a server's message about this URL's database)
    /// with every secret that [`masked`](DatabaseUrl::masked) hides replaced
    /// by `***`: a mistyped URL can put a password where a database name
    /// goes, and the server then quotes it back.
    pub fn redact(&self, text: &str) -> String {
        mask::redact(text, &self.secrets)
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked)
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({:?})", self.masked)
    }
}

impl std::str::FromStr for DatabaseUrl {
    type Err = UrlError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        DatabaseUrl::parse(s)
    }
}

fn parse_sqlite(rest: &str) -> Result<Option<PathBuf>, String> {
    if rest.contains('?') {
        return Err("SQLite URLs take no query parameters".into());
    }
    if rest.is_empty() {
        return Ok(None);
    }
    let Some(path) = rest.strip_prefix('/') else {
        return Err(
            "a SQLite URL has no host (nothing between `sqlite://` and the path); \
             write sqlite:///relative.db, sqlite:////absolute.db or sqlite://"
                .into(),
        );
    };
    let path = percent_decode(path)?;
    if path.is_empty() || path == ":memory:" {
        return Ok(None);
    }
    Ok(Some(PathBuf::from(path)))
}

fn parse_server(rest: &str) -> Result<Server, String> {
    let (rest, query) = match rest.split_once('?') {
        Some((rest, query)) => (rest, Some(query)),
        None => (rest, None),
    };
    let (authority, database) = match rest.split_once('/') {
        Some((authority, database)) => (authority, Some(database)),
        None => (rest, None),
    };
    let (userinfo, hostport) = match authority.rsplit_once('@') {
        Some((userinfo, hostport)) => (Some(userinfo), hostport),
        None => (None, authority),
    };
    let (user, password) = match userinfo {
        None => (None, None),
        Some(info) => match info.split_once(':') {
            Some((user, password)) => (Some(user), Some(password)),
            None => (Some(info), None),
        },
    };
    if database.is_some_and(|d| d.contains('@')) {
        // `scheme:///user:password@host/db`: the user part became the path.
        return Err(
            "the database name holds '@': write scheme://user:password@host/database \
             with two slashes, and percent-encode '@' (%40), '/' (%2F), '?' (%3F) and ':' (%3A) \
             in the user name and password"
                .into(),
        );
    }
    // Without a user part, what reads as a port may be part of a password
    // (`user:pass/word@host`): then the message does not quote it.
    let (host, port) = split_host_port(hostport, userinfo.is_some())?;
    let decode_opt = |s: Option<&str>| -> Result<Option<String>, String> {
        s.filter(|s| !s.is_empty()).map(percent_decode).transpose()
    };
    let mut params = Vec::new();
    for pair in query
        .unwrap_or_default()
        .split('&')
        .filter(|p| !p.is_empty())
    {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        params.push((percent_decode(key)?, percent_decode(value)?));
    }
    Ok(Server {
        user: decode_opt(user)?,
        password: password.map(percent_decode).transpose()?,
        host: if host.is_empty() {
            "localhost".to_owned()
        } else {
            percent_decode(host)?
        },
        port,
        database: decode_opt(database)?,
        params,
    })
}

fn split_host_port(hostport: &str, quote_port: bool) -> Result<(&str, Option<u16>), String> {
    let (host, port) = if let Some(v6) = hostport.strip_prefix('[') {
        let (host, after) = v6
            .split_once(']')
            .ok_or("an IPv6 address in brackets is missing its ']'")?;
        match after {
            "" => (host, None),
            _ => match after.strip_prefix(':') {
                Some(port) => (host, Some(port)),
                None => {
                    return Err("only `:port` may follow an IPv6 address in brackets".to_owned());
                }
            },
        }
    } else {
        match hostport.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (hostport, None),
        }
    };
    let port = match port {
        None | Some("") => None,
        Some(p) => Some(p.parse::<u16>().map_err(|_| {
            match quote_port {
                true => format!("the port {p:?} is not a number from 1 to 65535"),
                false => "the text after ':' is not a port number from 1 to 65535; \
                 if it is part of a password, percent-encode the password's \
                 '/', '?', '#' and '@' (%2F, %3F, %23, %40)"
                    .to_owned(),
            }
        })?),
    };
    Ok((host, port))
}

/// Decodes `%XX` escapes (and nothing else: `+` stays a plus sign).
fn percent_decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or("a '%' is not followed by two hex digits; write a literal '%' as %25")?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "a percent-encoded part is not valid UTF-8".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(raw: &str) -> Server {
        DatabaseUrl::parse(raw)
            .unwrap_or_else(|e| panic!("{e}"))
            .server()
            .expect("a server URL")
            .clone()
    }

    #[test]
    fn socket_forms_parse_with_an_empty_or_encoded_host() {
        let s = server("postgresql:///app?host=/run/postgresql");
        assert_eq!(s.host, "localhost");
        assert_eq!(s.port, None);
        assert_eq!(s.database.as_deref(), Some("app"));
        assert_eq!(s.params, [("host".into(), "/run/postgresql".into())]);

        let s = server("postgresql://app@:5433/app?host=/tmp");
        assert_eq!((s.host.as_str(), s.port), ("localhost", Some(5433)));

        let s = server("postgresql://app@%2Frun%2Fpostgresql/app");
        assert_eq!(s.host, "/run/postgresql");
        assert_eq!(s.user.as_deref(), Some("app"));
        let s = server("postgresql://app:pw1@%2Frun%2Fpostgresql:5433/app");
        assert_eq!((s.host.as_str(), s.port), ("/run/postgresql", Some(5433)));
        assert_eq!(
            DatabaseUrl::parse("postgresql://app:pw1@%2Frun%2Fpostgresql:5433/app")
                .unwrap()
                .masked(),
            "postgresql://app:***@%2Frun%2Fpostgresql:5433/app"
        );

        let s = server("mysql://app@localhost/app?socket=/run/mysqld/mysqld.sock");
        assert_eq!(
            s.params,
            [("socket".into(), "/run/mysqld/mysqld.sock".into())]
        );
    }
}
