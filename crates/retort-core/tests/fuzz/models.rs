//! Fuzzing of models files (SQL DDL).

use std::path::Path;

use crate::fuzz_support::{MAX_LEN, fuzz, mutated, random_text, token_soup};
use proptest::prelude::*;
use retort_core::models::parse_models;
use retort_core::schema::Schema;

// --- models files (SQL DDL) -------------------------------------------------------

/// Real DDL: the models files of the autogenerate corpus
/// (`tests/integration/autogen_corpus/*/v*.sql`), one seed each, read from
/// the corpus itself.
fn model_seeds() -> &'static [&'static str] {
    static SEEDS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    SEEDS.get_or_init(|| {
        let corpus =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/integration/autogen_corpus");
        let mut files: Vec<_> = std::fs::read_dir(&corpus)
            .unwrap_or_else(|e| panic!("the corpus {}: {e}", corpus.display()))
            .filter_map(|case| std::fs::read_dir(case.ok()?.path()).ok())
            .flatten()
            .filter_map(|file| Some(file.ok()?.path()))
            .filter(|path| {
                path.file_name()
                    .and_then(|n| n.to_str())
                    .is_some_and(|n| n.starts_with('v') && n.ends_with(".sql"))
            })
            .collect();
        files.sort();
        let seeds: Vec<&'static str> = files
            .iter()
            .filter_map(|path| std::fs::read_to_string(path).ok())
            .map(|text| &*Box::leak(text.into_boxed_str()))
            .collect();
        assert!(!seeds.is_empty(), "no models files in {}", corpus.display());
        seeds
    })
}

const SQL_TOKENS: &[&str] = &[
    "CREATE",
    "TABLE",
    "INDEX",
    "UNIQUE",
    "TYPE",
    "AS",
    "ENUM",
    "COMMENT",
    "ON",
    "IS",
    "COLUMN",
    "IF",
    "NOT",
    "EXISTS",
    "TEMPORARY",
    "PRIMARY",
    "KEY",
    "FOREIGN",
    "REFERENCES",
    "CHECK",
    "CONSTRAINT",
    "DEFAULT",
    "NULL",
    "CASCADE",
    "SET",
    "DELETE",
    "UPDATE",
    "RESTRICT",
    "NO",
    "ACTION",
    "DEFERRABLE",
    "INITIALLY",
    "DEFERRED",
    "GENERATED",
    "ALWAYS",
    "BY",
    "IDENTITY",
    "STORED",
    "VIRTUAL",
    "AUTO_INCREMENT",
    "AUTOINCREMENT",
    "SERIAL",
    "BIGSERIAL",
    "COLLATE",
    "CHARACTER",
    "CHARSET",
    "ENGINE",
    "=",
    "InnoDB",
    "WITHOUT",
    "ROWID",
    "STRICT",
    "USING",
    "BTREE",
    "GIN",
    "WHERE",
    "INCLUDE",
    "ASC",
    "DESC",
    "LIKE",
    "INHERITS",
    "PARTITION",
    "SELECT",
    "ALTER",
    "DROP",
    "INSERT",
    "INTO",
    "VALUES",
    "INT",
    "INTEGER",
    "BIGINT",
    "SMALLINT",
    "TINYINT(1)",
    "UNSIGNED",
    "VARCHAR(255)",
    "VARCHAR",
    "CHAR(3)",
    "TEXT",
    "BLOB",
    "BYTEA",
    "NUMERIC(10,2)",
    "DECIMAL(65,30)",
    "NUMERIC(1000,1000)",
    "REAL",
    "DOUBLE PRECISION",
    "FLOAT",
    "BOOLEAN",
    "BOOL",
    "DATE",
    "TIME",
    "TIMESTAMP",
    "TIMESTAMP WITH TIME ZONE",
    "TIMESTAMPTZ",
    "DATETIME(6)",
    "JSON",
    "JSONB",
    "UUID",
    "INTERVAL",
    "INT[]",
    "ENUM('a','b')",
    "SET('x')",
    "t",
    "a",
    "b",
    "id",
    "\"Quoted Name\"",
    "`back`",
    "[brackets]",
    "\"\"",
    "s.t",
    "public.t",
    "x.y.z",
    "(",
    ")",
    "(",
    ")",
    ",",
    ",",
    ";",
    ";",
    ".",
    "'str'",
    "''",
    "'it''s'",
    "E'\\n'",
    "$$body$$",
    "0",
    "1",
    "-1",
    "1.5",
    "1e999",
    "99999999999999999999999",
    "TRUE",
    "FALSE",
    "CURRENT_TIMESTAMP",
    "now()",
    "lower(a)",
    "a + b",
    "a > 0",
    "::text",
    "--",
    "/*",
    "*/",
    "\n",
    "é",
    "\u{0}",
];

const SQL_FRAGMENTS: &[&str] = &[
    "CREATE TABLE t (",
    "id INTEGER PRIMARY KEY",
    ", ",
    ");\n",
    "(",
    ")",
    ";",
    "NOT NULL",
    "DEFAULT ",
    "UNIQUE",
    "REFERENCES p (id) ON DELETE CASCADE",
    "CHECK (a > 0)",
    "CONSTRAINT ",
    "PRIMARY KEY (a, b)",
    "FOREIGN KEY (a) REFERENCES t (a)",
    "CREATE INDEX ix ON t (a);\n",
    "CREATE UNIQUE INDEX ux ON t (lower(a)) WHERE a IS NOT NULL;\n",
    "COMMENT ON TABLE t IS 'x';\n",
    "COMMENT ON COLUMN t.a IS NULL;\n",
    "CREATE TYPE mood AS ENUM ('a', 'b');\n",
    "VARCHAR(0)",
    "NUMERIC(,)",
    "ENUM()",
    "GENERATED ALWAYS AS (a + 1) STORED",
    "AUTO_INCREMENT",
    "COLLATE \"C\"",
    "\"",
    "'",
    "`",
    "--",
    "/*",
    "$$",
    "\n",
];

/// The pieces of DDL the generators use: common ones, and each dialect's.
struct Ddl {
    names: &'static [&'static str],
    types: &'static [&'static str],
    column_constraints: &'static [&'static str],
    table_suffixes: &'static [&'static str],
}

const COMMON_TYPES: &[&str] = &[
    "INTEGER",
    "BIGINT",
    "SMALLINT",
    "VARCHAR(20)",
    "TEXT",
    "NUMERIC(10, 2)",
    "NUMERIC",
    "BOOLEAN",
    "TIMESTAMP",
    "DATE",
    "REAL",
    "CHAR(2)",
    "FLOAT",
    "DECIMAL(65, 30)",
    "VARCHAR(0)",
];

const COMMON_CONSTRAINTS: &[&str] = &[
    "NOT NULL",
    "NOT NULL",
    "NULL",
    "UNIQUE",
    "DEFAULT 0",
    "DEFAULT 'x'",
    "DEFAULT CURRENT_TIMESTAMP",
    "DEFAULT NULL",
    "REFERENCES p (id)",
    "REFERENCES p (id) ON DELETE CASCADE",
    "CHECK (a > 0)",
    "CONSTRAINT c CHECK (b <> '')",
];

/// Column options the models reader (or one of the dialects) refuses.
const ODD_CONSTRAINTS: &[&str] = &[
    "PRIMARY KEY",
    "REFERENCES p",
    "REFERENCES nowhere (x)",
    "UNIQUE UNIQUE",
    "NOT NULL NULL",
    "DEFAULT",
    "AUTOINCREMENT",
    "PRIMARY KEY AUTOINCREMENT",
    "COLLATE NOCASE",
    "COLLATE \"C\"",
    "ON CONFLICT REPLACE",
    "GENERATED ALWAYS AS (a + 1) STORED",
    "REFERENCES p (id) DEFERRABLE INITIALLY DEFERRED",
    "ON UPDATE CURRENT_TIMESTAMP",
    "COLLATE utf8mb4_bin",
];

const DDL: [(&str, Ddl); 3] = [
    (
        "postgresql",
        Ddl {
            names: &["id", "a", "b", "\"Name\"", "c1", "t", "\"select\""],
            types: &[
                "TIMESTAMP WITH TIME ZONE",
                "TIMESTAMPTZ",
                "JSON",
                "JSONB",
                "UUID",
                "BYTEA",
                "DOUBLE PRECISION",
                "SERIAL",
                "BIGSERIAL",
                "INTEGER[]",
                "mood",
                "s.mood",
                "INTERVAL",
                "TIME WITH TIME ZONE",
                "VARCHAR",
                "CHARACTER VARYING(3)",
            ],
            column_constraints: &[
                "GENERATED BY DEFAULT AS IDENTITY",
                "GENERATED ALWAYS AS IDENTITY",
                "DEFAULT now()",
                "DEFAULT 'a'::mood",
            ],
            table_suffixes: &["", ""],
        },
    ),
    (
        "mysql",
        Ddl {
            names: &["id", "a", "b", "`Name`", "c1", "t", "`select`"],
            types: &[
                "INT UNSIGNED",
                "TINYINT(1)",
                "DATETIME(6)",
                "ENUM('a', 'b')",
                "ENUM('it''s', '')",
                "SET('x', 'y')",
                "JSON",
                "BLOB",
                "LONGTEXT",
                "MEDIUMINT",
                "DOUBLE",
                "BINARY(16)",
                "VARCHAR(255) CHARACTER SET utf8mb4",
            ],
            column_constraints: &[
                "AUTO_INCREMENT",
                "COMMENT 'c'",
                "COMMENT 'it''s'",
                "DEFAULT (now())",
            ],
            table_suffixes: &[
                "",
                " ENGINE=InnoDB",
                " COMMENT='c'",
                " DEFAULT CHARSET=utf8mb4",
            ],
        },
    ),
    (
        "sqlite",
        Ddl {
            names: &["id", "a", "b", "\"Name\"", "`m`", "[sq]", "t"],
            types: &["BLOB", "DOUBLE", "JSON", "DATETIME", "ANY", "INT"],
            column_constraints: &["DEFAULT (datetime('now'))", "DEFAULT -1"],
            table_suffixes: &["", " WITHOUT ROWID", " STRICT"],
        },
    ),
];

const TABLE_CONSTRAINTS: &[&str] = &[
    "UNIQUE (id)",
    "CONSTRAINT pk PRIMARY KEY (id)",
    "UNIQUE (a)",
    "CONSTRAINT uq UNIQUE (a, b)",
    "FOREIGN KEY (a) REFERENCES p (id) ON DELETE SET NULL ON UPDATE CASCADE",
    "CONSTRAINT fk FOREIGN KEY (a, b) REFERENCES p (x, y)",
    "CHECK (a <> b)",
    "CONSTRAINT ck CHECK (length(b) > 1)",
    "FOREIGN KEY (zz) REFERENCES nowhere (q)",
];

/// Picks from the common list or the dialect's own.
fn pick(
    common: &'static [&'static str],
    own: &'static [&'static str],
) -> impl Strategy<Value = &'static str> + Clone {
    prop_oneof![
        1 => prop::sample::select(common),
        1 => prop::sample::select(own),
    ]
}

/// One `CREATE TABLE` of random columns (an `id` first, then distinct
/// names) and constraints for `ddl`; clauses the models reader refuses now
/// and then.
fn create_table(ddl: &'static Ddl, table: &'static str) -> impl Strategy<Value = String> {
    let names = Just(ddl.names.to_vec()).prop_shuffle();
    let column = (
        pick(COMMON_TYPES, ddl.types),
        prop::collection::vec(
            prop_oneof![
                6 => prop::sample::select(COMMON_CONSTRAINTS),
                1 => prop::sample::select(ddl.column_constraints),
            ],
            0..3,
        ),
    );
    let odd = prop::option::weighted(0.2, prop::sample::select(ODD_CONSTRAINTS));
    (
        (names, 2..ddl.names.len(), odd),
        prop::collection::vec(column, ddl.names.len()),
        prop::collection::vec(prop::sample::select(TABLE_CONSTRAINTS), 0..2),
        prop_oneof![8 => Just(""), 1 => prop::sample::select(ddl.table_suffixes)],
    )
        .prop_map(move |((names, count, odd), columns, constraints, suffix)| {
            let mut body = vec!["id INTEGER NOT NULL PRIMARY KEY".to_owned()];
            let mut names: Vec<&str> = names.into_iter().filter(|n| *n != "id").collect();
            // a and b are named by the table constraints and other statements.
            names.retain(|n| *n != "a" && *n != "b");
            names.truncate(count.saturating_sub(2));
            names.extend(["a", "b"]);
            for (name, (ty, mut options)) in names.iter().zip(columns) {
                if *name == "a" {
                    options.extend(odd);
                }
                body.push(format!("{name} {ty} {}", options.join(" ")));
            }
            body.extend(constraints.into_iter().map(str::to_owned));
            format!("CREATE TABLE {table} ({}){suffix};\n", body.join(",\n    "))
        })
}

/// A models file for one dialect: tables `p`, `t` and maybe `s.t`, then
/// indexes, comments and enum types that name them (or not).
fn structured_models() -> impl Strategy<Value = (&'static str, String)> {
    let other = prop::sample::select(
        &[
            "CREATE INDEX ix ON t (a);\n",
            "CREATE UNIQUE INDEX ux ON t (a, b DESC);\n",
            "CREATE INDEX ie ON t ((lower(b)));\n",
            "CREATE INDEX iw ON t (a) WHERE a > 0;\n",
            "CREATE INDEX ix ON nowhere (a);\n",
            "CREATE INDEX ix ON t (zz);\n",
            "COMMENT ON TABLE t IS 'table';\n",
            "COMMENT ON COLUMN t.a IS 'col';\n",
            "COMMENT ON COLUMN t.zz IS 'missing';\n",
            "COMMENT ON TABLE nowhere IS NULL;\n",
            "CREATE TYPE mood AS ENUM ('a', 'b');\n",
            "CREATE TYPE mood AS ENUM ();\n",
            "CREATE TYPE s.mood AS ENUM ('a', 'a');\n",
            "CREATE VIEW v AS SELECT 1;\n",
            "DROP TABLE t;\n",
        ][..],
    );
    (0..DDL.len()).prop_flat_map(move |d| {
        let (dialect, ddl) = &DDL[d];
        (
            prop::option::of(prop::sample::select(
                &["CREATE TYPE mood AS ENUM ('a', 'b');\n"][..],
            )),
            create_table(ddl, "p"),
            create_table(ddl, "t"),
            prop::option::of(create_table(ddl, "s.t")),
            prop::collection::vec(other.clone(), 0..4),
        )
            .prop_map(move |(enum_type, p, t, st, others)| {
                let mut text = String::new();
                if *dialect == "postgresql" {
                    text.extend(enum_type);
                }
                text.push_str(&p);
                text.push_str(&t);
                text.extend(st);
                text.extend(others.iter().copied());
                let text =
                    text[..crate::fuzz_support::floor_char_boundary(&text, MAX_LEN)].to_owned();
                (*dialect, text)
            })
    })
}

#[test]
fn fuzz_models_files() {
    let any_dialect = |text: String| ("any", text);
    let input = prop_oneof![
        4 => mutated(model_seeds(), SQL_FRAGMENTS).prop_map(any_dialect),
        4 => structured_models(),
        1 => structured_models().prop_flat_map(|(dialect, text)| {
            (Just(dialect), Just(text), prop::collection::vec(crate::fuzz_support::edit(SQL_FRAGMENTS), 1..3))
                .prop_map(|(dialect, text, edits)| (dialect, crate::fuzz_support::mutate(&text, "", &edits)))
        }),
        2 => token_soup(SQL_TOKENS, 200).prop_map(any_dialect),
        1 => random_text(MAX_LEN / 2).prop_map(any_dialect),
    ];
    fuzz("models_files", input, |(made_for, text)| {
        let mut accepted = false;
        for dialect in [
            "sqlite",
            "postgresql",
            "mysql",
            "mariadb",
            "postgres",
            "oracle",
        ] {
            let mut schema = Schema::default();
            match parse_models(Path::new("models/fuzz.sql"), text, dialect, &mut schema) {
                Ok(()) => accepted |= *made_for == "any" || *made_for == dialect,
                Err(e) => prop_assert!(!e.to_string().is_empty()),
            }
        }
        Ok(accepted)
    });
}
