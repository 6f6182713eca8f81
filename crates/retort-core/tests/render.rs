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

/// Table-level fidelity (issue 10): index kinds, `ON UPDATE`, storage
/// options, per dialect, and their refusal where the database has none.
const TABLE_FIDELITY: &str = r#"
[[upgrade]]
op = "create_table"
table = "film"
columns = [{ name = "id", type = "smallint(5) unsigned", primary_key = true, autoincrement = true }, { name = "title", type = "varchar(255)", nullable = false, collation = "utf8mb4_bin" }, { name = "last_update", type = "verbatim(timestamp)", nullable = false, server_default = "current_timestamp()", on_update = "current_timestamp()" }]
engine = "InnoDB"
charset = "utf8mb3"
collation = "utf8mb3_general_ci"

[[upgrade]]
op = "create_index"
table = "film"
name = "ix_title"
columns = ["title"]
using = "FULLTEXT"

[[upgrade]]
op = "create_index"
table = "doc"
name = "ix_body"
columns = ["body"]
using = "gist"

[[upgrade]]
op = "alter_table_options"
table = "film"
engine = "MyISAM"
existing_engine = "InnoDB"

[[upgrade]]
op = "alter_column"
table = "film"
column = "last_update"
on_update = false
existing_on_update = "current_timestamp()"
existing_type = "verbatim(timestamp)"
existing_nullable = false
existing_server_default = "current_timestamp()"

[[upgrade]]
op = "create_table"
table = "payment"
columns = [{ name = "id", type = "integer", nullable = false }, { name = "paid", type = "date", nullable = false }]
partition_by = "RANGE (paid)"
"#;

#[test]
fn table_fidelity() {
    let ops = fixture_ops(TABLE_FIDELITY);
    let mysql = render_all(&MySql, &ops);
    assert!(mysql.contains("`last_update` timestamp NOT NULL DEFAULT current_timestamp() ON UPDATE current_timestamp()"), "{mysql}");
    assert!(
        mysql.contains("`id` smallint(5) unsigned NOT NULL AUTO_INCREMENT"),
        "{mysql}"
    );
    assert!(
        mysql.contains(") ENGINE=InnoDB DEFAULT CHARSET=utf8mb3 COLLATE=utf8mb3_general_ci"),
        "{mysql}"
    );
    assert!(
        mysql.contains("CREATE FULLTEXT INDEX `ix_title` ON `film` (`title`)"),
        "{mysql}"
    );
    assert!(
        mysql.contains("ALTER TABLE `film` ENGINE=MyISAM"),
        "{mysql}"
    );
    assert!(mysql.contains("ALTER TABLE `film` MODIFY `last_update` timestamp NOT NULL DEFAULT current_timestamp();"), "{mysql}");
    let pg = render_all(&Postgres, &ops);
    assert!(
        pg.contains(r#"CREATE INDEX "ix_body" ON "doc" USING gist ("body")"#),
        "{pg}"
    );
    assert!(pg.contains("-- 1: create_table on film\n-- error:"), "{pg}");
    assert!(pg.contains("-- 2: create_index on film\n-- error:"), "{pg}");
    let sqlite = render_all(&Sqlite, &ops);
    assert!(
        sqlite.contains("-- 3: create_index on doc\n-- error:"),
        "{sqlite}"
    );
    // Every operation reads back from what it writes.
    let written = retort_core::ops::operations_to_toml(&ops);
    let again = parse_operations(Path::new("again.toml"), "upgrade", &written).expect("reads back");
    assert_eq!(again, ops);
    // And each reverses.
    assert!(pg.contains(") PARTITION BY RANGE (paid);"), "{pg}");
    assert!(
        mysql.contains("-- 6: create_table on payment\n-- error:"),
        "{mysql}"
    );
    for op in &ops[3..5] {
        let back = op.reverse().expect("reversible");
        assert_eq!(back.reverse().expect("reversible"), *op);
    }
}

/// `concurrently = true` on a schema-qualified table.
const CONCURRENT: &str = r#"
[[upgrade]]
op = "create_index"
table = "t"
schema = "s"
name = "ix_a"
columns = ["a"]
unique = true
where = "a > 0"
concurrently = true

[[upgrade]]
op = "drop_index"
table = "t"
schema = "s"
name = "ix_a"
concurrently = true

[[upgrade]]
op = "create_index"
table = "t"
name = "ix_b"
columns = ["b"]
"#;

/// The SQL of each statement, and whether it must run outside a
/// transaction.
fn statements(d: &dyn Dialect, text: &str) -> Vec<(String, bool)> {
    fixture_ops(text)
        .iter()
        .flat_map(|op| d.render(op).unwrap_or_else(|e| panic!("{e}")))
        .map(|s| (s.as_str().to_owned(), s.runs_outside_transaction()))
        .collect()
}

#[test]
fn concurrently_renders_outside_a_transaction_on_postgresql() {
    assert_eq!(
        statements(&Postgres, CONCURRENT),
        [
            (
                r#"CREATE UNIQUE INDEX CONCURRENTLY "ix_a" ON "s"."t" ("a") WHERE a > 0"#
                    .to_owned(),
                true
            ),
            (r#"DROP INDEX CONCURRENTLY "s"."ix_a""#.to_owned(), true),
            (r#"CREATE INDEX "ix_b" ON "t" ("b")"#.to_owned(), false),
        ]
    );
}

/// SQLite and MySQL have nothing to gain: the plain statements, in the
/// revision's transaction as ever.
#[test]
fn concurrently_renders_the_plain_statement_on_sqlite_and_mysql() {
    let plain = "\n[[upgrade]]\nop = \"create_index\"\ntable = \"t\"\nname = \"ix_a\"\ncolumns = [\"a\"]\nconcurrently = true\n\n[[upgrade]]\nop = \"drop_index\"\ntable = \"t\"\nname = \"ix_a\"\nconcurrently = true\n";
    assert_eq!(
        statements(&Sqlite, plain),
        [
            (r#"CREATE INDEX "ix_a" ON "t" ("a")"#.to_owned(), false),
            (r#"DROP INDEX "ix_a""#.to_owned(), false),
        ]
    );
    assert_eq!(
        statements(&MySql, plain),
        [
            ("CREATE INDEX `ix_a` ON `t` (`a`)".to_owned(), false),
            ("DROP INDEX `ix_a` ON `t`".to_owned(), false),
        ]
    );
}
