//! SQLite batch mode: the move-and-copy statements (snapshots), and a real
//! run with the `sqlite3` command line that checks rows, indexes, foreign
//! keys, checks and defaults are kept. `keeps` has the rest a rebuild
//! keeps (dependent views and triggers, the parts only SQLite has) or
//! refuses to lose.

mod keeps;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use retort_core::dialect::{BatchStatements, Dialect, MySql, Postgres, Sqlite, render_batch};
use retort_core::ops::{Operation, Recreate, parse_operations};
use retort_core::schema::{
    CheckConstraint, Column, ForeignKey, Index, Table, TableName, UniqueConstraint,
};
use retort_core::types::ColumnType;

/// `user`: keys, a foreign key, a check, defaults, a unique constraint, a
/// plain and a partial index.
fn user_table() -> Table {
    let mut t = Table::new(TableName::new("user"))
        .column(Column::new("id", ColumnType::Integer).primary_key())
        .column(
            Column::new("name", ColumnType::Varchar(Some(64)))
                .not_null()
                .default_sql("''"),
        )
        .column(Column::new("email", ColumnType::Text))
        .column(Column::new("age", ColumnType::Integer).default_sql("0"))
        .column(Column::new("org_id", ColumnType::Integer));
    t.uniques.push(UniqueConstraint {
        name: Some("uq_user_email".into()),
        columns: vec!["email".into()],
        ..Default::default()
    });
    t.foreign_keys.push(ForeignKey {
        name: Some("fk_user_org".into()),
        columns: vec!["org_id".into()],
        referent_table: TableName::new("org"),
        referent_columns: vec!["id".into()],
        on_delete: Some("CASCADE".into()),
        on_update: None,
        ..Default::default()
    });
    t.checks.push(CheckConstraint {
        name: Some("ck_user_name".into()),
        condition: "length(name) < 100".into(),
    });
    t.indexes.push(Index {
        name: "ix_user_name".into(),
        columns: vec!["name".into()],
        unique: false,
        where_clause: None,
        ..Default::default()
    });
    t.indexes.push(Index {
        name: "ix_user_adult".into(),
        columns: vec!["age".into()],
        unique: false,
        where_clause: Some("age >= 18".into()),
        ..Default::default()
    });
    t
}

/// The nested operations of a `batch_alter_table` on `user`.
fn batch_ops(ops: &str) -> (Vec<Operation>, Recreate) {
    batch_ops_on("user", ops)
}

/// The nested operations of a `batch_alter_table` on `table`.
fn batch_ops_on(table: &str, ops: &str) -> (Vec<Operation>, Recreate) {
    let text =
        format!("upgrade = [{{ op = \"batch_alter_table\", table = \"{table}\", ops = [{ops}] }}]");
    let doc: toml::Table = toml::from_str(&text).expect("TOML");
    let tables: Vec<toml::Table> = doc["upgrade"]
        .as_array()
        .expect("list")
        .iter()
        .map(|v| v.as_table().expect("table").clone())
        .collect();
    match parse_operations(Path::new("b.toml"), "upgrade", &tables)
        .expect("parses")
        .remove(0)
    {
        Operation::BatchAlterTable { ops, recreate, .. } => (ops, recreate),
        other => panic!("not a batch: {other}"),
    }
}

const CHANGES: &str = r#"
    { op = "add_column", column = { name = "nickname", type = "text", nullable = false, server_default = "'anon'" } },
    { op = "alter_column", column = "email", new_name = "mail", type = "varchar(255)" },
    { op = "alter_column", column = "name", nullable = true, server_default = false },
    { op = "drop_column", column = "age" },
    { op = "create_index", name = "ix_user_mail", columns = ["mail"], unique = true },
"#;

fn show(b: &BatchStatements) -> String {
    let mut out = format!(
        "-- recreated: {}, foreign_keys_off: {}\n",
        b.recreated, b.foreign_keys_off
    );
    for s in &b.statements {
        out.push_str(&format!("{s};\n"));
    }
    out
}

#[test]
fn sqlite_rebuild_keeps_everything() {
    let (ops, recreate) = batch_ops(CHANGES);
    let b = render_batch(&Sqlite, &user_table().into(), &ops, recreate).expect("renders");
    assert!(b.recreated && b.foreign_keys_off);
    insta::assert_snapshot!(show(&b));
}

#[test]
fn auto_stays_in_place_when_sqlite_can() {
    let (ops, recreate) = batch_ops(
        r#"{ op = "add_column", column = { name = "bio", type = "text" } },
           { op = "alter_column", column = "email", new_name = "mail" },
           { op = "drop_index", name = "ix_user_name" }"#,
    );
    let b = render_batch(&Sqlite, &user_table().into(), &ops, recreate).expect("renders");
    assert!(!b.recreated && !b.foreign_keys_off);
    insta::assert_snapshot!(show(&b));
}

#[test]
fn other_dialects_alter_in_place_or_rebuild_when_asked() {
    let (ops, _) = batch_ops(CHANGES);
    let mut out = String::new();
    for d in [&Postgres as &dyn Dialect, &MySql] {
        for recreate in [Recreate::Auto, Recreate::Always] {
            out.push_str(&format!("==== {} {recreate:?}\n", d.name()));
            let mut ops = ops.clone();
            // MySQL's MODIFY needs the existing facts.
            if let Operation::AlterColumn(a) = &mut ops[1] {
                a.existing_nullable = Some(true);
            }
            if let Operation::AlterColumn(a) = &mut ops[2] {
                a.existing_type = Some(ColumnType::Varchar(Some(64)));
            }
            match render_batch(d, &user_table().into(), &ops, recreate) {
                Ok(b) => out.push_str(&show(&b)),
                Err(e) => out.push_str(&format!("-- error: {e}\n")),
            }
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn batch_errors() {
    let cases = [
        r#"{ op = "add_column", column = { name = "x", type = "text", nullable = false } }"#,
        r#"{ op = "drop_column", column = "nope" }"#,
        r#"{ op = "alter_column", column = "email", new_name = "name" }"#,
        r#"{ op = "drop_index", name = "ix_nope" }"#,
        r#"{ op = "drop_constraint", name = "ck_nope", kind = "check" }"#,
        r#"{ op = "drop_column", column = "id" }, { op = "drop_column", column = "name" }, { op = "drop_column", column = "email" }, { op = "drop_column", column = "age" }, { op = "drop_column", column = "org_id" }, { op = "add_column", column = { name = "x", type = "text" } }"#,
    ];
    let mut out = String::new();
    for case in cases {
        let (ops, _) = batch_ops(case);
        let e = render_batch(&Sqlite, &user_table().into(), &ops, Recreate::Auto).expect_err(case);
        out.push_str(&format!("{case}\n  {e}\n"));
    }
    let (ops, _) = batch_ops(r#"{ op = "alter_column", column = "age", type = "bigint" }"#);
    let e = render_batch(&Sqlite, &user_table().into(), &ops, Recreate::Never).expect_err("never");
    out.push_str(&format!("recreate = never\n  {e}\n"));
    insta::assert_snapshot!(out);
}

/// Runs SQL through the `sqlite3` command line, returning its output.
fn sqlite3(db: &Path, sql: &str) -> String {
    let mut child = Command::new("sqlite3")
        .arg("-bail")
        .arg(db)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the sqlite3 command line is installed");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(sql.as_bytes())
        .expect("write SQL");
    let out = child.wait_with_output().expect("sqlite3 runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.is_empty(),
        "sqlite3 failed: {stderr}\n{sql}"
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn script(statements: impl IntoIterator<Item = String>) -> String {
    statements.into_iter().map(|s| format!("{s};\n")).collect()
}

#[test]
fn sqlite_rebuild_runs_and_keeps_rows_indexes_and_constraints() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("t.db");
    let org = Table::new(TableName::new("org"))
        .column(Column::new("id", ColumnType::Integer).primary_key());
    let mut setup = vec![];
    for t in [org, user_table()] {
        setup.extend(Sqlite.render(&Operation::CreateTable(t)).expect("renders"));
    }
    let mut sql = script(setup.into_iter().map(|s| s.into_string()));
    sql.push_str("PRAGMA foreign_keys=ON;\n");
    sql.push_str("INSERT INTO org (id) VALUES (1), (2);\n");
    sql.push_str("INSERT INTO \"user\" (id, name, email, age, org_id) VALUES (1, 'ann', 'a@x', 30, 1), (2, 'bob', NULL, 10, 2);\n");
    sqlite3(&db, &sql);

    let (ops, recreate) = batch_ops(CHANGES);
    let b = render_batch(&Sqlite, &user_table().into(), &ops, recreate).expect("renders");
    assert!(b.foreign_keys_off);
    let mut run = String::from("PRAGMA foreign_keys=OFF;\nBEGIN;\n");
    run.push_str(&script(b.statements.into_iter().map(|s| s.into_string())));
    run.push_str("PRAGMA foreign_key_check;\nCOMMIT;\nPRAGMA foreign_keys=ON;\n");
    assert_eq!(sqlite3(&db, &run), "", "no foreign key violations");

    let rows = sqlite3(
        &db,
        "SELECT id, name, mail, nickname, org_id FROM \"user\" ORDER BY id;",
    );
    assert_eq!(rows, "1|ann|a@x|anon|1\n2|bob||anon|2\n");
    let indexes = sqlite3(
        &db,
        "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'user' AND name NOT LIKE 'sqlite_%' ORDER BY name;",
    );
    assert_eq!(indexes, "ix_user_mail\nix_user_name\n");
    // The foreign key, the check and the new default still work.
    let checks = sqlite3(
        &db,
        "PRAGMA foreign_keys=ON;\n\
         SELECT count(*) FROM pragma_foreign_key_list('user') WHERE \"table\" = 'org' AND on_delete = 'CASCADE';\n\
         DELETE FROM org WHERE id = 2;\n\
         SELECT count(*) FROM \"user\";\n\
         INSERT INTO \"user\" (id) VALUES (3);\n\
         SELECT nickname, name IS NULL FROM \"user\" WHERE id = 3;\n\
         SELECT count(*) FROM pragma_table_info('user');",
    );
    assert_eq!(checks, "1\n1\nanon|1\n5\n");
    let rejected = Command::new("sqlite3")
        .arg(&db)
        .arg("INSERT INTO \"user\" (id, name) VALUES (9, printf('%.200c', 'x'));")
        .output()
        .expect("sqlite3 runs");
    assert!(
        String::from_utf8_lossy(&rejected.stderr).contains("ck_user_name"),
        "the check is kept"
    );
}
