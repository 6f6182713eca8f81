//! SQLite batch rebuilds keep everything the table had (docs/sqlite-batch.md).
//!
//! Each test creates, with `sqlite3`, a table with one feature, rows and
//! whatever depends on it; runs `retort upgrade head` over a revision whose
//! `batch_alter_table` rebuilds the table (`recreate = "always"`, adding a
//! column) and `retort downgrade base` (dropping the column: a second
//! rebuild); and after each checks that the rows, the feature and the
//! objects that depend on the table are still there and still work.
//! `sqlite_rebuild_refused` has the rebuilds that are refused instead.

use crate::harness::{Project, rev};
use crate::migrate_db::{Db, Kind, assert_piped, write_rev};

const REV: &str = "5e1f00000001";

/// A project on a fresh SQLite file that `setup` filled, with one revision
/// that rebuilds `table` adding the column `extra` (and going down,
/// rebuilds it again dropping the column).
pub fn rebuilt(setup: &str, table: &str) -> (Project, Db) {
    let p = Project::init();
    let db = Db::fresh(Kind::Sqlite, &p);
    assert_piped(&db.pipe(setup), "the setup script");
    write_rev(
        &p,
        &rev(REV).message("rebuild"),
        &format!(
            r#"
[[upgrade]]
op = "batch_alter_table"
table = "{table}"
recreate = "always"
ops = [{{ op = "add_column", column = {{ name = "extra", type = "integer", nullable = false, server_default = "7" }} }}]

[[downgrade]]
op = "batch_alter_table"
table = "{table}"
ops = [{{ op = "drop_column", column = "extra" }}]
"#
        ),
    );
    (p, db)
}

/// `upgrade head`, `check(db, 1)`, `downgrade base`, `check(db, 2)`.
fn up_and_down(p: &Project, db: &Db, check: impl Fn(&Db, usize)) {
    db.ok(p, &["upgrade", "head"]);
    assert_eq!(db.current(p), [REV]);
    check(db, 1);
    db.ok(p, &["downgrade", "base"]);
    assert!(db.current(p).is_empty());
    check(db, 2);
}

/// The triggers and views of the database, in creation order, with their SQL.
fn dependents(db: &Db) -> Vec<String> {
    db.rows(
        "SELECT type || ' ' || name || ' ON ' || tbl_name || ': ' || replace(sql, char(10), ' ') \
         FROM sqlite_master WHERE type IN ('view', 'trigger') ORDER BY rowid",
    )
}

/// Asserts that `sql` fails in `sqlite3` with a message containing `error`.
#[track_caller]
fn refused(db: &Db, sql: &str, error: &str) {
    let out = db.pipe(sql);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success() && stderr.contains(error),
        "expected {sql:?} to fail with {error:?}; stderr: {stderr}"
    );
}

#[test]
fn triggers_are_recreated_and_fire() {
    let (p, db) = rebuilt(
        "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
         CREATE TABLE audit (item_id INTEGER, what TEXT);
         CREATE TRIGGER item_added AFTER INSERT ON item
         BEGIN INSERT INTO audit VALUES (NEW.id, 'added ' || NEW.name); END;
         CREATE TRIGGER \"Item Renamed\" AFTER UPDATE OF name ON item WHEN OLD.name <> NEW.name
         BEGIN INSERT INTO audit VALUES (NEW.id, 'renamed'); END;
         INSERT INTO item (id, name) VALUES (1, 'one'), (2, 'two');",
        "item",
    );
    let before = dependents(&db);
    assert_eq!(before.len(), 2);
    up_and_down(&p, &db, |db, phase| {
        assert_eq!(dependents(db), before, "the triggers, as written");
        let id = phase + 2;
        db.sql(&format!(
            "INSERT INTO item (id, name) VALUES ({id}, 'new'); UPDATE item SET name = 'uno' WHERE id = 1"
        ));
        assert_eq!(
            db.rows("SELECT item_id || ' ' || what FROM audit ORDER BY rowid"),
            match phase {
                1 => vec!["1 added one", "2 added two", "3 added new", "1 renamed"],
                _ => vec![
                    "1 added one",
                    "2 added two",
                    "3 added new",
                    "1 renamed",
                    "4 added new",
                ],
            },
            "the triggers fire (the second update renames nothing)"
        );
        assert_eq!(db.rows("SELECT count(*) FROM item"), [(id).to_string()]);
    });
}

#[test]
fn views_that_read_the_table_are_recreated() {
    let (p, db) = rebuilt(
        "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT, price INTEGER);
         CREATE VIEW cheap AS SELECT id, name FROM \"ITEM\" WHERE price < 10;
         CREATE TABLE other (x);
         CREATE VIEW unrelated AS SELECT x FROM other;
         CREATE VIEW \"Cheap Names\" AS SELECT upper(name) AS n FROM cheap ORDER BY n;
         CREATE TRIGGER cheap_insert INSTEAD OF INSERT ON cheap
         BEGIN INSERT INTO item (id, name, price) VALUES (NEW.id, NEW.name, 1); END;
         INSERT INTO item VALUES (1, 'pen', 2), (2, 'car', 9000);",
        "item",
    );
    let before = dependents(&db);
    assert_eq!(before.len(), 4);
    let recreated = |list: &[String]| -> Vec<String> {
        list.iter()
            .filter(|d| !d.contains("unrelated"))
            .cloned()
            .collect()
    };
    let sorted = |list: &[String]| -> Vec<String> {
        let mut list = list.to_vec();
        list.sort();
        list
    };
    up_and_down(&p, &db, |db, phase| {
        let after = dependents(db);
        assert_eq!(sorted(&after), sorted(&before), "the views, as written");
        assert_eq!(recreated(&after), recreated(&before), "in creation order");
        db.sql(&format!(
            "INSERT INTO cheap (id, name) VALUES ({}, 'cup{phase}')",
            phase + 2
        ));
        let mut names = vec!["CUP1", "PEN"];
        if phase == 2 {
            names.insert(1, "CUP2");
        }
        assert_eq!(db.rows("SELECT n FROM \"Cheap Names\""), names);
    });
}

#[test]
fn triggers_of_other_tables_that_name_the_table_are_recreated() {
    let (p, db) = rebuilt(
        "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT);
         CREATE TABLE request (name TEXT);
         CREATE TRIGGER fulfil AFTER INSERT ON request
         BEGIN INSERT INTO item (name) VALUES (NEW.name); END;
         INSERT INTO item (name) VALUES ('first');",
        "item",
    );
    let before = dependents(&db);
    up_and_down(&p, &db, |db, phase| {
        assert_eq!(dependents(db), before);
        db.sql(&format!("INSERT INTO request VALUES ('asked {phase}')"));
        assert_eq!(
            db.rows("SELECT name FROM item ORDER BY id").last().cloned(),
            Some(format!("asked {phase}"))
        );
    });
}

#[test]
fn autoincrement_and_its_sequence_are_kept() {
    let (p, db) = rebuilt(
        "CREATE TABLE ticket (id INTEGER PRIMARY KEY AUTOINCREMENT, what TEXT);
         INSERT INTO ticket (what) VALUES ('a'), ('b'), ('c'), ('d');
         DELETE FROM ticket WHERE id >= 3;",
        "ticket",
    );
    up_and_down(&p, &db, |db, phase| {
        let sql = db.sql("SELECT sql FROM sqlite_master WHERE name = 'ticket'");
        assert!(sql.contains("AUTOINCREMENT"), "{sql}");
        // The highest id ever used was 4 (then 5 after the upgrade): the
        // next one is never one of the deleted rows'.
        let new = db.sql(
            "INSERT INTO ticket (what) VALUES ('new'); SELECT max(id) FROM ticket; DELETE FROM ticket WHERE id > 2",
        );
        assert_eq!(new.trim(), (phase + 4).to_string(), "phase {phase}");
        assert_eq!(db.rows("SELECT id FROM ticket ORDER BY id"), ["1", "2"]);
    });
}

#[test]
fn column_collations_are_kept() {
    let (p, db) = rebuilt(
        "CREATE TABLE person (id INTEGER PRIMARY KEY, email TEXT COLLATE NOCASE UNIQUE, nick TEXT COLLATE RTRIM);
         INSERT INTO person VALUES (1, 'Ann@Example.com', 'ann  ');",
        "person",
    );
    up_and_down(&p, &db, |db, _| {
        assert_eq!(
            db.rows("SELECT id FROM person WHERE email = 'ann@example.com' AND nick = 'ann'"),
            ["1"]
        );
        refused(
            db,
            "INSERT INTO person (email) VALUES ('ANN@EXAMPLE.COM');",
            "UNIQUE constraint failed",
        );
    });
}

#[test]
fn index_order_and_collation_are_kept() {
    let (p, db) = rebuilt(
        "CREATE TABLE score (id INTEGER PRIMARY KEY, player TEXT, points INTEGER);
         CREATE INDEX ix_points ON score (points DESC, player COLLATE NOCASE ASC);
         CREATE UNIQUE INDEX ix_top ON score (lower(player) DESC) WHERE points > 100;
         INSERT INTO score VALUES (1, 'Ann', 150), (2, 'bob', 20);",
        "score",
    );
    up_and_down(&p, &db, |db, _| {
        assert_eq!(
            db.rows(
                "SELECT name || ' ' || \"desc\" || ' ' || coll FROM pragma_index_xinfo('ix_points') WHERE key"
            ),
            ["points 1 BINARY", "player 0 NOCASE"]
        );
        assert_eq!(
            db.rows("SELECT \"desc\" FROM pragma_index_xinfo('ix_top') WHERE key"),
            ["1"]
        );
        assert_eq!(
            db.rows("SELECT name || ' ' || \"unique\" || ' ' || partial FROM pragma_index_list('score') ORDER BY name"),
            ["ix_points 0 0", "ix_top 1 1"]
        );
        refused(
            db,
            "INSERT INTO score (id, player, points) VALUES (3, 'ANN', 101);",
            "UNIQUE constraint failed",
        );
    });
}

#[test]
fn without_rowid_and_strict_are_kept() {
    let (p, db) = rebuilt(
        "CREATE TABLE kv (k TEXT PRIMARY KEY, v INTEGER) WITHOUT ROWID;
         CREATE TABLE reading (id INTEGER PRIMARY KEY, value REAL NOT NULL, note ANY) STRICT;
         INSERT INTO kv VALUES ('a', 1);
         INSERT INTO reading VALUES (1, 2.5, 'x');",
        "kv",
    );
    write_rev(
        &p,
        &rev("5e1f00000002").down(&[REV]).message("strict"),
        r#"
[[upgrade]]
op = "batch_alter_table"
table = "reading"
ops = [{ op = "alter_column", column = "value", nullable = true }]

[[downgrade]]
op = "batch_alter_table"
table = "reading"
ops = [{ op = "alter_column", column = "value", nullable = false }]
"#,
    );
    db.ok(&p, &["upgrade", "head"]);
    let check = |db: &Db| {
        assert_eq!(
            db.rows("SELECT name || ' ' || wr || ' ' || strict FROM pragma_table_list WHERE name IN ('kv', 'reading') ORDER BY name"),
            ["kv 1 0", "reading 0 1"]
        );
        refused(db, "SELECT rowid FROM kv;", "no such column: rowid");
        refused(
            db,
            "INSERT INTO reading (id, value) VALUES (2, 'abc');",
            "cannot store TEXT value in REAL column",
        );
        assert_eq!(db.rows("SELECT k || v FROM kv"), ["a1"]);
        assert_eq!(db.rows("SELECT value || note FROM reading"), ["2.5x"]);
    };
    check(&db);
    db.ok(&p, &["downgrade", "base"]);
    check(&db);
}

#[test]
fn generated_columns_are_kept() {
    let (p, db) = rebuilt(
        "CREATE TABLE line (id INTEGER PRIMARY KEY, qty INTEGER NOT NULL, price INTEGER NOT NULL,
           total INTEGER GENERATED ALWAYS AS (qty * price) STORED,
           label TEXT AS ('#' || id) VIRTUAL);
         INSERT INTO line (id, qty, price) VALUES (1, 2, 3);",
        "line",
    );
    up_and_down(&p, &db, |db, phase| {
        assert_eq!(
            db.rows(
                "SELECT name || ' ' || hidden FROM pragma_table_xinfo('line') WHERE hidden > 0"
            ),
            ["total 3", "label 2"]
        );
        let id = phase + 1;
        db.sql(&format!(
            "INSERT INTO line (id, qty, price) VALUES ({id}, {id}, 10)"
        ));
        let mut rows = vec!["6 #1".to_owned(), "20 #2".to_owned()];
        if phase == 2 {
            rows.push("30 #3".into());
        }
        assert_eq!(
            db.rows("SELECT total || ' ' || label FROM line ORDER BY id"),
            rows
        );
    });
}

#[test]
fn conflict_clauses_deferred_keys_checks_and_defaults_are_kept() {
    let (p, db) = rebuilt(
        "CREATE TABLE parent (id INTEGER PRIMARY KEY);
         CREATE TABLE child (
           id INTEGER PRIMARY KEY ON CONFLICT REPLACE,
           code TEXT NOT NULL ON CONFLICT IGNORE DEFAULT 'x' CHECK (length(code) < 5),
           parent_id INTEGER REFERENCES parent (id) MATCH SIMPLE ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
           slot INTEGER UNIQUE ON CONFLICT REPLACE
         );
         INSERT INTO parent VALUES (1);
         INSERT INTO child VALUES (1, 'a', 1, 1);",
        "child",
    );
    up_and_down(&p, &db, |db, _| {
        let sql = db.sql("SELECT sql FROM sqlite_master WHERE name = 'child'");
        for kept in ["MATCH SIMPLE", "DEFERRABLE INITIALLY DEFERRED"] {
            assert!(sql.contains(kept), "{kept} in {sql}");
        }
        // REPLACE on the key and on the unique slot, IGNORE on NOT NULL, a
        // key checked at COMMIT, the check and the default.
        let out = db.pipe(
            "PRAGMA foreign_keys = ON;
             INSERT INTO child (id, code, parent_id, slot) VALUES (1, 'b', 1, 1);
             INSERT INTO child (id, code, slot) VALUES (2, NULL, 2);
             INSERT INTO child (id, slot) VALUES (3, 3);
             BEGIN; INSERT INTO child (id, code, parent_id, slot) VALUES (4, 'd', 2, 4);
             INSERT INTO parent VALUES (2); COMMIT;
             INSERT INTO child (id, code, slot) VALUES (5, 'e', 3);
             SELECT group_concat(id || code || ifnull(parent_id, '-') || slot, ' ') FROM (SELECT * FROM child ORDER BY id);
             DELETE FROM parent WHERE id = 2; DELETE FROM child WHERE id > 1;
             UPDATE child SET code = 'a';",
        );
        assert_piped(&out, "the constraints at work");
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            "1b11 4d24 5e-3"
        );
        refused(
            db,
            "INSERT INTO child (id, code) VALUES (9, 'too long');",
            "CHECK constraint failed",
        );
    });
}

mod refused;
