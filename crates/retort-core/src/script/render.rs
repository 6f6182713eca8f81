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
/// `create_date`, `upgrades` and `downgrades` (TOML text as
/// [`render_operations`] lays it out, without a final newline; empty when
/// there are no operations), `databases` and `x`; and the filters `toml` (a value
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
        upgrades => render_operations("upgrade", &new.upgrade).trim_end_matches('\n'),
        downgrades => render_operations("downgrade", &new.downgrade).trim_end_matches('\n'),
        databases => new.databases.clone(),
        x => new.x_args.clone(),
    };
    let mut text = env.get_template("script.toml.j2")?.render(ctx)?;
    // Exactly one newline at the end: nothing a TOML value can hold is cut,
    // since a file cannot end inside one.
    text.truncate(text.trim_end().len());
    text.push('\n');
    Ok(text)
}

fn toml_filter(value: Value) -> Result<String, minijinja::Error> {
    let v: toml::Value = to_toml(&value)?;
    // Templates write `key = {{ value | toml }}` at the start of a line:
    // laid out as operations' values are, after a key as long as
    // `down_revision = ` (a merge of many heads gets one id a line).
    const KEY_COLUMN: usize = "down_revision = ".len();
    let mut out = " ".repeat(KEY_COLUMN);
    write_value(&mut out, &v, 0, 0);
    Ok(out.split_off(KEY_COLUMN))
}

fn comment_filter(text: String) -> String {
    let mut lines = text.lines();
    let mut out = lines.next().unwrap_or_default().to_owned();
    for line in lines {
        // An empty line is a bare `#`: no trailing space in the file.
        out.push_str(if line.is_empty() { "\n#" } else { "\n# " });
        out.push_str(line);
    }
    out
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

/// The width the layout keeps to: an inline table (a column, a nested
/// operation) that does not fit has its arrays written one item per line.
/// An inline table that has no array to break stays on one line however
/// long it is: TOML 1.0 allows no line break inside one, and revision files
/// must stay readable by TOML 1.0 tools (`taplo fmt` as a post-write hook).
pub const LINE_WIDTH: usize = 120;

/// The width up to which an array of plain values (`columns = ["a", "b"]`,
/// `down_revision = [...]`, an enum's values) stays on one line.
pub const LIST_WIDTH: usize = 100;

/// Writes operations back as TOML: `[[direction]]` (or
/// `[[direction.<db>]]`) tables, one blank line between them, whose values
/// are written inline, so that parsing the text gives the same operations
/// again.
///
/// Laid out for reading and review as the hand-written examples are: an
/// array of inline tables (columns, constraints, indexes, rows, the nested
/// `ops` of a `batch_alter_table`) has one table per line, 4 spaces in, with
/// a trailing comma; an array of plain values stays on one line while it
/// fits [`LIST_WIDTH`], one value per line otherwise; an inline table longer
/// than [`LINE_WIDTH`] has its arrays broken the same way. Strings with line
/// breaks (SQL, view definitions) are multi-line strings. The text ends with
/// one newline.
pub fn render_operations(direction: &str, ops: &Operations) -> String {
    let mut out = String::new();
    let mut list = |header: &str, tables: &[toml::Table]| {
        for table in tables {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(&format!("[[{header}]]\n"));
            for (key, value) in table {
                out.push_str(&toml_key(key));
                out.push_str(" = ");
                write_value(&mut out, value, 0, 0);
                out.push('\n');
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

/// Writes `value` where `out` ends, on a line indented by `indent`; `tail`
/// characters will follow it on its last line (a `,`, a ` }`).
fn write_value(out: &mut String, value: &toml::Value, indent: usize, tail: usize) {
    match value {
        toml::Value::Array(items) if items.iter().any(|i| i.is_table() || holds_tables(i)) => {
            write_array_lines(out, items, indent);
        }
        toml::Value::Array(items) => {
            let one = value.to_string();
            if items.len() < 2 || fits(out, &one, tail, LIST_WIDTH) {
                out.push_str(&one);
            } else {
                write_array_lines(out, items, indent);
            }
        }
        toml::Value::Table(table) => write_inline_table(out, table, indent, tail),
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// An array with one item per line, 4 spaces further in than `indent`, each
/// followed by a comma; the `]` back at `indent`.
fn write_array_lines(out: &mut String, items: &[toml::Value], indent: usize) {
    out.push_str("[\n");
    for item in items {
        push_indent(out, indent + 4);
        write_value(out, item, indent + 4, 1);
        out.push_str(",\n");
    }
    push_indent(out, indent);
    out.push(']');
}

/// An inline table: on one line when it fits [`LINE_WIDTH`] and holds no
/// array of tables; otherwise with its arrays laid out by [`write_value`]
/// (the keys stay on the lines of the braces), when that makes it fit or
/// it holds an array of tables. Anything else stays on one line.
fn write_inline_table(out: &mut String, table: &toml::Table, indent: usize, tail: usize) {
    let one = toml::Value::Table(table.clone()).to_string();
    let holds_tables = table.values().any(holds_tables);
    if !holds_tables && fits(out, &one, tail, LINE_WIDTH) {
        out.push_str(&one);
        return;
    }
    let start = out.len();
    let line_start = out.rfind('\n').map_or(0, |i| i + 1);
    out.push_str("{ ");
    for (i, (key, value)) in table.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&toml_key(key));
        out.push_str(" = ");
        let last = i + 1 == table.len();
        write_value(out, value, indent, if last { 2 + tail } else { 1 });
    }
    out.push_str(" }");
    if !holds_tables && !lines_fit(0, &out[line_start..], tail, LINE_WIDTH) {
        // Breaking its arrays does not make it fit: one long line reads
        // better than a broken one that is still too long.
        out.truncate(start);
        out.push_str(&one);
    }
}

/// True when `value` holds an array of tables, at any depth: one that
/// [`write_value`] writes one table a line.
fn holds_tables(value: &toml::Value) -> bool {
    match value {
        toml::Value::Array(items) => items.iter().any(|i| i.is_table() || holds_tables(i)),
        toml::Value::Table(table) => table.values().any(holds_tables),
        _ => false,
    }
}

/// True when `text` written where `out` ends, followed by `tail`
/// characters, keeps every line within `width`.
fn fits(out: &str, text: &str, tail: usize, width: usize) -> bool {
    lines_fit(column(out), text, tail, width)
}

/// True when `text`, starting at `column` and followed by `tail`
/// characters, keeps every line within `width`.
fn lines_fit(column: usize, text: &str, tail: usize, width: usize) -> bool {
    let mut lines = text.split('\n').peekable();
    let mut start = column;
    while let Some(line) = lines.next() {
        let end = if lines.peek().is_none() { tail } else { 0 };
        if start + line.chars().count() + end > width {
            return false;
        }
        start = 0;
    }
    true
}

/// The column where `out` ends.
fn column(out: &str) -> usize {
    out[out.rfind('\n').map_or(0, |i| i + 1)..].chars().count()
}

fn push_indent(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

/// A key as TOML writes it: bare when it can be, a basic string otherwise.
fn toml_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        return key.to_owned();
    }
    let mut quoted = String::with_capacity(key.len() + 2);
    quoted.push('"');
    for c in key.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\t' => quoted.push_str("\\t"),
            '\r' => quoted.push_str("\\r"),
            c if c.is_control() => quoted.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
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

    /// Operations as autogenerate and hand-written files have them: every
    /// kind of array, nested batch operations, multi-line and very long
    /// strings. Written here on long lines; the renderer must lay them out.
    const RICH: &str = r#"
[[upgrade]]
op = "create_table"
table = "account"
schema = "billing"
columns = [{ name = "id", type = "bigint", primary_key = true, autoincrement = true }, { name = "owner_id", type = "integer", nullable = false }, { name = "name", type = "varchar(128)", nullable = false, server_default = "''", comment = "shown on invoices" }, { name = "email", type = "varchar(255)", nullable = false, unique = true }, { name = "status", type = "enum(account_status, 'active', 'suspended', 'closed')", nullable = false, server_default = "'active'" }, { name = "balance", type = "numeric(12, 2)", nullable = false, server_default = "0" }, { name = "created_at", type = "timestamp", nullable = false, server_default = "CURRENT_TIMESTAMP" }, { name = "notes", type = "text" }]
primary_key = { name = "pk_account", columns = ["id"] }
foreign_keys = [{ name = "fk_account_owner", columns = ["owner_id"], referent_table = "user", referent_columns = ["id"], on_delete = "CASCADE", on_update = "CASCADE" }, { name = "fk_account_parent", columns = ["owner_id", "name"], referent_table = "parent_account", referent_columns = ["owner_id", "name"] }]
unique = [{ name = "uq_account_owner_name", columns = ["owner_id", "name"] }]
checks = [{ name = "ck_account_balance", condition = "balance >= 0" }, { name = "ck_account_status_and_balance_are_consistent_with_each_other", condition = "status <> 'closed' OR balance = 0 OR (notes IS NOT NULL AND length(notes) > 0 AND created_at < CURRENT_TIMESTAMP)" }]
indexes = [{ name = "ix_account_created_at", columns = ["created_at"] }, { name = "ix_account_status", columns = ["status", "created_at"], where = "status = 'active'" }]
comment = "one per customer"

[[upgrade]]
op = "create_index"
table = "account"
schema = "billing"
name = "ix_account_many_columns_for_reporting"
columns = ["owner_id", "name", "email", "status", "balance", "created_at", "notes", "id"]

[[upgrade]]
op = "add_column"
table = "account"
column = { name = "referral_code", type = "varchar(32)", nullable = true, unique = true }

[[upgrade]]
op = "batch_alter_table"
table = "item"
recreate = "auto"
ops = [{ op = "add_column", column = { name = "qty", type = "integer", nullable = false, server_default = "0" } }, { op = "alter_column", column = "name", type = "varchar(80)", nullable = false, server_default = "'x'", existing_type = "varchar(50)", existing_nullable = true, existing_server_default = false, existing_comment = false }, { op = "create_index", name = "ix_item_qty", columns = ["qty"] }, { op = "create_index", name = "ix_item_everything", columns = ["qty", "name", "price", "created_at", "updated_at", "owner_id", "category_id"] }, { op = "create_foreign_key", name = "fk_item_account", columns = ["account_id"], referent_table = "account", referent_columns = ["id"] }, { op = "drop_constraint", name = "ck_item_old", kind = "check" }]

[[upgrade]]
op = "execute"
sql = """
UPDATE account
   SET status = 'active'
 WHERE status IS NULL;

DELETE FROM item WHERE qty < 0"""

[[upgrade]]
op = "create_enum"
name = "account_status"
values = ["active", "suspended", "closed", "pending_verification", "pending_deletion", "archived", "locked"]

[[upgrade]]
op = "add_enum_value"
name = "account_status"
value = "frozen"
after = "locked"

[[upgrade]]
op = "create_view"
name = "active_accounts_with_their_owners"
definition = "CREATE VIEW active_accounts_with_their_owners AS SELECT a.id, a.name, a.email, a.balance, u.name AS owner_name FROM billing.account AS a JOIN user AS u ON u.id = a.owner_id WHERE a.status = 'active'"

[[upgrade]]
op = "create_view"
name = "closed_accounts"
definition = """
CREATE VIEW closed_accounts AS
    SELECT id, name
      FROM billing.account
     WHERE status = 'closed'"""

[[upgrade]]
op = "bulk_insert"
table = "account_status_label"
rows = [{ status = "active", label = "Active" }, { status = "suspended", label = "Suspended", "sort order" = 2 }]

[[downgrade]]
op = "drop_view"
name = "closed_accounts"

[[downgrade]]
op = "batch_alter_table"
table = "item"
ops = [{ op = "drop_column", column = { name = "qty", type = "integer" } }]

[[downgrade]]
op = "drop_enum"
name = "account_status"
values = ["active", "suspended"]
"#;

    /// (b) and (c): no line over [`LINE_WIDTH`] but those nothing could
    /// shorten, no two blank lines in a row, one newline at the end.
    fn assert_reads_well(text: &str) {
        for (n, line) in text.lines().enumerate() {
            if line.chars().count() > LINE_WIDTH {
                assert!(
                    long_line_is_unavoidable(line),
                    "line {} is {} characters long:\n{line}\n\n{text}",
                    n + 1,
                    line.chars().count()
                );
            }
        }
        assert!(
            !text.contains("\n\n\n"),
            "two blank lines in a row:\n{text}"
        );
        assert!(
            !text.lines().any(|l| l.ends_with(' ')),
            "a line ends with a space:\n{text}"
        );
        assert!(
            text.ends_with('\n') && !text.ends_with("\n\n"),
            "the file must end with one newline:\n{text}"
        );
    }

    /// A long line is unavoidable when it holds a single string that is
    /// itself the length (a long SQL text or CHECK condition), or a single
    /// inline table (a column, a constraint, a nested operation) holding no
    /// array of tables: TOML 1.0 allows no line break inside an inline
    /// table but within its arrays, and a short list of names broken over
    /// lines only to shorten the line reads worse than the line.
    fn long_line_is_unavoidable(line: &str) -> bool {
        let item = line.trim_start();
        let item = item.strip_suffix(',').unwrap_or(item);
        let doc = if item.starts_with('{') || item.starts_with('"') {
            format!("item = {item}")
        } else {
            item.to_owned()
        };
        let Ok(table) = doc.parse::<toml::Table>() else {
            return false;
        };
        let Some((key, value)) = table.iter().next().filter(|_| table.len() == 1) else {
            return false;
        };
        match value {
            toml::Value::String(s) => {
                let rest = line.chars().count() - s.chars().count();
                rest <= key.len() + 12
            }
            toml::Value::Table(t) => !t.values().any(holds_tables),
            _ => false,
        }
    }

    fn rich_revision(upgrade: Operations, downgrade: Operations) -> NewRevision {
        NewRevision {
            id: RevisionId::new("3f2a9c1b7d4e"),
            message: "billing accounts".into(),
            down_revisions: vec!["a1".into(), "b2".into()],
            create_date: "2026-11-22 10:00:00".into(),
            databases: vec!["main".into(), "audit".into()],
            upgrade,
            downgrade,
            ..NewRevision::default()
        }
    }

    #[test]
    fn rich_operations_render_one_item_a_line_and_parse_back() {
        let rev =
            parse_revision(Path::new("a.toml"), &format!("revision = \"a\"\n{RICH}")).unwrap();
        let template = TEMPLATES.iter().find(|t| t.name == "generic").unwrap();
        let text = render_revision(
            template.script,
            &rich_revision(rev.upgrade.clone(), rev.downgrade.clone()),
        )
        .unwrap();
        // (a) the same operations.
        let again = parse_revision(Path::new("new.toml"), &text).unwrap();
        assert_eq!(again.upgrade, rev.upgrade);
        assert_eq!(again.downgrade, rev.downgrade);
        assert_reads_well(&text);
        // One column, constraint, index and nested operation a line.
        for expected in [
            "\ncolumns = [\n    { name = \"id\", type = \"bigint\", primary_key = true, autoincrement = true },\n",
            "\n    { name = \"notes\", type = \"text\" },\n]\nprimary_key = { name = \"pk_account\", columns = [\"id\"] }\n",
            "\nindexes = [\n    { name = \"ix_account_created_at\", columns = [\"created_at\"] },\n",
            "\nops = [\n    { op = \"add_column\", column = { name = \"qty\", type = \"integer\", nullable = false, server_default = \"0\" } },\n",
            "\n    { op = \"drop_constraint\", name = \"ck_item_old\", kind = \"check\" },\n]\n",
            "\nops = [\n    { op = \"drop_column\", column = { name = \"qty\", type = \"integer\" } },\n]\n",
            // Short lists of plain values stay on one line, long ones do not.
            "\nvalues = [\"active\", \"suspended\"]\n",
            "\nvalues = [\n    \"active\",\n",
            "\ndown_revision = [\"a1\", \"b2\"]\n",
            // A nested operation too long for its line has its list broken.
            "\n    { op = \"create_index\", name = \"ix_item_everything\", columns = [\n        \"qty\",\n",
            // Multi-line SQL stays readable.
            "\nsql = \"\"\"\nUPDATE account\n   SET status = 'active'\n",
            // One blank line between operations and before the downgrades.
            "\nafter = \"locked\"\n\n[[upgrade]]\n",
            "\nrows = [\n    { status = \"active\", label = \"Active\" },\n    { status = \"suspended\", label = \"Suspended\", \"sort order\" = 2 },\n]\n\n[[downgrade]]\n",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
    }

    #[test]
    fn rich_operations_per_database_render_one_item_a_line_and_parse_back() {
        let rev =
            parse_revision(Path::new("a.toml"), &format!("revision = \"a\"\n{RICH}")).unwrap();
        let (Operations::List(up), Operations::List(down)) = (rev.upgrade, rev.downgrade) else {
            panic!("a list");
        };
        let (first, second) = up.split_at(4);
        let upgrade = Operations::PerDatabase(vec![
            ("main".into(), first.to_vec()),
            ("audit log".into(), second.to_vec()),
        ]);
        let downgrade = Operations::PerDatabase(vec![("main".into(), down)]);
        let template = TEMPLATES.iter().find(|t| t.name == "multidb").unwrap();
        let text = render_revision(
            template.script,
            &rich_revision(upgrade.clone(), downgrade.clone()),
        )
        .unwrap();
        let again = parse_revision(Path::new("new.toml"), &text).unwrap();
        assert_eq!(again.upgrade, upgrade);
        assert_eq!(again.downgrade, downgrade);
        assert_reads_well(&text);
        for expected in [
            "\n\n[[upgrade.main]]\nop = \"create_table\"\n",
            "\n]\n\n[[upgrade.\"audit log\"]]\nop = \"execute\"\n",
            "\n]\n\n[[downgrade.main]]\nop = \"drop_view\"\n",
            "\n\n[[downgrade.main]]\nop = \"batch_alter_table\"\ntable = \"item\"\nops = [\n",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
    }

    #[test]
    fn arrays_of_tables_inside_an_item_are_one_table_a_line_too() {
        // No operation nests like this today; the layout must still hold.
        let text = r#"
[[upgrade]]
op = "future"
ops = [{ op = "create_table_like", table = "t", columns = [{ name = "id", type = "integer", primary_key = true }, { name = "x", type = "text" }], comment = "after" }, { op = "inner", ops = [{ op = "deeper", columns = [{ name = "a" }] }] }]
column = { name = "c", checks = [{ condition = "c > 0" }, { condition = "c < 10" }] }
deep = { outer = { inner = [{ a = 1 }] } }
lists_of_tables = [[{ a = 1 }], []]
empty = []
empty_table = {}
nested_lists = [[1, 2], ["a", "b"]]
"#;
        let table: toml::Table = text.parse().unwrap();
        let ops = match &table["upgrade"] {
            toml::Value::Array(a) => a.iter().map(|v| v.as_table().unwrap().clone()).collect(),
            _ => unreachable!(),
        };
        let ops = Operations::List(ops);
        let written = render_operations("upgrade", &ops);
        assert_eq!(written.parse::<toml::Table>().unwrap(), table, "{written}");
        assert_reads_well(&written);
        assert_eq!(
            written,
            r#"[[upgrade]]
op = "future"
ops = [
    { op = "create_table_like", table = "t", columns = [
        { name = "id", type = "integer", primary_key = true },
        { name = "x", type = "text" },
    ], comment = "after" },
    { op = "inner", ops = [
        { op = "deeper", columns = [
            { name = "a" },
        ] },
    ] },
]
column = { name = "c", checks = [
    { condition = "c > 0" },
    { condition = "c < 10" },
] }
deep = { outer = { inner = [
    { a = 1 },
] } }
lists_of_tables = [
    [
        { a = 1 },
    ],
    [],
]
empty = []
empty_table = {}
nested_lists = [[1, 2], ["a", "b"]]
"#
        );
    }

    #[test]
    fn a_merge_of_many_heads_lists_one_parent_a_line() {
        let template = TEMPLATES.iter().find(|t| t.name == "generic").unwrap();
        let mut new = rich_revision(Operations::None, Operations::None);
        let text = render_revision(template.script, &new).unwrap();
        assert!(
            text.contains("\ndown_revision = [\"a1\", \"b2\"]\n"),
            "{text}"
        );
        new.down_revisions = (1..=6)
            .map(|i| format!("{i:012}").as_str().into())
            .collect();
        let text = render_revision(template.script, &new).unwrap();
        assert!(
            text.contains("\ndown_revision = [\n    \"000000000001\",\n    \"000000000002\",\n"),
            "{text}"
        );
        assert_reads_well(&text);
        let rev = parse_revision(Path::new("new.toml"), &text).unwrap();
        assert_eq!(rev.down_revisions, new.down_revisions);
    }

    #[test]
    fn keys_that_need_quotes_are_quoted() {
        let mut op = toml::Table::new();
        op.insert("op".into(), "bulk_insert".into());
        let mut row = toml::Table::new();
        row.insert("line\nbreak \"q\" \\".into(), 1.into());
        row.insert("tab\there".into(), 2.into());
        op.insert(
            "rows".into(),
            toml::Value::Array(vec![row.clone().into(), row.into()]),
        );
        let written = render_operations("upgrade", &Operations::List(vec![op.clone()]));
        let parsed: toml::Table = written.parse().unwrap();
        assert_eq!(parsed["upgrade"][0], toml::Value::Table(op), "{written}");
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
            assert_reads_well(&text);
            let base = NewRevision {
                down_revisions: Vec::new(),
                message: "initial".into(),
                ..new
            };
            assert_reads_well(&render_revision(t.script, &base).unwrap());
        }
    }
}
