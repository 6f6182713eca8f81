//! The PostgreSQL driver (the synchronous `postgres` crate, TLS by rustls).
//!
//! Statements go through the simple query protocol, so any SQL a user
//! writes (several statements, no parameters) runs as `psql` would run it,
//! and every value comes back as text. The lock is a session-level
//! `pg_advisory_lock` on a 64-bit key hashed from the lock's name, bounded by
//! `lock_timeout`; PostgreSQL releases it if the connection drops.
//!
//! # Inside a tokio runtime
//!
//! The `postgres` crate is a blocking wrapper around `tokio-postgres`: each
//! call drives its own small runtime, and tokio panics ("Cannot start a
//! runtime from within a runtime") when that happens on a thread that is
//! already inside a runtime, as in an `async fn main` or a `#[tokio::test]`.
//! So every call into the client - connecting, each query and closing the
//! connection when it is dropped - runs on the calling thread when no
//! runtime is active there, and on a scoped helper thread
//! ([`std::thread::scope`]) when [`tokio::runtime::Handle::try_current`]
//! finds one. The call still blocks its caller until it is done (a
//! migration is a sequence of statements); from async code, prefer
//! `tokio::task::spawn_blocking` so the runtime's other tasks keep running.
//!
//! # TLS and Unix sockets
//!
//! The URL's parameters are libpq's: `sslmode` (`disable`, `allow`,
//! `prefer` (the default), `require`, `verify-ca`, `verify-full`),
//! `sslrootcert` (a PEM file of CA certificates, or `system` for the
//! operating system's), `sslcert` and `sslkey` (a client certificate). As
//! libpq: `prefer` and `allow` encrypt without checking the certificate
//! (`prefer` tries TLS first and falls back to plain when the server offers
//! none; `allow` tries plain first, then TLS); `require` checks nothing
//! either, unless a root certificate file is there (`sslrootcert`, or
//! `~/.postgresql/root.crt`): then it checks the chain as `verify-ca`;
//! `verify-ca` checks the chain; `verify-full` also the host name. The
//! default files are libpq's: `~/.postgresql/root.crt`,
//! `~/.postgresql/postgresql.crt` and `postgresql.key`, used when they
//! exist; a file the URL names and that cannot be read is an error that
//! names the parameter. `sslrootcert=system` needs `verify-full` (libpq 16).
//! The environment (`PGSSLMODE`...) is not read: the URL says it all.
//!
//! A host that starts with `/` (in `?host=/run/postgresql` or
//! percent-encoded as the URL's host, `%2Frun%2Fpostgresql`) is the folder
//! of the server's Unix socket, `.s.PGSQL.<port>`; TLS is not used on a
//! socket, whatever `sslmode` says (libpq does the same).

use std::time::Duration;

use postgres::error::SqlState;
use postgres::{Client, NoTls, SimpleQueryMessage};

mod sslmode;

use crate::connection::{ConnectOptions, Connection, Row, statement_error, transient_error};
use crate::error::DbError;
use crate::url::DatabaseUrl;

/// The URL parameters understood, for the error on others.
const SUPPORTED: &str = "sslmode=disable|allow|prefer|require|verify-ca|verify-full, \
sslrootcert (a PEM file, or system), sslcert, sslkey (PEM files), host (a socket folder), \
application_name, connect_timeout (seconds), options";

/// A connection to a PostgreSQL server.
pub struct PostgresConnection {
    /// Always `Some` until the connection is dropped, which takes it to
    /// close it off any runtime.
    client: Option<Client>,
    url: DatabaseUrl,
}

/// Runs `f` off any tokio runtime: on this thread when none is active here,
/// else on a scoped helper thread (see the module docs). A panic in `f` is
/// resumed on the calling thread.
fn off_runtime<R: Send>(f: impl FnOnce() -> R + Send) -> std::io::Result<R> {
    if tokio::runtime::Handle::try_current().is_err() {
        return Ok(f());
    }
    std::thread::scope(|scope| {
        let handle = std::thread::Builder::new()
            .name("retort-postgres".into())
            .spawn_scoped(scope, f)?;
        match handle.join() {
            Ok(result) => Ok(result),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

/// The message for a helper thread that could not be started.
fn no_thread(e: &std::io::Error) -> String {
    format!("cannot start a thread to run the PostgreSQL driver outside the tokio runtime: {e}")
}

impl PostgresConnection {
    /// Connects to the server `url` names.
    pub fn connect(
        url: &DatabaseUrl,
        options: &ConnectOptions,
    ) -> Result<PostgresConnection, DbError> {
        let (mut config, tls) = config(url, options)?;
        let failed = |reason: String| DbError::Connect {
            url: url.masked().to_owned(),
            dialect: url.dialect(),
            reason: url.redact(&reason),
        };
        let socket = config
            .get_hosts()
            .iter()
            .all(|h| !matches!(h, postgres::config::Host::Tcp(_)));
        let client = sslmode::connect(&mut config, &tls, socket).map_err(failed)?;
        let mut conn = PostgresConnection {
            client: Some(client),
            url: url.clone(),
        };
        // A pooler may drop `options` silently: the search_path it sets
        // must be the session's, or unqualified names land elsewhere.
        let wanted = url
            .server()
            .and_then(|s| s.params.iter().find(|(k, _)| k == "options"))
            .and_then(|(_, options)| options_search_path(options));
        if let Some(wanted) = wanted {
            let got = conn
                .query_column("SELECT pg_catalog.current_setting('search_path')")?
                .into_iter()
                .next()
                .unwrap_or_default();
            if got != wanted {
                return Err(DbError::SettingIgnored {
                    url: url.masked().to_owned(),
                    wanted,
                    got,
                });
            }
        }
        Ok(conn)
    }

    /// Runs `sql` with the simple query protocol, off any tokio runtime:
    /// the driver's own result, or the error of not being able to run it.
    fn run(
        &mut self,
        sql: &str,
    ) -> Result<Result<Vec<SimpleQueryMessage>, postgres::Error>, DbError> {
        let Some(client) = self.client.as_mut() else {
            // Only `drop` takes the client.
            return Err(statement_error(
                &self.url,
                sql,
                "the connection is closed".into(),
            ));
        };
        off_runtime(|| client.simple_query(sql))
            .map_err(|e| statement_error(&self.url, sql, no_thread(&e)))
    }

    fn simple(&mut self, sql: &str) -> Result<Vec<SimpleQueryMessage>, DbError> {
        self.run(sql)?
            .map_err(|e| transient_error(&self.url, sql, reason(&e), is_transient(&e)))
    }
}

impl Drop for PostgresConnection {
    fn drop(&mut self) {
        // Closing the connection drives the driver's runtime too.
        if let Some(client) = self.client.take() {
            let _ = off_runtime(move || drop(client));
        }
    }
}

/// Connects with `config`, without TLS, off any tokio runtime: the client or
/// the reason it failed.
pub(crate) fn connect_plain(config: &postgres::Config) -> Result<Client, String> {
    off_runtime(|| config.connect(NoTls))
        .map_err(|e| no_thread(&e))?
        .map_err(|e| reason(&e))
}

/// Connects with `config` and `tls`, off any tokio runtime.
#[cfg(feature = "tls")]
pub(crate) fn connect_tls(
    config: &postgres::Config,
    tls: crate::tls::postgres_tls::MakeRustls,
) -> Result<Client, String> {
    off_runtime(|| config.connect(tls))
        .map_err(|e| no_thread(&e))?
        .map_err(|e| reason(&e))
}

/// The driver's configuration for `url`, and its TLS parameters.
fn config(
    url: &DatabaseUrl,
    options: &ConnectOptions,
) -> Result<(postgres::Config, sslmode::TlsParams), DbError> {
    let unsupported = |param: String| DbError::UnsupportedParam {
        url: url.masked().to_owned(),
        dialect: url.dialect(),
        param,
        supported: SUPPORTED,
    };
    let mut config = postgres::Config::new();
    let Some(server) = url.server() else {
        return Err(unsupported("a file path".into()));
    };
    // libpq lets `?host=` override the URL's host, often a socket folder.
    let host = server
        .params
        .iter()
        .find(|(key, _)| key == "host")
        .map_or(server.host.as_str(), |(_, host)| host.as_str());
    config.host(host);
    config.port(server.port.unwrap_or(5432));
    // Without a user in the URL, libpq logs in as the operating system user.
    let os_user = std::env::var("USER").unwrap_or_else(|_| "postgres".to_owned());
    config.user(server.user.as_deref().unwrap_or(&os_user));
    if let Some(password) = &server.password {
        config.password(password);
    }
    if let Some(database) = &server.database {
        config.dbname(database);
    }
    config.application_name("retort");
    config.connect_timeout(options.connect_timeout);
    let tls = sslmode::TlsParams::parse(&server.params).map_err(unsupported)?;
    for (key, value) in &server.params {
        match (key.as_str(), value.as_str()) {
            ("sslmode" | "sslrootcert" | "sslcert" | "sslkey", _) => {}
            ("host", _) => {}
            ("application_name", name) => {
                config.application_name(name);
            }
            ("connect_timeout", secs) => {
                let secs: u64 = secs
                    .parse()
                    .map_err(|_| unsupported(format!("connect_timeout={secs}")))?;
                config.connect_timeout(Duration::from_secs(secs));
            }
            ("options", opts) => {
                config.options(opts);
            }
            _ => return Err(unsupported(key.clone())),
        }
    }
    Ok((config, tls))
}

/// The `search_path` an `options` value sets (`-c search_path=V`,
/// `-csearch_path=V`, `--search_path=V`, the last one winning), as the
/// server receives it: PostgreSQL splits `options` at white space that no
/// backslash escapes, and a backslash keeps the next character as it is.
fn options_search_path(options: &str) -> Option<String> {
    let mut args: Vec<String> = Vec::new();
    let mut current: Option<String> = None;
    let mut chars = options.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => current.get_or_insert_with(String::new).extend(chars.next()),
            c if c.is_whitespace() => args.extend(current.take()),
            c => current.get_or_insert_with(String::new).push(c),
        }
    }
    args.extend(current);
    let mut found = None;
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let setting = match arg.as_str() {
            "-c" => args.next().map(String::as_str),
            a => a.strip_prefix("-c").or_else(|| a.strip_prefix("--")),
        };
        if let Some((key, value)) = setting.and_then(|s| s.split_once('='))
            && key.replace('-', "_") == "search_path"
        {
            found = Some(value.to_owned());
        }
    }
    found
}

/// The driver's message, with the server's detail and hint when it sent them.
fn reason(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => {
            let mut out = format!("{}: {}", db.severity(), db.message());
            if let Some(detail) = db.detail() {
                out.push_str(&format!(" ({detail})"));
            }
            if let Some(hint) = db.hint() {
                out.push_str(&format!("; hint: {hint}"));
            }
            out
        }
        None => {
            let mut out = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                out.push_str(&format!(": {s}"));
                source = s.source();
            }
            out
        }
    }
}

/// A serialization failure or a deadlock: trying again may succeed.
fn is_transient(e: &postgres::Error) -> bool {
    matches!(
        e.code(),
        Some(c) if *c == SqlState::T_R_SERIALIZATION_FAILURE || *c == SqlState::T_R_DEADLOCK_DETECTED
    )
}

/// The valid indexes [`Connection::schema_fingerprint`] hashes (of the
/// tables `{tables}` names, or of every user schema): what `CREATE` /
/// `DROP INDEX CONCURRENTLY`, the statements retort runs outside a
/// transaction, change. An INVALID index (a concurrent build that failed or
/// is still running) does not count: a build that did not finish did not
/// run.
const FINGERPRINT: &str = "SELECT COUNT(*)::text || ':' || COALESCE(md5(string_agg(\
n.nspname || '.' || i.relname || '|' || pg_get_indexdef(x.indexrelid), ',' ORDER BY n.nspname, i.relname)), '') \
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
JOIN pg_namespace n ON n.oid = t.relnamespace \
WHERE x.indisvalid AND n.nspname NOT IN ('pg_catalog', 'information_schema') \
AND n.nspname NOT LIKE 'pg\\_toast%'{tables}";

/// The INVALID index named `{name}` in `{schema}` (or visible on the search
/// path), schema-qualified and quoted, as `DROP INDEX` takes it.
const INVALID_INDEX: &str = "SELECT quote_ident(n.nspname) || '.' || quote_ident(i.relname) \
FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_namespace n ON n.oid = i.relnamespace \
WHERE NOT x.indisvalid AND i.relname = {name} AND {schema}";

/// Another session running `{sql}` now. The server keeps the first `track_activity_query_size` bytes less one
/// of a statement (cut at a character's boundary): a statement shown that
/// long is compared by its beginning.
const STATEMENT_RUNNING: &str = "SELECT 1 FROM pg_stat_activity \
WHERE pid <> pg_backend_pid() AND datname = current_database() AND state = 'active' AND (query = {sql} \
OR (octet_length(query) >= (SELECT setting::int FROM pg_settings WHERE name = 'track_activity_query_size') - 4 \
AND left({sql}, length(query)) = query))";

/// The advisory lock key for `name`: FNV-1a, stable across runs and builds.
fn lock_key(name: &str) -> i64 {
    i64::from_ne_bytes(crate::quote::fnv1a(name).to_ne_bytes())
}

impl Connection for PostgresConnection {
    fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    fn execute(&mut self, sql: &str) -> Result<u64, DbError> {
        Ok(self
            .simple(sql)?
            .iter()
            .map(|m| match m {
                SimpleQueryMessage::CommandComplete(n) => *n,
                _ => 0,
            })
            .sum())
    }

    fn query_strings(&mut self, sql: &str) -> Result<Vec<Row>, DbError> {
        Ok(self
            .simple(sql)?
            .iter()
            .filter_map(|m| match m {
                SimpleQueryMessage::Row(row) => Some(
                    (0..row.len())
                        .map(|i| row.get(i).map(str::to_owned))
                        .collect(),
                ),
                _ => None,
            })
            .collect())
    }

    fn lock(&mut self, name: &str, timeout: Duration) -> Result<(), DbError> {
        // lock_timeout 0 means "wait forever": wait at least 1 ms.
        let ms = timeout.as_millis().clamp(1, i32::MAX as u128);
        self.simple(&format!("SET lock_timeout = {ms}"))?;
        let sql = format!("SELECT pg_advisory_lock({})", lock_key(name));
        let taken = self.run(&sql)?;
        let reset = self.simple("SET lock_timeout TO DEFAULT");
        match taken {
            Ok(_) => reset.map(drop),
            Err(e) if e.code() == Some(&SqlState::LOCK_NOT_AVAILABLE) => {
                Err(DbError::LockTimeout {
                    url: self.url.masked().to_owned(),
                    name: name.to_owned(),
                    holder: crate::connection::UNKNOWN_HOLDER.to_owned(),
                    waited: timeout,
                })
            }
            Err(e) => Err(statement_error(&self.url, &sql, reason(&e))),
        }
    }

    fn unlock(&mut self, name: &str) -> Result<(), DbError> {
        self.simple(&format!("SELECT pg_advisory_unlock({})", lock_key(name)))
            .map(drop)
    }

    fn schema_fingerprint(
        &mut self,
        tables: Option<&[retort_core::schema::TableName]>,
    ) -> Result<String, DbError> {
        let dialect = self.dialect();
        // Each table in its schema, or the one the search path finds.
        let filter = match tables {
            None => String::new(),
            Some(names) => format!(
                " AND ({})",
                names
                    .iter()
                    .map(|n| {
                        let name = crate::quote::literal(dialect, &n.name);
                        match &n.schema {
                            Some(schema) => format!(
                                "(t.relname = {name} AND n.nspname = {})",
                                crate::quote::literal(dialect, schema)
                            ),
                            None => format!("(t.relname = {name} AND pg_table_is_visible(t.oid))"),
                        }
                    })
                    .chain(std::iter::once("false".to_owned()))
                    .collect::<Vec<_>>()
                    .join(" OR ")
            ),
        };
        let sql = FINGERPRINT.replace("{tables}", &filter);
        Ok(self
            .query_column(&sql)?
            .into_iter()
            .next()
            .unwrap_or_default())
    }

    fn statement_running(&mut self, sql: &str) -> Result<bool, DbError> {
        let query = STATEMENT_RUNNING.replace("{sql}", &crate::quote::literal(self.dialect(), sql));
        Ok(!self.query_strings(&query)?.is_empty())
    }

    fn drop_invalid_index(&mut self, schema: Option<&str>, name: &str) -> Result<bool, DbError> {
        let dialect = self.dialect();
        let schema = match schema {
            Some(s) => format!("n.nspname = {}", crate::quote::literal(dialect, s)),
            None => "pg_table_is_visible(i.oid)".to_owned(),
        };
        let sql = INVALID_INDEX
            .replace("{name}", &crate::quote::literal(dialect, name))
            .replace("{schema}", &schema);
        let Some(index) = self.query_column(&sql)?.into_iter().next() else {
            return Ok(false);
        };
        self.execute(&format!("DROP INDEX CONCURRENTLY IF EXISTS {index}"))?;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::options_search_path;

    #[test]
    fn the_search_path_options_set_is_read_as_the_server_reads_it() {
        let read = |o: &str| options_search_path(o);
        assert_eq!(read("-c search_path=tenant_a").as_deref(), Some("tenant_a"));
        assert_eq!(read("-csearch_path=a,b").as_deref(), Some("a,b"));
        assert_eq!(read("--search_path=x").as_deref(), Some("x"));
        assert_eq!(read("--search-path=x").as_deref(), Some("x"));
        assert_eq!(
            read("-c statement_timeout=5 -c search_path=\"My\\ Schema\"").as_deref(),
            Some("\"My Schema\"")
        );
        assert_eq!(
            read("-c search_path=a -c search_path=b").as_deref(),
            Some("b")
        );
        assert_eq!(read("-c statement_timeout=5"), None);
        assert_eq!(read(""), None);
    }
}
