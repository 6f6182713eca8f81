//! What a rebuild keeps beyond rows, columns and keys: the views and
//! triggers that depend on the table, and the parts only SQLite has
//! (AUTOINCREMENT and its sequence, COLLATE, generated columns, conflict
//! clauses, MATCH and DEFERRABLE, index key orders, WITHOUT ROWID, STRICT);
//! what it refuses to lose; and how the other dialects render or refuse
//! those parts.

use retort_core::Operation;
use retort_core::dialect::{
    Dependent, DependentKind, Dialect, MySql, Postgres, RebuildSource, Sqlite, render_batch,
};
use retort_core::ops::Recreate;
use retort_core::schema::{
    Column, ForeignKey, Generated, Index, KeyOrder, OnConflict, PrimaryKey, Table, TableName,
    UniqueConstraint,
};
use retort_core::types::ColumnType;

use super::{batch_ops_on, script, show, sqlite3};

/// A table with every part only SQLite has (but `WITHOUT ROWID`, which
/// AUTOINCREMENT excludes: see [`kv`]).
fn ticket() -> Table {
    let mut id = Column::new("id", ColumnType::Integer).primary_key();
    id.sqlite_autoincrement = true;
    let mut code = Column::new("code", ColumnType::Text).not_null();
    code.collation = Some("NOCASE".into());
    code.not_null_on_conflict = Some(OnConflict::Ignore);
    let generated = |name: &str, expression: &str, stored| Column {
        generated: Some(Generated {
            expression: expression.into(),
            stored,
        }),
        ..Column::new(name, ColumnType::Integer)
    };
    let mut t = Table::new(TableName::new("ticket"))
        .column(id)
        .column(code)
        .column(Column::new("qty", ColumnType::Integer).default_sql("1"))
        .column(generated("twice", "qty * 2", true))
        .column(generated("label", "'#' || id", false))
        .column(Column::new("owner_id", ColumnType::Integer));
    t.primary_key = Some(PrimaryKey {
        name: None,
        columns: vec!["id".into()],
        on_conflict: Some(OnConflict::Replace),
    });
    t.uniques.push(UniqueConstraint {
        name: Some("uq_ticket_code".into()),
        columns: vec!["code".into()],
        on_conflict: Some(OnConflict::Fail),
    });
    t.foreign_keys.push(ForeignKey {
        name: Some("fk_ticket_owner".into()),
        columns: vec!["owner_id".into()],
        referent_table: TableName::new("owner"),
        referent_columns: vec!["id".into()],
        on_delete: Some("CASCADE".into()),
        match_kind: Some("SIMPLE".into()),
        deferrable: true,
        initially_deferred: true,
        ..ForeignKey::default()
    });
    t.indexes.push(Index {
        name: "ix_ticket_code_qty".into(),
        columns: vec!["code".into(), "qty".into(), "(qty + 1)".into()],
        orders: vec![
            KeyOrder {
                collation: Some("RTRIM".into()),
                descending: false,
                opclass: None,
            },
            KeyOrder {
                collation: None,
                descending: true,
                opclass: None,
            },
            KeyOrder {
                collation: None,
                descending: true,
                opclass: None,
            },
        ],
        ..Index::default()
    });
    t.strict = true;
    t
}

/// `WITHOUT ROWID`.
fn kv() -> Table {
    let mut t = Table::new(TableName::new("kv"))
        .column(Column::new("k", ColumnType::Text).primary_key())
        .column(Column::new("v", ColumnType::Blob));
    t.without_rowid = true;
    t
}

/// `item`, with its trigger, views over it (one through the other, one
/// with an `INSTEAD OF` trigger) and another table's trigger that names it.
fn item_source() -> RebuildSource {
    let table = Table::new(TableName::new("item"))
        .column(Column::new("id", ColumnType::Integer).primary_key())
        .column(Column::new("name", ColumnType::Text))
        .column(Column::new("price", ColumnType::Integer));
    let dependent = |kind, name: &str, on: &str, sql: &str, names: &[&str]| Dependent {
        kind,
        name: name.into(),
        on: on.into(),
        sql: sql.into(),
        names: names.iter().map(|n| n.to_string()).collect(),
    };
    use DependentKind::{Trigger, View};
    RebuildSource {
        table,
        dependents: vec![
            dependent(
                View,
                "cheap",
                "cheap",
                "CREATE VIEW cheap AS SELECT id, name FROM item WHERE price < 10",
                &["cheap", "id", "item", "name", "price"],
            ),
            dependent(
                Trigger,
                "item_added",
                "item",
                "CREATE TRIGGER item_added AFTER INSERT ON item BEGIN INSERT INTO audit VALUES (NEW.id); END",
                &["audit", "id", "item", "item_added", "new"],
            ),
            dependent(
                View,
                "Cheap Names",
                "Cheap Names",
                "CREATE VIEW \"Cheap Names\" AS SELECT upper(name) AS n FROM cheap",
                &["cheap", "cheap names", "n", "name", "upper"],
            ),
            dependent(
                Trigger,
                "cheap_insert",
                "cheap",
                "CREATE TRIGGER cheap_insert INSTEAD OF INSERT ON cheap BEGIN INSERT INTO item (name, price) VALUES (NEW.name, 1); END",
                &["cheap", "cheap_insert", "item", "name", "new", "price"],
            ),
            dependent(
                Trigger,
                "fulfil",
                "request",
                "CREATE TRIGGER fulfil AFTER INSERT ON request BEGIN INSERT INTO item (name) VALUES (NEW.name); END",
                &["fulfil", "item", "name", "new", "request"],
            ),
        ],
        unkept: vec![],
    }
}

const ADD_EXTRA: &str =
    r#"{ op = "add_column", column = { name = "extra", type = "integer", server_default = "7" } }"#;

#[test]
fn sqlite_rebuild_keeps_what_only_sqlite_has() {
    let mut out = String::new();
    for t in [ticket(), kv()] {
        let (ops, _) = batch_ops_on(&t.name.name, ADD_EXTRA);
        let b = render_batch(&Sqlite, &t.into(), &ops, Recreate::Always).expect("renders");
        out.push_str(&show(&b));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn sqlite_rebuild_drops_and_creates_again_what_depends_on_the_table() {
    let (ops, _) = batch_ops_on(
        "item",
        r#"{ op = "alter_column", column = "price", type = "bigint" }"#,
    );
    let b = render_batch(&Sqlite, &item_source(), &ops, Recreate::Auto).expect("renders");
    insta::assert_snapshot!(show(&b));
}

#[test]
fn rebuilds_that_would_lose_something_are_refused() {
    let mut out = String::new();
    let item = |ops: &str| batch_ops_on("item", ops).0;
    let cases = [
        ("a view uses a dropped column", item_source(), item(r#"{ op = "drop_column", column = "price" }"#)),
        (
            "views and triggers use a renamed column",
            item_source(),
            item(r#"{ op = "alter_column", column = "id", new_name = "item_id", type = "bigint" }"#),
        ),
        ("unkept", RebuildSource {
            unkept: vec!["it is a virtual table (USING fts5), whose rows and columns belong to its module".into()],
            ..item_source()
        }, item(ADD_EXTRA)),
    ];
    for (what, source, ops) in cases {
        let e = render_batch(&Sqlite, &source, &ops, Recreate::Always).expect_err(what);
        out.push_str(&format!("{what}\n  {e}\n"));
    }
    // A rename SQLite does in place renames it in the views and triggers
    // too: nothing to refuse.
    let ops = item(r#"{ op = "alter_column", column = "name", new_name = "title" }"#);
    let b = render_batch(&Sqlite, &item_source(), &ops, Recreate::Auto).expect("in place");
    out.push_str(&format!("a rename alone, in place\n{}", show(&b)));
    insta::assert_snapshot!(out);
}

#[test]
fn other_dialects_render_or_refuse_the_sqlite_parts() {
    // What PostgreSQL and MySQL have too: collations, stored generated
    // columns, descending key parts (AUTOINCREMENT is theirs anyway).
    let mut portable = ticket();
    portable.strict = false;
    portable.primary_key = None;
    portable.uniques[0].on_conflict = None;
    portable.columns[1].not_null_on_conflict = None;
    portable.columns[4].generated = None;
    portable.foreign_keys[0].match_kind = None;
    portable.foreign_keys[0].deferrable = false;
    portable.foreign_keys[0].initially_deferred = false;
    portable.indexes[0].orders[0].collation = None;
    let with = |change: fn(&mut Table)| {
        let mut t = portable.clone();
        change(&mut t);
        t
    };
    let cases = [
        ("portable", portable.clone()),
        (
            "a VIRTUAL generated column",
            with(|t| {
                t.columns[3].generated = Some(Generated {
                    expression: "qty * 2".into(),
                    stored: false,
                })
            }),
        ),
        (
            "MATCH",
            with(|t| t.foreign_keys[0].match_kind = Some("FULL".into())),
        ),
        (
            "DEFERRABLE",
            with(|t| {
                t.foreign_keys[0].deferrable = true;
                t.foreign_keys[0].initially_deferred = true;
            }),
        ),
        (
            "a key part's collation",
            with(|t| t.indexes[0].orders[0].collation = Some("C".into())),
        ),
        ("ON CONFLICT and STRICT", ticket()),
        ("WITHOUT ROWID", kv()),
    ];
    let mut out = String::new();
    for d in [&Postgres as &dyn Dialect, &MySql] {
        out.push_str(&format!("==== {}\n", d.name()));
        for (what, t) in cases.clone() {
            match d.render(&Operation::CreateTable(t)) {
                Ok(statements) => {
                    out.push_str(&format!("-- {what}\n"));
                    out.push_str(&script(statements.into_iter().map(|s| s.into_string())));
                }
                Err(e) => out.push_str(&format!("-- {what}: error: {e}\n")),
            }
        }
    }
    insta::assert_snapshot!(out);
}

#[test]
fn sqlite_rebuild_with_dependents_runs() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("t.db");
    let mut setup = String::from(
        "CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT, price INTEGER);
         CREATE TABLE audit (id INTEGER); CREATE TABLE request (name TEXT);\n",
    );
    setup.push_str(&script(item_source().dependents.into_iter().map(|d| d.sql)));
    setup.push_str("INSERT INTO item VALUES (1, 'pen', 2), (2, 'car', 9000);\n");
    sqlite3(&db, &setup);

    let (ops, _) = batch_ops_on(
        "item",
        r#"{ op = "alter_column", column = "price", type = "bigint" }"#,
    );
    let b = render_batch(&Sqlite, &item_source(), &ops, Recreate::Auto).expect("renders");
    let mut run = String::from("PRAGMA foreign_keys=OFF;\nBEGIN;\n");
    run.push_str(&script(b.statements.into_iter().map(|s| s.into_string())));
    run.push_str("COMMIT;\n");
    sqlite3(&db, &run);

    let out = sqlite3(
        &db,
        "INSERT INTO cheap (name) VALUES ('cup');
         INSERT INTO request VALUES ('hat');
         SELECT n FROM \"Cheap Names\" ORDER BY n;
         SELECT id FROM audit ORDER BY id;
         SELECT type FROM pragma_table_info('item') WHERE name = 'price';",
    );
    assert_eq!(out, "CUP\nPEN\n1\n2\n3\n4\nBIGINT\n");
}
