//! Test databases: a SQLite file in a temporary folder, and a fresh
//! PostgreSQL or MariaDB database per test on the servers that
//! `./scripts/test.sh` starts, dropped when the test ends.

use std::path::PathBuf;

use retort_db::{Connection, DatabaseUrl, DialectName, connect};

/// What to do when the servers are missing.
pub const HOW: &str = "run ./scripts/test.sh, which starts PostgreSQL and MariaDB";

/// The URL of a test server from the environment. Panics (the test fails,
/// it is never skipped) when the variable is not set.
pub fn server_url(var: &str) -> DatabaseUrl {
    let raw = std::env::var(var).unwrap_or_else(|_| panic!("{var} is not set: {HOW}"));
    DatabaseUrl::parse(&raw).unwrap_or_else(|e| panic!("{var}: {e}"))
}

/// The PostgreSQL test server's URL (`RETORT_TEST_POSTGRES_URL`).
pub fn postgres_url() -> DatabaseUrl {
    server_url("RETORT_TEST_POSTGRES_URL")
}

/// The MariaDB test server's URL (`RETORT_TEST_MYSQL_URL`).
pub fn mysql_url() -> DatabaseUrl {
    server_url("RETORT_TEST_MYSQL_URL")
}

/// A database of its own for one test.
pub struct TestDb {
    /// The URL of the test's database.
    pub url: DatabaseUrl,
    /// The server's administrative URL and the databases to drop at the end.
    server: Option<(DatabaseUrl, Vec<String>)>,
    dir: tempfile::TempDir,
}

impl TestDb {
    /// A SQLite file in a fresh temporary folder.
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("test.db");
        let url = DatabaseUrl::parse(&format!("sqlite:///{}", path.display())).expect("url");
        TestDb {
            url,
            server: None,
            dir,
        }
    }

    /// A fresh database named after `test` on the PostgreSQL test server.
    pub fn postgres(test: &str) -> TestDb {
        TestDb::on_server(postgres_url(), test)
    }

    /// A fresh database named after `test` on the MariaDB test server.
    pub fn mysql(test: &str) -> TestDb {
        TestDb::on_server(mysql_url(), test)
    }

    fn on_server(admin: DatabaseUrl, test: &str) -> TestDb {
        let name = database_name(test);
        create_database(&admin, &name);
        TestDb {
            url: with_database(&admin, &name),
            server: Some((admin, vec![name])),
            dir: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    /// The dialect under test.
    pub fn dialect(&self) -> DialectName {
        self.url.dialect()
    }

    /// A new connection to the test's database.
    pub fn connect(&self) -> Box<dyn Connection> {
        connect(&self.url).unwrap_or_else(|e| panic!("{e}"))
    }

    /// A second schema for `conn` to hold tables in, named `other`-ish: a
    /// PostgreSQL schema, a MariaDB database, or a SQLite file attached to
    /// `conn` (attachments belong to one connection).
    pub fn other_schema(&mut self, conn: &mut dyn Connection) -> String {
        match self.dialect() {
            DialectName::Sqlite => {
                let path: PathBuf = self.dir.path().join("other.db");
                let name = "other schema".to_owned();
                conn.execute(&format!(
                    "ATTACH DATABASE '{}' AS \"{name}\"",
                    path.display()
                ))
                .unwrap();
                name
            }
            DialectName::Postgresql => {
                let name = "Other Schema".to_owned();
                conn.execute(&format!("CREATE SCHEMA \"{name}\"")).unwrap();
                name
            }
            DialectName::Mysql => {
                let (admin, names) = self.server.as_mut().expect("a server");
                let name = format!("{}_other", names[0]);
                create_database(admin, &name);
                names.push(name.clone());
                name
            }
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some((admin, names)) = &self.server else {
            return;
        };
        let Ok(mut conn) = connect(admin) else {
            return;
        };
        for name in names {
            let sql = match admin.dialect() {
                DialectName::Postgresql => {
                    format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)")
                }
                _ => format!("DROP DATABASE IF EXISTS `{name}`"),
            };
            // A failed drop only leaves a database on a throw-away server.
            let _ = conn.execute(&sql);
        }
    }
}

/// A database name unique to this test and process: lower case, at most
/// 63 bytes (PostgreSQL's limit).
fn database_name(test: &str) -> String {
    let clean: String = test
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let suffix = format!("_{}", std::process::id());
    let keep = 63 - suffix.len() - "rt_".len() - "_other".len();
    let start = clean.len().saturating_sub(keep);
    format!("rt_{}{suffix}", &clean[start..])
}

fn create_database(admin: &DatabaseUrl, name: &str) {
    let mut conn = connect(admin).unwrap_or_else(|e| panic!("{e}\n{HOW}"));
    let (drop, create) = match admin.dialect() {
        DialectName::Postgresql => (
            format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
            format!("CREATE DATABASE \"{name}\""),
        ),
        _ => (
            format!("DROP DATABASE IF EXISTS `{name}`"),
            format!("CREATE DATABASE `{name}`"),
        ),
    };
    conn.execute(&drop).unwrap();
    conn.execute(&create).unwrap();
}

/// `admin` with its database replaced by `name`.
pub fn with_database(admin: &DatabaseUrl, name: &str) -> DatabaseUrl {
    let server = admin.server().expect("a server URL");
    let auth = match (&server.user, &server.password) {
        (Some(user), Some(password)) => format!("{user}:{password}@"),
        (Some(user), None) => format!("{user}@"),
        _ => String::new(),
    };
    let port = server.port.map(|p| format!(":{p}")).unwrap_or_default();
    let raw = format!("{}://{auth}{}{port}/{name}", admin.dialect(), server.host);
    DatabaseUrl::parse(&raw).expect("url")
}

/// Defines, for each function `f(&mut TestDb)` named, a module `f` with one
/// test per database: `f::sqlite`, `f::postgresql`, `f::mysql`.
macro_rules! on_every_database {
    ($($test:ident),* $(,)?) => {$(
        mod $test {
            #[test]
            fn sqlite() {
                super::$test(&mut crate::support::TestDb::sqlite());
            }

            #[test]
            fn postgresql() {
                super::$test(&mut crate::support::TestDb::postgres(module_path!()));
            }

            #[test]
            fn mysql() {
                super::$test(&mut crate::support::TestDb::mysql(module_path!()));
            }
        }
    )*};
}
pub(crate) use on_every_database;
