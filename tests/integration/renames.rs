//! Renames in autogenerate: a comment on the new name in the models
//! (`-- retort: renamed from OLD`) or a `[renames]` table in `retort.toml`
//! makes `migrate` write `rename_table` / `alter_column new_name` instead
//! of a drop and an add, so the rows stay; without either, each drop and
//! add pair that looks like a rename gets a note with the line to write.

use crate::harness::Project;
use crate::migrate_db::{Db, Kind, per_db};

const V1: &str = "CREATE TABLE client (
    id INTEGER NOT NULL PRIMARY KEY,
    name VARCHAR(40) NOT NULL
);
";

const V2_COMMENTED: &str = "CREATE TABLE customer ( -- retort: renamed from client
    id INTEGER NOT NULL PRIMARY KEY,
    full_name VARCHAR(40) NOT NULL -- retort: renamed from name
);
";

const V2_PLAIN: &str = "CREATE TABLE customer (
    id INTEGER NOT NULL PRIMARY KEY,
    full_name VARCHAR(40) NOT NULL
);
";

/// The revision file `migrate` wrote for `id`.
fn revision(p: &Project, id: &str) -> String {
    let file = p
        .files_in("migrations/versions")
        .into_iter()
        .find(|f| f.starts_with(id))
        .unwrap_or_else(|| panic!("no revision file for {id}"));
    p.read(&format!("migrations/versions/{file}"))
}

/// v1, a row, then v2 (`models`): the revision renames, the row stays,
/// `check` is clean, and the downgrade renames back.
fn renames_keep_the_rows(kind: Kind, v2: &str, config: &str) {
    let p = Project::init();
    let db = Db::fresh(kind, &p);
    if !config.is_empty() {
        let toml = p.read("migrations/retort.toml");
        p.write("migrations/retort.toml", &format!("{toml}\n{config}"));
    }
    p.write("v1.sql", V1);
    p.write("v2.sql", v2);
    db.ok(
        &p,
        &[
            "--models", "v1.sql", "migrate", "-m", "v1", "--rev-id", "r1",
        ],
    );
    db.ok(&p, &["upgrade"]);
    db.sql("INSERT INTO client (id, name) VALUES (1, 'Ada')");
    db.ok(
        &p,
        &[
            "--models", "v2.sql", "migrate", "-m", "v2", "--rev-id", "r2",
        ],
    )
    .stderr_has("Detected renamed table 'client' -> 'customer'")
    .stderr_has("Detected renamed column 'customer.name' -> 'full_name'");
    let text = revision(&p, "r2");
    assert!(text.contains("op = \"rename_table\""), "{text}");
    assert!(text.contains("new_name = \"full_name\""), "{text}");
    assert!(
        !text.contains("drop_table") && !text.contains("drop_column"),
        "{text}"
    );
    db.ok(&p, &["upgrade"]);
    assert_eq!(db.rows("SELECT full_name FROM customer"), ["Ada"]);
    db.ok(&p, &["--models", "v2.sql", "check"]);
    db.ok(&p, &["downgrade", "-1"]);
    assert_eq!(db.rows("SELECT name FROM client"), ["Ada"]);
}

fn a_comment_in_the_models_renames(kind: Kind) {
    renames_keep_the_rows(kind, V2_COMMENTED, "");
}

fn the_renames_table_renames(kind: Kind) {
    renames_keep_the_rows(
        kind,
        V2_PLAIN,
        "[renames]\nclient = \"customer\"\n\"customer.name\" = \"full_name\"\n",
    );
}

per_db!(a_comment_in_the_models_renames, the_renames_table_renames);

#[test]
fn an_undeclared_rename_gets_a_note_with_the_line_to_write() {
    let p = Project::init();
    let db = Db::fresh(Kind::Sqlite, &p);
    p.write("v1.sql", V1);
    p.write(
        "v2.sql",
        "CREATE TABLE buyer (\n    id INTEGER NOT NULL PRIMARY KEY,\n    name VARCHAR(40) NOT NULL\n);\n",
    );
    db.ok(&p, &["--models", "v1.sql", "migrate", "-m", "v1"]);
    db.ok(&p, &["upgrade"]);
    let run = db.run(&p, &["--models", "v2.sql", "check"]);
    run.code_is(1).stderr_has(
        "note: table 'client' is dropped and 'buyer' added with the same columns: if it is a rename, write `-- retort: renamed from client` after `CREATE TABLE buyer (`",
    );
    p.write(
        "v3.sql",
        "CREATE TABLE client (\n    id INTEGER NOT NULL PRIMARY KEY,\n    label VARCHAR(40) NOT NULL\n);\n",
    );
    db.run(&p, &["--models", "v3.sql", "check"])
        .code_is(1)
        .stderr_has("note: column 'client.name' is dropped and 'label' added with the same type")
        .stderr_has("`\"client.name\" = \"label\"` under [renames]");
}
