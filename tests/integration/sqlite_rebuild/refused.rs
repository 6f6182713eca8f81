//! Rebuilds that cannot keep something the table has are refused before
//! any statement runs, with an error naming the table (or the object that
//! depends on it) and what would be lost; the database is left as it was.

use crate::harness::{Project, rev};
use crate::migrate_db::{Db, Kind, assert_piped, write_rev};

/// A project on a fresh SQLite file that `setup` filled, with one revision
/// whose `batch_alter_table` on `table` has the nested operations `ops`.
fn project(setup: &str, table: &str, ops: &str) -> (Project, Db) {
    let p = Project::init();
    let db = Db::fresh(Kind::Sqlite, &p);
    assert_piped(&db.pipe(setup), "the setup script");
    write_rev(
        &p,
        &rev("5e1f000000ff").message("refused"),
        &format!(
            "[[upgrade]]\nop = \"batch_alter_table\"\ntable = \"{table}\"\nrecreate = \"always\"\nops = [{ops}]\n"
        ),
    );
    (p, db)
}

/// The whole schema, to compare before and after.
fn schema(db: &Db) -> Vec<String> {
    db.rows("SELECT type || ' ' || name || ': ' || ifnull(sql, '') FROM sqlite_master WHERE tbl_name NOT LIKE 'retort%' ORDER BY rowid")
}

/// Runs `upgrade head`, expecting a failure that mentions each of
/// `needles`, and checks that nothing of the revision ran.
#[track_caller]
fn refused(p: &Project, db: &Db, needles: &[&str]) {
    let before = schema(db);
    let run = db.fails(p, &["upgrade", "head"]);
    for n in needles {
        run.stderr_has(n);
    }
    run.stderr_has("nothing of 5e1f000000ff was applied");
    assert!(db.current(p).is_empty());
    assert_eq!(schema(db), before, "the schema is untouched");
}

#[test]
fn virtual_tables_are_refused() {
    let (p, db) = project(
        "CREATE VIRTUAL TABLE doc USING fts5(body);
         INSERT INTO doc VALUES ('hello world');",
        "doc",
        r#"{ op = "add_column", column = { name = "extra", type = "text" } }"#,
    );
    refused(&p, &db, &["batch_alter_table on doc", "virtual table"]);
    assert_eq!(
        db.rows("SELECT body FROM doc WHERE doc MATCH 'hello'"),
        ["hello world"]
    );
}

#[test]
fn dropping_a_column_a_view_uses_is_refused() {
    let (p, db) = project(
        "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT, price INTEGER);
         CREATE VIEW names AS SELECT upper(\"NAME\") AS n FROM item;
         INSERT INTO item VALUES (1, 'pen', 2);",
        "item",
        r#"{ op = "drop_column", column = "name" }"#,
    );
    refused(
        &p,
        &db,
        &[
            "batch_alter_table on item",
            "view \"names\"",
            "column \"name\"",
        ],
    );
    assert_eq!(db.rows("SELECT n FROM names"), ["PEN"]);
}

#[test]
fn renaming_a_column_a_trigger_uses_in_a_rebuild_is_refused() {
    let (p, db) = project(
        "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT, price INTEGER);
         CREATE TABLE audit (what TEXT);
         CREATE TRIGGER named AFTER INSERT ON item BEGIN INSERT INTO audit VALUES (NEW.name); END;",
        "item",
        r#"{ op = "alter_column", column = "name", new_name = "title" }"#,
    );
    refused(
        &p,
        &db,
        &[
            "batch_alter_table on item",
            "trigger \"named\"",
            "column \"name\"",
        ],
    );
}

#[test]
fn collations_and_order_in_a_unique_key_are_refused() {
    let (p, db) = project(
        "CREATE TABLE tag (id INTEGER PRIMARY KEY, code TEXT, UNIQUE (code COLLATE NOCASE));
         INSERT INTO tag VALUES (1, 'a');",
        "tag",
        r#"{ op = "add_column", column = { name = "extra", type = "text" } }"#,
    );
    refused(&p, &db, &["batch_alter_table on tag", "COLLATE"]);
}

#[test]
fn a_view_the_rebuilt_table_breaks_rolls_the_revision_back() {
    // The view names no column, so the batch is not refused up front; the
    // rebuild uses the view once it is created again, which fails, and the
    // revision's transaction rolls back.
    let (p, db) = project(
        "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT, price INTEGER);
         CREATE VIEW everything (a, b, c) AS SELECT * FROM item;",
        "item",
        r#"{ op = "drop_column", column = "price" }"#,
    );
    refused(&p, &db, &["expected 3 columns for 'everything' but got 2"]);
}
