//! String literals are safe whatever the session's settings: values with
//! quotes, backslashes and dollar signs reach the database exactly, through
//! `bulk_insert`, comments, enum values and the log table's `--tag`.
//!
//! - PostgreSQL with `standard_conforming_strings = off` (set for the test
//!   database with `ALTER DATABASE`, so retort's own sessions get it), where
//!   `\` escapes inside `'...'`;
//! - MariaDB whose default `sql_mode` has `NO_BACKSLASH_ESCAPES`, where `\`
//!   is an ordinary character;
//! - PostgreSQL's `drop_enum_value`, a `DO $tag$ ... $tag$` block, with the
//!   tag inside the dropped value.

use crate::harness::Project;
use crate::migrate_db::{Db, Kind};

/// A tag that closes the literal early, if a backslash escapes the quote
/// doubled after it, and then drops a table.
const EVIL_TAG: &str = r"x\'); DROP TABLE victim; --";

/// The values `bulk_insert` writes, as TOML basic strings and as stored.
const VALUES: &[(&str, &str)] = &[
    (r#""a\\'b""#, r"a\'b"),
    (r#""it's""#, "it's"),
    (r#""a\\b""#, r"a\b"),
    (r#""\\""#, r"\"),
    (
        r#""x\\'); DROP TABLE victim; --""#,
        r"x\'); DROP TABLE victim; --",
    ),
];

/// Writes one revision: the tables `t` and `victim`, and `t`'s rows.
fn write_values_revision(p: &Project, comment_table: bool) {
    let rows: Vec<String> = VALUES
        .iter()
        .enumerate()
        .map(|(i, (toml, _))| format!("    {{ id = {}, v = {toml} }},", i + 1))
        .collect();
    let comment = if comment_table {
        "\n[[upgrade]]\nop = \"create_table_comment\"\ntable = \"t\"\ncomment = \"c:\\\\dir\\\\'x\"\n"
    } else {
        ""
    };
    p.write(
        "migrations/versions/aaaaaaaaaa01.toml",
        &format!(
            r#"revision = "aaaaaaaaaa01"
message = "values"

[[upgrade]]
op = "create_table"
table = "victim"
columns = [{{ name = "id", type = "integer", primary_key = true }}]

[[upgrade]]
op = "create_table"
table = "t"
columns = [
    {{ name = "id", type = "integer", primary_key = true }},
    {{ name = "v", type = "varchar(100)" }},
]
{comment}
[[upgrade]]
op = "bulk_insert"
table = "t"
rows = [
{}
]

[[downgrade]]
op = "drop_table"
table = "t"

[[downgrade]]
op = "drop_table"
table = "victim"
"#,
            rows.join("\n")
        ),
    );
}

/// The stored values, the surviving victim table and the recorded tag.
#[track_caller]
fn assert_round_trip(db: &Db) {
    let expected: Vec<String> = VALUES
        .iter()
        .enumerate()
        .map(|(i, (_, stored))| format!("{}|{stored}", i + 1))
        .collect();
    assert_eq!(
        db.rows(&format!("SELECT id, v FROM {} ORDER BY id", db.q("t"))),
        expected
    );
    assert_eq!(
        db.rows(&format!("SELECT COUNT(*) FROM {}", db.q("victim"))),
        ["0"]
    );
    assert_eq!(
        db.rows("SELECT tag FROM retort_log"),
        [EVIL_TAG],
        "the tag is recorded as given"
    );
}

#[test]
fn postgres_literals_survive_standard_conforming_strings_off() {
    let p = Project::init();
    let db = Db::fresh(Kind::Postgres, &p);
    db.sql(&format!(
        "ALTER DATABASE {} SET standard_conforming_strings = off",
        db.name
    ));
    // New sessions, retort's included, read `\` as an escape.
    assert_eq!(db.rows("SHOW standard_conforming_strings"), ["off"]);
    write_values_revision(&p, true);
    db.ok(&p, &["upgrade", "--tag", EVIL_TAG]);
    assert_round_trip(&db);
    assert_eq!(
        db.rows("SELECT obj_description('t'::regclass, 'pg_class')"),
        [r"c:\dir\'x"]
    );
}

/// Sets MariaDB's global `sql_mode` for the new sessions of the whole
/// server, and puts the old one back when dropped (also when the test fails).
///
/// MySQL has no per-database or per-user default `sql_mode`, and the URL
/// takes no session settings, so the server-wide default is the only way to
/// give retort's own connections `NO_BACKSLASH_ESCAPES`. Other tests running
/// meanwhile are unaffected: retort clears the mode in each session it
/// opens, and the tests' own client commands use no backslashes.
struct GlobalSqlMode<'a> {
    db: &'a Db,
    old: String,
}

impl<'a> GlobalSqlMode<'a> {
    fn add(db: &'a Db, mode: &str) -> GlobalSqlMode<'a> {
        let old = db.rows("SELECT @@GLOBAL.sql_mode").join("");
        db.sql(&format!(
            "SET GLOBAL sql_mode = CONCAT_WS(',', NULLIF(@@GLOBAL.sql_mode, ''), '{mode}')"
        ));
        GlobalSqlMode { db, old }
    }
}

impl Drop for GlobalSqlMode<'_> {
    fn drop(&mut self) {
        self.db
            .sql(&format!("SET GLOBAL sql_mode = '{}'", self.old));
    }
}

#[test]
fn mysql_literals_survive_no_backslash_escapes() {
    let p = Project::init();
    let db = Db::fresh(Kind::Mysql, &p);
    {
        let _mode = GlobalSqlMode::add(&db, "NO_BACKSLASH_ESCAPES");
        // A new session has the mode, as retort's will.
        assert!(
            db.rows("SELECT @@SESSION.sql_mode")
                .join("")
                .contains("NO_BACKSLASH_ESCAPES")
        );
        write_values_revision(&p, true);
        db.ok(&p, &["upgrade", "--tag", EVIL_TAG]);
    }
    assert_round_trip(&db);
    assert_eq!(
        db.rows(&format!(
            "SELECT table_comment FROM information_schema.tables \
             WHERE table_schema = '{}' AND table_name = 't'",
            db.name
        )),
        [r"c:\dir\'x"]
    );
}

#[test]
fn postgres_drop_enum_value_whose_value_holds_the_dollar_tag() {
    let p = Project::init();
    let db = Db::fresh(Kind::Postgres, &p);
    let odd = "a$retort$b$retort_1$c";
    p.write(
        "migrations/versions/aaaaaaaaaa01.toml",
        &format!(
            r#"revision = "aaaaaaaaaa01"
message = "mood"

[[upgrade]]
op = "create_enum"
name = "mood"
values = ["ok", {odd:?}, "bad"]

[[upgrade]]
op = "create_table"
table = "t"
columns = [
    {{ name = "id", type = "integer", primary_key = true }},
    {{ name = "m", type = "enum(mood, 'ok', 'bad')" }},
]

[[upgrade]]
op = "bulk_insert"
table = "t"
rows = [{{ id = 1, m = "bad" }}]

[[downgrade]]
op = "drop_table"
table = "t"

[[downgrade]]
op = "drop_enum"
name = "mood"
"#
        ),
    );
    p.write(
        "migrations/versions/aaaaaaaaaa02.toml",
        &format!(
            r#"revision = "aaaaaaaaaa02"
down_revision = "aaaaaaaaaa01"
message = "drop the odd value"

[[upgrade]]
op = "drop_enum_value"
name = "mood"
value = {odd:?}
after = "ok"

[[downgrade]]
op = "add_enum_value"
name = "mood"
value = {odd:?}
after = "ok"
"#
        ),
    );
    db.ok(&p, &["upgrade"]);
    assert_eq!(
        db.rows("SELECT unnest(enum_range(NULL::mood))::text"),
        ["ok", "bad"]
    );
    assert_eq!(db.rows("SELECT m::text FROM t"), ["bad"]);
    // And back: the value returns in its place.
    db.ok(&p, &["downgrade", "-1"]);
    assert_eq!(
        db.rows("SELECT unnest(enum_range(NULL::mood))::text"),
        ["ok", odd, "bad"]
    );
}
