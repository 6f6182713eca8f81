//! The `notes` binary, run as its users run it: from a temporary folder
//! that has no migrations folder (the migrations are embedded), on SQLite,
//! PostgreSQL and MariaDB.
//!
//! The servers are those `./scripts/test.sh` lets the tests start (see
//! `tests/support/servers.rs`); without them the PostgreSQL and MariaDB
//! tests fail, they never skip.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use retort::Retort;
use retort::db::{DatabaseUrl, DialectName, VersionTable, connect};

#[path = "../../../tests/support/servers.rs"]
mod servers;

#[derive(Clone, Copy, Debug)]
enum Kind {
    Sqlite,
    Postgres,
    Mysql,
}

/// One test per database for each `fn name(kind: Kind)`.
macro_rules! per_db {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            use super::Kind;

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

per_db!(
    start_up_upgrades_and_the_app_works,
    check_compares_with_the_rust_schema,
    concurrent_start_ups_migrate_once,
);

/// A database of its own and a working folder without migrations.
struct Db {
    /// The working folder (the SQLite file is there too).
    dir: tempfile::TempDir,
    url: String,
    /// The server's URL and the database to drop at the end.
    server: Option<(DatabaseUrl, String)>,
}

impl Db {
    fn fresh(kind: Kind) -> Db {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let var = match kind {
            Kind::Sqlite => {
                let url = format!("sqlite:///{}", dir.path().join("notes.db").display());
                return Db {
                    dir,
                    url,
                    server: None,
                };
            }
            Kind::Postgres => "RETORT_TEST_POSTGRES_URL",
            Kind::Mysql => "RETORT_TEST_MYSQL_URL",
        };
        let raw = servers::var(var);
        let admin = DatabaseUrl::parse(&raw).unwrap_or_else(|e| panic!("{var}: {e}"));
        let name = unique_name();
        let mut conn = connect(&admin).unwrap_or_else(|e| panic!("{e}\n{}", servers::HOW));
        conn.execute(&format!("CREATE DATABASE {name}"))
            .expect("CREATE DATABASE");
        let (base, _) = raw.rsplit_once('/').expect("a URL with a database");
        Db {
            dir,
            url: format!("{base}/{name}"),
            server: Some((admin, name)),
        }
    }

    /// Runs `notes --database-url URL ARGS...` in the working folder.
    fn notes(&self, args: &[&str]) -> Run {
        let mut all = vec!["--database-url", self.url.as_str()];
        all.extend(args);
        notes(self.dir.path(), &all)
    }

    /// The version rows in `notes_version`, the table the application's
    /// configure callback names.
    fn version_rows(&self) -> Vec<String> {
        let mut conn = connect(&DatabaseUrl::parse(&self.url).unwrap()).unwrap();
        let table = VersionTable::new("notes_version", None);
        let rows = table.read(conn.as_mut()).unwrap();
        rows.iter().map(|r| r.to_string()).collect()
    }

    /// Runs SQL on the database.
    fn execute(&self, sql: &str) {
        let mut conn = connect(&DatabaseUrl::parse(&self.url).unwrap()).unwrap();
        conn.execute(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    }

    /// Whether the table `name` exists.
    fn has_table(&self, name: &str) -> bool {
        let mut conn = connect(&DatabaseUrl::parse(&self.url).unwrap()).unwrap();
        let sql = match conn.dialect() {
            DialectName::Sqlite => {
                format!("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '{name}'")
            }
            _ => format!(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = {} AND table_name = '{name}'",
                if conn.dialect() == DialectName::Mysql {
                    "DATABASE()"
                } else {
                    "current_schema()"
                }
            ),
        };
        !conn.query_column(&sql).unwrap().is_empty()
    }
}

impl Drop for Db {
    fn drop(&mut self) {
        let Some((admin, name)) = &self.server else {
            return;
        };
        let Ok(mut conn) = connect(admin) else {
            return;
        };
        let sql = match admin.dialect() {
            DialectName::Postgresql => format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
            _ => format!("DROP DATABASE IF EXISTS {name}"),
        };
        // A database left behind only lives on a throw-away server.
        let _ = conn.execute(&sql);
    }
}

/// A database name no other test or test process uses.
fn unique_name() -> String {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "notes_{}_{}_{nanos}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// What a run of `notes` did.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Asserts success; returns stdout.
    #[track_caller]
    fn ok(&self) -> &str {
        assert_eq!(self.code, Some(0), "expected success:\n{self}");
        &self.stdout
    }

    /// Asserts exit code 1; returns stderr.
    #[track_caller]
    fn fails(&self) -> &str {
        assert_eq!(self.code, Some(1), "expected exit code 1:\n{self}");
        &self.stderr
    }

    /// The `notes: ran ...` lines of the start-up upgrade.
    fn migrations_run(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.starts_with("notes: ran "))
            .collect()
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit code {:?}\n--- stdout ---\n{}--- stderr ---\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// The `notes` command in `dir`, with a clean environment for its
/// settings.
fn notes_command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_notes"));
    cmd.args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .env_remove("DATABASE_URL")
        .env_remove("NOTES_DATABASE_URL");
    cmd
}

fn notes(dir: &Path, args: &[&str]) -> Run {
    Run::from(
        notes_command(dir, args)
            .output()
            .expect("the notes binary runs"),
    )
}

/// The migrations folder on disk, which the binary must carry.
fn migrations_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations")
}

/// The revisions of the folder on disk, oldest first: `(id, message)`.
fn revisions_on_disk() -> Vec<(String, String)> {
    let history = Retort::open(migrations_dir())
        .history(None, false)
        .expect("the example's migrations folder loads");
    let mut revisions: Vec<(String, String)> = history
        .revisions()
        .map(|r| (r.id.to_string(), r.message.clone()))
        .collect();
    revisions.reverse();
    assert!(revisions.len() >= 2, "{revisions:?}");
    revisions
}

/// The head of the folder on disk.
fn head() -> String {
    revisions_on_disk().last().unwrap().0.clone()
}

/// The start-up lines of a run from base to head.
fn upgrade_lines() -> Vec<String> {
    let mut previous = String::new();
    revisions_on_disk()
        .into_iter()
        .map(|(id, message)| {
            let line = format!("notes: ran upgrade {previous} -> {id}, {message}");
            previous = id;
            line
        })
        .collect()
}

fn start_up_upgrades_and_the_app_works(kind: Kind) {
    let db = Db::fresh(kind);
    assert!(
        !db.dir.path().join("migrations").exists(),
        "the working folder has no migrations"
    );

    // `db` commands run on the database as it is: no upgrade first.
    assert_eq!(db.notes(&["db", "current"]).ok(), "");
    assert!(!db.has_table("note"));

    // The first start-up brings the empty database to head.
    let first = db.notes(&["add", "buy milk"]);
    assert_eq!(first.ok(), "added note 1\n");
    assert_eq!(first.migrations_run(), upgrade_lines(), "{first}");
    assert_eq!(db.version_rows(), [head()]);
    assert_eq!(
        db.notes(&["db", "current"]).ok(),
        format!("{} (head)\n", head())
    );
    assert_eq!(
        db.notes(&["db", "heads"]).ok(),
        format!("{} (head)\n", head()),
        "the binary carries the migrations folder as it is on disk"
    );

    // The Rust schema and the migrations agree.
    assert_eq!(
        db.notes(&["db", "check"]).ok(),
        "No new upgrade operations detected.\n"
    );

    // The application's own commands, on the migrated tables.
    assert_eq!(db.notes(&["add", "it's done"]).ok(), "added note 2\n");
    assert_eq!(db.notes(&["done", "2"]).ok(), "note 2 done\n");
    let missing = db.notes(&["done", "7"]);
    assert!(
        missing.fails().contains("error: there is no note 7"),
        "{missing}"
    );

    // A second start-up is a no-op.
    let again = db.notes(&["list"]);
    assert_eq!(again.ok(), "  1 [ ] buy milk\n  2 [x] it's done\n");
    assert!(again.migrations_run().is_empty(), "{again}");
    assert_eq!(db.version_rows(), [head()]);

    // Down to base: the application's tables go, the version table empties.
    let down = db.notes(&["db", "downgrade", "base"]);
    down.ok();
    assert!(
        down.stderr
            .contains(&format!("Running downgrade {} -> ", head())),
        "{down}"
    );
    assert!(!db.has_table("note"));
    assert_eq!(db.notes(&["db", "current"]).ok(), "");
    assert_eq!(db.version_rows(), Vec::<String>::new());

    // ... and the next start-up migrates it again.
    let back = db.notes(&["list"]);
    assert_eq!(back.ok(), "");
    assert_eq!(back.migrations_run(), upgrade_lines(), "{back}");
    assert_eq!(db.notes(&["add", "again"]).ok(), "added note 1\n");
    assert_eq!(db.notes(&["list"]).ok(), "  1 [ ] again\n");
    assert_eq!(db.version_rows(), [head()]);
}

fn check_compares_with_the_rust_schema(kind: Kind) {
    let db = Db::fresh(kind);
    db.notes(&["list"]).ok();
    // A column the Rust schema does not have.
    db.execute("ALTER TABLE note ADD COLUMN extra INTEGER");
    let check = db.notes(&["db", "check"]);
    let stderr = check.fails();
    assert_eq!(
        check.stdout, "Detected removed column 'note.extra'\n",
        "{check}"
    );
    assert!(
        stderr.contains("error: new upgrade operations detected (1 change(s))"),
        "{check}"
    );
    // The advice names the application's own command, not `retort`.
    assert!(stderr.contains("run `notes db migrate -m"), "{check}");
    assert!(!stderr.contains("`retort "), "{check}");

    // Writing a revision needs the folder: the embedded copy is read-only,
    // and the error says what to do.
    let migrate = db.notes(&["db", "migrate", "-m", "extra"]);
    assert!(
        migrate
            .fails()
            .contains("this project is embedded in the binary"),
        "{migrate}"
    );
    assert!(migrate.stderr.contains("-d"), "{migrate}");
}

fn concurrent_start_ups_migrate_once(kind: Kind) {
    let db = Db::fresh(kind);
    let children: Vec<_> = ["one", "two", "three"]
        .iter()
        .map(|text| {
            notes_command(db.dir.path(), &["--database-url", &db.url, "add", text])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .expect("the notes binary starts")
        })
        .collect();
    let runs: Vec<Run> = children
        .into_iter()
        .map(|c| Run::from(c.wait_with_output().unwrap()))
        .collect();
    for run in &runs {
        assert!(run.ok().starts_with("added note "), "{run}");
    }
    // The database lock serialises the start-ups: one ran the revisions,
    // the others found the database at head.
    let ran: Vec<&Run> = runs
        .iter()
        .filter(|r| !r.migrations_run().is_empty())
        .collect();
    assert_eq!(
        ran.len(),
        1,
        "{}",
        runs.iter()
            .map(|r| r.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    );
    assert_eq!(ran[0].migrations_run(), upgrade_lines());
    assert_eq!(db.notes(&["list"]).ok().lines().count(), 3);
    assert_eq!(db.version_rows(), [head()]);
}

#[test]
fn works_from_any_folder_with_its_own_url_settings() {
    let dir = tempfile::tempdir().unwrap();
    // The default database: notes.db in the current folder.
    let run = notes(dir.path(), &["add", "default"]);
    assert_eq!(run.ok(), "added note 1\n");
    assert_eq!(run.migrations_run(), upgrade_lines());
    assert!(dir.path().join("notes.db").is_file());

    // The application's environment variable, for its commands and `db`.
    let other = dir.path().join("other.db");
    let url = format!("sqlite:///{}", other.display());
    let run = Run::from(
        notes_command(dir.path(), &["add", "elsewhere"])
            .env("NOTES_DATABASE_URL", &url)
            .output()
            .unwrap(),
    );
    assert_eq!(run.ok(), "added note 1\n");
    assert!(other.is_file());
    let current = Run::from(
        notes_command(dir.path(), &["db", "current"])
            .env("NOTES_DATABASE_URL", &url)
            .output()
            .unwrap(),
    );
    assert_eq!(current.ok(), format!("{} (head)\n", head()));

    // DATABASE_URL does not pull retort away from the application's
    // database: the application gives its URL to retort.
    let run = Run::from(
        notes_command(dir.path(), &["list"])
            .env("DATABASE_URL", "sqlite:///elsewhere.db")
            .output()
            .unwrap(),
    );
    assert_eq!(run.ok(), "  1 [ ] default\n");
    assert!(!dir.path().join("elsewhere.db").exists());

    // `db --url` overrides it for one command.
    let fresh = format!("sqlite:///{}", dir.path().join("fresh.db").display());
    assert_eq!(
        notes(dir.path(), &["db", "--url", &fresh, "current"]).ok(),
        ""
    );
    assert_eq!(
        notes(dir.path(), &["db", "--url", &fresh, "upgrade"]).ok(),
        ""
    );
    assert_eq!(
        notes(dir.path(), &["db", "--url", &fresh, "current"]).ok(),
        format!("{} (head)\n", head())
    );
}

#[test]
fn writing_commands_work_on_the_folder_with_d() {
    // `notes db -d migrations migrate` is how the application's developer
    // writes a revision from the Rust schema; on a copy of the folder here.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("migrations");
    copy_dir(&migrations_dir(), &copy);
    let url = format!("sqlite:///{}", dir.path().join("dev.db").display());
    let d = copy.to_str().unwrap();
    notes(dir.path(), &["--database-url", &url, "db", "upgrade"]).ok();
    // The schema in Rust and the folder agree: nothing to write.
    let check = notes(
        dir.path(),
        &["--database-url", &url, "db", "-d", d, "check"],
    );
    assert_eq!(check.ok(), "No new upgrade operations detected.\n");
    let rev = notes(
        dir.path(),
        &[
            "--database-url",
            &url,
            "db",
            "-d",
            d,
            "revision",
            "-m",
            "by hand",
            "--rev-id",
            "abc123",
        ],
    );
    rev.ok();
    assert!(copy.join("versions/abc123_by_hand.toml").is_file(), "{rev}");
    // The configure callback applies to the folder too: dates in UTC.
    let text = std::fs::read_to_string(copy.join("versions/abc123_by_hand.toml")).unwrap();
    assert!(text.contains("+00:00"), "{text}");
    assert_eq!(
        notes(dir.path(), &["db", "-d", d, "heads"]).ok(),
        "abc123 (head)\n"
    );
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else {
            std::fs::copy(&path, &target).unwrap();
        }
    }
}

#[test]
fn the_library_api_in_a_few_lines() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite:///{}", dir.path().join("app.db").display());

    // The project in a migrations folder, on this database.
    let retort = Retort::open(migrations_dir()).url(url);
    let report = retort.upgrade("head")?;
    for step in &report.databases[0].steps {
        println!("ran {}, {}", step.step, step.message);
    }
    let heads = retort.heads(false)?;
    assert_eq!(retort.current()?.databases[0].revisions, heads.ids());

    assert_eq!(report.steps(), revisions_on_disk().len());
    assert_eq!(heads.ids()[0].to_string(), head());
    // Nothing left to do the second time.
    assert_eq!(retort.upgrade("head")?.steps(), 0);
    Ok(())
}

#[test]
fn one_retort_shared_by_threads() -> Result<(), Box<dyn std::error::Error>> {
    let dir = tempfile::tempdir()?;
    let url = format!("sqlite:///{}", dir.path().join("app.db").display());
    let retort = Retort::open(migrations_dir()).url(url);

    // `Retort` is `Send + Sync`: threads share one and run commands at
    // once; upgrades of one database take its lock in turn.
    let steps: usize = std::thread::scope(|s| {
        let runs: Vec<_> = (0..4)
            .map(|_| s.spawn(|| retort.upgrade("head").map(|r| r.steps())))
            .collect();
        runs.into_iter()
            .map(|r| r.join().unwrap())
            .sum::<Result<usize, _>>()
    })?;
    assert_eq!(steps, revisions_on_disk().len(), "only one thread ran them");
    Ok(())
}
