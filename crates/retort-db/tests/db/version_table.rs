//! The version table on every database: created when missing, read, and
//! changed by every kind of `VersionUpdate`.

use retort_core::RevisionId;
use retort_core::graph::VersionUpdate;
use retort_db::{DbError, DialectName, VersionTable};

use crate::support::{TestDb, on_every_database};

fn id(s: &str) -> RevisionId {
    RevisionId::new(s)
}

fn ids(list: &[&str]) -> Vec<RevisionId> {
    list.iter().copied().map(id).collect()
}

fn sorted(mut rows: Vec<RevisionId>) -> Vec<RevisionId> {
    rows.sort();
    rows
}

/// Every kind of update, with the rows expected after each.
fn walk(table: &VersionTable, conn: &mut dyn retort_db::Connection) {
    let steps: Vec<(VersionUpdate, &[&str])> = vec![
        (VersionUpdate::Insert(id("aaa")), &["aaa"]),
        (VersionUpdate::Insert(id("bbb")), &["aaa", "bbb"]),
        (
            VersionUpdate::Update {
                from: id("aaa"),
                to: id("ccc"),
            },
            &["bbb", "ccc"],
        ),
        (
            VersionUpdate::Merge {
                delete: ids(&["bbb"]),
                from: id("ccc"),
                to: id("ddd"),
            },
            &["ddd"],
        ),
        (
            VersionUpdate::Unmerge {
                from: id("ddd"),
                to: id("ccc"),
                insert: ids(&["bbb"]),
            },
            &["bbb", "ccc"],
        ),
        (VersionUpdate::Delete(id("bbb")), &["ccc"]),
        (VersionUpdate::Insert(id("eee")), &["ccc", "eee"]),
        (VersionUpdate::Purge, &[]),
    ];
    let mut model = Vec::new();
    for (update, expected) in steps {
        table.apply(conn, &update).unwrap();
        update.apply(&mut model).unwrap();
        let rows = sorted(table.read(conn).unwrap());
        assert_eq!(rows, ids(expected), "after {update:?}");
        assert_eq!(rows, sorted(model.clone()), "the core's model agrees");
    }
}

fn created_read_and_changed_by_every_update(db: &mut TestDb) {
    let mut conn = db.connect();
    let table = VersionTable::new("retort_version", None);
    assert!(!table.exists(conn.as_mut()).unwrap());
    assert!(
        table.read(conn.as_mut()).unwrap().is_empty(),
        "missing reads as empty"
    );
    table.ensure(conn.as_mut()).unwrap();
    table.ensure(conn.as_mut()).unwrap();
    assert!(table.exists(conn.as_mut()).unwrap());
    walk(&table, conn.as_mut());
}

fn a_non_default_name_and_schema(db: &mut TestDb) {
    let mut conn = db.connect();
    let schema = db.other_schema(conn.as_mut());
    let table = VersionTable::new("Version \"Table\" `x`", Some(schema.clone()));
    table.ensure(conn.as_mut()).unwrap();
    assert!(table.exists(conn.as_mut()).unwrap());
    // The default table is elsewhere and still missing.
    let default = VersionTable::new("retort_version", None);
    assert!(!default.exists(conn.as_mut()).unwrap());
    walk(&table, conn.as_mut());
    // The table really is in that schema.
    let in_schema = VersionTable::new("Version \"Table\" `x`", None);
    assert!(
        !in_schema.exists(conn.as_mut()).unwrap(),
        "not in the default schema"
    );
}

fn the_primary_key_refuses_a_duplicate_row(db: &mut TestDb) {
    let mut conn = db.connect();
    let table = VersionTable::new("retort_version", None);
    table.ensure(conn.as_mut()).unwrap();
    let sql = table.update_statements(db.dialect(), &VersionUpdate::Insert(id("aaa")));
    conn.execute(&sql[0]).unwrap();
    let err = conn.execute(&sql[0]).unwrap_err();
    assert!(matches!(err, DbError::Statement { .. }), "{err}");
}

fn a_row_that_is_not_there_is_an_error(db: &mut TestDb) {
    let mut conn = db.connect();
    let table = VersionTable::new("retort_version", None);
    table.ensure(conn.as_mut()).unwrap();
    table
        .apply(conn.as_mut(), &VersionUpdate::Insert(id("aaa")))
        .unwrap();
    for update in [
        VersionUpdate::Delete(id("zzz")),
        VersionUpdate::Update {
            from: id("zzz"),
            to: id("bbb"),
        },
    ] {
        let err = table.apply(conn.as_mut(), &update).unwrap_err();
        assert!(
            matches!(err, DbError::VersionRows { found: 0, .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("\"zzz\""), "{err}");
        assert!(err.to_string().contains("retort current"), "{err}");
    }
    assert_eq!(table.read(conn.as_mut()).unwrap(), ids(&["aaa"]));
}

on_every_database!(
    created_read_and_changed_by_every_update,
    a_non_default_name_and_schema,
    the_primary_key_refuses_a_duplicate_row,
    a_row_that_is_not_there_is_an_error,
);

#[test]
fn statements_as_text_for_offline_scripts() {
    let table = VersionTable::new("retort_version", Some("ops".into()));
    assert_eq!(
        table.create_sql(DialectName::Postgresql),
        "CREATE TABLE IF NOT EXISTS \"ops\".\"retort_version\" (\n    version_num VARCHAR(32) NOT NULL,\n    \
         CONSTRAINT \"retort_version_pkc\" PRIMARY KEY (version_num)\n)"
    );
    let merge = VersionUpdate::Merge {
        delete: ids(&["a1", "b2"]),
        from: id("c3"),
        to: id("d4"),
    };
    assert_eq!(
        table.update_statements(DialectName::Mysql, &merge),
        vec![
            "DELETE FROM `ops`.`retort_version` WHERE version_num = 'a1'",
            "DELETE FROM `ops`.`retort_version` WHERE version_num = 'b2'",
            "UPDATE `ops`.`retort_version` SET version_num = 'd4' WHERE version_num = 'c3'",
        ]
    );
    let unmerge = VersionUpdate::Unmerge {
        from: id("d4"),
        to: id("c3"),
        insert: ids(&["a1"]),
    };
    let plain = VersionTable::new("retort_version", None);
    assert_eq!(
        plain.update_statements(DialectName::Sqlite, &unmerge),
        vec![
            "INSERT INTO \"retort_version\" (version_num) VALUES ('a1')",
            "UPDATE \"retort_version\" SET version_num = 'c3' WHERE version_num = 'd4'",
        ]
    );
    assert_eq!(
        plain.update_statements(DialectName::Postgresql, &VersionUpdate::Purge),
        vec!["DELETE FROM \"retort_version\""]
    );
}
