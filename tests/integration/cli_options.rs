//! The global options before and after the command (SPEC section 5, issue
//! 11): `retort -d db upgrade` and `retort upgrade -d db` are the same, as
//! Flask-Migrate's `flask db upgrade -d db`; negative relative revisions
//! are arguments (`show -1`); `init DIR`; `-x` reaching `execute`
//! operations and configure callbacks; `revision --sql`. SQLite only.

use clap::{CommandFactory, Parser};
use retort::cli::{Cli, DbCommand};

use crate::harness::{Project, rev};

/// A project with three linear revisions a1 <- a2 <- a3.
fn linear() -> Project {
    let p = Project::init();
    p.add(&rev("a1").message("one"));
    p.add(&rev("a2").down(&["a1"]).message("two"));
    p.add(&rev("a3").down(&["a2"]).message("three"));
    p
}

/// Runs `args` with `option` (its words) inserted before the command and
/// after it; both must give the same exit code and stdout.
#[track_caller]
fn both_positions(p: &Project, option: &[&str], command: &[&str]) -> crate::harness::Run {
    let before: Vec<&str> = option.iter().chain(command).copied().collect();
    let after: Vec<&str> = command.iter().chain(option).copied().collect();
    let first = p.run(&before);
    let second = p.run(&after);
    // Offline scripts stamp the log row with the time of the run.
    let stable = |text: &str| -> String {
        text.lines()
            .filter(|l| !l.starts_with("INSERT INTO \"retort_log\""))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(
        (first.code, stable(&first.stdout)),
        (second.code, stable(&second.stdout)),
        "option {option:?} before and after the command differ\n{}\n{}",
        first.describe(),
        second.describe()
    );
    second
}

#[test]
fn the_cli_definition_is_consistent() {
    Cli::command().debug_assert();
}

#[test]
fn directory_and_config_in_both_positions() {
    let p = Project::empty();
    p.ok(&["init", "db/mig"]);
    p.write(
        "db/mig/versions/a1.toml",
        &rev("a1").message("one").to_toml(),
    );
    for option in [["-d", "db/mig"], ["--directory", "db/mig"]] {
        both_positions(&p, &option, &["heads"])
            .code_is(0)
            .stdout_has("a1 (head)");
    }
    for option in [
        ["-c", "db/mig/retort.toml"],
        ["--config", "db/mig/retort.toml"],
    ] {
        both_positions(&p, &option, &["heads"])
            .code_is(0)
            .stdout_has("a1 (head)");
    }
    // `-d` after a command's own options and arguments too.
    p.ok(&["history", "-r", "base:", "-d", "db/mig"])
        .stdout_has("<base> -> a1 (head), one");
}

#[test]
fn url_in_both_positions() {
    let p = linear();
    p.ok(&["--url", "sqlite:///before.db", "upgrade", "a2"]);
    p.ok(&["upgrade", "a3", "--url", "sqlite:///after.db"]);
    assert!(p.path("before.db").exists() && p.path("after.db").exists());
    p.ok(&["current", "--url", "sqlite:///before.db"])
        .stdout_has("a2");
    p.ok(&["--url", "sqlite:///after.db", "current"])
        .stdout_has("a3 (head)");
    // `downgrade -q --url ...`: a negative revision, then global options.
    let run = p.ok(&["downgrade", "-1", "-q", "--url", "sqlite:///after.db"]);
    assert_eq!(run.stderr, "", "{}", run.describe());
    p.ok(&["current", "--url", "sqlite:///after.db"])
        .stdout_has("a2");
}

#[test]
fn quiet_and_no_color_in_both_positions() {
    let p = linear();
    for option in [["-q"], ["--quiet"]] {
        let run = both_positions(&p, &option, &["history"]);
        run.code_is(0).stdout_has("a2 -> a3 (head), three");
    }
    let run = p.ok(&["upgrade", "a1", "--quiet"]);
    assert_eq!(run.stderr, "", "{}", run.describe());
    let run = p.ok(&["--quiet", "upgrade", "a2"]);
    assert_eq!(run.stderr, "", "{}", run.describe());

    // Colors are forced on, then `--no-color` turns them off wherever it is.
    let colored = |args: &[&str]| {
        let mut cmd = p.command(args);
        cmd.env_remove("NO_COLOR").env("CLICOLOR_FORCE", "1");
        let run = p.run_command(cmd, args);
        assert_eq!(run.code, 1, "{}", run.describe());
        run.stderr.contains('\x1b')
    };
    assert!(colored(&["show", "nope"]), "CLICOLOR_FORCE colors errors");
    assert!(colored(&["bogus"]), "CLICOLOR_FORCE colors usage errors");
    for args in [
        ["--no-color", "show", "nope"],
        ["show", "nope", "--no-color"],
        ["--no-color", "bogus", "x"],
    ] {
        assert!(!colored(&args), "{args:?} must not color");
    }
}

#[test]
fn models_and_dev_url_in_both_positions() {
    let p = Project::init();
    p.write("models.sql", "CREATE TABLE t (id INTEGER PRIMARY KEY);\n");
    let run = both_positions(&p, &["--models", "models.sql"], &["check"]);
    run.code_is(1).stdout_has("Detected added table 't'");
    // A dev URL of another kind is refused by name: it was read.
    let run = both_positions(
        &p,
        &["--dev-url", "postgresql://u@127.0.0.1:1/x"],
        &["check", "--models", "models.sql"],
    );
    run.code_is(1);
    assert!(run.stderr.contains("dev_url"), "{}", run.describe());
}

#[test]
fn database_in_both_positions() {
    let p = Project::empty();
    p.ok(&["init", "--multidb"]);
    p.write(
        "migrations/retort.toml",
        "[databases.one]\nurl = \"sqlite:///one.db\"\n\n[databases.two]\nurl = \"sqlite:///two.db\"\n",
    );
    p.add(&rev("a1").message("one"));
    p.ok(&["upgrade", "--database", "one"]);
    assert!(p.path("one.db").exists());
    assert!(!p.path("two.db").exists(), "only `one` was upgraded");
    p.ok(&["--database", "two", "upgrade"]);
    assert!(p.path("two.db").exists());
    both_positions(&p, &["--database", "two"], &["current"])
        .code_is(0)
        .stdout_has("a1 (head)");
}

#[test]
fn x_args_in_both_positions_reach_execute_operations() {
    let p = Project::init();
    p.add(&rev("t1").message("tenant table"));
    p.append(
        "migrations/versions/t1.toml",
        r#"
[[upgrade]]
op = "execute"
sql = "CREATE TABLE \"${x.tenant}_things\" (id INTEGER, note TEXT DEFAULT '$${x.kept}', kind TEXT DEFAULT '${x.kind:-plain}')"

[[downgrade]]
op = "execute"
sql = "DROP TABLE \"${x.tenant}_things\""
"#,
    );
    // Without the argument: a clean error naming it, nothing applied.
    let run = p.run(&["upgrade"]);
    run.code_is(1)
        .stderr_has("error: revision t1: upgrade operation 1 (execute)")
        .stderr_has("${x.tenant}")
        .stderr_has("-x tenant=");
    p.ok(&["current"]).stdout_has("");
    assert!(!p.ok(&["current"]).stdout.contains("t1"));
    for (i, option) in [["-x", "tenant=acme"], ["--x-arg", "tenant=acme"]]
        .iter()
        .enumerate()
    {
        let url = format!("sqlite:///x{i}.db");
        let sql = both_positions(&p, option, &["upgrade", "--sql", "--url", &url]);
        sql.code_is(0).stdout_has(
            "CREATE TABLE \"acme_things\" (id INTEGER, note TEXT DEFAULT '${x.kept}', kind TEXT DEFAULT 'plain')",
        );
        let mut args = vec!["upgrade", "--url", &url];
        args.extend_from_slice(option);
        p.ok(&args);
        let conn = rusqlite_tables(&p.path(&format!("x{i}.db")));
        assert!(conn.contains(&"acme_things".to_owned()), "{conn:?}");
    }
    // `-x kind=...` overrides the default.
    let sql = p.ok(&["upgrade", "--sql", "-x", "tenant=b", "-x", "kind=gold"]);
    sql.stdout_has("kind TEXT DEFAULT 'gold'");
    // A malformed -x is refused by the parser.
    p.fails(&["upgrade", "-x", "novalue"])
        .stderr_has("expected KEY=VALUE");
}

/// The table names of the SQLite database at `path`.
fn rusqlite_tables(path: &std::path::Path) -> Vec<String> {
    let url = retort_db::DatabaseUrl::parse(&format!("sqlite:///{}", path.display())).unwrap();
    let mut conn = retort_db::connect(&url).expect("open");
    conn.query_strings("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .expect("list tables")
        .into_iter()
        .filter_map(|row| row.into_iter().next().flatten())
        .collect()
}

#[test]
fn x_args_reach_configure_callbacks() {
    let p = Project::init();
    p.add(&rev("a1").message("one"));
    let r = retort::Retort::open(p.path("migrations"))
        .url(format!("sqlite:///{}", p.path("t.db").display()))
        .x("tenant", "acme")
        .configure(|cfg| {
            let tenant = cfg.x_args.get("tenant").cloned().unwrap_or_default();
            cfg.version_table = format!("{tenant}_version");
            Ok::<_, std::convert::Infallible>(())
        });
    r.upgrade("head").expect("upgrade");
    let tables = rusqlite_tables(&p.path("t.db"));
    assert!(tables.contains(&"acme_version".to_owned()), "{tables:?}");
}

#[test]
fn negative_relative_revisions_are_arguments() {
    let p = linear();
    p.ok(&["show", "-1"]).stdout_has("Rev: a2");
    p.ok(&["show", "-2", "--format", "json"])
        .stdout_has("\"revision\": \"a1\"");
    p.ok(&["history", "-r", "-1:"])
        .stdout_has("a2 -> a3 (head), three");
    p.ok(&["history", "--rev-range", "-2:"])
        .stdout_has("a1 -> a2, two");
    p.ok(&["upgrade"]);
    p.ok(&["downgrade", "-2"]);
    p.ok(&["current"]).stdout_has("a1");
    // `stamp REV --sql`: --sql is the option, not a revision.
    p.ok(&["stamp", "a3", "--sql"]).stdout_has("'a3'");
    p.ok(&["stamp", "--sql", "a2"]).stdout_has("'a2'");
}

#[test]
fn init_takes_the_folder_as_an_argument() {
    let p = Project::empty();
    p.ok(&["init", "alembic"])
        .stdout_has("Please edit alembic/retort.toml before proceeding.");
    assert!(p.path("alembic/retort.toml").exists());
    assert!(p.path("alembic/versions").is_dir());
    // The argument wins over -d.
    p.ok(&["init", "-d", "ignored", "db", "-q"]);
    assert!(p.path("db/retort.toml").exists());
    assert!(!p.path("ignored").exists());
    p.ok(&["-d", "viad", "init", "--template", "generic"]);
    assert!(p.path("viad/retort.toml").exists());
}

#[test]
fn revision_and_migrate_with_sql_print_the_new_revision_sql() {
    let p = linear();
    let run = p.ok(&["revision", "-m", "four", "--rev-id", "a4", "--sql"]);
    run.stdout_has("-- Running upgrade a3 -> a4")
        .stdout_has("version_num = 'a4' WHERE version_num = 'a3'");
    assert!(
        !run.stdout.contains("Generating"),
        "the file's name goes to stderr\n{}",
        run.describe()
    );
    run.stderr_has("Generating");
    assert!(p.path("migrations/versions/a4_four.toml").exists());

    p.ok(&["upgrade"]);
    p.write("models.sql", "CREATE TABLE t (id INTEGER PRIMARY KEY);\n");
    let run = p.ok(&[
        "migrate",
        "-m",
        "t",
        "--rev-id",
        "a5",
        "--sql",
        "--models",
        "models.sql",
    ]);
    run.stdout_has("-- Running upgrade a4 -> a5")
        .stdout_has("CREATE TABLE \"t\"");
    // SQL that cannot be rendered offline (a SQLite rebuild needs the
    // table's current definition): the file is not kept, exit 1.
    p.ok(&["upgrade"]);
    p.write(
        "models.sql",
        "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);\n",
    );
    let before = p.version_files();
    let run = p.run(&[
        "migrate",
        "-m",
        "n",
        "--rev-id",
        "a6",
        "--sql",
        "--models",
        "models.sql",
    ]);
    run.code_is(1)
        .stderr_has("Detected")
        .stderr_has("\nerror: migrations/versions/a6_n.toml was not written")
        .stderr_has("without --sql");
    assert!(!run.stderr.contains("Generating"), "{}", run.describe());
    assert_eq!(p.version_files(), before);
    // A new base: the script creates the version table.
    let run = p.ok(&[
        "revision", "-m", "b", "--head", "base", "--rev-id", "b1", "--sql",
    ]);
    run.stdout_has("CREATE TABLE")
        .stdout_has("-- Running upgrade  -> b1");
}

#[test]
fn mounted_commands_take_options_after_the_command() {
    #[derive(Parser)]
    struct App {
        #[command(subcommand)]
        command: AppCommand,
    }
    #[derive(clap::Subcommand)]
    enum AppCommand {
        Db(DbCommand),
    }
    let app = App::try_parse_from([
        "app",
        "db",
        "upgrade",
        "-d",
        "db/mig",
        "--x-arg",
        "k=v",
        "-q",
        "--url",
        "sqlite://",
    ])
    .expect("flask-migrate style options after the command");
    let AppCommand::Db(db) = app.command;
    assert_eq!(
        db.global.directory.as_deref(),
        Some(std::path::Path::new("db/mig"))
    );
    assert_eq!(db.global.x, [("k".to_owned(), "v".to_owned())]);
    assert!(db.global.quiet);
    assert_eq!(db.global.url.as_deref(), Some("sqlite://"));
}

#[test]
fn an_option_given_before_and_after_the_command() {
    // What comes after the command wins.
    let cli = Cli::try_parse_from(["retort", "-d", "a", "heads", "-d", "b"]).unwrap();
    assert_eq!(
        cli.global.directory.as_deref(),
        Some(std::path::Path::new("b"))
    );
    // Repeatable ones (-x, --models) too: the list after the command.
    let cli =
        Cli::try_parse_from(["retort", "-x", "a=1", "heads", "-x", "b=2", "-x", "c=3"]).unwrap();
    let keys: Vec<&str> = cli.global.x.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["b", "c"]);
    // Given once, anywhere, it counts.
    let cli = Cli::try_parse_from(["retort", "-x", "a=1", "-x", "b=2", "heads"]).unwrap();
    assert_eq!(cli.global.x.len(), 2);
}
