//! The pieces of [`ColumnType::parse`](super::ColumnType::parse): matching
//! parentheses, numbers and enum value lists.

use super::ColumnType;

/// The index of the `)` that closes the `(` at `open`, skipping quoted
/// enum values (`enum('a)', 'b')`).
pub(super) fn closing_paren(text: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut quoted = false;
    for (i, c) in text.char_indices().skip_while(|(i, _)| *i < open) {
        match c {
            // A doubled quote inside a value closes and reopens: same state.
            '\'' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

pub(super) fn number(text: &str) -> Option<u32> {
    let t = text.trim();
    if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// `'a', 'b'` or `name, 'a', 'b'`, with `''` for a quote inside a value.
pub(super) fn parse_enum(args: &str) -> Result<ColumnType, String> {
    let mut name = None;
    let mut values = Vec::new();
    let mut rest = args.trim_start();
    let mut first = true;
    while !rest.is_empty() {
        if let Some(body) = rest.strip_prefix('\'') {
            let mut value = String::new();
            let mut chars = body.char_indices().peekable();
            let mut end = None;
            while let Some((i, c)) = chars.next() {
                if c == '\'' {
                    if matches!(chars.peek(), Some((_, '\''))) {
                        chars.next();
                        value.push('\'');
                    } else {
                        end = Some(i + 1);
                        break;
                    }
                } else {
                    value.push(c);
                }
            }
            let end = end.ok_or("a value's quote is not closed")?;
            values.push(value);
            rest = body[end..].trim_start();
        } else if first {
            let end = rest.find(',').unwrap_or(rest.len());
            let ident = rest[..end].trim();
            if ident.is_empty()
                || !ident
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
            {
                return Err(format!(
                    "the first argument {ident:?} must be a type name (letters, digits, '_') or a quoted value"
                ));
            }
            name = Some(ident.to_owned());
            rest = rest[end..].trim_start();
        } else {
            return Err("values must be quoted with single quotes, e.g. enum('a', 'b')".into());
        }
        first = false;
        match rest.strip_prefix(',') {
            Some(after) => rest = after.trim_start(),
            None if rest.is_empty() => {}
            None => return Err(format!("expected ',' before {rest:?}")),
        }
    }
    if values.is_empty() {
        return Err("an enum needs at least one value, e.g. enum('draft', 'published')".into());
    }
    Ok(ColumnType::Enum { name, values })
}
