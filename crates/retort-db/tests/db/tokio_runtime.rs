//! retort-db inside a tokio runtime, as an `async fn main` or a
//! `#[tokio::test]` uses it: connect, upgrade a small project with the
//! runner, read the version table, drop the connection. The synchronous
//! `postgres` driver starts a runtime of its own, which tokio refuses
//! inside another; the driver runs on a helper thread there. MySQL and
//! SQLite have no runtime and need no help; they are checked all the same.

use std::path::Path;

use retort_core::script::{Depth, init_project, template};
use retort_core::{RevisionId, ScriptDirectory};
use retort_db::runner::{self, RunOptions, Silent, Tables};

use crate::support::TestDb;

/// A project with two revisions: a table, then a column.
fn project(dir: &Path) -> ScriptDirectory {
    let migrations = dir.join("migrations");
    init_project(&migrations, template("generic").unwrap()).unwrap();
    std::fs::write(
        migrations.join("versions/a1_create_pet.toml"),
        r#"revision = "a1"
message = "create pet"

[[upgrade]]
op = "create_table"
table = "pet"
columns = [
    { name = "id", type = "integer", primary_key = true },
    { name = "name", type = "varchar(64)", nullable = false },
]

[[downgrade]]
op = "drop_table"
table = "pet"
"#,
    )
    .unwrap();
    std::fs::write(
        migrations.join("versions/b2_add_age.toml"),
        r#"revision = "b2"
down_revision = "a1"
message = "add age"

[[upgrade]]
op = "add_column"
table = "pet"
column = { name = "age", type = "integer" }

[[downgrade]]
op = "drop_column"
table = "pet"
column = "age"
"#,
    )
    .unwrap();
    ScriptDirectory::open(&migrations, None, Depth::Full).unwrap()
}

/// Upgrades a fresh database to head and back to base, from whatever
/// thread (and runtime) the caller is on.
fn migrate(db: &TestDb) {
    let tmp = tempfile::tempdir().unwrap();
    let scripts = project(tmp.path());
    let tables = Tables::from_config(&scripts.config);
    let dialect = db.dialect().dialect();
    let mut conn = db.connect();
    let report = runner::upgrade(
        &scripts,
        conn.as_mut(),
        dialect,
        "head",
        &RunOptions::default(),
        &mut Silent,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.steps, 2);
    assert_eq!(
        tables.version.read(conn.as_mut()).unwrap(),
        [RevisionId::new("b2")]
    );
    conn.execute("INSERT INTO pet (id, name, age) VALUES (1, 'rex', 3)")
        .unwrap();
    let rows = conn.query_strings("SELECT name, age FROM pet").unwrap();
    assert_eq!(rows, [vec![Some("rex".to_owned()), Some("3".to_owned())]]);
    runner::downgrade(
        &scripts,
        conn.as_mut(),
        dialect,
        "base",
        &RunOptions::default(),
        &mut Silent,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(tables.version.read(conn.as_mut()).unwrap().is_empty());
    // Dropping the connection closes it, which drives the driver too.
    drop(conn);
}

#[tokio::test(flavor = "current_thread")]
async fn postgresql_in_a_current_thread_runtime() {
    migrate(&TestDb::postgres(module_path!()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgresql_in_a_multi_thread_runtime() {
    let db = TestDb::postgres(&format!("{}_multi", module_path!()));
    migrate(&db);
    // And from a task the runtime may move between its threads.
    tokio::spawn(async move { migrate(&db) }).await.unwrap();
}

#[tokio::test(flavor = "current_thread")]
async fn mysql_in_a_runtime() {
    migrate(&TestDb::mysql(module_path!()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_in_a_runtime() {
    migrate(&TestDb::sqlite());
}

#[test]
fn postgresql_without_a_runtime() {
    migrate(&TestDb::postgres(&format!("{}_plain", module_path!())));
}
