//! Live databases for the `migrate*` tests: a SQLite file in the project's
//! temporary folder, or a fresh database of its own on the PostgreSQL and
//! MariaDB servers that `./scripts/test.sh` starts, inspected with each
//! database's own command line client (`sqlite3`, `psql`, `mariadb`).
//!
//! The servers are required: without `RETORT_TEST_POSTGRES_URL` /
//! `RETORT_TEST_MYSQL_URL` a test fails, it never skips.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::harness::{Project, Run};

/// Which database a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sqlite,
    Postgres,
    Mysql,
}

/// Generates one `#[test]` per database for `fn $name(kind: Kind)`:
/// `$name::sqlite`, `$name::postgres`, `$name::mysql`.
macro_rules! per_db {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            use crate::migrate_db::Kind;

            #[test]
            fn sqlite() {
                super::$name(Kind::Sqlite)
            }

            #[test]
            fn postgres() {
                super::$name(Kind::Postgres)
            }

            #[test]
            fn mysql() {
                super::$name(Kind::Mysql)
            }
        }
    )*};
}
pub(crate) use per_db;

/// retort's own tables: version, log, lock (servers), journal (MariaDB).
pub const RETORT_TABLES: &[&str] = &[
    "retort_version",
    "retort_log",
    "retort_lock",
    "retort_journal",
];

/// A server's URL, its server started on first use, or a failure that says
/// how to get one.
fn server_url(var: &str) -> String {
    crate::servers::var(var)
}

/// A database name no other test (or test process) uses.
fn unique_name() -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "rt_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// `scheme://user:password@host:port/db` in parts.
struct ServerUrl {
    prefix: String,
    user: String,
    password: String,
    host: String,
    port: String,
}

fn parse_server_url(url: &str) -> ServerUrl {
    let (prefix, _db) = url.rsplit_once('/').expect("a URL with a database name");
    let rest = prefix.split_once("://").expect("a URL with a scheme").1;
    let (auth, hostport) = rest.rsplit_once('@').expect("a URL with user:password@");
    let (user, password) = auth.split_once(':').unwrap_or((auth, ""));
    let (host, port) = hostport.rsplit_once(':').unwrap_or((hostport, "3306"));
    ServerUrl {
        prefix: prefix.to_owned(),
        user: user.to_owned(),
        password: password.to_owned(),
        host: host.to_owned(),
        port: port.to_owned(),
    }
}

/// One database a test owns.
pub struct Db {
    pub kind: Kind,
    /// The URL to give `retort --url`.
    pub url: String,
    /// The SQLite file, or the server database's name.
    pub name: String,
    server: Option<ServerUrl>,
}

impl Db {
    /// A fresh, empty database of `kind` for the project `p` (SQLite: the
    /// file `<tmp>/<file>`).
    pub fn fresh_named(kind: Kind, p: &Project, file: &str) -> Db {
        match kind {
            Kind::Sqlite => {
                let path: PathBuf = p.path(file);
                Db {
                    kind,
                    url: format!("sqlite:///{}", path.display()),
                    name: path.display().to_string(),
                    server: None,
                }
            }
            Kind::Postgres => {
                let base = server_url("RETORT_TEST_POSTGRES_URL");
                let name = unique_name();
                run_client(Command::new("psql").args([
                    base.as_str(),
                    "-X",
                    "-q",
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-c",
                    &format!("CREATE DATABASE {name}"),
                ]));
                let server = parse_server_url(&base);
                Db {
                    kind,
                    url: format!("{}/{name}", server.prefix),
                    name,
                    server: Some(server),
                }
            }
            Kind::Mysql => {
                let base = server_url("RETORT_TEST_MYSQL_URL");
                let name = unique_name();
                let server = parse_server_url(&base);
                let db = Db {
                    kind,
                    url: format!("{}/{name}", server.prefix),
                    name: name.clone(),
                    server: Some(server),
                };
                run_client(
                    db.mariadb(None)
                        .args(["-e", &format!("CREATE DATABASE {name}")]),
                );
                db
            }
        }
    }

    /// A fresh database (`app.db` on SQLite).
    pub fn fresh(kind: Kind, p: &Project) -> Db {
        Db::fresh_named(kind, p, "app.db")
    }

    fn mariadb(&self, database: Option<&str>) -> Command {
        let s = self.server.as_ref().expect("a server database");
        let client = if which("mariadb") { "mariadb" } else { "mysql" };
        let mut cmd = Command::new(client);
        cmd.env("MYSQL_PWD", &s.password).args([
            "--no-defaults",
            "--protocol=TCP",
            "-h",
            &s.host,
            "-P",
            &s.port,
            "-u",
            &s.user,
            "-N",
            "-B",
            "-r",
        ]);
        if let Some(db) = database {
            cmd.arg(db);
        }
        cmd
    }

    /// The client command that reads SQL from stdin (or `-c`/`-e` args after).
    pub fn client(&self) -> Command {
        match self.kind {
            Kind::Sqlite => {
                let mut cmd = Command::new("sqlite3");
                cmd.args(["-bail", &self.name]);
                cmd
            }
            Kind::Postgres => {
                let mut cmd = Command::new("psql");
                cmd.args([self.url.as_str(), "-X", "-q", "-A", "-t"]).args([
                    "-v",
                    "ON_ERROR_STOP=1",
                    "-P",
                    "pager=off",
                ]);
                cmd
            }
            Kind::Mysql => self.mariadb(Some(&self.name)),
        }
    }

    /// Runs `sql` with the database's client; its output, one row a line,
    /// columns separated by `|` (SQLite, PostgreSQL) or a tab (MariaDB).
    #[track_caller]
    pub fn sql(&self, sql: &str) -> String {
        let mut cmd = self.client();
        match self.kind {
            Kind::Sqlite => cmd.arg(sql),
            Kind::Postgres => cmd.args(["-c", sql]),
            Kind::Mysql => cmd.args(["-e", sql]),
        };
        run_client(&mut cmd)
    }

    /// Runs `sql`, one value a line, trimmed, as a list.
    #[track_caller]
    pub fn rows(&self, sql: &str) -> Vec<String> {
        self.sql(sql)
            .lines()
            .map(|l| l.replace('\t', "|").trim().to_owned())
            .filter(|l| !l.is_empty())
            .collect()
    }

    /// Feeds a whole script to the client on stdin (stopping at the first
    /// error); returns the client's outcome without asserting it.
    pub fn pipe(&self, script: &str) -> std::process::Output {
        let mut cmd = self.client();
        if self.kind == Kind::Postgres {
            cmd.args(["-f", "-"]);
        }
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the database client");
        // Written from a thread while the output is read: a script whose
        // queries print more than a pipe holds would otherwise block both.
        let mut stdin = child.stdin.take().unwrap();
        let script = script.to_owned();
        let writer = std::thread::spawn(move || stdin.write_all(script.as_bytes()));
        let out = child.wait_with_output().expect("wait for the client");
        // A client that stopped at an error may close its stdin early.
        if let Err(e) = writer.join().expect("the writer thread")
            && out.status.success()
        {
            panic!("write the script to the client: {e}");
        }
        out
    }

    /// An identifier quoted for this database.
    pub fn q(&self, ident: &str) -> String {
        match self.kind {
            Kind::Mysql => format!("`{ident}`"),
            _ => format!("\"{ident}\""),
        }
    }

    /// The tables, sorted (byte order).
    #[track_caller]
    pub fn tables(&self) -> Vec<String> {
        let mut t = self.rows(match self.kind {
            Kind::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            }
            Kind::Postgres => {
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"
            }
            Kind::Mysql => {
                "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()"
            }
        });
        t.sort();
        t
    }

    /// The tables other than retort's own.
    #[track_caller]
    pub fn user_tables(&self) -> Vec<String> {
        self.tables()
            .into_iter()
            .filter(|t| !RETORT_TABLES.contains(&t.as_str()))
            .collect()
    }

    /// A table's column names in their order.
    #[track_caller]
    pub fn columns(&self, table: &str) -> Vec<String> {
        match self.kind {
            Kind::Sqlite => self.rows(&format!(
                "SELECT name FROM pragma_table_info('{table}') ORDER BY cid"
            )),
            Kind::Postgres => self.rows(&format!(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = '{table}' ORDER BY ordinal_position"
            )),
            Kind::Mysql => self.rows(&format!(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '{table}' ORDER BY ordinal_position"
            )),
        }
    }

    /// The index names of a table, sorted (without primary keys, the
    /// indexes of PostgreSQL's constraints and SQLite's automatic ones; on
    /// MariaDB with those of unique constraints).
    #[track_caller]
    pub fn indexes(&self, table: &str) -> Vec<String> {
        let mut ix = self.rows(&match self.kind {
            Kind::Sqlite => format!(
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = '{table}' AND name NOT LIKE 'sqlite_autoindex%'"
            ),
            Kind::Postgres => format!(
                "SELECT indexname FROM pg_indexes WHERE schemaname = 'public' AND tablename = '{table}' AND indexname NOT IN (SELECT conname FROM pg_constraint)"
            ),
            Kind::Mysql => format!(
                "SELECT DISTINCT index_name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = '{table}' AND index_name <> 'PRIMARY' AND index_name NOT IN (SELECT constraint_name FROM information_schema.table_constraints WHERE table_schema = DATABASE() AND table_name = '{table}' AND constraint_type = 'FOREIGN KEY')"
            ),
        });
        ix.sort();
        ix
    }

    /// The named constraints of a table as `name:kind` (PostgreSQL's and
    /// MariaDB's catalogs), sorted; on SQLite, the table's `CREATE TABLE`.
    #[track_caller]
    pub fn constraints(&self, table: &str) -> Vec<String> {
        let mut c = self.rows(&match self.kind {
            Kind::Sqlite => {
                format!("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = '{table}'")
            }
            Kind::Postgres => format!(
                "SELECT conname || ':' || contype::text FROM pg_constraint WHERE conrelid = (SELECT oid FROM pg_class WHERE relname = '{table}' AND relnamespace = 'public'::regnamespace) AND contype <> 'n'"
            ),
            Kind::Mysql => format!(
                "SELECT CONCAT(constraint_name, ':', constraint_type) FROM information_schema.table_constraints WHERE table_schema = DATABASE() AND table_name = '{table}'"
            ),
        });
        c.sort();
        c
    }

    /// The version table's rows, sorted.
    #[track_caller]
    pub fn versions(&self) -> Vec<String> {
        let mut v = self.rows("SELECT version_num FROM retort_version");
        v.sort();
        v
    }

    /// The log table's rows as `revision direction`, in insertion order.
    #[track_caller]
    pub fn log(&self) -> Vec<String> {
        self.rows("SELECT revision, direction FROM retort_log ORDER BY started_at, revision")
    }

    /// A catalog dump to compare two databases' schemas: SQLite's
    /// `.schema`, else `information_schema.columns` in order (with the
    /// indexes and constraints); the lock and journal tables, which only
    /// online runs create, are left out.
    #[track_caller]
    pub fn catalog(&self) -> String {
        match self.kind {
            Kind::Sqlite => {
                let mut cmd = self.client();
                cmd.arg(".schema");
                run_client(&mut cmd)
            }
            Kind::Postgres => self.sql(
                "SELECT table_name, column_name, ordinal_position, data_type, character_maximum_length, numeric_precision, numeric_scale, is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'public' AND table_name NOT IN ('retort_lock', 'retort_journal') ORDER BY table_name, ordinal_position; \
                 SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename NOT IN ('retort_lock', 'retort_journal') ORDER BY tablename, indexname; \
                 SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND conrelid::regclass::text NOT IN ('retort_lock', 'retort_journal') ORDER BY 1, 2",
            ),
            Kind::Mysql => self.sql(
                "SELECT table_name, column_name, ordinal_position, column_type, is_nullable, column_default, column_key, extra, column_comment FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name NOT IN ('retort_lock', 'retort_journal') ORDER BY table_name, ordinal_position; \
                 SELECT table_name, index_name, non_unique, seq_in_index, column_name FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name NOT IN ('retort_lock', 'retort_journal') ORDER BY table_name, index_name, seq_in_index; \
                 SELECT table_name, constraint_name, constraint_type FROM information_schema.table_constraints WHERE table_schema = DATABASE() AND table_name NOT IN ('retort_lock', 'retort_journal') ORDER BY table_name, constraint_name",
            ),
        }
    }

    /// `retort --url URL ARGS...` in the project.
    pub fn run(&self, p: &Project, args: &[&str]) -> Run {
        let mut all = vec!["--url", self.url.as_str()];
        all.extend_from_slice(args);
        p.run(&all)
    }

    /// [`Db::run`], asserting exit code 0.
    #[track_caller]
    pub fn ok(&self, p: &Project, args: &[&str]) -> Run {
        let run = self.run(p, args);
        assert_eq!(run.code, 0, "expected success\n{}", run.describe());
        run
    }

    /// [`Db::run`], asserting a clean failure (see [`assert_failed`]).
    #[track_caller]
    pub fn fails(&self, p: &Project, args: &[&str]) -> Run {
        let run = self.run(p, args);
        assert_failed(&run);
        run
    }

    /// The revisions `retort current` prints, sorted (the first word of
    /// each line).
    #[track_caller]
    pub fn current(&self, p: &Project) -> Vec<String> {
        let run = self.ok(p, &["current"]);
        let mut revs: Vec<String> = run
            .stdout
            .lines()
            .filter_map(|l| l.split_whitespace().next())
            .map(str::to_owned)
            .collect();
        revs.sort();
        revs
    }
}

fn which(program: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

/// Runs a client command; its stdout, or a panic with everything it said.
#[track_caller]
fn run_client(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("start {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({})\n--- stdout ---\n{}--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Asserts `out` (from [`Db::pipe`]) succeeded.
#[track_caller]
pub fn assert_piped(out: &std::process::Output, what: &str) {
    assert!(
        out.status.success(),
        "{what}: the client failed ({})\n--- stdout ---\n{}--- stderr ---\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Asserts a failure as SPEC section 5 wants it: exit code 1, a line
/// starting with `error:` on stderr (after any progress lines), no panic
/// and no backtrace.
#[track_caller]
pub fn assert_failed(run: &Run) {
    assert_eq!(run.code, 1, "expected exit code 1\n{}", run.describe());
    assert!(
        run.stderr.lines().any(|l| l.starts_with("error:")),
        "expected a line starting with `error:` on stderr\n{}",
        run.describe()
    );
    for bad in [
        "panicked",
        "stack backtrace",
        "RUST_BACKTRACE",
        "Stack backtrace",
    ] {
        assert!(
            !run.stderr.contains(bad),
            "stderr shows {bad:?}\n{}",
            run.describe()
        );
    }
}

/// A revision that creates the table `t_<id>` (and drops it going down).
pub fn table_rev(id: &str) -> String {
    format!(
        r#"
[[upgrade]]
op = "create_table"
table = "t_{id}"
columns = [{{ name = "id", type = "integer", primary_key = true }}]

[[downgrade]]
op = "drop_table"
table = "t_{id}"
"#
    )
}

/// Writes `migrations/versions/<id>.toml`: a graph fixture ([`crate::harness::Rev`])
/// followed by `body` (its operations).
pub fn write_rev(p: &Project, rev: &crate::harness::Rev, body: &str) {
    p.write(
        &format!("migrations/versions/{}.toml", rev.id),
        &format!("{}{body}", rev.to_toml()),
    );
}

/// The tables retort keeps in a database of `kind` beside the user's:
/// the version and log tables, the lock table on servers, the journal on
/// MariaDB.
pub fn retort_tables(kind: Kind) -> Vec<String> {
    let mut t = vec!["retort_log", "retort_version"];
    if kind != Kind::Sqlite {
        t.insert(0, "retort_lock");
    }
    if kind == Kind::Mysql {
        t.insert(0, "retort_journal");
    }
    t.into_iter().map(str::to_owned).collect()
}
