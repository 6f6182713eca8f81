//! Nothing lost, nothing applied twice: regression tests for runs that
//! lost or duplicated data, and for plans that must be checked before
//! their first statement.

use crate::harness::{Project, rev};
use crate::migrate_db::{Db, Kind, per_db, table_rev, write_rev};

per_db!(
    overlong_revision_id_is_refused_before_anything_runs,
    overlong_tag_is_refused_before_anything_runs,
    bad_field_in_a_later_revision_stops_before_the_first,
    bad_target_creates_nothing,
);

/// Turns `transaction_per_migration` off in the project's configuration.
fn one_transaction(p: &Project) {
    p.append(
        "migrations/retort.toml",
        "\ntransaction_per_migration = false\n",
    );
}

/// A parent table and a child whose rows cascade on delete, two of each.
const PARENT_AND_CHILD: &str = r#"
[[upgrade]]
op = "create_table"
table = "parent"
columns = [
    { name = "id", type = "integer", primary_key = true },
    { name = "name", type = "varchar(20)" },
]

[[upgrade]]
op = "create_table"
table = "child"
columns = [
    { name = "id", type = "integer", primary_key = true },
    { name = "parent_id", type = "integer", nullable = false },
]
foreign_keys = [{ columns = ["parent_id"], referent_table = "parent", referent_columns = ["id"], on_delete = "CASCADE" }]

[[upgrade]]
op = "execute"
sql = "INSERT INTO parent (id, name) VALUES (1, 'a'), (2, 'b')"

[[upgrade]]
op = "execute"
sql = "INSERT INTO child (id, parent_id) VALUES (10, 1), (20, 2)"
"#;

/// A rebuild of the parent table (a type change SQLite cannot ALTER).
const REBUILD_PARENT: &str = r#"
[[upgrade]]
op = "batch_alter_table"
table = "parent"
recreate = "always"
ops = [{ op = "alter_column", table = "parent", column = "name", type = "varchar(40)" }]
"#;

/// Issue 9 case 1: with one transaction for the whole run, a rebuild of a
/// parent table dropped the old table with foreign keys enforced, so
/// `ON DELETE CASCADE` emptied the child table.
#[test]
fn sqlite_rebuild_in_one_transaction_keeps_cascading_children() {
    let p = Project::init();
    one_transaction(&p);
    let db = Db::fresh(Kind::Sqlite, &p);
    write_rev(&p, &rev("000000000001"), PARENT_AND_CHILD);
    write_rev(
        &p,
        &rev("000000000002").down(&["000000000001"]),
        REBUILD_PARENT,
    );
    db.ok(&p, &["upgrade", "head"]);
    assert_eq!(db.rows("SELECT id FROM child ORDER BY id"), ["10", "20"]);
    assert_eq!(db.versions(), ["000000000002"]);
    // Enforcement is on again afterwards: a cascade still cascades.
    let after =
        db.sql("PRAGMA foreign_keys=ON; DELETE FROM parent WHERE id = 1; SELECT id FROM child;");
    assert_eq!(after.trim(), "20");
}

/// The same in one run of two revisions, one transaction each (the
/// default): the children survive too.
#[test]
fn sqlite_rebuild_per_revision_keeps_cascading_children() {
    let p = Project::init();
    let db = Db::fresh(Kind::Sqlite, &p);
    write_rev(&p, &rev("000000000001"), PARENT_AND_CHILD);
    write_rev(
        &p,
        &rev("000000000002").down(&["000000000001"]),
        REBUILD_PARENT,
    );
    db.ok(&p, &["upgrade", "head"]);
    assert_eq!(db.rows("SELECT id FROM child ORDER BY id"), ["10", "20"]);
}

/// Issue 9 case 4: a revision id longer than the version table's 32
/// characters ran its DDL on MariaDB and then failed to record it. Now
/// the plan is refused before anything runs, everywhere.
fn overlong_revision_id_is_refused_before_anything_runs(kind: Kind) {
    let p = Project::init();
    let db = Db::fresh(kind, &p);
    let long = "a".repeat(40);
    write_rev(&p, &rev(&long), &table_rev("long"));
    let run = db.fails(&p, &["upgrade", "head"]);
    assert!(run.stderr.contains(&long), "{}", run.describe());
    assert!(run.stderr.contains("32"), "{}", run.describe());
    assert_untouched(&db);
}

/// Issue 9 case 4: a `--tag` longer than the log table's 255 characters.
fn overlong_tag_is_refused_before_anything_runs(kind: Kind) {
    let p = Project::init();
    let db = Db::fresh(kind, &p);
    write_rev(&p, &rev("000000000001"), &table_rev("000000000001"));
    let tag = "t".repeat(300);
    let run = db.fails(&p, &["upgrade", "--tag", &tag, "head"]);
    assert!(run.stderr.contains("--tag"), "{}", run.describe());
    assert_untouched(&db);
}

/// Issue 9 case 8: a misspelt field in the third revision stopped the run
/// after the first two had committed, and the error lost its file and line.
fn bad_field_in_a_later_revision_stops_before_the_first(kind: Kind) {
    let p = Project::init();
    let db = Db::fresh(kind, &p);
    write_rev(&p, &rev("000000000001"), &table_rev("000000000001"));
    write_rev(
        &p,
        &rev("000000000002").down(&["000000000001"]),
        &table_rev("000000000002"),
    );
    write_rev(
        &p,
        &rev("000000000003").down(&["000000000002"]),
        "\n[[upgrade]]\nop = \"add_column\"\ntable = \"t_000000000001\"\ncolumn = { name = \"x\", typ = \"integer\" }\n",
    );
    let run = db.fails(&p, &["upgrade", "head"]);
    assert!(
        run.stderr.contains("000000000003.toml:"),
        "the error names the file and line\n{}",
        run.describe()
    );
    assert!(run.stderr.contains("typ"), "{}", run.describe());
    assert_untouched(&db);
}

/// Issue 9 case 8: `upgrade` to a revision that does not exist created the
/// SQLite file and the version tables before failing.
fn bad_target_creates_nothing(kind: Kind) {
    let p = Project::init();
    let db = Db::fresh(kind, &p);
    write_rev(&p, &rev("000000000001"), &table_rev("000000000001"));
    let run = db.fails(&p, &["upgrade", "nosuchrevision"]);
    assert!(run.stderr.contains("nosuchrevision"), "{}", run.describe());
    assert_untouched(&db);
}

/// Nothing was created: no SQLite file at all, no table on a server.
#[track_caller]
fn assert_untouched(db: &Db) {
    if db.kind == Kind::Sqlite {
        assert!(
            !std::path::Path::new(&db.name).exists(),
            "the SQLite file {} was created",
            db.name
        );
    } else {
        assert!(
            db.tables().is_empty(),
            "tables were created: {:?}",
            db.tables()
        );
    }
}

per_db!(offline_script_from_base_replays_where_the_version_table_exists);

/// An offline script from base creates retort's tables `IF NOT EXISTS`:
/// it runs on a database that already has an (empty) version table.
fn offline_script_from_base_replays_where_the_version_table_exists(kind: Kind) {
    let p = Project::init();
    let db = Db::fresh(kind, &p);
    write_rev(&p, &rev("000000000001"), &table_rev("000000000001"));
    db.ok(&p, &["stamp", "base"]);
    assert!(db.tables().contains(&"retort_version".to_owned()));
    let script = db.ok(&p, &["upgrade", "--sql"]).stdout;
    let out = db.pipe(&script);
    crate::migrate_db::assert_piped(&out, "the script on a database with a version table");
    assert_eq!(db.versions(), ["000000000001"]);
    assert_eq!(db.user_tables(), ["t_000000000001"]);
}
