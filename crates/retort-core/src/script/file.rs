//! Reading one revision file (SPEC section 3) into a [`Revision`].
//!
//! The file is parsed once into a spanned TOML tree, so every error names
//! the file, line and column of the offending key or value.

use std::path::Path;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::column_types;
use super::op_check;
use crate::location::{Location, locate};
use crate::revision::{OPERATION_NAMES, Operations, Revision, RevisionId};

/// The top-level keys a revision file may have.
pub const REVISION_KEYS: &[&str] = &[
    "revision",
    "down_revision",
    "branch_labels",
    "depends_on",
    "message",
    "create_date",
    "upgrade",
    "downgrade",
];

/// A revision file that cannot be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RevisionFileError {
    /// The file could not be read from disk.
    #[error("cannot read revision file {}: {source}", path.display())]
    Read {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML, or a key is missing, mistyped or unknown.
    #[error("{location}: {message}")]
    Invalid {
        /// Where in the file.
        location: Location,
        /// What is wrong and how to fix it.
        message: String,
    },
}

impl RevisionFileError {
    /// The location of the problem, when it is inside the file.
    pub fn location(&self) -> Option<&Location> {
        match self {
            RevisionFileError::Invalid { location, .. } => Some(location),
            RevisionFileError::Read { .. } => None,
        }
    }
}

/// Parses the text of a revision file; `path` is used in messages and kept
/// in [`Revision::path`].
pub fn parse_revision(path: &Path, text: &str) -> Result<Revision, RevisionFileError> {
    let parser = Parser { path, text };
    let root = DeTable::parse(text).map_err(|e| {
        parser.error(
            e.span().map(|s| s.start).unwrap_or(0),
            format!("invalid TOML: {}", e.message().trim()),
        )
    })?;
    let mut rev = parser.revision(root.get_ref())?;
    rev.lint_allow = crate::lint::allow_comments(text);
    Ok(rev)
}

/// Parses only the header of a revision file: the top-level keys before the
/// first `[table]` line, which hold everything the graph needs. The
/// operations are left as [`Operations::None`].
///
/// Read-only graph commands use this: on 10,000 files it halves the parsing.
/// When the cut is not a clean TOML document (for instance inside a
/// multi-line string), the whole file is parsed instead, so a header parse
/// never accepts a revision that a full parse would read differently.
pub fn parse_revision_header(path: &Path, text: &str) -> Result<Revision, RevisionFileError> {
    match header_cut(text).and_then(|cut| parse_header_prefix(path, &text[..cut])) {
        Some(parsed) => parsed,
        None => parse_revision(path, text),
    }
}

/// Where the header of a revision file ends: the start of its first line
/// that begins with `[` (a table header), if any.
pub fn header_cut(text: &str) -> Option<usize> {
    if text.starts_with('[') {
        Some(0)
    } else {
        text.find("\n[").map(|i| i + 1)
    }
}

/// Parses `prefix`, the text before [`header_cut`], as a revision header.
/// `None` when the prefix is not a TOML document by itself (the cut fell
/// inside a multi-line value): the caller must parse the whole file.
pub fn parse_header_prefix(
    path: &Path,
    prefix: &str,
) -> Option<Result<Revision, RevisionFileError>> {
    let root = DeTable::parse(prefix).ok()?;
    let parser = Parser { path, text: prefix };
    Some(parser.revision(root.get_ref()))
}

/// Parsing state: the file, for error locations.
struct Parser<'a> {
    path: &'a Path,
    text: &'a str,
}

impl Parser<'_> {
    fn error(&self, offset: usize, message: String) -> RevisionFileError {
        RevisionFileError::Invalid {
            location: locate(self.path, self.text, offset),
            message,
        }
    }

    fn revision(&self, root: &DeTable<'_>) -> Result<Revision, RevisionFileError> {
        let mut rev = Revision {
            path: self.path.to_owned(),
            ..Revision::default()
        };
        let mut have_id = false;
        for (key, value) in root.iter() {
            let at = value.span().start;
            match key.get_ref().as_ref() {
                "revision" => {
                    let id = self.string(key, value)?;
                    rev.id = RevisionId::parse(&id).map_err(|m| self.error(at, m))?;
                    have_id = true;
                }
                "down_revision" => {
                    rev.down_revisions = self
                        .strings(key, value)?
                        .into_iter()
                        .map(|id| RevisionId::parse(&id).map_err(|m| self.error(at, m)))
                        .collect::<Result<_, _>>()?;
                }
                "branch_labels" => rev.branch_labels = self.strings(key, value)?,
                "depends_on" => rev.depends_on = self.strings(key, value)?,
                "message" => rev.message = self.string(key, value)?,
                "create_date" => {
                    rev.create_date = Some(match value.get_ref() {
                        DeValue::Datetime(d) => d.to_string(),
                        _ => self.string(key, value)?,
                    })
                }
                "upgrade" => rev.upgrade = self.operations("upgrade", value)?,
                "downgrade" => rev.downgrade = self.operations("downgrade", value)?,
                other => {
                    return Err(self.error(
                        key.span().start,
                        format!(
                            "unknown key `{other}`; a revision file has {}",
                            REVISION_KEYS.join(", ")
                        ),
                    ));
                }
            }
        }
        if !have_id {
            return Err(self.error(
                0,
                "missing key `revision`: every revision file declares its id, e.g. revision = \"3f2a9c1b7d4e\"".into(),
            ));
        }
        Ok(rev)
    }

    fn string(
        &self,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        value: &Spanned<DeValue<'_>>,
    ) -> Result<String, RevisionFileError> {
        match value.get_ref() {
            DeValue::String(s) => Ok(s.to_string()),
            other => Err(self.error(
                value.span().start,
                format!(
                    "`{}` must be a string, found {}",
                    key.get_ref(),
                    other.type_str()
                ),
            )),
        }
    }

    /// A string or an array of strings, as Alembic accepts a scalar or a tuple.
    fn strings(
        &self,
        key: &Spanned<std::borrow::Cow<'_, str>>,
        value: &Spanned<DeValue<'_>>,
    ) -> Result<Vec<String>, RevisionFileError> {
        let mistyped = |span: std::ops::Range<usize>, found: &str| {
            self.error(
                span.start,
                format!(
                    "`{}` must be a string or an array of strings, found {found}",
                    key.get_ref()
                ),
            )
        };
        match value.get_ref() {
            DeValue::String(s) => Ok(vec![s.to_string()]),
            DeValue::Array(items) => items
                .iter()
                .map(|item| match item.get_ref() {
                    DeValue::String(s) => Ok(s.to_string()),
                    other => Err(mistyped(item.span(), other.type_str())),
                })
                .collect(),
            other => Err(mistyped(value.span(), other.type_str())),
        }
    }

    /// `[[upgrade]]` (a list of operations) or `[[upgrade.<db>]]` (a list per database).
    fn operations(
        &self,
        direction: &str,
        value: &Spanned<DeValue<'_>>,
    ) -> Result<Operations, RevisionFileError> {
        match value.get_ref() {
            DeValue::Array(items) => Ok(Operations::List(self.op_list(direction, items)?)),
            DeValue::Table(dbs) => {
                let mut per_db = Vec::with_capacity(dbs.len());
                for (name, list) in dbs.iter() {
                    let label = format!("{direction}.{}", name.get_ref());
                    match list.get_ref() {
                        DeValue::Array(items) => {
                            per_db.push((name.get_ref().to_string(), self.op_list(&label, items)?))
                        }
                        other => {
                            return Err(self.error(
                                list.span().start,
                                format!(
                                    "`{label}` must be an array of operation tables ([[{label}]]), found {}",
                                    other.type_str()
                                ),
                            ));
                        }
                    }
                }
                Ok(Operations::PerDatabase(per_db))
            }
            other => Err(self.error(
                value.span().start,
                format!(
                    "`{direction}` must be an array of operation tables ([[{direction}]]) or a table of them per database ([[{direction}.<name>]]), found {}",
                    other.type_str()
                ),
            )),
        }
    }

    fn op_list(
        &self,
        label: &str,
        items: &[Spanned<DeValue<'_>>],
    ) -> Result<Vec<toml::Table>, RevisionFileError> {
        items
            .iter()
            .enumerate()
            .map(|(i, item)| self.operation(label, i + 1, item))
            .collect()
    }

    fn operation(
        &self,
        label: &str,
        position: usize,
        item: &Spanned<DeValue<'_>>,
    ) -> Result<toml::Table, RevisionFileError> {
        let DeValue::Table(table) = item.get_ref() else {
            return Err(self.error(
                item.span().start,
                format!(
                    "{label} operation {position} must be a table, found {}",
                    item.get_ref().type_str()
                ),
            ));
        };
        let op = table.iter().find(|(k, _)| k.get_ref() == "op");
        match op.map(|(_, v)| (v, v.get_ref())) {
            None => {
                return Err(self.error(
                    item.span().start,
                    format!("{label} operation {position} has no `op` key; say which operation it is, e.g. op = \"add_column\""),
                ));
            }
            Some((v, DeValue::String(name))) if !OPERATION_NAMES.contains(&name.as_ref()) => {
                return Err(self.error(
                    v.span().start,
                    format!(
                        "{label} operation {position}: unknown op `{name}`{}; the operations are {}",
                        crate::hint::did_you_mean(name, OPERATION_NAMES.iter().copied()),
                        OPERATION_NAMES.join(", ")
                    ),
                ));
            }
            Some((_, DeValue::String(_))) => {}
            Some((v, other)) => {
                return Err(self.error(
                    v.span().start,
                    format!(
                        "{label} operation {position}: `op` must be a string, found {}",
                        other.type_str()
                    ),
                ));
            }
        }
        column_types::check_operation(table).map_err(|(at, message)| {
            self.error(at, format!("{label} operation {position}: {message}"))
        })?;
        let de = toml::de::ValueDeserializer::from(item.clone());
        let raw: toml::Table =
            serde::Deserialize::deserialize(de).map_err(|e: toml::de::Error| {
                self.error(
                    e.span().map_or(item.span().start, |s| s.start),
                    format!("{label} operation {position}: {}", e.message().trim()),
                )
            })?;
        // Typed now, so that any revision's mistake stops a run before its
        // first statement, with the field's place in the file.
        crate::ops::parse_operation(self.path, &format!("{label} operation {position}"), &raw)
            .map_err(|e| {
                self.error(
                    op_check::locate(table, &e, item.span().start),
                    format!("{}: {}", e.operation, e.problem),
                )
            })?;
        Ok(raw)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        parse_revision(Path::new("v/a.toml"), text)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn reads_the_spec_example() {
        let text = r#"
# add email to user
revision = "3f2a9c1b7d4e"
down_revision = "a1b2c3d4e5f6"
branch_labels = ["users"]
depends_on = ["55af2cb1c267"]
message = "add email to user"
create_date = "2026-11-22 10:00:00"

[[upgrade]]
op = "add_column"
table = "user"
column = { name = "email", type = "varchar(255)", nullable = false, server_default = "''" }

[[downgrade]]
op = "drop_column"
table = "user"
column = "email"
"#;
        let rev = parse_revision(Path::new("v/x.toml"), text).unwrap();
        assert_eq!(rev.id.as_str(), "3f2a9c1b7d4e");
        assert_eq!(rev.down_revisions, vec![RevisionId::new("a1b2c3d4e5f6")]);
        assert_eq!(rev.branch_labels, vec!["users"]);
        assert_eq!(rev.depends_on, vec!["55af2cb1c267"]);
        assert_eq!(rev.upgrade.len(), 1);
        assert_eq!(rev.downgrade.len(), 1);
    }

    #[test]
    fn only_revision_is_required() {
        let rev = parse_revision(Path::new("a.toml"), "revision = \"abc\"").unwrap();
        assert!(rev.is_base() && rev.upgrade.is_empty() && rev.message.is_empty());
    }

    #[test]
    fn errors_name_file_line_and_column() {
        assert!(
            err("revision = \"a\"\nmessage = 3\n")
                .starts_with("v/a.toml:2:11: `message` must be a string, found integer")
        );
        assert!(err("message = \"x\"\n").starts_with("v/a.toml:1:1: missing key `revision`"));
        assert!(
            err("revision = \"a\"\ndown_revison = \"b\"\n")
                .starts_with("v/a.toml:2:1: unknown key `down_revison`")
        );
        assert!(
            err("revision = \"a\"\ndown_revision = [\"b\", 1]\n").starts_with("v/a.toml:2:23:")
        );
        assert!(err("revision = \"a\"\nmessage = \"unterminated\n").starts_with("v/a.toml:2:"));
        assert!(err("revision = \"a b\"\n").contains("contains ' '"));
    }

    #[test]
    fn operations_are_checked_by_name() {
        let e = err(
            "revision = \"a\"\n[[upgrade]]\nop = \"execute\"\nsql = \"x\"\n[[upgrade]]\nop = \"frobnicate\"\n",
        );
        assert!(
            e.starts_with("v/a.toml:6:6: upgrade operation 2: unknown op `frobnicate`"),
            "{e}"
        );
        let e = err("revision = \"a\"\n[[downgrade]]\ntable = \"t\"\n");
        assert!(e.contains("downgrade operation 1 has no `op` key"), "{e}");
        let e = err("revision = \"a\"\nupgrade = 3\n");
        assert!(
            e.starts_with("v/a.toml:2:11: `upgrade` must be an array"),
            "{e}"
        );
    }

    #[test]
    fn header_parse_agrees_with_full_parse() {
        let texts = [
            "revision = \"a\"\ndown_revision = \"b\"\n\n[[upgrade]]\nop = \"nope\"\n",
            "[[upgrade]]\nop = \"execute\"\nsql = \"x\"\n",
            "revision = \"a\"\nmessage = \"\"\"\nline\n[not a table]\n\"\"\"\n[[upgrade]]\nop = \"execute\"\nsql = \"x\"\n",
            "revision = \"a\"\nmessage = 3\n[[upgrade]]\nop = \"execute\"\n",
        ];
        for text in texts {
            let header = parse_revision_header(Path::new("a.toml"), text);
            let full = parse_revision(Path::new("a.toml"), text);
            match (header, full) {
                (Ok(h), Ok(f)) => {
                    assert_eq!(
                        (h.id, h.down_revisions, h.message),
                        (f.id, f.down_revisions, f.message)
                    )
                }
                (Err(h), Err(f)) => assert_eq!(h.to_string(), f.to_string()),
                // The header parse skips operations: only they may differ.
                (Ok(h), Err(f)) => assert!(f.to_string().contains("operation"), "{h:?} vs {f}"),
                (Err(h), Ok(_)) => panic!("header parse failed where the full parse did not: {h}"),
            }
        }
        let rev = parse_revision_header(Path::new("a.toml"), texts[2]).unwrap();
        assert_eq!(rev.message, "line\n[not a table]\n");
    }

    #[test]
    fn per_database_operations() {
        let rev = parse_revision(
            Path::new("a.toml"),
            "revision = \"a\"\n[[upgrade.main]]\nop = \"drop_table\"\ntable = \"t\"\n[[upgrade.audit]]\nop = \"execute\"\nsql = \"SELECT 1\"\n",
        )
        .unwrap();
        let Operations::PerDatabase(dbs) = &rev.upgrade else {
            panic!("expected per-database operations")
        };
        assert_eq!(
            dbs.iter().map(|(n, _)| n.as_str()).collect::<Vec<_>>(),
            ["main", "audit"]
        );
        let e = err("revision = \"a\"\n[[upgrade.main]]\nop = \"nope\"\n");
        assert!(
            e.contains("upgrade.main operation 1: unknown op `nope`"),
            "{e}"
        );
    }
}
