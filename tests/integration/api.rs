//! The library API (SPEC section 8): every command of `retort::Retort` on a
//! real project and database, configuration callbacks, a target schema
//! built in Rust driving autogenerate, the command set mounted in an
//! application's own clap command line (`myapp db ...`), and one `Retort`
//! shared by eight threads upgrading the same database at once.

use std::convert::Infallible;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use clap::{Parser, Subcommand};
use retort::cli::DbCommand;
use retort::core::schema::{Column, Schema, Table, TableName};
use retort::core::script::EmbeddedFile;
use retort::core::types::ColumnType;
use retort::{Error, Event, MergeRequest, Retort, RevisionRequest};

use crate::harness::{Project, rev};
use crate::migrate_db::{Db, Kind, per_db, table_rev, write_rev};

per_db!(
    every_command_on_a_real_project,
    target_schema_from_rust_drives_migrate_and_check,
    eight_threads_share_one_retort_and_upgrade_once
);

/// Events as lines, for assertions: what a progress receiver saw.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<String>>>);

impl Recorder {
    fn progress(&self) -> impl Fn(&Event<'_>) + Send + Sync + 'static {
        let lines = self.0.clone();
        move |event: &Event<'_>| {
            let line = match *event {
                Event::Database { url, .. } => format!("database {url}"),
                Event::StepStarted { step, message, .. } => format!("step {step}, {message}"),
                Event::StepFinished { .. } => "done".to_owned(),
                Event::NothingToDo { at, .. } => format!("nothing to do at {at:?}"),
                Event::Stamped { after, .. } => format!("stamped {after:?}"),
                Event::ChangeDetected { change, .. } => format!("change {change}"),
                Event::Note { note, .. } => format!("note {note}"),
                Event::NoChanges => "no changes".to_owned(),
                _ => format!("{event:?}"),
            };
            lines.lock().unwrap().push(line);
        }
    }

    /// The lines so far, emptying the record.
    fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// `account (id integer primary key, name varchar(128) not null)`, plus
/// `email varchar(255)` when `with_email`.
fn account_schema(with_email: bool) -> Schema {
    let mut account = Table::new(TableName::new("account"))
        .column(Column::new("id", ColumnType::Integer).primary_key())
        .column(Column::new("name", ColumnType::Varchar(Some(128))).not_null());
    if with_email {
        account = account.column(Column::new("email", ColumnType::Varchar(Some(255))));
    }
    Schema {
        tables: vec![account],
        ..Schema::default()
    }
}

fn request(rev_id: &str, message: &str) -> RevisionRequest {
    RevisionRequest {
        rev_id: Some(rev_id.to_owned()),
        ..RevisionRequest::with_message(message)
    }
}

fn sorted(ids: &[retort::core::RevisionId]) -> Vec<String> {
    let mut v: Vec<String> = ids.iter().map(|i| i.to_string()).collect();
    v.sort();
    v
}

fn every_command_on_a_real_project(kind: Kind) {
    let p = Project::empty();
    let db = Db::fresh(kind, &p);
    let target = Arc::new(Mutex::new(account_schema(false)));
    let events = Recorder::default();
    let shared = target.clone();
    let r = Retort::open(p.path("migrations"))
        .url(&db.url)
        .progress(events.progress())
        .target_schema(move |_, _| Ok::<_, Infallible>(shared.lock().unwrap().clone()));

    // list_templates, init (twice: the second is refused, changing nothing).
    let names: Vec<&str> = Retort::list_templates().iter().map(|t| t.name).collect();
    assert_eq!(names, ["generic", "multidb"]);
    let written = r.init("generic").expect("init");
    assert!(
        written.contains(&p.path("migrations/retort.toml")),
        "{written:?}"
    );
    assert!(p.path("migrations/script.toml.j2").is_file());
    let err = r.init("generic").unwrap_err();
    assert!(
        err.to_string().contains("already exists and is not empty"),
        "{err}"
    );
    let err = r.init("nosuch").unwrap_err();
    assert!(
        err.to_string().contains("no template named \"nosuch\""),
        "{err}"
    );

    // migrate: the target schema from Rust, written as a revision.
    let new = r
        .migrate(&request("a1", "create account"))
        .expect("migrate");
    assert_eq!(
        new.path,
        p.path("migrations/versions/a1_create_account.toml")
    );
    assert_eq!(new.changes.len(), 1, "{:?}", new.changes);
    assert_eq!(new.changes[0].change, "Detected added table 'account'");
    assert_eq!(events.take(), ["change Detected added table 'account'"]);

    // upgrade: one step, reported and listed.
    let report = r.upgrade("head").expect("upgrade");
    assert_eq!(report.databases.len(), 1);
    let run = &report.databases[0];
    assert_eq!(run.database, None);
    assert!(run.before.is_empty());
    assert_eq!(sorted(&run.after), ["a1"]);
    assert_eq!(run.steps.len(), 1);
    assert_eq!(run.steps[0].step.to_string(), "upgrade  -> a1");
    assert_eq!(run.steps[0].message, "create account");
    assert_eq!(
        events.take(),
        [
            format!("database {}", run.url),
            "step upgrade  -> a1, create account".to_owned(),
            "done".to_owned()
        ]
    );
    assert_eq!(db.columns("account"), ["id", "name"]);

    // check: nothing pending, then the new column.
    assert_eq!(r.check().expect("check"), []);
    *target.lock().unwrap() = account_schema(true);
    let pending = r.check().expect("check");
    assert_eq!(pending.len(), 1, "{pending:?}");
    assert!(pending[0].change.contains("email"), "{pending:?}");
    assert_eq!(pending[0].database, None);

    // revision --autogenerate, as `revision` with the flag.
    let auto = r
        .revision(&RevisionRequest {
            autogenerate: true,
            ..request("b1", "add email")
        })
        .expect("revision --autogenerate");
    assert_eq!(auto.changes, pending);
    events.take();
    let report = r.upgrade("head").expect("upgrade");
    assert_eq!(report.steps(), 1);
    assert_eq!(db.columns("account"), ["id", "name", "email"]);
    assert_eq!(r.check().expect("check"), []);

    // Upgrading again has nothing to do, and says so.
    let again = r.upgrade("head").expect("upgrade");
    assert_eq!(again.steps(), 0);
    assert_eq!(
        events.take().last().map(String::as_str),
        Some(r#"nothing to do at ["b1"]"#)
    );

    // A plain revision on a new branch from a1, labelled.
    let side = r
        .revision(&RevisionRequest {
            head: Some("a1".into()),
            splice: true,
            branch_labels: vec!["side".into()],
            ..request("c1", "side branch")
        })
        .expect("revision --splice");
    assert!(side.changes.is_empty());
    assert!(
        std::fs::read_to_string(&side.path)
            .unwrap()
            .contains("down_revision = \"a1\"")
    );

    // heads, branches, show.
    assert_eq!(sorted(r.heads(false).expect("heads").ids()), ["b1", "c1"]);
    assert_eq!(sorted(r.heads(true).expect("heads").ids()), ["b1", "c1"]);
    let branches = r.branches().expect("branches");
    assert_eq!(sorted(branches.ids()), ["a1"]);
    let children: Vec<&str> = branches
        .graph()
        .children("a1")
        .iter()
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(children.len(), 2, "{children:?}");
    let shown = r.show("side@head").expect("show");
    assert_eq!(shown.to_vec()[0].message, "side branch");
    assert!(r.show("base").expect("show base").is_empty());
    assert!(matches!(r.show("zz9"), Err(Error::Resolve(_))));

    // merge: needs two heads; then joins them.
    let err = r.merge(&["b1"], &MergeRequest::default()).unwrap_err();
    assert!(matches!(err, Error::MergeNeedsTwo { .. }), "{err}");
    let err = r
        .merge(&["a1", "b1"], &MergeRequest::default())
        .unwrap_err();
    assert!(matches!(err, Error::MergeNotAHead { .. }), "{err}");
    let merged = r
        .merge(
            &["heads"],
            &MergeRequest {
                message: Some("join".into()),
                rev_id: Some("m1".into()),
                ..MergeRequest::default()
            },
        )
        .expect("merge");
    assert_eq!(merged.path, p.path("migrations/versions/m1_join.toml"));
    assert_eq!(sorted(r.heads(false).expect("heads").ids()), ["m1"]);

    // history, with the database's revision marked.
    let history = r.history(None, true).expect("history");
    assert_eq!(history.ids()[0].as_str(), "m1");
    assert_eq!(history.ids().last().map(|i| i.as_str()), Some("a1"));
    assert_eq!(history.len(), 4);
    assert_eq!(sorted(history.current()), ["b1"]);
    let range = r.history(Some("a1:b1"), false).expect("history a1:b1");
    assert_eq!(sorted(range.ids()), ["a1", "b1"]);
    assert!(range.current().is_empty());
    assert!(matches!(
        r.history(Some("a1"), false),
        Err(Error::HistoryRange { .. })
    ));

    // upgrade through the merge; current.
    let report = r.upgrade("heads").expect("upgrade heads");
    let steps: Vec<String> = report.databases[0]
        .steps
        .iter()
        .map(|s| s.step.to_string())
        .collect();
    assert_eq!(steps, ["upgrade a1 -> c1", "upgrade b1, c1 -> m1"]);
    let current = r.current().expect("current");
    assert_eq!(current.rows(), [(None, vec!["m1".into()])]);
    assert_eq!(sorted(&current.databases[0].revisions), ["m1"]);

    // downgrade back to a1: the merge and both branches undone.
    let report = r.downgrade("a1").expect("downgrade");
    assert_eq!(report.steps(), 3);
    assert_eq!(sorted(&report.databases[0].after), ["a1"]);
    assert_eq!(db.columns("account"), ["id", "name"]);
    assert_eq!(db.versions(), ["a1"]);

    // stamp, and stamp --purge to base.
    events.take();
    let stamped = r.stamp(&["m1"], false).expect("stamp");
    assert_eq!(sorted(&stamped.databases[0].before), ["a1"]);
    assert_eq!(sorted(&stamped.databases[0].after), ["m1"]);
    assert_eq!(events.take(), [r#"stamped ["m1"]"#]);
    assert_eq!(db.versions(), ["m1"]);
    r.stamp(&["base"], true).expect("stamp --purge base");
    assert!(db.versions().is_empty());
    assert!(
        r.current().expect("current").databases[0]
            .revisions
            .is_empty()
    );

    // Offline: upgrade, downgrade and stamp scripts, no connection used.
    let offline = r.clone().url(match kind {
        Kind::Sqlite => "sqlite:///never-created.db",
        Kind::Postgres => "postgresql://nobody@127.0.0.1:1/none",
        Kind::Mysql => "mysql://nobody@127.0.0.1:1/none",
    });
    let mut up = Vec::new();
    offline
        .upgrade_sql("base:b1", &mut up)
        .expect("upgrade --sql");
    let up = String::from_utf8(up).unwrap();
    assert!(up.contains("-- Running upgrade  -> a1"), "{up}");
    assert!(up.contains("-- Running upgrade a1 -> b1"), "{up}");
    let mut down = Vec::new();
    offline
        .downgrade_sql("b1:a1", &mut down)
        .expect("downgrade --sql");
    let down = String::from_utf8(down).unwrap();
    assert!(down.contains("-- Running downgrade b1 -> a1"), "{down}");
    assert!(matches!(
        offline.downgrade_sql("-1", &mut Vec::new()),
        Err(Error::OfflineDowngradeRange { .. })
    ));
    let mut stamp = Vec::new();
    offline
        .stamp_sql(&["a1"], false, &mut stamp)
        .expect("stamp --sql");
    let stamp = String::from_utf8(stamp).unwrap();
    assert!(stamp.contains("'a1'"), "{stamp}");
    assert!(!p.path("never-created.db").exists());

    // edit with an editor command given by the application.
    let editor = p.script("editor.sh", "echo '# reviewed' >> \"$1\"");
    let edited = r.edit("a1", Some(editor.to_str().unwrap())).expect("edit");
    assert_eq!(
        edited,
        [p.path("migrations/versions/a1_create_account.toml")]
    );
    assert!(
        std::fs::read_to_string(&edited[0])
            .unwrap()
            .ends_with("# reviewed\n")
    );
    let breaker = p.script("breaker.sh", "echo 'broken = = 1' >> \"$1\"");
    let err = r.edit("a1", Some(breaker.to_str().unwrap())).unwrap_err();
    assert!(matches!(err, Error::Edited { .. }), "{err}");
}

fn configure_callbacks_change_the_configuration_in_order() {
    let p = Project::empty();
    let db_file = p.path("configured.db");
    Retort::open(p.path("migrations"))
        .init("generic")
        .expect("init");
    write_rev(&p, &rev("a1").message("first"), &table_rev("a1"));
    let order = Arc::new(Mutex::new(Vec::new()));
    let (first, second) = (order.clone(), order.clone());
    let url = format!("sqlite:///{}", db_file.display());
    // The URL and the version table come from callbacks only; the second
    // callback sees what the first one set.
    let r = Retort::open(p.path("migrations"))
        .configure(move |cfg| {
            first.lock().unwrap().push("url");
            cfg.url = Some(url.clone());
            Ok::<_, Infallible>(())
        })
        .configure(move |cfg| {
            second.lock().unwrap().push("version_table");
            assert!(cfg.url.is_some(), "the first callback ran before");
            cfg.version_table = "app_version".into();
            Ok::<_, Infallible>(())
        });
    assert!(
        std::env::var_os("DATABASE_URL").is_none(),
        "DATABASE_URL is set in the environment: it would take precedence over the configured url"
    );

    assert_eq!(r.config().expect("config").version_table, "app_version");
    assert_eq!(*order.lock().unwrap(), ["url", "version_table"]);
    r.upgrade("head").expect("upgrade");
    let db = Db::fresh_named(Kind::Sqlite, &p, "configured.db");
    assert_eq!(
        db.tables(),
        ["app_version", "retort_log", "t_a1"],
        "the version table is the configured one"
    );
    assert_eq!(db.rows("SELECT version_num FROM app_version"), ["a1"]);
    assert_eq!(
        sorted(&r.current().expect("current").databases[0].revisions),
        ["a1"]
    );

    // A failing callback stops the command with a message naming it.
    let failing = r
        .clone()
        .configure(|_cfg| Err("the secrets vault is sealed"));
    let err = failing.downgrade("base").unwrap_err();
    let config = p.path("migrations/retort.toml");
    assert_eq!(
        err.to_string(),
        format!(
            "configure callback 3 of 3 failed on {}: the secrets vault is sealed",
            config.display()
        )
    );
    assert_eq!(
        retort::cli::report(&anyhow::Error::from(err)),
        format!(
            "error: configure callback 3 of 3 failed on {}: the secrets vault is sealed",
            config.display()
        )
    );
    assert_eq!(db.rows("SELECT version_num FROM app_version"), ["a1"]);
}

#[test]
fn configure_callbacks() {
    configure_callbacks_change_the_configuration_in_order();
}

#[test]
fn multi_database_projects_report_per_database() {
    let p = Project::empty();
    let root = p.root().to_owned();
    let r = Retort::open(p.path("migrations"))
        .configure(move |cfg| {
            for (name, db) in cfg.databases.iter_mut() {
                db.url = Some(format!(
                    "sqlite:///{}",
                    root.join(format!("{name}.db")).display()
                ));
            }
            Ok::<_, Infallible>(())
        })
        .target_schema(|database: Option<&str>, _: &str| {
            let name = database.ok_or("a multi-database project names its database")?;
            let table = Table::new(TableName::new(format!("{name}_item")))
                .column(Column::new("id", ColumnType::Integer).primary_key());
            Ok::<_, &str>(Schema {
                tables: vec![table],
                ..Schema::default()
            })
        });
    r.init("multidb").expect("init --multidb");

    let new = r.migrate(&request("d1", "items")).expect("migrate");
    let changes: Vec<(Option<&str>, &str)> = new
        .changes
        .iter()
        .map(|c| (c.database.as_deref(), c.change.as_str()))
        .collect();
    assert_eq!(
        changes,
        [
            (Some("main"), "Detected added table 'main_item'"),
            (Some("secondary"), "Detected added table 'secondary_item'")
        ]
    );

    let only = r
        .clone()
        .database("secondary")
        .upgrade("head")
        .expect("upgrade");
    assert_eq!(only.databases.len(), 1);
    assert_eq!(only.databases[0].database.as_deref(), Some("secondary"));
    let report = r.upgrade("head").expect("upgrade");
    let per_db: Vec<(Option<&str>, usize)> = report
        .databases
        .iter()
        .map(|d| (d.database.as_deref(), d.steps.len()))
        .collect();
    assert_eq!(per_db, [(Some("main"), 1), (Some("secondary"), 0)]);
    assert_eq!(
        r.current().expect("current").rows(),
        [
            (Some("main".to_owned()), vec!["d1".into()]),
            (Some("secondary".to_owned()), vec!["d1".into()])
        ]
    );
    let main = Db::fresh_named(Kind::Sqlite, &p, "main.db");
    assert_eq!(main.user_tables(), ["main_item"]);
    assert_eq!(r.check().expect("check"), []);

    let err = r.clone().database("nope").current().unwrap_err();
    assert!(matches!(err, Error::NoSuchDatabase { .. }), "{err}");
    assert!(
        err.to_string().contains("declares main, secondary"),
        "{err}"
    );
}

/// The files of a migrations folder as the embedded list
/// `retort_build::embed_migrations` writes (leaked: the list is `'static`
/// in an application's binary).
fn embed(dir: &Path) -> &'static [EmbeddedFile] {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<EmbeddedFile>) {
        for entry in std::fs::read_dir(dir).expect("read dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                walk(root, &path, out);
                continue;
            }
            let rel: Vec<String> = path
                .strip_prefix(root)
                .unwrap()
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            let contents = std::fs::read_to_string(&path).expect("read file");
            out.push(EmbeddedFile {
                path: Box::leak(rel.join("/").into_boxed_str()),
                contents: Box::leak(contents.into_boxed_str()),
            });
        }
    }
    let mut files = Vec::new();
    walk(dir, dir, &mut files);
    files.sort_by_key(|f| f.path);
    Box::leak(files.into_boxed_slice())
}

#[test]
fn an_embedded_project_migrates_as_its_folder_does() {
    let p = Project::empty();
    let on_disk = Db::fresh_named(Kind::Sqlite, &p, "disk.db");
    let from_binary = Db::fresh_named(Kind::Sqlite, &p, "binary.db");
    let target = || {
        let mut schema = account_schema(false);
        schema.tables.push(
            Table::new(TableName::new("t_b1"))
                .column(Column::new("id", ColumnType::Integer).primary_key()),
        );
        schema
    };
    let disk = Retort::open(p.path("migrations"))
        .url(&on_disk.url)
        .target_schema(move |_, _| Ok::<_, Infallible>(account_schema(false)));
    disk.init("generic").expect("init");
    disk.migrate(&request("a1", "create account"))
        .expect("migrate");
    write_rev(
        &p,
        &rev("b1").down(&["a1"]).message("t_b1"),
        &table_rev("b1"),
    );
    disk.upgrade("head").expect("upgrade from the folder");

    let files = embed(&p.path("migrations"));
    let embedded = Retort::embedded(files)
        .url(&from_binary.url)
        .configure(|cfg| {
            cfg.version_table = "app_version".into();
            Ok::<_, Infallible>(())
        })
        .target_schema(move |_, _| Ok::<_, Infallible>(target()));
    assert!(embedded.is_embedded());
    assert_eq!(
        embedded.config().expect("config").version_table,
        "app_version"
    );

    // The graph commands and the runner, as on the folder.
    assert_eq!(sorted(embedded.heads(false).expect("heads").ids()), ["b1"]);
    assert_eq!(embedded.history(None, false).expect("history").len(), 2);
    let shown = embedded.show("a1").expect("show").to_vec();
    assert_eq!(
        shown[0].path,
        PathBuf::from("<embedded>/versions/a1_create_account.toml")
    );
    let report = embedded.upgrade("head").expect("upgrade from the binary");
    assert_eq!(report.steps(), 2);
    assert_eq!(
        from_binary.rows("SELECT version_num FROM app_version"),
        ["b1"]
    );
    assert_eq!(
        embedded.current().expect("current").rows(),
        [(None, vec!["b1".into()])]
    );
    assert_eq!(embedded.check().expect("check"), []);
    let mut script = Vec::new();
    embedded
        .upgrade_sql("base:head", &mut script)
        .expect("upgrade --sql");
    assert!(
        String::from_utf8(script)
            .unwrap()
            .contains("-- Running upgrade a1 -> b1")
    );
    // Same files, same checksums recorded.
    let checksums = "SELECT revision, checksum FROM retort_log ORDER BY revision";
    assert_eq!(from_binary.rows(checksums), on_disk.rows(checksums));
    assert_eq!(from_binary.rows(checksums).len(), 2);

    // Commands that write files refuse, naming themselves.
    let before = p.tree();
    let err = embedded.revision(&request("x1", "nope")).unwrap_err();
    assert!(
        matches!(
            err,
            Error::EmbeddedProject {
                command: "revision"
            }
        ),
        "{err}"
    );
    assert!(err.to_string().contains("embedded in the binary"), "{err}");
    let refused = [
        embedded.migrate(&request("x1", "nope")).map(drop),
        embedded.init("generic").map(drop),
        embedded
            .merge(&["heads"], &MergeRequest::default())
            .map(drop),
        embedded.edit("a1", Some("true")).map(drop),
    ];
    for (result, command) in refused
        .into_iter()
        .zip(["migrate", "init", "merge", "edit"])
    {
        match result {
            Err(Error::EmbeddedProject { command: c }) => assert_eq!(c, command),
            other => panic!("{command} on an embedded project: {other:?}"),
        }
    }
    p.assert_unchanged(&before);

    // A failing callback names the embedded configuration.
    let err = embedded
        .clone()
        .configure(|_cfg| Err("no secrets"))
        .heads(false)
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "configure callback 2 of 2 failed on <embedded>/retort.toml: no secrets"
    );

    // Mounted: the embedded project by default, the folder with -d.
    let out = myapp(&embedded, &["db", "current"]).expect("db current");
    assert_eq!(out, "b1 (head)\n");
    let err = myapp(&embedded, &["db", "revision", "-m", "x"]).unwrap_err();
    assert!(err.contains("embedded in the binary"), "{err}");
    let dir = p.path("migrations");
    let out = myapp(
        &embedded,
        &[
            "db",
            "-d",
            dir.to_str().unwrap(),
            "revision",
            "-m",
            "next",
            "--rev-id",
            "c1",
        ],
    )
    .expect("db -d migrations revision");
    assert!(out.contains("c1_next.toml ... done"), "{out}");
}

#[test]
fn a_missing_project_is_a_clear_error() {
    let p = Project::empty();
    let err = Retort::open(p.path("nowhere")).heads(false).unwrap_err();
    assert!(matches!(err, Error::NoProject { .. }), "{err}");
    assert!(
        err.to_string().contains("run `retort init` to create one"),
        "{err}"
    );
}

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
fn myapp(base: &Retort, args: &[&str]) -> Result<String, String> {
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

const THREADS: usize = 8;
const REVISIONS: usize = 20;

fn id(n: usize) -> String {
    format!("7e4d00{n:06}")
}

fn eight_threads_share_one_retort_and_upgrade_once(kind: Kind) {
    let p = Project::empty();
    let db = Db::fresh(kind, &p);
    Retort::open(p.path("migrations"))
        .init("generic")
        .expect("init");
    for n in 1..=REVISIONS {
        let mut r = rev(&id(n)).message(&format!("table {n}"));
        if n > 1 {
            r = r.down(&[&id(n - 1)]);
        }
        write_rev(&p, &r, &table_rev(&id(n)));
    }
    let events = Recorder::default();
    let retort = Retort::open(p.path("migrations"))
        .url(&db.url)
        .progress(events.progress());

    let reports: Vec<Result<retort::RunReport, Error>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..THREADS)
            .map(|_| scope.spawn(|| retort.upgrade("head")))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("no thread panics"))
            .collect()
    });
    let mut steps = Vec::new();
    for (n, report) in reports.into_iter().enumerate() {
        let report = report.unwrap_or_else(|e| {
            panic!(
                "upgrade {} of {THREADS} failed: {}",
                n + 1,
                retort::cli::report(&anyhow::Error::from(e))
            )
        });
        assert_eq!(sorted(&report.databases[0].after), [id(REVISIONS)]);
        steps.extend(
            report.databases[0]
                .steps
                .iter()
                .map(|s| s.step.revision.to_string()),
        );
    }
    steps.sort();
    let expected: Vec<String> = (1..=REVISIONS).map(id).collect();
    assert_eq!(
        steps, expected,
        "between them, the threads ran each revision once"
    );

    let mut log = db.log();
    log.sort();
    let expected_log: Vec<String> = (1..=REVISIONS)
        .map(|n| format!("{}|upgrade", id(n)))
        .collect();
    assert_eq!(
        log, expected_log,
        "one upgrade row per revision in retort_log"
    );
    assert_eq!(
        db.versions(),
        [id(REVISIONS)],
        "the version table is at head"
    );
    assert_eq!(db.user_tables().len(), REVISIONS);
    let started = events
        .take()
        .iter()
        .filter(|e| e.starts_with("step "))
        .count();
    assert_eq!(
        started, REVISIONS,
        "the shared progress receiver heard each step once"
    );
}
