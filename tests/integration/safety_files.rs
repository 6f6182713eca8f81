//! New revision files go where the loader finds them, or nowhere: a
//! `file_template` or `--rev-id` that would put the file outside the
//! version location, in a folder that is not searched, or under a hidden
//! name is refused before anything is written, naming the setting.

use crate::harness::Project;

/// A project whose `retort.toml` also sets `extra`.
fn project_with(extra: &str) -> Project {
    let p = Project::init();
    p.append("migrations/retort.toml", &format!("\n{extra}\n"));
    p
}

#[test]
fn a_file_template_leaving_the_version_location_is_refused() {
    let outside = Project::empty();
    let absolute = format!("file_template = \"{}/{{rev}}\"", outside.root().display());
    for template in [
        "file_template = \"../../{rev}\"",
        "file_template = \"../{rev}_{slug}\"",
        "file_template = \"{year}/../../{rev}\"",
        absolute.as_str(),
    ] {
        let p = project_with(template);
        let before = p.tree();
        let run = p.fails(&["revision", "-m", "escape"]);
        run.stderr_has("file_template")
            .stderr_has("migrations/retort.toml:");
        p.assert_unchanged(&before);
        assert!(
            outside.files_in(".").is_empty(),
            "{template}: wrote {:?}",
            outside.files_in(".")
        );
    }
}

#[test]
fn a_hidden_file_name_is_refused() {
    let p = project_with("file_template = \".{rev}_{slug}\"");
    let before = p.tree();
    p.fails(&["revision", "-m", "hidden"])
        .stderr_has("file_template")
        .stderr_has("'.'");
    p.assert_unchanged(&before);

    let p = Project::init();
    let before = p.tree();
    p.fails(&["revision", "-m", "hidden", "--rev-id", ".hidden"])
        .stderr_has("--rev-id")
        .stderr_has("'.'");
    p.assert_unchanged(&before);
}

#[test]
fn a_rev_id_longer_than_the_version_column_is_refused() {
    let p = Project::init();
    let before = p.tree();
    let long = "a".repeat(33);
    p.fails(&["revision", "-m", "long", "--rev-id", &long])
        .stderr_has("--rev-id")
        .stderr_has("32");
    p.assert_unchanged(&before);

    let fits = "b".repeat(32);
    p.ok(&["revision", "-m", "fits", "--rev-id", &fits]);
    p.ok(&["show", &fits]);
}

#[test]
fn a_sub_folder_template_needs_recursive_version_locations() {
    let p = project_with("file_template = \"{year}/{rev}_{slug}\"");
    let before = p.tree();
    p.fails(&["revision", "-m", "nested"])
        .stderr_has("file_template")
        .stderr_has("recursive_version_locations");
    p.assert_unchanged(&before);

    let p =
        project_with("file_template = \"{year}/{rev}_{slug}\"\nrecursive_version_locations = true");
    p.ok(&["revision", "-m", "nested", "--rev-id", "abc123"]);
    p.ok(&["show", "abc123"]).stdout_has("nested");
}
