//! Writing revision files: the project's `script.toml.j2` template rendered
//! with the new revision's facts, and operations written back as TOML.

use std::collections::BTreeMap;

use minijinja::{Environment, Value};

use crate::revision::{Operations, RevisionId};

/// Everything a new revision file says, before it is rendered.
#[derive(Clone, Debug, Default)]
pub struct NewRevision {
    /// The new id.
    pub id: RevisionId,
    /// The message (Alembic writes "empty message" when none is given).
    pub message: String,
    /// Parents: none for a new base, several for a merge.
    pub down_revisions: Vec<RevisionId>,
    /// Labels for the new revision.
    pub branch_labels: Vec<String>,
    /// Dependencies, resolved to ids (labels are kept as labels).
    pub depends_on: Vec<String>,
    /// The creation date as it will be written.
    pub create_date: String,
    /// Upgrade operations (empty for a hand-written revision).
    pub upgrade: Operations,
    /// Downgrade operations.
    pub downgrade: Operations,
    /// The databases of a multi-database project (for the template).
    pub databases: Vec<String>,
    /// `-x KEY=VALUE` arguments, available to the template as `x`.
    pub x_args: BTreeMap<String, String>,
}

/// Renders `template` (the text of a `script.toml.j2`) for `new`.
///
/// The template sees `up_revision`, `down_revision` (none, a string, or a
/// list for a merge), `branch_labels`, `depends_on`, `message`,
/// `create_date`, `upgrades` and `downgrades` (TOML text, empty when there
/// are no operations), `databases` and `x`; and the filters `toml` (a value
/// as TOML), `comma` (a list joined with ", ", as Alembic's) and `comment`
/// (text whose every further line starts with `# `, for comment headers).
pub fn render_revision(template: &str, new: &NewRevision) -> Result<String, minijinja::Error> {
    let mut env = Environment::new();
    env.add_filter("toml", toml_filter);
    env.add_filter("comma", comma_filter);
    env.add_filter("comment", comment_filter);
    env.add_template("script.toml.j2", template)?;
    let ids = |ids: &[String]| -> Value {
        match ids {
            [] => Value::from(()),
            [one] => Value::from(one.clone()),
            many => Value::from(many.to_vec()),
        }
    };
    let down: Vec<String> = new.down_revisions.iter().map(|d| d.to_string()).collect();
    let ctx = minijinja::context! {
        up_revision => new.id.as_str(),
        down_revision => ids(&down),
        branch_labels => new.branch_labels.clone(),
        depends_on => ids(&new.depends_on),
        message => new.message.as_str(),
        create_date => new.create_date.as_str(),
        upgrades => render_operations("upgrade", &new.upgrade),
        downgrades => render_operations("downgrade", &new.downgrade),
        databases => new.databases.clone(),
        x => new.x_args.clone(),
    };
    let mut text = env.get_template("script.toml.j2")?.render(ctx)?;
    if !text.ends_with('\n') {
        text.push('\n');
    }
    Ok(text)
}

fn toml_filter(value: Value) -> Result<String, minijinja::Error> {
    let v: toml::Value = to_toml(&value)?;
    Ok(v.to_string())
}

fn comment_filter(text: String) -> String {
    text.lines().collect::<Vec<_>>().join("\n# ")
}

fn comma_filter(value: Value) -> String {
    if value.is_none() || value.is_undefined() {
        return String::new();
    }
    if let Some(s) = value.as_str() {
        return s.to_owned();
    }
    match value.try_iter() {
        Ok(items) => items.map(|v| v.to_string()).collect::<Vec<_>>().join(", "),
        Err(_) => value.to_string(),
    }
}

/// Converts a template value (strings, numbers, booleans, lists, maps) to TOML.
fn to_toml(value: &Value) -> Result<toml::Value, minijinja::Error> {
    use minijinja::value::ValueKind;
    let unsupported = || {
        minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("cannot write {value} as TOML"),
        )
    };
    Ok(match value.kind() {
        ValueKind::String => toml::Value::String(value.as_str().unwrap_or_default().to_owned()),
        ValueKind::Bool => toml::Value::Boolean(value.is_true()),
        ValueKind::Number => match i64::try_from(value.clone()) {
            Ok(i) => toml::Value::Integer(i),
            Err(_) => toml::Value::Float(f64::try_from(value.clone()).map_err(|_| unsupported())?),
        },
        ValueKind::Seq | ValueKind::Iterable => toml::Value::Array(
            value
                .try_iter()?
                .map(|v| to_toml(&v))
                .collect::<Result<_, _>>()?,
        ),
        ValueKind::Map => {
            let mut table = toml::Table::new();
            for key in value.try_iter()? {
                let item = value.get_item(&key)?;
                table.insert(key.to_string(), to_toml(&item)?);
            }
            toml::Value::Table(table)
        }
        _ => return Err(unsupported()),
    })
}

/// Writes operations back as TOML: `[[direction]]` (or
/// `[[direction.<db>]]`) tables whose values are written inline, so that
/// parsing the text gives the same operations again.
pub fn render_operations(direction: &str, ops: &Operations) -> String {
    let mut out = String::new();
    let mut list = |header: &str, tables: &[toml::Table]| {
        for table in tables {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&format!("[[{header}]]\n"));
            for (key, value) in table {
                out.push_str(&format!("{} = {value}\n", toml_key(key)));
            }
        }
    };
    match ops {
        Operations::None => {}
        Operations::List(tables) => list(direction, tables),
        Operations::PerDatabase(dbs) => {
            for (db, tables) in dbs {
                list(&format!("{direction}.{}", toml_key(db)), tables);
            }
        }
    }
    out
}

/// A key as TOML writes it: bare when it can be, quoted otherwise.
fn toml_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        key.to_owned()
    } else {
        toml::Value::String(key.to_owned()).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::file::parse_revision;
    use crate::script::templates::TEMPLATES;
    use std::path::Path;

    #[test]
    fn operations_round_trip() {
        let text = r#"revision = "a"

[[upgrade]]
op = "create_table"
table = "user"
columns = [{ name = "id", type = "integer", primary_key = true }, { name = "note", type = "text", comment = "line one\nline \"two\"" }]

[[upgrade]]
op = "bulk_insert"
table = "odd table"
rows = [{ id = 1, "weird key" = 2.5 }]

[[downgrade.main]]
op = "drop_table"
table = "user"
"#;
        let rev = parse_revision(Path::new("a.toml"), text).unwrap();
        let written = format!(
            "revision = \"a\"\n\n{}\n{}",
            render_operations("upgrade", &rev.upgrade),
            render_operations("downgrade", &rev.downgrade)
        );
        let again = parse_revision(Path::new("a.toml"), &written).unwrap();
        assert_eq!(again.upgrade, rev.upgrade);
        assert_eq!(again.downgrade, rev.downgrade);
    }

    #[test]
    fn every_template_renders_a_file_that_parses_back() {
        for t in TEMPLATES {
            let new = NewRevision {
                id: RevisionId::new("3f2a9c1b7d4e"),
                message: "add \"email\" to user\nsecond line\n\n# third".into(),
                down_revisions: vec!["a1".into(), "b2".into()],
                branch_labels: vec!["users".into()],
                depends_on: vec!["55af2cb1c267".into()],
                create_date: "2026-11-22 10:00:00".into(),
                databases: vec!["main".into(), "audit".into()],
                ..NewRevision::default()
            };
            let text = render_revision(t.script, &new).unwrap();
            let rev = parse_revision(Path::new("new.toml"), &text)
                .unwrap_or_else(|e| panic!("template {}: {e}\n{text}", t.name));
            assert_eq!(rev.id, new.id);
            assert_eq!(rev.down_revisions, new.down_revisions);
            assert_eq!(rev.branch_labels, new.branch_labels);
            assert_eq!(rev.depends_on, new.depends_on);
            assert_eq!(rev.message, new.message);
            assert!(rev.upgrade.is_empty());
        }
    }
}
