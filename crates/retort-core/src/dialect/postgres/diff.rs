//! PostgreSQL's diff hooks: `::type` casts in defaults and conditions,
//! `nextval(...)` defaults of serial columns, `float` meaning double
//! precision, `bytea` for blobs, and enum columns compared by type name.

use crate::dialect::{Dialect, Postgres};
use crate::diff::{Normalizer, expression_key};
use crate::schema::ConstraintKind;
use crate::types::ColumnType;

/// How PostgreSQL reports a schema.
#[derive(Clone, Copy, Debug, Default)]
pub struct PostgresDiff;

impl Normalizer for PostgresDiff {
    fn dialect(&self) -> &dyn Dialect {
        &Postgres
    }

    /// PostgreSQL's own names for unnamed constraints (`t_pkey`,
    /// `t_a_b_key`, `t_a_fkey`), so that a database upgraded by a revision
    /// equals one built directly from the models.
    fn default_constraint_name(
        &self,
        kind: ConstraintKind,
        table: &str,
        columns: &[String],
        _referred: &str,
        condition: &str,
    ) -> String {
        match kind {
            ConstraintKind::Primary => format!("{table}_pkey"),
            ConstraintKind::Unique => format!("{table}_{}_key", columns.join("_")),
            ConstraintKind::ForeignKey => format!("{table}_{}_fkey", columns.join("_")),
            ConstraintKind::Check => format!(
                "ck_{table}_{:08x}",
                crate::script::fnv1a64(condition.as_bytes()) as u32
            ),
        }
    }

    fn type_alias(&self, base: &str, args: Option<&str>) -> Option<String> {
        match (base, args) {
            ("float", None) | ("float8", None) => Some("double precision".into()),
            ("bytea", None) | ("blob", None) => Some("bytea".into()),
            _ => None,
        }
    }

    fn type_key(&self, ty: &ColumnType) -> String {
        match ty {
            // A named enum is its type's name; its values are the type's.
            ColumnType::Enum { name: Some(n), .. } => n.to_ascii_lowercase(),
            other => {
                let text = self
                    .dialect()
                    .render_type(other)
                    .unwrap_or_else(|_| other.to_string());
                crate::diff::type_text_key(&text, |b, a| self.type_alias(b, a))
            }
        }
    }

    fn default_key(&self, sql: &str) -> Option<String> {
        if expression_key(sql).starts_with("nextval(") {
            return None;
        }
        // `DEFAULT NULL` on a `varchar` column is stored as
        // `NULL::character varying` (on an `integer` one, not at all):
        // either way, the same as no default.
        crate::diff::default_key(&strip_casts(sql)).filter(|k| k != "null")
    }

    fn expression_key(&self, sql: &str) -> String {
        expression_key(&strip_casts(sql))
    }
}

/// `'0'::integer` -> `'0'`, `(name)::text` -> `(name)`: the casts
/// PostgreSQL adds when it prints an expression back.
pub(crate) fn strip_casts(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len());
    let mut in_string = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            in_string = c != '\'';
            out.push(c);
        } else if c == '\'' {
            in_string = true;
            out.push(c);
        } else if c == ':' && chars.peek() == Some(&':') {
            chars.next();
            // The type name: words (`character varying`), `[]`, `(n)`.
            let mut depth = 0;
            while let Some(&n) = chars.peek() {
                let word = n.is_alphanumeric() || n == '_' || n == '"' || n == '[' || n == ']';
                let space_inside = n == ' ' && {
                    let rest: String = chars.clone().skip(1).take(8).collect();
                    rest.starts_with("varying") || rest.starts_with("precision")
                };
                if word || space_inside || n == '(' || (depth > 0 && n != ')') {
                    depth += usize::from(n == '(');
                    chars.next();
                } else if n == ')' && depth > 0 {
                    depth -= 1;
                    chars.next();
                } else {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}
