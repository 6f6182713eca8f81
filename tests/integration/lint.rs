//! `retort lint`: every rule has a revision that triggers it and one that
//! does not, on each database where it applies (`per_db!`: the rule's
//! dialect comes from `--url`); a rule of another dialect is said to be
//! skipped. Then allowing by configuration and by comment, `--since`,
//! the JSON shape and the exit codes.

use crate::harness::{Project, Run};
use crate::migrate_db::{Db, Kind, per_db};

/// The base revision: `org`, `account` (an index for its foreign key and
/// one on `email`) and `note`.
const BASE: &str = r#"revision = "a1"
message = "base"

[[upgrade]]
op = "create_table"
table = "org"
columns = [{ name = "id", type = "integer", primary_key = true }]

[[upgrade]]
op = "create_table"
table = "account"
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "email", type = "varchar(100)" },
  { name = "org_id", type = "integer" },
]
indexes = [
  { name = "ix_account_org", columns = ["org_id"] },
  { name = "ix_account_email", columns = ["email"] },
]
foreign_keys = [{ name = "fk_account_org", columns = ["org_id"], referent_table = "org", referent_columns = ["id"] }]

[[upgrade]]
op = "create_table"
table = "note"
columns = [
  { name = "id", type = "integer", primary_key = true },
  { name = "body", type = "text" },
]

[[downgrade]]
op = "drop_table"
table = "note"

[[downgrade]]
op = "drop_table"
table = "account"

[[downgrade]]
op = "drop_table"
table = "org"
"#;

/// A project with the base revision and a database of `kind`.
fn project(kind: Kind) -> (Project, Db) {
    let p = Project::init();
    p.write("migrations/versions/a1.toml", BASE);
    let db = Db::fresh(kind, &p);
    (p, db)
}

/// Writes revision `id` (child of `parent`) with `body` (its operations).
fn rev(p: &Project, id: &str, parent: &str, body: &str) {
    p.write(
        &format!("migrations/versions/{id}.toml"),
        &format!("revision = \"{id}\"\ndown_revision = \"{parent}\"\n{body}"),
    );
}

/// The `bad` revision b1 and the `good` revision b2 after it.
fn pair(p: &Project, bad: &str, good: &str) {
    rev(p, "b1", "a1", bad);
    rev(p, "b2", "b1", good);
}

/// `lint --format json` on `db`: the runs's revisions per rule.
fn lint(p: &Project, db: &Db, args: &[&str]) -> (Run, Vec<(String, String)>) {
    let mut all = vec!["lint", "--format", "json"];
    all.extend_from_slice(args);
    let run = db.run(p, &all);
    assert!(run.code == 0 || run.code == 1, "{}", run.describe());
    let json: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    let found = json
        .as_array()
        .expect("an array")
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["revision"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    (run, found)
}

/// The revisions `rule` was reported on.
fn only(found: &[(String, String)], rule: &str) -> Vec<String> {
    found
        .iter()
        .filter(|(r, _)| r == rule)
        .map(|(_, rev)| rev.clone())
        .collect()
}

/// Asserts `rule` reports b1 (and not b2) on `kind` when `applies`, else
/// that it is skipped for the dialect.
#[track_caller]
fn expect(kind: Kind, p: &Project, db: &Db, rule: &str, applies: bool) {
    let (run, found) = lint(p, db, &[]);
    if applies {
        assert_eq!(only(&found, rule), ["b1"], "{kind:?}\n{}", run.describe());
        assert_eq!(run.code, 1);
    } else {
        assert!(only(&found, rule).is_empty(), "{}", run.describe());
        run.stderr_has(&format!("skipped {rule}: applies to"));
    }
}

fn drop_table(kind: Kind) {
    let (p, db) = project(kind);
    pair(
        &p,
        "[[upgrade]]\nop = \"drop_table\"\ntable = \"note\"\n\n[[downgrade]]\nop = \"create_table\"\ntable = \"note\"\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"body\", type = \"text\" }]\n",
        "[[upgrade]]\nop = \"create_table\"\ntable = \"tag\"\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }]\n\n[[downgrade]]\nop = \"drop_table\"\ntable = \"tag\"\n",
    );
    expect(kind, &p, &db, "drop-table", true);
}

fn drop_column(kind: Kind) {
    let (p, db) = project(kind);
    pair(
        &p,
        "[[upgrade]]\nop = \"drop_column\"\ntable = \"note\"\ncolumn = \"body\"\n\n[[downgrade]]\nop = \"add_column\"\ntable = \"note\"\ncolumn = { name = \"body\", type = \"text\" }\n",
        "[[upgrade]]\nop = \"add_column\"\ntable = \"note\"\ncolumn = { name = \"title\", type = \"varchar(50)\" }\n\n[[downgrade]]\nop = \"drop_column\"\ntable = \"note\"\ncolumn = \"title\"\n",
    );
    expect(kind, &p, &db, "drop-column", true);
}

/// `alter_column` of `account.email` in a batch (SQLite needs one).
fn alter(column: &str, to: &str, from: &str) -> String {
    format!(
        "[[upgrade]]\nop = \"batch_alter_table\"\ntable = \"account\"\n[[upgrade.ops]]\nop = \"alter_column\"\ncolumn = \"{column}\"\ntype = \"{to}\"\nexisting_type = \"{from}\"\n\n\
         [[downgrade]]\nop = \"batch_alter_table\"\ntable = \"account\"\n[[downgrade.ops]]\nop = \"alter_column\"\ncolumn = \"{column}\"\ntype = \"{from}\"\nexisting_type = \"{to}\"\n"
    )
}

fn type_narrowing(kind: Kind) {
    let (p, db) = project(kind);
    pair(
        &p,
        &alter("email", "varchar(20)", "varchar(100)"),
        &alter("email", "varchar(200)", "varchar(100)"),
    );
    expect(kind, &p, &db, "type-narrowing", true);
}

fn not_null_without_default(kind: Kind) {
    let (p, db) = project(kind);
    pair(
        &p,
        "[[upgrade]]\nop = \"add_column\"\ntable = \"note\"\ncolumn = { name = \"n\", type = \"integer\", nullable = false }\n\n[[downgrade]]\nop = \"drop_column\"\ntable = \"note\"\ncolumn = \"n\"\n",
        "[[upgrade]]\nop = \"add_column\"\ntable = \"note\"\ncolumn = { name = \"m\", type = \"integer\", nullable = false, server_default = \"0\" }\n\n[[downgrade]]\nop = \"drop_column\"\ntable = \"note\"\ncolumn = \"m\"\n",
    );
    expect(kind, &p, &db, "not-null-without-default", true);
}

fn drop_index_used_by_foreign_key(kind: Kind) {
    let (p, db) = project(kind);
    pair(
        &p,
        "[[upgrade]]\nop = \"drop_index\"\ntable = \"account\"\nname = \"ix_account_org\"\ncolumns = [\"org_id\"]\n\n[[downgrade]]\nop = \"create_index\"\ntable = \"account\"\nname = \"ix_account_org\"\ncolumns = [\"org_id\"]\n",
        "[[upgrade]]\nop = \"drop_index\"\ntable = \"account\"\nname = \"ix_account_email\"\ncolumns = [\"email\"]\n\n[[downgrade]]\nop = \"create_index\"\ntable = \"account\"\nname = \"ix_account_email\"\ncolumns = [\"email\"]\n",
    );
    expect(kind, &p, &db, "drop-index-used-by-foreign-key", true);
}

fn drop_enum_value(kind: Kind) {
    let (p, db) = project(kind);
    if kind == Kind::Postgres {
        rev(
            &p,
            "a2",
            "a1",
            "[[upgrade]]\nop = \"create_enum\"\nname = \"mood\"\nvalues = [\"ok\", \"sad\"]\n\n[[downgrade]]\nop = \"drop_enum\"\nname = \"mood\"\n",
        );
        rev(
            &p,
            "b1",
            "a2",
            "[[upgrade]]\nop = \"drop_enum_value\"\nname = \"mood\"\nvalue = \"sad\"\nafter = \"ok\"\n\n[[downgrade]]\nop = \"add_enum_value\"\nname = \"mood\"\nvalue = \"sad\"\nafter = \"ok\"\n",
        );
        rev(
            &p,
            "b2",
            "b1",
            "[[upgrade]]\nop = \"add_enum_value\"\nname = \"mood\"\nvalue = \"glad\"\n\n[[downgrade]]\nop = \"drop_enum_value\"\nname = \"mood\"\nvalue = \"glad\"\nafter = \"ok\"\n",
        );
    }
    expect(kind, &p, &db, "drop-enum-value", kind == Kind::Postgres);
}

fn missing_downgrade(kind: Kind) {
    let (p, db) = project(kind);
    pair(
        &p,
        "[[upgrade]]\nop = \"add_column\"\ntable = \"note\"\ncolumn = { name = \"x\", type = \"integer\" }\n",
        "downgrade = []\n\n[[upgrade]]\nop = \"add_column\"\ntable = \"note\"\ncolumn = { name = \"y\", type = \"integer\" }\n",
    );
    expect(kind, &p, &db, "missing-downgrade", true);
}

fn irreversible_downgrade(kind: Kind) {
    let (p, db) = project(kind);
    pair(
        &p,
        "[[upgrade]]\nop = \"add_column\"\ntable = \"note\"\ncolumn = { name = \"x\", type = \"integer\" }\n\n[[downgrade]]\nop = \"execute\"\nsql = \"SELECT 1\"\n",
        "[[upgrade]]\nop = \"add_column\"\ntable = \"note\"\ncolumn = { name = \"y\", type = \"integer\" }\n\n[[downgrade]]\nop = \"drop_column\"\ntable = \"note\"\ncolumn = \"y\"\n",
    );
    // On a server, the revisions run on a dev database only: without one
    // the rule is skipped, saying how to enable it.
    let mut args: Vec<String> = Vec::new();
    let dev = (kind != Kind::Sqlite).then(|| {
        let (run, found) = lint(&p, &db, &[]);
        assert!(found.is_empty(), "{}", run.describe());
        run.stderr_has("skipped irreversible-downgrade: on ");
        run.stderr_has("it runs on a dev database: set dev_url in retort.toml or pass --dev-url");
        run.code_is(0);
        let dev = Db::fresh_named(kind, &p, "dev.db");
        if kind == Kind::Postgres {
            // The scratch space keeps its own version table, not one in
            // the schema the project names.
            let config = p.path("migrations/retort.toml");
            let text = std::fs::read_to_string(&config).unwrap();
            std::fs::write(&config, format!("version_table_schema = \"public\"\n{text}")).unwrap();
        }
        // A scratch space left by a killed run (its session is gone).
        let leftover = match kind {
            Kind::Postgres => {
                dev.sql("CREATE SCHEMA retort_scratch_p999999999_dead; CREATE TABLE retort_scratch_p999999999_dead.t (a int)");
                "retort_scratch_p999999999_dead"
            }
            _ => {
                dev.sql("CREATE DATABASE retort_scratch_4000000000_dead");
                "retort_scratch_4000000000_dead"
            }
        };
        args = vec!["--dev-url".into(), dev.url.clone()];
        (dev, leftover)
    });
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (run, found) = lint(&p, &db, &args);
    assert_eq!(
        only(&found, "irreversible-downgrade"),
        ["b1"],
        "{}",
        run.describe()
    );
    run.stdout_has(
        "the downgrade leaves undone (as autogenerate sees it): removed column 'note.x'",
    );
    run.stdout_has(match kind {
        Kind::Sqlite => "tried on a scratch SQLite database in memory",
        Kind::Postgres => "tried on a scratch PostgreSQL schema on the dev database",
        Kind::Mysql => "tried on a scratch MySQL/MariaDB database on the dev server",
    });
    // A downgrade that fails is irreversible too.
    rev(
        &p,
        "b1",
        "a1",
        "[[upgrade]]\nop = \"add_column\"\ntable = \"note\"\ncolumn = { name = \"x\", type = \"integer\" }\n\n[[downgrade]]\nop = \"drop_column\"\ntable = \"note\"\ncolumn = \"nope\"\n",
    );
    let (run, found) = lint(&p, &db, &args);
    assert_eq!(
        only(&found, "irreversible-downgrade"),
        ["b1"],
        "{}",
        run.describe()
    );
    run.stdout_has("the downgrade fails right after the upgrade");
    // Nothing ran on the project's database, and nothing is left on the
    // dev database: the scratch spaces are dropped, the dead one too.
    assert!(db.user_tables().is_empty(), "{:?}", db.user_tables());
    if let Some((dev, leftover)) = dev {
        let spaces = match kind {
            Kind::Postgres => dev.rows(
                "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'retort_scratch%' ORDER BY 1",
            ),
            _ => dev.rows(&format!(
                "SELECT schema_name FROM information_schema.schemata WHERE schema_name = '{leftover}'"
            )),
        };
        assert!(spaces.is_empty(), "left behind: {spaces:?}");
        assert!(dev.user_tables().is_empty(), "{:?}", dev.user_tables());
    }
}

/// The scratch schema is alone on the search path: a revision that drops
/// a table its parents never made fails in the scratch schema (not
/// tried), and the dev database's own table of that name keeps its rows.
#[test]
fn irreversible_downgrade_never_touches_the_dev_databases_tables() {
    let (p, db) = project(Kind::Postgres);
    rev(
        &p,
        "b1",
        "a1",
        "[[upgrade]]\nop = \"drop_table\"\ntable = \"keep\"\n\n[[downgrade]]\nop = \"create_table\"\ntable = \"keep\"\ncolumns = [{ name = \"id\", type = \"integer\" }]\n",
    );
    let dev = Db::fresh_named(Kind::Postgres, &p, "dev");
    dev.sql("CREATE TABLE keep (id integer); INSERT INTO keep VALUES (1), (2)");
    let (run, found) = lint(&p, &db, &["--dev-url", &dev.url]);
    assert!(
        only(&found, "irreversible-downgrade").is_empty(),
        "{}",
        run.describe()
    );
    run.stderr_has("skipped irreversible-downgrade: not tried on b1: its upgrade fails on a scratch PostgreSQL schema");
    assert_eq!(dev.rows("SELECT count(*) FROM keep"), ["2"]);
}

/// A dev database where the user may not create a schema: exit 1, what
/// to grant, no password, and nothing run anywhere.
#[test]
fn irreversible_downgrade_without_create_on_the_dev_database() {
    let (p, db) = project(Kind::Postgres);
    rev(
        &p,
        "b1",
        "a1",
        "[[upgrade]]\nop = \"add_column\"\ntable = \"note\"\ncolumn = { name = \"x\", type = \"integer\" }\n\n[[downgrade]]\nop = \"drop_column\"\ntable = \"note\"\ncolumn = \"x\"\n",
    );
    let dev = Db::fresh_named(Kind::Postgres, &p, "dev");
    let role = format!("lint_{}", dev.name);
    dev.sql(&format!(
        "CREATE ROLE {role} LOGIN PASSWORD 'pw_{role}'; REVOKE CREATE ON DATABASE {} FROM PUBLIC",
        dev.name
    ));
    let (_, rest) = dev.url.split_once('@').unwrap();
    let url = format!("postgresql://{role}:pw_{role}@{rest}");
    let run = db.run(&p, &["lint", "--dev-url", &url]);
    run.code_is(1);
    run.stderr_has("cannot create the scratch space retort runs revisions in")
        .stderr_has("grant the user CREATE on the database");
    assert!(
        !run.stderr.contains(&format!("pw_{role}")),
        "{}",
        run.stderr
    );
    assert!(db.user_tables().is_empty());
    assert!(dev.user_tables().is_empty());
    dev.sql(&format!("DROP OWNED BY {role}; DROP ROLE {role}"));
}

fn index_without_concurrently(kind: Kind) {
    let (p, db) = project(kind);
    pair(
        &p,
        "[[upgrade]]\nop = \"create_index\"\ntable = \"note\"\nname = \"ix_note_body\"\ncolumns = [\"id\", \"body\"]\n\n[[downgrade]]\nop = \"drop_index\"\ntable = \"note\"\nname = \"ix_note_body\"\n",
        "[[upgrade]]\nop = \"create_table\"\ntable = \"tag\"\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"name\", type = \"varchar(20)\" }]\n\n[[upgrade]]\nop = \"create_index\"\ntable = \"tag\"\nname = \"ix_tag_name\"\ncolumns = [\"name\"]\n\n[[downgrade]]\nop = \"drop_table\"\ntable = \"tag\"\n",
    );
    expect(
        kind,
        &p,
        &db,
        "index-without-concurrently",
        kind == Kind::Postgres,
    );
}

fn volatile_default(kind: Kind) {
    let (p, db) = project(kind);
    let volatile = if kind == Kind::Mysql {
        "(uuid())"
    } else {
        "gen_random_uuid()"
    };
    pair(
        &p,
        &format!(
            "[[upgrade]]\nop = \"add_column\"\ntable = \"note\"\ncolumn = {{ name = \"token\", type = \"varchar(40)\", server_default = \"{volatile}\" }}\n\n[[downgrade]]\nop = \"drop_column\"\ntable = \"note\"\ncolumn = \"token\"\n"
        ),
        "[[upgrade]]\nop = \"add_column\"\ntable = \"note\"\ncolumn = { name = \"kind\", type = \"varchar(40)\", server_default = \"'plain'\" }\n\n[[downgrade]]\nop = \"drop_column\"\ntable = \"note\"\ncolumn = \"kind\"\n",
    );
    expect(kind, &p, &db, "volatile-default", kind != Kind::Sqlite);
}

fn table_rewrite(kind: Kind) {
    let (p, db) = project(kind);
    pair(
        &p,
        &alter("org_id", "bigint", "integer"),
        &alter("email", "varchar(200)", "varchar(100)"),
    );
    expect(kind, &p, &db, "table-rewrite", kind != Kind::Sqlite);
}

fn multiple_heads(kind: Kind) {
    let (p, db) = project(kind);
    rev(&p, "b1", "a1", "downgrade = []\n");
    rev(&p, "b2", "a1", "downgrade = []\n");
    let (run, found) = lint(&p, &db, &[]);
    assert_eq!(
        only(&found, "multiple-heads").len(),
        1,
        "{}",
        run.describe()
    );
    run.stdout_has("retort merge heads");
    p.ok(&["merge", "heads", "-m", "merge", "--rev-id", "m1"]);
    let (run, found) = lint(&p, &db, &[]);
    assert!(found.is_empty(), "{}", run.describe());
    run.code_is(0);
}

fn edited_after_applied(kind: Kind) {
    let (p, db) = project(kind);
    rev(
        &p,
        "b1",
        "a1",
        "[[upgrade]]\nop = \"create_table\"\ntable = \"tag\"\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }]\n\n[[downgrade]]\nop = \"drop_table\"\ntable = \"tag\"\n",
    );
    db.ok(&p, &["upgrade"]);
    let (run, found) = lint(&p, &db, &[]);
    assert!(found.is_empty(), "{}", run.describe());
    p.append("migrations/versions/b1.toml", "# edited\n");
    let (run, found) = lint(&p, &db, &["--since", "b1"]);
    assert_eq!(
        only(&found, "edited-after-applied"),
        ["b1"],
        "{}",
        run.describe()
    );
    // Without a URL it is skipped.
    p.write("migrations/retort.toml", "");
    let run = p.run(&["lint"]);
    run.stderr_has("skipped edited-after-applied: needs a database URL");
    run.code_is(0);
}

per_db!(
    drop_table,
    drop_column,
    type_narrowing,
    not_null_without_default,
    drop_index_used_by_foreign_key,
    drop_enum_value,
    missing_downgrade,
    irreversible_downgrade,
    index_without_concurrently,
    volatile_default,
    table_rewrite,
    multiple_heads,
    edited_after_applied,
);

/// A project without a URL (every dialect's rules run) holding one
/// revision of each file-only finding.
fn findings_project() -> Project {
    let p = Project::init();
    p.write("migrations/retort.toml", "");
    p.write("migrations/versions/a1.toml", BASE);
    rev(
        &p,
        "b1",
        "a1",
        "[[upgrade]]\nop = \"drop_column\"\ntable = \"note\"\ncolumn = \"body\"\n\n[[upgrade]]\nop = \"create_index\"\ntable = \"account\"\nname = \"ix_both\"\ncolumns = [\"email\", \"org_id\"]\n\n[[downgrade]]\nop = \"drop_index\"\ntable = \"account\"\nname = \"ix_both\"\n\n[[downgrade]]\nop = \"add_column\"\ntable = \"note\"\ncolumn = { name = \"body\", type = \"text\" }\n",
    );
    p
}

#[test]
fn lint_json_snapshot_and_exit_codes() {
    let p = findings_project();
    let run = p.run(&["lint", "--format", "json"]);
    run.code_is(1)
        .stderr_has("2 revision(s) linted: 2 finding(s)")
        .stderr_has("error: 2 lint finding(s)")
        .stderr_has("skipped edited-after-applied: needs a database URL");
    insta::assert_snapshot!(run.stdout);
    let text = p.run(&["lint"]);
    text.code_is(1);
    insta::assert_snapshot!("lint_text", text.stdout);
    // Clean: exit 0, an empty array.
    p.write(
        "migrations/versions/b1.toml",
        "revision = \"b1\"\ndown_revision = \"a1\"\n",
    );
    let run = p.ok(&["lint", "--format", "json"]);
    assert_eq!(run.stdout.trim(), "[]");
    run.stderr_has("2 revision(s) linted: 0 finding(s)");
}

#[test]
fn lint_allow_by_config_and_by_comment() {
    let p = findings_project();
    // The whole project.
    p.write(
        "migrations/retort.toml",
        "[lint]\nallow = [\"drop-column\", \"index-without-concurrently\"]\n",
    );
    p.ok(&["lint"]).stderr_has("0 finding(s)");
    // One revision.
    p.write(
        "migrations/retort.toml",
        "[lint]\nallow = [\"index-without-concurrently\"]\n[lint.revisions.b1]\nallow = [\"drop-column\"]\n",
    );
    p.ok(&["lint"]).stderr_has("0 finding(s), 2 allowed");
    p.write(
        "migrations/retort.toml",
        "[lint.revisions.zz]\nallow = [\"drop-column\"]\n",
    );
    p.fails(&["lint"])
        .stderr_has("[lint.revisions.zz] names no revision");
    p.write(
        "migrations/retort.toml",
        "[lint]\nallow = [\"drop-colum\"]\n",
    );
    p.fails(&["lint"])
        .stderr_has("[lint] allows \"drop-colum\", which is no lint rule");
    // A comment in the revision file.
    p.write("migrations/retort.toml", "");
    let text = p.read("migrations/versions/b1.toml");
    p.write(
        "migrations/versions/b1.toml",
        &format!("# retort-lint: allow drop-column, index-without-concurrently -- the body moved to files\n{text}"),
    );
    p.ok(&["lint"]).stderr_has("0 finding(s), 2 allowed");
    p.write(
        "migrations/versions/b1.toml",
        &format!("# retort-lint: allow drop-colum -- typo\n{text}"),
    );
    p.fails(&["lint"])
        .stderr_has("b1.toml:1: `# retort-lint: allow drop-colum` names no lint rule");
}

#[test]
fn lint_since_lints_only_the_descendants() {
    let p = findings_project();
    rev(
        &p,
        "c1",
        "b1",
        "downgrade = []\n\n[[upgrade]]\nop = \"drop_table\"\ntable = \"org\"\n",
    );
    let run = p.run(&["lint", "--since", "b1", "--format", "json"]);
    run.code_is(1)
        .stderr_has("1 revision(s) linted: 1 finding(s)");
    assert!(
        run.stdout.contains("\"rule\": \"drop-table\""),
        "{}",
        run.describe()
    );
    assert!(!run.stdout.contains("drop-column"), "{}", run.describe());
    p.run(&["lint", "--since", "a1"])
        .code_is(1)
        .stderr_has("2 revision(s) linted: 3 finding(s)");
    p.run(&["lint", "--since", "c1"])
        .code_is(0)
        .stderr_has("0 revision(s) linted");
    p.fails(&["lint", "--since", "nope"]).stderr_has("--since:");
}

#[test]
fn lint_files_only_and_skip() {
    let p = findings_project();
    rev(
        &p,
        "c1",
        "b1",
        "[[upgrade]]\nop = \"add_column\"\ntable = \"note\"\ncolumn = { name = \"x\", type = \"integer\" }\n\n[[downgrade]]\nop = \"execute\"\nsql = \"SELECT 1\"\n",
    );
    let run = p.run(&["lint", "--since", "b1"]);
    run.code_is(1).stdout_has("irreversible-downgrade");
    let run = p.run(&["lint", "--since", "b1", "--files-only"]);
    run.code_is(0)
        .stderr_has("skipped irreversible-downgrade: --files-only")
        .stderr_has("skipped edited-after-applied: --files-only");
    let run = p.run(&[
        "lint",
        "--skip",
        "irreversible-downgrade",
        "--skip",
        "drop-column",
    ]);
    run.code_is(1)
        .stderr_has("skipped irreversible-downgrade: --skip");
    assert!(!run.stdout.contains("drop-column"), "{}", run.describe());
    assert!(
        run.stdout.contains("index-without-concurrently"),
        "{}",
        run.describe()
    );
    p.fails(&["lint", "--skip", "nope"])
        .stderr_has("--skip nope: no such lint rule");
}

#[test]
fn lint_multidb_reports_the_database() {
    let p = Project::empty();
    p.ok(&["init", "--template", "multidb"]);
    p.write(
        "migrations/versions/a1.toml",
        "revision = \"a1\"\n\n[[upgrade.main]]\nop = \"create_table\"\ntable = \"t\"\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"x\", type = \"text\" }]\n\n[[upgrade.secondary]]\nop = \"create_table\"\ntable = \"u\"\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }]\n\n[[downgrade.main]]\nop = \"drop_table\"\ntable = \"t\"\n",
    );
    rev(
        &p,
        "b1",
        "a1",
        "[[upgrade.main]]\nop = \"drop_column\"\ntable = \"t\"\ncolumn = \"x\"\n\n[[downgrade.main]]\nop = \"execute\"\nsql = \"SELECT 1\"\n",
    );
    let run = p.run(&["lint", "--format", "json"]);
    run.code_is(1);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let found: Vec<(String, String, String)> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_owned(),
                f["revision"].as_str().unwrap().to_owned(),
                f["database"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let expected = [
        ("missing-downgrade", "a1", "secondary"),
        ("drop-column", "b1", "main"),
        ("irreversible-downgrade", "b1", "main"),
    ]
    .map(|(a, b, c)| (a.to_owned(), b.to_owned(), c.to_owned()));
    assert_eq!(found, expected, "{}", run.describe());
    run.stdout_has("make the [[downgrade.main]] operations undo");
}
