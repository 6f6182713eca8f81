//! The configuration's `models` entries: file paths or globs, relative to a
//! base folder, expanded by the `glob` crate: `*` and `?` within one path
//! segment, `**` for any number of folders, `[abc]` / `[!abc]` for one
//! character of a set. Hidden files and folders (`.name`) match only a
//! pattern that names the dot.

use std::path::{Path, PathBuf};

use super::ModelError;

/// The files the `entries` name, relative to `base` (absolute entries stay
/// as they are): each entry's matches sorted, in the entries' order, each
/// file once. An entry that matches no file is an error naming it; an entry
/// that names an existing file is that file, even when its name has glob
/// characters.
pub fn expand_models(base: &Path, entries: &[String]) -> Result<Vec<PathBuf>, ModelError> {
    let mut out: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let mut found = expand_one(base, entry)?;
        if found.is_empty() {
            return Err(ModelError::NoMatch {
                pattern: entry.clone(),
                base: base.to_owned(),
            });
        }
        found.sort();
        for path in found {
            if !out.contains(&path) {
                out.push(path);
            }
        }
    }
    Ok(out)
}

fn expand_one(base: &Path, entry: &str) -> Result<Vec<PathBuf>, ModelError> {
    let literal = base.join(entry);
    if literal.is_file() {
        return Ok(vec![literal]);
    }
    // The base folder is a path, not a pattern: its own `*`, `?` or `[`
    // are escaped.
    let pattern = if Path::new(entry).is_absolute() {
        entry.to_owned()
    } else {
        let base = base.to_string_lossy();
        format!(
            "{}{}{entry}",
            glob::Pattern::escape(&base),
            std::path::MAIN_SEPARATOR
        )
    };
    // `require_literal_leading_dot` would be the glob crate's own way to
    // skip hidden files, but (0.3.4) it then skips every hidden entry, even
    // for `.name*`, and panics on a file name that is not UTF-8: hidden
    // entries are filtered below instead.
    let options = glob::MatchOptions {
        case_sensitive: true,
        require_literal_separator: true,
        require_literal_leading_dot: false,
    };
    let paths = glob::glob_with(&pattern, options).map_err(|e| ModelError::BadPattern {
        pattern: entry.to_owned(),
        message: e.msg.to_owned(),
    })?;
    let components: Vec<&str> = entry.split(['/', std::path::MAIN_SEPARATOR]).collect();
    let dotted_glob = components
        .iter()
        .any(|c| c.starts_with('.') && c.contains(['*', '?', '[']));
    let mut found = Vec::new();
    for path in paths {
        let path = path.map_err(|e| ModelError::List {
            pattern: entry.to_owned(),
            dir: e.path().to_owned(),
            source: e.into(),
        })?;
        // The glob crate drops a leading `./`; the paths keep the base as
        // given.
        let path = base.join(path.strip_prefix(base).unwrap_or(&path));
        let relative = path.strip_prefix(base).unwrap_or(&path);
        // A hidden file or folder matches only a pattern that names it or
        // starts a glob with a dot.
        let hidden = relative.components().any(|c| {
            let c = c.as_os_str().to_string_lossy();
            c.starts_with('.')
                && c != "."
                && c != ".."
                && !dotted_glob
                && !components.contains(&&*c)
        });
        if !hidden && path.is_file() {
            found.push(path);
        }
    }
    Ok(found)
}
