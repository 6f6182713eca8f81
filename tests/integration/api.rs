//! The library API (SPEC section 8): every command of `retort::Retort` on a
//! real project and database, configuration callbacks, multi-database
//! reports, and the helpers the other `api_*` modules share (embedded
//! projects: `api_embed`; a target schema from Rust and the mounted
//! command set: `api_app`; eight threads sharing one `Retort`:
//! `api_threads`).

use std::convert::Infallible;
use std::sync::{Arc, Mutex};

use retort::core::schema::{Column, Schema, Table, TableName};
use retort::core::types::ColumnType;
use retort::{Error, Event, MergeRequest, Retort, RevisionRequest};

use crate::harness::{Project, rev};
use crate::migrate_db::{Db, Kind, per_db, table_rev, write_rev};

per_db!(every_command_on_a_real_project);

/// Events as lines, for assertions: what a progress receiver saw.
#[derive(Clone, Default)]
pub(crate) struct Recorder(pub(crate) Arc<Mutex<Vec<String>>>);

impl Recorder {
    pub(crate) fn progress(&self) -> impl Fn(&Event<'_>) + Send + Sync + 'static {
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
    pub(crate) fn take(&self) -> Vec<String> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// `account (id integer primary key, name varchar(128) not null)`, plus
/// `email varchar(255)` when `with_email`.
pub(crate) fn account_schema(with_email: bool) -> Schema {
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

pub(crate) fn request(rev_id: &str, message: &str) -> RevisionRequest {
    RevisionRequest {
        rev_id: Some(rev_id.to_owned()),
        ..RevisionRequest::with_message(message)
    }
}

pub(crate) fn sorted(ids: &[retort::core::RevisionId]) -> Vec<String> {
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
