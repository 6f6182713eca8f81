//! What a rebuild reads beyond the columns and keys, and keeps: the views
//! and triggers that depend on the table, AUTOINCREMENT, collations,
//! generated columns, index orders, table options and conflict clauses;
//! and what it lists as unkept. Each test inspects a hand-written table,
//! rebuilds it (adding a column) and reads it back.

use retort_core::Operation;
use retort_core::dialect::DependentKind;
use retort_core::ops::apply_to_table;
use retort_core::schema::{Generated, KeyOrder, OnConflict, TableName};
use retort_db::Connection;
use retort_db::inspect::inspect_sqlite_rebuild;

use super::{col, inspect, rebuild, rows};
use crate::support::TestDb;

/// The column `extra` added to `table`.
fn add_extra(table: &TableName) -> Vec<Operation> {
    vec![Operation::AddColumn {
        table: table.clone(),
        column: col("extra", "integer").not_null().default_sql("7"),
    }]
}

/// Rebuilds `name` adding `extra`, and checks it reads back as the table
/// read before, plus the column.
fn rebuilt_reads_back(c: &mut dyn Connection, name: &str) {
    let table = TableName::new(name);
    let before = inspect(c, &table);
    let ops = add_extra(&table);
    rebuild(c, &table, &ops);
    let (expected, _) = apply_to_table(&before, &ops).unwrap();
    assert_eq!(inspect(c, &table), expected, "{name} after the rebuild");
}

fn one(c: &mut dyn Connection, sql: &str) -> Vec<String> {
    rows(c, sql)
        .into_iter()
        .map(|r| {
            r.into_iter()
                .map(Option::unwrap_or_default)
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect()
}

#[test]
fn dependents_are_found_by_name_in_creation_order() {
    let db = TestDb::sqlite();
    let mut conn = db.connect();
    let c = conn.as_mut();
    c.execute(
        "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT);
         CREATE TABLE items_archive (id INTEGER);
         CREATE TABLE log (what TEXT);
         CREATE VIEW \"A View\" AS SELECT name FROM \"ITEM\";
         CREATE VIEW unrelated AS SELECT 'item' AS word, id FROM items_archive;
         CREATE TRIGGER on_item AFTER DELETE ON item BEGIN INSERT INTO log VALUES (OLD.name); END;
         CREATE VIEW deeper AS SELECT * FROM [a view];
         CREATE TRIGGER on_log AFTER INSERT ON log BEGIN DELETE FROM item WHERE 0; END;
         CREATE TRIGGER on_deeper INSTEAD OF INSERT ON deeper BEGIN SELECT 1; END;
         CREATE TRIGGER on_archive AFTER INSERT ON items_archive BEGIN SELECT 1; END;
         INSERT INTO item VALUES (1, 'pen');",
    )
    .unwrap();
    let source = inspect_sqlite_rebuild(c, &TableName::new("Item"))
        .unwrap()
        .expect("item");
    assert_eq!(source.table.name, TableName::new("item"));
    let found: Vec<(DependentKind, &str, &str)> = source
        .dependents
        .iter()
        .map(|d| (d.kind, d.name.as_str(), d.on.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (DependentKind::View, "A View", "A View"),
            (DependentKind::Trigger, "on_item", "item"),
            (DependentKind::View, "deeper", "deeper"),
            (DependentKind::Trigger, "on_log", "log"),
            (DependentKind::Trigger, "on_deeper", "deeper"),
        ],
        "the table's trigger, the views on it and on them, the triggers naming them; not a string or a longer name"
    );
    assert!(source.dependents[0].mentions("NAME"));
    assert!(source.unkept.is_empty());

    rebuilt_reads_back(c, "item");
    assert_eq!(
        one(
            c,
            "SELECT type || ' ' || name FROM sqlite_master WHERE type IN ('view', 'trigger') ORDER BY rowid"
        ),
        [
            "view unrelated",
            "trigger on_archive",
            "view A View",
            "trigger on_item",
            "view deeper",
            "trigger on_log",
            "trigger on_deeper",
        ]
    );
    c.execute("INSERT INTO log VALUES ('x'); DELETE FROM item")
        .unwrap();
    assert_eq!(one(c, "SELECT what FROM log"), ["x", "pen"]);
    assert_eq!(one(c, "SELECT count(*) FROM deeper"), ["0"]);
}

#[test]
fn dependents_in_an_attached_database_are_created_there_again() {
    let mut db = TestDb::sqlite();
    let mut conn = db.connect();
    let schema = db.other_schema(conn.as_mut());
    let c = conn.as_mut();
    c.execute(&format!(
        "CREATE TABLE \"{schema}\".item (id INTEGER PRIMARY KEY, name TEXT);
         CREATE VIEW \"{schema}\".names AS SELECT name FROM item;
         CREATE TRIGGER \"{schema}\".upper_name AFTER INSERT ON item
         BEGIN UPDATE item SET name = upper(name) WHERE id = NEW.id; END;"
    ))
    .unwrap();
    let table = TableName::in_schema(&schema, "item");
    let before = inspect(c, &table);
    let ops = add_extra(&table);
    rebuild(c, &table, &ops);
    assert_eq!(inspect(c, &table), apply_to_table(&before, &ops).unwrap().0);
    c.execute(&format!(
        "INSERT INTO \"{schema}\".item (name) VALUES ('pen')"
    ))
    .unwrap();
    assert_eq!(
        one(c, &format!("SELECT name FROM \"{schema}\".names")),
        ["PEN"]
    );
    assert_eq!(
        one(
            c,
            "SELECT count(*) FROM main.sqlite_master WHERE type IN ('view', 'trigger')"
        ),
        ["0"]
    );
}

#[test]
fn autoincrement_collations_generated_columns_and_options_are_read() {
    let db = TestDb::sqlite();
    let mut conn = db.connect();
    let c = conn.as_mut();
    c.execute(
        "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT COLLATE NOCASE,
           qty INTEGER, twice INTEGER GENERATED ALWAYS AS (qty * 2) STORED, label AS ('#' || id));
         CREATE TABLE s (k TEXT PRIMARY KEY, v ANY) STRICT, WITHOUT ROWID;
         INSERT INTO t (name, qty) VALUES ('a', 1), ('b', 2), ('c', 3);
         DELETE FROM t WHERE id = 3;",
    )
    .unwrap();
    let t = inspect(c, &TableName::new("t"));
    assert!(t.columns[0].sqlite_autoincrement);
    assert_eq!(t.columns[1].collation.as_deref(), Some("NOCASE"));
    let generated = |expression: &str, stored| {
        Some(Generated {
            expression: expression.into(),
            stored,
        })
    };
    assert_eq!(t.columns[3].generated, generated("qty * 2", true));
    assert_eq!(t.columns[4].generated, generated("'#' || id", false));
    let s = inspect(c, &TableName::new("s"));
    assert!(s.strict && s.without_rowid);

    rebuilt_reads_back(c, "t");
    rebuilt_reads_back(c, "s");
    c.execute("INSERT INTO t (name, qty) VALUES ('d', 4)")
        .unwrap();
    assert_eq!(
        one(c, "SELECT id, twice, label FROM t WHERE name = 'D'"),
        ["4|8|#4"],
        "a new id, never 3; the generated columns; NOCASE"
    );
}

#[test]
fn index_orders_conflict_clauses_and_deferral_are_read() {
    let db = TestDb::sqlite();
    let mut conn = db.connect();
    let c = conn.as_mut();
    c.execute(
        "CREATE TABLE p (id INTEGER PRIMARY KEY);
         CREATE TABLE t (id INTEGER PRIMARY KEY ON CONFLICT REPLACE,
           a TEXT NOT NULL ON CONFLICT IGNORE, b INTEGER UNIQUE ON CONFLICT REPLACE,
           p_id INTEGER REFERENCES p MATCH FULL DEFERRABLE INITIALLY DEFERRED);
         CREATE INDEX ix ON t (b DESC, a COLLATE NOCASE, (lower(a)) COLLATE RTRIM DESC);
         CREATE INDEX ix_plain ON t (a ASC, b);",
    )
    .unwrap();
    let t = inspect(c, &TableName::new("t"));
    assert_eq!(
        t.primary_key.as_ref().and_then(|pk| pk.on_conflict),
        Some(OnConflict::Replace)
    );
    assert_eq!(t.columns[1].not_null_on_conflict, Some(OnConflict::Ignore));
    assert!(
        !t.columns[2].unique,
        "a UNIQUE with ON CONFLICT is table-level"
    );
    assert_eq!(t.uniques[0].on_conflict, Some(OnConflict::Replace));
    let fk = &t.foreign_keys[0];
    assert_eq!(fk.match_kind.as_deref(), Some("FULL"));
    assert!(fk.deferrable && fk.initially_deferred);
    let order = |collation: Option<&str>, descending| KeyOrder {
        collation: collation.map(str::to_owned),
        descending,
        opclass: None,
    };
    assert_eq!(t.indexes[0].columns, ["b", "a", "(lower(a))"]);
    assert_eq!(
        t.indexes[0].orders,
        [
            order(None, true),
            order(Some("NOCASE"), false),
            order(Some("RTRIM"), true)
        ]
    );
    assert!(t.indexes[1].orders.is_empty(), "all ascending: no orders");
    rebuilt_reads_back(c, "t");
}

#[test]
fn what_a_rebuild_cannot_keep_is_listed() {
    let db = TestDb::sqlite();
    let mut conn = db.connect();
    let c = conn.as_mut();
    c.execute(
        "CREATE VIRTUAL TABLE doc USING fts5(body);
         CREATE TABLE k (id INTEGER PRIMARY KEY DESC, code TEXT, UNIQUE (code COLLATE NOCASE));",
    )
    .unwrap();
    let mut unkept = |name: &str| {
        inspect_sqlite_rebuild(c, &TableName::new(name))
            .unwrap()
            .expect(name)
            .unkept
    };
    let doc = unkept("doc");
    assert_eq!(doc.len(), 1);
    assert!(doc[0].contains("virtual table (USING fts5)"), "{doc:?}");
    let k = unkept("k");
    assert_eq!(k.len(), 2, "{k:?}");
    assert!(k[0].contains("PRIMARY KEY DESC") && k[1].contains("UNIQUE (code COLLATE NOCASE)"));
}
