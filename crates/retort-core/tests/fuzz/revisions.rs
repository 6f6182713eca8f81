//! Fuzzing of revision files and the operations in them.

use std::path::Path;

use crate::fuzz_support::{MAX_LEN, fuzz, mutated, random_text, token_soup};
use proptest::prelude::*;
use proptest::test_runner::TestCaseError;
use retort_core::Operations;
use retort_core::dialect::dialect_named;
use retort_core::lint::{LintOptions, lint};
use retort_core::ops::{compact, operations_to_toml, parse_operations};
use retort_core::script::{parse_revision, parse_revision_header};
use retort_core::{Config, RevisionGraph};

// --- revision files -------------------------------------------------------------

/// Valid revision files: every operation, a merge with labels and
/// dependencies, operations per database, and a header alone.
const REVISION_SEEDS: &[&str] = &[
    concat!(
        "revision = \"ae1027a6acf\"\ndown_revision = \"27c6a30d7c24\"\n",
        "message = \"every operation\"\ncreate_date = \"2024-05-01 10:00:00.000000\"\n\n",
        include_str!("../fixtures/every_op.toml")
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
            text[..crate::fuzz_support::floor_char_boundary(&text, MAX_LEN)].to_owned()
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
                // `squash`'s net effect: never a panic, and what it writes
                // reads back as the same operations.
                let net = compact(operations.clone());
                let written = operations_to_toml(&net);
                match parse_operations(path, &label, &written) {
                    Ok(back) => assert_eq!(back, net, "compacted operations read back differently"),
                    Err(e) => panic!("compacted operations do not read back: {e}\n{written:?}"),
                }
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
            // `lint` on the revision alone, for every dialect: findings or
            // an error, never a panic.
            let mut alone = rev.clone();
            alone.down_revisions.clear();
            alone.depends_on.clear();
            if let Ok(graph) = RevisionGraph::new(vec![alone]) {
                for dialect in [None, Some("sqlite"), Some("postgresql"), Some("mysql")] {
                    let options = LintOptions {
                        dialect: dialect.map(str::to_owned),
                        ..LintOptions::default()
                    };
                    match lint(&graph, &Config::default(), &options) {
                        Ok(report) => {
                            for finding in &report.findings {
                                prop_assert!(!finding.message.is_empty());
                            }
                        }
                        Err(e) => prop_assert!(!e.to_string().is_empty()),
                    }
                }
            }
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
