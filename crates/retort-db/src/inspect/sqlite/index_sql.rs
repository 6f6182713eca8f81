//! Reading what `PRAGMA index_info` leaves out from the `CREATE INDEX`
//! text in `sqlite_master.sql`: a partial index's `WHERE`, an expression
//! key part's text, and each key part's `COLLATE` and `DESC`.

use crate::inspect::sqlite::tokens::{
    Token, TokenError, group_end, span_text, split_commas, tokenize,
};

/// One key part of a `CREATE INDEX`, as written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct ParsedKey {
    /// The column or expression, without outer parentheses.
    pub text: String,
    /// Its `COLLATE` name.
    pub collation: Option<String>,
    /// `DESC`.
    pub descending: bool,
}

/// The `WHERE` condition of a `CREATE INDEX` statement, as written.
pub(crate) fn index_where(sql: &str) -> Result<Option<String>, TokenError> {
    let tokens = tokenize(sql)?;
    let Some(open) = tokens.iter().position(|t| t.is_punct('(')) else {
        return Ok(None);
    };
    let rest = tokens
        .get(group_end(&tokens, open) + 1..)
        .unwrap_or_default();
    Ok(match rest.iter().position(|t| t.is_keyword("WHERE")) {
        Some(w) => span_text(sql, &rest[w + 1..]),
        None => None,
    })
}

/// The key parts of a `CREATE INDEX` statement, in order.
pub(crate) fn index_keys(sql: &str) -> Result<Vec<ParsedKey>, TokenError> {
    let tokens = tokenize(sql)?;
    let Some(open) = tokens.iter().position(|t| t.is_punct('(')) else {
        return Ok(vec![]);
    };
    let close = group_end(&tokens, open);
    Ok(split_commas(&tokens[open + 1..close.min(tokens.len())])
        .filter_map(|part| key_part(sql, part))
        .collect())
}

/// `expr [COLLATE name] [ASC | DESC]`.
fn key_part(sql: &str, mut part: &[Token<'_>]) -> Option<ParsedKey> {
    let mut key = ParsedKey::default();
    if let [rest @ .., last] = part
        && (last.is_keyword("ASC") || last.is_keyword("DESC"))
    {
        key.descending = last.is_keyword("DESC");
        part = rest;
    }
    if let [rest @ .., collate, name] = part
        && collate.is_keyword("COLLATE")
    {
        key.collation = Some(name.identifier());
        part = rest;
    }
    // `(expr)` is the expression inside.
    let inner = match (part.first(), part.last()) {
        (Some(f), Some(_)) if f.is_punct('(') && group_end(part, 0) == part.len() - 1 => {
            &part[1..part.len() - 1]
        }
        _ => part,
    };
    key.text = span_text(sql, inner)?;
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partial_index_conditions() {
        assert_eq!(
            index_where(
                "CREATE INDEX \"ix\" ON \"t\" (\"a\", lower(b)) WHERE a > 0 AND b IS NOT NULL"
            )
            .unwrap()
            .as_deref(),
            Some("a > 0 AND b IS NOT NULL")
        );
        assert_eq!(index_where("CREATE INDEX \"w(\" ON t (a)").unwrap(), None);
    }

    #[test]
    fn key_parts_with_collation_and_order() {
        let keys = index_keys(
            "CREATE INDEX ix ON t (a DESC, \"b\" COLLATE \"NOCASE\" ASC, (lower(c)) DESC, d || e COLLATE rtrim, f)",
        )
        .unwrap();
        let got: Vec<(&str, Option<&str>, bool)> = keys
            .iter()
            .map(|k| (k.text.as_str(), k.collation.as_deref(), k.descending))
            .collect();
        assert_eq!(
            got,
            [
                ("a", None, true),
                ("\"b\"", Some("NOCASE"), false),
                ("lower(c)", None, true),
                ("d || e", Some("rtrim"), false),
                ("f", None, false),
            ]
        );
    }
}
