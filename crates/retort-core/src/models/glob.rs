//! The configuration's `models` entries: file paths or simple globs
//! (`models/*.sql`, `schema/??_*.sql`), relative to a base folder. `*`
//! matches any run of characters and `?` one character, both within one
//! path segment; there is no `**` and no character class.

use std::path::{Component, Path, PathBuf};

use super::ModelError;

/// The files the `entries` name, relative to `base` (absolute entries stay
/// as they are): each entry's matches sorted, in the entries' order, each
/// file once. An entry that matches no file is an error naming it.
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
    let mut candidates = vec![base.to_owned()];
    for component in Path::new(entry).components() {
        let segment = match component {
            Component::Normal(s) => s.to_string_lossy().into_owned(),
            other => {
                // A root, a prefix, `.` or `..`: joined as written.
                for c in &mut candidates {
                    *c = c.join(other.as_os_str());
                }
                continue;
            }
        };
        if !segment.contains(['*', '?']) {
            for c in &mut candidates {
                c.push(&segment);
            }
            continue;
        }
        let mut next = Vec::new();
        for dir in candidates.iter().filter(|d| d.is_dir()) {
            let listing = std::fs::read_dir(dir).map_err(|source| ModelError::List {
                pattern: entry.to_owned(),
                dir: dir.clone(),
                source,
            })?;
            for item in listing {
                let item = item.map_err(|source| ModelError::List {
                    pattern: entry.to_owned(),
                    dir: dir.clone(),
                    source,
                })?;
                let name = item.file_name().to_string_lossy().into_owned();
                // A hidden file matches only a pattern that says so.
                if name.starts_with('.') && !segment.starts_with('.') {
                    continue;
                }
                if matches(&segment, &name) {
                    next.push(item.path());
                }
            }
        }
        candidates = next;
    }
    Ok(candidates.into_iter().filter(|p| p.is_file()).collect())
}

/// Whether `name` matches `pattern` (`*`: any run, `?`: one character).
pub(crate) fn matches(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Greedy with backtracking to the last `*`: linear for these patterns.
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
            }
            Some('?') => {
                pi += 1;
                ni += 1;
            }
            Some(c) if *c == n[ni] => {
                pi += 1;
                ni += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn star_and_question_mark() {
        assert!(matches("*.sql", "a.sql"));
        assert!(matches("*.sql", ".sql"));
        assert!(!matches("*.sql", "a.sqlx"));
        assert!(matches("??_*.sql", "01_users.sql"));
        assert!(!matches("??_*.sql", "1_users.sql"));
        assert!(matches("a*b*c", "aXXbYYbc"));
        assert!(matches("*", ""));
        assert!(!matches("?", ""));
    }
}
