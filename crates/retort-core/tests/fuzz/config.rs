//! Fuzzing of `retort.toml`.

use std::path::Path;

use crate::fuzz_support::{MAX_LEN, fuzz, mutated, random_text, token_soup};
use proptest::prelude::*;
use retort_core::config::Config;

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
