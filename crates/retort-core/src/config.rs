//! The project configuration, `retort.toml`.
//!
//! Keys keep Alembic's names and meanings (SPEC section 4). Unknown keys are
//! an error naming the file, line and column, so a misspelt key never passes
//! silently. Relative paths in the file are relative to the file's folder.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::location::{Location, locate};

/// The configuration file name inside a migrations folder.
pub const CONFIG_FILE: &str = "retort.toml";

/// Alembic's default `truncate_slug_length`.
pub const DEFAULT_TRUNCATE_SLUG_LENGTH: usize = 40;

/// Alembic's default `file_template`, in retort's `{token}` syntax.
pub const DEFAULT_FILE_TEMPLATE: &str = "{rev}_{slug}";

/// Every top-level key of `retort.toml`, in the order of [`Config`]'s
/// fields (the reference, `docs/reference/configuration.md`, documents
/// each; a unit test keeps the list equal to what the parser accepts).
pub const CONFIG_KEYS: &[&str] = &[
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
    "concurrent_indexes",
    "include_tables",
    "exclude_tables",
    "dev_url",
    "include_schemas",
    "exclude_schemas",
    "naming_convention",
    "post_write_hooks",
    "lock_timeout",
    "lock_lease",
    "models_reader",
    "renames",
    "databases",
    "lint",
];

/// The keys of one `[databases.<name>]` table ([`DatabaseConfig`]).
pub const DATABASE_KEYS: &[&str] = &["url", "models", "dev_url"];

/// `[lint]`: the `retort lint` rules allowed (not reported).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LintConfig {
    /// Rule ids allowed in every revision (`allow = ["drop-table"]`).
    pub allow: Vec<String>,
    /// Rule ids allowed in one revision (`[lint.revisions.<rev_id>]`).
    pub revisions: BTreeMap<String, LintRevisionConfig>,
}

/// `[lint.revisions.<rev_id>]`: the rules allowed in one revision.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct LintRevisionConfig {
    /// Rule ids allowed in this revision.
    pub allow: Vec<String>,
}

/// The keys of one `post_write_hooks` entry ([`PostWriteHook`]).
pub const HOOK_KEYS: &[&str] = &["name", "command"];

/// The keys of the `[lint]` table ([`LintConfig`]).
pub const LINT_KEYS: &[&str] = &["allow", "revisions"];

/// The keys of one `[lint.revisions.<rev_id>]` table ([`LintRevisionConfig`]).
pub const LINT_REVISION_KEYS: &[&str] = &["allow"];

/// The contents of `retort.toml`, plus where it was read from.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// The database URL (`url`); `--url` and `DATABASE_URL` take precedence.
    pub url: Option<String>,
    /// The target schema: SQL files or globs (`models`).
    pub models: Vec<String>,
    /// Folders holding revision files (`version_locations`); default `versions`.
    pub version_locations: Vec<String>,
    /// Look for revision files in sub-folders too (`recursive_version_locations`).
    pub recursive_version_locations: bool,
    /// The name of new revision files, without `.toml` (`file_template`).
    pub file_template: String,
    /// How long the message slug in a file name may be (`truncate_slug_length`).
    pub truncate_slug_length: usize,
    /// The IANA time zone for `create_date` (`timezone`); local time when absent.
    pub timezone: Option<String>,
    /// The version table's name (`version_table`).
    pub version_table: String,
    /// The version table's schema (`version_table_schema`).
    pub version_table_schema: Option<String>,
    /// One transaction per revision (`transaction_per_migration`).
    pub transaction_per_migration: bool,
    /// Render changes as `batch_alter_table` (`render_as_batch`); default: on SQLite.
    pub render_as_batch: Option<bool>,
    /// Autogenerate compares column types (`compare_type`).
    pub compare_type: bool,
    /// Autogenerate compares server defaults (`compare_server_default`).
    pub compare_server_default: bool,
    /// Autogenerate writes `concurrently = true` on the indexes it creates
    /// on, or drops from, tables that already exist, where the database
    /// builds indexes concurrently (PostgreSQL) (`concurrent_indexes`).
    pub concurrent_indexes: bool,
    /// Only these tables are compared (`include_tables`); empty means all.
    pub include_tables: Vec<String>,
    /// These tables are never compared (`exclude_tables`).
    pub exclude_tables: Vec<String>,
    /// The database autogenerate reads the models in (`dev_url`): the
    /// server on which MySQL/MariaDB's scratch database is created, or the
    /// PostgreSQL database its scratch schema is made in. Default: the
    /// database being compared.
    pub dev_url: Option<String>,
    /// Only these schemas are compared (`include_schemas`); empty means the default one.
    pub include_schemas: Vec<String>,
    /// These schemas are never compared (`exclude_schemas`).
    pub exclude_schemas: Vec<String>,
    /// Names for unnamed constraints and indexes (`naming_convention`), keyed
    /// by kind as in SQLAlchemy: `ix`, `uq`, `ck`, `fk`, `pk`.
    pub naming_convention: BTreeMap<String, String>,
    /// Commands run on each new revision file (`post_write_hooks`).
    pub post_write_hooks: Vec<PostWriteHook>,
    /// How long a run waits for another run's migration lock, in seconds
    /// (`lock_timeout`, default 600).
    pub lock_timeout: u64,
    /// How long a run holds the migration lock without renewing it, in
    /// seconds (`lock_lease`, default 30): a live run renews it every
    /// third of that; the lock of a run that died is taken over once it
    /// ends.
    pub lock_lease: u64,
    /// Who reads the models when autogenerate has a connection
    /// (`models_reader`): `"database"` (the default) runs them in a scratch
    /// space of the database and reads them back; `"parser"` reads them
    /// with retort's SQL parser, as without a connection: much faster on
    /// very large schemas, but only `CREATE TABLE`, `CREATE INDEX`,
    /// `COMMENT ON` and `CREATE TYPE ... AS ENUM`, normalised by retort.
    pub models_reader: ModelsReader,
    /// Renames autogenerate writes as `rename_table` / `alter_column
    /// new_name` instead of a drop and an add (`[renames]`): `old = "new"`
    /// for a table, `"table.old" = "new"` for a column of `table` (its
    /// name in the models).
    pub renames: BTreeMap<String, String>,
    /// Multi-database projects: one entry per database (`[databases.<name>]`).
    pub databases: BTreeMap<String, DatabaseConfig>,
    /// `retort lint`'s settings (`[lint]`): the rules allowed in the whole
    /// project and per revision.
    pub lint: LintConfig,
    /// The file this configuration was read from (not a key).
    #[serde(skip)]
    pub path: PathBuf,
    /// The `-x KEY=VALUE` arguments of the command (not a key), as
    /// Alembic's `context.get_x_argument(as_dictionary=True)`: configure
    /// callbacks read them, and `execute` operations use them as
    /// `${x.KEY}`.
    #[serde(skip)]
    pub x_args: BTreeMap<String, String>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            url: None,
            models: Vec::new(),
            version_locations: Vec::new(),
            recursive_version_locations: false,
            file_template: DEFAULT_FILE_TEMPLATE.to_owned(),
            truncate_slug_length: DEFAULT_TRUNCATE_SLUG_LENGTH,
            timezone: None,
            version_table: "retort_version".to_owned(),
            version_table_schema: None,
            transaction_per_migration: true,
            render_as_batch: None,
            compare_type: true,
            compare_server_default: true,
            concurrent_indexes: false,
            include_tables: Vec::new(),
            exclude_tables: Vec::new(),
            dev_url: None,
            include_schemas: Vec::new(),
            exclude_schemas: Vec::new(),
            naming_convention: BTreeMap::new(),
            post_write_hooks: Vec::new(),
            lock_timeout: 600,
            lock_lease: 30,
            models_reader: ModelsReader::Database,
            renames: BTreeMap::new(),
            databases: BTreeMap::new(),
            lint: LintConfig::default(),
            path: PathBuf::new(),
            x_args: BTreeMap::new(),
        }
    }
}

/// Who reads the models when autogenerate has a connection
/// ([`Config::models_reader`]).
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum ModelsReader {
    /// The database: the models run in a scratch space and are read back.
    #[default]
    Database,
    /// retort's SQL parser (sqlparser), as without a connection.
    Parser,
}

/// One database of a multi-database project (`[databases.<name>]`).
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    /// The database URL; `RETORT_<NAME>_URL` in the environment takes precedence.
    pub url: Option<String>,
    /// The target schema files of this database.
    pub models: Vec<String>,
    /// This database's `dev_url` (see [`Config::dev_url`]).
    pub dev_url: Option<String>,
}

/// A command run on each new revision file (Alembic's `post_write_hooks`).
///
/// The token `REVISION_SCRIPT_FILENAME` in `command` is replaced by the new
/// file's path; `-x KEY=VALUE` arguments reach the command as `RETORT_X_KEY`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PostWriteHook {
    /// A name for messages.
    pub name: String,
    /// The program and its arguments: an array, or a string split into words
    /// as a POSIX shell would (quotes and backslashes; no variables, globs or
    /// pipes: run `sh -c` for those).
    pub command: HookCommand,
}

/// The command line of a [`PostWriteHook`].
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(untagged)]
pub enum HookCommand {
    /// `command = "prog arg REVISION_SCRIPT_FILENAME"`
    Line(String),
    /// `command = ["prog", "arg", "REVISION_SCRIPT_FILENAME"]`
    Args(Vec<String>),
}

impl HookCommand {
    /// The program and arguments, with the revision file's path substituted
    /// (after splitting, so a path with spaces stays one argument). A string
    /// is split as a POSIX shell would split it (quotes and backslashes,
    /// no expansions); the error says what is wrong with it.
    pub fn argv(&self, revision_file: &Path) -> Result<Vec<String>, String> {
        let file = revision_file.display().to_string();
        let words: Vec<String> = match self {
            HookCommand::Line(line) => shell_words::split(line).map_err(|e| {
                format!(
                    "its command {line:?} does not split into words ({e}); close the quote, \
                     escape it with a backslash, or give the command as an array of arguments"
                )
            })?,
            HookCommand::Args(args) => args.clone(),
        };
        Ok(words
            .into_iter()
            .map(|w| w.replace("REVISION_SCRIPT_FILENAME", &file))
            .collect())
    }
}

/// A configuration file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read the configuration {}: {source}; run `retort init` to create a project, or pass -d/--directory or -c/--config", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has a bad key.
    #[error("{location}: {message}")]
    Invalid {
        /// Where in the file.
        location: Location,
        /// What is wrong.
        message: String,
    },
}

impl Config {
    /// Reads and validates a configuration file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Config::parse(path, &text)
    }

    /// Parses configuration text; `path` is used for messages and relative paths.
    pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
        let mut config: Config = toml::from_str(text).map_err(|e| ConfigError::Invalid {
            location: locate(path, text, e.span().map(|s| s.start).unwrap_or(0)),
            message: e.message().trim().to_owned(),
        })?;
        config.path = path.to_owned();
        let bad = |key: &str, message: String| ConfigError::Invalid {
            location: locate(path, text, key_offset(text, key)),
            message,
        };
        if let Err(message) = crate::script::naming::check_file_template(&config.file_template) {
            return Err(bad("file_template", message));
        }
        if config.lock_lease < 3 {
            return Err(bad(
                "lock_lease",
                "lock_lease must be at least 3 (seconds): the lock is renewed every third of it"
                    .into(),
            ));
        }
        if config.truncate_slug_length == 0 {
            return Err(bad(
                "truncate_slug_length",
                "truncate_slug_length must be at least 1".into(),
            ));
        }
        if let Err(message) = crate::schema::check_naming_convention(&config.naming_convention) {
            return Err(bad("naming_convention", message));
        }
        if config.version_table.is_empty() {
            return Err(bad("version_table", "version_table cannot be empty".into()));
        }
        let lint_rules = config
            .lint
            .allow
            .iter()
            .chain(config.lint.revisions.values().flat_map(|r| r.allow.iter()));
        for rule in lint_rules {
            if crate::lint::rule(rule).is_none() {
                return Err(bad(
                    "allow",
                    format!(
                        "[lint] allows {rule:?}, which is no lint rule; the rules are: {}",
                        crate::lint::rule_ids().join(", ")
                    ),
                ));
            }
        }
        for hook in &config.post_write_hooks {
            if let Err(message) = hook.command.argv(Path::new("")) {
                return Err(bad(
                    "post_write_hooks",
                    format!("the post_write_hooks entry {:?}: {message}", hook.name),
                ));
            }
        }
        Ok(config)
    }

    /// The folder relative paths in the file are relative to.
    pub fn here(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }

    /// The version locations as paths, `<here>/versions` when none is configured.
    pub fn version_paths(&self) -> Vec<PathBuf> {
        if self.version_locations.is_empty() {
            return vec![self.here().join("versions")];
        }
        self.version_locations
            .iter()
            .map(|l| self.here().join(l))
            .collect()
    }

    /// The names of the databases of a multi-database project, in order.
    pub fn database_names(&self) -> Vec<&str> {
        self.databases.keys().map(String::as_str).collect()
    }
}

/// The byte offset of `key = ` at the start of a line, for messages about a
/// value that parsed but is not acceptable (0 when not found).
fn key_offset(text: &str, key: &str) -> usize {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            return offset + (line.len() - trimmed.len());
        }
        offset += line.len();
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value `key` accepts, to check that every listed key parses.
    fn sample(key: &str) -> &'static str {
        match key {
            "url" | "dev_url" => "\"sqlite:///app.db\"",
            "models" | "version_locations" | "include_tables" | "exclude_tables"
            | "include_schemas" | "exclude_schemas" => "[\"x\"]",
            "recursive_version_locations"
            | "transaction_per_migration"
            | "render_as_batch"
            | "compare_type"
            | "compare_server_default"
            | "concurrent_indexes" => "true",
            "file_template" => "\"{rev}_{slug}\"",
            "truncate_slug_length" | "lock_timeout" | "lock_lease" => "30",
            "timezone" => "\"UTC\"",
            "version_table" | "version_table_schema" => "\"v\"",
            "naming_convention" => "{ ix = \"ix_{table_name}_{column_0_name}\" }",
            "post_write_hooks" => "[{ name = \"n\", command = \"true\" }]",
            "models_reader" => "\"parser\"",
            "databases" => "{ main = { url = \"sqlite:///m.db\" } }",
            "renames" => "{ client = \"customer\", \"customer.name\" = \"full_name\" }",
            "lint" => {
                "{ allow = [\"drop-table\"], revisions = { a1 = { allow = [\"drop-column\"] } } }"
            }
            other => panic!("no sample value for {other}"),
        }
    }

    #[test]
    fn the_key_lists_are_what_the_parser_accepts() {
        let path = Path::new("retort.toml");
        for key in CONFIG_KEYS {
            let text = format!("{key} = {}\n", sample(key));
            Config::parse(path, &text).unwrap_or_else(|e| panic!("{key}: {e}"));
        }
        for key in DATABASE_KEYS {
            let text = format!("[databases.main]\n{key} = {}\n", sample(key));
            Config::parse(path, &text).unwrap_or_else(|e| panic!("databases: {key}: {e}"));
        }
        let hook = format!(
            "post_write_hooks = [{{ {} }}]\n",
            HOOK_KEYS
                .iter()
                .map(|k| format!("{k} = \"x\""))
                .collect::<Vec<_>>()
                .join(", ")
        );
        Config::parse(path, &hook).unwrap();
        // Any other key is refused, and the error lists the known ones:
        // each listed key is there, and no other.
        let err = Config::parse(path, "nope = 1\n").unwrap_err().to_string();
        let expected: Vec<String> = CONFIG_KEYS.iter().map(|k| format!("`{k}`")).collect();
        assert!(err.contains(&expected.join(", ")), "{err}");
        let err = Config::parse(path, "[databases.main]\nnope = 1\n")
            .unwrap_err()
            .to_string();
        let expected: Vec<String> = DATABASE_KEYS.iter().map(|k| format!("`{k}`")).collect();
        assert!(err.contains(&expected.join(", ")), "{err}");
        let err = Config::parse(
            path,
            "post_write_hooks = [{ name = \"n\", command = \"x\", nope = 1 }]\n",
        )
        .unwrap_err()
        .to_string();
        // serde lists two fields as "`a` or `b`".
        let expected: Vec<String> = HOOK_KEYS.iter().map(|k| format!("`{k}`")).collect();
        assert!(err.ends_with(&expected.join(" or ")), "{err}");
    }

    #[test]
    fn defaults_match_alembic() {
        let c = Config::parse(Path::new("m/retort.toml"), "").unwrap();
        assert_eq!(c.truncate_slug_length, 40);
        assert_eq!(c.file_template, "{rev}_{slug}");
        assert!(c.transaction_per_migration && c.compare_type && c.compare_server_default);
        assert_eq!(c.version_paths(), vec![PathBuf::from("m/versions")]);
    }

    #[test]
    fn unknown_key_names_line_and_column() {
        let err = Config::parse(
            Path::new("retort.toml"),
            "url = \"sqlite://\"\nversion_locaitons = []\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("retort.toml:2:1: unknown field `version_locaitons`"),
            "{err}"
        );
    }

    #[test]
    fn bad_file_template_token() {
        let err = Config::parse(
            Path::new("retort.toml"),
            "\nfile_template = \"{rev}_{nope}\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("retort.toml:2:1:"), "{err}");
        assert!(err.contains("{nope}"), "{err}");
    }

    #[test]
    fn hooks_and_databases() {
        let c = Config::parse(
            Path::new("retort.toml"),
            r#"
post_write_hooks = [{ name = "fmt", command = "taplo fmt REVISION_SCRIPT_FILENAME" }]
[databases.main]
url = "sqlite:///main.db"
[databases.audit]
models = ["audit.sql"]
"#,
        )
        .unwrap();
        assert_eq!(c.database_names(), vec!["audit", "main"]);
        assert_eq!(
            c.post_write_hooks[0].command.argv(Path::new("v/a.toml")),
            Ok(vec!["taplo".to_owned(), "fmt".into(), "v/a.toml".into()])
        );
    }

    #[test]
    fn hook_strings_split_like_a_shell() {
        let c = Config::parse(
            Path::new("retort.toml"),
            r#"post_write_hooks = [
  { name = "q", command = "sh -c 'taplo fmt \"$0\"' REVISION_SCRIPT_FILENAME" },
  { name = "e", command = 'fmt --flag=a\ b "x y"  REVISION_SCRIPT_FILENAME' },
]
"#,
        )
        .unwrap();
        let file = Path::new("my versions/a b.toml");
        assert_eq!(
            c.post_write_hooks[0].command.argv(file).unwrap(),
            ["sh", "-c", "taplo fmt \"$0\"", "my versions/a b.toml"]
        );
        assert_eq!(
            c.post_write_hooks[1].command.argv(file).unwrap(),
            ["fmt", "--flag=a b", "x y", "my versions/a b.toml"]
        );
        let err = Config::parse(
            Path::new("retort.toml"),
            "url = \"sqlite://\"\npost_write_hooks = [{ name = \"fmt\", command = \"sh -c 'oops\" }]\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("retort.toml:2:1: the post_write_hooks entry \"fmt\""),
            "{err}"
        );
        assert!(err.contains("close the quote"), "{err}");
    }
}
