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

/// A generated revision file reads well in review: no array of inline
/// tables on one line, no line over 120 characters but a single item or a
/// single long string (TOML 1.0 cannot break an inline table), one blank
/// line between operations, no trailing space, one newline at the end.
#[track_caller]
fn assert_reads_well(text: &str) {
    assert!(
        !text.contains("= [{"),
        "an array of tables on one line:\n{text}"
    );
    for line in text.lines() {
        assert!(!line.ends_with(' '), "trailing space in {line:?}:\n{text}");
        if line.chars().count() <= 120 {
            continue;
        }
        let item = line.starts_with("    {") && line.ends_with("},");
        let string = line.split_once(" = \"").is_some_and(|(key, _)| {
            !key.starts_with(' ') && !key.contains('{') && line.ends_with('"')
        });
        assert!(
            item || string,
            "a {} character line:\n{line}\n\n{text}",
            line.chars().count()
        );
    }
    assert!(
        !text.contains("\n\n\n"),
        "two blank lines in a row:\n{text}"
    );
    assert!(
        text.ends_with('\n') && !text.ends_with("\n\n"),
        "not one newline at the end:\n{text}"
    );
}

#[test]
fn generated_files_have_one_item_a_line_and_mean_what_was_detected() {
    let p = with_models(
        r#"
CREATE TABLE account (
    id INTEGER PRIMARY KEY,
    owner_id INTEGER NOT NULL REFERENCES account (id) ON DELETE CASCADE ON UPDATE CASCADE,
    name VARCHAR(128) NOT NULL DEFAULT '',
    email VARCHAR(255) NOT NULL UNIQUE,
    status VARCHAR(16) NOT NULL DEFAULT 'active',
    balance NUMERIC(12, 2) NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
    notes TEXT,
    CONSTRAINT ck_account_balance CHECK (balance >= 0),
    CONSTRAINT ck_account_status_is_known_and_closed_accounts_are_empty CHECK (status IN ('active', 'suspended', 'closed') AND (status <> 'closed' OR balance = 0)),
    CONSTRAINT uq_account_owner_name UNIQUE (owner_id, name)
);
CREATE INDEX ix_account_created_at ON account (created_at);
CREATE INDEX ix_account_report ON account (owner_id, status, balance, created_at, name, email);
CREATE TABLE item (id INTEGER PRIMARY KEY, account_id INTEGER REFERENCES account (id), name VARCHAR(50));
CREATE VIEW active_accounts AS
    SELECT id, name, email, balance
      FROM account
     WHERE status = 'active';
"#,
    );
    p.ok(&["migrate", "-m", "initial", "--rev-id", "aaaa00000001"]);
    let initial = p.version_file("aaaa00000001");
    assert_reads_well(&initial);
    for expected in [
        "\ncolumns = [\n    { name = \"id\", type = \"integer\", primary_key = true },\n",
        "\n    { name = \"notes\", type = \"text\" },\n]\n",
        "\nchecks = [\n    { name = \"ck_account_balance\", condition = \"balance >= 0\" },\n",
        "\nindexes = [\n    { name = \"ix_account_created_at\", columns = [\"created_at\"] },\n",
        "\n\n[[downgrade]]\n",
    ] {
        assert!(
            initial.contains(expected),
            "missing {expected:?} in:\n{initial}"
        );
    }
    p.ok(&["upgrade"]);
    p.ok(&["check"])
        .stdout_has("No new upgrade operations detected.");

    // SQLite puts the changes of a table in one batch: one nested
    // operation a line.
    let schema = p.read("schema.sql");
    p.write(
        "schema.sql",
        &schema.replace(
            "name VARCHAR(50));",
            "name VARCHAR(80) NOT NULL DEFAULT 'x', qty INTEGER NOT NULL DEFAULT 0, price NUMERIC(10, 2));\nCREATE INDEX ix_item_qty ON item (qty);",
        ),
    );
    p.ok(&["migrate", "-m", "item changes", "--rev-id", "bbbb00000002"]);
    let changes = p.version_file("bbbb00000002");
    assert_reads_well(&changes);
    assert!(
        changes.contains("\nops = [\n    { op = "),
        "nested operations one a line:\n{changes}"
    );
    let nested = changes
        .lines()
        .filter(|l| l.starts_with("    { op = "))
        .count();
    assert!(nested >= 4, "{changes}");
    p.ok(&["upgrade"]);
    p.ok(&["check"])
        .stdout_has("No new upgrade operations detected.");
    p.ok(&["downgrade", "base"]);

    // A merge writes no operations; its file reads as well.
    p.ok(&[
        "revision",
        "-m",
        "side",
        "--rev-id",
        "cccc00000003",
        "--head",
        "aaaa00000001",
        "--splice",
    ]);
    p.ok(&["merge", "heads", "-m", "join", "--rev-id", "dddd00000004"]);
    let merge = p.version_file("dddd00000004");
    assert_reads_well(&merge);
    assert!(
        merge.contains("\ndown_revision = [\"bbbb00000002\", \"cccc00000003\"]\n"),
        "{merge}"
    );
}

#[test]
fn existing_revision_files_are_never_rewritten() {
    let p = with_models("CREATE TABLE item (id INTEGER PRIMARY KEY, name TEXT);\n");
    // Hand-written, in a layout retort would not write.
    let hand = "revision = \"aaaa00000001\"\nmessage = \"by hand\"\n\n\n[[upgrade]]\nop = \"create_table\"\ntable = \"item\"\ncolumns = [{ name = \"id\", type = \"integer\", primary_key = true }, { name = \"name\", type = \"text\" }]\n[[downgrade]]\nop = \"drop_table\"\ntable = \"item\"\n\n\n";
    p.write("migrations/versions/aaaa00000001_by_hand.toml", hand);
    p.ok(&["upgrade"]);
    p.ok(&["stamp", "head"]);
    p.ok(&["revision", "-m", "next", "--rev-id", "bbbb00000002"]);
    // As `retort edit` leaves a file: changed by the user.
    let next = p.version_file("bbbb00000002");
    let edited =
        format!("{next}\n\n# reviewed\n[[upgrade]]\nop = \"execute\"\nsql = \"SELECT 1\"\n");
    p.write("migrations/versions/bbbb00000002_next.toml", &edited);
    p.ok(&["upgrade"]);
    p.ok(&["migrate", "-m", "nothing", "--rev-id", "cccc00000003"]);
    p.ok(&["downgrade", "base"]);
    p.ok(&["upgrade", "--sql"]);
    assert_eq!(
        p.read("migrations/versions/aaaa00000001_by_hand.toml"),
        hand
    );
    assert_eq!(p.read("migrations/versions/bbbb00000002_next.toml"), edited);
}
