//! Snapshots of revision files written by autogenerate (`migrate`) on
//! SQLite: what a user reviews before upgrading.

use crate::harness::Project;

/// A project whose models live in `schema.sql` beside `migrations/`.
fn with_models(sql: &str) -> Project {
    let p = Project::init();
    let config = std::fs::read_to_string(p.path("migrations/retort.toml")).unwrap();
    p.write(
        "migrations/retort.toml",
        &config.replace("models = []", "models = [\"../schema.sql\"]"),
    );
    p.write("schema.sql", sql);
    p
}

#[test]
fn initial_schema_is_written_as_create_tables_in_dependency_order() {
    let p = with_models(
        r#"
CREATE TABLE post (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES "user" (id) ON DELETE CASCADE,
    title VARCHAR(200) NOT NULL DEFAULT '',
    CHECK (length(title) < 200)
);
CREATE TABLE "user" (id INTEGER PRIMARY KEY, "UserName" VARCHAR(64) UNIQUE);
CREATE INDEX ix_post_user ON post (user_id);
"#,
    );
    let run = p.ok(&["migrate", "-m", "initial", "--rev-id", "aaaa00000001"]);
    assert!(
        run.stderr.contains("Detected added table 'user'"),
        "{}",
        run.stderr
    );
    insta::assert_snapshot!(p.redact(&p.version_file("aaaa00000001")));
}

#[test]
fn changes_on_sqlite_are_grouped_into_a_batch() {
    let p = with_models("CREATE TABLE item (id INTEGER PRIMARY KEY, name VARCHAR(50));\n");
    p.ok(&["migrate", "-m", "initial", "--rev-id", "aaaa00000001"]);
    p.ok(&["upgrade"]);
    p.write(
        "schema.sql",
        "CREATE TABLE item (id INTEGER PRIMARY KEY, name VARCHAR(80) NOT NULL DEFAULT 'x', qty INTEGER);\n",
    );
    p.ok(&["migrate", "-m", "widen name", "--rev-id", "bbbb00000002"]);
    insta::assert_snapshot!(p.redact(&p.version_file("bbbb00000002")));
    p.ok(&["upgrade"]);
    p.ok(&["check"])
        .stdout_has("No new upgrade operations detected.");
    p.ok(&["downgrade", "-1"]);
    p.fails(&["check"]);
}

#[test]
fn nothing_to_detect_writes_an_empty_revision_and_check_passes() {
    let p = with_models("CREATE TABLE item (id INTEGER PRIMARY KEY);\n");
    p.ok(&["migrate", "-m", "initial", "--rev-id", "aaaa00000001"]);
    p.ok(&["upgrade"]);
    let run = p.ok(&["migrate", "-m", "nothing", "--rev-id", "bbbb00000002"]);
    assert!(
        run.stderr.contains("No changes in schema detected."),
        "{}",
        run.stderr
    );
    let text = p.version_file("bbbb00000002");
    let ops = text
        .lines()
        .filter(|l| l.starts_with("[[upgrade") || l.starts_with("[[downgrade"))
        .count();
    assert_eq!(ops, 0, "{text}");
}

#[test]
fn a_database_behind_head_is_refused() {
    let p = with_models("CREATE TABLE item (id INTEGER PRIMARY KEY);\n");
    p.ok(&["migrate", "-m", "initial", "--rev-id", "aaaa00000001"]);
    let run = p.fails(&["migrate", "-m", "again"]);
    assert!(run.stderr.contains("not up to date"), "{}", run.stderr);
    assert_eq!(p.version_files().len(), 1);
    p.fails(&["check"]).stderr_has("not up to date");
}

#[test]
fn models_errors_name_file_line_and_column() {
    // The database refuses the second statement (the models run in a
    // scratch database): the error names the file, line and column.
    let p = with_models(
        "CREATE TABLE item (id INTEGER PRIMARY KEY);\nCREATE TABLE bad (id INTEGER,, x TEXT);\n",
    );
    let run = p.fails(&["check"]);
    assert!(run.stderr.contains("schema.sql:2:1:"), "{}", run.stderr);
    let p = Project::init();
    p.fails(&["check"]).stderr_has("no target schema");
}
