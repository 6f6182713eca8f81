//! Several databases in one project (SPEC sections 2-5, seed 000's
//! `init --multi`), end to end with the real binary: `retort init --multidb`,
//! a `retort.toml` with `[databases.main]` on SQLite, `[databases.pg]` on
//! PostgreSQL and `[databases.maria]` on MariaDB, each with its own models;
//! one revision holds `[[upgrade.<name>]]` / `[[downgrade.<name>]]` lists.
//!
//! Semantics (README, docs/multiple-databases.md): every command acts on
//! each database in turn, in name order (`main`, `maria`, `pg` here), or on
//! `--database NAME` only. Each database has its own version table and
//! runs exactly as a single database would (one transaction per revision
//! where DDL is transactional, undo by inverses on MariaDB). The first
//! failure stops the run: the databases before it keep what they did, the
//! failing one is left at its last good revision, those after it are not
//! touched; the error names the database, and running the command again
//! after the fix carries on from where each database is.
//!
//! Every test here needs the PostgreSQL and MariaDB servers of
//! `./scripts/test.sh` (`-E 'test(multidb)'`); they fail when those are
//! missing, never skip.

use crate::harness::{Project, Run, assert_clean_failure};
use crate::migrate_db::{Db, Kind, assert_failed};

/// The three databases, in the order retort runs them.
const NAMES: [&str; 3] = ["main", "maria", "pg"];

const MAIN_MODELS: &str = "\
CREATE TABLE account (
    id INTEGER PRIMARY KEY,
    name VARCHAR(100) NOT NULL
);
";

const PG_MODELS: &str = "\
CREATE TABLE event (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL
);
";

const MARIA_MODELS: &str = "\
CREATE TABLE item (
    id INTEGER PRIMARY KEY,
    label VARCHAR(50) NOT NULL
);
";

/// A multi-database project with a fresh database of each kind.
struct Multi {
    p: Project,
    main: Db,
    pg: Db,
    maria: Db,
}

impl Multi {
    /// `retort init --multidb`, then a `retort.toml` naming the three
    /// databases: `main` and `maria` with `url` in the file, `pg` from the
    /// environment (`RETORT_PG_URL`), each with its own models.
    fn new() -> Multi {
        let p = Project::empty();
        let run = p.ok(&["init", "--multidb"]);
        run.stdout_has("retort.toml");
        let main = Db::fresh_named(Kind::Sqlite, &p, "main.db");
        let pg = Db::fresh(Kind::Postgres, &p);
        let maria = Db::fresh(Kind::Mysql, &p);
        p.write(
            "migrations/retort.toml",
            &format!(
                r#"# three databases, one revision graph
[databases.main]
url = "sqlite:///main.db"
models = ["models/main.sql"]

[databases.pg]
# url from RETORT_PG_URL
models = ["models/pg.sql"]

[databases.maria]
url = "{}"
models = ["models/maria.sql"]
"#,
                maria.url
            ),
        );
        p.write("migrations/models/main.sql", MAIN_MODELS);
        p.write("migrations/models/pg.sql", PG_MODELS);
        p.write("migrations/models/maria.sql", MARIA_MODELS);
        Multi { p, main, pg, maria }
    }

    fn db(&self, name: &str) -> &Db {
        match name {
            "main" => &self.main,
            "pg" => &self.pg,
            "maria" => &self.maria,
            other => panic!("no database {other}"),
        }
    }

    /// `retort ARGS` with `RETORT_PG_URL` set.
    fn run(&self, args: &[&str]) -> Run {
        self.run_env(args, &[("RETORT_PG_URL", &self.pg.url)])
    }

    /// `retort ARGS` with exactly these `RETORT_<NAME>_URL` variables.
    fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = self.p.command(args);
        for name in NAMES {
            cmd.env_remove(format!("RETORT_{}_URL", name.to_uppercase()));
        }
        for (k, v) in env {
            cmd.env(k, v);
        }
        self.p.run_command(cmd, args)
    }

    #[track_caller]
    fn ok(&self, args: &[&str]) -> Run {
        let run = self.run(args);
        assert_eq!(run.code, 0, "expected success\n{}", run.describe());
        run
    }

    #[track_caller]
    fn fails(&self, args: &[&str]) -> Run {
        let run = self.run(args);
        assert_failed(&run);
        run
    }

    /// The version rows of each database, read with its own client.
    #[track_caller]
    fn versions(&self) -> Vec<(String, Vec<String>)> {
        NAMES
            .iter()
            .map(|n| (n.to_string(), self.db(n).versions()))
            .collect()
    }

    /// Asserts each database's version rows.
    #[track_caller]
    fn assert_versions(&self, main: &[&str], maria: &[&str], pg: &[&str]) {
        let want: Vec<(String, Vec<String>)> = [("main", main), ("maria", maria), ("pg", pg)]
            .iter()
            .map(|(n, v)| (n.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect();
        assert_eq!(self.versions(), want, "version table of each database");
    }

    /// The revision file whose name starts with `id`, parsed.
    #[track_caller]
    fn revision(&self, id: &str) -> toml::Table {
        let text = self.p.version_file(id);
        toml::from_str(&text).unwrap_or_else(|e| panic!("{id} reads as TOML: {e}\n{text}"))
    }
}

/// The `table` of each operation in `file[direction][database]`.
#[track_caller]
fn op_tables(file: &toml::Table, direction: &str, database: &str) -> Vec<String> {
    let Some(per_db) = file.get(direction).and_then(|v| v.as_table()) else {
        panic!("no [[{direction}.<name>]] lists in {file:#?}");
    };
    per_db
        .get(database)
        .and_then(|v| v.as_array())
        .map(|ops| {
            ops.iter()
                .map(|op| {
                    format!(
                        "{} {}",
                        op["op"].as_str().unwrap_or("?"),
                        op["table"].as_str().unwrap_or("?")
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Writes the models of every database with one more column each.
fn add_columns(m: &Multi) {
    m.p.write(
        "migrations/models/main.sql",
        &MAIN_MODELS.replace("NOT NULL\n", "NOT NULL,\n    email VARCHAR(200)\n"),
    );
    m.p.write(
        "migrations/models/pg.sql",
        &PG_MODELS.replace("NOT NULL\n", "NOT NULL,\n    source TEXT\n"),
    );
    m.p.write(
        "migrations/models/maria.sql",
        &MARIA_MODELS.replace("NOT NULL\n", "NOT NULL,\n    qty INTEGER\n"),
    );
}

#[test]
fn multidb_autogenerate_upgrade_check_downgrade() {
    let m = Multi::new();

    // One revision for all three databases, from their own models.
    let run = m.ok(&["migrate", "-m", "initial", "--rev-id", "a1"]);
    run.stderr_has("Detected added table 'account'")
        .stderr_has("Detected added table 'event'")
        .stderr_has("Detected added table 'item'");
    assert_eq!(m.p.version_files().len(), 1, "one revision file");
    let a1 = m.revision("a1");
    assert_eq!(op_tables(&a1, "upgrade", "main"), ["create_table account"]);
    assert_eq!(op_tables(&a1, "upgrade", "pg"), ["create_table event"]);
    assert_eq!(op_tables(&a1, "upgrade", "maria"), ["create_table item"]);
    assert_eq!(op_tables(&a1, "downgrade", "main"), ["drop_table account"]);
    assert_eq!(op_tables(&a1, "downgrade", "pg"), ["drop_table event"]);
    assert_eq!(op_tables(&a1, "downgrade", "maria"), ["drop_table item"]);
    // Nothing was run by migrate.
    assert!(m.pg.user_tables().is_empty() && m.maria.user_tables().is_empty());

    // upgrade: each database in turn, in name order, each to head.
    let run = m.ok(&["upgrade"]);
    let order: Vec<usize> = [&m.main, &m.maria, &m.pg]
        .iter()
        .map(|db| {
            let shown = if db.kind == Kind::Sqlite {
                "sqlite:///main.db".to_owned()
            } else {
                format!("/{}", db.name)
            };
            run.stderr
                .find(&shown)
                .unwrap_or_else(|| panic!("stderr names {shown}\n{}", run.describe()))
        })
        .collect();
    assert!(
        order.windows(2).all(|w| w[0] < w[1]),
        "main, maria, pg in turn\n{}",
        run.describe()
    );
    assert_eq!(
        run.stderr
            .matches("Running upgrade  -> a1, initial")
            .count(),
        3,
        "{}",
        run.describe()
    );
    m.assert_versions(&["a1"], &["a1"], &["a1"]);
    assert_eq!(m.main.user_tables(), ["account"]);
    assert_eq!(m.pg.user_tables(), ["event"]);
    assert_eq!(m.maria.user_tables(), ["item"]);
    // Each database has its own log table too.
    for name in NAMES {
        assert_eq!(m.db(name).log(), ["a1|upgrade"], "{name}");
    }

    // check: clean for all.
    let run = m.ok(&["check"]);
    assert_eq!(run.stdout, "No new upgrade operations detected.\n");
    let json: serde_json::Value =
        serde_json::from_str(&m.ok(&["check", "--format", "json"]).stdout).expect("JSON");
    assert_eq!(json, serde_json::json!([]));

    // current: one row per database.
    let run = m.ok(&["current"]);
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| l.contains("a1 (head)"))
            .count(),
        3,
        "{}",
        run.describe()
    );

    // A change in every database's models: one more revision, listed per
    // database by check first.
    add_columns(&m);
    let run = m.fails(&["check"]);
    run.stdout_has("[main] Detected added column 'account.email'")
        .stdout_has("[pg] Detected added column 'event.source'")
        .stdout_has("[maria] Detected added column 'item.qty'");
    let json: serde_json::Value =
        serde_json::from_str(&m.run(&["check", "--format", "json"]).stdout).expect("JSON");
    let databases: Vec<&str> = json
        .as_array()
        .expect("an array")
        .iter()
        .map(|c| c["database"].as_str().expect("a database name"))
        .collect();
    assert_eq!(databases, ["main", "maria", "pg"], "{json}");
    m.ok(&["migrate", "-m", "columns", "--rev-id", "b2"]);
    let b2 = m.revision("b2");
    assert_eq!(b2["down_revision"].as_str(), Some("a1"));
    for (name, table) in [("main", "account"), ("pg", "event"), ("maria", "item")] {
        let ops = op_tables(&b2, "upgrade", name);
        assert_eq!(ops.len(), 1, "{name}: {ops:?}");
        assert!(ops[0].ends_with(table), "{name}: {ops:?}");
    }
    m.ok(&["upgrade", "head"]);
    m.assert_versions(&["b2"], &["b2"], &["b2"]);
    assert_eq!(m.main.columns("account"), ["id", "name", "email"]);
    assert_eq!(m.pg.columns("event"), ["id", "kind", "source"]);
    assert_eq!(m.maria.columns("item"), ["id", "label", "qty"]);
    m.ok(&["check"]);

    // downgrade -1 restores each database.
    let run = m.ok(&["downgrade", "-1"]);
    assert_eq!(
        run.stderr
            .matches("Running downgrade b2 -> a1, columns")
            .count(),
        3,
        "{}",
        run.describe()
    );
    m.assert_versions(&["a1"], &["a1"], &["a1"]);
    assert_eq!(m.main.columns("account"), ["id", "name"]);
    assert_eq!(m.pg.columns("event"), ["id", "kind"]);
    assert_eq!(m.maria.columns("item"), ["id", "label"]);

    // To base: only retort's own tables are left.
    m.ok(&["downgrade", "base"]);
    m.assert_versions(&[], &[], &[]);
    for name in NAMES {
        assert!(m.db(name).user_tables().is_empty(), "{name}");
    }
}

#[test]
fn multidb_one_database_with_database_option() {
    let m = Multi::new();
    m.ok(&["migrate", "-m", "initial", "--rev-id", "a1"]);
    m.ok(&["upgrade"]);

    // migrate --database pg: compares pg only; the revision has pg's lists only.
    add_columns(&m);
    let run = m.ok(&[
        "--database",
        "pg",
        "migrate",
        "-m",
        "pg source",
        "--rev-id",
        "c3",
    ]);
    run.stderr_has("Detected added column 'event.source'");
    assert!(
        !run.stderr.contains("account.email") && !run.stderr.contains("item.qty"),
        "only pg is compared\n{}",
        run.describe()
    );
    let c3 = m.revision("c3");
    assert_eq!(op_tables(&c3, "upgrade", "pg").len(), 1);
    assert!(op_tables(&c3, "upgrade", "main").is_empty());
    assert!(op_tables(&c3, "upgrade", "maria").is_empty());

    // upgrade --database pg: only pg moves.
    let run = m.ok(&["--database", "pg", "upgrade"]);
    assert!(
        !run.stderr.contains("main.db") && !run.stderr.contains(&m.maria.name),
        "only pg is touched\n{}",
        run.describe()
    );
    m.assert_versions(&["a1"], &["a1"], &["c3"]);
    assert_eq!(m.pg.columns("event"), ["id", "kind", "source"]);

    // current --database pg: pg only.
    let run = m.ok(&["--database", "pg", "current"]);
    assert_eq!(run.stdout, "c3 (head)\n", "{}", run.describe());
    assert!(!run.stderr.contains("main.db"), "{}", run.describe());
    // check --database pg: clean (pg matches its models).
    m.ok(&["--database", "pg", "check"]);
    // check of all: main and maria are not at head.
    let run = m.fails(&["check"]);
    run.stderr_has("not up to date");

    // downgrade --database pg: only pg goes back.
    m.ok(&["--database", "pg", "downgrade", "-1"]);
    m.assert_versions(&["a1"], &["a1"], &["a1"]);
    assert_eq!(m.pg.columns("event"), ["id", "kind"]);

    // upgrade all: c3 runs on main and maria too, with nothing to do there.
    m.ok(&["upgrade"]);
    m.assert_versions(&["c3"], &["c3"], &["c3"]);
    assert_eq!(m.main.columns("account"), ["id", "name"]);
    assert_eq!(m.maria.columns("item"), ["id", "label"]);

    // A name the configuration does not declare.
    let run = m.fails(&["--database", "nope", "upgrade"]);
    run.stderr_has("nope").stderr_has("main, maria, pg");
    m.assert_versions(&["c3"], &["c3"], &["c3"]);
}

/// Writes a revision `b2` on top of `a1` that adds a column in every
/// database, with a statement that fails in `bad_db`'s list only.
fn write_failing_revision(m: &Multi, bad_db: &str) {
    let bad = |name: &str| {
        if name == bad_db {
            format!("\n[[upgrade.{name}]]\nop = \"execute\"\nsql = \"THIS IS NOT SQL\"\n")
        } else {
            String::new()
        }
    };
    m.p.write(
        "migrations/versions/b2_columns.toml",
        &format!(
            r#"revision = "b2"
down_revision = "a1"
message = "columns"

[[upgrade.main]]
op = "add_column"
table = "account"
column = {{ name = "email", type = "varchar(200)" }}
{}
[[upgrade.maria]]
op = "add_column"
table = "item"
column = {{ name = "qty", type = "integer" }}
{}
[[upgrade.pg]]
op = "add_column"
table = "event"
column = {{ name = "source", type = "text" }}
{}
[[downgrade.main]]
op = "drop_column"
table = "account"
column = "email"

[[downgrade.maria]]
op = "drop_column"
table = "item"
column = "qty"

[[downgrade.pg]]
op = "drop_column"
table = "event"
column = "source"
"#,
            bad("main"),
            bad("maria"),
            bad("pg")
        ),
    );
}

#[test]
fn multidb_failure_on_one_database_names_it_and_stops() {
    // MariaDB, in the middle: main (before it) is upgraded, maria is undone
    // to a1, pg (after it) is not touched.
    let m = Multi::new();
    m.ok(&["migrate", "-m", "initial", "--rev-id", "a1"]);
    m.ok(&["upgrade"]);
    write_failing_revision(&m, "maria");
    let run = m.fails(&["upgrade"]);
    let error: String = run
        .stderr
        .lines()
        .skip_while(|l| !l.starts_with("error:"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        error.contains("upgrade.maria operation 2 (execute)"),
        "the error names the database and the operation\n{}",
        run.describe()
    );
    assert!(
        error.contains("undid upgrade.maria operation 1 (add_column on item)"),
        "MariaDB's applied operation is undone\n{}",
        run.describe()
    );
    assert!(
        !run.stderr.contains(&format!("/{}", m.pg.name)),
        "pg, after the failing database, is not run\n{}",
        run.describe()
    );
    m.assert_versions(&["b2"], &["a1"], &["a1"]);
    assert_eq!(m.main.columns("account"), ["id", "name", "email"]);
    assert_eq!(m.maria.columns("item"), ["id", "label"]);
    assert_eq!(m.pg.columns("event"), ["id", "kind"]);

    // Fixed, the same command carries on where each database is.
    write_failing_revision(&m, "none");
    let run = m.ok(&["upgrade"]);
    run.stderr_has("Nothing to do: the database is at b2");
    m.assert_versions(&["b2"], &["b2"], &["b2"]);
    assert_eq!(m.maria.columns("item"), ["id", "label", "qty"]);
    assert_eq!(m.pg.columns("event"), ["id", "kind", "source"]);
}

#[test]
fn multidb_failure_on_postgres_rolls_back_only_there() {
    // PostgreSQL, last: main and maria are upgraded, pg's transaction is
    // rolled back.
    let m = Multi::new();
    m.ok(&["migrate", "-m", "initial", "--rev-id", "a1"]);
    m.ok(&["upgrade"]);
    write_failing_revision(&m, "pg");
    let run = m.fails(&["upgrade"]);
    assert!(
        run.stderr.contains("upgrade.pg operation 2 (execute)")
            && run.stderr.contains("rolled back"),
        "{}",
        run.describe()
    );
    m.assert_versions(&["b2"], &["b2"], &["a1"]);
    assert_eq!(m.pg.columns("event"), ["id", "kind"]);
    // downgrade of all: each database goes back one step from where it is.
    m.ok(&["downgrade", "-1"]);
    m.assert_versions(&["a1"], &["a1"], &[]);
    assert!(m.pg.user_tables().is_empty());
}

#[test]
fn multidb_offline_sql_per_database() {
    let m = Multi::new();
    m.ok(&["migrate", "-m", "initial", "--rev-id", "a1"]);
    add_columns(&m);
    // The new revision is written by hand here (migrate needs the
    // databases at head): the same operations as autogenerate's.
    write_failing_revision(&m, "none");

    let script = |name: &str, range: &str| -> String {
        let run = m.ok(&["--database", name, "upgrade", "--sql", range]);
        assert!(
            !run.stdout.contains("Database "),
            "the script is SQL only\n{}",
            run.describe()
        );
        run.stdout
    };
    let main = script("main", "head");
    let pg = script("pg", "head");
    let maria = script("maria", "head");
    // Each script holds its own database's operations, in its dialect.
    assert!(main.contains("CREATE TABLE \"account\"") && !main.contains("\"event\""));
    assert!(main.contains("BEGIN;"), "{main}");
    assert!(pg.contains("CREATE TABLE \"event\"") && !pg.contains("\"item\""));
    assert!(pg.contains("BEGIN;"), "{pg}");
    assert!(maria.contains("CREATE TABLE `item`") && !maria.contains("account"));
    // MariaDB cannot roll DDL back: a transaction holds only the version
    // and log rows of each revision, not its statements.
    assert!(
        !maria.contains("BEGIN;\n\n-- Running"),
        "no transaction around MariaDB's DDL\n{maria}"
    );
    assert!(
        maria.contains("BEGIN;\n\nUPDATE `retort_version`"),
        "{maria}"
    );
    for s in [&main, &pg, &maria] {
        assert!(s.contains("-- Running upgrade  -> a1"), "{s}");
        assert!(s.contains("-- Running upgrade a1 -> b2"), "{s}");
    }
    // Nothing ran: no table in any database (migrate above only read them).
    for name in NAMES {
        assert!(m.db(name).tables().is_empty(), "{name}");
    }

    // Each script runs as is in its database's client.
    for (name, s) in [("main", &main), ("pg", &pg), ("maria", &maria)] {
        let out = m.db(name).pipe(s);
        crate::migrate_db::assert_piped(&out, name);
    }
    m.assert_versions(&["b2"], &["b2"], &["b2"]);
    assert_eq!(m.pg.columns("event"), ["id", "kind", "source"]);
    // The databases the scripts built match their models.
    m.ok(&["check"]);

    // A range: from a1 only the second revision, without the tables.
    let pg_range = script("pg", "a1:b2");
    assert!(!pg_range.contains("CREATE TABLE \"retort_version\""));
    assert!(pg_range.contains("ALTER TABLE \"event\" ADD COLUMN \"source\" TEXT"));
    assert!(pg_range.contains("UPDATE \"retort_version\" SET version_num = 'b2'"));
    // downgrade --sql per database.
    let run = m.ok(&["--database", "maria", "downgrade", "--sql", "b2:a1"]);
    run.stdout_has("ALTER TABLE `item` DROP COLUMN `qty`");
    assert!(!run.stdout.contains("\"event\""));
}

#[test]
fn multidb_urls_from_the_environment_and_dotenv() {
    let m = Multi::new();
    m.ok(&["migrate", "-m", "initial", "--rev-id", "a1"]);

    // No RETORT_PG_URL and no url in [databases.pg]: a clean error naming both.
    let run = m.run_env(&["current"], &[]);
    assert_clean_failure(&run);
    run.stderr_has("RETORT_PG_URL").stderr_has("[databases.pg]");

    // RETORT_PG_URL from ./.env.
    m.p.write(".env", &format!("RETORT_PG_URL={}\n", m.pg.url));
    let run = m.run_env(&["upgrade"], &[]);
    assert_eq!(run.code, 0, "{}", run.describe());
    m.assert_versions(&["a1"], &["a1"], &["a1"]);

    // RETORT_MAIN_URL over [databases.main].url.
    let elsewhere = m.p.path("elsewhere.db");
    let url = format!("sqlite:///{}", elsewhere.display());
    let run = m.run_env(
        &["--database", "main", "upgrade"],
        &[("RETORT_MAIN_URL", &url)],
    );
    assert_eq!(run.code, 0, "{}", run.describe());
    let other = Db::fresh_named(Kind::Sqlite, &m.p, "elsewhere.db");
    assert_eq!(other.versions(), ["a1"]);
    assert_eq!(other.user_tables(), ["account"]);
    // A bad one is an error naming the variable, not a fall-back to the file.
    let run = m.run_env(&["current"], &[("RETORT_MAIN_URL", "nosuch://x")]);
    assert_clean_failure(&run);
    run.stderr_has("RETORT_MAIN_URL");
}

// --- Known bugs in the command line (src/cli), each a failing test. ---

#[test]
fn multidb_current_says_which_database_each_row_belongs_to() {
    // Bug: `current` writes each database's URL on stderr and the rows on
    // (buffered) stdout, so the rows of several databases come out as bare
    // `a1` / `c3 (head)` lines with nothing saying whose they are (and
    // `-q current` or `current > file` lose the names entirely).
    let m = Multi::new();
    m.ok(&["migrate", "-m", "initial", "--rev-id", "a1"]);
    m.ok(&["revision", "-m", "second", "--rev-id", "b2"]);
    m.ok(&["upgrade"]);
    m.ok(&["--database", "pg", "downgrade", "-1"]);
    m.assert_versions(&["b2"], &["b2"], &["a1"]);
    let run = m.ok(&["current"]);
    for (name, rev) in [("main", "b2"), ("maria", "b2"), ("pg", "a1")] {
        assert!(
            run.stdout
                .lines()
                .any(|l| l.contains(name) && l.contains(rev)),
            "stdout of `current` should say that {name} is at {rev} on one line\n{}",
            run.describe()
        );
    }
}

#[test]
fn multidb_url_option_needs_database() {
    // Bug: `--url` without `--database` replaces the URL of every database,
    // so `retort --url X upgrade` runs main's operations on X, records the
    // revision there, then finds X "already at" the revision for maria and
    // pg and skips their operations, with exit code 0.
    let m = Multi::new();
    m.ok(&["migrate", "-m", "initial", "--rev-id", "a1"]);
    let other = m.p.path("other.db");
    let url = format!("sqlite:///{}", other.display());
    let run = m.run(&["--url", &url, "upgrade"]);
    assert_clean_failure(&run);
    run.stderr_has("--database");
    assert!(!other.exists(), "nothing is written to the --url database");
    // With --database it names that one database's URL.
    let run = m.run(&["--url", &url, "--database", "main", "upgrade"]);
    assert_eq!(run.code, 0, "{}", run.describe());
    let db = Db::fresh_named(Kind::Sqlite, &m.p, "other.db");
    assert_eq!(db.versions(), ["a1"]);
    assert_eq!(db.user_tables(), ["account"]);
}

#[test]
fn multidb_offline_sql_of_all_databases_is_labelled() {
    // Bug: `upgrade --sql` without `--database` prints the scripts of all
    // databases one after the other, in three dialects, with nothing
    // marking where one ends and the next begins. Either refuse (naming
    // --database) or head each database's part with a comment naming it.
    let m = Multi::new();
    m.ok(&["migrate", "-m", "initial", "--rev-id", "a1"]);
    let run = m.run(&["upgrade", "--sql"]);
    if run.code == 0 {
        let mut last = 0;
        for name in NAMES {
            let at = run
                .stdout
                .lines()
                .position(|l| {
                    l.starts_with("--")
                        && l.split(|c: char| !c.is_ascii_alphanumeric())
                            .any(|w| w == name)
                })
                .unwrap_or_else(|| {
                    panic!(
                        "no `-- ...{name}...` line heading database {name}'s part\n{}",
                        run.describe()
                    )
                });
            assert!(at >= last, "{}", run.describe());
            last = at;
        }
    } else {
        assert_clean_failure(&run);
        run.stderr_has("--database");
        assert_eq!(run.stdout, "", "{}", run.describe());
    }
}

#[test]
fn multidb_not_at_head_names_the_database() {
    // Bug: `check` / `migrate` on a project whose databases are at
    // different revisions fail with "target database is not up to date: it
    // is at a1, ..." without saying which database.
    let m = Multi::new();
    m.ok(&["migrate", "-m", "initial", "--rev-id", "a1"]);
    m.ok(&["--database", "main", "upgrade"]);
    m.ok(&["--database", "pg", "upgrade"]);
    for cmd in ["check", "migrate"] {
        let run = m.fails(&[cmd]);
        let error = run
            .stderr
            .lines()
            .find(|l| l.starts_with("error:"))
            .unwrap_or_default();
        assert!(
            error.contains("not up to date") && error.contains("maria"),
            "`{cmd}`: the error should name maria, the database behind\n{}",
            run.describe()
        );
    }
    assert_eq!(m.p.version_files().len(), 1, "no revision written");
}
