//! Names of new revision files: the message slug and `file_template`.

use jiff::Zoned;

/// The tokens `file_template` may use.
pub const FILE_TEMPLATE_TOKENS: &[&str] = &[
    "rev", "slug", "epoch", "year", "month", "day", "hour", "minute", "second",
];

/// Checks that a `file_template` uses only known `{token}`s, names the
/// revision, and keeps new files inside the version location under names
/// the loader reads: no absolute path, no `..`, no hidden (`.`) file name.
pub fn check_file_template(template: &str) -> Result<(), String> {
    check_template_path(template)?;
    let mut has_rev = false;
    for token in tokens(template)? {
        if !FILE_TEMPLATE_TOKENS.contains(&token) {
            return Err(format!(
                "file_template uses {{{token}}}; the tokens are {}",
                FILE_TEMPLATE_TOKENS
                    .iter()
                    .map(|t| format!("{{{t}}}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        has_rev |= token == "rev";
    }
    if !has_rev {
        return Err("file_template must contain {rev}, so that file names stay unique".into());
    }
    Ok(())
}

/// The path rules of [`check_file_template`]: a file outside the version
/// location, or a hidden one, would never be read back as a revision.
fn check_template_path(template: &str) -> Result<(), String> {
    let parts: Vec<&str> = template.split(['/', '\\']).collect();
    let drive = template.len() >= 2
        && template.as_bytes()[1] == b':'
        && template.as_bytes()[0].is_ascii_alphabetic();
    if template.starts_with(['/', '\\']) || drive {
        return Err(format!(
            "file_template {template:?} is an absolute path; new revision files go in a version location: \
             write a name relative to it, e.g. \"{{rev}}_{{slug}}\""
        ));
    }
    if parts.contains(&"..") {
        return Err(format!(
            "file_template {template:?} climbs out of the version location with '..', where retort would \
             never find the new revision; write a name inside it, e.g. \"{{rev}}_{{slug}}\""
        ));
    }
    if parts.last().is_some_and(|name| name.starts_with('.')) {
        return Err(format!(
            "file_template {template:?} makes file names starting with '.', which retort skips as hidden \
             files; start the name with a token or a letter, e.g. \"{{rev}}_{{slug}}\""
        ));
    }
    Ok(())
}

fn tokens(template: &str) -> Result<Vec<&str>, String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let end = after
            .find('}')
            .ok_or_else(|| format!("file_template {template:?} has an unclosed '{{'"))?;
        out.push(&after[..end]);
        rest = &after[end + 1..];
    }
    Ok(out)
}

/// The slug of a message, as Alembic makes it: its words joined by `_`,
/// lowercased, cut at a word boundary to `max_len` (with a trailing `_`).
pub fn slug(message: &str, max_len: usize) -> String {
    let words: Vec<&str> = message
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let slug = words.join("_").to_lowercase();
    if slug.chars().count() <= max_len {
        return slug;
    }
    let cut: String = slug.chars().take(max_len).collect();
    match cut.rfind('_') {
        Some(i) => format!("{}_", &cut[..i]),
        None => format!("{cut}_"),
    }
}

/// The file name (with `.toml`) of a new revision under `template`.
/// Date tokens are zero-padded (`{month}` is `01`..`12`).
pub fn file_name(template: &str, rev: &str, slug: &str, date: &Zoned) -> String {
    let name = template
        .replace("{rev}", rev)
        .replace("{slug}", slug)
        .replace("{epoch}", &date.timestamp().as_second().to_string())
        .replace("{year}", &format!("{:04}", date.year()))
        .replace("{month}", &format!("{:02}", date.month()))
        .replace("{day}", &format!("{:02}", date.day()))
        .replace("{hour}", &format!("{:02}", date.hour()))
        .replace("{minute}", &format!("{:02}", date.minute()))
        .replace("{second}", &format!("{:02}", date.second()));
    // An empty message gives an empty slug: avoid names like `abc_.toml`
    // (a truncated slug keeps its trailing `_`, which marks the cut).
    if slug.is_empty() {
        format!("{}.toml", name.trim_end_matches(['_', '-']))
    } else {
        format!("{name}.toml")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_like_alembic() {
        assert_eq!(slug("Add email to user!", 40), "add_email_to_user");
        assert_eq!(slug("", 40), "");
        assert_eq!(
            slug(
                "this is a very long message that will be truncated here",
                40
            ),
            "this_is_a_very_long_message_that_will_"
        );
    }

    #[test]
    fn file_names_follow_the_template() {
        let date: Zoned = "2026-11-02T07:05:09[UTC]".parse().unwrap();
        assert_eq!(
            file_name("{rev}_{slug}", "abc", "add_x", &date),
            "abc_add_x.toml"
        );
        assert_eq!(file_name("{rev}_{slug}", "abc", "", &date), "abc.toml");
        assert_eq!(
            file_name(
                "{year}_{month}_{day}_{hour}{minute}-{rev}_{slug}",
                "abc",
                "s",
                &date
            ),
            "2026_11_02_0705-abc_s.toml"
        );
        assert!(check_file_template("{year}_{rev}").is_ok());
        assert!(check_file_template("{slug}").unwrap_err().contains("{rev}"));
        assert!(
            check_file_template("{rev}{bad}")
                .unwrap_err()
                .contains("{bad}")
        );
    }

    #[test]
    fn file_templates_stay_inside_the_version_location() {
        assert!(check_file_template("{year}/{rev}_{slug}").is_ok());
        for (template, says) in [
            ("../../{rev}", "'..'"),
            ("{year}/../../{rev}", "'..'"),
            ("..\\{rev}", "'..'"),
            ("/tmp/{rev}", "absolute"),
            ("C:/x/{rev}", "absolute"),
            (".{rev}", "'.'"),
            ("{year}/.{rev}", "'.'"),
        ] {
            let err = check_file_template(template).unwrap_err();
            assert!(err.contains(says), "{template}: {err}");
        }
    }
}
