//! The JSON contract of `--format json` (docs/json-output.md): `heads`,
//! `branches`, `history`, `show` and `current` print an array of revision
//! objects, `check` an array of changes, `verify` an array of findings; a
//! field that does not apply is left out, never `null`; lists stay lists,
//! empty when empty. Each output is an insta snapshot of exactly what is
//! printed; everything runs on SQLite.

use serde_json::Value;

use crate::harness::{Project, Rev, rev};
use crate::migrate_db::table_rev;

/// The `create_date` of the fixture revisions that have one.
const DATE: &str = "2026-11-22 10:00:00";

/// Writes `rev` with `body` (operations) and, when given, a `create_date`.
fn add(p: &Project, rev: Rev, date: Option<&str>, body: &str) {
    let mut text = rev.to_toml();
    if let Some(date) = date {
        text.push_str(&format!("create_date = {date:?}\n"));
    }
    text.push_str(body);
    p.write(&format!("migrations/versions/{}.toml", rev.id), &text);
}

/// The fixture graph:
///
/// ```text
/// aaaa00000001  create account                 base
/// bbbb00000002  add email                      branch point
/// cccc00000003  create audit log    (audit)    no create_date
/// dddd00000004  add phone
/// eeee00000005  merge audit and phone          merge point, head
/// ffff00000006  create reports      (reports)  second base and head,
///                                              depends on dddd00000004
/// ```
fn fixture() -> Project {
    let p = Project::init();
    add(
        &p,
        rev("aaaa00000001").message("create account"),
        Some(DATE),
        &table_rev("aaaa00000001"),
    );
    add(
        &p,
        rev("bbbb00000002")
            .down(&["aaaa00000001"])
            .message("add email"),
        Some(DATE),
        &table_rev("bbbb00000002"),
    );
    add(
        &p,
        rev("cccc00000003")
            .down(&["bbbb00000002"])
            .labels(&["audit"])
            .message("create audit log"),
        None,
        &table_rev("cccc00000003"),
    );
    add(
        &p,
        rev("dddd00000004")
            .down(&["bbbb00000002"])
            .message("add phone"),
        Some(DATE),
        &table_rev("dddd00000004"),
    );
    add(
        &p,
        rev("eeee00000005")
            .down(&["cccc00000003", "dddd00000004"])
            .message("merge audit and phone"),
        Some(DATE),
        "",
    );
    add(
        &p,
        rev("ffff00000006")
            .labels(&["reports"])
            .depends(&["dddd00000004"])
            .message("create reports"),
        Some(DATE),
        &table_rev("ffff00000006"),
    );
    p
}

/// The stdout of `retort ARGS` (exit code `code`), checked to be a JSON
/// array without a `null` anywhere. Paths are relative and dates fixed:
/// nothing to redact.
#[track_caller]
fn json_out(p: &Project, args: &[&str], code: i32) -> String {
    let run = p.run(args);
    assert_eq!(run.code, code, "{}", run.describe());
    let value: Value = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not JSON ({e})\n{}", run.describe()));
    assert!(value.is_array(), "not an array:\n{}", run.describe());
    assert_no_null(&value, &run.stdout);
    run.stdout
}

/// Fails on any `null` in `value`: fields that do not apply are left out.
#[track_caller]
fn assert_no_null(value: &Value, text: &str) {
    match value {
        Value::Null => panic!("a null in:\n{text}"),
        Value::Array(items) => items.iter().for_each(|v| assert_no_null(v, text)),
        Value::Object(fields) => fields.values().for_each(|v| assert_no_null(v, text)),
        _ => {}
    }
}

#[test]
fn heads() {
    insta::assert_snapshot!(json_out(&fixture(), &["heads", "--format", "json"], 0));
}

#[test]
fn branches() {
    insta::assert_snapshot!(json_out(&fixture(), &["branches", "--format", "json"], 0));
}

#[test]
fn history() {
    insta::assert_snapshot!(json_out(&fixture(), &["history", "--format", "json"], 0));
}

/// One revision: an array of one.
#[test]
fn show_one_revision() {
    insta::assert_snapshot!(json_out(
        &fixture(),
        &["show", "cccc00000003", "--format", "json"],
        0
    ));
}

/// Several revisions: an array of each, in display order.
#[test]
fn show_several_revisions() {
    insta::assert_snapshot!(json_out(
        &fixture(),
        &["show", "heads", "--format", "json"],
        0
    ));
}

/// `base` names no revision: an empty array.
#[test]
fn show_base_is_an_empty_array() {
    assert_eq!(
        json_out(&fixture(), &["show", "base", "--format", "json"], 0),
        "[]\n"
    );
}

/// `show` prints the same object as `history` for a revision.
#[test]
fn show_and_history_agree() {
    let p = fixture();
    let history: Value =
        serde_json::from_str(&json_out(&p, &["history", "--format", "json"], 0)).unwrap();
    for object in history.as_array().unwrap() {
        let id = object["revision"].as_str().unwrap();
        let shown: Value =
            serde_json::from_str(&json_out(&p, &["show", id, "--format", "json"], 0)).unwrap();
        assert_eq!(shown, serde_json::json!([object]), "{id}");
    }
}

/// A single-database project: no `database` field.
#[test]
fn current_single_database() {
    let p = fixture();
    assert_eq!(json_out(&p, &["current", "--format", "json"], 0), "[]\n");
    p.ok(&["upgrade", "heads"]);
    insta::assert_snapshot!(json_out(&p, &["current", "--format", "json"], 0));
}

/// A revision an interrupted run left unfinished has an `interrupted`
/// object (the journal row is written directly: SQLite's transactional DDL
/// never leaves one).
#[test]
fn current_interrupted() {
    let p = fixture();
    p.ok(&["upgrade", "aaaa00000001"]);
    let url = retort_db::DatabaseUrl::parse(&format!("sqlite:///{}", p.path("app.db").display()))
        .unwrap();
    let mut conn = retort_db::connect(&url).unwrap();
    let journal = retort_db::JournalTable::new("retort_journal", None);
    conn.execute(&journal.create_sql(conn.dialect())).unwrap();
    conn.execute(
        "INSERT INTO retort_journal (revision, direction, checksum, statements, done, state, rows_after) \
         VALUES ('bbbb00000002', 'upgrade', NULL, 1, 0, 'running', 'bbbb00000002')",
    )
    .unwrap();
    drop(conn);
    insta::assert_snapshot!(json_out(&p, &["current", "--format", "json"], 0));
}

/// A project with the databases `audit` and `main` (SQLite files).
fn multidb() -> Project {
    let p = Project::empty();
    p.ok(&["init", "--multidb"]);
    p.write(
        "migrations/retort.toml",
        r#"[databases.main]
url = "sqlite:///main.db"
models = ["models/main.sql"]

[databases.audit]
url = "sqlite:///audit.db"
models = ["models/audit.sql"]
"#,
    );
    p.write(
        "migrations/models/main.sql",
        "CREATE TABLE account (id INTEGER PRIMARY KEY);\n",
    );
    p.write(
        "migrations/models/audit.sql",
        "CREATE TABLE event (id INTEGER PRIMARY KEY);\n",
    );
    add(
        &p,
        rev("aaaa00000001").message("initial"),
        Some(DATE),
        r#"
[[upgrade.main]]
op = "create_table"
table = "account"
columns = [{ name = "id", type = "integer", primary_key = true }]

[[upgrade.audit]]
op = "create_table"
table = "event"
columns = [{ name = "id", type = "integer", primary_key = true }]
"#,
    );
    p.ok(&["upgrade"]);
    p
}

/// Several databases: each object says whose it is.
#[test]
fn current_multi_database() {
    let p = multidb();
    insta::assert_snapshot!(json_out(&p, &["current", "--format", "json"], 0));
}

/// `check` in a multi-database project: each change says whose it is.
#[test]
fn check_multi_database() {
    let p = multidb();
    assert_eq!(json_out(&p, &["check", "--format", "json"], 0), "[]\n");
    p.write(
        "migrations/models/audit.sql",
        "CREATE TABLE event (id INTEGER PRIMARY KEY, what TEXT);\n",
    );
    insta::assert_snapshot!(json_out(&p, &["check", "--format", "json"], 1));
}

/// A single SQLite database at a revision, with models that differ from
/// it in many ways.
fn changed_project() -> Project {
    let p = Project::init();
    let config = p
        .read("migrations/retort.toml")
        .replace("models = []", "models = [\"models.sql\"]");
    p.write("migrations/retort.toml", &config);
    p.write(
        "migrations/models.sql",
        "CREATE TABLE account (
    id INTEGER PRIMARY KEY,
    name VARCHAR(50) NOT NULL,
    email VARCHAR(100),
    nickname TEXT,
    city TEXT DEFAULT 'Paris',
    UNIQUE (nickname)
);
CREATE INDEX ix_account_city ON account (city);
CREATE TABLE post (
    id INTEGER PRIMARY KEY,
    account_id INTEGER,
    title TEXT
);
CREATE TABLE legacy (id INTEGER PRIMARY KEY);
",
    );
    p.ok(&["migrate", "-m", "initial", "--rev-id", "aaaa00000001"]);
    p.ok(&["upgrade"]);
    p.write(
        "migrations/models.sql",
        "CREATE TABLE account (
    id INTEGER PRIMARY KEY,
    name TEXT,
    email VARCHAR(100) NOT NULL,
    city TEXT,
    age INTEGER,
    UNIQUE (email)
);
CREATE INDEX ix_account_age ON account (age);
CREATE TABLE post (
    id INTEGER PRIMARY KEY,
    account_id INTEGER REFERENCES account (id),
    title TEXT CHECK (length(title) > 0)
);
CREATE TABLE tag (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE VIEW account_names AS SELECT id, name FROM account;
",
    );
    p
}

/// Every kind of change SQLite reports, each with its fields and its text;
/// the text output stays Alembic's sentences.
#[test]
fn check_changes() {
    let p = changed_project();
    let out = json_out(&p, &["check", "--format", "json"], 1);
    let value: Value = serde_json::from_str(&out).unwrap();
    let text: Vec<String> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{}\n", c["text"].as_str().unwrap()))
        .collect();
    assert_eq!(p.run(&["check"]).stdout, text.concat());
    let kinds: Vec<&str> = value
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["kind"].as_str().unwrap())
        .collect();
    for kind in [
        "add_table",
        "remove_table",
        "add_column",
        "remove_column",
        "modify_type",
        "modify_nullable",
        "modify_default",
        "add_index",
        "remove_index",
        "add_unique",
        "remove_unique",
        "add_foreign_key",
        "add_check",
        "add_view",
    ] {
        assert!(kinds.contains(&kind), "no {kind} in {kinds:?}");
    }
    insta::assert_snapshot!(out);
}

/// No change: an empty array, exit 0.
#[test]
fn check_without_changes() {
    let p = changed_project();
    p.ok(&["migrate", "-m", "catch up", "--rev-id", "bbbb00000002"]);
    p.ok(&["upgrade"]);
    assert_eq!(json_out(&p, &["check", "--format", "json"], 0), "[]\n");
}

/// `verify`: one object per finding; the checksums only for an edited
/// revision.
#[test]
fn verify() {
    let p = fixture();
    p.ok(&["upgrade", "heads"]);
    assert_eq!(json_out(&p, &["verify", "--format", "json"], 0), "[]\n");
    p.append("migrations/versions/aaaa00000001.toml", "\n# edited\n");
    std::fs::remove_file(p.path("migrations/versions/eeee00000005.toml")).unwrap();
    // The version table now holds a revision nothing declares any more;
    // and one no file or log row ever knew.
    let url = retort_db::DatabaseUrl::parse(&format!("sqlite:///{}", p.path("app.db").display()))
        .unwrap();
    let mut conn = retort_db::connect(&url).unwrap();
    conn.execute("INSERT INTO retort_version (version_num) VALUES ('9999aaaa0000')")
        .unwrap();
    drop(conn);
    insta::assert_snapshot!(json_out(&p, &["verify", "--format", "json"], 1));
}

/// The library's `check` returns the same structure `check --format json`
/// prints: `detail` holds it, `change` the text.
#[test]
fn the_library_check_returns_the_structure() {
    let p = changed_project();
    let pending = retort::Retort::open(p.path("migrations"))
        .url(format!("sqlite:///{}", p.path("app.db").display()))
        .check()
        .expect("check");
    let printed: Value =
        serde_json::from_str(&json_out(&p, &["check", "--format", "json"], 1)).unwrap();
    assert_eq!(serde_json::to_value(&pending).unwrap(), printed);
    let type_change = pending
        .iter()
        .find(|c| c.detail.kind == retort::core::diff::ChangeKind::ModifyType)
        .expect("a type change");
    assert_eq!(type_change.change, type_change.detail.to_string());
    assert_eq!(type_change.detail.column.as_deref(), Some("name"));
    assert_eq!(
        type_change.detail.table,
        Some(retort::core::schema::TableName::new("account"))
    );
}
