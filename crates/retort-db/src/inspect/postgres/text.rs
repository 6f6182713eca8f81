//! The text PostgreSQL writes back, made into the model's: foreign key
//! action codes, defaults with a cast to their own type, check conditions
//! and partial index conditions wrapped in parentheses.

/// A foreign key action code (`pg_constraint.confdeltype`) as SQL; `None`
/// for `NO ACTION`, the default.
pub(super) fn action(code: &str) -> Option<String> {
    Some(
        match code {
            "r" => "RESTRICT",
            "c" => "CASCADE",
            "n" => "SET NULL",
            "d" => "SET DEFAULT",
            _ => return None,
        }
        .to_owned(),
    )
}

/// `'a'::character varying` → `'a'` when the cast is to the column's own
/// type `ty`; any other default unchanged.
pub(super) fn strip_own_cast(default: &str, ty: &str) -> String {
    if default.starts_with('\'')
        && let Some((literal, cast)) = default.rsplit_once("::")
        && (ty == cast || ty.starts_with(&format!("{cast}(")))
        && literal.len() >= 2
        && literal.ends_with('\'')
        && !literal[1..literal.len() - 1]
            .replace("''", "")
            .contains('\'')
    {
        return literal.to_owned();
    }
    default.to_owned()
}

/// `CHECK ((qty > 0))` → `qty > 0`; `None` when not a `CHECK`.
pub(crate) fn check_condition(def: &str) -> Option<String> {
    let body = def.strip_prefix("CHECK ")?;
    let body = body.strip_suffix(" NOT VALID").unwrap_or(body);
    Some(unwrap_parens(unwrap_parens(body)).to_owned())
}

/// `text` without one pair of parentheses around all of it.
pub(super) fn unwrap_parens(text: &str) -> &str {
    let t = text.trim();
    let Some(inner) = t.strip_prefix('(').and_then(|s| s.strip_suffix(')')) else {
        return t;
    };
    // `(a) AND (b)` is not wrapped as a whole: the first `(` must close last.
    let mut depth = 0i32;
    let mut quoted: Option<char> = None;
    for c in inner.chars() {
        match (quoted, c) {
            (Some(q), c) if c == q => quoted = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quoted = Some(c),
            (None, '(') => depth += 1,
            (None, ')') => {
                depth -= 1;
                if depth < 0 {
                    return t;
                }
            }
            _ => {}
        }
    }
    inner.trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_lose_their_wrapping() {
        assert_eq!(check_condition("CHECK ((qty > 0))").unwrap(), "qty > 0");
        assert_eq!(
            check_condition("CHECK (((a > 0) AND (b > 0)))").unwrap(),
            "(a > 0) AND (b > 0)"
        );
        assert_eq!(
            check_condition("CHECK ((a > 0)) NOT VALID").unwrap(),
            "a > 0"
        );
        assert_eq!(unwrap_parens("(a) AND (b)"), "(a) AND (b)");
        assert!(check_condition("UNIQUE (a)").is_none());
    }

    #[test]
    fn own_casts_are_dropped() {
        assert_eq!(
            strip_own_cast("'a'::character varying", "character varying(20)"),
            "'a'"
        );
        assert_eq!(strip_own_cast("'a'::text", "text"), "'a'");
        assert_eq!(strip_own_cast("'it''s'::text", "text"), "'it''s'");
        assert_eq!(
            strip_own_cast("'a'::text || 'b'::text", "text"),
            "'a'::text || 'b'::text"
        );
        assert_eq!(strip_own_cast("0", "integer"), "0");
    }
}
