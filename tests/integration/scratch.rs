//! The database reads the models (GitHub issue 10): model files in the form
//! the dump tools write them are run in a scratch space (SQLite in memory,
//! a rolled-back PostgreSQL schema, a dropped MariaDB database) and read
//! back like the live database.
//!
//! - a dump-style file (session settings, ownership, grants, data, client
//!   commands) is accepted, each kind of skipped statement is named once,
//!   `migrate` + `upgrade` then `check` is clean, and a database loaded
//!   natively from the same file, stamped, is clean too (adoption);
//! - a statement the database refuses is an error naming the file, line
//!   and column, exit 1, and no scratch space is left;
//! - killed with SIGKILL while the models run, retort leaves no schema on
//!   PostgreSQL, and the MariaDB database it left is dropped by the next
//!   run;
//! - without the privilege to create a database on MariaDB, the error
//!   names `dev_url`, and `--dev-url` on a server where it may works.

use std::process::Stdio;
use std::time::{Duration, Instant};

use crate::harness::Project;
use crate::migrate_db::{Db, Kind, assert_failed, assert_piped, per_db};

per_db!(
    dump_files_are_read_by_the_database,
    refused_statements_name_the_file_and_line
);

/// A dump of the database's own tool, with what a dump holds besides the
/// schema.
fn dump(kind: Kind) -> &'static str {
    match kind {
        Kind::Sqlite => {
            "PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE artist (id INTEGER PRIMARY KEY, name NVARCHAR(120));
CREATE TABLE album (
  id INTEGER PRIMARY KEY,
  title NVARCHAR(160) NOT NULL,
  artist_id INTEGER NOT NULL REFERENCES artist (id),
  CHECK (length(title) > 0)
);
INSERT INTO artist VALUES(1,'AC/DC');
CREATE INDEX ix_album_artist ON album (artist_id);
COMMIT;
"
        }
        Kind::Postgres => {
            "--
-- PostgreSQL database dump
--
SET statement_timeout = 0;
SET client_encoding = 'UTF8';
SELECT pg_catalog.set_config('search_path', '', false);
CREATE TYPE public.mood AS ENUM ('ok', 'sad');
CREATE SEQUENCE public.artist_id_seq START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1;
ALTER TABLE public.artist_id_seq OWNER TO postgres;
CREATE TABLE public.artist (
    id integer DEFAULT nextval('public.artist_id_seq'::regclass) NOT NULL,
    name character varying(120),
    mood public.mood DEFAULT 'ok'::public.mood NOT NULL,
    status text,
    CONSTRAINT artist_status_check CHECK (status IN ('a', 'b'))
);
ALTER TABLE public.artist OWNER TO postgres;
ALTER SEQUENCE public.artist_id_seq OWNED BY public.artist.id;
CREATE TABLE public.album (
    id integer NOT NULL,
    title character varying(160) NOT NULL,
    artist_id integer NOT NULL
);
ALTER TABLE ONLY public.artist
    ADD CONSTRAINT artist_pkey PRIMARY KEY (id);
ALTER TABLE ONLY public.album
    ADD CONSTRAINT album_pkey PRIMARY KEY (id);
CREATE INDEX ix_album_artist ON public.album USING btree (artist_id);
ALTER TABLE ONLY public.album
    ADD CONSTRAINT album_artist_id_fkey FOREIGN KEY (artist_id) REFERENCES public.artist(id);
COMMENT ON TABLE public.album IS 'Records';
COPY public.artist (id, name) FROM stdin;
1\tAC/DC
\\.
SELECT pg_catalog.setval('public.artist_id_seq', 1, true);
GRANT ALL ON TABLE public.album TO PUBLIC;
"
        }
        Kind::Mysql => {
            "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */;
/*!40101 SET NAMES utf8mb4 */;
DROP TABLE IF EXISTS `artist`;
CREATE TABLE `artist` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `name` varchar(120) DEFAULT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
LOCK TABLES `artist` WRITE;
INSERT INTO `artist` VALUES (1,'AC/DC');
UNLOCK TABLES;
DROP TABLE IF EXISTS `album`;
CREATE TABLE `album` (
  `id` int(11) NOT NULL,
  `title` varchar(160) NOT NULL,
  `artist_id` int(11) NOT NULL,
  PRIMARY KEY (`id`),
  KEY `ix_album_artist` (`artist_id`),
  CONSTRAINT `fk_album_artist` FOREIGN KEY (`artist_id`) REFERENCES `artist` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci;
DELIMITER ;;
DELIMITER ;
/*!40101 SET CHARACTER_SET_CLIENT=@OLD_CHARACTER_SET_CLIENT */;
"
        }
    }
}

fn dump_files_are_read_by_the_database(kind: Kind) {
    let p = Project::init();
    p.write("schema.sql", dump(kind));
    let db = Db::fresh(kind, &p);
    let run = db.ok(&p, &["--models", "schema.sql", "migrate", "-m", "adopt"]);
    let skipped: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains("skipped"))
        .collect();
    let expected: &[&str] = match kind {
        Kind::Sqlite => &["data statements", "session settings", "transaction"],
        Kind::Postgres => &["data statements", "grants", "ownership", "session settings"],
        Kind::Mysql => &[
            "data statements",
            "session settings",
            "DROP statements",
            "LOCK/UNLOCK",
            "client commands",
        ],
    };
    assert_eq!(skipped.len(), expected.len(), "{}", run.describe());
    for (line, what) in skipped.iter().zip(expected) {
        assert!(line.contains(what), "{line:?} should name {what}");
        assert!(line.contains("schema.sql"), "{line:?} should name the file");
    }
    db.ok(&p, &["upgrade"]);
    db.ok(&p, &["--models", "schema.sql", "check"]);
    assert_eq!(db.user_tables(), ["album", "artist"]);

    // Adoption: the same file loaded by the database's own client.
    let adopted = Db::fresh_named(kind, &p, "adopted.db");
    if kind == Kind::Postgres {
        // The dump gives ownership to `postgres`, which the test server
        // may not have (retort itself skips `OWNER TO`).
        adopted.sql(
            "DO $$ BEGIN CREATE ROLE postgres NOLOGIN; \
             EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$",
        );
    }
    assert_piped(&adopted.pipe(dump(kind)), "load the dump natively");
    adopted.ok(&p, &["stamp", "head"]);
    let run = adopted.ok(&p, &["--models", "schema.sql", "check"]);
    assert!(
        run.stdout.contains("No new upgrade operations detected"),
        "{}",
        run.describe()
    );
    assert_no_scratch(&db);
}

fn refused_statements_name_the_file_and_line(kind: Kind) {
    let p = Project::init();
    let bad = match kind {
        Kind::Sqlite => "CREATE TABLE t (a integer,, b text);",
        Kind::Postgres => "CREATE TABLE t (a no_such_type);",
        Kind::Mysql => "CREATE TABLE t (a no_such_type);",
    };
    p.write(
        "models.sql",
        &format!("CREATE TABLE ok (id integer PRIMARY KEY);\n-- the next one is wrong\n  {bad}\n"),
    );
    let db = Db::fresh(kind, &p);
    let run = db.fails(&p, &["--models", "models.sql", "check"]);
    assert!(
        run.stderr.contains("models.sql:3:3:"),
        "the error names the file, line and column\n{}",
        run.describe()
    );
    assert!(
        run.stderr.contains("refused this models statement"),
        "{}",
        run.describe()
    );
    assert!(run.stderr.contains("CREATE TABLE t"), "{}", run.describe());
    assert_no_scratch(&db);
    assert!(db.user_tables().is_empty(), "{:?}", db.user_tables());
}

/// No scratch schema (PostgreSQL) or database (MariaDB) of retort's is
/// left on the server `db` is on by this test's runs.
fn assert_no_scratch(db: &Db) {
    match db.kind {
        Kind::Sqlite => {}
        Kind::Postgres => {
            let left = db
                .rows("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'retort\\_scratch\\_%'");
            assert!(left.is_empty(), "scratch schemas left: {left:?}");
        }
        Kind::Mysql => {
            // Other tests' runs may be reading their models right now:
            // only a database whose connection is gone is a leftover.
            let left = db.rows(
                "SELECT schema_name FROM information_schema.schemata s \
                 WHERE schema_name LIKE 'retort\\_scratch\\_%' AND NOT EXISTS \
                 (SELECT 1 FROM information_schema.processlist p \
                  WHERE s.schema_name LIKE CONCAT('retort\\_scratch\\_', p.id, '\\_%'))",
            );
            assert!(left.is_empty(), "scratch databases left: {left:?}");
        }
    }
}

#[test]
fn killed_while_reading_the_models_postgres_leaves_nothing() {
    killed_while_reading_the_models(Kind::Postgres);
}

#[test]
fn killed_while_reading_the_models_mysql_leaves_nothing() {
    killed_while_reading_the_models(Kind::Mysql);
}

/// Runs `check` with models that take a few seconds on the server, kills
/// retort once its scratch space exists, and checks that nothing stays:
/// PostgreSQL aborts the transaction (nothing was ever visible); MariaDB
/// keeps the database until the next run drops it.
fn killed_while_reading_the_models(kind: Kind) {
    let p = Project::init();
    let slow = match kind {
        Kind::Postgres => "CREATE TABLE slow AS SELECT 1 AS s FROM pg_sleep(4);",
        _ => "CREATE TABLE slow AS SELECT SLEEP(4) AS s;",
    };
    p.write(
        "slow.sql",
        &format!("CREATE TABLE a (id integer PRIMARY KEY);\n{slow}\n"),
    );
    p.write("models.sql", "CREATE TABLE a (id integer PRIMARY KEY);\n");
    let db = Db::fresh(kind, &p);
    db.ok(&p, &["stamp", "base"]);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("retort"))
        .current_dir(p.root())
        .env_remove("DATABASE_URL")
        .args(["--url", db.url.as_str(), "--models", "slow.sql", "check"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start retort");
    // Wait until the slow statement runs on the server.
    let running = match kind {
        Kind::Postgres => {
            "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%CREATE TABLE slow%' AND pid <> pg_backend_pid()"
        }
        _ => {
            "SELECT count(*) FROM information_schema.processlist WHERE info LIKE 'CREATE TABLE slow%'"
        }
    };
    let started = Instant::now();
    while db.rows(running) == ["0"] {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the models never ran on the server"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let scratch = match kind {
        Kind::Mysql => db.rows(
            "SELECT schema_name FROM information_schema.schemata s WHERE schema_name LIKE 'retort\\_scratch\\_%' \
             AND EXISTS (SELECT 1 FROM information_schema.processlist p WHERE p.info LIKE 'CREATE TABLE slow%' \
             AND s.schema_name LIKE CONCAT('retort\\_scratch\\_', p.id, '\\_%'))",
        ),
        _ => vec![],
    };
    child.kill().expect("kill -9 retort");
    child.wait().expect("reap retort");
    // PostgreSQL: the scratch schema was never committed, so no other
    // session ever sees it; once the server notices the client is gone
    // the transaction is aborted.
    assert_no_scratch_named(&db, &[]);
    // Let the server finish the statement and notice the client is gone.
    let started = Instant::now();
    while db.rows(running) != ["0"] {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the statement never ended"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    if kind == Kind::Mysql {
        assert_eq!(
            scratch.len(),
            1,
            "the killed run's scratch database: {scratch:?}"
        );
        // The next run drops what the killed one left.
        let run = db.run(&p, &["--models", "models.sql", "check"]);
        assert!(
            run.stdout.contains("Detected added table 'a'"),
            "{}",
            run.describe()
        );
        assert_no_scratch_named(&db, &scratch);
    }
    assert_no_scratch(&db);
    assert!(!db.user_tables().contains(&"slow".to_owned()));
}

fn assert_no_scratch_named(db: &Db, names: &[String]) {
    if db.kind == Kind::Postgres {
        assert_no_scratch(db);
    }
    for name in names {
        let left = db.rows(&format!(
            "SELECT schema_name FROM information_schema.schemata WHERE schema_name = '{name}'"
        ));
        assert!(left.is_empty(), "{name} is left");
    }
}

#[test]
fn mysql_without_the_privilege_names_dev_url() {
    let p = Project::init();
    p.write("models.sql", "CREATE TABLE a (id integer PRIMARY KEY);\n");
    let db = Db::fresh(Kind::Mysql, &p);
    db.ok(&p, &["stamp", "base"]);
    let user = format!("rt_nodb_{}", std::process::id());
    db.sql(&format!(
        "CREATE USER '{user}'@'%' IDENTIFIED BY 'pw'; GRANT ALL ON `{}`.* TO '{user}'@'%';",
        db.name
    ));
    let (prefix, rest) = db.url.split_once("://").unwrap();
    let (_, host) = rest.split_once('@').unwrap();
    let limited = format!("{prefix}://{user}:pw@{host}");
    let run = p.run(&["--url", &limited, "--models", "models.sql", "check"]);
    assert_failed(&run);
    assert!(run.stderr.contains("dev_url"), "{}", run.describe());
    assert!(
        !run.stderr.contains(":pw@"),
        "the password shows\n{}",
        run.describe()
    );
    // A dev database where the user may create databases: the models are
    // read there.
    let run = p.run(&[
        "--url",
        &limited,
        "--dev-url",
        &db.url,
        "--models",
        "models.sql",
        "check",
    ]);
    assert_eq!(run.code, 1, "{}", run.describe());
    assert!(
        run.stdout.contains("Detected added table 'a'"),
        "{}",
        run.describe()
    );
    db.sql(&format!("DROP USER '{user}'@'%'"));
    assert_no_scratch(&db);
}

#[test]
fn dev_url_of_another_kind_is_refused() {
    let p = Project::init();
    p.write("models.sql", "CREATE TABLE a (id integer PRIMARY KEY);\n");
    let db = Db::fresh(Kind::Sqlite, &p);
    db.ok(&p, &["stamp", "base"]);
    let run = db.fails(
        &p,
        &[
            "--dev-url",
            "postgresql://u:secretpw@127.0.0.1:1/x",
            "--models",
            "models.sql",
            "check",
        ],
    );
    assert!(run.stderr.contains("dev_url"), "{}", run.describe());
    assert!(!run.stderr.contains("secretpw"), "{}", run.describe());
}

/// MariaDB's implicit `CHECK (json_valid(col))` of a JSON column, its
/// `NUMERIC ... DEFAULT 0` stored as `0.00`, `TIMESTAMP NULL DEFAULT NULL`
/// and `YEAR` (the false changes): read by the database on both
/// sides, `migrate` + `upgrade` round-trips, `check` is clean right after,
/// and the downgrade leaves nothing.
#[test]
fn mysql_spellings_round_trip() {
    let p = Project::init();
    p.write(
        "models.sql",
        "CREATE TABLE doc (
  id BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  body JSON,
  price NUMERIC(8,2) NOT NULL DEFAULT 0,
  seen TIMESTAMP NULL DEFAULT NULL,
  made YEAR,
  ratio REAL,
  name NVARCHAR(40),
  day DATE DEFAULT (CURRENT_DATE)
);
",
    );
    let db = Db::fresh(Kind::Mysql, &p);
    db.ok(&p, &["--models", "models.sql", "migrate", "-m", "doc"]);
    db.ok(&p, &["upgrade"]);
    let run = db.ok(&p, &["--models", "models.sql", "check"]);
    assert!(
        run.stdout.contains("No new upgrade operations detected"),
        "{}",
        run.describe()
    );
    db.ok(&p, &["--models", "models.sql", "migrate", "-m", "nothing"]);
    db.ok(&p, &["upgrade"]);
    db.ok(&p, &["downgrade", "base"]);
    assert!(db.user_tables().is_empty(), "{:?}", db.user_tables());
}

/// PostgreSQL rewrites CHECK conditions (`IN (...)` as `= ANY (ARRAY[...])`,
/// `BETWEEN` as `>= AND <=`), and rewrites its own rewriting once more:
/// `check` is clean right after `upgrade`, and on a database loaded from
/// the same file by `psql`.
#[test]
fn postgres_rewritten_checks_compare_equal() {
    let p = Project::init();
    let models = "CREATE TABLE item (
  id integer PRIMARY KEY,
  status varchar(10) CHECK (status IN ('a', 'b')),
  n integer CHECK (n BETWEEN 1 AND 5),
  code text CHECK (code ~ '^[a-z]+$')
);
";
    p.write("models.sql", models);
    let db = Db::fresh(Kind::Postgres, &p);
    db.ok(&p, &["--models", "models.sql", "migrate", "-m", "item"]);
    db.ok(&p, &["upgrade"]);
    let run = db.ok(&p, &["--models", "models.sql", "check"]);
    assert!(
        run.stdout.contains("No new upgrade operations detected"),
        "{}",
        run.describe()
    );
    let adopted = Db::fresh_named(Kind::Postgres, &p, "adopted");
    assert_piped(&adopted.pipe(models), "load the models with psql");
    adopted.ok(&p, &["stamp", "head"]);
    let run = adopted.ok(&p, &["--models", "models.sql", "check"]);
    assert!(
        run.stdout.contains("No new upgrade operations detected"),
        "{}",
        run.describe()
    );
}

/// `models_reader = "parser"` reads the models with retort's SQL parser
/// even with a connection (its refusals are the parser's); the default
/// lets the database read them; another value is a configuration error.
#[test]
fn models_reader_chooses_who_reads_the_models() {
    let p = Project::init();
    p.write(
        "models.sql",
        "CREATE TABLE a (id INTEGER PRIMARY KEY);\nCREATE TRIGGER tr AFTER INSERT ON a BEGIN SELECT 1; END;\n",
    );
    let db = Db::fresh(Kind::Sqlite, &p);
    db.ok(&p, &["stamp", "base"]);
    let run = db.run(&p, &["--models", "models.sql", "check"]);
    assert_eq!(run.code, 1, "{}", run.describe());
    assert!(
        run.stdout.contains("Detected added table 'a'"),
        "{}",
        run.describe()
    );
    assert!(run.stdout.contains("trigger"), "{}", run.describe());

    let config = p.read("migrations/retort.toml");
    p.write(
        "migrations/retort.toml",
        &format!("models_reader = \"parser\"\n{config}"),
    );
    let run = db.fails(&p, &["--models", "models.sql", "check"]);
    assert!(
        run.stderr.contains("models.sql:2:") && run.stderr.contains("not supported in models"),
        "{}",
        run.describe()
    );

    p.write(
        "migrations/retort.toml",
        &format!("models_reader = \"magic\"\n{config}"),
    );
    let run = db.fails(&p, &["--models", "models.sql", "check"]);
    assert!(
        run.stderr.contains("retort.toml:1:") && run.stderr.contains("`database` or `parser`"),
        "{}",
        run.describe()
    );
}
