//! Fuzzing of retort-core's parsers with proptest: revision files (and the
//! operations in them), `retort.toml`, the SQL DDL of models files, and
//! revision expressions. Each target mixes structure-aware inputs (valid
//! files mutated, files built from the format's own keys and tokens) with
//! random bytes, and checks that the parser returns (a value or an error
//! whose message renders) without panicking or hanging.
//!
//! A test run tries a few hundred inputs per target; `RETORT_FUZZ_CASES=N`
//! tries N, and `scripts/fuzz.sh` runs a long campaign in release mode.
//! Every target prints `fuzz TARGET: N inputs, F failures, ...`.

mod fuzz_support;

use std::path::Path;

use fuzz_support::{MAX_LEN, fuzz, mutated, random_text, token_soup};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use retort_core::config::Config;
use retort_core::dialect::dialect_named;
use retort_core::graph::{Direction, RevisionGraph};
use retort_core::models::parse_models;
use retort_core::ops::parse_operations;
use retort_core::schema::Schema;
use retort_core::script::{parse_revision, parse_revision_header};
use retort_core::{Operations, Revision, RevisionId};

// --- revision files -------------------------------------------------------------

/// Valid revision files: every operation, a merge with labels and
/// dependencies, operations per database, and a header alone.
const REVISION_SEEDS: &[&str] = &[
    concat!(
        "revision = \"ae1027a6acf\"\ndown_revision = \"27c6a30d7c24\"\n",
        "message = \"every operation\"\ncreate_date = \"2024-05-01 10:00:00.000000\"\n\n",
        include_str!("fixtures/every_op.toml")
    ),
    r#"# merge
revision = "4f1a2b3c9d8e"
down_revision = ["1975ea83b712", "55af2cb1c267"]
branch_labels = ["release", "v2"]
depends_on = ["feature", "ae10"]
message = "merge \"main\" and feature"
create_date = "2024-05-02 10:00:00"
"#,
    r#"revision = "c1c1c1c1c1c1"
down_revision = "b0b0b0b0b0b0"
message = "per database"

[[upgrade.main]]
op = "create_table"
table = "account"
columns = [{ name = "id", type = "integer", primary_key = true, autoincrement = true }, { name = "mood", type = "enum(mood, 'a', 'b')", nullable = false, server_default = "'a'" }]

[[upgrade.secondary]]
op = "add_column"
table = "log"
schema = "audit"
column = { name = "at", type = "timestamp", nullable = true, comment = "when" }

[[downgrade.main]]
op = "drop_table"
table = "account"

[[downgrade.secondary]]
op = "drop_column"
table = "log"
schema = "audit"
column = "at"
"#,
    r#"revision = "b0b0b0b0b0b0"
down_revision = []
branch_labels = "other"
message = ""
upgrade = [
    { op = "create_index", table = "t", name = "ix", columns = ["a", "b"], unique = true, where = "a > 0" },
    { op = "alter_column", table = "t", column = "a", new_name = "b", type = "varchar(10)", nullable = false, server_default = false, existing_type = "text", existing_server_default = "'x'", comment = false },
    { op = "batch_alter_table", table = "t", recreate = "always", ops = [{ op = "drop_constraint", name = "uq", kind = "unique" }] },
    { op = "create_foreign_key", name = "fk", table = "t", columns = ["a"], referent_table = "u", referent_columns = ["id"], referent_schema = "s", on_delete = "SET NULL", on_update = "CASCADE" },
    { op = "drop_enum_value", name = "mood", value = "b", before = "a" },
]
downgrade = []
"#,
];

/// Bits of revision files to insert.
const TOML_FRAGMENTS: &[&str] = &[
    "[[upgrade]]\n",
    "[[downgrade]]\n",
    "[[upgrade.main]]\n",
    "[upgrade]\n",
    "op = \"add_column\"\n",
    "op = \"batch_alter_table\"\n",
    "ops = [",
    "op = ",
    "table = ",
    "column = ",
    "columns = [",
    "name = ",
    "type = ",
    "\"\"",
    "\"varchar(0)\"",
    "\"numeric(1000, -1)\"",
    "\"enum(x)\"",
    "\"enum()\"",
    "\"enum(mood, '', '')\"",
    "\"varchar(99999999999999999999)\"",
    "\"integer[]\"",
    "'''",
    "\"\"\"",
    "\\u0000",
    "\\\"",
    "= ",
    "{",
    "}",
    "[",
    "]",
    ",",
    ".",
    "#",
    "\n",
    "true",
    "false",
    "0",
    "-1",
    "9223372036854775807",
    "1e400",
    "nan",
    "inf",
    "1979-05-27T07:32:00Z",
    "{ }",
    "[]",
    "[[]]",
    "{ op = \"execute\" }",
    "revision = \"x\"\n",
    "down_revision = [\"a\", \"a\"]\n",
    "branch_labels = [\"\"]\n",
    "depends_on = 1\n",
    "\u{feff}",
    "é",
    "\r\n",
];

/// Keys of operation tables (from `ops/read.rs` and `ops/parts.rs`).
const OP_KEYS: &[&str] = &[
    "op",
    "table",
    "schema",
    "name",
    "column",
    "columns",
    "new_name",
    "type",
    "nullable",
    "primary_key",
    "unique",
    "autoincrement",
    "server_default",
    "comment",
    "existing_type",
    "existing_nullable",
    "existing_server_default",
    "existing_comment",
    "existing_autoincrement",
    "indexes",
    "checks",
    "foreign_keys",
    "condition",
    "referent_table",
    "referent_schema",
    "referent_columns",
    "on_delete",
    "on_update",
    "kind",
    "where",
    "sql",
    "sqlite",
    "postgresql",
    "mysql",
    "rows",
    "ops",
    "recreate",
    "values",
    "value",
    "before",
    "after",
    "deferrable",
    "collation",
];

/// String values worth trying in an operation table.
const OP_STRINGS: &[&str] = &[
    "",
    "t",
    "user",
    "Order",
    "na\"me",
    "a`b",
    "x'y",
    "integer",
    "bigint",
    "varchar(255)",
    "varchar(0)",
    "varchar(-1)",
    "varchar(18446744073709551616)",
    "numeric(10, 2)",
    "numeric(2, 10)",
    "numeric(,)",
    "enum(mood, 'happy', 'it''s ok')",
    "enum(mood)",
    "enum(, 'a')",
    "enum(m, 'a'",
    "enum(m, 'a', 'a')",
    "timestamptz",
    "json",
    "uuid",
    "blob",
    "boolean",
    "double",
    "date",
    "text[]",
    "unique",
    "foreignkey",
    "check",
    "primary",
    "always",
    "never",
    "auto",
    "CASCADE",
    "SET NULL",
    "RESTRICT; DROP TABLE x",
    "a > 0",
    "CURRENT_TIMESTAMP",
    "0",
    "'x'",
    "NULL",
    "\u{0}",
    "ß",
    "𝔘",
];

/// A TOML value for an operation table's key: strings from [`OP_STRINGS`],
/// numbers, booleans, lists and inline tables (columns, rows, nested ops).
fn op_value() -> impl Strategy<Value = toml::Value> {
    let leaf = prop_oneof![
        6 => prop::sample::select(OP_STRINGS).prop_map(|s| toml::Value::String(s.to_owned())),
        3 => prop::sample::select(op_names()).prop_map(|s| toml::Value::String(s.to_owned())),
        2 => any::<i64>().prop_map(toml::Value::Integer),
        1 => prop::sample::select(&[0.5, -0.0, f64::NAN, f64::INFINITY, 1e300][..]).prop_map(toml::Value::Float),
        2 => any::<bool>().prop_map(toml::Value::Boolean),
    ];
    leaf.prop_recursive(3, 24, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(toml::Value::Array),
            prop::collection::vec((prop::sample::select(OP_KEYS), inner), 0..6).prop_map(|pairs| {
                toml::Value::Table(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
            }),
        ]
    })
}

/// The operation names a revision file may use.
fn op_names() -> &'static [&'static str] {
    retort_core::revision::OPERATION_NAMES
}

/// The valid operation tables of the seeds (every operation, with most of
/// their keys), as TOML tables to change.
fn valid_op_tables() -> &'static [toml::Table] {
    static TABLES: std::sync::OnceLock<Vec<toml::Table>> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        let mut tables = Vec::new();
        for seed in REVISION_SEEDS {
            let doc: toml::Table = toml::from_str(seed).expect("a valid seed");
            for direction in ["upgrade", "downgrade"] {
                match doc.get(direction) {
                    Some(toml::Value::Array(ops)) => tables.extend(ops.iter().cloned()),
                    Some(toml::Value::Table(dbs)) => {
                        for ops in dbs.values() {
                            tables.extend(ops.as_array().into_iter().flatten().cloned());
                        }
                    }
                    _ => {}
                }
            }
        }
        tables
            .into_iter()
            .filter_map(|v| v.as_table().cloned())
            .collect()
    })
}

/// One change to an operation table: drop a key, set a key (known or
/// not) to a random value, or change one element of a list or inline
/// table value (a column, a row, a nested operation) the same way.
#[derive(Clone, Debug)]
struct TableEdit {
    kind: u8,
    key: prop::sample::Index,
    new_key: &'static str,
    value: toml::Value,
}

fn table_edit() -> impl Strategy<Value = TableEdit> {
    (
        0u8..4,
        any::<prop::sample::Index>(),
        prop::sample::select(OP_KEYS),
        op_value(),
    )
        .prop_map(|(kind, key, new_key, value)| TableEdit {
            kind,
            key,
            new_key,
            value,
        })
}

fn apply_table_edit(table: &mut toml::Table, e: &TableEdit) {
    // Mostly leave `op` alone: without it nothing else is read.
    let keys: Vec<String> = table
        .keys()
        .filter(|k| *k != "op" || e.new_key == "op")
        .cloned()
        .collect();
    let key = (!keys.is_empty()).then(|| keys[e.key.index(keys.len())].clone());
    match (e.kind, key) {
        (0, Some(key)) => {
            table.remove(&key);
        }
        (1, Some(key)) => {
            table.insert(key, e.value.clone());
        }
        (2, Some(key)) => {
            // Into a list or inline table: the same edit, one level down.
            let inner = TableEdit {
                kind: (e.new_key.len() % 2) as u8,
                ..e.clone()
            };
            match table.get_mut(&key) {
                Some(toml::Value::Array(items)) if !items.is_empty() => {
                    let i = e.key.index(items.len());
                    match &mut items[i] {
                        toml::Value::Table(t) => apply_table_edit(t, &inner),
                        item => *item = e.value.clone(),
                    }
                }
                Some(toml::Value::Table(t)) => apply_table_edit(t, &inner),
                Some(value) => *value = e.value.clone(),
                None => {}
            }
        }
        _ => {
            table.insert(e.new_key.to_owned(), e.value.clone());
        }
    }
}

/// An operation table: a valid one (from the seeds) changed by 0 to 3
/// edits, or now and then one of random known keys.
fn op_table() -> impl Strategy<Value = toml::Table> {
    let changed = (
        prop::sample::select(valid_op_tables()),
        prop_oneof![
            2 => Just(Vec::new()),
            2 => prop::collection::vec(table_edit(), 1..2),
            1 => prop::collection::vec(table_edit(), 2..5),
        ],
    )
        .prop_map(|(mut table, edits)| {
            for e in &edits {
                apply_table_edit(&mut table, e);
            }
            table
        });
    let random = (
        prop::sample::select(op_names()),
        prop::collection::vec((prop::sample::select(OP_KEYS), op_value()), 0..8),
    )
        .prop_map(|(op, pairs)| {
            let mut table: toml::Table =
                pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            table.insert("op".into(), toml::Value::String(op.to_owned()));
            table
        });
    prop_oneof![5 => changed, 1 => random]
}

/// A revision file built from operation tables, rendered by the toml crate
/// (a list per direction, or per database).
fn structured_revision() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(op_table(), 0..5),
        prop::collection::vec(op_table(), 0..3),
        any::<bool>(),
    )
        .prop_map(|(up, down, per_database)| {
            let mut doc = toml::Table::new();
            doc.insert("revision".into(), "ae1027a6acf".into());
            doc.insert("down_revision".into(), "27c6a30d7c24".into());
            doc.insert("message".into(), "built".into());
            let list = |ops: Vec<toml::Table>| {
                toml::Value::Array(ops.into_iter().map(toml::Value::Table).collect())
            };
            if per_database {
                let mut dbs = toml::Table::new();
                dbs.insert("main".into(), list(up));
                doc.insert("upgrade".into(), toml::Value::Table(dbs));
            } else {
                doc.insert("upgrade".into(), list(up));
            }
            doc.insert("downgrade".into(), list(down));
            let text = toml::to_string(&doc).unwrap_or_default();
            text[..fuzz_support::floor_char_boundary(&text, MAX_LEN)].to_owned()
        })
}

fn revision_input() -> impl Strategy<Value = String> {
    prop_oneof![
        5 => mutated(REVISION_SEEDS, TOML_FRAGMENTS),
        4 => structured_revision(),
        1 => token_soup(TOML_FRAGMENTS, 120),
        1 => random_text(MAX_LEN / 2),
    ]
}

/// Parses the operations of one direction; renders what parses for every
/// dialect (errors are fine, panics are not). Whether all parsed.
fn check_operations(path: &Path, direction: &str, ops: &Operations) -> bool {
    let mut all = true;
    let lists: Vec<(String, &Vec<toml::Table>)> = match ops {
        Operations::None => Vec::new(),
        Operations::List(tables) => vec![(direction.to_owned(), tables)],
        Operations::PerDatabase(dbs) => dbs
            .iter()
            .map(|(db, tables)| (format!("{direction}.{db}"), tables))
            .collect(),
    };
    for (label, tables) in lists {
        match parse_operations(path, &label, tables) {
            Ok(operations) => {
                for name in ["sqlite", "postgresql", "mysql"] {
                    let dialect = dialect_named(name).expect("a dialect");
                    for op in &operations {
                        if let Err(e) = dialect.render(op) {
                            let _ = e.to_string();
                        }
                    }
                }
            }
            Err(e) => {
                let _ = e.to_string();
                all = false;
            }
        }
    }
    all
}

fn check_revision(text: &str) -> Result<bool, TestCaseError> {
    let path = Path::new("versions/fuzz.toml");
    let full = parse_revision(path, text);
    let accepted = match &full {
        Ok(rev) => {
            let up = check_operations(path, "upgrade", &rev.upgrade);
            let down = check_operations(path, "downgrade", &rev.downgrade);
            up && down
        }
        Err(e) => {
            prop_assert!(!e.to_string().is_empty());
            false
        }
    };
    // The header parse never reads a revision differently from the full
    // parse (script/file.rs promises it).
    if let (Ok(header), Ok(full)) = (parse_revision_header(path, text), &full) {
        prop_assert_eq!(&header.id, &full.id);
        prop_assert_eq!(&header.down_revisions, &full.down_revisions);
        prop_assert_eq!(&header.branch_labels, &full.branch_labels);
        prop_assert_eq!(&header.depends_on, &full.depends_on);
        prop_assert_eq!(&header.message, &full.message);
        prop_assert_eq!(&header.create_date, &full.create_date);
    }
    Ok(accepted)
}

#[test]
fn fuzz_revision_files() {
    fuzz("revision_files", revision_input(), |text| {
        check_revision(text)
    });
}

// --- retort.toml ----------------------------------------------------------------

/// A configuration with every key.
const FULL_CONFIG: &str = r#"# every key
url = "postgresql://app:s3cret@db.example.com:5432/app?sslmode=disable"
models = ["models/*.sql", "models/extra.sql"]
version_locations = ["versions", "more_versions"]
recursive_version_locations = true
file_template = "%%(year)d_{rev}_{slug}"
truncate_slug_length = 20
timezone = "Europe/Paris"
version_table = "retort_version"
version_table_schema = "meta"
transaction_per_migration = false
render_as_batch = true
compare_type = false
compare_server_default = false
include_tables = ["a", "b*"]
exclude_tables = ["tmp_*"]
include_schemas = ["public"]
exclude_schemas = ["audit"]

[naming_convention]
ix = "ix_%(column_0_label)s"
uq = "uq_%(table_name)s_%(column_0_name)s"
ck = "ck_%(table_name)s_%(constraint_name)s"
fk = "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"
pk = "pk_%(table_name)s"

[[post_write_hooks]]
name = "format"
command = "taplo fmt REVISION_SCRIPT_FILENAME"

[[post_write_hooks]]
name = "lint"
command = ["tomlv", "REVISION_SCRIPT_FILENAME"]

[databases.main]
url = "sqlite:///main.db"
models = ["main.sql"]

[databases.secondary]
url = "mysql://root@localhost/second"
"#;

const CONFIG_SEEDS: &[&str] = &[
    FULL_CONFIG,
    retort_core::script::TEMPLATES[0].config,
    retort_core::script::TEMPLATES[1].config,
];

const CONFIG_FRAGMENTS: &[&str] = &[
    "url = ",
    "models = ",
    "file_template = ",
    "\"{rev}\"",
    "\"{slug}\"",
    "\"{unknown}\"",
    "\"{\"",
    "\"}\"",
    "\"%(rev)s\"",
    "\"%%\"",
    "\"%\"",
    "\"{rev}/{slug}\"",
    "\"../{rev}\"",
    "truncate_slug_length = ",
    "0",
    "-1",
    "18446744073709551616",
    "timezone = \"Mars/Olympus\"",
    "[naming_convention]\n",
    "ix = \"%(nope)s\"\n",
    "\"%(column_0_N_name)s\"",
    "[[post_write_hooks]]\n",
    "command = []\n",
    "[databases.\"\"]\n",
    "[databases.main]\n",
    "[[databases]]\n",
    "version_table = \"\"\n",
    "true",
    "[]",
    "{}",
    "\"\"",
    "=",
    "\n",
    "#",
    "\"",
    "'",
];

const CONFIG_KEYS: &[&str] = &[
    "url",
    "models",
    "version_locations",
    "recursive_version_locations",
    "file_template",
    "truncate_slug_length",
    "timezone",
    "version_table",
    "version_table_schema",
    "transaction_per_migration",
    "render_as_batch",
    "compare_type",
    "compare_server_default",
    "include_tables",
    "exclude_tables",
    "include_schemas",
    "exclude_schemas",
    "naming_convention",
    "post_write_hooks",
    "databases",
    "script_location",
];

const CONFIG_STRINGS: &[&str] = &[
    "",
    "{rev}_{slug}",
    "{rev}",
    "{slug}",
    "%(rev)s_%(slug)s",
    "{year}{month}{day}_{rev}",
    "{rev",
    "rev}",
    "{{rev}}",
    "%%",
    "%(table_name)s",
    "ix_%(column_0_label)s",
    "%(column_0_N_name)s",
    "%(",
    "UTC",
    "Europe/Paris",
    "Mars/Base",
    "sqlite:///a.db",
    "postgresql://u:p@h/d",
    "taplo fmt REVISION_SCRIPT_FILENAME",
    "ix",
    "uq",
    "ck",
    "fk",
    "pk",
    "main",
    "url",
    "command",
    "name",
];

fn config_value() -> impl Strategy<Value = toml::Value> {
    let leaf = prop_oneof![
        5 => prop::sample::select(CONFIG_STRINGS).prop_map(|s| toml::Value::String(s.to_owned())),
        2 => any::<i64>().prop_map(toml::Value::Integer),
        2 => any::<bool>().prop_map(toml::Value::Boolean),
    ];
    leaf.prop_recursive(3, 20, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(toml::Value::Array),
            prop::collection::vec((prop::sample::select(CONFIG_STRINGS), inner), 0..5).prop_map(
                |pairs| {
                    toml::Value::Table(pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
                }
            ),
        ]
    })
}

/// A configuration of random known keys with random values.
fn structured_config() -> impl Strategy<Value = String> {
    prop::collection::vec((prop::sample::select(CONFIG_KEYS), config_value()), 0..10).prop_map(
        |pairs| {
            let doc: toml::Table = pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
            toml::to_string(&doc).unwrap_or_default()
        },
    )
}

#[test]
fn fuzz_config_files() {
    let input = prop_oneof![
        5 => mutated(CONFIG_SEEDS, CONFIG_FRAGMENTS),
        4 => structured_config(),
        1 => token_soup(CONFIG_FRAGMENTS, 80),
        1 => random_text(MAX_LEN / 2),
    ];
    fuzz("config_files", input, |text| {
        match Config::parse(Path::new("project/retort.toml"), text) {
            Ok(config) => {
                for hook in &config.post_write_hooks {
                    let _ = hook.command.argv(Path::new("versions/x.toml"));
                }
                Ok(true)
            }
            Err(e) => {
                prop_assert!(!e.to_string().is_empty());
                Ok(false)
            }
        }
    });
}

// --- models files (SQL DDL) -------------------------------------------------------

/// Real DDL: the models files of the autogenerate corpus
/// (`tests/integration/autogen_corpus`), one seed each.
fn model_seeds() -> &'static [&'static str] {
    static SEEDS: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    SEEDS.get_or_init(|| {
        [
            include_str!("fixtures/fuzz/models_generic.sql"),
            include_str!("fixtures/fuzz/models_postgresql.sql"),
            include_str!("fixtures/fuzz/models_mysql.sql"),
            include_str!("fixtures/fuzz/models_sqlite.sql"),
        ]
        .iter()
        .flat_map(|file| file.split("-- seed: ").skip(1))
        .map(|seed| seed.split_once('\n').map_or("", |(_name, text)| text))
        .collect()
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
                let text = text[..fuzz_support::floor_char_boundary(&text, MAX_LEN)].to_owned();
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
            (Just(dialect), Just(text), prop::collection::vec(fuzz_support::edit(SQL_FRAGMENTS), 1..3))
                .prop_map(|(dialect, text, edits)| (dialect, fuzz_support::mutate(&text, "", &edits)))
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

// --- revision expressions -------------------------------------------------------

/// A small graph with two bases, a branch, a merge, labels and a dependency.
fn graph() -> RevisionGraph {
    let rev = |id: &str, parents: &[&str], labels: &[&str], depends: &[&str]| {
        let mut r = Revision::new(id, parents);
        r.branch_labels = labels.iter().map(|s| s.to_string()).collect();
        r.depends_on = depends.iter().map(|s| s.to_string()).collect();
        r
    };
    RevisionGraph::new(vec![
        rev("ae1027a6acf", &[], &["main"], &[]),
        rev("27c6a30d7c24", &["ae1027a6acf"], &[], &[]),
        rev("1975ea83b712", &["27c6a30d7c24"], &[], &[]),
        rev("3cac04ae8714", &["27c6a30d7c24"], &["feature"], &[]),
        rev("55af2cb1c267", &["3cac04ae8714"], &[], &[]),
        rev("4f1a2b3c9d8e", &["1975ea83b712", "55af2cb1c267"], &[], &[]),
        rev("b0b0b0b0b0b0", &[], &["other"], &[]),
        rev("c1c1c1c1c1c1", &["b0b0b0b0b0b0"], &[], &["1975ea83b712"]),
        rev("ae1f00000000", &["c1c1c1c1c1c1"], &[], &[]),
    ])
    .expect("a valid graph")
}

const SYMBOLS: &[&str] = &[
    "",
    "head",
    "heads",
    "base",
    "current",
    "ae1027a6acf",
    "ae10",
    "ae1",
    "ae",
    "a",
    "27c6",
    "1975ea83b712",
    "3cac",
    "55af2cb1c267",
    "4f1a",
    "b0b0",
    "c1c1c1c1c1c1",
    "main",
    "feature",
    "other",
    "nope",
    "HEAD",
    "é",
];

const STEPS: &[&str] = &[
    "",
    "+0",
    "-0",
    "+1",
    "-1",
    "+2",
    "-3",
    "+10",
    "-10",
    "+2147483648",
    "+9223372036854775807",
    "-9223372036854775807",
    "-9223372036854775808",
    "+9223372036854775808",
    "+99999999999999999999999999",
    "+",
    "-",
    "+-1",
    "++1",
    "+1+1",
    "+ 1",
    "+١",
];

/// `[label@][symbol][step]`, and junk around it.
fn expression() -> impl Strategy<Value = String> {
    let structured = (
        prop::option::weighted(0.3, prop::sample::select(SYMBOLS)),
        prop::sample::select(SYMBOLS),
        prop_oneof![2 => Just(""), 3 => prop::sample::select(STEPS)],
        prop_oneof![8 => Just(""), 1 => prop::sample::select(&["@", ":", " ", "@head", ",heads"][..])],
    )
        .prop_map(|(label, symbol, step, tail)| {
            let label = label.map(|l| format!("{l}@")).unwrap_or_default();
            format!("{label}{symbol}{step}{tail}")
        });
    let chars = prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(&['a', 'e', '1', '0', '@', '+', '-', ':', 'h', 'd', 's', '_', ' '][..]),
            1 => any::<char>(),
        ],
        0..40,
    )
    .prop_map(|c| c.into_iter().collect::<String>());
    prop_oneof![6 => structured, 3 => chars, 1 => random_text(64)]
}

#[test]
fn fuzz_revision_expressions() {
    let g = graph();
    let heads: Vec<RevisionId> = g.heads().iter().map(|r| r.id.clone()).collect();
    let input = (
        expression(),
        expression(),
        prop::sample::subsequence(
            g.revisions()
                .map(|r| r.id.clone())
                .collect::<Vec<RevisionId>>(),
            0..3,
        ),
    );
    fuzz("revision_expressions", input, |(a, b, current)| {
        let resolved = g.resolve(a);
        if let Ok(found) = &resolved {
            for r in found {
                prop_assert!(g.get(r.id.as_str()).is_some());
            }
        }
        let _ = g.resolve_one(a);
        for rows in [&[][..], &heads[..], &current[..]] {
            let _ = g.plan_upgrade(rows, a).map_err(|e| e.to_string());
            let _ = g.plan_downgrade(rows, a).map_err(|e| e.to_string());
            let _ = g
                .plan_stamp(rows, &[a.as_str(), b.as_str()], false)
                .map_err(|e| e.to_string());
        }
        let range = format!("{a}:{b}");
        let _ = g
            .plan_range(&range, Direction::Upgrade)
            .map_err(|e| e.to_string());
        let _ = g
            .plan_range(&range, Direction::Downgrade)
            .map_err(|e| e.to_string());
        let _ = g
            .plan_range(a, Direction::Upgrade)
            .map_err(|e| e.to_string());
        Ok(resolved.is_ok())
    });
}
