//! The target schema from SQL DDL files: one schema per dialect covering
//! every understood construct, the case-folding rules, errors that name
//! file, line and column, globs, and a round trip through the dialects'
//! own `CREATE TABLE`.

use std::path::{Path, PathBuf};

use retort_core::dialect::dialect_named;
use retort_core::models::{ModelError, expand_models, parse_models, read_models};
use retort_core::ops::Operation;
use retort_core::schema::{ForeignKey, Index, Schema, TableName};
use retort_core::types::ColumnType;

fn parse(dialect: &str, sql: &str) -> Result<Schema, ModelError> {
    let mut schema = Schema::default();
    parse_models(Path::new("models.sql"), sql, dialect, &mut schema)?;
    Ok(schema)
}

fn schema(dialect: &str, sql: &str) -> Schema {
    parse(dialect, sql).unwrap_or_else(|e| panic!("{dialect}: {e}"))
}

const SQLITE: &str = r#"
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    Email VARCHAR(255) NOT NULL UNIQUE,
    "Nick" TEXT NULL DEFAULT 'anon',
    score NUMERIC(10, 2) DEFAULT 0,
    created DATETIME DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT ck_score CHECK (score >= 0)
);
CREATE TABLE main.posts (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    slug VARCHAR(100) NOT NULL,
    body BLOB,
    PRIMARY KEY (user_id, slug),
    CONSTRAINT uq_body UNIQUE (body),
    CONSTRAINT fk_user FOREIGN KEY (user_id) REFERENCES users (id) ON UPDATE SET NULL
);
CREATE UNIQUE INDEX ix_users_email ON users (Email) WHERE Email IS NOT NULL;
CREATE INDEX main.ix_posts_slug ON posts (slug);
"#;

#[test]
fn sqlite_schema() {
    let s = schema("sqlite", SQLITE);
    assert!(s.enums.is_empty());
    let users = s.table(&TableName::new("users")).expect("users");
    let names: Vec<&str> = users.columns.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["id", "Email", "Nick", "score", "created"]);
    let id = &users.columns[0];
    assert_eq!(id.ty, ColumnType::Integer);
    assert!(id.primary_key && !id.nullable);
    // The rowid alias auto-increments with or without the keyword.
    assert_eq!(id.autoincrement, None);
    assert_eq!(users.primary_key, None);
    let email = &users.columns[1];
    assert_eq!(email.ty, ColumnType::Varchar(Some(255)));
    assert!(!email.nullable && email.unique);
    let nick = &users.columns[2];
    assert!(nick.nullable);
    assert_eq!(nick.server_default.as_deref(), Some("'anon'"));
    assert_eq!(
        users.columns[3].ty,
        ColumnType::Numeric {
            precision: Some(10),
            scale: Some(2)
        }
    );
    assert_eq!(users.columns[3].server_default.as_deref(), Some("0"));
    assert_eq!(users.columns[4].ty, ColumnType::DateTime);
    assert_eq!(
        users.columns[4].server_default.as_deref(),
        Some("CURRENT_TIMESTAMP")
    );
    assert_eq!(users.checks.len(), 1);
    assert_eq!(users.checks[0].name.as_deref(), Some("ck_score"));
    assert_eq!(users.checks[0].condition, "score >= 0");
    assert_eq!(
        users.indexes,
        [Index {
            name: "ix_users_email".into(),
            columns: vec!["Email".into()],
            unique: true,
            where_clause: Some("Email IS NOT NULL".into()),
            ..Default::default()
        }]
    );

    let posts = s
        .table(&TableName::in_schema("main", "posts"))
        .expect("posts");
    let pk = posts.primary_key.as_ref().expect("composite key");
    assert_eq!(pk.name, None);
    assert_eq!(pk.columns, ["user_id", "slug"]);
    assert!(posts.columns[0].primary_key && posts.columns[1].primary_key);
    assert_eq!(posts.columns[0].autoincrement, None);
    assert_eq!(posts.columns[2].ty, ColumnType::Blob);
    assert_eq!(posts.uniques.len(), 1);
    assert_eq!(posts.uniques[0].name.as_deref(), Some("uq_body"));
    assert_eq!(
        posts.foreign_keys,
        [
            ForeignKey {
                name: None,
                columns: vec!["user_id".into()],
                referent_table: TableName::new("users"),
                referent_columns: vec!["id".into()],
                on_delete: Some("CASCADE".into()),
                on_update: None,
                ..Default::default()
            },
            ForeignKey {
                name: Some("fk_user".into()),
                columns: vec!["user_id".into()],
                referent_table: TableName::new("users"),
                referent_columns: vec!["id".into()],
                on_delete: None,
                on_update: Some("SET NULL".into()),
                ..Default::default()
            },
        ]
    );
    assert_eq!(posts.indexes.len(), 1);
    assert_eq!(posts.indexes[0].name, "ix_posts_slug");
    assert!(!posts.indexes[0].unique);
}

const POSTGRES: &str = r#"
CREATE TYPE mood AS ENUM ('happy', 'sad');
CREATE TYPE shop."Size" AS ENUM ('S', 'M', 'L');
CREATE TABLE Users (
    ID SERIAL PRIMARY KEY,
    "Email" VARCHAR(255) NOT NULL,
    feeling mood DEFAULT 'happy',
    born TIMESTAMP WITH TIME ZONE,
    ratio DOUBLE PRECISION,
    data BYTEA,
    token UUID UNIQUE,
    CONSTRAINT uq_email UNIQUE ("Email")
);
CREATE TABLE shop.orders (
    id BIGINT GENERATED BY DEFAULT AS IDENTITY,
    user_id INT4 NOT NULL,
    size shop."Size",
    note TEXT,
    CONSTRAINT pk_orders PRIMARY KEY (id),
    CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id)
        ON DELETE SET NULL ON UPDATE CASCADE,
    CHECK (id > 0)
);
CREATE INDEX ix_orders_note ON shop.orders (note) WHERE note IS NOT NULL;
COMMENT ON TABLE users IS 'people';
COMMENT ON COLUMN shop.orders.note IS 'free text';
"#;

#[test]
fn postgresql_schema() {
    let s = schema("postgresql", POSTGRES);
    assert_eq!(s.enums.len(), 2);
    assert_eq!(s.enums[0].name, "mood");
    assert_eq!(s.enums[0].schema, None);
    assert_eq!(s.enums[0].values, ["happy", "sad"]);
    assert_eq!(s.enums[1].schema.as_deref(), Some("shop"));
    assert_eq!(s.enums[1].name, "Size");

    let users = s
        .table(&TableName::new("users"))
        .expect("unquoted names fold");
    assert_eq!(users.comment.as_deref(), Some("people"));
    let id = &users.columns[0];
    assert_eq!(id.name, "id");
    assert_eq!(id.ty, ColumnType::Integer);
    assert!(id.primary_key && !id.nullable);
    assert_eq!(id.autoincrement, Some(true));
    assert_eq!(users.columns[1].name, "Email");
    assert_eq!(
        users.columns[2].ty,
        ColumnType::Enum {
            name: Some("mood".into()),
            values: vec!["happy".into(), "sad".into()]
        }
    );
    assert_eq!(users.columns[2].server_default.as_deref(), Some("'happy'"));
    assert_eq!(users.columns[3].ty, ColumnType::TimestampTz);
    assert_eq!(users.columns[4].ty, ColumnType::Double);
    assert_eq!(users.columns[5].ty, ColumnType::Blob);
    assert_eq!(users.columns[6].ty, ColumnType::Uuid);
    assert!(users.columns[6].unique);
    assert_eq!(users.uniques[0].name.as_deref(), Some("uq_email"));
    assert_eq!(users.uniques[0].columns, ["Email"]);

    let orders = s
        .table(&TableName::in_schema("shop", "orders"))
        .expect("orders");
    let pk = orders.primary_key.as_ref().expect("named key");
    assert_eq!(pk.name.as_deref(), Some("pk_orders"));
    assert_eq!(pk.columns, ["id"]);
    assert_eq!(orders.columns[0].ty, ColumnType::BigInt);
    assert_eq!(orders.columns[0].autoincrement, Some(true));
    assert_eq!(orders.columns[1].ty, ColumnType::Integer);
    assert_eq!(orders.columns[1].autoincrement, None);
    assert_eq!(
        orders.columns[2].ty,
        ColumnType::Enum {
            name: Some("shop.Size".into()),
            values: vec!["S".into(), "M".into(), "L".into()]
        }
    );
    assert_eq!(orders.columns[3].comment.as_deref(), Some("free text"));
    let fk = &orders.foreign_keys[0];
    assert_eq!(fk.name.as_deref(), Some("fk_orders_user"));
    assert_eq!(fk.referent_table, TableName::new("users"));
    assert_eq!(fk.on_delete.as_deref(), Some("SET NULL"));
    assert_eq!(fk.on_update.as_deref(), Some("CASCADE"));
    assert_eq!(orders.checks[0].name, None);
    assert_eq!(orders.checks[0].condition, "id > 0");
    assert_eq!(
        orders.indexes[0].where_clause.as_deref(),
        Some("note IS NOT NULL")
    );
}

const MYSQL: &str = r#"
CREATE TABLE `Users` (
    id INT(11) NOT NULL AUTO_INCREMENT,
    Email VARCHAR(255) NOT NULL COMMENT 'login',
    status ENUM('active', 'gone') NOT NULL DEFAULT 'active',
    is_admin BOOL DEFAULT FALSE,
    PRIMARY KEY (id),
    UNIQUE KEY uq_email (Email),
    INDEX ix_status (status)
) COMMENT='people';
CREATE TABLE shop.orders (
    id BIGINT PRIMARY KEY,
    user_id INT NOT NULL,
    CONSTRAINT fk_o_u FOREIGN KEY (user_id) REFERENCES `Users` (id) ON DELETE CASCADE
);
CREATE INDEX ix_orders_user ON shop.orders (user_id);
"#;

#[test]
fn mysql_schema() {
    let s = schema("mysql", MYSQL);
    let users = s.table(&TableName::new("Users")).expect("Users");
    assert_eq!(users.comment.as_deref(), Some("people"));
    let id = &users.columns[0];
    assert_eq!(id.ty, ColumnType::Integer);
    assert!(id.primary_key);
    assert_eq!(id.autoincrement, Some(true));
    assert_eq!(users.primary_key, None);
    assert_eq!(users.columns[1].name, "Email");
    assert_eq!(users.columns[1].comment.as_deref(), Some("login"));
    assert_eq!(
        users.columns[2].ty,
        ColumnType::Enum {
            name: None,
            values: vec!["active".into(), "gone".into()]
        }
    );
    assert_eq!(users.columns[3].ty, ColumnType::Boolean);
    assert_eq!(users.columns[3].server_default.as_deref(), Some("false"));
    assert_eq!(users.uniques[0].name.as_deref(), Some("uq_email"));
    assert_eq!(users.indexes[0].name, "ix_status");
    assert_eq!(users.indexes[0].columns, ["status"]);

    let orders = s
        .table(&TableName::in_schema("shop", "orders"))
        .expect("orders");
    // A lone integer key without AUTO_INCREMENT does not auto-increment.
    assert_eq!(orders.columns[0].autoincrement, Some(false));
    assert_eq!(
        orders.foreign_keys[0].referent_table,
        TableName::new("Users")
    );
    assert_eq!(orders.indexes[0].name, "ix_orders_user");
}

#[test]
fn case_folding() {
    let sql = r#"CREATE TABLE Mixed (Aa INT, "Bb" INT); CREATE TABLE "Quoted" (x INT);"#;
    let pg = schema("postgresql", sql);
    assert_eq!(pg.tables[0].name.name, "mixed");
    assert_eq!(pg.tables[0].columns[0].name, "aa");
    assert_eq!(pg.tables[0].columns[1].name, "Bb");
    assert_eq!(pg.tables[1].name.name, "Quoted");
    for dialect in ["sqlite", "mysql"] {
        let sql = sql.replace('"', if dialect == "mysql" { "`" } else { "\"" });
        let s = schema(dialect, &sql);
        assert_eq!(s.tables[0].name.name, "Mixed", "{dialect}");
        assert_eq!(s.tables[0].columns[0].name, "Aa", "{dialect}");
        assert_eq!(s.tables[0].columns[1].name, "Bb", "{dialect}");
        assert_eq!(s.tables[1].name.name, "Quoted", "{dialect}");
    }
}

/// `file:line:column: message` of an error, and its position.
fn error(dialect: &str, sql: &str) -> (String, (u64, u64)) {
    let e = parse(dialect, sql).expect_err("an error");
    (e.to_string(), e.position().expect("a position"))
}

#[test]
fn syntax_error_names_file_line_and_column() {
    let (msg, at) = error(
        "sqlite",
        "CREATE TABLE t (\n    id INTEGER,\n    name TEXT NOT NULL DEFAULT\n);",
    );
    assert_eq!(at, (4, 1), "{msg}");
    assert!(msg.starts_with("models.sql:4:1: syntax error: "), "{msg}");
}

#[test]
fn unsupported_statement() {
    let (msg, at) = error(
        "postgresql",
        "CREATE TABLE t (id INTEGER);\n\n  CREATE VIEW v AS SELECT 1;",
    );
    assert_eq!(at, (3, 3), "{msg}");
    assert!(
        msg.contains("not supported in models: `CREATE VIEW`"),
        "{msg}"
    );
}

#[test]
fn index_on_unknown_table() {
    let (msg, at) = error(
        "mysql",
        "CREATE TABLE t (a INT);\nCREATE INDEX ix ON nope (a);",
    );
    assert_eq!(at, (2, 20), "{msg}");
    assert!(msg.contains("no table nope"), "{msg}");
}

#[test]
fn comment_on_unknown_column() {
    let (msg, at) = error(
        "postgresql",
        "CREATE TABLE t (a INT);\nCOMMENT ON COLUMN t.b IS 'x';",
    );
    assert_eq!(at, (2, 19), "{msg}");
    assert!(msg.contains("t has no column b"), "{msg}");
}

#[test]
fn duplicate_table_after_folding() {
    let (msg, at) = error(
        "postgresql",
        "CREATE TABLE t (a INT);\nCREATE TABLE  T (a INT);",
    );
    assert_eq!(at, (2, 15), "{msg}");
    assert!(msg.contains("the table t is declared twice"), "{msg}");
    // SQLite keeps the case as written: two tables.
    assert_eq!(
        schema("sqlite", "CREATE TABLE t (a INT);\nCREATE TABLE T (a INT);")
            .tables
            .len(),
        2
    );
}

#[test]
fn unsupported_clauses_name_their_position() {
    let (msg, at) = error(
        "postgresql",
        "CREATE TABLE t (a TEXT);\nCREATE INDEX ix ON t (lower(a) text_pattern_ops);",
    );
    assert_eq!(at.0, 2, "{msg}");
    assert!(msg.contains("lower(a)"), "{msg}");
    let (msg, at) = error("sqlite", "CREATE TABLE t (a INT) WITHOUT ROWID;");
    assert_eq!(at, (1, 14), "{msg}");
    let (msg, at) = error(
        "mysql",
        "CREATE TABLE t (\n  a TEXT CHARACTER SET utf8mb4\n);",
    );
    assert_eq!(at.0, 2, "{msg}");
    assert!(msg.contains("CHARACTER SET"), "{msg}");
    let (msg, at) = error(
        "postgresql",
        "CREATE TABLE t (a INT GENERATED ALWAYS AS (1) STORED);",
    );
    assert_eq!(at.0, 1, "{msg}");
}

#[test]
fn unknown_dialect() {
    let e = parse("oracle", "CREATE TABLE t (a INT);").expect_err("error");
    assert!(matches!(e, ModelError::UnknownDialect(_)));
}

#[test]
fn globs_expand_sorted_and_read() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = dir.path();
    std::fs::create_dir(base.join("models")).expect("mkdir");
    let write = |p: &str, sql: &str| std::fs::write(base.join(p), sql).expect("write");
    write(
        "models/b_posts.sql",
        "CREATE TABLE posts (id INTEGER PRIMARY KEY);",
    );
    write(
        "models/a_users.sql",
        "CREATE TABLE users (id INTEGER PRIMARY KEY);",
    );
    write("models/notes.txt", "not sql");
    write("extra.sql", "CREATE INDEX ix_posts ON posts (id);");
    let entries = [
        "models/*.sql".to_owned(),
        "extra.sql".to_owned(),
        "models/?_users.sql".to_owned(),
    ];
    let paths = expand_models(base, &entries).expect("expands");
    let expected: Vec<PathBuf> = ["models/a_users.sql", "models/b_posts.sql", "extra.sql"]
        .iter()
        .map(|p| base.join(p))
        .collect();
    assert_eq!(paths, expected);
    let s = read_models(&paths, "sqlite").expect("reads");
    assert_eq!(s.tables.len(), 2);
    assert_eq!(s.tables[1].indexes[0].name, "ix_posts");

    let e = expand_models(base, &["schema/*.sql".to_owned()]).expect_err("no match");
    assert!(
        e.to_string().contains("\"schema/*.sql\" matches no file"),
        "{e}"
    );
    let e = expand_models(base, &["models/*.psql".to_owned()]).expect_err("no match");
    assert!(matches!(e, ModelError::NoMatch { .. }), "{e}");

    // An error in the second file names that file.
    write("models/c_bad.sql", "CREATE TABLE\n  oops;");
    let paths = expand_models(base, &["models/*.sql".to_owned()]).expect("expands");
    let e = read_models(&paths, "sqlite").expect_err("bad file");
    assert!(
        e.to_string()
            .contains("c_bad.sql:2:3: the table oops has no columns"),
        "{e}"
    );
}

/// `**` descends into folders (not hidden ones), `[...]` picks one
/// character, matches come sorted by path, a file named literally wins over
/// its name read as a glob, and a bad glob is an error naming it.
#[test]
fn globs_recurse_with_double_star() {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = dir.path();
    for folder in ["schema/b/deep", "schema/a", "schema/.hidden"] {
        std::fs::create_dir_all(base.join(folder)).expect("mkdir");
    }
    let files = [
        "schema/top.sql",
        "schema/b/deep/z.sql",
        "schema/b/m.sql",
        "schema/a/x.sql",
        "schema/a/y.sql",
        "schema/a/notes.txt",
        "schema/.hidden/h.sql",
        "schema/.dot.sql",
        "schema/[lit].sql",
    ];
    for f in files {
        std::fs::write(base.join(f), "CREATE TABLE t (id INTEGER);").expect("write");
    }
    let expand = |entries: &[&str]| -> Vec<String> {
        let entries: Vec<String> = entries.iter().map(|e| (*e).to_owned()).collect();
        expand_models(base, &entries)
            .expect("expands")
            .iter()
            .map(|p| {
                p.strip_prefix(base)
                    .unwrap_or_else(|_| panic!("{p:?} under {base:?}"))
                    .to_string_lossy()
                    .replace('\\', "/")
            })
            .collect()
    };
    assert_eq!(
        expand(&["schema/**/*.sql"]),
        [
            "schema/[lit].sql",
            "schema/a/x.sql",
            "schema/a/y.sql",
            "schema/b/deep/z.sql",
            "schema/b/m.sql",
            "schema/top.sql",
        ]
    );
    assert_eq!(
        expand(&["schema/b/**/*.sql", "schema/a/[xz].sql", "schema/**/m.sql"]),
        ["schema/b/deep/z.sql", "schema/b/m.sql", "schema/a/x.sql"]
    );
    assert_eq!(expand(&["schema/.h*/*.sql"]), ["schema/.hidden/h.sql"]);
    assert_eq!(expand(&["schema/.hidden/*.sql"]), ["schema/.hidden/h.sql"]);
    assert_eq!(expand(&["schema/.*.sql"]), ["schema/.dot.sql"]);
    assert_eq!(expand(&["schema/[lit].sql"]), ["schema/[lit].sql"]);
    let e = expand_models(base, &["schema/[a.sql".to_owned()]).expect_err("bad glob");
    assert!(matches!(e, ModelError::BadPattern { .. }), "{e}");
    assert!(
        e.to_string()
            .contains("\"schema/[a.sql\" is not a valid glob"),
        "{e}"
    );
    let e = expand_models(base, &["other/**/*.sql".to_owned()]).expect_err("no match");
    assert!(matches!(e, ModelError::NoMatch { .. }), "{e}");
}

/// Renders every table with the dialect's own `CREATE TABLE` (after its
/// enum types), parses that back and expects the same tables.
fn round_trip(dialect: &str, sql: &str) {
    let original = schema(dialect, sql);
    let d = dialect_named(dialect).expect("dialect");
    let mut rendered = String::new();
    let mut ops: Vec<Operation> = original
        .enums
        .iter()
        .map(|e| Operation::CreateEnum {
            name: TableName {
                schema: e.schema.clone(),
                name: e.name.clone(),
            },
            values: e.values.clone(),
        })
        .collect();
    ops.extend(original.tables.iter().cloned().map(Operation::CreateTable));
    for op in &ops {
        for statement in d.render(op).expect("renders") {
            rendered.push_str(&format!("{statement};\n"));
        }
    }
    let back = parse(dialect, &rendered).unwrap_or_else(|e| panic!("{e}\n{rendered}"));
    assert_eq!(back.enums, original.enums, "{rendered}");
    for (a, b) in original.tables.iter().zip(&back.tables) {
        assert_eq!(a, b, "{dialect}:\n{rendered}");
    }
    assert_eq!(back.tables.len(), original.tables.len());
}

#[test]
fn round_trip_sqlite() {
    round_trip("sqlite", SQLITE);
}

#[test]
fn round_trip_postgresql() {
    round_trip("postgresql", POSTGRES);
}

#[test]
fn round_trip_mysql() {
    round_trip("mysql", MYSQL);
}

#[test]
fn expression_indexes() {
    for dialect in ["sqlite", "postgresql"] {
        let s = schema(
            dialect,
            "CREATE TABLE t (a VARCHAR(20), b INTEGER);\n\
             CREATE UNIQUE INDEX ix_t ON t (lower(a), b, (b + 1));",
        );
        assert_eq!(
            s.tables[0].indexes[0].columns,
            ["(lower(a))", "b", "(b + 1)"],
            "{dialect}"
        );
        assert!(s.tables[0].indexes[0].unique);
    }
    let (msg, at) = error(
        "mysql",
        "CREATE TABLE t (a VARCHAR(20));\nCREATE INDEX ix ON t ((lower(a)));",
    );
    assert_eq!(at.0, 2, "{msg}");
    assert!(msg.contains("MariaDB has no expression indexes"), "{msg}");
    let (msg, _) = error(
        "postgresql",
        "CREATE TABLE t (a VARCHAR(20));\nCREATE INDEX ix ON t (a DESC);",
    );
    assert!(msg.contains("without ordering"), "{msg}");
}

#[test]
fn sqlite_views_are_kept_as_sqlite_keeps_them() {
    let s = schema(
        "sqlite",
        "CREATE TABLE t (id INTEGER);\n\ncreate   view \"v w\" AS\n  SELECT id FROM t  ;\nCREATE VIEW main.x AS SELECT 1;",
    );
    let views: Vec<(&str, &str)> = s
        .objects
        .iter()
        .map(|o| (o.id.name.as_str(), o.definition.as_str()))
        .collect();
    assert_eq!(
        views,
        [
            ("v w", "CREATE VIEW \"v w\" AS\n  SELECT id FROM t"),
            ("x", "CREATE VIEW x AS SELECT 1"),
        ]
    );
    let (msg, _) = error("sqlite", "CREATE VIEW IF NOT EXISTS v AS SELECT 1;");
    assert!(msg.contains("IF NOT EXISTS"), "{msg}");
    let (msg, _) = error(
        "sqlite",
        "CREATE VIEW v AS SELECT 1;\nCREATE VIEW v AS SELECT 2;",
    );
    assert!(msg.contains("declared twice"), "{msg}");
}
