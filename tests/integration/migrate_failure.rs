//! A revision that fails midway (SPEC section 6): where DDL is
//! transactional (SQLite, PostgreSQL) nothing of it remains; on MariaDB its
//! applied operations are undone by their inverses and the message says
//! so; everywhere the version table stays at the last good revision.

use crate::harness::{Project, rev};
use crate::migrate_db::{Db, Kind, per_db, table_rev, write_rev};

per_db!(failed_revision_leaves_the_last_good_one);

const GOOD1: &str = "000000000001";
const GOOD2: &str = "000000000002";
const BAD: &str = "0000000000ba";

fn failed_revision_leaves_the_last_good_one(kind: Kind) {
    let p = Project::init();
    let db = Db::fresh(kind, &p);
    write_rev(&p, &rev(GOOD1).message("first"), &table_rev(GOOD1));
    write_rev(
        &p,
        &rev(GOOD2).down(&[GOOD1]).message("second"),
        &table_rev(GOOD2),
    );
    write_rev(
        &p,
        &rev(BAD).down(&[GOOD2]).message("breaks"),
        &format!(
            r#"
[[upgrade]]
op = "create_table"
table = "half_done"
columns = [{{ name = "id", type = "integer", primary_key = true }}]

[[upgrade]]
op = "add_column"
table = "t_{GOOD2}"
column = {{ name = "extra", type = "varchar(20)" }}

[[upgrade]]
op = "execute"
sql = "THIS IS NOT SQL AT ALL"

[[upgrade]]
op = "add_column"
table = "t_{GOOD1}"
column = {{ name = "never", type = "integer" }}

[[downgrade]]
op = "drop_column"
table = "t_{GOOD2}"
column = "extra"

[[downgrade]]
op = "drop_table"
table = "half_done"
"#
        ),
    );

    let run = db.fails(&p, &["upgrade", "head"]);
    // The message names the revision, the step and the operation.
    run.stderr_has(BAD)
        .stderr_has(&format!("upgrade {GOOD2} -> {BAD}"))
        .stderr_has("upgrade operation 3 (execute")
        .stderr_has(&format!(
            "{} {GOOD2}",
            match kind {
                Kind::Mysql => "the version table is still at",
                _ => "the database is still at",
            }
        ));
    if kind == Kind::Mysql {
        // What was undone, newest first, with the statements.
        run.stderr_has("undid upgrade operation 2 (add_column")
            .stderr_has("undid upgrade operation 1 (create_table")
            .stderr_has("DROP TABLE `half_done`");
        assert!(
            !run.stderr.contains("could NOT undo"),
            "everything could be undone\n{}",
            run.describe()
        );
    } else {
        run.stderr_has(&format!("nothing of {BAD} was applied"));
    }

    // Exactly at the last good revision, nothing of the failed one applied.
    assert_eq!(db.versions(), [GOOD2], "the version table");
    assert_eq!(db.current(&p), [GOOD2], "`retort current`");
    assert_eq!(
        db.user_tables(),
        [format!("t_{GOOD1}"), format!("t_{GOOD2}")],
        "the failed revision's create_table is gone"
    );
    assert_eq!(
        db.columns(&format!("t_{GOOD2}")),
        ["id"],
        "the failed revision's add_column is gone"
    );
    assert_eq!(db.columns(&format!("t_{GOOD1}")), ["id"]);
    let log = db.log();
    assert_eq!(
        log,
        [format!("{GOOD1}|upgrade"), format!("{GOOD2}|upgrade")],
        "the log has no row for the failed revision"
    );

    // Fixed, the revision runs from where the database was left.
    let path = format!("migrations/versions/{BAD}.toml");
    p.write(
        &path,
        &p.read(&path)
            .replace("THIS IS NOT SQL AT ALL", "SELECT 1")
            .replace(
                &format!("[[downgrade]]\nop = \"drop_column\"\ntable = \"t_{GOOD2}\""),
                &format!(
                    "[[downgrade]]\nop = \"drop_column\"\ntable = \"t_{GOOD1}\"\ncolumn = \"never\"\n\n[[downgrade]]\nop = \"drop_column\"\ntable = \"t_{GOOD2}\""
                ),
            ),
    );
    db.ok(&p, &["upgrade", "head"]);
    assert_eq!(db.versions(), [BAD]);
    assert_eq!(db.columns(&format!("t_{GOOD2}")), ["id", "extra"]);
    assert_eq!(db.columns(&format!("t_{GOOD1}")), ["id", "never"]);
    db.ok(&p, &["downgrade", "base"]);
    assert!(db.user_tables().is_empty(), "{:?}", db.user_tables());
}
