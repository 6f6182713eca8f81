//! The MySQL/MariaDB driver (the `mysql` crate, TLS by its rustls support).
//!
//! Statements go through the text protocol, so every value comes back as
//! text. DDL commits implicitly on these servers, so
//! [`supports_transactional_ddl`](Connection::supports_transactional_ddl)
//! is false. The lock is `GET_LOCK`, whose names are server-wide: the
//! database name is part of the lock's name, so that runs on different
//! databases of one server do not wait for each other. The server releases it
//! if the connection drops.
//!
//! Right after connecting, the dialect's session statements run (they clear
//! `NO_BACKSLASH_ESCAPES`, so string literals read as retort writes them).
//!
//! # TLS and Unix sockets
//!
//! The URL's parameters are the MySQL client's: `ssl-mode` (`DISABLED`,
//! `PREFERRED` (the default), `REQUIRED`, `VERIFY_CA`, `VERIFY_IDENTITY`,
//! in any case; `ssl_mode` too), `ssl-ca` (a PEM file of CA
//! certificates), `ssl-cert` and `ssl-key` (a client certificate). As the
//! MySQL client: `PREFERRED` encrypts when the server offers TLS, checking
//! no certificate, and logs in without TLS (on a new connection) when it
//! offers none; `REQUIRED` checks no certificate unless `ssl-ca` is set;
//! `ssl-ca` without `ssl-mode` means `VERIFY_CA`, which checks the chain;
//! `VERIFY_IDENTITY` also the host name. The driver (the `mysql` crate)
//! trusts the Mozilla CAs it is built with besides `ssl-ca`, and uses them
//! alone when `VERIFY_*` is given without `ssl-ca`.
//!
//! `socket=/path/mysqld.sock` (or `unix_socket=`) connects through the
//! server's Unix socket instead of TCP; TLS is not used on it.

use std::time::Duration;

use mysql::prelude::Queryable;
use mysql::{Conn, OptsBuilder, Value};

mod sslmode;

use crate::connection::{ConnectOptions, Connection, Row, statement_error, transient_error};
use crate::error::DbError;
use crate::url::DatabaseUrl;

/// The URL parameters understood, for the error on others.
const SUPPORTED: &str = "ssl-mode=DISABLED|PREFERRED|REQUIRED|VERIFY_CA|VERIFY_IDENTITY, \
ssl-ca, ssl-cert, ssl-key (PEM files; ssl_mode... too), socket or unix_socket (a socket path), \
charset=utf8|utf8mb4, connect_timeout (seconds)";

/// MySQL 5.7 and later refuse lock names longer than this.
const MAX_LOCK_NAME: usize = 64;

/// A connection to a MySQL or MariaDB server.
pub struct MysqlConnection {
    conn: Conn,
    url: DatabaseUrl,
    /// `CONNECTION_ID()`, once asked.
    session: Option<String>,
    /// Between [`Connection::begin`] and its commit or rollback: a
    /// statement refused there cannot be tried again alone.
    in_transaction: bool,
}

/// How many times a read refused by a concurrent transaction outside any
/// transaction of ours is tried again (a Galera node aborts a local read
/// of the catalog that meets DDL replicated from another node), and the
/// pause before the first retry (doubled each time).
const READ_RETRIES: u32 = 5;
const READ_RETRY_PAUSE: Duration = Duration::from_millis(20);

impl MysqlConnection {
    /// Connects to the server `url` names.
    pub fn connect(
        url: &DatabaseUrl,
        options: &ConnectOptions,
    ) -> Result<MysqlConnection, DbError> {
        let (opts, tls, socket) = opts(url, options)?;
        let host = url.server().map(|s| s.host.as_str()).unwrap_or_default();
        let conn = sslmode::connect(opts, &tls, socket, host).map_err(|e| DbError::Connect {
            url: url.masked().to_owned(),
            dialect: url.dialect(),
            reason: url.redact(&e),
        })?;
        let mut connection = MysqlConnection {
            conn,
            url: url.clone(),
            session: None,
            in_transaction: false,
        };
        // The session must read literals as the dialect writes them,
        // whatever the server's default sql_mode.
        for statement in url.dialect().dialect().session_statements() {
            connection.execute(statement.as_str())?;
        }
        connection.on_cluster()?;
        Ok(connection)
    }

    /// On a Galera cluster, makes every read of this session wait until
    /// the node has applied what the cluster committed before it
    /// (`wsrep_sync_wait`), so that a run that takes the migration lock
    /// through one node sees the revisions another run applied through
    /// another.
    fn on_cluster(&mut self) -> Result<(), DbError> {
        let wsrep = self.query_strings("SHOW VARIABLES LIKE 'wsrep_on'")?;
        let on = wsrep
            .first()
            .and_then(|row| row.get(1).cloned().flatten())
            .is_some_and(|v| v.eq_ignore_ascii_case("ON"));
        if on {
            self.execute("SET SESSION wsrep_sync_wait = 1")?;
        }
        Ok(())
    }

    /// The server-wide lock name for `name` on this database.
    fn lock_name(&self, name: &str) -> String {
        let database = self.url.server().and_then(|s| s.database.as_deref());
        server_lock_name(name, database.unwrap_or_default())
    }

    fn scalar(&mut self, sql: &str) -> Result<Option<String>, DbError> {
        Ok(self
            .query_strings(sql)?
            .into_iter()
            .next()
            .and_then(|row| row.into_iter().next().flatten()))
    }
}

/// The driver's options for `url`, its TLS parameters, and whether it
/// names a Unix socket.
fn opts(
    url: &DatabaseUrl,
    options: &ConnectOptions,
) -> Result<(OptsBuilder, sslmode::TlsParams, bool), DbError> {
    let unsupported = |param: String| DbError::UnsupportedParam {
        url: url.masked().to_owned(),
        dialect: url.dialect(),
        param,
        supported: SUPPORTED,
    };
    let Some(server) = url.server() else {
        return Err(unsupported("a file path".into()));
    };
    let mut opts = OptsBuilder::new()
        .ip_or_hostname(Some(server.host.clone()))
        .tcp_port(server.port.unwrap_or(3306))
        .user(server.user.clone())
        .pass(server.password.clone())
        .db_name(server.database.clone())
        .tcp_connect_timeout(Some(options.connect_timeout))
        .prefer_socket(false)
        // An UPDATE counts the rows it matched, not only those whose value
        // changed: renewing a lease within the same second still counts
        // the row, as on the other databases.
        .additional_capabilities(mysql::consts::CapabilityFlags::CLIENT_FOUND_ROWS);
    let tls = sslmode::TlsParams::parse(&server.params).map_err(&unsupported)?;
    let mut socket = false;
    for (key, value) in &server.params {
        match (key.as_str(), value.as_str()) {
            (key, _) if sslmode::TlsParams::is_tls_param(key) => {}
            ("unix_socket" | "socket", path) => {
                opts = opts.socket(Some(path));
                socket = true;
            }
            ("charset", "utf8" | "utf8mb4") => {}
            ("connect_timeout", secs) => {
                let secs: u64 = secs
                    .parse()
                    .map_err(|_| unsupported(format!("connect_timeout={secs}")))?;
                opts = opts.tcp_connect_timeout(Some(Duration::from_secs(secs)));
            }
            _ => return Err(unsupported(crate::url::param_for_message(key, value))),
        }
    }
    Ok((opts, tls, socket))
}

/// `name@database`, shortened with a hash of the whole when longer than
/// MySQL allows.
fn server_lock_name(name: &str, database: &str) -> String {
    let full = format!("{name}@{database}");
    if full.len() <= MAX_LOCK_NAME {
        return full;
    }
    let hash = crate::quote::fnv1a(&full);
    // Cut on a character boundary, leaving room for "-" and 16 hex digits.
    let keep = full
        .char_indices()
        .map(|(i, _)| i)
        .take_while(|&i| i <= MAX_LOCK_NAME - 17)
        .last()
        .unwrap_or(0);
    format!("{}-{hash:016x}", &full[..keep])
}

/// The server's message as `ERROR code (state): message`, or the driver's.
fn reason(e: &mysql::Error) -> String {
    match e {
        mysql::Error::MySqlError(e) => {
            format!("ERROR {} ({}): {}", e.code, e.state, e.message)
        }
        // The driver's own Display wraps these as `DriverError { … }`.
        mysql::Error::DriverError(e) => e.to_string(),
        mysql::Error::IoError(e) => e.to_string(),
        other => other.to_string(),
    }
}

/// Deadlocks (1213; also a Galera certification conflict) and lock wait
/// timeouts (1205): the statement may succeed if tried again.
fn is_transient(e: &mysql::Error) -> bool {
    matches!(e, mysql::Error::MySqlError(e) if matches!(e.code, 1205 | 1213))
}

/// The schema objects [`Connection::schema_fingerprint`] hashes, one text
/// per object part: columns, indexes, constraints, tables, views,
/// triggers (filtered by table with `{tables}`) and, for the whole
/// database only, routines (`{routines}`).
const FINGERPRINT: &str = "SELECT COUNT(*), COALESCE(SUM(CRC32(x)), 0) FROM (\
SELECT CONCAT_WS('|', 'c', table_name, column_name, ordinal_position, column_type, is_nullable, \
IFNULL(column_default, '~'), extra, column_comment, IFNULL(collation_name, '~')) AS x \
FROM information_schema.columns WHERE table_schema = DATABASE(){tables} \
UNION ALL SELECT CONCAT_WS('|', 'i', table_name, index_name, seq_in_index, IFNULL(column_name, '~'), \
non_unique, IFNULL(sub_part, '~'), index_type) \
FROM information_schema.statistics WHERE table_schema = DATABASE(){tables} \
UNION ALL SELECT CONCAT_WS('|', 'k', table_name, constraint_name, constraint_type) \
FROM information_schema.table_constraints WHERE table_schema = DATABASE(){tables} \
UNION ALL SELECT CONCAT_WS('|', 'r', table_name, constraint_name, referenced_table_name, update_rule, delete_rule) \
FROM information_schema.referential_constraints WHERE constraint_schema = DATABASE(){tables} \
UNION ALL SELECT CONCAT_WS('|', 't', table_name, table_type, IFNULL(engine, '~'), table_comment) \
FROM information_schema.tables WHERE table_schema = DATABASE(){tables} \
UNION ALL SELECT CONCAT_WS('|', 'v', table_name, view_definition) \
FROM information_schema.views WHERE table_schema = DATABASE(){tables} \
UNION ALL SELECT CONCAT_WS('|', 'g', trigger_name, event_object_table, action_timing, event_manipulation, action_statement) \
FROM information_schema.triggers WHERE trigger_schema = DATABASE(){trigger_tables}{routines}) AS f";

/// The routines part of [`FINGERPRINT`], for the whole database.
const FINGERPRINT_ROUTINES: &str = " UNION ALL SELECT CONCAT_WS('|', 'p', routine_name, routine_type, routine_definition) \
FROM information_schema.routines WHERE routine_schema = DATABASE()";

/// `SHOW CREATE TABLE` text without its ` AUTO_INCREMENT=n` table option.
fn without_auto_increment(text: &str) -> String {
    match text.find(" AUTO_INCREMENT=") {
        Some(at) => {
            let rest = &text[at + " AUTO_INCREMENT=".len()..];
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            format!("{}{}", &text[..at], &rest[digits..])
        }
        None => text.to_owned(),
    }
}

/// A text-protocol value as text.
fn text(value: Value) -> Option<String> {
    match value {
        Value::NULL => None,
        Value::Bytes(bytes) => Some(String::from_utf8_lossy(&bytes).into_owned()),
        Value::Int(i) => Some(i.to_string()),
        Value::UInt(u) => Some(u.to_string()),
        Value::Float(f) => Some(f.to_string()),
        Value::Double(d) => Some(d.to_string()),
        other => Some(other.as_sql(true).trim_matches('\'').to_owned()),
    }
}

impl Connection for MysqlConnection {
    fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    fn execute(&mut self, sql: &str) -> Result<u64, DbError> {
        let mut result = self
            .conn
            .query_iter(sql)
            .map_err(|e| transient_error(&self.url, sql, reason(&e), is_transient(&e)))?;
        // Several statements give several results: add up their counts, and
        // read them all so that an error in a later one is not missed.
        let mut changed = 0;
        while let Some(set) = result.iter() {
            changed += set.affected_rows();
            for row in set {
                row.map_err(|e| transient_error(&self.url, sql, reason(&e), is_transient(&e)))?;
            }
        }
        Ok(changed)
    }

    fn begin(&mut self) -> Result<(), DbError> {
        self.execute("BEGIN")?;
        self.in_transaction = true;
        Ok(())
    }

    fn commit(&mut self) -> Result<(), DbError> {
        // A failed COMMIT ends the transaction too (it is rolled back).
        self.in_transaction = false;
        self.execute("COMMIT").map(drop)
    }

    fn rollback(&mut self) -> Result<(), DbError> {
        self.in_transaction = false;
        self.execute("ROLLBACK").map(drop)
    }

    fn query_strings(&mut self, sql: &str) -> Result<Vec<Row>, DbError> {
        let mut attempt = 0;
        let rows: Vec<mysql::Row> = loop {
            match self.conn.query(sql) {
                Ok(rows) => break rows,
                // A read in autocommit mode has changed nothing: trying it
                // again is safe.
                Err(e) if is_transient(&e) && !self.in_transaction && attempt < READ_RETRIES => {
                    std::thread::sleep(READ_RETRY_PAUSE * 2u32.pow(attempt));
                    attempt += 1;
                }
                Err(e) => {
                    return Err(transient_error(
                        &self.url,
                        sql,
                        reason(&e),
                        is_transient(&e),
                    ));
                }
            }
        };
        Ok(rows
            .into_iter()
            .map(|row| row.unwrap().into_iter().map(text).collect())
            .collect())
    }

    fn lock(&mut self, name: &str, timeout: Duration) -> Result<(), DbError> {
        let lock = self.lock_name(name);
        let sql = format!(
            "SELECT GET_LOCK({}, {})",
            crate::quote::literal(self.dialect(), &lock),
            timeout.as_secs_f64().ceil()
        );
        match self.scalar(&sql)?.as_deref() {
            Some("1") => Ok(()),
            Some("0") => Err(DbError::LockTimeout {
                url: self.url.masked().to_owned(),
                name: name.to_owned(),
                holder: crate::connection::UNKNOWN_HOLDER.to_owned(),
                waited: timeout,
            }),
            other => Err(statement_error(
                &self.url,
                &sql,
                format!(
                    "GET_LOCK returned {other:?} (an error, such as the connection being killed)"
                ),
            )),
        }
    }

    fn unlock(&mut self, name: &str) -> Result<(), DbError> {
        let lock = self.lock_name(name);
        let sql = format!(
            "SELECT RELEASE_LOCK({})",
            crate::quote::literal(self.dialect(), &lock)
        );
        self.scalar(&sql).map(drop)
    }

    fn session_id(&mut self) -> Result<Option<String>, DbError> {
        if self.session.is_none() {
            self.session = self.scalar("SELECT CONNECTION_ID()")?;
        }
        Ok(self.session.clone())
    }

    fn session_running(&mut self, id: &str) -> Result<bool, DbError> {
        let Ok(id) = id.parse::<u64>() else {
            return Ok(false);
        };
        let sql = format!("SELECT 1 FROM information_schema.processlist WHERE id = {id}");
        Ok(!self.query_strings(&sql)?.is_empty())
    }

    /// A table's `SHOW CREATE TABLE` (its counter of `AUTO_INCREMENT`
    /// left out: rows change it, DDL is what counts), or `absent`, hashed
    /// per table: one quick statement a table. The whole database (for
    /// SQL a user wrote) is hashed from `information_schema`.
    fn schema_fingerprint(
        &mut self,
        tables: Option<&[retort_core::schema::TableName]>,
    ) -> Result<String, DbError> {
        let Some(names) = tables else {
            let sql = FINGERPRINT
                .replace("{tables}", "")
                .replace("{trigger_tables}", "")
                .replace("{routines}", FINGERPRINT_ROUTINES);
            let row = self
                .query_strings(&sql)?
                .into_iter()
                .next()
                .unwrap_or_default();
            let cell = |i: usize| row.get(i).cloned().flatten().unwrap_or_default();
            return Ok(format!("{}:{}", cell(0), cell(1)));
        };
        let mut all = String::new();
        for name in names {
            let dialect = self.dialect();
            let sql = match &name.schema {
                Some(schema) => format!(
                    "SHOW CREATE TABLE {}.{}",
                    crate::quote::ident(dialect, schema),
                    crate::quote::ident(dialect, &name.name)
                ),
                None => format!(
                    "SHOW CREATE TABLE {}",
                    crate::quote::ident(dialect, &name.name)
                ),
            };
            let created: Result<Vec<mysql::Row>, mysql::Error> = self.conn.query(&sql);
            match created {
                Ok(rows) => {
                    let text = rows
                        .into_iter()
                        .next()
                        .and_then(|row| row.unwrap().into_iter().nth(1).and_then(text))
                        .unwrap_or_default();
                    all.push_str(&without_auto_increment(&text));
                }
                // No such table (or view): that is its state.
                Err(mysql::Error::MySqlError(e)) if e.code == 1146 => all.push_str("absent"),
                Err(e) => {
                    return Err(transient_error(
                        &self.url,
                        &sql,
                        reason(&e),
                        is_transient(&e),
                    ));
                }
            }
            all.push('\n');
        }
        Ok(format!("show:{:016x}", crate::quote::fnv1a(&all)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lock_names_fit_mysql_and_stay_distinct() {
        assert_eq!(server_lock_name("retort", "app"), "retort@app");
        let long = "d".repeat(80);
        let a = server_lock_name("retort", &long);
        let b = server_lock_name("retort", &format!("{long}x"));
        assert_eq!(a.len(), MAX_LOCK_NAME);
        assert!(a.starts_with("retort@ddd"), "{a}");
        assert_ne!(a, b);
        let wide = server_lock_name("é".repeat(40).as_str(), "db");
        assert!(wide.len() <= MAX_LOCK_NAME, "{wide}");
    }
}
