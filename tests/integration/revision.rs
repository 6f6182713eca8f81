//! `retort revision`: new revision files, their names and contents, the
//! options that choose parents, and the configuration that shapes them
//! (SPEC sections 3, 4 and 5).

use crate::harness::{Project, Run, toml_value};

/// The path after `Generating ` in a `revision` / `merge` output.
#[track_caller]
pub fn generated(run: &Run) -> String {
    run.stdout
        .lines()
        .find_map(|l| l.strip_prefix("Generating ")?.strip_suffix(" ... done"))
        .unwrap_or_else(|| panic!("no `Generating ... done` line\n{}", run.describe()))
        .to_owned()
}

/// The id in a new file's name (`<id>_<slug>.toml`).
fn id_of(path: &str) -> String {
    let name = path.rsplit('/').next().unwrap();
    name.trim_end_matches(".toml")
        .split('_')
        .next()
        .unwrap()
        .to_owned()
}

fn is_new_id(id: &str) -> bool {
    id.len() == 12 && id.chars().all(|c| matches!(c, '0'..='9' | 'a'..='f'))
}

/// A project with a single revision `aaaa00000001`.
fn one_revision() -> Project {
    let p = Project::init();
    p.ok(&["revision", "-m", "first", "--rev-id", "aaaa00000001"]);
    p
}

#[test]
fn first_revision_is_a_base_with_a_random_id() {
    let p = Project::init();
    let run = p.ok(&["revision", "-m", "create account"]);
    let path = generated(&run);
    let id = id_of(&path);
    assert!(
        is_new_id(&id),
        "new ids are 12 lowercase hex characters, got {id:?} from {path}"
    );
    assert_eq!(
        path,
        format!("migrations/versions/{id}_create_account.toml")
    );
    let text = p.read(&path);
    assert_eq!(
        toml_value(&text, "revision"),
        Some(format!("{id:?}").as_str()),
        "{text}"
    );
    assert_eq!(
        toml_value(&text, "down_revision"),
        None,
        "a base has no down_revision:\n{text}"
    );
    assert_eq!(
        toml_value(&text, "message"),
        Some("\"create account\""),
        "{text}"
    );
    assert_eq!(p.ok(&["heads"]).stdout, format!("{id} (head)\n"));
}

#[test]
fn two_new_revisions_get_different_ids() {
    let p = Project::init();
    let a = id_of(&generated(&p.ok(&["revision", "-m", "one"])));
    let b = id_of(&generated(&p.ok(&["revision", "-m", "two"])));
    assert_ne!(a, b);
}

#[test]
fn second_revision_revises_the_head() {
    let p = one_revision();
    let run = p.ok(&["revision", "-m", "second", "--rev-id", "bbbb00000002"]);
    assert_eq!(
        generated(&run),
        "migrations/versions/bbbb00000002_second.toml"
    );
    let text = p.version_file("bbbb00000002");
    assert_eq!(
        toml_value(&text, "down_revision"),
        Some("\"aaaa00000001\""),
        "{text}"
    );
    assert_eq!(
        p.ok(&["history"]).stdout,
        "aaaa00000001 -> bbbb00000002 (head), second\n<base> -> aaaa00000001, first\n"
    );
}

/// The SPEC section 3 example: a parent, a branch label, a dependency.
#[test]
fn generated_file() {
    let p = one_revision();
    p.ok(&[
        "revision",
        "--head",
        "base",
        "-m",
        "other",
        "--rev-id",
        "55af2cb1c267",
    ]);
    p.ok(&[
        "revision",
        "-m",
        "add email to user",
        "--head",
        "aaaa00000001",
        "--branch-label",
        "users",
        "--depends-on",
        "55af2cb1c267",
        "--rev-id",
        "3f2a9c1b7d4e",
    ]);
    insta::assert_snapshot!(p.redact(&p.version_file("3f2a9c1b7d4e")));
}

#[test]
fn message_becomes_the_slug_of_the_file_name() {
    let p = Project::init();
    let run = p.ok(&[
        "revision",
        "-m",
        "Add e-mail to User!",
        "--rev-id",
        "aaaa00000001",
    ]);
    assert_eq!(
        generated(&run),
        "migrations/versions/aaaa00000001_add_e_mail_to_user.toml"
    );
    let text = p.version_file("aaaa00000001");
    assert_eq!(
        toml_value(&text, "message"),
        Some("\"Add e-mail to User!\""),
        "{text}"
    );
}

/// Alembic writes "empty message" in the file but slugs the empty message:
/// `<rev>_.py`. retort drops the dangling `_` (see `naming::file_name`).
#[test]
fn no_message_writes_empty_message_and_an_empty_slug() {
    let p = Project::init();
    let run = p.ok(&["revision", "--rev-id", "aaaa00000001"]);
    assert_eq!(generated(&run), "migrations/versions/aaaa00000001.toml");
    let text = p.version_file("aaaa00000001");
    assert_eq!(
        toml_value(&text, "message"),
        Some("\"empty message\""),
        "{text}"
    );
}

/// Alembic takes any message, several lines included (it becomes the
/// docstring); the file must keep it whole.
#[test]
fn multi_line_message() {
    let p = Project::init();
    p.ok(&[
        "revision",
        "-m",
        "first line\nsecond line",
        "--rev-id",
        "aaaa00000001",
    ]);
    let run = p.ok(&["show", "aaaa00000001", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON");
    assert_eq!(
        v[0]["message"],
        "first line\nsecond line",
        "{}",
        run.describe()
    );
}

#[test]
fn message_with_quotes_and_backslashes() {
    let p = Project::init();
    p.ok(&[
        "revision",
        "-m",
        "say \"hi\" \\ back",
        "--rev-id",
        "aaaa00000001",
    ]);
    assert_eq!(
        p.ok(&["history"]).stdout,
        "<base> -> aaaa00000001 (head), say \"hi\" \\ back\n"
    );
}

#[test]
fn rev_id_chooses_the_id() {
    let p = Project::init();
    p.ok(&["revision", "-m", "x", "--rev-id", "my_rev-1"]);
    assert_eq!(p.version_files(), ["my_rev-1_x.toml"]);
    assert_eq!(
        toml_value(&p.version_file("my_rev-1"), "revision"),
        Some("\"my_rev-1\"")
    );
}

#[test]
fn duplicate_rev_id_is_refused_and_writes_nothing() {
    let p = one_revision();
    let before = p.tree();
    p.fails(&["revision", "-m", "again", "--rev-id", "aaaa00000001"])
        .stderr_has("aaaa00000001")
        .stderr_has("already exists");
    p.assert_unchanged(&before);
}

#[test]
fn unusable_rev_ids_are_refused() {
    let p = Project::init();
    for bad in ["has space", "head", "a:b", "-1"] {
        p.fails(&["revision", "--rev-id", bad]);
    }
    assert_eq!(p.version_files(), Vec::<String>::new());
}

#[test]
fn head_base_starts_a_second_base() {
    let p = one_revision();
    p.ok(&[
        "revision",
        "--head",
        "base",
        "-m",
        "other",
        "--rev-id",
        "bbbb00000001",
    ]);
    let text = p.version_file("bbbb00000001");
    assert_eq!(
        toml_value(&text, "down_revision"),
        None,
        "a new base:\n{text}"
    );
    assert_eq!(
        p.ok(&["heads"]).stdout,
        "aaaa00000001 (head)\nbbbb00000001 (head)\n"
    );
}

#[test]
fn plain_revision_with_two_heads_is_refused() {
    let p = one_revision();
    p.ok(&["revision", "--head", "base", "--rev-id", "bbbb00000001"]);
    let before = p.tree();
    p.fails(&["revision", "-m", "third"])
        .stderr_has("ultiple heads")
        .stderr_has("aaaa00000001")
        .stderr_has("bbbb00000001");
    p.assert_unchanged(&before);
}

#[test]
fn head_names_the_parent() {
    let p = one_revision();
    p.ok(&["revision", "--head", "base", "--rev-id", "bbbb00000001"]);
    p.ok(&[
        "revision",
        "--head",
        "bbbb00000001",
        "--rev-id",
        "cccc00000001",
    ]);
    let text = p.version_file("cccc00000001");
    assert_eq!(
        toml_value(&text, "down_revision"),
        Some("\"bbbb00000001\""),
        "{text}"
    );
}

/// Unique id prefixes.
#[test]
fn head_accepts_a_partial_id() {
    let p = one_revision();
    p.ok(&["revision", "--head", "base", "--rev-id", "bbbb00000001"]);
    p.ok(&["revision", "--head", "bbbb", "--rev-id", "cccc00000001"]);
    let text = p.version_file("cccc00000001");
    assert_eq!(
        toml_value(&text, "down_revision"),
        Some("\"bbbb00000001\""),
        "{text}"
    );
}

/// `label@head`.
#[test]
fn head_accepts_label_at_head() {
    let p = one_revision();
    p.ok(&[
        "revision",
        "--head",
        "base",
        "--branch-label",
        "audit",
        "--rev-id",
        "bbbb00000001",
    ]);
    p.ok(&[
        "revision",
        "--head",
        "audit@head",
        "--rev-id",
        "cccc00000001",
    ]);
    p.ok(&[
        "revision",
        "--head",
        "audit@head",
        "--rev-id",
        "dddd00000001",
    ]);
    let text = p.version_file("dddd00000001");
    assert_eq!(
        toml_value(&text, "down_revision"),
        Some("\"cccc00000001\""),
        "{text}"
    );
}

#[test]
fn head_that_is_not_a_head_needs_splice() {
    let p = one_revision();
    p.ok(&["revision", "--rev-id", "bbbb00000001"]);
    let before = p.tree();
    p.fails(&[
        "revision",
        "--head",
        "aaaa00000001",
        "--rev-id",
        "cccc00000001",
    ])
    .stderr_has("aaaa00000001")
    .stderr_has("--splice");
    p.assert_unchanged(&before);

    p.ok(&[
        "revision",
        "--head",
        "aaaa00000001",
        "--splice",
        "--rev-id",
        "cccc00000001",
    ]);
    let text = p.version_file("cccc00000001");
    assert_eq!(
        toml_value(&text, "down_revision"),
        Some("\"aaaa00000001\""),
        "{text}"
    );
    assert_eq!(
        p.ok(&["heads"]).stdout,
        "bbbb00000001 (head)\ncccc00000001 (head)\n"
    );
}

#[test]
fn head_that_names_nothing_is_refused() {
    let p = one_revision();
    let before = p.tree();
    p.fails(&["revision", "--head", "nosuch"])
        .stderr_has("nosuch");
    p.assert_unchanged(&before);
}

#[test]
fn branch_label_is_written_and_shown() {
    let p = one_revision();
    p.ok(&[
        "revision",
        "--head",
        "base",
        "--branch-label",
        "audit",
        "--rev-id",
        "bbbb00000001",
    ]);
    let text = p.version_file("bbbb00000001");
    assert_eq!(
        toml_value(&text, "branch_labels"),
        Some("[\"audit\"]"),
        "{text}"
    );
    assert_eq!(
        p.ok(&["heads"]).stdout,
        "aaaa00000001 (head)\nbbbb00000001 (audit) (head)\n"
    );
}

/// A branch label names one branch only.
#[test]
fn branch_label_already_used_is_refused() {
    let p = one_revision();
    p.ok(&[
        "revision",
        "--head",
        "base",
        "--branch-label",
        "audit",
        "--rev-id",
        "bbbb00000001",
    ]);
    let before = p.tree();
    p.fails(&[
        "revision",
        "--head",
        "aaaa00000001",
        "--branch-label",
        "audit",
        "--rev-id",
        "cccc00000001",
    ])
    .stderr_has("audit");
    p.assert_unchanged(&before);
}

/// Partial ids and labels in `--depends-on`.
#[test]
fn depends_on_writes_full_ids_and_keeps_labels() {
    let p = Project::init();
    p.ok(&["revision", "--rev-id", "a1b2c3d4e5f6", "-m", "account"]);
    p.ok(&[
        "revision",
        "--head",
        "base",
        "--branch-label",
        "audit",
        "--rev-id",
        "b7e2d4f10a93",
    ]);
    p.ok(&[
        "revision",
        "--head",
        "a1b2c3d4e5f6",
        "--depends-on",
        "b7e2",
        "--rev-id",
        "c4f0a8e1d2b5",
    ]);
    let text = p.version_file("c4f0a8e1d2b5");
    assert_eq!(
        toml_value(&text, "depends_on"),
        Some("\"b7e2d4f10a93\""),
        "partial id resolved:\n{text}"
    );
    p.ok(&[
        "revision",
        "--head",
        "c4f0a8e1d2b5",
        "--depends-on",
        "audit",
        "--rev-id",
        "d9a3b6c2e8f1",
    ]);
    let text = p.version_file("d9a3b6c2e8f1");
    assert_eq!(
        toml_value(&text, "depends_on"),
        Some("\"audit\""),
        "label kept:\n{text}"
    );
}

#[test]
fn depends_on_an_unknown_revision_is_refused() {
    let p = one_revision();
    let before = p.tree();
    p.fails(&["revision", "--depends-on", "nosuch"])
        .stderr_has("nosuch");
    p.assert_unchanged(&before);
}

const TWO_LOCATIONS: &str = "version_locations = [\"versions\", \"more\"]\n";

#[test]
fn version_path_picks_a_configured_location() {
    let p = Project::init();
    p.write("migrations/retort.toml", TWO_LOCATIONS);
    let run = p.ok(&[
        "revision",
        "--version-path",
        "migrations/more",
        "--rev-id",
        "aaaa00000001",
        "-m",
        "one",
    ]);
    assert_eq!(generated(&run), "migrations/more/aaaa00000001_one.toml");
    // Without --version-path the new file goes where its parent is (Alembic).
    let run = p.ok(&["revision", "--rev-id", "bbbb00000001", "-m", "two"]);
    assert_eq!(generated(&run), "migrations/more/bbbb00000001_two.toml");
    // An absolute path naming a configured location is that location.
    let abs = p.path("migrations/versions").display().to_string();
    p.ok(&[
        "revision",
        "--version-path",
        &abs,
        "--head",
        "base",
        "--rev-id",
        "cccc00000001",
        "-m",
        "three",
    ]);
    assert_eq!(p.version_files(), ["cccc00000001_three.toml"]);
    assert_eq!(
        p.files_in("migrations/more"),
        ["aaaa00000001_one.toml", "bbbb00000001_two.toml"]
    );
}

#[test]
fn several_locations_and_no_parent_need_version_path() {
    let p = Project::init();
    p.write("migrations/retort.toml", TWO_LOCATIONS);
    let before = p.tree();
    p.fails(&["revision", "-m", "one"])
        .stderr_has("--version-path");
    p.assert_unchanged(&before);
}

#[test]
fn version_path_outside_the_locations_is_refused() {
    let p = Project::init();
    let before = p.tree();
    p.fails(&["revision", "--version-path", "elsewhere", "-m", "one"])
        .stderr_has("elsewhere")
        .stderr_has("version_locations");
    p.assert_unchanged(&before);
}

#[test]
fn file_template_with_a_date_prefix() {
    let p = Project::init();
    p.append(
        "migrations/retort.toml",
        "file_template = \"{year}_{month}_{day}_{hour}{minute}-{rev}_{slug}\"\n",
    );
    let run = p.ok(&["revision", "-m", "add email", "--rev-id", "aaaa00000001"]);
    let name = generated(&run)
        .trim_start_matches("migrations/versions/")
        .to_owned();
    // YYYY_MM_DD_HHMM-aaaa00000001_add_email.toml
    let shape = "####_##_##_####-aaaa00000001_add_email.toml";
    let fits = name.len() == shape.len()
        && shape
            .chars()
            .zip(name.chars())
            .all(|(s, c)| if s == '#' { c.is_ascii_digit() } else { s == c });
    assert!(fits, "expected a name shaped {shape}, got {name}");
    // The file's own `revision` key is the id, not its name.
    assert_eq!(p.ok(&["heads"]).stdout, "aaaa00000001 (head)\n");
}

/// Alembic cuts the slug at a word boundary within `truncate_slug_length`.
#[test]
fn truncate_slug_length_shortens_the_slug() {
    let p = Project::init();
    p.append("migrations/retort.toml", "truncate_slug_length = 12\n");
    let run = p.ok(&[
        "revision",
        "-m",
        "add email column to user table",
        "--rev-id",
        "aaaa00000001",
    ]);
    let name = generated(&run);
    assert!(
        name.starts_with("migrations/versions/aaaa00000001_add_email") && !name.contains("column"),
        "expected the slug cut to `add_email`, got {name}"
    );
}

#[test]
fn timezone_utc_writes_an_offset() {
    let p = Project::init();
    p.append("migrations/retort.toml", "timezone = \"UTC\"\n");
    p.ok(&["revision", "-m", "x", "--rev-id", "aaaa00000001"]);
    let text = p.version_file("aaaa00000001");
    let date = toml_value(&text, "create_date").unwrap_or_default();
    assert!(
        date.ends_with("+00:00\""),
        "expected a UTC create_date, got {date:?} in:\n{text}"
    );
}

#[test]
fn unknown_timezone_is_refused_and_writes_nothing() {
    let p = Project::init();
    p.append(
        "migrations/retort.toml",
        "timezone = \"Mars/Olympus_Mons\"\n",
    );
    let before = p.tree();
    p.fails(&["revision", "-m", "x"])
        .stderr_has("Mars/Olympus_Mons");
    p.assert_unchanged(&before);
}

const STAMP_HOOK: &str = r#"post_write_hooks = [{ name = "stamp", command = ["sh", "-c", "echo '# hooked' >> \"$1\"", "sh", "REVISION_SCRIPT_FILENAME"] }]
"#;

#[test]
fn post_write_hook_runs_on_the_new_file() {
    let p = Project::init();
    p.append("migrations/retort.toml", STAMP_HOOK);
    p.ok(&["revision", "-m", "x", "--rev-id", "aaaa00000001"]);
    let text = p.version_file("aaaa00000001");
    assert!(
        text.ends_with("# hooked\n"),
        "the hook should have appended a line:\n{text}"
    );
}

#[test]
fn post_write_hook_sees_x_arguments() {
    let p = Project::init();
    p.append(
        "migrations/retort.toml",
        r##"post_write_hooks = [{ name = "x", command = ["sh", "-c", "echo \"# team=$RETORT_X_TEAM\" >> \"$1\"", "sh", "REVISION_SCRIPT_FILENAME"] }]
"##,
    );
    p.ok(&[
        "-x",
        "team=billing",
        "revision",
        "-m",
        "x",
        "--rev-id",
        "aaaa00000001",
    ]);
    let text = p.version_file("aaaa00000001");
    assert!(text.contains("# team=billing\n"), "{text}");
}

#[test]
fn failing_post_write_hook_fails_and_leaves_no_file() {
    let p = one_revision();
    p.append(
        "migrations/retort.toml",
        r#"post_write_hooks = [{ name = "lint", command = ["sh", "-c", "echo 'bad style' >&2; exit 3"] }]
"#,
    );
    let before = p.tree();
    p.fails(&["revision", "-m", "x"])
        .stderr_has("lint")
        .stderr_has("bad style");
    p.assert_unchanged(&before);
}

/// A hook that leaves an unreadable file has failed too: like a hook that
/// exits non-zero, it must leave no file behind, or every later command
/// fails on it.
#[test]
fn post_write_hook_that_breaks_the_file_leaves_no_file() {
    let p = one_revision();
    p.append(
        "migrations/retort.toml",
        r#"post_write_hooks = [{ name = "breaker", command = ["sh", "-c", "echo 'x = = 1' >> \"$1\"", "sh", "REVISION_SCRIPT_FILENAME"] }]
"#,
    );
    let before = p.tree();
    p.fails(&["revision", "-m", "x", "--rev-id", "bbbb00000001"])
        .stderr_has("bbbb00000001_x.toml");
    p.assert_unchanged(&before);
    p.ok(&["heads"]);
}

#[test]
fn template_that_drops_down_revision_is_refused() {
    let p = one_revision();
    let template = p.read("migrations/script.toml.j2");
    let broken: String = template
        .lines()
        .filter(|l| !l.starts_with("down_revision"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(
        broken, template,
        "the template has a down_revision line to drop"
    );
    p.write("migrations/script.toml.j2", &broken);
    let before = p.tree();
    p.fails(&["revision", "-m", "second"])
        .stderr_has("script.toml.j2")
        .stderr_has("down_revision");
    p.assert_unchanged(&before);
}

#[test]
fn template_with_invalid_jinja_is_refused() {
    let p = Project::init();
    p.append("migrations/script.toml.j2", "{% if %}\n");
    let before = p.tree();
    p.fails(&["revision", "-m", "x"])
        .stderr_has("script.toml.j2");
    p.assert_unchanged(&before);
}

#[test]
fn template_rendering_invalid_toml_is_refused() {
    let p = Project::init();
    p.append("migrations/script.toml.j2", "this is not = = toml\n");
    let before = p.tree();
    p.fails(&["revision", "-m", "x"])
        .stderr_has("script.toml.j2");
    p.assert_unchanged(&before);
}

#[test]
fn x_arguments_reach_the_template() {
    let p = Project::init();
    p.append("migrations/script.toml.j2", "# ticket: {{ x.ticket }}\n");
    p.ok(&[
        "-x",
        "ticket=JIRA-42",
        "revision",
        "-m",
        "x",
        "--rev-id",
        "aaaa00000001",
    ]);
    let text = p.version_file("aaaa00000001");
    assert!(text.ends_with("# ticket: JIRA-42\n"), "{text}");
}

#[test]
fn x_argument_without_equals_is_a_usage_error() {
    let p = Project::init();
    p.fails(&["-x", "novalue", "revision"])
        .stderr_has("KEY=VALUE");
    assert_eq!(p.version_files(), Vec::<String>::new());
}
