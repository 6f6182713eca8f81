//! The library API on a migrations folder embedded in the binary
//! (`Retort::embedded`): the same graph and checksums as the folder on
//! disk, commands that write files refused, the mounted command set.

use std::convert::Infallible;
use std::path::{Path, PathBuf};

use retort::core::schema::{Column, Table, TableName};
use retort::core::script::EmbeddedFile;
use retort::core::types::ColumnType;
use retort::{Error, MergeRequest, Retort};

use crate::api::{account_schema, request, sorted};
use crate::api_app::myapp;
use crate::harness::{Project, rev};
use crate::migrate_db::{Db, Kind, table_rev, write_rev};

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
