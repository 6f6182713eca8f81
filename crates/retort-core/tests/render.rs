//! Rendering tested as strings: every operation of `fixtures/every_op.toml`
//! rendered for every dialect, one snapshot per dialect (`op -> SQL`, or the
//! error when the dialect cannot do it).

use std::path::Path;

use retort_core::dialect::{Dialect, MySql, Postgres, Sqlite, dialect_named};
use retort_core::ops::{Operation, parse_operations};

fn fixture_ops(text: &str) -> Vec<Operation> {
    let doc: toml::Table = toml::from_str(text).expect("fixture is TOML");
    let tables: Vec<toml::Table> = doc["upgrade"]
        .as_array()
        .expect("upgrade list")
        .iter()
        .map(|v| v.as_table().expect("op table").clone())
        .collect();
    parse_operations(Path::new("every_op.toml"), "upgrade", &tables).expect("fixture parses")
}

/// `-- n: op on table` then each statement with `;`, or `-- error: ...`.
fn render_all(d: &dyn Dialect, ops: &[Operation]) -> String {
    let mut out = String::new();
    for (i, op) in ops.iter().enumerate() {
        out.push_str(&format!("-- {}: {op}\n", i + 1));
        match d.render(op) {
            Ok(statements) if statements.is_empty() => out.push_str("-- (nothing)\n"),
            Ok(statements) => {
                for s in statements {
                    out.push_str(&format!("{s};\n"));
                }
            }
            Err(e) => out.push_str(&format!("-- error: {e}\n")),
        }
        out.push('\n');
    }
    out
}

const EVERY_OP: &str = include_str!("fixtures/every_op.toml");

#[test]
fn every_op_sqlite() {
    insta::assert_snapshot!(render_all(&Sqlite, &fixture_ops(EVERY_OP)));
}

#[test]
fn every_op_postgresql() {
    insta::assert_snapshot!(render_all(&Postgres, &fixture_ops(EVERY_OP)));
}

#[test]
fn every_op_mysql() {
    insta::assert_snapshot!(render_all(&MySql, &fixture_ops(EVERY_OP)));
}

/// Operations some dialect cannot render, with the message it gives.
const CANNOT: &str = r#"
[[upgrade]]
op = "add_column"
table = "user"
column = { name = "email", type = "varchar(255)", nullable = false }

[[upgrade]]
op = "add_column"
table = "user"
column = { name = "seen", type = "datetime", server_default = "CURRENT_TIMESTAMP" }

[[upgrade]]
op = "add_column"
table = "user"
column = { name = "code", type = "varchar", primary_key = true }

[[upgrade]]
op = "alter_column"
table = "user"
column = "email"
nullable = false

[[upgrade]]
op = "alter_column"
table = "user"
column = "email"
type = "text"

[[upgrade]]
op = "create_table"
table = "t"
columns = [{ name = "m", type = "enum('a', 'b')" }]

[[upgrade]]
op = "batch_alter_table"
table = "user"
ops = [{ op = "drop_column", column = "email" }]

[[upgrade]]
op = "batch_alter_table"
table = "user"
recreate = "never"
ops = [{ op = "alter_column", column = "email", nullable = false, existing_type = "text" }]

[[upgrade]]
op = "batch_alter_table"
table = "user"
recreate = "always"
ops = [{ op = "create_index", name = "ix", columns = ["email"] }]
"#;

#[test]
fn cannot_do() {
    let ops = fixture_ops(CANNOT);
    let mut out = String::new();
    for name in ["sqlite", "postgresql", "mysql"] {
        let d = dialect_named(name).expect("known dialect");
        out.push_str(&format!("==== {name}\n"));
        out.push_str(&render_all(d, &ops));
    }
    insta::assert_snapshot!(out);
}

#[test]
fn quoting_doubles_the_quote_character() {
    assert_eq!(Sqlite.quote_identifier("a\"b"), "\"a\"\"b\"");
    assert_eq!(Postgres.quote_identifier("UserName"), "\"UserName\"");
    assert_eq!(MySql.quote_identifier("a`b"), "`a``b`");
    assert_eq!(MySql.quote_string("it's a \\ test"), "'it''s a \\\\ test'");
    // A backslash makes an escape string, read alike whatever the
    // session's standard_conforming_strings.
    assert_eq!(
        Postgres.quote_string("it's a \\ test"),
        "E'it''s a \\\\ test'"
    );
    assert_eq!(Postgres.quote_string("it's"), "'it''s'");
    assert_eq!(Sqlite.quote_string("a \\ b"), "'a \\ b'");
}

#[test]
fn session_statements_make_mysql_read_backslash_escapes() {
    assert!(Sqlite.session_statements().is_empty());
    assert!(Postgres.session_statements().is_empty());
    let mysql = MySql.session_statements();
    assert_eq!(mysql.len(), 1);
    assert!(
        mysql[0].as_str().contains("NO_BACKSLASH_ESCAPES"),
        "{mysql:?}"
    );
}

#[test]
fn capabilities() {
    assert!(Sqlite.supports_transactional_ddl());
    assert!(Postgres.supports_transactional_ddl());
    assert!(!MySql.supports_transactional_ddl());
    assert!(!Sqlite.supports_alter_column());
    assert!(!Sqlite.supports_comments());
    assert!(Postgres.supports_enum_types() && !MySql.supports_enum_types());
    assert!(Sqlite.rebuild_needs_foreign_keys_off());
    assert_eq!(dialect_named("mariadb").map(|d| d.name()), Some("mysql"));
    assert!(dialect_named("oracle").is_none());
}
