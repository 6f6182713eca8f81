//! SQLite introspection: tables created by the core's rendering read back
//! equal, hand-written tables read back complete, and a batch rebuild from
//! the inspected definition keeps rows, indexes, keys and checks. `rebuild`
//! has what else a rebuild reads and keeps: dependent views and triggers,
//! and the parts only SQLite has.

mod rebuild;

use retort_core::Operation;
use retort_core::dialect::{Dialect, Sqlite, render_batch};
use retort_core::ops::{AlterColumn, Recreate, Setting, apply_to_table};
use retort_core::schema::{
    CheckConstraint, Column, ForeignKey, Index, OnConflict, PrimaryKey, Table, TableName,
    UniqueConstraint,
};
use retort_core::types::ColumnType;
use retort_db::inspect::{inspect_sqlite_rebuild, inspect_sqlite_table};
use retort_db::{Connection, DbError};

use crate::support::TestDb;

fn create(conn: &mut dyn Connection, table: &Table) {
    for s in Sqlite
        .render(&Operation::CreateTable(table.clone()))
        .unwrap()
    {
        conn.execute(s.as_str()).unwrap();
    }
}

fn inspect(conn: &mut dyn Connection, name: &TableName) -> Table {
    inspect_sqlite_table(conn, name)
        .unwrap()
        .unwrap_or_else(|| panic!("{name} not found"))
}

fn col(name: &str, ty: &str) -> Column {
    Column::new(name, ColumnType::parse(ty).unwrap())
}

/// `table` as SQLite keeps it: no comments, each type as SQLite renders
/// it (a portable type only when it renders back to the same text), the
/// key's columns marked and a table-level key only when named or out of
/// table order, `autoincrement` only for the `AUTOINCREMENT` keyword.
fn normalise(table: &Table) -> Table {
    let mut t = table.clone();
    t.comment = None;
    let key = t.primary_key_columns();
    for c in &mut t.columns {
        c.comment = None;
        c.autoincrement = c.sqlite_autoincrement.then_some(true);
        c.primary_key = key.contains(&c.name);
        let text = Sqlite.render_type(&c.ty).unwrap();
        c.ty = match ColumnType::parse(&text) {
            Ok(ty) if Sqlite.render_type(&ty).unwrap() == text => ty,
            _ => ColumnType::Other(text),
        };
    }
    let name = t.primary_key.as_ref().and_then(|p| p.name.clone());
    let in_order: Vec<String> = t
        .columns
        .iter()
        .filter(|c| c.primary_key)
        .map(|c| c.name.clone())
        .collect();
    t.primary_key = (name.is_some() || in_order != key).then_some(PrimaryKey {
        name,
        columns: key,
        ..Default::default()
    });
    for fk in &mut t.foreign_keys {
        fk.referent_table.schema = None;
    }
    t
}

fn round_trip(conn: &mut dyn Connection, table: &Table) {
    create(conn, table);
    assert_eq!(
        inspect(conn, &table.name),
        normalise(table),
        "{}",
        table.name
    );
}

/// Reserved words, mixed case and quotes in names; every kind of default,
/// index and constraint.
fn order_table() -> Table {
    let mut t = Table::new(TableName::new("order"))
        .column(col("id", "integer").primary_key())
        .column(col("Select", "varchar(20)").not_null().default_sql("''"))
        .column(col("qty", "integer").not_null().default_sql("0"))
        .column(col("created", "datetime").default_sql("CURRENT_TIMESTAMP"))
        .column(col("note", "text").default_sql("'it''s'"))
        .column(col("say \"hi\"", "text"))
        .column(col("price", "numeric(10, 2)").default_sql("(1 + 2)"))
        .column(col("kind", "enum('a', 'bb')"))
        .column(col("uid", "uuid"))
        .column(col("flag", "boolean").default_sql("1"))
        .column(col("ts", "timestamptz").default_sql("-1"));
    t.comment = Some("orders".into());
    t.columns[1].comment = Some("a column comment".into());
    t.columns[8].unique = true;
    t.indexes = vec![
        Index {
            name: "ix_order_Select".into(),
            columns: vec!["Select".into()],
            unique: false,
            where_clause: None,
            ..Default::default()
        },
        Index {
            name: "uq ix".into(),
            columns: vec!["qty".into(), "created".into()],
            unique: true,
            where_clause: None,
            ..Default::default()
        },
        Index {
            name: "ix_partial".into(),
            columns: vec!["note".into()],
            unique: false,
            where_clause: Some("qty > 0 AND \"say \"\"hi\"\"\" <> ')'".into()),
            ..Default::default()
        },
    ];
    t.uniques = vec![
        UniqueConstraint {
            name: Some("uq_note".into()),
            columns: vec!["note".into(), "say \"hi\"".into()],
            ..Default::default()
        },
        UniqueConstraint {
            name: None,
            columns: vec!["price".into()],
            ..Default::default()
        },
    ];
    t.checks = vec![
        CheckConstraint {
            name: Some("ck_qty".into()),
            condition: "qty >= 0".into(),
        },
        CheckConstraint {
            name: None,
            condition: "length(\"Select\") < 30 OR \"Select\" = 'a,(b'".into(),
        },
    ];
    t
}

fn parent_table() -> Table {
    let mut t = Table::new(TableName::new("Parent"))
        .column(col("a", "integer").not_null())
        .column(col("b", "text").not_null());
    t.primary_key = Some(PrimaryKey {
        name: Some("pk_parent".into()),
        columns: vec!["b".into(), "a".into()],
        ..Default::default()
    });
    t
}

fn child_table() -> Table {
    let mut t = Table::new(TableName::new("child"))
        .column(col("x", "integer").primary_key())
        .column(col("y", "integer").primary_key())
        .column(col("pa", "integer"))
        .column(col("pb", "text"))
        .column(col("order_id", "integer"));
    t.foreign_keys = vec![
        ForeignKey {
            name: Some("fk_child_parent".into()),
            columns: vec!["pb".into(), "pa".into()],
            referent_table: TableName::new("Parent"),
            referent_columns: vec!["b".into(), "a".into()],
            on_delete: Some("CASCADE".into()),
            on_update: Some("SET NULL".into()),
            ..Default::default()
        },
        ForeignKey {
            name: None,
            columns: vec!["order_id".into()],
            referent_table: TableName::new("order"),
            referent_columns: vec!["id".into()],
            on_delete: Some("SET DEFAULT".into()),
            on_update: None,
            ..Default::default()
        },
    ];
    t
}

#[test]
fn rendered_tables_read_back_equal() {
    let db = TestDb::sqlite();
    let mut conn = db.connect();
    for table in [order_table(), parent_table(), child_table()] {
        round_trip(conn.as_mut(), &table);
    }
}

#[test]
fn attached_databases_and_names_in_any_case() {
    let mut db = TestDb::sqlite();
    let mut conn = db.connect();
    let schema = db.other_schema(conn.as_mut());
    let mut t = order_table();
    t.name = TableName::in_schema(&schema, "order");
    round_trip(conn.as_mut(), &t);
    // The same name in `main` is another table.
    assert!(
        inspect_sqlite_table(conn.as_mut(), &TableName::new("order"))
            .unwrap()
            .is_none()
    );
    create(conn.as_mut(), &parent_table());
    let found = inspect(conn.as_mut(), &TableName::new("PARENT"));
    assert_eq!(found.name, TableName::new("Parent"));
}

#[test]
fn missing_tables_are_none() {
    let db = TestDb::sqlite();
    let mut conn = db.connect();
    conn.execute("CREATE VIEW v AS SELECT 1 AS one").unwrap();
    for name in [
        TableName::new("nope"),
        TableName::new("v"),
        TableName::in_schema("not attached", "nope"),
    ] {
        assert_eq!(inspect_sqlite_table(conn.as_mut(), &name).unwrap(), None);
    }
}

#[test]
fn hand_written_sql() {
    let db = TestDb::sqlite();
    let mut conn = db.connect();
    conn.execute(
        "CREATE TABLE parent (id INTEGER PRIMARY KEY AUTOINCREMENT, code TEXT NOT NULL UNIQUE);
         CREATE TABLE \"Hand Made\" ( -- a comment, with (parentheses
           id integer CONSTRAINT pk_hand PRIMARY KEY, /* block, comment */
           code TEXT CONSTRAINT uq_code UNIQUE CHECK (code <> ''),
           parent_id INT REFERENCES parent ON DELETE CASCADE,
           parent_code TEXT CONSTRAINT fk_code REFERENCES parent (code) DEFERRABLE INITIALLY DEFERRED,
           amount REAL DEFAULT (1 + 2) CONSTRAINT ck_amount CHECK (amount > 0),
           [x,y] BLOB NOT NULL DEFAULT -1,
           UNIQUE (parent_id, amount) ON CONFLICT REPLACE
         );
         CREATE TABLE w (a INTEGER, b, PRIMARY KEY (a AUTOINCREMENT));
         CREATE TABLE kv (k TEXT PRIMARY KEY, v BLOB) WITHOUT ROWID;",
    )
    .unwrap();

    let parent = inspect(conn.as_mut(), &TableName::new("parent"));
    assert_eq!(parent.columns[0].autoincrement, Some(true));
    assert!(parent.columns[0].sqlite_autoincrement);
    assert!(parent.columns[0].primary_key && parent.columns[1].unique);
    assert!(parent.uniques.is_empty() && parent.primary_key.is_none());

    let other = |ty: &str| ColumnType::Other(ty.into());
    let expected = Table {
        name: TableName::new("Hand Made"),
        columns: vec![
            // A lone INTEGER primary key is the rowid: never NULL, even
            // though NOT NULL was not written.
            Column {
                primary_key: true,
                nullable: false,
                ..col("id", "integer")
            },
            col("code", "text"),
            Column::new("parent_id", other("INT")),
            col("parent_code", "text"),
            Column::new("amount", other("REAL")).default_sql("(1 + 2)"),
            col("x,y", "blob").not_null().default_sql("-1"),
        ],
        primary_key: Some(PrimaryKey {
            name: Some("pk_hand".into()),
            columns: vec!["id".into()],
            ..Default::default()
        }),
        uniques: vec![
            UniqueConstraint {
                name: Some("uq_code".into()),
                columns: vec!["code".into()],
                ..Default::default()
            },
            UniqueConstraint {
                name: None,
                columns: vec!["parent_id".into(), "amount".into()],
                on_conflict: Some(OnConflict::Replace),
            },
        ],
        indexes: vec![],
        foreign_keys: vec![
            ForeignKey {
                name: None,
                columns: vec!["parent_id".into()],
                referent_table: TableName::new("parent"),
                referent_columns: vec!["id".into()],
                on_delete: Some("CASCADE".into()),
                on_update: None,
                ..Default::default()
            },
            ForeignKey {
                name: Some("fk_code".into()),
                columns: vec!["parent_code".into()],
                referent_table: TableName::new("parent"),
                referent_columns: vec!["code".into()],
                on_delete: None,
                on_update: None,
                deferrable: true,
                initially_deferred: true,
                ..Default::default()
            },
        ],
        checks: vec![
            CheckConstraint {
                name: None,
                condition: "code <> ''".into(),
            },
            CheckConstraint {
                name: Some("ck_amount".into()),
                condition: "amount > 0".into(),
            },
        ],
        comment: None,
        ..Default::default()
    };
    let hand = TableName::new("Hand Made");
    assert_eq!(inspect(conn.as_mut(), &hand), expected);
    // Rebuilt from what was read, it reads back the same, plus the column.
    let ops = [Operation::AddColumn {
        table: hand.clone(),
        column: col("extra", "text"),
    }];
    rebuild(conn.as_mut(), &hand, &ops);
    let (after, _) = apply_to_table(&expected, &ops).unwrap();
    assert_eq!(inspect(conn.as_mut(), &hand), after);

    let w = inspect(conn.as_mut(), &TableName::new("w"));
    assert_eq!(w.columns[0].autoincrement, Some(true));
    assert!(w.columns[0].sqlite_autoincrement);
    assert_eq!(w.columns[1].ty, other(""));
    assert_eq!(w.primary_key_columns(), ["a"]);

    let kv = inspect(conn.as_mut(), &TableName::new("kv"));
    assert_eq!(kv.primary_key_columns(), ["k"]);
    assert!(kv.uniques.is_empty() && kv.indexes.is_empty());
    assert!(kv.without_rowid && !kv.strict);
}

#[test]
fn virtual_tables_are_an_error_and_expression_indexes_are_held() {
    let db = TestDb::sqlite();
    let mut conn = db.connect();
    conn.execute(
        "CREATE VIRTUAL TABLE doc USING fts5(body);
         CREATE TABLE e (a TEXT);
         CREATE INDEX ix_e ON e (lower(a));",
    )
    .unwrap();
    match inspect_sqlite_table(conn.as_mut(), &TableName::new("doc")) {
        Err(e @ DbError::BadValue { .. }) => {
            assert!(e.to_string().contains("VIRTUAL"), "{e}")
        }
        other => panic!("doc: {other:?}"),
    }
    // An expression index is held: its key part is the expression's text.
    let e = inspect_sqlite_table(conn.as_mut(), &TableName::new("e"))
        .unwrap()
        .expect("table e");
    assert_eq!(e.indexes[0].columns, ["(lower(a))"]);
}

fn book_table() -> Table {
    let mut t = Table::new(TableName::new("book"))
        .column(col("id", "integer").primary_key())
        .column(col("title", "varchar(100)").not_null())
        .column(col("author_id", "integer"))
        .column(col("price", "numeric(10, 2)").default_sql("'0'"))
        .column(col("rating", "integer"))
        .column(col("obsolete", "text"));
    t.indexes = vec![
        Index {
            name: "ix_book_title".into(),
            columns: vec!["title".into()],
            unique: false,
            where_clause: None,
            ..Default::default()
        },
        Index {
            name: "uq_book_author_title".into(),
            columns: vec!["author_id".into(), "title".into()],
            unique: true,
            where_clause: Some("rating IS NOT NULL".into()),
            ..Default::default()
        },
    ];
    t.uniques = vec![UniqueConstraint {
        name: Some("uq_book_rating".into()),
        columns: vec!["rating".into(), "author_id".into()],
        ..Default::default()
    }];
    t.foreign_keys = vec![ForeignKey {
        name: Some("fk_book_author".into()),
        columns: vec!["author_id".into()],
        referent_table: TableName::new("author"),
        referent_columns: vec!["id".into()],
        on_delete: Some("CASCADE".into()),
        on_update: None,
        ..Default::default()
    }];
    t.checks = vec![
        CheckConstraint {
            name: Some("ck_price".into()),
            condition: "price >= 0".into(),
        },
        CheckConstraint {
            name: None,
            condition: "length(title) > 0".into(),
        },
    ];
    t
}

/// Runs a move-and-copy batch of `table` as the runner does: the table
/// and its dependents read from the database, foreign keys off around the
/// transaction, and checked before it commits.
fn rebuild(c: &mut dyn Connection, table: &TableName, ops: &[Operation]) {
    let source = inspect_sqlite_rebuild(c, table)
        .unwrap()
        .expect("the table");
    let batch = render_batch(&Sqlite, &source, ops, Recreate::Always).unwrap();
    assert!(batch.recreated && batch.foreign_keys_off);
    c.execute("PRAGMA foreign_keys=OFF").unwrap();
    c.begin().unwrap();
    for s in &batch.statements {
        c.execute(s.as_str()).unwrap();
    }
    assert_eq!(rows(c, "PRAGMA foreign_key_check"), Vec::<Vec<_>>::new());
    c.commit().unwrap();
    c.execute("PRAGMA foreign_keys=ON").unwrap();
}

fn rows(conn: &mut dyn Connection, sql: &str) -> Vec<Vec<Option<String>>> {
    conn.query_strings(sql).unwrap()
}

#[test]
fn batch_rebuild_from_the_inspected_table() {
    let db = TestDb::sqlite();
    let mut conn = db.connect();
    let c = conn.as_mut();
    c.execute("PRAGMA foreign_keys=ON").unwrap();
    create(
        c,
        &Table::new(TableName::new("author"))
            .column(col("id", "integer").primary_key())
            .column(col("name", "text").not_null()),
    );
    create(c, &book_table());
    c.execute(
        "CREATE TABLE review (id INTEGER PRIMARY KEY, book_id INTEGER NOT NULL \
         REFERENCES book (id) ON DELETE CASCADE, stars INTEGER);
         INSERT INTO author VALUES (1, 'Ann'), (2, 'Bo');
         INSERT INTO book VALUES (1, 'One', 1, 9.5, 3, 'x'), (2, 'Two', 1, NULL, NULL, 'y'),
                                 (3, 'Three', 2, 0, 5, NULL);
         INSERT INTO review VALUES (1, 1, 4), (2, 3, 5);",
    )
    .unwrap();

    let book = TableName::new("book");
    let current = inspect(c, &book);
    assert_eq!(current, normalise(&book_table()));
    let ops = vec![
        Operation::AddColumn {
            table: book.clone(),
            column: col("isbn", "varchar(20)").not_null().default_sql("''"),
        },
        Operation::DropColumn {
            table: book.clone(),
            column: "obsolete".into(),
            definition: None,
        },
        Operation::AlterColumn(AlterColumn {
            table: book.clone(),
            column: "price".into(),
            nullable: Some(false),
            server_default: Some(Setting::Set("1".into())),
            ..AlterColumn::default()
        }),
    ];
    // The NULL price must be filled before it can become NOT NULL.
    c.execute("UPDATE book SET price = 1 WHERE price IS NULL")
        .unwrap();
    rebuild(c, &book, &ops);

    let (expected, _) = apply_to_table(&current, &ops).unwrap();
    assert_eq!(inspect(c, &book), expected);
    let some = |s: &str| Some(s.to_owned());
    assert_eq!(
        rows(
            c,
            "SELECT id, title, author_id, price, rating, isbn FROM book ORDER BY id"
        ),
        vec![
            vec![
                some("1"),
                some("One"),
                some("1"),
                some("9.5"),
                some("3"),
                some("")
            ],
            vec![some("2"), some("Two"), some("1"), some("1"), None, some("")],
            vec![
                some("3"),
                some("Three"),
                some("2"),
                some("0"),
                some("5"),
                some("")
            ],
        ]
    );
    // The keys and checks still act: the check refuses, the unique
    // constraint refuses, and deleting an author cascades to its books and
    // their reviews.
    assert!(
        c.execute("UPDATE book SET price = -1 WHERE id = 1")
            .is_err()
    );
    assert!(
        c.execute("INSERT INTO book (title, author_id, rating) VALUES ('x', 1, 3)")
            .is_err()
    );
    assert!(
        c.execute("INSERT INTO book (title, author_id) VALUES ('x', 9)")
            .is_err()
    );
    c.execute("DELETE FROM author WHERE id = 1").unwrap();
    assert_eq!(rows(c, "SELECT id FROM book"), vec![vec![some("3")]]);
    assert_eq!(rows(c, "SELECT id FROM review"), vec![vec![some("2")]]);
}
