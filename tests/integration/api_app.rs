//! The library API as an application uses it: a target schema built in
//! Rust driving autogenerate, and the command set mounted in the
//! application's own clap command line (`myapp db ...`).

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use clap::{Parser, Subcommand};
use retort::Retort;
use retort::cli::DbCommand;
use retort::core::schema::Schema;

use crate::api::{Recorder, account_schema, request};
use crate::harness::Project;
use crate::migrate_db::{Db, Kind, per_db};

per_db!(target_schema_from_rust_drives_migrate_and_check);

fn target_schema_from_rust_drives_migrate_and_check(kind: Kind) {
    let p = Project::empty();
    let db = Db::fresh(kind, &p);
    let asked = Arc::new(Mutex::new(Vec::new()));
    let seen = asked.clone();
    let r = Retort::open(p.path("migrations"))
        .url(&db.url)
        .target_schema(move |database: Option<&str>, dialect: &str| {
            seen.lock()
                .unwrap()
                .push((database.map(str::to_owned), dialect.to_owned()));
            Ok::<_, Infallible>(account_schema(true))
        });
    r.init("generic").expect("init");

    let new = r.migrate(&request("t1", "from rust")).expect("migrate");
    assert_eq!(new.changes[0].change, "Detected added table 'account'");
    let dialect = match kind {
        Kind::Sqlite => "sqlite",
        Kind::Postgres => "postgresql",
        Kind::Mysql => "mysql",
    };
    assert_eq!(*asked.lock().unwrap(), [(None, dialect.to_owned())]);
    r.upgrade("head").expect("upgrade");
    assert_eq!(db.columns("account"), ["id", "name", "email"]);
    assert_eq!(
        r.check().expect("check"),
        [],
        "the database equals the target"
    );

    // `models` files take precedence over the callback.
    p.write(
        "other.sql",
        "CREATE TABLE other (id INTEGER PRIMARY KEY);\n",
    );
    let pending = r
        .clone()
        .models([p.path("other.sql").display().to_string()])
        .check()
        .expect("check with models");
    let changes: Vec<&str> = pending.iter().map(|c| c.change.as_str()).collect();
    assert!(
        changes.contains(&"Detected added table 'other'"),
        "{changes:?}"
    );
    assert!(
        changes.contains(&"Detected removed table 'account'"),
        "{changes:?}"
    );

    // An error from the callback surfaces, naming it.
    let failing = r
        .clone()
        .target_schema(|_: Option<&str>, _: &str| Err::<Schema, _>("models not compiled in"));
    let err = failing.check().unwrap_err();
    assert_eq!(
        err.to_string(),
        "the target schema callback failed: models not compiled in"
    );
}

/// A toy application with retort mounted as `myapp db`.
#[derive(Debug, Parser)]
#[command(name = "myapp")]
struct MyApp {
    #[command(subcommand)]
    command: MyCommand,
}

#[derive(Debug, Subcommand)]
enum MyCommand {
    /// Database migrations.
    Db(Box<DbCommand>),
    /// Serve the application.
    Serve {
        #[arg(long, default_value_t = 8080)]
        port: u16,
    },
}

/// Runs `myapp ARGS` on `base`; the `db` command's output or error.
pub(crate) fn myapp(base: &Retort, args: &[&str]) -> Result<String, String> {
    let app = MyApp::try_parse_from(std::iter::once("myapp").chain(args.iter().copied()))
        .map_err(|e| e.to_string())?;
    match app.command {
        MyCommand::Db(db) => {
            let mut out = Vec::new();
            db.run(base, &mut out)
                .map_err(|e| retort::cli::report(&e))?;
            Ok(String::from_utf8(out).unwrap())
        }
        MyCommand::Serve { port } => Ok(format!("serving on {port}")),
    }
}

#[test]
fn an_application_mounts_the_command_set_as_db() {
    let p = Project::empty();
    let dir = p.path("app/migrations");
    let dir = dir.to_str().unwrap();
    let db_file = p.path("app.db");
    let url = format!("sqlite:///{}", db_file.display());
    let events = Recorder::default();
    // The application's base: its own default folder (overridden by -d
    // below), a configure callback, a target schema and a progress receiver.
    let base = Retort::open(p.path("unused"))
        .configure(|cfg| {
            cfg.version_table = "myapp_version".into();
            Ok::<_, Infallible>(())
        })
        .target_schema(|_, _| Ok::<_, Infallible>(account_schema(false)))
        .progress(events.progress());

    assert_eq!(myapp(&base, &["serve"]).unwrap(), "serving on 8080");
    let out = myapp(&base, &["db", "-d", dir, "init"]).expect("db init");
    assert!(out.contains("Please edit"), "{out}");
    let out = myapp(
        &base,
        &[
            "db",
            "-d",
            dir,
            "revision",
            "-m",
            "empty start",
            "--rev-id",
            "e1",
        ],
    )
    .expect("db revision");
    assert!(out.contains("e1_empty_start.toml ... done"), "{out}");
    myapp(&base, &["db", "-d", dir, "--url", &url, "upgrade"]).expect("db upgrade");
    assert!(
        events
            .take()
            .contains(&"step upgrade  -> e1, empty start".to_owned()),
        "the base's progress receiver hears the steps"
    );
    let out = myapp(&base, &["db", "-d", dir, "--url", &url, "current"]).expect("db current");
    assert_eq!(out, "e1 (head)\n");

    // check: the target schema has a table the database lacks; an error
    // value, as `retort check` exits 1.
    let err = myapp(&base, &["db", "-d", dir, "--url", &url, "check"]).unwrap_err();
    assert!(
        err.starts_with("error: new upgrade operations detected (1 change(s))"),
        "{err}"
    );
    myapp(
        &base,
        &[
            "db", "-d", dir, "--url", &url, "migrate", "-m", "account", "--rev-id", "a2",
        ],
    )
    .expect("db migrate");
    myapp(&base, &["db", "-d", dir, "--url", &url, "upgrade"]).expect("db upgrade");
    let out = myapp(&base, &["db", "-d", dir, "--url", &url, "check"]).expect("db check");
    assert_eq!(out, "No new upgrade operations detected.\n");
    let out = myapp(&base, &["db", "-d", dir, "--url", &url, "heads"]).expect("db heads");
    assert_eq!(out, "a2 (head)\n");

    // The base's configure callback applied to every command.
    let db = Db::fresh_named(Kind::Sqlite, &p, "app.db");
    assert_eq!(db.rows("SELECT version_num FROM myapp_version"), ["a2"]);
    assert!(!db.tables().contains(&"retort_version".to_owned()));

    // Without -d the base's own folder is used; -q silences the progress
    // receiver.
    let app_base = Retort::open(dir)
        .configure(|cfg| {
            cfg.version_table = "myapp_version".into();
            Ok::<_, Infallible>(())
        })
        .progress(events.progress());
    let out = myapp(&app_base, &["db", "--url", &url, "current"]).expect("db current");
    assert_eq!(out, "a2 (head)\n");
    events.take();
    myapp(&app_base, &["db", "-q", "--url", &url, "downgrade", "e1"]).expect("db downgrade");
    assert_eq!(events.take(), Vec::<String>::new());
    assert_eq!(db.rows("SELECT version_num FROM myapp_version"), ["e1"]);

    // Errors come back as values, usage errors from clap too.
    let err = myapp(
        &base,
        &["db", "-d", dir, "--url", &url, "--database", "x", "current"],
    )
    .unwrap_err();
    assert!(
        err.starts_with("error: --database x: this project has a single database"),
        "{err}"
    );
    assert!(myapp(&base, &["db", "frobnicate"]).is_err());
}
