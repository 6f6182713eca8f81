//! A small tokenizer for the SQL SQLite keeps in `sqlite_master.sql`.
//!
//! It knows SQLite's lexical rules well enough to find keywords and
//! parentheses safely: identifiers quoted with `""`, `` ` ` `` or `[]`,
//! string and blob literals (`'it''s'`, `x'00'`), numbers, and both kinds of
//! comment, which it skips. Every token keeps its byte span, so the parser
//! can copy a clause (a `CHECK` condition, a `DEFAULT`) exactly as written.

use std::ops::Range;

/// What a token is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A bare word: a keyword or an unquoted identifier.
    Word,
    /// A quoted identifier (`"a"`, `` `a` ``, `[a]`).
    Quoted,
    /// A string or blob literal.
    String,
    /// A numeric literal.
    Number,
    /// Any other character: `(`, `)`, `,`, `.`, operators.
    Punct,
}

/// One token of the SQL text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Token<'a> {
    /// Its kind.
    pub kind: Kind,
    /// Its text, quotes included.
    pub text: &'a str,
    /// Where it is in the SQL.
    pub span: Range<usize>,
}

impl Token<'_> {
    /// True for the bare word `keyword`, in any case.
    pub fn is_keyword(&self, keyword: &str) -> bool {
        self.kind == Kind::Word && self.text.eq_ignore_ascii_case(keyword)
    }

    /// True for the punctuation `c`.
    pub fn is_punct(&self, c: char) -> bool {
        self.kind == Kind::Punct && self.text.len() == c.len_utf8() && self.text.starts_with(c)
    }

    /// The identifier this token names: the word itself, or the quoted
    /// text with its quotes removed and doubled quotes undone. SQLite also
    /// accepts a string literal where it expects a name.
    pub fn identifier(&self) -> String {
        let inner = |open: usize| &self.text[open..self.text.len() - 1];
        match (self.kind, self.text.chars().next()) {
            (Kind::Quoted, Some('"')) => inner(1).replace("\"\"", "\""),
            (Kind::Quoted, Some('`')) => inner(1).replace("``", "`"),
            (Kind::Quoted, Some('[')) => inner(1).to_owned(),
            (Kind::String, Some('\'')) => inner(1).replace("''", "'"),
            _ => self.text.to_owned(),
        }
    }
}

/// SQL text that does not tokenize: an unclosed quote or comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TokenError {
    /// Where the unclosed token starts.
    pub at: usize,
}

/// Splits `sql` into tokens, skipping whitespace and comments.
pub(crate) fn tokenize(sql: &str) -> Result<Vec<Token<'_>>, TokenError> {
    let bytes = sql.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let start = i;
        let b = bytes[i];
        let kind = match b {
            _ if b.is_ascii_whitespace() => {
                i += 1;
                continue;
            }
            b'-' if bytes.get(i + 1) == Some(&b'-') => {
                i = sql[i..].find('\n').map_or(bytes.len(), |n| i + n + 1);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                // An unclosed block comment runs to the end, as in SQLite.
                i = sql[i + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |n| i + 2 + n + 2);
                continue;
            }
            b'"' | b'`' => {
                i = closing(bytes, i, b, true).ok_or(TokenError { at: start })?;
                Kind::Quoted
            }
            b'[' => {
                i = closing(bytes, i, b']', false).ok_or(TokenError { at: start })?;
                Kind::Quoted
            }
            b'\'' => {
                i = closing(bytes, i, b'\'', true).ok_or(TokenError { at: start })?;
                Kind::String
            }
            b'x' | b'X' if bytes.get(i + 1) == Some(&b'\'') => {
                i = closing(bytes, i + 1, b'\'', true).ok_or(TokenError { at: start })?;
                Kind::String
            }
            b'0'..=b'9' => {
                i = number_end(bytes, i);
                Kind::Number
            }
            b'.' if bytes.get(i + 1).is_some_and(u8::is_ascii_digit) => {
                i = number_end(bytes, i);
                Kind::Number
            }
            _ if is_word_byte(b) => {
                while i < bytes.len() && is_word_byte(bytes[i]) {
                    i += 1;
                }
                Kind::Word
            }
            _ => {
                // One character, whole even when it is not ASCII.
                i += sql[i..].chars().next().map_or(1, char::len_utf8);
                Kind::Punct
            }
        };
        out.push(Token {
            kind,
            text: &sql[start..i],
            span: start..i,
        });
    }
    Ok(out)
}

/// Bytes of a bare word: letters, digits, `_`, `$`, and any non-ASCII
/// byte (SQLite treats them all as identifier characters).
fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// The end of the quoted token opened at `open`, which ends at `close`
/// (doubled to stand for itself when `doubling`).
fn closing(bytes: &[u8], open: usize, close: u8, doubling: bool) -> Option<usize> {
    let mut i = open + 1;
    while i < bytes.len() {
        if bytes[i] == close {
            if doubling && bytes.get(i + 1) == Some(&close) {
                i += 2;
                continue;
            }
            return Some(i + 1);
        }
        i += 1;
    }
    None
}

/// The end of a number starting at `i`: digits, letters (hex, exponent),
/// `.`, and a sign right after an exponent's `e`.
fn number_end(bytes: &[u8], mut i: usize) -> usize {
    while i < bytes.len() {
        let b = bytes[i];
        let signed_exponent =
            (b == b'+' || b == b'-') && matches!(bytes[i - 1], b'e' | b'E') && !is_hex(bytes, i);
        if b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || signed_exponent {
            i += 1;
        } else {
            break;
        }
    }
    i
}

/// True when the number that `i` is inside of is a hex literal (`0x...`),
/// where `e` is a digit, not an exponent.
fn is_hex(bytes: &[u8], i: usize) -> bool {
    let start = bytes[..i]
        .iter()
        .rposition(|b| !(b.is_ascii_alphanumeric() || *b == b'.' || *b == b'_'))
        .map_or(0, |p| p + 1);
    bytes[start..].starts_with(b"0x") || bytes[start..].starts_with(b"0X")
}

/// The index of the `)` that closes the `(` at `open`, or `tokens.len()`
/// when it is not closed (so `tokens[open + 1..end]` is always the inside).
pub(crate) fn group_end(tokens: &[Token<'_>], open: usize) -> usize {
    let mut depth = 0usize;
    for (i, t) in tokens.iter().enumerate().skip(open) {
        if t.is_punct('(') {
            depth += 1;
        } else if t.is_punct(')') {
            depth = depth.saturating_sub(1);
            if depth == 0 {
                return i;
            }
        }
    }
    tokens.len()
}

/// `tokens` split at the commas outside parentheses.
pub(crate) fn split_commas<'t, 'a>(
    tokens: &'t [Token<'a>],
) -> impl Iterator<Item = &'t [Token<'a>]> {
    let mut depth = 0usize;
    tokens.split(move |t| {
        if t.is_punct('(') {
            depth += 1;
        } else if t.is_punct(')') {
            depth = depth.saturating_sub(1);
        }
        depth == 0 && t.is_punct(',')
    })
}

/// The SQL from the first token's start to the last one's end: comments
/// between tokens kept, those around dropped.
pub(crate) fn span_text(sql: &str, tokens: &[Token<'_>]) -> Option<String> {
    let (first, last) = (tokens.first()?, tokens.last()?);
    Some(sql[first.span.start..last.span.end].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str) -> Vec<&str> {
        tokenize(sql).unwrap().into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn quotes_comments_and_numbers() {
        assert_eq!(
            texts("CREATE TABLE \"a\"\"b\" ([x y] `c``d`, -- note\n e DEFAULT 'it''s' /* c */)"),
            [
                "CREATE",
                "TABLE",
                "\"a\"\"b\"",
                "(",
                "[x y]",
                "`c``d`",
                ",",
                "e",
                "DEFAULT",
                "'it''s'",
                ")"
            ]
        );
        assert_eq!(
            texts("1.5e-3+0x1E-2 .5 x'00ff'"),
            ["1.5e-3", "+", "0x1E", "-", "2", ".5", "x'00ff'"]
        );
        assert_eq!(texts("a<>b -- end"), ["a", "<", ">", "b"]);
    }

    #[test]
    fn identifiers_lose_their_quotes() {
        let names: Vec<String> = tokenize("\"a\"\"b\" `c``d` [e]] 'f''g' plain")
            .unwrap()
            .iter()
            .map(Token::identifier)
            .collect();
        assert_eq!(names, ["a\"b", "c`d", "e", "]", "f'g", "plain"]);
    }

    #[test]
    fn unclosed_quotes_are_errors() {
        assert_eq!(tokenize("a 'b").unwrap_err(), TokenError { at: 2 });
        assert_eq!(tokenize("\"b").unwrap_err(), TokenError { at: 0 });
        assert!(tokenize("a /* open").unwrap().len() == 1);
    }
}
