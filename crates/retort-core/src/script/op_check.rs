//! Operations typed where a revision file is read: each operation table is
//! read by the operation reader ([`crate::ops::parse_operation`]) as the
//! file loads, so a misspelt or missing field in any revision stops a run
//! before its first statement, and the error points at the field's line
//! and column in the file.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use crate::ops::{OperationError, OperationProblem};

/// Where in the spanned operation table `op` the problem of `error` lies:
/// the byte offset of the field (or of the deepest table that should hold
/// it), or `fallback`.
pub(super) fn locate(op: &DeTable<'_>, error: &OperationError, fallback: usize) -> usize {
    let mut table = op;
    let mut at = fallback;
    // `…, nested operation 2 (drop_column)`: the field is in `ops[1]`.
    if let Some(n) = nested_position(&error.operation)
        && let Some((key, DeValue::Array(items))) = entry(op, "ops").map(|(k, v)| (k, v.get_ref()))
        && let Some(item) = items.get(n.saturating_sub(1))
        && let DeValue::Table(inner) = item.get_ref()
    {
        table = inner;
        at = key.span().start.max(item.span().start);
    }
    let field = match error.problem.as_ref() {
        OperationProblem::Missing { field, .. }
        | OperationProblem::WrongType { field, .. }
        | OperationProblem::Unknown { field, .. }
        | OperationProblem::Invalid { field, .. } => field.as_str(),
    };
    for segment in field.split('.').filter(|s| !s.is_empty()) {
        let (name, index) = split_index(segment);
        let Some((key, value)) = entry(table, name) else {
            break;
        };
        at = key.span().start;
        let value = match (value.get_ref(), index) {
            (DeValue::Array(items), Some(i)) => match items.get(i) {
                Some(item) => {
                    at = item.span().start;
                    item
                }
                None => break,
            },
            _ => value,
        };
        match value.get_ref() {
            DeValue::Table(inner) => table = inner,
            _ => break,
        }
    }
    at
}

fn entry<'a, 'i>(
    table: &'a DeTable<'i>,
    key: &str,
) -> Option<(
    &'a Spanned<std::borrow::Cow<'i, str>>,
    &'a Spanned<DeValue<'i>>,
)> {
    table.iter().find(|(k, _)| k.get_ref() == key)
}

/// `columns[2]` → (`columns`, Some(2)).
fn split_index(segment: &str) -> (&str, Option<usize>) {
    match segment.split_once('[') {
        Some((name, rest)) => (name, rest.trim_end_matches(']').parse().ok()),
        None => (segment, None),
    }
}

/// The N of the last `nested operation N` in an operation's label.
fn nested_position(label: &str) -> Option<usize> {
    let (_, rest) = label.rsplit_once("nested operation ")?;
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::script::parse_revision;

    fn err(text: &str) -> String {
        parse_revision(Path::new("v/a.toml"), text)
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn a_misspelt_field_is_found_at_its_line_and_column() {
        let e = err(
            "revision = \"a\"\n\n[[upgrade]]\nop = \"add_column\"\ntable = \"t\"\ncolumn = { name = \"x\", typ = \"integer\" }\n",
        );
        assert!(e.starts_with("v/a.toml:6:"), "{e}");
        assert!(e.contains("typ"), "{e}");
        assert!(e.contains("upgrade operation 1 (add_column)"), "{e}");
    }

    #[test]
    fn a_missing_field_points_at_its_operation() {
        let e = err("revision = \"a\"\n\n[[downgrade]]\nop = \"drop_table\"\n");
        assert!(e.starts_with("v/a.toml:3:"), "{e}");
        assert!(e.contains("missing field `table`"), "{e}");
    }

    #[test]
    fn a_nested_operation_is_found_inside_the_batch() {
        let e = err(
            "revision = \"a\"\n[[upgrade]]\nop = \"batch_alter_table\"\ntable = \"t\"\nops = [\n  { op = \"drop_column\", column = \"a\" },\n  { op = \"drop_column\", colum = \"b\" },\n]\n",
        );
        assert!(e.starts_with("v/a.toml:7:"), "{e}");
        assert!(e.contains("nested operation 2"), "{e}");
    }
}
