//! The schema builder: a schema declared in Rust equals the schema the
//! models reader gives for the equivalent SQL, on every dialect, and the
//! diff between them is empty; bad declarations are reported all at once.

use std::path::Path;

use retort_core::dialect::mysql::diff::MySqlDiff;
use retort_core::dialect::postgres::diff::PostgresDiff;
use retort_core::dialect::sqlite::diff::SqliteDiff;
use retort_core::diff::{DiffOptions, Normalizer, diff};
use retort_core::models::parse_models;
use retort_core::schema::{Schema, SchemaBuilder, TableBuilder, TableName};
use retort_core::types::ColumnType;

fn read(dialect: &str, sql: &str) -> Schema {
    let mut schema = Schema::default();
    parse_models(Path::new("models.sql"), sql, dialect, &mut schema)
        .unwrap_or_else(|e| panic!("{dialect}: {e}"));
    schema
}

fn build_for(builder: SchemaBuilder, dialect: &str) -> Schema {
    builder
        .build_for(dialect)
        .unwrap_or_else(|e| panic!("{dialect}: {e}"))
}

/// `==`, and the diff both ways is empty.
fn assert_same(dialect: &str, normalizer: &dyn Normalizer, from_sql: &Schema, built: &Schema) {
    assert_eq!(from_sql, built, "{dialect}: the built schema differs");
    let options = DiffOptions::new(normalizer);
    for (live, target) in [(from_sql, built), (built, from_sql)] {
        let d = diff(live, target, &options);
        assert!(d.is_empty(), "{dialect}: {:?}", d.changes);
    }
}

/// `org`: an auto-increment key, a column-level UNIQUE, a default.
fn org(t: TableBuilder) -> TableBuilder {
    t.column("id", ColumnType::Integer, |c| {
        c.primary_key().autoincrement()
    })
    .column("name", ColumnType::Varchar(Some(100)), |c| {
        c.not_null().unique()
    })
    .column("created_at", "datetime", |c| {
        c.default_sql("CURRENT_TIMESTAMP")
    })
}

/// `membership`: a composite key, a named foreign key with both actions,
/// an unnamed one, a string default.
fn membership(t: TableBuilder) -> TableBuilder {
    t.column("user_id", ColumnType::Integer, |c| c.not_null())
        .column("org_id", ColumnType::Integer, |c| c.not_null())
        .column("role", ColumnType::Text, |c| c.default_sql("'member'"))
        .primary_key(["user_id", "org_id"])
        .foreign_key(["user_id"], "user", ["id"], |fk| {
            fk.name("fk_membership_user")
                .on_delete("cascade")
                .on_update("no  action")
        })
        .foreign_key(["org_id"], "org", ["id"], |fk| fk)
}

const POSTGRES: &str = r#"
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE org (
    id SERIAL PRIMARY KEY,
    name VARCHAR(100) NOT NULL UNIQUE,
    created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE "user" (
    id INTEGER PRIMARY KEY,
    email VARCHAR(255) NOT NULL,
    age INTEGER DEFAULT 0,
    mood mood,
    score NUMERIC(10, 2),
    org_id INTEGER REFERENCES org (id) ON DELETE CASCADE,
    deleted_at TIMESTAMP,
    CONSTRAINT uq_user_email UNIQUE (email),
    CONSTRAINT ck_user_age CHECK (age >= 0 AND age < 200)
);
CREATE TABLE membership (
    user_id INTEGER NOT NULL,
    org_id INTEGER NOT NULL,
    role TEXT DEFAULT 'member',
    PRIMARY KEY (user_id, org_id),
    CONSTRAINT fk_membership_user FOREIGN KEY (user_id) REFERENCES "user" (id)
        ON DELETE CASCADE ON UPDATE NO ACTION,
    FOREIGN KEY (org_id) REFERENCES org (id)
);
CREATE INDEX ix_user_age ON "user" (age);
CREATE UNIQUE INDEX ix_user_live_email ON "user" (email) WHERE deleted_at IS NULL;
COMMENT ON TABLE "user" IS 'people';
COMMENT ON COLUMN "user".email IS 'login';
"#;

fn postgres_builder() -> SchemaBuilder {
    SchemaBuilder::new()
        .enum_type("mood", ["sad", "ok", "happy"])
        .table("org", org)
        .table("user", |t| {
            t.column("id", ColumnType::Integer, |c| c.primary_key())
                .column("email", "varchar(255)", |c| c.not_null().comment("login"))
                .column("age", ColumnType::Integer, |c| c.default_sql("0"))
                .column("mood", "mood", |c| c)
                .column("score", "numeric(10, 2)", |c| c)
                .column("org_id", ColumnType::Integer, |c| {
                    c.references("org", "id", |fk| fk.on_delete("CASCADE"))
                })
                .column("deleted_at", ColumnType::DateTime, |c| c)
                .unique_named("uq_user_email", ["email"])
                // Written compactly: the builder prints it as the reader does.
                .check_named("ck_user_age", "age>=0 and age<200")
                .index("ix_user_age", ["age"])
                .index_with("ix_user_live_email", ["email"], |ix| {
                    ix.unique().where_clause("deleted_at is null")
                })
                .comment("people")
        })
        .table("membership", membership)
}

#[test]
fn postgres_schema_equals_the_models_reader() {
    let from_sql = read("postgresql", POSTGRES);
    let built = build_for(postgres_builder(), "postgresql");
    assert_same("postgresql", &PostgresDiff, &from_sql, &built);
    // The pieces the reader represents in particular ways.
    let user = built.table(&TableName::new("user")).unwrap();
    assert_eq!(
        user.find_column("mood").unwrap().ty,
        ColumnType::Enum {
            name: Some("mood".into()),
            values: vec!["sad".into(), "ok".into(), "happy".into()],
        }
    );
    assert_eq!(user.find_column("id").unwrap().autoincrement, Some(false));
    assert_eq!(user.primary_key, None);
    assert_eq!(
        user.indexes[1].where_clause.as_deref(),
        Some("deleted_at IS NULL")
    );
    let membership = built.table(&TableName::new("membership")).unwrap();
    assert_eq!(
        membership.primary_key.as_ref().unwrap().columns,
        ["user_id", "org_id"]
    );
    assert_eq!(
        membership.foreign_keys[0].on_update.as_deref(),
        Some("NO ACTION")
    );
    // The neutral build settles the same way as PostgreSQL here.
    assert_eq!(postgres_builder().build().unwrap(), built);
    assert_eq!(build_for(postgres_builder(), "postgres"), built);
}

const MYSQL: &str = r#"
CREATE TABLE org (
    id INT AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(100) NOT NULL UNIQUE,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE `user` (
    id INTEGER PRIMARY KEY,
    email VARCHAR(255) NOT NULL COMMENT 'login',
    age INT DEFAULT 0,
    mood ENUM('sad', 'ok', 'happy'),
    org_id INT,
    CONSTRAINT uq_user_email UNIQUE (email),
    CONSTRAINT fk_user_org FOREIGN KEY (org_id) REFERENCES org (id) ON DELETE SET NULL,
    CONSTRAINT ck_user_age CHECK (age >= 0),
    INDEX ix_user_age (age)
) COMMENT = 'people';
CREATE TABLE membership (
    user_id INT NOT NULL,
    org_id INT NOT NULL,
    role TEXT DEFAULT 'member',
    PRIMARY KEY (user_id, org_id),
    CONSTRAINT fk_membership_user FOREIGN KEY (user_id) REFERENCES `user` (id)
        ON DELETE CASCADE ON UPDATE NO ACTION,
    FOREIGN KEY (org_id) REFERENCES org (id)
);
"#;

#[test]
fn mysql_schema_equals_the_models_reader() {
    let from_sql = read("mysql", MYSQL);
    let built = build_for(
        SchemaBuilder::new()
            .table("org", org)
            .table("user", |t| {
                t.column("id", ColumnType::Integer, |c| c.primary_key())
                    .column("email", ColumnType::Varchar(Some(255)), |c| {
                        c.not_null().comment("login")
                    })
                    .column("age", ColumnType::Integer, |c| c.default_sql("0"))
                    .column("mood", "enum('sad', 'ok', 'happy')", |c| c)
                    .column("org_id", ColumnType::Integer, |c| c)
                    .unique_named("uq_user_email", ["email"])
                    .foreign_key(["org_id"], "org", ["id"], |fk| {
                        fk.name("fk_user_org").on_delete("SET NULL")
                    })
                    .check_named("ck_user_age", "age >= 0")
                    .index("ix_user_age", ["age"])
                    .comment("people")
            })
            .table("membership", membership),
        "mariadb",
    );
    assert_same("mysql", &MySqlDiff, &from_sql, &built);
    let org = built.table(&TableName::new("org")).unwrap();
    assert_eq!(org.find_column("id").unwrap().autoincrement, Some(true));
    assert!(org.find_column("name").unwrap().unique);
}

const SQLITE: &str = r#"
CREATE TABLE org (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name VARCHAR(100) NOT NULL UNIQUE,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP
);
CREATE TABLE "user" (
    id INTEGER PRIMARY KEY,
    email VARCHAR(255) NOT NULL,
    age INTEGER DEFAULT (0),
    org_id INTEGER REFERENCES org (id) ON DELETE CASCADE,
    deleted_at DATETIME,
    CONSTRAINT uq_user_email UNIQUE (email),
    CHECK (age >= 0)
);
CREATE TABLE membership (
    user_id INTEGER NOT NULL,
    org_id INTEGER NOT NULL,
    role TEXT DEFAULT 'member',
    PRIMARY KEY (user_id, org_id),
    CONSTRAINT fk_membership_user FOREIGN KEY (user_id) REFERENCES "user" (id)
        ON DELETE CASCADE ON UPDATE NO ACTION,
    FOREIGN KEY (org_id) REFERENCES org (id)
);
CREATE INDEX ix_user_age ON "user" (age);
CREATE UNIQUE INDEX ix_user_live_email ON "user" (email) WHERE deleted_at IS NULL;
"#;

#[test]
fn sqlite_schema_equals_the_models_reader() {
    let from_sql = read("sqlite", SQLITE);
    let builder = || {
        SchemaBuilder::new()
            .table("org", org)
            .table("user", |t| {
                t.column("id", ColumnType::Integer, |c| c.primary_key())
                    .column("email", ColumnType::Varchar(Some(255)), |c| c.not_null())
                    .column("age", ColumnType::Integer, |c| c.default_sql("(0)"))
                    .column("org_id", ColumnType::Integer, |c| {
                        c.references("org", "id", |fk| fk.on_delete("CASCADE"))
                    })
                    .column("deleted_at", ColumnType::DateTime, |c| c)
                    .unique_named("uq_user_email", ["email"])
                    .check("age >= 0")
                    .index("ix_user_age", ["age"])
                    .index_with("ix_user_live_email", ["email"], |ix| {
                        ix.unique().where_clause("deleted_at IS NULL")
                    })
            })
            .table("membership", membership)
    };
    let built = build_for(builder(), "sqlite");
    assert_same("sqlite", &SqliteDiff, &from_sql, &built);
    // SQLite's rowid: auto-increment is the default there, keyword or not.
    let org = built.table(&TableName::new("org")).unwrap();
    let user = built.table(&TableName::new("user")).unwrap();
    assert_eq!(org.find_column("id").unwrap().autoincrement, None);
    assert_eq!(user.find_column("id").unwrap().autoincrement, None);
    // The neutral build says what was declared.
    let neutral = builder().build().unwrap();
    let user = neutral.table(&TableName::new("user")).unwrap();
    assert_eq!(user.find_column("id").unwrap().autoincrement, Some(false));
}

#[test]
fn a_difference_is_found_by_the_diff() {
    let from_sql = read("postgresql", POSTGRES);
    let changed = build_for(
        postgres_builder().table("extra", |t| t.column("id", "integer", |c| c.primary_key())),
        "postgresql",
    );
    let d = diff(&from_sql, &changed, &DiffOptions::new(&PostgresDiff));
    assert_eq!(
        d.changes
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["Detected added table 'extra'"]
    );
}

#[test]
fn schema_qualified_tables_and_enums() {
    let sql = r#"
CREATE TYPE auth.level AS ENUM ('low', 'high');
CREATE TABLE auth.account (
    id BIGSERIAL PRIMARY KEY,
    level auth.level NOT NULL DEFAULT 'low'
);
CREATE TABLE note (
    id INTEGER,
    account_id BIGINT REFERENCES auth.account (id),
    CONSTRAINT pk_note PRIMARY KEY (id)
);
"#;
    let built = build_for(
        SchemaBuilder::new()
            .enum_type_in_schema("auth", "level", ["low", "high"])
            .table(TableName::in_schema("auth", "account"), |t| {
                t.column("id", ColumnType::BigInt, |c| {
                    c.primary_key().autoincrement()
                })
                .column("level", "auth.level", |c| c.not_null().default_sql("'low'"))
            })
            .table("note", |t| {
                t.column("id", ColumnType::Integer, |c| c)
                    .column("account_id", ColumnType::BigInt, |c| {
                        c.references(TableName::in_schema("auth", "account"), "id", |fk| fk)
                    })
                    .primary_key_named("pk_note", ["id"])
            }),
        "postgresql",
    );
    assert_same(
        "postgresql",
        &PostgresDiff,
        &read("postgresql", sql),
        &built,
    );
}

#[test]
fn every_problem_is_reported_with_its_table_and_column() {
    let err = SchemaBuilder::new()
        .enum_type("mood", Vec::<String>::new())
        .enum_type("mood", ["a", "a"])
        .table("org", |t| t.column("id", "integer", |c| c.primary_key()))
        .table("org", |t| t.column("id", "integer", |c| c))
        .table("empty", |t| t)
        .table("user", |t| {
            t.column("id", "integer", |c| c.primary_key())
                .column("id", "text", |c| c)
                .column("email", "varchar(abc)", |c| c.default_sql("'x"))
                .column("org_id", "integer", |c| {
                    c.references("org", "nope", |fk| fk.on_delete("EXPLODE"))
                })
                .primary_key(["email"])
                .unique(["mail"])
                .index("ix", ["id"])
                .index("ix", ["missing"])
                .foreign_key(["org_id", "id"], "org", ["id"], |fk| fk)
                .check("age >")
        })
        .build()
        .unwrap_err();
    let problems = err.problems.join("\n");
    for needle in [
        "the enum type mood has no values",
        "the enum type mood is declared twice",
        "the enum type mood has the value \"a\" twice",
        "the table org is declared twice",
        "table empty: no columns",
        "table user: the column id is declared twice",
        "table user: column email: invalid column type \"varchar(abc)\"",
        "table user: column email: the default `'x` is not an SQL expression",
        "table user: 2 primary keys are declared",
        "table user: the unique constraint on (mail) names the column mail, which the table does not have",
        "table user: the foreign key (org_id) to org refers to the column nope, which org does not have",
        "table user: the foreign key (org_id) to org: ON DELETE: the foreign key action \"EXPLODE\"",
        "table user: the foreign key (org_id, id) to org has 2 columns but refers to 1",
        "table user: the check condition `age >` is not an SQL expression",
        "table user: the index ix is declared twice",
        "table user: the index ix names the column missing, which the table does not have",
    ] {
        assert!(problems.contains(needle), "{needle:?} not in:\n{problems}");
    }
    let shown = err.to_string();
    assert!(
        shown.starts_with(&format!(
            "the schema declared in Rust has {} problems:\n  - ",
            err.problems.len()
        )),
        "{shown}"
    );
    let one = SchemaBuilder::new()
        .table("t", |t| t.column("a", "integer", |c| c).index("ix", ["b"]))
        .build()
        .unwrap_err()
        .to_string();
    assert_eq!(
        one,
        "the schema declared in Rust: table t: the index ix names the column b, which the table does not have"
    );
    let dialect = SchemaBuilder::new().build_for("oracle").unwrap_err();
    assert!(dialect.to_string().contains("unknown dialect \"oracle\""));
}
