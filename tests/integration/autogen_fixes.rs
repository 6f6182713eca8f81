//! Regression tests for autogenerate bugs found by acceptance tests: each
//! scenario runs the corpus round trip of `autogen.rs` (migrate v1, rows,
//! migrate v2, check, compare with a database built from v2, downgrade)
//! on the databases where it applies, plus what the round trip does not
//! see (foreign-key enforcement, a revision written on one database and
//! applied on another, other PostgreSQL schemas).

use crate::autogen::{Case, run_case};
use crate::harness::Project;
use crate::migrate_db::{Db, Kind, per_db};

/// The corpus round trip of `v1` -> `v2` on `kind`; panics with the report.
fn round_trip(kind: Kind, name: &str, v1: &str, v2: &str, rows: Option<&str>) {
    let case = Case {
        name: name.to_owned(),
        v1: v1.to_owned(),
        v2: v2.to_owned(),
        rows: rows.map(str::to_owned),
    };
    if let Err(e) = run_case(kind, &case) {
        panic!("case {name} on {kind:?} failed:\n{e}");
    }
}

/// The last revision file written by `migrate`.
fn revision(p: &Project, suffix: &str) -> String {
    let file = p
        .files_in("migrations/versions")
        .into_iter()
        .find(|f| f.ends_with(suffix))
        .unwrap_or_else(|| panic!("no revision file ending with {suffix}"));
    p.read(&format!("migrations/versions/{file}"))
}

// --- Tables that reference each other -------------------------------------

const CYCLE_V2: &str = "
CREATE TABLE author (
    id INTEGER NOT NULL PRIMARY KEY,
    favourite_book_id INTEGER REFERENCES book (id)
);
CREATE TABLE book (
    id INTEGER NOT NULL PRIMARY KEY,
    author_id INTEGER REFERENCES author (id)
);
";

/// The same cycle as PostgreSQL accepts it (it has no forward references:
/// the models are run by the database, so they must be its SQL), as
/// pg_dump writes it: the key added after both tables.
const CYCLE_V2_POSTGRES: &str = "
CREATE TABLE author (
    id INTEGER NOT NULL PRIMARY KEY,
    favourite_book_id INTEGER
);
CREATE TABLE book (
    id INTEGER NOT NULL PRIMARY KEY,
    author_id INTEGER REFERENCES author (id)
);
ALTER TABLE author ADD FOREIGN KEY (favourite_book_id) REFERENCES book (id);
";

fn cycle_v2(kind: Kind) -> &'static str {
    match kind {
        Kind::Postgres => CYCLE_V2_POSTGRES,
        _ => CYCLE_V2,
    }
}

per_db!(foreign_key_cycle_round_trip);

/// Two new tables whose unnamed foreign keys reference each other: the
/// upgrade applies (SQLite: keys inline, no `create_foreign_key` outside a
/// batch), `check` is clean, and the downgrade (which on servers drops the
/// cut key by the name the database gave it) restores the empty schema.
fn foreign_key_cycle_round_trip(kind: Kind) {
    round_trip(
        kind,
        "foreign_key_cycle",
        "CREATE TABLE keep (id INTEGER NOT NULL PRIMARY KEY);",
        &format!(
            "CREATE TABLE keep (id INTEGER NOT NULL PRIMARY KEY);\n{}",
            cycle_v2(kind)
        ),
        None,
    );
}

per_db!(foreign_key_cycle_names_the_cut_key);

/// The revision never holds an unnamed `drop_constraint` (`name = ""`).
fn foreign_key_cycle_names_the_cut_key(kind: Kind) {
    let p = Project::init();
    p.write("models.sql", cycle_v2(kind));
    let db = Db::fresh(kind, &p);
    db.ok(&p, &["--models", "models.sql", "migrate", "-m", "cycle"]);
    let text = revision(&p, "_cycle.toml");
    assert!(
        !text.contains("name = \"\""),
        "an unnamed constraint:\n{text}"
    );
    if kind == Kind::Sqlite {
        assert!(
            !text.contains("create_foreign_key"),
            "SQLite takes the keys inline:\n{text}"
        );
    }
}

/// SQLite with `PRAGMA foreign_keys=ON`: the revision's SQL (upgrade, rows,
/// downgrade) runs in `sqlite3` with enforcement on.
#[test]
fn foreign_key_cycle_sqlite_enforced() {
    let p = Project::init();
    p.write("models.sql", CYCLE_V2);
    let db = Db::fresh(Kind::Sqlite, &p);
    db.ok(&p, &["--models", "models.sql", "migrate", "-m", "cycle"]);
    let up = db.ok(&p, &["upgrade", "head", "--sql"]).stdout;
    let down = db.ok(&p, &["downgrade", "head:base", "--sql"]).stdout;
    let script = format!(
        "PRAGMA foreign_keys=ON;\n{up}\nINSERT INTO author (id) VALUES (1);\n\
         INSERT INTO book (id, author_id) VALUES (1, 1);\n{down}\n"
    );
    let out = db.pipe(&script);
    crate::migrate_db::assert_piped(
        &out,
        "the cycle's upgrade and downgrade with foreign keys on",
    );
    assert!(db.user_tables().is_empty(), "{:?}", db.user_tables());
}

// --- Boolean server defaults ----------------------------------------------

const BOOLEANS: &str = "
CREATE TABLE flags (
    id INTEGER NOT NULL PRIMARY KEY,
    active BOOLEAN NOT NULL DEFAULT 0,
    visible BOOLEAN NOT NULL DEFAULT 1
);
";

/// The same table as PostgreSQL accepts it: it refuses an integer default
/// for a boolean (the models are run by the database).
const BOOLEANS_POSTGRES: &str = "
CREATE TABLE flags (
    id INTEGER NOT NULL PRIMARY KEY,
    active BOOLEAN NOT NULL DEFAULT false,
    visible BOOLEAN NOT NULL DEFAULT true
);
";

fn booleans(kind: Kind) -> &'static str {
    match kind {
        Kind::Postgres => BOOLEANS_POSTGRES,
        _ => BOOLEANS,
    }
}

per_db!(boolean_defaults_round_trip);

/// `BOOLEAN ... DEFAULT 0` / `DEFAULT 't'` in the models: the upgrade
/// applies on every database (PostgreSQL refuses an integer default for
/// a boolean), `check` is clean, added columns and new tables alike.
fn boolean_defaults_round_trip(kind: Kind) {
    round_trip(
        kind,
        "boolean_defaults",
        "CREATE TABLE city (id INTEGER NOT NULL PRIMARY KEY);",
        &format!(
            "CREATE TABLE city (id INTEGER NOT NULL PRIMARY KEY, capital BOOLEAN NOT NULL DEFAULT {}, big BOOLEAN DEFAULT {});\n{}",
            if kind == Kind::Postgres { "false" } else { "0" },
            // MariaDB refuses 't' for a boolean (a TINYINT).
            if kind == Kind::Mysql { "1" } else { "'t'" },
            booleans(kind)
        ),
        Some("INSERT INTO city (id) VALUES (1);"),
    );
}

/// A revision generated on SQLite from `BOOLEAN ... DEFAULT 0` keeps `0`
/// and applies on PostgreSQL (as `FALSE`) and MariaDB, and `check` is
/// clean on all three.
#[test]
fn boolean_defaults_generated_on_sqlite_apply_everywhere() {
    let p = Project::init();
    p.write("models.sql", BOOLEANS);
    let sqlite = Db::fresh(Kind::Sqlite, &p);
    sqlite.ok(&p, &["--models", "models.sql", "migrate", "-m", "flags"]);
    let text = revision(&p, "_flags.toml");
    // Kept as written: SQLite reads `0` back, so the table a revision
    // makes on SQLite is the one the models declare; the others spell it
    // their own way.
    assert!(
        text.contains("server_default = \"0\"") && text.contains("server_default = \"1\""),
        "SQLite's boolean defaults are kept as written:\n{text}"
    );
    for kind in [Kind::Sqlite, Kind::Postgres, Kind::Mysql] {
        let db = if kind == Kind::Sqlite {
            Db::fresh_named(kind, &p, "other.db")
        } else {
            Db::fresh(kind, &p)
        };
        db.ok(&p, &["upgrade", "head"]);
        p.write("native.sql", booleans(kind));
        db.ok(&p, &["--models", "native.sql", "check"]);
        db.ok(&p, &["downgrade", "base"]);
    }
}

// --- Type changes that need a cast -----------------------------------------

per_db!(type_change_needing_a_cast);

/// `varchar` -> `integer` and `varchar` -> `boolean`, with a default and a
/// row: PostgreSQL needs `USING "col"::integer` (and the default dropped
/// around the change); the others convert by themselves.
fn type_change_needing_a_cast(kind: Kind) {
    round_trip(
        kind,
        "type_change_needing_a_cast",
        "CREATE TABLE item (id INTEGER NOT NULL PRIMARY KEY, code VARCHAR(10) DEFAULT '5', flag VARCHAR(5));",
        "CREATE TABLE item (id INTEGER NOT NULL PRIMARY KEY, code INTEGER DEFAULT '5', flag BOOLEAN);",
        Some("INSERT INTO item (id, code) VALUES (1, '42');"),
    );
}

// --- Removing an enum value that a CHECK or a partial index mentions -------

/// PostgreSQL: dropping `'gone'` from an enum whose column a CHECK
/// constraint and a partial index compare with values (they must be
/// dropped and re-created around the type swap, or PostgreSQL cannot
/// compare the new type with the old one's constants); the downgrade adds
/// the value back.
#[test]
fn enum_value_drop_with_check_and_partial_index() {
    let v1 = "
CREATE TYPE status AS ENUM ('a', 'b', 'x', 'gone');
CREATE TABLE job (
    id INTEGER NOT NULL PRIMARY KEY,
    status status NOT NULL DEFAULT 'a',
    CONSTRAINT ck_job_not_x CHECK (status <> 'x')
);
CREATE INDEX ix_job_active ON job (id) WHERE status = 'a';
CREATE INDEX ix_job_status ON job (status);
";
    let v2 = v1.replace(", 'gone')", ")");
    round_trip(
        Kind::Postgres,
        "enum_value_drop_with_check_and_partial_index",
        v1,
        &v2,
        Some("INSERT INTO job (id, status) VALUES (1, 'a'), (2, 'b');"),
    );
}

// --- MariaDB: the index behind a foreign key -------------------------------

per_db!(unique_behind_a_foreign_key_dropped);

/// Dropping a UNIQUE constraint that is the only index a foreign key can
/// use (MariaDB: error 1553, "needed in a foreign key constraint").
fn unique_behind_a_foreign_key_dropped(kind: Kind) {
    let v1 = "
CREATE TABLE parent (id INTEGER NOT NULL PRIMARY KEY);
CREATE TABLE child (
    id INTEGER NOT NULL PRIMARY KEY,
    parent_id INTEGER,
    UNIQUE (parent_id),
    FOREIGN KEY (parent_id) REFERENCES parent (id)
);
";
    let v2 = v1.replace("    UNIQUE (parent_id),\n", "");
    round_trip(
        kind,
        "unique_behind_a_foreign_key_dropped",
        v1,
        &v2,
        Some(
            "INSERT INTO parent (id) VALUES (1);\nINSERT INTO child (id, parent_id) VALUES (1, 1);",
        ),
    );
}

per_db!(composite_foreign_key_index_name_taken);

/// A composite foreign key added to a table whose index named after the
/// key's first column already exists (MariaDB's `UNIQUE (a)` is named
/// `a`): the key's own index must not reuse the name ("Duplicate key name").
fn composite_foreign_key_index_name_taken(kind: Kind) {
    let v1 = "
CREATE TABLE parent (a INTEGER NOT NULL, b INTEGER NOT NULL, PRIMARY KEY (a, b));
CREATE TABLE child (
    id INTEGER NOT NULL PRIMARY KEY,
    a INTEGER,
    b INTEGER,
    UNIQUE (a)
);
";
    let v2 = v1.replace(
        "    UNIQUE (a)\n",
        "    UNIQUE (a),\n    FOREIGN KEY (a, b) REFERENCES parent (a, b)\n",
    );
    round_trip(
        kind,
        "composite_foreign_key_index_name_taken",
        v1,
        &v2,
        Some(
            "INSERT INTO parent (a, b) VALUES (1, 2);\nINSERT INTO child (id, a, b) VALUES (1, 1, 2);",
        ),
    );
}

/// The same with a named UNIQUE constraint: the key's index (named after
/// its column) is made before the drop, and the key itself stays.
#[test]
fn named_unique_behind_a_foreign_key_dropped_mysql() {
    let v1 = "
CREATE TABLE parent (id INTEGER NOT NULL PRIMARY KEY);
CREATE TABLE child (
    id INTEGER NOT NULL PRIMARY KEY,
    parent_id INTEGER,
    CONSTRAINT uq_child_parent UNIQUE (parent_id),
    CONSTRAINT fk_child_parent FOREIGN KEY (parent_id) REFERENCES parent (id)
);
";
    let v2 = v1.replace("    CONSTRAINT uq_child_parent UNIQUE (parent_id),\n", "");
    round_trip(
        Kind::Mysql,
        "named_unique_behind_a_foreign_key_dropped",
        v1,
        &v2,
        Some(
            "INSERT INTO parent (id) VALUES (1);\nINSERT INTO child (id, parent_id) VALUES (1, 1);",
        ),
    );
    let p = Project::init();
    p.write("v1.sql", v1);
    p.write("v2.sql", &v2);
    let db = Db::fresh(Kind::Mysql, &p);
    db.ok(&p, &["--models", "v1.sql", "migrate", "-m", "v1"]);
    db.ok(&p, &["upgrade", "head"]);
    db.ok(&p, &["--models", "v2.sql", "migrate", "-m", "v2"]);
    let text = revision(&p, "_v2.toml");
    let upgrade = text.split("[[downgrade]]").next().unwrap_or_default();
    assert!(
        !upgrade.contains("op = \"create_foreign_key\""),
        "the key stays when its index can be made first:\n{text}"
    );
}

// --- include_schemas / exclude_schemas -------------------------------------

const TWO_SCHEMAS: &str = "
CREATE TABLE account (id INTEGER NOT NULL PRIMARY KEY);
CREATE TABLE audit.entry (
    id INTEGER NOT NULL PRIMARY KEY,
    account_id INTEGER REFERENCES account (id),
    parent_id INTEGER REFERENCES audit.entry (id),
    note VARCHAR(40)
);
";

/// A PostgreSQL project whose models have a table in the schema `audit`,
/// with `extra` appended to retort.toml.
fn two_schemas(extra: &str) -> (Project, Db) {
    let p = Project::init();
    p.append("migrations/retort.toml", extra);
    p.write("models.sql", TWO_SCHEMAS);
    let db = Db::fresh(Kind::Postgres, &p);
    db.sql("CREATE SCHEMA audit");
    (p, db)
}

/// Without `include_schemas`, only the default schema is compared: the
/// table of `audit` is neither created nor re-created by each `migrate`.
#[test]
fn other_schemas_are_not_compared_by_default() {
    let (p, db) = two_schemas("");
    db.ok(&p, &["--models", "models.sql", "migrate", "-m", "first"]);
    let text = revision(&p, "_first.toml");
    assert!(text.contains("\"account\""), "{text}");
    assert!(
        !text.contains("entry"),
        "audit.entry is not compared:\n{text}"
    );
    db.ok(&p, &["upgrade", "head"]);
    db.ok(&p, &["--models", "models.sql", "check"]);
}

/// With `include_schemas = ["audit"]`, the schema is read too: its table
/// is created once (keys to both schemas), `check` is clean afterwards,
/// and the downgrade drops it.
#[test]
fn include_schemas_compares_the_listed_schemas() {
    let (p, db) = two_schemas("\ninclude_schemas = [\"audit\"]\n");
    db.ok(&p, &["--models", "models.sql", "migrate", "-m", "first"]);
    let text = revision(&p, "_first.toml");
    assert!(
        text.contains("schema = \"audit\"") || text.contains("audit.entry"),
        "{text}"
    );
    db.ok(&p, &["upgrade", "head"]);
    db.ok(&p, &["--models", "models.sql", "check"]);
    // A change inside the included schema is found.
    p.write(
        "models2.sql",
        &TWO_SCHEMAS.replace("note VARCHAR(40)", "note VARCHAR(40),\n    extra INTEGER"),
    );
    db.ok(&p, &["--models", "models2.sql", "migrate", "-m", "second"]);
    let second = revision(&p, "_second.toml");
    assert!(
        second.contains("add_column") && second.contains("extra"),
        "{second}"
    );
    assert!(!second.contains("create_table"), "{second}");
    db.ok(&p, &["downgrade", "base"]);
    assert_eq!(
        db.rows("SELECT count(*) FROM pg_tables WHERE schemaname = 'audit'"),
        ["0"]
    );
}

/// `exclude_schemas` wins over `include_schemas`.
#[test]
fn exclude_schemas_removes_a_schema() {
    let (p, db) = two_schemas("\ninclude_schemas = [\"audit\"]\nexclude_schemas = [\"audit\"]\n");
    db.sql("CREATE TABLE audit.stray (id INTEGER PRIMARY KEY)");
    db.ok(&p, &["--models", "models.sql", "migrate", "-m", "first"]);
    let text = revision(&p, "_first.toml");
    assert!(!text.contains("entry") && !text.contains("stray"), "{text}");
}

per_db!(second_unnamed_foreign_key_added);

/// A table with an unnamed foreign key gets a second one: the new key must
/// not take the name the first one has (MySQL: `<table>_ibfk_1`).
fn second_unnamed_foreign_key_added(kind: Kind) {
    let v1 = "
CREATE TABLE parent (id INTEGER NOT NULL PRIMARY KEY);
CREATE TABLE child (
    id INTEGER NOT NULL PRIMARY KEY,
    a_id INTEGER REFERENCES parent (id),
    b_id INTEGER
);
";
    let v2 = v1.replace("b_id INTEGER\n", "b_id INTEGER REFERENCES parent (id)\n");
    round_trip(
        kind,
        "second_unnamed_foreign_key_added",
        v1,
        &v2,
        Some(
            "INSERT INTO parent (id) VALUES (1);\nINSERT INTO child (id, a_id, b_id) VALUES (1, 1, 1);",
        ),
    );
}
