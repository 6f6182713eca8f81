//! Rewriting the parents of a revision file in place (`retort rebase`):
//! the `down_revision` value and the `# Revises:` line of the comment at
//! the top change; every other byte of the file stays as it was.

use std::path::Path;

use toml::de::DeTable;

use super::file::{RevisionFileError, parse_revision};
use crate::RevisionId;
use crate::location::locate;

/// `text` (the revision file at `path`) with `down_revision` set to
/// `parents` (one id as a string, several as an array; none removes the
/// key, making the revision a base). The result is checked to read back as
/// the same revision with only its parents changed.
pub fn with_down_revisions(
    path: &Path,
    text: &str,
    parents: &[RevisionId],
) -> Result<String, RevisionFileError> {
    let before = parse_revision(path, text)?;
    let invalid = |offset: usize, message: String| RevisionFileError::Invalid {
        location: locate(path, text, offset),
        message,
    };
    let root = DeTable::parse(text).map_err(|e| {
        invalid(
            e.span().map_or(0, |s| s.start),
            format!("not valid TOML: {}", e.message()),
        )
    })?;
    let value = match parents {
        [] => None,
        [one] => Some(quoted(one.as_str())),
        many => Some(format!(
            "[{}]",
            many.iter()
                .map(|p| quoted(p.as_str()))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    };
    let spans = |name: &str| {
        root.get_ref()
            .iter()
            .find(|(key, _)| key.get_ref() == name)
            .map(|(key, value)| (key.span(), value.span()))
    };
    let mut out = match (spans("down_revision"), value) {
        (Some((_, span)), Some(value)) => {
            format!("{}{value}{}", &text[..span.start], &text[span.end..])
        }
        (Some((key, span)), None) => {
            // The whole line, key to the end of the value's line.
            let start = text[..key.start].rfind('\n').map_or(0, |i| i + 1);
            let end = text[span.end..]
                .find('\n')
                .map_or(text.len(), |i| span.end + i + 1);
            format!("{}{}", &text[..start], &text[end..])
        }
        (None, Some(value)) => {
            let Some((_, id)) = spans("revision") else {
                return Err(invalid(0, "no `revision` key".into()));
            };
            let end = text[id.end..]
                .find('\n')
                .map_or(text.len(), |i| id.end + i + 1);
            let newline = if end == text.len() && !text.ends_with('\n') {
                "\n"
            } else {
                ""
            };
            format!(
                "{}{newline}down_revision = {value}\n{}",
                &text[..end],
                &text[end..]
            )
        }
        (None, None) => text.to_owned(),
    };
    out = with_revises_comment(&out, parents);
    let after = parse_revision(path, &out)?;
    let mut expected = before;
    expected.down_revisions = parents.to_vec();
    if after != expected {
        return Err(invalid(
            0,
            "rewriting down_revision would change more than the parents; edit the file by hand"
                .into(),
        ));
    }
    Ok(out)
}

/// `text` with the `# Revises: ...` line of its leading comment naming
/// `parents` (`<base>` for none), when it has one.
fn with_revises_comment(text: &str, parents: &[RevisionId]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_header = true;
    for line in text.split_inclusive('\n') {
        if in_header && !line.starts_with('#') && !line.trim().is_empty() {
            in_header = false;
        }
        if in_header && line.starts_with("# Revises:") {
            let list = if parents.is_empty() {
                "<base>".to_owned()
            } else {
                parents
                    .iter()
                    .map(RevisionId::as_str)
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let end = if line.ends_with('\n') { "\n" } else { "" };
            out.push_str(&format!("# Revises: {list}{end}"));
        } else {
            out.push_str(line);
        }
    }
    out
}

/// `s` as a TOML basic string.
fn quoted(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: &str = "# tags\n#\n# Revision ID: c3\n# Revises: b2\n# Create Date: 2026-12-02\n\nrevision = \"c3\"\ndown_revision = \"b2\"  # the parent\nmessage = \"tags\"\n\n[[upgrade]]\nop = \"execute\"\nsql = \"SELECT 1\"\n";

    fn ids(ids: &[&str]) -> Vec<RevisionId> {
        ids.iter().map(|i| RevisionId::new(*i)).collect()
    }

    #[test]
    fn one_parent_replaces_the_value_and_the_comment() {
        let out = with_down_revisions(Path::new("c3.toml"), FILE, &ids(&["x9"])).unwrap();
        assert_eq!(
            out,
            FILE.replace("down_revision = \"b2\"", "down_revision = \"x9\"")
                .replace("# Revises: b2", "# Revises: x9")
        );
    }

    #[test]
    fn several_parents_are_an_array() {
        let out = with_down_revisions(Path::new("c3.toml"), FILE, &ids(&["a", "b"])).unwrap();
        assert!(
            out.contains("down_revision = [\"a\", \"b\"]  # the parent\n"),
            "{out}"
        );
        assert!(out.contains("# Revises: a, b\n"), "{out}");
    }

    #[test]
    fn a_base_gets_the_key_and_none_removes_it() {
        let base = FILE.replace("down_revision = \"b2\"  # the parent\n", "");
        let out = with_down_revisions(Path::new("c3.toml"), &base, &ids(&["b2"])).unwrap();
        assert!(
            out.contains("revision = \"c3\"\ndown_revision = \"b2\"\nmessage"),
            "{out}"
        );
        let back = with_down_revisions(Path::new("c3.toml"), FILE, &[]).unwrap();
        assert!(!back.contains("down_revision"), "{back}");
        assert!(back.contains("# Revises: <base>"), "{back}");
    }

    #[test]
    fn a_broken_file_is_an_error_naming_it() {
        let err = with_down_revisions(Path::new("bad.toml"), "revision = ", &ids(&["x"]))
            .unwrap_err()
            .to_string();
        assert!(err.contains("bad.toml"), "{err}");
    }
}

/// Replaces the file at `path` with `text` so that a crash, a full disk or
/// a killed process leaves either the old file or the new one, never a
/// truncated one: the text goes to a hidden file beside it (not a revision
/// file: its name does not end in `.toml`), is flushed to the disk, and
/// is renamed over `path`. The file keeps its permissions.
pub fn replace_file(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.{}.retort-tmp", std::process::id()));
    let written = (|| {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(text.as_bytes())?;
        if let Ok(meta) = std::fs::metadata(path) {
            file.set_permissions(meta.permissions())?;
        }
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written
}

#[cfg(test)]
mod replace_tests {
    use super::replace_file;

    #[test]
    fn replaces_the_file_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a1.toml");
        std::fs::write(&path, "old").unwrap();
        replace_file(&path, "new text").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new text");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["a1.toml"]);
    }

    #[test]
    fn a_failed_write_keeps_the_old_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing-folder").join("a1.toml");
        assert!(replace_file(&path, "new").is_err());
        assert!(!path.exists());
    }
}
