//! Unit tests of the file-only rules.

use std::path::Path;

use super::*;
use crate::script::parse_revision;

fn graph(files: &[&str]) -> RevisionGraph {
    let revs = files
        .iter()
        .enumerate()
        .map(|(i, text)| parse_revision(Path::new(&format!("v/{i}.toml")), text).unwrap())
        .collect();
    RevisionGraph::new(revs).unwrap()
}

fn rules(files: &[&str], dialect: Option<&str>) -> Vec<&'static str> {
    let options = LintOptions {
        dialect: dialect.map(str::to_owned),
        since: None,
        skip: Vec::new(),
    };
    lint(&graph(files), &Config::default(), &options)
        .unwrap()
        .findings
        .into_iter()
        .map(|f| f.rule)
        .collect()
}

const BASE: &str = r#"revision = "a"
[[upgrade]]
op = "create_table"
table = "user"
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "email", type = "varchar(50)" }, { name = "org_id", type = "integer" }]
[[downgrade]]
op = "drop_table"
table = "user"
"#;

fn child(ops: &str) -> String {
    format!("revision = \"b\"\ndown_revision = \"a\"\ndowngrade = []\n{ops}\n")
}

#[test]
fn a_clean_project_has_no_finding() {
    assert!(rules(&[BASE], None).is_empty());
}

#[test]
fn drop_column_and_drop_table() {
    let b = child(
        "[[upgrade]]\nop = \"drop_column\"\ntable = \"user\"\ncolumn = \"email\"\n[[upgrade]]\nop = \"drop_table\"\ntable = \"user\"",
    );
    assert_eq!(rules(&[BASE, &b], None), ["drop-column", "drop-table"]);
}

#[test]
fn dropping_a_virtual_table_is_a_drop_table_finding() {
    let b = child(
        "[[upgrade]]\nop = \"drop_virtual_table\"\nname = \"notes_fts\"\n[[upgrade]]\nop = \"drop_view\"\nname = \"v\"",
    );
    assert_eq!(rules(&[BASE, &b], Some("sqlite")), ["drop-table"]);
}

#[test]
fn narrowing_and_rewrites() {
    let narrow = child(
        "[[upgrade]]\nop = \"alter_column\"\ntable = \"user\"\ncolumn = \"email\"\ntype = \"varchar(20)\"\nexisting_type = \"varchar(50)\"",
    );
    assert_eq!(rules(&[BASE, &narrow], Some("sqlite")), ["type-narrowing"]);
    assert_eq!(
        rules(&[BASE, &narrow], Some("postgresql")),
        ["type-narrowing", "table-rewrite"]
    );
    let widen = child(
        "[[upgrade]]\nop = \"alter_column\"\ntable = \"user\"\ncolumn = \"email\"\ntype = \"varchar(80)\"\nexisting_type = \"varchar(50)\"",
    );
    assert!(rules(&[BASE, &widen], Some("postgresql")).is_empty());
    let to_text = child(
        "[[upgrade]]\nop = \"alter_column\"\ntable = \"user\"\ncolumn = \"email\"\ntype = \"text\"\nexisting_type = \"varchar(50)\"",
    );
    assert!(rules(&[BASE, &to_text], Some("postgresql")).is_empty());
    assert_eq!(rules(&[BASE, &to_text], Some("mysql")), ["table-rewrite"]);
    let ints = child(
        "[[upgrade]]\nop = \"alter_column\"\ntable = \"user\"\ncolumn = \"org_id\"\ntype = \"smallint\"\nexisting_type = \"bigint\"",
    );
    assert_eq!(rules(&[BASE, &ints], Some("sqlite")), ["type-narrowing"]);
}

#[test]
fn not_null_without_default() {
    let add = child(
        "[[upgrade]]\nop = \"add_column\"\ntable = \"user\"\ncolumn = { name = \"n\", type = \"integer\", nullable = false }",
    );
    assert_eq!(rules(&[BASE, &add], None), ["not-null-without-default"]);
    let with_default = child(
        "[[upgrade]]\nop = \"add_column\"\ntable = \"user\"\ncolumn = { name = \"n\", type = \"integer\", nullable = false, server_default = \"0\" }",
    );
    assert!(rules(&[BASE, &with_default], None).is_empty());
    let alter = child(
        "[[upgrade]]\nop = \"alter_column\"\ntable = \"user\"\ncolumn = \"email\"\nnullable = false",
    );
    assert_eq!(rules(&[BASE, &alter], None), ["not-null-without-default"]);
}

#[test]
fn volatile_default_and_index_concurrency_by_dialect() {
    let add = child(
        "[[upgrade]]\nop = \"add_column\"\ntable = \"user\"\ncolumn = { name = \"token\", type = \"uuid\", server_default = \"gen_random_uuid()\" }",
    );
    assert_eq!(
        rules(&[BASE, &add], Some("postgresql")),
        ["volatile-default"]
    );
    assert!(rules(&[BASE, &add], Some("sqlite")).is_empty());
    let now = child(
        "[[upgrade]]\nop = \"add_column\"\ntable = \"user\"\ncolumn = { name = \"at\", type = \"timestamptz\", server_default = \"now()\" }",
    );
    assert!(rules(&[BASE, &now], Some("postgresql")).is_empty());
    let ix = child(
        "[[upgrade]]\nop = \"create_index\"\ntable = \"user\"\nname = \"ix_email\"\ncolumns = [\"email\"]",
    );
    assert_eq!(
        rules(&[BASE, &ix], Some("postgresql")),
        ["index-without-concurrently"]
    );
    assert!(rules(&[BASE, &ix], Some("mysql")).is_empty());
    let concurrently = child(
        "[[upgrade]]\nop = \"create_index\"\ntable = \"user\"\nname = \"ix_email\"\ncolumns = [\"email\"]\nconcurrently = true",
    );
    assert!(rules(&[BASE, &concurrently], Some("postgresql")).is_empty());
}

#[test]
fn drop_index_used_by_a_foreign_key() {
    let fk = r#"revision = "b"
down_revision = "a"
downgrade = []
[[upgrade]]
op = "create_table"
table = "org"
columns = [{ name = "id", type = "integer", primary_key = true }]
[[upgrade]]
op = "create_index"
table = "user"
name = "ix_org"
columns = ["org_id"]
[[upgrade]]
op = "create_foreign_key"
table = "user"
name = "fk_org"
columns = ["org_id"]
referent_table = "org"
referent_columns = ["id"]
"#;
    let drop = "revision = \"c\"\ndown_revision = \"b\"\ndowngrade = []\n[[upgrade]]\nop = \"drop_index\"\ntable = \"user\"\nname = \"ix_org\"\n";
    assert_eq!(
        rules(&[BASE, fk, drop], Some("mysql")),
        ["drop-index-used-by-foreign-key"]
    );
    let other = "revision = \"c\"\ndown_revision = \"b\"\ndowngrade = []\n[[upgrade]]\nop = \"drop_index\"\ntable = \"user\"\nname = \"ix_email\"\n";
    assert!(rules(&[BASE, fk, other], Some("mysql")).is_empty());
}

#[test]
fn missing_downgrade_and_heads() {
    let b = "revision = \"b\"\ndown_revision = \"a\"\n[[upgrade]]\nop = \"execute\"\nsql = \"SELECT 1\"\n";
    assert_eq!(rules(&[BASE, b], None), ["missing-downgrade"]);
    let c = "revision = \"c\"\ndown_revision = \"a\"\n";
    let b = "revision = \"b\"\ndown_revision = \"a\"\n";
    assert_eq!(rules(&[BASE, b, c], None), ["multiple-heads"]);
}

#[test]
fn comments_config_and_since() {
    let b = child(
        "# retort-lint: allow drop-column -- moved to profile\n[[upgrade]]\nop = \"drop_column\"\ntable = \"user\"\ncolumn = \"email\"",
    );
    let report = lint(
        &graph(&[BASE, &b]),
        &Config::default(),
        &LintOptions::default(),
    )
    .unwrap();
    assert!(report.findings.is_empty());
    assert_eq!(report.allowed, 1);
    let b = child("[[upgrade]]\nop = \"drop_column\"\ntable = \"user\"\ncolumn = \"email\"");
    let mut config = Config::default();
    config.lint.revisions.insert(
        "b".into(),
        crate::config::LintRevisionConfig {
            allow: vec!["drop-column".into()],
        },
    );
    let g = graph(&[BASE, &b]);
    assert!(
        lint(&g, &config, &LintOptions::default())
            .unwrap()
            .findings
            .is_empty()
    );
    let since = LintOptions {
        since: Some("b".into()),
        ..LintOptions::default()
    };
    let report = lint(&g, &Config::default(), &since).unwrap();
    assert!(report.findings.is_empty() && report.scope.is_empty());
    let since_a = LintOptions {
        since: Some("a".into()),
        ..LintOptions::default()
    };
    assert_eq!(
        lint(&g, &Config::default(), &since_a)
            .unwrap()
            .findings
            .len(),
        1
    );
    let bad = child("# retort-lint: allow drop-colum\n");
    let err = lint(
        &graph(&[BASE, &bad]),
        &Config::default(),
        &LintOptions::default(),
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("v/1.toml:4: `# retort-lint: allow drop-colum` names no lint rule"),
        "{err}"
    );
}

#[test]
fn allow_comments_parse() {
    assert_eq!(
        allow_comments("x = 1\n  #  retort-lint: allow a, b c -- why, because\n"),
        [("a".to_owned(), 2), ("b".into(), 2), ("c".into(), 2)]
    );
    assert_eq!(
        allow_comments("# retort-lint: deny x\n"),
        [("?deny x".to_owned(), 1)]
    );
}
