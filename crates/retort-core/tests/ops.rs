//! Operations read from TOML: validation errors, round-trips through TOML
//! text, and reverses.

use std::path::Path;

use retort_core::Operations;
use retort_core::ops::{Operation, operations_to_toml, parse_operations};
use retort_core::script::render::render_operations;

fn tables(text: &str) -> Vec<toml::Table> {
    let doc: toml::Table = toml::from_str(text).expect("test TOML");
    doc["upgrade"]
        .as_array()
        .expect("upgrade list")
        .iter()
        .map(|v| v.as_table().expect("op table").clone())
        .collect()
}

fn parse(text: &str) -> Vec<Operation> {
    parse_operations(Path::new("versions/a1.toml"), "upgrade", &tables(text)).expect("parses")
}

const EVERY_OP: &str = include_str!("fixtures/every_op.toml");

/// Operations that carry what they drop, so that they reverse.
const REVERSIBLE: &str = r#"
[[upgrade]]
op = "drop_table"
table = "user"
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "email", type = "text", nullable = false, server_default = "''" }]
unique = [{ columns = ["email"] }]

[[upgrade]]
op = "drop_column"
table = "user"
column = { name = "email", type = "varchar(255)", nullable = false, comment = "where we write" }

[[upgrade]]
op = "drop_index"
table = "user"
name = "ix_user_email"
columns = ["email"]
unique = true
where = "email IS NOT NULL"

[[upgrade]]
op = "drop_constraint"
table = "user"
name = "uq_user_email"
kind = "unique"
columns = ["email"]

[[upgrade]]
op = "drop_constraint"
table = "post"
name = "fk_post_user"
kind = "foreignkey"
columns = ["user_id"]
referent_table = "user"
referent_schema = "auth"
referent_columns = ["id"]
on_delete = "CASCADE"

[[upgrade]]
op = "drop_constraint"
table = "user"
name = "ck_age"
kind = "check"
condition = "age >= 0"

[[upgrade]]
op = "drop_constraint"
table = "tag"
name = "pk_tag"
kind = "primary"
columns = ["name"]

[[upgrade]]
op = "drop_table_comment"
table = "user"
existing_comment = "people"

[[upgrade]]
op = "create_table_comment"
table = "user"
comment = "new"
existing_comment = "old"

[[upgrade]]
op = "alter_column"
table = "user"
column = "name"
new_name = "login"
type = "text"
nullable = true
server_default = false
comment = "the login"
existing_type = "varchar(64)"
existing_nullable = false
existing_server_default = "'x'"
existing_comment = false
existing_autoincrement = false

[[upgrade]]
op = "drop_enum"
name = "mood"
schema = "app"
values = ["happy", "sad"]

[[upgrade]]
op = "batch_alter_table"
table = "user"
schema = "app"
recreate = "always"
ops = [
    { op = "add_column", column = { name = "age", type = "integer", nullable = false, server_default = "0" } },
    { op = "alter_column", column = "name", nullable = false, existing_nullable = true, existing_type = "text" },
    { op = "create_check_constraint", name = "ck_age", condition = "age >= 0" },
]
"#;

/// Definitions with the parts only some databases have (what a SQLite
/// rebuild keeps), as a dropped table and column carry them.
const SQLITE_PARTS: &str = r#"
[[upgrade]]
op = "drop_table"
table = "ticket"
columns = [
    { name = "id", type = "integer", primary_key = true, autoincrement = true, sqlite_autoincrement = true },
    { name = "code", type = "text", nullable = false, collation = "NOCASE", not_null_on_conflict = "ignore" },
    { name = "twice", type = "integer", generated = { expression = "id * 2", stored = true } },
    { name = "label", type = "text", generated = { expression = "'#' || id" } },
    { name = "owner_id", type = "integer" },
]
primary_key = { columns = ["id"], on_conflict = "REPLACE" }
unique = [{ name = "uq_code", columns = ["code"], on_conflict = "fail" }]
foreign_keys = [{ columns = ["owner_id"], referent_table = "owner", referent_columns = ["id"], match = "FULL", deferrable = true, initially_deferred = true }]
indexes = [{ name = "ix", columns = ["code", "(id + 1)"], orders = [{ collation = "RTRIM" }, { descending = true }] }]
without_rowid = false
strict = true

[[upgrade]]
op = "drop_column"
table = "ticket"
column = { name = "total", type = "integer", generated = { expression = "id * 3", stored = false } }

[[upgrade]]
op = "drop_constraint"
table = "ticket"
name = "uq_code"
kind = "unique"
columns = ["code"]
on_conflict = "replace"
"#;

#[test]
fn parse_write_parse_round_trips() {
    for text in [EVERY_OP, REVERSIBLE, SQLITE_PARTS] {
        let ops = parse(text);
        let written = operations_to_toml(&ops);
        let again = parse_operations(Path::new("a.toml"), "upgrade", &written).expect("re-parses");
        assert_eq!(again, ops);
        // Through the revision file's own writer and TOML text.
        let file = render_operations("upgrade", &Operations::List(written));
        let from_text = parse(&file);
        assert_eq!(from_text, ops, "{file}");
    }
}

/// The revision file reader checks each `op` against
/// [`retort_core::revision::OPERATION_NAMES`] before the operation's own
/// parser reads it: every operation the code can write (`Operation::name`)
/// must be listed there, or a file autogenerate wrote would not load
/// (`alter_table_options` once was not).
#[test]
fn every_operation_reads_from_a_revision_file() {
    use retort_core::ops::OBJECT_OPERATION_NAMES;
    use retort_core::revision::OPERATION_NAMES;
    let text = format!("revision = \"a1\"\n{EVERY_OP}");
    let rev = retort_core::script::parse_revision(Path::new("versions/a1.toml"), &text)
        .unwrap_or_else(|e| panic!("{e}"));
    match rev.upgrade {
        Operations::List(ops) => assert_eq!(ops.len(), parse(EVERY_OP).len()),
        other => panic!("{other:?}"),
    }
    // Every name `Operation::name` gives, read off its source.
    let source = include_str!("../src/ops/mod.rs");
    let start = source.find("pub fn name(&self)").expect("Operation::name");
    let body = &source[start..start + source[start..].find("\n    }\n").unwrap()];
    let names: Vec<&str> = body
        .split("=> \"")
        .skip(1)
        .map(|rest| &rest[..rest.find('"').unwrap()])
        .collect();
    assert!(names.len() > 20, "{names:?}");
    for name in names {
        assert!(
            OPERATION_NAMES.contains(&name) || OBJECT_OPERATION_NAMES.contains(&name),
            "{name} is written by Operation::name but not read by the revision file reader"
        );
    }
}

#[test]
fn reverse_of_every_operation() {
    let mut out = String::new();
    for op in parse(EVERY_OP).iter().chain(&parse(REVERSIBLE)) {
        out.push_str(&format!("{op}\n"));
        match op.reverse() {
            Ok(rev) => {
                let text = render_operations("reverse", &Operations::List(vec![rev.to_toml()]));
                out.push_str(&text);
                // Reversing twice gives the operation back, with whatever
                // facts the reverse had to carry.
                let back = rev.reverse().expect("a reverse reverses");
                assert_eq!(back.reverse().expect("again"), rev, "{op}");
            }
            Err(e) => out.push_str(&format!("error: {e}\n")),
        }
        out.push('\n');
    }
    insta::assert_snapshot!(out);
}

#[test]
fn reversible_drops_reverse_to_what_they_dropped() {
    for op in parse(REVERSIBLE).into_iter().chain(parse(SQLITE_PARTS)) {
        let rev = op.reverse().expect("reversible");
        assert_eq!(rev.reverse().expect("reversible"), op, "{op}");
    }
}

/// Each case is one operation table; the snapshot lists the message.
const INVALID: &[&str] = &[
    r#"{ op = "add_column", column = { name = "a", type = "text" } }"#,
    r#"{ op = "add_column", table = "user" }"#,
    r#"{ op = "add_column", table = "user", column = "email" }"#,
    r#"{ op = "add_column", table = "user", column = { name = "a" } }"#,
    r#"{ op = "add_column", table = "user", column = { name = "a", type = "text", nullable = "no" } }"#,
    r#"{ op = "add_column", table = "user", column = { name = "a", type = "text", defualt = "1" } }"#,
    r#"{ op = "add_column", table = "user", colum = { name = "a", type = "text" } }"#,
    r#"{ op = "add_column", table = "user", column = { name = "a", type = "varchar(x)" } }"#,
    r#"{ op = "create_table", table = "user" }"#,
    r#"{ op = "create_table", table = "user", columns = [{ name = "id", type = "integer" }, "name"] }"#,
    r#"{ op = "create_table", table = "user", columns = [{ name = "id", type = "integer" }], foreign_keys = [{ columns = ["a"], referent_table = "b", referent_columns = ["x", "y"] }] }"#,
    r#"{ op = "drop_table", table = "user", comment = "x" }"#,
    r#"{ op = "rename_table", table = "user" }"#,
    r#"{ op = "alter_column", table = "user", column = "a" }"#,
    r#"{ op = "alter_column", table = "user", column = "a", server_default = true }"#,
    r#"{ op = "create_index", table = "user", name = "ix", columns = [] }"#,
    r#"{ op = "drop_constraint", table = "user", name = "uq" }"#,
    r#"{ op = "drop_constraint", table = "user", name = "uq", kind = "index" }"#,
    r#"{ op = "drop_constraint", table = "user", name = "uq", kind = "check", columns = ["a"] }"#,
    r#"{ op = "execute" }"#,
    r#"{ op = "execute", sql = "SELECT 1", oracle = "SELECT 1 FROM dual" }"#,
    r#"{ op = "bulk_insert", table = "user", rows = [{ id = 1 }, { id = 2, tags = ["a"] }] }"#,
    r#"{ op = "bulk_insert", table = "user", rows = [{ x = nan }] }"#,
    r#"{ op = "batch_alter_table", table = "user", recreate = "sometimes", ops = [] }"#,
    r#"{ op = "batch_alter_table", table = "user", ops = [{ op = "drop_column", column = "a" }, { op = "add_column", column = { name = "b" } }] }"#,
    r#"{ op = "batch_alter_table", table = "user", ops = [{ op = "create_table", columns = [] }] }"#,
    r#"{ op = "batch_alter_table", table = "user", ops = [{ op = "drop_column", table = "post", column = "a" }] }"#,
    r#"{ op = "add_enum_value", name = "mood", value = "x", before = "a", after = "b" }"#,
    r#"{ op = "create_enum", name = "mood", values = [] }"#,
    r#"{ op = "create_foreign_key", table = "post", name = "fk", columns = ["a"], referent_table = "user", referent_columns = ["id"], on_delete = "CASCADE; DROP TABLE x" }"#,
    r#"{ op = "create_index", table = "user", name = "ix", colums = ["a"] }"#,
    r#"{ op = "create_index", table = "user", name = "ix", columns = ["a", "b"], orders = [{ descending = true }] }"#,
    r#"{ op = "add_column", table = "user", column = { name = "a", type = "text", not_null_on_conflict = "replace" } }"#,
    r#"{ op = "add_column", table = "user", column = { name = "a", type = "text", nullable = false, not_null_on_conflict = "skip" } }"#,
    r#"{ op = "add_column", table = "user", column = { name = "a", type = "text", server_default = "''", generated = { expression = "b" } } }"#,
    r#"{ op = "add_column", table = "user", column = { name = "a", type = "text", generated = { expr = "b" } } }"#,
    r#"{ op = "create_foreign_key", table = "post", name = "fk", columns = ["a"], referent_table = "user", referent_columns = ["id"], initially_deferred = true }"#,
    r#"{ op = "create_foreign_key", table = "post", name = "fk", columns = ["a"], referent_table = "user", referent_columns = ["id"], match = "FULL ON DELETE CASCADE" }"#,
];

#[test]
fn invalid_operations_name_file_position_and_field() {
    let mut out = String::new();
    for case in INVALID {
        let text = format!("upgrade = [\n{{ op = \"execute\", sql = \"SELECT 1\" }},\n{case}\n]");
        let err = parse_operations(Path::new("versions/a1.toml"), "upgrade", &tables(&text))
            .expect_err(case);
        let message = err.to_string();
        assert!(
            message.starts_with("versions/a1.toml: upgrade operation 2 ("),
            "{message}"
        );
        out.push_str(&format!("{case}\n  {message}\n"));
    }
    insta::assert_snapshot!(out);
}

/// `concurrently = true` reads, writes back (and is left out when false),
/// and the reverse keeps it.
#[test]
fn concurrently_round_trips_and_its_reverse_keeps_it() {
    let text = r#"
[[upgrade]]
op = "create_index"
table = "t"
name = "ix_a"
columns = ["a"]
concurrently = true

[[upgrade]]
op = "drop_index"
table = "t"
name = "ix_b"
columns = ["b"]
concurrently = true

[[upgrade]]
op = "create_index"
table = "t"
name = "ix_c"
columns = ["c"]
concurrently = false
"#;
    let ops = parse(text);
    let written = operations_to_toml(&ops);
    assert_eq!(written[0]["concurrently"].as_bool(), Some(true));
    assert_eq!(written[1]["concurrently"].as_bool(), Some(true));
    assert!(!written[2].contains_key("concurrently"), "{:?}", written[2]);
    let again = parse_operations(Path::new("a.toml"), "upgrade", &written).expect("re-parses");
    assert_eq!(again, ops);

    match ops[0].reverse().expect("reverses") {
        Operation::DropIndex {
            name, concurrently, ..
        } => assert_eq!((name.as_str(), concurrently), ("ix_a", true)),
        other => panic!("{other:?}"),
    }
    match ops[1].reverse().expect("reverses") {
        Operation::CreateIndex {
            index,
            concurrently,
            ..
        } => assert_eq!((index.name.as_str(), concurrently), ("ix_b", true)),
        other => panic!("{other:?}"),
    }
    let bad = parse_operations(
        Path::new("versions/a1.toml"),
        "upgrade",
        &tables("[[upgrade]]\nop = \"create_index\"\ntable = \"t\"\nname = \"ix\"\ncolumns = [\"a\"]\nconcurrently = \"yes\"\n"),
    )
    .unwrap_err()
    .to_string();
    assert!(bad.contains("concurrently"), "{bad}");
}
